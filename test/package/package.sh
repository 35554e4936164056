#!/bin/bash
# The Debian package, as CI builds it and an administrator installs it:
# dpkg-buildpackage -b from a clean copy of the tree, then on this machine
# dpkg -i, the files it holds, dpbond --version, dpbond --check on the
# installed example, systemd-analyze verify of the installed unit, the
# maintainer scripts' promises (nothing started on install; an upgrade
# never stops dpbond, and restarts it only if it runs), and dpkg --purge,
# which leaves the machine as it was (also when the test fails).
# Starts no DPDK process (--version and --check run before EAL).
# package.sh BUILD SOURCE
BUILD=$1
SRC=$2
. "$(dirname "$0")/../integration/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: installs a package: needs root"; exit 77; }
for t in dpkg-buildpackage dh systemd-analyze python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed (.ci/install-deps installs it)"; exit 77; }
done
if dpkg-query -W -f='${Status}' dpbond 2>/dev/null | grep -q "installed"; then
	echo "SKIP: a dpbond package is installed here already; this test would replace and purge it"
	exit 77
fi

INSTALLED=""
purge() {
	[ -n "$INSTALLED" ] || return 0
	dpkg --purge dpbond > "$T/purge.log" 2>&1 || echo "note: dpkg --purge dpbond: $(cat "$T/purge.log")" >&2
	INSTALLED=""
}
trap 'rc=$?; set +x; purge; (exit $rc); cleanup' EXIT

# A clean copy: what git tracks (and new files it does not ignore), no build folders.
mkdir "$T/src"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -co --exclude-standard -z | tar -c --null -T - -f -) | tar -x -C "$T/src"
else
	tar -C "$SRC" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -x -C "$T/src"
fi
version=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])' \
	< <(meson introspect --projectinfo "$BUILD"))
[ -n "$version" ] || fail "no project version from meson introspect"
[ "$(cd "$T/src" && dpkg-parsechangelog -S Version)" = "$version" ] ||
	fail "debian/changelog's version is not meson's $version"

(cd "$T/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -b -us -uc) \
	> "$T/build.log" 2>&1 || fail "dpkg-buildpackage failed: $(tail -30 "$T/build.log")"
DEB=$T/dpbond_${version}_$(dpkg --print-architecture).deb
[ -f "$DEB" ] || fail "no $DEB: $(ls "$T")"
ok "dpkg-buildpackage -b -us -uc built $(basename "$DEB")"

# The maintainer scripts: no start or enable on install, no stop on upgrade,
# a try-restart after it.
mkdir "$T/ctrl"
dpkg-deb -e "$DEB" "$T/ctrl"
[ ! -e "$T/ctrl/preinst" ] && [ ! -e "$T/ctrl/prerm" ] ||
	fail "a preinst or prerm (dpbond stopped before an upgrade?): $(cat "$T/ctrl/preinst" "$T/ctrl/prerm" 2>/dev/null)"
grep -q "deb-systemd-invoke try-restart 'dpbond.service'" "$T/ctrl/postinst" ||
	fail "postinst does not restart a running dpbond after an upgrade: $(cat "$T/ctrl/postinst")"
grep -Eq "_dh_action=start|deb-systemd-invoke (start|restart) " "$T/ctrl/postinst" &&
	fail "postinst starts dpbond on install: $(cat "$T/ctrl/postinst")"
if grep -q "deb-systemd-helper enable" "$T/ctrl/postinst"; then
	# Only where it was enabled before: an upgrade keeps the administrator's choice.
	grep -B2 "deb-systemd-helper enable 'dpbond.service'" "$T/ctrl/postinst" | grep -q "was-enabled" ||
		fail "postinst enables dpbond on install: $(cat "$T/ctrl/postinst")"
fi
ok "maintainer scripts: nothing stopped before an upgrade, a running dpbond restarted after it, nothing started on install"

dpkg -i "$DEB" > "$T/install.log" 2>&1 || { INSTALLED=1; fail "dpkg -i: $(cat "$T/install.log")"; }
INSTALLED=1
dpkg -L dpbond > "$T/files"
for f in /usr/sbin/dpbond /usr/sbin/dpbondctl /usr/sbin/dpbond-pve /usr/sbin/dpbond-cutover /lib/systemd/system/dpbond.service \
	/usr/share/doc/dpbond/examples/interfaces /usr/share/doc/dpbond/copyright \
	/usr/share/man/man8/dpbond.8.gz /usr/share/man/man8/dpbondctl.8.gz /usr/share/man/man8/dpbond-pve.8.gz \
	/usr/share/man/man8/dpbond-cutover.8.gz \
	/usr/share/man/man5/dpbond-interfaces.5.gz; do
	grep -qx "$f" "$T/files" || fail "the package lacks $f: $(cat "$T/files")"
	[ -e "$f" ] || fail "$f is listed but not on disk"
done
ok "dpkg -i: dpbond, dpbondctl, dpbond-pve and dpbond-cutover in /usr/sbin, the unit, the example, the man pages"

[ "$(/usr/sbin/dpbond --version)" = "dpbond $version" ] || fail "dpbond --version: $(/usr/sbin/dpbond --version 2>&1)"
ok "dpbond --version: dpbond $version"
/usr/sbin/dpbond --check -c /usr/share/doc/dpbond/examples/interfaces > "$T/check" 2>&1 ||
	fail "--check on the installed example: $(cat "$T/check")"
grep -qx "bond bond0: mode active-backup (1), miimon 100 ms, updelay 0 ms, downdelay 0 ms, slaves eth2 eth3" "$T/check" &&
	grep -q "^/usr/share/doc/dpbond/examples/interfaces: OK (" "$T/check" || fail "--check: $(cat "$T/check")"
ok "dpbond --check on the installed example: accepted, bond0 as the seed has it"
[ "$(/usr/sbin/dpbond-cutover --version)" = "dpbond-cutover $version" ] ||
	fail "dpbond-cutover --version: $(/usr/sbin/dpbond-cutover --version 2>&1)"
# Its paths are the package's: it checks the example with /usr/sbin/dpbond.
/usr/sbin/dpbond-cutover --state "$T/cut" --config "$T/nosuch" status > "$T/cut.out" 2>&1 &&
	grep -qx "phase: none" "$T/cut.out" || fail "dpbond-cutover status: $(cat "$T/cut.out")"
grep -q "dpbond's file (DPBOND_CUTOVER_CONFIG, default /etc/dpbond/interfaces)" <(/usr/sbin/dpbond-cutover --help) &&
	grep -q -- "--dpbond PATH        dpbond, for --check (DPBOND_CUTOVER_DPBOND)" <(/usr/sbin/dpbond-cutover --help) ||
	fail "dpbond-cutover --help: $(/usr/sbin/dpbond-cutover --help)"
grep -qx "DPBOND=\${DPBOND_CUTOVER_DPBOND:-/usr/sbin/dpbond}" /usr/sbin/dpbond-cutover ||
	fail "dpbond-cutover's dpbond is not /usr/sbin/dpbond: $(grep '^DPBOND=' /usr/sbin/dpbond-cutover)"
ok "dpbond-cutover --version and status run; its dpbond is /usr/sbin/dpbond, its file /etc/dpbond/interfaces"
set +e
/usr/sbin/dpbondctl --socket "$T/nobody" show bonding bond0 2> "$T/ctl.err"; rc=$?
set -e
[ $rc = 2 ] || fail "dpbondctl with no daemon: exit $rc: $(cat "$T/ctl.err")"
ok "dpbondctl runs (no daemon: exit 2)"

man_opt=--man=yes
command -v man >/dev/null || man_opt=--man=no
systemd-analyze verify $man_opt /lib/systemd/system/dpbond.service > "$T/verify" 2>&1 ||
	fail "systemd-analyze verify $man_opt: $(cat "$T/verify")"
[ -s "$T/verify" ] && fail "systemd-analyze verify complained: $(cat "$T/verify")"
grep -q "^ExecStart=/usr/sbin/dpbond .* -- -c /etc/dpbond/interfaces" /lib/systemd/system/dpbond.service ||
	fail "ExecStart: $(grep ExecStart /lib/systemd/system/dpbond.service)"
ok "systemd-analyze verify $man_opt of the installed unit: no complaint (ExecStart /usr/sbin/dpbond on /etc/dpbond/interfaces)"

purge
for f in /usr/sbin/dpbond /usr/sbin/dpbondctl /lib/systemd/system/dpbond.service /usr/share/doc/dpbond; do
	[ ! -e "$f" ] || fail "$f is still there after dpkg --purge"
done
dpkg-query -W -f='${Status}' dpbond 2>/dev/null | grep -q "installed" && fail "dpbond still installed after purge"
ok "dpkg --purge dpbond: nothing of it left"
