#!/bin/bash
# Live migration of a real guest from one VM port to another (issue 13 item
# 3), as Proxmox migrates a VM: QEMU A runs the test guest on vma, QEMU B
# waits on vmb with -incoming, and A migrates to B over loopback while the
# host port pings the guest 20 times a second. Checked: the guest answers
# on vmb afterwards; its announcement (QEMU's RARP, or the guest's own
# gratuitous ARP when its driver offers to announce) moves its MAC to vmb in
# vmbr0's FDB at once and leaves through bond0, the bond beside it; the
# pings lost across the switch are counted and bounded (a second at most).
#   dpbond (namespace NS): vmbr0 = bond0 (eth0, eth1: TAPs dpa0, dpa1;
#   active-backup) + VM ports vma, vmb + host port 198.51.100.1/24.
BUILD=$1
. "$(dirname "$0")/lib.sh"
needs_netns ping python3 tshark jq
needs_guest
NS=dpbt-migr-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
RUN=$T/run
cat > "$T/interfaces" <<'CFG'
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100

auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports bond0
    bridge-vhost-ports vma vmb
CFG
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts migr) -- -c "$T/interfaces" --run-dir "$RUN" \
	--port eth0=net_tap0,iface=dpa0 --port eth1=net_tap1,iface=dpa1 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
for d in dpa0 dpa1; do ip -n "$NS" link set "$d" arp off up; done

MAC=02:00:00:00:50:50
# guest NAME SOCKET [EXTRA...]: the test guest's QEMU on VM port SOCKET, its monitor at $T/NAME.qmp.
guest() {
	local name=$1 sock=$2
	shift 2
	start_guest_with "$name" 198.51.100.50/24 \
		-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
		-chardev "socket,id=c0,path=$sock,reconnect=1" -netdev vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,id=net0,mac=$MAC,vectors=0" \
		-qmp "unix:$T/$name.qmp,server=on,wait=off" "$@"
}
guest a "$RUN/vma.sock"
A_PID=$GUEST_PID
guest_said() { [ -f "$T/$1.out" ] && tr -d '\r' < "$T/$1.out" | matches -x -- "$2"; }
for _ in $(seq 900); do guest_said a "vm: ready" && break; sleep 0.1; done
guest_said a "vm: ready" || fail "guest A did not come up: $(tail -20 "$T/a.out") $(cat "$T/a.qemu")"
ip netns exec "$NS" ping -c 3 -i 0.2 -W 3 198.51.100.50 > "$T/ping0" 2>&1 || fail "no ping to guest A: $(cat "$T/ping0")"
console "show bridge vmbr0"
grep -q "^$MAC dev vma master vmbr0" "$T/out" || fail "the guest's MAC is not on vma: $(sed -n '/show bridge/,$p' "$T/out")"
ok "guest A runs on vma and answers the host port; vmbr0 has its MAC on vma"

# The migration stream goes over a unix socket of the test's.
guest b "$RUN/vmb.sock" -incoming "unix:$T/migrate.sock"
B_PID=$GUEST_PID
for _ in $(seq 100); do [ -S "$T/migrate.sock" ] && break; sleep 0.1; done
[ -S "$T/migrate.sock" ] || fail "QEMU B does not listen for the migration: $(cat "$T/b.qemu")"
ip netns exec "$NS" tshark -q -f "ether src $MAC" -i dpa0 -i dpa1 -w "$T/announce.pcapng" > "$T/tshark.out" 2>&1 &
CAP=$!
EXTRA_PIDS+=("$CAP")
for _ in $(seq 100); do grep -q "^Capturing on" "$T/tshark.out" && break; sleep 0.1; done
grep -q "^Capturing on" "$T/tshark.out" || fail "tshark did not start: $(cat "$T/tshark.out")"

# 20 pings a second for 10 s; the migration starts 2 s in.
ip netns exec "$NS" ping -i 0.05 -c 200 -W 1 198.51.100.50 > "$T/ping" 2>&1 &
PING=$!
EXTRA_PIDS+=("$PING")
sleep 2
python3 "$(dirname "$0")/qmp.py" "$T/a.qmp" migrate-wait "unix:$T/migrate.sock" > "$T/migrate.json" 2> "$T/migrate.err" ||
	fail "the migration failed: $(cat "$T/migrate.err") $(cat "$T/b.qemu")"
# B resumes, then announces the guest (QEMU's announce-initial: 50 ms): its MAC moves to vmb.
t0=$(date +%s%N)
for _ in $(seq 100); do
	"$CTL" --socket "$RUN/dpbond.ctl" show bridge vmbr0 > "$T/br" && grep -q "^$MAC dev vmb master vmbr0" "$T/br" && break
	sleep 0.01
done
grep -q "^$MAC dev vmb master vmbr0" "$T/br" || fail "after the migration the guest's MAC is not on vmb: $(cat "$T/br")"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# (measured from when the test saw the migration end: an upper bound, dpbondctl's round trips included)
[ "$ms" -le 1000 ] || fail "the guest's MAC reached vmb in the FDB only $ms ms after the migration"
ok "migrated A -> B in $(jq -r .\"total-time\" "$T/migrate.json") ms (QEMU's downtime $(jq -r .downtime "$T/migrate.json") ms); the guest's MAC on vmb in vmbr0's FDB $ms ms after"
wait "$PING"
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$T/ping")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping")
[ -n "$sent" ] && [ "$sent" -ge 190 ] || fail "ping: $(tail -3 "$T/ping")"
lost=$((sent - got))
echo "pings lost across the migration: $lost of $sent (one each 50 ms)"
[ "$lost" -le 20 ] || fail "$lost of $sent pings lost across the migration (more than a second)"
ok "the guest answered on vmb; $lost of $sent pings (20 a second) lost across the migration"

stop_pid "$CAP"
# QEMU announces the guest after a migration: by RARP, or (a virtio-net guest
# that offers VIRTIO_NET_F_GUEST_ANNOUNCE, as Linux's does) by the guest's own
# gratuitous ARP. Either must leave through the bond, so the network beyond
# learns where the guest went.
n=$(tshark -r "$T/announce.pcapng" -Y "eth.type == 0x8035 || (arp.opcode == 1 && arp.src.proto_ipv4 == arp.dst.proto_ipv4)" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || fail "the guest's announcement did not leave through bond0: $(tshark -r "$T/announce.pcapng" 2>&1 | head)"
# ...and they were the guest's: bond0 itself announced nothing (its members never changed).
"$CTL" --socket "$RUN/dpbond.ctl" show bridge vmbr0 | matches "Peer notifications (bridged MACs): 0 rounds," ||
	fail "bond0 sent announcements of its own: $("$CTL" --socket "$RUN/dpbond.ctl" show bridge vmbr0)"
ok "the guest's announcement after the migration ($n frames from $MAC: RARP or gratuitous ARP) left through bond0"
stop_pid "$A_PID"
stop_pid "$B_PID"
quit_dpbond
