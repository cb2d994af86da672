/* proxy_server.c - serve one QEMU 7.2 proxy client in front of the core.
 *
 * One connection, one request at a time, in order (QEMU holds a mutex per
 * fsdev and never pipelines).  Each request type is one row of the dispatch
 * table; each handler turns the proxy's path into node descriptors with
 * core_resolve (beneath the export root, no symlink followed, '..' clamped
 * at the root) and calls the core with the credentials the proxy model
 * gives it: the guest's uid/gid for the four create requests, root for the
 * rest (the stock helper's passthrough semantics).  The core switches
 * fsuid/fsgid on this thread only, so one request's identity can never
 * leak into the next (the stock helper's capability bug, doc §5.2).
 *
 * Fail closed on the framing, answer everything else: a header whose size
 * exceeds 64 KiB, an unknown type, EOF or a failed write ends the loop, as
 * QEMU's helper does (QEMU then fails every later request with EIO); a
 * short payload is answered with -ENOBUFS in the request's reply class. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "helper/core.h"
#include "helper/proxy.h"

struct proxy_srv {
	struct core *c;
	int sock;
	bool getversion_ioctl;
	struct proxy_req rq;
	struct proxy_reader rd;
	int later[4];		/* see close_later() */
	int nlater;
	uint8_t in[PROXY_BUF_SIZE];
	uint8_t out[PROXY_BUF_SIZE];
};

typedef int (*proxy_handler)(struct proxy_srv *, const struct proxy_req *);

/* Everything but creations runs as the server itself, root with the
 * capabilities helper/sandbox.c kept: the proxy model trusts the guest
 * kernel's own permission checks, as QEMU's helper does, and QEMU sends no
 * identity with these requests.  A NULL credential tells the core not to
 * switch at all (the server's fsuid is already 0), which saves a dozen
 * system calls per request. */
#define AS_SERVER ((const struct core_cred *)NULL)

static struct core_cred
guest_cred(const struct proxy_req *rq)
{
	struct core_cred cr = { (uint32_t)rq->uid, (uint32_t)rq->gid, 0, { 0 } };

	return cr;
}

static void
close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Nodes a handler is done with are closed after its reply is on the
 * wire: QEMU waits for the reply, not for our clean-up (closing an O_PATH
 * node runs the kernel's deferred file release). */
static void
close_later(struct proxy_srv *s, int fd)
{
	if (fd < 0)
		return;
	if (s->nlater == sizeof(s->later) / sizeof(s->later[0]))
		close(fd);
	else
		s->later[s->nlater++] = fd;
}

/* The proxy's paths look like "/", "//a", "//a/b".  An empty path is not
 * the root (QEMU's helper would lstat("") and get ENOENT). */
static bool
no_path(const char *path)
{
	return path == NULL || path[0] == '\0';
}

/* core_resolve for a handler: the node a path names, or with parent the
 * directory holding its last component (copied to last).  The descriptor
 * stays open until the reply is sent (close_later); a handler resolves at
 * most three paths (create falling back to open), so the queue has room,
 * and if it had not the path would be refused rather than its node closed
 * while still in use. */
static int
resolve_node(struct proxy_srv *s, const char *path, bool parent, int *fd,
    char *last)
{
	int r;

	*fd = -1;
	if (no_path(path))
		return -ENOENT;
	if (s->nlater == sizeof(s->later) / sizeof(s->later[0]))
		return -EMFILE;
	r = core_resolve(s->c, path, parent, fd, last);
	close_later(s, *fd);
	return r;
}

static int
resolve(struct proxy_srv *s, const char *path, int *fd)
{
	return resolve_node(s, path, false, fd, NULL);
}

static int
resolve_parent(struct proxy_srv *s, const char *path, int *dirfd,
    char last[NAME_MAX + 1])
{
	return resolve_node(s, path, true, dirfd, last);
}

static void
close_deferred(struct proxy_srv *s)
{
	while (s->nlater > 0)
		close(s->later[--s->nlater]);
}

static void
attr_to_stat(const struct core_attr *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = a->dev;
	st->st_ino = a->ino;
	st->st_nlink = a->nlink;
	st->st_mode = a->mode;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_size = (off_t)a->size;
	st->st_blksize = (blksize_t)a->blksize;
	st->st_blocks = (blkcnt_t)a->blocks;
	st->st_atim = a->atime;
	st->st_mtim = a->mtime;
	st->st_ctim = a->ctime;
}

static int
h_open(struct proxy_srv *s, const struct proxy_req *rq)
{
	int fd = -1, r;

	if (no_path(rq->path))
		return -ENOENT;
	r = core_open_path(s->c, AS_SERVER, rq->path, rq->flags, &fd);
	return r < 0 ? r : fd;
}

/* The four creations run as the guest's uid/gid (guest_cred), in the
 * directory that holds the path's last component. */
struct creation {
	struct core_cred cr;
	int dir;
	char last[NAME_MAX + 1];
	struct core_attr a;	/* the core's answer, which QEMU does not ask for */
};

static int
creation_start(struct proxy_srv *s, const struct proxy_req *rq,
    struct creation *m)
{
	m->cr = guest_cred(rq);
	return resolve_parent(s, rq->path, &m->dir, m->last);
}

static int
h_create(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct creation m;
	int node = -1, fd = -1, r;

	r = creation_start(s, rq, &m);
	if (r == 0)
		r = core_create(s->c, &m.cr, m.dir, m.last, rq->flags,
		    (uint32_t)rq->mode & 07777, (uint32_t)rq->gid, &node, &fd,
		    &m.a);
	close_later(s, node);
	/* open(O_CREAT) without O_EXCL opens an existing file, and QEMU's
	 * helper does exactly that; only a race in the guest gets here. */
	if (r == -EEXIST && !(rq->flags & O_EXCL))
		return h_open(s, rq);
	return r < 0 ? r : fd;
}

static int
h_mknod(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct creation m;
	int r;

	r = creation_start(s, rq, &m);
	if (r == 0)
		r = core_mknod(s->c, &m.cr, m.dir, m.last, (uint32_t)rq->mode,
		    rq->rdev, (uint32_t)rq->gid, &m.a);
	return r;
}

static int
h_mkdir(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct creation m;
	int r;

	r = creation_start(s, rq, &m);
	if (r == 0)
		r = core_mkdir(s->c, &m.cr, m.dir, m.last,
		    (uint32_t)rq->mode & 07777, (uint32_t)rq->gid, &m.a);
	return r;
}

static int
h_symlink(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct creation m;
	int r;

	if (no_path(rq->path2))
		return -ENOENT;
	r = creation_start(s, rq, &m);
	if (r == 0)
		r = core_symlink(s->c, &m.cr, m.dir, m.last, rq->path2,
		    (uint32_t)rq->gid, &m.a);
	return r;
}

static int
h_link(struct proxy_srv *s, const struct proxy_req *rq)
{
	char last[NAME_MAX + 1];
	int node, dir = -1, r;

	r = resolve(s, rq->path, &node);
	if (r == 0)
		r = resolve_parent(s, rq->path2, &dir, last);
	if (r == 0)
		r = core_link(s->c, AS_SERVER, node, dir, last);
	return r;
}

static int
h_lstat(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct core_attr a;
	struct stat st;
	int r;

	/* The path forms make no node for the last component. */
	if (no_path(rq->path))
		return -ENOENT;
	r = core_lstat_path(s->c, rq->path, &a);
	if (r < 0)
		return r;
	attr_to_stat(&a, &st);
	return (int)proxy_encode_stat(s->out, &st);
}

static int
h_readlink(struct proxy_srv *s, const struct proxy_req *rq)
{
	char target[PROXY_READLINK_MAX + 1];
	int r;

	/* QEMU copies the reply into a bufsize buffer without checking, so
	 * the reply never exceeds bufsize - 1 (readlink(2)'s truncation). */
	if (rq->size < 2)
		return -EINVAL;
	if (no_path(rq->path))
		return -ENOENT;
	r = core_readlink_path(s->c, AS_SERVER, rq->path, target,
	    sizeof(target));
	if (r < 0)
		return r;
	if (r > rq->size - 1)
		r = rq->size - 1;
	return proxy_encode_str(s->out, sizeof(s->out), target, (size_t)r);
}

static int
h_statfs(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct statfs sfs;
	int r;

	if (no_path(rq->path))
		return -ENOENT;
	r = core_statfs_path(s->c, rq->path, &sfs);
	if (r < 0)
		return r;
	return (int)proxy_encode_statfs(s->out, &sfs);
}

static int
setattr_path(struct proxy_srv *s, const char *path,
    const struct core_setattr *sa)
{
	if (no_path(path))
		return -ENOENT;
	return core_setattr_path(s->c, AS_SERVER, path, sa);
}

static int
h_chmod(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct core_setattr sa = { .valid = CORE_SETATTR_MODE,
	    .mode = (uint32_t)rq->mode & 07777 };

	return setattr_path(s, rq->path, &sa);
}

static int
h_chown(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct core_setattr sa = { 0 };

	if (rq->uid != -1) {
		sa.valid |= CORE_SETATTR_UID;
		sa.uid = (uint32_t)rq->uid;
	}
	if (rq->gid != -1) {
		sa.valid |= CORE_SETATTR_GID;
		sa.gid = (uint32_t)rq->gid;
	}
	/* chown(-1, -1) is how QEMU asks for a ctime-only update. */
	if (sa.valid == 0)
		sa.valid = CORE_SETATTR_CTIME;
	return setattr_path(s, rq->path, &sa);
}

static int
h_truncate(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct core_setattr sa = { .valid = CORE_SETATTR_SIZE,
	    .size = rq->length };

	if ((int64_t)rq->length < 0)
		return -EINVAL;
	return setattr_path(s, rq->path, &sa);
}

/* One timestamp as utimensat would take it: UTIME_OMIT leaves it,
 * UTIME_NOW sets the current time, anything else is applied exactly as
 * received (QEMU's own client garbles atime nanoseconds, doc §5.2; a
 * helper cannot tell, so it stays faithful). */
static void
utime_one(int64_t sec, int64_t nsec, uint32_t bit, uint32_t setbit,
    struct timespec *ts, uint32_t *valid)
{
	if (nsec == UTIME_OMIT)
		return;
	*valid |= bit;
	if (nsec == UTIME_NOW)
		return;
	*valid |= setbit;
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = (long)nsec;
}

static int
h_utime(struct proxy_srv *s, const struct proxy_req *rq)
{
	struct core_setattr sa = { 0 };
	int node;

	utime_one(rq->times[0], rq->times[1], CORE_SETATTR_ATIME,
	    CORE_SETATTR_ATIME_SET, &sa.atime, &sa.valid);
	utime_one(rq->times[2], rq->times[3], CORE_SETATTR_MTIME,
	    CORE_SETATTR_MTIME_SET, &sa.mtime, &sa.valid);
	if ((sa.valid & CORE_SETATTR_ATIME_SET &&
	    (sa.atime.tv_nsec < 0 || sa.atime.tv_nsec > 999999999)) ||
	    (sa.valid & CORE_SETATTR_MTIME_SET &&
	    (sa.mtime.tv_nsec < 0 || sa.mtime.tv_nsec > 999999999)))
		return -EINVAL;
	if (sa.valid != 0)
		return setattr_path(s, rq->path, &sa);
	/* Both omitted: utimensat succeeds without touching anything, but
	 * still reports a missing path. */
	return resolve(s, rq->path, &node);
}

static int
h_rename(struct proxy_srv *s, const struct proxy_req *rq)
{
	char olast[NAME_MAX + 1], nlast[NAME_MAX + 1];
	int od, nd = -1, r;

	r = resolve_parent(s, rq->path, &od, olast);
	if (r == 0)
		r = resolve_parent(s, rq->path2, &nd, nlast);
	if (r == 0)
		r = core_renameat(s->c, AS_SERVER, od, olast, nd, nlast);
	return r;
}

static int
h_remove(struct proxy_srv *s, const struct proxy_req *rq)
{
	char last[NAME_MAX + 1];
	int dir, r;

	/* remove(3): unlink, and rmdir when the object is a directory. */
	r = resolve_parent(s, rq->path, &dir, last);
	if (r == 0)
		r = core_unlinkat(s->c, AS_SERVER, dir, last, 0);
	if (r == -EISDIR)
		r = core_unlinkat(s->c, AS_SERVER, dir, last, AT_REMOVEDIR);
	return r;
}

/* Largest value an `s` reply can carry inside the 64 KiB payload. */
#define XATTR_REPLY_MAX (PROXY_MAX_IO - 2)

/* The size-0 query is a status reply carrying the length; otherwise the
 * value travels as `s`, never longer than the size QEMU asked for (QEMU
 * copies it into a buffer of that size without checking). */
static int
xattr_reply(struct proxy_srv *s, const struct proxy_req *rq, int r,
    size_t cap)
{
	uint16_t l = (uint16_t)r;

	if (r == -ERANGE && (size_t)rq->size > cap)
		return -ENOBUFS;	/* a value the protocol cannot carry */
	if (r < 0 || rq->size == 0)
		return r;
	proxy_put_hdr(s->out, PROXY_T_SUCCESS, (uint32_t)r + 2);
	memcpy(s->out + PROXY_HDR_SIZE, &l, 2);
	return PROXY_HDR_SIZE + 2 + r;
}

static size_t
xattr_cap(const struct proxy_req *rq)
{
	return (size_t)rq->size < XATTR_REPLY_MAX ? (size_t)rq->size :
	    XATTR_REPLY_MAX;
}

static int
h_lgetxattr(struct proxy_srv *s, const struct proxy_req *rq)
{
	size_t cap = xattr_cap(rq);
	int r;

	if (rq->size < 0)
		return -EINVAL;
	if (no_path(rq->path))
		r = -ENOENT;
	else
		r = core_getxattr_path(s->c, AS_SERVER, rq->path, rq->name,
		    cap ? s->out + PROXY_HDR_SIZE + 2 : NULL, cap);
	return xattr_reply(s, rq, r, cap);
}

static int
h_llistxattr(struct proxy_srv *s, const struct proxy_req *rq)
{
	size_t cap = xattr_cap(rq);
	int node, r;

	if (rq->size < 0)
		return -EINVAL;
	r = resolve(s, rq->path, &node);
	if (r == 0)
		r = core_listxattr(s->c, AS_SERVER, node,
		    cap ? (char *)s->out + PROXY_HDR_SIZE + 2 : NULL, cap);
	return xattr_reply(s, rq, r, cap);
}

static int
h_lsetxattr(struct proxy_srv *s, const struct proxy_req *rq)
{
	int node, r;

	/* QEMU's helper trusts the separate size field and reads past the
	 * value when it is larger; refuse instead. */
	if (rq->size < 0 || (size_t)rq->size > rq->value_len)
		return -EINVAL;
	r = resolve(s, rq->path, &node);
	if (r == 0)
		r = core_setxattr(s->c, AS_SERVER, node, rq->name, rq->value,
		    (size_t)rq->size, rq->flags);
	return r;
}

static int
h_lremovexattr(struct proxy_srv *s, const struct proxy_req *rq)
{
	int node, r;

	r = resolve(s, rq->path, &node);
	if (r == 0)
		r = core_removexattr(s->c, AS_SERVER, node, rq->name);
	return r;
}

/* Inode generation.  QEMU's helper answers 0 without looking at the path
 * when the export is not on a file system known to have generations, and
 * sends uninitialised high bits otherwise; zero-extend instead. */
static int
h_getversion(struct proxy_srv *s, const struct proxy_req *rq)
{
	uint64_t gen = 0;
	int r;

	if (!s->getversion_ioctl)
		return (int)proxy_encode_u64(s->out, 0);
	if (no_path(rq->path))
		return -ENOENT;
	r = core_getversion_path(s->c, rq->path, &gen);
	if (r < 0)
		return r;
	return (int)proxy_encode_u64(s->out, gen);
}

/* One row per request type; the codec's layout table decides the reply
 * class, so a handler cannot answer in the wrong shape. */
static const proxy_handler dispatch[PROXY_T_COUNT] = {
	[PROXY_T_OPEN] = h_open,
	[PROXY_T_CREATE] = h_create,
	[PROXY_T_MKNOD] = h_mknod,
	[PROXY_T_MKDIR] = h_mkdir,
	[PROXY_T_SYMLINK] = h_symlink,
	[PROXY_T_LINK] = h_link,
	[PROXY_T_LSTAT] = h_lstat,
	[PROXY_T_READLINK] = h_readlink,
	[PROXY_T_STATFS] = h_statfs,
	[PROXY_T_CHMOD] = h_chmod,
	[PROXY_T_CHOWN] = h_chown,
	[PROXY_T_TRUNCATE] = h_truncate,
	[PROXY_T_UTIME] = h_utime,
	[PROXY_T_RENAME] = h_rename,
	[PROXY_T_REMOVE] = h_remove,
	[PROXY_T_LGETXATTR] = h_lgetxattr,
	[PROXY_T_LLISTXATTR] = h_llistxattr,
	[PROXY_T_LSETXATTR] = h_lsetxattr,
	[PROXY_T_LREMOVEXATTR] = h_lremovexattr,
	[PROXY_T_GETVERSION] = h_getversion,
};

/* Send a handler's result r in the class QEMU expects for this type:
 * fd classes get the descriptor (closed here once sent) or the errno;
 * status classes the int32; data classes the message the handler already
 * encoded in s->out (r is its length) or T_ERROR. */
static int
send_reply(struct proxy_srv *s, uint32_t type, int32_t size, int r)
{
	enum proxy_class cl = proxy_class_of(type);
	size_t n;
	int w;

	if (cl == PROXY_CLASS_FD) {
		w = proxy_send_fd_reply(s->sock, r);
		close_fd(r);
		return w;
	}
	if (cl == PROXY_CLASS_XATTR)
		cl = size == 0 ? PROXY_CLASS_STATUS : PROXY_CLASS_DATA;
	if (cl == PROXY_CLASS_STATUS || r < 0)
		n = proxy_encode_status(s->out, r);
	else
		n = (size_t)r;
	return proxy_write_full(s->sock, s->out, n);
}

/* Read and answer one request.  Returns 0 to go on, or -errno when the
 * connection must end (EOF, oversized header, unknown type, dead peer). */
static int
serve_one(struct proxy_srv *s)
{
	uint32_t type, size;
	int r;

	r = proxy_reader_msg(&s->rd, s->sock, s->in, sizeof(s->in), &type,
	    &size);
	if (r == -EMSGSIZE)
		log_warnx("proxy: request size %u over the 64 KiB limit", size);
	if (r < 0)
		return r;
	if (!proxy_is_request(type)) {
		log_warnx("proxy: unknown request type %u", type);
		return -EBADMSG;
	}
	r = proxy_decode_req(type, s->in + PROXY_HDR_SIZE, size, &s->rq);
	/* A short payload is -ENOBUFS in the type's class (for an error the
	 * status and data classes have the same bytes). */
	if (r == 0)
		r = dispatch[type](s, &s->rq);
	log_debug("proxy: %s %s -> %d", proxy_type_name(type),
	    s->rq.path ? s->rq.path : "", r);
	r = send_reply(s, type, s->rq.size, r);
	close_deferred(s);
	return r;
}

/* Serve the connection until it ends.  Returns 0 on a clean end (EOF),
 * -errno otherwise; either way the caller just exits, as QEMU's helper
 * does. */
int
proxy_serve(struct core *c, int sock, const struct proxy_server_opts *o)
{
	struct proxy_srv *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->c = c;
	s->sock = sock;
	s->getversion_ioctl = o != NULL && o->getversion_ioctl;
	do {
		r = serve_one(s);
	} while (r == 0);
	free(s);
	return r == -ECONNRESET ? 0 : r;
}
