/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-bench's rig for one number of members n, all on net_ring ports whose
 * rings the bench fills and empties:
 *
 *   src -> (the bench) -> sink                       the ceiling
 *   src -> DPDK's bond D (d0..dn-1 -> sinks)         DPDK's bond, any mode but 4
 *   src -> DPDK's bond L (pl0..pln-1, cabled)         DPDK's bond in mode 4
 *   src -> dpbond's bondn (mn0..mnn-1, net_null)     dpbond's bond stage, as D
 *   src -> dpbond's bondl transmit alone              dpbond's bond stage, as L
 *   vma <-> bra <-> bonda (ma0..man-1 -> sinks)      dpbond's whole path
 *   vml <-> brl <-> bondl (ml0..mln-1 <-> pl0..)     dpbond's whole path, 802.3ad
 *
 * bondl and L are each other's LACP partner over the cables; D, bonda and
 * bondn change mode between cases. D and bondn send to net_null ports (D
 * sets its members' MACs, which ring ports cannot take), which free each
 * frame as they send it: both pay that alike. stop and close for every device at the end:
 * DPDK's bonds' alarms must not outlive EAL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eth_bond.h>
#include <rte_eth_bond_8023ad.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>

#include "bench.h"
#include "dpb_cfg.h"

static struct rte_ring *ring(struct bench_rig *g, const char *what, unsigned int i)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "b%u%s%u", g->id, what, i);
	r = rte_ring_create(name, BENCH_RING, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (r != NULL)
		g->rings[g->n_rings++] = r;
	return r;
}

/* A ring port named net_ring_b<n><what><i> (the PMD puts "net_ring_" in
 * front), receiving from @rx and sending into @tx. */
static int ring_port(struct bench_rig *g, const char *what, unsigned int i, struct rte_ring *rx,
		     struct rte_ring *tx, uint16_t *pid)
{
	char name[64];
	int p;

	snprintf(name, sizeof(name), "b%u%s%u", g->id, what, i);
	p = rte_eth_from_rings(name, &rx, 1, &tx, 1, (unsigned int)rte_socket_id());
	if (p < 0) {
		fprintf(stderr, "dpb-bench: cannot make ring port %s\n", name);
		return -1;
	}
	*pid = (uint16_t)p;
	g->ports[g->n_ports++] = (uint16_t)p;
	return 0;
}

/* A net_null port that sends into nothing and receives nothing: a member of D or bondn. */
static int null_port(struct bench_rig *g, const char *what, unsigned int i, uint16_t *pid)
{
	char name[64], args[80];

	snprintf(name, sizeof(name), "net_null_b%u%s%u", g->id, what, i);
	snprintf(args, sizeof(args), "%s,no-rx=1", name);
	if (rte_dev_probe(args) != 0 || rte_eth_dev_get_port_by_name(name, pid) != 0) {
		fprintf(stderr, "dpb-bench: cannot make %s\n", args);
		return -1;
	}
	g->ports[g->n_ports++] = *pid;
	return 0;
}

uint64_t bench_null_sent(const struct bench_rig *g, bool ours)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < g->n; i++) {
		struct rte_eth_stats st;

		if (rte_eth_stats_get(ours ? g->mn[i] : g->d[i], &st) == 0)
			n += st.opackets;
	}
	return n;
}

static int start_port(struct bench_rig *g, uint16_t pid)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(pid, 1, 1, &conf) < 0 ||
	    rte_eth_rx_queue_setup(pid, 0, 1024, (unsigned int)rte_socket_id(), NULL, g->pool) < 0 ||
	    rte_eth_tx_queue_setup(pid, 0, 1024, (unsigned int)rte_socket_id(), NULL) < 0 ||
	    rte_eth_dev_start(pid) < 0)
		return -1;
	return 0;
}

/* DPDK's bond @name in @mode over @members; net_ring ports have no MAC, so it gets one. */
static int pmd_bond(struct bench_rig *g, const char *name, uint8_t mode, const uint16_t *members,
		    uint8_t last_mac_byte, uint16_t *bond)
{
	struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0x0d, last_mac_byte } };
	int b = rte_eth_bond_create(name, mode, (uint8_t)rte_socket_id());

	if (b < 0) {
		fprintf(stderr, "dpb-bench: cannot make DPDK's bond %s\n", name);
		return -1;
	}
	*bond = (uint16_t)b;
	for (unsigned int i = 0; i < g->n; i++)
		if (rte_eth_bond_slave_add(*bond, members[i]) != 0)
			return -1;
	if (rte_eth_bond_mac_address_set(*bond, &mac) != 0 || start_port(g, *bond) != 0) {
		fprintf(stderr, "dpb-bench: cannot start DPDK's bond %s\n", name);
		return -1;
	}
	rte_eth_promiscuous_enable(*bond);
	return 0;
}

/* dpbond's file, at @path: bra (vma + bonda) and brl (vml + bondl, 802.3ad), bondn; @miimon ms. */
static int write_config(const struct bench_rig *g, const char *path, unsigned int miimon)
{
	FILE *f = fopen(path, "w");
	unsigned int fdb_max = 1024;

	if (f == NULL)
		return -1;
	while (fdb_max < 2 * g->max_macs + 64 && fdb_max < 4194304)
		fdb_max *= 2;
	for (int l = 0; l < 2; l++) {
		const char *s = l ? "l" : "a";

		fprintf(f, "iface vm%s inet manual\n  dpdk-devargs net_ring_b%uvm%s0\n", s, g->id, s);
		for (unsigned int i = 0; i < g->n; i++)
			fprintf(f, "iface m%s%u inet manual\n  dpdk-devargs net_ring_b%um%s%u\n", s, i,
				g->id, s, i);
		fprintf(f, "iface bond%s inet manual\n  bond-slaves", s);
		for (unsigned int i = 0; i < g->n; i++)
			fprintf(f, " m%s%u", s, i);
		/* No peer notifications: with a million hosts behind the VM port, each
		 * mode change would announce them all, a second of RARPs in the next
		 * case's time; they are not what the cases measure. */
		fprintf(f, "\n  bond-mode %s\n  bond-miimon %u\n  bond-num-grat-arp 0\n%s",
			l ? "802.3ad" : "active-backup", miimon,
			l ? "  bond-lacp-rate fast\n  bond-ad-actor-system 02:00:00:00:0b:00\n" : "");
		fprintf(f, "iface br%s inet manual\n  bridge-ports vm%s bond%s\n"
			   "  bridge-fdb-max %u\n  bridge-ageing 100000\n", s, s, s, fdb_max);
	}
	for (unsigned int i = 0; i < g->n; i++)
		fprintf(f, "iface mn%u inet manual\n  dpdk-devargs net_null_b%umn%u\n", i, g->id, i);
	fprintf(f, "iface bondn inet manual\n  bond-slaves");
	for (unsigned int i = 0; i < g->n; i++)
		fprintf(f, " mn%u", i);
	fprintf(f, "\n  bond-mode active-backup\n  bond-miimon 100\n");
	return fclose(f) == 0 ? 0 : -1;
}

/* Reads the file @miimon makes into @cfg. @return 0, or -1 with the diagnostics on stderr. */
static int load_config(const struct bench_rig *g, unsigned int miimon, struct dpb_cfg *cfg)
{
	char path[] = "/tmp/dpb-bench-XXXXXX";
	int fd = mkstemp(path), rc = -1;

	if (fd < 0)
		return -1;
	close(fd);
	if (write_config(g, path, miimon) == 0) {
		rc = dpb_cfg_load(cfg, path, NULL, 0) < 0 ? -1 : 0;
		if (rc < 0)
			dpb_cfg_print_diags(cfg, stderr);
	}
	unlink(path);
	return rc;
}

static int dpbond_up(struct bench_rig *g)
{
	static struct dpb_cfg cfg;

	if (load_config(g, 100, &cfg) < 0)
		return -1;
	g->ctl = dpb_ctl_create(&cfg);
	return g->ctl ? 0 : -1;
}

int bench_set_miimon(struct bench_rig *g, unsigned int ms)
{
	static struct dpb_cfg cfg;
	struct dpb_strbuf sb;
	int rc;

	if (load_config(g, ms, &cfg) < 0)
		return -1;
	dpb_strbuf_init(&sb);
	rc = dpb_ctl_reload(g->ctl, &cfg, &sb);
	if (rc < 0)
		fprintf(stderr, "dpb-bench: reload for miimon %u: %s", ms, dpb_strbuf_str(&sb));
	dpb_strbuf_free(&sb);
	dpb_ctl_run_for(g->ctl, 20);
	return rc < 0 ? -1 : 0;
}

int bench_rig_up(struct bench_rig *g, unsigned int n, uint32_t max_macs)
{
	uint16_t pid, pl[BENCH_MAX_MEMBERS];
	struct rte_ring *none;
	char name[32];

	static unsigned int rigs;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->id = ++rigs;   /* its devices' names: a closed vdev keeps its name */
	g->max_macs = max_macs;
	g->bond_d = g->bond_l = UINT16_MAX;   /* none yet */
	g->pool = rte_pktmbuf_pool_create("bench", 32767, 256, 0, 256 + RTE_PKTMBUF_HEADROOM,
					  (int)rte_socket_id());
	if (g->pool == NULL || (none = ring(g, "none", 0)) == NULL)
		return -1;
	if ((g->src_in = ring(g, "src", 0)) == NULL || (g->sink_out = ring(g, "sink", 0)) == NULL ||
	    ring_port(g, "src", 0, g->src_in, none, &g->src) || start_port(g, g->src) ||
	    ring_port(g, "sink", 0, none, g->sink_out, &g->sink) || start_port(g, g->sink))
		return -1;
	if ((g->vma_in = ring(g, "vmain", 0)) == NULL || (g->vma_out = ring(g, "vmaout", 0)) == NULL ||
	    ring_port(g, "vma", 0, g->vma_in, g->vma_out, &pid) ||
	    (g->vml_in = ring(g, "vmlin", 0)) == NULL || (g->vml_out = ring(g, "vmlout", 0)) == NULL ||
	    ring_port(g, "vml", 0, g->vml_in, g->vml_out, &pid))
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		if ((g->ma_in[i] = ring(g, "main", i)) == NULL ||
		    (g->ma_out[i] = ring(g, "maout", i)) == NULL ||
		    ring_port(g, "ma", i, g->ma_in[i], g->ma_out[i], &g->ma[i]) ||
		    (g->to_ml[i] = ring(g, "toml", i)) == NULL ||
		    (g->from_ml[i] = ring(g, "fromml", i)) == NULL ||
		    ring_port(g, "ml", i, g->to_ml[i], g->from_ml[i], &g->ml[i]) ||
		    ring_port(g, "pl", i, g->from_ml[i], g->to_ml[i], &pl[i]) ||
		    null_port(g, "d", i, &g->d[i]) || null_port(g, "mn", i, &g->mn[i]))
			return -1;
	}
	snprintf(name, sizeof(name), "net_bonding_b%ud", g->id);
	if (pmd_bond(g, name, BONDING_MODE_ACTIVE_BACKUP, g->d, 1, &g->bond_d))
		return -1;
	snprintf(name, sizeof(name), "net_bonding_b%ul", g->id);
	if (pmd_bond(g, name, BONDING_MODE_8023AD, pl, 2, &g->bond_l))
		return -1;
	if (dpbond_up(g) < 0)
		return -1;
	for (int t = 0; t < 30; t++)
		if (bench_lacp_converse(g, 500))
			return 0;
	{
		struct dpb_strbuf sb;

		dpb_strbuf_init(&sb);
		dpb_ctl_show_lacp(g->ctl, "bondl", &sb);
		fprintf(stderr, "dpb-bench: bondl and DPDK's mode-4 bond did not agree in 15 s:\n%s",
			dpb_strbuf_str(&sb));
		dpb_strbuf_free(&sb);
		for (unsigned int i = 0; i < n; i++) {
			struct rte_eth_bond_8023ad_slave_info si;

			if (rte_eth_bond_8023ad_slave_info(g->bond_l, pl[i], &si) == 0)
				fprintf(stderr, "  DPDK's member %u: actor state 0x%02x, partner state 0x%02x, aggregator %u\n",
					pl[i], si.actor_state, si.partner_state, si.agg_port_id);
		}
	}
	return -1;
}

void bench_rig_down(struct bench_rig *g)
{
	/* Frames dpbond made (announcements, LACPDUs) back to its pool before
	 * it counts its mbufs as it ends: those in the rings, and those DPDK's
	 * bonds hold (L keeps the LACPDUs it has not read yet). */
	for (unsigned int i = 0; i < g->n_rings; i++)
		bench_drain(g->rings[i]);
	for (int b = 0; b < 2; b++) {
		uint16_t bond = b ? g->bond_l : g->bond_d;
		char name[RTE_ETH_NAME_MAX_LEN];

		if (bond == UINT16_MAX || rte_eth_dev_get_name_by_port(bond, name) != 0)
			continue;
		rte_eth_dev_stop(bond);
		rte_eth_bond_free(name);
	}
	if (g->ctl)
		dpb_ctl_destroy(g->ctl);
	g->ctl = NULL;
	for (unsigned int i = 0; i < g->n_ports; i++) {
		if (!rte_eth_dev_is_valid_port(g->ports[i]))
			continue;   /* dpbond closed its ports */
		rte_eth_dev_stop(g->ports[i]);
		rte_eth_dev_close(g->ports[i]);
	}
	for (unsigned int i = 0; i < g->n_rings; i++) {
		bench_drain(g->rings[i]);
		rte_ring_free(g->rings[i]);
	}
	rte_mempool_free(g->pool);
	memset(g, 0, sizeof(*g));
}

/* How many of dpbond's bondl ports are collecting and distributing. */
static unsigned int dpbond_distributing(struct bench_rig *g)
{
	struct dpb_strbuf sb;
	unsigned int n = 0;

	dpb_strbuf_init(&sb);
	if (dpb_ctl_show_lacp(g->ctl, "bondl", &sb) == 0)
		for (const char *p = dpb_strbuf_str(&sb); (p = strstr(p, "COLLECTING_DISTRIBUTING")); p++)
			n++;
	dpb_strbuf_free(&sb);
	return n;
}

void bench_pmd_l_turn(struct bench_rig *g)
{
	struct rte_mbuf *pkts[BENCH_BURST];
	uint16_t k;

	while ((k = rte_eth_rx_burst(g->bond_l, 0, pkts, BENCH_BURST)) > 0)
		rte_pktmbuf_free_bulk(pkts, k);
	rte_eth_tx_burst(g->bond_l, 0, pkts, 0);   /* its LACPDUs go out inside */
}

bool bench_lacp_converse(struct bench_rig *g, unsigned int ms)
{
	uint64_t end = rte_get_tsc_cycles() + rte_get_tsc_hz() * ms / 1000;
	uint16_t members[RTE_MAX_ETHPORTS];
	unsigned int pmd_ok = 0;
	int n;

	do {
		dpb_ctl_run(g->ctl);
		bench_pmd_l_turn(g);
		bench_drain(g->vml_out);
	} while (rte_get_tsc_cycles() < end);
	n = rte_eth_bond_slaves_get(g->bond_l, members, RTE_MAX_ETHPORTS);
	for (int i = 0; i < n; i++) {
		struct rte_eth_bond_8023ad_slave_info si;

		if (rte_eth_bond_8023ad_slave_info(g->bond_l, members[i], &si) == 0 &&
		    (si.actor_state & STATE_DISTRIBUTING))
			pmd_ok++;
	}
	return pmd_ok == g->n && dpbond_distributing(g) == g->n;
}

int bench_pmd_mode(struct bench_rig *g, uint8_t mode, uint8_t policy)
{
	rte_eth_dev_stop(g->bond_d);
	if (rte_eth_bond_mode_set(g->bond_d, mode) != 0 ||
	    ((mode == BONDING_MODE_BALANCE || mode == BONDING_MODE_8023AD) &&
	     rte_eth_bond_xmit_policy_set(g->bond_d, policy) != 0) ||
	    rte_eth_dev_start(g->bond_d) != 0)
		return -1;
	/* ring ports raise no link interrupt: the bond polls their links */
	dpb_ctl_run_for(g->ctl, 300);
	return 0;
}

/* The FDB entries bridge @br has. */
static unsigned int fdb_entries(struct bench_rig *g, const char *br)
{
	int n = dpb_ctl_fdb_entries(g->ctl, br);

	return n < 0 ? 0 : (unsigned int)n;
}

unsigned int bench_learn(struct bench_rig *g, bool lacp, uint32_t n)
{
	struct rte_ring *vm_in = lacp ? g->vml_in : g->vma_in;
	const char *br = lacp ? "brl" : "bra";

	for (int t = 0; lacp && t < 30 && !bench_lacp_converse(g, 500); t++)
		;
	for (int pass = 0; pass < 3 && fdb_entries(g, br) < 2 * n; pass++) {
		for (uint32_t first = 0; first < n; first += 1024) {
			unsigned int k = RTE_MIN(1024u, n - first);

			bench_gen_sources(vm_in, g->pool, false, first, k);
			/* the wire's hosts arrive on the first member (active-backup's active one) */
			bench_gen_sources(lacp ? g->to_ml[0] : g->ma_in[0], g->pool, true, first, k);
			dpb_ctl_run_for(g->ctl, 2);
			for (unsigned int i = 0; i < g->n; i++) {
				bench_drain(g->ma_out[i]);
				bench_drain_keep_slow(g->from_ml[i]);
			}
			bench_drain(g->vma_out);
			bench_drain(g->vml_out);
			if (first % (64 * 1024) == 0)   /* LACP's partners keep hearing each other */
				bench_lacp_converse(g, 20);
		}
		dpb_ctl_run_for(g->ctl, 50);
	}
	return fdb_entries(g, br);
}
