/* ops_lock.c - Tlock and Tgetlock as real host byte-range locks.
 *
 * Locks are open-file-description locks (F_OFD_*) on the descriptor of
 * the open fid, so they conflict with other fids, other guests and host
 * processes, and they vanish when the fid's descriptor is closed at
 * Tclunk or disconnect.
 *
 * A blocking request that meets a conflict is parked: it leaves its
 * worker (so any number of guest processes may wait on one mount without
 * starving the request that would release the lock) and a per-connection
 * thread retries every parked lock until it is granted, fails, or its
 * request is flushed (which includes Tversion and disconnect).  Replying
 * BLOCKED instead would make Linux sleep 30 s before trying again. */
#include <errno.h>
#include <time.h>

#include "common/log.h"
#include "frontend/frontend.h"

#define RETRY_NS	10000000L	/* 10 ms between retries */

static int
flock_from(uint8_t type, uint64_t start, uint64_t length, struct flock *fl)
{
	if (start > INT64_MAX || length > INT64_MAX)
		return -EINVAL;
	switch (type) {
	case P9_LOCK_RDLCK:
		fl->l_type = F_RDLCK;
		break;
	case P9_LOCK_WRLCK:
		fl->l_type = F_WRLCK;
		break;
	case P9_LOCK_UNLCK:
		fl->l_type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)start;
	fl->l_len = (off_t)length;	/* 0: to the end, as in 9P */
	fl->l_pid = 0;			/* required for OFD locks */
	return 0;
}

static int
open_fd(struct opctx *o, uint32_t num, struct fid **f)
{
	int rc, fd;

	if ((rc = op_node_fid(o, num, f)) < 0)
		return rc;
	pthread_mutex_lock(&(*f)->lock);
	fd = (*f)->fd;
	pthread_mutex_unlock(&(*f)->lock);
	if (fd < 0) {
		fid_put(*f);
		return -EBADF;
	}
	return fd;
}

/* One attempt: a 9P status (>= 0) or -errno. */
static int
try_lock(int fd, struct flock *fl)
{
	if (fcntl(fd, F_OFD_SETLK, fl) == 0)
		return P9_LOCK_SUCCESS;
	if (errno == EAGAIN || errno == EACCES || errno == EINTR)
		return P9_LOCK_BLOCKED;
	if (errno == ENOLCK || errno == EDEADLK)
		return P9_LOCK_ERROR;	/* a status, not an errno, in 9P */
	return -errno;
}

/* Finish a parked request: reply with a status or an error, or not at
 * all when it was flushed. */
static void
unpark(struct req *r, int rc)
{
	struct p9_fcall f = { .type = P9_RLOCK, .tag = r->tag };
	uint8_t buf[32];
	int n = 0;

	fid_put(r->lk_fid);
	r->lk_fid = NULL;
	if (atomic_load(&r->flushed)) {
		conn_finish(r, NULL, 0);
		return;
	}
	if (rc >= 0)
		f.u.rlock.status = (uint8_t)rc;
	else {
		f.type = P9_RLERROR;
		f.u.rlerror.ecode = (uint32_t)-rc;
	}
	n = p9_encode(buf, sizeof(buf), &f);
	conn_finish(r, n > 0 ? buf : NULL, n > 0 ? (size_t)n : 0);
}

/* Retry every parked lock once; returns those still waiting. */
static struct req *
retry_all(struct req *list)
{
	struct req *still = NULL, *r, *next;

	for (r = list; r; r = next) {
		int rc = P9_LOCK_BLOCKED;
		next = r->next;
		if (!atomic_load(&r->flushed))
			rc = try_lock(r->lk_fid->fd, &r->lk);
		if (rc == P9_LOCK_BLOCKED && !atomic_load(&r->flushed)) {
			r->next = still;
			still = r;
		} else
			unpark(r, rc);
	}
	return still;
}

static void *
waiter_main(void *arg)
{
	struct conn *c = arg;
	struct req *list, *still;
	struct timespec ts;

	pthread_mutex_lock(&c->lock);
	while (!c->lkstop || c->lkwait) {
		list = c->lkwait;
		c->lkwait = NULL;
		pthread_mutex_unlock(&c->lock);
		still = retry_all(list);
		pthread_mutex_lock(&c->lock);
		while (still) {
			struct req *n = still->next;
			still->next = c->lkwait;
			c->lkwait = still;
			still = n;
		}
		if (c->lkwait == NULL && !c->lkstop)
			pthread_cond_wait(&c->lkcond, &c->lock);
		else if (c->lkwait) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += RETRY_NS;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&c->lkcond, &c->lock, &ts);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static int
park(struct opctx *o, struct fid *f, const struct flock *fl)
{
	struct conn *c = o->c;
	struct req *r = o->r;
	int rc = 0;

	r->lk_fid = f;
	r->lk = *fl;
	pthread_mutex_lock(&c->lock);
	if (!c->lkthread_on) {
		if (pthread_create(&c->lkthread, NULL, waiter_main, c) == 0)
			c->lkthread_on = true;
		else
			rc = -EAGAIN;
	}
	if (rc == 0) {
		r->next = c->lkwait;
		c->lkwait = r;
		pthread_cond_signal(&c->lkcond);
	}
	pthread_mutex_unlock(&c->lock);
	if (rc < 0) {
		r->lk_fid = NULL;
		return rc;
	}
	return OP_PARKED;
}

int
op_lock(struct opctx *o)
{
	const struct p9_lockreq *t = &o->t->u.lock;
	struct flock fl;
	struct fid *f;
	int rc, fd;

	if (t->flags & ~(uint32_t)(P9_LOCK_FLAG_BLOCK | P9_LOCK_FLAG_RECLAIM))
		return -EINVAL;
	if ((rc = flock_from(t->type, t->start, t->length, &fl)) < 0)
		return rc;
	if ((fd = open_fd(o, t->fid, &f)) < 0)
		return fd;
	rc = try_lock(fd, &fl);
	if (rc == P9_LOCK_BLOCKED && (t->flags & P9_LOCK_FLAG_BLOCK)) {
		if ((rc = park(o, f, &fl)) == OP_PARKED)
			return rc;	/* the fid reference goes with it */
	}
	fid_put(f);
	if (rc < 0)
		return rc;
	o->rep.u.rlock.status = (uint8_t)rc;
	return 0;
}

/* Stop the connection's waiter thread; nothing is parked any more (the
 * connection waited for every live request). */
void
lock_waiters_stop(struct conn *c)
{
	bool on;

	pthread_mutex_lock(&c->lock);
	c->lkstop = true;
	on = c->lkthread_on;
	pthread_cond_signal(&c->lkcond);
	pthread_mutex_unlock(&c->lock);
	if (on)
		pthread_join(c->lkthread, NULL);
}

/* Linux sends Tgetlock with type UNLCK meaning "would any lock
 * conflict?", so that is probed as a write lock. */
int
op_getlock(struct opctx *o)
{
	const struct p9_lockreq *t = &o->t->u.lock;
	struct p9_lockreq *r = &o->rep.u.lock;
	struct flock fl;
	struct fid *f;
	int rc, fd;

	if ((rc = flock_from(t->type == P9_LOCK_UNLCK ? P9_LOCK_WRLCK :
	    t->type, t->start, t->length, &fl)) < 0)
		return rc;
	if ((fd = open_fd(o, t->fid, &f)) < 0)
		return fd;
	rc = fcntl(fd, F_OFD_GETLK, &fl) < 0 ? -errno : 0;
	fid_put(f);
	if (rc < 0)
		return rc;
	*r = *t;
	if (fl.l_type == F_UNLCK) {
		r->type = P9_LOCK_UNLCK;
		return 0;
	}
	r->type = fl.l_type == F_RDLCK ? P9_LOCK_RDLCK : P9_LOCK_WRLCK;
	r->start = (uint64_t)fl.l_start;
	r->length = (uint64_t)fl.l_len;
	r->proc_id = fl.l_pid > 0 ? (uint32_t)fl.l_pid : 0;
	return 0;
}
