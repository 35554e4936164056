/* SPDX-License-Identifier: BSD-3-Clause */
/* The resolved model, printed by `dpbond --check`. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "cfg_priv.h"

static void print_addr(FILE *out, const struct dpb_cfg_addr *a, bool with_len)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->bytes, buf, sizeof(buf));
	fputs(buf, out);
	if (with_len)
		fprintf(out, "/%u", a->prefix_len);
}

/* ", mtu N" when it is not Linux's default; ", hwaddress M" when set. */
static void dump_hwaddress(const struct dpb_cfg_iface *f, FILE *out)
{
	if (f->eff_mtu != 1500)
		fprintf(out, ", mtu %u", f->eff_mtu);
	if (f->has_hwaddress)
		fprintf(out, ", hwaddress %02x:%02x:%02x:%02x:%02x:%02x", f->hwaddress[0],
			f->hwaddress[1], f->hwaddress[2], f->hwaddress[3], f->hwaddress[4],
			f->hwaddress[5]);
}

/* ", inet static, address A/L A/L, gateway G, inet6 auto, gateway G6, hwaddress M" */
static void dump_l3(const struct dpb_cfg_iface *f, FILE *out)
{
	if (f->inet != DPB_METHOD_NONE)
		fprintf(out, ", inet %s", dpb_addr_method_name(f->inet));
	if (f->inet6 != DPB_METHOD_NONE)
		fprintf(out, ", inet6 %s", dpb_addr_method_name(f->inet6));
	for (unsigned int k = 0; k < f->n_addrs; k++) {
		fputs(k ? " " : ", address ", out);
		print_addr(out, &f->addrs[k], true);
	}
	if (f->gateway4.family) {
		fputs(", gateway ", out);
		print_addr(out, &f->gateway4, false);
	}
	if (f->gateway6.family) {
		fputs(", gateway ", out);
		print_addr(out, &f->gateway6, false);
	}
	dump_hwaddress(f, out);
}

static void dump_port(const struct dpb_cfg *cfg, const struct dpb_cfg_iface *f, FILE *out)
{
	fprintf(out, "port %s: ", f->name);
	if (f->master < 0) {
		fprintf(out, "in no bond or bridge: left to the kernel\n");
		return;
	}
	if (f->devargs[0])
		fprintf(out, "device %s", f->devargs);
	else if (f->vhost)
		fprintf(out, "VM port, vhost-user server socket %s/%s.sock", cfg->run_dir, f->name);
	else
		fprintf(out, "device from --port, or the probed port of its number");
	if (f->master >= 0)
		fprintf(out, "; in %s", cfg->ifaces[f->master].name);
	if (f->eff_mtu != 1500)
		fprintf(out, "; mtu %u", f->eff_mtu);
	fputc('\n', out);
}

/* The ARP/NS monitor, as /proc/net/bonding words it. */
static void dump_arpmon(const struct dpb_cfg_bond *b, FILE *out)
{
	char a[INET6_ADDRSTRLEN];

	if (b->arp_interval_ms == 0)
		return;
	fprintf(out, "  ARP monitor: every %u ms, missed_max %u, arp_validate %s, arp_all_targets %s, targets",
		b->arp_interval_ms, b->arp_missed_max, dpb_arp_validate_name(b->arp_validate),
		b->arp_all_targets ? "all" : "any");
	for (unsigned int k = 0; k < b->n_arp_targets; k++)
		fprintf(out, " %s", inet_ntop(AF_INET, b->arp_targets[k], a, sizeof(a)));
	for (unsigned int k = 0; k < b->n_ns_targets; k++)
		fprintf(out, " %s", inet_ntop(AF_INET6, b->ns_targets[k], a, sizeof(a)));
	if (b->n_arp_targets + b->n_ns_targets == 0)
		fprintf(out, " none");
	fputc('\n', out);
}

/* A VLAN-aware bridge's ports' VLANs (and its host port's), as `show bridge` lists them. */
static void dump_vlans(const struct dpb_cfg *cfg, int br, FILE *out)
{
	const struct dpb_cfg_iface *f = &cfg->ifaces[br];
	char list[1024];

	for (unsigned int k = 0; k <= f->bridge.n_ports; k++) {
		int p = k < f->bridge.n_ports ? f->bridge.ports[k] : br;

		if (p == br && !f->host_port)
			break;
		dpb_cfg_vlan_list(cfg, p, list, sizeof(list));
		fprintf(out, "  vlans %s: %s\n", cfg->ifaces[p].name, list);
	}
}

/* 802.3ad's settings, as /proc/net/bonding's 802.3ad info words them. */
static void dump_lacp(const struct dpb_cfg_bond *b, FILE *out)
{
	static const char *const select[] = { "stable", "bandwidth", "count" };

	fprintf(out, "  802.3ad: lacp_active %s, lacp_rate %s, min_links %u, ad_select %s, system priority %u, system ",
		b->lacp_active ? "on" : "off", b->lacp_fast ? "fast" : "slow", b->min_links,
		select[b->ad_select % 3], b->ad_actor_sys_prio);
	if (b->has_ad_actor_system)
		fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", b->ad_actor_system[0],
			b->ad_actor_system[1], b->ad_actor_system[2], b->ad_actor_system[3],
			b->ad_actor_system[4], b->ad_actor_system[5]);
	else
		fprintf(out, "the bond's MAC");
	if (b->ad_user_port_key)
		fprintf(out, ", user_port_key %u", b->ad_user_port_key);
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
		/* Only where the mode hashes, as /proc/net/bonding shows it. */
		if (b->mode == DPB_BOND_MODE_BALANCE_XOR || b->mode == DPB_BOND_MODE_8023AD ||
		    ((b->mode == DPB_BOND_MODE_BALANCE_TLB || b->mode == DPB_BOND_MODE_BALANCE_ALB) &&
		     !b->tlb_dynamic_lb))
			fprintf(out, ", xmit_hash_policy %s",
				dpb_xmit_hash_policy_name(b->xmit_hash_policy));
		if (b->hash_buckets)
			fprintf(out, ", %u hash buckets", b->hash_buckets);
		fprintf(out, ", slaves");
		for (unsigned int k = 0; k < b->n_members; k++)
			fprintf(out, " %s", cfg->ifaces[b->members[k]].name);
		if (b->n_members == 0)
			fprintf(out, " none");
		dump_hwaddress(f, out);
		if (b->fail_over_mac != DPB_FAIL_OVER_MAC_NONE)
			fprintf(out, ", fail_over_mac %s", dpb_fail_over_mac_name(b->fail_over_mac));
		if (b->peer_notif_delay_ms)
			fprintf(out, ", peer_notif_delay %u ms", b->peer_notif_delay_ms);
		fputc('\n', out);
		dump_arpmon(b, out);
		if (b->mode == DPB_BOND_MODE_8023AD)
			dump_lacp(b, out);
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
		dump_l3(f, out);
		if (f->host_port)
			fprintf(out, ", host port %s", f->devargs[0] ? f->devargs : "(TAP)");
		fputc('\n', out);
		if (f->bridge.vlan_aware)
			dump_vlans(cfg, (int)i, out);
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind != DPB_IFACE_VLAN)
			continue;
		fprintf(out, "vlan %s: VLAN %u of %s", f->name, f->vlan_id,
			cfg->ifaces[f->vlan_raw].name);
		dump_l3(f, out);
		if (f->host_port && f->master >= 0 && cfg->ifaces[f->master].bridge.vlan_aware)
			fprintf(out, ", host port %s (access port of VLAN %u)",
				f->devargs[0] ? f->devargs : "(TAP)", f->vlan_id);
		else if (f->host_port && f->master >= 0)
			fprintf(out, ", host port %s (its frames tagged %u in %s)",
				f->devargs[0] ? f->devargs : "(TAP)", f->vlan_id,
				cfg->ifaces[f->master].name);
		else if (f->host_port)
			fprintf(out, ", host port %s (its frames tagged %u on %s)",
				f->devargs[0] ? f->devargs : "(TAP)", f->vlan_id,
				cfg->ifaces[f->vlan_raw].name);
		else if (f->master >= 0)
			fprintf(out, ", port of %s (untagged inside it)", cfg->ifaces[f->master].name);
		fputc('\n', out);
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind == DPB_IFACE_KERNEL)
			fprintf(out, "kernel %s: %s device, left to the kernel\n", f->name,
				f->kernel_kind);
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind == DPB_IFACE_PORT && (f->has_stanza || f->master >= 0))
			dump_port(cfg, f, out);
	}
}
