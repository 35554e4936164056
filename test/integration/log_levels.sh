#!/bin/bash
# dpbond's messages through rte_log: its log types answer EAL's --log-level
# (a debug message of dpbond.lacp appears with dpbond.lacp:debug or
# 'dpbond.*:debug' and not without), what the wire triggers is rate-limited
# (an endless stream of malformed LACPDUs gives a bounded number of lines and
# "suppressed" counts), and when stderr is the journal (JOURNAL_STREAM names
# it) each line carries its <N> priority and nothing goes to syslog, which
# otherwise gets DPDK's copy of each message (seen through an LD_PRELOAD spy).
BUILD=$1
. "$(dirname "$0")/lib.sh"

SPY="$BUILD/test/libdpb_syslog_spy.so"
[ -f "$SPY" ] || fail "no $SPY"

# A pcap file of the frames given in hex, one argument each.
pcap() {
	local out=$1 hex n
	shift
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' > "$out"
	for hex in "$@"; do
		n=$(( ${#hex} / 2 ))
		printf '\x00\x00\x00\x00\x00\x00\x00\x00' >> "$out"
		printf "$(printf '\\x%02x\\x%02x\\x00\\x00' $((n & 255)) $((n >> 8)))" >> "$out"
		printf "$(printf '\\x%02x\\x%02x\\x00\\x00' $((n & 255)) $((n >> 8)))" >> "$out"
		printf "$(sed 's/../\\x&/g' <<<"$hex")" >> "$out"
	done
}
zeros() { printf '%0*d' $(( $1 * 2 )) 0; }
ETH=0180c2000002020000000099""8809
# A LACPDU (802.1AX-2014 6.4.2): actor 32768,02:00:00:00:00:99, key 5,
# port 255,1, state 0x3d; partner all zeros; collector; terminator.
ACTOR=8000020000000099000500ff00013d000000
GOOD=${ETH}0101""0114${ACTOR}""0214$(zeros 18)""0310$(zeros 14)""0000$(zeros 50)
# The same with the actor TLV's length 19, and a slow frame of subtype 10.
BAD=${ETH}0101""0113${ACTOR}""0214$(zeros 18)""0310$(zeros 14)""0000$(zeros 50)
OTHER=${ETH}0a01$(zeros 108)
[ ${#GOOD} = 248 ] && [ ${#BAD} = 248 ] && [ ${#OTHER} = 248 ] || fail "frames are not 124 bytes"
pcap "$T/rx.pcap" "$GOOD" "$BAD" "$OTHER"
tshark -r "$T/rx.pcap" -Y lacp 2>/dev/null | matches . 2>/dev/null || ! command -v tshark >/dev/null ||
	fail "tshark reads no LACP in the test's pcap"

cat > "$T/interfaces" <<'CFG'
auto bond1
iface bond1 inet manual
    bond-slaves eth0 eth1
    bond-miimon 100
    bond-mode 802.3ad
    bond-lacp-rate fast
auto vmbr1
iface vmbr1 inet manual
    bridge-ports bond1
CFG
printf 'sleep 2500\nquit\n' > "$T/cmds"

# run NAME [EAL options...]: dpbond for 2.5 s, eth0 receiving rx.pcap over
# and over; its stderr in $T/NAME.err, what it sent to syslog in $T/NAME.syslog.
run() {
	local name=$1
	shift
	: > "$T/$name.syslog"
	DPB_SYSLOG_SPY="$T/$name.syslog" LD_PRELOAD="$SPY" \
	"$DPBOND" $(eal_opts "log$name") "$@" -- -c "$T/interfaces" --no-host-ports \
		--port "eth0=net_pcap0,rx_pcap=$T/rx.pcap,infinite_rx=1,tx_pcap=$T/$name.eth0.pcap" \
		--port "eth1=net_pcap1,tx_pcap=$T/$name.eth1.pcap" \
		--cmdline-file "$T/cmds" > "$T/$name.out" 2> "$T/$name.err" ||
		fail "$name: dpbond exited with $?: $(tail "$T/$name.err")"
	grep -q "mbufs: \([0-9]*\) of \1 back in the pool" "$T/$name.err" ||
		fail "$name: mbufs missing: $(tail "$T/$name.err")"
}
LACPDU_LINE='^bond1: eth0: LACPDU from system 32768,02:00:00:00:00:99 port 255,1 key 5 state 0x3d, for port 0 state 0x00$'
MALFORMED_LINE='^bond1: eth0: malformed LACPDU dropped: bad-actor-tlv$'
OTHER_LINE='^bond1: eth0: slow protocol frame of subtype 10 ignored$'

run plain
grep -q "$MALFORMED_LINE" "$T/plain.err" || fail "no notice of the malformed LACPDU: $(tail "$T/plain.err")"
grep -q "$LACPDU_LINE\|$OTHER_LINE" "$T/plain.err" && fail "debug messages at the default level"
grep -q "loaded; forwarding" "$T/plain.syslog" || fail "DPDK's stream did not copy messages to syslog"
ok "at the default level: the malformed LACPDU's notice on stderr, no debug messages; syslog gets DPDK's copy"

# Rate limit: at most DPB_LOG_RL_BURST (10) a second from one site, the rest counted.
n=$(grep -c "$MALFORMED_LINE" "$T/plain.err")
sup=$(grep -c '^(suppressed [1-9][0-9]* messages like the next)$' "$T/plain.err" || true)
[ "$n" -le 40 ] || fail "$n malformed-LACPDU lines in about 3 s: not rate-limited"
[ "$sup" -ge 1 ] || fail "no 'suppressed' line after a flood of malformed LACPDUs"
ok "an endless stream of malformed LACPDUs: $n lines and $sup 'suppressed' counts"

run debug --log-level=dpbond.lacp:debug
grep -q "$LACPDU_LINE" "$T/debug.err" || fail "--log-level=dpbond.lacp:debug: no LACPDU debug line: $(grep bond1 "$T/debug.err" | tail -5)"
grep -q "$OTHER_LINE" "$T/debug.err" || fail "--log-level=dpbond.lacp:debug: no line for the unknown subtype"
n=$(grep -c "$LACPDU_LINE" "$T/debug.err")
[ "$n" -le 40 ] || fail "$n LACPDU debug lines in about 3 s: not rate-limited"
ok "--log-level=dpbond.lacp:debug: dpbond.lacp's debug lines ($n LACPDUs), rate-limited"

run pattern '--log-level=dpbond.*:debug'
grep -q "$LACPDU_LINE" "$T/pattern.err" || fail "--log-level='dpbond.*:debug': no LACPDU debug line"
run other --log-level=dpbond.bond:debug
grep -q "$LACPDU_LINE" "$T/other.err" && fail "--log-level=dpbond.bond:debug turned on dpbond.lacp's debug"
ok "'dpbond.*:debug' turns dpbond.lacp's debug on, dpbond.bond:debug does not"

# The journal: JOURNAL_STREAM names stderr (a file here) as systemd does.
: > "$T/journal.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal.err")
export JOURNAL_STREAM
exec 8>>"$T/journal.err"
run_journal() {
	: > "$T/journal.syslog"
	DPB_SYSLOG_SPY="$T/journal.syslog" LD_PRELOAD="$SPY" \
	"$DPBOND" $(eal_opts logj) -- -c "$T/interfaces" --no-host-ports \
		--port "eth0=net_pcap0,rx_pcap=$T/rx.pcap,infinite_rx=1,tx_pcap=$T/j.eth0.pcap" \
		--port "eth1=net_pcap1,tx_pcap=$T/j.eth1.pcap" \
		--cmdline-file "$T/cmds" > "$T/journal.out" 2>&8 || fail "journal: dpbond exited with $?"
}
run_journal
unset JOURNAL_STREAM
bad=$(grep -v '^<[0-7]>' "$T/journal.err" | head -3 || true)
[ -z "$bad" ] || fail "journal: lines without a <N> prefix: $bad"
[ "$(grep -c '^<5>dpbond .* loaded; forwarding$' "$T/journal.err")" = 1 ] ||
	fail "journal: 'loaded; forwarding' not once at notice: $(grep forwarding "$T/journal.err")"
[ "$(grep -c '^<6>mbufs: \([0-9]*\) of \1 back in the pool$' "$T/journal.err")" = 1 ] ||
	fail "journal: the mbuf count not once at info"
grep -q '^<5>bond1: eth0: malformed LACPDU dropped: bad-actor-tlv$' "$T/journal.err" ||
	fail "journal: the malformed LACPDU's notice is not <5>"
[ -s "$T/journal.syslog" ] && fail "journal: messages went to syslog too: $(head -3 "$T/journal.syslog")"
out=$(grep -v '^dpbond> ' "$T/journal.out" | head -3 || true)
[ -z "$out" ] || fail "journal: messages on stdout (the console's echo only is expected): $out"
ok "under the journal: every line on stderr with its <N> priority, once, and nothing to syslog"

# --check under the journal: its diagnostics prefixed, its model on stdout as ever.
printf '\nauto bond2\niface bond2 inet manual\n    bond-slaves eth2\n    bond-miimon 100\n    bond-updelay 250\n' >> "$T/interfaces"
: > "$T/check.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/check.err") "$DPBOND" --check -c "$T/interfaces" \
	> "$T/check.out" 2>> "$T/check.err" || fail "--check refused the file: $(cat "$T/check.err")"
grep -qx "<4>$T/interfaces:15: warning: bond2: updelay (250) is not a multiple of miimon (100), updelay rounded to 200 ms" "$T/check.err" ||
	fail "--check under the journal: $(cat "$T/check.err")"
grep -q '^<' "$T/check.out" && fail "--check's model got prefixes"
grep -q "^bond bond2: mode" "$T/check.out" || fail "--check printed no model"
"$DPBOND" --check -c "$T/interfaces" > /dev/null 2> "$T/check2.err"
grep -qx "$T/interfaces:15: warning: bond2: updelay (250) is not a multiple of miimon (100), updelay rounded to 200 ms" "$T/check2.err" ||
	fail "--check outside the journal: $(cat "$T/check2.err")"
ok "--check: its warning as <4>file:line: under the journal, plain otherwise; the model unprefixed"
