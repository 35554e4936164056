/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_TEST_DP_ENV_H
#define DPB_TEST_DP_ENV_H

/* What every in-process datapath test needs around EAL and configuration. */

#include "dpb_cfg.h"

/*
 * Starts EAL for this test process: one lcore, --no-huge, no PCI, and a
 * --file-prefix of its own (@name and the pid). @extra_log, when not NULL,
 * is one more --log-level setting. @return 0, or -1.
 */
int dp_eal_init(const char *name, const char *extra_log);

/* Loads configuration @text (written to a temporary file). @return 0 or -1. */
int dp_cfg_load(struct dpb_cfg *cfg, const char *text);

struct rte_mempool;

/* Whether every mbuf of the test's @pool is back; says which are not. @return 0 or -1. */
int dp_pool_full(const struct rte_mempool *pool);

/*
 * Flushes this lcore's cache of every mempool into its driver and says
 * whether the guard (every mbuf pool's driver here) saw a double free.
 * @return 0, or -1 (said on stderr).
 */
int dp_pools_check(void);

struct dpb_ctl;

/*
 * What the last test of a datapath test asserts (a group teardown's failure
 * would not fail the run): dpbond destroyed with every mbuf back in its pool,
 * the test's @pool (may be NULL) full, and no mbuf freed twice anywhere.
 * Sets *@ctl to NULL. @return 0, or -1 (said on stderr).
 */
int dp_finish(struct dpb_ctl **ctl, const struct rte_mempool *pool);

struct rte_ring;

/*
 * Makes @n net_ring ports eth0..eth(n-1), port ids 0..n-1 (the first
 * devices of the process), each on an rx and a tx ring the test holds.
 * @return 0, or -1.
 */
int dp_ring_ports(unsigned int n, struct rte_ring **rx, struct rte_ring **tx);

/* A group teardown: destroys dpbond if a test left it, then dp_eal_fini(). */
int dp_teardown(struct dpb_ctl **ctl);

/* Frees the pools left, stops EAL and removes its runtime folder. @return 0, or -1. */
int dp_eal_fini(void);

#endif
