/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Does the host match the configuration? Pure: the facts come from
 * hostprobe.c, the verdicts go to a buffer as "where: warning: what".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpb_hostcheck.h"

#define SIZE_2M_KB 2048ul
#define SIZE_1G_KB 1048576ul

/* NICs whose DPDK driver works beside the kernel's (bifurcated): they stay on it. */
static const char *const bifurcated[] = { "mlx5_core", "mlx4_core" };

static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool dpb_host_pci_addr(const char *devargs, char addr[DPB_HOST_PCI_LEN])
{
	const char *s = devargs;
	char domain[5] = "0000";
	size_t len = strcspn(s, ",");

	/* DDDD:BB:DD.F or BB:DD.F, nothing else before the first comma. */
	if (len == 12 && hex_run(s, 4) && s[4] == ':') {
		memcpy(domain, s, 4);
		s += 5;
		len -= 5;
	}
	if (len != 7 || !hex_run(s, 2) || s[2] != ':' || !hex_run(s + 3, 2) || s[5] != '.' ||
	    s[6] < '0' || s[6] > '7')
		return false;
	snprintf(addr, DPB_HOST_PCI_LEN, "%.4s:%.7s", domain, s);
	for (char *p = addr; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return true;
}

/* The kernel's memparse(): a number with an optional K, M, G or T. @return KiB. */
static unsigned long size_kb(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (toupper((unsigned char)*end)) {
	case 'T':
		return (unsigned long)(v << 30);
	case 'G':
		return (unsigned long)(v << 20);
	case 'M':
		return (unsigned long)(v << 10);
	case 'K':
		return (unsigned long)v;
	default:
		return (unsigned long)(v >> 10);
	}
}

unsigned long dpb_host_cmdline_pages(const char *cmdline, unsigned long want_kb)
{
	unsigned long def_kb = SIZE_2M_KB, cur_kb = 0, n = 0;
	const char *p = cmdline;

	/* default_hugepagesz= applies wherever it stands. */
	for (const char *d = cmdline; (d = strstr(d, "default_hugepagesz=")) != NULL; d++)
		if (d == cmdline || d[-1] == ' ')
			def_kb = size_kb(d + strlen("default_hugepagesz="));
	while (*p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len == 2 && strncmp(p, "--", 2) == 0)
			break;  /* what follows is init's */
		if (strncmp(p, "hugepagesz=", 11) == 0)
			cur_kb = size_kb(p + 11);
		else if (strncmp(p, "hugepages=", 10) == 0 && (cur_kb ? cur_kb : def_kb) == want_kb)
			n = strtoul(p + 10, NULL, 0);  /* the last one for a size counts */
		p += len;
	}
	return n;
}

bool dpb_host_cfg_uses_hardware(const struct dpb_cfg *cfg)
{
	char addr[DPB_HOST_PCI_LEN];

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];

		if (f->kind == DPB_IFACE_PORT &&
		    (f->devargs[0] == '\0' || dpb_host_pci_addr(f->devargs, addr)))
			return true;
	}
	return false;
}

static void warn_at(struct dpb_strbuf *out, const struct dpb_cfg_loc *loc)
{
	if (loc->line)
		dpb_strbuf_printf(out, "%s:%u: warning: ", loc->file, loc->line);
	else
		dpb_strbuf_printf(out, "%s: warning: ", loc->file);
}

static const struct dpb_host_pci *find_pci(const struct dpb_host_facts *h, const char *addr)
{
	for (unsigned int i = 0; i < h->n_pci; i++)
		if (strcmp(h->pci[i].addr, addr) == 0)
			return &h->pci[i];
	return NULL;
}

static bool is_bifurcated(const char *driver)
{
	for (size_t i = 0; i < sizeof(bifurcated) / sizeof(bifurcated[0]); i++)
		if (strcmp(driver, bifurcated[i]) == 0)
			return true;
	return false;
}

/* @return 1 when the NIC of @p f is not ready for DPDK, with the warning in @p out. */
static unsigned int check_nic(const struct dpb_cfg_iface *f, const struct dpb_host_facts *h,
			      struct dpb_strbuf *out)
{
	char addr[DPB_HOST_PCI_LEN];
	const struct dpb_host_pci *d;

	if (f->kind != DPB_IFACE_PORT || !dpb_host_pci_addr(f->devargs, addr))
		return 0;
	d = find_pci(h, addr);
	if (d == NULL)
		return 0;
	if (d->present && is_bifurcated(d->driver)) {
		if (strcmp(d->boot_driver, "vfio-pci") != 0)
			return 0;
		warn_at(out, &f->devargs_loc);
		dpb_strbuf_printf(out, "%s: %s (%s) is listed for vfio-pci in /etc/dpdk/interfaces, "
				  "but DPDK drives it through its kernel driver: take it out, or the "
				  "next boot leaves it without one\n", f->name, addr, d->driver);
		return 1;
	}
	if (d->present && strcmp(d->driver, "vfio-pci") == 0) {
		if (d->vendor == 0x15b3) {
			warn_at(out, &f->devargs_loc);
			dpb_strbuf_printf(out, "%s: %s is a Mellanox NIC bound to vfio-pci; DPDK's mlx5 "
					  "driver drives it through mlx5_core (bifurcated): bind it back "
					  "and take it out of /etc/dpdk/interfaces\n", f->name, addr);
			return 1;
		}
		if (!h->boot_binding_known || strcmp(d->boot_driver, "vfio-pci") == 0)
			return 0;
		warn_at(out, &f->devargs_loc);
		dpb_strbuf_printf(out, "%s: %s is bound to vfio-pci now, but /etc/dpdk/interfaces "
				  "does not bind it at boot: add \"pci %s vfio-pci\" there\n",
				  f->name, addr, addr);
		return 1;
	}
	warn_at(out, &f->devargs_loc);
	if (!d->present)
		dpb_strbuf_printf(out, "%s: no PCI device %s on this host (/sys/bus/pci/devices/%s)\n",
				  f->name, addr, addr);
	else
		dpb_strbuf_printf(out, "%s: %s is bound to %s, not vfio-pci, so DPDK cannot "
				  "drive it: add \"pci %s vfio-pci\" to /etc/dpdk/interfaces "
				  "(dpdk.service binds it at boot)\n", f->name, addr,
				  d->driver[0] ? d->driver : "no driver", addr);
	return 1;
}

unsigned int dpb_host_check(const struct dpb_cfg *cfg, const struct dpb_host_facts *h,
			    struct dpb_strbuf *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		n += check_nic(&cfg->ifaces[i], h, out);
	if (!dpb_host_cfg_uses_hardware(cfg))
		return n;
	if (h->hugepages_known && h->pages_total == 0) {
		dpb_strbuf_puts(out, "/sys/kernel/mm/hugepages: warning: no hugepages reserved: "
				"set NR_2M_PAGES or NR_1G_PAGES in /etc/dpdk/dpdk.conf (dpdk.service "
				"reserves them), or hugepages= on the kernel command line\n");
		n++;
	}
	if (h->cmdline_known && (h->pages_1g || h->conf_1g) &&
	    dpb_host_cmdline_pages(h->cmdline, SIZE_1G_KB) == 0) {
		dpb_strbuf_puts(out, "/proc/cmdline: warning: 1 GiB pages are reserved after boot "
				"(NR_1G_PAGES in /etc/dpdk/dpdk.conf, or by hand), not on the kernel "
				"command line: "
				"a 1 GiB page needs 1 GiB of free contiguous memory, which a host running "
				"VMs no longer has, so reserving them again (dpdk.service restarted, a "
				"changed count) fails; add \"hugepagesz=1G hugepages=N\" to "
				"GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub and run update-grub\n");
		n++;
	}
	return n;
}
