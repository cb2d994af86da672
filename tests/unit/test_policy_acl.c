/* test_policy_acl.c - policy/acl.c against the Linux kernel itself: for
 * each default ACL and create mode, the kernel creates a file and a
 * directory in a real directory carrying that default ACL (as setfacl -d
 * makes it), and the inherited access ACL, default ACL and mode must be
 * exactly what policy_acl_inherit computes from the parent's blob.  The
 * same for chmod and for setting an access ACL. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <acl/libacl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "policy/policy.h"
#include "tests/unit/tap.h"

#define ACC "system.posix_acl_access"
#define DEF "system.posix_acl_default"

static char top[64];
static struct policy_acl pa, pb;	/* too big for comfort on a stack */

static const char *defaults[] = {
	"u::rwx,g::r-x,o::r-x",
	"u::rw-,g::r--,o::---",
	"u::rwx,u:1000:rwx,g::r-x,m::rwx,o::r-x",
	"u::rwx,u:1000:r--,g::rwx,g:100:-w-,m::r-x,o::---",
	"u::r--,g::---,o::rwx",
	"u::rwx,g::rwx,m::r--,o::rwx",
};
static const mode_t modes[] = { 0777, 0666, 0640, 0600, 0751, 0000, 0437 };

static int
blob(const char *path, const char *name, uint8_t *buf, size_t cap)
{
	ssize_t n = lgetxattr(path, name, buf, cap);

	return n < 0 ? -errno : (int)n;
}

static void
text(const char *path, acl_type_t type, char *out, size_t cap)
{
	acl_t a = acl_get_file(path, type);
	char *t = a != NULL ? acl_to_any_text(a, NULL, ',', 0) : NULL;

	snprintf(out, cap, "%s", t != NULL ? t : "(none)");
	acl_free(t);
	acl_free(a);
}

/* The kernel's result for one new object against policy's. */
static void
compare(const char *dir, const char *name, bool isdir, mode_t mode,
    const uint8_t *def, int deflen, const char *dtext)
{
	uint8_t kacc[512], pacc[512], kdef[512];
	char path[256], got[256];
	struct stat st;
	uint32_t m = (isdir ? S_IFDIR : S_IFREG) | mode;
	int kn, pn = 0, r, fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (isdir)
		r = mkdir(path, mode);
	else if ((r = fd = open(path, O_CREAT | O_EXCL | O_WRONLY, mode)) >= 0)
		r = close(fd);
	if (r != 0 || lstat(path, &st) != 0) {
		ok(0, "kernel create %s", path);
		return;
	}
	policy_acl_parse(def, (size_t)deflen, &pa);
	r = policy_acl_inherit(&pa, &m, &pb);
	if (r == 1)
		pn = policy_acl_emit(&pb, pacc, sizeof(pacc));
	kn = blob(path, ACC, kacc, sizeof(kacc));
	text(path, ACL_TYPE_ACCESS, got, sizeof(got));
	ok((m & 0777) == (st.st_mode & 0777) &&
	    (r == 1 ? tap_mem_eq(kacc, (size_t)(kn > 0 ? kn : 0), pacc,
	    (size_t)pn) : kn == -ENODATA),
	    "%s %04o under [%s]: mode %04o, access %s", isdir ? "mkdir" :
	    "create", (unsigned)mode, dtext, (unsigned)(st.st_mode & 0777),
	    got);
	if (isdir) {
		kn = blob(path, DEF, kdef, sizeof(kdef));
		ok(tap_mem_eq(kdef, (size_t)(kn > 0 ? kn : 0), def,
		    (size_t)deflen), "mkdir %04o: default ACL copied", mode);
	}
}

static void
test_inherit(void)
{
	uint8_t def[512];
	char dir[128], name[32];
	size_t i, j;
	acl_t a;
	int dl;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/d%zu", top, i);
		mkdir(dir, 0755);
		a = acl_from_text(defaults[i]);
		if (a == NULL || acl_set_file(dir, ACL_TYPE_DEFAULT, a) != 0) {
			ok(0, "setfacl -d %s", defaults[i]);
			acl_free(a);
			continue;
		}
		acl_free(a);
		dl = blob(dir, DEF, def, sizeof(def));
		is_int(policy_acl_parse(def, (size_t)dl, &pa), 0,
		    "kernel's default blob parses: %s", defaults[i]);
		for (j = 0; j < sizeof(modes) / sizeof(modes[0]); j++) {
			snprintf(name, sizeof(name), "f%zu", j);
			compare(dir, name, false, modes[j], def, dl,
			    defaults[i]);
			snprintf(name, sizeof(name), "s%zu", j);
			compare(dir, name, true, modes[j], def, dl,
			    defaults[i]);
		}
	}
}

/* chmod and access-ACL set of the kernel against policy. */
static void
test_chmod_equiv(void)
{
	static const char *accs[] = {
		"u::rw-,u:1000:rwx,g::r--,m::rwx,o::r--",
		"u::rwx,g::r-x,o::---",
	};
	uint8_t k[512], p[512];
	char path[128];
	struct stat st;
	size_t i;
	uint32_t m;
	acl_t a;
	int kn, pn, fd;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/c%zu", top, i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		close(fd);
		a = acl_from_text(accs[i]);
		acl_set_file(path, ACL_TYPE_ACCESS, a);
		acl_free(a);
		/* The kernel set the mode from the ACL. */
		lstat(path, &st);
		kn = blob(path, ACC, k, sizeof(k));
		m = S_IFREG;
		is_int(policy_acl_parse(k, kn > 0 ? (size_t)kn : 0, &pa),
		    i == 0 ? 0 : -EINVAL, "parse kernel's access blob %zu", i);
		if (i == 1) {
			/* Minimal: the kernel stores no xattr at all. */
			is_int(kn, -ENODATA, "equivalent ACL not stored");
			ok((st.st_mode & 0777) == 0750,
			    "equivalent ACL became the mode");
			continue;
		}
		is_int(policy_acl_equiv_mode(&pa, &m), 1, "not equivalent");
		is_int(m & 0777, st.st_mode & 0777,
		    "mode from ACL as the kernel sets it");
		chmod(path, 0641);
		kn = blob(path, ACC, k, sizeof(k));
		policy_acl_chmod(&pa, 0641);
		pn = policy_acl_emit(&pa, p, sizeof(p));
		ok(tap_mem_eq(k, (size_t)(kn > 0 ? kn : 0), p, (size_t)pn),
		    "chmod 0641 rewrites the ACL as the kernel does");
	}
}

static void
test_parse(void)
{
	static const uint8_t ok3[] = { 2, 0, 0, 0,
	    1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,
	    4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
	    0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff };
	uint8_t b[sizeof(ok3)];
	uint32_t m = 0100000;

	is_int(policy_acl_parse(ok3, sizeof(ok3), &pa), 0, "minimal ACL");
	is_int(pa.count, 3, "three entries");
	is_int(policy_acl_equiv_mode(&pa, &m), 0, "minimal is equivalent");
	is_int(m, 0100644, "its mode");
	is_int(policy_acl_emit(&pa, b, sizeof(b)), (int)sizeof(ok3), "emit");
	ok(tap_mem_eq(b, sizeof(b), ok3, sizeof(ok3)), "round trip");
	is_int(policy_acl_emit(&pa, b, 8), -ERANGE, "emit: small buffer");
	is_int(policy_acl_parse(ok3, 4, &pa), 0, "header only: no ACL");
	is_int(pa.count, 0, "no entries");
	is_int(policy_acl_parse(ok3, 3, &pa), -EINVAL, "short header");
	is_int(policy_acl_parse(ok3, 9, &pa), -EINVAL, "partial entry");
	memcpy(b, ok3, sizeof(b));
	b[0] = 1;
	is_int(policy_acl_parse(b, sizeof(b), &pa), -EOPNOTSUPP,
	    "version 1");
	memcpy(b, ok3, sizeof(b));
	b[6] = 8;
	is_int(policy_acl_parse(b, sizeof(b), &pa), -EINVAL, "perm bit 8");
	memcpy(b, ok3, sizeof(b));
	b[12] = 0x20;
	b[20] = 4;
	is_int(policy_acl_parse(b, sizeof(b), &pa), -EINVAL,
	    "OTHER before GROUP_OBJ");
	memcpy(b, ok3, sizeof(b));
	b[12] = 0x02;
	is_int(policy_acl_parse(b, sizeof(b), &pa), -EINVAL,
	    "named USER without GROUP_OBJ and MASK");
	memcpy(b, ok3, sizeof(b));
	b[20] = 0x40;
	is_int(policy_acl_parse(b, sizeof(b), &pa), -EINVAL, "unknown tag");
}

int
main(void)
{
	char cmd[128];

	strcpy(top, "/var/tmp/vfsd-acl.XXXXXX");
	if (mkdtemp(top) == NULL) {
		ok(0, "temp dir");
		return tap_done();
	}
	umask(022);	/* a default ACL must make it irrelevant */
	test_parse();
	test_inherit();
	test_chmod_equiv();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
	return tap_done();
}
