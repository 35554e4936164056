/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_BOND_H
#define DPB_BOND_H

/**
 * @file
 * A bond's control logic, apart from packets: member link states with
 * Linux's miimon semantics (UP, FAIL, DOWN, BACK with updelay/downdelay), the
 * mode's choice of the members that carry traffic (active-backup's active
 * member with primary and primary_reselect), and the /proc/net/bonding text.
 *
 * Pure code: no DPDK, no clock (time comes in as @c now_ms). One thread owns
 * a bond: in dpbond the control lcore. The datapath never reads this struct;
 * it reads the snapshot the control plane builds from it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dpb_cfg.h"
#include "dpb_mac.h"
#include "dpb_strbuf.h"

#define DPB_BOND_MAX_MEMBERS DPB_CFG_MAX_MEMBERS
#define DPB_BOND_EVENTS 32
/** ARP monitor targets: the IPv4 ones (0-15), then the IPv6 ones (16-31). */
#define DPB_BOND_MAX_TARGETS (2 * DPB_CFG_MAX_ARP_TARGETS)

/** Member link states of Linux's link monitor, with their status text. */
#define DPB_MEMBER_LINKS(X)            \
	X(UP, "up")                    \
	X(FAIL, "going down")          \
	X(DOWN, "down")                \
	X(BACK, "going back")

enum dpb_member_link {
#define X(id, text) DPB_LINK_##id,
	DPB_MEMBER_LINKS(X)
#undef X
};

/** Text of a link state as /proc/net/bonding prints it. */
const char *dpb_member_link_name(enum dpb_member_link link);

/** One reading of a member's carrier, taken by the caller at a miimon tick. */
struct dpb_link_sample {
	bool carrier;           /**< link up, and not pulled by `set link-down` */
	uint32_t speed_mbps;    /**< 0 when unknown */
	bool full_duplex;
};

struct dpb_bond_member {
	char name[DPB_NAME_LEN];
	struct dpb_mac perm_addr;      /**< the device's own MAC */
	enum dpb_member_link link;     /**< committed link monitor state */
	int delay;                     /**< miimon ticks left in FAIL or BACK */
	uint32_t link_failure_count;   /**< commits to DOWN, never reset */
	uint32_t speed_mbps;           /**< last known; 0 = Unknown */
	bool full_duplex;
	bool duplex_known;
	uint16_t queue_id;             /**< "Slave queue ID" (always 0 for now) */
	bool collecting;               /**< 802.3ad: LACP lets it receive */
	bool distributing;             /**< 802.3ad: LACP lets it transmit */
	/* The ARP monitor's times (ms), as Linux keeps them per slave. */
	uint64_t last_rx_ms;           /**< last receive that counts (arp_validate) */
	uint64_t last_tx_ms;           /**< last probe sent */
	uint64_t last_link_up_ms;      /**< made active, or probed as a candidate */
	uint64_t target_rx_ms[DPB_BOND_MAX_TARGETS]; /**< last validated answer per target */
	/** fail_over_mac follow: the MAC the device carries now. */
	struct dpb_mac cur_addr;
};

/** What a bond event was, for the log and the failover timeline. */
#define DPB_BOND_EVENT_TYPES(X)                                   \
	X(LINK_DOWN_DELAYED, "link status down, disabling it in %u ms") \
	X(LINK_UP_AGAIN, "link status up again after %u ms")          \
	X(LINK_DOWN, "link status definitely down, disabling slave")  \
	X(LINK_UP_DELAYED, "link status up, enabling it in %u ms")    \
	X(LINK_DOWN_AGAIN, "link status down again after %u ms")      \
	X(LINK_UP, "link status definitely up")                       \
	X(ACTIVE, "making interface the new active one")              \
	X(ACTIVE_EARLY, "making interface the new active one %u ms earlier") \
	X(NO_ACTIVE, "now running without any active interface!")          \
	X(NOW_UP, "interface is now up")                              \
	X(NOW_DOWN, "interface is now down")                          \
	X(BACKUP_DOWN, "backup interface is now down")

enum dpb_bond_event_type {
#define X(id, fmt) DPB_BOND_EV_##id,
	DPB_BOND_EVENT_TYPES(X)
#undef X
};

struct dpb_bond_event {
	uint64_t at_ms;
	enum dpb_bond_event_type type;
	int member;           /**< index, -1 for the bond itself */
	unsigned int ms;      /**< the delay the message mentions */
};

struct dpb_bond;

/** The mode's rules, chosen once when the mode is set. */
struct dpb_bond_mode_ops {
	enum dpb_bond_mode mode;
	/** Recomputes which members carry traffic after a link change. */
	void (*select)(struct dpb_bond *b, uint64_t now_ms);
	bool uses_primary;      /**< prints "Primary Slave" / "Currently Active Slave" */
	bool tx_on_active;      /**< only the active member transmits (active-backup) */
};

struct dpb_bond {
	char name[DPB_NAME_LEN];
	const struct dpb_bond_mode_ops *ops;
	enum dpb_bond_mode mode;
	unsigned int miimon_ms;
	unsigned int updelay;          /**< in miimon ticks, as Linux stores it */
	unsigned int downdelay;        /**< in miimon ticks */
	unsigned int peer_notif_delay; /**< in miimon ticks */
	enum dpb_primary_reselect primary_reselect;
	enum dpb_xmit_hash_policy xmit_hash_policy;
	bool all_slaves_active;
	unsigned int packets_per_slave;   /**< balance-rr */
	bool tlb_dynamic_lb;              /**< balance-tlb/alb: buckets moved by load */
	unsigned int n_buckets;           /**< hash buckets, 0 = modulo (Linux) */
	int8_t bucket[DPB_CFG_MAX_BUCKETS]; /**< member of each bucket, -1: none */
	int primary;                   /**< member index, -1 for none */
	bool force_primary;            /**< primary just set: switch to it once */
	int curr_active;               /**< member index, -1 for none */
	bool carrier;                  /**< the bond's own MII status */
	struct dpb_mac addr;           /**< the bond's MAC (first member's) */
	uint64_t next_miimon_ms;
	unsigned int n_members;
	struct dpb_bond_member members[DPB_BOND_MAX_MEMBERS];
	enum dpb_fail_over_mac fail_over_mac;
	/* The ARP/NS monitor (arp_interval_ms > 0), instead of miimon. */
	unsigned int arp_interval_ms;
	unsigned int arp_missed_max;
	enum dpb_arp_validate arp_validate;
	bool arp_all_targets;
	unsigned int n_arp_targets;    /**< IPv4 targets: indices 0.. */
	unsigned int n_ns_targets;     /**< IPv6 targets: indices DPB_CFG_MAX_ARP_TARGETS.. */
	uint8_t arp_targets[DPB_CFG_MAX_ARP_TARGETS][4];
	uint8_t ns_targets[DPB_CFG_MAX_ARP_TARGETS][16];
	int curr_arp_slave;            /**< active-backup without an active member: the candidate */
	uint64_t next_arpmon_ms;
	unsigned int n_events;         /**< events ever recorded */
	struct dpb_bond_event events[DPB_BOND_EVENTS]; /**< the last ones, a ring */
};

/** Flags returned by the functions that change a bond. */
#define DPB_BOND_CHANGED_LINK    0x1u  /**< a member's committed link state */
#define DPB_BOND_CHANGED_ACTIVE  0x2u  /**< the members that carry traffic */
#define DPB_BOND_CHANGED_CARRIER 0x4u  /**< the bond's own MII status */

/**
 * With hash buckets, the member of each bucket: when a member stops
 * transmitting only its buckets move (to the members with fewest), and one
 * that comes back takes buckets from the most loaded, one at a time, until
 * all differ by at most one (Open vSwitch's idea, Linux's hash).
 * Called by the bond after every reselection; internal to lib/bond.
 */
void dpb_bond_rebucket(struct dpb_bond *b);

/**
 * Initialises @p b from a configured bond (members are added afterwards).
 * @return 0, or -ENOTSUP for a mode whose rules are not built yet.
 */
int dpb_bond_init(struct dpb_bond *b, const char *name, const struct dpb_cfg_bond *cfg,
		  uint64_t now_ms);

/**
 * Enslaves a member, in configuration order, as Linux does: with its carrier
 * up it starts UP (or BACK for updelay), else DOWN. The first member's MAC
 * becomes the bond's.
 * @return the member index, or -ENOSPC.
 */
int dpb_bond_add_member(struct dpb_bond *b, const char *name, const struct dpb_mac *perm_addr,
			const struct dpb_link_sample *sample, uint64_t now_ms);

/** Whether a miimon tick is due at @p now_ms. */
bool dpb_bond_miimon_due(const struct dpb_bond *b, uint64_t now_ms);

/**
 * One miimon tick: feeds each member's sample (array of n_members), runs the
 * link state machine and reselects. Schedules the next tick.
 * @return DPB_BOND_CHANGED_* flags.
 */
unsigned int dpb_bond_miimon(struct dpb_bond *b, const struct dpb_link_sample *samples,
			     uint64_t now_ms);

/**
 * Sets (member >= 0) or clears (-1) the primary; switches to it at once if it
 * is up, whatever primary_reselect says (Linux's force_primary).
 * @return DPB_BOND_CHANGED_* flags, or -EINVAL for a bad index.
 */
int dpb_bond_set_primary(struct dpb_bond *b, int member, uint64_t now_ms);

/**
 * Changes the mode of a running bond, keeping its members and their link
 * states; active-backup picks its active member as after a link change.
 * An ARP-monitored bond going to 802.3ad, balance-tlb or balance-alb runs
 * miimon 100 instead, as Linux does.
 * @return DPB_BOND_CHANGED_* flags, or -ENOTSUP for a mode not built yet.
 */
int dpb_bond_set_mode(struct dpb_bond *b, enum dpb_bond_mode mode, uint64_t now_ms);

/**
 * 802.3ad: what the LACP machines decided for member @p i (its Mux state),
 * fed in by the control plane; LACP itself lives apart (lib/lacp). The bond
 * transmits on distributing members and receives on collecting ones.
 * @return DPB_BOND_CHANGED_ACTIVE when that changed, or -EINVAL.
 */
int dpb_bond_set_lacp_state(struct dpb_bond *b, unsigned int i, bool collecting,
			    bool distributing);

/**
 * What the datapath saw arrive on one member since it started, as times in
 * ms on the bond's clock (0: never); the ARP monitor decides what counts.
 * Target indices as DPB_BOND_MAX_TARGETS.
 */
struct dpb_arpmon_seen {
	uint64_t rx_ms;                  /**< any frame */
	uint64_t arp_ms;                 /**< an ARP, or any IPv6 frame (what filter counts) */
	/** An ARP (or NA) from target t to one of the host's addresses above the bond. */
	uint64_t from_target_ms[DPB_BOND_MAX_TARGETS];
	/** The same, ARP replies only (an NA counts as one). */
	uint64_t reply_ms[DPB_BOND_MAX_TARGETS];
	/** An ARP from one of our addresses to target t: our own probe, come round. */
	uint64_t to_target_ms[DPB_BOND_MAX_TARGETS];
};

/** Whether an ARP-monitor tick is due at @p now_ms. */
bool dpb_bond_arpmon_due(const struct dpb_bond *b, uint64_t now_ms);

/**
 * One tick of Linux's ARP monitor (bond_activebackup_arp_mon in
 * active-backup, bond_loadbalance_arp_mon in the others): takes what each
 * member received (@p seen) as arp_validate and arp_all_targets say, commits
 * link states (a member is up while it sends and hears answers within
 * arp_missed_max intervals), reselects, and names the members to probe now
 * in @p probe (bit per member; their last_tx is set). @p carrier: each
 * member's carrier. Schedules the next tick. Control thread.
 * @return DPB_BOND_CHANGED_* flags.
 */
unsigned int dpb_bond_arpmon(struct dpb_bond *b, const struct dpb_arpmon_seen *seen,
			     const bool *carrier, uint64_t now_ms, uint32_t *probe);

/**
 * The MAC member @p i carries: the bond's, or with fail_over_mac active its
 * own, or with follow the one it was given at the last failover.
 */
const struct dpb_mac *dpb_bond_member_mac(const struct dpb_bond *b, unsigned int i);

/** Index of the member named @p name, or -1. */
int dpb_bond_find_member(const struct dpb_bond *b, const char *name);

/**
 * Whether frames received on member @p i are taken (active-backup: only the
 * active member, unless all_slaves_active).
 */
bool dpb_bond_member_rx_ok(const struct dpb_bond *b, unsigned int i);

/**
 * Whether broadcast and multicast frames received on member @p i are taken:
 * in balance-tlb/alb only on the active member (a switch floods them to
 * every member; unicast to a MAC pinned to a member arrives on it).
 */
bool dpb_bond_member_rx_multicast_ok(const struct dpb_bond *b, unsigned int i);

/** Buckets of balance-tlb/alb: each source MAC and VLAN falls in one. */
#define DPB_BOND_TLB_BUCKETS 256

/**
 * balance-tlb/alb with tlb_dynamic_lb: moves buckets from the most to the
 * least loaded member while a move narrows the gap, given each bucket's
 * transmitted bytes since the last call (@p load, n_buckets of them).
 * Control thread, every rebalance interval.
 * @return how many buckets moved (each a source MAC group changing member).
 */
unsigned int dpb_bond_rebalance(struct dpb_bond *b, const uint64_t *load);

/**
 * The members that transmit, in order, into @p out (room for n_members).
 * @return how many.
 */
unsigned int dpb_bond_tx_members(const struct dpb_bond *b, int *out);

/**
 * Renders the text Linux prints in /proc/net/bonding/<bond>, for a reader
 * with CAP_NET_ADMIN, with @p version after "Driver: v".
 * @return 0 or -ENOMEM.
 */
int dpb_bond_show(const struct dpb_bond *b, const char *version, struct dpb_strbuf *out);

/** One side of a member's LACP information, as /proc/net/bonding shows it. */
struct dpb_bond_ad_side {
	uint16_t system_priority;
	struct dpb_mac system;
	uint16_t key;
	uint16_t port_priority;
	uint16_t port;
	uint8_t state;
};

/** A member's 802.3ad lines. */
struct dpb_bond_ad_member {
	unsigned int aggregator;         /**< 0: "Aggregator ID: N/A" */
	const char *actor_churn;         /**< "monitoring", "churned", "none" */
	const char *partner_churn;
	uint32_t actor_churned, partner_churned;
	struct dpb_bond_ad_side actor, partner;
};

/**
 * What /proc/net/bonding shows of 802.3ad, gathered by the control plane
 * from LACP (the bond and LACP do not know each other).
 */
struct dpb_bond_ad_info {
	bool lacp_active;
	bool fast;
	unsigned int min_links;
	const char *ad_select;           /**< "stable", "bandwidth", "count" */
	uint16_t system_priority;
	struct dpb_mac system;
	bool carrier;                    /**< the bond's MII status */
	unsigned int active_aggregator;  /**< 0: "bond X has no active aggregator" */
	unsigned int n_ports;
	uint16_t actor_key, partner_key;
	struct dpb_mac partner_system;
	struct dpb_bond_ad_member members[DPB_BOND_MAX_MEMBERS];
};

/** dpb_bond_show() for an 802.3ad bond, with its LACP information. */
int dpb_bond_show_ad(const struct dpb_bond *b, const char *version,
		     const struct dpb_bond_ad_info *ad, struct dpb_strbuf *out);

/** Formats event @p ev as Linux's log line ("bond1: (slave eth0): ..."). */
int dpb_bond_event_format(const struct dpb_bond *b, const struct dpb_bond_event *ev,
			  struct dpb_strbuf *out);

/**
 * After a bond was built again (a reload changed it): member @p name, the
 * one active before, is active again when it is still a member, its link
 * up, the mode has one active member and the bond no primary, so that an
 * edit elsewhere in the bond is no failover. Owner's thread. @return whether it was made active.
 */
bool dpb_bond_restore_active(struct dpb_bond *b, const char *name, uint64_t now_ms);

/* Internal to lib/bond: records an event. */
void dpb_bond_event(struct dpb_bond *b, uint64_t now_ms, enum dpb_bond_event_type type,
		    int member, unsigned int ms);
/* Internal to lib/bond: makes @p m the active member, unlogged (fail_over_mac applied). */
void dpb_bond_take_active(struct dpb_bond *b, int m, uint64_t now_ms);
/* Internal to lib/bond: makes @p m the active member (-1: none). */
void dpb_bond_change_active(struct dpb_bond *b, int m, uint64_t now_ms);

extern const struct dpb_bond_mode_ops dpb_bond_ops_active_backup;
extern const struct dpb_bond_mode_ops dpb_bond_ops_balance_rr;
extern const struct dpb_bond_mode_ops dpb_bond_ops_balance_xor;
extern const struct dpb_bond_mode_ops dpb_bond_ops_broadcast;
extern const struct dpb_bond_mode_ops dpb_bond_ops_balance_tlb;
extern const struct dpb_bond_mode_ops dpb_bond_ops_balance_alb;
extern const struct dpb_bond_mode_ops dpb_bond_ops_8023ad;
/* Internal to lib/bond: active-backup's choice of the active member. */
void dpb_bond_select_active(struct dpb_bond *b, uint64_t now_ms);

#endif
