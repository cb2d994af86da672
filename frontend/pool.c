/* pool.c - the worker threads shared by every connection.
 *
 * Workers are started on demand: when a request is queued and no worker
 * is idle, a new one starts, up to max.  Blocking lock requests occupy a
 * worker while they wait, so the pool grows rather than letting them
 * starve other requests.  Each worker owns reply and scratch buffers of
 * the largest msize, allocated once and reused for every request. */
#include <stdlib.h>

#include "common/log.h"
#include "frontend/frontend.h"

#define POOL_PRESTART 4

static void *
worker_main(void *arg)
{
	struct pool *p = arg;
	struct worker w;

	w.cap = P9_MSIZE_MAX;
	w.rbuf = malloc(w.cap);
	w.scratch = malloc(w.cap);
	if (w.rbuf == NULL || w.scratch == NULL)
		fatalx("worker: out of memory");
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->head == NULL) {
			p->nidle++;
			pthread_cond_wait(&p->cond, &p->lock);
			p->nidle--;
		}
		struct req *r = p->head;
		p->head = r->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->queued--;
		pthread_mutex_unlock(&p->lock);
		r->next = NULL;
		dispatch(r, &w);
		pthread_mutex_lock(&p->lock);
	}
	return NULL;
}

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
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < POOL_PRESTART && i < max; i++)
		if (spawn(p) != 0)
			fatalx("cannot start worker threads");
	pthread_mutex_unlock(&p->lock);
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
