/* SPDX-License-Identifier: BSD-3-Clause */
/* The FDB's writer side: learn, age, flush, show. See dpb_fdb.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dpb_fdb.h"

#define HUGE_PAGE (2u << 20)
#define MIN_U32(a, b) ((a) < (b) ? (a) : (b))

struct dpb_fdb *dpb_fdb_create(uint32_t max_entries)
{
	uint32_t n = 64;
	struct dpb_fdb *f;
	size_t slots_len, len;
	void *map;

	if (max_entries == 0)
		max_entries = DPB_FDB_DEFAULT_MAX;
	if (max_entries > DPB_FDB_LIMIT) {
		errno = EINVAL;
		return NULL;
	}
	while (n < 2 * max_entries)
		n <<= 1;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* One zeroed mapping: the slots, then the writer's fields. */
	slots_len = (size_t)n * sizeof(f->slots[0]);
	len = slots_len + (size_t)n * sizeof(f->info[0]);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	if (len >= HUGE_PAGE)
		(void)madvise(map, len, MADV_HUGEPAGE);  /* a hint: 4 KB pages do too */
	f->slots = map;
	f->info = (struct dpb_fdb_info *)((char *)map + slots_len);
	f->map_len = len;
	f->mask = n - 1;
	f->max_entries = max_entries;
	return f;
}

void dpb_fdb_free(struct dpb_fdb *f)
{
	if (f == NULL)
		return;
	munmap(f->slots, f->map_len);
	free(f);
}

static enum dpb_fdb_learn_result put(struct dpb_fdb *f, uint16_t vlan,
				     const uint8_t mac[DPB_MAC_LEN], uint32_t port,
				     uint64_t now_ms, bool permanent)
{
	uint64_t key = dpb_fdb_key(vlan, mac);
	uint32_t h = dpb_fdb_hash(key), free_at = UINT32_MAX;
	struct dpb_fdb_slot *e;
	struct dpb_fdb_info *in;

	for (uint32_t i = 0; i < DPB_FDB_MAX_PROBE; i++) {
		uint32_t at = (h + i) & f->mask;
		uint64_t k = atomic_load_explicit(&f->slots[at].key, memory_order_relaxed);

		e = &f->slots[at];
		in = &f->info[at];
		if (k == key) {
			if (in->permanent && !permanent)
				return DPB_FDB_LEARN_PERMANENT;
			in->permanent = permanent;
			in->updated_ms = now_ms;
			if (atomic_load_explicit(&e->port, memory_order_relaxed) == port)
				return DPB_FDB_LEARN_REFRESHED;
			atomic_store_explicit(&e->port, port, memory_order_release);
			return DPB_FDB_LEARN_MOVED;
		}
		if (k == DPB_FDB_KEY_TOMB && free_at == UINT32_MAX)
			free_at = at;
		if (k == DPB_FDB_KEY_EMPTY) {
			if (free_at == UINT32_MAX)
				free_at = at;
			break;
		}
	}
	/* A permanent entry (the host's own MACs) is taken beyond the limit. */
	if (free_at == UINT32_MAX || (!permanent && f->n_entries >= f->max_entries)) {
		f->n_full++;
		return DPB_FDB_LEARN_FULL;
	}
	e = &f->slots[free_at];
	in = &f->info[free_at];
	in->updated_ms = now_ms;
	in->permanent = permanent;
	in->ipv4 = 0;
	in->has_ipv6 = false;
	atomic_store_explicit(&e->hit, 0, memory_order_relaxed);
	atomic_store_explicit(&e->port, port, memory_order_relaxed);
	atomic_store_explicit(&e->key, key, memory_order_release);
	f->n_entries++;
	return DPB_FDB_LEARN_NEW;
}

enum dpb_fdb_learn_result dpb_fdb_learn(struct dpb_fdb *f, uint16_t vlan,
					const uint8_t mac[DPB_MAC_LEN], uint32_t port,
					uint64_t now_ms)
{
	return put(f, vlan, mac, port, now_ms, false);
}

int dpb_fdb_add_permanent(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
			  uint32_t port)
{
	return put(f, vlan, mac, port, 0, true) == DPB_FDB_LEARN_FULL ? -ENOSPC : 0;
}

/* The writer's fields of (vlan, mac), or NULL. */
static struct dpb_fdb_info *find(struct dpb_fdb *f, uint64_t key)
{
	uint32_t h = dpb_fdb_hash(key);

	for (uint32_t i = 0; i < DPB_FDB_MAX_PROBE; i++) {
		uint32_t at = (h + i) & f->mask;
		uint64_t k = atomic_load_explicit(&f->slots[at].key, memory_order_relaxed);

		if (k == key)
			return &f->info[at];
		if (k == DPB_FDB_KEY_EMPTY)
			break;
	}
	return NULL;
}

int dpb_fdb_set_ipv4(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
		     uint32_t ipv4)
{
	struct dpb_fdb_info *e = find(f, dpb_fdb_key(vlan, mac));

	if (e == NULL)
		return -ENOENT;
	e->ipv4 = ipv4;
	return 0;
}

static bool is_link_local6(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

int dpb_fdb_set_ipv6(struct dpb_fdb *f, uint16_t vlan, const uint8_t mac[DPB_MAC_LEN],
		     const uint8_t ipv6[16])
{
	struct dpb_fdb_info *e = find(f, dpb_fdb_key(vlan, mac));

	if (e == NULL)
		return -ENOENT;
	if (e->has_ipv6 && is_link_local6(ipv6) && !is_link_local6(e->ipv6))
		return 0;
	memcpy(e->ipv6, ipv6, sizeof(e->ipv6));
	e->has_ipv6 = true;
	return 0;
}

static void key_mac(uint64_t k, struct dpb_mac *mac)
{
	for (int b = 0; b < DPB_MAC_LEN; b++)
		mac->b[b] = (uint8_t)(k >> (40 - 8 * b));
}

void dpb_fdb_foreach(const struct dpb_fdb *f, dpb_fdb_visit_t fn, void *ctx)
{
	dpb_fdb_foreach_from(f, 0, f->mask + 1, fn, ctx);
}

uint32_t dpb_fdb_foreach_from(const struct dpb_fdb *f, uint32_t first, uint32_t n,
			      dpb_fdb_visit_t fn, void *ctx)
{
	uint32_t end = first > f->mask ? first : first + MIN_U32(n, f->mask + 1 - first);

	for (uint32_t i = first; i < end; i++) {
		const struct dpb_fdb_slot *e = &f->slots[i];
		const struct dpb_fdb_info *in = &f->info[i];
		uint64_t k = atomic_load_explicit(&e->key, memory_order_relaxed);
		struct dpb_fdb_item item;

		if (!(k & DPB_FDB_KEY_VALID))
			continue;
		key_mac(k, &item.mac);
		item.vlan = (uint16_t)((k >> 48) & 0xfff);
		item.port = atomic_load_explicit(&e->port, memory_order_relaxed);
		item.ipv4 = in->ipv4;
		item.ipv6 = in->has_ipv6 ? in->ipv6 : NULL;
		fn(ctx, &item);
	}
	return end;
}

static void remove_entry(struct dpb_fdb *f, struct dpb_fdb_slot *e)
{
	atomic_store_explicit(&e->key, DPB_FDB_KEY_TOMB, memory_order_release);
	f->n_entries--;
}

uint32_t dpb_fdb_slots(const struct dpb_fdb *f)
{
	return f->mask + 1;
}

unsigned int dpb_fdb_age(struct dpb_fdb *f, uint64_t now_ms, uint64_t ageing_ms)
{
	uint32_t cursor = 0;

	return dpb_fdb_age_slots(f, &cursor, f->mask + 1, now_ms, ageing_ms);
}

unsigned int dpb_fdb_age_slots(struct dpb_fdb *f, uint32_t *cursor, uint32_t n, uint64_t now_ms,
			       uint64_t ageing_ms)
{
	unsigned int removed = 0;

	if (n > f->mask + 1)
		n = f->mask + 1;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t at = (*cursor + k) & f->mask;
		struct dpb_fdb_slot *e = &f->slots[at];
		struct dpb_fdb_info *in = &f->info[at];

		if (!(atomic_load_explicit(&e->key, memory_order_relaxed) & DPB_FDB_KEY_VALID) ||
		    in->permanent)
			continue;
		if (atomic_load_explicit(&e->hit, memory_order_relaxed)) {
			atomic_store_explicit(&e->hit, 0, memory_order_relaxed);
			in->updated_ms = now_ms;
		} else if (now_ms - in->updated_ms >= ageing_ms) {
			remove_entry(f, e);
			removed++;
		}
	}
	*cursor = (*cursor + n) & f->mask;
	return removed;
}

static unsigned int remove_port(struct dpb_fdb *f, uint32_t port, bool permanent_too)
{
	unsigned int removed = 0;

	for (uint32_t i = 0; i <= f->mask; i++) {
		struct dpb_fdb_slot *e = &f->slots[i];

		if ((atomic_load_explicit(&e->key, memory_order_relaxed) & DPB_FDB_KEY_VALID) &&
		    (permanent_too || !f->info[i].permanent) &&
		    atomic_load_explicit(&e->port, memory_order_relaxed) == port) {
			remove_entry(f, e);
			removed++;
		}
	}
	return removed;
}

unsigned int dpb_fdb_flush_port(struct dpb_fdb *f, uint32_t port)
{
	return remove_port(f, port, false);
}

unsigned int dpb_fdb_forget_port(struct dpb_fdb *f, uint32_t port)
{
	return remove_port(f, port, true);
}

int dpb_fdb_show(const struct dpb_fdb *f, const char *bridge, const char *const *port_names,
		 uint32_t n_ports, bool vlan_aware, uint64_t now_ms, struct dpb_strbuf *out)
{
	for (uint32_t i = 0; i <= f->mask; i++) {
		const struct dpb_fdb_slot *e = &f->slots[i];
		const struct dpb_fdb_info *in = &f->info[i];
		uint64_t k = atomic_load_explicit(&e->key, memory_order_relaxed);
		uint32_t port = atomic_load_explicit(&e->port, memory_order_relaxed);
		struct dpb_mac mac;
		char buf[DPB_MAC_STR_LEN];

		if (!(k & DPB_FDB_KEY_VALID))
			continue;
		key_mac(k, &mac);
		dpb_strbuf_printf(out, "%s dev %s", dpb_mac_format(&mac, buf),
				  port < n_ports ? port_names[port] : "?");
		if (vlan_aware)
			dpb_strbuf_printf(out, " vlan %u", (unsigned int)(k >> 48) & 0xfff);
		if (in->permanent)
			dpb_strbuf_printf(out, " master %s permanent\n", bridge);
		else
			dpb_strbuf_printf(out, " master %s ageing %llu s\n", bridge,
					  (unsigned long long)((now_ms - in->updated_ms) / 1000));
	}
	return out->oom ? -ENOMEM : 0;
}
