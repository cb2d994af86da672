/* creds.c - the identity an attach stands for.
 *
 * Linux's first attach (the mount fid, and every request with access=any)
 * carries only uname "nobody" and n_uname ~0; it must succeed, so names
 * that do not resolve map to the anonymous uid 65534.  Per-uid attaches
 * carry the numeric uid.  The primary gid and groups come from the host
 * user database when the uid is known there; otherwise gid = uid, with no
 * supplementary groups (as diod does without a user database). */
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "frontend/frontend.h"

#define ANON_ID 65534u

static void
fill_groups(const struct passwd *pw, struct hcred *cr)
{
	gid_t g[HCLIENT_MAX_GROUPS];
	int n = HCLIENT_MAX_GROUPS;

	cr->gid = pw->pw_gid;
	cr->ngroups = 0;
	if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) == -1)
		n = HCLIENT_MAX_GROUPS;	/* truncated list: keep the first */
	for (int i = 0; i < n && i < HCLIENT_MAX_GROUPS; i++)
		cr->groups[cr->ngroups++] = g[i];
}

void
cred_from_attach(const struct p9_str *uname, uint32_t n_uname,
    struct hcred *cr)
{
	struct passwd pwbuf, *pw = NULL;
	char buf[4096], name[256];

	memset(cr, 0, sizeof(*cr));
	if (n_uname != P9_NONUNAME) {
		cr->uid = n_uname;
		getpwuid_r(n_uname, &pwbuf, buf, sizeof(buf), &pw);
	} else {
		cr->uid = ANON_ID;
		if (uname->len > 0 && uname->len < sizeof(name) &&
		    !memchr(uname->s, '\0', uname->len)) {
			memcpy(name, uname->s, uname->len);
			name[uname->len] = '\0';
			if (strcmp(name, "nobody") != 0)
				getpwnam_r(name, &pwbuf, buf, sizeof(buf), &pw);
		}
		if (pw)
			cr->uid = pw->pw_uid;
	}
	if (pw && pw->pw_uid == cr->uid)
		fill_groups(pw, cr);
	else
		cr->gid = cr->uid == ANON_ID ? ANON_ID : cr->uid;
}
