/* seccomp_list.c - see seccomp_list.h. */
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
