/* tap.h - a tiny TAP harness for the C unit tests.
 *
 * ok(cond, fmt...) prints "ok N - ..." or "not ok N - ..."; tap_done()
 * prints the plan and returns the exit status (1 if anything failed).
 * tests/run.sh counts the ok / not ok lines of every test program. */
#ifndef VFSD_TAP_H
#define VFSD_TAP_H

#include <stdint.h>
#include <stddef.h>

/* tap.c */
int ok_(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int tap_done(void);
/* 1 when running as root; else prints a plan that skips the whole program
 * ("1..0 # SKIP needs root") and returns 0, and main should return 0. */
int tap_need_root(void);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Compare two byte strings; on mismatch print both in hex as a diagnostic. */
int tap_mem_eq(const void *got, size_t glen, const void *want, size_t wlen);
/* Exactly n bytes from or to fd (EINTR retried): 0, or -1 on an error or
 * end of file. */
int tap_read_full(int fd, void *buf, size_t n);
int tap_write_all(int fd, const void *buf, size_t n);

#define ok(cond, ...) ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	ok_(tap_is_int_((long long)(got), (long long)(want)), __FILE__, \
	    __LINE__, __VA_ARGS__)
int tap_is_int_(long long got, long long want);

#endif
