#!/bin/bash
# What `--check` shows is what runs: a file setting every bond option in
# every mode family (active-backup with the ARP monitor, primary and
# fail_over_mac; balance-rr with delays; balance-xor with a hash policy,
# buckets and a peer notification delay; 802.3ad with every LACP option;
# balance-tlb by hash with a primary; broadcast with the ARP monitor) and
# bridges with VLANs, ageing and hwaddress. Each value `--check` resolved is
# turned into a line "IFACE KEY VALUE"; the running dpbond's `show bonding`
# and `show bridge` are turned into the same lines by what Linux's text
# says; the two sets must be equal, so no option can be read and dropped.
BUILD=$1
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "SKIP: needs root and /dev/net/tun (the host port's TAP)"
	exit 77
fi
NS=dpbt-ca-$$
ip netns add "$NS"

{
	for i in $(seq 0 7); do echo "iface eth$i inet manual"; done
	cat <<CFG
auto bond1
iface bond1 inet manual
    bond-slaves eth0 eth1
    bond-mode active-backup
    bond-primary eth1
    bond-primary-reselect better
    bond-arp-interval 250
    bond-arp-ip-target 192.0.2.1 192.0.2.2
    bond-ns-ip6-target 2001:db8::1
    bond-arp-validate filter_active
    bond-arp-all-targets all
    bond-arp-missed-max 4
    bond-fail-over-mac follow
    bridge-vids 10-20
    bridge-pvid 5

auto bond2
iface bond2 inet manual
    bond-slaves eth2
    bond-mode balance-rr
    bond-miimon 50
    bond-updelay 150
    bond-downdelay 100

auto bond3
iface bond3 inet manual
    bond-slaves eth3
    bond-mode balance-xor
    bond-miimon 100
    bond-xmit-hash-policy layer3+4
    bond-hash-buckets 64
    bond-peer-notif-delay 200
    hwaddress 02:00:5e:00:53:03

auto bond4
iface bond4 inet manual
    bond-slaves eth4 eth5
    bond-mode 802.3ad
    bond-miimon 100
    bond-lacp-rate fast
    bond-lacp-active off
    bond-ad-select count
    bond-min-links 2
    bond-ad-actor-sys-prio 100
    bond-ad-actor-system 02:00:5e:00:53:01
    bond-ad-user-port-key 7
    bond-xmit-hash-policy encap3+4

auto bond5
iface bond5 inet manual
    bond-slaves eth6
    bond-mode balance-tlb
    bond-miimon 100
    bond-tlb-dynamic-lb 0
    bond-xmit-hash-policy vlan+srcmac
    bond-primary eth6
    bond-primary-reselect failure

auto bond6
iface bond6 inet manual
    bond-slaves eth7
    bond-mode broadcast
    bond-arp-interval 300
    bond-arp-ip-target 198.51.100.7

auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond1 bond2
    bridge-stp off
    bridge-fd 0
    bridge-ageing 120
    bridge-vlan-aware yes
    bridge-vids 2-100

auto vmbr1
iface vmbr1 inet static
    address 198.51.100.1/24
    bridge-ports bond3 bond4 bond5 bond6
    bridge-ageing 600
    hwaddress 02:00:5e:00:53:10
CFG
} > "$T/interfaces"

"$DPBOND" --check -c "$T/interfaces" > "$T/check" 2>&1 || fail "--check refused the file: $(cat "$T/check")"

# --check's words as "IFACE KEY VALUE" lines, with the defaults Linux's text shows.
awk '
function put(k, v) { print cur, k, v }
/^bond / {
	cur = $2; sub(":", "", cur)
	line = $0; sub(/^bond [^:]*: /, "", line)
	n = split(line, f, ", ")
	prim = "None"; mode = ""; pnd = 0
	for (i = 1; i <= n; i++) {
		if (f[i] ~ /^mode /) { split(f[i], w, " "); mode = w[2]; put("mode", mode) }
		else if (f[i] ~ /^miimon /) { split(f[i], w, " "); put("miimon", w[2]) }
		else if (f[i] ~ /^updelay /) { split(f[i], w, " "); put("updelay", w[2]) }
		else if (f[i] ~ /^downdelay /) { split(f[i], w, " "); put("downdelay", w[2]) }
		else if (f[i] ~ /^peer_notif_delay /) { split(f[i], w, " "); pnd = w[2] }
		else if (f[i] ~ /^primary /) { split(f[i], w, " "); prim = w[2] " " w[3] " " w[4] }
		else if (f[i] ~ /^xmit_hash_policy /) { split(f[i], w, " "); put("xmit_hash_policy", w[2]) }
		else if (f[i] ~ /hash buckets$/) { split(f[i], w, " "); put("hash_buckets", w[1]) }
		else if (f[i] ~ /^slaves /) { v = f[i]; sub(/^slaves /, "", v); put("slaves", v) }
		else if (f[i] ~ /^hwaddress /) { split(f[i], w, " "); put("mac", w[2]); mac = 1 }
		else if (f[i] ~ /^fail_over_mac /) { split(f[i], w, " "); put("fail_over_mac", w[2]) }
	}
	put("peer_notif_delay", pnd)
	if (!mac) put("mac", "its first slave'"'"'s")
	mac = 0
	if (mode == "active-backup" || mode == "balance-tlb" || mode == "balance-alb") put("primary", prim)
	if (mode != "active-backup") put("fail_over_mac", "none-shown")
	next
}
/^  ARP monitor: / {
	line = $0; sub(/^  ARP monitor: /, "", line)
	n = split(line, f, ", ")
	for (i = 1; i <= n; i++) {
		split(f[i], w, " ")
		if (w[1] == "every") put("arp_interval", w[2])
		else if (w[1] == "arp_validate" || w[1] == "arp_all_targets") put(w[1], w[2])
		else if (w[1] == "missed_max") put("arp_missed_max", w[2])
		else if (w[1] == "targets") {
			v4 = ""; v6 = ""
			for (k = 2; k in w; k++) if (w[k] ~ /:/) v6 = v6 " " w[k]; else v4 = v4 " " w[k]
			put("arp_targets", v4 == "" ? "-" : substr(v4, 2)); put("ns_targets", v6 == "" ? "-" : substr(v6, 2))
		}
	}
	next
}
/^  802.3ad: / {
	line = $0; sub(/^  802.3ad: /, "", line)
	n = split(line, f, ", ")
	for (i = 1; i <= n; i++) {
		split(f[i], w, " ")
		if (w[1] == "system" && w[2] == "priority") put("system_priority", w[3])
		else if (w[1] == "system") put("system_mac", w[2])
		else put(w[1], w[2])
	}
	next
}
/^bridge / {
	cur = $2; sub(":", "", cur)
	line = $0; sub(/^bridge [^:]*: /, "", line)
	n = split(line, f, ", ")
	aware = "no"
	for (i = 1; i <= n; i++) {
		if (f[i] ~ /^ports /) { v = f[i]; sub(/^ports /, "", v); put("ports", v) }
		else if (f[i] ~ /^stp /) { split(f[i], w, " "); put("stp", w[2]) }
		else if (f[i] ~ /^ageing /) { split(f[i], w, " "); put("ageing", w[2]) }
		else if (f[i] == "vlan-aware") aware = "yes"
		else if (f[i] ~ /^hwaddress /) { split(f[i], w, " "); put("host_mac", w[2]) }
	}
	put("vlan_aware", aware)
	next
}
/^  vlans / { v = $0; sub(/^  vlans /, "", v); p = v; sub(/:.*/, "", p); sub(/^[^:]*: /, "", v); put("vlans " p, v) }
' "$T/check" | sort > "$T/from-check"
grep -q "^bond4 lacp_rate fast$" "$T/from-check" && grep -q "^vmbr0 vlans bond1 5 PVID" "$T/from-check" ||
	fail "the --check normaliser read nothing useful: $(cat "$T/from-check")"

mkfifo "$T/cmd"
ports=()
for i in $(seq 0 7); do ports+=(--port "eth$i=net_pcap$i,tx_pcap=$T/tx$i.pcap"); done
ip netns exec "$NS" "$DPBOND" $(eal_opts ca) -- -c "$T/interfaces" "${ports[@]}" \
	-i < "$T/cmd" > "$T/out" 2> "$T/err" &
DPB_PID=$!
exec 3> "$T/cmd"
console "sleep 100"
for b in 1 2 3 4 5 6; do console "show bonding bond$b"; done
console "show bridge vmbr0" "show bridge vmbr1"

# The running appliance's words as the same lines.
awk '
BEGIN {
	desc["load balancing (round-robin)"] = "balance-rr"; desc["fault-tolerance (active-backup)"] = "active-backup"
	desc["load balancing (xor)"] = "balance-xor"; desc["fault-tolerance (broadcast)"] = "broadcast"
	desc["IEEE 802.3ad Dynamic link aggregation"] = "802.3ad"; desc["transmit load balancing"] = "balance-tlb"
	desc["adaptive load balancing"] = "balance-alb"
}
function put(k, v) { print cur, k, v }
function flush() {
	if (kind == "bond") put("slaves", substr(slaves, 2))
	if (kind == "bridge") put("ports", substr(ports, 2))
	kind = ""
}
/^dpbond> show bonding / { flush(); cur = $4; kind = "bond"; slaves = ""; inslave = 0; sysmac = ""; first_perm = ""; next }
/^dpbond> show bridge / { flush(); cur = $4; kind = "bridge"; ports = ""; invl = 0; next }
/^dpbond> / { flush(); next }
kind == "bond" {
	split($0, kv, ": ")
	k = kv[1]; v = substr($0, length(k) + 3)
	# dpbond'"'"'s own lines, after the members.
	if (k == "MAC address") {
		put("mac", v == first_perm ? "its first slave'"'"'s" : v)
		if (sysmac != "") put("system_mac", sysmac == v ? "the" : sysmac)
		next
	}
	if (k == "Hash buckets") { put("hash_buckets", v); next }
	if (k == "ARP validate") { split(v, w, ", ARP all targets: "); put("arp_validate", w[1]); put("arp_all_targets", w[2]); next }
	if (k == "Slave Interface") { slaves = slaves " " v; inslave = 1; next }
	if (k == "Permanent HW addr" && first_perm == "") first_perm = v
	if (inslave) {
		if ($0 == "details actor lacp pdu:") actor = 1
		if ($0 == "details partner lacp pdu:") actor = 0
		if ($1 == "port" && $2 == "key:" && actor) put("user_port_key", int($3 / 64))
		next
	}
	if (k == "Bonding Mode") {
		fom = "none-shown"
		if (match(v, / \(fail_over_mac [a-z]+\)$/)) { fom = substr(v, RSTART + 16, RLENGTH - 17); v = substr(v, 1, RSTART - 1) }
		put("mode", desc[v]); put("fail_over_mac", fom)
	}
	else if (k == "MII Polling Interval (ms)") put("miimon", v)
	else if (k == "Up Delay (ms)") put("updelay", v)
	else if (k == "Down Delay (ms)") put("downdelay", v)
	else if (k == "Peer Notification Delay (ms)") put("peer_notif_delay", v)
	else if (k == "Primary Slave") put("primary", v)
	else if (k == "Transmit Hash Policy") { split(v, w, " "); put("xmit_hash_policy", w[1]) }
	else if (k == "ARP Polling Interval (ms)") put("arp_interval", v)
	else if (k == "ARP Missed Max") put("arp_missed_max", v)
	else if (k ~ /^ARP IP target/) { v = substr($0, index($0, ":") + 2); gsub(/,/, "", v); put("arp_targets", v == "" ? "-" : v) }
	else if (k ~ /^NS IPv6 target/) { v = $0; sub(/^[^)]*\): ?/, "", v); gsub(/,/, "", v); put("ns_targets", v == "" ? "-" : v) }
	else if (k == "LACP active") put("lacp_active", v)
	else if (k == "LACP rate") put("lacp_rate", v)
	else if (k == "Min links") put("min_links", v)
	else if (k == "Aggregator selection policy (ad_select)") put("ad_select", v)
	else if (k == "System priority") put("system_priority", v)
	else if (k == "System MAC address") sysmac = v
	next
}
kind == "bridge" && /^bridge / {
	put("stp", $4 == "off," ? "off" : "on")
	put("vlan_aware", $0 ~ / vlan-aware,/ ? "yes" : "no")
	if (match($0, /ageing [0-9]+ s/)) { split(substr($0, RSTART, RLENGTH), w, " "); put("ageing", w[2]) }
	next
}
kind == "bridge" && /^  port [0-9]+: / { if ($0 !~ /host port/) ports = ports " " $3; next }
kind == "bridge" && /^vlans / { invl = 1; next }
kind == "bridge" && invl && /^  [^ ]/ { p = $1; v = $0; sub(/^  [^ ]+ +/, "", v); if (p != cur) put("vlans " p, v); next }
kind == "bridge" && / master [^ ]+ permanent$/ { put("host_mac", $1); next }
END { flush() }
' "$T/out" | sort -u > "$T/got"
sort -u "$T/from-check" > "$T/want"
diff "$T/want" "$T/got" > "$T/diff" || fail "what --check resolved and what runs differ (< --check, > show):"$'\n'"$(cat "$T/diff")"
ok "every value --check resolved ($(wc -l < "$T/want") of them, 6 bonds and 2 bridges) is what show bonding and show bridge report"

cmd quit
wait "$DPB_PID" || fail "dpbond exited with an error"
DPB_PID=""
