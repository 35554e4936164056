/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live reconfiguration (`reload`, SIGHUP). The reader has validated the new
 * model whole; it is set beside the running one by name (dpb_cfg_align), so
 * that an index names the same interface in both, and only the difference is
 * applied:
 *
 *   1. ports the new model has and the running one has not (bond members,
 *      bridge ports, VM ports, host ports) are attached and started; if one
 *      cannot be, the reload is refused and nothing has changed;
 *   2. the new model becomes the running one: bonds whose settings, members
 *      or bridge changed are built again (their active member kept when it
 *      stays), the others keep all their state; bridges keep their FDB, and
 *      one whose ports moved forgets what it learned from the first moved
 *      position on; new host ports get their MAC and addresses, kept ones
 *      the addresses that changed;
 *   3. one snapshot publishes it all; then ports no longer used are stopped
 *      and closed, and what the workers learned against the old bridges'
 *      ports is dropped.
 *
 * As ifreload, the interfaces it removes run their pre-down and down
 * commands before, post-down after; those it adds pre-up before their
 * ports start, up and post-up at the end. Interfaces that stay run none.
 *
 * An unchanged bond or bridge is not touched: its frames keep flowing
 * through the publication. Control lcore only.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_priv.h"

_Static_assert(DPB_FWD_MAX_BRIDGES <= 32, "bridge masks are 32 bits");

struct reload {
	struct dpb_cfg *was;                   /* the model that ran before */
	bool open[DPB_CFG_MAX_IFACES];         /* slots given a device */
	int displaced[DPB_CFG_MAX_IFACES];     /* a slot's port of a name gone, -1 */
	uint32_t flushed;                      /* bridges (new indices) whose ports moved */
	bool gone[DPB_CFG_MAX_IFACES];         /* interfaces of the old model the new one lacks */
	bool fresh[DPB_CFG_MAX_IFACES];        /* interfaces of the new model the old one lacked */
	int closing[DPB_CFG_MAX_IFACES];       /* c->ports indices to close after */
	unsigned int n_closing;
	struct ctl_bond *old_bonds;            /* c->bonds before */
	unsigned int n_old_bonds;
	int bond_from[DPB_FWD_MAX_BONDS];      /* new bond -> the old one it keeps, -1 */
	struct ctl_bridge old_bridges[DPB_FWD_MAX_BRIDGES];
	unsigned int n_old_bridges;
	uint32_t stale;                        /* bridges (new indices) whose learning is stale */
	struct dpb_strbuf added, removed, rebuilt, changed;
};

static const char *slot_name(const struct dpb_cfg *cfg, int i)
{
	return (unsigned int)i < cfg->n_ifaces ? cfg->ifaces[i].name : "";
}

static bool same_name(const struct dpb_cfg *a, const struct dpb_cfg *b, int i)
{
	return slot_name(a, i)[0] && strcmp(slot_name(a, i), slot_name(b, i)) == 0;
}

/* The device slot @i runs on serves the new model as it is (same kind of port, same device, same MTU). */
static bool same_device(const struct dpb_cfg *was, const struct dpb_cfg *now, int i)
{
	const struct dpb_cfg_iface *a = &was->ifaces[i], *b = &now->ifaces[i];
	int wa = ctl_wants_port(was, i), wb = ctl_wants_port(now, i);

	if (!same_name(was, now, i) || (wa == CTL_PORT_DEVICE) != (wb == CTL_PORT_DEVICE) ||
	    a->vhost != b->vhost || a->eff_mtu != b->eff_mtu)
		return false;
	/* A VM port's and a host port's devargs are dpbond's own unless given. */
	if (a->vhost || (wb != CTL_PORT_DEVICE && b->devargs[0] == '\0'))
		return true;
	return strcmp(a->devargs, b->devargs) == 0;
}

/* Bond settings as compared: where each line was does not matter. */
static void bond_key(const struct dpb_cfg_bond *b, struct dpb_cfg_bond *k)
{
	memcpy(k, b, sizeof(*k));
	memset(&k->mode_loc, 0, sizeof(k->mode_loc));
	memset(&k->members_loc, 0, sizeof(k->members_loc));
	memset(&k->primary_loc, 0, sizeof(k->primary_loc));
	memset(&k->arp_loc, 0, sizeof(k->arp_loc));
	memset(k->primary_name, 0, sizeof(k->primary_name));
}

/* Whether bond @i runs as the new model says it should, untouched. */
static bool same_bond(const struct dpb_ctl *c, const struct reload *r, int i)
{
	const struct dpb_cfg *was = r->was, *now = &c->cfg;
	const struct dpb_cfg_iface *a = &was->ifaces[i], *b = &now->ifaces[i];
	struct dpb_cfg_bond ka, kb;

	if (!same_name(was, now, i) || a->kind != DPB_IFACE_BOND ||
	    a->has_hwaddress != b->has_hwaddress || memcmp(a->hwaddress, b->hwaddress, 6) ||
	    a->eff_mtu != b->eff_mtu || (a->master < 0) != (b->master < 0))
		return false;
	/* Its bridge decides balance-alb's receive balancing. */
	if (a->master >= 0 && (strcmp(was->ifaces[a->master].name, now->ifaces[b->master].name) ||
			       was->ifaces[a->master].host_port != now->ifaces[b->master].host_port ||
			       was->ifaces[a->master].bridge.vlan_aware !=
				       now->ifaces[b->master].bridge.vlan_aware))
		return false;
	bond_key(&a->bond, &ka);
	bond_key(&b->bond, &kb);
	if (memcmp(&ka, &kb, sizeof(ka)) != 0)
		return false;
	for (unsigned int k = 0; k < b->bond.n_members; k++) {
		int m = b->bond.members[k];

		if (r->open[m] || was->ifaces[m].ad_port_prio != now->ifaces[m].ad_port_prio)
			return false;
	}
	return true;
}

/* The first position of bridge @i whose port changed; n_ports + 1 when none did. */
static unsigned int first_moved(const struct dpb_ctl *c, const struct reload *r, int i)
{
	const struct dpb_cfg *was = r->was, *now = &c->cfg;
	const struct dpb_cfg_bridge *a = &was->ifaces[i].bridge, *b = &now->ifaces[i].bridge;
	unsigned int n = a->n_ports < b->n_ports ? a->n_ports : b->n_ports;

	/* The bridge's own VLAN defaults apply to every port. */
	if (a->vlan_aware != b->vlan_aware ||
	    memcmp(was->ifaces[i].vlan.vids, now->ifaces[i].vlan.vids, sizeof(now->ifaces[i].vlan.vids)) ||
	    was->ifaces[i].vlan.pvid != now->ifaces[i].vlan.pvid)
		return 0;
	for (unsigned int k = 0; k < n; k++) {
		int p = b->ports[k];

		if (a->ports[k] != p || r->open[p] ||
		    was->ifaces[p].vlan.pvid != now->ifaces[p].vlan.pvid ||
		    memcmp(was->ifaces[p].vlan.vids, now->ifaces[p].vlan.vids,
			   sizeof(now->ifaces[p].vlan.vids)) != 0)
			return k;
	}
	if (a->n_ports != b->n_ports || was->ifaces[i].host_port != now->ifaces[i].host_port ||
	    r->open[i])
		return n;
	return b->n_ports + 1;
}

static void note(struct dpb_strbuf *sb, const char *name)
{
	dpb_strbuf_printf(sb, " %s", name);
}

/* Whether the interface in slot @i of @cfg is one dpbond brings up and down. */
static bool owned(const struct dpb_cfg *cfg, int i)
{
	return slot_name(cfg, i)[0] && dpb_cfg_owned(cfg, i);
}

/* Which interfaces the reload takes away (or leaves to others), and which it brings. */
static void mark_gone_and_fresh(const struct dpb_ctl *c, struct reload *r)
{
	for (int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		bool same = same_name(r->was, &c->cfg, i);

		r->gone[i] = owned(r->was, i) && !(same && owned(&c->cfg, i));
		r->fresh[i] = owned(&c->cfg, i) && !(same && owned(r->was, i));
	}
}

/* Step 1: every port the new model adds, attached and started. @return 0 or -errno. */
static int open_ports(struct dpb_ctl *c, struct reload *r, struct dpb_strbuf *out)
{
	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		int want = ctl_wants_port(&c->cfg, (int)i), rc;
		struct dpb_port *p;

		if (want == CTL_PORT_NONE || (c->iface_port[i] >= 0 && same_name(r->was, &c->cfg, (int)i)))
			continue;
		/* A slot a gone interface leaves: its port closes after the publication. */
		r->displaced[i] = c->iface_port[i];
		c->iface_port[i] = -1;
		rc = want == CTL_PORT_DEVICE ? ctl_attach_port(c, (int)i) :
					       ctl_attach_host_port(c, (int)i);
		p = rc == 0 ? &c->ports[c->iface_port[i]] : NULL;
		if (rc == 0)
			rc = ctl_port_up(c, p);
		if (rc < 0) {
			dpb_strbuf_printf(out, "%s: cannot start its port: %s\n", c->cfg.ifaces[i].name,
					  strerror(-rc));
			if (p) {
				dpb_port_close(p);
				memset(p, 0, sizeof(*p));
				c->iface_port[i] = -1;
			}
			return rc;
		}
		r->open[i] = true;
		/* A VM reads down until it connects. */
		c->port_down[c->iface_port[i]] = c->cfg.ifaces[i].vhost;
		note(&r->added, c->cfg.ifaces[i].name);
	}
	return 0;
}

/* Undoes step 1 after a refusal. */
static void close_opened(struct dpb_ctl *c, struct reload *r)
{
	for (unsigned int i = 0; i < DPB_CFG_MAX_IFACES; i++) {
		struct dpb_port *p;

		if (r->open[i]) {
			p = &c->ports[c->iface_port[i]];
			dpb_port_stop(p);
			dpb_port_close(p);
			memset(p, 0, sizeof(*p));
		}
		if (r->open[i] || r->displaced[i] >= 0)
			c->iface_port[i] = r->displaced[i];
	}
}

/* Bonds in the new model's order: kept ones moved, changed and new ones built. */
static int rebuild_bonds(struct dpb_ctl *c, struct reload *r, uint64_t now)
{
	bool kept[DPB_FWD_MAX_BONDS] = { false };
	unsigned int n = 0;
	int rc = 0;

	r->n_old_bonds = c->n_bonds;
	memcpy(r->old_bonds, c->bonds, sizeof(c->bonds[0]) * c->n_bonds);
	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		int ob = (unsigned int)i < r->was->n_ifaces && same_name(r->was, &c->cfg, (int)i) ?
			 c->iface_bond[i] : -1;

		c->iface_bond[i] = -1;
		if (c->cfg.ifaces[i].kind != DPB_IFACE_BOND)
			continue;
		r->bond_from[n] = ob >= 0 && same_bond(c, r, (int)i) ? ob : -1;
		if (r->bond_from[n] >= 0)
			kept[ob] = true;
		c->iface_bond[i] = (int)n++;
	}
	/* What is not kept goes: LACP and rlb are the control lcore's alone. */
	for (unsigned int b = 0; b < r->n_old_bonds; b++) {
		if (kept[b])
			continue;
		dpb_lacp_destroy(r->old_bonds[b].lacp);
		free(r->old_bonds[b].rlb);
		if (dpb_cfg_find(&c->cfg, r->old_bonds[b].bond.name) < 0)
			note(&r->removed, r->old_bonds[b].bond.name);
	}
	c->n_bonds = n;
	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		int k = c->iface_bond[i], from;
		struct ctl_bond *cb;

		if (k < 0)
			continue;
		cb = &c->bonds[k];
		from = r->bond_from[k];
		if (from >= 0) {
			*cb = r->old_bonds[from];
			if (cb->lacp)
				dpb_lacp_set_ctx(cb->lacp, cb);   /* it moved */
			continue;
		}
		/* Built again, a bond keeps its MAC and the member that carried it. */
		for (from = 0; from < (int)r->n_old_bonds; from++)
			if (strcmp(r->old_bonds[from].bond.name, c->cfg.ifaces[i].name) == 0)
				break;
		memset(cb, 0, sizeof(*cb));
		rc = ctl_bond_build(c, cb, (int)i, now,
				    from < (int)r->n_old_bonds ? &r->old_bonds[from].bond.addr : NULL);
		if (rc < 0)
			return rc;
		if (from < (int)r->n_old_bonds) {
			const struct dpb_bond *ob = &r->old_bonds[from].bond;

			if (ob->curr_active >= 0 &&
			    dpb_bond_restore_active(&cb->bond, ob->members[ob->curr_active].name, now))
				ctl_member_macs(c, cb);
		}
		note(dpb_cfg_find(r->was, cb->bond.name) >= 0 ? &r->rebuilt : &r->added,
		     cb->bond.name);
	}
	return 0;
}

/* Bridges in the new model's order, each keeping its FDB when it stays. */
static int rebuild_bridges(struct dpb_ctl *c, struct reload *r)
{
	bool kept[DPB_FWD_MAX_BRIDGES] = { false };
	unsigned int n = 0;

	r->n_old_bridges = c->n_bridges;
	memcpy(r->old_bridges, c->bridges, sizeof(c->bridges[0]) * c->n_bridges);
	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		int ob = (unsigned int)i < r->was->n_ifaces && same_name(r->was, &c->cfg, (int)i) &&
			 r->was->ifaces[i].kind == DPB_IFACE_BRIDGE ? c->iface_bridge[i] : -1;
		struct ctl_bridge *br = &c->bridges[n];
		unsigned int moved;

		c->iface_bridge[i] = -1;
		if (c->cfg.ifaces[i].kind != DPB_IFACE_BRIDGE)
			continue;
		c->iface_bridge[i] = (int)n++;
		if (ob < 0) {
			if (ctl_bridge_build(c, br, (int)i) < 0)
				return -ENOMEM;
			note(&r->added, c->cfg.ifaces[i].name);
			continue;
		}
		*br = r->old_bridges[ob];
		kept[ob] = true;
		br->ageing_ms = (uint64_t)c->cfg.ifaces[i].bridge.ageing_s * 1000;
		if ((unsigned int)ob != n - 1)
			r->stale |= 1u << (n - 1);
		moved = first_moved(c, r, (int)i);
		if (moved > c->cfg.ifaces[i].bridge.n_ports)
			continue;
		/* Up to the host port's place in either model. */
		for (unsigned int k = moved; k <= DPB_CFG_MAX_BR_PORTS; k++)
			dpb_fdb_flush_port(br->fdb, k);
		r->stale |= 1u << (n - 1);
		r->flushed |= 1u << (n - 1);
		note(&r->changed, c->cfg.ifaces[i].name);
	}
	c->n_bridges = n;
	for (unsigned int b = 0; b < r->n_old_bridges; b++)
		if (!kept[b])
			note(&r->removed, r->was->ifaces[r->old_bridges[b].iface].name);
	return 0;
}

/* Ports the new model no longer runs: out of the maps now, closed after the publication. */
static void retire_ports(struct dpb_ctl *c, struct reload *r)
{
	for (unsigned int i = 0; i < r->was->n_ifaces; i++) {
		if (r->displaced[i] >= 0) {
			r->closing[r->n_closing++] = r->displaced[i];
			note(&r->removed, r->was->ifaces[i].name);
		}
		if (c->iface_port[i] < 0 || r->open[i] ||
		    (ctl_wants_port(&c->cfg, (int)i) != CTL_PORT_NONE && same_device(r->was, &c->cfg, (int)i)))
			continue;
		r->closing[r->n_closing++] = c->iface_port[i];
		c->iface_port[i] = -1;
		note(&r->removed, r->was->ifaces[i].name);
	}
}

/* Counters of a slot that now names another interface start from zero. */
static void reset_renamed(struct dpb_ctl *c, const struct reload *r)
{
	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		struct ctl_sums now;

		if (same_name(r->was, &c->cfg, (int)i))
			continue;
		ctl_sums_read(c, (int)i, &now);
		ctl_sums_add(&c->base[i], &now);
	}
}

/* What a slot kept from its running record: devargs dpbond filled in itself. */
static void keep_devargs(struct dpb_ctl *c, const struct reload *r)
{
	for (unsigned int i = 0; i < r->was->n_ifaces && i < c->cfg.n_ifaces; i++)
		if (c->iface_port[i] >= 0 && !r->open[i])
			memcpy(c->cfg.ifaces[i].devargs, r->was->ifaces[i].devargs,
			       sizeof(c->cfg.ifaces[i].devargs));
}

/* Step 2's host side: new host ports set up, kept ones readdressed. */
static int host_ports(struct dpb_ctl *c, const struct reload *r)
{
	int rc = 0;

	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		int want = ctl_wants_port(&c->cfg, (int)i), err;

		if (want == CTL_PORT_NONE || want == CTL_PORT_DEVICE || c->iface_port[i] < 0)
			continue;
		err = r->open[i] ? ctl_host_port_start(c, (int)i) :
				   ctl_host_port_readdress(c, (int)i, &r->was->ifaces[i]);
		if (err < 0)
			rc = err;
	}
	/* A bridge whose ports moved holds its host ports' MACs at their new places. */
	for (unsigned int b = 0; b < c->n_bridges; b++)
		if (r->flushed >> b & 1)
			ctl_host_port_moved(c, &c->bridges[b]);
	return rc;
}

/* Step 3: after the publication, what no worker can reach any more. */
static void finish(struct dpb_ctl *c, struct reload *r)
{
	bool kept[DPB_FWD_MAX_BRIDGES] = { false };

	ctl_drop_stale_learning(c, r->stale);
	for (unsigned int k = 0; k < r->n_closing; k++) {
		struct dpb_port *p = &c->ports[r->closing[k]];
		char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];
		int i = dpb_cfg_find(r->was, p->name);
		bool vhost = i >= 0 && r->was->ifaces[i].vhost;

		snprintf(path, sizeof(path), "%s/%s.sock", c->cfg.run_dir, p->name);
		dpb_port_stop(p);
		dpb_port_close(p);
		memset(p, 0, sizeof(*p));
		if (vhost)
			unlink(path);
	}
	for (unsigned int b = 0; b < c->n_bridges; b++)
		for (unsigned int o = 0; o < r->n_old_bridges; o++)
			if (c->bridges[b].fdb == r->old_bridges[o].fdb)
				kept[o] = true;
	for (unsigned int o = 0; o < r->n_old_bridges; o++)
		if (!kept[o])
			dpb_fdb_free(r->old_bridges[o].fdb);
	/* The workers count tlb bytes by bond index: a moved bond starts from what is there. */
	for (unsigned int b = 0; b < c->n_bonds; b++) {
		for (unsigned int k = 0; k < DPB_FWD_TLB_BUCKETS; k++) {
			uint64_t total = 0;

			for (unsigned int w = 0; w < c->n_pollers; w++)
				total += atomic_load_explicit(&c->workers[w]->tlb_bytes[b][k],
							      memory_order_relaxed);
			c->bonds[b].tlb_seen[k] = total;
		}
	}
}

/* What the new model asks that a reload cannot do: a running port's device swapped. */
static int refuse_restarts(const struct dpb_ctl *c, const struct dpb_cfg *was, struct dpb_strbuf *out)
{
	int rc = 0;

	for (unsigned int i = 0; i < was->n_ifaces && i < c->cfg.n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &c->cfg.ifaces[i];

		if (c->iface_port[i] < 0 || ctl_wants_port(&c->cfg, (int)i) == CTL_PORT_NONE ||
		    !same_name(was, &c->cfg, (int)i) || same_device(was, &c->cfg, (int)i))
			continue;
		dpb_strbuf_printf(out, "%s:%u: error: %s: %s changed on a running port; a reload does not restart a port (restart dpbond, or remove it in one reload and add it in the next)\n",
				  f->loc.file, f->loc.line, f->name,
				  f->eff_mtu != was->ifaces[i].eff_mtu ? "its MTU" :
				  f->vhost != was->ifaces[i].vhost ? "its kind (VM port or device)" :
				  "its device");
		rc = -EINVAL;
	}
	return rc;
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

static void summary(const struct reload *r, struct dpb_strbuf *out)
{
	const struct {
		const char *what;
		const struct dpb_strbuf *sb;
	} parts[] = { { "added", &r->added }, { "removed", &r->removed },
		      { "built again", &r->rebuilt }, { "bridges changed", &r->changed } };
	bool any = false;

	for (unsigned int k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		if (parts[k].sb->len == 0)
			continue;
		dpb_strbuf_printf(out, "  %s:%s\n", parts[k].what, dpb_strbuf_str(parts[k].sb));
		any = true;
	}
	if (!any)
		dpb_strbuf_puts(out, "  nothing changed\n");
}

int dpb_ctl_reload(struct dpb_ctl *c, const struct dpb_cfg *loaded, struct dpb_strbuf *out)
{
	struct reload *r = calloc(1, sizeof(*r));
	struct dpb_cfg *next = malloc(sizeof(*next));
	uint64_t now = dpb_ctl_now_ms(c);
	int rc = -ENOMEM;

	if (r == NULL || next == NULL || (r->was = malloc(sizeof(*r->was))) == NULL ||
	    (r->old_bonds = calloc(DPB_FWD_MAX_BONDS, sizeof(*r->old_bonds))) == NULL) {
		dpb_strbuf_puts(out, "reload refused: out of memory; the running configuration is unchanged\n");
		goto out;
	}
	for (unsigned int i = 0; i < DPB_CFG_MAX_IFACES; i++)
		r->displaced[i] = -1;
	dpb_strbuf_init(&r->added);
	dpb_strbuf_init(&r->removed);
	dpb_strbuf_init(&r->rebuilt);
	dpb_strbuf_init(&r->changed);
	memcpy(next, loaded, sizeof(*next));
	/* What came from the command line stays. */
	memcpy(next->run_dir, c->cfg.run_dir, sizeof(next->run_dir));
	next->n_mbufs = c->cfg.n_mbufs;
	dpb_cfg_keep_added(next, &c->cfg);
	rc = dpb_cfg_align(next, &c->cfg);
	if (rc == 0)
		rc = ctl_check_devices(next, out);
	if (rc == 0)
		rc = check_limits(next, out);
	if (rc < 0) {
		dpb_strbuf_puts(out, "reload refused; the running configuration is unchanged\n");
		goto out;
	}
	memcpy(r->was, &c->cfg, sizeof(c->cfg));
	memcpy(&c->cfg, next, sizeof(c->cfg));
	rc = refuse_restarts(c, r->was, out);
	if (rc == 0) {
		mark_gone_and_fresh(c, r);
		/* As ifreload: the new interfaces' pre-up commands before their devices exist. */
		ctl_run_hooks_of(&c->cfg, DPB_HOOK_PRE_UP, r->fresh);
		rc = open_ports(c, r, out);
	}
	if (rc < 0) {
		close_opened(c, r);
		memcpy(&c->cfg, r->was, sizeof(c->cfg));
		dpb_strbuf_puts(out, "reload refused; the running configuration is unchanged\n");
		goto out;
	}
	/* From here on the new model is the running one; the interfaces it drops go down first. */
	ctl_run_hooks_of(r->was, DPB_HOOK_PRE_DOWN, r->gone);
	ctl_run_hooks_of(r->was, DPB_HOOK_DOWN, r->gone);
	retire_ports(c, r);
	keep_devargs(c, r);
	reset_renamed(c, r);
	rc = rebuild_bonds(c, r, now);
	if (rc == 0)
		rc = rebuild_bridges(c, r);
	for (unsigned int b = 0; b < c->n_bonds; b++)
		ctl_arpmon_init(c, &c->bonds[b]);   /* the host's addresses may have moved */
	if (rc == 0 && host_ports(c, r) < 0)
		dpb_strbuf_puts(out, "warning: a host port's addresses were not all applied (see the log)\n");
	ctl_publish(c);
	finish(c, r);
	ctl_run_hooks_of(r->was, DPB_HOOK_POST_DOWN, r->gone);
	ctl_run_hooks_of(&c->cfg, DPB_HOOK_UP, r->fresh);
	ctl_run_hooks_of(&c->cfg, DPB_HOOK_POST_UP, r->fresh);
	if (rc < 0) {
		dpb_strbuf_printf(out, "reload applied in part: %s (see the log)\n", strerror(-rc));
		goto out;
	}
	dpb_strbuf_puts(out, "reloaded:\n");
	summary(r, out);
	DPB_LOG(NOTICE, CTL, "configuration reloaded%s%s%s%s%s%s%s%s",
		r->added.len ? "; added:" : "", dpb_strbuf_str(&r->added),
		r->removed.len ? "; removed:" : "", dpb_strbuf_str(&r->removed),
		r->rebuilt.len ? "; built again:" : "", dpb_strbuf_str(&r->rebuilt),
		r->changed.len ? "; bridges changed:" : "", dpb_strbuf_str(&r->changed));
out:
	if (r) {
		dpb_strbuf_free(&r->added);
		dpb_strbuf_free(&r->removed);
		dpb_strbuf_free(&r->rebuilt);
		dpb_strbuf_free(&r->changed);
		free(r->was);
		free(r->old_bonds);
	}
	free(r);
	free(next);
	return rc;
}

/* Where `reload` reads from (dpb_ctl_set_source), and SIGHUP's request. */
static struct {
	const char *path;
	const struct dpb_cfg_port_arg *ports;
	unsigned int n_ports;
	bool no_host_ports;
} source;
static volatile sig_atomic_t reload_asked;

void dpb_ctl_set_source(const char *path, const struct dpb_cfg_port_arg *ports,
			unsigned int n_ports, bool no_host_ports)
{
	source.path = path;
	source.ports = ports;
	source.n_ports = n_ports;
	source.no_host_ports = no_host_ports;
}

int dpb_ctl_reload_file(struct dpb_ctl *c, struct dpb_strbuf *out)
{
	struct dpb_cfg *cfg;
	char line[DPB_CFG_DIAG_TEXT_LEN];
	int rc;

	if (source.path == NULL) {
		dpb_strbuf_puts(out, "no file to reload from\n");
		return -ENOENT;
	}
	cfg = malloc(sizeof(*cfg));
	if (cfg == NULL) {
		dpb_strbuf_puts(out, "reload refused: out of memory; the running configuration is unchanged\n");
		return -ENOMEM;
	}
	rc = dpb_cfg_load(cfg, source.path, source.ports, source.n_ports);
	for (unsigned int i = 0; i < cfg->n_diags; i++) {
		dpb_cfg_diag_format(&cfg->diags[i], line, sizeof(line));
		dpb_strbuf_puts_escaped(out, line);
		dpb_strbuf_puts(out, "\n");
	}
	if (cfg->n_diags_dropped)
		dpb_strbuf_printf(out, "(%u more diagnostics not shown)\n", cfg->n_diags_dropped);
	if (rc < 0) {
		dpb_strbuf_puts(out, "reload refused; the running configuration is unchanged\n");
		DPB_LOG(ERR, CFG, "%s: reload refused; the running configuration is unchanged",
			source.path);
		free(cfg);
		return -EINVAL;
	}
	if (source.no_host_ports)
		dpb_cfg_drop_host_ports(cfg);
	rc = dpb_ctl_reload(c, cfg, out);
	free(cfg);
	return rc;
}

void dpb_ctl_ask_reload(void)
{
	reload_asked = 1;
}

void ctl_reload_if_asked(struct dpb_ctl *c)
{
	struct dpb_strbuf out;

	if (!reload_asked)
		return;
	reload_asked = 0;
	dpb_strbuf_init(&out);
	if (dpb_ctl_reload_file(c, &out) < 0)
		DPB_LOG(ERR, CTL, "SIGHUP: %s", dpb_strbuf_str(&out));
	dpb_strbuf_free(&out);
}
