/* launch.h - starting the helper and dropping privilege (launch.c). */
#ifndef VFSD_LAUNCH_H
#define VFSD_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct launch_opts {
	const char *helper;
	const char *export;
	const char *model;
	bool readonly;
	bool no_sandbox;	/* pass --no-sandbox on (profiling only) */
};

/* launch.c */
int launch_default_helper(char *out, size_t len);
int launch_helper(const struct launch_opts *lo, pid_t *pid);
int launch_drop_privileges(const char *user, char *err, size_t errlen);

#endif
