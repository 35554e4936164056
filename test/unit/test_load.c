/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's load figures and `show worker stats` text, from raw counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dpb_load.h"

static void test_figures(void **state)
{
	/* 100 frames in 4 bursts, in 250 busy cycles of 1000 */
	struct dpb_load l = { .polls = 10, .rx_bursts = 4, .rx_pkts = 100, .tx_pkts = 90,
			      .busy_tsc = 250, .idle_tsc = 750 };
	struct dpb_load_figures f;

	(void)state;
	dpb_load_figures(&l, &f);
	assert_int_equal(f.busy_pct_x100, 2500);
	assert_int_equal(f.idle_pct_x100, 7500);
	assert_int_equal(f.pkts_per_burst_x100, 2500);
	assert_int_equal(f.tsc_per_pkt_x100, 250);
}

static void test_rounding(void **state)
{
	struct dpb_load l = { .rx_bursts = 3, .rx_pkts = 2, .busy_tsc = 2, .idle_tsc = 1 };
	struct dpb_load_figures f;

	(void)state;
	/* 66.666..% busy rounds up, and busy + idle is still 100 % */
	dpb_load_figures(&l, &f);
	assert_int_equal(f.busy_pct_x100, 6667);
	assert_int_equal(f.idle_pct_x100, 3333);
	assert_int_equal(f.pkts_per_burst_x100, 67);   /* 0.666... */
	assert_int_equal(f.tsc_per_pkt_x100, 100);
	/* a half rounds up: 1 of 8 is 12.5 %, 1/8 frame a burst 0.125 */
	l = (struct dpb_load){ .rx_bursts = 8, .rx_pkts = 1, .busy_tsc = 1, .idle_tsc = 7 };
	dpb_load_figures(&l, &f);
	assert_int_equal(f.busy_pct_x100, 1250);
	assert_int_equal(f.pkts_per_burst_x100, 13);
	/* a full burst every time: 32.00; one frame over: 16.50 */
	l = (struct dpb_load){ .rx_bursts = 1, .rx_pkts = 32 };
	dpb_load_figures(&l, &f);
	assert_int_equal(f.pkts_per_burst_x100, 3200);
	l.rx_bursts = 2;
	l.rx_pkts = 33;
	dpb_load_figures(&l, &f);
	assert_int_equal(f.pkts_per_burst_x100, 1650);
}

static void test_nothing_yet(void **state)
{
	struct dpb_load l = { 0 };
	struct dpb_load_figures f;

	(void)state;
	/* no cycles, no burst, no frame: every figure 0, none divides by 0 */
	dpb_load_figures(&l, &f);
	assert_int_equal(f.busy_pct_x100, 0);
	assert_int_equal(f.idle_pct_x100, 0);
	assert_int_equal(f.pkts_per_burst_x100, 0);
	assert_int_equal(f.tsc_per_pkt_x100, 0);
	/* only idle: 0 % busy, 100 % idle */
	l.idle_tsc = 12345;
	l.polls = 7;
	dpb_load_figures(&l, &f);
	assert_int_equal(f.busy_pct_x100, 0);
	assert_int_equal(f.idle_pct_x100, 10000);
}

static void test_years_of_cycles(void **state)
{
	/* ten years at 3 GHz, a quarter busy: times 10000 would wrap 64 bits */
	uint64_t ten_years = 3000000000ull * 86400 * 3650;
	struct dpb_load l = { .busy_tsc = ten_years / 4, .idle_tsc = ten_years - ten_years / 4,
			      .rx_pkts = ten_years / 400, .rx_bursts = ten_years / 12800 };
	struct dpb_load_figures f;

	(void)state;
	dpb_load_figures(&l, &f);
	assert_int_equal(f.busy_pct_x100, 2500);
	assert_int_equal(f.idle_pct_x100, 7500);
	assert_int_equal(f.tsc_per_pkt_x100, 10000);
	assert_int_equal(f.pkts_per_burst_x100, 3200);
}

static void test_since_clear(void **state)
{
	struct dpb_load now = { 110, 14, 420, 400, 9000, 21000, 5 };
	struct dpb_load base = { 10, 4, 20, 0, 1000, 1000, 5 };
	struct dpb_load d;

	(void)state;
	dpb_load_sub(&now, &base, &d);
	assert_int_equal(d.polls, 100);
	assert_int_equal(d.rx_bursts, 10);
	assert_int_equal(d.rx_pkts, 400);
	assert_int_equal(d.tx_pkts, 400);
	assert_int_equal(d.busy_tsc, 8000);
	assert_int_equal(d.idle_tsc, 20000);
	assert_int_equal(d.ctl_tsc, 0);
	/* in place, and the base itself gives zeros */
	dpb_load_sub(&now, &now, &now);
	assert_int_equal(now.polls + now.rx_bursts + now.rx_pkts + now.tx_pkts + now.busy_tsc +
			 now.idle_tsc + now.ctl_tsc, 0);
}

static void test_text(void **state)
{
	struct dpb_load l = { .polls = 1000, .rx_bursts = 4, .rx_pkts = 100, .tx_pkts = 98,
			      .busy_tsc = 2, .idle_tsc = 1, .ctl_tsc = 77 };
	struct dpb_strbuf sb;

	(void)state;
	dpb_strbuf_init(&sb);
	dpb_load_show(1, 2, false, &l, &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "worker 1 (lcore 2):\n"
			    "  polls: 1000\n"
			    "  rx packets: 100\n"
			    "  tx packets: 98\n"
			    "  rx bursts: 4\n"
			    "  packets per burst: 25.00\n"
			    "  busy cycles: 2 (66.67 %)\n"
			    "  idle cycles: 1 (33.33 %)\n"
			    "  cycles per packet: 0.02\n");
	dpb_strbuf_reset(&sb);
	/* the main lcore forwarding itself: its control work apart */
	dpb_load_show(0, 0, true, &l, &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "worker 0 (main lcore 0, between its control work):\n"
			    "  polls: 1000\n"
			    "  rx packets: 100\n"
			    "  tx packets: 98\n"
			    "  rx bursts: 4\n"
			    "  packets per burst: 25.00\n"
			    "  busy cycles: 2 (66.67 %)\n"
			    "  idle cycles: 1 (33.33 %)\n"
			    "  cycles per packet: 0.02\n"
			    "  control cycles: 77 (neither busy nor idle)\n");
	dpb_strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_nothing_yet),
		cmocka_unit_test(test_years_of_cycles),
		cmocka_unit_test(test_since_clear),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
