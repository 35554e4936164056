#!/bin/bash
# The host port end to end through real kernel stacks. dpbond runs in a
# network namespace of its own (H): its bond0 members are net_tap ports,
# each cabled by tc mirred to a veth into a second namespace (S) that plays
# the upstream switch (a Linux bridge), behind which a third (R) is the
# remote host, 198.51.100.2. vmbr0's host port is a TAP that dpbond creates in
# H and gives 198.51.100.1/24 and the gateway over netlink. A ping and a TCP
# transfer between H and R pass through the bond, before and across an
# active-backup failover caused from the kernel side (`ip link set down` on
# the active member's TAP, which net_tap reports as link down).
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns ping nc tc

switched_host hp

cat > "$T/interfaces" <<CFG
auto lo
iface lo inet loopback

iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup

auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    gateway 198.51.100.254
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
CFG
dpbond_on_taps hp

# The host port exists, named like the bridge, with the stanza's address and route.
ip -n "$NS" -4 addr show dev vmbr0 | matches "inet 198.51.100.1/24 brd 198.51.100.255" ||
	fail "vmbr0 has not got 198.51.100.1/24: $(ip -n "$NS" addr show dev vmbr0 2>&1)"
ip -n "$NS" route show default | matches "default via 198.51.100.254 dev vmbr0" ||
	fail "no default route via 198.51.100.254: $(ip -n "$NS" route 2>&1)"
ok "vmbr0 is a TAP in dpbond's namespace with 198.51.100.1/24 and the default route via 198.51.100.254"
mac=$(ip -n "$NS" link show dev vmbr0 | awk '/link\/ether/ { print $2 }')

# Cable each member's TAP to its veth, both ways. The kernel in H neither
# answers nor sends on the members: arp off, no addresses.
cable "$NS" dpbm0 hv0
cable "$NS" dpbm1 hv1

ping_ok() {
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 198.51.100.2 > "$T/ping" 2>&1 ||
		fail "$1: ping 198.51.100.2 from vmbr0 failed: $(cat "$T/ping")"
	ok "$1: vmbr0 pings 198.51.100.2 through the bond"
}
# A TCP transfer of 2 MB from the host port to R; R checks what arrived.
tcp_ok() {
	rm -f "$T/rcv"
	ip netns exec "$R" timeout 20 nc -l -N 198.51.100.2 5001 > "$T/rcv" &
	local srv=$!
	sleep 0.3
	head -c 2000000 /dev/urandom > "$T/snd"
	ip netns exec "$NS" timeout 20 nc -N 198.51.100.2 5001 < "$T/snd" ||
		fail "$1: TCP connect/send to 198.51.100.2 failed"
	wait $srv || true
	cmp -s "$T/snd" "$T/rcv" || fail "$1: R received $(stat -c %s "$T/rcv") bytes, not the 2000000 sent"
	ok "$1: 2 MB over TCP from vmbr0 to 198.51.100.2 arrived whole"
}
active() { console "show bonding bond0"; bond_block "$T/out" "$1" | bond_field - 'Currently Active Slave'; }

ping_ok "before failover"
tcp_ok "before failover"
[ "$(active 1)" = eth0 ] || fail "eth0 is not the active member at start"
ip netns exec "$R" ip neigh show 198.51.100.1 | matches "$mac" ||
	fail "R did not learn the host's MAC $mac for 198.51.100.1"
[ "$(bond_block "$T/out" 1 | bond_field eth0 'Permanent HW addr')" = "$mac" ] ||
	fail "the host port's MAC $mac is not the bond's (eth0's)"
ok "R reaches the host port's MAC $mac, which is the bond's, as on a Proxmox bridge"

# Failover from the kernel side: eth0's TAP goes down.
ip -n "$NS" link set dpbm0 down
console "sleep 300"
[ "$(active 2)" = eth1 ] || fail "no failover to eth1 after dpbm0 went down"$'\n'"$(bond_block "$T/out" 2)"
ok "dpbm0 down in the kernel: bond0 failed over to eth1"
ping_ok "after failover"
tcp_ok "after failover"

# A TCP transfer running while the cable comes back and goes again.
ip -n "$NS" link set dpbm0 up
console "sleep 300"
ip netns exec "$R" timeout 30 nc -l -N 198.51.100.2 5002 > "$T/rcv2" &
srv=$!
sleep 0.3
head -c 4000000 /dev/urandom > "$T/snd2"
( sleep 0.5; ip -n "$NS" link set dpbm1 down ) &
downer=$!
# 40 chunks 50 ms apart: the transfer lasts about 2 s, across the failover.
for i in $(seq 0 39); do
	dd if="$T/snd2" bs=100000 skip=$i count=1 status=none
	sleep 0.05
done | ip netns exec "$NS" timeout 30 nc -N 198.51.100.2 5002 || fail "TCP during failover failed"
wait $srv || true
wait $downer
cmp -s "$T/snd2" "$T/rcv2" || fail "TCP during failover: $(stat -c %s "$T/rcv2") of 4000000 bytes"
[ "$(active 3)" = eth0 ] || fail "no failover back to eth0 after dpbm1 went down"
ok "4 MB over TCP arrived whole while dpbm1 went down mid-transfer and eth0 took over"
ping_ok "after the second failover"

# The host port's own MAC is permanent in vmbr0's FDB; R's MAC was learned on bond0.
console "show bridge vmbr0"
grep -q "^$mac dev vmbr0 master vmbr0 permanent$" "$T/out" || fail "show bridge: host MAC not permanent"
rmac=$(ip -n "$R" link show dev rv | awk '/link\/ether/ { print $2 }')
grep -q "^$rmac dev bond0 master vmbr0 ageing" "$T/out" || fail "show bridge: R's MAC not on bond0"
grep -q "port 1: vmbr0 (host port, ethdev 2, up)" "$T/out" || fail "show bridge: no host port line"
ok "show bridge vmbr0: the host port, its permanent MAC, R's MAC learned on bond0"

quit_dpbond
