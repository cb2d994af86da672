/* main.c - vfsd: serve a directory over 9P2000.L.
 *
 * Wiring only: parse options, check the export, open the listener (so a
 * busy socket fails before anything starts), start the helper, drop
 * privilege, serve. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "frontend/frontend.h"
#include "frontend/launch.h"
#include "frontend/sandbox.h"
#include "policy/policy.h"

struct opts {
	const char *export, *model, *listen, *user, *helper;
	bool readonly, debug, no_sandbox;
	long poll_us;		/* -1: the default */
};

#define POLL_US_MAX 10000

static const char usage_text[] =
"usage: vfsd --export DIR --security-model MODEL --listen SPEC [options]\n"
"\n"
"Serve DIR to 9P2000.L clients (Linux v9fs, diod tools).\n"
"\n"
"  --export DIR           directory to share (must exist)\n"
"  --security-model M     passthrough | mapped-xattr | mapped-file | none\n"
"  --listen SPEC          unix:PATH | tcp:[ADDR:]PORT (ADDR defaults to\n"
"                         127.0.0.1) | fd:R[,W] (one inherited connection)\n"
"  --readonly             refuse every change with EROFS\n"
"  --user USER            user the 9P server runs as when started as root\n"
"                         (default nobody)\n"
"  --helper PATH          privileged helper (default: vfsd-helper next to\n"
"                         this program)\n"
"  --poll-us N            how long a connection's reader may poll for the\n"
"                         next request after a reply before it sleeps\n"
"                         (0-10000 microseconds, default 100; 0: never)\n"
"  --debug                log every request\n"
"  --no-sandbox           profiling and debugging only (valgrind): no\n"
"                         seccomp in either process, no pivot_root or\n"
"                         capability drop in the helper; logs a warning\n"
"  --help                 this text\n";

static void __attribute__((noreturn))
usage(int status, const char *why)
{
	if (why)
		fprintf(stderr, "vfsd: %s\n", why);
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

static long
parse_poll_us(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > POLL_US_MAX)
		usage(2, "--poll-us wants 0 to 10000 microseconds");
	return v;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "export", required_argument, NULL, 'e' },
		{ "security-model", required_argument, NULL, 'm' },
		{ "listen", required_argument, NULL, 'l' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "helper", required_argument, NULL, 'H' },
		{ "poll-us", required_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "no-sandbox", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->user = "nobody";
	o->poll_us = -1;
	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 'e': o->export = optarg; break;
		case 'm': o->model = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'r': o->readonly = true; break;
		case 'u': o->user = optarg; break;
		case 'H': o->helper = optarg; break;
		case 'p': o->poll_us = parse_poll_us(optarg); break;
		case 'd': o->debug = true; break;
		case 'N': o->no_sandbox = true; break;
		case 'h': usage(0, NULL);
		default: usage(2, NULL);
		}
	}
	if (optind < argc)
		usage(2, "unexpected argument");
	if (!o->export || !o->model || !o->listen)
		usage(2, "--export, --security-model and --listen are "
		    "required");
}

static void
check(const struct opts *o)
{
	enum policy_model m;
	struct stat st;

	if (policy_model_parse(o->model, &m) < 0)
		fatalx("unknown security model '%s' (passthrough, "
		    "mapped-xattr, mapped-file, none)", o->model);
	if (stat(o->export, &st) < 0)
		fatal("export %s", o->export);
	if (!S_ISDIR(st.st_mode))
		fatalx("export %s is not a directory", o->export);
	if (o->helper && access(o->helper, X_OK) < 0)
		fatal("helper %s", o->helper);
}

static struct hclient *
start_helper(const struct opts *o, struct hinfo *info)
{
	char path[PATH_MAX];
	struct launch_opts lo = { o->helper, o->export, o->model,
	    o->readonly, o->no_sandbox };
	struct hclient *hc;
	pid_t pid;
	int sock, rc;

	if (lo.helper == NULL) {
		if ((rc = launch_default_helper(path, sizeof(path))) < 0)
			fatalx("cannot find vfsd-helper: %s", strerror(-rc));
		lo.helper = path;
	}
	if ((sock = launch_helper(&lo, &pid)) < 0)
		fatalx("starting %s: %s", lo.helper, strerror(-sock));
	if ((rc = hclient_start(sock, &hc, info)) < 0)
		fatalx("helper %s did not start: %s", lo.helper,
		    strerror(-rc));
	return hc;
}

int
main(int argc, char **argv)
{
	static struct server srv;
	struct opts o;
	struct hinfo info;
	struct hclient *hc;
	char err[256];
	int lfd = -1, rfd = -1, wfd = -1, nodefds, rc;

	parse(argc, argv, &o);
	log_init("9p", o.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	check(&o);
	if (strncmp(o.listen, "fd:", 3) == 0) {
		if (transport_parse_fd(o.listen, &rfd, &wfd) < 0)
			fatalx("bad --listen '%s': want fd:R[,W] with open "
			    "descriptors", o.listen);
	} else if (transport_listen(o.listen, &lfd, err, sizeof(err)) < 0)
		fatalx("%s", err);
	/* A guest that goes away must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	hc = start_helper(&o, &info);
	if ((rc = launch_drop_privileges(o.user, err, sizeof(err))) < 0)
		fatalx("%s", err);
	nodefds = fdbudget_for_nofile();	/* getrlimit: before seccomp */
	/* sandbox (frontend/sandbox.c): no capabilities, seccomp without
	 * open/exec/socket from here on; logs why the helper ends. */
	if (o.no_sandbox) {
		log_warnx("--no-sandbox: no seccomp filter in either process "
		    "and the helper keeps its privileges; for profiling and "
		    "debugging only, never with an untrusted guest");
		rc = fe_sandbox_skip();
	} else
		rc = fe_sandbox_enter();
	if (rc < 0)
		fatalx("sandbox: %s", strerror(-rc));
	server_init(&srv, hc, &info);
	fdbudget_init(&srv.nodefds, nodefds);
	if (o.poll_us >= 0)
		srv.poll_ns = (uint32_t)o.poll_us * 1000;
	log_info("serving %s (%s%s) on %s", o.export, o.model,
	    info.readonly ? ", read-only" : "", o.listen);
	if (lfd < 0) {
		server_conn(&srv, rfd, wfd, "fd");
		return 0;
	}
	transport_serve(&srv, lfd);
	return 0;
}
