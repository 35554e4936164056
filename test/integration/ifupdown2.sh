#!/bin/bash
# dpbond beside Debian's ifupdown2 (3.0) and dpbond's addon for it
# (config/ifupdown2/dpbond.py). In a namespace, dpbond runs bond0 (eth0,
# eth1 on TAPs) under vmbr0 (its TAP, 192.0.2.1/24) from its own file,
# which the ifupdown2 file sources beside kernel stanzas: ve0 (one end of
# a veth, 198.51.100.1/25) and brk0 (a Linux bridge over veth vb0,
# 198.51.100.129/25). ifupdown2 runs from its package's files in a mount
# namespace of its own (its /etc/network, /run/network and state apart from
# this machine's), with the addon registered as doc/proxmox.md says.
# Checked: ifup -a, ifreload -a and ifquery -a exit 0; ifupdown2 makes the
# kernel's interfaces and nothing of dpbond's (no Linux bridge or bond, the
# TAP keeps its index, addresses and state); the first ifup hands dpbond's
# stanzas to dpbond once, an unchanged ifreload not at all; a changed stanza
# reaches dpbond as a reload (an address, a bond option); a bad one is
# ifreload's error with dpbond's FILE:LINE and changes nothing; a kernel
# stanza's change is ifupdown2's alone.
BUILD=$1
ADDON=$2
. "$(dirname "$0")/lib.sh"
needs_netns python3 unshare
IFUPDOWN2=${DPB_IFUPDOWN2_DIR:-/var/lib/dpbond-test/ifupdown2}
if [ ! -f "$IFUPDOWN2/usr/share/ifupdown2/__main__.py" ]; then
	echo "SKIP: no ifupdown2 in $IFUPDOWN2 (.ci/install-deps extracts Debian's package there)"
	exit 77
fi
CTL="$BUILD/app/dpbondctl/dpbondctl"
NS=dpbt-ifup2-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
mkdir -p "$T/run" "$T/dpbond"

# ifupdown2 as its package lays it out, plus the addon where the package
# puts it; its /etc/network (an overlay over /etc) and state dir in $T.
I2="$T/if2"
mkdir -p "$I2/bin" "$I2/state" "$I2/etc-up/network/ifupdown2/policy.d" "$I2/etc-work"
cp -r "$IFUPDOWN2/usr/share/ifupdown2" "$I2/"
cp "$ADDON" "$I2/ifupdown2/addons/dpbond.py"
for c in ifup ifdown ifquery ifreload; do ln -s ../ifupdown2/__main__.py "$I2/bin/$c"; done
E="$I2/etc-up/network/ifupdown2"
NETIF="$I2/etc-up/network/interfaces"   # its /etc/network/interfaces (ifreload 3.0 has no -i)
cp "$IFUPDOWN2/etc/network/ifupdown2/addons.conf" "$E/"
echo "up,dpbond" >> "$E/addons.conf"            # the registration doc/proxmox.md gives
# Debian's settings, but the syntax check on (dpbond's own options must pass
# it) and the state where Proxmox keeps it.
sed -e 's/^addon_syntax_check=.*/addon_syntax_check=1/' -e 's|^state_dir=.*|state_dir=/run/network/|' \
	"$IFUPDOWN2/etc/network/ifupdown2/ifupdown2.conf" > "$E/ifupdown2.conf"
cat > "$E/policy.d/dpbond.json" <<EOF
{ "dpbond": { "module_globals": {
    "dpbond-interfaces": "$T/dpbond/interfaces",
    "dpbondctl": "$CTL --socket $T/run/ctl.sock" } } }
EOF

# if2 COMMAND ARGS...: an ifupdown2 command in the namespace; its stdout and
# stderr in $T/if2.out. /run is a tmpfs there (no syslog socket, its lock
# apart), /run/network this test's state.
if2() {
	local c=$1
	shift
	ip netns exec "$NS" unshare -m --propagation private sh -c '
		mount -t tmpfs dpbt /run && mkdir /run/network && mount --bind "$1/state" /run/network &&
		mount -t overlay dpbt -o "lowerdir=/etc,upperdir=$1/etc-up,workdir=$1/etc-work" /etc || exit 99
		shift; exec python3 "$@"' sh "$I2" "$I2/bin/$c" "$@" > "$T/if2.out" 2>&1
}

dpbond_file() {   # dpbond_file MIIMON [VMBR0_EXTRA_LINES [BOND_MODE]]
	cat <<CFG
iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode ${3:-active-backup}
    bond-miimon $1
    bond-hash-buckets 16

auto vmbr0
iface vmbr0 inet static
    address 192.0.2.1/24
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
${2:-}
CFG
}
kernel_file() {   # kernel_file VE0_ADDRESS
	cat <<CFG
auto lo
iface lo inet loopback

auto ve0
iface ve0 inet static
    address $1
    link-type veth
    veth-peer-name ve1

auto vb0
iface vb0 inet manual
    link-type veth
    veth-peer-name vb1

auto brk0
iface brk0 inet static
    address 198.51.100.129/25
    bridge-ports vb0
    bridge-stp off
    bridge-fd 0

source $T/dpbond/interfaces
CFG
}
dpbond_file 100 > "$T/dpbond/interfaces"
kernel_file 198.51.100.1/25 > "$NETIF"

mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts ifup2) -- -c "$T/dpbond/interfaces" --run-dir "$T/run" \
	--ctl-socket "$T/run/ctl.sock" --port eth0=net_tap0,iface=dpa0 --port eth1=net_tap1,iface=dpa1 \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
ctl() { ip netns exec "$NS" "$CTL" --socket "$T/run/ctl.sock" "$@"; }
reloads() { grep -c "configuration reloaded" "$T/err" || true; }
addrs() { ip -n "$NS" -4 -br addr show dev "$1" | awk '{ $1 = ""; $2 = ""; print }' | xargs; }

for _ in $(seq 50); do [ "$(addrs vmbr0 2>/dev/null)" = 192.0.2.1/24 ] && break; sleep 0.1; done
[ "$(addrs vmbr0)" = 192.0.2.1/24 ] || fail "dpbond's vmbr0 did not get 192.0.2.1/24"
tap_index=$(ip -n "$NS" -o link show vmbr0 | cut -d: -f1)
ip -n "$NS" -d link show vmbr0 | matches " tun " || fail "vmbr0 is not dpbond's TAP"

# dpbond's interfaces as dpbond has them; called after each ifupdown2 command.
dpbond_kept() {
	local a n
	[ "$(ip -n "$NS" -o link show vmbr0 | cut -d: -f1)" = "$tap_index" ] || fail "$1: vmbr0 is no longer dpbond's TAP"
	ip -n "$NS" -d link show vmbr0 | matches " tun " || fail "$1: vmbr0 is no longer a TAP"
	ip -n "$NS" link show vmbr0 | matches "[<,]UP[,>]" || fail "$1: vmbr0 was taken down"
	a=$(addrs vmbr0)
	[ "$a" = "$2" ] || fail "$1: vmbr0 has '$a', not '$2'"
	for n in bond0 eth0 eth1; do
		! ip -n "$NS" link show "$n" >/dev/null 2>&1 || fail "$1: a kernel $n was made"
	done
	[ -z "$(ip -n "$NS" -o link show type bridge | grep -v brk0)" ] || fail "$1: a Linux bridge other than brk0"
	[ -z "$(ip -n "$NS" -o link show type bond)" ] || fail "$1: a kernel bond was made"
}
kernel_done() {
	[ "$(addrs ve0)" = "$2" ] || fail "$1: ve0 has '$(addrs ve0)', not '$2'; ifupdown2 said: $(cat "$T/if2.out"); links: $(ip -n "$NS" -br link)"
	ip -n "$NS" -d link show brk0 | matches "bridge " || fail "$1: brk0 is not a Linux bridge"
	ip -n "$NS" link show vb0 | matches "master brk0" || fail "$1: vb0 is not in brk0"
	[ "$(addrs brk0)" = 198.51.100.129/25 ] || fail "$1: brk0 has '$(addrs brk0)'"
}

# 1. Boot: ifup -a. The kernel's stanzas are made, dpbond's left alone and
# handed to dpbond once (dpbond already runs this file: a reload that
# changes nothing).
if2 ifup -a || fail "ifup -a failed: $(cat "$T/if2.out")"
# ifupdown2 3.0 was seen, one run in four, to bring the veth it had just
# made up without its address, saying nothing: its own race (dpbond's
# stanzas are not ve0's), said and given one more ifup -a, which must mend it.
if [ "$(addrs ve0)" != 198.51.100.1/25 ]; then
	echo "note: ifupdown2 left ve0 without its address ($(cat "$T/if2.out")); ifup -a again"
	if2 ifup -a || fail "ifup -a again failed: $(cat "$T/if2.out")"
fi
kernel_done "ifup -a" 198.51.100.1/25
dpbond_kept "ifup -a" 192.0.2.1/24
for _ in $(seq 30); do [ "$(reloads)" = 1 ] && break; sleep 0.1; done
[ "$(reloads)" = 1 ] || fail "ifup -a: $(reloads) reloads, not 1"
grep "configuration reloaded" "$T/err" | matches "added\|removed\|built again\|changed" &&
	fail "ifup -a: the first reload changed something: $(grep "configuration reloaded" "$T/err")"
ok "ifup -a: exit 0, ve0 and bridge brk0 made, vmbr0 still dpbond's TAP with its address, no kernel bond; one reload, changing nothing"

# 2. ifreload -a with nothing changed: exit 0, no reload.
if2 ifreload -a || fail "ifreload -a failed: $(cat "$T/if2.out")"
kernel_done "ifreload -a (unchanged)" 198.51.100.1/25
dpbond_kept "ifreload -a (unchanged)" 192.0.2.1/24
sleep 0.5
[ "$(reloads)" = 1 ] || fail "an unchanged ifreload -a reloaded dpbond"
ok "ifreload -a, nothing changed: exit 0, nothing touched, no reload"

# 3. ifquery -a and ifquery --check on the kernel's part.
if2 ifquery -a || fail "ifquery -a failed: $(cat "$T/if2.out")"
grep -q "address 198.51.100.1/25" "$T/if2.out" || fail "ifquery -a: ve0's address missing: $(cat "$T/if2.out")"
grep -q "iface vmbr0" "$T/if2.out" && fail "ifquery -a lists dpbond's vmbr0 among its -a: $(cat "$T/if2.out")"
if2 ifquery --check ve0 brk0 || fail "ifquery --check ve0 brk0 failed: $(cat "$T/if2.out")"
ok "ifquery -a: exit 0, the kernel's stanzas, not dpbond's; ifquery --check passes on them"

# A host file that does not source dpbond's (a host back on kernel
# networking) has a vmbr0 of its own: the addon claims nothing of it.
cp "$NETIF" "$T/netif.keep"
{ grep -v "^source " "$T/netif.keep"; printf 'auto vmbr0\niface vmbr0 inet manual\n    bridge-ports none\n'; } > "$NETIF"
if2 ifquery -a || fail "ifquery -a without the source line failed: $(cat "$T/if2.out")"
grep -q "iface vmbr0" "$T/if2.out" && grep -q "bridge-ports none" "$T/if2.out" ||
	fail "without the source line, the kernel's vmbr0 was still taken as dpbond's: $(cat "$T/if2.out")"
cp "$T/netif.keep" "$NETIF"
ok "without the source line the kernel's own vmbr0 is the kernel's (ifquery -a lists it)"

# 4. A change of dpbond's stanzas: a second address on vmbr0, bond0's miimon.
dpbond_file 50 "    address 192.0.2.2/24" > "$T/dpbond/interfaces"
if2 ifreload -a || fail "ifreload -a (changed) failed: $(cat "$T/if2.out")"
for _ in $(seq 30); do [ "$(reloads)" = 2 ] && break; sleep 0.1; done
[ "$(reloads)" = 2 ] || fail "a changed stanza did not reload dpbond ($(reloads) reloads)"
for _ in $(seq 30); do [ "$(addrs vmbr0)" = "192.0.2.1/24 192.0.2.2/24" ] && break; sleep 0.1; done
dpbond_kept "ifreload -a (changed)" "192.0.2.1/24 192.0.2.2/24"
ctl show bonding bond0 | matches -x "MII Polling Interval (ms): 50" || fail "bond0's miimon is not 50: $(ctl show bonding bond0)"
kernel_done "ifreload -a (changed)" 198.51.100.1/25
ok "ifreload -a, dpbond's stanzas changed: exit 0, one reload; vmbr0 has 192.0.2.2/24 too and bond0 miimon 50"

# 5. A bad change: ifreload's error, with dpbond's FILE:LINE; nothing changes.
dpbond_file 50 "    address 192.0.2.2/24" no-such-mode > "$T/dpbond/interfaces"
line=$(grep -n "bond-mode no-such-mode" "$T/dpbond/interfaces" | cut -d: -f1)
rc=0
if2 ifreload -a || rc=$?
[ "$rc" -ne 0 ] || fail "ifreload -a took a bad dpbond stanza: $(cat "$T/if2.out")"
grep -q "$T/dpbond/interfaces:$line: error: " "$T/if2.out" ||
	fail "ifreload did not say dpbond's file:line: $(cat "$T/if2.out")"
dpbond_kept "ifreload -a (bad)" "192.0.2.1/24 192.0.2.2/24"
ctl show bonding bond0 | matches "^Bonding Mode: fault-tolerance (active-backup)" || fail "bond0's mode changed"
kernel_done "ifreload -a (bad)" 198.51.100.1/25
ok "ifreload -a, a bad bond-mode: exit $rc, dpbond's interfaces:$line reported, nothing changed"
sed -n "/interfaces:$line/p" "$T/if2.out" | head -2

# 6. Back to the last good file: dpbond already runs it, so no reload; then
# a kernel stanza's change is ifupdown2's alone.
n=$(reloads)
dpbond_file 50 "    address 192.0.2.2/24" > "$T/dpbond/interfaces"
kernel_file 198.51.100.2/25 > "$NETIF"
if2 ifreload -a || fail "ifreload -a (kernel change) failed: $(cat "$T/if2.out")"
kernel_done "ifreload -a (kernel change)" 198.51.100.2/25
dpbond_kept "ifreload -a (kernel change)" "192.0.2.1/24 192.0.2.2/24"
sleep 0.5
[ "$(reloads)" = "$n" ] || fail "the file dpbond runs was sent again"
ok "ifreload -a back to the file dpbond runs, ve0 readdressed: exit 0, ve0 198.51.100.2/25, no reload"

# 7. ifdown -a leaves dpbond's interfaces up.
if2 ifdown -a || fail "ifdown -a failed: $(cat "$T/if2.out")"
! ip -n "$NS" link show brk0 >/dev/null 2>&1 || fail "ifdown -a left brk0"
dpbond_kept "ifdown -a" "192.0.2.1/24 192.0.2.2/24"
ok "ifdown -a: brk0 gone, vmbr0 up with its addresses"

quit_dpbond
