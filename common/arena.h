/* arena.h - a per-thread bump allocator for protobuf-c unpacking.
 *
 * Every request and response is unpacked, used and dropped within one
 * call, so its pieces can come from one buffer that is simply rewound
 * afterwards (arena_reset) instead of a malloc and a free per field.
 * Pieces that do not fit fall back to malloc and are freed at reset. */
#ifndef VFSD_ARENA_H
#define VFSD_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#define ARENA_BIG_MAX 32

struct arena {
	uint8_t *buf;
	size_t cap, used;
	void *big[ARENA_BIG_MAX];
	int nbig;
	ProtobufCAllocator pa;	/* hand &pa to *_unpack() */
};

/* arena.c */
int arena_init(struct arena *a, size_t cap);
void arena_reset(struct arena *a);
void arena_destroy(struct arena *a);

#endif
