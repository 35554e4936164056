# Helpers shared by dpbond's integration tests (bash). Each test sources this
# with BUILD (the meson build directory) and SEED (the seed's folder) set.
set -euo pipefail

DPBOND="$BUILD/app/dpbond/dpbond"
CTL="$BUILD/app/dpbondctl/dpbondctl"
PCAP="$BUILD/test/dpb-pcap"
T=$(mktemp -d /tmp/dpbond-test.XXXXXX)
NS=""
EXTRA_NS=()
EXTRA_PIDS=()
DPB_PID=""

# Every command the test runs is traced to $T/trace; a test that fails or is
# ended shows the last of them (a hang names the command it hung in).
exec 19>>"$T/trace"
BASH_XTRACEFD=19
PS4='+ ${BASH_SOURCE##*/}:${LINENO}: '
set -x

# A test still running after 100 s (meson ends them at 120 or 180) says
# where it is, before it is ended: its last commands, dpbond's and the VM's last words.
( set +x; for _ in $(seq 100); do sleep 1; done
  { echo "--- still running after 100 s; the last commands:"; tail -25 "$T/trace"
    for f in err vm.out; do [ -f "$T/$f" ] && { echo "--- $f:"; tail -15 "$T/$f"; }; done
    echo "--- processes:"; ps -eo pid,ppid,stat,wchan:24,etime,args |
	grep -E "dpb-pcap|dpbond|testpmd|timeout|ip netns" | grep -v grep; } >&2 ) >/dev/null 19>&- &
WATCHDOG=$!

fail() { echo "FAIL: $*" >&2; [ -f "$T/out" ] && { echo "--- dpbond stdout:"; tail -60 "$T/out"; } >&2; [ -f "$T/err" ] && { echo "--- dpbond stderr:"; tail -30 "$T/err"; } >&2; exit 1; }
ok() { echo "ok - $*"; }
# `CMD | matches [GREP-OPTIONS] PATTERN`: grep -q that reads all of its input
# first. Under pipefail, `CMD | matches` fails at random: grep leaves at the
# first match and CMD, still writing, dies of SIGPIPE.
matches() { local in; in=$(cat); grep -q "$@" <<< "$in"; }

cleanup() {
	local rc=$?
	set +x
	if [ "$rc" -ne 0 ] && [ -s "$T/trace" ]; then
		echo "--- the test's last commands (status $rc):" >&2
		tail -25 "$T/trace" >&2
	fi
	kill "$WATCHDOG" 2>/dev/null || true
	for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$DPB_PID" ] && kill -0 "$DPB_PID" 2>/dev/null; then
		kill "$DPB_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$DPB_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$DPB_PID" 2>/dev/null || true
	fi
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null || true
	for n in "${EXTRA_NS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
	# EAL's runtime folders of this test's processes (their --file-prefix).
	rm -rf /var/run/dpdk/dpbt-*-$$ "${XDG_RUNTIME_DIR:-/nonexistent}"/dpdk/dpbt-*-$$
	release_hugepages
}
trap cleanup EXIT

# needs_hugepages N: N free 2 MB hugepages on a hugetlbfs mount of 2 MB pages,
# HUGE_DIR (for a DPDK process whose memory another process shares, e.g.
# dpdk-dumpcap's): mounts one and reserves pages if need be, and the cleanup
# gives them back. Pages that cannot be had skip the test, but under CI=true
# fail it: CI must run every test.
HUGE_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB
HUGE_DIR="" HUGE_MOUNTED="" HUGE_WAS=""
needs_hugepages() {
	local want=$1 free
	[ -d "$HUGE_SYS" ] || huge_unavailable "this kernel has no 2 MB hugepages"
	# a mount of 2 MB pages: pagesize=2M, or none said and 2 MB the default.
	HUGE_DIR=$(awk -v def="$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)" '
		$3 == "hugetlbfs" && ($4 ~ /pagesize=2M/ || ($4 !~ /pagesize=/ && def == 2048)) { print $2; exit }' /proc/mounts)
	if [ -z "$HUGE_DIR" ]; then
		HUGE_DIR=/tmp/dpbt-huge-$$
		mkdir -p "$HUGE_DIR"
		mount -t hugetlbfs -o pagesize=2M nodev "$HUGE_DIR" ||
			huge_unavailable "cannot mount hugetlbfs on $HUGE_DIR"
		HUGE_MOUNTED=1
	fi
	free=$(huge_free)
	if [ "$free" -lt "$want" ]; then
		HUGE_WAS=$(cat "$HUGE_SYS/nr_hugepages")
		echo 1 2>/dev/null > /proc/sys/vm/compact_memory || true
		echo $((HUGE_WAS + want - free)) 2>/dev/null > "$HUGE_SYS/nr_hugepages" || true
		free=$(huge_free)
		[ "$free" -ge "$want" ] ||
			huge_unavailable "only $free of $want free 2 MB hugepages could be reserved"
	fi
}
# free 2 MB pages not promised to a mapping already.
huge_free() { echo $(( $(cat "$HUGE_SYS/free_hugepages") - $(cat "$HUGE_SYS/resv_hugepages") )); }
huge_unavailable() {
	release_hugepages
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $1; CI must run this test" >&2
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}
# release_hugepages: this test's hugepage files, pages and mount given back.
release_hugepages() {
	[ -n "$HUGE_DIR" ] && rm -f "$HUGE_DIR"/dpbt-*-"$$"map_*
	[ -n "$HUGE_WAS" ] && { echo "$HUGE_WAS" > "$HUGE_SYS/nr_hugepages" || true; }
	[ -n "$HUGE_MOUNTED" ] && umount "$HUGE_DIR" && rmdir "$HUGE_DIR"
	HUGE_WAS="" HUGE_MOUNTED=""
	return 0
}

# cable NS TAP VETH: in namespace NS, a member's TAP and a veth forward to each
# other, both ways (tc mirred); the kernel neither answers nor sends on the TAP
# (no IPv6, arp off).
cable() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip -n "$1" link set "$2" arp off
	for dir in "$2 $3" "$3 $2"; do
		set -- "$1" $dir
		ip netns exec "$1" tc qdisc add dev "$2" ingress
		ip netns exec "$1" tc filter add dev "$2" parent ffff: protocol all \
			u32 match u32 0 0 action mirred egress redirect dev "$3"
	done
}

# needs_netns TOOL...: skips (77) unless root with /dev/net/tun and every TOOL.
needs_netns() {
	local t
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
		echo "SKIP: needs root and /dev/net/tun (network namespaces, TAP ports)"
		exit 77
	fi
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
	done
}

# switched_host TAG [MTU]: the namespaces of a host behind a switch. NS (H)
# will run dpbond; S is the switch, Linux bridge brs, with veths sw0 and sw1
# whose ends hv0 and hv1 are in H (arp off, to be cabled to the members'
# TAPs); R is the remote host, 198.51.100.2/24 on rv, behind the switch.
# IPv6 is off everywhere. Every link gets MTU (default 1500).
switched_host() {
	local n i mtu=${2:-1500}
	NS=dpbt-$1-h-$$ S=dpbt-$1-s-$$ R=dpbt-$1-r-$$
	EXTRA_NS=("$S" "$R")
	for n in "$NS" "$S" "$R"; do
		ip netns add "$n"
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n "$n" link set lo up
	done
	ip -n "$S" link add brs type bridge
	ip -n "$S" link set brs mtu "$mtu" up
	for i in 0 1; do
		ip link add "hv$i-$$" netns "$NS" mtu "$mtu" type veth peer name "sw$i" netns "$S" mtu "$mtu"
		ip -n "$NS" link set "hv$i-$$" name "hv$i"
		ip -n "$NS" link set "hv$i" arp off up
		ip -n "$S" link set "sw$i" master brs up
	done
	ip link add "rv-$$" netns "$R" mtu "$mtu" type veth peer name swr netns "$S" mtu "$mtu"
	ip -n "$R" link set "rv-$$" name rv
	ip -n "$R" addr add 198.51.100.2/24 dev rv
	ip -n "$R" link set rv up
	ip -n "$S" link set swr master brs up
}

# dpbond_on_taps TAG [CABLE]: runs dpbond in namespace NS on $T/interfaces,
# eth0 and eth1 on TAPs dpbm0 and dpbm1, its console on fd 3 (output in
# $T/out, $T/err); with CABLE, the TAPs are cabled to hv0 and hv1 once up.
dpbond_on_taps() {
	mkfifo "$T/cmd"
	ip netns exec "$NS" "$DPBOND" $(eal_opts "$1") -- -c "$T/interfaces" \
		--port eth0=net_tap0,iface=dpbm0 --port eth1=net_tap1,iface=dpbm1 \
		-i < "$T/cmd" > "$T/out" 2> "$T/err" &
	DPB_PID=$!
	exec 3> "$T/cmd"
	console "sleep 100"
	if [ -n "${2:-}" ]; then
		cable "$NS" dpbm0 hv0
		cable "$NS" dpbm1 hv1
	fi
}

# The test guest: a Debian cloud kernel and its virtio modules, put there by
# .ci/install-deps; busybox-static and cpio make its initramfs.
GUEST_DIR=${DPB_GUEST_DIR:-/var/lib/dpbond-test/guest}

# needs_guest: skips (77) unless QEMU and the guest's parts are here.
needs_guest() {
	local t
	for t in qemu-system-x86_64 cpio; do
		command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
	done
	[ -x /bin/busybox ] && file_is_static /bin/busybox ||
		{ echo "SKIP: /bin/busybox (busybox-static) is not installed"; exit 77; }
	[ -f "$GUEST_DIR/vmlinuz" ] ||
		{ echo "SKIP: no guest kernel in $GUEST_DIR (.ci/install-deps puts it there)"; exit 77; }
}
file_is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

# start_guest NAME SOCKET ADDR [DEVICE-OPTIONS]: boots the test guest with one
# virtio-net NIC on vhost-user socket SOCKET (dpbond's), eth0 given ADDR;
# its console goes to $T/NAME.out. Sets GUEST_PID. KVM where a guest boots
# under it, else software emulation (guest_accel). Without MSI-X
# (vectors=0): Debian 12's QEMU 7.2 under software emulation was seen
# crashing in msix_set_vector_notifiers as vhost-user started.
start_guest() {
	start_guest_with "$1" "$3" \
		-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
		-chardev "socket,id=c0,path=$2" -netdev type=vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,vectors=0${4:+,$4}"
}

# start_guest_with NAME ADDR QEMU-ARGS...: the test guest (256 MiB), eth0
# given ADDR, with QEMU-ARGS for its memory and NIC (as dpbond-pve's `args`
# gives them). Sets GUEST_PID. GUEST_APPEND adds to the kernel's command line
# (guest_vlan=ID: the address goes on eth0.ID). The guest runs commands
# sent to $T/NAME.cmd (guest_run).
start_guest_with() {
	local accel
	accel=$(guest_accel)
	boot_guest "$accel" "$@"
}

# guest_accel: kvm when the test guest boots under it on this machine, else
# tcg; DPB_QEMU_ACCEL decides when set. /dev/kvm is there on these machines,
# but guests under it were seen hanging before their first word: one trial
# boot (20 s at most, no NIC) decides, its answer kept in $GUEST_DIR/accel
# for the rest of this boot of the machine.
guest_accel() {
	local f=$GUEST_DIR/accel boot i accel=tcg trial qemu
	if [ -n "${DPB_QEMU_ACCEL:-}" ]; then echo "$DPB_QEMU_ACCEL"; return; fi
	boot=$(cat /proc/sys/kernel/random/boot_id)
	if [ -r "$f" ] && [ "$(awk '{ print $1 }' "$f")" = "$boot" ]; then awk '{ print $2 }' "$f"; return; fi
	if [ -w /dev/kvm ]; then
		( boot_guest kvm kvm-trial 192.0.2.9/24; echo "$GUEST_PID" > "$T/kvm-trial.pid"; wait "$GUEST_PID" ) &
		trial=$!
		for i in $(seq 200); do
			tr -d '\r' 2>/dev/null < "$T/kvm-trial.out" | matches -x "vm: ready" && { accel=kvm; break; }
			sleep 0.1
		done
		qemu=$(cat "$T/kvm-trial.pid" 2>/dev/null)
		if [ -n "$qemu" ]; then stop_pid "$qemu" 5 2>/dev/null; fi
		wait "$trial" 2>/dev/null || true
	fi
	echo "$boot $accel" > "$f" 2>/dev/null || true
	echo "guest acceleration: $accel (a trial boot under KVM $( [ $accel = kvm ] && echo came up || echo did not come up in 20 s))" >&2
	echo "$accel"
}

# boot_guest ACCEL NAME ADDR QEMU-ARGS...: start_guest_with, under ACCEL.
boot_guest() {
	local accel=$1 name=$2 addr=$3 d="$T/$2-initrd"
	shift 3
	mkdir -p "$d/bin" "$d/lib/modules"
	cp /bin/busybox "$d/bin/busybox"
	cp "$(dirname "${BASH_SOURCE[0]}")/guest-init" "$d/init"
	chmod 755 "$d/init"
	cp "$GUEST_DIR"/modules/*.ko "$d/lib/modules/"
	(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) > "$T/$name-initrd.gz"
	qemu-system-x86_64 -machine "accel=$accel" -m 256 -smp 1 \
		-kernel "$GUEST_DIR/vmlinuz" -initrd "$T/$name-initrd.gz" \
		-append "console=ttyS0 panic=-1 quiet guest_addr=$addr ${GUEST_APPEND:-}" \
		-display none -monitor none -serial "file:$T/$name.out" \
		-chardev "socket,id=cmd,path=$T/$name.cmd,server=on,wait=off" -serial chardev:cmd \
		${GUEST_NO_REBOOT--no-reboot} \
		"$@" > "$T/$name.qemu" 2>&1 &
	GUEST_PID=$!
	EXTRA_PIDS+=("$GUEST_PID")
}

# guest_run NAME COMMAND [TIMEOUT]: runs COMMAND in guest NAME's shell; its
# output on stdout, its status as ours (124: no answer within TIMEOUT s).
guest_run() { python3 "$(dirname "${BASH_SOURCE[0]}")/guest.py" "$T/$1.cmd" "$2" "${3:-60}"; }

# guest_up NAME: waits (90 s) for guest NAME to say it is ready, or fails.
guest_up() {
	local i
	for i in $(seq 900); do tr -d '\r' 2>/dev/null < "$T/$1.out" | matches -x "vm: ready" && return 0; sleep 0.1; done
	fail "guest $1 did not come up: $(tail -20 "$T/$1.out" 2>/dev/null) $(cat "$T/$1.qemu")"
}

# stop_pid PID [SECONDS]: SIGINT, then SIGKILL if it has not ended within
# SECONDS (default 10); reaps it. A process that hangs on its way out fails
# nothing by itself, but can never hold the test up.
stop_pid() {
	local i
	kill -INT "$1" 2>/dev/null || true
	for i in $(seq $(( ${2:-10} * 10 ))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2>/dev/null; then
		echo "note: process $1 did not end on SIGINT within ${2:-10} s; killed" >&2
		kill -9 "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

# fake_host DIR: a host for `DPBOND_HOST_ROOT=DIR dpbond --check`, made of real
# files, that any file's needs match: 512 reserved 2 MiB pages, no 1 GiB
# pages, a kernel command line without hugepages, no PCI device yet.
fake_host() {
	local mm="$1/sys/kernel/mm/hugepages"
	mkdir -p "$mm/hugepages-2048kB" "$mm/hugepages-1048576kB" "$1/proc" "$1/sys/bus/pci/devices" "$1/etc/dpdk"
	echo 512 > "$mm/hugepages-2048kB/nr_hugepages"
	echo 0 > "$mm/hugepages-1048576kB/nr_hugepages"
	echo "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet" > "$1/proc/cmdline"
	: > "$1/etc/dpdk/dpdk.conf"
}

# fake_nic DIR ADDR [DRIVER]: PCI device ADDR in fake_host DIR, bound to DRIVER.
fake_nic() {
	mkdir -p "$1/sys/bus/pci/devices/$2" "$1/sys/bus/pci/drivers"
	[ -z "${3:-}" ] || ln -s "../../../bus/pci/drivers/$3" "$1/sys/bus/pci/devices/$2/driver"
}

# EAL options for a test process: no hugepages, no PCI, a prefix of its own.
# Lcores: DPB_EAL_LCORES (e.g. "--lcores 0@0,1@1,2@1") or -l DPB_LCORES (default 0).
eal_opts() { echo "${DPB_EAL_LCORES:--l ${DPB_LCORES:-0}} --no-huge --no-pci -m 256 --file-prefix dpbt-$1-$$ --log-level=lib.eal:warning"; }

# waits until "$2" appears in file $1 (as a whole line), up to $3 seconds.
wait_line() {
	local i
	for i in $(seq $(( ${3:-10} * 10 ))); do
		grep -qx -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# For a dpbond reading commands from a fifo opened as fd 3 (its output in
# $T/out): cmd sends lines; console sends them and waits until they ran.
# A mark is unique even when console runs in a subshell ($(...)), where a
# counter's steps would be lost and an old mark found again.
cmd() { printf '%s\n' "$@" >&3; }
console() {
	local mark="mark-$BASHPID-$(date +%s%N)"
	cmd "$@" "echo $mark"
	wait_line "$T/out" "$mark" 15 || fail "console did not answer: $*"
}

# answer CMD: the lines dpbond printed (in $T/out) for the last CMD on its console.
answer() { awk -v c="dpbond> $1" '$0 == c { n++; a[n] = ""; inb = 1; next } /^dpbond> / { inb = 0 } inb { a[n] = a[n] $0 "\n" } END { printf "%s", a[n] }' "$T/out"; }

# quit_dpbond: quits the dpbond whose console is fd 3; it must end well,
# with every mbuf back in its pool.
quit_dpbond() {
	cmd quit
	wait "$DPB_PID" || fail "dpbond exited with an error"
	DPB_PID=""
	grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "mbufs were lost"
	ok "dpbond quit with every mbuf back in the pool"
}

# prints the Nth (1-based) `show bonding` block of file $1.
bond_block() {
	awk -v n="$2" '/^dpbond> /{ inb = ($0 ~ /^dpbond> show bonding /) ? ++k == n : 0; next } inb' "$1"
}

# prints field $3 of member $2 in a bond block on stdin, or of the bond when $2 is "-".
bond_field() {
	awk -v m="$1" -v f="$2" -F': ' '
		/^Slave Interface: / { cur = $2; next }
		/^$/ { next }
		(m == "-" && cur == "" && $1 == f) || (cur == m && $1 == f) { print $2; exit }'
}
