/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whether the host matches the configuration (lib/svc/hostcheck.c): PCI
 * addresses in devargs, hugepages on the kernel command line, and the
 * warnings for a host given as facts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cfg_util.h"
#include "dpb_hostcheck.h"

static void test_pci_addr(void **state)
{
	char a[DPB_HOST_PCI_LEN];

	(void)state;
	assert_true(dpb_host_pci_addr("0000:03:00.0", a));
	assert_string_equal(a, "0000:03:00.0");
	assert_true(dpb_host_pci_addr("03:00.1,rxq_cqe_comp_en=0", a));
	assert_string_equal(a, "0000:03:00.1");
	assert_true(dpb_host_pci_addr("0001:AF:1f.7", a));
	assert_string_equal(a, "0001:af:1f.7");
	assert_false(dpb_host_pci_addr("net_pcap0,iface=eth0", a));
	assert_false(dpb_host_pci_addr("0000:03:00.8", a));
	assert_false(dpb_host_pci_addr("0000:03:00.0x", a));
	assert_false(dpb_host_pci_addr("000:03:00.0", a));
	assert_false(dpb_host_pci_addr("", a));
}

static void test_cmdline_pages(void **state)
{
	(void)state;
	/* hugepages= without a size is of the default size, 2 MiB. */
	assert_int_equal(dpb_host_cmdline_pages("ro hugepages=16 hugepagesz=1G hugepages=2 quiet",
						2048), 16);
	assert_int_equal(dpb_host_cmdline_pages("ro hugepages=16 hugepagesz=1G hugepages=2 quiet",
						1048576), 2);
	assert_int_equal(dpb_host_cmdline_pages("hugepagesz=1GB hugepages=4", 1048576), 4);
	assert_int_equal(dpb_host_cmdline_pages("default_hugepagesz=1G hugepages=8", 1048576), 8);
	assert_int_equal(dpb_host_cmdline_pages("default_hugepagesz=1G hugepages=8", 2048), 0);
	assert_int_equal(dpb_host_cmdline_pages("hugepagesz=2M hugepages=64", 1048576), 0);
	assert_int_equal(dpb_host_cmdline_pages("quiet", 1048576), 0);
	/* After "--" the words are init's, not the kernel's. */
	assert_int_equal(dpb_host_cmdline_pages("quiet -- hugepagesz=1G hugepages=2", 1048576), 0);
}

static const char *const nics =
	"iface eth0 inet manual\n"
	"    dpdk-devargs 0000:03:00.0\n"
	"iface eth1 inet manual\n"
	"    dpdk-devargs 03:00.1\n"
	"iface eth2 inet manual\n"
	"    dpdk-devargs 0000:04:00.0\n"
	"auto bond0\n"
	"iface bond0 inet manual\n"
	"    bond-slaves eth0 eth1 eth2\n"
	"    bond-miimon 100\n"
	"auto vmbr0\n"
	"iface vmbr0 inet manual\n"
	"    bridge-ports bond0\n";

static struct dpb_host_facts facts;

/* A host that matches @nics: vfio-pci, mlx5 on its kernel driver, 2 MiB pages. */
static void good_host(void)
{
	static const struct dpb_host_pci pci[] = {
		{ "0000:03:00.0", true, "vfio-pci" },
		{ "0000:03:00.1", true, "vfio-pci" },
		{ "0000:04:00.0", true, "mlx5_core" },
	};

	memset(&facts, 0, sizeof(facts));
	facts.hugepages_known = true;
	facts.pages_total = 512;
	facts.cmdline_known = true;
	snprintf(facts.cmdline, sizeof(facts.cmdline), "ro quiet");
	facts.n_pci = 3;
	memcpy(facts.pci, pci, sizeof(pci));
}

/* Runs the check; its text goes to @text. @return the number of warnings. */
static unsigned int check(char *text, size_t size)
{
	struct dpb_strbuf sb;
	unsigned int n;

	dpb_strbuf_init(&sb);
	n = dpb_host_check(&cfg, &facts, &sb);
	snprintf(text, size, "%s", dpb_strbuf_str(&sb));
	dpb_strbuf_free(&sb);
	return n;
}

static void test_matching_host(void **state)
{
	char text[4096];

	(void)state;
	assert_int_equal(load(nics), 0);
	good_host();
	assert_int_equal(check(text, sizeof(text)), 0);
	assert_string_equal(text, "");
}

static void test_nic_drivers(void **state)
{
	char text[4096], want[1024];
	const char *path = write_file("interfaces", nics);

	(void)state;
	assert_int_equal(load(nics), 0);
	good_host();
	snprintf(facts.pci[0].driver, sizeof(facts.pci[0].driver), "ixgbe");
	facts.pci[1].driver[0] = '\0';
	facts.pci[2].present = false;
	facts.pci[2].driver[0] = '\0';
	assert_int_equal(check(text, sizeof(text)), 3);
	snprintf(want, sizeof(want),
		 "%s:2: warning: eth0: 0000:03:00.0 is bound to ixgbe, not vfio-pci, so DPDK "
		 "cannot drive it: add \"pci 0000:03:00.0 vfio-pci\" to /etc/dpdk/interfaces "
		 "(dpdk.service binds it at boot)\n", path);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, ":4: warning: eth1: 0000:03:00.1 is bound to no driver, not vfio-pci"));
	snprintf(want, sizeof(want), "%s:6: warning: eth2: no PCI device 0000:04:00.0 on this host "
		 "(/sys/bus/pci/devices/0000:04:00.0)\n", path);
	assert_non_null(strstr(text, want));
}

static void test_hugepages(void **state)
{
	char text[4096];

	(void)state;
	assert_int_equal(load(nics), 0);
	good_host();
	facts.pages_total = 0;
	assert_int_equal(check(text, sizeof(text)), 1);
	assert_non_null(strstr(text, "/sys/kernel/mm/hugepages: warning: no hugepages reserved: "));

	/* 1 GiB pages reserved after boot, or asked of dpdk.conf, want the command line. */
	good_host();
	facts.pages_1g = 2;
	assert_int_equal(check(text, sizeof(text)), 1);
	assert_non_null(strstr(text, "/proc/cmdline: warning: 1 GiB pages are reserved after boot"));
	good_host();
	facts.conf_1g = 2;
	assert_int_equal(check(text, sizeof(text)), 1);
	good_host();
	facts.pages_1g = 2;
	snprintf(facts.cmdline, sizeof(facts.cmdline), "ro hugepagesz=1G hugepages=2 quiet");
	assert_int_equal(check(text, sizeof(text)), 0);

	/* Unknown is not wrong: nothing is said of what could not be read. */
	good_host();
	facts.hugepages_known = false;
	facts.pages_total = 0;
	facts.cmdline_known = false;
	facts.pages_1g = 2;
	assert_int_equal(check(text, sizeof(text)), 0);
}

static void test_virtual_devices_need_no_host(void **state)
{
	char text[4096];

	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "    dpdk-devargs net_pcap0,iface=lo\n"
			      "auto vmbr0\n"
			      "iface vmbr0 inet manual\n"
			      "    bridge-ports eth0\n"), 0);
	assert_false(dpb_host_cfg_uses_hardware(&cfg));
	memset(&facts, 0, sizeof(facts));
	facts.hugepages_known = facts.cmdline_known = true;
	facts.conf_1g = 4;
	assert_int_equal(check(text, sizeof(text)), 0);
	/* A port with no devargs is the Nth probed NIC: hardware. */
	assert_int_equal(load("auto vmbr0\n"
			      "iface vmbr0 inet manual\n"
			      "    bridge-ports eth0\n"), 0);
	assert_true(dpb_host_cfg_uses_hardware(&cfg));
	assert_int_equal(check(text, sizeof(text)), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pci_addr),
		cmocka_unit_test(test_cmdline_pages),
		cmocka_unit_test(test_matching_host),
		cmocka_unit_test(test_nic_drivers),
		cmocka_unit_test(test_hugepages),
		cmocka_unit_test(test_virtual_devices_need_no_host),
	};

	return cmocka_run_group_tests(tests, cfg_setup, cfg_teardown);
}
