/* core_acl.c - POSIX ACLs the kernel would maintain, done by the helper
 * where the host kernel cannot.
 *
 * mapped-xattr keeps a guest's ACLs as data (user.virtfs.system.*), so
 * the host kernel neither enforces nor maintains them; the helper does
 * what Linux does to them: a new object inherits its directory's default
 * ACL (access ACL from it, create mode masked, directories also get the
 * default), a chmod rewrites the access ACL's owner/mask/other, and
 * setting an access ACL sets the mode's permission bits (an ACL the mode
 * alone expresses is not stored).  The rules are policy/acl.c's.
 *
 * passthrough: the host kernel inherits real ACLs itself, but the create
 * is followed by a chmod to the requested mode (QEMU's semantics), which
 * would widen the mask the kernel just computed; the mode is masked here
 * first, so that chmod changes nothing.
 *
 * Why the helper's inheritance and a posixacl client's agree: such a
 * client computes the same inheritance, sends the already-masked mode
 * and then sets the access ACL.  Masking is idempotent (masking a mode
 * that was masked by the same ACL gives it back), so the helper stores
 * exactly what the client then writes again.  See docs/models.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "helper/core_priv.h"

#define H_ACC	"user.virtfs.system.posix_acl_access"
#define H_DEF	"user.virtfs.system.posix_acl_default"
#define P_DEF	"system.posix_acl_default"

static int
open_rd(struct core *c, int nodefd, int *fd)
{
	struct stat st;
	int r;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -ENOTSUP;
	return core_reopen(c, nodefd, S_ISDIR(st.st_mode) ?
	    O_RDONLY | O_DIRECTORY : O_RDONLY, fd);
}

/* Read one host xattr into a fresh buffer; 0 and *buf NULL if absent. */
static int
read_blob(int fd, const char *name, uint8_t **buf, size_t *len)
{
	ssize_t n;

	*buf = NULL;
	*len = 0;
	if ((*buf = malloc(CORE_XATTR_MAX)) == NULL)
		return -ENOMEM;
	n = fgetxattr(fd, name, *buf, CORE_XATTR_MAX);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
		return errno == ENODATA || errno == ENOTSUP ? 0 : -errno;
	}
	*len = (size_t)n;
	return 0;
}

/* The same for a node, without opening it where the kernel has
 * getxattrat: the size first (a directory without a default ACL, the
 * usual case, costs that one call), then the blob. */
static int
read_node_blob(struct core *c, int nodefd, const char *name, uint8_t **buf,
    size_t *len)
{
	char pname[32];
	int r, dirfd, fd;

	*buf = NULL;
	*len = 0;
	if (!c->has_xattrat ||
	    !core_proc_name(c, nodefd, pname, sizeof(pname), &dirfd)) {
		if ((r = open_rd(c, nodefd, &fd)) < 0)
			return r == -ENOTSUP ? 0 : r;
		r = read_blob(fd, name, buf, len);
		core_close(fd);
		return r;
	}
	r = core_xattr_get_at(dirfd, pname, 0, name, NULL, 0);
	if (r == -ENODATA || r == -ENOTSUP || r == 0)
		return 0;
	if (r < 0)
		return r;
	/* It may grow in between: then the largest size there is. */
	if ((*buf = malloc((size_t)r)) == NULL)
		return -ENOMEM;
	r = core_xattr_get_at(dirfd, pname, 0, name, *buf, (size_t)r);
	if (r == -ERANGE) {
		free(*buf);
		if ((*buf = malloc(CORE_XATTR_MAX)) == NULL)
			return -ENOMEM;
		r = core_xattr_get_at(dirfd, pname, 0, name, *buf,
		    CORE_XATTR_MAX);
	}
	if (r < 0) {
		free(*buf);
		*buf = NULL;
		return r == -ENODATA || r == -ENOTSUP ? 0 : r;
	}
	*len = (size_t)r;
	return 0;
}

void
core_inherit_free(struct core_inherit *ih)
{
	free(ih->def);
	free(ih->acc);
	memset(ih, 0, sizeof(*ih));
}

static int
plan_masks(struct core *c, uint32_t type, struct policy_create *p,
    struct core_inherit *ih, const struct policy_acl *def)
{
	struct policy_acl *acc;
	uint32_t mode;
	int r;

	if ((acc = malloc(sizeof(*acc))) == NULL)
		return -ENOMEM;
	mode = p->record ? p->meta.mode : type | p->host_mode;
	r = policy_acl_inherit(def, &mode, acc);
	if (r >= 0 && p->record) {
		p->meta.mode = mode;
		if (r == 1 && (ih->acc = malloc(POLICY_ACL_MAX_BLOB)) == NULL)
			r = -ENOMEM;
		else if (r == 1 && (r = policy_acl_emit(acc, ih->acc,
		    POLICY_ACL_MAX_BLOB)) >= 0)
			ih->acclen = (size_t)r;
	} else if (r >= 0)
		p->host_mode = mode & 07777;
	free(acc);
	return r < 0 ? r : 0;
}

int
core_inherit_plan(struct core *c, int dirfd, uint32_t type,
    struct policy_create *p, struct core_inherit *ih)
{
	struct policy_acl *def;
	int r;

	memset(ih, 0, sizeof(*ih));
	/* Linux gives symlinks no ACL; none has no ACLs; mapped-file has
	 * real host ACLs under a host object of fmode/dmode (as QEMU). */
	if (type == S_IFLNK || (c->opts.model != POLICY_MAPPED_XATTR &&
	    c->opts.model != POLICY_PASSTHROUGH))
		return 0;
	r = read_node_blob(c, dirfd, p->record ? H_DEF : P_DEF, &ih->def,
	    &ih->deflen);
	if (r < 0 || ih->def == NULL)
		return r;
	if ((def = malloc(sizeof(*def))) == NULL) {
		core_inherit_free(ih);
		return -ENOMEM;
	}
	/* A stored default that is not a valid ACL is ignored, as the
	 * kernel could never have stored it. */
	if (policy_acl_parse(ih->def, ih->deflen, def) == 0 && def->count > 0)
		r = plan_masks(c, type, p, ih, def);
	else
		core_inherit_free(ih);
	free(def);
	if (r < 0 || type != S_IFDIR || !p->record) {
		free(ih->def);	/* only a new directory keeps it */
		ih->def = NULL;
		ih->deflen = 0;
	}
	return r;
}

int
core_inherit_apply(struct core *c, int nodefd, int fd,
    const struct core_inherit *ih)
{
	int r = 0, own = -1;

	if (ih == NULL || (ih->acc == NULL && ih->def == NULL))
		return 0;
	if (fd < 0 && (r = open_rd(c, nodefd, &own)) < 0)
		return r;
	if (ih->acc != NULL && fsetxattr(fd >= 0 ? fd : own, H_ACC, ih->acc,
	    ih->acclen, 0) != 0)
		r = -errno;
	if (r == 0 && ih->def != NULL && fsetxattr(fd >= 0 ? fd : own, H_DEF,
	    ih->def, ih->deflen, 0) != 0)
		r = -errno;
	core_close(own);
	return r;
}

/* mapped-xattr chmod: the access ACL follows the new mode. */
int
core_acl_chmod(struct core *c, int nodefd, uint32_t mode)
{
	struct policy_acl *a = NULL;
	uint8_t *blob = NULL;
	size_t len;
	int r, fd, n;

	if (c->opts.model != POLICY_MAPPED_XATTR)
		return 0;
	if ((r = open_rd(c, nodefd, &fd)) < 0)
		return r == -ENOTSUP ? 0 : r;
	if ((r = read_blob(fd, H_ACC, &blob, &len)) < 0 || blob == NULL)
		goto out;
	if ((a = malloc(sizeof(*a))) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if (policy_acl_parse(blob, len, a) != 0 || a->count == 0)
		goto out;	/* nothing the kernel would have kept */
	policy_acl_chmod(a, mode);
	if ((n = policy_acl_emit(a, blob, CORE_XATTR_MAX)) < 0)
		r = n;
	else if (fsetxattr(fd, H_ACC, blob, (size_t)n, 0) != 0)
		r = -errno;
out:
	free(a);
	free(blob);
	core_close(fd);
	return r;
}

/* mapped-xattr setxattr of an ACL: check it as the kernel would and keep
 * the recorded mode in step.  *store says whether to store the blob (an
 * access ACL that the mode says in full is removed instead). */
int
core_acl_set(struct core *c, int nodefd, const char *guest,
    const void *value, size_t size, bool *store)
{
	struct policy_meta m, w = { 0 };
	struct policy_acl *a;
	struct stat st;
	uint32_t mode;
	int r, eq;

	*store = true;
	if ((r = core_stat(nodefd, &st)) < 0 ||
	    (r = core_meta_get(c, nodefd, &st, &m)) < 0)
		return r;
	mode = (m.valid & POLICY_META_MODE) ? m.mode : st.st_mode;
	if ((a = malloc(sizeof(*a))) == NULL)
		return -ENOMEM;
	r = policy_acl_parse(value, size, a);
	if (r == 0 && strcmp(guest, P_DEF) == 0) {
		if (!S_ISDIR(mode))
			r = a->count > 0 ? -EACCES : 0;
		*store = a->count > 0 && S_ISDIR(mode);
	} else if (r == 0 && a->count == 0) {
		*store = false;
	} else if (r == 0) {
		eq = policy_acl_equiv_mode(a, &mode);
		*store = eq == 1;
		w.valid = POLICY_META_MODE;
		w.mode = mode;
		r = core_meta_put(c, nodefd, &w);
	}
	free(a);
	return r;
}
