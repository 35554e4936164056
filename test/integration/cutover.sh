#!/bin/bash
# dpbond-cutover (issue 13 item 6): the switch from the kernel's bridge to
# dpbond, rolled back unless confirmed, and the way back, on a "kernel host"
# made in a network namespace (H): NICs hv0 and hv1 (veths to a switch S),
# the kernel's bridge vmbr0 with 198.51.100.1/24, a default route and a
# route with a metric; the administrator (R, 198.51.100.2) behind the
# switch. dpbond really runs in H, its members net_af_packet devices on hv0
# and hv1, started and stopped by the tool's hooks as systemd would.
#
# This machine has no bonding module: where `ip link add type bond` fails,
# the kernel host's vmbr0 is over hv0 alone (hv1 standing by), and the
# restoring of a kernel bond is not covered; where it works, the kernel
# host's vmbr0 is over bond0 (active-backup, hv0 and hv1), and it is.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns ping nc tc jq bridge setsid
CUT="$BUILD/app/dpbond-cutover/dpbond-cutover"
DPB_PIDFILE=$T/dpbond.pid

switched_host ct

# The kernel host.
if ip -n "$NS" link add bond0 type bond mode active-backup miimon 100 2>/dev/null; then
	BONDING=1
	for i in 0 1; do ip -n "$NS" link set "hv$i" down; ip -n "$NS" link set "hv$i" master bond0; done
	ip -n "$NS" link set bond0 up
	KPORT=bond0
	ok "the kernel has bonding: vmbr0 over bond0 (active-backup, hv0 hv1)"
else
	BONDING=""
	KPORT=hv0
	echo "note: no bonding module on this machine: the kernel host's vmbr0 is over hv0 alone;" \
		"restoring a kernel bond is not covered here"
fi
ip -n "$NS" link add vmbr0 type bridge stp_state 0 forward_delay 0
ip -n "$NS" link set "$KPORT" master vmbr0
ip -n "$NS" link set vmbr0 up
ip -n "$NS" addr add 198.51.100.1/24 dev vmbr0
ip -n "$NS" route add default via 198.51.100.254
ip -n "$NS" route add 203.0.113.0/24 via 198.51.100.3 metric 50
ip netns exec "$R" ping -c 1 -W 2 198.51.100.1 > /dev/null || fail "R does not reach the kernel host"

# dpbond's file for the same host: its bond over the two NICs, its vmbr0
# with the kernel's address and routes.
cat > "$T/interfaces" <<CFG
auto lo
iface lo inet loopback

iface eth0 inet manual
    dpdk-devargs net_af_packet0,iface=hv0
iface eth1 inet manual
    dpdk-devargs net_af_packet1,iface=hv1

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode active-backup

auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    gateway 198.51.100.254
    up ip route add 203.0.113.0/24 via 198.51.100.3 metric 50
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
CFG
# A file dpbond refuses, and one it accepts but cannot start on (no such NIC).
sed 's/bond-mode active-backup/bond-mode sideways/' "$T/interfaces" > "$T/refused"
sed 's/iface=hv1/iface=nosuch0/' "$T/interfaces" > "$T/nostart"

# The hooks, as systemd's start, stop and is-active would be: dpbond in the
# background with a --file-prefix of its own, its run dir and socket in $T.
cat > "$T/start" <<EOF
#!/bin/bash
"$DPBOND" $(eal_opts ct) -- -c "\$1" --run-dir "$T/run" --ctl-socket "$T/ctl" \
	< /dev/null >> "$T/dpbond.log" 2>&1 &
echo \$! > "$DPB_PIDFILE"
EOF
cat > "$T/stop" <<EOF
#!/bin/bash
pid=\$(cat "$DPB_PIDFILE" 2>/dev/null) || exit 0
kill "\$pid" 2>/dev/null || exit 0
for i in \$(seq 100); do kill -0 "\$pid" 2>/dev/null || exit 0; sleep 0.1; done
kill -9 "\$pid"
EOF
cat > "$T/alive" <<EOF
#!/bin/bash
kill -0 "\$(cat "$DPB_PIDFILE" 2>/dev/null)" 2>/dev/null
EOF
chmod +x "$T/start" "$T/stop" "$T/alive"
mkdir -p "$T/run"

# cut ARGS...: dpbond-cutover in H, with the test's hooks and state dir.
cut() {
	ip netns exec "$NS" "$CUT" --state "$T/state" --dpbond "$DPBOND" --detach setsid \
		--stop "$T/stop" --alive "$T/alive" "$@"
}
# The cutover's detached run and dpbond, ended with the test if still there.
cutover_cleanup() {
	local p
	for p in "$T/state/pid" "$DPB_PIDFILE"; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 0.5
	[ -f "$DPB_PIDFILE" ] && kill -9 "$(cat "$DPB_PIDFILE")" 2>/dev/null || true
}
trap 'rc=$?; set +e; cutover_cleanup; (exit $rc); cleanup' EXIT

# The kernel's state as the comparison sees it: every link, address and
# route of H, without ifindexes, counters, timers or carrier.
dump() {
	{
		ip -n "$NS" -j -d link show | jq -S '[.[] | {ifname, flags: (.flags - ["LOWER_UP", "NO-CARRIER", "M-DOWN"]),
			mtu, master, address, kind: .linkinfo.info_kind, slave: .linkinfo.info_slave_kind,
			bridge: (.linkinfo.info_data | if . then {stp_state, forward_delay, vlan_filtering, ageing_time} else null end)}]
			| sort_by(.ifname)'
		ip -n "$NS" -j addr show | jq -S '[.[] | {ifname, a: [.addr_info[] | {family, local, prefixlen, broadcast, scope}]}]
			| sort_by(.ifname)'
		ip -n "$NS" -j route show table all | jq -S '[.[] | del(.flags)] | sort_by(.table, .dst, .type)'
	}
}
# kind_of LINK: the kind of H's link (bridge: the kernel's; tun: dpbond's TAP).
kind_of() { ip -n "$NS" -j -d link show dev "$1" | jq -r '.[0].linkinfo.info_kind'; }
dpbond_gone() {
	! kill -0 "$(cat "$DPB_PIDFILE" 2>/dev/null)" 2>/dev/null
}
r_ping() { ip netns exec "$R" ping -c 2 -i 0.2 -W 2 198.51.100.1 > "$T/ping" 2>&1 || fail "$1: R cannot ping 198.51.100.1: $(cat "$T/ping")"; }
# The administrator's TCP connection to the host, whoever carries it now.
tcp_ok() {
	ip netns exec "$NS" timeout 10 nc -l -N 198.51.100.1 2222 > "$T/rcv" &
	local srv=$!
	sleep 0.3
	echo "admin $1" | ip netns exec "$R" timeout 10 nc -N 198.51.100.1 2222 || fail "$1: TCP to 198.51.100.1 failed"
	wait $srv || true
	[ "$(cat "$T/rcv")" = "admin $1" ] || fail "$1: the host got '$(cat "$T/rcv")' over TCP"
}
# kernel_again WHAT: the kernel's vmbr0, addresses and routes as before, no dpbond.
kernel_again() {
	dpbond_gone || fail "$1: dpbond still runs"
	[ "$(kind_of vmbr0)" = bridge ] || fail "$1: vmbr0 is a $(kind_of vmbr0), not the kernel's bridge"
	dump > "$T/after"
	diff -u "$T/before" "$T/after" > "$T/diff" || fail "$1: the kernel's state differs: $(cat "$T/diff")"
	r_ping "$1"
	tcp_ok "$1"
	ok "$1: dpbond gone, the kernel's vmbr0, addresses and routes exactly as before (ip -j), R pings and connects"
}
# dpbond_has_it WHAT: vmbr0 is dpbond's TAP, with the address and routes, and R reaches it.
dpbond_has_it() {
	[ "$(kind_of vmbr0)" = tun ] || fail "$1: vmbr0 is a $(kind_of vmbr0), not dpbond's TAP"
	# (whole outputs, not piped into grep -q: a pipe it closes early fails under pipefail)
	local a r l
	a=$(ip -n "$NS" -4 addr show dev vmbr0) r=$(ip -n "$NS" route show) l=$(ip -n "$NS" link show dev "$KPORT")
	grep -q "inet 198.51.100.1/24" <<<"$a" || fail "$1: no 198.51.100.1/24 on dpbond's vmbr0: $a"
	grep -q "^default via 198.51.100.254 dev vmbr0" <<<"$r" && grep -q "^203.0.113.0/24 via 198.51.100.3 dev vmbr0 metric 50" <<<"$r" ||
		fail "$1: not the routes: $r"
	grep -q "master vmbr0" <<<"$l" && fail "$1: $KPORT still in a kernel vmbr0: $l"
	r_ping "$1"
	tcp_ok "$1"
	ok "$1: vmbr0 is dpbond's TAP with 198.51.100.1/24 and the routes; R pings and connects through dpbond"
}
dump > "$T/before"
r_ping "before"; tcp_ok "before"

# 1. A file dpbond refuses: nothing changes, nothing is recorded.
set +e
cut --config "$T/refused" --start "$T/start $T/refused" try --timeout 5 > "$T/o1" 2>&1; rc=$?
set -e
[ $rc = 2 ] || fail "a refused file: exit $rc, not 2: $(cat "$T/o1")"
grep -q "refused (dpbond --check: exit 2); nothing was changed" "$T/o1" || fail "a refused file: $(cat "$T/o1")"
grep -q "sideways" "$T/o1" || fail "dpbond's own message is not shown: $(cat "$T/o1")"
dump | diff -u "$T/before" - > "$T/diff" || fail "a refused file changed the host: $(cat "$T/diff")"
[ ! -e "$T/state/phase" ] || fail "a refused file left a record"
ok "a file dpbond refuses: exit 2 with dpbond's file:line message, nothing changed"

# 2. try, and the administrator's session dies with the kernel's bridge:
# the detached run takes over with dpbond, then, unconfirmed, rolls back.
# The session: a process group of its own, killed whole as sshd's hangup would.
export NS CUT T DPBOND
setsid bash -c "$(declare -f cut); cut \"\$@\"" cut --config "$T/interfaces" \
	--start "$T/start $T/interfaces" try --timeout 6 > "$T/o2" 2>&1 &
session=$!
for _ in $(seq 100); do grep -q "^switching\|switching to dpbond" "$T/state/log" 2>/dev/null && break; sleep 0.1; done
kill -9 -- "-$session" 2>/dev/null || true   # the SSH session is gone
wait "$session" 2>/dev/null || true
for _ in $(seq 200); do [ "$(cat "$T/state/phase" 2>/dev/null)" = waiting ] && break; sleep 0.1; done
[ "$(cat "$T/state/phase")" = waiting ] || fail "no takeover: $(cat "$T/state/log" "$T/state/run.out" "$T/dpbond.log" 2>&1)"
t_wait=$SECONDS
cut status > "$T/status"
grep -Eqx "recorded: (bond0 )?hv0 hv1 vmbr0 " "$T/status" && grep -q "^rollback in: [1-6] s unless confirmed" "$T/status" &&
	grep -qx "dpbond: running" "$T/status" || fail "status while waiting: $(cat "$T/status")"
dpbond_has_it "try, unconfirmed"
# A second cutover while one runs is refused.
set +e
cut --config "$T/interfaces" --start "$T/start $T/interfaces" try --timeout 5 > "$T/o3" 2>&1; rc=$?
set -e
[ $rc = 1 ] && grep -q "a cutover is in progress" "$T/o3" || fail "a second try: exit $rc: $(cat "$T/o3")"
ok "a second try while one waits is refused: $(cat "$T/o3")"
for _ in $(seq 150); do [ "$(cat "$T/state/phase")" = rolled-back ] && break; sleep 0.1; done
[ "$(cat "$T/state/phase")" = rolled-back ] || fail "no rollback: $(cat "$T/state/log")"
took=$((SECONDS - t_wait))
[ $took -ge 3 ] || fail "rolled back after $took s, before the 6 s timeout"
grep -q "rolled back to the kernel's networking: not confirmed within 6 s" "$T/state/log" || fail "log: $(cat "$T/state/log")"
grep -q "the kernel's state is as recorded" "$T/state/log" || fail "the tool's own check: $(cat "$T/state/log")"
kernel_again "unconfirmed, rolled back after 6 s with the session gone"
cut status > "$T/status"
grep -qx "reason: not confirmed within 6 s" "$T/status" && grep -qx "phase: rolled-back" "$T/status" ||
	fail "status: $(cat "$T/status")"

# 3. try and confirm: dpbond stays past the timeout.
cut --config "$T/interfaces" --start "$T/start $T/interfaces" try --timeout 3 > "$T/o4" 2>&1 ||
	fail "try: $(cat "$T/o4")"
grep -q "'dpbond-cutover confirm' within 3 s keeps it" "$T/o4" || fail "try said: $(cat "$T/o4")"
cut confirm > "$T/o5" 2>&1 || fail "confirm: $(cat "$T/o5")"
grep -q "^confirmed: dpbond keeps the network" "$T/o5" || fail "confirm said: $(cat "$T/o5")"
sleep 4
[ "$(cat "$T/state/phase")" = kept ] || fail "phase after confirm: $(cat "$T/state/phase")"
dpbond_has_it "confirmed, 4 s later (timeout 3 s)"
set +e
cut confirm > "$T/o6" 2>&1; rc=$?
cut --config "$T/interfaces" try > "$T/o7" 2>&1; rc2=$?
set -e
[ $rc = 1 ] && grep -q "nothing to confirm (phase kept)" "$T/o6" || fail "confirm again: exit $rc: $(cat "$T/o6")"
[ $rc2 = 1 ] && grep -q "took over already (confirmed); 'dpbond-cutover back' first" "$T/o7" ||
	fail "try over a kept cutover: exit $rc2: $(cat "$T/o7")"
ok "confirm again, and try over a kept cutover, refused with a reason"

# 4. back: the kernel's networking again, from the record.
cut back > "$T/o8" 2>&1 || fail "back: $(cat "$T/o8")"
grep -q "the kernel's state is as recorded" "$T/o8" || fail "back said: $(cat "$T/o8")"
kernel_again "back"
cut back > "$T/o9" 2>&1 || fail "back twice: $(cat "$T/o9")"
kernel_again "back a second time (changes nothing)"

# 5. A dpbond that starts but cannot run the file: rolled back at once.
set +e
SECONDS=0
cut --config "$T/nostart" --start "$T/start $T/nostart" try --timeout 60 > "$T/o10" 2>&1; rc=$?
set -e
[ $rc = 1 ] || fail "try with a dpbond that fails: exit $rc: $(cat "$T/o10")"
[ $SECONDS -lt 30 ] || fail "the rollback took $SECONDS s"
grep -q "rolled back to the kernel's networking: dpbond stopped while starting" "$T/o10" ||
	fail "try said: $(cat "$T/o10")"
grep -q "nosuch0" "$T/dpbond.log" || fail "dpbond's log does not name the missing NIC: $(tail "$T/dpbond.log")"
kernel_again "dpbond failed to start: rolled back in $SECONDS s, not 60"

# 6. The administrator's own check fails (no answer from 192.0.2.1): rolled
# back at once, with dpbond up until then.
set +e
SECONDS=0
cut --config "$T/interfaces" --start "$T/start $T/interfaces" --check "ping -c1 -W1 192.0.2.1" \
	try --timeout 60 > "$T/o11" 2>&1; rc=$?
set -e
[ $rc = 1 ] && grep -q "rolled back to the kernel's networking: the check command failed (exit 1)" "$T/o11" ||
	fail "a failing check: exit $rc: $(cat "$T/o11")"
kernel_again "the check command failed: rolled back in $SECONDS s, not 60"

# 7. back while try waits: rolled back at once.
cut --config "$T/interfaces" --start "$T/start $T/interfaces" try --timeout 60 > "$T/o12" 2>&1 ||
	fail "try: $(cat "$T/o12")"
dpbond_has_it "try, before back"
SECONDS=0
cut back > "$T/o13" 2>&1 || fail "back while waiting: $(cat "$T/o13")"
grep -qx "back to the kernel's networking" "$T/o13" || fail "back said: $(cat "$T/o13")"
grep -q "rolled back to the kernel's networking: asked to go back" "$T/state/log" || fail "log: $(cat "$T/state/log")"
kernel_again "back while try waited: rolled back in $SECONDS s, not 60"

# 8. back with no record (as after a reboot): dpbond stopped, then the
# ifup command (here the kernel's vmbr0 made as ifup would from its file).
cut --config "$T/interfaces" --start "$T/start $T/interfaces" try --timeout 60 > "$T/o14" 2>&1 ||
	fail "try: $(cat "$T/o14")"
cut confirm > /dev/null || fail "confirm"
rm -rf "$T/state"
cat > "$T/ifup" <<EOF
#!/bin/bash
ip link add vmbr0 type bridge stp_state 0 forward_delay 0
ip link set $KPORT master vmbr0
ip link set vmbr0 up
ip addr add 198.51.100.1/24 dev vmbr0
ip route add default via 198.51.100.254
ip route add 203.0.113.0/24 via 198.51.100.3 metric 50
EOF
chmod +x "$T/ifup"
cut --config "$T/interfaces" --ifup "$T/ifup" back > "$T/o15" 2>&1 || fail "back without a record: $(cat "$T/o15")"
grep -q "^no record in $T/state: back by dpdk-devbind.py and ifupdown" "$T/o15" || fail "back said: $(cat "$T/o15")"
dpbond_gone || fail "back without a record: dpbond still runs"
[ "$(kind_of vmbr0)" = bridge ] || fail "back without a record: vmbr0 is a $(kind_of vmbr0)"
r_ping "back without a record"
ok "back without a record: dpbond stopped, the ifup command run, R pings the kernel's vmbr0"
