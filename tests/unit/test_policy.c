/* test_policy.c - every rule in policy/, with golden bytes from the
 * reference (9p2000L-reference.md §1.3, §3.3-3.6). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "policy/policy.h"
#include "tests/unit/tap.h"

static void
test_names(void)
{
	char longname[NAME_MAX + 2];

	memset(longname, 'a', sizeof(longname));
	longname[NAME_MAX] = '\0';
	is_int(policy_name_check("file", 0, POLICY_PASSTHROUGH), 0, "plain");
	is_int(policy_name_check(longname, 0, POLICY_PASSTHROUGH), 0,
	    "NAME_MAX long");
	longname[NAME_MAX] = 'a';
	longname[NAME_MAX + 1] = '\0';
	is_int(policy_name_check(longname, 0, POLICY_PASSTHROUGH),
	    -ENAMETOOLONG, "NAME_MAX+1 long");
	is_int(policy_name_check("", 0, 0), -EINVAL, "empty");
	is_int(policy_name_check(NULL, 0, 0), -EINVAL, "NULL");
	is_int(policy_name_check("a/b", 0, 0), -EINVAL, "slash");
	is_int(policy_name_check("/", POLICY_NAME_LOOKUP, 0), -EINVAL,
	    "slash alone in lookup");
	is_int(policy_name_check_bytes("a\0b", 3, 0, 0), -EINVAL,
	    "embedded NUL");
	is_int(policy_name_check_bytes("ab", 2, 0, 0), 0, "bytes ok");
	is_int(policy_name_check(".", 0, 0), -EINVAL, "dot for create");
	is_int(policy_name_check("..", 0, 0), -EINVAL, "dotdot for create");
	is_int(policy_name_check(".", POLICY_NAME_LOOKUP, 0), 0,
	    "dot for lookup");
	is_int(policy_name_check("..", POLICY_NAME_LOOKUP, 0), 0,
	    "dotdot for lookup");
	is_int(policy_name_check("...", 0, 0), 0, "three dots is a name");
	is_int(policy_name_check(".virtfs_metadata", POLICY_NAME_LOOKUP,
	    POLICY_MAPPED_FILE), -EINVAL, "metadata dir reserved");
	is_int(policy_name_check(".virtfs_metadata_root", 0,
	    POLICY_MAPPED_FILE), -EINVAL, "metadata root reserved");
	is_int(policy_name_check(".virtfs_metadata", 0, POLICY_MAPPED_XATTR),
	    0, "metadata name free in mapped-xattr");
	is_int(policy_name_check(".virtfs_metadatax", 0, POLICY_MAPPED_FILE),
	    0, "longer name free in mapped-file");
}

static void
test_oflags(void)
{
	int f = -1;

	is_int(policy_open_flags(0100000, false, &f), 0, "cat flags");
	is_int(f, O_RDONLY | O_LARGEFILE | O_NOFOLLOW | O_CLOEXEC,
	    "RDONLY|LARGEFILE");
	policy_open_flags(0304000, false, &f);
	is_int(f, O_RDONLY | O_DIRECTORY | O_LARGEFILE | O_NONBLOCK |
	    O_NOFOLLOW | O_CLOEXEC, "opendir flags");
	policy_open_flags(0100101, false, &f);
	is_int(f, O_WRONLY | O_LARGEFILE | O_NOFOLLOW | O_CLOEXEC,
	    "CREATE stripped from Tlopen");
	policy_open_flags(0102001, false, &f);
	is_int(f, O_WRONLY | O_APPEND | O_LARGEFILE | O_NOFOLLOW | O_CLOEXEC,
	    "append");
	policy_open_flags(POLICY_L_RDWR | POLICY_L_EXCL | POLICY_L_NOCTTY |
	    POLICY_L_FASYNC | POLICY_L_DIRECT, false, &f);
	is_int(f, O_RDWR | O_NOFOLLOW | O_CLOEXEC,
	    "EXCL NOCTTY FASYNC DIRECT stripped");
	policy_open_flags(POLICY_L_SYNC | POLICY_L_DSYNC | POLICY_L_NOATIME,
	    false, &f);
	is_int(f, O_SYNC | O_DSYNC | O_NOATIME | O_NOFOLLOW | O_CLOEXEC,
	    "sync dsync noatime");
	policy_open_flags(POLICY_L_NOACCESS, false, &f);
	is_int(f & O_ACCMODE, O_RDONLY, "NOACCESS opens read-only");
	policy_open_flags(POLICY_L_TRUNC | POLICY_L_WRONLY, false, &f);
	ok(f & O_TRUNC, "TRUNC kept for other clients");
	is_int(policy_open_flags(POLICY_L_WRONLY, true, &f), -EROFS,
	    "readonly write");
	is_int(policy_open_flags(POLICY_L_RDONLY | POLICY_L_TRUNC, true, &f),
	    -EROFS, "readonly trunc");
	is_int(policy_open_flags(POLICY_L_RDONLY | POLICY_L_APPEND, true, &f),
	    -EROFS, "readonly append");
	is_int(policy_open_flags(0100000, true, &f), 0, "readonly read ok");
	is_int(policy_host_open_flags(O_RDWR | O_CREAT | O_EXCL | O_NOCTTY,
	    false, &f), 0, "host flags");
	is_int(f, O_RDWR | O_NOFOLLOW | O_CLOEXEC, "host creation stripped");
}

static void
test_rdev(void)
{
	uint64_t d = policy_makedev(1, 3), big = policy_makedev(4095, 0xfffff);

	is_int(d, makedev(1, 3), "makedev(1,3) matches glibc");
	is_int(policy_makedev(0x12345, 0xabcdef), makedev(0x12345, 0xabcdef),
	    "large makedev matches glibc");
	is_int(policy_rdev_to_linux(d), 0x103, "new_encode_dev(1,3)");
	is_int(policy_rdev_to_linux(makedev(8, 0x123)), 0x100823,
	    "new_encode_dev minor > 255");
	is_int(policy_rdev_from_linux(0x100823), makedev(8, 0x123),
	    "new_decode_dev");
	is_int(policy_rdev_from_linux(policy_rdev_to_linux(big)), big,
	    "round trip 4095:0xfffff");
}

static void
test_meta_bytes(void)
{
	uint8_t b4[4], b8[8];
	uint32_t v;
	uint64_t v8;

	policy_put_u32(b4, 1234);
	ok(tap_mem_eq(b4, 4, "\xd2\x04\x00\x00", 4), "uid 1234");
	policy_put_u32(b4, 0100640);
	ok(tap_mem_eq(b4, 4, "\xa0\x81\x00\x00", 4), "mode 0100640");
	policy_put_u32(b4, 040755);
	ok(tap_mem_eq(b4, 4, "\xed\x41\x00\x00", 4), "mode 040755");
	policy_put_u32(b4, 0120777);
	ok(tap_mem_eq(b4, 4, "\xff\xa1\x00\x00", 4), "mode 0120777");
	policy_put_u32(b4, 010644);
	ok(tap_mem_eq(b4, 4, "\xa4\x11\x00\x00", 4), "mode 010644");
	policy_put_u32(b4, 020600);
	ok(tap_mem_eq(b4, 4, "\x80\x21\x00\x00", 4), "mode 020600");
	policy_put_u32(b4, 0140644);
	ok(tap_mem_eq(b4, 4, "\xa4\xc1\x00\x00", 4), "mode 0140644");
	policy_put_u64(b8, makedev(1, 3));
	ok(tap_mem_eq(b8, 8, "\x03\x01\x00\x00\x00\x00\x00\x00", 8),
	    "rdev makedev(1,3)");
	is_int(policy_get_u32("\xd2\x04\x00\x00", 4, &v), 0, "get u32");
	is_int(v, 1234, "get u32 value");
	is_int(policy_get_u32("\xd2\x04\x00", 3, &v), -EINVAL, "short u32");
	is_int(policy_get_u32("\xd2\x04\x00\x00\x00", 5, &v), -EINVAL,
	    "long u32");
	is_int(policy_get_u64("\x03\x01\x00\x00\x00\x00\x00\x00", 8, &v8), 0,
	    "get u64");
	is_int(v8, makedev(1, 3), "get u64 value");
	is_int(policy_get_u64(b8, 4, &v8), -EINVAL, "short u64");
}

static void
test_mfile(void)
{
	struct policy_meta m = { POLICY_META_UID | POLICY_META_GID |
	    POLICY_META_MODE | POLICY_META_RDEV, 1234, 5678, 0100640,
	    makedev(1, 3) }, r;
	const char want[] = "virtfs.uid=1234\nvirtfs.gid=5678\n"
	    "virtfs.mode=33184\nvirtfs.rdev=259\n";
	char buf[POLICY_MFILE_MAX];
	int n;

	n = policy_mfile_emit(&m, buf, sizeof(buf));
	ok(tap_mem_eq(buf, n < 0 ? 0 : (size_t)n, want, sizeof(want) - 1),
	    "mapped-file emit matches QEMU bytes");
	m.valid = POLICY_META_MODE;
	n = policy_mfile_emit(&m, buf, sizeof(buf));
	ok(tap_mem_eq(buf, n < 0 ? 0 : (size_t)n, "virtfs.mode=33184\n", 18),
	    "only known keys written");
	m.valid = POLICY_META_UID;
	m.uid = 4294967294u;
	n = policy_mfile_emit(&m, buf, sizeof(buf));
	ok(tap_mem_eq(buf, n < 0 ? 0 : (size_t)n, "virtfs.uid=-2\n", 14),
	    "uid above 2^31 printed as int");
	is_int(policy_mfile_emit(&m, buf, 5), -ENOSPC, "emit overflow");

	policy_mfile_parse(want, sizeof(want) - 1, &r);
	is_int(r.valid, 0xf, "parse: all keys");
	ok(r.uid == 1234 && r.gid == 5678 && r.mode == 0100640 &&
	    r.rdev == makedev(1, 3), "parse: values");
	policy_mfile_parse("junk\nvirtfs.gid=7\nvirtfs.uidx9\n", 30, &r);
	ok(r.valid == (POLICY_META_GID | POLICY_META_UID) && r.gid == 7 &&
	    r.uid == 9, "parse: prefix match, '=' skipped by position");
	policy_mfile_parse("virtfs.uid=-2\nvirtfs.rdev=-1\n", 29, &r);
	ok(r.uid == 4294967294u && r.rdev == UINT64_MAX,
	    "parse: negative values as QEMU reads them");
	policy_mfile_parse("virtfs.mode=", 12, &r);
	ok(r.valid == POLICY_META_MODE && r.mode == 0, "parse: empty value");
}

static void
test_create(void)
{
	struct policy_create p;

	is_int(policy_create_plan(POLICY_PASSTHROUGH, 0600, 0700, S_IFREG,
	    04755, 1000, 100, 0, &p), 0, "passthrough file");
	ok(p.kind == POLICY_HOST_FILE && p.host_mode == 04755 && !p.record,
	    "passthrough keeps bits, records nothing");
	policy_create_plan(POLICY_PASSTHROUGH, 0600, 0700, S_IFCHR, 0600,
	    0, 0, makedev(1, 3), &p);
	is_int(p.kind, POLICY_HOST_NODE, "passthrough mknod is real");
	is_int(policy_create_plan(POLICY_MAPPED_XATTR, 0600, 0700, S_IFREG,
	    04755, 1000, 100, 0, &p), 0, "mapped file");
	ok(p.kind == POLICY_HOST_FILE && p.host_mode == 0600 && p.record,
	    "mapped file host mode fmode");
	ok(p.meta.valid == (POLICY_META_UID | POLICY_META_GID |
	    POLICY_META_MODE) && p.meta.mode == 0104755, "mapped file meta");
	policy_create_plan(POLICY_MAPPED_XATTR, 0640, 0750, S_IFDIR, 0755,
	    -1, 100, 0, &p);
	ok(p.kind == POLICY_HOST_DIR && p.host_mode == 0750 &&
	    !(p.meta.valid & POLICY_META_UID) && p.meta.mode == 040755,
	    "mapped dir with dmode, uid -1 not recorded");
	policy_create_plan(POLICY_MAPPED_XATTR, 04777, 0700, S_IFLNK, 0,
	    1, 1, 0, &p);
	ok(p.kind == POLICY_HOST_FILE && p.host_mode == 0777 &&
	    p.meta.mode == 0120777, "mapped symlink: file, S_IFLNK|0777, "
	    "fmode masked to 0777");
	policy_create_plan(POLICY_MAPPED_FILE, 0600, 0700, S_IFCHR, 0620,
	    1, 1, makedev(4, 1), &p);
	ok(p.kind == POLICY_HOST_FILE && (p.meta.valid & POLICY_META_RDEV) &&
	    p.meta.rdev == makedev(4, 1) && p.meta.mode == 020620,
	    "mapped char device: plain file plus rdev");
	policy_create_plan(POLICY_MAPPED_XATTR, 0600, 0700, S_IFIFO, 0644,
	    1, 1, 77, &p);
	ok(p.kind == POLICY_HOST_FILE && p.meta.rdev == 0,
	    "mapped FIFO: rdev recorded as 0");
	is_int(policy_create_plan(POLICY_MAPPED_XATTR, 0600, 0700, 0170000,
	    0, 1, 1, 0, &p), -EINVAL, "bad type");
	is_int(policy_chown_mode(0106755), 0100755, "chown drops suid, sgid");
	is_int(policy_chown_mode(0102745), 0102745,
	    "chown keeps sgid without group exec");
	is_int(policy_chown_mode(043755), 043755, "chown keeps dir bits");
	is_int(policy_chmod_mode(0100644, 0755), 0100755, "chmod keeps type");
	is_int(policy_chmod_mode(0120777, 0100600), 0120600,
	    "chmod never changes type");
}

static void
test_xattr_map(void)
{
	char h[POLICY_XATTR_NAME_MAX + 1];
	char longn[300];

	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_GET,
	    "user.foo", h, sizeof(h)), 0, "mapped user.");
	ok(strcmp(h, "user.foo") == 0, "mapped user. same name");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_GET,
	    "user.virtfs.uid", h, sizeof(h)), -ENODATA, "reserved get");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_SET,
	    "user.virtfs.uid", h, sizeof(h)), -EACCES, "reserved set");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_REMOVE,
	    "user.virtfs.x", h, sizeof(h)), -EACCES, "reserved remove");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_SET,
	    "system.posix_acl_access", h, sizeof(h)), 0, "acl mapped");
	ok(strcmp(h, "user.virtfs.system.posix_acl_access") == 0,
	    "acl access host name");
	policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_GET,
	    "system.posix_acl_default", h, sizeof(h));
	ok(strcmp(h, "user.virtfs.system.posix_acl_default") == 0,
	    "acl default host name");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_GET,
	    "security.selinux", h, sizeof(h)), 0, "security. mapped");
	ok(strcmp(h, "user.virtfs.security.selinux") == 0,
	    "security. stored under user.virtfs.");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_SET,
	    "trusted.x", h, sizeof(h)), 0, "trusted. mapped");
	ok(strcmp(h, "user.virtfs.trusted.x") == 0,
	    "trusted. stored under user.virtfs.");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_SET,
	    "security.", h, sizeof(h)), -EOPNOTSUPP, "bare security. prefix");
	is_int(policy_xattr_map(POLICY_PASSTHROUGH, POLICY_XATTR_SET,
	    "security.selinux", h, sizeof(h)), -EOPNOTSUPP,
	    "passthrough: security. refused (would be a host label)");
	is_int(policy_xattr_map(POLICY_PASSTHROUGH, POLICY_XATTR_SET,
	    "trusted.x", h, sizeof(h)), -EOPNOTSUPP,
	    "passthrough: trusted. refused");
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_GET,
	    "system.other", h, sizeof(h)), -EOPNOTSUPP, "other system.");
	is_int(policy_xattr_map(POLICY_PASSTHROUGH, POLICY_XATTR_GET,
	    "user.virtfs.uid", h, sizeof(h)), 0,
	    "passthrough: user.virtfs. not special");
	is_int(policy_xattr_map(POLICY_PASSTHROUGH, POLICY_XATTR_SET,
	    "system.posix_acl_access", h, sizeof(h)), 0, "passthrough acl");
	ok(strcmp(h, "system.posix_acl_access") == 0, "passthrough acl name");
	is_int(policy_xattr_map(POLICY_MAPPED_FILE, POLICY_XATTR_GET,
	    "trusted.a", h, sizeof(h)), -EOPNOTSUPP, "mapped-file trusted.");
	is_int(policy_xattr_map(POLICY_NONE, POLICY_XATTR_GET,
	    "system.posix_acl_access", h, sizeof(h)), -EOPNOTSUPP,
	    "none: acl unsupported");
	is_int(policy_xattr_map(POLICY_NONE, POLICY_XATTR_GET, "user.a", h,
	    sizeof(h)), 0, "none: user.");
	is_int(policy_xattr_map(POLICY_PASSTHROUGH, POLICY_XATTR_GET, "", h,
	    sizeof(h)), -EINVAL, "empty name");
	memset(longn, 'a', sizeof(longn));
	memcpy(longn, "user.", 5);
	longn[299] = '\0';
	is_int(policy_xattr_map(POLICY_PASSTHROUGH, POLICY_XATTR_GET, longn,
	    h, sizeof(h)), -ERANGE, "name too long");
	longn[POLICY_XATTR_NAME_MAX - 12] = '\0';
	is_int(policy_xattr_map(POLICY_MAPPED_XATTR, POLICY_XATTR_GET,
	    "system.posix_acl_access", h, 20), -ERANGE, "small buffer");
	ok(policy_xattr_remove_absent_ok(POLICY_MAPPED_XATTR,
	    "system.posix_acl_default"), "absent ACL removal ok (mapped)");
	ok(!policy_xattr_remove_absent_ok(POLICY_MAPPED_XATTR, "user.a"),
	    "absent user. removal is an error");
}

static void
test_xattr_list(void)
{
	static const char in[] = "user.a\0user.virtfs.uid\0security.selinux\0"
	    "user.virtfs.system.posix_acl_access\0system.posix_acl_default\0"
	    "trusted.x\0user.virtfs.security.selinux\0user.b";
	char buf[sizeof(in)];
	size_t n;

	memcpy(buf, in, sizeof(in));
	n = policy_xattr_list_filter(POLICY_MAPPED_XATTR, buf, sizeof(in));
	ok(tap_mem_eq(buf, n, "user.a\0system.posix_acl_access\0"
	    "security.selinux\0user.b", 55),
	    "mapped-xattr listing (host label hidden, guest label shown)");
	memcpy(buf, in, sizeof(in));
	n = policy_xattr_list_filter(POLICY_PASSTHROUGH, buf, sizeof(in));
	ok(tap_mem_eq(buf, n, "user.a\0user.virtfs.uid\0"
	    "user.virtfs.system.posix_acl_access\0system.posix_acl_default\0"
	    "user.virtfs.security.selinux\0user.b", 120),
	    "passthrough listing");
	memcpy(buf, in, sizeof(in));
	n = policy_xattr_list_filter(POLICY_NONE, buf, sizeof(in));
	ok(tap_mem_eq(buf, n, "user.a\0user.virtfs.uid\0"
	    "user.virtfs.system.posix_acl_access\0"
	    "user.virtfs.security.selinux\0user.b", 95), "none listing");
	memcpy(buf, "user.a\0user.b", 13);
	n = policy_xattr_list_filter(POLICY_PASSTHROUGH, buf, 13);
	is_int(n, 7, "unterminated tail dropped");
	is_int(policy_xattr_list_filter(POLICY_PASSTHROUGH, buf, 0), 0,
	    "empty list");
}

static void
test_setattr(void)
{
	struct policy_setattr_plan p;

	is_int(policy_setattr_plan(0x200, 0, 0, &p), -EINVAL, "unknown bit");
	policy_setattr_plan(POLICY_SETATTR_ATIME | POLICY_SETATTR_MTIME |
	    POLICY_SETATTR_MTIME_SET, 0, 0, &p);
	ok(p.atime == POLICY_TIME_NOW && p.mtime == POLICY_TIME_SET &&
	    !p.chmod && !p.chown && !p.truncate && !p.touch_ctime,
	    "ATIME without SET = now, MTIME_SET = given");
	policy_setattr_plan(POLICY_SETATTR_ATIME_SET, 0, 0, &p);
	is_int(p.atime, POLICY_TIME_OMIT, "ATIME_SET alone = omit");
	policy_setattr_plan(POLICY_SETATTR_GID, 5, 6, &p);
	ok(p.chown && p.uid == (uint32_t)-1 && p.gid == 6, "gid only");
	policy_setattr_plan(POLICY_SETATTR_CTIME, 0, 0, &p);
	ok(p.touch_ctime, "CTIME alone touches ctime");
	policy_setattr_plan(POLICY_SETATTR_CTIME | POLICY_SETATTR_SIZE |
	    POLICY_SETATTR_MTIME, 0, 0, &p);
	ok(!p.touch_ctime && p.truncate, "truncate bumps ctime itself");
	policy_setattr_plan(POLICY_SETATTR_MODE, 0, 0, &p);
	ok(p.chmod && p.atime == POLICY_TIME_OMIT &&
	    p.mtime == POLICY_TIME_OMIT, "mode only");
}

static void
test_qid(void)
{
	static const struct { uint32_t n; unsigned bits; uint64_t v; } codes[] = {
		{ 1, 1, 1 }, { 2, 3, 2 }, { 3, 3, 6 }, { 4, 5, 4 },
		{ 5, 5, 20 }, { 6, 5, 12 }, { 7, 5, 28 }, { 8, 7, 8 },
		{ 65536, 33, 65536 },
	};
	struct policy_qidmap *q = policy_qidmap_new();
	uint64_t p = 0, p2 = 0;
	unsigned bits;
	uint64_t v;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		policy_qid_code(codes[i].n, &bits, &v);
		ok(bits == codes[i].bits && v == codes[i].v,
		    "code(%u) = %u bits, %llu", codes[i].n, bits,
		    (unsigned long long)v);
	}
	is_int(policy_qid_path(POLICY_MULTIDEVS_WARN, NULL, 1, 2, 77, &p), 0,
	    "warn other dev allowed");
	is_int(p, 77, "warn = ino");
	is_int(policy_qid_path(POLICY_MULTIDEVS_FORBID, NULL, 1, 2, 77, &p),
	    -ENODEV, "forbid other dev");
	is_int(policy_qid_path(POLICY_MULTIDEVS_FORBID, NULL, 1, 1, 77, &p),
	    0, "forbid same dev");
	/* The measured values: root ext4 ino 11193817 -> 22387635; tmpfs
	 * ino 1 -> 10, ino 2 -> 18. */
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 0x801, 11193817, &p);
	is_int(p, 22387635, "remap root device");
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 0x2d, 1, &p);
	is_int(p, 10, "remap second device ino 1");
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 0x2d, 2, &p);
	is_int(p, 18, "remap second device ino 2");
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 0x801, 11193817,
	    &p2);
	is_int(p2, 22387635, "remap stable");
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 0x801,
	    0x8000000000000005ull, &p);
	is_int(p & 7, 6, "high inode bit: new pair gets code 3");
	/* Exhaust the pair counter with distinct devices. */
	for (i = 0; i < 70000 && rc == 0; i++)
		rc = policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801,
		    1000 + i, 5, &p);
	is_int(rc, 0, "many devices");
	is_int(p & ((1ull << 33) - 1), 65536, "exhausted: full-map code");
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 1000 + 69999, 5,
	    &p2);
	ok(p == p2, "full-map stable");
	policy_qid_path(POLICY_MULTIDEVS_REMAP, q, 0x801, 1000 + 69999, 6,
	    &p2);
	ok(p != p2 && (p2 >> 33) == (p >> 33) + 1, "full-map sequence");
	policy_qidmap_free(q);
}

static void
test_model(void)
{
	enum policy_model m;

	is_int(policy_model_parse("mapped", &m), 0, "mapped alias");
	is_int(m, POLICY_MAPPED_XATTR, "mapped = mapped-xattr");
	is_int(policy_model_parse("bogus", &m), -EINVAL, "bogus model");
}

int
main(void)
{
	test_names();
	test_oflags();
	test_rdev();
	test_meta_bytes();
	test_mfile();
	test_create();
	test_xattr_map();
	test_xattr_list();
	test_setattr();
	test_qid();
	test_model();
	return tap_done();
}
