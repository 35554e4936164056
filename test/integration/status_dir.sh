#!/bin/bash
# --status-dir and --prom-file, read by a real monitoring client: Debian's
# prometheus-node-exporter, run as a second instance with --path.sysfs on
# dpbond's tree and only its bonding collector, and a third with only its
# textfile collector on dpbond's textfile. Each must report every bond's
# members and members up, and follow a failover; the files hold Linux's
# exact contents, brought up to date within a refresh (timed); an
# unwritable status directory or textfile is refused before anything
# starts; the files go when dpbond stops. (802.3ad's files and the
# statistics: status_lacp.)
BUILD=$1
. "$(dirname "$0")/lib.sh"

NE=/var/lib/dpbond-test/node-exporter/prometheus-node-exporter
[ -x "$NE" ] || { echo "SKIP: $NE is missing (.ci/install-deps fetches it)"; exit 77; }
SOCK=$T/ctl.sock
ST=$T/status
mkdir -p "$T/prom"
cat > "$T/interfaces" <<CFG
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
    bond-updelay 200
    bond-downdelay 100
    bond-primary eth0
auto bond1
iface bond1 inet manual
    bond-slaves eth2 eth3
    bond-mode balance-xor
    bond-miimon 50
    bond-xmit-hash-policy layer3+4
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 bond1
CFG
ports=()
for i in 0 1 2 3; do ports+=(--port "eth$i=net_pcap$i,tx_pcap=$T/tx$i.pcap"); done

# Refused before anything starts: a status directory under a file, a textfile in no directory.
touch "$T/afile"
for bad in "--status-dir $T/afile/st:--status-dir $T/afile/st: cannot write the status there: Not a directory; nothing was started" \
	   "--prom-file $T/nodir/x.prom:--prom-file $T/nodir/x.prom: cannot write it: No such file or directory; nothing was started"; do
	set +e
	"$DPBOND" $(eal_opts status-bad) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket none \
		${bad%%:*} "${ports[@]}" > "$T/bad.out" 2> "$T/bad.err"; rc=$?
	set -e
	[ $rc = 2 ] && grep -qF -e "${bad#*:}" "$T/bad.err" && [ ! -e "$T/tx0.pcap" ] ||
		fail "${bad%%:*}: exit $rc, $(cat "$T/bad.err")"
done
ok "an unwritable status directory or textfile: refused with why, exit 2, no port touched"

# What a dpbond that crashed left: a bond that is no more, in a tree it had marked.
mkdir -p "$ST/sys/class/net/bond9/bonding" "$ST/proc/net/bonding"
echo up > "$ST/sys/class/net/bond9/bonding/mii_status"
echo "Bonding Mode: load balancing (round-robin)" > "$ST/proc/net/bonding/bond9"
echo "an earlier dpbond's" > "$ST/.dpbond-status"
"$DPBOND" $(eal_opts status) -- -c "$T/interfaces" --run-dir "$T/run" --ctl-socket "$SOCK" \
	--status-dir "$ST" --prom-file "$T/prom/dpbond.prom" "${ports[@]}" > "$T/out" 2> "$T/err" &
DPB_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "no control socket"
# (with updelay, members start "going back": wait until both are up)
for _ in $(seq 50); do
	[ "$(cat "$ST/sys/class/net/bond0/bonding/active_slave" 2>/dev/null)" = eth0 ] &&
		[ "$(cat "$ST/sys/class/net/eth1/bonding_slave/mii_status" 2>/dev/null)" = up ] && break
	sleep 0.1
done

# Linux's exact contents: "name number" pairs, a list, empty when none.
sys=$ST/sys/class/net
expect() {  # expect FILE CONTENT (with its newline, as the kernel's)
	[ "$(od -c < "$sys/$1")" = "$(printf '%s' "$2" | od -c)" ] || fail "$1: '$(cat "$sys/$1")', not '$2'"
}
expect bonding_masters $'bond0 bond1\n'
expect bond0/bonding/mode $'active-backup 1\n'
expect bond0/bonding/slaves $'eth0 eth1\n'
expect bond0/bonding/active_slave $'eth0\n'
expect bond0/bonding/primary $'eth0\n'
expect bond0/bonding/mii_status $'up\n'
expect bond0/bonding/miimon $'100\n'
expect bond0/bonding/updelay $'200\n'
expect bond0/bonding/downdelay $'100\n'
expect bond0/bonding/ad_aggregator ''
expect bond1/bonding/mode $'balance-xor 2\n'
expect bond1/bonding/xmit_hash_policy $'layer3+4 1\n'
expect bond1/bonding/active_slave ''
expect bond1/bonding/lacp_rate $'slow 0\n'
expect eth0/bonding_slave/state $'active\n'
expect eth1/bonding_slave/state $'backup\n'
expect eth2/bonding_slave/state $'active\n'
expect eth1/bonding_slave/mii_status $'up\n'
expect eth1/bonding_slave/ad_aggregator_id $'N/A\n'
expect eth0/bonding_slave/perm_hwaddr "$(awk -F': ' '/^Slave Interface: eth0/ { s = 1 } s && /^Permanent HW addr:/ { print $2; exit }' < <("$CTL" --socket "$SOCK" show bonding bond0))"$'\n'
expect eth0/operstate $'up\n'
expect eth0/mtu $'1500\n'
[ "$(readlink "$sys/bond0/lower_eth1")" = ../eth1 ] && [ "$(cat "$sys/bond0/lower_eth1/bonding_slave/mii_status")" = up ] &&
	[ "$(readlink "$sys/eth1/master")" = ../bond0 ] || fail "lower_eth1 / master links"
for b in bond0 bond1; do
	"$CTL" --socket "$SOCK" show bonding $b > "$T/$b.txt"
	cmp -s "$T/$b.txt" "$ST/proc/net/bonding/$b" || fail "proc/net/bonding/$b differs: $(diff "$T/$b.txt" "$ST/proc/net/bonding/$b")"
done
[ ! -e "$sys/bond9" ] && [ ! -e "$ST/proc/net/bonding/bond9" ] || fail "a crashed dpbond's bond9 is still there"
ok "the sysfs files hold Linux's contents; proc/net/bonding/BOND is show bonding's text; a crashed run's files are gone"

# A free port on loopback for each node exporter.
free_port() { local p; for p in $(shuf -i 20000-29999 -n 50); do ss -ltn | matches ":$p " || { echo "$p"; return; }; done; }
NE_OUT=$T/ne.out
start_ne() {  # start_ne PORT ARGS...: a node exporter, its pid in NE_PID
	local port=$1
	shift
	"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults "$@" >> "$NE_OUT" 2>&1 &
	NE_PID=$!
	EXTRA_PIDS+=("$NE_PID")
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/metrics" > /dev/null && return; sleep 0.1; done
	fail "node exporter on $port did not answer: $(tail -5 "$NE_OUT")"
}
metric() {  # metric PORT NAME{LABELS}: its value
	curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2 }'
}
P1=$(free_port)
start_ne "$P1" --collector.bonding --path.sysfs="$ST/sys"
[ "$(metric "$P1" 'node_bonding_slaves{master="bond0"}') $(metric "$P1" 'node_bonding_active{master="bond0"}')" = "2 2" ] &&
	[ "$(metric "$P1" 'node_bonding_slaves{master="bond1"}') $(metric "$P1" 'node_bonding_active{master="bond1"}')" = "2 2" ] ||
	fail "node exporter's bonding collector: $(curl -s "http://127.0.0.1:$P1/metrics" | grep -E 'bonding|scrape_collector_success')"
P2=$(free_port)
start_ne "$P2" --collector.textfile --collector.textfile.directory="$T/prom"
[ "$(metric "$P2" 'node_bonding_active{master="bond0"}')" = 2 ] &&
	[ "$(metric "$P2" 'dpbond_slave_active{bond="bond0",slave="eth1"}')" = 0 ] &&
	[ "$(metric "$P2" 'dpbond_fdb_entries{bridge="vmbr0"}')" = 0 ] &&
	[ -n "$(metric "$P2" 'dpbond_drops_total{interface="eth0",reason="rx-inactive-slave"}')" ] &&
	[ "$(metric "$P2" 'node_textfile_scrape_error')" = 0 ] ||
	fail "node exporter's textfile collector: $(curl -s "http://127.0.0.1:$P2/metrics" | grep -E 'dpbond|bonding|textfile' | head -30)"
ok "node exporter reads dpbond's bonds: through its bonding collector on the status tree, and its textfile collector"

# Timed, at 10 ms steps: how late after the cable was pulled a file still
# held its old content. dpbond refreshes the files every ctl_status_period
# (20 ms here: CTL_STATUS_MS, below both miimon), and notices the cable at
# its next miimon tick (100 ms), as Linux's monitor does. So eth0's operstate
# (the cable) must be down within one refresh, its mii_status "going down"
# within one miimon tick and one refresh; ALLOW_MS is for dpbond's control
# loop pass and a scheduler slice or two of this 2-core machine.
MIIMON=100 PERIOD=20 ALLOW_MS=${DPB_STATUS_ALLOW_MS:-30}
now_ms() { local e=$EPOCHREALTIME; printf -v "$1" '%d' $(( ${e%.*} * 1000 + 10#${e#*.} / 1000 )); }
"$CTL" --socket "$SOCK" set link-down port eth0 > /dev/null
now_ms t0   # the cable is down by now: the command was answered
oper_old=$t0 mii_old=$t0 oper_seen="" mii_seen=""
for _ in $(seq 100); do
	read -r oper < "$sys/eth0/operstate"
	read -r mii < "$sys/eth0/bonding_slave/mii_status"
	now_ms t
	if [ "$oper" = up ]; then oper_old=$t; elif [ -z "$oper_seen" ]; then oper_seen=$t; fi
	if [ "$mii" = up ]; then mii_old=$t; elif [ -z "$mii_seen" ]; then mii_seen=$t; fi
	[ -n "$oper_seen" ] && [ -n "$mii_seen" ] && break
	sleep 0.01
done
[ -n "$oper_seen" ] && [ -n "$mii_seen" ] || fail "eth0's operstate '$oper', mii_status '$mii' 1 s after the cable was pulled"
echo "eth0's operstate: old until $((oper_old - t0)) ms, new at $((oper_seen - t0)) ms;" \
	"mii_status: old until $((mii_old - t0)) ms, new at $((mii_seen - t0)) ms (miimon $MIIMON, refresh $PERIOD, allowance $ALLOW_MS)"
[ $((oper_old - t0)) -le $((PERIOD + ALLOW_MS)) ] ||
	fail "eth0's operstate still up $((oper_old - t0)) ms after the cable was pulled (one refresh: $PERIOD ms, + $ALLOW_MS)"
[ $((mii_old - t0)) -le $((MIIMON + PERIOD + ALLOW_MS)) ] ||
	fail "eth0's mii_status still up $((mii_old - t0)) ms after the cable was pulled (a miimon tick and a refresh: $((MIIMON + PERIOD)) ms, + $ALLOW_MS)"
ok "timed: eth0's operstate down within one refresh of the cable pulled, its mii_status within one miimon tick and one refresh"
for _ in $(seq 50); do [ "$(metric "$P1" 'node_bonding_active{master="bond0"}')" = 1 ] && break; sleep 0.1; done
[ "$(metric "$P1" 'node_bonding_active{master="bond0"}')" = 1 ] || fail "the bonding collector did not see eth0 go down"
# ("going down" is not up: the collector counts eth0 out at once; the failover follows the 100 ms downdelay)
for _ in $(seq 30); do [ "$(cat "$sys/bond0/bonding/active_slave")" = eth1 ] && break; sleep 0.02; done
expect bond0/bonding/active_slave $'eth1\n'
expect eth0/bonding_slave/mii_status $'down\n'
expect eth0/bonding_slave/link_failure_count $'1\n'
expect eth0/bonding_slave/state $'backup\n'
expect eth1/bonding_slave/state $'active\n'
expect eth0/operstate $'down\n'
for _ in $(seq 30); do [ "$(metric "$P2" 'node_bonding_active{master="bond0"}')" = 1 ] && break; sleep 0.1; done
[ "$(metric "$P2" 'node_bonding_active{master="bond0"}') $(metric "$P2" 'dpbond_slave_up{bond="bond0",slave="eth0"}') $(metric "$P2" 'dpbond_slave_link_failures_total{bond="bond0",slave="eth0"}')" = "1 0 1" ] ||
	fail "the textfile after the failover: $(grep -E 'bond0' "$T/prom/dpbond.prom")"
"$CTL" --socket "$SOCK" show bonding bond0 > "$T/bond0.txt"
cmp -s "$T/bond0.txt" "$ST/proc/net/bonding/bond0" || fail "proc/net/bonding/bond0 after the failover: $(diff "$T/bond0.txt" "$ST/proc/net/bonding/bond0")"
ok "a failover followed (node exporter polled for up to 5 s): 1 of 2 up, eth1 active, eth0 down with one failure, in every file"

"$CTL" --socket "$SOCK" show ctl > "$T/ctl.txt"
grep -q "status: directory $ST, textfile $T/prom/dpbond.prom, [0-9]* files written, 0 writes failed" "$T/ctl.txt" ||
	fail "show ctl: $(cat "$T/ctl.txt")"
"$CTL" --socket "$SOCK" show ctl json > "$T/ctl.json"
[ "$(jq -r '"\(.status.directory) \(.status.textfile) \(.status.writes_failed)"' "$T/ctl.json")" = "$ST $T/prom/dpbond.prom 0" ] &&
	[ "$(jq -r .status.files_written "$T/ctl.json")" -gt 50 ] || fail "show ctl json: $(cat "$T/ctl.json")"
"$CTL" --socket "$SOCK" quit > /dev/null
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
[ ! -e "$ST/proc/net/bonding/bond0" ] && [ ! -e "$sys/bond0" ] && [ ! -e "$sys/bonding_masters" ] &&
	[ ! -e "$T/prom/dpbond.prom" ] || fail "files left after dpbond stopped: $(find "$ST" "$T/prom" -type f)"
ok "show ctl counts the writes; dpbond's files are gone once it stops (a stopped dpbond has no bonds)"
