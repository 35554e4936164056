#!/bin/bash
# Two real guests on one VLAN-aware bridge at MTU 9000, one of them rebooted.
#
#   guest a (198.51.100.50) on vm0:tag=10 — Proxmox's tag=10: the guest
#     sends and gets untagged frames, the bridge keeps them in VLAN 10;
#   guest b (198.51.100.51 on its eth0.10) on vm1:trunks=10 — VLAN 10
#     tagged to the guest, and its untagged frames in VLAN 1 (pvid), where
#     it has 203.0.113.51;
#   host VLAN interface vmbr0.10 198.51.100.1, host port vmbr0 203.0.113.1.
# Both guests negotiate MTU 9000 (host_mtu). They exchange 9000-byte IP
# packets and a 4 MB file over TCP at that MTU. The host's TAPs run 1500
# (DPDK 22.11's net_tap takes no longer frames): TCP to them works (the MSS
# says so), and a 9000-byte ping towards them is counted tx-mtu, never cut.
# Guest b reboots (`reboot -f`): its port goes down and up, and it is
# reachable again, by ping and TCP.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns ping python3
needs_guest

NS=dpbt-gl-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
RUN=$T/run
cat > "$T/interfaces" <<CFG
auto vmbr0
iface vmbr0 inet static
    address 203.0.113.1/24
    bridge-ports none
    bridge-vlan-aware yes
    bridge-vids 2-4094
    bridge-vhost-ports vm0:tag=10 vm1:trunks=10
    mtu 9000
auto vmbr0.10
iface vmbr0.10 inet static
    address 198.51.100.1/24
CFG
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts gl) -- -c "$T/interfaces" --run-dir "$RUN" \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"

start_guest a "$RUN/vm0.sock" 198.51.100.50/24 "mac=02:00:00:00:50:50,host_mtu=9000"
A_PID=$GUEST_PID
GUEST_APPEND="guest_vlan=10" GUEST_NO_REBOOT="" \
	start_guest b "$RUN/vm1.sock" 198.51.100.51/24 "mac=02:00:00:00:50:51,host_mtu=9000"
B_PID=$GUEST_PID
guest_up a
guest_up b
tr -d '\r' < "$T/a.out" | matches -x "vm: eth0 mtu 9000" && tr -d '\r' < "$T/b.out" | matches -x "vm: eth0 mtu 9000" ||
	fail "the guests' MTU: $(grep -h 'vm: eth0' "$T/a.out" "$T/b.out")"
guest_run b "ip addr add 203.0.113.51/24 dev eth0" > /dev/null || fail "guest b's untagged address"
for vm in vm0 vm1; do
	for _ in $(seq 300); do grep -q "$vm: the VM negotiated MTU 9000" "$T/err" && break; sleep 0.1; done
	grep -q "$vm: the VM negotiated MTU 9000" "$T/err" || fail "dpbond did not see $vm's MTU 9000"
done
ok "two guests up at MTU 9000: a on vm0 (tag 10), b on vm1 (trunks 10, its eth0.10)"

# --- guest to guest, in VLAN 10, at 9000 bytes ------------------------------
guest_run a "ping -c 3 -W 3 -s 8972 198.51.100.51" > "$T/ping" || fail "9000-byte pings a -> b: $(cat "$T/ping")"
guest_run b "ping -c 3 -W 3 -s 8972 198.51.100.50" > "$T/ping" || fail "9000-byte pings b -> a: $(cat "$T/ping")"
guest_run a "mkdir -p /www && dd if=/dev/urandom of=/www/blob bs=1024 count=4096 2>/dev/null && httpd -p 80 -h /www && md5sum /www/blob" > "$T/asum" ||
	fail "guest a's web server: $(cat "$T/asum")"
guest_run b "wget -q -O - http://198.51.100.50/blob | md5sum" > "$T/bsum" || fail "b's wget from a: $(cat "$T/bsum")"
[ "$(awk '{ print $1 }' "$T/bsum")" = "$(awk '{ print $1 }' "$T/asum")" ] || fail "b got a's file damaged"
console "show port stats vm1"
big=$(sed -n '/show port stats vm1$/,/TX-packets/p' "$T/out" | awk '/TX-packets/ { print $2, $4 }')
set -- $big
# 4 MB in frames of up to 9014 bytes: far fewer than 1500-byte frames would take.
[ -n "${1:-}" ] && [ "$1" -gt 0 ] && [ $(( $2 / $1 )) -gt 4000 ] || fail "the transfer did not use jumbo frames: $big"
ok "a <-> b in VLAN 10: 9000-byte pings both ways, 4 MB over TCP in frames of $(( $2 / $1 )) bytes on average"

# VLAN 1 (b's untagged side) does not reach a; b reaches the host port there.
guest_run b "ping -c 2 -W 3 203.0.113.1" > "$T/ping" || fail "b -> host port in VLAN 1: $(cat "$T/ping")"
guest_run a "ip addr add 203.0.113.50/24 dev eth0 && ping -c 2 -W 1 203.0.113.51" > "$T/ping" &&
	fail "a (tag 10) reached b's VLAN 1 address: $(cat "$T/ping")"
ok "b's untagged frames stay in VLAN 1 (host port reached), where a (tag 10) reaches nothing"

# --- the host's 1500-byte TAPs ----------------------------------------------
ip netns exec "$NS" ping -c 3 -i 0.2 -W 3 198.51.100.50 > "$T/ping" 2>&1 || fail "host vmbr0.10 -> a: $(cat "$T/ping")"
mkdir -p "$T/www"
head -c 2097152 /dev/urandom > "$T/www/blob"
ip netns exec "$NS" python3 -m http.server -b 198.51.100.1 -d "$T/www" 8080 > "$T/http.log" 2>&1 &
EXTRA_PIDS+=("$!")
for _ in $(seq 50); do ip netns exec "$NS" ss -ltn | matches ':8080 ' && break; sleep 0.1; done
guest_run a "wget -q -O - http://198.51.100.1:8080/blob | md5sum" > "$T/hsum" || fail "a's wget from the host: $(cat "$T/hsum")"
[ "$(awk '{ print $1 }' "$T/hsum")" = "$(md5sum < "$T/www/blob" | awk '{ print $1 }')" ] || fail "a got the host's file damaged"
console "show drops"
before=$(awk '$1 == "vmbr0.10" && $2 == "tx-mtu" { print $3 }' "$T/out" | tail -1)
guest_run a "ping -c 3 -W 1 -s 8972 198.51.100.1" > "$T/ping" && fail "9000-byte pings reached a 1500-byte TAP: $(cat "$T/ping")"
console "show drops"
after=$(awk '$1 == "vmbr0.10" && $2 == "tx-mtu" { print $3 }' "$T/out" | tail -1)
[ "$(( ${after:-0} - ${before:-0} ))" = 3 ] || fail "9000-byte frames to vmbr0.10 not counted tx-mtu: $(sed -n '/show drops/,$p' "$T/out" | tail -12)"
ok "host vmbr0.10 at 1500: pings and 2 MB over TCP with guest a; 9000-byte frames to it counted tx-mtu (3)"

# --- guest b reboots ---------------------------------------------------------
downs=$(grep -c "vm1: link down" "$T/err")
guest_run b "reboot -f" 5 > /dev/null 2>&1 || true
for _ in $(seq 900); do [ "$(tr -d '\r' < "$T/b.out" | grep -cx 'vm: ready')" -ge 2 ] && break; sleep 0.1; done
[ "$(tr -d '\r' < "$T/b.out" | grep -cx 'vm: ready')" -ge 2 ] || fail "guest b did not come back: $(tail -20 "$T/b.out")"
kill -0 "$B_PID" || fail "QEMU b ended instead of rebooting"
[ "$(grep -c "vm1: link down" "$T/err")" -gt "$downs" ] || fail "dpbond did not see vm1 go down"
for _ in $(seq 300); do [ "$(grep -c "vm1: link up" "$T/err")" -ge 2 ] && break; sleep 0.1; done
guest_run b "ping -c 3 -W 3 -s 8972 198.51.100.50" > "$T/ping" || fail "after the reboot, b -> a: $(cat "$T/ping")"
guest_run b "wget -q -O - http://198.51.100.50/blob | md5sum" > "$T/bsum" || fail "after the reboot, b's wget: $(cat "$T/bsum")"
[ "$(awk '{ print $1 }' "$T/bsum")" = "$(awk '{ print $1 }' "$T/asum")" ] || fail "after the reboot b got a's file damaged"
console "show bridge vmbr0"
grep -q "^  port [0-9]*: vm1 (ethdev [0-9]*, up, the VM's MTU 9000)" "$T/out" || fail "vm1 after the reboot: $(grep 'vm1' "$T/out" | tail -2)"
ok "guest b rebooted: vm1 went down and up, MTU 9000 again, 9000-byte pings and TCP with a"

stop_pid "$A_PID"
stop_pid "$B_PID"
quit_dpbond
