#!/bin/bash
# The memory dpbond takes, measured by hand (not a meson test; see
# doc/performance.md, "Memory"):
#
#   test/bench/memory.sh BUILD [SEED_INTERFACES]
#
# dpbond is started on hugepages (2 MB pages, EAL's dynamic memory: a page
# is mapped only when something is allocated in it) once per case, in a
# network namespace (its host ports are TAPs), with net_null NICs that
# receive nothing; once it answers on its console the script reads:
#   huge_mib  its hugepage files (EAL --file-prefix, one file a page) x 2 MiB,
#             checked against the Hugetlb lines of /proc/PID/smaps
#   heap_mib  what EAL's heap has handed out (telemetry /eal/heap_info,0)
#   rss_mib   its resident memory outside the hugepages (VmRSS, which
#             leaves hugetlb pages out)
#   fdb_maps_mib  anonymous maps of 6 MiB and more but threads' 8 MiB
#             stacks: the FDBs, ordinary memory (a map each, transparent
#             huge pages from 2 MB), resident only as entries are used
#   mbufs     the mbuf pool's size (dpbond's last words at quit)
# The cases: the seed's configuration (four NICs, bonds bond0 and bond1,
# bridges vmbr0 and vmbr1 with host ports; its addresses replaced with test
# ones), then one thing varied at a time: NICs in a bond, worker lcores
# (each port gets one rx/tx queue pair per worker), bridge-fdb-max, --mbufs.
#
# Needs root, /dev/net/tun, about 300 free 2 MB hugepages (reserved for
# the run and given back if need be) and dpdk-telemetry.py (Debian's dpdk).
# Worker cases spin a second lcore for a moment. Run it under the shared lock:
#   flock /tmp/dpbond-test.lock test/bench/memory.sh build ../shared/seed/interfaces
BUILD=${1:?usage: memory.sh BUILD [SEED_INTERFACES]}
SEED_FILE=${2:-$(dirname "$0")/../../../shared/seed/interfaces}
. "$(dirname "$0")/../integration/lib.sh"
kill "$WATCHDOG" 2>/dev/null || true

needs_netns dpdk-telemetry.py jq
[ -r "$SEED_FILE" ] || { echo "SKIP: no seed interfaces file at $SEED_FILE"; exit 77; }
needs_hugepages 300

NS=dpbt-mem-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# The seed's file, its addresses test ones, its "source" line dropped.
seed() {
	sed -e '/^source /d' -e 's/192\.168\.10\.4/192.0.2.4/; s/192\.168\.10\.1/192.0.2.1/' \
		-e 's/192\.168\.0\.4/198.51.100.4/' "$SEED_FILE"
}

# one_bond N [FDB_MAX]: N NICs eth0.. in bond0 (active-backup), bridged in
# vmbr0 with a host port.
one_bond() {
	local i members=""
	for i in $(seq 0 $(($1 - 1))); do
		echo "iface eth$i inet manual"
		members="$members eth$i"
	done
	cat <<CFG
auto bond0
iface bond0 inet manual
    bond-slaves$members
    bond-miimon 100
    bond-mode active-backup
auto vmbr0
iface vmbr0 inet static
    address 192.0.2.4/24
    bridge-ports bond0
CFG
	[ -z "${2:-}" ] || echo "    bridge-fdb-max $2"
}

# ports N: --port options for N net_null NICs that receive nothing.
ports() {
	local i
	for i in $(seq 0 $(($1 - 1))); do printf -- '--port eth%s=net_null%s,no-rx=1 ' "$i" "$i"; done
}

# fdb_maps PID: MiB in anonymous maps of 6 MiB and more, threads' stacks
# (8 MiB exactly) aside: the FDBs (48 bytes a slot, in a map of their own;
# the kernel may join two bridges' into one).
fdb_maps() {
	local range perm off dev ino rest mib t=0
	while read -r range perm off dev ino rest; do
		[ "$perm" = rw-p ] && [ "$ino" = 0 ] && [ -z "$rest" ] || continue
		mib=$(( (16#${range#*-} - 16#${range%-*}) >> 20 ))
		[ "$mib" -lt 6 ] || [ $(( 16#${range#*-} - 16#${range%-*} )) -eq 8388608 ] || t=$((t + mib))
	done < "/proc/$1/maps"
	echo "$t"
}

# measure NAME LCORE-OPTS NICS [DPBOND-OPTS...]: one dpbond on $T/interfaces.
measure() {
	local name=$1 lcores=$2 nics=$3 prefix=dpbt-mem-$1-$$ pid huge smaps heap rss fdbmap mbufs
	shift 3
	rm -f "$T/cmd"
	mkfifo "$T/cmd"
	ip netns exec "$NS" "$DPBOND" $lcores --no-pci --file-prefix "$prefix" --huge-dir "$HUGE_DIR" \
		--log-level=lib.eal:warning -- -c "$T/interfaces" $(ports "$nics") "$@" \
		-i < "$T/cmd" > "$T/out" 2> "$T/err" &
	DPB_PID=$!
	exec 3> "$T/cmd"
	console "sleep 200"
	pid=$DPB_PID
	huge=$(find "$HUGE_DIR" -maxdepth 1 -name "${prefix}map_*" | wc -l)
	smaps=$(awk '/^(Private|Shared)_Hugetlb:/ { kb += $2 } END { print kb / 1024 }' "/proc/$pid/smaps")
	[ "$smaps" = $((huge * 2)) ] || echo "note: $name: $huge hugepage files, but smaps says $smaps MiB" >&2
	heap=$(echo "/eal/heap_info,0" | dpdk-telemetry.py -f "$prefix" 2>/dev/null |
		jq -r '."/eal/heap_info" | .Alloc_size / 1048576 | . * 10 | round / 10' 2>/dev/null || echo "?")
	rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
	# The FDBs: anonymous maps of at least 6 MiB, by size.
	fdbmap=$(fdb_maps "$pid")
	cmd quit
	wait "$DPB_PID" || fail "$name: dpbond exited with an error: $(tail -5 "$T/err")"
	DPB_PID=""
	exec 3>&-
	mbufs=$(sed -n 's/^mbufs: [0-9]* of \([0-9]*\) back in the pool$/\1/p' "$T/err")
	printf 'MEMORY case=%s huge_mib=%s heap_mib=%s rss_mib=%s fdb_maps_mib=%s mbufs=%s\n' \
		"$name" $((huge * 2)) "$heap" "$rss" "$fdbmap" "$mbufs"
}

# The seed: 4 NICs, 2 bonds, 2 bridges, 2 host ports; one lcore.
seed > "$T/interfaces"
measure seed "-l 0" 4
measure seed-no-host-ports "-l 0" 4 --no-host-ports
measure seed-1-worker "-l 0,1" 4
measure seed-3-workers "--lcores 0@0,1@1,2@1,3@1" 4
measure seed-mbufs-16384 "-l 0" 4 --mbufs 16384
measure seed-mbufs-131072 "-l 0" 4 --mbufs 131072
for n in 2 4 8 16; do
	one_bond "$n" > "$T/interfaces"
	measure "nics-$n" "-l 0" "$n"
done
for f in 65536 1048576 4194304; do
	one_bond 2 "$f" > "$T/interfaces"
	measure "fdb-max-$f" "-l 0" 2
done
