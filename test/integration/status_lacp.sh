#!/bin/bash
# --status-dir for an 802.3ad bond with a real partner (a second dpbond,
# cabled over TAPs in a namespace, as the storm test does): the files
# status_dir does not reach hold Linux's exact contents with this run's
# values, each held against `show bonding` / `show lacp` of the same run:
# ad_select, min_links, ad_aggregator, ad_num_ports, ad_partner_mac; the
# members' queue_id, ad_aggregator_id, ad_actor_oper_port_state,
# ad_partner_oper_port_state; each interface's address; and every
# statistics file after a known number of frames, against
# `show port stats NAME json`: frames a bond could not send (no member
# transmits) are its tx_dropped, as Linux's, frames received and not
# forwarded rx_dropped.
#   dpbond (core 0): vmbr0 = bond1 (eth0, eth1; 802.3ad) + tst0.
#   the partner (core 1): pvmbr = pbond (pe0, pe1; 802.3ad, system 02:00:00:00:00:bb).
BUILD=$1
. "$(dirname "$0")/lib.sh"
needs_netns tc jq
SOCK=$T/ctl.sock PSOCK=$T/peer.sock ST=$T/status
sys=$ST/sys/class/net

NS=dpbt-stlacp-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
cat > "$T/interfaces" <<'CFG'
iface eth0 inet manual
iface eth1 inet manual
iface tst0 inet manual
iface bond1 inet manual
    bond-slaves eth0 eth1
    bond-mode 802.3ad
    bond-miimon 50
    bond-xmit-hash-policy layer2
iface vmbr0 inet manual
    bridge-ports bond1 tst0
CFG
cat > "$T/peer.interfaces" <<'CFG'
iface pe0 inet manual
iface pe1 inet manual
iface pbond inet manual
    bond-slaves pe0 pe1
    bond-mode 802.3ad
    bond-miimon 50
    bond-ad-actor-system 02:00:00:00:00:bb
iface pvmbr inet manual
    bridge-ports pbond
CFG
ip netns exec "$NS" "$DPBOND" $(eal_opts stlacp) -- -c "$T/interfaces" --no-host-ports \
	--run-dir "$T/run" --ctl-socket "$SOCK" --status-dir "$ST" \
	--port eth0=net_tap0,iface=dpa0,mac=02:00:00:00:01:00 \
	--port eth1=net_tap1,iface=dpa1,mac=02:00:00:00:01:01 \
	--port tst0=net_tap2,iface=dpt0,mac=02:00:00:00:01:05 > "$T/out" 2> "$T/err" &
DPB_PID=$!
ip netns exec "$NS" "$DPBOND" -l 1 --no-huge --no-pci -m 256 --file-prefix "dpbt-stlacpp-$$" \
	--log-level=lib.eal:warning -- -c "$T/peer.interfaces" --no-host-ports --run-dir "$T/prun" \
	--ctl-socket "$PSOCK" --port pe0=net_tap0,iface=dpp0 --port pe1=net_tap1,iface=dpp1 \
	> "$T/peer.out" 2> "$T/peer.err" &
PEER_PID=$!
EXTRA_PIDS+=("$PEER_PID")
taps_up() { local d; for d in dpa0 dpa1 dpt0 dpp0 dpp1; do ip -n "$NS" link show "$d" > /dev/null 2>&1 || return 1; done; }
for _ in $(seq 150); do [ -S "$SOCK" ] && [ -S "$PSOCK" ] && taps_up && break; sleep 0.1; done
[ -S "$SOCK" ] && [ -S "$PSOCK" ] && taps_up || fail "no control sockets or TAPs: $(cat "$T/peer.err")"
# (IPv6 is off for every new device of the namespace: the kernel sends nothing on the TAPs)
for d in dpa0 dpa1 dpt0 dpp0 dpp1; do ip -n "$NS" link set "$d" arp off; done
cable "$NS" dpa0 dpp0
cable "$NS" dpa1 dpp1
ctl() { "$CTL" --socket "$SOCK" "$@"; }

# Both members in one aggregator with the partner, collecting and distributing.
for _ in $(seq 150); do
	[ "$(cat "$sys/bond1/bonding/ad_num_ports" 2>/dev/null)" = 2 ] &&
		[ "$(ctl show lacp bond1 | grep -c 'mux COLLECTING_DISTRIBUTING')" = 2 ] && break
	sleep 0.1
done
ctl show bonding bond1 > "$T/bond1.txt"
ctl show lacp bond1 > "$T/lacp.txt"
grep -q "Partner Mac Address: 02:00:00:00:00:bb" "$T/bond1.txt" &&
	[ "$(grep -c 'mux COLLECTING_DISTRIBUTING' "$T/lacp.txt")" = 2 ] ||
	fail "LACP did not form with the partner in 15 s: $(cat "$T/bond1.txt" "$T/lacp.txt")"
ok "bond1 and its partner formed one aggregator of 2 ports"

expect() {  # expect FILE CONTENT (with its newline, as the kernel's)
	[ "$(od -c < "$sys/$1")" = "$(printf '%s' "$2" | od -c)" ] || fail "$1: '$(cat "$sys/$1")', not '$2'"
}
field() { awk -F': ' -v k="$1" '$1 == k { print $2; exit }'; }   # field KEY < show bonding's text
# show bonding's "Active Aggregator Info" block, and each member's "Aggregator ID".
agg=$(sed -n '/^Active Aggregator Info:/,/^$/p' "$T/bond1.txt" | sed 's/^\t//' | field "Aggregator ID")
[ -n "$agg" ] && [ "$agg" -gt 0 ] || fail "show bonding has no active aggregator: $(cat "$T/bond1.txt")"
expect bond1/bonding/mode $'802.3ad 4\n'
expect bond1/bonding/ad_select $'stable 0\n'
[ "$(field "Aggregator selection policy (ad_select)" < "$T/bond1.txt")" = stable ] || fail "show bonding's ad_select"
expect bond1/bonding/min_links $'0\n'
expect bond1/bonding/lacp_rate $'slow 0\n'
expect bond1/bonding/xmit_hash_policy $'layer2 0\n'
expect bond1/bonding/ad_aggregator "$agg"$'\n'
expect bond1/bonding/ad_num_ports $'2\n'
[ "$(sed -n '/^Active Aggregator Info:/,/^$/p' "$T/bond1.txt" | sed 's/^\t//' | field "Number of ports")" = 2 ] ||
	fail "show bonding's Number of ports"
expect bond1/bonding/ad_partner_mac $'02:00:00:00:00:bb\n'
expect bond1/bonding/active_slave ''
expect bond1/bonding/primary ''
expect bond1/bonding/mii_status $'up\n'
expect bonding_masters $'bond1\n'
bond_mac=$(field "MAC address" < "$T/bond1.txt")
[ "$bond_mac" = 02:00:00:00:01:00 ] || fail "bond1's MAC: '$bond_mac', not its first member's"
expect bond1/address "$bond_mac"$'\n'
for m in eth0 eth1; do
	blk=$(awk -v m="$m" '/^Slave Interface: / { s = ($3 == m) } s' "$T/bond1.txt")
	mid=$(field "Aggregator ID" <<< "$blk")
	[ "$mid" = "$agg" ] || fail "$m: Aggregator ID $mid in show bonding, not the active $agg"
	# show lacp: "  eth0: rx ..., aggregator N, actor state A, partner state P"
	read -r lagg actor partner < <(sed -n "s/^  $m: .*aggregator \([0-9]*\), actor state \([0-9]*\), partner state \([0-9]*\)$/\1 \2 \3/p" "$T/lacp.txt")
	[ "$lagg" = "$agg" ] || fail "$m: aggregator $lagg in show lacp"
	# 61: activity, aggregation, synchronization, collecting, distributing; long timeout (slow)
	[ "$actor $partner" = "61 61" ] || fail "$m's port states in show lacp: actor $actor, partner $partner"
	expect "$m/bonding_slave/ad_aggregator_id" "$agg"$'\n'
	expect "$m/bonding_slave/ad_actor_oper_port_state" "$actor"$'\n'
	expect "$m/bonding_slave/ad_partner_oper_port_state" "$partner"$'\n'
	[ "$(field "Slave queue ID" <<< "$blk")" = 0 ] || fail "$m: show bonding's Slave queue ID"
	expect "$m/bonding_slave/queue_id" $'0\n'
	expect "$m/bonding_slave/state" $'active\n'
	expect "$m/bonding_slave/mii_status" $'up\n'
	# as Linux's: a member takes its bond's address, and keeps its own as perm_hwaddr
	expect "$m/address" "$bond_mac"$'\n'
	expect "$m/bonding_slave/perm_hwaddr" "$(field "Permanent HW addr" <<< "$blk")"$'\n'
done
expect eth1/bonding_slave/perm_hwaddr $'02:00:00:00:01:01\n'
expect tst0/address $'02:00:00:00:01:05\n'
ok "802.3ad files as Linux's: ad_select, min_links, ad_aggregator $agg, ad_num_ports 2, ad_partner_mac, each member's aggregator, port states 61/61, queue_id, address"

# Statistics against `show port stats NAME json`: what the file says is
# what the console says, the drops split by side (tx-* reasons: tx_dropped).
# Counters move (LACPDUs; the files are refreshed each second): asked again until they agree.
stats_of() {  # the six files of $1, in one line
	local f
	for f in rx_packets tx_packets rx_bytes tx_bytes rx_dropped tx_dropped; do
		printf '%s ' "$(cat "$sys/$1/statistics/$f")"
	done
	echo
}
json_stats() {
	ctl show port stats "$1" json | jq -j '
		[.rx_packets, .tx_packets, .rx_bytes, .tx_bytes,
		 (.drops | to_entries | map(select(.key | startswith("tx-") | not) | .value) | add),
		 (.drops | to_entries | map(select(.key | startswith("tx-")) | .value) | add)] | map("\(.) ") | add'
}
stats_agree() {  # stats_agree NAME WANT: files = console (= WANT, when given)
	local i
	for i in $(seq 40); do
		[ "$(stats_of "$1")" = "$(json_stats "$1")" ] && { [ -z "${2:-}" ] || [ "$(stats_of "$1")" = "$2" ]; } && return 0
		sleep 0.1
	done
	fail "$1's statistics files '$(stats_of "$1")', show port stats json '$(json_stats "$1")'${2:+, wanted '$2'}"
}
N=40 SIZE=100
ip netns exec "$NS" "$PCAP" send dpt0 --count $N --src 02:00:00:00:02:aa --dst 02:00:00:00:02:bb --size $SIZE > /dev/null ||
	fail "could not send on dpt0"
# tst0: the frames in, nothing out (the partner forwards nothing back); flooded out on bond1.
stats_agree tst0 "$N 0 $((N * SIZE)) 0 0 0 "
stats_agree eth0
stats_agree eth1
stats_agree bond1
read -r _ tx _ txb _ txd < <(stats_of bond1)
[ "$tx" -ge $N ] && [ "$txb" -ge $((N * SIZE)) ] && [ "$txd" = 0 ] || fail "bond1 sent $tx frames, $txb bytes, $txd dropped"
ok "statistics/{rx,tx}_{packets,bytes,dropped} as show port stats says: tst0 received $N frames ($((N * SIZE)) bytes), bond1 sent them"

# No member transmits: the frames flooded to bond1 are its tx_dropped (tx-no-slave), as Linux's.
ctl set link-down port eth0 > /dev/null
ctl set link-down port eth1 > /dev/null
for _ in $(seq 50); do [ "$(cat "$sys/bond1/bonding/mii_status")" = down ] && break; sleep 0.02; done
expect bond1/bonding/mii_status $'down\n'
expect bond1/operstate $'down\n'
# The counts before are read only now: eth0's loss alone makes bond1 announce
# the MAC learned on tst0 (a RARP, at the next tick), sent on eth1 or, when
# eth1 went down first, counted tx-no-slave as well.
sleep 0.3
stats_agree bond1
read -r _ _ _ _ rxd0 txd0 < <(stats_of bond1)
nsl0=$(ctl show port stats bond1 json | jq '.drops."tx-no-slave"')
ip netns exec "$NS" "$PCAP" send dpt0 --count $N --src 02:00:00:00:02:aa --dst 02:00:00:00:02:bb --size $SIZE > /dev/null ||
	fail "could not send on dpt0"
# and frames to a MAC learned on tst0 (the first ones' source) dropped as they came in: tst0's rx_dropped (same-port).
ip netns exec "$NS" "$PCAP" send dpt0 --count $N --src 02:00:00:00:02:cc --dst 02:00:00:00:02:aa --size $SIZE > /dev/null ||
	fail "could not send on dpt0"
stats_agree tst0 "$((3 * N)) 0 $((3 * N * SIZE)) 0 $N 0 "
[ "$(ctl show port stats tst0 json | jq '.drops."same-port"')" = $N ] || fail "show port stats tst0: $(ctl show port stats tst0 json)"
stats_agree bond1
read -r _ _ _ _ rxd txd < <(stats_of bond1)
[ "$txd" = $((txd0 + N)) ] && [ "$(ctl show port stats bond1 json | jq '.drops."tx-no-slave"')" = $((nsl0 + N)) ] ||
	fail "bond1's tx_dropped $txd, not $txd0 + $N: $(ctl show port stats bond1 json)"
ok "with no member up, bond1's tx_dropped counts the $N frames it could not send (tx-no-slave; rx_dropped $rxd0 -> $rxd), tst0's rx_dropped the $N it did not forward (same-port)"

ctl quit > /dev/null
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
"$CTL" --socket "$PSOCK" quit > /dev/null
wait "$PEER_PID" || fail "the partner dpbond exited with an error"
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" && grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/peer.err" ||
	fail "mbufs were lost"
[ ! -e "$sys/bond1" ] || fail "bond1's files left after dpbond stopped"
ok "both dpbonds quit with every mbuf back; the status files are gone"
