/* pb_ops.c - one handler per helper request, each a thin translation from
 * protobuf to the operation core.
 *
 * Every handler re-validates what it takes from the frontend before the
 * core sees it: handles must be ones this helper issued (handles_get),
 * names must be single NUL-free components of at most NAME_MAX bytes.  The
 * core checks names again; the duplication is deliberate (a compromised
 * frontend is the threat, and the core is also reached from the proxy
 * codec). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "helper/pb_server.h"

/* Host open flags for a 9P2000.L flag word; policy strips creation bits
 * and adds O_NOFOLLOW|O_CLOEXEC, and the core applies the rules again. */
static int
host_oflags(struct pb_call *k, uint32_t lflags, int *host)
{
	const struct core_opts *o = core_options(pb_server_core(k->srv));

	return policy_open_flags(lflags, o->readonly, host);
}

/* Copy protobuf bytes into a C string of at most max bytes: -EINVAL if they
 * hold a NUL, toolong if they are longer. */
static int
get_bytes(ProtobufCBinaryData b, char *out, size_t max, int toolong)
{
	if (memchr(b.data, '\0', b.len))
		return -EINVAL;
	if (b.len > max)
		return toolong;
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	return 0;
}

/* Copy a protobuf name into a C string; -EINVAL/-ENAMETOOLONG if it is not
 * a plausible single component.  The core applies the full name policy. */
static int
get_name(ProtobufCBinaryData b, char out[NAME_MAX + 1])
{
	if (b.len == 0 || memchr(b.data, '/', b.len))
		return -EINVAL;
	return get_bytes(b, out, NAME_MAX, -ENAMETOOLONG);
}

static int
get_path(ProtobufCBinaryData b, char out[PATH_MAX])
{
	return get_bytes(b, out, PATH_MAX - 1, -ENAMETOOLONG);
}

/* xattr names may be up to XATTR_NAME_MAX (255) bytes, like file names,
 * but may contain '/'. */
static int
get_xname(ProtobufCBinaryData b, char out[NAME_MAX + 1])
{
	if (b.len == 0)
		return -EINVAL;
	return get_bytes(b, out, NAME_MAX, -ERANGE);
}

static void
fill_attr(Vfsd__Attr *a, const struct core_attr *ca)
{
	vfsd__attr__init(a);
	a->qid_path = ca->qid_path;
	a->mode = ca->mode;
	a->uid = ca->uid;
	a->gid = ca->gid;
	a->nlink = ca->nlink;
	/* The guest decodes rdev with new_decode_dev. */
	a->rdev = policy_rdev_to_linux(ca->rdev);
	a->size = ca->size;
	a->blksize = ca->blksize;
	a->blocks = ca->blocks;
	a->atime_sec = ca->atime.tv_sec;
	a->atime_nsec = (uint32_t)ca->atime.tv_nsec;
	a->mtime_sec = ca->mtime.tv_sec;
	a->mtime_nsec = (uint32_t)ca->mtime.tv_nsec;
	a->ctime_sec = ca->ctime.tv_sec;
	a->ctime_nsec = (uint32_t)ca->ctime.tv_nsec;
	a->has_gen = ca->has_gen;
	a->gen = ca->gen;
}

/* The reply's one attribute (attach, getattr, open, create, mkdir ...). */
static Vfsd__Attr *
put_attr(struct pb_call *k, const struct core_attr *ca)
{
	fill_attr(&k->attr[0], ca);
	return &k->attr[0];
}

/* The first len bytes of the worker's scratch buffer, where the core wrote
 * a link target or xattr data, as a reply field. */
static ProtobufCBinaryData
scratch_bytes(struct pb_call *k, int len)
{
	ProtobufCBinaryData d = { (size_t)len, k->scratch };

	return d;
}

static uint32_t
iounit_for(struct pb_call *k)
{
	/* Linux sizes I/O by msize itself; 0 lets it.  The frontend rounds
	 * to its msize; the helper only reports the export block size. */
	return core_blksize(pb_server_core(k->srv));
}

/* Borrow the descriptor behind handle h for the length of a call. */
struct borrowed { uint64_t id; int fd; };

static int
borrow(struct pb_call *k, uint64_t h, struct borrowed *b)
{
	b->id = h;
	b->fd = -1;
	return handles_get(pb_server_handles(k->srv), h, &b->fd);
}

static void
unborrow(struct pb_call *k, struct borrowed *b)
{
	if (b->fd >= 0)
		handles_put(pb_server_handles(k->srv), b->id);
	b->fd = -1;
}

/* A request that names something under handle h: the name is checked
 * (get_name or get_xname) before the handle is borrowed. */
static int
borrow_named(struct pb_call *k, ProtobufCBinaryData bname,
    int (*check)(ProtobufCBinaryData, char *), char name[NAME_MAX + 1],
    uint64_t h, struct borrowed *b)
{
	int r;

	if ((r = check(bname, name)) < 0)
		return r;
	return borrow(k, h, b);
}

/* With want_fd the reply also carries a copy of the node descriptor, an
 * O_PATH one that the frontend can only fstat: the handle keeps its own
 * (a copy, because a release racing with the send would otherwise close
 * the descriptor being sent).  Failing to copy only loses the speed-up. */
static void
send_node(struct pb_call *k, bool want, int nodefd)
{
	if (want)
		k->fd = fcntl(nodefd, F_DUPFD_CLOEXEC, 0);
}

#define SET_RESULT(k, field, CASE) do {					\
	vfsd__##field##_rep__init(&(k)->u.field);			\
	(k)->rsp.result_case = VFSD__RESPONSE__RESULT_##CASE;		\
	(k)->rsp.field = &(k)->u.field;					\
} while (0)

/* The replies that carry the node's attributes. */
#define SET_ATTR_RESULT(k, field, CASE, ca) do {			\
	SET_RESULT(k, field, CASE);					\
	(k)->u.field.attr = put_attr(k, ca);				\
} while (0)

static int
h_hello(struct pb_call *k)
{
	struct core *c = pb_server_core(k->srv);
	const struct core_opts *o = core_options(c);

	if (k->req->hello->version != PB_PROTO_VERSION)
		return -EPROTONOSUPPORT;
	SET_RESULT(k, hello, HELLO);
	k->u.hello.version = PB_PROTO_VERSION;
	k->u.hello.model = o->model;
	k->u.hello.readonly = o->readonly;
	k->u.hello.iounit_bsize = core_blksize(c);
	return 0;
}

static int
h_attach(struct pb_call *k)
{
	struct core *c = pb_server_core(k->srv);
	struct core_attr ca;
	uint64_t id;
	int fd, r;

	/* One export per helper: the aname is accepted and ignored, as QEMU
	 * does; it never selects a path. */
	if (k->req->attach->aname.len > PATH_MAX)
		return -ENAMETOOLONG;
	if ((r = core_root(c, &fd)) < 0)
		return r;
	if ((r = core_getattr(c, fd, &ca)) < 0) {
		close(fd);
		return r;
	}
	send_node(k, k->req->attach->has_want_fd && k->req->attach->want_fd,
	    fd);
	if ((r = handles_add(pb_server_handles(k->srv), fd, &id)) < 0)
		return r;
	SET_RESULT(k, attach, ATTACH);
	k->u.attach.handle = id;
	k->u.attach.attr = put_attr(k, &ca);
	return 0;
}

static int
h_walk(struct pb_call *k)
{
	const Vfsd__WalkReq *w = k->req->walk;
	struct core *c = pb_server_core(k->srv);
	struct handles *t = pb_server_handles(k->srv);
	struct borrowed dir;
	char name[NAME_MAX + 1];
	int cur, prev = -1, r = 0;
	size_t i;

	if (w->n_names == 0 || w->n_names > 16)
		return -EINVAL;
	if ((r = borrow(k, w->dir, &dir)) < 0)
		return r;
	cur = dir.fd;
	for (i = 0; i < w->n_names; i++) {
		struct core_attr ca;
		int next;

		/* A walk answers qids only: no generation (an open and an
		 * ioctl per name); Tgetattr asks for it. */
		r = get_name(w->names[i], name);
		if (r == 0)
			r = core_lookup_want(c, cur, name, 0, &next, &ca);
		if (r < 0)
			break;
		fill_attr(&k->attr[i], &ca);
		k->attrp[i] = &k->attr[i];
		if (prev >= 0)
			close(prev);
		prev = (cur == dir.fd) ? -1 : cur;
		cur = next;
	}
	unborrow(k, &dir);
	if (i == 0) {
		if (prev >= 0)
			close(prev);
		return r;
	}
	SET_RESULT(k, walk, WALK);
	k->u.walk.n_attrs = i;
	k->u.walk.attrs = k->attrp;
	if (i < w->n_names) {
		k->u.walk.has_walk_errno = true;
		k->u.walk.walk_errno = -r;
		close(cur);
		if (prev >= 0)
			close(prev);
		return 0;
	}
	send_node(k, w->has_want_fd && w->want_fd, cur);
	r = handles_add(t, cur, &k->u.walk.handle);
	if (r == 0 && prev >= 0) {
		r = handles_add(t, prev, &k->u.walk.parent);
		prev = -1;
		if (r < 0)
			handles_release(t, k->u.walk.handle);
		k->u.walk.has_parent = (r == 0);
	}
	if (prev >= 0)
		close(prev);
	if (r < 0)
		return r;
	k->u.walk.has_handle = true;
	return 0;
}

static int
h_release(struct pb_call *k)
{
	const Vfsd__ReleaseReq *q = k->req->release;
	int r = 0;

	for (size_t i = 0; i < q->n_handles; i++)
		if (handles_release(pb_server_handles(k->srv), q->handles[i]) < 0)
			r = -EBADF;
	if (r == 0)
		SET_RESULT(k, release, RELEASE);
	return r;
}

static int
h_getattr(struct pb_call *k)
{
	struct core_attr ca;
	struct borrowed b;
	int r;

	if ((r = borrow(k, k->req->getattr->handle, &b)) < 0)
		return r;
	r = core_getattr(pb_server_core(k->srv), b.fd, &ca);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_ATTR_RESULT(k, getattr, GETATTR, &ca);
	return 0;
}

static int
h_setattr(struct pb_call *k)
{
	const Vfsd__SetattrReq *q = k->req->setattr;
	struct core_setattr sa;
	struct borrowed b;
	int r;

	if (q->valid & ~0x1ffu)
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.valid = q->valid;
	sa.mode = q->mode;
	sa.uid = q->has_uid ? q->uid : (uint32_t)-1;
	sa.gid = q->has_gid ? q->gid : (uint32_t)-1;
	sa.size = q->size;
	sa.atime.tv_sec = q->atime_sec;
	sa.atime.tv_nsec = q->atime_nsec;
	sa.mtime.tv_sec = q->mtime_sec;
	sa.mtime.tv_nsec = q->mtime_nsec;
	if (q->atime_nsec >= 1000000000u || q->mtime_nsec >= 1000000000u)
		return -EINVAL;
	if ((r = borrow(k, q->handle, &b)) < 0)
		return r;
	r = core_setattr(pb_server_core(k->srv), &k->cred, b.fd, &sa);
	unborrow(k, &b);
	if (r == 0)
		SET_RESULT(k, setattr, SETATTR);
	return r;
}

static int
h_open(struct pb_call *k)
{
	const Vfsd__OpenReq *q = k->req->open;
	struct core *c = pb_server_core(k->srv);
	struct core_attr ca;
	struct borrowed b;
	int r, fd, oflags;

	if ((r = host_oflags(k, q->flags, &oflags)) < 0)
		return r;
	if ((r = borrow(k, q->handle, &b)) < 0)
		return r;
	r = core_open(c, &k->cred, b.fd, oflags, &fd);
	if (r == 0 && (r = core_getattr(c, b.fd, &ca)) < 0)
		close(fd);
	unborrow(k, &b);
	if (r < 0)
		return r;
	k->fd = fd;
	SET_ATTR_RESULT(k, open, OPEN, &ca);
	k->u.open.iounit = iounit_for(k);
	return 0;
}

static int
h_create(struct pb_call *k)
{
	const Vfsd__CreateReq *q = k->req->create;
	char name[NAME_MAX + 1];
	struct core_attr ca;
	struct borrowed b;
	int r, node, fd, oflags;

	if ((r = get_name(q->name, name)) < 0 ||
	    (r = host_oflags(k, q->flags, &oflags)) < 0)
		return r;
	if ((r = borrow(k, q->dir, &b)) < 0)
		return r;
	r = core_create(pb_server_core(k->srv), &k->cred, b.fd, name,
	    oflags, q->mode, q->gid, &node, &fd, &ca);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_RESULT(k, create, CREATE);
	if ((r = handles_add(pb_server_handles(k->srv), node,
	    &k->u.create.handle)) < 0) {
		close(fd);
		return r;
	}
	k->fd = fd;
	k->u.create.attr = put_attr(k, &ca);
	k->u.create.iounit = iounit_for(k);
	return 0;
}

static int
h_mkdir(struct pb_call *k)
{
	const Vfsd__MkdirReq *q = k->req->mkdir;
	char name[NAME_MAX + 1];
	struct core_attr ca;
	struct borrowed b;
	int r;

	if ((r = borrow_named(k, q->name, get_name, name, q->dir, &b)) < 0)
		return r;
	r = core_mkdir(pb_server_core(k->srv), &k->cred, b.fd, name, q->mode,
	    q->gid, &ca);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_ATTR_RESULT(k, mkdir, MKDIR, &ca);
	return 0;
}

static int
h_symlink(struct pb_call *k)
{
	const Vfsd__SymlinkReq *q = k->req->symlink;
	char name[NAME_MAX + 1], target[PATH_MAX];
	struct core_attr ca;
	struct borrowed b;
	int r;

	if ((r = get_name(q->name, name)) < 0 ||
	    (r = get_path(q->target, target)) < 0)
		return r;
	if (target[0] == '\0')
		return -ENOENT;
	if ((r = borrow(k, q->dir, &b)) < 0)
		return r;
	r = core_symlink(pb_server_core(k->srv), &k->cred, b.fd, name, target,
	    q->gid, &ca);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_ATTR_RESULT(k, symlink, SYMLINK, &ca);
	return 0;
}

static int
h_mknod(struct pb_call *k)
{
	const Vfsd__MknodReq *q = k->req->mknod;
	char name[NAME_MAX + 1];
	struct core_attr ca;
	struct borrowed b;
	int r;

	if ((r = borrow_named(k, q->name, get_name, name, q->dir, &b)) < 0)
		return r;
	r = core_mknod(pb_server_core(k->srv), &k->cred, b.fd, name, q->mode,
	    policy_makedev(q->major, q->minor), q->gid, &ca);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_ATTR_RESULT(k, mknod, MKNOD, &ca);
	return 0;
}

static int
h_link(struct pb_call *k)
{
	const Vfsd__LinkReq *q = k->req->link;
	char name[NAME_MAX + 1];
	struct borrowed b, d;
	int r;

	if ((r = borrow_named(k, q->name, get_name, name, q->handle, &b)) < 0)
		return r;
	if ((r = borrow(k, q->dir, &d)) == 0) {
		r = core_link(pb_server_core(k->srv), &k->cred, b.fd, d.fd, name);
		unborrow(k, &d);
	}
	unborrow(k, &b);
	if (r == 0)
		SET_RESULT(k, link, LINK);
	return r;
}

static int
do_renameat(struct pb_call *k, uint64_t olddir, ProtobufCBinaryData oldname,
    uint64_t newdir, ProtobufCBinaryData newname, uint64_t expect)
{
	char on[NAME_MAX + 1], nn[NAME_MAX + 1];
	struct core *c = pb_server_core(k->srv);
	struct borrowed o, n, e = { 0, -1 };
	int r;

	if ((r = get_name(oldname, on)) < 0 || (r = get_name(newname, nn)) < 0)
		return r;
	if ((r = borrow(k, olddir, &o)) < 0)
		return r;
	if ((r = borrow(k, newdir, &n)) < 0) {
		unborrow(k, &o);
		return r;
	}
	if (expect && (r = borrow(k, expect, &e)) == 0)
		r = core_same_node(c, o.fd, on, e.fd);
	if (r == 0)
		r = core_renameat(c, &k->cred, o.fd, on, n.fd, nn);
	unborrow(k, &e);
	unborrow(k, &n);
	unborrow(k, &o);
	return r;
}

static int
h_renameat(struct pb_call *k)
{
	const Vfsd__RenameatReq *q = k->req->renameat;
	int r = do_renameat(k, q->olddir, q->oldname, q->newdir, q->newname, 0);

	if (r == 0)
		SET_RESULT(k, renameat, RENAMEAT);
	return r;
}

static int
h_rename(struct pb_call *k)
{
	const Vfsd__RenameReq *q = k->req->rename;
	int r;

	if (q->handle == 0)
		return -EBADF;
	r = do_renameat(k, q->olddir, q->oldname, q->newdir, q->newname,
	    q->handle);
	if (r == 0)
		SET_RESULT(k, rename, RENAME);
	return r;
}

static int
do_unlink(struct pb_call *k, uint64_t dir, ProtobufCBinaryData bname,
    uint32_t flags, uint64_t expect)
{
	char name[NAME_MAX + 1];
	struct core *c = pb_server_core(k->srv);
	struct borrowed d, e = { 0, -1 };
	int r;

	if (flags & ~(uint32_t)AT_REMOVEDIR)
		return -EINVAL;
	if ((r = borrow_named(k, bname, get_name, name, dir, &d)) < 0)
		return r;
	if (expect && (r = borrow(k, expect, &e)) == 0) {
		struct core_attr ca;
		r = core_same_node(c, d.fd, name, e.fd);
		/* Tremove does not say whether it is a directory. */
		if (r == 0 && (r = core_getattr(c, e.fd, &ca)) == 0 &&
		    S_ISDIR(ca.mode))
			flags = AT_REMOVEDIR;
	}
	if (r == 0)
		r = core_unlinkat(c, &k->cred, d.fd, name, (int)flags);
	unborrow(k, &e);
	unborrow(k, &d);
	return r;
}

static int
h_unlinkat(struct pb_call *k)
{
	const Vfsd__UnlinkatReq *q = k->req->unlinkat;
	int r = do_unlink(k, q->dir, q->name, q->flags, 0);

	if (r == 0)
		SET_RESULT(k, unlinkat, UNLINKAT);
	return r;
}

static int
h_remove(struct pb_call *k)
{
	const Vfsd__RemoveReq *q = k->req->remove;
	int r;

	if (q->handle == 0)
		return -EBADF;
	r = do_unlink(k, q->dir, q->name, 0, q->handle);
	if (r == 0)
		SET_RESULT(k, remove, REMOVE);
	return r;
}

static int
h_readlink(struct pb_call *k)
{
	struct borrowed b;
	int r;

	if ((r = borrow(k, k->req->readlink->handle, &b)) < 0)
		return r;
	r = core_readlink(pb_server_core(k->srv), &k->cred, b.fd,
	    (char *)k->scratch, PATH_MAX);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_RESULT(k, readlink, READLINK);
	k->u.readlink.target = scratch_bytes(k, r);
	return 0;
}

static int
h_statfs(struct pb_call *k)
{
	struct statfs st;
	struct borrowed b;
	int r;

	if ((r = borrow(k, k->req->statfs->handle, &b)) < 0)
		return r;
	r = core_statfs(pb_server_core(k->srv), b.fd, &st);
	unborrow(k, &b);
	if (r < 0)
		return r;
	SET_RESULT(k, statfs, STATFS);
	k->u.statfs.type = (uint32_t)st.f_type;
	k->u.statfs.bsize = (uint32_t)st.f_bsize;
	k->u.statfs.blocks = st.f_blocks;
	k->u.statfs.bfree = st.f_bfree;
	k->u.statfs.bavail = st.f_bavail;
	k->u.statfs.files = st.f_files;
	k->u.statfs.ffree = st.f_ffree;
	k->u.statfs.fsid = (uint64_t)(uint32_t)st.f_fsid.__val[0] |
	    (uint64_t)(uint32_t)st.f_fsid.__val[1] << 32;
	k->u.statfs.namelen = (uint32_t)st.f_namelen;
	return 0;
}

static int
h_xattr_get(struct pb_call *k)
{
	const Vfsd__XattrGetReq *q = k->req->xattr_get;
	char name[NAME_MAX + 1];
	struct borrowed b;
	int r;

	if ((r = borrow_named(k, q->name, get_xname, name, q->handle, &b)) < 0)
		return r;
	r = core_getxattr(pb_server_core(k->srv), &k->cred, b.fd, name,
	    k->scratch, CORE_XATTR_MAX);
	unborrow(k, &b);
	if (r < 0)
		return r == -ERANGE ? -E2BIG : r;
	SET_RESULT(k, xattr_get, XATTR_GET);
	k->u.xattr_get.value = scratch_bytes(k, r);
	return 0;
}

static int
h_xattr_list(struct pb_call *k)
{
	struct borrowed b;
	int r;

	if ((r = borrow(k, k->req->xattr_list->handle, &b)) < 0)
		return r;
	r = core_listxattr(pb_server_core(k->srv), &k->cred, b.fd,
	    (char *)k->scratch, CORE_XATTR_MAX);
	unborrow(k, &b);
	if (r < 0)
		return r == -ERANGE ? -E2BIG : r;
	SET_RESULT(k, xattr_list, XATTR_LIST);
	k->u.xattr_list.names = scratch_bytes(k, r);
	return 0;
}

static int
h_xattr_set(struct pb_call *k)
{
	const Vfsd__XattrSetReq *q = k->req->xattr_set;
	char name[NAME_MAX + 1];
	struct borrowed b;
	int r;

	if ((r = get_xname(q->name, name)) < 0)
		return r;
	if (q->value.len > CORE_XATTR_MAX)
		return -E2BIG;
	if (q->flags & ~3u)	/* XATTR_CREATE | XATTR_REPLACE */
		return -EINVAL;
	if ((r = borrow(k, q->handle, &b)) < 0)
		return r;
	r = core_setxattr(pb_server_core(k->srv), &k->cred, b.fd, name,
	    q->value.data, q->value.len, (int)q->flags);
	unborrow(k, &b);
	if (r == 0)
		SET_RESULT(k, xattr_set, XATTR_SET);
	return r;
}

static int
h_xattr_remove(struct pb_call *k)
{
	const Vfsd__XattrRemoveReq *q = k->req->xattr_remove;
	char name[NAME_MAX + 1];
	struct borrowed b;
	int r;

	if ((r = borrow_named(k, q->name, get_xname, name, q->handle, &b)) < 0)
		return r;
	r = core_removexattr(pb_server_core(k->srv), &k->cred, b.fd, name);
	unborrow(k, &b);
	if (r == 0)
		SET_RESULT(k, xattr_remove, XATTR_REMOVE);
	return r;
}

static int
h_channel(struct pb_call *k)
{
	int fd, r;

	if ((r = pb_server_open_channel(k->srv, &fd)) < 0)
		return r;
	k->fd = fd;
	SET_RESULT(k, channel, CHANNEL);
	return 0;
}

/* The dispatch table: exactly one row per request case. */
static const struct {
	Vfsd__Request__OpCase op;
	pb_handler fn;
	bool needs_cred;
} pb_table[] = {
	{ VFSD__REQUEST__OP_HELLO, h_hello, false },
	{ VFSD__REQUEST__OP_ATTACH, h_attach, true },
	{ VFSD__REQUEST__OP_WALK, h_walk, true },
	{ VFSD__REQUEST__OP_RELEASE, h_release, false },
	{ VFSD__REQUEST__OP_GETATTR, h_getattr, true },
	{ VFSD__REQUEST__OP_SETATTR, h_setattr, true },
	{ VFSD__REQUEST__OP_OPEN, h_open, true },
	{ VFSD__REQUEST__OP_CREATE, h_create, true },
	{ VFSD__REQUEST__OP_MKDIR, h_mkdir, true },
	{ VFSD__REQUEST__OP_SYMLINK, h_symlink, true },
	{ VFSD__REQUEST__OP_MKNOD, h_mknod, true },
	{ VFSD__REQUEST__OP_LINK, h_link, true },
	{ VFSD__REQUEST__OP_RENAMEAT, h_renameat, true },
	{ VFSD__REQUEST__OP_UNLINKAT, h_unlinkat, true },
	{ VFSD__REQUEST__OP_RENAME, h_rename, true },
	{ VFSD__REQUEST__OP_REMOVE, h_remove, true },
	{ VFSD__REQUEST__OP_READLINK, h_readlink, true },
	{ VFSD__REQUEST__OP_STATFS, h_statfs, true },
	{ VFSD__REQUEST__OP_XATTR_GET, h_xattr_get, true },
	{ VFSD__REQUEST__OP_XATTR_LIST, h_xattr_list, true },
	{ VFSD__REQUEST__OP_XATTR_SET, h_xattr_set, true },
	{ VFSD__REQUEST__OP_XATTR_REMOVE, h_xattr_remove, true },
	{ VFSD__REQUEST__OP_CHANNEL, h_channel, false },
};

pb_handler
pb_handler_for(Vfsd__Request__OpCase op)
{
	for (size_t i = 0; i < sizeof(pb_table) / sizeof(pb_table[0]); i++)
		if (pb_table[i].op == op)
			return pb_table[i].fn;
	return NULL;
}

bool
pb_op_needs_cred(Vfsd__Request__OpCase op)
{
	for (size_t i = 0; i < sizeof(pb_table) / sizeof(pb_table[0]); i++)
		if (pb_table[i].op == op)
			return pb_table[i].needs_cred;
	return true;
}
