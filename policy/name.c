/* name.c - the single path component a guest may name.
 *
 * Every name that reaches a *at() call passes here first: a '/' or a NUL
 * inside would let one component become a path, and '.'/'..' would move
 * the walk where only Twalk may move it. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "policy/policy.h"

bool
policy_name_reserved(const char *name, enum policy_model m)
{
	/* QEMU hides its metadata only in the model that writes it. */
	if (m != POLICY_MAPPED_FILE)
		return false;
	return strcmp(name, POLICY_MFILE_DIR) == 0 ||
	    strcmp(name, POLICY_MFILE_ROOT) == 0;
}

int
policy_name_check_bytes(const void *name, size_t len, int flags,
    enum policy_model m)
{
	const char *s = name;
	char buf[NAME_MAX + 1];

	if (len == 0)
		return -EINVAL;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr(s, '\0', len) != NULL || memchr(s, '/', len) != NULL)
		return -EINVAL;
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' &&
	    s[1] == '.'))
		return (flags & POLICY_NAME_LOOKUP) ? 0 : -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (policy_name_reserved(buf, m))
		return -EINVAL;
	return 0;
}

int
policy_name_check(const char *name, int flags, enum policy_model m)
{
	if (name == NULL)
		return -EINVAL;
	/* strnlen bounds the scan; a longer name fails the length check. */
	return policy_name_check_bytes(name, strnlen(name, NAME_MAX + 1),
	    flags, m);
}
