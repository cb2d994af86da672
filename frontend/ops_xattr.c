/* ops_xattr.c - Txattrwalk and Txattrcreate.
 *
 * Reads: the whole value (or name list) is fetched once and kept in the
 * new fid, which Tread then serves.  Writes: the fid collects exactly
 * attr_size bytes of Twrite and the value is set at Tclunk, whose reply
 * carries the result; size 0 means remove (as QEMU and diod do). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

static int
xattr_name(const struct p9_str *s, char *out, bool empty_ok)
{
	if (s->len == 0 && !empty_ok)
		return -EINVAL;
	if (s->len > 255)
		return -ERANGE;
	if (memchr(s->s, '\0', s->len))
		return -EINVAL;
	memcpy(out, s->s, s->len);
	out[s->len] = '\0';
	return 0;
}

/* Fetch the value (or, for "", the name list) into the worker's scratch
 * space, then keep a copy of exactly its size in the fid, rather than a
 * 64 KiB buffer per lookup (Linux asks for security.capability on every
 * truncate, and almost never finds one). */
static int
fetch(struct opctx *o, struct fid *f, const char *name, struct fid_xattr *xa)
{
	struct hclient *hc = o->c->srv->hc;
	uint8_t *tmp = o->w->scratch;
	int n;

	if (name[0] == '\0')
		n = helper_xattr_list(hc, &f->cred, f->node->h, (char *)tmp,
		    P9_XATTR_MAX);
	else
		n = helper_xattr_get(hc, &f->cred, f->node->h, name, tmp,
		    P9_XATTR_MAX);
	if (n < 0)
		return helper_err(o, n == -ERANGE ? -E2BIG : n);
	if ((xa->buf = malloc(n > 0 ? (size_t)n : 1)) == NULL)
		return -ENOMEM;
	memcpy(xa->buf, tmp, (size_t)n);
	xa->size = (size_t)n;
	return 0;
}

int
op_xattrwalk(struct opctx *o)
{
	const typeof(o->t->u.txattrwalk) *t = &o->t->u.txattrwalk;
	struct fid_xattr *xa;
	struct fid *f, *nf;
	char name[256];
	int rc;

	if ((rc = xattr_name(&t->name, name, true)) < 0)
		return rc;
	if ((rc = op_node_fid(o, t->fid, &f)) < 0)
		return rc;
	if (t->newfid != t->fid && fid_exists(&o->c->fids, t->newfid))
		rc = -EINVAL;
	else if ((xa = calloc(1, sizeof(*xa))) == NULL)
		rc = -ENOMEM;
	else if ((rc = fetch(o, f, name, xa)) < 0 ||
	    (nf = fid_alloc(&o->c->fids, t->newfid)) == NULL) {
		free(xa->buf);
		free(xa);
		rc = rc < 0 ? rc : -ENOMEM;
	} else {
		nf->kind = FID_XATTR_READ;
		nf->xa = xa;
		nf->node = hnode_ref(f->node);
		nf->cred = f->cred;
		o->rep.u.rxattrwalk.size = xa->size;
		rc = op_install(o, nf, t->fid);
	}
	fid_put(f);
	return rc;
}

int
op_xattrcreate(struct opctx *o)
{
	const typeof(o->t->u.txattrcreate) *t = &o->t->u.txattrcreate;
	struct fid_xattr *xa;
	struct fid *f;
	int rc;

	if (t->attr_size > P9_XATTR_MAX)
		return -E2BIG;
	if (t->flags & ~(uint32_t)(P9_XATTR_CREATE | P9_XATTR_REPLACE))
		return -EINVAL;
	if (o->c->srv->info.readonly)
		return -EROFS;
	if ((xa = calloc(1, sizeof(*xa))) == NULL)
		return -ENOMEM;
	if ((rc = xattr_name(&t->name, xa->name, false)) < 0 ||
	    (xa->buf = malloc(t->attr_size ? t->attr_size : 1)) == NULL) {
		free(xa);
		return rc < 0 ? rc : -ENOMEM;
	}
	xa->size = t->attr_size;
	xa->flags = t->flags;
	if ((rc = op_node_fid(o, t->fid, &f)) < 0) {
		free(xa->buf);
		free(xa);
		return rc;
	}
	pthread_mutex_lock(&f->lock);
	f->kind = FID_XATTR_WRITE;
	f->xa = xa;
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	return 0;
}

/* Called at Tclunk with f->lock held. */
int
xattr_commit(struct opctx *o, struct fid *f)
{
	struct fid_xattr *xa = f->xa;
	struct hclient *hc = o->c->srv->hc;

	if (xa->filled != xa->size)
		return -EINVAL;
	if (xa->size == 0)
		return helper_err(o, helper_xattr_remove(hc, &f->cred,
		    f->node->h, xa->name));
	return helper_err(o, helper_xattr_set(hc, &f->cred, f->node->h,
	    xa->name, xa->buf, xa->size, xa->flags));
}
