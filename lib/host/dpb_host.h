/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_HOST_H
#define DPB_HOST_H

/**
 * @file
 * The host's side of a bridge or VLAN: the kernel interface (a TAP that
 * dpbond's net_tap port created, named like the bridge or VLAN) gets the
 * stanza's addresses and default routes over rtnetlink (libmnl), as ifupdown
 * would have given them to the Linux bridge. No DPDK; each call is one
 * request and its acknowledgement. Control thread only (it makes syscalls).
 * Addresses are in network byte order, 4 bytes for AF_INET, 16 for AF_INET6.
 */

#include <stddef.h>
#include <stdint.h>

/**
 * Adds @p addr/@p prefix_len of @p family (AF_INET or AF_INET6) to interface
 * @p ifname, as `ip addr add A/P [brd +] dev IF` (IPv4 gets the subnet's
 * broadcast address). An address already there is fine.
 * @return 0, or -errno with @p why filled in.
 */
int dpb_host_add_addr(const char *ifname, int family, const uint8_t *addr,
		      unsigned int prefix_len, char *why, size_t why_len);

/**
 * Removes address @p addr/@p prefix_len of @p family from kernel interface
 * @p ifname, as `ip addr del A/P dev IF`. One that is not there is fine.
 * @return 0, or -errno with @p why filled in.
 */
int dpb_host_del_addr(const char *ifname, int family, const uint8_t *addr,
		      unsigned int prefix_len, char *why, size_t why_len);

/**
 * Installs the default route of @p family via @p gateway out of @p ifname in
 * the main table, as `ip [-6] route add default via G dev IF`. Never
 * replaces a default route that is already there.
 * @return 0, -EEXIST when a default route exists, or another -errno, with
 *   @p why filled in.
 */
int dpb_host_add_default_route(const char *ifname, int family, const uint8_t *gateway,
			       char *why, size_t why_len);

/**
 * The MAC of kernel interface @p ifname (an Ethernet one), as it is now: a
 * TAP that a previous dpbond left for this one keeps its MAC.
 * @return 0, -ENODEV when there is no such interface, or another -errno.
 */
int dpb_host_link_mac(const char *ifname, uint8_t mac[6]);

/**
 * Removes kernel interface @p ifname, as `ip link del IF`: a host port's
 * persistent TAP at a real stop. One that is not there is fine.
 * @return 0, or -errno with @p why filled in.
 */
int dpb_host_del_link(const char *ifname, char *why, size_t why_len);

/**
 * Sets the MTU of kernel interface @p ifname, as `ip link set IF mtu N`.
 * @return 0, or -errno with @p why filled in.
 */
int dpb_host_set_mtu(const char *ifname, unsigned int mtu, char *why, size_t why_len);

/**
 * Writes @p value to /proc/sys/net/ipv6/conf/@p ifname/@p key (accept_ra,
 * autoconf: what `inet6 auto` sets for SLAAC).
 * @return 0, or -errno with @p why filled in.
 */
int dpb_host_set_ipv6_conf(const char *ifname, const char *key, const char *value,
			   char *why, size_t why_len);

/** Called every 10 ms while dpb_host_run() waits, with the time waited so far. */
typedef void (*dpb_host_waiting_fn)(void *arg, unsigned long waited_ms);

/**
 * Runs @p cmd through `/bin/sh -c` with @p envp as its whole environment and
 * waits for it, at most @p timeout_s seconds (then it is killed), calling
 * @p waiting (unless NULL) with @p arg every 10 ms meanwhile. Any thread.
 * @return its exit status (0-255; 128 + N when killed by signal N),
 *   -ETIMEDOUT, or -errno when it could not be started.
 */
int dpb_host_run(const char *cmd, char *const envp[], unsigned int timeout_s,
		 dpb_host_waiting_fn waiting, void *arg);

#endif
