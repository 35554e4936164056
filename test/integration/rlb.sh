#!/bin/bash
# balance-alb's receive load balancing for the host's own address, through
# real kernel stacks. bond0 (balance-alb, eth0 + eth1 on TAPs cabled to a
# Linux-bridge switch) is vmbr0's only port; vmbr0's host port has
# 198.51.100.1/24. Four clients, each in a namespace of its own behind the
# switch, ping the host: the host's ARP replies give them different
# members' MACs (eth0's own MAC is the host's), so that what they send
# arrives on different members. eth1's cable is pulled: its clients are
# told eth0's MAC and keep talking; plugged back, eth1 takes a share again.
BUILD=$1
. "$(dirname "$0")/lib.sh"

needs_netns ping tc

switched_host rlb
CLIENTS=()
for i in 1 2 3 4; do
	n=dpbt-rlb-c$i-$$
	ip netns add "$n"
	EXTRA_NS+=("$n")
	CLIENTS+=("$n")
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link add "cv$i-$$" netns "$n" type veth peer name "swc$i" netns "$S"
	ip -n "$n" link set "cv$i-$$" name cv
	ip -n "$n" addr add "198.51.100.1$i/24" dev cv
	ip -n "$n" link set cv up
	ip -n "$S" link set "swc$i" master brs up
done

cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-mode balance-alb
    bond-miimon 100

auto vmbr0
iface vmbr0 inet static
    address 198.51.100.1/24
    bridge-ports bond0
    bridge-stp off
    bridge-fd 0
CFG
dpbond_on_taps rlb cable
console "sleep 300"

mac_of() { ip -n "$NS" link show dev "$1" | awk '/link\/ether/ { print $2 }'; }
perm() { console "show bonding bond0"; bond_block "$T/out" "$(grep -c '^dpbond> show bonding' "$T/out")" | bond_field "$1" "Permanent HW addr"; }
host=$(mac_of vmbr0)
m0=$(perm eth0)
m1=$(perm eth1)
[ "$m0" = "$host" ] || fail "eth0's own MAC $m0 is not the host port's $host"
[ "$m1" != "$host" ] || fail "eth1 has the host's MAC"

# Each client pings the host and reads which MAC it learned for it.
learned() { ip -n "$1" neigh show 198.51.100.1 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
ping_all() {
	local c
	for c in "${CLIENTS[@]}"; do
		ip netns exec "$c" ping -c 2 -i 0.2 -W 2 198.51.100.1 > "$T/ping" 2>&1 ||
			fail "$1: $c cannot ping the host: $(cat "$T/ping")"
	done
}
rx_of() { console "show port stats $1"; awk -v p="$1" '$0 ~ "^######## " p " " { s = 1 } s && /RX-packets:/ { v = $2; s = 0 } END { print v }' "$T/out"; }
ping_all "first contact"
on0=0 on1=0
for c in "${CLIENTS[@]}"; do
	case "$(learned "$c")" in
	"$m0") on0=$((on0 + 1)) ;;
	"$m1") on1=$((on1 + 1)); C1=$c ;;
	*) fail "$c learned $(learned "$c") for the host, neither member's MAC" ;;
	esac
done
[ $on0 -ge 1 ] && [ $on1 -ge 1 ] || fail "the clients were not spread: $on0 on eth0, $on1 on eth1"
ok "four clients pinging the host learned its address at different members' MACs: $on0 at eth0's (the host's), $on1 at eth1's"

before=$(rx_of eth1)
ip netns exec "$C1" ping -c 20 -i 0.05 -W 2 198.51.100.1 > "$T/ping" 2>&1 || fail "$C1 stopped reaching the host: $(cat "$T/ping")"
after=$(rx_of eth1)
[ $((after - before)) -ge 20 ] || fail "$C1's 20 pings did not arrive on eth1 (its RX went $before -> $after)"
ok "a client given eth1's MAC reaches the host through eth1 ($before -> $after received), the host answering"

# eth1's cable out: its clients are told eth0's MAC, and keep talking.
ip -n "$NS" link set dpbm1 down
for _ in $(seq 40); do [ "$(learned "$C1")" = "$m0" ] && break; sleep 0.1; done
ping_all "eth1 pulled"
[ "$(learned "$C1")" = "$m0" ] || fail "$C1 still has $(learned "$C1") for the host after eth1 went down"
ok "eth1 pulled: its clients were sent eth0's MAC (the host's) and all four still ping the host"
console "show bonding bond0"
line=$(grep "^Receive load balancing: " "$T/out" | tail -1)
[[ "$line" =~ ^"Receive load balancing: 4 clients, "[0-9]+" assigned, "[1-9][0-9]*" moved, "[1-9][0-9]*" replies, "[1-9][0-9]*" updates, 0 lost"$ ]] ||
	fail "show bonding: $line"
ok "show bonding: $line"

# Back: every client is dealt again, eth1 takes its share.
ip -n "$NS" link set dpbm1 up
for _ in $(seq 40); do
	on1=0
	for c in "${CLIENTS[@]}"; do [ "$(learned "$c")" = "$m1" ] && on1=$((on1 + 1)); done
	[ $on1 -ge 2 ] && break
	sleep 0.1
done
ping_all "eth1 back"
[ $on1 -ge 2 ] || { console "show bonding bond0"; fail "no client is on eth1 again after it came back: $(grep "^Receive load" "$T/out" | tail -1)"; }
ok "eth1 back: $on1 client(s) moved back to eth1's MAC, all four ping the host"

# The host asks for a client's address: its broadcast ARP request teaches
# every client that knows the host the host's own MAC; rlb tells them their
# member's again (the second round comes after the clients' 1 s locktime).
ip -n "$NS" neigh flush dev vmbr0
ip netns exec "$NS" ping -c 1 -W 2 198.51.100.12 > /dev/null 2>&1 || fail "the host cannot reach 198.51.100.12"
sleep 0.3
again=0
for c in "${CLIENTS[@]}"; do [ "$(learned "$c")" = "$m1" ] && again=$((again + 1)); done
for _ in $(seq 40); do
	n=0
	for c in "${CLIENTS[@]}"; do [ "$(learned "$c")" = "$m1" ] && n=$((n + 1)); done
	[ $n -ge $on1 ] && break
	sleep 0.1
done
[ $n -ge $on1 ] || fail "after the host's ARP request, only $n of $on1 clients are back on eth1's MAC"
ok "the host's own ARP request ($again of $on1 on eth1's MAC just after it): rlb told them eth1's MAC again ($n)"

quit_dpbond
