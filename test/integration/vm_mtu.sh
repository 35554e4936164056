#!/bin/bash
# A real QEMU guest on a VM port that negotiates its own MTU, as Proxmox's
# mtu= option and QEMU's host_mtu give it (VIRTIO_NET_F_MTU): host_mtu=1400
# on a 1500-byte bridge. The guest's eth0 comes up with MTU 1400; dpbond
# sends it no longer frames. The bridge's host port (a TAP in a namespace,
# 198.51.100.1/24) pings the guest (198.51.100.50) with 1400-byte IP
# packets, which arrive, and with 1401-byte ones unfragmented, which dpbond
# counts tx-mtu on the VM port and never cuts.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns ping
needs_guest

NS=dpbt-vmm-$$
ip netns add "$NS"
ip -n "$NS" link set lo up
RUN=$T/run
cat > "$T/interfaces" <<CFG
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports none
    bridge-vhost-ports vm0
CFG
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts vmm) -- -c "$T/interfaces" --run-dir "$RUN" \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
[ -S "$RUN/vm0.sock" ] || fail "no socket $RUN/vm0.sock"

start_guest vm "$RUN/vm0.sock" 198.51.100.50/24 "mac=02:00:00:00:50:50,host_mtu=1400"
# The guest's console ends its lines with CR LF.
guest_said() { tr -d '\r' < "$T/vm.out" | matches -x -- "$1"; }
for _ in $(seq 900); do guest_said "vm: ready" && break; sleep 0.1; done
guest_said "vm: ready" ||
	fail "the guest did not come up: $(tail -20 "$T/vm.out" 2>/dev/null) $(cat "$T/vm.qemu")"
guest_said "vm: eth0 mtu 1400" || fail "the guest's eth0: $(grep 'vm:' "$T/vm.out")"
ok "the guest came up on dpbond's vhost-user socket with eth0 at MTU 1400 (host_mtu)"
# The device is ready (its link up) once the guest's driver has set it up.
for _ in $(seq 300); do grep -q "vm0: the VM negotiated MTU 1400" "$T/err" && break; sleep 0.1; done
grep -q "vm0: the VM negotiated MTU 1400: no longer frames go to it" "$T/err" ||
	fail "dpbond did not read the VM's MTU: $(grep vm0 "$T/err" "$T/err")"
console "show bridge vmbr0"
grep -q "^  port 0: vm0 (ethdev [0-9]*, up, the VM's MTU 1400)$" "$T/out" || fail "show bridge: $(grep 'port 0' "$T/out")"
ok "dpbond read the MTU the VM negotiated, and show bridge says it"

ip netns exec "$NS" ping -c 3 -i 0.2 -W 3 -M do -s 1372 198.51.100.50 > "$T/ping" 2>&1 ||
	fail "1400-byte pings did not pass: $(cat "$T/ping")"
ok "the host pings the guest with 1400-byte packets"
ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 -M do -s 1373 198.51.100.50 > "$T/ping" 2>&1 &&
	fail "1401-byte pings reached a guest with MTU 1400: $(cat "$T/ping")"
console "show drops"
grep -qE "^  vm0 +tx-mtu +3$" "$T/out" || fail "the 1401-byte pings were not counted tx-mtu on vm0: $(sed -n '/show drops/,$p' "$T/out")"
ok "1401-byte packets to the guest were counted tx-mtu on vm0, not cut"

kill "$GUEST_PID" 2>/dev/null || true
wait "$GUEST_PID" 2>/dev/null || true
# Down once at start (no VM yet), and again now.
for _ in $(seq 100); do [ "$(grep -c "vm0: link down" "$T/err")" -ge 2 ] && break; sleep 0.1; done
console "show bridge vmbr0"
grep -q "^  port 0: vm0 (ethdev [0-9]*, down)$" "$T/out" || fail "show bridge after the VM left: $(grep 'port 0' "$T/out" | tail -1)"
ok "the VM left: its port is down and its MTU forgotten"
quit_dpbond
