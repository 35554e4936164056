#!/bin/bash
# VLAN interfaces of a bond and of a NIC, as Proxmox hosts have them, every
# port a pcap: vmbr0 bridges bond0 (active-backup) untagged; Proxmox's
# traditional vmbr0v5 and vmbr0v6 bridge VLANs 5 and 6 of it (bond0.5,
# bond0.6, with no stanza of their own); bond0.60 carries the host's address
# (a host port of its own); vmbr1 bridges the NIC eno3, whose VLAN 70 is the
# host's (eno3.70); the plain bridge vmbr2 has an address of its own and the
# host's VLAN 8 on it (vmbr2.8, as a Linux VLAN device on the bridge device).
# Each frame's way and tag on the way out is checked.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { echo "SKIP: tshark is not installed"; exit 77; }

UP=02:00:00:00:aa:01 VM5=02:00:00:00:10:05 H=02:00:00:00:60:60 BC=ff:ff:ff:ff:ff:ff
# From the switch, on the active member eth0: untagged, VLANs 5, 6, 60, and 7 (no interface).
: > "$T/up.pcap"
for v in 0 5 6 60 7; do
	"$PCAP" gen "$T/up.pcap" --count 4 --src $UP --dst $BC --tag t$v --vlan $v --append
done
"$PCAP" gen "$T/vm5.pcap" --count 4 --src $VM5 --dst $BC --tag a5
"$PCAP" gen "$T/h60.pcap" --count 4 --src $H --dst $BC --tag h60
: > "$T/eno3.pcap"
for v in 0 70; do
	"$PCAP" gen "$T/eno3.pcap" --count 4 --src $UP --dst $BC --tag n$v --vlan $v --append
done
"$PCAP" gen "$T/h70.pcap" --count 4 --src $H --dst $BC --tag h70
# A plain bridge vmbr2 (own address, hwaddress HM) with the host's VLAN 8 on it (vmbr2.8).
HM=02:00:5e:00:53:20
: > "$T/eno4.pcap"
for v in 0 8 9 10; do
	"$PCAP" gen "$T/eno4.pcap" --count 4 --src $UP --dst $BC --tag p$v --vlan $v --append
done
"$PCAP" gen "$T/eno4.pcap" --count 4 --src $UP --dst $HM --tag q8 --vlan 8 --append
"$PCAP" gen "$T/eno4.pcap" --count 4 --src $UP --dst $HM --tag q0 --append
"$PCAP" gen "$T/h8.pcap" --count 4 --src $HM --dst $BC --tag h8
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup

auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 vm0
    bridge-stp off
    bridge-fd 0

auto vmbr0v5
iface vmbr0v5 inet manual
    bridge-ports bond0.5 vm5
    bridge-stp off
    bridge-fd 0

auto vmbr0v6
iface vmbr0v6 inet manual
    bridge-ports bond0.6 vm6
    bridge-stp off
    bridge-fd 0

auto bond0.60
iface bond0.60 inet static
    address 198.51.100.60/24

auto vmbr1
iface vmbr1 inet manual
    bridge-ports eno3 vm1

auto eno3.70
iface eno3.70 inet static
    address 203.0.113.70/24
CFG
"$DPBOND" --check -c "$T/interfaces" --port bond0.60=x --port eno3.70=y > "$T/check" 2>&1 || fail "--check refused it: $(cat "$T/check")"
grep -qx "vlan bond0.5: VLAN 5 of bond0, port of vmbr0v5 (untagged inside it)" "$T/check" || fail "--check: $(cat "$T/check")"
grep -qx "vlan bond0.60: VLAN 60 of bond0, inet static, address 198.51.100.60/24, host port x (its frames tagged 60 on bond0)" "$T/check" ||
	fail "--check: $(cat "$T/check")"
ok "--check: bond0.5 a port of vmbr0v5, bond0.60 a host port tagged 60 on bond0"

printf '%s\n' "sleep 500" "show bridge vmbr0v5" "show drops" \
	"set link-down port eth0" "sleep 500" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts vif) -- -c "$T/interfaces" \
	--port eth0=net_pcap0,rx_pcap=$T/up.pcap,tx_pcap=$T/eth0.pcap \
	--port eth1=net_pcap1,tx_pcap=$T/eth1.pcap \
	--port vm0=net_pcap2,tx_pcap=$T/vm0.pcap \
	--port vm5=net_pcap3,rx_pcap=$T/vm5.pcap,tx_pcap=$T/vm5out.pcap \
	--port vm6=net_pcap4,tx_pcap=$T/vm6.pcap \
	--port bond0.60=net_pcap5,rx_pcap=$T/h60.pcap,tx_pcap=$T/host60.pcap \
	--port eno3=net_pcap6,rx_pcap=$T/eno3.pcap,tx_pcap=$T/eno3out.pcap \
	--port vm1=net_pcap7,tx_pcap=$T/vm1.pcap \
	--port eno3.70=net_pcap8,rx_pcap=$T/h70.pcap,tx_pcap=$T/host70.pcap \
	--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "dpbond exited with $?"

# expect PORT TAG VLAN N: N frames of test tag TAG in VLAN (0: untagged) in PORT's tx pcap.
expect() {
	local n
	n=$("$PCAP" count "$T/$1.pcap" --tag "$2" --vlan "$3")
	[ "$n" -eq "$4" ] || fail "$1: $n frames $2 in VLAN $3, not $4"
}
expect vm0 t0 0 4; expect vm5out t0 0 0; expect vm6 t0 0 0; expect host60 t0 0 0
ok "untagged from the switch: vmbr0 only"
expect vm5out t5 0 4; expect vm0 t5 5 0; expect vm6 t5 0 0; expect host60 t5 0 0
expect vm6 t6 0 4; expect vm0 t6 6 0; expect vm5out t6 0 0
ok "VLANs 5 and 6 from the switch: into vmbr0v5 and vmbr0v6, untagged, and nowhere else"
expect host60 t60 0 4; expect vm0 t60 60 0; expect vm5out t60 0 0
ok "VLAN 60 from the switch: to bond0.60's host port, untagged, before vmbr0 sees it"
expect vm0 t7 7 4
ok "VLAN 7, which has no interface: vmbr0 forwards it as it came, tagged"
expect eth0 a5 5 4; expect eth0 a5 0 0; expect vm0 a5 0 0; expect vm6 a5 0 0
ok "vm5's untagged frames leave bond0 tagged 5 (vmbr0v5 over bond0.5)"
expect eth0 h60 60 4; expect vm0 h60 0 0
ok "bond0.60's host port sends through bond0 tagged 60, not through vmbr0"
expect host70 n70 0 4; expect vm1 n70 70 0; expect vm1 n0 0 4
expect eno3out h70 70 4; expect vm1 h70 0 0
ok "NIC eno3: VLAN 70 to and from eno3.70's host port, tagged on eno3; untagged to vmbr1"
# A second run: the plain bridge.
cat > "$T/plain" <<CFG
iface eno4 inet manual

auto vmbr2
iface vmbr2 inet static
    address 203.0.113.1/24
    bridge-ports eno4
    hwaddress $HM

auto vmbr2.8
iface vmbr2.8 inet static
    address 192.0.2.8/24

auto vmbr2.10
iface vmbr2.10 inet static
    address 192.0.2.10/24
CFG
"$DPBOND" --check -c "$T/plain" --port vmbr2.8=x > "$T/check2" 2>&1 || fail "--check refused vmbr2.8: $(cat "$T/check2")"
grep -qx "vlan vmbr2.8: VLAN 8 of vmbr2, inet static, address 192.0.2.8/24, host port x (its frames tagged 8 in vmbr2)" "$T/check2" ||
	fail "--check: $(cat "$T/check2")"
printf '%s\n' "sleep 500" "show drops" "quit" > "$T/cmds2"
"$DPBOND" $(eal_opts vifp) -- -c "$T/plain" \
	--port eno4=net_pcap0,rx_pcap=$T/eno4.pcap,tx_pcap=$T/eno4out.pcap \
	--port vmbr2=net_pcap1,tx_pcap=$T/vmbr2.pcap \
	--port vmbr2.8=net_pcap2,rx_pcap=$T/h8.pcap,tx_pcap=$T/host8.pcap \
	--port vmbr2.10=net_pcap3,tx_pcap=$T/host10.pcap \
	--cmdline-file "$T/cmds2" > "$T/out2" 2> "$T/err2" || fail "dpbond (plain bridge) exited with $?: $(cat "$T/err2")"
expect vmbr2 p0 0 4; expect host8 p0 0 0
expect host8 p8 0 4; expect vmbr2 p8 8 0
expect vmbr2 p9 9 4; expect host8 p9 0 0; expect host10 p9 0 0
expect host10 p10 0 4; expect host8 p10 0 0; expect vmbr2 p10 10 0
expect host8 q8 0 4; expect vmbr2 q8 8 0
expect vmbr2 q0 0 4; expect host8 q0 0 0
expect host10 q8 0 0; expect host10 p0 0 0
ok "plain bridge vmbr2: VLAN 8 (broadcast and to the host's MAC) reaches vmbr2.8 untagged, VLAN 10 vmbr2.10; untagged and VLAN 9 the bridge's own host port"
expect eno4out h8 8 4; expect vmbr2 h8 8 0; expect vmbr2 h8 0 0; expect host10 h8 0 0
ok "vmbr2.8's frames cross vmbr2 tagged 8, and not to the bridge's own host port"
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err2" || fail "mbufs were lost (plain bridge)"
grep -q "^  port 0: bond0.5 (VLAN 5 of bond0)$" "$T/out" || fail "show bridge vmbr0v5: no bond0.5 line"
grep -q "^$UP dev bond0.5 master vmbr0v5" "$T/out" || fail "show bridge vmbr0v5: the switch's MAC not learned on bond0.5"
ok "show bridge vmbr0v5: bond0.5 as a port, the switch's MAC learned on it"
# After eth0's cable is pulled, eth1 announces what lives behind the bond's
# VLANs: vm5's MAC (learned in vmbr0v5) tagged 5, bond0.60's address tagged 60.
tshark -r "$T/eth1.pcap" -Y arp -T fields -e eth.src -e vlan.id -e arp.opcode -e arp.src.proto_ipv4 > "$T/ann" 2>/dev/null ||
	fail "tshark failed"
grep -qx "$VM5"$'\t'5$'\t'3$'\t'0.0.0.0 "$T/ann" || fail "eth1: no RARP for $VM5 in VLAN 5: $(cat "$T/ann")"
grep -q $'\t'60$'\t'1$'\t'198.51.100.60'$' "$T/ann" || fail "eth1: no gratuitous ARP for bond0.60's 198.51.100.60 in VLAN 60: $(cat "$T/ann")"
ok "after eth0's pull, eth1 announced vm5 in VLAN 5 (vmbr0v5) and bond0.60's address in VLAN 60"
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "mbufs were lost"
ok "dpbond quit with every mbuf back in the pool"
