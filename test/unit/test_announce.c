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

static void test_arp_probe(void **state)
{
	uint8_t f[DPB_ANNOUNCE_FRAME_LEN];

	(void)state;
	/* The ARP monitor's probe: sender 198.51.100.1, target 198.51.100.2. */
	assert_int_equal(dpb_announce_arp_request(f, &vm, 0xc6336401, 0xc6336402, 0), 60);
	assert_memory_equal(f + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
	assert_memory_equal(f + 22, vm.b, 6);
	assert_memory_equal(f + 28, "\xc6\x33\x64\x01", 4);
	assert_memory_equal(f + 38, "\xc6\x33\x64\x02", 4);
}

static void test_ns_probe(void **state)
{
	/* Checksums 0x0c27 and 0x4ceb worked out apart from dpbond (Python, RFC 4443 2.3). */
	static const uint8_t want[86] = {
		0x33, 0x33, 0xff, 0, 0, 2, 0x02, 0x00, 0x00, 0x00, 0x10, 0x01, 0x86, 0xdd,
		0x60, 0, 0, 0, 0, 32, 58, 255,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2,
		135, 0, 0x0c, 0x27, 0, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		1, 1, 0x02, 0x00, 0x00, 0x00, 0x10, 0x01,
	};
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t target[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t any[16];
	uint8_t f[DPB_ANNOUNCE_FRAME_LEN];

	(void)state;
	memset(f, 0xee, sizeof(f));
	assert_int_equal(dpb_announce_ns(f, &vm, src, target, 0), 86);
	assert_memory_equal(f, want, 86);
	/* From ::, without the source link-layer option (RFC 4861 7.2.2). */
	assert_int_equal(dpb_announce_ns(f, &vm, any, target, 0), 78);
	assert_int_equal(f[19], 24);
	assert_int_equal(f[56] << 8 | f[57], 0x4ceb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rarp_untagged),
		cmocka_unit_test(test_garp_tagged),
		cmocka_unit_test(test_unsolicited_na),
		cmocka_unit_test(test_arp_probe),
		cmocka_unit_test(test_ns_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
