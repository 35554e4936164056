#!/bin/bash
# Announcements after failover. vmbr0 = bond0 (eth0 + eth1, active-backup,
# bond-num-grat-arp 3, bond-peer-notif-delay 200) + two VM ports + the host
# port, all pcap. The VMs speak first: tap100i0 sends plain frames (so only
# its MAC is known), tap101i0 sends ARP requests from 192.0.2.11. After
# `set link-down port eth0`, eth1's tx pcap must hold, for each MAC learned
# on a non-bond port, one announcement per round, 3 rounds at least 200 ms
# apart: RARP for tap100i0's MAC and the host's, a gratuitous ARP for
# 192.0.2.11 from tap101i0's MAC, an unsolicited NA for tap100i0's IPv6
# address (it sent one); and nothing for the upstream MAC learned on the bond.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { echo "SKIP: tshark is not installed"; exit 77; }

VM0=02:00:00:00:10:00 VM1=02:00:00:00:10:01 UP=02:00:00:00:aa:01
"$PCAP" gen "$T/vm0.pcap" --count 5 --src $VM0 --dst ff:ff:ff:ff:ff:ff --tag vm0
# ...and says its IPv6 address, 2001:db8::10, in an unsolicited NA.
"$PCAP" gen "$T/vm0.pcap" --count 1 --src $VM0 --dst ff:ff:ff:ff:ff:ff --na6 2001:db8::10 --append
"$PCAP" gen "$T/vm1.pcap" --count 2 --src $VM1 --dst ff:ff:ff:ff:ff:ff --arp-ip 192.0.2.11
"$PCAP" gen "$T/up.pcap" --count 5 --src $UP --dst $VM0 --tag up
# net_pcap's MAC is 02:70:63:61:70:<port id> ("pcap"); the host port is port 4.
HOSTMAC=02:70:63:61:70:04
"$PCAP" gen "$T/up.pcap" --count 5 --src $UP --dst $HOSTMAC --tag tohost --append
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface tap100i0 inet manual
iface tap101i0 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup
    bond-num-grat-arp 3
    bond-peer-notif-delay 200

auto vmbr0
iface vmbr0 inet static
    address 192.0.2.1/24
    bridge-ports bond0 tap100i0 tap101i0
    bridge-stp off
    bridge-fd 0
CFG
printf '%s\n' "sleep 500" "show bridge vmbr0" "set link-down port eth0" "sleep 1200" \
	"show bonding bond0" "show bridge vmbr0" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts ann) -- -c "$T/interfaces" \
	--port eth0=net_pcap0,rx_pcap=$T/up.pcap,tx_pcap=$T/eth0.pcap \
	--port eth1=net_pcap1,tx_pcap=$T/eth1.pcap \
	--port tap100i0=net_pcap2,rx_pcap=$T/vm0.pcap,tx_pcap=$T/tap100i0.pcap \
	--port tap101i0=net_pcap3,rx_pcap=$T/vm1.pcap,tx_pcap=$T/tap101i0.pcap \
	--port vmbr0=net_pcap4,tx_pcap=$T/vmbr0.pcap \
	--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "dpbond exited with $?"

host=$(awk '/ dev vmbr0 master vmbr0 permanent$/ { print $1; exit }' "$T/out")
[ -n "$host" ] || fail "show bridge: no permanent entry for the host port"
grep -q "^$UP dev bond0 master vmbr0" "$T/out" || fail "the upstream MAC was not learned on bond0"
[ "$host" = $HOSTMAC ] || fail "the host port's MAC is $host, not $HOSTMAC"
[ "$("$PCAP" count "$T/vmbr0.pcap" --tag tohost)" -eq 5 ] &&
	[ "$("$PCAP" count "$T/tap100i0.pcap" --tag tohost)" -eq 0 ] &&
	[ "$("$PCAP" count "$T/tap101i0.pcap" --tag tohost)" -eq 0 ] ||
	fail "frames for the host's MAC did not go to the host port only"
ok "frames for the host's own MAC go to the host port only (a permanent FDB entry)"

# announcements on eth1: "src opcode sender-ip target-ip time" per ARP/RARP frame.
tshark -r "$T/eth1.pcap" -Y "arp" -T fields -e eth.src -e arp.opcode -e arp.src.proto_ipv4 \
	-e arp.dst.proto_ipv4 -e frame.time_relative > "$T/ann" 2>/dev/null || fail "tshark failed"
count() { awk -v s="$1" -v op="$2" -v ip="${3:-}" '$1 == s && $2 == op && (ip == "" || ($3 == ip && $4 == ip))' "$T/ann" | wc -l; }
[ "$(count $VM0 3)" -eq 3 ] || fail "eth1: $(count $VM0 3) RARP for $VM0, not 3"$'\n'"$(cat "$T/ann")"
[ "$(count "$host" 3)" -eq 3 ] || fail "eth1: $(count "$host" 3) RARP for the host's $host, not 3"
[ "$(count $VM1 1 192.0.2.11)" -eq 3 ] || fail "eth1: $(count $VM1 1 192.0.2.11) gratuitous ARP for 192.0.2.11, not 3"
[ "$(count $VM1 3)" -eq 0 ] || fail "eth1: a RARP for $VM1, whose address is known"
[ "$(count $UP 3)" -eq 0 ] && [ "$(count $UP 1)" -eq 0 ] || fail "eth1: the upstream MAC was announced"
[ "$(wc -l < "$T/ann")" -eq 9 ] || fail "eth1: $(wc -l < "$T/ann") ARP/RARP frames, not 9"
ok "eth1 sent 3 rounds: RARP for $VM0 and the host's $host, gratuitous ARP 192.0.2.11 from $VM1"
# Rounds 200 ms apart: the first and third frames of one MAC, at least 400 ms.
span=$(awk -v s=$VM0 '$1 == s { t[n++] = $5 } END { printf "%d", (t[2] - t[0]) * 1000 }' "$T/ann")
[ "$span" -ge 380 ] && [ "$span" -le 900 ] || fail "rounds of $VM0 span $span ms, not about 400"
ok "the rounds are bond-peer-notif-delay apart (first to third: $span ms)"
tshark -r "$T/eth0.pcap" -Y "arp.opcode == 3 or arp.dst.proto_ipv4 == 192.0.2.11" 2>/dev/null | matches . &&
	fail "eth0 (pulled) sent announcements"
# The unsolicited NAs for VM0's IPv6 address, one per round, checksums good.
tshark -r "$T/eth1.pcap" -Y "icmpv6.type == 136" -T fields -e eth.src -e ipv6.dst \
	-e icmpv6.nd.na.target_address -e icmpv6.nd.na.flag.o -e icmpv6.checksum.status > "$T/na" 2>/dev/null ||
	fail "tshark failed on the NAs"
[ "$(grep -c "^$VM0"$'\t'"ff02::1"$'\t'"2001:db8::10"$'\t'"1"$'\t'"1$" "$T/na")" -eq 3 ] &&
	[ "$(wc -l < "$T/na")" -eq 3 ] || fail "eth1: not 3 good unsolicited NAs for 2001:db8::10 from $VM0"$'\n'"$(cat "$T/na")"
ok "eth1 sent 3 unsolicited NAs (to ff02::1, Override, checksum good) for $VM0's 2001:db8::10"
grep -q "^Peer notifications (bridged MACs): 3 rounds, 6 RARP, 3 gratuitous ARP, 3 unsolicited NA, 0 lost, last at" "$T/out" ||
	fail "show bonding: the announcement counters are not 3 rounds, 6 RARP, 3 GARP, 3 NA"
ok "show bonding and show bridge count them: 3 rounds, 6 RARP, 3 gratuitous ARP, 3 unsolicited NA"
