/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show ... json`: every show command answers in JSON too (doc/json.md):
 *   show bonding|lacp|bridge <name> json
 *   show port stats <name|number|all> json
 *   show drops|workers|ctl json
 *   show worker stats json
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_priv.h"

struct named_json_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t what;
	cmdline_fixed_string_t name;
	cmdline_fixed_string_t json;
};

static void named_json_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct named_json_args *a = parsed;
	enum dpb_ctl_view v = strcmp(a->what, "bonding") == 0 ? DPB_VIEW_BONDING :
			      strcmp(a->what, "lacp") == 0 ? DPB_VIEW_LACP : DPB_VIEW_BRIDGE;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_json(cli.ctl, v, a->name, &sb), &sb);
}

static cmdline_parse_token_string_t t_nj_show =
	TOKEN_STRING_INITIALIZER(struct named_json_args, show, "show");
static cmdline_parse_token_string_t t_nj_what =
	TOKEN_STRING_INITIALIZER(struct named_json_args, what, "bonding#lacp#bridge");
static cmdline_parse_token_string_t t_nj_name =
	TOKEN_STRING_INITIALIZER(struct named_json_args, name, NULL);
static cmdline_parse_token_string_t t_nj_json =
	TOKEN_STRING_INITIALIZER(struct named_json_args, json, "json");

static cmdline_parse_inst_t cmd_show_named_json = {
	.f = named_json_cb,
	.help_str = "show bonding|lacp|bridge <name> json: that answer as JSON (doc/json.md)",
	.tokens = { (void *)&t_nj_show, (void *)&t_nj_what, (void *)&t_nj_name,
		    (void *)&t_nj_json, NULL },
};

struct stats_json_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t stats;
	cmdline_fixed_string_t name;
	cmdline_fixed_string_t json;
};

static void stats_json_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct stats_json_args *a = parsed;
	struct dpb_strbuf sb;

	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_json(cli.ctl, DPB_VIEW_PORT_STATS, a->name, &sb), &sb);
}

static cmdline_parse_token_string_t t_sj_show =
	TOKEN_STRING_INITIALIZER(struct stats_json_args, show, "show");
static cmdline_parse_token_string_t t_sj_port =
	TOKEN_STRING_INITIALIZER(struct stats_json_args, port, "port");
static cmdline_parse_token_string_t t_sj_stats =
	TOKEN_STRING_INITIALIZER(struct stats_json_args, stats, "stats");
static cmdline_parse_token_string_t t_sj_name =
	TOKEN_STRING_INITIALIZER(struct stats_json_args, name, NULL);
static cmdline_parse_token_string_t t_sj_json =
	TOKEN_STRING_INITIALIZER(struct stats_json_args, json, "json");

static cmdline_parse_inst_t cmd_show_stats_json = {
	.f = stats_json_cb,
	.help_str = "show port stats <name|number|all> json: the counters as JSON (doc/json.md)",
	.tokens = { (void *)&t_sj_show, (void *)&t_sj_port, (void *)&t_sj_stats,
		    (void *)&t_sj_name, (void *)&t_sj_json, NULL },
};

struct plain_json_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t what;
	cmdline_fixed_string_t json;
};

/* `show ctl json`: the control socket's own counters. */
static int ctl_sock_json(struct dpb_strbuf *out)
{
	struct cli_sock_stats st;
	json_t *o;
	char *text;

	if (!cli_sock_stats(&st))
		o = json_pack("{s:n}", "path");
	else
		o = json_pack("{s:s, s:I, s:I, s:I, s:I}", "path", st.path,
			      "clients", (json_int_t)st.clients, "accepted", (json_int_t)st.accepted,
			      "closed", (json_int_t)st.closed, "dropped", (json_int_t)st.dropped);
	if (o) {
		const char *dir, *prom;
		uint64_t writes, failures;

		json_object_set_new(o, "status", !dpb_ctl_status_info(cli.ctl, &dir, &prom, &writes,
								      &failures) ? json_null() :
			json_pack("{s:o, s:o, s:I, s:I}",
				  "directory", dir ? json_string(dir) : json_null(),
				  "textfile", prom ? json_string(prom) : json_null(),
				  "files_written", (json_int_t)writes,
				  "writes_failed", (json_int_t)failures));
	}
	text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (text == NULL)
		return -ENOMEM;
	dpb_strbuf_printf(out, "%s\n", text);
	free(text);
	return 0;
}

static void plain_json_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct plain_json_args *a = parsed;
	struct dpb_strbuf sb;
	int rc;

	(void)data;
	dpb_strbuf_init(&sb);
	if (strcmp(a->what, "ctl") == 0)
		rc = ctl_sock_json(&sb);
	else
		rc = dpb_ctl_show_json(cli.ctl, strcmp(a->what, "drops") == 0 ? DPB_VIEW_DROPS :
				       DPB_VIEW_WORKERS, "", &sb);
	cli_reply(cl, rc, &sb);
}

static cmdline_parse_token_string_t t_pj_show =
	TOKEN_STRING_INITIALIZER(struct plain_json_args, show, "show");
static cmdline_parse_token_string_t t_pj_what =
	TOKEN_STRING_INITIALIZER(struct plain_json_args, what, "drops#workers#ctl");
static cmdline_parse_token_string_t t_pj_json =
	TOKEN_STRING_INITIALIZER(struct plain_json_args, json, "json");

static cmdline_parse_inst_t cmd_show_plain_json = {
	.f = plain_json_cb,
	.help_str = "show drops|workers|ctl json: drops by interface and reason, the workers' counters, the control socket, as JSON",
	.tokens = { (void *)&t_pj_show, (void *)&t_pj_what, (void *)&t_pj_json, NULL },
};

struct worker_json_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t worker;
	cmdline_fixed_string_t stats;
	cmdline_fixed_string_t json;
};

static void worker_json_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_show_json(cli.ctl, DPB_VIEW_WORKER_STATS, "", &sb), &sb);
}

static cmdline_parse_token_string_t t_wj_show =
	TOKEN_STRING_INITIALIZER(struct worker_json_args, show, "show");
static cmdline_parse_token_string_t t_wj_worker =
	TOKEN_STRING_INITIALIZER(struct worker_json_args, worker, "worker");
static cmdline_parse_token_string_t t_wj_stats =
	TOKEN_STRING_INITIALIZER(struct worker_json_args, stats, "stats");
static cmdline_parse_token_string_t t_wj_json =
	TOKEN_STRING_INITIALIZER(struct worker_json_args, json, "json");

static cmdline_parse_inst_t cmd_show_worker_json = {
	.f = worker_json_cb,
	.help_str = "show worker stats json: each worker's load as JSON (doc/json.md)",
	.tokens = { (void *)&t_wj_show, (void *)&t_wj_worker, (void *)&t_wj_stats,
		    (void *)&t_wj_json, NULL },
};

cmdline_parse_inst_t *cli_json_cmds[] = {
	&cmd_show_named_json, &cmd_show_stats_json, &cmd_show_plain_json, &cmd_show_worker_json,
	NULL,
};
