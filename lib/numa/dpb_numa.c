/* SPDX-License-Identifier: BSD-3-Clause */
/* Pools per NUMA node, rx queues to the workers of their node. */
#include <errno.h>
#include <string.h>

#include "dpb_numa.h"

static bool node_ok(int node)
{
	return node >= 0 && node < DPB_NUMA_MAX_NODES;
}

int dpb_numa_layout_check(const struct dpb_numa_layout *l)
{
	if (!node_ok(l->main_node) || l->n_workers == 0 || l->n_workers > DPB_NUMA_MAX_WORKERS)
		return -EINVAL;
	for (unsigned int w = 0; w < l->n_workers; w++)
		if (!node_ok(l->worker_node[w]))
			return -EINVAL;
	return 0;
}

int dpb_numa_port_node(const struct dpb_numa_layout *l, int socket)
{
	if (socket < 0)
		return l->main_node;
	return socket < DPB_NUMA_MAX_NODES ? socket : -EINVAL;
}

bool dpb_numa_node_has_worker(const struct dpb_numa_layout *l, int node)
{
	for (unsigned int w = 0; w < l->n_workers; w++)
		if (l->worker_node[w] == node)
			return true;
	return false;
}

int dpb_numa_pools(const struct dpb_numa_layout *l, const int *port_socket, unsigned int n_ports,
		   struct dpb_numa_pools *out)
{
	memset(out, 0, sizeof(*out));
	if (dpb_numa_layout_check(l) < 0)
		return -EINVAL;
	out->needed[l->main_node] = true;
	for (unsigned int p = 0; p < n_ports; p++) {
		int node = dpb_numa_port_node(l, port_socket[p]);

		if (node < 0)
			return -EINVAL;
		out->needed[node] = true;
		out->n_ports[node]++;
	}
	for (unsigned int w = 0; w < l->n_workers; w++) {
		out->needed[l->worker_node[w]] = true;
		out->n_workers[l->worker_node[w]]++;
	}
	for (unsigned int n = 0; n < DPB_NUMA_MAX_NODES; n++)
		out->n_pools += out->needed[n];
	return 0;
}

/* The least loaded worker under @max_load, on @node (-1: any node); -1 when none. */
static int least_loaded(const struct dpb_numa_layout *l, int node, const unsigned int *load,
			unsigned int max_load)
{
	int best = -1;

	for (unsigned int w = 0; w < l->n_workers; w++) {
		if ((node >= 0 && l->worker_node[w] != node) || load[w] >= max_load)
			continue;
		if (best < 0 || load[w] < load[best])
			best = (int)w;
	}
	return best;
}

int dpb_numa_deal(const struct dpb_numa_layout *l, const int *port_socket,
		  const unsigned int *n_rxq, unsigned int n_ports, unsigned int max_load,
		  unsigned int *load, int *worker_of)
{
	unsigned int k = 0;

	if (dpb_numa_layout_check(l) < 0)
		return -EINVAL;
	for (unsigned int p = 0; p < n_ports; p++) {
		int node = dpb_numa_port_node(l, port_socket[p]);

		if (node < 0)
			return -EINVAL;
		/* No worker on the port's node: any node's (the caller warns). */
		if (!dpb_numa_node_has_worker(l, node))
			node = -1;
		for (unsigned int q = 0; q < n_rxq[p]; q++) {
			int w = least_loaded(l, node, load, max_load);

			/* Its node's workers full: polled from afar rather than not at all. */
			if (w < 0 && node >= 0)
				w = least_loaded(l, -1, load, max_load);
			worker_of[k++] = w;
			if (w >= 0)
				load[w]++;
		}
	}
	return (int)k;
}
