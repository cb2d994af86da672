/* proxy_client.c - drive a proxy helper (vfsd's or QEMU's) the way QEMU
 * 7.2 does, over a socketpair, and check what it does to the export.
 *
 *   proxy_client -k vfsd|qemu -b HELPER [-a HELPER-ARG]... [-l]
 *   proxy_client -c SOCKET     connect to a helper's -s socket, lstat "/"
 *
 * The helper is started as `HELPER [ARGS] -p EXPORT -f N -n` on a fresh
 * temporary export.  Every check runs against either helper; each has one
 * expected result for both, or one per helper where they differ, and every
 * difference is named (a QEMU-helper bug vfsd fixes, or a place where vfsd
 * is deliberately stricter).  Output is TAP plus one "# result NAME: X"
 * line per check, which tests/integration/proxy_differential.sh diffs
 * between the two helpers.  -l lists the named differences. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "helper/proxy.h"

#define TIMEOUT_MS 2000
#define RES_MAX 160

struct sess {
	pid_t pid;
	int sock;
};

static const char *kind;		/* "vfsd" or "qemu" */
static const char *helper_argv[16];
static int helper_argc;
static char work[64], export[96];
static struct sess S;
static struct proxy_req R;
static uint8_t buf[PROXY_BUF_SIZE];
static int tap_n, tap_fail;

/* ---- helper process ---------------------------------------------------- */

static int
sess_start(struct sess *s)
{
	char fdarg[16], logp[128];
	const char *argv[24];
	int sv[2], i, n = 0, lf;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	s->pid = fork();
	if (s->pid < 0)
		return -errno;
	if (s->pid == 0) {
		/* The helper's end must survive exec: a fresh, inheritable
		 * descriptor, as libvirt hands it over. */
		int fd = dup(sv[1]);
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		snprintf(logp, sizeof(logp), "%s/helper.log", work);
		lf = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (lf >= 0)
			dup2(lf, 2);
		for (i = 0; i < helper_argc; i++)
			argv[n++] = helper_argv[i];
		argv[n++] = "-p";
		argv[n++] = export;
		argv[n++] = "-f";
		argv[n++] = fdarg;
		argv[n++] = "-n";
		argv[n] = NULL;
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(sv[1]);
	s->sock = sv[0];
	return 0;
}

/* Close our end and reap the helper; its exit status, or -1 if it had to
 * be killed (it hung), or 128+signal if it died of a signal. */
static int
sess_end(struct sess *s)
{
	int st, i;

	if (s->sock >= 0)
		close(s->sock);
	s->sock = -1;
	for (i = 0; i < 50; i++) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
		usleep(100000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	return -1;
}

/* ---- requests, shaped as QEMU shapes them ------------------------------ */

/* Which request paths QEMU sends with their trailing NUL (doc §2.3). */
static bool
first_path_has_nul(uint32_t t)
{
	return !(t == PROXY_T_CREATE || t == PROXY_T_MKNOD ||
	    t == PROXY_T_MKDIR || t == PROXY_T_SYMLINK ||
	    t == PROXY_T_RENAME || t == PROXY_T_REMOVE);
}

static struct proxy_req *
req(uint32_t type, const char *path)
{
	memset(&R, 0, offsetof(struct proxy_req, strbuf));
	R.type = type;
	R.path = path;
	R.path_len = strlen(path) + (first_path_has_nul(type) ? 1 : 0);
	return &R;
}

static void
req_path2(const char *p)
{
	R.path2 = p;
	R.path2_len = strlen(p);
}

static void
req_name(const char *n)
{
	R.name = n;
	R.name_len = strlen(n);
}

/* Run R on session s.  Returns the status / fd-class result, or -ETIMEDOUT
 * (no reply: the helper hangs), or -EPIPE (connection gone). */
static int
call_on(struct sess *s, struct proxy_reply *rp, int *fd)
{
	struct proxy_reply tmp;
	int dummy, r;

	r = proxy_call(s->sock, &R, buf, sizeof(buf), rp ? rp : &tmp,
	    fd ? fd : &dummy, TIMEOUT_MS);
	if (r == -ETIMEDOUT)
		return r;
	if (r < 0)
		return -EPIPE;
	if (fd == NULL && dummy >= 0)
		close(dummy);
	return (rp ? rp : &tmp)->status;
}

static int
call(struct proxy_reply *rp, int *fd)
{
	return call_on(&S, rp, fd);
}

/* ---- result strings -------------------------------------------------- */

static const char *
errname(int r)
{
	static char b[32];
	const char *n;

	if (r == -ETIMEDOUT)
		return "hang";
	if (r == -EPIPE)
		return "closed";
	n = strerrorname_np(-r);
	snprintf(b, sizeof(b), "-%s", n ? n : "E?");
	return b;
}

static const char *
status_str(int r)
{
	static char b[32];

	if (r < 0)
		return errname(r);
	snprintf(b, sizeof(b), "%d", r);
	return b;
}

static void
put_status(char *out, int r)
{
	if (r < 0)
		snprintf(out, RES_MAX, "%s", errname(r));
	else
		snprintf(out, RES_MAX, "%d", r);
}

static const char *
hp(const char *rel)
{
	static char p[2][256];
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", export, rel);
	return p[i];
}

static const char *
ftype(mode_t m)
{
	return S_ISDIR(m) ? "dir" : S_ISREG(m) ? "reg" : S_ISLNK(m) ? "lnk" :
	    S_ISFIFO(m) ? "fifo" : S_ISCHR(m) ? "chr" : S_ISBLK(m) ? "blk" :
	    "other";
}

/* ---- checks: one per message type, then attacks and named bugs -------- */

static void
c_lstat_root(char *out)
{
	struct proxy_reply rp;
	struct stat st;
	int r;

	req(PROXY_T_LSTAT, "/");
	r = call(&rp, NULL);
	if (r < 0)
		return put_status(out, r);
	lstat(export, &st);
	snprintf(out, RES_MAX, "%s ino%s dev%s", ftype(rp.st.st_mode),
	    rp.st.st_ino == st.st_ino ? "=" : "!=",
	    rp.st.st_dev == st.st_dev ? "=" : "!=");
}

static void
c_lstat_file(char *out)
{
	struct proxy_reply rp;
	struct stat st;
	int r;

	req(PROXY_T_LSTAT, "//file1");
	r = call(&rp, NULL);
	if (r < 0)
		return put_status(out, r);
	lstat(hp("file1"), &st);
	snprintf(out, RES_MAX, "%s %o size=%lld nlink=%lu %u:%u ino%s mtime%s",
	    ftype(rp.st.st_mode), rp.st.st_mode & 07777,
	    (long long)rp.st.st_size, (unsigned long)rp.st.st_nlink,
	    rp.st.st_uid, rp.st.st_gid,
	    rp.st.st_ino == st.st_ino ? "=" : "!=",
	    rp.st.st_mtim.tv_nsec == st.st_mtim.tv_nsec &&
	    rp.st.st_mtim.tv_sec == st.st_mtim.tv_sec ? "=" : "!=");
}

static void
c_lstat_missing(char *out)
{
	req(PROXY_T_LSTAT, "//nope");
	put_status(out, call(NULL, NULL));
}

static void
c_open_read(char *out)
{
	char data[16] = "";
	int fd, r;

	req(PROXY_T_OPEN, "//file1")->flags = O_RDONLY;
	r = call(NULL, &fd);
	if (r < 0)
		return put_status(out, r);
	r = (int)pread(fd, data, sizeof(data) - 1, 0);
	close(fd);
	snprintf(out, RES_MAX, "fd read=%.*s", r > 0 ? r - 1 : 0, data);
}

static void
c_open_dir(char *out)
{
	struct stat st;
	int fd, r;

	req(PROXY_T_OPEN, "//dir1")->flags = O_DIRECTORY;
	r = call(NULL, &fd);
	if (r < 0)
		return put_status(out, r);
	fstat(fd, &st);
	close(fd);
	snprintf(out, RES_MAX, "fd %s", ftype(st.st_mode));
}

static void
create_common(char *out, const char *path, const char *rel, int uid, int gid)
{
	struct stat st;
	int fd, r;

	req(PROXY_T_CREATE, path);
	R.flags = O_WRONLY | O_CREAT | O_EXCL;
	R.mode = 0640;
	R.uid = uid;
	R.gid = gid;
	r = call(NULL, &fd);
	if (r < 0)
		return put_status(out, r);
	r = (int)write(fd, "x", 1);
	close(fd);
	lstat(hp(rel), &st);
	snprintf(out, RES_MAX, "fd %s %o %u:%u write=%d", ftype(st.st_mode),
	    st.st_mode & 07777, st.st_uid, st.st_gid, r);
}

static void
c_create(char *out)
{
	create_common(out, "//pub/new", "pub/new", 1000, 1000);
}

static void
c_create_exists(char *out)
{
	create_common(out, "//pub/new", "pub/new", 1000, 1000);
}

static void
c_create_root_dir(char *out)
{
	/* A guest user creating in a root-owned 0755 directory: the guest
	 * kernel refuses this itself; only a compromised guest asks. */
	create_common(out, "//dir1/byuser", "dir1/byuser", 1000, 1000);
}

static void
host_result(char *out, int r, const char *rel)
{
	struct stat st;

	if (r < 0)
		return put_status(out, r);
	if (lstat(hp(rel), &st) < 0) {
		snprintf(out, RES_MAX, "%d missing", r);
		return;
	}
	snprintf(out, RES_MAX, "%d %s %o %u:%u", r, ftype(st.st_mode),
	    st.st_mode & 07777, st.st_uid, st.st_gid);
}

static void
c_mkdir(char *out)
{
	req(PROXY_T_MKDIR, "//pub/dir2");
	R.mode = 040750;
	R.uid = 1000;
	R.gid = 1000;
	host_result(out, call(NULL, NULL), "pub/dir2");
}

static void
c_mknod_fifo(char *out)
{
	req(PROXY_T_MKNOD, "//fifo2");
	R.mode = S_IFIFO | 0644;
	host_result(out, call(NULL, NULL), "fifo2");
}

static void
c_mknod_dev_user(char *out)
{
	req(PROXY_T_MKNOD, "//pub/dev1");
	R.mode = S_IFCHR | 0644;
	R.rdev = makedev(1, 3);
	R.uid = 1000;
	R.gid = 1000;
	host_result(out, call(NULL, NULL), "pub/dev1");
}

static void
c_mknod_dev_root(char *out)
{
	req(PROXY_T_MKNOD, "//dev2");
	R.mode = S_IFCHR | 0644;
	R.rdev = makedev(1, 3);
	host_result(out, call(NULL, NULL), "dev2");
}

static void
c_symlink(char *out)
{
	char t[32] = "";
	int r;

	req(PROXY_T_SYMLINK, "//pub/link1");
	req_path2("file1");
	R.uid = 1000;
	R.gid = 1000;
	r = call(NULL, NULL);
	host_result(out, r, "pub/link1");
	if (readlink(hp("pub/link1"), t, sizeof(t) - 1) > 0)
		snprintf(out + strlen(out), RES_MAX - strlen(out), " ->%s", t);
}

static void
readlink_common(char *out, const char *path, int size)
{
	struct proxy_reply rp;
	int r;

	req(PROXY_T_READLINK, path)->size = size;
	r = call(&rp, NULL);
	if (r < 0)
		return put_status(out, r);
	snprintf(out, RES_MAX, "\"%.*s\"", (int)rp.data_len,
	    (const char *)rp.data);
}

static void c_readlink(char *out) { readlink_common(out, "//pub/link1", 4096); }
static void c_readlink_trunc(char *out) { readlink_common(out, "//pub/link1", 3); }
static void c_readlink_notlink(char *out) { readlink_common(out, "//file1", 4096); }

static void
c_link(char *out)
{
	struct stat st;
	int r;

	req(PROXY_T_LINK, "//file1");
	req_path2("//hard1");
	r = call(NULL, NULL);
	if (r < 0)
		return put_status(out, r);
	lstat(hp("file1"), &st);
	snprintf(out, RES_MAX, "%d nlink=%lu", r, (unsigned long)st.st_nlink);
}

static void
c_statfs(char *out)
{
	struct proxy_reply rp;
	struct statfs sfs;
	int r;

	req(PROXY_T_STATFS, "/");
	r = call(&rp, NULL);
	if (r < 0)
		return put_status(out, r);
	statfs(export, &sfs);
	snprintf(out, RES_MAX, "type%s bsize%s fsid%s namelen=%ld",
	    rp.sfs.f_type == sfs.f_type ? "=" : "!=",
	    rp.sfs.f_bsize == sfs.f_bsize ? "=" : "!=",
	    memcmp(&rp.sfs.f_fsid, &sfs.f_fsid, sizeof(sfs.f_fsid)) == 0 ?
	    "=" : "!=", (long)rp.sfs.f_namelen);
}

static void
c_chmod(char *out)
{
	req(PROXY_T_CHMOD, "//file1")->mode = 0100600;
	host_result(out, call(NULL, NULL), "file1");
}

static void
c_chown(char *out)
{
	req(PROXY_T_CHOWN, "//file1");
	R.uid = 1234;
	R.gid = 5678;
	host_result(out, call(NULL, NULL), "file1");
}

static void
c_chown_none(char *out)
{
	req(PROXY_T_CHOWN, "//file1");
	R.uid = -1;
	R.gid = -1;
	host_result(out, call(NULL, NULL), "file1");
}

static void
c_truncate(char *out)
{
	struct stat st;
	int r;

	req(PROXY_T_TRUNCATE, "//file1")->length = 3;
	r = call(NULL, NULL);
	if (r < 0)
		return put_status(out, r);
	lstat(hp("file1"), &st);
	snprintf(out, RES_MAX, "%d size=%lld", r, (long long)st.st_size);
}

static void
c_utime(char *out)
{
	struct stat st;
	int r;

	req(PROXY_T_UTIME, "//file1");
	R.times[0] = 1000; R.times[1] = 111;
	R.times[2] = 2000; R.times[3] = 222;
	r = call(NULL, NULL);
	if (r < 0)
		return put_status(out, r);
	lstat(hp("file1"), &st);
	snprintf(out, RES_MAX, "%d a=%lld.%ld m=%lld.%ld", r,
	    (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void
c_utime_omit(char *out)
{
	req(PROXY_T_UTIME, "//file1");
	R.times[1] = R.times[3] = UTIME_OMIT;
	put_status(out, call(NULL, NULL));
}

static void
c_rename(char *out)
{
	req(PROXY_T_RENAME, "//hard1");
	req_path2("//pub/dir2/moved");
	host_result(out, call(NULL, NULL), "pub/dir2/moved");
}

static void
c_remove_file(char *out)
{
	req(PROXY_T_REMOVE, "//pub/dir2/moved");
	host_result(out, call(NULL, NULL), "pub/dir2/moved");
}

static void
c_remove_dir(char *out)
{
	req(PROXY_T_REMOVE, "//dir3");
	host_result(out, call(NULL, NULL), "dir3");
}

static void
c_remove_missing(char *out)
{
	req(PROXY_T_REMOVE, "//nope");
	put_status(out, call(NULL, NULL));
}

static void
setxattr_common(char *out, int size)
{
	char v[256];
	ssize_t n;
	int r;

	req(PROXY_T_LSETXATTR, "//file1");
	req_name("user.foo");
	R.value = (const uint8_t *)"bar";
	R.value_len = 3;
	R.size = size;
	r = call(NULL, NULL);
	n = lgetxattr(hp("file1"), "user.foo", v, sizeof(v));
	snprintf(out, RES_MAX, "%s host-len=%zd", status_str(r), n);
}

static void c_setxattr(char *out) { setxattr_common(out, 3); }

/* QEMU's helper trusts the separate size field: a size beyond the value
 * makes it read past the request into its heap and store that. */
static void c_setxattr_overread(char *out) { setxattr_common(out, 200); }

static void
getxattr_common(char *out, const char *name, int size)
{
	struct proxy_reply rp;
	int r;

	req(PROXY_T_LGETXATTR, "//file1")->size = size;
	req_name(name);
	r = call(&rp, NULL);
	if (r < 0 || size == 0)
		return put_status(out, r);
	snprintf(out, RES_MAX, "\"%.*s\"", (int)rp.data_len,
	    (const char *)rp.data);
}

static void c_getxattr_len(char *out) { getxattr_common(out, "user.foo", 0); }
static void c_getxattr(char *out) { getxattr_common(out, "user.foo", 3); }
static void c_getxattr_small(char *out) { getxattr_common(out, "user.foo", 1); }
static void c_getxattr_absent(char *out) { getxattr_common(out, "user.nope", 8); }

static void
c_listxattr(char *out)
{
	struct proxy_reply rp;
	int r, len;

	req(PROXY_T_LLISTXATTR, "//file1")->size = 0;
	len = call(NULL, NULL);
	if (len <= 0)
		return put_status(out, len);
	req(PROXY_T_LLISTXATTR, "//file1")->size = len;
	r = call(&rp, NULL);
	if (r < 0)
		return put_status(out, r);
	snprintf(out, RES_MAX, "len=%d has-user.foo=%d", len,
	    memmem(rp.data, rp.data_len, "user.foo", 9) != NULL);
}

static void
c_removexattr(char *out)
{
	req(PROXY_T_LREMOVEXATTR, "//file1");
	req_name("user.foo");
	put_status(out, call(NULL, NULL));
	if (lgetxattr(hp("file1"), "user.foo", NULL, 0) < 0 && errno == ENODATA)
		strcat(out, " host-gone");
}

static void
c_getversion(char *out)
{
	struct proxy_reply rp;
	unsigned int gen = 0;
	int fd, r;

	req(PROXY_T_GETVERSION, "//file1");
	r = call(&rp, NULL);
	if (r < 0)
		return put_status(out, r);
	fd = open(hp("file1"), O_RDONLY);
	ioctl(fd, FS_IOC_GETVERSION, &gen);
	close(fd);
	snprintf(out, RES_MAX, "low32%s high32%s",
	    (uint32_t)rp.u64 == gen ? "=gen" : "!=gen",
	    rp.u64 >> 32 ? "!=0" : "=0");
}

/* -- attacks -- */

static void
c_escape_dotdot(char *out)
{
	req(PROXY_T_LSTAT, "//../secret");
	put_status(out, call(NULL, NULL));
}

static void
c_escape_dotdot_deep(char *out)
{
	req(PROXY_T_OPEN, "//dir1/../../../../secret")->flags = O_RDONLY;
	put_status(out, call(NULL, NULL));
}

/* The verdict of an escape attempt: did the reply name the host file
 * outside the export? */
static void
escape_verdict(char *out, const char *path, const char *outside)
{
	struct proxy_reply rp;
	struct stat st;
	int r;

	req(PROXY_T_LSTAT, path);
	r = call(&rp, NULL);
	lstat(outside, &st);
	if (r < 0)
		snprintf(out, RES_MAX, "refused");
	else
		snprintf(out, RES_MAX, "%s", rp.st.st_ino == st.st_ino &&
		    rp.st.st_dev == st.st_dev ? "ESCAPED" : "inside");
}

static void
c_escape_abs_symlink(char *out)
{
	escape_verdict(out, "//abs/passwd", "/etc/passwd");
}

static void
c_escape_rel_symlink(char *out)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/secret", work);
	escape_verdict(out, "//up/secret", p);
}

static void
c_open_symlink(char *out)
{
	int fd, r;

	req(PROXY_T_OPEN, "//abs")->flags = O_DIRECTORY;
	r = call(NULL, &fd);
	if (fd >= 0)
		close(fd);
	put_status(out, r < 0 ? r : 0);
}

static void
c_open_chardev(char *out)
{
	req(PROXY_T_OPEN, "//null")->flags = O_RDONLY;
	put_status(out, call(NULL, NULL));
}

/* Unblock a helper stuck opening a FIFO for reading: become its writer. */
static void
unblock_fifo(const char *rel)
{
	int w = open(hp(rel), O_WRONLY | O_NONBLOCK);

	if (w >= 0)
		close(w);
}

static void
fifo_common(char *out, uint32_t type)
{
	struct proxy_reply rp;
	struct timespec t0, t1;
	int fd = -1, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	req(type, "//fifo1")->flags = O_RDONLY;
	r = call(&rp, &fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (fd >= 0)
		close(fd);
	if (r == -ETIMEDOUT) {
		/* Get the stuck helper going again, and drain its reply. */
		unblock_fifo("fifo1");
		(void)proxy_read_reply(S.sock, &R, buf, sizeof(buf), &rp, &fd,
		    TIMEOUT_MS);
		if (fd >= 0)
			close(fd);
		snprintf(out, RES_MAX, "hang");
		return;
	}
	snprintf(out, RES_MAX, "%s %s", r < 0 ? errname(r) : "ok",
	    t1.tv_sec - t0.tv_sec < 1 ? "fast" : "slow");
}

static void c_open_fifo(char *out) { fifo_common(out, PROXY_T_OPEN); }
static void c_getversion_fifo(char *out) { fifo_common(out, PROXY_T_GETVERSION); }

static void
raw_reply(char *out, const uint8_t *msg, size_t len, bool fdclass)
{
	struct proxy_reply rp;
	uint32_t t, sz;
	int fd, r;

	proxy_write_full(S.sock, msg, len);
	if (fdclass) {
		R.type = PROXY_T_OPEN;
		r = proxy_read_reply(S.sock, &R, buf, sizeof(buf), &rp, &fd,
		    TIMEOUT_MS);
		put_status(out, r < 0 ? r : rp.status);
		return;
	}
	r = proxy_recv_msg(S.sock, buf, sizeof(buf), &t, &sz);
	if (r < 0)
		return put_status(out, -EPIPE);
	snprintf(out, RES_MAX, "%s size=%u %s", proxy_type_name(t), sz,
	    sz == 4 ? errname(*(int32_t *)(buf + 8)) : "");
}

static void
c_truncated_lstat(char *out)
{
	static const uint8_t m[] = { 8, 0, 0, 0, 3, 0, 0, 0, 5, 0, '/' };

	raw_reply(out, m, sizeof(m), false);
}

static void
c_truncated_open(char *out)
{
	static const uint8_t m[] = { 2, 0, 0, 0, 6, 0, 0, 0, 2, 0, '/', 0, 0, 0 };

	raw_reply(out, m, sizeof(m), true);
}

static void
c_truncated_xattr(char *out)
{
	static const uint8_t m[] = { 19, 0, 0, 0, 6, 0, 0, 0, 2, 0, '/', 0,
	    0xff, 0xff };

	raw_reply(out, m, sizeof(m), false);
}

static void
c_max_payload(char *out)
{
	static uint8_t m[PROXY_BUF_SIZE];

	proxy_put_hdr(m, PROXY_T_LSTAT, PROXY_MAX_IO);
	m[8] = 0xfe; m[9] = 0xff;
	memset(m + 10, 'a', 65534);
	raw_reply(out, m, sizeof(m), false);
	/* Which errno is the helper's business; the class and size are not. */
	if (strncmp(out, "error size=4 -E", 15) == 0)
		snprintf(out, RES_MAX, "error size=4");
}

/* Connection-ending input, each on its own helper: the helper must close
 * without a reply and exit 0. */
static void
ending_common(char *out, const uint8_t *m, size_t len, bool shut)
{
	struct sess s;
	uint8_t b[16];
	ssize_t n;
	int st;

	if (sess_start(&s) < 0)
		return put_status(out, -ECHILD);
	proxy_write_full(s.sock, m, len);
	if (shut)
		shutdown(s.sock, SHUT_WR);
	struct timeval tv = { 3, 0 };
	setsockopt(s.sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(s.sock, b, sizeof(b));
	int saved = errno;
	st = sess_end(&s);
	errno = saved;
	/* Unread bytes make the close a reset; a timeout is a hang. */
	snprintf(out, RES_MAX, "%s exit=%d", n == 0 || (n < 0 &&
	    errno == ECONNRESET) ? "closed" : n < 0 ? "hang" : "replied", st);
}

static void
c_oversize_header(char *out)
{
	uint8_t m[8 + 16] = { 0 };

	proxy_put_hdr(m, PROXY_T_LSTAT, PROXY_MAX_IO + 1);
	ending_common(out, m, sizeof(m), false);
}

static void
c_unknown_type(char *out)
{
	static const uint8_t m[] = { 22, 0, 0, 0, 4, 0, 0, 0, 2, 0, '/', 0 };

	ending_common(out, m, sizeof(m), false);
}

static void
c_reply_type_as_request(char *out)
{
	static const uint8_t m[] = { 1, 0, 0, 0, 4, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff };

	ending_common(out, m, sizeof(m), false);
}

static void
c_eof_mid_payload(char *out)
{
	static const uint8_t m[] = { 8, 0, 0, 0, 100, 0, 0, 0, 2, 0, '/', 0 };

	ending_common(out, m, sizeof(m), true);
}

/* QEMU's helper §5.2 bug 1: a root create with a non-zero gid (guest root
 * in a setgid directory) leaves it with only DAC_OVERRIDE; root chowns
 * then fail, and the next non-root create aborts it. */
static void
c_setgid_capability_loss(char *out)
{
	struct sess s;
	struct stat st;
	int fd, r1, r2, r3, code;

	if (sess_start(&s) < 0)
		return put_status(out, -ECHILD);
	req(PROXY_T_CREATE, "//sgid/byroot");
	R.flags = O_WRONLY | O_CREAT | O_EXCL;
	R.mode = 0644;
	R.uid = 0;
	R.gid = 1000;
	r1 = call_on(&s, NULL, &fd);
	if (fd >= 0)
		close(fd);
	lstat(hp("sgid/byroot"), &st);
	req(PROXY_T_CHOWN, "//file1");
	R.uid = 0;
	R.gid = 0;
	r2 = call_on(&s, NULL, NULL);
	req(PROXY_T_CREATE, "//pub/byuser2");
	R.flags = O_WRONLY | O_CREAT | O_EXCL;
	R.mode = 0644;
	R.uid = 1000;
	R.gid = 1000;
	r3 = call_on(&s, NULL, &fd);
	if (fd >= 0)
		close(fd);
	code = sess_end(&s);
	snprintf(out, RES_MAX, "create=%s gid=%u chown=%s",
	    r1 < 0 ? errname(r1) : "fd", st.st_gid, status_str(r2));
	snprintf(out + strlen(out), RES_MAX - strlen(out),
	    " usercreate=%s exit=%d", r3 < 0 ? errname(r3) : "fd", code);
}

/* What the running helper may still do: capability sets and no_new_privs
 * from /proc. */
static void
c_privileges(char *out)
{
	char path[64], line[256], bnd[32] = "?", nnp[8] = "?";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)S.pid);
	f = fopen(path, "r");
	if (f == NULL)
		return put_status(out, -errno);
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "CapBnd: %31s", bnd);
		sscanf(line, "NoNewPrivs: %7s", nnp);
	}
	fclose(f);
	snprintf(out, RES_MAX, "bnd=%s nnp=%s", strcmp(bnd, "0000000000000000") ?
	    "some" : "empty", nnp);
}

struct check {
	const char *name;
	void (*fn)(char *out);
	const char *want;	/* fnmatch pattern for both helpers ... */
	const char *want_vfsd;	/* ... or one per helper, and then */
	const char *want_qemu;
	const char *why;	/* the named difference */
};

#define SAME(n, f, w) { n, f, w, NULL, NULL, NULL }
#define DIFF(n, f, v, q, why) { n, f, NULL, v, q, why }

static const struct check checks[] = {
	SAME("lstat-root", c_lstat_root, "dir ino= dev="),
	SAME("lstat-file", c_lstat_file, "reg 644 size=6 nlink=1 0:0 ino= mtime="),
	SAME("lstat-missing", c_lstat_missing, "-ENOENT"),
	SAME("open-read", c_open_read, "fd read=hello"),
	SAME("open-dir", c_open_dir, "fd dir"),
	SAME("create", c_create, "fd reg 640 1000:1000 write=1"),
	SAME("create-exists", c_create_exists, "-EEXIST"),
	SAME("mkdir", c_mkdir, "0 dir 750 1000:1000"),
	SAME("mknod-fifo", c_mknod_fifo, "0 fifo 644 0:0"),
	SAME("mknod-dev-user", c_mknod_dev_user, "-EPERM"),
	SAME("symlink", c_symlink, "0 lnk 777 1000:1000 ->file1"),
	SAME("readlink", c_readlink, "\"file1\""),
	SAME("readlink-trunc", c_readlink_trunc, "\"fi\""),
	SAME("readlink-notlink", c_readlink_notlink, "-EINVAL"),
	SAME("link", c_link, "0 nlink=2"),
	SAME("statfs", c_statfs, "type= bsize= fsid= namelen=255"),
	SAME("setxattr", c_setxattr, "0 host-len=3"),
	SAME("getxattr-len", c_getxattr_len, "3"),
	SAME("getxattr", c_getxattr, "\"bar\""),
	SAME("getxattr-small", c_getxattr_small, "-ERANGE"),
	SAME("getxattr-absent", c_getxattr_absent, "-ENODATA"),
	SAME("listxattr", c_listxattr, "len=* has-user.foo=1"),
	SAME("removexattr", c_removexattr, "0 host-gone"),
	SAME("chmod", c_chmod, "0 reg 600 0:0"),
	SAME("chown", c_chown, "0 reg 600 1234:5678"),
	SAME("chown-none", c_chown_none, "0 reg 600 1234:5678"),
	SAME("truncate", c_truncate, "0 size=3"),
	SAME("utime", c_utime, "0 a=1000.111 m=2000.222"),
	SAME("utime-omit", c_utime_omit, "0"),
	SAME("rename", c_rename, "0 reg 600 1234:5678"),
	SAME("remove-file", c_remove_file, "0 missing"),
	SAME("remove-dir", c_remove_dir, "0 missing"),
	SAME("remove-missing", c_remove_missing, "-ENOENT"),
	DIFF("getversion", c_getversion, "low32=gen high32=0",
	    "low32=gen high32!=0", "qemu-bug:getversion-high-bits-uninitialised"),
	SAME("escape-dotdot", c_escape_dotdot, "-ENOENT"),
	SAME("escape-dotdot-deep", c_escape_dotdot_deep, "-ENOENT"),
	SAME("open-chardev", c_open_chardev, "-ENXIO"),
	SAME("truncated-lstat", c_truncated_lstat, "error size=4 -ENOBUFS"),
	SAME("truncated-open", c_truncated_open, "-ENOBUFS"),
	SAME("truncated-setxattr", c_truncated_xattr, "error size=4 -ENOBUFS"),
	SAME("max-payload", c_max_payload, "error size=4"),
	SAME("oversize-header", c_oversize_header, "closed exit=0"),
	SAME("unknown-type", c_unknown_type, "closed exit=0"),
	SAME("reply-type-as-request", c_reply_type_as_request, "closed exit=0"),
	SAME("eof-mid-payload", c_eof_mid_payload, "closed exit=0"),
	DIFF("escape-abs-symlink", c_escape_abs_symlink, "refused", "inside",
	    "vfsd-never-follows-symlinks"),
	SAME("escape-rel-symlink", c_escape_rel_symlink, "refused"),
	DIFF("open-symlink", c_open_symlink, "-E*", "0",
	    "vfsd-never-follows-symlinks"),
	DIFF("open-fifo", c_open_fifo, "-ENXIO fast", "hang",
	    "qemu-bug:fifo-open-blocks-helper"),
	DIFF("getversion-fifo", c_getversion_fifo, "-E* fast", "hang",
	    "qemu-bug:getversion-opens-special-files"),
	DIFF("setxattr-size-overread", c_setxattr_overread,
	    "-EINVAL host-len=-1", "0 host-len=200",
	    "qemu-bug:setxattr-trusts-size-field"),
	DIFF("setgid-capability-loss", c_setgid_capability_loss,
	    "create=fd gid=1000 chown=0 usercreate=fd exit=0",
	    "create=fd gid=1000 chown=-EPERM usercreate=closed exit=134",
	    "qemu-bug:capabilities-lost-after-root-create-with-gid"),
	SAME("mknod-dev-root", c_mknod_dev_root, "0 chr 644 0:0"),
	DIFF("create-in-root-dir", c_create_root_dir, "-EACCES",
	    "fd reg 640 1000:1000 write=1",
	    "vfsd-checks-host-permissions-as-the-guest-uid"),
	DIFF("privileges", c_privileges, "bnd=empty nnp=1", "bnd=empty nnp=0",
	    "vfsd-sets-no-new-privs"),
};

/* -c: one T_LSTAT of the root over a socket path, as QEMU's realize does.
 * Prints "connect: ..." or the root's type; exit 0 only for a directory. */
static int
ping(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct proxy_reply rp;
	int fd, r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	S.sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(S.sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("connect: %s\n", strerrorname_np(errno));
		return 1;
	}
	req(PROXY_T_LSTAT, "/");
	r = call(&rp, &fd);
	printf("%s\n", r < 0 ? errname(r) : ftype(rp.st.st_mode));
	return r < 0 || !S_ISDIR(rp.st.st_mode);
}

/* ---- fixture and main ------------------------------------------------ */

static int
fixture(void)
{
	char p[160];
	int fd;

	snprintf(work, sizeof(work), "/tmp/proxyc.XXXXXX");
	if (mkdtemp(work) == NULL)
		return -1;
	snprintf(export, sizeof(export), "%s/export", work);
	snprintf(p, sizeof(p), "%s/secret", work);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	close(fd);
	if (mkdir(export, 0755) < 0)
		return -1;
	fd = open(hp("file1"), O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "hello\n", 6) != 6)
		return -1;
	close(fd);
	mkdir(hp("dir1"), 0755);
	mkdir(hp("dir3"), 0755);
	mkdir(hp("pub"), 0777);
	chmod(hp("pub"), 0777);
	mkdir(hp("sgid"), 0775);
	chown(hp("sgid"), 0, 1000);
	chmod(hp("sgid"), 02775);
	mkdir(hp("etc"), 0755);
	fd = open(hp("etc/passwd"), O_WRONLY | O_CREAT, 0644);
	close(fd);
	mkfifo(hp("fifo1"), 0644);
	mknod(hp("null"), S_IFCHR | 0666, makedev(1, 3));
	symlink("/etc", hp("abs"));
	symlink("../..", hp("up"));
	return 0;
}

static bool
matches(const char *pat, const char *got)
{
	if (pat[0] == '!')
		return fnmatch(pat + 1, got, 0) != 0;
	return fnmatch(pat, got, 0) == 0;
}

static void
run_check(const struct check *c)
{
	char out[RES_MAX] = "";
	const char *want;

	want = c->want ? c->want :
	    strcmp(kind, "vfsd") == 0 ? c->want_vfsd : c->want_qemu;
	c->fn(out);
	tap_n++;
	if (!matches(want, out))
		tap_fail++;
	printf("%sok %d - [%s] %s: %s%s%s\n", matches(want, out) ? "" : "not ",
	    tap_n, kind, c->name, out, c->why ? " # " : "",
	    c->why ? c->why : "");
	if (!matches(want, out))
		printf("#   want \"%s\"\n", want);
	printf("# result %s: %s\n", c->name, out);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	size_t i;
	int ch, st;
	bool list = false;

	while ((ch = getopt(argc, argv, "k:b:a:lc:")) != -1) {
		switch (ch) {
		case 'c': return ping(optarg);
		case 'k': kind = optarg; break;
		case 'b': helper_argv[0] = optarg; break;
		case 'a':
			if (helper_argc < 14)
				helper_argv[1 + helper_argc++] = optarg;
			break;
		case 'l': list = true; break;
		default:
			fprintf(stderr, "usage: %s -k vfsd|qemu -b HELPER "
			    "[-a ARG]... [-l]\n", argv[0]);
			return 2;
		}
	}
	if (list) {
		for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			if (checks[i].why != NULL)
				printf("%s %s\n", checks[i].name, checks[i].why);
		return 0;
	}
	if (kind == NULL || helper_argv[0] == NULL)
		return 2;
	helper_argc++;
	signal(SIGPIPE, SIG_IGN);
	if (fixture() < 0 || sess_start(&S) < 0) {
		printf("not ok 1 - fixture or helper start\n");
		return 1;
	}
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		run_check(&checks[i]);
	st = sess_end(&S);
	tap_n++;
	printf("%sok %d - [%s] helper exits 0 at EOF (got %d)\n",
	    st == 0 ? "" : "not ", tap_n, kind, st);
	tap_fail += st != 0;
	printf("1..%d\n", tap_n);
	if (getenv("PROXY_KEEP") == NULL) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
		if (system(cmd) != 0)
			tap_fail++;
	} else {
		printf("# kept %s\n", work);
	}
	return tap_fail ? 1 : 0;
}
