#!/bin/bash
# Capture with DPDK's own tool: dpdk-dumpcap, a secondary process on
# dpbond's --file-prefix, captures a running dpbond's ports to pcapng through
# rte_pdump. dpbond runs on hugepages (a secondary needs the primary's shared
# memory), in a namespace: bond0 (active-backup) = eth0 + eth1 on TAPs,
# vmbr0's host port (a TAP dpbond makes, with 198.51.100.1/24) and a VM port
# with no VM. The host sends a known stream through vmbr0 and bond0:
#   - once uncaptured: the counters and drops it leaves are the reference;
#   - eth0 captured by its DPDK device name, as `show port stats` names it;
#   - the host port captured by its port number;
# each capture holds exactly the stream (tshark: count, addresses, payload),
# and forwarding counts the same as uncaptured. The VM port can be captured;
# a port that does not exist is refused with a message, dpbond untouched.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns tshark dpdk-dumpcap
needs_hugepages 128

PREFIX=dpbt-pdump-$$
NS=dpbt-pdump-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
cat > "$T/interfaces" <<'CFG'
iface eth0 inet manual
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
    bond-primary eth0
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports bond0
    bridge-vhost-ports vm100
CFG
mkfifo "$T/cmd"
# Hugepages (no --no-huge): the EAL options of lib.sh's eal_opts otherwise.
ip netns exec "$NS" "$DPBOND" -l 0 --no-pci --huge-dir "$HUGE_DIR" --file-prefix "$PREFIX" \
	--log-level=lib.eal:warning -- -c "$T/interfaces" --run-dir "$T" --ctl-socket none \
	--port eth0=net_tap0,iface=dpbm0 --port eth1=net_tap1,iface=dpbm1 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 300"
# The members' kernel sides neither answer nor send.
for m in dpbm0 dpbm1; do ip -n "$NS" link set "$m" arp off; done

# The DPDK device and port number `show port stats` gives interface $1.
console "show port stats all"
device_of() { awk -v p="$1" '$0 ~ "^######## " p " " { s = 1; next } s { print $2; exit }' "$T/out"; }
port_of() { sed -n "s/^######## $1 (port \([0-9]*\)[,)].*/\1/p" "$T/out" | tail -1; }
ETH0_DEV=$(device_of eth0) VM_DEV=$(device_of vm100) HOST_PORT=$(port_of vmbr0)
[ "$ETH0_DEV" = net_tap0 ] || fail "show port stats eth0 names device '$ETH0_DEV', not net_tap0"
[ -n "$VM_DEV" ] && [ -n "$HOST_PORT" ] || fail "show port stats gives no device for vm100 or no port number for vmbr0"
ok "show port stats names eth0's device ($ETH0_DEV), vm100's ($VM_DEV) and vmbr0's port number ($HOST_PORT)"

N=50
SRC=02:00:00:00:01:01 DST=02:00:00:00:02:02
# what the kernel side of eth0's TAP has received from dpbond so far.
kernel_rx() { ip -n "$NS" -s -j link show dpbm0 | sed 's/.*"rx":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1/'; }

# stream TAG: clears the counters, sends N frames from the host's vmbr0, and
# leaves in $T/stats.TAG what they did (`show port stats all`, `show drops`,
# the frames eth0's kernel side received).
stream() {
	local before
	console "clear port stats all"
	before=$(kernel_rx)
	timeout -k 5 30 nsenter --net="/var/run/netns/$NS" -- "$PCAP" send vmbr0 --count $N \
		--src $SRC --dst $DST --tag "$1" --gap-us 200
	console "sleep 200"
	console "show port stats all" "show drops"
	# the answers to the last two commands, without the console's mark.
	awk '/^dpbond> show port stats all$/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$T/out" |
		grep -v '^dpbond> echo \|^mark-' > "$T/stats.$1"
	echo "kernel rx on eth0: $(( $(kernel_rx) - before ))" >> "$T/stats.$1"
}

stream plain
grep -qx "kernel rx on eth0: $N" "$T/stats.plain" || fail "uncaptured: eth0 did not deliver $N frames"$'\n'"$(cat "$T/stats.plain")"
ok "uncaptured: the $N frames from the host left by eth0"

# capture TAG IFACE: dpdk-dumpcap on IFACE for N frames while stream TAG runs.
capture() {
	local tag=$1 pid i
	ip netns exec "$NS" timeout -k 5 60 dpdk-dumpcap --file-prefix "$PREFIX" -p -i "$2" -c $N \
		-w "$T/$tag.pcapng" > "$T/dumpcap.$tag" 2>&1 &
	pid=$!
	EXTRA_PIDS+=("$pid")
	# "Packets captured:" comes once its callbacks are on every queue.
	for i in $(seq 150); do
		grep -q "Packets captured:" "$T/dumpcap.$tag" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "Packets captured:" "$T/dumpcap.$tag" || fail "$tag: dpdk-dumpcap did not start: $(cat "$T/dumpcap.$tag")"
	stream "$tag"
	wait "$pid" || fail "$tag: dpdk-dumpcap ended with $?: $(cat "$T/dumpcap.$tag")"
	grep -q "Packets received/dropped on interface '$3': $N/0 " "$T/dumpcap.$tag" ||
		fail "$tag: dpdk-dumpcap's count: $(tail -2 "$T/dumpcap.$tag")"
	# the capture: N frames, each from SRC to DST with the stream's payload, in order.
	tshark -r "$T/$tag.pcapng" -T fields -e eth.src -e eth.dst -e eth.type -e data.data \
		> "$T/$tag.fields" 2> "$T/tshark.err" || fail "$tag: tshark cannot read the capture: $(cat "$T/tshark.err")"
	[ "$(wc -l < "$T/$tag.fields")" -eq $N ] || fail "$tag: $(wc -l < "$T/$tag.fields") frames captured, not $N"
	for i in $(seq 0 $((N - 1))); do
		printf '%s\t%s\t0x88b5\t%s\n' $SRC $DST "$(printf 'dpbond-test %s %s' "$tag" "$i" | od -An -tx1 | tr -d ' \n')"
	done > "$T/$tag.want"
	# data.data is the payload with its padding; compare the payload's length.
	awk -F'\t' 'NR == FNR { w[FNR] = $4; next }
		{ if (substr($4, 1, length(w[FNR])) != w[FNR]) { print "frame " FNR ": " $0; exit 1 }; $4 = w[FNR] } 1' \
		OFS='\t' "$T/$tag.want" "$T/$tag.fields" > "$T/$tag.got" || fail "$tag: $(tail -1 "$T/$tag.got")"
	cmp -s "$T/$tag.got" "$T/$tag.want" || fail "$tag: captured frames differ:"$'\n'"$(diff "$T/$tag.want" "$T/$tag.got" | head)"
	# Forwarding: the same counters, drops and delivered frames as uncaptured.
	diff "$T/stats.plain" "$T/stats.$tag" > "$T/stats.diff" ||
		fail "$tag: forwarding differs from the uncaptured run:"$'\n'"$(cat "$T/stats.diff")"
}

capture by-name "$ETH0_DEV" "$ETH0_DEV"
ok "eth0 captured by device name $ETH0_DEV: the $N frames, addresses and payloads in tshark; forwarding as uncaptured"
HOST_DEV=$(device_of vmbr0)
capture by-number "$HOST_PORT" "$HOST_DEV"
ok "the host port captured by port number $HOST_PORT ($HOST_DEV): the $N frames in tshark; forwarding as uncaptured"

# The VM port (no VM: its frames are counted tx-link-down, none reach it).
ip netns exec "$NS" timeout -k 5 30 dpdk-dumpcap --file-prefix "$PREFIX" -p -i "$VM_DEV" -a duration:1 \
	-w "$T/vm.pcapng" > "$T/dumpcap.vm" 2>&1 || fail "VM port: dpdk-dumpcap ended with $?: $(cat "$T/dumpcap.vm")"
grep -q "Packets received/dropped on interface '$VM_DEV': 0/0 " "$T/dumpcap.vm" ||
	fail "VM port: dpdk-dumpcap's count: $(tail -2 "$T/dumpcap.vm")"
ok "the VM port $VM_DEV can be captured too"

# A port that does not exist, by name and by number: refused, with a message.
for bad in net_nosuch0 99; do
	rc=0
	ip netns exec "$NS" timeout -k 5 30 dpdk-dumpcap --file-prefix "$PREFIX" -p -i "$bad" -c 1 \
		-w "$T/bad.pcapng" > "$T/dumpcap.bad" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || fail "dpdk-dumpcap -i $bad succeeded"
	grep -q "$bad" "$T/dumpcap.bad" || fail "dpdk-dumpcap -i $bad: no message naming it: $(cat "$T/dumpcap.bad")"
	ok "dpdk-dumpcap -i $bad refused: $(grep "$bad" "$T/dumpcap.bad" | head -1)"
done
kill -0 "$DPB_PID" || fail "dpbond ended"
stream after
diff "$T/stats.plain" "$T/stats.after" > "$T/stats.diff" ||
	fail "forwarding after the refused captures differs:"$'\n'"$(cat "$T/stats.diff")"
ok "dpbond still forwards as before"

quit_dpbond
