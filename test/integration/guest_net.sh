#!/bin/bash
# A real guest behind dpbond's bond, through a member's loss: guest_net.sh
# BUILD MODE, MODE active-backup or 802.3ad.
#
#   guest (198.51.100.50) ── vm0 ─┐
#   host port vmbr0 (198.51.100.1) ┤ dpbond A, namespace H: bond0 (MODE)
#                                  │ over eth0 and eth1 (TAPs dpbm0, dpbm1)
#                 hv0/hv1 veths ───┘
#                        │ │
#   namespace P: dpbond B, the far end of both cables (TAPs dpbp0, dpbp1 on
#   pv0, pv1), its host port vmbr0 198.51.100.2 the "remote host": for
#   active-backup a plain bridge over both (a switch), for 802.3ad a bond
#   of its own (LACP, fast rate) under the bridge.
#
# Ping and TCP (busybox httpd in the guest, Python's in P) in both
# directions between the guest and both host ports; then, while the
# remote host pings the guest 20 times a second and fetches a file from
# it, the cable of the member carrying the traffic is pulled (both ends go
# link-down, as a real cable's do): the transfer ends whole, the pings lost
# are counted and bounded, and the bond says what it did. The cable back,
# traffic again.
BUILD=$1
MODE=$2
. "$(dirname "$0")/lib.sh"

needs_netns ping python3
needs_guest
case "$MODE" in active-backup | 802.3ad) ;; *) fail "usage: guest_net.sh BUILD active-backup|802.3ad" ;; esac

NS=dpbt-gn-h-$$ P=dpbt-gn-p-$$
EXTRA_NS=("$P")
for n in "$NS" "$P"; do
	ip netns add "$n"
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$n" link set lo up
done
for i in 0 1; do
	ip link add "hv$i-$$" netns "$NS" type veth peer name "pv$i-$$" netns "$P"
	ip -n "$NS" link set "hv$i-$$" name "hv$i"
	ip -n "$P" link set "pv$i-$$" name "pv$i"
	ip -n "$NS" link set "hv$i" arp off up
	ip -n "$P" link set "pv$i" arp off up
done

if [ "$MODE" = 802.3ad ]; then
	bond_opts="    bond-lacp-rate fast
    bond-xmit-hash-policy layer3+4"
else
	bond_opts="    bond-primary eth0"
fi
cat > "$T/interfaces" <<CFG
auto eth0
iface eth0 inet manual
auto eth1
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode $MODE
$bond_opts
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
    bridge-vhost-ports vm0
CFG
if [ "$MODE" = 802.3ad ]; then
	cat > "$T/partner" <<CFG
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode 802.3ad
    bond-lacp-rate fast
    bond-xmit-hash-policy layer3+4
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.2/24
    bridge-ports bond0
CFG
else
	cat > "$T/partner" <<CFG
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.2/24
    bridge-ports eth0 eth1
CFG
fi

RUN=$T/run RUNB=$T/runb
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts gna) -- -c "$T/interfaces" --run-dir "$RUN" \
	--port eth0=net_tap0,iface=dpbm0 --port eth1=net_tap1,iface=dpbm1 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
ip netns exec "$P" "$DPBOND" $(eal_opts gnb) -- -c "$T/partner" --run-dir "$RUNB" \
	--port eth0=net_tap0,iface=dpbp0 --port eth1=net_tap1,iface=dpbp1 \
	> "$T/b.out" 2> "$T/b.err" &
B_PID=$!
EXTRA_PIDS+=("$B_PID")
console "sleep 100"
for _ in $(seq 100); do [ -S "$RUNB/dpbond.ctl" ] && break; sleep 0.1; done
[ -S "$RUNB/dpbond.ctl" ] || fail "dpbond B did not start: $(cat "$T/b.err")"
b() { "$CTL" --socket "$RUNB/dpbond.ctl" "$@"; }
cable "$NS" dpbm0 hv0
cable "$NS" dpbm1 hv1
cable "$P" dpbp0 pv0
cable "$P" dpbp1 pv1

start_guest vm "$RUN/vm0.sock" 198.51.100.50/24 "mac=02:00:00:00:50:50"
guest_up vm
if [ "$MODE" = 802.3ad ]; then
	for _ in $(seq 100); do
		console "show bonding bond0"
		[ "$(bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" | grep -c 'Aggregator ID: 1$')" = 3 ] && break
		sleep 0.2
	done
	bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" > "$T/agg"
	[ "$(grep -c 'Aggregator ID: 1$' "$T/agg")" = 3 ] || fail "the bonds did not aggregate: $(cat "$T/agg")"
	ok "802.3ad: A's bond0 aggregated both members with dpbond B's bond0"
fi

# --- ping and TCP, both ways, with both host ports --------------------------
# The guest serves 2 MB of random bytes; P and H serve theirs with Python.
guest_run vm "mkdir -p /www && dd if=/dev/urandom of=/www/blob bs=1024 count=2048 2>/dev/null && httpd -p 80 -h /www && md5sum /www/blob" > "$T/gsum" ||
	fail "the guest's web server: $(cat "$T/gsum")"
gsum=$(awk '{ print $1 }' "$T/gsum")
for n in "$NS" "$P"; do
	mkdir -p "$T/www-$n"
	head -c 2097152 /dev/urandom > "$T/www-$n/blob"
	ip netns exec "$n" python3 -m http.server -b 0.0.0.0 -d "$T/www-$n" 8080 > "$T/http-$n.log" 2>&1 &
	EXTRA_PIDS+=("$!")
done
# fetch NS URL: prints the md5 of what a Python client in NS got from URL.
fetch() {
	ip netns exec "$1" python3 -c 'import hashlib, sys, urllib.request
print(hashlib.md5(urllib.request.urlopen(sys.argv[1], timeout=60).read()).hexdigest())' "$2"
}
for peer in "$NS 198.51.100.1 host port" "$P 198.51.100.2 remote host"; do
	set -- $peer
	n=$1 addr=$2 who="$3 $4"
	guest_run vm "ping -c 3 -W 3 $addr" > "$T/ping" || fail "the guest does not ping the $who: $(cat "$T/ping")"
	ip netns exec "$n" ping -c 3 -i 0.2 -W 3 198.51.100.50 > "$T/ping" 2>&1 || fail "the $who does not ping the guest: $(cat "$T/ping")"
	[ "$(fetch "$n" http://198.51.100.50/blob)" = "$gsum" ] || fail "the $who did not get the guest's file whole"
	sum=$(md5sum < "$T/www-$n/blob" | awk '{ print $1 }')
	for _ in $(seq 50); do ip netns exec "$n" ss -ltn | matches ':8080 ' && break; sleep 0.1; done
	guest_run vm "wget -q -O - http://$addr:8080/blob | md5sum" > "$T/wget" || fail "the guest's wget from the $who: $(cat "$T/wget")"
	[ "$(awk '{ print $1 }' "$T/wget")" = "$sum" ] || fail "the guest did not get the $who's file whole: $(cat "$T/wget")"
	ok "guest <-> $who ($addr): pings both ways, 2 MB over TCP both ways"
done

# --- the active member's cable pulled --------------------------------------
guest_run vm "dd if=/dev/urandom of=/www/big bs=1024 count=8192 2>/dev/null && md5sum /www/big" > "$T/bigsum" || fail "the guest's 8 MB file"
ip netns exec "$P" ping -i 0.05 -c 200 -W 1 198.51.100.50 > "$T/ping" 2>&1 &
PING=$!
EXTRA_PIDS+=("$PING")
fetch "$P" http://198.51.100.50/big > "$T/bigget" 2> "$T/bigget.err" &
FETCH=$!
EXTRA_PIDS+=("$FETCH")
# The member that carries the most of it (frames in and out over a second)
# is the one pulled: active-backup's active one; for 802.3ad, where the
# hashes put the streams. (That losing eth0, which names the aggregator,
# moves no other port is unit test lacp's test_first_port_lost.)
frames() { console "show port stats $1"; sed -n '/show port stats '"$1"'$/,/TX-packets/p' "$T/out" | awk '/RX-packets|TX-packets/ { n += $2 } END { print n }'; }
sleep 1
a0=$(frames eth0) a1=$(frames eth1)
sleep 0.8
b0=$(frames eth0) b1=$(frames eth1)
if [ $((b0 - a0)) -ge $((b1 - a1)) ]; then pull=eth0; else pull=eth1; fi
keep=eth$((1 - ${pull#eth}))
[ $((b0 - a0 + b1 - a1)) -gt 10 ] || fail "no traffic through the bond before the pull: eth0 $((b0 - a0)), eth1 $((b1 - a1)) frames"
if [ "$MODE" = active-backup ]; then
	console "show bonding bond0"
	[ "$(bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" | bond_field - "Currently Active Slave")" = "$pull" ] ||
		fail "the busy member $pull is not the active one"
fi
echo "before the pull, in 0.8 s: eth0 $((b0 - a0)) frames, eth1 $((b1 - a1)); pulling $pull"
console "set link-down port $pull"
b set link-down port "$pull" > /dev/null
sleep 2
console "show bonding bond0"
bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" > "$T/after"
wait "$FETCH" || fail "the transfer across the member's loss failed: $(cat "$T/bigget.err")"
[ "$(cat "$T/bigget")" = "$(awk '{ print $1 }' "$T/bigsum")" ] || fail "the 8 MB file came across the member's loss damaged"
wait "$PING" || true
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$T/ping")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping")
[ -n "$sent" ] && [ "$sent" -ge 190 ] || fail "ping: $(tail -3 "$T/ping")"
lost=$((sent - got))
echo "pings lost when $pull's cable was pulled ($MODE): $lost of $sent (one each 50 ms)"
[ "$(bond_field "$pull" "MII Status" < "$T/after")" = down ] && [ "$(bond_field "$keep" "MII Status" < "$T/after")" = up ] ||
	fail "after the pull: $(cat "$T/after")"
if [ "$MODE" = active-backup ]; then
	[ "$(bond_field - "Currently Active Slave" < "$T/after")" = "$keep" ] || fail "active-backup did not fail over: $(cat "$T/after")"
	# miimon 100: the loss is seen within 100 ms, the remote's switch learns
	# the guest's MAC on the new port from the first frame (the bond announces it).
	[ "$lost" -le 6 ] || fail "$lost of $sent pings lost across the failover (more than 300 ms)"
else
	grep -q "Number of ports: 1$" "$T/after" || fail "802.3ad: the aggregator still counts both ports: $(cat "$T/after")"
	[ "$lost" -le 6 ] || fail "$lost of $sent pings lost across the member's loss (more than 300 ms)"
fi
ok "$MODE: $pull's cable pulled under a 20/s ping and an 8 MB transfer: $lost pings lost, the file whole, $keep carries on"

# The far end first, as a cable's link comes up only once both ends are
# there: what the bond announces on it as it takes the member back (a
# fail-back to the primary) must find the switch's port up.
b set link-up port "$pull" > /dev/null
console "set link-up port $pull"
for _ in $(seq 50); do
	console "show bonding bond0"
	bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" > "$T/back"
	[ "$(bond_field "$pull" "MII Status" < "$T/back")" = up ] && break
	sleep 0.2
done
[ "$(bond_field "$pull" "MII Status" < "$T/back")" = up ] || fail "$pull did not come back: $(cat "$T/back")"
ip netns exec "$P" ping -c 5 -i 0.2 -W 3 198.51.100.50 > "$T/ping" 2>&1 || fail "no ping after the cable came back: $(cat "$T/ping")"
[ "$(fetch "$P" http://198.51.100.50/blob)" = "$gsum" ] || fail "no transfer after the cable came back"
ok "$pull's cable back: up again, pings and a transfer pass"

stop_pid "$GUEST_PID"
stop_pid "$B_PID"
quit_dpbond
