/* test_attrcache.c - Tgetattr from a node descriptor (frontend/attrcache.c)
 * on real files: what fstat answers, when the helper's stored answer is
 * trusted (ctime unchanged and older than the question) and when not,
 * per model, and the descriptor budget. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "frontend/frontend.h"
#include "policy/policy.h"
#include "tests/unit/tap.h"

static char dir[64], path[128];
static atomic_int released;

static void
count_release(void *ctx, uint64_t h)
{
	(void)ctx;
	(void)h;
	atomic_fetch_add(&released, 1);
}

/* The helper's answer as the frontend would get it: host values except
 * the identity, which a mapped model keeps elsewhere. */
static void
helper_answer(struct hattr *a, uint32_t mode, uint32_t uid)
{
	struct stat st;

	memset(a, 0, sizeof(*a));
	if (lstat(path, &st) != 0)
		abort();
	a->qid_path = 4242;	/* not st_ino: must come from the store */
	a->mode = (st.st_mode & S_IFMT) | mode;
	a->uid = uid;
	a->gid = 77;
	a->rdev = 0;
	a->ctime_sec = st.st_ctim.tv_sec;
	a->ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	a->gen = 9;
	a->has_gen = true;
}

static struct hnode *
node_with_fd(struct fdbudget *b)
{
	struct hnode *n = hnode_new(1);

	n->pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	n->budget = b;
	atomic_fetch_add(&b->used, 1);
	return n;
}

/* A question asked well after the last change: the answer is trusted. */
static void
later(struct timespec *t)
{
	acache_asked(t);
	t->tv_sec += 1;
}

static void
test_passthrough(struct fidtab *t, struct fdbudget *b)
{
	struct hnode *n = node_with_fd(b);
	struct timespec asked;
	struct hattr in, out;
	struct stat st;

	ok(acache_getattr(n, POLICY_PASSTHROUGH, P9_GETATTR_BASIC, &out) ==
	    -EAGAIN, "passthrough: nothing stored yet -> helper");
	helper_answer(&in, 0640, 1000);
	later(&asked);
	acache_store(n, &in, &asked);
	chmod(path, 0604);
	if (truncate(path, 11) != 0)
		abort();
	lstat(path, &st);
	ok(acache_getattr(n, POLICY_PASSTHROUGH, P9_GETATTR_BASIC, &out) == 0 &&
	    out.mode == st.st_mode && out.uid == st.st_uid && out.size == 11 &&
	    out.qid_path == 4242 && !out.has_gen,
	    "passthrough: mode, owner, size from fstat after a host change, "
	    "qid path from the store, no generation");
	ok(acache_getattr(n, POLICY_PASSTHROUGH, P9_GETATTR_BASIC |
	    P9_GETATTR_GEN, &out) == -EAGAIN,
	    "passthrough: generation asked after ctime moved -> helper");
	helper_answer(&in, 0604, 0);
	later(&asked);
	acache_store(n, &in, &asked);
	ok(acache_getattr(n, POLICY_PASSTHROUGH, P9_GETATTR_BASIC |
	    P9_GETATTR_GEN, &out) == 0 && out.has_gen && out.gen == 9,
	    "passthrough: generation from the store while ctime holds");
	hnode_put(t, n);
}

static void
test_mapped(struct fidtab *t, struct fdbudget *b)
{
	struct hnode *n = node_with_fd(b);
	struct timespec asked;
	struct hattr in, out;

	helper_answer(&in, 0750, 1234);
	later(&asked);
	acache_store(n, &in, &asked);
	ok(acache_getattr(n, POLICY_MAPPED_XATTR, P9_GETATTR_BASIC, &out) == 0 &&
	    (out.mode & 07777) == 0750 && out.uid == 1234 && out.gid == 77,
	    "mapped-xattr: the stored identity while ctime holds");
	if (setxattr(path, "user.virtfs.uid", "\1\0\0\0", 4, 0) != 0)
		abort();
	ok(acache_getattr(n, POLICY_MAPPED_XATTR, P9_GETATTR_BASIC, &out) ==
	    -EAGAIN, "mapped-xattr: a host setxattr moves ctime -> helper");
	helper_answer(&in, 0750, 1);
	acache_asked(&asked);
	asked.tv_sec = in.ctime_sec;	/* asked in the tick of the change */
	asked.tv_nsec = in.ctime_nsec;
	acache_store(n, &in, &asked);
	ok(acache_getattr(n, POLICY_MAPPED_XATTR, P9_GETATTR_BASIC, &out) ==
	    -EAGAIN, "mapped-xattr: an answer whose ctime is not older than "
	    "the question is not trusted");
	later(&asked);
	acache_store(n, &in, &asked);
	ok(acache_getattr(n, POLICY_MAPPED_XATTR, P9_GETATTR_BASIC, &out) == 0 &&
	    out.uid == 1, "mapped-xattr: a later answer is");
	ok(acache_getattr(n, POLICY_MAPPED_FILE, P9_GETATTR_BASIC, &out) ==
	    -EAGAIN, "mapped-file: always the helper");
	hnode_put(t, n);
}

static void
test_budget(struct fidtab *t)
{
	struct server s;
	struct nodefd_req q1, q2, q3;
	struct hnode *n = hnode_new(2);
	struct hattr a;
	int *p1, *p2;

	memset(&s, 0, sizeof(s));
	fdbudget_init(&s.nodefds, 2);
	helper_answer(&a, 0600, 0);
	p1 = nodefd_begin(&s, &q1);
	p2 = nodefd_begin(&s, &q2);
	ok(p1 && p2 && nodefd_begin(&s, &q3) == NULL &&
	    atomic_load(&s.nodefds.used) == 2,
	    "budget: two places, the third question asks for no descriptor");
	*p1 = open(path, O_PATH | O_CLOEXEC);
	nodefd_end(&q1, n, &a);
	nodefd_end(&q2, NULL, NULL);	/* the helper sent none */
	ok(n->pfd >= 0 && atomic_load(&s.nodefds.used) == 1,
	    "budget: the node keeps one, the unused place is given back");
	int fd = n->pfd;
	hnode_put(t, n);
	ok(atomic_load(&s.nodefds.used) == 0 && fcntl(fd, F_GETFD) < 0 &&
	    errno == EBADF, "budget: the last put closes it and gives it back");
	ok(fdbudget_for_nofile() > 0, "budget: RLIMIT_NOFILE gives a budget");
}

int
main(void)
{
	struct fdbudget b;
	struct fidtab t;
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/test_attrcache.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/f", dir);
	if ((fd = open(path, O_CREAT | O_WRONLY, 0600)) < 0)
		return 1;
	close(fd);
	fdbudget_init(&b, 100);
	fidtab_init(&t, 16, count_release, NULL);
	test_passthrough(&t, &b);
	test_mapped(&t, &b);
	ok(atomic_load(&b.used) == 0 && atomic_load(&released) == 2,
	    "every node gave back its handle and its descriptor");
	test_budget(&t);
	fidtab_destroy(&t);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
