/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_PORT_H
#define DPB_PORT_H

/**
 * @file
 * One DPDK device as dpbond uses it: found or probed from devargs, given one
 * rx and one tx queue per worker, started promiscuous, and a "cable" that the
 * console can pull. Devices that can take their link down
 * (rte_eth_dev_set_link_down) do so; for the rest (pcap, null, af_packet,
 * vhost) the port keeps an override so the link reads down and the datapath
 * drops what crosses it, counted.
 *
 * Control lcore only, except dpb_port_cable_out(), which any thread may read.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "dpb_cfg.h"

struct dpb_port {
	char name[DPB_NAME_LEN];          /**< interface name from the config */
	char devargs[DPB_CFG_DEVARGS_LEN];/**< how it was found ("" = EAL probed it) */
	uint16_t port_id;
	int socket;                       /**< its device's NUMA node; SOCKET_ID_ANY (-1): a virtual one */
	bool probed_here;                 /**< we called rte_dev_probe: detach at exit */
	bool configured;
	bool started;
	bool link_ctl;                    /**< set_link_down/up work on this device */
	struct rte_ether_addr perm_addr;  /**< MAC at attach time */
	uint16_t n_rxq;                   /**< data rx queues (the workers poll them) */
	uint16_t n_txq;                   /**< data tx queues, one per worker */
	struct rte_mempool *pool;         /**< what the rx queues fill from */
	bool tx_multi_seg;                /**< the device sends frames of several segments */
	unsigned int mtu;                 /**< what dpbond runs it with (set on the device where it can be) */
	unsigned int peer_mtu;            /**< a VM's negotiated MTU (VIRTIO_NET_F_MTU); 0: none */
	bool mtu_warned;                  /**< the device's limits were said once */
	bool numa_warned;                 /**< no worker on its node: said once */
	bool slow_steered;                /**< rte_flow puts ethertype 0x8809 on slow_rxq */
	uint16_t slow_rxq;                /**< the control lcore's rx queue, when steered */
	uint16_t slow_txq;                /**< and its tx queue */
	struct rte_flow *slow_flow;
	atomic_bool cable_out;            /**< `set link-down port`: cable pulled */
};

/** What the link reads, cable override included. */
struct dpb_port_link {
	bool up;
	uint32_t speed_mbps;    /**< 0 when unknown */
	bool full_duplex;
};

/**
 * Finds the device for @p name: probes @p devargs when given (or finds it if
 * already probed), else takes @p nth_port, the EAL-probed port of that number
 * (-1 when none applies).
 * @return 0, or -errno with a message logged (dpbond.port).
 */
int dpb_port_attach(struct dpb_port *p, const char *name, const char *devargs, int nth_port);

/**
 * Configures @p n_queues rx queues (fewer if the device has fewer) and
 * exactly @p n_queues tx queues, with mbufs from @p pool, for IP packets of
 * @p mtu bytes: the device's MTU where its limits allow (else a warning),
 * and scattered rx, where offered, when such a frame is longer than an mbuf.
 * @return 0, or -errno (message logged, dpbond.port), e.g. -ENOTSUP when the device
 *   has fewer tx queues than there are workers.
 */
int dpb_port_configure(struct dpb_port *p, uint16_t n_queues, struct rte_mempool *pool,
		       unsigned int mtu);

/**
 * Gives slow-protocol frames (ethertype 0x8809: LACP, Marker) a queue pair
 * of their own: restarts the started device with one more rx and tx queue
 * (slow_rxq, slow_txq), keeps RSS on the data queues only, and asks rte_flow to
 * steer 0x8809 to slow_rxq. When the device cannot, it is put back as it was
 * and @p why says what refused. Control lcore, before the workers poll.
 * @return 0 (slow_steered set), -EIO when the device could not even be
 *   restarted as it was, or another -errno (it runs as before), with @p why
 *   filled in.
 */
int dpb_port_steer_slow(struct dpb_port *p, char *why, size_t why_len);

/** Starts the device, promiscuous. @return 0 or -errno. */
int dpb_port_start(struct dpb_port *p);

/** Stops the device (links go down). */
void dpb_port_stop(struct dpb_port *p);

/** Stops, closes, and detaches what we probed. */
void dpb_port_close(struct dpb_port *p);

/** Reads the link without waiting; a pulled cable reads down. */
void dpb_port_link(const struct dpb_port *p, struct dpb_port_link *link);

/**
 * Pulls (@p up false) or plugs the cable: the device's own link control when
 * it has one, and the override in every case.
 * @return 0 or -errno.
 */
int dpb_port_set_cable(struct dpb_port *p, bool up);

/** Whether the cable is pulled. Any thread. */
static inline bool dpb_port_cable_out(const struct dpb_port *p)
{
	return atomic_load_explicit(&p->cable_out, memory_order_relaxed);
}

/** Sets the device's MAC if it allows (-ENOTSUP is fine). @return 0 or -errno. */
int dpb_port_set_mac(struct dpb_port *p, const struct rte_ether_addr *mac);

#endif
