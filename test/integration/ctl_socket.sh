#!/bin/bash
# The control socket and dpbondctl. dpbond runs with no console
# (--ctl-socket, pcap ports); dpbondctl asks it one command at a time, as a
# console from a pipe, and several at once, while misbehaving clients (one
# that stops reading, one that sends an endless line, one that leaves at
# once) are dropped without holding anyone up. Exit statuses: 0 done, 1
# refused (answer on stderr), 2 usage or no daemon.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v nc >/dev/null || { echo "SKIP: nc (netcat-openbsd) is not installed"; exit 77; }
SOCK=$T/ctl.sock

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
"$DPBOND" $(eal_opts ctl) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" \
	--port eth0=net_pcap0,tx_pcap=$T/eth0.pcap --port eth1=net_pcap1,tx_pcap=$T/eth1.pcap \
	> "$T/out" 2> "$T/err" &
DPB_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "no control socket at $SOCK"
[ "$(stat -c %a "$SOCK")" = 600 ] || fail "the control socket is mode $(stat -c %a "$SOCK"), not 0600"
ok "dpbond listens on $SOCK, mode 0600"

"$CTL" --socket "$SOCK" show bonding bond0 > "$T/a" 2> "$T/a.err" || fail "show bonding: exit $?: $(cat "$T/a.err")"
grep -qx "Bonding Mode: fault-tolerance (active-backup)" "$T/a" && grep -qx "Currently Active Slave: eth0" "$T/a" ||
	fail "show bonding over the socket: $(cat "$T/a")"
[ -s "$T/a.err" ] && fail "stderr on success: $(cat "$T/a.err")"
ok "dpbondctl show bonding bond0: Linux's text, exit 0"

set +e
"$CTL" --socket "$SOCK" show bonding nosuch > "$T/b" 2> "$T/b.err"; rc=$?
set -e
[ $rc = 1 ] && [ ! -s "$T/b" ] && grep -q "no bond named 'nosuch'" "$T/b.err" ||
	fail "a refused command: exit $rc, stdout '$(cat "$T/b")', stderr '$(cat "$T/b.err")'"
set +e
"$CTL" --socket "$SOCK" frobnicate the bond > /dev/null 2> "$T/c.err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "bad command: frobnicate the bond" "$T/c.err" || fail "a bad command: exit $rc, '$(cat "$T/c.err")'"
set +e
"$CTL" --socket "$SOCK" set bonding xmit_hash_policy layer9 bond0 > /dev/null 2> "$T/p.err"; rc=$?
set -e
[ $rc = 1 ] && grep -qx "unknown xmit_hash_policy 'layer9'" "$T/p.err" || fail "a bad policy: exit $rc, '$(cat "$T/p.err")'"
ok "a refused command exits 1 with the reason on stderr; so does one dpbond does not know"
set +e
"$CTL" --socket "$T/nobody" show bonding bond0 2> /dev/null; rc1=$?
"$CTL" --bogus 2> /dev/null; rc2=$?
set -e
[ $rc1 = 2 ] && [ $rc2 = 2 ] || fail "no daemon: exit $rc1; a usage error: exit $rc2 (both should be 2)"
ok "no daemon, or a usage error: exit 2"

printf 'show bonding bond0\necho between\nshow bridge vmbr0\n' | "$CTL" --socket "$SOCK" > "$T/d" 2>&1 ||
	fail "the console from a pipe: exit $?: $(cat "$T/d")"
grep -qx "between" "$T/d" && grep -q "^Bonding Mode: " "$T/d" && grep -q "^bridge vmbr0: " "$T/d" ||
	fail "the console from a pipe answered: $(cat "$T/d")"
ok "dpbondctl as a console from a pipe: each line answered in turn"

# Misbehaving clients: one asks a lot and stops reading, one sends an endless
# line, one connects and leaves.
yes "show bridge vmbr0" | head -20000 | nc -U "$SOCK" | sleep 20 &
EXTRA_PIDS+=($!)
# (one write, then it only reads: writing on, it could die of EPIPE unanswered)
{ head -c 1100 /dev/zero | tr '\0' x; sleep 1; } | nc -U -q 1 "$SOCK" > "$T/endless" 2>&1 || true
nc -U -q 0 "$SOCK" < /dev/null > /dev/null 2>&1 || true
sleep 0.5
# Five at once, and each answered within a second meanwhile.
pids=()
for i in 1 2 3 4 5; do
	timeout 5 "$CTL" --socket "$SOCK" echo "client$i" > "$T/e$i" 2>&1 &
	pids+=($!)
done
for i in 1 2 3 4 5; do
	wait "${pids[$((i - 1))]}" || fail "client $i: exit $?: $(cat "$T/e$i")"
	grep -qx "client$i" "$T/e$i" || fail "client $i got: $(cat "$T/e$i")"
done
start=$(date +%s%N)
"$CTL" --socket "$SOCK" show bonding bond0 > /dev/null || fail "no answer beside the stalled client"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 1000 ] || fail "an answer took $ms ms beside the stalled client"
ok "five clients at once answered, and one more in $ms ms, while one client stopped reading and two misbehaved"
sleep 5.5
"$CTL" --socket "$SOCK" show ctl > "$T/f" || fail "dpbond stopped answering after dropping the stalled client"
grep -q "^control socket $SOCK: 1 client, [0-9]* accepted, [0-9]* closed, 2 dropped" "$T/f" ||
	fail "show ctl: $(cat "$T/f")"
ok "the stalled client and the endless line were dropped; dpbond answers on: $(cat "$T/f")"
grep -q '^pool dpb_mbufs_s[0-9]*: NUMA node [0-9]*, [1-9][0-9]* mbufs, [0-9]* free$' "$T/f" &&
	grep -q '^worker 0: lcore [0-9]*, NUMA node [0-9]*, [0-9]* rx queues$' "$T/f" ||
	fail "show ctl: no pool or worker line: $(cat "$T/f")"
ok "show ctl: the pools and the workers: $(grep -c '^pool ' "$T/f") pool(s), $(grep -c '^worker ' "$T/f") worker(s)"
grep -qx "a command line over 1023 bytes: dropped" "$T/endless" ||
	fail "the endless line's client was told: $(head -c 200 "$T/endless")"
printf 'echo a\0b\n' | nc -U -q 1 "$SOCK" > "$T/nul" 2>&1 || true
grep -qx "a NUL byte in the command: refused" "$T/nul" || fail "a NUL byte: $(cat -v "$T/nul")"
# Sixteen clients that say nothing hold every place; the seventeenth is told why.
idle=()
for i in $(seq 16); do sleep 3 | nc -U -q 0 "$SOCK" > /dev/null 2>&1 & idle+=($!); EXTRA_PIDS+=($!); done
sleep 0.5
nc -U -q 1 "$SOCK" < /dev/null > "$T/17th" 2>&1 || true
grep -qx "too many clients at once (16): try again" "$T/17th" || fail "the 17th client: $(cat "$T/17th")"
for p in "${idle[@]}"; do wait "$p" || true; done
"$CTL" --socket "$SOCK" echo after > "$T/after" && grep -qx after "$T/after" || fail "no answer after the 16 left"
ok "each refused client is told why: a line over 1023 bytes, a NUL byte, a 17th client at once"

"$CTL" --socket "$SOCK" quit > /dev/null || fail "quit over the socket: exit $?"
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
[ -e "$SOCK" ] && fail "the socket is still there after dpbond quit"
grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/err" || fail "mbufs were lost"
ok "quit over the socket: dpbond ended, the socket is gone, every mbuf back in the pool"
