/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Files in ifupdown2's dialect, as Proxmox VE writes them: stanzas without a
 * family, several stanzas for one interface, IPv6 and several addresses,
 * netmask beside a bare address, members and ports without stanzas, VLAN
 * interfaces (NAME.VID, vlan-raw-device), devices only the kernel drives,
 * aliases, and options given twice.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cfg_util.h"

/* Address @k of @f must be @text/@plen. */
static void expect_addr(const struct dpb_cfg_iface *f, unsigned int k, const char *text,
			unsigned int plen)
{
	uint8_t want[16] = { 0 };
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	assert_true(k < f->n_addrs);
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_int_equal(f->addrs[k].family, family);
	assert_memory_equal(f->addrs[k].bytes, want, family == AF_INET ? 4 : 16);
	assert_int_equal(f->addrs[k].prefix_len, plen);
}

static void expect_gateway(const struct dpb_cfg_addr *g, const char *text)
{
	uint8_t want[16] = { 0 };
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, text, want), 1);
	assert_int_equal(g->family, family);
	assert_memory_equal(g->bytes, want, family == AF_INET ? 4 : 16);
}

/* pve-common's typeless form: `iface vmbr1` with an address of each family. */
static void test_typeless_stanza(void **state)
{
	(void)state;
	assert_int_equal(load("auto vmbr1\n"
			      "iface vmbr1\n"
			      "\taddress 192.0.2.4/24\n"
			      "\taddress 2001:db8::a:1/64\n"
			      "\tgateway 192.0.2.1\n"
			      "\tgateway 2001:db8::1\n"
			      "\tbridge-ports eno1\n"
			      "\tbridge-stp off\n"
			      "\tbridge-fd 0\n"
			      "# Comment\n"), 0);
	const struct dpb_cfg_iface *v = iface("vmbr1");

	assert_int_equal(v->kind, DPB_IFACE_BRIDGE);
	assert_int_equal(v->inet, DPB_METHOD_STATIC);
	assert_int_equal(v->inet6, DPB_METHOD_STATIC);
	assert_int_equal(v->n_addrs, 2);
	expect_addr(v, 0, "192.0.2.4", 24);
	expect_addr(v, 1, "2001:db8::a:1", 64);
	expect_gateway(&v->gateway4, "192.0.2.1");
	expect_gateway(&v->gateway6, "2001:db8::1");
	assert_true(v->host_port);
	/* eno1 needs no stanza: a NIC the bridge names. */
	assert_int_equal(iface("eno1")->master, dpb_cfg_find(&cfg, "vmbr1"));
	assert_int_equal(cfg.n_errors, 0);
}

/*
 * inet and inet6 stanzas of one bridge are one interface; an address of
 * either family in either; netmask beside a bare address; a single-valued
 * option given twice keeps its first value; a second gateway of a family too.
 */
static void test_merged_stanzas(void **state)
{
	(void)state;
	assert_int_equal(load("auto vmbr0\n"                              /* 1 */
			      "iface vmbr0 inet static\n"                 /* 2 */
			      "  address 198.51.100.2\n"                  /* 3 */
			      "  netmask 255.255.255.0\n"                 /* 4 */
			      "  gateway 198.51.100.1\n"                  /* 5 */
			      "  bridge-ports bond0\n"                    /* 6 */
			      "  bridge-ageing 100\n"                     /* 7 */
			      "  address 2001:db8:1::2/64\n"              /* 8 */
			      "\n"                                        /* 9 */
			      "iface vmbr0 inet6 static\n"                /* 10 */
			      "  address 2001:db8:2::2\n"                 /* 11 */
			      "  netmask 112\n"                           /* 12 */
			      "  gateway 2001:db8:2::1\n"                 /* 13 */
			      "  bridge-ageing 200\n"                     /* 14 */
			      "  gateway 198.51.100.254\n"                /* 15 */
			      "  bridge_ports tap100i0\n"                 /* 16 */
			      "iface bond0 inet manual\n"                 /* 17 */
			      "  bond-slaves eno1 eno2\n"                 /* 18 */
			      "  bond-miimon 100\n"                       /* 19 */
			      "  bond-mode active-backup\n"               /* 20 */
			      "  bond-miimon 200\n"), 0);                 /* 21 */
	const struct dpb_cfg_iface *v = iface("vmbr0");

	assert_int_equal(v->inet, DPB_METHOD_STATIC);
	assert_int_equal(v->inet6, DPB_METHOD_STATIC);
	assert_int_equal(v->n_addrs, 3);
	expect_addr(v, 0, "198.51.100.2", 24);
	expect_addr(v, 1, "2001:db8:1::2", 64);
	expect_addr(v, 2, "2001:db8:2::2", 112);
	expect_gateway(&v->gateway4, "198.51.100.1");
	expect_gateway(&v->gateway6, "2001:db8:2::1");
	assert_int_equal(v->bridge.ageing_s, 100);
	expect_diag_at(14, DPB_DIAG_WARNING, "bridge-ageing: given again for vmbr0; the first value (", true);
	expect_diag_at(15, DPB_DIAG_WARNING, "gateway: vmbr0 already has an IPv4 gateway (", true);
	/* bridge-ports lines add up. */
	assert_int_equal(v->bridge.n_ports, 2);
	assert_string_equal(cfg.ifaces[v->bridge.ports[1]].name, "tap100i0");
	assert_int_equal(iface("bond0")->bond.miimon_ms, 100);
	expect_diag_at(21, DPB_DIAG_WARNING, "bond-miimon: given again for bond0; the first value (", true);
}

/* dhcp and SLAAC need a host port but give it no address; an alias is ignored. */
static void test_dhcp_auto_and_alias(void **state)
{
	(void)state;
	assert_int_equal(load("iface vmbr0 inet dhcp\n"
			      "  bridge-ports eno1\n"
			      "iface vmbr0 inet6 auto\n"
			      "iface vmbr1 inet manual\n"
			      "  bridge-ports eno2\n"
			      "iface vmbr1:1 inet static\n"
			      "  address 192.0.2.9/24\n"), 0);
	assert_int_equal(iface("vmbr0")->inet, DPB_METHOD_DHCP);
	assert_int_equal(iface("vmbr0")->inet6, DPB_METHOD_AUTO);
	assert_int_equal(iface("vmbr0")->n_addrs, 0);
	assert_true(iface("vmbr0")->host_port);
	assert_false(iface("vmbr1")->host_port);
	assert_int_equal(iface("vmbr1")->n_addrs, 0);
	assert_int_equal(dpb_cfg_find(&cfg, "vmbr1:1"), -1);
	expect_diag_at(6, DPB_DIAG_WARNING, "vmbr1:1: alias interfaces are not supported", true);
}

/*
 * The admin guide's VLAN-aware layout: the host on vmbr0.5 (a TAP, an access
 * port of VLAN 5 among vmbr0's ports); vlan-raw-device forms beside it.
 */
static void test_host_vlan_on_vlan_aware_bridge(void **state)
{
	(void)state;
	assert_int_equal(load("iface eno1 inet manual\n"
			      "auto vmbr0.5\n"
			      "iface vmbr0.5 inet static\n"
			      "        address 192.0.2.5/24\n"
			      "        gateway 192.0.2.1\n"
			      "auto vmbr0\n"
			      "iface vmbr0 inet manual\n"
			      "        bridge-ports eno1\n"
			      "        bridge-stp off\n"
			      "        bridge-fd 0\n"
			      "        bridge-vlan-aware yes\n"
			      "        bridge-vids 2-4094\n"
			      "iface vlan60 inet6 static\n"
			      "        vlan_raw_device vmbr0\n"
			      "        address 2001:db8:60::5/64\n"
			      "iface mgmt inet static\n"
			      "        vlan-raw-device vmbr0\n"
			      "        vlan-id 70\n"
			      "        address 198.51.100.70/24\n"
			      "iface vmbr0.80 inet static\n"), 0);
	const struct dpb_cfg_iface *v = iface("vmbr0.5"), *br = iface("vmbr0");
	uint64_t vids[64];
	uint16_t pvid;

	assert_int_equal(v->kind, DPB_IFACE_VLAN);
	assert_int_equal(v->vlan_id, 5);
	assert_int_equal(v->vlan_raw, dpb_cfg_find(&cfg, "vmbr0"));
	assert_true(v->host_port);
	assert_int_equal(v->master, dpb_cfg_find(&cfg, "vmbr0"));
	expect_addr(v, 0, "192.0.2.5", 24);
	expect_gateway(&v->gateway4, "192.0.2.1");
	/* An access port of VLAN 5: VLAN 5 untagged, nothing else. */
	dpb_cfg_port_vlans(&cfg, dpb_cfg_find(&cfg, "vmbr0.5"), &pvid, vids);
	assert_int_equal(pvid, 5);
	assert_true(dpb_cfg_vid_isset(vids, 5));
	assert_false(dpb_cfg_vid_isset(vids, 6));
	assert_false(br->host_port);   /* inet manual: the bridge itself has none */
	assert_int_equal(iface("vlan60")->vlan_id, 60);
	assert_true(iface("vlan60")->host_port);
	assert_int_equal(iface("mgmt")->vlan_id, 70);
	assert_true(iface("mgmt")->host_port);
	/* A VLAN with nothing to carry is no port: the bridge carries VLAN 80 anyway. */
	assert_int_equal(iface("vmbr0.80")->kind, DPB_IFACE_VLAN);
	assert_false(iface("vmbr0.80")->host_port);
	assert_int_equal(br->bridge.n_ports, 4);   /* eno1, vmbr0.5, vlan60, mgmt */
	dpb_cfg_drop_host_ports(&cfg);
	assert_int_equal(iface("vmbr0")->bridge.n_ports, 1);
	assert_false(iface("vmbr0.5")->host_port);
}

/* What is not built yet is refused with its reason, never taken for a NIC. */
/*
 * VLANs of bonds and NICs: Proxmox's traditional vmbr0v5 over bond0.5 (no
 * stanza for bond0.5), host ports on bond0.60 and on eno3.70 of a bridged
 * NIC, the host's VLAN of a plain bridge; and what stays refused or the
 * kernel's.
 */
static void test_vlan_ifaces(void **state)
{
	(void)state;
	assert_int_equal(load("iface bond0 inet manual\n"                 /* 1 */
			      "  bond-slaves eno1 eno2\n"                 /* 2 */
			      "  bond-mode active-backup\n"               /* 3 */
			      "  bond-miimon 100\n"                       /* 4 */
			      "iface vmbr0 inet manual\n"                 /* 5 */
			      "  bridge-ports bond0\n"                    /* 6 */
			      "iface vmbr0v5 inet manual\n"               /* 7 */
			      "  bridge-ports bond0.5\n"                  /* 8 */
			      "iface bond0.60 inet static\n"              /* 9 */
			      "  address 192.0.2.60/24\n"                 /* 10 */
			      "iface vmbr1 inet manual\n"                 /* 11 */
			      "  bridge-ports eno3\n"                     /* 12 */
			      "iface eno3.70 inet6 static\n"              /* 13 */
			      "  address 2001:db8:70::1/64\n"             /* 14 */
			      "iface eno9.60 inet static\n"               /* 15 */
			      "  address 192.0.2.9/24\n"), 0);            /* 16 */
	assert_int_equal(iface("bond0.5")->kind, DPB_IFACE_VLAN);
	assert_int_equal(iface("bond0.5")->master, dpb_cfg_find(&cfg, "vmbr0v5"));
	assert_false(iface("bond0.5")->host_port);
	assert_true(iface("bond0.60")->host_port);
	assert_int_equal(iface("bond0.60")->master, -1);
	assert_int_equal(iface("bond0.60")->vlan_raw, dpb_cfg_find(&cfg, "bond0"));
	assert_true(iface("eno3.70")->host_port);
	assert_int_equal(iface("eno3.70")->vlan_id, 70);
	assert_true(dpb_cfg_has_vlans(&cfg, dpb_cfg_find(&cfg, "bond0")));
	assert_true(dpb_cfg_owned(&cfg, dpb_cfg_find(&cfg, "bond0.60")));
	expect_diag(15, DPB_DIAG_WARNING, "eno9.60 is a VLAN of eno9, which is not dpbond's: left to the kernel");

	assert_int_equal(load("iface bond0 inet manual\n"                 /* 1 */
			      "  bond-slaves eno1 eno2\n"                 /* 2 */
			      "  bond-miimon 100\n"                       /* 3 */
			      "iface vmbr0 inet manual\n"                 /* 4 */
			      "  bridge-ports bond0\n"                    /* 5 */
			      "iface vmbr0.7 inet static\n"               /* 6 */
			      "  address 192.0.2.7/24\n"                  /* 7 */
			      "iface eno1.8 inet static\n"                /* 8 */
			      "  address 192.0.2.8/24\n"                  /* 9 */
			      "iface vmbr2 inet manual\n"                 /* 10 */
			      "  bridge-ports bond0.9\n"                  /* 11 */
			      "  bridge-vlan-aware yes\n"                 /* 12 */
			      "iface vmbr3 inet manual\n"                 /* 13 */
			      "  bridge-ports eno7.3\n"                   /* 14 */
			      "iface bond0.100.10 inet manual\n"), -EINVAL);  /* 15 */
	/* The host's VLAN 7 of the plain bridge vmbr0: a host port in it, no VLAN filtering. */
	assert_true(iface("vmbr0.7")->host_port);
	assert_int_equal(iface("vmbr0.7")->master, dpb_cfg_find(&cfg, "vmbr0"));
	assert_false(iface("vmbr0.7")->vlan.has_pvid);
	expect_diag(8, DPB_DIAG_ERROR, "eno1.8: VLAN 8 of eno1, a member of bond0: put the VLAN on the bond (bond0.8)");
	expect_diag(11, DPB_DIAG_ERROR,
		    "vmbr2: port bond0.9 (VLAN 9 of bond0): a VLAN interface is a port only of a plain bridge, over a bond or NIC (on a VLAN-aware bridge, use bridge-vids)");
	expect_diag(14, DPB_DIAG_ERROR,
		    "vmbr3: port eno7.3 is VLAN 3 of eno7, which is in no bond or bridge of dpbond's: not implemented yet");
	expect_diag(15, DPB_DIAG_ERROR, "bond0.100.10: VLANs of VLANs (802.1ad QinQ) are not implemented");
}

/* More VLAN interfaces on one bond than the datapath's table holds: refused, naming the first too many. */
static void test_vlan_limits(void **state)
{
	char text[8192];
	int n = snprintf(text, sizeof(text), "iface bond0 inet manual\n  bond-slaves eno1\n  bond-miimon 100\n");

	(void)state;
	for (int v = 1; v <= DPB_CFG_MAX_DEVICE_VLANS + 1; v++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "iface bond0.%d inet static\n  address 192.0.2.%d/24\n", v, v);
	assert_int_equal(load(text), -EINVAL);
	expect_diag(4 + 2 * DPB_CFG_MAX_DEVICE_VLANS, DPB_DIAG_ERROR,
		    "bond0.33: more than 32 VLAN interfaces on bond0");
}

/* VXLAN, OVS and VRF stanzas are the kernel's; a bridge may not mix them with dpbond's ports. */
static void test_kernel_devices(void **state)
{
	(void)state;
	assert_int_equal(load("iface vxlan2 inet manual\n"                /* 1 */
			      "  vxlan-id 2\n"                            /* 2 */
			      "  vxlan-local-tunnelip 192.0.2.2\n"        /* 3 */
			      "iface vmbr9 inet manual\n"                 /* 4 */
			      "  bridge-ports vxlan2\n"                   /* 5 */
			      "iface vrf1 inet manual\n"                  /* 6 */
			      "  vrf-table auto\n"                        /* 7 */
			      "iface ovsint inet manual\n"                /* 8 */
			      "  ovs_type OVSIntPort\n"                   /* 9 */
			      "  ovs_bridge vmbr6\n"                      /* 10 */
			      "iface vmbr0 inet manual\n"                 /* 11 */
			      "  bridge-ports eno1\n"), 0);               /* 12 */
	assert_int_equal(iface("vxlan2")->kind, DPB_IFACE_KERNEL);
	assert_string_equal(iface("vxlan2")->kernel_kind, "VXLAN");
	assert_int_equal(iface("vmbr9")->kind, DPB_IFACE_KERNEL);
	expect_diag(4, DPB_DIAG_WARNING,
		    "vmbr9: its ports are the kernel's (vxlan2: VXLAN device): the bridge is left to the kernel");
	expect_diag(1, DPB_DIAG_WARNING, "vxlan2 is left to the kernel (VXLAN device)");
	expect_diag(6, DPB_DIAG_WARNING, "vrf1 is left to the kernel (VRF device)");
	expect_diag(8, DPB_DIAG_WARNING, "ovsint is left to the kernel (Open vSwitch device)");
	assert_int_equal(load("iface vxlan2 inet manual\n"
			      "  vxlan-id 2\n"
			      "iface vmbr0 inet manual\n"
			      "  bridge-ports eno1 vxlan2\n"), -EINVAL);
	expect_diag(4, DPB_DIAG_ERROR,
		    "vmbr0: port vxlan2 (VXLAN device) cannot be driven by dpbond, beside ports that are dpbond's");
}

/* hwaddress [ether] MAC on bonds, bridges and VLANs; refused when not unicast; warned on a member. */
static void test_hwaddress(void **state)
{
	(void)state;
	assert_int_equal(load("iface eno1 inet manual\n"                 /* 1 */
			      "  hwaddress 02:00:00:00:0e:01\n"           /* 2 */
			      "iface bond0 inet manual\n"                /* 3 */
			      "  bond-slaves eno1 eno2\n"                /* 4 */
			      "  bond-mode active-backup\n"              /* 5 */
			      "  bond-miimon 100\n"                      /* 6 */
			      "  hwaddress ether 02:00:00:00:0b:01\n"     /* 7 */
			      "iface vmbr0 inet static\n"                /* 8 */
			      "  address 192.0.2.1/24\n"                 /* 9 */
			      "  bridge-ports bond0\n"                   /* 10 */
			      "  hwaddress 02:00:00:00:0A:01\n"), 0);     /* 11 */
	assert_true(iface("bond0")->has_hwaddress);
	assert_memory_equal(iface("bond0")->hwaddress, "\x02\0\0\0\x0b\x01", 6);
	assert_memory_equal(iface("vmbr0")->hwaddress, "\x02\0\0\0\x0a\x01", 6);
	expect_diag(2, DPB_DIAG_WARNING,
		    "eno1: hwaddress on a bond member is not implemented (a bond gives its members its own MAC); ignored");
	assert_int_equal(load("iface vmbr0 inet manual\n"
			      "  bridge-ports eno1\n"
			      "  hwaddress 01:00:5e:00:00:01\n"), -EINVAL);
	expect_diag(3, DPB_DIAG_ERROR, "hwaddress: '01:00:5e:00:00:01' is not a unicast MAC address");
}

/* The value of variable @name (IF_...) kept for iface @iface's hooks, or NULL. */
static const char *env_of(const char *iface, const char *name)
{
	int i = dpb_cfg_find(&cfg, iface);

	for (unsigned int k = 0; k < cfg.n_env; k++)
		if (cfg.env[k].iface == i && strcmp(cfg.env[k].name, name) == 0)
			return cfg.env[k].value;
	return NULL;
}

/*
 * Hook commands in both spellings, each with its stanza's family; the
 * options they will see as IF_* variables; commands from a file others may
 * write are not run, nor those of interfaces that are not dpbond's.
 */
static void test_hooks(void **state)
{
	const char *inc;

	(void)state;
	inc = write_file("interfaces.d/extra", "iface vmbr1 inet manual\n"
			 "  bridge-ports eno2\n"
			 "  post-up echo from-a-shared-file\n");
	assert_int_equal(chmod(inc, 0664), 0);
	assert_int_equal(load("iface vmbr0 inet static\n"                         /* 1 */
			      "  address 192.0.2.1/24\n"                          /* 2 */
			      "  bridge-ports eno1\n"                             /* 3 */
			      "  post-up echo 1 > /proc/sys/net/ipv4/ip_forward\n" /* 4 */
			      "  post_down iptables -t nat -D POSTROUTING -j MASQUERADE\n" /* 5 */
			      "iface vmbr0 inet6 static\n"                        /* 6 */
			      "  address 2001:db8::1/64\n"                        /* 7 */
			      "  pre-up true\n"                                   /* 8 */
			      "  bridge-ports eno3\n"                             /* 9 */
			      "iface eno9 inet manual\n"                          /* 10 */
			      "  up echo not-ours\n"                              /* 11 */
			      "source interfaces.d/*\n"), 0);                     /* 12 */
	assert_int_equal(cfg.n_hooks, 5);
	assert_int_equal(cfg.hooks[0].phase, DPB_HOOK_POST_UP);
	assert_string_equal(cfg.hooks[0].cmd, "echo 1 > /proc/sys/net/ipv4/ip_forward");
	assert_int_equal(cfg.hooks[0].family, AF_INET);
	assert_true(cfg.hooks[0].trusted);
	assert_int_equal(cfg.hooks[1].phase, DPB_HOOK_POST_DOWN);
	assert_int_equal(cfg.hooks[2].phase, DPB_HOOK_PRE_UP);
	assert_int_equal(cfg.hooks[2].family, AF_INET6);
	assert_int_equal(cfg.hooks[3].phase, DPB_HOOK_UP);
	assert_false(cfg.hooks[4].trusted);
	expect_diag_at(3, DPB_DIAG_WARNING, "post-up: not run: the file is writable by its group (", true);
	expect_diag(11, DPB_DIAG_WARNING, "up: eno9 is not dpbond's: its up command is not run");
	assert_true(dpb_cfg_owned(&cfg, dpb_cfg_find(&cfg, "vmbr0")));
	assert_false(dpb_cfg_owned(&cfg, dpb_cfg_find(&cfg, "eno9")));
	/* IF_<OPTION>: upper case, '-' as '_', a repeated option one line each. */
	assert_string_equal(env_of("vmbr0", "IF_ADDRESS"), "192.0.2.1/24\n2001:db8::1/64");
	assert_string_equal(env_of("vmbr0", "IF_BRIDGE_PORTS"), "eno1\neno3");
	assert_null(env_of("vmbr0", "IF_POST_UP"));
}

/* CRLF line ends, tabs, and no newline at the end of the file. */
static void test_crlf_and_no_final_newline(void **state)
{
	(void)state;
	assert_int_equal(load("auto vmbr0\r\n"
			      "iface vmbr0 inet static\r\n"
			      "\taddress 192.0.2.3/24\r\n"
			      "\tbridge-ports eno1\r\n"
			      "\tbridge-vlan-aware yes"), 0);
	expect_addr(iface("vmbr0"), 0, "192.0.2.3", 24);
	assert_true(iface("vmbr0")->bridge.vlan_aware);
	assert_int_equal(cfg.n_warnings, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typeless_stanza),
		cmocka_unit_test(test_merged_stanzas),
		cmocka_unit_test(test_dhcp_auto_and_alias),
		cmocka_unit_test(test_host_vlan_on_vlan_aware_bridge),
		cmocka_unit_test(test_vlan_ifaces),
		cmocka_unit_test(test_vlan_limits),
		cmocka_unit_test(test_kernel_devices),
		cmocka_unit_test(test_hwaddress),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_crlf_and_no_final_newline),
	};

	return cmocka_run_group_tests_name("cfg_dialect", tests, cfg_setup, cfg_teardown);
}
