/* SPDX-License-Identifier: BSD-3-Clause */
/* Console answers: status of bonds, ports, bridges and drops. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "ctl_priv.h"

int ctl_find_iface(const struct dpb_ctl *c, const char *name)
{
	int i = ctl_find_name(c, name);
	char *end;
	unsigned long pid;

	if (i >= 0)
		return i;
	/* A number is an ethdev port id, as in testpmd. */
	pid = strtoul(name, &end, 10);
	if (*name && *end == '\0') {
		for (unsigned int k = 0; k < c->n_ports; k++)
			if (c->ports[k].port_id == pid)
				for (unsigned int f = 0; f < c->n_ifs; f++)
					if (c->ifs[f].port == (int)k)
						return (int)f;
	}
	return -1;
}

void ctl_sums_of(const struct dpb_ctl *c, int iface, struct ctl_sums *s)
{
	ctl_sums_read(c, iface, s);
	/* A bond's traffic is its members'; its own drops are added. */
	if (c->ifs[iface].port < 0 && c->ifs[iface].bond >= 0) {
		const struct ctl_bond *cb = &c->bonds[c->ifs[iface].bond];

		for (unsigned int k = 0; k < cb->bond.n_members; k++) {
			struct ctl_sums m;

			ctl_sums_read(c, cb->member_iface[k], &m);
			ctl_sums_add(s, &m);
		}
	}
}

void ctl_sums_read(const struct dpb_ctl *c, int iface, struct ctl_sums *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int w = 0; w < c->n_pollers; w++) {
		const struct dpb_if_counters *k = &c->workers[w]->ctr[iface];

		s->rx_pkts += atomic_load_explicit(&k->rx_pkts, memory_order_relaxed);
		s->rx_bytes += atomic_load_explicit(&k->rx_bytes, memory_order_relaxed);
		s->tx_pkts += atomic_load_explicit(&k->tx_pkts, memory_order_relaxed);
		s->tx_bytes += atomic_load_explicit(&k->tx_bytes, memory_order_relaxed);
		for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
			s->drops[r] += atomic_load_explicit(&k->drops[r], memory_order_relaxed);
	}
	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
		s->drops[r] += atomic_load_explicit(&c->ctl_drops[iface][r], memory_order_relaxed);
	s->rx_pkts -= c->base[iface].rx_pkts;
	s->rx_bytes -= c->base[iface].rx_bytes;
	s->tx_pkts -= c->base[iface].tx_pkts;
	s->tx_bytes -= c->base[iface].tx_bytes;
	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
		s->drops[r] -= c->base[iface].drops[r];
}

void ctl_sums_add(struct ctl_sums *a, const struct ctl_sums *b)
{
	a->rx_pkts += b->rx_pkts;
	a->rx_bytes += b->rx_bytes;
	a->tx_pkts += b->tx_pkts;
	a->tx_bytes += b->tx_bytes;
	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
		a->drops[r] += b->drops[r];
}

static void print_drops(const struct ctl_sums *s, struct dpb_strbuf *out)
{
	uint64_t total = 0;

	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
		total += s->drops[r];
	dpb_strbuf_printf(out, "  Dropped: %lu\n", (unsigned long)total);
	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
		if (s->drops[r])
			dpb_strbuf_printf(out, "    %s: %lu\n", dpb_drop_reason_name(r),
					  (unsigned long)s->drops[r]);
}

static void show_one(struct dpb_ctl *c, int iface, struct dpb_strbuf *out)
{
	const struct ctl_iface *f = &c->ifs[iface];
	const char *role = f->master < 0 ? "" :
		c->ifs[f->master].kind == DPB_IFACE_BOND ? ", slave of " : ", port of ";
	const char *master = f->master < 0 ? "" : c->ifs[f->master].name;
	struct ctl_sums s;

	ctl_sums_read(c, iface, &s);
	if (c->ifs[iface].port >= 0) {
		const struct dpb_port *p = &c->ports[c->ifs[iface].port];
		struct rte_eth_stats st;
		char dev[RTE_ETH_NAME_MAX_LEN];

		memset(&st, 0, sizeof(st));
		rte_eth_stats_get(p->port_id, &st);
		if (rte_eth_dev_get_name_by_port(p->port_id, dev) != 0)
			snprintf(dev, sizeof(dev), "?");
		dpb_strbuf_printf(out, "######## %s (port %u%s%s) ########\n", f->name,
				  p->port_id, role, master);
		/* The name DPDK's tools (dpdk-dumpcap -i, dpdk-proc-info) know it by. */
		dpb_strbuf_printf(out, "  Device: %s\n", dev);
		dpb_strbuf_printf(out, "  RX-packets: %lu  RX-bytes: %lu  RX-missed: %lu  RX-errors: %lu  RX-nombuf: %lu\n",
				  (unsigned long)s.rx_pkts, (unsigned long)s.rx_bytes,
				  (unsigned long)st.imissed, (unsigned long)st.ierrors,
				  (unsigned long)st.rx_nombuf);
		dpb_strbuf_printf(out, "  TX-packets: %lu  TX-bytes: %lu  TX-errors: %lu\n",
				  (unsigned long)s.tx_pkts, (unsigned long)s.tx_bytes,
				  (unsigned long)st.oerrors);
		print_drops(&s, out);
		return;
	}
	if (f->bond >= 0) {
		ctl_sums_of(c, iface, &s);
		dpb_strbuf_printf(out, "######## %s (bond%s%s) ########\n", f->name, role, master);
		dpb_strbuf_printf(out, "  RX-packets: %lu  RX-bytes: %lu\n",
				  (unsigned long)s.rx_pkts, (unsigned long)s.rx_bytes);
		dpb_strbuf_printf(out, "  TX-packets: %lu  TX-bytes: %lu\n",
				  (unsigned long)s.tx_pkts, (unsigned long)s.tx_bytes);
		print_drops(&s, out);
	}
}

int dpb_ctl_show_port_stats(struct dpb_ctl *c, const char *name, struct dpb_strbuf *out)
{
	int iface;

	if (strcmp(name, "all") == 0) {
		for (unsigned int i = 0; i < c->n_ifs; i++)
			show_one(c, (int)i, out);
		return 0;
	}
	iface = ctl_find_iface(c, name);
	if (iface < 0 || (c->ifs[iface].port < 0 && c->ifs[iface].bond < 0)) {
		dpb_strbuf_printf(out, "no port or bond named '%s'\n", name);
		return -ENOENT;
	}
	show_one(c, iface, out);
	return 0;
}

int dpb_ctl_clear_port_stats(struct dpb_ctl *c, struct dpb_strbuf *out)
{
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		struct ctl_sums now;

		ctl_sums_read(c, (int)i, &now);
		ctl_sums_add(&c->base[i], &now);
		if (c->ifs[i].port >= 0)
			rte_eth_stats_reset(c->ports[c->ifs[i].port].port_id);
	}
	/* The bridges' refusals and the learning requests lost with them. */
	for (unsigned int b = 0; b < c->n_bridges; b++)
		c->bridges[b].fdb->n_full = 0;
	c->learn_lost_base = 0;
	for (unsigned int w = 0; w < c->n_pollers; w++)
		c->learn_lost_base += atomic_load_explicit(&c->workers[w]->learn_ring_full,
							   memory_order_relaxed);
	dpb_strbuf_puts(out, "port statistics cleared\n");
	return 0;
}

int dpb_ctl_show_drops(struct dpb_ctl *c, struct dpb_strbuf *out)
{
	uint64_t total = 0, lost = 0;

	dpb_strbuf_puts(out, "Frames not forwarded, by interface and reason:\n");
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		struct ctl_sums s;

		if (c->ifs[i].name[0] == '\0')   /* a free slot */
			continue;
		ctl_sums_read(c, (int)i, &s);
		for (unsigned int r = 0; r < DPB_DROP_COUNT; r++) {
			if (!s.drops[r])
				continue;
			dpb_strbuf_printf(out, "  %-10s %-18s %lu\n", c->ifs[i].name,
					  dpb_drop_reason_name(r), (unsigned long)s.drops[r]);
			total += s.drops[r];
		}
	}
	dpb_strbuf_printf(out, "  total: %lu\n", (unsigned long)total);
	for (unsigned int w = 0; w < c->n_pollers; w++)
		lost += atomic_load_explicit(&c->workers[w]->learn_ring_full, memory_order_relaxed);
	dpb_strbuf_printf(out, "Learning requests lost (ring full; frames still forwarded): %lu\n",
			  (unsigned long)(lost - c->learn_lost_base));
	lost = 0;
	for (unsigned int b = 0; b < c->n_bridges; b++)
		lost += c->bridges[b].fdb->n_full;
	dpb_strbuf_printf(out, "Learns refused (a bridge's FDB full; frames flooded): %lu\n",
			  (unsigned long)lost);
	return 0;
}

/* What dpbond's bond has beyond Linux's text: its MAC, hash buckets. */
static void show_bond_extra(const struct ctl_bond *cb, struct dpb_strbuf *out)
{
	char mac[DPB_MAC_STR_LEN];

	dpb_strbuf_printf(out, "MAC address: %s\n", dpb_mac_format(&cb->bond.addr, mac));
	if (cb->bond.n_buckets && !(cb->bond.tlb_dynamic_lb &&
				    (cb->bond.mode == DPB_BOND_MODE_BALANCE_TLB ||
				     cb->bond.mode == DPB_BOND_MODE_BALANCE_ALB)))
		dpb_strbuf_printf(out, "Hash buckets: %u\n", cb->bond.n_buckets);
}

int dpb_ctl_show_bonding(struct dpb_ctl *c, const char *bond, struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, bond);

	if (iface < 0 || c->ifs[iface].bond < 0) {
		dpb_strbuf_printf(out, "no bond named '%s'\n", bond);
		return -ENOENT;
	}
	{
		const struct ctl_bond *cb = &c->bonds[c->ifs[iface].bond];
		struct dpb_bond_ad_info ad;
		int rc;

		if (cb->lacp == NULL) {
			rc = dpb_bond_show(&cb->bond, DPB_VERSION "-dpbond", out);
		} else {
			ctl_lacp_ad_info(cb, &ad);
			rc = dpb_bond_show_ad(&cb->bond, DPB_VERSION "-dpbond", &ad, out);
		}
		/* Beyond Linux's text, after a blank line: what dpbond adds. */
		dpb_strbuf_puts(out, "\n");
		show_bond_extra(cb, out);
		ctl_announce_show(cb, out);
		ctl_arpmon_show(cb, out);
		ctl_rlb_show(cb, out);
		return rc;
	}
}

/* One line per port, as `bridge vlan show` lists them: "1 PVID Egress Untagged", ranges. */
static void port_vlans(const struct dpb_ctl *c, const char *name, int f, struct dpb_strbuf *out)
{
	char list[1024];

	ctl_vlan_list(c, f, list, sizeof(list));
	dpb_strbuf_printf(out, "  %-15s %s\n", name, list);
}

static void show_vlans(const struct dpb_ctl *c, int bridge, struct dpb_strbuf *out)
{
	const struct ctl_bridge *cb = &c->bridges[c->ifs[bridge].bridge];

	dpb_strbuf_puts(out, "vlans (tagged unless marked):\n");
	for (unsigned int k = 0; k < cb->n_ports; k++)
		port_vlans(c, c->ifs[cb->ports[k]].name, cb->ports[k], out);
	if (c->ifs[bridge].port >= 0)
		port_vlans(c, c->ifs[bridge].name, bridge, out);
}

int dpb_ctl_fdb_entries(const struct dpb_ctl *c, const char *bridge)
{
	int iface = ctl_find_iface(c, bridge);

	if (iface < 0 || c->ifs[iface].bridge < 0)
		return -ENOENT;
	return (int)c->bridges[c->ifs[iface].bridge].fdb->n_entries;
}

int dpb_ctl_show_bridge(struct dpb_ctl *c, const char *bridge, struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, bridge);
	const struct ctl_bridge *br;
	const char *names[DPB_FWD_MAX_BR_PORTS];
	unsigned int n;

	if (iface < 0 || c->ifs[iface].bridge < 0) {
		dpb_strbuf_printf(out, "no bridge named '%s'\n", bridge);
		return -ENOENT;
	}
	br = &c->bridges[c->ifs[iface].bridge];
	n = br->n_ports + (c->ifs[iface].port >= 0);
	dpb_strbuf_printf(out, "bridge %s: stp off,%s ageing %u s, %u ports, %u fdb entries, %lu learned, %lu moved\n",
			  bridge, br->vlan_aware ? " vlan-aware," : "", (unsigned int)(br->ageing_ms / 1000),
			  n, br->fdb->n_entries,
			  (unsigned long)br->learned, (unsigned long)br->moved);
	dpb_strbuf_printf(out, "  fdb: %u of %u entries (bridge-fdb-max), %lu learns refused (full; those MACs' frames flooded)\n",
			  br->fdb->n_entries, br->fdb->max_entries, (unsigned long)br->fdb->n_full);
	for (unsigned int k = 0; k < br->n_ports; k++) {
		int f = br->ports[k];

		names[k] = c->ifs[f].name;
		if (c->ifs[f].bond >= 0) {
			dpb_strbuf_printf(out, "  port %u: %s (bond, %s)\n    ", k, names[k],
					  ctl_bond_up(&c->bonds[c->ifs[f].bond]) ? "up" : "down");
			ctl_announce_show(&c->bonds[c->ifs[f].bond], out);
		} else if (c->ifs[f].port < 0 && c->ifs[f].kind == DPB_IFACE_VLAN) {
			const struct ctl_iface *v = &c->ifs[f];

			dpb_strbuf_printf(out, "  port %u: %s (VLAN %u of %s)\n", k, names[k],
					  v->vlan_id, c->ifs[v->vlan_raw].name);
		} else {
			const struct dpb_port *p = &c->ports[c->ifs[f].port];
			struct dpb_port_link l;

			dpb_port_link(p, &l);
			dpb_strbuf_printf(out, "  port %u: %s (ethdev %u, %s", k, names[k],
					  p->port_id, l.up ? "up" : "down");
			if (p->peer_mtu)
				dpb_strbuf_printf(out, ", the VM's MTU %u", p->peer_mtu);
			dpb_strbuf_puts(out, ")\n");
		}
	}
	if (c->ifs[iface].port >= 0) {
		const struct dpb_port *p = &c->ports[c->ifs[iface].port];
		struct dpb_port_link l;

		dpb_port_link(p, &l);
		names[br->n_ports] = bridge;
		dpb_strbuf_printf(out, "  port %u: %s (host port, ethdev %u, %s)\n", br->n_ports,
				  bridge, p->port_id, l.up ? "up" : "down");
	}
	if (br->vlan_aware)
		show_vlans(c, iface, out);
	return dpb_fdb_show(br->fdb, bridge, names, n, br->vlan_aware, dpb_ctl_now_ms(c), out);
}
