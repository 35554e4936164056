/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_FDB_H
#define DPB_FDB_H

/**
 * @file
 * A bridge's forwarding database: (VLAN, MAC) -> bridge port index.
 *
 * One writer, many readers, no locks. The control lcore is the only writer
 * (learn, move, age, flush); workers look entries up and mark the ones they
 * see as sources ("hit") so that ageing, done by the control lcore, knows
 * they are alive. A worker that sees an unknown or moved source asks the
 * control lcore to learn it (through a ring, outside this library).
 *
 * Open addressing with linear probing, bounded to DPB_FDB_MAX_PROBE slots,
 * in twice as many slots as the table may hold entries (at most half full:
 * probes stay short, and a learn finds room within reach whatever the
 * hash); deleted slots become tombstones that later inserts reuse, so
 * entries never move under a reader. A reader checks the key again after reading the port,
 * so it never returns another entry's port.
 *
 * Pure code (C11 atomics and an anonymous mapping; no DPDK, no clock).
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpb_mac.h"
#include "dpb_strbuf.h"

#define DPB_FDB_MAX_PROBE 128
#define DPB_FDB_DEFAULT_MAX 65536u      /**< entries, without bridge-fdb-max */
#define DPB_FDB_LIMIT (1u << 22)        /**< entries at most (8M slots) */
#define DPB_FDB_KEY_EMPTY 0ull
#define DPB_FDB_KEY_TOMB 1ull
#define DPB_FDB_KEY_VALID (1ull << 63)

/**
 * What readers look at: 16 bytes, four slots to a cache line, so that a
 * probe is mostly one line and a table is a third of what it would be with
 * the writer's fields beside.
 */
struct dpb_fdb_slot {
	_Atomic uint64_t key;     /**< VALID | vlan << 48 | mac, or EMPTY/TOMB */
	_Atomic uint32_t port;    /**< bridge port index */
	_Atomic uint8_t hit;      /**< seen as a source since the last ageing pass */
};

/** What only the writer reads, for slot i at info[i]. */
struct dpb_fdb_info {
	uint64_t updated_ms;      /**< when last seen */
	uint32_t ipv4;            /**< an IPv4 address seen from it (ARP), or 0 */
	bool permanent;           /**< never learned over, aged or flushed */
	bool has_ipv6;            /**< ipv6 holds an address seen from it (ND) */
	uint8_t ipv6[16];
};

struct dpb_fdb {
	uint32_t mask;            /**< slots - 1 */
	uint32_t max_entries;     /**< what it may hold (permanent entries aside) */
	uint32_t n_entries;       /**< live entries (writer's count) */
	uint64_t n_full;          /**< learns refused: at max_entries, or no free slot within reach */
	struct dpb_fdb_slot *slots;
	struct dpb_fdb_info *info;
	size_t map_len;           /**< the mapping both arrays are in */
};

/** Result of dpb_fdb_learn(). */
enum dpb_fdb_learn_result {
	DPB_FDB_LEARN_NEW,        /**< a new entry */
	DPB_FDB_LEARN_MOVED,      /**< the MAC moved to another port */
	DPB_FDB_LEARN_REFRESHED,  /**< already there on that port */
	DPB_FDB_LEARN_FULL,       /**< no room: counted in n_full */
	DPB_FDB_LEARN_PERMANENT,  /**< a permanent entry (the host's own MAC): kept */
};

static inline uint64_t dpb_fdb_key(uint16_t vlan, const uint8_t mac[DPB_MAC_LEN])
{
	return DPB_FDB_KEY_VALID | (uint64_t)(vlan & 0xfff) << 48 | dpb_mac_to_u64(mac);
}

static inline uint32_t dpb_fdb_hash(uint64_t key)
{
	key *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(key >> 32);
}

/**
 * Asks for the cache line where the probe for @p key (dpb_fdb_key()) starts,
 * so that the lookups of a burst, each a likely miss in a large table,
 * overlap rather than wait one after another: call it for each frame, then
 * look them up. Any thread.
 */
static inline void dpb_fdb_prefetch_key(const struct dpb_fdb *f, uint64_t key)
{
	const void *p = &f->slots[dpb_fdb_hash(key) & f->mask];

	/* gcc 12 at -O2 drops a __builtin_prefetch of this address (the
	 * hash's multiply before it): the instruction itself, then. */
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const volatile char *)p));
#else
	__builtin_prefetch(p);
#endif
}

/**
 * Looks up @p key (dpb_fdb_key()). Any thread.
 * @return the bridge port index, or -1 when unknown.
 */
static inline int dpb_fdb_lookup_key(struct dpb_fdb *f, uint64_t key, struct dpb_fdb_slot **entry)
{
	uint32_t h = dpb_fdb_hash(key);

	for (uint32_t i = 0; i < DPB_FDB_MAX_PROBE; i++) {
		struct dpb_fdb_slot *e = &f->slots[(h + i) & f->mask];
		uint64_t k = atomic_load_explicit(&e->key, memory_order_acquire);
		uint32_t port;

		if (k == DPB_FDB_KEY_EMPTY)
			return -1;
		if (k != key)
			continue;
		port = atomic_load_explicit(&e->port, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&e->key, memory_order_relaxed) != key)
			return -1;  /* changed under us: treat as unknown (flood) */
		if (entry)
			*entry = e;
		return (int)port;
	}
	return -1;
}

/**
 * Looks up (vlan, mac). Any thread.
 * @return the bridge port index, or -1 when unknown.
 */
static inline int dpb_fdb_lookup(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
				 struct dpb_fdb_slot **entry)
{
	return dpb_fdb_lookup_key(f, dpb_fdb_key(vlan, mac), entry);
}

/**
 * For a frame's source, @p key (dpb_fdb_key()): true when it is known on
 * @p port (and marks the entry alive); false when the control plane must
 * learn or move it. Any thread.
 */
static inline bool dpb_fdb_source_known_key(struct dpb_fdb *f, uint64_t key, uint32_t port)
{
	struct dpb_fdb_slot *e;

	if (dpb_fdb_lookup_key(f, key, &e) != (int)port)
		return false;
	if (!atomic_load_explicit(&e->hit, memory_order_relaxed))
		atomic_store_explicit(&e->hit, 1, memory_order_relaxed);
	return true;
}

/** dpb_fdb_source_known_key() for (vlan, mac). Any thread. */
static inline bool dpb_fdb_source_known(struct dpb_fdb *f, uint16_t vlan,
					const uint8_t mac[DPB_MAC_LEN], uint32_t port)
{
	return dpb_fdb_source_known_key(f, dpb_fdb_key(vlan, mac), port);
}

/**
 * Creates an FDB that holds up to @p max_entries learned entries (1 to
 * DPB_FDB_LIMIT; 0: DPB_FDB_DEFAULT_MAX), in twice as many slots rounded up
 * to a power of two: 48 bytes a slot (struct dpb_fdb_slot and struct
 * dpb_fdb_info), mapped on their own and, from 2 MB on, in transparent huge
 * pages where the kernel gives them (a lookup in a large table then misses
 * the cache but seldom the TLB). Control thread. @return the FDB, or NULL
 * (errno ENOMEM, or EINVAL).
 */
struct dpb_fdb *dpb_fdb_create(uint32_t max_entries);

/** Frees an FDB no reader can still see. Control thread. */
void dpb_fdb_free(struct dpb_fdb *f);

/** Learns or refreshes (vlan, mac) on @p port at @p now_ms. Control thread only. */
enum dpb_fdb_learn_result dpb_fdb_learn(struct dpb_fdb *f, uint16_t vlan,
					const uint8_t mac[DPB_MAC_LEN], uint32_t port,
					uint64_t now_ms);

/**
 * Adds (vlan, mac) on @p port as a permanent entry, as Linux's bridge does for
 * its own address: learning never moves it, ageing and flushing leave it.
 * Control thread only. @return 0, or -ENOSPC when there is no room.
 */
int dpb_fdb_add_permanent(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
			  uint32_t port);

/**
 * Records @p ipv4 (host byte order) as the address that (vlan, mac) uses,
 * as its ARP frames say. Control thread only. @return 0, or -ENOENT when the
 * entry is not there.
 */
int dpb_fdb_set_ipv4(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
		     uint32_t ipv4);

/**
 * Records @p ipv6 as the IPv6 address that (vlan, mac) uses, as its
 * neighbour discovery says; a link-local address (fe80::/10) does not
 * replace a global one. Control thread only. @return 0, or -ENOENT.
 */
int dpb_fdb_set_ipv6(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
		     const uint8_t ipv6[16]);

/** One entry, as dpb_fdb_foreach() shows it. */
struct dpb_fdb_item {
	uint16_t vlan;
	struct dpb_mac mac;
	uint32_t port;
	uint32_t ipv4;             /**< 0: none seen */
	const uint8_t *ipv6;       /**< NULL: none seen */
};

/** What dpb_fdb_foreach() calls for each entry. */
typedef void (*dpb_fdb_visit_t)(void *ctx, const struct dpb_fdb_item *item);

/** Calls @p fn for every entry, in slot order. Control thread only. */
void dpb_fdb_foreach(const struct dpb_fdb *f, dpb_fdb_visit_t fn, void *ctx);

/**
 * Calls @p fn for every entry in slots [@p first, @p first + @p n), clipped
 * to the table: a walk of a large table a slice at a time. Control thread
 * only. @return the slot after the slice (dpb_fdb_slots() at the table's end).
 */
uint32_t dpb_fdb_foreach_from(const struct dpb_fdb *f, uint32_t first, uint32_t n,
			      dpb_fdb_visit_t fn, void *ctx);

/**
 * Ageing pass: entries hit since the last pass are refreshed to @p now_ms;
 * entries not seen for @p ageing_ms are removed. Control thread only.
 * @return how many were removed.
 */
unsigned int dpb_fdb_age(struct dpb_fdb *f, uint64_t now_ms, uint64_t ageing_ms);

/**
 * The ageing pass over @p n slots from *@p cursor on (wrapping; *@p cursor
 * moves past them), so that a large table is aged a slice a tick rather
 * than all at once: a million MACs are 96 MB of slots. Control thread only.
 * @return how many were removed.
 */
unsigned int dpb_fdb_age_slots(struct dpb_fdb *f, uint32_t *cursor, uint32_t n, uint64_t now_ms,
			       uint64_t ageing_ms);

/** How many slots @p f has (what a whole ageing pass covers). */
uint32_t dpb_fdb_slots(const struct dpb_fdb *f);

/** Removes every learned entry on @p port. Control thread only. @return how many. */
unsigned int dpb_fdb_flush_port(struct dpb_fdb *f, uint32_t port);

/**
 * Removes every entry on @p port, permanent ones too: the port at that
 * position is gone or another one (the bridge's ports were renumbered).
 * Control thread only. @return how many.
 */
unsigned int dpb_fdb_forget_port(struct dpb_fdb *f, uint32_t port);

/**
 * Renders the entries as `bridge fdb show` does, one per line:
 * "MAC dev PORT [vlan N] master BRIDGE", then the entry's age in seconds or
 * "permanent".
 * @p port_names maps port indices to names (n_ports of them). Control thread.
 * @return 0 or -ENOMEM.
 */
int dpb_fdb_show(const struct dpb_fdb *f, const char *bridge, const char *const *port_names,
		 uint32_t n_ports, bool vlan_aware, uint64_t now_ms, struct dpb_strbuf *out);

#endif
