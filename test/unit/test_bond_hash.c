/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit hash policies against vectors worked out from bonding.rst's
 * formulas (addresses and ports read as an x86 host reads them):
 *
 *   MACs 02:..:02 (dst) and 02:..:01 (src): layer2 part = 0x01 ^ 0x02 ^ type.
 *   192.0.2.1 -> 198.51.100.2: src 0x010200c0, dst 0x026433c6.
 *   layer2+3: 0x0803 ^ src ^ dst = 0x03663b05; ^>>16 = 0x03663863;
 *             ^>>8 = 0x03655e5b.
 *   layer3+4, TCP 40000 -> 443 (bytes 9c 40 01 bb = 0xbb01409c): 0x5c6fd61b.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_bond_hash.h"

struct frame {
	uint8_t b[256];
	size_t len;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(f, b, 2);
}

static void eth(struct frame *f, int vlan, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	f->len = 0;
	put(f, macs, 12);
	if (vlan >= 0) {
		put16(f, 0x8100);
		put16(f, (uint16_t)(0x2000 | vlan));  /* PCP 1: not part of the ID */
	}
	put16(f, type);
}

static void ipv4(struct frame *f, const char src[4], const char dst[4], uint8_t proto,
		 uint16_t frag)
{
	uint8_t h[20] = { 0x45, 0, 0, 40, 0, 1 };

	h[6] = (uint8_t)(frag >> 8);
	h[7] = (uint8_t)frag;
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	put(f, h, 20);
}

static void l4(struct frame *f, uint16_t sport, uint16_t dport)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
}

#define NET1 "\xc0\x00\x02\x01"   /* 192.0.2.1 */
#define NET2 "\xc6\x33\x64\x02"   /* 198.51.100.2 */
#define NET3 "\xcb\x00\x71\x01"   /* 203.0.113.1 */
#define NET4 "\xcb\x00\x71\x02"   /* 203.0.113.2 */

static void test_layer2(void **state)
{
	struct frame f;

	(void)state;
	eth(&f, -1, 0x88b5);
	put(&f, "payload", 7);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER2, f.b, f.len), 0x88b6);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER2, f.b, f.len) % 4, 2);  /* member of 4 */
	/* A tag does not change the packet type seen. */
	eth(&f, 100, 0x88b5);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER2, f.b, f.len), 0x88b6);
	/* Non-IP under an IP policy: layer2. */
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, f.len), 0x88b6);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER23, f.b, f.len), 0x88b6);
}

static void test_layer23_ipv4(void **state)
{
	struct frame f, g;

	(void)state;
	eth(&f, -1, 0x0800);
	ipv4(&f, NET1, NET2, 6, 0);
	l4(&f, 40000, 443);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER23, f.b, f.len), 0x03655e5b);
	eth(&g, 42, 0x0800);
	ipv4(&g, NET1, NET2, 6, 0);
	l4(&g, 40000, 443);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER23, g.b, g.len), 0x03655e5b);
}

static void test_layer34(void **state)
{
	struct frame f;

	(void)state;
	eth(&f, -1, 0x0800);
	ipv4(&f, NET1, NET2, 6, 0);
	l4(&f, 40000, 443);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, f.len), 0x5c6fd61b);
	/* A fragment (MF set, or an offset) hashes without ports. */
	eth(&f, -1, 0x0800);
	ipv4(&f, NET1, NET2, 6, 0x2000);
	l4(&f, 40000, 443);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, f.len), 0x01b2ab28);
	eth(&f, -1, 0x0800);
	ipv4(&f, NET1, NET2, 17, 0x00b9);
	l4(&f, 1, 2);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, f.len), 0x01b2ab28);
	/* ICMP echo: type, code and id stand for ports. */
	eth(&f, -1, 0x0800);
	ipv4(&f, NET1, NET2, 1, 0);
	put(&f, "\x08\x00\xff\xff\x12\x34\x00\x01", 8);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, f.len), 0x1ba1b83f);
}

static void test_layer34_ipv6(void **state)
{
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t h[8] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };
	struct frame f;

	(void)state;
	eth(&f, -1, 0x86dd);
	put(&f, h, 8);
	put(&f, a, 16);
	put(&f, b, 16);
	l4(&f, 5000, 53);
	/* src words XOR: 0xb80d0120 ^ 0x01000000; dst: 0xb80d0120 ^ 0x02000000 */
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, f.len), 0x1b1b5f56);
}

static void test_vlan_srcmac(void **state)
{
	struct frame f;

	(void)state;
	eth(&f, 100, 0x0800);
	memcpy(f.b + 6, "\x52\x54\x00\x12\x34\x56", 6);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_VLAN_SRCMAC, f.b, f.len),
			 100 ^ 0x525400 ^ 0x123456);
	eth(&f, -1, 0x0800);
	memcpy(f.b + 6, "\x52\x54\x00\x12\x34\x56", 6);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_VLAN_SRCMAC, f.b, f.len),
			 0x525400 ^ 0x123456);
}

static void test_encap(void **state)
{
	struct frame f;

	(void)state;
	/* IP-in-IP: outer 203.0.113.1 -> .2, inner as the layer2+3 vector. */
	eth(&f, -1, 0x0800);
	ipv4(&f, NET3, NET4, 4, 0);
	ipv4(&f, NET1, NET2, 6, 0);
	l4(&f, 40000, 443);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_ENCAP23, f.b, f.len), 0x03655e5b);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_ENCAP34, f.b, f.len), 0x5c6fd61b);
	/* layer2+3 sees only the outer header. */
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER23, f.b, f.len), 0x03030b08);
	/* GRE with a key, carrying IPv4. */
	eth(&f, -1, 0x0800);
	ipv4(&f, NET3, NET4, 47, 0);
	put(&f, "\x20\x00\x08\x00\x00\x00\x00\x07", 8);
	ipv4(&f, NET1, NET2, 6, 0);
	l4(&f, 40000, 443);
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_ENCAP34, f.b, f.len), 0x5c6fd61b);
}

/* Appends an IPv4 header with 40 bytes of options (60 bytes) for @proto. */
static size_t ipv4_max(uint8_t *f, size_t at, uint8_t proto, uint8_t last)
{
	memset(f + at, 0, 60);
	f[at] = 0x4f;
	f[at + 8] = 64;
	f[at + 9] = proto;
	f[at + 12] = 198;
	f[at + 13] = 51;
	f[at + 14] = 100;
	f[at + 15] = last;
	f[at + 16] = 203;
	f[at + 17] = 0;
	f[at + 18] = 113;
	f[at + 19] = (uint8_t)(last + 1);
	return at + 60;
}

/* Two VLAN tags after the MACs of an Ethernet header at @at; @type follows. */
static size_t eth_qinq(uint8_t *f, size_t at, uint8_t last, uint16_t type)
{
	static const uint8_t tags[] = { 0x88, 0xa8, 0, 5, 0x81, 0x00, 0, 7 };

	memset(f + at, 0, 12);
	f[at + 5] = last;
	f[at + 11] = (uint8_t)(last + 1);
	memcpy(f + at + 12, tags, sizeof(tags));
	f[at + 20] = (uint8_t)(type >> 8);
	f[at + 21] = (uint8_t)type;
	return at + 22;
}

/*
 * DPB_XMIT_HASH_MAX_READ bounds what a policy reads: the deepest frame the
 * encap policies walk (two tags, then four times IPv4 with options in GRE
 * with every optional field carrying Ethernet with two tags, then IPv4 and
 * AH) has its last field, the SPI, in bytes 478-481; the hash of its first
 * 512 bytes is the hash of it all, and one byte fewer than 482 changes it.
 */
static void test_max_read(void **state)
{
	static const uint8_t gre[] = { 0xb0, 0x00, 0x65, 0x58, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t f[700];
	size_t at;

	(void)state;
	memset(f, 0xee, sizeof(f));
	at = eth_qinq(f, 0, 1, 0x0800);
	for (uint8_t level = 0; level < 4; level++) {
		at = ipv4_max(f, at, 47, (uint8_t)(10 * level));
		memcpy(f + at, gre, sizeof(gre));
		at = eth_qinq(f, at + sizeof(gre), (uint8_t)(level + 2), 0x0800);
	}
	at = ipv4_max(f, at, 51, 99);
	memset(f + at, 0, 8);
	f[at + 4] = 0x12;                /* the SPI: the flow's "ports" */
	f[at + 7] = 0x34;
	assert_int_equal(at + 8, 482);
	assert_true(DPB_XMIT_HASH_MAX_READ >= 482);
	for (enum dpb_xmit_hash_policy p = DPB_XMIT_HASH_LAYER2; p < DPB_XMIT_HASH_COUNT; p++)
		assert_int_equal(dpb_xmit_hash(p, f, DPB_XMIT_HASH_MAX_READ),
				 dpb_xmit_hash(p, f, sizeof(f)));
	assert_int_not_equal(dpb_xmit_hash(DPB_XMIT_HASH_ENCAP34, f, 481),
			     dpb_xmit_hash(DPB_XMIT_HASH_ENCAP34, f, 482));
}

static void test_truncated(void **state)
{
	struct frame f;

	(void)state;
	eth(&f, -1, 0x0800);
	ipv4(&f, NET1, NET2, 6, 0);
	/* Too short for an Ethernet header: 0. */
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, 13), 0);
	/* IP header cut: layer2 (0x0803). */
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, 30), 0x0803);
	/* Ports cut: hashed without them, as a fragment is. */
	assert_int_equal(dpb_xmit_hash(DPB_XMIT_HASH_LAYER34, f.b, 36), 0x01b2ab28);
	/* Every length of every policy is safe (run under ASan/valgrind too). */
	for (size_t n = 0; n <= f.len; n++)
		for (int p = 0; p < DPB_XMIT_HASH_COUNT; p++)
			(void)dpb_xmit_hash(p, f.b, n);
}

static uint32_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)*x;
}

/*
 * dpb_xmit_hash_inline() is dpb_xmit_hash() for any bytes: 200,000 frames
 * of random bytes, most made to look like what the inline path takes
 * (untagged IPv4 TCP/UDP) with one field or another then off (a tag, an
 * option, a fragment, another protocol, too short), under every policy.
 */
static void test_inline(void **state)
{
	static const enum dpb_xmit_hash_policy policies[] = {
		DPB_XMIT_HASH_LAYER2, DPB_XMIT_HASH_LAYER23, DPB_XMIT_HASH_LAYER34,
		DPB_XMIT_HASH_ENCAP23, DPB_XMIT_HASH_ENCAP34, DPB_XMIT_HASH_VLAN_SRCMAC,
	};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int ip_like = 0;

	(void)state;
	for (unsigned int k = 0; k < 200000; k++) {
		uint8_t b[96];
		size_t len = rnd(&x) % 8 ? 64 + rnd(&x) % 33 : rnd(&x) % 64;
		uint32_t r = rnd(&x);

		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (uint8_t)rnd(&x);
		if (r % 8) {   /* IPv4 TCP/UDP, then perhaps one thing off */
			b[12] = 0x08, b[13] = 0x00, b[14] = 0x45;
			b[20] &= 0x80, b[21] = 0;
			b[23] = r & 8 ? 6 : 17;
			switch (r >> 4 & 15) {
			case 0: b[12] = 0x81; b[13] = 0x00; break;
			case 1: b[12] = 0x88; b[13] = 0xa8; break;
			case 2: b[14] = 0x46; break;
			case 3: b[20] |= 0x20; break;   /* MF */
			case 4: b[21] = 1; break;       /* an offset */
			case 5: b[23] = (uint8_t)r; break;
			case 6: b[13] = 0xdd; b[12] = 0x86; break;
			default: ip_like++; break;
			}
		}
		for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++)
			if (dpb_xmit_hash_inline(policies[p], b, len) != dpb_xmit_hash(policies[p], b, len))
				fail_msg("policy %d, frame %u (len %zu): inline %#x, dpb_xmit_hash %#x",
					 (int)policies[p], k, len, dpb_xmit_hash_inline(policies[p], b, len),
					 dpb_xmit_hash(policies[p], b, len));
	}
	assert_true(ip_like > 80000);   /* the inline path was taken, often */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layer2),
		cmocka_unit_test(test_layer23_ipv4),
		cmocka_unit_test(test_layer34),
		cmocka_unit_test(test_layer34_ipv6),
		cmocka_unit_test(test_vlan_srcmac),
		cmocka_unit_test(test_encap),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_max_read),
		cmocka_unit_test(test_inline),
	};

	return cmocka_run_group_tests_name("bond_hash", tests, NULL, NULL);
}
