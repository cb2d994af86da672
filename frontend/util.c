/* util.c - checks and conversions shared by the operation files. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "frontend/frontend.h"
#include "policy/policy.h"

/* Copy a wire name into out (256 bytes) as a C string, refusing what no
 * single path component may be.  Creations also refuse "." and "..".
 * In mapped-file exports the metadata names do not exist for the guest. */
int
name_check(const struct p9_str *s, char *out, bool create, uint32_t model)
{
	if (s->len == 0)
		return -ENOENT;
	if (s->len > 255)
		return -ENAMETOOLONG;
	if (memchr(s->s, '/', s->len) || memchr(s->s, '\0', s->len))
		return -ENOENT;
	memcpy(out, s->s, s->len);
	out[s->len] = '\0';
	if (create && (strcmp(out, ".") == 0 || strcmp(out, "..") == 0))
		return -EEXIST;
	if (model == POLICY_MAPPED_FILE &&
	    (strcmp(out, ".virtfs_metadata") == 0 ||
	    strcmp(out, ".virtfs_metadata_root") == 0))
		return -EINVAL;
	return 0;
}

/* qid.version is left 0 (as diod does): a changing version makes a
 * cache=loose guest drop its inode, which is not what a write wants. */
void
qid_from_attr(const struct hattr *a, struct p9_qid *q)
{
	q->type = S_ISDIR(a->mode) ? P9_QTDIR :
	    S_ISLNK(a->mode) ? P9_QTSYMLINK : P9_QTFILE;
	q->version = 0;
	q->path = a->qid_path;
}

/* Look up a fid of this connection; the caller puts it. */
int
op_fid(struct opctx *o, uint32_t num, struct fid **f)
{
	*f = fid_get(&o->c->fids, num);
	return *f ? 0 : -EBADF;
}

/* A fid that names a file system object (not an xattr handle). */
int
op_node_fid(struct opctx *o, uint32_t num, struct fid **f)
{
	int rc = op_fid(o, num, f);

	if (rc == 0 && (*f)->kind != FID_NODE) {
		fid_put(*f);
		*f = NULL;
		return -EBADF;
	}
	return rc;
}

/* Pass a helper result through, logging once when the helper is gone
 * (every later request then fails with EIO without more noise). */
int
helper_err(struct opctx *o, int rc)
{
	struct server *s = o->c->srv;

	if (rc == -EIO && hclient_dead(s->hc) &&
	    !atomic_exchange(&s->helper_dead_logged, true))
		log_warnx("helper is gone: every request now fails with EIO");
	return rc;
}

/* Largest data payload of an Rread/Rreaddir that stays within msize the
 * way Linux sizes it (msize - 24). */
uint32_t
op_maxdata(const struct opctx *o)
{
	return o->c->msize - P9_IOHDRSZ;
}

/* Wrap a fresh helper handle; if memory runs out, give it back. */
struct hnode *
op_hnode(struct opctx *o, uint64_t h)
{
	struct hnode *n = hnode_new(h);

	if (n == NULL)
		helper_release(o->c->srv->hc, &h, 1);
	return n;
}

/* Put a newly built fid in the table (replacing oldfid when the numbers
 * match, as Twalk newfid == fid does) and drop the builder's reference.
 * On failure the fid and its handles go away. */
int
op_install(struct opctx *o, struct fid *nf, uint32_t oldfid)
{
	int rc = nf->num == oldfid ? fid_replace(nf) : fid_insert(nf);

	fid_put(nf);
	return rc == -EEXIST ? -EINVAL : rc;
}
