/* core_fixture.h - a temporary export with a marker file outside it, for
 * the test_core*.c programs (root, real syscalls, no mocks). */
#ifndef VFSD_CORE_FIXTURE_H
#define VFSD_CORE_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "helper/core.h"
#include "tests/unit/tap.h"

struct fx {
	char top[64];		/* /tmp/vfsd-core.XXXXXX */
	char exp[96];		/* top/export */
	char out[96];		/* top/outside */
	char marker[128];	/* top/outside/marker */
	struct stat mst;	/* the marker as it was */
	struct core *c;
};

static inline void
fx_path(const struct fx *f, const char *rel, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", f->exp, rel);
}

static inline int
fx_open(struct fx *f, enum policy_model m, bool ro)
{
	struct core_opts o = { .model = m, .readonly = ro, .fmode = 0600,
	    .dmode = 0700, .multidevs = POLICY_MULTIDEVS_WARN };
	int fd;

	if (f->top[0] == '\0') {
		strcpy(f->top, "/tmp/vfsd-core.XXXXXX");
		if (mkdtemp(f->top) == NULL)
			return -errno;
		snprintf(f->exp, sizeof(f->exp), "%s/export", f->top);
		snprintf(f->out, sizeof(f->out), "%s/outside", f->top);
		snprintf(f->marker, sizeof(f->marker), "%s/marker", f->out);
		mkdir(f->exp, 0777);
		chmod(f->exp, 0777);	/* guest users create in it */
		mkdir(f->out, 0755);
		fd = open(f->marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || write(fd, "secret\n", 7) != 7)
			return -EIO;
		close(fd);
		stat(f->marker, &f->mst);
	}
	return core_open_export(f->exp, &o, &f->c);
}

/* A host file rel beneath the export holding data (a diagnostic if not). */
static inline void
fx_put(const struct fx *f, const char *rel, const char *data)
{
	char p[256];
	size_t n = strlen(data);
	int fd;

	fx_path(f, rel, p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n)
		tap_diag("write %s", p);
	if (fd >= 0)
		close(fd);
}

/* The marker was not read, written, renamed, linked or deleted, and
 * nothing new appeared beside it. */
static inline int
fx_marker_intact(const struct fx *f)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if (stat(f->marker, &st) != 0)
		return 0;
	if (st.st_ino != f->mst.st_ino || st.st_size != 7 ||
	    st.st_nlink != 1 || st.st_mode != f->mst.st_mode ||
	    st.st_mtim.tv_sec != f->mst.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != f->mst.st_mtim.tv_nsec ||
	    st.st_atim.tv_sec != f->mst.st_atim.tv_sec ||
	    st.st_atim.tv_nsec != f->mst.st_atim.tv_nsec ||
	    st.st_uid != f->mst.st_uid || st.st_gid != f->mst.st_gid)
		return 0;
	if (getxattr(f->marker, "user.x", NULL, 0) >= 0)
		return 0;
	if ((dir = opendir(f->out)) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL)
		n++;
	closedir(dir);
	return n == 3;	/* ".", "..", "marker" */
}

static inline void
fx_done(struct fx *f)
{
	char cmd[128];

	core_free(f->c);
	f->c = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
	if (system(cmd) != 0)
		tap_diag("cleanup of %s failed", f->top);
}

#endif
