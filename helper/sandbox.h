/* sandbox.h - what vfsd-helper may still do once it serves requests.
 *
 * Two calls, in this order, around the opening of the export:
 *
 *   sandbox_prepare(&sb, export, model);   private mount namespace, export
 *                                           bind-mounted onto itself, nodev
 *                                           (pass sb.nodev to the core)
 *   core_open_export(export, ...);          root fd + /proc/self/fd fd
 *   sandbox_enter(&sb);                     pivot_root into the export,
 *                                           capabilities, no_new_privs,
 *                                           seccomp; before any thread
 *
 * The namespace part is best effort (only root may make one; it is
 * reported in sb.ns_err/ns_step for the caller to log); everything after
 * it must succeed or the caller must not serve.  See docs/security.md. */
#ifndef VFSD_HELPER_SANDBOX_H
#define VFSD_HELPER_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"

struct sandbox {
	enum policy_model model;
	/* Results, for the caller's log. */
	bool ns;		/* a private mount namespace was made */
	bool pivoted;		/* "/" is the export */
	bool nodev;		/* no device opens beneath the export */
	int ns_err;		/* -errno of the step that failed, or 0 */
	const char *ns_step;	/* that step, for the log */
	int ncaps;		/* capabilities kept */
	/* Private: the bind mount of the export, while preparing. */
	bool moved;		/* pivot_root done */
	int newroot;
	dev_t dev;
	ino_t ino;
};

/* sandbox.c */
void sandbox_init(struct sandbox *sb, enum policy_model model);
int sandbox_prepare(struct sandbox *sb, const char *export);
int sandbox_enter(struct sandbox *sb);
/* The parts of sandbox_enter, for the probe tool and the tests. */
int sandbox_pivot(struct sandbox *sb);
int sandbox_drop_caps(enum policy_model model, int *nkept);
int sandbox_seccomp(void);
/* The capabilities a model keeps, as a bit mask (1 << CAP_*). */
unsigned long long sandbox_caps_mask(enum policy_model model, bool root);

#endif
