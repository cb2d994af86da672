/* transport.c - where 9P connections come from: a listening unix or TCP
 * socket (one reader thread per accepted connection), or a pair of
 * inherited descriptors (trans=fd, like diod -r/-w). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "frontend/frontend.h"

/* A socket file nobody answers on is left over from a dead server and
 * may be replaced; one that answers is busy. */
static int
unix_listen(const char *path, int *fd, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int s;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket",
			    path);
			return -EEXIST;
		}
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s >= 0 && connect(s, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			close(s);
			snprintf(err, errlen, "%s: socket is busy (another "
			    "server is listening)", path);
			return -EADDRINUSE;
		}
		if (s >= 0)
			close(s);
		unlink(path);
	}
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(s, 64) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		if (s >= 0)
			close(s);
		return -e;
	}
	*fd = s;
	return 0;
}

/* "PORT" or "ADDR:PORT"; the default address is loopback, because 9P
 * over TCP has no authentication here. */
static int
tcp_listen(const char *spec, int *fd, char *err, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *colon = strrchr(spec, ':'), *port = colon ? colon + 1 :
	    spec;
	char addr[64] = "127.0.0.1", *end;
	unsigned long p = strtoul(port, &end, 10);
	int s, one = 1;

	if (colon && (size_t)(colon - spec) < sizeof(addr)) {
		memcpy(addr, spec, (size_t)(colon - spec));
		addr[colon - spec] = '\0';
	}
	if (*port == '\0' || *end != '\0' || p > 65535 ||
	    inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "bad tcp address '%s' (want "
		    "[ADDR:]PORT with a numeric IPv4 ADDR)", spec);
		return -EINVAL;
	}
	sin.sin_port = htons((uint16_t)p);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(s, 64) < 0) {
		int e = errno;
		snprintf(err, errlen, "tcp %s:%lu: %s%s", addr, p, strerror(e),
		    e == EADDRINUSE ? " (port busy)" : "");
		if (s >= 0)
			close(s);
		return -e;
	}
	*fd = s;
	return 0;
}

int
transport_listen(const char *spec, int *fd, char *err, size_t errlen)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return unix_listen(spec + 5, fd, err, errlen);
	if (strncmp(spec, "tcp:", 4) == 0)
		return tcp_listen(spec + 4, fd, err, errlen);
	snprintf(err, errlen, "bad --listen '%s' (want unix:PATH, "
	    "tcp:[ADDR:]PORT or fd:R[,W])", spec);
	return -EINVAL;
}

/* "fd:R" or "fd:R,W"; both must be open descriptors. */
int
transport_parse_fd(const char *spec, int *rfd, int *wfd)
{
	char *end;
	long r, w;

	if (strncmp(spec, "fd:", 3) != 0)
		return -EINVAL;
	r = strtol(spec + 3, &end, 10);
	if (end == spec + 3 || r < 0 || r > 65535)
		return -EINVAL;
	w = r;
	if (*end == ',') {
		const char *ws = end + 1;
		w = strtol(ws, &end, 10);
		if (end == ws || w < 0 || w > 65535)
			return -EINVAL;
	}
	if (*end != '\0')
		return -EINVAL;
	if (fcntl((int)r, F_GETFD) < 0 || fcntl((int)w, F_GETFD) < 0)
		return -EBADF;
	*rfd = (int)r;
	*wfd = (int)w;
	return 0;
}

static void
peer_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(out, len, "%s:%u", a, ntohs(in->sin_port));
	} else
		snprintf(out, len, "unix");
}

/* A unix stream socket lets a sender have at most its sk_sndbuf bytes
 * queued (net.core.wmem_default, 208 KiB): a 1 MiB Rread then crosses in
 * five or more turns of the client draining and the server waking.  Ask
 * for room for a few replies; the kernel caps the request at
 * net.core.wmem_max (Debian: 208 KiB, so 416 KiB once doubled; many
 * hosts raise it) and memory is only used while replies wait.  Measured
 * on one 1 MiB reader: 2.7 GB/s at the default, 4.0 GB/s at 416 KiB,
 * 6-8.5 GB/s at 8 MiB (docs/bench.md).  TCP sizes its own buffers. */
#define UNIX_SNDBUF	(4 << 20)

void
transport_serve(struct server *s, int lfd)
{
	unsigned long n = 0;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char peer[64], name[80];
		int c = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			log_warn("accept");
			sleep(1);	/* EMFILE and friends: let some close */
			continue;
		}
		if (ss.ss_family == AF_INET) {
			int one = 1;	/* small replies must not wait */
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		}
		if (ss.ss_family == AF_UNIX) {
			int sz = UNIX_SNDBUF;
			setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		}
		peer_name(&ss, peer, sizeof(peer));
		snprintf(name, sizeof(name), "%s#%lu", peer, ++n);
		if (server_conn_spawn(s, c, c, name) < 0) {
			log_warnx("%s: cannot start a reader thread", name);
			close(c);
		}
	}
}
