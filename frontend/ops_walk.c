/* ops_walk.c - Twalk and the operations that look at one object:
 * Tgetattr, Tsetattr, Tstatfs, Treadlink. */
#include <errno.h>
#include <string.h>

#include "frontend/frontend.h"

/* nwname 0: a new, unopened fid for the same object (also from an open
 * fid: Linux clones open fids of unlinked files this way). */
static int
walk_clone(struct opctx *o, struct fid *src)
{
	uint32_t newfid = o->t->u.twalk.newfid;
	struct fid *nf;
	int rc;

	o->rep.u.rwalk.nwqid = 0;
	if (newfid == src->num)
		return 0;	/* walking a fid onto itself changes nothing */
	if ((nf = fid_alloc(&o->c->fids, newfid)) == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&src->lock);
	nf->node = hnode_ref(src->node);
	nf->cred = src->cred;
	nf->qtype = src->qtype;
	rc = fid_set_name(nf, hnode_ref(src->parent), src->name);
	pthread_mutex_unlock(&src->lock);
	if (rc < 0) {
		fid_put(nf);
		return rc;
	}
	return op_install(o, nf, src->num);
}

/* A complete walk: the new fid holds the handle of the last name and
 * remembers the directory and name it came through. */
static int
walk_install(struct opctx *o, struct fid *src, int nw, const char *last,
    uint64_t h, uint64_t ph, struct nodefd_req *nq, const struct hattr *a)
{
	struct fid *nf = fid_alloc(&o->c->fids, o->t->u.twalk.newfid);
	struct hnode *parent = NULL;
	int rc;

	if (nf == NULL) {
		uint64_t hs[2] = { h, ph };
		helper_release(o->c->srv->hc, hs, ph ? 2 : 1);
		nodefd_end(nq, NULL, NULL);
		return -ENOMEM;
	}
	nf->cred = src->cred;
	nf->qtype = o->rep.u.rwalk.wqid[nw - 1].type;
	nf->node = op_hnode(o, h);
	nodefd_end(nq, nf->node, a);
	if (nf->node == NULL)
		rc = -ENOMEM;
	else if (nw > 1 && ph && (parent = op_hnode(o, ph)) == NULL)
		rc = -ENOMEM;
	else {
		if (nw == 1) {
			if (ph)	/* not expected for one name; not needed */
				helper_release(o->c->srv->hc, &ph, 1);
			parent = hnode_ref(src->node);
		}
		rc = fid_set_name(nf, parent, last);
	}
	if (rc < 0) {
		fid_put(nf);
		return rc;
	}
	return op_install(o, nf, src->num);
}

int
op_walk(struct opctx *o)
{
	char names[P9_MAXWELEM][256];
	const char *ptrs[P9_MAXWELEM];
	struct hattr attrs[P9_MAXWELEM];
	int nw = o->t->u.twalk.nwname, nwalked = 0, werr = 0, rc, bad = 0;
	uint64_t h = 0, ph = 0;
	struct nodefd_req nq;
	struct fid *src;

	if ((rc = op_node_fid(o, o->t->u.twalk.fid, &src)) < 0)
		return rc;
	if (o->t->u.twalk.newfid != src->num &&
	    fid_exists(&o->c->fids, o->t->u.twalk.newfid)) {
		fid_put(src);
		return -EINVAL;
	}
	if (nw == 0) {
		rc = walk_clone(o, src);
		fid_put(src);
		return rc;
	}
	/* A bad name stops the walk there, like a missing one would. */
	for (int i = 0; i < nw && !bad; i++) {
		ptrs[i] = names[i];
		if ((rc = name_check(&o->t->u.twalk.wname[i], names[i], false,
		    o->c->srv->info.model)) < 0) {
			if (i == 0) {
				fid_put(src);
				return rc;
			}
			bad = -rc;
			nw = i;
		}
	}
	rc = helper_walk_fd(o->c->srv->hc, &src->cred, src->node->h, nw, ptrs,
	    attrs, &nwalked, &werr, &h, &ph, nodefd_begin(o->c->srv, &nq));
	if (rc < 0 || nwalked < nw || bad)
		nodefd_end(&nq, NULL, NULL);
	if (rc < 0) {
		fid_put(src);
		return helper_err(o, rc);
	}
	o->rep.u.rwalk.nwqid = (uint16_t)nwalked;
	for (int i = 0; i < nwalked; i++)
		qid_from_attr(&attrs[i], &o->rep.u.rwalk.wqid[i]);
	if (nwalked < nw || bad) {
		/* Partial walk: the qids so far and no new fid (§2.6). */
		if (h) {
			uint64_t hs[2] = { h, ph };
			helper_release(o->c->srv->hc, hs, ph ? 2 : 1);
		}
		fid_put(src);
		return nwalked == 0 ? -(werr ? werr : ENOENT) : 0;
	}
	rc = walk_install(o, src, nw, names[nw - 1], h, ph, &nq,
	    &attrs[nw - 1]);
	fid_put(src);
	return rc;
}

static void
getattr_reply(struct opctx *o, const struct hattr *a)
{
	struct p9_attr *r = &o->rep.u.rgetattr.a;

	o->rep.u.rgetattr.valid = P9_GETATTR_BASIC;
	if (a->has_gen && (o->t->u.tgetattr.request_mask & P9_GETATTR_GEN))
		o->rep.u.rgetattr.valid |= P9_GETATTR_GEN;
	qid_from_attr(a, &o->rep.u.rgetattr.qid);
	r->mode = a->mode;
	r->uid = a->uid;
	r->gid = a->gid;
	r->nlink = a->nlink;
	r->rdev = a->rdev;
	r->size = a->size;
	r->blksize = a->blksize;
	r->blocks = a->blocks;
	r->atime_sec = (uint64_t)a->atime_sec;
	r->atime_nsec = a->atime_nsec;
	r->mtime_sec = (uint64_t)a->mtime_sec;
	r->mtime_nsec = a->mtime_nsec;
	r->ctime_sec = (uint64_t)a->ctime_sec;
	r->ctime_nsec = a->ctime_nsec;
	r->gen = a->has_gen ? a->gen : 0;
}

/* Tgetattr from the node's descriptor (attrcache.c), -EAGAIN if only
 * the helper can answer; never blocks, so the reader may run it.  With
 * the helper gone every request fails, this one too (helper_err). */
int
op_getattr_local(struct opctx *o)
{
	struct fid *f;
	struct hattr a;
	int rc;

	if (hclient_dead(o->c->srv->hc))
		return -EAGAIN;
	if ((rc = op_node_fid(o, o->t->u.tgetattr.fid, &f)) < 0)
		return rc;
	rc = acache_getattr(f->node, o->c->srv->info.model,
	    o->t->u.tgetattr.request_mask, &a);
	fid_put(f);
	if (rc == 0)
		getattr_reply(o, &a);
	return rc;
}

int
op_getattr(struct opctx *o)
{
	struct timespec asked;
	struct fid *f;
	struct hattr a;
	int rc;

	if ((rc = op_getattr_local(o)) != -EAGAIN)
		return rc;
	if ((rc = op_node_fid(o, o->t->u.tgetattr.fid, &f)) < 0)
		return rc;
	acache_asked(&asked);
	rc = helper_getattr(o->c->srv->hc, &f->cred, f->node->h, &a);
	if (rc == 0)
		acache_store(f->node, &a, &asked);
	fid_put(f);
	if (rc < 0)
		return helper_err(o, rc);
	getattr_reply(o, &a);
	return 0;
}

int
op_setattr(struct opctx *o)
{
	const typeof(o->t->u.tsetattr) *t = &o->t->u.tsetattr;
	struct hsetattr sa = {
		.valid = t->valid, .mode = t->mode, .uid = t->uid,
		.gid = t->gid, .size = t->size,
		.atime_sec = (int64_t)t->atime_sec,
		.atime_nsec = (uint32_t)t->atime_nsec,
		.mtime_sec = (int64_t)t->mtime_sec,
		.mtime_nsec = (uint32_t)t->mtime_nsec,
	};
	struct fid *f;
	int rc;

	if ((rc = op_node_fid(o, t->fid, &f)) < 0)
		return rc;
	rc = helper_setattr(o->c->srv->hc, &f->cred, f->node->h, &sa);
	fid_put(f);
	return helper_err(o, rc);
}

int
op_statfs(struct opctx *o)
{
	struct hstatfs st;
	struct fid *f;
	int rc;

	if ((rc = op_node_fid(o, o->t->u.tfid.fid, &f)) < 0)
		return rc;
	rc = helper_statfs(o->c->srv->hc, &f->cred, f->node->h, &st);
	fid_put(f);
	if (rc < 0)
		return helper_err(o, rc);
	o->rep.u.rstatfs = (struct p9_statfs){ st.type, st.bsize, st.blocks,
	    st.bfree, st.bavail, st.files, st.ffree, st.fsid, st.namelen };
	return 0;
}

int
op_readlink(struct opctx *o)
{
	char *buf = (char *)o->w->scratch;
	/* Rreadlink = 7 + 2 + len must stay under msize (and PATH_MAX). */
	size_t cap = o->c->msize - 10;
	struct fid *f;
	int rc;

	if (cap > 4096)
		cap = 4096;
	if ((rc = op_node_fid(o, o->t->u.tfid.fid, &f)) < 0)
		return rc;
	rc = helper_readlink(o->c->srv->hc, &f->cred, f->node->h, buf, cap);
	fid_put(f);
	if (rc < 0)
		return helper_err(o, rc);
	o->rep.u.rreadlink.target.len = (uint16_t)rc;
	o->rep.u.rreadlink.target.s = buf;
	return 0;
}
