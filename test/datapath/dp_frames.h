/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_TEST_DP_FRAMES_H
#define DPB_TEST_DP_FRAMES_H

/* Test frames for the datapath tests: made whole, cut into mbuf chains, compared. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

/*
 * An untagged IPv4/UDP frame of @len bytes (at least 38), @dst <- @src,
 * whose UDP ports and payload follow @seq, so that every byte tells whether
 * it arrived whole.
 */
void dp_udp_frame(uint8_t *f, size_t len, const uint8_t *dst, const uint8_t *src, uint16_t seq);

/* Writes @u (untagged, @len bytes) with an 802.1Q tag for @vid: @len + 4 bytes. */
void dp_tagged(uint8_t *out, const uint8_t *u, size_t len, uint16_t vid);

/** How a frame is cut into segments. */
struct dp_shape {
	const char *name;
	uint16_t first[2];  /**< the first segments' lengths (0: none given) */
	uint16_t piece;     /**< then pieces of this many bytes (0: the rest in one) */
};

/* The frame @f (@len bytes) in mbufs of @pool, cut as @sh says; NULL when the pool is empty. */
struct rte_mbuf *dp_chain(struct rte_mempool *pool, const uint8_t *f, size_t len,
			  const struct dp_shape *sh);

/* Whether @m holds exactly the @len bytes @f, whatever its segments. */
bool dp_mbuf_is(const struct rte_mbuf *m, const uint8_t *f, size_t len);

#endif
