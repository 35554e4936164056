#!/bin/bash
# A restart without an outage: `quit handover`, then a new dpbond.
#
# dpbond in namespace H (switched_host): bond0 (active-backup) over TAPs
# cabled to a switch, vmbr0's host port 198.51.100.1/24 with a default
# route via the remote host 198.51.100.2, and two real guests, one for each
# way of holding a vhost-user socket:
#   vm  (198.51.100.50) on the file's VM port vm0: dpbond serves the socket,
#       QEMU reconnects to it (reconnect=1);
#   vmc (198.51.100.51) on VM port vm1, added at run time as dpbond-pve adds
#       one (`add bridge port vmbr0 vhost vm1:client`): QEMU serves the
#       socket (server=on), dpbond connects to it.
# The remote host pings the host port and both guests 100 times a second
# while dpbond quits with `quit handover` and a new dpbond starts on the
# same file:
#   - in between, vmbr0 stays: the same interface (index, MAC), up, with its
#     address and default route; the next dpbond takes it over;
#   - the next dpbond adds vm1 again (RUN_DIR/vm-ports);
#   - the pings lost say how long each was cut off (printed; bounded);
#   - the guests' links come back by themselves, and TCP works again;
#   - a plain `quit` afterwards removes vmbr0.
# (The members' TAPs stand for NICs: they are made anew, with the same MACs,
# and cabled again.)
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns ping python3 jq
needs_guest
switched_host rs
RUN=$T/run
cat > "$T/interfaces" <<CFG
auto eth0
iface eth0 inet manual
auto eth1
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup
    bond-primary eth0
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    gateway 198.51.100.2
    bridge-ports bond0
    bridge-vhost-ports vm0
    post-up echo up >> $T/hooks.log
    post-down echo down >> $T/hooks.log
CFG

# start_dpbond: a dpbond on the file, its console on fd 3 (output appended
# to $T/out, $T/err), its member TAPs cabled; waits until it answers.
start_dpbond() {
	rm -f "$T/cmd"
	mkfifo "$T/cmd"
	ip netns exec "$NS" "$DPBOND" $(eal_opts rs) -- -c "$T/interfaces" --run-dir "$RUN" \
		--port eth0=net_tap0,iface=dpbm0,mac=02:00:00:00:0a:00 \
		--port eth1=net_tap1,iface=dpbm1,mac=02:00:00:00:0a:01 \
		-i < "$T/cmd" >> "$T/out" 2>> "$T/err" &
	DPB_PID=$!
	exec 3> "$T/cmd"
	console "sleep 10"
	# The veths' side of an old cable points at TAPs that are gone.
	ip netns exec "$NS" tc qdisc del dev hv0 ingress 2>/dev/null || true
	ip netns exec "$NS" tc qdisc del dev hv1 ingress 2>/dev/null || true
	cable "$NS" dpbm0 hv0
	cable "$NS" dpbm1 hv1
}
# link_state: vmbr0's index, MAC, addresses and the default route, in H
# (the route's "linkdown" aside: the TAP has no carrier between the two).
link_state() {
	ip -n "$NS" -j link show vmbr0 | jq -r '.[0] | "\(.ifindex) \(.address)"'
	ip -n "$NS" -j -4 addr show dev vmbr0 | jq -r '.[0].addr_info[] | "\(.local)/\(.prefixlen)"'
	ip -n "$NS" route show default | sed 's/ linkdown//'
}

start_dpbond
start_guest_with vm 198.51.100.50/24 \
	-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
	-chardev "socket,id=c0,path=$RUN/vm0.sock,reconnect=1" -netdev type=vhost-user,id=n0,chardev=c0 \
	-device "virtio-net-pci,netdev=n0,vectors=0,mac=02:00:00:00:50:50"
start_guest_with vmc 198.51.100.51/24 \
	-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
	-chardev "socket,id=c0,path=$RUN/vm1.sock,server=on,wait=off" -netdev type=vhost-user,id=n0,chardev=c0 \
	-device "virtio-net-pci,netdev=n0,vectors=0,mac=02:00:00:00:50:51"
for _ in $(seq 100); do [ -S "$RUN/vm1.sock" ] && break; sleep 0.1; done
console "add bridge port vmbr0 vhost vm1:client"
grep -q "vmbr0: VM port vm1 added (vhost-user client of $RUN/vm1.sock)" "$T/out" || fail "add vm1:client: $(tail -3 "$T/out")"
guest_up vm
guest_up vmc
for a in 50 51; do
	ip netns exec "$R" ping -c 3 -i 0.2 -W 3 198.51.100.$a > "$T/ping" 2>&1 || fail "no ping to 198.51.100.$a: $(cat "$T/ping")"
done
ip netns exec "$R" ping -c 3 -i 0.2 -W 3 198.51.100.1 > "$T/ping" 2>&1 || fail "no ping to the host port: $(cat "$T/ping")"
link_state > "$T/before"
grep -q "^default via 198.51.100.2 dev vmbr0" "$T/before" || fail "no default route: $(cat "$T/before")"
ok "dpbond runs: the guest and the host port answer the remote host; $(head -1 "$T/before" | awk '{ print "vmbr0 index " $1 ", MAC " $2 }')"

# 100 pings a second to each for 8 s; the handover 2 s in.
ip netns exec "$R" ping -i 0.01 -c 800 -W 1 198.51.100.1 > "$T/ping-host" 2>&1 &
P1=$!
ip netns exec "$R" ping -i 0.01 -c 800 -W 1 198.51.100.50 > "$T/ping-vm" 2>&1 &
P2=$!
ip netns exec "$R" ping -i 0.01 -c 800 -W 1 198.51.100.51 > "$T/ping-vmc" 2>&1 &
P3=$!
EXTRA_PIDS+=("$P1" "$P2" "$P3")
sleep 2
t0=$(date +%s%N)
cmd "quit handover"
wait "$DPB_PID" || fail "dpbond's handover exit failed"
t1=$(date +%s%N)
grep -q "handover: the host ports' TAPs are left" "$T/err" || fail "dpbond did not say it handed over"
link_state > "$T/between"
diff "$T/before" "$T/between" > /dev/null || fail "vmbr0 changed when dpbond handed over: $(diff "$T/before" "$T/between")"
start_dpbond
t2=$(date +%s%N)
grep -q "vmbr0: taking over the host port TAP left by the previous dpbond" "$T/err" || fail "the new dpbond did not take vmbr0 over"
grep -q "1 VM ports added at run time before this start are back" "$T/err" || fail "vm1 was not added again: $(grep vm1 "$T/err" | tail -3)"
[ "$(cat "$T/hooks.log")" = up ] || fail "hooks across the handover: $(cat "$T/hooks.log")"
link_state > "$T/after"
diff "$T/before" "$T/after" > /dev/null || fail "vmbr0 changed across the restart: $(diff "$T/before" "$T/after")"
ok "quit handover: vmbr0 stayed (index, MAC, address, default route) and the new dpbond took it over (its post-up ran once, no post-down) ($(( (t1 - t0) / 1000000 )) ms to exit, $(( (t2 - t1) / 1000000 )) ms to start)"

wait "$P1" || true
wait "$P2" || true
wait "$P3" || true
lost() { echo $(( $(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1") - $(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1") )); }
lh=$(lost "$T/ping-host") lv=$(lost "$T/ping-vm") lc=$(lost "$T/ping-vmc")
echo "restart: lost of 800 pings each, one each 10 ms: host port $lh (about $((lh * 10)) ms), guest on dpbond's socket $lv (about $((lv * 10)) ms), guest on QEMU's socket (dpbond the client) $lc (about $((lc * 10)) ms)"
[ "$lh" -le 100 ] || fail "the host port was cut off for about $((lh * 10)) ms (over a second)"
[ "$lc" -le 100 ] || fail "the guest on QEMU's socket was cut off for about $((lc * 10)) ms (over a second)"
# QEMU's client retries once a second: a second and a half at most.
[ "$lv" -le 300 ] || fail "the guest on dpbond's socket was cut off for about $((lv * 10)) ms (over three seconds)"
ok "across the restart: the host port cut off about $((lh * 10)) ms, the guest on QEMU's socket about $((lc * 10)) ms, the guest on dpbond's about $((lv * 10)) ms"

for _ in $(seq 50); do grep -q "vm0: link up" <(sed -n '/taking over/,$p' "$T/err") && break; sleep 0.1; done
mkdir -p "$T/www"
head -c 1048576 /dev/urandom > "$T/www/blob"
ip netns exec "$R" python3 -m http.server -b 198.51.100.2 -d "$T/www" 8080 > "$T/http.log" 2>&1 &
EXTRA_PIDS+=("$!")
for _ in $(seq 50); do ip netns exec "$R" ss -ltn | matches ':8080 ' && break; sleep 0.1; done
for g in vm vmc; do
	guest_run "$g" "wget -q -O - http://198.51.100.2:8080/blob | md5sum" > "$T/sum" || fail "$g's wget after the restart: $(cat "$T/sum")"
	[ "$(awk '{ print $1 }' "$T/sum")" = "$(md5sum < "$T/www/blob" | awk '{ print $1 }')" ] || fail "$g got the file damaged"
done
ok "both guests are back by themselves: 1 MB over TCP from the remote host each"

for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
quit_dpbond
ip -n "$NS" link show vmbr0 > /dev/null 2>&1 && fail "a plain quit left vmbr0"
[ "$(paste -sd' ' "$T/hooks.log")" = "up down" ] || fail "hooks at the end: $(cat "$T/hooks.log")"
ok "a plain quit removes vmbr0 and runs its post-down"
