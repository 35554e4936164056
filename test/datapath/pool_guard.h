/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_TEST_POOL_GUARD_H
#define DPB_TEST_POOL_GUARD_H

/* The test mempool driver that catches double frees (pool_guard.c). */

#include <stdint.h>

/** Its name, for EAL's --mbuf-pool-ops-name. */
#define DPB_POOL_GUARD_OPS "dpb_guard"

/** How many frees of objects already in their pool it caught, in all pools. */
uint64_t dpb_pool_guard_double_frees(void);

#endif
