/* core_node.c - node descriptors: walking one name, re-opening a node as
 * a real descriptor, and turning a stat into what the guest sees.
 *
 * A node is an O_PATH|O_NOFOLLOW descriptor; it pins one inode and can
 * neither read nor write.  Re-opening goes through /proc/self/fd/N (the
 * magic link of our own descriptor, opened once at core_open_export so
 * it works in a sandbox without /proc): that resolves to exactly the
 * inode the node pins, so no name can be swapped in between. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper/core_priv.h"

void
core_close(int fd)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
}

int
core_stat(int fd, struct stat *st)
{
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	return 0;
}

int
core_check_name(struct core *c, const char *name, int flags)
{
	return policy_name_check(name, flags, c->opts.model);
}

static bool
is_root(struct core *c, const struct stat *st)
{
	return st->st_dev == c->rootdev && st->st_ino == c->rootino;
}

int
core_open_beneath(struct core *c, int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	/* One name that is neither ".." nor has a '/' cannot leave dirfd,
	 * and O_NOFOLLOW keeps a symlink from being followed: plain openat
	 * confines it exactly as openat2 would, for less work per call. */
	if (strchr(name, '/') == NULL && strcmp(name, "..") != 0) {
		fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
		return fd >= 0 ? fd : -errno;
	}
	if (!__atomic_load_n(&c->no_openat2, __ATOMIC_RELAXED)) {
		fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd >= 0 ? fd : -errno;
		__atomic_store_n(&c->no_openat2, 1, __ATOMIC_RELAXED);
	}
	/* Without openat2 a path of several names (or "..") is walked one
	 * checked component at a time by the caller. */
	return -ENOSYS;
}

static int
walk_dotdot(struct core *c, int dirfd, int *out)
{
	struct stat st;
	int r, fd;

	if ((r = core_stat(dirfd, &st)) < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (is_root(c, &st)) {
		fd = fcntl(c->rootfd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		*out = fd;
		return 0;
	}
	/* RESOLVE_BENEATH refuses every "..", so this one step is a plain
	 * openat; a parent is only handed out if it is still beneath the
	 * root (a directory moved out of the export must not lead out). */
	fd = openat(dirfd, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((r = core_beneath(c, fd)) < 0) {
		core_close(fd);
		return r;
	}
	*out = fd;
	return 0;
}

int
core_walk1(struct core *c, int dirfd, const char *name, int *out)
{
	int r, fd;

	if ((r = core_check_name(c, name, POLICY_NAME_LOOKUP)) < 0)
		return r;
	if (strcmp(name, "..") == 0)
		return walk_dotdot(c, dirfd, out);
	if (strcmp(name, ".") == 0)
		fd = core_open_beneath(c, dirfd, ".", O_PATH | O_DIRECTORY);
	else
		fd = core_open_beneath(c, dirfd, name, O_PATH);
	if (fd < 0)
		return fd;
	*out = fd;
	return 0;
}

/* getpid() is a system call (glibc no longer caches it) and every
 * re-open asks; a per-thread cache, forgotten in a forked child, answers
 * instead.  A child has only the thread that forked, so resetting that
 * thread's copy is enough. */
static __thread pid_t tls_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void
pid_forget(void)
{
	tls_pid = 0;
}

static void
pid_register(void)
{
	pthread_atfork(NULL, NULL, pid_forget);
}

static pid_t
cur_pid(void)
{
	if (tls_pid == 0) {
		pthread_once(&pid_once, pid_register);
		tls_pid = getpid();
	}
	return tls_pid;
}

/* Decimal digits of a descriptor number, without snprintf. */
static void
fd_digits(char *buf, int fd)
{
	char tmp[12];
	unsigned int v = (unsigned int)fd;
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*buf++ = tmp[--n];
	*buf = '\0';
}

/* True when the name is relative to the core's own /proc/self/fd, which
 * can only name our descriptors; false for the "/proc/self/fd/N" path a
 * forked child uses, which is resolved from "/" and so proves nothing. */
bool
core_proc_name(struct core *c, int fd, char *buf, size_t cap, int *dirfd)
{
	/* After a fork procfd still shows the parent's table: use the
	 * path, which names our own. */
	if (cur_pid() == c->pid && cap >= 12) {
		fd_digits(buf, fd);
		*dirfd = c->procfd;
		return true;
	}
	snprintf(buf, cap, "/proc/self/fd/%d", fd);
	*dirfd = AT_FDCWD;
	return false;
}

/* What the helper ever opens: regular files and directories.  Symlinks
 * are ELOOP, FIFOs, sockets and devices ENXIO, decided from the pinned
 * inode's type, which never changes, so the check cannot race. */
int
core_openable(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return -ENXIO;
	return 0;
}

int
core_reopen_st(struct core *c, int nodefd, const struct stat *st, int flags,
    int *out)
{
	char name[32];
	struct stat st2;
	bool own;
	int dirfd, fd, oflags;

	if ((fd = core_openable(st)) < 0)
		return fd;
	if (S_ISDIR(st->st_mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	own = core_proc_name(c, nodefd, name, sizeof(name), &dirfd);
	/* O_NOFOLLOW would refuse the magic link itself; it is safe to
	 * follow because it names our own node.  O_NONBLOCK: an open that
	 * would wait (a lease being broken) fails instead of stalling the
	 * thread. */
	oflags = (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK;
	fd = openat(dirfd, name, oflags);
	if (fd < 0)
		return -errno;
	/* Through procfd the open reached exactly our node; the path form
	 * could meet anything mounted (or made) at /proc: prove it. */
	if (!own && (fstat(fd, &st2) != 0 || st2.st_dev != st->st_dev ||
	    st2.st_ino != st->st_ino)) {
		core_close(fd);
		return -ESTALE;
	}
	/* O_NONBLOCK stays set: only regular files and directories get
	 * here, and for those Linux ignores it once the open is done (open(2):
	 * "no effect for regular files and block devices"), so clearing it
	 * would be a system call per open for nothing. */
	*out = fd;
	return 0;
}

int
core_reopen(struct core *c, int nodefd, int flags, int *out)
{
	struct stat st;
	int r;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	return core_reopen_st(c, nodefd, &st, flags, out);
}

/* An O_PATH node for the inode an open descriptor refers to. */
int
core_node_of(struct core *c, int fd, int *nodefd)
{
	char name[32];
	int dirfd, n;

	core_proc_name(c, fd, name, sizeof(name), &dirfd);
	n = openat(dirfd, name, O_PATH | O_CLOEXEC);
	if (n < 0)
		return -errno;
	*nodefd = n;
	return 0;
}

int
core_path_of(struct core *c, int fd, char *buf, size_t cap)
{
	char name[32];
	int dirfd;
	ssize_t n;

	core_proc_name(c, fd, name, sizeof(name), &dirfd);
	n = readlinkat(dirfd, name, buf, cap - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= cap - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

/* 0 if the node is reachable from the export root by names, without
 * symlinks; -EXDEV if it lies elsewhere (moved out, or never inside). */
int
core_beneath(struct core *c, int nodefd)
{
	char path[PATH_MAX], root[PATH_MAX];
	struct stat st, st2;
	int r, rl, fd;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (is_root(c, &st))
		return 0;
	if ((r = core_path_of(c, nodefd, path, sizeof(path))) < 0 ||
	    (rl = core_path_of(c, c->rootfd, root, sizeof(root))) < 0)
		return r < 0 ? r : -EXDEV;
	if (strcmp(root, "/") == 0)
		rl = 0;
	if (strncmp(path, root, (size_t)rl) != 0 || path[rl] != '/')
		return -EXDEV;
	/* The kernel's path is only a hint; walking it proves it. */
	if ((r = core_resolve(c, path + rl, false, &fd, NULL)) < 0)
		return -EXDEV;
	r = core_stat(fd, &st2);
	core_close(fd);
	if (r < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
		return -EXDEV;
	return 0;
}

/* The inode generation, where the file system keeps one: regular files
 * and directories only (nothing else is ever opened), read with
 * FS_IOC_GETVERSION on a real descriptor.  A file system without the
 * ioctl is remembered, so it costs one try per export. */
static void
core_gen(struct core *c, int fd, struct core_attr *a)
{
	long g = 0;

	if (ioctl(fd, FS_IOC_GETVERSION, &g) == 0) {
		a->gen = (uint32_t)g;
		a->has_gen = true;
	} else if (errno == ENOTTY || errno == EOPNOTSUPP)
		__atomic_store_n(&c->no_getversion, 1, __ATOMIC_RELAXED);
}

/* What the guest sees beyond the stat: the mapped models' record and the
 * generation.  Both read a regular file or directory through one real
 * descriptor: fd if the caller has one, else one re-open for both. */
static int
fill_extra(struct core *c, int nodefd, int fd, const struct stat *st,
    unsigned int want, struct core_attr *a)
{
	struct policy_meta m = { 0 };
	bool xmeta = c->opts.model == POLICY_MAPPED_XATTR;
	bool gen = (want & CORE_ATTR_GEN) &&
	    !__atomic_load_n(&c->no_getversion, __ATOMIC_RELAXED);
	uint64_t g64;
	int r = 0, own = -1;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;
	/* The file handle carries the generation on ext2/3/4 and xfs: no
	 * re-open just for it. */
	if (gen && nodefd >= 0 && core_gen_from_handle(c, nodefd, "",
	    AT_EMPTY_PATH, st, &g64) == 0) {
		a->gen = (uint32_t)g64;
		a->has_gen = true;
		gen = false;
	}
	if (c->opts.model == POLICY_MAPPED_FILE &&
	    (r = core_mfile_get(c, nodefd, st, &m)) < 0)
		return r;
	if (fd < 0 && (xmeta || gen)) {
		r = core_reopen_st(c, nodefd, st, S_ISDIR(st->st_mode) ?
		    O_RDONLY | O_DIRECTORY | O_NONBLOCK :
		    O_RDONLY | O_NONBLOCK, &own);
		/* Without the record the guest would see the host's
		 * identity: fail; a missing generation is only absent. */
		if (r < 0 && xmeta)
			return r;
		fd = own;
	}
	if (xmeta)
		r = core_meta_get_fd(fd, &m);
	if (r == 0 && gen && fd >= 0)
		core_gen(c, fd, a);
	core_close(own);
	if (r < 0)
		return r;
	if (CORE_IS_MAPPED(c))
		policy_meta_apply(&m, &a->mode, &a->uid, &a->gid, &a->rdev);
	return 0;
}

int
core_fill_attr_fd(struct core *c, int nodefd, int fd, const struct stat *st,
    unsigned int want, struct core_attr *a)
{
	int r;

	pthread_mutex_lock(&c->qlock);
	r = policy_qid_path(c->opts.multidevs, c->qmap, c->rootdev,
	    st->st_dev, st->st_ino, &a->qid_path);
	pthread_mutex_unlock(&c->qlock);
	if (r < 0)
		return r;
	a->mode = st->st_mode;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->rdev = st->st_rdev;
	a->gen = 0;
	a->has_gen = false;
	if ((r = fill_extra(c, nodefd, fd, st, want, a)) < 0)
		return r;
	a->nlink = st->st_nlink;
	a->size = (uint64_t)st->st_size;
	a->blksize = (uint64_t)st->st_blksize;
	a->blocks = (uint64_t)st->st_blocks;
	a->atime = st->st_atim;
	a->mtime = st->st_mtim;
	a->ctime = st->st_ctim;
	a->dev = st->st_dev;
	a->ino = st->st_ino;
	return 0;
}

int
core_fill_attr(struct core *c, int nodefd, const struct stat *st,
    struct core_attr *a)
{
	return core_fill_attr_fd(c, nodefd, -1, st, CORE_ATTR_ALL, a);
}
