/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_BOND_HASH_H
#define DPB_BOND_HASH_H

/**
 * @file
 * Linux's transmit hash policies (bonding.rst, "xmit_hash_policy"), over the
 * bytes of a frame, for balance-xor, 802.3ad and tlb/alb with
 * tlb_dynamic_lb=0. The member is `hash % usable members`, as in Linux.
 *
 * Where Linux reads a big-endian field as a host integer (IP addresses,
 * ports), dpbond uses the value an x86 (little-endian) host gets, so that a
 * dpbond bond and a kernel bond on a Proxmox host pick the same member.
 * In-band VLAN tags (802.1Q, 802.1ad, up to two) are skipped to find the
 * packet type, as Linux sees frames whose tags the NIC took off.
 *
 * Pure and total: any bytes, any length; frames too short for a policy's
 * fields fall back as Linux does (to layer2, or to 0 for an incomplete
 * Ethernet header). Any thread.
 */

#include <stddef.h>
#include <stdint.h>

#include "dpb_cfg.h"

/**
 * The most bytes from the frame's start that any policy reads: two tags
 * (22 bytes to the type), five IP headers of 60 bytes (the outer one and
 * four encapsulated), four GRE headers of 16 and four inner Ethernet
 * headers with two tags (22), and 8 bytes of ports: 482, rounded up. A
 * caller may pass min(frame length, this) bytes and gets the same hash.
 */
#define DPB_XMIT_HASH_MAX_READ 512

/** The hash of @p frame (@p len bytes from the destination MAC) under @p policy. */
uint32_t dpb_xmit_hash(enum dpb_xmit_hash_policy policy, const uint8_t *frame, size_t len);

/* Four bytes at @p as a little-endian integer (an x86 host's load). */
static inline uint32_t dpb_xmit_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/**
 * dpb_xmit_hash(), inlined for what most frames are: for layer2, any
 * untagged frame; for the other policies but vlan+srcmac, an untagged IPv4
 * TCP or UDP frame without IP options and not fragmented (the encap
 * policies then hash as layer2+3 and layer3+4: there is nothing inside).
 * Anything else goes to dpb_xmit_hash(). The same result for any bytes
 * (unit test bond_hash holds the two together). Any thread.
 */
static inline uint32_t dpb_xmit_hash_inline(enum dpb_xmit_hash_policy policy,
					    const uint8_t *frame, size_t len)
{
	uint32_t l2, h;

	if (len < 14 || (frame[12] == 0x81 && frame[13] == 0x00) ||
	    (frame[12] == 0x88 && frame[13] == 0xa8) || policy == DPB_XMIT_HASH_VLAN_SRCMAC)
		return dpb_xmit_hash(policy, frame, len);
	l2 = (uint32_t)(frame[5] ^ frame[11]) ^ ((uint32_t)frame[12] << 8 | frame[13]);
	if (policy == DPB_XMIT_HASH_LAYER2)
		return l2;
	/* IPv4 (version 4, 20-byte header), neither MF nor an offset, TCP or UDP, ports there */
	if (len < 14 + 20 + 4 || frame[12] != 0x08 || frame[13] != 0x00 || frame[14] != 0x45 ||
	    (frame[20] & 0x3f) != 0 || frame[21] != 0 || (frame[23] != 6 && frame[23] != 17))
		return dpb_xmit_hash(policy, frame, len);
	h = policy == DPB_XMIT_HASH_LAYER23 || policy == DPB_XMIT_HASH_ENCAP23 ? l2 :
	    dpb_xmit_le32(frame + 34);
	h ^= dpb_xmit_le32(frame + 26) ^ dpb_xmit_le32(frame + 30);
	h ^= h >> 16;
	h ^= h >> 8;
	return policy == DPB_XMIT_HASH_LAYER23 || policy == DPB_XMIT_HASH_ENCAP23 ? h : h >> 1;
}

#endif
