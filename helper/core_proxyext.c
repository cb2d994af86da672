/* core_proxyext.c - what QEMU's proxy protocol needs beyond the core's
 * common operations: the inode generation (T_GETVERSION), which the
 * FS_IOC_GETVERSION ioctl on an open descriptor reveals, and, on the file
 * systems QEMU asks it of, the inode's file handle too. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "helper/core_priv.h"

/* The generation from the inode's file handle, without opening it: ext2/3/4
 * and xfs (inode numbers below 2^32) encode FILEID_INO32_GEN[_PARENT] as
 * { u32 ino; u32 gen; ... }, gen being the same i_generation that
 * FS_IOC_GETVERSION reports.  Any other handle type, or an inode number
 * that does not match the node's, is -EOPNOTSUPP and the caller asks the
 * ioctl instead.  flags: AT_EMPTY_PATH for a node, 0 (the last name not
 * followed) for one checked name in a directory. */
int
core_gen_from_handle(struct core *c, int dirfd, const char *name,
    int flags, const struct stat *st, uint64_t *gen)
{
	union {
		struct file_handle fh;
		uint8_t buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u;
	uint32_t ino, g;
	int mnt;

	/* Other file systems lay their handles out otherwise (tmpfs puts
	 * the generation first), and on other devices under the export the
	 * file system is not known. */
	if (!c->gen_handles || st->st_dev != c->rootdev)
		return -EOPNOTSUPP;
	u.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(dirfd, name, &u.fh, &mnt, flags) != 0)
		return -EOPNOTSUPP;
	if ((u.fh.handle_type != 1 && u.fh.handle_type != 2) ||
	    u.fh.handle_bytes < 8)
		return -EOPNOTSUPP;
	memcpy(&ino, u.fh.f_handle, 4);
	memcpy(&g, u.fh.f_handle + 4, 4);
	if (ino != st->st_ino)
		return -EOPNOTSUPP;
	*gen = g;
	return 0;
}

/* Only regular files and directories answer (QEMU's 9p server asks for
 * nothing else, and the stock helper would open, and block on, a FIFO);
 * symlinks are ELOOP, other types ENXIO (core_openable).  The file
 * handle gives the generation without an open; where it cannot, the node
 * is re-opened (O_NONBLOCK, never a special file) for the ioctl.  Only the
 * low 32 bits are the kernel's: the rest is zero, not stack garbage. */
int
core_getversion(struct core *c, int nodefd, uint64_t *gen)
{
	struct stat st;
	long g = 0;
	int fd, r;

	if ((r = core_stat(nodefd, &st)) < 0 || (r = core_openable(&st)) < 0)
		return r;
	if (core_gen_from_handle(c, nodefd, "", AT_EMPTY_PATH, &st, gen) == 0)
		return 0;
	if ((r = core_reopen_st(c, nodefd, &st, O_RDONLY | O_NONBLOCK |
	    O_CLOEXEC, &fd)) < 0)
		return r;
	r = ioctl(fd, FS_IOC_GETVERSION, &g) < 0 ? -errno : 0;
	core_close(fd);
	if (r == 0)
		*gen = (uint32_t)g;
	return r;
}
