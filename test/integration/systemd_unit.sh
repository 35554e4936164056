#!/bin/bash
# The systemd unit meson builds (config/dpbond.service.in) passes
# `systemd-analyze verify`, run on a copy whose ExecStart is this build's
# dpbond (the installed path need not exist here; the package test verifies
# the installed unit as it is). Man pages are checked there too, once
# installed. A copy with a mistake must be refused, or the check says nothing.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze (package systemd) is not installed"; exit 77; }
needs_netns   # ExecStopPost is run on TAPs in a namespace
UNIT=$BUILD/config/dpbond.service
[ -f "$UNIT" ] || fail "meson did not build $UNIT"

mkdir "$T/unit"
STOP_POST=$(cd "$(dirname "$0")/../../config" && pwd)/dpbond-stop-post
sed "s|^ExecStart=[^ ]*/dpbond |ExecStart=$DPBOND |; s|^ExecStopPost=[^ ]*/dpbond-stop-post |ExecStopPost=$STOP_POST |" \
	"$UNIT" > "$T/unit/dpbond.service"
grep -q "^ExecStart=$DPBOND " "$T/unit/dpbond.service" || fail "no ExecStart=.../dpbond in $UNIT"
(cd "$T/unit" && systemd-analyze verify --man=no dpbond.service) > "$T/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$T/verify")"
[ -s "$T/verify" ] && fail "systemd-analyze verify complained: $(cat "$T/verify")"
ok "systemd-analyze verify: no complaint"

# What the service promises, as the unit says it.
for line in Type=notify NotifyAccess=main WatchdogSec=10s Restart=on-failure \
	Wants=dpdk.service After=dpdk.service "Before=network.target network-online.target" \
	"Before=corosync.service pve-cluster.service pve-guests.service" RuntimeDirectory=dpbond \
	WantedBy=multi-user.target RuntimeDirectoryPreserve=yes; do
	grep -qx "$line" "$UNIT" || fail "the unit lacks '$line'"
done
grep -Eq "^ExecStart=/[^ ]*/sbin/dpbond .* -- -c /[^ ]*etc/dpbond/interfaces" "$UNIT" || fail "ExecStart: $(grep ExecStart "$UNIT")"
ok "Type=notify with a 10 s watchdog, restarted on failure, after dpdk.service, before the network, corosync and the guests"

# ExecStop: a restart job hands over, anything else quits. Run as systemd
# runs it, with a systemctl on PATH that lists the job given (this machine
# has no systemd to ask) and a dpbondctl that says what it was asked.
stop=$(sed -n 's/^ExecStop=//p' "$UNIT" | sed "s|/[^ ]*/dpbondctl|$T/bin/dpbondctl|g; s|%n|dpbond.service|; s|\\$\\$|\\$|g")
[ -n "$stop" ] || fail "no ExecStop"
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$*" > %s/asked\n' "$T" > "$T/bin/dpbondctl"
for job in "restart" "stop" ""; do
	printf '#!/bin/sh\n[ -n "%s" ] && echo "42 dpbond.service %s running"\nexit 0\n' "$job" "$job" > "$T/bin/systemctl"
	chmod 755 "$T/bin/dpbondctl" "$T/bin/systemctl"
	rm -f "$T/asked"
	PATH="$T/bin:$PATH" eval "$stop" || fail "ExecStop failed for job '$job'"
	want=quit
	[ "$job" = restart ] && want="quit handover"
	[ "$(cat "$T/asked")" = "$want" ] || fail "ExecStop under a '$job' job asked '$(cat "$T/asked")', not '$want'"
done
ok "ExecStop: a restart job hands over (quit handover), a stop quits"

# ExecStopPost (config/dpbond-stop-post) on real interfaces in a namespace:
# the TAPs listed in RUN_DIR/host-ports go unless the next dpbond is to
# take them over; a listed name that is not a TAP (a kernel bridge) stays.
grep -q "^ExecStopPost=/[^ ]*/lib/dpbond/dpbond-stop-post %n /run/dpbond$" "$UNIT" ||
	fail "ExecStopPost: $(grep ExecStopPost "$UNIT")"
NS=dpbt-unit-$$
ip netns add "$NS"
post() {   # JOB RESULT STATUS: runs the script as systemd would, in NS
	printf '#!/bin/sh\n[ -n "%s" ] && echo "42 dpbond.service %s running"\nexit 0\n' "$1" "$1" > "$T/bin/systemctl"
	ip netns exec "$NS" env PATH="$T/bin:$PATH" SERVICE_RESULT="$2" EXIT_STATUS="$3" \
		sh "$STOP_POST" dpbond.service "$T/run" > "$T/post.out" 2>&1 ||
		fail "dpbond-stop-post failed: $(cat "$T/post.out")"
}
taps() { ip -n "$NS" -o link show | awk -F': ' '{ print $2 }' | grep -E '^vmbr' | sort | paste -sd' '; }
mkdir -p "$T/run"
ip -n "$NS" tuntap add mode tap name vmbr0
ip -n "$NS" tuntap add mode tap name vmbr1
ip -n "$NS" link add vmbr9 type bridge
printf 'vmbr0\nvmbr1\nvmbr9\nvmbr5\n' > "$T/run/host-ports"
post restart success ""
[ "$(taps)" = "vmbr0 vmbr1 vmbr9" ] || fail "a restart job removed: $(taps)"
post "" signal ""
[ "$(taps)" = "vmbr0 vmbr1 vmbr9" ] || fail "a crash systemd restarts removed: $(taps)"
post "" exit-code 2
[ "$(taps)" = vmbr9 ] || fail "after a refused file (status 2): $(taps)"
[ -e "$T/run/host-ports" ] && fail "the list stayed"
ip -n "$NS" tuntap add mode tap name vmbr0
printf 'vmbr0\n' > "$T/run/host-ports"
post stop timeout ""
[ "$(taps)" = vmbr9 ] || fail "a stop that timed out left: $(taps)"
ok "ExecStopPost removes the listed TAPs after a stop (one that timed out too) or a refused file, keeps them for a restart job or a crash systemd restarts, and never removes a kernel bridge"

sed -i 's/^Type=notify$/Type=notifyy/' "$T/unit/dpbond.service"
(cd "$T/unit" && systemd-analyze verify --man=no dpbond.service) > "$T/verify" 2>&1 || true
grep -q "notifyy" "$T/verify" || fail "a broken unit passed systemd-analyze verify: $(cat "$T/verify")"
ok "a unit with a mistake is refused (the check can fail)"
