/* test_core_mfile.c - the mapped-file model on a real temporary export:
 * metadata files byte for byte as QEMU writes them (reference §3.4),
 * kept with their entries through rename, link, unlink and rmdir,
 * reserved names, and a tree written in QEMU's format read back. */
#include <sys/acl.h>
#include <sys/sysmacros.h>

#include "tests/unit/core_fixture.h"

static const struct core_cred user = { 1000, 100, 1, { 100 } };

/* The contents of export-relative rel, or "" if absent. */
static const char *
slurp(struct fx *f, const char *rel)
{
	static char buf[1024];
	char p[256];
	ssize_t n;
	int fd;

	fx_path(f, rel, p, sizeof(p));
	buf[0] = '\0';
	if ((fd = open(p, O_RDONLY)) < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static int
hmode(struct fx *f, const char *rel)
{
	struct stat st;
	char p[256];

	fx_path(f, rel, p, sizeof(p));
	return lstat(p, &st) == 0 ? (int)st.st_mode : -errno;
}

static ino_t
hino(struct fx *f, const char *rel)
{
	struct stat st;
	char p[256];

	fx_path(f, rel, p, sizeof(p));
	return lstat(p, &st) == 0 ? st.st_ino : 0;
}

static void
put_file(struct fx *f, const char *rel, const char *text, mode_t mode)
{
	char p[256];
	int fd;

	fx_path(f, rel, p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			tap_diag("write %s failed", p);
		close(fd);
	}
}

static void
test_create(struct fx *f)
{
	struct core_attr a;
	char t[64];
	int root, d, node, fd;

	core_root(f->c, &root);
	is_int(core_mkdir(f->c, &user, root, "d", 0755, 100, &a), 0, "mkdir");
	ok(a.mode == 040755 && a.uid == 1000 && a.gid == 100,
	    "mkdir attr from metadata");
	is_int(hmode(f, "d"), 040700, "host dir has dmode 0700");
	is_int(hmode(f, ".virtfs_metadata"), 040700, "metadata dir 0700");
	is_int(hmode(f, ".virtfs_metadata/d"), 0100600, "metadata file 0600");
	ok(strcmp(slurp(f, ".virtfs_metadata/d"), "virtfs.uid=1000\n"
	    "virtfs.gid=100\nvirtfs.mode=16877\n") == 0,
	    "dir metadata bytes as QEMU writes them");
	core_lookup(f->c, root, "d", &d, NULL);
	is_int(core_create(f->c, &user, d, "f", O_RDWR, 0640, 100, &node, &fd,
	    &a), 0, "create");
	ok(a.mode == 0100640 && a.uid == 1000, "create attr");
	ok(strcmp(slurp(f, "d/.virtfs_metadata/f"), "virtfs.uid=1000\n"
	    "virtfs.gid=100\nvirtfs.mode=33184\n") == 0,
	    "file metadata in the directory's own .virtfs_metadata");
	is_int(hmode(f, "d/f"), 0100600, "host file has fmode 0600");
	close(fd);
	close(node);
	is_int(core_symlink(f->c, &user, d, "l", "target/path", 100, &a), 0,
	    "symlink");
	ok(S_ISLNK(a.mode) && (a.mode & 07777) == 0777, "symlink attr");
	ok(strcmp(slurp(f, "d/l"), "target/path") == 0,
	    "symlink is a file holding the target, no NUL");
	ok(strstr(slurp(f, "d/.virtfs_metadata/l"), "virtfs.mode=41471\n") !=
	    NULL, "symlink mode 0120777 recorded");
	core_lookup(f->c, d, "l", &node, NULL);
	is_int(core_readlink(f->c, &user, node, t, sizeof(t)), 11,
	    "readlink");
	ok(strcmp(t, "target/path") == 0, "readlink target");
	is_int(core_open(f->c, &user, node, O_RDONLY, &fd), -ELOOP,
	    "a mapped symlink is never opened");
	close(node);
	is_int(core_mknod(f->c, &user, d, "c", S_IFCHR | 0600,
	    makedev(1, 3), 100, &a), 0, "mknod char");
	ok(S_ISCHR(a.mode) && a.rdev == makedev(1, 3), "mknod attr");
	ok(strcmp(slurp(f, "d/.virtfs_metadata/c"), "virtfs.uid=1000\n"
	    "virtfs.gid=100\nvirtfs.mode=8576\nvirtfs.rdev=259\n") == 0,
	    "device metadata with rdev");
	is_int(hmode(f, "d/c"), 0100600, "device is an empty regular file");
	core_lookup(f->c, d, "c", &node, NULL);
	is_int(core_open(f->c, &user, node, O_RDONLY, &fd), -ENXIO,
	    "a mapped device is never opened");
	close(node);
	close(d);
	close(root);
}

static void
test_reserved(struct fx *f)
{
	static const char *names[] = { ".virtfs_metadata",
	    ".virtfs_metadata_root" };
	struct core_attr a;
	int root, node, fd, i;

	core_root(f->c, &root);
	core_lookup(f->c, root, "d", &node, NULL);
	for (i = 0; i < 2; i++) {
		const char *n = names[i];

		is_int(core_lookup(f->c, root, n, &fd, NULL), -EINVAL,
		    "lookup %s", n);
		is_int(core_mkdir(f->c, &user, root, n, 0755, 100, &a),
		    -EINVAL, "mkdir %s", n);
		is_int(core_create(f->c, &user, root, n, O_RDWR, 0644, 100,
		    &fd, &fd, &a), -EINVAL, "create %s", n);
		is_int(core_symlink(f->c, &user, root, n, "x", 100, &a),
		    -EINVAL, "symlink %s", n);
		is_int(core_mknod(f->c, &user, root, n, S_IFIFO | 0644, 0, 100,
		    &a), -EINVAL, "mknod %s", n);
		is_int(core_link(f->c, &user, node, root, n), -EINVAL,
		    "link to %s", n);
		is_int(core_renameat(f->c, &user, root, "d", root, n), -EINVAL,
		    "rename to %s", n);
		is_int(core_renameat(f->c, &user, root, n, root, "z"), -EINVAL,
		    "rename from %s", n);
		is_int(core_unlinkat(f->c, &user, root, n, AT_REMOVEDIR),
		    -EINVAL, "rmdir %s", n);
		ok(policy_name_reserved(n, POLICY_MAPPED_FILE),
		    "%s hidden from listings", n);
	}
	is_int(core_resolve(f->c, "/.virtfs_metadata/d", false, &fd, NULL),
	    -EINVAL, "resolve through the metadata dir");
	is_int(hmode(f, ".virtfs_metadata"), 040700, "metadata dir intact");
	close(node);
	close(root);
}

static void
test_setattr_root(struct fx *f)
{
	struct core_setattr sa = { 0 };
	struct core_attr a;
	int root, d, node;

	core_root(f->c, &root);
	core_lookup(f->c, root, "d", &d, NULL);
	core_lookup(f->c, d, "f", &node, NULL);
	sa.valid = CORE_SETATTR_MODE;
	sa.mode = 0100604;
	is_int(core_setattr(f->c, &user, node, &sa), 0, "chmod");
	ok(strcmp(slurp(f, "d/.virtfs_metadata/f"), "virtfs.uid=1000\n"
	    "virtfs.gid=100\nvirtfs.mode=33156\n") == 0,
	    "chmod rewrites the file, other keys kept");
	sa.valid = CORE_SETATTR_UID;
	sa.uid = 4294967294u;
	is_int(core_setattr(f->c, &user, node, &sa), 0, "chown");
	ok(strstr(slurp(f, "d/.virtfs_metadata/f"), "virtfs.uid=-2\n") !=
	    NULL, "uid above 2^31 printed as a C int, as QEMU does");
	core_getattr(f->c, node, &a);
	ok(a.uid == 4294967294u && a.mode == 0100604, "read back");
	sa.valid = CORE_SETATTR_MODE;
	sa.mode = 040751;
	is_int(core_setattr(f->c, &user, root, &sa), 0, "chmod root");
	ok(strcmp(slurp(f, ".virtfs_metadata_root"), "virtfs.mode=16873\n") ==
	    0, "root metadata in .virtfs_metadata_root");
	is_int(hmode(f, ".virtfs_metadata_root"), 0100600,
	    "root metadata file 0600");
	core_getattr(f->c, root, &a);
	is_int(a.mode, 040751, "root getattr from its metadata");
	close(node);
	close(d);
	close(root);
}

static void
test_rename_link_unlink(struct fx *f)
{
	struct core_setattr sa = { 0 };
	struct core_attr a;
	int root, d, e, node;

	core_root(f->c, &root);
	core_lookup(f->c, root, "d", &d, NULL);
	core_mkdir(f->c, &user, root, "e", 0755, 100, NULL);
	core_lookup(f->c, root, "e", &e, NULL);
	is_int(core_renameat(f->c, &user, d, "f", e, "g"), 0,
	    "rename across directories");
	ok(hmode(f, "d/.virtfs_metadata/f") == -ENOENT &&
	    strstr(slurp(f, "e/.virtfs_metadata/g"), "virtfs.mode=33156") !=
	    NULL, "metadata moved with the entry");
	core_lookup(f->c, e, "g", &node, &a);
	is_int(a.mode, 0100604, "renamed file keeps its identity");
	is_int(core_link(f->c, &user, node, d, "h"), 0,
	    "hard link across directories");
	ok(hino(f, "d/.virtfs_metadata/h") != 0 &&
	    hino(f, "d/.virtfs_metadata/h") == hino(f, "e/.virtfs_metadata/g"),
	    "link shares the metadata file");
	sa.valid = CORE_SETATTR_MODE;
	sa.mode = 0100611;
	core_setattr(f->c, &user, node, &sa);
	close(node);
	core_lookup(f->c, d, "h", &node, &a);
	is_int(a.mode, 0100611, "a chmod through one name shows through both");
	close(node);
	is_int(core_unlinkat(f->c, &user, d, "h", 0), 0, "unlink");
	ok(hmode(f, "d/.virtfs_metadata/h") == -ENOENT &&
	    hmode(f, "e/.virtfs_metadata/g") > 0,
	    "unlink removes only that name's metadata");
	/* A file made on the host (no metadata) moved over one with it. */
	put_file(f, "e/plain", "", 0644);
	is_int(core_renameat(f->c, &user, e, "plain", e, "g"), 0,
	    "rename a host file over a mapped one");
	core_lookup(f->c, e, "g", &node, &a);
	ok(a.mode == 0100644 && a.uid == 0,
	    "it keeps its host identity, not the replaced file's");
	ok(hmode(f, "e/.virtfs_metadata/g") == -ENOENT,
	    "replaced file's metadata removed");
	close(node);
	is_int(core_unlinkat(f->c, &user, root, "d", AT_REMOVEDIR),
	    -ENOTEMPTY, "rmdir of a non-empty directory");
	ok(strstr(slurp(f, ".virtfs_metadata/d"), "virtfs.mode=16877") != NULL,
	    "a failed rmdir keeps the directory's metadata");
	core_unlinkat(f->c, &user, d, "l", 0);
	core_unlinkat(f->c, &user, d, "c", 0);
	is_int(core_unlinkat(f->c, &user, root, "d", AT_REMOVEDIR), 0,
	    "rmdir once empty (its own .virtfs_metadata removed first)");
	ok(hmode(f, "d") == -ENOENT && hmode(f, ".virtfs_metadata/d") ==
	    -ENOENT, "directory and its metadata gone");
	/* Rename over directories: empty target replaced, else ENOTEMPTY. */
	core_mkdir(f->c, &user, root, "x", 0711, 100, NULL);
	core_mkdir(f->c, &user, root, "y", 0755, 100, NULL);
	close(d);
	core_lookup(f->c, root, "y", &d, NULL);
	core_mknod(f->c, &user, d, "z", S_IFIFO | 0644, 0, 100, NULL);
	is_int(core_renameat(f->c, &user, root, "x", root, "y"), -ENOTEMPTY,
	    "rename over a non-empty directory");
	core_unlinkat(f->c, &user, d, "z", 0);
	ok(hmode(f, "y/.virtfs_metadata") == 040700,
	    "emptied directory still holds an (empty) metadata dir");
	is_int(core_renameat(f->c, &user, root, "x", root, "y"), 0,
	    "rename over an empty directory");
	core_lookup(f->c, root, "y", &node, &a);
	is_int(a.mode, 040711, "target now has the source's identity");
	close(node);
	close(d);
	close(e);
	close(root);
}

static void
test_unlinked_open(struct fx *f)
{
	struct core_setattr sa = { 0 };
	struct core_attr a;
	int root, node, fd;

	core_root(f->c, &root);
	core_create(f->c, &user, root, "tmp", O_RDWR, 0640, 100, &node, &fd,
	    NULL);
	is_int(write(fd, "abcdef", 6), 6, "write");
	is_int(core_unlinkat(f->c, &user, root, "tmp", 0), 0,
	    "unlink while open");
	is_int(core_getattr(f->c, node, &a), 0, "getattr of unlinked node");
	is_int(a.size, 6, "size from the host file");
	sa.valid = CORE_SETATTR_SIZE;
	sa.size = 2;
	is_int(core_setattr(f->c, &user, node, &sa), 0,
	    "truncate an open unlinked file");
	core_getattr(f->c, node, &a);
	is_int(a.size, 2, "truncated");
	sa.valid = CORE_SETATTR_MODE;
	sa.mode = 0100600;
	is_int(core_setattr(f->c, &user, node, &sa), 0,
	    "chmod of an unlinked file");
	ok(hmode(f, ".virtfs_metadata/tmp") == -ENOENT,
	    "no stale metadata file re-created (QEMU's quirk avoided)");
	close(fd);
	close(node);
	close(root);
}

static void
test_qemu_tree(struct fx *f)
{
	struct core_attr a;
	char t[256];
	int root, q, node;

	/* A tree exactly as QEMU's mapped-file model leaves it. */
	fx_path(f, "qd", t, sizeof(t));
	mkdir(t, 0700);
	put_file(f, ".virtfs_metadata/qd", "virtfs.uid=0\nvirtfs.gid=0\n"
	    "virtfs.mode=16877\n", 0600);
	mkdir(strcat(t, "/.virtfs_metadata"), 0700);
	put_file(f, "qd/ln", "../some/where", 0600);
	put_file(f, "qd/.virtfs_metadata/ln", "virtfs.uid=1001\n"
	    "virtfs.gid=1001\nvirtfs.mode=41471\n", 0600);
	put_file(f, "qd/blk", "", 0600);
	put_file(f, "qd/.virtfs_metadata/blk", "virtfs.uid=0\nvirtfs.gid=6\n"
	    "virtfs.mode=25008\nvirtfs.rdev=2049\n", 0600);
	put_file(f, "qd/data", "hello", 0600);
	put_file(f, "qd/.virtfs_metadata/data", "virtfs.uid=1000\n"
	    "virtfs.gid=1000\nvirtfs.mode=33261\n", 0600);
	core_root(f->c, &root);
	is_int(core_lookup(f->c, root, "qd", &q, &a), 0, "QEMU dir");
	ok(a.mode == 040755 && a.uid == 0, "QEMU dir attr");
	core_lookup(f->c, q, "ln", &node, &a);
	ok(a.mode == 0120777 && a.uid == 1001 && a.gid == 1001,
	    "QEMU symlink attr");
	ok(core_readlink(f->c, &user, node, t, sizeof(t)) == 13 &&
	    strcmp(t, "../some/where") == 0, "QEMU symlink target");
	close(node);
	core_lookup(f->c, q, "blk", &node, &a);
	ok(a.mode == 060660 && a.gid == 6 && a.rdev == makedev(8, 1),
	    "QEMU block device attr");
	close(node);
	core_lookup(f->c, q, "data", &node, &a);
	ok(a.mode == 0100755 && a.uid == 1000 && a.size == 5,
	    "QEMU file attr, size from the host");
	close(node);
	close(q);
	close(root);
}

static void
test_xattr_acl(struct fx *f)
{
	char buf[128], p[256];
	acl_t acl;
	int root, node, n;

	core_root(f->c, &root);
	core_lookup(f->c, root, "y", &node, NULL);
	is_int(core_setxattr(f->c, &user, node, "user.virtfs.x", "v", 1, 0),
	    0, "user.virtfs. is not special in mapped-file (as QEMU)");
	is_int(core_setxattr(f->c, &user, node, "security.selinux", "v", 1,
	    0), -EOPNOTSUPP, "security. refused");
	is_int(core_setxattr(f->c, &user, node, "user.empty", "", 0, 0), 0,
	    "empty value");
	is_int(core_getxattr(f->c, &user, node, "user.empty", buf,
	    sizeof(buf)), 0, "empty value is a value");
	fx_path(f, "y", p, sizeof(p));
	acl = acl_from_text("u::rwx,u:1000:r-x,g::r-x,m::r-x,o::---");
	acl_set_file(p, ACL_TYPE_ACCESS, acl);
	acl_free(acl);
	n = core_getxattr(f->c, &user, node, "system.posix_acl_access", buf,
	    sizeof(buf));
	is_int(n, 4 + 5 * 8, "host ACL read as system.posix_acl_access");
	close(node);
	close(root);
}

static void
test_readonly(void)
{
	struct fx f = { 0 };
	struct core_setattr sa = { CORE_SETATTR_MODE, 0644, 0, 0, 0,
	    { 0, 0 }, { 0, 0 } };
	struct core_attr a;
	int root, fd;

	if (fx_open(&f, POLICY_MAPPED_FILE, true) < 0) {
		ok(0, "readonly export");
		return;
	}
	core_root(f.c, &root);
	is_int(core_mkdir(f.c, &user, root, "n", 0755, 100, &a), -EROFS,
	    "readonly: mkdir");
	is_int(core_setattr(f.c, &user, root, &sa), -EROFS,
	    "readonly: setattr");
	is_int(core_open(f.c, &user, root, O_RDONLY | O_DIRECTORY, &fd), 0,
	    "readonly: read open");
	close(fd);
	is_int(core_getattr(f.c, root, &a), 0, "readonly: getattr");
	ok(hmode(&f, ".virtfs_metadata_root") == -ENOENT &&
	    hmode(&f, ".virtfs_metadata") == -ENOENT,
	    "readonly: nothing written");
	close(root);
	fx_done(&f);
}

int
main(void)
{
	struct fx f = { 0 };

	if (!tap_need_root())
		return 0;
	if (fx_open(&f, POLICY_MAPPED_FILE, false) < 0) {
		ok(0, "mapped-file export opens");
		return tap_done();
	}
	test_create(&f);
	test_reserved(&f);
	test_setattr_root(&f);
	test_rename_link_unlink(&f);
	test_unlinked_open(&f);
	test_qemu_tree(&f);
	test_xattr_acl(&f);
	ok(fx_marker_intact(&f), "nothing outside the export touched");
	fx_done(&f);
	test_readonly();
	return tap_done();
}
