/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FUZZ_TARGET_H
#define FUZZ_TARGET_H

/*
 * The entry points of a fuzz target, as libFuzzer calls them (and
 * replay.c, which runs a target over files without libFuzzer).
 */

#include <stddef.h>
#include <stdint.h>

/** Once, before the first input. Optional. @return 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/** One input. @return 0 (a finding aborts: sanitizer, assert or abort()). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Ends the run with the target's name and @p what, as a crash. */
#define FUZZ_CHECK(cond, what)                                                         \
	do {                                                                           \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, what); \
			abort();                                                        \
		}                                                                      \
	} while (0)

#endif
