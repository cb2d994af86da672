/* core_mfile.c - mapped-file metadata (not yet implemented: the export
 * refuses to open in this model, see core_open_export). */
#include <errno.h>

#include "helper/core_priv.h"

int
core_mfile_get(struct core *c, int nodefd, struct policy_meta *m)
{
	m->valid = 0;
	return 0;
}

int
core_mfile_put(struct core *c, int nodefd, const struct policy_meta *m)
{
	return -EOPNOTSUPP;
}

void
core_mfile_rename(struct core *c, int olddir, const char *oldname,
    int newdir, const char *newname)
{
}

void
core_mfile_link(struct core *c, int nodefd, int newdir, const char *newname)
{
}

int
core_mfile_unlink(struct core *c, int dirfd, const char *name, int flags)
{
	return 0;
}
