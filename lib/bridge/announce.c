/* SPDX-License-Identifier: BSD-3-Clause */
/* RARP and gratuitous ARP frames for announcements after failover. */
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

/* Broadcast Ethernet header from @p mac, tagged when @p vlan; then the ARP header. */
static uint8_t *arp_frame(uint8_t *f, const struct dpb_mac *mac, uint16_t vlan,
			  uint16_t ethertype, uint16_t op)
{
	uint8_t *p = f;

	memset(f, 0, DPB_ANNOUNCE_FRAME_LEN);
	memset(p, 0xff, DPB_MAC_LEN);
	p = put_mac(p + DPB_MAC_LEN, mac);
	if (vlan) {
		p = put16(p, ETH_TYPE_VLAN);
		p = put16(p, vlan & 0xfff);
	}
	p = put16(p, ethertype);
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

size_t dpb_announce_garp(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			 uint32_t ipv4, uint16_t vlan)
{
	static const struct dpb_mac zero;
	uint8_t *p = arp_frame(frame, mac, vlan, ETH_TYPE_ARP, ARP_OP_REQUEST);

	p = put_mac(p, mac);
	p = put32(p, ipv4);
	p = put_mac(p, &zero);
	p = put32(p, ipv4);
	return finish(frame, p);
}
