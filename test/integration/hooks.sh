#!/bin/bash
# Hook commands as ifupdown runs them, on the Proxmox admin guide's
# masquerading (NAT) example: vmbr0 with an address and no physical port of
# its own, its post-up lines (after a blank line, as the guide writes them)
# enabling forwarding and adding an iptables MASQUERADE rule, its post-down
# line removing it. dpbond runs in a network namespace of the test's own.
# Checked: forwarding on and the rule there while dpbond runs, gone after it
# quits; ifupdown's variables in pre-up and up commands; an up command sees
# the host port up and addressed; post-down runs once the TAP is gone; a
# failing command is reported with its file:line; a command from a file
# others may write is not run.
BUILD=$1
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "SKIP: needs root and /dev/net/tun (network namespace, TAP port)"
	exit 77
fi
command -v iptables >/dev/null || { echo "SKIP: iptables is not installed"; exit 77; }

NS=dpbt-hk-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
mkdir -p "$T/interfaces.d"
cat > "$T/interfaces" <<CFG
auto lo
iface lo inet loopback

iface eth0 inet manual

auto vmbr0
iface vmbr0 inet static
    address 203.0.113.1/24
    bridge-ports eth0
    bridge-stp off
    bridge-fd 0
    pre-up env > $T/pre-up.env
    pre-up false
    up ip -o addr show dev vmbr0 > $T/up.addr; env > $T/up.env

    post-up echo 1 > /proc/sys/net/ipv4/ip_forward
    post-up   iptables -t nat -A POSTROUTING -s '203.0.113.0/24' -o uplink -j MASQUERADE
    post-down iptables -t nat -D POSTROUTING -s '203.0.113.0/24' -o uplink -j MASQUERADE
    post-down ip link show dev vmbr0 > $T/post-down.link 2>&1 || echo gone > $T/post-down.link

source $T/interfaces.d/*
CFG
chmod 0644 "$T/interfaces"
printf 'iface vmbr0 inet static\n    post-up touch %s/shared.ran\n' "$T" > "$T/interfaces.d/shared"
chmod 0666 "$T/interfaces.d/shared"
n_false=$(grep -n '^    pre-up false$' "$T/interfaces" | cut -d: -f1)

mkfifo "$T/cmd"
ip netns exec "$NS" "$DPBOND" $(eal_opts hk) -- -c "$T/interfaces" \
	--port eth0=net_pcap0,tx_pcap=$T/eth0.pcap -i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"

[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || fail "post-up did not enable forwarding"
ip netns exec "$NS" iptables -t nat -S POSTROUTING | matches -x -- "-A POSTROUTING -s 203.0.113.0/24 -o uplink -j MASQUERADE" ||
	fail "post-up did not add the MASQUERADE rule: $(ip netns exec "$NS" iptables -t nat -S 2>&1)"
ok "the admin guide's NAT example: forwarding on and the MASQUERADE rule in place while dpbond runs"

for v in IFACE=vmbr0 LOGICAL=vmbr0 ADDRFAM=inet METHOD=static MODE=start PHASE=pre-up VERBOSITY=0 \
	 IF_ADDRESS=203.0.113.1/24 IF_BRIDGE_PORTS=eth0 IF_BRIDGE_STP=off IF_BRIDGE_FD=0; do
	grep -qx "$v" "$T/pre-up.env" || fail "pre-up's environment lacks $v: $(cat "$T/pre-up.env")"
done
grep -q "^IF_POST_UP=" "$T/pre-up.env" && fail "pre-up's environment has the hook commands as IF_ variables"
grep -qx "PHASE=post-up" "$T/up.env" || fail "an up command does not run with PHASE=post-up"
grep -q "inet 203.0.113.1/24" "$T/up.addr" || fail "the up command did not see vmbr0 addressed: $(cat "$T/up.addr")"
ok "pre-up and up commands get ifupdown's variables; up runs once the host port is up with its address"

grep -qF "$T/interfaces:$n_false: warning: vmbr0: pre-up command failed with status 1: false" "$T/err" ||
	fail "the failing pre-up is not reported with its file:line: $(cat "$T/err")"
[ ! -e "$T/shared.ran" ] || fail "a command from a file everyone may write was run"
grep -qF "$T/interfaces.d/shared:2: warning: post-up: not run: the file is writable by everyone" "$T/err" ||
	fail "the untrusted file's command is not reported"
ok "a failing command is reported with its file:line; one from a file everyone may write is not run"

cmd quit
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
ip netns exec "$NS" iptables -t nat -S POSTROUTING | matches MASQUERADE &&
	fail "post-down did not remove the MASQUERADE rule"
[ "$(cat "$T/post-down.link")" = gone ] || fail "post-down ran while vmbr0 still existed: $(cat "$T/post-down.link")"
ok "dpbond quit: post-down removed the rule, once the host port was gone"
