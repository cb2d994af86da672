/* creds.c - the identity an attach stands for.
 *
 * Linux's first attach (the mount fid, and every request with access=any)
 * carries only uname "nobody" and n_uname ~0; it must succeed, so names
 * that do not resolve map to the anonymous uid 65534.  Per-uid attaches
 * carry the numeric uid.  The primary gid and groups come from the host
 * user database when the uid is known there; otherwise gid = uid, with no
 * supplementary groups (as diod does without a user database). */
#include <string.h>

#include "frontend/frontend.h"
#include "frontend/sandbox.h"

#define ANON_ID 65534u

/* sandbox: users and groups come from userdb.c, which answers from a
 * copy made before the frontend is sandboxed (no open of /etc/passwd
 * afterwards). */
static void
fill_groups(const struct userdb_ent *u, struct hcred *cr)
{
	gid_t g[HCLIENT_MAX_GROUPS];
	int n = userdb_groups(u, g, HCLIENT_MAX_GROUPS);

	cr->gid = u->gid;
	cr->ngroups = 0;
	for (int i = 0; i < n && i < HCLIENT_MAX_GROUPS; i++)
		cr->groups[cr->ngroups++] = g[i];
}

void
cred_from_attach(const struct p9_str *uname, uint32_t n_uname,
    struct hcred *cr)
{
	struct userdb_ent u;
	bool found = false;
	char name[256];

	memset(cr, 0, sizeof(*cr));
	if (n_uname != P9_NONUNAME) {
		cr->uid = n_uname;
		found = userdb_user_by_uid(n_uname, &u) == 0;
	} else {
		cr->uid = ANON_ID;
		if (uname->len > 0 && uname->len < sizeof(name) &&
		    !memchr(uname->s, '\0', uname->len)) {
			memcpy(name, uname->s, uname->len);
			name[uname->len] = '\0';
			if (strcmp(name, "nobody") != 0)
				found = userdb_user_by_name(name, &u) == 0;
		}
		if (found)
			cr->uid = u.uid;
	}
	if (found && u.uid == cr->uid)
		fill_groups(&u, cr);
	else
		cr->gid = cr->uid == ANON_ID ? ANON_ID : cr->uid;
}
