/* core_meta.c - reading and writing the guest identity that the mapped
 * models keep beside the host object (reference §3.3/§3.4).
 *
 * mapped-xattr: four user.virtfs.* xattrs, byte-exact as QEMU writes
 * them.  Only regular files and directories can carry user xattrs, and
 * those are the only objects the mapped models create; anything else
 * found in the export (made on the host) shows its host identity. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/xattr.h>

#include "helper/core_priv.h"

static int
get_exact(int fd, const char *name, uint8_t *buf, size_t want, bool *got)
{
	uint8_t tmp[16];
	ssize_t n;

	*got = false;
	n = fgetxattr(fd, name, tmp, sizeof(tmp));
	if (n < 0) {
		/* Absent, oversized or unsupported: QEMU then keeps the
		 * host value, and so do we. */
		if (errno == ENODATA || errno == ERANGE || errno == ENOTSUP)
			return 0;
		return -errno;
	}
	if ((size_t)n != want)
		return 0;
	memcpy(buf, tmp, want);
	*got = true;
	return 0;
}

/* Which of the four names the host's list holds, so that a lookup does
 * not pay one ENODATA round trip per absent name (a file made on the
 * host has none; only devices carry an rdev).  A list too long for the
 * buffer is not read: every name is then asked for. */
#define META_ALL	(POLICY_META_UID | POLICY_META_GID | \
	POLICY_META_MODE | POLICY_META_RDEV)

static const struct {
	const char *name;
	uint32_t bit;
} meta_names[] = {
	{ POLICY_XATTR_UID, POLICY_META_UID },
	{ POLICY_XATTR_GID, POLICY_META_GID },
	{ POLICY_XATTR_MODE, POLICY_META_MODE },
	{ POLICY_XATTR_RDEV, POLICY_META_RDEV },
};

static int
meta_present(int fd, uint32_t *bits)
{
	char list[512];
	size_t i, off = 0;
	ssize_t n;

	*bits = 0;
	n = flistxattr(fd, list, sizeof(list));
	if (n < 0) {
		if (errno == ERANGE)
			*bits = META_ALL;
		return errno == ERANGE || errno == ENOTSUP ? 0 : -errno;
	}
	while (off < (size_t)n) {
		const char *e = list + off;
		size_t len = strnlen(e, (size_t)n - off);

		for (i = 0; i < 4; i++)
			if (strcmp(e, meta_names[i].name) == 0)
				*bits |= meta_names[i].bit;
		off += len + 1;
	}
	return 0;
}

int
core_meta_get_fd(int fd, struct policy_meta *m)
{
	uint32_t *dst[3] = { &m->uid, &m->gid, &m->mode };
	uint32_t bits;
	uint8_t b[8];
	bool got;
	size_t i;
	int r;

	m->valid = 0;
	if ((r = meta_present(fd, &bits)) < 0)
		return r;
	for (i = 0; i < 3; i++) {
		if (!(bits & meta_names[i].bit))
			continue;
		if ((r = get_exact(fd, meta_names[i].name, b, 4, &got)) < 0)
			return r;
		if (got) {
			policy_get_u32(b, 4, dst[i]);
			m->valid |= meta_names[i].bit;
		}
	}
	if (!(bits & POLICY_META_RDEV))
		return 0;
	if ((r = get_exact(fd, POLICY_XATTR_RDEV, b, 8, &got)) < 0)
		return r;
	if (got) {
		policy_get_u64(b, 8, &m->rdev);
		m->valid |= POLICY_META_RDEV;
	}
	return 0;
}

int
core_meta_get(struct core *c, int nodefd, const struct stat *st,
    struct policy_meta *m)
{
	int r, fd;

	m->valid = 0;
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;
	if (c->opts.model == POLICY_MAPPED_FILE)
		return core_mfile_get(c, nodefd, st, m);
	if ((r = core_reopen_st(c, nodefd, st, S_ISDIR(st->st_mode) ?
	    O_RDONLY | O_DIRECTORY | O_NONBLOCK : O_RDONLY | O_NONBLOCK,
	    &fd)) < 0)
		return r;
	r = core_meta_get_fd(fd, m);
	core_close(fd);
	return r;
}

static int
put_one(int fd, const char *name, const void *v, size_t len)
{
	return fsetxattr(fd, name, v, len, 0) == 0 ? 0 : -errno;
}

int
core_meta_put_fd(struct core *c, int fd, const struct policy_meta *m)
{
	uint8_t b[8];
	int r = 0;

	if (c->opts.model == POLICY_MAPPED_FILE) {
		int node;

		if ((r = core_node_of(c, fd, &node)) < 0)
			return r;
		r = core_mfile_put(c, node, m, false);
		core_close(node);
		return r;
	}
	/* One xattr per field, in QEMU's order, each exactly sized. */
	if (m->valid & POLICY_META_UID) {
		policy_put_u32(b, m->uid);
		r = put_one(fd, POLICY_XATTR_UID, b, 4);
	}
	if (r == 0 && (m->valid & POLICY_META_GID)) {
		policy_put_u32(b, m->gid);
		r = put_one(fd, POLICY_XATTR_GID, b, 4);
	}
	if (r == 0 && (m->valid & POLICY_META_MODE)) {
		policy_put_u32(b, m->mode);
		r = put_one(fd, POLICY_XATTR_MODE, b, 4);
	}
	if (r == 0 && (m->valid & POLICY_META_RDEV)) {
		policy_put_u64(b, m->rdev);
		r = put_one(fd, POLICY_XATTR_RDEV, b, 8);
	}
	return r;
}

int
core_meta_put(struct core *c, int nodefd, const struct policy_meta *m)
{
	struct stat st;
	int r, fd;

	if ((r = core_stat(nodefd, &st)) < 0)
		return r;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -EPERM;	/* the kernel refuses user xattrs here */
	if (c->opts.model == POLICY_MAPPED_FILE)
		return core_mfile_put(c, nodefd, m, false);
	if ((r = core_reopen_st(c, nodefd, &st, S_ISDIR(st.st_mode) ?
	    O_RDONLY | O_DIRECTORY | O_NONBLOCK : O_RDONLY | O_NONBLOCK,
	    &fd)) < 0)
		return r;
	r = core_meta_put_fd(c, fd, m);
	core_close(fd);
	return r;
}
