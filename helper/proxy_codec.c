/* proxy_codec.c - marshal and unmarshal QEMU 7.2 proxy messages.
 *
 * Every request layout is one row of a field table, used both to decode
 * (server) and to encode (test client, benchmark), so the two directions
 * cannot disagree.  Decoding is bounded by the payload length: a field that
 * does not fit fails the whole request with -ENOBUFS, which is what QEMU's
 * own helper answers, in the request's reply class.  Trailing bytes are
 * ignored, also like QEMU's helper. */
#include <errno.h>
#include <string.h>

#include "helper/proxy.h"

enum field {
	F_END = 0,
	F_PATH,		/* s */
	F_PATH2,	/* s */
	F_NAME,		/* s */
	F_VALUE,	/* s, raw bytes */
	F_UID,		/* d */
	F_GID,		/* d */
	F_FLAGS,	/* d */
	F_MODE,		/* d */
	F_SIZE,		/* d */
	F_RDEV,		/* q */
	F_LENGTH,	/* q */
	F_T0, F_T1, F_T2, F_T3,	/* q */
};

#define MAX_FIELDS 6

struct layout {
	const char *name;
	enum proxy_class class;
	uint8_t fields[MAX_FIELDS];
};

/* Field order is QEMU 7.2's marshalling order (hw/9pfs/9p-proxy.c). */
static const struct layout layouts[PROXY_T_COUNT] = {
	[PROXY_T_OPEN] = { "open", PROXY_CLASS_FD, { F_PATH, F_FLAGS } },
	[PROXY_T_CREATE] = { "create", PROXY_CLASS_FD,
	    { F_PATH, F_FLAGS, F_MODE, F_UID, F_GID } },
	[PROXY_T_MKNOD] = { "mknod", PROXY_CLASS_STATUS,
	    { F_UID, F_GID, F_PATH, F_MODE, F_RDEV } },
	[PROXY_T_MKDIR] = { "mkdir", PROXY_CLASS_STATUS,
	    { F_UID, F_GID, F_PATH, F_MODE } },
	[PROXY_T_SYMLINK] = { "symlink", PROXY_CLASS_STATUS,
	    { F_UID, F_GID, F_PATH2, F_PATH } },
	[PROXY_T_LINK] = { "link", PROXY_CLASS_STATUS, { F_PATH, F_PATH2 } },
	[PROXY_T_LSTAT] = { "lstat", PROXY_CLASS_DATA, { F_PATH } },
	[PROXY_T_READLINK] = { "readlink", PROXY_CLASS_DATA,
	    { F_PATH, F_SIZE } },
	[PROXY_T_STATFS] = { "statfs", PROXY_CLASS_DATA, { F_PATH } },
	[PROXY_T_CHMOD] = { "chmod", PROXY_CLASS_STATUS, { F_PATH, F_MODE } },
	[PROXY_T_CHOWN] = { "chown", PROXY_CLASS_STATUS,
	    { F_PATH, F_UID, F_GID } },
	[PROXY_T_TRUNCATE] = { "truncate", PROXY_CLASS_STATUS,
	    { F_PATH, F_LENGTH } },
	[PROXY_T_UTIME] = { "utime", PROXY_CLASS_STATUS,
	    { F_PATH, F_T0, F_T1, F_T2, F_T3 } },
	[PROXY_T_RENAME] = { "rename", PROXY_CLASS_STATUS,
	    { F_PATH, F_PATH2 } },
	[PROXY_T_REMOVE] = { "remove", PROXY_CLASS_STATUS, { F_PATH } },
	[PROXY_T_LGETXATTR] = { "lgetxattr", PROXY_CLASS_XATTR,
	    { F_SIZE, F_PATH, F_NAME } },
	[PROXY_T_LLISTXATTR] = { "llistxattr", PROXY_CLASS_XATTR,
	    { F_SIZE, F_PATH } },
	[PROXY_T_LSETXATTR] = { "lsetxattr", PROXY_CLASS_STATUS,
	    { F_PATH, F_NAME, F_VALUE, F_SIZE, F_FLAGS } },
	[PROXY_T_LREMOVEXATTR] = { "lremovexattr", PROXY_CLASS_STATUS,
	    { F_PATH, F_NAME } },
	[PROXY_T_GETVERSION] = { "getversion", PROXY_CLASS_DATA, { F_PATH } },
};

bool
proxy_is_request(uint32_t type)
{
	return type >= PROXY_T_OPEN && type < PROXY_T_COUNT;
}

enum proxy_class
proxy_class_of(uint32_t type)
{
	return proxy_is_request(type) ? layouts[type].class : 0;
}

const char *
proxy_type_name(uint32_t type)
{
	if (type == PROXY_T_SUCCESS)
		return "success";
	if (type == PROXY_T_ERROR)
		return "error";
	return proxy_is_request(type) ? layouts[type].name : "unknown";
}

void
proxy_put_hdr(uint8_t *buf, uint32_t type, uint32_t size)
{
	memcpy(buf, &type, 4);
	memcpy(buf + 4, &size, 4);
}

void
proxy_get_hdr(const uint8_t *buf, uint32_t *type, uint32_t *size)
{
	memcpy(type, buf, 4);
	memcpy(size, buf + 4, 4);
}

/* A read cursor whose failure sticks, so a layout is walked in full and
 * checked once. */
struct rcur {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *
take(struct rcur *r, size_t n)
{
	const uint8_t *q = r->p;

	if (r->bad || n > r->left) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return q;
}

static int32_t
take_d(struct rcur *r)
{
	const uint8_t *q = take(r, 4);
	int32_t v = 0;

	if (q != NULL)
		memcpy(&v, q, 4);
	return v;
}

static uint64_t
take_q(struct rcur *r)
{
	const uint8_t *q = take(r, 8);
	uint64_t v = 0;

	if (q != NULL)
		memcpy(&v, q, 8);
	return v;
}

/* Copy an `s` string into the request's string area, cut at the first NUL
 * (QEMU counts the terminator of most paths in the length). */
static const char *
take_s(struct rcur *r, struct proxy_req *rq, size_t *used, size_t *outlen,
    const uint8_t **raw, size_t *rawlen)
{
	const uint8_t *q = take(r, 2);
	uint16_t n = 0;
	char *dst;
	const uint8_t *data;
	const void *nul;

	if (q != NULL)
		memcpy(&n, q, 2);
	data = take(r, n);
	if (data == NULL)
		return NULL;
	if (raw != NULL) {
		*raw = data;
		*rawlen = n;
	}
	/* Each string costs n + 1 bytes of a payload-sized area, and each
	 * consumed 2 length bytes, so strbuf cannot overflow. */
	dst = rq->strbuf + *used;
	nul = memchr(data, 0, n);
	if (nul != NULL)
		n = (uint16_t)((const uint8_t *)nul - data);
	memcpy(dst, data, n);
	dst[n] = '\0';
	*used += (size_t)n + 1;
	*outlen = n;
	return dst;
}

static void
decode_field(struct rcur *r, uint8_t f, struct proxy_req *rq, size_t *used)
{
	switch (f) {
	case F_PATH:
		rq->path = take_s(r, rq, used, &rq->path_len, NULL, NULL);
		break;
	case F_PATH2:
		rq->path2 = take_s(r, rq, used, &rq->path2_len, NULL, NULL);
		break;
	case F_NAME:
		rq->name = take_s(r, rq, used, &rq->name_len, NULL, NULL);
		break;
	case F_VALUE: {
		size_t cut;	/* the value is raw bytes: keep them all */
		(void)take_s(r, rq, used, &cut, &rq->value, &rq->value_len);
		break;
	}
	case F_UID: rq->uid = take_d(r); break;
	case F_GID: rq->gid = take_d(r); break;
	case F_FLAGS: rq->flags = take_d(r); break;
	case F_MODE: rq->mode = take_d(r); break;
	case F_SIZE: rq->size = take_d(r); break;
	case F_RDEV: rq->rdev = take_q(r); break;
	case F_LENGTH: rq->length = take_q(r); break;
	case F_T0: case F_T1: case F_T2: case F_T3:
		rq->times[f - F_T0] = (int64_t)take_q(r);
		break;
	default:
		r->bad = true;
		break;
	}
}

/* Decode the payload of a request of the given type.  Returns 0,
 * -EBADMSG for a type that is not a request, or -ENOBUFS when the payload
 * is shorter than the layout (QEMU's helper answers exactly that). */
int
proxy_decode_req(uint32_t type, const uint8_t *p, size_t len,
    struct proxy_req *rq)
{
	struct rcur r = { p, len, false };
	size_t used = 0;
	int i;

	if (!proxy_is_request(type))
		return -EBADMSG;
	if (len > PROXY_MAX_IO)
		return -ENOBUFS;
	memset(rq, 0, offsetof(struct proxy_req, strbuf));
	rq->type = type;
	for (i = 0; i < MAX_FIELDS && layouts[type].fields[i] != F_END; i++)
		decode_field(&r, layouts[type].fields[i], rq, &used);
	return r.bad ? -ENOBUFS : 0;
}

/* A write cursor with the same sticky failure. */
struct wcur {
	uint8_t *p;
	size_t left;
	bool bad;
};

static void
put(struct wcur *w, const void *src, size_t n)
{
	if (w->bad || n > w->left) {
		w->bad = true;
		return;
	}
	memcpy(w->p, src, n);
	w->p += n;
	w->left -= n;
}

static void
put_d(struct wcur *w, int32_t v)
{
	put(w, &v, 4);
}

static void
put_q(struct wcur *w, uint64_t v)
{
	put(w, &v, 8);
}

static void
put_s(struct wcur *w, const void *s, size_t n)
{
	uint16_t l = (uint16_t)n;

	if (n > PROXY_MAX_STR || (n > 0 && s == NULL)) {
		w->bad = true;
		return;
	}
	put(w, &l, 2);
	put(w, s, n);
}

static void
encode_field(struct wcur *w, uint8_t f, const struct proxy_req *rq)
{
	switch (f) {
	case F_PATH: put_s(w, rq->path, rq->path_len); break;
	case F_PATH2: put_s(w, rq->path2, rq->path2_len); break;
	case F_NAME: put_s(w, rq->name, rq->name_len); break;
	case F_VALUE: put_s(w, rq->value, rq->value_len); break;
	case F_UID: put_d(w, rq->uid); break;
	case F_GID: put_d(w, rq->gid); break;
	case F_FLAGS: put_d(w, rq->flags); break;
	case F_MODE: put_d(w, rq->mode); break;
	case F_SIZE: put_d(w, rq->size); break;
	case F_RDEV: put_q(w, rq->rdev); break;
	case F_LENGTH: put_q(w, rq->length); break;
	case F_T0: case F_T1: case F_T2: case F_T3:
		put_q(w, (uint64_t)rq->times[f - F_T0]);
		break;
	default:
		w->bad = true;
		break;
	}
}

/* Encode a whole request (header included) the way QEMU does.  The string
 * lengths are taken from *_len, so a caller can include QEMU's trailing
 * NUL or not.  Returns the message length or -ENOBUFS. */
int
proxy_encode_req(const struct proxy_req *rq, uint8_t *buf, size_t cap)
{
	struct wcur w;
	int i;

	if (!proxy_is_request(rq->type))
		return -EBADMSG;
	if (cap < PROXY_HDR_SIZE)
		return -ENOBUFS;
	w.p = buf + PROXY_HDR_SIZE;
	w.left = cap - PROXY_HDR_SIZE;
	if (w.left > PROXY_MAX_IO)
		w.left = PROXY_MAX_IO;
	w.bad = false;
	for (i = 0; i < MAX_FIELDS && layouts[rq->type].fields[i] != F_END; i++)
		encode_field(&w, layouts[rq->type].fields[i], rq);
	if (w.bad)
		return -ENOBUFS;
	proxy_put_hdr(buf, rq->type, (uint32_t)(w.p - buf - PROXY_HDR_SIZE));
	return (int)(w.p - buf);
}

/* Status class (and every error): T_ERROR iff negative, size always 4. */
size_t
proxy_encode_status(uint8_t *buf, int32_t status)
{
	proxy_put_hdr(buf, status < 0 ? PROXY_T_ERROR : PROXY_T_SUCCESS, 4);
	memcpy(buf + PROXY_HDR_SIZE, &status, 4);
	return PROXY_HDR_SIZE + 4;
}

/* ProxyStat: qqqdddqqqqqqqqqq, packed, 116 bytes. */
size_t
proxy_encode_stat(uint8_t *buf, const struct stat *st)
{
	struct wcur w = { buf + PROXY_HDR_SIZE, PROXY_STAT_SIZE, false };

	put_q(&w, st->st_dev);
	put_q(&w, st->st_ino);
	put_q(&w, st->st_nlink);
	put_d(&w, (int32_t)st->st_mode);
	put_d(&w, (int32_t)st->st_uid);
	put_d(&w, (int32_t)st->st_gid);
	put_q(&w, st->st_rdev);
	put_q(&w, (uint64_t)st->st_size);
	put_q(&w, (uint64_t)st->st_blksize);
	put_q(&w, (uint64_t)st->st_blocks);
	put_q(&w, (uint64_t)st->st_atim.tv_sec);
	put_q(&w, (uint64_t)st->st_atim.tv_nsec);
	put_q(&w, (uint64_t)st->st_mtim.tv_sec);
	put_q(&w, (uint64_t)st->st_mtim.tv_nsec);
	put_q(&w, (uint64_t)st->st_ctim.tv_sec);
	put_q(&w, (uint64_t)st->st_ctim.tv_nsec);
	proxy_put_hdr(buf, PROXY_T_SUCCESS, PROXY_STAT_SIZE);
	return PROXY_HDR_SIZE + PROXY_STAT_SIZE;
}

/* ProxyStatFS: 11 q fields, 88 bytes.  Each fsid half is a C int that
 * QEMU's helper widens with sign extension; QEMU's client depends on the
 * exact bits (doc §2.1), so do the same. */
size_t
proxy_encode_statfs(uint8_t *buf, const struct statfs *st)
{
	struct wcur w = { buf + PROXY_HDR_SIZE, PROXY_STATFS_SIZE, false };

	put_q(&w, (uint64_t)st->f_type);
	put_q(&w, (uint64_t)st->f_bsize);
	put_q(&w, st->f_blocks);
	put_q(&w, st->f_bfree);
	put_q(&w, st->f_bavail);
	put_q(&w, st->f_files);
	put_q(&w, st->f_ffree);
	put_q(&w, (uint64_t)(int64_t)st->f_fsid.__val[0]);
	put_q(&w, (uint64_t)(int64_t)st->f_fsid.__val[1]);
	put_q(&w, (uint64_t)st->f_namelen);
	put_q(&w, (uint64_t)st->f_frsize);
	proxy_put_hdr(buf, PROXY_T_SUCCESS, PROXY_STATFS_SIZE);
	return PROXY_HDR_SIZE + PROXY_STATFS_SIZE;
}

size_t
proxy_encode_u64(uint8_t *buf, uint64_t v)
{
	proxy_put_hdr(buf, PROXY_T_SUCCESS, 8);
	memcpy(buf + PROXY_HDR_SIZE, &v, 8);
	return PROXY_HDR_SIZE + 8;
}

/* A data reply carrying one `s`; -ENOBUFS if it would exceed the 64 KiB
 * payload QEMU accepts or the u16 length. */
int
proxy_encode_str(uint8_t *buf, size_t cap, const void *s, size_t len)
{
	struct wcur w = { buf + PROXY_HDR_SIZE, len + 2, false };

	if (len > PROXY_MAX_STR || len + 2 > PROXY_MAX_IO ||
	    cap < PROXY_HDR_SIZE + 2 + len)
		return -ENOBUFS;
	put_s(&w, s, len);
	proxy_put_hdr(buf, PROXY_T_SUCCESS, (uint32_t)(len + 2));
	return (int)(PROXY_HDR_SIZE + 2 + len);
}

static void
decode_stat(struct rcur *r, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = take_q(r);
	st->st_ino = take_q(r);
	st->st_nlink = take_q(r);
	st->st_mode = (mode_t)take_d(r);
	st->st_uid = (uid_t)take_d(r);
	st->st_gid = (gid_t)take_d(r);
	st->st_rdev = take_q(r);
	st->st_size = (off_t)take_q(r);
	st->st_blksize = (blksize_t)take_q(r);
	st->st_blocks = (blkcnt_t)take_q(r);
	st->st_atim.tv_sec = (time_t)take_q(r);
	st->st_atim.tv_nsec = (long)take_q(r);
	st->st_mtim.tv_sec = (time_t)take_q(r);
	st->st_mtim.tv_nsec = (long)take_q(r);
	st->st_ctim.tv_sec = (time_t)take_q(r);
	st->st_ctim.tv_nsec = (long)take_q(r);
}

static void
decode_statfs(struct rcur *r, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = (__fsword_t)take_q(r);
	st->f_bsize = (__fsword_t)take_q(r);
	st->f_blocks = take_q(r);
	st->f_bfree = take_q(r);
	st->f_bavail = take_q(r);
	st->f_files = take_q(r);
	st->f_ffree = take_q(r);
	st->f_fsid.__val[0] = (int)take_q(r);
	st->f_fsid.__val[1] = (int)take_q(r);
	st->f_namelen = (__fsword_t)take_q(r);
	st->f_frsize = (__fsword_t)take_q(r);
}

static void
decode_data(uint32_t req_type, struct rcur *r, struct proxy_reply *rp)
{
	const uint8_t *q;
	uint16_t n = 0;

	switch (req_type) {
	case PROXY_T_LSTAT:
		decode_stat(r, &rp->st);
		break;
	case PROXY_T_STATFS:
		decode_statfs(r, &rp->sfs);
		break;
	case PROXY_T_GETVERSION:
		rp->u64 = take_q(r);
		break;
	default:	/* readlink, xattr values and lists: one `s` */
		q = take(r, 2);
		if (q != NULL)
			memcpy(&n, q, 2);
		rp->data = take(r, n);
		rp->data_len = n;
		break;
	}
}

/* Decode the header-class reply to a request, as QEMU would: T_ERROR or a
 * status class carries an int32; a data class carries the fixed layout.
 * -ENOBUFS where QEMU would fail (or, for fixed layouts, abort). */
int
proxy_decode_reply(uint32_t req_type, int32_t req_size, const uint8_t *p,
    size_t len, uint32_t rtype, struct proxy_reply *rp)
{
	struct rcur r = { p, len, false };
	enum proxy_class cl = proxy_class_of(req_type);

	memset(rp, 0, sizeof(*rp));
	rp->type = rtype;
	if (cl == PROXY_CLASS_XATTR)
		cl = req_size == 0 ? PROXY_CLASS_STATUS : PROXY_CLASS_DATA;
	if (cl == PROXY_CLASS_STATUS || rtype == PROXY_T_ERROR) {
		if (len != 4)
			return -ENOBUFS;
		rp->status = take_d(&r);
		return 0;
	}
	if (cl != PROXY_CLASS_DATA || rtype != PROXY_T_SUCCESS)
		return -EBADMSG;
	decode_data(req_type, &r, rp);
	return r.bad ? -ENOBUFS : 0;
}
