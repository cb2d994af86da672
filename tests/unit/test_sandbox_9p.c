/* test_sandbox_9p.c - the running vfsd (frontend) as a hostile guest sees
 * it, through one inherited connection (--listen fd:N):
 *
 *  - the frontend process: an ordinary user (--user nobody), no
 *    capability in its effective/permitted/inheritable/ambient sets,
 *    NoNewPrivs 1, Seccomp 2; its helper child: Seccomp 2, root = export;
 *  - msize abuse: a 4 GiB Tversion msize is cut to the server's maximum;
 *  - tag flood: thousands of requests in flight without reading replies
 *    are all answered, memory stays bounded;
 *  - fid flood: thousands of fids, each holding a helper handle, are
 *    answered (a refusal is an Rlerror, never a crash) and released;
 *  - crash isolation: the helper killed with SIGSYS (as a seccomp kill
 *    would) is logged as such, the frontend answers EIO and keeps
 *    running; the frontend killed makes the helper exit. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/p9.h"
#include "tests/unit/helper_fixture.h"
#include "tests/unit/tap.h"

#define FLOOD 4000

static char base[64], exportdir[128], logpath[128];

static pid_t
spawn_vfsd(int *sock)
{
	struct timeval tmo = { 10, 0 };
	char spec[32];
	char *argv[] = { "vfsd", "--export", exportdir, "--security-model",
	    "passthrough", "--listen", spec, "--user", "nobody", NULL };
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	snprintf(spec, sizeof(spec), "fd:%d", sv[1]);
	pid = hfx_spawn(hfx_bin_path("VFSD_BIN", "vfsd"), argv, sv[1], logpath);
	close(sv[1]);
	/* A reply that never comes fails the test instead of hanging it. */
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	*sock = sv[0];
	return pid;
}

/* The frontend's one child (its helper), waiting up to 5 s for it. */
static pid_t
child_of(pid_t pid)
{
	char path[64];
	FILE *f;
	int c = -1, i;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	for (i = 0; i < 500 && c <= 0; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%d", &c) != 1)
				c = -1;
			fclose(f);
		}
		if (c <= 0)
			usleep(10000);
	}
	return c > 0 ? c : -1;
}

/* --- a minimal 9P client on the codec ------------------------------- */

static int
send_msg(int sock, const struct p9_fcall *f)
{
	uint8_t buf[8192];
	int n = p9_encode(buf, sizeof(buf), f);

	if (n < 0)
		return n;
	return write(sock, buf, (size_t)n) == n ? 0 : -errno;
}

/* One reply: its type and tag, and the Rlerror code if any. */
static int
recv_msg(int sock, uint8_t *type, uint16_t *tag, uint32_t *ecode,
    uint32_t *msize)
{
	static uint8_t buf[P9_MSIZE_MAX];
	struct p9_fcall f;
	uint32_t size;

	if (tap_read_full(sock, buf, P9_HDRSZ) < 0)
		return -1;
	size = p9_peek_size(buf);
	if (size < P9_HDRSZ || size > sizeof(buf) ||
	    tap_read_full(sock, buf + P9_HDRSZ, size - P9_HDRSZ) < 0)
		return -1;
	memset(&f, 0, sizeof(f));
	if (p9_decode(buf, size, &f) < 0)
		return -1;
	*type = f.type;
	*tag = f.tag;
	*ecode = f.type == P9_RLERROR ? f.u.rlerror.ecode : 0;
	if (msize && f.type == P9_RVERSION)
		*msize = f.u.version.msize;
	return 0;
}

static int
call(int sock, struct p9_fcall *f, uint32_t *ecode, uint32_t *msize)
{
	uint8_t type;
	uint16_t tag;

	if (send_msg(sock, f) < 0 ||
	    recv_msg(sock, &type, &tag, ecode, msize) < 0)
		return -1;
	return type;
}

static int
session(int sock, uint32_t want_msize, uint32_t *msize)
{
	struct p9_fcall f = { .type = P9_TVERSION, .tag = P9_NOTAG };
	uint32_t e;

	f.u.version.msize = want_msize;
	f.u.version.version = p9_cstr("9P2000.L");
	if (call(sock, &f, &e, msize) != P9_RVERSION)
		return -1;
	memset(&f, 0, sizeof(f));
	f.type = P9_TATTACH;
	f.tag = 1;
	f.u.tattach.fid = 0;
	f.u.tattach.afid = P9_NOFID;
	f.u.tattach.uname = p9_cstr("root");
	f.u.tattach.aname = p9_cstr("");
	f.u.tattach.n_uname = 0;
	return call(sock, &f, &e, NULL) == P9_RATTACH ? 0 : -1;
}

static unsigned long long
rss_kb(pid_t pid)
{
	unsigned long long v = 0;

	hfx_status_field(pid, "VmRSS", 10, &v);
	return v;
}

/* --- floods ------------------------------------------------------------ */

struct flood {
	int sock;
	int n;
	int kind;		/* 0: getattr, 1: walk to new fids, 2: clunk */
};

static void *
flood_writer(void *arg)
{
	struct flood *fl = arg;
	struct p9_fcall f;
	int i;

	for (i = 0; i < fl->n; i++) {
		memset(&f, 0, sizeof(f));
		f.tag = (uint16_t)(2 + i);
		if (fl->kind == 0) {
			f.type = P9_TGETATTR;
			f.u.tgetattr.fid = 0;
			f.u.tgetattr.request_mask = P9_GETATTR_BASIC;
		} else if (fl->kind == 1) {
			f.type = P9_TWALK;
			f.u.twalk.fid = 0;
			f.u.twalk.newfid = (uint32_t)(100 + i);
			f.u.twalk.nwname = 1;
			f.u.twalk.wname[0] = p9_cstr("file");
		} else {
			f.type = P9_TCLUNK;
			f.u.tfid.fid = (uint32_t)(100 + i);
		}
		if (send_msg(fl->sock, &f) < 0)
			break;
	}
	return NULL;
}

/* Send n requests from a thread while reading replies here; returns the
 * number of replies of type ok_type, errors counted in *errs. */
static int
flood(int sock, int kind, int n, uint8_t ok_type, int *errs, uint32_t *err1)
{
	struct flood fl = { sock, n, kind };
	pthread_t t;
	uint8_t type;
	uint16_t tag;
	uint32_t e;
	int i, good = 0;

	*errs = 0;
	pthread_create(&t, NULL, flood_writer, &fl);
	for (i = 0; i < n; i++) {
		if (recv_msg(sock, &type, &tag, &e, NULL) < 0)
			break;
		if (type == ok_type)
			good++;
		else if ((*errs)++ == 0)
			*err1 = e;
	}
	pthread_join(t, NULL);
	return good;
}

static void
check_frontend(pid_t pid)
{
	static const char *const sets[] = { "CapInh", "CapPrm", "CapEff",
	    "CapAmb" };
	unsigned long long v;
	size_t i;

	ok(hfx_wait_sandboxed(pid) == 0, "frontend: Seccomp: 2 (filter)");
	v = 0;
	hfx_status_field(pid, "NoNewPrivs", 10, &v);
	ok(v == 1, "frontend: NoNewPrivs: 1");
	v = 0;
	hfx_status_field(pid, "Uid", 10, &v);
	ok(v == 65534, "frontend: runs as nobody (uid %llu)", v);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		v = ~0ULL;
		hfx_status_field(pid, sets[i], 16, &v);
		ok(v == 0, "frontend: %s %016llx", sets[i], v);
	}
}

static void
check_helper(pid_t h)
{
	char p[64];
	struct stat a, b;

	ok(h > 0 && hfx_wait_sandboxed(h) == 0, "helper (pid %d): Seccomp: 2",
	    (int)h);
	snprintf(p, sizeof(p), "/proc/%d/root", (int)h);
	ok(stat(p, &a) == 0 && stat(exportdir, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	    "helper: its root is the export");
}

static int
log_has(const char *needle)
{
	char buf[8192];
	int fd = open(logpath, O_RDONLY), i;
	ssize_t n;

	for (i = 0; i < 200; i++) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, needle)) {
			close(fd);
			return 1;
		}
		usleep(10000);
	}
	close(fd);
	return 0;
}

static void
show_log(void)
{
	char line[512];
	FILE *f = fopen(logpath, "r");

	while (f && fgets(line, sizeof(line), f))
		tap_diag("vfsd: %s", line);
	if (f)
		fclose(f);
}

static int
gone(pid_t pid)
{
	char p[64];
	int i;

	snprintf(p, sizeof(p), "/proc/%d", (int)pid);
	for (i = 0; i < 300; i++) {
		if (access(p, F_OK) != 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void
test_running(void)
{
	struct p9_fcall f = { .type = P9_TGETATTR, .tag = 9 };
	unsigned long long before, after;
	int sock, good, errs, st;
	uint32_t msize = 0, e = 0;
	pid_t pid, h;
	int r;

	pid = spawn_vfsd(&sock);
	check_frontend(pid);
	h = child_of(pid);
	check_helper(h);

	r = session(sock, 0xffffffffu, &msize);
	ok(r == 0 && msize == P9_MSIZE_MAX, "msize 4 GiB is cut to %u (got %u)",
	    P9_MSIZE_MAX, msize);
	before = rss_kb(pid);
	good = flood(sock, 0, FLOOD, P9_RGETATTR, &errs, &e);
	ok(good + errs == FLOOD && good > 0, "tag flood: %d requests in "
	    "flight, every one answered (%d Rgetattr, %d Rlerror, first %u)",
	    FLOOD, good, errs, e);
	good = flood(sock, 1, FLOOD, P9_RWALK, &errs, &e);
	ok(good + errs == FLOOD && good > 0, "fid flood: %d fids, %d walked, "
	    "%d refused with Rlerror (first %u)", FLOOD, good, errs, e);
	good = flood(sock, 2, FLOOD, P9_RCLUNK, &errs, &e);
	ok(good + errs == FLOOD, "fid flood: all %d clunked or refused", FLOOD);
	after = rss_kb(pid);
	ok(after < before + 256 * 1024, "frontend memory bounded (%llu -> "
	    "%llu kB)", before, after);

	/* The helper dies the way a seccomp kill ends it. */
	if (h > 0)	/* never kill(-1) */
		kill(h, SIGSYS);
	ok(log_has("helper killed by signal 31 (SIGSYS: seccomp)"),
	    "frontend logs: helper killed by signal 31 (SIGSYS: seccomp)");
	f.u.tgetattr.fid = 0;
	f.u.tgetattr.request_mask = P9_GETATTR_BASIC;
	r = call(sock, &f, &e, NULL);
	ok(r == P9_RLERROR && e == EIO,
	    "helper gone: Tgetattr answered Rlerror(EIO) (%u)", e);
	ok(pid > 0 && kill(pid, 0) == 0, "helper gone: the frontend keeps running");
	close(sock);
	if (!ok(hfx_exited(pid, 10000, &st) && WIFEXITED(st),
	    "the frontend exits when its only connection closes (%#x)", st))
		show_log();

	/* The frontend dies: the helper must not linger. */
	pid = spawn_vfsd(&sock);
	hfx_wait_sandboxed(pid);
	h = child_of(pid);
	ok(h > 0 && hfx_wait_sandboxed(h) == 0, "second helper running");
	if (pid > 0)	/* never kill(-1) */
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ok(gone(h), "frontend killed: the helper exits");
	close(sock);
}

int
main(void)
{
	char cmd[160];
	int fd;

	signal(SIGPIPE, SIG_IGN);
	if (!tap_need_root())
		return 0;
	snprintf(base, sizeof(base), "/tmp/vfsd-9p.XXXXXX");
	if (mkdtemp(base) == NULL)
		return 1;
	chmod(base, 0755);
	snprintf(exportdir, sizeof(exportdir), "%s/export", base);
	snprintf(logpath, sizeof(logpath), "%s/vfsd.log", base);
	mkdir(exportdir, 0755);
	snprintf(cmd, sizeof(cmd), "%s/file", exportdir);
	if ((fd = open(cmd, O_CREAT | O_WRONLY, 0644)) >= 0)
		close(fd);
	test_running();
	hfx_remove_tree(base);
	return tap_done();
}
