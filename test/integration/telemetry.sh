#!/bin/bash
# dpbond's /dpbond/... telemetry commands, read over DPDK's telemetry socket
# with dpdk-telemetry.py (Debian's dpdk-dev) and held against what the
# console says: bonds and their members' MII and LACP state, a bridge's
# ports and FDB size, port counters, drops by reason, the workers and their
# load; a
# failover followed; unknown names answered with an error.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
TEL=$(command -v dpdk-telemetry.py) || { echo "SKIP: dpdk-telemetry.py (dpdk-dev) is not installed"; exit 77; }
SOCK=$T/ctl.sock
PREFIX=dpbt-telemetry-$$
cat > "$T/interfaces" <<CFG
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
    bond-primary eth0
auto bond1
iface bond1 inet manual
    bond-slaves eth2 eth3
    bond-mode 802.3ad
    bond-miimon 100
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 bond1 eth4
CFG
"$PCAP" gen "$T/in.pcap" --count 30 --src 02:00:00:00:00:aa --dst 02:00:00:00:00:bb
ports=(--port "eth0=net_pcap0,rx_pcap=$T/in.pcap,tx_pcap=$T/tx0.pcap"
       --port "eth1=net_pcap1,rx_pcap=$T/in.pcap,tx_pcap=$T/tx1.pcap")
for i in 2 3; do ports+=(--port "eth$i=net_pcap$i,tx_pcap=$T/tx$i.pcap"); done
ports+=(--port "eth4=net_pcap4,tx_pcap=$T/tx4.pcap")
"$DPBOND" $(eal_opts telemetry | sed "s/--file-prefix [^ ]*/--file-prefix $PREFIX/") -- \
	-c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" "${ports[@]}" > "$T/out" 2> "$T/err" &
DPB_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "no control socket"

# tel CMD...: each command's answer, one JSON line each, through dpdk-telemetry.py.
tel() { printf '%s\n' "$@" | timeout 20 "$TEL" -f "$PREFIX"; }
# The 30 frames in on each of bond0's members: eth1's dropped as a backup's.
for _ in $(seq 50); do
	[ "$(tel /dpbond/stats,eth1 | jq -r '."/dpbond/stats".dropped')" = 30 ] && break
	sleep 0.1
done

tel /dpbond/bonds /dpbond/bridges /dpbond/ports > "$T/lists"
[ "$(jq -c '.[]' "$T/lists" | paste -sd' ')" = '["bond0","bond1"] ["vmbr0"] ["bond0","bond1","eth0","eth1","eth2","eth3","eth4"]' ] ||
	fail "lists: $(cat "$T/lists")"
ok "/dpbond/bonds, /dpbond/bridges, /dpbond/ports list what the file has"

check_bond() {  # check_bond BOND: telemetry's answer against `show bonding BOND`
	local b=$1
	tel /dpbond/bond,$b | jq '."/dpbond/bond"' > "$T/$b.tel"
	"$CTL" --socket "$SOCK" show bonding $b > "$T/$b.txt"
	[ "$(jq -r '.slaves | to_entries[] | "\(.key) \(.value.mii_status) \(.value.link_failure_count) \(.value.perm_hwaddr)"' "$T/$b.tel")" = \
	  "$(awk -F': ' '/^Slave Interface:/ { s = $2 } /^MII Status:/ && s { st = $2 } /^Link Failure Count:/ { n = $2 }
			 /^Permanent HW addr:/ { print s, st, n, $2; s = "" }' "$T/$b.txt")" ] ||
		fail "$b members: $(jq -c .slaves "$T/$b.tel") vs $(cat "$T/$b.txt")"
	[ "$(jq -r .mii_status "$T/$b.tel")" = "$(awk -F': ' '/^MII Status:/ { print $2; exit }' "$T/$b.txt")" ] &&
		[ "$(jq -r '.active_slave // "None"' "$T/$b.tel")" = "$(awk -F': ' '/^Currently Active Slave:/ { print $2 }' "$T/$b.txt" | grep . || echo None)" ] ||
		fail "$b: $(jq -c '{mii_status, active_slave}' "$T/$b.tel") vs $(cat "$T/$b.txt")"
}
check_bond bond0
[ "$(jq -r .active_slave "$T/bond0.tel")" = eth0 ] || fail "bond0's active member: $(jq -c . "$T/bond0.tel")"
check_bond bond1
# (LACP's machines move on their own timers: asked twice, the answers agree once they settle)
for _ in $(seq 20); do
	tel /dpbond/lacp,bond1 | jq '."/dpbond/lacp"' > "$T/lacp.tel"
	"$CTL" --socket "$SOCK" show lacp bond1 > "$T/lacp.txt"
	[ "$(jq -r '.ports | to_entries[] | "\(.key): rx \(.value.rx_state), periodic \(.value.periodic_state), mux \(.value.mux_state), aggregator \(.value.aggregator_id), actor state \(.value.actor_port_state), partner state \(.value.partner_port_state)"' "$T/lacp.tel")" = \
	  "$(sed -n 's/^  \(eth[0-9]: rx .*\)/\1/p' "$T/lacp.txt")" ] && break
	sleep 0.3
done
[ "$(jq -r '.ports | to_entries[] | "\(.key): rx \(.value.rx_state), periodic \(.value.periodic_state), mux \(.value.mux_state), aggregator \(.value.aggregator_id), actor state \(.value.actor_port_state), partner state \(.value.partner_port_state)"' "$T/lacp.tel")" = \
  "$(sed -n 's/^  \(eth[0-9]: rx .*\)/\1/p' "$T/lacp.txt")" ] || fail "lacp: $(cat "$T/lacp.tel") vs $(cat "$T/lacp.txt")"
ok "/dpbond/bond and /dpbond/lacp: each member's MII and LACP state as show bonding and show lacp say"

tel /dpbond/bridge,vmbr0 | jq '."/dpbond/bridge"' > "$T/br.tel"
"$CTL" --socket "$SOCK" show bridge vmbr0 > "$T/br.txt"
[ "$(jq -r '"\(.fdb_entries) \(.learned)"' "$T/br.tel")" = \
  "$(sed -n 's/.* \([0-9]*\) fdb entries, \([0-9]*\) learned,.*/\1 \2/p' "$T/br.txt")" ] &&
	[ "$(jq -r .fdb_entries "$T/br.tel")" = 1 ] && [ "$(jq -r '.ports | keys_unsorted | join(" ")' "$T/br.tel")" = "bond0 bond1 eth4" ] ||
	fail "bridge: $(cat "$T/br.tel") vs $(head -1 "$T/br.txt")"
ok "/dpbond/bridge: its ports and FDB size (the stream's source learned) as show bridge says"

# (bond1 sends LACPDUs on its own timer: one may leave between the two questions, so they are asked again until they agree)
stats_agree() {
	[ "$(sed -n 1p "$T/counters" | jq -r '."/dpbond/stats" | to_entries[] | "\(.key) \(.value.rx_packets) \(.value.tx_packets) \(.value.dropped)"')" = \
	  "$(awk '/^########/ { n = $2 } /RX-packets:/ { rx = $2 } /TX-packets:/ { tx = $2 } /Dropped:/ { print n, rx, tx, $2 }' "$T/stats.txt")" ]
}
for _ in $(seq 20); do
	tel /dpbond/stats,all /dpbond/drops /dpbond/workers > "$T/counters"
	"$CTL" --socket "$SOCK" show port stats all > "$T/stats.txt"
	"$CTL" --socket "$SOCK" show drops > "$T/drops.txt"
	stats_agree && break
	sleep 0.2
done
stats_agree ||
	fail "stats: $(sed -n 1p "$T/counters") vs $(cat "$T/stats.txt")"
[ "$(sed -n 2p "$T/counters" | jq -r '."/dpbond/drops" | .interfaces | to_entries[] | .key as $i | .value | to_entries[] | select(.value > 0) | "\($i) \(.key) \(.value)"' | tr _ -)" = \
  "$(awk 'NF == 3 && $1 != "total:" { print $1, $2, $3 }' "$T/drops.txt" | tr _ -)" ] &&
	grep -q "eth1 *rx-inactive-slave *30" "$T/drops.txt" ||
	fail "drops: $(sed -n 2p "$T/counters") vs $(cat "$T/drops.txt")"
[ "$(sed -n 3p "$T/counters" | jq -r '."/dpbond/workers"."0".rx_packets')" = 60 ] ||
	fail "workers: $(sed -n 3p "$T/counters")"
ok "/dpbond/stats,all, /dpbond/drops and /dpbond/workers: the console's counts (eth1's 30 frames dropped as a backup's)"

# The worker's load: the 60 frames, busy and idle cycles; its figures in
# hundredths as strings, as `show worker stats` prints them (they hold still:
# nothing comes in any more).
tel /dpbond/workers | jq '."/dpbond/workers"."0".load' > "$T/load.tel"
"$CTL" --socket "$SOCK" show worker stats > "$T/load.txt"
load_text() { awk -F': ' -v k="  $1" '$1 == k { split($2, v, " "); print v[1] }' "$T/load.txt"; }
[ "$(jq -r .rx_packets "$T/load.tel")" = 60 ] && [ "$(load_text "rx packets")" = 60 ] &&
	[ "$(jq -r .busy_cycles "$T/load.tel")" -gt 0 ] && [ "$(jq -r .idle_cycles "$T/load.tel")" -gt 0 ] &&
	[ "$(jq -r .control_cycles "$T/load.tel")" -gt 0 ] && [ "$(jq -r .main_lcore "$T/load.tel")" = 1 ] &&
	[ "$(jq -r .busy_cycles "$T/load.tel")" = "$(load_text "busy cycles")" ] &&
	[ "$(jq -r .rx_bursts "$T/load.tel")" = "$(load_text "rx bursts")" ] &&
	[ "$(jq -r .packets_per_burst "$T/load.tel")" = "$(load_text "packets per burst")" ] &&
	[ "$(jq -r .cycles_per_packet "$T/load.tel")" = "$(load_text "cycles per packet")" ] &&
	jq -r .busy_percent "$T/load.tel" | matches -x '[0-9]*\.[0-9][0-9]' ||
	fail "workers' load: $(cat "$T/load.tel") vs $(cat "$T/load.txt")"
ok "/dpbond/workers' load: the 60 frames, busy and idle cycles, frames per burst and cycles per frame as show worker stats says"

"$CTL" --socket "$SOCK" set link-down port eth0 > /dev/null
for _ in $(seq 50); do
	[ "$(tel /dpbond/bond,bond0 | jq -r '."/dpbond/bond".active_slave')" = eth1 ] && break
	sleep 0.1
done
check_bond bond0
[ "$(jq -r '"\(.active_slave) \(.slaves.eth0.mii_status) \(.slaves.eth0.link_failure_count)"' "$T/bond0.tel")" = "eth1 down 1" ] ||
	fail "after eth0's link went down: $(jq -c . "$T/bond0.tel")"
ok "a failover is followed: eth1 active, eth0 down with one link failure, as show bonding says"

tel /dpbond/bond,nosuch /dpbond/lacp,bond0 /dpbond/bridge /dpbond/stats,vmbr0 > "$T/bad"
[ "$(jq -r '.[].error' "$T/bad" | paste -sd'|')" = \
  "no bond named 'nosuch'|no 802.3ad bond named 'bond0'|/dpbond/bridge needs a name: /dpbond/bridge,NAME|no port or bond named 'vmbr0'" ] ||
	fail "bad requests: $(cat "$T/bad")"
"$CTL" --socket "$SOCK" show bonding bond1 > /dev/null || fail "dpbond stopped answering after the bad requests"
ok "an unknown bond, a bond without LACP, a missing name, a bridge as a port: each answered with an error; dpbond carries on"
"$CTL" --socket "$SOCK" quit > /dev/null
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "mbufs were lost"
