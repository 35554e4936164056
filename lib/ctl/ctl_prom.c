/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --prom-file FILE: a textfile for node exporter's textfile collector, with
 * the series its bonding collector gives for a kernel bond
 * (node_bonding_slaves, node_bonding_active: members whose MII status is
 * up) and dpbond's own: bond and member state, LACP port states, drops by
 * interface and reason, counters, FDB sizes. Written whole and renamed over
 * the old file, by the status refresh (ctl_status.c). Control lcore.
 */
#include <errno.h>
#include <string.h>

#include "ctl_priv.h"
#include "ctl_status.h"

/* A label value in the exposition format's escaping: \\ \" \n. */
static void label(struct dpb_strbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			dpb_strbuf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			dpb_strbuf_puts(b, "\\n");
		else
			dpb_strbuf_printf(b, "%c", *v);
	}
}

static void head(struct dpb_strbuf *b, const char *name, const char *type, const char *help)
{
	dpb_strbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{k1="v1"[,k2="v2"]} value */
static void sample(struct dpb_strbuf *b, const char *name, const char *k1, const char *v1,
		   const char *k2, const char *v2, uint64_t value)
{
	dpb_strbuf_printf(b, "%s{%s=\"", name, k1);
	label(b, v1);
	if (k2) {
		dpb_strbuf_printf(b, "\",%s=\"", k2);
		label(b, v2);
	}
	dpb_strbuf_printf(b, "\"} %lu\n", (unsigned long)value);
}

static void bonds(const struct dpb_ctl *c, struct dpb_strbuf *b)
{
	head(b, "node_bonding_slaves", "gauge", "Number of configured slaves per bonding interface.");
	for (unsigned int i = 0; i < c->n_bonds; i++)
		sample(b, "node_bonding_slaves", "master", c->bonds[i].bond.name, NULL, NULL,
		       c->bonds[i].bond.n_members);
	head(b, "node_bonding_active", "gauge", "Number of active slaves per bonding interface.");
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		const struct dpb_bond *bd = &c->bonds[i].bond;
		unsigned int up = 0;

		for (unsigned int k = 0; k < bd->n_members; k++)
			up += bd->members[k].link == DPB_LINK_UP;
		sample(b, "node_bonding_active", "master", bd->name, NULL, NULL, up);
	}
	head(b, "dpbond_bond_up", "gauge", "1 when the bond's MII status is up (802.3ad: an active aggregator with min_links ports).");
	for (unsigned int i = 0; i < c->n_bonds; i++)
		sample(b, "dpbond_bond_up", "bond", c->bonds[i].bond.name, NULL, NULL,
		       ctl_bond_up(&c->bonds[i]));
	head(b, "dpbond_slave_up", "gauge", "1 when the member's MII status is up.");
	for (unsigned int i = 0; i < c->n_bonds; i++)
		for (unsigned int k = 0; k < c->bonds[i].bond.n_members; k++)
			sample(b, "dpbond_slave_up", "bond", c->bonds[i].bond.name, "slave",
			       c->bonds[i].bond.members[k].name,
			       c->bonds[i].bond.members[k].link == DPB_LINK_UP);
	head(b, "dpbond_slave_active", "gauge", "1 when the member's state is active (its frames are taken), 0 for backup.");
	for (unsigned int i = 0; i < c->n_bonds; i++)
		for (unsigned int k = 0; k < c->bonds[i].bond.n_members; k++)
			sample(b, "dpbond_slave_active", "bond", c->bonds[i].bond.name, "slave",
			       c->bonds[i].bond.members[k].name,
			       dpb_bond_member_rx_ok(&c->bonds[i].bond, k));
	head(b, "dpbond_slave_link_failures_total", "counter", "The member's link failure count.");
	for (unsigned int i = 0; i < c->n_bonds; i++)
		for (unsigned int k = 0; k < c->bonds[i].bond.n_members; k++)
			sample(b, "dpbond_slave_link_failures_total", "bond", c->bonds[i].bond.name,
			       "slave", c->bonds[i].bond.members[k].name,
			       c->bonds[i].bond.members[k].link_failure_count);
}

static void lacp(const struct dpb_ctl *c, struct dpb_strbuf *b)
{
	static const char *const names[2] = { "dpbond_lacp_actor_port_state",
					       "dpbond_lacp_partner_port_state" };

	for (int side = 0; side < 2; side++) {
		head(b, names[side], "gauge", side ? "The partner's LACP port state bits (802.1AX), per member." :
		     "The actor's LACP port state bits (802.1AX), per member.");
		for (unsigned int i = 0; i < c->n_bonds; i++) {
			const struct ctl_bond *cb = &c->bonds[i];

			for (unsigned int k = 0; cb->lacp && k < cb->bond.n_members; k++) {
				struct dpb_lacp_port_status st;

				dpb_lacp_port_status(cb->lacp, k, &st);
				sample(b, names[side], "bond", cb->bond.name, "slave",
				       cb->bond.members[k].name,
				       side ? st.partner.state : st.actor.state);
			}
		}
	}
}

static void counters(const struct dpb_ctl *c, struct dpb_strbuf *b)
{
	static const char *const names[4] = { "dpbond_rx_packets_total", "dpbond_rx_bytes_total",
					       "dpbond_tx_packets_total", "dpbond_tx_bytes_total" };
	uint64_t lost = 0;

	for (int n = 0; n < 4; n++) {
		head(b, names[n], "counter", "What dpbond received or sent on the port (since the last clear).");
		for (unsigned int i = 0; i < c->n_ifs; i++) {
			struct ctl_sums s;

			if (c->ifs[i].port < 0)
				continue;
			ctl_sums_read(c, (int)i, &s);
			sample(b, names[n], "interface", c->ifs[i].name, NULL, NULL,
			       n == 0 ? s.rx_pkts : n == 1 ? s.rx_bytes : n == 2 ? s.tx_pkts : s.tx_bytes);
		}
	}
	head(b, "dpbond_drops_total", "counter", "Frames not forwarded, by interface and reason (since the last clear).");
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		struct ctl_sums s;

		if (!ctl_has_stats(c, (int)i))
			continue;
		ctl_sums_read(c, (int)i, &s);
		for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
			sample(b, "dpbond_drops_total", "interface", c->ifs[i].name, "reason",
			       dpb_drop_reason_name(r), s.drops[r]);
	}
	for (unsigned int w = 0; w < c->n_pollers; w++)
		lost += atomic_load_explicit(&c->workers[w]->learn_ring_full, memory_order_relaxed);
	head(b, "dpbond_learning_requests_lost_total", "counter", "FDB learning requests lost to a full ring (the frames were forwarded).");
	dpb_strbuf_printf(b, "dpbond_learning_requests_lost_total %lu\n", (unsigned long)lost);
}

static void bridges(const struct dpb_ctl *c, struct dpb_strbuf *b)
{
	head(b, "dpbond_fdb_entries", "gauge", "Entries in the bridge's forwarding database.");
	for (unsigned int i = 0; i < c->n_bridges; i++)
		sample(b, "dpbond_fdb_entries", "bridge", c->ifs[c->bridges[i].iface].name,
		       NULL, NULL, c->bridges[i].fdb->n_entries);
	head(b, "dpbond_fdb_learned_total", "counter", "New entries the bridge learned.");
	for (unsigned int i = 0; i < c->n_bridges; i++)
		sample(b, "dpbond_fdb_learned_total", "bridge", c->ifs[c->bridges[i].iface].name,
		       NULL, NULL, c->bridges[i].learned);
	head(b, "dpbond_fdb_moved_total", "counter", "Entries that changed port.");
	for (unsigned int i = 0; i < c->n_bridges; i++)
		sample(b, "dpbond_fdb_moved_total", "bridge", c->ifs[c->bridges[i].iface].name,
		       NULL, NULL, c->bridges[i].moved);
}

int ctl_prom_write(struct dpb_ctl *c, const char *path)
{
	struct dpb_strbuf b;
	int rc;

	dpb_strbuf_init(&b);
	bonds(c, &b);
	lacp(c, &b);
	counters(c, &b);
	bridges(c, &b);
	if (b.oom) {
		dpb_strbuf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	rc = ctl_write_atomic(path, b.s, b.len);
	dpb_strbuf_free(&b);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}
