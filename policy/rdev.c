/* rdev.c - device number encodings.
 *
 * glibc's dev_t: major bits 0-11 at 8-19 and 12-31 at 32-51, minor bits
 * 0-7 at 0-7 and 8-31 at 20-43.  Linux's new_encode_dev packs into 32
 * bits: minor 0-7, major at 8-19, minor 8-19 at 20-31. */
#include "policy/policy.h"

uint64_t
policy_makedev(uint32_t major, uint32_t minor)
{
	uint64_t ma = major, mi = minor;

	return ((ma & 0xfffu) << 8) | ((ma & ~0xfffull) << 32) |
	    (mi & 0xffu) | ((mi & ~0xffull) << 12);
}

static uint32_t
glibc_major(uint64_t d)
{
	return (uint32_t)(((d >> 8) & 0xfffu) | ((d >> 32) & ~0xfffu));
}

static uint32_t
glibc_minor(uint64_t d)
{
	return (uint32_t)((d & 0xffu) | ((d >> 12) & ~0xffu));
}

uint64_t
policy_rdev_to_linux(uint64_t glibcdev)
{
	uint32_t ma = glibc_major(glibcdev), mi = glibc_minor(glibcdev);

	return (mi & 0xffu) | ((uint64_t)(ma & 0xfffu) << 8) |
	    ((uint64_t)(mi & 0xfff00u) << 12);
}

uint64_t
policy_rdev_from_linux(uint64_t linuxdev)
{
	uint32_t d = (uint32_t)linuxdev;
	uint32_t ma = (d >> 8) & 0xfffu;
	uint32_t mi = (d & 0xffu) | ((d >> 12) & 0xfff00u);

	return policy_makedev(ma, mi);
}
