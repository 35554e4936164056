/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_CTL_PRIV_H
#define DPB_CTL_PRIV_H

/* Internal to lib/ctl. */

#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "dpb_bond.h"
#include "dpb_ctl.h"
#include "dpb_fdb.h"
#include "dpb_fwd.h"
#include "dpb_lacp.h"
#include "dpb_load.h"
#include "dpb_log.h"
#include "dpb_numa.h"
#include "dpb_port.h"
#include "dpb_rlb.h"

#define CTL_MAX_PORTS RTE_MAX_ETHPORTS
/* balance-tlb/alb rebalancing interval: Linux's BOND_TLB_REBALANCE_INTERVAL. */
#define CTL_REBALANCE_MS 10000
/* A run-time VM port's spec as kept over restarts (longer ones are not kept). */
#define DPB_VM_SPEC_LEN 256

/*
 * The runtime model: what runs, built from the file's model (c->file) at
 * start and by each reload, changed by the console (VM ports). An
 * interface's index is its slot: the workers' counters, the snapshot and
 * the file's model (aligned to it by each reload) all use it.
 */
struct ctl_iface {
	char name[DPB_NAME_LEN];         /* "": a free slot */
	enum dpb_iface_kind kind;
	int master;                      /* slot of its bond or bridge, -1 */
	int port;                        /* its device: c->ports index, -1 */
	int bond;                        /* c->bonds index, -1 */
	int bridge;                      /* c->bridges index, -1 */
	bool vhost;                      /* a VM port */
	bool vhost_client;               /* ...whose socket is QEMU's: dpbond connects */
	bool added;                      /* a VM port the console added: no stanza in c->file */
	char vm_spec[DPB_VM_SPEC_LEN];   /* ...as it was given (NAME[:OPTIONS]), kept in RUN_DIR/vm-ports */
	bool host_port;                  /* a TAP with its addresses (a bridge's, a VLAN's) */
	unsigned int mtu;                /* the MTU it runs with */
	int vlan_raw;                    /* a VLAN interface: its device's slot, -1 */
	unsigned int vlan_id;
	struct dpb_cfg_vlan vlan;        /* as a bridge port; a bridge: its ports' defaults */
};

struct ctl_bond {
	int iface;                       /* slot */
	struct dpb_cfg_bond conf;        /* the settings it was built with (members: slots) */
	struct dpb_bond bond;
	int member_iface[DPB_BOND_MAX_MEMBERS]; /* slot of each member */
	int member_port[DPB_BOND_MAX_MEMBERS]; /* index into ctl->ports */
	unsigned int events_logged;
	uint64_t tlb_seen[DPB_FWD_TLB_BUCKETS]; /* tlb_bytes at the last rebalance */
	struct dpb_ctl *ctl;                     /* back pointer, for LACP's send */
	struct dpb_lacp *lacp;                   /* 802.3ad only */
	struct dpb_lacp_params lacp_params;
	unsigned int min_links;
	uint64_t marker_rx[DPB_BOND_MAX_MEMBERS], marker_tx[DPB_BOND_MAX_MEMBERS];
	uint64_t illegal_rx[DPB_BOND_MAX_MEMBERS], unknown_rx[DPB_BOND_MAX_MEMBERS];
	uint64_t slow_errors[DPB_SLOW_ERR_COUNT];  /* illegal PDUs by reason */
	uint64_t lacp_tx_lost;                   /* LACPDUs not sent: no mbuf or ring full */
	/* Peer notification after the members carrying MACs changed. */
	unsigned int notify_left;                /* rounds still to send */
	bool notify_all;                         /* every MAC moved (else: notify_moved's) */
	uint64_t notify_moved[DPB_FWD_TLB_BUCKETS / 64]; /* tlb/alb: buckets that moved */
	uint64_t notify_next_ms;
	unsigned int notify_br, notify_port;     /* a round under way: where it goes on */
	uint32_t notify_slot;
	uint64_t notify_rounds, notify_rarp, notify_garp, notify_na, notify_lost;
	uint64_t notify_last_ms;                 /* when the last round went; 0: never */
	/* ARP/NS monitor (ctl_arpmon.c): each target's probe source, what members look for. */
	struct ctl_arp_src {
		uint8_t addr[16];                /* IPv4 in the first four; zero: none */
		uint16_t vlan;                   /* tag on the bond, 0: untagged */
		int host;                        /* the host port (slot) it is of, -1 */
	} arp_src[DPB_BOND_MAX_TARGETS];
	struct dpb_fwd_arpmon arpmon;
	uint64_t arp_probes, arp_probes_lost;
	struct dpb_mac member_mac[DPB_BOND_MAX_MEMBERS]; /* what each member device was given */
	/* balance-alb's receive load balancing (ctl_rlb.c); NULL when not applied. */
	struct dpb_rlb *rlb;
	struct dpb_mac rlb_host_mac;             /* the host port's MAC, from its replies */
	uint64_t rlb_replies, rlb_updates, rlb_lost;
	uint64_t rlb_next_update_ms;             /* the next round of client updates; 0: none */
};

struct ctl_bridge {
	int iface;                       /* slot */
	bool vlan_aware;
	unsigned int n_ports;            /* its ports' slots, by position (the host port after) */
	int ports[DPB_CFG_MAX_BR_PORTS];
	struct dpb_fdb *fdb;
	uint64_t ageing_ms;
	uint32_t age_cursor;             /* where the next ageing slice starts */
	uint64_t learned;                /* new entries */
	uint64_t moved;                  /* entries that changed port */
};

/* Plain sums of the workers' counters for one interface. */
struct ctl_sums {
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	uint64_t drops[DPB_DROP_COUNT];
};

struct dpb_ctl {
	/* The file as last applied: the settings of the interfaces it defines
	 * (addresses, hooks, bond options), never changed at run time. */
	struct dpb_cfg file;
	char run_dir[DPB_CFG_PATH_LEN];
	unsigned int n_ifs;
	struct ctl_iface ifs[DPB_CFG_MAX_IFACES];
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t next_tick_tsc;
	bool tick_rest_due;                     /* a tick published: its rest at the next turn */
	unsigned int n_ports;
	struct dpb_port ports[CTL_MAX_PORTS];
	bool port_down[CTL_MAX_PORTS];          /* a bridge port (not a member) whose link is down */
	unsigned int n_bonds;
	struct ctl_bond bonds[DPB_FWD_MAX_BONDS];
	unsigned int n_bridges;
	struct ctl_bridge bridges[DPB_FWD_MAX_BRIDGES];
	struct rte_mempool *pool;               /* the main lcore's node's: control frames, VM ports */
	struct rte_mempool *pools[DPB_NUMA_MAX_NODES]; /* by NUMA node; NULL: none there */
	struct dpb_numa_layout numa;            /* the main lcore's and each poller's node */
	unsigned int n_workers;                 /* worker lcores; 0: main forwards */
	struct dpb_worker *workers[RTE_MAX_LCORE];
	unsigned int n_pollers;                 /* workers, or 1 (the main lcore) */
	struct rte_rcu_qsbr *qsbr;
	_Atomic(struct dpb_fwd_snapshot *) snap;
	uint64_t generation;
	bool forwarding;
	bool hooks_up;                /* up hooks ran: down hooks run at the end */
	bool handover;                /* the exit leaves the host ports' TAPs to the next dpbond */
	uint64_t learn_lost_base;     /* learning requests lost before `clear port stats all` */
	/* Worker load (ctl_load.c). The main lcore forwarding itself: the TSC
	 * cycles of its control work, and when its last poll ended (0: none). */
	uint64_t ctl_tsc;
	uint64_t main_poll_end;
	struct dpb_load load_base[RTE_MAX_LCORE]; /* each poller's at `clear worker stats` */
	uint64_t load_base_tsc;                   /* when (the start: 0) */
	bool took_over;               /* started on a previous dpbond's host ports: no up hooks */
	bool taps_removed;            /* a real quit: the TAPs are gone, and their list */
	bool restoring;               /* ctl_vm_restore runs: ctl_vm_save waits for it */
	bool dirty;                             /* a new snapshot is needed */
	uint64_t last_age_ms;                   /* the last ageing slice */
	uint64_t next_rebalance_ms;
	uint64_t next_port_poll_ms;
	uint64_t rlb_requests_seen;             /* the workers' rlb_host_requests, summed */
	uint64_t rlb_forward_lost;              /* host ARP replies rlb could not pass on */
	struct ctl_sums base[DPB_CFG_MAX_IFACES]; /* at the last `clear` */
	/* Frames the control lcore took from the punt rings and dropped (slow-malformed,
	 * slow-unknown), per interface: one writer, the control lcore. */
	_Atomic uint64_t ctl_drops[DPB_CFG_MAX_IFACES][DPB_DROP_COUNT];
	struct ctl_status *status;              /* --status-dir, --prom-file; NULL: neither */
	uint64_t warp_ms;                       /* the clock's lead on the wall clock (tests) */
	bool warp_allowed;                      /* --test-clock */
};

/* ctl_load.c */
/* Poller @w's load since the start or `clear worker stats`. */
void ctl_worker_load(const struct dpb_ctl *c, unsigned int w, struct dpb_load *l);
/* The main lcore forwards itself (no worker lcores): its one poller. */
bool ctl_main_forwards(const struct dpb_ctl *c);

/* ctl_model.c: the runtime model's interfaces. */
/* Slot @i's structure as the file (c->file) has it; its port, bond and bridge are kept. */
void ctl_iface_from_file(struct dpb_ctl *c, int i);
/* Every slot from the file, with no port, bond or bridge yet. */
void ctl_model_init(struct dpb_ctl *c);
/* A slot for a new interface @name (a console's VM port): the one a removed
 * VM port of that name left, else a free one. @return it, -EEXIST (@name
 * runs) or -ENOSPC. */
int ctl_iface_new(struct dpb_ctl *c, const char *name);
/* The slot of the interface named @name, or -1. */
int ctl_find_name(const struct dpb_ctl *c, const char *name);
/* Slot @i's position in its bridge (the bridge's host port: after the
 * ports), with the bridge's index in @bridge. @return it, or -1 (no bridge). */
int ctl_bridge_position(const struct dpb_ctl *c, int i, int *bridge);
/* The VLANs bridge port (or host port) @i carries on its VLAN-aware bridge. */
void ctl_port_vlans(const struct dpb_ctl *c, int i, uint16_t *pvid, uint64_t vids[64]);
/* Those VLANs as `bridge vlan show` lists them. */
void ctl_vlan_list(const struct dpb_ctl *c, int i, char *buf, size_t len);

/* ctl_announce.c */
/* Schedules announcements for each bond whose transmitting members changed. */
void ctl_announce_changes(struct dpb_ctl *c, const struct dpb_fwd_snapshot *old,
			  const struct dpb_fwd_snapshot *now_snap, uint64_t now);
/* Sends the rounds that are due, each a slice a tick. */
void ctl_announce_tick(struct dpb_ctl *c, uint64_t now);
/* A round under way starts from the first bridge again (members or bridges changed). */
void ctl_announce_restart(struct ctl_bond *cb);
/* One line of announcement counters for @p cb. */
void ctl_announce_show(const struct ctl_bond *cb, struct dpb_strbuf *out);

/* ctl.c */
/* Finds or probes the device of slot @iface: the file's device, a VM port's
 * vhost-user server, a host port's TAP. @return 0 or -errno. */
int ctl_attach_port(struct dpb_ctl *c, int iface);
/* Stops and closes port @p; a host port's persistent TAP goes too, but at a
 * handover. The caller forgets @p. */
void ctl_port_close(struct dpb_ctl *c, struct dpb_port *p);
/* bond-lacp-dedicated-queue: member port @p of bond @bond (a slot) gets LACP on
 * an rx queue of its own by rte_flow (stopped and started for it: before any
 * worker polls it). @return 0 (steered, or the software path with a warning)
 * or -EIO (the device was left unusable). */
int ctl_steer_member(struct dpb_ctl *c, struct dpb_port *p, int bond);
/* The device arguments of slot @iface when it is not a VM port: a host
 * port's TAP unless the file names another device, else the file's. */
void ctl_device_devargs(const struct dpb_ctl *c, int iface, char *buf, size_t len);
/* mbufs a port (@vhost: a VM port) may hold in the pool: what it is sized by. */
unsigned int ctl_port_mbufs(const struct dpb_ctl *c, bool vhost);
/* What device slot @i of @cfg needs. */
enum { CTL_PORT_NONE, CTL_PORT_DEVICE, CTL_PORT_HOST_IN_BRIDGE, CTL_PORT_HOST };
int ctl_wants_port(const struct dpb_cfg *cfg, int i);
/* Bond @iface of c->file built in @cb (its final place: LACP keeps the pointer),
 * with the members that have a device; its MAC the file's hwaddress, else
 * @addr (a bond built again keeps its MAC, as Linux's), else its first
 * member's. @return 0 or -errno. */
int ctl_bond_build(struct dpb_ctl *c, struct ctl_bond *cb, int iface, uint64_t now,
		   const struct dpb_mac *addr);
/* Bridge @iface's settings and ports (the file's) into @br. */
void ctl_bridge_settings(const struct dpb_ctl *c, struct ctl_bridge *br, int iface);
/* Bridge @iface of the file built in @br, with an empty FDB. @return 0 or -ENOMEM. */
int ctl_bridge_build(struct dpb_ctl *c, struct ctl_bridge *br, int iface);
/* Each device @cfg puts in a bond or bridge has one; else `file:line: error:` in @out
 * (NULL: the log). @return 0 or -ENODEV. */
int ctl_check_devices(const struct dpb_cfg *cfg, struct dpb_strbuf *out);

/* ctl_numa.c: the mbuf pools, one per NUMA node, and the rx queues to workers of their node. */
/* The node port @p's frames live on (the main lcore's for a virtual device). */
int ctl_port_node(const struct dpb_ctl *c, const struct dpb_port *p);
/* The pool port @p's rx queues fill from: its node's, else (a node that had
 * no pool at start) the main lcore's. */
struct rte_mempool *ctl_port_pool(const struct dpb_ctl *c, const struct dpb_port *p);
/* The pools for the attached ports and the workers (c->numa), each sized by
 * what it feeds or by --mbufs (each pool that many); c->pool and each
 * worker's pool set. @return 0, -EINVAL or -ENOMEM (logged). */
int ctl_pools_create(struct dpb_ctl *c);
/* Port @p's node has no worker lcore: a warning, once per port. */
void ctl_numa_check_port(const struct dpb_ctl *c, struct dpb_port *p);
/* Every rx queue of the running ports to a poller of its port's node (lib/numa). */
void ctl_numa_assign_queues(const struct dpb_ctl *c, struct dpb_fwd_snapshot *s);
/* After every lcore stopped: the caches flushed, each pool checked full and
 * freed, the sum logged. @return 0, or -EIO when mbufs are missing. */
int ctl_pools_free(struct dpb_ctl *c);
/* The free mbufs of the emptiest pool, its name in @name (unset when no pool). */
unsigned int ctl_pools_min_avail(const struct dpb_ctl *c, const char **name);

/* ctl_vm.c */
/* VM port @iface's devargs, in @buf: its vhost-user socket under the run
 * directory, dpbond's (server), or QEMU's (client=1) for a client port. */
void ctl_vm_devargs(struct dpb_ctl *c, int iface, char *buf, size_t len);

/* ctl_host_keep.c: the host ports' TAPs, in RUN_DIR/host-ports. */
/* Writes their names (none, or after a real quit: no file). */
void ctl_host_ports_save(const struct dpb_ctl *c);
/* Removes the TAPs listed there that the file no longer has (at start). */
void ctl_host_ports_sweep(const struct dpb_ctl *c);

/* ctl_vm_keep.c: the VM ports added at run time, in RUN_DIR/vm-ports. */
/* Writes them (after every change). */
void ctl_vm_save(const struct dpb_ctl *c);
/* Adds again those a previous dpbond kept (at start). */
void ctl_vm_restore(struct dpb_ctl *c);
/* Configures and starts an attached port (a VM port's socket made 0600). */
int ctl_port_up(struct dpb_ctl *c, struct dpb_port *p);
/* VM port @i leaves its bridge (the ports after it move down one; what the
 * bridge learned from there on is forgotten). @return the bridge's index, or -ENOENT. */
int ctl_vm_port_leave(struct dpb_ctl *c, int i);
/* Polls the links of bridge ports that are not bond members (VMs, host ports). */
void ctl_poll_bridge_links(struct dpb_ctl *c, uint64_t now);

/* ctl_hooks.c: the file's hook commands of @phase, for the interfaces dpbond owns. */
void ctl_run_hooks(const struct dpb_ctl *c, enum dpb_hook_phase phase);
/* Those of @cfg's interfaces marked in @only (by index; NULL: all). */
void ctl_run_hooks_of(const struct dpb_cfg *cfg, enum dpb_hook_phase phase, const bool *only);

/* ctl_host.c */
/* A device with a kernel side (a TAP): that side takes the port's MTU too. */
void ctl_kernel_mtu(const struct dpb_port *p);
/* The host port's position changed: its permanent FDB entry follows. */
void ctl_host_port_moved(struct dpb_ctl *c, struct ctl_bridge *br);
/* A bridge's host port, if it has one: MAC, permanent FDB entry, kernel address. */
int ctl_host_port_init(struct dpb_ctl *c, struct ctl_bridge *br);

/* The host ports of VLANs of bonds and NICs (bond0.60): MAC and kernel addresses. */
int ctl_vlan_host_ports_init(struct dpb_ctl *c);
/* Host port @iface, new to a running bridge or bond: its MAC, FDB entry and addresses. @return 0 or -errno. */
int ctl_host_port_start(struct dpb_ctl *c, int iface);
/* Host port @iface's kernel addresses after a reload: those @was had and it has not
 * removed, its own applied again when they differ. @return 0 or -errno. */
int ctl_host_port_readdress(struct dpb_ctl *c, int iface, const struct dpb_cfg_iface *was);

/* ctl_vlanif.c: VLAN interfaces of bonds and NICs in the snapshot. */
/* Fills the demux tables, the ports' demux and the VLAN host ports' uplinks. */
void ctl_vlanif_snapshot(const struct dpb_ctl *c, struct dpb_fwd_snapshot *s);
/* Bridge port @f as the datapath sends to it, if it is a VLAN interface. @return whether it is. */
bool ctl_vlanif_brport(const struct dpb_ctl *c, int f, struct dpb_fwd_brport *bp);

/* ctl_loop.c */
void ctl_publish(struct dpb_ctl *c);
void ctl_tick(struct dpb_ctl *c);
void ctl_log_bond_events(struct ctl_bond *cb);
/* ctl_log_bond_events() for every bond: what a tick left to log (before a
 * reload rebuilds the bonds, before the end). Control thread. */
void ctl_log_all_bond_events(struct dpb_ctl *c);
/*
 * After a snapshot that changed @bridge's ports (published: no worker uses
 * the old one), what the rings still hold was learned against the old ports:
 * dropped for the bridges in mask @stale (bit per bridge index), applied for
 * the others.
 */
void ctl_drop_stale_learning(struct dpb_ctl *c, uint32_t stale);

/* ctl_reload.c: a reload SIGHUP asked for, done from the control loop. */
void ctl_reload_if_asked(struct dpb_ctl *c);

/* ctl_lacp.c */
int ctl_lacp_init(struct dpb_ctl *c, struct ctl_bond *cb, const struct dpb_cfg_bond *cfg,
		  uint64_t now);
void ctl_lacp_link(struct ctl_bond *cb, unsigned int k, const struct dpb_link_sample *s,
		   uint64_t now);
void ctl_lacp_tick(struct dpb_ctl *c, uint64_t now);
void ctl_lacp_drain(struct dpb_ctl *c, uint64_t now);
void ctl_lacp_ad_info(const struct ctl_bond *cb, struct dpb_bond_ad_info *ad);
/* The bond's MII status: its carrier, or for 802.3ad an active aggregator with min_links ports. */
bool ctl_bond_up(const struct ctl_bond *cb);

/* ctl_inject.c */
/* A copy of @frame in an mbuf for ethdev (or bond) @port. @return NULL when the pool is dry. */
struct rte_mbuf *ctl_frame_mbuf(struct dpb_ctl *c, const uint8_t *frame, size_t len,
				uint16_t port);
/* Has worker 0 send a copy of @frame: through bond @id as its mode picks
 * (@to_bond), or on ethdev @id. @return false when it was lost. */
bool ctl_inject(struct dpb_ctl *c, bool to_bond, uint16_t id, const uint8_t *frame, size_t len);

/* Sends a whole frame on member @k of @cb: on its dedicated queue when it has
 * one, else through worker 0's inject ring. @return false when it was lost. */
bool ctl_member_send(struct ctl_bond *cb, unsigned int k, const uint8_t *frame, size_t len);

/* ctl_arpmon.c */
/* Finds where bond @cb's probes come from: the host's addresses above it. */
void ctl_arpmon_init(struct dpb_ctl *c, struct ctl_bond *cb);
/* Runs the ARP monitors that are due; sends their probes. */
void ctl_arpmon_tick(struct dpb_ctl *c, uint64_t now);
/* Gives each member device the MAC the bond says it carries (fail_over_mac). */
void ctl_member_macs(struct dpb_ctl *c, struct ctl_bond *cb);
/* One line of ARP monitor counters for `show bonding`. */
void ctl_arpmon_show(const struct ctl_bond *cb, struct dpb_strbuf *out);

/* ctl_rlb.c: balance-alb's receive load balancing for the host port's ARP replies. */
void ctl_rlb_init(struct dpb_ctl *c, struct ctl_bond *cb);
/* A host port's ARP reply, punted by a worker: sent on the client's member, or on its way. */
void ctl_rlb_frame(struct dpb_ctl *c, const struct rte_mbuf *m);
/* After the members changed: clients dealt again and told. */
void ctl_rlb_changes(struct dpb_ctl *c);
/* The later rounds of those updates, a second apart. */
void ctl_rlb_tick(struct dpb_ctl *c, uint64_t now);
/* The host ports' punting and the members' MAC rewriting, in the snapshot. */
void ctl_rlb_snapshot(const struct dpb_ctl *c, struct dpb_fwd_snapshot *s);
void ctl_rlb_show(const struct ctl_bond *cb, struct dpb_strbuf *out);

/* ctl_json*.c: JSON documents (jansson), owned by the caller (json_decref). */
typedef struct json_t json_t;
json_t *ctl_json_bond(struct dpb_ctl *c, const struct ctl_bond *cb);
json_t *ctl_json_lacp(const struct dpb_ctl *c, const struct ctl_bond *cb);
json_t *ctl_json_bridge(const struct dpb_ctl *c, int iface);
json_t *ctl_json_port_stats(const struct dpb_ctl *c, int iface);
json_t *ctl_json_drops(const struct dpb_ctl *c);
json_t *ctl_json_workers(const struct dpb_ctl *c);
/* Poller @w's load since the start or `clear worker stats` (`show worker stats json`). */
json_t *ctl_json_worker_load(const struct dpb_ctl *c, unsigned int w);
/* Every poller's load, an array. */
json_t *ctl_json_worker_stats(const struct dpb_ctl *c);
/* Whether interface @p iface has counters of its own (a port, or a bond). */
bool ctl_has_stats(const struct dpb_ctl *c, int iface);
/* View @p view of @p arg; NULL with the console's message in @p err when
 * nothing of that name is there (or, with @p err empty, out of memory). */
json_t *ctl_view_json(struct dpb_ctl *c, enum dpb_ctl_view view, const char *arg,
		      struct dpb_strbuf *err);

/* ctl_telemetry.c: the /dpbond/... telemetry commands. */
/* Registers them (once per process) and serves @c. @return 0 or -EINVAL. */
int ctl_telemetry_init(struct dpb_ctl *c);
/* Answers a telemetry request waiting for the control loop, if any; never waits. */
void ctl_telemetry_serve(struct dpb_ctl *c);
/* Stops serving: requests are answered with an error from now on. */
void ctl_telemetry_fini(void);

/* ctl_show.c */
void ctl_sums_read(const struct dpb_ctl *c, int iface, struct ctl_sums *s);
/* Interface @iface's counters as shown: a bond's are its members' and its own drops. */
void ctl_sums_of(const struct dpb_ctl *c, int iface, struct ctl_sums *s);
/* Adds @b to @a. */
void ctl_sums_add(struct ctl_sums *a, const struct ctl_sums *b);
int ctl_find_iface(const struct dpb_ctl *c, const char *name);

#endif
