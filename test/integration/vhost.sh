#!/bin/bash
# VM ports over vhost-user, with DPDK's testpmd and a virtio_user port as
# the VM (mac forwarding: what it receives it sends back from its own MAC to
# 02:00:00:00:aa:01, an upstream MAC nobody has learned, so it floods to the
# bond). vmbr1 = bond1 (eth0 + eth1, pcap) + tst0 (a TAP in a namespace the
# test creates, from which frames for the VM are sent) + VM port vm100 from
# bridge-vhost-ports. Checked: traffic VM -> bond, the VM leaving (link
# down, counted drops) and coming back, a VM port added at run time (socket
# 0600) and one removed, while tst0 -> bond traffic keeps flowing.
BUILD=$1
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "SKIP: needs root and /dev/net/tun (network namespace and TAP test port)"
	exit 77
fi
TESTPMD=$(command -v dpdk-testpmd || true)
[ -n "$TESTPMD" ] || { echo "SKIP: dpdk-testpmd is not installed (Debian package dpdk-dev)"; exit 77; }

NS=dpbt-vh-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
RUN=$T/run
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface tst0 inet manual

auto bond1
iface bond1 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup

auto vmbr1
iface vmbr1 inet manual
    bridge-ports bond1 tst0
    bridge-vhost-ports vm100
    bridge-stp off
    bridge-fd 0
CFG
# Two cores: dpbond's workers spin on core 1, its main lcore sleeps between
# control ticks on core 0, where both of the VM's lcores go (--lcores 0@0,1@0).
# VM_QUEUES=2 (with two workers: DPB_EAL_LCORES="--lcores 0@0,1@1,2@1") runs
# the VMs with two queue pairs.
[ -n "${DPB_EAL_LCORES:-}" ] || export DPB_LCORES=0,1
VMQ=${VM_QUEUES:-1}
# A pcap device has one tx queue per tx_pcap: one per worker (as many as VMQ).
EXTRA0="" EXTRA1=""
for q in $(seq 2 "$VMQ"); do EXTRA0="$EXTRA0,tx_pcap=$T/eth0.q$q.pcap"; EXTRA1="$EXTRA1,tx_pcap=$T/eth1.q$q.pcap"; done
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts vh) -- -c "$T/interfaces" --run-dir "$RUN" \
	--port "eth0=net_pcap0,tx_pcap=$T/eth0.pcap$EXTRA0" --port "eth1=net_pcap1,tx_pcap=$T/eth1.pcap$EXTRA1" \
	--port tst0=net_tap0,iface=dpbt0 -i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
[ -S "$RUN/vm100.sock" ] || fail "no socket $RUN/vm100.sock"
[ "$(stat -c %a "$RUN/vm100.sock")" = 600 ] || fail "vm100.sock is not mode 0600"
grep -q "vm100: link down" "$T/err" || fail "vm100 without a VM does not read link down"
ok "vm100's socket $RUN/vm100.sock is there, mode 0600; without a VM its link is down"

VM_PID=""
# starts the VM on socket $1 with MAC $2; waits for dpbond to see its link.
vm_start() {
	# Counted before the VM starts: its link may come up before a count after.
	local n0=$(grep -c "$1: link up" "$T/err" || true)
	"$TESTPMD" --lcores 0@0,1@0 --no-huge -m 512 --no-pci --file-prefix dpbt-vm-$$ --log-level=lib.eal:warning \
		--vdev "net_virtio_user0,path=$RUN/$1.sock,queues=$VMQ,mac=$2" -- \
		--rxq $VMQ --txq $VMQ --forward-mode=mac --eth-peer=0,02:00:00:00:aa:01 --total-num-mbufs 2048 \
		--stats-period 1 > "$T/vm.out" 2>&1 &
	VM_PID=$!
	EXTRA_PIDS+=("$VM_PID")
	for _ in $(seq 150); do
		[ "$(grep -c "$1: link up" "$T/err" || true)" -gt "$n0" ] &&
			grep -qa "Port statistics" "$T/vm.out" && return 0
		sleep 0.1
	done
	fail "$1: no link up, or the VM does not forward"$'\n'"$(tail -5 "$T/vm.out")"
}
vm_stop() {
	stop_pid "$VM_PID"
	rm -rf /var/run/dpdk/dpbt-vm-$$
}
N=30
# frames tagged $1 from $2 in eth0's tx pcaps (one per worker).
eth0_count() {
	local n=0 f
	for f in "$T"/eth0.pcap "$T"/eth0.q*.pcap; do
		[ -e "$f" ] && n=$((n + $("$PCAP" count "$f" --tag "$1" --src "$2")))
	done
	echo $n
}
# sends N frames tagged $1 from tst0 to $2; checks eth0 got $3 of them from MAC $4.
# The sender is done when it says "sent N": closing its packet socket waits
# on an RCU grace period, which this busy-polling machine can give late
# (seen for over 20 s), with every frame out. A sender that has not said so
# in 20 s leaves its kernel stack in the log, is killed, and the step runs
# again under a tag of its own, whose frames must then all arrive.
# SENDS: how many senders ran (2 when the first blocked: it sent from none
# to all of its frames).
send_check() {
	local tag=$1 dst=$2 want=$3 src=$4 got attempt
	for attempt in 1 2; do
		SENDS=$attempt
		nsenter --net="/var/run/netns/$NS" -- "$PCAP" send dpbt0 --count $N \
			--src 02:00:00:00:01:01 --dst "$dst" --tag "$tag" --gap-us 1000 > "$T/sent.$tag" &
		local sp=$! k
		# Done once it says so: its close can wait long on an RCU grace
		# period (packet_release) on this busy-polling machine, frames out.
		# A file of its own per tag: the shell opens (and empties) it only
		# once the sender has forked, so a shared one could still hold the
		# last step's "sent N" when first read.
		for k in $(seq 200); do grep -q "^sent $N$" "$T/sent.$tag" 2>/dev/null && break; sleep 0.1; done
		if grep -q "^sent $N$" "$T/sent.$tag"; then
			EXTRA_PIDS+=("$sp")   # ends by itself; killed at the end if not
			break
		fi
		# Where it is stuck, for the log, then it goes.
		{ echo "--- the sender $sp after 20 s: $(cat /proc/$sp/wchan 2>/dev/null)"
		  cat /proc/$sp/stack 2>/dev/null; grep -E "State|voluntary" /proc/$sp/status 2>/dev/null
		  console "show port stats tst0"; tail -6 "$T/out"; } >&2
		# Not waited for: one in the kernel's D state ends when the kernel lets it.
		kill -9 $sp 2>/dev/null
		[ "$attempt" = 1 ] || fail "$tag: the frame sender on dpbt0 blocked twice"
		echo "note: $tag: the frame sender on dpbt0 blocked; sending again as $tag.2" >&2
		tag=$tag.2
	done
	for _ in $(seq 30); do
		got=$(eth0_count "$tag" "$src")
		[ "$got" -ge "$want" ] && break
		sleep 0.1
	done
	sleep 0.2
	got=$(eth0_count "$tag" "$src")
	[ "$got" -eq "$want" ] || { console "show port stats all"; fail "$tag: eth0 sent $got frames from $src, not $want"; }
}
for _ in $(seq 50); do ip netns exec "$NS" ip link show dpbt0 2>/dev/null | matches UP && break; sleep 0.1; done

VM0=02:00:00:00:10:00 VM1=02:00:00:00:10:01
vm_start vm100 $VM0
send_check vm-a $VM0 $N $VM0
ok "VM on vm100: $N frames from tst0 reached it and its answers left through bond1's eth0"
if [ "$VMQ" -gt 1 ]; then
	last=$((2 * VMQ - 1))
	grep -q "(/.*/vm100.sock) set queue enable: 1 to qp idx: $last" "$T/err" ||
		fail "vm100: the VM's queue pairs were not all enabled (no vring $last)"
	ok "vm100 serves $VMQ queue pairs: the VM enabled vrings 0-$last"
fi

vm_stop
for _ in $(seq 30); do grep -c "vm100: link down" "$T/err" | matches 2 && break; sleep 0.1; done
[ "$(grep -c "vm100: link down" "$T/err")" -eq 2 ] || fail "vm100: no link down after the VM left"
console "show bridge vmbr1"
grep -q "port 2: vm100 (ethdev [0-9]*, down)" "$T/out" || fail "show bridge: vm100 not down"
send_check vm-gone $VM0 0 $VM0
console "show port stats vm100"
down=$(answer "show port stats vm100" | grep -o "tx-link-down: [0-9]*" | head -1 | grep -o "[0-9]*$")
# A second sender (the first blocked) adds its N to what the first sent.
[ -n "$down" ] && [ "$down" -ge "$N" ] && [ "$down" -le $((N * SENDS)) ] &&
	{ [ "$SENDS" -gt 1 ] || [ "$down" -eq "$N" ]; } ||
	fail "frames for the absent VM were not counted as tx-link-down (${down:-none}, $SENDS sender(s) of $N)"
ok "the VM left: vm100 reads down, the $N frames flooded to it are counted tx-link-down"

vm_start vm100 $VM0
send_check vm-back $VM0 $N $VM0
ok "the VM reconnected to vm100 and forwards again"
vm_stop

console "add bridge port vmbr1 vhost vm101"
grep -q "vmbr1: VM port vm101 added" "$T/out" || fail "add bridge port refused"
[ "$(stat -c %a "$RUN/vm101.sock")" = 600 ] || fail "vm101.sock is not mode 0600"
console "add bridge port vmbr1 vhost tst0" "add bridge port vmbr9 vhost vm102" \
	"add bridge port vmbr1 vhost vm103:tag=5"
grep -q "vmbr1: cannot add VM port 'tst0': that name is already an interface" "$T/out" ||
	fail "adding a port named like another interface was not refused"
grep -q "no bridge named 'vmbr9'" "$T/out" || fail "adding to an unknown bridge was not refused"
grep -q "vmbr1: cannot add VM port 'vm103:tag=5': not NAME\[:OPTIONS\], OPTIONS tag=VLAN or trunks=VLANS, client" "$T/out" ||
	fail "a VLAN tag on a bridge that is not VLAN-aware was not refused"
vm_start vm101 $VM1
send_check vm101 $VM1 $N $VM1
ok "vm101 added at run time (socket 0600): its VM forwards; bad adds are refused with a reason"

# Ports come and go while tst0 sends a steady stream upstream: none of it is lost.
timeout -k 5 60 nsenter --net="/var/run/netns/$NS" -- "$PCAP" send dpbt0 --count 400 --src 02:00:00:00:01:01 \
	--dst 02:00:00:00:aa:01 --tag steady --gap-us 5000 &
sender=$!
sleep 0.3
console "add bridge port vmbr1 vhost vm102" "sleep 200" "remove bridge port vmbr1 vm102" \
	"sleep 200" "remove bridge port vmbr1 vm100"
wait $sender
for _ in $(seq 30); do [ "$(eth0_count steady 02:00:00:00:01:01)" -ge 400 ] && break; sleep 0.1; done
[ "$(eth0_count steady 02:00:00:00:01:01)" -eq 400 ] ||
	fail "the steady stream lost frames while ports were added and removed: $(eth0_count steady 02:00:00:00:01:01) of 400"
grep -q "vmbr1: VM port vm102 removed" "$T/out" || fail "vm102 was not added and removed"
ok "400 frames from tst0 to the bond, all through, while vm102 was added and removed and vm100 removed"
grep -q "vmbr1: VM port vm100 removed" "$T/out" || fail "remove bridge port refused"
[ ! -e "$RUN/vm100.sock" ] || fail "vm100.sock still there after removal"
send_check still $VM1 $N $VM1
console "show bridge vmbr1"
grep -q "port 2: vm101 (ethdev" "$T/out" || fail "show bridge: vm101 did not move to port 2"
ok "vm100 removed: its socket is gone, vm101 (now port 2) keeps forwarding"
vm_stop

# A name removed comes back: its new port reports the VM's link and forwards.
for name in vm102 vm100; do
	console "add bridge port vmbr1 vhost $name"
	# This add's own answer: vm102's first add printed the same line.
	answer "add bridge port vmbr1 vhost $name" | grep -q "vmbr1: VM port $name added" ||
		fail "$name could not be added again"
	vm_start $name $VM0
	send_check "$name-again" $VM0 $N $VM0
	vm_stop
done
ok "vm102 and vm100, removed before, added again: each reports its VM's link up and forwards"

cmd quit
rc=0
wait "$DPB_PID" || rc=$?
DPB_PID=""
# The refused adds make the session's exit status 1, as any failed command does.
[ "$rc" -eq 1 ] || fail "dpbond exited with $rc, not 1 (three commands were refused)"
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "mbufs were lost"
ok "dpbond quit (status 1: three refused commands) with every mbuf back in the pool"
