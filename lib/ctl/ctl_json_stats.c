/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters as JSON (doc/json.md): `show port stats ... json`, `show drops
 * json` and the workers' counters, built with jansson. Control lcore.
 */
#include <string.h>

#include <jansson.h>
#include <rte_ethdev.h>

#include "ctl_priv.h"

/* Every reason, zero or not: a script sees the same keys each time. */
static json_t *drops_json(const struct ctl_sums *s, uint64_t *total)
{
	json_t *o = json_object();

	*total = 0;
	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++) {
		json_object_set_new(o, dpb_drop_reason_name(r), json_integer((json_int_t)s->drops[r]));
		*total += s->drops[r];
	}
	return o;
}

bool ctl_has_stats(const struct dpb_ctl *c, int iface)
{
	return c->ifs[iface].port >= 0 ||
	       (c->ifs[iface].kind == DPB_IFACE_BOND && c->ifs[iface].bond >= 0);
}

json_t *ctl_json_port_stats(const struct dpb_ctl *c, int iface)
{
	const struct ctl_iface *f = &c->ifs[iface];
	struct ctl_sums s;
	uint64_t total;
	json_t *o, *drops;

	ctl_sums_of(c, iface, &s);
	o = json_pack("{s:s, s:s, s:o}", "name", f->name,
		      "kind", c->ifs[iface].port >= 0 ? "port" : "bond",
		      "master", f->master < 0 ? json_null() : json_string(c->ifs[f->master].name));
	if (o == NULL)
		return NULL;
	if (c->ifs[iface].port >= 0) {
		const struct dpb_port *p = &c->ports[c->ifs[iface].port];
		struct rte_eth_stats st;
		char dev[RTE_ETH_NAME_MAX_LEN] = "";

		memset(&st, 0, sizeof(st));
		rte_eth_stats_get(p->port_id, &st);
		rte_eth_dev_get_name_by_port(p->port_id, dev);
		json_object_set_new(o, "port_id", json_integer(p->port_id));
		json_object_set_new(o, "device", json_string(dev));
		json_object_set_new(o, "rx_missed", json_integer((json_int_t)st.imissed));
		json_object_set_new(o, "rx_errors", json_integer((json_int_t)st.ierrors));
		json_object_set_new(o, "rx_nombuf", json_integer((json_int_t)st.rx_nombuf));
		json_object_set_new(o, "tx_errors", json_integer((json_int_t)st.oerrors));
	}
	json_object_set_new(o, "rx_packets", json_integer((json_int_t)s.rx_pkts));
	json_object_set_new(o, "rx_bytes", json_integer((json_int_t)s.rx_bytes));
	json_object_set_new(o, "tx_packets", json_integer((json_int_t)s.tx_pkts));
	json_object_set_new(o, "tx_bytes", json_integer((json_int_t)s.tx_bytes));
	drops = drops_json(&s, &total);
	json_object_set_new(o, "dropped", json_integer((json_int_t)total));
	json_object_set_new(o, "drops", drops);
	return o;
}

json_t *ctl_json_drops(const struct dpb_ctl *c)
{
	json_t *o = json_object(), *by = json_object();
	uint64_t total = 0, lost = 0;

	for (unsigned int i = 0; i < c->n_ifs; i++) {
		struct ctl_sums s;
		uint64_t n;
		json_t *d;

		if (c->ifs[i].name[0] == '\0')   /* a free slot */
			continue;
		ctl_sums_read(c, (int)i, &s);
		d = drops_json(&s, &n);
		if (n == 0) {   /* as the text: only interfaces that dropped */
			json_decref(d);
			continue;
		}
		json_object_set_new(by, c->ifs[i].name, d);
		total += n;
	}
	for (unsigned int w = 0; w < c->n_pollers; w++)
		lost += atomic_load_explicit(&c->workers[w]->learn_ring_full, memory_order_relaxed);
	json_object_set_new(o, "interfaces", by);
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "learning_requests_lost",
			    json_integer((json_int_t)(lost - c->learn_lost_base)));
	lost = 0;
	for (unsigned int b = 0; b < c->n_bridges; b++)
		lost += c->bridges[b].fdb->n_full;
	json_object_set_new(o, "fdb_refused", json_integer((json_int_t)lost));
	return o;
}

/* Hundredths as a JSON number, 1234 as 12.34 (dpb_ctl_show_json prints 15 digits). */
static json_t *x100_json(uint64_t v)
{
	return json_real((double)v / 100.0);
}

json_t *ctl_json_worker_load(const struct dpb_ctl *c, unsigned int w)
{
	const struct dpb_worker *wk = c->workers[w];
	bool main_lcore = ctl_main_forwards(c);
	struct dpb_load_figures f;
	struct dpb_load l;

	ctl_worker_load(c, w, &l);
	dpb_load_figures(&l, &f);
	return json_pack("{s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:I}",
		"worker", (json_int_t)wk->idx, "lcore", (json_int_t)wk->lcore_id,
		"main_lcore", main_lcore, "polls", (json_int_t)l.polls,
		"rx_packets", (json_int_t)l.rx_pkts, "tx_packets", (json_int_t)l.tx_pkts,
		"rx_bursts", (json_int_t)l.rx_bursts, "busy_cycles", (json_int_t)l.busy_tsc,
		"idle_cycles", (json_int_t)l.idle_tsc,
		"control_cycles", main_lcore ? json_integer((json_int_t)l.ctl_tsc) : json_null(),
		"busy_percent", x100_json(f.busy_pct_x100),
		"packets_per_burst", x100_json(f.pkts_per_burst_x100),
		"cycles_per_packet", x100_json(f.tsc_per_pkt_x100),
		"tsc_hz", (json_int_t)c->tsc_hz);
}

json_t *ctl_json_worker_stats(const struct dpb_ctl *c)
{
	json_t *a = json_array();

	for (unsigned int w = 0; w < c->n_pollers; w++)
		json_array_append_new(a, ctl_json_worker_load(c, w));
	return a;
}

json_t *ctl_json_workers(const struct dpb_ctl *c)
{
	json_t *a = json_array();

	for (unsigned int w = 0; w < c->n_pollers; w++) {
		const struct dpb_worker *wk = c->workers[w];
		uint64_t rx = 0, tx = 0, dropped = 0;

		for (unsigned int i = 0; i < c->n_ifs; i++) {
			const struct dpb_if_counters *k = &wk->ctr[i];

			rx += atomic_load_explicit(&k->rx_pkts, memory_order_relaxed);
			tx += atomic_load_explicit(&k->tx_pkts, memory_order_relaxed);
			for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
				dropped += atomic_load_explicit(&k->drops[r], memory_order_relaxed);
		}
		json_array_append_new(a, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
			"worker", (json_int_t)wk->idx, "lcore", (json_int_t)wk->lcore_id,
			"loops", (json_int_t)atomic_load_explicit(&wk->loops, memory_order_relaxed),
			"rx_packets", (json_int_t)rx, "tx_packets", (json_int_t)tx,
			"dropped", (json_int_t)dropped,
			"learning_requests_lost",
			(json_int_t)atomic_load_explicit(&wk->learn_ring_full, memory_order_relaxed),
			"load", ctl_json_worker_load(c, w)));
	}
	return a;
}
