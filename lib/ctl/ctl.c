/* SPDX-License-Identifier: BSD-3-Clause */
/* Wiring: configuration -> ports, bonds, bridges, workers; and teardown. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ctl_priv.h"
#include "ctl_status.h"
#include "dpb_host.h"

#define LEARN_RING_SIZE 4096

/* ethN without a device of its own is the Nth port EAL probed. */
static int nth_port_of(const char *name)
{
	unsigned int n;
	char extra;

	if (sscanf(name, "eth%u%c", &n, &extra) == 1)
		return (int)n;
	return -1;
}

int ctl_check_devices(const struct dpb_cfg *cfg, struct dpb_strbuf *out)
{
	int rc = 0;

	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct dpb_cfg_iface *f = &cfg->ifaces[i];
		int n = nth_port_of(f->name);
		char msg[DPB_CFG_PATH_LEN + 160];

		if (f->kind != DPB_IFACE_PORT || f->master < 0 || f->vhost || f->devargs[0] ||
		    (n >= 0 && rte_eth_dev_is_valid_port((uint16_t)n)))
			continue;
		snprintf(msg, sizeof(msg),
			 "%s:%u: error: %s: no device: give 'dpdk-devargs' in its stanza, or --port %s=DEVARGS%s",
			 f->loc.file, f->loc.line, f->name, f->name,
			 n >= 0 ? ", or an EAL device for its number" : "");
		if (out)
			dpb_strbuf_printf(out, "%s\n", msg);
		else
			DPB_LOG(ERR, CFG, "%s", msg);
		rc = -ENODEV;
	}
	return rc;
}

int dpb_ctl_check_devices(const struct dpb_cfg *cfg)
{
	return ctl_check_devices(cfg, NULL);
}

/* A free slot in c->ports: one a removed VM port left, or a new one. */
static struct dpb_port *free_port_slot(struct dpb_ctl *c, unsigned int *idx)
{
	for (unsigned int i = 0; i < c->n_ports; i++) {
		if (c->ports[i].name[0] == '\0') {
			*idx = i;
			return &c->ports[i];
		}
	}
	if (c->n_ports == CTL_MAX_PORTS)
		return NULL;
	*idx = c->n_ports++;
	return &c->ports[*idx];
}

void ctl_device_devargs(const struct dpb_ctl *c, int iface, char *buf, size_t len)
{
	const struct ctl_iface *x = &c->ifs[iface];
	const char *given = x->added ? "" : c->file.ifaces[iface].devargs;

	/* persist: the TAP outlives the process, for a handover to the next
	 * dpbond (ctl_port_close removes it at a real stop). */
	if (x->host_port && given[0] == '\0')
		snprintf(buf, len, "net_tap_%s,iface=%s,persist", x->name, x->name);
	else
		snprintf(buf, len, "%s", given);
}

/* The device arguments of slot @iface: a VM port's vhost-user server (a stale
 * socket removed), else ctl_device_devargs(); a host port's TAP that the
 * previous dpbond left keeps its MAC (net_tap would give it a random one). */
static void devargs_of(struct dpb_ctl *c, int iface, char *buf, size_t len)
{
	uint8_t m[6];

	if (c->ifs[iface].vhost) {
		ctl_vm_devargs(c, iface, buf, len);
		return;
	}
	ctl_device_devargs(c, iface, buf, len);
	if (strncmp(buf, "net_tap_", 8) == 0 && strstr(buf, ",persist") &&
	    dpb_host_link_mac(c->ifs[iface].name, m) == 0) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, ",mac=%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
		DPB_LOG(NOTICE, HOST, "%s: taking over the host port TAP left by the previous dpbond, addresses and routes as they are",
			c->ifs[iface].name);
	}
}

/* Whether a TAP of one of the file's host ports is there before dpbond made any. */
static bool host_ports_left(const struct dpb_ctl *c)
{
	uint8_t m[6];

	for (unsigned int i = 0; i < c->n_ifs; i++)
		if (c->ifs[i].host_port && !c->ifs[i].added && c->file.ifaces[i].devargs[0] == '\0' &&
		    dpb_host_link_mac(c->ifs[i].name, m) == 0)
			return true;
	return false;
}

void ctl_port_close(struct dpb_ctl *c, struct dpb_port *p)
{
	char why[128];
	bool tap = strncmp(p->devargs, "net_tap_", 8) == 0 && strstr(p->devargs, ",persist");

	dpb_port_stop(p);
	dpb_port_close(p);
	if (tap && !c->handover && p->name[0] && dpb_host_del_link(p->name, why, sizeof(why)) < 0)
		DPB_LOG(WARNING, HOST, "%s: %s", p->name, why);
}

unsigned int ctl_port_mbufs(const struct dpb_ctl *c, bool vhost)
{
	/* vhost takes mbufs per burst, not per descriptor. */
	if (vhost)
		return c->n_pollers * (DPB_FWD_TXBUF + DPB_FWD_BURST);
	/* rx and tx descriptors per worker, one more pair for a dedicated LACP
	 * queue, the slack of one more; each worker's tx buffer and burst. */
	return 2048 * (c->n_pollers + 2) + c->n_pollers * (DPB_FWD_TXBUF + DPB_FWD_BURST);
}

int ctl_attach_port(struct dpb_ctl *c, int iface)
{
	const char *name = c->ifs[iface].name;
	char devargs[DPB_CFG_DEVARGS_LEN];
	struct dpb_port *p;
	unsigned int idx;
	int rc;

	if (c->ifs[iface].port >= 0)
		return 0;
	devargs_of(c, iface, devargs, sizeof(devargs));
	p = free_port_slot(c, &idx);
	if (p == NULL)
		return -ENOSPC;
	rc = dpb_port_attach(p, name, devargs, devargs[0] ? -1 : nth_port_of(name));
	/* What reload compares: the device, not the MAC a taken-over TAP kept. */
	if (rc == 0 && !c->ifs[iface].vhost)
		ctl_device_devargs(c, iface, p->devargs, sizeof(p->devargs));
	if (rc < 0) {
		memset(p, 0, sizeof(*p));
		if (c->ifs[iface].host_port)
			DPB_LOG(ERR, HOST,
				"%s:%u: %s: no host port (a TAP needs root and /dev/net/tun); --no-host-ports leaves the address to the kernel",
				c->file.ifaces[iface].loc.file, c->file.ifaces[iface].loc.line, name);
		return rc;
	}
	for (unsigned int i = 0; i < c->n_ports; i++) {
		if (i != idx && c->ports[i].name[0] && c->ports[i].port_id == p->port_id) {
			DPB_LOG(ERR, PORT, "%s: device is already %s (port %u)", name,
				c->ports[i].name, p->port_id);
			memset(p, 0, sizeof(*p));
			return -EEXIST;
		}
	}
	c->ifs[iface].port = (int)idx;
	c->port_down[idx] = false;
	return 0;
}

/* The pollers' lcores, and the nodes of theirs and of the main lcore (c->numa). */
static void place_pollers(struct dpb_ctl *c, unsigned int *lcores)
{
	unsigned int lcore, k = 0;

	if (c->n_workers) {
		RTE_LCORE_FOREACH_WORKER(lcore)
			lcores[k++] = lcore;
	} else {
		lcores[0] = rte_get_main_lcore();
	}
	c->numa.main_node = (int)rte_lcore_to_socket_id(rte_get_main_lcore());
	c->numa.n_workers = c->n_pollers;
	for (unsigned int i = 0; i < c->n_pollers; i++)
		c->numa.worker_node[i] = (int)rte_lcore_to_socket_id(lcores[i]);
}

/* The pollers, each in memory of its own node where it has some. */
static int create_workers(struct dpb_ctl *c)
{
	unsigned int lcores[DPB_FWD_MAX_WORKERS];

	c->n_pollers = c->n_workers ? c->n_workers : 1;
	if (c->n_pollers > DPB_FWD_MAX_WORKERS) {
		DPB_LOG(ERR, FWD, "%u worker lcores: dpbond takes at most %u", c->n_workers,
			DPB_FWD_MAX_WORKERS);
		return -EINVAL;
	}
	place_pollers(c, lcores);
	if (c->n_workers) {
		size_t sz = rte_rcu_qsbr_get_memsize(c->n_workers);

		c->qsbr = rte_zmalloc("dpb_qsbr", sz, RTE_CACHE_LINE_SIZE);
		if (c->qsbr == NULL || rte_rcu_qsbr_init(c->qsbr, c->n_workers) != 0)
			return -ENOMEM;
	}
	for (unsigned int i = 0; i < c->n_pollers; i++) {
		int node = c->numa.worker_node[i];
		struct dpb_worker *w = rte_zmalloc_socket("dpb_worker", sizeof(*w),
							  RTE_CACHE_LINE_SIZE, node);
		char name[32];

		if (w == NULL)
			w = rte_zmalloc("dpb_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
		if (w == NULL)
			return -ENOMEM;
		c->workers[i] = w;
		w->idx = i;
		w->lcore_id = lcores[i];
		w->qsbr = c->qsbr;
		w->snapshot = &c->snap;
		atomic_init(&w->quit, false);
		snprintf(name, sizeof(name), "dpb_learn%u", i);
		w->learn_ring = rte_ring_create_elem(name, sizeof(struct dpb_learn_req),
						     LEARN_RING_SIZE, (int)rte_socket_id(),
						     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->learn_ring == NULL)
			return -ENOMEM;
		snprintf(name, sizeof(name), "dpb_punt%u", i);
		w->punt_ring = rte_ring_create(name, 1024, (int)rte_socket_id(),
					       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->punt_ring == NULL)
			return -ENOMEM;
		if (i == 0) {
			w->inject_ring = rte_ring_create("dpb_inject", 1024, (int)rte_socket_id(),
							 RING_F_SP_ENQ | RING_F_SC_DEQ);
			w->announce_ring = rte_ring_create("dpb_announce", 1024, (int)rte_socket_id(),
							   RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (w->inject_ring == NULL || w->announce_ring == NULL)
				return -ENOMEM;
		}
	}
	return 0;
}

int ctl_steer_member(struct dpb_ctl *c, struct dpb_port *p, int bond)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[bond];
	char why[160];
	int rc;

	if (f->bond.mode != DPB_BOND_MODE_8023AD || !f->bond.lacp_dedicated_queue || p->slow_flow)
		return 0;
	rc = dpb_port_steer_slow(p, why, sizeof(why));
	if (rc == 0) {
		DPB_LOG(INFO, LACP, "%s: LACP frames steered by rte_flow to rx queue %u", p->name,
			p->slow_rxq);
	} else if (rc == -EIO) {
		DPB_LOG(ERR, LACP, "%s: %s", p->name, why);
		return rc;
	} else {
		DPB_LOG(WARNING, LACP,
			"%s:%u: warning: %s: no dedicated LACP queue on %s: %s; LACP frames take the software path",
			f->loc.file, f->loc.line, f->name, p->name, why);
	}
	return 0;
}

/* bond-lacp-dedicated-queue: LACP on a queue of its own where rte_flow can. */
static int steer_slow(struct dpb_ctl *c)
{
	for (unsigned int b = 0; b < c->n_bonds; b++) {
		const struct ctl_bond *cb = &c->bonds[b];

		for (unsigned int k = 0; k < cb->bond.n_members; k++)
			if (ctl_steer_member(c, &c->ports[cb->member_port[k]], cb->iface) < 0)
				return -EIO;
	}
	return 0;
}

int ctl_bond_build(struct dpb_ctl *c, struct ctl_bond *cb, int iface, uint64_t now,
		   const struct dpb_mac *addr)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[iface];
	int rc = dpb_bond_init(&cb->bond, f->name, &f->bond, now);
	unsigned int n = 0;

	if (rc < 0) {
		DPB_LOG(ERR, BOND, "%s:%u: %s: mode %s cannot be set up", f->loc.file, f->loc.line,
			f->name, dpb_bond_mode_name(f->bond.mode));
		return rc;
	}
	cb->iface = iface;
	cb->ctl = c;
	cb->conf = f->bond;
	for (unsigned int k = 0; k < f->bond.n_members; k++) {
		int m = f->bond.members[k];
		struct dpb_port *p;
		struct dpb_port_link link;
		struct dpb_link_sample s;
		struct dpb_mac mac;

		if (c->ifs[m].port < 0)   /* a member a reload restarts: it joins after */
			continue;
		p = &c->ports[c->ifs[m].port];
		dpb_port_link(p, &link);
		s.carrier = link.up;
		s.speed_mbps = link.speed_mbps;
		s.full_duplex = link.full_duplex;
		memcpy(mac.b, p->perm_addr.addr_bytes, DPB_MAC_LEN);
		dpb_bond_add_member(&cb->bond, p->name, &mac, &s, now);
		cb->member_port[n] = c->ifs[m].port;
		cb->member_iface[n] = m;
		/* bond-primary: as Linux when the named slave is enslaved, forced. */
		if (m == f->bond.primary)
			dpb_bond_set_primary(&cb->bond, (int)n, now);
		n++;
	}
	if (f->has_hwaddress)
		memcpy(cb->bond.addr.b, f->hwaddress, DPB_MAC_LEN);
	else if (addr)
		cb->bond.addr = *addr;
	/* fail_over_mac none: every member takes the bond's MAC; else as the policy says. */
	ctl_member_macs(c, cb);
	ctl_arpmon_init(c, cb);
	ctl_rlb_init(c, cb);
	ctl_log_bond_events(cb);
	if (f->bond.mode == DPB_BOND_MODE_8023AD)
		return ctl_lacp_init(c, cb, &f->bond, now);
	return 0;
}

static int init_bond(struct dpb_ctl *c, int iface, uint64_t now)
{
	c->ifs[iface].bond = (int)c->n_bonds;
	return ctl_bond_build(c, &c->bonds[c->n_bonds++], iface, now, NULL);
}

void ctl_bridge_settings(const struct dpb_ctl *c, struct ctl_bridge *br, int iface)
{
	const struct dpb_cfg_iface *f = &c->file.ifaces[iface];

	br->iface = iface;
	br->vlan_aware = f->bridge.vlan_aware;
	br->n_ports = f->bridge.n_ports;
	memcpy(br->ports, f->bridge.ports, sizeof(br->ports[0]) * f->bridge.n_ports);
	br->ageing_ms = (uint64_t)f->bridge.ageing_s * 1000;
}

int ctl_bridge_build(struct dpb_ctl *c, struct ctl_bridge *br, int iface)
{
	ctl_bridge_settings(c, br, iface);
	br->fdb = dpb_fdb_create(c->file.ifaces[iface].bridge.fdb_max);
	return br->fdb == NULL ? -ENOMEM : 0;
}

static int init_bridge(struct dpb_ctl *c, int iface)
{
	c->ifs[iface].bridge = (int)c->n_bridges;
	return ctl_bridge_build(c, &c->bridges[c->n_bridges++], iface);
}

static int init_host_ports(struct dpb_ctl *c)
{
	for (unsigned int i = 0; i < c->n_bridges; i++) {
		int rc = ctl_host_port_init(c, &c->bridges[i]);

		if (rc < 0)
			return rc;
	}
	return ctl_vlan_host_ports_init(c);
}

/*
 * A bridge with addresses gets a host port: a TAP named like the bridge (or
 * the device `--port BRIDGE=DEVARGS` names), counted as the bridge; so does
 * a VLAN with addresses on a VLAN-aware bridge, as one of its ports.
 */
int ctl_wants_port(const struct dpb_cfg *cfg, int i)
{
	const struct dpb_cfg_iface *f = &cfg->ifaces[i];

	if (f->kind == DPB_IFACE_PORT && f->master >= 0)
		return CTL_PORT_DEVICE;
	/* VLANs' host ports in a bridge; bridges' own, and those of VLANs of bonds and NICs (bond0.60). */
	if (f->host_port && (f->kind == DPB_IFACE_BRIDGE || f->kind == DPB_IFACE_VLAN))
		return f->kind == DPB_IFACE_VLAN && f->master >= 0 ? CTL_PORT_HOST_IN_BRIDGE :
								     CTL_PORT_HOST;
	return CTL_PORT_NONE;
}

/* Ports in use: bond members and bridge ports in configuration order, then host ports. */
static int attach_ports(struct dpb_ctl *c)
{
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < c->n_ifs; i++) {
			int want = ctl_wants_port(&c->file, (int)i), rc;

			if (want == CTL_PORT_NONE || (want == CTL_PORT_HOST) != (pass == 1))
				continue;
			rc = ctl_attach_port(c, (int)i);
			if (rc < 0)
				return rc;
		}
	}
	if (c->n_ports == 0) {
		DPB_LOG(ERR, CTL, "no bond or bridge uses any port: nothing to do");
		return -EINVAL;
	}
	return 0;
}

struct dpb_ctl *dpb_ctl_create(const struct dpb_cfg *cfg)
{
	struct dpb_ctl *c = calloc(1, sizeof(*c));
	uint64_t now;

	if (c == NULL)
		return NULL;
	memcpy(&c->file, cfg, sizeof(*cfg));
	memcpy(c->run_dir, cfg->run_dir, sizeof(c->run_dir));
	ctl_model_init(c);
	c->tsc_hz = rte_get_tsc_hz();
	c->start_tsc = rte_get_tsc_cycles();
	c->n_workers = rte_lcore_count() - 1;
	c->forwarding = true;
	atomic_init(&c->snap, NULL);
	/* After a handover (or a crash) the interfaces are up with what their
	 * up hooks did, which no down hook undid: not run twice. */
	ctl_host_ports_sweep(c);
	c->took_over = host_ports_left(c);
	if (c->took_over)
		DPB_LOG(NOTICE, CTL, "the host ports of a previous dpbond are there: taking over, without running the up hooks again");
	else
		ctl_run_hooks(c, DPB_HOOK_PRE_UP);
	if (create_workers(c) < 0 || attach_ports(c) < 0 || ctl_pools_create(c) < 0)
		goto fail;
	for (unsigned int i = 0; i < c->n_ports; i++)
		if (ctl_port_up(c, &c->ports[i]) < 0)
			goto fail;
	now = dpb_ctl_now_ms(c);
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		enum dpb_iface_kind k = c->ifs[i].kind;

		if ((k == DPB_IFACE_BOND && init_bond(c, (int)i, now) < 0) ||
		    (k == DPB_IFACE_BRIDGE && init_bridge(c, (int)i) < 0))
			goto fail;
	}
	if (steer_slow(c) < 0)
		goto fail;
	if (init_host_ports(c) < 0)
		goto fail;
	ctl_host_ports_save(c);
	/* A VM that is not connected yet reads down from the first snapshot on. */
	ctl_poll_bridge_links(c, now);
	c->last_age_ms = now;
	c->next_rebalance_ms = now + CTL_REBALANCE_MS;
	ctl_publish(c);
	if (ctl_telemetry_init(c) < 0)
		goto fail;
	for (unsigned int i = 0; i < c->n_workers; i++)
		rte_eal_remote_launch(dpb_fwd_worker_main, c->workers[i], c->workers[i]->lcore_id);
	ctl_vm_restore(c);
	if (!c->took_over) {
		ctl_run_hooks(c, DPB_HOOK_UP);
		ctl_run_hooks(c, DPB_HOOK_POST_UP);
	}
	c->hooks_up = true;   /* (by this dpbond or the one it took over from) */
	return c;
fail:
	dpb_ctl_destroy(c);
	return NULL;
}

void dpb_ctl_handover(struct dpb_ctl *c)
{
	c->handover = true;
}

int dpb_ctl_destroy(struct dpb_ctl *c)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	ctl_log_all_bond_events(c);   /* what the last tick left to log */
	ctl_telemetry_fini();
	ctl_status_fini(c);
	/* At a handover the interfaces stay up for the next dpbond: no down hooks. */
	if (c->hooks_up && !c->handover) {
		ctl_run_hooks(c, DPB_HOOK_PRE_DOWN);
		ctl_run_hooks(c, DPB_HOOK_DOWN);
	}
	for (unsigned int i = 0; i < c->n_workers; i++) {
		if (c->workers[i] == NULL)
			continue;
		atomic_store(&c->workers[i]->quit, true);
	}
	rte_eal_mp_wait_lcore();
	/* Forwarding has stopped: what each port did, for the log. */
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		struct ctl_sums s;
		uint64_t dropped = 0;

		if (c->ifs[i].port < 0)
			continue;
		ctl_sums_read(c, (int)i, &s);
		for (unsigned int r = 0; r < DPB_DROP_COUNT; r++)
			dropped += s.drops[r];
		DPB_LOG(INFO, CTL, "final counters: %s: rx %lu tx %lu dropped %lu",
			c->ifs[i].name, (unsigned long)s.rx_pkts, (unsigned long)s.tx_pkts,
			(unsigned long)dropped);
	}
	for (unsigned int i = 0; i < c->n_ports; i++)
		dpb_port_stop(&c->ports[i]);
	for (unsigned int i = 0; i < c->n_ports; i++)
		ctl_port_close(c, &c->ports[i]);
	if (c->hooks_up && !c->handover)
		ctl_run_hooks(c, DPB_HOOK_POST_DOWN);
	if (c->handover) {
		DPB_LOG(NOTICE, CTL, "handover: the host ports' TAPs are left, with their addresses and routes, for the next dpbond");
	} else {
		c->taps_removed = true;   /* (none: the list goes) */
		ctl_host_ports_save(c);
	}
	/* Frames still between the planes go back to the pool first. */
	for (unsigned int i = 0; i < c->n_pollers; i++) {
		struct dpb_worker *w = c->workers[i];
		struct rte_mbuf *m;

		while (w && w->punt_ring && rte_ring_dequeue(w->punt_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (w && w->inject_ring && rte_ring_dequeue(w->inject_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (w && w->announce_ring && rte_ring_dequeue(w->announce_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	if (ctl_pools_free(c) < 0)
		rc = -EIO;
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		dpb_lacp_destroy(c->bonds[i].lacp);
		free(c->bonds[i].rlb);
	}
	for (unsigned int i = 0; i < c->n_pollers; i++) {
		if (c->workers[i]) {
			rte_ring_free(c->workers[i]->punt_ring);
			rte_ring_free(c->workers[i]->inject_ring);
			rte_ring_free(c->workers[i]->announce_ring);
			rte_ring_free(c->workers[i]->learn_ring);
			rte_free(c->workers[i]);
		}
	}
	for (unsigned int i = 0; i < c->n_bridges; i++)
		dpb_fdb_free(c->bridges[i].fdb);
	free(atomic_load(&c->snap));
	rte_free(c->qsbr);
	free(c);
	return rc;
}
