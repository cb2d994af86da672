/* model.c - security model names as QEMU spells them. */
#include <errno.h>
#include <string.h>

#include "policy/policy.h"

int
policy_model_parse(const char *s, enum policy_model *out)
{
	if (strcmp(s, "passthrough") == 0)
		*out = POLICY_PASSTHROUGH;
	else if (strcmp(s, "mapped-xattr") == 0 || strcmp(s, "mapped") == 0)
		*out = POLICY_MAPPED_XATTR;
	else if (strcmp(s, "mapped-file") == 0)
		*out = POLICY_MAPPED_FILE;
	else if (strcmp(s, "none") == 0)
		*out = POLICY_NONE;
	else
		return -EINVAL;
	return 0;
}

const char *
policy_model_name(enum policy_model m)
{
	switch (m) {
	case POLICY_PASSTHROUGH: return "passthrough";
	case POLICY_MAPPED_XATTR: return "mapped-xattr";
	case POLICY_MAPPED_FILE: return "mapped-file";
	case POLICY_NONE: return "none";
	default: return "unknown";
	}
}
