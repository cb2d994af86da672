/* ops_session.c - Tattach, Tauth, Tclunk, Tremove: where fids begin and
 * end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

/* No authentication protocol is offered.  The answer is ENOENT, not
 * EOPNOTSUPP: diod's client library (diodls, diodcat, diodload) takes
 * only ENOENT to mean "no authentication required" and gives up on any
 * other error, while Linux never sends Tauth at all. */
int
op_auth(struct opctx *o)
{
	return -ENOENT;
}

int
op_attach(struct opctx *o)
{
	const struct p9_str *an = &o->t->u.tattach.aname;
	uint32_t num = o->t->u.tattach.fid;
	struct nodefd_req nq;
	struct hcred cr;
	struct hattr a;
	struct fid *f;
	uint64_t h;
	char *aname;
	int rc;

	if (fid_exists(&o->c->fids, num))
		return -EINVAL;
	if (memchr(an->s, '\0', an->len))
		return -EINVAL;
	if ((aname = strndup(an->s, an->len)) == NULL)
		return -ENOMEM;
	cred_from_attach(&o->t->u.tattach.uname, o->t->u.tattach.n_uname,
	    &cr);
	rc = helper_attach_fd(o->c->srv->hc, &cr, aname, &h, &a,
	    nodefd_begin(o->c->srv, &nq));
	free(aname);
	if (rc < 0) {
		nodefd_end(&nq, NULL, NULL);
		return helper_err(o, rc);
	}
	if ((f = fid_alloc(&o->c->fids, num)) == NULL) {
		nodefd_end(&nq, NULL, NULL);
		helper_release(o->c->srv->hc, &h, 1);
		return -ENOMEM;
	}
	f->cred = cr;
	f->node = op_hnode(o, h);
	nodefd_end(&nq, f->node, &a);
	if (f->node == NULL) {
		fid_put(f);
		return -ENOMEM;
	}
	qid_from_attr(&a, &o->rep.u.rqid.qid);
	f->qtype = o->rep.u.rqid.qid.type;
	return op_install(o, f, P9_NOFID);
}

/* The fid is gone whatever the outcome; an xattr written through it is
 * committed now and the commit's result is the reply. */
int
op_clunk(struct opctx *o)
{
	struct fid *f = fid_take(&o->c->fids, o->t->u.tfid.fid);
	int rc = 0;

	if (f == NULL)
		return -ENOENT;
	pthread_mutex_lock(&f->lock);
	if (f->kind == FID_XATTR_WRITE)
		rc = xattr_commit(o, f);
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	return rc;
}

/* Tclunk without the helper: every fid but an xattr being written (whose
 * commit is a helper call) is only dropped.  -EAGAIN: send it to a
 * worker.  A racing Txattrcreate on the same fid is still committed, by
 * op_clunk, here. */
int
op_clunk_local(struct opctx *o)
{
	struct fid *f = fid_get(&o->c->fids, o->t->u.tfid.fid);
	bool commit;

	if (f == NULL)
		return -ENOENT;
	pthread_mutex_lock(&f->lock);
	commit = f->kind == FID_XATTR_WRITE;
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	return commit ? -EAGAIN : op_clunk(o);
}

int
op_remove(struct opctx *o)
{
	struct fid *f = fid_take(&o->c->fids, o->t->u.tfid.fid);
	int rc;

	if (f == NULL)
		return -ENOENT;
	pthread_mutex_lock(&f->lock);
	if (f->kind != FID_NODE)
		rc = -EBADF;
	else if (f->parent == NULL || f->name == NULL)
		rc = -EBUSY;		/* the attach root */
	else
		rc = helper_err(o, helper_remove(o->c->srv->hc, &f->cred,
		    f->node->h, f->parent->h, f->name));
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	return rc;
}
