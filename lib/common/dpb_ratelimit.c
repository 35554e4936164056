/* SPDX-License-Identifier: BSD-3-Clause */
#include "dpb_ratelimit.h"

bool dpb_ratelimit_allow(struct dpb_ratelimit *rl, uint64_t now_ms, uint32_t *suppressed)
{
	if (!rl->started || now_ms < rl->begin_ms || now_ms - rl->begin_ms >= rl->interval_ms) {
		rl->started = true;
		rl->begin_ms = now_ms;
		rl->n_printed = 0;
	}
	if (rl->n_printed >= rl->burst) {
		if (rl->n_suppressed < UINT32_MAX)
			rl->n_suppressed++;
		return false;
	}
	rl->n_printed++;
	*suppressed = rl->n_suppressed;
	rl->n_suppressed = 0;
	return true;
}
