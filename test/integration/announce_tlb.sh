#!/bin/bash
# balance-tlb pins each source MAC to one member (by bucket). When a member
# is lost, only the MACs it carried move, and only those are announced:
# eight VM MACs send through bond0 (eth0 + eth1, balance-tlb); after
# `set link-down port eth0`, eth1's pcap must hold one RARP for each MAC
# that eth0 carried before, and none for the MACs that stayed on eth1.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { echo "SKIP: tshark is not installed"; exit 77; }

macs=()
for i in 0 1 2 3 4 5 6 7; do
	macs+=("02:00:00:00:20:0$i")
	"$PCAP" gen "$T/vms.pcap" --count 3 --src "${macs[$i]}" --dst ff:ff:ff:ff:ff:ff \
		--tag "vm$i" $([ $i -gt 0 ] && echo --append)
done
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
iface eth1 inet manual
iface tap100i0 inet manual

auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode balance-tlb

auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0 tap100i0
    bridge-stp off
    bridge-fd 0
CFG
printf '%s\n' "sleep 500" "set link-down port eth0" "sleep 500" "show bonding bond0" "quit" > "$T/cmds"
"$DPBOND" $(eal_opts tlbann) -- -c "$T/interfaces" \
	--port eth0=net_pcap0,tx_pcap=$T/eth0.pcap --port eth1=net_pcap1,tx_pcap=$T/eth1.pcap \
	--port tap100i0=net_pcap2,rx_pcap=$T/vms.pcap,tx_pcap=$T/tap100i0.pcap \
	--cmdline-file "$T/cmds" > "$T/out" 2> "$T/err" || fail "dpbond exited with $?"

on_eth0=() on_eth1=()
for i in 0 1 2 3 4 5 6 7; do
	a=$("$PCAP" count "$T/eth0.pcap" --tag "vm$i" --src "${macs[$i]}")
	b=$("$PCAP" count "$T/eth1.pcap" --tag "vm$i" --src "${macs[$i]}")
	[ $((a + b)) -eq 3 ] && { [ "$a" -eq 0 ] || [ "$b" -eq 0 ]; } ||
		fail "${macs[$i]}: $a frames on eth0 and $b on eth1, not 3 on one member"
	[ "$a" -eq 3 ] && on_eth0+=("${macs[$i]}") || on_eth1+=("${macs[$i]}")
done
[ ${#on_eth0[@]} -gt 0 ] && [ ${#on_eth1[@]} -gt 0 ] ||
	fail "the eight MACs did not spread over both members: ${#on_eth0[@]} on eth0"
ok "before the pull: ${#on_eth0[@]} MACs on eth0, ${#on_eth1[@]} on eth1, each on one member only"

tshark -r "$T/eth1.pcap" -Y "arp.opcode == 3" -T fields -e eth.src 2>/dev/null | sort > "$T/rarp" ||
	fail "tshark failed"
printf '%s\n' "${on_eth0[@]}" | sort > "$T/want"
cmp -s "$T/rarp" "$T/want" ||
	fail "RARPs on eth1 are not exactly eth0's former MACs"$'\n'"got:"$'\n'"$(cat "$T/rarp")"$'\n'"want:"$'\n'"$(cat "$T/want")"
ok "after the pull, eth1 announced exactly the ${#on_eth0[@]} MACs that moved to it, none of the ${#on_eth1[@]} that stayed"
