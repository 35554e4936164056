/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond [EAL options] -- [-c FILE] [--port NAME=DEVARGS]... [--no-host-ports] [--run-dir DIR]
 *        [--cmdline-file FILE] [-i]
 * dpbond --check [-c FILE] [--port NAME=DEVARGS]...
 * dpbond --version | --help
 *
 * The configuration is read and checked before EAL starts, so a bad file
 * touches no port: its diagnostics go to stderr and the exit status is 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "dpb_cfg.h"
#include "hugefiles.h"
#include "dpb_cli.h"
#include "dpb_ctl.h"
#include "dpb_hostcheck.h"
#include "dpb_notify.h"
#include "dpb_log.h"

#define DEFAULT_CONFIG "/etc/dpbond/interfaces"
#define MAX_PORT_ARGS 32
#define EXIT_CONFIG 2

struct app_opts {
	const char *config;
	const char *cmdline_file;
	bool interactive;
	bool check;
	bool no_host_ports;
	const char *run_dir;
	const char *ctl_socket;        /* NULL: RUN_DIR/dpbond.ctl; "none": no socket */
	const char *ctl_group;
	const char *status_dir;        /* --status-dir: /proc/net/bonding and sysfs files */
	const char *prom_file;         /* --prom-file: node exporter textfile */
	bool test_clock;               /* --test-clock: `time warp` may move the clock */
	unsigned int mbufs;            /* --mbufs: each NUMA node's pool's size; 0: enough for its ports */
	unsigned int n_ports;
	struct dpb_cfg_port_arg ports[MAX_PORT_ARGS];
};

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [EAL options] -- [-c FILE] [--port NAME=DEVARGS]... [--cmdline-file FILE] [-i]\n"
		"       %s --check [-c FILE] [--port NAME=DEVARGS]...\n"
		"  -c, --config FILE     ifupdown interfaces file (default " DEFAULT_CONFIG ")\n"
		"  --port NAME=DEVARGS   the DPDK device of interface NAME (wins over dpdk-devargs)\n"
		"  --cmdline-file FILE   run console commands from FILE first\n"
		"  -i, --interactive     then take commands from the terminal\n"
		"  --no-host-ports       give no bridge a host port (TAP with the bridge's address)\n"
		"  --run-dir DIR         where VM ports' vhost-user sockets go (default /run/dpbond)\n"
		"  --ctl-socket PATH     the control socket for dpbondctl (default RUN_DIR/dpbond.ctl; none: no socket)\n"
		"  --ctl-group GROUP     the control socket's group (mode 0660; else root's alone, 0600)\n"
		"  --status-dir DIR      keep DIR/proc/net/bonding/BOND and DIR/sys/class/net/... as Linux's\n"
		"  --prom-file FILE      keep FILE for node exporter's textfile collector\n"
		"  --test-clock          let the console's `time warp` move the clock (tests only)\n"
		"  --mbufs N             each NUMA node's mbuf pool's size (default: enough for its ports' queues)\n"
		"  --check               validate the configuration and the host, print the model, exit\n"
		"  -v, --version         print the version\n",
		prog, prog);
}

/* @return 0, 1 to exit successfully (help, version), or -1 on a usage error. */
static int parse_app_args(int argc, char **argv, struct app_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "cmdline-file", required_argument, NULL, 'f' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "check", no_argument, NULL, 'k' },
		{ "no-host-ports", no_argument, NULL, 'n' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "ctl-socket", required_argument, NULL, 's' },
		{ "ctl-group", required_argument, NULL, 'g' },
		{ "status-dir", required_argument, NULL, 'S' },
		{ "prom-file", required_argument, NULL, 'P' },
		{ "test-clock", no_argument, NULL, 'T' },
		{ "mbufs", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:ihv", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o->config = optarg;
			break;
		case 'p': {
			char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg || eq[1] == '\0' || o->n_ports == MAX_PORT_ARGS) {
				DPB_LOG(ERR, MAIN, "--port wants NAME=DEVARGS, got '%s'", optarg);
				return -1;
			}
			*eq = '\0';
			o->ports[o->n_ports].name = optarg;
			o->ports[o->n_ports].devargs = eq + 1;
			o->n_ports++;
			break;
		}
		case 'f':
			o->cmdline_file = optarg;
			break;
		case 'i':
			o->interactive = true;
			break;
		case 'k':
			o->check = true;
			break;
		case 'n':
			o->no_host_ports = true;
			break;
		case 'r':
			o->run_dir = optarg;
			break;
		case 's':
			o->ctl_socket = optarg;
			break;
		case 'g':
			o->ctl_group = optarg;
			break;
		case 'S':
			o->status_dir = optarg;
			break;
		case 'P':
			o->prom_file = optarg;
			break;
		case 'T':
			o->test_clock = true;
			break;
		case 'M': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n < 64 || n > 16777216) {
				fprintf(stderr, "--mbufs wants a number of mbufs from 64 to 16777216, got '%s'\n",
					optarg);
				return -1;
			}
			o->mbufs = (unsigned int)n;
			break;
		}
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		case 'v':
			printf("dpbond %s\n", DPB_VERSION);
			return 1;
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		DPB_LOG(ERR, MAIN, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* The control socket, RUN_DIR/dpbond.ctl unless told. @return 0 or -errno. */
/* --status-dir and --prom-file must be writable before anything starts. @return 0 or -1. */
static int check_status_paths(const struct app_opts *o)
{
	char err[PATH_MAX + 64], tmp[PATH_MAX];
	int fd;

	if (o->status_dir && dpb_ctl_check_status_dir(o->status_dir, err, sizeof(err)) < 0) {
		DPB_LOG(ERR, MAIN, "--status-dir %s; nothing was started", err);
		return -1;
	}
	if (o->prom_file == NULL)
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", o->prom_file) >= sizeof(tmp) ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		DPB_LOG(ERR, MAIN, "--prom-file %s: cannot write it: %s; nothing was started",
			o->prom_file, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

static int open_ctl_socket(const struct app_opts *o, const struct dpb_cfg *cfg)
{
	char path[DPB_CFG_PATH_LEN + 16];

	if (o->ctl_socket && strcmp(o->ctl_socket, "none") == 0)
		return 0;
	if (o->ctl_socket) {
		snprintf(path, sizeof(path), "%s", o->ctl_socket);
	} else {
		snprintf(path, sizeof(path), "%s/dpbond.ctl", cfg->run_dir);
	}
	return dpb_cli_sock_open(path, o->ctl_group);
}

/*
 * --check: whether this host can run @p cfg, each mismatch logged as a
 * dpbond.cfg warning. The host's /sys, /proc and /etc/dpdk are read under
 * @p root (DPBOND_HOST_ROOT, for tests; NULL: /). @return the number of warnings.
 */
static unsigned int check_host(const struct dpb_cfg *cfg, const char *root)
{
	static struct dpb_host_facts facts;
	struct dpb_strbuf sb;
	unsigned int n;
	const char *line, *nl;

	dpb_host_probe(cfg, root, &facts);
	dpb_strbuf_init(&sb);
	n = dpb_host_check(cfg, &facts, &sb);
	for (line = dpb_strbuf_str(&sb); line && (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		DPB_LOG(WARNING, CFG, "%.*s", (int)(nl - line), line);
	dpb_strbuf_free(&sb);
	return n;
}

/* The configuration's diagnostics, each logged as dpbond.cfg's error or warning. */
static void log_cfg_diags(const struct dpb_cfg *cfg)
{
	char line[DPB_CFG_DIAG_TEXT_LEN];

	for (unsigned int i = 0; i < cfg->n_diags; i++) {
		const struct dpb_cfg_diag *d = &cfg->diags[i];

		dpb_cfg_diag_format(d, line, sizeof(line));
		DPB_LOG_AT(d->severity == DPB_DIAG_ERROR ? RTE_LOG_ERR : RTE_LOG_WARNING, CFG,
			   "%s", line);
	}
	if (cfg->n_diags_dropped)
		DPB_LOG(WARNING, CFG, "(%u more diagnostics not shown)", cfg->n_diags_dropped);
}

static void on_signal(int sig)
{
	(void)sig;
	dpb_cli_request_quit();
}

/* SIGHUP (systemctl reload): the control loop reads the file again. */
static void on_hangup(int sig)
{
	(void)sig;
	dpb_ctl_ask_reload();
}

int main(int argc, char **argv)
{
	static struct dpb_cfg cfg;
	struct app_opts o = { .config = DEFAULT_CONFIG };
	struct dpb_ctl *ctl;
	int dashdash = 0, rc, app_argc;
	char **app_argv;
	bool ours = false;

	/* A SIGHUP while dpbond starts (systemctl reload) is kept for the
	 * control loop, not the default action's end of the process. */
	signal(SIGHUP, on_hangup);
	/* Under systemd, each message to the journal once, with its priority. */
	if (dpb_log_open() > 0)
		atexit(dpb_log_close);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && !dashdash)
			dashdash = i;
		if (!dashdash && (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "--version") == 0 ||
				  strcmp(argv[i], "--help") == 0))
			ours = true;
	}
	/* The app's options follow "--"; with --check, --version or --help and
	 * no "--", all are ours (EAL is not started for them). */
	if (dashdash) {
		app_argc = argc - dashdash;
		app_argv = argv + dashdash;
		app_argv[0] = argv[0];
	} else if (ours) {
		app_argc = argc;
		app_argv = argv;
	} else {
		app_argc = 1;
		app_argv = argv;
	}
	/* getopt permutes; keep EAL's half intact by parsing a copy. */
	char **copy = calloc((size_t)app_argc + 1, sizeof(char *));

	if (copy == NULL)
		return 1;
	memcpy(copy, app_argv, (size_t)app_argc * sizeof(char *));
	rc = parse_app_args(app_argc, copy, &o);
	if (rc != 0) {
		free(copy);
		return rc > 0 ? 0 : EXIT_CONFIG;
	}

	rc = dpb_cfg_load(&cfg, o.config, o.ports, o.n_ports);
	log_cfg_diags(&cfg);
	if (rc < 0) {
		DPB_LOG(ERR, CFG, "%s: configuration refused; nothing was started", o.config);
		free(copy);
		return EXIT_CONFIG;
	}
	if (o.run_dir)
		snprintf(cfg.run_dir, sizeof(cfg.run_dir), "%s", o.run_dir);
	cfg.n_mbufs = o.mbufs;
	if (o.no_host_ports)
		dpb_cfg_drop_host_ports(&cfg);
	if (o.check) {
		unsigned int n = cfg.n_warnings + check_host(&cfg, getenv("DPBOND_HOST_ROOT"));

		dpb_cfg_dump(&cfg, stdout);
		printf("%s: OK (%u warning%s)\n", o.config, n, n == 1 ? "" : "s");
		free(copy);
		return 0;
	}
	/* Read now: EAL and hook commands must not see the manager's socket. */
	{
		char why[256] = "";

		dpb_notify_init(why, sizeof(why));
		if (why[0])   /* what the service manager gave cannot be used */
			DPB_LOG(WARNING, MAIN, "%s", why);
	}

	if (check_status_paths(&o) < 0) {
		free(copy);
		return EXIT_CONFIG;
	}
	{
		char err[DPB_CFG_PATH_LEN + 128];

		if (dpb_ctl_run_dir(cfg.run_dir, err, sizeof(err)) < 0) {
			DPB_LOG(ERR, MAIN, "run directory %s; nothing was started", err);
			free(copy);
			return EXIT_CONFIG;
		}
	}
	/* Before anything starts: another dpbond answering there must find its
	 * ports, hooks and VM sockets untouched. */
	if (open_ctl_socket(&o, &cfg) < 0) {
		DPB_LOG(ERR, MAIN, "nothing was started");
		free(copy);
		return 1;
	}
	rc = rte_eal_init(dashdash ? dashdash : argc, argv);
	if (rc < 0) {
		DPB_LOG(ERR, MAIN, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		dpb_cli_sock_close();
		free(copy);
		return 1;
	}
	/* dpdk-dumpcap (a secondary process) asks this process to copy a port's
	 * frames to it: without this, it cannot capture. Not fatal. (On the error
	 * paths below, dpb_eal_stop releases what this took.) */
	if (rte_pdump_init() < 0)
		DPB_LOG(WARNING, MAIN, "packet capture unavailable: %s", rte_strerror(rte_errno));
	if (dpb_ctl_check_devices(&cfg) < 0) {
		DPB_LOG(ERR, CFG, "%s: configuration refused; nothing was started", o.config);
		dpb_cli_sock_close();
		dpb_eal_stop();
		free(copy);
		return EXIT_CONFIG;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ctl = dpb_ctl_create(&cfg);
	if (ctl == NULL) {
		dpb_cli_sock_close();
		dpb_eal_stop();
		free(copy);
		return 1;
	}
	if (o.test_clock)
		dpb_ctl_allow_warp(ctl);
	dpb_ctl_set_source(o.config, o.ports, o.n_ports, o.no_host_ports);
	if (dpb_ctl_set_status(ctl, o.status_dir, o.prom_file) < 0) {
		dpb_cli_sock_close();
		dpb_ctl_destroy(ctl);
		dpb_eal_stop();
		free(copy);
		return EXIT_CONFIG;
	}
	DPB_LOG(NOTICE, MAIN, "dpbond %s: %s loaded; forwarding", DPB_VERSION, o.config);
	/* Every port started and the first snapshot published: ready, whether
	 * or not a link is up (a pulled cable must not hold the boot). */
	dpb_notify_send("READY=1\nSTATUS=forwarding");
	rc = dpb_cli_run(ctl, o.cmdline_file, o.interactive);
	dpb_notify_send("STOPPING=1");
	dpb_cli_sock_close();
	if (dpb_ctl_destroy(ctl) < 0 && rc == 0)
		rc = 1;
	rte_pdump_uninit();
	dpb_eal_stop();
	dpb_notify_close();
	free(copy);
	return rc < 0 ? 1 : rc;
}
