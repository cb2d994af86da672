/* fid.c - the per-connection fid table and the handles fids share.
 *
 * A fid is reference counted: the table holds one reference while the
 * fid number is live, and every request working on it holds another, so
 * a Tclunk racing with a Tread frees nothing under the reader's feet.
 * Handles (struct hnode) are counted the same way; the last put hands
 * the handle number to the table's release callback (helper_release in
 * the server, a counter in the tests). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/frontend.h"

#define FIDTAB_MIN_BUCKETS 64

int
fidtab_init(struct fidtab *t, size_t max, void (*release)(void *, uint64_t),
    void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->bucket = calloc(FIDTAB_MIN_BUCKETS, sizeof(*t->bucket));
	if (t->bucket == NULL)
		return -ENOMEM;
	t->nbucket = FIDTAB_MIN_BUCKETS;
	t->max = max;
	t->release = release;
	t->ctx = ctx;
	pthread_mutex_init(&t->lock, NULL);
	return 0;
}

static size_t
hash(const struct fidtab *t, uint32_t num)
{
	return (num * 2654435761u) & (t->nbucket - 1);
}

/* Double the buckets when chains get long; on ENOMEM keep the old ones
 * (lookups stay correct, just slower). */
static void
grow(struct fidtab *t)
{
	size_t n = t->nbucket * 2;
	struct fid **nb = calloc(n, sizeof(*nb));
	struct fid **old = t->bucket;
	size_t oldn = t->nbucket;

	if (nb == NULL)
		return;
	t->bucket = nb;
	t->nbucket = n;
	for (size_t i = 0; i < oldn; i++) {
		struct fid *f = old[i], *next;
		for (; f; f = next) {
			next = f->hnext;
			size_t h = hash(t, f->num);
			f->hnext = nb[h];
			nb[h] = f;
		}
	}
	free(old);
}

static struct fid **
find(struct fidtab *t, uint32_t num)
{
	struct fid **pp = &t->bucket[hash(t, num)];

	while (*pp && (*pp)->num != num)
		pp = &(*pp)->hnext;
	return pp;
}

struct hnode *
hnode_new(uint64_t h)
{
	struct hnode *n = malloc(sizeof(*n));

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->h = h;
	n->pfd = -1;
	atomic_init(&n->refs, 1);
	pthread_mutex_init(&n->lock, NULL);
	return n;
}

struct hnode *
hnode_ref(struct hnode *n)
{
	if (n)
		atomic_fetch_add(&n->refs, 1);
	return n;
}

void
hnode_put(struct fidtab *t, struct hnode *n)
{
	if (n == NULL || atomic_fetch_sub(&n->refs, 1) != 1)
		return;
	if (t->release)
		t->release(t->ctx, n->h);
	if (n->pfd >= 0) {
		close(n->pfd);
		atomic_fetch_sub(&n->budget->used, 1);
	}
	pthread_mutex_destroy(&n->lock);
	free(n);
}

struct fid *
fid_alloc(struct fidtab *t, uint32_t num)
{
	struct fid *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->num = num;
	f->tab = t;
	f->fd = -1;
	f->kind = FID_NODE;
	atomic_init(&f->refs, 1);
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

/* Put f in the table under its number; the table takes a reference. */
int
fid_insert(struct fid *f)
{
	struct fidtab *t = f->tab;
	struct fid **pp;
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	pp = find(t, f->num);
	if (*pp)
		rc = -EEXIST;
	else if (t->count >= t->max)
		rc = -EMFILE;
	else {
		atomic_fetch_add(&f->refs, 1);
		f->hnext = NULL;
		*pp = f;
		if (++t->count > t->nbucket * 2)
			grow(t);
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/* Put f in the table, dropping whatever fid had its number (Twalk with
 * newfid == fid). */
int
fid_replace(struct fid *f)
{
	struct fidtab *t = f->tab;
	struct fid *old, **pp;

	pthread_mutex_lock(&t->lock);
	pp = find(t, f->num);
	old = *pp;
	if (old == NULL && t->count >= t->max) {
		pthread_mutex_unlock(&t->lock);
		return -EMFILE;
	}
	atomic_fetch_add(&f->refs, 1);
	if (old) {
		f->hnext = old->hnext;
		t->count--;
	} else
		f->hnext = NULL;
	*pp = f;
	t->count++;
	pthread_mutex_unlock(&t->lock);
	if (old)
		fid_put(old);
	return 0;
}

struct fid *
fid_get(struct fidtab *t, uint32_t num)
{
	struct fid *f;

	pthread_mutex_lock(&t->lock);
	f = *find(t, num);
	if (f)
		atomic_fetch_add(&f->refs, 1);
	pthread_mutex_unlock(&t->lock);
	return f;
}

bool
fid_exists(struct fidtab *t, uint32_t num)
{
	bool r;

	pthread_mutex_lock(&t->lock);
	r = *find(t, num) != NULL;
	pthread_mutex_unlock(&t->lock);
	return r;
}

/* Remove num from the table; the caller inherits the table's reference
 * (and must fid_put it). */
struct fid *
fid_take(struct fidtab *t, uint32_t num)
{
	struct fid *f, **pp;

	pthread_mutex_lock(&t->lock);
	pp = find(t, num);
	f = *pp;
	if (f) {
		*pp = f->hnext;
		f->hnext = NULL;
		t->count--;
	}
	pthread_mutex_unlock(&t->lock);
	return f;
}

static void
fid_free(struct fid *f)
{
	/* Closing the descriptor also drops the OFD locks taken on it. */
	if (f->fd >= 0)
		close(f->fd);
	if (f->xa) {
		free(f->xa->buf);
		free(f->xa);
	}
	hnode_put(f->tab, f->node);
	hnode_put(f->tab, f->parent);
	free(f->name);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void
fid_put(struct fid *f)
{
	if (f && atomic_fetch_sub(&f->refs, 1) == 1)
		fid_free(f);
}

/* Record the directory and name f was reached by (for Trename/Tremove);
 * takes over the caller's reference to parent. */
int
fid_set_name(struct fid *f, struct hnode *parent, const char *name)
{
	char *n = NULL;

	if (name && (n = strdup(name)) == NULL) {
		hnode_put(f->tab, parent);
		return -ENOMEM;
	}
	hnode_put(f->tab, f->parent);
	free(f->name);
	f->parent = parent;
	f->name = n;
	return 0;
}

size_t
fidtab_count(struct fidtab *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->count;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* Drop every fid (Tversion, disconnect): unlink them all under the lock,
 * then put them outside it, since a put may call the release callback. */
void
fidtab_clear(struct fidtab *t)
{
	struct fid *all = NULL, *f, *next;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nbucket; i++) {
		for (f = t->bucket[i]; f; f = next) {
			next = f->hnext;
			f->hnext = all;
			all = f;
		}
		t->bucket[i] = NULL;
	}
	t->count = 0;
	pthread_mutex_unlock(&t->lock);
	for (f = all; f; f = next) {
		next = f->hnext;
		f->hnext = NULL;
		fid_put(f);
	}
}

void
fidtab_destroy(struct fidtab *t)
{
	fidtab_clear(t);
	free(t->bucket);
	t->bucket = NULL;
	pthread_mutex_destroy(&t->lock);
}
