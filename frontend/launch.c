/* launch.c - start the privileged helper, then give up privilege.
 *
 * The frontend parses bytes from a hostile guest, so it keeps nothing it
 * does not need: it starts the helper (which keeps the capabilities the
 * security model needs) over a socketpair, and then, when run as root,
 * becomes an ordinary user with no way back (no groups, all three uids
 * and gids changed, no_new_privs so no exec can regain anything). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/frame.h"
#include "frontend/launch.h"

/* The helper installed next to our own binary. */
int
launch_default_helper(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(out, len, "%s/vfsd-helper", self) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Fork and exec the helper with our end of a fresh socketpair as
 * --fd N; returns our end. */
int
launch_helper(const struct launch_opts *lo, pid_t *pid)
{
	int sv[2], rc;
	char fdstr[16];

	if ((rc = frame_socketpair(sv)) < 0)
		return rc;
	if ((*pid = fork()) < 0) {
		rc = -errno;
		close(sv[0]);
		close(sv[1]);
		return rc;
	}
	if (*pid == 0) {
		const char *argv[10];
		int i = 0;
		/* Only the helper's end survives the exec. */
		fcntl(sv[1], F_SETFD, 0);
		snprintf(fdstr, sizeof(fdstr), "%d", sv[1]);
		argv[i++] = lo->helper;
		argv[i++] = "--fd";
		argv[i++] = fdstr;
		argv[i++] = "--export";
		argv[i++] = lo->export;
		argv[i++] = "--security-model";
		argv[i++] = lo->model;
		if (lo->readonly)
			argv[i++] = "--readonly";
		if (lo->no_sandbox)
			argv[i++] = "--no-sandbox";
		argv[i] = NULL;
		execv(lo->helper, (char *const *)(uintptr_t)argv);
		fprintf(stderr, "vfsd: cannot run %s: %s\n", lo->helper,
		    strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

/* Open descriptors are the frontend's working set (one per open fid);
 * take the whole hard limit while we still may. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
launch_drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	raise_nofile();
	if (geteuid() != 0)
		goto nnp;	/* nothing to drop; still forbid gaining */
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "unknown user '%s'", user);
		return -ENOENT;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errlen, "refusing to serve as root ('%s')", user);
		return -EPERM;
	}
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "dropping to %s: %s", user,
		    strerror(errno));
		return -errno;
	}
	/* Belt and braces: getting root back must now be impossible. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "could regain root after dropping");
		return -EPERM;
	}
nnp:
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -errno;
	}
	return 0;
}
