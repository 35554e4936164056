#!/bin/bash
# A broken configuration is refused before any port is touched: the message
# names file and line, the exit status is 2, and no tx pcap is created.
BUILD=$1 SEED_FILE=$2
. "$(dirname "$0")/lib.sh"

ports=""
for i in 0 1 2 3; do ports="$ports --port eth$i=net_pcap$i,tx_pcap=$T/eth$i.pcap"; done

# expect_refused NAME SED-EXPRESSION EXPECTED-MESSAGE
expect_refused() {
	local name=$1 expr=$2 want=$3 rc=0
	sed "$expr" "$SEED_FILE" > "$T/$name.interfaces"
	"$DPBOND" $(eal_opts bad) -- -c "$T/$name.interfaces" $ports > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$name: exit status $rc, not 2"
	grep -qF -- "$T/$name.interfaces:$want" "$T/err" || fail "$name: no '$want' in stderr"
	for i in 0 1 2 3; do
		[ ! -e "$T/eth$i.pcap" ] || fail "$name: eth$i.pcap was created"
	done
	ok "$name: refused with '$want', status 2, no pcap"
}

expect_refused unknown-mode 's/bond_mode active-backup/bond_mode active-passive/' \
	"18: error: bond_mode: unknown mode 'active-passive'"
expect_refused undefined-slave 's/slaves eth0 eth1/slaves eth0 eth9/' \
	"22: error: eth9: no device: give 'dpdk-devargs' in its stanza, or --port eth9=DEVARGS, or an EAL device for its number"
expect_refused slave-twice 's/slaves eth0 eth1/slaves eth0 eth2/' \
	"22: error: bond1: slave eth2 is already a slave of bond0"
expect_refused unknown-bridge-port 's/bridge_ports bond1/bridge_ports bond7/' \
	"39: error: bond7: no device: give 'dpdk-devargs' in its stanza, or --port bond7=DEVARGS"
expect_refused bad-number 's/bond_miimon 100/bond_miimon 1O0/' \
	"17: error: bond_miimon: '1O0' is not a number"
expect_refused nested-bond 's/slaves eth0 eth1/slaves eth0 bond0/' \
	"22: error: bond1: slave bond0 is a bond (bonds cannot be nested)"

# --check validates without EAL and prints the model; a warning is not an error.
sed 's/bond_miimon 100/bond_miimon 100\n    bond_updelay 250/' "$SEED_FILE" > "$T/round.interfaces"
"$DPBOND" --check -c "$T/round.interfaces" > "$T/out" 2> "$T/err" || fail "--check refused a valid file"
grep -qF "$T/round.interfaces:18: warning: bond0: updelay (250) is not a multiple of miimon (100), updelay rounded to 200 ms" "$T/err" ||
	fail "no rounding warning"
grep -qx "bond bond0: mode active-backup (1), miimon 100 ms, updelay 200 ms, downdelay 0 ms, slaves eth2 eth3" "$T/out" ||
	fail "--check model wrong"
ok "--check rounds updelay down with a warning and prints the model"

rc=0
"$DPBOND" --check -c "$T/missing" > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "cannot read the file" "$T/err" || fail "missing file not refused"
ok "a missing file is refused with status 2"
