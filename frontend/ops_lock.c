/* ops_lock.c - Tlock and Tgetlock as real host byte-range locks.
 *
 * Locks are open-file-description locks (F_OFD_*) on the descriptor of
 * the open fid, so they conflict with other fids, other guests and host
 * processes, and they vanish when the fid's descriptor is closed at
 * Tclunk or disconnect.  A blocking request is retried here, in the
 * worker, until it is granted or its request is flushed: replying BLOCKED
 * would make Linux sleep 30 s before trying again. */
#include <errno.h>
#include <fcntl.h>
#include <time.h>

#include "frontend/frontend.h"

#define RETRY_MIN_NS	1000000L	/* 1 ms */
#define RETRY_MAX_NS	50000000L	/* 50 ms */

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

/* Retry until granted, a real error, or the request is flushed (which
 * includes the connection closing or a Tversion reset). */
static int
wait_lock(struct opctx *o, int fd, struct flock *fl)
{
	struct timespec ts = { 0, RETRY_MIN_NS };

	for (;;) {
		if (atomic_load(&o->r->flushed))
			return OP_DROP;
		nanosleep(&ts, NULL);
		if (fcntl(fd, F_OFD_SETLK, fl) == 0)
			return P9_LOCK_SUCCESS;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return -errno;
		ts.tv_nsec *= 2;
		if (ts.tv_nsec > RETRY_MAX_NS)
			ts.tv_nsec = RETRY_MAX_NS;
	}
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
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		rc = P9_LOCK_SUCCESS;
	else if (errno != EAGAIN && errno != EACCES)
		rc = -errno;
	else if (t->flags & P9_LOCK_FLAG_BLOCK)
		rc = wait_lock(o, fd, &fl);
	else
		rc = P9_LOCK_BLOCKED;
	fid_put(f);
	if (rc == -ENOLCK || rc == -EDEADLK)
		rc = P9_LOCK_ERROR;	/* a status, not an errno, in 9P */
	if (rc < 0 || rc == OP_DROP)
		return rc;
	o->rep.u.rlock.status = (uint8_t)rc;
	return 0;
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
