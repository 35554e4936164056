#!/bin/bash
# The corpus in test/configs: each NAME.interfaces, read by `dpbond --check`,
# gives exactly NAME.expected: stdout and stderr, then a last line "exit N",
# with the folder's path shown as CONFIGS. A file without NAME.expected is
# reported as skipped: its output has not been reviewed and accepted.
#
# configs.sh BUILD                  compare every file
# configs.sh BUILD --write NAME...  write NAME.expected from what dpbond says
#                                   now (review it before committing it)
BUILD=$1
shift || true
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../configs" && pwd)

# dpbond runs a file's hook commands only if root owns it and nobody else may
# write it, and says so when it reads one that fails this: read copies that
# pass, whoever owns the checkout, so the output does not depend on it.
if [ "$(id -u)" -ne 0 ]; then
	echo "skip - the corpus is read as root (hook commands are trusted only in root's files)"
	exit 77
fi
# The host's hugepages and NICs are not the corpus's business: a host that
# matches every file (DPBOND_HOST_ROOT; test host_check checks the host).
fake_host "$T/host"
cp -R "$SRC" "$T/configs"
chmod -R go-w "$T/configs"
DIR="$T/configs"

# run NAME: dpbond's output for NAME.interfaces, as NAME.expected has it, in $T/NAME.got
run() {
	local rc=0 out
	out=$(DPBOND_HOST_ROOT="$T/host" "$DPBOND" --check -c "$DIR/$1.interfaces" 2>&1) || rc=$?
	printf '%s\n' "${out//"$DIR"/CONFIGS}" "exit $rc" > "$T/$1.got"
}

if [ "${1:-}" = "--write" ]; then
	shift
	[ $# -gt 0 ] || fail "--write wants the names of the files to write"
	for name in "$@"; do
		name=${name%.interfaces}
		[ -f "$SRC/$name.interfaces" ] || fail "no $SRC/$name.interfaces"
		run "$name"
		cp "$T/$name.got" "$SRC/$name.expected"
		echo "wrote $SRC/$name.expected: review it line by line before committing it"
	done
	exit 0
fi

shopt -s nullglob
files=("$SRC"/*.interfaces)
[ ${#files[@]} -gt 0 ] || fail "no *.interfaces in $SRC"
bad=0
compared=0
for f in "${files[@]}"; do
	name=$(basename "$f" .interfaces)
	if [ ! -f "$SRC/$name.expected" ]; then
		echo "skip - $name: no $name.expected (its output is not accepted yet)"
		continue
	fi
	run "$name"
	compared=$((compared + 1))
	if diff -u --label "$name.expected" --label "dpbond --check" \
		"$SRC/$name.expected" "$T/$name.got" > "$T/$name.diff"; then
		ok "$name"
	else
		echo "not ok - $name"
		echo "FAIL: $name: dpbond --check differs from $name.expected:" >&2
		cat "$T/$name.diff" >&2
		bad=$((bad + 1))
	fi
done
[ "$bad" -eq 0 ] || fail "$bad of $compared files read differently from their .expected"
