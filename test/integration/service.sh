#!/bin/bash
# dpbond under a service manager (systemd's sd_notify protocol), the manager
# played by test/tools/sd_listen.py on a socket of the test's own:
# - READY=1 once the ports are started and the first snapshot is published,
#   and then the console answers; STOPPING=1 on SIGTERM, before it exits 0;
# - WATCHDOG=1 at half of WATCHDOG_USEC while the control loop turns, and
#   none while it is blocked (here: reading a command file, a fifo, that has
#   no next line yet), then again once it turns;
# - an abstract socket (@name) and a path both work; WATCHDOG_PID naming
#   another process means no watchdog;
# - a SIGHUP while dpbond starts is kept for its loop; a reload waiting on
#   a slow hook command keeps WATCHDOG=1 coming.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
LISTEN="$(dirname "$0")/../tools/sd_listen.py"

cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0
CFG

now() { date +%s.%N; }
plus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
# listen ADDR LOG: the manager's socket; waits until it is bound.
listen() {
	python3 "$LISTEN" "$1" "$2" &
	EXTRA_PIDS+=($!)
	for _ in $(seq 50); do grep -q LISTENING "$2" 2>/dev/null && return; sleep 0.1; done
	fail "sd_listen.py did not bind $1"
}
# count LOG MESSAGE FROM TO: messages MESSAGE (whole) received between two times.
count() { awk -v m="$2" -v a="$3" -v b="$4" '$2 == m && $1 >= a && $1 <= b { n++ } END { print n + 0 }' "$1"; }
# first LOG MESSAGE: when MESSAGE first came (empty: never).
first() { awk -v m="$2" 'index($2, m) == 1 { print $1; exit }' "$1"; }
# start_dpbond TAG EXTRA...: dpbond on pcap ports, control socket $T/TAG.ctl.
start_dpbond() {
	local tag=$1
	shift
	"$DPBOND" $(eal_opts "$tag") -- -c "$T/interfaces" --run-dir "$T/run-$tag" \
		--ctl-socket "$T/$tag.ctl" --no-host-ports \
		--port eth0=net_pcap0,tx_pcap=$T/$tag-eth0.pcap --port eth1=net_pcap1,tx_pcap=$T/$tag-eth1.pcap \
		"$@" > "$T/out" 2> "$T/err" &
	DPB_PID=$!
}
wait_message() {  # LOG MESSAGE SECONDS
	for _ in $(seq $(( $3 * 10 ))); do [ -n "$(first "$1" "$2")" ] && return; sleep 0.1; done
	fail "no $2 from dpbond within $3 s: $(cat "$1")"
}

# 1. An abstract socket and a 400 ms watchdog (a pet every 200 ms); the
# console reads a fifo, which blocks the control loop while it has no line.
LOG=$T/notify.log
listen "@dpbt-notify-$$" "$LOG"
mkfifo "$T/cmds"
NOTIFY_SOCKET="@dpbt-notify-$$" WATCHDOG_USEC=400000 start_dpbond svc --cmdline-file "$T/cmds"
wait_message "$LOG" "READY=1" 60
grep -q "READY=1|STATUS=forwarding" "$LOG" || fail "READY=1 came without its status: $(cat "$LOG")"
cat "$T/out" "$T/err" | matches "loaded; forwarding" || fail "READY=1 before dpbond said it was forwarding"
[ -S "$T/svc.ctl" ] || fail "READY=1 before the control socket was there"
ok "READY=1 once the ports are started (its control socket there, forwarding)"

exec 8> "$T/cmds"   # dpbond opens the fifo after READY=1
t0=$(now)
printf 'sleep 2500\n' >&8
sleep 4.2
t1=$(now)
exec 8>&-           # end of the command file: the loop turns again
"$CTL" --socket "$T/svc.ctl" show bonding bond0 > "$T/show" 2> "$T/show.err" ||
	fail "the console did not answer after READY=1: $(cat "$T/show.err")"
grep -qx "Currently Active Slave: eth0" "$T/show" || fail "show bonding after READY=1: $(cat "$T/show")"
ok "after READY=1 the console answers (show bonding bond0 over the control socket)"
sleep 1.5
t2=$(now)
n_run=$(count "$LOG" WATCHDOG=1 "$t0" "$(plus "$t0" 2.4)")
n_hung=$(count "$LOG" WATCHDOG=1 "$(plus "$t0" 3.2)" "$t1")
n_back=$(count "$LOG" WATCHDOG=1 "$t1" "$t2")
[ "$n_run" -ge 4 ] || fail "$n_run WATCHDOG=1 in 2.4 s of a turning loop (one every 200 ms wanted): $(cat "$LOG")"
ok "WATCHDOG=1 keeps coming while the control loop turns ($n_run in 2.4 s)"
[ "$n_hung" -eq 0 ] || fail "$n_hung WATCHDOG=1 while the control loop was blocked: $(cat "$LOG")"
ok "no WATCHDOG=1 while the control loop is blocked (1 s)"
[ "$n_back" -ge 3 ] || fail "$n_back WATCHDOG=1 in 1.5 s once the loop turned again: $(cat "$LOG")"
ok "WATCHDOG=1 again once the loop turns ($n_back in 1.5 s)"

kill -TERM "$DPB_PID"
rc=0
wait "$DPB_PID" || rc=$?
DPB_PID=""
[ "$rc" -eq 0 ] || fail "dpbond exited $rc on SIGTERM"
wait_message "$LOG" "STOPPING=1" 5
ok "SIGTERM: STOPPING=1, then exit 0"

# 2. A path, and a watchdog meant for another process (WATCHDOG_PID): none.
LOG=$T/notify2.log
listen "$T/notify.sock" "$LOG"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=200000 WATCHDOG_PID=1 start_dpbond svc2
wait_message "$LOG" "READY=1" 60
"$CTL" --socket "$T/svc2.ctl" show bonding bond0 > "$T/show" 2> "$T/show.err" ||
	fail "the console did not answer after READY=1: $(cat "$T/show.err")"
sleep 1
kill -TERM "$DPB_PID"
wait "$DPB_PID" || fail "dpbond exited $? on SIGTERM"
DPB_PID=""
wait_message "$LOG" "STOPPING=1" 5
[ "$(count "$LOG" WATCHDOG=1 0 9999999999)" -eq 0 ] || fail "WATCHDOG=1 for another process's watchdog: $(cat "$LOG")"
ok "NOTIFY_SOCKET as a path: READY=1, STOPPING=1; no WATCHDOG=1 when WATCHDOG_PID is another's"

# 3. A reload whose new interface has a slow hook (2 s, with a 400 ms
# watchdog): the control lcore waits for it, but tells the manager it is
# alive meanwhile, so a slow hook does not get the network restarted.
LOG=$T/notify3.log
listen "@dpbt-notify3-$$" "$LOG"
NOTIFY_SOCKET="@dpbt-notify3-$$" WATCHDOG_USEC=400000 start_dpbond svc3 --port "eth2=net_pcap2,tx_pcap=$T/svc3-eth2.pcap"
# A SIGHUP while it starts (EAL, ports) is kept for the control loop: not
# the end of the process, and the file read again once it runs.
sleep 0.05
kill -HUP "$DPB_PID"
wait_message "$LOG" "READY=1" 60
for _ in $(seq 50); do grep -q "configuration reloaded" "$T/err" && break; sleep 0.1; done
kill -0 "$DPB_PID" && grep -q "configuration reloaded" "$T/err" ||
	fail "a SIGHUP while dpbond started: $(tail -5 "$T/err")"
ok "a SIGHUP while dpbond starts is kept: it runs, and reads the file again once its loop turns"
cat >> "$T/interfaces" <<CFG
iface eth2 inet manual
    post-up sleep 2
auto bond1
iface bond1 inet manual
    bond-slaves eth2
    bond-miimon 100
auto vmbr1
iface vmbr1 inet manual
    bridge-ports bond1
CFG
t0=$(now)
"$CTL" --socket "$T/svc3.ctl" reload > "$T/reload3" 2>&1 || fail "the reload was refused: $(cat "$T/reload3")"
t1=$(now)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t >= 2) }' || fail "the reload took $took s: the 2 s hook did not run"
n=$(count "$LOG" WATCHDOG=1 "$(plus "$t0" 0.3)" "$(plus "$t1" -0.3)")
[ "$n" -ge 4 ] || fail "$n WATCHDOG=1 while the reload waited $took s on a hook: $(cat "$LOG")"
ok "a reload waiting $took s on eth2's post-up hook keeps WATCHDOG=1 coming ($n meanwhile)"
kill -TERM "$DPB_PID"
wait "$DPB_PID" || fail "dpbond exited $? on SIGTERM"
DPB_PID=""
