#!/bin/bash
# test/bench/vmpath.sh, briefly (1 s, one round): the VM-path benchmark still
# runs to the end, and what it prints holds together. For each frame size,
# one BENCH line: the VM got frames into its ring and dpbond delivered them
# out of eth0 (the same rate within 10%: the two windows differ by
# milliseconds), dropping none; the worker's busy share in (0, 1], 1 to 32
# frames a burst, a limit named; a SUMMARY line; dpbond quit with every mbuf
# back. It times nothing: the rates are not checked against any figure.
BUILD=$1
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
command -v dpdk-testpmd >/dev/null || { echo "SKIP: dpdk-testpmd is not installed (Debian package dpdk-dev)"; exit 77; }

rc=0
"$(dirname "$0")/../bench/vmpath.sh" "$BUILD" 1 1 > "$T/bench.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "vmpath.sh exited with $rc: $(tail -30 "$T/bench.out")"
# field LINE NAME: NAME's value in a BENCH or SUMMARY line.
field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
for size in 60 1514; do
	line=$(grep "^BENCH case=vm-path size=$size round=1 " "$T/bench.out") ||
		fail "no BENCH line for $size bytes: $(cat "$T/bench.out")"
	sent=$(field "$line" vm_sent_mpps) got=$(field "$line" dpbond_delivered_mpps)
	awk -v s="$sent" -v g="$got" 'BEGIN { exit !(s > 0 && g > 0 && g >= s * 0.9 && g <= s * 1.1) }' ||
		fail "$size bytes: the VM sent $sent Mpps, dpbond delivered $got: $line"
	[ "$(field "$line" dpbond_dropped)" = 0 ] && [ "$(field "$line" vm100_rx_missed)" = 0 ] ||
		fail "$size bytes: dpbond dropped frames: $line"
	awk -v b="$(field "$line" worker_busy)" -v p="$(field "$line" frames_per_burst)" \
		'BEGIN { exit !(b > 0 && b <= 1 && p >= 1 && p <= 32) }' || fail "$size bytes: the worker's load: $line"
	field "$line" limit | matches -xE "dpbond|generator|contended" || fail "$size bytes: no limit named: $line"
	grep -q "^SUMMARY case=vm-path size=$size " "$T/bench.out" || fail "no SUMMARY line for $size bytes"
	ok "$size bytes: the VM sent $sent Mpps into its ring, dpbond delivered $got Mpps out of eth0, none dropped ($(field "$line" limit) the limit)"
done
grep -q "^ok - dpbond quit with every mbuf back in the pool" "$T/bench.out" || fail "dpbond did not quit cleanly: $(tail -20 "$T/bench.out")"
ok "the benchmark ended with dpbond's every mbuf back in the pool"
