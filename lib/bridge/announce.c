/* SPDX-License-Identifier: BSD-3-Clause */
/* RARP, gratuitous ARP and NA frames for announcements after failover; ARP and NS probes. */
#include <stdbool.h>
#include <string.h>

#include "dpb_announce.h"

#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ARP_OP_REQUEST 1
#define RARP_OP_REQUEST 3
#define MIN_FRAME 60

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, (uint16_t)(v >> 16));
	return put16(p, (uint16_t)v);
}

static uint8_t *put_mac(uint8_t *p, const struct dpb_mac *mac)
{
	memcpy(p, mac->b, DPB_MAC_LEN);
	return p + DPB_MAC_LEN;
}

/* Ethernet header to @p dst from @p mac, tagged when @p vlan. */
static uint8_t *eth_header(uint8_t *f, const uint8_t *dst, const struct dpb_mac *mac,
			   uint16_t vlan, uint16_t ethertype)
{
	uint8_t *p = f;

	memset(f, 0, DPB_ANNOUNCE_FRAME_LEN);
	memcpy(p, dst, DPB_MAC_LEN);
	p = put_mac(p + DPB_MAC_LEN, mac);
	if (vlan) {
		p = put16(p, ETH_TYPE_VLAN);
		p = put16(p, vlan & 0xfff);
	}
	return put16(p, ethertype);
}

/* Broadcast Ethernet header from @p mac, tagged when @p vlan; then the ARP header. */
static uint8_t *arp_frame(uint8_t *f, const struct dpb_mac *mac, uint16_t vlan,
			  uint16_t ethertype, uint16_t op)
{
	static const uint8_t bcast[DPB_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *p = eth_header(f, bcast, mac, vlan, ethertype);

	p = put16(p, 1);          /* hardware: Ethernet */
	p = put16(p, 0x0800);     /* protocol: IPv4 */
	*p++ = DPB_MAC_LEN;
	*p++ = 4;
	return put16(p, op);
}

static size_t finish(const uint8_t *f, const uint8_t *end)
{
	size_t len = (size_t)(end - f);

	return len < MIN_FRAME ? MIN_FRAME : len;
}

size_t dpb_announce_rarp(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			 uint16_t vlan)
{
	uint8_t *p = arp_frame(frame, mac, vlan, ETH_TYPE_RARP, RARP_OP_REQUEST);

	/* "Who am I": sender and target hardware are the MAC, no addresses. */
	p = put_mac(p, mac);
	p = put32(p, 0);
	p = put_mac(p, mac);
	p = put32(p, 0);
	return finish(frame, p);
}

size_t dpb_announce_arp_request(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN],
				const struct dpb_mac *mac, uint32_t sip, uint32_t tip,
				uint16_t vlan)
{
	static const struct dpb_mac zero;
	uint8_t *p = arp_frame(frame, mac, vlan, ETH_TYPE_ARP, ARP_OP_REQUEST);

	p = put_mac(p, mac);
	p = put32(p, sip);
	p = put_mac(p, &zero);
	p = put32(p, tip);
	return finish(frame, p);
}

size_t dpb_announce_arp_reply(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			      uint32_t sip, const struct dpb_mac *dst, uint32_t tip, uint16_t vlan)
{
	uint8_t *p = eth_header(frame, dst->b, mac, vlan, ETH_TYPE_ARP);

	p = put16(p, 1);
	p = put16(p, 0x0800);
	*p++ = DPB_MAC_LEN;
	*p++ = 4;
	p = put16(p, 2);          /* reply */
	p = put_mac(p, mac);
	p = put32(p, sip);
	p = put_mac(p, dst);
	p = put32(p, tip);
	return finish(frame, p);
}

size_t dpb_announce_garp(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			 uint32_t ipv4, uint16_t vlan)
{
	return dpb_announce_arp_request(frame, mac, ipv4, ipv4, vlan);
}

#define ETH_TYPE_IPV6 0x86dd
#define IPPROTO_ICMPV6_NUM 58
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LLADDR 1
#define ND_NA_FLAG_OVERRIDE 0x20
#define ND_OPT_TARGET_LLADDR 2

/* The one's complement sum of @p len bytes (even), added to @p sum. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

/* Sets the ICMPv6 checksum of the message of @p len bytes after IPv6 header @p ip. */
static void icmp6_checksum(uint8_t *ip, size_t len)
{
	uint8_t *icmp = ip + 40;
	uint32_t sum = sum16(ip + 8, 32, 0) + (uint32_t)len + IPPROTO_ICMPV6_NUM;

	sum = sum16(icmp, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(icmp + 2, (uint16_t)~sum);
}

size_t dpb_announce_ns(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
		       const uint8_t src[16], const uint8_t target[16], uint16_t vlan)
{
	static const uint8_t any[16];
	uint8_t dst_mac[DPB_MAC_LEN] = { 0x33, 0x33, 0xff, target[13], target[14], target[15] };
	uint8_t *ip = eth_header(frame, dst_mac, mac, vlan, ETH_TYPE_IPV6);
	uint8_t *icmp = ip + 40, *p = icmp + 24;
	bool from_any = memcmp(src, any, 16) == 0;
	size_t len = from_any ? 24 : 32;  /* no source link-layer option from :: */

	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)len);
	ip[6] = IPPROTO_ICMPV6_NUM;
	ip[7] = 255;
	memcpy(ip + 8, src, 16);
	/* To the target's solicited-node group ff02::1:ffXX:XXXX. */
	ip[24] = 0xff;
	ip[25] = 0x02;
	ip[35] = 0x01;
	ip[36] = 0xff;
	memcpy(ip + 37, target + 13, 3);
	icmp[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(icmp + 8, target, 16);
	if (!from_any) {
		icmp[24] = ND_OPT_SOURCE_LLADDR;
		icmp[25] = 1;
		p = put_mac(icmp + 26, mac);
	}
	icmp6_checksum(ip, len);
	return finish(frame, p);
}

size_t dpb_announce_na(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
		       const uint8_t addr[16], uint16_t vlan)
{
	static const uint8_t all_nodes_mac[DPB_MAC_LEN] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t *ip = eth_header(frame, all_nodes_mac, mac, vlan, ETH_TYPE_IPV6);
	uint8_t *icmp = ip + 40, *p;

	ip[0] = 0x60;                       /* version 6, traffic class 0, flow 0 */
	put16(ip + 4, 32);                  /* payload: NA (24) + target LL option (8) */
	ip[6] = IPPROTO_ICMPV6_NUM;
	ip[7] = 255;                        /* hop limit: RFC 4861 requires 255 */
	memcpy(ip + 8, addr, 16);
	memcpy(ip + 24, all_nodes, 16);
	icmp[0] = ND_NEIGHBOR_ADVERT;
	icmp[4] = ND_NA_FLAG_OVERRIDE;
	memcpy(icmp + 8, addr, 16);
	icmp[24] = ND_OPT_TARGET_LLADDR;
	icmp[25] = 1;                       /* length in units of 8 bytes */
	p = put_mac(icmp + 26, mac);
	icmp6_checksum(ip, 32);
	return finish(frame, p);
}
