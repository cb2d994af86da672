/* policy.h - side-effect-free decisions shared by helper and frontend.
 *
 * Nothing here makes a syscall that changes anything, logs or exits:
 * functions return 0 or -errno (or a value) so that every rule can be
 * unit-tested without root.  Grouped by file. */
#ifndef VFSD_POLICY_H
#define VFSD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Security models, named as QEMU names them.  Values travel in HelloRep. */
enum policy_model {
	POLICY_PASSTHROUGH = 0,
	POLICY_MAPPED_XATTR = 1,
	POLICY_MAPPED_FILE = 2,
	POLICY_NONE = 3,
};

enum policy_multidevs {
	POLICY_MULTIDEVS_WARN = 0,
	POLICY_MULTIDEVS_REMAP = 1,
	POLICY_MULTIDEVS_FORBID = 2,
};

/* model.c */
int policy_model_parse(const char *s, enum policy_model *out);
const char *policy_model_name(enum policy_model m);

#endif
