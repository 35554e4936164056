/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond-pve: a Proxmox VM's network devices as dpbond VM ports. Run as the
 * VM's hookscript (`dpbond-pve VMID PHASE`: pre-start adds its VM ports,
 * post-stop removes them, through dpbondctl), or by hand: `ports` lists the
 * ports its netN lines ask for, `args` prints the QEMU arguments that plug
 * the VM into them over vhost-user (for `qm set VMID --args`).
 */
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dpb_pve.h"

extern char **environ;

#define MAX_FILE (1u << 20)

struct opts {
	const char *conf;             /* the VM's configuration; default /etc/pve/qemu-server/VMID.conf */
	const char *run_dir;          /* where dpbond serves VM sockets */
	const char *ctl;              /* the dpbondctl to run */
	const char *socket;           /* its --socket, or NULL */
	const char *bridges;          /* dpbond's bridges, comma separated; NULL: ask dpbond */
};

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"usage: %s [OPTIONS] VMID ports|args|pre-start|post-stop|post-start|pre-stop\n"
		"  ports       the dpbond VM ports the VM's netN lines ask for (BRIDGE PORT[:tag=|:trunks=])\n"
		"  args        QEMU's arguments for them, one a line (join them for `qm set VMID --args`)\n"
		"  pre-start   (hookscript) add the VM ports to dpbond; post-stop: remove them\n"
		"  --conf FILE       the VM's configuration (default /etc/pve/qemu-server/VMID.conf)\n"
		"  --run-dir DIR     where dpbond serves VM ports' sockets (default /run/dpbond)\n"
		"  --dpbondctl PATH  the dpbondctl to run (default dpbondctl)\n"
		"  --socket PATH     dpbond's control socket (dpbondctl's default if not given)\n"
		"  --bridges LIST    dpbond's bridges, comma separated (default: ask dpbond)\n",
		argv0);
}

/* Runs dpbondctl with @args (NULL-terminated, after the program). @return its exit status, or -1. */
static int run_ctl(const struct opts *o, const char *const *args, bool quiet)
{
	const char *argv[16];
	unsigned int n = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	argv[n++] = o->ctl;
	if (o->socket) {
		argv[n++] = "--socket";
		argv[n++] = o->socket;
	}
	for (unsigned int k = 0; args[k] && n < 15; k++)
		argv[n++] = args[k];
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	if (quiet) {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
	}
	if (posix_spawnp(&pid, o->ctl, &fa, NULL, (char *const *)argv, environ) != 0) {
		fprintf(stderr, "dpbond-pve: cannot run %s: %s\n", o->ctl, strerror(errno));
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether @bridge is dpbond's: in --bridges, or a bridge dpbond answers for. */
static bool is_ours(const char *bridge, void *ctx)
{
	const struct opts *o = ctx;

	if (o->bridges) {
		char list[512], *save = NULL;

		snprintf(list, sizeof(list), "%s", o->bridges);
		for (char *b = strtok_r(list, ",", &save); b; b = strtok_r(NULL, ",", &save))
			if (strcmp(b, bridge) == 0)
				return true;
		return false;
	}
	{
		const char *args[] = { "show", "bridge", bridge, NULL };

		return run_ctl(o, args, true) == 0;
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "dpbond-pve: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	n = buf ? fread(buf, 1, MAX_FILE, f) : 0;
	if (buf == NULL || ferror(f) || n == MAX_FILE) {
		fprintf(stderr, "dpbond-pve: %s: cannot read it whole\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* pre-start and post-stop: each port added (again: a stale one goes first) or removed. */
static int hook(const struct opts *o, const char *phase, const char *ports)
{
	bool add = strcmp(phase, "pre-start") == 0;
	int rc = 0;

	for (const char *p = ports; *p;) {
		char line[256], bridge[DPB_PVE_NAME_LEN], spec[200], name[DPB_PVE_NAME_LEN];
		size_t len = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (sscanf(line, "%15s %199s", bridge, spec) != 2)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ":"), spec);
		{
			const char *rm[] = { "remove", "bridge", "port", bridge, name, NULL };
			const char *ad[] = { "add", "bridge", "port", bridge, "vhost", spec, NULL };

			/* A port left by a VM that did not stop cleanly would refuse the add. */
			run_ctl(o, rm, add);
			if (add && run_ctl(o, ad, false) != 0) {
				fprintf(stderr, "dpbond-pve: %s: cannot add VM port %s to %s\n", phase, spec,
					bridge);
				rc = 1;
			}
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "dpbondctl", required_argument, NULL, 'x' },
		{ "socket", required_argument, NULL, 's' },
		{ "bridges", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .run_dir = "/run/dpbond", .ctl = "dpbondctl" };
	struct dpb_strbuf out, notes, err;
	struct dpb_pve_vm *vm;
	char conf[64], *end, *text;
	unsigned long vmid;
	const char *cmd;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o.conf = optarg; break;
		case 'r': o.run_dir = optarg; break;
		case 'x': o.ctl = optarg; break;
		case 's': o.socket = optarg; break;
		case 'b': o.bridges = optarg; break;
		case 'h': usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (argc - optind != 2 || (vmid = strtoul(argv[optind], &end, 10)) == 0 || *end ||
	    vmid > 999999999) {
		usage(stderr, argv[0]);
		return 2;
	}
	cmd = argv[optind + 1];
	/* Hookscript phases dpbond has nothing to do in. */
	if (strcmp(cmd, "post-start") == 0 || strcmp(cmd, "pre-stop") == 0)
		return 0;
	if (strcmp(cmd, "ports") && strcmp(cmd, "args") && strcmp(cmd, "pre-start") &&
	    strcmp(cmd, "post-stop")) {
		usage(stderr, argv[0]);
		return 2;
	}
	if (o.conf == NULL) {
		snprintf(conf, sizeof(conf), "/etc/pve/qemu-server/%lu.conf", vmid);
		o.conf = conf;
	}
	text = read_file(o.conf);
	vm = malloc(sizeof(*vm));
	if (text == NULL || vm == NULL) {
		free(text);
		free(vm);
		return 1;
	}
	dpb_strbuf_init(&out);
	dpb_strbuf_init(&notes);
	dpb_strbuf_init(&err);
	rc = dpb_pve_parse(text, o.conf, (unsigned int)vmid, vm, &err);
	if (rc == 0 && strcmp(cmd, "args") == 0)
		rc = dpb_pve_qemu_args(vm, o.run_dir, is_ours, &o, &out, &notes);
	else if (rc == 0)
		rc = dpb_pve_ports(vm, is_ours, &o, &out, &notes);
	fputs(dpb_strbuf_str(&err), stderr);
	/* What a VM port cannot carry over, said where the hookscript's log shows it. */
	for (const char *p = dpb_strbuf_str(&notes); *p; p += strcspn(p, "\n") + 1)
		fprintf(stderr, "dpbond-pve: %s %lu: %.*s\n", rc < 0 ? "error:" : "warning:", vmid,
			(int)strcspn(p, "\n"), p);
	if (rc >= 0) {
		if (strcmp(cmd, "ports") == 0 || strcmp(cmd, "args") == 0) {
			fputs(dpb_strbuf_str(&out), stdout);
			rc = 0;
		} else {
			rc = hook(&o, cmd, dpb_strbuf_str(&out));
		}
	}
	dpb_strbuf_free(&out);
	dpb_strbuf_free(&notes);
	dpb_strbuf_free(&err);
	free(text);
	free(vm);
	return rc < 0 ? 1 : rc;
}
