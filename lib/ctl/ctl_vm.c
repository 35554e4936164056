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
	snprintf(path, len, "%s/%s.sock", c->run_dir, name);
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

void ctl_vm_devargs(struct dpb_ctl *c, int iface, char *buf, size_t len)
{
	const char *name = c->ifs[iface].name;
	char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];
	struct stat st;

	socket_path(c, name, path, sizeof(path));
	if (mkdir(c->run_dir, 0700) < 0 && errno != EEXIST)
		DPB_LOG(ERR, VM, "%s: cannot create %s: %s", name, c->run_dir, strerror(errno));
	/* QEMU's socket (server=on): dpbond connects, and again after QEMU or
	 * dpbond restarts (the vhost library retries every second). */
	if (c->ifs[iface].vhost_client) {
		snprintf(buf, len, "net_vhost_%s,iface=%s,queues=%u,client=1", name, path,
			 c->n_pollers);
		return;
	}
	/* A socket left by an earlier run would refuse the bind. */
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	snprintf(buf, len, "net_vhost_%s,iface=%s,queues=%u", name, path, c->n_pollers);
}

int ctl_port_up(struct dpb_ctl *c, struct dpb_port *p)
{
	int iface = ctl_find_name(c, p->name);
	int rc = dpb_port_configure(p, (uint16_t)c->n_pollers, ctl_port_pool(c, p),
				    iface >= 0 ? c->ifs[iface].mtu : 0);

	if (rc == 0)
		rc = dpb_port_start(p);
	if (rc == 0)
		ctl_numa_check_port(c, p);
	if (rc == 0)
		ctl_kernel_mtu(p);
	if (rc == 0 && iface >= 0 && c->ifs[iface].vhost && !c->ifs[iface].vhost_client) {
		char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];

		/* Only root's VMs (QEMU runs as root on Proxmox) may connect. */
		socket_path(c, p->name, path, sizeof(path));
		if (chmod(path, 0600) < 0)
			DPB_LOG(WARNING, VM, "%s: warning: cannot make %s 0600: %s", p->name, path,
				strerror(errno));
	}
	return rc;
}

/* Forgets what bridge @br learned on positions @from onwards, up to @until (they moved). */
static void bridge_ports_moved(struct dpb_ctl *c, struct ctl_bridge *br, unsigned int from,
			       unsigned int until)
{
	for (unsigned int k = from; k <= until; k++)
		dpb_fdb_forget_port(br->fdb, k);
	ctl_host_port_moved(c, br);   /* the host ports' MACs held at their new places */
}

/*
 * A VM that connects with an MTU of its own (QEMU's host_mtu, negotiated as
 * VIRTIO_NET_F_MTU) is sent no longer frames, as Linux's tap would refuse
 * them; one that leaves takes that with it.
 */
static void vm_mtu(struct dpb_ctl *c, int iface, bool up)
{
	struct dpb_port *p = &c->ports[c->ifs[iface].port];
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
	for (unsigned int i = 0; i < c->n_ifs; i++) {
		int pi = c->ifs[i].port, bridge, k;
		struct dpb_port_link l;

		if (pi < 0 || (k = ctl_bridge_position(c, (int)i, &bridge)) < 0)
			continue;
		dpb_port_link(&c->ports[pi], &l);
		if (c->port_down[pi] == !l.up)
			continue;
		c->port_down[pi] = !l.up;
		c->dirty = true;
		DPB_LOG(NOTICE, PORT, "[%8.3f] %s: link %s", (double)now / 1000.0, c->ifs[i].name,
			l.up ? "up" : "down");
		if (c->ifs[i].vhost)
			vm_mtu(c, (int)i, l.up);
		/* A bridge port whose link goes loses what was learned on it (Linux). */
		if (!l.up)
			dpb_fdb_flush_port(c->bridges[bridge].fdb, (uint32_t)k);
	}
}

int dpb_ctl_add_vhost_port(struct dpb_ctl *c, const char *bridge, const char *name,
			   struct dpb_strbuf *out)
{
	int b = ctl_find_iface(c, bridge), i, rc;
	struct ctl_bridge *br;
	struct dpb_cfg_vlan vlan;
	char vm[DPB_NAME_LEN];
	struct dpb_port *p;
	bool client;

	if (b < 0 || c->ifs[b].bridge < 0) {
		dpb_strbuf_printf(out, "no bridge named '%s'\n", bridge);
		return -ENOENT;
	}
	br = &c->bridges[c->ifs[b].bridge];
	if (dpb_cfg_vhost_spec(name, br->vlan_aware, vm, &vlan, &client) < 0) {
		dpb_strbuf_printf(out, "%s: cannot add VM port '%s': not NAME[:OPTIONS], OPTIONS tag=VLAN or trunks=VLANS, client, comma-separated (tag= and trunks= on a VLAN-aware bridge)\n",
				  bridge, name);
		return -EINVAL;
	}
	i = br->n_ports == DPB_CFG_MAX_BR_PORTS ? -ENOSPC : ctl_iface_new(c, vm);
	if (i < 0) {
		dpb_strbuf_printf(out, "%s: cannot add VM port '%s': %s\n", bridge, vm,
				  i == -EEXIST ? "that name is already an interface" : "no room");
		return i;
	}
	c->ifs[i].vhost = true;
	c->ifs[i].vhost_client = client;
	c->ifs[i].added = true;   /* not the file's: a reload keeps it */
	if (strlen(name) < sizeof(c->ifs[i].vm_spec))
		strcpy(c->ifs[i].vm_spec, name);
	else
		DPB_LOG(WARNING, VM, "%s: VM port spec longer than %u characters: not kept over a restart",
			vm, DPB_VM_SPEC_LEN - 1);
	c->ifs[i].vlan = vlan;
	c->ifs[i].master = b;
	c->ifs[i].mtu = c->ifs[b].mtu;   /* its bridge's */
	/* A new port counts from zero, even in a slot a removed one had. */
	{
		struct ctl_sums now;

		ctl_sums_read(c, i, &now);
		ctl_sums_add(&c->base[i], &now);
	}
	rc = ctl_attach_port(c, i);
	p = rc == 0 ? &c->ports[c->ifs[i].port] : NULL;
	if (rc == 0)
		rc = ctl_port_up(c, p);
	if (rc < 0) {
		if (p) {
			dpb_port_close(p);
			memset(p, 0, sizeof(*p));
			c->ifs[i].port = -1;
		}
		c->ifs[i].master = -1;
		dpb_strbuf_printf(out, "%s: cannot add VM port %s: %s\n", bridge, vm, strerror(-rc));
		return rc;
	}
	br->ports[br->n_ports++] = i;
	/* The host port sits after the others: it moved up one. */
	bridge_ports_moved(c, br, br->n_ports - 1, br->n_ports);
	c->port_down[c->ifs[i].port] = true;  /* until the poll sees the VM */
	ctl_publish(c);
	ctl_drop_stale_learning(c, 1u << c->ifs[b].bridge);
	ctl_vm_save(c);
	dpb_strbuf_printf(out, "%s: VM port %s added (vhost-user %s %s/%s.sock)\n", bridge, vm,
			  client ? "client of" : "server", c->run_dir, vm);
	return 0;
}

int ctl_vm_port_leave(struct dpb_ctl *c, int i)
{
	int bridge, k = ctl_bridge_position(c, i, &bridge);
	struct ctl_bridge *br;

	if (k < 0 || c->ifs[i].bridge >= 0)
		return -ENOENT;
	br = &c->bridges[bridge];
	memmove(&br->ports[k], &br->ports[k + 1], (br->n_ports - (unsigned int)k - 1) * sizeof(br->ports[0]));
	br->n_ports--;
	c->ifs[i].master = -1;
	/* Up to the host port's old place. */
	bridge_ports_moved(c, br, (unsigned int)k, br->n_ports + 1);
	return bridge;
}

int dpb_ctl_remove_bridge_port(struct dpb_ctl *c, const char *bridge, const char *name,
			       struct dpb_strbuf *out)
{
	int b = ctl_find_iface(c, bridge), i = ctl_find_iface(c, name), pi, br;
	struct dpb_port *p;
	bool client;

	if (b < 0 || c->ifs[b].bridge < 0) {
		dpb_strbuf_printf(out, "no bridge named '%s'\n", bridge);
		return -ENOENT;
	}
	if (i < 0 || c->ifs[i].master != b || !c->ifs[i].vhost) {
		dpb_strbuf_printf(out, "%s has no VM port named '%s'\n", bridge, name);
		return -ENOENT;
	}
	pi = c->ifs[i].port;
	client = c->ifs[i].vhost_client;
	br = ctl_vm_port_leave(c, i);
	c->ifs[i].port = -1;
	/* No worker polls or sends to it once this snapshot is everyone's. */
	ctl_publish(c);
	if (br >= 0)
		ctl_drop_stale_learning(c, 1u << br);
	if (pi >= 0) {
		char path[DPB_CFG_PATH_LEN + DPB_NAME_LEN + 8];

		p = &c->ports[pi];
		dpb_port_close(p);
		memset(p, 0, sizeof(*p));
		socket_path(c, name, path, sizeof(path));
		if (!client)   /* QEMU's own it leaves */
			unlink(path);
	}
	c->ifs[i].vm_spec[0] = '\0';
	ctl_vm_save(c);
	dpb_strbuf_printf(out, "%s: VM port %s removed\n", bridge, name);
	return 0;
}
