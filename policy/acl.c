/* acl.c - POSIX ACLs as the Linux xattr blob, and the kernel's rules for
 * inheriting and chmod-ing them.
 *
 * The mapped-xattr model keeps a guest's ACLs as plain data (the host
 * must not enforce them), so the helper has to do what the Linux kernel
 * would do to them on create and chmod.  The blob is the kernel's
 * system.posix_acl_* format: a u32 LE version (2), then entries of
 * {u16 LE tag, u16 LE perm, u32 LE id}.  The rules below follow the
 * kernel's posix_acl_valid, posix_acl_create_masq and
 * posix_acl_chmod_masq (fs/posix_acl.c) so that the result is the one a
 * local file system gives, and the one a posixacl client computes. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/policy.h"

#define ACL_HDR		4
#define ACL_ENT		8
#define PERM_BITS	07

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

/* The kernel's order and uniqueness rules: USER_OBJ, USER*, GROUP_OBJ,
 * GROUP*, MASK (required if any named entry), OTHER. */
static int
acl_valid(const struct policy_acl *a)
{
	enum { S_UOBJ, S_USER, S_GROUP, S_OTHER, S_DONE } st = S_UOBJ;
	bool needs_mask = false;
	int i;

	for (i = 0; i < a->count; i++) {
		const struct policy_acl_entry *e = &a->e[i];

		if (e->perm & ~PERM_BITS)
			return -EINVAL;
		switch (e->tag) {
		case POLICY_ACL_USER_OBJ:
			if (st != S_UOBJ)
				return -EINVAL;
			st = S_USER;
			break;
		case POLICY_ACL_USER:
			if (st != S_USER)
				return -EINVAL;
			needs_mask = true;
			break;
		case POLICY_ACL_GROUP_OBJ:
			if (st != S_USER)
				return -EINVAL;
			st = S_GROUP;
			break;
		case POLICY_ACL_GROUP:
			if (st != S_GROUP)
				return -EINVAL;
			needs_mask = true;
			break;
		case POLICY_ACL_MASK:
			if (st != S_GROUP)
				return -EINVAL;
			st = S_OTHER;
			break;
		case POLICY_ACL_OTHER:
			if (st != S_OTHER && (st != S_GROUP || needs_mask))
				return -EINVAL;
			st = S_DONE;
			break;
		default:
			return -EINVAL;
		}
	}
	return st == S_DONE ? 0 : -EINVAL;
}

int
policy_acl_parse(const void *buf, size_t len, struct policy_acl *a)
{
	const uint8_t *b = buf;
	size_t i, n;

	a->count = 0;
	if (len < ACL_HDR || (len - ACL_HDR) % ACL_ENT != 0)
		return -EINVAL;
	if (get32(b) != POLICY_ACL_VERSION)
		return -EOPNOTSUPP;	/* what the kernel answers */
	n = (len - ACL_HDR) / ACL_ENT;
	if (n == 0)
		return 0;	/* "no ACL": the kernel removes it */
	if (n > POLICY_ACL_MAX_ENTRIES)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		const uint8_t *e = b + ACL_HDR + i * ACL_ENT;

		a->e[i].tag = get16(e);
		a->e[i].perm = get16(e + 2);
		a->e[i].id = get32(e + 4);
	}
	a->count = (int)n;
	return acl_valid(a);
}

int
policy_acl_emit(const struct policy_acl *a, void *buf, size_t cap)
{
	uint8_t *b = buf;
	size_t need;
	int i;

	if (a->count < 0 || a->count > POLICY_ACL_MAX_ENTRIES)
		return -EINVAL;
	need = ACL_HDR + (size_t)a->count * ACL_ENT;
	if (need > cap)
		return -ERANGE;
	policy_put_u32(b, POLICY_ACL_VERSION);
	for (i = 0; i < a->count; i++) {
		uint8_t *e = b + ACL_HDR + (size_t)i * ACL_ENT;

		e[0] = (uint8_t)a->e[i].tag;
		e[1] = (uint8_t)(a->e[i].tag >> 8);
		e[2] = (uint8_t)a->e[i].perm;
		e[3] = (uint8_t)(a->e[i].perm >> 8);
		policy_put_u32(e + 4, a->e[i].id);
	}
	return (int)need;
}

static struct policy_acl_entry *
find_tag(struct policy_acl *a, uint16_t tag)
{
	int i;

	for (i = 0; i < a->count; i++)
		if (a->e[i].tag == tag)
			return &a->e[i];
	return NULL;
}

int
policy_acl_inherit(const struct policy_acl *def, uint32_t *mode,
    struct policy_acl *acc)
{
	struct policy_acl_entry *uobj, *gobj, *mask, *oth;
	uint32_t m = *mode;

	if (acl_valid(def) < 0)
		return -EINVAL;
	*acc = *def;
	uobj = find_tag(acc, POLICY_ACL_USER_OBJ);
	gobj = find_tag(acc, POLICY_ACL_GROUP_OBJ);
	mask = find_tag(acc, POLICY_ACL_MASK);
	oth = find_tag(acc, POLICY_ACL_OTHER);
	/* Each class keeps what both the ACL and the create mode grant;
	 * the group class is the mask when there is one.  The umask plays
	 * no part: a default ACL replaces it. */
	uobj->perm &= (m >> 6) & PERM_BITS;
	oth->perm &= m & PERM_BITS;
	if (mask != NULL)
		mask->perm &= (m >> 3) & PERM_BITS;
	else
		gobj->perm &= (m >> 3) & PERM_BITS;
	*mode = (m & ~(uint32_t)0777) | (uint32_t)uobj->perm << 6 |
	    (uint32_t)(mask != NULL ? mask : gobj)->perm << 3 | oth->perm;
	/* Named entries (which always come with a mask) make the ACL more
	 * than the mode can say; otherwise the mode alone is the ACL. */
	return mask != NULL ? 1 : 0;
}

int
policy_acl_chmod(struct policy_acl *a, uint32_t mode)
{
	struct policy_acl_entry *uobj, *gobj, *mask, *oth;

	if (acl_valid(a) < 0)
		return -EINVAL;
	uobj = find_tag(a, POLICY_ACL_USER_OBJ);
	gobj = find_tag(a, POLICY_ACL_GROUP_OBJ);
	mask = find_tag(a, POLICY_ACL_MASK);
	oth = find_tag(a, POLICY_ACL_OTHER);
	uobj->perm = (mode >> 6) & PERM_BITS;
	(mask != NULL ? mask : gobj)->perm = (mode >> 3) & PERM_BITS;
	oth->perm = mode & PERM_BITS;
	return 0;
}

int
policy_acl_equiv_mode(const struct policy_acl *a, uint32_t *mode)
{
	uint32_t m = 0;
	bool equiv = true;
	int i;

	if (acl_valid(a) < 0)
		return -EINVAL;
	for (i = 0; i < a->count; i++) {
		const struct policy_acl_entry *e = &a->e[i];

		switch (e->tag) {
		case POLICY_ACL_USER_OBJ:
			m |= (uint32_t)e->perm << 6;
			break;
		case POLICY_ACL_GROUP_OBJ:
		case POLICY_ACL_MASK:
			/* The mask, when present, comes later and wins. */
			m = (m & ~(uint32_t)070) | (uint32_t)e->perm << 3;
			if (e->tag == POLICY_ACL_MASK)
				equiv = false;
			break;
		case POLICY_ACL_OTHER:
			m |= e->perm;
			break;
		default:
			equiv = false;
			break;
		}
	}
	*mode = (*mode & ~(uint32_t)0777) | m;
	return equiv ? 0 : 1;
}
