/* sandbox.h - what the frontend may still do once it parses guest bytes.
 *
 * fe_sandbox_enter() is called by frontend/main.c after the listeners are
 * open, the helper is started and the frontend has become an ordinary
 * user (launch_drop_privileges).  From then on the frontend holds no
 * capability, cannot gain any (no_new_privs), and a seccomp allow-list
 * kills it (SIGSYS) if it tries to open a path, exec, or make a socket:
 * it can only use the descriptors it holds or is handed (accept, the
 * helper's SCM_RIGHTS).  It also starts a thread that waits for the
 * helper (the frontend's only child) and logs why it ended, e.g.
 * "helper killed by signal 31 (SIGSYS: seccomp)".  See docs/security.md. */
#ifndef VFSD_FE_SANDBOX_H
#define VFSD_FE_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One host user, as creds.c needs it. */
struct userdb_ent {
	uid_t uid;
	gid_t gid;
	char name[256];
};

/* sandbox.c */
int fe_sandbox_enter(void);
/* --no-sandbox (profiling under valgrind, which cannot run under the
 * filter): only what the server needs of fe_sandbox_enter, the user
 * database and the helper watcher. */
int fe_sandbox_skip(void);
/* The filter alone (also used by tests/tools/try_syscall.c). */
int fe_sandbox_seccomp(void);
/* Why a child (the helper) ended, from a wait status, as one log phrase:
 * "helper killed by signal 31 (SIGSYS: seccomp)", "helper exited with
 * status 1".  Returns buf. */
const char *fe_helper_exit_reason(int status, char *buf, size_t len);
/* Reap the helper if it is gone or goes within timeout_ms, and describe
 * it (as above) in buf.  Returns 1 if reaped, 0 if still running, or
 * -errno. */
int fe_helper_reap(pid_t pid, int timeout_ms, char *buf, size_t len);

/* userdb.c: the user database, copied into memory by fe_sandbox_enter()
 * (which then may not open /etc/passwd); until loaded, lookups go to NSS.
 * Each returns 0 or -ENOENT; userdb_groups the number of gids (primary
 * first, at most max). */
int userdb_load(void);
void userdb_free(void);
int userdb_user_by_uid(uid_t uid, struct userdb_ent *e);
int userdb_user_by_name(const char *name, struct userdb_ent *e);
int userdb_groups(const struct userdb_ent *u, gid_t *g, int max);

#endif
