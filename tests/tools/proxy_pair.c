/* proxy_pair.c - start a proxy helper and a QEMU command on the two ends
 * of one socketpair, as libvirt does for -fsdev proxy,sock_fd=N.
 *
 *   proxy_pair N HELPER ARGS... -- COMMAND ARGS...
 *
 * The helper gets its end as an inheritable descriptor and "@FD@" in its
 * arguments is replaced by its number; COMMAND gets the other end as fd N
 * (use sock_fd=N in its arguments).  proxy_pair then becomes COMMAND (its
 * exit status is the command's); the helper ends when QEMU closes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char fdnum[16];
	int sv[2], n, i, sep = -1, hfd;

	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (argc < 5 || sep < 3 || sep == argc - 1 || (n = atoi(argv[1])) < 3) {
		fprintf(stderr, "usage: proxy_pair N HELPER ARGS... -- CMD ARGS...\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	/* Keep the helper's end clear of N before N is taken. */
	hfd = fcntl(sv[1], F_DUPFD, n + 1);
	close(sv[1]);
	snprintf(fdnum, sizeof(fdnum), "%d", hfd);
	if (fork() == 0) {
		close(sv[0]);
		argv[sep] = NULL;
		for (i = 2; i < sep; i++)
			if (strcmp(argv[i], "@FD@") == 0)
				argv[i] = fdnum;
		execv(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	close(hfd);
	if (sv[0] != n) {
		dup2(sv[0], n);
		close(sv[0]);
	}
	execvp(argv[sep + 1], argv + sep + 1);
	perror(argv[sep + 1]);
	return 127;
}
