/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NUMA: an mbuf pool on each node that has a port or a worker (and on the
 * main lcore's), each port's rx queues filled from its own node's pool, and
 * its queues polled by workers of that node (lib/numa decides). A port whose
 * node has no worker lcore is polled from another node, and said once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "ctl_priv.h"

_Static_assert(RTE_MAX_NUMA_NODES <= DPB_NUMA_MAX_NODES, "lib/numa holds every DPDK node");
_Static_assert(DPB_FWD_MAX_WORKERS <= DPB_NUMA_MAX_WORKERS, "lib/numa holds every worker");

/* dpb_mbufs_s0, dpb_mbufs_s1, ...: the pool of each node (the pool guard's and the bench's name). */
#define POOL_PREFIX "dpb_mbufs_s"
#define MBUF_CACHE 256
/* Every pool's own slack; the main node's also holds the control plane's frames. */
#define POOL_BASE 4096
/* VM ports added at run time, whose rx queues fill from the main node's pool. */
#define POOL_VM_PORTS 8

int ctl_port_node(const struct dpb_ctl *c, const struct dpb_port *p)
{
	int node = dpb_numa_port_node(&c->numa, p->socket);

	return node >= 0 ? node : c->numa.main_node;
}

struct rte_mempool *ctl_port_pool(const struct dpb_ctl *c, const struct dpb_port *p)
{
	struct rte_mempool *mp = c->pools[ctl_port_node(c, p)];

	/* A node no port was on at start (a NIC a reload adds): the main node's. */
	return mp ? mp : c->pool;
}

/* One pool of @n mbufs on @node; where there is memory when @node has none. */
static struct rte_mempool *pool_on(int node, unsigned int n)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int cache = n / 8 < MBUF_CACHE ? n / 8 : MBUF_CACHE;
	struct rte_mempool *mp;

	snprintf(name, sizeof(name), "%s%d", POOL_PREFIX, node);
	mp = rte_pktmbuf_pool_create(name, n, cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE, node);
	if (mp == NULL && rte_errno == ENOMEM) {
		DPB_LOG(WARNING, CTL,
			"warning: pool %s: no hugepage memory on NUMA node %d for %u mbufs: made on another node (reserve hugepages on node %d: /sys/devices/system/node/node%d/hugepages)",
			name, node, n, node, node);
		mp = rte_pktmbuf_pool_create(name, n, cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					     SOCKET_ID_ANY);
	}
	if (mp == NULL)
		DPB_LOG(ERR, CTL, "cannot create pool %s of %u mbufs: %s", name, n,
			rte_strerror(rte_errno));
	return mp;
}

int ctl_pools_create(struct dpb_ctl *c)
{
	int socket[CTL_MAX_PORTS];
	struct dpb_numa_pools plan;

	for (unsigned int i = 0; i < c->n_ports; i++)
		socket[i] = c->ports[i].socket;
	if (dpb_numa_pools(&c->numa, socket, c->n_ports, &plan) < 0) {
		DPB_LOG(ERR, CTL, "a NUMA node out of range: a port's or an lcore's");
		return -EINVAL;
	}
	for (int node = 0; node < DPB_NUMA_MAX_NODES; node++) {
		unsigned int n = POOL_BASE;

		if (!plan.needed[node])
			continue;
		n += plan.n_ports[node] * ctl_port_mbufs(c, false);
		if (node == c->numa.main_node)
			n += POOL_VM_PORTS * ctl_port_mbufs(c, true);
		/* Any lcore may free this pool's mbufs into a cache of its own. */
		n += c->n_pollers * MBUF_CACHE * 2;
		/* --mbufs: each pool's size, the operator's (or a test's that runs it dry). */
		if (c->file.n_mbufs)
			n = c->file.n_mbufs;
		c->pools[node] = pool_on(node, n);
		if (c->pools[node] == NULL)
			return -ENOMEM;
		DPB_LOG(INFO, CTL, "pool %s: %u mbufs on NUMA node %d, for %u ports and %u workers",
			c->pools[node]->name, n, node, plan.n_ports[node], plan.n_workers[node]);
	}
	c->pool = c->pools[c->numa.main_node];
	for (unsigned int i = 0; i < c->n_pollers; i++)
		c->workers[i]->pool = c->pools[c->numa.worker_node[i]];
	return 0;
}

void ctl_numa_check_port(const struct dpb_ctl *c, struct dpb_port *p)
{
	char lcores[256] = "";
	int node = ctl_port_node(c, p);
	size_t len = 0;

	if (p->numa_warned || dpb_numa_node_has_worker(&c->numa, node))
		return;
	p->numa_warned = true;
	for (unsigned int i = 0; i < c->n_pollers && len < sizeof(lcores); i++)
		len += (size_t)snprintf(lcores + len, sizeof(lcores) - len, "%s%u (node %d)",
					i ? ", " : "", c->workers[i]->lcore_id, c->numa.worker_node[i]);
	DPB_LOG(WARNING, FWD,
		"warning: %s is on NUMA node %d and no worker lcore is (lcores %s): its rx queues are polled from another node; give EAL -l lcores of node %d",
		p->name, node, lcores, node);
}

void ctl_numa_assign_queues(const struct dpb_ctl *c, struct dpb_fwd_snapshot *s)
{
	int socket[CTL_MAX_PORTS] = { 0 }, worker_of[CTL_MAX_PORTS * DPB_FWD_MAX_WORKERS];
	unsigned int n_rxq[CTL_MAX_PORTS] = { 0 }, load[DPB_FWD_MAX_WORKERS] = { 0 };
	const struct dpb_port *port[CTL_MAX_PORTS];
	unsigned int n = 0, k = 0;
	int dealt;

	/* The running ports in the order of their interfaces. */
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct dpb_port *p;

		if (c->ifs[i].port < 0)
			continue;
		p = &c->ports[c->ifs[i].port];
		port[n] = p;
		socket[n] = p->socket;
		n_rxq[n++] = p->started ? RTE_MIN(p->n_rxq, DPB_FWD_MAX_WORKERS) : 0;
	}
	dealt = dpb_numa_deal(&c->numa, socket, n_rxq, n, DPB_FWD_MAX_RXQ, load, worker_of);
	for (unsigned int i = 0; dealt > 0 && i < n; i++) {
		for (uint16_t q = 0; q < n_rxq[i]; q++) {
			int w = worker_of[k++];

			if (w < 0)
				continue;
			s->rxq[w][s->n_rxq[w]].port_id = port[i]->port_id;
			s->rxq[w][s->n_rxq[w]].queue = q;
			s->n_rxq[w]++;
		}
	}
}

/* Every lcore has stopped: what their caches hold goes back to @mp's driver. */
static void flush_caches(struct rte_mempool *mp)
{
	unsigned int lcore;

	RTE_LCORE_FOREACH(lcore)
		rte_mempool_cache_flush(rte_mempool_default_cache(mp, lcore), mp);
}

int ctl_pools_free(struct dpb_ctl *c)
{
	unsigned int avail = 0, size = 0;
	int rc = 0;

	for (int node = 0; node < DPB_NUMA_MAX_NODES; node++) {
		struct rte_mempool *mp = c->pools[node];
		unsigned int a;

		if (mp == NULL)
			continue;
		flush_caches(mp);
		a = rte_mempool_avail_count(mp);
		avail += a;
		size += mp->size;
		if (a != mp->size) {
			DPB_LOG(ERR, CTL, "error: %u mbufs were not returned to pool %s",
				mp->size - a, mp->name);
			rc = -EIO;
		}
	}
	/* (Summed over the pools: one line, whatever the nodes.) */
	if (size)
		DPB_LOG(INFO, CTL, "mbufs: %u of %u back in the pool", avail, size);
	for (int node = 0; node < DPB_NUMA_MAX_NODES; node++) {
		rte_mempool_free(c->pools[node]);
		c->pools[node] = NULL;
	}
	c->pool = NULL;
	return rc;
}

unsigned int ctl_pools_min_avail(const struct dpb_ctl *c, const char **name)
{
	unsigned int least = UINT32_MAX;

	for (int node = 0; node < DPB_NUMA_MAX_NODES; node++) {
		const struct rte_mempool *mp = c->pools[node];

		if (mp && rte_mempool_avail_count(mp) < least) {
			least = rte_mempool_avail_count(mp);
			*name = mp->name;
		}
	}
	return least == UINT32_MAX ? 0 : least;
}

void dpb_ctl_show_pools(const struct dpb_ctl *c, struct dpb_strbuf *out)
{
	const struct dpb_fwd_snapshot *s = atomic_load(&c->snap);

	for (int node = 0; node < DPB_NUMA_MAX_NODES; node++) {
		const struct rte_mempool *mp = c->pools[node];

		if (mp)
			dpb_strbuf_printf(out, "pool %s: NUMA node %d, %u mbufs, %u free\n",
					  mp->name, node, mp->size, rte_mempool_avail_count(mp));
	}
	for (unsigned int i = 0; i < c->n_pollers; i++)
		dpb_strbuf_printf(out, "worker %u: lcore %u, NUMA node %d, %u rx queues\n", i,
				  c->workers[i]->lcore_id, c->numa.worker_node[i],
				  s ? s->n_rxq[i] : 0);
}
