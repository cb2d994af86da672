/* frame.h - length-prefixed messages with optional descriptor passing.
 *
 * The frontend and helper talk over socketpair(AF_UNIX, SOCK_SEQPACKET):
 * each datagram is one frame, `len[4 LE] payload[len]`.  The prefix is
 * redundant with the datagram boundary and is checked against it, so a
 * truncated or padded frame is detected rather than parsed.  At most one
 * descriptor rides with a frame (SCM_RIGHTS), always helper -> frontend. */
#ifndef VFSD_FRAME_H
#define VFSD_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Largest payload either side sends: a 64 KiB xattr value plus its name
 * and envelope fits with room to spare, and it stays under the default
 * SO_SNDBUF of an AF_UNIX socket so an unprivileged process can send it. */
#define FRAME_MAX (128 * 1024)
#define FRAME_HDR 4

/* frame.c */
int frame_send(int sock, const void *payload, size_t len, int fd);
int frame_recv(int sock, void *payload, size_t cap, size_t *len, int *fd);
int frame_socketpair(int sv[2]);

#endif
