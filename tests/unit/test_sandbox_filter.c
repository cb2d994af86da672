/* test_sandbox_filter.c - the two seccomp allow-lists, probed like
 * bubblewrap's try-syscall: a child applies the very function the real
 * process calls (fe_sandbox_enter, or the helper's sandbox steps) and
 * then makes one system call; the parent checks whether the kernel let
 * it return or killed the child with SIGSYS.  Controls (calls each
 * process must keep) are checked the same way, so a filter that kills
 * everything fails this test too. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/sandbox.h"
#include "helper/sandbox.h"
#include "tests/unit/tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER 1	/* a sanitizer report reads /proc/self/maps */
#else
#define SANITIZER 0
#endif

enum who { FRONTEND, HELPER };
enum want { KILLED, RETURNS };

static void *
thread_fn(void *a)
{
	return a;
}

/* One probe: the system call named, with harmless arguments. */
static long
probe(const char *name)
{
	if (strcmp(name, "open") == 0)
		return open("/etc/passwd", O_RDONLY);
	if (strcmp(name, "openat") == 0)
		return syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
	if (strcmp(name, "openat2") == 0)
		return syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", NULL, 0);
	if (strcmp(name, "execve") == 0) {
		char *argv[] = { "true", NULL };
		return execve("/bin/true", argv, argv + 1);
	}
	if (strcmp(name, "socket") == 0)
		return socket(AF_INET, SOCK_STREAM, 0);
	if (strcmp(name, "socket-unix") == 0)
		return socket(AF_UNIX, SOCK_STREAM, 0);
	if (strcmp(name, "socketpair") == 0) {
		int sv[2];
		return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	}
	if (strcmp(name, "connect") == 0)
		return connect(-1, NULL, 0);
	if (strcmp(name, "ptrace") == 0)
		return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	if (strcmp(name, "fork") == 0)
		return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (strcmp(name, "setresuid") == 0)
		return syscall(SYS_setresuid, -1, -1, -1);
	if (strcmp(name, "setuid") == 0)
		return syscall(SYS_setuid, getuid());
	if (strcmp(name, "mount") == 0)
		return mount("none", "/tmp", "tmpfs", 0, NULL);
	if (strcmp(name, "unshare") == 0)
		return unshare(0);
	if (strcmp(name, "chroot") == 0)
		return chroot("/");
	if (strcmp(name, "kill") == 0)
		return kill(1, 0);
	if (strcmp(name, "ioctl-tiocsti") == 0)
		return ioctl(0, 0x5412 /* TIOCSTI */, "x");
	if (strcmp(name, "ioctl-getversion") == 0) {
		long v;
		return ioctl(-1, FS_IOC_GETVERSION, &v);
	}
	if (strcmp(name, "read") == 0)
		return read(-1, NULL, 0);
	if (strcmp(name, "accept4") == 0)
		return accept4(-1, NULL, NULL, 0);
	if (strcmp(name, "recvmsg") == 0)
		return recvmsg(-1, NULL, 0);
	if (strcmp(name, "getdents64") == 0)
		return syscall(SYS_getdents64, -1, NULL, 0);
	if (strcmp(name, "setfsuid") == 0)
		return syscall(SYS_setfsuid, -1);
	if (strcmp(name, "mkdirat") == 0)
		return mkdirat(-1, "x", 0700);
	if (strcmp(name, "thread") == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_fn, NULL) != 0)
			return -1;
		return pthread_join(t, NULL);
	}
	return -2;
}

static int
confine(enum who w)
{
	int r;

	if (w == FRONTEND) {
		/* What launch_drop_privileges does before fe_sandbox_enter. */
		if (geteuid() == 0 && (setgroups(0, NULL) != 0 ||
		    setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0))
			return -errno;
		return fe_sandbox_enter();
	}
	if ((r = sandbox_drop_caps(POLICY_PASSTHROUGH, NULL)) < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	return sandbox_seccomp();
}

/* 1 if killed by SIGSYS, 0 if the call returned, -1 on other trouble. */
static int
killed(enum who w, const char *name)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (confine(w) < 0)
			_exit(3);
		probe(name);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	tap_diag("%s: wait status %#x", name, st);
	return -1;
}

static void
check(enum who w, const char *name, enum want want, int skip_in_san)
{
	const char *role = w == FRONTEND ? "frontend" : "helper";
	int k;

	if (skip_in_san && SANITIZER) {
		printf("ok - %s: %s # SKIP allowed for the sanitizer runtime\n",
		    role, name);
		return;
	}
	k = killed(w, name);
	if (want == KILLED)
		ok(k == 1, "%s: %s kills the process (SIGSYS)", role, name);
	else
		ok(k == 0, "%s: %s is allowed", role, name);
}

static void
test_frontend(void)
{
	check(FRONTEND, "open", KILLED, 1);
	check(FRONTEND, "openat", KILLED, 1);
	check(FRONTEND, "openat2", KILLED, 0);
	check(FRONTEND, "execve", KILLED, 0);
	check(FRONTEND, "socket", KILLED, 0);
	check(FRONTEND, "socket-unix", KILLED, 0);
	check(FRONTEND, "socketpair", KILLED, 0);
	check(FRONTEND, "connect", KILLED, 0);
	check(FRONTEND, "ptrace", KILLED, 0);
	check(FRONTEND, "fork", KILLED, 0);
	check(FRONTEND, "setuid", KILLED, 0);
	check(FRONTEND, "mount", KILLED, 0);
	check(FRONTEND, "mkdirat", KILLED, 0);
	check(FRONTEND, "ioctl-tiocsti", KILLED, 0);
	check(FRONTEND, "kill", KILLED, 0);
	/* controls */
	check(FRONTEND, "read", RETURNS, 0);
	check(FRONTEND, "accept4", RETURNS, 0);
	check(FRONTEND, "recvmsg", RETURNS, 0);
	check(FRONTEND, "getdents64", RETURNS, 0);
	check(FRONTEND, "thread", RETURNS, 0);
}

static void
test_helper(void)
{
	check(HELPER, "execve", KILLED, 0);
	check(HELPER, "socket", KILLED, 0);
	/* socketpair makes the private channels of the helper protocol; it
	 * reaches nothing outside the process, unlike socket/connect. */
	check(HELPER, "socketpair", RETURNS, 0);
	check(HELPER, "connect", KILLED, 0);
	check(HELPER, "ptrace", KILLED, 0);
	check(HELPER, "fork", KILLED, 0);
	check(HELPER, "setresuid", KILLED, 0);
	check(HELPER, "setuid", KILLED, 0);
	check(HELPER, "mount", KILLED, 0);
	check(HELPER, "unshare", KILLED, 0);
	check(HELPER, "chroot", KILLED, 0);
	check(HELPER, "kill", KILLED, 0);
	check(HELPER, "ioctl-tiocsti", KILLED, 0);
	/* controls: what the core and the servers use */
	check(HELPER, "openat", RETURNS, 0);
	check(HELPER, "mkdirat", RETURNS, 0);
	check(HELPER, "setfsuid", RETURNS, 0);
	check(HELPER, "ioctl-getversion", RETURNS, 0);
	check(HELPER, "recvmsg", RETURNS, 0);
	check(HELPER, "thread", RETURNS, 0);
}

static void
test_exit_reason(void)
{
	char buf[96];
	pid_t pid;
	int st = 0;

	/* A real seccomp kill, described as the frontend logs it. */
	pid = fork();
	if (pid == 0) {
		if (confine(HELPER) == 0)
			socket(AF_INET, SOCK_DGRAM, 0);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	fe_helper_exit_reason(st, buf, sizeof(buf));
	ok(strcmp(buf, "helper killed by signal 31 (SIGSYS: seccomp)") == 0,
	    "seccomp kill described: %s", buf);
	pid = fork();
	if (pid == 0)
		_exit(3);
	ok(fe_helper_reap(pid, 2000, buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "helper exited with status 3") == 0,
	    "exit described: %s", buf);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ok(fe_helper_reap(pid, 50, buf, sizeof(buf)) == 0,
	    "a running helper is not reaped");
	if (pid > 0)	/* never kill(-1) */
		kill(pid, SIGKILL);
	ok(fe_helper_reap(pid, 2000, buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "helper killed by signal 9 (SIGKILL)") == 0,
	    "kill described: %s", buf);
}

/* Can this process load a filter at all?  valgrind, for one, does not
 * implement seccomp(2); the filters are then tested in the other runs. */
static int
seccomp_works(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(fe_sandbox_seccomp() == 0 ? 0 : 3);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
}

int
main(void)
{
	if (probe("nothing") != -2)
		return 1;
	if (!seccomp_works()) {
		printf("1..0 # SKIP cannot load a seccomp filter here\n");
		return 0;
	}
	test_frontend();
	test_helper();
	test_exit_reason();
	return tap_done();
}
