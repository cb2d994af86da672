/* create.c - what a create makes on the host, and what it records.
 *
 * passthrough/none make the real object with the guest's permission
 * bits.  The mapped models never make a device, FIFO, socket, symlink or
 * set-id file real on the host: every non-directory is a plain file with
 * fmode, every directory a directory with dmode, and the guest's view is
 * recorded as metadata (reference §3.3/§3.4). */
#include <errno.h>
#include <sys/stat.h>

#include "policy/policy.h"

static bool
valid_type(uint32_t type)
{
	switch (type) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return true;
	default:
		return false;
	}
}

static enum policy_host_kind
real_kind(uint32_t type)
{
	switch (type) {
	case S_IFREG: return POLICY_HOST_FILE;
	case S_IFDIR: return POLICY_HOST_DIR;
	case S_IFLNK: return POLICY_HOST_SYMLINK;
	default: return POLICY_HOST_NODE;
	}
}

static void
mapped_meta(uint32_t type, uint32_t mode, uint32_t uid, uint32_t gid,
    uint64_t rdev, struct policy_meta *m)
{
	m->valid = POLICY_META_MODE;
	m->mode = type | (type == S_IFLNK ? 0777 : (mode & 07777));
	if (uid != (uint32_t)-1) {
		m->valid |= POLICY_META_UID;
		m->uid = uid;
	}
	if (gid != (uint32_t)-1) {
		m->valid |= POLICY_META_GID;
		m->gid = gid;
	}
	if (real_kind(type) == POLICY_HOST_NODE) {
		/* QEMU records rdev for every mknod, 0 for FIFOs/sockets. */
		m->valid |= POLICY_META_RDEV;
		m->rdev = (type == S_IFCHR || type == S_IFBLK) ? rdev : 0;
	}
}

int
policy_create_plan(enum policy_model m, mode_t fmode, mode_t dmode,
    uint32_t type, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t rdev,
    struct policy_create *out)
{
	if (!valid_type(type))
		return -EINVAL;
	out->meta.valid = 0;
	out->meta.uid = uid;
	out->meta.gid = gid;
	out->meta.mode = type | (mode & 07777);
	out->meta.rdev = rdev;
	switch (m) {
	case POLICY_PASSTHROUGH:
	case POLICY_NONE:
		out->kind = real_kind(type);
		out->host_mode = mode & 07777;
		out->record = false;
		return 0;
	case POLICY_MAPPED_XATTR:
	case POLICY_MAPPED_FILE:
		out->kind = type == S_IFDIR ? POLICY_HOST_DIR :
		    POLICY_HOST_FILE;
		out->host_mode = (type == S_IFDIR ? dmode : fmode) & 0777;
		out->record = true;
		mapped_meta(type, mode, uid, gid, rdev, &out->meta);
		return 0;
	default:
		return -EINVAL;
	}
}

uint32_t
policy_chown_mode(uint32_t mode)
{
	/* As the kernel: a chown of a non-directory drops set-user-ID, and
	 * set-group-ID when it means "set-group-ID" (group exec set) rather
	 * than mandatory locking. */
	if (S_ISDIR(mode))
		return mode;
	mode &= ~(uint32_t)S_ISUID;
	if (mode & S_IXGRP)
		mode &= ~(uint32_t)S_ISGID;
	return mode;
}

uint32_t
policy_chmod_mode(uint32_t oldmode, uint32_t reqmode)
{
	return (oldmode & S_IFMT) | (reqmode & 07777);
}
