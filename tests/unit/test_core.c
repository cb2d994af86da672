/* test_core.c - every core_* operation on a real temporary export, in
 * passthrough, mapped-xattr and none, with the host side checked by
 * stat(2)/getxattr(2) and the mapped formats byte by byte. */
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "tests/unit/core_fixture.h"

static const struct core_cred user = { 1000, 100, 1, { 100 } };
static const struct core_cred rootc = { 0, 0, 0, { 0 } };

static int
host_xattr(const char *path, const char *name, void *buf, size_t cap)
{
	ssize_t n = lgetxattr(path, name, buf, cap);

	return n < 0 ? -errno : (int)n;
}

static void
check_xattr(const char *path, const char *name, const void *want,
    size_t wlen, const char *what)
{
	char buf[64];
	int n = host_xattr(path, name, buf, sizeof(buf));

	ok(n >= 0 && tap_mem_eq(buf, (size_t)n, want, wlen), "%s", what);
}

static void
test_root(struct fx *f, const char *m)
{
	struct core_attr a;
	struct statfs sfs;
	struct stat st;
	char last[NAME_MAX + 1];
	int root, fd;

	stat(f->exp, &st);
	is_int(core_root(f->c, &root), 0, "%s: root", m);
	is_int(core_getattr(f->c, root, &a), 0, "%s: getattr root", m);
	ok(a.ino == st.st_ino && a.qid_path == st.st_ino && S_ISDIR(a.mode),
	    "%s: root attr is the host's (qid_path = ino)", m);
	is_int(core_statfs(f->c, root, &sfs), 0, "%s: statfs", m);
	ok(core_blksize(f->c) > 0, "%s: blksize", m);
	is_int(core_options(f->c)->model, m[0] == 'p' ? POLICY_PASSTHROUGH :
	    m[0] == 'm' ? POLICY_MAPPED_XATTR : POLICY_NONE, "%s: options", m);
	is_int(core_resolve(f->c, "/", false, &fd, NULL), 0, "%s: resolve /",
	    m);
	core_getattr(f->c, fd, &a);
	ok(a.ino == st.st_ino, "%s: / is the root", m);
	close(fd);
	is_int(core_resolve(f->c, "", true, &fd, last), -EINVAL,
	    "%s: root has no parent", m);
	close(root);
}

static void
test_mkdir_create(struct fx *f, const char *m, bool mapped)
{
	char p[256], buf[16];
	struct core_attr a;
	struct stat st;
	int root, d, node, fd;

	core_root(f->c, &root);
	is_int(core_mkdir(f->c, &user, root, "d", 0755, 100, &a), 0,
	    "%s: mkdir", m);
	ok(a.mode == 040755 && a.uid == 1000 && a.gid == 100,
	    "%s: mkdir attr is the guest's", m);
	fx_path(f, "d", p, sizeof(p));
	stat(p, &st);
	if (mapped) {
		ok(st.st_mode == 040700 && st.st_uid == 0,
		    "%s: host dir dmode 0700, server-owned", m);
		check_xattr(p, "user.virtfs.uid", "\xe8\x03\x00\x00", 4,
		    "mapped: dir uid xattr");
		check_xattr(p, "user.virtfs.gid", "\x64\x00\x00\x00", 4,
		    "mapped: dir gid xattr");
		check_xattr(p, "user.virtfs.mode", "\xed\x41\x00\x00", 4,
		    "mapped: dir mode xattr 040755");
	} else
		ok(st.st_mode == 040755 && st.st_uid == 1000 &&
		    st.st_gid == 100, "%s: host dir owned by guest user", m);
	is_int(core_mkdir(f->c, &user, root, "d", 0755, 100, &a), -EEXIST,
	    "%s: mkdir existing", m);
	is_int(core_lookup(f->c, root, "d", &d, &a), 0, "%s: lookup d", m);
	/* 0777 so the next users may create in it in passthrough. */
	struct core_setattr sa = { CORE_SETATTR_MODE, 0777, 0, 0, 0,
	    { 0, 0 }, { 0, 0 } };
	is_int(core_setattr(f->c, &user, d, &sa), 0, "%s: chmod d", m);
	is_int(core_create(f->c, &user, d, "f", O_RDWR, 0640, 100, &node,
	    &fd, &a), 0, "%s: create", m);
	ok(a.mode == 0100640 && a.uid == 1000 && a.gid == 100,
	    "%s: create attr", m);
	ok(write(fd, "hello", 5) == 5, "%s: write to created fd", m);
	ok((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR &&
	    (fcntl(fd, F_GETFD) & FD_CLOEXEC), "%s: fd O_RDWR, cloexec", m);
	close(fd);
	fx_path(f, "d/f", p, sizeof(p));
	stat(p, &st);
	if (mapped) {
		ok(st.st_mode == 0100600 && st.st_uid == 0,
		    "%s: host file fmode 0600", m);
		check_xattr(p, "user.virtfs.mode", "\xa0\x81\x00\x00", 4,
		    "mapped: file mode xattr 0100640");
		check_xattr(p, "user.virtfs.uid", "\xe8\x03\x00\x00", 4,
		    "mapped: file uid xattr");
		is_int(host_xattr(p, "user.virtfs.rdev", buf, sizeof(buf)),
		    -ENODATA, "mapped: no rdev for a file");
	} else
		ok(st.st_mode == 0100640 && st.st_uid == 1000 &&
		    st.st_gid == 100, "%s: host file owner/mode", m);
	is_int(core_create(f->c, &user, d, "f", O_RDWR, 0640, 100, &node,
	    &fd, &a), -EEXIST, "%s: create existing", m);
	is_int(core_open(f->c, &user, node, O_RDONLY, &fd), 0, "%s: open", m);
	ok(read(fd, buf, sizeof(buf)) == 5, "%s: read back", m);
	close(fd);
	is_int(core_open(f->c, &user, node, O_RDONLY | O_DIRECTORY, &fd),
	    -ENOTDIR, "%s: O_DIRECTORY on a file", m);
	is_int(core_open(f->c, &user, d, O_RDONLY | O_DIRECTORY, &fd), 0,
	    "%s: open dir", m);
	close(fd);
	is_int(core_open(f->c, &user, d, O_RDWR, &fd), -EISDIR,
	    "%s: open dir for writing", m);
	/* Passthrough checks the host permission as the guest user. */
	close(node);
	core_mkdir(f->c, &rootc, root, "rootonly", 0755, 0, &a);
	core_lookup(f->c, root, "rootonly", &node, NULL);
	is_int(core_create(f->c, &user, node, "nope", O_RDWR, 0644, 100,
	    &node, &fd, &a), mapped ? 0 : -EACCES,
	    "%s: create in a root-owned 0755 dir as uid 1000", m);
	if (mapped) {
		close(node);
		close(fd);
	}
	close(node);
	close(d);
	close(root);
}

static void
test_symlink_mknod(struct fx *f, const char *m, bool mapped)
{
	char p[256], t[64];
	struct core_attr a;
	struct stat st;
	int root, node, fd;

	core_root(f->c, &root);
	is_int(core_symlink(f->c, &user, root, "l", "target/path", 100, &a),
	    0, "%s: symlink", m);
	ok(a.mode == 0120777 && a.uid == 1000, "%s: symlink attr", m);
	fx_path(f, "l", p, sizeof(p));
	lstat(p, &st);
	if (mapped) {
		ok(S_ISREG(st.st_mode) && st.st_size == 11,
		    "mapped: symlink is an 11-byte regular file");
		check_xattr(p, "user.virtfs.mode", "\xff\xa1\x00\x00", 4,
		    "mapped: symlink mode xattr 0120777");
	} else
		ok(S_ISLNK(st.st_mode) && st.st_uid == 1000,
		    "%s: real host symlink owned by user", m);
	core_lookup(f->c, root, "l", &node, &a);
	is_int(core_readlink(f->c, &user, node, t, sizeof(t)), 11,
	    "%s: readlink length", m);
	ok(strcmp(t, "target/path") == 0, "%s: readlink target", m);
	is_int(core_readlink(f->c, &user, node, t, 5), -ENAMETOOLONG,
	    "%s: readlink small buffer", m);
	is_int(core_open(f->c, &user, node, O_RDONLY, &fd), -ELOOP,
	    "%s: open symlink refused", m);
	close(node);
	is_int(core_symlink(f->c, &user, root, "l2", "", 100, &a), -ENOENT,
	    "%s: empty target", m);

	/* Devices: as guest root in passthrough (CAP_MKNOD kept). */
	is_int(core_mknod(f->c, &rootc, root, "null", S_IFCHR | 0620,
	    makedev(1, 3), 0, &a), 0, "%s: mknod char", m);
	ok(a.mode == 020620 && a.rdev == makedev(1, 3),
	    "%s: mknod attr has type and rdev", m);
	fx_path(f, "null", p, sizeof(p));
	lstat(p, &st);
	if (mapped) {
		ok(S_ISREG(st.st_mode) && st.st_size == 0 &&
		    (st.st_mode & 07777) == 0600,
		    "mapped: device is an empty plain file");
		check_xattr(p, "user.virtfs.rdev",
		    "\x03\x01\x00\x00\x00\x00\x00\x00", 8,
		    "mapped: rdev xattr makedev(1,3)");
		check_xattr(p, "user.virtfs.mode", "\x90\x21\x00\x00", 4,
		    "mapped: mode xattr 020620");
	} else
		ok(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) &&
		    (st.st_mode & 07777) == 0620,
		    "%s: real device node", m);
	core_lookup(f->c, root, "null", &node, &a);
	is_int(core_open(f->c, &rootc, node, O_RDWR, &fd), -ENXIO,
	    "%s: open device -> ENXIO", m);
	close(node);
	is_int(core_mknod(f->c, &user, root, "fifo", S_IFIFO | 0644, 0, 100,
	    &a), 0, "%s: mknod fifo as user", m);
	is_int(core_mknod(f->c, &rootc, root, "fifo2", S_IFIFO | 0644, 0, 0,
	    &a), 0, "%s: mknod fifo as root", m);
	ok(S_ISFIFO(a.mode), "%s: fifo attr", m);
	if (mapped) {
		fx_path(f, "fifo2", p, sizeof(p));
		check_xattr(p, "user.virtfs.rdev",
		    "\x00\x00\x00\x00\x00\x00\x00\x00", 8,
		    "mapped: fifo rdev recorded 0");
	}
	core_lookup(f->c, root, "fifo2", &node, &a);
	is_int(core_open(f->c, &rootc, node, O_RDONLY, &fd), -ENXIO,
	    "%s: open fifo -> ENXIO", m);
	close(node);
	is_int(core_mknod(f->c, &rootc, root, "dir", S_IFDIR | 0755, 0, 0, &a),
	    -EINVAL, "%s: mknod dir refused", m);
	close(root);
}

static void
test_links(struct fx *f, const char *m)
{
	struct core_attr a;
	int root, d, node, n2;

	core_root(f->c, &root);
	core_lookup(f->c, root, "d", &d, NULL);
	core_lookup(f->c, d, "f", &node, NULL);
	is_int(core_link(f->c, &user, node, d, "f2"), 0, "%s: link", m);
	core_getattr(f->c, node, &a);
	is_int(a.nlink, 2, "%s: nlink 2", m);
	is_int(core_link(f->c, &user, d, root, "dlink"), -EPERM,
	    "%s: link a dir", m);
	is_int(core_same_node(f->c, d, "f2", node), 0, "%s: same node", m);
	is_int(core_renameat(f->c, &user, d, "f2", d, "f3"), 0, "%s: rename",
	    m);
	is_int(core_same_node(f->c, d, "f3", node), 0, "%s: renamed same",
	    m);
	is_int(core_same_node(f->c, root, "l", node), -ESTALE,
	    "%s: other node ESTALE", m);
	is_int(core_same_node(f->c, d, "f2", node), -ENOENT,
	    "%s: old name gone", m);
	is_int(core_unlinkat(f->c, &user, d, "f3", 0), 0, "%s: unlink", m);
	is_int(core_unlinkat(f->c, &user, d, "f3", 0), -ENOENT,
	    "%s: unlink again", m);
	is_int(core_unlinkat(f->c, &user, d, "f", AT_REMOVEDIR), -ENOTDIR,
	    "%s: rmdir a file", m);
	is_int(core_unlinkat(f->c, &user, d, "f", 0x1), -EINVAL,
	    "%s: bad unlink flags", m);
	/* Unlinked but open: the node still answers getattr. */
	is_int(core_unlinkat(f->c, &user, d, "f", 0), 0, "%s: unlink f", m);
	is_int(core_getattr(f->c, node, &a), 0, "%s: getattr unlinked", m);
	ok(a.nlink == 0 && a.size == 5, "%s: unlinked attr", m);
	close(node);
	is_int(core_mkdir(f->c, &user, d, "sub", 0700, 100, &a), 0,
	    "%s: mkdir sub", m);
	is_int(core_resolve(f->c, "d//sub/", false, &n2, NULL), 0,
	    "%s: resolve d//sub/", m);
	is_int(core_resolve(f->c, "d/sub/../../..", false, &node, NULL), 0,
	    "%s: resolve above root", m);
	core_getattr(f->c, node, &a);
	ok(a.qid_path == (uint64_t)a.ino && a.ino == (uint64_t)
	    ({ struct stat s_; stat(f->exp, &s_); s_.st_ino; }),
	    "%s: .. clamps at the root", m);
	close(node);
	char last[NAME_MAX + 1];
	is_int(core_resolve(f->c, "d/sub/x", true, &node, last), 0,
	    "%s: resolve parent", m);
	ok(strcmp(last, "x") == 0 && core_same_node(f->c, d, "sub", node) ==
	    0, "%s: parent and last", m);
	close(node);
	is_int(core_resolve(f->c, "d/nothere/x", false, &node, NULL), -ENOENT,
	    "%s: resolve missing", m);
	is_int(core_unlinkat(f->c, &user, d, "sub", AT_REMOVEDIR), 0,
	    "%s: rmdir", m);
	close(n2);
	close(d);
	close(root);
}

static void
test_setattr(struct fx *f, const char *m, bool mapped)
{
	struct core_setattr sa = { 0 };
	struct core_attr a, b;
	char p[256];
	struct stat st;
	int root, node, fd;

	core_root(f->c, &root);
	core_create(f->c, &rootc, root, "s", O_RDWR, 0644, 0, &node, &fd, &a);
	ok(write(fd, "0123456789", 10) == 10, "%s: fill", m);
	close(fd);
	fx_path(f, "s", p, sizeof(p));
	sa.valid = CORE_SETATTR_MODE;
	sa.mode = 04755;
	is_int(core_setattr(f->c, &rootc, node, &sa), 0, "%s: chmod 4755", m);
	core_getattr(f->c, node, &a);
	is_int(a.mode, 0104755, "%s: guest mode 04755", m);
	stat(p, &st);
	if (mapped) {
		is_int(st.st_mode, 0100600, "mapped: host mode untouched");
		check_xattr(p, "user.virtfs.mode", "\xed\x89\x00\x00", 4,
		    "mapped: mode xattr 0104755");
	}
	sa.valid = CORE_SETATTR_UID | CORE_SETATTR_GID;
	sa.uid = 2000;
	sa.gid = 3000;
	is_int(core_setattr(f->c, &rootc, node, &sa), 0, "%s: chown", m);
	core_getattr(f->c, node, &a);
	ok(a.uid == 2000 && a.gid == 3000 && a.mode == 0100755,
	    "%s: chown sets owner, clears setuid", m);
	if (mapped) {
		check_xattr(p, "user.virtfs.uid", "\xd0\x07\x00\x00", 4,
		    "mapped: uid xattr 2000");
		stat(p, &st);
		ok(st.st_uid == 0, "mapped: host owner stays the server");
	}
	sa.valid = CORE_SETATTR_ATIME | CORE_SETATTR_ATIME_SET |
	    CORE_SETATTR_MTIME | CORE_SETATTR_MTIME_SET;
	sa.atime.tv_sec = 1000000000;
	sa.atime.tv_nsec = 5;
	sa.mtime.tv_sec = 1100000000;
	sa.mtime.tv_nsec = 7;
	is_int(core_setattr(f->c, &rootc, node, &sa), 0, "%s: utimes", m);
	core_getattr(f->c, node, &a);
	ok(a.atime.tv_sec == 1000000000 && a.atime.tv_nsec == 5 &&
	    a.mtime.tv_sec == 1100000000 && a.mtime.tv_nsec == 7,
	    "%s: times set", m);
	sa.valid = CORE_SETATTR_ATIME;
	core_setattr(f->c, &rootc, node, &sa);
	core_getattr(f->c, node, &b);
	ok(b.atime.tv_sec > 1600000000 && b.mtime.tv_sec == 1100000000,
	    "%s: ATIME without SET is now, mtime omitted", m);
	usleep(20000);
	sa.valid = CORE_SETATTR_SIZE;
	sa.size = 3;
	is_int(core_setattr(f->c, &rootc, node, &sa), 0, "%s: truncate", m);
	core_getattr(f->c, node, &a);
	ok(a.size == 3 && a.mtime.tv_sec > 1600000000 &&
	    (a.ctime.tv_sec > b.ctime.tv_sec || (a.ctime.tv_sec ==
	    b.ctime.tv_sec && a.ctime.tv_nsec > b.ctime.tv_nsec)),
	    "%s: truncate sets size, mtime and ctime", m);
	usleep(20000);
	sa.valid = CORE_SETATTR_CTIME;
	is_int(core_setattr(f->c, &rootc, node, &sa), 0, "%s: ctime only", m);
	core_getattr(f->c, node, &b);
	ok((b.ctime.tv_sec > a.ctime.tv_sec || (b.ctime.tv_sec ==
	    a.ctime.tv_sec && b.ctime.tv_nsec > a.ctime.tv_nsec)) &&
	    b.mtime.tv_sec == a.mtime.tv_sec &&
	    b.mtime.tv_nsec == a.mtime.tv_nsec,
	    "%s: CTIME alone bumps ctime only", m);
	sa.valid = 0x400;
	is_int(core_setattr(f->c, &rootc, node, &sa), -EINVAL,
	    "%s: unknown setattr bit", m);
	close(node);
	close(root);
}

static void
test_xattrs(struct fx *f, const char *m, bool mapped)
{
	/* u::rw-, u:1000:r--, g::r--, m::r--, o::r-- (44 bytes, as a
	 * client's setfacl sends it). */
	static const char acl[] = "\x02\x00\x00\x00\x01\x00\x06\x00\xff\xff"
	    "\xff\xff\x02\x00\x04\x00\xe8\x03\x00\x00\x04\x00\x04\x00\xff\xff"
	    "\xff\xff\x10\x00\x04\x00\xff\xff\xff\xff\x20\x00\x04\x00\xff\xff"
	    "\xff\xff";
	char buf[256], p[256];
	int root, node, n;

	core_root(f->c, &root);
	core_lookup(f->c, root, "s", &node, NULL);
	is_int(core_setxattr(f->c, &rootc, node, "user.foo", "bar", 3, 0), 0,
	    "%s: setxattr", m);
	is_int(core_getxattr(f->c, &rootc, node, "user.foo", NULL, 0), 3,
	    "%s: getxattr size", m);
	n = core_getxattr(f->c, &rootc, node, "user.foo", buf, sizeof(buf));
	ok(n == 3 && memcmp(buf, "bar", 3) == 0, "%s: getxattr value", m);
	is_int(core_getxattr(f->c, &rootc, node, "user.foo", buf, 2), -ERANGE,
	    "%s: getxattr small buffer", m);
	is_int(core_setxattr(f->c, &rootc, node, "user.foo", "x", 1,
	    XATTR_CREATE), -EEXIST, "%s: XATTR_CREATE existing", m);
	is_int(core_setxattr(f->c, &rootc, node, "user.foo", "x", 1, 4),
	    -EINVAL, "%s: bad flags", m);
	if (mapped) {
		/* Guest labels are data here, never host labels. */
		is_int(core_setxattr(f->c, &rootc, node, "security.evil", "x",
		    1, 0), 0, "%s: security. stored as data", m);
		fx_path(f, "s", p, sizeof(p));
		check_xattr(p, "user.virtfs.security.evil", "x", 1,
		    "mapped: security.evil under user.virtfs.");
		is_int(host_xattr(p, "security.evil", buf, sizeof(buf)),
		    -ENODATA, "mapped: no host security.evil");
		is_int(core_removexattr(f->c, &rootc, node, "security.evil"),
		    0, "%s: security. removed", m);
		is_int(core_getxattr(f->c, &rootc, node, "trusted.x", buf, 10),
		    -ENODATA, "%s: trusted. absent", m);
	} else {
		is_int(core_setxattr(f->c, &rootc, node, "security.evil", "x",
		    1, 0), -EOPNOTSUPP, "%s: security. refused", m);
		is_int(core_getxattr(f->c, &rootc, node, "trusted.x", buf, 10),
		    -EOPNOTSUPP, "%s: trusted. refused", m);
	}
	n = core_listxattr(f->c, &rootc, node, buf, sizeof(buf));
	ok(n == 9 && memcmp(buf, "user.foo", 9) == 0,
	    "%s: list shows only user.foo", m);
	is_int(core_listxattr(f->c, &rootc, node, NULL, 0), 9,
	    "%s: list size", m);
	is_int(core_listxattr(f->c, &rootc, node, buf, 4), -ERANGE,
	    "%s: list small buffer", m);
	fx_path(f, "s", p, sizeof(p));
	if (mapped) {
		is_int(core_getxattr(f->c, &rootc, node, "user.virtfs.uid",
		    buf, 10), -ENODATA, "mapped: reserved get ENODATA");
		is_int(core_setxattr(f->c, &rootc, node, "user.virtfs.uid",
		    "\0\0\0\0", 4, 0), -EACCES, "mapped: reserved set EACCES");
		is_int(core_removexattr(f->c, &rootc, node,
		    "user.virtfs.mode"), -EACCES,
		    "mapped: reserved remove EACCES");
		is_int(core_setxattr(f->c, &rootc, node,
		    "system.posix_acl_access", acl, sizeof(acl) - 1, 0), 0,
		    "mapped: set ACL");
		check_xattr(p, "user.virtfs.system.posix_acl_access", acl,
		    sizeof(acl) - 1, "mapped: ACL stored as user.virtfs.");
		n = core_listxattr(f->c, &rootc, node, buf, sizeof(buf));
		ok(n == 33 && tap_mem_eq(buf, (size_t)n,
		    "user.foo\0system.posix_acl_access", 33),
		    "mapped: list shows the ACL under its guest name");
		n = core_getxattr(f->c, &rootc, node,
		    "system.posix_acl_access", buf, sizeof(buf));
		ok(n == (int)sizeof(acl) - 1, "mapped: get ACL");
		is_int(core_removexattr(f->c, &rootc, node,
		    "system.posix_acl_default"), 0,
		    "mapped: removing an absent ACL succeeds");
	}
	is_int(core_removexattr(f->c, &rootc, node, "user.foo"), 0,
	    "%s: removexattr", m);
	is_int(core_getxattr(f->c, &rootc, node, "user.foo", buf, 10),
	    -ENODATA, "%s: removed", m);
	is_int(core_removexattr(f->c, &rootc, node, "user.foo"), -ENODATA,
	    "%s: remove absent", m);
	close(node);
	close(root);
}

static void
test_readonly(struct fx *f, enum policy_model model, const char *m)
{
	struct core_setattr sa = { CORE_SETATTR_MODE, 0700, 0, 0, 0,
	    { 0, 0 }, { 0, 0 } };
	struct core *rw = f->c;
	struct core_attr a;
	int root, node, fd;

	is_int(fx_open(f, model, true), 0, "%s: open readonly", m);
	core_root(f->c, &root);
	is_int(core_mkdir(f->c, &user, root, "ro", 0755, 0, &a), -EROFS,
	    "%s: ro mkdir", m);
	is_int(core_create(f->c, &user, root, "ro", O_RDWR, 0644, 0, &node,
	    &fd, &a), -EROFS, "%s: ro create", m);
	core_lookup(f->c, root, "s", &node, NULL);
	is_int(core_open(f->c, &rootc, node, O_WRONLY, &fd), -EROFS,
	    "%s: ro open for write", m);
	is_int(core_open(f->c, &rootc, node, O_RDONLY | O_TRUNC, &fd), -EROFS,
	    "%s: ro open trunc", m);
	is_int(core_open(f->c, &rootc, node, O_RDONLY, &fd), 0,
	    "%s: ro open for read", m);
	close(fd);
	is_int(core_setattr(f->c, &rootc, node, &sa), -EROFS, "%s: ro setattr",
	    m);
	is_int(core_setxattr(f->c, &rootc, node, "user.a", "b", 1, 0), -EROFS,
	    "%s: ro setxattr", m);
	is_int(core_removexattr(f->c, &rootc, node, "user.a"), -EROFS,
	    "%s: ro removexattr", m);
	is_int(core_unlinkat(f->c, &rootc, root, "s", 0), -EROFS,
	    "%s: ro unlink", m);
	is_int(core_renameat(f->c, &rootc, root, "s", root, "t"), -EROFS,
	    "%s: ro rename", m);
	is_int(core_link(f->c, &rootc, node, root, "t"), -EROFS,
	    "%s: ro link", m);
	is_int(core_symlink(f->c, &rootc, root, "t", "x", 0, &a), -EROFS,
	    "%s: ro symlink", m);
	is_int(core_mknod(f->c, &rootc, root, "t", S_IFIFO | 0600, 0, 0, &a),
	    -EROFS, "%s: ro mknod", m);
	close(node);
	close(root);
	core_free(f->c);
	f->c = rw;
}

static void
run_model(enum policy_model model, const char *m)
{
	struct fx f = { 0 };
	bool mapped = model == POLICY_MAPPED_XATTR;

	if (fx_open(&f, model, false) != 0) {
		ok(0, "%s: open export", m);
		return;
	}
	test_root(&f, m);
	test_mkdir_create(&f, m, mapped);
	test_symlink_mknod(&f, m, mapped);
	test_links(&f, m);
	test_setattr(&f, m, mapped);
	test_xattrs(&f, m, mapped);
	test_readonly(&f, model, m);
	ok(fx_marker_intact(&f), "%s: marker outside untouched", m);
	fx_done(&f);
}

static void
test_mapped_reads_qemu(void)
{
	struct fx f = { 0 };
	struct core_attr a;
	char p[256];
	int root, node, fd;

	fx_open(&f, POLICY_MAPPED_XATTR, false);
	/* An object as QEMU left it: xattrs written by hand. */
	fx_path(&f, "q", p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	close(fd);
	lsetxattr(p, "user.virtfs.uid", "\xd2\x04\x00\x00", 4, 0);
	lsetxattr(p, "user.virtfs.gid", "\x2e\x16\x00\x00", 4, 0);
	lsetxattr(p, "user.virtfs.mode", "\xa4\x11\x00\x00", 4, 0);
	lsetxattr(p, "user.virtfs.rdev", "\x00\x00\x00\x00\x00", 5, 0);
	core_root(f.c, &root);
	is_int(core_lookup(f.c, root, "q", &node, &a), 0, "qemu file lookup");
	ok(a.uid == 1234 && a.gid == 5678 && a.mode == 010644 && a.rdev == 0,
	    "mapped: reads QEMU's xattrs (5-byte rdev ignored)");
	close(node);
	/* A host object without xattrs shows its host identity. */
	fx_path(&f, "h", p, sizeof(p));
	symlink("elsewhere", p);
	core_lookup(f.c, root, "h", &node, &a);
	ok(S_ISLNK(a.mode) && a.uid == 0, "mapped: host symlink as is");
	char t[32];
	is_int(core_readlink(f.c, NULL, node, t, sizeof(t)), 9,
	    "mapped: readlink of a real host symlink");
	close(node);
	close(root);
	fx_done(&f);
}

static void
test_none_chown(void)
{
	struct fx f = { 0 };
	struct core_attr a;
	int root;

	fx_open(&f, POLICY_NONE, false);
	core_root(f.c, &root);
	is_int(core_mkdir(f.c, &rootc, root, "r", 0755, 0, &a), 0,
	    "none: mkdir");
	core_lookup(f.c, root, "r", &root, NULL);
	is_int(core_mkdir(f.c, &user, root, "n", 0755, 100, &a), -EACCES,
	    "none: credentials applied like passthrough");
	is_int(core_mkdir(f.c, NULL, root, "n", 0755, 100, &a), 0,
	    "none: server credentials without a cred");
	close(root);
	fx_done(&f);
}

int
main(void)
{
	if (!tap_need_root())
		return 0;
	run_model(POLICY_PASSTHROUGH, "passthrough");
	run_model(POLICY_MAPPED_XATTR, "mapped-xattr");
	test_mapped_reads_qemu();
	test_none_chown();
	return tap_done();
}
