#!/bin/bash
# dpb-bench runs every case once, briefly (--quick: 2 and 4 members, 1 and
# 1k MACs), and ends cleanly: exit 0 (before, one run in three died of a
# segmentation fault when DPDK's bond's alarm fired after EAL's cleanup),
# one parseable BENCH line per case with the fields the case has, every case
# forwarding, 802.3ad negotiated between dpbond and DPDK's bond; and the
# failover cases, each with traffic on the survivors after the link went
# down. It times nothing: the figures are doc/performance.md's, from a full
# run.
BUILD=$1
. "$(dirname "$0")/lib.sh"

BENCH="$BUILD/test/dpb-bench"
[ -x "$BENCH" ] || fail "no $BENCH"
set +e
timeout -k 5 150 "$BENCH" $(eal_opts bench | sed 's/-m 256/-m 1024/') --log-level=pmd.net.bonding:error \
	-- --quick > "$T/out" 2> "$T/err"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "dpb-bench exited $rc: $(tail -5 "$T/err")"
ok "dpb-bench --quick exits 0"

# Per number of members: 12 bond stages (9 with DPDK's bond beside), 10
# modes' whole path, 2 modes x 2 MAC counts x 3 directions, 1 flood.
for n in 2 4; do
	lines=$(grep -c "^BENCH .* members=$n " "$T/out" || true)
	[ "$lines" -eq 35 ] || fail "$lines BENCH lines for $n members, not 35: $(cat "$T/out")"
	pmd=$(grep "^BENCH .* members=$n " "$T/out" | grep -c " pmd_mpps=" || true)
	[ "$pmd" -eq 9 ] || fail "$pmd cases against DPDK's bond for $n members, not 9"
done
ok "35 BENCH lines for each of 2 and 4 members, 9 of them against DPDK's bond"
# The devices alone beside the bond stages over net_null on both sides with
# a frame out for a frame in: all of DPDK's but broadcast and 802.3ad.
for n in 2 4; do
	dev=$(grep "^BENCH case=[a-z0-9.+-]* stage=bond members=$n " "$T/out" | grep -c " device_mpps=" || true)
	[ "$dev" -eq 7 ] || fail "$dev bond stages with the devices alone for $n members, not 7"
	grep "^BENCH case=\(broadcast\|802.3ad\) " "$T/out" | grep -q " device_mpps=" &&
		fail "broadcast or 802.3ad measured against the devices alone"
done
ok "7 bond stages for each member count measured beside the devices alone"

re='^BENCH case=[a-z0-9.+-]+ stage=(bond|path|flood) members=[24] macs=[0-9]+ dir=(tx|rx|both) ours_mpps=[0-9.]+( pmd_mpps=[0-9.]+)? ceiling_mpps=[0-9.]+( ours_vs_pmd=[0-9.]+)? ours_vs_ceiling=[0-9.]+ cycles_per_frame=[0-9.]+( device_mpps=[0-9.]+ device_vs_pmd=[0-9.]+ ours_bond_cycles=-?[0-9.]+ pmd_bond_cycles=-?[0-9.]+)?$'
bad=$(grep "^BENCH" "$T/out" | grep -Ev "$re" || true)
[ -z "$bad" ] || fail "lines not in the format: $bad"
zero=$(grep "^BENCH" "$T/out" | grep -E " (ours_mpps|pmd_mpps|ceiling_mpps|device_mpps)=0\.00( |$)" || true)
[ -z "$zero" ] || fail "cases that forwarded nothing: $zero"
grep -q "^BENCH case=802.3ad stage=bond members=4 .* pmd_mpps=" "$T/out" ||
	fail "no 802.3ad case against DPDK's mode-4 bond"
grep -q "warning" "$T/err" && fail "dpb-bench warned: $(grep warning "$T/err")"
grep -q "brl learned 2048 MACs of 2048" "$T/err" && grep -q "bra learned 2048 MACs of 2048" "$T/err" ||
	fail "the bridges did not learn every MAC: $(grep learned "$T/err")"
ok "every line parses, every case forwards, every MAC learned, 802.3ad negotiated with DPDK's bond"

# Failover under load: active-backup and 802.3ad, miimon 100 and 1, each
# member count: the stream ran, and after the first member's link went down
# its traffic reached the survivors (to_survivor_ms is -1 when it never did).
# The times are figures, not checked here.
fre='^FAILOVER case=(active-backup|802\.3ad) members=[24] miimon=(100|1) mpps=[0-9.]+ lost=[0-9]+ last_on_dead_ms=[0-9.]+ to_survivor_ms=[0-9.]+ bound_ms=[0-9.]+ within=(yes|no)$'
for n in 2 4; do
	lines=$(grep -c "^FAILOVER .* members=$n " "$T/out" || true)
	[ "$lines" -eq 4 ] || fail "$lines FAILOVER lines for $n members, not 4: $(grep -v '^BENCH' "$T/out")"
done
bad=$(grep "^FAILOVER" "$T/out" | grep -Ev "$fre" || true)
[ -z "$bad" ] || fail "failover lines not in the format, or traffic never on the survivors: $bad"
zero=$(grep "^FAILOVER" "$T/out" | grep -E " mpps=0\.[0-4]" || true)
[ -z "$zero" ] || fail "failover cases whose stream did not run: $zero"
ok "8 FAILOVER lines: active-backup and 802.3ad, miimon 100 and 1, 2 and 4 members, traffic on the survivors each time"

# Learning at full rate: a LEARN line per member count, every fresh source
# either learned or its request counted lost (a request may also be in
# flight or refused, so at most: the sum never exceeds what was sent).
lre='^LEARN members=[24] macs=1024 stream_mpps=[0-9.]+ learned=[0-9]+ lost_requests=[0-9]+ learned_per_s=[0-9]+$'
[ "$(grep -c "^LEARN" "$T/out")" -eq 2 ] && [ -z "$(grep "^LEARN" "$T/out" | grep -Ev "$lre")" ] ||
	fail "LEARN lines: $(grep "^LEARN" "$T/out")"
while read -r _ _ _ _ learned lost _; do
	learned=${learned#learned=} lost=${lost#lost_requests=}
	[ "$learned" -gt 0 ] && [ $((learned + lost)) -le 1024 ] || fail "learned $learned, lost $lost of 1024"
done < <(grep "^LEARN" "$T/out")
ok "a LEARN line for 2 and 4 members: sources learned at full rate, lost requests counted"
