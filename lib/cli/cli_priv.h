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
};

extern struct cli_state cli;
extern volatile sig_atomic_t cli_quit;

/* Prints the reply text; counts a failure when @rc < 0. Frees @sb. */
void cli_reply(struct cmdline *cl, int rc, struct dpb_strbuf *sb);

/* Each command file's instances, NULL-terminated. */
extern cmdline_parse_inst_t *cli_bond_cmds[];
extern cmdline_parse_inst_t *cli_port_cmds[];
extern cmdline_parse_inst_t *cli_bridge_cmds[];
extern cmdline_parse_inst_t *cli_misc_cmds[];

#endif
