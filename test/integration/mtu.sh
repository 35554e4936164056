#!/bin/bash
# MTU and jumbo frames with Linux's rules.
#   1. pcap ports: bond0 (eth0 + eth1) with mtu 9000, its members taking it;
#      eth2 with mtu 9000; eth3 with none (1500); vmbr0 over all three.
#      Broadcasts from eth2 of every length around the limits: a frame
#      leaves a port only if it fits that port's MTU (plus its Ethernet
#      header, and a VLAN tag if it has one), whole; the rest is counted
#      tx-mtu, never cut.
#   2. kernel stacks: dpbond in a namespace, bond0's members TAPs cabled by
#      tc mirred to veths of MTU 9000 into a Linux-bridge "switch" with a
#      remote host at MTU 9000; vmbr0 and its host port would take the
#      bond's 9000, but DPDK 22.11's net_tap sends frames of up to 1522
#      bytes only: the TAPs run 1500 (said as a warning), their kernel sides
#      too, and a ping of 1500-byte IP packets that may not be fragmented
#      goes there and back while a 1501-byte one does not leave.
BUILD=$1
. "$(dirname "$0")/lib.sh"

# --- 1. pcap ports --------------------------------------------------------
BC=ff:ff:ff:ff:ff:ff SRC=02:00:00:00:20:02
: > "$T/in.pcap"
for size in 1514 1515 9014 9015; do
	"$PCAP" gen "$T/in.pcap" --count 5 --src $SRC --dst $BC --tag u$size --size $size --append
done
# Tagged (VLAN 7 through a plain bridge): 9014 + 4 fits, one more does not.
for size in 9014 9015; do
	"$PCAP" gen "$T/in.pcap" --count 5 --src $SRC --dst $BC --tag t$size --size $size --vlan 7 --append
done
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
    mtu 1400
iface eth2 inet manual
    mtu 9000
iface eth3 inet manual

iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
    mtu 9000

iface vmbr0 inet manual
    bridge-ports bond0 eth2 eth3
CFG
"$DPBOND" --check -c "$T/interfaces" > "$T/check" 2>&1 || fail "--check refused the file: $(cat "$T/check")"
grep -q "warning: eth1: a bond member runs its bond's MTU (bond0: 9000); mtu 1400 ignored" "$T/check" ||
	fail "no warning for the member's own mtu: $(cat "$T/check")"
grep -q "^bond bond0: .*, mtu 9000$" "$T/check" && grep -q "^port eth1: .*; mtu 9000$" "$T/check" &&
	grep -q "^bridge vmbr0: ports bond0 eth2 eth3, stp off, ageing 300 s, inet manual$" "$T/check" ||
	fail "--check does not show bond0 and eth1 at 9000 and vmbr0 at 1500 (the least of its ports): $(cat "$T/check")"
ok "--check: bond0 and its members at 9000 (eth1's own mtu warned), vmbr0 at its least port's 1500"

ports=()
for p in 0 1 2 3; do
	rx=""
	[ $p = 2 ] && rx="rx_pcap=$T/in.pcap,"
	ports+=(--port "eth$p=net_pcap$p,${rx}tx_pcap=$T/eth$p.pcap")
done
printf '%s\n' "sleep 500" "show drops" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts mtu) -- -c "$T/interfaces" "${ports[@]}" --cmdline-file "$T/cmds" \
	> "$T/out" 2> "$T/err" || fail "dpbond exited with $?"
grep -q '^mbufs: \([0-9]*\) of \1 back in the pool$' "$T/err" || fail "mbufs missing"
# expect PORT TAG N LEN: N frames TAG of LEN bytes, whole.
expect() {
	local got bad
	got=$("$PCAP" list "$T/$1.pcap" | awk -v t="$2" '$4 == t' | wc -l)
	bad=$("$PCAP" list "$T/$1.pcap" | awk -v t="$2" -v l="${4:-0}" '$4 == t && ($7 != l || $8 != 1)' | wc -l)
	[ "$got" -eq "$3" ] && [ "$bad" -eq 0 ] || fail "$1: $got frames $2 ($bad not whole $4 bytes), not $3"
}
expect eth0 u1514 5 1514; expect eth0 u1515 5 1515; expect eth0 u9014 5 9014; expect eth0 u9015 0
expect eth0 t9014 5 9018; expect eth0 t9015 0
expect eth3 u1514 5 1514; expect eth3 u1515 0; expect eth3 u9014 0; expect eth3 t9014 0
expect eth1 u1514 0
grep -qE '^  eth0 +tx-mtu +10$' "$T/out" || fail "eth0: not 10 frames counted tx-mtu"$'\n'"$(sed -n '/show drops/,/quit/p' "$T/out")"
grep -qE '^  eth3 +tx-mtu +25$' "$T/out" || fail "eth3: not 25 frames counted tx-mtu"$'\n'"$(sed -n '/show drops/,/quit/p' "$T/out")"
ok "bond0 (9000) sends frames up to 9014 bytes (9018 tagged) whole and counts 9015 (9019) tx-mtu; eth3 (1500) stops at 1514"

# --- 2. jumbo frames through kernel stacks --------------------------------
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "SKIP: the kernel half needs root and /dev/net/tun"
	exit 77
fi
switched_host mtu 9000
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup
    mtu 9000
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports bond0
CFG
dpbond_on_taps mtuk cable
for d in vmbr0 eth0 eth1; do
	grep -q "^$d: warning: the device takes frames of up to 1522 bytes: it runs MTU 1500, not 9000$" "$T/err" ||
		fail "no warning that $d (net_tap) runs MTU 1500: $(cat "$T/err")"
done
for d in vmbr0 dpbm0 dpbm1; do
	ip -n "$NS" link show dev $d | matches " mtu 1500 " ||
		fail "$d has not got MTU 1500: $(ip -n "$NS" link show dev $d)"
done
ok "net_tap takes 1522-byte frames at most in DPDK 22.11: the TAPs run MTU 1500, said as warnings"
ip netns exec "$NS" ping -M do -s 1472 -c 3 -i 0.2 -W 2 198.51.100.2 > "$T/ping" 2>&1 ||
	{ console "show port stats all" "show drops"; fail "ping of 1500-byte packets, not fragmented, failed: $(cat "$T/ping")"; }
ok "1500-byte IP packets (don't fragment) from vmbr0 reach R and come back"
ip netns exec "$NS" ping -M do -s 1473 -c 1 -W 1 198.51.100.2 > /dev/null 2>&1 &&
	fail "a 1501-byte packet went out of an MTU-1500 host port"
ok "a 1501-byte packet does not leave the host port"
quit_dpbond
