/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker commands: show/clear worker stats (its JSON form is in cmd_json.c). */
#include "cli_priv.h"

struct worker_stats_args {
	cmdline_fixed_string_t verb;
	cmdline_fixed_string_t worker;
	cmdline_fixed_string_t stats;
};

static void worker_stats_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	dpb_strbuf_init(&sb);
	cli_reply(cl, data ? dpb_ctl_clear_worker_stats(cli.ctl, &sb) :
		  dpb_ctl_show_worker_stats(cli.ctl, &sb), &sb);
}

static cmdline_parse_token_string_t t_ws_show =
	TOKEN_STRING_INITIALIZER(struct worker_stats_args, verb, "show");
static cmdline_parse_token_string_t t_ws_clear =
	TOKEN_STRING_INITIALIZER(struct worker_stats_args, verb, "clear");
static cmdline_parse_token_string_t t_ws_worker =
	TOKEN_STRING_INITIALIZER(struct worker_stats_args, worker, "worker");
static cmdline_parse_token_string_t t_ws_stats =
	TOKEN_STRING_INITIALIZER(struct worker_stats_args, stats, "stats");

static cmdline_parse_inst_t cmd_show_worker_stats = {
	.f = worker_stats_cb,
	.data = NULL,
	.help_str = "show worker stats: each worker's load: polls, frames, busy and idle cycles, frames per rx burst, cycles per frame",
	.tokens = { (void *)&t_ws_show, (void *)&t_ws_worker, (void *)&t_ws_stats, NULL },
};

static cmdline_parse_inst_t cmd_clear_worker_stats = {
	.f = worker_stats_cb,
	.data = (void *)1,
	.help_str = "clear worker stats: start the workers' load from zero (port counters are left alone)",
	.tokens = { (void *)&t_ws_clear, (void *)&t_ws_worker, (void *)&t_ws_stats, NULL },
};

cmdline_parse_inst_t *cli_worker_cmds[] = {
	&cmd_show_worker_stats, &cmd_clear_worker_stats, NULL,
};
