/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_RATELIMIT_H
#define DPB_RATELIMIT_H

/**
 * @file
 * A message rate limiter: at most `burst` messages in each window of
 * `interval_ms`, counting what it held back so that the next message let
 * through can say how many were suppressed. Pure: time is an argument.
 * One limiter belongs to one message site on one thread (the control lcore);
 * it takes no lock.
 */

#include <stdbool.h>
#include <stdint.h>

struct dpb_ratelimit {
	uint32_t interval_ms;   /**< length of a window */
	uint32_t burst;         /**< messages allowed per window */
	uint64_t begin_ms;      /**< when the current window began */
	uint32_t n_printed;     /**< messages allowed in the current window */
	uint32_t n_suppressed;  /**< held back since the last one allowed */
	bool started;           /**< a window has begun */
};

/** A limiter of @p burst messages per @p interval_ms, as an initialiser. */
#define DPB_RATELIMIT_INIT(interval, n) { .interval_ms = (interval), .burst = (n) }

/**
 * Asks whether a message may be logged at @p now_ms.
 *
 * A window begins at the first message after the last window ended; within
 * it, the first `burst` messages are allowed and the rest suppressed. Time
 * that goes backwards begins a new window.
 *
 * @param suppressed set, when the message is allowed, to how many were
 *        suppressed since the last one allowed (and that count restarts).
 * @return true when the message may be logged.
 */
bool dpb_ratelimit_allow(struct dpb_ratelimit *rl, uint64_t now_ms, uint32_t *suppressed);

#endif
