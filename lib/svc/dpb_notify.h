/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_NOTIFY_H
#define DPB_NOTIFY_H

/**
 * @file
 * The service manager's notification protocol (systemd's sd_notify): one
 * datagram of "KEY=VALUE" lines to the unix socket named by NOTIFY_SOCKET
 * ("/path", or "@name" in the abstract namespace), and the watchdog that
 * WATCHDOG_USEC asks for. Without NOTIFY_SOCKET every call does nothing.
 * Main lcore (control) only: each message is one syscall, never on the
 * datapath; the socket never blocks.
 */

#include <stddef.h>
#include <stdint.h>

/**
 * Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, removes them from the
 * environment (so that hook commands do not speak for dpbond), and opens the
 * socket. @return 1 when a manager listens, 0 when none was named, or -errno
 * when NOTIFY_SOCKET is unusable; then, or when WATCHDOG_USEC is, why in
 * @p why (@p whylen bytes), left as it was otherwise. Main thread.
 */
int dpb_notify_init(char *why, size_t whylen);

/**
 * Sends @p state, e.g. "READY=1", "STOPPING=1", "STATUS=text" (several
 * separated by newlines). @return 0 (also with no manager), or -errno.
 */
int dpb_notify_send(const char *state);

/** The watchdog's timeout in milliseconds; 0 when none is asked for. */
uint64_t dpb_notify_watchdog_ms(void);

/**
 * Sends "WATCHDOG=1" when half the watchdog's timeout has passed since the
 * last one: called on every turn of the control loop, so that a control
 * plane that stops turning stops petting and is restarted. @p now_ms is the
 * loop's clock (any origin).
 */
void dpb_notify_watchdog(uint64_t now_ms);

/** Closes the socket; later calls do nothing. */
void dpb_notify_close(void);

#endif
