/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_NUMA_H
#define DPB_NUMA_H

/**
 * @file
 * Placement over NUMA nodes: which nodes get an mbuf pool, and which worker
 * polls each rx queue. A frame should stay on one node from the NIC that
 * receives it to the worker that forwards it: the NIC writes it into its own
 * node's pool, and a worker on that node polls the queue.
 *
 * Pure: the caller reads the nodes (DPDK's rte_eth_dev_socket_id,
 * rte_lcore_to_socket_id) and passes them in; nothing here logs or
 * allocates. Control lcore (any one thread: no shared state).
 */

#include <stdbool.h>

/** A device with no node of its own (DPDK's SOCKET_ID_ANY): a virtual one. */
#define DPB_NUMA_ANY (-1)
/** Nodes 0..DPB_NUMA_MAX_NODES-1 (DPDK's RTE_MAX_NUMA_NODES in Debian's build). */
#define DPB_NUMA_MAX_NODES 32
/** Workers a layout holds (DPDK's RTE_MAX_LCORE in Debian's build). */
#define DPB_NUMA_MAX_WORKERS 128

/** Where the lcores are. */
struct dpb_numa_layout {
	int main_node;                             /**< the main (control) lcore's */
	unsigned int n_workers;                    /**< the lcores that poll rx queues */
	int worker_node[DPB_NUMA_MAX_WORKERS];     /**< by worker index */
};

/** The nodes that get a pool, and what each pool feeds. */
struct dpb_numa_pools {
	bool needed[DPB_NUMA_MAX_NODES];           /**< this node gets a pool */
	unsigned int n_ports[DPB_NUMA_MAX_NODES];  /**< ports whose rx queues it fills */
	unsigned int n_workers[DPB_NUMA_MAX_NODES];/**< workers that copy frames from it */
	unsigned int n_pools;                      /**< how many nodes are needed */
};

/**
 * Checks @p l: every node in range, at least one worker.
 * @return 0, or -EINVAL.
 */
int dpb_numa_layout_check(const struct dpb_numa_layout *l);

/**
 * The node a device's frames live on: @p socket as DPDK reads it, or the
 * main lcore's node when it has none (DPB_NUMA_ANY or any negative value:
 * a virtual device, whose memory is wherever its creator's is).
 * @return the node, or -EINVAL when @p socket is past DPB_NUMA_MAX_NODES.
 */
int dpb_numa_port_node(const struct dpb_numa_layout *l, int socket);

/** Whether a worker of @p l is on @p node. */
bool dpb_numa_node_has_worker(const struct dpb_numa_layout *l, int node);

/**
 * The pools: one on the main lcore's node (the control plane's own frames,
 * and the VM ports added at run time, which have no node), and one on each
 * node that has a port or a worker; with each one's ports and workers
 * counted, so that the caller sizes it by the queues it feeds.
 * @param port_socket by port, its socket as DPDK reads it (see
 *        dpb_numa_port_node)
 * @return 0, or -EINVAL (@p l fails dpb_numa_layout_check, or a socket is
 *         out of range), @p out then undefined.
 */
int dpb_numa_pools(const struct dpb_numa_layout *l, const int *port_socket, unsigned int n_ports,
		   struct dpb_numa_pools *out);

/**
 * Deals the rx queues to the workers: port by port in the order given, each
 * of its @p n_rxq[p] queues to the least loaded worker on the port's node
 * (ties: the lowest index), so that one node's queues spread evenly over its
 * workers; a port on a node without a worker goes to the least loaded of
 * all workers (dpb_numa_node_has_worker says which ports, for a warning).
 * A worker that already polls @p max_load queues takes no more: when all of
 * the node's are that full, the least loaded of the others takes the
 * queue; one that no worker may take is left out (-1).
 * @param port_socket by port, as DPDK reads it (see dpb_numa_port_node)
 * @param load by worker: queues it polls already; each queue dealt adds one
 * @param worker_of out: the worker of each queue, port 0's first; room for
 *        the sum of @p n_rxq
 * @return the entries written to @p worker_of (the sum of @p n_rxq, those
 *         left out included), or -EINVAL (@p l fails
 *         dpb_numa_layout_check, or a socket is out of range).
 */
int dpb_numa_deal(const struct dpb_numa_layout *l, const int *port_socket,
		  const unsigned int *n_rxq, unsigned int n_ports, unsigned int max_load,
		  unsigned int *load, int *worker_of);

#endif
