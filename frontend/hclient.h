/* hclient.h - the frontend's side of the helper protocol.
 *
 * One struct hclient wraps the socketpair to the helper.  Any number of
 * threads may call the helper_* stubs at once: each stub sends one Request
 * with a fresh id and sleeps until the Response with that id arrives (a
 * receiver thread routes responses by id), so many requests are in flight.
 *
 * Each stub mirrors the operation it replaces and returns 0 or -errno (a
 * Linux errno).  When the helper is gone every stub returns -EIO.
 * Names are NUL-terminated single components; the frontend has already
 * rejected '/', empty names and names longer than NAME_MAX, and the helper
 * checks again.  Descriptors returned through *fd belong to the caller. */
#ifndef VFSD_HCLIENT_H
#define VFSD_HCLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HCLIENT_MAX_GROUPS 32
#define HCLIENT_MAX_WALK 16

struct hclient;

struct hcred {
	uint32_t uid, gid;
	int ngroups;
	uint32_t groups[HCLIENT_MAX_GROUPS];
};

/* Attributes as the guest must see them (mirrors proto Attr). */
struct hattr {
	uint64_t qid_path;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	int64_t atime_sec, mtime_sec, ctime_sec;
	uint32_t atime_nsec, mtime_nsec, ctime_nsec;
	uint64_t gen;
	bool has_gen;
};

struct hinfo {
	uint32_t model;		/* enum policy_model */
	bool readonly;
	uint32_t bsize;		/* export block size, for iounit */
};

struct hsetattr {
	uint32_t valid;		/* 9P Tsetattr bits */
	uint32_t mode, uid, gid;
	uint64_t size;
	int64_t atime_sec, mtime_sec;
	uint32_t atime_nsec, mtime_nsec;
};

struct hstatfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

/* hclient.c */
int hclient_start(int sock, struct hclient **out, struct hinfo *info);
void hclient_stop(struct hclient *hc);
bool hclient_dead(struct hclient *hc);

int helper_attach(struct hclient *hc, const struct hcred *cr,
    const char *aname, uint64_t *h, struct hattr *attr);
/* Walk nwname (1..16) names from dir.  Returns -errno if the first name
 * fails.  Otherwise *nwalked attrs are filled; if *nwalked < nwname, the
 * walk stopped early (*walk_errno says why) and no handle was made.  On a
 * full walk *h is the new handle and *parent (when nwname > 1) a new handle
 * of the directory holding the last name, else 0. */
int helper_walk(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    int nwname, const char *const *names, struct hattr *attrs, int *nwalked,
    int *walk_errno, uint64_t *h, uint64_t *parent);
/* The same, also asking for an O_PATH descriptor of the new node (the
 * attach root, a full walk's last object): *nodefd gets it or -1. */
int helper_attach_fd(struct hclient *hc, const struct hcred *cr,
    const char *aname, uint64_t *h, struct hattr *attr, int *nodefd);
int helper_walk_fd(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    int nwname, const char *const *names, struct hattr *attrs, int *nwalked,
    int *walk_errno, uint64_t *h, uint64_t *parent, int *nodefd);
int helper_release(struct hclient *hc, const uint64_t *handles, int n);
int helper_getattr(struct hclient *hc, const struct hcred *cr, uint64_t h,
    struct hattr *attr);
int helper_setattr(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const struct hsetattr *sa);
/* flags: 9P2000.L open flags.  *fd: an open descriptor for the data path. */
int helper_open(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint32_t flags, int *fd, struct hattr *attr, uint32_t *iounit);
int helper_create(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t flags, uint32_t mode, uint32_t gid,
    uint64_t *h, int *fd, struct hattr *attr, uint32_t *iounit);
int helper_mkdir(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t mode, uint32_t gid, struct hattr *attr);
int helper_symlink(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, const char *target, uint32_t gid, struct hattr *attr);
int helper_mknod(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t mode, uint32_t major, uint32_t minor,
    uint32_t gid, struct hattr *attr);
int helper_link(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint64_t dir, const char *name);
int helper_renameat(struct hclient *hc, const struct hcred *cr,
    uint64_t olddir, const char *oldname, uint64_t newdir,
    const char *newname);
int helper_unlinkat(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t flags);
int helper_rename(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint64_t olddir, const char *oldname, uint64_t newdir,
    const char *newname);
int helper_remove(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint64_t dir, const char *name);
/* target gets at most cap-1 bytes and a NUL; returns the length. */
int helper_readlink(struct hclient *hc, const struct hcred *cr, uint64_t h,
    char *target, size_t cap);
int helper_statfs(struct hclient *hc, const struct hcred *cr, uint64_t h,
    struct hstatfs *st);
/* Return the value length; with cap 0 only the size is asked for.  A value
 * longer than cap is -ERANGE. */
int helper_xattr_get(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const char *name, void *value, size_t cap);
int helper_xattr_list(struct hclient *hc, const struct hcred *cr, uint64_t h,
    char *list, size_t cap);
int helper_xattr_set(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const char *name, const void *value, size_t size, uint32_t flags);
int helper_xattr_remove(struct hclient *hc, const struct hcred *cr,
    uint64_t h, const char *name);

#endif
