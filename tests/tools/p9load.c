/* p9load.c - a multi-threaded 9P2000.L load client for the benchmarks.
 *
 *   p9load -s ADDR [-a ANAME] [-m MSIZE] [-n THREADS] [-d SECS | -o OPS]
 *          [-w MODE] [-f PATH] [-S] [-N FIDS] [-z BYTES]
 *
 * ADDR is tcp:HOST:PORT, HOST:PORT or unix:/path.  Each thread has its
 * own connection unless -S (all threads share one connection; a receiver
 * thread hands each reply to the thread whose tag it carries).  Modes:
 *
 *   getattr   Tgetattr again and again on one walked fid (diodload -g)
 *   walkstat  Twalk root->PATH, Tgetattr, Tclunk          (default)
 *   create    Tlcreate in dir PATH, 4 KiB Twrite, Tclunk, Tunlinkat
 *             (Twalk + Tremove when the server lacks Tunlinkat, as diod)
 *   readdir   Tlopen dir PATH, Treaddir to the end, Tclunk (one op)
 *   read      sequential msize reads of file PATH, wrapping at EOF;
 *             with -q N, N reads in flight on the connection (a
 *             client's read-ahead), each reply answered by the next read
 *   write     sequential msize writes to a new file in dir PATH,
 *             wrapping after -z bytes; the file is removed at the end
 *   fids      one thread walks -N clones of the root fid and keeps them
 *   idle      open THREADS connections, attach, print "ready", sleep
 *
 * It uses the project's codec (frontend/p9.h), never a second one.  The
 * last line of output is machine-readable key=value pairs; the exit
 * status is 0 only when no operation failed. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frontend/p9.h"

#define ROOTFID		1u
#define WORKFID		2u
#define TWRITE_HDR	23	/* size type tag fid offset count */
#define MAXTHREADS	1024

enum mode { M_GETATTR, M_WALKSTAT, M_CREATE, M_READDIR, M_READ, M_WRITE,
	M_FIDS, M_IDLE };

struct opts {
	const char *addr, *aname, *path;
	uint32_t msize;
	int threads;
	double secs;
	uint64_t ops;		/* per thread; 0 = run for secs */
	enum mode mode;
	bool shared;
	uint32_t nfids;
	uint64_t wrap;
	int depth;		/* -q: reads in flight per connection */
};

struct slot {			/* a reply waiting for its thread (-S) */
	pthread_mutex_t m;
	pthread_cond_t cv;
	uint8_t *buf;
	size_t len;
	bool ready;
};

struct conn {
	int fd;
	uint32_t msize;
	bool shared;
	pthread_mutex_t wlock;
	pthread_t rx;
	struct slot *slots;	/* indexed by tag when shared */
	int nslots;
	atomic_int dead;	/* receiver saw EOF or an error (-errno) */
};

struct worker {
	const struct opts *o;
	struct conn *c;
	pthread_t th;
	int id;
	uint16_t tag;
	uint8_t *tx, *rx;
	uint32_t fidbase;
	uint64_t ops, bytes, rpcs, errors, entries;
	uint64_t off, start;		/* read/write position, read start */
	uint64_t size;			/* read: the file's size */
	uint64_t cookie;		/* last Treaddir offset seen */
	bool no_unlinkat;
	char err[160];
};

static atomic_bool stop_flag;
static atomic_int ready_count;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- transport ---- */

static int
dial_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int
dial_tcp(const char *hostport)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	int fd, one = 1;

	if (colon == NULL || (size_t)(colon - hostport) >= sizeof(host))
		return -EINVAL;
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		return -EHOSTUNREACH;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		int e = -errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return e;
	}
	freeaddrinfo(ai);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int
dial(const char *addr)
{
	if (strncmp(addr, "unix:", 5) == 0)
		return dial_unix(addr + 5);
	if (strncmp(addr, "tcp:", 4) == 0)
		return dial_tcp(addr + 4);
	return dial_tcp(addr);
}

static int
write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Read one whole message into buf (cap bytes); returns its length.
 * With `alone` (the only reply the connection can be carrying) the first
 * read asks for all cap bytes, so the header and what follows it come in
 * one call; otherwise the header is read first, so that no byte of the
 * next reply is taken. */
static int
read_msg(int fd, uint8_t *buf, size_t cap, bool alone)
{
	size_t have = 0, want = P9_HDRSZ;
	uint32_t size;
	uint8_t type;
	uint16_t tag;

	while (have < want) {
		ssize_t r = read(fd, buf + have,
		    alone && have < P9_HDRSZ ? cap - have : want - have);

		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		have += (size_t)r;
		if (want == P9_HDRSZ && have >= P9_HDRSZ) {
			p9_peek_header(buf, &size, &type, &tag);
			if (size < P9_HDRSZ || size > cap || have > size)
				return -EMSGSIZE;
			want = size;
		}
	}
	return (int)want;
}

/* Shared-connection receiver: route each reply to its tag's slot. */
static void *
receiver(void *arg)
{
	struct conn *c = arg;
	uint8_t *buf = malloc(c->msize);
	int n;

	while (buf != NULL && (n = read_msg(c->fd, buf, c->msize, false)) > 0) {
		uint16_t tag = (uint16_t)(buf[5] | buf[6] << 8);
		struct slot *s;

		if (tag >= c->nslots)
			continue;
		s = &c->slots[tag];
		pthread_mutex_lock(&s->m);
		memcpy(s->buf, buf, (size_t)n);
		s->len = (size_t)n;
		s->ready = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->m);
	}
	atomic_store(&c->dead, 1);
	for (int i = 0; i < c->nslots; i++) {
		pthread_mutex_lock(&c->slots[i].m);
		pthread_cond_signal(&c->slots[i].cv);
		pthread_mutex_unlock(&c->slots[i].m);
	}
	free(buf);
	return NULL;
}

static int
conn_send(struct conn *c, struct iovec *iov, int n)
{
	int r;

	if (!c->shared)
		return write_all(c->fd, iov, n);
	pthread_mutex_lock(&c->wlock);
	r = write_all(c->fd, iov, n);
	pthread_mutex_unlock(&c->wlock);
	return r;
}

static int
conn_recv(struct conn *c, uint16_t tag, uint8_t *buf)
{
	struct slot *s;
	int n;

	if (!c->shared)
		return read_msg(c->fd, buf, c->msize, true);
	s = &c->slots[tag];	/* s->buf is buf */
	pthread_mutex_lock(&s->m);
	while (!s->ready && !atomic_load(&c->dead))
		pthread_cond_wait(&s->cv, &s->m);
	n = s->ready ? (int)s->len : -ECONNRESET;
	s->ready = false;
	pthread_mutex_unlock(&s->m);
	return n;
}

/* ---- one RPC ---- */

static int
rpc_data(struct worker *w, struct p9_fcall *t, struct p9_fcall *r,
    const uint8_t *data, uint32_t dlen)
{
	struct iovec iov[2];
	int n, niov = 1;

	t->tag = w->tag;
	n = p9_encode(w->tx, w->c->msize, t);
	if (n < 0)
		return n;
	if (dlen > 0) {
		/* Twrite: the codec wrote count=0 and no data; patch the
		 * count and size and send the payload from where it lies. */
		uint32_t size = (uint32_t)n + dlen;

		memcpy(w->tx, &size, 4);
		memcpy(w->tx + TWRITE_HDR - 4, &dlen, 4);
		iov[1] = (struct iovec){ (void *)(uintptr_t)data, dlen };
		niov = 2;
	}
	iov[0] = (struct iovec){ w->tx, (size_t)n };
	if ((n = conn_send(w->c, iov, niov)) < 0)
		return n;
	if ((n = conn_recv(w->c, w->tag, w->rx)) < 0)
		return n;
	w->rpcs++;
	if ((n = p9_decode(w->rx, (size_t)n, r)) < 0)
		return n;
	if (r->type == P9_RLERROR)
		return -(int)r->u.rlerror.ecode;
	if (r->type != t->type + 1 || r->tag != t->tag)
		return -EPROTO;
	return 0;
}

static int
rpc(struct worker *w, struct p9_fcall *t, struct p9_fcall *r)
{
	return rpc_data(w, t, r, NULL, 0);
}

static int
p_walk(struct worker *w, uint32_t fid, uint32_t newfid, const char *path)
{
	struct p9_fcall t = { .type = P9_TWALK }, r;
	char buf[1024], *save = NULL, *name;
	uint16_t n = 0;
	int e;

	snprintf(buf, sizeof(buf), "%s", path ? path : "");
	for (name = strtok_r(buf, "/", &save); name != NULL && n < P9_MAXWELEM;
	    name = strtok_r(NULL, "/", &save))
		t.u.twalk.wname[n++] = p9_cstr(name);
	t.u.twalk.fid = fid;
	t.u.twalk.newfid = newfid;
	t.u.twalk.nwname = n;
	if ((e = rpc(w, &t, &r)) < 0)
		return e;
	return r.u.rwalk.nwqid == n ? 0 : -ENOENT;
}

static int
p_fid(struct worker *w, uint8_t type, uint32_t fid)
{
	struct p9_fcall t = { .type = type }, r;

	t.u.tfid.fid = fid;
	return rpc(w, &t, &r);
}

static int
p_getattr(struct worker *w, uint32_t fid, uint64_t *size)
{
	struct p9_fcall t = { .type = P9_TGETATTR }, r;
	int e;

	t.u.tgetattr.fid = fid;
	t.u.tgetattr.request_mask = P9_GETATTR_BASIC;
	if ((e = rpc(w, &t, &r)) < 0)
		return e;
	if (size != NULL)
		*size = r.u.rgetattr.a.size;
	return 0;
}

static int
p_lopen(struct worker *w, uint32_t fid, uint32_t flags)
{
	struct p9_fcall t = { .type = P9_TLOPEN }, r;

	t.u.tlopen.fid = fid;
	t.u.tlopen.flags = flags;
	return rpc(w, &t, &r);
}

static int
p_lcreate(struct worker *w, uint32_t fid, const char *name, uint32_t flags)
{
	struct p9_fcall t = { .type = P9_TLCREATE }, r;

	t.u.tlcreate.fid = fid;
	t.u.tlcreate.name = p9_cstr(name);
	t.u.tlcreate.flags = flags;
	t.u.tlcreate.mode = 0644;
	t.u.tlcreate.gid = getgid();
	return rpc(w, &t, &r);
}

/* Returns the byte count moved, or -errno. */
static int
p_io(struct worker *w, uint8_t type, uint32_t fid, uint64_t off,
    const uint8_t *data, uint32_t count)
{
	struct p9_fcall t = { .type = type }, r;
	int e;

	if (type == P9_TWRITE) {
		t.u.twrite.fid = fid;
		t.u.twrite.offset = off;
		e = rpc_data(w, &t, &r, data, count);
		return e < 0 ? e : (int)r.u.rwrite.count;
	}
	t.u.tread.fid = fid;
	t.u.tread.offset = off;
	t.u.tread.count = count;
	if ((e = rpc(w, &t, &r)) < 0)
		return e;
	if (type == P9_TREADDIR) {
		size_t pos = 0;
		struct p9_dirent d;

		while (p9_dirent_get(r.u.rread.data, r.u.rread.count, &pos,
		    &d) > 0) {
			w->entries++;
			w->cookie = d.offset;
		}
	}
	return (int)r.u.rread.count;
}

static int
p_unlink(struct worker *w, uint32_t dfid, const char *name, uint32_t tmp)
{
	struct p9_fcall t = { .type = P9_TUNLINKAT }, r;
	int e;

	if (!w->no_unlinkat) {
		t.u.tunlinkat.dirfid = dfid;
		t.u.tunlinkat.name = p9_cstr(name);
		e = rpc(w, &t, &r);
		if (e != -ENOSYS && e != -EOPNOTSUPP && e != -EPROTO)
			return e;
		w->no_unlinkat = true;
	}
	/* Servers without Tunlinkat (diod 1.0.24): walk to it, Tremove. */
	if ((e = p_walk(w, dfid, tmp, name)) < 0)
		return e;
	return p_fid(w, P9_TREMOVE, tmp);
}

/* ---- session ---- */

static int
p_version(struct worker *w, uint32_t want)
{
	struct p9_fcall t = { .type = P9_TVERSION }, r;
	uint16_t tag = w->tag;
	int e;

	t.u.version.msize = want;
	t.u.version.version = p9_cstr("9P2000.L");
	w->tag = P9_NOTAG;
	e = rpc(w, &t, &r);
	w->tag = tag;
	if (e < 0)
		return e;
	if (r.u.version.version.len != 8 ||
	    memcmp(r.u.version.version.s, "9P2000.L", 8) != 0)
		return -EPROTONOSUPPORT;
	if (r.u.version.msize < P9_MSIZE_MIN || r.u.version.msize > want)
		return -EPROTO;
	return (int)r.u.version.msize;
}

static int
p_attach(struct worker *w, uint32_t fid, const char *aname)
{
	struct p9_fcall t = { .type = P9_TATTACH }, r;

	t.u.tattach.fid = fid;
	t.u.tattach.afid = P9_NOFID;
	t.u.tattach.uname = p9_cstr("root");
	t.u.tattach.aname = p9_cstr(aname);
	t.u.tattach.n_uname = getuid();
	return rpc(w, &t, &r);
}

/* Open a connection and negotiate msize with the worker's buffers. */
static int
session_open(struct worker *w)
{
	int fd = dial(w->o->addr), m;

	if (fd < 0)
		return fd;
	w->c = calloc(1, sizeof(*w->c));
	if (w->c == NULL)
		return -ENOMEM;
	w->c->fd = fd;
	w->c->msize = w->o->msize;
	if ((m = p_version(w, w->o->msize)) < 0)
		return m;
	w->c->msize = (uint32_t)m;
	return 0;
}

/* Make c shared by n threads: the receiver copies each reply straight
 * into the receive buffer of the thread whose tag it carries. */
static int
session_start_shared(struct conn *c, struct worker *ws, int n)
{
	c->slots = calloc((size_t)n, sizeof(*c->slots));
	if (c->slots == NULL)
		return -ENOMEM;
	c->nslots = n;
	for (int i = 0; i < n; i++) {
		pthread_mutex_init(&c->slots[i].m, NULL);
		pthread_cond_init(&c->slots[i].cv, NULL);
		c->slots[i].buf = ws[i].rx;
	}
	pthread_mutex_init(&c->wlock, NULL);
	c->shared = true;
	return -pthread_create(&c->rx, NULL, receiver, c);
}

/* ---- operations: each returns 0 or -errno and counts one op ---- */

static int
op_getattr(struct worker *w, uint64_t n)
{
	(void)n;
	return p_getattr(w, w->fidbase, NULL);
}

static int
op_walkstat(struct worker *w, uint64_t n)
{
	uint32_t fid = w->fidbase + 1;
	int e;

	(void)n;
	if ((e = p_walk(w, w->fidbase, fid, w->o->path)) < 0)
		return e;
	e = p_getattr(w, fid, NULL);
	p_fid(w, P9_TCLUNK, fid);
	return e;
}

static int
op_create(struct worker *w, uint64_t n)
{
	uint32_t fid = w->fidbase + 1;
	char name[64];
	int e, r;

	snprintf(name, sizeof(name), "p9l.%d.%d.%llu", (int)getpid(), w->id,
	    (unsigned long long)n);
	if ((e = p_walk(w, w->fidbase, fid, NULL)) < 0)
		return e;
	e = p_lcreate(w, fid, name, O_WRONLY | O_CREAT | O_TRUNC);
	if (e == 0 && (r = p_io(w, P9_TWRITE, fid, 0, w->tx + TWRITE_HDR,
	    4096)) != 4096)
		e = r < 0 ? r : -EIO;
	if (e == 0)
		w->bytes += 4096;
	p_fid(w, P9_TCLUNK, fid);
	if (e == 0)
		e = p_unlink(w, w->fidbase, name, fid);
	return e;
}

static int
op_readdir(struct worker *w, uint64_t n)
{
	uint32_t fid = w->fidbase + 1, count = w->c->msize - P9_IOHDRSZ;
	uint64_t off = 0;
	int e, r;

	(void)n;
	if ((e = p_walk(w, w->fidbase, fid, NULL)) < 0)
		return e;
	if ((e = p_lopen(w, fid, O_RDONLY)) == 0) {
		while ((r = p_io(w, P9_TREADDIR, fid, off, NULL, count)) > 0)
			off = w->cookie;
		e = r < 0 ? r : 0;
	}
	p_fid(w, P9_TCLUNK, fid);
	return e;
}

static int
op_read(struct worker *w, uint64_t n)
{
	uint32_t count = w->c->msize - P9_IOHDRSZ;
	int r;

	if (n == 0)
		w->off = w->start;
	r = p_io(w, P9_TREAD, w->fidbase + 1, w->off, NULL, count);
	if (r < 0)
		return r;
	if (r == 0 && w->off == 0)
		return -ENODATA;
	w->off = r == 0 ? 0 : w->off + (uint64_t)r;
	w->bytes += (uint64_t)r;
	return 0;
}

/* Send a Tread of count bytes at w->off with tag, then move w->off on
 * (back to the start of the file past its end). */
static int
send_read(struct worker *w, uint16_t tag, uint32_t count)
{
	struct p9_fcall t = { .type = P9_TREAD, .tag = tag };
	struct iovec iov;
	int n;

	t.u.tread.fid = w->fidbase + 1;
	t.u.tread.offset = w->off;
	t.u.tread.count = count;
	if ((n = p9_encode(w->tx, w->c->msize, &t)) < 0)
		return n;
	iov = (struct iovec){ w->tx, (size_t)n };
	w->off += count;
	if (w->off >= w->size)
		w->off = 0;
	return conn_send(w->c, &iov, 1);
}

/* -q N: N Treads (tags 0..N-1) stay in flight; each op takes one reply,
 * in whatever order the server sends them, and sends the next read with
 * its tag. */
static int
op_read_ahead(struct worker *w, uint64_t n)
{
	uint32_t count = w->c->msize - P9_IOHDRSZ;
	struct p9_fcall r;
	int e;

	if (n == 0) {
		w->off = w->start;
		for (int i = 0; i < w->o->depth; i++)
			if ((e = send_read(w, (uint16_t)i, count)) < 0)
				return e;
	}
	if ((e = read_msg(w->c->fd, w->rx, w->c->msize, false)) < 0)
		return e;
	w->rpcs++;
	if ((e = p9_decode(w->rx, (size_t)e, &r)) < 0)
		return e;
	if (r.type == P9_RLERROR)
		return -(int)r.u.rlerror.ecode;
	if (r.type != P9_RREAD || r.tag >= w->o->depth)
		return -EPROTO;
	if (r.u.rread.count == 0)
		return -ENODATA;
	w->bytes += r.u.rread.count;
	return send_read(w, r.tag, count);
}

static int
op_write(struct worker *w, uint64_t n)
{
	uint32_t count = w->c->msize - P9_IOHDRSZ;
	int r;

	if (n == 0)
		w->off = 0;
	r = p_io(w, P9_TWRITE, w->fidbase + 1, w->off, w->tx + TWRITE_HDR,
	    count);
	if (r <= 0)
		return r < 0 ? r : -EIO;
	w->off += (uint64_t)r;
	if (w->off >= w->o->wrap)
		w->off = 0;
	w->bytes += (uint64_t)r;
	return 0;
}

/* ---- per-mode setup and teardown ---- */

static int
setup(struct worker *w)
{
	const struct opts *o = w->o;
	uint32_t work = w->fidbase + 1;
	uint64_t size;
	char name[64];
	int e;

	/* fidbase holds the PATH (file or directory) for this thread. */
	if ((e = p_walk(w, ROOTFID, w->fidbase, o->mode == M_WALKSTAT ?
	    NULL : o->path)) < 0)
		return e;
	switch (o->mode) {
	case M_READ:
		if ((e = p_walk(w, w->fidbase, work, NULL)) < 0 ||
		    (e = p_getattr(w, work, &size)) < 0 ||
		    (e = p_lopen(w, work, O_RDONLY)) < 0)
			return e;
		/* Threads start spread over the file. */
		w->size = size;
		w->start = size / (uint64_t)o->threads * (uint64_t)w->id;
		w->start &= ~(uint64_t)4095;
		return 0;
	case M_WRITE:
		snprintf(name, sizeof(name), "p9w.%d.%d", (int)getpid(), w->id);
		if ((e = p_walk(w, w->fidbase, work, NULL)) < 0)
			return e;
		return p_lcreate(w, work, name, O_WRONLY | O_CREAT | O_TRUNC);
	case M_GETATTR: case M_WALKSTAT: case M_CREATE: case M_READDIR:
	case M_FIDS: case M_IDLE:
		return 0;
	default:
		return -EINVAL;
	}
}

static void
teardown(struct worker *w)
{
	char name[64];

	if (w->o->mode != M_WRITE)
		return;
	p_fid(w, P9_TCLUNK, w->fidbase + 1);
	snprintf(name, sizeof(name), "p9w.%d.%d", (int)getpid(), w->id);
	p_unlink(w, w->fidbase, name, w->fidbase + 1);
}

typedef int (*op_fn)(struct worker *, uint64_t);

static op_fn
op_for(const struct opts *o)
{
	enum mode m = o->mode;

	switch (m) {
	case M_GETATTR: return op_getattr;
	case M_WALKSTAT: return op_walkstat;
	case M_CREATE: return op_create;
	case M_READDIR: return op_readdir;
	case M_READ: return o->depth > 1 ? op_read_ahead : op_read;
	case M_WRITE: return op_write;
	case M_FIDS: case M_IDLE: return NULL;
	default: return NULL;
	}
}

static void
fail(struct worker *w, const char *what, int e)
{
	w->errors++;
	if (w->err[0] == '\0')
		snprintf(w->err, sizeof(w->err), "thread %d: %s: %s", w->id,
		    what, strerror(-e));
}

static void
run_ops(struct worker *w)
{
	op_fn fn = op_for(w->o);
	uint64_t n;
	int e;

	for (n = 0; !atomic_load(&stop_flag) &&
	    (w->o->ops == 0 || n < w->o->ops); n++) {
		if ((e = fn(w, n)) < 0) {
			fail(w, "op", e);
			if (e == -ECONNRESET || e == -EPIPE || w->errors > 100)
				break;
			continue;
		}
		w->ops++;
	}
}

/* fids mode: hold -N clones of the root fid, then prove the connection
 * still works with a getattr on the last one. */
static void
run_fids(struct worker *w)
{
	uint32_t i, base = 16;
	int e;

	for (i = 0; i < w->o->nfids; i++) {
		if ((e = p_walk(w, ROOTFID, base + i, NULL)) < 0) {
			fail(w, "walk clone", e);
			if (w->errors > 10)
				return;
			continue;
		}
		w->ops++;
	}
	if (w->o->nfids > 0 && (e = p_getattr(w, base + i - 1, NULL)) < 0)
		fail(w, "getattr on the last fid", e);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int e;

	if (w->c == NULL && (e = session_open(w)) < 0) {
		fail(w, "connect/version", e);
		atomic_fetch_add(&ready_count, 1);
		return NULL;
	}
	if (!w->c->shared && (e = p_attach(w, ROOTFID, w->o->aname)) < 0) {
		fail(w, "attach", e);
		atomic_fetch_add(&ready_count, 1);
		return NULL;
	}
	e = setup(w);
	atomic_fetch_add(&ready_count, 1);
	if (e < 0) {
		fail(w, "setup", e);
		return NULL;
	}
	while (atomic_load(&ready_count) < w->o->threads)
		usleep(1000);
	if (w->o->mode == M_FIDS)
		run_fids(w);
	else if (w->o->mode == M_IDLE)
		while (!atomic_load(&stop_flag))
			usleep(10000);
	else
		run_ops(w);
	teardown(w);
	return NULL;
}

/* ---- main ---- */

static int
parse_mode(const char *s, enum mode *m)
{
	static const char *names[] = { "getattr", "walkstat", "create",
	    "readdir", "read", "write", "fids", "idle" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*m = (enum mode)i;
			return 0;
		}
	return -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: p9load -s ADDR [-a ANAME] [-m MSIZE] "
	    "[-n THREADS] [-d SECS | -o OPS]\n"
	    "       [-w getattr|walkstat|create|readdir|read|write|fids|idle]"
	    " [-f PATH] [-S] [-N FIDS] [-z BYTES] [-q DEPTH]\n");
	exit(2);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .aname = "", .msize = 65536, .threads = 1,
	    .secs = 5, .mode = M_WALKSTAT, .nfids = 100000,
	    .wrap = 256ull << 20, .depth = 1 };
	while ((c = getopt(argc, argv, "s:a:m:n:d:o:w:f:SN:z:q:")) != -1) {
		switch (c) {
		case 's': o->addr = optarg; break;
		case 'a': o->aname = optarg; break;
		case 'm': o->msize = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'n': o->threads = atoi(optarg); break;
		case 'd': o->secs = atof(optarg); break;
		case 'o': o->ops = strtoull(optarg, NULL, 0); break;
		case 'w': if (parse_mode(optarg, &o->mode) < 0) usage(); break;
		case 'f': o->path = optarg; break;
		case 'S': o->shared = true; break;
		case 'N': o->nfids = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'z': o->wrap = strtoull(optarg, NULL, 0); break;
		case 'q': o->depth = atoi(optarg); break;
		default: usage();
		}
	}
	if (o->addr == NULL || o->threads < 1 || o->threads > MAXTHREADS ||
	    o->msize < P9_MSIZE_MIN || o->msize > P9_MSIZE_MAX ||
	    o->depth < 1 || o->depth > 64 ||
	    (o->depth > 1 && (o->mode != M_READ || o->shared)))
		usage();
	if (o->mode == M_FIDS)
		o->threads = 1;
}

/* One connection for all threads (-S): version and attach once, then
 * each thread uses its own tag and fid range on it. */
static int
share_one(struct worker *ws, int n)
{
	int e;

	ws[0].tag = 0;
	if ((e = session_open(&ws[0])) < 0 ||
	    (e = p_attach(&ws[0], ROOTFID, ws[0].o->aname)) < 0 ||
	    (e = session_start_shared(ws[0].c, ws, n)) < 0)
		return e;
	for (int i = 0; i < n; i++)
		ws[i].c = ws[0].c;
	return 0;
}

static void
report(const struct opts *o, struct worker *ws, double secs)
{
	static const char *names[] = { "getattr", "walkstat", "create",
	    "readdir", "read", "write", "fids", "idle" };
	uint64_t ops = 0, bytes = 0, rpcs = 0, errs = 0, ents = 0;
	uint32_t msize = ws[0].c ? ws[0].c->msize : 0;

	for (int i = 0; i < o->threads; i++) {
		ops += ws[i].ops;
		bytes += ws[i].bytes;
		rpcs += ws[i].rpcs;
		errs += ws[i].errors;
		if (o->mode == M_READDIR)
			ents += ws[i].entries;
		if (ws[i].err[0] != '\0')
			fprintf(stderr, "p9load: %s\n", ws[i].err);
	}
	if (secs <= 0)
		secs = 1e-9;
	printf("p9load: mode=%s threads=%d shared=%d msize=%u secs=%.3f "
	    "ops=%llu ops_s=%.1f MB_s=%.1f rpcs_s=%.1f entries_s=%.1f "
	    "errors=%llu\n", names[o->mode], o->threads, o->shared, msize,
	    secs, (unsigned long long)ops, (double)ops / secs,
	    (double)bytes / secs / 1e6, (double)rpcs / secs,
	    (double)ents / secs, (unsigned long long)errs);
}

static void
conn_free(struct conn *c)
{
	if (c->shared) {
		shutdown(c->fd, SHUT_RDWR);
		pthread_join(c->rx, NULL);
		free(c->slots);
	}
	close(c->fd);
	free(c);
}

/* Returns the exit status: 0 only when no thread saw an error. */
static int
cleanup(struct worker *ws, int n, bool shared)
{
	int rc = 0;

	for (int i = 0; i < n; i++) {
		if (ws[i].errors > 0)
			rc = 1;
		if (ws[i].c != NULL && (!shared || i == 0))
			conn_free(ws[i].c);
		free(ws[i].tx);
		free(ws[i].rx);
	}
	free(ws);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct worker *ws;
	double t0, t1;
	int e;

	parse_opts(argc, argv, &o);
	ws = calloc((size_t)o.threads, sizeof(*ws));
	if (ws == NULL)
		return 1;
	for (int i = 0; i < o.threads; i++) {
		ws[i].o = &o;
		ws[i].id = i;
		ws[i].tag = (uint16_t)i;
		ws[i].fidbase = 10 + 4 * (uint32_t)i;
		ws[i].tx = malloc(o.msize);
		ws[i].rx = malloc(o.msize);
		if (ws[i].tx == NULL || ws[i].rx == NULL)
			return 1;
		memset(ws[i].tx, 'x', o.msize);
	}
	if (o.shared && (e = share_one(ws, o.threads)) < 0) {
		fprintf(stderr, "p9load: %s: %s\n", o.addr, strerror(-e));
		return 1;
	}
	for (int i = 0; i < o.threads; i++)
		pthread_create(&ws[i].th, NULL, worker_main, &ws[i]);
	while (atomic_load(&ready_count) < o.threads)
		usleep(1000);
	if (o.mode == M_IDLE) {
		fprintf(stderr, "p9load: ready\n");
		fflush(stderr);
	}
	t0 = now();
	if (o.ops == 0 && o.mode != M_FIDS) {
		struct timespec ts = { (time_t)o.secs,
		    (long)((o.secs - (double)(time_t)o.secs) * 1e9) };
		nanosleep(&ts, NULL);
		atomic_store(&stop_flag, true);
	}
	for (int i = 0; i < o.threads; i++)
		pthread_join(ws[i].th, NULL);
	t1 = now();
	report(&o, ws, t1 - t0);
	fflush(stdout);
	return cleanup(ws, o.threads, o.shared);
}
