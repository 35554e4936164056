/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Churn Detection (802.1AX-2014 6.4.17): a port whose actor (or partner)
 * is not in sync churn_detection_time after it began monitoring has
 * "churned" — a sign of a misconfigured partner. Linux shows the states and
 * counts in /proc/net/bonding.
 */
#include "lacp_priv.h"

static void churn(enum dpb_lacp_churn_state *st, uint64_t *timer, uint32_t *count,
		  bool in_sync, bool enabled, uint64_t now)
{
	if (!enabled) {
		*st = DPB_LACP_CHURN_MONITOR;
		*timer = 0;
		return;
	}
	switch (*st) {
	case DPB_LACP_CHURN_MONITOR:
		if (*timer == 0)
			*timer = now + DPB_LACP_CHURN_DETECTION_MS;
		if (in_sync) {
			*st = DPB_LACP_NO_CHURN;
		} else if (lacp_timer_expired(*timer, now)) {
			*st = DPB_LACP_CHURN;
			(*count)++;
		}
		break;
	case DPB_LACP_NO_CHURN:
		if (!in_sync) {
			*st = DPB_LACP_CHURN_MONITOR;
			*timer = now + DPB_LACP_CHURN_DETECTION_MS;
		}
		break;
	case DPB_LACP_CHURN:
		if (in_sync)
			*st = DPB_LACP_NO_CHURN;
		break;
	}
}

void lacp_churn_machine(struct dpb_lacp *l, struct lacp_port *p, uint64_t now)
{
	bool enabled = p->port_enabled && p->lacp_enabled;

	(void)l;
	churn(&p->actor_churn, &p->actor_churn_ms, &p->actor_churned,
	      lacp_state(&p->actor, DPB_LACP_STATE_SYNCHRONIZATION), enabled, now);
	churn(&p->partner_churn, &p->partner_churn_ms, &p->partner_churned,
	      lacp_state(&p->partner, DPB_LACP_STATE_SYNCHRONIZATION), enabled, now);
}
