/* core_setattr.c - Tsetattr: mode, times, owner, size, in that order.
 *
 * passthrough/none change the host object as the guest user, so the
 * host's permission rules decide.  The mapped models change only the
 * recorded identity for mode and owner (the host object keeps the
 * server's owner and fmode/dmode), and the host object for times and
 * size. */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper/core_priv.h"

/* The plan's times as utimensat takes them. */
static void
plan_times(const struct policy_setattr_plan *p, const struct core_setattr *sa,
    struct timespec ts[2])
{
	ts[0].tv_sec = ts[1].tv_sec = 0;
	ts[0].tv_nsec = p->atime == POLICY_TIME_NOW ? UTIME_NOW : UTIME_OMIT;
	ts[1].tv_nsec = p->mtime == POLICY_TIME_NOW ? UTIME_NOW : UTIME_OMIT;
	if (p->atime == POLICY_TIME_SET)
		ts[0] = sa->atime;
	if (p->mtime == POLICY_TIME_SET)
		ts[1] = sa->mtime;
}

static int
do_utimes(struct core *c, int nodefd, const struct policy_setattr_plan *p,
    const struct core_setattr *sa)
{
	struct timespec ts[2];
	char name[32];
	int dirfd;

	plan_times(p, sa, ts);
	/* The magic link ends at the node itself, even for a symlink:
	 * this sets the node's own times without opening it. */
	core_proc_name(c, nodefd, name, sizeof(name), &dirfd);
	return utimensat(dirfd, name, ts, 0) == 0 ? 0 : -errno;
}

static int
touch_ctime(struct core *c, int nodefd)
{
	struct timespec ts[2];
	struct stat st;
	char name[32];
	int r, dirfd;

	/* Re-set mtime to what it is: the kernel bumps ctime, and unlike a
	 * chown(-1, -1) no set-id bit is lost. */
	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = st.st_mtim;
	core_proc_name(c, nodefd, name, sizeof(name), &dirfd);
	return utimensat(dirfd, name, ts, 0) == 0 ? 0 : -errno;
}

static int
do_truncate(struct core *c, int nodefd, uint64_t size)
{
	struct stat st;
	int r, fd;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (size > INT64_MAX)
		return -EFBIG;
	if ((r = core_reopen(c, nodefd, O_WRONLY, &fd)) < 0)
		return r;
	/* ftruncate updates mtime and ctime even when the size stays. */
	r = ftruncate(fd, (off_t)size) == 0 ? 0 : -errno;
	core_close(fd);
	return r;
}

static int
pass_chmod(struct core *c, int nodefd, uint32_t mode)
{
	struct stat st;
	char name[32];
	int r, dirfd;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;	/* Linux has no symlink modes */
	core_proc_name(c, nodefd, name, sizeof(name), &dirfd);
	return fchmodat(dirfd, name, mode & 07777, 0) == 0 ? 0 : -errno;
}

static int
pass_chown(struct core *c, int nodefd, uint32_t uid, uint32_t gid)
{
	if (fchownat(nodefd, "", uid, gid, AT_EMPTY_PATH |
	    AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	/* none runs where the server may not own files for others. */
	return c->opts.model == POLICY_NONE ? 0 : -errno;
}

static int
passthrough(struct core *c, const struct core_cred *cr, int nodefd,
    const struct core_setattr *sa, const struct policy_setattr_plan *p)
{
	struct cred_saved cs;
	int r = 0;

	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	if (p->chmod)
		r = pass_chmod(c, nodefd, sa->mode);
	if (r == 0 && (p->atime != POLICY_TIME_OMIT ||
	    p->mtime != POLICY_TIME_OMIT))
		r = do_utimes(c, nodefd, p, sa);
	if (r == 0 && p->chown)
		r = pass_chown(c, nodefd, p->uid, p->gid);
	if (r == 0 && p->truncate)
		r = do_truncate(c, nodefd, sa->size);
	cred_leave(&cs);
	if (r == 0 && p->touch_ctime)
		r = touch_ctime(c, nodefd);
	return r;
}

static int
mapped_ids(struct core *c, int nodefd, const struct core_setattr *sa,
    const struct policy_setattr_plan *p)
{
	struct policy_meta m, w = { 0 };
	struct stat st;
	uint32_t mode;
	int r;

	if ((r = core_stat(nodefd, &st)) < 0 ||
	    (r = core_meta_get(c, nodefd, &st, &m)) < 0)
		return r;
	mode = (m.valid & POLICY_META_MODE) ? m.mode : st.st_mode;
	if (p->chmod) {
		w.valid |= POLICY_META_MODE;
		w.mode = mode = policy_chmod_mode(mode, sa->mode);
	}
	if (p->uid != (uint32_t)-1) {
		w.valid |= POLICY_META_UID;
		w.uid = p->uid;
	}
	if (p->gid != (uint32_t)-1) {
		w.valid |= POLICY_META_GID;
		w.gid = p->gid;
	}
	if (p->chown && policy_chown_mode(mode) != mode) {
		w.valid |= POLICY_META_MODE;
		w.mode = policy_chown_mode(mode);
	}
	if (w.valid == 0)
		return 0;
	if ((r = core_meta_put(c, nodefd, &w)) < 0)
		return r;
	return p->chmod ? core_acl_chmod(c, nodefd, w.mode) : 0;
}

static int
mapped(struct core *c, int nodefd, const struct core_setattr *sa,
    const struct policy_setattr_plan *p)
{
	int r = 0;

	if (p->chmod) {
		struct policy_setattr_plan mode = *p;

		mode.chown = false;
		mode.uid = mode.gid = (uint32_t)-1;
		r = mapped_ids(c, nodefd, sa, &mode);
	}
	if (r == 0 && (p->atime != POLICY_TIME_OMIT ||
	    p->mtime != POLICY_TIME_OMIT))
		r = do_utimes(c, nodefd, p, sa);
	if (r == 0 && p->chown) {
		struct policy_setattr_plan owner = *p;

		owner.chmod = false;
		r = mapped_ids(c, nodefd, sa, &owner);
	}
	if (r == 0 && p->truncate)
		r = do_truncate(c, nodefd, sa->size);
	if (r == 0 && (p->touch_ctime || (p->chown &&
	    p->uid == (uint32_t)-1 && p->gid == (uint32_t)-1)))
		r = touch_ctime(c, nodefd);
	return r;
}

static bool
valid_ts(const struct timespec *ts)
{
	return ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

#ifndef SYS_fchmodat2
#define SYS_fchmodat2	452	/* Linux 6.6; not in Debian 12's headers */
#endif

/* fchmodat2 refuses AT_SYMLINK_NOFOLLOW on a symlink with EOPNOTSUPP, as
 * pass_chmod does.  Asked once, at export open, with a name that cannot
 * exist: a kernel that has the call says ENOENT and changes nothing. */
bool
core_probe_fchmodat2(struct core *c)
{
	return syscall(SYS_fchmodat2, c->rootfd, "", 0,
	    AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
}

/* The proxy's T_CHMOD, T_CHOWN and T_UTIME each change one thing: the
 * mode, the owner or the times.  Each is one call on the name, never
 * following it, where pass_chmod/pass_chown/do_utimes act on a node:
 * fchmodat2, fchownat and utimensat with AT_SYMLINK_NOFOLLOW reach the
 * same inode as the node's magic link and ask the kernel the same
 * questions of it.  Anything else - a mapped model, an identity switch,
 * a size or ctime change, two kinds at once, a readonly export (so that
 * a missing name still says ENOENT first), chmod without fchmodat2 -
 * is CORE_SETATTR_NODE: the caller resolves a node and calls
 * core_setattr. */
int
core_setattr_name(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, const struct core_setattr *sa)
{
	struct policy_setattr_plan p;
	struct timespec ts[2];
	bool times;
	int kinds;

	if (CORE_IS_MAPPED(c) || c->opts.readonly || cred_may_switch(c, cr) ||
	    policy_setattr_plan(sa->valid, sa->uid, sa->gid, &p) < 0 ||
	    p.truncate || p.touch_ctime ||
	    (p.atime == POLICY_TIME_SET && !valid_ts(&sa->atime)) ||
	    (p.mtime == POLICY_TIME_SET && !valid_ts(&sa->mtime)))
		return CORE_SETATTR_NODE;
	times = p.atime != POLICY_TIME_OMIT || p.mtime != POLICY_TIME_OMIT;
	kinds = (int)p.chmod + (int)p.chown + (int)times;
	if (kinds != 1 || (p.chmod && !c->has_fchmodat2))
		return CORE_SETATTR_NODE;
	if (p.chmod)
		return syscall(SYS_fchmodat2, dirfd, name, sa->mode & 07777,
		    AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
	if (p.chown) {
		if (fchownat(dirfd, name, p.uid, p.gid,
		    AT_SYMLINK_NOFOLLOW) == 0)
			return 0;
		/* As pass_chown: none may not own files for others. */
		return c->opts.model == POLICY_NONE && errno != ENOENT &&
		    errno != ENOTDIR ? 0 : -errno;
	}
	plan_times(&p, sa, ts);
	return utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) == 0 ? 0 :
	    -errno;
}

int
core_setattr(struct core *c, const struct core_cred *cr, int nodefd,
    const struct core_setattr *sa)
{
	struct policy_setattr_plan p;
	int r;

	if ((r = policy_setattr_plan(sa->valid, sa->uid, sa->gid, &p)) < 0)
		return r;
	/* An explicit time is a time: UTIME_NOW/UTIME_OMIT smuggled in as
	 * nanoseconds would change what the request means. */
	if ((p.atime == POLICY_TIME_SET && !valid_ts(&sa->atime)) ||
	    (p.mtime == POLICY_TIME_SET && !valid_ts(&sa->mtime)))
		return -EINVAL;
	if (sa->valid == 0)
		return 0;
	if (c->opts.readonly)
		return -EROFS;
	if (CORE_IS_MAPPED(c))
		return mapped(c, nodefd, sa, &p);
	return passthrough(c, cr, nodefd, sa, &p);
}
