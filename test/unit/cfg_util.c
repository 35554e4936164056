/* SPDX-License-Identifier: BSD-3-Clause */
/* What the configuration reader's unit tests share: files in a temporary folder, diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg_util.h"

static char dir[64];
struct dpb_cfg cfg;

int cfg_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/dpb-cfg-test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

int cfg_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

const char *write_file(const char *name, const char *text)
{
	static char path[256];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

int load(const char *text)
{
	return dpb_cfg_load(&cfg, write_file("interfaces", text), NULL, 0);
}

/* The diagnostic "LINE: error|warning: MSG" (or starting with MSG when
 * @prefix) must be among cfg's. */
void expect_diag_at(unsigned int line, enum dpb_diag_severity sev, const char *msg,
			   bool prefix)
{
	for (unsigned int i = 0; i < cfg.n_diags; i++)
		if (cfg.diags[i].loc.line == line && cfg.diags[i].severity == sev &&
		    (prefix ? strncmp(cfg.diags[i].msg, msg, strlen(msg))
			    : strcmp(cfg.diags[i].msg, msg)) == 0)
			return;
	dpb_cfg_print_diags(&cfg, stderr);
	fail_msg("missing diagnostic at line %u: %s", line, msg);
}

void expect_diag(unsigned int line, enum dpb_diag_severity sev, const char *msg)
{
	expect_diag_at(line, sev, msg, false);
}

const struct dpb_cfg_iface *iface(const char *name)
{
	int i = dpb_cfg_find(&cfg, name);

	assert_true(i >= 0);
	return &cfg.ifaces[i];
}

