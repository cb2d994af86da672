/* hclient.c - client of the helper protocol (see hclient.h).
 *
 * Calls are synchronous for the caller and concurrent on the wire: every
 * request gets a fresh id and parks on its own condition variable in a
 * table of pending calls; one receiver thread routes each response (and
 * the descriptor riding with it) to the call with that id.  If the helper
 * goes away, every pending and future call fails with EIO. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/frame.h"
#include "common/log.h"
#include "frontend/hclient.h"
#include "proto/vfsd.pb-c.h"

#define HC_BUCKETS 256
#define HC_PROTO_VERSION 1
#define HC_CHANNELS_MAX 32
#define HC_ARENA (256 * 1024)

/* A private channel to the helper (see ChannelReq): the thread holding it
 * sends and receives itself.  Responses are unpacked into its arena. */
struct chan {
	int sock;
	uint8_t *buf;		/* FRAME_MAX: requests out, responses in */
	struct arena arena;
	struct chan *next;
};

/* A response and where its memory comes from. */
struct reply {
	Vfsd__Response *m;
	struct chan *ch;	/* NULL: malloc'd by the main-socket path */
};

struct pending {
	uint64_t id;
	pthread_cond_t cv;
	bool done;
	Vfsd__Response *rsp;
	int fd;
	struct pending *next;
};

struct hclient {
	int sock;
	pthread_t rx;
	pthread_mutex_t mu;
	uint64_t next_id;
	bool dead;
	bool stopping;		/* hclient_stop: the EOF is ours, not news */
	struct pending *bucket[HC_BUCKETS];
	struct chan *free_chans;
	int nchans;
	bool no_chans;		/* the helper refused one: stop asking */
};

/* Caller holds mu. Unlinks and returns the pending call with id. */
static struct pending *
take_pending(struct hclient *hc, uint64_t id)
{
	struct pending **pp = &hc->bucket[id % HC_BUCKETS];

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			struct pending *p = *pp;
			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

/* Caller holds mu. */
static void
fail_all(struct hclient *hc)
{
	__atomic_store_n(&hc->dead, true, __ATOMIC_RELEASE);
	for (int i = 0; i < HC_BUCKETS; i++) {
		while (hc->bucket[i]) {
			struct pending *p = hc->bucket[i];
			hc->bucket[i] = p->next;
			p->done = true;
			pthread_cond_signal(&p->cv);
		}
	}
}

static void *
rx_main(void *arg)
{
	struct hclient *hc = arg;
	uint8_t *buf = malloc(FRAME_MAX);
	const char *why = "helper closed the connection";

	while (buf) {
		size_t len;
		int fd, r = frame_recv(hc->sock, buf, FRAME_MAX, &len, &fd);
		Vfsd__Response *rsp;
		struct pending *p;

		if (r != 0) {
			if (r < 0)
				why = "bad frame from helper";
			break;
		}
		rsp = vfsd__response__unpack(NULL, len, buf);
		if (rsp == NULL || (fd >= 0) != (rsp->has_has_fd && rsp->has_fd)) {
			if (fd >= 0)
				close(fd);
			if (rsp)
				vfsd__response__free_unpacked(rsp, NULL);
			why = "undecodable response from helper";
			break;
		}
		pthread_mutex_lock(&hc->mu);
		p = take_pending(hc, rsp->id);
		if (p) {
			p->rsp = rsp;
			p->fd = fd;
			p->done = true;
			pthread_cond_signal(&p->cv);
		}
		pthread_mutex_unlock(&hc->mu);
		if (p == NULL) {
			if (fd >= 0)
				close(fd);
			vfsd__response__free_unpacked(rsp, NULL);
			why = "response for an unknown request";
			break;
		}
	}
	free(buf);
	pthread_mutex_lock(&hc->mu);
	if (!hc->dead && !hc->stopping)
		log_warnx("helper connection lost (%s); failing all requests "
		    "with EIO", why);
	fail_all(hc);
	pthread_mutex_unlock(&hc->mu);
	return NULL;
}

/* Check a response against what was asked; 0 or -errno. */
static int
judge(const Vfsd__Request *req, const Vfsd__Response *m,
    Vfsd__Response__ResultCase want)
{
	if (m->error != 0)
		return (m->error > 0 && m->error < 4096) ? -m->error : -EIO;
	if (m->result_case != want) {
		log_warnx("helper answered request %d with result %d",
		    (int)req->op_case, (int)m->result_case);
		return -EIO;
	}
	return 0;
}

/* Send req on the shared socket and wait for the receiver thread to hand
 * over its response.  See call() for the contract. */
static int
call_main(struct hclient *hc, Vfsd__Request *req,
    Vfsd__Response__ResultCase want, Vfsd__Response **rsp, int *fd)
{
	struct pending p = { .fd = -1 };
	uint8_t stackbuf[512], *buf = stackbuf;
	size_t len;
	int r;

	/* The id is part of the packed size (a varint), so it is chosen
	 * before the size is measured. */
	pthread_mutex_lock(&hc->mu);
	req->id = ++hc->next_id;
	pthread_mutex_unlock(&hc->mu);
	len = vfsd__request__get_packed_size(req);

	*rsp = NULL;
	if (fd)
		*fd = -1;
	if (len > FRAME_MAX)
		return -E2BIG;
	if (len > sizeof(stackbuf) && (buf = malloc(len)) == NULL)
		return -ENOMEM;
	pthread_cond_init(&p.cv, NULL);
	pthread_mutex_lock(&hc->mu);
	if (hc->dead) {
		pthread_mutex_unlock(&hc->mu);
		r = -EIO;
		goto out;
	}
	p.id = req->id;
	p.next = hc->bucket[p.id % HC_BUCKETS];
	hc->bucket[p.id % HC_BUCKETS] = &p;
	pthread_mutex_unlock(&hc->mu);

	vfsd__request__pack(req, buf);
	r = frame_send(hc->sock, buf, len, -1);
	pthread_mutex_lock(&hc->mu);
	if (r < 0) {
		take_pending(hc, p.id);
		pthread_mutex_unlock(&hc->mu);
		r = -EIO;
		goto out;
	}
	while (!p.done)
		pthread_cond_wait(&p.cv, &hc->mu);
	pthread_mutex_unlock(&hc->mu);
	if (p.rsp == NULL) {
		r = -EIO;
		goto out;
	}
	r = judge(req, p.rsp, want);
	if (r < 0) {
		if (p.fd >= 0)
			close(p.fd);
		vfsd__response__free_unpacked(p.rsp, NULL);
	} else {
		*rsp = p.rsp;
		if (fd)
			*fd = p.fd;
		else if (p.fd >= 0)
			close(p.fd);
	}
out:
	pthread_cond_destroy(&p.cv);
	if (buf != stackbuf)
		free(buf);
	return r;
}

/* Mark the helper gone (a channel saw it end) and fail everyone waiting. */
static void
chan_lost(struct hclient *hc, const char *why)
{
	pthread_mutex_lock(&hc->mu);
	if (!hc->dead && !hc->stopping)
		log_warnx("helper channel lost (%s); failing all requests with "
		    "EIO", why);
	fail_all(hc);
	pthread_mutex_unlock(&hc->mu);
}

static void
chan_free(struct chan *ch)
{
	close(ch->sock);
	free(ch->buf);
	arena_destroy(&ch->arena);
	free(ch);
}

/* Ask the helper for a new channel (over the shared socket). */
static struct chan *
chan_open(struct hclient *hc)
{
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__ChannelReq m = VFSD__CHANNEL_REQ__INIT;
	Vfsd__Response *rsp;
	struct chan *ch;
	int fd, r;

	req.op_case = VFSD__REQUEST__OP_CHANNEL;
	req.channel = &m;
	r = call_main(hc, &req, VFSD__RESPONSE__RESULT_CHANNEL, &rsp, &fd);
	if (r < 0)
		return NULL;
	vfsd__response__free_unpacked(rsp, NULL);
	if (fd < 0)
		return NULL;
	if ((ch = calloc(1, sizeof(*ch))) == NULL ||
	    (ch->buf = malloc(FRAME_MAX)) == NULL ||
	    arena_init(&ch->arena, HC_ARENA) < 0) {
		if (ch)
			free(ch->buf);
		free(ch);
		close(fd);
		return NULL;
	}
	ch->sock = fd;
	return ch;
}

/* A free channel, a new one, or NULL (then use the shared socket). */
static struct chan *
chan_get(struct hclient *hc)
{
	struct chan *ch;
	bool open_one = false;

	pthread_mutex_lock(&hc->mu);
	if ((ch = hc->free_chans) != NULL) {
		hc->free_chans = ch->next;
	} else if (!hc->no_chans && !hc->dead && hc->nchans < HC_CHANNELS_MAX) {
		hc->nchans++;
		open_one = true;
	}
	pthread_mutex_unlock(&hc->mu);
	if (!open_one)
		return ch;
	if ((ch = chan_open(hc)) == NULL) {
		pthread_mutex_lock(&hc->mu);
		hc->nchans--;
		hc->no_chans = true;
		pthread_mutex_unlock(&hc->mu);
	}
	return ch;
}

static void
chan_put(struct hclient *hc, struct chan *ch)
{
	arena_reset(&ch->arena);
	pthread_mutex_lock(&hc->mu);
	ch->next = hc->free_chans;
	hc->free_chans = ch;
	pthread_mutex_unlock(&hc->mu);
}

/* One request and its response on a private channel. */
static int
call_chan(struct hclient *hc, struct chan *ch, Vfsd__Request *req,
    Vfsd__Response__ResultCase want, Vfsd__Response **rsp, int *fd)
{
	size_t len;
	int r, got = -1;

	req->id = 1;		/* one at a time: the id only confirms pairing */
	len = vfsd__request__get_packed_size(req);
	if (len > FRAME_MAX)
		return -E2BIG;
	vfsd__request__pack(req, ch->buf);
	if ((r = frame_send(ch->sock, ch->buf, len, -1)) < 0) {
		chan_lost(hc, strerror(-r));
		return -EIO;
	}
	r = frame_recv(ch->sock, ch->buf, FRAME_MAX, &len, &got);
	if (r != 0) {
		chan_lost(hc, r == 1 ? "helper closed it" : strerror(-r));
		return -EIO;
	}
	*rsp = vfsd__response__unpack(&ch->arena.pa, len, ch->buf);
	if (*rsp == NULL || (*rsp)->id != req->id ||
	    (got >= 0) != ((*rsp)->has_has_fd && (*rsp)->has_fd)) {
		if (got >= 0)
			close(got);
		chan_lost(hc, "bad response");
		return -EIO;
	}
	if ((r = judge(req, *rsp, want)) < 0) {
		if (got >= 0)
			close(got);
		return r;
	}
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	return 0;
}

/* Send req and wait for its response: on a private channel when one is
 * free (or can be made), else on the shared socket.  On success rp->m is
 * the response, to be given back with reply_done(); *fd (if not NULL)
 * receives a descriptor or -1.  Returns 0, -errno from the helper, or
 * -EIO when the helper is gone. */
static int
call(struct hclient *hc, Vfsd__Request *req, Vfsd__Response__ResultCase want,
    struct reply *rp, int *fd)
{
	int r;

	rp->m = NULL;
	rp->ch = NULL;
	if (fd)
		*fd = -1;
	if (hclient_dead(hc))
		return -EIO;
	if ((rp->ch = chan_get(hc)) == NULL)
		return call_main(hc, req, want, &rp->m, fd);
	r = call_chan(hc, rp->ch, req, want, &rp->m, fd);
	if (r < 0) {
		if (hclient_dead(hc)) {
			pthread_mutex_lock(&hc->mu);
			hc->nchans--;
			pthread_mutex_unlock(&hc->mu);
			chan_free(rp->ch);
		} else {
			chan_put(hc, rp->ch);
		}
		rp->ch = NULL;
		rp->m = NULL;
	}
	return r;
}

static void
reply_done(struct hclient *hc, struct reply *rp)
{
	if (rp->ch)
		chan_put(hc, rp->ch);
	else if (rp->m)
		vfsd__response__free_unpacked(rp->m, NULL);
	rp->m = NULL;
	rp->ch = NULL;
}

int
hclient_start(int sock, struct hclient **out, struct hinfo *info)
{
	struct hclient *hc = calloc(1, sizeof(*hc));
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__HelloReq hello = VFSD__HELLO_REQ__INIT;
	Vfsd__Response *rsp;
	int r;

	if (hc == NULL)
		return -ENOMEM;
	hc->sock = sock;
	pthread_mutex_init(&hc->mu, NULL);
	if (pthread_create(&hc->rx, NULL, rx_main, hc) != 0) {
		free(hc);
		return -EAGAIN;
	}
	hello.version = HC_PROTO_VERSION;
	req.op_case = VFSD__REQUEST__OP_HELLO;
	req.hello = &hello;
	/* Hello goes first and alone, on the shared socket: channels may
	 * only be asked for after it. */
	r = call_main(hc, &req, VFSD__RESPONSE__RESULT_HELLO, &rsp, NULL);
	if (r < 0) {
		hclient_stop(hc);
		return r;
	}
	info->model = rsp->hello->model;
	info->readonly = rsp->hello->readonly;
	info->bsize = rsp->hello->iounit_bsize;
	vfsd__response__free_unpacked(rsp, NULL);
	*out = hc;
	return 0;
}

void
hclient_stop(struct hclient *hc)
{
	if (hc == NULL)
		return;
	/* Wake the receiver: the helper sees EOF and exits, we see EOF. */
	pthread_mutex_lock(&hc->mu);
	hc->stopping = true;
	pthread_mutex_unlock(&hc->mu);
	shutdown(hc->sock, SHUT_RDWR);
	pthread_join(hc->rx, NULL);
	/* Callers are gone by now, so every channel is back in the list. */
	while (hc->free_chans) {
		struct chan *ch = hc->free_chans;
		hc->free_chans = ch->next;
		chan_free(ch);
	}
	pthread_mutex_destroy(&hc->mu);
	free(hc);
}

/* Lock-free: asked on every request, including those the frontend
 * answers alone.  dead is only ever set (under mu) and never cleared. */
bool
hclient_dead(struct hclient *hc)
{
	return __atomic_load_n(&hc->dead, __ATOMIC_ACQUIRE);
}

/* ---- conversions ---- */

static void
attr_from_pb(const Vfsd__Attr *a, struct hattr *h)
{
	if (h == NULL)
		return;
	h->qid_path = a->qid_path;
	h->mode = a->mode;
	h->uid = a->uid;
	h->gid = a->gid;
	h->nlink = a->nlink;
	h->rdev = a->rdev;
	h->size = a->size;
	h->blksize = a->blksize;
	h->blocks = a->blocks;
	h->atime_sec = a->atime_sec;
	h->atime_nsec = a->atime_nsec;
	h->mtime_sec = a->mtime_sec;
	h->mtime_nsec = a->mtime_nsec;
	h->ctime_sec = a->ctime_sec;
	h->ctime_nsec = a->ctime_nsec;
	h->gen = a->gen;
	h->has_gen = a->has_gen;
}

/* A request envelope with the caller's credentials. */
struct env {
	Vfsd__Request req;
	Vfsd__Cred cred;
};

static void
env_init(struct env *e, const struct hcred *cr)
{
	vfsd__request__init(&e->req);
	vfsd__cred__init(&e->cred);
	if (cr) {
		e->cred.uid = cr->uid;
		e->cred.gid = cr->gid;
		e->cred.n_groups = (size_t)cr->ngroups;
		e->cred.groups = (uint32_t *)(uintptr_t)cr->groups;
		e->req.cred = &e->cred;
	}
}

static ProtobufCBinaryData
bytes_of(const char *s)
{
	ProtobufCBinaryData b = { strlen(s), (uint8_t *)(uintptr_t)s };
	return b;
}

#define ENV(e, cr, field, CASE, msg) do {				\
	env_init(&(e), (cr));						\
	(e).req.op_case = VFSD__REQUEST__OP_##CASE;			\
	(e).req.field = &(msg);						\
} while (0)

#define RESULT(CASE) VFSD__RESPONSE__RESULT_##CASE

/* ---- stubs, one per helper operation ---- */

int
helper_attach_fd(struct hclient *hc, const struct hcred *cr,
    const char *aname, uint64_t *h, struct hattr *attr, int *nodefd)
{
	Vfsd__AttachReq m = VFSD__ATTACH_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.aname = bytes_of(aname);
	m.has_want_fd = m.want_fd = nodefd != NULL;
	ENV(e, cr, attach, ATTACH, m);
	if ((r = call(hc, &e.req, RESULT(ATTACH), &rsp, nodefd)) < 0)
		return r;
	*h = rsp.m->attach->handle;
	attr_from_pb(rsp.m->attach->attr, attr);
	reply_done(hc, &rsp);
	return 0;
}

int
helper_attach(struct hclient *hc, const struct hcred *cr, const char *aname,
    uint64_t *h, struct hattr *attr)
{
	return helper_attach_fd(hc, cr, aname, h, attr, NULL);
}

int
helper_walk(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    int nwname, const char *const *names, struct hattr *attrs, int *nwalked,
    int *walk_errno, uint64_t *h, uint64_t *parent)
{
	return helper_walk_fd(hc, cr, dir, nwname, names, attrs, nwalked,
	    walk_errno, h, parent, NULL);
}

int
helper_walk_fd(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    int nwname, const char *const *names, struct hattr *attrs, int *nwalked,
    int *walk_errno, uint64_t *h, uint64_t *parent, int *nodefd)
{
	Vfsd__WalkReq m = VFSD__WALK_REQ__INIT;
	ProtobufCBinaryData nb[HCLIENT_MAX_WALK];
	struct reply rsp;
	struct env e;
	int r;

	if (nwname < 1 || nwname > HCLIENT_MAX_WALK)
		return -EINVAL;
	for (int i = 0; i < nwname; i++)
		nb[i] = bytes_of(names[i]);
	m.dir = dir;
	m.n_names = (size_t)nwname;
	m.names = nb;
	m.has_want_fd = m.want_fd = nodefd != NULL;
	ENV(e, cr, walk, WALK, m);
	if ((r = call(hc, &e.req, RESULT(WALK), &rsp, nodefd)) < 0)
		return r;
	const Vfsd__WalkRep *w = rsp.m->walk;
	if (w->n_attrs == 0 || w->n_attrs > (size_t)nwname ||
	    (w->n_attrs == (size_t)nwname) != w->has_handle) {
		reply_done(hc, &rsp);
		if (nodefd && *nodefd >= 0) {
			close(*nodefd);
			*nodefd = -1;
		}
		return -EIO;
	}
	*nwalked = (int)w->n_attrs;
	for (size_t i = 0; i < w->n_attrs; i++)
		attr_from_pb(w->attrs[i], &attrs[i]);
	*walk_errno = w->has_walk_errno ? w->walk_errno : 0;
	*h = w->has_handle ? w->handle : 0;
	*parent = w->has_parent ? w->parent : 0;
	reply_done(hc, &rsp);
	return 0;
}

int
helper_release(struct hclient *hc, const uint64_t *handles, int n)
{
	Vfsd__ReleaseReq m = VFSD__RELEASE_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.n_handles = (size_t)n;
	m.handles = (uint64_t *)(uintptr_t)handles;
	ENV(e, NULL, release, RELEASE, m);
	if ((r = call(hc, &e.req, RESULT(RELEASE), &rsp, NULL)) < 0)
		return r;
	reply_done(hc, &rsp);
	return 0;
}

int
helper_getattr(struct hclient *hc, const struct hcred *cr, uint64_t h,
    struct hattr *attr)
{
	Vfsd__GetattrReq m = VFSD__GETATTR_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	ENV(e, cr, getattr, GETATTR, m);
	if ((r = call(hc, &e.req, RESULT(GETATTR), &rsp, NULL)) < 0)
		return r;
	attr_from_pb(rsp.m->getattr->attr, attr);
	reply_done(hc, &rsp);
	return 0;
}

int
helper_setattr(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const struct hsetattr *sa)
{
	Vfsd__SetattrReq m = VFSD__SETATTR_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	m.valid = sa->valid;
	m.has_mode = true; m.mode = sa->mode;
	m.has_uid = (sa->valid & 0x2) != 0; m.uid = sa->uid;
	m.has_gid = (sa->valid & 0x4) != 0; m.gid = sa->gid;
	m.has_size = true; m.size = sa->size;
	m.has_atime_sec = m.has_atime_nsec = true;
	m.atime_sec = sa->atime_sec; m.atime_nsec = sa->atime_nsec;
	m.has_mtime_sec = m.has_mtime_nsec = true;
	m.mtime_sec = sa->mtime_sec; m.mtime_nsec = sa->mtime_nsec;
	ENV(e, cr, setattr, SETATTR, m);
	if ((r = call(hc, &e.req, RESULT(SETATTR), &rsp, NULL)) < 0)
		return r;
	reply_done(hc, &rsp);
	return 0;
}

int
helper_open(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint32_t flags, int *fd, struct hattr *attr, uint32_t *iounit)
{
	Vfsd__OpenReq m = VFSD__OPEN_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	m.flags = flags;
	ENV(e, cr, open, OPEN, m);
	if ((r = call(hc, &e.req, RESULT(OPEN), &rsp, fd)) < 0)
		return r;
	if (*fd < 0) {
		reply_done(hc, &rsp);
		return -EIO;
	}
	attr_from_pb(rsp.m->open->attr, attr);
	if (iounit)
		*iounit = rsp.m->open->iounit;
	reply_done(hc, &rsp);
	return 0;
}

int
helper_create(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t flags, uint32_t mode, uint32_t gid,
    uint64_t *h, int *fd, struct hattr *attr, uint32_t *iounit)
{
	Vfsd__CreateReq m = VFSD__CREATE_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.dir = dir;
	m.name = bytes_of(name);
	m.flags = flags;
	m.mode = mode;
	m.gid = gid;
	ENV(e, cr, create, CREATE, m);
	if ((r = call(hc, &e.req, RESULT(CREATE), &rsp, fd)) < 0)
		return r;
	if (*fd < 0) {
		/* The node exists but we cannot use it: give the handle back. */
		uint64_t lost = rsp.m->create->handle;
		reply_done(hc, &rsp);
		helper_release(hc, &lost, 1);
		return -EIO;
	}
	*h = rsp.m->create->handle;
	attr_from_pb(rsp.m->create->attr, attr);
	if (iounit)
		*iounit = rsp.m->create->iounit;
	reply_done(hc, &rsp);
	return 0;
}

int
helper_mkdir(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t mode, uint32_t gid, struct hattr *attr)
{
	Vfsd__MkdirReq m = VFSD__MKDIR_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.dir = dir;
	m.name = bytes_of(name);
	m.mode = mode;
	m.gid = gid;
	ENV(e, cr, mkdir, MKDIR, m);
	if ((r = call(hc, &e.req, RESULT(MKDIR), &rsp, NULL)) < 0)
		return r;
	attr_from_pb(rsp.m->mkdir->attr, attr);
	reply_done(hc, &rsp);
	return 0;
}

int
helper_symlink(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, const char *target, uint32_t gid, struct hattr *attr)
{
	Vfsd__SymlinkReq m = VFSD__SYMLINK_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.dir = dir;
	m.name = bytes_of(name);
	m.target = bytes_of(target);
	m.gid = gid;
	ENV(e, cr, symlink, SYMLINK, m);
	if ((r = call(hc, &e.req, RESULT(SYMLINK), &rsp, NULL)) < 0)
		return r;
	attr_from_pb(rsp.m->symlink->attr, attr);
	reply_done(hc, &rsp);
	return 0;
}

int
helper_mknod(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t mode, uint32_t major, uint32_t minor,
    uint32_t gid, struct hattr *attr)
{
	Vfsd__MknodReq m = VFSD__MKNOD_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.dir = dir;
	m.name = bytes_of(name);
	m.mode = mode;
	m.major = major;
	m.minor = minor;
	m.gid = gid;
	ENV(e, cr, mknod, MKNOD, m);
	if ((r = call(hc, &e.req, RESULT(MKNOD), &rsp, NULL)) < 0)
		return r;
	attr_from_pb(rsp.m->mknod->attr, attr);
	reply_done(hc, &rsp);
	return 0;
}

/* Operations whose response carries nothing but success. */
static int
call_void(struct hclient *hc, struct env *e, Vfsd__Response__ResultCase want)
{
	struct reply rsp;
	int r = call(hc, &e->req, want, &rsp, NULL);

	if (r == 0)
		reply_done(hc, &rsp);
	return r;
}

int
helper_link(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint64_t dir, const char *name)
{
	Vfsd__LinkReq m = VFSD__LINK_REQ__INIT;
	struct env e;

	m.handle = h;
	m.dir = dir;
	m.name = bytes_of(name);
	ENV(e, cr, link, LINK, m);
	return call_void(hc, &e, RESULT(LINK));
}

int
helper_renameat(struct hclient *hc, const struct hcred *cr, uint64_t olddir,
    const char *oldname, uint64_t newdir, const char *newname)
{
	Vfsd__RenameatReq m = VFSD__RENAMEAT_REQ__INIT;
	struct env e;

	m.olddir = olddir;
	m.oldname = bytes_of(oldname);
	m.newdir = newdir;
	m.newname = bytes_of(newname);
	ENV(e, cr, renameat, RENAMEAT, m);
	return call_void(hc, &e, RESULT(RENAMEAT));
}

int
helper_unlinkat(struct hclient *hc, const struct hcred *cr, uint64_t dir,
    const char *name, uint32_t flags)
{
	Vfsd__UnlinkatReq m = VFSD__UNLINKAT_REQ__INIT;
	struct env e;

	m.dir = dir;
	m.name = bytes_of(name);
	m.flags = flags;
	ENV(e, cr, unlinkat, UNLINKAT, m);
	return call_void(hc, &e, RESULT(UNLINKAT));
}

int
helper_rename(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint64_t olddir, const char *oldname, uint64_t newdir,
    const char *newname)
{
	Vfsd__RenameReq m = VFSD__RENAME_REQ__INIT;
	struct env e;

	m.handle = h;
	m.olddir = olddir;
	m.oldname = bytes_of(oldname);
	m.newdir = newdir;
	m.newname = bytes_of(newname);
	ENV(e, cr, rename, RENAME, m);
	return call_void(hc, &e, RESULT(RENAME));
}

int
helper_remove(struct hclient *hc, const struct hcred *cr, uint64_t h,
    uint64_t dir, const char *name)
{
	Vfsd__RemoveReq m = VFSD__REMOVE_REQ__INIT;
	struct env e;

	m.handle = h;
	m.dir = dir;
	m.name = bytes_of(name);
	ENV(e, cr, remove, REMOVE, m);
	return call_void(hc, &e, RESULT(REMOVE));
}

int
helper_readlink(struct hclient *hc, const struct hcred *cr, uint64_t h,
    char *target, size_t cap)
{
	Vfsd__ReadlinkReq m = VFSD__READLINK_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	ENV(e, cr, readlink, READLINK, m);
	if ((r = call(hc, &e.req, RESULT(READLINK), &rsp, NULL)) < 0)
		return r;
	size_t len = rsp.m->readlink->target.len;
	if (cap == 0 || len >= cap) {
		r = -ENAMETOOLONG;
	} else {
		memcpy(target, rsp.m->readlink->target.data, len);
		target[len] = '\0';
		r = (int)len;
	}
	reply_done(hc, &rsp);
	return r;
}

int
helper_statfs(struct hclient *hc, const struct hcred *cr, uint64_t h,
    struct hstatfs *st)
{
	Vfsd__StatfsReq m = VFSD__STATFS_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	ENV(e, cr, statfs, STATFS, m);
	if ((r = call(hc, &e.req, RESULT(STATFS), &rsp, NULL)) < 0)
		return r;
	const Vfsd__StatfsRep *s = rsp.m->statfs;
	st->type = s->type;
	st->bsize = s->bsize;
	st->blocks = s->blocks;
	st->bfree = s->bfree;
	st->bavail = s->bavail;
	st->files = s->files;
	st->ffree = s->ffree;
	st->fsid = s->fsid;
	st->namelen = s->namelen;
	reply_done(hc, &rsp);
	return 0;
}

/* Copy a byte-string result out, -ERANGE if it does not fit (cap 0 asks
 * for the size only). */
static int
copy_out(const ProtobufCBinaryData *b, void *out, size_t cap)
{
	if (cap == 0)
		return (int)b->len;
	if (b->len > cap)
		return -ERANGE;
	if (b->len > 0)		/* an empty value may have no data pointer */
		memcpy(out, b->data, b->len);
	return (int)b->len;
}

int
helper_xattr_get(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const char *name, void *value, size_t cap)
{
	Vfsd__XattrGetReq m = VFSD__XATTR_GET_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	m.name = bytes_of(name);
	ENV(e, cr, xattr_get, XATTR_GET, m);
	if ((r = call(hc, &e.req, RESULT(XATTR_GET), &rsp, NULL)) < 0)
		return r;
	r = copy_out(&rsp.m->xattr_get->value, value, cap);
	reply_done(hc, &rsp);
	return r;
}

int
helper_xattr_list(struct hclient *hc, const struct hcred *cr, uint64_t h,
    char *list, size_t cap)
{
	Vfsd__XattrListReq m = VFSD__XATTR_LIST_REQ__INIT;
	struct reply rsp;
	struct env e;
	int r;

	m.handle = h;
	ENV(e, cr, xattr_list, XATTR_LIST, m);
	if ((r = call(hc, &e.req, RESULT(XATTR_LIST), &rsp, NULL)) < 0)
		return r;
	r = copy_out(&rsp.m->xattr_list->names, list, cap);
	reply_done(hc, &rsp);
	return r;
}

int
helper_xattr_set(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const char *name, const void *value, size_t size, uint32_t flags)
{
	Vfsd__XattrSetReq m = VFSD__XATTR_SET_REQ__INIT;
	struct env e;

	m.handle = h;
	m.name = bytes_of(name);
	m.value.data = (uint8_t *)(uintptr_t)value;
	m.value.len = size;
	m.flags = flags;
	ENV(e, cr, xattr_set, XATTR_SET, m);
	return call_void(hc, &e, RESULT(XATTR_SET));
}

int
helper_xattr_remove(struct hclient *hc, const struct hcred *cr, uint64_t h,
    const char *name)
{
	Vfsd__XattrRemoveReq m = VFSD__XATTR_REMOVE_REQ__INIT;
	struct env e;

	m.handle = h;
	m.name = bytes_of(name);
	ENV(e, cr, xattr_remove, XATTR_REMOVE, m);
	return call_void(hc, &e, RESULT(XATTR_REMOVE));
}
