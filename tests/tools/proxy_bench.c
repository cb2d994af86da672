/* proxy_bench.c - per-operation round-trip latency of two proxy helpers,
 * side by side in one run.
 *
 *   proxy_bench -A NAME=HELPER -B NAME=HELPER [-n ITER] [-r ROUNDS]
 *
 * Both helpers serve copies of the same small export over a socketpair,
 * as QEMU would drive them (one request at a time).  Each operation runs
 * in rounds that alternate between the helpers, so drift in the machine
 * hits both alike; a row reports the best round's mean per operation (the
 * least disturbed), and the ratio B/A. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "helper/proxy.h"

struct helper {
	const char *name;
	const char *bin;
	char export[96];
	pid_t pid;
	int sock;
	double best[16];	/* per row of ops[] */
};

static struct proxy_req R;
static uint8_t buf[PROXY_BUF_SIZE];
static char work[64];
static unsigned long seq;

static int
start(struct helper *h)
{
	char fdarg[16];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	h->pid = fork();
	if (h->pid == 0) {
		int fd = dup(sv[1]);
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		execl(h->bin, h->bin, "-p", h->export, "-f", fdarg, "-n",
		    (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	h->sock = sv[0];
	return h->pid < 0 ? -1 : 0;
}

static void
fixture(struct helper *h)
{
	char p[160];
	int fd;

	snprintf(h->export, sizeof(h->export), "%s/%s", work, h->name);
	mkdir(h->export, 0755);
	snprintf(p, sizeof(p), "%s/file1", h->export);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0 && write(fd, "hello\n", 6) != 6)
		perror("write");
	close(fd);
	lsetxattr(p, "user.foo", "bar", 3, 0);
	snprintf(p, sizeof(p), "%s/link1", h->export);
	symlink("file1", p);
	/* Creates run as uid 1000 (a guest user), so the directory is
	 * writable by it, as the guest's own permission check requires. */
	snprintf(p, sizeof(p), "%s/dir", h->export);
	mkdir(p, 0777);
	chmod(p, 0777);
}

static void
req(uint32_t type, const char *path, bool nul)
{
	memset(&R, 0, offsetof(struct proxy_req, strbuf));
	R.type = type;
	R.path = path;
	R.path_len = strlen(path) + (nul ? 1 : 0);
}

/* One call; abort the run on any failure (a benchmark of errors would
 * measure the wrong thing). */
static void
call(struct helper *h)
{
	struct proxy_reply rp;
	int fd, r;

	r = proxy_call(h->sock, &R, buf, sizeof(buf), &rp, &fd, 5000);
	if (r < 0 || rp.status < 0) {
		fprintf(stderr, "%s: %s %s failed: %d/%d\n", h->name,
		    proxy_type_name(R.type), R.path, r, rp.status);
		exit(1);
	}
	if (fd >= 0)
		close(fd);
}

static void
op_lstat(struct helper *h)
{
	req(PROXY_T_LSTAT, "//file1", true);
	call(h);
}

static void
op_open(struct helper *h)
{
	req(PROXY_T_OPEN, "//file1", true);
	R.flags = O_RDONLY;
	call(h);
}

static void
op_create(struct helper *h)
{
	char p[64];

	snprintf(p, sizeof(p), "//dir/f%lu", seq++);
	req(PROXY_T_CREATE, p, false);
	R.flags = O_WRONLY | O_CREAT | O_EXCL;
	R.mode = 0644;
	R.uid = 1000;
	R.gid = 1000;
	call(h);
	req(PROXY_T_REMOVE, p, false);
	call(h);
}

static void
op_readlink(struct helper *h)
{
	req(PROXY_T_READLINK, "//link1", true);
	R.size = 4096;
	call(h);
}

static void
op_getxattr(struct helper *h)
{
	req(PROXY_T_LGETXATTR, "//file1", true);
	R.name = "user.foo";
	R.name_len = 8;
	R.size = 3;
	call(h);
}

static void
op_statfs(struct helper *h)
{
	req(PROXY_T_STATFS, "//file1", true);
	call(h);
}

/* QEMU's 9p server asks this with every Tgetattr of a file or directory
 * (the st_gen it reports) on ext2/3/4, btrfs, reiserfs and xfs. */
static void
op_getversion(struct helper *h)
{
	req(PROXY_T_GETVERSION, "//file1", true);
	call(h);
}

/* What a guest's tar or cp -p sends after each create: mode, owner and
 * times, as root of the guest (no identity to switch to). */
static void
op_chmod(struct helper *h)
{
	req(PROXY_T_CHMOD, "//file1", true);
	R.mode = 0100644;
	call(h);
}

static void
op_chown(struct helper *h)
{
	req(PROXY_T_CHOWN, "//file1", true);
	R.uid = 0;
	R.gid = 0;
	call(h);
}

static void
op_utime(struct helper *h)
{
	req(PROXY_T_UTIME, "//file1", true);
	R.times[0] = 1000; R.times[1] = 111;
	R.times[2] = 2000; R.times[3] = 222;
	call(h);
}

static const struct {
	const char *name;
	void (*fn)(struct helper *);
} ops[] = {
	{ "lstat", op_lstat },
	{ "open+close", op_open },
	{ "create+unlink", op_create },
	{ "readlink", op_readlink },
	{ "getxattr", op_getxattr },
	{ "statfs", op_statfs },
	{ "getversion", op_getversion },
	{ "chmod", op_chmod },
	{ "chown", op_chown },
	{ "utime", op_utime },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))
_Static_assert(NOPS <= 16, "struct helper's best[] holds a row per op");

static double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double
round_mean(struct helper *h, size_t op, int iter)
{
	double t0 = now_us();
	int i;

	for (i = 0; i < iter; i++)
		ops[op].fn(h);
	return (now_us() - t0) / iter;
}

static int
parse_helper(const char *arg, struct helper *h)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL)
		return -1;
	h->name = strndup(arg, (size_t)(eq - arg));
	h->bin = eq + 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct helper hs[2];
	int ch, iter = 2000, rounds = 5, r, k;
	size_t op;
	double m;

	memset(hs, 0, sizeof(hs));
	while ((ch = getopt(argc, argv, "A:B:n:r:")) != -1) {
		switch (ch) {
		case 'A': if (parse_helper(optarg, &hs[0]) < 0) return 2; break;
		case 'B': if (parse_helper(optarg, &hs[1]) < 0) return 2; break;
		case 'n': iter = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s -A NAME=HELPER -B NAME=HELPER "
			    "[-n ITER] [-r ROUNDS]\n", argv[0]);
			return 2;
		}
	}
	if (hs[0].bin == NULL || hs[1].bin == NULL || iter < 1 || rounds < 1)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	snprintf(work, sizeof(work), "/tmp/proxyb.XXXXXX");
	if (mkdtemp(work) == NULL)
		return 1;
	for (k = 0; k < 2; k++) {
		fixture(&hs[k]);
		if (start(&hs[k]) < 0)
			return 1;
		for (op = 0; op < NOPS; op++)
			hs[k].best[op] = 1e30;
	}
	for (op = 0; op < NOPS; op++)
		for (r = 0; r < rounds; r++)
			for (k = 0; k < 2; k++) {
				m = round_mean(&hs[k], op, iter);
				if (m < hs[k].best[op])
					hs[k].best[op] = m;
			}
	printf("%-14s %12s %12s %8s\n", "operation", hs[0].name, hs[1].name,
	    "ratio");
	printf("%-14s %12s %12s %8s\n", "", "us/op", "us/op",
	    hs[1].name);
	for (op = 0; op < NOPS; op++) {
		double ratio = hs[1].best[op] / hs[0].best[op];

		printf("%-14s %12.2f %12.2f %7.2fx%s\n", ops[op].name,
		    hs[0].best[op], hs[1].best[op], ratio,
		    ratio > 1.0 ? "  (slower)" : "");
	}
	printf("(best of %d rounds x %d calls; ratio = %s/%s)\n", rounds,
	    iter, hs[1].name, hs[0].name);
	for (k = 0; k < 2; k++) {
		close(hs[k].sock);
		waitpid(hs[k].pid, NULL, 0);
	}
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
