/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-bench's parts: the traffic (bench_gen.c), the rig of devices, bonds
 * and dpbond it runs on (bench_rig.c), and the cases and their figures
 * (dpb_bench.c). Everything runs on the main lcore; only the forwarding
 * being measured is timed, never the making or the draining of frames.
 */
#ifndef DPB_BENCH_H
#define DPB_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dpb_ctl.h"

#define BENCH_BURST 32
#define BENCH_MAX_MEMBERS 4
#define BENCH_RING 4096          /* every ring's size */
#define BENCH_SLICE 2048         /* frames made ready for one timed slice */

/* Which way the frames go: VM port -> bond (tx), wire -> VM port (rx), or both. */
enum bench_dir { DIR_TX, DIR_RX, DIR_BOTH };

/*
 * A stream of 64-byte UDP/IPv4 frames between N hosts behind the VM port
 * (MACs 02:0a:00:xx:xx:xx) and N on the wire (02:0b:00:xx:xx:xx): frame k
 * goes from host k mod N of one side to host (k * 40503 + k / N) mod N of
 * the other, so that every host is used and destinations jump around the
 * FDB. A flooding stream sends to a MAC nobody has (02:0c:...).
 */
struct bench_stream {
	uint32_t n;          /* hosts on each side (>= 1) */
	bool from_wire;      /* wire -> VM (the rx direction) */
	bool flood;          /* to an unknown destination */
	bool fresh;          /* frame k from host k: a new source each frame */
	uint64_t k;          /* the next frame's number */
};

/** Fills @p r with up to @p count frames of @p st from @p mp. @return frames put in. */
unsigned int bench_gen(struct rte_ring *r, struct rte_mempool *mp, struct bench_stream *st,
		       unsigned int count);

/** Frames whose source is each of hosts [first, first + count) of one side, for learning. */
unsigned int bench_gen_sources(struct rte_ring *r, struct rte_mempool *mp, bool wire,
			       uint32_t first, unsigned int count);

/** Empties @p r, freeing every frame. @return how many. */
unsigned int bench_drain(struct rte_ring *r);

/**
 * Empties cable @p r, freeing every frame but slow-protocol ones (LACPDUs),
 * which go back in for the partner to read. @return frames freed.
 */
unsigned int bench_drain_keep_slow(struct rte_ring *r);

/* The devices, bonds and dpbond for one number of members. */
struct bench_rig {
	unsigned int n;                              /* members per bond */
	unsigned int id;                             /* in its devices' names: b<id>... */
	uint32_t max_macs;                           /* hosts a side the FDBs are sized for */
	uint16_t ma[BENCH_MAX_MEMBERS], ml[BENCH_MAX_MEMBERS]; /* bonda's, bondl's members */
	struct rte_mempool *pool;                    /* the traffic's frames */
	struct dpb_ctl *ctl;
	/* the bench's own source and sink (ceiling, bond stages) */
	uint16_t src, sink;
	struct rte_ring *src_in, *sink_out;
	/* dpbond: bra = vma + bonda (every mode but 802.3ad); bondn (bond stage) */
	struct rte_ring *vma_in, *vma_out, *ma_in[BENCH_MAX_MEMBERS], *ma_out[BENCH_MAX_MEMBERS];
	/* dpbond: brl = vml + bondl (802.3ad), members cabled to DPDK's bond L */
	struct rte_ring *vml_in, *vml_out;
	struct rte_ring *to_ml[BENCH_MAX_MEMBERS], *from_ml[BENCH_MAX_MEMBERS];
	/* DPDK's bonding PMD: D (any mode but 4, over net_null members: it
	 * sets its members' MACs, which ring ports cannot take), L (mode 4) */
	uint16_t bond_d, bond_l;                     /* UINT16_MAX: not made */
	uint16_t d[BENCH_MAX_MEMBERS];
	uint16_t mn[BENCH_MAX_MEMBERS];              /* dpbond's bondn: net_null, as D's */
	uint16_t ports[32];                          /* every port the bench made */
	unsigned int n_ports;
	struct rte_ring *rings[64];                  /* every ring the bench made */
	unsigned int n_rings;
};

/**
 * Makes the rig for @p n members: rings, ring ports, DPDK's two bonds and
 * dpbond (its bridges' FDBs sized for @p max_macs hosts a side), then LACP
 * between bondl and L. @return 0, or -1 with why on stderr.
 */
int bench_rig_up(struct bench_rig *g, unsigned int n, uint32_t max_macs);

/** Frames the net_null members of DPDK's bond D (@p ours: of dpbond's bondn) have sent so far. */
uint64_t bench_null_sent(const struct bench_rig *g, bool ours);

/** Stops and closes everything bench_rig_up() made, dpbond first. */
void bench_rig_down(struct bench_rig *g);

/** DPDK's bond L's turn: what its members received read (and freed), its LACPDUs sent. */
void bench_pmd_l_turn(struct bench_rig *g);

/**
 * Runs dpbond and DPDK's bond L side by side for @p ms (LACPDUs both ways,
 * data drained). @return whether both bonds have all members distributing.
 */
bool bench_lacp_converse(struct bench_rig *g, unsigned int ms);

/** Sets DPDK's bond D to @p mode (DPDK's number) and xmit @p policy; waits for its members. */
int bench_pmd_mode(struct bench_rig *g, uint8_t mode, uint8_t policy);

/**
 * Sets bonda's and bondl's miimon to @p ms, as an operator would: the file
 * written again and reloaded (ports kept). @return 0 or -1.
 */
int bench_set_miimon(struct bench_rig *g, unsigned int ms);

/**
 * Failover under load (bench_failover.c): a steady stream of @p mpps from
 * the VM port through bra and bonda (@p lacp: brl and bondl, 802.3ad), the
 * first member's link taken down (as its device reports it) and brought up
 * again. Prints a FAILOVER line: the frames lost (sent to the dead link)
 * and the time from link down to traffic on the survivors. @return 0 or -1.
 */
int bench_failover(struct bench_rig *g, bool lacp, unsigned int miimon, double mpps);

/**
 * Teaches dpbond's bridge bra (@p lacp: brl) hosts [0, n) of both sides.
 * @return the FDB entries it then has.
 */
unsigned int bench_learn(struct bench_rig *g, bool lacp, uint32_t n);

#endif
