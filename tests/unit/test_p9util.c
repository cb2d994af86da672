/* test_p9util.c - attach identities and name checks of the frontend. */
#include <errno.h>
#include <pwd.h>
#include <string.h>

#include "frontend/frontend.h"
#include "policy/policy.h"
#include "tests/unit/tap.h"

static struct p9_str
str(const char *s, size_t len)
{
	struct p9_str r = { (uint16_t)len, s };

	return r;
}

static void
test_creds(void)
{
	struct hcred cr;
	struct p9_str s;

	s = p9_cstr("nobody");
	cred_from_attach(&s, P9_NONUNAME, &cr);
	ok(cr.uid == 65534 && cr.gid == 65534,
	    "Linux's first attach ('nobody', ~0) is uid/gid 65534");
	s = p9_cstr("");
	cred_from_attach(&s, P9_NONUNAME, &cr);
	is_int(cr.uid, 65534, "no name and no number: anonymous");
	s = p9_cstr("no-such-user-here");
	cred_from_attach(&s, P9_NONUNAME, &cr);
	is_int(cr.uid, 65534, "an unknown name: anonymous");
	s = p9_cstr("root");
	cred_from_attach(&s, P9_NONUNAME, &cr);
	ok(cr.uid == 0 && cr.gid == 0, "a known name resolves (root)");
	s = p9_cstr("");
	cred_from_attach(&s, 0, &cr);
	ok(cr.uid == 0 && cr.gid == 0 && cr.ngroups >= 1 &&
	    cr.groups[0] == 0, "n_uname 0: root with its groups");
	cred_from_attach(&s, 54321, &cr);
	ok(getpwuid(54321) != NULL ||
	    (cr.uid == 54321 && cr.gid == 54321 && cr.ngroups == 0),
	    "an unknown uid: gid = uid, no groups");
	s = str("nobody\0x", 8);
	cred_from_attach(&s, P9_NONUNAME, &cr);
	is_int(cr.uid, 65534, "a name with a NUL inside is not looked up");
}

static void
test_names(void)
{
	char out[256], longname[300];
	struct p9_str s;

	s = p9_cstr("");
	is_int(name_check(&s, out, false, POLICY_PASSTHROUGH), -ENOENT,
	    "empty name: ENOENT");
	memset(longname, 'a', sizeof(longname));
	s = str(longname, 256);
	is_int(name_check(&s, out, false, POLICY_PASSTHROUGH), -ENAMETOOLONG,
	    "256 bytes: ENAMETOOLONG");
	s = str(longname, 255);
	ok(name_check(&s, out, true, POLICY_PASSTHROUGH) == 0 &&
	    strlen(out) == 255, "255 bytes is fine and NUL-terminated");
	s = p9_cstr("a/b");
	is_int(name_check(&s, out, false, POLICY_PASSTHROUGH), -ENOENT,
	    "a '/' inside: ENOENT");
	s = str("a\0b", 3);
	is_int(name_check(&s, out, false, POLICY_PASSTHROUGH), -ENOENT,
	    "a NUL inside: ENOENT");
	s = p9_cstr("..");
	is_int(name_check(&s, out, false, POLICY_PASSTHROUGH), 0,
	    "'..' may be walked");
	is_int(name_check(&s, out, true, POLICY_PASSTHROUGH), -EEXIST,
	    "'..' may not be created: EEXIST");
	s = p9_cstr(".");
	is_int(name_check(&s, out, true, POLICY_MAPPED_XATTR), -EEXIST,
	    "'.' may not be created");
	s = p9_cstr(".virtfs_metadata");
	is_int(name_check(&s, out, false, POLICY_MAPPED_FILE), -EINVAL,
	    "mapped-file: .virtfs_metadata does not exist for the guest");
	s = p9_cstr(".virtfs_metadata_root");
	is_int(name_check(&s, out, true, POLICY_MAPPED_FILE), -EINVAL,
	    "mapped-file: .virtfs_metadata_root cannot be created");
	is_int(name_check(&s, out, true, POLICY_PASSTHROUGH), 0,
	    "other models: an ordinary name");
}

static void
test_qids(void)
{
	struct hattr a = { .qid_path = 77, .mode = 040755 };
	struct p9_qid q;

	qid_from_attr(&a, &q);
	ok(q.type == P9_QTDIR && q.path == 77 && q.version == 0,
	    "directory qid");
	a.mode = 0120777;
	qid_from_attr(&a, &q);
	is_int(q.type, P9_QTSYMLINK, "symlink qid");
	a.mode = 0100644;
	qid_from_attr(&a, &q);
	is_int(q.type, P9_QTFILE, "file qid");
}

int
main(void)
{
	test_creds();
	test_names();
	test_qids();
	return tap_done();
}
