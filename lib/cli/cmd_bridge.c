/* SPDX-License-Identifier: BSD-3-Clause */
/* Bridge commands: show bridge. */
#include "cli_priv.h"

struct show_bridge_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t bridge;
	cmdline_fixed_string_t name;
};

static void show_bridge_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct show_bridge_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_bridge(cli.ctl, a->name, &sb), &sb);
}

static cmdline_parse_token_string_t t_sbr_show =
	TOKEN_STRING_INITIALIZER(struct show_bridge_args, show, "show");
static cmdline_parse_token_string_t t_sbr_bridge =
	TOKEN_STRING_INITIALIZER(struct show_bridge_args, bridge, "bridge");
static cmdline_parse_token_string_t t_sbr_name =
	TOKEN_STRING_INITIALIZER(struct show_bridge_args, name, NULL);

static cmdline_parse_inst_t cmd_show_bridge = {
	.f = show_bridge_cb,
	.help_str = "show bridge <bridge>: its ports and forwarding database",
	.tokens = { (void *)&t_sbr_show, (void *)&t_sbr_bridge, (void *)&t_sbr_name, NULL },
};

cmdline_parse_inst_t *cli_bridge_cmds[] = { &cmd_show_bridge, NULL };
