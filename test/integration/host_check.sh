#!/bin/bash
# `dpbond --check` compares the host with the file: NICs named by PCI address
# bound to vfio-pci (mlx5 may stay on mlx5_core), hugepages reserved, 1 GiB
# pages reserved on the kernel command line. The host is a tree of real
# files (DPBOND_HOST_ROOT); each warning is checked word for word.
BUILD=$1
. "$(dirname "$0")/lib.sh"

H=$T/host
fake_host "$H"
cat > "$T/interfaces" <<CFG
iface eth0 inet manual
    dpdk-devargs 0000:03:00.0
iface eth1 inet manual
    dpdk-devargs 03:00.1
iface eth2 inet manual
    dpdk-devargs 0000:04:00.0,rxq_cqe_comp_en=0
auto bond0
iface bond0 inet manual
    bond-slaves eth0 eth1 eth2
    bond-mode active-backup
    bond-miimon 100
auto vmbr0
iface vmbr0 inet manual
    bridge-ports bond0
CFG

# check [OPTIONS...]: --check on the fake host; its warnings in $T/warn, status checked.
check() {
	DPBOND_HOST_ROOT="$H" "$DPBOND" --check -c "$T/interfaces" "$@" > "$T/out" 2> "$T/err" ||
		fail "--check refused the file: $(cat "$T/err")"
	grep "warning:" "$T/err" > "$T/warn" || true
}
# expect TEXT...: the warnings are exactly these lines, and the count says so.
expect() {
	local n=$#
	[ $n -gt 0 ] && printf '%s\n' "$@" > "$T/want" || : > "$T/want"
	diff -u "$T/want" "$T/warn" > "$T/diff" || fail "warnings differ:"$'\n'"$(cat "$T/diff")"
	grep -qx "$T/interfaces: OK ($n warning$([ $n = 1 ] || echo s))" "$T/out" ||
		fail "the count: $(tail -1 "$T/out")"
}

fake_nic "$H" 0000:03:00.0 vfio-pci
fake_nic "$H" 0000:03:00.1 vfio-pci
fake_nic "$H" 0000:04:00.0 mlx5_core
check
expect
ok "a host that matches: vfio-pci, mlx5 on mlx5_core (bifurcated), 2 MiB pages: no warning"

# /etc/dpdk/interfaces, what dpdk.service binds at boot: 03:00.0 only, and the mlx5 NIC by mistake.
printf '# bus id driver\npci 0000:03:00.0 vfio-pci\npci 04:00.0 vfio-pci\n' > "$H/etc/dpdk/interfaces"
check
expect "$T/interfaces:4: warning: eth1: 0000:03:00.1 is bound to vfio-pci now, but /etc/dpdk/interfaces does not bind it at boot: add \"pci 0000:03:00.1 vfio-pci\" there" \
	"$T/interfaces:6: warning: eth2: 0000:04:00.0 (mlx5_core) is listed for vfio-pci in /etc/dpdk/interfaces, but DPDK drives it through its kernel driver: take it out, or the next boot leaves it without one"
printf 'pci 0000:03:00.0 vfio-pci\npci 0000:03:00.1 vfio-pci\n' > "$H/etc/dpdk/interfaces"
check
expect
# A Mellanox NIC (vendor 0x15b3) bound to vfio-pci by hand.
rm "$H/sys/bus/pci/devices/0000:04:00.0/driver"
ln -s ../../../bus/pci/drivers/vfio-pci "$H/sys/bus/pci/devices/0000:04:00.0/driver"
echo 0x15b3 > "$H/sys/bus/pci/devices/0000:04:00.0/vendor"
check
expect "$T/interfaces:6: warning: eth2: 0000:04:00.0 is a Mellanox NIC bound to vfio-pci; DPDK's mlx5 driver drives it through mlx5_core (bifurcated): bind it back and take it out of /etc/dpdk/interfaces"
rm "$H/sys/bus/pci/devices/0000:04:00.0/vendor" "$H/sys/bus/pci/devices/0000:04:00.0/driver" "$H/etc/dpdk/interfaces"
ln -s ../../../bus/pci/drivers/mlx5_core "$H/sys/bus/pci/devices/0000:04:00.0/driver"
ok "/etc/dpdk/interfaces: a NIC bound now but not at boot, an mlx5 NIC listed for vfio-pci, a Mellanox NIC on vfio-pci: a warning each"

rm "$H/sys/bus/pci/devices/0000:03:00.0/driver" "$H/sys/bus/pci/devices/0000:03:00.1/driver"
ln -s ../../../bus/pci/drivers/ixgbe "$H/sys/bus/pci/devices/0000:03:00.0/driver"
rm -r "$H/sys/bus/pci/devices/0000:04:00.0"
check
expect "$T/interfaces:2: warning: eth0: 0000:03:00.0 is bound to ixgbe, not vfio-pci, so DPDK cannot drive it: add \"pci 0000:03:00.0 vfio-pci\" to /etc/dpdk/interfaces (dpdk.service binds it at boot)" \
	"$T/interfaces:4: warning: eth1: 0000:03:00.1 is bound to no driver, not vfio-pci, so DPDK cannot drive it: add \"pci 0000:03:00.1 vfio-pci\" to /etc/dpdk/interfaces (dpdk.service binds it at boot)" \
	"$T/interfaces:6: warning: eth2: no PCI device 0000:04:00.0 on this host (/sys/bus/pci/devices/0000:04:00.0)"
ok "a NIC on its kernel driver, one on none, one absent: a warning each, at its dpdk-devargs line"

# --port's device is checked as the file's would be, located at --port.
check --port eth2=0000:03:00.1
grep -qx -- "--port: warning: eth2: 0000:03:00.1 is bound to no driver, not vfio-pci, so DPDK cannot drive it: add \"pci 0000:03:00.1 vfio-pci\" to /etc/dpdk/interfaces (dpdk.service binds it at boot)" "$T/warn" ||
	fail "--port's NIC: $(cat "$T/warn")"
ok "a NIC given by --port: the warning names --port"

rm -rf "$H" && fake_host "$H"
for a in 0000:03:00.0 0000:03:00.1 0000:04:00.0; do fake_nic "$H" $a vfio-pci; done
echo 0 > "$H/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
check
expect "/sys/kernel/mm/hugepages: warning: no hugepages reserved: set NR_2M_PAGES or NR_1G_PAGES in /etc/dpdk/dpdk.conf (dpdk.service reserves them), or hugepages= on the kernel command line"
ok "no hugepages reserved: a warning naming dpdk.conf and the kernel command line"

ONE_G="/proc/cmdline: warning: 1 GiB pages are reserved after boot (NR_1G_PAGES in /etc/dpdk/dpdk.conf, or by hand), not on the kernel command line: a 1 GiB page needs 1 GiB of free contiguous memory, which a host running VMs no longer has, so reserving them again (dpdk.service restarted, a changed count) fails; add \"hugepagesz=1G hugepages=N\" to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub and run update-grub"
printf '# per NUMA node\nNR_1G_PAGES="0 2"\n' > "$H/etc/dpdk/dpdk.conf"
echo 2 > "$H/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"
check
expect "$ONE_G"
ok "1 GiB pages from dpdk.conf (after boot): a warning saying why the kernel command line"
echo "BOOT_IMAGE=/boot/vmlinuz ro quiet hugepagesz=1G hugepages=2" > "$H/proc/cmdline"
check
expect
ok "1 GiB pages on the kernel command line: no warning"

# A file of virtual devices needs none of it.
echo 0 > "$H/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"
echo ro > "$H/proc/cmdline"
sed -i 's/dpdk-devargs 0000:03:00.0/dpdk-devargs net_null0/; s/dpdk-devargs 03:00.1/dpdk-devargs net_null1/; s/dpdk-devargs 0000:04:00.0.*/dpdk-devargs net_null2/' "$T/interfaces"
check
expect
ok "virtual devices only: no host warning even with no hugepages and NR_1G_PAGES set"

# This machine, as it is: the check runs and the file is accepted.
"$DPBOND" --check -c "$T/interfaces" > "$T/out" 2> "$T/err" || fail "--check on this host: $(cat "$T/err")"
ok "--check on this host's own /sys and /proc"
