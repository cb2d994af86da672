/* conn.c - one 9P connection: read frames, track tags, answer Tversion
 * and Tflush, hand everything else to the workers, write replies.
 *
 * Ordering rules (reference §2.7): a request's tag leaves the table and
 * its reply is written while holding the write lock, and Rflush for it is
 * written right after under the same lock.  So a Tflush that finds its
 * tag gone can only be answered after the reply went out, and a flushed
 * request never replies after its Rflush. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "frontend/frontend.h"

#define MAX_FREE_REQS 64
#define WRITE_TIMEOUT_MS 30000	/* a client that stops reading replies */

/* One read of the stream: whatever is there, or with `all' (a socket's
 * large payload) everything up to n in one recv(MSG_WAITALL), which
 * sleeps in the kernel until the payload is complete instead of
 * returning once per segment (a 256 KiB Twrite over QEMU's user network
 * arrived in ~23 pieces).  The descriptors of trans=fd may be pipes
 * (c->notsock, set when the connection is made: plain reads) or non-blocking
 * (EAGAIN, or a short count, waits in poll).  Returns the count, 0 at
 * end, -errno. */
static ssize_t
read_some(struct conn *c, uint8_t *buf, size_t n, bool all)
{
	for (;;) {
		ssize_t k;

		if (all && !c->notsock)
			k = recv(c->rfd, buf, n, MSG_WAITALL);
		else
			k = read(c->rfd, buf, n);
		if (k >= 0)
			return k;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		struct pollfd p = { .fd = c->rfd, .events = POLLIN };
		poll(&p, 1, -1);
	}
}

/* The first bytes of the next request, right after this thread answered
 * the only one in flight: poll the socket for the connection's window
 * first (spin.c says why and how the window adapts), then block as
 * read_some does.  Same results as read_some. */
static ssize_t
read_next(struct conn *c, uint8_t *buf, size_t n)
{
	struct server *s = c->srv;
	uint64_t t0 = spin_now_ns(), until = t0 + spin_budget(&c->spin, t0);
	uint64_t t = t0, back;
	ssize_t k = -1;
	int err = EAGAIN;
	bool caught;

	if (until > t0 && !c->notsock && !spin_client_here(c->rfd) &&
	    spin_claim(&s->spinners)) {
		do {
			if ((k = recv(c->rfd, buf, n, MSG_DONTWAIT)) >= 0)
				break;
			if ((err = errno) != EAGAIN && err != EINTR)
				break;
			sched_yield();	/* a client on this CPU goes first */
			back = spin_now_ns();
			if (back - t > s->poll_ns) {	/* someone else's CPU */
				spin_backoff(&c->spin, back);
				break;
			}
			t = back;
		} while (t < until);
		spin_release(&s->spinners);
	}
	caught = k >= 0;
	if (k < 0 && err != EAGAIN && err != EINTR)
		return -err;
	if (k < 0)
		k = read_some(c, buf, n, false);
	t = spin_now_ns() - t0;
	spin_learn(&c->spin, s->poll_ns, t);
	spin_judge(&c->spin, t, caught);
	return k;
}

/* Read exactly n bytes of the stream: 0, 1 at a clean end of stream
 * (nothing read and start set), or -errno.  Small messages come out of
 * a read-ahead buffer, so a burst of them costs one system call; large
 * payloads go straight to their destination. */
static int
read_in(struct conn *c, uint8_t *dst, size_t n, bool start)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		if (c->inpos < c->inlen) {
			size_t m = c->inlen - c->inpos;
			if (m > n - got)
				m = n - got;
			memcpy(dst + got, c->in + c->inpos, m);
			c->inpos += m;
			got += m;
			continue;
		}
		if (n - got >= CONN_INBUF)
			k = read_some(c, dst + got, n - got, true);
		else {
			bool next = start && got == 0 && c->spin_armed;

			c->inpos = c->inlen = 0;
			c->spin_armed = false;
			if ((k = next ? read_next(c, c->in, CONN_INBUF) :
			    read_some(c, c->in, CONN_INBUF, false)) > 0)
				c->inlen = (size_t)k;
			k = k > 0 ? 0 : k;
			if (c->inlen > 0)
				continue;
			if (k == 0)
				return got == 0 && start ? 1 : -EPIPE;
		}
		if (k < 0)
			return (int)k;
		if (k == 0)
			return -EPIPE;
		got += (size_t)k;
	}
	return 0;
}

/* After a write-like call on the connection returned k <= 0: true to
 * call it again (interrupted, or full and writable again within
 * WRITE_TIMEOUT_MS), false when the peer is gone or not reading. */
bool
conn_retry(struct conn *c, ssize_t k)
{
	struct pollfd p = { .fd = c->wfd, .events = POLLOUT };

	if (k < 0 && errno == EINTR)
		return true;
	return k < 0 && errno == EAGAIN && poll(&p, 1, WRITE_TIMEOUT_MS) > 0;
}

/* Peer gone, or not reading for too long: drop later replies and wake
 * the reader so the connection is torn down rather than holding workers
 * that every connection shares. */
void
conn_break(struct conn *c)
{
	c->broken = true;
	shutdown(c->rfd, SHUT_RDWR);
}

int
conn_write(struct conn *c, const uint8_t *buf, size_t len)
{
	size_t put = 0;

	while (put < len && !c->broken) {
		ssize_t k = write(c->wfd, buf + put, len - put);
		if (k > 0)
			put += (size_t)k;
		else if (!conn_retry(c, k))
			conn_break(c);
	}
	return c->broken ? -EPIPE : 0;
}

static struct req **
tag_slot(struct conn *c, uint16_t tag)
{
	struct req **pp = &c->tags[tag % REQ_TAG_BUCKETS];

	while (*pp && (*pp)->tag != tag)
		pp = &(*pp)->tag_next;
	return pp;
}

/* Called with c->lock held. */
static void
tag_remove(struct conn *c, struct req *r)
{
	struct req **pp;

	if (!r->in_table)
		return;
	pp = tag_slot(c, r->tag);
	if (*pp == r)
		*pp = r->tag_next;
	r->in_table = false;
	c->inflight--;
	pthread_cond_broadcast(&c->cond);
}

static struct req *
req_alloc(struct conn *c)
{
	struct req *r;

	pthread_mutex_lock(&c->lock);
	if ((r = c->freereq) != NULL) {
		c->freereq = r->next;
		c->nfreereq--;
	}
	c->live++;
	pthread_mutex_unlock(&c->lock);
	if (r == NULL && (r = malloc(sizeof(*r))) == NULL) {
		pthread_mutex_lock(&c->lock);
		c->live--;
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	memset(r, 0, offsetof(struct req, small));
	r->conn = c;
	return r;
}

/* Frames that fit the request's own buffer need nothing more; bigger
 * ones (Twrite data) borrow an msize buffer, and the number of those is
 * capped per connection: the reader waits for one, which is back-pressure
 * on a client that floods writes rather than unbounded memory. */
static int
req_buffer(struct conn *c, struct req *r, uint32_t size)
{
	if (size <= sizeof(r->small)) {
		r->buf = r->small;
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	while (c->bigbufs >= c->max_bigbufs)
		pthread_cond_wait(&c->cond, &c->lock);
	c->bigbufs++;
	r->big = c->freebig;
	c->freebig = NULL;
	pthread_mutex_unlock(&c->lock);
	if (r->big == NULL && (r->big = malloc(c->msize)) == NULL) {
		pthread_mutex_lock(&c->lock);
		c->bigbufs--;
		pthread_mutex_unlock(&c->lock);
		return -ENOMEM;
	}
	r->buf = r->big;
	return 0;
}

void
req_free(struct req *r)
{
	struct conn *c = r->conn;
	uint8_t *spare = NULL;

	pthread_mutex_lock(&c->lock);
	if (r->big) {
		c->bigbufs--;
		if (c->freebig == NULL)
			c->freebig = r->big;
		else
			spare = r->big;
		pthread_cond_broadcast(&c->cond);
	}
	if (c->nfreereq < MAX_FREE_REQS) {
		r->next = c->freereq;
		c->freereq = r;
		c->nfreereq++;
		r = NULL;
	}
	/* Last touch of the connection by this request: once live drops
	 * to 0 the connection may be torn down. */
	c->live--;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	free(spare);
	free(r);
}

static void
reply_now(struct conn *c, const struct p9_fcall *f)
{
	uint8_t buf[64];
	int n = p9_encode(buf, sizeof(buf), f);

	if (n < 0)
		return;
	pthread_mutex_lock(&c->wlock);
	conn_write(c, buf, (size_t)n);
	pthread_mutex_unlock(&c->wlock);
}

static void
reply_error(struct conn *c, uint16_t tag, int err)
{
	struct p9_fcall f = { .type = P9_RLERROR, .tag = tag };

	f.u.rlerror.ecode = (uint32_t)err;
	reply_now(c, &f);
}

/* Drop a finished request's tag and take the Tflush requests parked on
 * it.  The tag goes first: the client may reuse it the moment it reads
 * the reply. */
static struct req *
untag(struct conn *c, struct req *r)
{
	struct req *fl;

	pthread_mutex_lock(&c->lock);
	tag_remove(c, r);
	fl = r->flushers;
	r->flushers = NULL;
	pthread_mutex_unlock(&c->lock);
	return fl;
}

/* The request is done: send its reply (emit NULL: none), then answer
 * every Tflush that waited for it (and flushes of those), all under the
 * write lock so that nothing can come between them.  emit writes the
 * whole reply or breaks the connection. */
void
conn_finish_with(struct req *r, int (*emit)(struct conn *, void *),
    void *arg)
{
	struct conn *c = r->conn;
	struct req *todo, *done = r, *cur;

	pthread_mutex_lock(&c->wlock);
	todo = untag(c, r);
	if (emit)
		emit(c, arg);
	r->flush_next = NULL;
	while ((cur = todo) != NULL) {
		struct req *fl = untag(c, cur);
		struct p9_fcall f = { .type = P9_RFLUSH, .tag = cur->tag };
		uint8_t buf[P9_HDRSZ];

		todo = cur->flush_next;
		if (p9_encode(buf, sizeof(buf), &f) > 0)
			conn_write(c, buf, sizeof(buf));
		while (fl) {	/* a flush of this flush comes next */
			struct req *n = fl->flush_next;
			fl->flush_next = todo;
			todo = fl;
			fl = n;
		}
		cur->flush_next = done;
		done = cur;
	}
	pthread_mutex_unlock(&c->wlock);
	while (done) {
		struct req *n = done->flush_next;
		req_free(done);
		done = n;
	}
}

struct reply_bytes {
	const uint8_t *buf;
	size_t len;
};

static int
emit_bytes(struct conn *c, void *arg)
{
	struct reply_bytes *b = arg;

	return conn_write(c, b->buf, b->len);
}

void
conn_finish(struct req *r, const uint8_t *reply, size_t len)
{
	struct reply_bytes b = { reply, len };

	conn_finish_with(r, reply ? emit_bytes : NULL, &b);
}

/* Wait until no request but the caller's `keep` ones is alive, asking
 * them to stop where they can (queued requests are dropped, blocking
 * locks give up).  Waiting on `live` rather than on the tag table matters:
 * a worker still touches the connection after it untagged its request. */
static void
quiesce(struct conn *c, int keep)
{
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < REQ_TAG_BUCKETS; i++)
		for (struct req *r = c->tags[i]; r; r = r->tag_next)
			atomic_store(&r->flushed, true);
	while (c->inflight > 0 || c->live > keep)
		pthread_cond_wait(&c->cond, &c->lock);
	free(c->freebig);
	c->freebig = NULL;
	pthread_mutex_unlock(&c->lock);
}

/* Tversion: negotiate msize and reset the session (all fids gone). */
static void
do_version(struct conn *c, struct req *r)
{
	const struct p9_str *v = &r->t.u.version.version;
	uint32_t msize = r->t.u.version.msize;
	struct p9_fcall f = { .type = P9_RVERSION, .tag = r->tag };
	bool good = v->len == 8 && memcmp(v->s, "9P2000.L", 8) == 0 &&
	    msize >= P9_MSIZE_MIN;

	quiesce(c, 1);		/* all but this Tversion */
	fidtab_clear(&c->fids);
	if (msize > c->srv->max_msize)
		msize = c->srv->max_msize;
	f.u.version.msize = msize;
	f.u.version.version = p9_cstr(good ? "9P2000.L" : "unknown");
	if (good) {
		pthread_mutex_lock(&c->lock);
		c->msize = msize;
		c->max_bigbufs = (int)(c->srv->max_bigbytes / msize);
		if (c->max_bigbufs < 4)
			c->max_bigbufs = 4;
		pthread_mutex_unlock(&c->lock);
	}
	log_debug("%s: Tversion msize %u -> %s", c->peer,
	    r->t.u.version.msize, good ? "9P2000.L" : "unknown");
	reply_now(c, &f);
	req_free(r);
}

/* Put r in the tag table.  A tag already in flight is a client bug that
 * would make replies ambiguous: -EPROTO closes the connection.  Returns
 * the number of requests now in flight. */
static int
admit(struct conn *c, struct req *r)
{
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	if (*tag_slot(c, r->tag))
		rc = -EPROTO;
	else if (c->inflight >= c->srv->max_inflight)
		rc = -EAGAIN;
	else {
		r->tag_next = NULL;
		*tag_slot(c, r->tag) = r;
		r->in_table = true;
		rc = ++c->inflight;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* A request may run on the reader itself, saving the hand-off to a
 * worker, when it is the only one in flight and no other bytes are
 * waiting in the read-ahead: then nothing can be held up behind it but
 * requests the client sends while it runs, for one operation's time.
 * Tfsync can take seconds and always goes to a worker. */
static bool
run_inline(struct conn *c, struct req *r, int inflight)
{
	return inflight == 1 && c->inpos == c->inlen &&
	    r->t.type != P9_TFSYNC && c->rw.rbuf != NULL;
}

/* Tflush: answered at once when the old tag is not in flight, else
 * parked on the old request and answered when it finishes. */
static int
do_flush(struct conn *c, struct req *r)
{
	struct req *old;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	old = *tag_slot(c, r->t.u.tflush.oldtag);
	if (old && *tag_slot(c, r->tag))
		rc = -EPROTO;
	else if (old) {
		r->tag_next = NULL;
		*tag_slot(c, r->tag) = r;
		r->in_table = true;
		c->inflight++;
		atomic_store(&old->flushed, true);
		r->flush_next = old->flushers;
		old->flushers = r;
	}
	pthread_mutex_unlock(&c->lock);
	if (rc == 0 && old == NULL) {
		struct p9_fcall f = { .type = P9_RFLUSH, .tag = r->tag };
		reply_now(c, &f);
		req_free(r);
	}
	return rc;
}

/* Read one frame into a request: 0, 1 at end of stream, -errno to close
 * the connection. */
static int
read_req(struct conn *c, struct req **out)
{
	uint8_t hdr[P9_HDRSZ];
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	struct req *r;
	int rc;

	if ((rc = read_in(c, hdr, sizeof(hdr), true)) != 0)
		return rc;
	p9_peek_header(hdr, &size, &type, &tag);
	if (size < P9_HDRSZ || size > c->msize) {
		log_warnx("%s: frame of %u bytes (msize %u): closing",
		    c->peer, size, c->msize);
		return -EMSGSIZE;
	}
	if ((r = req_alloc(c)) == NULL)
		return -ENOMEM;
	if ((rc = req_buffer(c, r, size)) < 0 ||
	    (memcpy(r->buf, hdr, sizeof(hdr)),
	    rc = read_in(c, r->buf + P9_HDRSZ, size - P9_HDRSZ, false)) <
	    0) {
		req_free(r);
		return rc;
	}
	r->tag = tag;
	*out = r;
	return 0;
}

/* Route one decoded request; -errno closes the connection. */
static int
route(struct conn *c, struct req *r)
{
	int rc = p9_decode(r->buf, p9_peek_size(r->buf), &r->t);

	if (rc == -EBADMSG) {
		log_warnx("%s: malformed %s (tag %u): closing", c->peer,
		    p9_type_name(r->t.type), r->tag);
		req_free(r);
		return rc;
	}
	if (rc == 0 && !p9_is_tmsg(r->t.type))
		rc = -EOPNOTSUPP;
	if (rc < 0) {
		reply_error(c, r->tag, -rc);
		req_free(r);
		return 0;
	}
	if (r->t.type == P9_TVERSION) {
		do_version(c, r);
		return 0;
	}
	if (r->t.type == P9_TFLUSH)
		rc = do_flush(c, r);
	else if ((rc = admit(c, r)) > 0) {
		if (run_inline(c, r, rc)) {
			dispatch(r, &c->rw);
			c->spin_armed = true;	/* its reply is out */
		} else if (c->rw.rbuf == NULL || !dispatch_local(r, &c->rw))
			pool_submit(&c->pool, r);
		rc = 0;
	}
	if (rc == -EAGAIN) {	/* too many in flight */
		reply_error(c, r->tag, EAGAIN);
		req_free(r);
		rc = 0;
	}
	if (rc < 0) {
		log_warnx("%s: tag %u reused while in flight: closing",
		    c->peer, r->tag);
		req_free(r);
	}
	return rc;
}

void
conn_run(struct conn *c)
{
	struct req *r;
	int rc;

	while ((rc = read_req(c, &r)) == 0)
		if (route(c, r) < 0)
			break;
	if (rc < 0 && rc != -EMSGSIZE)
		log_debug("%s: read: %s", c->peer, strerror(-rc));
	log_debug("%s: reader: %" PRIu64 " waits for a request, %" PRIu64
	    " caught by polling; polled in %u of %u phases (mean wait "
	    "%u us polling, %u us blocking)", c->peer, c->spin.waits,
	    c->spin.caught, c->spin.polled_phases, c->spin.phases,
	    c->spin.mean[0] / 1000, c->spin.mean[1] / 1000);
	quiesce(c, 0);
	fidtab_clear(&c->fids);
}
