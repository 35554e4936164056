#!/bin/bash
# bond-primary from the file is the primary of the running bond, exactly as
# `set bonding primary` at the console makes it: the seed's bond1 (eth0 +
# eth1) with `bond-primary eth1` (and primary_reselect always, then failure)
# against the seed's file and the console command; the same pull and plug
# steps, and `show bonding bond1` must read the same after each (Linux's
# lines: dpbond's own announcement counts differ, since the console's primary
# takes over from eth0 at run time, the file's from the start).
BUILD=$1 SEED_FILE=$2
. "$(dirname "$0")/lib.sh"

ports=""
for i in 0 1 2 3; do ports="$ports --port eth$i=net_pcap$i,tx_pcap=$T/eth$i.pcap"; done
steps=("sleep 300" "show bonding bond1" "set link-down port eth1" "sleep 300"
       "show bonding bond1" "set link-up port eth1" "sleep 300" "show bonding bond1" "quit")

# run NAME EXTRA-LINES [FIRST-COMMAND]: the seed with EXTRA-LINES in bond1's
# stanza; the steps after FIRST-COMMAND; the three show bonding blocks in $T/NAME.
run() {
	local name=$1 extra=$2 first=${3:-}
	awk -v extra="$extra" '/^iface bond1 / { print; n = split(extra, l, ";"); for (i = 1; i <= n; i++) if (l[i] != "") print "    " l[i]; next } { print }' \
		"$SEED_FILE" > "$T/$name.interfaces"
	{ [ -n "$first" ] && echo "$first"; printf '%s\n' "${steps[@]}"; } > "$T/cmds"
	"$DPBOND" $(eal_opts prim) -- -c "$T/$name.interfaces" --no-host-ports $ports \
		--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "$name: dpbond exited with $?"
	for k in 1 2 3; do bond_block "$T/out" "$k"; echo "--"; done | grep -v -e '^Link Failure Count' -e '^Peer notifications' > "$T/$name"
}
field() { awk -v k="$2" 'BEGIN { b = 1 } /^--$/ { b++; next } b == k' "$T/$1" | bond_field - "$3"; }

for reselect in always failure; do
	run file-$reselect "bond-primary eth1;bond-primary-reselect $reselect"
	run console-$reselect "bond-primary-reselect $reselect" "set bonding primary eth1 bond1"
	[ "$(field file-$reselect 1 'Primary Slave')" = "eth1 (primary_reselect $reselect)" ] ||
		fail "file, $reselect: $(cat "$T/file-$reselect")"
	[ "$(field file-$reselect 1 'Currently Active Slave')" = eth1 ] ||
		fail "file, $reselect: eth1, the primary, is not active at start"
	[ "$(field file-$reselect 2 'Currently Active Slave')" = eth0 ] ||
		fail "file, $reselect: eth0 did not take over when eth1 was pulled"
	want=eth1
	[ "$reselect" = failure ] && want=eth0
	[ "$(field file-$reselect 3 'Currently Active Slave')" = $want ] ||
		fail "file, $reselect: $want is not active after eth1 came back"
	diff "$T/file-$reselect" "$T/console-$reselect" > "$T/diff" ||
		fail "$reselect: bond-primary in the file and set bonding primary differ:"$'\n'"$(cat "$T/diff")"
	ok "primary_reselect $reselect: bond-primary eth1 from the file runs as set bonding primary does (active eth1, eth0 after the pull, $want after the plug)"
done
