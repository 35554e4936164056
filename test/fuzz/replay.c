/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs a fuzz target once over each file named, or each file of each folder
 * named (the regression inputs, the seed corpus), without libFuzzer: the
 * same target code under any compiler and sanitizer.
 *   fuzz-replay-TARGET FILE|DIR...
 * Exit status 0 when every input ran (a finding aborts), 1 when a file
 * cannot be read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 4096);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		size_t n = fread(buf + len, 1, cap - len, f);

		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	/* A copy of exactly its size, so that a read past the end is caught. */
	uint8_t *exact = malloc(len ? len : 1);

	if (exact == NULL) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int select_file(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	unsigned int n = 0;
	int rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **ents;
		int k;

		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				rc = 1;
			else
				n++;
			continue;
		}
		k = scandir(argv[i], &ents, select_file, alphasort);
		if (k < 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		for (int j = 0; j < k; j++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
			if (run_file(path) < 0)
				rc = 1;
			else
				n++;
			free(ents[j]);
		}
		free(ents);
	}
	printf("%u inputs run\n", n);
	return rc;
}
