/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show ... json`: the status in JSON for scripts, built with jansson
 * (Debian's libjansson-dev), which does the escaping and the numbers. Field
 * names are stable and documented in doc/json.md; what /proc/net/bonding
 * prints as text is here as values (null where it says None or Unknown).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>

#include "ctl_priv.h"

static json_t *mac_json(const struct dpb_mac *m)
{
	char s[DPB_MAC_STR_LEN];

	return json_string(dpb_mac_format(m, s));
}

static json_t *targets_json(const uint8_t *t, unsigned int n, size_t len, int family)
{
	json_t *a = json_array();
	char s[INET6_ADDRSTRLEN];

	for (unsigned int k = 0; k < n; k++)
		json_array_append_new(a, json_string(inet_ntop(family, t + k * len, s, sizeof(s))));
	return a;
}

static json_t *arp_json(const struct ctl_bond *cb)
{
	const struct dpb_bond *b = &cb->bond;

	if (b->arp_interval_ms == 0)
		return json_null();
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:I, s:I}",
			 "interval_ms", (json_int_t)b->arp_interval_ms,
			 "missed_max", (json_int_t)b->arp_missed_max,
			 "validate", dpb_arp_validate_name(b->arp_validate),
			 "all_targets", b->arp_all_targets ? "all" : "any",
			 "ip_targets", targets_json(&b->arp_targets[0][0], b->n_arp_targets, 4, AF_INET),
			 "ns_ip6_targets", targets_json(&b->ns_targets[0][0], b->n_ns_targets, 16, AF_INET6),
			 "probes_sent", (json_int_t)cb->arp_probes,
			 "probes_lost", (json_int_t)cb->arp_probes_lost);
}

static json_t *lacp_json(const struct ctl_bond *cb, const struct dpb_bond_ad_info *ad)
{
	if (cb->lacp == NULL)
		return json_null();
	return json_pack("{s:b, s:s, s:I, s:s, s:I, s:o, s:I, s:I, s:I, s:I, s:o}",
			 "active", ad->lacp_active, "rate", ad->fast ? "fast" : "slow",
			 "min_links", (json_int_t)ad->min_links, "ad_select", ad->ad_select,
			 "system_priority", (json_int_t)ad->system_priority,
			 "system_mac", mac_json(&ad->system),
			 "active_aggregator", (json_int_t)ad->active_aggregator,
			 "ports", (json_int_t)ad->n_ports,
			 "actor_key", (json_int_t)ad->actor_key,
			 "partner_key", (json_int_t)ad->partner_key,
			 "partner_mac", mac_json(&ad->partner_system));
}

static json_t *slave_json(const struct ctl_bond *cb, unsigned int k, const struct dpb_bond_ad_info *ad)
{
	const struct dpb_bond_member *m = &cb->bond.members[k];
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:I, s:o, s:I}",
			      "name", m->name, "mii_status", dpb_member_link_name(m->link),
			      "speed_mbps", m->speed_mbps ? json_integer(m->speed_mbps) : json_null(),
			      "duplex", !m->duplex_known ? json_null() :
					json_string(m->full_duplex ? "full" : "half"),
			      "link_failure_count", (json_int_t)m->link_failure_count,
			      "perm_hwaddr", mac_json(&m->perm_addr),
			      "queue_id", (json_int_t)m->queue_id);

	if (cb->lacp) {
		const struct dpb_bond_ad_member *a = &ad->members[k];

		json_object_set_new(o, "aggregator_id",
				    a->aggregator ? json_integer(a->aggregator) : json_null());
		json_object_set_new(o, "actor_port_state", json_integer(a->actor.state));
		json_object_set_new(o, "partner_port_state", json_integer(a->partner.state));
	}
	return o;
}

json_t *ctl_json_bond(struct dpb_ctl *c, const struct ctl_bond *cb)
{
	const struct dpb_bond *b = &cb->bond;
	struct dpb_bond_ad_info ad = { 0 };
	json_t *o, *slaves;
	bool hashes;

	(void)c;
	if (cb->lacp)
		ctl_lacp_ad_info(cb, &ad);
	hashes = b->mode == DPB_BOND_MODE_BALANCE_XOR || b->mode == DPB_BOND_MODE_8023AD ||
		 ((b->mode == DPB_BOND_MODE_BALANCE_TLB || b->mode == DPB_BOND_MODE_BALANCE_ALB) &&
		  !b->tlb_dynamic_lb);
	o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:s, s:o}",
		      "name", b->name, "mode", dpb_bond_mode_name(b->mode), "mode_number",
		      (json_int_t)b->mode,
		      "mii_status", (cb->lacp ? ad.carrier : b->carrier) ? "up" : "down",
		      "miimon_ms", (json_int_t)b->miimon_ms,
		      "updelay_ms", (json_int_t)(b->updelay * b->miimon_ms),
		      "downdelay_ms", (json_int_t)(b->downdelay * b->miimon_ms),
		      "peer_notif_delay_ms", (json_int_t)(b->peer_notif_delay * b->miimon_ms),
		      "xmit_hash_policy", hashes ?
			      json_string(dpb_xmit_hash_policy_name(b->xmit_hash_policy)) : json_null(),
		      "primary", b->ops->uses_primary && b->primary >= 0 ?
			      json_string(b->members[b->primary].name) : json_null(),
		      "primary_reselect", b->ops->uses_primary ?
			      json_string(dpb_primary_reselect_name(b->primary_reselect)) : json_null(),
		      "active_slave", b->ops->uses_primary && b->curr_active >= 0 ?
			      json_string(b->members[b->curr_active].name) : json_null(),
		      "fail_over_mac", dpb_fail_over_mac_name(b->fail_over_mac),
		      "mac", mac_json(&b->addr));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "arp_monitor", arp_json(cb));
	json_object_set_new(o, "lacp", cb->lacp ? lacp_json(cb, &ad) : json_null());
	slaves = json_array();
	for (unsigned int k = 0; k < b->n_members; k++)
		json_array_append_new(slaves, slave_json(cb, k, &ad));
	json_object_set_new(o, "slaves", slaves);
	return o;
}
