/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hook commands (`pre-up`, `up`, `post-up`, `pre-down`, `down`, `post-down`,
 * either spelling) as ifupdown reads them, and the options they see as
 * IF_<OPTION> variables. A command is kept with its stanza's family and
 * whether its file may be trusted: owned by root and writable by nobody
 * else, since dpbond runs it as root.
 */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg_priv.h"

const char *dpb_hook_phase_name(enum dpb_hook_phase ph)
{
	static const char *const names[DPB_HOOK_PHASE_COUNT] = {
#define X(id, name) [DPB_HOOK_##id] = name,
		DPB_HOOK_PHASES(X)
#undef X
	};

	return (unsigned int)ph < DPB_HOOK_PHASE_COUNT ? names[ph] : "?";
}

/* Whether @file may hold commands that root runs: a reason when not. */
static bool trusted_file(const char *file, char *why, size_t why_len)
{
	struct stat st;

	if (stat(file, &st) < 0) {
		snprintf(why, why_len, "cannot stat the file");
		return false;
	}
	if (st.st_uid != 0) {
		snprintf(why, why_len, "the file is not owned by root");
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, why_len, "the file is writable by %s",
			 st.st_mode & S_IWOTH ? "everyone" : "its group");
		return false;
	}
	return true;
}

void cfg_hook(struct cfg_parser *p, const struct dpb_cfg_loc *loc, enum dpb_hook_phase phase,
	      const char *cmd)
{
	struct dpb_cfg *cfg = p->cfg;
	struct dpb_cfg_hook *h;

	if (cmd[0] == '\0') {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: missing command", dpb_hook_phase_name(phase));
		return;
	}
	if (strlen(cmd) >= DPB_CFG_HOOK_LEN || cfg->n_hooks == DPB_CFG_MAX_HOOKS) {
		cfg_diag(cfg, DPB_DIAG_ERROR, loc, "%s: %s", dpb_hook_phase_name(phase),
			 cfg->n_hooks == DPB_CFG_MAX_HOOKS ? "too many hook commands" :
			 "command longer than 1023 characters");
		return;
	}
	h = &cfg->hooks[cfg->n_hooks++];
	memset(h, 0, sizeof(*h));
	h->iface = p->cur;
	h->phase = phase;
	h->family = p->cur_family;
	snprintf(h->cmd, sizeof(h->cmd), "%s", cmd);
	h->loc = *loc;
	h->trusted = trusted_file(loc->file, h->untrusted_why, sizeof(h->untrusted_why));
	if (!h->trusted)
		cfg_diag(cfg, DPB_DIAG_WARNING, loc, "%s: not run: %s (%s)", dpb_hook_phase_name(phase),
			 h->untrusted_why, loc->file);
}

void cfg_env(struct cfg_parser *p, const char *opt, const char *value)
{
	struct dpb_cfg *cfg = p->cfg;
	char name[40] = "IF_";
	size_t n = 3;

	for (const char *c = opt; *c && n < sizeof(name) - 1; c++) {
		if (*c == '-' || *c == '_')
			name[n++] = '_';
		else if (isalnum((unsigned char)*c))
			name[n++] = (char)toupper((unsigned char)*c);
	}
	name[n] = '\0';
	/* A repeated option is one variable, its values a line each (ifupdown). */
	for (unsigned int k = 0; k < cfg->n_env; k++) {
		struct dpb_cfg_env *e = &cfg->env[k];
		size_t len = strlen(e->value);

		if (e->iface == p->cur && strcmp(e->name, name) == 0) {
			snprintf(e->value + len, sizeof(e->value) - len, "\n%s", value);
			return;
		}
	}
	if (cfg->n_env == DPB_CFG_MAX_ENV)
		return;
	cfg->env[cfg->n_env].iface = p->cur;
	snprintf(cfg->env[cfg->n_env].name, sizeof(cfg->env[0].name), "%s", name);
	snprintf(cfg->env[cfg->n_env].value, sizeof(cfg->env[0].value), "%s", value);
	cfg->n_env++;
}

bool dpb_cfg_owned(const struct dpb_cfg *cfg, int i)
{
	const struct dpb_cfg_iface *f = &cfg->ifaces[i];

	switch (f->kind) {
	case DPB_IFACE_BOND:
	case DPB_IFACE_BRIDGE:
		return true;
	case DPB_IFACE_PORT:
		return f->master >= 0;
	case DPB_IFACE_VLAN:
		return f->host_port;
	default:
		return false;
	}
}

void cfg_check_hooks(struct cfg_parser *p)
{
	for (unsigned int k = 0; k < p->cfg->n_hooks; k++) {
		const struct dpb_cfg_hook *h = &p->cfg->hooks[k];

		if (h->trusted && !dpb_cfg_owned(p->cfg, h->iface))
			cfg_diag(p->cfg, DPB_DIAG_WARNING, &h->loc,
				 "%s: %s is not dpbond's: its %s command is not run",
				 dpb_hook_phase_name(h->phase), p->cfg->ifaces[h->iface].name,
				 dpb_hook_phase_name(h->phase));
	}
}
