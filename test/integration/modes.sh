#!/bin/bash
# balance-rr, balance-xor and broadcast on the seed's bond1 (eth0 + eth1),
# the seed's file with only bond1's mode changed: 40 frames from a test port
# on vmbr1, and each member's tx pcap checked frame by frame.
BUILD=$1 SEED_FILE=$2
. "$(dirname "$0")/lib.sh"

# run_mode NAME MODE-LINES... : writes the config, runs dpbond, leaves pcaps.
run_mode() {
	local name=$1 extra=$2
	rm -f "$T"/*.pcap
	"$PCAP" gen "$T/in.pcap" --count 40 --src 02:00:00:00:01:01 --dst 02:00:00:00:02:02 \
		--alt-dst "${ALT:-02:00:00:00:02:03}" --tag "$name"
	awk -v extra="$extra" '
		/^iface bond1 / { inb = 1 }
		inb && /bond_mode/ { n = split(extra, l, ";"); for (i = 1; i <= n; i++) print "    " l[i]; inb = 0; next }
		{ print }' "$SEED_FILE" | sed 's/bridge_ports bond1/bridge_ports bond1 tst0/' > "$T/interfaces"
	printf 'sleep 300\nshow bonding bond1\nshow drops\nquit\n' > "$T/cmds"
	"$DPBOND" $(eal_opts modes) -- -c "$T/interfaces" --no-host-ports \
		--port eth0=net_pcap0,tx_pcap=$T/eth0.pcap --port eth1=net_pcap1,tx_pcap=$T/eth1.pcap \
		--port eth2=net_pcap2,tx_pcap=$T/eth2.pcap --port eth3=net_pcap3,tx_pcap=$T/eth3.pcap \
		--port tst0=net_pcap4,rx_pcap=$T/in.pcap,tx_pcap=$T/tst0.pcap \
		--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "$name: dpbond exited with $?"
	grep -q '^mbufs: \([0-9]*\) of \1 back in the pool$' "$T/err" || fail "$name: mbufs missing"
}

# the sequence numbers of the test frames member $1 sent, space-separated.
seqs() { "$PCAP" list "$T/$1.pcap" | awk '$3 == "0x88b5" { printf "%s%s", sep, $5; sep = " " }'; }
expect_seqs() {
	[ "$(seqs "$1")" = "$2" ] || fail "$3: $1 sent [$(seqs "$1")], expected [$2]"
}
evens="$(seq -s ' ' 0 2 38)"
odds="$(seq -s ' ' 1 2 39)"
all="$(seq -s ' ' 0 39)"

run_mode rr "bond_mode balance-rr"
b=$(bond_block "$T/out" 1)
[ "$(bond_field - 'Bonding Mode' <<<"$b")" = "load balancing (round-robin)" ] || fail "rr: mode line"
grep -q "^Currently Active Slave" <<<"$b" && fail "rr: prints an active slave"
# Linux's counter is incremented before use: the first frame goes to eth1.
expect_seqs eth1 "$evens" rr
expect_seqs eth0 "$odds" rr
ok "balance-rr: frames alternate eth1, eth0, ...; no active-slave line"

run_mode rr4 "bond_mode 0;bond-packets-per-slave 4"
# counter k = 1..40, member (k / 4) % 2: seq 0-2 eth0, 3-6 eth1, 7-10 eth0, ...
expect_seqs eth0 "0 1 2 7 8 9 10 15 16 17 18 23 24 25 26 31 32 33 34 39" rr4
ok "balance-rr with packets_per_slave 4: runs of 4 per member"

run_mode xor "bond_mode balance-xor;bond_xmit_hash_policy layer2"
b=$(bond_block "$T/out" 1)
[ "$(bond_field - 'Transmit Hash Policy' <<<"$b")" = "layer2 (0)" ] || fail "xor: hash policy line"
# layer2: 0x01 ^ 0x02 ^ 0x88b5 = 0x88b6 (even: eth0); to ...:03: 0x88b7 (odd: eth1).
expect_seqs eth0 "$evens" xor
expect_seqs eth1 "$odds" xor
ok "balance-xor layer2: each destination MAC on its own member, as the formula says"

# With 256 hash buckets: eth0 holds buckets 0-127, eth1 128-255 (the second
# member took the upper half when it joined). dst ...:02 hashes to 0x88b6
# (bucket 182: eth1), dst ...:82 to 0x8836 (bucket 54: eth0).
ALT=02:00:00:00:02:82 run_mode xorb "bond_mode balance-xor;bond-hash-buckets 256"
expect_seqs eth1 "$evens" xor-buckets
expect_seqs eth0 "$odds" xor-buckets
ok "balance-xor with 256 hash buckets: each flow on its bucket's member"

for mode in balance-tlb balance-alb; do
	run_mode "$mode" "bond_mode $mode"
	b=$(bond_block "$T/out" 1)
	want="transmit load balancing"
	[ $mode = balance-alb ] && want="adaptive load balancing"
	[ "$(bond_field - 'Bonding Mode' <<<"$b")" = "$want" ] || fail "$mode: mode line"
	[ "$(bond_field - 'Currently Active Slave' <<<"$b")" = eth0 ] || fail "$mode: active slave"
	grep -q "^Transmit Hash Policy" <<<"$b" && fail "$mode: hash line with tlb_dynamic_lb 1"
	# One source MAC: every frame through one member, none through the other.
	e0=$(seqs eth0) e1=$(seqs eth1)
	if ! { [ "$e0" = "$all" ] && [ -z "$e1" ]; } && ! { [ "$e1" = "$all" ] && [ -z "$e0" ]; }; then
		fail "$mode: one source MAC spread over two members: [$e0] [$e1]"
	fi
	ok "$mode: the source MAC stays on one member; active eth0 shown as Linux shows it"
done

run_mode tlb-static "bond_mode balance-tlb;bond-tlb-dynamic-lb 0"
[ "$(bond_field - 'Transmit Hash Policy' <<<"$(bond_block "$T/out" 1)")" = "layer2 (0)" ] ||
	fail "tlb static: hash line"
expect_seqs eth0 "$evens" tlb-static
expect_seqs eth1 "$odds" tlb-static
ok "balance-tlb with tlb_dynamic_lb 0: by the layer2 hash, and its line shown"

run_mode bcast "bond_mode broadcast"
expect_seqs eth0 "$all" broadcast
expect_seqs eth1 "$all" broadcast
[ "$(bond_field - 'Bonding Mode' <<<"$(bond_block "$T/out" 1)")" = "fault-tolerance (broadcast)" ] || fail "broadcast: mode line"
ok "broadcast: every frame on both members, every mbuf back in the pool"
