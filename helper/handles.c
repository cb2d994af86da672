/* handles.c - handle table (see handles.h).
 *
 * id = generation << 32 | (index + 1), so 0 is never a valid handle.  The
 * generation of a slot changes on every reuse, which makes a stale handle
 * fail instead of silently naming the slot's next occupant. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "helper/handles.h"

struct slot {
	int fd;
	uint32_t gen;
	uint32_t refs;		/* borrowers + 1 while live */
	bool live;
	uint32_t next_free;	/* index + 1 of the next free slot, 0 = none */
};

struct handles {
	pthread_mutex_t mu;
	struct slot *slots;
	uint32_t nslots, max, used;
	uint32_t free_head;	/* index + 1, 0 = none */
};

int
handles_new(uint32_t max, struct handles **out)
{
	struct handles *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	pthread_mutex_init(&t->mu, NULL);
	t->max = max;
	*out = t;
	return 0;
}

void
handles_free(struct handles *t)
{
	if (t == NULL)
		return;
	for (uint32_t i = 0; i < t->nslots; i++)
		if (t->slots[i].fd >= 0 && (t->slots[i].live || t->slots[i].refs))
			close(t->slots[i].fd);
	free(t->slots);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

/* Generations start at random so that a handle cannot be predicted from
 * its index: defence in depth should a frontend ever serve tenants that
 * must not name each other's objects. */
static uint32_t
random_gen(void)
{
	uint32_t g = 0;

	if (getrandom(&g, sizeof(g), GRND_NONBLOCK) != sizeof(g))
		g = 1;
	return g ? g : 1;
}

static int
grow(struct handles *t)
{
	uint32_t n = t->nslots ? t->nslots * 2 : 1024;
	struct slot *s;

	if (n > t->max)
		n = t->max;
	if (n <= t->nslots)
		return -EMFILE;
	s = realloc(t->slots, n * sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	for (uint32_t i = t->nslots; i < n; i++) {
		s[i].fd = -1;
		s[i].gen = random_gen();
		s[i].refs = 0;
		s[i].live = false;
		s[i].next_free = (i + 1 < n) ? i + 2 : t->free_head;
	}
	t->free_head = t->nslots + 1;
	t->slots = s;
	t->nslots = n;
	return 0;
}

int
handles_add(struct handles *t, int fd, uint64_t *id)
{
	struct slot *s;
	uint32_t idx;
	int r = 0;

	pthread_mutex_lock(&t->mu);
	if (t->free_head == 0)
		r = grow(t);
	if (r < 0) {
		pthread_mutex_unlock(&t->mu);
		close(fd);
		return r;
	}
	idx = t->free_head - 1;
	s = &t->slots[idx];
	t->free_head = s->next_free;
	s->fd = fd;
	s->live = true;
	s->refs = 1;
	t->used++;
	*id = (uint64_t)s->gen << 32 | (idx + 1);
	pthread_mutex_unlock(&t->mu);
	return 0;
}

/* Caller holds mu.  NULL unless id names a live slot. */
static struct slot *
find(struct handles *t, uint64_t id)
{
	uint32_t idx = (uint32_t)id, gen = (uint32_t)(id >> 32);

	if (idx == 0 || idx > t->nslots)
		return NULL;
	struct slot *s = &t->slots[idx - 1];
	if (!s->live || s->gen != gen)
		return NULL;
	return s;
}

static void
drop(struct handles *t, struct slot *s)
{
	if (--s->refs > 0)
		return;
	close(s->fd);
	s->fd = -1;
	s->gen++;
	if (s->gen == 0)
		s->gen = 1;
	s->next_free = t->free_head;
	t->free_head = (uint32_t)(s - t->slots) + 1;
	t->used--;
}

int
handles_get(struct handles *t, uint64_t id, int *fd)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	s = find(t, id);
	if (s) {
		s->refs++;
		*fd = s->fd;
	}
	pthread_mutex_unlock(&t->mu);
	return s ? 0 : -EBADF;
}

void
handles_put(struct handles *t, uint64_t id)
{
	uint32_t idx = (uint32_t)id, gen = (uint32_t)(id >> 32);

	pthread_mutex_lock(&t->mu);
	if (idx > 0 && idx <= t->nslots && t->slots[idx - 1].gen == gen &&
	    t->slots[idx - 1].refs > 0)
		drop(t, &t->slots[idx - 1]);
	pthread_mutex_unlock(&t->mu);
}

int
handles_release(struct handles *t, uint64_t id)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	s = find(t, id);
	if (s) {
		s->live = false;
		drop(t, s);
	}
	pthread_mutex_unlock(&t->mu);
	return s ? 0 : -EBADF;
}

uint32_t
handles_count(struct handles *t)
{
	uint32_t n;

	pthread_mutex_lock(&t->mu);
	n = t->used;
	pthread_mutex_unlock(&t->mu);
	return n;
}
