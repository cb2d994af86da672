/* log.c - role-tagged logging to stderr (see log.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

/* Process-wide by nature (one stderr per process); log_init resets it. */
static char log_role[32] = "vfsd";
static int log_level = LOG_LVL_INFO;

void
log_init(const char *role, int level)
{
	snprintf(log_role, sizeof(log_role), "%s", role);
	log_level = level;
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_get_level(void)
{
	return log_level;
}

static void
vlog(int level, int errnum, const char *fmt, va_list ap)
{
	char msg[1024];
	int n;

	if (level > log_level)
		return;
	n = snprintf(msg, sizeof(msg), "[%s] ", log_role);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (errnum) {
		size_t l = strlen(msg);
		snprintf(msg + l, sizeof(msg) - l, ": %s", strerror(errnum));
	}
	/* One write per line so lines from threads do not interleave. */
	size_t l = strlen(msg);
	if (l < sizeof(msg) - 1) {
		msg[l++] = '\n';
	} else {
		msg[sizeof(msg) - 2] = '\n';
		l = sizeof(msg) - 1;
	}
	ssize_t w = write(STDERR_FILENO, msg, l);
	(void)w;
}

#define LOGFN(name, lvl, witherr)			\
void							\
name(const char *fmt, ...)				\
{							\
	int saved = errno;				\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(lvl, witherr ? saved : 0, fmt, ap);	\
	va_end(ap);					\
	errno = saved;					\
}

LOGFN(log_warn, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_LVL_WARN, 0)
LOGFN(log_info, LOG_LVL_INFO, 0)
LOGFN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, saved, fmt, ap);
	va_end(ap);
	_exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	_exit(1);
}
