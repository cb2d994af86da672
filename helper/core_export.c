/* core_export.c - the export root and path resolution beneath it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "helper/core_priv.h"

static int
export_fds(struct core *c, const char *path)
{
	struct statx sx;
	struct statfs sfs;
	struct statvfs svfs;
	struct stat st;

	c->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return -errno;
	/* Opened now, so that re-opening nodes keeps working once the
	 * helper has no /proc in its sandbox. */
	c->procfd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->procfd < 0)
		return -errno;
	c->pid = getpid();
	if (fstat(c->rootfd, &st) != 0)
		return -errno;
	/* The root's mount, for core_statfs_path; 0 if unknown. */
	if (statx(c->rootfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID))
		c->rootmnt = sx.stx_mnt_id;
	c->rootdev = st.st_dev;
	c->rootino = st.st_ino;
	c->blksize = (uint32_t)st.st_blksize;
	/* Whose file handles are known to carry i_generation as
	 * FS_IOC_GETVERSION reports it (core_gen_from_handle). */
	if (fstatfs(c->rootfd, &sfs) == 0)
		c->gen_handles = sfs.f_type == EXT4_SUPER_MAGIC ||
		    sfs.f_type == XFS_SUPER_MAGIC;
	/* The caller's word that every mount beneath is nodev, checked
	 * where it can be: the root's own. */
	if (c->opts.nodev && (fstatvfs(c->rootfd, &svfs) != 0 ||
	    !(svfs.f_flag & ST_NODEV)))
		c->opts.nodev = false;
	return 0;
}

int
core_open_export(const char *path, const struct core_opts *opts,
    struct core **out)
{
	struct core *c;
	int r;

	if (path == NULL || opts == NULL)
		return -EINVAL;
	switch (opts->model) {
	case POLICY_PASSTHROUGH:
	case POLICY_MAPPED_XATTR:
	case POLICY_NONE:
	case POLICY_MAPPED_FILE:
		break;
	default:
		return -EINVAL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->opts = *opts;
	if (c->opts.fmode == 0)
		c->opts.fmode = 0600;
	if (c->opts.dmode == 0)
		c->opts.dmode = 0700;
	c->rootfd = c->procfd = -1;
	c->privileged = geteuid() == 0;
	pthread_mutex_init(&c->qlock, NULL);
	pthread_mutex_init(&c->mlock, NULL);
	if ((r = export_fds(c, path)) == 0) {
		c->has_xattrat = core_probe_xattrat(c);
		c->has_fchmodat2 = core_probe_fchmodat2(c);
	}
	if (r < 0 ||
	    (opts->multidevs == POLICY_MULTIDEVS_REMAP &&
	    (c->qmap = policy_qidmap_new()) == NULL)) {
		core_free(c);
		return r < 0 ? r : -ENOMEM;
	}
	*out = c;
	return 0;
}

void
core_free(struct core *c)
{
	if (c == NULL)
		return;
	core_close(c->rootfd);
	core_close(c->procfd);
	policy_qidmap_free(c->qmap);
	pthread_mutex_destroy(&c->qlock);
	pthread_mutex_destroy(&c->mlock);
	free(c);
}

const struct core_opts *
core_options(const struct core *c)
{
	return &c->opts;
}

uint32_t
core_blksize(const struct core *c)
{
	return c->blksize;
}

int
core_root(struct core *c, int *nodefd)
{
	int fd = fcntl(c->rootfd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	*nodefd = fd;
	return 0;
}

/* The next component of *p, copied to name; 0 at the end. */
static int
next_component(const char **p, char *name)
{
	const char *s = *p, *e;

	while (*s == '/')
		s++;
	if (*s == '\0')
		return 0;
	e = strchrnul(s, '/');
	if ((size_t)(e - s) > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, s, (size_t)(e - s));
	name[e - s] = '\0';
	*p = e;
	return 1;
}

/* The old way, one checked component at a time from a copy of the root:
 * what '..' needs (clamped at the root, each parent proven beneath it),
 * and what gives a symlink met halfway its exact answer (ENOTDIR). */
static int
resolve_walk(struct core *c, const char *path, bool want_parent,
    int *nodefd, char *last)
{
	char name[NAME_MAX + 1], peek[NAME_MAX + 1];
	const char *p = path, *q;
	int r, cur = -1, next;

	if ((r = core_root(c, &cur)) < 0)
		return r;
	while ((r = next_component(&p, name)) > 0) {
		q = p;
		if (want_parent && next_component(&q, peek) == 0) {
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
				r = -EINVAL;
				break;
			}
			strcpy(last, name);
			*nodefd = cur;
			return 0;
		}
		if ((r = core_walk1(c, cur, name, &next)) < 0)
			break;
		core_close(cur);
		cur = next;
	}
	if (r == 0 && want_parent)
		r = -EINVAL;	/* the root has no parent and no name */
	if (r < 0) {
		core_close(cur);
		return r;
	}
	*nodefd = cur;
	return 0;
}

/* Check every component as core_walk1 would and copy the path, relative
 * and without empty components, to rel (the parent's part only with
 * want_parent, the last name going to last).  Returns the number of
 * components copied, or -errno (the walk then finds the error it would
 * have met first); *dotdot says whether one is "..". */
static int
scan_path(struct core *c, const char *path, bool want_parent, char *rel,
    char *last, bool *dotdot)
{
	char name[NAME_MAX + 1];
	const char *p = path;
	size_t len = 0, n;
	int r, count = 0, prev = 0;

	*dotdot = false;
	rel[0] = '\0';
	while ((r = next_component(&p, name)) > 0) {
		if ((r = core_check_name(c, name, POLICY_NAME_LOOKUP)) < 0)
			return r;
		if (strcmp(name, "..") == 0)
			*dotdot = true;
		n = strlen(name);
		prev = (int)len;
		if (len > 0)
			rel[len++] = '/';
		memcpy(rel + len, name, n + 1);
		len += n;
		count++;
	}
	if (r < 0)
		return r;
	if (!want_parent)
		return count;
	if (count == 0)
		return -EINVAL;	/* the root has no parent and no name */
	strcpy(last, rel + prev + (prev > 0));
	if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
		return -EINVAL;
	rel[prev] = '\0';
	return count - 1;
}

/* The whole path in one openat2: RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|
 * RESOLVE_NO_MAGICLINKS is exactly the confinement a walk by names
 * gives, without a descriptor per component.  Anything openat2 refuses
 * that a walk answers differently ('..', a symlink halfway, an older
 * kernel) is walked instead. */
int
core_resolve_lend(struct core *c, const char *path, bool want_parent,
    int *nodefd, char *last)
{
	char rel[PATH_MAX];
	bool dotdot;
	int n, fd;

	if (path == NULL || strnlen(path, PATH_MAX) >= PATH_MAX)
		return path == NULL ? -EINVAL : -ENAMETOOLONG;
	if ((n = scan_path(c, path, want_parent, rel, last, &dotdot)) < 0)
		return resolve_walk(c, path, want_parent, nodefd, last);
	if (n == 0) {
		*nodefd = c->rootfd;
		return 0;
	}
	if (!dotdot) {
		fd = core_open_beneath(c, c->rootfd, rel, O_PATH);
		if (fd >= 0) {
			*nodefd = fd;
			return 0;
		}
		if (fd != -ELOOP && fd != -EXDEV && fd != -EAGAIN &&
		    fd != -ENOSYS)
			return fd;
	}
	return resolve_walk(c, path, want_parent, nodefd, last);
}

void
core_unlend(struct core *c, int fd)
{
	if (fd != c->rootfd)
		core_close(fd);
}

int
core_resolve(struct core *c, const char *path, bool want_parent,
    int *nodefd, char *last)
{
	int r, fd;

	if ((r = core_resolve_lend(c, path, want_parent, &fd, last)) < 0)
		return r;
	if (fd == c->rootfd)
		return core_root(c, nodefd);
	*nodefd = fd;
	return 0;
}
