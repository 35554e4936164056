/* SPDX-License-Identifier: BSD-3-Clause */
/* Session commands: start, stop, reload, sleep, quit, help. */
#include <errno.h>

#include "cli_priv.h"

struct word_args {
	cmdline_fixed_string_t word;
};

static void start_stop_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_set_forwarding(cli.ctl, data != NULL, &sb), &sb);
}

static void reload_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	(void)data;
	dpb_strbuf_init(&sb);
	cli_reply(cl, dpb_ctl_reload_file(cli.ctl, &sb), &sb);
}

static void quit_cb(void *parsed, struct cmdline *cl, void *data)
{
	(void)parsed;
	if (data != NULL)
		dpb_ctl_handover(cli.ctl);
	cli_quit = 1;
	cmdline_quit(cl);
}

struct quit_args {
	cmdline_fixed_string_t quit;
	cmdline_fixed_string_t how;
};

static cmdline_parse_token_string_t t_start =
	TOKEN_STRING_INITIALIZER(struct word_args, word, "start");
static cmdline_parse_token_string_t t_stop =
	TOKEN_STRING_INITIALIZER(struct word_args, word, "stop");
static cmdline_parse_token_string_t t_reload =
	TOKEN_STRING_INITIALIZER(struct word_args, word, "reload");
static cmdline_parse_token_string_t t_quit =
	TOKEN_STRING_INITIALIZER(struct word_args, word, "quit");
static cmdline_parse_token_string_t t_help =
	TOKEN_STRING_INITIALIZER(struct word_args, word, "help");

static cmdline_parse_inst_t cmd_start = {
	.f = start_stop_cb,
	.data = (void *)1,
	.help_str = "start: forward frames (the state dpbond starts in)",
	.tokens = { (void *)&t_start, NULL },
};

static cmdline_parse_inst_t cmd_stop = {
	.f = start_stop_cb,
	.data = NULL,
	.help_str = "stop: stop forwarding (link monitoring goes on)",
	.tokens = { (void *)&t_stop, NULL },
};

static cmdline_parse_inst_t cmd_reload = {
	.f = reload_cb,
	.help_str = "reload: read the interfaces file again and apply what changed (refused whole with file:line when it has errors)",
	.tokens = { (void *)&t_reload, NULL },
};

static cmdline_parse_inst_t cmd_quit = {
	.f = quit_cb,
	.help_str = "quit: stop everything and exit",
	.tokens = { (void *)&t_quit, NULL },
};

static cmdline_parse_token_string_t t_quit2 =
	TOKEN_STRING_INITIALIZER(struct quit_args, quit, "quit");
static cmdline_parse_token_string_t t_handover =
	TOKEN_STRING_INITIALIZER(struct quit_args, how, "handover");

static cmdline_parse_inst_t cmd_quit_handover = {
	.f = quit_cb,
	.data = (void *)1,
	.help_str = "quit handover: exit for a restart, leaving the host ports' TAPs with their addresses and routes to the next dpbond (VMs reconnect)",
	.tokens = { (void *)&t_quit2, (void *)&t_handover, NULL },
};

struct sleep_args {
	cmdline_fixed_string_t sleep;
	uint32_t ms;
};

static void sleep_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct sleep_args *a = parsed;

	(void)data;
	/* Over the control socket, the other clients wait meanwhile: a bound. */
	if (cli.capture && a->ms > CLI_SOCK_SLEEP_MAX_MS) {
		cli_printf(cl, "sleep over the control socket: at most %u ms\n", CLI_SOCK_SLEEP_MAX_MS);
		cli.capture_failed = true;
		return;
	}
	/* The appliance keeps running while the console waits; a signal ends it. */
	for (uint32_t left = a->ms; left && !cli_quit; left -= left < 10 ? left : 10)
		dpb_ctl_run_for(cli.ctl, left < 10 ? left : 10);
}

static cmdline_parse_token_string_t t_sleep =
	TOKEN_STRING_INITIALIZER(struct sleep_args, sleep, "sleep");
static cmdline_parse_token_num_t t_sleep_ms =
	TOKEN_NUM_INITIALIZER(struct sleep_args, ms, RTE_UINT32);

static cmdline_parse_inst_t cmd_sleep = {
	.f = sleep_cb,
	.help_str = "sleep <ms>: wait, the appliance running meanwhile",
	.tokens = { (void *)&t_sleep, (void *)&t_sleep_ms, NULL },
};

struct warp_args {
	cmdline_fixed_string_t time;
	cmdline_fixed_string_t warp;
	uint32_t ms;
	uint32_t step;
};

static void warp_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct warp_args *a = parsed;
	struct dpb_strbuf sb;

	dpb_strbuf_init(&sb);
	/* Each step is a turn of the control work: a bounded number of them. */
	if ((uint64_t)a->ms / (data && a->step ? a->step : 1) > CLI_WARP_MAX_STEPS) {
		dpb_strbuf_printf(&sb, "time warp: at most %u steps (make the step longer)\n",
				  CLI_WARP_MAX_STEPS);
		cli_reply(cl, -E2BIG, &sb);
		return;
	}
	cli_reply(cl, dpb_ctl_warp(cli.ctl, a->ms, data ? a->step : 1, &sb), &sb);
}

static cmdline_parse_token_string_t t_warp_time =
	TOKEN_STRING_INITIALIZER(struct warp_args, time, "time");
static cmdline_parse_token_string_t t_warp_warp =
	TOKEN_STRING_INITIALIZER(struct warp_args, warp, "warp");
static cmdline_parse_token_num_t t_warp_ms =
	TOKEN_NUM_INITIALIZER(struct warp_args, ms, RTE_UINT32);
static cmdline_parse_token_num_t t_warp_step =
	TOKEN_NUM_INITIALIZER(struct warp_args, step, RTE_UINT32);

static cmdline_parse_inst_t cmd_warp = {
	.f = warp_cb,
	.data = NULL,
	.help_str = "time warp <ms>: move the control plane's clock ahead, the control work run each millisecond (tests; needs --test-clock)",
	.tokens = { (void *)&t_warp_time, (void *)&t_warp_warp, (void *)&t_warp_ms, NULL },
};

static cmdline_parse_inst_t cmd_warp_step = {
	.f = warp_cb,
	.data = (void *)1,
	.help_str = "time warp <ms> <step>: the same in steps of <step> ms",
	.tokens = { (void *)&t_warp_time, (void *)&t_warp_warp, (void *)&t_warp_ms,
		    (void *)&t_warp_step, NULL },
};

struct echo_args {
	cmdline_fixed_string_t echo;
	cmdline_fixed_string_t text;
};

static void echo_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct echo_args *a = parsed;

	(void)data;
	cli_printf(cl, "%s\n", a->text);
}

static cmdline_parse_token_string_t t_echo =
	TOKEN_STRING_INITIALIZER(struct echo_args, echo, "echo");
static cmdline_parse_token_string_t t_echo_text =
	TOKEN_STRING_INITIALIZER(struct echo_args, text, NULL);

static cmdline_parse_inst_t cmd_echo = {
	.f = echo_cb,
	.help_str = "echo <word>: print <word> (marks a point in a script's output)",
	.tokens = { (void *)&t_echo, (void *)&t_echo_text, NULL },
};


static void help_cb(void *parsed, struct cmdline *cl, void *data)
{
	(void)parsed;
	(void)data;
	cli_printf(cl, "Commands (interfaces by name or ethdev port number):\n");
	for (cmdline_parse_ctx_t *c = cli_ctx; *c; c++)
		cli_printf(cl, "  %s\n", (*c)->help_str);
}

static cmdline_parse_inst_t cmd_help = {
	.f = help_cb,
	.help_str = "help: this list",
	.tokens = { (void *)&t_help, NULL },
};

struct show_ctl_args {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t ctl;
};

static void show_ctl_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct dpb_strbuf sb;

	(void)parsed;
	(void)data;
	dpb_strbuf_init(&sb);
	cli_sock_show(&sb);
	dpb_ctl_show_status(cli.ctl, &sb);
	dpb_ctl_show_pools(cli.ctl, &sb);
	cli_reply(cl, 0, &sb);
}

static cmdline_parse_token_string_t t_show_ctl_show =
	TOKEN_STRING_INITIALIZER(struct show_ctl_args, show, "show");
static cmdline_parse_token_string_t t_show_ctl_ctl =
	TOKEN_STRING_INITIALIZER(struct show_ctl_args, ctl, "ctl");

static cmdline_parse_inst_t cmd_show_ctl = {
	.f = show_ctl_cb,
	.help_str = "show ctl: the control socket and its clients, the mbuf pools (one per NUMA node) and the workers",
	.tokens = { (void *)&t_show_ctl_show, (void *)&t_show_ctl_ctl, NULL },
};

cmdline_parse_inst_t *cli_misc_cmds[] = {
	&cmd_show_ctl,
	&cmd_start, &cmd_stop, &cmd_reload, &cmd_sleep, &cmd_warp, &cmd_warp_step, &cmd_echo, &cmd_quit,
	&cmd_quit_handover, &cmd_help,
	NULL,
};
