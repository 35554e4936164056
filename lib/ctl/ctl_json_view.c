/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show ... json` (doc/json.md): LACP and bridges as JSON, and the one entry
 * point that answers any view, for the console and for telemetry. Control
 * lcore.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl_priv.h"

static json_t *lacp_port_json(const struct dpb_ctl *c, const struct ctl_bond *cb, unsigned int k)
{
	struct dpb_lacp_port_status st;
	const struct dpb_port *p = &c->ports[cb->member_port[k]];

	dpb_lacp_port_status(cb->lacp, k, &st);
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I}",
		"name", cb->bond.members[k].name, "rx_state", dpb_lacp_rx_state_name(st.rx),
		"periodic_state", dpb_lacp_periodic_state_name(st.periodic),
		"mux_state", dpb_lacp_mux_state_name(st.mux),
		"aggregator_id", (json_int_t)st.aggregator,
		"actor_port_state", (json_int_t)st.actor.state,
		"partner_port_state", (json_int_t)st.partner.state,
		"slow_path", p->slow_steered ? "rte_flow" : "software",
		"slow_rxq", p->slow_steered ? json_integer(p->slow_rxq) : json_null(),
		"lacpdu_rx", (json_int_t)st.lacpdu_rx, "lacpdu_tx", (json_int_t)st.lacpdu_tx,
		"marker_rx", (json_int_t)cb->marker_rx[k], "marker_tx", (json_int_t)cb->marker_tx[k],
		"illegal_rx", (json_int_t)cb->illegal_rx[k], "unknown_rx", (json_int_t)cb->unknown_rx[k]);
}

json_t *ctl_json_lacp(const struct dpb_ctl *c, const struct ctl_bond *cb)
{
	json_t *o, *ports = json_array(), *illegal = json_object();

	for (unsigned int k = 0; k < cb->bond.n_members; k++)
		json_array_append_new(ports, lacp_port_json(c, cb, k));
	for (unsigned int e = 1; e < DPB_SLOW_ERR_COUNT; e++)
		json_object_set_new(illegal, dpb_slow_error_name(e),
				    json_integer((json_int_t)cb->slow_errors[e]));
	o = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "name", cb->bond.name,
		      "active_aggregator", (json_int_t)dpb_lacp_active_aggregator(cb->lacp),
		      "active_ports", (json_int_t)dpb_lacp_active_ports(cb->lacp),
		      "min_links", (json_int_t)cb->min_links, "ports", ports,
		      "illegal_pdus", illegal);
	return o;
}

static json_t *vlans_json(const struct dpb_ctl *c, int f)
{
	uint16_t pvid;
	uint64_t vids[64];
	json_t *a = json_array();

	ctl_port_vlans(c, f, &pvid, vids);
	for (unsigned int v = 1; v < 4095; v++)
		if (dpb_cfg_vid_isset(vids, v) && v != pvid)
			json_array_append_new(a, json_integer(v));
	return json_pack("{s:o, s:o}", "pvid", pvid ? json_integer(pvid) : json_null(), "tagged", a);
}

static json_t *bridge_port_json(const struct dpb_ctl *c, int f, bool host, bool vlan_aware)
{
	const struct ctl_iface *v = &c->ifs[f];
	json_t *o = json_pack("{s:s}", "name", v->name);

	if (c->ifs[f].bond >= 0 && !host) {
		json_object_set_new(o, "kind", json_string("bond"));
		json_object_set_new(o, "state", json_string(ctl_bond_up(&c->bonds[c->ifs[f].bond]) ?
							    "up" : "down"));
	} else if (c->ifs[f].port < 0 && v->kind == DPB_IFACE_VLAN) {
		json_object_set_new(o, "kind", json_string("vlan"));
		json_object_set_new(o, "vlan_id", json_integer(v->vlan_id));
		json_object_set_new(o, "vlan_raw_device", json_string(c->ifs[v->vlan_raw].name));
	} else {
		const struct dpb_port *p = &c->ports[c->ifs[f].port];
		struct dpb_port_link l;

		dpb_port_link(p, &l);
		json_object_set_new(o, "kind", json_string(host ? "host" : v->vhost ?
							    "vm" : "port"));
		json_object_set_new(o, "state", json_string(l.up ? "up" : "down"));
		json_object_set_new(o, "port_id", json_integer(p->port_id));
		json_object_set_new(o, "vm_mtu", p->peer_mtu ? json_integer(p->peer_mtu) : json_null());
	}
	if (vlan_aware)
		json_object_set_new(o, "vlans", vlans_json(c, f));
	return o;
}

struct fdb_json_ctx {
	json_t *a;
	const struct dpb_ctl *c;
	const struct ctl_bridge *cb;
	int host;                  /* the bridge's own iface, the last port; -1 */
	bool vlan_aware;
};

static void fdb_item_json(void *ctx, const struct dpb_fdb_item *it)
{
	struct fdb_json_ctx *x = ctx;
	char mac[DPB_MAC_STR_LEN];
	const char *port = "?";

	if (it->port < x->cb->n_ports)
		port = x->c->ifs[x->cb->ports[it->port]].name;
	else if (it->port == x->cb->n_ports && x->host >= 0)
		port = x->c->ifs[x->host].name;
	json_array_append_new(x->a, json_pack("{s:s, s:s, s:o}", "mac", dpb_mac_format(&it->mac, mac),
					      "port", port, "vlan", x->vlan_aware ?
					      json_integer(it->vlan) : json_null()));
}

json_t *ctl_json_bridge(const struct dpb_ctl *c, int iface)
{
	const struct ctl_bridge *br = &c->bridges[c->ifs[iface].bridge], *cb = br;
	struct fdb_json_ctx x = { json_array(), c, cb, c->ifs[iface].port >= 0 ? iface : -1,
				  cb->vlan_aware };
	json_t *ports = json_array();

	for (unsigned int k = 0; k < cb->n_ports; k++)
		json_array_append_new(ports, bridge_port_json(c, cb->ports[k], false, cb->vlan_aware));
	if (x.host >= 0)
		json_array_append_new(ports, bridge_port_json(c, iface, true, cb->vlan_aware));
	dpb_fdb_foreach(br->fdb, fdb_item_json, &x);
	return json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "name",
			 c->ifs[iface].name, "stp", 0, "vlan_aware", cb->vlan_aware,
			 "ageing_s", (json_int_t)(br->ageing_ms / 1000),
			 "fdb_entries", (json_int_t)br->fdb->n_entries,
			 "fdb_max", (json_int_t)br->fdb->max_entries,
			 "fdb_refused", (json_int_t)br->fdb->n_full,
			 "learned", (json_int_t)br->learned, "moved", (json_int_t)br->moved,
			 "ports", ports, "fdb", x.a);
}

static json_t *port_stats_all(const struct dpb_ctl *c)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < c->n_ifs; i++)
		if (ctl_has_stats(c, (int)i))
			json_array_append_new(a, ctl_json_port_stats(c, (int)i));
	return a;
}

/* The interface @p name names, if it is what @p view shows; else a message in @p err. */
static int view_iface(const struct dpb_ctl *c, enum dpb_ctl_view view, const char *name,
		      struct dpb_strbuf *err)
{
	int i = ctl_find_iface(c, name);

	switch (view) {
	case DPB_VIEW_BONDING:
		if (i >= 0 && c->ifs[i].bond >= 0)
			return i;
		dpb_strbuf_printf(err, "no bond named '%s'\n", name);
		break;
	case DPB_VIEW_LACP:
		if (i >= 0 && c->ifs[i].bond >= 0 && c->bonds[c->ifs[i].bond].lacp)
			return i;
		dpb_strbuf_printf(err, "no 802.3ad bond named '%s'\n", name);
		break;
	case DPB_VIEW_BRIDGE:
		if (i >= 0 && c->ifs[i].bridge >= 0)
			return i;
		dpb_strbuf_printf(err, "no bridge named '%s'\n", name);
		break;
	default:
		if (i >= 0 && ctl_has_stats(c, i))
			return i;
		dpb_strbuf_printf(err, "no port or bond named '%s'\n", name);
		break;
	}
	return -ENOENT;
}

json_t *ctl_view_json(struct dpb_ctl *c, enum dpb_ctl_view view, const char *arg,
		      struct dpb_strbuf *err)
{
	int i = 0;

	if (view == DPB_VIEW_DROPS)
		return ctl_json_drops(c);
	if (view == DPB_VIEW_WORKERS)
		return ctl_json_workers(c);
	if (view == DPB_VIEW_WORKER_STATS)
		return ctl_json_worker_stats(c);
	if (view == DPB_VIEW_PORT_STATS && strcmp(arg, "all") == 0)
		return port_stats_all(c);
	i = view_iface(c, view, arg, err);
	if (i < 0)
		return NULL;
	switch (view) {
	case DPB_VIEW_BONDING:
		return ctl_json_bond(c, &c->bonds[c->ifs[i].bond]);
	case DPB_VIEW_LACP:
		return ctl_json_lacp(c, &c->bonds[c->ifs[i].bond]);
	case DPB_VIEW_BRIDGE:
		return ctl_json_bridge(c, i);
	default:
		return ctl_json_port_stats(c, i);
	}
}

int dpb_ctl_show_json(struct dpb_ctl *c, enum dpb_ctl_view view, const char *arg,
		      struct dpb_strbuf *out)
{
	json_t *o = ctl_view_json(c, view, arg, out);
	char *text;

	if (o == NULL)
		return out->len ? -ENOENT : -ENOMEM;
	/* 15 digits: a figure in hundredths reads 12.34, not 12.339999999999999. */
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (text == NULL)
		return -ENOMEM;
	dpb_strbuf_printf(out, "%s\n", text);
	free(text);
	return out->oom ? -ENOMEM : 0;
}
