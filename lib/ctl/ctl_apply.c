/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reload applied: a new file's model, validated whole by the reader, is
 * set beside the runtime model by name (dpb_cfg_align: a name keeps its
 * slot), compared with the objects that run, and only the difference is
 * applied:
 *
 *   1. the new runtime interfaces are made from the file; the console's VM
 *      ports stay, at the end of their bridge, when the bridge does (as
 *      ifreload keeps Proxmox's tap ports); ports the new model has and the
 *      old had not are attached and started; if one cannot be, the reload
 *      is refused and everything is as it was;
 *   2. bonds whose settings, members or bridge changed are built again
 *      (keeping their MAC and active member); the others keep all their
 *      state (LACP, active member, notifications); bridges keep their FDB,
 *      and one whose ports moved forgets what it learned from the first
 *      moved position on; new host ports get their MAC and addresses, kept
 *      ones the addresses that changed;
 *   3. one snapshot publishes it all; then the ports no longer used are
 *      stopped and closed, and what the workers learned against the old
 *      positions is dropped.
 *
 * As ifreload, the interfaces it takes away run their pre-down and down
 * commands before, post-down after; those it brings pre-up before their
 * ports start, up and post-up at the end. A running port whose device or
 * MTU the file changes is refused: a reload restarts no port. Control lcore.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_apply.h"

_Static_assert(DPB_FWD_MAX_BRIDGES <= 32, "bridge masks are 32 bits");

/* mbufs a reload leaves free for the traffic of the ports that run. */
#define RELOAD_MBUF_RESERVE 2048

static void note(struct dpb_strbuf *sb, const char *name)
{
	dpb_strbuf_printf(sb, " %s", name);
}

/* Step 1's ports: every port the new model adds, attached and started. @return 0 or -errno. */
static int open_ports(struct dpb_ctl *c, struct apply *a, struct dpb_strbuf *out)
{
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		const struct dpb_cfg_iface *f = &c->file.ifaces[i];
		struct dpb_port *p;
		int rc;

		if (!c->ifs[i].name[0] || !ctl_diff_wants_port(c, (int)i) ||
		    (c->ifs[i].port >= 0 && ctl_diff_same_name(a, c, (int)i)))
			continue;
		rc = ctl_attach_port(c, (int)i);
		p = rc == 0 ? &c->ports[c->ifs[i].port] : NULL;
		if (rc == 0)
			rc = ctl_port_up(c, p);
		/* A new member of an 802.3ad bond with a dedicated LACP queue: steered
		 * now, before any worker polls it (a running port is not stopped for it). */
		if (rc == 0 && f->master >= 0 && c->file.ifaces[f->master].kind == DPB_IFACE_BOND)
			rc = ctl_steer_member(c, p, f->master);
		if (rc < 0) {
			dpb_strbuf_printf(out, "%s:%u: error: %s: cannot start its port: %s\n",
					  f->loc.file, f->loc.line, f->name,
					  rc == -EEXIST ? "its device runs as another interface until this reload is done (remove that one in a reload first)" :
					  strerror(-rc));
			if (p) {
				ctl_port_close(c, p);
				memset(p, 0, sizeof(*p));
			}
			c->ifs[i].port = -1;
			return rc;
		}
		a->open[i] = true;
		/* A VM reads down until it connects. */
		c->port_down[c->ifs[i].port] = c->ifs[i].vhost;
		note(&a->added, c->ifs[i].name);
	}
	return 0;
}

/* The pools were sized at start: the new ports' queues must fit in what each
 * has free (a new port's node is known once it is probed: any may take it). */
static int check_mbufs(const struct dpb_ctl *c, const struct dpb_cfg *next, struct dpb_strbuf *out)
{
	const char *pool = "";
	unsigned int need = 0, avail = ctl_pools_min_avail(c, &pool);

	for (unsigned int i = 0; i < next->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &next->ifaces[i];

		if (!f->name[0] || ctl_wants_port(next, (int)i) == CTL_PORT_NONE ||
		    (i < c->n_ifs && c->ifs[i].port >= 0 && strcmp(c->ifs[i].name, f->name) == 0))
			continue;
		need += ctl_port_mbufs(c, f->vhost);   /* as the pool was sized */
	}
	if (need + RELOAD_MBUF_RESERVE <= avail)
		return 0;
	dpb_strbuf_printf(out, "error: the new ports need about %u mbufs and pool %s has %u free (sized when dpbond started): restart dpbond to take them, or give --mbufs\n",
			  need, pool, avail);
	return -ENOBUFS;
}

/* Undoes step 1 after a refusal: the ports it started closed, the old model back. */
static void undo(struct dpb_ctl *c, struct apply *a)
{
	for (unsigned int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		struct dpb_port *p;

		if (!a->open[i])
			continue;
		p = &c->ports[c->ifs[i].port];
		ctl_port_close(c, p);
		memset(p, 0, sizeof(*p));
	}
	memcpy(c->ifs, a->old, sizeof(a->old));
	c->n_ifs = a->n_old;
	memcpy(&c->file, a->was, sizeof(c->file));
}

/* After a refusal: what prebuild() made. */
static void drop_prebuilt(struct apply *a)
{
	for (unsigned int k = 0; k < DPB_FWD_MAX_BONDS; k++) {
		dpb_lacp_destroy(a->built[k].lacp);
		free(a->built[k].rlb);
		a->built[k].lacp = NULL;
		a->built[k].rlb = NULL;
	}
	for (unsigned int k = 0; k < DPB_FWD_MAX_BRIDGES; k++) {
		dpb_fdb_free(a->new_fdb[k]);
		a->new_fdb[k] = NULL;
	}
}

/*
 * Step 1's bonds and bridges: which bond the new model keeps, and the
 * changed and new ones built aside (LACP and rlb allocated, FDBs of new
 * bridges made), so that nothing can fail once the new model runs.
 * @return 0, or -errno with what was built freed.
 */
static int prebuild(struct dpb_ctl *c, struct apply *a, uint64_t now)
{
	unsigned int n = 0, nb = 0;
	int rc = 0;

	for (unsigned int i = 0; i < c->n_ifs && rc == 0; i++) {
		int ob = c->ifs[i].bond, from;
		struct ctl_bond *cb;

		if (c->ifs[i].kind == DPB_IFACE_BRIDGE && c->ifs[i].bridge < 0) {
			a->new_fdb[nb] = dpb_fdb_create(c->file.ifaces[i].bridge.fdb_max);
			if (a->new_fdb[nb] == NULL)
				rc = -ENOMEM;
		}
		nb += c->ifs[i].kind == DPB_IFACE_BRIDGE;
		if (c->ifs[i].kind != DPB_IFACE_BOND)
			continue;
		a->bond_slot[n] = (int)i;
		a->bond_from[n] = ob >= 0 && ctl_diff_same_bond(c, a, &c->bonds[ob], (int)i) ? ob : -1;
		if (a->bond_from[n++] >= 0)
			continue;
		/* Built again, a bond keeps its MAC. */
		for (from = 0; from < (int)c->n_bonds; from++)
			if (strcmp(c->bonds[from].bond.name, c->ifs[i].name) == 0)
				break;
		cb = &a->built[n - 1];
		rc = ctl_bond_build(c, cb, (int)i, now,
				    from < (int)c->n_bonds ? &c->bonds[from].bond.addr : NULL);
	}
	a->n_new_bonds = n;
	if (rc < 0)
		drop_prebuilt(a);
	return rc;
}

/* Bonds in the new model's order: kept ones moved, the others as prebuild() made them. */
static void commit_bonds(struct dpb_ctl *c, struct apply *a, uint64_t now)
{
	bool kept[DPB_FWD_MAX_BONDS] = { false };

	a->n_old_bonds = c->n_bonds;
	memcpy(a->old_bonds, c->bonds, sizeof(c->bonds[0]) * c->n_bonds);
	for (unsigned int k = 0; k < a->n_new_bonds; k++)
		if (a->bond_from[k] >= 0)
			kept[a->bond_from[k]] = true;
	/* What is not kept goes: LACP and rlb are the control lcore's alone. */
	for (unsigned int b = 0; b < a->n_old_bonds; b++) {
		if (kept[b])
			continue;
		dpb_lacp_destroy(a->old_bonds[b].lacp);
		free(a->old_bonds[b].rlb);
		if (ctl_find_name(c, a->old_bonds[b].bond.name) < 0)
			note(&a->removed, a->old_bonds[b].bond.name);
	}
	for (unsigned int i = 0; i < c->n_ifs; i++)
		c->ifs[i].bond = -1;
	c->n_bonds = a->n_new_bonds;
	for (unsigned int k = 0; k < a->n_new_bonds; k++) {
		struct ctl_bond *cb = &c->bonds[k];
		const struct dpb_bond *ob = NULL;

		c->ifs[a->bond_slot[k]].bond = (int)k;
		*cb = a->bond_from[k] >= 0 ? a->old_bonds[a->bond_from[k]] : a->built[k];
		memset(&a->built[k], 0, sizeof(a->built[k]));   /* now c->bonds' */
		if (cb->lacp)
			dpb_lacp_set_ctx(cb->lacp, cb);   /* it moved */
		if (a->bond_from[k] >= 0)
			continue;
		for (unsigned int b = 0; b < a->n_old_bonds && ob == NULL; b++)
			if (strcmp(a->old_bonds[b].bond.name, cb->bond.name) == 0)
				ob = &a->old_bonds[b].bond;
		/* Built again, the member that carried the bond carries it still. */
		if (ob && ob->curr_active >= 0 &&
		    dpb_bond_restore_active(&cb->bond, ob->members[ob->curr_active].name, now))
			ctl_member_macs(c, cb);
		note(ob ? &a->rebuilt : &a->added, cb->bond.name);
	}
}

/* Bridges in the new model's order, each keeping its FDB when it stays. */
static void commit_bridges(struct dpb_ctl *c, struct apply *a)
{
	bool kept[DPB_FWD_MAX_BRIDGES] = { false };
	unsigned int n = 0;

	a->n_old_bridges = c->n_bridges;
	memcpy(a->old_bridges, c->bridges, sizeof(c->bridges[0]) * c->n_bridges);
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		int ob = c->ifs[i].bridge;
		struct ctl_bridge *br = &c->bridges[n], fresh;
		unsigned int moved;

		c->ifs[i].bridge = -1;
		if (c->ifs[i].kind != DPB_IFACE_BRIDGE)
			continue;
		c->ifs[i].bridge = (int)n++;
		if (ob < 0) {
			ctl_bridge_settings(c, br, (int)i);
			br->fdb = a->new_fdb[n - 1];
			a->new_fdb[n - 1] = NULL;   /* now c->bridges' */
			br->learned = br->moved = 0;
			/* Learning queued for the bridge that had this index is not its. */
			a->stale |= 1u << (n - 1);
			note(&a->added, c->ifs[i].name);
			continue;
		}
		/* Its settings and ports from the file, then the console's VM ports
		 * that stay, in their order; its FDB and counters kept. */
		*br = a->old_bridges[ob];
		kept[ob] = true;
		fresh = *br;
		ctl_bridge_settings(c, &fresh, (int)i);
		for (unsigned int k = 0; k < br->n_ports; k++) {
			int p = br->ports[k];

			if (c->ifs[p].added && c->ifs[p].master == (int)i &&
			    fresh.n_ports < DPB_CFG_MAX_BR_PORTS)
				fresh.ports[fresh.n_ports++] = p;
		}
		br->vlan_aware = fresh.vlan_aware;
		br->ageing_ms = fresh.ageing_ms;
		br->n_ports = fresh.n_ports;
		memcpy(br->ports, fresh.ports, sizeof(br->ports));
		if ((unsigned int)ob != n - 1)
			a->stale |= 1u << (n - 1);
		moved = ctl_diff_first_moved(c, a, br, &a->old_bridges[ob]);
		if (moved > br->n_ports)
			continue;
		/* Up to the host port's place in either model; the host ports' own
		 * MACs (permanent) are held again at their new places (host_ports). */
		for (unsigned int k = moved; k <= DPB_CFG_MAX_BR_PORTS; k++)
			dpb_fdb_forget_port(br->fdb, k);
		a->stale |= 1u << (n - 1);
		a->flushed |= 1u << (n - 1);
		note(&a->changed, c->ifs[i].name);
	}
	c->n_bridges = n;
	for (unsigned int b = 0; b < a->n_old_bridges; b++)
		if (!kept[b])
			note(&a->removed, a->old[a->old_bridges[b].iface].name);
}

/* Ports the new model no longer runs: out of the model now, closed after the publication. */
static void retire_ports(struct dpb_ctl *c, struct apply *a)
{
	for (unsigned int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		if (a->open[i] || c->ifs[i].port < 0 ||
		    (c->ifs[i].name[0] && ctl_diff_wants_port(c, (int)i)))
			continue;
		a->closing[a->n_closing++] = c->ifs[i].port;
		c->ifs[i].port = -1;
		note(&a->removed, a->old[i].name);
	}
}

/* Counters of a slot that now names another interface start from zero. */
static void reset_renamed(struct dpb_ctl *c, const struct apply *a)
{
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		struct ctl_sums now;

		if (ctl_diff_same_name(a, c, (int)i))
			continue;
		ctl_sums_read(c, (int)i, &now);
		ctl_sums_add(&c->base[i], &now);
	}
}

/* Step 2's host side: new host ports set up, kept ones readdressed. */
static int host_ports(struct dpb_ctl *c, const struct apply *a)
{
	int rc = 0;

	for (unsigned int i = 0; i < c->n_ifs; i++) {
		int err;

		if (!c->ifs[i].host_port || c->ifs[i].port < 0)
			continue;
		if (a->open[i]) {
			err = ctl_host_port_start(c, (int)i);
		} else {
			const struct dpb_cfg_iface *w = &a->was->ifaces[i], *f = &c->file.ifaces[i];

			err = ctl_host_port_readdress(c, (int)i, w);
			/* Another hwaddress: the MAC, its FDB entry and addresses again. */
			if (err == 0 && (w->has_hwaddress != f->has_hwaddress ||
					 memcmp(w->hwaddress, f->hwaddress, sizeof(f->hwaddress))))
				err = ctl_host_port_start(c, (int)i);
		}
		if (err < 0)
			rc = err;
	}
	/* A bridge whose ports moved holds its host ports' MACs at their new places. */
	for (unsigned int b = 0; b < c->n_bridges; b++)
		if (a->flushed >> b & 1)
			ctl_host_port_moved(c, &c->bridges[b]);
	return rc;
}

/* Step 3: after the publication, what no worker can reach any more. */
static void finish(struct dpb_ctl *c, struct apply *a)
{
	bool kept[DPB_FWD_MAX_BRIDGES] = { false };

	ctl_drop_stale_learning(c, a->stale);
	for (unsigned int k = 0; k < a->n_closing; k++) {
		struct dpb_port *p = &c->ports[a->closing[k]];
		char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];
		/* A VM port's socket, unless it is QEMU's (client=1). */
		bool vhost = strncmp(p->devargs, "net_vhost_", 10) == 0 && !strstr(p->devargs, ",client=1");

		snprintf(path, sizeof(path), "%s/%s.sock", c->run_dir, p->name);
		ctl_port_close(c, p);
		memset(p, 0, sizeof(*p));
		if (vhost)
			unlink(path);
	}
	for (unsigned int b = 0; b < c->n_bridges; b++)
		for (unsigned int o = 0; o < a->n_old_bridges; o++)
			if (c->bridges[b].fdb == a->old_bridges[o].fdb)
				kept[o] = true;
	for (unsigned int o = 0; o < a->n_old_bridges; o++)
		if (!kept[o])
			dpb_fdb_free(a->old_bridges[o].fdb);
	/* The workers count tlb bytes by bond index: a bond at another index (or
	 * a new one) starts from what is there; one where it was keeps its interval. */
	for (unsigned int b = 0; b < c->n_bonds; b++) {
		if (a->bond_from[b] == (int)b)
			continue;
		for (unsigned int k = 0; k < DPB_FWD_TLB_BUCKETS; k++) {
			uint64_t total = 0;

			for (unsigned int w = 0; w < c->n_pollers; w++)
				total += atomic_load_explicit(&c->workers[w]->tlb_bytes[b][k],
							      memory_order_relaxed);
			c->bonds[b].tlb_seen[k] = total;
		}
	}
}

static int check_limits(const struct dpb_cfg *cfg, struct dpb_strbuf *out)
{
	unsigned int bonds = 0, bridges = 0;

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		bonds += cfg->ifaces[i].kind == DPB_IFACE_BOND;
		bridges += cfg->ifaces[i].kind == DPB_IFACE_BRIDGE;
	}
	if (bonds <= DPB_FWD_MAX_BONDS && bridges <= DPB_FWD_MAX_BRIDGES)
		return 0;
	dpb_strbuf_printf(out, "error: %u bonds and %u bridges: dpbond runs at most %u and %u\n",
			  bonds, bridges, DPB_FWD_MAX_BONDS, DPB_FWD_MAX_BRIDGES);
	return -EINVAL;
}

static void summary(const struct apply *a, struct dpb_strbuf *out)
{
	const struct {
		const char *what;
		const struct dpb_strbuf *sb;
	} parts[] = { { "added", &a->added }, { "removed", &a->removed },
		      { "built again", &a->rebuilt }, { "bridges changed", &a->changed } };
	bool any = false;

	for (unsigned int k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		if (parts[k].sb->len == 0)
			continue;
		dpb_strbuf_printf(out, "  %s:%s\n", parts[k].what, dpb_strbuf_str(parts[k].sb));
		any = true;
	}
	if (!any)
		dpb_strbuf_puts(out, "  nothing changed\n");
	DPB_LOG(NOTICE, CTL, "configuration reloaded%s%s%s%s%s%s%s%s",
		a->added.len ? "; added:" : "", dpb_strbuf_str(&a->added),
		a->removed.len ? "; removed:" : "", dpb_strbuf_str(&a->removed),
		a->rebuilt.len ? "; built again:" : "", dpb_strbuf_str(&a->rebuilt),
		a->changed.len ? "; bridges changed:" : "", dpb_strbuf_str(&a->changed));
}

/* The new file, set beside the runtime model. @return 0, or -errno with why in @out. */
static int prepare(struct dpb_ctl *c, struct dpb_cfg *next, struct dpb_strbuf *out)
{
	char (*names)[DPB_NAME_LEN] = calloc(DPB_CFG_MAX_IFACES, DPB_NAME_LEN);
	int rc;

	if (names == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < c->n_ifs; i++)
		memcpy(names[i], c->ifs[i].name, DPB_NAME_LEN);
	/* What came from the command line stays. */
	memcpy(next->run_dir, c->file.run_dir, sizeof(next->run_dir));
	next->n_mbufs = c->file.n_mbufs;
	rc = dpb_cfg_align(next, (const char (*)[DPB_NAME_LEN])names, c->n_ifs);
	free(names);
	if (rc == -ENOSPC)
		dpb_strbuf_printf(out, "error: the interfaces that run and the file's new ones need more than %d slots side by side: apply the file in two reloads (removals first)\n",
				  DPB_CFG_MAX_IFACES);
	if (rc == 0)
		rc = ctl_check_devices(next, out);
	if (rc == 0)
		rc = check_limits(next, out);
	if (rc == 0)
		rc = check_mbufs(c, next, out);
	return rc;
}

static int apply(struct dpb_ctl *c, struct apply *a, const struct dpb_cfg *next,
		 struct dpb_strbuf *out)
{
	uint64_t now = dpb_ctl_now_ms(c);
	int rc;

	memcpy(a->was, &c->file, sizeof(c->file));
	memcpy(a->old, c->ifs, sizeof(a->old));
	a->n_old = c->n_ifs;
	memcpy(&c->file, next, sizeof(c->file));
	ctl_diff_new_ifaces(c, a);
	rc = ctl_diff_refuse_restarts(c, a, out);
	if (rc == 0) {
		ctl_diff_hooks(c, a);
		/* The new interfaces' pre-up commands before their devices exist. */
		ctl_run_hooks_of(&c->file, DPB_HOOK_PRE_UP, a->fresh);
		rc = open_ports(c, a, out);
	}
	if (rc == 0) {
		rc = prebuild(c, a, now);
		if (rc < 0)
			dpb_strbuf_printf(out, "cannot build the new bonds and bridges: %s\n", strerror(-rc));
	}
	if (rc < 0) {
		undo(c, a);
		dpb_strbuf_puts(out, "reload refused; the running configuration is unchanged\n");
		return rc;
	}
	/* From here on nothing fails: the new model runs; what it drops goes down first. */
	ctl_run_hooks_of(a->was, DPB_HOOK_PRE_DOWN, a->gone);
	ctl_run_hooks_of(a->was, DPB_HOOK_DOWN, a->gone);
	retire_ports(c, a);
	commit_bonds(c, a, now);
	commit_bridges(c, a);
	for (unsigned int b = 0; b < c->n_bonds; b++) {
		ctl_arpmon_init(c, &c->bonds[b]);   /* the host's addresses may have moved */
		ctl_announce_restart(&c->bonds[b]);  /* the bridges may be renumbered */
	}
	if (host_ports(c, a) < 0)
		dpb_strbuf_puts(out, "warning: a host port's addresses were not all applied (see the log)\n");
	ctl_publish(c);
	/* No worker counts for the old names now: their slots start from zero. */
	reset_renamed(c, a);
	finish(c, a);
	ctl_run_hooks_of(a->was, DPB_HOOK_POST_DOWN, a->gone);
	ctl_run_hooks_of(&c->file, DPB_HOOK_UP, a->fresh);
	ctl_run_hooks_of(&c->file, DPB_HOOK_POST_UP, a->fresh);
	dpb_strbuf_puts(out, "reloaded:\n");
	summary(a, out);
	return 0;
}

int dpb_ctl_reload(struct dpb_ctl *c, const struct dpb_cfg *loaded, struct dpb_strbuf *out)
{
	struct apply *a = calloc(1, sizeof(*a));
	struct dpb_cfg *next = malloc(sizeof(*next));
	int rc = -ENOMEM;

	ctl_log_all_bond_events(c);   /* a failover's lines, before its bond is rebuilt */
	if (a == NULL || next == NULL || (a->was = malloc(sizeof(*a->was))) == NULL ||
	    (a->old_bonds = calloc(DPB_FWD_MAX_BONDS, sizeof(*a->old_bonds))) == NULL) {
		dpb_strbuf_puts(out, "reload refused: out of memory; the running configuration is unchanged\n");
		goto out;
	}
	dpb_strbuf_init(&a->added);
	dpb_strbuf_init(&a->removed);
	dpb_strbuf_init(&a->rebuilt);
	dpb_strbuf_init(&a->changed);
	memcpy(next, loaded, sizeof(*next));
	rc = prepare(c, next, out);
	if (rc < 0)
		dpb_strbuf_puts(out, "reload refused; the running configuration is unchanged\n");
	else
		rc = apply(c, a, next, out);
out:
	if (a) {
		dpb_strbuf_free(&a->added);
		dpb_strbuf_free(&a->removed);
		dpb_strbuf_free(&a->rebuilt);
		dpb_strbuf_free(&a->changed);
		free(a->was);
		free(a->old_bonds);
	}
	free(a);
	free(next);
	return rc;
}
