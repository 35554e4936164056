/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ifupdown reader: the seed's file as it is (spaces and tabs), both
 * spellings, source/source-directory, continuations, and invalid files with
 * the exact diagnostic each must give.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg_util.h"
#include "dpb_cfg.h"

static void check_seed_model(void)
{
	const struct dpb_cfg_iface *b0 = iface("bond0"), *b1 = iface("bond1");
	const struct dpb_cfg_iface *v0 = iface("vmbr0"), *v1 = iface("vmbr1");

	assert_int_equal(cfg.n_errors, 0);
	assert_int_equal(b0->kind, DPB_IFACE_BOND);
	assert_int_equal(b0->bond.mode, DPB_BOND_MODE_ACTIVE_BACKUP);
	assert_int_equal(b0->bond.miimon_ms, 100);
	assert_int_equal(b0->bond.n_members, 2);
	assert_string_equal(cfg.ifaces[b0->bond.members[0]].name, "eth2");
	assert_string_equal(cfg.ifaces[b0->bond.members[1]].name, "eth3");
	assert_string_equal(cfg.ifaces[b1->bond.members[0]].name, "eth0");
	assert_int_equal(b1->bond.primary, -1);
	assert_int_equal(v0->kind, DPB_IFACE_BRIDGE);
	assert_int_equal(v0->bridge.n_ports, 1);
	assert_string_equal(cfg.ifaces[v0->bridge.ports[0]].name, "bond0");
	assert_false(v0->bridge.stp);
	assert_int_equal(v0->bridge.fd_s, 0);
	assert_int_equal(v0->bridge.ageing_s, 300);
	assert_int_equal(v0->n_addrs, 1);
	assert_int_equal(v0->addrs[0].family, AF_INET);
	assert_memory_equal(v0->addrs[0].bytes, "\xc0\xa8\x0a\x04", 4);
	assert_int_equal(v0->addrs[0].prefix_len, 24);
	assert_int_equal(v0->gateway4.family, AF_INET);
	assert_memory_equal(v0->gateway4.bytes, "\xc0\xa8\x0a\x01", 4);
	assert_int_equal(v0->inet, DPB_METHOD_STATIC);
	assert_int_equal(v1->gateway4.family, 0);
	assert_int_equal(iface("lo")->kind, DPB_IFACE_LOOPBACK);
	assert_int_equal(iface("eth0")->master, dpb_cfg_find(&cfg, "bond1"));
}

static void test_seed(void **state)
{
	(void)state;
	assert_int_equal(dpb_cfg_load(&cfg, SRCDIR "/config/interfaces.seed", NULL, 0), 0);
	check_seed_model();
	/* The seed is read as it is: nothing in it needs a word. */
	assert_int_equal(cfg.n_diags, 0);
	assert_true(iface("vmbr0")->host_port);
	assert_true(iface("vmbr1")->host_port);
}

static void test_seed_with_tabs(void **state)
{
	FILE *in = fopen(SRCDIR "/config/interfaces.seed", "r");
	char line[256], text[4096] = "";

	(void)state;
	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		const char *s = strncmp(line, "    ", 4) == 0 ? line + 4 : line;

		if (s != line)
			strcat(text, "\t");
		strcat(text, s);
	}
	fclose(in);
	assert_non_null(strchr(text, '\t'));
	assert_int_equal(load(text), 0);
	check_seed_model();
}

static void test_dash_spellings_and_numbers(void **state)
{
	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface eth1 inet manual\n"
			      "auto bond0\n"
			      "iface bond0 inet manual\n"
			      "\tbond-slaves eth0 eth1\n"
			      "\tbond-mode 1\n"
			      "\tbond-miimon 100\n"
			      "\tbond-updelay 200\n"
			      "\tbond-downdelay 300\n"
			      "\tbond-primary eth1\n"
			      "\tbond-primary-reselect failure\n"
			      "\tbond-xmit-hash-policy layer2+3\n"
			      "iface vmbr0 inet static\n"
			      "\taddress 192.0.2.10/25\n"
			      "\tbridge-ports bond0\n"
			      "\tbridge-stp off\n"
			      "\tbridge-fd 0\n"
			      "\tbridge-ageing 60\n"), 0);
	const struct dpb_cfg_bond *b = &iface("bond0")->bond;

	assert_int_equal(b->mode, DPB_BOND_MODE_ACTIVE_BACKUP);
	assert_int_equal(b->updelay_ms, 200);
	assert_int_equal(b->downdelay_ms, 300);
	assert_int_equal(b->primary, dpb_cfg_find(&cfg, "eth1"));
	assert_int_equal(b->primary_reselect, DPB_PRIMARY_RESELECT_FAILURE);
	assert_int_equal(b->xmit_hash_policy, DPB_XMIT_HASH_LAYER23);
	assert_int_equal(iface("vmbr0")->addrs[0].prefix_len, 25);
	assert_int_equal(iface("vmbr0")->bridge.ageing_s, 60);
	assert_int_equal(cfg.n_warnings, 0);
	assert_true(iface("vmbr0")->host_port);
}

static void test_modes_by_name_and_number(void **state)
{
	static const char *const names[] = {
		"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad",
		"balance-tlb", "balance-alb",
	};
	enum dpb_bond_mode m;

	(void)state;
	for (unsigned int i = 0; i < 7; i++) {
		char num[4];

		snprintf(num, sizeof(num), "%u", i);
		assert_int_equal(dpb_bond_mode_parse(names[i], &m), 0);
		assert_int_equal(m, i);
		assert_int_equal(dpb_bond_mode_parse(num, &m), 0);
		assert_int_equal(m, i);
	}
	assert_int_equal(dpb_bond_mode_parse("7", &m), -EINVAL);
	assert_int_equal(dpb_bond_mode_parse("lacp", &m), -EINVAL);
}

static void test_source_and_continuation(void **state)
{
	(void)state;
	write_file("interfaces.d/bonds", "iface bond0 inet manual\n"
					 "    bond-slaves eth0 \\\n"
					 "                eth1\n"
					 "    bond-mode active-backup\n");
	write_file("more/10-ports", "iface eth1 inet manual\n");
	write_file("more/skip.me", "this is not read\n");
	assert_int_equal(load("# comment line\n"
			      "source interfaces.d/*\n"
			      "source /nonexistent/dir/*\n"
			      "source-directory more\n"
			      "   # indented comment\n"
			      "iface eth0 inet manual\n"
			      "    dpdk-devargs net_null0\n"
			      "source /nonexistent/interfaces.local\n"), 0);
	assert_int_equal(iface("bond0")->bond.n_members, 2);
	assert_int_equal(iface("bond0")->bond.members_loc.line, 2);
	assert_string_equal(iface("eth0")->devargs, "net_null0");
	assert_int_equal(iface("eth0")->devargs_loc.line, 7);
	/* A pattern that matches nothing is fine; a plain path that names nothing is warned. */
	expect_diag(8, DPB_DIAG_WARNING, "cannot find source file /nonexistent/interfaces.local");
}

static void test_port_args(void **state)
{
	struct dpb_cfg_port_arg args[] = {
		{ "eth0", "net_pcap0,tx_pcap=/tmp/x.pcap" }, { "tst0", "net_null1" },
	};

	(void)state;
	assert_int_equal(dpb_cfg_load(&cfg, write_file("interfaces",
		"iface eth0 inet manual\n  dpdk-devargs net_null0\n"
		"iface bond0 inet manual\n  slaves eth0\n  bond-mode 1\n"
		"iface vmbr0 inet manual\n  bridge_ports bond0 tst0\n"), args, 2), 0);
	assert_string_equal(iface("eth0")->devargs, "net_pcap0,tx_pcap=/tmp/x.pcap");
	assert_string_equal(iface("tst0")->devargs, "net_null1");
	assert_int_equal(iface("vmbr0")->bridge.n_ports, 2);
}

static void test_bond_master_style(void **state)
{
	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n  bond-master bond0\n"
			      "iface eth1 inet manual\n  bond-master bond0\n"
			      "iface bond0 inet manual\n  bond-slaves none\n  bond-mode active-backup\n"
			      "  bond-miimon 100\n"), 0);
	assert_int_equal(iface("bond0")->bond.n_members, 2);
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"                  /* 1 */
			      "iface eth1 inet manual\n"                  /* 2 */
			      "iface bond0 inet manual\n"                 /* 3 */
			      "  slaves eth0 eth1\n"                      /* 4 */
			      "  bond_mode fast-failover\n"               /* 5 */
			      "  bond_miimon 1O0\n"                       /* 6 */
			      "  bond-primary eth7\n"                     /* 7 */
			      "iface bond1 inet manual\n"                 /* 8 */
			      "  slaves eth1 eth8 bond0\n"                /* 9 */
			      "iface vmbr0 inet static\n"                 /* 10 */
			      "  address 192.0.2.1\n"                     /* 11 */
			      "  netmask 255.0.255.0\n"                   /* 12 */
			      "  bridge_ports bond0 bond1 tap9 eth0\n"    /* 13 */
			      "iface vmbr0 inet manual\n"                 /* 14 */
			      "iface eth2 ipx manual\n"),                 /* 15 */
			 -EINVAL);
	expect_diag(5, DPB_DIAG_ERROR,
		    "bond_mode: unknown mode 'fast-failover' (balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb, or 0-6)");
	expect_diag(6, DPB_DIAG_ERROR, "bond_miimon: '1O0' is not a number from 0 to 2147483647");
	expect_diag(7, DPB_DIAG_ERROR, "bond0: primary eth7 is not one of its slaves");
	expect_diag(9, DPB_DIAG_ERROR, "bond1: slave eth1 is already a slave of bond0");
	expect_diag(9, DPB_DIAG_ERROR, "bond1: slave bond0 is a bond (bonds cannot be nested)");
	expect_diag(12, DPB_DIAG_ERROR, "netmask: '255.0.255.0' is not a contiguous netmask");
	expect_diag(13, DPB_DIAG_ERROR, "vmbr0: bridge port eth0 is already a slave of bond0");
	/* As in ifupdown2: members and ports need no stanza; a second stanza merges. */
	assert_int_equal(iface("eth8")->master, dpb_cfg_find(&cfg, "bond1"));
	assert_int_equal(iface("tap9")->master, dpb_cfg_find(&cfg, "vmbr0"));
	expect_diag(14, DPB_DIAG_WARNING,
		    "vmbr0: another stanza gave its inet method as static; the first stands (as in ifupdown2)");
}

static void test_more_errors(void **state)
{
	(void)state;
	assert_int_equal(load("  bond-mode 1\n"
			      "iface eth2 ipx manual\n"
			      "iface eth3 inet magic\n"
			      "iface averyveryverylongname inet manual\n"), -EINVAL);
	expect_diag(1, DPB_DIAG_ERROR, "'bond-mode' outside of an iface stanza");
	expect_diag(2, DPB_DIAG_ERROR, "unknown address family 'ipx' (inet or inet6)");
	expect_diag(3, DPB_DIAG_WARNING,
		    "eth3: method 'magic' is not one dpbond applies (manual, static, dhcp, loopback); read as manual: its addresses are left alone");
	expect_diag(4, DPB_DIAG_ERROR,
		    "'averyveryverylongname' is not a valid interface name (1-15 characters, not . or .., no '/', ':', ',', '=', spaces or control characters)");
}

static void test_warnings(void **state)
{
	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"              /* 1 */
			      "iface bond0 inet manual\n"             /* 2 */
			      "  slaves eth0\n"                       /* 3 */
			      "  bond_mode active-backup\n"           /* 4 */
			      "  bond_miimon 100\n"                   /* 5 */
			      "  bond_downdelay 250\n"                /* 6 */
			      "  bond-lp-interval 1\n"                /* 7 */
			      "  bond-frobnicate yes\n"               /* 8 */
			      "  post-up echo hi\n"                   /* 9 */
			      "iface vmbr0 inet manual\n"             /* 10 */
			      "  bridge_ports bond0\n"                /* 11 */
			      "  bridge_stp on\n"                     /* 12 */
			      "iface bond9 inet manual\n"             /* 13 */
			      "  bond-hash-buckets 100\n"),           /* 14 */
			 -EINVAL);
	expect_diag(14, DPB_DIAG_ERROR,
		    "bond-hash-buckets: '100' is not 0 or a power of two from 16 to 1024");
	expect_diag(6, DPB_DIAG_WARNING,
		    "bond0: downdelay (250) is not a multiple of miimon (100), downdelay rounded to 200 ms");
	assert_int_equal(iface("bond0")->bond.downdelay_ms, 200);
	expect_diag(7, DPB_DIAG_WARNING, "bond-lp-interval: not implemented yet in dpbond; ignored");
	expect_diag(8, DPB_DIAG_WARNING, "bond-frobnicate: unknown option; ignored");
	/* A hook command is kept to be run (cfg_dialect tests them). */
	assert_int_equal(cfg.n_hooks, 1);
	assert_string_equal(cfg.hooks[0].cmd, "echo hi");
	expect_diag(12, DPB_DIAG_WARNING, "vmbr0: STP is not implemented; the bridge runs with stp off");
}

static void test_arpmon_options(void **state)
{
	const struct dpb_cfg_bond *b;

	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"                      /* 1 */
			      "iface bond0 inet manual\n"                     /* 2 */
			      "  bond-slaves eth0\n"                          /* 3 */
			      "  bond-mode active-backup\n"                   /* 4 */
			      "  bond-miimon 100\n"                           /* 5 */
			      "  bond-arp-interval 250\n"                     /* 6 */
			      "  bond-arp-ip-target 192.0.2.1 192.0.2.2\n"    /* 7 */
			      "  bond_arp_ip_target 192.0.2.3,192.0.2.1\n"    /* 8 */
			      "  bond-ns-ip6-target 2001:db8::1\n"            /* 9 */
			      "  bond-arp-validate filter_backup\n"           /* 10 */
			      "  bond-arp-all-targets all\n"                  /* 11 */
			      "  bond-arp-missed-max 5\n"                     /* 12 */
			      "  bond-fail-over-mac follow\n"                 /* 13 */
			      "iface vmbr0 inet manual\n  bridge-ports bond0\n"), 0);
	b = &iface("bond0")->bond;
	expect_diag(6, DPB_DIAG_WARNING,
		    "bond0: miimon and the ARP monitor exclude each other; the ARP monitor runs and miimon is 0, as in Linux");
	expect_diag(8, DPB_DIAG_WARNING, "bond_arp_ip_target: 192.0.2.1 is listed twice");
	assert_int_equal(b->miimon_ms, 0);
	assert_int_equal(b->arp_interval_ms, 250);
	assert_int_equal(b->n_arp_targets, 3);
	assert_memory_equal(b->arp_targets[2], ((uint8_t[4]){ 192, 0, 2, 3 }), 4);
	assert_int_equal(b->n_ns_targets, 1);
	assert_int_equal(b->ns_targets[0][15], 1);
	assert_int_equal(b->arp_validate, DPB_ARP_VALIDATE_FILTER_BACKUP);
	assert_true(b->arp_all_targets);
	assert_int_equal(b->arp_missed_max, 5);
	assert_int_equal(b->fail_over_mac, DPB_FAIL_OVER_MAC_FOLLOW);

	/* Numbers as Linux takes them; Linux's refusals. */
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface bond0 inet manual\n  bond-slaves eth0\n"   /* 2, 3 */
			      "  bond-mode 4\n"                                 /* 4 */
			      "  bond-arp-interval 100\n"                       /* 5 */
			      "  bond-arp-ip-target 224.0.0.1\n"                /* 6 */
			      "  bond-arp-validate 7\n"                         /* 7 */
			      "  bond-arp-missed-max 0\n"                       /* 8 */
			      "  bond-ns-ip6-target ff02::1\n"                  /* 9 */
			      "iface vmbr0 inet manual\n  bridge-ports bond0\n"), -EINVAL);
	expect_diag(5, DPB_DIAG_ERROR,
		    "bond0: ARP monitoring is not possible in mode 802.3ad (Linux refuses it too); use bond-miimon");
	expect_diag(6, DPB_DIAG_ERROR,
		    "bond-arp-ip-target: 224.0.0.1 cannot be a target (zero, loopback, link-local, broadcast or multicast)");
	expect_diag(7, DPB_DIAG_ERROR,
		    "bond-arp-validate: unknown value '7' (none, active, backup, all, filter, filter_active, filter_backup, or 0-6)");
	expect_diag(8, DPB_DIAG_ERROR, "bond-arp-missed-max: '0' is not a number from 1 to 255");
	expect_diag(9, DPB_DIAG_ERROR,
		    "bond-ns-ip6-target: ff02::1 cannot be a target (zero, loopback, link-local, broadcast or multicast)");

	/* Without targets nothing is probed; targets without an interval do nothing. */
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface bond0 inet manual\n  bond-slaves eth0\n"
			      "  bond-mode balance-xor\n  bond-arp-interval 100\n"        /* 4, 5 */
			      "iface bond1 inet manual\n  bond-slaves eth1\n"              /* 6, 7 */
			      "  bond-mode active-backup\n  bond-miimon 100\n"            /* 8, 9 */
			      "  bond-arp-ip-target 192.0.2.1\n  bond-fail-over-mac 1\n"  /* 10, 11 */
			      "  bond-mode balance-rr\n"                                  /* 12 */
			      "iface vmbr0 inet manual\n  bridge-ports bond0 bond1\n"), 0);
	expect_diag(5, DPB_DIAG_WARNING,
		    "bond0: ARP monitoring without bond-arp-ip-target or bond-ns-ip6-target sends no probes: every slave will go down");
	expect_diag(6, DPB_DIAG_WARNING, "bond1: ARP/NS targets have no effect without bond-arp-interval");
	assert_int_equal(iface("bond1")->bond.fail_over_mac, DPB_FAIL_OVER_MAC_ACTIVE);
	assert_int_equal(iface("bond1")->bond.miimon_ms, 100);
}

static void test_miimon_forced_for_tlb(void **state)
{
	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface bond0 inet manual\n  slaves eth0\n  bond-mode balance-tlb\n"
			      "  bond-tlb-dynamic-lb 0\n"
			      "iface vmbr0 inet manual\n  bridge_ports bond0\n"), 0);
	expect_diag(2, DPB_DIAG_WARNING, "bond0: mode balance-tlb needs miimon; forcing miimon to 100 ms");
	assert_int_equal(iface("bond0")->bond.miimon_ms, 100);
	assert_false(iface("bond0")->bond.tlb_dynamic_lb);
}

static void test_lacp_options(void **state)
{
	const struct dpb_cfg_bond *b;

	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface bond0 inet manual\n  bond-slaves eth0\n  bond-mode 802.3ad\n"
			      "  bond-miimon 100\n  bond-lacp-rate fast\n  bond_ad_select count\n"
			      "  bond-min-links 2\n  bond-lacp-active off\n"
			      "  bond-ad-actor-sys-prio 100\n  bond-ad-actor-system 02:00:00:00:00:aa\n"
			      "  bond-ad-user-port-key 5\n  bond-xmit-hash-policy layer3+4\n"
			      "iface vmbr0 inet manual\n  bridge_ports bond0\n"
			      "iface bond1 inet manual\n  bond-mode 4\n  bond-lacp-rate medium\n"
			      "  bond-ad-actor-system 01:00:5e:00:00:01\n  bond-ad-user-port-key 1024\n"
			      "  bond-lacp-dedicated-queue maybe\n"
			      "iface bond2 inet manual\n  bond-mode 4\n  bond-lacp-dedicated-queue yes\n"),
			 -EINVAL);
	b = &iface("bond0")->bond;
	assert_int_equal(b->mode, DPB_BOND_MODE_8023AD);
	assert_true(b->lacp_fast);
	assert_int_equal(b->ad_select, 2);
	assert_int_equal(b->min_links, 2);
	assert_false(b->lacp_active);
	assert_int_equal(b->ad_actor_sys_prio, 100);
	assert_true(b->has_ad_actor_system);
	assert_int_equal(b->ad_actor_system[5], 0xaa);
	assert_int_equal(b->ad_user_port_key, 5);
	assert_int_equal(b->xmit_hash_policy, DPB_XMIT_HASH_LAYER34);
	expect_diag(18, DPB_DIAG_ERROR, "bond-lacp-rate: 'medium' is not slow or fast (0 or 1)");
	expect_diag(19, DPB_DIAG_ERROR,
		    "bond-ad-actor-system: '01:00:5e:00:00:01' is not a unicast MAC address");
	expect_diag(20, DPB_DIAG_ERROR, "bond-ad-user-port-key: '1024' is not a number from 0 to 1023");
	expect_diag(21, DPB_DIAG_ERROR, "bond-lacp-dedicated-queue: 'maybe' is not yes or no");
	assert_false(b->lacp_dedicated_queue);
	assert_true(iface("bond2")->bond.lacp_dedicated_queue);
}

static void test_vhost_ports(void **state)
{
	int br, vm0, vm1;

	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface vmbr0 inet manual\n  bridge-ports eth0\n"
			      "  bridge-vhost-ports vm100 vm101\n"
			      "iface vmbr1 inet manual\n  bridge-ports none\n"
			      "  bridge-vhost-ports eth0 a/b\n"), -EINVAL);
	expect_diag(7, DPB_DIAG_ERROR, "vmbr1: VM port eth0: that name is already an interface");
	expect_diag(7, DPB_DIAG_ERROR,
		    "vmbr1: VM port 'a/b' is not NAME[:OPTIONS], OPTIONS tag=VLAN or trunks=VLANS, client, comma-separated (a name of 1-15 characters, VLANs 1-4094, tag= and trunks= on a VLAN-aware bridge)");
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface vmbr0 inet manual\n  bridge-ports eth0\n"
			      "  bridge-vhost-ports vm100 vm101\n"), 0);
	br = dpb_cfg_find(&cfg, "vmbr0");
	vm0 = dpb_cfg_find(&cfg, "vm100");
	vm1 = dpb_cfg_find(&cfg, "vm101");
	assert_int_equal(cfg.ifaces[br].bridge.n_ports, 3);
	assert_int_equal(cfg.ifaces[br].bridge.ports[1], vm0);
	assert_true(cfg.ifaces[vm0].vhost);
	assert_int_equal(cfg.ifaces[vm0].master, br);
	assert_string_equal(cfg.run_dir, "/run/dpbond");
	/* At run time: out goes vm100, the rest move down; it comes back last. */
	assert_int_equal(dpb_cfg_remove_bridge_port(&cfg, vm0), 1);
	assert_int_equal(cfg.ifaces[br].bridge.n_ports, 2);
	assert_int_equal(cfg.ifaces[br].bridge.ports[1], vm1);
	assert_int_equal(cfg.ifaces[vm0].master, -1);
	assert_int_equal(dpb_cfg_remove_bridge_port(&cfg, vm0), -ENOENT);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm100"), vm0);
	assert_int_equal(cfg.ifaces[br].bridge.ports[2], vm0);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm100"), -EEXIST);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "eth0"), -EEXIST);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "bad name"), -EINVAL);
	/* Options: client once, VLANs only on a VLAN-aware bridge, nothing empty. */
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm9:client,client"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm9:tag=5,client,client"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm9:client,"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm9:"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm9:server"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, br, "vm9:client,tag=5"), -EINVAL);
	assert_int_equal(dpb_cfg_add_vhost_port(&cfg, vm1, "vm102"), -EINVAL);
	assert_int_equal(cfg.n_diags, 0);
	vm1 = dpb_cfg_add_vhost_port(&cfg, br, "vm102");
	assert_int_equal(vm1, (int)cfg.n_ifaces - 1);
	assert_string_equal(cfg.ifaces[vm1].name, "vm102");
}

static void test_vlan_aware(void **state)
{
	uint64_t vids[64];
	uint16_t pvid;
	int br;

	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface tst0 inet manual\n  bridge-access 30\n"
			      "iface tst1 inet manual\n  bridge-vids 10 20\n  bridge-pvid 10\n"
			      "iface bond0 inet manual\n  bond-slaves eth0\n  bond-mode 1\n  bond-miimon 100\n"
			      "iface vmbr0 inet manual\n  bridge-ports bond0 tst0 tst1\n"
			      "  bridge-vlan-aware yes\n  bridge-vids 2-4094\n"
			      "  bridge-vhost-ports vm100:tag=100 vm101:trunks=5;7-8,client vm102:client vm103:trunks=2-4,10\n"), 0);
	br = dpb_cfg_find(&cfg, "vmbr0");
	assert_true(cfg.ifaces[br].bridge.vlan_aware);
	/* The bond takes the bridge's defaults: pvid 1 untagged, 2-4094 tagged. */
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "bond0"), &pvid, vids);
	assert_int_equal(pvid, 1);
	assert_true(dpb_cfg_vid_isset(vids, 1) && dpb_cfg_vid_isset(vids, 4094));
	assert_false(dpb_cfg_vid_isset(vids, 4095) || dpb_cfg_vid_isset(vids, 0));
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "tst0"), &pvid, vids);
	assert_int_equal(pvid, 30);
	assert_true(dpb_cfg_vid_isset(vids, 30));
	assert_false(dpb_cfg_vid_isset(vids, 1) || dpb_cfg_vid_isset(vids, 2));
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "tst1"), &pvid, vids);
	assert_int_equal(pvid, 10);
	assert_true(dpb_cfg_vid_isset(vids, 20) && !dpb_cfg_vid_isset(vids, 30));
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "vm100"), &pvid, vids);
	assert_int_equal(pvid, 100);
	assert_false(dpb_cfg_vid_isset(vids, 1) || dpb_cfg_vid_isset(vids, 101));
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "vm101"), &pvid, vids);
	assert_int_equal(pvid, 1);
	assert_true(dpb_cfg_vid_isset(vids, 5) && dpb_cfg_vid_isset(vids, 8));
	assert_false(dpb_cfg_vid_isset(vids, 6) || dpb_cfg_vid_isset(vids, 9));
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "vm102"), &pvid, vids);
	assert_true(pvid == 1 && dpb_cfg_vid_isset(vids, 2000));
	/* client: QEMU serves the socket, dpbond connects. */
	assert_false(cfg.ifaces[dpb_cfg_find(&cfg, "vm100")].vhost_client);
	assert_true(cfg.ifaces[dpb_cfg_find(&cfg, "vm101")].vhost_client);
	assert_true(cfg.ifaces[dpb_cfg_find(&cfg, "vm102")].vhost_client);
	/* A trunk list with commas, as before client came. */
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "vm103"), &pvid, vids);
	assert_true(dpb_cfg_vid_isset(vids, 3) && dpb_cfg_vid_isset(vids, 10) && !dpb_cfg_vid_isset(vids, 5));
	assert_false(cfg.ifaces[dpb_cfg_find(&cfg, "vm103")].vhost_client);
	/* The host port (the bridge itself): its pvid only. */
	dpb_cfg_port_vlans(&cfg, br, &pvid, vids);
	assert_true(pvid == 1 && dpb_cfg_vid_isset(vids, 1) && !dpb_cfg_vid_isset(vids, 2));

	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface vmbr0 inet manual\n  bridge-ports eth0\n  bridge-vids 0 5000\n"
			      "  bridge-pvid 4095\n  bridge-vhost-ports vm100:tag=7\n"
			      "iface eth1 inet manual\n  bridge-pvid 5\n"
			      "iface vmbr1 inet manual\n  bridge-ports eth1\n  bridge-vlan-aware maybe\n"), -EINVAL);
	expect_diag(4, DPB_DIAG_ERROR, "bridge-vids: '0 5000' is not a list of VLANs 1-4094 (e.g. 10 20-30)");
	expect_diag(5, DPB_DIAG_ERROR, "bridge-pvid: '4095' is not a VLAN from 1 to 4094");
	expect_diag(6, DPB_DIAG_ERROR,
		    "vmbr0: VM port 'vm100:tag=7' is not NAME[:OPTIONS], OPTIONS tag=VLAN or trunks=VLANS, client, comma-separated (a name of 1-15 characters, VLANs 1-4094, tag= and trunks= on a VLAN-aware bridge)");
	expect_diag(11, DPB_DIAG_ERROR, "bridge-vlan-aware: 'maybe' is not yes or no");
	expect_diag(8, DPB_DIAG_WARNING,
		    "eth1: vmbr1 is not VLAN-aware (bridge-vlan-aware yes); VLAN options ignored");
}

static void test_miimon_zero_warns(void **state)
{
	(void)state;
	assert_int_equal(load("iface eth0 inet manual\n"
			      "iface bond0 inet manual\n"
			      "  slaves eth0\n"
			      "  bond_mode active-backup\n"
			      "  bond_updelay 200\n"
			      "iface vmbr0 inet manual\n  bridge_ports bond0\n"), 0);
	expect_diag(5, DPB_DIAG_WARNING, "bond0: updelay has no effect unless miimon is set");
	expect_diag(2, DPB_DIAG_WARNING,
		    "bond0: miimon is 0: link failures will not be detected (try bond-miimon 100)");
	assert_int_equal(iface("bond0")->bond.updelay_ms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_vhost_ports),
		cmocka_unit_test(test_vlan_aware),
		cmocka_unit_test(test_seed_with_tabs),
		cmocka_unit_test(test_dash_spellings_and_numbers),
		cmocka_unit_test(test_modes_by_name_and_number),
		cmocka_unit_test(test_source_and_continuation),
		cmocka_unit_test(test_port_args),
		cmocka_unit_test(test_bond_master_style),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_more_errors),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_miimon_zero_warns),
		cmocka_unit_test(test_miimon_forced_for_tlb),
		cmocka_unit_test(test_lacp_options),
		cmocka_unit_test(test_arpmon_options),
	};

	return cmocka_run_group_tests_name("cfg", tests, cfg_setup, cfg_teardown);
}
