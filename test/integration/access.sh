#!/bin/bash
# Access: the run directory is dpbond's alone (made 0700; one that others
# may write, or another user's, is refused before anything starts); names
# that could reach a device's arguments or a path are refused from the file
# and from the console; control characters sent to the console or the
# control socket come back escaped, never raw.
BUILD=$1
. "$(dirname "$0")/lib.sh"

SOCK=$T/ctl.sock
cat > "$T/interfaces" <<CFG
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0
    bridge-vhost-ports vm100
CFG
ports=(--port "eth0=net_pcap0,tx_pcap=$T/eth0.pcap" --port "eth1=net_pcap1,tx_pcap=$T/eth1.pcap")

refused() {  # refused RUN_DIR WHY
	set +e
	"$DPBOND" $(eal_opts access-bad) -- -c "$T/interfaces" --run-dir "$1" --ctl-socket none \
		"${ports[@]}" > "$T/bad.out" 2> "$T/bad.err"; rc=$?
	set -e
	[ $rc = 2 ] && grep -qF -e "$2" "$T/bad.err" && [ ! -e "$T/eth0.pcap" ] && [ ! -e "$1/vm100.sock" ] ||
		fail "run directory $1: exit $rc, $(cat "$T/bad.err")"
}
mkdir -m 0777 "$T/open"
refused "$T/open" "run directory $T/open: not a folder owned by uid 0 and writable by it alone (uid 0, mode 0777); nothing was started"
mkdir -m 0700 "$T/theirs"
chown nobody "$T/theirs"
refused "$T/theirs" "(uid $(id -u nobody), mode 0700); nothing was started"
ok "a run directory others may write, or another user's, is refused before anything starts (exit 2)"

set +e
printf 'auto vmbr0\niface vmbr0 inet manual\n    bridge-vhost-ports vm,client=1\n' > "$T/commas"
"$DPBOND" --check -c "$T/commas" > /dev/null 2> "$T/c.err"; rc=$?
set -e
[ $rc = 2 ] && grep -qF "commas:3: error: vmbr0: VM port 'vm,client=1' is not NAME" "$T/c.err" ||
	fail "a VM port named vm,client=1: exit $rc, $(cat "$T/c.err")"
ok "a VM port name with ',' and '=' is refused by --check with its file:line"

set +e
"$DPBOND" $(eal_opts access-mbufs) -- -c "$T/interfaces" --mbufs 10 "${ports[@]}" > /dev/null 2> "$T/m.err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "^--mbufs wants a number of mbufs from 64 to 16777216, got '10'$" "$T/m.err" ||
	fail "--mbufs 10: exit $rc, $(cat "$T/m.err")"
ok "--mbufs 10: a usage error (exit 2)"

"$DPBOND" $(eal_opts access) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" \
	"${ports[@]}" > "$T/out" 2> "$T/err" &
DPB_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "no control socket"
"$CTL" --socket "$SOCK" show ctl > /dev/null   # answered once every port is up
[ "$(stat -c %a "$T/run")" = 700 ] && [ "$(stat -c %a "$T/run/vm100.sock")" = 600 ] ||
	fail "run directory $(stat -c %a "$T/run"), socket $(stat -c %a "$T/run/vm100.sock")"
ok "the run directory is made 0700, the VM's socket 0600"

for name in "vm,client=1" "a=b" ".." "x/y" "sixteen-chars-xx"; do
	set +e
	"$CTL" --socket "$SOCK" add bridge port vmbr0 vhost "$name" > /dev/null 2> "$T/e"; rc=$?
	set -e
	[ $rc = 1 ] || fail "add bridge port vmbr0 vhost $name: exit $rc, $(cat "$T/e")"
done
[ "$(find "$T" -name '*.sock' | sort | tr '\n' ' ')" = "$T/ctl.sock $T/run/vm100.sock " ] ||
	fail "sockets made: $(find "$T" -name '*.sock')"
ok "VM port names with ',', '=', '..', '/' or 16 characters are refused at the console; no socket made"

set +e
"$CTL" --socket "$SOCK" "$(printf 'show bonding \033[2J\033]0;owned\007')" > /dev/null 2> "$T/e"; rc=$?
set -e
[ $rc = 1 ] && grep -qF "no bond named '\\x1b[2J\\x1b]0;owned\\x07'" "$T/e" && ! grep -q $'\033' "$T/e" ||
	fail "control characters: exit $rc, $(od -c "$T/e" | head)"
printf 'frob\033[2Jnicate\n' > "$T/cmds"
"$CTL" --socket "$SOCK" < "$T/cmds" > "$T/o2" 2>&1 || true
! grep -q $'\033' "$T/o2" || fail "control characters echoed raw: $(od -c "$T/o2" | head)"
ok "control characters in a command come back as \\xNN, never raw"
# --ctl-group: the socket 0660 for that group; a group that does not exist is refused before anything starts.
set +e
"$DPBOND" $(eal_opts access-grp) -- -c "$T/interfaces" --run-dir "$T/run2" --ctl-socket "$T/grp.sock" \
	--ctl-group no-such-group-$$ --port "eth0=net_pcap0,tx_pcap=$T/grp0.pcap" \
	--port "eth1=net_pcap1,tx_pcap=$T/grp1.pcap" > "$T/grp.out" 2> "$T/grp.err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "group no-such-group-$$: no such group" "$T/grp.err" && [ ! -e "$T/grp0.pcap" ] &&
	[ ! -e "$T/grp.sock" ] || fail "--ctl-group of no group: exit $rc, $(cat "$T/grp.err")"
"$DPBOND" $(eal_opts access-grp2) -- -c "$T/interfaces" --run-dir "$T/run2" --ctl-socket "$T/grp.sock" \
	--ctl-group nogroup --port "eth0=net_pcap0,tx_pcap=$T/grp0.pcap" \
	--port "eth1=net_pcap1,tx_pcap=$T/grp1.pcap" > "$T/grp.out" 2> "$T/grp.err" &
GRP_PID=$!
EXTRA_PIDS+=("$GRP_PID")
for _ in $(seq 100); do [ -S "$T/grp.sock" ] && break; sleep 0.1; done
"$CTL" --socket "$T/grp.sock" show ctl > /dev/null || fail "--ctl-group nogroup: no answer"
[ "$(stat -c '%a %G' "$T/grp.sock")" = "660 nogroup" ] || fail "--ctl-group nogroup: $(stat -c '%a %G' "$T/grp.sock")"
"$CTL" --socket "$T/grp.sock" quit > /dev/null
wait "$GRP_PID" || fail "the --ctl-group dpbond exited with an error"
ok "--ctl-group nogroup: the socket 0660, group nogroup; a group that does not exist: refused before anything starts"

# A second dpbond on the same socket is refused before it touches anything.
set +e
"$DPBOND" $(eal_opts access-second) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" \
	--port "eth0=net_pcap0,tx_pcap=$T/second0.pcap" --port "eth1=net_pcap1,tx_pcap=$T/second1.pcap" \
	> "$T/second.out" 2> "$T/second.err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "another process answers on this control socket" "$T/second.err" &&
	grep -q "nothing was started" "$T/second.err" && [ ! -e "$T/second0.pcap" ] ||
	fail "a second dpbond on the same socket: exit $rc, $(cat "$T/second.err")"
[ -S "$T/run/vm100.sock" ] && "$CTL" --socket "$SOCK" show bonding bond0 > /dev/null ||
	fail "the first dpbond lost its VM socket or its control socket"
ok "a second dpbond on a live control socket is refused before any port, hook or socket is touched"
"$CTL" --socket "$SOCK" quit > /dev/null
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
