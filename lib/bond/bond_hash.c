/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit hash policies, following bonding.rst's formulas:
 *
 *   layer2      h = src MAC[5] ^ dst MAC[5] ^ packet type
 *   layer2+3    h = layer2 ^ src IP ^ dst IP; h ^= h >> 16; h ^= h >> 8
 *   layer3+4    h = ports ^ src IP ^ dst IP; h ^= h >> 16; h ^= h >> 8; h >>= 1
 *               (no ports for fragments and protocols without them;
 *               ICMP echo uses type, code and id; non-IP: layer2)
 *   encap2+3/encap3+4  the same over the innermost IP header of IP-in-IP
 *               and GRE tunnels, layer2 part from the outer Ethernet header
 *   vlan+srcmac h = VLAN ID ^ src MAC[0..2] ^ src MAC[3..5]
 *
 * IPv6 addresses count as the XOR of their four 32-bit words
 * (ipv6_addr_hash).
 */
#include <stdbool.h>
#include <string.h>

#include "dpb_bond_hash.h"

#define ETH_HLEN 14
#define ETYPE_IPV4 0x0800
#define ETYPE_IPV6 0x86dd
#define ETYPE_VLAN 0x8100
#define ETYPE_QINQ 0x88a8
#define ETYPE_TEB 0x6558
#define PROTO_ICMP 1
#define PROTO_IPIP 4
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_GRE 47
#define PROTO_ESP 50
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136
#define PROTO_DCCP 33
#define MAX_ENCAP 4

/* A bounds-checked view of the frame. */
struct rd {
	const uint8_t *p;
	size_t len;
};

static bool have(const struct rd *r, size_t off, size_t n)
{
	return off <= r->len && n <= r->len - off;
}

static uint16_t be16(const struct rd *r, size_t off)
{
	return (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
}

/* Four bytes as a little-endian host reads a big-endian field. */
static uint32_t le32(const struct rd *r, size_t off)
{
	return (uint32_t)r->p[off] | (uint32_t)r->p[off + 1] << 8 |
	       (uint32_t)r->p[off + 2] << 16 | (uint32_t)r->p[off + 3] << 24;
}

/* Skips VLAN tags after the MAC addresses at @off; returns the packet type
 * and sets *l3 to where the payload starts. -1 when truncated. */
static int ether_type(const struct rd *r, size_t off, size_t *l3, uint16_t *vid)
{
	size_t at = off + 12;
	uint16_t type;

	if (!have(r, off, ETH_HLEN))
		return -1;
	type = be16(r, at);
	for (int tags = 0; tags < 2 && (type == ETYPE_VLAN || type == ETYPE_QINQ); tags++) {
		if (!have(r, at + 2, 4))
			return -1;
		if (vid && tags == 0)
			*vid = be16(r, at + 2) & 0x0fff;
		at += 4;
		type = be16(r, at);
	}
	*l3 = at + 2;
	return type;
}

static uint32_t layer2(const struct rd *r)
{
	size_t l3;
	int type = ether_type(r, 0, &l3, NULL);

	if (type < 0)
		type = be16(r, 12);  /* a truncated tag: the outer type */
	return (uint32_t)(r->p[5] ^ r->p[11]) ^ (uint32_t)type;
}

struct flow {
	uint32_t src, dst;   /* addresses as Linux folds them */
	uint32_t ports;      /* ports, ICMP id, or 0 */
};

static bool l4_ports(const struct rd *r, size_t off, uint8_t proto, struct flow *f)
{
	size_t at;

	switch (proto) {
	case PROTO_TCP: case PROTO_UDP: case PROTO_UDPLITE: case PROTO_SCTP:
	case PROTO_DCCP: case PROTO_ESP:
		at = off;
		break;
	case PROTO_AH:
		at = off + 4;
		break;
	case PROTO_ICMP: case PROTO_ICMPV6: {
		/* Echo request/reply with an id: type, code and id (Linux's
		 * ICMP key); other ICMP: no ports. */
		uint8_t t;
		bool echo;

		if (!have(r, off, 6))
			return true;
		t = r->p[off];
		echo = proto == PROTO_ICMP ? (t == 0 || t == 8) : (t == 128 || t == 129);
		if (echo && (r->p[off + 4] | r->p[off + 5]))
			f->ports = (uint32_t)r->p[off] | (uint32_t)r->p[off + 1] << 8 |
				   (uint32_t)r->p[off + 4] << 16 | (uint32_t)r->p[off + 5] << 24;
		return true;
	}
	default:
		return true;
	}
	if (!have(r, at, 4))
		return true;
	f->ports = le32(r, at);
	return true;
}

/*
 * Reads the IP header at @off (of @type). With @encap, follows IP-in-IP and
 * GRE to the innermost header. @return false when it is not IP (or is
 * truncated): the caller falls back to layer2.
 */
static bool ip_flow(const struct rd *r, size_t off, int type, bool encap, struct flow *f,
		    int depth)
{
	uint8_t proto;
	size_t l4;
	bool frag;

	if (type == ETYPE_IPV4) {
		size_t ihl;

		if (!have(r, off, 20) || (r->p[off] >> 4) != 4)
			return false;
		ihl = (size_t)(r->p[off] & 0x0f) * 4;
		if (ihl < 20 || !have(r, off, ihl))
			return false;
		f->src = le32(r, off + 12);
		f->dst = le32(r, off + 16);
		proto = r->p[off + 9];
		frag = (be16(r, off + 6) & 0x3fff) != 0;  /* MF or an offset */
		l4 = off + ihl;
	} else if (type == ETYPE_IPV6) {
		if (!have(r, off, 40) || (r->p[off] >> 4) != 6)
			return false;
		f->src = le32(r, off + 8) ^ le32(r, off + 12) ^ le32(r, off + 16) ^ le32(r, off + 20);
		f->dst = le32(r, off + 24) ^ le32(r, off + 28) ^ le32(r, off + 32) ^ le32(r, off + 36);
		proto = r->p[off + 6];   /* extension headers are not walked (Linux) */
		frag = proto == 44;
		l4 = off + 40;
	} else {
		return false;
	}
	f->ports = 0;
	if (encap && depth < MAX_ENCAP && !frag) {
		struct flow inner = *f;

		if ((proto == PROTO_IPIP || proto == PROTO_IPV6) &&
		    ip_flow(r, l4, proto == PROTO_IPIP ? ETYPE_IPV4 : ETYPE_IPV6, true, &inner,
			    depth + 1)) {
			*f = inner;
			return true;
		}
		if (proto == PROTO_GRE && have(r, l4, 4)) {
			uint16_t flags = be16(r, l4), gtype = be16(r, l4 + 2);
			size_t in = l4 + 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
				    ((flags & 0x1000) ? 4 : 0);
			int itype = gtype;

			if ((flags & 0x0007) == 0) {   /* GRE version 0 */
				if (gtype == ETYPE_TEB)
					itype = ether_type(r, in, &in, NULL);
				if (ip_flow(r, in, itype, true, &inner, depth + 1)) {
					*f = inner;
					return true;
				}
			}
		}
	}
	if (!frag)
		l4_ports(r, l4, proto, f);
	return true;
}

static uint32_t fold(uint32_t h, const struct flow *f, bool drop_low_bit)
{
	h ^= f->dst ^ f->src;
	h ^= h >> 16;
	h ^= h >> 8;
	return drop_low_bit ? h >> 1 : h;
}

uint32_t dpb_xmit_hash(enum dpb_xmit_hash_policy policy, const uint8_t *frame, size_t len)
{
	struct rd r = { frame, len };
	struct flow f;
	size_t l3;
	uint16_t vid = 0;
	int type;
	bool encap = policy == DPB_XMIT_HASH_ENCAP23 || policy == DPB_XMIT_HASH_ENCAP34;

	if (!have(&r, 0, ETH_HLEN))
		return 0;
	if (policy == DPB_XMIT_HASH_VLAN_SRCMAC) {
		uint32_t vendor = (uint32_t)frame[6] << 16 | (uint32_t)frame[7] << 8 | frame[8];
		uint32_t dev = (uint32_t)frame[9] << 16 | (uint32_t)frame[10] << 8 | frame[11];

		ether_type(&r, 0, &l3, &vid);
		return vid ^ vendor ^ dev;
	}
	type = ether_type(&r, 0, &l3, NULL);
	memset(&f, 0, sizeof(f));
	if (policy == DPB_XMIT_HASH_LAYER2 || type < 0 || !ip_flow(&r, l3, type, encap, &f, 0))
		return layer2(&r);
	if (policy == DPB_XMIT_HASH_LAYER23 || policy == DPB_XMIT_HASH_ENCAP23)
		return fold(layer2(&r), &f, false);
	return fold(f.ports, &f, true);
}
