#!/bin/bash
# Hostile frames through the dpbond binary on net_pcap ports: each kind is
# dropped under its named reason (`show drops`), or forwarded where a Linux
# bridge and bond forward it, and never anything a Linux bridge would not
# forward; the good frames in between all get through; what each port
# received is what it forwarded plus what it dropped; dpbond keeps running
# and every mbuf comes back. The frames are made by hostile_frames.py.
#   br0 (plain) = eth2 + eth3 + bond1 (balance-xor, eth4 eth5): eth2 and eth4
#     each receive, between 19 good broadcasts: runts of 10 and 13 bytes, a
#     bare 14-byte header, multicast, broadcast and zero sources, STP, Pause,
#     LLDP, slow frames (OAM, ESMC, a 20-byte one, a LACPDU), 1600- and
#     3000-byte frames (over the MTU; the 3000-byte one is chained), three
#     stacked 802.1Q tags, an 802.1ad S-tag, a 1514-byte frame.
#   br1 (VLAN-aware) = eth6 (VLAN 10, pvid 10) + eth7 (access 10): three tags
#     under VLAN 10 and under VLAN 20, an S-tag, a multicast source, tagged
#     LLDP and STP.
#   br2 = bond0 (802.3ad, eth0 eth1) + eth8: eth0 hears partner A, eth1
#     partner B (another system); eth0 also gets LACPDUs that are too short,
#     of version 0, with a bad TLV, a bad Marker, OAM, ESMC, subtype 0 and
#     0x8809 frames of 14 and 16 bytes.
BUILD=$1
. "$(dirname "$0")/lib.sh"
FRAMES="python3 $(dirname "$0")/hostile_frames.py"
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

$FRAMES gen "$T"
cat > "$T/interfaces" <<'CFG'
iface eth0 inet manual
iface eth1 inet manual
iface eth2 inet manual
iface eth3 inet manual
iface eth4 inet manual
iface eth5 inet manual
iface eth6 inet manual
    bridge-vids 10
    bridge-pvid 10
iface eth7 inet manual
    bridge-access 10
iface eth8 inet manual

iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode 802.3ad
    bond-miimon 100
    bond-lacp-rate slow
    bond-ad-actor-system 02:00:00:00:00:aa

iface bond1 inet manual
    bond-slaves eth4 eth5
    bond-mode balance-xor
    bond-miimon 100

iface br0 inet manual
    bridge-ports eth2 eth3 bond1

iface br1 inet manual
    bridge-ports eth6 eth7
    bridge-vlan-aware yes
    bridge-vids 10

iface br2 inet manual
    bridge-ports bond0 eth8
CFG
ports=()
for p in 0 1 2 3 4 5 6 7 8; do
	rx=""
	[ -f "$T/eth$p.in" ] && rx="rx_pcap=$T/eth$p.in,"
	ports+=(--port "eth$p=net_pcap$p,${rx}tx_pcap=$T/eth$p.pcap")
done
# LACP's Mux machine waits 2 s (wait_while) before it attaches a port.
printf '%s\n' "sleep 3500" "show drops" "show port stats all" "show lacp bond0" \
	"show bonding bond0" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts hostile) -- -c "$T/interfaces" "${ports[@]}" --no-host-ports \
	--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "dpbond exited with $?"
grep -q '^mbufs: \([0-9]*\) of \1 back in the pool$' "$T/err" || fail "mbufs missing"
ok "dpbond ran through every hostile frame and quit with every mbuf back in the pool"

# drops IFACE REASON: what `show drops` counts.
drops() {
	sed -n '/^Frames not forwarded/,/^  total:/p' "$T/out" |
		awk -v i="$1" -v r="$2" '$1 == i && $2 == r { n = $3 } END { print n + 0 }'
}
# rx IFACE: the frames it received (show port stats).
rx() {
	awk -v i="$1" '/^######## / { cur = $2 } cur == i && /RX-packets:/ { print $2; exit }' "$T/out"
}
# count PORT TAG...: how many of each tagged frame PORT sent, byte for byte (summed).
count() {
	local port=$1
	shift
	$FRAMES count "$T" "$T/$port.pcap" "$@" | awk '{ n += $1 } END { print n + 0 }'
}
expect_drops() {
	local got
	got=$(drops "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $got frames dropped as $2, not $3"$'\n'"$(sed -n '/^Frames not forwarded/,/^  total:/p' "$T/out")"
}
expect_sent() {   # PORT N TAG...: PORT sent N of these, in all
	local port=$1 n=$2 got
	shift 2
	got=$(count "$port" "$@")
	[ "$got" = "$n" ] || fail "$port sent $got of $*, not $n"
}

# --- Nothing a Linux bridge would not forward left any bridge port ---------
for p in eth2 eth3 eth4 eth5 eth6 eth7 eth8; do
	bad=$($FRAMES audit "$T/$p.pcap")
	[ -z "$bad" ] || fail "$p sent what a Linux bridge never forwards:"$'\n'"$bad"
done
ok "no runt, multicast or zero source, slow-protocol frame or reserved address other than STP's left a bridge port"

# --- br0: eth2 (a bridge port) and eth4 (a balance-xor member) ------------
for in in 2 4; do
	goods=$(for i in $(seq 0 18); do printf 'good-%d-%d ' $in $i; done)
	fwd="$goods hdr14-$in stp-$in qinq3-$in stag-$in len1514-$in"
	if [ $in = 2 ]; then outs="eth3 bond1"; else outs="eth2 eth3"; fi
	for o in $outs; do
		if [ "$o" = bond1 ]; then
			n=$(( $(count eth4 $fwd) + $(count eth5 $fwd) ))
		else
			n=$(count $o $fwd)
		fi
		[ "$n" = 24 ] || fail "from eth$in, $o sent $n of the 24 frames a Linux bridge forwards (19 good, a 14-byte one, STP with STP off, 3 tags, an S-tag, 1514 bytes), not each once, whole"
	done
	for o in eth2 eth3 eth4 eth5; do
		expect_sent $o 0 runt10-$in runt13-$in mcsrc-$in bcsrc-$in zerosrc-$in pause-$in lldp-$in \
			oam-$in esmc-$in slow20-$in lacp-$in mtu1600-$in mtu3000-$in
	done
	expect_drops eth$in rx-runt 2
	expect_drops eth$in rx-bad-source 3
	expect_drops eth$in link-local 6
	# received = forwarded + dropped here + dropped at the egress for the MTU (2)
	[ "$(rx eth$in)" = $(( 24 + 2 + 3 + 6 + 2 )) ] ||
		fail "eth$in received $(rx eth$in) frames, not the 37 it was given"
done
expect_drops eth3 tx-mtu 4
expect_drops eth2 tx-mtu 2
[ $(( $(drops eth4 tx-mtu) + $(drops eth5 tx-mtu) )) = 2 ] || fail "bond1's members did not drop the 2 frames over their MTU"
ok "br0: from a bridge port and from a balance-xor member, the 19 good frames and what Linux forwards left every other port once, whole; runts (rx-runt), bad sources (rx-bad-source), reserved addresses (link-local) and frames over the MTU (tx-mtu, chained or not) were dropped and counted; received = forwarded + dropped"

# --- br1: VLAN-aware ------------------------------------------------------
expect_sent eth7 1 v10x3-out
expect_sent eth7 1 stag6
expect_sent eth7 1 v10stp-out
expect_sent eth7 0 v20x3 v10mc v10ll v10x3 v10stp
expect_drops eth6 vlan-filtered 1
expect_drops eth6 rx-bad-source 1
expect_drops eth6 link-local 1
[ "$(rx eth6)" = 6 ] || fail "eth6 received $(rx eth6) frames, not 6"
ok "br1: the outer tag of three came off for the access port (two stay), VLAN 20's was filtered, an S-tag is untagged (pvid), tagged STP forwarded, tagged LLDP and a multicast source dropped and counted"

# --- br2: 802.3ad, hostile slow frames and a second partner ---------------
expect_drops eth0 slow-malformed 5
expect_drops eth0 slow-unknown 4
expect_drops eth0 rx-inactive-slave 1
expect_drops eth1 rx-inactive-slave 1
lacp=$(sed -n '/^bond0: active aggregator/,/^dpbond> /p' "$T/out")
grep -q "^    LACPDUs rx 2 tx [0-9]*, markers rx 0 tx 0, illegal rx 5, unknown rx 4$" <<<"$lacp" ||
	fail "show lacp: eth0's counters"$'\n'"$lacp"
for e in too-short bad-version bad-actor-tlv bad-marker-tlv; do
	grep -q "^  illegal PDUs, $e: " <<<"$lacp" || fail "show lacp: no $e"$'\n'"$lacp"
done
[ "$(rx eth0)" = $(( 2 + 5 + 4 + 1 )) ] || fail "eth0 received $(rx eth0) frames, not 12"
ok "802.3ad: LACPDUs too short, of version 0, with a bad TLV and a bad Marker counted slow-malformed; OAM, ESMC, subtype 0 and a bare header slow-unknown; received = 2 LACPDUs taken + dropped"

bond=$(bond_block "$T/out" 1)
agg0=$(bond_field eth0 "Aggregator ID" <<<"$bond")
agg1=$(bond_field eth1 "Aggregator ID" <<<"$bond")
active=$(awk '/^Active Aggregator Info:/ { a = 1 } a && /Aggregator ID:/ { print $3; exit }' <<<"$bond")
partner=$(awk '/^Active Aggregator Info:/ { a = 1 } a && /Partner Mac Address:/ { print $4; exit }' <<<"$bond")
[ "$agg0" = 1 ] && [ "$agg1" = 2 ] && [ "$active" = 1 ] && [ "$partner" = 02:00:00:00:0a:0a ] ||
	fail "two partners: eth0 in aggregator '$agg0', eth1 in '$agg1', active '$active' with partner '$partner' (Linux: 1, 2, 1, partner A)"$'\n'"$bond"
grep -q "^  eth0: rx CURRENT, periodic [A-Z_]*, mux COLLECTING_DISTRIBUTING" <<<"$lacp" ||
	fail "eth0 (partner A, the active aggregator) does not collect and distribute"$'\n'"$lacp"
grep -q "^  eth1: rx CURRENT, periodic [A-Z_]*, mux COLLECTING_DISTRIBUTING" <<<"$lacp" &&
	fail "eth1 (partner B, another aggregator) collects and distributes"$'\n'"$lacp"
expect_sent eth8 0 data-a data-b
ok "a second partner on one bond: eth1 in aggregator 2 of its own, not used; aggregator 1 (partner A) active, as Linux's selection picks"
