#!/bin/bash
# fail_over_mac on real devices: bond0's members are net_tap ports, whose
# MAC dpbond sets shows on their kernel side (`ip link`). With follow, the
# active member carries the bond's MAC and, at a failover, the new active
# one takes it while the old one takes the new one's; with active, the
# members keep their own MACs and the bond's MAC (show bonding's "MAC
# address") becomes the active member's.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns

mac_of() { ip -n "$NS" link show dev "$1" | awk '/link\/ether/ { print $2 }'; }
bond_mac() { console "show bonding bond0"; grep "^MAC address: " "$T/out" | tail -1 | cut -d' ' -f3; }
active() { console "show bonding bond0"; grep "^Currently Active Slave: " "$T/out" | tail -1 | cut -d' ' -f4; }
pull() { console "set link-down port $1" "sleep 300"; }

for policy in follow active; do
	NS=dpbt-fom-$policy-$$
	ip netns add "$NS"
	cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-miimon 100
    bond-fail-over-mac $policy
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0
CFG
	rm -f "$T/out" "$T/cmd"
	dpbond_on_taps fom-$policy
	console "sleep 300"
	console "show bonding bond0"
	grep -q "^Bonding Mode: fault-tolerance (active-backup) (fail_over_mac $policy)$" "$T/out" ||
		fail "$policy: show bonding's mode line: $(grep '^Bonding Mode' "$T/out")"
	m0=$(mac_of dpbm0) m1=$(mac_of dpbm1)
	bond_mac > "$T/v"; b0=$(cat "$T/v")
	[ "$(active)" = eth0 ] || fail "$policy: eth0 is not active at start"
	[ "$m0" != "$m1" ] || fail "$policy: both members carry $m0 at start"
	[ "$b0" = "$m0" ] || fail "$policy: the bond's MAC $b0 is not eth0's $m0"
	pull eth0
	[ "$(active)" = eth1 ] || fail "$policy: no failover to eth1"
	if [ $policy = follow ]; then
		[ "$(mac_of dpbm1)" = "$m0" ] && [ "$(mac_of dpbm0)" = "$m1" ] ||
			fail "follow: after the failover eth0 has $(mac_of dpbm0), eth1 $(mac_of dpbm1); before $m0, $m1"
		[ "$(bond_mac)" = "$b0" ] || fail "follow: the bond's MAC changed to $(bond_mac)"
		ok "follow: at the failover eth1 took the bond's MAC $m0 and eth0 eth1's $m1; the bond kept $b0"
	else
		[ "$(mac_of dpbm0)" = "$m0" ] && [ "$(mac_of dpbm1)" = "$m1" ] ||
			fail "active: the members' MACs changed: eth0 $(mac_of dpbm0), eth1 $(mac_of dpbm1)"
		[ "$(bond_mac)" = "$m1" ] || fail "active: the bond's MAC is $(bond_mac), not eth1's $m1"
		ok "active: the members kept their MACs; the bond's MAC became eth1's $m1"
	fi
	quit_dpbond
	exec 3>&-
	ip netns del "$NS"
done
NS=""
