/* ops_io.c - opening and the data path: Tlopen, Tlcreate, Tread, Twrite,
 * Tfsync.  Reads and writes go straight to the descriptor the helper
 * handed over; the data never crosses the helper. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/frontend.h"
#include "policy/policy.h"

/* What Rlopen/Rlcreate advertise: the largest data payload Linux would
 * send anyway (msize - 24), rounded down to the export's block size so
 * that big I/O stays block aligned; 0 for directories. */
static uint32_t
iounit_for(struct opctx *o, const struct hattr *a)
{
	uint32_t max = op_maxdata(o), bs = o->c->srv->info.bsize;

	if (S_ISDIR(a->mode))
		return 0;
	if (bs > 0 && max >= bs)
		max -= max % bs;
	return max;
}

/* The bits a write by a guest user without CAP_FSETID (anyone but root)
 * removes, by the kernel's rule (file_remove_privs): setuid always;
 * setgid when the group may execute, or when the writer is not in the
 * file's group. */
static uint32_t
privs_of(const struct hattr *a, const struct hcred *cr)
{
	uint32_t bits = a->mode & S_ISUID;
	bool in_group = cr->gid == a->gid;

	for (int i = 0; i < cr->ngroups && !in_group; i++)
		in_group = cr->groups[i] == a->gid;
	if ((a->mode & S_ISGID) && ((a->mode & S_IXGRP) || !in_group))
		bits |= S_ISGID;
	return bits;
}

/* Only the mapped models need this from us: the guest's mode lives in
 * the helper's metadata, which our write to the descriptor never
 * touches.  In passthrough and none the host kernel drops the bits on
 * our write itself (the frontend has no CAP_FSETID). */
static bool
needs_killpriv(struct opctx *o, const struct fid *f, uint32_t flags,
    const struct hattr *a)
{
	uint32_t model = o->c->srv->info.model;

	return (model == POLICY_MAPPED_XATTR || model == POLICY_MAPPED_FILE) &&
	    (flags & P9_O_ACCMODE) != 0 && f->cred.uid != 0 &&
	    S_ISREG(a->mode) && privs_of(a, &f->cred) != 0;
}

/* Before the first write through a fid that opened a setuid/setgid file:
 * read the current mode (it may have changed since the open) and clear
 * the bits.  Called with the fid's lock held. */
static int
kill_privs(struct opctx *o, struct fid *f)
{
	struct hsetattr sa = { .valid = P9_SETATTR_MODE };
	struct hattr a;
	uint32_t bits;
	int rc;

	if ((rc = helper_err(o, helper_getattr(o->c->srv->hc, &f->cred,
	    f->node->h, &a))) < 0)
		return rc;
	if ((bits = privs_of(&a, &f->cred)) != 0) {
		sa.mode = a.mode & 07777 & ~bits;
		if ((rc = helper_err(o, helper_setattr(o->c->srv->hc,
		    &f->cred, f->node->h, &sa))) < 0)
			return rc;
	}
	f->killpriv = false;
	return 0;
}

int
op_lopen(struct opctx *o)
{
	struct fid *f;
	struct hattr a;
	uint32_t iounit;
	int rc, fd = -1;

	if ((rc = op_node_fid(o, o->t->u.tlopen.fid, &f)) < 0)
		return rc;
	pthread_mutex_lock(&f->lock);
	if (f->fd >= 0)
		rc = -EINVAL;		/* already open */
	else
		rc = helper_err(o, helper_open(o->c->srv->hc, &f->cred,
		    f->node->h, o->t->u.tlopen.flags, &fd, &a, &iounit));
	if (rc == 0) {
		f->fd = fd;
		f->oflags = o->t->u.tlopen.flags;
		f->killpriv = needs_killpriv(o, f, f->oflags, &a);
		f->isreg = S_ISREG(a.mode);
		f->iounit = iounit_for(o, &a);
		qid_from_attr(&a, &o->rep.u.ropen.qid);
		o->rep.u.ropen.iounit = f->iounit;
	}
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	return rc;
}

/* The directory fid becomes the new, open file. */
int
op_lcreate(struct opctx *o)
{
	const typeof(o->t->u.tlcreate) *t = &o->t->u.tlcreate;
	struct hnode *nn;
	struct fid *f;
	struct hattr a;
	char name[256];
	uint32_t iounit;
	uint64_t h;
	int rc, fd = -1;

	if ((rc = name_check(&t->name, name, true,
	    o->c->srv->info.model)) < 0)
		return rc;
	if ((rc = op_node_fid(o, t->fid, &f)) < 0)
		return rc;
	pthread_mutex_lock(&f->lock);
	if (f->fd >= 0)
		rc = -EINVAL;
	else
		rc = helper_err(o, helper_create(o->c->srv->hc, &f->cred,
		    f->node->h, name, t->flags, t->mode, t->gid, &h, &fd, &a,
		    &iounit));
	if (rc == 0 && (nn = op_hnode(o, h)) == NULL) {
		close(fd);
		rc = -ENOMEM;
	}
	if (rc == 0) {
		struct hnode *dir = f->node;
		f->node = nn;
		rc = fid_set_name(f, dir, name);
		f->fd = fd;
		f->oflags = t->flags;
		f->killpriv = needs_killpriv(o, f, f->oflags, &a);
		f->isreg = S_ISREG(a.mode);
		f->iounit = iounit_for(o, &a);
		qid_from_attr(&a, &o->rep.u.ropen.qid);
		f->qtype = o->rep.u.ropen.qid.type;
		o->rep.u.ropen.iounit = f->iounit;
	}
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	return rc;
}

/* The open descriptor of a node fid (-1 if none), and its kind, read
 * together under the fid's lock; *isreg (if asked) says it is a regular
 * file's. */
static int
fid_fd_reg(struct fid *f, enum fid_kind *kind, bool *isreg)
{
	int fd;

	pthread_mutex_lock(&f->lock);
	*kind = f->kind;
	fd = f->kind == FID_NODE ? f->fd : -1;
	if (isreg)
		*isreg = fd >= 0 && f->isreg;
	pthread_mutex_unlock(&f->lock);
	return fd;
}

static int
fid_fd(struct fid *f, enum fid_kind *kind)
{
	return fid_fd_reg(f, kind, NULL);
}

/* Txattrwalk handles are read from their buffered value. */
static int
read_xattr(struct opctx *o, struct fid *f, uint8_t *out, uint32_t count)
{
	uint64_t off = o->t->u.tread.offset;
	size_t n = 0;

	pthread_mutex_lock(&f->lock);
	if (off < f->xa->size) {
		n = f->xa->size - off;
		if (n > count)
			n = count;
		memcpy(out, f->xa->buf + off, n);
	}
	pthread_mutex_unlock(&f->lock);
	return (int)n;
}

int
op_read(struct opctx *o)
{
	uint32_t count = o->t->u.tread.count;
	uint8_t *out = o->w->rbuf + P9_HDRSZ + 4;	/* Rread data */
	struct fid *f;
	ssize_t n;
	enum fid_kind kind;
	bool isreg;
	int rc, fd;

	if (count > op_maxdata(o))
		count = op_maxdata(o);
	if (o->t->u.tread.offset > INT64_MAX)
		return -EINVAL;
	if ((rc = op_fid(o, o->t->u.tread.fid, &f)) < 0)
		return rc;
	fd = fid_fd_reg(f, &kind, &isreg);
	/* The fid's reference keeps fd open while the pipe is filled. */
	if (isreg && splice_read(o, fd, count, o->t->u.tread.offset)) {
		fid_put(f);
		return OP_SENT;
	}
	if (kind == FID_XATTR_READ)
		n = read_xattr(o, f, out, count);
	else if (fd < 0)
		n = -EBADF;
	else {
		do {
			n = pread(fd, out, count, (off_t)o->t->u.tread.offset);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			n = -errno;
	}
	fid_put(f);
	if (n < 0)
		return (int)n;
	o->rep.u.rread.count = (uint32_t)n;
	o->rep.u.rread.data = out;	/* already in place: no copy */
	return 0;
}

/* Txattrcreate handles collect the value until Tclunk. */
static int
write_xattr(struct opctx *o, struct fid *f)
{
	uint64_t off = o->t->u.twrite.offset;
	uint32_t count = o->t->u.twrite.count;
	int rc = (int)count;

	pthread_mutex_lock(&f->lock);
	if (off > f->xa->size || count > f->xa->size - off)
		rc = -ENOSPC;
	else {
		memcpy(f->xa->buf + off, o->t->u.twrite.data, count);
		f->xa->filled += count;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

int
op_write(struct opctx *o)
{
	uint32_t count = o->t->u.twrite.count;
	struct fid *f;
	ssize_t n;
	enum fid_kind kind;
	int rc, fd;

	if (o->t->u.twrite.offset > INT64_MAX)
		return -EINVAL;
	if ((rc = op_fid(o, o->t->u.twrite.fid, &f)) < 0)
		return rc;
	fd = fid_fd(f, &kind);
	n = 0;
	if (fd >= 0 && count > 0 && __atomic_load_n(&f->killpriv,
	    __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&f->lock);
		if (f->killpriv)
			n = kill_privs(o, f);
		pthread_mutex_unlock(&f->lock);
	}
	if (n < 0)
		;	/* as the kernel: no write while the bits stay */
	else if (kind == FID_XATTR_WRITE)
		n = write_xattr(o, f);
	else if (fd < 0)
		n = -EBADF;
	else {
		do {
			n = pwrite(fd, o->t->u.twrite.data, count,
			    (off_t)o->t->u.twrite.offset);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			n = -errno;
		else if (n == 0 && count > 0)
			n = -EIO;	/* Rwrite 0 makes Linux loop forever */
	}
	fid_put(f);
	if (n < 0)
		return (int)n;
	o->rep.u.rwrite.count = (uint32_t)n;
	return 0;
}

int
op_fsync(struct opctx *o)
{
	struct fid *f;
	enum fid_kind kind;
	int rc, fd;

	if ((rc = op_fid(o, o->t->u.tfsync.fid, &f)) < 0)
		return rc;
	if ((fd = fid_fd(f, &kind)) < 0)
		rc = -EBADF;
	else if ((o->t->u.tfsync.datasync ? fdatasync(fd) : fsync(fd)) < 0)
		rc = -errno;
	fid_put(f);
	return rc;
}
