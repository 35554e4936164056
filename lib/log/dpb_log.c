/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpbond's log types, registered with rte_log by constructors as DPDK's
 * libraries register theirs, so that EAL's --log-level finds them.
 */
#include <rte_log.h>

#include "dpb_log.h"

RTE_LOG_REGISTER(dpb_logtype_main, dpbond.main, INFO);
RTE_LOG_REGISTER(dpb_logtype_cfg, dpbond.cfg, INFO);
RTE_LOG_REGISTER(dpb_logtype_ctl, dpbond.ctl, INFO);
RTE_LOG_REGISTER(dpb_logtype_bond, dpbond.bond, INFO);
RTE_LOG_REGISTER(dpb_logtype_lacp, dpbond.lacp, INFO);
RTE_LOG_REGISTER(dpb_logtype_port, dpbond.port, INFO);
RTE_LOG_REGISTER(dpb_logtype_host, dpbond.host, INFO);
RTE_LOG_REGISTER(dpb_logtype_vm, dpbond.vm, INFO);
RTE_LOG_REGISTER(dpb_logtype_fwd, dpbond.fwd, INFO);
RTE_LOG_REGISTER(dpb_logtype_cli, dpbond.cli, INFO);
