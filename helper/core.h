/* core.h - the operation core: every filesystem operation the helper
 * performs, whichever codec (protobuf from the frontend, or QEMU's proxy
 * wire format) asked for it.  There is exactly one implementation of each
 * operation, here.
 *
 * Contract:
 *  - Objects are named by "node descriptors": O_PATH|O_NOFOLLOW fds that
 *    the core itself produced (core_root, core_lookup, core_create...).
 *    The caller owns them and closes them.
 *  - Names are single components.  The core re-checks every name with
 *    policy (no '/', no NUL, not empty; '.'/'..' only where allowed) before
 *    any syscall, whatever the caller already checked.
 *  - Nothing is resolved outside the export: '..' at the root stays at the
 *    root, host symlinks are never followed, magic links never resolved.
 *  - Every function returns 0 (or a length) on success and -errno (a Linux
 *    errno) on failure.  Nothing logs.
 *  - Credentials: in passthrough/none the core switches fsuid/fsgid and
 *    supplementary groups on the calling thread only, for the duration of
 *    the call, and restores them.  In mapped models it never switches; the
 *    guest identity is recorded as metadata.
 *  - All functions are safe to call from several threads at once. */
#ifndef VFSD_CORE_H
#define VFSD_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <time.h>

#include "policy/policy.h"

#define CORE_MAX_GROUPS 32
#define CORE_XATTR_MAX 65536

struct core_opts {
	enum policy_model model;
	bool readonly;
	mode_t fmode;		/* host mode of files in mapped models (0600) */
	mode_t dmode;		/* host mode of dirs in mapped models (0700) */
	enum policy_multidevs multidevs;
	/* Every mount beneath the export refuses device opens (the
	 * sandbox made it so: sandbox.nodev).  The core checks the root's
	 * mount and ignores it if that is not so. */
	bool nodev;
};

struct core_cred {
	uint32_t uid;		/* (uint32_t)-1: unknown, record no owner */
	uint32_t gid;
	int ngroups;
	uint32_t groups[CORE_MAX_GROUPS];
};

/* What the guest sees of an object, after the model's mapping. */
struct core_attr {
	uint64_t qid_path;	/* unique id for the qid (multidevs applied) */
	uint32_t mode;		/* full st_mode incl. S_IFMT */
	uint32_t uid, gid;
	uint64_t nlink;
	uint64_t rdev;		/* glibc dev_t */
	uint64_t size, blksize, blocks;
	struct timespec atime, mtime, ctime;
	uint64_t gen;
	bool has_gen;
	uint64_t dev, ino;	/* host values, for the proxy codec and checks */
};

/* 9P2000.L Tsetattr valid bits; the same values are used by the proxy
 * codec after it maps its chmod/chown/truncate/utime requests. */
#define CORE_SETATTR_MODE	0x001
#define CORE_SETATTR_UID	0x002
#define CORE_SETATTR_GID	0x004
#define CORE_SETATTR_SIZE	0x008
#define CORE_SETATTR_ATIME	0x010
#define CORE_SETATTR_MTIME	0x020
#define CORE_SETATTR_CTIME	0x040
#define CORE_SETATTR_ATIME_SET	0x080
#define CORE_SETATTR_MTIME_SET	0x100

struct core_setattr {
	uint32_t valid;
	uint32_t mode;
	uint32_t uid, gid;
	uint64_t size;
	struct timespec atime, mtime;	/* used when *_SET is given */
};

struct core;

/* core_export.c */
int core_open_export(const char *path, const struct core_opts *opts,
    struct core **out);
void core_free(struct core *c);
const struct core_opts *core_options(const struct core *c);
int core_root(struct core *c, int *nodefd);
uint32_t core_blksize(const struct core *c);

/* Resolve a path relative to the export root without following symlinks
 * (the proxy codec's entry point): one openat2 beneath the root where the
 * kernel has it, component by component for '..' (clamped at the root)
 * and on older kernels.  "" or "/" is the root.  With want_parent, returns the parent's node fd and copies
 * the last component to last (NAME_MAX+1 bytes). */
int core_resolve(struct core *c, const char *path, bool want_parent,
    int *nodefd, char *last);

/* core_path.c: the path forms of the proxy codec's frequent reads,
 * answering exactly as core_resolve followed by core_getattr_want(0),
 * core_readlink, core_getxattr or core_statfs would, but without a node
 * descriptor for the last component where one is not needed. */
int core_lstat_path(struct core *c, const char *path,
    struct core_attr *attr);
int core_readlink_path(struct core *c, const struct core_cred *cr,
    const char *path, char *target, size_t cap);
int core_getxattr_path(struct core *c, const struct core_cred *cr,
    const char *path, const char *name, void *value, size_t cap);
int core_statfs_path(struct core *c, const char *path, struct statfs *st);
/* The proxy's T_OPEN: core_resolve then core_open, in fewer steps where
 * the export is nodev (see core_path.c). */
int core_open_path(struct core *c, const struct core_cred *cr,
    const char *path, int oflags, int *openfd);
/* The proxy's T_CHMOD, T_CHOWN, T_UTIME and T_TRUNCATE: core_resolve then
 * core_setattr, acting on the name where one call can (see
 * core_setattr.c). */
int core_setattr_path(struct core *c, const struct core_cred *cr,
    const char *path, const struct core_setattr *sa);

/* core_lookup.c */
int core_lookup(struct core *c, int dirfd, const char *name, int *nodefd,
    struct core_attr *attr);
int core_getattr(struct core *c, int nodefd, struct core_attr *attr);
/* The same, reading only what want asks for beyond the stat and the
 * model's mapping: the generation costs an open and an ioctl, and a walk
 * (qids only) or the proxy's lstat has no use for it.  has_gen is false
 * when it was not asked for. */
#define CORE_ATTR_GEN	0x1
#define CORE_ATTR_ALL	0x1
int core_lookup_want(struct core *c, int dirfd, const char *name,
    unsigned int want, int *nodefd, struct core_attr *attr);
int core_getattr_want(struct core *c, int nodefd, unsigned int want,
    struct core_attr *attr);
/* 0 if dirfd/name is the object nodefd refers to, -ESTALE if not. */
int core_same_node(struct core *c, int dirfd, const char *name, int nodefd);

/* core_open.c: host open flags (O_*); creation flags are stripped,
 * O_NOFOLLOW|O_CLOEXEC added; FIFOs, sockets and devices -> ENXIO. */
int core_open(struct core *c, const struct core_cred *cr, int nodefd,
    int oflags, int *openfd);
int core_create(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int oflags, uint32_t mode, uint32_t gid,
    int *nodefd, int *openfd, struct core_attr *attr);

/* core_create.c */
int core_mkdir(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, uint32_t mode, uint32_t gid, struct core_attr *attr);
int core_symlink(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, const char *target, uint32_t gid,
    struct core_attr *attr);
int core_mknod(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, uint32_t mode, uint64_t rdev, uint32_t gid,
    struct core_attr *attr);
int core_link(struct core *c, const struct core_cred *cr, int nodefd,
    int dirfd, const char *name);

/* core_modify.c */
int core_renameat(struct core *c, const struct core_cred *cr, int olddir,
    const char *oldname, int newdir, const char *newname);
int core_unlinkat(struct core *c, const struct core_cred *cr, int dirfd,
    const char *name, int flags);
int core_setattr(struct core *c, const struct core_cred *cr, int nodefd,
    const struct core_setattr *sa);
/* Returns the target length; target is NUL-terminated. */
int core_readlink(struct core *c, const struct core_cred *cr, int nodefd,
    char *target, size_t cap);
int core_statfs(struct core *c, int nodefd, struct statfs *st);

/* core_xattr.c: guest names and values; the model maps them.  cap == 0
 * asks for the size only.  Return the length or -errno. */
int core_getxattr(struct core *c, const struct core_cred *cr, int nodefd,
    const char *name, void *value, size_t cap);
int core_listxattr(struct core *c, const struct core_cred *cr, int nodefd,
    char *list, size_t cap);
int core_setxattr(struct core *c, const struct core_cred *cr, int nodefd,
    const char *name, const void *value, size_t size, int flags);
int core_removexattr(struct core *c, const struct core_cred *cr, int nodefd,
    const char *name);

/* core_proxyext.c: the inode generation (FS_IOC_GETVERSION) of a regular
 * file or directory, low 32 bits; -ENXIO/-ELOOP for anything else, which
 * is never opened.  Used by the proxy codec's T_GETVERSION. */
int core_getversion(struct core *c, int nodefd, uint64_t *gen);
/* The same for a path (core_path.c): no node and no open where the file
 * handle carries the generation. */
int core_getversion_path(struct core *c, const char *path, uint64_t *gen);

#endif
