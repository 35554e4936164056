#!/bin/bash
# A bridge's FDB at its size: vmbr0 with `bridge-fdb-max 1024` over two pcap
# ports; eth0 receives frames from 3000 hosts (sources in sequence), twice
# over. The FDB holds 1024 of them, every later learn is refused and
# counted, in `show bridge`, `show drops` and their JSON, and the frames of
# the hosts it could not learn still leave eth1 (flooded): nothing is lost.
# A reload that changes bridge-fdb-max on the running bridge is refused; a
# size out of range is refused with its line.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
SOCK=$T/ctl.sock
write_file() {
	cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
auto vmbr0
iface vmbr0 inet manual
    bridge-ports eth0 eth1
    bridge-fdb-max $1
CFG
}
write_file 1024
"$PCAP" gen "$T/in.pcap" --count 6000 --src 02:00:00:10:00:00 --src-count 3000 --dst 02:00:00:00:00:bb --tag fdb
"$DPBOND" $(eal_opts fdbfull) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" \
	--port "eth0=net_pcap0,rx_pcap=$T/in.pcap,tx_pcap=$T/tx0.pcap" \
	--port "eth1=net_pcap1,tx_pcap=$T/tx1.pcap" > "$T/out" 2> "$T/err" &
DPB_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "no control socket: $(cat "$T/err")"
ctl() { "$CTL" --socket "$SOCK" "$@"; }

# The file is read once; wait until every frame is out.
for _ in $(seq 100); do
	ctl show port stats eth1 > "$T/eth1" && [ "$(awk '/TX-packets/ { print $2 }' "$T/eth1")" = 6000 ] && break
	sleep 0.1
done
[ "$(awk '/TX-packets/ { print $2 }' "$T/eth1")" = 6000 ] || fail "eth1 sent: $(cat "$T/eth1")"
# Requests the control lcore has not drained yet are still refused: wait
# until the count holds still.
prev=
for _ in $(seq 50); do
	now=$(ctl show bridge vmbr0 | sed -n 's/^  fdb: .*, \([0-9]*\) learns refused .*/\1/p')
	[ -n "$now" ] && [ "$now" = "$prev" ] && break
	prev=$now
	sleep 0.2
done
ctl show bridge vmbr0 > "$T/br"
ctl show bridge vmbr0 json > "$T/br.json"
ctl show drops > "$T/drops"
ctl show drops json > "$T/drops.json"
grep -q "^bridge vmbr0: .*, 1024 fdb entries, 1024 learned, 0 moved$" "$T/br" || fail "show bridge: $(head -2 "$T/br")"
refused=$(sed -n 's/^  fdb: 1024 of 1024 entries (bridge-fdb-max), \([0-9]*\) learns refused .*/\1/p' "$T/br")
# 1976 hosts never learned, each of their 4000 frames asking again (unless
# its request found the ring full).
[ -n "$refused" ] && [ "$refused" -ge 1976 ] && [ "$refused" -le 4000 ] || fail "refused: $(sed -n 2p "$T/br")"
[ "$(jq -r '"\(.fdb_entries) \(.fdb_max) \(.fdb_refused)"' "$T/br.json")" = "1024 1024 $refused" ] ||
	fail "show bridge json: $(jq -c '{fdb_entries, fdb_max, fdb_refused}' "$T/br.json")"
grep -qx "Learns refused (a bridge's FDB full; frames flooded): $refused" "$T/drops" || fail "show drops: $(cat "$T/drops")"
[ "$(jq -r .fdb_refused "$T/drops.json")" = "$refused" ] || fail "show drops json: $(cat "$T/drops.json")"
ok "bridge-fdb-max 1024: 1024 of 3000 hosts learned, $refused learns refused and counted (show bridge, show drops, JSON), all 6000 frames out on eth1"

ctl clear port stats all > /dev/null || fail "clear port stats all"
ctl show bridge vmbr0 > "$T/br2"
ctl show drops > "$T/drops2"
grep -q "^  fdb: 1024 of 1024 entries (bridge-fdb-max), 0 learns refused" "$T/br2" &&
	grep -qx "Learns refused (a bridge's FDB full; frames flooded): 0" "$T/drops2" &&
	grep -qx "Learning requests lost (ring full; frames still forwarded): 0" "$T/drops2" ||
	fail "after clear: $(cat "$T/br2" "$T/drops2")"
ok "clear port stats all starts the refusals (and lost requests) from zero; the entries stay"

write_file 2048
ctl reload > "$T/reload" 2>&1 && fail "a reload resized a running bridge's FDB: $(cat "$T/reload")"
grep -q "interfaces:4: error: vmbr0: bridge-fdb-max changed on a running bridge" "$T/reload" || fail "reload said: $(cat "$T/reload")"
ctl show bridge vmbr0 > "$T/br3"
grep -q "^  fdb: 1024 of 1024 entries" "$T/br3" || fail "the refused reload changed the FDB: $(cat "$T/br3")"
write_file 100
"$DPBOND" --check -c "$T/interfaces" > "$T/check" 2>&1 && fail "bridge-fdb-max 100 was taken"
grep -q "interfaces:6: .*bridge-fdb-max" "$T/check" || fail "--check said: $(cat "$T/check")"
ok "a reload changing bridge-fdb-max is refused with its line, the FDB as it was; a size under 1024 is refused"

kill -INT "$DPB_PID"
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "mbufs were lost"
