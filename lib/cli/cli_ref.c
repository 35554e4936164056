/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console reference (doc/console.md), written from the command
 * definitions themselves: each instance's help text is "SYNTAX: what it
 * does", and SYNTAX is checked word by word against the instance's tokens,
 * so neither the reference nor `help` can name a command the parser does
 * not take.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_priv.h"
#include "dpb_cli.h"

/* Whether syntax word @w (@len bytes) stands for token @t. */
static bool word_matches(const cmdline_parse_token_hdr_t *t, const char *w, size_t len)
{
	const struct cmdline_token_string *ts = (const void *)t;
	const char *s;

	if (t->ops != &cmdline_token_string_ops || ts->string_data.str == NULL ||
	    ts->string_data.str[0] == '\0')
		return w[0] == '<';  /* a value (any word, a number, the rest of the line) */
	/* Fixed words: "link-down#link-up" is written link-down|link-up. */
	s = ts->string_data.str;
	if (strlen(s) != len)
		return false;
	for (size_t k = 0; k < len; k++)
		if (w[k] != (s[k] == '#' ? '|' : s[k]))
			return false;
	return true;
}

/*
 * Checks that the @len bytes of @syntax name @inst's tokens one word each.
 * @return 0, or -EINVAL with the reason on stderr.
 */
static int check_syntax(const cmdline_parse_inst_t *inst, const char *syntax, size_t len)
{
	const char *w = syntax, *end = syntax + len;
	unsigned int n = 0;

	while (w < end) {
		const char *sp = memchr(w, ' ', (size_t)(end - w));
		size_t wl = sp ? (size_t)(sp - w) : (size_t)(end - w);

		if (inst->tokens[n] == NULL || !word_matches(inst->tokens[n], w, wl)) {
			fprintf(stderr, "console reference: \"%.*s\": word %u ('%.*s') is not the "
				"command's token %u\n", (int)len, syntax, n + 1, (int)wl, w, n + 1);
			return -EINVAL;
		}
		n++;
		w += wl + (sp != NULL);
	}
	if (inst->tokens[n] != NULL) {
		fprintf(stderr, "console reference: \"%.*s\" names %u words; the command has more tokens\n",
			(int)len, syntax, n);
		return -EINVAL;
	}
	return 0;
}

/* Text as Markdown reads it literally: punctuation that means something escaped. */
static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

int dpb_cli_print_reference(FILE *out)
{
	int rc = cli_ctx_build();

	if (rc < 0)
		return rc;
	fprintf(out,
		"# Console reference\n"
		"\n"
		"<!-- Written by dpb-console-ref from lib/cli's command definitions: do not edit.\n"
		"     Regenerate: build/test/dpb-console-ref > doc/console.md -->\n"
		"\n"
		"The commands of dpbond's console (`dpbond -- -i`, `--cmdline-file FILE`) and of\n"
		"its control socket (`dpbondctl COMMAND`), in the order `help` lists them.\n"
		"A word in angle brackets is a value; `a|b` is one of those words. Interfaces\n"
		"are named (`eth0`, `bond0`, `vmbr0`) or given by ethdev port number.\n"
		"A refused command says why (on `dpbondctl`'s stderr, exit status 1).\n"
		"\n");
	for (cmdline_parse_ctx_t *c = cli_ctx; *c; c++) {
		const char *help = (*c)->help_str;
		const char *colon = help ? strstr(help, ": ") : NULL;

		if (colon == NULL) {
			fprintf(stderr, "console reference: help text '%s' is not \"SYNTAX: what it does\"\n",
				help ? help : "(none)");
			rc = -EINVAL;
			continue;
		}
		if (check_syntax(*c, help, (size_t)(colon - help)) < 0) {
			rc = -EINVAL;
			continue;
		}
		fprintf(out, "- `%.*s`: ", (int)(colon - help), help);
		put_text(out, colon + 2);
		fputc('\n', out);
	}
	free(cli_ctx);
	cli_ctx = NULL;
	return rc;
}
