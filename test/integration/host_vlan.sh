#!/bin/bash
# The Proxmox admin guide's VLAN-aware layout in ifupdown2's dialect, end to
# end through kernel stacks: the host's management address lives on vmbr0.5
# (VLAN 5 of the VLAN-aware vmbr0, a stanza without family holding an IPv4
# and an IPv6 address and a gateway of each), and vmbr0 itself has an IPv6
# address in its untagged VLAN (an inet6 stanza merged with its inet manual
# one). dpbond runs in namespace H; bond0's members are TAPs cabled by tc
# mirred to veths into namespace S. This machine's kernel has neither VLAN
# devices nor a VLAN-filtering bridge, so the far side is a second dpbond
# in S: a VLAN-aware switch of two trunk ports whose own host ports stand for
# a remote host in VLAN 5 (swbr.5: 198.51.100.2, 2001:db8:5::2) and one in
# the untagged VLAN (swbr: 2001:db8:1::2). H pings both over IPv4 and IPv6,
# and a capture on H's veth shows the VLAN 5 traffic tagged 5 on the wire
# and the other untagged.
BUILD=$1
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "SKIP: needs root and /dev/net/tun (network namespaces, TAP ports)"
	exit 77
fi
for t in ping tc bridge; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done

command -v tshark >/dev/null || { echo "SKIP: tshark is not installed"; exit 77; }

NS=dpbt-hv-h-$$
S=dpbt-hv-s-$$
EXTRA_NS=("$S")
for n in "$NS" "$S"; do
	ip netns add "$n"
	ip -n "$n" link set lo up
done
for i in 0 1; do
	ip link add "hv$i-$$" netns "$NS" type veth peer name "sv$i-$$" netns "$S"
	ip -n "$NS" link set "hv$i-$$" name "hv$i"
	ip -n "$S" link set "sv$i-$$" name "sv$i"
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.hv$i.disable_ipv6=1"
	ip netns exec "$S" sysctl -qw "net.ipv6.conf.sv$i.disable_ipv6=1"
	ip -n "$NS" link set "hv$i" arp off up
	ip -n "$S" link set "sv$i" arp off up
done

# The far side: a VLAN-aware switch with two trunk ports and two host ports.
cat > "$T/switch" <<CFG
iface swp0 inet manual
iface swp1 inet manual
auto swbr
iface swbr inet6 static
    address 2001:db8:1::2/64
    bridge-ports swp0 swp1
    bridge-vlan-aware yes
    bridge-vids 2-4094
iface swbr.5
    address 198.51.100.2/24
    address 2001:db8:5::2/64
CFG
mkfifo "$T/scmd"
ip netns exec "$S" "$DPBOND" --lcores 0@1 --no-huge --no-pci -m 256 --file-prefix dpbt-hvs-$$ \
	--log-level=lib.eal:warning -- -c "$T/switch" --ctl-socket none \
	--port swp0=net_tap0,iface=swm0 --port swp1=net_tap1,iface=swm1 \
	-i < "$T/scmd" > "$T/sout" 2> "$T/serr" &
EXTRA_PIDS=($!)
exec 4> "$T/scmd"
echo "sleep 100" >&4
for _ in $(seq 100); do ip -n "$S" link show swbr.5 > /dev/null 2>&1 && break; sleep 0.1; done
ip -n "$S" link show swbr.5 > /dev/null 2>&1 || fail "the switch dpbond did not start: $(cat "$T/serr")"
cable "$S" swm0 sv0
cable "$S" swm1 sv1

cat > "$T/interfaces" <<CFG
auto lo
iface lo inet loopback

iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
	bond-slaves eth0 eth1
	bond-mode active-backup
	bond-primary eth0
	bond-arp-interval 100
	bond-arp-ip-target 198.51.100.2
	bond-arp-validate active
	hwaddress 02:00:00:00:0b:05

auto vmbr0.5
iface vmbr0.5
	address 198.51.100.1/24
	address 2001:db8:5::1/64
	gateway 198.51.100.254
	gateway 2001:db8:5::fe

auto vmbr0
iface vmbr0 inet manual
	bridge-ports bond0
	bridge-stp off
	bridge-fd 0
	bridge-vlan-aware yes
	bridge-vids 2-4094
	hwaddress ether 02:00:00:00:0a:05

iface vmbr0 inet6 static
	address 2001:db8:1::1/64
CFG
"$DPBOND" --check -c "$T/interfaces" > "$T/check" 2>&1 || fail "--check refused the file: $(cat "$T/check")"
grep -q "^vlan vmbr0.5: VLAN 5 of vmbr0, inet static, inet6 static, address 198.51.100.1/24 2001:db8:5::1/64, gateway 198.51.100.254, gateway 2001:db8:5::fe, host port (TAP) (access port of VLAN 5)$" "$T/check" &&
	grep -q "^bridge vmbr0: .*, hwaddress 02:00:00:00:0a:05, host port (TAP)$" "$T/check" ||
	fail "--check does not show vmbr0.5 as a host port of VLAN 5: $(cat "$T/check")"
ok "--check: vmbr0.5 is VLAN 5 of vmbr0, both families, a host port"

mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" --lcores 0@0 --no-huge --no-pci -m 256 --file-prefix dpbt-hv-$$ \
	--log-level=lib.eal:warning -- -c "$T/interfaces" \
	--port eth0=net_tap0,iface=dpbm0 --port eth1=net_tap1,iface=dpbm1 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
cable "$NS" dpbm0 hv0
cable "$NS" dpbm1 hv1

# (The kernel may still be settling the TAPs' IPv6 state as they get their
# MACs: each address is given a moment to show.)
for _ in $(seq 30); do
	ip -n "$NS" -6 addr show dev vmbr0 | matches "inet6 2001:db8:1::1/64" &&
		ip -n "$NS" -6 addr show dev vmbr0.5 | matches "inet6 2001:db8:5::1/64" && break
	sleep 0.1
done
ip -n "$NS" -4 addr show dev vmbr0.5 | matches "inet 198.51.100.1/24 brd 198.51.100.255" ||
	fail "vmbr0.5 has not got 198.51.100.1/24: $(ip -n "$NS" addr show dev vmbr0.5 2>&1)"
ip -n "$NS" -6 addr show dev vmbr0.5 | matches "inet6 2001:db8:5::1/64" ||
	fail "vmbr0.5 has not got 2001:db8:5::1/64: $(ip -n "$NS" addr show dev vmbr0.5 2>&1)"
ip -n "$NS" -6 addr show dev vmbr0 | matches "inet6 2001:db8:1::1/64" ||
	fail "vmbr0 has not got 2001:db8:1::1/64: $(ip -n "$NS" addr show dev vmbr0 2>&1)"
ip -n "$NS" -4 addr show dev vmbr0 | matches inet && fail "vmbr0 (inet manual) has an IPv4 address"
ip -n "$NS" route show default | matches "default via 198.51.100.254 dev vmbr0.5" ||
	fail "no IPv4 default route via vmbr0.5: $(ip -n "$NS" route 2>&1)"
ip -n "$NS" -6 route show default | matches "default via 2001:db8:5::fe dev vmbr0.5" ||
	fail "no IPv6 default route via vmbr0.5: $(ip -n "$NS" -6 route 2>&1)"
mac() { ip -n "$1" link show dev "$2" | awk '/link\/ether/ { print $2 }'; }
[ "$(mac "$NS" vmbr0.5)" = 02:00:00:00:0a:05 ] && [ "$(mac "$NS" vmbr0)" = 02:00:00:00:0a:05 ] ||
	fail "vmbr0.5 ($(mac "$NS" vmbr0.5)) and vmbr0 ($(mac "$NS" vmbr0)) have not got vmbr0's hwaddress"
[ "$(mac "$NS" dpbm0)" = 02:00:00:00:0b:05 ] && [ "$(mac "$NS" dpbm1)" = 02:00:00:00:0b:05 ] ||
	fail "bond0's members ($(mac "$NS" dpbm0), $(mac "$NS" dpbm1)) have not got bond0's hwaddress"
ok "TAPs vmbr0.5 (198.51.100.1/24, 2001:db8:5::1/64, both default routes) and vmbr0 (2001:db8:1::1/64), both with vmbr0's hwaddress; bond0's members with bond0's"

# IPv6 addresses are usable once duplicate address detection is done.
for _ in $(seq 50); do
	ip -n "$NS" -6 addr show tentative | matches inet6 ||
		ip -n "$S" -6 addr show tentative | matches inet6 || break
	sleep 0.1
done
# The ARP monitor took the members down while the cables were not there yet;
# eth0 (primary) is active again once the target answers its probes.
for _ in $(seq 50); do
	console "show bonding bond0"
	[ "$(bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" | bond_field - "Currently Active Slave")" = eth0 ] && break
	sleep 0.1
done
ip netns exec "$NS" tshark -q -i hv0 -w "$T/wire.pcapng" > "$T/tshark.out" 2>&1 &
cap=$!
EXTRA_PIDS+=("$cap")
# tshark says so once it captures (a slow machine takes more than a second to get there)
for _ in $(seq 100); do grep -q "^Capturing on" "$T/tshark.out" && break; sleep 0.1; done
grep -q "^Capturing on" "$T/tshark.out" || fail "tshark did not start capturing: $(cat "$T/tshark.out")"
sleep 0.5
ping_ok() {  # ping_ok [-6] ADDR WHAT
	local v=""
	[ "$1" = -6 ] && { v=-6; shift; }
	ip netns exec "$NS" ping $v -c 3 -i 0.2 -W 2 "$1" > "$T/ping" 2>&1 ||
		fail "ping $1 ($2) failed: $(cat "$T/ping")"
	ok "H pings $1, $2, through the bond and the far switch"
}
ping_ok 198.51.100.2 "in VLAN 5 from vmbr0.5"
ping_ok -6 2001:db8:5::2 "in VLAN 5 from vmbr0.5"
ping_ok -6 2001:db8:1::2 "untagged from vmbr0"
sleep 0.5
stop_pid "$cap"
n5=$(tshark -r "$T/wire.pcapng" -Y "vlan.id == 5 && icmp.type == 8 && ip.dst == 198.51.100.2" 2>/dev/null | wc -l)
n56=$(tshark -r "$T/wire.pcapng" -Y "vlan.id == 5 && icmpv6.type == 128 && ipv6.dst == 2001:db8:5::2" 2>/dev/null | wc -l)
n1=$(tshark -r "$T/wire.pcapng" -Y "!vlan && icmpv6.type == 128 && ipv6.dst == 2001:db8:1::2" 2>/dev/null | wc -l)
bad=$(tshark -r "$T/wire.pcapng" -Y "(!vlan && (ip.dst == 198.51.100.2 || ipv6.dst == 2001:db8:5::2)) || (vlan && ipv6.dst == 2001:db8:1::2)" 2>/dev/null | wc -l)
[ "$n5" -ge 3 ] && [ "$n56" -ge 3 ] && [ "$n1" -ge 3 ] && [ "$bad" -eq 0 ] ||
	fail "on the wire: $n5 IPv4 and $n56 IPv6 echo requests tagged 5, $n1 untagged to R1, $bad in the wrong VLAN"
ok "on the wire: vmbr0.5's pings leave tagged 5, vmbr0's untagged, none in the wrong VLAN"
# bond0's ARP monitor probes its target from the host port above it that has
# an address in the target's subnet: vmbr0.5, so tagged 5, with its MAC.
probes=$(tshark -r "$T/wire.pcapng" -Y "vlan.id == 5 && arp.opcode == 1 && arp.src.proto_ipv4 == 198.51.100.1 && arp.dst.proto_ipv4 == 198.51.100.2 && arp.src.hw_mac == 02:00:00:00:0a:05" 2>/dev/null | wc -l)
untagged=$(tshark -r "$T/wire.pcapng" -Y "!vlan && arp.dst.proto_ipv4 == 198.51.100.2" 2>/dev/null | wc -l)
[ "$probes" -ge 10 ] && [ "$untagged" -eq 0 ] ||
	fail "on the wire: $probes ARP probes for 198.51.100.2 tagged 5 from vmbr0.5's address and MAC, $untagged untagged"
console "show bonding bond0"
grep -q "^ARP IP target/s (n.n.n.n form): 198.51.100.2$" "$T/out" && grep -q "^Currently Active Slave: eth0$" "$T/out" ||
	fail "show bonding: $(grep -E '^(ARP|Currently)' "$T/out")"
ok "the ARP monitor probes 198.51.100.2 from vmbr0.5, tagged 5 with its MAC ($probes probes on eth0's wire), answered: eth0 stays active"

console "show bridge vmbr0"
grep -q "port 1: vmbr0.5 (ethdev" "$T/out" || fail "show bridge: vmbr0.5 is not port 1"
echo quit >&4
quit_dpbond
