/* SPDX-License-Identifier: BSD-3-Clause */
/* The console loop: a command file, then a terminal, the appliance running between. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline_rdline.h>
#include <cmdline_socket.h>

#include "cli_priv.h"
#include "dpb_cli.h"
#include "dpb_log.h"

#define PROMPT "dpbond> "

struct cli_state cli;
volatile sig_atomic_t cli_quit;
cmdline_parse_ctx_t *cli_ctx;

void dpb_cli_request_quit(void)
{
	cli_quit = 1;
}

void cli_reply(struct cmdline *cl, int rc, struct dpb_strbuf *sb)
{
	if (cli.capture) {
		/* A control socket's command: the client gets the status. */
		if (rc < 0)
			cli.capture_failed = true;
		dpb_strbuf_puts_escaped(cli.capture, dpb_strbuf_str(sb));
	} else {
		struct dpb_strbuf esc;

		if (rc < 0)
			cli.n_failed++;
		dpb_strbuf_init(&esc);
		dpb_strbuf_puts_escaped(&esc, dpb_strbuf_str(sb));
		if (esc.len)
			cmdline_printf(cl, "%s", dpb_strbuf_str(&esc));
		dpb_strbuf_free(&esc);
	}
	dpb_strbuf_free(sb);
}

void cli_printf(struct cmdline *cl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (cli.capture) {
		dpb_strbuf_puts_escaped(cli.capture, buf);
	} else {
		char esc[sizeof(buf) * 4];

		cmdline_printf(cl, "%s", dpb_escape_controls(buf, esc, sizeof(esc), true));
	}
}

/* One turn of the appliance; the control socket's clients between turns. */
static bool turn(void)
{
	bool ticked = dpb_ctl_run(cli.ctl);

	if (ticked)
		cli_sock_poll();
	return ticked;
}

int cli_ctx_build(void)
{
	cmdline_parse_inst_t **lists[] = {
		cli_json_cmds, cli_bond_cmds, cli_port_cmds, cli_worker_cmds, cli_bridge_cmds,
		cli_misc_cmds,
	};
	size_t n = 0, k = 0;

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (cmdline_parse_inst_t **i = lists[l]; *i; i++)
			n++;
	cli_ctx = calloc(n + 1, sizeof(*cli_ctx));
	if (cli_ctx == NULL)
		return -ENOMEM;
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (cmdline_parse_inst_t **i = lists[l]; *i; i++)
			cli_ctx[k++] = *i;
	return 0;
}

/* Runs one command line, echoed after the prompt; @where names it in errors. */
static void run_line(struct cmdline *cl, const char *where, unsigned int lineno, char *line)
{
	const char *s = line;
	char cmd[512];
	int rc;

	line[strcspn(line, "\r\n")] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return;
	printf(PROMPT "%s\n", s);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "%s\n", s);  /* the parser wants the newline */
	rc = cmdline_parse(cl, cmd);
	if (rc == CMDLINE_PARSE_AMBIGUOUS || rc == CMDLINE_PARSE_NOMATCH ||
	    rc == CMDLINE_PARSE_BAD_ARGS) {
		char esc[512 * 4];

		printf("%s:%u: %s: %s\n", where, lineno,
		       rc == CMDLINE_PARSE_AMBIGUOUS ? "ambiguous command" : "bad command",
		       dpb_escape_controls(s, esc, sizeof(esc), true));
		cli.n_failed++;
	}
	fflush(stdout);
}

/* Commands from a file, in order. */
static int run_file(const char *path)
{
	struct cmdline *cl = cmdline_new(cli_ctx, "", -1, STDOUT_FILENO);
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	FILE *f;

	if (cl == NULL)
		return -ENOMEM;
	f = fopen(path, "r");
	if (f == NULL) {
		int rc = -errno;

		DPB_LOG(ERR, CLI, "%s: %s", path, strerror(errno));
		cmdline_free(cl);
		return rc;
	}
	while (!cli_quit && getline(&line, &cap, f) >= 0) {
		run_line(cl, path, ++lineno, line);
		/* Let the appliance turn between commands. */
		turn();
	}
	free(line);
	fclose(f);
	cmdline_free(cl);
	return 0;
}

/*
 * Standard input that is not a terminal (a pipe from a script): whole lines
 * are run as they arrive, as from a file, the appliance running meanwhile.
 */
static void run_stream(void)
{
	struct cmdline *cl = cmdline_new(cli_ctx, "", -1, STDOUT_FILENO);
	char buf[4096];
	size_t len = 0;
	unsigned int lineno = 0;

	if (cl == NULL)
		return;
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	while (!cli_quit) {
		ssize_t n;
		char *nl;

		if (!turn())
			continue;
		n = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
		if (n == 0)
			break;  /* end of input */
		if (n < 0)
			continue;
		len += (size_t)n;
		buf[len] = '\0';
		while (!cli_quit && (nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			run_line(cl, "stdin", ++lineno, buf);
			memmove(buf, nl + 1, len - (size_t)(nl + 1 - buf) + 1);
			len -= (size_t)(nl + 1 - buf);
		}
		if (len == sizeof(buf) - 1)
			len = 0;  /* a line longer than the buffer: dropped */
	}
	cmdline_free(cl);
}

static void run_interactive(void)
{
	struct cmdline *cl;

	if (!isatty(STDIN_FILENO)) {
		run_stream();
		return;
	}
	cl = cmdline_stdin_new(cli_ctx, PROMPT);
	if (cl == NULL)
		return;
	while (!cli_quit) {
		if (!turn())
			continue;
		if (cmdline_poll(cl) == RDLINE_EXITED)
			break;
	}
	cmdline_stdin_exit(cl);
}

int dpb_cli_run(struct dpb_ctl *ctl, const char *file, bool interactive)
{
	int rc = 0;

	cli.ctl = ctl;
	cli.n_failed = 0;
	if (cli_ctx_build() < 0)
		return -ENOMEM;
	if (file)
		rc = run_file(file);
	if (rc == 0 && !cli_quit) {
		if (interactive)
			run_interactive();
		else
			while (!cli_quit)
				turn();
	}
	free(cli_ctx);
	cli_ctx = NULL;
	if (rc == 0 && cli.n_failed)
		rc = 1;
	return rc;
}
