/* userdb.c - the host's users and groups, read once before the sandbox.
 *
 * An attach names a user; the frontend turns it into uid, primary gid and
 * supplementary groups (creds.c).  The C library answers such questions
 * by opening /etc/passwd and /etc/group (or talking to nscd, sssd...) at
 * each call, which the sandboxed frontend may not do: seccomp kills it on
 * open or socket.  So fe_sandbox_enter() calls userdb_load() first, which
 * enumerates the whole database through NSS (getpwent/getgrent) into
 * memory; lookups are then answered from that copy.  Until it is loaded
 * (tests, tools) lookups go to NSS as before.
 *
 * Users or groups added on the host later are seen after a restart. */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sandbox.h"

struct ugroup {
	gid_t gid;
	char **members;		/* NULL-terminated names */
};

static struct {
	pthread_rwlock_t lock;
	bool loaded;
	struct userdb_ent *users;
	size_t nusers;
	struct ugroup *groups;
	size_t ngroups;
} db = { .lock = PTHREAD_RWLOCK_INITIALIZER };

static int
add_user(const struct passwd *pw, size_t *cap)
{
	struct userdb_ent *u;

	if (strlen(pw->pw_name) >= sizeof(u->name))
		return 0;	/* a name no attach can carry */
	if (db.nusers == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((u = realloc(db.users, *cap * sizeof(*u))) == NULL)
			return -ENOMEM;
		db.users = u;
	}
	u = &db.users[db.nusers++];
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	strcpy(u->name, pw->pw_name);
	return 0;
}

static char **
copy_members(char *const *mem)
{
	size_t n = 0, i;
	char **out;

	while (mem && mem[n])
		n++;
	if ((out = calloc(n + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((out[i] = strdup(mem[i])) == NULL)
			return NULL;	/* freed by userdb_free */
	return out;
}

static int
add_group(const struct group *gr, size_t *cap)
{
	struct ugroup *g;

	if (db.ngroups == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((g = realloc(db.groups, *cap * sizeof(*g))) == NULL)
			return -ENOMEM;
		db.groups = g;
	}
	g = &db.groups[db.ngroups++];
	g->gid = gr->gr_gid;
	g->members = copy_members(gr->gr_mem);
	return g->members ? 0 : -ENOMEM;
}

static void
free_locked(void)
{
	size_t i, j;

	for (i = 0; i < db.ngroups; i++) {
		for (j = 0; db.groups[i].members && db.groups[i].members[j]; j++)
			free(db.groups[i].members[j]);
		free(db.groups[i].members);
	}
	free(db.users);
	free(db.groups);
	db.users = NULL;
	db.groups = NULL;
	db.nusers = db.ngroups = 0;
	db.loaded = false;
}

void
userdb_free(void)
{
	pthread_rwlock_wrlock(&db.lock);
	free_locked();
	pthread_rwlock_unlock(&db.lock);
}

int
userdb_load(void)
{
	struct passwd *pw;
	struct group *gr;
	size_t ucap = 0, gcap = 0;
	int r = 0;

	pthread_rwlock_wrlock(&db.lock);
	free_locked();
	setpwent();
	while (r == 0 && (pw = getpwent()) != NULL)
		r = add_user(pw, &ucap);
	endpwent();
	setgrent();
	while (r == 0 && (gr = getgrent()) != NULL)
		r = add_group(gr, &gcap);
	endgrent();
	if (r < 0)
		free_locked();
	else
		db.loaded = true;
	pthread_rwlock_unlock(&db.lock);
	return r;
}

static int
nss_user(const struct passwd *pw, struct userdb_ent *e)
{
	if (pw == NULL || strlen(pw->pw_name) >= sizeof(e->name))
		return -ENOENT;
	e->uid = pw->pw_uid;
	e->gid = pw->pw_gid;
	strcpy(e->name, pw->pw_name);
	return 0;
}

int
userdb_user_by_uid(uid_t uid, struct userdb_ent *e)
{
	struct passwd pwbuf, *pw = NULL;
	char buf[4096];
	int r = -ENOENT;
	size_t i;

	pthread_rwlock_rdlock(&db.lock);
	if (!db.loaded) {
		pthread_rwlock_unlock(&db.lock);
		getpwuid_r(uid, &pwbuf, buf, sizeof(buf), &pw);
		return nss_user(pw, e);
	}
	for (i = 0; i < db.nusers && r < 0; i++)
		if (db.users[i].uid == uid) {
			*e = db.users[i];
			r = 0;
		}
	pthread_rwlock_unlock(&db.lock);
	return r;
}

int
userdb_user_by_name(const char *name, struct userdb_ent *e)
{
	struct passwd pwbuf, *pw = NULL;
	char buf[4096];
	int r = -ENOENT;
	size_t i;

	pthread_rwlock_rdlock(&db.lock);
	if (!db.loaded) {
		pthread_rwlock_unlock(&db.lock);
		getpwnam_r(name, &pwbuf, buf, sizeof(buf), &pw);
		return nss_user(pw, e);
	}
	for (i = 0; i < db.nusers && r < 0; i++)
		if (strcmp(db.users[i].name, name) == 0) {
			*e = db.users[i];
			r = 0;
		}
	pthread_rwlock_unlock(&db.lock);
	return r;
}

static bool
is_member(char *const *mem, const char *name)
{
	for (; mem && *mem; mem++)
		if (strcmp(*mem, name) == 0)
			return true;
	return false;
}

int
userdb_groups(const struct userdb_ent *u, gid_t *g, int max)
{
	int n = 0;
	size_t i;

	if (max < 1)
		return 0;
	pthread_rwlock_rdlock(&db.lock);
	if (!db.loaded) {
		pthread_rwlock_unlock(&db.lock);
		n = max;
		if (getgrouplist(u->name, u->gid, g, &n) == -1)
			n = max;	/* truncated list: keep the first */
		return n;
	}
	/* As getgrouplist: the primary group first, then every group that
	 * lists the user, without repeating the primary one. */
	g[n++] = u->gid;
	for (i = 0; i < db.ngroups && n < max; i++)
		if (db.groups[i].gid != u->gid &&
		    is_member(db.groups[i].members, u->name))
			g[n++] = db.groups[i].gid;
	pthread_rwlock_unlock(&db.lock);
	return n;
}
