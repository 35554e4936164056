/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: lib/cfg's reader of interfaces files, with what they source.
 *
 * The input is a small tree of files in one text, as head(1) prints several:
 *
 *   auto lo                       <- /etc/network/interfaces, up to the first marker
 *   source interfaces.d/[a-z]*
 *   ==> interfaces.d/bond <==     <- a file of its own: a path relative to
 *   iface bond0 inet manual          /etc/network, or absolute
 *   ...
 *
 * The files are written under a private directory that stands for "/"
 * (fuzz_chroot.c): while dpb_cfg_load() runs, every path lib/cfg opens,
 * globs, lists or stats is taken as a path under it, so `source /etc/passwd`
 * or `source-directory /proc/self` find nothing and no file outside is read.
 * After each input the tree is removed; the directory goes at exit.
 * An accepted file is also dumped (`--check`'s model) and its diagnostics
 * printed, into /dev/null, or to stderr when FUZZ_VERBOSE is set (to see
 * what an input does: FUZZ_VERBOSE=1 fuzz-replay-cfg FILE).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dpb_cfg.h"
#include "fuzz_chroot.h"
#include "fuzz_target.h"

#define MAX_FILES 16
#define MARK_OPEN "==> "
#define MARK_CLOSE " <=="

static struct dpb_cfg *cfg;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cfg = malloc(sizeof(*cfg));
	devnull = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
	if (cfg == NULL || devnull == NULL || fuzz_chroot_init("dpb-fuzz-cfg") != 0) {
		perror("fuzz_cfg: setup");
		abort();
	}
	return 0;
}

/*
 * Whether line [s, e) is a marker; its path goes to @name (virtual: relative
 * ones are under /etc/network).
 */
static bool marker(const char *s, const char *e, char *name, size_t cap)
{
	size_t n = (size_t)(e - s), lo = strlen(MARK_OPEN), lc = strlen(MARK_CLOSE);

	if (n <= lo + lc || memcmp(s, MARK_OPEN, lo) != 0 || memcmp(e - lc, MARK_CLOSE, lc) != 0)
		return false;
	n -= lo + lc;
	if (memchr(s + lo, '\0', n) != NULL)
		return false;
	snprintf(name, cap, "%s%.*s", s[lo] == '/' ? "" : "/etc/network/", (int)n, s + lo);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *start = s;
	char name[DPB_CFG_PATH_LEN] = "/etc/network/interfaces";
	unsigned int n_files = 0;

	/* Split at the markers; each part is written as it ends. */
	while (n_files < MAX_FILES) {
		const char *line = s, *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		char next[DPB_CFG_PATH_LEN];
		bool last = nl == NULL;

		if (last || marker(line, eol, next, sizeof(next))) {
			const char *stop = last ? end : line;

			/* An unusable path (a directory of another file, too long) skips its part. */
			(void)fuzz_chroot_write(name, start, (size_t)(stop - start));
			n_files++;
			if (last)
				break;
			snprintf(name, sizeof(name), "%s", next);
			start = nl + 1;
		}
		s = nl + 1;
	}

	fuzz_chroot_enter();
	if (dpb_cfg_load(cfg, "/etc/network/interfaces", NULL, 0) == 0)
		dpb_cfg_dump(cfg, devnull);
	dpb_cfg_print_diags(cfg, devnull);
	fuzz_chroot_leave();
	fuzz_chroot_clear();
	return 0;
}
