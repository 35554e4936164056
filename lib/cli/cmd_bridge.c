/* SPDX-License-Identifier: BSD-3-Clause */
/* Bridge commands: show bridge, add/remove bridge port. */
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

struct add_port_args {
	cmdline_fixed_string_t add;
	cmdline_fixed_string_t bridge;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t br;
	cmdline_fixed_string_t vhost;
	cmdline_fixed_string_t name;
};

static void add_port_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct add_port_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_add_vhost_port(cli.ctl, a->br, a->name, &sb), &sb);
}

static cmdline_parse_token_string_t t_ap_add =
	TOKEN_STRING_INITIALIZER(struct add_port_args, add, "add");
static cmdline_parse_token_string_t t_ap_bridge =
	TOKEN_STRING_INITIALIZER(struct add_port_args, bridge, "bridge");
static cmdline_parse_token_string_t t_ap_port =
	TOKEN_STRING_INITIALIZER(struct add_port_args, port, "port");
static cmdline_parse_token_string_t t_ap_br =
	TOKEN_STRING_INITIALIZER(struct add_port_args, br, NULL);
static cmdline_parse_token_string_t t_ap_vhost =
	TOKEN_STRING_INITIALIZER(struct add_port_args, vhost, "vhost");
static cmdline_parse_token_string_t t_ap_name =
	TOKEN_STRING_INITIALIZER(struct add_port_args, name, NULL);

static cmdline_parse_inst_t cmd_add_port = {
	.f = add_port_cb,
	.help_str = "add bridge port <bridge> vhost <name>[:tag=<vlan>|:trunks=<vlans>]: a VM port, vhost-user socket <run-dir>/<name>.sock",
	.tokens = { (void *)&t_ap_add, (void *)&t_ap_bridge, (void *)&t_ap_port, (void *)&t_ap_br,
		    (void *)&t_ap_vhost, (void *)&t_ap_name, NULL },
};

struct remove_port_args {
	cmdline_fixed_string_t remove;
	cmdline_fixed_string_t bridge;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t br;
	cmdline_fixed_string_t name;
};

static void remove_port_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct remove_port_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_remove_bridge_port(cli.ctl, a->br, a->name, &sb), &sb);
}

static cmdline_parse_token_string_t t_rp_remove =
	TOKEN_STRING_INITIALIZER(struct remove_port_args, remove, "remove");
static cmdline_parse_token_string_t t_rp_bridge =
	TOKEN_STRING_INITIALIZER(struct remove_port_args, bridge, "bridge");
static cmdline_parse_token_string_t t_rp_port =
	TOKEN_STRING_INITIALIZER(struct remove_port_args, port, "port");
static cmdline_parse_token_string_t t_rp_br =
	TOKEN_STRING_INITIALIZER(struct remove_port_args, br, NULL);
static cmdline_parse_token_string_t t_rp_name =
	TOKEN_STRING_INITIALIZER(struct remove_port_args, name, NULL);

static cmdline_parse_inst_t cmd_remove_port = {
	.f = remove_port_cb,
	.help_str = "remove bridge port <bridge> <name>: takes a VM port out and closes its socket",
	.tokens = { (void *)&t_rp_remove, (void *)&t_rp_bridge, (void *)&t_rp_port,
		    (void *)&t_rp_br, (void *)&t_rp_name, NULL },
};

cmdline_parse_inst_t *cli_bridge_cmds[] = { &cmd_show_bridge, &cmd_add_port, &cmd_remove_port,
					    NULL };
