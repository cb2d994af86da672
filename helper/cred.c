/* cred.c - run one request with the guest user's file credentials.
 *
 * Only the calling thread changes: the raw setfsuid/setfsgid/setgroups
 * system calls act on one thread, whereas glibc's setgroups() and
 * set*id() wrappers broadcast to every thread of the process, which
 * would mix up concurrent requests of different users. */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper/core_priv.h"

static uid_t
cur_fsuid(void)
{
	/* An invalid id changes nothing and returns the current one. */
	return (uid_t)syscall(SYS_setfsuid, (uid_t)-1);
}

static gid_t
cur_fsgid(void)
{
	return (gid_t)syscall(SYS_setfsgid, (gid_t)-1);
}

static bool
wants_switch(const struct core *c, const struct core_cred *cr)
{
	if (cr == NULL || cr->uid == (uint32_t)-1 || !c->privileged)
		return false;
	return c->opts.model == POLICY_PASSTHROUGH ||
	    c->opts.model == POLICY_NONE;
}

bool
cred_may_switch(const struct core *c, const struct core_cred *cr)
{
	return wants_switch(c, cr);
}

void
cred_leave(struct cred_saved *s)
{
	if (!s->switched)
		return;
	/* Continuing with a guest's identity on a server thread would let
	 * the next request run as the wrong user: fail closed. */
	if (s->uid_set && ((void)syscall(SYS_setfsuid, s->fsuid),
	    cur_fsuid() != s->fsuid))
		abort();
	if (s->gid_set && ((void)syscall(SYS_setfsgid, s->fsgid),
	    cur_fsgid() != s->fsgid))
		abort();
	if (s->groups_set && syscall(SYS_setgroups, s->ngroups,
	    s->groups) != 0)
		abort();
	s->switched = s->uid_set = s->gid_set = s->groups_set = false;
}

static bool
has_gid(const gid_t *g, int n, gid_t x)
{
	int i;

	for (i = 0; i < n; i++)
		if (g[i] == x)
			return true;
	return false;
}

/* Whether the thread's supplementary groups already give what the
 * request's do once the fsgid is the request's gid: the kernel asks "is
 * the fsgid or one of the groups X", so only the set counts, and the
 * fsgid itself belongs to it either way. */
static bool
same_groups(const struct cred_saved *s, const gid_t *g, int n, gid_t gid)
{
	int i;

	for (i = 0; i < n; i++)
		if (g[i] != gid && !has_gid(s->groups, s->ngroups, g[i]))
			return false;
	for (i = 0; i < s->ngroups; i++)
		if (s->groups[i] != gid && !has_gid(g, n, s->groups[i]))
			return false;
	return true;
}

/* Only what differs is changed: a request of the server's own identity
 * (a root guest) costs three calls and nothing to undo. */
int
cred_enter(const struct core *c, const struct core_cred *cr,
    struct cred_saved *s)
{
	gid_t g[CORE_MAX_GROUPS];
	int i, n;

	s->switched = s->uid_set = s->gid_set = s->groups_set = false;
	if (!wants_switch(c, cr))
		return 0;
	if (cr->ngroups < 0 || cr->ngroups > CORE_MAX_GROUPS)
		return -EINVAL;
	n = (int)syscall(SYS_getgroups, CORE_MAX_GROUPS + 1, s->groups);
	if (n < 0)
		return -errno;
	s->ngroups = n;
	for (i = 0; i < cr->ngroups; i++)
		g[i] = cr->groups[i];
	s->switched = true;
	/* setfsgid/setfsuid answer the previous id, which is what is
	 * saved; only a change needs the read-back that proves it. */
	s->fsgid = (gid_t)syscall(SYS_setfsgid, cr->gid);
	if (s->fsgid != cr->gid) {
		s->gid_set = true;
		if (cur_fsgid() != cr->gid) {
			cred_leave(s);
			return -EPERM;
		}
	}
	if (!same_groups(s, g, cr->ngroups, cr->gid)) {
		s->groups_set = true;
		if (syscall(SYS_setgroups, cr->ngroups, g) != 0) {
			n = -errno;
			cred_leave(s);
			return n;
		}
	}
	s->fsuid = (uid_t)syscall(SYS_setfsuid, cr->uid);
	if (s->fsuid != cr->uid) {
		s->uid_set = true;
		if (cur_fsuid() != cr->uid) {
			cred_leave(s);
			return -EPERM;
		}
	}
	return 0;
}
