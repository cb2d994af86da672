/* ops_readdir.c - Treaddir from getdents64 on the directory descriptor
 * the helper opened.
 *
 * The host's d_off is the cookie (stable while the directory is open,
 * resumes after its entry), so every request simply seeks to the offset
 * it names: entries read but not sent are read again next time.  Entries
 * are never split across replies. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "frontend/frontend.h"
#include "policy/policy.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* In mapped models host file types mean nothing to the guest; in
 * mapped-file the metadata directories do not exist for it. */
static bool
dirent_fill(uint32_t model, const struct linux_dirent64 *e,
    struct p9_dirent *d)
{
	bool mapped = model == POLICY_MAPPED_XATTR ||
	    model == POLICY_MAPPED_FILE;

	if (model == POLICY_MAPPED_FILE &&
	    (strcmp(e->d_name, ".virtfs_metadata") == 0 ||
	    strcmp(e->d_name, ".virtfs_metadata_root") == 0))
		return false;
	d->type = mapped ? DT_UNKNOWN : e->d_type;
	d->qid.type = d->type == DT_DIR ? P9_QTDIR :
	    d->type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE;
	d->qid.version = 0;
	d->qid.path = e->d_ino;
	d->offset = (uint64_t)e->d_off;
	d->name = p9_cstr(e->d_name);
	return true;
}

/* Fill out[0..cap) from fd's current position; returns bytes used, or
 * -EINVAL when even the first entry does not fit. */
static int
fill(struct opctx *o, int fd, uint8_t *out, size_t cap)
{
	uint8_t *buf = o->w->scratch;
	size_t bufsz = cap < 4096 ? 4096 : cap, used = 0;
	uint32_t model = o->c->srv->info.model;

	if (bufsz > o->w->cap)
		bufsz = o->w->cap;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, bufsz);
		if (n < 0)
			return -errno;
		if (n == 0)
			return (int)used;
		for (long pos = 0; pos < n;) {
			struct linux_dirent64 *e = (void *)(buf + pos);
			struct p9_dirent d;
			pos += e->d_reclen;
			if (!dirent_fill(model, e, &d))
				continue;
			if (p9_dirent_put(out, cap, &used, &d) < 0)
				return used > 0 ? (int)used : -EINVAL;
		}
	}
}

int
op_readdir(struct opctx *o)
{
	uint32_t count = o->t->u.tread.count;
	uint8_t *out = o->w->rbuf + P9_HDRSZ + 4;
	struct fid *f;
	int rc;

	if (count > op_maxdata(o))
		count = op_maxdata(o);
	if (o->t->u.tread.offset > INT64_MAX)
		return -EINVAL;
	if ((rc = op_node_fid(o, o->t->u.tread.fid, &f)) < 0)
		return rc;
	/* The lock keeps seek + getdents of one fid together. */
	pthread_mutex_lock(&f->lock);
	if (f->fd < 0)
		rc = -EBADF;
	else if (lseek(f->fd, (off_t)o->t->u.tread.offset, SEEK_SET) < 0)
		rc = -errno;
	else
		rc = fill(o, f->fd, out, count);
	pthread_mutex_unlock(&f->lock);
	fid_put(f);
	if (rc < 0)
		return rc;
	o->rep.u.rread.count = (uint32_t)rc;
	o->rep.u.rread.data = out;
	return 0;
}
