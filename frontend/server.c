/* server.c - server-wide settings and the life of a connection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "frontend/frontend.h"

#define MAX_WORKERS	32		/* per connection */
#define MAX_FIDS	(1u << 20)	/* cache=loose keeps one per dentry */
#define MAX_INFLIGHT	1024
#define MAX_BIGBYTES	(64u << 20)	/* Twrite frames buffered at once */
#define INITIAL_MSIZE	8192		/* until Tversion says otherwise */
#define NODEFDS_DEFAULT	4096		/* main.c sizes it by RLIMIT_NOFILE */
#define POLL_NS_DEFAULT	100000		/* --poll-us; spin.c says why */

#define RELEASE_BATCH	256
#define RELEASE_DELAY_MS 50	/* let clunks collect */

/* Handles go back to the helper as their last fid goes, queued here and
 * sent in batches; if memory runs out the handle is released at once.
 * The releaser is woken by the first handle of a batch and then waits
 * until the batch is full or RELEASE_DELAY_MS have passed.  A guest
 * under cache=none walks, stats and clunks every path component of
 * every system call, one request at a time (a Linux guest under TCG
 * sends one every 0.5-1 ms): with a 2 ms wait a tar extract cost one
 * Release per 2 handles, a quarter of all helper round trips; 50 ms
 * makes it one per ~60.  Until then the helper only keeps an O_PATH
 * descriptor of the node, which blocks no unlink, rename or rmdir. */
static void
release_handle(void *ctx, uint64_t h)
{
	struct server *s = ctx;
	struct relq *q = &s->relq;
	bool queued = false;

	pthread_mutex_lock(&q->lock);
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : RELEASE_BATCH;
		uint64_t *nh = realloc(q->h, cap * sizeof(*nh));
		if (nh) {
			q->h = nh;
			q->cap = cap;
		}
	}
	if (q->n < q->cap) {
		q->h[q->n++] = h;
		queued = true;
		if (q->n == 1 || q->n == RELEASE_BATCH)
			pthread_cond_signal(&q->cond);
	}
	pthread_mutex_unlock(&q->lock);
	if (!queued)
		helper_release(s->hc, &h, 1);
}

/* Called with q->lock held: wait until the batch is full or the delay
 * since its first handle has passed. */
static void
relq_collect(struct relq *q)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += RELEASE_DELAY_MS / 1000;
	until.tv_nsec += (RELEASE_DELAY_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (q->n < RELEASE_BATCH &&
	    pthread_cond_timedwait(&q->cond, &q->lock, &until) != ETIMEDOUT)
		;
}

static void *
releaser_main(void *arg)
{
	struct server *s = arg;
	struct relq *q = &s->relq;
	uint64_t batch[RELEASE_BATCH];

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->n == 0)
			pthread_cond_wait(&q->cond, &q->lock);
		relq_collect(q);
		size_t n = q->n < RELEASE_BATCH ? q->n : RELEASE_BATCH;
		q->n -= n;
		memcpy(batch, q->h + q->n, n * sizeof(*batch));
		pthread_mutex_unlock(&q->lock);
		helper_release(s->hc, batch, (int)n);
		pthread_mutex_lock(&q->lock);
	}
	return NULL;
}

void
server_init(struct server *s, struct hclient *hc, const struct hinfo *info)
{
	pthread_condattr_t ca;
	pthread_attr_t a;
	pthread_t t;

	memset(s, 0, sizeof(*s));
	s->hc = hc;
	s->info = *info;
	s->max_msize = P9_MSIZE_MAX;
	s->max_fids = MAX_FIDS;
	s->max_inflight = MAX_INFLIGHT;
	s->max_bigbytes = MAX_BIGBYTES;
	s->max_workers = MAX_WORKERS;
	s->poll_ns = POLL_NS_DEFAULT;
	spinners_init(&s->spinners);
	fdbudget_init(&s->nodefds, NODEFDS_DEFAULT);
	splice_pool_init(&s->pipes);
	pthread_mutex_init(&s->relq.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->relq.cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, releaser_main, s) != 0)
		fatalx("cannot start the handle releaser");
	pthread_attr_destroy(&a);
}

/* trans=fd may hand over pipes: they get read(2) instead of recv(2) and
 * no polling reader, and only a socket takes spliced pages without a
 * copy (a pipe would add one).  Decided once per connection. */
static bool
is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void
server_conn(struct server *s, int rfd, int wfd, const char *peer)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->in = malloc(CONN_INBUF)) == NULL ||
	    fidtab_init(&c->fids, s->max_fids, release_handle, s) < 0) {
		log_warnx("%s: out of memory", peer);
		if (c)
			free(c->in);
		free(c);
		return;
	}
	c->srv = s;
	c->rfd = rfd;
	c->wfd = wfd;
	c->notsock = !is_socket(rfd);
	c->wsock = is_socket(wfd);
	c->msize = INITIAL_MSIZE;
	c->max_bigbufs = 4;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	pthread_mutex_init(&c->wlock, NULL);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	pool_init(&c->pool, s->max_workers);
	log_debug("%s: connected", c->peer);
	pthread_cond_init(&c->lkcond, NULL);
	/* Without these the reader hands every request to a worker. */
	c->rw.cap = P9_MSIZE_MAX;
	c->rw.rbuf = malloc(c->rw.cap);
	c->rw.scratch = malloc(c->rw.cap);
	if (c->rw.scratch == NULL) {
		free(c->rw.rbuf);
		c->rw.rbuf = NULL;
	}
	conn_run(c);
	pool_stop(&c->pool);
	lock_waiters_stop(c);
	log_debug("%s: closed", c->peer);
	fidtab_destroy(&c->fids);
	while (c->freereq) {
		struct req *r = c->freereq;
		c->freereq = r->next;
		free(r);
	}
	free(c->freebig);
	free(c->in);
	free(c->rw.rbuf);
	free(c->rw.scratch);
	pthread_mutex_destroy(&c->wlock);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	pthread_cond_destroy(&c->lkcond);
	free(c);
}

struct conn_arg {
	struct server *s;
	int rfd, wfd;
	char peer[64];
};

static void *
conn_thread(void *arg)
{
	struct conn_arg *a = arg;

	server_conn(a->s, a->rfd, a->wfd, a->peer);
	close(a->rfd);
	if (a->wfd != a->rfd)
		close(a->wfd);
	free(a);
	return NULL;
}

/* Serve a connection on its own reader thread. */
int
server_conn_spawn(struct server *s, int rfd, int wfd, const char *peer)
{
	struct conn_arg *a = malloc(sizeof(*a));
	pthread_attr_t at;
	pthread_t t;
	int rc;

	if (a == NULL)
		return -1;
	a->s = s;
	a->rfd = rfd;
	a->wfd = wfd;
	snprintf(a->peer, sizeof(a->peer), "%s", peer);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &at, conn_thread, a);
	pthread_attr_destroy(&at);
	if (rc != 0) {
		free(a);
		return -1;
	}
	return 0;
}
