/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CFG_H
#define DPB_CFG_H

/**
 * @file
 * The typed model of a Debian ifupdown `interfaces` file, as dpbond reads it.
 *
 * dpb_cfg_load() parses a file (and what it sources), resolves which stanza
 * is a bond, a bridge or a port, and validates the whole. Every problem is a
 * diagnostic with file and line; any error refuses the file. Pure code: no
 * DPDK, no clock; safe from any thread that owns the object.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "dpb_bond_vocab.h"

#define DPB_NAME_LEN 16        /**< IFNAMSIZ: 15 characters and the NUL */
#define DPB_CFG_MAX_IFACES 64
#define DPB_CFG_MAX_MEMBERS 16  /**< members of one bond */
#define DPB_CFG_MAX_BR_PORTS 32 /**< ports of one bridge */
#define DPB_CFG_MAX_DIAGS 96      /**< kept: errors up to 64 of them, warnings up to 32 */
#define DPB_CFG_MAX_WARNING_DIAGS 32
#define DPB_CFG_PATH_LEN 256
#define DPB_CFG_DEVARGS_LEN 512
#define DPB_CFG_MAX_BUCKETS 1024  /**< bond-hash-buckets */
#define DPB_CFG_MAX_ADDRS 16    /**< addresses of one interface */
#define DPB_CFG_MAX_HOOKS 128   /**< hook commands of the whole file */
#define DPB_CFG_HOOK_LEN 1024   /**< one command */
#define DPB_CFG_MAX_ENV 512     /**< options kept for the hooks' IF_* variables */
#define DPB_CFG_MAX_VLAN_DEVICES 16 /**< bonds and NICs with VLAN interfaces */
#define DPB_CFG_MAX_DEVICE_VLANS 32 /**< VLAN interfaces of one bond or NIC */
#define DPB_CFG_MAX_ARP_TARGETS 16 /**< bond-arp-ip-target, and bond-ns-ip6-target apart */

/** Where a line came from. */
struct dpb_cfg_loc {
	char file[DPB_CFG_PATH_LEN];
	unsigned int line;
};

enum dpb_diag_severity { DPB_DIAG_WARNING, DPB_DIAG_ERROR };

struct dpb_cfg_diag {
	enum dpb_diag_severity severity;
	struct dpb_cfg_loc loc;  /**< line 0: about the file as a whole */
	char msg[256];
};

enum dpb_iface_kind {
	DPB_IFACE_PORT,       /**< a DPDK device (NIC, vdev) */
	DPB_IFACE_BOND,
	DPB_IFACE_BRIDGE,
	DPB_IFACE_LOOPBACK,   /**< `lo`: nothing for dpbond to do */
	DPB_IFACE_VLAN,       /**< NAME.VID or vlan-raw-device: a VLAN of another interface */
	DPB_IFACE_KERNEL,     /**< a device only the kernel drives (VXLAN, VRF, OVS, dummy): left alone */
};

/** How a family's addresses come (the METHOD of `iface NAME inet|inet6 METHOD`). */
#define DPB_ADDR_METHODS(X)      \
	X(NONE, "none")          \
	X(MANUAL, "manual")      \
	X(STATIC, "static")      \
	X(DHCP, "dhcp")          \
	X(AUTO, "auto")          \
	X(LOOPBACK, "loopback")

enum dpb_addr_method {
#define X(id, name) DPB_METHOD_##id,
	DPB_ADDR_METHODS(X)
#undef X
	DPB_METHOD_COUNT
};

/** The word of a method ("static"). */
const char *dpb_addr_method_name(enum dpb_addr_method m);

/** An address (`address`, `gateway`), IPv4 or IPv6. */
struct dpb_cfg_addr {
	int family;              /**< AF_INET or AF_INET6; 0: none */
	uint8_t bytes[16];       /**< network byte order; IPv4 in the first four */
	unsigned int prefix_len;
	struct dpb_cfg_loc loc;
};

struct dpb_cfg_bond {
	enum dpb_bond_mode mode;
	struct dpb_cfg_loc mode_loc;       /**< the bond-mode line (line 0: default) */
	unsigned int n_members;
	int members[DPB_CFG_MAX_MEMBERS];  /**< iface indices, in slave order */
	struct dpb_cfg_loc members_loc;    /**< the bond-slaves line */
	unsigned int miimon_ms;
	unsigned int updelay_ms;           /**< rounded down to a miimon multiple */
	unsigned int downdelay_ms;         /**< likewise */
	unsigned int peer_notif_delay_ms;  /**< likewise */
	unsigned int num_grat_arp;         /**< bond-num-grat-arp, default 1 */
	int primary;                       /**< iface index, -1 for none */
	char primary_name[DPB_NAME_LEN];   /**< as written, until resolved */
	struct dpb_cfg_loc primary_loc;
	enum dpb_primary_reselect primary_reselect;
	enum dpb_xmit_hash_policy xmit_hash_policy;
	bool all_slaves_active;
	unsigned int packets_per_slave;    /**< balance-rr; 0 = a random member */
	unsigned int hash_buckets;         /**< bond-hash-buckets: 0 = Linux's modulo */
	bool tlb_dynamic_lb;               /**< balance-tlb/alb: by load (1) or by hash (0) */
	bool lacp_fast;                    /**< lacp_rate fast */
	bool lacp_active;                  /**< lacp_active on (default) */
	unsigned int ad_select;            /**< 0 stable, 1 bandwidth, 2 count */
	unsigned int min_links;
	unsigned int ad_actor_sys_prio;    /**< default 65535 */
	bool has_ad_actor_system;
	uint8_t ad_actor_system[6];        /**< default: the bond's MAC */
	unsigned int ad_user_port_key;     /**< 0-1023 */
	bool coupled_control;              /**< 802.3ad mux: default 1 (Linux) */
	bool lacp_dedicated_queue;         /**< bond-lacp-dedicated-queue: rte_flow steering */
	enum dpb_fail_over_mac fail_over_mac; /**< active-backup: the members' MACs on failover */
	/* The ARP (and IPv6 NS) link monitor, instead of miimon when set. */
	unsigned int arp_interval_ms;      /**< 0: off */
	struct dpb_cfg_loc arp_loc;        /**< the bond-arp-interval line */
	unsigned int arp_missed_max;       /**< 1-255, default 2 */
	enum dpb_arp_validate arp_validate;
	bool arp_all_targets;              /**< all targets must answer (else any) */
	unsigned int n_arp_targets;
	uint8_t arp_targets[DPB_CFG_MAX_ARP_TARGETS][4];  /**< IPv4, network order */
	unsigned int n_ns_targets;
	uint8_t ns_targets[DPB_CFG_MAX_ARP_TARGETS][16];  /**< IPv6 */
};

struct dpb_cfg_bridge {
	unsigned int n_ports;
	int ports[DPB_CFG_MAX_BR_PORTS];   /**< iface indices */
	struct dpb_cfg_loc ports_loc;
	bool stp;
	unsigned int fd_s;                 /**< forward delay */
	unsigned int ageing_s;             /**< FDB ageing time, default 300 */
	unsigned int fdb_max;              /**< bridge-fdb-max: MACs the FDB holds; 0: the default (65536) */
	bool vlan_aware;                   /**< bridge-vlan-aware yes */
};

/** VLAN filtering of one bridge port, or a VLAN-aware bridge's defaults. */
struct dpb_cfg_vlan {
	bool has_vids;                   /**< bridge-vids (or trunks=) given */
	bool has_pvid;                   /**< bridge-pvid (or tag=, bridge-access) given */
	uint16_t pvid;                   /**< untagged frames belong to it; sent untagged */
	uint64_t vids[64];               /**< bit per VLAN 1-4094: carried tagged */
	struct dpb_cfg_loc loc;          /**< the first VLAN option's line */
};

struct dpb_cfg_iface {
	char name[DPB_NAME_LEN];
	struct dpb_cfg_loc loc;          /**< its `iface` line (or first mention) */
	bool has_stanza;                 /**< an `iface` stanza defines it */
	bool is_auto;                    /**< named by `auto` or `allow-hotplug` */
	enum dpb_iface_kind kind;
	enum dpb_addr_method inet;       /**< method of its inet stanza (NONE: no such stanza) */
	enum dpb_addr_method inet6;      /**< method of its inet6 stanza */
	char devargs[DPB_CFG_DEVARGS_LEN]; /**< `dpdk-devargs`, or "" */
	struct dpb_cfg_loc devargs_loc;
	unsigned int n_addrs;            /**< `address` lines of every stanza, in file order */
	struct dpb_cfg_addr addrs[DPB_CFG_MAX_ADDRS];
	struct dpb_cfg_addr gateway4;    /**< IPv4 default route via (family 0: none) */
	struct dpb_cfg_addr gateway6;    /**< IPv6 default route via */
	int vlan_raw;                    /**< VLAN: index of the device it is a VLAN of, -1 */
	unsigned int vlan_id;            /**< VLAN: 1-4094 */
	char kernel_kind[16];            /**< KERNEL: what it is ("VXLAN", "VRF", ...) */
	/**
	 * A TAP named like it carries its addresses to the kernel: a bridge's
	 * (after the bridge's ports), or a VLAN's of a VLAN-aware bridge (one of
	 * its ports, an access port of that VLAN).
	 */
	bool host_port;
	unsigned int mtu;                /**< `mtu` as written; 0: not given */
	/**
	 * The MTU it runs with, by Linux's rules: as written, else a bond
	 * member its bond's, a bridge the least of its ports', a VLAN its lower
	 * device's, anything else 1500.
	 */
	unsigned int eff_mtu;
	bool has_hwaddress;              /**< `hwaddress`: a bond's or bridge's MAC */
	uint8_t hwaddress[6];
	int master;                      /**< index of its bond or bridge, -1 */
	bool vhost;                      /**< a VM port: dpbond's vhost-user socket NAME.sock */
	bool vhost_client;               /**< ...that dpbond connects to (QEMU's, server=on) */
	struct dpb_cfg_vlan vlan;        /**< as a bridge port; on a bridge, its ports' defaults */
	unsigned int ad_port_prio;       /**< bond-ad-actor-port-prio (802.3ad member), 0 = 255 */
	union {
		struct dpb_cfg_bond bond;     /**< kind == BOND */
		struct dpb_cfg_bridge bridge; /**< kind == BRIDGE */
	};
};

/** When a hook command runs, as ifupdown2 names its phases. */
#define DPB_HOOK_PHASES(X)        \
	X(PRE_UP, "pre-up")       \
	X(UP, "up")               \
	X(POST_UP, "post-up")     \
	X(PRE_DOWN, "pre-down")   \
	X(DOWN, "down")           \
	X(POST_DOWN, "post-down")

enum dpb_hook_phase {
#define X(id, name) DPB_HOOK_##id,
	DPB_HOOK_PHASES(X)
#undef X
	DPB_HOOK_PHASE_COUNT
};

/** The option word of a phase ("post-up"). */
const char *dpb_hook_phase_name(enum dpb_hook_phase p);

/** A command of an interface's stanza (`post-up CMD`), run through /bin/sh. */
struct dpb_cfg_hook {
	int iface;
	enum dpb_hook_phase phase;
	int family;                      /**< AF_INET/AF_INET6 of its stanza; 0 without family */
	char cmd[DPB_CFG_HOOK_LEN];
	struct dpb_cfg_loc loc;
	/** Its file is owned by root and writable by nobody else; else it is not run. */
	bool trusted;
	char untrusted_why[64];
};

/** An option as written, for the hooks' IF_<OPTION> environment. */
struct dpb_cfg_env {
	int iface;
	char name[40];                   /**< IF_BRIDGE_PORTS */
	char value[256];
};

struct dpb_cfg {
	char run_dir[DPB_CFG_PATH_LEN];  /**< where vhost-user sockets go (/run/dpbond) */
	unsigned int n_mbufs;            /**< the mbuf pool's size (--mbufs); 0: enough for every port */
	unsigned int n_hooks;
	struct dpb_cfg_hook hooks[DPB_CFG_MAX_HOOKS];
	unsigned int n_env;
	struct dpb_cfg_env env[DPB_CFG_MAX_ENV];
	unsigned int n_ifaces;
	struct dpb_cfg_iface ifaces[DPB_CFG_MAX_IFACES];
	unsigned int n_diags;
	unsigned int n_errors;
	unsigned int n_warnings;
	unsigned int n_diags_dropped;    /**< not kept: beyond the limits of DPB_CFG_MAX_DIAGS */
	unsigned int n_warning_diags;    /**< warnings among diags */
	struct dpb_cfg_diag diags[DPB_CFG_MAX_DIAGS];
};

/**
 * Names given a device outside the file (`--port NAME=DEVARGS`): they count
 * as defined ports even without a stanza, and their devargs win.
 */
struct dpb_cfg_port_arg {
	const char *name;
	const char *devargs;
};

/**
 * Reads @p path (and what it sources) into @p cfg, resolves and validates it.
 * @p cfg is overwritten; diagnostics are in cfg->diags in file order.
 * @return 0 when the file is accepted (warnings allowed); -EINVAL when it has
 *   errors; -ENOENT/-EACCES/... when @p path cannot be read (also a diag).
 */
int dpb_cfg_load(struct dpb_cfg *cfg, const char *path,
		 const struct dpb_cfg_port_arg *ports, unsigned int n_ports);

/** Prints each diagnostic as "file:line: error|warning: message". */
void dpb_cfg_print_diags(const struct dpb_cfg *cfg, FILE *out);

/** Room for a diagnostic's text: its file, line, severity and message. */
#define DPB_CFG_DIAG_TEXT_LEN (DPB_CFG_PATH_LEN + 300)

/**
 * Writes diagnostic @p d as "file:line: error|warning: message" (without the
 * line's number when it is about the file as a whole), no newline, into
 * @p buf of @p len bytes (DPB_CFG_DIAG_TEXT_LEN holds any). Any thread.
 * @return what snprintf returns.
 */
int dpb_cfg_diag_format(const struct dpb_cfg_diag *d, char *buf, size_t len);

/** Prints the resolved model (bonds, bridges, ports) for `--check`. */
void dpb_cfg_dump(const struct dpb_cfg *cfg, FILE *out);

/**
 * Adds the vhost-user VM port @p spec to bridge @p bridge (an iface index),
 * after its other ports: a new interface, or one that an earlier removal
 * left unused. @p spec is NAME, NAME:tag=VLAN (an access port, as Proxmox's
 * tag=) or NAME:trunks=LIST (VLANs `10;20;30-40`, as Proxmox's trunks=);
 * VLANs need a VLAN-aware bridge. Pure; the caller owns @p cfg.
 * @return the port's iface index, or -EINVAL (not a bridge, a bad name or
 *   VLAN spec), -EEXIST (the name is another interface's), -ENOSPC (too many
 *   interfaces or bridge ports).
 */
int dpb_cfg_add_vhost_port(struct dpb_cfg *cfg, int bridge, const char *spec);

/**
 * A VM port, NAME[:OPTION[,OPTION]] (as dpb_cfg_add_vhost_port takes), into
 * @p name, @p vlan and @p client. Options: tag=VLAN or trunks=LIST (one of
 * them; VLANs need @p vlan_aware), and client (dpbond connects to the
 * socket, which QEMU serves: server=on). Pure.
 * @return 0, or -EINVAL (a bad name, option or VLAN list).
 */
int dpb_cfg_vhost_spec(const char *spec, bool vlan_aware, char name[DPB_NAME_LEN],
		       struct dpb_cfg_vlan *vlan, bool *client);

/** Whether @p name may name an interface (1-15 bytes; no `/ : , =`, whitespace, control characters; not `.` or `..`). Pure. */
bool dpb_cfg_valid_name(const char *name);

/** Whether VLAN @p vid (1-4094) is set in @p vids. Any thread. */
static inline bool dpb_cfg_vid_isset(const uint64_t vids[64], unsigned int vid)
{
	return vid < 4096 && (vids[vid / 64] >> (vid % 64) & 1);
}

/**
 * Parses a VLAN list: numbers 1-4094 and ranges A-B, separated by spaces,
 * commas or semicolons, into @p vids (added to what is there).
 * @return 0, or -EINVAL at the first bad item.
 */
int dpb_cfg_parse_vids(const char *list, uint64_t vids[64]);

/**
 * The VLANs of bridge port @p iface as its VLAN-aware bridge applies them:
 * its own bridge-pvid/bridge-vids, else the bridge's (pvid 1 by default),
 * the pvid always among the vids. For the bridge itself (its host port):
 * the bridge's pvid only. Pure.
 */
void dpb_cfg_port_vlans(const struct dpb_cfg *cfg, int iface, uint16_t *pvid,
			uint64_t vids[64]);

/**
 * The VLANs a port of a VLAN-aware bridge applies: its own options @p own
 * (NULL for the bridge's own host port), else the bridge's defaults @p def
 * (pvid 1 unless given), the pvid always among the vids. Pure.
 */
void dpb_vlan_apply(const struct dpb_cfg_vlan *own, const struct dpb_cfg_vlan *def, uint16_t *pvid,
		    uint64_t vids[64]);

/** @p pvid and @p vids as `bridge vlan show` lists them, into @p buf (see dpb_cfg_vlan_list). Pure. */
void dpb_vlan_format(uint16_t pvid, const uint64_t vids[64], char *buf, size_t len);

/**
 * The VLANs of bridge port @p iface as `bridge vlan show` lists them, into
 * @p buf: "5 PVID Egress Untagged, 10-20" (the pvid, then the tagged ones
 * in ranges). Pure.
 */
void dpb_cfg_vlan_list(const struct dpb_cfg *cfg, int iface, char *buf, size_t len);

/**
 * Takes port @p iface out of its bridge; the ports after it move down one.
 * The interface stays, unused, so that its name and counters come back with
 * it. Pure. @return the position it had in the bridge, or -ENOENT.
 */
int dpb_cfg_remove_bridge_port(struct dpb_cfg *cfg, int iface);

/**
 * Gives no interface a host port (`--no-host-ports`): the bridges' and the
 * VLANs' addresses stay wherever the kernel has them. Pure.
 */
void dpb_cfg_drop_host_ports(struct dpb_cfg *cfg);

/**
 * Whether iface @p i is one dpbond brings up and down (so its hook commands
 * are dpbond's to run): a bond, a bridge, a port in either, a VLAN host port.
 * Pure.
 */
bool dpb_cfg_owned(const struct dpb_cfg *cfg, int i);

/**
 * Whether bond or port @p i has VLAN interfaces dpbond drives (a host port
 * on one, or one in a bridge). Pure.
 */
bool dpb_cfg_has_vlans(const struct dpb_cfg *cfg, int i);

/**
 * Whether slot @p i holds no interface: past the end, left empty by a
 * reload (no name), or a VM port removed at run time. Pure.
 */
bool dpb_cfg_slot_unused(const struct dpb_cfg *cfg, int i);

/**
 * Renumbers @p next so that every interface it shares by name with what
 * runs (@p running: the names of slots 0..@p n_running - 1, "" for a free
 * one) has that slot's index; a new name takes the first free slot (not
 * one a running name holds: that one is free after this reload), and an
 * index whose name @p next lacks becomes an unused slot (no name, kind
 * KERNEL). Members, ports, masters, VLAN devices, hooks and options
 * follow. Pure.
 * @return 0; -ENOSPC (the running names and the new ones need more than
 *   DPB_CFG_MAX_IFACES slots) or -ENOMEM, @p next unchanged.
 */
int dpb_cfg_align(struct dpb_cfg *next, const char (*running)[DPB_NAME_LEN], unsigned int n_running);

/** Index of the iface named @p name, or -1. */
int dpb_cfg_find(const struct dpb_cfg *cfg, const char *name);

#endif
