/* pb_server.c - reader, validation and worker pool of the protobuf side
 * (see pb_server.h).
 *
 * Two boundaries, two policies: a request the core refuses becomes an
 * errno in the response; a request that is not well formed (bad frame,
 * unpack failure, unknown fields, unknown op, missing credentials, set-up
 * out of phase) means the frontend is compromised or broken, and the
 * helper stops serving it at once. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/frame.h"
#include "common/log.h"
#include "helper/pb_server.h"

#define PB_QUEUE_MAX 256
#define PB_CHANNELS_MAX 64
#define PB_ARENA (256 * 1024)

/* What one serving thread owns: buffers and the call being answered. */
struct pb_thread {
	uint8_t *scratch, *out, *in;
	struct arena arena;
	struct pb_call call;
};

struct pb_item {
	Vfsd__Request *req;
	struct pb_item *next;
};

struct pb_server {
	struct core *core;
	struct handles *handles;
	int sock;
	int nworkers;
	pthread_t *threads;
	pthread_mutex_t mu;
	pthread_cond_t nonempty, nonfull;
	struct pb_item *head, *tail;
	int queued;
	bool closing;
	bool hello_done;
	int nchannels;
};

int
pb_server_new(struct core *c, int sock, int nworkers, struct pb_server **out)
{
	struct pb_server *s = calloc(1, sizeof(*s));
	int r;

	if (s == NULL)
		return -ENOMEM;
	if ((r = handles_new(PB_HANDLES_MAX, &s->handles)) < 0) {
		free(s);
		return r;
	}
	s->core = c;
	s->sock = sock;
	s->nworkers = nworkers > 0 ? nworkers : PB_WORKERS_DEFAULT;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->nonempty, NULL);
	pthread_cond_init(&s->nonfull, NULL);
	*out = s;
	return 0;
}

struct core *
pb_server_core(struct pb_server *s)
{
	return s->core;
}

struct handles *
pb_server_handles(struct pb_server *s)
{
	return s->handles;
}

void
pb_server_free(struct pb_server *s)
{
	if (s == NULL)
		return;
	handles_free(s->handles);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->nonempty);
	pthread_cond_destroy(&s->nonfull);
	free(s->threads);
	free(s);
}

static void
cred_from_pb(const Vfsd__Cred *pc, struct core_cred *cr)
{
	memset(cr, 0, sizeof(*cr));
	cr->uid = pc->uid;
	cr->gid = pc->gid;
	cr->ngroups = (int)pc->n_groups;
	for (size_t i = 0; i < pc->n_groups; i++)
		cr->groups[i] = pc->groups[i];
}

static struct pb_thread *
pb_thread_new(void)
{
	struct pb_thread *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->scratch = malloc(PB_SCRATCH)) == NULL ||
	    (t->out = malloc(FRAME_MAX)) == NULL ||
	    (t->in = malloc(FRAME_MAX)) == NULL ||
	    arena_init(&t->arena, PB_ARENA) < 0)
		fatalx("out of memory");
	return t;
}

static void
pb_thread_free(struct pb_thread *t)
{
	free(t->scratch);
	free(t->out);
	free(t->in);
	arena_destroy(&t->arena);
	free(t);
}

/* Run one request and send its response on sock.  Called on the thread
 * that owns t. */
static void
pb_answer(struct pb_server *s, int sock, Vfsd__Request *req,
    struct pb_thread *t)
{
	struct pb_call *k = &t->call;
	pb_handler fn = pb_handler_for(req->op_case);
	size_t len;
	int r;

	/* The handlers initialise the reply parts they use. */
	k->srv = s;
	k->req = req;
	k->fd = -1;
	k->scratch = t->scratch;
	if (req->cred)
		cred_from_pb(req->cred, &k->cred);
	else
		memset(&k->cred, 0, sizeof(k->cred));
	vfsd__response__init(&k->rsp);
	k->rsp.id = req->id;
	r = fn(k);
	if (r < 0) {
		if (k->fd >= 0)
			close(k->fd);
		k->fd = -1;
		k->rsp.result_case = VFSD__RESPONSE__RESULT__NOT_SET;
		k->rsp.error = -r;
	}
	k->rsp.has_has_fd = k->fd >= 0;
	k->rsp.has_fd = k->fd >= 0;
	len = vfsd__response__get_packed_size(&k->rsp);
	if (len > FRAME_MAX)
		fatalx("response of %zu bytes exceeds the frame limit", len);
	vfsd__response__pack(&k->rsp, t->out);
	r = frame_send(sock, t->out, len, k->fd);
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		log_warnx("send response: %s", strerror(-r));
	if (k->fd >= 0)
		close(k->fd);
}

static void *
pb_worker(void *arg)
{
	struct pb_server *s = arg;
	struct pb_thread *t = pb_thread_new();

	for (;;) {
		struct pb_item *it;

		pthread_mutex_lock(&s->mu);
		while (s->head == NULL && !s->closing)
			pthread_cond_wait(&s->nonempty, &s->mu);
		if (s->head == NULL) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		it = s->head;
		s->head = it->next;
		if (s->head == NULL)
			s->tail = NULL;
		s->queued--;
		pthread_cond_signal(&s->nonfull);
		pthread_mutex_unlock(&s->mu);
		pb_answer(s, s->sock, it->req, t);
		vfsd__request__free_unpacked(it->req, NULL);
		free(it);
	}
	pb_thread_free(t);
	return NULL;
}

static void
enqueue(struct pb_server *s, Vfsd__Request *req)
{
	struct pb_item *it = malloc(sizeof(*it));

	if (it == NULL)
		fatalx("out of memory");
	it->req = req;
	it->next = NULL;
	pthread_mutex_lock(&s->mu);
	while (s->queued >= PB_QUEUE_MAX)
		pthread_cond_wait(&s->nonfull, &s->mu);
	if (s->tail)
		s->tail->next = it;
	else
		s->head = it;
	s->tail = it;
	s->queued++;
	pthread_cond_signal(&s->nonempty);
	pthread_mutex_unlock(&s->mu);
}

/* A sub-message that carries fields this helper does not know means the
 * peer speaks another protocol version or is probing: refuse it. */
static bool
has_unknown_fields(const ProtobufCMessage *m)
{
	return m != NULL && m->n_unknown_fields != 0;
}

static const ProtobufCMessage *
op_message(const Vfsd__Request *r)
{
	/* Every member of the oneof is a message pointer at the same place. */
	return (const ProtobufCMessage *)r->hello;
}

/* Returns NULL (and the reason) for a request that breaks the protocol. */
static const char *
pb_validate(struct pb_server *s, const Vfsd__Request *req)
{
	if (has_unknown_fields(&req->base) ||
	    has_unknown_fields(op_message(req)) ||
	    (req->cred && has_unknown_fields(&req->cred->base)))
		return "unknown fields";
	if (pb_handler_for(req->op_case) == NULL)
		return "unknown operation";
	if (op_message(req) == NULL)
		return "missing operation body";
	if (req->op_case == VFSD__REQUEST__OP_HELLO) {
		if (s->hello_done)
			return "second hello";
		return NULL;
	}
	if (!s->hello_done)
		return "operation before hello";
	if (pb_op_needs_cred(req->op_case) && req->cred == NULL)
		return "missing credentials";
	if (req->cred && req->cred->n_groups > CORE_MAX_GROUPS)
		return "too many groups";
	return NULL;
}

static void
pb_stop_workers(struct pb_server *s, int started)
{
	pthread_mutex_lock(&s->mu);
	s->closing = true;
	pthread_cond_broadcast(&s->nonempty);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < started; i++)
		pthread_join(s->threads[i], NULL);
}

int
pb_server_run(struct pb_server *s)
{
	uint8_t *in = malloc(FRAME_MAX);
	int started = 0, rc = 0;

	s->threads = calloc((size_t)s->nworkers, sizeof(pthread_t));
	if (in == NULL || s->threads == NULL)
		fatalx("out of memory");
	for (; started < s->nworkers; started++)
		if (pthread_create(&s->threads[started], NULL, pb_worker, s))
			fatalx("cannot start worker threads");
	for (;;) {
		Vfsd__Request *req;
		const char *why;
		size_t len;
		int r = frame_recv(s->sock, in, FRAME_MAX, &len, NULL);

		if (r == 1)
			break;		/* the frontend is gone */
		if (r < 0) {
			log_warnx("frontend sent a bad frame (%s); closing",
			    strerror(-r));
			rc = -EPROTO;
			break;
		}
		req = vfsd__request__unpack(NULL, len, in);
		if (req == NULL) {
			log_warnx("frontend sent an undecodable request; closing");
			rc = -EPROTO;
			break;
		}
		if ((why = pb_validate(s, req)) != NULL) {
			log_warnx("frontend protocol violation (%s, op %d); closing",
			    why, (int)req->op_case);
			vfsd__request__free_unpacked(req, NULL);
			rc = -EPROTO;
			break;
		}
		if (req->op_case == VFSD__REQUEST__OP_HELLO) {
			/* Answered in line so that nothing overtakes it. */
			struct pb_thread *t = pb_thread_new();
			pb_answer(s, s->sock, req, t);
			pb_thread_free(t);
			vfsd__request__free_unpacked(req, NULL);
			s->hello_done = true;
			continue;
		}
		enqueue(s, req);
	}
	pb_stop_workers(s, started);
	free(in);
	return rc;
}

/* ---- private channels ---- */

struct pb_channel {
	struct pb_server *srv;
	int sock;
};

/* Serve one channel until the frontend closes it.  Requests here are
 * answered on this thread, one at a time, so nothing is queued or handed
 * over; their pieces come from the thread's arena. */
static void *
pb_channel_main(void *arg)
{
	struct pb_channel ch = *(struct pb_channel *)arg;
	struct pb_server *s = ch.srv;
	struct pb_thread *t = pb_thread_new();

	free(arg);
	for (;;) {
		Vfsd__Request *req;
		const char *why;
		size_t len;
		int r = frame_recv(ch.sock, t->in, FRAME_MAX, &len, NULL);

		if (r == 1)
			break;
		if (r < 0)
			fatalx("frontend sent a bad frame on a channel (%s)",
			    strerror(-r));
		req = vfsd__request__unpack(&t->arena.pa, len, t->in);
		if (req == NULL)
			fatalx("frontend sent an undecodable request on a channel");
		if ((why = pb_validate(s, req)) != NULL ||
		    (req->op_case == VFSD__REQUEST__OP_HELLO &&
		    (why = "hello on a channel")))
			fatalx("frontend protocol violation on a channel (%s, "
			    "op %d)", why, (int)req->op_case);
		pb_answer(s, ch.sock, req, t);
		arena_reset(&t->arena);
	}
	close(ch.sock);
	pb_thread_free(t);
	pthread_mutex_lock(&s->mu);
	s->nchannels--;
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
pb_server_open_channel(struct pb_server *s, int *fd)
{
	struct pb_channel *ch;
	pthread_attr_t attr;
	pthread_t tid;
	int sv[2], r;

	pthread_mutex_lock(&s->mu);
	if (s->nchannels >= PB_CHANNELS_MAX) {
		pthread_mutex_unlock(&s->mu);
		return -EMFILE;
	}
	s->nchannels++;
	pthread_mutex_unlock(&s->mu);
	if ((r = frame_socketpair(sv)) < 0)
		goto fail;
	if ((ch = malloc(sizeof(*ch))) == NULL) {
		r = -ENOMEM;
		goto fail_close;
	}
	ch->srv = s;
	ch->sock = sv[0];
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = -pthread_create(&tid, &attr, pb_channel_main, ch);
	pthread_attr_destroy(&attr);
	if (r < 0) {
		free(ch);
		goto fail_close;
	}
	*fd = sv[1];
	return 0;
fail_close:
	close(sv[0]);
	close(sv[1]);
fail:
	pthread_mutex_lock(&s->mu);
	s->nchannels--;
	pthread_mutex_unlock(&s->mu);
	return r;
}
