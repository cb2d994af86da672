/* dispatch.c - run one request on a worker: pick the operation by type,
 * turn its result into the R-message (or Rlerror) and finish it. */
#include <errno.h>

#include "common/log.h"
#include "frontend/frontend.h"

/* Tversion and Tflush never get here: the connection's reader answers
 * them itself because they act on the connection, not on a file. */
static int (*const optab[256])(struct opctx *) = {
	[P9_TAUTH] = op_auth,
	[P9_TATTACH] = op_attach,
	[P9_TWALK] = op_walk,
	[P9_TLOPEN] = op_lopen,
	[P9_TLCREATE] = op_lcreate,
	[P9_TREAD] = op_read,
	[P9_TWRITE] = op_write,
	[P9_TCLUNK] = op_clunk,
	[P9_TREMOVE] = op_remove,
	[P9_TSTATFS] = op_statfs,
	[P9_TSYMLINK] = op_symlink,
	[P9_TMKNOD] = op_mknod,
	[P9_TRENAME] = op_rename,
	[P9_TREADLINK] = op_readlink,
	[P9_TGETATTR] = op_getattr,
	[P9_TSETATTR] = op_setattr,
	[P9_TXATTRWALK] = op_xattrwalk,
	[P9_TXATTRCREATE] = op_xattrcreate,
	[P9_TREADDIR] = op_readdir,
	[P9_TFSYNC] = op_fsync,
	[P9_TLOCK] = op_lock,
	[P9_TGETLOCK] = op_getlock,
	[P9_TLINK] = op_link,
	[P9_TMKDIR] = op_mkdir,
	[P9_TRENAMEAT] = op_renameat,
	[P9_TUNLINKAT] = op_unlinkat,
};

static int
encode_error(struct opctx *o, int err)
{
	struct p9_fcall f = { .type = P9_RLERROR, .tag = o->r->tag };

	/* Linux takes 1..4095; anything else would read as success or
	 * EPROTO. */
	f.u.rlerror.ecode = err > 0 && err < 4096 ? (uint32_t)err : EIO;
	return p9_encode(o->w->rbuf, o->w->cap, &f);
}

/* Turn an operation's result into the reply and finish the request. */
static void
reply(struct opctx *o, int rc)
{
	struct req *r = o->r;
	struct worker *w = o->w;
	int n;

	if (log_get_level() >= LOG_LVL_DEBUG)	/* no name lookup per reply */
		log_debug("%s: %s tag %u fid %u -> %d", o->c->peer,
		    p9_type_name(r->t.type), r->tag, r->t.u.tfid.fid, rc);
	if (rc == 0) {
		o->rep.type = (uint8_t)(r->t.type + 1);
		o->rep.tag = r->tag;
		/* A reply of msize bytes or more is EIO to Linux. */
		n = p9_encode(w->rbuf, o->c->msize - 1, &o->rep);
		if (n < 0) {
			log_warnx("%s: %s reply does not fit msize %u",
			    o->c->peer, p9_type_name(o->rep.type),
			    o->c->msize);
			n = encode_error(o, EIO);
		}
	} else
		n = encode_error(o, -rc);
	conn_finish(r, w->rbuf, (size_t)n);
}

void
dispatch(struct req *r, struct worker *w)
{
	struct opctx o = { .c = r->conn, .r = r, .t = &r->t, .w = w };
	int (*fn)(struct opctx *) = optab[r->t.type];
	int rc;

	if (atomic_load(&r->flushed)) {
		conn_finish(r, NULL, 0);	/* flushed before it started */
		return;
	}
	rc = fn ? fn(&o) : -EOPNOTSUPP;
	if (rc == OP_PARKED || rc == OP_SENT)
		return;		/* the lock waiter thread will finish it,
				 * or the operation already did */
	reply(&o, rc);
}

bool
dispatch_local(struct req *r, struct worker *w)
{
	struct opctx o = { .c = r->conn, .r = r, .t = &r->t, .w = w };
	int rc;

	switch (r->t.type) {
	case P9_TGETATTR:
	case P9_TCLUNK:
		break;
	case P9_TWALK:		/* a clone: no helper */
		if (r->t.u.twalk.nwname == 0)
			break;
		return false;
	default:
		return false;
	}
	if (atomic_load(&r->flushed)) {
		conn_finish(r, NULL, 0);
		return true;
	}
	if (r->t.type == P9_TGETATTR)
		rc = op_getattr_local(&o);
	else if (r->t.type == P9_TCLUNK)
		rc = op_clunk_local(&o);
	else
		rc = op_walk(&o);
	if (rc == -EAGAIN)
		return false;
	reply(&o, rc);
	return true;
}
