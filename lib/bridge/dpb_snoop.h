/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_SNOOP_H
#define DPB_SNOOP_H

/**
 * @file
 * What a bridge learns of a MAC's IP addresses from its ARP and neighbour
 * discovery frames (kept in the FDB, for the announcements after a
 * failover). Pure and total over bytes; any thread. The datapath copies
 * the header out of its mbuf (rte_pktmbuf_read) and asks here.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Octets of an ARP packet dpb_snoop_arp_sender() reads. */
#define DPB_SNOOP_ARP_LEN 28
/** Octets of an IPv6 packet dpb_snoop_nd_address() reads: header and 24 of ICMPv6. */
#define DPB_SNOOP_ND_LEN 64

/**
 * The sender address (host byte order) of the Ethernet/IPv4 ARP packet
 * @p arp (@p len octets from the ARP header on).
 * @return it, or 0 when the packet is shorter or not Ethernet/IPv4 ARP.
 */
uint32_t dpb_snoop_arp_sender(const uint8_t *arp, size_t len);

/**
 * The address the IPv6 packet @p ip6 (@p len octets from the IPv6 header
 * on) shows for its sender: a neighbour solicitation's source (unless
 * unspecified) or an advertisement's target, hop limit 255 only.
 * @return true with @p addr filled, or false.
 */
bool dpb_snoop_nd_address(const uint8_t *ip6, size_t len, uint8_t addr[16]);

#endif
