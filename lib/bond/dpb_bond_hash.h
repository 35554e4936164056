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

#endif
