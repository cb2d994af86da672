/* splice_read.c - large Rreads from a regular file sent with splice(2).
 *
 * The plain path copies a read three times: pread into the worker's
 * reply buffer, write into the socket, and the client's recv out of it.
 * Here the file's page-cache pages go by reference into a pipe (lent
 * from a small server-wide pool for the one read: splice file -> pipe),
 * and from the pipe into the socket by reference again (af_unix and TCP
 * keep page references for spliced pages), so the only copy left is the
 * client's.
 *
 * The pipe is filled before the reply is due: that is when the count
 * becomes known, and any failure up to then (a file system without
 * splice_read, a pipe that cannot be sized) simply leaves the request
 * to the pread path.  Once the 11-byte header is on the wire the frame
 * must be completed or the connection broken, as conn_write does: a
 * short frame would desynchronise every later reply.
 *
 * A read at an offset that is not page aligned would span one page more
 * than its size, and pipe-max-size (1 MiB unless raised, and an
 * unprivileged process may not exceed it) gives no slot for that page at
 * msize 1 MiB (a Linux client reads msize - 24 bytes at a time, so every
 * offset after the first is unaligned).  So the bytes up to the next page
 * boundary are read with pread and go out with the header in one send,
 * and the pipe takes the rest from a page boundary: five system calls per
 * Rread (recv, pread, splice in, send, splice out) where splicing from
 * the odd offset took seven (a second splice in found the pipe full, and
 * the last few bytes needed a pread and a write of their own).  Only a
 * pipe that could not be grown still leaves a tail, read with pread and
 * written after the pipe's contents. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/frontend.h"

/* Below this splicing saves nothing: the client's receive from spliced
 * 4 KiB page fragments costs more than from the large chunks a write
 * fills, which with the extra system calls (header, pipe in, pipe out)
 * eats the server's two saved copies (docs/bench.md has the figures). */
#ifndef SPLICE_MIN		/* -DSPLICE_MIN=... to measure another */
#define SPLICE_MIN	(128u << 10)
#endif

#define RREAD_HDRSZ	(P9_HDRSZ + 4)	/* size type tag count */

void
splice_pool_init(struct pipepool *pp)
{
	pthread_mutex_init(&pp->lock, NULL);
	for (int i = 0; i < SPLICE_PIPES; i++) {
		pp->pipes[i] = (struct spipe){ .rd = -1, .wr = -1 };
		pp->free[i] = &pp->pipes[i];
	}
	pp->nfree = SPLICE_PIPES;
}

/* A pipe for one read, or NULL when all are lent out: the read then
 * takes the plain path rather than waiting. */
static struct spipe *
pipe_take(struct pipepool *pp)
{
	struct spipe *p = NULL;

	pthread_mutex_lock(&pp->lock);
	if (pp->nfree > 0)
		p = pp->free[--pp->nfree];
	pthread_mutex_unlock(&pp->lock);
	return p;
}

/* Give it back; `dirty` (bytes were left in it: the connection broke)
 * closes it, and it is made afresh next time, since draining a pipe
 * nobody reads would cost the copy splice saved. */
static void
pipe_give(struct pipepool *pp, struct spipe *p, bool dirty)
{
	if (dirty) {
		close(p->rd);
		close(p->wr);
		*p = (struct spipe){ .rd = -1, .wr = -1 };
	}
	pthread_mutex_lock(&pp->lock);
	pp->free[pp->nfree++] = p;
	pthread_mutex_unlock(&pp->lock);
}

/* Make the pipe, or grow it, to hold `need` bytes.  A size the kernel
 * refused (the user's pipe-user-pages-soft is used up, or it exceeds
 * pipe-max-size) is not asked for again with this pipe. */
static bool
pipe_ready(struct spipe *p, size_t need)
{
	int fd[2], k;

	if (p->rd < 0) {
		if (pipe2(fd, O_CLOEXEC) < 0)
			return false;
		p->rd = fd[0];
		p->wr = fd[1];
		if ((k = fcntl(p->wr, F_GETPIPE_SZ)) > 0)
			p->cap = (size_t)k;
	}
	if (p->cap >= need)
		return true;
	if (p->refused != 0 && need >= p->refused)
		return false;
	if ((k = fcntl(p->wr, F_SETPIPE_SZ, (int)need)) < 0) {
		p->refused = need;
		return false;
	}
	p->cap = (size_t)k;
	return p->cap >= need;
}

/* What the emitter sends under the connection's write lock. */
struct spliced {
	struct spipe *p;
	const uint8_t *front;	/* the header and the head, contiguous */
	size_t frontlen;
	size_t inpipe;		/* bytes still in the pipe */
	const uint8_t *tail;	/* what the pipe had no room for */
	size_t taillen;
};

/* The header and head, held back (MSG_MORE) so that TCP sends them with
 * the data rather than in a segment of their own. */
static int
send_front(struct conn *c, const uint8_t *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t k = send(c->wfd, buf + put, len - put,
		    MSG_MORE | MSG_NOSIGNAL);
		if (k > 0)
			put += (size_t)k;
		else if (!conn_retry(c, k))
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
		ssize_t k = splice(s->p->rd, NULL, c->wfd, NULL,
		    s->inpipe, more);
		if (k > 0)
			s->inpipe -= (size_t)k;
		else if (!conn_retry(c, k))
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
	if (send_front(c, s->front, s->frontlen) < 0 ||
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
fill_pipe(struct spipe *p, int fd, size_t count, loff_t *pos, bool *full)
{
	size_t got = 0;

	*full = false;
	while (got < count) {
		/* NONBLOCK: a full pipe says EAGAIN instead of waiting
		 * for a reader that is this very thread. */
		ssize_t k = splice(fd, pos, p->wr, NULL, count - got,
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

/* pread all of len bytes at pos, or fail (a short read: end of file). */
static bool
pread_all(int fd, uint8_t *buf, size_t len, loff_t pos)
{
	ssize_t k;

	do {
		k = pread(fd, buf, len, pos);
	} while (k < 0 && errno == EINTR);
	return k == (ssize_t)len;
}

/* Send the Rread of `count` bytes at `off` of fd (a regular file) by
 * splicing, and finish the request.  False: nothing was sent, the
 * caller reads the plain way. */
bool
splice_read(struct opctx *o, int fd, uint32_t count, uint64_t off)
{
	struct pipepool *pp = &o->c->srv->pipes;
	struct spliced s = { 0 };
	uint8_t *rb = o->w->rbuf;
	/* sysconf answers the page size from the auxiliary vector: no
	 * system call, no state of ours. */
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	size_t head = (ps - (size_t)(off % ps)) % ps;
	loff_t pos = (loff_t)(off + head);
	ssize_t got, k = 0;
	bool full;
	uint32_t n;

	if (count < SPLICE_MIN || !o->c->wsock || (s.p = pipe_take(pp)) == NULL)
		return false;
	/* The head first: a file that ends within it is the plain path's
	 * (a short read, a few bytes). */
	if (!pipe_ready(s.p, count - head) ||
	    (head > 0 && !pread_all(fd, rb + RREAD_HDRSZ, head, (loff_t)off)) ||
	    (got = fill_pipe(s.p, fd, count - head, &pos, &full)) <= 0) {
		pipe_give(pp, s.p, false);	/* empty: EOF or no splice */
		return false;
	}
	s.inpipe = (size_t)got;
	if (full) {
		uint8_t *tail = rb + RREAD_HDRSZ + head;
		do {
			k = pread(fd, tail, count - head - (size_t)got, pos);
		} while (k < 0 && errno == EINTR);
		if (k > 0) {	/* an error here: the short read stands */
			s.tail = tail;
			s.taillen = (size_t)k;
		}
	}
	n = (uint32_t)(head + s.inpipe + s.taillen);
	put_le(rb, RREAD_HDRSZ + n, 4);
	rb[4] = P9_RREAD;
	put_le(rb + 5, o->r->tag, 2);
	put_le(rb + P9_HDRSZ, n, 4);
	s.front = rb;
	s.frontlen = RREAD_HDRSZ + head;
	conn_finish_with(o->r, emit_spliced, &s);
	pipe_give(pp, s.p, s.inpipe > 0);
	return true;
}
