/* policy.h - side-effect-free decisions shared by helper and frontend.
 *
 * Nothing here makes a syscall that changes anything, logs or exits:
 * functions return 0 or -errno (or a value) so that every rule can be
 * unit-tested without root.  Grouped by file. */
#ifndef VFSD_POLICY_H
#define VFSD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Security models, named as QEMU names them.  Values travel in HelloRep. */
enum policy_model {
	POLICY_PASSTHROUGH = 0,
	POLICY_MAPPED_XATTR = 1,
	POLICY_MAPPED_FILE = 2,
	POLICY_NONE = 3,
};

enum policy_multidevs {
	POLICY_MULTIDEVS_WARN = 0,
	POLICY_MULTIDEVS_REMAP = 1,
	POLICY_MULTIDEVS_FORBID = 2,
};

/* model.c */
int policy_model_parse(const char *s, enum policy_model *out);
const char *policy_model_name(enum policy_model m);

/* name.c: one path component as the guest sends it.  Flags say where the
 * name is used; the model decides which names are reserved. */
#define POLICY_NAME_LOOKUP	0x1	/* '.' and '..' are allowed (walk) */
int policy_name_check(const char *name, int flags, enum policy_model m);
int policy_name_check_bytes(const void *name, size_t len, int flags,
    enum policy_model m);
bool policy_name_reserved(const char *name, enum policy_model m);

/* oflags.c: 9P2000.L (Linux generic) open flags to host O_* flags. */
#define POLICY_L_RDONLY		00
#define POLICY_L_WRONLY		01
#define POLICY_L_RDWR		02
#define POLICY_L_NOACCESS	03
#define POLICY_L_CREATE		0100
#define POLICY_L_EXCL		0200
#define POLICY_L_NOCTTY		0400
#define POLICY_L_TRUNC		01000
#define POLICY_L_APPEND		02000
#define POLICY_L_NONBLOCK	04000
#define POLICY_L_DSYNC		010000
#define POLICY_L_FASYNC		020000
#define POLICY_L_DIRECT		040000
#define POLICY_L_LARGEFILE	0100000
#define POLICY_L_DIRECTORY	0200000
#define POLICY_L_NOFOLLOW	0400000
#define POLICY_L_NOATIME	01000000
#define POLICY_L_CLOEXEC	02000000
#define POLICY_L_SYNC		04000000
/* Tlopen/Tlcreate flags to the host flags an open of an existing object
 * uses: creation and terminal/async bits stripped, O_NOFOLLOW|O_CLOEXEC
 * added.  Read-only exports refuse write access, append and truncate. */
int policy_open_flags(uint32_t lflags, bool readonly, int *hostflags);
/* Host flags (as core_open/core_create take them) made safe the same way. */
int policy_host_open_flags(int oflags, bool readonly, int *hostflags);
bool policy_open_writes(int hostflags);

/* rdev.c: device numbers.  glibc's dev_t (what stat returns and what
 * QEMU stores) versus Linux's new_encode_dev (what a guest kernel sends
 * and expects in 9P). */
uint64_t policy_rdev_from_linux(uint64_t linuxdev);
uint64_t policy_rdev_to_linux(uint64_t glibcdev);
uint64_t policy_makedev(uint32_t major, uint32_t minor);

/* meta.c: the guest identity the mapped models record for an object. */
#define POLICY_META_UID		0x1
#define POLICY_META_GID		0x2
#define POLICY_META_MODE	0x4
#define POLICY_META_RDEV	0x8
struct policy_meta {
	uint32_t valid;		/* POLICY_META_* present */
	uint32_t uid, gid;
	uint32_t mode;		/* full st_mode including S_IFMT */
	uint64_t rdev;		/* glibc dev_t */
};
#define POLICY_XATTR_UID	"user.virtfs.uid"
#define POLICY_XATTR_GID	"user.virtfs.gid"
#define POLICY_XATTR_MODE	"user.virtfs.mode"
#define POLICY_XATTR_RDEV	"user.virtfs.rdev"
#define POLICY_MFILE_DIR	".virtfs_metadata"
#define POLICY_MFILE_ROOT	".virtfs_metadata_root"
#define POLICY_MFILE_MAX	512	/* emitted file never exceeds this */
void policy_put_u32(uint8_t out[4], uint32_t v);
void policy_put_u64(uint8_t out[8], uint64_t v);
/* QEMU reads exactly 4 (8 for rdev) bytes; anything else is ignored. */
int policy_get_u32(const void *buf, size_t len, uint32_t *v);
int policy_get_u64(const void *buf, size_t len, uint64_t *v);
/* mapped-file: parse/emit the key=value file; emit returns the length. */
int policy_mfile_parse(const char *buf, size_t len, struct policy_meta *m);
int policy_mfile_emit(const struct policy_meta *m, char *buf, size_t cap);
/* Override a host stat's identity with what the metadata holds. */
void policy_meta_apply(const struct policy_meta *m, uint32_t *mode,
    uint32_t *uid, uint32_t *gid, uint64_t *rdev);

/* create.c: what to create on the host and what to record. */
enum policy_host_kind {
	POLICY_HOST_FILE,	/* regular file */
	POLICY_HOST_DIR,
	POLICY_HOST_SYMLINK,
	POLICY_HOST_NODE,	/* mknod of the guest type */
};
struct policy_create {
	enum policy_host_kind kind;
	mode_t host_mode;	/* permission bits to give the host object */
	bool record;		/* record meta (mapped models) */
	struct policy_meta meta;
};
/* type is S_IFREG/S_IFDIR/S_IFLNK/S_IFCHR/S_IFBLK/S_IFIFO/S_IFSOCK;
 * uid (uint32_t)-1 records no owner. */
int policy_create_plan(enum policy_model m, mode_t fmode, mode_t dmode,
    uint32_t type, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t rdev,
    struct policy_create *out);
/* The mode a chown leaves (set-id bits cleared as the kernel does). */
uint32_t policy_chown_mode(uint32_t mode);
/* The mode a chmod records: permission bits from the request, type kept. */
uint32_t policy_chmod_mode(uint32_t oldmode, uint32_t reqmode);

/* xattr.c: guest xattr names per model (reference §3.5).  Returns 0 and
 * the host name to use, or the errno the guest gets without any syscall
 * (-ENODATA for reading a reserved name, -EACCES for changing one,
 * -EOPNOTSUPP for namespaces the model does not carry). */
enum policy_xattr_op {
	POLICY_XATTR_GET,
	POLICY_XATTR_SET,
	POLICY_XATTR_REMOVE,
};
#define POLICY_XATTR_NAME_MAX 255
int policy_xattr_map(enum policy_model m, enum policy_xattr_op op,
    const char *guest, char *host, size_t cap);
/* Rewrite a host listxattr buffer in place into the guest's view;
 * returns the new length. */
size_t policy_xattr_list_filter(enum policy_model m, char *list, size_t len);
/* Whether removing an absent attribute under this guest name succeeds. */
bool policy_xattr_remove_absent_ok(enum policy_model m, const char *guest);

/* setattr.c: Tsetattr valid bits to an ordered plan (mode, times,
 * owner, size: the order QEMU applies them). */
#define POLICY_SETATTR_MODE		0x001
#define POLICY_SETATTR_UID		0x002
#define POLICY_SETATTR_GID		0x004
#define POLICY_SETATTR_SIZE		0x008
#define POLICY_SETATTR_ATIME		0x010
#define POLICY_SETATTR_MTIME		0x020
#define POLICY_SETATTR_CTIME		0x040
#define POLICY_SETATTR_ATIME_SET	0x080
#define POLICY_SETATTR_MTIME_SET	0x100
#define POLICY_SETATTR_ALL		0x1ff
enum policy_time_how { POLICY_TIME_OMIT, POLICY_TIME_NOW, POLICY_TIME_SET };
struct policy_setattr_plan {
	bool chmod;
	enum policy_time_how atime, mtime;
	bool chown;
	uint32_t uid, gid;	/* (uint32_t)-1: leave as is */
	bool truncate;
	bool touch_ctime;	/* CTIME with nothing else that bumps it */
};
/* -EINVAL for bits outside POLICY_SETATTR_ALL. */
int policy_setattr_plan(uint32_t valid, uint32_t uid, uint32_t gid,
    struct policy_setattr_plan *p);

/* qid.c: qid.path per multidevs.  A remap table belongs to one export;
 * it is plain memory the caller locks. */
struct policy_qidmap;
struct policy_qidmap *policy_qidmap_new(void);
void policy_qidmap_free(struct policy_qidmap *q);
/* root_dev is the export root's st_dev. */
int policy_qid_path(enum policy_multidevs md, struct policy_qidmap *q,
    uint64_t root_dev, uint64_t dev, uint64_t ino, uint64_t *path);
/* The reversed Exp-Golomb (k=0) code of n: length in bits and value. */
void policy_qid_code(uint32_t n, unsigned *bits, uint64_t *value);

/* acl.c: POSIX ACLs in the Linux xattr blob format (system.posix_acl_*:
 * u32 LE version 2, then {u16 tag, u16 perm, u32 id} LE entries) and the
 * kernel's rules for them (fs/posix_acl.c). */
#define POLICY_ACL_VERSION	2
#define POLICY_ACL_USER_OBJ	0x01
#define POLICY_ACL_USER		0x02
#define POLICY_ACL_GROUP_OBJ	0x04
#define POLICY_ACL_GROUP	0x08
#define POLICY_ACL_MASK		0x10
#define POLICY_ACL_OTHER	0x20
/* More than any host file system stores (ext4 fits about 500 in a block);
 * keeps struct policy_acl small enough for a stack. */
#define POLICY_ACL_MAX_ENTRIES	1024
#define POLICY_ACL_MAX_BLOB	(4 + 8 * POLICY_ACL_MAX_ENTRIES)
struct policy_acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};
struct policy_acl {
	int count;		/* 0: header only, "no ACL" */
	struct policy_acl_entry e[POLICY_ACL_MAX_ENTRIES];
};
/* Parse and validate as the kernel does: -EINVAL for a malformed or
 * disordered ACL, -EOPNOTSUPP for another version. */
int policy_acl_parse(const void *buf, size_t len, struct policy_acl *a);
/* Returns the blob length or -ERANGE. */
int policy_acl_emit(const struct policy_acl *a, void *buf, size_t cap);
/* A new object's access ACL from its directory's default ACL and the
 * create mode (updated in place: type and set-id bits kept, permission
 * bits masked).  Returns 1 if the access ACL must be stored, 0 if the
 * mode alone says it all (the kernel then stores none). */
int policy_acl_inherit(const struct policy_acl *def, uint32_t *mode,
    struct policy_acl *acc);
/* What a chmod does to an access ACL (owner, mask or group, other). */
int policy_acl_chmod(struct policy_acl *a, uint32_t mode);
/* The permission bits an access ACL gives the mode (updated in place);
 * returns 1 if the ACL says more than the mode, 0 if not. */
int policy_acl_equiv_mode(const struct policy_acl *a, uint32_t *mode);

#endif
