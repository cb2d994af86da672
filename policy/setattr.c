/* setattr.c - a Tsetattr request as an ordered plan.
 *
 * Order as QEMU applies it: mode, times, owner, size.  ATIME without
 * ATIME_SET means "now" (UTIME_NOW); a time not asked for is left alone
 * (UTIME_OMIT).  CTIME alone asks only for a ctime bump, which any of the
 * other changes already gives. */
#include <errno.h>

#include "policy/policy.h"

static enum policy_time_how
time_how(uint32_t valid, uint32_t bit, uint32_t setbit)
{
	if (!(valid & bit))
		return POLICY_TIME_OMIT;
	return (valid & setbit) ? POLICY_TIME_SET : POLICY_TIME_NOW;
}

int
policy_setattr_plan(uint32_t valid, uint32_t uid, uint32_t gid,
    struct policy_setattr_plan *p)
{
	const uint32_t bumps = POLICY_SETATTR_MODE | POLICY_SETATTR_UID |
	    POLICY_SETATTR_GID | POLICY_SETATTR_SIZE | POLICY_SETATTR_ATIME |
	    POLICY_SETATTR_MTIME;

	if (valid & ~(uint32_t)POLICY_SETATTR_ALL)
		return -EINVAL;
	p->chmod = (valid & POLICY_SETATTR_MODE) != 0;
	p->atime = time_how(valid, POLICY_SETATTR_ATIME,
	    POLICY_SETATTR_ATIME_SET);
	p->mtime = time_how(valid, POLICY_SETATTR_MTIME,
	    POLICY_SETATTR_MTIME_SET);
	p->chown = (valid & (POLICY_SETATTR_UID | POLICY_SETATTR_GID)) != 0;
	p->uid = (valid & POLICY_SETATTR_UID) ? uid : (uint32_t)-1;
	p->gid = (valid & POLICY_SETATTR_GID) ? gid : (uint32_t)-1;
	p->truncate = (valid & POLICY_SETATTR_SIZE) != 0;
	p->touch_ctime = (valid & POLICY_SETATTR_CTIME) && !(valid & bumps);
	return 0;
}
