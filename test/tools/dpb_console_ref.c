/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-console-ref: prints doc/console.md, the console reference, from the
 * command definitions of lib/cli (no EAL). Exit status 1 when a command's
 * help text does not match its tokens.
 *   build/test/dpb-console-ref > doc/console.md
 */
#include <stdio.h>

#include "dpb_cli.h"

int main(void)
{
	return dpb_cli_print_reference(stdout) == 0 ? 0 : 1;
}
