/* main.c - vfsd-helper: the privileged half of vfsd.
 *
 *   vfsd-helper --fd N --export DIR [--security-model M] [--readonly]
 *               [--fmode O] [--dmode O] [--multidevs remap|forbid|warn]
 *               [--workers N] [--debug]
 *
 * serves the frontend's protobuf requests on the inherited socket N (one
 * end of a SOCK_SEQPACKET socketpair made by `vfsd` or a manager).  Given
 * QEMU's virtfs-proxy-helper command line (-p DIR -f FD | -s PATH ...), it
 * serves QEMU's proxy protocol instead (helper/proxy_cli.c), in front of
 * the same operation core.  Only wiring lives here. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "helper/core.h"
#include "helper/pb_server.h"
#include "helper/proxy.h"
#include "helper/sandbox.h"

struct helper_args {
	int fd;
	const char *export;
	struct core_opts opts;
	int workers;
	int loglevel;
	bool no_sandbox;
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: vfsd-helper --fd N --export DIR [options]\n"
"Serve the vfsd frontend's requests on inherited socket N.\n"
"  --fd N                  connected SOCK_SEQPACKET socket to the frontend\n"
"  --export DIR            directory to export (the only tree touched)\n"
"  --security-model M      passthrough | mapped-xattr | mapped-file | none\n"
"                          (default mapped-xattr)\n"
"  --readonly              refuse every modification with EROFS\n"
"  --fmode OCTAL           host mode of files in mapped models (0600)\n"
"  --dmode OCTAL           host mode of directories in mapped models (0700)\n"
"  --multidevs M           warn | remap | forbid (default warn)\n"
"  --workers N             worker threads (default %d)\n"
"  --debug                 verbose log\n"
"  --no-sandbox            profiling and debugging only: no pivot_root,\n"
"                          capability drop or seccomp (logs a warning)\n",
	    PB_WORKERS_DEFAULT);
	exit(status);
}

static long
num_arg(const char *s, int base, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, base);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "vfsd-helper: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void
parse_args(int argc, char **argv, struct helper_args *a)
{
	static const struct option lopts[] = {
		{ "fd", required_argument, NULL, 'f' },
		{ "export", required_argument, NULL, 'e' },
		{ "security-model", required_argument, NULL, 'm' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "fmode", required_argument, NULL, 'F' },
		{ "dmode", required_argument, NULL, 'D' },
		{ "multidevs", required_argument, NULL, 'M' },
		{ "workers", required_argument, NULL, 'w' },
		{ "debug", no_argument, NULL, 'd' },
		{ "no-sandbox", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->opts.model = POLICY_MAPPED_XATTR;
	a->opts.fmode = 0600;
	a->opts.dmode = 0700;
	a->opts.multidevs = POLICY_MULTIDEVS_WARN;
	a->workers = PB_WORKERS_DEFAULT;
	a->loglevel = LOG_LVL_INFO;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'f': a->fd = (int)num_arg(optarg, 10, 0, INT_MAX, "fd"); break;
		case 'e': a->export = optarg; break;
		case 'm':
			if (policy_model_parse(optarg, &a->opts.model) < 0) {
				fprintf(stderr, "vfsd-helper: unknown security "
				    "model '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'r': a->opts.readonly = true; break;
		case 'F': a->opts.fmode = (mode_t)num_arg(optarg, 8, 0, 0777, "fmode"); break;
		case 'D': a->opts.dmode = (mode_t)num_arg(optarg, 8, 0, 0777, "dmode"); break;
		case 'M':
			if (strcmp(optarg, "warn") == 0)
				a->opts.multidevs = POLICY_MULTIDEVS_WARN;
			else if (strcmp(optarg, "remap") == 0)
				a->opts.multidevs = POLICY_MULTIDEVS_REMAP;
			else if (strcmp(optarg, "forbid") == 0)
				a->opts.multidevs = POLICY_MULTIDEVS_FORBID;
			else
				usage(2);
			break;
		case 'w': a->workers = (int)num_arg(optarg, 10, 1, 256, "workers"); break;
		case 'd': a->loglevel = LOG_LVL_DEBUG; break;
		case 'N': a->no_sandbox = true; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc || a->fd < 0 || a->export == NULL)
		usage(2);
}

int
main(int argc, char **argv)
{
	struct helper_args a;
	struct pb_server *srv;
	struct sandbox sb;
	struct core *core;
	int type = 0, r;
	socklen_t tl = sizeof(type);

	if (proxy_cli_wanted(argc, argv))
		return proxy_cli_main(argc, argv);
	parse_args(argc, argv, &a);
	log_init("helper", a.loglevel);
	if (getsockopt(a.fd, SOL_SOCKET, SO_TYPE, &type, &tl) == -1 ||
	    type != SOCK_SEQPACKET)
		fatalx("--fd %d is not a SOCK_SEQPACKET socket", a.fd);
	/* sandbox: a private mount namespace before the core opens the
	 * export, the rest (pivot_root, capabilities, no_new_privs,
	 * seccomp) after, and before pb_server_run starts any thread. */
	sandbox_init(&sb, a.opts.model);
	if (a.no_sandbox)
		log_warnx("--no-sandbox: serving with every privilege and no "
		    "seccomp filter (profiling and debugging only)");
	else
		sandbox_prepare(&sb, a.export);
	a.opts.nodev = sb.nodev;
	if ((r = core_open_export(a.export, &a.opts, &core)) < 0)
		fatalx("cannot export %s: %s", a.export, strerror(-r));
	if ((r = pb_server_new(core, a.fd, a.workers, &srv)) < 0)
		fatalx("cannot start: %s", strerror(-r));
	if (!a.no_sandbox && (r = sandbox_enter(&sb)) < 0)
		fatalx("sandbox: %s%s%s", sb.moved ? sb.ns_step : "",
		    sb.moved ? ": " : "", strerror(-r));
	if (!sb.pivoted && !a.no_sandbox)
		log_info("sandbox: export is not the root (%s: %s); the core "
		    "still resolves every name beneath it", sb.ns_step,
		    strerror(-sb.ns_err));
	log_debug("sandbox: root %s, %d capabilities, seccomp on",
	    sb.pivoted ? "is the export" : "shared", sb.ncaps);
	log_debug("serving %s (%s%s)", a.export,
	    policy_model_name(a.opts.model), a.opts.readonly ? ", readonly" : "");
	r = pb_server_run(srv);
	pb_server_free(srv);
	core_free(core);
	return r < 0 ? 1 : 0;
}
