/* frame.c - one frame per SEQPACKET datagram, descriptors by SCM_RIGHTS.
 *
 * This is the only place descriptors are sent or received between the two
 * processes, so the rules live here: at most one descriptor per frame,
 * received with MSG_CMSG_CLOEXEC, and a descriptor the caller did not ask
 * for is closed and reported as a protocol error. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/frame.h"

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
frame_socketpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -errno;
	return 0;
}

int
frame_send(int sock, const void *payload, size_t len, int fd)
{
	uint8_t hdr[FRAME_HDR];
	struct iovec iov[2];
	struct msghdr msg;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	ssize_t n;

	if (len > FRAME_MAX)
		return -EMSGSIZE;
	put_le32(hdr, (uint32_t)len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)payload;
	iov[1].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -errno;
	if ((size_t)n != len + FRAME_HDR)
		return -EIO;	/* SEQPACKET is all or nothing; be safe */
	return 0;
}

/* Close every descriptor carried by msg; returns how many there were. */
static int
drain_fds(struct msghdr *msg, int *keep)
{
	int count = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count == 0 && keep)
				*keep = fd;
			else
				close(fd);
			count++;
		}
	}
	return count;
}

/* Returns 0 with *len set, 1 at end of stream, or -errno.  If fd is NULL
 * the caller accepts no descriptor and one arriving is -EBADMSG. */
int
frame_recv(int sock, void *payload, size_t cap, size_t *len, int *fd)
{
	uint8_t hdr[FRAME_HDR];
	struct iovec iov[2];
	struct msghdr msg;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} cm;
	ssize_t n;
	int got = -1, nfds;

	if (fd)
		*fd = -1;
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = payload;
	iov[1].iov_len = cap;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -errno;
	nfds = drain_fds(&msg, &got);
	if (n == 0 && nfds == 0)
		return 1;
	if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || nfds > 1 ||
	    (nfds == 1 && fd == NULL) || (size_t)n < FRAME_HDR ||
	    get_le32(hdr) != (size_t)n - FRAME_HDR) {
		if (got >= 0)
			close(got);
		return -EBADMSG;
	}
	*len = (size_t)n - FRAME_HDR;
	if (fd)
		*fd = got;
	return 0;
}
