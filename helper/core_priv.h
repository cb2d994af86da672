/* core_priv.h - what the core_*.c files share and nobody else sees. */
#ifndef VFSD_CORE_PRIV_H
#define VFSD_CORE_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "helper/core.h"

struct core {
	struct core_opts opts;
	int rootfd;		/* O_PATH|O_DIRECTORY export root */
	int procfd;		/* /proc/self/fd, O_PATH|O_DIRECTORY */
	pid_t pid;		/* the process procfd describes */
	dev_t rootdev;
	ino_t rootino;
	uint64_t rootmnt;	/* the root's mount id, 0 if unknown */
	uint32_t blksize;
	bool privileged;	/* may switch credentials */
	int no_openat2;		/* set once openat2 is known missing */
	pthread_mutex_t qlock;	/* guards qmap */
	pthread_mutex_t mlock;	/* mapped-file metadata read-modify-write */
	int no_getversion;	/* set once FS_IOC_GETVERSION is unsupported */
	bool gen_handles;	/* root fs: ext2/3/4 or xfs, see core_proxyext.c */
	bool has_xattrat;	/* the kernel has getxattrat & co (6.13) */
	bool has_fchmodat2;	/* ... and fchmodat2 (6.6) */
	struct policy_qidmap *qmap;
};

/* Saved per-thread credentials while a request runs as the guest user. */
struct cred_saved {
	bool switched;		/* something below was changed */
	bool uid_set, gid_set, groups_set;
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t groups[CORE_MAX_GROUPS + 1];
};

#define CORE_IS_MAPPED(c) ((c)->opts.model == POLICY_MAPPED_XATTR || \
	(c)->opts.model == POLICY_MAPPED_FILE)

/* core_export.c: core_resolve, but the root itself is lent (the core's
 * own rootfd, which the caller must not close), not copied. */
int core_resolve_lend(struct core *c, const char *path, bool want_parent,
    int *nodefd, char *last);
/* Closes fd unless it is the lent root. */
void core_unlend(struct core *c, int fd);

/* cred.c */
int cred_enter(const struct core *c, const struct core_cred *cr,
    struct cred_saved *s);
/* Whether cred_enter may switch anything for cr (it may still find
 * nothing to change). */
bool cred_may_switch(const struct core *c, const struct core_cred *cr);
void cred_leave(struct cred_saved *s);

/* core_node.c */
int core_stat(int fd, struct stat *st);
int core_openable(const struct stat *st);
/* core_proxyext.c */
int core_gen_from_handle(struct core *c, int dirfd, const char *name,
    int flags, const struct stat *st, uint64_t *gen);
int core_walk1(struct core *c, int dirfd, const char *name, int *out);
/* openat2 beneath dirfd, no symlink, no magic link, O_NOFOLLOW|O_CLOEXEC
 * added; -ENOSYS for a multi-component name where openat2 is missing. */
int core_open_beneath(struct core *c, int dirfd, const char *name,
    int flags);
int core_reopen(struct core *c, int nodefd, int flags, int *fd);
/* The same for a node whose stat the caller has. */
int core_reopen_st(struct core *c, int nodefd, const struct stat *st,
    int flags, int *fd);
int core_node_of(struct core *c, int fd, int *nodefd);
/* Names fd for an *at call (cap >= 32); true if through the core's own
 * /proc/self/fd, which can only reach our descriptor. */
bool core_proc_name(struct core *c, int fd, char *buf, size_t cap,
    int *dirfd);
/* The kernel's path of our descriptor (a hint, never trusted alone). */
int core_path_of(struct core *c, int fd, char *buf, size_t cap);
int core_fill_attr(struct core *c, int nodefd, const struct stat *st,
    struct core_attr *attr);
/* fd: a real descriptor of the node the caller already has, or -1;
 * want: CORE_ATTR_* */
int core_fill_attr_fd(struct core *c, int nodefd, int fd,
    const struct stat *st, unsigned int want, struct core_attr *attr);
int core_beneath(struct core *c, int nodefd);
int core_check_name(struct core *c, const char *name, int flags);
void core_close(int fd);

/* core_setattr.c: the path form's half of T_CHMOD/T_CHOWN/T_UTIME, on
 * the last name beneath a resolved parent; CORE_SETATTR_NODE when the
 * request needs the node form. */
#define CORE_SETATTR_NODE	1
bool core_probe_fchmodat2(struct core *c);
int core_setattr_name(struct core *c, const struct core_cred *cr,
    int dirfd, const char *name, const struct core_setattr *sa);

/* core_xattr.c */
bool core_probe_xattrat(struct core *c);
/* getxattrat(dirfd, name, flags): the length or -errno. */
int core_xattr_get_at(int dirfd, const char *name, int flags,
    const char *attr, void *value, size_t cap);

/* core_acl.c: ACL inheritance for a new object (its directory's default
 * ACL), and the mapped-xattr ACL upkeep on chmod and ACL set. */
struct core_inherit {
	uint8_t *acc;		/* access ACL blob to store, or NULL */
	size_t acclen;
	uint8_t *def;		/* default ACL blob to store, or NULL */
	size_t deflen;
};
/* Masks the plan's mode as Linux does when dirfd has a default ACL. */
int core_inherit_plan(struct core *c, int dirfd, uint32_t type,
    struct policy_create *p, struct core_inherit *ih);
int core_inherit_apply(struct core *c, int nodefd, int fd,
    const struct core_inherit *ih);
void core_inherit_free(struct core_inherit *ih);
int core_acl_chmod(struct core *c, int nodefd, uint32_t mode);
int core_acl_set(struct core *c, int nodefd, const char *guest,
    const void *value, size_t size, bool *store);

/* core_create.c: after an object was made, give it the owner and mode
 * the model asks for (fd, if >= 0, is an open descriptor of it) and the
 * inherited ACLs (ih may be NULL); on failure the caller removes the new
 * name. */
int core_post_create(struct core *c, const struct core_cred *cr, int nodefd,
    int fd, const struct policy_create *plan, const struct core_inherit *ih);
void core_undo_create(struct core *c, int dirfd, const char *name,
    int nodefd, int flags);
int core_plan(struct core *c, const struct core_cred *cr, uint32_t type,
    uint32_t mode, uint32_t gid, uint64_t rdev, struct policy_create *p);

/* core_lookup.c: core_getattr of a node of which the caller also has a
 * real descriptor fd (or -1), so that nothing is re-opened. */
int core_attr_of(struct core *c, int nodefd, int fd, struct core_attr *attr);

/* core_meta.c: the mapped models' record of the guest identity. */
int core_meta_get(struct core *c, int nodefd, const struct stat *st,
    struct policy_meta *m);
/* mapped-xattr: the record on a real descriptor. */
int core_meta_get_fd(int fd, struct policy_meta *m);
/* fd is a real descriptor of a regular file or directory. */
int core_meta_put_fd(struct core *c, int fd, const struct policy_meta *m);
int core_meta_put(struct core *c, int nodefd, const struct policy_meta *m);

/* core_mfile.c: mapped-file metadata, .virtfs_metadata/<name> files.
 * A node without a name beneath the root has none (get: valid 0; put:
 * nothing recorded).  fresh: replace the file instead of merging. */
int core_mfile_get(struct core *c, int nodefd, const struct stat *st,
    struct policy_meta *m);
int core_mfile_put(struct core *c, int nodefd, const struct policy_meta *m,
    bool fresh);
/* Keep the metadata file with its entry, after the host operation
 * succeeded (ENOENT tolerated). */
void core_mfile_rename(struct core *c, int olddir, const char *oldname,
    int newdir, const char *newname);
void core_mfile_link(struct core *c, int nodefd, int newdir,
    const char *newname);
void core_mfile_unlink(struct core *c, int dirfd, const char *name);
/* Before removing (or replacing, by rename) a directory: remove its own
 * metadata directory, so that the host sees it empty if it is. */
int core_mfile_prepare_unlink(struct core *c, int dirfd, const char *name,
    int flags);

#endif
