#!/bin/bash
# A VLAN-aware bridge as Proxmox writes it (bridge-vlan-aware yes,
# bridge-vids 2-4094, pvid 1): bond0 (eth0 + eth1, active-backup) is the
# trunk; tap100i0 is an access port in VLAN 100 (bridge-access 100);
# tap101i0 a trunk of VLANs 200 and 300 with pvid 1; the host port (pvid 1)
# a pcap. Every port is a pcap: each frame's VLAN on the way out is checked,
# and after `set link-down port eth0`, the announcements on eth1 in the
# VLANs where each MAC was learned.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { echo "SKIP: tshark is not installed"; exit 77; }

VM0=02:00:00:00:10:00 VM1=02:00:00:00:10:01 UP=02:00:00:00:aa:01
BC=ff:ff:ff:ff:ff:ff
"$PCAP" gen "$T/vm0.pcap" --count 5 --src $VM0 --dst $BC --tag a100
# tap101i0: VLAN 200 (carried), VLAN 100 (not carried), untagged (pvid 1).
"$PCAP" gen "$T/vm1.pcap" --count 5 --src $VM1 --dst $BC --tag t200 --vlan 200
"$PCAP" gen "$T/vm1.pcap" --count 5 --src $VM1 --dst $BC --tag bad100 --vlan 100 --append
"$PCAP" gen "$T/vm1.pcap" --count 5 --src $VM1 --dst $BC --tag u1 --append
# The upstream answers VM0 in VLAN 100, and sends to VLAN 300 (flooded to tap101i0 only).
"$PCAP" gen "$T/up.pcap" --count 5 --src $UP --dst $VM0 --tag d100 --vlan 100
"$PCAP" gen "$T/up.pcap" --count 5 --src $UP --dst $BC --tag d300 --vlan 300 --append
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface tap100i0 inet manual
    bridge-access 100
iface tap101i0 inet manual
    bridge-vids 200 300

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup

auto vmbr0
iface vmbr0 inet static
    address 192.0.2.1/24
    bridge-ports bond0 tap100i0 tap101i0
    bridge-stp off
    bridge-fd 0
    bridge-vlan-aware yes
    bridge-vids 2-4094
CFG
printf '%s\n' "sleep 500" "show bridge vmbr0" "show drops" "set link-down port eth0" \
	"sleep 500" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts vlan) -- -c "$T/interfaces" \
	--port eth0=net_pcap0,rx_pcap=$T/up.pcap,tx_pcap=$T/eth0.pcap \
	--port eth1=net_pcap1,tx_pcap=$T/eth1.pcap \
	--port tap100i0=net_pcap2,rx_pcap=$T/vm0.pcap,tx_pcap=$T/tap100i0.pcap \
	--port tap101i0=net_pcap3,rx_pcap=$T/vm1.pcap,tx_pcap=$T/tap101i0.pcap \
	--port vmbr0=net_pcap4,tx_pcap=$T/vmbr0.pcap \
	--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "dpbond exited with $?"

# count PORT TAG VLAN: frames of test tag TAG in VLAN (0: untagged) in PORT's tx pcap.
count() { "$PCAP" count "$T/$1.pcap" --tag "$2" --vlan "$3"; }
expect() {
	[ "$(count "$1" "$2" "$3")" -eq "$4" ] ||
		fail "$1: $(count "$1" "$2" "$3") frames $2 in VLAN $3, not $4"
}
expect eth0 a100 100 5; expect eth0 a100 0 0; expect tap101i0 a100 0 0; expect vmbr0 a100 0 0
ok "access port tap100i0: its untagged frames leave the trunk tagged 100, nowhere else"
expect eth0 t200 200 5; expect tap100i0 t200 0 0; expect vmbr0 t200 0 0
expect eth0 bad100 100 0; expect tap100i0 bad100 0 0
grep -qE '^  tap101i0 +vlan-filtered +5$' "$T/out" || fail "VLAN 100 on tap101i0 not counted vlan-filtered"
ok "trunk tap101i0: VLAN 200 goes out tagged 200; VLAN 100, which it does not carry, is dropped (vlan-filtered 5)"
expect eth0 u1 0 5; expect vmbr0 u1 0 5; expect tap100i0 u1 0 0
ok "untagged on tap101i0 is its pvid 1: out untagged on the bond and the host port, not to VLAN 100"
expect tap100i0 d100 0 5; expect tap101i0 d100 0 0
expect tap101i0 d300 300 5; expect tap100i0 d300 0 0; expect vmbr0 d300 0 0
ok "from the trunk: VLAN 100 reaches the access port untagged; VLAN 300 only tap101i0, tagged"
grep -q "^$VM0 dev tap100i0 vlan 100 master vmbr0" "$T/out" || fail "show bridge: $VM0 not in VLAN 100"
grep -q "^$VM1 dev tap101i0 vlan 200 master vmbr0" "$T/out" || fail "show bridge: $VM1 not in VLAN 200"
grep -q "^  tap100i0  *100 PVID Egress Untagged$" "$T/out" || fail "show bridge: tap100i0's VLANs"
grep -q "^  bond0  *1 PVID Egress Untagged, 2-4094$" "$T/out" || fail "show bridge: bond0's VLANs"
ok "show bridge: the FDB by VLAN, each port's VLANs"

# Announcements on eth1 after the pull: "src vlan opcode".
host=$(awk '/ dev vmbr0 vlan 1 master vmbr0 permanent$/ { print $1; exit }' "$T/out")
[ -n "$host" ] || fail "no permanent entry for the host port in VLAN 1"
tshark -r "$T/eth1.pcap" -Y "arp" -T fields -e eth.src -e vlan.id -e arp.opcode > "$T/ann" 2>/dev/null ||
	fail "tshark failed"
want() { grep -qx "$1"$'\t'"$2"$'\t'"$3" "$T/ann" || fail "eth1: no announcement from $1 in VLAN '${2:-untagged}'"$'\n'"$(cat "$T/ann")"; }
want $VM0 100 3; want $VM1 200 3; want $VM1 "" 3; want "$host" "" 3
[ "$(wc -l < "$T/ann")" -eq 4 ] || fail "eth1: $(wc -l < "$T/ann") announcements, not 4"$'\n'"$(cat "$T/ann")"
ok "after the pull, eth1 announced each MAC in its VLAN: $VM0 tagged 100, $VM1 tagged 200 and untagged, the host untagged"
