/* glock.c - take, test and wait for file locks, in the guest and on the host.
 *
 * Built static (tests/integration/models_locks.sh) so the same program runs
 * on the host and, added with run.sh --bins, in the busybox guest.  The two
 * sides coordinate through marker files in the export.
 *
 *   glock hold KIND PATH READY RELEASE SECS
 *          open PATH read-write, take an exclusive KIND lock without
 *          waiting, create READY, wait (up to SECS) until RELEASE exists,
 *          unlock, close
 *   glock try KIND PATH      exclusive lock without waiting: prints
 *          "free" (got it; released again) or "busy" (EAGAIN/EWOULDBLOCK/
 *          EACCES); exit 0 / 1, 2 on other errors
 *   glock test KIND PATH     posix / ofd: F_GETLK / F_OFD_GETLK for a
 *          write lock on the whole file: prints "unlocked" or "locked TYPE"
 *   glock wait KIND PATH SECS   blocking exclusive lock (SIGALRM after
 *          SECS): prints "got after X.XX s"; exit 0, or 1 on timeout
 *   glock waitfor PATH SECS  wait until PATH exists (exit 1 on timeout)
 *   glock touch PATH         create PATH
 *
 *   KIND: posix (fcntl F_SETLK, process-owned), ofd (F_OFD_SETLK), flock
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Exclusive lock of the whole file; 0 or -errno. */
static int
lock(int fd, const char *kind, int wait, int type)
{
	struct flock fl;
	int cmd;

	if (!strcmp(kind, "flock"))
		return flock(fd, (type == F_UNLCK ? LOCK_UN : LOCK_EX) |
		    (wait ? 0 : LOCK_NB)) ? -errno : 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = (short)type;
	fl.l_whence = SEEK_SET;
	if (!strcmp(kind, "ofd"))
		cmd = wait ? F_OFD_SETLKW : F_OFD_SETLK;
	else
		cmd = wait ? F_SETLKW : F_SETLK;
	return fcntl(fd, cmd, &fl) ? -errno : 0;
}

static int
busy(int rc)
{
	return rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EACCES;
}

static int
wait_path(const char *path, double secs)
{
	double end = now() + secs;
	struct stat st;

	while (stat(path, &st) != 0) {
		if (now() > end)
			return -1;
		usleep(50000);
	}
	return 0;
}

static int
openrw(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT, 0644);

	if (fd < 0)
		fprintf(stderr, "glock: open %s: %s\n", path, strerror(errno));
	return fd;
}

static int
do_hold(char **av)
{
	int fd, rc, t;
	double t0;

	if ((fd = openrw(av[1])) < 0)
		return 2;
	if ((rc = lock(fd, av[0], 0, F_WRLCK)) < 0) {
		printf("hold %s %s: %s\n", av[0], av[1], strerror(-rc));
		return 1;
	}
	t = open(av[2], O_WRONLY | O_CREAT, 0644);
	if (t < 0)
		return 2;
	close(t);
	t0 = now();
	rc = wait_path(av[3], atof(av[4]));
	lock(fd, av[0], 0, F_UNLCK);
	close(fd);
	printf("held %s lock on %s for %.2f s%s\n", av[0], av[1], now() - t0,
	    rc ? " (release never came)" : "");
	return rc ? 1 : 0;
}

static int
do_try(char **av)
{
	int fd, rc;

	if ((fd = openrw(av[1])) < 0)
		return 2;
	rc = lock(fd, av[0], 0, F_WRLCK);
	close(fd);
	if (rc == 0) {
		printf("free\n");
		return 0;
	}
	printf("%s\n", busy(rc) ? "busy" : strerror(-rc));
	return busy(rc) ? 1 : 2;
}

static int
do_test(char **av)
{
	struct flock fl;
	int fd;

	if ((fd = openrw(av[1])) < 0)
		return 2;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, strcmp(av[0], "ofd") ? F_GETLK : F_OFD_GETLK, &fl) < 0) {
		printf("getlk: %s\n", strerror(errno));
		return 2;
	}
	close(fd);
	if (fl.l_type == F_UNLCK)
		printf("unlocked\n");
	else
		printf("locked %s\n", fl.l_type == F_WRLCK ? "write" : "read");
	return 0;
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static int
do_wait(char **av)
{
	struct sigaction sa;
	double t0;
	int fd, rc;

	if ((fd = openrw(av[1])) < 0)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: the wait is interrupted */
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)atoi(av[2]));
	t0 = now();
	rc = lock(fd, av[0], 1, F_WRLCK);
	alarm(0);
	if (rc < 0) {
		printf("wait %s: %s after %.2f s\n", av[0], strerror(-rc), now() - t0);
		close(fd);
		return 1;
	}
	printf("got after %.2f s\n", now() - t0);
	lock(fd, av[0], 0, F_UNLCK);
	close(fd);
	return 0;
}

int
main(int ac, char **av)
{
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (ac == 7 && !strcmp(av[1], "hold"))
		return do_hold(av + 2);
	if (ac == 4 && !strcmp(av[1], "try"))
		return do_try(av + 2);
	if (ac == 4 && !strcmp(av[1], "test"))
		return do_test(av + 2);
	if (ac == 5 && !strcmp(av[1], "wait"))
		return do_wait(av + 2);
	if (ac == 4 && !strcmp(av[1], "waitfor"))
		return wait_path(av[2], atof(av[3])) ? 1 : 0;
	if (ac == 3 && !strcmp(av[1], "touch")) {
		if ((fd = open(av[2], O_WRONLY | O_CREAT, 0644)) < 0)
			return 2;
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: see the top of glock.c\n");
	return 2;
}
