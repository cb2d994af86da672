/* core_lookup.c - walking names and reading attributes. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "helper/core_priv.h"

int
core_getattr_want(struct core *c, int nodefd, unsigned int want,
    struct core_attr *attr)
{
	struct stat st;
	int r;

	/* fstatat on the node, never on a name: an unlinked but open
	 * object still answers. */
	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	return core_fill_attr_fd(c, nodefd, -1, &st, want, attr);
}

int
core_attr_of(struct core *c, int nodefd, int fd, struct core_attr *attr)
{
	struct stat st;
	int r;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	return core_fill_attr_fd(c, nodefd, fd, &st, CORE_ATTR_ALL, attr);
}

int
core_getattr(struct core *c, int nodefd, struct core_attr *attr)
{
	return core_getattr_want(c, nodefd, CORE_ATTR_ALL, attr);
}

int
core_lookup(struct core *c, int dirfd, const char *name, int *nodefd,
    struct core_attr *attr)
{
	return core_lookup_want(c, dirfd, name, CORE_ATTR_ALL, nodefd, attr);
}

int
core_lookup_want(struct core *c, int dirfd, const char *name,
    unsigned int want, int *nodefd, struct core_attr *attr)
{
	int r, fd;

	if ((r = core_walk1(c, dirfd, name, &fd)) < 0)
		return r;
	if (attr != NULL && (r = core_getattr_want(c, fd, want, attr)) < 0) {
		core_close(fd);
		return r;
	}
	*nodefd = fd;
	return 0;
}

int
core_same_node(struct core *c, int dirfd, const char *name, int nodefd)
{
	struct stat a, b;
	int r;

	/* One checked component, never '.' or '..', not followed: what
	 * core_walk1 would reach, without a descriptor for it. */
	if ((r = core_check_name(c, name, 0)) < 0)
		return r;
	if (fstatat(dirfd, name, &a, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if ((r = core_stat(nodefd, &b)) < 0)
		return r;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : -ESTALE;
}
