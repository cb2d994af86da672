/* xattr.c - guest xattr names and the host names they live under.
 *
 * mapped-xattr keeps its own metadata in user.virtfs.*, so the guest
 * must never read or forge it.  Everything the host would enforce or
 * interpret is data there and moves under user.virtfs.: POSIX ACLs
 * (user.virtfs.system.posix_acl_*), and the guest's security.* and
 * trusted.* names, so that a guest's SELinux label or file capability
 * works inside the guest without ever being a label or capability on
 * the host.  In the other models xattrs are the host's own, so only
 * user.* and (not in none) ACLs pass; security., trusted. and other
 * system. names are refused and hidden, as QEMU does, so a host label
 * never leaks and a guest never sets one. */
#include <errno.h>
#include <string.h>

#include "policy/policy.h"

#define P_USER		"user."
#define P_VIRTFS	"user.virtfs."
#define P_ACL		"system.posix_acl_"
#define ACL_ACCESS	"system.posix_acl_access"
#define ACL_DEFAULT	"system.posix_acl_default"
#define P_SECURITY	"security."
#define P_TRUSTED	"trusted."

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int
copy_name(char *host, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + lb > POLICY_XATTR_NAME_MAX)
		return -ERANGE;
	if (la + lb + 1 > cap)
		return -ERANGE;
	memcpy(host, a, la);
	memcpy(host + la, b, lb + 1);
	return 0;
}

static int
map_mapped(enum policy_xattr_op op, const char *g, char *host, size_t cap)
{
	if (has_prefix(g, P_VIRTFS))
		return op == POLICY_XATTR_GET ? -ENODATA : -EACCES;
	if (has_prefix(g, P_USER))
		return copy_name(host, cap, "", g);
	if (strcmp(g, ACL_ACCESS) == 0 || strcmp(g, ACL_DEFAULT) == 0 ||
	    (has_prefix(g, P_SECURITY) && g[strlen(P_SECURITY)] != '\0') ||
	    (has_prefix(g, P_TRUSTED) && g[strlen(P_TRUSTED)] != '\0'))
		return copy_name(host, cap, P_VIRTFS, g);
	return -EOPNOTSUPP;
}

int
policy_xattr_map(enum policy_model m, enum policy_xattr_op op,
    const char *guest, char *host, size_t cap)
{
	if (guest == NULL || guest[0] == '\0')
		return -EINVAL;
	if (strnlen(guest, POLICY_XATTR_NAME_MAX + 1) > POLICY_XATTR_NAME_MAX)
		return -ERANGE;
	switch (m) {
	case POLICY_MAPPED_XATTR:
		return map_mapped(op, guest, host, cap);
	case POLICY_PASSTHROUGH:
	case POLICY_MAPPED_FILE:
		if (has_prefix(guest, P_USER) || has_prefix(guest, P_ACL))
			return copy_name(host, cap, "", guest);
		return -EOPNOTSUPP;
	case POLICY_NONE:
		if (has_prefix(guest, P_USER))
			return copy_name(host, cap, "", guest);
		return -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP;
	}
}

/* The guest name a host name shows as, or NULL to hide it. */
static const char *
list_name(enum policy_model m, const char *h)
{
	switch (m) {
	case POLICY_MAPPED_XATTR:
		if (strcmp(h, P_VIRTFS ACL_ACCESS) == 0 ||
		    strcmp(h, P_VIRTFS ACL_DEFAULT) == 0 ||
		    has_prefix(h, P_VIRTFS P_SECURITY) ||
		    has_prefix(h, P_VIRTFS P_TRUSTED))
			return h + strlen(P_VIRTFS);
		if (has_prefix(h, P_VIRTFS))
			return NULL;
		return has_prefix(h, P_USER) ? h : NULL;
	case POLICY_PASSTHROUGH:
	case POLICY_MAPPED_FILE:
		return has_prefix(h, P_USER) || has_prefix(h, P_ACL) ? h :
		    NULL;
	case POLICY_NONE:
		return has_prefix(h, P_USER) ? h : NULL;
	default:
		return NULL;
	}
}

size_t
policy_xattr_list_filter(enum policy_model m, char *list, size_t len)
{
	size_t in = 0, out = 0, hl, gl;
	const char *g;

	/* Each guest name is no longer than its host name, so the output
	 * never overtakes the input and the rewrite can be in place. */
	while (in < len) {
		hl = strnlen(list + in, len - in);
		if (in + hl == len)
			break;	/* unterminated tail: drop it */
		g = list_name(m, list + in);
		if (g != NULL) {
			gl = hl - (size_t)(g - (list + in));
			memmove(list + out, g, gl + 1);
			out += gl + 1;
		}
		in += hl + 1;
	}
	return out;
}

bool
policy_xattr_remove_absent_ok(enum policy_model m, const char *guest)
{
	return m == POLICY_MAPPED_XATTR && (strcmp(guest, ACL_ACCESS) == 0 ||
	    strcmp(guest, ACL_DEFAULT) == 0);
}
