#!/bin/bash
# How an ethN finds its device: --port wins over a stanza's dpdk-devargs,
# which wins over "the Nth port EAL probed". Console commands take names or
# ethdev port numbers.
BUILD=$1 SEED_FILE=$2
. "$(dirname "$0")/lib.sh"

# eth1 has devargs in its stanza but --port overrides them; eth3 has its own;
# eth0 and eth2 are EAL's ports 0 and 2.
sed -e 's/^iface eth1 inet manual$/iface eth1 inet manual\n    dpdk-devargs net_null7/' \
    -e 's/^iface eth3 inet manual$/iface eth3 inet manual\n    dpdk-devargs net_null9/' \
    "$SEED_FILE" > "$T/interfaces"
cat > "$T/cmds" <<'CMDS'
show port stats eth0
show port stats eth1
show port stats eth2
show port stats eth3
set link-down port 2
sleep 250
show bonding bond0
show port stats 99
quit
CMDS
rc=0
"$DPBOND" $(eal_opts map) --vdev net_null0 --vdev net_null1 --vdev net_null2 --vdev net_null3 \
	-- -c "$T/interfaces" --no-host-ports --port eth1=net_null8 --cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "exit status $rc: the bad 'show port stats 99' must make it 1"
grep -qx "######## eth0 (port 0, slave of bond1) ########" "$T/out" || fail "eth0 is not EAL's port 0"
grep -qx "######## eth2 (port 2, slave of bond0) ########" "$T/out" || fail "eth2 is not EAL's port 2"
# Probed by dpbond after EAL's four: net_null8 (eth1, from --port) then net_null9 (eth3).
grep -qx "######## eth1 (port 4, slave of bond1) ########" "$T/out" || fail "eth1 is not net_null8"
grep -qx "######## eth3 (port 5, slave of bond0) ########" "$T/out" || fail "eth3 is not net_null9"
ok "eth0/eth2 are EAL's ports 0/2, eth1 took --port over dpdk-devargs, eth3 its dpdk-devargs"
# Each port's DPDK device name (what dpdk-dumpcap -i takes) follows its header.
for pair in eth0=net_null0 eth1=net_null8 eth2=net_null2 eth3=net_null9; do
	dev=$(awk -v p="${pair%=*}" '$0 ~ "^######## " p " " { s = 1; next } s { print $2; exit }' "$T/out")
	[ "$dev" = "${pair#*=}" ] || fail "show port stats ${pair%=*}: device '$dev', not ${pair#*=}"
done
ok "show port stats names each port's DPDK device"
b=$(bond_block "$T/out" 1)
[ "$(bond_field - 'Currently Active Slave' <<<"$b")" = eth3 ] || fail "port 2 (eth2) was not pulled"$'\n'"$b"
[ "$(bond_field eth2 'MII Status' <<<"$b")" = down ] || fail "eth2 not down"
ok "set link-down port 2 pulled eth2 by its port number"
grep -qx "no port or bond named '99'" "$T/out" || fail "no message for an unknown port"
ok "an unknown port number is reported"
grep -q '^mbufs: \([0-9]*\) of \1 back in the pool$' "$T/err" || fail "mbufs missing at exit"
ok "every mbuf back in the pool"
