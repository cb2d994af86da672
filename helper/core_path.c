/* core_path.c - path forms of the proxy codec's most frequent reads.
 *
 * core_resolve makes a node descriptor for the last component, which
 * costs an open and a close per request.  These resolve only the parent
 * (nothing at all for a name in the export root: the root is lent) and
 * reach the last component with a call that never follows it:
 * fstatat(AT_SYMLINK_NOFOLLOW), readlinkat, getxattrat(AT_SYMLINK_NOFOLLOW),
 * statx(AT_SYMLINK_NOFOLLOW) or name_to_handle_at (without
 * AT_SYMLINK_FOLLOW).  The last name is one checked component,
 * so nothing is resolved outside the export, no symlink is followed and
 * nothing is opened.
 *
 * Where the call cannot give the whole answer - the root itself, '.' or
 * '..' last, a mapped model's record, a guest identity to switch to (it
 * would need search permission on the parent, which a node does not), a
 * kernel without getxattrat, another mount - they fall back to
 * core_resolve and the node operation, so each answers exactly as that
 * pair would.
 *
 * T_OPEN is the one path form that opens; see core_open_path for why
 * that is safe and when it is used.  T_CHMOD, T_CHOWN and T_UTIME change
 * the name's own inode with fchmodat2, fchownat or utimensat, all with
 * AT_SYMLINK_NOFOLLOW (core_setattr_path). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper/core_priv.h"

#define PATH_FALLBACK 1

struct parent {
	int dirfd;		/* lent root or an O_PATH directory */
	char last[NAME_MAX + 1];
};

/* The last component of path, without trailing slashes; NULL if the
 * path names the root. */
static const char *
last_name(const char *path, size_t *len)
{
	const char *e = path + strlen(path), *s;

	while (e > path && e[-1] == '/')
		e--;
	s = e;
	while (s > path && s[-1] != '/')
		s--;
	*len = (size_t)(e - s);
	return s == e ? NULL : s;
}

/* 0 with the parent resolved, PATH_FALLBACK when the node operation must
 * answer, or -errno as core_resolve would have failed. */
static int
parent_of(struct core *c, const char *path, struct parent *p)
{
	const char *l;
	size_t len;
	int r;

	if (path == NULL || strnlen(path, PATH_MAX) >= PATH_MAX)
		return PATH_FALLBACK;
	if ((l = last_name(path, &len)) == NULL ||
	    (len == 1 && l[0] == '.') ||
	    (len == 2 && l[0] == '.' && l[1] == '.'))
		return PATH_FALLBACK;
	if ((r = core_resolve_lend(c, path, true, &p->dirfd, p->last)) < 0)
		return r;
	/* As core_walk1 checks it, after the parent was found. */
	if ((r = core_check_name(c, p->last, POLICY_NAME_LOOKUP)) < 0) {
		core_unlend(c, p->dirfd);
		return r;
	}
	return 0;
}

int
core_lstat_path(struct core *c, const char *path, struct core_attr *attr)
{
	struct parent p;
	struct stat st;
	int r, fd;

	if (CORE_IS_MAPPED(c) || (r = parent_of(c, path, &p)) ==
	    PATH_FALLBACK) {
		if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
			return r;
		r = core_getattr_want(c, fd, 0, attr);
		core_close(fd);
		return r;
	}
	if (r < 0)
		return r;
	r = fstatat(p.dirfd, p.last, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 :
	    -errno;
	core_unlend(c, p.dirfd);
	/* No node: neither the record (not mapped) nor the generation (not
	 * asked for) needs one. */
	return r < 0 ? r : core_fill_attr_fd(c, -1, -1, &st, 0, attr);
}

/* T_GETVERSION by path: the type from fstatat, the generation from the
 * name's file handle.  Should the name be swapped between the two calls,
 * the handle's inode number differs from the stat's and the node form
 * answers instead; neither call opens anything. */
int
core_getversion_path(struct core *c, const char *path, uint64_t *gen)
{
	struct parent p;
	struct stat st;
	int r, fd;

	if ((r = parent_of(c, path, &p)) < 0)
		return r;
	if (r == 0) {
		r = fstatat(p.dirfd, p.last, &st, AT_SYMLINK_NOFOLLOW) == 0 ?
		    core_openable(&st) : -errno;
		if (r == 0 && core_gen_from_handle(c, p.dirfd, p.last, 0,
		    &st, gen) != 0)
			r = PATH_FALLBACK;
		core_unlend(c, p.dirfd);
		if (r != PATH_FALLBACK)
			return r;
	}
	if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_getversion(c, fd, gen);
	core_close(fd);
	return r;
}

int
core_readlink_path(struct core *c, const struct core_cred *cr,
    const char *path, char *target, size_t cap)
{
	struct parent p;
	ssize_t n;
	int r, fd;

	if (cap == 0)
		return -EINVAL;
	if (CORE_IS_MAPPED(c) || (r = parent_of(c, path, &p)) ==
	    PATH_FALLBACK) {
		if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
			return r;
		r = core_readlink(c, cr, fd, target, cap);
		core_close(fd);
		return r;
	}
	if (r < 0)
		return r;
	/* readlinkat never follows the last component and answers EINVAL
	 * for anything but a symlink, as core_readlink does. */
	n = readlinkat(p.dirfd, p.last, target, cap);
	r = n < 0 ? -errno : 0;
	core_unlend(c, p.dirfd);
	if (r < 0)
		return r;
	if ((size_t)n >= cap)
		return -ENAMETOOLONG;
	target[n] = '\0';
	return (int)n;
}

static int
getxattr_node(struct core *c, const struct core_cred *cr, const char *path,
    const char *name, void *value, size_t cap)
{
	int r, fd;

	if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_getxattr(c, cr, fd, name, value, cap);
	core_close(fd);
	return r;
}

int
core_getxattr_path(struct core *c, const struct core_cred *cr,
    const char *path, const char *name, void *value, size_t cap)
{
	char host[POLICY_XATTR_NAME_MAX + 1];
	struct parent p;
	int r;

	/* A name the model refuses is refused after the path was found:
	 * the node form keeps that order. */
	if (!c->has_xattrat || cred_may_switch(c, cr) ||
	    policy_xattr_map(c->opts.model, POLICY_XATTR_GET, name, host,
	    sizeof(host)) < 0 ||
	    (r = parent_of(c, path, &p)) == PATH_FALLBACK)
		return getxattr_node(c, cr, path, name, value, cap);
	if (r < 0)
		return r;
	if (cap > CORE_XATTR_MAX)
		cap = CORE_XATTR_MAX;
	r = core_xattr_get_at(p.dirfd, p.last, AT_SYMLINK_NOFOLLOW, host,
	    value, cap);
	core_unlend(c, p.dirfd);
	if (r == -ERANGE && cap == CORE_XATTR_MAX)
		r = -E2BIG;
	return r;
}

/* Another object on the root's own mount has the root's statfs (the
 * answer belongs to the mount and its file system, not to the object). */
int
core_statfs_path(struct core *c, const char *path, struct statfs *st)
{
	struct statx sx;
	struct parent p;
	int r, fd;

	if ((r = parent_of(c, path, &p)) == PATH_FALLBACK) {
		if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
			return r;
		r = core_statfs(c, fd, st);
		core_close(fd);
		return r;
	}
	if (r < 0)
		return r;
	if (p.dirfd == c->rootfd && c->rootmnt != 0) {
		if (statx(c->rootfd, p.last, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID,
		    &sx) != 0)
			return -errno;
		if ((sx.stx_mask & STATX_MNT_ID) && sx.stx_mnt_id == c->rootmnt)
			return core_statfs(c, c->rootfd, st);
	}
	r = core_walk1(c, p.dirfd, p.last, &fd);
	core_unlend(c, p.dirfd);
	if (r < 0)
		return r;
	r = core_statfs(c, fd, st);
	core_close(fd);
	return r;
}

/* Open by name: one openat of the name and one fstat of what was opened,
 * where the node form pins the inode with O_PATH, fstats it and re-opens
 * it through /proc/self/fd (four calls, three of them path lookups).
 * What the name may turn out to be, and what happens:
 *  - a regular file or directory: opened and kept;
 *  - a device node: the open fails before any driver sees it, because
 *    every mount beneath the export is nodev in the helper's namespace
 *    (c->opts.nodev, required here);
 *  - a FIFO: O_NONBLOCK makes the open return at once (for writing
 *    without a reader it fails with ENXIO), the fstat sees the type and
 *    the descriptor is closed unused, never handed out;
 *  - a symlink: O_NOFOLLOW fails it; a socket: open(2) fails it.
 * Every failure, and every type not kept, is answered by the node form,
 * so errors are exactly the node form's (ENXIO, not nodev's EACCES).
 * So nothing blocks, no device is opened and no other type is handed
 * out; what the node form avoids in addition is a FIFO being opened
 * non-blocking for one fstat's time, which could show a host process
 * using that FIFO an extra reader or writer coming and going.
 * Mapped models (the guest's type lives in metadata) and requests that
 * switch to a guest identity (they would need search permission on the
 * parent) always take the node form. */
int
core_open_path(struct core *c, const struct core_cred *cr, const char *path,
    int oflags, int *openfd)
{
	struct parent p;
	struct stat st;
	int r, flags, fd;

	if ((r = policy_host_open_flags(oflags, c->opts.readonly, &flags)) < 0)
		return r;
	if (!c->opts.nodev || CORE_IS_MAPPED(c) || cred_may_switch(c, cr) ||
	    (r = parent_of(c, path, &p)) == PATH_FALLBACK)
		goto node_form;
	if (r < 0)
		return r;
	fd = openat(p.dirfd, p.last, (flags & ~(O_CREAT | O_EXCL)) |
	    O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	core_unlend(c, p.dirfd);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0 && core_openable(&st) == 0) {
			*openfd = fd;
			return 0;
		}
		core_close(fd);
	}
node_form:
	if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_open(c, cr, fd, oflags, openfd);
	core_close(fd);
	return r;
}

int
core_setattr_path(struct core *c, const struct core_cred *cr,
    const char *path, const struct core_setattr *sa)
{
	struct parent p;
	int r, fd;

	if ((r = parent_of(c, path, &p)) < 0)
		return r;
	if (r == 0) {
		r = core_setattr_name(c, cr, p.dirfd, p.last, sa);
		core_unlend(c, p.dirfd);
		if (r != CORE_SETATTR_NODE)
			return r;
	}
	if ((r = core_resolve(c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_setattr(c, cr, fd, sa);
	core_close(fd);
	return r;
}
