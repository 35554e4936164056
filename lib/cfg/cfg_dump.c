/* SPDX-License-Identifier: BSD-3-Clause */
/* The resolved model, printed by `dpbond --check`. */
#include "cfg_priv.h"

static void print_ipv4(FILE *out, uint32_t a)
{
	fprintf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void dump_port(const struct dpb_cfg *cfg, const struct dpb_cfg_iface *f, FILE *out)
{
	fprintf(out, "port %s: ", f->name);
	if (f->devargs[0])
		fprintf(out, "device %s", f->devargs);
	else if (f->vhost)
		fprintf(out, "VM port, vhost-user server socket %s/%s.sock", cfg->run_dir, f->name);
	else
		fprintf(out, "device from --port, or the probed port of its number");
	if (f->master >= 0)
		fprintf(out, "; in %s", cfg->ifaces[f->master].name);
	fputc('\n', out);
}

void dpb_cfg_dump(const struct dpb_cfg *cfg, FILE *out)
{
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind != DPB_IFACE_BOND)
			continue;
		const struct dpb_cfg_bond *b = &f->bond;

		fprintf(out, "bond %s: mode %s (%d), miimon %u ms, updelay %u ms, downdelay %u ms",
			f->name, dpb_bond_mode_name(b->mode), b->mode, b->miimon_ms,
			b->updelay_ms, b->downdelay_ms);
		if (b->primary >= 0)
			fprintf(out, ", primary %s (primary_reselect %s)",
				cfg->ifaces[b->primary].name,
				dpb_primary_reselect_name(b->primary_reselect));
		fprintf(out, ", xmit_hash_policy %s", dpb_xmit_hash_policy_name(b->xmit_hash_policy));
		if (b->hash_buckets)
			fprintf(out, ", %u hash buckets", b->hash_buckets);
		fprintf(out, ", slaves");
		for (unsigned int k = 0; k < b->n_members; k++)
			fprintf(out, " %s", cfg->ifaces[b->members[k]].name);
		if (b->n_members == 0)
			fprintf(out, " none");
		fputc('\n', out);
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind != DPB_IFACE_BRIDGE)
			continue;
		fprintf(out, "bridge %s: ports", f->name);
		for (unsigned int k = 0; k < f->bridge.n_ports; k++)
			fprintf(out, " %s", cfg->ifaces[f->bridge.ports[k]].name);
		if (f->bridge.n_ports == 0)
			fprintf(out, " none");
		fprintf(out, ", stp %s, ageing %u s", f->bridge.stp ? "on" : "off",
			f->bridge.ageing_s);
		if (f->bridge.vlan_aware)
			fprintf(out, ", vlan-aware");
		if (f->has_address) {
			fprintf(out, ", address ");
			print_ipv4(out, f->addr);
			fprintf(out, "/%u", f->prefix_len);
		}
		if (f->bridge.host_port)
			fprintf(out, ", host port %s", f->devargs[0] ? f->devargs : "(TAP)");
		if (f->has_gateway) {
			fprintf(out, ", gateway ");
			print_ipv4(out, f->gateway);
		}
		fputc('\n', out);
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind == DPB_IFACE_PORT && (f->has_stanza || f->master >= 0))
			dump_port(cfg, f, out);
	}
}
