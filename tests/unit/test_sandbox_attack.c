/* test_sandbox_attack.c - a hostile frontend against the real, sandboxed
 * vfsd-helper, with the attacks test_helper_proto.c does not make:
 *
 *  - a directory swapped for a symlink to the outside between walk and
 *    open/create, by a host thread, looped many times;
 *  - /proc magic links planted in the export, and made by the guest;
 *  - hard links: of directories, of symlinks that point outside, with
 *    names that are paths;
 *  - mapped-xattr: device nodes, FIFOs, sockets, setuid/setgid files and
 *    directories are never real on the host;
 *  - passthrough: a guest user cannot make device nodes or keep a setgid
 *    bit of a group it is not in, and a write by the unprivileged data
 *    path clears setuid (killpriv);
 *  - length fields at their limits (names, walks, groups, xattr values, a
 *    4 GiB size) answered or fatal, never served wrongly.
 * After each group a marker tree outside the export must be untouched. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/frame.h"
#include "frontend/hclient.h"
#include "proto/vfsd.pb-c.h"
#include "tests/unit/helper_fixture.h"
#include "tests/unit/tap.h"

#define RACE_LOOPS 2000

static char base[64], exportdir[128], outside[128];
static const struct hcred root = { 0, 0, 0, { 0 } };
static const struct hcred user = { 1000, 1000, 0, { 0 } };

static void
xpath(char *out, size_t cap, const char *dir, const char *rel)
{
	snprintf(out, cap, "%s/%s", dir, rel);
}

static void
put_file(const char *dir, const char *rel, const char *text, mode_t mode)
{
	char p[256];
	int fd;

	xpath(p, sizeof(p), dir, rel);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		exit(1);
	fchmod(fd, mode);
	close(fd);
}

struct session {
	pid_t pid;
	int sock;
	struct hclient *hc;
	uint64_t root;
};

static int
session_open(struct session *s, const char *model)
{
	struct hinfo info;
	struct hattr a;

	s->pid = hfx_spawn_helper(exportdir, model, &s->sock);
	if (hclient_start(s->sock, &s->hc, &info) < 0)
		return -1;
	return helper_attach(s->hc, &root, "", &s->root, &a);
}

static int
session_close(struct session *s)
{
	int st;

	hclient_stop(s->hc);
	close(s->sock);
	return hfx_exited(s->pid, 3000, &st) ? st : -1;
}

/* Walk names from the root: 1 and the handle if every name walked. */
static int
walk(struct session *s, const struct hcred *cr, int n, const char **names,
    uint64_t *h)
{
	struct hattr a[HCLIENT_MAX_WALK];
	uint64_t parent = 0;
	int nw = 0, werr = 0, r;

	r = helper_walk(s->hc, cr, s->root, n, names, a, &nw, &werr, h,
	    &parent);
	if (parent)
		helper_release(s->hc, &parent, 1);
	return r == 0 && nw == n;
}

/* --- the swap race ---------------------------------------------------- */

static atomic_bool swapping;

static void *
swapper(void *arg)
{
	char dir[256], moved[256];

	(void)arg;
	xpath(dir, sizeof(dir), exportdir, "race");
	xpath(moved, sizeof(moved), exportdir, "race.dir");
	while (atomic_load(&swapping)) {
		/* race: a directory, then a symlink to the outside. */
		if (rename(dir, moved) == 0) {
			symlink(outside, dir);
			unlink(dir);
			rename(moved, dir);
		}
	}
	return NULL;
}

static void
test_swap_race(const char *model)
{
	const char *names[] = { "race", "secret" }, *dirname_[] = { "race" };
	struct session s;
	struct hattr a;
	pthread_t t;
	char buf[16];
	int i, fd, leaked = 0, opened = 0, refused = 0, planted = 0;
	uint64_t h, nh;

	if (session_open(&s, model) < 0) {
		ok(0, "%s: session for the race", model);
		return;
	}
	atomic_store(&swapping, true);
	pthread_create(&t, NULL, swapper, NULL);
	for (i = 0; i < RACE_LOOPS; i++) {
		if (walk(&s, &root, 2, names, &h) &&
		    helper_open(s.hc, &root, h, 0, &fd, &a, NULL) == 0) {
			memset(buf, 0, sizeof(buf));
			if (pread(fd, buf, sizeof(buf) - 1, 0) > 0 &&
			    strcmp(buf, "secret\n") == 0)
				leaked++;
			opened++;
			close(fd);
		} else
			refused++;
		if (walk(&s, &root, 1, dirname_, &h)) {
			if (helper_create(s.hc, &root, h, "planted", 01, 0100644,
			    0, &nh, &fd, &a, NULL) == 0) {
				planted++;
				close(fd);
				helper_unlinkat(s.hc, &root, h, "planted", 0);
				helper_release(s.hc, &nh, 1);
			}
			helper_release(s.hc, &h, 1);
		}
	}
	atomic_store(&swapping, false);
	pthread_join(t, NULL);
	tap_diag("%s race: %d opened inside, %d refused, %d creates", model,
	    opened, refused, planted);
	ok(leaked == 0, "%s: %d walk+open races never read the outside", model,
	    RACE_LOOPS);
	ok(refused > 0, "%s: the swap really raced the walks (%d refused)",
	    model, refused);
	ok(hfx_outside_untouched(outside), "%s: nothing planted outside by %d creates",
	    model, RACE_LOOPS);
	ok(session_close(&s) == 0, "%s: helper survived the race", model);
}

/* --- magic links, hard links ------------------------------------------ */

static void
test_links(const char *model)
{
	static const char *const planted[] = { "pfd", "proot", "p1root",
	    "pexe" };
	struct session s;
	struct hattr a[4], at;
	struct stat st;
	char p[256];
	uint64_t h, dirh;
	size_t i;
	int fd;

	if (session_open(&s, model) < 0) {
		ok(0, "%s: session", model);
		return;
	}
	for (i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		const char *n2[] = { planted[i], "etc" }, *n1[] = { planted[i] };

		ok(!walk(&s, &root, 2, n2, &h), "%s: walk through %s stops",
		    model, planted[i]);
		if (walk(&s, &root, 1, n1, &h)) {
			ok(helper_open(s.hc, &root, h, 0, &fd, &at, NULL) < 0,
			    "%s: open of %s refused", model, planted[i]);
			helper_release(s.hc, &h, 1);
		} else
			ok(0, "%s: walk to %s itself", model, planted[i]);
	}
	const char *proc[] = { "proc", "self", "root" };
	ok(!walk(&s, &root, 3, proc, &h), "%s: no proc/self/root in the export",
	    model);
	/* The guest plants its own magic link and follows it. */
	ok(helper_symlink(s.hc, &root, s.root, "gmagic", "/proc/self/root/etc",
	    0, a) == 0, "%s: guest symlink to /proc/self/root/etc", model);
	const char *g[] = { "gmagic", "passwd" };
	ok(!walk(&s, &root, 2, g, &h), "%s: walk through the guest's magic link "
	    "stops", model);

	/* Hard links. */
	const char *sub[] = { "sub" }, *abs[] = { "abs" };
	if (walk(&s, &root, 1, sub, &dirh)) {
		ok(helper_link(s.hc, &root, dirh, s.root, "dirlink") < 0,
		    "%s: hard link of a directory refused", model);
		ok(helper_link(s.hc, &root, dirh, s.root, "../x") == -EINVAL,
		    "%s: link name with '/' refused", model);
		if (walk(&s, &root, 1, abs, &h)) {
			ok(helper_link(s.hc, &root, h, dirh, "abslink") == 0 &&
			    (xpath(p, sizeof(p), exportdir, "sub/abslink"),
			    lstat(p, &st) == 0) && S_ISLNK(st.st_mode),
			    "%s: link of an outside symlink links the symlink",
			    model);
			helper_release(s.hc, &h, 1);
		}
		helper_release(s.hc, &dirh, 1);
	}
	ok(hfx_outside_untouched(outside), "%s: outside untouched after link attacks",
	    model);
	session_close(&s);
	xpath(p, sizeof(p), exportdir, "gmagic");
	unlink(p);
	xpath(p, sizeof(p), exportdir, "sub/abslink");
	unlink(p);
}

/* --- objects the mapped model must never make real ---------------------- */

static int
host_stat(const char *name, struct stat *st)
{
	char p[256];

	xpath(p, sizeof(p), exportdir, name);
	return lstat(p, st);
}

static void
test_mapped_objects(void)
{
	static const struct { const char *name; uint32_t mode, maj, min; }
	    nodes[] = {
		{ "null", S_IFCHR | 0666, 1, 3 },
		{ "disk", S_IFBLK | 0660, 8, 0 },
		{ "fifo2", S_IFIFO | 0644, 0, 0 },
		{ "sock", S_IFSOCK | 0644, 0, 0 },
		{ "suidnod", S_IFCHR | 04755, 1, 1 },
	};
	struct session s;
	struct hsetattr sa = { .valid = 0x001, .mode = 06755 };
	struct hattr a;
	/* Zeroed: an ok() below may read st for its message before the stat
	 * in its condition runs (argument order is unspecified). */
	struct stat st = { 0 };
	uint64_t h;
	size_t i;
	int fd, r;

	if (session_open(&s, "mapped-xattr") < 0) {
		ok(0, "mapped: session");
		return;
	}
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		r = helper_mknod(s.hc, &root, s.root, nodes[i].name,
		    nodes[i].mode, nodes[i].maj, nodes[i].min, 0, &a);
		ok(r == 0 && (a.mode & S_IFMT) == (nodes[i].mode & S_IFMT) &&
		    (S_ISCHR(a.mode) || S_ISBLK(a.mode) ? a.rdev ==
		    makedev(nodes[i].maj, nodes[i].min) : 1),
		    "mapped: guest sees %s as it made it (%d, %o)",
		    nodes[i].name, r, a.mode);
		ok(host_stat(nodes[i].name, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 07000) == 0 && st.st_rdev == 0,
		    "mapped: %s is a plain file on the host (%o)",
		    nodes[i].name, st.st_mode);
	}
	r = helper_create(s.hc, &root, s.root, "suid", 01, 0104755, 0, &h,
	    &fd, &a, NULL);
	ok(r == 0 && (a.mode & 07777) == 04755, "mapped: guest sees a setuid "
	    "file (%o)", a.mode);
	if (r == 0)
		close(fd);
	ok(host_stat("suid", &st) == 0 && (st.st_mode & 07000) == 0,
	    "mapped: no setuid bit on the host (%o)", st.st_mode);
	ok(r == 0 && helper_setattr(s.hc, &root, h, &sa) == 0 &&
	    host_stat("suid", &st) == 0 && (st.st_mode & 07000) == 0,
	    "mapped: chmod 6755 leaves the host mode alone (%o)", st.st_mode);
	ok(helper_mkdir(s.hc, &root, s.root, "sgid", 042775, 0, &a) == 0 &&
	    host_stat("sgid", &st) == 0 && (st.st_mode & 07000) == 0,
	    "mapped: setgid directory is not setgid on the host (%o)",
	    st.st_mode);
	ok(hfx_outside_untouched(outside), "mapped: outside untouched");
	session_close(&s);
}

/* --- passthrough: what a guest user cannot do ----------------------------- */

/* The frontend's role: an unprivileged writer.  Raw set*id calls change
 * only this thread (not the test's other threads, no fork needed), and
 * the thread ends with them. */
static void *
write_as_nobody(void *arg)
{
	int fd = *(int *)arg;

	if (syscall(SYS_setresgid, 65534, 65534, 65534) != 0 ||
	    syscall(SYS_setresuid, 65534, 65534, 65534) != 0 ||
	    write(fd, "y", 1) != 1)
		return NULL;
	return arg;
}

static void
test_passthrough_user(void)
{
	struct session s;
	struct hsetattr sa = { .valid = 0x001, .mode = 02755 };
	struct hattr a;
	/* Zeroed: an ok() below may read st for its message before the stat
	 * in its condition runs (argument order is unspecified). */
	struct stat st = { 0 };
	char p[256];
	uint64_t h, sub;
	int fd, r;
	const char *subn[] = { "pub" }, *k[] = { "killpriv" };

	if (session_open(&s, "passthrough") < 0) {
		ok(0, "passthrough: session");
		return;
	}
	if (!walk(&s, &root, 1, subn, &sub)) {
		ok(0, "passthrough: walk pub");
		return;
	}
	r = helper_mknod(s.hc, &user, sub, "dev", S_IFCHR | 0666, 1, 3, 1000,
	    &a);
	ok(r == -EPERM, "passthrough: uid 1000 cannot make a device (%d)", r);
	r = helper_create(s.hc, &user, sub, "g0", 01, 0100755, 1000, &h, &fd,
	    &a, NULL);
	if (r == 0)
		close(fd);
	/* gid 0 is not among uid 1000's groups: the kernel drops S_ISGID
	 * because the helper has no CAP_FSETID as this user. */
	xpath(p, sizeof(p), exportdir, "pub/g0");
	if (chown(p, 1000, 0) != 0)
		tap_diag("chown %s: %s", p, strerror(errno));
	ok(r == 0 && helper_setattr(s.hc, &user, h, &sa) == 0 &&
	    stat(p, &st) == 0 && !(st.st_mode & S_ISGID),
	    "passthrough: setgid of a foreign group is dropped (%o)",
	    st.st_mode);
	ok(helper_setattr(s.hc, &user, s.root, &sa) == -EPERM,
	    "passthrough: uid 1000 cannot chmod the root-owned root");
	/* killpriv: a world-writable setuid file, opened through the helper
	 * as uid 1000, written by an unprivileged process (the frontend's
	 * role): the kernel clears the setuid bit. */
	put_file(exportdir, "killpriv", "x", 04777);
	if (walk(&s, &user, 1, k, &h) &&
	    helper_open(s.hc, &user, h, 01, &fd, &a, NULL) == 0) {
		pthread_t t;
		void *wr = NULL;

		pthread_create(&t, NULL, write_as_nobody, &fd);
		pthread_join(t, &wr);
		close(fd);
		xpath(p, sizeof(p), exportdir, "killpriv");
		ok(wr != NULL && stat(p, &st) == 0 && !(st.st_mode & S_ISUID),
		    "passthrough: write by the data path clears setuid (%o)",
		    st.st_mode);
	} else
		ok(0, "passthrough: open killpriv for write as uid 1000");
	ok(hfx_outside_untouched(outside), "passthrough: outside untouched");
	session_close(&s);
}

/* --- length fields ------------------------------------------------------- */

/* Send one request; the response's error, or -1 if the helper hung up. */
static int
raw_call(int sock, Vfsd__Request *req)
{
	static uint8_t buf[FRAME_MAX];
	Vfsd__Response *rsp;
	size_t n = vfsd__request__get_packed_size(req), len;
	int fd = -1, e;

	if (n > FRAME_MAX)
		return -2;
	vfsd__request__pack(req, buf);
	if (frame_send(sock, buf, n, -1) < 0)
		return -1;
	if (frame_recv(sock, buf, sizeof(buf), &len, &fd) != 0)
		return -1;
	if (fd >= 0)
		close(fd);
	if ((rsp = vfsd__response__unpack(NULL, len, buf)) == NULL)
		return -1;
	e = rsp->error;
	vfsd__response__free_unpacked(rsp, NULL);
	return e;
}

static pid_t
raw_session(int *sock)
{
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__HelloReq hello = VFSD__HELLO_REQ__INIT;
	pid_t pid = hfx_spawn_helper(exportdir, "mapped-xattr", sock);

	hello.version = 1;
	req.id = 1;
	req.op_case = VFSD__REQUEST__OP_HELLO;
	req.hello = &hello;
	raw_call(*sock, &req);
	return pid;
}

static uint64_t
raw_attach(int sock, Vfsd__Cred *cred)
{
	static uint8_t buf[FRAME_MAX];
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__AttachReq at = VFSD__ATTACH_REQ__INIT;
	Vfsd__Response *rsp;
	uint64_t h = 0;
	size_t len;
	int fd = -1;

	req.id = 2;
	req.cred = cred;
	req.op_case = VFSD__REQUEST__OP_ATTACH;
	req.attach = &at;
	vfsd__request__pack(&req, buf);
	frame_send(sock, buf, vfsd__request__get_packed_size(&req), -1);
	if (frame_recv(sock, buf, sizeof(buf), &len, &fd) == 0 &&
	    (rsp = vfsd__response__unpack(NULL, len, buf)) != NULL) {
		if (rsp->result_case == VFSD__RESPONSE__RESULT_ATTACH)
			h = rsp->attach->handle;
		vfsd__response__free_unpacked(rsp, NULL);
	}
	return h;
}

static void
test_lengths(void)
{
	static uint8_t longname[4096], bigval[100 * 1024];
	ProtobufCBinaryData names[17];
	uint32_t groups[33] = { 0 };
	Vfsd__Cred cred = VFSD__CRED__INIT;
	Vfsd__Request req = VFSD__REQUEST__INIT;
	Vfsd__WalkReq w = VFSD__WALK_REQ__INIT;
	Vfsd__XattrSetReq xs = VFSD__XATTR_SET_REQ__INIT;
	Vfsd__SetattrReq sa = VFSD__SETATTR_REQ__INIT;
	uint64_t rh;
	int sock, r, i;
	pid_t pid;

	memset(longname, 'a', sizeof(longname));
	pid = raw_session(&sock);
	rh = raw_attach(sock, &cred);
	ok(rh != 0, "lengths: attach");
	req.cred = &cred;

	/* 17 names in one walk (the limit is 16). */
	for (i = 0; i < 17; i++)
		names[i] = (ProtobufCBinaryData){ 2, (uint8_t *)".." };
	w.dir = rh;
	w.n_names = 17;
	w.names = names;
	req.id = 3;
	req.op_case = VFSD__REQUEST__OP_WALK;
	req.walk = &w;
	r = raw_call(sock, &req);
	ok(r != 0, "lengths: walk of 17 names refused (%d)", r);

	/* A 4096-byte name. */
	names[0] = (ProtobufCBinaryData){ sizeof(longname), longname };
	w.n_names = 1;
	req.id = 4;
	r = raw_call(sock, &req);
	ok(r == ENAMETOOLONG, "lengths: 4096-byte name is ENAMETOOLONG (%d)",
	    r);

	/* A 100 KiB xattr value (frame fits, the core's limit is 64 KiB). */
	xs.handle = rh;
	xs.name = (ProtobufCBinaryData){ 6, (uint8_t *)"user.k" };
	xs.value = (ProtobufCBinaryData){ sizeof(bigval), bigval };
	req.id = 5;
	req.op_case = VFSD__REQUEST__OP_XATTR_SET;
	req.xattr_set = &xs;
	r = raw_call(sock, &req);
	ok(r == E2BIG || r == ENOSPC || r == ERANGE,
	    "lengths: 100 KiB xattr value refused (%d)", r);

	/* Truncate the root directory to 4 GiB: a size the wire allows. */
	sa.handle = rh;
	sa.valid = 0x008;
	sa.has_size = true;
	sa.size = 1ULL << 32;
	req.id = 6;
	req.op_case = VFSD__REQUEST__OP_SETATTR;
	req.setattr = &sa;
	r = raw_call(sock, &req);
	ok(r == EISDIR || r == EINVAL, "lengths: 4 GiB truncate of a "
	    "directory refused (%d)", r);

	/* 33 supplementary groups (the limit is 32) is a broken frontend. */
	cred.n_groups = 33;
	cred.groups = groups;
	req.id = 7;
	req.op_case = VFSD__REQUEST__OP_WALK;
	names[0] = (ProtobufCBinaryData){ 4, (uint8_t *)"file" };
	r = raw_call(sock, &req);
	ok(r == -1, "lengths: 33 groups end the helper (%d)", r);
	close(sock);
	ok(hfx_exited(pid, 3000, NULL), "lengths: helper gone, not hung");
	ok(hfx_outside_untouched(outside), "lengths: outside untouched");
}

static void
make_tree(void)
{
	char p[256], q[256];

	snprintf(base, sizeof(base), "/tmp/vfsd-attack.XXXXXX");
	if (mkdtemp(base) == NULL)
		exit(1);
	chmod(base, 0755);
	xpath(exportdir, sizeof(exportdir), base, "export");
	xpath(outside, sizeof(outside), base, "outside");
	mkdir(exportdir, 0755);
	mkdir(outside, 0755);
	put_file(outside, "secret", "secret\n", 0644);
	xpath(p, sizeof(p), exportdir, "race");
	mkdir(p, 0755);
	put_file(p, "secret", "inside\n", 0644);
	xpath(p, sizeof(p), exportdir, "sub");
	mkdir(p, 0755);
	xpath(p, sizeof(p), exportdir, "pub");
	mkdir(p, 0777);
	chmod(p, 0777);		/* past the umask */
	xpath(p, sizeof(p), exportdir, "pfd");
	symlink("/proc/self/fd", p);
	xpath(p, sizeof(p), exportdir, "proot");
	symlink("/proc/self/root", p);
	xpath(p, sizeof(p), exportdir, "p1root");
	symlink("/proc/1/root", p);
	xpath(p, sizeof(p), exportdir, "pexe");
	symlink("/proc/self/exe", p);
	xpath(p, sizeof(p), exportdir, "abs");
	xpath(q, sizeof(q), outside, "secret");
	symlink(q, p);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (!tap_need_root())
		return 0;
	make_tree();
	test_swap_race("passthrough");
	test_swap_race("mapped-xattr");
	test_links("passthrough");
	test_links("mapped-xattr");
	test_mapped_objects();
	test_passthrough_user();
	test_lengths();
	hfx_remove_tree(base);
	return tap_done();
}
