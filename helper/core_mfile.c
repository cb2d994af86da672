/* core_mfile.c - mapped-file metadata: the guest identity of D/name lives
 * in the text file D/.virtfs_metadata/name (the root's in the export's
 * .virtfs_metadata_root), byte-compatible with QEMU (reference §3.4).
 *
 * The metadata belongs to a name, not to an inode, so every operation
 * that moves a name moves its metadata file along, and a node must be
 * traced back to its (directory, name).  A node is an O_PATH descriptor:
 * its name comes from the kernel's path of our own descriptor, which is
 * only a hint, so it is walked again from the export root and accepted
 * only if it leads back to the same inode.  A node with no such name
 * (unlinked, moved out of the export) has no metadata: it shows its host
 * identity, and identity changes on it are dropped, as there is no name
 * left to record them under.
 *
 * The metadata files are the server's own; the guest never names them
 * (policy refuses both names with EINVAL) and never sees them (the
 * frontend filters listings with policy_name_reserved).  Reads and
 * read-modify-writes are serialised per export so that concurrent
 * changes of one object are not lost. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helper/core_priv.h"

#define MFILE_READ_MAX 4096	/* far beyond what any writer emits */

/* Where a node's metadata file is: dirfd (a metadata directory, or the
 * export root) and the file's name in it. */
struct slot {
	int dirfd;
	char name[NAME_MAX + 1];
};

static int
open_mdir(int dirfd, bool create, int *out)
{
	int fd;

	fd = openat(dirfd, POLICY_MFILE_DIR, O_PATH | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(dirfd, POLICY_MFILE_DIR, 0700) != 0 &&
		    errno != EEXIST)
			return -errno;
		fd = openat(dirfd, POLICY_MFILE_DIR, O_PATH | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

/* The directory holding the node's name, and the name; or the root.
 * The directory may be the lent root (close it with core_unlend); stp is
 * the node's stat if the caller has it. */
static int
locate(struct core *c, int nodefd, const struct stat *stp, int *dirfd,
    char *name, bool *root)
{
	char path[PATH_MAX], rpath[PATH_MAX];
	struct stat st, st2 = { 0 };
	int r, rl, dir;

	if (stp != NULL)
		st = *stp;
	else if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	*root = st.st_dev == c->rootdev && st.st_ino == c->rootino;
	if (*root) {
		*dirfd = c->rootfd;
		return 0;
	}
	if ((r = core_path_of(c, nodefd, path, sizeof(path))) < 0 ||
	    (rl = core_path_of(c, c->rootfd, rpath, sizeof(rpath))) < 0)
		return r < 0 ? r : -ENOENT;
	if (strcmp(rpath, "/") == 0)
		rl = 0;
	if (strncmp(path, rpath, (size_t)rl) != 0 || path[rl] != '/')
		return -ENOENT;
	if ((r = core_resolve_lend(c, path + rl, true, &dir, name)) < 0)
		return -ENOENT;
	/* The name, not followed: the inode it leads to must be ours. */
	if ((r = core_check_name(c, name, POLICY_NAME_LOOKUP)) == 0 &&
	    fstatat(dir, name, &st2, AT_SYMLINK_NOFOLLOW) != 0)
		r = -errno;
	if (r < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		core_unlend(c, dir);
		return -ENOENT;	/* unlinked, renamed meanwhile, or not ours */
	}
	*dirfd = dir;
	return 0;
}

/* s->dirfd may be the lent root: close it with core_unlend. */
static int
slot_of(struct core *c, int nodefd, bool create, struct slot *s)
{
	bool root;
	int r, dir;

	if ((r = locate(c, nodefd, NULL, &dir, s->name, &root)) < 0)
		return r;
	if (root) {
		strcpy(s->name, POLICY_MFILE_ROOT);
		s->dirfd = dir;
		return 0;
	}
	r = open_mdir(dir, create, &s->dirfd);
	core_unlend(c, dir);
	return r;
}

/* Without openat2: "DIR/name" as open_mdir and then the name. */
static int
open_two_steps(int dirfd, const char *name)
{
	const char *slash = strchr(name, '/');
	int r, md, fd;

	if (slash == NULL)
		return -ENOSYS;
	if ((r = open_mdir(dirfd, false, &md)) < 0)
		return r;
	fd = openat(md, slash + 1, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	r = fd < 0 ? -errno : fd;
	core_close(md);
	return r;
}

/* name may be "DIR/name": it is opened beneath dirfd, no symlink. */
static int
read_meta(struct core *c, int dirfd, const char *name, struct policy_meta *m)
{
	char buf[MFILE_READ_MAX];
	struct stat st;
	size_t off = 0;
	ssize_t n = 0;
	int fd, r;

	m->valid = 0;
	/* O_NONBLOCK: something planted there on the host (a FIFO) must
	 * not hang the server; only a regular file is read. */
	fd = core_open_beneath(c, dirfd, name, O_RDONLY | O_NONBLOCK);
	if (fd == -ENOSYS)
		fd = open_two_steps(dirfd, name);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		core_close(fd);
		return 0;
	}
	/* Up to the size it has: one read, none to find the end. */
	while (off < sizeof(buf) && off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, sizeof(buf) - off)) > 0)
		off += (size_t)n;
	r = n < 0 ? -errno : 0;
	core_close(fd);
	if (r == 0)
		policy_mfile_parse(buf, off, m);
	return r;
}

static int
write_meta(int dirfd, const char *name, const struct policy_meta *m)
{
	char buf[POLICY_MFILE_MAX];
	int fd, len, r = 0;

	if ((len = policy_mfile_emit(m, buf, sizeof(buf))) < 0)
		return len;
	/* Rewritten in place, not replaced: a hard-linked metadata file
	 * (see core_mfile_link) stays shared by all names of the inode. */
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) != 0)
		r = -errno;
	else if (write(fd, buf, (size_t)len) != len)
		r = -EIO;	/* a short write of a few bytes: no space */
	core_close(fd);
	return r;
}

int
core_mfile_get(struct core *c, int nodefd, const struct stat *st,
    struct policy_meta *m)
{
	char rel[sizeof(POLICY_MFILE_DIR) + NAME_MAX + 1];
	char name[NAME_MAX + 1];
	bool root;
	int r, dir;

	m->valid = 0;
	if ((r = locate(c, nodefd, st, &dir, name, &root)) < 0)
		return r == -ENOENT ? 0 : r;
	/* One open of DIR/.virtfs_metadata/name, beneath DIR. */
	if (root)
		strcpy(rel, POLICY_MFILE_ROOT);
	else
		snprintf(rel, sizeof(rel), "%s/%s", POLICY_MFILE_DIR, name);
	pthread_mutex_lock(&c->mlock);
	r = read_meta(c, dir, rel, m);
	pthread_mutex_unlock(&c->mlock);
	core_unlend(c, dir);
	return r;
}

static void
merge(struct policy_meta *old, const struct policy_meta *m)
{
	policy_meta_apply(m, &old->mode, &old->uid, &old->gid, &old->rdev);
	old->valid |= m->valid;
}

int
core_mfile_put(struct core *c, int nodefd, const struct policy_meta *m,
    bool fresh)
{
	struct policy_meta old = { 0 };
	struct slot s;
	int r;

	if ((r = slot_of(c, nodefd, true, &s)) < 0)
		return r == -ENOENT ? 0 : r;
	pthread_mutex_lock(&c->mlock);
	/* QEMU merges what the file held with the new values; a create
	 * starts afresh, so a stale file of an earlier object with the
	 * same name lends the new one nothing. */
	r = fresh ? 0 : read_meta(c, s.dirfd, s.name, &old);
	if (r == 0) {
		merge(&old, m);
		r = write_meta(s.dirfd, s.name, &old);
	}
	pthread_mutex_unlock(&c->mlock);
	core_unlend(c, s.dirfd);
	return r;
}

void
core_mfile_rename(struct core *c, int olddir, const char *oldname,
    int newdir, const char *newname)
{
	int om = -1, nm = -1;

	if (open_mdir(newdir, true, &nm) < 0)
		return;
	/* Without metadata of its own, the moved entry must not take on
	 * that of the entry it replaced. */
	if (open_mdir(olddir, false, &om) < 0 ||
	    renameat(om, oldname, nm, newname) != 0)
		unlinkat(nm, newname, 0);
	core_close(om);
	core_close(nm);
}

void
core_mfile_link(struct core *c, int nodefd, int newdir, const char *newname)
{
	struct slot s;
	int nm;

	if (slot_of(c, nodefd, false, &s) < 0)
		return;
	if (open_mdir(newdir, true, &nm) == 0) {
		unlinkat(nm, newname, 0);	/* a stale one */
		/* One metadata file for both names: a later change through
		 * either shows through both, as the inode is one. */
		linkat(s.dirfd, s.name, nm, newname, 0);
		core_close(nm);
	}
	core_unlend(c, s.dirfd);
}

int
core_mfile_prepare_unlink(struct core *c, int dirfd, const char *name,
    int flags)
{
	int r, fd;

	if (!(flags & AT_REMOVEDIR))
		return 0;
	/* A directory's own metadata directory would make it look
	 * non-empty to the host; it goes first (ENOTEMPTY if the
	 * directory still has entries with metadata). */
	if ((r = core_walk1(c, dirfd, name, &fd)) < 0)
		return r;
	r = unlinkat(fd, POLICY_MFILE_DIR, AT_REMOVEDIR) == 0 ? 0 : -errno;
	core_close(fd);
	if (r == -ENOENT || r == -ENOTDIR)
		r = 0;
	return r;
}

void
core_mfile_unlink(struct core *c, int dirfd, const char *name)
{
	int md;

	if (open_mdir(dirfd, false, &md) < 0)
		return;
	unlinkat(md, name, 0);
	core_close(md);
}
