/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_HOSTCHECK_H
#define DPB_HOSTCHECK_H

/**
 * @file
 * Whether this host is ready for a configuration: its NICs bound to the
 * driver DPDK needs, hugepages reserved, 1 GiB pages reserved at boot.
 * dpb_host_probe() reads the facts from sysfs, procfs and /etc/dpdk (under
 * a root the tests choose); dpb_host_check() is pure: facts in, warnings out.
 * Called by `dpbond --check`, before EAL, on the main thread.
 */

#include <stdbool.h>

#include "dpb_cfg.h"
#include "dpb_strbuf.h"

#define DPB_HOST_MAX_PCI 32
#define DPB_HOST_PCI_LEN 16     /**< "0000:03:00.0" and its NUL */
#define DPB_HOST_CMDLINE_LEN 4096

/** A PCI device a configuration names, and its kernel driver now. */
struct dpb_host_pci {
	char addr[DPB_HOST_PCI_LEN];   /**< normalised: domain:bus:device.function */
	bool present;                  /**< /sys/bus/pci/devices/ADDR exists */
	char driver[64];               /**< basename of its driver link; "" when unbound */
	unsigned int vendor;           /**< its PCI vendor id (0x15b3: Mellanox); 0 unknown */
	char boot_driver[64];          /**< what /etc/dpdk/interfaces binds it to; "" none */
};

/** What dpb_host_probe() found. Counts are pages, summed over NUMA nodes. */
struct dpb_host_facts {
	bool hugepages_known;          /**< /sys/kernel/mm/hugepages was readable */
	unsigned long pages_total;     /**< reserved pages of every size */
	unsigned long pages_1g;        /**< reserved 1 GiB pages */
	bool cmdline_known;            /**< /proc/cmdline was readable */
	char cmdline[DPB_HOST_CMDLINE_LEN];
	unsigned long conf_1g;         /**< NR_1G_PAGES of /etc/dpdk/dpdk.conf, summed */
	bool boot_binding_known;       /**< /etc/dpdk/interfaces was readable */
	unsigned int n_pci;
	struct dpb_host_pci pci[DPB_HOST_MAX_PCI];
};

/**
 * Reads a PCI address at the start of @p devargs ("0000:03:00.0",
 * "03:00.0", either followed by ",key=value...") into @p addr, normalised to
 * lower case with its domain. @return true if @p devargs names a PCI device.
 */
bool dpb_host_pci_addr(const char *devargs, char addr[DPB_HOST_PCI_LEN]);

/**
 * How many pages of @p size_kb the kernel command line @p cmdline reserves
 * (hugepagesz= sets the size of the hugepages= after it; without one,
 * hugepages= is of default_hugepagesz=, else 2 MiB). @return the count, 0 if none.
 */
unsigned long dpb_host_cmdline_pages(const char *cmdline, unsigned long size_kb);

/**
 * Whether @p cfg drives hardware: a port with a PCI address, or with no
 * devargs (an EAL-probed NIC). A file of virtual devices alone (pcap, ring,
 * null, af_packet) needs none of what dpb_host_check() looks at.
 */
bool dpb_host_cfg_uses_hardware(const struct dpb_cfg *cfg);

/**
 * Compares @p cfg with the host @p h and appends one line per mismatch to
 * @p out: "file:line: warning: ..." when a configuration line is the cause,
 * "/sys/...: warning: ..." or "/proc/cmdline: warning: ..." otherwise.
 * Pure. @return the number of warnings.
 */
unsigned int dpb_host_check(const struct dpb_cfg *cfg, const struct dpb_host_facts *h,
			    struct dpb_strbuf *out);

/**
 * Fills @p h for the PCI devices @p cfg names, reading ROOT/sys, ROOT/proc
 * and ROOT/etc/dpdk/dpdk.conf (@p root "" or NULL: the host's own).
 * What cannot be read is left unknown (no warning made of it).
 */
void dpb_host_probe(const struct dpb_cfg *cfg, const char *root, struct dpb_host_facts *h);

#endif
