#!/bin/bash
# Frames longer than one mbuf (net_pcap and vhost-user chain them) flooded to
# several ports by the dpbond binary, whose mbuf pools run on the test's
# guard driver (libdpb_pool_guard.so, loaded with EAL -d), which catches a
# second free and fills freed data with 0xdb.
#   Every port runs MTU 9000 (mtu 9000), so that these frames may leave.
#   1. pcap ports: br0 = eth0 + eth1 + eth2 + bond0 (eth3 + eth4, broadcast
#      mode); eth0 sends 9000- and 2049-byte broadcasts and 9000-byte unknown
#      unicasts: each other port sends each frame once, whole. br1 (VLAN-aware)
#      = eth5 (trunk) + eth6, eth7 (access 10): a tag is taken off for the
#      access ports and pushed for the trunk, on copies of shared chains.
#   2. a VM: testpmd with a virtio_user port sends a burst of 9000-byte
#      broadcasts in five segments each into vm100; eth0 and eth1 (pcap) both
#      send every one of them, the same bytes.
BUILD=$1
. "$(dirname "$0")/lib.sh"

GUARD="-d $BUILD/test/libdpb_pool_guard.so --mbuf-pool-ops-name dpb_guard"
[ -f "$BUILD/test/libdpb_pool_guard.so" ] || fail "no $BUILD/test/libdpb_pool_guard.so"

# After a run: exit 0 was checked; every mbuf back, no double free seen.
check_pools() {
	grep -q '^mbufs: \([0-9]*\) of \1 back in the pool$' "$T/err" || fail "$1: mbufs missing"
	# (one pool per NUMA node: each says, and none saw one)
	grep -q '^pool guard: dpb_mbufs_s[0-9]*: 0 double frees$' "$T/err" &&
		! grep -q '^pool guard: dpb_mbufs_s[0-9]*: [1-9][0-9]* double frees$' "$T/err" ||
		fail "$1: the pool guard saw double frees, or was not loaded"$'\n'"$(grep 'pool guard' "$T/err" | head -5)"
}

# expect PORT TAG N VLAN LEN: PORT's pcap holds N intact frames TAG in VLAN
# (0: untagged), each LEN bytes long, sequence numbers 0..N-1 each once.
expect() {
	local port=$1 tag=$2 n=$3 vlan=$4 len=${5:-0} got seqs bad
	got=$("$PCAP" count "$T/$port.pcap" --tag "$tag" --vlan "$vlan")
	seqs=$("$PCAP" list "$T/$port.pcap" | awk -v t="$tag" '$4 == t { print $5 }' | sort -n | uniq | wc -l)
	bad=$("$PCAP" list "$T/$port.pcap" | awk -v t="$tag" -v l="$len" '$4 == t && ($8 != 1 || $7 != l)' | wc -l)
	[ "$got" -eq "$n" ] && [ "$seqs" -eq "$n" ] && [ "$bad" -eq 0 ] &&
		[ "$("$PCAP" list "$T/$port.pcap" | awk -v t="$tag" '$4 == t' | wc -l)" -eq "$n" ] ||
		fail "$port: $got intact frames $tag in VLAN $vlan ($seqs distinct, $bad broken or not $len bytes), not $n each once"
}

# --- 1. pcap ports -------------------------------------------------------
VM=02:00:00:00:10:01 UNKNOWN=02:00:00:00:cc:01 BC=ff:ff:ff:ff:ff:ff
"$PCAP" gen "$T/eth0.in" --count 20 --src $VM --dst $BC --tag bc --size 9000
"$PCAP" gen "$T/eth0.in" --count 20 --src $VM --dst $UNKNOWN --tag uu --size 9000 --append
"$PCAP" gen "$T/eth0.in" --count 20 --src $VM --dst $BC --tag bc2k --size 2049 --append
"$PCAP" gen "$T/eth5.in" --count 20 --src 02:00:00:00:10:05 --dst $BC --tag t10 --vlan 10 --size 9000
"$PCAP" gen "$T/eth6.in" --count 20 --src 02:00:00:00:10:06 --dst $BC --tag a10 --size 9000
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
    mtu 9000
iface eth1 inet manual
    mtu 9000
iface eth2 inet manual
    mtu 9000
iface eth3 inet manual
    mtu 9000
iface eth4 inet manual
    mtu 9000
iface eth5 inet manual
    mtu 9000
iface eth6 inet manual
    mtu 9000
    bridge-access 10
iface eth7 inet manual
    mtu 9000
    bridge-access 10

iface bond0 inet manual
    bond-slaves eth3 eth4
    mtu 9000
    bond-mode broadcast
    bond-miimon 100

iface br0 inet manual
    bridge-ports eth0 eth1 eth2 bond0

iface br1 inet manual
    bridge-ports eth5 eth6 eth7
    bridge-vlan-aware yes
    bridge-vids 10
CFG
ports=()
for p in 0 1 2 3 4 5 6 7; do
	rx=""
	[ -f "$T/eth$p.in" ] && rx="rx_pcap=$T/eth$p.in,"
	ports+=(--port "eth$p=net_pcap$p,${rx}tx_pcap=$T/eth$p.pcap")
done
printf '%s\n' "sleep 500" "show drops" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts chain) $GUARD -- -c "$T/interfaces" "${ports[@]}" \
	--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "dpbond exited with $?"
check_pools "pcap"
for p in eth1 eth2 eth3 eth4; do
	expect $p bc 20 0 9000; expect $p uu 20 0 9000; expect $p bc2k 20 0 2049
done
expect eth0 bc 0 0
ok "br0: 9000- and 2049-byte broadcasts and 9000-byte unknown unicasts, chained, left eth1, eth2 and both members of the broadcast bond once each, whole"
expect eth6 t10 20 0 9000; expect eth7 t10 20 0 9000
expect eth5 a10 20 10 9004; expect eth7 a10 20 0 9000
for p in eth0 eth1 eth2 eth3 eth4 eth5; do expect $p t10 0 0; expect $p t10 0 10; done
for p in eth0 eth1 eth2 eth3 eth4 eth6; do expect $p a10 0 0; expect $p a10 0 10; done
ok "br1: chained frames left the access ports untagged and the trunk tagged 10, whole, and went nowhere else"
grep -q "^  total: 0$" "$T/out" || fail "frames were dropped"$'\n'"$(sed -n '/show drops/,/quit/p' "$T/out")"
ok "nothing dropped, every mbuf back, no double free"

# --- 2. a VM sends chained frames ----------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the VM half needs root (vhost-user socket in the run directory)"
	exit 77
fi
TESTPMD=$(command -v dpdk-testpmd || true)
[ -n "$TESTPMD" ] || { echo "SKIP: dpdk-testpmd is not installed (Debian package dpdk-dev)"; exit 77; }
RUN=$T/run
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
    mtu 9000
iface eth1 inet manual
    mtu 9000
iface vmbr0 inet manual
    bridge-ports eth0 eth1
    bridge-vhost-ports vm100
CFG
mkfifo "$T/cmd"
# dpbond's worker on core 1, the VM on core 0 (see vhost.sh).
"$DPBOND" $(DPB_LCORES=0,1 eal_opts chainvm) $GUARD -- -c "$T/interfaces" \
	--run-dir "$RUN" --port "eth0=net_pcap0,tx_pcap=$T/vm-eth0.pcap" \
	--port "eth1=net_pcap1,tx_pcap=$T/vm-eth1.pcap" -i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
[ -S "$RUN/vm100.sock" ] || fail "no socket $RUN/vm100.sock"
N=32
# One burst (--tx-first) of N txonly frames, 9000 bytes in five segments, to
# the broadcast address; io forwarding then has nothing more to send.
"$TESTPMD" --lcores 0@0,1@0 --no-huge -m 512 --no-pci --file-prefix dpbt-vm-$$ \
	--log-level=lib.eal:warning --vdev "net_virtio_user0,path=$RUN/vm100.sock,mac=$VM" -- \
	--forward-mode=io --tx-first --burst=$N --txpkts=2048,2048,2048,2048,808 \
	--tx-offloads=0x8000 --eth-peer=0,$BC --total-num-mbufs 2048 --stats-period 1 \
	> "$T/vm.out" 2>&1 &
VM_PID=$!
EXTRA_PIDS=("$VM_PID")
frames() { "$PCAP" digest "$T/$1.pcap" 2>/dev/null | wc -l; }
for _ in $(seq 100); do
	[ "$(frames vm-eth0)" -ge $N ] && [ "$(frames vm-eth1)" -ge $N ] && break
	sleep 0.1
done
sleep 0.3
stop_pid "$VM_PID"
EXTRA_PIDS=()
rm -rf /var/run/dpdk/dpbt-vm-$$
grep -q "TX-packets: $N " "$T/vm.out" || fail "the VM did not send $N frames"$'\n'"$(grep -a TX-packets "$T/vm.out" | tail -2)"
console "show drops"
cmd quit
rc=0
wait "$DPB_PID" || rc=$?
DPB_PID=""
[ "$rc" -eq 0 ] || fail "dpbond exited with $rc"
check_pools "VM"
[ "$(frames vm-eth0)" -eq $N ] || fail "eth0 sent $(frames vm-eth0) frames, not $N"
"$PCAP" digest "$T/vm-eth0.pcap" | awk '$1 != 9000 || NF != 2 { bad = 1 } END { exit bad }' ||
	fail "eth0 sent frames that are not 9000 bytes whole"
cmp -s <("$PCAP" digest "$T/vm-eth0.pcap") <("$PCAP" digest "$T/vm-eth1.pcap") ||
	fail "eth0 and eth1 did not send the same frames"$'\n'"$(diff <("$PCAP" digest "$T/vm-eth0.pcap") <("$PCAP" digest "$T/vm-eth1.pcap") | head)"
[ "$(tshark -r "$T/vm-eth0.pcap" -Y 'eth.dst == ff:ff:ff:ff:ff:ff && ip.len == 8986 && udp' 2>/dev/null | wc -l)" -eq $N ] ||
	fail "eth0's frames are not the VM's 9000-byte UDP broadcasts"
ok "VM: $N broadcasts of 9000 bytes in five segments flooded to eth0 and eth1, the same bytes on both, every mbuf back, no double free"
