#!/bin/bash
# The QEMU arguments dpbond-pve makes from a Proxmox VM configuration boot a
# real guest on the VM port its hookscript phase made: pre-start adds
# tap100i0 to vmbr0, the test guest starts with `dpbond-pve 100 args` (its
# memory a shared memfd node, a vhost-user chardev QEMU serves and dpbond's
# port connects to, the VM's MAC), the host port (a TAP in a namespace, 198.51.100.1/24) pings it, and
# post-stop takes the port away once the guest is gone. Under software
# emulation Debian 12's QEMU 7.2 needs the NIC without MSI-X (vectors=0,
# see lib.sh's start_guest): the test adds that to the generated device.
BUILD=$1
. "$(dirname "$0")/lib.sh"
needs_netns ping
needs_guest
PVE="$BUILD/app/dpbond-pve/dpbond-pve"

NS=dpbt-pveg-$$
ip netns add "$NS"
ip -n "$NS" link set lo up
RUN=$T/run
cat > "$T/interfaces" <<'CFG'
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports none
CFG
cat > "$T/100.conf" <<'CFG'
memory: 256
name: guest
net0: virtio=BC:24:11:00:00:50,bridge=vmbr0
ostype: l26
CFG
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts pveg) -- -c "$T/interfaces" --run-dir "$RUN" \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
pve() { "$PVE" --conf "$T/100.conf" --run-dir "$RUN" --dpbondctl "$CTL" --socket "$RUN/dpbond.ctl" 100 "$@"; }

# As `qm set 100 --args "$(dpbond-pve 100 args | paste -sd' ')"` would.
mapfile -t args < <(pve args)
[ "${#args[@]}" = 10 ] || fail "args: ${args[*]}"
echo "args: ${args[*]}" >> "$T/100.conf"
pve pre-start || fail "pre-start failed"
# QEMU makes the socket; dpbond's port connects once it is there.
[ -e "$RUN/tap100i0.sock" ] && fail "a socket before QEMU: $(ls -l "$RUN")"
for i in "${!args[@]}"; do
	[[ ${args[$i]} == virtio-net-pci,* ]] && args[$i]+=",vectors=0"
done
start_guest_with vm 198.51.100.50/24 "${args[@]}"
guest_said() { tr -d '\r' < "$T/vm.out" | grep -qx -- "$1"; }
for _ in $(seq 900); do guest_said "vm: ready" && break; sleep 0.1; done
guest_said "vm: ready" ||
	fail "the guest did not come up: $(tail -20 "$T/vm.out" 2>/dev/null) $(cat "$T/vm.qemu")"
ok "a guest booted with dpbond-pve's arguments for VM 100 (${args[*]})"

ip netns exec "$NS" ping -c 3 -i 0.2 -W 3 198.51.100.50 > "$T/ping" 2>&1 ||
	fail "the host cannot ping the guest: $(cat "$T/ping")"
console "show bridge vmbr0"
grep -q "^bc:24:11:00:00:50 dev tap100i0 master vmbr0" "$T/out" ||
	fail "vmbr0 did not learn the VM's MAC on tap100i0: $(sed -n '/show bridge/,$p' "$T/out")"
ok "the host port pings the guest through tap100i0, where vmbr0 learned the VM's MAC (net0's macaddr)"

stop_pid "$GUEST_PID"
pve post-stop || fail "post-stop failed"
"$CTL" --socket "$RUN/dpbond.ctl" show bridge vmbr0 > "$T/br" || fail "show bridge failed"
grep -q "tap100i0" "$T/br" && fail "tap100i0 is still in vmbr0: $(cat "$T/br")"
[ -e "$RUN/tap100i0.sock" ] && fail "QEMU left tap100i0's socket behind"
ok "the guest stopped (QEMU took its socket away); post-stop took its port away"
quit_dpbond
