/* arena.c - see arena.h. */
#include <errno.h>
#include <stdlib.h>

#include "common/arena.h"

static void *
arena_alloc(void *data, size_t size)
{
	struct arena *a = data;
	size_t need = (size + 15) & ~(size_t)15;

	if (need >= size && a->cap - a->used >= need) {
		void *p = a->buf + a->used;
		a->used += need;
		return p;
	}
	/* Too big for what is left: a real allocation, freed at reset.  If
	 * even the list of those is full, fail the unpack (ENOMEM) rather
	 * than leak. */
	if (a->nbig == ARENA_BIG_MAX)
		return NULL;
	void *p = malloc(size ? size : 1);
	if (p)
		a->big[a->nbig++] = p;
	return p;
}

static void
arena_free(void *data, void *p)
{
	/* Everything goes at arena_reset. */
	(void)data;
	(void)p;
}

int
arena_init(struct arena *a, size_t cap)
{
	a->buf = malloc(cap);
	if (a->buf == NULL)
		return -ENOMEM;
	a->cap = cap;
	a->used = 0;
	a->nbig = 0;
	a->pa.alloc = arena_alloc;
	a->pa.free = arena_free;
	a->pa.allocator_data = a;
	return 0;
}

void
arena_reset(struct arena *a)
{
	for (int i = 0; i < a->nbig; i++)
		free(a->big[i]);
	a->nbig = 0;
	a->used = 0;
}

void
arena_destroy(struct arena *a)
{
	arena_reset(a);
	free(a->buf);
	a->buf = NULL;
	a->cap = 0;
}
