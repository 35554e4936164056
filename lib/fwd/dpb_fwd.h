/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_FWD_H
#define DPB_FWD_H

/**
 * @file
 * The datapath: what a worker lcore does with its rx queues, and the
 * immutable snapshot through which the control plane tells it how.
 *
 * A worker reads the current snapshot once per loop, polls its rx queues,
 * admits frames by the bond's receive rule, bridges them (learning by asking
 * the control lcore, forwarding by the FDB or flooding), lets each bond's
 * mode pick the member, and transmits on its own tx queue of each port. It
 * never locks, allocates, logs or makes a syscall; every frame it does not
 * forward is counted under a reason (DPB_DROP_REASONS). The slow-protocol
 * frames it hands to the control lcore are counted there: what LACP takes
 * in `show lacp`, what it cannot use under slow-malformed or slow-unknown.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_reciprocal.h>
#include <rte_ring.h>

#include "dpb_cfg.h"
#include "dpb_fdb.h"

#define DPB_FWD_BURST 32
#define DPB_FWD_TXBUF 64
/** A list of at least this many frames for a port with nothing queued is sent at once. */
#define DPB_FWD_TX_DIRECT 8
#define DPB_FWD_MAX_IFACES DPB_CFG_MAX_IFACES
#define DPB_FWD_MAX_BRIDGES 16
#define DPB_FWD_MAX_BONDS 16
#define DPB_FWD_MAX_BR_PORTS (DPB_CFG_MAX_BR_PORTS + 1)  /* and the host port */
#define DPB_FWD_MAX_RXQ 64
#define DPB_FWD_MAX_WORKERS 32
#define DPB_FWD_NO_IFACE UINT16_MAX
#define DPB_FWD_TLB_BUCKETS 256   /* = DPB_BOND_TLB_BUCKETS */

/**
 * Why a frame was not forwarded: id, name shown, the side it is counted on
 * (RX: the interface it came in on, Linux's rx_dropped; TX: the interface it
 * was to leave by, Linux's tx_dropped), what it means. no-mbuf is counted
 * on whichever interface needed the copy, but under RX.
 */
#define DPB_DROP_REASONS(X)                                                        \
	X(RX_LINK_DOWN, "rx-link-down", RX, "received on a port whose cable is pulled")   \
	X(RX_INACTIVE_SLAVE, "rx-inactive-slave", RX, "received on a bond member that does not receive (backup)") \
	X(RX_NO_BRIDGE, "rx-no-bridge", RX, "received on a port that is in no bridge")   \
	X(RX_RUNT, "rx-runt", RX, "shorter than an Ethernet header")                     \
	X(RX_SPLIT_HEADER, "rx-split-header", RX, "its Ethernet header and VLAN tag do not lie in its first segment") \
	X(RX_BAD_SOURCE, "rx-bad-source", RX, "source MAC is multicast or zero")         \
	X(LINK_LOCAL, "link-local", RX, "to an IEEE 802.1D reserved group address but STP's (not bridged)") \
	X(SAME_PORT, "same-port", RX, "destination is on the port it came in on")        \
	X(NO_OTHER_PORT, "no-other-port", RX, "flooded on a bridge with no other port")  \
	X(VLAN_FILTERED, "vlan-filtered", RX, "its VLAN (or no tag, without a pvid) is not allowed on the port") \
	X(NO_MBUF, "no-mbuf", RX, "no mbuf for a copy of a shared frame whose VLAN tag must be pushed or taken off") \
	X(TX_NO_SLAVE, "tx-no-slave", TX, "bond has no member that transmits")           \
	X(TX_LINK_DOWN, "tx-link-down", TX, "sent to a port whose cable is pulled")      \
	X(TX_FULL, "tx-full", TX, "the device did not take it: its transmit queue full, or it refused the frame (a TAP set down from the kernel side)") \
	X(TX_CHAINED, "tx-chained", TX, "a frame in several segments, to a device that sends only one") \
	X(TX_MTU, "tx-mtu", TX, "longer than the egress port's MTU allows (its Ethernet header, and a VLAN tag if it has one, besides)") \
	X(PUNT_FULL, "punt-full", RX, "slow-protocol frame lost: the control lcore's ring was full") \
	X(SLOW_MALFORMED, "slow-malformed", RX, "a LACPDU or Marker PDU to an 802.3ad member that does not decode (its length, version or TLVs)") \
	X(SLOW_UNKNOWN, "slow-unknown", RX, "a slow-protocol frame to an 802.3ad member that is neither LACP nor Marker (OAM, ESMC, ...)")

enum dpb_drop_reason {
#define X(id, name, dir, desc) DPB_DROP_##id,
	DPB_DROP_REASONS(X)
#undef X
	DPB_DROP_COUNT
};

/** Which counter of Linux's a drop reason adds to. */
enum dpb_drop_dir { DPB_DROP_DIR_RX, DPB_DROP_DIR_TX };

/** Name of a drop reason ("rx-inactive-slave"). */
const char *dpb_drop_reason_name(enum dpb_drop_reason r);
/** One-line meaning of a drop reason. */
const char *dpb_drop_reason_desc(enum dpb_drop_reason r);
/** Whether reason @p r drops a frame received (rx_dropped) or being sent (tx_dropped). Any thread. */
enum dpb_drop_dir dpb_drop_reason_dir(enum dpb_drop_reason r);

/** A worker's counters for one interface (port or bond). One writer: the worker. */
struct dpb_if_counters {
	_Atomic uint64_t rx_pkts;
	_Atomic uint64_t rx_bytes;
	_Atomic uint64_t tx_pkts;
	_Atomic uint64_t tx_bytes;
	_Atomic uint64_t drops[DPB_DROP_COUNT];
};

/** What a bridge port is. */
enum dpb_fwd_brport_kind { DPB_BRPORT_PORT, DPB_BRPORT_BOND };

struct dpb_fwd_brport {
	enum dpb_fwd_brport_kind kind;
	uint16_t port_id;   /**< PORT: the ethdev */
	uint16_t bond;      /**< BOND: index into snapshot bonds */
	uint16_t iface;     /**< counters index; also its VLAN set (vids) */
	uint16_t pvid;      /**< VLAN-aware bridge: untagged frames' VLAN, sent untagged; 0 none */
	uint16_t push_vid;  /**< a VLAN of its device (bond0.5 in vmbr0v5): frames leave tagged with it */
	uint16_t local_vid; /**< a plain bridge's VLAN host port (vmbr0.7): gets frames tagged so, untagged */
	bool local;         /**< the host: the bridge's own host port or such a VLAN host port */
};

struct dpb_fwd_bond;
struct dpb_fwd_snapshot;
struct dpb_worker;

/**
 * A bond mode's transmit: picks the member(s) for @p m and queues it on
 * their tx buffers. Called only when bond->n_tx > 0. Worker lcore.
 */
typedef void (*dpb_fwd_bond_tx_t)(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
				  const struct dpb_fwd_bond *bond, struct rte_mbuf *m);

/**
 * A bond mode's transmit of a burst: the members @p tx would pick, frame by
 * frame, each member's frames sent as a list (dpb_fwd_bond_tx_burst_for()).
 * Called only when bond->n_tx > 0. Worker lcore.
 */
typedef void (*dpb_fwd_bond_tx_burst_t)(struct dpb_worker *w, const struct dpb_fwd_snapshot *s,
					const struct dpb_fwd_bond *bond, struct rte_mbuf **pkts,
					uint16_t n);

struct dpb_fwd_bond {
	dpb_fwd_bond_tx_t tx;          /**< the mode's transmit, set with the mode */
	dpb_fwd_bond_tx_burst_t tx_burst; /**< the same for a burst */
	uint16_t idx;                  /**< index in the snapshot's bonds */
	uint16_t iface;                /**< counters index of the bond */
	uint16_t n_tx;                 /**< members that transmit now */
	struct rte_reciprocal n_tx_div;  /**< exact `/ n_tx` without a division */
	struct rte_reciprocal pps_div;   /**< exact `/ packets_per_slave` */
	uint16_t packets_per_slave;    /**< balance-rr */
	enum dpb_xmit_hash_policy xmit_hash_policy; /**< balance-xor */
	/** The members that transmit, by ethdev; with none, [0] is the first
	 *  member's (the buckets' when all are down, as the control lcore
	 *  compares them; never sent to: n_tx is 0). */
	uint16_t tx_port[DPB_CFG_MAX_MEMBERS];
	uint16_t bucket_mask;          /**< hash buckets - 1, with buckets */
	uint8_t bucket_slot[DPB_CFG_MAX_BUCKETS];  /**< each bucket's place in tx_port */
};

/**
 * The transmit function of a bond mode (@p buckets: hash buckets instead of
 * a modulo, for hashing modes), or NULL when it is not built.
 */
dpb_fwd_bond_tx_t dpb_fwd_bond_tx_for(enum dpb_bond_mode mode, bool buckets);

/** The burst transmit of a bond mode, as dpb_fwd_bond_tx_for() picks the frame's. */
dpb_fwd_bond_tx_burst_t dpb_fwd_bond_tx_burst_for(enum dpb_bond_mode mode, bool buckets);

/** The balance-tlb/alb bucket of a source MAC in a VLAN. Any thread. */
static inline uint32_t dpb_fwd_tlb_bucket(uint16_t vlan, const uint8_t *src_mac)
{
	return dpb_fdb_hash(dpb_fdb_key(vlan, src_mac)) & (DPB_FWD_TLB_BUCKETS - 1);
}

struct dpb_fwd_bridge {
	struct dpb_fdb *fdb;
	bool vlan_aware;    /**< ports filter and tag by VLAN (bridge-vlan-aware) */
	/** A plain bridge with VLAN host ports: what is the host's goes by its tag. */
	bool has_local_vlans;
	int16_t host_brport;        /**< the bridge's own host port, -1: none */
	uint64_t local_vids[64];    /**< the VLANs of its VLAN host ports */
	uint16_t n_ports;
	struct dpb_fwd_brport ports[DPB_FWD_MAX_BR_PORTS];
};

/** What receiving on an ethdev port means. */
struct dpb_fwd_in {
	bool in_bridge;     /**< false: drop as rx-no-bridge */
	bool rx_ok;         /**< bond's receive rule admits this member */
	bool rx_multicast_ok; /**< ...and its broadcast/multicast (tlb/alb: active only) */
	bool punt_slow;     /**< 802.3ad member: slow-protocol frames go to control */
	bool snoop_addr;    /**< not a bond: tell control the addresses its ARP and ND show */
	uint16_t arpmon;    /**< a member of ARP-monitored bond arpmon - 1; 0: none */
	uint16_t demux;     /**< its device has VLAN interfaces: s->demux[demux - 1]; 0: none */
	bool to_uplink;     /**< the host port of a VLAN of a bond or NIC: frames go to uplink */
	uint16_t tag_in;    /**< a plain bridge's VLAN host port: its frames enter the bridge tagged so */
	bool rlb_punt;      /**< a host port over a balance-alb bond: its ARP replies go to control */
	bool rlb_rx;        /**< a balance-alb member: frames to rlb_mac are the host's */
	uint8_t rlb_mac[6];      /**< the member's own MAC, which rlb gave clients */
	uint8_t rlb_host_mac[6]; /**< the host port's MAC, which such frames are given */
	struct dpb_fwd_brport uplink; /**< that device, with the VLAN to tag */
	uint16_t bridge;
	uint16_t br_port;   /**< index in the bridge (a member: its bond's) */
};

#define DPB_FWD_MAX_DEMUX DPB_CFG_MAX_VLAN_DEVICES   /**< bonds and NICs with VLAN interfaces */
#define DPB_FWD_DEMUX_VLANS DPB_CFG_MAX_DEVICE_VLANS /**< VLAN interfaces of one of them */

/**
 * The VLAN interfaces of one bond or NIC, as Linux's VLAN devices take their
 * frames before the bridge above the device sees them: a frame tagged with
 * one of these VLANs loses its tag and goes to that interface's host port,
 * or into the bridge it is a port of; any other frame goes the device's way.
 */
struct dpb_fwd_demux {
	uint16_t n;
	struct dpb_fwd_vlanif {
		uint16_t vid;
		uint16_t iface;            /**< the VLAN interface's counters */
		bool to_host;              /**< its host port: ethdev port_id */
		uint16_t port_id;
		uint16_t bridge, br_port;  /**< else its place in a bridge */
	} vlan[DPB_FWD_DEMUX_VLANS];
};

#define DPB_FWD_ARP_TARGETS 16      /**< = DPB_CFG_MAX_ARP_TARGETS, per family */
#define DPB_FWD_ARP_OURS 16         /**< the host's addresses above a bond, per family */

/** What an ARP-monitored bond's members look for in what they receive. */
struct dpb_fwd_arpmon {
	uint8_t n_targets4, n_targets6, n_ours4, n_ours6;
	uint32_t targets4[DPB_FWD_ARP_TARGETS];       /**< network order */
	uint32_t ours4[DPB_FWD_ARP_OURS];
	uint8_t targets6[DPB_FWD_ARP_TARGETS][16];
	uint8_t ours6[DPB_FWD_ARP_OURS][16];
};

/**
 * What one worker saw arrive on one ARP-monitored member, as TSC times (0:
 * never). Targets: IPv4 ones 0-15, IPv6 ones 16-31. One writer: the worker.
 */
struct dpb_fwd_arpseen {
	_Atomic uint64_t rx;                          /**< any frame */
	_Atomic uint64_t arp;                         /**< ARP, or any IPv6 frame */
	_Atomic uint64_t from_target[2 * DPB_FWD_ARP_TARGETS]; /**< target -> our address */
	_Atomic uint64_t reply[2 * DPB_FWD_ARP_TARGETS];       /**< the same, replies/NAs */
	_Atomic uint64_t to_target[2 * DPB_FWD_ARP_TARGETS];   /**< our address -> target */
};

/** Everything a worker needs, immutable once published. */
struct dpb_fwd_snapshot {
	uint64_t generation;
	bool forwarding;                                 /**< false after `stop` */
	bool cable_out[RTE_MAX_ETHPORTS];                /**< per ethdev: pulled (rx dropped) */
	bool tx_down[RTE_MAX_ETHPORTS];                  /**< pulled, or a bridge port's link is down */
	bool tx_chains[RTE_MAX_ETHPORTS];                /**< the device sends multi-segment frames */
	uint32_t max_frame[RTE_MAX_ETHPORTS];            /**< its MTU + 14: longer untagged frames are dropped */
	uint16_t port_iface[RTE_MAX_ETHPORTS];           /**< per ethdev: counters index */
	struct dpb_fwd_in in[RTE_MAX_ETHPORTS];
	uint16_t n_bonds;                                /**< bonds in use (the control plane's) */
	struct dpb_fwd_bond bonds[DPB_FWD_MAX_BONDS];
	struct dpb_fwd_bridge bridges[DPB_FWD_MAX_BRIDGES];
	struct dpb_fwd_arpmon arpmon[DPB_FWD_MAX_BONDS];
	struct dpb_fwd_demux demux[DPB_FWD_MAX_DEMUX];
	/** Per interface (a port of a VLAN-aware bridge): the VLANs it carries. */
	uint64_t vids[DPB_FWD_MAX_IFACES][64];
	/** What each worker polls: ports come and go (VM ports) with the snapshot. */
	uint16_t n_rxq[DPB_FWD_MAX_WORKERS];
	struct dpb_fwd_rxq { uint16_t port_id, queue; } rxq[DPB_FWD_MAX_WORKERS][DPB_FWD_MAX_RXQ];
};

/** A request from a worker to the control lcore: learn this source. */
struct dpb_learn_req {
	uint8_t mac[6];
	uint16_t vlan;
	uint16_t bridge;
	uint16_t br_port;
	uint32_t ipv4;      /**< sender address of an ARP frame (host order), or 0 */
	uint8_t ipv6[16];   /**< address a neighbour discovery frame gives, or :: */
};

struct dpb_fwd_txbuf {
	uint16_t n;
	bool dirty;         /**< in the worker's dirty list */
	struct rte_mbuf *pkts[DPB_FWD_TXBUF];
};

/** One worker's state. Written by its lcore only, except where noted. */
struct dpb_worker {
	unsigned int idx;                      /**< 0..n_workers-1, also its tx queue */
	unsigned int lcore_id;
	struct rte_mempool *pool;              /**< for copies of frames tagged per port */
	struct rte_rcu_qsbr *qsbr;             /**< NULL when the main lcore forwards */
	_Atomic(struct dpb_fwd_snapshot *) *snapshot; /**< the control plane's pointer */
	atomic_bool quit;                      /**< set by the control lcore */
	struct rte_ring *learn_ring;           /**< to the control lcore (SP/SC) */
	struct rte_ring *punt_ring;            /**< slow-protocol mbufs to control (SP/SC) */
	struct rte_ring *inject_ring;          /**< worker 0 only: mbufs control sends; m->port */
	struct rte_ring *announce_ring;        /**< worker 0 only: mbufs for a bond; m->port = bond */
	_Atomic uint64_t learn_ring_full;      /**< learn requests lost (not frames) */
	_Atomic uint64_t rlb_host_requests;    /**< ARP requests the alb host ports sent (rlb) */
	/* Its load (`show worker stats`, dpb_load.h), counted per pass. */
	_Atomic uint64_t loops;                /**< passes over its rx queues */
	_Atomic uint64_t rx_bursts;            /**< rx bursts that returned frames */
	_Atomic uint64_t rx_burst_pkts;        /**< the frames they returned */
	_Atomic uint64_t busy_tsc;             /**< TSC cycles of passes that received frames */
	_Atomic uint64_t idle_tsc;             /**< TSC cycles of passes that received nothing */
	uint32_t rr_counter[DPB_FWD_MAX_BONDS];/**< balance-rr position, per bond */
	/** balance-tlb/alb: bytes sent per bond and bucket (read by control). */
	_Atomic uint64_t tlb_bytes[DPB_FWD_MAX_BONDS][DPB_FWD_TLB_BUCKETS];
	uint16_t n_dirty;
	uint16_t dirty[RTE_MAX_ETHPORTS];
	struct dpb_fwd_txbuf txbuf[RTE_MAX_ETHPORTS];
	struct dpb_if_counters ctr[DPB_FWD_MAX_IFACES];
	struct dpb_fwd_arpseen arpseen[RTE_MAX_ETHPORTS]; /**< per ethdev (read by control) */
};

/**
 * One pass over the worker's rx queues with snapshot @p s, then transmits
 * what it queued. Worker lcore (or the main lcore when it forwards itself).
 * @return the frames its rx bursts returned (0: an idle pass).
 */
uint32_t dpb_fwd_poll(struct dpb_worker *w, const struct dpb_fwd_snapshot *s);

/**
 * Sends @p n frames through bond @p bond of @p s as the bridge does (its
 * mode's transmit, or tx-no-slave drops when no member transmits), then
 * flushes every member's tx buffer: the bond stage alone, for dpb-bench.
 * Worker (or main) lcore.
 */
void dpb_fwd_bond_burst(struct dpb_worker *w, const struct dpb_fwd_snapshot *s, uint16_t bond,
			struct rte_mbuf **pkts, uint16_t n);

/**
 * The worker lcore's main loop (rte_eal_remote_launch): polls until
 * w->quit, reporting a quiescent state to RCU after every pass.
 * @return 0.
 */
int dpb_fwd_worker_main(void *w);

static inline void dpb_ctr_add(_Atomic uint64_t *c, uint64_t n)
{
	/* One writer: a plain load and store, never a locked instruction. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/**
 * Counts a pass of @p tsc cycles that received @p n_rx frames: busy when
 * it received any, idle when not. Whoever polls @p w (its lcore).
 */
static inline void dpb_fwd_account(struct dpb_worker *w, uint32_t n_rx, uint64_t tsc)
{
	dpb_ctr_add(n_rx ? &w->busy_tsc : &w->idle_tsc, tsc);
	dpb_ctr_add(&w->loops, 1);
}

#endif
