/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text of /proc/net/bonding/<bond>, line for line as Linux's
 * bond_procfs.c prints it (see doc/status-format.md): master section, then a
 * block per member in slave order, each after an empty line, no trailing one.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "dpb_bond.h"

static bool uses_xmit_hash(const struct dpb_bond *b)
{
	if (b->mode == DPB_BOND_MODE_BALANCE_TLB || b->mode == DPB_BOND_MODE_BALANCE_ALB)
		return !b->tlb_dynamic_lb;
	return b->mode == DPB_BOND_MODE_BALANCE_XOR || b->mode == DPB_BOND_MODE_8023AD;
}

static void show_ad_side(const char *title, const char *key_word,
			 const struct dpb_bond_ad_side *s, struct dpb_strbuf *out)
{
	char mac[DPB_MAC_STR_LEN];

	dpb_strbuf_printf(out, "details %s lacp pdu:\n", title);
	dpb_strbuf_printf(out, "    system priority: %u\n", s->system_priority);
	dpb_strbuf_printf(out, "    system mac address: %s\n", dpb_mac_format(&s->system, mac));
	dpb_strbuf_printf(out, "    %s: %u\n", key_word, s->key);
	dpb_strbuf_printf(out, "    port priority: %u\n", s->port_priority);
	dpb_strbuf_printf(out, "    port number: %u\n", s->port);
	dpb_strbuf_printf(out, "    port state: %u\n", s->state);
}

static void show_ad_member(const struct dpb_bond_ad_member *a, struct dpb_strbuf *out)
{
	if (a->aggregator == 0) {
		dpb_strbuf_puts(out, "Aggregator ID: N/A\n");
		return;
	}
	dpb_strbuf_printf(out, "Aggregator ID: %u\n", a->aggregator);
	dpb_strbuf_printf(out, "Actor Churn State: %s\n", a->actor_churn);
	dpb_strbuf_printf(out, "Partner Churn State: %s\n", a->partner_churn);
	dpb_strbuf_printf(out, "Actor Churned Count: %u\n", a->actor_churned);
	dpb_strbuf_printf(out, "Partner Churned Count: %u\n", a->partner_churned);
	show_ad_side("actor", "port key", &a->actor, out);
	show_ad_side("partner", "oper key", &a->partner, out);
}

static void show_ad(const struct dpb_bond *b, const struct dpb_bond_ad_info *ad,
		    struct dpb_strbuf *out)
{
	char mac[DPB_MAC_STR_LEN];

	dpb_strbuf_puts(out, "\n802.3ad info\n");
	dpb_strbuf_printf(out, "LACP active: %s\n", ad->lacp_active ? "on" : "off");
	dpb_strbuf_printf(out, "LACP rate: %s\n", ad->fast ? "fast" : "slow");
	dpb_strbuf_printf(out, "Min links: %u\n", ad->min_links);
	dpb_strbuf_printf(out, "Aggregator selection policy (ad_select): %s\n", ad->ad_select);
	dpb_strbuf_printf(out, "System priority: %u\n", ad->system_priority);
	dpb_strbuf_printf(out, "System MAC address: %s\n", dpb_mac_format(&ad->system, mac));
	if (ad->active_aggregator == 0) {
		dpb_strbuf_printf(out, "bond %s has no active aggregator\n", b->name);
		return;
	}
	dpb_strbuf_puts(out, "Active Aggregator Info:\n");
	dpb_strbuf_printf(out, "\tAggregator ID: %u\n", ad->active_aggregator);
	dpb_strbuf_printf(out, "\tNumber of ports: %u\n", ad->n_ports);
	dpb_strbuf_printf(out, "\tActor Key: %u\n", ad->actor_key);
	dpb_strbuf_printf(out, "\tPartner Key: %u\n", ad->partner_key);
	dpb_strbuf_printf(out, "\tPartner Mac Address: %s\n",
			  dpb_mac_format(&ad->partner_system, mac));
}

static void show_member(const struct dpb_bond *b, const struct dpb_bond_member *m,
			struct dpb_strbuf *out)
{
	char mac[DPB_MAC_STR_LEN];

	(void)b;
	dpb_strbuf_printf(out, "\nSlave Interface: %s\n", m->name);
	dpb_strbuf_printf(out, "MII Status: %s\n", dpb_member_link_name(m->link));
	if (m->speed_mbps)
		dpb_strbuf_printf(out, "Speed: %u Mbps\n", m->speed_mbps);
	else
		dpb_strbuf_puts(out, "Speed: Unknown\n");
	dpb_strbuf_printf(out, "Duplex: %s\n",
			  !m->duplex_known ? "Unknown" : m->full_duplex ? "full" : "half");
	dpb_strbuf_printf(out, "Link Failure Count: %u\n", m->link_failure_count);
	dpb_strbuf_printf(out, "Permanent HW addr: %s\n", dpb_mac_format(&m->perm_addr, mac));
	dpb_strbuf_printf(out, "Slave queue ID: %u\n", m->queue_id);
}

/* The ARP monitor's lines: targets after ": " and ", " as bond_procfs.c prints them. */
static void show_arp(const struct dpb_bond *b, struct dpb_strbuf *out)
{
	char a[INET6_ADDRSTRLEN];

	dpb_strbuf_printf(out, "ARP Polling Interval (ms): %u\n", b->arp_interval_ms);
	dpb_strbuf_printf(out, "ARP Missed Max: %u\n", b->arp_missed_max);
	dpb_strbuf_puts(out, "ARP IP target/s (n.n.n.n form):");
	for (unsigned int k = 0; k < b->n_arp_targets; k++)
		dpb_strbuf_printf(out, "%s %s", k ? "," : "",
				  inet_ntop(AF_INET, b->arp_targets[k], a, sizeof(a)));
	dpb_strbuf_puts(out, "\nNS IPv6 target/s (xx::xx form):");
	for (unsigned int k = 0; k < b->n_ns_targets; k++)
		dpb_strbuf_printf(out, "%s %s", k ? "," : "",
				  inet_ntop(AF_INET6, b->ns_targets[k], a, sizeof(a)));
	dpb_strbuf_puts(out, "\n");
}

int dpb_bond_show(const struct dpb_bond *b, const char *version, struct dpb_strbuf *out)
{
	return dpb_bond_show_ad(b, version, NULL, out);
}

int dpb_bond_show_ad(const struct dpb_bond *b, const char *version,
		     const struct dpb_bond_ad_info *ad, struct dpb_strbuf *out)
{
	unsigned int miimon = b->miimon_ms;

	dpb_strbuf_printf(out, "Ethernet Channel Bonding Driver: v%s\n\n", version);
	dpb_strbuf_printf(out, "Bonding Mode: %s", dpb_bond_mode_desc(b->mode));
	if (b->mode == DPB_BOND_MODE_ACTIVE_BACKUP && b->fail_over_mac != DPB_FAIL_OVER_MAC_NONE)
		dpb_strbuf_printf(out, " (fail_over_mac %s)", dpb_fail_over_mac_name(b->fail_over_mac));
	dpb_strbuf_puts(out, "\n");
	if (uses_xmit_hash(b))
		dpb_strbuf_printf(out, "Transmit Hash Policy: %s (%d)\n",
				  dpb_xmit_hash_policy_name(b->xmit_hash_policy),
				  (int)b->xmit_hash_policy);
	if (b->ops->uses_primary) {
		if (b->primary >= 0)
			dpb_strbuf_printf(out, "Primary Slave: %s (primary_reselect %s)\n",
					  b->members[b->primary].name,
					  dpb_primary_reselect_name(b->primary_reselect));
		else
			dpb_strbuf_puts(out, "Primary Slave: None\n");
		dpb_strbuf_printf(out, "Currently Active Slave: %s\n",
				  b->curr_active >= 0 ? b->members[b->curr_active].name : "None");
	}
	dpb_strbuf_printf(out, "MII Status: %s\n", (ad ? ad->carrier : b->carrier) ? "up" : "down");
	dpb_strbuf_printf(out, "MII Polling Interval (ms): %u\n", miimon);
	dpb_strbuf_printf(out, "Up Delay (ms): %u\n", b->updelay * miimon);
	dpb_strbuf_printf(out, "Down Delay (ms): %u\n", b->downdelay * miimon);
	dpb_strbuf_printf(out, "Peer Notification Delay (ms): %u\n", b->peer_notif_delay * miimon);
	if (b->arp_interval_ms)
		show_arp(b, out);
	if (ad)
		show_ad(b, ad, out);
	for (unsigned int i = 0; i < b->n_members; i++) {
		show_member(b, &b->members[i], out);
		if (ad)
			show_ad_member(&ad->members[i], out);
	}
	return out->oom ? -ENOMEM : 0;
}

int dpb_bond_event_format(const struct dpb_bond *b, const struct dpb_bond_event *ev,
			  struct dpb_strbuf *out)
{
	static const char *const fmts[] = {
#define X(id, fmt) [DPB_BOND_EV_##id] = fmt,
		DPB_BOND_EVENT_TYPES(X)
#undef X
	};

	if (ev->member >= 0)
		dpb_strbuf_printf(out, "%s: (slave %s): ", b->name, b->members[ev->member].name);
	else
		dpb_strbuf_printf(out, "%s: ", b->name);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	dpb_strbuf_printf(out, fmts[ev->type], ev->ms);
#pragma GCC diagnostic pop
	return out->oom ? -ENOMEM : 0;
}
