/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Options of an `iface` stanza. Both ifupdown spellings are accepted: the
 * name is normalised ('_' -> '-', `slaves` -> `bond-slaves`) and looked up in
 * one table; each entry says what the option does in dpbond today.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_priv.h"
#include "dpb_mac.h"

typedef void (*opt_fn)(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
		       const char *opt, const char *val);

struct opt_desc {
	const char *name;   /* normalised spelling */
	opt_fn fn;          /* NULL: accepted, warned as not implemented yet */
	enum dpb_iface_kind kind;  /* PORT: any iface; BOND/BRIDGE: makes it one */
	bool multi;         /* each line adds (address, bridge-ports); else the first stands */
};

int cfg_parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static struct dpb_cfg_iface *ifc(struct cfg_parser *p, int i)
{
	return &p->cfg->ifaces[i];
}

bool cfg_get_uint(struct cfg_parser *p, const struct dpb_cfg_loc *loc, const char *opt,
		  const char *val, unsigned int min, unsigned int max, unsigned int *out)
{
	if (cfg_parse_uint(val, min, max, out) == 0)
		return true;
	cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not a number from %u to %u",
		 opt, val, min, max);
	return false;
}

/* An IPv4 or IPv6 address, by its form. @return its family, or 0. */
static int parse_ip(const char *s, uint8_t bytes[16])
{
	if (inet_pton(AF_INET, s, bytes) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, bytes) == 1)
		return AF_INET6;
	return 0;
}

/*
 * `address A[/LEN]`: IPv4 or IPv6 in any stanza (ifupdown2 reads the family
 * from the address, not from the stanza). Several lines give several
 * addresses. Without /LEN, a `netmask` line may follow; else a host route.
 */
static void opt_address(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	struct dpb_cfg_iface *f = ifc(p, i);
	struct dpb_cfg_addr a = { .loc = *loc };
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", val);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	a.family = parse_ip(buf, a.bytes);
	if (a.family == 0) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not an IPv4 or IPv6 address",
			 opt, buf);
		return;
	}
	a.prefix_len = a.family == AF_INET ? 32 : 128;
	if (slash && cfg_parse_uint(slash + 1, 0, a.prefix_len, &a.prefix_len) < 0) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: bad prefix length '/%s' for %s", opt,
			 slash + 1, a.family == AF_INET ? "IPv4 (0-32)" : "IPv6 (0-128)");
		return;
	}
	for (unsigned int k = 0; k < f->n_addrs; k++) {
		if (f->addrs[k].family == a.family && memcmp(f->addrs[k].bytes, a.bytes, 16) == 0) {
			cfg_diag(p->cfg, DPB_DIAG_WARNING, loc, "%s: %s is given twice (first at %s:%u)",
				 opt, buf, f->addrs[k].loc.file, f->addrs[k].loc.line);
			return;
		}
	}
	if (f->n_addrs == DPB_CFG_MAX_ADDRS) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: more than %d addresses on %s", opt,
			 DPB_CFG_MAX_ADDRS, f->name);
		return;
	}
	f->addrs[f->n_addrs++] = a;
	p->raw[i].bare_addr = slash ? 0 : (int)f->n_addrs;
}

/* `netmask M` (dotted, or a prefix length) for the address just before it. */
static void opt_netmask(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	struct dpb_cfg_addr *a;
	uint8_t m[16];
	unsigned int plen = 0;

	if (p->raw[i].bare_addr == 0) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: no address without a prefix length before it; ignored", opt);
		return;
	}
	a = &ifc(p, i)->addrs[p->raw[i].bare_addr - 1];
	if (cfg_parse_uint(val, 0, a->family == AF_INET ? 32 : 128, &plen) < 0) {
		uint32_t v;

		if (a->family != AF_INET || inet_pton(AF_INET, val, m) != 1) {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not a netmask for %s", opt,
				 val, a->family == AF_INET ? "IPv4" : "IPv6 (a prefix length)");
			return;
		}
		v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
		if ((~v & (~v + 1)) != 0) {  /* ones from the top, then zeros */
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not a contiguous netmask",
				 opt, val);
			return;
		}
		for (; v & 0x80000000u; v <<= 1)
			plen++;
	}
	a->prefix_len = plen;
	p->raw[i].bare_addr = 0;
}

/* `gateway G`: the default route of G's family; one per family. */
static void opt_gateway(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	struct dpb_cfg_addr g = { .loc = *loc }, *slot;

	g.family = parse_ip(val, g.bytes);
	if (g.family == 0) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not an IPv4 or IPv6 address",
			 opt, val);
		return;
	}
	slot = g.family == AF_INET ? &ifc(p, i)->gateway4 : &ifc(p, i)->gateway6;
	if (slot->family) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: %s already has an %s gateway (%s:%u); the first stands", opt,
			 ifc(p, i)->name, g.family == AF_INET ? "IPv4" : "IPv6", slot->loc.file,
			 slot->loc.line);
		return;
	}
	*slot = g;
}

static void opt_devargs(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	if (strchr(val, ' ')) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: devargs contain no spaces ('%s')",
			 opt, val);
		return;
	}
	if (strlen(val) >= DPB_CFG_DEVARGS_LEN) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: longer than %d characters", opt,
			 DPB_CFG_DEVARGS_LEN - 1);
		return;
	}
	snprintf(ifc(p, i)->devargs, sizeof(ifc(p, i)->devargs), "%s", val);
	ifc(p, i)->devargs_loc = *loc;
}

static void opt_slaves(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
		       const char *opt, const char *val)
{
	(void)opt;
	snprintf(p->raw[i].slaves, sizeof(p->raw[i].slaves), "%s", val);
	p->raw[i].has_slaves = true;
	ifc(p, i)->bond.members_loc = *loc;
}

static void opt_master(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
		       const char *opt, const char *val)
{
	if (strlen(val) >= DPB_NAME_LEN || strchr(val, ' ')) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not an interface name", opt, val);
		return;
	}
	snprintf(p->raw[i].master, sizeof(p->raw[i].master), "%s", val);
	p->raw[i].master_loc = *loc;
}

static void opt_mode(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
		     const char *opt, const char *val)
{
	ifc(p, i)->bond.mode_loc = *loc;
	if (dpb_bond_mode_parse(val, &ifc(p, i)->bond.mode) < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: unknown mode '%s' (balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb, or 0-6)",
			 opt, val);
}

static void opt_miimon(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
		       const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 0, INT32_MAX, &ifc(p, i)->bond.miimon_ms);
}

static void opt_updelay(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 0, INT32_MAX, &ifc(p, i)->bond.updelay_ms))
		p->raw[i].updelay_loc = *loc;
}

static void opt_downdelay(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 0, INT32_MAX, &ifc(p, i)->bond.downdelay_ms))
		p->raw[i].downdelay_loc = *loc;
}

static void opt_peer_notif_delay(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				 const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 0, INT32_MAX, &ifc(p, i)->bond.peer_notif_delay_ms))
		p->raw[i].peer_notif_loc = *loc;
}

static void opt_num_grat_arp(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 0, 255, &ifc(p, i)->bond.num_grat_arp);
}

static void opt_primary(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	if (strlen(val) >= DPB_NAME_LEN || strchr(val, ' ')) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not an interface name", opt, val);
		return;
	}
	snprintf(ifc(p, i)->bond.primary_name, DPB_NAME_LEN, "%s", val);
	ifc(p, i)->bond.primary_loc = *loc;
}

static void opt_primary_reselect(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				 const char *opt, const char *val)
{
	int k = dpb_primary_reselect_parse(val);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: unknown policy '%s' (always, better, failure, or 0-2)", opt, val);
	else
		ifc(p, i)->bond.primary_reselect = (enum dpb_primary_reselect)k;
}

static void opt_xmit_hash_policy(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				 const char *opt, const char *val)
{
	int k = dpb_xmit_hash_policy_parse(val);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: unknown policy '%s' (layer2, layer3+4, layer2+3, encap2+3, encap3+4, vlan+srcmac, or 0-5)",
			 opt, val);
	else
		ifc(p, i)->bond.xmit_hash_policy = (enum dpb_xmit_hash_policy)k;
}

static int parse_bool(const char *val, bool *out)
{
	static const char *const yes[] = { "on", "yes", "1", "true" };
	static const char *const no[] = { "off", "no", "0", "false" };

	for (unsigned int k = 0; k < 4; k++) {
		if (strcmp(val, yes[k]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(val, no[k]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static bool get_bool(struct cfg_parser *p, const struct dpb_cfg_loc *loc, const char *opt,
		     const char *val, const char *expected, bool *out)
{
	if (parse_bool(val, out) == 0)
		return true;
	cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not %s", opt, val, expected);
	return false;
}

static void opt_all_slaves_active(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				  const char *opt, const char *val)
{
	get_bool(p, loc, opt, val, "0 or 1", &ifc(p, i)->bond.all_slaves_active);
}

static void opt_packets_per_slave(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				  const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 0, 65535, &ifc(p, i)->bond.packets_per_slave);
}

static void opt_hash_buckets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val)
{
	unsigned int n;

	if (cfg_parse_uint(val, 0, DPB_CFG_MAX_BUCKETS, &n) < 0 ||
	    (n && (n < 16 || (n & (n - 1))))) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: '%s' is not 0 or a power of two from 16 to %d", opt, val,
			 DPB_CFG_MAX_BUCKETS);
		return;
	}
	ifc(p, i)->bond.hash_buckets = n;
}

static void opt_tlb_dynamic_lb(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			       const char *opt, const char *val)
{
	get_bool(p, loc, opt, val, "0 or 1", &ifc(p, i)->bond.tlb_dynamic_lb);
}

static void opt_lacp_rate(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	static const char *const w[] = { "slow", "fast" };
	int k = cfg_word_index(val, w, 2);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not slow or fast (0 or 1)", opt, val);
	else
		ifc(p, i)->bond.lacp_fast = k == 1;
}

static void opt_lacp_active(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			    const char *opt, const char *val)
{
	get_bool(p, loc, opt, val, "on or off", &ifc(p, i)->bond.lacp_active);
}

static void opt_ad_select(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	static const char *const w[] = { "stable", "bandwidth", "count" };
	int k = cfg_word_index(val, w, 3);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: '%s' is not stable, bandwidth or count (0-2)", opt, val);
	else
		ifc(p, i)->bond.ad_select = (unsigned int)k;
}

static void opt_min_links(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 0, DPB_CFG_MAX_MEMBERS, &ifc(p, i)->bond.min_links);
}

static void opt_sys_prio(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			 const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 1, 65535, &ifc(p, i)->bond.ad_actor_sys_prio);
}

static void opt_actor_system(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val)
{
	struct dpb_mac m;

	if (dpb_mac_parse(val, &m) < 0 || dpb_mac_is_multicast(&m)) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not a unicast MAC address",
			 opt, val);
		return;
	}
	memcpy(ifc(p, i)->bond.ad_actor_system, m.b, 6);
	ifc(p, i)->bond.has_ad_actor_system = true;
}

static void opt_user_port_key(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			      const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 0, 1023, &ifc(p, i)->bond.ad_user_port_key);
}

static void opt_coupled_control(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				const char *opt, const char *val)
{
	get_bool(p, loc, opt, val, "0 or 1", &ifc(p, i)->bond.coupled_control);
}

static void opt_lacp_queue(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			   const char *opt, const char *val)
{
	get_bool(p, loc, opt, val, "yes or no", &ifc(p, i)->bond.lacp_dedicated_queue);
}

static void opt_port_prio(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 1, 65535, &ifc(p, i)->ad_port_prio);
}

/* Appends the words of @val to list @list (several lines add up, as in ifupdown2). */
static void append_list(struct cfg_parser *p, const struct dpb_cfg_loc *loc, const char *opt,
			char *list, const char *val)
{
	size_t len = strlen(list);

	if (len + 1 + strlen(val) >= CFG_RAW_LEN) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: the list is longer than %d characters",
			 opt, CFG_RAW_LEN - 1);
		return;
	}
	snprintf(list + len, CFG_RAW_LEN - len, "%s%s", len ? " " : "", val);
}

static void opt_bridge_ports(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val)
{
	append_list(p, loc, opt, p->raw[i].bridge_ports, val);
	if (!p->raw[i].has_bridge_ports)
		ifc(p, i)->bridge.ports_loc = *loc;
	p->raw[i].has_bridge_ports = true;
}

static void opt_bridge_vhost(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val)
{
	append_list(p, loc, opt, p->raw[i].vhost_ports, val);
	if (p->raw[i].vhost_loc.line == 0)
		p->raw[i].vhost_loc = *loc;
}

/* `mtu N`: IP packets of up to N bytes (68 to 65535, as Linux allows). */
static void opt_mtu(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
		    const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 68, 65535, &ifc(p, i)->mtu))
		p->raw[i].mtu_loc = *loc;
}

/* `hwaddress [ether] MAC`: the MAC of a bond, a bridge or a VLAN's host port. */
static void opt_hwaddress(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	struct dpb_mac m;

	if (strncmp(val, "ether ", 6) == 0)
		val += 6;
	if (dpb_mac_parse(val, &m) < 0 || dpb_mac_is_multicast(&m) ||
	    memcmp(m.b, "\0\0\0\0\0\0", 6) == 0) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not a unicast MAC address",
			 opt, val);
		return;
	}
	memcpy(ifc(p, i)->hwaddress, m.b, 6);
	ifc(p, i)->has_hwaddress = true;
	p->raw[i].hwaddress_loc = *loc;
}

/* vlan-raw-device / vlan-id: a VLAN interface of any name (vlan10, mgmt). */
static void opt_vlan_raw(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			 const char *opt, const char *val)
{
	if (strlen(val) >= DPB_NAME_LEN || strchr(val, ' ')) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not an interface name", opt, val);
		return;
	}
	snprintf(p->raw[i].vlan_raw, sizeof(p->raw[i].vlan_raw), "%s", val);
	p->raw[i].vlan_loc = *loc;
}

static void opt_vlan_id(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 1, 4094, &p->raw[i].vlan_id))
		p->raw[i].has_vlan_id = true;
}

static void opt_vlan_protocol(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			      const char *opt, const char *val)
{
	(void)i;
	if (strcmp(val, "802.1q") != 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: only 802.1q VLANs are implemented, not '%s'", opt, val);
}

/*
 * An option that makes the interface a device only the kernel drives:
 * VXLAN (vxlan-id), VRF (vrf-table), Open vSwitch (ovs_type), a dummy or
 * veth (link-type). dpbond leaves such an interface alone.
 */
static void opt_kernel_kind(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			    const char *opt, const char *val)
{
	struct dpb_cfg_iface *f = ifc(p, i);
	const char *kind = strncmp(opt, "vxlan", 5) == 0 ? "VXLAN" :
			   strncmp(opt, "vrf", 3) == 0 ? "VRF" :
			   strncmp(opt, "ovs", 3) == 0 ? "Open vSwitch" : val;

	(void)loc;
	if (f->kind == DPB_IFACE_KERNEL)
		return;
	if (f->kind != DPB_IFACE_PORT) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: %s is a bond or bridge of dpbond's, not a %s device",
			 opt, f->name, kind);
		return;
	}
	f->kind = DPB_IFACE_KERNEL;
	snprintf(f->kernel_kind, sizeof(f->kernel_kind), "%s", kind);
}

static void opt_bridge_vlan_aware(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
				  const char *opt, const char *val)
{
	get_bool(p, loc, opt, val, "yes or no", &ifc(p, i)->bridge.vlan_aware);
}

static void opt_bridge_stp(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			   const char *opt, const char *val)
{
	if (get_bool(p, loc, opt, val, "on or off", &ifc(p, i)->bridge.stp))
		p->raw[i].stp_loc = *loc;
}

static void opt_bridge_fd(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 0, 30, &ifc(p, i)->bridge.fd_s))
		p->raw[i].fd_loc = *loc;
}

static void opt_bridge_ageing(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			      const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 0, 1000000, &ifc(p, i)->bridge.ageing_s);
}

/* dpbond's own: how many MACs the bridge's FDB holds (lib/bridge: 1024 to 4M). */
static void opt_bridge_fdb_max(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			       const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 1024, 4194304, &ifc(p, i)->bridge.fdb_max);
}

static const struct opt_desc opts[] = {
	{ "address", opt_address, DPB_IFACE_PORT, true },
	{ "netmask", opt_netmask, DPB_IFACE_PORT, true },
	{ "gateway", opt_gateway, DPB_IFACE_PORT, true },
	{ "vlan-raw-device", opt_vlan_raw, DPB_IFACE_PORT },
	{ "vlan-id", opt_vlan_id, DPB_IFACE_PORT },
	{ "vlan-protocol", opt_vlan_protocol, DPB_IFACE_PORT },
	{ "vrf-table", opt_kernel_kind, DPB_IFACE_PORT },
	{ "link-type", opt_kernel_kind, DPB_IFACE_PORT },
	{ "dpdk-devargs", opt_devargs, DPB_IFACE_PORT },
	{ "bond-master", opt_master, DPB_IFACE_PORT },
	{ "bond-slaves", opt_slaves, DPB_IFACE_BOND },
	{ "bond-mode", opt_mode, DPB_IFACE_BOND },
	{ "bond-miimon", opt_miimon, DPB_IFACE_BOND },
	{ "bond-updelay", opt_updelay, DPB_IFACE_BOND },
	{ "bond-downdelay", opt_downdelay, DPB_IFACE_BOND },
	{ "bond-peer-notif-delay", opt_peer_notif_delay, DPB_IFACE_BOND },
	{ "bond-num-grat-arp", opt_num_grat_arp, DPB_IFACE_BOND },
	{ "bond-num-unsol-na", opt_num_grat_arp, DPB_IFACE_BOND },
	{ "bond-primary", opt_primary, DPB_IFACE_BOND },
	{ "bond-primary-reselect", opt_primary_reselect, DPB_IFACE_BOND },
	{ "bond-xmit-hash-policy", opt_xmit_hash_policy, DPB_IFACE_BOND },
	{ "bond-all-slaves-active", opt_all_slaves_active, DPB_IFACE_BOND },
	{ "bond-hash-buckets", opt_hash_buckets, DPB_IFACE_BOND },
	{ "bond-lacp-rate", opt_lacp_rate, DPB_IFACE_BOND },
	{ "bond-ad-select", opt_ad_select, DPB_IFACE_BOND },
	{ "bond-min-links", opt_min_links, DPB_IFACE_BOND },
	{ "bond-lacp-active", opt_lacp_active, DPB_IFACE_BOND },
	{ "bond-ad-actor-sys-prio", opt_sys_prio, DPB_IFACE_BOND },
	{ "bond-ad-actor-system", opt_actor_system, DPB_IFACE_BOND },
	{ "bond-ad-user-port-key", opt_user_port_key, DPB_IFACE_BOND },
	{ "bond-arp-interval", cfg_opt_arp_interval, DPB_IFACE_BOND },
	{ "bond-arp-ip-target", cfg_opt_arp_targets, DPB_IFACE_BOND, true },
	{ "bond-ns-ip6-target", cfg_opt_ns_targets, DPB_IFACE_BOND, true },
	{ "bond-arp-validate", cfg_opt_arp_validate, DPB_IFACE_BOND },
	{ "bond-arp-all-targets", cfg_opt_arp_all_targets, DPB_IFACE_BOND },
	{ "bond-arp-missed-max", cfg_opt_arp_missed_max, DPB_IFACE_BOND },
	{ "bond-fail-over-mac", cfg_opt_fail_over_mac, DPB_IFACE_BOND },
	{ "bond-packets-per-slave", opt_packets_per_slave, DPB_IFACE_BOND },
	{ "bond-tlb-dynamic-lb", opt_tlb_dynamic_lb, DPB_IFACE_BOND },
	{ "bond-coupled-control", opt_coupled_control, DPB_IFACE_BOND },
	{ "bond-lacp-dedicated-queue", opt_lacp_queue, DPB_IFACE_BOND },
	{ "bond-lp-interval", NULL, DPB_IFACE_BOND },
	{ "bond-use-carrier", NULL, DPB_IFACE_BOND },
	{ "bond-resend-igmp", NULL, DPB_IFACE_BOND },
	{ "bond-queue-id", NULL, DPB_IFACE_PORT },
	{ "bond-ad-actor-port-prio", opt_port_prio, DPB_IFACE_PORT },
	{ "bridge-ports", opt_bridge_ports, DPB_IFACE_BRIDGE, true },
	{ "bridge-vhost-ports", opt_bridge_vhost, DPB_IFACE_BRIDGE, true },
	{ "bridge-stp", opt_bridge_stp, DPB_IFACE_BRIDGE },
	{ "bridge-fd", opt_bridge_fd, DPB_IFACE_BRIDGE },
	{ "bridge-ageing", opt_bridge_ageing, DPB_IFACE_BRIDGE },
	{ "bridge-fdb-max", opt_bridge_fdb_max, DPB_IFACE_BRIDGE },
	{ "bridge-vlan-aware", opt_bridge_vlan_aware, DPB_IFACE_BRIDGE },
	{ "bridge-vids", cfg_opt_vids, DPB_IFACE_PORT },
	{ "bridge-pvid", cfg_opt_pvid, DPB_IFACE_PORT },
	{ "bridge-access", cfg_opt_pvid, DPB_IFACE_PORT },
	{ "bridge-vids", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-pvid", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-hello", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-maxage", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-maxwait", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-waitport", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-bridgeprio", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-mcsnoop", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-disable-mac-learning", NULL, DPB_IFACE_BRIDGE },
	{ "bridge-learning", NULL, DPB_IFACE_PORT },
	{ "bridge-unicast-flood", NULL, DPB_IFACE_PORT },
	{ "bridge-multicast-flood", NULL, DPB_IFACE_PORT },
	{ "bridge-arp-nd-suppress", NULL, DPB_IFACE_PORT },
	{ "mtu", opt_mtu, DPB_IFACE_PORT },
	{ "hwaddress", opt_hwaddress, DPB_IFACE_PORT },
};

/*
 * Whether single-valued option @name is given for the first time for iface
 * @i: ifupdown2 reads the first value of an option given on several lines
 * or in several stanzas of one interface; the later ones are warned.
 */
static bool first_time(struct cfg_parser *p, int i, const char *name,
		       const struct dpb_cfg_loc *loc, const char *opt)
{
	for (unsigned int k = 0; k < p->n_seen; k++) {
		const struct cfg_seen *s = &p->seen[k];

		if (s->iface == i && strcmp(s->opt, name) == 0) {
			cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
				 "%s: given again for %s; the first value (%s:%u) stands, as in ifupdown2",
				 opt, p->cfg->ifaces[i].name, s->loc.file, s->loc.line);
			return false;
		}
	}
	if (p->n_seen < CFG_MAX_SEEN)
		p->seen[p->n_seen++] = (struct cfg_seen){ .iface = i, .opt = name, .loc = *loc };
	return true;
}

void cfg_option(struct cfg_parser *p, const struct dpb_cfg_loc *loc,
		const char *opt, char *value)
{
	char norm[64];
	size_t k;
	int i = p->cur;

	snprintf(norm, sizeof(norm), "%s", opt);
	for (k = 0; norm[k]; k++)
		if (norm[k] == '_')
			norm[k] = '-';
	if (strcmp(norm, "slaves") == 0)
		snprintf(norm, sizeof(norm), "bond-slaves");

	for (k = 0; k < DPB_HOOK_PHASE_COUNT; k++) {
		if (strcmp(norm, dpb_hook_phase_name((enum dpb_hook_phase)k)) == 0) {
			cfg_hook(p, loc, (enum dpb_hook_phase)k, value);
			return;
		}
	}
	cfg_env(p, norm, value);
	if (strncmp(norm, "ovs-", 4) == 0 || strncmp(norm, "vxlan-", 6) == 0) {
		opt_kernel_kind(p, i, loc, opt, value);
		return;
	}
	if (strcmp(norm, "vrf") == 0) {
		cfg_note(p, i, loc, "%s: VRFs are the kernel's; %s is in none in dpbond", opt,
			 p->cfg->ifaces[i].name);
		return;
	}
	if (strncmp(norm, "dns-", 4) == 0) {
		cfg_diag(p->cfg, DPB_DIAG_WARNING, loc,
			 "%s: name-server settings are not dpbond's; ignored", opt);
		return;
	}
	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		const struct opt_desc *d = &opts[k];

		if (strcmp(norm, d->name) != 0)
			continue;
		if (value[0] == '\0') {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: missing value", opt);
			return;
		}
		if (d->kind != DPB_IFACE_PORT) {
			if (p->cfg->ifaces[i].kind == DPB_IFACE_LOOPBACK) {
				cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
					 "%s: not an option of a loopback interface", opt);
				return;
			}
			if (cfg_set_kind(p, i, d->kind, loc) < 0)
				return;
		}
		if (d->fn == NULL) {
			cfg_note(p, i, loc, "%s: not implemented yet in dpbond; ignored", opt);
			return;
		}
		if (!d->multi && !first_time(p, i, d->name, loc, opt))
			return;
		d->fn(p, i, loc, opt, value);
		return;
	}
	cfg_note(p, i, loc, "%s: unknown option; ignored", opt);
}
