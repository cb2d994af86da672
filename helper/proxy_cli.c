/* proxy_cli.c - vfsd-helper started the way virtfs-proxy-helper is.
 *
 *   vfsd-helper -p DIR {-f FD | -s PATH -u UID -g GID} [-n]
 *               [--readonly] [--log-file FILE] [--debug]
 *
 * The options, their validation, messages and exit statuses are those of
 * QEMU 7.2's helper (doc §1.1, §3.1), so libvirt and scripts can swap the
 * binary.  Deliberate differences, all on the safe side:
 *  - paths are made absolute and the export is opened *before* daemonizing
 *    (the stock helper resolves a relative -p/-s against "/" after fork);
 *  - in -s mode the socket is bound before daemonizing, so it exists when
 *    the parent returns, and a connected client is the only one accepted;
 *  - no chroot; instead, with -n, a mount namespace whose root is the
 *    export (helper/sandbox.c); the core resolves every path beneath the
 *    export itself either way;
 *  - capabilities are the few the operations use, seccomp allows only the
 *    system calls they make (helper/sandbox.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/log.h"
#include "helper/core.h"
#include "helper/proxy.h"
#include "helper/sandbox.h"

#define EXT2_MAGIC	0xEF53
#define BTRFS_MAGIC	0x9123683E
#define REISERFS_MAGIC	0x52654973
#define XFS_MAGIC	0x58465342

enum { OPT_READONLY = 256, OPT_LOG_FILE, OPT_DEBUG };

struct proxy_cli {
	char *path;
	char *sock_path;
	int fd;
	long uid, gid;
	bool nodaemon;
	bool readonly;
	bool debug;
	const char *log_file;
};

static const struct option long_opts[] = {
	{ "path", required_argument, NULL, 'p' },
	{ "fd", required_argument, NULL, 'f' },
	{ "socket", required_argument, NULL, 's' },
	{ "uid", required_argument, NULL, 'u' },
	{ "gid", required_argument, NULL, 'g' },
	{ "nodaemon", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "log-file", required_argument, NULL, OPT_LOG_FILE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ NULL, 0, NULL, 0 },
};

static void
usage(const char *prog)
{
	fprintf(stderr,
	    "usage: %s -p DIR {-f FD | -s SOCKET -u UID -g GID} [-n]\n"
	    "  -p, --path DIR      directory to export\n"
	    "  -f, --fd FD         connected stream socket inherited from the caller\n"
	    "  -s, --socket PATH   listen on PATH and serve one client\n"
	    "  -u, --uid UID       owner of the socket file (with -s)\n"
	    "  -g, --gid GID       group of the socket file (with -s)\n"
	    "                      (-s and -f are mutually exclusive)\n"
	    "  -n, --nodaemon      stay in the foreground, log to stderr\n"
	    "      --readonly      refuse every modification (EROFS)\n"
	    "      --log-file FILE append log lines to FILE (daemon mode)\n"
	    "      --debug         log every request\n", prog);
}

/* getopt pass; 0 to go on, else the exit status. */
static int
parse(int argc, char **argv, struct proxy_cli *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->uid = o->gid = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:f:s:u:g:nh?", long_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'p': o->path = optarg; break;
		case 'f': o->fd = atoi(optarg); break;
		case 's': o->sock_path = optarg; break;
		case 'u': o->uid = atol(optarg); break;
		case 'g': o->gid = atol(optarg); break;
		case 'n': o->nodaemon = true; break;
		case OPT_READONLY: o->readonly = true; break;
		case OPT_LOG_FILE: o->log_file = optarg; break;
		case OPT_DEBUG: o->debug = true; break;
		case 'h':
		case '?':
		default:
			usage(argv[0]);
			return 1;
		}
	}
	return 0;
}

/* The stock helper's checks, in its order, with its messages. */
static int
validate(const char *prog, const struct proxy_cli *o)
{
	struct stat st;

	if (o->path == NULL || (o->sock_path == NULL && o->fd == -1)) {
		fprintf(stderr, "socket, socket descriptor or path not specified\n");
		usage(prog);
		return -1;
	}
	if (o->sock_path != NULL && o->fd != -1) {
		fprintf(stderr, "both named socket and socket descriptor specified\n");
		usage(prog);
		return 1;
	}
	if (o->sock_path != NULL && (o->uid == -1 || o->gid == -1)) {
		fprintf(stderr, "owner uid:gid not specified, owner uid:gid "
		    "specifies who can access the socket file\n");
		usage(prog);
		return 1;
	}
	if (lstat(o->path, &st) < 0) {
		fprintf(stderr, "invalid path \"%s\" specified, %s\n", o->path,
		    strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "specified path \"%s\" is not directory\n",
		    o->path);
		return 1;
	}
	if (o->fd != -1 && fcntl(o->fd, F_GETFD) < 0) {
		fprintf(stderr, "invalid socket descriptor %d: %s\n", o->fd,
		    strerror(errno));
		return 1;
	}
	return 0;
}

/* An absolute copy of a path (its directory made absolute, the last
 * component kept as is, so a socket path need not exist yet). */
static char *
absolute(const char *p)
{
	char cwd[PATH_MAX], *out;

	if (p[0] == '/')
		return strdup(p);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, p) < 0)
		return NULL;
	return out;
}

/* -s mode: refuse an existing path, bind with mode 0770 (umask 007),
 * give it to uid:gid, listen for one client.  Returns the listener. */
static int
listen_socket(const char *path, uid_t uid, gid_t gid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int s, r;

	if (lstat(path, &st) == 0) {
		log_warnx("socket already exists");
		return -EEXIST;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("UNIX domain socket path exceeds 108 characters");
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	old = umask(007);
	r = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r == 0 && chown(path, uid, gid) < 0)
		r = -1;
	if (r == 0)
		r = listen(s, 1);
	if (r < 0) {
		r = -errno;
		log_warn("socket %s", path);
		close(s);
		return r;
	}
	return s;
}

static int
accept_one(int lsock)
{
	int c;

	do {
		c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	} while (c < 0 && errno == EINTR);
	if (c < 0)
		log_warn("accept");
	close(lsock);
	return c < 0 ? -1 : c;
}

static bool
has_generations(const char *path)
{
	struct statfs sfs;

	if (statfs(path, &sfs) < 0)
		return false;
	return sfs.f_type == EXT2_MAGIC || sfs.f_type == BTRFS_MAGIC ||
	    sfs.f_type == REISERFS_MAGIC || sfs.f_type == XFS_MAGIC;
}

/* Fork away from the caller like daemon(0,0), but send stderr to the log
 * file when one was given. */
static int
daemonize(const char *log_file)
{
	int lf = -1;

	if (log_file != NULL) {
		lf = open(log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0600);
		if (lf < 0) {
			fprintf(stderr, "cannot open log file %s: %s\n",
			    log_file, strerror(errno));
			return -1;
		}
	}
	if (daemon(0, 0) < 0)
		return -1;
	if (lf >= 0) {
		dup2(lf, STDERR_FILENO);
		close(lf);
	}
	return 0;
}

static int
open_export(const struct proxy_cli *o, bool nodev, struct core **c)
{
	struct core_opts co = {
		.nodev = nodev,
		.model = POLICY_PASSTHROUGH,
		.readonly = o->readonly,
		.fmode = 0600,
		.dmode = 0700,
		.multidevs = POLICY_MULTIDEVS_WARN,
	};
	int r = core_open_export(o->path, &co, c);

	if (r < 0)
		fprintf(stderr, "cannot open export \"%s\": %s\n", o->path,
		    strerror(-r));
	return r;
}

/* After "Started", failures end with "Done" and status 0, as the stock
 * helper does; the caller learns of them from the closed socket. */
static int
run(struct proxy_cli *o, struct core *c, int lsock, struct sandbox *sb)
{
	struct proxy_server_opts so = { has_generations(o->path) };
	int sock = o->fd, r;

	log_info("Started");
	if (lsock >= 0)
		sock = accept_one(lsock);
	if (sock >= 0 && (r = sandbox_enter(sb)) < 0) {
		log_warnx("sandbox: %s", strerror(-r));
		sock = -1;	/* never serve with more than needed */
	}
	if (sock >= 0 && !sb->pivoted)
		log_debug("sandbox: export is not the root (%s: %s)",
		    sb->ns_step, strerror(-sb->ns_err));
	umask(0);
	if (sock >= 0 && (r = proxy_serve(c, sock, &so)) < 0)
		log_warnx("connection ended: %s", strerror(-r));
	log_info("Done");
	return 0;
}

int
proxy_cli_main(int argc, char **argv)
{
	struct proxy_cli o;
	struct sandbox sb;
	struct core *c = NULL;
	int r, lsock = -1;

	if ((r = parse(argc, argv, &o)) != 0 || (r = validate(argv[0], &o)) != 0)
		return r;
	log_init("proxy-helper", o.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	o.path = absolute(o.path);
	if (o.sock_path != NULL)
		o.sock_path = absolute(o.sock_path);
	/* sandbox: the mount namespace must exist before the core opens the
	 * export.  Not when daemonizing: the core's /proc/self/fd would
	 * then describe the parent, and the child finds its own only
	 * through /proc, which the new root does not have. */
	sandbox_init(&sb, POLICY_PASSTHROUGH);
	if (o.path != NULL && o.nodaemon)
		sandbox_prepare(&sb, o.path);
	else {
		sb.ns_step = "daemon mode";
		sb.ns_err = -EOPNOTSUPP;
	}
	if (o.path == NULL || open_export(&o, sb.nodev, &c) < 0)
		return 1;
	if (o.sock_path != NULL &&
	    (lsock = listen_socket(o.sock_path, (uid_t)o.uid, (gid_t)o.gid)) < 0) {
		log_info("Done");
		return 0;
	}
	if (!o.nodaemon && daemonize(o.log_file) < 0)
		return 1;
	r = run(&o, c, lsock, &sb);
	core_free(c);
	free(o.path);
	free(o.sock_path);
	return r;
}

/* Whether a command line is virtfs-proxy-helper's (for helper/main.c). */
bool
proxy_cli_wanted(int argc, char **argv)
{
	static const char *const flags[] = { "-p", "--path", "-f", "--fd",
	    "-s", "--socket", "-u", "--uid", "-g", "--gid", "-n",
	    "--nodaemon" };
	int i;
	size_t j, l;

	/* --fd is shared with the vfsd command line, which always names
	 * its export with --export (QEMU's helper has no such option). */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--export") == 0 ||
		    strncmp(argv[i], "--export=", 9) == 0)
			return false;
	for (i = 1; i < argc; i++)
		for (j = 0; j < sizeof(flags) / sizeof(flags[0]); j++) {
			l = strlen(flags[j]);
			if (strncmp(argv[i], flags[j], l) == 0 &&
			    (argv[i][l] == '\0' || argv[i][l] == '=' ||
			    flags[j][1] != '-'))
				return true;
		}
	return false;
}
