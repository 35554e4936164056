#!/bin/bash
# The ARP monitor end to end through real kernel stacks. dpbond runs in a
# namespace of its own (H) with bond0 (active-backup, eth0 primary) under
# vmbr0, whose host port has 198.51.100.1/24. Its members are net_tap ports
# cabled by tc mirred to veths into a second namespace (S), a Linux bridge
# playing the switch, behind which a third (R) is the ARP target,
# 198.51.100.2. Every carrier stays up throughout; the switch's port to eth0
# stops passing anything (tc drop), and the bond must fail over to eth1
# within Linux's bound (arp_interval x (arp_missed_max + 1.5)), and back when
# it passes again. Then, with arp_validate all, a backup whose switch port
# passes R's broadcasts but not our probes goes down: what it hears is not
# validated. With ARPMON_FAMILY=6 the same over IPv6: bond-ns-ip6-target
# 2001:db8:100::2 (R), the host port 2001:db8:100::1/64, neighbour
# solicitations as probes and advertisements as answers, arp_validate active
# (our own solicitations, to a multicast group, never vouch for a backup, in
# Linux either); the backup phase is the IPv4 run's.
BUILD=$1
FAMILY=${ARPMON_FAMILY:-4}
. "$(dirname "$0")/lib.sh"

needs_netns ping tc

switched_host am
for i in 0 1; do ip netns exec "$S" tc qdisc add dev "sw$i" clsact; done
# A black hole in S: what tc sends to bh0 ends unread at bh1 (no addresses, arp off).
ip -n "$S" link add bh0 type veth peer name bh1
ip -n "$S" link set bh1 arp off up
ip -n "$S" link set bh0 arp off up
DROP="action mirred egress redirect dev bh0"
if [ "$FAMILY" = 6 ]; then
	# IPv6 where it is needed: the host port (created later in H) and R.
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.default.accept_dad=0
	for d in hv0 hv1; do ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"; done
	ip netns exec "$R" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.rv.disable_ipv6=0
	ip -n "$R" addr add 2001:db8:100::2/64 dev rv nodad
	TARGET="bond-ns-ip6-target 2001:db8:100::2" VALIDATE=active PEER=2001:db8:100::2 SELF=2001:db8:100::1
	ADDR6="address 2001:db8:100::1/64"
else
	TARGET="bond-arp-ip-target 198.51.100.2" VALIDATE=all PEER=198.51.100.2 SELF=198.51.100.1 ADDR6=""
fi

cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-primary eth0
    bond-arp-interval 100
    $TARGET
    bond-arp-validate $VALIDATE

auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    $ADDR6
    hwaddress 02:00:5e:00:53:aa
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
CFG
dpbond_on_taps am cable

# `show bonding bond0` now.
show() {
	console "show bonding bond0"
	bond_block "$T/out" "$(grep -c '^dpbond> show bonding bond0' "$T/out")"
}
# waits up to $2 s for `show bonding` field $3 of member $1 ("-": the bond)
# to read $4; sets ms to the milliseconds it took.
wait_field() {
	local start v
	start=$(date +%s%N)
	for _ in $(seq $(( $2 * 10 ))); do
		v=$(show | bond_field "$1" "$3")
		if [ "$v" = "$4" ]; then
			ms=$(( ($(date +%s%N) - start) / 1000000 ))
			return 0
		fi
		sleep 0.1
	done
	return 1
}
# the switch's port to member $1 passes nothing ("drop") or everything ("pass").
switch_port() {
	local dir
	for dir in ingress egress; do
		ip netns exec "$S" tc filter del dev "sw$1" "$dir" 2>/dev/null || true
		[ "$2" = drop ] && ip netns exec "$S" tc filter add dev "sw$1" "$dir" u32 match u32 0 0 $DROP
	done
	return 0
}

# The cables come after dpbond's start: the monitor hears no answers at first
# and takes the members down, as Linux would. Wait for the steady state:
# eth0 active and both members up over ten intervals in a row.
steady=0
for _ in $(seq 60); do
	b=$(show)
	if [ "$(bond_field - "Currently Active Slave" <<< "$b")" = eth0 ] &&
	   [ "$(bond_field eth0 "MII Status" <<< "$b")" = up ] &&
	   [ "$(bond_field eth1 "MII Status" <<< "$b")" = up ]; then
		steady=$((steady + 1))
		[ $steady -ge 10 ] && break
	else
		steady=0
	fi
	sleep 0.1
done
[ $steady -ge 10 ] || fail "bond0 never settled with eth0 active and eth1 up (our probes answered, and seen by the backup):"$'\n'"$b"
failures0=$(bond_field eth0 "Link Failure Count" <<< "$b")
b=$(show)
if [ "$FAMILY" = 6 ]; then
	targets=("ARP IP target/s (n.n.n.n form):" "NS IPv6 target/s (xx::xx form): 2001:db8:100::2")
else
	targets=("ARP IP target/s (n.n.n.n form): 198.51.100.2" "NS IPv6 target/s (xx::xx form):")
fi
for line in "MII Polling Interval (ms): 0" "ARP Polling Interval (ms): 100" "ARP Missed Max: 2" \
	"${targets[@]}"; do
	grep -qxF "$line" <<< "$b" || fail "show bonding has no line '$line':"$'\n'"$b"
done
ok "show bonding: eth0 active, eth1 up, Linux's ARP lines (miimon 0, interval 100, missed max 2, the target)"
ip netns exec "$NS" ping -c 2 -i 0.2 -W 2 $PEER > "$T/ping" 2>&1 || fail "no ping before the failure: $(cat "$T/ping")"
# The probes taught the target the host's address at the host port's MAC
# (vmbr0's hwaddress), not at a member's or the bond's.
neigh=$(ip -n "$R" neigh show "$SELF" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
[ "$neigh" = 02:00:5e:00:53:aa ] || fail "the target has $SELF at '$neigh', not at vmbr0's 02:00:5e:00:53:aa"
ok "the target knows $SELF at the host port's MAC (the probes' sender), not a member's"

# The switch's port to eth0 goes dead; dpbm0 and hv0 keep their carrier.
switch_port 0 drop
wait_field - 5 "Currently Active Slave" eth1 || fail "no failover to eth1 within 5 s of eth0's path dying"$'\n'"$(show)"
b=$(show)
[ "$(bond_field eth0 "MII Status" <<< "$b")" = down ] || fail "eth0 is not down: $b"
[ "$(bond_field eth0 "Link Failure Count" <<< "$b")" = $((failures0 + 1)) ] ||
	fail "eth0's link failure count is not $((failures0 + 1)): $b"
ip -n "$NS" link show dpbm0 | matches "LOWER_UP" || fail "dpbm0 lost its carrier; the test meant to keep it"
# Linux's bound is 350 ms; the console's polling (a show every 100 ms or so) adds its own.
[ "$ms" -le 1000 ] || fail "failover took $ms ms (arp_interval 100 x missed_max 2 allows about 350)"
ok "eth0's path dead behind a good carrier: bond0 failed over to eth1 (seen after $ms ms), eth0 down, one more failure"
# A loaded machine may delay a monitor tick enough to take eth1 down for a
# moment too (as it would Linux's): the path has a few seconds to settle.
ping_within() {
	local _
	for _ in 1 2 3 4 5; do
		ip netns exec "$NS" ping -c 1 -W 1 $PEER > "$T/ping" 2>&1 && return 0
	done
	return 1
}
ping_within || fail "no ping through eth1: $(cat "$T/ping")"
ok "vmbr0 pings $PEER through eth1"
grep -q "bond0: (slave eth0): link status definitely down, disabling slave" "$T/err" ||
	fail "no Linux log line for eth0 going down: $(tail "$T/err")"

# The path comes back: eth0 hears eth1's probes come round, comes up, and as primary takes over.
switch_port 0 pass
wait_field - 5 "Currently Active Slave" eth0 || fail "eth0 did not take over again within 5 s"$'\n'"$(show)"
ok "eth0's path back: eth0 up and active again (primary), seen after $ms ms"
ping_within || fail "no ping after fail-back: $(cat "$T/ping")"

if [ "$FAMILY" = 4 ]; then

# arp_validate all: eth1's switch port stops passing ARP to it, while R's
# broadcast pings still reach it. What it hears then is not validated: down.
ip netns exec "$S" tc filter add dev sw1 egress protocol arp u32 match u32 0 0 $DROP
ip netns exec "$R" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
ip netns exec "$R" ping -b -i 0.1 -W 1 -c 80 198.51.100.255 > /dev/null 2>&1 &
EXTRA_PIDS+=($!)
# eth1's received frames so far, from the last `show port stats eth1`.
rx_eth1() { console "show port stats eth1"; awk '/^######## eth1 / { s = 1 } s && /RX-packets:/ { v = $2; s = 0 } END { print v }' "$T/out"; }
before=$(rx_eth1)
wait_field eth1 5 "MII Status" down || fail "eth1 stayed up on traffic that arp_validate all does not count"
after=$(rx_eth1)
[ -n "$after" ] && [ "${after:-0}" -gt "${before:-0}" ] || fail "eth1 received nothing meanwhile ($before -> $after): the check proves nothing"
b=$(show)
[ "$(bond_field - "Currently Active Slave" <<< "$b")" = eth0 ] || fail "eth0 is no longer active: $b"
ok "arp_validate all: eth1 went down though frames kept arriving on it ($before -> $after rx), as none of them validated it"
ip netns exec "$S" tc filter del dev sw1 egress
wait_field eth1 5 "MII Status" up || fail "eth1 did not come back once our probes reached it again"
ok "eth1 up again once our probes come round to it"
fi

grep -q "ARP monitor: [1-9][0-9]* probes sent, 0 lost" "$T/out" || fail "no probe counters: $(grep 'ARP monitor' "$T/out" | tail -1)"
quit_dpbond
