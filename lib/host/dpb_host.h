/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_HOST_H
#define DPB_HOST_H

/**
 * @file
 * The host's side of a bridge: the kernel interface (a TAP that dpbond's
 * net_tap port created, named like the bridge) gets the stanza's address and
 * default route over rtnetlink, as ifupdown would have given them to the
 * Linux bridge. No DPDK; each call is one netlink request and its
 * acknowledgement. Control thread only (it makes syscalls).
 */

#include <stddef.h>
#include <stdint.h>

/**
 * Adds IPv4 @p addr/@p prefix_len (host byte order) to interface @p ifname,
 * with the subnet's broadcast address, as `ip addr add A/P brd + dev IF`.
 * An address already there is fine.
 * @return 0, or -errno with @p why filled in.
 */
int dpb_host_add_addr(const char *ifname, uint32_t addr, unsigned int prefix_len,
		      char *why, size_t why_len);

/**
 * Installs the default route via @p gateway (host byte order) out of
 * @p ifname in the main table, as `ip route add default via G dev IF`.
 * Never replaces a default route that is already there.
 * @return 0, -EEXIST when a default route exists, or another -errno, with
 *   @p why filled in.
 */
int dpb_host_add_default_route(const char *ifname, uint32_t gateway, char *why, size_t why_len);

#endif
