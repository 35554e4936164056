/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interfaces file's hook commands, at the moments ifupdown runs them
 * for the interfaces dpbond owns: pre-up before their devices exist, up and
 * post-up once every port is started and every host port is up and
 * addressed; pre-down and down before the ports stop, post-down once they
 * are closed (the TAPs gone). Bringing up goes ports, bonds, bridges, VLANs;
 * taking down the other way round. Each command runs through /bin/sh with
 * ifupdown's variables (IFACE, LOGICAL, ADDRFAM, METHOD, MODE, PHASE,
 * VERBOSITY, IF_<OPTION>); a failure is reported with its file:line, as
 * ifupdown2 reports it, and the others still run. A reload runs the down
 * commands of the interfaces it removes and the up commands of those it
 * adds (ctl_reload.c).
 *
 * The control lcore waits for each command (at most 60 s; workers go on
 * forwarding): LACP, link monitoring and the console wait with it. The
 * service manager's watchdog is told it is alive meanwhile, so a slow hook
 * during a reload does not get the host's network restarted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_priv.h"
#include "dpb_host.h"
#include "dpb_notify.h"

#define HOOK_TIMEOUT_S 60
#define HOOK_MAX_ENV 64

/* The order interfaces come up in: their kind's rank. */
static int rank(enum dpb_iface_kind k)
{
	return k == DPB_IFACE_PORT ? 0 : k == DPB_IFACE_BOND ? 1 : k == DPB_IFACE_BRIDGE ? 2 : 3;
}

/* While a hook runs: the watchdog petted at its pace, and a word after 5 s. */
struct hook_wait {
	const char *what;           /* "FILE:LINE: IFACE: PHASE command" */
	unsigned long last_pet_ms;
};

static void hook_waiting(void *arg, unsigned long waited_ms)
{
	struct hook_wait *hw = arg;
	uint64_t half = dpb_notify_watchdog_ms() / 2;

	if (half != 0 && waited_ms - hw->last_pet_ms >= half) {
		hw->last_pet_ms = waited_ms;
		dpb_notify_send("WATCHDOG=1");
	}
	if (waited_ms == 5000)
		DPB_LOG(WARNING, HOST, "%s still runs after 5 s; the control plane waits for it (at most %d s)",
			hw->what, HOOK_TIMEOUT_S);
}

static void run_one(const struct dpb_cfg *cfg, const struct dpb_cfg_hook *h)
{
	const struct dpb_cfg_iface *f = &cfg->ifaces[h->iface];
	static char vars[HOOK_MAX_ENV][320];
	char *envp[HOOK_MAX_ENV + 1];
	enum dpb_addr_method m = h->family == AF_INET6 ? f->inet6 : f->inet;
	bool up = h->phase <= DPB_HOOK_POST_UP;
	char what[DPB_CFG_PATH_LEN + 64];
	struct hook_wait hw = { .what = what, .last_pet_ms = 0 };
	unsigned int n = 0;
	int rc;

	/* Debian's PHASE: up commands run as post-up, down ones as pre-down. */
	snprintf(vars[n++], sizeof(vars[0]), "PHASE=%s",
		 dpb_hook_phase_name(h->phase == DPB_HOOK_UP ? DPB_HOOK_POST_UP :
				     h->phase == DPB_HOOK_DOWN ? DPB_HOOK_PRE_DOWN : h->phase));
	snprintf(vars[n++], sizeof(vars[0]), "IFACE=%s", f->name);
	snprintf(vars[n++], sizeof(vars[0]), "LOGICAL=%s", f->name);
	snprintf(vars[n++], sizeof(vars[0]), "ADDRFAM=%s",
		 h->family == AF_INET6 ? "inet6" : h->family == AF_INET ? "inet" :
		 f->inet6 != DPB_METHOD_NONE && f->inet != DPB_METHOD_NONE ? "inet,inet6" :
		 f->inet6 != DPB_METHOD_NONE ? "inet6" : "inet");
	snprintf(vars[n++], sizeof(vars[0]), "METHOD=%s",
		 dpb_addr_method_name(m == DPB_METHOD_NONE ? DPB_METHOD_MANUAL : m));
	snprintf(vars[n++], sizeof(vars[0]), "MODE=%s", up ? "start" : "stop");
	snprintf(vars[n++], sizeof(vars[0]), "VERBOSITY=0");
	snprintf(vars[n++], sizeof(vars[0]), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (unsigned int k = 0; k < cfg->n_env && n < HOOK_MAX_ENV; k++)
		if (cfg->env[k].iface == h->iface)
			snprintf(vars[n++], sizeof(vars[0]), "%s=%s", cfg->env[k].name,
				 cfg->env[k].value);
	for (unsigned int k = 0; k < n; k++)
		envp[k] = vars[k];
	envp[n] = NULL;
	snprintf(what, sizeof(what), "%s:%u: %s: %s command", h->loc.file, h->loc.line, f->name,
		 dpb_hook_phase_name(h->phase));
	rc = dpb_host_run(h->cmd, envp, HOOK_TIMEOUT_S, hook_waiting, &hw);
	if (rc == 0)
		return;
	if (rc > 0)
		DPB_LOG(WARNING, HOST, "%s:%u: warning: %s: %s command failed with status %d: %s",
			h->loc.file, h->loc.line, f->name, dpb_hook_phase_name(h->phase), rc, h->cmd);
	else
		DPB_LOG(WARNING, HOST, "%s:%u: warning: %s: %s command %s: %s", h->loc.file, h->loc.line,
			f->name, dpb_hook_phase_name(h->phase),
			rc == -ETIMEDOUT ? "killed after 60 s" : "could not be started", h->cmd);
}

void ctl_run_hooks_of(const struct dpb_cfg *cfg, enum dpb_hook_phase phase, const bool *only)
{
	bool up = phase <= DPB_HOOK_POST_UP;

	for (int r = 0; r < 4; r++) {
		int want = up ? r : 3 - r;

		for (unsigned int k = 0; k < cfg->n_hooks; k++) {
			const struct dpb_cfg_hook *h = &cfg->hooks[k];

			if (h->phase == phase && h->trusted && (only == NULL || only[h->iface]) &&
			    dpb_cfg_owned(cfg, h->iface) && rank(cfg->ifaces[h->iface].kind) == want)
				run_one(cfg, h);
		}
	}
}

void ctl_run_hooks(const struct dpb_ctl *c, enum dpb_hook_phase phase)
{
	bool only[DPB_CFG_MAX_IFACES] = { false };

	/* The file's interfaces as they run (a slot the console reused is not the file's). */
	for (unsigned int i = 0; i < c->file.n_ifaces && i < c->n_ifs; i++)
		only[i] = strcmp(c->file.ifaces[i].name, c->ifs[i].name) == 0;
	ctl_run_hooks_of(&c->file, phase, only);
}
