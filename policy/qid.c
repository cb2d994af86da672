/* qid.c - qid.path per multidevs (reference §3.6).
 *
 * warn: the host inode number.  forbid: the same, but ENODEV for an
 * object on another device than the export root.  remap: QEMU's
 * suffix-code scheme, so that inodes from several devices cannot
 * collide: every (device, top inode bits) pair gets a number n, and the
 * qid is the inode shifted left by the length of n's reversed
 * Exp-Golomb code, with the code in the freed low bits.  When the
 * 16-bit pair counter runs out, a full (dev, ino) -> sequence map takes
 * over with the 33-bit code of n = 65536. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

struct qid_ent {
	uint64_t a, b;		/* key */
	uint64_t v;		/* value + 1; 0 marks an empty slot */
};

struct qid_tab {
	struct qid_ent *e;
	size_t cap, n;
};

struct policy_qidmap {
	struct qid_tab devs;	/* dev -> prefix bits */
	struct qid_tab pairs;	/* (dev, prefix) -> n */
	struct qid_tab full;	/* (dev, ino) -> sequence */
	uint32_t next_n;	/* 1..65535, then exhausted */
	uint64_t next_seq;
};

#define QID_MAX_N	65535u
#define QID_FULL_N	65536u

static size_t
qid_hash(uint64_t a, uint64_t b, size_t cap)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (size_t)(h & (cap - 1));
}

static struct qid_ent *
tab_slot(struct qid_tab *t, uint64_t a, uint64_t b)
{
	size_t i = qid_hash(a, b, t->cap);

	while (t->e[i].v != 0 && (t->e[i].a != a || t->e[i].b != b))
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

static int
tab_grow(struct qid_tab *t)
{
	struct qid_tab nt;
	size_t i;

	nt.cap = t->cap ? t->cap * 2 : 64;
	nt.n = t->n;
	nt.e = calloc(nt.cap, sizeof(*nt.e));
	if (nt.e == NULL)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->e[i].v != 0)
			*tab_slot(&nt, t->e[i].a, t->e[i].b) = t->e[i];
	free(t->e);
	*t = nt;
	return 0;
}

static bool
tab_get(struct qid_tab *t, uint64_t a, uint64_t b, uint64_t *v)
{
	struct qid_ent *e;

	if (t->cap == 0)
		return false;
	e = tab_slot(t, a, b);
	if (e->v == 0)
		return false;
	*v = e->v - 1;
	return true;
}

static int
tab_put(struct qid_tab *t, uint64_t a, uint64_t b, uint64_t v)
{
	struct qid_ent *e;
	int rc;

	if ((t->n + 1) * 2 > t->cap && (rc = tab_grow(t)) < 0)
		return rc;
	e = tab_slot(t, a, b);
	if (e->v == 0)
		t->n++;
	e->a = a;
	e->b = b;
	e->v = v + 1;
	return 0;
}

void
policy_qid_code(uint32_t n, unsigned *bits, uint64_t *value)
{
	unsigned b = 0, len, i;
	uint64_t rev = 0;

	while (b < 32 && (n >> b) != 0)
		b++;
	len = 2 * b - 1;
	/* Exp-Golomb: b-1 zeros then n in b bits, i.e. n in len bits;
	 * reversed, it becomes a suffix-free code. */
	for (i = 0; i < len; i++)
		if ((uint64_t)n & (1ull << i))
			rev |= 1ull << (len - 1 - i);
	*bits = len;
	*value = rev;
}

struct policy_qidmap *
policy_qidmap_new(void)
{
	struct policy_qidmap *q = calloc(1, sizeof(*q));

	if (q != NULL) {
		q->next_n = 1;
		q->next_seq = 1;
	}
	return q;
}

void
policy_qidmap_free(struct policy_qidmap *q)
{
	if (q == NULL)
		return;
	free(q->devs.e);
	free(q->pairs.e);
	free(q->full.e);
	free(q);
}

static int
remap_full(struct policy_qidmap *q, uint64_t dev, uint64_t ino,
    uint64_t *path)
{
	uint64_t s;
	int rc;

	if (!tab_get(&q->full, dev, ino, &s)) {
		s = q->next_seq;
		if ((rc = tab_put(&q->full, dev, ino, s)) < 0)
			return rc;
		q->next_seq++;
	}
	*path = (s << 33) | QID_FULL_N;
	return 0;
}

static int
remap(struct policy_qidmap *q, uint64_t dev, uint64_t ino, uint64_t *path)
{
	uint64_t bits, n, code;
	unsigned len;
	int rc;

	if (!tab_get(&q->devs, dev, 0, &bits)) {
		/* A new device hashes as many top inode bits as the code
		 * the next pair would get is long. */
		policy_qid_code(q->next_n <= QID_MAX_N ? q->next_n :
		    QID_FULL_N, &len, &code);
		bits = len;
		if ((rc = tab_put(&q->devs, dev, 0, bits)) < 0)
			return rc;
	}
	if (!tab_get(&q->pairs, dev, ino >> (64 - bits), &n)) {
		if (q->next_n > QID_MAX_N)
			return remap_full(q, dev, ino, path);
		n = q->next_n;
		if ((rc = tab_put(&q->pairs, dev, ino >> (64 - bits), n)) < 0)
			return rc;
		q->next_n++;
	}
	policy_qid_code((uint32_t)n, &len, &code);
	*path = (ino << len) | code;
	return 0;
}

int
policy_qid_path(enum policy_multidevs md, struct policy_qidmap *q,
    uint64_t root_dev, uint64_t dev, uint64_t ino, uint64_t *path)
{
	switch (md) {
	case POLICY_MULTIDEVS_WARN:
		*path = ino;
		return 0;
	case POLICY_MULTIDEVS_FORBID:
		if (dev != root_dev)
			return -ENODEV;
		*path = ino;
		return 0;
	case POLICY_MULTIDEVS_REMAP:
		if (q == NULL)
			return -EINVAL;
		return remap(q, dev, ino, path);
	default:
		return -EINVAL;
	}
}
