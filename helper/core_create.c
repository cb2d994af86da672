/* core_create.c - making directories, symlinks, nodes and links, and
 * giving every new object the identity its model asks for.
 *
 * passthrough/none: the object is made with the guest user's file
 * credentials, then owner (request gid) and mode (bypassing the umask)
 * are set as the server, as QEMU does.  Mapped models: the host object
 * is a plain file or directory owned by the server with fmode/dmode and
 * the guest's view is recorded as metadata; a device, FIFO, socket or
 * symlink never becomes real on the host. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "helper/core_priv.h"

int
core_plan(struct core *c, const struct core_cred *cr, uint32_t type,
    uint32_t mode, uint32_t gid, uint64_t rdev, struct policy_create *p)
{
	return policy_create_plan(c->opts.model, c->opts.fmode, c->opts.dmode,
	    type, mode, cr != NULL ? cr->uid : (uint32_t)-1, gid, rdev, p);
}

static int
set_mode(struct core *c, int nodefd, int fd, mode_t mode)
{
	char name[32];
	int dirfd;

	if (fd >= 0)
		return fchmod(fd, mode) == 0 ? 0 : -errno;
	/* Through the magic link: no open, so a FIFO or device node is
	 * never opened just to change its mode. */
	core_proc_name(c, nodefd, name, sizeof(name), &dirfd);
	return fchmodat(dirfd, name, mode, 0) == 0 ? 0 : -errno;
}

static int
fix_owner(struct core *c, int nodefd, int fd, const struct policy_create *p)
{
	uint32_t uid = p->meta.uid, gid = p->meta.gid;
	struct stat st;
	int r;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if ((uid != (uint32_t)-1 && st.st_uid != uid) ||
	    (gid != (uint32_t)-1 && st.st_gid != gid)) {
		if (fchownat(nodefd, "", uid, gid, AT_EMPTY_PATH |
		    AT_SYMLINK_NOFOLLOW) != 0 && c->opts.model != POLICY_NONE)
			return -errno;
		if ((r = core_stat(nodefd, &st)) < 0)
			return r;
	}
	if (S_ISLNK(st.st_mode) || (st.st_mode & 07777) == p->host_mode)
		return 0;
	return set_mode(c, nodefd, fd, p->host_mode);
}

int
core_post_create(struct core *c, const struct core_cred *cr, int nodefd,
    int fd, const struct policy_create *p, const struct core_inherit *ih)
{
	int r;

	if (!p->record)
		return fix_owner(c, nodefd, fd, p);
	/* The host mode is exactly fmode/dmode, whatever the umask. */
	if ((r = set_mode(c, nodefd, fd, p->host_mode)) < 0)
		return r;
	if (c->opts.model == POLICY_MAPPED_FILE)
		r = core_mfile_put(c, nodefd, &p->meta, true);
	else
		r = fd >= 0 ? core_meta_put_fd(c, fd, &p->meta) :
		    core_meta_put(c, nodefd, &p->meta);
	return r < 0 ? r : core_inherit_apply(c, nodefd, fd, ih);
}

void
core_undo_create(struct core *c, int dirfd, const char *name, int nodefd,
    int flags)
{
	if (core_same_node(c, dirfd, name, nodefd) != 0)
		return;
	if (c->opts.model == POLICY_MAPPED_FILE &&
	    core_mfile_prepare_unlink(c, dirfd, name, flags) < 0)
		return;
	if (unlinkat(dirfd, name, flags) == 0 &&
	    c->opts.model == POLICY_MAPPED_FILE)
		core_mfile_unlink(c, dirfd, name);
}

static int
begin(struct core *c, const char *name)
{
	int r;

	if ((r = core_check_name(c, name, 0)) < 0)
		return r;
	return c->opts.readonly ? -EROFS : 0;
}

/* Look up what was just made, check it is what we made, finish it. */
static int
finish(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int fd, uint32_t hosttype,
    const struct policy_create *p, const struct core_inherit *ih,
    struct core_attr *attr)
{
	struct stat st;
	int r, node = -1;
	int uflags = hosttype == S_IFDIR ? AT_REMOVEDIR : 0;

	if (fd >= 0)
		r = core_node_of(c, fd, &node);
	else
		r = core_walk1(c, dirfd, name, &node);
	if (r == 0 && (r = core_stat(node, &st)) == 0 &&
	    (st.st_mode & S_IFMT) != hosttype)
		r = -EEXIST;	/* raced with another creator */
	if (r == 0 && (r = core_post_create(c, cr, node, fd, p, ih)) == 0 &&
	    (attr == NULL || (r = core_attr_of(c, node, fd, attr)) == 0)) {
		core_close(node);
		return 0;
	}
	if (node >= 0 && r != -EEXIST)
		core_undo_create(c, dirfd, name, node, uflags);
	core_close(node);
	return r;
}

int
core_mkdir(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, uint32_t mode, uint32_t gid, struct core_attr *attr)
{
	struct core_inherit ih;
	struct policy_create p;
	struct cred_saved cs;
	int r;

	if ((r = begin(c, name)) < 0 ||
	    (r = core_plan(c, cr, S_IFDIR, mode, gid, 0, &p)) < 0 ||
	    (r = core_inherit_plan(c, dirfd, S_IFDIR, &p, &ih)) < 0)
		return r;
	if ((r = cred_enter(c, cr, &cs)) == 0) {
		r = mkdirat(dirfd, name, p.host_mode) == 0 ? 0 : -errno;
		cred_leave(&cs);
	}
	if (r == 0)
		r = finish(c, cr, dirfd, name, -1, S_IFDIR, &p, &ih, attr);
	core_inherit_free(&ih);
	return r;
}

/* Mapped models: a new plain file, optionally holding data. */
static int
mapped_file(struct core *c, int dirfd, const char *name,
    const struct policy_create *p, const char *data, int *fd)
{
	size_t len = data != NULL ? strlen(data) : 0, off = 0;
	ssize_t n;

	*fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, p->host_mode);
	if (*fd < 0)
		return -errno;
	while (off < len) {
		n = write(*fd, data + off, len - off);
		if (n <= 0) {
			n = n < 0 ? -errno : -EIO;
			core_close(*fd);
			unlinkat(dirfd, name, 0);
			return (int)n;
		}
		off += (size_t)n;
	}
	return 0;
}

static int
finish_fd(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int fd, const struct policy_create *p,
    const struct core_inherit *ih, struct core_attr *attr)
{
	int r = finish(c, cr, dirfd, name, fd, S_IFREG, p, ih, attr);

	core_close(fd);
	return r;
}

int
core_symlink(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, const char *target, uint32_t gid,
    struct core_attr *attr)
{
	struct policy_create p;
	struct cred_saved cs;
	int r, fd;

	if ((r = begin(c, name)) < 0)
		return r;
	if (target == NULL || target[0] == '\0')
		return -ENOENT;
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	if ((r = core_plan(c, cr, S_IFLNK, 0777, gid, 0, &p)) < 0)
		return r;
	if (p.kind == POLICY_HOST_FILE) {
		if ((r = mapped_file(c, dirfd, name, &p, target, &fd)) < 0)
			return r;
		return finish_fd(c, cr, dirfd, name, fd, &p, NULL, attr);
	}
	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	r = symlinkat(target, dirfd, name) == 0 ? 0 : -errno;
	cred_leave(&cs);
	if (r < 0)
		return r;
	return finish(c, cr, dirfd, name, -1, S_IFLNK, &p, NULL, attr);
}

int
core_mknod(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, uint32_t mode, uint64_t rdev, uint32_t gid,
    struct core_attr *attr)
{
	uint32_t type = mode & S_IFMT ? mode & S_IFMT : S_IFREG;
	struct core_inherit ih;
	struct policy_create p;
	struct cred_saved cs;
	int r, fd;

	if ((r = begin(c, name)) < 0)
		return r;
	if (type == S_IFDIR || type == S_IFLNK)
		return -EINVAL;
	if ((r = core_plan(c, cr, type, mode, gid, rdev, &p)) < 0 ||
	    (r = core_inherit_plan(c, dirfd, type, &p, &ih)) < 0)
		return r;
	if (p.kind == POLICY_HOST_FILE) {
		if ((r = mapped_file(c, dirfd, name, &p, NULL, &fd)) == 0)
			r = finish_fd(c, cr, dirfd, name, fd, &p, &ih, attr);
		core_inherit_free(&ih);
		return r;
	}
	if ((r = cred_enter(c, cr, &cs)) == 0) {
		r = mknodat(dirfd, name, type | (p.host_mode & 0777), rdev) ==
		    0 ? 0 : -errno;
		cred_leave(&cs);
	}
	if (r == 0)
		r = finish(c, cr, dirfd, name, -1, type, &p, &ih, attr);
	core_inherit_free(&ih);
	return r;
}

int
core_link(struct core *c, const struct core_cred *cr, int nodefd,
    int dirfd, const char *name)
{
	struct cred_saved cs;
	struct stat st;
	char pname[32];
	int r, pdir;

	if ((r = begin(c, name)) < 0)
		return r;
	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (S_ISDIR(st.st_mode))
		return -EPERM;
	/* A node that is not (or no longer) beneath the export must not
	 * be linked into it. */
	if ((r = core_beneath(c, nodefd)) < 0)
		return r;
	core_proc_name(c, nodefd, pname, sizeof(pname), &pdir);
	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	r = linkat(pdir, pname, dirfd, name, AT_SYMLINK_FOLLOW) == 0 ? 0 :
	    -errno;
	cred_leave(&cs);
	if (r == 0 && c->opts.model == POLICY_MAPPED_FILE)
		core_mfile_link(c, nodefd, dirfd, name);
	return r;
}
