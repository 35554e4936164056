/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM ports: vhost-user sockets that dpbond serves, one per VM interface,
 * declared with bridge-vhost-ports or added and removed from the console
 * while the other ports forward. A VM that is not connected is a port whose
 * link is down; the link of every bridge port that is not a bond member is
 * polled here, as miimon polls members.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "ctl_priv.h"

#define PORT_POLL_MS 100

static void socket_path(const struct dpb_ctl *c, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s.sock", c->cfg.run_dir, name);
}

int dpb_ctl_run_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create it: %s", dir, strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	/* Its sockets are the VMs' network and the control of the host's: only
	 * a folder of ours that nobody else may write. */
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		snprintf(err, errlen, "%s: not a folder owned by uid %u and writable by it alone (uid %u, mode %04o)",
			 dir, (unsigned int)geteuid(), (unsigned int)st.st_uid,
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

void ctl_vm_devargs(struct dpb_ctl *c, struct dpb_cfg_iface *f)
{
	char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];
	struct stat st;

	socket_path(c, f->name, path, sizeof(path));
	if (mkdir(c->cfg.run_dir, 0700) < 0 && errno != EEXIST)
		DPB_LOG(ERR, VM, "%s: cannot create %s: %s", f->name, c->cfg.run_dir,
			strerror(errno));
	/* A socket left by an earlier run would refuse the bind. */
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	snprintf(f->devargs, sizeof(f->devargs), "net_vhost_%s,iface=%s,queues=%u", f->name, path,
		 c->n_pollers);
}

int ctl_port_up(struct dpb_ctl *c, struct dpb_port *p)
{
	int iface = dpb_cfg_find(&c->cfg, p->name);
	int rc = dpb_port_configure(p, (uint16_t)c->n_pollers, c->pool,
				    iface >= 0 ? c->cfg.ifaces[iface].eff_mtu : 0);

	if (rc == 0)
		rc = dpb_port_start(p);
	if (rc == 0)
		ctl_kernel_mtu(p);
	if (rc == 0 && iface >= 0 && c->cfg.ifaces[iface].vhost) {
		char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];

		/* Only root's VMs (QEMU runs as root on Proxmox) may connect. */
		socket_path(c, p->name, path, sizeof(path));
		if (chmod(path, 0600) < 0)
			DPB_LOG(WARNING, VM, "%s: warning: cannot make %s 0600: %s", p->name, path,
				strerror(errno));
	}
	return rc;
}

/* Forgets what a bridge learned on positions @from onwards (they moved). */
static void bridge_ports_moved(struct dpb_ctl *c, int bridge_iface, unsigned int from)
{
	struct ctl_bridge *br = &c->bridges[c->iface_bridge[bridge_iface]];
	unsigned int n = c->cfg.ifaces[bridge_iface].bridge.n_ports;

	/* Up to the host port's old place: n - 1 before an add, n + 1 before a removal. */
	for (unsigned int k = from; k <= n + 1; k++)
		dpb_fdb_flush_port(br->fdb, k);
	ctl_host_port_moved(c, br);
}

/* The bridge position of port @iface, or -1. */
static int position(const struct dpb_ctl *c, int iface)
{
	int master = c->cfg.ifaces[iface].master;
	const struct dpb_cfg_bridge *br;

	if (c->iface_bridge[iface] >= 0)
		return (int)c->cfg.ifaces[iface].bridge.n_ports;  /* a host port */
	if (master < 0 || c->iface_bridge[master] < 0)
		return -1;
	br = &c->cfg.ifaces[master].bridge;
	for (unsigned int k = 0; k < br->n_ports; k++)
		if (br->ports[k] == iface)
			return (int)k;
	return -1;
}

/*
 * A VM that connects with an MTU of its own (QEMU's host_mtu, negotiated as
 * VIRTIO_NET_F_MTU) is sent no longer frames, as Linux's tap would refuse
 * them; one that leaves takes that with it.
 */
static void vm_mtu(struct dpb_ctl *c, int iface, bool up)
{
	struct dpb_port *p = &c->ports[c->iface_port[iface]];
	uint16_t mtu;
	int vid;

	p->peer_mtu = 0;
	if (!up || (vid = rte_eth_vhost_get_vid_from_port_id(p->port_id)) < 0 ||
	    rte_vhost_get_mtu(vid, &mtu) != 0)
		return;
	p->peer_mtu = mtu;
	if (p->mtu && mtu > p->mtu)
		DPB_LOG(NOTICE, VM, "%s: the VM negotiated MTU %u, above the bridge's %u: frames stay within %u",
			p->name, mtu, p->mtu, p->mtu);
	else
		DPB_LOG(INFO, VM, "%s: the VM negotiated MTU %u: no longer frames go to it", p->name, mtu);
}

void ctl_poll_bridge_links(struct dpb_ctl *c, uint64_t now)
{
	if (now < c->next_port_poll_ms)
		return;
	c->next_port_poll_ms = now + PORT_POLL_MS;
	for (unsigned int i = 0; i < c->cfg.n_ifaces; i++) {
		int pi = c->iface_port[i], k = position(c, (int)i);
		struct dpb_port_link l;
		int bridge;

		if (pi < 0 || k < 0)
			continue;
		dpb_port_link(&c->ports[pi], &l);
		if (c->port_down[pi] == !l.up)
			continue;
		c->port_down[pi] = !l.up;
		c->dirty = true;
		DPB_LOG(NOTICE, PORT, "[%8.3f] %s: link %s", (double)now / 1000.0, c->cfg.ifaces[i].name,
			l.up ? "up" : "down");
		if (c->cfg.ifaces[i].vhost)
			vm_mtu(c, (int)i, l.up);
		bridge = c->iface_bridge[i] >= 0 ? c->iface_bridge[i] :
			 c->iface_bridge[c->cfg.ifaces[i].master];
		/* A bridge port whose link goes loses what was learned on it (Linux). */
		if (!l.up)
			dpb_fdb_flush_port(c->bridges[bridge].fdb, (uint32_t)k);
	}
}

int dpb_ctl_add_vhost_port(struct dpb_ctl *c, const char *bridge, const char *name,
			   struct dpb_strbuf *out)
{
	int b = ctl_find_iface(c, bridge), i, rc;
	struct dpb_port *p;

	if (b < 0 || c->iface_bridge[b] < 0) {
		dpb_strbuf_printf(out, "no bridge named '%s'\n", bridge);
		return -ENOENT;
	}
	i = dpb_cfg_add_vhost_port(&c->cfg, b, name);
	if (i < 0) {
		dpb_strbuf_printf(out, "%s: cannot add VM port '%s': %s\n", bridge, name,
				  i == -EEXIST ? "that name is already an interface" :
				  i == -EINVAL ? "not NAME, NAME:tag=VLAN or NAME:trunks=VLANS (tag= and trunks= on a VLAN-aware bridge)" :
				  "no room");
		return i;
	}
	c->cfg.ifaces[i].added = true;   /* not the file's: a reload keeps it */
	/* A new port counts from zero, even in a slot a removed one had. */
	{
		struct ctl_sums now;

		ctl_sums_read(c, i, &now);
		ctl_sums_add(&c->base[i], &now);
	}
	rc = ctl_attach_port(c, i);
	p = rc == 0 ? &c->ports[c->iface_port[i]] : NULL;
	if (rc == 0)
		rc = ctl_port_up(c, p);
	if (rc < 0) {
		if (p) {
			dpb_port_close(p);
			memset(p, 0, sizeof(*p));
			c->iface_port[i] = -1;
		}
		dpb_cfg_remove_bridge_port(&c->cfg, i);
		dpb_strbuf_printf(out, "%s: cannot add VM port %s: %s\n", bridge, c->cfg.ifaces[i].name,
				  strerror(-rc));
		return rc;
	}
	/* The host port sits after the others: it moved up one. */
	bridge_ports_moved(c, b, c->cfg.ifaces[b].bridge.n_ports - 1);
	c->port_down[c->iface_port[i]] = true;  /* until the poll sees the VM */
	ctl_publish(c);
	ctl_drop_stale_learning(c, 1u << c->iface_bridge[b]);
	dpb_strbuf_printf(out, "%s: VM port %s added (vhost-user server %s/%s.sock)\n", bridge,
			  c->cfg.ifaces[i].name, c->cfg.run_dir, c->cfg.ifaces[i].name);
	return 0;
}

int dpb_ctl_remove_bridge_port(struct dpb_ctl *c, const char *bridge, const char *name,
			       struct dpb_strbuf *out)
{
	int b = ctl_find_iface(c, bridge), i = ctl_find_iface(c, name), k, pi;
	struct dpb_port *p;

	if (b < 0 || c->iface_bridge[b] < 0) {
		dpb_strbuf_printf(out, "no bridge named '%s'\n", bridge);
		return -ENOENT;
	}
	if (i < 0 || c->cfg.ifaces[i].master != b || !c->cfg.ifaces[i].vhost) {
		dpb_strbuf_printf(out, "%s has no VM port named '%s'\n", bridge, name);
		return -ENOENT;
	}
	pi = c->iface_port[i];
	k = dpb_cfg_remove_bridge_port(&c->cfg, i);
	c->iface_port[i] = -1;
	/* No worker polls or sends to it once this snapshot is everyone's. */
	bridge_ports_moved(c, b, (unsigned int)k);
	ctl_publish(c);
	ctl_drop_stale_learning(c, 1u << c->iface_bridge[b]);
	if (pi >= 0) {
		char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];

		p = &c->ports[pi];
		dpb_port_close(p);
		memset(p, 0, sizeof(*p));
		socket_path(c, name, path, sizeof(path));
		unlink(path);
	}
	dpb_strbuf_printf(out, "%s: VM port %s removed\n", bridge, name);
	return 0;
}
