/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_PVE_H
#define DPB_PVE_H

/**
 * @file
 * A Proxmox VM's configuration (/etc/pve/qemu-server/VMID.conf, qm.conf(5))
 * as dpbond needs it: its network devices (`netN:` lines) and its memory,
 * turned into dpbond VM ports and the QEMU arguments that plug the VM into
 * them over vhost-user. Pure: text in, model and text out.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dpb_strbuf.h"

#define DPB_PVE_MAX_NETS 32        /**< net0 .. net31, as Proxmox allows */
#define DPB_PVE_NAME_LEN 16        /**< an interface name: 15 bytes and the NUL */

/** One `netN:` line. */
struct dpb_pve_net {
	unsigned int index;            /**< N */
	unsigned int line;             /**< where it is in the file */
	char model[16];                /**< virtio, e1000, ... */
	bool has_mac;
	uint8_t mac[6];
	char bridge[DPB_PVE_NAME_LEN];
	unsigned int tag;              /**< access VLAN; 0: none */
	char trunks[128];              /**< `10;20;30-40` as written; "": none */
	unsigned int mtu;              /**< 0: not given; 1: the bridge's */
	unsigned int queues;           /**< 0: not given (one pair) */
	bool firewall;                 /**< Proxmox's firewall on this NIC */
	bool link_down;
	bool rate;                     /**< a rate limit was given */
	bool moved;                    /**< kept in the description (dpb_pve_move), not a netN line */
	char value[256];               /**< the line's value as written */
};

/** What dpbond reads of a VM's configuration. */
struct dpb_pve_vm {
	unsigned int vmid;
	unsigned int memory_mb;        /**< `memory:`, default 512 */
	unsigned int hugepages_mb;     /**< `hugepages:` 2 or 1024 (any: 2); 0: none */
	bool numa;                     /**< `numa: 1` */
	char args[4096];               /**< `args:`, QEMU's extra arguments ("": none) */
	char description[8200];        /**< the description (decoded; Proxmox takes 8 KiB), but dpbond's lines */
	char hookscript[256];          /**< `hookscript:` ("": none) */
	unsigned int n_nets;
	struct dpb_pve_net nets[DPB_PVE_MAX_NETS]; /**< in file order */
};

/**
 * Reads VM @p vmid's configuration @p text (the file @p file, for messages)
 * into @p vm: the current section only (snapshots and pending changes, in
 * `[...]` sections, are not what runs). The description (the leading `#`
 * lines, which Proxmox writes %-encoded) is read too: a line `dpbond netN:
 * VALUE` there is a net that dpb_pve_move() took out of Proxmox's way, read
 * as a netN line. Any thread. @return 0, or -EINVAL with "FILE:LINE: ..."
 * in @p err (a net that cannot be read, or netN both there and moved).
 */
int dpb_pve_parse(const char *text, const char *file, unsigned int vmid, struct dpb_pve_vm *vm,
		  struct dpb_strbuf *err);

/** The dpbond VM port of @p net: Proxmox's own tap name, tap<VMID>i<N>, into @p name. */
void dpb_pve_port_name(const struct dpb_pve_vm *vm, const struct dpb_pve_net *net,
		       char name[DPB_PVE_NAME_LEN]);

/**
 * The VM ports to add, one `BRIDGE NAME:[tag=T,|trunks=LIST,]client` line
 * each (as `add bridge port BRIDGE vhost SPEC` takes them: clients of the
 * sockets QEMU serves), for the nets on bridges
 * @p is_ours says dpbond serves (NULL: every bridge). What a port does not
 * carry over (a rate limit, link_down) is said in @p notes, one line each;
 * Proxmox's firewall too when @p unfiltered_ok, else it refuses. Any thread.
 * @return how many ports, or -EINVAL with why in @p notes: a model other
 * than virtio (vhost-user is virtio's), tag= and trunks= together (a VM
 * port takes one of them), firewall=1 without @p unfiltered_ok.
 */
int dpb_pve_ports(const struct dpb_pve_vm *vm, bool (*is_ours)(const char *bridge, void *ctx),
		  void *ctx, bool unfiltered_ok, struct dpb_strbuf *ports, struct dpb_strbuf *notes);

/**
 * The QEMU arguments that plug the VM's nets on dpbond's bridges into its
 * VM ports under @p run_dir: the VM's memory as one shared NUMA node
 * (memfd: vhost-user needs the backend to see guest memory), then per net
 * a chardev that serves RUN_DIR/NAME.sock (dpbond's port connects to it),
 * a vhost-user netdev and a virtio-net-pci device with
 * the VM's MAC, host_mtu and queues. One argument a line, in order. Any
 * thread. @return how many nets, or -EINVAL with why in @p notes (`numa: 1`:
 * Proxmox's own NUMA nodes would clash; `hugepages:`, which Proxmox gives
 * only with `numa: 1`).
 */
int dpb_pve_qemu_args(const struct dpb_pve_vm *vm, const char *run_dir,
		      bool (*is_ours)(const char *bridge, void *ctx), void *ctx,
		      struct dpb_strbuf *args, struct dpb_strbuf *notes);

/**
 * One `qm set VMID` that changes where a VM's nets on dpbond's bridges are
 * kept: --delete DEL, --netN VALUE for each of @p set, --description, and
 * --args unless "args" is in DEL.
 */
struct dpb_pve_change {
	char del[512];                   /**< "net0,net2", comma separated; "": nothing */
	unsigned int n_set;
	struct {
		unsigned int index;
		const char *value;       /**< the VM model's, as written */
	} set[DPB_PVE_MAX_NETS];
	struct dpb_strbuf description;   /**< the description as it is to be (decoded) */
	struct dpb_strbuf args;          /**< QEMU's args as they are to be */
};

/** Empties @p ch (before dpb_pve_move or dpb_pve_back). */
void dpb_pve_change_init(struct dpb_pve_change *ch);
/** Frees what @p ch holds. */
void dpb_pve_change_free(struct dpb_pve_change *ch);

/**
 * Takes the VM's nets on bridges @p is_ours says are dpbond's out of
 * Proxmox's way (which would plug them into a Linux bridge): each netN line
 * goes (--delete) and becomes a description line `dpbond netN: VALUE` that
 * dpb_pve_parse() reads as the net; the args become the VM's own (dpbond's
 * earlier ones dropped) and dpb_pve_qemu_args(). Nets moved before stay.
 * Any thread. @return how many nets move now (0: none, but the args may
 * still change), or -EINVAL with why in @p notes (as dpb_pve_qemu_args).
 */
int dpb_pve_move(const struct dpb_pve_vm *vm, const char *run_dir,
		 bool (*is_ours)(const char *bridge, void *ctx), void *ctx,
		 struct dpb_pve_change *ch, struct dpb_strbuf *notes);

/**
 * Puts the nets dpb_pve_move() moved back into netN lines, as they were
 * written; the description and args lose dpbond's (emptied ones deleted),
 * and a hookscript named dpbond-pve goes. Any thread. @return how many nets
 * come back.
 */
int dpb_pve_back(const struct dpb_pve_vm *vm, struct dpb_pve_change *ch);

#endif
