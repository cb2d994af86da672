/* log.h - one logging interface for both processes, err(3)-style.
 *
 * log_warn() appends strerror(errno), log_warnx() does not; fatal()/fatalx()
 * log and exit.  Every line is tagged with the process role set by
 * log_init() ("helper", "9p").  Library code (common/, policy/, the codecs)
 * never logs: it returns -errno and lets the process decide. */
#ifndef VFSD_LOG_H
#define VFSD_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* log.c */
void log_init(const char *role, int level);
void log_set_level(int level);
int log_get_level(void);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#define log_warn_f(fmt, ...) log_warn("%s: " fmt, __func__, ##__VA_ARGS__)
#define log_warnx_f(fmt, ...) log_warnx("%s: " fmt, __func__, ##__VA_ARGS__)
#define fatalx_f(fmt, ...) fatalx("%s: " fmt, __func__, ##__VA_ARGS__)

#endif
