/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CLI_H
#define DPB_CLI_H

/**
 * @file
 * The testpmd-style console on DPDK's cmdline library. It owns the main
 * lcore's loop: between console input it keeps the control plane (and, with
 * one lcore, the datapath) running. Main lcore only.
 */

#include <stdbool.h>
#include <stdio.h>

struct dpb_ctl;

/**
 * Runs commands from @p file (when not NULL), then the interactive console
 * when @p interactive, else keeps running until a signal or `quit`.
 * @return 0 on `quit`, end of input or a signal; -errno when @p file cannot be
 *   read; 1 when a scripted command failed (the rest still run).
 */
int dpb_cli_run(struct dpb_ctl *ctl, const char *file, bool interactive);

/**
 * Opens the control socket at @p path (mode 0600, or 0660 and group @p group
 * when not NULL): the console's commands for dpbondctl and scripts, served
 * by dpb_cli_run()'s loop between turns of the appliance. Main lcore,
 * before dpb_cli_run().
 * @return 0, or -errno with a message logged (-EADDRINUSE: another
 *   process answers there).
 */
int dpb_cli_sock_open(const char *path, const char *group);

/** Closes the control socket and its clients, and removes its path. */
void dpb_cli_sock_close(void);

/** Asks the loop to end (async-signal-safe). */
void dpb_cli_request_quit(void);

/**
 * Writes the console reference (doc/console.md) in Markdown to @p out, from
 * the command definitions: each command's syntax, checked word by word
 * against its tokens, and its help text. Needs no EAL; any thread, while no
 * console runs.
 * @return 0; -EINVAL when a command's help text does not name its tokens
 *   (each such command named on stderr and left out); -ENOMEM.
 */
int dpb_cli_print_reference(FILE *out);

#endif
