/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_BOND_VOCAB_H
#define DPB_BOND_VOCAB_H

/**
 * @file
 * The bond's own vocabulary, as Linux's bonding driver names and numbers
 * it: modes, xmit_hash_policy, primary_reselect, arp_validate and
 * fail_over_mac. The configuration reader (lib/cfg), the bond (lib/bond)
 * and the answers (lib/ctl) all speak it. Pure; any thread.
 */

/** Linux bonding modes, numbered as Linux numbers them. */
#define DPB_BOND_MODES(X)                                           \
	X(BALANCE_RR, 0, "balance-rr", "load balancing (round-robin)") \
	X(ACTIVE_BACKUP, 1, "active-backup", "fault-tolerance (active-backup)") \
	X(BALANCE_XOR, 2, "balance-xor", "load balancing (xor)")       \
	X(BROADCAST, 3, "broadcast", "fault-tolerance (broadcast)")    \
	X(8023AD, 4, "802.3ad", "IEEE 802.3ad Dynamic link aggregation") \
	X(BALANCE_TLB, 5, "balance-tlb", "transmit load balancing")    \
	X(BALANCE_ALB, 6, "balance-alb", "adaptive load balancing")

enum dpb_bond_mode {
#define X(id, num, name, desc) DPB_BOND_MODE_##id = num,
	DPB_BOND_MODES(X)
#undef X
	DPB_BOND_MODE_COUNT
};

/** Linux xmit_hash_policy values, with Linux's numbers. */
#define DPB_XMIT_HASH_POLICIES(X)   \
	X(LAYER2, 0, "layer2")      \
	X(LAYER34, 1, "layer3+4")   \
	X(LAYER23, 2, "layer2+3")   \
	X(ENCAP23, 3, "encap2+3")   \
	X(ENCAP34, 4, "encap3+4")   \
	X(VLAN_SRCMAC, 5, "vlan+srcmac")

enum dpb_xmit_hash_policy {
#define X(id, num, name) DPB_XMIT_HASH_##id = num,
	DPB_XMIT_HASH_POLICIES(X)
#undef X
	DPB_XMIT_HASH_COUNT
};

#define DPB_PRIMARY_RESELECTS(X) \
	X(ALWAYS, 0, "always")   \
	X(BETTER, 1, "better")   \
	X(FAILURE, 2, "failure")

enum dpb_primary_reselect {
#define X(id, num, name) DPB_PRIMARY_RESELECT_##id = num,
	DPB_PRIMARY_RESELECTS(X)
#undef X
	DPB_PRIMARY_RESELECT_COUNT
};

/** Linux's arp_validate values, with Linux's numbers (bits: 1 active, 2 backup, 4 filter). */
#define DPB_ARP_VALIDATES(X)                 \
	X(NONE, 0, "none")                   \
	X(ACTIVE, 1, "active")               \
	X(BACKUP, 2, "backup")               \
	X(ALL, 3, "all")                     \
	X(FILTER, 4, "filter")               \
	X(FILTER_ACTIVE, 5, "filter_active") \
	X(FILTER_BACKUP, 6, "filter_backup")

enum dpb_arp_validate {
#define X(id, num, name) DPB_ARP_VALIDATE_##id = num,
	DPB_ARP_VALIDATES(X)
#undef X
	DPB_ARP_VALIDATE_COUNT
};

/** Linux's fail_over_mac policies (active-backup only). */
#define DPB_FAIL_OVER_MACS(X)  \
	X(NONE, 0, "none")     \
	X(ACTIVE, 1, "active") \
	X(FOLLOW, 2, "follow")

enum dpb_fail_over_mac {
#define X(id, num, name) DPB_FAIL_OVER_MAC_##id = num,
	DPB_FAIL_OVER_MACS(X)
#undef X
	DPB_FAIL_OVER_MAC_COUNT
};

/** Linux's name of each value ("unknown" out of range). */
const char *dpb_arp_validate_name(enum dpb_arp_validate v);
const char *dpb_fail_over_mac_name(enum dpb_fail_over_mac f);

/** Name of a mode as Linux spells it in configuration ("active-backup"). */
const char *dpb_bond_mode_name(enum dpb_bond_mode mode);
/** The "Bonding Mode:" text of /proc/net/bonding for a mode. */
const char *dpb_bond_mode_desc(enum dpb_bond_mode mode);
/** Parses a mode by name or number 0-6. @return 0 or -EINVAL. */
int dpb_bond_mode_parse(const char *s, enum dpb_bond_mode *mode);
const char *dpb_xmit_hash_policy_name(enum dpb_xmit_hash_policy p);
const char *dpb_primary_reselect_name(enum dpb_primary_reselect p);

/*
 * Each parses a value by its name or its number, as Linux's bonding options
 * take them (sysfs, ifenslave, ifupdown). @return the value, or -1.
 */
int dpb_xmit_hash_policy_parse(const char *s);
int dpb_primary_reselect_parse(const char *s);
int dpb_arp_validate_parse(const char *s);
int dpb_fail_over_mac_parse(const char *s);

/**
 * The index of @p s among @p words (@p n of them), or @p s as a number
 * below @p n. @return the index, or -1.
 */
int dpb_bond_word_index(const char *s, const char *const *words, unsigned int n);

#endif
