/* sandbox.c - confine the frontend, the process that parses the guest.
 *
 * The frontend is the part a hostile guest talks to, so it is built to be
 * worth nothing once taken over: it runs as an ordinary user, holds no
 * capability in any set, can gain none (no_new_privs), and a seccomp
 * allow-list leaves it only the system calls of its job: reading and
 * writing the connections it accepted and the descriptors the helper
 * handed it, locks, fsync, getdents, threads and memory.  There is no
 * open, openat, execve, socket, connect or bind: a compromised frontend
 * cannot name a file or reach a new peer; it is killed with SIGSYS.
 *
 * Resource limits (fids, tags, bytes in flight) are the server's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cap-ng.h>
#include <seccomp.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "common/log.h"
#include "common/seccomp_list.h"
#include "frontend/sandbox.h"

static const int frontend_syscalls[] = {
	/* threads, memory, signals of the C library */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigaction), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(getrandom), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(getcpu),	/* sched_getcpu() without rseq (spin.c) */
	SCMP_SYS(tgkill),	/* abort() */
	/* A timed wait (the handle releaser's, poll timeouts) stopped by
	 * SIGSTOP resumes through restart_syscall after SIGCONT. */
	SCMP_SYS(restart_syscall),
	/* connections it holds or accepts: no socket, connect, bind */
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(read), SCMP_SYS(write),
	SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(shutdown), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(eventfd2),
	SCMP_SYS(pipe2), SCMP_SYS(close), SCMP_SYS(dup), SCMP_SYS(fcntl),
	/* the data path on descriptors from the helper */
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(preadv),
	SCMP_SYS(pwritev), SCMP_SYS(preadv2), SCMP_SYS(pwritev2),
	SCMP_SYS(lseek), SCMP_SYS(getdents64), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(flock), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fstatfs),
	SCMP_SYS(ftruncate), SCMP_SYS(fallocate),
	/* large Rreads: file -> pipe -> socket (pipe2, fcntl above) */
	SCMP_SYS(splice),
	/* the helper's end, when it is gone */
	SCMP_SYS(wait4),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid),
};

/* ASan test builds: LeakSanitizer's exit-time check stops the world with
 * a ptrace'd clone, which the filter forbids (and which no longer works
 * once the process changed uid): it would hang at exit.  So the check
 * runs once, before the filter, and not at exit.  open stays allowed so
 * that a sanitizer report can read /proc/self/maps; release builds never
 * allow it. */
#if defined(__SANITIZE_ADDRESS__)
static const int sanitizer_syscalls[] = {
	SCMP_SYS(sigaltstack), SCMP_SYS(getppid), SCMP_SYS(prctl),
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(readlink),
};
#endif

int
fe_sandbox_seccomp(void)
{
	scmp_filter_ctx f;
	int r;

	if ((r = seccomp_list_new(frontend_syscalls, sizeof(frontend_syscalls) /
	    sizeof(frontend_syscalls[0]), &f)) < 0)
		return r;
#if defined(__SANITIZE_ADDRESS__)
	if ((r = seccomp_allow_list(f, sanitizer_syscalls, sizeof(sanitizer_syscalls) /
	    sizeof(sanitizer_syscalls[0]))) < 0)
		goto out;
#endif
	/* Threads only, never a second process; clone3 hides its flags
	 * from the filter, so it fails and the C library uses clone. */
	if ((r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD))) < 0 ||
	    (r = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0)) < 0)
		goto out;
	r = seccomp_load(f);
out:
	seccomp_release(f);
	return r < 0 ? r : 0;
}

/* The helper is the frontend's only child: when it ends, say why (the
 * helper client separately fails every pending request with EIO). */
static void *
watch_helper(void *arg)
{
	char why[96];
	int st;

	(void)arg;
	while (waitpid(-1, &st, 0) < 0)
		if (errno != EINTR)
			return NULL;	/* no child: nothing to watch */
	log_warnx("%s", fe_helper_exit_reason(st, why, sizeof(why)));
	return NULL;
}

static int
start_watcher(void)
{
	pthread_attr_t at;
	pthread_t t;
	int r;

	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &at, watch_helper, NULL);
	pthread_attr_destroy(&at);
	return -r;
}

int
fe_sandbox_enter(void)
{
	long ncpu;
	int r;

	/* Root (even without capabilities) owns too much of the host: the
	 * frontend must already have become an ordinary user. */
	if (getuid() == 0 || geteuid() == 0 || getgid() == 0 || getegid() == 0)
		return -EPERM;
	/* An ordinary user normally has no capabilities; ambient or file
	 * capabilities could still have given some.  Drop every set that
	 * can be dropped without CAP_SETPCAP. */
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE ||
	    capng_have_capabilities(CAPNG_SELECT_AMBIENT) != CAPNG_NONE) {
		capng_clear(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
		if (capng_apply(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) != 0)
			return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	/* glibc reads /proc/sys/vm/overcommit_memory the first time it
	 * shrinks a thread arena's heap, which would now be a seccomp kill;
	 * a trim threshold nothing reaches means heaps never shrink (large
	 * buffers are mmap'd and still go back to the kernel when freed). */
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
	/* Likewise it reads /sys/devices/system/cpu/online when threads
	 * first outnumber arenas; give it its usual limit now.  (Under a
	 * sanitizer's allocator mallopt does nothing, and needs nothing.) */
	if ((ncpu = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		ncpu = 1;
	mallopt(M_ARENA_MAX, (int)(8 * ncpu));
	/* Attaches name users; their database cannot be read later. */
	if ((r = userdb_load()) < 0)
		return r;
#if defined(__SANITIZE_ADDRESS__)
	__lsan_do_leak_check();		/* and none at exit: see above */
#endif
	if ((r = fe_sandbox_seccomp()) < 0)
		return r;
	return start_watcher();
}

int
fe_sandbox_skip(void)
{
	int r;

	if ((r = userdb_load()) < 0)
		return r;
	return start_watcher();
}

const char *
fe_helper_exit_reason(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		snprintf(buf, len, "helper killed by signal %d (SIGSYS: "
		    "seccomp)", SIGSYS);
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "helper killed by signal %d (SIG%s)",
		    WTERMSIG(status), sigabbrev_np(WTERMSIG(status)) ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	else if (WIFEXITED(status))
		snprintf(buf, len, "helper exited with status %d",
		    WEXITSTATUS(status));
	else
		snprintf(buf, len, "helper stopped (wait status %#x)", status);
	return buf;
}

int
fe_helper_reap(pid_t pid, int timeout_ms, char *buf, size_t len)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int st, waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			fe_helper_exit_reason(st, buf, len);
			return 1;
		}
		if (r < 0)
			return -errno;
		if (waited >= timeout_ms)
			break;
		nanosleep(&ts, NULL);
		waited += 10;
	}
	snprintf(buf, len, "helper still running");
	return 0;
}
