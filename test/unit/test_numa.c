/* SPDX-License-Identifier: BSD-3-Clause */
/* Pools per NUMA node and rx queues dealt to the workers of their node. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_numa.h"

/* A layout: the main lcore on @main, @n workers on the nodes @nodes gives. */
static struct dpb_numa_layout layout(int main, unsigned int n, const int *nodes)
{
	struct dpb_numa_layout l = { .main_node = main, .n_workers = n };

	memcpy(l.worker_node, nodes, n * sizeof(*nodes));
	return l;
}

/* One node, two workers, four NICs and a virtual device: one pool, fed by all. */
static void test_one_node(void **state)
{
	static const int workers[] = { 0, 0 };
	static const int ports[] = { 0, 0, 0, 0, DPB_NUMA_ANY };
	static const unsigned int rxq[] = { 2, 2, 2, 2, 2 };
	struct dpb_numa_layout l = layout(0, 2, workers);
	struct dpb_numa_pools pools;
	unsigned int load[2] = { 0, 0 };
	int of[10];

	(void)state;
	assert_int_equal(dpb_numa_pools(&l, ports, 5, &pools), 0);
	assert_int_equal(pools.n_pools, 1);
	assert_true(pools.needed[0]);
	assert_false(pools.needed[1]);
	assert_int_equal(pools.n_ports[0], 5);
	assert_int_equal(pools.n_workers[0], 2);
	/* Each port's two queues: one to each worker, as a plain round robin. */
	assert_int_equal(dpb_numa_deal(&l, ports, rxq, 5, 64, load, of), 10);
	for (unsigned int k = 0; k < 10; k++)
		assert_int_equal(of[k], (int)(k % 2));
	assert_int_equal(load[0], 5);
	assert_int_equal(load[1], 5);
	for (unsigned int p = 0; p < 5; p++)
		assert_true(dpb_numa_node_has_worker(&l, dpb_numa_port_node(&l, ports[p])));
}

/* Two nodes, two workers on each: each NIC's queues stay on its node. */
static void test_two_nodes(void **state)
{
	static const int workers[] = { 0, 1, 0, 1 };
	static const int ports[] = { 0, 1, 1, 0 };
	static const unsigned int rxq[] = { 2, 2, 2, 2 };
	struct dpb_numa_layout l = layout(0, 4, workers);
	struct dpb_numa_pools pools;
	unsigned int load[4] = { 0 };
	int of[8];

	(void)state;
	assert_int_equal(dpb_numa_pools(&l, ports, 4, &pools), 0);
	assert_int_equal(pools.n_pools, 2);
	assert_true(pools.needed[0] && pools.needed[1]);
	assert_int_equal(pools.n_ports[0], 2);
	assert_int_equal(pools.n_ports[1], 2);
	assert_int_equal(pools.n_workers[0], 2);
	assert_int_equal(pools.n_workers[1], 2);
	assert_int_equal(dpb_numa_deal(&l, ports, rxq, 4, 64, load, of), 8);
	/* port 0 (node 0): workers 0 and 2; port 1 (node 1): 1 and 3; so on. */
	static const int want[] = { 0, 2, 1, 3, 1, 3, 0, 2 };
	assert_memory_equal(of, want, sizeof(want));
	for (unsigned int w = 0; w < 4; w++)
		assert_int_equal(load[w], 2);
}

/* A NIC on node 1, every worker on node 0: a pool on node 1 still (the NIC
 * writes there), its queues to node 0's workers, and the caller can tell. */
static void test_port_without_local_worker(void **state)
{
	static const int workers[] = { 0, 0 };
	static const int ports[] = { 0, 1 };
	static const unsigned int rxq[] = { 2, 2 };
	struct dpb_numa_layout l = layout(0, 2, workers);
	struct dpb_numa_pools pools;
	unsigned int load[2] = { 0, 0 };
	int of[4];

	(void)state;
	assert_int_equal(dpb_numa_pools(&l, ports, 2, &pools), 0);
	assert_int_equal(pools.n_pools, 2);
	assert_int_equal(pools.n_ports[1], 1);
	assert_int_equal(pools.n_workers[1], 0);
	assert_true(dpb_numa_node_has_worker(&l, 0));
	assert_false(dpb_numa_node_has_worker(&l, 1));   /* the warning's case */
	assert_int_equal(dpb_numa_deal(&l, ports, rxq, 2, 64, load, of), 4);
	static const int want[] = { 0, 1, 0, 1 };
	assert_memory_equal(of, want, sizeof(want));
}

/* Workers on node 1 only, main lcore and a virtual device on node 0: the
 * device counts as node 0's, so node 0 has a pool and its queues go afar. */
static void test_socket_any(void **state)
{
	static const int workers[] = { 1 };
	static const int ports[] = { DPB_NUMA_ANY, 1 };
	static const unsigned int rxq[] = { 1, 1 };
	struct dpb_numa_layout l = layout(0, 1, workers);
	struct dpb_numa_pools pools;
	unsigned int load[1] = { 0 };
	int of[2];

	(void)state;
	assert_int_equal(dpb_numa_port_node(&l, DPB_NUMA_ANY), 0);
	assert_int_equal(dpb_numa_port_node(&l, 1), 1);
	assert_int_equal(dpb_numa_pools(&l, ports, 2, &pools), 0);
	assert_int_equal(pools.n_pools, 2);
	assert_int_equal(pools.n_ports[0], 1);
	assert_int_equal(pools.n_ports[1], 1);
	assert_int_equal(pools.n_workers[0], 0);
	assert_int_equal(pools.n_workers[1], 1);
	assert_int_equal(dpb_numa_deal(&l, ports, rxq, 2, 64, load, of), 2);
	assert_int_equal(of[0], 0);
	assert_int_equal(of[1], 0);
	/* The main lcore's node always has a pool, even with nothing on it. */
	static const int only1[] = { 1 };
	assert_int_equal(dpb_numa_pools(&l, only1, 1, &pools), 0);
	assert_int_equal(pools.n_pools, 2);
	assert_true(pools.needed[0]);
	assert_int_equal(pools.n_ports[0], 0);
}

/* A node's workers full: the queue goes to another node's rather than nowhere;
 * every worker full: left out. Queues already polled count as load. */
static void test_full_workers(void **state)
{
	static const int workers[] = { 0, 1 };
	static const int ports[] = { 0 };
	static const unsigned int rxq[] = { 3 };
	struct dpb_numa_layout l = layout(0, 2, workers);
	unsigned int load[2] = { 1, 1 };
	int of[3];

	(void)state;
	assert_int_equal(dpb_numa_deal(&l, ports, rxq, 1, 2, load, of), 3);
	assert_int_equal(of[0], 0);
	assert_int_equal(of[1], 1);
	assert_int_equal(of[2], -1);
	assert_int_equal(load[0], 2);
	assert_int_equal(load[1], 2);
}

/* Bad input: a clear -EINVAL, and nothing dealt. */
static void test_bad_input(void **state)
{
	static const int workers[] = { 0, DPB_NUMA_MAX_NODES };
	static const int good[] = { 0 };
	static const int far[] = { DPB_NUMA_MAX_NODES };
	static const unsigned int rxq[] = { 1 };
	struct dpb_numa_layout l = layout(0, 2, workers);
	struct dpb_numa_layout none = layout(0, 0, workers);
	struct dpb_numa_pools pools;
	unsigned int load[2] = { 0, 0 };
	int of[1] = { 7 };

	(void)state;
	assert_int_equal(dpb_numa_layout_check(&l), -EINVAL);       /* a worker's node */
	assert_int_equal(dpb_numa_layout_check(&none), -EINVAL);    /* no worker */
	assert_int_equal(dpb_numa_pools(&l, good, 1, &pools), -EINVAL);
	assert_int_equal(dpb_numa_deal(&l, good, rxq, 1, 64, load, of), -EINVAL);
	l.n_workers = 1;
	assert_int_equal(dpb_numa_layout_check(&l), 0);
	assert_int_equal(dpb_numa_port_node(&l, DPB_NUMA_MAX_NODES), -EINVAL);
	assert_int_equal(dpb_numa_pools(&l, far, 1, &pools), -EINVAL);
	assert_int_equal(dpb_numa_deal(&l, far, rxq, 1, 64, load, of), -EINVAL);
	assert_int_equal(of[0], 7);
	assert_int_equal(load[0], 0);
	l.main_node = -1;
	assert_int_equal(dpb_numa_layout_check(&l), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_node),
		cmocka_unit_test(test_two_nodes),
		cmocka_unit_test(test_port_without_local_worker),
		cmocka_unit_test(test_socket_any),
		cmocka_unit_test(test_full_workers),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
