/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP/ND address snooping (lib/bridge/snoop.c) on packets written out octet by octet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_snoop.h"

/* An ARP request from 192.0.2.11 (00:00:5e:00:53:10) for 192.0.2.1. */
static const uint8_t arp[DPB_SNOOP_ARP_LEN] = {
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,     /* Ethernet, IPv4, 6, 4, request */
	0x00, 0x00, 0x5e, 0x00, 0x53, 0x10, 192, 0, 2, 11,
	0, 0, 0, 0, 0, 0, 192, 0, 2, 1,
};

static void test_arp(void **state)
{
	uint8_t bad[DPB_SNOOP_ARP_LEN];

	(void)state;
	assert_int_equal(dpb_snoop_arp_sender(arp, sizeof(arp)), 0xc000020b);
	assert_int_equal(dpb_snoop_arp_sender(arp, sizeof(arp) - 1), 0);
	memcpy(bad, arp, sizeof(bad));
	bad[5] = 16;   /* plen */
	assert_int_equal(dpb_snoop_arp_sender(bad, sizeof(bad)), 0);
	memcpy(bad, arp, sizeof(bad));
	bad[3] = 0x06; /* protocol 0x0806 */
	assert_int_equal(dpb_snoop_arp_sender(bad, sizeof(bad)), 0);
}

/* IPv6 header: ICMPv6, hop limit 255, 2001:db8::11 to ff02::1:ff00:1; then ICMPv6. */
static void nd_packet(uint8_t p[DPB_SNOOP_ND_LEN], uint8_t type)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 };
	static const uint8_t dst[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 1 };
	static const uint8_t target[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x22 };

	memset(p, 0, DPB_SNOOP_ND_LEN);
	p[0] = 0x60;
	p[5] = 24;
	p[6] = 58;
	p[7] = 255;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[40] = type;
	memcpy(p + 48, target, 16);
}

static void test_nd(void **state)
{
	uint8_t p[DPB_SNOOP_ND_LEN], addr[16];

	(void)state;
	nd_packet(p, 135);   /* solicitation: its source */
	assert_true(dpb_snoop_nd_address(p, sizeof(p), addr));
	assert_int_equal(addr[15], 0x11);
	nd_packet(p, 136);   /* advertisement: its target */
	assert_true(dpb_snoop_nd_address(p, sizeof(p), addr));
	assert_int_equal(addr[15], 0x22);
	assert_false(dpb_snoop_nd_address(p, sizeof(p) - 1, addr));
	p[7] = 254;          /* routed: not a neighbour's */
	assert_false(dpb_snoop_nd_address(p, sizeof(p), addr));
	nd_packet(p, 135);
	memset(p + 8, 0, 16);   /* duplicate address detection: no address yet */
	assert_false(dpb_snoop_nd_address(p, sizeof(p), addr));
	nd_packet(p, 128);   /* echo request */
	assert_false(dpb_snoop_nd_address(p, sizeof(p), addr));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_nd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
