/* helper_fixture.h - start the real vfsd-helper (or vfsd) binary of this
 * build as a child and watch it from outside, for test_helper_proto.c and
 * the test_sandbox*.c programs (root, real processes, no mocks). */
#ifndef VFSD_HELPER_FIXTURE_H
#define VFSD_HELPER_FIXTURE_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/frame.h"
#include "tests/unit/tap.h"

/* $env if set, else the program name beside this build's tests: a test
 * binary lives in B/tests/, the programs in B/.  The answer lives in a
 * static buffer until the next call. */
static inline const char *
hfx_bin_path(const char *env, const char *name)
{
	static char buf[4096];
	const char *p = getenv(env);
	ssize_t n;

	if (p)
		return p;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 32);
	if (n <= 0) {
		snprintf(buf, sizeof(buf), "build/%s", name);
		return buf;
	}
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0';
	snprintf(strrchr(buf, '/'), 32, "/%s", name);
	return buf;
}

static inline const char *
hfx_helper_path(void)
{
	return hfx_bin_path("VFSD_HELPER", "vfsd-helper");
}

/* Run path with argv in a child that inherits keepfd.  Its stderr goes to
 * errlog when given, else to /dev/null unless VFSD_TEST_VERBOSE is set. */
static inline pid_t
hfx_spawn(const char *path, char *const argv[], int keepfd,
    const char *errlog)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (errlog)
			dup2(open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
		else if (!getenv("VFSD_TEST_VERBOSE"))
			dup2(open("/dev/null", O_WRONLY), 2);
		fcntl(keepfd, F_SETFD, 0);
		execv(path, argv);
		_exit(127);
	}
	return pid;
}

/* vfsd-helper serving export in a security model over a fresh
 * socketpair, as vfsd starts it; *sock is the frontend's end. */
static inline pid_t
hfx_spawn_helper(const char *export, const char *model, int *sock)
{
	char fdarg[16];
	char *argv[] = { "vfsd-helper", "--fd", fdarg, "--export",
	    (char *)export, "--security-model", (char *)model, NULL };
	int sv[2];
	pid_t pid;

	if (frame_socketpair(sv) < 0)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
	pid = hfx_spawn(hfx_helper_path(), argv, sv[1], NULL);
	close(sv[1]);
	*sock = sv[0];
	return pid;
}

/* Wait up to ms milliseconds for our child to exit by itself: 1 if it did
 * (its status in *st), else it is killed, reaped and 0 is returned. */
static inline int
hfx_exited(pid_t pid, int ms, int *st)
{
	for (int i = 0; i < ms / 10; i++) {
		if (waitpid(pid, st, WNOHANG) == pid)
			return 1;
		usleep(10000);
	}
	if (pid > 0)	/* never kill(-1) */
		kill(pid, SIGKILL);
	waitpid(pid, st, 0);
	return 0;
}

/* One "Key:\tvalue" line of /proc/PID/status, as a number. */
static inline int
hfx_status_field(pid_t pid, const char *key, int base, unsigned long long *v)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	FILE *f;
	int r = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			*v = strtoull(line + kl + 1, NULL, base);
			r = 0;
			break;
		}
	fclose(f);
	return r;
}

/* Wait up to five seconds until the process reports a seccomp filter
 * (it has sandboxed itself). */
static inline int
hfx_wait_sandboxed(pid_t pid)
{
	unsigned long long v = 0;

	for (int i = 0; i < 500; i++) {
		if (hfx_status_field(pid, "Seccomp", 10, &v) == 0 && v == 2)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* The directory outside the export holds exactly "secret", still reading
 * "secret\n". */
static inline int
hfx_outside_untouched(const char *outside)
{
	char p[256], buf[32];
	int fd, n, count = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/secret", outside);
	fd = open(p, O_RDONLY);
	n = fd < 0 ? -1 : (int)read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	if (n != 7 || memcmp(buf, "secret\n", 7) != 0)
		return 0;
	snprintf(p, sizeof(p), "ls -A %s | wc -l", outside);
	if ((f = popen(p, "r")) == NULL || fscanf(f, "%d", &count) != 1)
		count = -1;
	if (f)
		pclose(f);
	return count == 1;
}

/* rm -rf the test's temporary tree (a diagnostic if that fails). */
static inline void
hfx_remove_tree(const char *dir)
{
	char cmd[192];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
}

#endif
