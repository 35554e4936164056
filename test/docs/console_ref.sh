#!/bin/bash
# doc/console.md is what the command definitions say: dpb-console-ref writes
# the reference from lib/cli's instances (each help text's syntax checked
# against its tokens) and it must equal the committed file.
# Usage: console_ref.sh DPB_CONSOLE_REF DOC
set -euo pipefail
tool=$1 doc=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if ! "$tool" > "$out"; then
	echo "FAIL: dpb-console-ref refused the command definitions (above)"
	exit 1
fi
grep -q '^- `show bonding <bond>`' "$out" || { echo "FAIL: no show bonding in the reference"; exit 1; }
if ! diff -u "$doc" "$out"; then
	echo "FAIL: $doc differs from the command definitions; regenerate it:"
	echo "  build/test/dpb-console-ref > doc/console.md"
	exit 1
fi
echo "PASS: $doc matches the command definitions ($(grep -c '^- `' "$out") commands)"
