/* SPDX-License-Identifier: BSD-3-Clause */
/* Bond commands: show bonding, set bonding primary. */
#include "cli_priv.h"

struct show_bonding_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t bonding;
	cmdline_fixed_string_t bond;
};

static void show_bonding_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct show_bonding_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_bonding(cli.ctl, a->bond, &sb), &sb);
}

static cmdline_parse_token_string_t t_sb_show =
	TOKEN_STRING_INITIALIZER(struct show_bonding_args, show, "show");
static cmdline_parse_token_string_t t_sb_bonding =
	TOKEN_STRING_INITIALIZER(struct show_bonding_args, bonding, "bonding");
static cmdline_parse_token_string_t t_sb_bond =
	TOKEN_STRING_INITIALIZER(struct show_bonding_args, bond, NULL);

static cmdline_parse_inst_t cmd_show_bonding = {
	.f = show_bonding_cb,
	.help_str = "show bonding <bond>: the bond's status, as /proc/net/bonding/<bond>",
	.tokens = { (void *)&t_sb_show, (void *)&t_sb_bonding, (void *)&t_sb_bond, NULL },
};

struct set_primary_args {
	cmdline_fixed_string_t set;
	cmdline_fixed_string_t bonding;
	cmdline_fixed_string_t primary;
	cmdline_fixed_string_t member;
	cmdline_fixed_string_t bond;
};

static void set_primary_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct set_primary_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_set_primary(cli.ctl, a->member, a->bond, &sb), &sb);
}

static cmdline_parse_token_string_t t_sp_set =
	TOKEN_STRING_INITIALIZER(struct set_primary_args, set, "set");
static cmdline_parse_token_string_t t_sp_bonding =
	TOKEN_STRING_INITIALIZER(struct set_primary_args, bonding, "bonding");
static cmdline_parse_token_string_t t_sp_primary =
	TOKEN_STRING_INITIALIZER(struct set_primary_args, primary, "primary");
static cmdline_parse_token_string_t t_sp_member =
	TOKEN_STRING_INITIALIZER(struct set_primary_args, member, NULL);
static cmdline_parse_token_string_t t_sp_bond =
	TOKEN_STRING_INITIALIZER(struct set_primary_args, bond, NULL);

static cmdline_parse_inst_t cmd_set_primary = {
	.f = set_primary_cb,
	.help_str = "set bonding primary <member> <bond>: prefer <member>; switch to it now if it is up",
	.tokens = { (void *)&t_sp_set, (void *)&t_sp_bonding, (void *)&t_sp_primary,
		    (void *)&t_sp_member, (void *)&t_sp_bond, NULL },
};

struct set_mode_args {
	cmdline_fixed_string_t set;
	cmdline_fixed_string_t bonding;
	cmdline_fixed_string_t word;
	cmdline_fixed_string_t mode;
	cmdline_fixed_string_t bond;
};

static void set_mode_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct set_mode_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_set_mode(cli.ctl, a->mode, a->bond, &sb), &sb);
}

static cmdline_parse_token_string_t t_sm_set =
	TOKEN_STRING_INITIALIZER(struct set_mode_args, set, "set");
static cmdline_parse_token_string_t t_sm_bonding =
	TOKEN_STRING_INITIALIZER(struct set_mode_args, bonding, "bonding");
static cmdline_parse_token_string_t t_sm_word =
	TOKEN_STRING_INITIALIZER(struct set_mode_args, word, "mode");
static cmdline_parse_token_string_t t_sm_mode =
	TOKEN_STRING_INITIALIZER(struct set_mode_args, mode, NULL);
static cmdline_parse_token_string_t t_sm_bond =
	TOKEN_STRING_INITIALIZER(struct set_mode_args, bond, NULL);

static cmdline_parse_inst_t cmd_set_mode = {
	.f = set_mode_cb,
	.help_str = "set bonding mode <mode> <bond>: change the mode (name or 0-6) while running",
	.tokens = { (void *)&t_sm_set, (void *)&t_sm_bonding, (void *)&t_sm_word,
		    (void *)&t_sm_mode, (void *)&t_sm_bond, NULL },
};

static void set_policy_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct set_mode_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_set_hash_policy(cli.ctl, a->mode, a->bond, &sb), &sb);
}

static cmdline_parse_token_string_t t_sx_word =
	TOKEN_STRING_INITIALIZER(struct set_mode_args, word, "xmit_hash_policy");

static cmdline_parse_inst_t cmd_set_policy = {
	.f = set_policy_cb,
	.help_str = "set bonding xmit_hash_policy <policy> <bond>: change the hash policy (name or number) while running",
	.tokens = { (void *)&t_sm_set, (void *)&t_sm_bonding, (void *)&t_sx_word,
		    (void *)&t_sm_mode, (void *)&t_sm_bond, NULL },
};

static void show_lacp_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct show_bonding_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_lacp(cli.ctl, a->bond, &sb), &sb);
}

static cmdline_parse_token_string_t t_sl_lacp =
	TOKEN_STRING_INITIALIZER(struct show_bonding_args, bonding, "lacp");

static cmdline_parse_inst_t cmd_show_lacp = {
	.f = show_lacp_cb,
	.help_str = "show lacp <bond>: each member's 802.1AX machine states and LACP counters",
	.tokens = { (void *)&t_sb_show, (void *)&t_sl_lacp, (void *)&t_sb_bond, NULL },
};

cmdline_parse_inst_t *cli_bond_cmds[] = {
	&cmd_show_bonding, &cmd_show_lacp, &cmd_set_primary, &cmd_set_mode, &cmd_set_policy, NULL,
};
