/* randread.c - 4 KiB random reads of a file, for guests without fio.
 *
 *   randread FILE BLOCK COUNT     prints "reads=N secs=S iops=I"
 *
 * Built static on the host and put in the share, so the busybox guest can
 * run it.  The offsets come from a fixed-seed xorshift so every server sees
 * the same sequence. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int
main(int argc, char **argv)
{
	struct timespec a, b;
	struct stat sb;
	uint64_t seed = 88172645463325252ull, blocks;
	long bs, n, i;
	char *buf;
	int fd;

	if (argc != 4)
		return 2;
	bs = atol(argv[2]);
	n = atol(argv[3]);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) < 0 || bs <= 0 || sb.st_size < bs ||
	    (buf = malloc((size_t)bs)) == NULL) {
		perror(argv[1]);
		return 1;
	}
	blocks = (uint64_t)(sb.st_size / bs);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		off_t off = (off_t)(next(&seed) % blocks) * bs;

		if (pread(fd, buf, (size_t)bs, off) != bs) {
			perror("pread");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("reads=%ld secs=%.3f iops=%.0f\n", n, s, (double)n / s);
	return 0;
}
