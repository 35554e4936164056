#!/bin/bash
# Runs fuzz targets of a -Dfuzz=true build for a bounded time each, from
# the checked-in seed corpus and regression inputs (test/fuzz/corpus/NAME,
# test/fuzz/regress/NAME). Fails on any crash, leak, sanitizer report,
# timeout or memory blow-up, and keeps the input that caused it in
# BUILD_DIR/fuzz-artifacts/NAME/ (make it a regression input: see
# doc/testing.md). New corpus entries stay in a temporary directory and go.
#   test/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]     (default: every target built)
# FUZZ_SECONDS in the environment overrides SECONDS.
set -euo pipefail
build=$(cd "$1" && pwd)
secs=${FUZZ_SECONDS:-$2}
shift 2
src=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for exe in "$build"/test/fuzz/fuzz-*; do
		name=${exe##*/fuzz-}
		case $name in replay-*) continue ;; esac
		targets+=("$name")
	done
fi

# Per target: the longest input worth trying (an interfaces file of a few
# kilobytes, a burst of PDUs, one jumbo frame, a few console lines).
declare -A max_len=([cfg]=4096 [lacp]=2048 [frame]=1600 [cli]=2048)

rc=0
for t in "${targets[@]}"; do
	exe=$build/test/fuzz/fuzz-$t
	[ -x "$exe" ] || { echo "fuzz $t: $exe not built (-Dfuzz=true?)" >&2; rc=1; continue; }
	work=$(mktemp -d "${TMPDIR:-/tmp}/dpb-fuzz-$t-XXXXXX")
	mkdir "$work/corpus"
	args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
	      -max_len="${max_len[$t]:-4096}" -artifact_prefix="$work/")
	[ -f "$src/dict/$t.dict" ] && args+=(-dict="$src/dict/$t.dict")
	dirs=("$work/corpus" "$src/corpus/$t" "$src/regress/$t")
	echo "fuzz $t: $exe ${args[*]} ${dirs[*]}"
	set +e
	"$exe" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1
	r=$?
	set -e
	execs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$work/log")
	seeds=$(find "$src/corpus/$t" -type f | wc -l)
	found=$(find "$work/corpus" -type f | wc -l)
	cov=$(grep -Eo 'DONE +cov: [0-9]+ ft: [0-9]+' "$work/log" | tail -1 | awk '{ print $3 " edges, " $5 " features" }' || true)
	if [ "$r" -eq 0 ]; then
		echo "fuzz $t: ${secs} s, ${execs:-?} executions, $seeds seeds + $found new inputs, ${cov:-coverage ?}: no finding"
	else
		echo "fuzz $t: FAILED (exit $r) after ${execs:-?} executions; its log:" >&2
		tail -n 60 "$work/log" >&2
		mkdir -p "$build/fuzz-artifacts/$t"
		for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*; do
			[ -e "$a" ] || continue
			cp "$a" "$build/fuzz-artifacts/$t/"
			echo "fuzz $t: input kept: $build/fuzz-artifacts/$t/${a##*/}" >&2
		done
		rc=1
	fi
	rm -rf "$work"
done
exit "$rc"
