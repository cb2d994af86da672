/* seccomp_list.c - see seccomp_list.h. */
#include <errno.h>

#include "common/seccomp_list.h"

int
seccomp_allow_list(scmp_filter_ctx f, const int *sys, size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++)
		if ((r = seccomp_rule_add(f, SCMP_ACT_ALLOW, sys[i], 0)) < 0)
			return r;
	return 0;
}

int
seccomp_list_new(const int *sys, size_t n, scmp_filter_ctx *out)
{
	scmp_filter_ctx f;
	int r;

	if ((f = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return -ENOMEM;
	/* Every system call of both processes runs the filter.  libseccomp's
	 * default is one comparison after another down the allow-list (about
	 * a hundred entries); a binary tree finds any entry in a handful. */
	if ((r = seccomp_attr_set(f, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (r = seccomp_attr_set(f, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0 ||
	    (r = seccomp_allow_list(f, sys, n)) < 0) {
		seccomp_release(f);
		return r;
	}
	*out = f;
	return 0;
}
