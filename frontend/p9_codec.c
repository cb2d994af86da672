/* p9_codec.c - encode and decode 9P2000.L messages.
 *
 * Each message body is described once, by a "visit" function that walks
 * its fields through a cursor.  The same function encodes (cursor writes
 * the fields) and decodes (cursor reads them), so the two directions
 * cannot disagree about a layout.  The cursor's overflow flag is sticky:
 * once a field would run past the end, every later field reads as zero
 * and writes nothing, and the caller checks the flag once at the end. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "frontend/p9.h"

struct cur {
	uint8_t *p;		/* writable only when enc */
	uint8_t *end;
	bool enc;
	bool bad;		/* ran past the end: sticky */
	bool inval;		/* well framed but a count is out of bounds */
};

static uint8_t *
take(struct cur *c, size_t n)
{
	uint8_t *p = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		c->p = c->end;
		return NULL;
	}
	c->p += n;
	return p;
}

/* Little-endian integers.  Each width has its own function so that the
 * copy has a constant size: one load or store on the hot path (Rgetattr
 * alone has 20 fields). */
#define X_UINT(name, type, bits)					\
static void								\
name(struct cur *c, type *v)						\
{									\
	uint8_t *p = take(c, sizeof(type));				\
	type le;							\
									\
	if (p == NULL) {						\
		if (!c->enc)						\
			*v = 0;						\
		return;							\
	}								\
	if (c->enc) {							\
		le = htole##bits(*v);					\
		memcpy(p, &le, sizeof(le));				\
	} else {							\
		memcpy(&le, p, sizeof(le));				\
		*v = le##bits##toh(le);					\
	}								\
}

#define htole8(x) (x)
#define le8toh(x) (x)
X_UINT(x_u8, uint8_t, 8)
X_UINT(x_u16, uint16_t, 16)
X_UINT(x_u32, uint32_t, 32)
X_UINT(x_u64, uint64_t, 64)

/* Raw bytes of a known count: decode points into the frame. */
static void
x_bytes(struct cur *c, const uint8_t **data, size_t n)
{
	uint8_t *p = take(c, n);

	if (p == NULL) {
		if (!c->enc)
			*data = NULL;
		return;
	}
	if (c->enc) {
		if (n > 0)
			memmove(p, *data, n);	/* data may already sit here */
	} else
		*data = p;
}

static void
x_str(struct cur *c, struct p9_str *s)
{
	const uint8_t *d = (const uint8_t *)s->s;

	x_u16(c, &s->len);
	x_bytes(c, &d, s->len);
	if (!c->enc)
		s->s = (const char *)d;
	if (c->bad && !c->enc) {
		s->len = 0;
		s->s = "";
	}
}

static void
x_qid(struct cur *c, struct p9_qid *q)
{
	x_u8(c, &q->type);
	x_u32(c, &q->version);
	x_u64(c, &q->path);
}

static void
x_attr(struct cur *c, struct p9_attr *a)
{
	x_u32(c, &a->mode);
	x_u32(c, &a->uid);
	x_u32(c, &a->gid);
	x_u64(c, &a->nlink);
	x_u64(c, &a->rdev);
	x_u64(c, &a->size);
	x_u64(c, &a->blksize);
	x_u64(c, &a->blocks);
	x_u64(c, &a->atime_sec);
	x_u64(c, &a->atime_nsec);
	x_u64(c, &a->mtime_sec);
	x_u64(c, &a->mtime_nsec);
	x_u64(c, &a->ctime_sec);
	x_u64(c, &a->ctime_nsec);
	x_u64(c, &a->btime_sec);
	x_u64(c, &a->btime_nsec);
	x_u64(c, &a->gen);
	x_u64(c, &a->data_version);
}

static void
x_statfs(struct cur *c, struct p9_statfs *s)
{
	x_u32(c, &s->type);
	x_u32(c, &s->bsize);
	x_u64(c, &s->blocks);
	x_u64(c, &s->bfree);
	x_u64(c, &s->bavail);
	x_u64(c, &s->files);
	x_u64(c, &s->ffree);
	x_u64(c, &s->fsid);
	x_u32(c, &s->namelen);
}

/* Counted array of up to MAXWELEM names or qids. */
static bool
x_count(struct cur *c, uint16_t *n)
{
	x_u16(c, n);
	if (*n > P9_MAXWELEM) {
		c->inval = true;
		return false;
	}
	return true;
}

static void
x_twalk(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.twalk.fid);
	x_u32(c, &f->u.twalk.newfid);
	if (!x_count(c, &f->u.twalk.nwname))
		return;
	for (int i = 0; i < f->u.twalk.nwname; i++)
		x_str(c, &f->u.twalk.wname[i]);
}

static void
x_rwalk(struct cur *c, struct p9_fcall *f)
{
	if (!x_count(c, &f->u.rwalk.nwqid))
		return;
	for (int i = 0; i < f->u.rwalk.nwqid; i++)
		x_qid(c, &f->u.rwalk.wqid[i]);
}

static void
x_lock(struct cur *c, struct p9_lockreq *l, bool flags)
{
	x_u32(c, &l->fid);
	x_u8(c, &l->type);
	if (flags)
		x_u32(c, &l->flags);
	x_u64(c, &l->start);
	x_u64(c, &l->length);
	x_u32(c, &l->proc_id);
	x_str(c, &l->client_id);
}

static void
x_rgetlock(struct cur *c, struct p9_lockreq *l)
{
	x_u8(c, &l->type);
	x_u64(c, &l->start);
	x_u64(c, &l->length);
	x_u32(c, &l->proc_id);
	x_str(c, &l->client_id);
}

static void
x_data(struct cur *c, uint32_t *count, const uint8_t **data)
{
	x_u32(c, count);
	x_bytes(c, data, *count);
}

static void
x_tattach(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.tattach.fid);
	x_u32(c, &f->u.tattach.afid);
	x_str(c, &f->u.tattach.uname);
	x_str(c, &f->u.tattach.aname);
	x_u32(c, &f->u.tattach.n_uname);
}

static void
x_tauth(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.tauth.afid);
	x_str(c, &f->u.tauth.uname);
	x_str(c, &f->u.tauth.aname);
	x_u32(c, &f->u.tauth.n_uname);
}

static void
x_tlcreate(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.tlcreate.fid);
	x_str(c, &f->u.tlcreate.name);
	x_u32(c, &f->u.tlcreate.flags);
	x_u32(c, &f->u.tlcreate.mode);
	x_u32(c, &f->u.tlcreate.gid);
}

static void
x_tsymlink(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.tsymlink.fid);
	x_str(c, &f->u.tsymlink.name);
	x_str(c, &f->u.tsymlink.symtgt);
	x_u32(c, &f->u.tsymlink.gid);
}

static void
x_tmknod(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.tmknod.dfid);
	x_str(c, &f->u.tmknod.name);
	x_u32(c, &f->u.tmknod.mode);
	x_u32(c, &f->u.tmknod.major);
	x_u32(c, &f->u.tmknod.minor);
	x_u32(c, &f->u.tmknod.gid);
}

static void
x_tsetattr(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.tsetattr.fid);
	x_u32(c, &f->u.tsetattr.valid);
	x_u32(c, &f->u.tsetattr.mode);
	x_u32(c, &f->u.tsetattr.uid);
	x_u32(c, &f->u.tsetattr.gid);
	x_u64(c, &f->u.tsetattr.size);
	x_u64(c, &f->u.tsetattr.atime_sec);
	x_u64(c, &f->u.tsetattr.atime_nsec);
	x_u64(c, &f->u.tsetattr.mtime_sec);
	x_u64(c, &f->u.tsetattr.mtime_nsec);
}

static void
x_rgetattr(struct cur *c, struct p9_fcall *f)
{
	x_u64(c, &f->u.rgetattr.valid);
	x_qid(c, &f->u.rgetattr.qid);
	x_attr(c, &f->u.rgetattr.a);
}

static void
x_trenameat(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.trenameat.olddirfid);
	x_str(c, &f->u.trenameat.oldname);
	x_u32(c, &f->u.trenameat.newdirfid);
	x_str(c, &f->u.trenameat.newname);
}

static void
x_twrite(struct cur *c, struct p9_fcall *f)
{
	x_u32(c, &f->u.twrite.fid);
	x_u64(c, &f->u.twrite.offset);
	x_data(c, &f->u.twrite.count, &f->u.twrite.data);
}

/* Bodies of messages that are a few plain fields. */
static bool
x_small(struct cur *c, struct p9_fcall *f)
{
	switch (f->type) {
	case P9_RLERROR:
		x_u32(c, &f->u.rlerror.ecode);
		break;
	case P9_TVERSION:
	case P9_RVERSION:
		x_u32(c, &f->u.version.msize);
		x_str(c, &f->u.version.version);
		break;
	case P9_RAUTH: case P9_RATTACH: case P9_RSYMLINK:
	case P9_RMKNOD: case P9_RMKDIR:
		x_qid(c, &f->u.rqid.qid);
		break;
	case P9_TFLUSH:
		x_u16(c, &f->u.tflush.oldtag);
		break;
	case P9_TSTATFS: case P9_TREADLINK: case P9_TCLUNK: case P9_TREMOVE:
		x_u32(c, &f->u.tfid.fid);
		break;
	case P9_TLOPEN:
		x_u32(c, &f->u.tlopen.fid);
		x_u32(c, &f->u.tlopen.flags);
		break;
	case P9_RLOPEN:
	case P9_RLCREATE:
		x_qid(c, &f->u.ropen.qid);
		x_u32(c, &f->u.ropen.iounit);
		break;
	case P9_RSETATTR: case P9_RXATTRCREATE: case P9_RFSYNC:
	case P9_RLINK: case P9_RRENAMEAT: case P9_RUNLINKAT: case P9_RFLUSH:
	case P9_RCLUNK: case P9_RREMOVE: case P9_RRENAME:
		break;
	default:
		return false;
	}
	return true;
}

/* Bodies of messages with names or more structure. */
static bool
x_named(struct cur *c, struct p9_fcall *f)
{
	switch (f->type) {
	case P9_TAUTH:
		x_tauth(c, f);
		break;
	case P9_TATTACH:
		x_tattach(c, f);
		break;
	case P9_TWALK:
		x_twalk(c, f);
		break;
	case P9_RWALK:
		x_rwalk(c, f);
		break;
	case P9_TLCREATE:
		x_tlcreate(c, f);
		break;
	case P9_TSYMLINK:
		x_tsymlink(c, f);
		break;
	case P9_TMKNOD:
		x_tmknod(c, f);
		break;
	case P9_TRENAME:
		x_u32(c, &f->u.trename.fid);
		x_u32(c, &f->u.trename.dfid);
		x_str(c, &f->u.trename.name);
		break;
	case P9_RREADLINK:
		x_str(c, &f->u.rreadlink.target);
		break;
	case P9_TXATTRWALK:
		x_u32(c, &f->u.txattrwalk.fid);
		x_u32(c, &f->u.txattrwalk.newfid);
		x_str(c, &f->u.txattrwalk.name);
		break;
	case P9_TXATTRCREATE:
		x_u32(c, &f->u.txattrcreate.fid);
		x_str(c, &f->u.txattrcreate.name);
		x_u64(c, &f->u.txattrcreate.attr_size);
		x_u32(c, &f->u.txattrcreate.flags);
		break;
	case P9_TLINK:
		x_u32(c, &f->u.tlink.dfid);
		x_u32(c, &f->u.tlink.fid);
		x_str(c, &f->u.tlink.name);
		break;
	case P9_TMKDIR:
		x_u32(c, &f->u.tmkdir.dfid);
		x_str(c, &f->u.tmkdir.name);
		x_u32(c, &f->u.tmkdir.mode);
		x_u32(c, &f->u.tmkdir.gid);
		break;
	case P9_TRENAMEAT:
		x_trenameat(c, f);
		break;
	case P9_TUNLINKAT:
		x_u32(c, &f->u.tunlinkat.dirfid);
		x_str(c, &f->u.tunlinkat.name);
		x_u32(c, &f->u.tunlinkat.flags);
		break;
	default:
		return false;
	}
	return true;
}

/* Bodies of attribute, data and lock messages. */
static bool
x_other(struct cur *c, struct p9_fcall *f)
{
	switch (f->type) {
	case P9_RSTATFS:
		x_statfs(c, &f->u.rstatfs);
		break;
	case P9_TGETATTR:
		x_u32(c, &f->u.tgetattr.fid);
		x_u64(c, &f->u.tgetattr.request_mask);
		break;
	case P9_RGETATTR:
		x_rgetattr(c, f);
		break;
	case P9_TSETATTR:
		x_tsetattr(c, f);
		break;
	case P9_RXATTRWALK:
		x_u64(c, &f->u.rxattrwalk.size);
		break;
	case P9_TREAD:
	case P9_TREADDIR:
		x_u32(c, &f->u.tread.fid);
		x_u64(c, &f->u.tread.offset);
		x_u32(c, &f->u.tread.count);
		break;
	case P9_RREAD:
	case P9_RREADDIR:
		x_data(c, &f->u.rread.count, &f->u.rread.data);
		break;
	case P9_TWRITE:
		x_twrite(c, f);
		break;
	case P9_RWRITE:
		x_u32(c, &f->u.rwrite.count);
		break;
	case P9_TFSYNC:
		x_u32(c, &f->u.tfsync.fid);
		x_u32(c, &f->u.tfsync.datasync);
		break;
	case P9_TLOCK:
		x_lock(c, &f->u.lock, true);
		break;
	case P9_RLOCK:
		x_u8(c, &f->u.rlock.status);
		break;
	case P9_TGETLOCK:
		x_u32(c, &f->u.lock.fid);
		x_rgetlock(c, &f->u.lock);
		break;
	case P9_RGETLOCK:
		x_rgetlock(c, &f->u.lock);
		break;
	default:
		return false;
	}
	return true;
}

static bool
x_body(struct cur *c, struct p9_fcall *f)
{
	return x_small(c, f) || x_named(c, f) || x_other(c, f);
}

int
p9_encode(uint8_t *buf, size_t cap, const struct p9_fcall *in)
{
	struct p9_fcall f = *in;
	struct cur c = { buf, buf + cap, true, false, false };
	uint32_t size = 0;

	x_u32(&c, &size);
	x_u8(&c, &f.type);
	x_u16(&c, &f.tag);
	if (!x_body(&c, &f) || c.inval)
		return -EINVAL;
	if (c.bad)
		return -EMSGSIZE;
	size = (uint32_t)(c.p - buf);
	c.p = buf;
	x_u32(&c, &size);
	return (int)size;
}

void
p9_peek_header(const uint8_t *hdr, uint32_t *size, uint8_t *type,
    uint16_t *tag)
{
	*size = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
	    (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	*type = hdr[4];
	*tag = (uint16_t)(hdr[5] | hdr[6] << 8);
}

uint32_t
p9_peek_size(const uint8_t *hdr)
{
	uint32_t size;
	uint8_t type;
	uint16_t tag;

	p9_peek_header(hdr, &size, &type, &tag);
	return size;
}

int
p9_decode(const uint8_t *buf, size_t len, struct p9_fcall *f)
{
	/* The cursor never writes when decoding; the cast drops const only
	 * so that one cursor type serves both directions. */
	struct cur c = { (uint8_t *)(uintptr_t)buf,
	    (uint8_t *)(uintptr_t)buf + len, false, false, false };
	uint32_t size;

	memset(f, 0, sizeof(*f));
	if (len < P9_HDRSZ)
		return -EBADMSG;
	p9_peek_header(buf, &size, &f->type, &f->tag);
	if (size != len)
		return -EBADMSG;
	c.p += P9_HDRSZ;
	if (f->type == P9_TLERROR || !x_body(&c, f))
		return -EOPNOTSUPP;
	if (c.inval)
		return -EINVAL;
	if (c.bad || c.p != c.end)
		return -EBADMSG;
	return 0;
}

int
p9_dirent_put(uint8_t *buf, size_t cap, size_t *off,
    const struct p9_dirent *d)
{
	struct p9_dirent e = *d;
	struct cur c = { buf + *off, buf + cap, true, false, false };

	if (*off > cap)
		return -ENOSPC;
	x_qid(&c, &e.qid);
	x_u64(&c, &e.offset);
	x_u8(&c, &e.type);
	x_str(&c, &e.name);
	if (c.bad)
		return -ENOSPC;
	*off = (size_t)(c.p - buf);
	return 0;
}

int
p9_dirent_get(const uint8_t *buf, size_t len, size_t *off,
    struct p9_dirent *d)
{
	struct cur c = { (uint8_t *)(uintptr_t)buf + *off,
	    (uint8_t *)(uintptr_t)buf + len, false, false, false };

	if (*off >= len)
		return 0;
	x_qid(&c, &d->qid);
	x_u64(&c, &d->offset);
	x_u8(&c, &d->type);
	x_str(&c, &d->name);
	if (c.bad)
		return -EBADMSG;
	*off = (size_t)(c.p - buf);
	return 1;
}

bool
p9_is_tmsg(uint8_t type)
{
	return (type & 1) == 0 && p9_type_name(type)[0] == 'T';
}

struct p9_str
p9_cstr(const char *s)
{
	size_t n = strlen(s);
	struct p9_str r = { (uint16_t)(n > 0xffff ? 0xffff : n), s };

	return r;
}
