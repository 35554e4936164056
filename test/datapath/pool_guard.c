/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "dpb_guard" mempool driver: a ring, as DPDK's default, that also knows
 * which of its objects are in the pool, so that a second free of an mbuf
 * (one that is already back) is caught where it happens instead of going
 * unseen into the pool twice. Every mbuf that comes back has its data room
 * filled with 0xdb, so a frame still read after its last free shows it.
 *
 * For tests only. An in-process test links it; the dpbond binary loads it
 * with EAL's `-d` (built as a module). `--mbuf-pool-ops-name dpb_guard` makes
 * it the driver of every mbuf pool. Objects held in a per-lcore cache reach
 * the driver only when the cache spills or is flushed: a test that wants
 * every object checked flushes the caches first (dp_pools_check).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "pool_guard.h"

#define POISON 0xdb

struct guard {
	struct rte_ring *ring;
	rte_spinlock_t lock;   /* the table: frees come from every lcore */
	uint32_t mask;         /* table slots - 1 */
	uint64_t double_frees;
	struct slot {
		uintptr_t obj;     /* 0: empty */
		bool in_pool;
	} *table;
};

static uint64_t all_double_frees;

/* The slot of @obj, made when it is first seen (the pool filling itself). */
static struct slot *slot_of(struct guard *g, void *obj)
{
	uintptr_t key = (uintptr_t)obj;
	uint32_t i = (uint32_t)((key >> 6) * 0x9e3779b1u) & g->mask;

	while (g->table[i].obj != 0 && g->table[i].obj != key)
		i = (i + 1) & g->mask;
	if (g->table[i].obj == 0)
		g->table[i].obj = key;
	return &g->table[i];
}

static void poison(const struct rte_mempool *mp, void *obj)
{
	if (mp->private_data_size < sizeof(struct rte_pktmbuf_pool_private))
		return;
	memset((char *)obj + sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size((struct rte_mempool *)mp),
	       POISON, rte_pktmbuf_data_room_size((struct rte_mempool *)mp));
}

static int guard_alloc(struct rte_mempool *mp)
{
	struct guard *g = calloc(1, sizeof(*g));
	char name[RTE_RING_NAMESIZE];
	uint32_t slots = rte_align32pow2(mp->size * 2 + 2);

	if (g == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "dpbg_%.20s", mp->name);
	g->ring = rte_ring_create(name, rte_align32pow2(mp->size + 1), mp->socket_id, 0);
	g->table = calloc(slots, sizeof(*g->table));
	if (g->ring == NULL || g->table == NULL) {
		rte_ring_free(g->ring);
		free(g->table);
		free(g);
		return -ENOMEM;
	}
	g->mask = slots - 1;
	rte_spinlock_init(&g->lock);
	mp->pool_data = g;
	return 0;
}

static void guard_free(struct rte_mempool *mp)
{
	struct guard *g = mp->pool_data;

	fprintf(stderr, "pool guard: %s: %" PRIu64 " double frees\n", mp->name, g->double_frees);
	rte_ring_free(g->ring);
	free(g->table);
	free(g);
}

static int guard_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	struct guard *g = mp->pool_data;
	void *ok[n];
	unsigned int n_ok = 0;

	rte_spinlock_lock(&g->lock);
	for (unsigned int i = 0; i < n; i++) {
		struct slot *s = slot_of(g, objs[i]);

		if (s->in_pool) {
			g->double_frees++;
			__atomic_fetch_add(&all_double_frees, 1, __ATOMIC_RELAXED);
			fprintf(stderr, "pool guard: %s: object %p freed while already in the pool\n",
				mp->name, objs[i]);
			continue;
		}
		s->in_pool = true;
		ok[n_ok++] = objs[i];
	}
	rte_spinlock_unlock(&g->lock);
	for (unsigned int i = 0; i < n_ok; i++)
		poison(mp, ok[i]);
	return rte_ring_enqueue_bulk(g->ring, ok, n_ok, NULL) == n_ok ? 0 : -ENOBUFS;
}

static int guard_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct guard *g = mp->pool_data;

	if (rte_ring_dequeue_bulk(g->ring, objs, n, NULL) != n)
		return -ENOBUFS;
	rte_spinlock_lock(&g->lock);
	for (unsigned int i = 0; i < n; i++)
		slot_of(g, objs[i])->in_pool = false;
	rte_spinlock_unlock(&g->lock);
	return 0;
}

static unsigned int guard_count(const struct rte_mempool *mp)
{
	const struct guard *g = mp->pool_data;

	return rte_ring_count(g->ring);
}

static const struct rte_mempool_ops guard_ops = {
	.name = DPB_POOL_GUARD_OPS,
	.alloc = guard_alloc,
	.free = guard_free,
	.enqueue = guard_enqueue,
	.dequeue = guard_dequeue,
	.get_count = guard_count,
};

RTE_MEMPOOL_REGISTER_OPS(guard_ops);

uint64_t dpb_pool_guard_double_frees(void)
{
	return __atomic_load_n(&all_double_frees, __ATOMIC_RELAXED);
}
