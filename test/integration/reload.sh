#!/bin/bash
# Live reconfiguration: `reload` (console, control socket) and SIGHUP while
# two streams flow. All ports are TAPs in a namespace:
#   vmbr0 = bond0 (eth0, eth1; active-backup) + tst0: never changes; its
#     stream (tst0 -> bond0) must lose nothing through every reload;
#   vmbr1 = bond1 (eth2, eth3; balance-xor) + tst1, host port 192.0.2.1/24:
#     reloads give bond1 eth4, another xmit_hash_policy and updelay, vmbr1
#     a plain port (tst2), a VM port, VLANs and another address, then take
#     eth3 and tst2 away and make bond1 active-backup (their stanzas' hook
#     commands run as ifreload runs them); a file with an error, one whose
#     new port cannot start, and one changing running ports' MTU are refused
#     whole and change nothing, and so is a file in error on SIGHUP; SIGHUP
#     then brings the first file back.
#   bond2 (eth5) comes first in the file: reloads take it away and bring it
#     back, so bond0 and bond1 are renumbered each time. A VM port the console
#     added to vmbr0 stays through all of it.
# What bond1's stream lost across its changes is printed (doc/reliability.md).
BUILD=$1
. "$(dirname "$0")/lib.sh"
needs_netns python3 jq
NS=dpbt-reload-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
mkdir -p "$T/run"

# bond2 comes first: removing it renumbers bond0 and bond1 behind it.
BOND2="auto bond2
iface bond2 inet manual
    bond-slaves eth5
    bond-miimon 20
"
# config BOND1_SLAVES VMBR1_ADDRESS [EXTRA_VMBR1_LINES [BOND1_MODE [FIRST_LINES [BOND1_LINES [VMBR1_PORTS]]]]]
config() {
	cat <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface eth3 inet manual
    post-down echo post-down \$IFACE >> $T/hooks.log
iface eth4 inet manual
    post-up echo post-up \$IFACE >> $T/hooks.log

${5:-}
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 20

auto bond1
iface bond1 inet manual
    bond-slaves $1
    bond-mode ${4:-balance-xor}
    bond-miimon 20
${6:-}
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 tst0

auto vmbr1
iface vmbr1 inet static
    address $2
    bridge-ports bond1 ${7:-tst1}
${3:-}
CFG
}
config "eth2 eth3" 192.0.2.1/24 "" "" "$BOND2" > "$T/interfaces"

ports=(--port eth5=net_tap7,iface=dpa5)
for i in 0 1 2 3 4; do ports+=(--port "eth$i=net_tap$i,iface=dpa$i"); done
mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" -l 0-1 --no-huge --no-pci -m 256 --file-prefix "dpbt-reload-$$" \
	--log-level=lib.eal:warning -- -c "$T/interfaces" --run-dir "$T/run" \
	--ctl-socket "$T/run/ctl.sock" "${ports[@]}" \
	--port tst0=net_tap5,iface=dpt0 --port tst1=net_tap6,iface=dpt1 --port tst2=net_tap8,iface=dpt2 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 200"
for d in dpa0 dpa1 dpa2 dpa3 dpt0 dpt1; do ip -n "$NS" link set "$d" arp off up; done
ctl() { ip netns exec "$NS" "$CTL" --socket "$T/run/ctl.sock" "$@"; }
ctl show bonding bond1 | matches "^Slave Interface: eth3" || fail "bond1 did not start with eth3"
ip -n "$NS" -4 addr show dev vmbr1 | matches "inet 192.0.2.1/24" || fail "vmbr1's host port has no 192.0.2.1/24"
ok "dpbond runs vmbr0 (bond0 + tst0) and vmbr1 (bond1 of eth2 and eth3 + tst1, 192.0.2.1/24) on TAPs"

# A VM port the console adds (as Proxmox's VM start will) stays through every reload.
ctl add bridge port vmbr0 vhost vm200 > /dev/null || fail "cannot add VM port vm200"
ctl show bonding bond0 > "$T/bond0.before"
ctl show port stats eth4 > "$T/eth4.before" 2>&1 && fail "eth4 has a port before any reload"
ip netns exec "$NS" python3 "$(dirname "$0")/reload.py" "$T" 10 > "$T/stream.json" 2> "$T/stream.err" &
STREAM_PID=$!
EXTRA_PIDS+=("$STREAM_PID")
wait_line "$T/stream.state" streaming 10 || fail "the streams did not start: $(cat "$T/stream.err")"
sleep 0.5

# 1. bond1 gains eth4; vmbr1 gains VM port vm1, VLANs and 198.51.100.1/24 for 192.0.2.1/24.
config "eth2 eth3 eth4" 198.51.100.1/24 "    bridge-vhost-ports vm1
    bridge-vlan-aware yes
    bridge-vids 100-110" "" "" "    bond-xmit-hash-policy layer3+4
    bond-updelay 40" "tst1 tst2" > "$T/interfaces"
ctl reload > "$T/reload1" || fail "reload 1 refused: $(cat "$T/reload1")"
ip -n "$NS" link set dpa4 arp off up
grep -q "added: eth4 tst2 vm1" "$T/reload1" && grep -q "built again: bond1" "$T/reload1" &&
	grep -q "bridges changed: vmbr1" "$T/reload1" && grep -q "removed:.* bond2" "$T/reload1" &&
	! grep -q "bond0\|vmbr0" "$T/reload1" || fail "reload 1 said: $(cat "$T/reload1")"
ctl show bonding bond1 | grep -c "^Slave Interface:" | matches -x 3 || fail "bond1 has not 3 members: $(ctl show bonding bond1)"
[ -S "$T/run/vm1.sock" ] || fail "no VM socket $T/run/vm1.sock"
ip -n "$NS" -4 addr show dev vmbr1 > "$T/addr1"
grep -q "inet 198.51.100.1/24" "$T/addr1" && ! grep -q "192.0.2.1" "$T/addr1" || fail "vmbr1's addresses: $(cat "$T/addr1")"
ctl show bridge vmbr1 > "$T/vmbr1.1"
grep -q "^bridge vmbr1: stp off, vlan-aware," "$T/vmbr1.1" && grep -q "^  bond1 *1 PVID Egress Untagged, 100-110$" "$T/vmbr1.1" ||
	fail "vmbr1 after reload 1: $(cat "$T/vmbr1.1")"
ctl show bonding bond1 > "$T/bond1.1"
grep -qx "Transmit Hash Policy: layer3+4 (1)" "$T/bond1.1" && grep -qx "Up Delay (ms): 40" "$T/bond1.1" ||
	fail "bond1's options after reload 1: $(cat "$T/bond1.1")"
grep -q "^  port [0-9]*: tst2 " "$T/vmbr1.1" || fail "vmbr1 has no port tst2: $(cat "$T/vmbr1.1")"
ok "reload 1: bond1's xmit_hash_policy and updelay changed, vmbr1 gained the plain port tst2"
ok "reload 1: bond2 gone (bond0 and bond1 renumbered), bond1 gained eth4 (a new port), vmbr1 a VM port, VLANs 100-110 and 198.51.100.1/24 in place of 192.0.2.1/24; bond0 and vmbr0 untouched"
sleep 1

# 2. bond1 loses eth3 and turns active-backup; the VM port goes; the VLANs widen.
config "eth2 eth4" 198.51.100.1/24 "    bridge-vlan-aware yes
    bridge-vids 100-120" active-backup > "$T/interfaces"
cmd reload
console "show bonding bond1" "show bridge vmbr1"
grep -q "removed: eth3 tst2 vm1" "$T/out" || fail "reload 2 did not remove eth3, tst2 and vm1"
grep -q "port [0-9]*: tst2 " <(sed -n '/^bridge vmbr1/,$p' "$T/out") && fail "tst2 still in vmbr1"
bond_block "$T/out" 1 > "$T/bond1.2"
grep -q "^Slave Interface: eth3" "$T/bond1.2" && fail "eth3 still in bond1"
grep -q "^Bonding Mode: fault-tolerance (active-backup)$" "$T/bond1.2" &&
	grep -q "^Currently Active Slave: eth2$" "$T/bond1.2" || fail "bond1 after reload 2: $(cat "$T/bond1.2")"
grep -q "^  bond1 *1 PVID Egress Untagged, 100-120$" "$T/out" || fail "vmbr1's VLANs after reload 2: $(tail -20 "$T/out")"
[ -e "$T/run/vm1.sock" ] && fail "vm1's socket is still there"
ok "reload 2 (console): bond1 lost eth3 (its port closed) and runs active-backup on eth2, vmbr1 its VM port (socket removed) and carries VLANs 100-120"
[ "$(cat "$T/hooks.log")" = "post-up eth4
post-down eth3" ] || fail "hook commands: $(cat "$T/hooks.log")"
ok "the hooks of what the reloads added (eth4's post-up) and removed (eth3's post-down) ran, once each"
sleep 1

# 3. An error: refused whole, with its file:line, nothing changed.
# (show bridge without its FDB: entries' ages move on)
bridge_shape() { ctl show bridge vmbr1 | grep "^bridge \|^  port \|PVID"; }
ctl show bonding bond1 > "$T/bond1.before"
bridge_shape > "$T/vmbr1.before"
config "eth2 eth3" 192.0.2.1/24 "    bridge-ageing ten" > "$T/interfaces"
line=$(grep -n "bridge-ageing ten" "$T/interfaces" | cut -d: -f1)
ctl reload > "$T/reload3" 2>&1 && fail "a file with an error was applied: $(cat "$T/reload3")"
grep -q "^$T/interfaces:$line: error: " "$T/reload3" && grep -q "running configuration is unchanged" "$T/reload3" ||
	fail "the refusal said: $(cat "$T/reload3")"
ctl show bonding bond1 | diff - "$T/bond1.before" > /dev/null && bridge_shape | diff - "$T/vmbr1.before" > /dev/null ||
	fail "a refused reload changed bond1 or vmbr1"
ok "reload 3: a file with an error refused with $(basename "$T")/interfaces:$line and nothing changed"

# 3b. A new member whose device cannot start: refused whole, nothing changed (eth4 kept, no eth6).
config "eth2 eth4 eth6" 198.51.100.1/24 "    bridge-vlan-aware yes
    bridge-vids 100-120
iface eth6 inet manual
    dpdk-devargs net_nosuchdev0" active-backup > "$T/interfaces"
line=$(grep -n "^iface eth6" "$T/interfaces" | cut -d: -f1)
ctl reload > "$T/reload3b" 2>&1 && fail "a reload whose port cannot start was applied: $(cat "$T/reload3b")"
grep -q "^$T/interfaces:$line: error: eth6: cannot start its port" "$T/reload3b" &&
	grep -q "running configuration is unchanged" "$T/reload3b" || fail "the refusal said: $(cat "$T/reload3b")"
ctl show bonding bond1 | diff - "$T/bond1.before" > /dev/null && bridge_shape | diff - "$T/vmbr1.before" > /dev/null ||
	fail "a reload refused for a port changed bond1 or vmbr1: $(ctl show bonding bond1)"
ok "reload 3b: a new port that cannot start refuses the reload (interfaces:$line) and nothing changed"

# 3c. bond1's MTU changed, so its members' and vmbr1's: refused whole, each
# running port with its line (a reload restarts no port).
config "eth2 eth4" 198.51.100.1/24 "    bridge-vlan-aware yes
    bridge-vids 100-120" active-backup "" "    mtu 1400" > "$T/interfaces"
ctl reload > "$T/reload3c" 2>&1 && fail "a reload changed a running port's MTU: $(cat "$T/reload3c")"
# Each member, where the file names it, and the host port.
line=$(grep -n "bond-slaves eth2 eth4" "$T/interfaces" | cut -d: -f1)
grep -q "^$T/interfaces:$line: error: eth2: its MTU changed on a running port" "$T/reload3c" &&
	grep -q "^$T/interfaces:$(grep -n "^iface eth4" "$T/interfaces" | cut -d: -f1): error: eth4: its MTU changed" "$T/reload3c" &&
	grep -q "^$T/interfaces:$(grep -n "^iface vmbr1" "$T/interfaces" | cut -d: -f1): error: vmbr1: its MTU changed" "$T/reload3c" ||
	fail "the refusal said: $(cat "$T/reload3c")"
ctl show bonding bond1 | diff - "$T/bond1.before" > /dev/null && bridge_shape | diff - "$T/vmbr1.before" > /dev/null ||
	fail "a reload refused for an MTU changed bond1 or vmbr1"
ok "reload 3c: bond1's MTU changed: refused for its running members and host port, each with its line, and nothing changed"

# 4a. SIGHUP with a file in error: refused in the log, nothing changed.
config "eth2 eth3" 192.0.2.1/24 "    bridge-ageing ten" > "$T/interfaces"
line=$(grep -n "bridge-ageing ten" "$T/interfaces" | cut -d: -f1)
kill -HUP "$DPB_PID"
for _ in $(seq 50); do grep -q "SIGHUP: .*interfaces:$line: error" "$T/err" && break; sleep 0.1; done
grep -q "SIGHUP: .*interfaces:$line: error" "$T/err" || fail "SIGHUP with a bad file: $(tail -5 "$T/err")"
ctl show bonding bond1 | diff - "$T/bond1.before" > /dev/null && bridge_shape | diff - "$T/vmbr1.before" > /dev/null ||
	fail "a refused SIGHUP reload changed bond1 or vmbr1"
ok "SIGHUP with a file in error: the refusal (interfaces:$line) in the log, nothing changed"

# 4. SIGHUP (systemctl reload) brings the first file back, bond2 first again.
config "eth2 eth3" 192.0.2.1/24 "" "" "$BOND2" > "$T/interfaces"
kill -0 "$STREAM_PID" 2> /dev/null || fail "the streams ended before the reloads: nothing was tested (a slow machine?)"
kill -HUP "$DPB_PID"
# (the third "configuration reloaded" line: reloads 1, 2, then this one)
for _ in $(seq 50); do [ "$(grep -c "configuration reloaded" "$T/err")" -ge 3 ] && break; sleep 0.1; done
line=$(grep "configuration reloaded" "$T/err" | sed -n 3p)
[[ $line == *"; added:"*" eth3"*"; removed: eth4;"* && $line == *"; added:"*" eth5"*"; removed:"* &&
   $line == *"; added:"*" bond2"*"; removed:"* ]] || fail "SIGHUP did not reload as asked: $line"
kill -0 "$STREAM_PID" 2> /dev/null || fail "the streams ended before the last reload was done"
ctl show bonding bond1 | grep "^Slave Interface:" | paste -sd' ' | matches -x "Slave Interface: eth2 Slave Interface: eth3" ||
	fail "bond1 after SIGHUP: $(ctl show bonding bond1)"
ip -n "$NS" -4 addr show dev vmbr1 | matches "inet 192.0.2.1/24" || fail "vmbr1 did not get 192.0.2.1/24 back"
ctl show bonding bond1 | matches "^Bonding Mode: load balancing (xor)$" && ctl show bridge vmbr1 | matches "^bridge vmbr1: stp off, ageing" ||
	fail "bond1's mode or vmbr1's VLANs not back: $(ctl show bonding bond1; ctl show bridge vmbr1)"
ok "SIGHUP: the first file back (bond1 of eth2 and eth3 in balance-xor, vmbr1 not VLAN-aware, at 192.0.2.1/24)"

wait "$STREAM_PID" || fail "the streams failed: $(cat "$T/stream.err")"
read -r sent0 got0 sent1 got1 < <(jq -r '"\(.sent0) \(.got0) \(.sent1) \(.got1)"' "$T/stream.json")
echo "stream through bond0 (unchanged): $got0 of $sent0 frames; through bond1 (changed 3 times): $got1 of $sent1"
[ "$sent0" -gt 3000 ] && [ "$got0" = "$sent0" ] || fail "bond0's stream lost $((sent0 - got0)) of $sent0 frames across the reloads"
ok "not one of bond0's $sent0 frames lost across seven reloads of the others (four of them refused)"
diff "$T/bond0.before" <(ctl show bonding bond0) > /dev/null ||
	fail "bond0 changed: $(diff "$T/bond0.before" <(ctl show bonding bond0))"
ok "bond0 as before, line for line: same members, same active member, no link failure counted (no port restarted)"
ctl show bridge vmbr0 | matches "^  port 2: vm200 " && [ -S "$T/run/vm200.sock" ] ||
	fail "the console's VM port vm200 did not stay in vmbr0: $(ctl show bridge vmbr0)"
ok "the console's VM port vm200 stayed in vmbr0, its socket there, through the seven reloads"
quit_dpbond
