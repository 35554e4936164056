/* SPDX-License-Identifier: BSD-3-Clause */
/* The message rate limiter, on a fake clock in milliseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dpb_ratelimit.h"

/* Offers @n messages at @now; @return how many were allowed, the last
 * allowed one's suppressed count in *sup (untouched when none). */
static unsigned int offer(struct dpb_ratelimit *rl, uint64_t now, unsigned int n, uint32_t *sup)
{
	unsigned int allowed = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t s = UINT32_MAX;

		if (dpb_ratelimit_allow(rl, now, &s)) {
			allowed++;
			*sup = s;
		} else {
			assert_int_equal(s, UINT32_MAX);  /* untouched when refused */
		}
	}
	return allowed;
}

static void test_burst_then_suppressed(void **state)
{
	struct dpb_ratelimit rl = DPB_RATELIMIT_INIT(1000, 5);
	uint32_t sup = 99;

	(void)state;
	assert_int_equal(offer(&rl, 5000, 1, &sup), 1);
	assert_int_equal(sup, 0);
	/* the same window, 999 ms on: four more, then nothing */
	assert_int_equal(offer(&rl, 5500, 4, &sup), 4);
	assert_int_equal(sup, 0);
	assert_int_equal(offer(&rl, 5999, 20, &sup), 0);
	assert_int_equal(rl.n_suppressed, 20);
	/* the window ends at 6000: the first message there reports the 20 */
	assert_int_equal(offer(&rl, 6000, 1, &sup), 1);
	assert_int_equal(sup, 20);
	assert_int_equal(offer(&rl, 6001, 4, &sup), 4);
	assert_int_equal(sup, 0);  /* reported once only */
	assert_int_equal(offer(&rl, 6002, 3, &sup), 0);
}

static void test_quiet_site_never_reports(void **state)
{
	struct dpb_ratelimit rl = DPB_RATELIMIT_INIT(1000, 2);
	uint32_t sup = 99;

	(void)state;
	/* one message a second for a minute: every one through, none held back */
	for (uint64_t t = 0; t < 60000; t += 1000) {
		assert_int_equal(offer(&rl, t, 1, &sup), 1);
		assert_int_equal(sup, 0);
	}
}

static void test_steady_flood_bounded(void **state)
{
	struct dpb_ratelimit rl = DPB_RATELIMIT_INIT(1000, 5);
	unsigned int allowed = 0, reported = 0;
	uint32_t sup = 0;

	(void)state;
	/* a frame every millisecond for 10 s: 5 a second get through, and
	 * what was held back is all reported (but the last window's) */
	for (uint64_t t = 0; t < 10000; t++) {
		sup = 0;
		if (offer(&rl, t, 1, &sup)) {
			allowed++;
			reported += sup;
		}
	}
	assert_int_equal(allowed, 50);
	assert_int_equal(reported + rl.n_suppressed, 10000 - 50);
	assert_int_equal(rl.n_suppressed, 995);
}

static void test_clock_backwards_new_window(void **state)
{
	struct dpb_ratelimit rl = DPB_RATELIMIT_INIT(1000, 1);
	uint32_t sup = 0;

	(void)state;
	assert_int_equal(offer(&rl, 10000, 3, &sup), 1);
	/* a clock that went back (a test's injected clock reset) starts over */
	assert_int_equal(offer(&rl, 50, 1, &sup), 1);
	assert_int_equal(sup, 2);
	assert_int_equal(offer(&rl, 1049, 1, &sup), 0);
	assert_int_equal(offer(&rl, 1050, 1, &sup), 1);
	assert_int_equal(sup, 1);
}

static void test_first_message_at_time_zero(void **state)
{
	struct dpb_ratelimit rl = DPB_RATELIMIT_INIT(1000, 1);
	uint32_t sup = 0;

	(void)state;
	assert_int_equal(offer(&rl, 0, 2, &sup), 1);
	assert_int_equal(offer(&rl, 999, 1, &sup), 0);
	assert_int_equal(offer(&rl, 1000, 1, &sup), 1);
	assert_int_equal(sup, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppressed),
		cmocka_unit_test(test_quiet_site_never_reports),
		cmocka_unit_test(test_steady_flood_bounded),
		cmocka_unit_test(test_clock_backwards_new_window),
		cmocka_unit_test(test_first_message_at_time_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
