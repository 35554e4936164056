#!/bin/bash
# `show worker stats` (and its JSON, and `show workers json`'s load): on pcap
# ports, vmbr0 over an active-backup bond0 and eth2, eth2 fed a known number
# of frames. Once the stream has gone through: every frame fed counted as
# received, busy and idle cycles both counted, 1 to 32 frames a burst; while
# nothing comes in, idle cycles and polls grow and busy cycles stay; text and
# JSON agree; `clear worker stats` starts the load from zero and leaves the
# port counters alone. Run with the main lcore forwarding itself (-l 0, its
# control work counted apart) and with a worker lcore (-l 0,1).
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
N=1000
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface eth2 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 eth2
CFG
"$PCAP" gen "$T/in.pcap" --count $N --src 02:00:00:00:00:aa --dst 02:00:00:00:00:bb

# A text figure of worker $2 in file $1: "busy cycles" prints its count.
text_of() {
	awk -v w="$2" -v k="$3" -F': ' '
		/^worker / { cur = $0; sub(/^worker /, "", cur); sub(/ .*/, "", cur); next }
		cur == w && $1 == "  " k { split($2, v, " "); print v[1]; exit }' "$1"
}
stats() { "$CTL" --socket "$SOCK" show worker stats > "$T/$1.txt" &&
	  "$CTL" --socket "$SOCK" show worker stats json > "$T/$1.json"; }
# $1 / $2 in hundredths, rounded half up, in integers (printf's %.2f rounds
# the binary value: 2948.915 would be 2948.91)
hundredths() { local x=$(( ($1 * 200 + $2) / ($2 * 2) )); printf '%d.%02d' $(( x / 100 )) $(( x % 100 )); }
# true when $1 <= $2 as numbers (the JSON prints 25.0 for the text's 25.00)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

run() {
	local lcores=$1 main=$2 w=0
	SOCK=$T/ctl-$lcores.sock
	rm -f "$T"/tx*.pcap
	DPB_LCORES=$lcores
	"$DPBOND" $(eal_opts workers) -- -c "$T/interfaces" --run-dir "$T/run" \
		--ctl-socket "$SOCK" --port "eth0=net_pcap0,tx_pcap=$T/tx0.pcap" \
		--port "eth1=net_pcap1,tx_pcap=$T/tx1.pcap" \
		--port "eth2=net_pcap2,rx_pcap=$T/in.pcap,tx_pcap=$T/tx2.pcap" > "$T/out" 2> "$T/err" &
	DPB_PID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
	[ -S "$SOCK" ] || fail "-l $lcores: no control socket"

	for _ in $(seq 50); do
		stats a
		[ "$(text_of "$T/a.txt" $w "rx packets")" = $N ] && break
		sleep 0.1
	done
	[ "$(text_of "$T/a.txt" $w "rx packets")" = $N ] && [ "$(jq -r ".[$w].rx_packets" "$T/a.json")" = $N ] ||
		fail "-l $lcores: rx packets are not the $N fed: $(cat "$T/a.txt")"
	[ "$(jq -r ".[$w].lcore" "$T/a.json")" = "${lcores##*,}" ] &&
		[ "$(jq -r ".[$w].main_lcore" "$T/a.json")" = "$main" ] &&
		[ "$(jq -r length "$T/a.json")" = 1 ] || fail "-l $lcores: the worker: $(cat "$T/a.json")"
	ok "-l $lcores: the $N frames fed counted as received by worker $w on lcore ${lcores##*,}"

	sleep 0.3
	stats b
	local busy ppb idle
	busy=$(text_of "$T/b.txt" $w "busy cycles")
	idle=$(text_of "$T/b.txt" $w "idle cycles")
	ppb=$(text_of "$T/b.txt" $w "packets per burst")
	[ "$busy" -gt 0 ] && [ "$idle" -gt 0 ] || fail "-l $lcores: busy $busy, idle $idle: $(cat "$T/b.txt")"
	le 1 "$ppb" && le "$ppb" 32 || fail "-l $lcores: $ppb packets per burst"
	# packets per burst and cycles per packet are the counters' quotients, in hundredths
	[ "$ppb" = "$(hundredths $N "$(text_of "$T/b.txt" $w "rx bursts")")" ] &&
		[ "$(text_of "$T/b.txt" $w "cycles per packet")" = "$(hundredths "$busy" $N)" ] ||
		fail "-l $lcores: derived figures: $(cat "$T/b.txt")"
	[ "$(text_of "$T/b.txt" $w "tx packets")" -ge $N ] || fail "-l $lcores: tx: $(cat "$T/b.txt")"
	ok "-l $lcores: busy cycles $busy, idle cycles $idle, $ppb frames a burst (rx bursts' quotient), cycles per packet busy / rx"

	# Nothing comes in now: idle cycles and polls grow, busy cycles stay.
	sleep 0.5
	stats c
	[ "$(text_of "$T/c.txt" $w "idle cycles")" -gt "$idle" ] &&
		[ "$(text_of "$T/c.txt" $w "polls")" -gt "$(text_of "$T/b.txt" $w "polls")" ] &&
		[ "$(text_of "$T/c.txt" $w "busy cycles")" = "$busy" ] ||
		fail "-l $lcores: idle: $(cat "$T/b.txt" "$T/c.txt")"
	ok "-l $lcores: idle, the idle cycles and polls grow, the busy cycles stay"

	# The text and JSON of the same moment agree on what holds still; what
	# grows is in the JSON (asked second) at least what the text says.
	for k in "rx packets:rx_packets" "tx packets:tx_packets" "rx bursts:rx_bursts" \
		 "busy cycles:busy_cycles"; do
		[ "$(text_of "$T/c.txt" $w "${k%%:*}")" = "$(jq -r ".[$w].${k#*:}" "$T/c.json")" ] ||
			fail "-l $lcores: ${k%%:*}: $(cat "$T/c.txt" "$T/c.json")"
	done
	for k in "packets per burst:packets_per_burst" "cycles per packet:cycles_per_packet"; do
		le "$(text_of "$T/c.txt" $w "${k%%:*}")" "$(jq -r ".[$w].${k#*:}" "$T/c.json")" &&
			le "$(jq -r ".[$w].${k#*:}" "$T/c.json")" "$(text_of "$T/c.txt" $w "${k%%:*}")" ||
			fail "-l $lcores: ${k%%:*}: $(cat "$T/c.txt" "$T/c.json")"
	done
	for k in "polls:polls" "idle cycles:idle_cycles"; do
		[ "$(jq -r ".[$w].${k#*:}" "$T/c.json")" -ge "$(text_of "$T/c.txt" $w "${k%%:*}")" ] ||
			fail "-l $lcores: ${k%%:*}: $(cat "$T/c.txt" "$T/c.json")"
	done
	le "$(jq -r ".[$w].busy_percent" "$T/c.json")" "$(sed -n "s/^  busy cycles: [0-9]* (\(.*\) %)$/\1/p" "$T/c.txt")" ||
		fail "-l $lcores: busy %: $(cat "$T/c.txt" "$T/c.json")"
	if [ "$main" = true ]; then
		[ "$(text_of "$T/c.txt" $w "control cycles")" -gt 0 ] &&
			[ "$(jq -r ".[$w].control_cycles" "$T/c.json")" -ge "$(text_of "$T/c.txt" $w "control cycles")" ] ||
			fail "-l $lcores: control cycles: $(cat "$T/c.txt" "$T/c.json")"
	else
		[ "$(jq -r ".[$w].control_cycles" "$T/c.json")" = null ] && ! matches "control cycles" < "$T/c.txt" ||
			fail "-l $lcores: a worker lcore has no control cycles: $(cat "$T/c.txt" "$T/c.json")"
	fi
	"$CTL" --socket "$SOCK" show workers json > "$T/w.json"
	[ "$(jq -r ".[$w].load.busy_cycles" "$T/w.json")" = "$busy" ] &&
		[ "$(jq -r ".[$w].load.rx_packets" "$T/w.json")" = $N ] && [ "$(jq -r ".[$w].rx_packets" "$T/w.json")" = $N ] ||
		fail "-l $lcores: show workers json: $(cat "$T/w.json")"
	ok "-l $lcores: show worker stats json and show workers json's load say what the text says"

	"$CTL" --socket "$SOCK" clear worker stats | matches -x "worker statistics cleared" || fail "clear worker stats"
	sleep 0.2
	stats d
	[ "$(text_of "$T/d.txt" $w "rx packets")" = 0 ] && [ "$(text_of "$T/d.txt" $w "busy cycles")" = 0 ] &&
		[ "$(text_of "$T/d.txt" $w "rx bursts")" = 0 ] && [ "$(text_of "$T/d.txt" $w "tx packets")" = 0 ] &&
		[ "$(text_of "$T/d.txt" $w "idle cycles")" -gt 0 ] &&
		[ "$(text_of "$T/d.txt" $w "idle cycles")" -lt "$(text_of "$T/c.txt" $w "idle cycles")" ] &&
		[ "$(text_of "$T/d.txt" $w "packets per burst")" = 0.00 ] &&
		matches "^Worker load since clear worker stats, " < "$T/d.txt" &&
		[ "$(jq -r ".[$w].rx_packets" "$T/d.json")" = 0 ] ||
		fail "-l $lcores: after clear worker stats: $(cat "$T/d.txt" "$T/d.json")"
	"$CTL" --socket "$SOCK" show port stats eth2 | matches "RX-packets: $N " ||
		fail "-l $lcores: clear worker stats cleared the port counters"
	[ "$(jq -r ".[$w].rx_packets" "$T/w.json")" = $N ] || fail "-l $lcores: show workers json's own counters"
	ok "-l $lcores: clear worker stats: the load from zero (idle counting again), the port counters left"

	set +e
	"$CTL" --socket "$SOCK" clear worker stats now > "$T/o" 2> "$T/e"; local rc=$?
	set -e
	[ $rc = 1 ] && matches "bad command" < "$T/e" || fail "clear worker stats now: exit $rc, $(cat "$T/e")"
	"$CTL" --socket "$SOCK" quit > /dev/null
	wait "$DPB_PID" || fail "-l $lcores: dpbond exited with an error"
	DPB_PID=""
}

run 0 true
run 0,1 false
