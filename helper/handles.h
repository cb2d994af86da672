/* handles.h - the helper's table of node descriptors it has handed out.
 *
 * The frontend never sees a descriptor for a path object: it sees a 64-bit
 * handle, an index plus a generation number, which the helper maps back to
 * an O_PATH descriptor.  A handle the helper never issued, or one already
 * released, is -EBADF: a compromised frontend cannot name an object by
 * guessing a descriptor number.  Lookups take a reference so a concurrent
 * release cannot close a descriptor another thread is using. */
#ifndef VFSD_HANDLES_H
#define VFSD_HANDLES_H

#include <stdint.h>

struct handles;

/* handles.c */
int handles_new(uint32_t max, struct handles **out);
void handles_free(struct handles *t);
/* Takes ownership of fd (closed on failure too). */
int handles_add(struct handles *t, int fd, uint64_t *id);
/* Borrow the descriptor of id; pair with handles_put(). */
int handles_get(struct handles *t, uint64_t id, int *fd);
void handles_put(struct handles *t, uint64_t id);
int handles_release(struct handles *t, uint64_t id);
uint32_t handles_count(struct handles *t);

#endif
