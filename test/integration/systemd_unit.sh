#!/bin/bash
# The systemd unit meson builds (config/dpbond.service.in) passes
# `systemd-analyze verify`, run on a copy whose ExecStart is this build's
# dpbond (the installed path need not exist here; the package test verifies
# the installed unit as it is). Man pages are checked there too, once
# installed. A copy with a mistake must be refused, or the check says nothing.
BUILD=$1
. "$(dirname "$0")/lib.sh"

command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze (package systemd) is not installed"; exit 77; }
UNIT=$BUILD/config/dpbond.service
[ -f "$UNIT" ] || fail "meson did not build $UNIT"

mkdir "$T/unit"
sed "s|^ExecStart=[^ ]*/dpbond |ExecStart=$DPBOND |" "$UNIT" > "$T/unit/dpbond.service"
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

sed -i 's/^Type=notify$/Type=notifyy/' "$T/unit/dpbond.service"
(cd "$T/unit" && systemd-analyze verify --man=no dpbond.service) > "$T/verify" 2>&1 || true
grep -q "notifyy" "$T/verify" || fail "a broken unit passed systemd-analyze verify: $(cat "$T/verify")"
ok "a unit with a mistake is refused (the check can fail)"
