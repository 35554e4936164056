/* SPDX-License-Identifier: BSD-3-Clause */
/* The host's facts for hostcheck.c, read from sysfs, procfs and /etc/dpdk. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpb_hostcheck.h"

#define PATH_LEN 1024

/* Reads the first line of ROOT/REL into @p buf. @return 0, or -1. */
static int read_line(const char *root, const char *rel, char *buf, size_t size)
{
	char path[PATH_LEN];
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(buf, (int)size, f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		rc = 0;
	}
	fclose(f);
	return rc;
}

static void probe_hugepages(const char *root, struct dpb_host_facts *h)
{
	char path[PATH_LEN], buf[32], rel[PATH_LEN];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/kernel/mm/hugepages", root);
	d = opendir(path);
	if (d == NULL)
		return;
	h->hugepages_known = true;
	while ((e = readdir(d)) != NULL) {
		unsigned long n;

		if (strncmp(e->d_name, "hugepages-", 10) != 0)
			continue;
		snprintf(rel, sizeof(rel), "/sys/kernel/mm/hugepages/%s/nr_hugepages", e->d_name);
		if (read_line(root, rel, buf, sizeof(buf)) < 0)
			continue;
		n = strtoul(buf, NULL, 10);
		h->pages_total += n;
		if (strcmp(e->d_name, "hugepages-1048576kB") == 0)
			h->pages_1g += n;
	}
	closedir(d);
}

/* NR_1G_PAGES="N [N...]" (one count per NUMA node), as dpdk-init reads it. */
static void probe_dpdk_conf(const char *root, struct dpb_host_facts *h)
{
	char path[PATH_LEN], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/dpdk/dpdk.conf", root);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	while (getline(&line, &cap, f) >= 0) {
		char *p = line + strspn(line, " \t");

		if (strncmp(p, "NR_1G_PAGES=", 12) != 0)
			continue;
		h->conf_1g = 0;  /* the last assignment wins, as in the shell */
		for (p += 12; *p && *p != '\n' && *p != '#';) {
			char *end;
			unsigned long n = strtoul(p, &end, 10);

			if (end == p) {
				p++;  /* quotes, spaces */
				continue;
			}
			h->conf_1g += n;
			p = end;
		}
	}
	free(line);
	fclose(f);
}

/* "pci ADDR DRIVER" lines of /etc/dpdk/interfaces, as dpdk-init reads them: @p d's binding at boot. */
static void probe_boot_binding(const char *root, struct dpb_host_facts *h, struct dpb_host_pci *d)
{
	char path[PATH_LEN], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/dpdk/interfaces", root);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	h->boot_binding_known = true;
	while (getline(&line, &cap, f) >= 0) {
		char bus[16], id[64], drv[64], addr[DPB_HOST_PCI_LEN];

		if (line[strspn(line, " \t")] == '#' ||
		    sscanf(line, "%15s %63s %63s", bus, id, drv) != 3 || strcmp(bus, "pci") != 0 ||
		    !dpb_host_pci_addr(id, addr) || strcmp(addr, d->addr) != 0)
			continue;
		snprintf(d->boot_driver, sizeof(d->boot_driver), "%s", drv);
	}
	free(line);
	fclose(f);
}

static void probe_pci(const char *root, const char *addr, struct dpb_host_pci *d)
{
	char path[PATH_LEN], link[PATH_LEN];
	struct stat st;
	ssize_t n;

	snprintf(d->addr, sizeof(d->addr), "%s", addr);
	{
		char vendor[16];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", addr);
		if (read_line(root, path, vendor, sizeof(vendor)) == 0)
			d->vendor = (unsigned int)strtoul(vendor, NULL, 16);
	}
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s", root, addr);
	d->present = stat(path, &st) == 0;
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/driver", root, addr);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		const char *base;
		size_t len;

		link[n] = '\0';
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		len = strnlen(base, sizeof(d->driver) - 1);
		memcpy(d->driver, base, len);
		d->driver[len] = '\0';
	}
}

void dpb_host_probe(const struct dpb_cfg *cfg, const char *root, struct dpb_host_facts *h)
{
	memset(h, 0, sizeof(*h));
	if (root == NULL)
		root = "";
	probe_hugepages(root, h);
	h->cmdline_known = read_line(root, "/proc/cmdline", h->cmdline, sizeof(h->cmdline)) == 0;
	probe_dpdk_conf(root, h);
	for (unsigned int i = 0; i < cfg->n_ifaces && h->n_pci < DPB_HOST_MAX_PCI; i++) {
		char addr[DPB_HOST_PCI_LEN];

		if (cfg->ifaces[i].kind == DPB_IFACE_PORT &&
		    dpb_host_pci_addr(cfg->ifaces[i].devargs, addr))
		{
			probe_pci(root, addr, &h->pci[h->n_pci]);
			probe_boot_binding(root, h, &h->pci[h->n_pci++]);
		}
	}
}
