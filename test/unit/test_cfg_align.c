/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reload's model beside what runs: names keep their indices, removed
 * ones leave unused slots that new names take, references follow; a name
 * only the runtime has (a console's VM port) keeps its slot to itself.
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
static char names[DPB_CFG_MAX_IFACES][DPB_NAME_LEN];

/* Aligns cfg to the names of running's slots. */
static int align(void)
{
	for (unsigned int i = 0; i < running.n_ifaces; i++)
		memcpy(names[i], running.ifaces[i].name, DPB_NAME_LEN);
	return dpb_cfg_align(&cfg, (const char (*)[DPB_NAME_LEN])names, running.n_ifaces);
}

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
	assert_int_equal(align(), 0);
	for (unsigned int i = 0; i < running.n_ifaces; i++) {
		if (strcmp(running.ifaces[i].name, "eth3") == 0)
			continue;
		assert_string_equal(cfg.ifaces[i].name, running.ifaces[i].name);
		assert_int_equal(cfg.ifaces[i].kind, running.ifaces[i].kind);
	}
	/* eth4 is new: a slot of its own, not the one eth3 still holds until the reload is done. */
	assert_int_equal(dpb_cfg_find(&cfg, "eth4"), (int)running.n_ifaces);
	assert_int_equal(dpb_cfg_find(&cfg, "eth3"), -1);
	assert_string_equal(cfg.ifaces[dpb_cfg_find(&running, "eth3")].name, "");
	assert_int_equal(cfg.n_ifaces, running.n_ifaces + 1);
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
	assert_int_equal(align(), 0);
	/* No name, found by nobody, nothing to do; its index is free for the next reload. */
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
	/* An earlier reload left eth2's and eth3's slots free ("" in what runs). */
	for (unsigned int i = 0; i < running.n_ifaces; i++)
		memcpy(names[i], running.ifaces[i].name, DPB_NAME_LEN);
	names[eth2][0] = names[eth3][0] = '\0';
	/* bond1 now bonds eth6 and eth7: those two slots go to them. */
	assert_int_equal(load("auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1\n bond-mode active-backup\n"
			      "auto bond1\niface bond1 inet manual\n bond-slaves eth6 eth7\n bond-mode 802.3ad\n"
			      "auto vmbr0\niface vmbr0 inet manual\n bridge-ports bond0 bond1\n"), 0);
	assert_int_equal(dpb_cfg_align(&cfg, (const char (*)[DPB_NAME_LEN])names, running.n_ifaces), 0);
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

static void test_too_many_at_once(void **state)
{
	static struct dpb_cfg before;

	(void)state;
	/* 63 interfaces run; a file of 63 others needs 63 more slots while they still run. */
	assert_int_equal(load_running(two_bridges('a', 'b')), 0);
	assert_int_equal(running.n_ifaces, 63);
	assert_int_equal(load(two_bridges('c', 'd')), 0);
	before = cfg;
	assert_int_equal(align(), -ENOSPC);
	assert_memory_equal(&before, &cfg, sizeof(cfg));
	/* Keeping vmbr1 and its 30 ports: 31 new names beside 63 running ones are still too many. */
	assert_int_equal(load(two_bridges('c', 'b')), 0);
	assert_int_equal(align(), -ENOSPC);
	/* One new port among the old ones fits. */
	assert_int_equal(load_running(two_bridges('a', 'b')), 0);
	assert_int_equal(load(two_bridges('a', 'b')), 0);
	cfg.ifaces[dpb_cfg_find(&cfg, "a0")].name[0] = 'z';
	assert_int_equal(align(), 0);
	assert_int_equal(dpb_cfg_find(&cfg, "z0"), 63);
	assert_string_equal(cfg.ifaces[dpb_cfg_find(&running, "a0")].name, "");
}

static void test_runtime_names_keep_their_slots(void **state)
{
	(void)state;
	assert_int_equal(load_running(HOST_A), 0);
	/* The runtime has vm100 (a console's VM port) after the file's interfaces. */
	for (unsigned int i = 0; i < running.n_ifaces; i++)
		memcpy(names[i], running.ifaces[i].name, DPB_NAME_LEN);
	snprintf(names[running.n_ifaces], DPB_NAME_LEN, "vm100");
	/* The file gains eth9: it takes a slot of its own, not vm100's. */
	assert_int_equal(load("auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1 eth9\n"
			      "auto bond1\niface bond1 inet manual\n bond-slaves eth2 eth3\n"
			      "auto vmbr0\niface vmbr0 inet manual\n bridge-ports bond0 bond1\n"), 0);
	assert_int_equal(dpb_cfg_align(&cfg, (const char (*)[DPB_NAME_LEN])names, running.n_ifaces + 1), 0);
	assert_int_equal(dpb_cfg_find(&cfg, "eth9"), (int)running.n_ifaces + 1);
	assert_string_equal(cfg.ifaces[running.n_ifaces].name, "");
	assert_int_equal(cfg.n_ifaces, running.n_ifaces + 2);
	/* A file that names vm100 itself gets vm100's slot. */
	assert_int_equal(load("iface vmbr0 inet manual\n bridge-ports eth0\n bridge-vhost-ports vm100\n"), 0);
	assert_int_equal(dpb_cfg_align(&cfg, (const char (*)[DPB_NAME_LEN])names, running.n_ifaces + 1), 0);
	assert_int_equal(dpb_cfg_find(&cfg, "vm100"), (int)running.n_ifaces);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_names_same_indices),
		cmocka_unit_test(test_removed_leaves_unused_slot),
		cmocka_unit_test(test_new_names_take_unused_slots),
		cmocka_unit_test(test_too_many_at_once),
		cmocka_unit_test(test_runtime_names_keep_their_slots),
	};

	return cmocka_run_group_tests(tests, cfg_setup, cfg_teardown);
}
