/* ops_dir.c - operations on names inside a directory: Tmkdir, Tsymlink,
 * Tmknod, Tlink, Trename, Trenameat, Tunlinkat. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

/* Look up a directory fid and check a name to create in it. */
static int
dir_and_name(struct opctx *o, uint32_t dfid, const struct p9_str *s,
    bool create, struct fid **d, char *name)
{
	int rc = name_check(s, name, create, o->c->srv->info.model);

	if (rc < 0)
		return rc;
	return op_node_fid(o, dfid, d);
}

int
op_mkdir(struct opctx *o)
{
	const typeof(o->t->u.tmkdir) *t = &o->t->u.tmkdir;
	char name[256];
	struct hattr a;
	struct fid *d;
	int rc;

	if ((rc = dir_and_name(o, t->dfid, &t->name, true, &d, name)) < 0)
		return rc;
	rc = helper_mkdir(o->c->srv->hc, &d->cred, d->node->h, name, t->mode,
	    t->gid, &a);
	fid_put(d);
	if (rc == 0)
		qid_from_attr(&a, &o->rep.u.rqid.qid);
	return helper_err(o, rc);
}

int
op_symlink(struct opctx *o)
{
	const typeof(o->t->u.tsymlink) *t = &o->t->u.tsymlink;
	char name[256], *target;
	struct hattr a;
	struct fid *d;
	int rc;

	if (t->symtgt.len == 0)
		return -ENOENT;
	if (memchr(t->symtgt.s, '\0', t->symtgt.len))
		return -EINVAL;
	if ((rc = dir_and_name(o, t->fid, &t->name, true, &d, name)) < 0)
		return rc;
	if ((target = strndup(t->symtgt.s, t->symtgt.len)) == NULL) {
		fid_put(d);
		return -ENOMEM;
	}
	rc = helper_symlink(o->c->srv->hc, &d->cred, d->node->h, name,
	    target, t->gid, &a);
	free(target);
	fid_put(d);
	if (rc == 0)
		qid_from_attr(&a, &o->rep.u.rqid.qid);
	return helper_err(o, rc);
}

int
op_mknod(struct opctx *o)
{
	const typeof(o->t->u.tmknod) *t = &o->t->u.tmknod;
	char name[256];
	struct hattr a;
	struct fid *d;
	int rc;

	if ((rc = dir_and_name(o, t->dfid, &t->name, true, &d, name)) < 0)
		return rc;
	rc = helper_mknod(o->c->srv->hc, &d->cred, d->node->h, name, t->mode,
	    t->major, t->minor, t->gid, &a);
	fid_put(d);
	if (rc == 0)
		qid_from_attr(&a, &o->rep.u.rqid.qid);
	return helper_err(o, rc);
}

int
op_link(struct opctx *o)
{
	const typeof(o->t->u.tlink) *t = &o->t->u.tlink;
	char name[256];
	struct fid *d, *f;
	int rc;

	if ((rc = dir_and_name(o, t->dfid, &t->name, true, &d, name)) < 0)
		return rc;
	if ((rc = op_node_fid(o, t->fid, &f)) == 0) {
		rc = helper_err(o, helper_link(o->c->srv->hc, &d->cred,
		    f->node->h, d->node->h, name));
		fid_put(f);
	}
	fid_put(d);
	return rc;
}

/* Trename moves the object of fid, found through the directory and name
 * it was walked with; the helper checks they still match (else ESTALE).
 * Afterwards the fid remembers where it now lives. */
int
op_rename(struct opctx *o)
{
	const typeof(o->t->u.trename) *t = &o->t->u.trename;
	char name[256];
	struct fid *d, *f;
	int rc;

	if ((rc = dir_and_name(o, t->dfid, &t->name, true, &d, name)) < 0)
		return rc;
	if ((rc = op_node_fid(o, t->fid, &f)) < 0) {
		fid_put(d);
		return rc;
	}
	pthread_mutex_lock(&f->lock);
	if (f->parent == NULL || f->name == NULL)
		rc = -EBUSY;
	else
		rc = helper_err(o, helper_rename(o->c->srv->hc, &f->cred,
		    f->node->h, f->parent->h, f->name, d->node->h, name));
	if (rc == 0)
		rc = fid_set_name(f, hnode_ref(d->node), name);
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	fid_put(d);
	return rc;
}

int
op_renameat(struct opctx *o)
{
	const typeof(o->t->u.trenameat) *t = &o->t->u.trenameat;
	char oldname[256], newname[256];
	struct fid *od, *nd;
	int rc;

	if ((rc = dir_and_name(o, t->olddirfid, &t->oldname, true, &od,
	    oldname)) < 0)
		return rc;
	if ((rc = dir_and_name(o, t->newdirfid, &t->newname, true, &nd,
	    newname)) == 0) {
		rc = helper_err(o, helper_renameat(o->c->srv->hc, &od->cred,
		    od->node->h, oldname, nd->node->h, newname));
		fid_put(nd);
	}
	fid_put(od);
	return rc;
}

int
op_unlinkat(struct opctx *o)
{
	const typeof(o->t->u.tunlinkat) *t = &o->t->u.tunlinkat;
	char name[256];
	struct fid *d;
	int rc;

	if ((rc = dir_and_name(o, t->dirfid, &t->name, false, &d, name)) < 0)
		return rc;
	rc = helper_unlinkat(o->c->srv->hc, &d->cred, d->node->h, name,
	    t->flags);
	fid_put(d);
	return helper_err(o, rc);
}
