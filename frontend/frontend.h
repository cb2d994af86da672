/* frontend.h - the unprivileged 9P2000.L server: fids, connections,
 * workers, operations, transports.
 *
 * Threads: one reader per connection decodes requests and queues them to
 * the connection's worker pool (or runs a request itself when it is the
 * only one in flight, or when it needs neither the helper nor a wait:
 * dispatch_local); workers run the operation, talk to the helper and
 * write the reply under the connection's write lock, in any order.
 * Blocking locks wait on a per-connection waiter thread, and handles are
 * given back to the helper by one releaser thread.  The only locks on the
 * request path are per connection (tags, writes, fid table, workers) and
 * per fid (open state), so connections never contend with each other. */
#ifndef VFSD_FRONTEND_H
#define VFSD_FRONTEND_H

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "frontend/hclient.h"
#include "frontend/p9.h"

/* ---- fids ---- */

/* Descriptors the frontend keeps for Tgetattr (struct hnode.pfd): a
 * bound well under RLIMIT_NOFILE so that open fids always find one. */
struct fdbudget {
	atomic_int used;
	int max;
};

/* What the helper last said about a node (attrcache.c).  qid_path,
 * rdev and the file type never change for the inode a node pins; the
 * rest is trusted only while the host ctime is still the one the helper
 * saw (every change of mode, owner or xattr moves it). */
struct acache {
	bool have;		/* an answer is stored */
	bool fresh;		/* ctime was older than the question */
	struct timespec ctime;
	uint64_t qid_path, rdev, gen;
	uint32_t mode, uid, gid;
	bool has_gen;
};

/* A helper handle shared by the fids that refer to it (clones, the
 * parent of a walked fid).  The helper is told to release it when the
 * last user goes.  pfd, when not -1, is an O_PATH descriptor of the same
 * inode from the helper, set before the node is shared and closed with
 * it; the frontend only ever fstats it. */
struct hnode {
	uint64_t h;
	atomic_int refs;
	int pfd;
	struct fdbudget *budget;	/* pfd counts against it */
	pthread_mutex_t lock;		/* ac */
	struct acache ac;
};

enum fid_kind {
	FID_NODE,		/* a file system object */
	FID_XATTR_READ,		/* Txattrwalk: value or name list buffered */
	FID_XATTR_WRITE,	/* Txattrcreate: value collected until clunk */
};

struct fid_xattr {
	uint8_t *buf;
	size_t size;		/* value size (read) or attr_size (write) */
	size_t filled;		/* bytes written so far (write) */
	uint32_t flags;
	char name[256];
};

struct fidtab;

struct fid {
	uint32_t num;
	struct fid *hnext;	/* hash chain */
	atomic_int refs;	/* the table's, plus one per request using it */
	struct fidtab *tab;
	pthread_mutex_t lock;	/* kind, fd, xa: open/readdir/xattr state */
	enum fid_kind kind;
	struct hnode *node;
	struct hnode *parent;	/* directory this fid was walked from */
	char *name;		/* and the name it was walked with */
	struct hcred cred;	/* identity of the attach it descends from */
	uint8_t qtype;
	int fd;			/* open descriptor (Tlopen/Tlcreate) or -1 */
	uint32_t oflags, iounit;
	bool killpriv;		/* first write must drop setuid/setgid */
	bool isreg;		/* fd is a regular file: reads may splice */
	struct fid_xattr *xa;
};

struct fidtab {
	pthread_mutex_t lock;
	struct fid **bucket;	/* chained hash by fid number */
	size_t nbucket, count, max;
	void (*release)(void *ctx, uint64_t h);
	void *ctx;
};

/* fid.c */
int fidtab_init(struct fidtab *t, size_t max,
    void (*release)(void *, uint64_t), void *ctx);
void fidtab_clear(struct fidtab *t);
void fidtab_destroy(struct fidtab *t);
size_t fidtab_count(struct fidtab *t);
struct hnode *hnode_new(uint64_t h);
struct hnode *hnode_ref(struct hnode *n);
void hnode_put(struct fidtab *t, struct hnode *n);
struct fid *fid_alloc(struct fidtab *t, uint32_t num);
int fid_insert(struct fid *f);
int fid_replace(struct fid *f);
struct fid *fid_get(struct fidtab *t, uint32_t num);
bool fid_exists(struct fidtab *t, uint32_t num);
struct fid *fid_take(struct fidtab *t, uint32_t num);
void fid_put(struct fid *f);
int fid_set_name(struct fid *f, struct hnode *parent, const char *name);

/* ---- server, connections, requests ---- */

struct server;
struct conn;

/* A connection's workers: started on demand up to max, stopped with the
 * connection, so one client's slow or blocked requests never hold up
 * another's and no lock is shared between connections. */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct req *head, *tail;
	int nthreads, nidle, queued, max;
	bool stop;
};

/* Per-worker buffers: a reply of up to max msize and scratch space. */
struct worker {
	uint8_t *rbuf;
	uint8_t *scratch;
	size_t cap;
};

/* The pipes large reads are spliced through (splice_read.c), shared by
 * every connection and lent for one read at a time, so that their
 * number (descriptors, and pipe pages the kernel counts against the
 * user's pipe-user-pages-soft) stays bounded however many connections
 * and workers there are. */
#define SPLICE_PIPES 16
struct spipe {
	int rd, wr;		/* -1: not made yet, or dropped */
	size_t cap;		/* bytes it holds */
	size_t refused;		/* a size F_SETPIPE_SZ refused, or 0 */
};
struct pipepool {
	pthread_mutex_t lock;
	struct spipe *free[SPLICE_PIPES];
	int nfree;
	struct spipe pipes[SPLICE_PIPES];
};

/* One 9P request from read to reply. */
struct req {
	struct conn *conn;
	struct req *next;		/* pool queue, conn free list */
	struct req *tag_next;		/* tag hash chain */
	struct req *flushers;		/* Tflush requests waiting on us */
	struct req *flush_next;
	struct p9_fcall t;
	uint16_t tag;
	atomic_bool flushed;
	bool in_table;
	struct fid *lk_fid;		/* a parked blocking Tlock: its fid */
	struct flock lk;		/* and the lock it waits for */
	uint8_t *buf;			/* the frame: small or a big buffer */
	uint8_t *big;
	uint8_t small[8192];
};

#define REQ_TAG_BUCKETS 256
/* Read-ahead of small requests; a payload at least this big (Twrite
 * data) is read straight into its request, not copied through here. */
#define CONN_INBUF 8192

/* A reader's poll window and back-off (spin.c). */
struct spinwin {
	uint32_t ns;			/* 0: block at once */
	uint64_t off_until;		/* no polling before (spin_now_ns) */
	/* The trial (spin_judge): phases that poll against phases that
	 * block, judged by the client's turnaround in each. */
	bool block;			/* this phase does not poll */
	uint32_t count;			/* waits in this phase */
	uint32_t phase_caught;		/* of them caught by a poll */
	uint64_t sum;			/* their capped sum, ns */
	uint32_t mean[2];		/* [block]: smoothed phase mean, 0 unknown */
	uint32_t phases, polled_phases;	/* done, for the log */
	uint64_t waits, caught;		/* all waits; requests a poll caught */
};

/* Readers polling for a request right now, and how many may (spin.c). */
struct spinners {
	atomic_int n;
	int max;
};

struct conn {
	struct server *srv;
	struct spinwin spin;		/* reader's poll window (spin.c) */
	bool spin_armed;		/* it just replied to the only request */
	int rfd, wfd;
	char peer[64];
	uint8_t *in;			/* read-ahead of the client's bytes */
	size_t inpos, inlen;
	bool notsock;			/* rfd is no socket: no recv(), no poll */
	bool wsock;			/* wfd is a socket: Rread may splice */
	uint32_t msize;
	pthread_mutex_t wlock;		/* one reply at a time on the wire */
	pthread_mutex_t lock;		/* the fields below */
	pthread_cond_t cond;		/* a request finished */
	struct req *tags[REQ_TAG_BUCKETS];
	int inflight;			/* tags in the table */
	int live;			/* requests not yet freed */
	int bigbufs, max_bigbufs;
	uint8_t *freebig;		/* one spare big buffer, reused */
	struct req *freereq;
	int nfreereq;
	bool broken;			/* a write failed: stop replying */
	struct fidtab fids;
	struct pool pool;
	struct worker rw;		/* buffers to run requests inline */
	struct req *lkwait;		/* parked blocking locks */
	pthread_t lkthread;		/* retries them (started on demand) */
	bool lkthread_on, lkstop;
	pthread_cond_t lkcond;
};

/* Handles whose last fid went away, given back to the helper in batches
 * by one thread so that Tclunk never waits for the helper. */
struct relq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t *h;
	size_t n, cap;
};

struct server {
	struct hclient *hc;
	struct relq relq;
	struct hinfo info;
	int max_workers;		/* per connection */
	uint32_t max_msize;
	size_t max_fids;
	int max_inflight;
	size_t max_bigbytes;
	atomic_bool helper_dead_logged;
	uint32_t poll_ns;		/* a reader's longest poll, 0: none */
	struct spinners spinners;
	struct fdbudget nodefds;
	struct pipepool pipes;
};

/* What an operation sees. */
struct opctx {
	struct conn *c;
	struct req *r;
	const struct p9_fcall *t;
	struct p9_fcall rep;
	struct worker *w;
	bool drop;		/* send no reply (flushed blocking lock) */
};

/* An operation's answer for "the request lives on elsewhere; do not
 * reply now" (a parked blocking lock): outside the range of -errno. */
#define OP_PARKED (-100000)
/* ... and for "the operation sent its reply itself" (a spliced Rread). */
#define OP_SENT (-100001)

/* server.c */
void server_init(struct server *s, struct hclient *hc,
    const struct hinfo *info);
/* Serve one connection until it closes (the caller's thread reads). */
void server_conn(struct server *s, int rfd, int wfd, const char *peer);
int server_conn_spawn(struct server *s, int rfd, int wfd, const char *peer);

/* conn.c */
void conn_run(struct conn *c);
void conn_finish(struct req *r, const uint8_t *reply, size_t len);
void conn_finish_with(struct req *r, int (*emit)(struct conn *, void *),
    void *arg);
int conn_write(struct conn *c, const uint8_t *buf, size_t len);
bool conn_retry(struct conn *c, ssize_t k);
void conn_break(struct conn *c);
void req_free(struct req *r);

/* spin.c: how long a reader polls for the next request */
uint64_t spin_now_ns(void);
/* How long to poll now: the window, or 0 while backing off. */
uint32_t spin_budget(const struct spinwin *sw, uint64_t now);
/* Adapt a window to a wait of waited_ns for the next request. */
void spin_learn(struct spinwin *sw, uint32_t max_ns, uint64_t waited_ns);
/* Count a wait in the trial; at a phase's end pick how the next runs. */
void spin_judge(struct spinwin *sw, uint64_t waited_ns, bool caught);
/* The client's last bytes came in on this CPU (TCP only; else false). */
bool spin_client_here(int fd);
/* The CPU was taken from a polling reader: stop polling for a while. */
void spin_backoff(struct spinwin *sw, uint64_t now);
bool spin_claim(struct spinners *s);	/* false: too many polling */
void spin_release(struct spinners *s);
void spinners_init(struct spinners *s);

/* pool.c */
void pool_init(struct pool *p, int max);
void pool_submit(struct pool *p, struct req *r);
void pool_stop(struct pool *p);

/* dispatch.c */
void dispatch(struct req *r, struct worker *w);
/* Run r now if it can be answered without the helper and without
 * blocking (Tgetattr from a node descriptor, Tclunk, a clone Twalk);
 * false if not (r is untouched and goes to a worker). */
bool dispatch_local(struct req *r, struct worker *w);

/* attrcache.c: Tgetattr answered from a node descriptor */
struct nodefd_req {
	int fd;			/* what the helper sent, or -1 */
	bool took;		/* a place in the budget is held */
	struct fdbudget *budget;
	struct timespec asked;	/* coarse clock before the question */
};
void fdbudget_init(struct fdbudget *b, int max);
int fdbudget_for_nofile(void);
int *nodefd_begin(struct server *s, struct nodefd_req *q);
void nodefd_end(struct nodefd_req *q, struct hnode *n,
    const struct hattr *a);
void acache_asked(struct timespec *now);
void acache_store(struct hnode *n, const struct hattr *a,
    const struct timespec *asked);
int acache_getattr(struct hnode *n, uint32_t model, uint64_t mask,
    struct hattr *a);

/* util.c: small helpers shared by the op files */
int name_check(const struct p9_str *s, char *out, bool create,
    uint32_t model);
void qid_from_attr(const struct hattr *a, struct p9_qid *q);
int op_fid(struct opctx *o, uint32_t num, struct fid **f);
int op_node_fid(struct opctx *o, uint32_t num, struct fid **f);
int helper_err(struct opctx *o, int rc);
uint32_t op_maxdata(const struct opctx *o);
struct hnode *op_hnode(struct opctx *o, uint64_t h);
int op_install(struct opctx *o, struct fid *nf, uint32_t oldfid);

/* creds.c */
void cred_from_attach(const struct p9_str *uname, uint32_t n_uname,
    struct hcred *cr);

/* ops_session.c */
int op_attach(struct opctx *o);
int op_auth(struct opctx *o);
int op_clunk(struct opctx *o);
int op_clunk_local(struct opctx *o);
int op_remove(struct opctx *o);
/* ops_walk.c */
int op_walk(struct opctx *o);
int op_getattr(struct opctx *o);
int op_getattr_local(struct opctx *o);
int op_setattr(struct opctx *o);
int op_statfs(struct opctx *o);
int op_readlink(struct opctx *o);
/* ops_io.c */
int op_lopen(struct opctx *o);
int op_lcreate(struct opctx *o);
int op_read(struct opctx *o);
int op_write(struct opctx *o);
int op_fsync(struct opctx *o);
/* splice_read.c: large Rreads from the page cache without a copy */
void splice_pool_init(struct pipepool *pp);
bool splice_read(struct opctx *o, int fd, uint32_t count, uint64_t off);
/* ops_readdir.c */
int op_readdir(struct opctx *o);
/* ops_dir.c */
int op_mkdir(struct opctx *o);
int op_symlink(struct opctx *o);
int op_mknod(struct opctx *o);
int op_link(struct opctx *o);
int op_rename(struct opctx *o);
int op_renameat(struct opctx *o);
int op_unlinkat(struct opctx *o);
/* ops_xattr.c */
int op_xattrwalk(struct opctx *o);
int op_xattrcreate(struct opctx *o);
int xattr_commit(struct opctx *o, struct fid *f);
/* ops_lock.c */
int op_lock(struct opctx *o);
int op_getlock(struct opctx *o);
void lock_waiters_stop(struct conn *c);

/* transport.c */
int transport_listen(const char *spec, int *fd, char *err, size_t errlen);
int transport_parse_fd(const char *spec, int *rfd, int *wfd);
void transport_serve(struct server *s, int lfd);

#endif
