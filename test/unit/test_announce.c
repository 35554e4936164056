/* SPDX-License-Identifier: BSD-3-Clause */
/* Announcement frames, byte by byte against RFC 903 (RARP) and RFC 5227 (ARP announcement). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_announce.h"

static const struct dpb_mac vm = { { 0x02, 0x00, 0x00, 0x00, 0x10, 0x01 } };

static void test_rarp_untagged(void **state)
{
	static const uint8_t want[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x10, 0x01,
		0x80, 0x35,                   /* RARP */
		0x00, 0x01, 0x08, 0x00, 6, 4, /* Ethernet, IPv4 */
		0x00, 0x03,                   /* request reverse */
		0x02, 0x00, 0x00, 0x00, 0x10, 0x01, 0, 0, 0, 0,
		0x02, 0x00, 0x00, 0x00, 0x10, 0x01, 0, 0, 0, 0,
	};
	uint8_t f[DPB_ANNOUNCE_FRAME_LEN];

	(void)state;
	memset(f, 0xee, sizeof(f));
	assert_int_equal(dpb_announce_rarp(f, &vm, 0), 60);
	assert_memory_equal(f, want, 60);
}

static void test_garp_tagged(void **state)
{
	static const uint8_t want[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x10, 0x01,
		0x81, 0x00, 0x00, 0x64,       /* VLAN 100 */
		0x08, 0x06,                   /* ARP */
		0x00, 0x01, 0x08, 0x00, 6, 4,
		0x00, 0x01,                   /* request */
		0x02, 0x00, 0x00, 0x00, 0x10, 0x01, 192, 0, 2, 10,
		0, 0, 0, 0, 0, 0, 192, 0, 2, 10,
	};
	uint8_t f[DPB_ANNOUNCE_FRAME_LEN];

	(void)state;
	memset(f, 0xee, sizeof(f));
	assert_int_equal(dpb_announce_garp(f, &vm, 0xc000020a, 100), 60);
	assert_memory_equal(f, want, 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rarp_untagged),
		cmocka_unit_test(test_garp_tagged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
