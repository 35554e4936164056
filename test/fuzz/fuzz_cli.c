/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the console's and control socket's command parsing, that is
 * DPDK's cmdline parser over dpbond's command table (lib/cli's cli_ctx),
 * without a running control plane: every instance's callback is replaced by
 * one that only counts, so a line is tokenised and matched (numbers, words,
 * names) and nothing is executed.
 *
 * The input is what a control-socket client sends: split into lines at
 * '\n' as the socket does (a '\r' before it taken off, leading blanks
 * skipped, empty lines ignored, lines longer than the socket takes cut
 * there), each given to cmdline_parse() with its newline, as the socket
 * and console do, and to cmdline_complete() (the console's Tab) for each of
 * its completions.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline.h>
#include <cmdline_parse.h>

#include "cli_priv.h"
#include "fuzz_target.h"

#define LINE_MAX_LEN 1024   /* cli_sock.c's SOCK_LINE_MAX */
#define MAX_COMPLETIONS 64

static struct cmdline *cl;
static unsigned long matched;

static void no_op(void *parsed, struct cmdline *c, void *data)
{
	(void)parsed;
	(void)c;
	(void)data;
	matched++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int out = open("/dev/null", O_WRONLY);

	(void)argc;
	(void)argv;
	if (out < 0 || cli_ctx_build() != 0)
		abort();
	for (cmdline_parse_ctx_t *i = cli_ctx; *i; i++)
		(*i)->f = no_op;
	cl = cmdline_new(cli_ctx, "", -1, out);
	if (cl == NULL)
		abort();
	return 0;
}

static void one_line(const char *line)
{
	char cmd[LINE_MAX_LEN + 2], dst[256];
	int state = 0, rc;
	unsigned long before = matched;

	snprintf(cmd, sizeof(cmd), "%s\n", line);
	rc = cmdline_parse(cl, cmd);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%d %lu: %s", rc, matched - before, cmd);
	/*
	 * Success is the length parsed (DPDK 22.11), failure a CMDLINE_PARSE_*
	 * below 0; a comment, or a line cmdline sees as empty (a '\r' ends it),
	 * parses with no command run.
	 */
	FUZZ_CHECK(matched - before <= 1, "two commands run for one line");
	FUZZ_CHECK(rc >= 0 || matched == before, "a command run for a refused line");
	FUZZ_CHECK(rc < 0 || matched == before + 1 || strchr("#\r", line[strspn(line, " \t")]),
		   "a line accepted but no command run");
	/* Tab on the line as typed so far (no newline): complete, then list the choices. */
	snprintf(cmd, sizeof(cmd), "%s", line);
	for (int first = 0; first >= -1; first--) {
		state = first;
		for (int k = 0; k < MAX_COMPLETIONS; k++) {
			rc = cmdline_complete(cl, cmd, &state, dst, sizeof(dst));
			if (rc != CMDLINE_PARSE_COMPLETE_AGAIN)
				break;
			FUZZ_CHECK(memchr(dst, '\0', sizeof(dst)) != NULL, "completion not terminated");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		char line[LINE_MAX_LEN];
		const char *p = line;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0')
			one_line(p);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return 0;
}
