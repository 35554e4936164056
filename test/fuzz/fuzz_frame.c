/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the frame parsing dpbond does without EAL, on one Ethernet
 * frame (the input, from the destination MAC on):
 *  - every transmit hash policy (lib/bond/bond_hash.c), which walks VLAN
 *    tags, IPv4/IPv6, fragments, ICMP and IP-in-IP/GRE; checked: the hash
 *    of the first DPB_XMIT_HASH_MAX_READ octets is the hash of the whole;
 *  - slow-protocol classification: ethertype 0x8809, subtype, the LACPDU
 *    and Marker decoders on what follows;
 *  - ARP/ND address snooping (lib/bridge/snoop.c, what the bridge learns a
 *    MAC's IPv4/IPv6 address from), fed to an FDB as the control lcore does.
 * lib/fwd's own header reads (VLAN ingress, the ARP monitor's and rlb's ARP
 * checks) take mbufs: not covered here (doc/reliability.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpb_bond_hash.h"
#include "dpb_fdb.h"
#include "dpb_lacp_pdu.h"
#include "dpb_snoop.h"
#include "fuzz_target.h"

#define ETH_HLEN 14

static struct dpb_fdb *fdb;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fdb = dpb_fdb_create(64);
	if (fdb == NULL)
		abort();
	return 0;
}

static void hashes(const uint8_t *f, size_t len)
{
	for (unsigned int p = 0; p < DPB_XMIT_HASH_COUNT; p++) {
		uint32_t h = dpb_xmit_hash((enum dpb_xmit_hash_policy)p, f, len);

		if (len > DPB_XMIT_HASH_MAX_READ)
			FUZZ_CHECK(h == dpb_xmit_hash((enum dpb_xmit_hash_policy)p, f,
						      DPB_XMIT_HASH_MAX_READ),
				   "the hash reads past DPB_XMIT_HASH_MAX_READ");
	}
}

static void slow(const uint8_t *f, size_t len)
{
	struct dpb_lacpdu l;
	struct dpb_marker_pdu m;
	const uint8_t *pdu = f + ETH_HLEN;
	size_t n = len - ETH_HLEN;

	switch (dpb_slow_subtype(pdu, n)) {
	case DPB_SLOW_SUBTYPE_LACP:
		(void)dpb_lacpdu_decode(pdu, n, &l);
		break;
	case DPB_SLOW_SUBTYPE_MARKER:
		(void)dpb_marker_decode(pdu, n, &m);
		break;
	default:
		FUZZ_CHECK(dpb_lacpdu_decode(pdu, n, &l) != DPB_SLOW_OK &&
				   dpb_marker_decode(pdu, n, &m) != DPB_SLOW_OK,
			   "an unknown subtype decoded");
	}
}

static void count(void *ctx, const struct dpb_fdb_item *it)
{
	(void)it;
	(*(unsigned int *)ctx)++;
}

/* As the control lcore takes a learn request with an address in it. */
static void snoop(const uint8_t *f, size_t len, uint16_t type)
{
	const uint8_t *src = f + 6;
	uint8_t ip6[16];
	uint32_t ip4 = 0;
	unsigned int n = 0;

	if (type == 0x0806)
		ip4 = dpb_snoop_arp_sender(f + ETH_HLEN, len - ETH_HLEN);
	else if (type != 0x86dd || !dpb_snoop_nd_address(f + ETH_HLEN, len - ETH_HLEN, ip6))
		return;
	dpb_fdb_learn(fdb, 1, src, 3, 1000);
	if (type == 0x0806) {
		if (ip4)
			FUZZ_CHECK(dpb_fdb_set_ipv4(fdb, 1, src, ip4) == 0, "set_ipv4 of a learnt MAC");
	} else {
		FUZZ_CHECK(dpb_fdb_set_ipv6(fdb, 1, src, ip6) == 0, "set_ipv6 of a learnt MAC");
	}
	dpb_fdb_foreach(fdb, count, &n);
	FUZZ_CHECK(n >= 1, "a learnt MAC not in the FDB");
	dpb_fdb_flush_port(fdb, 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t type;

	hashes(data, size);
	if (size < ETH_HLEN)
		return 0;
	type = (uint16_t)(data[12] << 8 | data[13]);
	if (type == DPB_SLOW_ETHERTYPE)
		slow(data, size);
	snoop(data, size, type);
	return 0;
}
