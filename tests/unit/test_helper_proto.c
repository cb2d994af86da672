/* test_helper_proto.c - a hostile frontend against the real vfsd-helper.
 *
 * Starts build/vfsd-helper (or $VFSD_HELPER) on a temporary export through
 * a socketpair, as vfsd does, and checks that
 *  - the ordinary requests work (so the attacks below are meaningful);
 *  - escapes fail: '..' from the root, names with '/', symlinked parents,
 *    absolute and relative symlinks, handles never issued;
 *  - malformed, unknown and out-of-phase requests end the helper rather
 *    than being served;
 * and that a marker tree outside the export is never read or changed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/frame.h"
#include "frontend/hclient.h"
#include "proto/vfsd.pb-c.h"
#include "tests/unit/helper_fixture.h"
#include "tests/unit/tap.h"

static char base[64];
static char exportdir[128], outside[128];

static void
make_tree(void)
{
	char p[256];

	snprintf(base, sizeof(base), "/tmp/vfsd-proto.XXXXXX");
	if (mkdtemp(base) == NULL)
		exit(1);
	snprintf(exportdir, sizeof(exportdir), "%s/export", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	mkdir(exportdir, 0755);
	mkdir(outside, 0755);
	snprintf(p, sizeof(p), "%s/secret", outside);
	int fd = open(p, O_CREAT | O_WRONLY, 0600);
	if (write(fd, "secret\n", 7) != 7)
		exit(1);
	close(fd);
	snprintf(p, sizeof(p), "%s/file", exportdir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (write(fd, "inside\n", 7) != 7)
		exit(1);
	close(fd);
	snprintf(p, sizeof(p), "%s/sub", exportdir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/abs", exportdir);
	symlink(outside, p);			/* absolute escape */
	snprintf(p, sizeof(p), "%s/rel", exportdir);
	symlink("../outside", p);		/* relative escape */
	snprintf(p, sizeof(p), "%s/sub/chain", exportdir);
	symlink("../rel", p);			/* chained escape */
	snprintf(p, sizeof(p), "%s/fifo", exportdir);
	mkfifo(p, 0644);
}

static const struct hcred root = { 0, 0, 0, { 0 } };

static void
test_normal_and_escapes(const char *model)
{
	struct hclient *hc;
	struct hinfo info;
	struct hattr attrs[16], ra;
	uint64_t rooth, h, parent;
	int sock, nw, werr, fd, r;
	pid_t pid = hfx_spawn_helper(exportdir, model, &sock);

	tap_diag("model %s", model);
	if (!is_int(hclient_start(sock, &hc, &info), 0, "%s: hello", model)) {
		close(sock);
		hfx_exited(pid, 2000, NULL);
		return;
	}
	is_int(helper_attach(hc, &root, "", &rooth, &ra), 0, "%s: attach", model);
	ok(S_ISDIR(ra.mode), "%s: root is a directory", model);

	const char *file[] = { "file" };
	r = helper_walk(hc, &root, rooth, 1, file, attrs, &nw, &werr, &h, &parent);
	ok(r == 0 && nw == 1 && h != 0, "%s: walk to a file", model);
	r = helper_open(hc, &root, h, 0, &fd, &ra, NULL);
	ok(r == 0 && fd >= 0, "%s: open hands over a descriptor", model);
	if (r == 0) {
		char buf[16] = { 0 };
		ok(pread(fd, buf, sizeof(buf), 0) == 7 &&
		    memcmp(buf, "inside\n", 7) == 0, "%s: data path reads", model);
		close(fd);
	}

	/* '..' from the root, many times, stays at the root. */
	const char *up[] = { "..", "..", "..", ".." };
	r = helper_walk(hc, &root, rooth, 4, up, attrs, &nw, &werr, &h, &parent);
	ok(r == 0 && nw == 4, "%s: walk .. x4 succeeds", model);
	struct hattr rootattr;
	helper_getattr(hc, &root, rooth, &rootattr);
	ok(r == 0 && attrs[3].qid_path == rootattr.qid_path,
	    "%s: .. from the root is the root", model);
	const char *upsecret[] = { "..", "outside", "secret" };
	r = helper_walk(hc, &root, rooth, 3, upsecret, attrs, &nw, &werr, &h,
	    &parent);
	ok(r == 0 && nw == 1 && werr == ENOENT,
	    "%s: ../outside/secret is not found", model);

	const char *slash[] = { "sub/../../outside" };
	r = helper_walk(hc, &root, rooth, 1, slash, attrs, &nw, &werr, &h, &parent);
	is_int(r, -EINVAL, "%s: name with '/' refused", model);

	/* Symlinks are objects, never followed on the host. */
	const char *abs[] = { "abs", "secret" };
	r = helper_walk(hc, &root, rooth, 2, abs, attrs, &nw, &werr, &h, &parent);
	ok(r == 0 && nw == 1 && werr != 0,
	    "%s: absolute symlink not followed (walk stops, errno %d)", model, werr);
	const char *rel[] = { "rel", "secret" };
	r = helper_walk(hc, &root, rooth, 2, rel, attrs, &nw, &werr, &h, &parent);
	ok(r == 0 && nw == 1 && werr != 0,
	    "%s: relative symlink not followed", model);
	const char *chain[] = { "sub", "chain", "secret" };
	r = helper_walk(hc, &root, rooth, 3, chain, attrs, &nw, &werr, &h, &parent);
	ok(r == 0 && nw == 2 && werr != 0,
	    "%s: chained symlink not followed", model);
	const char *absonly[] = { "abs" };
	r = helper_walk(hc, &root, rooth, 1, absonly, attrs, &nw, &werr, &h,
	    &parent);
	if (r == 0 && nw == 1) {
		r = helper_open(hc, &root, h, 0, &fd, &ra, NULL);
		ok(r < 0, "%s: opening a symlink node fails (%d)", model, r);
		if (r == 0)
			close(fd);
		r = helper_create(hc, &root, h, "planted", 01, 0100644, 0, &parent,
		    &fd, &ra, NULL);
		ok(r < 0, "%s: creating through a symlink node fails (%d)",
		    model, r);
		if (r == 0)
			close(fd);
		helper_release(hc, &h, 1);
	} else {
		ok(0, "%s: walk to the symlink itself", model);
	}

	const char *fifo[] = { "fifo" };
	r = helper_walk(hc, &root, rooth, 1, fifo, attrs, &nw, &werr, &h, &parent);
	if (r == 0) {
		r = helper_open(hc, &root, h, 0, &fd, &ra, NULL);
		ok(r == -ENXIO, "%s: FIFO open refused at once (%d)", model, r);
		if (r == 0)
			close(fd);
	} else {
		ok(0, "%s: walk to fifo", model);
	}

	/* Handles never issued, released, or forged. */
	/* Never issued: index 0, an index far past any issued, and the root's
	 * index with other generations (generations start at random). */
	uint64_t forged[] = { 0, (uint64_t)-1, (rooth & ~0xffffffffull) | 100000,
		rooth ^ (1ull << 32), rooth ^ (0x5aull << 40), rooth & 0xffffffffull };
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		r = helper_getattr(hc, &root, forged[i], &ra);
		is_int(r, -EBADF, "%s: forged handle %#llx refused", model,
		    (unsigned long long)forged[i]);
	}
	uint64_t gone = rooth;
	helper_release(hc, &gone, 1);
	is_int(helper_getattr(hc, &root, rooth, &ra), -EBADF,
	    "%s: released handle refused", model);
	is_int(helper_mkdir(hc, &root, rooth, "x", 040755, 0, &ra), -EBADF,
	    "%s: mkdir under a released handle refused", model);

	ok(hfx_outside_untouched(outside), "%s: outside tree untouched", model);
	hclient_stop(hc);
	close(sock);
	ok(hfx_exited(pid, 2000, NULL), "%s: helper exits when the frontend closes", model);
}

/* Send raw bytes as one frame and report whether the helper quit. */
static int
raw_kills_helper(const void *bytes, size_t len, int hello_first)
{
	int sock;
	pid_t pid = hfx_spawn_helper(exportdir, "passthrough", &sock);
	uint8_t buf[64];

	if (hello_first) {
		Vfsd__Request req = VFSD__REQUEST__INIT;
		Vfsd__HelloReq hello = VFSD__HELLO_REQ__INIT;
		hello.version = 1;
		req.id = 1;
		req.op_case = VFSD__REQUEST__OP_HELLO;
		req.hello = &hello;
		size_t n = vfsd__request__pack(&req, buf);
		frame_send(sock, buf, n, -1);
	}
	write(sock, bytes, len);	/* a raw datagram, no prefix added */
	int r = hfx_exited(pid, 2000, NULL);
	close(sock);
	return r;
}

static size_t
frame_of(uint8_t *out, const uint8_t *payload, size_t len)
{
	out[0] = len; out[1] = len >> 8; out[2] = len >> 16; out[3] = len >> 24;
	memcpy(out + 4, payload, len);
	return len + 4;
}

static void
test_malformed(void)
{
	uint8_t f[256];
	size_t n;

	/* A request packed by hand: id=2 (08 02), op field 99 (unknown). */
	static const uint8_t unknown_op[] = { 0x08, 0x02, 0x9a, 0x06, 0x00 };
	n = frame_of(f, unknown_op, sizeof(unknown_op));
	ok(raw_kills_helper(f, n, 1), "unknown operation ends the helper");

	static const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01 };
	n = frame_of(f, garbage, sizeof(garbage));
	ok(raw_kills_helper(f, n, 1), "undecodable request ends the helper");

	/* Length prefix that lies about the datagram size. */
	static const uint8_t lie[] = { 0xff, 0xff, 0x00, 0x00, 0x08, 0x01 };
	ok(raw_kills_helper(lie, sizeof(lie), 1), "lying length prefix ends the helper");
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 0x08, 0x01 };
	ok(raw_kills_helper(huge, sizeof(huge), 1), "4 GiB length prefix ends the helper");
	ok(raw_kills_helper(f, 2, 1), "truncated frame ends the helper");

	/* Getattr before hello: id=1, cred{uid 0 gid 0}, getattr{handle 1}. */
	static const uint8_t early[] = { 0x08, 0x01, 0x12, 0x04, 0x08, 0x00,
		0x10, 0x00, 0x72, 0x02, 0x08, 0x01 };
	n = frame_of(f, early, sizeof(early));
	ok(raw_kills_helper(f, n, 0), "request before hello ends the helper");

	/* Second hello. */
	static const uint8_t hello[] = { 0x08, 0x05, 0x52, 0x02, 0x08, 0x01 };
	n = frame_of(f, hello, sizeof(hello));
	ok(raw_kills_helper(f, n, 1), "second hello ends the helper");

	/* Walk without credentials: id=3, walk{dir 1, names "a"}. */
	static const uint8_t nocred[] = { 0x08, 0x03, 0x62, 0x05, 0x08, 0x01,
		0x12, 0x01, 'a' };
	n = frame_of(f, nocred, sizeof(nocred));
	ok(raw_kills_helper(f, n, 1), "request without credentials ends the helper");

	/* Control: a well-formed getattr of a bogus handle does NOT. */
	static const uint8_t fine[] = { 0x08, 0x01, 0x12, 0x04, 0x08, 0x00,
		0x10, 0x00, 0x72, 0x02, 0x08, 0x07 };
	n = frame_of(f, fine, sizeof(fine));
	ok(!raw_kills_helper(f, n, 1), "a well-formed bad request is answered, not fatal");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (!tap_need_root())
		return 0;
	make_tree();
	test_normal_and_escapes("passthrough");
	test_normal_and_escapes("mapped-xattr");
	test_malformed();
	hfx_remove_tree(base);
	return tap_done();
}
