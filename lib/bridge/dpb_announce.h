/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_ANNOUNCE_H
#define DPB_ANNOUNCE_H

/**
 * @file
 * The frames that tell the switches where a MAC lives now, after the bond
 * member carrying it changed: a RARP (as Open vSwitch sends for each MAC it
 * learned on other bridge ports) when nothing more is known of the MAC, or a
 * gratuitous ARP request (sender IP = target IP, as Linux's peer
 * notification sends) when the bridge has seen the MAC's IPv4 address. Both
 * broadcast, from the MAC, 802.1Q-tagged when @p vlan is not 0, padded to the
 * 60-byte minimum; and for a MAC whose IPv6 address the bridge has seen, an
 * unsolicited Neighbor Advertisement, as Linux's num_unsol_na sends.
 *
 * Pure code: bytes in, bytes out. Any thread.
 */

#include <stddef.h>
#include <stdint.h>

#include "dpb_mac.h"

#define DPB_ANNOUNCE_FRAME_LEN 96  /**< room for the largest (tagged) frame */

/** Writes a RARP request for @p mac into @p frame. @return its length. */
size_t dpb_announce_rarp(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			 uint16_t vlan);

/**
 * Writes a gratuitous ARP request for @p ipv4 (host byte order) from @p mac
 * into @p frame. @return its length.
 */
size_t dpb_announce_garp(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			 uint32_t ipv4, uint16_t vlan);

/**
 * Writes a broadcast ARP request from @p mac for @p tip with sender address
 * @p sip (host byte order; 0 when the host has none) into @p frame: the ARP
 * monitor's probe. @return its length.
 */
size_t dpb_announce_arp_request(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN],
				const struct dpb_mac *mac, uint32_t sip, uint32_t tip,
				uint16_t vlan);

/**
 * Writes an ARP reply from @p mac and @p sip to @p dst and @p tip (host
 * byte order) into @p frame, unicast to @p dst: balance-alb's update of a
 * client. @return its length.
 */
size_t dpb_announce_arp_reply(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
			      uint32_t sip, const struct dpb_mac *dst, uint32_t tip, uint16_t vlan);

/**
 * Writes a Neighbor Solicitation for @p target from @p mac and IPv6 @p src
 * (:: when the host has no address for it: then without the source
 * link-layer option) to the target's solicited-node group, hop limit 255,
 * checksum computed: the NS monitor's probe. @return its length.
 */
size_t dpb_announce_ns(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
		       const uint8_t src[16], const uint8_t target[16], uint16_t vlan);

/**
 * Writes an unsolicited Neighbor Advertisement (RFC 4861 7.2.6) for IPv6
 * @p addr from @p mac into @p frame: to all nodes (ff02::1, 33:33:00:00:00:01),
 * hop limit 255, Override set, Solicited clear, with the target link-layer
 * address option; checksum computed. @return its length.
 */
size_t dpb_announce_na(uint8_t frame[DPB_ANNOUNCE_FRAME_LEN], const struct dpb_mac *mac,
		       const uint8_t addr[16], uint16_t vlan);

#endif
