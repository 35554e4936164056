/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond-pve: a Proxmox VM's network devices as dpbond VM ports. Run as the
 * VM's hookscript (`dpbond-pve VMID PHASE`: pre-start adds its VM ports,
 * post-stop removes them, through dpbondctl), or by hand: `ports` lists the
 * ports its netN lines ask for, `args` prints the QEMU arguments that plug
 * the VM into them over vhost-user (for `qm set VMID --args`), `move` takes
 * its nets on dpbond's bridges out of Proxmox's way once (so that `qm start`
 * works) and `back` puts them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dpb_pve.h"
#include "pve_qm.h"

extern char **environ;

#define MAX_FILE (1u << 20)

struct opts {
	const char *conf;             /* the VM's configuration; default /etc/pve/qemu-server/VMID.conf */
	const char *run_dir;          /* where dpbond serves VM sockets */
	const char *ctl;              /* the dpbondctl to run */
	const char *socket;           /* its --socket, or NULL */
	const char *bridges;          /* dpbond's bridges, comma separated; NULL: ask dpbond */
	bool unfiltered;              /* --unfiltered: firewall=1 NICs taken, unfiltered */
	const char *qm;               /* move, back: the qm to run */
	const char *hookscript;       /* move: --hookscript VOLUME too */
	bool dry_run;                 /* move, back: print the qm command */
	int unreachable;              /* dpbondctl's status when dpbond could not be asked; 0 */
	unsigned int n_asked;         /* bridges asked, and their answers */
	char asked[32][DPB_PVE_NAME_LEN];
	bool answer[32];
};

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"usage: %s [OPTIONS] VMID ports|args|move|back|pre-start|post-stop|post-start|pre-stop\n"
		"  ports       the dpbond VM ports the VM's netN lines ask for (BRIDGE PORT:[tag=N,|trunks=LIST,]client)\n"
		"  args        QEMU's arguments for them, one a line (join them for `qm set VMID --args`)\n"
		"  move        one `qm set`: the nets on dpbond's bridges leave the netN lines for the\n"
		"              description (`dpbond netN: ...`), the args get what `args` prints\n"
		"  back        one `qm set`: those nets back into netN lines, dpbond's args gone\n"
		"  pre-start   (hookscript) add the VM ports to dpbond; post-stop: remove them\n"
		"  --conf FILE       the VM's configuration (default /etc/pve/qemu-server/VMID.conf)\n"
		"  --run-dir DIR     where dpbond serves VM ports' sockets (default /run/dpbond)\n"
		"  --dpbondctl PATH  the dpbondctl to run (default dpbondctl)\n"
		"  --socket PATH     dpbond's control socket (dpbondctl's default if not given)\n"
		"  --bridges LIST    dpbond's bridges, comma separated (default: ask dpbond)\n"
		"  --unfiltered      take NICs with firewall=1 (Proxmox's firewall cannot filter them)\n"
		"  --hookscript VOL  move: set the VM's hookscript too (e.g. local:snippets/dpbond-pve)\n"
		"  --qm PATH         move, back: the qm to run (default qm)\n"
		"  --dry-run         move, back: print the qm command instead of running it\n",
		argv0);
}

/* Runs dpbondctl with @args (NULL-terminated, after the program). @return its exit status, or -1. */
static int run_ctl(const struct opts *o, const char *const *args, bool quiet)
{
	const char *argv[16];
	unsigned int n = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	argv[n++] = o->ctl;
	if (o->socket) {
		argv[n++] = "--socket";
		argv[n++] = o->socket;
	}
	for (unsigned int k = 0; args[k] && n < 15; k++)
		argv[n++] = args[k];
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	if (quiet && (posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
		      posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0)) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	rc = posix_spawnp(&pid, o->ctl, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "dpbond-pve: cannot run %s: %s\n", o->ctl, strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether @bridge is dpbond's: in --bridges, or a bridge dpbond answers for
 * (`show bridge`: 0 it is, 1 it is not; anything else: dpbond could not be
 * asked, noted in o->unreachable). Each bridge is asked once. */
static bool is_ours(const char *bridge, void *ctx)
{
	struct opts *o = ctx;

	if (o->bridges) {
		char list[512], *save = NULL;

		snprintf(list, sizeof(list), "%s", o->bridges);
		for (char *b = strtok_r(list, ",", &save); b; b = strtok_r(NULL, ",", &save))
			if (strcmp(b, bridge) == 0)
				return true;
		return false;
	}
	for (unsigned int k = 0; k < o->n_asked; k++)
		if (strcmp(o->asked[k], bridge) == 0)
			return o->answer[k];
	{
		const char *args[] = { "show", "bridge", bridge, NULL };
		int rc = run_ctl(o, args, true);

		if (rc != 0 && rc != 1 && o->unreachable == 0)
			o->unreachable = rc ? rc : -1;
		if (o->n_asked < 32) {
			snprintf(o->asked[o->n_asked], DPB_PVE_NAME_LEN, "%s", bridge);
			o->answer[o->n_asked++] = rc == 0;
		}
		return rc == 0;
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

/* Removes VM port SPEC's name from @bridge (quietly: it may not be there). */
static void remove_port(const struct opts *o, const char *bridge, const char *spec)
{
	char name[DPB_PVE_NAME_LEN];
	const char *rm[] = { "remove", "bridge", "port", bridge, name, NULL };

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ":"), spec);
	run_ctl(o, rm, true);
}

/* pre-start and post-stop: each port added (a stale one goes first) or removed;
 * a pre-start that cannot add them all takes back those it added. */
static int hook(const struct opts *o, const char *phase, const char *ports)
{
	bool add = strcmp(phase, "pre-start") == 0;
	const char *p = ports;
	int rc = 0;

	while (*p && rc == 0) {
		char line[256], bridge[DPB_PVE_NAME_LEN], spec[200];
		size_t len = strcspn(p, "\n");
		const char *ad[] = { "add", "bridge", "port", bridge, "vhost", spec, NULL };

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (sscanf(line, "%15s %199s", bridge, spec) != 2)
			continue;
		remove_port(o, bridge, spec);
		if (add && run_ctl(o, ad, false) != 0) {
			fprintf(stderr, "dpbond-pve: %s: cannot add VM port %s to %s\n", phase, spec, bridge);
			rc = 1;
		}
	}
	for (const char *q = ports; rc && q < p;) {
		char bridge[DPB_PVE_NAME_LEN], spec[200];
		size_t len = strcspn(q, "\n");

		if (sscanf(q, "%15s %199s", bridge, spec) == 2)
			remove_port(o, bridge, spec);
		q += len + (q[len] == '\n');
	}
	return rc;
}

/* pre-start: the VM's `args:` must hold the arguments its ports need, as `args` prints them. */
static int check_args(const struct dpb_pve_vm *vm, struct opts *o)
{
	struct dpb_strbuf want, notes;
	char joined[sizeof(vm->args)];
	int rc;

	dpb_strbuf_init(&want);
	dpb_strbuf_init(&notes);
	rc = dpb_pve_qemu_args(vm, o->run_dir, is_ours, o, &want, &notes);
	fputs(dpb_strbuf_str(&notes), stderr);
	if (rc > 0) {
		size_t n = (size_t)snprintf(joined, sizeof(joined), "%s", dpb_strbuf_str(&want));

		while (n && joined[n - 1] == '\n')
			joined[--n] = '\0';
		for (char *c = joined; *c; c++)
			if (*c == '\n')
				*c = ' ';
		if (strstr(vm->args, joined) == NULL) {
			fprintf(stderr, "dpbond-pve: error: %u: its args do not plug it into dpbond's VM ports (new VM, or its nets changed): dpbond-pve %u move\n",
				vm->vmid, vm->vmid);
			rc = -EINVAL;
		}
	}
	dpb_strbuf_free(&want);
	dpb_strbuf_free(&notes);
	return rc < 0 ? rc : 0;
}

static bool has_moved(const struct dpb_pve_vm *vm)
{
	for (unsigned int k = 0; k < vm->n_nets; k++)
		if (vm->nets[k].moved)
			return true;
	return false;
}

/* move: the nets checked as pre-start would (a refusal moves nothing), then
 * one qm set; back: one qm set. @return 0, 1 when refused or failed. */
static int move_or_back(const struct dpb_pve_vm *vm, struct opts *o, bool move)
{
	struct dpb_pve_change ch;
	struct dpb_strbuf ports, notes;
	int rc;

	dpb_pve_change_init(&ch);
	dpb_strbuf_init(&ports);
	dpb_strbuf_init(&notes);
	if (move) {
		rc = dpb_pve_ports(vm, is_ours, o, o->unfiltered, &ports, &notes);
		if (rc >= 0 && !o->unreachable)
			rc = dpb_pve_move(vm, o->run_dir, is_ours, o, &ch, &notes);
	} else {
		rc = dpb_pve_back(vm, &ch);
	}
	if (o->unreachable) {
		fprintf(stderr, "dpbond-pve: error: %u: dpbond cannot be asked which bridges are its own (%s exit %d): is it running, and is --socket right?\n",
			vm->vmid, o->ctl, o->unreachable);
		rc = -EIO;
	}
	for (const char *p = dpb_strbuf_str(&notes); *p; p += strcspn(p, "\n") + 1)
		fprintf(stderr, "dpbond-pve: %s %u: %.*s\n", rc < 0 ? "error:" : "warning:", vm->vmid,
			(int)strcspn(p, "\n"), p);
	if (rc == 0 && move && ch.args.len == 0)
		fprintf(stderr, "dpbond-pve: %u: no net on dpbond's bridges: nothing to move\n", vm->vmid);
	else if (rc == 0 && !move)
		fprintf(stderr, "dpbond-pve: %u: no net of dpbond's moved: nothing to put back\n", vm->vmid);
	else if (rc >= 0)
		rc = pve_qm_set(o->qm, vm->vmid, &ch, move ? o->hookscript : NULL, o->dry_run);
	dpb_pve_change_free(&ch);
	dpb_strbuf_free(&ports);
	dpb_strbuf_free(&notes);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "dpbondctl", required_argument, NULL, 'x' },
		{ "socket", required_argument, NULL, 's' },
		{ "bridges", required_argument, NULL, 'b' },
		{ "unfiltered", no_argument, NULL, 'u' },
		{ "hookscript", required_argument, NULL, 'k' },
		{ "qm", required_argument, NULL, 'q' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .run_dir = "/run/dpbond", .ctl = "dpbondctl", .qm = "qm" };
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
		case 'u': o.unfiltered = true; break;
		case 'k': o.hookscript = optarg; break;
		case 'q': o.qm = optarg; break;
		case 'n': o.dry_run = true; break;
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
	    strcmp(cmd, "post-stop") && strcmp(cmd, "move") && strcmp(cmd, "back")) {
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
	if (rc == 0 && (strcmp(cmd, "move") == 0 || strcmp(cmd, "back") == 0)) {
		fputs(dpb_strbuf_str(&err), stderr);
		rc = move_or_back(vm, &o, strcmp(cmd, "move") == 0);
		goto out;
	}
	if (rc == 0 && strcmp(cmd, "args") == 0)
		rc = dpb_pve_qemu_args(vm, o.run_dir, is_ours, &o, &out, &notes);
	else if (rc == 0)   /* post-stop takes away whatever it finds */
		rc = dpb_pve_ports(vm, is_ours, &o, o.unfiltered || strcmp(cmd, "post-stop") == 0,
				   &out, &notes);
	if (o.unreachable && !has_moved(vm) && strcmp(cmd, "pre-start") == 0) {
		/* Not dpbond's VM (any more: `back`): its start is Proxmox's business. */
		fprintf(stderr, "dpbond-pve: %lu: dpbond does not answer, and no net of this VM was moved to it: nothing to do\n",
			vmid);
		rc = 0;
		goto out;
	}
	if (o.unreachable) {
		fprintf(stderr, "dpbond-pve: error: %lu: dpbond cannot be asked which bridges are its own (%s exit %d): is it running, and is --socket right?\n",
			vmid, o.ctl, o.unreachable);
		rc = -EIO;
	}
	if (rc >= 0 && strcmp(cmd, "pre-start") == 0)
		rc = check_args(vm, &o);
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
out:
	dpb_strbuf_free(&out);
	dpb_strbuf_free(&notes);
	dpb_strbuf_free(&err);
	free(text);
	free(vm);
	return rc < 0 ? 1 : rc;
}
