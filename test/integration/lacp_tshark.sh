#!/bin/bash
# dpbond's own LACPDUs, captured from a member's tx pcap, decode in tshark
# as valid LACP with the fields the configuration sets (the short-timeout
# bit included, which DPDK's bonding PMD never sends).
BUILD=$1 SEED_FILE=$2
. "$(dirname "$0")/lib.sh"

if ! command -v tshark >/dev/null; then
	echo "SKIP: tshark is not installed"
	exit 77
fi
awk '
	/^iface bond1 / { inb = 1 }
	inb && /bond_mode/ {
		print "    bond_mode 802.3ad"; print "    bond-lacp-rate fast"
		print "    bond-ad-actor-sys-prio 100"; print "    bond-ad-user-port-key 5"
		inb = 0; next }
	/^iface eth1 / { print; print "    bond-ad-actor-port-prio 100"; next }
	{ print }' "$SEED_FILE" > "$T/interfaces"
printf 'sleep 2500\nshow lacp bond1\nshow bonding bond1\nquit\n' > "$T/cmds"
ports=""
for i in 0 1 2 3; do ports="$ports --port eth$i=net_pcap$i,tx_pcap=$T/eth$i.pcap"; done
"$DPBOND" $(eal_opts tshark) -- -c "$T/interfaces" --no-host-ports $ports --cmdline-file "$T/cmds" \
	> "$T/out" 2> "$T/err" || fail "dpbond exited with $?"

tshark -r "$T/eth0.pcap" -V -Y lacp > "$T/lacp.txt" 2>&1 || fail "tshark failed"
n=$(grep -c '^Frame ' "$T/lacp.txt" || true)
[ "$n" -ge 2 ] || fail "only $n LACPDUs in eth0's pcap after 2.5 s at fast rate"
grep -qi malformed "$T/lacp.txt" && fail "tshark calls a LACPDU malformed"
want() { grep -qF -- "$1" "$T/lacp.txt" || fail "tshark does not show '$1'"; }
want "Slow Protocols subtype: LACP (0x01)"
want "Actor System Priority: 100"
want "Actor Key: 335"            # ad_user_port_key 5 << 6 | 10G (7) << 1 | full duplex
want "Actor Port: 1"
want "Actor Port Priority: 255"
want ".... ..1. = LACP Timeout: Short Timeout"
want ".... .1.. = Aggregation: Aggregatable"
want "Collector Max Delay: 0"
ok "$n LACPDUs from eth0 decode in tshark as LACP: priority 100, key 335, port 1, short timeout"
tshark -r "$T/eth1.pcap" -V -Y lacp > "$T/lacp1.txt" 2>&1 || fail "tshark failed on eth1"
grep -qF "Actor Port: 2" "$T/lacp1.txt" || fail "eth1's LACPDUs do not say port 2"
grep -qF "Actor Port Priority: 100" "$T/lacp1.txt" || fail "eth1's port priority is not 100"
ok "eth1's LACPDUs carry port number 2 and its stanza's port priority 100"
grep -q "bond bond1 has no active aggregator\|Partner Mac Address: 00:00:00:00:00:00" "$T/out" ||
	fail "show bonding: no partner expected"
ok "with no partner, show bonding shows what Linux shows"
