/* test_core_attack.c - a hostile caller of the core API tries to reach
 * a marker file outside the export; after every attempt the marker must
 * be unread, unwritten, unlinked and alone in its directory. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "tests/unit/core_fixture.h"

static const struct core_cred rootc = { 0, 0, 0, { 0 } };

static void
host_symlink(struct fx *f, const char *target, const char *rel)
{
	char p[256];

	fx_path(f, rel, p, sizeof(p));
	if (symlink(target, p) != 0)
		tap_diag("symlink %s: %s", p, strerror(errno));
}

static bool
is_root_node(struct fx *f, int fd)
{
	struct stat a, b;

	fstat(fd, &a);
	stat(f->exp, &b);
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void
attack_dotdot(struct fx *f, const char *m)
{
	struct core_attr a;
	int root, fd, i, cur, next, r = 0;

	core_root(f->c, &root);
	is_int(core_lookup(f->c, root, "..", &fd, &a), 0, "%s: .. at root", m);
	ok(is_root_node(f, fd), "%s: .. of the root is the root", m);
	close(fd);
	core_mkdir(f->c, &rootc, root, "a", 0755, 0, &a);
	core_lookup(f->c, root, "a", &cur, NULL);
	for (i = 0; i < 100 && r == 0; i++) {
		r = core_lookup(f->c, cur, "..", &next, NULL);
		close(cur);
		cur = next;
	}
	ok(r == 0 && is_root_node(f, cur), "%s: 100 x .. stays at root", m);
	close(cur);
	is_int(core_resolve(f->c, "../../../../outside/marker", false, &fd,
	    NULL), -ENOENT, "%s: resolve ../../outside/marker", m);
	is_int(core_resolve(f->c, "a/../../outside", false, &fd, NULL),
	    -ENOENT, "%s: resolve a/../../outside", m);
	is_int(core_lookup(f->c, root, "../outside", &fd, &a), -EINVAL,
	    "%s: name with '/'", m);
	is_int(core_lookup(f->c, root, "", &fd, &a), -EINVAL,
	    "%s: empty name", m);
	is_int(core_mkdir(f->c, &rootc, root, "..", 0755, 0, &a), -EINVAL,
	    "%s: mkdir ..", m);
	is_int(core_unlinkat(f->c, &rootc, root, "..", AT_REMOVEDIR), -EINVAL,
	    "%s: rmdir ..", m);
	is_int(core_renameat(f->c, &rootc, root, "a", root,
	    "../outside/x"), -EINVAL, "%s: rename to ../outside", m);
	is_int(core_symlink(f->c, &rootc, root, "x/y", "t", 0, &a), -EINVAL,
	    "%s: symlink name with '/'", m);
	close(root);
	ok(fx_marker_intact(f), "%s: marker intact after .. attacks", m);
}

static void
attack_symlinks(struct fx *f, const char *m)
{
	char abs[160], t[256];
	struct core_attr a;
	struct core_setattr sa = { 0 };
	int root, node, fd, r;

	snprintf(abs, sizeof(abs), "%s", f->out);
	host_symlink(f, abs, "absdir");
	host_symlink(f, "../outside", "reldir");
	host_symlink(f, "reldir", "chain");
	host_symlink(f, f->marker, "absfile");
	host_symlink(f, "../outside/newfile", "dangling");
	core_root(f->c, &root);
	const char *dirs[] = { "absdir", "reldir", "chain" };
	for (size_t i = 0; i < 3; i++) {
		is_int(core_lookup(f->c, root, dirs[i], &node, &a), 0,
		    "%s: lookup %s gives the link itself", m, dirs[i]);
		ok(S_ISLNK(a.mode), "%s: %s is a symlink node", m, dirs[i]);
		is_int(core_lookup(f->c, node, "marker", &fd, &a), -ENOTDIR,
		    "%s: walk through %s", m, dirs[i]);
		is_int(core_create(f->c, &rootc, node, "x", O_RDWR, 0644, 0,
		    &fd, &fd, &a), -ENOTDIR, "%s: create under %s", m,
		    dirs[i]);
		is_int(core_mkdir(f->c, &rootc, node, "x", 0755, 0, &a),
		    -ENOTDIR, "%s: mkdir under %s", m, dirs[i]);
		is_int(core_unlinkat(f->c, &rootc, node, "marker", 0),
		    -ENOTDIR, "%s: unlink under %s", m, dirs[i]);
		is_int(core_open(f->c, &rootc, node, O_RDONLY | O_DIRECTORY,
		    &fd), -ELOOP, "%s: open %s", m, dirs[i]);
		close(node);
		snprintf(t, sizeof(t), "%s/marker", dirs[i]);
		is_int(core_resolve(f->c, t, false, &fd, NULL), -ENOTDIR,
		    "%s: resolve %s", m, t);
	}
	core_lookup(f->c, root, "absfile", &node, NULL);
	is_int(core_open(f->c, &rootc, node, O_RDWR, &fd), -ELOOP,
	    "%s: open absfile", m);
	is_int(core_open(f->c, &rootc, node, O_RDONLY, &fd), -ELOOP,
	    "%s: open absfile read-only", m);
	sa.valid = CORE_SETATTR_SIZE;
	is_int(core_setattr(f->c, &rootc, node, &sa), -EINVAL,
	    "%s: truncate through absfile", m);
	sa.valid = CORE_SETATTR_MODE;
	sa.mode = 0777;
	r = core_setattr(f->c, &rootc, node, &sa);
	ok(r == -EOPNOTSUPP || r == -EPERM, "%s: chmod through absfile (%d)",
	    m, r);
	sa.valid = CORE_SETATTR_ATIME | CORE_SETATTR_MTIME;
	core_setattr(f->c, &rootc, node, &sa);	/* touches the link only */
	sa.valid = CORE_SETATTR_UID;
	sa.uid = 4242;
	core_setattr(f->c, &rootc, node, &sa);
	r = core_setxattr(f->c, &rootc, node, "user.x", "1", 1, 0);
	ok(r < 0, "%s: setxattr through absfile refused (%d)", m, r);
	is_int(core_getxattr(f->c, &rootc, node, "user.x", t, sizeof(t)),
	    -ENODATA, "%s: getxattr through absfile", m);
	close(node);
	is_int(core_create(f->c, &rootc, root, "dangling", O_RDWR, 0644, 0,
	    &node, &fd, &a), -EEXIST, "%s: create over a dangling link", m);
	is_int(core_mknod(f->c, &rootc, root, "dangling", S_IFREG | 0644, 0,
	    0, &a), -EEXIST, "%s: mknod over a dangling link", m);
	is_int(core_symlink(f->c, &rootc, root, "absfile", "x", 0, &a),
	    -EEXIST, "%s: symlink over a link", m);
	close(root);
	ok(fx_marker_intact(f), "%s: marker intact after symlink attacks", m);
}

static void
attack_hardlink(struct fx *f, const char *m)
{
	char p[256];
	int root, out, outdir, r;

	core_root(f->c, &root);
	out = open(f->marker, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	r = core_link(f->c, &rootc, out, root, "stolen");
	is_int(r, -EXDEV, "%s: link from a node outside the export", m);
	fx_path(f, "stolen", p, sizeof(p));
	ok(access(p, F_OK) != 0, "%s: no link made", m);
	outdir = open(f->out, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* A directory that is not the export's must not lead further up
	 * through "..": the parent of outside/ is not beneath the root. */
	r = core_lookup(f->c, outdir, "..", &out, NULL);
	if (r == 0)
		close(out);
	is_int(r, -EXDEV, "%s: .. of a directory outside", m);
	close(outdir);
	close(out);
	close(root);
	ok(fx_marker_intact(f), "%s: marker intact after link attacks", m);
}

static void
attack_proc(struct fx *f, const char *m)
{
	char p[256], name[32];
	struct core_attr a;
	int root, proc, self, fdd, node, fd, mfd, r;

	fx_path(f, "proc", p, sizeof(p));
	mkdir(p, 0755);
	if (mount("proc", p, "proc", 0, NULL) != 0) {
		ok(1, "# SKIP %s: cannot mount proc (%s)", m, strerror(errno));
		return;
	}
	mfd = open(f->marker, O_RDONLY | O_CLOEXEC);
	core_root(f->c, &root);
	core_lookup(f->c, root, "proc", &proc, NULL);
	snprintf(name, sizeof(name), "%d", getpid());
	r = core_lookup(f->c, proc, "self", &self, &a);
	ok(r == 0 && S_ISLNK(a.mode), "%s: proc/self is a link node", m);
	is_int(core_lookup(f->c, self, "fd", &fd, &a), -ENOTDIR,
	    "%s: no walk through proc/self", m);
	close(self);
	core_lookup(f->c, proc, name, &self, NULL);
	is_int(core_lookup(f->c, self, "fd", &fdd, NULL), 0,
	    "%s: walk proc/<pid>/fd", m);
	snprintf(name, sizeof(name), "%d", mfd);
	r = core_lookup(f->c, fdd, name, &node, &a);
	ok(r == 0 && S_ISLNK(a.mode), "%s: magic link is a link node", m);
	is_int(core_open(f->c, &rootc, node, O_RDONLY, &fd), -ELOOP,
	    "%s: magic link never opened", m);
	is_int(core_link(f->c, &rootc, node, root, "viaproc") < 0, 1,
	    "%s: magic link never linked", m);
	fx_path(f, "viaproc", p, sizeof(p));
	struct stat st;
	ok(lstat(p, &st) != 0 || !S_ISREG(st.st_mode),
	    "%s: no regular file appeared from proc", m);
	unlink(p);
	close(node);
	snprintf(name, sizeof(name), "fd/%d/x", mfd);
	is_int(core_resolve(f->c, "proc/self/fd", false, &fd, NULL), -ENOTDIR,
	    "%s: resolve proc/self/fd", m);
	close(fdd);
	close(self);
	close(proc);
	close(root);
	close(mfd);
	fx_path(f, "proc", p, sizeof(p));
	umount2(p, MNT_DETACH);
	/* Our own read above touched the atime; refresh the baseline. */
	stat(f->marker, &f->mst);
	ok(fx_marker_intact(f), "%s: marker intact after proc attacks", m);
}

static atomic_int stop;

struct swapper { struct fx *f; };

static void *
swap_loop(void *arg)
{
	struct fx *f = ((struct swapper *)arg)->f;
	char a[256], b[256];

	fx_path(f, "sw", a, sizeof(a));
	fx_path(f, "swl", b, sizeof(b));
	while (!atomic_load(&stop))
		syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b,
		    2 /* RENAME_EXCHANGE */);
	return NULL;
}

static void
attack_race(struct fx *f, const char *m)
{
	struct swapper s = { f };
	struct core_attr a;
	char p[256];
	pthread_t th;
	int root, node, fd, n2, i, made = 0, refused = 0;
	struct timespec t0, t1;

	fx_path(f, "sw", p, sizeof(p));
	mkdir(p, 0777);
	host_symlink(f, f->out, "swl");
	core_root(f->c, &root);
	atomic_store(&stop, 0);
	pthread_create(&th, NULL, swap_loop, &s);
	/* 3000 rounds take a quarter of a second natively; under valgrind,
	 * which runs one thread at a time, the racer can starve this loop, so
	 * it also ends after 20 s (the assertions below still need a race). */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 3000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 20)
			break;
		if (core_lookup(f->c, root, "sw", &node, NULL) != 0)
			continue;
		if (core_create(f->c, &rootc, node, "marker", O_RDWR, 0644, 0,
		    &n2, &fd, &a) == 0) {
			made++;
			close(fd);
			close(n2);
			core_unlinkat(f->c, &rootc, node, "marker", 0);
		} else
			refused++;
		if (core_lookup(f->c, node, "marker", &n2, NULL) == 0) {
			if (core_open(f->c, &rootc, n2, O_RDONLY, &fd) == 0)
				close(fd);
			close(n2);
		}
		if (core_resolve(f->c, "sw/marker", false, &n2, NULL) == 0)
			close(n2);
		close(node);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	tap_diag("%s: race: %d rounds, %d created inside, %d refused", m, i,
	    made, refused);
	ok(refused > 0, "%s: the swap raced the core (%d refused)", m,
	    refused);
	close(root);
	ok(fx_marker_intact(f), "%s: marker intact after swap race", m);
}

static void
on_alarm(int sig)
{
	(void)sig;
	printf("not ok - hung opening a FIFO\n");
	_exit(1);
}

static void
attack_fifo(struct fx *f, const char *m)
{
	char p[256];
	struct core_attr a;
	int root, node, fd;

	fx_path(f, "hostfifo", p, sizeof(p));
	mkfifo(p, 0666);
	fx_path(f, "hostnull", p, sizeof(p));
	mknod(p, S_IFCHR | 0666, makedev(1, 3));
	core_root(f->c, &root);
	signal(SIGALRM, on_alarm);
	alarm(10);
	core_lookup(f->c, root, "hostfifo", &node, &a);
	is_int(core_open(f->c, &rootc, node, O_RDONLY, &fd), -ENXIO,
	    "%s: FIFO read open -> ENXIO", m);
	is_int(core_open(f->c, &rootc, node, O_WRONLY, &fd), -ENXIO,
	    "%s: FIFO write open -> ENXIO", m);
	is_int(core_getxattr(f->c, &rootc, node, "user.a", p, 10), -ENODATA,
	    "%s: FIFO getxattr without opening", m);
	close(node);
	core_lookup(f->c, root, "hostnull", &node, &a);
	is_int(core_open(f->c, &rootc, node, O_RDWR, &fd), -ENXIO,
	    "%s: device open -> ENXIO", m);
	close(node);
	alarm(0);
	close(root);
	ok(fx_marker_intact(f), "%s: marker intact after FIFO attacks", m);
}

static void
attack_mapped_nodes(struct fx *f)
{
	char p[256];
	struct core_attr a;
	struct stat st;
	int root;

	core_root(f->c, &root);
	core_mknod(f->c, &rootc, root, "mem", S_IFCHR | 06777,
	    makedev(1, 1), 0, &a);
	core_mknod(f->c, &rootc, root, "mfifo", S_IFIFO | 0666, 0, 0, &a);
	core_mknod(f->c, &rootc, root, "msock", S_IFSOCK | 0666, 0, 0, &a);
	core_create(f->c, &rootc, root, "suid", O_RDONLY, 06777, 0,
	    &(int){ 0 }, &(int){ 0 }, &a);
	const char *names[] = { "mem", "mfifo", "msock", "suid" };
	for (size_t i = 0; i < 4; i++) {
		fx_path(f, names[i], p, sizeof(p));
		ok(lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 07777) == 0600,
		    "mapped: %s is a plain 0600 file on the host", names[i]);
	}
	close(root);
}

static void
run(enum policy_model model, const char *m)
{
	struct fx f = { 0 };

	if (fx_open(&f, model, false) != 0) {
		ok(0, "%s: open export", m);
		return;
	}
	attack_dotdot(&f, m);
	attack_symlinks(&f, m);
	attack_hardlink(&f, m);
	attack_proc(&f, m);
	attack_race(&f, m);
	attack_fifo(&f, m);
	if (model == POLICY_MAPPED_XATTR)
		attack_mapped_nodes(&f);
	ok(fx_marker_intact(&f), "%s: marker intact at the end", m);
	fx_done(&f);
}

int
main(void)
{
	if (!tap_need_root())
		return 0;
	run(POLICY_PASSTHROUGH, "passthrough");
	run(POLICY_MAPPED_XATTR, "mapped-xattr");
	return tap_done();
}
