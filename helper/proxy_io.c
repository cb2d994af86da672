/* proxy_io.c - byte-exact I/O on the proxy's stream socket.
 *
 * The proxy socket is SOCK_STREAM, so every message is read with exact
 * reads and written with loops; a short read at EOF is -ECONNRESET, never a
 * partial message handed upward.  Writes use MSG_NOSIGNAL: a peer that went
 * away must end the loop, not kill the process with SIGPIPE. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper/proxy.h"

/* One read(2) of up to len bytes: how many came, or -errno; EOF is
 * -ECONNRESET (every caller is inside a message or waiting for one). */
static ssize_t
read_some(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ECONNRESET : n;
}

int
proxy_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read_some(fd, p, len)) < 0)
			return (int)n;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
proxy_write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The fd reply class: exactly 4 data bytes in one sendmsg.  Success is
 * PROXY_FD_VALID with one descriptor in one SCM_RIGHTS message (QEMU
 * checks cmsg_len == CMSG_LEN(4)); failure is the negative errno with no
 * control message.  Never 0 or another positive value: QEMU would take it
 * for a descriptor number. */
int
proxy_send_fd_reply(int sock, int fd_or_err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	int32_t word = fd_or_err >= 0 ? PROXY_FD_VALID : fd_or_err;
	struct iovec iov = { &word, sizeof(word) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (fd_or_err >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd_or_err, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(word) ? 0 : -EIO;
}

/* The client side of the fd class, read the way QEMU reads it (one
 * recvmsg of 4 bytes).  Returns 0 with *fd set, or the status the helper
 * sent (negative), or -ENFILE for "valid" without a usable descriptor. */
int
proxy_recv_fd_reply(int sock, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	int32_t word = 0;
	struct iovec iov = { &word, sizeof(word) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(word))
		return -EIO;
	if (word != PROXY_FD_VALID)
		return word < 0 ? word : -EPROTO;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int))) {
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
			return 0;
		}
	}
	return -ENFILE;
}

/* Read one header-framed message into buf (header included).  A size
 * above the protocol limit or the buffer is -EMSGSIZE and nothing more is
 * read: the stream cannot be trusted after it. */
int
proxy_recv_msg(int sock, uint8_t *buf, size_t cap, uint32_t *type,
    uint32_t *size)
{
	int r;

	if (cap < PROXY_HDR_SIZE)
		return -EINVAL;
	r = proxy_read_full(sock, buf, PROXY_HDR_SIZE);
	if (r < 0)
		return r;
	proxy_get_hdr(buf, type, size);
	if (*size > PROXY_MAX_IO || *size > cap - PROXY_HDR_SIZE)
		return -EMSGSIZE;
	return proxy_read_full(sock, buf + PROXY_HDR_SIZE, *size);
}

/* Copy len bytes of the stream to dst, from the buffer first.  A request
 * too big for the buffer is read straight into dst. */
static int
reader_take(struct proxy_reader *rd, int sock, uint8_t *dst, size_t len)
{
	size_t m;
	ssize_t n;

	while (len > 0) {
		if (rd->off == rd->len) {
			rd->off = rd->len = 0;
			if (len >= sizeof(rd->buf))
				return proxy_read_full(sock, dst, len);
			if ((n = read_some(sock, rd->buf, sizeof(rd->buf))) < 0)
				return (int)n;
			rd->len = (size_t)n;
		}
		m = rd->len - rd->off < len ? rd->len - rd->off : len;
		memcpy(dst, rd->buf + rd->off, m);
		rd->off += m;
		dst += m;
		len -= m;
	}
	return 0;
}

/* proxy_recv_msg through the server's read buffer: the same checks, in the
 * same order (the size is refused before any of the payload is read). */
int
proxy_reader_msg(struct proxy_reader *rd, int sock, uint8_t *buf,
    size_t cap, uint32_t *type, uint32_t *size)
{
	int r;

	if (cap < PROXY_HDR_SIZE)
		return -EINVAL;
	r = reader_take(rd, sock, buf, PROXY_HDR_SIZE);
	if (r < 0)
		return r;
	proxy_get_hdr(buf, type, size);
	if (*size > PROXY_MAX_IO || *size > cap - PROXY_HDR_SIZE)
		return -EMSGSIZE;
	return reader_take(rd, sock, buf + PROXY_HDR_SIZE, *size);
}

static int
wait_readable(int sock, int timeout_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	int r;

	if (timeout_ms < 0)
		return 0;
	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

/* Send one request and read its reply the way QEMU does (the client side,
 * for tests and benchmarks).  Returns 0 with the reply in *rp (status in
 * rp->status, an fd in *fd), -ETIMEDOUT if no reply came within timeout_ms
 * (the request is still outstanding), or another -errno for a broken
 * stream.  buf holds the request and then the reply payload. */
int
proxy_call(int sock, const struct proxy_req *rq, uint8_t *buf, size_t cap,
    struct proxy_reply *rp, int *fd, int timeout_ms)
{
	int n, r;

	n = proxy_encode_req(rq, buf, cap);
	if (n < 0)
		return n;
	r = proxy_write_full(sock, buf, (size_t)n);
	if (r < 0)
		return r;
	return proxy_read_reply(sock, rq, buf, cap, rp, fd, timeout_ms);
}

int
proxy_read_reply(int sock, const struct proxy_req *rq, uint8_t *buf,
    size_t cap, struct proxy_reply *rp, int *fd, int timeout_ms)
{
	uint32_t type, size;
	int r;

	memset(rp, 0, sizeof(*rp));
	*fd = -1;
	r = wait_readable(sock, timeout_ms);
	if (r < 0)
		return r;
	if (proxy_class_of(rq->type) == PROXY_CLASS_FD) {
		rp->status = proxy_recv_fd_reply(sock, fd);
		return rp->status == -EIO ? -EIO : 0;
	}
	r = proxy_recv_msg(sock, buf, cap, &type, &size);
	if (r < 0)
		return r;
	return proxy_decode_reply(rq->type, rq->size, buf + PROXY_HDR_SIZE,
	    size, type, rp);
}
