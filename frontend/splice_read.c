/* splice_read.c - large Rreads from a regular file sent with splice(2).
 *
 * The plain path copies a read three times: pread into the worker's
 * reply buffer, write into the socket, and the client's recv out of it.
 * Here the file's page-cache pages go into a per-worker pipe by
 * reference (splice file -> pipe), and from the pipe into the socket
 * by reference again (af_unix and TCP keep page references for spliced
 * pages), so the only copy left is the client's.
 *
 * The pipe is filled before the reply is due: that is when the count
 * becomes known, and any failure up to then (a file system without
 * splice_read, a pipe that cannot be sized) simply leaves the request
 * to the pread path.  Once the 11-byte header is on the wire the frame
 * must be completed or the connection broken, as conn_write does: a
 * short frame would desynchronise every later reply.
 *
 * A read at an offset that is not page aligned spans one page more than
 * its size, and pipe-max-size (1 MiB unless raised, and an unprivileged
 * process may not exceed it) gives no slot for that page at msize 1 MiB:
 * the few bytes the pipe has no room for are read with pread and written
 * after the pipe's contents. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/frontend.h"

/* Below this the copies cost less than the extra system calls (header
 * send, pipe in, pipe out); see docs/bench.md for the measurement. */
#ifndef SPLICE_MIN		/* -DSPLICE_MIN=... to measure another */
#define SPLICE_MIN	(128u << 10)
#endif

#define RREAD_HDRSZ	(P9_HDRSZ + 4)	/* size type tag count */

void
splice_worker_init(struct worker *w)
{
	w->pipe[0] = w->pipe[1] = -1;
	w->pipecap = 0;
	w->pipe_refused = 0;
}

void
splice_worker_fini(struct worker *w)
{
	if (w->pipe[0] >= 0) {
		close(w->pipe[0]);
		close(w->pipe[1]);
	}
	splice_worker_init(w);
}

/* Only a socket takes spliced pages without copying them; a pipe of the
 * fd transport would just add a copy, so it keeps the plain path. */
bool
splice_conn_ok(int wfd)
{
	struct stat st;

	return fstat(wfd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* A pipe that can hold `need` bytes, made or grown on first use.  A size
 * the kernel refused (the user's pipe-user-pages-soft is used up, or it
 * exceeds pipe-max-size) is not asked for again by this worker. */
static bool
pipe_ready(struct worker *w, size_t need)
{
	int k;

	if (w->pipe[0] < 0) {
		if (pipe2(w->pipe, O_CLOEXEC) < 0) {
			w->pipe[0] = w->pipe[1] = -1;
			return false;
		}
		if ((k = fcntl(w->pipe[1], F_GETPIPE_SZ)) > 0)
			w->pipecap = (size_t)k;
	}
	if (w->pipecap >= need)
		return true;
	if (w->pipe_refused != 0 && need >= w->pipe_refused)
		return false;
	if ((k = fcntl(w->pipe[1], F_SETPIPE_SZ, (int)need)) < 0) {
		w->pipe_refused = need;
		return false;
	}
	w->pipecap = (size_t)k;
	return w->pipecap >= need;
}

/* What the emitter sends under the connection's write lock. */
struct spliced {
	struct worker *w;
	uint8_t hdr[RREAD_HDRSZ];
	size_t inpipe;		/* bytes still in the pipe */
	const uint8_t *tail;	/* what the pipe had no room for */
	size_t taillen;
};

/* The header, held back (MSG_MORE) so that TCP sends it with the data
 * rather than in a segment of its own. */
static int
send_header(struct conn *c, const uint8_t *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t k = send(c->wfd, buf + put, len - put,
		    MSG_MORE | MSG_NOSIGNAL);
		if (k > 0) {
			put += (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN && conn_wait_writable(c))
			continue;
		return -EPIPE;
	}
	return 0;
}

/* Never asks for more than the pipe holds: with the write end ours, an
 * empty pipe would wait forever. */
static int
pipe_to_conn(struct conn *c, struct spliced *s)
{
	unsigned int more = s->taillen > 0 ? SPLICE_F_MORE : 0;

	while (s->inpipe > 0) {
		ssize_t k = splice(s->w->pipe[0], NULL, c->wfd, NULL,
		    s->inpipe, more);
		if (k > 0) {
			s->inpipe -= (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN && conn_wait_writable(c))
			continue;
		return -EPIPE;
	}
	return 0;
}

/* conn_finish_with's emitter: the whole frame, or a broken connection. */
static int
emit_spliced(struct conn *c, void *arg)
{
	struct spliced *s = arg;

	if (c->broken)
		return -EPIPE;
	if (send_header(c, s->hdr, sizeof(s->hdr)) < 0 ||
	    pipe_to_conn(c, s) < 0) {
		conn_break(c);
		return -EPIPE;
	}
	return conn_write(c, s->tail, s->taillen);
}

static void
put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Fill the pipe from the file: the byte count (0 at end of file), or
 * -errno when nothing went in.  *full says the pipe ran out of room
 * before count. */
static ssize_t
fill_pipe(struct worker *w, int fd, size_t count, loff_t *pos, bool *full)
{
	size_t got = 0;

	*full = false;
	while (got < count) {
		/* NONBLOCK: a full pipe says EAGAIN instead of waiting
		 * for a reader that is this very thread. */
		ssize_t k = splice(fd, pos, w->pipe[1], NULL, count - got,
		    SPLICE_F_NONBLOCK);
		if (k > 0)
			got += (size_t)k;
		else if (k == 0)
			break;
		else if (errno == EINTR)
			continue;
		else if (got > 0) {
			/* EAGAIN: full.  Any other error after some data
			 * is a short read, as pread would report it. */
			*full = errno == EAGAIN;
			break;
		} else
			return -errno;
	}
	return (ssize_t)got;
}

/* Send the Rread of `count` bytes at `off` of fd (a regular file) by
 * splicing, and finish the request.  False: nothing was sent, the
 * caller reads the plain way. */
bool
splice_read(struct opctx *o, int fd, uint32_t count, uint64_t off)
{
	struct worker *w = o->w;
	struct spliced s = { .w = w };
	loff_t pos = (loff_t)off;
	ssize_t got, k = 0;
	bool full;
	uint32_t n;

	if (count < SPLICE_MIN || !o->c->wsock || !pipe_ready(w, count))
		return false;
	if ((got = fill_pipe(w, fd, count, &pos, &full)) <= 0)
		return false;	/* EOF or no splice here: pread says */
	s.inpipe = (size_t)got;
	if (full) {
		uint8_t *tail = w->rbuf + RREAD_HDRSZ;
		do {
			k = pread(fd, tail, count - (size_t)got, pos);
		} while (k < 0 && errno == EINTR);
		if (k > 0) {	/* an error here: the short read stands */
			s.tail = tail;
			s.taillen = (size_t)k;
		}
	}
	n = (uint32_t)(s.inpipe + s.taillen);
	put_le(s.hdr, RREAD_HDRSZ + n, 4);
	s.hdr[4] = P9_RREAD;
	put_le(s.hdr + 5, o->r->tag, 2);
	put_le(s.hdr + P9_HDRSZ, n, 4);
	conn_finish_with(o->r, emit_spliced, &s);
	if (s.inpipe > 0)	/* the connection broke: start clean */
		splice_worker_fini(w);
	return true;
}
