/* test_core_posix.c - POSIX semantics through the core in every model:
 * nanosecond times and UTIME_NOW/OMIT, truncate of an open unlinked
 * file, rename over directories, hard links across directories, inode
 * generations, multidevs, xattr sizes and empty values; and the helper's
 * ACL inheritance (mapped-xattr) and masking (passthrough) against what
 * the kernel does to the same create in a real directory. */
#include <linux/fs.h>
#include <sys/acl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>

#include "tests/unit/core_fixture.h"

static const struct core_cred user = { 1000, 100, 1, { 100 } };
static const struct core_cred rootc = { 0, 0, 0, { 0 } };
static const enum policy_model models[] = { POLICY_PASSTHROUGH,
    POLICY_MAPPED_XATTR, POLICY_MAPPED_FILE, POLICY_NONE };

static bool
ts_eq(struct timespec a, long s, long ns)
{
	return a.tv_sec == s && a.tv_nsec == ns;
}

static void
test_times(struct fx *f, const char *m)
{
	struct core_setattr sa = { 0 };
	struct core_attr a, b;
	struct timespec before;
	int root, node, fd;

	core_root(f->c, &root);
	core_create(f->c, &user, root, "t", O_RDWR, 0644, 100, &node, &fd,
	    NULL);
	close(fd);
	sa.valid = CORE_SETATTR_ATIME | CORE_SETATTR_ATIME_SET |
	    CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET;
	sa.atime = (struct timespec){ 1234567890, 123456789 };
	sa.mtime = (struct timespec){ 1000000000, 999999999 };
	is_int(core_setattr(f->c, &user, node, &sa), 0, "%s: set both", m);
	core_getattr(f->c, node, &a);
	ok(ts_eq(a.atime, 1234567890, 123456789) &&
	    ts_eq(a.mtime, 1000000000, 999999999),
	    "%s: nanosecond times exact", m);
	sa.valid = CORE_SETATTR_ATIME | CORE_SETATTR_ATIME_SET;
	sa.atime = (struct timespec){ 5, 5 };
	is_int(core_setattr(f->c, &user, node, &sa), 0, "%s: atime only", m);
	core_getattr(f->c, node, &a);
	ok(ts_eq(a.atime, 5, 5) && ts_eq(a.mtime, 1000000000, 999999999),
	    "%s: atime only leaves mtime (UTIME_OMIT)", m);
	sa.valid = CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET;
	sa.mtime = (struct timespec){ 7, 0 };
	core_setattr(f->c, &user, node, &sa);
	core_getattr(f->c, node, &a);
	ok(ts_eq(a.atime, 5, 5) && ts_eq(a.mtime, 7, 0),
	    "%s: mtime only leaves atime", m);
	clock_gettime(CLOCK_REALTIME, &before);
	sa.valid = CORE_SETATTR_MTIME;
	is_int(core_setattr(f->c, &user, node, &sa), 0, "%s: mtime now", m);
	core_getattr(f->c, node, &b);
	ok(b.mtime.tv_sec >= before.tv_sec - 1 && ts_eq(b.atime, 5, 5),
	    "%s: MTIME without _SET is now (UTIME_NOW), atime kept", m);
	sa.valid = CORE_SETATTR_ATIME | CORE_SETATTR_ATIME_SET;
	sa.atime = (struct timespec){ 1, UTIME_NOW };
	is_int(core_setattr(f->c, &user, node, &sa), -EINVAL,
	    "%s: UTIME_NOW smuggled as nanoseconds refused", m);
	sa.atime = (struct timespec){ 1, 1000000000 };
	is_int(core_setattr(f->c, &user, node, &sa), -EINVAL,
	    "%s: nanoseconds out of range", m);
	close(node);
	close(root);
}

static void
test_unlinked_truncate(struct fx *f, const char *m)
{
	struct core_setattr sa = { 0 };
	struct core_attr a;
	int root, node, fd;

	core_root(f->c, &root);
	core_create(f->c, &user, root, "u", O_RDWR, 0644, 100, &node, &fd,
	    NULL);
	if (write(fd, "0123456789", 10) != 10)
		tap_diag("write failed");
	is_int(core_unlinkat(f->c, &user, root, "u", 0), 0, "%s: unlink", m);
	sa.valid = CORE_SETATTR_SIZE;
	sa.size = 3;
	is_int(core_setattr(f->c, &user, node, &sa), 0,
	    "%s: truncate open unlinked", m);
	is_int(core_getattr(f->c, node, &a), 0, "%s: getattr unlinked", m);
	ok(a.size == 3 && a.nlink == 0, "%s: size 3, nlink 0", m);
	close(fd);
	close(node);
	close(root);
}

static void
test_rename_dirs_links(struct fx *f, const char *m)
{
	struct core_attr a;
	int root, x, y, node, fd;

	core_root(f->c, &root);
	core_mkdir(f->c, &user, root, "a", 0755, 100, NULL);
	core_mkdir(f->c, &user, root, "b", 0755, 100, NULL);
	core_mkdir(f->c, &user, root, "c", 0755, 100, NULL);
	core_lookup(f->c, root, "c", &y, NULL);
	core_mkdir(f->c, &user, y, "inner", 0755, 100, NULL);
	is_int(core_renameat(f->c, &user, root, "a", root, "c"), -ENOTEMPTY,
	    "%s: rename over non-empty dir", m);
	is_int(core_renameat(f->c, &user, root, "a", root, "b"), 0,
	    "%s: rename over empty dir", m);
	is_int(core_lookup(f->c, root, "a", &node, NULL), -ENOENT,
	    "%s: source gone", m);
	core_lookup(f->c, root, "b", &x, &a);
	is_int(a.mode & 07777, 0755, "%s: target is the source", m);
	core_mknod(f->c, &user, x, "fifo", S_IFIFO | 0640, 0, 100, NULL);
	core_create(f->c, &user, x, "file", O_RDWR, 0640, 100, &node, &fd,
	    NULL);
	close(fd);
	is_int(core_link(f->c, &user, node, y, "hard"), 0,
	    "%s: hard link across directories", m);
	close(node);
	core_lookup(f->c, y, "hard", &node, &a);
	ok(a.nlink == 2 && S_ISREG(a.mode) && (a.mode & 0777) == 0640,
	    "%s: link has nlink 2 and the same identity", m);
	close(node);
	is_int(core_renameat(f->c, &user, x, "file", y, "hard"), 0,
	    "%s: rename onto another link of the same file", m);
	close(x);
	close(y);
	close(root);
}

static void
test_gen(struct fx *f, const char *m)
{
	struct core_attr a;
	char p[256];
	long g = -1;
	int root, node, fd;

	core_root(f->c, &root);
	core_lookup(f->c, root, "b", &node, &a);
	fx_path(f, "b", p, sizeof(p));
	fd = open(p, O_RDONLY | O_DIRECTORY);
	if (fd >= 0 && ioctl(fd, FS_IOC_GETVERSION, &g) == 0)
		ok(a.has_gen && a.gen == (uint32_t)g,
		    "%s: gen from FS_IOC_GETVERSION (%u)", m,
		    (unsigned)(uint32_t)g);
	else
		ok(!a.has_gen, "%s: no gen where the fs has none", m);
	if (fd >= 0)
		close(fd);
	close(node);
	close(root);
}

static void
test_xattr_sizes(struct fx *f, const char *m)
{
	static char big[CORE_XATTR_MAX + 1];
	char buf[8];
	int root, node, r;

	core_root(f->c, &root);
	core_lookup(f->c, root, "b", &node, NULL);
	memset(big, 'v', sizeof(big));
	is_int(core_setxattr(f->c, &rootc, node, "user.big", big,
	    CORE_XATTR_MAX + 1, 0), -E2BIG, "%s: over 64 KiB refused", m);
	r = core_setxattr(f->c, &rootc, node, "user.big", big, 3000, 0);
	is_int(r, 0, "%s: 3000-byte value", m);
	is_int(core_getxattr(f->c, &rootc, node, "user.big", NULL, 0), 3000,
	    "%s: its size", m);
	is_int(core_setxattr(f->c, &rootc, node, "user.e", "", 0, 0), 0,
	    "%s: empty value set", m);
	is_int(core_getxattr(f->c, &rootc, node, "user.e", buf, sizeof(buf)),
	    0, "%s: empty value is stored, not removed", m);
	close(node);
	close(root);
}

static void
run_model(enum policy_model model)
{
	const char *m = policy_model_name(model);
	struct fx f = { 0 };

	if (fx_open(&f, model, false) != 0) {
		ok(0, "%s: open export", m);
		return;
	}
	test_times(&f, m);
	test_unlinked_truncate(&f, m);
	test_rename_dirs_links(&f, m);
	test_gen(&f, m);
	test_xattr_sizes(&f, m);
	ok(fx_marker_intact(&f), "%s: marker outside untouched", m);
	fx_done(&f);
}

static void
test_multidevs(void)
{
	static const enum policy_multidevs md[] = { POLICY_MULTIDEVS_WARN,
	    POLICY_MULTIDEVS_FORBID, POLICY_MULTIDEVS_REMAP };
	struct core_opts o = { .model = POLICY_PASSTHROUGH };
	struct fx f = { 0 };
	struct core_attr a, r;
	struct stat st;
	char p[256];
	int i, root, node, fd;

	fx_open(&f, POLICY_PASSTHROUGH, false);
	fx_path(&f, "mnt", p, sizeof(p));
	mkdir(p, 0755);
	if (mount("vfsd-test", p, "tmpfs", 0, "size=1m") != 0) {
		ok(0, "mount tmpfs");
		fx_done(&f);
		return;
	}
	strcat(p, "/file");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	close(fd);
	stat(p, &st);
	for (i = 0; i < 3; i++) {
		o.multidevs = md[i];
		core_free(f.c);
		core_open_export(f.exp, &o, &f.c);
		core_root(f.c, &root);
		core_getattr(f.c, root, &r);
		core_lookup(f.c, root, "mnt", &node, NULL);
		if (md[i] == POLICY_MULTIDEVS_FORBID) {
			is_int(core_lookup(f.c, node, "file", &fd, &a), -ENODEV,
			    "forbid: other device gives ENODEV");
		} else {
			core_lookup(f.c, node, "file", &fd, &a);
			close(fd);
		}
		if (md[i] == POLICY_MULTIDEVS_WARN)
			ok(a.qid_path == st.st_ino && r.qid_path == r.ino,
			    "warn: qid path is the host inode");
		if (md[i] == POLICY_MULTIDEVS_REMAP)
			ok(r.qid_path == (r.ino << 1 | 1) &&
			    a.qid_path == (st.st_ino << 3 | 2),
			    "remap: QEMU's suffix codes (root dev 1, next 2)");
		close(node);
		close(root);
	}
	fx_path(&f, "mnt", p, sizeof(p));
	umount2(p, MNT_DETACH);
	fx_done(&f);
}

/* A default ACL made by libacl in a host directory, and the kernel's
 * result for a create of mode in it. */
static int
kernel_create(const char *dir, const char *text, bool isdir, mode_t mode,
    uint8_t *def, int *deflen, uint8_t *acc, int *acclen, mode_t *out)
{
	char p[256];
	struct stat st;
	acl_t a = acl_from_text(text);
	int fd;

	mkdir(dir, 0755);
	if (a == NULL || acl_set_file(dir, ACL_TYPE_DEFAULT, a) != 0)
		return -1;
	acl_free(a);
	*deflen = (int)getxattr(dir, "system.posix_acl_default", def, 512);
	snprintf(p, sizeof(p), "%s/new", dir);
	if (isdir)
		mkdir(p, mode);
	else if ((fd = open(p, O_CREAT | O_WRONLY, mode)) >= 0)
		close(fd);
	*acclen = (int)getxattr(p, "system.posix_acl_access", acc, 512);
	stat(p, &st);
	*out = st.st_mode & 0777;
	return 0;
}

static void
test_inherit_mapped(void)
{
	static const char *dacl = "u::rwx,u:1000:r-x,g::r-x,m::rwx,o::r-x";
	uint8_t def[512], acc[512], got[512];
	struct core_setattr sa = { 0 };
	struct fx f = { 0 };
	struct core_attr a;
	char kdir[128], hp[256];
	int dl, al, root, d, node, fd, n, i;
	mode_t km;

	fx_open(&f, POLICY_MAPPED_XATTR, false);
	core_root(f.c, &root);
	core_mkdir(f.c, &user, root, "acl", 0777, 100, NULL);
	core_lookup(f.c, root, "acl", &d, NULL);
	for (i = 0; i < 2; i++) {
		snprintf(kdir, sizeof(kdir), "%s/k%d", f.top, i);
		kernel_create(kdir, dacl, i == 1, 0666, def, &dl, acc, &al,
		    &km);
		if (i == 0)
			is_int(core_setxattr(f.c, &user, d,
			    "system.posix_acl_default", def, (size_t)dl, 0), 0,
			    "mapped: set default ACL");
		if (i == 0)
			n = core_create(f.c, &user, d, "f", O_RDWR, 0666, 100,
			    &node, &fd, &a);
		else
			n = core_mkdir(f.c, &user, d, "s", 0666, 100, &a);
		is_int(n, 0, "mapped: %s in a dir with a default ACL",
		    i ? "mkdir" : "create");
		if (i == 0)
			close(fd);
		else
			core_lookup(f.c, d, "s", &node, NULL);
		is_int(a.mode & 0777, km, "mapped %s: mode masked as the "
		    "kernel masks it (%04o)", i ? "dir" : "file", km);
		n = core_getxattr(f.c, &user, node, "system.posix_acl_access",
		    got, sizeof(got));
		ok(tap_mem_eq(got, n > 0 ? (size_t)n : 0, acc, (size_t)al),
		    "mapped %s: inherited access ACL = kernel's",
		    i ? "dir" : "file");
		n = core_getxattr(f.c, &user, node, "system.posix_acl_default",
		    got, sizeof(got));
		if (i == 1)
			ok(tap_mem_eq(got, n > 0 ? (size_t)n : 0, def,
			    (size_t)dl), "mapped dir: default ACL copied");
		else
			is_int(n, -ENODATA, "mapped file: no default ACL");
		if (i == 0) {
			/* A posixacl client then sends the same ACL. */
			is_int(core_setxattr(f.c, &user, node,
			    "system.posix_acl_access", acc, (size_t)al, 0), 0,
			    "mapped: client's ACL write");
			core_getattr(f.c, node, &a);
			is_int(a.mode & 0777, km,
			    "mapped: ... changes nothing (idempotent)");
			fx_path(&f, "acl/f", hp, sizeof(hp));
			ok(lgetxattr(hp, "system.posix_acl_access", got, 8) < 0,
			    "mapped: no real ACL on the host object");
			sa.valid = CORE_SETATTR_MODE;
			sa.mode = 0100604;
			core_setattr(f.c, &user, node, &sa);
			snprintf(hp, sizeof(hp), "%s/new", kdir);
			chmod(hp, 0604);
			al = (int)getxattr(hp, "system.posix_acl_access", acc,
			    sizeof(acc));
			n = core_getxattr(f.c, &user, node,
			    "system.posix_acl_access", got, sizeof(got));
			ok(tap_mem_eq(got, n > 0 ? (size_t)n : 0, acc,
			    (size_t)al), "mapped: chmod updates the ACL "
			    "as the kernel does");
			is_int(core_setxattr(f.c, &user, node,
			    "system.posix_acl_default", def, (size_t)dl, 0),
			    -EACCES, "mapped: default ACL on a file");
			is_int(core_setxattr(f.c, &user, node,
			    "system.posix_acl_access", "\2\0\0\0\1\0", 6, 0),
			    -EINVAL, "mapped: malformed ACL refused");
		}
		close(node);
	}
	close(d);
	close(root);
	fx_done(&f);
}

static void
test_inherit_passthrough(void)
{
	static const char *dacl = "u::rwx,g::rwx,m::r-x,o::r-x";
	uint8_t def[512], acc[512], got[512];
	struct fx f = { 0 };
	struct core_attr a;
	char kdir[128], hp[256];
	int dl, al, root, d, node, fd, n;
	mode_t km;
	struct stat st;

	fx_open(&f, POLICY_PASSTHROUGH, false);
	snprintf(kdir, sizeof(kdir), "%s/k", f.top);
	kernel_create(kdir, dacl, false, 0666, def, &dl, acc, &al, &km);
	core_root(f.c, &root);
	core_mkdir(f.c, &user, root, "acl", 0777, 100, NULL);
	core_lookup(f.c, root, "acl", &d, NULL);
	is_int(core_setxattr(f.c, &user, d, "system.posix_acl_default", def,
	    (size_t)dl, 0), 0, "passthrough: set a real default ACL");
	is_int(core_create(f.c, &user, d, "f", O_RDWR, 0666, 100, &node, &fd,
	    &a), 0, "passthrough: create under it");
	close(fd);
	fx_path(&f, "acl/f", hp, sizeof(hp));
	stat(hp, &st);
	ok((st.st_mode & 0777) == km && st.st_uid == 1000,
	    "passthrough: host mode is the kernel's (%04o), not widened",
	    (unsigned)km);
	n = (int)getxattr(hp, "system.posix_acl_access", got, sizeof(got));
	ok(tap_mem_eq(got, n > 0 ? (size_t)n : 0, acc, (size_t)al),
	    "passthrough: host ACL mask intact");
	close(node);
	close(d);
	close(root);
	fx_done(&f);
}

/* T_GETVERSION's generation: the same as FS_IOC_GETVERSION on an open
 * descriptor, for files and directories, whether it comes from the file
 * handle (ext2/3/4, xfs: no open) or from the ioctl; special files and
 * symlinks are refused without being opened. */
static void
test_getversion(void)
{
	struct fx f = { 0 };
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u;
	char p[256], name[32];
	int root, node, fd, same = 0, same_path = 0, same_attr = 0, n = 0;
	int mnt;
	struct core_attr ca;
	uint64_t gen;
	int g;
	bool ioctl_ok;

	if (fx_open(&f, POLICY_PASSTHROUGH, false) != 0) {
		ok(0, "getversion: export");
		return;
	}
	core_root(f.c, &root);
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), i % 5 ? "g%d" : "gd%d", i);
		fx_path(&f, name, p, sizeof(p));
		if (i % 5)
			close(open(p, O_WRONLY | O_CREAT, 0644));
		else
			mkdir(p, 0755);
		/* The kernel writes an int through the pointer. */
		fd = open(p, O_RDONLY);
		g = 0;
		ioctl_ok = fd >= 0 && ioctl(fd, FS_IOC_GETVERSION, &g) == 0;
		close(fd);
		if (core_lookup(f.c, root, name, &node, NULL) != 0)
			continue;
		n++;
		gen = 0;
		if (core_getversion(f.c, node, &gen) == 0 ? ioctl_ok &&
		    gen == (uint32_t)g : !ioctl_ok)
			same++;
		gen = 0;
		if (core_getversion_path(f.c, name, &gen) == 0 ? ioctl_ok &&
		    gen == (uint32_t)g : !ioctl_ok)
			same_path++;
		if (core_getattr_want(f.c, node, CORE_ATTR_GEN, &ca) == 0 &&
		    (ioctl_ok ? ca.has_gen && ca.gen == (uint32_t)g :
		    !ca.has_gen))
			same_attr++;
		close(node);
	}
	ok(n == 50 && same == 50, "getversion: 40 files and 10 directories "
	    "match FS_IOC_GETVERSION (%d/%d)", same, n);
	ok(same_path == 50, "getversion by path: the same 50 (%d)", same_path);
	ok(same_attr == 50, "getattr's generation: the same 50 (%d)",
	    same_attr);
	fx_path(&f, "gd0/in", p, sizeof(p));
	close(open(p, O_WRONLY | O_CREAT, 0644));
	fd = open(p, O_RDONLY);
	g = 0;
	ioctl_ok = fd >= 0 && ioctl(fd, FS_IOC_GETVERSION, &g) == 0;
	close(fd);
	gen = 0;
	ok(ioctl_ok && core_getversion_path(f.c, "//gd0//in", &gen) == 0 &&
	    gen == (uint32_t)g, "getversion by path: a name two levels down");
	u.fh.handle_bytes = MAX_HANDLE_SZ;
	fx_path(&f, "g1", p, sizeof(p));
	if (name_to_handle_at(AT_FDCWD, p, &u.fh, &mnt, 0) == 0 &&
	    (u.fh.handle_type == 1 || u.fh.handle_type == 2))
		tap_diag("getversion: the export's file handles carry the "
		    "generation (type %d): answered without an open",
		    u.fh.handle_type);
	fx_path(&f, "gfifo", p, sizeof(p));
	mkfifo(p, 0666);
	ok(core_lookup(f.c, root, "gfifo", &node, NULL) == 0 &&
	    core_getversion(f.c, node, &gen) == -ENXIO,
	    "getversion: a FIFO is ENXIO, not opened");
	close(node);
	fx_path(&f, "glink", p, sizeof(p));
	symlink("g1", p);
	ok(core_lookup(f.c, root, "glink", &node, NULL) == 0 &&
	    core_getversion(f.c, node, &gen) == -ELOOP,
	    "getversion: a symlink is ELOOP, not followed");
	close(node);
	ok(core_getversion_path(f.c, "gfifo", &gen) == -ENXIO &&
	    core_getversion_path(f.c, "glink", &gen) == -ELOOP &&
	    core_getversion_path(f.c, "nothere", &gen) == -ENOENT &&
	    core_getversion_path(f.c, "glink/x", &gen) != 0,
	    "getversion by path: FIFO ENXIO, symlink ELOOP, missing ENOENT, "
	    "no way through a symlink");
	close(root);
	fx_done(&f);
}

int
main(void)
{
	size_t i;

	if (!tap_need_root())
		return 0;
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		run_model(models[i]);
	test_multidevs();
	test_inherit_mapped();
	test_inherit_passthrough();
	test_getversion();
	return tap_done();
}
