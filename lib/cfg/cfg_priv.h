/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CFG_PRIV_H
#define DPB_CFG_PRIV_H

/* Internal to lib/cfg: the parser's working state. */

#include "dpb_cfg.h"

#define CFG_RAW_LEN 1024
#include <sys/types.h>

#define CFG_MAX_DEPTH 8
/* What one load may read, so that every input ends in bounded time and memory. */
#define CFG_MAX_FILE_BYTES (1u << 20)   /* one file */
#define CFG_MAX_FILES 256               /* files read, counting a file read twice twice */

/* What a stanza said before names could be resolved. */
struct cfg_raw {
	char slaves[CFG_RAW_LEN];        /* bond-slaves, as written */
	bool has_slaves;
	char bridge_ports[CFG_RAW_LEN];  /* bridge-ports, as written */
	bool has_bridge_ports;
	char vhost_ports[CFG_RAW_LEN];   /* bridge-vhost-ports, as written */
	struct dpb_cfg_loc vhost_loc;
	char master[DPB_NAME_LEN];       /* bond-master */
	struct dpb_cfg_loc master_loc;
	struct dpb_cfg_loc updelay_loc, downdelay_loc, peer_notif_loc;
	struct dpb_cfg_loc stp_loc, fd_loc, kind_loc;
	bool typeless;                   /* an `iface NAME` stanza without family */
	struct dpb_cfg_loc mtu_loc, hwaddress_loc;
	int bare_addr;                   /* the last address written without /LEN, + 1 (0: none) */
	char vlan_raw[DPB_NAME_LEN];     /* vlan-raw-device, as written */
	struct dpb_cfg_loc vlan_loc;
	bool has_vlan_id;
	unsigned int vlan_id;            /* vlan-id */
};

/* A single-valued option seen for an interface: later lines do not change it. */
struct cfg_seen {
	int iface;
	const char *opt;                 /* the table's spelling */
	struct dpb_cfg_loc loc;
};

#define CFG_MAX_SEEN 1024

/* A warning about an option, given only if its interface turns out dpbond's. */
struct cfg_note {
	int iface;
	struct dpb_cfg_loc loc;
	char msg[200];
};

#define CFG_MAX_NOTES 256

struct cfg_parser {
	struct dpb_cfg *cfg;
	struct cfg_raw raw[DPB_CFG_MAX_IFACES];
	int cur;                          /* iface of the open stanza, or -1 */
	int cur_family;                   /* its AF_INET/AF_INET6, 0 without family */
	bool skipping;                    /* inside a stanza we do not read */
	int depth;                        /* `source` nesting */
	struct { dev_t dev; ino_t ino; } reading[CFG_MAX_DEPTH]; /* the files being read */
	unsigned int n_files;             /* files read so far */
	const struct dpb_cfg_port_arg *port_args;
	unsigned int n_port_args;
	unsigned int n_seen;
	struct cfg_seen seen[CFG_MAX_SEEN];
	unsigned int n_notes;
	struct cfg_note notes[CFG_MAX_NOTES];
};

void cfg_diag(struct dpb_cfg *cfg, enum dpb_diag_severity sev,
	      const struct dpb_cfg_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A warning about an option of iface @i, given at the end only if @i is
 * dpbond's (the options of what it leaves to the kernel are not its to judge). */
void cfg_note(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Gives the notes of interfaces that are dpbond's, in file order. */
void cfg_flush_notes(struct cfg_parser *p);

/* Index of @name, created (without stanza) if new; -1 when the table is full
 * or the name is invalid (a diagnostic is recorded at @loc). */
int cfg_iface_get(struct dpb_cfg *cfg, const char *name, const struct dpb_cfg_loc *loc);

/* Makes iface @i a bond or a bridge with their defaults. @return 0, or -EINVAL
 * when it is already the other kind (diagnostic recorded). */
int cfg_set_kind(struct cfg_parser *p, int i, enum dpb_iface_kind kind,
		 const struct dpb_cfg_loc *loc);

/* Applies one option line of the open stanza. */
void cfg_option(struct cfg_parser *p, const struct dpb_cfg_loc *loc,
		const char *opt, char *value);

/* cfg_vlan.c: option handlers, the check after resolution, VM port VLAN specs. */
void cfg_opt_vids(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc, const char *opt,
		  const char *val);
void cfg_opt_pvid(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc, const char *opt,
		  const char *val);
void cfg_resolve_vlans(struct cfg_parser *p);
/* Applies "tag=N" or "trunks=LIST" to VM port @f. @return 0 or -EINVAL. */
int cfg_vhost_vlan_spec(struct dpb_cfg_iface *f, const char *opts);

/* cfg_vlanif.c: VLAN interfaces (NAME.VID, vlan-raw-device). */
/* Makes each interface named or configured as a VLAN one (kind VLAN). */
void cfg_classify_vlans(struct cfg_parser *p);
/* Index of @name; a NAME.VID without stanza is made (a VLAN). -1 if unknown. */
int cfg_vlan_lookup(struct cfg_parser *p, const char *name, const struct dpb_cfg_loc *loc);
/* Settles each VLAN interface once bridges are known (host ports on VLAN-aware bridges). */
void cfg_resolve_vlan_ifaces(struct cfg_parser *p);
/* Refuses more VLAN interfaces of bonds and NICs than the datapath's tables hold. */
void cfg_check_vlan_limits(struct cfg_parser *p);
/* Whether @f has addresses (or a dhcp/auto method) for a host port to carry. */
bool cfg_wants_host_port(const struct dpb_cfg_iface *f);

/* cfg_hooks.c: a hook command line of the open stanza; every option for IF_* variables. */
void cfg_hook(struct cfg_parser *p, const struct dpb_cfg_loc *loc, enum dpb_hook_phase phase,
	      const char *cmd);
void cfg_env(struct cfg_parser *p, const char *opt, const char *value);
/* Warns of the hooks of interfaces dpbond does not own (they are not run). */
void cfg_check_hooks(struct cfg_parser *p);

/* cfg_arpmon.c: the ARP/NS monitor's and fail_over_mac's options, and their checks. */
void cfg_opt_arp_interval(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val);
void cfg_opt_arp_targets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			 const char *opt, const char *val);
void cfg_opt_ns_targets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val);
void cfg_opt_arp_validate(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val);
void cfg_opt_arp_all_targets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val);
void cfg_opt_arp_missed_max(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			    const char *opt, const char *val);
void cfg_opt_fail_over_mac(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			   const char *opt, const char *val);
/* Checks bond @i's monitor against its mode and miimon, as Linux applies them. */
void cfg_check_arpmon(struct cfg_parser *p, int i);

/* cfg_mtu.c: every interface's MTU by Linux's rules (after bonds, bridges, VLANs). */
void cfg_resolve_mtus(struct cfg_parser *p);

/* Resolves names into indices and checks the whole model. */
void cfg_resolve(struct cfg_parser *p);

/* Index of @val in @words, or @val as a number below @n (Linux accepts both).
 * @return the index, or -1. The bond's vocabulary does it (dpb_bond_vocab.h). */
#define cfg_word_index dpb_bond_word_index

/* An option's number in [min, max], or an error diagnostic at @loc. @return whether it was one. */
bool cfg_get_uint(struct cfg_parser *p, const struct dpb_cfg_loc *loc, const char *opt,
		  const char *val, unsigned int min, unsigned int max, unsigned int *out);
/* Parses an unsigned decimal number in [min, max]. @return 0 or -EINVAL. */
int cfg_parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out);

#endif
