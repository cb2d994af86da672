/* relay_bench.c - file data through the helper, measured once against the
 * design vfsd uses (issue 6; docs/bench.md).
 *
 *   relay_bench [-f FILE | -m MiB] [-d DIR] [-s SIZES] [-r ROUNDS] [-o DIR]
 *
 * vfsd's frontend reads and writes file data itself, on descriptors the
 * helper handed it.  The alternative sends the data through the helper:
 * the helper preads the range and returns it in a response's bytes field
 * (or receives it in a request and pwrites it).  Both run here over the
 * project's own plumbing: a forked "helper" on a SOCK_SEQPACKET socketpair,
 * frames from common/frame.c, messages from proto/vfsd.proto packed by
 * protobuf-c and unpacked into an arena, as pb_server.c and hclient.c do.
 *
 * vfsd.proto has no read or write request (by design), so the benchmark
 * borrows the xattr messages, whose shapes fit: XattrGetReq carries the
 * offset in `handle` and the byte count, in decimal, in `name`; the data
 * comes back in XattrGetRep.value.  XattrSetReq carries the offset in
 * `handle`, the data in `value`, and in `flags` how many bytes of the same
 * write still follow.  A frame holds at most FRAME_MAX (128 KiB), which an
 * unprivileged frontend must respect (SO_SNDBUF), so a request larger than
 * RELAY_CHUNK travels as several frames: several responses for a read,
 * several requests and one response for a write.
 *
 * The frontend side copies what it unpacked into a 9P-sized Rread buffer
 * (after the 11-byte Rread header) or sends from a Twrite buffer (after
 * its 23-byte header); the direct design preads into / pwrites from the
 * same buffers.  Passes are sequential over the whole file, from the page
 * cache (the file is read once first).  A first round checks every byte
 * (and with -o writes what each design delivered to DIR for an outside
 * check); the timed rounds follow, alternating which design goes first,
 * and the table shows their medians; the ratio is the median of each
 * round's relay/direct time, with the rounds' smallest and largest. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/frame.h"
#include "frontend/p9.h"
#include "proto/vfsd.pb-c.h"

#define RELAY_CHUNK	(FRAME_MAX - 4096)	/* data per frame, 124 KiB */
#define PEER_ARENA	(256 * 1024)		/* as pb_server.c, hclient.c */
#define RREAD_HDR	11	/* size[4] type[1] tag[2] count[4] */
#define TWRITE_HDR	23	/* size[4] type[1] tag[2] fid[4] offset[8] count[4] */
#define NSIZES_MAX	8
#define ROUNDS_MAX	31
#define MIN(a, b)	((a) < (b) ? (a) : (b))

enum { OP_READ, OP_WRITE };
enum { D_DIRECT, D_RELAY };
static const char *const op_name[] = { "read", "write" };
static const char *const design_name[] = { "direct", "relay" };

/* One end of the channel: a frame buffer and an arena to unpack into. */
struct peer {
	int sock;
	uint8_t *buf;
	struct arena arena;
};

struct helper {
	struct peer p;
	int fd[2];		/* 0: the file read, 1: the file written */
	uint8_t *data;		/* RELAY_CHUNK bytes: what pread fills */
	int werr;		/* first error of the write being received */
};

struct bench {
	struct peer fe;
	pid_t helper;
	uint64_t seq;
	int rfd, wfd;		/* handed over by the helper (OpenRep) */
	int chk;		/* the frontend's own, for checks only */
	int dumpdir;		/* -o, or -1 */
	uint8_t *rread, *twrite, *scratch;
	off_t len;
	size_t sizes[NSIZES_MAX];
	int nsizes, rounds, bad;
	double secs[2][NSIZES_MAX][2][ROUNDS_MAX];
};

static int
peer_init(struct peer *p, int sock)
{
	p->sock = sock;
	p->buf = malloc(FRAME_MAX);
	if (p->buf == NULL || arena_init(&p->arena, PEER_ARENA) < 0)
		return -ENOMEM;
	return 0;
}

static void
peer_free(struct peer *p)
{
	arena_destroy(&p->arena);
	free(p->buf);
	close(p->sock);
}

static int
send_rsp(struct peer *p, const Vfsd__Response *rsp, int fd)
{
	size_t len = vfsd__response__get_packed_size(rsp);

	if (len > FRAME_MAX)
		return -EMSGSIZE;
	vfsd__response__pack(rsp, p->buf);
	return frame_send(p->sock, p->buf, len, fd);
}

static int
send_req(struct peer *p, const Vfsd__Request *req)
{
	size_t len = vfsd__request__get_packed_size(req);

	if (len > FRAME_MAX)
		return -EMSGSIZE;
	vfsd__request__pack(req, p->buf);
	return frame_send(p->sock, p->buf, len, -1);
}

/* ---- the helper side ---- */

static int
helper_open(struct helper *h, const Vfsd__Request *req)
{
	Vfsd__Response rsp = VFSD__RESPONSE__INIT;
	Vfsd__OpenRep rep = VFSD__OPEN_REP__INIT;
	Vfsd__Attr attr = VFSD__ATTR__INIT;
	uint64_t which = req->open->handle;

	rsp.id = req->id;
	if (which > 1) {
		rsp.error = EINVAL;
		return send_rsp(&h->p, &rsp, -1);
	}
	rep.attr = &attr;
	rep.iounit = RELAY_CHUNK;
	rsp.result_case = VFSD__RESPONSE__RESULT_OPEN;
	rsp.open = &rep;
	rsp.has_has_fd = rsp.has_fd = 1;
	return send_rsp(&h->p, &rsp, h->fd[which]);
}

static size_t
parse_count(const ProtobufCBinaryData *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->len && s->data[i] >= '0' &&
	    s->data[i] <= '9'; i++)
		n = n * 10 + (s->data[i] - '0');
	return n;
}

/* A read: pread each chunk and send it; a short one ends the reply. */
static int
helper_read(struct helper *h, const Vfsd__Request *req)
{
	Vfsd__Response rsp = VFSD__RESPONSE__INIT;
	Vfsd__XattrGetRep rep = VFSD__XATTR_GET_REP__INIT;
	off_t off = (off_t)req->xattr_get->handle;
	size_t left = parse_count(&req->xattr_get->name);
	int r;

	rsp.id = req->id;
	rsp.result_case = VFSD__RESPONSE__RESULT_XATTR_GET;
	rsp.xattr_get = &rep;
	do {
		size_t want = MIN(left, RELAY_CHUNK);
		ssize_t n = pread(h->fd[0], h->data, want, off);

		if (n < 0) {
			rsp.error = errno;
			rsp.result_case = VFSD__RESPONSE__RESULT__NOT_SET;
			return send_rsp(&h->p, &rsp, -1);
		}
		rep.value.data = h->data;
		rep.value.len = (size_t)n;
		if ((r = send_rsp(&h->p, &rsp, -1)) < 0)
			return r;
		off += n;
		left -= (size_t)n;
		if ((size_t)n < want)
			break;
	} while (left > 0);
	return 0;
}

/* A piece of a write: pwrite it; answer once the last piece is in. */
static int
helper_write(struct helper *h, const Vfsd__Request *req)
{
	Vfsd__Response rsp = VFSD__RESPONSE__INIT;
	Vfsd__XattrSetRep rep = VFSD__XATTR_SET_REP__INIT;
	const Vfsd__XattrSetReq *w = req->xattr_set;

	if (h->werr == 0) {
		ssize_t n = pwrite(h->fd[1], w->value.data, w->value.len,
		    (off_t)w->handle);

		if (n < 0)
			h->werr = errno;
		else if ((size_t)n != w->value.len)
			h->werr = EIO;
	}
	if (w->flags != 0)
		return 0;
	rsp.id = req->id;
	rsp.error = h->werr;
	if (h->werr == 0) {
		rsp.result_case = VFSD__RESPONSE__RESULT_XATTR_SET;
		rsp.xattr_set = &rep;
	}
	h->werr = 0;
	return send_rsp(&h->p, &rsp, -1);
}

static int
helper_serve(struct helper *h)
{
	for (;;) {
		Vfsd__Request *req;
		size_t len;
		int r = frame_recv(h->p.sock, h->p.buf, FRAME_MAX, &len, NULL);

		if (r != 0)
			return r == 1 ? 0 : r;
		req = vfsd__request__unpack(&h->p.arena.pa, len, h->p.buf);
		if (req == NULL)
			return -EBADMSG;
		switch (req->op_case) {
		case VFSD__REQUEST__OP_OPEN:
			r = helper_open(h, req);
			break;
		case VFSD__REQUEST__OP_XATTR_GET:
			r = helper_read(h, req);
			break;
		case VFSD__REQUEST__OP_XATTR_SET:
			r = helper_write(h, req);
			break;
		default:
			r = -EPROTO;
			break;
		}
		arena_reset(&h->p.arena);
		if (r < 0)
			return r;
	}
}

static void
helper_main(int sock, const char *src, const char *dst)
{
	struct helper h;
	int r;

	memset(&h, 0, sizeof(h));
	h.fd[0] = open(src, O_RDONLY | O_CLOEXEC);
	h.fd[1] = open(dst, O_RDWR | O_CLOEXEC);
	h.data = malloc(RELAY_CHUNK);
	if (h.fd[0] < 0 || h.fd[1] < 0 || h.data == NULL)
		r = -errno;
	else if ((r = peer_init(&h.p, sock)) == 0)
		r = helper_serve(&h);
	if (r < 0)
		fprintf(stderr, "relay_bench helper: %s\n", strerror(-r));
	peer_free(&h.p);
	free(h.data);
	close(h.fd[0]);
	close(h.fd[1]);
	_exit(r < 0);
}

/* ---- the frontend side ---- */

/* The next response, unpacked into the frontend's arena (the previous
 * one is dropped).  A response carrying an error returns -error. */
static int
fe_recv(struct bench *b, uint64_t id, Vfsd__Response__ResultCase want,
    Vfsd__Response **rsp, int *fd)
{
	size_t len;
	int r;

	arena_reset(&b->fe.arena);
	r = frame_recv(b->fe.sock, b->fe.buf, FRAME_MAX, &len, fd);
	if (r != 0)
		return r == 1 ? -EPIPE : r;
	*rsp = vfsd__response__unpack(&b->fe.arena.pa, len, b->fe.buf);
	if (*rsp == NULL || (*rsp)->id != id)
		r = -EBADMSG;
	else if ((*rsp)->error != 0)
		r = -(*rsp)->error;
	else if ((*rsp)->result_case != want)
		r = -EBADMSG;
	if (r < 0 && fd && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

static int
fe_open(struct bench *b, uint64_t which, int *fd)
{
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__OpenReq o = VFSD__OPEN_REQ__INIT;
	Vfsd__Response *rsp;
	int r;

	o.handle = which;
	o.flags = O_RDWR;
	req.id = ++b->seq;
	req.op_case = VFSD__REQUEST__OP_OPEN;
	req.open = &o;
	if ((r = send_req(&b->fe, &req)) < 0 ||
	    (r = fe_recv(b, req.id, VFSD__RESPONSE__RESULT_OPEN, &rsp, fd)) < 0)
		return r;
	return *fd >= 0 ? 0 : -EBADMSG;
}

/* Tread through the helper: one request, the data back in one or more
 * responses, each copied into the Rread buffer at out. */
static ssize_t
relay_read(struct bench *b, off_t off, size_t count, uint8_t *out)
{
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__XattrGetReq g = VFSD__XATTR_GET_REQ__INIT;
	Vfsd__Response *rsp;
	char num[24];
	size_t got = 0;
	int r;

	g.handle = (uint64_t)off;
	g.name.data = (uint8_t *)num;
	g.name.len = (size_t)snprintf(num, sizeof(num), "%zu", count);
	req.id = ++b->seq;
	req.op_case = VFSD__REQUEST__OP_XATTR_GET;
	req.xattr_get = &g;
	if ((r = send_req(&b->fe, &req)) < 0)
		return r;
	for (;;) {
		size_t want = MIN(count - got, RELAY_CHUNK);
		const ProtobufCBinaryData *v;

		r = fe_recv(b, req.id, VFSD__RESPONSE__RESULT_XATTR_GET, &rsp,
		    NULL);
		if (r < 0)
			return r;
		v = &rsp->xattr_get->value;
		if (v->len > want)
			return -EBADMSG;
		memcpy(out + got, v->data, v->len);
		got += v->len;
		if (v->len < want || got == count)
			return (ssize_t)got;
	}
}

/* Twrite through the helper: the data in one or more requests, one
 * response once the helper has written all of it. */
static ssize_t
relay_write(struct bench *b, off_t off, const uint8_t *data, size_t count)
{
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__XattrSetReq s = VFSD__XATTR_SET_REQ__INIT;
	Vfsd__Response *rsp;
	size_t done = 0;
	int r;

	req.id = ++b->seq;
	req.op_case = VFSD__REQUEST__OP_XATTR_SET;
	req.xattr_set = &s;
	s.name.data = (uint8_t *)"";
	do {
		size_t n = MIN(count - done, RELAY_CHUNK);

		s.handle = (uint64_t)off + done;
		s.value.data = (uint8_t *)(uintptr_t)(data + done);
		s.value.len = n;
		s.flags = (uint32_t)(count - done - n);
		if ((r = send_req(&b->fe, &req)) < 0)
			return r;
		done += n;
	} while (done < count);
	r = fe_recv(b, req.id, VFSD__RESPONSE__RESULT_XATTR_SET, &rsp, NULL);
	return r < 0 ? r : (ssize_t)count;
}

static ssize_t
io_one(struct bench *b, int op, int design, off_t off, size_t n)
{
	uint8_t *rd = b->rread + RREAD_HDR, *wr = b->twrite + TWRITE_HDR;
	ssize_t r;

	if (op == OP_READ && design == D_RELAY)
		return relay_read(b, off, n, rd);
	if (op == OP_WRITE && design == D_RELAY)
		return relay_write(b, off, wr, n);
	if (op == OP_READ)
		r = pread(b->rfd, rd, n, off);
	else
		r = pwrite(b->wfd, wr, n, off);
	return r < 0 ? -errno : r;
}

/* ---- checks (the first round only) ---- */

static int
dump_open(struct bench *b, int op, int design, size_t size)
{
	char name[64];

	if (b->dumpdir < 0)
		return -1;
	snprintf(name, sizeof(name), "%s-%s-%zu", op_name[op],
	    design_name[design], size);
	return openat(b->dumpdir, name, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Does [off, off+n) of the file behind fd hold what the source holds?
 * Also copies those bytes to dump when dump >= 0. */
static int
same_as_source(struct bench *b, const uint8_t *got, size_t n, off_t off,
    int dump)
{
	if (pread(b->chk, b->scratch, n, off) != (ssize_t)n)
		return 0;
	if (dump >= 0 && write_all(dump, got, n) < 0)
		return 0;
	return memcmp(got, b->scratch, n) == 0;
}

/* After a write pass: the written file, read back, equals the source. */
static int
written_ok(struct bench *b, int dump)
{
	uint8_t *back = b->rread + RREAD_HDR;
	struct stat st;
	int ok = fstat(b->wfd, &st) == 0 && st.st_size == b->len;

	for (off_t off = 0; ok && off < b->len; off += P9_MSIZE_MAX) {
		size_t n = MIN((size_t)(b->len - off), P9_MSIZE_MAX);

		ok = pread(b->wfd, back, n, off) == (ssize_t)n &&
		    same_as_source(b, back, n, off, dump);
	}
	return ok;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The checked pass: every byte compared with the source; the Twrite
 * buffer is filled from the source before each write. */
static void
checked_pass(struct bench *b, int op, int design, size_t size)
{
	int dump = dump_open(b, op, design, size), ok = 1;
	uint64_t bytes = 0, reqs = 0;

	if (op == OP_WRITE && ftruncate(b->wfd, 0) < 0)
		ok = 0;
	for (off_t off = 0; ok && off < b->len; off += (off_t)size) {
		size_t n = MIN(size, (size_t)(b->len - off));
		ssize_t r;

		if (op == OP_WRITE && pread(b->chk, b->twrite + TWRITE_HDR,
		    n, off) != (ssize_t)n)
			ok = 0;
		r = io_one(b, op, design, off, n);
		ok = ok && r == (ssize_t)n;
		if (ok && op == OP_READ)
			ok = same_as_source(b, b->rread + RREAD_HDR, n, off,
			    dump);
		bytes += r > 0 ? (uint64_t)r : 0;
		reqs++;
	}
	if (ok && op == OP_WRITE)
		ok = written_ok(b, dump);
	if (dump >= 0)
		close(dump);
	printf("verify %s %zu %s bytes=%llu requests=%llu %s\n", op_name[op],
	    size, design_name[design], (unsigned long long)bytes,
	    (unsigned long long)reqs, ok ? "identical" : "DIFFERENT");
	b->bad += !ok;
}

static double
timed_pass(struct bench *b, int op, int design, size_t size)
{
	double t0 = now();

	for (off_t off = 0; off < b->len; off += (off_t)size) {
		size_t n = MIN(size, (size_t)(b->len - off));

		if (io_one(b, op, design, off, n) != (ssize_t)n) {
			b->bad++;
			return -1;
		}
	}
	return now() - t0;
}

/* Round 0 checks; rounds 1..N are timed, alternating the order. */
static void
run_rounds(struct bench *b)
{
	for (int round = 0; round <= b->rounds && b->bad == 0; round++)
		for (int i = 0; i < b->nsizes; i++)
			for (int op = OP_READ; op <= OP_WRITE; op++)
				for (int k = 0; k < 2; k++) {
					int d = (k + round) % 2;

					if (round == 0)
						checked_pass(b, op, d,
						    b->sizes[i]);
					else
						b->secs[op][i][d][round - 1] =
						    timed_pass(b, op, d,
						    b->sizes[i]);
				}
}

/* ---- report ---- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(const double *v, int n)
{
	double s[ROUNDS_MAX];

	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* The relay/direct time ratio of each round (both passes of a round run
 * back to back, so a disturbance tends to hit both): median, min, max. */
static void
ratios(double secs[2][ROUNDS_MAX], int n, double out[3])
{
	double x[ROUNDS_MAX];

	for (int i = 0; i < n; i++)
		x[i] = secs[D_RELAY][i] / secs[D_DIRECT][i];
	out[0] = median(x, n);
	qsort(x, (size_t)n, sizeof(double), cmp_double);
	out[1] = x[0];
	out[2] = x[n - 1];
}

static void
report(struct bench *b)
{
	double load[3] = { 0, 0, 0 };

	getloadavg(load, 3);
	printf("file %lld bytes, %d timed round%s (medians), relay frames "
	    "carry <= %d bytes, load %.2f %.2f %.2f, %ld cpus\n",
	    (long long)b->len, b->rounds, b->rounds == 1 ? "" : "s",
	    RELAY_CHUNK, load[0], load[1], load[2], sysconf(_SC_NPROCESSORS_ONLN));
	printf("%-5s %8s %12s %12s %10s %10s %12s %s\n", "op", "size",
	    "direct_MB_s", "relay_MB_s", "direct_us", "relay_us",
	    "relay/direct", "(rounds: min-max)");
	for (int op = OP_READ; op <= OP_WRITE; op++)
		for (int i = 0; i < b->nsizes; i++) {
			double reqs = (double)((b->len + (off_t)b->sizes[i] -
			    1) / (off_t)b->sizes[i]);
			double d = median(b->secs[op][i][D_DIRECT], b->rounds);
			double r = median(b->secs[op][i][D_RELAY], b->rounds);
			double x[3];

			ratios(b->secs[op][i], b->rounds, x);
			printf("%-5s %8zu %12.1f %12.1f %10.2f %10.2f %11.2fx "
			    "%.2f-%.2f\n", op_name[op], b->sizes[i],
			    (double)b->len / d / 1e6, (double)b->len / r / 1e6,
			    d / reqs * 1e6, r / reqs * 1e6, x[0], x[1], x[2]);
		}
}

/* ---- set-up ---- */

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A file of mib MiB of pseudo-random bytes; returns its descriptor. */
static int
make_source(char *path, long mib, uint8_t *buf)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int fd = mkstemp(path);

	for (long i = 0; fd >= 0 && i < mib; i++) {
		for (size_t j = 0; j < P9_MSIZE_MAX; j += 8) {
			uint64_t v = xorshift(&seed);

			memcpy(buf + j, &v, 8);
		}
		if (write_all(fd, buf, P9_MSIZE_MAX) < 0) {
			close(fd);
			unlink(path);
			return -1;
		}
	}
	return fd;
}

/* Read the source once so every pass reads from the page cache. */
static off_t
warm(struct bench *b)
{
	off_t off = 0;
	ssize_t n;

	while ((n = pread(b->chk, b->scratch, P9_MSIZE_MAX, off)) > 0)
		off += n;
	return n < 0 ? -1 : off;
}

static int
parse_sizes(struct bench *b, char *s)
{
	b->nsizes = 0;
	for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
		char *end;
		unsigned long v = strtoul(t, &end, 10);

		if (*end == 'k' || *end == 'K')
			v <<= 10, end++;
		else if (*end == 'm' || *end == 'M')
			v <<= 20, end++;
		if (*end || v == 0 || v > P9_MSIZE_MAX ||
		    b->nsizes == NSIZES_MAX)
			return -1;
		b->sizes[b->nsizes++] = v;
	}
	return b->nsizes ? 0 : -1;
}

static int
start_helper(struct bench *b, const char *src, const char *dst)
{
	int sv[2], r;

	if ((r = frame_socketpair(sv)) < 0)
		return r;
	fflush(stdout);
	b->helper = fork();
	if (b->helper < 0)
		return -errno;
	if (b->helper == 0) {
		close(sv[0]);
		helper_main(sv[1], src, dst);
	}
	close(sv[1]);
	if ((r = peer_init(&b->fe, sv[0])) < 0 ||
	    (r = fe_open(b, 0, &b->rfd)) < 0 ||
	    (r = fe_open(b, 1, &b->wfd)) < 0)
		return r;
	return 0;
}

static int
stop_helper(struct bench *b)
{
	int status = 0;

	peer_free(&b->fe);
	if (b->helper > 0 && waitpid(b->helper, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-f FILE | -m MiB] [-d DIR] [-s SIZES] "
	    "[-r ROUNDS] [-o DIR]\n", argv0);
	exit(2);
}

struct opts {
	const char *file, *dir, *out;
	long mib;
};

static void
parse_args(struct bench *b, struct opts *o, int argc, char **argv)
{
	char defsizes[] = "4k,64k,1m";
	int ch;

	parse_sizes(b, defsizes);
	while ((ch = getopt(argc, argv, "f:m:d:s:r:o:")) != -1) {
		switch (ch) {
		case 'f':
			o->file = optarg;
			break;
		case 'm':
			o->mib = atol(optarg);
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'r':
			b->rounds = atoi(optarg);
			break;
		case 's':
			if (parse_sizes(b, optarg) < 0)
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || b->rounds < 1 || b->rounds > ROUNDS_MAX ||
	    (o->file == NULL && o->mib < 1))
		usage(argv[0]);
}

static int
run(struct bench *b, struct opts *o, char *src, char *dst)
{
	int fd, r;

	if (o->file == NULL && (fd = make_source(src, o->mib, b->scratch)) >= 0)
		close(fd);
	if ((b->chk = open(src, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (fd = mkstemp(dst)) < 0)
		return -errno;
	close(fd);
	if ((b->len = warm(b)) < 0)
		return -EIO;
	if ((r = start_helper(b, src, dst)) < 0) {
		stop_helper(b);
		return r;
	}
	run_rounds(b);
	if (stop_helper(b) < 0)
		b->bad++;
	if (b->bad == 0)
		report(b);
	return 0;
}

static void
close_if(int fd)
{
	if (fd >= 0)
		close(fd);
}

int
main(int argc, char **argv)
{
	struct bench b = { .rounds = 5, .rfd = -1, .wfd = -1, .chk = -1,
	    .dumpdir = -1 };
	struct opts o = { .mib = 256 };
	char src[4096], dst[4096];
	int r;

	parse_args(&b, &o, argc, argv);
	if (o.dir == NULL)
		o.dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(src, sizeof(src), "%s", o.file ? o.file : "");
	if (o.file == NULL)
		snprintf(src, sizeof(src), "%s/relay-src.XXXXXX", o.dir);
	snprintf(dst, sizeof(dst), "%s/relay-dst.XXXXXX", o.dir);
	b.rread = malloc(RREAD_HDR + P9_MSIZE_MAX);
	b.twrite = malloc(TWRITE_HDR + P9_MSIZE_MAX);
	b.scratch = malloc(P9_MSIZE_MAX);
	if (o.out && (b.dumpdir = open(o.out, O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror(o.out);
		return 1;
	}
	if (b.rread == NULL || b.twrite == NULL || b.scratch == NULL)
		r = -ENOMEM;
	else
		r = run(&b, &o, src, dst);
	if (r < 0)
		fprintf(stderr, "relay_bench: %s\n", strerror(-r));
	if (o.file == NULL)
		unlink(src);
	unlink(dst);
	close_if(b.rfd);
	close_if(b.wfd);
	close_if(b.chk);
	close_if(b.dumpdir);
	free(b.rread);
	free(b.twrite);
	free(b.scratch);
	return r < 0 || b.bad ? 1 : 0;
}
