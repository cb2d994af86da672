/* test_core_cred.c - the credential switch changes only what differs,
 * yet every request gets exactly its own identity: supplementary groups
 * the server thread holds are dropped unless the request has them, a
 * request's gid counts as one of its groups, and the server thread gets
 * its fsuid, fsgid and groups back after each request.  Also: a forked
 * child re-opens its own descriptors, not the parent's. */
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tests/unit/core_fixture.h"

#define G 4242		/* the server thread's own supplementary group */

static int
thread_setgroups(int n, const gid_t *g)
{
	/* The raw call: glibc's setgroups() would change every thread. */
	return (int)syscall(SYS_setgroups, n, g);
}

static bool
server_identity_back(void)
{
	gid_t g[8];
	int n = (int)syscall(SYS_getgroups, 8, g);

	return setfsuid((uid_t)-1) == 0 && setfsgid((gid_t)-1) == 0 &&
	    n == 1 && g[0] == G;
}

static int
try_create(struct fx *f, int dir, const struct core_cred *cr,
    const char *name)
{
	struct core_attr a;
	int r, node, fd;

	r = core_create(f->c, cr, dir, name, O_RDWR, 0600, cr->gid, &node,
	    &fd, &a);
	if (r == 0) {
		close(fd);
		close(node);
		core_unlinkat(f->c, NULL, dir, name, 0);
	}
	return r;
}

static void
test_groups(struct fx *f)
{
	static const struct {
		struct core_cred cr;
		int want;
		const char *what;
	} cases[] = {
		{ { 1000, 1000, 0, { 0 } }, -EACCES,
		    "no groups: the server's group is dropped" },
		{ { 1000, 1000, 1, { 1000 } }, -EACCES,
		    "only its own gid: the server's group is dropped" },
		{ { 1000, 1000, 1, { G } }, 0, "the group as a supplementary" },
		{ { 1000, G, 0, { 0 } }, 0, "the group as the gid" },
		{ { 1000, 1000, 3, { G, G, 1000 } }, 0,
		    "duplicates and the gid among the groups" },
		{ { 0, 0, 0, { 0 } }, 0, "the server's own uid" },
	};
	struct core_attr a;
	gid_t g = G;
	size_t i;
	int root, dir;

	if (thread_setgroups(1, &g) != 0) {
		ok(0, "setgroups on the test thread");
		return;
	}
	core_root(f->c, &root);
	core_mkdir(f->c, NULL, root, "g", 0070, G, &a);
	core_lookup(f->c, root, "g", &dir, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		is_int(try_create(f, dir, &cases[i].cr, "x"), cases[i].want,
		    "%s", cases[i].what);
		ok(server_identity_back(), "%s: server identity back",
		    cases[i].what);
	}
	/* The same request twice in a row changes nothing in between. */
	is_int(try_create(f, dir, &cases[0].cr, "y"), -EACCES,
	    "a dropped group stays dropped on a repeated request");
	ok(server_identity_back(), "and comes back after it");
	thread_setgroups(0, NULL);
	close(dir);
	close(root);
}

/* After fork the core's /proc/self/fd still shows the parent's table: a
 * child that used it would re-open whatever the parent has at that
 * number.  The child shifts its numbering so that the parent has a
 * different file there, and must still read its own. */
static void
test_fork(struct fx *f)
{
	char p[256];
	int root, status, fd, n;
	pid_t pid;

	fx_put(f, "mine", "child");
	fx_path(f, "mine", p, sizeof(p));
	core_root(f->c, &root);
	pid = fork();
	if (pid == 0) {
		char buf[8] = { 0 };
		int node, of;

		close(open("/dev/null", O_RDONLY));	/* change nothing */
		for (n = 0; n < 5; n++)
			if (open("/dev/null", O_RDONLY) < 0)
				_exit(2);
		if (core_lookup(f->c, root, "mine", &node, NULL) != 0 ||
		    core_open(f->c, NULL, node, O_RDONLY, &of) != 0 ||
		    read(of, buf, sizeof(buf)) != 5 || strcmp(buf, "child"))
			_exit(1);
		_exit(0);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "a forked child re-opens its own node");
	/* And the parent still uses its procfd. */
	n = core_lookup(f->c, root, "mine", &fd, NULL);
	ok(n == 0 && core_open(f->c, NULL, fd, O_RDONLY, &n) == 0,
	    "the parent still re-opens");
	close(n);
	close(fd);
	close(root);
}

int
main(void)
{
	struct fx f = { 0 };

	if (!tap_need_root())
		return 0;
	if (fx_open(&f, POLICY_PASSTHROUGH, false) != 0) {
		ok(0, "open export");
		return tap_done();
	}
	test_groups(&f);
	test_fork(&f);
	ok(fx_marker_intact(&f), "marker intact");
	fx_done(&f);
	return tap_done();
}
