/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reload's model beside the running one: names keep their indices,
 * removed ones leave unused slots that new names take, references follow,
 * and the console's VM ports come along when their bridge is still there.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cfg_util.h"

static struct dpb_cfg running;

#define HOST_A \
	"auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1\n bond-mode active-backup\n bond-miimon 100\n" \
	"auto bond1\niface bond1 inet manual\n bond-slaves eth2 eth3\n bond-mode 802.3ad\n" \
	"auto vmbr0\niface vmbr0 inet static\n address 192.0.2.10/24\n bridge-ports bond0 bond1\n" \
	" bridge-vlan-aware yes\n bridge-vids 2-100\n post-up echo vmbr0 up\n"

static int load_running(const char *text)
{
	int rc = load(text);

	running = cfg;
	return rc;
}

static void test_same_names_same_indices(void **state)
{
	(void)state;
	assert_int_equal(load_running(HOST_A), 0);
	/* The same host written in another order, with bond0 gaining eth4 and bond1 losing eth3. */
	assert_int_equal(load("auto vmbr0\niface vmbr0 inet static\n address 192.0.2.10/24\n bridge-ports bond0 bond1\n"
			      " bridge-vlan-aware yes\n bridge-vids 2-100\n post-up echo vmbr0 up\n"
			      "auto bond1\niface bond1 inet manual\n bond-slaves eth2\n bond-mode 802.3ad\n"
			      "auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1 eth4\n bond-mode active-backup\n"
			      " bond-miimon 100\n bond-primary eth1\n"), 0);
	assert_int_equal(dpb_cfg_align(&cfg, &running), 0);
	for (unsigned int i = 0; i < running.n_ifaces; i++) {
		if (strcmp(running.ifaces[i].name, "eth3") == 0)
			continue;
		assert_string_equal(cfg.ifaces[i].name, running.ifaces[i].name);
		assert_int_equal(cfg.ifaces[i].kind, running.ifaces[i].kind);
	}
	/* eth4 is new: it takes the slot eth3 leaves. */
	assert_int_equal(dpb_cfg_find(&cfg, "eth4"), dpb_cfg_find(&running, "eth3"));
	assert_int_equal(dpb_cfg_find(&cfg, "eth3"), -1);
	assert_int_equal(cfg.n_ifaces, running.n_ifaces);
	/* References follow the names. */
	{
		const struct dpb_cfg_iface *b0 = iface("bond0"), *br = iface("vmbr0");

		assert_int_equal(b0->bond.n_members, 3);
		assert_string_equal(cfg.ifaces[b0->bond.members[0]].name, "eth0");
		assert_string_equal(cfg.ifaces[b0->bond.members[2]].name, "eth4");
		assert_string_equal(cfg.ifaces[b0->bond.primary].name, "eth1");
		assert_int_equal(iface("eth4")->master, dpb_cfg_find(&cfg, "bond0"));
		assert_int_equal(iface("bond1")->bond.n_members, 1);
		assert_string_equal(cfg.ifaces[iface("bond1")->bond.members[0]].name, "eth2");
		assert_string_equal(cfg.ifaces[br->bridge.ports[1]].name, "bond1");
		assert_int_equal(cfg.hooks[0].iface, dpb_cfg_find(&cfg, "vmbr0"));
		assert_string_equal(cfg.hooks[0].cmd, "echo vmbr0 up");
	}
}

static void test_removed_leaves_unused_slot(void **state)
{
	int eth3;

	(void)state;
	assert_int_equal(load_running(HOST_A), 0);
	eth3 = dpb_cfg_find(&running, "eth3");
	assert_int_equal(load("auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1\n bond-mode active-backup\n"
			      "auto bond1\niface bond1 inet manual\n bond-slaves eth2\n bond-mode 802.3ad\n"
			      "auto vmbr0\niface vmbr0 inet manual\n bridge-ports bond0 bond1\n"), 0);
	assert_int_equal(dpb_cfg_align(&cfg, &running), 0);
	/* No name, found by nobody, nothing to do; its index is the next new name's. */
	assert_true(dpb_cfg_slot_unused(&cfg, eth3));
	assert_string_equal(cfg.ifaces[eth3].name, "");
	assert_int_equal(cfg.ifaces[eth3].kind, DPB_IFACE_KERNEL);
	assert_int_equal(cfg.ifaces[eth3].master, -1);
	assert_int_equal(cfg.n_ifaces, running.n_ifaces);
	assert_false(dpb_cfg_slot_unused(&cfg, dpb_cfg_find(&cfg, "eth2")));
}

static void test_new_names_take_unused_slots(void **state)
{
	int eth2, eth3;

	(void)state;
	assert_int_equal(load_running(HOST_A), 0);
	eth2 = dpb_cfg_find(&running, "eth2");
	eth3 = dpb_cfg_find(&running, "eth3");
	/* bond1 now bonds eth6 and eth7: eth2's and eth3's slots go to them. */
	assert_int_equal(load("auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1\n bond-mode active-backup\n"
			      "auto bond1\niface bond1 inet manual\n bond-slaves eth6 eth7\n bond-mode 802.3ad\n"
			      "auto vmbr0\niface vmbr0 inet manual\n bridge-ports bond0 bond1\n"), 0);
	assert_int_equal(dpb_cfg_align(&cfg, &running), 0);
	assert_int_equal(cfg.n_ifaces, running.n_ifaces);
	assert_int_equal(dpb_cfg_find(&cfg, "eth6"), eth2 < eth3 ? eth2 : eth3);
	assert_int_equal(dpb_cfg_find(&cfg, "eth7"), eth2 < eth3 ? eth3 : eth2);
	assert_int_equal(dpb_cfg_find(&cfg, "eth2"), -1);
}

/* Two bridges of 31 and 30 ports named with @a and @b first. */
static const char *two_bridges(char a, char b)
{
	static char text[4096];
	size_t len = 0;

	len += (size_t)snprintf(text + len, sizeof(text) - len, "iface vmbr0 inet manual\n bridge-ports");
	for (int i = 0; i < 31; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " %c%d", a, i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "\niface vmbr1 inet manual\n bridge-ports");
	for (int i = 0; i < 30; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " %c%d", b, i);
	snprintf(text + len, sizeof(text) - len, "\n");
	return text;
}

static void test_file_vm_ports_not_kept(void **state)
{
	(void)state;
	/* bridge-vhost-ports are the file's: a file without them has none. */
	assert_int_equal(load_running("iface vmbr0 inet manual\n bridge-ports eth0\n bridge-vhost-ports vm1 vm2\n"), 0);
	assert_false(running.ifaces[dpb_cfg_find(&running, "vm1")].added);
	assert_int_equal(load("iface vmbr0 inet manual\n bridge-ports eth0\n bridge-vhost-ports vm2\n"), 0);
	assert_int_equal(dpb_cfg_keep_added(&cfg, &running), 0);
	assert_int_equal(dpb_cfg_align(&cfg, &running), 0);
	assert_int_equal(dpb_cfg_find(&cfg, "vm1"), -1);
	assert_int_equal(iface("vmbr0")->bridge.n_ports, 2);
}

static void test_all_new_names(void **state)
{
	(void)state;
	/* 63 interfaces, then 63 others: the new ones take the 63 slots the old ones leave. */
	assert_int_equal(load_running(two_bridges('a', 'b')), 0);
	assert_int_equal(running.n_ifaces, 63);
	assert_int_equal(load(two_bridges('c', 'd')), 0);
	assert_int_equal(dpb_cfg_align(&cfg, &running), 0);
	assert_int_equal(cfg.n_ifaces, 63);
	for (unsigned int i = 0; i < cfg.n_ifaces; i++)
		assert_int_equal(cfg.ifaces[i].name[0] == 'c' || cfg.ifaces[i].name[0] == 'd' ||
				 strncmp(cfg.ifaces[i].name, "vmbr", 4) == 0, 1);
	assert_int_equal(iface("vmbr1")->bridge.n_ports, 30);
	assert_string_equal(cfg.ifaces[iface("vmbr1")->bridge.ports[29]].name, "d29");
	assert_int_equal(iface("d29")->master, dpb_cfg_find(&cfg, "vmbr1"));
}

static void test_console_vm_ports_kept(void **state)
{
	int br;

	(void)state;
	assert_int_equal(load_running(HOST_A), 0);
	br = dpb_cfg_find(&running, "vmbr0");
	/* As the console adds them (dpb_ctl_add_vhost_port marks them added). */
	assert_true(dpb_cfg_add_vhost_port(&running, br, "vm100:tag=20") >= 0);
	assert_true(dpb_cfg_add_vhost_port(&running, br, "vm101") >= 0);
	running.ifaces[dpb_cfg_find(&running, "vm100")].added = true;
	running.ifaces[dpb_cfg_find(&running, "vm101")].added = true;
	/* Still VLAN-aware: both come along, vm100 still in VLAN 20. */
	assert_int_equal(load(HOST_A), 0);
	assert_int_equal(dpb_cfg_keep_added(&cfg, &running), 2);
	assert_int_equal(dpb_cfg_align(&cfg, &running), 0);
	assert_int_equal(dpb_cfg_find(&cfg, "vm100"), dpb_cfg_find(&running, "vm100"));
	assert_int_equal(iface("vm100")->master, br);
	assert_int_equal(iface("vm100")->vlan.pvid, 20);
	assert_int_equal(iface("vmbr0")->bridge.n_ports, 4);
	/* A bridge no longer VLAN-aware keeps the plain VM port only; a file
	 * that names the port itself wins; no bridge, no port. */
	assert_int_equal(load("auto vmbr0\niface vmbr0 inet manual\n bridge-ports bond0 bond1\n"
			      "iface bond0 inet manual\n bond-slaves eth0 eth1\n"
			      "iface bond1 inet manual\n bond-slaves eth2 eth3\n"), 0);
	assert_int_equal(dpb_cfg_keep_added(&cfg, &running), 1);
	assert_int_equal(dpb_cfg_find(&cfg, "vm100"), -1);
	assert_true(iface("vm101")->vhost);
	assert_int_equal(load("auto vmbr0\niface vmbr0 inet manual\n bridge-ports bond0 vm101\n"
			      "iface bond0 inet manual\n bond-slaves eth0 eth1\n"), 0);
	assert_int_equal(dpb_cfg_keep_added(&cfg, &running), 0);
	assert_false(iface("vm101")->vhost);
	assert_int_equal(load("auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1\n"), 0);
	assert_int_equal(dpb_cfg_keep_added(&cfg, &running), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_names_same_indices),
		cmocka_unit_test(test_removed_leaves_unused_slot),
		cmocka_unit_test(test_new_names_take_unused_slots),
		cmocka_unit_test(test_all_new_names),
		cmocka_unit_test(test_console_vm_ports_kept),
		cmocka_unit_test(test_file_vm_ports_not_kept),
	};

	return cmocka_run_group_tests(tests, cfg_setup, cfg_teardown);
}
