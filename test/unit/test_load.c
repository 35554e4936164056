/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's load figures and `show worker stats` text, from raw counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dpb_load.h"

/* The figures of @l must be these (hundredths). */
static void expect(const struct dpb_load *l, uint64_t busy, uint64_t idle, uint64_t per_burst,
		   uint64_t per_pkt)
{
	struct dpb_load_figures f;

	dpb_load_figures(l, &f);
	assert_int_equal(f.busy_pct_x100, busy);
	assert_int_equal(f.idle_pct_x100, idle);
	assert_int_equal(f.pkts_per_burst_x100, per_burst);
	assert_int_equal(f.tsc_per_pkt_x100, per_pkt);
}

static void test_figures(void **state)
{
	/* 100 frames in 4 bursts, in 250 busy cycles of 1000 */
	struct dpb_load l = { .polls = 10, .rx_bursts = 4, .rx_pkts = 100, .tx_pkts = 90,
			      .busy_tsc = 250, .idle_tsc = 750 };

	(void)state;
	expect(&l, 2500, 7500, 2500, 250);
}

static void test_rounding(void **state)
{
	struct dpb_load l = { .rx_bursts = 3, .rx_pkts = 2, .busy_tsc = 2, .idle_tsc = 1 };

	(void)state;
	/* 66.666..% busy rounds up, and busy + idle is still 100 %; 0.666... frames a burst */
	expect(&l, 6667, 3333, 67, 100);
	/* a half rounds up: 1 of 8 is 12.5 %, 1/8 frame a burst 0.125, 2948.915 cycles a frame */
	l = (struct dpb_load){ .rx_bursts = 8, .rx_pkts = 1, .busy_tsc = 1, .idle_tsc = 7 };
	expect(&l, 1250, 8750, 13, 100);
	l = (struct dpb_load){ .rx_bursts = 32, .rx_pkts = 1000, .busy_tsc = 2948915 };
	expect(&l, 10000, 0, 3125, 294892);
	/* a full burst every time: 32.00; one frame over: 16.50 */
	l = (struct dpb_load){ .rx_bursts = 1, .rx_pkts = 32 };
	expect(&l, 0, 0, 3200, 0);
	l.rx_bursts = 2;
	l.rx_pkts = 33;
	expect(&l, 0, 0, 1650, 0);
}

static void test_nothing_yet(void **state)
{
	struct dpb_load l = { 0 };

	(void)state;
	/* no cycles, no burst, no frame: every figure 0, none divides by 0 */
	expect(&l, 0, 0, 0, 0);
	/* only idle: 0 % busy, 100 % idle */
	l.idle_tsc = 12345;
	l.polls = 7;
	expect(&l, 0, 10000, 0, 0);
}

static void test_years_of_cycles(void **state)
{
	/* ten years at 3 GHz, a quarter busy: times 10000 would wrap 64 bits */
	uint64_t ten_years = 3000000000ull * 86400 * 3650;
	struct dpb_load l = { .busy_tsc = ten_years / 4, .idle_tsc = ten_years - ten_years / 4,
			      .rx_pkts = ten_years / 400, .rx_bursts = ten_years / 12800 };

	(void)state;
	expect(&l, 2500, 7500, 3200, 10000);
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

/* The lines every worker has, for the counts of test_text. */
#define BODY \
	"  polls: 1000\n" \
	"  rx packets: 100\n" \
	"  tx packets: 98\n" \
	"  rx bursts: 4\n" \
	"  packets per burst: 25.00\n" \
	"  busy cycles: 2 (66.67 %)\n" \
	"  idle cycles: 1 (33.33 %)\n" \
	"  cycles per packet: 0.02\n"

static void test_text(void **state)
{
	struct dpb_load l = { .polls = 1000, .rx_bursts = 4, .rx_pkts = 100, .tx_pkts = 98,
			      .busy_tsc = 2, .idle_tsc = 1, .ctl_tsc = 77 };
	struct dpb_strbuf sb;

	(void)state;
	dpb_strbuf_init(&sb);
	dpb_load_show(1, 2, false, &l, &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "worker 1 (lcore 2):\n" BODY);
	dpb_strbuf_reset(&sb);
	/* the main lcore forwarding itself: its control work apart */
	dpb_load_show(0, 0, true, &l, &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "worker 0 (main lcore 0, between its control work):\n" BODY
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
