#!/bin/bash
# The VM path, measured by hand (not a meson test; see doc/performance.md,
# "The VM path"):
#
#   test/bench/vmpath.sh BUILD [SECONDS [ROUNDS]]
#
# A VM sends into the bridge and out of the bond, and the script says how
# much of it dpbond delivered and how busy its worker was doing so, so that
# the generator's limit is not taken for dpbond's.
#
#   VM: dpdk-testpmd, a virtio_user port on dpbond's vhost-user socket
#       (as test/integration/vhost.sh), forwarding mode txonly: UDP frames
#       from VMMAC to DST, as fast as it can, in bursts of 32.
#   dpbond: vmbr0 = bond0 (active-backup of eth0 and eth1) + VM port vm100,
#       no address (no host port). eth0 and eth1 are net_pcap devices with
#       no tx_pcap: DPDK 22.11's net_pcap then counts what it is given and
#       frees it, the cheapest wire there is. eth0 reads one frame from DST
#       out of a pcap file at the start, so the bridge learns DST on bond0
#       and the VM's frames are known unicast to the bond.
#
# Frame sizes are without the FCS (a virtio port has none): 60 and 1514
# bytes, 64 and 1518 on an Ethernet wire. Per size and round, over SECONDS
# after a second of warm-up: the VM's attempted rate (testpmd's TX-packets
# plus TX-dropped, the frames the full virtio ring refused), what it got
# into the ring, what dpbond sent on eth0, dpbond's drops, and its worker's
# load (`show worker stats json`: busy share, cycles per frame, frames per
# burst; worker_ceiling_mpps: its cycles a second over its cycles a frame,
# what it would deliver busy all the time at that cost), and the CPU time
# each side's spinning thread had. One BENCH line
# per run: `limit=dpbond` when the worker was busy (>= 95% of its passes'
# cycles) on full bursts (>= 28 frames) while the VM's ring refused frames,
# `limit=generator` otherwise, and `limit=contended` when either thread lost
# its CPU to another process (the worker had less than 0.95 of a CPU, the
# VM's sender less than 0.85: it shares CPU 0 with dpbond's main lcore),
# whatever the rest says. Then a SUMMARY of medians per size over the runs
# not contended.
#
# dpbond runs on -l 0,1 (DPB_LCORES): its main lcore sleeps between control
# ticks on CPU 0, its one worker spins on CPU 1. Both of testpmd's lcores
# go to CPU 0 (--lcores 0@0,1@0): the VM's sender has CPU 0 nearly to
# itself. No hugepages (--no-huge, as the tests). Needs root, dpdk-testpmd
# and jq; installs nothing. Run it under the shared lock:
#   flock /tmp/dpbond-test.lock test/bench/vmpath.sh build 5 3
BUILD=${1:?usage: vmpath.sh BUILD [SECONDS [ROUNDS]]}
SECS=${2:-5}
ROUNDS=${3:-3}
SIZES=${VMPATH_SIZES:-60 1514}
QSIZE=${VMPATH_QUEUE_SIZE:-256}
. "$(dirname "$0")/../integration/lib.sh"
# A benchmark runs longer than a test: no watchdog.
kill "$WATCHDOG" 2>/dev/null || true

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (vhost-user sockets, EAL's runtime folders)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
TESTPMD=$(command -v dpdk-testpmd || true)
[ -n "$TESTPMD" ] || { echo "SKIP: dpdk-testpmd is not installed (Debian package dpdk-dev)"; exit 77; }

VMMAC=02:00:00:00:10:00 DST=02:00:00:00:aa:01
RUN=$T/run
"$PCAP" gen "$T/learn.pcap" --count 1 --src "$DST" --dst 02:00:00:00:aa:02 > /dev/null
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup
    bond-primary eth0

auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0
    bridge-vhost-ports vm100
    bridge-stp off
    bridge-fd 0
CFG
[ -n "${DPB_EAL_LCORES:-}" ] || export DPB_LCORES=${DPB_LCORES:-0,1}
mkfifo "$T/cmd"
"$DPBOND" $(eal_opts vmp) -- -c "$T/interfaces" --run-dir "$RUN" \
	--port "eth0=net_pcap0,rx_pcap=$T/learn.pcap" --port "eth1=net_pcap1,rx_pcap=$T/learn.pcap" \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
[ -S "$RUN/vm100.sock" ] || fail "no socket $RUN/vm100.sock"


# DST must be in vmbr0's FDB on bond0 (learned from eth0's one frame; eth1,
# the backup, drops what it receives), or the VM's frames would be floods.
dst_known() {
	console "show bridge vmbr0 json"
	answer "show bridge vmbr0 json" | jq -e --arg m "$DST" '.fdb | any(.mac == $m and .port == "bond0")' > /dev/null
}
for _ in $(seq 30); do dst_known && break; sleep 0.1; done
dst_known || fail "$DST was not learned on bond0: $(answer "show bridge vmbr0 json")"

# The VM: testpmd, interactive, its commands through a fifo on fd 4.
mkfifo "$T/vm.cmd"
stdbuf -oL "$TESTPMD" --lcores 0@0,1@0 --no-huge -m 512 --no-pci --file-prefix "dpbt-vmp-vm-$$" --log-level=lib.eal:warning \
	--vdev "net_virtio_user0,path=$RUN/vm100.sock,mac=$VMMAC,queue_size=$QSIZE" -- -i \
	--forward-mode=txonly --eth-peer=0,"$DST" --tx-ip=192.0.2.1,192.0.2.2 --burst=32 --total-num-mbufs 4096 \
	< "$T/vm.cmd" > "$T/vm.out" 2>&1 &
VM_PID=$!
EXTRA_PIDS+=("$VM_PID")
exec 4> "$T/vm.cmd"
for _ in $(seq 150); do grep -q "vm100: link up" "$T/err" && break; sleep 0.1; done
grep -q "vm100: link up" "$T/err" || fail "vm100: no link up: $(tail -5 "$T/vm.out")"

# vm CMD...: sends testpmd CMDs, then `show port info 0`, and waits until
# its answer is out (testpmd has no echo: the count of its answers grows).
VM_N=0
vm() {
	printf '%s\n' "$@" "show port info 0" >&4
	VM_N=$((VM_N + 1))
	for _ in $(seq 750); do
		[ "$(grep -c "Infos for port 0" "$T/vm.out")" -ge "$VM_N" ] && return 0
		sleep 0.02
	done
	fail "testpmd did not answer: $*: $(tail -5 "$T/vm.out")"
}
# vm_fwd FIELD: FIELD (TX-packets, TX-dropped) of testpmd's last accumulated forward statistics.
vm_fwd() {
	awk -v f="$1:" '/Accumulated forward statistics/ { acc = 1; next }
		acc && $0 ~ f { for (i = 1; i < NF; i++) if ($i == f) v = $(i + 1); acc = 0 } END { print v }' "$T/vm.out"
}

# lcore_ticks PID: the CPU ticks of PID's lcore 1 thread (rte-worker-1): dpbond's
# worker, the VM's sender. The machine is shared: a thread that had less than
# a whole CPU over the window (worker_cpu, vm_cpu below 0.98 or so) lost the
# rest to another process, and the run says less than the rig can.
lcore_ticks() { awk '{ print $14 + $15 }' "$(grep -lx rte-worker-1 /proc/"$1"/task/*/comm | sed 's/comm$/stat/')"; }

# run SIZE ROUND: one window of SECS s; prints its line and appends
# "SIZE attempted sent delivered busy cpf ppb vm_dropped dropped" to $T/results.
run() {
	local size=$1 round=$2 w0 w1 b0 t0 b1 t1 wcpu vcpu ceil vsecs secs j jw attempted sent tx_drop delivered busy cpf ppb dropped missed limit
	vm "set txpkts $size" "start"
	sleep 1
	console "clear port stats all" "clear worker stats"
	w0=$(date +%s%N)
	b0=$(lcore_ticks "$DPB_PID") t0=$(lcore_ticks "$VM_PID")
	vm "clear fwd stats all"
	sleep "$SECS"
	console "show port stats all json" "show worker stats json" "show drops json"
	w1=$(date +%s%N)
	b1=$(lcore_ticks "$DPB_PID") t1=$(lcore_ticks "$VM_PID")
	vm "show fwd stats all"
	vm "stop"
	dst_known || fail "$DST no longer on bond0 in vmbr0's FDB after the $size-byte round $round"
	# testpmd's window: from just before its clear to just before its show
	# (each answered as late); dpbond's: its worker's cycles since the clear.
	vsecs=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	j=$(answer "show port stats all json")
	jw=$(answer "show worker stats json")
	secs=$(jq -r '.[0] | (.busy_cycles + .idle_cycles) / .tsc_hz * 1000 | round / 1000' <<< "$jw")
	sent=$(vm_fwd TX-packets)
	tx_drop=$(vm_fwd TX-dropped)
	attempted=$((sent + tx_drop))
	delivered=$(jq -r '.[] | select(.name == "eth0") | .tx_packets' <<< "$j")
	missed=$(jq -r '[.[] | select(.name == "vm100") | .rx_missed + .rx_errors + .rx_nombuf] | add' <<< "$j")
	dropped=$(answer "show drops json" | jq -r .total)
	busy=$(jq -r '.[0].busy_percent / 100' <<< "$jw" | awk '{ printf "%.3f", $1 }')
	cpf=$(jq -r '.[0].cycles_per_packet' <<< "$jw")
	ppb=$(jq -r '.[0].packets_per_burst' <<< "$jw")
	# what the worker would deliver busy all the time at this cost a frame
	ceil=$(jq -r '.[0] | if .cycles_per_packet > 0 then .tsc_hz / .cycles_per_packet / 1e6 else 0 end' <<< "$jw" |
		awk '{ printf "%.3f", $1 }')
	wcpu=$(awk -v x=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" -v t="$vsecs" 'BEGIN { printf "%.2f", x / hz / t }')
	vcpu=$(awk -v x=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v t="$vsecs" 'BEGIN { printf "%.2f", x / hz / t }')
	limit=generator
	awk -v b="$busy" -v p="$ppb" -v d="$tx_drop" 'BEGIN { exit !(b >= 0.95 && p >= 28 && d > 0) }' && limit=dpbond
	# A side that lost CPU to another process: busy cycles count the time
	# the worker was off its CPU too, and the rates are not the rig's.
	awk -v w="$wcpu" -v v="$vcpu" 'BEGIN { exit !(w < 0.95 || v < 0.85) }' && limit=contended
	awk -v s="$size" -v r="$round" -v vt="$vsecs" -v t="$secs" -v a="$attempted" -v n="$sent" -v v="$tx_drop" \
		-v d="$delivered" -v b="$busy" -v c="$cpf" -v p="$ppb" -v x="$dropped" -v m="$missed" -v l="$limit" \
		-v wc="$wcpu" -v vc="$vcpu" -v ce="$ceil" 'BEGIN {
		printf "BENCH case=vm-path size=%s round=%s vm_secs=%s vm_attempted_mpps=%.3f vm_sent_mpps=%.3f vm_tx_dropped=%d", s, r, vt, a / vt / 1e6, n / vt / 1e6, v
		printf " dpbond_secs=%s dpbond_delivered_mpps=%.3f dpbond_gbit_s=%.2f worker_busy=%s cycles_per_frame=%s frames_per_burst=%s worker_ceiling_mpps=%s",
			t, d / t / 1e6, d * s * 8 / t / 1e9, b, c, p, ce
		printf " dpbond_dropped=%d vm100_rx_missed=%d worker_cpu=%s vm_cpu=%s limit=%s\n", x, m, wc, vc, l }'
	echo "$size $(awk -v vt="$vsecs" -v t="$secs" -v a="$attempted" -v n="$sent" -v d="$delivered" \
		'BEGIN { printf "%.3f %.3f %.3f", a / vt / 1e6, n / vt / 1e6, d / t / 1e6 }') $busy $cpf $ppb $tx_drop $dropped $limit $ceil" >> "$T/results"
}

: > "$T/results"
for round in $(seq "$ROUNDS"); do
	for size in $SIZES; do run "$size" "$round"; done
done

# median SIZE COLUMN: the median of COLUMN (2: attempted ... 7: frames per
# burst, 11: the worker's ceiling) over SIZE's rounds that no other process disturbed ("-": none).
median() {
	awk -v s="$1" -v c="$2" '$1 == s && $10 != "contended" { print $c }' "$T/results" |
		sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "medians of the undisturbed of $ROUNDS rounds of $SECS s (Mpps: millions of frames a second):"
for size in $SIZES; do
	printf 'SUMMARY case=vm-path size=%s vm_attempted_mpps=%s vm_sent_mpps=%s dpbond_delivered_mpps=%s worker_busy=%s cycles_per_frame=%s frames_per_burst=%s worker_ceiling_mpps=%s limit=%s\n' \
		"$size" "$(median "$size" 2)" "$(median "$size" 3)" "$(median "$size" 4)" "$(median "$size" 5)" \
		"$(median "$size" 6)" "$(median "$size" 7)" "$(median "$size" 11)" \
		"$(awk -v s="$size" '$1 == s { n[$10]++ } END { for (l in n) { printf "%s%s:%d", sep, l, n[l]; sep = "," } }' "$T/results")"
done
echo "dpbond threads, CPU seconds: $(for t in /proc/"$DPB_PID"/task/*; do
	printf '%s=%s ' "$(tr ' ' _ < "$t/comm")" "$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "$t/stat")"; done)"

printf 'quit\n' >&4
stop_pid "$VM_PID" 10
rm -rf /var/run/dpdk/dpbt-vmp-vm-$$
quit_dpbond
