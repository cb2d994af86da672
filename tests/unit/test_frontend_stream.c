/* test_frontend_stream.c - how the running vfsd reads a connection and
 * gives handles back, over both kinds of inherited descriptor
 * (--listen fd:R,W): a socketpair, and two pipes (no recv() there).
 *
 *  - a 200 KiB Twrite whose payload trickles in, in pieces with pauses
 *    (as QEMU's user network delivers it): answered once, with the whole
 *    count, and the host file holds every byte, in order;
 *  - small requests sent back to back in one write (the read-ahead) are
 *    all answered;
 *  - handles of 300 walked and clunked fids go back to the helper in
 *    batches: its descriptor count returns to where it was within 2 s. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontend/p9.h"
#include "tests/unit/tap.h"

#define BIG (200 * 1024)

static char base[64], exportdir[128];
static int rfd = -1, wfd = -1;	/* the client's ends */
static uint8_t rbuf[P9_MSIZE_MAX];

static const char *
vfsd_path(void)
{
	static char buf[4096];
	const char *p = getenv("VFSD_BIN");
	ssize_t n;

	if (p)
		return p;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 32);
	if (n <= 0)
		return "build/vfsd";
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0';
	strcpy(strrchr(buf, '/'), "/vfsd");
	return buf;
}

/* Start vfsd on a socketpair or on two pipes; sets rfd/wfd. */
static pid_t
spawn_vfsd(int pipes)
{
	int in[2], out[2];	/* in: client -> server, out: server -> client */
	char spec[32], logp[160];
	pid_t pid;

	if (pipes) {
		if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
			return -1;
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
			return -1;
		out[0] = dup(in[0]);
		out[1] = dup(in[1]);
		fcntl(out[0], F_SETFD, FD_CLOEXEC);
		fcntl(out[1], F_SETFD, FD_CLOEXEC);
		/* in[1]/out[1] are the server's end, in[0]/out[0] ours */
	}
	snprintf(logp, sizeof(logp), "%s/vfsd-%s.log", base,
	    pipes ? "pipes" : "socket");
	if ((pid = fork()) == 0) {
		int lf = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int sr = pipes ? in[0] : in[1], sw = out[1];

		dup2(lf, 2);
		fcntl(sr, F_SETFD, 0);
		fcntl(sw, F_SETFD, 0);
		snprintf(spec, sizeof(spec), "fd:%d,%d", sr, sw);
		execl(vfsd_path(), "vfsd", "--export", exportdir,
		    "--security-model", "passthrough", "--listen", spec,
		    (char *)NULL);
		_exit(127);
	}
	if (pipes) {
		close(in[0]);
		close(out[1]);
		wfd = in[1];
		rfd = out[0];
	} else {
		close(in[1]);
		close(out[1]);
		wfd = in[0];
		rfd = out[0];
	}
	return pid;
}

static int
write_all(const uint8_t *p, size_t n)
{
	return tap_write_all(wfd, p, n);
}

static int
read_full(uint8_t *p, size_t n)
{
	return tap_read_full(rfd, p, n);
}

/* Wait up to 10 s for a reply (a lost one fails instead of hanging). */
static int
recv_msg(struct p9_fcall *f)
{
	uint32_t size;

	alarm(10);
	if (read_full(rbuf, P9_HDRSZ) < 0)
		return -1;
	size = p9_peek_size(rbuf);
	if (size < P9_HDRSZ || size > sizeof(rbuf) ||
	    read_full(rbuf + P9_HDRSZ, size - P9_HDRSZ) < 0)
		return -1;
	alarm(0);
	memset(f, 0, sizeof(*f));
	return p9_decode(rbuf, size, f) < 0 ? -1 : 0;
}

static int
rpc(struct p9_fcall *t, struct p9_fcall *r)
{
	uint8_t buf[8192];
	int n = p9_encode(buf, sizeof(buf), t);

	if (n < 0 || write_all(buf, (size_t)n) < 0 || recv_msg(r) < 0)
		return -1;
	return r->type;
}

static int
session(void)
{
	struct p9_fcall t = { .type = P9_TVERSION, .tag = P9_NOTAG }, r;

	t.u.version.msize = 262144;
	t.u.version.version = p9_cstr("9P2000.L");
	if (rpc(&t, &r) != P9_RVERSION)
		return -1;
	memset(&t, 0, sizeof(t));
	t.type = P9_TATTACH;
	t.tag = 1;
	t.u.tattach.fid = 0;
	t.u.tattach.afid = P9_NOFID;
	t.u.tattach.uname = p9_cstr("root");
	t.u.tattach.aname = p9_cstr("");
	t.u.tattach.n_uname = 0;
	return rpc(&t, &r) == P9_RATTACH ? 0 : -1;
}

static int
walk1(uint32_t fid, uint32_t newfid, const char *name)
{
	struct p9_fcall t = { .type = P9_TWALK, .tag = 2 }, r;

	t.u.twalk.fid = fid;
	t.u.twalk.newfid = newfid;
	t.u.twalk.nwname = name ? 1 : 0;
	if (name)
		t.u.twalk.wname[0] = p9_cstr(name);
	return rpc(&t, &r) == P9_RWALK ? 0 : -1;
}

static int
clunk(uint32_t fid)
{
	struct p9_fcall t = { .type = P9_TCLUNK, .tag = 3 }, r;

	t.u.tfid.fid = fid;
	return rpc(&t, &r) == P9_RCLUNK ? 0 : -1;
}

static void
pause_ms(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&d, NULL);
}

/* A Twrite of BIG bytes sent as a header and 1000 bytes, then 7 KiB
 * pieces with a pause after every eighth. */
static void
test_trickle(const char *kind)
{
	static uint8_t frame[BIG + 64], data[BIG];
	struct p9_fcall t = { .type = P9_TLCREATE, .tag = 4 }, r;
	char path[256];
	int n, fd, good;
	size_t off;
	struct stat st;

	for (size_t i = 0; i < BIG; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	t.u.tlcreate.fid = 1;
	t.u.tlcreate.name = p9_cstr("big");
	t.u.tlcreate.flags = O_RDWR | O_CREAT | O_TRUNC;
	t.u.tlcreate.mode = 0644;
	ok(walk1(0, 1, NULL) == 0 && rpc(&t, &r) == P9_RLCREATE,
	    "%s: Tlcreate big", kind);
	memset(&t, 0, sizeof(t));
	t.type = P9_TWRITE;
	t.tag = 5;
	t.u.twrite.fid = 1;
	t.u.twrite.count = BIG;
	t.u.twrite.data = data;
	n = p9_encode(frame, sizeof(frame), &t);
	good = n > 0 && write_all(frame, P9_HDRSZ + 16 + 1000) == 0;
	off = P9_HDRSZ + 16 + 1000;
	for (int i = 0; good && off < (size_t)n; i++) {
		size_t m = (size_t)n - off < 7168 ? (size_t)n - off : 7168;
		good = write_all(frame + off, m) == 0;
		off += m;
		if (i % 8 == 7)
			pause_ms(5);
	}
	good = good && recv_msg(&r) == 0;
	ok(good && r.type == P9_RWRITE && r.u.rwrite.count == BIG,
	    "%s: trickled %d-byte Twrite answered with its whole count",
	    kind, BIG);
	snprintf(path, sizeof(path), "%s/big", exportdir);
	fd = open(path, O_RDONLY);
	good = fd >= 0 && fstat(fd, &st) == 0 && st.st_size == BIG &&
	    read(fd, frame, BIG) == BIG && memcmp(frame, data, BIG) == 0;
	ok(good, "%s: the host file holds every byte in order", kind);
	if (fd >= 0)
		close(fd);
	ok(clunk(1) == 0, "%s: clunk the written file", kind);
}

/* Three Tgetattr frames in one write(2). */
static void
test_burst(const char *kind)
{
	uint8_t buf[512];
	struct p9_fcall t = { .type = P9_TGETATTR }, r;
	int n = 0, got = 0;

	for (int i = 0; i < 3; i++) {
		t.tag = (uint16_t)(10 + i);
		t.u.tgetattr.fid = 0;
		t.u.tgetattr.request_mask = 0x7ff;
		n += p9_encode(buf + n, sizeof(buf) - (size_t)n, &t);
	}
	if (write_all(buf, (size_t)n) == 0)
		for (int i = 0; i < 3; i++)
			if (recv_msg(&r) == 0 && r.type == P9_RGETATTR &&
			    r.tag >= 10 && r.tag < 13)
				got++;
	is_int(got, 3, "%s: three requests in one write, three replies",
	    kind);
}

/* Descriptors of the helper that point at the file "big" (a walked
 * fid's handle is one); its channels to us are sockets and not counted. */
static int
count_fds(pid_t pid)
{
	char p[64], q[320], target[256];
	struct dirent *e;
	DIR *d;
	ssize_t k;
	int n = 0;

	snprintf(p, sizeof(p), "/proc/%d/fd", (int)pid);
	if ((d = opendir(p)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
		if ((k = readlink(q, target, sizeof(target) - 1)) <= 0)
			continue;
		target[k] = '\0';
		k = (ssize_t)strlen(target);
		n += k >= 4 && strcmp(target + k - 4, "/big") == 0;
	}
	closedir(d);
	return n;
}

static pid_t
helper_of(pid_t pid)
{
	char p[64];
	long child = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	for (int i = 0; i < 50 && child == 0; i++) {
		if ((f = fopen(p, "r")) != NULL) {
			if (fscanf(f, "%ld", &child) != 1)
				child = 0;
			fclose(f);
		}
		if (child == 0)
			pause_ms(100);
	}
	return (pid_t)child;
}

/* Every walked fid holds a helper handle (an O_PATH descriptor there). */
static void
test_release(const char *kind, pid_t vfsd)
{
	pid_t h = helper_of(vfsd);
	int before = -1, after = -1, good = 1;

	before = count_fds(h);
	for (int i = 0; i < 300 && good; i++)
		good = walk1(0, 20, "big") == 0 && clunk(20) == 0;
	ok(good, "%s: 300 walks and clunks", kind);
	for (int i = 0; i < 40; i++) {
		if ((after = count_fds(h)) <= before)
			break;
		pause_ms(50);
	}
	ok(h > 0 && before >= 0 && after >= 0 && after <= before,
	    "%s: the helper gave back their handles within 2 s (%d -> %d "
	    "descriptors of the file)", kind, before, after);
}

static void
run(int pipes)
{
	const char *kind = pipes ? "pipes" : "socketpair";
	pid_t pid = spawn_vfsd(pipes);
	int st;

	ok(pid > 0 && session() == 0, "%s: vfsd answers Tversion, Tattach",
	    kind);
	if (pid <= 0)
		return;
	test_trickle(kind);
	test_burst(kind);
	test_release(kind, pid);
	close(wfd);
	close(rfd);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
}

int
main(void)
{
	char cmd[128];

	if (geteuid() != 0) {
		tap_diag("skipped: vfsd needs root to start its helper");
		ok(1, "skipped (not root)");
		return tap_done();
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(base, sizeof(base), "/tmp/vfsd-stream.XXXXXX");
	if (mkdtemp(base) == NULL)
		return 1;
	chmod(base, 0755);
	snprintf(exportdir, sizeof(exportdir), "%s/export", base);
	mkdir(exportdir, 0777);
	run(0);
	unlink(strcat(strcpy(cmd, exportdir), "/big"));
	run(1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", base);
	return tap_done();
}
