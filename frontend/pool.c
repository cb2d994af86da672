/* pool.c - the worker threads of one connection.
 *
 * Workers are started on demand: when a request is queued and no worker
 * is idle, a new one starts, up to max.  Blocking lock requests occupy a
 * worker while they wait, so the pool grows rather than letting them
 * starve other requests of the same connection.  Each worker owns reply
 * and scratch buffers of the largest msize, allocated once and reused for
 * every request (untouched pages cost nothing). */
#include <stdlib.h>

#include "common/log.h"
#include "frontend/frontend.h"

static struct req *
next_req(struct pool *p)
{
	struct req *r;

	while (p->head == NULL && !p->stop) {
		p->nidle++;
		pthread_cond_wait(&p->cond, &p->lock);
		p->nidle--;
	}
	if ((r = p->head) == NULL)
		return NULL;		/* stopping, queue drained */
	p->head = r->next;
	if (p->head == NULL)
		p->tail = NULL;
	p->queued--;
	return r;
}

static void *
worker_main(void *arg)
{
	struct pool *p = arg;
	struct worker w;
	struct req *r;

	w.cap = P9_MSIZE_MAX;
	w.rbuf = malloc(w.cap);
	w.scratch = malloc(w.cap);
	if (w.rbuf == NULL || w.scratch == NULL)
		fatalx("worker: out of memory");
	pthread_mutex_lock(&p->lock);
	while ((r = next_req(p)) != NULL) {
		pthread_mutex_unlock(&p->lock);
		r->next = NULL;
		dispatch(r, &w);
		pthread_mutex_lock(&p->lock);
	}
	p->nthreads--;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	free(w.rbuf);
	free(w.scratch);
	return NULL;
}

/* Called with p->lock held. */
static int
spawn(struct pool *p)
{
	pthread_t t;
	pthread_attr_t a;
	int rc;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &a, worker_main, p);
	pthread_attr_destroy(&a);
	if (rc == 0)
		p->nthreads++;
	return rc;
}

void
pool_init(struct pool *p, int max)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->head = p->tail = NULL;
	p->nthreads = p->nidle = p->queued = 0;
	p->max = max;
	p->stop = false;
}

void
pool_submit(struct pool *p, struct req *r)
{
	pthread_mutex_lock(&p->lock);
	r->next = NULL;
	if (p->tail)
		p->tail->next = r;
	else
		p->head = r;
	p->tail = r;
	p->queued++;
	if (p->queued > p->nidle && p->nthreads < p->max &&
	    spawn(p) != 0 && p->nthreads == 0)
		fatalx("cannot start a worker thread");
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Let the workers finish what is queued, then wait for them to exit. */
void
pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	while (p->nthreads > 0)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
}
