/* meta.c - byte formats of the guest identity in the mapped models.
 *
 * mapped-xattr: user.virtfs.{uid,gid,mode} are u32 little-endian of
 * exactly 4 bytes, user.virtfs.rdev a u64 little-endian glibc dev_t of
 * exactly 8 bytes.  mapped-file: "virtfs.<key>=<decimal>\n" lines in the
 * order uid, gid, mode, rdev, each value printed as a C int (so a uid
 * above 2^31 is written negative, as QEMU writes it), read back by key
 * prefix with atoi semantics from lines of at most 99 bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

void
policy_put_u32(uint8_t out[4], uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

void
policy_put_u64(uint8_t out[8], uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

int
policy_get_u32(const void *buf, size_t len, uint32_t *v)
{
	const uint8_t *b = buf;

	if (len != 4)
		return -EINVAL;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	return 0;
}

int
policy_get_u64(const void *buf, size_t len, uint64_t *v)
{
	const uint8_t *b = buf;
	uint64_t r = 0;
	int i;

	if (len != 8)
		return -EINVAL;
	for (i = 7; i >= 0; i--)
		r = r << 8 | b[i];
	*v = r;
	return 0;
}

/* atoi() semantics without its undefined overflow: leading blanks, an
 * optional sign, digits; the result wrapped to an int. */
static int
mfile_atoi(const char *s, size_t len)
{
	size_t i = 0;
	uint32_t v = 0;
	bool neg = false;

	while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
		i++;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint32_t)(s[i] - '0');
	return (int)(neg ? 0u - v : v);
}

static void
mfile_line(const char *l, size_t n, struct policy_meta *m)
{
	/* The value starts one byte after the key, whatever that byte is. */
	if (n >= 10 && memcmp(l, "virtfs.uid", 10) == 0) {
		m->uid = (uint32_t)mfile_atoi(l + 11, n > 11 ? n - 11 : 0);
		m->valid |= POLICY_META_UID;
	} else if (n >= 10 && memcmp(l, "virtfs.gid", 10) == 0) {
		m->gid = (uint32_t)mfile_atoi(l + 11, n > 11 ? n - 11 : 0);
		m->valid |= POLICY_META_GID;
	} else if (n >= 11 && memcmp(l, "virtfs.mode", 11) == 0) {
		m->mode = (uint32_t)mfile_atoi(l + 12, n > 12 ? n - 12 : 0);
		m->valid |= POLICY_META_MODE;
	} else if (n >= 11 && memcmp(l, "virtfs.rdev", 11) == 0) {
		/* An int stored into dev_t: negative values sign-extend. */
		m->rdev = (uint64_t)(int64_t)mfile_atoi(l + 12,
		    n > 12 ? n - 12 : 0);
		m->valid |= POLICY_META_RDEV;
	}
}

int
policy_mfile_parse(const char *buf, size_t len, struct policy_meta *m)
{
	size_t pos = 0, n;
	const char *nl;

	memset(m, 0, sizeof(*m));
	while (pos < len) {
		/* Lines as fgets() with a 100-byte buffer cuts them. */
		n = len - pos < 99 ? len - pos : 99;
		nl = memchr(buf + pos, '\n', n);
		if (nl != NULL)
			n = (size_t)(nl - (buf + pos)) + 1;
		mfile_line(buf + pos, n, m);
		pos += n;
	}
	return 0;
}

int
policy_mfile_emit(const struct policy_meta *m, char *buf, size_t cap)
{
	static const struct { uint32_t bit; const char *key; } keys[] = {
		{ POLICY_META_UID, "virtfs.uid" },
		{ POLICY_META_GID, "virtfs.gid" },
		{ POLICY_META_MODE, "virtfs.mode" },
		{ POLICY_META_RDEV, "virtfs.rdev" },
	};
	uint32_t vals[4] = { m->uid, m->gid, m->mode, (uint32_t)m->rdev };
	size_t off = 0, i;
	int n;

	for (i = 0; i < 4; i++) {
		if (!(m->valid & keys[i].bit))
			continue;
		n = snprintf(buf + off, cap - off, "%s=%d\n", keys[i].key,
		    (int)vals[i]);
		if (n < 0 || (size_t)n >= cap - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return (int)off;
}

void
policy_meta_apply(const struct policy_meta *m, uint32_t *mode,
    uint32_t *uid, uint32_t *gid, uint64_t *rdev)
{
	if (m->valid & POLICY_META_UID)
		*uid = m->uid;
	if (m->valid & POLICY_META_GID)
		*gid = m->gid;
	if (m->valid & POLICY_META_MODE)
		*mode = m->mode;
	if (m->valid & POLICY_META_RDEV)
		*rdev = m->rdev;
}
