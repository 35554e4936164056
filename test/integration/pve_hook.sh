#!/bin/bash
# dpbond-pve as a Proxmox VM's hookscript, against a VM configuration in
# Proxmox's format: pre-start adds a VM port for each net on one of
# dpbond's bridges (named tap<VMID>i<N> as Proxmox names its taps, with the
# net's tag or trunks), post-stop removes them; what a VM port cannot carry
# (the firewall) is said; an e1000 on dpbond's bridge refuses the start;
# `args` prints the QEMU arguments for the ports dpbond serves.
BUILD=$1
. "$(dirname "$0")/lib.sh"
PVE="$BUILD/app/dpbond-pve/dpbond-pve"
RUN=$T/run
cat > "$T/interfaces" <<'CFG'
auto vmbr0
iface vmbr0 inet manual
    bridge-ports eth0
    bridge-vlan-aware yes
    bridge-vids 2-4094

auto vmbr1
iface vmbr1 inet manual
    bridge-ports none
CFG
cat > "$T/100.conf" <<'CFG'
boot: order=scsi0;net0
memory: 2048
name: web
net0: virtio=BC:24:11:2D:7E:01,bridge=vmbr0,firewall=1,tag=20
net1: virtio=BC:24:11:2D:7E:02,bridge=vmbr1,mtu=9000
net2: virtio=BC:24:11:2D:7E:03,bridge=vmbr0,trunks=10;30-32
net3: e1000=BC:24:11:2D:7E:04,bridge=lxcbr0
numa: 0

[before-upgrade]
net4: virtio=BC:24:11:2D:7E:05,bridge=vmbr0
CFG
mkfifo "$T/cmd"
"$DPBOND" $(eal_opts pve) -- -c "$T/interfaces" --run-dir "$RUN" --port eth0=net_pcap0,tx_pcap=$T/eth0.pcap \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
# (options may follow the VMID: getopt_long permutes)
pve() { local id=$1; shift; "$PVE" --conf "$T/$id.conf" --run-dir "$RUN" --dpbondctl "$CTL" --socket "$RUN/dpbond.ctl" "$id" "$@"; }
ctl() { "$CTL" --socket "$RUN/dpbond.ctl" "$@"; }

# Not yet set up: its args do not plug it into dpbond, and net0's firewall is
# Proxmox's; dpbond unreachable: each refuses the start, adding nothing.
pve 100 --unfiltered pre-start > /dev/null 2> "$T/pre0.err" && fail "pre-start passed without args"
grep -q "error: 100: its args do not plug it into dpbond's VM ports .*: dpbond-pve 100 move$" "$T/pre0.err" ||
	fail "pre-start without args said: $(cat "$T/pre0.err")"
pve 100 args > "$T/args" 2> /dev/null || fail "args failed"
# (first: what follows the [snapshot] line is not what runs)
sed -i "1i args: $(paste -sd' ' "$T/args")" "$T/100.conf"
pve 100 pre-start > /dev/null 2> "$T/pre1.err" && fail "pre-start took net0's firewall=1"
grep -q "error: 100: net0: firewall=1: .*--unfiltered" "$T/pre1.err" || fail "pre-start with a firewall said: $(cat "$T/pre1.err")"
# dpbond unreachable: a VM with a net moved to dpbond (`move`) cannot start
# without it; one with none (never moved, or moved back) is not dpbond's.
{ echo "#dpbond net5%3A virtio=BC%3A24%3A11%3A2D%3A7E%3A06,bridge=vmbr1"; cat "$T/100.conf"; } > "$T/105.conf"
"$PVE" --conf "$T/105.conf" --run-dir "$RUN" --dpbondctl "$CTL" --socket "$T/nothere" --unfiltered 100 pre-start \
	> /dev/null 2> "$T/pre2.err" && fail "pre-start passed with dpbond unreachable"
grep -q "error: 100: dpbond cannot be asked which bridges are its own" "$T/pre2.err" || fail "pre-start unreachable said: $(cat "$T/pre2.err")"
"$PVE" --conf "$T/100.conf" --run-dir "$RUN" --dpbondctl "$CTL" --socket "$T/nothere" --unfiltered 100 pre-start \
	> /dev/null 2> "$T/pre3.err" || fail "pre-start of a VM with no net moved refused with dpbond unreachable: $(cat "$T/pre3.err")"
grep -q "100: dpbond does not answer, and no net of this VM was moved to it: nothing to do" "$T/pre3.err" || fail "pre-start unreachable said: $(cat "$T/pre3.err")"
ctl show bridge vmbr0 | matches "tap100i" && fail "a refused pre-start added ports"
ok "pre-start refused, adding nothing: without the args, with firewall=1, with a moved net and dpbond unreachable (each said); a VM with no net moved passes when dpbond does not answer"

pve 100 --unfiltered pre-start > "$T/pre.out" 2> "$T/pre.err" || fail "pre-start failed: $(cat "$T/pre.err")"
ctl show bridge vmbr0 > "$T/vmbr0"
ctl show bridge vmbr1 > "$T/vmbr1"
grep -q "^  port 1: tap100i0 " "$T/vmbr0" && grep -q "^  port 2: tap100i2 " "$T/vmbr0" &&
	grep -q "^  tap100i0 *20 PVID Egress Untagged$" "$T/vmbr0" &&
	grep -q "^  tap100i2 *1 PVID Egress Untagged, 10, 30-32$" "$T/vmbr0" &&
	grep -q "^  port 0: tap100i1 " "$T/vmbr1" || fail "after pre-start: $(cat "$T/vmbr0" "$T/vmbr1")"
# Clients of the sockets QEMU will serve, kept over a dpbond restart.
[ "$(sort "$RUN/vm-ports")" = "$(printf '%s\n' "vmbr0 tap100i0:tag=20,client" "vmbr0 tap100i2:trunks=10;30-32,client" "vmbr1 tap100i1:client" | sort)" ] ||
	fail "the VM ports kept in vm-ports: $(cat "$RUN/vm-ports")"
grep -q "warning: 100: net0: firewall=1: this NIC is not filtered" "$T/pre.err" &&
	! grep -q "net3\|net4" "$T/pre.err" || fail "pre-start said: $(cat "$T/pre.err")"
ok "pre-start --unfiltered: tap100i0 (VLAN 20) and tap100i2 (VLANs 10, 30-32) in vmbr0, tap100i1 in vmbr1, each a client of QEMU's socket, kept in vm-ports; net3 (lxcbr0) and the snapshot's net4 left alone; net0 unfiltered, said"

# A VM that did not stop cleanly leaves its ports: the next start makes them again.
pve 100 --unfiltered pre-start > /dev/null 2>&1 || fail "a second pre-start failed"
[ "$(ctl show bridge vmbr0 | grep -c "^  port [0-9]*: tap100i")" = 2 ] || fail "after a second pre-start: $(ctl show bridge vmbr0)"
pve 100 post-start || fail "post-start is not a no-op"
ok "pre-start again finds the ports there and makes them anew; post-start does nothing"

[ "$(paste -sd' ' "$T/args")" = "-object memory-backend-memfd,id=dpbond-mem,size=2048M,share=on -numa node,memdev=dpbond-mem -chardev socket,id=dpbond-chr0,path=$RUN/tap100i0.sock,server=on,wait=off -netdev vhost-user,id=dpbond-net0,chardev=dpbond-chr0 -device virtio-net-pci,netdev=dpbond-net0,id=dpbond-dev0,mac=bc:24:11:2d:7e:01 -chardev socket,id=dpbond-chr1,path=$RUN/tap100i1.sock,server=on,wait=off -netdev vhost-user,id=dpbond-net1,chardev=dpbond-chr1 -device virtio-net-pci,netdev=dpbond-net1,id=dpbond-dev1,mac=bc:24:11:2d:7e:02,host_mtu=9000 -chardev socket,id=dpbond-chr2,path=$RUN/tap100i2.sock,server=on,wait=off -netdev vhost-user,id=dpbond-net2,chardev=dpbond-chr2 -device virtio-net-pci,netdev=dpbond-net2,id=dpbond-dev2,mac=bc:24:11:2d:7e:03" ] ||
	fail "args: $(cat "$T/args")"
ok "args: shared memory, then a chardev QEMU serves, a vhost-user netdev and a virtio-net-pci with the VM's MAC for each of dpbond's nets"

pve 100 post-stop > /dev/null 2>&1 || fail "post-stop failed"
ctl show bridge vmbr0 | matches "tap100i" || ctl show bridge vmbr1 | matches "tap100i" && fail "ports left after post-stop"
[ -s "$RUN/vm-ports" ] && fail "ports left in vm-ports after post-stop: $(cat "$RUN/vm-ports")"
ok "post-stop: the VM's ports gone, and from vm-ports"

cat > "$T/101.conf" <<'CFG'
memory: 1024
net0: virtio=BC:24:11:2D:7F:01,bridge=vmbr0
net1: e1000=BC:24:11:2D:7F:02,bridge=vmbr1
CFG
# (its args as they should be: the e1000 refuses the start all the same)
echo "args: $(pve 101 args 2>/dev/null | paste -sd' ')" >> "$T/101.conf"
pve 101 pre-start > /dev/null 2> "$T/pre101.err" && fail "a VM with an e1000 on dpbond's bridge was started"
grep -q "error: 101: net1: model e1000: .*make it virtio" "$T/pre101.err" || fail "pre-start 101 said: $(cat "$T/pre101.err")"
ctl show bridge vmbr0 | matches "tap101i0" && fail "pre-start 101 added ports though it failed"
echo 'net0: virtio=BC:24:11:2D:7F:01,bridge=vmbr0,tag=5000' > "$T/102.conf"
pve 102 pre-start > /dev/null 2> "$T/pre102.err" && fail "a net with tag=5000 was taken"
grep -q "102.conf:1: cannot read 'tag=5000'" "$T/pre102.err" || fail "pre-start 102 said: $(cat "$T/pre102.err")"
ok "an e1000 on dpbond's bridge, and a line that cannot be read (file:line), refuse the start and add nothing"
quit_dpbond
