/* core_xattr.c - guest xattrs, mapped per model by policy.
 *
 * Where the kernel has the *xattrat calls (Linux 6.13), every node is
 * reached through the core's own /proc/self/fd descriptor: one system
 * call, no open.  Otherwise regular files and directories are re-opened
 * (read-only, as the server: the descriptor is only a handle) and the
 * f*xattr calls then run with the request's credentials, so the host
 * checks the guest user's rights in passthrough; other node types cannot
 * be opened safely, and the path form through /proc/self/fd reaches them
 * without opening them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "helper/core_priv.h"

/* sandbox (helper/sandbox.c): the helper's root is the export, so there
 * is no /proc to name.  The *xattrat calls (Linux 6.13) reach a node
 * through the core's own /proc/self/fd descriptor instead (they refuse
 * the O_PATH node itself); older kernels still get the path. */
#ifndef SYS_getxattrat
#define SYS_setxattrat		463
#define SYS_getxattrat		464
#define SYS_listxattrat		465
#define SYS_removexattrat	466
#endif
struct xattrat_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

struct xtarget {
	int fd;			/* real descriptor, or -1: use path */
	int dirfd;		/* with name: the node via /proc/self/fd */
	char name[32];
	char path[48];
};

static int
xt_open(struct core *c, int nodefd, struct xtarget *t)
{
	struct stat st;
	int r;

	t->fd = -1;
	snprintf(t->path, sizeof(t->path), "/proc/self/fd/%d", nodefd);
	/* Through our own procfd the *xattrat calls reach exactly the
	 * node; a forked child's path form proves nothing, so it opens. */
	if (core_proc_name(c, nodefd, t->name, sizeof(t->name), &t->dirfd) &&
	    c->has_xattrat)
		return 0;
	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return 0;
	return core_reopen_st(c, nodefd, &st, S_ISDIR(st.st_mode) ?
	    O_RDONLY | O_DIRECTORY | O_NONBLOCK : O_RDONLY | O_NONBLOCK,
	    &t->fd);
}

int
core_xattr_get_at(int dirfd, const char *name, int flags, const char *attr,
    void *value, size_t cap)
{
	struct xattrat_args a = { (uintptr_t)value, (uint32_t)cap, 0 };
	long r = syscall(SYS_getxattrat, dirfd, name, flags, attr, &a,
	    sizeof(a));

	return r < 0 ? -errno : (int)r;
}

/* Whether this kernel has the *xattrat calls and lets us make them: the
 * probe of a name the root does not have answers ENODATA (ENOTSUP on a
 * file system without xattrs); valgrind and kernels before 6.13 answer
 * ENOSYS, and a container's seccomp profile may answer EPERM.  Anything
 * but a real answer keeps the re-open path.  Asked once, at export open. */
bool
core_probe_xattrat(struct core *c)
{
	struct xattrat_args a = { 0, 0, 0 };
	char name[32];
	int dirfd;

	core_proc_name(c, c->rootfd, name, sizeof(name), &dirfd);
	return syscall(SYS_getxattrat, dirfd, name, 0, "user.vfsd.probe",
	    &a, sizeof(a)) >= 0 || errno == ENODATA || errno == ENOTSUP;
}

static int
ret(ssize_t n)
{
	return n < 0 ? -errno : (int)n;
}

/* The path forms for nodes that cannot be opened: *xattrat first. */
static ssize_t
xt_get(const struct xtarget *t, const char *name, void *v, size_t n)
{
	struct xattrat_args a = { (uintptr_t)v, (uint32_t)n, 0 };
	long r = syscall(SYS_getxattrat, t->dirfd, t->name, 0, name, &a,
	    sizeof(a));

	return r >= 0 || errno != ENOSYS ? r : getxattr(t->path, name, v, n);
}

static ssize_t
xt_list(const struct xtarget *t, char *list, size_t n)
{
	long r = syscall(SYS_listxattrat, t->dirfd, t->name, 0, list, n);

	return r >= 0 || errno != ENOSYS ? r : listxattr(t->path, list, n);
}

static int
xt_set(const struct xtarget *t, const char *name, const void *v, size_t n,
    int flags)
{
	struct xattrat_args a = { (uintptr_t)v, (uint32_t)n,
	    (uint32_t)flags };
	long r = syscall(SYS_setxattrat, t->dirfd, t->name, 0, name, &a,
	    sizeof(a));

	return r >= 0 || errno != ENOSYS ? (int)r :
	    setxattr(t->path, name, v, n, flags);
}

static int
xt_remove(const struct xtarget *t, const char *name)
{
	long r = syscall(SYS_removexattrat, t->dirfd, t->name, 0, name);

	return r >= 0 || errno != ENOSYS ? (int)r :
	    removexattr(t->path, name);
}

int
core_getxattr(struct core *c, const struct core_cred *cr, int nodefd,
    const char *name, void *value, size_t cap)
{
	char host[POLICY_XATTR_NAME_MAX + 1];
	struct cred_saved cs;
	struct xtarget t;
	int r;

	if ((r = policy_xattr_map(c->opts.model, POLICY_XATTR_GET, name, host,
	    sizeof(host))) < 0)
		return r;
	if (cap > CORE_XATTR_MAX)
		cap = CORE_XATTR_MAX;
	if ((r = xt_open(c, nodefd, &t)) < 0)
		return r;
	if ((r = cred_enter(c, cr, &cs)) == 0) {
		r = ret(t.fd >= 0 ? fgetxattr(t.fd, host, value, cap) :
		    xt_get(&t, host, value, cap));
		cred_leave(&cs);
	}
	core_close(t.fd);
	if (r == -ERANGE && cap == CORE_XATTR_MAX)
		r = -E2BIG;
	return r;
}

static int
list_host(struct core *c, const struct core_cred *cr, int nodefd,
    char *buf, size_t cap)
{
	struct cred_saved cs;
	struct xtarget t;
	int r;

	if ((r = xt_open(c, nodefd, &t)) < 0)
		return r;
	if ((r = cred_enter(c, cr, &cs)) == 0) {
		r = ret(t.fd >= 0 ? flistxattr(t.fd, buf, cap) :
		    xt_list(&t, buf, cap));
		cred_leave(&cs);
	}
	core_close(t.fd);
	return r == -ERANGE ? -E2BIG : r;
}

int
core_listxattr(struct core *c, const struct core_cred *cr, int nodefd,
    char *list, size_t cap)
{
	char *buf;
	size_t n;
	int r;

	/* Most lists fit the caller's buffer as the host has them, and
	 * filtering only shortens them, in place. */
	if (cap != 0) {
		r = list_host(c, cr, nodefd, list, cap < CORE_XATTR_MAX ? cap :
		    CORE_XATTR_MAX);
		if (r >= 0)
			return (int)policy_xattr_list_filter(c->opts.model,
			    list, (size_t)r);
		if (r != -E2BIG || cap >= CORE_XATTR_MAX)
			return r;
	}
	/* The guest's list is known only after filtering the host's whole
	 * list, also when only the size is asked for. */
	if ((buf = malloc(CORE_XATTR_MAX)) == NULL)
		return -ENOMEM;
	r = list_host(c, cr, nodefd, buf, CORE_XATTR_MAX);
	if (r >= 0) {
		n = policy_xattr_list_filter(c->opts.model, buf, (size_t)r);
		if (cap != 0 && n > cap)
			r = -ERANGE;
		else {
			if (cap != 0)
				memcpy(list, buf, n);
			r = (int)n;
		}
	}
	free(buf);
	return r;
}

/* In mapped-xattr an ACL is data the helper keeps in step with the mode,
 * as the kernel does for a real one (core_acl.c). */
static int
mapped_acl(struct core *c, int nodefd, const char *name, const void *value,
    size_t size, bool *store)
{
	*store = true;
	if (c->opts.model != POLICY_MAPPED_XATTR ||
	    strncmp(name, "system.posix_acl_", 17) != 0)
		return 0;
	return core_acl_set(c, nodefd, name, value, size, store);
}

int
core_setxattr(struct core *c, const struct core_cred *cr, int nodefd,
    const char *name, const void *value, size_t size, int flags)
{
	char host[POLICY_XATTR_NAME_MAX + 1];
	struct cred_saved cs;
	struct xtarget t;
	bool store = true;
	int r;

	if (c->opts.readonly)
		return -EROFS;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	if (size > CORE_XATTR_MAX)
		return -E2BIG;
	if ((r = policy_xattr_map(c->opts.model, POLICY_XATTR_SET, name, host,
	    sizeof(host))) < 0)
		return r;
	if ((r = mapped_acl(c, nodefd, name, value, size, &store)) < 0)
		return r;
	if ((r = xt_open(c, nodefd, &t)) < 0)
		return r;
	if ((r = cred_enter(c, cr, &cs)) == 0) {
		if (!store)
			r = ret(t.fd >= 0 ? fremovexattr(t.fd, host) :
			    xt_remove(&t, host));
		else
			r = ret(t.fd >= 0 ? fsetxattr(t.fd, host, value, size,
			    flags) : xt_set(&t, host, value, size, flags));
		cred_leave(&cs);
	}
	core_close(t.fd);
	return r == -ENODATA && !store ? 0 : r;
}

int
core_removexattr(struct core *c, const struct core_cred *cr, int nodefd,
    const char *name)
{
	char host[POLICY_XATTR_NAME_MAX + 1];
	struct cred_saved cs;
	struct xtarget t;
	int r;

	if (c->opts.readonly)
		return -EROFS;
	if ((r = policy_xattr_map(c->opts.model, POLICY_XATTR_REMOVE, name,
	    host, sizeof(host))) < 0)
		return r;
	if ((r = xt_open(c, nodefd, &t)) < 0)
		return r;
	if ((r = cred_enter(c, cr, &cs)) == 0) {
		r = ret(t.fd >= 0 ? fremovexattr(t.fd, host) :
		    xt_remove(&t, host));
		cred_leave(&cs);
	}
	core_close(t.fd);
	if (r == -ENODATA && policy_xattr_remove_absent_ok(c->opts.model,
	    name))
		r = 0;
	return r;
}
