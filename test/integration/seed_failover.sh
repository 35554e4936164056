#!/bin/bash
# The seed's failover test on the seed's topology: bond1 = eth0 + eth1
# (active-backup, miimon 100), bridged as vmbr1 with a test port (a TAP in a
# network namespace this test creates). Frames sent from the test port after
# each step must leave through the right member's tx pcap, and only there.
#   1. pull eth0 -> eth1 active      2. plug eth0 -> eth1 stays
#   3. pull eth1 -> eth0 active      4. plug eth1 -> eth0 stays
BUILD=$1 SEED_FILE=$2
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "SKIP: needs root and /dev/net/tun (network namespace and TAP test port)"
	exit 77
fi

NS=dpbt-fo-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

sed 's/bridge_ports bond1/bridge_ports bond1 tst0/' "$SEED_FILE" > "$T/interfaces"
# Upstream sends 10 frames to the test port's MAC on each member of bond1:
# the active member's are bridged, the backup's dropped and counted.
"$PCAP" gen "$T/up.pcap" --count 10 --src 02:00:00:00:aa:01 --dst 02:00:00:00:01:01 --tag upstream
ports=""
for i in 0 1; do ports="$ports --port eth$i=net_pcap$i,rx_pcap=$T/up.pcap,tx_pcap=$T/eth$i.pcap"; done
for i in 2 3; do ports="$ports --port eth$i=net_pcap$i,tx_pcap=$T/eth$i.pcap"; done
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts fo) -- -c "$T/interfaces" --no-host-ports $ports \
	--port tst0=net_tap0,iface=dpbt0 -i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"


console "sleep 200"
for _ in $(seq 50); do ip netns exec "$NS" ip link show dpbt0 2>/dev/null | matches UP && break; sleep 0.1; done

N=40
# sends N tagged frames from the test port; checks they all left via $2 only.
send_expect() {
	local tag=$1 want=$2 other=$3 i got_w got_o
	timeout -k 5 30 nsenter --net="/var/run/netns/$NS" -- "$PCAP" send dpbt0 --count $N --src 02:00:00:00:01:01 \
		--dst 02:00:00:00:02:02 --tag "$tag" --gap-us 200
	for i in $(seq 50); do
		got_w=$("$PCAP" count "$T/$want.pcap" --tag "$tag")
		[ "$got_w" -ge $N ] && break
		sleep 0.1
	done
	got_o=$("$PCAP" count "$T/$other.pcap" --tag "$tag")
	[ "$got_w" -eq $N ] || fail "$tag: $got_w of $N frames left through $want"
	[ "$got_o" -eq 0 ] || fail "$tag: $got_o frames left through $other"
	ok "$tag: all $N frames left through $want, none through $other"
}

# checks the last `show bonding bond1` block: active member, member MII
# status and link failure counts.
expect_bond() {
	local n=$1 active=$2 mii0=$3 fail0=$4 mii1=$5 fail1=$6 b
	b=$(bond_block "$T/out" "$n")
	[ "$(bond_field - 'Currently Active Slave' <<<"$b")" = "$active" ] || fail "show bonding #$n: active is not $active"$'\n'"$b"
	[ "$(bond_field - 'MII Status' <<<"$b")" = up ] || fail "show bonding #$n: bond not up"
	[ "$(bond_field eth0 'MII Status' <<<"$b")" = "$mii0" ] || fail "show bonding #$n: eth0 MII not $mii0"
	[ "$(bond_field eth0 'Link Failure Count' <<<"$b")" = "$fail0" ] || fail "show bonding #$n: eth0 failures not $fail0"
	[ "$(bond_field eth1 'MII Status' <<<"$b")" = "$mii1" ] || fail "show bonding #$n: eth1 MII not $mii1"
	[ "$(bond_field eth1 'Link Failure Count' <<<"$b")" = "$fail1" ] || fail "show bonding #$n: eth1 failures not $fail1"
	ok "show bonding #$n: active $active, eth0 $mii0/$fail0, eth1 $mii1/$fail1"
}

console "show bonding bond1"
expect_bond 1 eth0 up 0 up 0
send_expect start eth0 eth1

console "set link-down port eth0" "sleep 300" "show bonding bond1"
expect_bond 2 eth1 down 1 up 0
send_expect pull-eth0 eth1 eth0

console "set link-up port eth0" "sleep 300" "show bonding bond1"
expect_bond 3 eth1 up 1 up 0
send_expect plug-eth0 eth1 eth0

console "set link-down port eth1" "sleep 300" "show bonding bond1"
expect_bond 4 eth0 up 1 down 1
send_expect pull-eth1 eth0 eth1

console "set link-up port eth1" "sleep 300" "show bonding bond1"
expect_bond 5 eth0 up 1 up 1
send_expect plug-eth1 eth0 eth1

# Beyond the seed: a primary fails back at once (primary_reselect always).
console "set bonding primary eth1 bond1" "show bonding bond1"
b=$(bond_block "$T/out" 6)
[ "$(bond_field - 'Primary Slave' <<<"$b")" = "eth1 (primary_reselect always)" ] || fail "primary not shown"$'\n'"$b"
expect_bond 6 eth1 up 1 up 1
send_expect primary-eth1 eth1 eth0

# Beyond the seed: the mode changes while running; the next frames alternate.
console "set bonding mode balance-rr bond1" "show bonding bond1"
[ "$(bond_field - 'Bonding Mode' <<<"$(bond_block "$T/out" 7)")" = "load balancing (round-robin)" ] ||
	fail "mode not changed"
timeout -k 5 30 nsenter --net="/var/run/netns/$NS" -- "$PCAP" send dpbt0 --count $N --src 02:00:00:00:01:01 \
	--dst 02:00:00:00:02:02 --tag rr --gap-us 200
for _ in $(seq 50); do
	[ $(( $("$PCAP" count "$T/eth0.pcap" --tag rr) + $("$PCAP" count "$T/eth1.pcap" --tag rr) )) -ge $N ] && break
	sleep 0.1
done
[ "$("$PCAP" count "$T/eth0.pcap" --tag rr)" -eq $((N / 2)) ] || fail "rr after mode change: eth0 did not send half"
[ "$("$PCAP" count "$T/eth1.pcap" --tag rr)" -eq $((N / 2)) ] || fail "rr after mode change: eth1 did not send half"
ok "set bonding mode balance-rr: the next $N frames alternate over eth0 and eth1"
console "set bonding mode balance-xor bond1" "set bonding xmit_hash_policy layer3+4 bond1" "show bonding bond1"
[ "$(bond_field - 'Transmit Hash Policy' <<<"$(bond_block "$T/out" 8)")" = "layer3+4 (1)" ] ||
	fail "xmit_hash_policy not changed: $(bond_block "$T/out" 8)"
console "set bonding xmit_hash_policy 0 bond1" "set bonding mode balance-rr bond1" "show bonding bond1"
grep -q "^bond1: xmit_hash_policy layer2$" "$T/out" || fail "xmit_hash_policy 0 was not layer2"
ok "set bonding xmit_hash_policy: layer3+4 by name, layer2 by number, while running"

console "show drops" "show bridge vmbr1"
grep -qE '^  eth1 +rx-inactive-slave +10$' "$T/out" || fail "eth1's 10 frames not counted as rx-inactive-slave"
grep -qE '^  eth0 ' "$T/out" && fail "eth0 (active at start) dropped frames"
ok "the backup's received frames were dropped and counted (rx-inactive-slave 10)"
grep -qE '^02:00:00:00:01:01 dev tst0 master vmbr1 ageing [0-9]+ s$' "$T/out" || fail "test port MAC not learned on tst0"
grep -qE '^02:00:00:00:aa:01 dev bond1 master vmbr1 ageing [0-9]+ s$' "$T/out" || fail "upstream MAC not learned on bond1"
ok "vmbr1 learned the test port's MAC on tst0 and upstream's on bond1"

# Nothing went to bond0's members: they are on another bridge.
for m in eth2 eth3; do
	[ "$("$PCAP" count "$T/$m.pcap")" -eq 0 ] || fail "$m transmitted test frames"
done
ok "bond0's members (vmbr0) sent nothing"

cmd quit
exec 3>&-
wait "$DPB_PID" || fail "dpbond exited with status $?"
DPB_PID=""
grep -q '^mbufs: \([0-9]*\) of \1 back in the pool$' "$T/err" || fail "mbufs missing at exit"
ok "dpbond quit cleanly with every mbuf back in the pool"
