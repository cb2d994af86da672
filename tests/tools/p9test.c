/* p9test.c - a 9P2000.L client that checks vfsd's answers to the tricky
 * cases: msize caps, unknown types, partial walks, clones of open fids,
 * files renamed or unlinked while open, xattr commit at clunk, lock
 * conflicts and flush ordering, and attributes that stay right when the
 * frontend answers Tgetattr itself.
 *
 * usage: p9test SOCKET EXPORT_DIR   (prints TAP; run as root so it can
 * prepare and inspect the export on the host side)
 * P9TEST_MODEL names the security model; P9TEST_HELPER_PID, if set, lets
 * the attribute tests stop the helper to prove the frontend answers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "frontend/p9.h"

static int ntest, nfail;
static const char *sockpath, *export;
static uint8_t rbuf[P9_MSIZE_MAX + 64];

static void
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		nfail++;
}

static int
dial(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("connect");
		exit(1);
	}
	return s;
}

static void
send_msg(int s, const struct p9_fcall *f)
{
	uint8_t buf[70000];
	int n = p9_encode(buf, sizeof(buf), f);

	if (n < 0 || write(s, buf, (size_t)n) != n) {
		fprintf(stderr, "send failed\n");
		exit(1);
	}
}

/* Receive one reply within ms; returns 0, or -1 on timeout / close. */
static int
recv_msg(int s, struct p9_fcall *f, int ms)
{
	size_t got = 0, want = 4;
	struct pollfd p = { .fd = s, .events = POLLIN };

	while (got < want) {
		if (poll(&p, 1, ms) <= 0)
			return -1;
		ssize_t k = read(s, rbuf + got, want - got);
		if (k <= 0)
			return -1;
		got += (size_t)k;
		if (got == 4) {
			want = p9_peek_size(rbuf);
			if (want < 7 || want > sizeof(rbuf))
				return -1;
		}
	}
	return p9_decode(rbuf, want, f) == 0 ? 0 : -1;
}

static uint16_t next_tag = 1;

/* One request, one reply; returns the reply type (0 on failure), and
 * *err the Rlerror code. */
static int
rpc(int s, struct p9_fcall *t, struct p9_fcall *r)
{
	t->tag = next_tag++ % 60000;
	send_msg(s, t);
	if (recv_msg(s, r, 5000) < 0 || r->tag != t->tag)
		return 0;
	return r->type;
}

static int
err_of(const struct p9_fcall *r)
{
	return r->type == P9_RLERROR ? (int)r->u.rlerror.ecode : 0;
}

static uint32_t
version(int s, uint32_t msize, const char *v, char *out)
{
	struct p9_fcall t = { .type = P9_TVERSION }, r;

	t.u.version.msize = msize;
	t.u.version.version = p9_cstr(v);
	send_msg(s, &t);	/* tag 0 here; NOTAG below */
	if (recv_msg(s, &r, 5000) < 0 || r.type != P9_RVERSION)
		return 0;
	snprintf(out, 32, "%.*s", r.u.version.version.len,
	    r.u.version.version.s);
	return r.u.version.msize;
}

static int
attach(int s, uint32_t fid, const char *uname, uint32_t n_uname)
{
	struct p9_fcall t = { .type = P9_TATTACH }, r;

	t.u.tattach.fid = fid;
	t.u.tattach.afid = P9_NOFID;
	t.u.tattach.uname = p9_cstr(uname);
	t.u.tattach.aname = p9_cstr("");
	t.u.tattach.n_uname = n_uname;
	return rpc(s, &t, &r) == P9_RATTACH ? 0 : err_of(&r) ? err_of(&r) : -1;
}

/* Walk names (a '/'-separated path, "" = clone); returns nwqid or
 * -errno. */
static int
walk(int s, uint32_t fid, uint32_t newfid, const char *path)
{
	struct p9_fcall t = { .type = P9_TWALK }, r;
	char buf[256], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	t.u.twalk.fid = fid;
	t.u.twalk.newfid = newfid;
	for (tok = strtok_r(buf, "/", &save); tok;
	    tok = strtok_r(NULL, "/", &save))
		t.u.twalk.wname[t.u.twalk.nwname++] = p9_cstr(tok);
	if (rpc(s, &t, &r) == P9_RWALK)
		return r.u.rwalk.nwqid;
	return -err_of(&r);
}

static int
simple(int s, struct p9_fcall *t)
{
	struct p9_fcall r;
	int type = rpc(s, t, &r);

	if (type == t->type + 1)
		return 0;
	return type == P9_RLERROR ? -err_of(&r) : -1000;
}

static int
clunk(int s, uint32_t fid)
{
	struct p9_fcall t = { .type = P9_TCLUNK, .u.tfid.fid = fid };

	return simple(s, &t);
}

static int
lopen(int s, uint32_t fid, uint32_t flags)
{
	struct p9_fcall t = { .type = P9_TLOPEN, .u.tlopen = { fid, flags } };

	return simple(s, &t);
}

/* Read into out (NUL-terminated); returns count or -errno. */
static int
readf(int s, uint32_t fid, uint64_t off, uint32_t count, char *out)
{
	struct p9_fcall t = { .type = P9_TREAD }, r;

	t.u.tread.fid = fid;
	t.u.tread.offset = off;
	t.u.tread.count = count;
	if (rpc(s, &t, &r) != P9_RREAD)
		return -err_of(&r);
	if (out) {
		memcpy(out, r.u.rread.data, r.u.rread.count);
		out[r.u.rread.count] = '\0';
	}
	return (int)r.u.rread.count;
}

static int
writef(int s, uint32_t fid, uint64_t off, const char *data)
{
	struct p9_fcall t = { .type = P9_TWRITE }, r;

	t.u.twrite.fid = fid;
	t.u.twrite.offset = off;
	t.u.twrite.count = (uint32_t)strlen(data);
	t.u.twrite.data = (const uint8_t *)data;
	if (rpc(s, &t, &r) != P9_RWRITE)
		return -err_of(&r);
	return (int)r.u.rwrite.count;
}

static int
getattr(int s, uint32_t fid, struct p9_fcall *r)
{
	struct p9_fcall t = { .type = P9_TGETATTR };

	t.u.tgetattr.fid = fid;
	t.u.tgetattr.request_mask = 0x3fff;
	if (rpc(s, &t, r) != P9_RGETATTR)
		return -err_of(r);
	return 0;
}

static void
host_write(const char *rel, const char *data)
{
	char p[4096];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", export, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) < 0) {
		perror(p);
		exit(1);
	}
	close(fd);
}

static void
host_path(const char *rel, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", export, rel);
}

static bool
host_exists(const char *rel)
{
	char p[4096];
	struct stat st;

	host_path(rel, p, sizeof(p));
	return lstat(p, &st) == 0;
}

static void
test_version(void)
{
	int s = dial();
	char v[32];
	struct p9_fcall t = { .type = P9_TSTATFS }, r;
	/* Tstat (9P2000 only): the codec cannot even encode it. */
	const uint8_t tstat[] = { 11, 0, 0, 0, 124, 9, 0, 0, 0, 0, 0 };

	ok(version(s, 2 * 1048576, "9P2000.L", v) == 1048576 &&
	    strcmp(v, "9P2000.L") == 0, "msize 2 MiB is capped at 1 MiB");
	ok(version(s, 1000, "9P2000.L", v) && strcmp(v, "unknown") == 0,
	    "msize below 4096 is refused with 'unknown'");
	ok(version(s, 65536, "9P2000.u", v) && strcmp(v, "unknown") == 0,
	    "9P2000.u is refused with 'unknown'");
	ok(version(s, 65536, "9P2000.L", v) == 65536, "msize 65536 agreed");
	ok(write(s, tstat, sizeof(tstat)) == sizeof(tstat) &&
	    recv_msg(s, &r, 5000) == 0 && r.type == P9_RLERROR && r.tag == 9 &&
	    err_of(&r) == EOPNOTSUPP,
	    "unknown T-type (Tstat) gets Rlerror(EOPNOTSUPP)");
	t.type = P9_TAUTH;
	t.u.tauth.afid = 1;
	t.u.tauth.uname = p9_cstr("nobody");
	t.u.tauth.aname = p9_cstr("");
	t.u.tauth.n_uname = P9_NONUNAME;
	ok(rpc(s, &t, &r) == P9_RLERROR && err_of(&r) == ENOENT,
	    "Tauth gets Rlerror(ENOENT): no authentication required");
	t.type = P9_TFLUSH;
	t.u.tflush.oldtag = 4321;
	ok(rpc(s, &t, &r) == P9_RFLUSH, "Tflush of an unknown tag: Rflush");
	ok(attach(s, 0, "nobody", P9_NONUNAME) == 0,
	    "first attach as 'nobody' with n_uname ~0 succeeds");
	ok(attach(s, 1, "", 0) == 0, "per-uid attach (uid 0)");
	ok(getattr(s, 0, &r) == 0 && r.u.rgetattr.qid.type == P9_QTDIR &&
	    (r.u.rgetattr.valid & 0x7ff) == 0x7ff &&
	    p9_peek_size(rbuf) == P9_HDRSZ + P9_GETATTR_BODY,
	    "getattr of the root: 153-byte body, BASIC valid, a directory");
	ok(version(s, 8192, "9P2000.L", v) == 8192 && getattr(s, 0, &r) ==
	    -EBADF, "Tversion resets the session (fid 0 is gone)");
	close(s);
}

static int
session(uint32_t msize)
{
	int s = dial();
	char v[32];

	if (version(s, msize, "9P2000.L", v) != msize ||
	    attach(s, 0, "nobody", P9_NONUNAME) != 0 ||
	    attach(s, 1, "", 0) != 0) {
		printf("Bail out! cannot start a session\n");
		exit(1);
	}
	return s;
}

static void
test_walk(void)
{
	int s = session(65536);
	char p[4096];

	host_path("d", p, sizeof(p));
	mkdir(p, 0755);
	host_write("d/f", "file f\n");
	ok(walk(s, 1, 2, "d/nope/x") == 1,
	    "partial walk answers Rwalk with the qids so far");
	ok(clunk(s, 2) < 0, "and creates no newfid");
	ok(walk(s, 1, 2, "nope") == -ENOENT, "first name missing: ENOENT");
	ok(walk(s, 1, 2, "d/f") == 2, "full two-name walk");
	ok(walk(s, 1, 2, "d") == -EINVAL, "newfid in use: EINVAL");
	ok(walk(s, 1, 3, "d/..") == 2 && walk(s, 3, 3, "..") == 1 &&
	    walk(s, 3, 3, "..") == 1, "walk of '..' (repeatedly) succeeds");
	struct p9_fcall r0, r3;
	ok(getattr(s, 1, &r0) == 0 && getattr(s, 3, &r3) == 0 &&
	    r0.u.rgetattr.qid.path == r3.u.rgetattr.qid.path,
	    "'..' does not leave the export root");
	clunk(s, 3);
	ok(lopen(s, 2, 0) == 0, "lopen d/f");
	ok(walk(s, 2, 4, "") == 0, "clone (nwname 0) from an open fid");
	ok(getattr(s, 4, &r0) == 0 && r0.u.rgetattr.a.size == 7,
	    "clone sees the same file");
	ok(readf(s, 4, 0, 100, NULL) == -EBADF, "the clone is not open");
	ok(lopen(s, 2, 0) == -EINVAL, "opening an open fid again: EINVAL");
	char buf[100];
	ok(readf(s, 2, 0, 100, buf) == 7 && strcmp(buf, "file f\n") == 0,
	    "read through the open fid");
	/* Renamed on the host while open: reads still reach it. */
	char q[4096];
	host_path("d/g", q, sizeof(q));
	host_path("d/f", p, sizeof(p));
	rename(p, q);
	ok(readf(s, 2, 0, 100, buf) == 7 && strcmp(buf, "file f\n") == 0,
	    "read of a file renamed while open");
	ok(getattr(s, 4, &r0) == 0, "getattr on its clone after the rename");
	clunk(s, 2);
	clunk(s, 4);
	close(s);
}

static void
test_unlinked(void)
{
	int s = session(65536);
	struct p9_fcall t = { .type = P9_TLCREATE }, r;
	char buf[100];

	ok(walk(s, 1, 2, "") == 0, "clone the root for lcreate");
	t.u.tlcreate.fid = 2;
	t.u.tlcreate.name = p9_cstr("u");
	t.u.tlcreate.flags = 2;		/* RDWR */
	t.u.tlcreate.mode = 0100644;
	t.u.tlcreate.gid = 0;
	ok(simple(s, &t) == 0, "lcreate u (the fid becomes the open file)");
	ok(writef(s, 2, 0, "hello") == 5, "write 5 bytes");
	ok(walk(s, 2, 3, "") == 0, "clone the open fid");
	t.type = P9_TUNLINKAT;
	t.u.tunlinkat.dirfid = 1;
	t.u.tunlinkat.name = p9_cstr("u");
	t.u.tunlinkat.flags = 0;
	ok(simple(s, &t) == 0, "unlinkat u while open");
	ok(getattr(s, 2, &r) == 0 && r.u.rgetattr.a.nlink == 0 &&
	    r.u.rgetattr.a.size == 5, "getattr of the unlinked open file");
	ok(readf(s, 2, 0, 100, buf) == 5 && strcmp(buf, "hello") == 0,
	    "read of the unlinked file");
	ok(writef(s, 2, 5, " world") == 6 && getattr(s, 3, &r) == 0 &&
	    r.u.rgetattr.a.size == 11,
	    "write to it; its clone sees the new size");
	t.type = P9_TSETATTR;
	memset(&t.u, 0, sizeof(t.u));
	t.u.tsetattr.fid = 3;
	t.u.tsetattr.valid = P9_SETATTR_SIZE;
	t.u.tsetattr.size = 2;
	ok(simple(s, &t) == 0 && getattr(s, 2, &r) == 0 &&
	    r.u.rgetattr.a.size == 2, "truncate it through the clone");
	clunk(s, 2);
	clunk(s, 3);
	close(s);
}

static void
test_xattr(void)
{
	int s = session(65536);
	struct p9_fcall t = { .type = P9_TXATTRCREATE }, r;
	char p[4096], v[16] = "";

	host_write("x", "x");
	host_path("x", p, sizeof(p));
	ok(walk(s, 1, 2, "x") == 1 && walk(s, 2, 3, "") == 0, "walk to x");
	t.u.txattrcreate.fid = 3;
	t.u.txattrcreate.name = p9_cstr("user.test");
	t.u.txattrcreate.attr_size = 3;
	t.u.txattrcreate.flags = 0;
	ok(simple(s, &t) == 0, "xattrcreate user.test size 3");
	ok(writef(s, 3, 0, "abc") == 3, "write the value");
	ok(lgetxattr(p, "user.test", v, sizeof(v)) < 0,
	    "nothing is set before the clunk");
	ok(clunk(s, 3) == 0, "clunk commits");
	ok(lgetxattr(p, "user.test", v, sizeof(v)) == 3 &&
	    memcmp(v, "abc", 3) == 0, "the host file has user.test=abc");
	t.type = P9_TXATTRWALK;
	memset(&t.u, 0, sizeof(t.u));
	t.u.txattrwalk.fid = 2;
	t.u.txattrwalk.newfid = 4;
	t.u.txattrwalk.name = p9_cstr("user.test");
	ok(rpc(s, &t, &r) == P9_RXATTRWALK && r.u.rxattrwalk.size == 3,
	    "xattrwalk reports size 3");
	ok(readf(s, 4, 0, 100, v) == 3 && strcmp(v, "abc") == 0,
	    "and reads abc");
	clunk(s, 4);
	t.u.txattrwalk.name = p9_cstr("user.missing");
	ok(rpc(s, &t, &r) == P9_RLERROR && err_of(&r) == ENODATA,
	    "missing attribute: ENODATA");
	ok(walk(s, 2, 3, "") == 0, "clone again");
	t.type = P9_TXATTRCREATE;
	memset(&t.u, 0, sizeof(t.u));
	t.u.txattrcreate.fid = 3;
	t.u.txattrcreate.name = p9_cstr("user.short");
	t.u.txattrcreate.attr_size = 5;
	ok(simple(s, &t) == 0 && writef(s, 3, 0, "abc") == 3 &&
	    clunk(s, 3) == -EINVAL, "short value: clunk fails with EINVAL");
	ok(clunk(s, 3) == -ENOENT, "and the fid is gone anyway");
	ok(walk(s, 2, 3, "") == 0, "clone again");
	t.u.txattrcreate.name = p9_cstr("user.test");
	t.u.txattrcreate.attr_size = 0;
	t.u.txattrcreate.flags = P9_XATTR_REPLACE;
	ok(simple(s, &t) == 0 && clunk(s, 3) == 0 &&
	    lgetxattr(p, "user.test", v, sizeof(v)) < 0 && errno == ENODATA,
	    "size 0 removes the attribute");
	t.u.txattrcreate.attr_size = 65537;
	ok(simple(s, &t) == -E2BIG, "values over 64 KiB: E2BIG");
	clunk(s, 2);
	close(s);
}

static void
lockmsg(struct p9_fcall *t, uint8_t type, uint32_t fid, uint8_t ltype,
    uint32_t flags)
{
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->u.lock.fid = fid;
	t->u.lock.type = ltype;
	t->u.lock.flags = flags;
	t->u.lock.start = 0;
	t->u.lock.length = 0;
	t->u.lock.proc_id = 42;
	t->u.lock.client_id = p9_cstr("p9test");
}

static void
test_locks(void)
{
	int s = session(65536);
	struct p9_fcall t, r;

	host_write("l", "lock me");
	ok(walk(s, 1, 2, "l") == 1 && lopen(s, 2, 2) == 0 &&
	    walk(s, 1, 3, "l") == 1 && lopen(s, 3, 2) == 0,
	    "two fids open the same file");
	lockmsg(&t, P9_TLOCK, 2, P9_LOCK_WRLCK, 0);
	ok(rpc(s, &t, &r) == P9_RLOCK && r.u.rlock.status == P9_LOCK_SUCCESS,
	    "write lock on fid A");
	lockmsg(&t, P9_TLOCK, 3, P9_LOCK_WRLCK, 0);
	int ty = rpc(s, &t, &r);
	ok(ty == P9_RLOCK && r.u.rlock.status == P9_LOCK_BLOCKED,
	    "conflicting write lock on fid B: BLOCKED (got %d/%d)", ty,
	    ty == P9_RLOCK ? r.u.rlock.status : err_of(&r));
	lockmsg(&t, P9_TGETLOCK, 3, P9_LOCK_UNLCK, 0);
	ok(rpc(s, &t, &r) == P9_RGETLOCK && r.u.lock.type == P9_LOCK_WRLCK,
	    "getlock (UNLCK probe) on B reports A's write lock");
	lockmsg(&t, P9_TGETLOCK, 2, P9_LOCK_UNLCK, 0);
	ok(rpc(s, &t, &r) == P9_RGETLOCK && r.u.lock.type == P9_LOCK_UNLCK,
	    "getlock on A itself: no conflict");
	lockmsg(&t, P9_TLOCK, 3, P9_LOCK_WRLCK, 7);
	ok(rpc(s, &t, &r) == P9_RLERROR && err_of(&r) == EINVAL,
	    "unknown lock flag: EINVAL");

	/* A blocking lock waits in the server; Tflush cancels it and no
	 * Rlock may follow the Rflush. */
	lockmsg(&t, P9_TLOCK, 3, P9_LOCK_WRLCK, P9_LOCK_FLAG_BLOCK);
	t.tag = 500;
	send_msg(s, &t);
	ok(recv_msg(s, &r, 300) < 0, "blocking lock is still waiting");
	struct p9_fcall fl = { .type = P9_TFLUSH, .tag = 501 };
	fl.u.tflush.oldtag = 500;
	send_msg(s, &fl);
	ok(recv_msg(s, &r, 5000) == 0 && r.type == P9_RFLUSH &&
	    r.tag == 501, "Tflush of the blocked lock: Rflush");
	ok(recv_msg(s, &r, 300) < 0, "and no Rlock after the Rflush");

	/* A blocking lock is granted once the holder unlocks. */
	t.tag = 502;
	send_msg(s, &t);
	struct p9_fcall un;
	lockmsg(&un, P9_TLOCK, 2, P9_LOCK_UNLCK, 0);
	un.tag = 503;
	send_msg(s, &un);
	int got_un = 0, got_lock = 0;
	for (int i = 0; i < 2 && recv_msg(s, &r, 5000) == 0; i++) {
		if (r.tag == 503 && r.type == P9_RLOCK)
			got_un = r.u.rlock.status == P9_LOCK_SUCCESS;
		if (r.tag == 502 && r.type == P9_RLOCK)
			got_lock = r.u.rlock.status == P9_LOCK_SUCCESS;
	}
	ok(got_un && got_lock, "unlock on A wakes the blocked lock on B");
	clunk(s, 3);
	lockmsg(&t, P9_TLOCK, 2, P9_LOCK_WRLCK, 0);
	ok(rpc(s, &t, &r) == P9_RLOCK && r.u.rlock.status == P9_LOCK_SUCCESS,
	    "clunk of B released its lock");

	/* More blocked waiters than the connection has workers: the server
	 * keeps answering, and every waiter gets the lock in turn. */
	enum { NW = 48 };
	int opened = 0;
	for (int i = 0; i < NW; i++)
		if (walk(s, 1, 100 + i, "l") == 1 && lopen(s, 100 + i, 2) == 0)
			opened++;
	for (int i = 0; i < NW; i++) {
		lockmsg(&t, P9_TLOCK, 100 + i, P9_LOCK_WRLCK,
		    P9_LOCK_FLAG_BLOCK);
		t.tag = (uint16_t)(2000 + i);
		send_msg(s, &t);
	}
	struct p9_fcall ga = { .type = P9_TGETATTR, .tag = 2999 };
	ga.u.tgetattr.fid = 1;
	ga.u.tgetattr.request_mask = 0x7ff;
	send_msg(s, &ga);
	int got_ga = 0;
	while (recv_msg(s, &r, 2000) == 0)
		if (r.tag == 2999 && r.type == P9_RGETATTR) {
			got_ga = 1;
			break;
		}
	ok(opened == NW && got_ga, "with %d blocked locks parked the "
	    "connection still answers", NW);
	lockmsg(&un, P9_TLOCK, 2, P9_LOCK_UNLCK, 0);
	un.tag = 3000;
	send_msg(s, &un);
	int granted = 0;
	while (granted < NW && recv_msg(s, &r, 5000) == 0) {
		if (r.tag >= 2000 && r.tag < 2000 + NW && r.type == P9_RLOCK &&
		    r.u.rlock.status == P9_LOCK_SUCCESS) {
			granted++;
			lockmsg(&un, P9_TLOCK, 100 + (r.tag - 2000),
			    P9_LOCK_UNLCK, 0);
			un.tag = (uint16_t)(3001 + (r.tag - 2000));
			send_msg(s, &un);
		}
	}
	ok(granted == NW, "all %d waiters were granted the lock in turn "
	    "(%d)", NW, granted);
	while (recv_msg(s, &r, 300) == 0)
		;
	for (int i = 0; i < NW; i++)
		clunk(s, 100 + i);
	clunk(s, 2);
	close(s);
}

/* Tread and an immediate Tflush for it: the read's reply may come first,
 * or not at all, but never after the Rflush. */
static void
test_flush_order(void)
{
	int s = session(65536), bad = 0, flushed = 0;
	struct p9_fcall t = { .type = P9_TREAD }, fl = { .type = P9_TFLUSH },
	    r;

	host_write("big", "0123456789");
	walk(s, 1, 2, "big");
	lopen(s, 2, 0);
	for (int i = 0; i < 200; i++) {
		t.tag = 600;
		t.u.tread = (typeof(t.u.tread)){ 2, 0, 10 };
		fl.tag = 601;
		fl.u.tflush.oldtag = 600;
		send_msg(s, &t);
		send_msg(s, &fl);
		int seen_flush = 0, seen_read = 0;
		while (!seen_flush && recv_msg(s, &r, 5000) == 0) {
			if (r.tag == 600)
				seen_read = 1;
			if (r.tag == 601)
				seen_flush = 1;
		}
		if (!seen_flush)
			bad++;
		if (!seen_read)
			flushed++;
		if (recv_msg(s, &r, 5) == 0)
			bad++;		/* something after Rflush */
	}
	ok(bad == 0, "200 read+flush pairs: never a reply after Rflush "
	    "(%d reads were dropped)", flushed);
	clunk(s, 2);
	close(s);
}

static void
test_msize_and_readdir(void)
{
	int s = session(8192);
	struct p9_fcall t = { .type = P9_TREAD }, r;
	char big[20000];
	int fd;

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	host_write("huge", big);
	walk(s, 1, 2, "huge");
	lopen(s, 2, 0);
	t.u.tread = (typeof(t.u.tread)){ 2, 0, 100000 };
	ok(rpc(s, &t, &r) == P9_RREAD && r.u.rread.count == 8192 - 24 &&
	    p9_peek_size(rbuf) < 8192, "Tread count over msize is capped");
	clunk(s, 2);
	/* A directory with many entries read in small replies. */
	char p[4096];
	host_path("many", p, sizeof(p));
	mkdir(p, 0755);
	for (int i = 0; i < 300; i++) {
		char n[64];
		snprintf(n, sizeof(n), "many/entry-with-a-longish-name-%03d", i);
		host_write(n, "");
	}
	walk(s, 1, 3, "many");
	ok(lopen(s, 3, 0200000) == 0, "lopen a directory");
	uint64_t off = 0;
	int entries = 0, calls = 0, split = 0, dots = 0, oversize = 0;
	int badtype = 0;
	const char *model = getenv("P9TEST_MODEL");
	bool mapped = model && strncmp(model, "mapped", 6) == 0;
	for (;;) {
		t.type = P9_TREADDIR;
		t.u.tread = (typeof(t.u.tread)){ 3, off, 100000 };
		if (rpc(s, &t, &r) != P9_RREADDIR) {
			split++;
			break;
		}
		calls++;
		if (p9_peek_size(rbuf) >= 8192)
			oversize++;
		if (r.u.rread.count == 0)
			break;
		size_t pos = 0;
		struct p9_dirent d;
		int k;
		while ((k = p9_dirent_get(r.u.rread.data, r.u.rread.count,
		    &pos, &d)) == 1) {
			entries++;
			off = d.offset;
			if (d.name.len > 5 && d.type != (mapped ? 0 : 8))
				badtype++;	/* regular files */
			if ((d.name.len == 1 && d.name.s[0] == '.') ||
			    (d.name.len == 2 && memcmp(d.name.s, "..", 2) == 0))
				dots++;
		}
		if (k < 0)
			split++;
	}
	ok(entries == 302 && dots == 2 && split == 0 && oversize == 0 &&
	    calls > 2, "readdir: %d entries incl. . and .. in %d replies, "
	    "none split, all under msize", entries, calls);
	ok(badtype == 0, "readdir types: %s", mapped ?
	    "DT_UNKNOWN in a mapped model" : "DT_REG for regular files");
	if (model && strcmp(model, "mapped-file") == 0) {
		/* The metadata QEMU keeps beside the files is not the guest's:
		 * by now the host has both names at the export root. */
		int seen = 0;
		walk(s, 1, 5, "");
		lopen(s, 5, 0200000);
		off = 0;
		for (;;) {
			t.u.tread = (typeof(t.u.tread)){ 5, off, 8000 };
			if (rpc(s, &t, &r) != P9_RREADDIR || r.u.rread.count == 0)
				break;
			size_t pos = 0;
			struct p9_dirent d;
			while (p9_dirent_get(r.u.rread.data, r.u.rread.count,
			    &pos, &d) == 1) {
				off = d.offset;
				if (d.name.len >= 16 && memcmp(d.name.s,
				    ".virtfs_metadata", 16) == 0)
					seen++;
			}
		}
		clunk(s, 5);
		ok(host_exists(".virtfs_metadata") && seen == 0,
		    "mapped-file: readdir hides the metadata names");
		ok(walk(s, 1, 5, ".virtfs_metadata") == -EINVAL &&
		    walk(s, 1, 5, ".virtfs_metadata_root") == -EINVAL,
		    "mapped-file: the metadata names cannot be walked");
		t.type = P9_TREADDIR;
	}
	t.u.tread = (typeof(t.u.tread)){ 3, 0, 50 };
	ok(rpc(s, &t, &r) == P9_RREADDIR && r.u.rread.count > 0 &&
	    r.u.rread.count <= 50, "readdir offset 0 rewinds, small count");
	t.u.tread = (typeof(t.u.tread)){ 3, 0, 20 };
	ok(rpc(s, &t, &r) == P9_RLERROR,
	    "a count too small for one entry is an error, not the end");
	clunk(s, 3);
	walk(s, 1, 4, "many");
	t.u.tread = (typeof(t.u.tread)){ 4, 0, 1000 };
	ok(rpc(s, &t, &r) == P9_RLERROR, "readdir on an unopened fid fails");
	clunk(s, 4);
	/* A frame over msize closes this connection only. */
	fd = dial();
	uint8_t bad[16] = { 0xff, 0xff, 0x00, 0x00, P9_TCLUNK, 1, 0 };
	int wr = (int)write(s, bad, 7);
	ok(wr == 7 && recv_msg(s, &r, 2000) < 0,
	    "a frame larger than msize closes the connection");
	close(s);
	char v[32];
	ok(version(fd, 8192, "9P2000.L", v) == 8192 &&
	    attach(fd, 0, "nobody", P9_NONUNAME) == 0,
	    "other connections keep working");
	close(fd);
}


/* The name operations, checked on the host side. */
static void
test_names(void)
{
	int s = session(65536);
	struct p9_fcall t, r;
	char buf[256];

	memset(&t, 0, sizeof(t));
	t.type = P9_TMKDIR;
	t.u.tmkdir.dfid = 1;
	t.u.tmkdir.name = p9_cstr("nd");
	t.u.tmkdir.mode = 040755;
	ok(rpc(s, &t, &r) == P9_RMKDIR && r.u.rqid.qid.type == P9_QTDIR &&
	    host_exists("nd"), "mkdir");
	ok(rpc(s, &t, &r) == P9_RLERROR && err_of(&r) == EEXIST,
	    "mkdir of an existing name: EEXIST");
	t.u.tmkdir.name = p9_cstr("..");
	ok(rpc(s, &t, &r) == P9_RLERROR, "mkdir '..' refused");
	t.u.tmkdir.name = p9_cstr("a/b");
	ok(rpc(s, &t, &r) == P9_RLERROR && err_of(&r) == ENOENT,
	    "a name with '/' refused");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TSYMLINK;
	t.u.tsymlink.fid = 1;
	t.u.tsymlink.name = p9_cstr("sl");
	t.u.tsymlink.symtgt = p9_cstr("some/target");
	ok(rpc(s, &t, &r) == P9_RSYMLINK, "symlink");
	ok(walk(s, 1, 2, "sl") == 1, "walk to the symlink");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TREADLINK;
	t.u.tfid.fid = 2;
	ok(rpc(s, &t, &r) == P9_RREADLINK &&
	    r.u.rreadlink.target.len == 11 &&
	    memcmp(r.u.rreadlink.target.s, "some/target", 11) == 0,
	    "readlink returns the target");
	clunk(s, 2);
	host_write("orig", "data");
	memset(&t.u, 0, sizeof(t.u));
	ok(walk(s, 1, 2, "orig") == 1, "walk to orig");
	t.type = P9_TLINK;
	t.u.tlink.dfid = 1;
	t.u.tlink.fid = 2;
	t.u.tlink.name = p9_cstr("hard");
	ok(simple(s, &t) == 0 && host_exists("hard"), "hard link");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TRENAME;
	t.u.trename.fid = 2;
	t.u.trename.dfid = 1;
	t.u.trename.name = p9_cstr("moved");
	ok(simple(s, &t) == 0 && host_exists("moved") && !host_exists("orig"),
	    "Trename moves the fid's file");
	t.u.trename.name = p9_cstr("moved2");
	ok(simple(s, &t) == 0 && host_exists("moved2") &&
	    !host_exists("moved"), "the fid follows its rename (again)");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TREMOVE;
	t.u.tfid.fid = 2;
	ok(simple(s, &t) == 0 && !host_exists("moved2") &&
	    host_exists("hard"), "Tremove removes the renamed file");
	ok(clunk(s, 2) == -ENOENT, "and the fid is gone");
	/* A fid walked through two names: Tremove needs the directory the
	 * helper handed back for the last name. */
	char p2[4096];
	host_path("sub2", p2, sizeof(p2));
	mkdir(p2, 0755);
	host_write("sub2/deep", "x");
	ok(walk(s, 1, 2, "sub2/deep") == 2, "walk two names to sub2/deep");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TREMOVE;
	t.u.tfid.fid = 2;
	ok(simple(s, &t) == 0 && !host_exists("sub2/deep"),
	    "Tremove of a fid walked through two names");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TRENAMEAT;
	t.u.trenameat.olddirfid = 1;
	t.u.trenameat.oldname = p9_cstr("hard");
	t.u.trenameat.newdirfid = 1;
	t.u.trenameat.newname = p9_cstr("nd");
	ok(simple(s, &t) < 0, "renameat of a file over a directory fails");
	ok(walk(s, 1, 3, "nd") == 1, "walk to nd");
	t.u.trenameat.newdirfid = 3;
	t.u.trenameat.newname = p9_cstr("inside");
	ok(simple(s, &t) == 0 && host_exists("nd/inside"),
	    "renameat into another directory");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TUNLINKAT;
	t.u.tunlinkat.dirfid = 1;
	t.u.tunlinkat.name = p9_cstr("nd");
	t.u.tunlinkat.flags = P9_AT_REMOVEDIR;
	ok(simple(s, &t) == -ENOTEMPTY, "rmdir of a full directory: ENOTEMPTY");
	t.u.tunlinkat.dirfid = 3;
	t.u.tunlinkat.name = p9_cstr("inside");
	t.u.tunlinkat.flags = 0;
	ok(simple(s, &t) == 0 && !host_exists("nd/inside"), "unlinkat");
	t.u.tunlinkat.dirfid = 1;
	t.u.tunlinkat.name = p9_cstr("nd");
	t.u.tunlinkat.flags = P9_AT_REMOVEDIR;
	ok(simple(s, &t) == 0 && !host_exists("nd"), "rmdir");
	clunk(s, 3);
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TMKNOD;
	t.u.tmknod.dfid = 1;
	t.u.tmknod.name = p9_cstr("fifo");
	t.u.tmknod.mode = 010644;
	ok(rpc(s, &t, &r) == P9_RMKNOD && host_exists("fifo"), "mknod fifo");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TSTATFS;
	t.u.tfid.fid = 1;
	ok(rpc(s, &t, &r) == P9_RSTATFS && r.u.rstatfs.bsize > 0 &&
	    p9_peek_size(rbuf) == P9_HDRSZ + P9_STATFS_BODY,
	    "statfs: 60-byte body");
	host_write("syncme", "x");
	walk(s, 1, 2, "syncme");
	memset(&t.u, 0, sizeof(t.u));
	t.type = P9_TFSYNC;
	t.u.tfsync.fid = 2;
	ok(simple(s, &t) == -EBADF, "fsync of an unopened fid: EBADF");
	lopen(s, 2, 2);
	ok(simple(s, &t) == 0, "fsync of an open fid");
	t.u.tfsync.datasync = 1;
	ok(simple(s, &t) == 0, "fdatasync of an open fid");
	ok(writef(s, 2, 0, "hello") == 5 && readf(s, 2, 0, 100, buf) == 5 &&
	    strcmp(buf, "hello") == 0, "write then read back");
	clunk(s, 2);
	close(s);
}

/* Tversion aborts what is in flight (a blocked lock gets no reply) and a
 * tag reused while in flight ends the connection. */
static void
test_reset(void)
{
	int s = session(65536), s2 = session(65536);
	struct p9_fcall t, r;
	char v[32];

	host_write("rl", "x");
	walk(s2, 1, 2, "rl");
	lopen(s2, 2, 2);
	lockmsg(&t, P9_TLOCK, 2, P9_LOCK_WRLCK, 0);
	ok(rpc(s2, &t, &r) == P9_RLOCK && r.u.rlock.status == 0,
	    "another connection holds a lock");
	walk(s, 1, 2, "rl");
	lopen(s, 2, 2);
	lockmsg(&t, P9_TLOCK, 2, P9_LOCK_WRLCK, P9_LOCK_FLAG_BLOCK);
	t.tag = 700;
	send_msg(s, &t);
	ok(recv_msg(s, &r, 300) < 0, "a blocking lock waits for it");
	ok(version(s, 65536, "9P2000.L", v) == 65536 &&
	    r.tag != 700, "Tversion answers while the lock was pending");
	ok(recv_msg(s, &r, 300) < 0, "and the aborted lock never replies");
	clunk(s2, 2);
	close(s2);
	ok(attach(s, 0, "", 0) == 0 && walk(s, 0, 1, "rl") == 1,
	    "the reset session works");
	ok(lopen(s, 1, 2) == 0, "open after the reset");
	lockmsg(&t, P9_TLOCK, 1, P9_LOCK_WRLCK, 0);
	int ty = rpc(s, &t, &r);
	ok(ty == P9_RLOCK && r.u.rlock.status == 0,
	    "lock again after the reset (%d %d)", ty, ty == P9_RLOCK ?
	    r.u.rlock.status : err_of(&r));
	clunk(s, 1);
	close(s);
}

static unsigned seed = 4242;

static uint32_t
rnd(uint32_t n)
{
	return (uint32_t)rand_r(&seed) % n;
}

static struct p9_str
rname(void)
{
	static const char *const names[] = { "", ".", "..", "a", "rl", "x",
	    "many", "a/b", "fz", "fz2", "user.a", "big", "huge" };

	return p9_cstr(names[rnd(sizeof(names) / sizeof(names[0]))]);
}

/* A well-formed request of a random type with random small fids, names,
 * offsets and flags, so that the operations themselves meet nonsense. */
static void
random_request(struct p9_fcall *f)
{
	static const uint8_t types[] = { 8, 12, 14, 16, 18, 20, 22, 24, 26,
	    30, 32, 40, 50, 52, 54, 70, 72, 74, 76, 102, 104, 108, 110, 116,
	    118, 120, 122 };
	static const uint8_t data[64];

	memset(f, 0, sizeof(*f));
	f->type = types[rnd(sizeof(types))];
	uint32_t *w = (uint32_t *)&f->u;
	/* Fill the first fixed fields with small numbers, then fix up the
	 * counted parts per type. */
	for (int i = 0; i < 12; i++)
		w[i] = rnd(4) == 0 ? (uint32_t)rand_r(&seed) : rnd(8);
	switch (f->type) {
	case P9_TLCREATE: f->u.tlcreate.name = rname(); break;
	case P9_TSYMLINK: f->u.tsymlink.name = rname();
		f->u.tsymlink.symtgt = rname(); break;
	case P9_TMKNOD: f->u.tmknod.name = rname();
		f->u.tmknod.mode = rnd(2) ? 010644 : 0100644; break;
	case P9_TRENAME: f->u.trename.name = rname(); break;
	case P9_TXATTRWALK: f->u.txattrwalk.name = rname(); break;
	case P9_TXATTRCREATE: f->u.txattrcreate.name = rname();
		f->u.txattrcreate.attr_size = rnd(70000); break;
	case P9_TREAD: case P9_TREADDIR:
		f->u.tread.offset = rnd(3) ? rnd(100) : (uint64_t)-1 - rnd(2);
		f->u.tread.count = rnd(2) ? rnd(9000) : (uint32_t)-1; break;
	case P9_TWRITE: f->u.twrite.offset = rnd(100);
		f->u.twrite.count = rnd(64); f->u.twrite.data = data; break;
	case P9_TLOCK: case P9_TGETLOCK:
		f->u.lock.client_id = rname();
		f->u.lock.flags &= 3 - 1;	/* never block */
		f->u.lock.start = rnd(100); f->u.lock.length = rnd(100); break;
	case P9_TLINK: f->u.tlink.name = rname(); break;
	case P9_TMKDIR: f->u.tmkdir.name = rname(); break;
	case P9_TRENAMEAT: f->u.trenameat.oldname = rname();
		f->u.trenameat.newname = rname(); break;
	case P9_TUNLINKAT: f->u.tunlinkat.name = rname(); break;
	case P9_TAUTH: f->u.tauth.uname = rname();
		f->u.tauth.aname = rname(); break;
	case P9_TATTACH: f->u.tattach.uname = rname();
		f->u.tattach.aname = rname(); break;
	case P9_TWALK: f->u.twalk.nwname = (uint16_t)rnd(4);
		for (int i = 0; i < f->u.twalk.nwname; i++)
			f->u.twalk.wname[i] = rname();
		break;
	default: break;
	}
}

/* Raw random frames (the codec at the wire), then well-formed requests
 * with random arguments (the operations): the server answers or closes
 * the one connection, never crashes, and keeps serving others. */
static void
test_garbage(void)
{
	int closed = 0, answered = 0, s = session(8192);
	struct p9_fcall r, t;

	for (int i = 0; i < 1000; i++) {
		uint8_t f[200];
		size_t len = 7 + rnd(150);
		for (size_t k = 7; k < len; k++)
			f[k] = (uint8_t)(rnd(5) == 0 ? rnd(256) : rnd(4));
		f[0] = (uint8_t)len; f[1] = f[2] = f[3] = 0;
		f[4] = (uint8_t)rnd(256);
		if (f[4] == P9_TVERSION || f[4] == P9_TLOCK)
			f[4] = P9_TCLUNK;	/* keep the session; no waits */
		f[5] = (uint8_t)i; f[6] = 0x10;
		if (write(s, f, len) != (ssize_t)len ||
		    recv_msg(s, &r, 3000) < 0) {
			closed++;
			close(s);
			s = session(8192);
		}
	}
	ok(closed > 0 && closed <= 1000, "1000 raw random frames: %d "
	    "closed their connection, the rest were answered", closed);
	closed = 0;
	for (int i = 0; i < 5000; i++) {
		random_request(&t);
		t.tag = (uint16_t)(i & 0x7fff);
		send_msg(s, &t);
		if (recv_msg(s, &r, 3000) < 0 || r.tag != t.tag) {
			closed++;
			close(s);
			s = session(8192);
			continue;
		}
		answered++;
	}
	close(s);
	ok(answered == 5000, "5000 well-formed requests with random "
	    "arguments: %d answered, %d lost", answered, closed);
	s = session(8192);
	ok(getattr(s, 0, &r) == 0, "the server still serves afterwards");
	close(s);
}

/* ---- attributes the frontend serves from a node descriptor ---- */

static int
setattr_fid(int s, uint32_t fid, uint32_t valid, uint32_t mode, uint32_t uid,
    uint32_t gid, uint64_t size)
{
	struct p9_fcall t = { .type = P9_TSETATTR };

	t.u.tsetattr.fid = fid;
	t.u.tsetattr.valid = valid;
	t.u.tsetattr.mode = mode;
	t.u.tsetattr.uid = uid;
	t.u.tsetattr.gid = gid;
	t.u.tsetattr.size = size;
	return simple(s, &t);
}

struct want { uint32_t mode, uid, gid; uint64_t size; };

/* Tgetattr of fid shows exactly w (permission bits, owner, size). */
static bool
attr_is(int s, uint32_t fid, const struct want *w)
{
	struct p9_fcall r;

	if (getattr(s, fid, &r) != 0)
		return false;
	if ((r.u.rgetattr.a.mode & 07777) != w->mode ||
	    r.u.rgetattr.a.uid != w->uid || r.u.rgetattr.a.gid != w->gid ||
	    r.u.rgetattr.a.size != w->size) {
		printf("# got mode %o uid %u gid %u size %llu, want %o %u %u "
		    "%llu\n", r.u.rgetattr.a.mode & 07777,
		    r.u.rgetattr.a.uid, r.u.rgetattr.a.gid,
		    (unsigned long long)r.u.rgetattr.a.size, w->mode, w->uid,
		    w->gid, (unsigned long long)w->size);
		return false;
	}
	return true;
}

/* Change the guest-visible identity of rel behind the server's back, the
 * way each model stores it. */
static void
host_identity(const char *model, const char *rel, const struct want *w)
{
	char p[4096];

	host_path(rel, p, sizeof(p));
	if (strcmp(model, "mapped-xattr") == 0) {
		uint32_t v[3] = { w->uid, w->gid, 0100000 | w->mode };
		const char *k[3] = { "user.virtfs.uid", "user.virtfs.gid",
		    "user.virtfs.mode" };
		for (int i = 0; i < 3; i++) {
			uint8_t le[4] = { (uint8_t)v[i], (uint8_t)(v[i] >> 8),
			    (uint8_t)(v[i] >> 16), (uint8_t)(v[i] >> 24) };
			if (lsetxattr(p, k[i], le, 4, 0) != 0)
				perror("lsetxattr");
		}
	} else if (strcmp(model, "mapped-file") == 0) {
		char m[4096], text[128];
		int fd;

		snprintf(m, sizeof(m), "%s/.virtfs_metadata/%s", export, rel);
		snprintf(text, sizeof(text), "virtfs.uid=%u\nvirtfs.gid=%u\n"
		    "virtfs.mode=%u\n", w->uid, w->gid, 0100000 | w->mode);
		fd = open(m, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, text, strlen(text)) < 0)
			perror(m);
		if (fd >= 0)
			close(fd);
	} else if (chmod(p, w->mode) != 0 || chown(p, w->uid, w->gid) != 0)
		perror(p);
}

/* With the helper stopped, only an answer from the frontend can come. */
static bool
answered_without_helper(int s, uint32_t fid, pid_t helper)
{
	struct p9_fcall r;
	int rc;

	kill(helper, SIGSTOP);
	rc = getattr(s, fid, &r);
	kill(helper, SIGCONT);
	return rc == 0;
}

static void
test_attr_fresh(void)
{
	const char *model = getenv("P9TEST_MODEL");
	const char *hp = getenv("P9TEST_HELPER_PID");
	int s = session(65536);
	struct want w = { 0644, 0, 0, 5 };
	struct timespec tick = { 0, 30 * 1000 * 1000 };
	char p[4096];
	bool good = true;

	if (model == NULL)
		model = "passthrough";
	host_write("fa", "hello");
	host_path("fa", p, sizeof(p));
	chmod(p, 0644);
	ok(walk(s, 1, 10, "fa") == 1 && walk(s, 1, 11, "fa") == 1,
	    "attr: two fids on fa");
	ok(setattr_fid(s, 11, 0x7, 0644, 0, 0, 0) == 0 && attr_is(s, 10, &w),
	    "attr: getattr matches after setup");
	nanosleep(&tick, NULL);
	ok(attr_is(s, 10, &w) && attr_is(s, 10, &w),
	    "attr: repeated getattr of an unchanged file");
	if (hp && strcmp(model, "mapped-file") != 0)
		ok(answered_without_helper(s, 10, (pid_t)atoi(hp)),
		    "attr: getattr is answered with the helper stopped");
	w.mode = 0600;
	ok(setattr_fid(s, 11, 0x1, 0600, 0, 0, 0) == 0 && attr_is(s, 10, &w),
	    "attr: chmod through another fid is seen");
	w.uid = 1234, w.gid = 5678;
	ok(setattr_fid(s, 11, 0x6, 0, 1234, 5678, 0) == 0 &&
	    attr_is(s, 10, &w), "attr: chown through another fid is seen");
	w.size = 3;
	ok(setattr_fid(s, 11, 0x8, 0, 0, 0, 3) == 0 && attr_is(s, 10, &w),
	    "attr: truncate through another fid is seen");
	nanosleep(&tick, NULL);
	attr_is(s, 10, &w);	/* a trusted answer is stored again */
	struct p9_fcall t = { .type = P9_TXATTRCREATE };
	t.u.txattrcreate.name = p9_cstr("user.fresh");
	t.u.txattrcreate.attr_size = 1;
	walk(s, 10, 12, "");
	t.u.txattrcreate.fid = 12;
	ok(simple(s, &t) == 0 && writef(s, 12, 0, "y") == 1 &&
	    clunk(s, 12) == 0 && attr_is(s, 10, &w),
	    "attr: setxattr through another fid keeps the identity");
	struct p9_fcall rn = { .type = P9_TRENAMEAT };
	rn.u.trenameat = (typeof(rn.u.trenameat)){ 1, p9_cstr("fa"), 1,
	    p9_cstr("fb") };
	ok(simple(s, &rn) == 0 && attr_is(s, 10, &w),
	    "attr: rename through another fid keeps them");
	w.mode = 0612, w.uid = 4321, w.gid = 8765;
	nanosleep(&tick, NULL);
	attr_is(s, 10, &(struct want){ 0600, 1234, 5678, 3 });
	host_identity(model, "fb", &w);
	ok(attr_is(s, 10, &w), "attr: identity changed on the host is seen");
	host_path("fb", p, sizeof(p));
	ok(truncate(p, 7) == 0 && (w.size = 7, attr_is(s, 10, &w)),
	    "attr: truncate on the host is seen");
	char q[4096];
	host_path("fc", q, sizeof(q));
	if (strcmp(model, "mapped-file") == 0) {
		/* There the identity lives under the name: move it along. */
		char mp[4096], mq[4096];
		snprintf(mp, sizeof(mp), "%s/.virtfs_metadata/fb", export);
		snprintf(mq, sizeof(mq), "%s/.virtfs_metadata/fc", export);
		rename(mp, mq);
	}
	ok(rename(p, q) == 0 && attr_is(s, 10, &w),
	    "attr: rename on the host keeps them");
	/* Changes closer together than the kernel's timestamp tick: each
	 * must be seen, whether it came through vfsd or the host. */
	for (int i = 0; i < 60 && good; i++) {
		w.mode = 0600 | (uint32_t)(i % 8) << 3;
		w.uid = 1000 + (uint32_t)i;
		if (i % 2)
			good = setattr_fid(s, 11, 0x3, w.mode, w.uid, 0, 0) ==
			    0 && attr_is(s, 10, &w);
		else {
			host_identity(model, "fc", &w);
			good = attr_is(s, 10, &w);
		}
		if (!good)
			printf("# round %d (%s)\n", i, i % 2 ? "9P" : "host");
		/* Now and then let a tick pass, so that the next answer
		 * is one the frontend may keep. */
		if (i % 3 == 2 && good) {
			nanosleep(&tick, NULL);
			good = attr_is(s, 10, &w) && attr_is(s, 10, &w);
		}
	}
	ok(good, "attr: 60 changes within timestamp ticks are all seen");
	clunk(s, 10);
	clunk(s, 11);
	close(s);
}

/* A write by a guest user other than root drops setuid, and setgid when
 * the group may execute, as the kernel's file_remove_privs() does; in the
 * (and setgid without group execute when the writer is not in the file's
 * group, as Linux since 6.2 does); in the
 * mapped models the frontend must do it (the mode lives in the helper's
 * metadata), in passthrough the host kernel does.  Guest root keeps the
 * bits in the mapped models (CAP_FSETID); passthrough's writes are the
 * frontend's own, which has no CAP_FSETID, so there they go too. */
static void
test_killpriv(void)
{
	const char *model = getenv("P9TEST_MODEL");
	bool mapped = model && strncmp(model, "mapped", 6) == 0;
	int s = session(65536);

	ok(attach(s, 2, "", 1000) == 0, "killpriv: attach as uid 1000");
	host_write("kp1", "hello");
	host_write("kp2", "hello");
	host_write("kp3", "hello");
	ok(walk(s, 1, 20, "kp1") == 1 && walk(s, 1, 21, "kp2") == 1 &&
	    walk(s, 1, 22, "kp3") == 1 &&
	    setattr_fid(s, 20, 0x1, 06777, 0, 0, 0) == 0 &&
	    setattr_fid(s, 21, 0x1, 06767, 0, 0, 0) == 0 &&
	    setattr_fid(s, 22, 0x1, 06777, 0, 0, 0) == 0 &&
	    attr_is(s, 20, &(struct want){ 06777, 0, 0, 5 }),
	    "killpriv: root-owned setuid+setgid files");
	ok(walk(s, 2, 30, "kp1") == 1 && lopen(s, 30, 1) == 0 &&
	    attr_is(s, 20, &(struct want){ 06777, 0, 0, 5 }),
	    "killpriv: an open for writing alone keeps the bits");
	ok(writef(s, 30, 0, "x") == 1 &&
	    attr_is(s, 20, &(struct want){ 0777, 0, 0, 5 }),
	    "killpriv: uid 1000's write drops setuid and setgid (g+x)");
	ok(writef(s, 30, 1, "y") == 1 &&
	    attr_is(s, 20, &(struct want){ 0777, 0, 0, 5 }),
	    "killpriv: a second write leaves the mode alone");
	ok(walk(s, 2, 31, "kp2") == 1 && lopen(s, 31, 2) == 0 &&
	    writef(s, 31, 0, "x") == 1 &&
	    attr_is(s, 21, &(struct want){ 0767, 0, 0, 5 }),
	    "killpriv: setgid without group execute goes too when the writer "
	    "is not in the file's group");
	ok(walk(s, 1, 32, "kp3") == 1 && lopen(s, 32, 1) == 0 &&
	    writef(s, 32, 0, "x") == 1 &&
	    attr_is(s, 22, &(struct want){ mapped ? 06777 : 0777, 0, 0, 5 }),
	    "killpriv: guest root's write %s", mapped ?
	    "keeps the bits (CAP_FSETID)" : "drops them (host kernel)");
	for (uint32_t f = 20; f <= 32; f++)
		clunk(s, f);
	close(s);
}

/* More walked fids than the frontend keeps node descriptors for (half
 * its RLIMIT_NOFILE): every one still answers Tgetattr, and files can
 * still be opened afterwards. */
static void
test_many_fids(void)
{
	int s = session(65536), n = 0, got = 0, opened = 0;
	struct rlimit rl;
	struct p9_fcall r;

	host_write("many-fids", "x");
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur > 50000)
		rl.rlim_cur = 50000;
	n = (int)(rl.rlim_cur * 6 / 10);
	for (int i = 0; i < n; i++)
		if (walk(s, 1, 100 + (uint32_t)i, "many-fids") == 1 &&
		    getattr(s, 100 + (uint32_t)i, &r) == 0)
			got++;
	ok(got == n, "%d walked fids (more than the descriptor budget) all "
	    "answer getattr (%d)", n, got);
	for (int i = 0; i < 50; i++)
		if (lopen(s, 100 + (uint32_t)i, 0) == 0)
			opened++;
	ok(opened == 50, "and 50 of them still open (%d)", opened);
	ok(getattr(s, 100 + (uint32_t)n - 1, &r) == 0 &&
	    getattr(s, 100, &r) == 0, "getattr of the first and last");
	close(s);	/* the connection's fids go with it */
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: p9test SOCKET EXPORT_DIR\n");
		return 2;
	}
	sockpath = argv[1];
	export = argv[2];
	test_version();
	test_walk();
	test_unlinked();
	test_names();
	test_xattr();
	test_attr_fresh();
	test_killpriv();
	test_many_fids();
	test_locks();
	test_flush_order();
	test_reset();
	test_msize_and_readdir();
	test_garbage();
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
