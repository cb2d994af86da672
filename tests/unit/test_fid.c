/* test_fid.c - the fid table: insert, lookup, replace, take, reference
 * counting of fids and shared handles, limits, and concurrent use. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "frontend/frontend.h"
#include "tests/unit/tap.h"

static atomic_int released;
static uint64_t last_released;

static void
count_release(void *ctx, uint64_t h)
{
	(void)ctx;
	atomic_fetch_add(&released, 1);
	last_released = h;
}

static struct fid *
node_fid(struct fidtab *t, uint32_t num, struct hnode *n)
{
	struct fid *f = fid_alloc(t, num);

	f->node = n;
	return f;
}

static void
test_basic(void)
{
	struct fidtab t;
	struct fid *f, *g;

	fidtab_init(&t, 4, count_release, NULL);
	f = node_fid(&t, 7, hnode_new(100));
	ok(fid_insert(f) == 0, "insert fid 7");
	fid_put(f);
	ok(fid_exists(&t, 7) && !fid_exists(&t, 8), "fid 7 exists, 8 not");
	g = node_fid(&t, 7, hnode_new(101));
	ok(fid_insert(g) == -EEXIST, "a second fid 7 is refused");
	fid_put(g);
	is_int(atomic_load(&released), 1,
	    "the refused fid's handle was released");
	f = fid_get(&t, 7);
	ok(f && f->node->h == 100, "lookup returns fid 7");
	g = fid_take(&t, 7);
	ok(g == f && !fid_exists(&t, 7), "take removes it from the table");
	fid_put(g);
	is_int(atomic_load(&released), 1,
	    "a request still holding the fid keeps the handle alive");
	fid_put(f);
	ok(atomic_load(&released) == 2 && last_released == 100,
	    "last put releases the handle");
	ok(fid_take(&t, 7) == NULL && fid_get(&t, 7) == NULL,
	    "taken fid is gone");
	fidtab_destroy(&t);
}

static void
test_shared_handles(void)
{
	struct fidtab t;
	struct hnode *n = hnode_new(200);
	struct fid *a, *b;

	atomic_store(&released, 0);
	fidtab_init(&t, 100, count_release, NULL);
	a = node_fid(&t, 1, n);
	b = node_fid(&t, 2, hnode_ref(n));
	fid_insert(a);
	fid_insert(b);
	fid_put(a);
	fid_put(b);
	fid_put(fid_take(&t, 1));
	is_int(atomic_load(&released), 0, "clone keeps the shared handle");
	ok(fid_set_name(b = fid_get(&t, 2), hnode_new(300), "x") == 0 &&
	    b->parent->h == 300, "fid records parent and name");
	fid_put(b);
	fid_put(fid_take(&t, 2));
	is_int(atomic_load(&released), 2,
	    "last clone releases node and parent handles");
	fidtab_destroy(&t);
}

static void
test_replace_and_limits(void)
{
	struct fidtab t;
	struct fid *f;
	int fds[2];

	atomic_store(&released, 0);
	fidtab_init(&t, 3, count_release, NULL);
	for (uint32_t i = 0; i < 3; i++) {
		f = node_fid(&t, i, hnode_new(i + 10));
		fid_insert(f);
		fid_put(f);
	}
	f = node_fid(&t, 9, hnode_new(99));
	ok(fid_insert(f) == -EMFILE, "fid limit gives EMFILE");
	fid_put(f);
	f = node_fid(&t, 1, hnode_new(50));
	ok(fid_replace(f) == 0 && fidtab_count(&t) == 3,
	    "replace keeps the count");
	fid_put(f);
	ok(atomic_load(&released) == 2 && last_released == 11,
	    "replace released the old fid's handle");
	/* An open descriptor is closed when the fid goes. */
	pipe(fds);
	f = fid_get(&t, 2);
	f->fd = fds[0];
	fid_put(f);
	fidtab_clear(&t);
	ok(fidtab_count(&t) == 0 && fcntl(fds[0], F_GETFD) == -1,
	    "clear drops every fid and closes its descriptor");
	close(fds[1]);
	is_int(atomic_load(&released), 5, "clear released every handle");
	fidtab_destroy(&t);
}

static void
test_many(void)
{
	struct fidtab t;
	int bad = 0;

	atomic_store(&released, 0);
	fidtab_init(&t, 1 << 20, count_release, NULL);
	for (uint32_t i = 0; i < 100000; i++) {
		struct fid *f = node_fid(&t, i * 7, hnode_new(i));
		if (fid_insert(f) != 0)
			bad++;
		fid_put(f);
	}
	for (uint32_t i = 0; i < 100000; i++) {
		struct fid *f = fid_get(&t, i * 7);
		if (f == NULL || f->node->h != i)
			bad++;
		fid_put(f);
	}
	ok(bad == 0 && fidtab_count(&t) == 100000,
	    "100000 fids inserted and found after the table grew");
	fidtab_destroy(&t);
	is_int(atomic_load(&released), 100000, "destroy released them all");
}

struct racer {
	struct fidtab *t;
	uint32_t base;
};

static void *
race(void *arg)
{
	struct racer *r = arg;

	for (int round = 0; round < 2000; round++) {
		uint32_t num = r->base + (uint32_t)(round % 16);
		struct fid *f = node_fid(r->t, num, hnode_new(num));
		if (fid_insert(f) == 0)
			fid_put(fid_take(r->t, num));
		fid_put(f);
		fid_put(fid_get(r->t, r->base));
	}
	return NULL;
}

static void
test_threads(void)
{
	struct fidtab t;
	pthread_t th[4];
	struct racer rr[4];

	atomic_store(&released, 0);
	fidtab_init(&t, 1000, count_release, NULL);
	for (int i = 0; i < 4; i++) {
		rr[i].t = &t;
		rr[i].base = (uint32_t)(i % 2) * 8;	/* overlapping numbers */
		pthread_create(&th[i], NULL, race, &rr[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ok(fidtab_count(&t) == 0, "concurrent insert/take leaves no fid");
	is_int(atomic_load(&released), 8000,
	    "every handle released exactly once under concurrency");
	fidtab_destroy(&t);
}

int
main(void)
{
	test_basic();
	test_shared_handles();
	test_replace_and_limits();
	test_many();
	test_threads();
	return tap_done();
}
