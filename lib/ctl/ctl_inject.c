/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames the control lcore sends: built in a buffer, copied into an mbuf,
 * and handed to worker 0, which sends them on its own tx queue (to a port
 * as they are, or through a bond as its mode picks).
 */
#include <string.h>

#include "ctl_priv.h"

struct rte_mbuf *ctl_frame_mbuf(struct dpb_ctl *c, const uint8_t *frame, size_t len,
				uint16_t port)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
	char *p = m ? rte_pktmbuf_append(m, (uint16_t)len) : NULL;

	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, frame, len);
	m->port = port;
	return m;
}

bool ctl_inject(struct dpb_ctl *c, bool to_bond, uint16_t id, const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = ctl_frame_mbuf(c, frame, len, id);

	if (m == NULL)
		return false;
	if (rte_ring_sp_enqueue(to_bond ? c->workers[0]->announce_ring :
				c->workers[0]->inject_ring, m) == 0)
		return true;
	rte_pktmbuf_free(m);
	return false;
}
