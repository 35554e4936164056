#!/bin/bash
# A Proxmox VM configuration through dpbond-pve, to a real guest on dpbond:
# `dpbond-pve 100 move` makes the one `qm set` that takes net0 (on dpbond's
# vmbr0) out of Proxmox's way into the description and gives the VM its
# vhost-user args (applied here as qemu-server writes the file: no Proxmox
# on this machine, see qm_apply.py); pre-start adds tap100i0 from the moved
# net; the test guest boots with the file's args (its memory a shared memfd
# node, a vhost-user chardev QEMU serves and dpbond's port connects to, the
# VM's MAC); the host port (a TAP in a namespace, 198.51.100.1/24) pings it;
# post-stop takes the port away once the guest is gone; `back` restores the
# net0 line, the description and the args as they were. Under software
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
#Test guest%3A busybox
args: -rtc base=utc
memory: 256
name: guest
net0: virtio=BC:24:11:00:00:50,bridge=vmbr0
ostype: l26
CFG
cp "$T/100.conf" "$T/100.orig"
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts pveg) -- -c "$T/interfaces" --run-dir "$RUN" \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
pve() { "$PVE" --conf "$T/100.conf" --run-dir "$RUN" --dpbondctl "$CTL" --socket "$RUN/dpbond.ctl" 100 "$@"; }

pve pre-start 2> "$T/pre.err" && fail "pre-start took a VM whose args do not plug it in"
pve --dry-run --hookscript local:snippets/dpbond-pve move > "$T/qm" || fail "move failed"
grep -q "^qm set 100 --delete net0 --description 'Test guest: busybox$" "$T/qm" &&
	grep -q "^dpbond net0: virtio=BC:24:11:00:00:50,bridge=vmbr0' --args '-rtc base=utc -object memory-backend-memfd,id=dpbond-mem,size=256M,share=on .*' --hookscript local:snippets/dpbond-pve\$" "$T/qm" ||
	fail "move's qm set: $(cat "$T/qm")"
python3 "$(dirname "$0")/qm_apply.py" "$T/100.conf" "$(cat "$T/qm")" || fail "applying $(cat "$T/qm")"
grep -q "^net0:" "$T/100.conf" && fail "net0 is still a netN line: $(cat "$T/100.conf")"
grep -qx "#dpbond net0%3A virtio=BC%3A24%3A11%3A00%3A00%3A50,bridge=vmbr0" "$T/100.conf" ||
	fail "the moved net0 as Proxmox writes it: $(cat "$T/100.conf")"
pve --dry-run move > "$T/qm2" 2> "$T/qm2.err" || fail "a second move failed"
grep -q -- "--delete" "$T/qm2" && fail "a second move deletes: $(cat "$T/qm2")"
grep -q " --args '-rtc base=utc -object memory-backend-memfd" "$T/qm2" || fail "a second move: $(cat "$T/qm2")"
ok "move: one qm set takes net0 out of Proxmox's way into the description, gives the args and the hookscript; again, it deletes nothing"

# The args as the file has them now: QEMU's, as Proxmox passes them.
mapfile -t args < <(sed -n 's/^args: //p' "$T/100.conf" | tr ' ' '\n')
[ "${#args[@]}" = 12 ] || fail "args: ${args[*]}"
pve pre-start || fail "pre-start failed"
# QEMU makes the socket; dpbond's port connects once it is there.
[ -e "$RUN/tap100i0.sock" ] && fail "a socket before QEMU: $(ls -l "$RUN")"
for i in "${!args[@]}"; do
	[[ ${args[$i]} == virtio-net-pci,* ]] && args[$i]+=",vectors=0"
done
start_guest_with vm 198.51.100.50/24 "${args[@]}"
guest_said() { tr -d '\r' < "$T/vm.out" | matches -x -- "$1"; }
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

pve --dry-run back > "$T/qm" || fail "back failed"
python3 "$(dirname "$0")/qm_apply.py" "$T/100.conf" "$(cat "$T/qm")" || fail "applying $(cat "$T/qm")"
diff "$T/100.conf" "$T/100.orig" > /dev/null ||
	fail "back did not restore the configuration: $(diff "$T/100.conf" "$T/100.orig")"
ok "back: net0, the description and the args as they were, dpbond-pve's hookscript gone"
quit_dpbond
