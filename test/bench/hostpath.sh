#!/bin/bash
# The host port's path, measured by hand (not a meson test; see
# doc/performance.md, "The host port's path"):
#
#   test/bench/hostpath.sh BUILD [SECONDS [ROUNDS]]
#
# TCP throughput (iperf3) between a remote host and the host's own address
# on the bridge, two ways side by side, in interleaved rounds:
#
#   linux:  R (198.51.100.2, veth rv) -- hv0 in H, a port of the Linux
#           bridge vmbr0, which has 198.51.100.1/24 (a Proxmox host's
#           vmbr0 without dpbond; this kernel has no bonding driver, so no
#           bond in between).
#   dpbond: R (198.51.100.2, veth rv) -- hv0 in H, cabled by tc mirred to
#           the TAP of dpbond's bond0 member eth0; vmbr0 is dpbond's host
#           port, a net_tap TAP in H with 198.51.100.1/24.
#
# Each way in both directions (to-host: R sends, H receives; from-host:
# iperf3 -R), at MTU 1500; the Linux bridge also at MTU 9000 (DPDK 22.11's
# net_tap takes frames of at most 1522 bytes, so a dpbond host port runs
# 1500 at most). One line per run, then the medians and dpbond's ratio to
# the Linux bridge at 1500, and what dpbond counted: drops, the TAPs' own
# kernel-side drops, and its worker's loops.
#
# dpbond runs on the lcores of test/integration/lib.sh's eal_opts (-l 0
# unless DPB_LCORES / DPB_EAL_LCORES say otherwise); both iperf3 ends are
# pinned to CPU IPERF_CPU (default 1), in both ways. Needs root, iperf3
# and jq; installs nothing. Run it under the shared lock:
#   flock /tmp/dpbond-test.lock test/bench/hostpath.sh build 5 3
BUILD=${1:?usage: hostpath.sh BUILD [SECONDS [ROUNDS]]}
SECS=${2:-5}
ROUNDS=${3:-3}
IPERF_CPU=${IPERF_CPU:-1}
. "$(dirname "$0")/../integration/lib.sh"
# A benchmark runs longer than a test: no watchdog.
kill "$WATCHDOG" 2>/dev/null || true

needs_netns iperf3 jq tc

# ns_pair TAG MTU: namespaces H and R of one way, veth hv0 (H) -- rv (R),
# R at 198.51.100.2/24. Sets H_NS and R_NS.
ns_pair() {
	H_NS=dpbt-$1-h-$$ R_NS=dpbt-$1-r-$$
	local n
	for n in "$H_NS" "$R_NS"; do
		ip netns add "$n"
		EXTRA_NS+=("$n")
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n "$n" link set lo up
	done
	ip link add "hv0-$$" netns "$H_NS" mtu "$2" type veth peer name "rv-$$" netns "$R_NS" mtu "$2"
	ip -n "$H_NS" link set "hv0-$$" name hv0
	ip -n "$R_NS" link set "rv-$$" name rv
	ip -n "$R_NS" addr add 198.51.100.2/24 dev rv
	ip -n "$R_NS" link set rv up
}

# The Linux way: vmbr0 a Linux bridge with hv0 as its port and the address.
ns_pair lb 1500
LB_H=$H_NS LB_R=$R_NS
ip -n "$LB_H" link add vmbr0 type bridge
ip -n "$LB_H" link set hv0 master vmbr0 up
ip -n "$LB_H" addr add 198.51.100.1/24 dev vmbr0
ip -n "$LB_H" link set vmbr0 up
# lb_mtu MTU: every link of the Linux way at MTU.
lb_mtu() {
	ip -n "$LB_H" link set hv0 mtu "$1"
	ip -n "$LB_R" link set rv mtu "$1"
	ip -n "$LB_H" link set vmbr0 mtu "$1"
}

# The dpbond way: bond0 of eth0 and eth1 (TAPs dpbm0, dpbm1; eth1 not
# cabled, the backup), bridged in vmbr0 with a host port.
ns_pair dp 1500
NS=$H_NS DP_R=$R_NS
ip -n "$NS" link set hv0 arp off up
cat > "$T/interfaces" <<CFG
auto lo
iface lo inet loopback
iface eth0 inet manual
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup
    bond-primary eth0
auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
CFG
dpbond_on_taps hb
cable "$NS" dpbm0 hv0
for _ in $(seq 50); do ip -n "$NS" -4 addr show dev vmbr0 2>/dev/null | matches 198.51.100.1 && break; sleep 0.1; done
ip netns exec "$DP_R" ping -c 2 -W 2 198.51.100.1 > /dev/null ||
	fail "198.51.100.2 cannot ping dpbond's host port 198.51.100.1"
ip netns exec "$LB_R" ping -c 2 -W 2 198.51.100.1 > /dev/null ||
	fail "198.51.100.2 cannot ping the Linux bridge's 198.51.100.1"

# An iperf3 server on 198.51.100.1 in each H, pinned like the clients.
for h in "$LB_H" "$NS"; do
	ip netns exec "$h" iperf3 -s -B 198.51.100.1 -A "$IPERF_CPU" > "$T/iperf3-s-$h.log" 2>&1 &
	EXTRA_PIDS+=($!)
done
sleep 0.5

# cpu_ticks: the machine's busy and total ticks (/proc/stat); pid_ticks PID: a process's.
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
pid_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run WAY MTU DIR ROUND: one iperf3 run of SECS seconds; prints its line and
# appends "WAY MTU DIR GBITS" to $T/results. busy_cpus: how many of the
# machine's CPUs were busy meanwhile (anything above what the run itself
# needs is another process's: the machine is shared); dpbond_cpu: the share
# of a CPU dpbond had (its lcore should have a whole one).
run() {
	local r=$DP_R rev="" j gbit retr b0 t0 b1 t1 p0=0 p1=0 w0 w1 extra=""
	[ "$1" = linux ] && r=$LB_R
	[ "$3" = from-host ] && rev=-R
	j="$T/iperf3-$1-$2-$3-$4.json"
	read -r b0 t0 < <(cpu_ticks)
	[ "$1" = dpbond ] && p0=$(pid_ticks "$DPB_PID")
	w0=$(date +%s%N)
	ip netns exec "$r" iperf3 -c 198.51.100.1 -B 198.51.100.2 -t "$SECS" -A "$IPERF_CPU" $rev -J > "$j" ||
		fail "iperf3 $1 MTU $2 $3 failed: $(jq -r '.error // empty' "$j" 2>/dev/null)"
	read -r b1 t1 < <(cpu_ticks)
	w1=$(date +%s%N)
	if [ "$1" = dpbond ]; then
		p1=$(pid_ticks "$DPB_PID")
		extra=" dpbond_cpu=$(awk -v p=$((p1 - p0)) -v w=$((w1 - w0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", p / hz / (w / 1e9) }')"
	fi
	gbit=$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 1000 | round / 1000' "$j")
	retr=$(jq -r '.end.sum_sent.retransmits' "$j")
	printf 'BENCH way=%s mtu=%s dir=%s round=%s gbit_s=%s retransmits=%s busy_cpus=%s%s\n' "$1" "$2" "$3" "$4" \
		"$gbit" "$retr" "$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v n="$(nproc)" 'BEGIN { printf "%.2f", b * n / t }')" "$extra"
	echo "$1 $2 $3 $gbit" >> "$T/results"
}

# kernel_drops NS DEV: the kernel's rx and tx drops on DEV.
kernel_drops() { ip -n "$1" -s -j link show dev "$2" | jq -r '.[0].stats64 | "\(.rx.dropped) \(.tx.dropped)"'; }

: > "$T/results"
console "clear port stats all"
read -r dp0_rx0 dp0_tx0 < <(kernel_drops "$NS" dpbm0)
read -r vm_rx0 vm_tx0 < <(kernel_drops "$NS" vmbr0)
for round in $(seq "$ROUNDS"); do
	for dir in to-host from-host; do
		lb_mtu 1500
		run linux 1500 "$dir" "$round"
		run dpbond 1500 "$dir" "$round"
		lb_mtu 9000
		run linux 9000 "$dir" "$round"
	done
done
lb_mtu 1500

# median WAY MTU DIR
median() {
	awk -v w="$1" -v m="$2" -v d="$3" '$1 == w && $2 == m && $3 == d { print $4 }' "$T/results" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "medians of $ROUNDS rounds of $SECS s, Gbit/s (iperf3's received rate):"
for dir in to-host from-host; do
	l=$(median linux 1500 "$dir") d=$(median dpbond 1500 "$dir") j=$(median linux 9000 "$dir")
	printf 'SUMMARY dir=%s linux_1500=%s dpbond_1500=%s linux_9000=%s dpbond_vs_linux_1500=%s\n' \
		"$dir" "$l" "$d" "$j" "$(awk -v a="$d" -v b="$l" 'BEGIN { printf "%.3f", a / b }')"
done

# What dpbond saw over every run: frames, its drops, the TAPs' kernel-side drops.
console "show port stats all json" "show drops json" "show workers json"
answer "show port stats all json" | jq -c '.[] | select(.name == "eth0" or .name == "vmbr0") |
	{name, rx_packets, tx_packets, rx_missed, rx_errors, rx_nombuf, tx_errors, dropped}' | sed 's/^/dpbond port: /'
echo "dpbond drops: $(answer "show drops json" | jq -c .)"
echo "dpbond workers: $(answer "show workers json" | jq -c .)"
echo "dpbond threads, CPU seconds: $(for t in /proc/"$DPB_PID"/task/*; do
	printf '%s=%s ' "$(tr ' ' _ < "$t/comm")" "$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "$t/stat")"; done)"
read -r dp0_rx1 dp0_tx1 < <(kernel_drops "$NS" dpbm0)
read -r vm_rx1 vm_tx1 < <(kernel_drops "$NS" vmbr0)
echo "kernel drops over the runs: dpbm0 (eth0's TAP) rx $((dp0_rx1 - dp0_rx0)) tx $((dp0_tx1 - dp0_tx0)), vmbr0 (host port TAP) rx $((vm_rx1 - vm_rx0)) tx $((vm_tx1 - vm_tx0))"
echo "(a TAP's tx drops are frames the kernel queued for dpbond and dropped because dpbond read them too slowly)"
quit_dpbond
