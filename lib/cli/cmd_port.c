/* SPDX-License-Identifier: BSD-3-Clause */
/* Port commands: show/clear port stats, show drops, set link-down/up port. */
#include <string.h>

#include "cli_priv.h"

struct port_stats_args {
	cmdline_fixed_string_t verb;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t stats;
	cmdline_fixed_string_t name;
};

static void show_stats_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct port_stats_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_port_stats(cli.ctl, a->name, &sb), &sb);
}

static void clear_stats_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_clear_port_stats(cli.ctl, &sb), &sb);
}

static cmdline_parse_token_string_t t_ps_show =
	TOKEN_STRING_INITIALIZER(struct port_stats_args, verb, "show");
static cmdline_parse_token_string_t t_ps_clear =
	TOKEN_STRING_INITIALIZER(struct port_stats_args, verb, "clear");
static cmdline_parse_token_string_t t_ps_port =
	TOKEN_STRING_INITIALIZER(struct port_stats_args, port, "port");
static cmdline_parse_token_string_t t_ps_stats =
	TOKEN_STRING_INITIALIZER(struct port_stats_args, stats, "stats");
static cmdline_parse_token_string_t t_ps_name =
	TOKEN_STRING_INITIALIZER(struct port_stats_args, name, NULL);
static cmdline_parse_token_string_t t_ps_all =
	TOKEN_STRING_INITIALIZER(struct port_stats_args, name, "all");

static cmdline_parse_inst_t cmd_show_stats = {
	.f = show_stats_cb,
	.help_str = "show port stats <name|number|all>: counters, and drops by reason",
	.tokens = { (void *)&t_ps_show, (void *)&t_ps_port, (void *)&t_ps_stats,
		    (void *)&t_ps_name, NULL },
};

static cmdline_parse_inst_t cmd_clear_stats = {
	.f = clear_stats_cb,
	.help_str = "clear port stats all: start every counter from zero",
	.tokens = { (void *)&t_ps_clear, (void *)&t_ps_port, (void *)&t_ps_stats,
		    (void *)&t_ps_all, NULL },
};

struct drops_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t drops;
};

static void show_drops_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_drops(cli.ctl, &sb), &sb);
}

static cmdline_parse_token_string_t t_d_show =
	TOKEN_STRING_INITIALIZER(struct drops_args, show, "show");
static cmdline_parse_token_string_t t_d_drops =
	TOKEN_STRING_INITIALIZER(struct drops_args, drops, "drops");

static cmdline_parse_inst_t cmd_show_drops = {
	.f = show_drops_cb,
	.help_str = "show drops: every frame not forwarded, by interface and reason",
	.tokens = { (void *)&t_d_show, (void *)&t_d_drops, NULL },
};

struct link_args {
	cmdline_fixed_string_t set;
	cmdline_fixed_string_t what;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t name;
};

static void set_link_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct link_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_set_link(cli.ctl, a->name, strcmp(a->what, "link-up") == 0, &sb),
		  &sb);
}

static cmdline_parse_token_string_t t_l_set =
	TOKEN_STRING_INITIALIZER(struct link_args, set, "set");
static cmdline_parse_token_string_t t_l_what =
	TOKEN_STRING_INITIALIZER(struct link_args, what, "link-down#link-up");
static cmdline_parse_token_string_t t_l_port =
	TOKEN_STRING_INITIALIZER(struct link_args, port, "port");
static cmdline_parse_token_string_t t_l_name =
	TOKEN_STRING_INITIALIZER(struct link_args, name, NULL);

static cmdline_parse_inst_t cmd_set_link = {
	.f = set_link_cb,
	.help_str = "set link-down|link-up port <name|number>: pull or plug the port's cable",
	.tokens = { (void *)&t_l_set, (void *)&t_l_what, (void *)&t_l_port, (void *)&t_l_name,
		    NULL },
};

cmdline_parse_inst_t *cli_port_cmds[] = {
	&cmd_show_stats, &cmd_clear_stats, &cmd_show_drops, &cmd_set_link, NULL,
};
