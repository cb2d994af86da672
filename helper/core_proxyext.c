/* core_proxyext.c - what QEMU's proxy protocol needs beyond the core's
 * common operations: the inode generation (T_GETVERSION), which only the
 * FS_IOC_GETVERSION ioctl on an open descriptor reveals. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "helper/core_priv.h"

/* core_reopen refuses symlinks, FIFOs, sockets and devices before any
 * open (the stock helper opens whatever the path names, and blocks on a
 * FIFO); O_NONBLOCK is belt and braces.  Only the low 32 bits are the
 * kernel's: the rest is zero, not stack garbage. */
int
core_getversion(struct core *c, int nodefd, uint64_t *gen)
{
	long g = 0;
	int fd, r;

	if ((r = core_reopen(c, nodefd, O_RDONLY | O_NONBLOCK | O_CLOEXEC,
	    &fd)) < 0)
		return r;
	r = ioctl(fd, FS_IOC_GETVERSION, &g) < 0 ? -errno : 0;
	core_close(fd);
	if (r == 0)
		*gen = (uint32_t)g;
	return r;
}
