/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dedicated queue pair for slow protocols, steered by rte_flow: LACPDUs
 * then reach the control lcore without passing through a worker, the way a
 * NIC's flow director lets a switch keep LACP alive under any data load.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>

#include "dpb_port.h"
#include "port_priv.h"

#define ETHER_TYPE_SLOW 0x8809

/* RSS must keep to the data queues: the redirection table names only them. */
static int spread_reta(struct dpb_port *p, uint16_t nrx, char *why, size_t why_len)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];
	int rc = rte_eth_dev_info_get(p->port_id, &info);

	if (rc < 0)
		return rc;
	if (info.reta_size == 0 || info.reta_size > RTE_ETH_RSS_RETA_SIZE_512) {
		snprintf(why, why_len, "its RSS redirection table cannot be set");
		return -ENOTSUP;
	}
	memset(reta, 0, sizeof(reta));
	for (uint16_t i = 0; i < info.reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ULL << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] = i % nrx;
	}
	rc = rte_eth_dev_rss_reta_update(p->port_id, reta, info.reta_size);
	if (rc < 0)
		snprintf(why, why_len, "its RSS redirection table cannot be set: %s", strerror(-rc));
	return rc;
}

static struct rte_flow *create_flow(struct dpb_port *p, uint16_t queue, char *why, size_t why_len)
{
	const struct rte_flow_attr attr = { .ingress = 1 };
	const struct rte_flow_item_eth spec = { .hdr.ether_type = RTE_BE16(ETHER_TYPE_SLOW) };
	const struct rte_flow_item_eth mask = { .hdr.ether_type = RTE_BE16(0xffff) };
	const struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &spec, .mask = &mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	const struct rte_flow_action_queue to_queue = { .index = queue };
	const struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &to_queue },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error err;
	struct rte_flow *flow;

	memset(&err, 0, sizeof(err));
	flow = rte_flow_create(p->port_id, &attr, pattern, actions, &err);
	if (flow == NULL)
		snprintf(why, why_len, "rte_flow refused the rule: %s",
			 err.message ? err.message : rte_strerror(rte_errno));
	return flow;
}

int dpb_port_steer_slow(struct dpb_port *p, char *why, size_t why_len)
{
	struct rte_eth_dev_info info;
	uint16_t nrx;
	int rc = rte_eth_dev_info_get(p->port_id, &info);

	if (rc < 0) {
		snprintf(why, why_len, "no device information: %s", strerror(-rc));
		return rc;
	}
	if (info.max_rx_queues < 2 || info.max_tx_queues < p->n_txq + 1) {
		snprintf(why, why_len, "it has %u rx and %u tx queues; this needs 2 and %u",
			 info.max_rx_queues, info.max_tx_queues, p->n_txq + 1);
		return -ENOTSUP;
	}
	nrx = RTE_MIN(p->n_rxq, info.max_rx_queues - 1);
	dpb_port_stop(p);
	rc = port_setup_queues(p, nrx + 1, p->n_txq + 1, nrx > 1);
	if (rc < 0)
		snprintf(why, why_len, "it cannot take another queue pair: %s", strerror(-rc));
	if (rc == 0)
		rc = dpb_port_start(p);
	if (rc == 0 && nrx > 1)
		rc = spread_reta(p, nrx, why, why_len);
	if (rc == 0) {
		p->slow_flow = create_flow(p, nrx, why, why_len);
		if (p->slow_flow == NULL)
			rc = -ENOTSUP;
	}
	if (rc == 0) {
		p->n_rxq = nrx;
		p->slow_rxq = nrx;
		p->slow_txq = p->n_txq;
		p->slow_steered = true;
		return 0;
	}
	/* Back as it was: the software path takes slow frames. */
	dpb_port_stop(p);
	if (port_setup_queues(p, p->n_rxq, p->n_txq, p->n_rxq > 1) < 0 || dpb_port_start(p) < 0) {
		snprintf(why, why_len, "it could not be restarted as it was");
		return -EIO;
	}
	return rc;
}
