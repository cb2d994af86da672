/* fuzz_p9_server.c - libFuzzer target: the 9P2000.L decoder and the
 * frontend's server state machine (frontend/p9_codec.c, conn.c, the ops),
 * in process, in front of a real helper server and core on a temporary
 * export.  This is what a hostile guest reaches.
 *
 * Input: the bytes a guest sends on one connection (9P messages back to
 * back).  Each is first given to the bare decoder (and a decoded T-message
 * is encoded again); then the whole stream is served by server_conn() as
 * one connection, replies going to /dev/null. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/frame.h"
#include "common/log.h"
#include "frontend/frontend.h"
#include "helper/core.h"
#include "helper/pb_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server srv;
static int devnull = -1;

static void *
helper_thread(void *arg)
{
	pb_server_run(arg);
	return NULL;
}

static void
setup(void)
{
	char dir[] = "/tmp/vfsd-fuzz-9p.XXXXXX", p[128];
	struct core_opts o = { .model = POLICY_MAPPED_XATTR, .fmode = 0600,
	    .dmode = 0700 };
	struct pb_server *ps;
	struct hclient *hc;
	struct hinfo info;
	struct core *c;
	pthread_t t;
	int sv[2], fd;

	signal(SIGPIPE, SIG_IGN);
	log_init("fuzz", LOG_LVL_ERR);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(p, sizeof(p), "%s/file", dir);
	if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) >= 0) {
		if (write(fd, "hello\n", 6) != 6)
			abort();
		close(fd);
	}
	snprintf(p, sizeof(p), "%s/dir", dir);
	mkdir(p, 0755);
	if (core_open_export(dir, &o, &c) < 0 || frame_socketpair(sv) < 0 ||
	    pb_server_new(c, sv[1], 2, &ps) < 0 ||
	    pthread_create(&t, NULL, helper_thread, ps) != 0 ||
	    hclient_start(sv[0], &hc, &info) < 0)
		abort();
	server_init(&srv, hc, &info);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
}

/* The bare codec on each message of the stream. */
static void
decode_each(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	struct p9_fcall f;
	size_t off = 0;
	uint32_t len;

	while (size - off >= 7) {
		len = p9_peek_size(data + off);
		if (len < 7 || len > size - off)
			break;
		memset(&f, 0, sizeof(f));
		if (p9_decode(data + off, len, &f) == 0 && p9_is_tmsg(f.type))
			p9_encode(out, sizeof(out), &f);
		off += len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];

	if (devnull < 0)
		setup();
	if (size > 100000)
		return 0;
	decode_each(data, size);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	/* The stream must fit the socket buffer, since nobody else reads
	 * while we write it. */
	if (write(sv[0], data, size) != (ssize_t)size) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	server_conn(&srv, sv[1], devnull, "fuzz");
	close(sv[0]);
	close(sv[1]);
	return 0;
}
