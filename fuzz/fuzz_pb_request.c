/* fuzz_pb_request.c - libFuzzer target: the helper's protobuf side, in
 * process, against a real core on a temporary export: frame checks,
 * unpack, validation (unknown fields, phases, credentials), dispatch and
 * every handler down to the syscalls.  The helper's real server loop
 * (pb_server_run) reads the frames from a socketpair.
 *
 * Input: byte 0 picks the security model; then frames, each a u16 length
 * (LE) and that many bytes of a packed Request.  A valid hello is sent
 * first so that the fuzzer reaches the operations.  The reply side is
 * closed, so workers see EPIPE; what matters is that nothing crashes,
 * leaks or escapes the export. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/frame.h"
#include "common/log.h"
#include "helper/core.h"
#include "helper/pb_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
ssize_t getrandom(void *buf, size_t len, unsigned int flags);

/* Handle generations start at random (helper/handles.c); here they start
 * at 1, so that seeds can name the handles a session will be given and
 * the fuzzer gets past EBADF.  Only this target's calls come here. */
ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	(void)flags;
	memset(buf, 0, len);
	return (ssize_t)len;
}

static struct core *cores[2];

static void
setup(void)
{
	static const enum policy_model models[2] = { POLICY_PASSTHROUGH,
	    POLICY_MAPPED_XATTR };
	char dir[] = "/tmp/vfsd-fuzz-pb.XXXXXX", p[128];
	struct core_opts o = { .fmode = 0600, .dmode = 0700 };
	int i, fd;

	signal(SIGPIPE, SIG_IGN);
	log_init("fuzz", LOG_LVL_ERR);
	if (mkdtemp(dir) == NULL)
		abort();
	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%d", dir, i);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%d/file", dir, i);
		if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) >= 0)
			close(fd);
		snprintf(p, sizeof(p), "%s/%d/dir", dir, i);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%d", dir, i);
		o.model = models[i];
		if (core_open_export(p, &o, &cores[i]) < 0)
			abort();
	}
}

static void
send_hello(int sock)
{
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__HelloReq hello = VFSD__HELLO_REQ__INIT;
	uint8_t buf[64];
	size_t n;

	hello.version = PB_PROTO_VERSION;
	req.id = 1;
	req.op_case = VFSD__REQUEST__OP_HELLO;
	req.hello = &hello;
	n = vfsd__request__pack(&req, buf);
	frame_send(sock, buf, n, -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_server *s;
	size_t off = 1, n;
	int sv[2], frames = 0;

	if (cores[0] == NULL)
		setup();
	if (size < 1 || frame_socketpair(sv) < 0)
		return 0;
	if (pb_server_new(cores[data[0] & 1], sv[1], 1, &s) < 0)
		abort();
	send_hello(sv[0]);
	/* At most 32 frames: they must fit the socket's buffer unread. */
	while (off + 2 <= size && frames++ < 32) {
		n = (size_t)data[off] | (size_t)data[off + 1] << 8;
		off += 2;
		if (n > size - off)
			n = size - off;
		if (frame_send(sv[0], data + off, n, -1) < 0)
			break;
		off += n;
	}
	close(sv[0]);
	pb_server_run(s);
	pb_server_free(s);
	close(sv[1]);
	return 0;
}
