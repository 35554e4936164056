#!/bin/bash
# Fault storm: bond members flapped thousands of times at random intervals
# under traffic, through every mode, VM ports coming and going, an 802.3ad
# bond against a second dpbond as its partner (test/integration/storm.py
# drives it and says what it checks). All ports are TAPs in a namespace:
#   dpbond (core 0): vmbr0 = bond0 (eth0-eth2; balance-rr, then every mode
#     `set bonding mode` reaches) + tst0 + VM ports added and removed;
#     vmbr1 = bond1 (eth3, eth4; 802.3ad, fast) + tst1.
#   the partner (core 1): pvmbr = pbond (pe0, pe1; 802.3ad, fast) + ptst;
#     pe0 and pe1 cabled to eth3 and eth4 (tc mirred between the TAPs).
# DPBOND_STORM_SEED replays a run; DPBOND_STORM_FLAPS sets its length
# (default 2400). Afterwards both dpbonds quit with every mbuf back.
BUILD=$1
. "$(dirname "$0")/lib.sh"
needs_netns python3 tc
SEED=${DPBOND_STORM_SEED:-$(( $(date +%s%N) % 1000000007 ))}
FLAPS=${DPBOND_STORM_FLAPS:-2400}
echo "seed $SEED, $FLAPS flaps (replay: DPBOND_STORM_SEED=$SEED DPBOND_STORM_FLAPS=$FLAPS)"

NS=dpbt-storm-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
mkdir -p "$T/run"
cat > "$T/interfaces" <<'CFG'
iface eth0 inet manual
iface eth1 inet manual
iface eth2 inet manual
iface eth3 inet manual
iface eth4 inet manual
iface tst0 inet manual
iface tst1 inet manual

iface bond0 inet manual
    bond-slaves eth0 eth1 eth2
    bond-mode balance-rr
    bond-miimon 20
    bond-num-grat-arp 0

iface bond1 inet manual
    bond-slaves eth3 eth4
    bond-mode 802.3ad
    bond-miimon 20
    bond-lacp-rate fast
    bond-num-grat-arp 0

iface vmbr0 inet manual
    bridge-ports bond0 tst0
    bridge-ageing 3600

iface vmbr1 inet manual
    bridge-ports bond1 tst1
    bridge-ageing 3600
CFG
cat > "$T/peer.interfaces" <<'CFG'
iface pe0 inet manual
iface pe1 inet manual
iface ptst inet manual

iface pbond inet manual
    bond-slaves pe0 pe1
    bond-mode 802.3ad
    bond-miimon 20
    bond-lacp-rate fast
    bond-num-grat-arp 0
    bond-ad-actor-system 02:00:00:00:00:bb

iface pvmbr inet manual
    bridge-ports pbond ptst
    bridge-ageing 3600
CFG
ports=()
for i in 0 1 2 3 4; do ports+=(--port "eth$i=net_tap$i,iface=dpa$i"); done
mkfifo "$T/cmd" "$T/peer.cmd"
ip netns exec "$NS" "$DPBOND" -l 0 --no-huge --no-pci -m 256 --file-prefix "dpbt-storm-$$" \
	--log-level=lib.eal:warning -- -c "$T/interfaces" --no-host-ports --run-dir "$T/run" \
	"${ports[@]}" --port tst0=net_tap5,iface=dpt0 --port tst1=net_tap6,iface=dpt1 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
ip netns exec "$NS" "$DPBOND" -l 1 --no-huge --no-pci -m 256 --file-prefix "dpbt-stormp-$$" \
	--log-level=lib.eal:warning -- -c "$T/peer.interfaces" --no-host-ports --run-dir "$T/prun" \
	--port pe0=net_tap0,iface=dpp0 --port pe1=net_tap1,iface=dpp1 --port ptst=net_tap2,iface=dpq0 \
	-i < "$T/peer.cmd" > "$T/peer.out" 2> "$T/peer.err" &
PEER_PID=$!
EXTRA_PIDS+=("$PEER_PID")
exec 4> "$T/peer.cmd"
console "sleep 100"
printf 'echo peer-up\n' >&4
wait_line "$T/peer.out" peer-up 15 || fail "the partner dpbond did not start"$'\n'"$(cat "$T/peer.err")"
for i in 0 1 2 3 4 5 6; do [ $i -lt 5 ] && d=dpa$i || d=dpt$((i - 5)); ip -n "$NS" link set "$d" arp off; done
ip -n "$NS" link set dpq0 arp off
cable "$NS" dpa3 dpp0
cable "$NS" dpa4 dpp1
ok "dpbond and its 802.3ad partner run in $NS, bond1's members cabled to the partner's"

STORM_TESTPMD=$(command -v dpdk-testpmd || true) \
	ip netns exec "$NS" python3 "$(dirname "$0")/storm.py" "$T" "$SEED" "$FLAPS" ||
	fail "the storm failed (seed $SEED: DPBOND_STORM_SEED=$SEED DPBOND_STORM_FLAPS=$FLAPS replays it)"
kill -0 "$DPB_PID" || fail "dpbond is gone"
ok "dpbond survived $FLAPS flaps in every mode with the checks above (seed $SEED)"

quit_dpbond
printf 'quit\n' >&4
wait "$PEER_PID" || fail "the partner dpbond exited with an error"
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/peer.err" || fail "the partner lost mbufs"
ok "the partner quit with every mbuf back in the pool"
