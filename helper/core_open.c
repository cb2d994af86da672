/* core_open.c - opening objects for the data path, and Tlcreate. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "helper/core_priv.h"

/* In the mapped models the guest's type decides: a host file that
 * stands for a symlink or a device is never opened as one. */
static int
mapped_type(const struct policy_meta *m)
{
	if (!(m->valid & POLICY_META_MODE))
		return 0;
	if (S_ISLNK(m->mode))
		return -ELOOP;
	if (!S_ISREG(m->mode) && !S_ISDIR(m->mode))
		return -ENXIO;
	return 0;
}

/* mapped-xattr, no O_TRUNC: opening harms nothing (the mapped models
 * never switch credentials and the host object is a plain file or
 * directory), so open first and read the record through the descriptor
 * the guest gets, instead of through one more re-open. */
static int
open_then_check(struct core *c, int nodefd, const struct stat *st,
    int flags, int *openfd)
{
	struct policy_meta m;
	int r, fd;

	if ((r = core_reopen_st(c, nodefd, st, flags, &fd)) < 0)
		return r;
	if ((r = core_meta_get_fd(fd, &m)) < 0 ||
	    (r = mapped_type(&m)) < 0) {
		core_close(fd);
		return r;
	}
	*openfd = fd;
	return 0;
}

int
core_open(struct core *c, const struct core_cred *cr, int nodefd,
    int oflags, int *openfd)
{
	struct policy_meta m;
	struct cred_saved cs;
	struct stat st;
	int r, flags;

	if ((r = policy_host_open_flags(oflags, c->opts.readonly, &flags)) < 0)
		return r;
	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (c->opts.model == POLICY_MAPPED_XATTR && !(flags & O_TRUNC) &&
	    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return open_then_check(c, nodefd, &st, flags, openfd);
	if (CORE_IS_MAPPED(c) && ((r = core_meta_get(c, nodefd, &st,
	    &m)) < 0 || (r = mapped_type(&m)) < 0))
		return r;
	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	/* core_reopen refuses symlinks (ELOOP) and FIFOs, sockets and
	 * devices (ENXIO) from the node's own type before any open. */
	r = core_reopen_st(c, nodefd, &st, flags, openfd);
	cred_leave(&cs);
	return r;
}

static int
create_file(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int flags, const struct policy_create *p, int *fd)
{
	struct cred_saved cs;
	int r;

	/* O_EXCL with O_NOFOLLOW: only a new file, never whatever (or
	 * wherever) an existing name points to. */
	flags |= O_CREAT | O_EXCL;
	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	*fd = openat(dirfd, name, flags, p->host_mode & 0777);
	r = *fd < 0 ? -errno : 0;
	cred_leave(&cs);
	return r;
}

int
core_create(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int oflags, uint32_t mode, uint32_t gid,
    int *nodefd, int *openfd, struct core_attr *attr)
{
	struct core_inherit ih;
	struct policy_create p;
	int r, flags, fd = -1, node = -1;

	if ((r = core_check_name(c, name, 0)) < 0)
		return r;
	if (c->opts.readonly)
		return -EROFS;
	if ((r = policy_host_open_flags(oflags, false, &flags)) < 0 ||
	    (r = core_plan(c, cr, S_IFREG, mode, gid, 0, &p)) < 0)
		return r;
	if ((flags & O_DIRECTORY) != 0)
		return -EINVAL;
	if ((r = core_inherit_plan(c, dirfd, S_IFREG, &p, &ih)) < 0)
		return r;
	if ((r = create_file(c, cr, dirfd, name, flags, &p, &fd)) == 0 &&
	    (r = core_node_of(c, fd, &node)) == 0 &&
	    (r = core_post_create(c, cr, node, fd, &p, &ih)) == 0 &&
	    (attr == NULL || (r = core_attr_of(c, node, fd, attr)) == 0)) {
		core_inherit_free(&ih);
		*nodefd = node;
		*openfd = fd;
		return 0;
	}
	core_inherit_free(&ih);
	if (node >= 0)
		core_undo_create(c, dirfd, name, node, 0);
	core_close(node);
	core_close(fd);
	return r;
}
