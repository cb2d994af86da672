/* p9.h - 9P2000.L wire types, constants and the codec.
 *
 * One struct p9_fcall describes any T- or R-message; the codec turns it
 * into bytes and back.  Decoded strings and data point into the frame they
 * came from (counted, never NUL-terminated in place), so a decoded fcall
 * lives no longer than its buffer. */
#ifndef VFSD_P9_H
#define VFSD_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types (reference §1.2). */
enum p9_type {
	P9_TLERROR = 6, P9_RLERROR = 7,
	P9_TSTATFS = 8, P9_RSTATFS = 9,
	P9_TLOPEN = 12, P9_RLOPEN = 13,
	P9_TLCREATE = 14, P9_RLCREATE = 15,
	P9_TSYMLINK = 16, P9_RSYMLINK = 17,
	P9_TMKNOD = 18, P9_RMKNOD = 19,
	P9_TRENAME = 20, P9_RRENAME = 21,
	P9_TREADLINK = 22, P9_RREADLINK = 23,
	P9_TGETATTR = 24, P9_RGETATTR = 25,
	P9_TSETATTR = 26, P9_RSETATTR = 27,
	P9_TXATTRWALK = 30, P9_RXATTRWALK = 31,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE = 33,
	P9_TREADDIR = 40, P9_RREADDIR = 41,
	P9_TFSYNC = 50, P9_RFSYNC = 51,
	P9_TLOCK = 52, P9_RLOCK = 53,
	P9_TGETLOCK = 54, P9_RGETLOCK = 55,
	P9_TLINK = 70, P9_RLINK = 71,
	P9_TMKDIR = 72, P9_RMKDIR = 73,
	P9_TRENAMEAT = 74, P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76, P9_RUNLINKAT = 77,
	P9_TVERSION = 100, P9_RVERSION = 101,
	P9_TAUTH = 102, P9_RAUTH = 103,
	P9_TATTACH = 104, P9_RATTACH = 105,
	P9_TFLUSH = 108, P9_RFLUSH = 109,
	P9_TWALK = 110, P9_RWALK = 111,
	P9_TREAD = 116, P9_RREAD = 117,
	P9_TWRITE = 118, P9_RWRITE = 119,
	P9_TCLUNK = 120, P9_RCLUNK = 121,
	P9_TREMOVE = 122, P9_RREMOVE = 123,
};

#define P9_HDRSZ	7		/* size[4] type[1] tag[2] */
#define P9_IOHDRSZ	24		/* Linux sizes data as msize - 24 */
#define P9_NOTAG	0xffffu
#define P9_NOFID	0xffffffffu
#define P9_NONUNAME	0xffffffffu
#define P9_MAXWELEM	16
#define P9_MSIZE_MIN	4096u
#define P9_MSIZE_MAX	1048576u
#define P9_GETATTR_BODY	153
#define P9_STATFS_BODY	60
#define P9_DIRENT_HDR	24		/* qid[13] offset[8] type[1] len[2] */
#define P9_XATTR_MAX	65536

/* qid.type bits */
#define P9_QTDIR	0x80
#define P9_QTSYMLINK	0x02
#define P9_QTFILE	0x00

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_BASIC	0x7ffull
#define P9_GETATTR_GEN		0x1000ull

/* Tsetattr valid bits */
#define P9_SETATTR_MODE		0x001
#define P9_SETATTR_UID		0x002
#define P9_SETATTR_GID		0x004
#define P9_SETATTR_SIZE		0x008
#define P9_SETATTR_ATIME	0x010
#define P9_SETATTR_MTIME	0x020
#define P9_SETATTR_CTIME	0x040
#define P9_SETATTR_ATIME_SET	0x080
#define P9_SETATTR_MTIME_SET	0x100

/* Tlopen/Tlcreate access mode and the flags the server looks at */
#define P9_O_ACCMODE	03
#define P9_O_WRONLY	01
#define P9_O_RDWR	02
#define P9_O_TRUNC	01000
#define P9_O_APPEND	02000

/* locks */
#define P9_LOCK_RDLCK	0
#define P9_LOCK_WRLCK	1
#define P9_LOCK_UNLCK	2
#define P9_LOCK_FLAG_BLOCK	1
#define P9_LOCK_FLAG_RECLAIM	2
#define P9_LOCK_SUCCESS	0
#define P9_LOCK_BLOCKED	1
#define P9_LOCK_ERROR	2
#define P9_LOCK_GRACE	3

#define P9_XATTR_CREATE		1
#define P9_XATTR_REPLACE	2
#define P9_AT_REMOVEDIR		0x200

struct p9_str {
	uint16_t len;
	const char *s;		/* not NUL-terminated */
};

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_attr {		/* Rgetattr body after valid and qid */
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec, btime_sec, btime_nsec;
	uint64_t gen, data_version;
};

struct p9_statfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

struct p9_lockreq {		/* Tlock, Tgetlock, Rgetlock */
	uint32_t fid;
	uint8_t type;
	uint32_t flags;		/* Tlock only */
	uint64_t start, length;
	uint32_t proc_id;
	struct p9_str client_id;
};

struct p9_fcall {
	uint8_t type;
	uint16_t tag;
	union {
		struct { uint32_t ecode; } rlerror;
		struct { uint32_t msize; struct p9_str version; } version;
		struct { uint32_t afid; struct p9_str uname, aname;
			uint32_t n_uname; } tauth;
		struct { uint32_t fid, afid; struct p9_str uname, aname;
			uint32_t n_uname; } tattach;
		struct { struct p9_qid qid; } rqid;	/* Rauth Rattach
							 * Rsymlink Rmknod Rmkdir */
		struct { uint16_t oldtag; } tflush;
		struct { uint32_t fid, newfid; uint16_t nwname;
			struct p9_str wname[P9_MAXWELEM]; } twalk;
		struct { uint16_t nwqid;
			struct p9_qid wqid[P9_MAXWELEM]; } rwalk;
		struct { uint32_t fid; } tfid;	/* Tstatfs Treadlink Tclunk
						 * Tremove */
		struct p9_statfs rstatfs;
		struct { uint32_t fid, flags; } tlopen;
		struct { struct p9_qid qid; uint32_t iounit; } ropen;
						/* Rlopen Rlcreate */
		struct { uint32_t fid; struct p9_str name; uint32_t flags,
			mode, gid; } tlcreate;
		struct { uint32_t fid; struct p9_str name, symtgt;
			uint32_t gid; } tsymlink;
		struct { uint32_t dfid; struct p9_str name; uint32_t mode,
			major, minor, gid; } tmknod;
		struct { uint32_t fid, dfid; struct p9_str name; } trename;
		struct { struct p9_str target; } rreadlink;
		struct { uint32_t fid; uint64_t request_mask; } tgetattr;
		struct { uint64_t valid; struct p9_qid qid;
			struct p9_attr a; } rgetattr;
		struct { uint32_t fid, valid, mode, uid, gid; uint64_t size,
			atime_sec, atime_nsec, mtime_sec, mtime_nsec; } tsetattr;
		struct { uint32_t fid, newfid; struct p9_str name; } txattrwalk;
		struct { uint64_t size; } rxattrwalk;
		struct { uint32_t fid; struct p9_str name; uint64_t attr_size;
			uint32_t flags; } txattrcreate;
		struct { uint32_t fid; uint64_t offset; uint32_t count; } tread;
						/* Tread Treaddir */
		struct { uint32_t count; const uint8_t *data; } rread;
						/* Rread Rreaddir */
		struct { uint32_t fid, datasync; } tfsync;
		struct p9_lockreq lock;		/* Tlock Tgetlock Rgetlock */
		struct { uint8_t status; } rlock;
		struct { uint32_t dfid, fid; struct p9_str name; } tlink;
		struct { uint32_t dfid; struct p9_str name; uint32_t mode,
			gid; } tmkdir;
		struct { uint32_t olddirfid; struct p9_str oldname;
			uint32_t newdirfid; struct p9_str newname; } trenameat;
		struct { uint32_t dirfid; struct p9_str name;
			uint32_t flags; } tunlinkat;
		struct { uint32_t fid; uint64_t offset; uint32_t count;
			const uint8_t *data; } twrite;
		struct { uint32_t count; } rwrite;
	} u;
};

/* A directory entry inside Rreaddir data. */
struct p9_dirent {
	struct p9_qid qid;
	uint64_t offset;
	uint8_t type;
	struct p9_str name;
};

/* p9_codec.c */
/* Encode f into buf; returns the message size or -EMSGSIZE if it does not
 * fit in cap, -EINVAL for an unknown type or bad counts. */
int p9_encode(uint8_t *buf, size_t cap, const struct p9_fcall *f);
/* Decode one whole message of len bytes.  -EBADMSG when the size field
 * disagrees with len or a field runs past the end or past its bounds;
 * -EOPNOTSUPP for a well-framed message of a type the codec does not
 * know (type and tag are still filled in). */
int p9_decode(const uint8_t *buf, size_t len, struct p9_fcall *f);
/* Read the 7-byte header. */
void p9_peek_header(const uint8_t *hdr, uint32_t *size, uint8_t *type,
    uint16_t *tag);
uint32_t p9_peek_size(const uint8_t *hdr);
/* Append one directory entry at buf+*off (cap bytes in all); returns 0 or
 * -ENOSPC when it does not fit whole. */
int p9_dirent_put(uint8_t *buf, size_t cap, size_t *off,
    const struct p9_dirent *d);
/* Parse the entry at buf+*off; returns 1 and advances, 0 at the end, or
 * -EBADMSG for a malformed entry. */
int p9_dirent_get(const uint8_t *buf, size_t len, size_t *off,
    struct p9_dirent *d);
bool p9_is_tmsg(uint8_t type);
const char *p9_type_name(uint8_t type);
struct p9_str p9_cstr(const char *s);

#endif
