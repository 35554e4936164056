/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two dpbond LACP actors back to back, in simulated milliseconds: A's port
 * i is cabled to B's port i. Convergence, fast and slow rates (the
 * short-timeout bit really sent), passive ends, a partner timing out, and a
 * partner changing its key.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_lacp.h"

#define N 3
#define QMAX 64

struct end {
	struct dpb_lacp *l;
	struct { unsigned int port; struct dpb_lacpdu pdu; } q[QMAX];  /* sent, to deliver */
	unsigned int nq;
	unsigned int sent[N];
	bool cable_cut[N];
	bool mute;             /* its LACPDUs are lost (a partner gone silent) */
};

static struct end a, b;
static uint64_t now;

static void send_cb(void *ctx, unsigned int port, const struct dpb_lacpdu *pdu)
{
	struct end *e = ctx;

	assert_true(port < N);
	e->sent[port]++;
	if (e->nq < QMAX && !e->mute && !e->cable_cut[port]) {
		e->q[e->nq].port = port;
		e->q[e->nq].pdu = *pdu;
		e->nq++;
	}
}

static void deliver(struct end *from, struct end *to)
{
	for (unsigned int i = 0; i < from->nq; i++)
		dpb_lacp_rx(to->l, from->q[i].port, &from->q[i].pdu, now);
	from->nq = 0;
}

static bool independent;   /* make() builds ends with independent control */

static void make_sel(struct end *e, uint8_t id, bool active, bool fast, uint16_t key,
		     enum dpb_lacp_ad_select sel, const uint32_t *speeds)
{
	struct dpb_lacp_params p = {
		.system_priority = 65535, .system = { { 0x02, 0, 0, 0, 0, id } },
		.active = active, .fast = fast, .user_port_key = key, .ad_select = sel,
		.independent_control = independent,
	};

	memset(e, 0, sizeof(*e));
	e->l = dpb_lacp_create(&p, send_cb, e);
	assert_non_null(e->l);
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(dpb_lacp_add_port(e->l, i, 255), 0);
		dpb_lacp_port_link(e->l, i, true, speeds ? speeds[i] : 10000, true, 0);
	}
}

static void make(struct end *e, uint8_t id, bool active, bool fast, uint16_t key)
{
	make_sel(e, id, active, fast, key, DPB_LACP_AD_SELECT_STABLE, NULL);
}

/* Runs both ends for @ms in 100 ms ticks, delivering what they send. */
static void run(unsigned int ms)
{
	for (unsigned int t = 0; t < ms; t += 100) {
		now += 100;
		dpb_lacp_tick(a.l, now);
		dpb_lacp_tick(b.l, now);
		deliver(&a, &b);
		deliver(&b, &a);
	}
}

static bool both_distributing(struct end *e)
{
	for (unsigned int i = 0; i < N; i++)
		if (!dpb_lacp_collecting(e->l, i) || !dpb_lacp_distributing(e->l, i))
			return false;
	return true;
}

static int teardown(void **state)
{
	(void)state;
	dpb_lacp_destroy(a.l);
	dpb_lacp_destroy(b.l);
	return 0;
}

static void test_converge_fast(void **state)
{
	struct dpb_lacp_port_status st;
	uint64_t start;

	(void)state;
	now = 0;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	run(3000);
	assert_true(both_distributing(&a));
	assert_true(both_distributing(&b));
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	assert_int_equal(dpb_lacp_port_status(a.l, 1, &st), 0);
	assert_int_equal(st.mux, DPB_LACP_MUX_COLLECTING_DISTRIBUTING);
	assert_int_equal(st.rx, DPB_LACP_RX_CURRENT);
	assert_int_equal(st.aggregator, 1);       /* both ports in one aggregator */
	assert_int_equal(st.actor.key, 15);       /* 10G full duplex */
	assert_int_equal(st.actor.state, 0x3f);   /* 63, as Linux shows a fast LAG */
	assert_int_equal(st.partner.system.b[5], 0x20);
	assert_int_equal(st.partner.port, 2);
	assert_int_equal(st.partner.state, 0x3f);
	assert_string_equal(dpb_lacp_mux_state_name(st.mux), "COLLECTING_DISTRIBUTING");
	/* Steady state at fast rate: one LACPDU per second per port. */
	start = a.sent[0];
	run(10000);
	assert_true(a.sent[0] - start >= 9 && a.sent[0] - start <= 11);
}

static void test_slow_rate(void **state)
{
	struct dpb_lacp_port_status st;
	unsigned int start;

	(void)state;
	now = 0;
	make(&a, 0x10, true, false, 0);
	make(&b, 0x20, true, false, 0);
	run(5000);
	assert_true(both_distributing(&a));
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.actor.state, 0x3d);   /* 61: slow */
	assert_int_equal(st.periodic, DPB_LACP_PERIODIC_SLOW_PERIODIC);
	start = a.sent[0];
	run(60000);
	assert_int_equal(a.sent[0] - start, 2);   /* every 30 s */
}

static void test_passive(void **state)
{
	(void)state;
	now = 0;
	make(&a, 0x10, false, true, 0);
	make(&b, 0x20, true, true, 0);
	run(5000);
	assert_true(both_distributing(&a));   /* passive answers an active partner */
	teardown(NULL);
	make(&a, 0x10, false, true, 0);
	make(&b, 0x20, false, true, 0);
	run(10000);
	assert_false(dpb_lacp_distributing(a.l, 0));   /* two passive ends never aggregate */
	assert_false(dpb_lacp_distributing(b.l, 0));
}

static void test_partner_times_out(void **state)
{
	struct dpb_lacp_port_status st;

	(void)state;
	now = 0;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	run(3000);
	assert_true(both_distributing(&a));
	/* B falls silent: A asked for short timeouts, so 3 s after B's last
	 * LACPDU (sent at most 1 s before it fell silent) A expires it. */
	b.mute = true;
	run(1900);
	assert_true(dpb_lacp_distributing(a.l, 0));
	run(1200);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.rx, DPB_LACP_RX_EXPIRED);
	assert_false(dpb_lacp_distributing(a.l, 0));
	run(3000);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.rx, DPB_LACP_RX_DEFAULTED);
	assert_int_equal(st.partner.state, DPB_LACP_STATE_ACTIVITY);   /* Linux's "1" */
	/* B speaks again: the aggregate re-forms. */
	b.mute = false;
	run(4000);
	assert_true(both_distributing(&a));
}

static void test_slow_partner_times_out_long(void **state)
{
	(void)state;
	now = 0;
	make(&a, 0x10, true, false, 0);
	make(&b, 0x20, true, false, 0);
	run(5000);
	b.mute = true;
	run(85000);
	assert_true(dpb_lacp_distributing(a.l, 0));   /* long timeout: 90 s */
	run(6000);
	assert_false(dpb_lacp_distributing(a.l, 0));
}

static void test_link_loss_and_key_change(void **state)
{
	struct dpb_lacp_port_status st;

	(void)state;
	now = 0;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	run(3000);
	/* A's port 1 loses its link: it leaves, port 0 carries on. */
	dpb_lacp_port_link(a.l, 1, false, 0, true, now);
	b.cable_cut[1] = true;
	run(200);
	assert_false(dpb_lacp_distributing(a.l, 1));
	assert_true(dpb_lacp_distributing(a.l, 0));
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	/* Detached, port 1 has an aggregator of its own (Linux's /proc then
	 * counts one port fewer in the active aggregator), and comes back into
	 * aggregator 1 with its link. */
	dpb_lacp_port_status(a.l, 1, &st);
	assert_int_equal(st.mux, DPB_LACP_MUX_DETACHED);
	assert_int_equal(st.aggregator, 2);
	assert_int_equal(dpb_lacp_active_ports(a.l), N - 1);
	dpb_lacp_port_link(a.l, 1, true, 10000, true, now);
	b.cable_cut[1] = false;
	run(3000);
	dpb_lacp_port_status(a.l, 1, &st);
	assert_int_equal(st.aggregator, 1);
	assert_true(dpb_lacp_distributing(a.l, 1));
	/* B's port 0 comes back at another speed: new key; A re-selects. Port
	 * 0 leaves for an aggregator of its own; aggregator 1 keeps its name
	 * and ports 1-2 (ad_select stable), which carry on undisturbed. */
	dpb_lacp_port_link(b.l, 0, true, 1000, true, now);
	run(4000);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.partner.key, 9);    /* 1G full duplex */
	assert_int_equal(st.aggregator, 2);
	assert_false(dpb_lacp_distributing(a.l, 0));
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	assert_true(dpb_lacp_distributing(a.l, 1) && dpb_lacp_distributing(a.l, 2));
	assert_int_equal(dpb_lacp_port_status(a.l, 9, &st), -EINVAL);
}

/*
 * The port an aggregator was named after loses its link: the others stay in
 * that aggregator and never stop distributing (a move would detach them and
 * cost them the wait-while timer: seconds without a link).
 */
static void test_first_port_lost(void **state)
{
	struct dpb_lacp_port_status st;

	(void)state;
	now = 0;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	run(3000);
	assert_true(both_distributing(&a));
	dpb_lacp_port_link(a.l, 0, false, 0, true, now);
	b.cable_cut[0] = true;
	for (unsigned int t = 0; t < 50; t++) {
		run(100);
		assert_true(dpb_lacp_distributing(a.l, 1) && dpb_lacp_distributing(a.l, 2));
	}
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.aggregator, 2);   /* one of its own, the first free */
	assert_int_equal(dpb_lacp_active_ports(a.l), 2);
	/* Back: it joins aggregator 1 again. */
	dpb_lacp_port_link(a.l, 0, true, 10000, true, now);
	b.cable_cut[0] = false;
	run(3000);
	assert_true(both_distributing(&a));
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.aggregator, 1);
}

static void test_no_more_than_three_per_second(void **state)
{
	unsigned int start;

	(void)state;
	now = 0;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	run(3000);
	start = a.sent[0];
	/* Flapping B's key every tick would call for a LACPDU each time. */
	for (unsigned int t = 0; t < 10; t++) {
		dpb_lacp_port_link(b.l, 0, true, t & 1 ? 1000 : 10000, true, now);
		run(100);
	}
	assert_true(a.sent[0] - start <= 3 + 3);
}

static void test_churn(void **state)
{
	struct dpb_lacp_port_status st;

	(void)state;
	now = 0;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	run(3000);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.actor_churn, DPB_LACP_NO_CHURN);
	assert_int_equal(st.partner_churn, DPB_LACP_NO_CHURN);
	assert_string_equal(dpb_lacp_churn_state_name(st.partner_churn), "none");
	teardown(NULL);
	/* A partner that never speaks: monitoring for 60 s, then churned. */
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	b.mute = true;
	run(59000);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_string_equal(dpb_lacp_churn_state_name(st.partner_churn), "monitoring");
	run(2000);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_string_equal(dpb_lacp_churn_state_name(st.partner_churn), "churned");
	assert_int_equal(st.partner_churned, 1);
	assert_int_equal(st.actor_churn, DPB_LACP_NO_CHURN);  /* we are attached */
	/* No partner: each port its own aggregator; the active one's port
	 * carries traffic anyway (a switch without LACP), as in Linux. */
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	assert_true(dpb_lacp_enabled_without_partner(a.l, 0));
	assert_false(dpb_lacp_enabled_without_partner(a.l, 1));
	assert_false(dpb_lacp_distributing(a.l, 0));
	/* The partner appears: churn ends. */
	b.mute = false;
	run(4000);
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.partner_churn, DPB_LACP_NO_CHURN);
	assert_false(dpb_lacp_enabled_without_partner(a.l, 0));
}

/* B's port 0 runs at 10G, ports 1-2 at 1G: two aggregators on each side,
 * {port 1} with more bandwidth and {ports 2, 3} with more ports. */
static void test_ad_select(void **state)
{
	static const uint32_t speeds[N] = { 10000, 1000, 1000 };

	(void)state;
	now = 0;
	make_sel(&a, 0x10, true, true, 0, DPB_LACP_AD_SELECT_BANDWIDTH, speeds);
	make_sel(&b, 0x20, true, true, 0, DPB_LACP_AD_SELECT_BANDWIDTH, speeds);
	run(4000);
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	assert_true(dpb_lacp_distributing(a.l, 0));
	assert_false(dpb_lacp_distributing(a.l, 1));
	assert_int_equal(dpb_lacp_active_ports(a.l), 1);
	teardown(NULL);
	make_sel(&a, 0x10, true, true, 0, DPB_LACP_AD_SELECT_COUNT, speeds);
	make_sel(&b, 0x20, true, true, 0, DPB_LACP_AD_SELECT_COUNT, speeds);
	run(4000);
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 2);
	assert_false(dpb_lacp_distributing(a.l, 0));
	assert_true(dpb_lacp_distributing(a.l, 1));
	assert_true(dpb_lacp_distributing(a.l, 2));
	assert_int_equal(dpb_lacp_active_ports(a.l), 2);
	assert_string_equal(dpb_lacp_ad_select_name(DPB_LACP_AD_SELECT_COUNT), "count");
}

/*
 * A's ports hear other systems (hand-made LACPDUs, B is not used): @sys[i]
 * on port i, 0 for silence; an individual partner (no aggregation bit) where
 * @indiv[i]. Each partner has A's port right and is in sync.
 */
static void hear(const uint8_t *sys, const bool *indiv)
{
	for (unsigned int i = 0; i < N; i++) {
		struct dpb_lacp_port_status st;
		struct dpb_lacpdu pdu = { .version = 1 };

		if (!sys[i])
			continue;
		dpb_lacp_port_status(a.l, i, &st);
		pdu.actor = (struct dpb_lacp_info){
			.system_priority = 32768, .system = { { 0x02, 0, 0, 0, 0x0a, sys[i] } },
			.key = 7, .port_priority = 255, .port = (uint16_t)(i + 1),
			.state = DPB_LACP_STATE_ACTIVITY | DPB_LACP_STATE_SYNCHRONIZATION |
				 DPB_LACP_STATE_COLLECTING | DPB_LACP_STATE_DISTRIBUTING |
				 (indiv[i] ? 0 : DPB_LACP_STATE_AGGREGATION),
		};
		pdu.partner = st.actor;
		dpb_lacp_rx(a.l, i, &pdu, now);
	}
}

static void run_hearing(unsigned int ms, const uint8_t *sys, const bool *indiv)
{
	for (unsigned int t = 0; t < ms; t += 100) {
		now += 100;
		dpb_lacp_tick(a.l, now);
		a.nq = 0;
		hear(sys, indiv);
	}
}

/*
 * Ports that hear different partners are in different aggregators; which is
 * active is Linux's choice (ad_agg_selection_test): one that can aggregate
 * over an individual one, then one whose partner answers, then the lowest.
 * With ad_select stable, an active aggregator without a partner gives way
 * to one with a partner.
 */
static void test_partners_apart(void **state)
{
	static const uint8_t three[N] = { 1, 2, 3 }, only_last[N] = { 0, 0, 3 };
	static const bool first_indiv[N] = { true, false, false }, none[N] = { false };
	struct dpb_lacp_port_status st[N];

	(void)state;
	now = 0;
	/* bandwidth: chosen afresh each time (stable keeps what it first chose,
	 * before any partner answered, as Linux's stable does). */
	make_sel(&a, 0x10, true, false, 0, DPB_LACP_AD_SELECT_BANDWIDTH, NULL);
	make(&b, 0x20, true, false, 0);
	run_hearing(4000, three, first_indiv);
	for (unsigned int i = 0; i < N; i++)
		dpb_lacp_port_status(a.l, i, &st[i]);
	assert_int_equal(st[0].aggregator, 1);
	assert_int_equal(st[1].aggregator, 2);
	assert_int_equal(st[2].aggregator, 3);
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 2);   /* not the individual port's */
	assert_false(dpb_lacp_distributing(a.l, 0));
	assert_true(dpb_lacp_distributing(a.l, 1));
	assert_false(dpb_lacp_distributing(a.l, 2));
	teardown(NULL);

	/* Two partners that aggregate: the lower aggregator, the other port unused. */
	make(&a, 0x10, true, false, 0);
	make(&b, 0x20, true, false, 0);
	run_hearing(4000, three, none);
	assert_int_equal(dpb_lacp_active_aggregator(a.l), 1);
	assert_true(dpb_lacp_distributing(a.l, 0));
	assert_false(dpb_lacp_distributing(a.l, 1));
	teardown(NULL);

	/* stable: silence everywhere, then a partner on port 3 only. */
	make(&a, 0x10, true, false, 0);
	make(&b, 0x20, true, false, 0);
	run_hearing(4000, (const uint8_t[N]){ 0 }, none);
	assert_int_not_equal(dpb_lacp_active_aggregator(a.l), 0);
	run_hearing(4000, only_last, none);
	dpb_lacp_port_status(a.l, 2, &st[2]);
	assert_int_equal(dpb_lacp_active_aggregator(a.l), st[2].aggregator);
	assert_true(dpb_lacp_distributing(a.l, 2));
}

/* Independent control: collecting first, distributing once the partner collects. */
static void test_independent_control(void **state)
{
	struct dpb_lacp_port_status st;
	bool saw_collecting_only = false;

	(void)state;
	now = 0;
	independent = true;
	make(&a, 0x10, true, true, 0);
	make(&b, 0x20, true, true, 0);
	independent = false;
	for (int t = 0; t < 50; t++) {
		run(100);
		if (dpb_lacp_collecting(a.l, 0) && !dpb_lacp_distributing(a.l, 0))
			saw_collecting_only = true;
	}
	assert_true(saw_collecting_only);
	assert_true(both_distributing(&a));
	dpb_lacp_port_status(a.l, 0, &st);
	assert_int_equal(st.mux, DPB_LACP_MUX_DISTRIBUTING);
	assert_int_equal(st.actor.state, 0x3f);
	/* The partner stops collecting (its mux falls back): we stop distributing. */
	b.mute = true;
	run(3500);
	assert_false(dpb_lacp_distributing(a.l, 0));
}

static void test_marker_responder(void **state)
{
	struct dpb_marker_pdu in = { .version = 1, .requester_port = 7,
				     .requester_system = { { 2, 0, 0, 0, 0, 0x99 } },
				     .requester_transaction_id = 42 }, out;

	(void)state;
	assert_int_equal(dpb_marker_respond(&in, &out), 0);
	assert_true(out.response);
	assert_int_equal(out.requester_port, 7);
	assert_int_equal(out.requester_transaction_id, 42);
	assert_memory_equal(out.requester_system.b, in.requester_system.b, 6);
	assert_int_equal(dpb_marker_respond(&out, &in), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_converge_fast, teardown),
		cmocka_unit_test_teardown(test_slow_rate, teardown),
		cmocka_unit_test_teardown(test_passive, teardown),
		cmocka_unit_test_teardown(test_partner_times_out, teardown),
		cmocka_unit_test_teardown(test_slow_partner_times_out_long, teardown),
		cmocka_unit_test_teardown(test_link_loss_and_key_change, teardown),
		cmocka_unit_test_teardown(test_first_port_lost, teardown),
		cmocka_unit_test_teardown(test_no_more_than_three_per_second, teardown),
		cmocka_unit_test_teardown(test_churn, teardown),
		cmocka_unit_test_teardown(test_ad_select, teardown),
		cmocka_unit_test_teardown(test_partners_apart, teardown),
		cmocka_unit_test(test_marker_responder),
		cmocka_unit_test_teardown(test_independent_control, teardown),
	};

	return cmocka_run_group_tests_name("lacp", tests, NULL, NULL);
}
