/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_MAC_H
#define DPB_MAC_H

/** @file Ethernet addresses, independent of DPDK's rte_ether_addr. */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define DPB_MAC_LEN 6
/** Room for "xx:xx:xx:xx:xx:xx" and its NUL. */
#define DPB_MAC_STR_LEN 18

struct dpb_mac {
	uint8_t b[DPB_MAC_LEN];
};

/** Writes @p mac as Linux's %pM does (lowercase, ':'-separated). @return buf. */
char *dpb_mac_format(const struct dpb_mac *mac, char buf[DPB_MAC_STR_LEN]);

/** Parses "xx:xx:xx:xx:xx:xx" (either case). @return 0 or -EINVAL. */
int dpb_mac_parse(const char *s, struct dpb_mac *mac);

static inline bool dpb_mac_is_multicast(const struct dpb_mac *mac)
{
	return mac->b[0] & 1;
}

static inline bool dpb_mac_eq(const struct dpb_mac *a, const struct dpb_mac *b)
{
	return memcmp(a->b, b->b, DPB_MAC_LEN) == 0;
}

/** The MAC as the low 48 bits of an integer, first byte most significant. */
static inline uint64_t dpb_mac_to_u64(const uint8_t b[DPB_MAC_LEN])
{
	return ((uint64_t)b[0] << 40) | ((uint64_t)b[1] << 32) |
	       ((uint64_t)b[2] << 24) | ((uint64_t)b[3] << 16) |
	       ((uint64_t)b[4] << 8) | (uint64_t)b[5];
}

#endif
