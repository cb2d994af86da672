/* attrcache.c - Tgetattr answered in the frontend.
 *
 * The helper sends an O_PATH descriptor of the node with each attach and
 * full walk (when the budget allows), and the frontend fstats it instead
 * of asking the helper.  An O_PATH descriptor can be stat'ed and nothing
 * else of use: no read, write, getdents, xattr or open through it (the
 * frontend's seccomp has no open-like call; docs/security.md).
 *
 * What fstat cannot tell is kept from the helper's last answer for the
 * node (struct acache): the qid path (multidevs mapping), rdev and file
 * type, which never change for the inode a descriptor pins; and, in
 * mapped-xattr, the guest identity (mode, uid, gid, rdev in xattrs) and,
 * in every model, the inode generation.  Those are reused only while the
 * host ctime is the one the helper saw: every chmod, chown, setxattr,
 * removexattr and generation change moves it, whoever makes it.
 *
 * ctime has the resolution of the kernel's coarse clock, so two changes
 * within one tick could leave it equal.  An answer is therefore trusted
 * only if its ctime is older than the coarse clock read before the
 * question was sent: any change after that gets a later ctime.
 * mapped-file keeps identity in a separate file whose changes leave the
 * node's ctime alone, so there every Tgetattr goes to the helper. */
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/frontend.h"
#include "policy/policy.h"

/* Leave at least this many descriptors, and half the limit, to open
 * fids, connections and the helper's channels. */
#define NODEFD_RESERVE 512

void
fdbudget_init(struct fdbudget *b, int max)
{
	atomic_init(&b->used, 0);
	b->max = max > 0 ? max : 0;
}

/* The budget RLIMIT_NOFILE allows; read before the sandbox (no
 * prlimit64 after it). */
int
fdbudget_for_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	if (rl.rlim_cur <= 2 * NODEFD_RESERVE)
		return 0;
	if (rl.rlim_cur > (1u << 20))
		rl.rlim_cur = 1u << 20;
	return (int)(rl.rlim_cur / 2);
}

static bool
fdbudget_take(struct fdbudget *b)
{
	if (atomic_fetch_add(&b->used, 1) < b->max)
		return true;
	atomic_fetch_sub(&b->used, 1);
	return false;
}

void
acache_asked(struct timespec *now)
{
	clock_gettime(CLOCK_REALTIME_COARSE, now);
}

/* Before a helper call that can bring a node descriptor: the place for
 * it in a helper_*_fd call, or NULL when the budget is spent. */
int *
nodefd_begin(struct server *s, struct nodefd_req *q)
{
	q->fd = -1;
	q->budget = &s->nodefds;
	acache_asked(&q->asked);
	q->took = fdbudget_take(q->budget);
	return q->took ? &q->fd : NULL;
}

/* After it: give the descriptor to n (a new node nobody else sees yet)
 * with the helper's attributes a, or drop it when n is NULL. */
void
nodefd_end(struct nodefd_req *q, struct hnode *n, const struct hattr *a)
{
	if (n && q->fd >= 0 && n->pfd < 0) {
		n->pfd = q->fd;
		n->budget = q->budget;
		acache_store(n, a, &q->asked);
		q->fd = -1;
		q->took = false;	/* the node gives it back */
		return;
	}
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	if (q->took)
		atomic_fetch_sub(&q->budget->used, 1);
	q->took = false;
}

static bool
ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static bool
ts_lt(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Remember the helper's answer a for n, asked at `asked'.  Answers may
 * arrive out of order: each stays right for as long as ctime matches,
 * so the last one stored wins. */
void
acache_store(struct hnode *n, const struct hattr *a,
    const struct timespec *asked)
{
	struct timespec ct = { a->ctime_sec, (long)a->ctime_nsec };

	if (n->pfd < 0)
		return;
	pthread_mutex_lock(&n->lock);
	n->ac.have = true;
	n->ac.fresh = ts_lt(&ct, asked);
	n->ac.ctime = ct;
	n->ac.qid_path = a->qid_path;
	n->ac.rdev = a->rdev;
	n->ac.gen = a->gen;
	n->ac.has_gen = a->has_gen;
	n->ac.mode = a->mode;
	n->ac.uid = a->uid;
	n->ac.gid = a->gid;
	pthread_mutex_unlock(&n->lock);
}

/* Tgetattr from n's descriptor: 0 with *a filled, or -EAGAIN when only
 * the helper can answer (no descriptor, no trusted answer stored, or
 * ctime moved where the stored part matters). */
int
acache_getattr(struct hnode *n, uint32_t model, uint64_t mask,
    struct hattr *a)
{
	struct acache c;
	struct stat st;
	bool same;

	if (n->pfd < 0 || model == POLICY_MAPPED_FILE)
		return -EAGAIN;
	pthread_mutex_lock(&n->lock);
	c = n->ac;
	pthread_mutex_unlock(&n->lock);
	if (!c.have || fstat(n->pfd, &st) != 0 ||
	    (st.st_mode & S_IFMT) != (c.mode & S_IFMT))
		return -EAGAIN;
	same = c.fresh && ts_eq(&st.st_ctim, &c.ctime);
	if (!same && (model == POLICY_MAPPED_XATTR ||
	    (c.has_gen && (mask & P9_GETATTR_GEN))))
		return -EAGAIN;
	a->qid_path = c.qid_path;
	if (model == POLICY_MAPPED_XATTR) {
		a->mode = c.mode;
		a->uid = c.uid;
		a->gid = c.gid;
	} else {
		a->mode = st.st_mode;
		a->uid = st.st_uid;
		a->gid = st.st_gid;
	}
	a->rdev = c.rdev;
	a->nlink = (uint64_t)st.st_nlink;
	a->size = (uint64_t)st.st_size;
	a->blksize = (uint64_t)st.st_blksize;
	a->blocks = (uint64_t)st.st_blocks;
	a->atime_sec = st.st_atim.tv_sec;
	a->atime_nsec = (uint32_t)st.st_atim.tv_nsec;
	a->mtime_sec = st.st_mtim.tv_sec;
	a->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	a->ctime_sec = st.st_ctim.tv_sec;
	a->ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	a->has_gen = same && c.has_gen;
	a->gen = a->has_gen ? c.gen : 0;
	return 0;
}
