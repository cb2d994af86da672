/* test_core_threads.c - concurrent passthrough requests as different
 * users: each thread's credentials must stay its own, and the server
 * threads must get theirs back. */
#include <pthread.h>
#include <sys/fsuid.h>

#include "tests/unit/core_fixture.h"

#define NTHREADS 8
#define NFILES 100

struct job {
	struct core *c;
	int dirfd;
	uint32_t uid;
	int wrong;	/* files with another owner than ours */
	int errors;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct core_cred cr = { j->uid, j->uid, 1, { j->uid } };
	struct core_attr a;
	struct stat st;
	char name[32];
	int i, node, fd;

	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "u%u-%d", j->uid, i);
		if (core_create(j->c, &cr, j->dirfd, name, O_RDWR, 0600, j->uid,
		    &node, &fd, &a) != 0) {
			j->errors++;
			continue;
		}
		if (fstat(fd, &st) != 0 || st.st_uid != j->uid ||
		    st.st_gid != j->uid || a.uid != j->uid)
			j->wrong++;
		close(fd);
		close(node);
	}
	return NULL;
}

int
main(void)
{
	struct job jobs[NTHREADS];
	pthread_t th[NTHREADS];
	struct core_attr a;
	struct fx f = { 0 };
	int root, d, i, wrong = 0, errors = 0;

	if (!tap_need_root())
		return 0;
	if (fx_open(&f, POLICY_PASSTHROUGH, false) != 0) {
		ok(0, "open export");
		return tap_done();
	}
	core_root(f.c, &root);
	core_mkdir(f.c, NULL, root, "shared", 0777, 0, &a);
	core_lookup(f.c, root, "shared", &d, NULL);
	/* Each user gets a 0700 directory of its own: a request that ran
	 * with another thread's credentials would fail with EACCES. */
	for (i = 0; i < NTHREADS; i++) {
		uint32_t uid = 2001 + (uint32_t)i;
		struct core_cred cr = { uid, uid, 0, { 0 } };
		char name[16];
		int own;

		snprintf(name, sizeof(name), "d%u", uid);
		core_mkdir(f.c, &cr, d, name, 0700, uid, &a);
		core_lookup(f.c, d, name, &own, NULL);
		jobs[i] = (struct job){ f.c, own, uid, 0, 0 };
		pthread_create(&th[i], NULL, worker, &jobs[i]);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		wrong += jobs[i].wrong;
		close(jobs[i].dirfd);
		errors += jobs[i].errors;
	}
	is_int(errors, 0, "%d threads x %d creates succeeded", NTHREADS,
	    NFILES);
	is_int(wrong, 0, "every file owned by its own thread's user");
	is_int(setfsuid((uid_t)-1), 0, "main thread fsuid still 0");
	is_int(setfsgid((gid_t)-1), 0, "main thread fsgid still 0");
	/* A user's request after others' must not inherit their rights. */
	struct core_cred u = { 2001, 2001, 0, { 0 } };
	int node, fd;
	core_mkdir(f.c, NULL, root, "private", 0700, 0, &a);
	core_lookup(f.c, root, "private", &node, NULL);
	is_int(core_create(f.c, &u, node, "x", O_RDWR, 0600, 2001, &d, &fd,
	    &a), -EACCES, "user cannot create in a root 0700 dir");
	is_int(core_create(f.c, NULL, node, "x", O_RDWR, 0600, 0, &d, &fd,
	    &a), 0, "the server still can");
	close(fd);
	close(d);
	close(node);
	close(root);
	ok(fx_marker_intact(&f), "marker intact");
	fx_done(&f);
	return tap_done();
}
