/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_PORT_PRIV_H
#define DPB_PORT_PRIV_H

/* Internal to lib/port. */

#include "dpb_port.h"

#define RX_DESC 1024
#define TX_DESC 1024

/*
 * Configures the stopped device with @p nrx rx and @p ntx tx queues (RSS
 * over the rx queues when @p rss and the device has it), mbufs from p->pool.
 * Returns 0 or -errno, with a message logged (dpbond.port).
 */
int port_setup_queues(struct dpb_port *p, uint16_t nrx, uint16_t ntx, bool rss);

#endif
