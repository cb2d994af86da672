/* test_core_path.c - the path forms (core_lstat_path, core_readlink_path,
 * core_getxattr_path, core_statfs_path, core_open_path, core_setattr_path)
 * against what they
 * stand for: core_resolve followed by the node operation.  Every path of a table
 * of ordinary, odd and hostile ones must give the same result (errno and
 * answer) either way, in every model, without leaking a descriptor or
 * touching anything outside the export.  Run twice: on a plain export
 * (core_open_path must take the node form) and, in a private mount
 * namespace, on a nodev bind mount of it (core_open_path opens by name),
 * with a race that swaps a device node and a FIFO in and out under a
 * name being opened, and one that swaps a symlink to a file outside the
 * export in and out under a name being chmod/chown/utime'd.  Real
 * syscalls on a temporary export; root. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "tests/unit/core_fixture.h"

static const char *const paths[] = {
	"/", "//", "f", "//f", "/f/", "d", "d/", "d/g", "//d//g", "d/.",
	"d/..", "d/../f", "d/sub/..", ".", "..", "../..",
	"../outside/marker", "d/../../outside/marker", "l", "l/", "l/x",
	"dl", "dl/g", "dl/.", "ab", "ab/marker", "fifo", "null", "nothere",
	"d/nothere", "nothere/x", "f/x", "f/.", "d/sub/deep/deeper",
	"d/sub/deep/deeper/h",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"nothere/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	".virtfs_metadata", "d/.virtfs_metadata/g", "mnt", "mnt/", "mnt/t",
	"d/mnt2", "d/mnt2/t",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static int
count_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (dir == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		n++;
	closedir(dir);
	return n;
}

static void mount_tmpfs(struct fx *f, const char *rel);

static void
make_tree(struct fx *f)
{
	char p[256], q[300];

	fx_put(f, "f", "data\n");
	fx_path(f, "f", p, sizeof(p));
	lsetxattr(p, "user.x", "vx", 2, 0);
	fx_path(f, "d/sub/deep/deeper", p, sizeof(p));
	snprintf(q, sizeof(q), "mkdir -p '%s'", p);
	if (system(q) != 0)
		tap_diag("mkdir -p failed");
	fx_path(f, "d/g", p, sizeof(p));
	close(open(p, O_WRONLY | O_CREAT, 0600));
	fx_path(f, "d/sub/deep/deeper/h", p, sizeof(p));
	close(open(p, O_WRONLY | O_CREAT, 0600));
	fx_path(f, "l", p, sizeof(p));
	symlink("f", p);
	fx_path(f, "dl", p, sizeof(p));
	symlink("d", p);
	fx_path(f, "ab", p, sizeof(p));
	symlink(f->out, p);		/* absolute, out of the export */
	fx_path(f, "fifo", p, sizeof(p));
	mkfifo(p, 0644);
	fx_path(f, "null", p, sizeof(p));
	mknod(p, S_IFCHR | 0666, makedev(1, 3));
	/* Other mounts inside the export have their own statfs. */
	mount_tmpfs(f, "mnt");
	mount_tmpfs(f, "d/mnt2");
}

static void
mount_tmpfs(struct fx *f, const char *rel)
{
	char p[256];

	fx_path(f, rel, p, sizeof(p));
	mkdir(p, 0755);
	if (mount("tmpfs", p, "tmpfs", 0, "size=1m") != 0)
		tap_diag("mount tmpfs on %s: %s", p, strerror(errno));
	strcat(p, "/t");
	close(open(p, O_WRONLY | O_CREAT, 0600));
}

static void
unmount_tmpfs(struct fx *f, const char *rel)
{
	char p[256];

	fx_path(f, rel, p, sizeof(p));
	umount2(p, MNT_DETACH);
}

static bool
same_attr(const struct core_attr *a, const struct core_attr *b)
{
	return a->qid_path == b->qid_path && a->mode == b->mode &&
	    a->uid == b->uid && a->gid == b->gid && a->nlink == b->nlink &&
	    a->rdev == b->rdev && a->size == b->size && a->dev == b->dev &&
	    a->ino == b->ino && a->has_gen == b->has_gen &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static int
node_lstat(struct fx *f, const char *path, struct core_attr *a)
{
	int r, fd;

	if ((r = core_resolve(f->c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_getattr_want(f->c, fd, 0, a);
	close(fd);
	return r;
}

static int
node_readlink(struct fx *f, const char *path, char *t, size_t cap)
{
	int r, fd;

	if ((r = core_resolve(f->c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_readlink(f->c, NULL, fd, t, cap);
	close(fd);
	return r;
}

static int
node_getxattr(struct fx *f, const char *path, const char *name, char *v,
    size_t cap)
{
	int r, fd;

	if ((r = core_resolve(f->c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_getxattr(f->c, NULL, fd, name, v, cap);
	close(fd);
	return r;
}

static int
node_statfs(struct fx *f, const char *path, struct statfs *st)
{
	int r, fd;

	if ((r = core_resolve(f->c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_statfs(f->c, fd, st);
	close(fd);
	return r;
}

static int
node_open(struct fx *f, const char *path, int flags, int *fd)
{
	int r, node;

	if ((r = core_resolve(f->c, path, false, &node, NULL)) < 0)
		return r;
	r = core_open(f->c, NULL, node, flags, fd);
	close(node);
	return r;
}

/* Both opened the same inode with the same access mode. */
static bool
same_open(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	    sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev &&
	    (fcntl(a, F_GETFL) & O_ACCMODE) == (fcntl(b, F_GETFL) & O_ACCMODE);
}

static void
check_open(struct fx *f, const char *m, const char *path)
{
	static const int flags[] = { O_RDONLY, O_WRONLY, O_RDWR,
	    O_RDONLY | O_DIRECTORY, O_WRONLY | O_APPEND };
	size_t i;
	int r1, r2, fd1, fd2;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		fd1 = fd2 = -1;
		r1 = core_open_path(f->c, NULL, path, flags[i], &fd1);
		r2 = node_open(f, path, flags[i], &fd2);
		ok(r1 == r2 && (r1 < 0 || same_open(fd1, fd2)),
		    "%s: open \"%.20s\" %#o as the node form (%d, %d)", m,
		    path, flags[i], r1, r2);
		if (r1 == 0)
			close(fd1);
		if (r2 == 0)
			close(fd2);
	}
}

static int
node_setattr(struct fx *f, const char *path, const struct core_setattr *sa)
{
	int r, fd;

	if ((r = core_resolve(f->c, path, false, &fd, NULL)) < 0)
		return r;
	r = core_setattr(f->c, NULL, fd, sa);
	close(fd);
	return r;
}

/* What a setattr changed, read back through the node form. */
static bool
shows(struct fx *f, const char *path, const struct core_setattr *sa,
    uint64_t ino)
{
	struct core_attr a;

	if (node_lstat(f, path, &a) != 0 || a.ino != ino)
		return false;
	if ((sa->valid & CORE_SETATTR_MODE) &&
	    (a.mode & 07777) != (sa->mode & 07777))
		return false;
	if ((sa->valid & CORE_SETATTR_UID) && a.uid != sa->uid)
		return false;
	if ((sa->valid & CORE_SETATTR_GID) && a.gid != sa->gid)
		return false;
	if ((sa->valid & CORE_SETATTR_MTIME_SET) &&
	    (a.mtime.tv_sec != sa->mtime.tv_sec ||
	    a.mtime.tv_nsec != sa->mtime.tv_nsec))
		return false;
	if ((sa->valid & CORE_SETATTR_ATIME_SET) &&
	    (a.atime.tv_sec != sa->atime.tv_sec ||
	    a.atime.tv_nsec != sa->atime.tv_nsec))
		return false;
	return true;
}

/* Each of the proxy's one-kind setattrs (and a mixed one, which must take
 * the node form) by path and by node, with two different values so that
 * each is seen to land on the same object; then the object is put back. */
static void
check_setattr(struct fx *f, const char *m, const char *path)
{
	static const struct core_setattr one[][2] = {
		{ { .valid = CORE_SETATTR_MODE, .mode = 0640 },
		  { .valid = CORE_SETATTR_MODE, .mode = 0604 } },
		{ { .valid = CORE_SETATTR_UID | CORE_SETATTR_GID, .uid = 1234,
		    .gid = 2345 },
		  { .valid = CORE_SETATTR_UID | CORE_SETATTR_GID, .uid = 3456,
		    .gid = 4567 } },
		{ { .valid = CORE_SETATTR_GID, .gid = 77 },
		  { .valid = CORE_SETATTR_GID, .gid = 78 } },
		{ { .valid = CORE_SETATTR_ATIME | CORE_SETATTR_MTIME |
		    CORE_SETATTR_ATIME_SET | CORE_SETATTR_MTIME_SET,
		    .atime = { 1000, 5 }, .mtime = { 2000, 6 } },
		  { .valid = CORE_SETATTR_ATIME | CORE_SETATTR_MTIME |
		    CORE_SETATTR_ATIME_SET | CORE_SETATTR_MTIME_SET,
		    .atime = { 3000, 7 }, .mtime = { 4000, 8 } } },
		{ { .valid = CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET,
		    .mtime = { 5000, 9 } },
		  { .valid = CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET,
		    .mtime = { 6000, 10 } } },
		{ { .valid = CORE_SETATTR_ATIME | CORE_SETATTR_MTIME },
		  { .valid = CORE_SETATTR_ATIME | CORE_SETATTR_MTIME } },
		{ { .valid = CORE_SETATTR_MODE | CORE_SETATTR_UID, .mode = 0600,
		    .uid = 99 },
		  { .valid = CORE_SETATTR_MODE | CORE_SETATTR_UID, .mode = 0606,
		    .uid = 98 } },
		{ { .valid = CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET,
		    .mtime = { 1, 1000000000 } },
		  { .valid = CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET,
		    .mtime = { 1, -1 } } },
	};
	struct core_setattr back;
	enum policy_model model;
	struct core_attr o;
	size_t i;
	int r1, r2, ro;

	ro = node_lstat(f, path, &o);
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		r1 = core_setattr_path(f->c, NULL, path, &one[i][0]);
		ok(r1 < 0 || shows(f, path, &one[i][0], o.ino),
		    "%s: setattr %#x \"%.20s\" by path lands (%d)", m,
		    one[i][0].valid, path, r1);
		r2 = node_setattr(f, path, &one[i][1]);
		ok(r1 == r2 && (r2 < 0 || shows(f, path, &one[i][1], o.ino)),
		    "%s: setattr %#x \"%.20s\" as the node form (%d, %d)", m,
		    one[i][0].valid, path, r1, r2);
	}
	if (ro != 0)
		return;
	/* Back as it was: other checks read this tree. */
	back.valid = CORE_SETATTR_UID | CORE_SETATTR_GID | CORE_SETATTR_ATIME |
	    CORE_SETATTR_MTIME | CORE_SETATTR_ATIME_SET |
	    CORE_SETATTR_MTIME_SET;
	back.uid = o.uid;
	back.gid = o.gid;
	back.atime = o.atime;
	back.mtime = o.mtime;
	if (!S_ISLNK(o.mode))
		back.valid |= CORE_SETATTR_MODE;
	/* The mapped models keep no record on a symlink or special file
	 * (the node form fails there as well): only its times go back. */
	model = core_options(f->c)->model;
	if ((model == POLICY_MAPPED_XATTR || model == POLICY_MAPPED_FILE) &&
	    !S_ISREG(o.mode) && !S_ISDIR(o.mode))
		back.valid &= ~(CORE_SETATTR_MODE | CORE_SETATTR_UID |
		    CORE_SETATTR_GID);
	back.mode = o.mode & 07777;
	is_int(node_setattr(f, path, &back), 0, "%s: \"%.20s\" put back", m,
	    path);
}

static void
check_path(struct fx *f, const char *m, const char *path)
{
	struct core_attr a, b;
	struct statfs s1, s2;
	char t1[64], t2[64], v1[16], v2[16];
	int r1, r2;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	r1 = core_lstat_path(f->c, path, &a);
	r2 = node_lstat(f, path, &b);
	ok(r1 == r2 && (r1 < 0 || same_attr(&a, &b)),
	    "%s: lstat \"%.20s\" as the node form (%d, %d)", m, path, r1, r2);
	ok(r1 < 0 || !a.has_gen, "%s: lstat \"%.20s\" reads no generation",
	    m, path);
	r1 = core_readlink_path(f->c, NULL, path, t1, sizeof(t1));
	r2 = node_readlink(f, path, t2, sizeof(t2));
	ok(r1 == r2 && (r1 < 0 || strcmp(t1, t2) == 0),
	    "%s: readlink \"%.20s\" as the node form (%d, %d)", m, path, r1,
	    r2);
	r1 = core_getxattr_path(f->c, NULL, path, "user.x", v1, sizeof(v1));
	r2 = node_getxattr(f, path, "user.x", v2, sizeof(v2));
	ok(r1 == r2 && (r1 < 0 || memcmp(v1, v2, (size_t)r1) == 0),
	    "%s: getxattr \"%.20s\" as the node form (%d, %d)", m, path, r1,
	    r2);
	r1 = core_statfs_path(f->c, path, &s1);
	r2 = node_statfs(f, path, &s2);
	ok(r1 == r2 && (r1 < 0 || (s1.f_type == s2.f_type &&
	    s1.f_bsize == s2.f_bsize && s1.f_blocks == s2.f_blocks &&
	    s1.f_flags == s2.f_flags &&
	    memcmp(&s1.f_fsid, &s2.f_fsid, sizeof(s1.f_fsid)) == 0)),
	    "%s: statfs \"%.20s\" as the node form (%d, %d)", m, path, r1, r2);
	check_open(f, m, path);
}

/* A few answers checked against the host itself, so that agreeing
 * with the node form is not agreeing on a wrong answer. */
static void
check_host(struct fx *f, const char *m)
{
	struct core_attr a;
	struct statfs sfs, host;
	struct stat st;
	char p[256], t[64];

	fx_path(f, "d/g", p, sizeof(p));
	lstat(p, &st);
	ok(core_lstat_path(f->c, "//d/g", &a) == 0 && a.ino == st.st_ino &&
	    S_ISREG(a.mode), "%s: lstat //d/g is the host's d/g", m);
	ok(core_lstat_path(f->c, "l", &a) == 0 && S_ISLNK(a.mode),
	    "%s: lstat of a symlink is the link's", m);
	is_int(core_readlink_path(f->c, NULL, "//l", t, sizeof(t)), 1,
	    "%s: readlink //l", m);
	is_int(core_readlink_path(f->c, NULL, "//l", t, 1), -ENAMETOOLONG,
	    "%s: readlink into a buffer too small", m);
	is_int(core_lstat_path(f->c, "ab/marker", &a), -ENOTDIR,
	    "%s: an absolute symlink halfway is not followed", m);
	is_int(core_getxattr_path(f->c, NULL, "f", "user.x", t, 1), -ERANGE,
	    "%s: getxattr into a buffer too small", m);
	is_int(core_getxattr_path(f->c, NULL, "f", "user.x", NULL, 0), 2,
	    "%s: getxattr size only", m);
	fx_path(f, "mnt", p, sizeof(p));
	statfs(p, &host);
	ok(core_statfs_path(f->c, "//mnt", &sfs) == 0 &&
	    sfs.f_type == host.f_type && sfs.f_blocks == host.f_blocks,
	    "%s: statfs of a mount point is the mounted file system's", m);
	statfs(f->exp, &host);
	ok(core_statfs_path(f->c, "//f", &sfs) == 0 &&
	    sfs.f_type == host.f_type && sfs.f_blocks == host.f_blocks,
	    "%s: statfs of a file is the export's", m);
}

/* The export bind-mounted onto itself, nodev down to every mount in it,
 * as the sandbox makes it (our own namespace: main unshared it). */
static int
bind_nodev(struct fx *f)
{
	struct mount_attr ma = { .attr_set = MOUNT_ATTR_NODEV };

	if (mount(f->exp, f->exp, "none", MS_BIND | MS_REC, NULL) != 0 ||
	    mount_setattr(AT_FDCWD, f->exp, AT_RECURSIVE, &ma, sizeof(ma)) != 0)
		return -errno;
	return 0;
}

static int
reopen_core(struct fx *f, enum policy_model model, bool nodev, bool ro,
    struct core **c)
{
	struct core_opts o = { .model = model, .readonly = ro, .fmode = 0600,
	    .dmode = 0700, .multidevs = POLICY_MULTIDEVS_WARN, .nodev = nodev };

	return core_open_export(f->exp, &o, c);
}

struct swapper {
	struct fx *f;
	atomic_bool stop;
	long swaps;
};

/* Exchange the regular file "victim" with a device node and a FIFO,
 * over and over. */
static void *
swap_loop(void *arg)
{
	struct swapper *w = arg;
	char v[256], d[256], p[256];

	fx_path(w->f, "victim", v, sizeof(v));
	fx_path(w->f, "dev", d, sizeof(d));
	fx_path(w->f, "fifo2", p, sizeof(p));
	while (!atomic_load(&w->stop)) {
		if (renameat2(AT_FDCWD, v, AT_FDCWD, d, RENAME_EXCHANGE) == 0)
			w->swaps++;
		if (renameat2(AT_FDCWD, v, AT_FDCWD, p, RENAME_EXCHANGE) == 0)
			w->swaps++;
		/* Under valgrind one thread runs at a time: hand the turn
		 * over, or the requests starve (minutes for a few thousand). */
		sched_yield();
	}
	return NULL;
}

/* Whether a race loop goes on: at least `min` requests and until `end`,
 * then on for up to `grace` more seconds until both outcomes were seen
 * (under valgrind one thread runs at a time and a slice can hold many
 * requests between two swaps). */
static bool
race_on(long i, long min, time_t end, time_t grace, bool both)
{
	time_t now = time(NULL);

	return i < min || now < end || (!both && now < end + grace);
}

/* Whatever is swapped in, an open by name gives a regular file or a
 * refusal, and never blocks (the alarm would end the test). */
static void
check_race(struct fx *f)
{
	struct swapper w = { .f = f };
	struct stat st;
	char p[256];
	pthread_t t;
	long good = 0, refused = 0, bad = 0, i;
	time_t end = time(NULL) + 10;
	int r, fd;

	fx_path(f, "victim", p, sizeof(p));
	close(open(p, O_WRONLY | O_CREAT, 0666));
	fx_path(f, "dev", p, sizeof(p));
	mknod(p, S_IFCHR | 0666, makedev(1, 3));
	fx_path(f, "fifo2", p, sizeof(p));
	mkfifo(p, 0666);
	alarm(120);
	pthread_create(&t, NULL, swap_loop, &w);
	for (i = 0; i < 200000 &&
	    race_on(i, 2000, end, 100, good > 0 && refused > 0); i++) {
		r = core_open_path(f->c, NULL, "victim",
		    (i & 1) ? O_WRONLY : O_RDONLY, &fd);
		if (r == 0) {
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
				good++;
			else
				bad++;
			close(fd);
		} else if (r == -ENXIO)
			refused++;
		else
			bad++;
	}
	atomic_store(&w.stop, true);
	pthread_join(t, NULL);
	alarm(0);
	tap_diag("race: %ld opens, %ld regular, %ld refused, %ld swaps", i,
	    good, refused, w.swaps);
	ok(bad == 0, "race: every open gave a regular file or a refusal "
	    "(%ld other)", bad);
	ok(good > 0 && refused > 0, "race: both outcomes happened");
}

/* Exchange the regular file "victim3" with a symlink to the marker
 * outside the export, over and over. */
static void *
swap_link_loop(void *arg)
{
	struct swapper *w = arg;
	char v[256], l[256];

	fx_path(w->f, "victim3", v, sizeof(v));
	fx_path(w->f, "tolink", l, sizeof(l));
	while (!atomic_load(&w->stop)) {
		if (renameat2(AT_FDCWD, v, AT_FDCWD, l, RENAME_EXCHANGE) == 0)
			w->swaps++;
		sched_yield();		/* as in swap_loop */
	}
	return NULL;
}

/* chmod, chown and utime by name while the name flips between a file
 * and a symlink out of the export: the link is never followed (chmod of
 * it is refused, chown and utime change the link itself), so the marker
 * keeps its mode, owner and times; fx_marker_intact checks them after. */
static void
check_setattr_race(struct fx *f, const char *m)
{
	static const struct core_setattr sa[] = {
		{ .valid = CORE_SETATTR_MODE, .mode = 0777 },
		{ .valid = CORE_SETATTR_UID | CORE_SETATTR_GID, .uid = 4242,
		  .gid = 4242 },
		{ .valid = CORE_SETATTR_ATIME | CORE_SETATTR_MTIME |
		  CORE_SETATTR_ATIME_SET | CORE_SETATTR_MTIME_SET,
		  .atime = { 42, 0 }, .mtime = { 42, 0 } },
	};
	struct swapper w = { .f = f };
	char p[256];
	pthread_t t;
	long done = 0, refused = 0, bad = 0, i;
	time_t end = time(NULL) + 5;
	int r;

	fx_path(f, "victim3", p, sizeof(p));
	close(open(p, O_WRONLY | O_CREAT, 0600));
	fx_path(f, "tolink", p, sizeof(p));
	symlink(f->marker, p);
	pthread_create(&t, NULL, swap_link_loop, &w);
	for (i = 0; i < 100000 &&
	    race_on(i, 3000, end, 60, done > 0 && refused > 0); i++) {
		r = core_setattr_path(f->c, NULL, "victim3", &sa[i % 3]);
		if (r == 0)
			done++;
		else if (r == -EOPNOTSUPP && i % 3 == 0)
			refused++;
		else
			bad++;
	}
	atomic_store(&w.stop, true);
	pthread_join(t, NULL);
	tap_diag("setattr race: %ld requests, %ld done, %ld chmods of the "
	    "link refused, %ld swaps", i, done, refused, w.swaps);
	ok(bad == 0, "%s: setattr race: every request done or refused as on "
	    "a symlink (%ld other)", m, bad);
	ok(done > 0 && refused > 0, "%s: setattr race: both outcomes "
	    "happened", m);
	ok(fx_marker_intact(f), "%s: setattr race: the marker outside is "
	    "untouched", m);
}

/* O_TRUNC by name truncates; a readonly export refuses writing. */
static void
check_flags(struct fx *f, const char *m)
{
	struct core *ro;
	struct stat st;
	int fd;

	fx_put(f, "t", "1234");
	ok(core_open_path(f->c, NULL, "t", O_WRONLY | O_TRUNC, &fd) == 0 &&
	    fstat(fd, &st) == 0 && st.st_size == 0,
	    "%s: open by name with O_TRUNC truncates", m);
	close(fd);
	if (reopen_core(f, POLICY_PASSTHROUGH, true, true, &ro) == 0) {
		is_int(core_open_path(ro, NULL, "t", O_WRONLY, &fd), -EROFS,
		    "%s: readonly export refuses an open for writing", m);
		core_free(ro);
	}
}

static void
run_model(enum policy_model model, const char *m, bool nodev)
{
	struct core *c;
	struct fx f;
	size_t i;
	int before, r = 0;

	memset(&f, 0, sizeof(f));
	if (fx_open(&f, model, false) < 0) {
		ok(0, "%s: export", m);
		return;
	}
	make_tree(&f);
	if (nodev && (r = bind_nodev(&f)) == -ENOSYS) {
		/* valgrind does not know mount_setattr; the plain and ASan
		 * runs cover this. */
		printf("ok - %s # SKIP no mount_setattr here\n", m);
		umount2(f.exp, MNT_DETACH);
		unmount_tmpfs(&f, "mnt");
		unmount_tmpfs(&f, "d/mnt2");
		fx_done(&f);
		return;
	}
	if (nodev) {
		is_int(r, 0, "%s: nodev bind mount", m);
		core_free(f.c);
		f.c = NULL;
		ok(reopen_core(&f, model, true, false, &f.c) == 0 &&
		    core_options(f.c)->nodev, "%s: the core sees the nodev "
		    "mount", m);
	} else {
		/* Asked to trust a nodev that is not there: refused. */
		ok(reopen_core(&f, model, true, false, &c) == 0 &&
		    !core_options(c)->nodev, "%s: no nodev mount, no open by "
		    "name", m);
		core_free(c);
	}
	before = count_fds();
	for (i = 0; i < NPATHS; i++)
		check_path(&f, m, paths[i]);
	check_host(&f, m);
	for (i = 0; i < NPATHS; i++)
		check_setattr(&f, m, paths[i]);
	if (nodev && model == POLICY_PASSTHROUGH) {
		check_flags(&f, m);
		check_race(&f);
	}
	if (model == POLICY_PASSTHROUGH)
		check_setattr_race(&f, m);
	is_int(count_fds(), before, "%s: no descriptor left open", m);
	ok(fx_marker_intact(&f), "%s: outside untouched", m);
	if (nodev)
		umount2(f.exp, MNT_DETACH);
	unmount_tmpfs(&f, "mnt");
	unmount_tmpfs(&f, "d/mnt2");
	fx_done(&f);
}

int
main(void)
{
	if (!tap_need_root())
		return 0;
	run_model(POLICY_PASSTHROUGH, "passthrough", false);
	run_model(POLICY_NONE, "none", false);
	run_model(POLICY_MAPPED_XATTR, "mapped-xattr", false);
	run_model(POLICY_MAPPED_FILE, "mapped-file", false);
	/* Our own mount namespace, private, for the nodev bind mounts. */
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0) {
		ok(0, "private mount namespace: %s", strerror(errno));
		return tap_done();
	}
	run_model(POLICY_PASSTHROUGH, "passthrough nodev", true);
	run_model(POLICY_NONE, "none nodev", true);
	run_model(POLICY_MAPPED_XATTR, "mapped-xattr nodev", true);
	run_model(POLICY_MAPPED_FILE, "mapped-file nodev", true);
	return tap_done();
}
