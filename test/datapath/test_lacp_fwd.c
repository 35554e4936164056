/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 802.3ad through the real datapath, in one process (EAL --no-huge): two
 * dpbond bonds, bond0 = eth1 + eth2 and bond1 = eth3 + eth4, cabled to each
 * other by net_ring pairs (eth1-eth3, eth2-eth4); eth0 is on br0 with
 * bond0, eth5 on br1 with bond1. LACPDUs go worker -> punt ring -> LACP ->
 * inject ring -> worker -> cable. Both bonds must aggregate, carry traffic
 * both ways, and re-form on the survivor when a cable is pulled.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "dpb_cfg.h"
#include "dpb_ctl.h"
#include "dp_env.h"
#include "dp_frames.h"
#include "dpb_lacp_pdu.h"
#include "dpb_strbuf.h"

static struct rte_mempool *pool;
static struct rte_ring *host_rx[2], *host_tx[2];   /* eth0, eth5 */
static struct rte_ring *eth1_rx;                   /* bond0's eth1, from the wire */
static struct dpb_ctl *ctl;
static struct dpb_cfg cfg;

static void send_frames(unsigned int host, unsigned int n, uint8_t src_last)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint8_t f[64] = { 0x02, 0, 0, 0, 0x02, (uint8_t)(i & 1 ? 3 : 2),
				  0x02, 0, 0, 0, 0x01, src_last, 0x88, 0xb5 };

		assert_non_null(m);
		rte_memcpy(rte_pktmbuf_append(m, sizeof(f)), f, sizeof(f));
		assert_int_equal(rte_ring_enqueue(host_rx[host], m), 0);
	}
	dpb_ctl_run_for(ctl, 50);
}

static unsigned int received(unsigned int host)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(host_tx[host], (void **)&m) == 0) {
		if (rte_pktmbuf_mtod(m, const uint8_t *)[12] == 0x88)
			n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

static char *show(const char *bond)
{
	static char text[4096];
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_show_lacp(ctl, bond, &sb), 0);
	snprintf(text, sizeof(text), "%s", dpb_strbuf_str(&sb));
	dpb_strbuf_free(&sb);
	return text;
}

static unsigned int count(const char *text, const char *what)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

static void test_aggregate_and_traffic(void **state)
{
	(void)state;
	dpb_ctl_run_for(ctl, 5000);
	assert_int_equal(count(show("bond0"), "mux COLLECTING_DISTRIBUTING"), 2);
	assert_int_equal(count(show("bond1"), "mux COLLECTING_DISTRIBUTING"), 2);
	assert_int_equal(count(show("bond0"), "actor state 63, partner state 63"), 2);
	assert_non_null(strstr(show("bond0"), "active aggregator 1, 2 active ports"));
	/* net_ring cannot steer: bond1 fell back to the software path, whole. */
	assert_int_equal(count(show("bond1"), "slow protocols: software path"), 2);
	assert_int_equal(count(show("bond0"), "slow protocols: software path"), 2);
	{
		struct dpb_strbuf sb;
		const char *t;

		dpb_strbuf_init(&sb);
		assert_int_equal(dpb_ctl_show_bonding(ctl, "bond0", &sb), 0);
		t = dpb_strbuf_str(&sb);
		assert_non_null(strstr(t, "\nMII Status: up\n"));
		assert_non_null(strstr(t, "\n802.3ad info\nLACP active: on\nLACP rate: fast\n"
					  "Min links: 0\nAggregator selection policy (ad_select): stable\n"
					  "System priority: 65535\n"));
		assert_non_null(strstr(t, "Active Aggregator Info:\n\tAggregator ID: 1\n"
					  "\tNumber of ports: 2\n\tActor Key: 15\n\tPartner Key: 15\n"));
		assert_non_null(strstr(t, "Aggregator ID: 1\nActor Churn State: none\n"
					  "Partner Churn State: none\n"));
		assert_non_null(strstr(t, "    oper key: 15\n    port priority: 255\n"
					  "    port number: 2\n    port state: 63\n"));
		/* The partner is bond1, by its system id. */
		assert_non_null(strstr(t, "\tPartner Mac Address: 02:00:00:00:0b:01\n"));
		assert_non_null(strstr(t, "System MAC address: 02:00:00:00:0b:00\n"));
		dpb_strbuf_free(&sb);
	}
	received(0);
	received(1);
	send_frames(0, 40, 0x01);
	assert_int_equal(received(1), 40);
	send_frames(1, 40, 0x05);
	assert_int_equal(received(0), 40);
}

/*
 * Chained frames through the aggregate: 9014-byte frames in two segments and
 * in 64-byte pieces from eth0 cross bond0, a wire and bond1 to eth5 whole (the
 * member by the layer2 hash, the far end's 802.3ad receive looking for slow
 * protocols in them); a Marker PDU whose TLVs start in its second segment is
 * answered by bond0's Marker Responder.
 */
static void test_chained_frames(void **state)
{
	static const struct dp_shape shapes[] = {
		{ "2 segments", { 1000, 0 }, 0 }, { "64-byte pieces", { 0, 0 }, 64 },
	};
	static const struct dp_shape split = { "ethertype and subtype, then the rest", { 15, 0 }, 0 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0x01, 0x01 }, dst[6] = { 0x02, 0, 0, 0, 0x02, 0x09 };
	static uint8_t f[9014];
	const struct dpb_marker_pdu info = {
		.version = 1, .requester_port = 7,
		.requester_system = { { 0x02, 0, 0, 0, 0x0b, 0x07 } },
		.requester_transaction_id = 0x1234,
	};
	const struct dpb_mac partner = { { 0x02, 0, 0, 0, 0x0b, 0x07 } };
	uint8_t marker[DPB_SLOW_FRAME_LEN];
	struct rte_mbuf *m;

	(void)state;
	received(0);
	received(1);
	for (uint16_t seq = 0; seq < 16; seq++) {
		dp_udp_frame(f, sizeof(f), dst, src, seq);
		m = dp_chain(pool, f, sizeof(f), &shapes[seq & 1]);
		assert_non_null(m);
		assert_int_equal(rte_ring_enqueue(host_rx[0], m), 0);
		dpb_ctl_run_for(ctl, 10);
		assert_int_equal(rte_ring_dequeue(host_tx[1], (void **)&m), 0);
		assert_true(dp_mbuf_is(m, f, sizeof(f)));
		rte_pktmbuf_free(m);
		assert_int_equal(rte_ring_count(host_tx[1]), 0);
	}
	assert_non_null(strstr(show("bond0"), "markers rx 0 tx 0"));
	dpb_marker_encode(&info, &partner, marker);
	m = dp_chain(pool, marker, sizeof(marker), &split);
	assert_non_null(m);
	assert_int_equal(m->nb_segs, 2);
	assert_int_equal(rte_ring_enqueue(eth1_rx, m), 0);
	dpb_ctl_run_for(ctl, 50);
	assert_non_null(strstr(show("bond0"), "markers rx 1 tx 1"));
}

/* The bond's peer notification rounds so far, from show bonding. */
static unsigned long notify_rounds(const char *bond)
{
	struct dpb_strbuf sb;
	unsigned long rounds = 0;
	const char *line;

	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_show_bonding(ctl, bond, &sb), 0);
	line = strstr(dpb_strbuf_str(&sb), "Peer notifications (bridged MACs): ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "Peer notifications (bridged MACs): %lu rounds", &rounds), 1);
	dpb_strbuf_free(&sb);
	return rounds;
}

static void test_cable_pulled(void **state)
{
	struct dpb_strbuf sb;
	unsigned long rounds = notify_rounds("bond0");

	(void)state;
	dpb_strbuf_init(&sb);
	assert_int_equal(dpb_ctl_set_link(ctl, "eth2", false, &sb), 0);
	dpb_strbuf_free(&sb);
	/* bond0 sees its link go; bond1 hears no more LACPDUs on eth4 (3 s). */
	dpb_ctl_run_for(ctl, 4500);
	assert_int_equal(count(show("bond0"), "mux COLLECTING_DISTRIBUTING"), 1);
	assert_int_equal(count(show("bond1"), "mux COLLECTING_DISTRIBUTING"), 1);
	assert_true(strstr(show("bond1"), "eth4: rx EXPIRED") != NULL ||
		    strstr(show("bond1"), "eth4: rx DEFAULTED") != NULL);
	/* An 802.3ad member lost: bond0 announced eth0's MACs through the survivor. */
	assert_true(notify_rounds("bond0") > rounds);
	received(0);
	received(1);
	send_frames(0, 40, 0x01);
	assert_int_equal(received(1), 40);
	send_frames(1, 40, 0x05);
	assert_int_equal(received(0), 40);
}

static int setup(void **state)
{
	struct rte_ring *wire[4];
	/* eth0..eth5: rx ring, tx ring. Members' wires: eth1<->eth3, eth2<->eth4. */
	struct rte_ring *rx[6], *tx[6], *spare[2];
	char text[2048] = "";

	(void)state;
	if (dp_eal_init("lacp_fwd", NULL) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	for (unsigned int i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "wire%u", i);
		wire[i] = rte_ring_create(name, 1024, 0, 0);
	}
	for (unsigned int h = 0; h < 2; h++) {
		char name[16];

		snprintf(name, sizeof(name), "hrx%u", h);
		host_rx[h] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "htx%u", h);
		host_tx[h] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	}
	rx[0] = host_rx[0]; tx[0] = host_tx[0];
	rx[5] = host_rx[1]; tx[5] = host_tx[1];
	rx[1] = wire[0]; tx[1] = wire[1];   /* eth1 */
	eth1_rx = wire[0];
	rx[3] = wire[1]; tx[3] = wire[0];   /* eth3: the other end */
	rx[2] = wire[2]; tx[2] = wire[3];   /* eth2 */
	rx[4] = wire[3]; tx[4] = wire[2];   /* eth4 */
	/*
	 * eth3 has two queue pairs, so bond1's dedicated LACP queue gets as far
	 * as rte_flow (which net_ring lacks) before eth3 is put back as it was.
	 */
	spare[0] = rte_ring_create("spare_rx", 64, 0, 0);
	spare[1] = rte_ring_create("spare_tx", 64, 0, 0);
	for (unsigned int p = 0; p < 6; p++) {
		struct rte_ring *rxs[2] = { rx[p], spare[0] }, *txs[2] = { tx[p], spare[1] };
		unsigned int nq = p == 3 ? 2 : 1;
		char name[32];

		snprintf(name, sizeof(name), "net_ring_eth%u", p);
		if (rte_eth_from_rings(name, rxs, nq, txs, nq, 0) != (int)p)
			return -1;
	}
	for (unsigned int p = 0; p < 6; p++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "iface eth%u inet manual\n  mtu 9000\n", p);
	/* net_ring ports have no MAC address: the bonds get system ids. */
	strncat(text, "iface bond0 inet manual\n  bond-slaves eth1 eth2\n  bond-mode 802.3ad\n  mtu 9000\n"
	      "  bond-miimon 100\n  bond-lacp-rate fast\n  bond-ad-actor-system 02:00:00:00:0b:00\n"
	      "iface bond1 inet manual\n  bond-slaves eth3 eth4\n  bond-mode 802.3ad\n  mtu 9000\n"
	      "  bond-miimon 100\n  bond-lacp-rate fast\n  bond-ad-actor-system 02:00:00:00:0b:01\n"
	      "  bond-lacp-dedicated-queue yes\n"
	      "iface br0 inet manual\n  bridge-ports eth0 bond0\n"
	      "iface br1 inet manual\n  bridge-ports eth5 bond1\n", sizeof(text) - strlen(text) - 1);
	if (dp_cfg_load(&cfg, text) < 0)
		return -1;
	ctl = dpb_ctl_create(&cfg);
	return ctl ? 0 : -1;
}

/* Last: every mbuf back and none freed twice. */
static void test_every_mbuf_back(void **state)
{
	(void)state;
	received(0);
	received(1);
	/* Frames left on the wires are the test pool's or dpbond's: destroy frees them. */
	assert_int_equal(dp_finish(&ctl, pool), 0);
}

static int teardown(void **state)
{
	(void)state;
	return dp_teardown(&ctl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregate_and_traffic),
		cmocka_unit_test(test_chained_frames),
		cmocka_unit_test(test_cable_pulled),
		cmocka_unit_test(test_every_mbuf_back),
	};

	return cmocka_run_group_tests_name("lacp_fwd", tests, setup, teardown);
}
