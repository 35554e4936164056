/* SPDX-License-Identifier: BSD-3-Clause */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "dp_env.h"
#include "dpb_ctl.h"
#include "pool_guard.h"

int dp_eal_init(const char *name, const char *extra_log)
{
	static char prefix[64];
	/* Every mbuf pool on the guard driver: a double free is caught. */
	char *argv[] = { (char *)name, "-l", "0", "--no-huge", "--no-pci", "-m", "512",
			 "--file-prefix", prefix, "--mbuf-pool-ops-name", DPB_POOL_GUARD_OPS,
			 "--log-level", "lib.eal:error", "--log-level", (char *)extra_log, NULL };
	int argc = extra_log ? 15 : 13;

	snprintf(prefix, sizeof(prefix), "dpbt-%s-%d", name, (int)getpid());
	return rte_eal_init(argc, argv) < 0 ? -1 : 0;
}

int dp_cfg_load(struct dpb_cfg *cfg, const char *text)
{
	char path[] = "/tmp/dpbt-cfg-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	rc = dpb_cfg_load(cfg, path, NULL, 0);
	if (rc < 0)
		dpb_cfg_print_diags(cfg, stderr);
	unlink(path);
	return rc < 0 ? -1 : 0;
}

static void collect_pool(struct rte_mempool *mp, void *arg)
{
	struct rte_mempool **pools = arg;

	for (unsigned int i = 0; i < 15; i++) {
		if (pools[i] == NULL) {
			pools[i] = mp;
			return;
		}
	}
}

int dp_eal_fini(void)
{
	struct rte_mempool *pools[16] = { NULL };
	char cmd[PATH_MAX + 16];

	/* The test's own pools (dpbond frees its own). */
	rte_mempool_walk(collect_pool, pools);
	for (unsigned int i = 0; pools[i] != NULL; i++)
		rte_mempool_free(pools[i]);

	/* EAL leaves its runtime folder behind: this process's prefix only. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	return system(cmd) == 0 ? 0 : -1;
}

int dp_pool_full(const struct rte_mempool *pool)
{
	unsigned int avail = rte_mempool_avail_count(pool);

	if (avail == pool->size)
		return 0;
	fprintf(stderr, "test pool: %u of %u mbufs back\n", avail, pool->size);
	return -1;
}

static void flush_cache(struct rte_mempool *mp, void *arg)
{
	(void)arg;
	rte_mempool_cache_flush(rte_mempool_default_cache(mp, rte_lcore_id()), mp);
}

int dp_pools_check(void)
{
	uint64_t n;

	/* What this lcore's caches hold reaches the guard now. */
	rte_mempool_walk(flush_cache, NULL);
	n = dpb_pool_guard_double_frees();
	if (n == 0)
		return 0;
	fprintf(stderr, "pool guard: %lu mbufs were freed twice\n", (unsigned long)n);
	return -1;
}

int dp_finish(struct dpb_ctl **ctl, const struct rte_mempool *pool)
{
	int rc = 0;

	if (*ctl && dpb_ctl_destroy(*ctl) < 0)   /* -EIO: dpbond's pool is not full */
		rc = -1;
	*ctl = NULL;
	if (pool && dp_pool_full(pool) < 0)
		rc = -1;
	if (dp_pools_check() < 0)
		rc = -1;
	return rc;
}

int dp_ring_ports(unsigned int n, struct rte_ring **rx, struct rte_ring **tx)
{
	for (unsigned int p = 0; p < n; p++) {
		char name[32];

		snprintf(name, sizeof(name), "rx%u", p);
		rx[p] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "tx%u", p);
		tx[p] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "net_ring_eth%u", p);
		/* Created in order: port ids 0..n-1 are eth0..eth(n-1). */
		if (rx[p] == NULL || tx[p] == NULL ||
		    rte_eth_from_rings(name, &rx[p], 1, &tx[p], 1, 0) != (int)p)
			return -1;
	}
	return 0;
}

int dp_teardown(struct dpb_ctl **ctl)
{
	if (*ctl)
		dpb_ctl_destroy(*ctl);
	*ctl = NULL;
	return dp_eal_fini();
}
