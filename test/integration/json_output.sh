#!/bin/bash
# Every `show ... json`, parsed back with jq and held against the text the
# same command prints: an active-backup bond under the ARP monitor and an
# 802.3ad bond bridged by a VLAN-aware bridge with a plain port, on pcap
# ports, eth0 (a backup) and eth4 fed a stream so that the counters count.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
SOCK=$T/ctl.sock
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface eth2 inet manual
iface eth3 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-primary eth1
    bond-arp-interval 200
    bond-arp-ip-target 192.0.2.1 192.0.2.2
    bond-arp-validate active
auto bond1
iface bond1 inet manual
    bond-slaves eth2 eth3
    bond-mode 802.3ad
    bond-miimon 100
    bond-lacp-rate fast
    bond-xmit-hash-policy layer3+4
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 bond1 eth4
    bridge-vlan-aware yes
    bridge-vids 2-4 10
CFG
"$PCAP" gen "$T/in0.pcap" --count 40 --src 02:00:00:00:00:aa --dst 02:00:00:00:00:bb
ports=(--port "eth0=net_pcap0,rx_pcap=$T/in0.pcap,tx_pcap=$T/tx0.pcap")
for i in 1 2 3; do ports+=(--port "eth$i=net_pcap$i,tx_pcap=$T/tx$i.pcap"); done
ports+=(--port "eth4=net_pcap4,rx_pcap=$T/in0.pcap,tx_pcap=$T/tx4.pcap")
"$DPBOND" $(eal_opts json) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" \
	"${ports[@]}" > "$T/out" 2> "$T/err" &
DPB_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "no control socket"

field_of() { awk -F': ' -v k="$2" '$1 == k { print $2; exit }' "$T/$1"; }
for b in bond0 bond1; do
	"$CTL" --socket "$SOCK" show bonding $b json > "$T/$b.json" || fail "show bonding $b json: exit $?"
	"$CTL" --socket "$SOCK" show bonding $b > "$T/$b.txt" || fail "show bonding $b: exit $?"
	jq -e . "$T/$b.json" > /dev/null || fail "$b: not JSON: $(cat "$T/$b.json")"
	field() { field_of $b.txt "$1"; }
	[ "$(jq -r .name "$T/$b.json")" = $b ] || fail "$b: name"
	[ "$(jq -r .mii_status "$T/$b.json")" = "$(field "MII Status")" ] || fail "$b: mii_status"
	[ "$(jq -r .miimon_ms "$T/$b.json")" = "$(field "MII Polling Interval (ms)")" ] || fail "$b: miimon_ms"
	[ "$(jq -r '[.slaves[].name] | join(" ")' "$T/$b.json")" = \
	  "$(awk -F': ' '/^Slave Interface: / { printf "%s%s", s, $2; s = " " }' "$T/$b.txt")" ] || fail "$b: slaves"
	[ "$(jq -r '[.slaves[].perm_hwaddr] | join(" ")' "$T/$b.json")" = \
	  "$(awk -F': ' '/^Permanent HW addr: / { printf "%s%s", s, $2; s = " " }' "$T/$b.txt")" ] || fail "$b: perm_hwaddr"
done
[ "$(jq -r .mode "$T/bond0.json")" = active-backup ] && [ "$(jq -r .mode_number "$T/bond0.json")" = 1 ] ||
	fail "bond0: mode $(jq -c '[.mode, .mode_number]' "$T/bond0.json")"
[ "$(jq -r .primary "$T/bond0.json")" = eth1 ] && [ "$(jq -r .xmit_hash_policy "$T/bond0.json")" = null ] ||
	fail "bond0: primary/xmit_hash_policy $(jq -c '[.primary, .xmit_hash_policy]' "$T/bond0.json")"
[ "$(jq -r .active_slave "$T/bond0.json")" = "$(awk -F': ' '/^Currently Active Slave: / { print $2 }' "$T/bond0.txt" | sed 's/^None$/null/')" ] ||
	fail "bond0: active_slave"
[ "$(jq -c .arp_monitor.ip_targets "$T/bond0.json")" = '["192.0.2.1","192.0.2.2"]' ] &&
	[ "$(jq -r .arp_monitor.validate "$T/bond0.json")" = active ] && [ "$(jq -r .lacp "$T/bond0.json")" = null ] ||
	fail "bond0: arp_monitor $(jq -c .arp_monitor "$T/bond0.json")"
ok "bond0 (active-backup, ARP monitor) in JSON: what its text says, and the ARP monitor's settings"
[ "$(jq -r .lacp.rate "$T/bond1.json")" = fast ] && [ "$(jq -r .xmit_hash_policy "$T/bond1.json")" = layer3+4 ] &&
	[ "$(jq -r .arp_monitor "$T/bond1.json")" = null ] && [ "$(jq -r .primary "$T/bond1.json")" = null ] &&
	[ "$(jq -r '.slaves[0] | has("actor_port_state")' "$T/bond1.json")" = true ] ||
	fail "bond1: $(jq -c '{lacp, xmit_hash_policy, arp_monitor, primary}' "$T/bond1.json")"
[ "$(jq -r .lacp.system_mac "$T/bond1.json")" = "$(awk -F': ' '/^System MAC address: / { print $2 }' "$T/bond1.txt")" ] ||
	fail "bond1: lacp.system_mac"
ok "bond1 (802.3ad) in JSON: its LACP settings, the hash policy, the members' port states"

# show lacp: each port's machines, as the text lists them.
# (LACP's machines move on their own timers: asked twice, the answers agree once they settle)
lacp_lines() { jq -r '.ports | map("\(.name): rx \(.rx_state), periodic \(.periodic_state), mux \(.mux_state), aggregator \(.aggregator_id), actor state \(.actor_port_state), partner state \(.partner_port_state)") | .[]' "$T/lacp.json"; }
for _ in $(seq 20); do
	"$CTL" --socket "$SOCK" show lacp bond1 json > "$T/lacp.json" || fail "show lacp json"
	"$CTL" --socket "$SOCK" show lacp bond1 > "$T/lacp.txt"
	[ "$(lacp_lines)" = "$(sed -n 's/^  \(eth[0-9]: rx .*\)/\1/p' "$T/lacp.txt")" ] && break
	sleep 0.3
done
[ "$(jq -r '.ports | map("\(.name): rx \(.rx_state), periodic \(.periodic_state), mux \(.mux_state), aggregator \(.aggregator_id), actor state \(.actor_port_state), partner state \(.partner_port_state)") | .[]' "$T/lacp.json")" = \
  "$(sed -n 's/^  \(eth[0-9]: rx .*\)/\1/p' "$T/lacp.txt")" ] || fail "lacp ports: $(cat "$T/lacp.json") vs $(cat "$T/lacp.txt")"
[ "$(jq -r .min_links "$T/lacp.json")" = "$(sed -n "s/.*min_links \([0-9]*\)$/\1/p" "$T/lacp.txt")" ] && [ "$(jq -r '.illegal_pdus | length' "$T/lacp.json")" -gt 0 ] ||
	fail "lacp: $(jq -c '{min_links, illegal_pdus}' "$T/lacp.json")"
ok "show lacp bond1 json: each port's machines and state, as the text"

# show port stats: the stream's 40 frames in on eth0, the same counts as the text.
for _ in $(seq 50); do
	"$CTL" --socket "$SOCK" show port stats eth0 json > "$T/eth0.json"
	[ "$(jq -r .rx_packets "$T/eth0.json")" = 40 ] && break
	sleep 0.1
done
# bond0's ARP monitor sends probes while this runs: the two answers are
# compared once they were taken between the same two probes.
stats_json() { jq -r '.[] | "\(.name) \(.rx_packets) \(.tx_packets) \(.dropped)"' "$T/all.json"; }
stats_text() { awk '/^########/ { n = $2 } /RX-packets:/ { rx = $2 } /TX-packets:/ { tx = $2 } /Dropped:/ { print n, rx, tx, $2 }' "$T/all.txt"; }
for _ in $(seq 20); do
	"$CTL" --socket "$SOCK" show port stats all json > "$T/all.json" || fail "show port stats all json"
	"$CTL" --socket "$SOCK" show port stats all > "$T/all.txt"
	[ "$(stats_json)" = "$(stats_text)" ] && break
	sleep 0.05
done
[ "$(stats_json)" = "$(stats_text)" ] ||
	fail "port stats: $(jq -c '[.[] | [.name, .rx_packets, .tx_packets, .dropped]]' "$T/all.json") vs $(cat "$T/all.txt")"
[ "$(jq -r '.[] | select(.name == "eth0") | "\(.rx_packets) \(.kind) \(.master) \(.device)"' "$T/all.json")" = "40 port bond0 net_pcap0" ] &&
	[ "$(jq -r '.[] | select(.name == "bond0") | "\(.kind) \(.rx_packets) \(.master)"' "$T/all.json")" = "bond 40 vmbr0" ] ||
	fail "eth0/bond0: $(jq -c . "$T/all.json")"
drops_agree() {
	[ "$(jq -r .total "$T/drops.json")" = "$(awk '/^  total:/ { print $2 }' "$T/drops.txt")" ] &&
		[ "$(jq -r '[.interfaces | to_entries[] | .key as $i | .value | to_entries[] | select(.value > 0) | "\($i) \(.key) \(.value)"] | sort | .[]' "$T/drops.json")" = \
		  "$(awk 'NF == 3 && $1 != "total:" { print $1, $2, $3 }' "$T/drops.txt" | sort)" ]
}
for _ in $(seq 20); do
	"$CTL" --socket "$SOCK" show drops json > "$T/drops.json" || fail "show drops json"
	"$CTL" --socket "$SOCK" show drops > "$T/drops.txt"
	drops_agree && break
	sleep 0.05
done
drops_agree || fail "drops: $(cat "$T/drops.json") vs $(cat "$T/drops.txt")"
ok "show port stats all json and show drops json: the text's counts (40 frames in on eth0, drops by reason)"

# show bridge: its ports with their VLANs and the FDB (the stream's source learned on eth4).
for _ in $(seq 50); do
	"$CTL" --socket "$SOCK" show bridge vmbr0 json > "$T/br.json"
	[ "$(jq -r .fdb_entries "$T/br.json")" -ge 1 ] && break
	sleep 0.1
done
# bond0's ARP monitor takes its members down while this runs (nothing answers its
# probes): the two answers are compared once they were taken in the same state.
bridge_ports() {
	jq -r '.ports[] | "\(.name) \(.kind) \(.state) \(.vlans.pvid) \(.vlans.tagged | join(","))"' "$T/br.json"
}
bridge_ports_text() {
	sed -n 's/^  port [0-9]*: \([a-z0-9]*\) (\(bond\|ethdev [0-9]*\), \(up\|down\).*/\1 \2 \3 1 2,3,4,10/p' "$T/br.txt" | sed 's/ethdev [0-9]*/port/'
}
for _ in $(seq 20); do
	"$CTL" --socket "$SOCK" show bridge vmbr0 > "$T/br.txt"
	"$CTL" --socket "$SOCK" show bridge vmbr0 json > "$T/br.json"
	[ "$(bridge_ports)" = "$(bridge_ports_text)" ] && break
	sleep 0.1
done
[ "$(jq -r '"\(.fdb_entries) \(.learned) \(.moved)"' "$T/br.json")" = \
  "$(sed -n 's/.* \([0-9]*\) fdb entries, \([0-9]*\) learned, \([0-9]*\) moved$/\1 \2 \3/p' "$T/br.txt")" ] ||
	fail "bridge counts: $(jq -c . "$T/br.json") vs $(head -1 "$T/br.txt")"
[ "$(bridge_ports)" = "$(bridge_ports_text)" ] && [ "$(bridge_ports | wc -l)" = 3 ] ||
	fail "bridge ports: $(jq -c .ports "$T/br.json") vs $(cat "$T/br.txt")"
[ "$(jq -r '.fdb[] | select(.mac == "02:00:00:00:00:aa") | "\(.port) \(.vlan)"' "$T/br.json")" = "eth4 1" ] &&
	grep -q "^02:00:00:00:00:aa dev eth4 vlan 1 master vmbr0" "$T/br.txt" ||
	fail "fdb: $(jq -c .fdb "$T/br.json") vs $(cat "$T/br.txt")"
ok "show bridge vmbr0 json: ports, VLANs, and the FDB entry the text shows"

"$CTL" --socket "$SOCK" show workers json > "$T/w.json" || fail "show workers json"
[ "$(jq -r '.[0].rx_packets' "$T/w.json")" = 80 ] && [ "$(jq -r '.[0].loops' "$T/w.json")" -gt 0 ] ||
	fail "workers: $(cat "$T/w.json")"
"$CTL" --socket "$SOCK" show ctl json > "$T/ctl.json" || fail "show ctl json"
[ "$(jq -r .path "$T/ctl.json")" = "$SOCK" ] && [ "$(jq -r .accepted "$T/ctl.json")" -ge 10 ] ||
	fail "ctl: $(cat "$T/ctl.json")"
ok "show workers json and show ctl json"

set +e
"$CTL" --socket "$SOCK" show bonding nosuch json > /dev/null 2> "$T/e"; rc=$?
set -e
[ $rc = 1 ] && grep -q "no bond named 'nosuch'" "$T/e" || fail "an unknown bond: exit $rc, $(cat "$T/e")"
for q in "show lacp bond0 json:no 802.3ad bond named 'bond0'" "show bridge bond0 json:no bridge named 'bond0'" \
	 "show port stats vmbr0 json:no port or bond named 'vmbr0'" "show drops jsn:bad command: show drops jsn"; do
	set +e
	"$CTL" --socket "$SOCK" ${q%%:*} > "$T/o" 2> "$T/e"; rc=$?
	set -e
	[ $rc = 1 ] && grep -qF "${q#*:}" "$T/e" && [ ! -s "$T/o" ] || fail "${q%%:*}: exit $rc, $(cat "$T/e" "$T/o")"
done
ok "an unknown bond, a bond that is not 802.3ad, a bond as a bridge, a bridge as a port, a misspelt json: refused, exit 1"
"$CTL" --socket "$SOCK" quit > /dev/null
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
