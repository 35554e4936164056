/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --status-dir DIR: the files where monitoring looks for a kernel bond, kept
 * for dpbond's bonds with Linux's exact contents (drivers/net/bonding's
 * bond_sysfs.c and bond_sysfs_slave.c):
 *
 *   DIR/proc/net/bonding/BOND              what `show bonding BOND` prints
 *   DIR/sys/class/net/bonding_masters
 *   DIR/sys/class/net/BOND/bonding/{mode,slaves,active_slave,...}
 *   DIR/sys/class/net/BOND/lower_MEMBER -> ../MEMBER
 *   DIR/sys/class/net/MEMBER/bonding_slave/{mii_status,state,...}
 *   DIR/sys/class/net/MEMBER/master -> ../BOND
 *   DIR/sys/class/net/IFACE/{operstate,address,mtu,statistics/...}
 *
 * The control loop refreshes the status every CTL_STATUS_MS (well within a
 * miimon interval) and the statistics every second; a file is written only
 * when its content changed, each write a new file renamed over the old one,
 * so a reader never sees half a file. Control lcore only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "ctl_priv.h"
#include "ctl_status.h"

#define CACHE_SLOTS 4096   /* files remembered by path: far more than 64 interfaces have */

struct ctl_status {
	char dir[PATH_MAX];
	char prom[PATH_MAX];                 /* "" : no textfile */
	uint64_t next_ms, next_stats_ms;
	uint64_t path_hash[CACHE_SLOTS];     /* 0: free */
	uint64_t content_hash[CACHE_SLOTS];
	char names[DPB_CFG_MAX_IFACES][DPB_NAME_LEN]; /* interfaces of the last refresh */
	unsigned int n_names;
	uint64_t writes, failures;
	bool changed;                        /* a status file changed in this refresh */
	bool warned;
};

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	return h | 1;
}

/* The cache slot of @path, free or its own. */
static unsigned int slot_of(struct ctl_status *st, uint64_t ph)
{
	unsigned int i = (unsigned int)ph & (CACHE_SLOTS - 1);

	for (unsigned int n = 0; n < CACHE_SLOTS; n++, i = (i + 1) & (CACHE_SLOTS - 1))
		if (st->path_hash[i] == ph || st->path_hash[i] == 0)
			return i;
	return CACHE_SLOTS;   /* full: write every time */
}

static int mkdirs(char *path, size_t upto)
{
	for (size_t i = 1; i <= upto; i++) {
		char ch = path[i];

		if (ch != '/' && ch != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			path[i] = ch;
			return -errno;
		}
		path[i] = ch;
	}
	return 0;
}

static void failed(struct ctl_status *st, const char *path, int err)
{
	st->failures++;
	if (!st->warned)
		DPB_LOG(WARNING, CTL, "status file %s: %s (said once; `show ctl` counts the failures)",
			path, strerror(err));
	st->warned = true;
}

int ctl_write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX + 8];
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

static void put_file(struct ctl_status *st, const char *base, const char *rel, const char *text,
		     bool status)
{
	char path[PATH_MAX];
	size_t len = strlen(text);
	uint64_t ph, ch = fnv(text, len);
	unsigned int s;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", base, rel) >= sizeof(path))
		return;
	ph = fnv(path, strlen(path));
	s = slot_of(st, ph);
	if (s < CACHE_SLOTS && st->path_hash[s] == ph && st->content_hash[s] == ch)
		return;
	rc = ctl_write_atomic(path, text, len);
	if (rc == -ENOENT && mkdirs(path, strrchr(path, '/') - path) == 0)
		rc = ctl_write_atomic(path, text, len);
	if (rc < 0) {
		failed(st, path, -rc);
		return;
	}
	st->writes++;
	st->changed |= status;
	if (s < CACHE_SLOTS) {
		st->path_hash[s] = ph;
		st->content_hash[s] = ch;
	}
}

static void put(struct ctl_status *st, const char *rel, bool status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(struct ctl_status *st, const char *rel, bool status, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put_file(st, st->dir, rel, text, status);
}

/* A relative link @rel -> @target, as the kernel's lower_ and master links. */
static void put_link(struct ctl_status *st, const char *rel, const char *target)
{
	char path[PATH_MAX], now[PATH_MAX];
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", st->dir, rel) >= sizeof(path))
		return;
	n = readlink(path, now, sizeof(now) - 1);
	if (n >= 0) {
		now[n] = '\0';
		if (strcmp(now, target) == 0)
			return;
		unlink(path);
	}
	if (symlink(target, path) < 0 && (errno != ENOENT ||
	    mkdirs(path, strrchr(path, '/') - path) < 0 || symlink(target, path) < 0))
		failed(st, path, errno);
}

static void bond_files(struct dpb_ctl *c, struct ctl_status *st, const struct ctl_bond *cb)
{
	const struct dpb_bond *b = &cb->bond;
	const char *n = b->name;
	bool ad = cb->lacp != NULL;
	struct dpb_bond_ad_info info = { 0 };
	char rel[PATH_MAX], list[DPB_BOND_MAX_MEMBERS * DPB_NAME_LEN + 2] = "";
	char mac[DPB_MAC_STR_LEN];
	struct dpb_strbuf text;
	size_t len = 0;

	if (ad)
		ctl_lacp_ad_info(cb, &info);
	dpb_strbuf_init(&text);
	dpb_ctl_show_bonding(c, n, &text);
	snprintf(rel, sizeof(rel), "proc/net/bonding/%s", n);
	if (!text.oom)
		put_file(st, st->dir, rel, text.s, true);
	dpb_strbuf_free(&text);

#define BF(file, ...) do { snprintf(rel, sizeof(rel), "sys/class/net/%s/bonding/" file, n); \
	put(st, rel, true, __VA_ARGS__); } while (0)
	for (unsigned int k = 0; k < b->n_members; k++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", k ? " " : "",
					b->members[k].name);
	BF("mode", "%s %d\n", dpb_bond_mode_name(b->mode), (int)b->mode);
	BF("slaves", "%s%s", list, list[0] ? "\n" : "");
	if (b->ops->uses_primary && b->curr_active >= 0)
		BF("active_slave", "%s\n", b->members[b->curr_active].name);
	else
		BF("active_slave", "%s", "");
	BF("mii_status", "%s\n", (ad ? info.carrier : b->carrier) ? "up" : "down");
	BF("miimon", "%u\n", b->miimon_ms);
	BF("updelay", "%u\n", b->updelay * b->miimon_ms);
	BF("downdelay", "%u\n", b->downdelay * b->miimon_ms);
	BF("xmit_hash_policy", "%s %d\n", dpb_xmit_hash_policy_name(b->xmit_hash_policy),
	   (int)b->xmit_hash_policy);
	BF("lacp_rate", "%s %d\n", cb->lacp_params.fast ? "fast" : "slow", cb->lacp_params.fast);
	BF("ad_select", "%s %d\n", dpb_lacp_ad_select_name(cb->lacp_params.ad_select),
	   (int)cb->lacp_params.ad_select);
	BF("min_links", "%u\n", cb->min_links);
	if (ad && info.active_aggregator) {   /* bond_3ad_get_active_agg_info() found one */
		BF("ad_aggregator", "%u\n", info.active_aggregator);
		BF("ad_num_ports", "%u\n", info.n_ports);
		BF("ad_partner_mac", "%s\n", dpb_mac_format(&info.partner_system, mac));
	} else {
		BF("ad_aggregator", "%s", "");
		BF("ad_num_ports", "%s", "");
		BF("ad_partner_mac", "%s", "");
	}
	if (b->ops->uses_primary && b->primary >= 0)
		BF("primary", "%s\n", b->members[b->primary].name);
	else
		BF("primary", "%s", "");
#undef BF

	for (unsigned int k = 0; k < b->n_members; k++) {
		const struct dpb_bond_member *m = &b->members[k];
		const struct dpb_bond_ad_member *a = &info.members[k];
		char target[DPB_NAME_LEN + 4];

#define SF(file, ...) do { snprintf(rel, sizeof(rel), "sys/class/net/%s/bonding_slave/" file, \
	m->name); put(st, rel, true, __VA_ARGS__); } while (0)
		SF("mii_status", "%s\n", dpb_member_link_name(m->link));
		SF("link_failure_count", "%u\n", m->link_failure_count);
		SF("state", "%s\n", dpb_bond_member_rx_ok(b, k) ? "active" : "backup");
		SF("perm_hwaddr", "%s\n", dpb_mac_format(&m->perm_addr, mac));
		SF("queue_id", "%u\n", m->queue_id);
		if (ad && a->aggregator)
			SF("ad_aggregator_id", "%u\n", a->aggregator);
		else
			SF("ad_aggregator_id", "%s", "N/A\n");
		if (ad && a->aggregator) {   /* Linux: only a port in an aggregator */
			SF("ad_actor_oper_port_state", "%u\n", a->actor.state);
			SF("ad_partner_oper_port_state", "%u\n", a->partner.state);
		} else {
			SF("ad_actor_oper_port_state", "%s", "N/A\n");
			SF("ad_partner_oper_port_state", "%s", "N/A\n");
		}
#undef SF
		snprintf(rel, sizeof(rel), "sys/class/net/%s/lower_%s", n, m->name);
		snprintf(target, sizeof(target), "../%s", m->name);
		put_link(st, rel, target);
		snprintf(rel, sizeof(rel), "sys/class/net/%s/master", m->name);
		snprintf(target, sizeof(target), "../%s", n);
		put_link(st, rel, target);
	}
}

/* operstate, address and mtu of an interface with a device or a bond. */
static void iface_files(struct dpb_ctl *c, struct ctl_status *st, int i, bool stats)
{
	const struct ctl_iface *f = &c->ifs[i];
	char rel[PATH_MAX], mac[DPB_MAC_STR_LEN];
	struct ctl_sums s;
	uint64_t dropped[2] = { 0, 0 };   /* by enum dpb_drop_dir */
	bool up;
	struct dpb_mac addr;
	unsigned int mtu;

	if (c->ifs[i].port >= 0) {
		const struct dpb_port *p = &c->ports[c->ifs[i].port];
		struct dpb_port_link l;
		struct rte_ether_addr a;

		dpb_port_link(p, &l);
		up = l.up;
		rte_eth_macaddr_get(p->port_id, &a);
		memcpy(addr.b, a.addr_bytes, sizeof(addr.b));
		mtu = p->mtu;
	} else {
		const struct ctl_bond *cb = &c->bonds[c->ifs[i].bond];

		up = ctl_bond_up(cb);
		addr = cb->bond.addr;
		mtu = f->mtu ? f->mtu : 1500;
	}
#define IF(file, status, ...) do { snprintf(rel, sizeof(rel), "sys/class/net/%s/" file, f->name); \
	put(st, rel, status, __VA_ARGS__); } while (0)
	IF("operstate", true, "%s\n", up ? "up" : "down");
	IF("address", true, "%s\n", dpb_mac_format(&addr, mac));
	IF("mtu", true, "%u\n", mtu);
	if (!stats)
		return;
	ctl_sums_of(c, i, &s);
	/* As Linux: a frame lost on its way out (no member, link down, queue
	 * full) is tx_dropped of the interface it was to leave by. */
	for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
		dropped[dpb_drop_reason_dir(r) == DPB_DROP_DIR_TX] += s.drops[r];
	IF("statistics/rx_packets", false, "%lu\n", (unsigned long)s.rx_pkts);
	IF("statistics/tx_packets", false, "%lu\n", (unsigned long)s.tx_pkts);
	IF("statistics/rx_bytes", false, "%lu\n", (unsigned long)s.rx_bytes);
	IF("statistics/tx_bytes", false, "%lu\n", (unsigned long)s.tx_bytes);
	IF("statistics/rx_dropped", false, "%lu\n", (unsigned long)dropped[DPB_DROP_DIR_RX]);
	IF("statistics/tx_dropped", false, "%lu\n", (unsigned long)dropped[DPB_DROP_DIR_TX]);
#undef IF
}

/* Removes DIR/REL and what is under it (only what dpbond wrote there). */
static void remove_tree(int dirfd, const char *rel)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0) {
		unlinkat(dirfd, rel, 0);
		return;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_tree(fd, e->d_name);
	closedir(d);
	unlinkat(dirfd, rel, AT_REMOVEDIR);
}

/* Removes the files of interfaces that are gone (all of them with @p all). */
static void remove_gone(struct dpb_ctl *c, struct ctl_status *st, bool all)
{
	int root = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char rel[PATH_MAX];
	bool any = false;

	if (root < 0)
		return;
	for (unsigned int k = 0; k < st->n_names; k++) {
		int i = all ? -1 : ctl_find_name(c, st->names[k]);

		if (i >= 0 && ctl_has_stats(c, i))
			continue;
		snprintf(rel, sizeof(rel), "sys/class/net/%s", st->names[k]);
		remove_tree(root, rel);
		snprintf(rel, sizeof(rel), "proc/net/bonding/%s", st->names[k]);
		unlinkat(root, rel, 0);
		any = true;
	}
	if (all)
		unlinkat(root, "sys/class/net/bonding_masters", 0);
	close(root);
	if (any)   /* forget every file: the survivors are written again */
		memset(st->path_hash, 0, sizeof(st->path_hash));
}

/* Within one miimon interval of every change: every CTL_STATUS_MS, or the least miimon. */
static uint64_t ctl_status_period(const struct dpb_ctl *c)
{
	uint64_t ms = CTL_STATUS_MS;

	for (unsigned int i = 0; i < c->n_bonds; i++)
		if (c->bonds[i].bond.miimon_ms && c->bonds[i].bond.miimon_ms < ms)
			ms = c->bonds[i].bond.miimon_ms;
	return ms;
}

void ctl_status_refresh(struct dpb_ctl *c, uint64_t now)
{
	struct ctl_status *st = c->status;
	char masters[DPB_FWD_MAX_BONDS * DPB_NAME_LEN + 2] = "";
	size_t len = 0;
	bool stats;

	if (st == NULL || now < st->next_ms)
		return;
	st->next_ms = now + ctl_status_period(c);
	stats = now >= st->next_stats_ms;
	if (stats)
		st->next_stats_ms = now + 1000;
	st->changed = false;
	if (st->dir[0] == '\0')
		goto prom;
	remove_gone(c, st, false);
	st->n_names = 0;
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		if (!ctl_has_stats(c, (int)i))
			continue;
		snprintf(st->names[st->n_names++], DPB_NAME_LEN, "%s", c->ifs[i].name);
		if (c->ifs[i].bond >= 0) {
			bond_files(c, st, &c->bonds[c->ifs[i].bond]);
			len += (size_t)snprintf(masters + len, sizeof(masters) - len, "%s%s",
						len ? " " : "", c->ifs[i].name);
		}
		iface_files(c, st, (int)i, stats);
	}
	put(st, "sys/class/net/bonding_masters", true, "%s%s", masters, masters[0] ? "\n" : "");
prom:
	if (st->prom[0] && (stats || st->changed)) {
		if (ctl_prom_write(c, st->prom) < 0)
			failed(st, st->prom, errno);
		else
			st->writes++;
	}
}

int dpb_ctl_check_status_dir(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/proc/net/bonding/.dpbond-probe", dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	rc = mkdirs(path, strrchr(path, '/') - path);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/sys/class/net/.dpbond-probe", dir);
		rc = mkdirs(path, strrchr(path, '/') - path);
	}
	if (rc == 0)
		rc = ctl_write_atomic(path, "", 0);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot write the status there: %s", dir, strerror(-rc));
		return rc;
	}
	unlink(path);
	return 0;
}

/*
 * What an earlier dpbond left in @p dir when it did not stop cleanly (a
 * crash, the watchdog's kill): gone before the first refresh, so monitoring
 * never reads a bond that is no more. Only in a directory dpbond has marked
 * as its own (DIR/.dpbond-status), which it marks now.
 */
static void clear_stale(const char *dir)
{
	static const char *const subs[] = { "proc/net/bonding", "sys/class/net" };
	char path[PATH_MAX];
	int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return;
	if (faccessat(root, ".dpbond-status", F_OK, 0) == 0)
		for (size_t k = 0; k < sizeof(subs) / sizeof(subs[0]); k++) {
			int fd = openat(root, subs[k], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			DIR *d = fd < 0 ? NULL : fdopendir(fd);
			struct dirent *e;

			if (d == NULL) {
				if (fd >= 0)
					close(fd);
				continue;
			}
			while ((e = readdir(d)) != NULL)
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					remove_tree(fd, e->d_name);
			closedir(d);
		}
	close(root);
	snprintf(path, sizeof(path), "%s/.dpbond-status", dir);
	ctl_write_atomic(path, "the status of a dpbond: its files are removed when it starts and stops\n",
			 strlen("the status of a dpbond: its files are removed when it starts and stops\n"));
}

int dpb_ctl_set_status(struct dpb_ctl *c, const char *dir, const char *prom_file)
{
	struct ctl_status *st;
	char err[PATH_MAX + 64];

	if (dir == NULL && prom_file == NULL)
		return 0;
	if (dir && dpb_ctl_check_status_dir(dir, err, sizeof(err)) < 0) {
		DPB_LOG(ERR, CTL, "--status-dir %s", err);
		return -EACCES;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	if (dir)
		clear_stale(dir);
	snprintf(st->dir, sizeof(st->dir), "%s", dir ? dir : "");
	snprintf(st->prom, sizeof(st->prom), "%s", prom_file ? prom_file : "");
	if (st->prom[0] && ctl_prom_write(c, st->prom) < 0) {
		DPB_LOG(ERR, CTL, "--prom-file %s: cannot write it: %s", st->prom,
			strerror(errno));
		free(st);
		return -EACCES;
	}
	c->status = st;
	ctl_status_refresh(c, dpb_ctl_now_ms(c));
	return 0;
}

void ctl_status_fini(struct dpb_ctl *c)
{
	struct ctl_status *st = c->status;

	if (st == NULL)
		return;
	if (st->dir[0])
		remove_gone(c, st, true);
	if (st->prom[0])
		unlink(st->prom);
	free(st);
	c->status = NULL;
}

void dpb_ctl_show_status(const struct dpb_ctl *c, struct dpb_strbuf *out)
{
	const struct ctl_status *st = c->status;

	if (st == NULL)
		return;
	dpb_strbuf_puts(out, "status:");
	if (st->dir[0])
		dpb_strbuf_printf(out, " directory %s,", st->dir);
	if (st->prom[0])
		dpb_strbuf_printf(out, " textfile %s,", st->prom);
	dpb_strbuf_printf(out, " %lu files written, %lu writes failed\n",
			  (unsigned long)st->writes, (unsigned long)st->failures);
}

bool dpb_ctl_status_info(const struct dpb_ctl *c, const char **dir, const char **prom,
			 uint64_t *writes, uint64_t *failures)
{
	const struct ctl_status *st = c->status;

	if (st == NULL)
		return false;
	*dir = st->dir[0] ? st->dir : NULL;
	*prom = st->prom[0] ? st->prom : NULL;
	*writes = st->writes;
	*failures = st->failures;
	return true;
}
