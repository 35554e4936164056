/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_HUGEFILES_H
#define DPB_HUGEFILES_H

/**
 * Stops EAL (rte_eal_cleanup) and removes the hugepage files its memory
 * still had, so that a stopped dpbond leaves none. Main thread, at exit,
 * after rte_eal_init() succeeded.
 */
void dpb_eal_stop(void);

#endif
