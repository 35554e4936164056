/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-bench's traffic: 64-byte UDP/IPv4 frames between hosts behind the VM
 * port and hosts on the wire, made into rings before a timed slice and
 * drained from them after it. The frames never leave the process; their
 * addresses are from the documentation ranges all the same.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "bench.h"

#define FRAME_LEN 64

/* Host @i of the VM side (0x0a), the wire (0x0b), or nobody's (0x0c). */
static void host_mac(uint8_t *mac, uint8_t side, uint32_t i)
{
	mac[0] = 0x02;
	mac[1] = side;
	mac[2] = 0;
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void write_frame(struct rte_mbuf *m, uint8_t src_side, uint32_t src, uint8_t dst_side,
			uint32_t dst)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memset(f, 0, FRAME_LEN);
	host_mac(f, dst_side, dst);
	host_mac(f + 6, src_side, src);
	f[12] = 0x08;
	f[13] = 0x00;
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(FRAME_LEN - RTE_ETHER_HDR_LEN);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	/* 198.51.100.x behind the VM port, 203.0.113.x on the wire; ports vary. */
	ip->src_addr = rte_cpu_to_be_32((src_side == 0x0a ? 0xc6336400u : 0xcb007100u) | (src & 0xff));
	ip->dst_addr = rte_cpu_to_be_32((dst_side == 0x0a ? 0xc6336400u : 0xcb007100u) | (dst & 0xff));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + (src >> 8)));
	udp->dst_port = rte_cpu_to_be_16((uint16_t)(1024 + (dst >> 8)));
	udp->dgram_len = rte_cpu_to_be_16(FRAME_LEN - RTE_ETHER_HDR_LEN - sizeof(*ip));
	m->data_len = FRAME_LEN;
	m->pkt_len = FRAME_LEN;
}

/* Puts @n frames of @pkts into @r; those it cannot take are freed. */
static unsigned int put(struct rte_ring *r, struct rte_mbuf **pkts, unsigned int n)
{
	unsigned int k = rte_ring_sp_enqueue_burst(r, (void **)pkts, n, NULL);

	if (k < n)
		rte_pktmbuf_free_bulk(pkts + k, n - k);
	return k;
}

unsigned int bench_gen(struct rte_ring *r, struct rte_mempool *mp, struct bench_stream *st,
		       unsigned int count)
{
	struct rte_mbuf *pkts[BENCH_BURST];
	unsigned int done = 0;
	uint8_t here = st->from_wire ? 0x0b : 0x0a, there = st->from_wire ? 0x0a : 0x0b;

	if (count > rte_ring_free_count(r))
		count = rte_ring_free_count(r);
	while (done < count) {
		unsigned int n = RTE_MIN(count - done, (unsigned int)BENCH_BURST);

		if (rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
			break;
		for (unsigned int i = 0; i < n; i++, st->k++) {
			uint32_t src = (uint32_t)(st->fresh ? st->k : st->k % st->n);
			uint32_t dst = (uint32_t)((st->k * 40503u + st->k / st->n) % st->n);

			write_frame(pkts[i], here, src, st->flood ? 0x0c : there, dst);
		}
		done += put(r, pkts, n);
	}
	return done;
}

unsigned int bench_gen_sources(struct rte_ring *r, struct rte_mempool *mp, bool wire,
			       uint32_t first, unsigned int count)
{
	/* To nobody's MAC: each is flooded to the other side once. */
	struct bench_stream st = { .n = 1, .from_wire = wire, .flood = true, .fresh = true, .k = first };

	return bench_gen(r, mp, &st, count);
}

unsigned int bench_drain(struct rte_ring *r)
{
	struct rte_mbuf *pkts[BENCH_BURST];
	unsigned int n, total = 0;

	while ((n = rte_ring_sc_dequeue_burst(r, (void **)pkts, BENCH_BURST, NULL)) > 0) {
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

unsigned int bench_drain_keep_slow(struct rte_ring *r)
{
	struct rte_mbuf *pkts[BENCH_BURST], *slow[BENCH_RING];
	unsigned int n, n_slow = 0, total = 0;

	while ((n = rte_ring_sc_dequeue_burst(r, (void **)pkts, BENCH_BURST, NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			const struct rte_ether_hdr *eth =
				rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);

			if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_SLOW) &&
			    n_slow < RTE_DIM(slow)) {
				slow[n_slow++] = pkts[i];
				continue;
			}
			rte_pktmbuf_free(pkts[i]);
			total++;
		}
	}
	put(r, slow, n_slow);
	return total;
}
