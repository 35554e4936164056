/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `reload` (the console, dpbondctl, SIGHUP): where the file is read from,
 * and the request a signal leaves for the control loop. What a reload
 * changes is ctl_apply.c's.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "ctl_priv.h"

/* Where `reload` reads from (dpb_ctl_set_source), and SIGHUP's request. */
static struct {
	const char *path;
	const struct dpb_cfg_port_arg *ports;
	unsigned int n_ports;
	bool no_host_ports;
} source;
static volatile sig_atomic_t reload_asked;

void dpb_ctl_set_source(const char *path, const struct dpb_cfg_port_arg *ports,
			unsigned int n_ports, bool no_host_ports)
{
	source.path = path;
	source.ports = ports;
	source.n_ports = n_ports;
	source.no_host_ports = no_host_ports;
}

int dpb_ctl_reload_file(struct dpb_ctl *c, struct dpb_strbuf *out)
{
	struct dpb_cfg *cfg;
	char line[DPB_CFG_DIAG_TEXT_LEN];
	int rc;

	if (source.path == NULL) {
		dpb_strbuf_puts(out, "no file to reload from\n");
		return -ENOENT;
	}
	cfg = malloc(sizeof(*cfg));
	if (cfg == NULL) {
		dpb_strbuf_puts(out, "reload refused: out of memory; the running configuration is unchanged\n");
		return -ENOMEM;
	}
	rc = dpb_cfg_load(cfg, source.path, source.ports, source.n_ports);
	for (unsigned int i = 0; i < cfg->n_diags; i++) {
		dpb_cfg_diag_format(&cfg->diags[i], line, sizeof(line));
		dpb_strbuf_puts_escaped(out, line);
		dpb_strbuf_puts(out, "\n");
	}
	if (cfg->n_diags_dropped)
		dpb_strbuf_printf(out, "(%u more diagnostics not shown)\n", cfg->n_diags_dropped);
	if (rc < 0) {
		dpb_strbuf_puts(out, "reload refused; the running configuration is unchanged\n");
		DPB_LOG(ERR, CFG, "%s: reload refused; the running configuration is unchanged",
			source.path);
		free(cfg);
		return -EINVAL;
	}
	if (source.no_host_ports)
		dpb_cfg_drop_host_ports(cfg);
	rc = dpb_ctl_reload(c, cfg, out);
	free(cfg);
	if (rc == 0) {
		ctl_vm_save(c);   /* a bridge that went took its run-time VM ports */
		ctl_host_ports_save(c);
	}
	return rc;
}

void dpb_ctl_ask_reload(void)
{
	reload_asked = 1;
}

void ctl_reload_if_asked(struct dpb_ctl *c)
{
	struct dpb_strbuf out;

	if (!reload_asked)
		return;
	reload_asked = 0;
	dpb_strbuf_init(&out);
	if (dpb_ctl_reload_file(c, &out) < 0)
		DPB_LOG(ERR, CTL, "SIGHUP: %s", dpb_strbuf_str(&out));
	dpb_strbuf_free(&out);
}
