/* SPDX-License-Identifier: BSD-3-Clause */
/* A MAC's IP addresses, from its ARP and neighbour discovery frames (dpb_snoop.h). */
#include <string.h>

#include "dpb_snoop.h"

#define ARP_HRD_LEN 6
#define ETYPE_IPV4 0x0800
#define IPV6_HLEN 40
#define PROTO_ICMPV6 58
#define ND_SOLICIT 135
#define ND_ADVERT 136

uint32_t dpb_snoop_arp_sender(const uint8_t *arp, size_t len)
{
	/* hardware 0, protocol 2, hlen 4, plen 5, op 6, sha 8, spa 14 */
	if (len < DPB_SNOOP_ARP_LEN || arp[4] != ARP_HRD_LEN || arp[5] != 4 ||
	    (arp[2] << 8 | arp[3]) != ETYPE_IPV4)
		return 0;
	return (uint32_t)arp[14] << 24 | (uint32_t)arp[15] << 16 | (uint32_t)arp[16] << 8 |
	       arp[17];
}

bool dpb_snoop_nd_address(const uint8_t *ip6, size_t len, uint8_t addr[16])
{
	static const uint8_t unspecified[16];
	const uint8_t *src = ip6 + 8, *icmp = ip6 + IPV6_HLEN;

	/* next header 6, hop limit 7, source 8, destination 24 */
	if (len < DPB_SNOOP_ND_LEN || ip6[6] != PROTO_ICMPV6 || ip6[7] != 255)
		return false;
	if (icmp[0] == ND_SOLICIT && memcmp(src, unspecified, 16) != 0)
		memcpy(addr, src, 16);
	else if (icmp[0] == ND_ADVERT)
		memcpy(addr, icmp + 8, 16);
	else
		return false;
	return true;
}
