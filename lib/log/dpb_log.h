/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_LOG_H
#define DPB_LOG_H

/**
 * @file
 * dpbond's messages, through DPDK's rte_log with a log type per concern, so
 * that EAL's `--log-level` selects them like any DPDK library's:
 * `--log-level=dpbond.lacp:debug`, `--log-level='dpbond.*:notice'`.
 *
 * | type          | what logs there                                          |
 * |---------------|----------------------------------------------------------|
 * | dpbond.main   | the program: options, start, stop                        |
 * | dpbond.cfg    | the configuration's file:line diagnostics                |
 * | dpbond.ctl    | the control plane: pools, snapshots, mbuf accounting     |
 * | dpbond.bond   | link monitors, failovers, rebalancing, rlb               |
 * | dpbond.lacp   | 802.3ad: LACPDUs received (debug), malformed PDUs        |
 * | dpbond.port   | DPDK devices: probe, configure, start, MTU               |
 * | dpbond.host   | host ports: addresses, routes, hook commands             |
 * | dpbond.vm     | VM ports: vhost-user sockets, links, negotiated MTU      |
 * | dpbond.fwd    | workers' set-up (never the forwarding path: it counts)   |
 * | dpbond.cli    | the console and the control socket                       |
 *
 * Every type starts at INFO. Messages are the text alone, one line each
 * (DPB_LOG adds the newline), with no type prefix, so that what dpbond
 * printed before it logged through rte_log reads the same.
 *
 * Never log on a worker's fast path (lib/fwd): count instead.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>

#include "dpb_ratelimit.h"

extern int dpb_logtype_main;
extern int dpb_logtype_cfg;
extern int dpb_logtype_ctl;
extern int dpb_logtype_bond;
extern int dpb_logtype_lacp;
extern int dpb_logtype_port;
extern int dpb_logtype_host;
extern int dpb_logtype_vm;
extern int dpb_logtype_fwd;
extern int dpb_logtype_cli;

#define DPB_LOGTYPE_MAIN dpb_logtype_main
#define DPB_LOGTYPE_CFG dpb_logtype_cfg
#define DPB_LOGTYPE_CTL dpb_logtype_ctl
#define DPB_LOGTYPE_BOND dpb_logtype_bond
#define DPB_LOGTYPE_LACP dpb_logtype_lacp
#define DPB_LOGTYPE_PORT dpb_logtype_port
#define DPB_LOGTYPE_HOST dpb_logtype_host
#define DPB_LOGTYPE_VM dpb_logtype_vm
#define DPB_LOGTYPE_FWD dpb_logtype_fwd
#define DPB_LOGTYPE_CLI dpb_logtype_cli

/**
 * Logs one line: DPB_LOG(ERR, LACP, "%s: ...", name). @p level is an
 * rte_log level without its prefix (EMERG ... DEBUG), @p type one of the
 * DPB_LOGTYPE_ names without its prefix. Any thread; never the fast path.
 */
#define DPB_LOG(level, type, fmt, ...) \
	rte_log(RTE_LOG_##level, DPB_LOGTYPE_##type, fmt "\n", ##__VA_ARGS__)

/** DPB_LOG with a level chosen at run time (an RTE_LOG_ value). */
#define DPB_LOG_AT(level, type, fmt, ...) \
	rte_log((level), DPB_LOGTYPE_##type, fmt "\n", ##__VA_ARGS__)

/** Messages a rate-limited site logs per window, and the window. */
#define DPB_LOG_RL_BURST 10
#define DPB_LOG_RL_INTERVAL_MS 1000

/**
 * DPB_LOG for a message the wire can trigger (a frame, a PDU): at most
 * DPB_LOG_RL_BURST per DPB_LOG_RL_INTERVAL_MS from this site, @p now_ms
 * being the control plane's clock. The first message let through after some
 * were held back is preceded by a line saying how many. A message its level
 * would not log costs no budget. The site's state is static: control lcore
 * only.
 */
#define DPB_LOG_RL(level, type, now_ms, fmt, ...) do { \
	static struct dpb_ratelimit dpb_rl_ = \
		DPB_RATELIMIT_INIT(DPB_LOG_RL_INTERVAL_MS, DPB_LOG_RL_BURST); \
	uint32_t dpb_rl_n_; \
	if (rte_log_can_log(DPB_LOGTYPE_##type, RTE_LOG_##level) && \
	    dpb_ratelimit_allow(&dpb_rl_, (now_ms), &dpb_rl_n_)) { \
		if (dpb_rl_n_) \
			DPB_LOG(level, type, "(suppressed %u messages like the next)", \
				(unsigned int)dpb_rl_n_); \
		DPB_LOG(level, type, fmt, ##__VA_ARGS__); \
	} \
} while (0)

/**
 * Chooses where messages go, before anything logs (main thread, before
 * rte_eal_init). When stderr is the systemd journal (JOURNAL_STREAM names
 * stderr's device and inode), each message goes to stderr once, with the
 * `<N>` syslog priority prefix journald reads, and not to syslog too (DPDK's
 * own stream writes both, so the journal would get each twice). Otherwise
 * messages keep DPDK's stream: stderr as they are (and syslog once EAL has
 * started).
 * @return 1 when the journal stream was installed, 0 when not needed, or
 *         -errno (messages then go DPDK's way).
 */
int dpb_log_open(void);

/** Gives the stream dpb_log_open() installed back (main thread, at exit). */
void dpb_log_close(void);

/**
 * Whether @p journal_stream (the value of JOURNAL_STREAM, "DEV:INO", or
 * NULL) names the file @p fd is open on. Any thread.
 */
bool dpb_log_fd_is_journal(const char *journal_stream, int fd);

#endif
