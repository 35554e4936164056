#!/bin/bash
# A clean stop: SIGTERM, and SIGINT, end a dpbond running on hugepages with
# a bond on TAPs, a host port (TAP) and a VM port: exit 0, the final
# counters said, every mbuf back, the vhost-user and control sockets gone,
# the TAPs gone, no hugepage file of its prefix left; and a dpbond started
# again at once on the same prefix and sockets works.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns
needs_hugepages 128

PREFIX=dpbt-stop-$$
NS=dpbt-stop-$$
ip netns add "$NS"
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
    bridge-vhost-ports vm100
CFG

run_and_stop() {  # run_and_stop SIGNAL
	local sig=$1 rc
	ip netns exec "$NS" "$DPBOND" -l 0 --no-pci --huge-dir "$HUGE_DIR" --file-prefix "$PREFIX" \
		--log-level=lib.eal:warning -- -c "$T/interfaces" --run-dir "$T/run" \
		--ctl-socket "$T/ctl.sock" --port eth0=net_tap0,iface=dpbs0 --port eth1=net_tap1,iface=dpbs1 \
		> "$T/out" 2> "$T/err" &
	DPB_PID=$!
	for _ in $(seq 100); do [ -S "$T/ctl.sock" ] && break; sleep 0.1; done
	"$CTL" --socket "$T/ctl.sock" show bonding bond0 > "$T/b" || fail "$sig run: no answer"
	grep -qx "Currently Active Slave: eth0" "$T/b" || fail "$sig run: $(cat "$T/b")"
	[ -S "$T/run/vm100.sock" ] && ip -n "$NS" link show vmbr0 > /dev/null && ip -n "$NS" link show dpbs0 > /dev/null ||
		fail "$sig run: the VM socket or a TAP is missing"
	ls "$HUGE_DIR"/"$PREFIX"map_* > /dev/null 2>&1 || fail "$sig run: no hugepage files of $PREFIX (not on hugepages?)"
	kill -"$sig" "$DPB_PID"
	set +e
	wait "$DPB_PID"; rc=$?
	set -e
	DPB_PID=""
	[ $rc = 0 ] || fail "SIG$sig: exit $rc"
	grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "SIG$sig: mbufs were lost"
	for p in eth0 eth1 vmbr0 vm100; do
		grep -q "final counters: $p: rx [0-9]* tx [0-9]* dropped [0-9]*" "$T/err" ||
			fail "SIG$sig: no final counters for $p: $(tail -20 "$T/err")"
	done
	[ ! -e "$T/run/vm100.sock" ] && [ ! -e "$T/ctl.sock" ] || fail "SIG$sig: sockets left: $(ls "$T/run" "$T")"
	! ip -n "$NS" link show vmbr0 > /dev/null 2>&1 && ! ip -n "$NS" link show dpbs0 > /dev/null 2>&1 ||
		fail "SIG$sig: TAPs left: $(ip -n "$NS" -br link)"
	! ls "$HUGE_DIR"/"$PREFIX"map_* > /dev/null 2>&1 || fail "SIG$sig: hugepage files left: $(ls "$HUGE_DIR")"
	ok "SIG$sig: exit 0, final counters, every mbuf back; sockets, TAPs and hugepage files gone"
}
run_and_stop TERM
run_and_stop INT
ok "started again at once on the same prefix and sockets, it ran and stopped as cleanly"
