/* core_modify.c - rename, unlink, readlink, statfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "helper/core_priv.h"

int
core_renameat(struct core *c, const struct core_cred *cr, int olddir,
    const char *oldname, int newdir, const char *newname)
{
	struct cred_saved cs;
	int r;

	if ((r = core_check_name(c, oldname, 0)) < 0 ||
	    (r = core_check_name(c, newname, 0)) < 0)
		return r;
	if (c->opts.readonly)
		return -EROFS;
	/* An empty directory being replaced must look empty to the host. */
	if (c->opts.model == POLICY_MAPPED_FILE)
		core_mfile_prepare_unlink(c, newdir, newname, AT_REMOVEDIR);
	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	r = renameat(olddir, oldname, newdir, newname) == 0 ? 0 : -errno;
	cred_leave(&cs);
	if (r == 0 && c->opts.model == POLICY_MAPPED_FILE)
		core_mfile_rename(c, olddir, oldname, newdir, newname);
	return r;
}

int
core_unlinkat(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int flags)
{
	struct cred_saved cs;
	int r;

	if ((r = core_check_name(c, name, 0)) < 0)
		return r;
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if (c->opts.readonly)
		return -EROFS;
	if (c->opts.model == POLICY_MAPPED_FILE &&
	    (r = core_mfile_prepare_unlink(c, dirfd, name, flags)) < 0)
		return r;
	if ((r = cred_enter(c, cr, &cs)) < 0)
		return r;
	r = unlinkat(dirfd, name, flags) == 0 ? 0 : -errno;
	cred_leave(&cs);
	/* The metadata goes only once its entry is gone: a failed rmdir
	 * (not empty) must not cost the directory its identity. */
	if (r == 0 && c->opts.model == POLICY_MAPPED_FILE)
		core_mfile_unlink(c, dirfd, name);
	return r;
}

/* A mapped symlink is a plain file whose contents are the target. */
static int
read_target_file(struct core *c, int nodefd, char *target, size_t cap)
{
	size_t off = 0;
	ssize_t n;
	int r, fd;

	if ((r = core_reopen(c, nodefd, O_RDONLY, &fd)) < 0)
		return r;
	while (off < cap && (n = read(fd, target + off, cap - off)) > 0)
		off += (size_t)n;
	r = n < 0 ? -errno : 0;
	core_close(fd);
	if (r < 0)
		return r;
	if (off >= cap)
		return -ENAMETOOLONG;
	target[off] = '\0';
	return (int)off;
}

int
core_readlink(struct core *c, const struct core_cred *cr, int nodefd,
    char *target, size_t cap)
{
	struct policy_meta m = { 0 };
	struct stat st;
	ssize_t n;
	int r;

	if (cap == 0)
		return -EINVAL;
	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (CORE_IS_MAPPED(c) && (r = core_meta_get(c, nodefd, &st, &m)) < 0)
		return r;
	if (m.valid & POLICY_META_MODE) {
		if (!S_ISLNK(m.mode))
			return -EINVAL;
		if (S_ISREG(st.st_mode))
			return read_target_file(c, nodefd, target, cap);
	}
	/* A real host symlink: readlink of the node itself. */
	if (!S_ISLNK(st.st_mode))
		return -EINVAL;
	n = readlinkat(nodefd, "", target, cap);
	if (n < 0)
		return -errno;
	if ((size_t)n >= cap)
		return -ENAMETOOLONG;
	target[n] = '\0';
	return (int)n;
}

int
core_statfs(struct core *c, int nodefd, struct statfs *st)
{
	return fstatfs(nodefd, st) == 0 ? 0 : -errno;
}
