/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_frames.h"

void dp_udp_frame(uint8_t *f, size_t len, const uint8_t *dst, const uint8_t *src, uint16_t seq)
{
	static const uint8_t ip_udp[] = {
		0x08, 0x00, 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0,
		198, 51, 100, 1, 203, 0, 113, 1,
	};

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	memcpy(f + 12, ip_udp, sizeof(ip_udp));
	f[34] = (uint8_t)(seq >> 8);     /* source port */
	f[35] = (uint8_t)seq;
	f[36] = 0x30;                    /* destination port */
	f[37] = (uint8_t)(seq * 7);
	for (size_t i = 38; i < len; i++)
		f[i] = (uint8_t)(i * 13 + seq);
}

void dp_tagged(uint8_t *out, const uint8_t *u, size_t len, uint16_t vid)
{
	memcpy(out, u, 12);
	out[12] = 0x81;
	out[13] = 0x00;
	out[14] = (uint8_t)(vid >> 8);
	out[15] = (uint8_t)vid;
	memcpy(out + 16, u + 12, len - 12);
}

struct rte_mbuf *dp_chain(struct rte_mempool *pool, const uint8_t *f, size_t len,
			  const struct dp_shape *sh)
{
	struct rte_mbuf *head = NULL;
	size_t off = 0;

	for (unsigned int k = 0; off < len; k++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		size_t n = k < 2 && sh->first[k] ? sh->first[k] : sh->piece ? sh->piece : len - off;

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		n = RTE_MIN(n, len - off);
		n = RTE_MIN(n, (size_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), f + off, n);
		off += n;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
	}
	return head;
}

bool dp_mbuf_is(const struct rte_mbuf *m, const uint8_t *f, size_t len)
{
	static uint8_t buf[UINT16_MAX];
	const uint8_t *p;

	if (rte_pktmbuf_pkt_len(m) != len || len > sizeof(buf))
		return false;
	p = rte_pktmbuf_read(m, 0, (uint32_t)len, buf);
	return p && memcmp(p, f, len) == 0;
}
