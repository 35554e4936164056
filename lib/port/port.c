/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#include "dpb_log.h"
#include "dpb_port.h"
#include "port_priv.h"


/* The ethdev port of a probed device, by the name in its devargs. */
static int port_of_devargs(const char *devargs, uint16_t *port_id)
{
	struct rte_devargs da;
	int rc;

	memset(&da, 0, sizeof(da));
	rc = rte_devargs_parse(&da, devargs);
	if (rc < 0)
		return rc;
	rc = rte_eth_dev_get_port_by_name(da.name, port_id);
	rte_devargs_reset(&da);
	return rc;
}

int dpb_port_attach(struct dpb_port *p, const char *name, const char *devargs, int nth_port)
{
	uint16_t pid;
	int rc;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (devargs && devargs[0]) {
		snprintf(p->devargs, sizeof(p->devargs), "%s", devargs);
		if (port_of_devargs(devargs, &pid) != 0) {
			rc = rte_dev_probe(devargs);
			if (rc < 0) {
				DPB_LOG(ERR, PORT, "%s: cannot probe device '%s': %s", name, devargs,
					strerror(-rc));
				return rc;
			}
			rc = port_of_devargs(devargs, &pid);
			if (rc != 0) {
				DPB_LOG(ERR, PORT, "%s: device '%s' was probed but is not an ethdev port",
					name, devargs);
				return -ENODEV;
			}
			p->probed_here = true;
		}
	} else if (nth_port >= 0 && rte_eth_dev_is_valid_port((uint16_t)nth_port)) {
		pid = (uint16_t)nth_port;
	} else {
		DPB_LOG(ERR, PORT,
			"%s: no device: give 'dpdk-devargs' in its stanza, --port %s=DEVARGS, or an EAL device for port %d",
			name, name, nth_port);
		return -ENODEV;
	}
	p->port_id = pid;
	p->socket = rte_eth_dev_socket_id(pid);
	rte_eth_macaddr_get(pid, &p->perm_addr);
	atomic_init(&p->cable_out, false);
	return 0;
}

/*
 * Devices that send a chained frame whole although they do not offer
 * RTE_ETH_TX_OFFLOAD_MULTI_SEGS: their transmit is software that reads the
 * chain (net_pcap writes it out, net_null frees it).
 */
static bool sw_sends_chains(const char *driver)
{
	static const char *const drivers[] = { "net_pcap", "net_null" };

	for (size_t i = 0; i < RTE_DIM(drivers); i++)
		if (strcmp(driver, drivers[i]) == 0)
			return true;
	return false;
}

/* The largest MTU the device's frame limit allows, as ethdev counts it. */
static unsigned int device_max_mtu(const struct rte_eth_dev_info *info)
{
	uint32_t overhead = info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu ?
			    info->max_rx_pktlen - info->max_mtu :
			    RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	uint32_t by_frame = info->max_rx_pktlen > overhead ? info->max_rx_pktlen - overhead : 0;

	return RTE_MIN(by_frame, (uint32_t)info->max_mtu);
}

/*
 * The device's MTU (rxmode.mtu), and scattered rx where a frame of that MTU
 * (with a VLAN tag) is longer than one mbuf. A device that cannot take the
 * MTU asked for runs Ethernet's 1500 (or its most, when less), said once: p->mtu becomes what it runs, and dpbond counts what is
 * longer on the way out (tx-mtu). DPDK 22.11's net_tap, for one, takes
 * frames of up to 1522 bytes only, so a host port runs 1500 at most.
 */
static void set_mtu(struct dpb_port *p, const struct rte_eth_dev_info *info,
		    struct rte_eth_conf *conf)
{
	uint32_t room = rte_pktmbuf_data_room_size(p->pool) - RTE_PKTMBUF_HEADROOM;
	unsigned int max = device_max_mtu(info);
	/* Short of what was asked: Ethernet's 1500 where the device takes it. */
	unsigned int most = max >= RTE_ETHER_MTU ? RTE_ETHER_MTU : max;

	if (p->mtu == 0)
		return;
	if (p->mtu > max) {
		if (!p->mtu_warned)
			DPB_LOG(WARNING, PORT, "%s: warning: the device takes frames of up to %u bytes: it runs MTU %u, not %u",
				p->name, info->max_rx_pktlen, most, p->mtu);
		p->mtu_warned = true;
		p->mtu = most;
	}
	if (p->mtu >= info->min_mtu && p->mtu <= device_max_mtu(info))
		conf->rxmode.mtu = p->mtu;
	if (p->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN > room &&
	    (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER))
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
}

int port_setup_queues(struct dpb_port *p, uint16_t nrx, uint16_t ntx, bool rss)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t rxd = RX_DESC, txd = TX_DESC;
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc < 0)
		return rc;
	memset(&conf, 0, sizeof(conf));
	/* Frames of several segments (jumbo frames, a VM's large frames) are
	 * sent whole where the device can; elsewhere the datapath drops them
	 * as tx-chained rather than hand it what it would mangle. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	p->tx_multi_seg = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) ||
			  sw_sends_chains(info.driver_name);
	set_mtu(p, &info, &conf);
	if (rss && info.flow_type_rss_offloads) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	rc = rte_eth_dev_configure(p->port_id, nrx, ntx, &conf);
	if (rc < 0) {
		DPB_LOG(ERR, PORT, "%s: configure failed: %s", p->name, strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &rxd, &txd);
	for (uint16_t q = 0; q < nrx; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, rxd, rte_eth_dev_socket_id(p->port_id),
					    NULL, p->pool);
		if (rc < 0) {
			DPB_LOG(ERR, PORT, "%s: rx queue %u: %s", p->name, q, strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ntx; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, txd, rte_eth_dev_socket_id(p->port_id),
					    NULL);
		if (rc < 0) {
			DPB_LOG(ERR, PORT, "%s: tx queue %u: %s", p->name, q, strerror(-rc));
			return rc;
		}
	}
	p->configured = true;
	return 0;
}

int dpb_port_configure(struct dpb_port *p, uint16_t n_queues, struct rte_mempool *pool,
		       unsigned int mtu)
{
	struct rte_eth_dev_info info;
	uint16_t nrx;
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc < 0)
		return rc;
	nrx = RTE_MIN(n_queues, info.max_rx_queues);
	if (info.max_tx_queues < n_queues) {
		DPB_LOG(ERR, PORT,
			"%s: device has %u tx queues, dpbond needs one per worker (%u): use fewer lcores",
			p->name, info.max_tx_queues, n_queues);
		return -ENOTSUP;
	}
	p->pool = pool;
	p->mtu = mtu;
	rc = port_setup_queues(p, nrx, n_queues, nrx > 1);
	if (rc < 0)
		return rc;
	p->n_rxq = nrx;
	p->n_txq = n_queues;
	return 0;
}

int dpb_port_start(struct dpb_port *p)
{
	int rc = rte_eth_dev_start(p->port_id);

	if (rc < 0) {
		DPB_LOG(ERR, PORT, "%s: start failed: %s", p->name, strerror(-rc));
		return rc;
	}
	p->started = true;
	/* A bridge port takes every frame; devices without the knob still do. */
	rte_eth_promiscuous_enable(p->port_id);
	/* Probe link control once: a device that refuses it gets the override. */
	p->link_ctl = rte_eth_dev_set_link_up(p->port_id) == 0;
	return 0;
}

void dpb_port_stop(struct dpb_port *p)
{
	if (p->started)
		rte_eth_dev_stop(p->port_id);
	p->started = false;
}

void dpb_port_close(struct dpb_port *p)
{
	if (p->slow_flow)
		rte_flow_destroy(p->port_id, p->slow_flow, NULL);
	p->slow_flow = NULL;
	p->slow_steered = false;
	dpb_port_stop(p);
	if (p->configured)
		rte_eth_dev_close(p->port_id);
	p->configured = false;
	if (p->probed_here) {
		struct rte_devargs da;

		memset(&da, 0, sizeof(da));
		if (rte_devargs_parse(&da, p->devargs) == 0) {
			rte_eal_hotplug_remove(rte_bus_name(da.bus), da.name);
			rte_devargs_reset(&da);
		}
		p->probed_here = false;
	}
}

void dpb_port_link(const struct dpb_port *p, struct dpb_port_link *link)
{
	struct rte_eth_link l;

	memset(link, 0, sizeof(*link));
	if (dpb_port_cable_out(p) || rte_eth_link_get_nowait(p->port_id, &l) != 0)
		return;
	link->up = l.link_status == RTE_ETH_LINK_UP;
	if (link->up && l.link_speed != RTE_ETH_SPEED_NUM_NONE &&
	    l.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
		link->speed_mbps = l.link_speed;
	link->full_duplex = l.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
}

int dpb_port_set_cable(struct dpb_port *p, bool up)
{
	int rc = 0;

	if (p->link_ctl && p->started)
		rc = up ? rte_eth_dev_set_link_up(p->port_id) : rte_eth_dev_set_link_down(p->port_id);
	atomic_store_explicit(&p->cable_out, !up, memory_order_relaxed);
	return rc;
}

int dpb_port_set_mac(struct dpb_port *p, const struct rte_ether_addr *mac)
{
	int rc = rte_eth_dev_default_mac_addr_set(p->port_id, (struct rte_ether_addr *)mac);

	return rc == -ENOTSUP ? 0 : rc;
}
