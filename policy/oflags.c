/* oflags.c - 9P2000.L open flags to host open flags, bit by bit.
 *
 * The Linux client sends its generic O_* values whatever the guest's
 * architecture, so the host values are looked up, never assumed equal.
 * Creation bits are dropped: Tlopen never creates (the client copies
 * O_CREAT/O_EXCL from the original open of an existing file). */
#include <errno.h>
#include <fcntl.h>

#include "policy/policy.h"

static const struct {
	uint32_t l;
	int host;
} oflag_map[] = {
	{ POLICY_L_TRUNC, O_TRUNC },
	{ POLICY_L_APPEND, O_APPEND },
	{ POLICY_L_NONBLOCK, O_NONBLOCK },
	{ POLICY_L_DSYNC, O_DSYNC },
	{ POLICY_L_LARGEFILE, O_LARGEFILE },
	{ POLICY_L_DIRECTORY, O_DIRECTORY },
	{ POLICY_L_NOATIME, O_NOATIME },
	{ POLICY_L_SYNC, O_SYNC },
	/* Not carried: CREATE, EXCL (never create here), NOCTTY, FASYNC
	 * (no signals from a server fd), DIRECT (QEMU drops it too),
	 * NOFOLLOW and CLOEXEC (always set below). */
};

bool
policy_open_writes(int hostflags)
{
	int acc = hostflags & O_ACCMODE;

	return acc == O_WRONLY || acc == O_RDWR ||
	    (hostflags & (O_TRUNC | O_APPEND)) != 0;
}

static int
finish(int acc, int rest, bool readonly, int *hostflags)
{
	int f = acc | rest | O_NOFOLLOW | O_CLOEXEC;

	if (readonly && policy_open_writes(f))
		return -EROFS;
	*hostflags = f;
	return 0;
}

int
policy_open_flags(uint32_t lflags, bool readonly, int *hostflags)
{
	int acc, rest = 0;
	size_t i;

	switch (lflags & 3) {
	case POLICY_L_RDONLY: acc = O_RDONLY; break;
	case POLICY_L_WRONLY: acc = O_WRONLY; break;
	case POLICY_L_RDWR: acc = O_RDWR; break;
	/* NOACCESS (ioctl-only on Linux): the descriptor is only used for
	 * fsync/getattr by the client, so a read-only one is enough. */
	default: acc = O_RDONLY; break;
	}
	for (i = 0; i < sizeof(oflag_map) / sizeof(oflag_map[0]); i++)
		if (lflags & oflag_map[i].l)
			rest |= oflag_map[i].host;
	return finish(acc, rest, readonly, hostflags);
}

int
policy_host_open_flags(int oflags, bool readonly, int *hostflags)
{
	int acc = oflags & O_ACCMODE;
	int keep = O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | O_LARGEFILE |
	    O_DIRECTORY | O_NOATIME | O_SYNC;

	if (acc == O_ACCMODE)
		acc = O_RDONLY;
	return finish(acc, oflags & keep, readonly, hostflags);
}
