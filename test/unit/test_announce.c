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

static void test_unsolicited_na(void **state)
{
	/* Checksum 0xe90a worked out apart from dpbond (Python, RFC 4443 2.3). */
	static const uint8_t want[86] = {
		0x33, 0x33, 0, 0, 0, 1, 0x02, 0x00, 0x00, 0x00, 0x10, 0x01, 0x86, 0xdd,
		0x60, 0, 0, 0, 0, 32, 58, 255,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		136, 0, 0xe9, 0x0a, 0x20, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
		2, 1, 0x02, 0x00, 0x00, 0x00, 0x10, 0x01,
	};
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 };
	uint8_t f[DPB_ANNOUNCE_FRAME_LEN];

	(void)state;
	memset(f, 0xee, sizeof(f));
	assert_int_equal(dpb_announce_na(f, &vm, addr, 0), 86);
	assert_memory_equal(f, want, 86);
	/* Tagged: the same message four bytes on, after 81 00 00 2a. */
	assert_int_equal(dpb_announce_na(f, &vm, addr, 42), 90);
	assert_memory_equal(f + 12, "\x81\x00\x00\x2a\x86\xdd", 6);
	assert_memory_equal(f + 18, want + 14, 72);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rarp_untagged),
		cmocka_unit_test(test_garp_tagged),
		cmocka_unit_test(test_unsolicited_na),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
