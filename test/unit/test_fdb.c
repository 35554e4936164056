/* SPDX-License-Identifier: BSD-3-Clause */
/* The FDB: learn, look up, move, age with hits, flush, full, show. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_fdb.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static void test_learn_lookup_move(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(100);

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->mask, 255);   /* twice 100, rounded up */
	assert_int_equal(f->max_entries, 100);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), -1);
	assert_false(dpb_fdb_source_known(f, 0, mac_a, 1));
	assert_int_equal(dpb_fdb_learn(f, 0, mac_a, 1, 0), DPB_FDB_LEARN_NEW);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), 1);
	assert_int_equal(dpb_fdb_lookup(f, 5, mac_a, NULL), -1);  /* other VLAN */
	assert_int_equal(dpb_fdb_learn(f, 0, mac_a, 1, 10), DPB_FDB_LEARN_REFRESHED);
	assert_false(dpb_fdb_source_known(f, 0, mac_a, 2));
	assert_int_equal(dpb_fdb_learn(f, 0, mac_a, 2, 20), DPB_FDB_LEARN_MOVED);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), 2);
	assert_int_equal(f->n_entries, 1);
	dpb_fdb_free(f);
}

static void test_ageing_with_hits(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(64);

	(void)state;
	dpb_fdb_learn(f, 0, mac_a, 0, 0);
	dpb_fdb_learn(f, 0, mac_b, 1, 0);
	/* b is seen as a source by a worker; a is silent. */
	assert_true(dpb_fdb_source_known(f, 0, mac_b, 1));
	assert_int_equal(dpb_fdb_age(f, 200000, 300000), 0);
	assert_int_equal(dpb_fdb_age(f, 300000, 300000), 1);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), -1);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_b, NULL), 1);
	assert_int_equal(dpb_fdb_age(f, 499999, 300000), 0);
	assert_int_equal(dpb_fdb_age(f, 500000, 300000), 1);
	assert_int_equal(f->n_entries, 0);
	/* A tombstone is reused and lookups past it still work. */
	assert_int_equal(dpb_fdb_learn(f, 0, mac_a, 3, 1), DPB_FDB_LEARN_NEW);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), 3);
	dpb_fdb_free(f);
}

/* Ageing a slice at a time: every slot visited once per whole pass, the cursor wrapping. */
static void test_ageing_in_slices(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(1024);
	uint32_t slots = dpb_fdb_slots(f), cursor = slots - 5, removed = 0;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(slots, 2048);
	for (unsigned int i = 0; i < 1000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		dpb_fdb_learn(f, 0, mac, 1, 0);
	}
	/* Not yet old: a whole pass in slices of 300 removes nothing. */
	for (uint32_t done = 0; done < slots; done += 300)
		removed += dpb_fdb_age_slots(f, &cursor, 300, 1000, 300000);
	assert_int_equal(removed, 0);
	/* Old: slices that cover the table once remove all 1000, the cursor back where it began. */
	cursor = slots - 5;
	for (uint32_t done = 0; done < slots; done += 512)
		removed += dpb_fdb_age_slots(f, &cursor, 512, 300000, 300000);
	assert_int_equal(removed, 1000);
	assert_int_equal(cursor, slots - 5);
	assert_int_equal(f->n_entries, 0);
	/* A slice larger than the table is the table once. */
	assert_int_equal(dpb_fdb_age_slots(f, &cursor, 10 * slots, 400000, 300000), 0);
	dpb_fdb_free(f);
}

static void test_flush_and_full(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(64);
	unsigned int learned = 0;

	(void)state;
	for (unsigned int i = 0; i < 200; i++) {
		uint8_t m[6] = { 0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };

		if (dpb_fdb_learn(f, 0, m, i % 2, 0) == DPB_FDB_LEARN_NEW)
			learned++;
	}
	assert_int_equal(learned, 64);
	assert_int_equal(f->n_full, 136);
	assert_int_equal(dpb_fdb_flush_port(f, 1) + dpb_fdb_flush_port(f, 0), 64);
	assert_int_equal(f->n_entries, 0);
	dpb_fdb_free(f);
}

/*
 * A large network: a million MACs, in sequence as a switch's neighbours'
 * often are, all learned and found, then one more refused and counted;
 * the default size and the limit.
 */
static void test_million(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(1u << 20);
	uint8_t m[6] = { 0x02, 0x42, 0, 0, 0, 0 };
	unsigned int found = 0;

	(void)state;
	assert_non_null(f);
	for (uint32_t i = 0; i < (1u << 20); i++) {
		m[3] = (uint8_t)(i >> 16);
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		if (dpb_fdb_learn(f, (uint16_t)(i & 7), m, i % 3, 0) != DPB_FDB_LEARN_NEW)
			fail_msg("MAC %u not learned", i);
	}
	assert_int_equal(f->n_entries, 1u << 20);
	assert_int_equal(f->n_full, 0);
	for (uint32_t i = 0; i < (1u << 20); i++) {
		m[3] = (uint8_t)(i >> 16);
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		found += dpb_fdb_lookup(f, (uint16_t)(i & 7), m, NULL) == (int)(i % 3);
	}
	assert_int_equal(found, 1u << 20);
	m[2] = 1;
	assert_int_equal(dpb_fdb_learn(f, 0, m, 0, 0), DPB_FDB_LEARN_FULL);
	assert_int_equal(f->n_full, 1);
	/* The host's own MAC is taken all the same. */
	assert_int_equal(dpb_fdb_add_permanent(f, 0, m, 0), 0);
	dpb_fdb_free(f);

	f = dpb_fdb_create(0);
	assert_int_equal(f->max_entries, DPB_FDB_DEFAULT_MAX);
	dpb_fdb_free(f);
	errno = 0;
	assert_null(dpb_fdb_create(DPB_FDB_LIMIT + 1));
	assert_int_equal(errno, EINVAL);
}

static void test_show(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(64);
	const char *names[] = { "bond1", "tst0" };
	struct dpb_strbuf sb;

	(void)state;
	dpb_fdb_learn(f, 0, mac_a, 1, 1000);
	dpb_strbuf_init(&sb);
	dpb_fdb_show(f, "vmbr1", names, 2, false, 5500, &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "02:00:00:00:00:0a dev tst0 master vmbr1 ageing 4 s\n");
	dpb_strbuf_free(&sb);
	dpb_fdb_free(f);
}

static void test_permanent(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(64);
	const char *names[] = { "bond0", "vmbr0" };
	struct dpb_strbuf sb;

	(void)state;
	assert_int_equal(dpb_fdb_add_permanent(f, 0, mac_a, 1), 0);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), 1);
	/* The host's own MAC seen from outside does not move it... */
	assert_int_equal(dpb_fdb_learn(f, 0, mac_a, 0, 10), DPB_FDB_LEARN_PERMANENT);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), 1);
	/* ...nor do ageing and flushing remove it; they still remove the rest. */
	dpb_fdb_learn(f, 0, mac_b, 1, 0);
	assert_int_equal(dpb_fdb_age(f, 1000000, 300000), 1);
	assert_int_equal(dpb_fdb_flush_port(f, 1), 0);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), 1);
	assert_int_equal(f->n_entries, 1);
	/* Forgetting a position (its port gone or renumbered) takes the permanent one too. */
	assert_int_equal(dpb_fdb_forget_port(f, 0), 0);
	assert_int_equal(dpb_fdb_forget_port(f, 1), 1);
	assert_int_equal(dpb_fdb_lookup(f, 0, mac_a, NULL), -1);
	assert_int_equal(dpb_fdb_add_permanent(f, 0, mac_a, 1), 0);
	dpb_strbuf_init(&sb);
	dpb_fdb_show(f, "vmbr0", names, 2, false, 5500, &sb);
	assert_string_equal(dpb_strbuf_str(&sb),
			    "02:00:00:00:00:0a dev vmbr0 master vmbr0 permanent\n");
	dpb_strbuf_free(&sb);
	dpb_fdb_free(f);
}

struct seen {
	unsigned int n;
	uint32_t port_of_a, ipv4_of_a;
	const uint8_t *ipv6_of_a;
};

static void visit(void *ctx, const struct dpb_fdb_item *it)
{
	struct seen *s = ctx;

	s->n++;
	if (it->vlan == 7 && memcmp(it->mac.b, mac_a, 6) == 0) {
		s->port_of_a = it->port;
		s->ipv4_of_a = it->ipv4;
		s->ipv6_of_a = it->ipv6;
	}
}

static void test_ipv4_and_foreach(void **state)
{
	struct dpb_fdb *f = dpb_fdb_create(64);
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(dpb_fdb_set_ipv4(f, 7, mac_a, 0xc000020b), -ENOENT);
	dpb_fdb_learn(f, 7, mac_a, 2, 0);
	dpb_fdb_learn(f, 0, mac_b, 1, 0);
	assert_int_equal(dpb_fdb_set_ipv4(f, 7, mac_a, 0xc000020b), 0);
	assert_int_equal(dpb_fdb_set_ipv6(f, 7, mac_a, (const uint8_t *)"\x20\x01\x0d\xb8"
					  "\0\0\0\0\0\0\0\0\0\0\0\x0b"), 0);
	/* A move keeps the address; a new entry in a reused slot starts without. */
	assert_int_equal(dpb_fdb_learn(f, 7, mac_a, 3, 10), DPB_FDB_LEARN_MOVED);
	dpb_fdb_foreach(f, visit, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.port_of_a, 3);
	assert_int_equal(s.ipv4_of_a, 0xc000020b);
	assert_non_null(s.ipv6_of_a);
	assert_int_equal(s.ipv6_of_a[15], 0x0b);
	/* A link-local address does not replace the global one... */
	dpb_fdb_set_ipv6(f, 7, mac_a, (const uint8_t *)"\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x0c");
	dpb_fdb_foreach(f, visit, &s);
	assert_int_equal(s.ipv6_of_a[0], 0x20);
	dpb_fdb_flush_port(f, 3);
	dpb_fdb_learn(f, 7, mac_a, 3, 20);
	memset(&s, 0, sizeof(s));
	dpb_fdb_foreach(f, visit, &s);
	assert_int_equal(s.ipv4_of_a, 0);
	assert_null(s.ipv6_of_a);
	dpb_fdb_free(f);
}

static void count_visit(void *ctx, const struct dpb_fdb_item *it)
{
	unsigned int *seen = ctx;

	seen[it->mac.b[4] << 8 | it->mac.b[5]]++;
}

/* dpb_fdb_foreach_from: slices of any size visit every entry once, and stop at the table's end. */
static void test_foreach_in_slices(void **state)
{
	static unsigned int seen[1000];
	struct dpb_fdb *f = dpb_fdb_create(1000);   /* 2048 slots */
	uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };

	(void)state;
	for (unsigned int i = 0; i < 700; i++) {
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		assert_int_equal(dpb_fdb_learn(f, 0, m, 1, 0), DPB_FDB_LEARN_NEW);
	}
	for (uint32_t slice = 1; slice <= 4096; slice *= 7) {
		uint32_t at = 0, calls = 0;

		memset(seen, 0, sizeof(seen));
		while (at < dpb_fdb_slots(f)) {
			uint32_t next = dpb_fdb_foreach_from(f, at, slice, count_visit, seen);

			assert_true(next > at && next - at <= slice);
			at = next;
			calls++;
		}
		assert_int_equal(at, dpb_fdb_slots(f));
		assert_int_equal(calls, (dpb_fdb_slots(f) + slice - 1) / slice);
		for (unsigned int i = 0; i < 1000; i++)
			assert_int_equal(seen[i], i < 700 ? 1 : 0);
	}
	/* past the end: nothing, and the end again */
	assert_int_equal(dpb_fdb_foreach_from(f, dpb_fdb_slots(f), 10, count_visit, seen),
			 dpb_fdb_slots(f));
	dpb_fdb_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_lookup_move),
		cmocka_unit_test(test_ageing_with_hits),
		cmocka_unit_test(test_ageing_in_slices),
		cmocka_unit_test(test_flush_and_full),
		cmocka_unit_test(test_million),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_ipv4_and_foreach),
		cmocka_unit_test(test_foreach_in_slices),
	};

	return cmocka_run_group_tests_name("fdb", tests, NULL, NULL);
}
