/* tap.c - see tap.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/tap.h"

static int tap_n, tap_failed;

int
ok_(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

int
tap_is_int_(long long got, long long want)
{
	if (got != want)
		printf("#   got %lld, want %lld\n", got, want);
	return got == want;
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void
hex(const char *label, const void *p, size_t n)
{
	const unsigned char *b = p;

	printf("#   %s (%zu):", label, n);
	for (size_t i = 0; i < n && i < 256; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

int
tap_mem_eq(const void *got, size_t glen, const void *want, size_t wlen)
{
	if (glen == wlen && memcmp(got, want, glen) == 0)
		return 1;
	hex("got ", got, glen);
	hex("want", want, wlen);
	return 0;
}

int
tap_read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t k;

	while (n > 0) {
		k = read(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
tap_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

int
tap_need_root(void)
{
	if (geteuid() == 0)
		return 1;
	printf("1..0 # SKIP needs root\n");
	return 0;
}
