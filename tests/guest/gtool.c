/* gtool.c - a static test tool for the Linux guest (and the host check).
 *
 * Busybox cannot set xattrs, keep using a renamed or unlinked open file,
 * list a huge directory with getdents64 and check every name, or verify a
 * 64 MiB pattern quickly.  Every exec under TCG costs time, so one static
 * binary does all of it, and "gtool batch" runs many commands in one exec.
 *
 *   gtool CMD ARGS...        run one command
 *   gtool batch              run one command per stdin line (words split on
 *                            blanks; '#' lines and empty lines are skipped)
 *
 * Every check prints "ok - WHAT" or "not ok - WHAT: WHY" on stdout; the exit
 * status is 1 if any check failed, 2 on a usage error.  Commands:
 *
 *   create PATH MODE [TEXT]      open(O_CREAT|O_EXCL|O_WRONLY), write TEXT
 *   mkdir PATH MODE | symlink TARGET PATH | link OLD NEW | rename OLD NEW
 *   open PATH | openw PATH (open for reading / writing, then close)
 *   unlink PATH | rmdir PATH | chmod PATH MODE | chown PATH UID GID (lchown)
 *   truncate PATH SIZE | utime PATH SEC NSEC (lutimes-like, mtime=atime)
 *   mknod PATH p|c|b|s MODE [MAJ MIN]
 *   setx PATH NAME VALUE | rmx PATH NAME        (l*xattr, value text)
 *   setxhex PATH NAME HEX | setxbig PATH NAME SIZE (byte i = i % 251)
 *   longname DIR LEN     create DIR/xxx...x (LEN x's), find it by readdir
 *   longlink PATH LEN    symlink with a LEN-byte target, readlink it back
 *   statfs PATH          block size and count non-zero, namelen >= 255
 *   writepat PATH SIZE SEED | checkpat PATH SIZE SEED
 *   many DIR N      create DIR/f00000..f(N-1) then list and check them
 *   listmany DIR N  only the listing check
 *   openrename SRC DST   write, rename while open, keep writing, check
 *   unlinkopen PATH      create, unlink while open, keep using the fd
 *   as UID GID CMD...    run CMD with these fs credentials (no groups)
 *   fail ERRNAME CMD...  CMD must fail with that errno (EACCES, ENOENT...)
 *   check PATH KEY=VALUE...   compare lstat / readlink / content / xattrs:
 *     type=f|d|l|p|c|b|s perm=0640 uid=N gid=N nlink=N size=N rdev=MAJ:MIN
 *     target=STR content=STR (\n \t \\ \s=space escapes) mtime=SEC[.NSEC]
 *     same=OTHERPATH (same inode) entries=N (names besides . and .. and
 *     mapped-file's .virtfs_metadata*)
 *     xattr=NAME:TEXT xhex=NAME:HEX noxattr=NAME xlisted=NAME xunlisted=NAME
 *     xbig=NAME:SIZE (the setxbig pattern)
 *   absent PATH                    lstat must give ENOENT
 *   fdrelay DEV FD CMD...   run CMD with FD = one end of a socketpair whose
 *                  other end a child relays to and from DEV (a virtio-serial
 *                  port): 6.1's trans=fd needs write_iter, which the port
 *                  lacks ("kernel write not supported"), a socket has it
 *   accept1 SOCKET FD CMD...   (host side) listen on a unix socket, accept
 *                  one connection, run CMD with it as FD (e.g. diod -r/-w)
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXARGS 64
#define CHUNK (1024 * 1024)

static int failures;

static void
report(int good, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
report(int good, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", good ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!good)
		failures++;
}

/* A syscall result as a check: ok when r >= 0, else the errno in words. */
static int
sys_check(long r, const char *what, const char *path)
{
	const char *sp = path[0] != '\0' ? " " : "";

	if (r < 0)
		report(0, "%s%s%s: %s", what, sp, path, strerror(errno));
	else
		report(1, "%s%s%s", what, sp, path);
	return r < 0 ? -1 : 0;
}

/* Escapes control characters so that a report stays on one line. */
static const char *
esc(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	for (; *in != '\0' && o + 5 < cap; in++) {
		if (*in == '\n')
			o += sprintf(out + o, "\\n");
		else if ((unsigned char)*in < 0x20 || *in == 0x7f)
			o += sprintf(out + o, "\\x%02x", (unsigned char)*in);
		else
			out[o++] = *in;
	}
	out[o] = '\0';
	return out;
}

static unsigned long long
num(const char *s)
{
	char *end;
	unsigned long long v;
	int base = (s[0] == '0' && s[1] != '\0' && s[1] != 'x') ? 8 : 0;

	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end != '\0' || end == s) {
		fprintf(stderr, "gtool: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Decimal size with an optional K/M/G suffix (powers of 1024). */
static unsigned long long
size_arg(const char *s)
{
	char buf[64];
	size_t n = strlen(s);
	unsigned long long mul = 1;

	if (n == 0 || n >= sizeof(buf))
		return num(s);
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'K': mul = 1ULL << 10; break;
	case 'M': mul = 1ULL << 20; break;
	case 'G': mul = 1ULL << 30; break;
	default: return strtoull(buf, NULL, 10);
	}
	buf[n - 1] = '\0';
	return strtoull(buf, NULL, 10) * mul;
}

static void
unescape(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	for (; *in != '\0' && o + 1 < cap; in++) {
		if (*in != '\\' || in[1] == '\0') {
			out[o++] = *in;
			continue;
		}
		in++;
		out[o++] = *in == 'n' ? '\n' : *in == 't' ? '\t' :
		    *in == 's' ? ' ' : *in;
	}
	out[o] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static ssize_t
unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;

	if (strncmp(hex, "0x", 2) == 0)
		hex += 2;
	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		int hi = hexval(hex[0]), lo = hexval(hex[1]);

		if (hi < 0 || lo < 0 || n >= cap)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | lo);
	}
	return hex[0] == '\0' ? (ssize_t)n : -1;
}

static void
tohex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* ---- the data pattern: word i of a file is splitmix64(seed + i) ---- */

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void
fill(uint64_t *buf, size_t words, uint64_t seed, uint64_t first)
{
	size_t i;

	for (i = 0; i < words; i++)
		buf[i] = mix(seed + first + i);
}

static int
cmd_writepat(char **av)
{
	unsigned long long size = size_arg(av[1]), off;
	uint64_t seed = num(av[2]);
	uint64_t *buf = malloc(CHUNK);
	int fd = open(av[0], O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || buf == NULL)
		return sys_check(-1, "writepat open", av[0]);
	for (off = 0; off < size; off += CHUNK) {
		size_t n = size - off < CHUNK ? size - off : CHUNK;

		fill(buf, (n + 7) / 8, seed, off / 8);
		if (write(fd, buf, n) != (ssize_t)n) {
			report(0, "writepat %s: write at %llu: %s", av[0], off,
			    strerror(errno));
			close(fd);
			return -1;
		}
	}
	free(buf);
	return sys_check(close(fd), "writepat", av[0]);
}

static int
check_chunk(const char *path, const uint64_t *got, uint64_t *want, size_t n,
    uint64_t seed, unsigned long long off)
{
	size_t i;

	fill(want, (n + 7) / 8, seed, off / 8);
	if (memcmp(got, want, n) == 0)
		return 0;
	for (i = 0; i < n && ((const char *)got)[i] == ((char *)want)[i]; i++)
		;
	report(0, "checkpat %s: data differs at byte %llu", path, off + i);
	return -1;
}

/* Reads until CAP bytes or end of file, so that chunks stay aligned. */
static ssize_t
read_full(int fd, void *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t r = read(fd, (char *)buf + got, cap - got);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

static int
cmd_checkpat(char **av)
{
	unsigned long long size = size_arg(av[1]), off = 0;
	uint64_t seed = num(av[2]);
	uint64_t *got = malloc(CHUNK + 8), *want = malloc(CHUNK + 8);
	int fd = open(av[0], O_RDONLY), bad = 0;
	ssize_t r;
	struct stat st;

	if (fd < 0 || got == NULL || want == NULL)
		return sys_check(-1, "checkpat open", av[0]);
	do {
		r = read_full(fd, got, CHUNK);
		if (r > 0 && off + r <= size)
			bad = check_chunk(av[0], got, want, r, seed, off) < 0;
		off += r > 0 ? r : 0;
	} while (!bad && r == CHUNK && off <= size);
	if (!bad && (r < 0 || off != size || fstat(fd, &st) < 0 ||
	    (unsigned long long)st.st_size != size)) {
		report(0, "checkpat %s: read %llu bytes, want %llu%s%s", av[0],
		    off, size, r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
		bad = 1;
	}
	close(fd);
	free(got);
	free(want);
	if (!bad)
		report(1, "checkpat %s (%llu bytes)", av[0], size);
	return bad ? -1 : 0;
}

/* ---- a directory of many files ---- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Mark "fNNNNN" names in seen[]; count everything else as foreign. */
static int
scan_dir(int dfd, unsigned char *seen, long n, long *foreign, long *dups)
{
	static char buf[256 * 1024];
	long got;
	int pos;

	while ((got = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < got;) {
			struct linux_dirent64 *d = (void *)(buf + pos);
			char *end;
			long i = strtol(d->d_name + 1, &end, 10);

			pos += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 ||
			    strcmp(d->d_name, ".virtfs_metadata") == 0)
				continue;
			if (d->d_name[0] != 'f' || *end != '\0' || i < 0 ||
			    i >= n || end - d->d_name != 6)
				(*foreign)++;
			else if (seen[i]++)
				(*dups)++;
		}
	}
	return got < 0 ? -1 : 0;
}

static int
cmd_listmany(char **av)
{
	long n = num(av[1]), i, foreign = 0, dups = 0, missing = 0;
	unsigned char *seen = calloc(n + 1, 1);
	double t0 = now();
	int dfd = open(av[0], O_RDONLY | O_DIRECTORY);

	if (dfd < 0 || seen == NULL)
		return sys_check(-1, "listmany open", av[0]);
	if (scan_dir(dfd, seen, n, &foreign, &dups) < 0)
		return close(dfd), sys_check(-1, "getdents64", av[0]);
	close(dfd);
	for (i = 0; i < n; i++)
		missing += !seen[i];
	free(seen);
	report(missing == 0 && dups == 0 && foreign == 0,
	    "listmany %s: %ld names, %ld missing, %ld twice, %ld foreign "
	    "(%.2f s)", av[0], n, missing, dups, foreign, now() - t0);
	return missing || dups || foreign ? -1 : 0;
}

static int
cmd_many(char **av)
{
	long n = num(av[1]), i;
	char name[32];
	double t0 = now();
	int dfd;

	if (mkdir(av[0], 0755) < 0 && errno != EEXIST)
		return sys_check(-1, "many mkdir", av[0]);
	dfd = open(av[0], O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return sys_check(-1, "many open", av[0]);
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(name, sizeof(name), "f%05ld", i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			report(0, "many %s/%s: %s", av[0], name,
			    strerror(errno));
			return close(dfd), -1;
		}
		close(fd);
	}
	close(dfd);
	report(1, "many %s: created %ld files (%.2f s)", av[0], n, now() - t0);
	return cmd_listmany(av);
}

/* ---- open files that get renamed or unlinked ---- */

static int
fd_content(int fd, const char *want, const char *what)
{
	char buf[256], e[1024];
	ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);

	if (r < 0)
		return sys_check(-1, what, "pread");
	buf[r] = '\0';
	report(strcmp(buf, want) == 0, "%s: content '%s'", what,
	    esc(buf, e, sizeof(e)));
	return strcmp(buf, want) == 0 ? 0 : -1;
}

static int
cmd_openrename(char **av)
{
	static const char a[] = "before rename\n", b[] = "after rename\n";
	int fd = open(av[0], O_RDWR | O_CREAT | O_EXCL, 0644), bad = 0;
	struct stat st = { 0 };

	if (fd < 0)
		return sys_check(-1, "openrename create", av[0]);
	bad |= write(fd, a, strlen(a)) != (ssize_t)strlen(a);
	bad |= sys_check(rename(av[0], av[1]), "rename open file to", av[1]);
	bad |= sys_check(write(fd, b, strlen(b)) == (ssize_t)strlen(b) ? 0 :
	    -1, "write after rename", av[1]);
	bad |= sys_check(fstat(fd, &st), "fstat after rename", av[1]);
	report(st.st_size == (off_t)(strlen(a) + strlen(b)),
	    "fstat size after rename = %lld", (long long)st.st_size);
	bad |= fd_content(fd, "before rename\nafter rename\n",
	    "openrename pread");
	bad |= sys_check(fchmod(fd, 0640), "fchmod after rename", av[1]);
	bad |= sys_check(close(fd), "close after rename", av[1]);
	return bad ? -1 : 0;
}

static int
cmd_unlinkopen(char **av)
{
	int fd = open(av[0], O_RDWR | O_CREAT | O_EXCL, 0644), bad = 0;
	struct stat st = { 0 };

	if (fd < 0)
		return sys_check(-1, "unlinkopen create", av[0]);
	bad |= write(fd, "first\n", 6) != 6;
	bad |= sys_check(unlink(av[0]), "unlink open file", av[0]);
	bad |= sys_check(write(fd, "second\n", 7) == 7 ? 0 : -1,
	    "write after unlink", av[0]);
	bad |= fd_content(fd, "first\nsecond\n", "read after unlink");
	bad |= sys_check(fstat(fd, &st), "fstat after unlink", av[0]);
	report(st.st_size == 13 && st.st_nlink == 0,
	    "fstat after unlink: size %lld nlink %lu", (long long)st.st_size,
	    (unsigned long)st.st_nlink);
	bad |= sys_check(ftruncate(fd, 6), "ftruncate after unlink", av[0]);
	bad |= sys_check(fchmod(fd, 0600), "fchmod after unlink", av[0]);
	bad |= sys_check(fsync(fd), "fsync after unlink", av[0]);
	bad |= fd_content(fd, "first\n", "read after unlink+ftruncate");
	bad |= sys_check(close(fd), "close after unlink", av[0]);
	report(access(av[0], F_OK) < 0 && errno == ENOENT,
	    "unlinked file stays gone %s", av[0]);
	return bad ? -1 : 0;
}

/* ---- long names, long symlink targets, statfs ---- */

static int
cmd_longname(char **av)
{
	size_t len = num(av[1]);
	char *name = malloc(len + 1), path[8192];
	DIR *d;
	struct dirent *e;
	int fd, found = 0;

	if (name == NULL || len > 4000)
		return sys_check(-1, "longname", av[1]);
	memset(name, 'x', len);
	name[len] = '\0';
	snprintf(path, sizeof(path), "%s/%s", av[0], name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return free(name), sys_check(-1, "longname create in", av[0]);
	close(fd);
	d = opendir(av[0]);
	while (d != NULL && (e = readdir(d)) != NULL)
		found += strcmp(e->d_name, name) == 0;
	if (d != NULL)
		closedir(d);
	free(name);
	report(found == 1, "longname: a %zu-byte name in %s is listed once (%d)",
	    len, av[0], found);
	return found == 1 ? 0 : -1;
}

static int
cmd_longlink(char **av)
{
	size_t len = num(av[1]), i;
	char *t = malloc(len + 1), *back = malloc(len + 2);
	ssize_t n;
	int good;

	if (t == NULL || back == NULL || len < 2)
		return sys_check(-1, "longlink", av[1]);
	for (i = 0; i < len; i++)
		t[i] = (i % 10 == 9) ? '/' : 'a' + i % 26;
	t[len - 1] = 'z';
	t[len] = '\0';
	if (symlink(t, av[0]) < 0)
		return sys_check(-1, "longlink symlink", av[0]);
	n = readlink(av[0], back, len + 1);
	good = n == (ssize_t)len && memcmp(t, back, len) == 0;
	report(good, "longlink %s: a %zu-byte target reads back (%zd)", av[0],
	    len, n);
	free(t);
	free(back);
	return good ? 0 : -1;
}

static int
cmd_statfs(char **av)
{
	struct statfs sf;
	int good;

	if (statfs(av[0], &sf) < 0)
		return sys_check(-1, "statfs", av[0]);
	/* f_type is whatever the server reports (QEMU: the host's) */
	good = sf.f_bsize > 0 && sf.f_blocks > 0 && sf.f_namelen >= 255;
	report(good, "statfs %s: type %#lx bsize %ld blocks %llu namelen %ld",
	    av[0], (unsigned long)sf.f_type, (long)sf.f_bsize,
	    (unsigned long long)sf.f_blocks, (long)sf.f_namelen);
	return good ? 0 : -1;
}

/* ---- simple actions ---- */

static mode_t
mknod_type(const char *t)
{
	switch (t[0]) {
	case 'p': return S_IFIFO;
	case 'c': return S_IFCHR;
	case 'b': return S_IFBLK;
	case 's': return S_IFSOCK;
	case 'f': return S_IFREG;
	default: fprintf(stderr, "gtool: bad node type %s\n", t); exit(2);
	}
}

static int
do_create(char **av, int ac)
{
	char text[4096];
	int fd = open(av[0], O_WRONLY | O_CREAT | O_EXCL, (mode_t)num(av[1]));
	ssize_t n;

	if (fd < 0)
		return -1;
	unescape(ac > 2 ? av[2] : "", text, sizeof(text));
	n = write(fd, text, strlen(text));
	if (close(fd) < 0 || n != (ssize_t)strlen(text))
		return -1;
	return 0;
}

static int
do_utime(char **av)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = num(av[1]);
	ts[0].tv_nsec = ts[1].tv_nsec = num(av[2]);
	return utimensat(AT_FDCWD, av[0], ts, AT_SYMLINK_NOFOLLOW);
}

static int
do_setxhex(char **av)
{
	unsigned char buf[4096];
	ssize_t n = unhex(av[2], buf, sizeof(buf));

	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	return lsetxattr(av[0], av[1], buf, n, 0);
}

static int
do_open(const char *path, int flags)
{
	int fd = open(path, flags);

	return fd < 0 ? -1 : close(fd);
}

static int
do_setxbig(char **av)
{
	size_t n = num(av[2]), i;
	unsigned char *v = malloc(n + 1);
	int r;

	if (v == NULL)
		return -1;
	for (i = 0; i < n; i++)
		v[i] = i % 251;
	r = lsetxattr(av[0], av[1], v, n, 0);
	free(v);
	return r;
}

/* Runs one simple action; returns the syscall result (-1 with errno). */
static int
act(const char *cmd, char **av, int ac)
{
	if (!strcmp(cmd, "create") && ac >= 2)
		return do_create(av, ac);
	if (!strcmp(cmd, "mkdir") && ac == 2)
		return mkdir(av[0], num(av[1]));
	if (!strcmp(cmd, "symlink") && ac == 2)
		return symlink(av[0], av[1]);
	if (!strcmp(cmd, "link") && ac == 2)
		return link(av[0], av[1]);
	if (!strcmp(cmd, "rename") && ac == 2)
		return rename(av[0], av[1]);
	if (!strcmp(cmd, "unlink") && ac == 1)
		return unlink(av[0]);
	if (!strcmp(cmd, "rmdir") && ac == 1)
		return rmdir(av[0]);
	if (!strcmp(cmd, "chmod") && ac == 2)
		return chmod(av[0], num(av[1]));
	if (!strcmp(cmd, "chown") && ac == 3)
		return lchown(av[0], num(av[1]), num(av[2]));
	if (!strcmp(cmd, "truncate") && ac == 2)
		return truncate(av[0], size_arg(av[1]));
	if (!strcmp(cmd, "utime") && ac == 3)
		return do_utime(av);
	if (!strcmp(cmd, "mknod") && (ac == 3 || ac == 5))
		return mknod(av[0], mknod_type(av[1]) | num(av[2]),
		    ac == 5 ? makedev(num(av[3]), num(av[4])) : 0);
	if (!strcmp(cmd, "setx") && ac == 3)
		return lsetxattr(av[0], av[1], av[2], strlen(av[2]), 0);
	if (!strcmp(cmd, "setxhex") && ac == 3)
		return do_setxhex(av);
	if (!strcmp(cmd, "setxbig") && ac == 3)
		return do_setxbig(av);
	if (!strcmp(cmd, "rmx") && ac == 2)
		return lremovexattr(av[0], av[1]);
	if ((!strcmp(cmd, "open") || !strcmp(cmd, "openw")) && ac == 1)
		return do_open(av[0], cmd[4] == 'w' ? O_WRONLY : O_RDONLY);
	fprintf(stderr, "gtool: unknown command or arguments: %s\n", cmd);
	exit(2);
}

static void
join(char *out, size_t cap, const char *cmd, char **av, int ac)
{
	int i;

	snprintf(out, cap, "%s", cmd);
	for (i = 0; i < ac; i++) {
		size_t l = strlen(out);

		snprintf(out + l, cap - l, " %s", av[i]);
	}
}

/* ---- check ---- */

static char
type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFIFO: return 'p';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFSOCK: return 's';
	default: return '?';
	}
}

static long
count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	/* mapped-file metadata is never visible to a guest; on a host it
	 * sits in every directory, so entries= counts what the guest sees */
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, ".virtfs_metadata") != 0 &&
		    strcmp(e->d_name, ".virtfs_metadata_root") != 0;
	closedir(d);
	return n;
}

static int
read_content(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Is NAME in the listxattr of PATH? 1 yes, 0 no, -1 error. */
static int
xlisted(const char *path, const char *name)
{
	char list[65536];
	ssize_t n = llistxattr(path, list, sizeof(list)), i;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i += strlen(list + i) + 1)
		if (strcmp(list + i, name) == 0)
			return 1;
	return 0;
}

/* The size of a setxbig value, or what is wrong with it. */
static const char *
xbig(const char *path, const char *name)
{
	static char res[64];
	static unsigned char v[65536];
	ssize_t n = lgetxattr(path, name, v, sizeof(v)), i;

	if (n < 0)
		return strerror(errno);
	for (i = 0; i < n; i++)
		if (v[i] != i % 251) {
			snprintf(res, sizeof(res), "<differs at %zd>", i);
			return res;
		}
	snprintf(res, sizeof(res), "%zd", n);
	return res;
}

static void
got_xattr(const char *path, const char *name, char *got, size_t cap, int hex)
{
	unsigned char val[4096];
	ssize_t n = lgetxattr(path, name, val, sizeof(val));

	if (n < 0)
		snprintf(got, cap, "<%s>", strerror(errno));
	else if (hex)
		tohex(val, n, got);
	else
		snprintf(got, cap, "%.*s", (int)n, val);
}

/* Fills GOT with the observed value of KEY; returns 0 or -1 (bad key). */
static int
observe(const char *path, const struct stat *st, const char *key,
    const char *want, char *got, size_t cap)
{
	char tmp[8192];
	struct stat o;
	ssize_t n;
	const char *colon = strchr(want, ':');
	size_t nl = colon ? (size_t)(colon - want) : 0;

	if (!strcmp(key, "type"))
		snprintf(got, cap, "%c", type_char(st->st_mode));
	else if (!strcmp(key, "perm"))
		snprintf(got, cap, "%04o", st->st_mode & 07777);
	else if (!strcmp(key, "uid"))
		snprintf(got, cap, "%u", st->st_uid);
	else if (!strcmp(key, "gid"))
		snprintf(got, cap, "%u", st->st_gid);
	else if (!strcmp(key, "nlink"))
		snprintf(got, cap, "%lu", (unsigned long)st->st_nlink);
	else if (!strcmp(key, "size"))
		snprintf(got, cap, "%lld", (long long)st->st_size);
	else if (!strcmp(key, "rdev"))
		snprintf(got, cap, "%u:%u", major(st->st_rdev),
		    minor(st->st_rdev));
	else if (!strcmp(key, "mtime"))
		snprintf(got, cap, strchr(want, '.') ? "%lld.%09ld" : "%lld",
		    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	else if (!strcmp(key, "target")) {
		n = readlink(path, tmp, sizeof(tmp) - 1);
		snprintf(got, cap, "%.*s", n < 0 ? 0 : (int)n, tmp);
		if (n < 0)
			snprintf(got, cap, "<%s>", strerror(errno));
	} else if (!strcmp(key, "content")) {
		if (read_content(path, tmp, sizeof(tmp)) < 0)
			snprintf(tmp, sizeof(tmp), "<%s>", strerror(errno));
		snprintf(got, cap, "%s", tmp);
	} else if (!strcmp(key, "same")) {
		if (lstat(want, &o) < 0)
			snprintf(got, cap, "<%.200s: %s>", want, strerror(errno));
		else
			snprintf(got, cap, "%s", o.st_ino == st->st_ino &&
			    o.st_dev == st->st_dev ? want : "<other inode>");
	} else if (!strcmp(key, "entries"))
		snprintf(got, cap, "%ld", count_entries(path));
	else if ((!strcmp(key, "xattr") || !strcmp(key, "xhex")) && colon) {
		snprintf(tmp, sizeof(tmp), "%.*s", (int)nl, want);
		n = snprintf(got, cap, "%s:", tmp);
		got_xattr(path, tmp, got + n, cap - n, key[1] == 'h');
	} else if (!strcmp(key, "xbig") && colon) {
		snprintf(tmp, sizeof(tmp), "%.*s", (int)nl, want);
		snprintf(got, cap, "%.255s:%s", tmp, xbig(path, tmp));
	} else if (!strcmp(key, "noxattr")) {
		n = lgetxattr(path, want, tmp, sizeof(tmp));
		snprintf(got, cap, "%s", n < 0 && errno == ENODATA ? want :
		    n < 0 ? strerror(errno) : "<present>");
	} else if (!strcmp(key, "xlisted") || !strcmp(key, "xunlisted"))
		snprintf(got, cap, "%s", xlisted(path, want) ==
		    (key[1] == 'l') ? want : "<wrong>");
	else
		return -1;
	return 0;
}

static int
cmd_check(char **av, int ac)
{
	struct stat st;
	char want[8192], got[8192], ew[8192], eg[8192];
	int i, bad = 0;

	if (lstat(av[0], &st) < 0)
		return sys_check(-1, "check lstat", av[0]);
	for (i = 1; i < ac; i++) {
		char *eq = strchr(av[i], '=');

		if (eq == NULL)
			return fprintf(stderr, "gtool: bad check %s\n", av[i]), 2;
		*eq = '\0';
		unescape(eq + 1, want, sizeof(want));
		if (observe(av[0], &st, av[i], want, got, sizeof(got)) < 0)
			return fprintf(stderr, "gtool: bad key %s\n", av[i]), 2;
		if (strcmp(want, got) != 0) {
			report(0, "check %s %s: want '%s' got '%s'", av[0],
			    av[i], esc(want, ew, sizeof(ew)),
			    esc(got, eg, sizeof(eg)));
			bad = 1;
		}
	}
	if (!bad)
		report(1, "check %s (%d properties)", av[0], ac - 1);
	return bad ? -1 : 0;
}

/* ---- a relay between a device and a socket, for trans=fd ---- */

static int
pump(int from, int to)
{
	static char buf[256 * 1024];
	ssize_t n = read(from, buf, sizeof(buf)), off = 0;

	if (n <= 0)
		return -1;
	while (off < n) {
		ssize_t w = write(to, buf + off, n - off);

		if (w < 0)
			return -1;
		off += w;
	}
	return 0;
}

static void
relay(int dev, int sock)
{
	struct pollfd p[2] = { { dev, POLLIN, 0 }, { sock, POLLIN, 0 } };

	while (poll(p, 2, -1) >= 0) {
		if (p[0].revents && pump(dev, sock) < 0)
			break;
		if (p[1].revents && pump(sock, dev) < 0)
			break;
	}
	_exit(0);
}

static int
cmd_fdrelay(char **av)
{
	int sv[2], dev = open(av[0], O_RDWR | O_NOCTTY), fd = num(av[1]);

	if (dev < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return sys_check(-1, "fdrelay", av[0]);
	switch (fork()) {
	case -1:
		return sys_check(-1, "fdrelay fork", av[0]);
	case 0:
		close(sv[1]);
		setsid();
		relay(dev, sv[0]);
		break;
	default:
		break;
	}
	close(dev);
	close(sv[0]);
	if (dup2(sv[1], fd) < 0)
		return sys_check(-1, "fdrelay dup2", av[1]);
	execvp(av[2], av + 2);
	return sys_check(-1, "fdrelay exec", av[2]);
}

static int
cmd_accept1(char **av)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c;

	if (strlen(av[0]) >= sizeof(sa.sun_path))
		return sys_check(-1, "accept1 path too long", av[0]);
	strcpy(sa.sun_path, av[0]);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0)
		return sys_check(-1, "accept1 listen", av[0]);
	c = accept(l, NULL, NULL);
	if (c < 0)
		return sys_check(-1, "accept1 accept", av[0]);
	close(l);
	unlink(av[0]);
	if (dup2(c, num(av[1])) < 0)
		return sys_check(-1, "accept1 dup2", av[1]);
	execvp(av[2], av + 2);
	return sys_check(-1, "accept1 exec", av[2]);
}

/* ---- dispatch ---- */

static int run(char **av, int ac);

static int
errno_by_name(const char *s)
{
	static const struct { const char *n; int e; } t[] = {
		{ "EACCES", EACCES }, { "EPERM", EPERM }, { "ENOENT", ENOENT },
		{ "EEXIST", EEXIST }, { "ENOTEMPTY", ENOTEMPTY },
		{ "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR },
		{ "ENODATA", ENODATA }, { "EOPNOTSUPP", EOPNOTSUPP },
		{ "EINVAL", EINVAL }, { "EXDEV", EXDEV }, { "ELOOP", ELOOP },
		{ "EROFS", EROFS }, { "ENXIO", ENXIO },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].n, s) == 0)
			return t[i].e;
	fprintf(stderr, "gtool: unknown errno name %s\n", s);
	exit(2);
}

/* "as UID GID CMD..." in a child, so the credentials do not stick. */
static int
cmd_as(char **av, int ac)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return sys_check(-1, "fork", "as");
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(num(av[1]), num(av[1]),
		    num(av[1])) < 0 || setresuid(num(av[0]), num(av[0]),
		    num(av[0])) < 0)
			_exit((sys_check(-1, "setres[ug]id", av[0]), 1));
		failures = 0;
		run(av + 2, ac - 2);
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		failures++;
	return 0;
}

static int
cmd_fail(char **av, int ac)
{
	char what[512];
	int want = errno_by_name(av[0]), r;

	join(what, sizeof(what), av[1], av + 2, ac - 2);
	errno = 0;
	r = act(av[1], av + 2, ac - 2);
	report(r < 0 && errno == want, "%s fails with %s%s%s", what, av[0],
	    r < 0 && errno != want ? ", got: " : r < 0 ? "" : ", but it worked",
	    r < 0 && errno != want ? strerror(errno) : "");
	return 0;
}

static int
run(char **av, int ac)
{
	char what[512];
	const char *c = av[0];

	if (ac < 1)
		return 0;
	if (!strcmp(c, "check") && ac >= 2)
		return cmd_check(av + 1, ac - 1);
	if (!strcmp(c, "absent") && ac == 2) {
		struct stat st;
		int gone = lstat(av[1], &st) < 0 && errno == ENOENT;

		report(gone, "absent %s", av[1]);
		return gone ? 0 : -1;
	}
	if ((!strcmp(c, "writepat") || !strcmp(c, "checkpat")) && ac == 4)
		return c[0] == 'w' ? cmd_writepat(av + 1) : cmd_checkpat(av + 1);
	if ((!strcmp(c, "many") || !strcmp(c, "listmany")) && ac == 3)
		return c[0] == 'm' ? cmd_many(av + 1) : cmd_listmany(av + 1);
	if (!strcmp(c, "longname") && ac == 3)
		return cmd_longname(av + 1);
	if (!strcmp(c, "longlink") && ac == 3)
		return cmd_longlink(av + 1);
	if (!strcmp(c, "statfs") && ac == 2)
		return cmd_statfs(av + 1);
	if (!strcmp(c, "now") && ac == 1) {
		/* The monotonic clock in seconds, to the microsecond: the
		 * benchmark's timer (/proc/uptime ticks in 10 ms). */
		printf("%.6f\n", now());
		return 0;
	}
	if (!strcmp(c, "openrename") && ac == 3)
		return cmd_openrename(av + 1);
	if (!strcmp(c, "unlinkopen") && ac == 2)
		return cmd_unlinkopen(av + 1);
	if (!strcmp(c, "accept1") && ac >= 4)
		return cmd_accept1(av + 1);
	if (!strcmp(c, "fdrelay") && ac >= 4)
		return cmd_fdrelay(av + 1);
	if (!strcmp(c, "as") && ac >= 4)
		return cmd_as(av + 1, ac - 1);
	if (!strcmp(c, "fail") && ac >= 3)
		return cmd_fail(av + 1, ac - 1);
	join(what, sizeof(what), c, av + 1, ac - 1);
	return sys_check(act(c, av + 1, ac - 1), what, "");
}

static int
batch(void)
{
	char line[16384];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *av[MAXARGS], *save = NULL, *w;
		int ac = 0;

		for (w = strtok_r(line, " \t\r\n", &save); w && ac < MAXARGS;
		    w = strtok_r(NULL, " \t\r\n", &save))
			av[ac++] = w;
		if (ac > 0 && av[0][0] != '#')
			run(av, ac);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gtool CMD ARGS... | gtool batch\n");
		return 2;
	}
	umask(0);
	if (strcmp(argv[1], "batch") == 0)
		batch();
	else
		run(argv + 1, argc - 1);
	return failures ? 1 : 0;
}
