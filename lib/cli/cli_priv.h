/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CLI_PRIV_H
#define DPB_CLI_PRIV_H

/* Internal to lib/cli: the state command handlers share. */

#include <signal.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>

#include "dpb_ctl.h"
#include "dpb_strbuf.h"

struct cli_state {
	struct dpb_ctl *ctl;
	int n_failed;                 /* commands that returned an error */
	struct dpb_strbuf *capture;   /* a control socket's command: its answer goes here */
	bool capture_failed;          /* ...and it failed */
};

extern struct cli_state cli;
extern volatile sig_atomic_t cli_quit;

/* `sleep` over the control socket holds the other clients: at most this. */
#define CLI_SOCK_SLEEP_MAX_MS 10000
/* `time warp` runs the control work once a step: at most this many steps. */
#define CLI_WARP_MAX_STEPS 10000000u
/* Prints the reply text; counts a failure when @rc < 0. Frees @sb. */
void cli_reply(struct cmdline *cl, int rc, struct dpb_strbuf *sb);
/* Prints to the console, or into a control socket's answer. */
void cli_printf(struct cmdline *cl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cli_sock.c: serves the control socket's clients, if it is open. Main lcore. */
void cli_sock_poll(void);
/* One line about the control socket and its clients. */
void cli_sock_show(struct dpb_strbuf *out);
/* The control socket's counters, for `show ctl json`. */
struct cli_sock_stats {
	const char *path;
	unsigned int clients;
	unsigned long accepted, closed, dropped;
};
/* Fills @st. @return false when there is no control socket. Main lcore. */
bool cli_sock_stats(struct cli_sock_stats *st);
extern cmdline_parse_ctx_t *cli_ctx;
/* Fills cli_ctx with every command file's instances, in `help`'s order. @return 0 or -ENOMEM. */
int cli_ctx_build(void);

/* Each command file's instances, NULL-terminated. */
extern cmdline_parse_inst_t *cli_json_cmds[];
extern cmdline_parse_inst_t *cli_bond_cmds[];
extern cmdline_parse_inst_t *cli_port_cmds[];
extern cmdline_parse_inst_t *cli_worker_cmds[];
extern cmdline_parse_inst_t *cli_bridge_cmds[];
extern cmdline_parse_inst_t *cli_misc_cmds[];

#endif
