/* sandbox.c - confine vfsd-helper before it serves its first request.
 *
 * The helper keeps root (or at least the capabilities of its security
 * model) because it acts as the guest's users on the export.  Whatever
 * goes wrong in it - a bug in the core, a protocol decoder fooled by a
 * compromised frontend - must stay inside the export and inside the
 * operations it needs.  Read top to bottom, this is the whole story:
 *
 *  1. sandbox_prepare(), before the core opens the export:
 *     a private mount namespace, "/" made rprivate, the export bind-mounted
 *     onto itself (pivot_root wants a mount point) and, in this namespace,
 *     made nodev with everything mounted beneath it: the helper never
 *     opens a device (a guest opens device nodes in its own kernel), so
 *     no device node made by a guest or the host can ever be opened by
 *     it, whatever a bug or a race asks.  The core then opens
 *     its root and /proc/self/fd *inside this namespace*, so both belong
 *     to mounts that step 2 keeps (the root) or detaches (proc).
 *  2. sandbox_pivot(): pivot_root into the export and detach the old root.
 *     "/" and ".." of the root are now the export; absolute paths (a
 *     library reading /etc, a bug building a path) find nothing of the
 *     host; the /proc/self/fd descriptor keeps working because magic
 *     links of our own descriptors do not depend on the root.
 *  3. sandbox_drop_caps(): only the capabilities the model uses, in the
 *     effective and permitted sets; inheritable, ambient and bounding sets
 *     empty; securebits so that uid 0 gains nothing by exec.
 *  4. PR_SET_NO_NEW_PRIVS: nothing can be gained by exec either way.
 *  5. sandbox_seccomp(): an allow-list of the system calls the helper
 *     makes (measured with strace over the test suites and a guest
 *     workload); anything else kills the whole process with SIGSYS.
 *
 * Steps 1-2 need CAP_SYS_ADMIN and a kernel with mount namespaces; where
 * they fail the helper goes on with its original root (the core resolves
 * every name beneath its root fd regardless) and the caller logs why.
 * Steps 3-5 never fall back. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <termios.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cap-ng.h>
#include <seccomp.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "helper/sandbox.h"
#include "common/seccomp_list.h"

/* Capabilities kept in passthrough and none, where the helper creates and
 * changes objects as the guest's users. */
static const int passthrough_caps[] = {
	CAP_CHOWN,		/* give new objects the guest's owner; chown */
	CAP_DAC_OVERRIDE,	/* root-context requests on any file */
	CAP_DAC_READ_SEARCH,	/* resolve through directories of mode 0 */
	CAP_FOWNER,		/* chmod/utimes/xattrs on others' files */
	CAP_FSETID,		/* keep the setgid bits the guest asks for */
	CAP_MKNOD,		/* device nodes made by guest root */
	CAP_SETUID,		/* setfsuid to the guest's uid per request */
	CAP_SETGID,		/* setfsgid and setgroups per request */
};

/* Mapped models keep none: every host object is created by, and owned by,
 * the helper's own uid (the guest's ids are only recorded in metadata),
 * so owner rights are all it uses.  The export must therefore belong to
 * the helper's uid; files of other host users are reached only as far as
 * their mode bits allow. */

void
sandbox_init(struct sandbox *sb, enum policy_model model)
{
	memset(sb, 0, sizeof(*sb));
	sb->model = model;
	sb->newroot = -1;
}

static int
ns_fail(struct sandbox *sb, const char *step)
{
	sb->ns_err = -errno;
	sb->ns_step = step;
	return sb->ns_err;
}

/* Every mount from the export down refuses to open device nodes (the
 * kernel answers EACCES before any driver sees the open).  Recursive,
 * so it holds for file systems mounted inside the export; mounts made
 * later on the host do not reach our private namespace.  Best effort
 * (mount_setattr is Linux 5.12+): sb->nodev says whether it held, and
 * only then may the core open a name without pinning its inode first
 * (core_open_path). */
static void
set_nodev(struct sandbox *sb, const char *export)
{
	struct mount_attr ma = { .attr_set = MOUNT_ATTR_NODEV };

	sb->nodev = mount_setattr(AT_FDCWD, export, AT_RECURSIVE, &ma,
	    sizeof(ma)) == 0;
}

int
sandbox_prepare(struct sandbox *sb, const char *export)
{
	struct stat st;

	/* Only root may make a mount namespace without a user namespace,
	 * and a user namespace would change how host owners look. */
	if (geteuid() != 0) {
		errno = EPERM;
		return ns_fail(sb, "not root");
	}
	/* Our own copy of the mount table: what we mount or detach below
	 * is invisible to the host. */
	if (unshare(CLONE_NEWNS) != 0)
		return ns_fail(sb, "unshare(CLONE_NEWNS)");
	sb->ns = true;
	/* Shared mounts would carry our bind and detach back to the host's
	 * namespace; make every mount private first. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return ns_fail(sb, "make / rprivate");
	/* pivot_root needs the new root to be a mount point; recursive so
	 * that file systems mounted inside the export stay visible. */
	if (mount(export, export, "none", MS_BIND | MS_REC, NULL) != 0)
		return ns_fail(sb, "bind the export onto itself");
	/* Held so that step 2 pivots into exactly this mount even if a path
	 * component is renamed meanwhile. */
	sb->newroot = open(export, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sb->newroot < 0 || fstat(sb->newroot, &st) != 0)
		return ns_fail(sb, "open the export");
	sb->dev = st.st_dev;
	sb->ino = st.st_ino;
	set_nodev(sb, export);
	return 0;
}

int
sandbox_pivot(struct sandbox *sb)
{
	struct stat st, up;
	int oldroot;

	if (sb->newroot < 0)
		return -EINVAL;
	oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return ns_fail(sb, "open /");
	/* pivot_root(".", ".") stacks the old root on top of the new one,
	 * so no directory has to be made inside the export for it. */
	if (fchdir(sb->newroot) != 0 ||
	    syscall(SYS_pivot_root, ".", ".") != 0) {
		ns_fail(sb, "pivot_root");
		close(oldroot);
		return sb->ns_err;
	}
	sb->moved = true;	/* from here on, no way back: failures are fatal */
	/* Detach the old root from its place on top of ours.  Lazily: the
	 * core's /proc/self/fd descriptor still pins that proc mount, and
	 * may keep doing so; nothing can reach it by path any more. */
	if (fchdir(oldroot) != 0 || umount2(".", MNT_DETACH) != 0) {
		ns_fail(sb, "detach the old root");
		close(oldroot);
		return sb->ns_err;
	}
	close(oldroot);
	close(sb->newroot);
	sb->newroot = -1;
	if (chdir("/") != 0)
		return ns_fail(sb, "chdir /");
	/* Prove it: "/" is the export, and ".." of it leads nowhere else. */
	if (stat("/", &st) != 0 || stat("/..", &up) != 0)
		return ns_fail(sb, "stat /");
	if (st.st_dev != sb->dev || st.st_ino != sb->ino ||
	    up.st_dev != st.st_dev || up.st_ino != st.st_ino) {
		errno = EXDEV;
		return ns_fail(sb, "check the new root");
	}
	sb->pivoted = true;
	return 0;
}

unsigned long long
sandbox_caps_mask(enum policy_model model, bool root)
{
	unsigned long long m = 0;
	size_t i;

	if (!root)
		return 0;	/* an ordinary user has nothing to keep */
	switch (model) {
	case POLICY_PASSTHROUGH:
	case POLICY_NONE:
		for (i = 0; i < sizeof(passthrough_caps) /
		    sizeof(passthrough_caps[0]); i++)
			m |= 1ULL << passthrough_caps[i];
		return m;
	case POLICY_MAPPED_XATTR:
	case POLICY_MAPPED_FILE:
	default:
		return 0;
	}
}

int
sandbox_drop_caps(enum policy_model model, int *nkept)
{
	unsigned long long keep;
	bool setpcap;
	int c, n = 0;

	capng_get_caps_process();
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	keep = sandbox_caps_mask(model, geteuid() == 0);
	/* As uid 0, exec would grant a full set again and ambient caps
	 * could be raised; lock both doors while CAP_SETPCAP allows it. */
	if (setpcap && prctl(PR_SET_SECUREBITS, SECBIT_NOROOT |
	    SECBIT_NOROOT_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
	    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) != 0)
		return -errno;
	capng_clear(CAPNG_SELECT_ALL);
	for (c = 0; c < 64; c++) {
		if (!(keep & (1ULL << c)))
			continue;
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    (unsigned int)c) != 0)
			return -EINVAL;
		n++;
	}
	/* Emptying the bounding set needs CAP_SETPCAP; without it we had
	 * no capabilities to begin with, and no_new_privs below keeps exec
	 * from granting any. */
	if (capng_apply(setpcap ? CAPNG_SELECT_ALL : CAPNG_SELECT_CAPS) != 0)
		return -EPERM;
	if (nkept)
		*nkept = n;
	return 0;
}

/* The system calls the helper makes once serving, grouped by use. */
static const int helper_syscalls[] = {
	/* threads, memory, signals of the C library */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getrandom),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(tgkill),	/* abort() when credentials cannot be restored */
	/* A timed wait stopped by SIGSTOP (a debugger, a job-control stop)
	 * resumes through restart_syscall; without it, SIGCONT would kill. */
	SCMP_SYS(restart_syscall),
	/* the frontend's (or QEMU's) socket */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(close), SCMP_SYS(shutdown),
	SCMP_SYS(socketpair),	/* private channels (pb_server_open_channel) */
	/* the operation core: *at() calls beneath its root descriptor */
	SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(newfstatat),
	SCMP_SYS(fstat), SCMP_SYS(statx), SCMP_SYS(fstatfs), SCMP_SYS(lseek),
	SCMP_SYS(name_to_handle_at),	/* T_GETVERSION without an open */
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(fcntl), SCMP_SYS(dup),
	SCMP_SYS(getdents64), SCMP_SYS(mkdirat), SCMP_SYS(mknodat),
	SCMP_SYS(symlinkat), SCMP_SYS(linkat), SCMP_SYS(unlinkat),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(readlinkat),
	SCMP_SYS(fchmod), SCMP_SYS(fchmodat), SCMP_SYS(fchown),
	SCMP_SYS(fchownat), SCMP_SYS(ftruncate), SCMP_SYS(utimensat),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(umask),
	SCMP_SYS(fgetxattr), SCMP_SYS(fsetxattr), SCMP_SYS(flistxattr),
	SCMP_SYS(fremovexattr), SCMP_SYS(getxattr), SCMP_SYS(setxattr),
	SCMP_SYS(listxattr), SCMP_SYS(removexattr), SCMP_SYS(lgetxattr),
	SCMP_SYS(lsetxattr), SCMP_SYS(llistxattr), SCMP_SYS(lremovexattr),
	463, 464, 465, 466,	/* {set,get,list,remove}xattrat, Linux 6.13 */
	452,			/* fchmodat2, Linux 6.6 */
	/* per-thread credentials (cred.c); never setuid/setresuid */
	SCMP_SYS(setfsuid), SCMP_SYS(setfsgid), SCMP_SYS(setgroups),
	SCMP_SYS(getgroups), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	SCMP_SYS(getgid), SCMP_SYS(getegid),
};

/* ASan test builds: LeakSanitizer's exit-time check walks /proc/PID/task
 * with a ptrace'd clone, which neither the new root (no /proc) nor the
 * filter allows.  So the check runs once, now, before the sandbox, and
 * not at exit (the core's leaks are still checked in-process by the ASan
 * unit tests and valgrind.sh).  What the rest of the runtime needs is
 * allowed. */
#if defined(__SANITIZE_ADDRESS__)
static const int sanitizer_syscalls[] = {
	SCMP_SYS(sigaltstack), SCMP_SYS(getppid), SCMP_SYS(prctl),
};
#endif

/* Rules that look at arguments. */
static int
allow_narrow(scmp_filter_ctx f)
{
	int r;

	/* New threads only: a plain fork would give a second process with
	 * our privileges that nobody reaps.  clone3 passes its flags in
	 * memory a filter cannot read, so it fails with ENOSYS and the C
	 * library falls back to clone. */
	if ((r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD))) < 0 ||
	    (r = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0)) < 0)
		return r;
	/* The inode generation for QEMU's T_GETVERSION, nothing else. */
	return seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, FS_IOC_GETVERSION));
}

int
sandbox_seccomp(void)
{
	scmp_filter_ctx f;
	int r;

	if ((r = seccomp_list_new(helper_syscalls, sizeof(helper_syscalls) /
	    sizeof(helper_syscalls[0]), &f)) < 0)
		return r;
	if (
#if defined(__SANITIZE_ADDRESS__)
	    (r = seccomp_allow_list(f, sanitizer_syscalls, sizeof(sanitizer_syscalls) /
	    sizeof(sanitizer_syscalls[0]))) < 0 ||
	    /* isatty() before a sanitizer prints a report: without it the
	     * report is lost to a seccomp kill. */
	    (r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, TCGETS))) < 0 ||
#endif
	    (r = allow_narrow(f)) < 0)
		goto out;
	r = seccomp_load(f);
out:
	seccomp_release(f);
	return r < 0 ? r : 0;
}

int
sandbox_enter(struct sandbox *sb)
{
	int r;

#if defined(__SANITIZE_ADDRESS__)
	__lsan_do_leak_check();		/* and none at exit: see above */
#endif
	/* The namespace is best effort up to pivot_root itself (the caller
	 * logs ns_err/ns_step); half-way through it, stopping is safer. */
	if (sb->newroot >= 0 && (r = sandbox_pivot(sb)) < 0) {
		if (sb->moved)
			return r;
		close(sb->newroot);
		sb->newroot = -1;
	}
	if ((r = sandbox_drop_caps(sb->model, &sb->ncaps)) < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	return sandbox_seccomp();
}
