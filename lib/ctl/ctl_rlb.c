/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * balance-alb's receive load balancing on the control lcore: the host port's
 * ARP replies come from the workers' punt rings; a reply to a client behind
 * an alb bond leaves on the member lib/bond/bond_rlb.c chose, carrying that
 * member's MAC, and any other reply goes on its way unchanged. When the
 * bond's members change, the clients that moved are told their new member's
 * MAC (Linux's rlb_update_client). The workers give frames to a member's
 * MAC the host's MAC on the way in.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "ctl_priv.h"
#include "dpb_announce.h"

#define ARP_LEN 42   /* Ethernet + ARP for IPv4, unpadded */
#define RLB_UPDATE_GAP_MS 1100  /* a client's neighbour locktime (1 s), and a little */
#define RLB_AFTER_REQUEST_MS 50 /* the host's ARP request first reaches the clients */

static bool to_brport(struct dpb_ctl *c, int f, const uint8_t *frame, size_t len)
{
	if (c->ifs[f].bond >= 0)
		return ctl_inject(c, true, (uint16_t)c->ifs[f].bond, frame, len);
	if (c->ifs[f].port < 0)
		return false;
	return ctl_inject(c, false, c->ports[c->ifs[f].port].port_id, frame, len);
}

/* The MAC member @k gives its clients: its own, unless it is the host's. */
static bool member_mac(const struct ctl_bond *cb, int k, const struct dpb_mac *host,
		       struct dpb_mac *mac)
{
	*mac = cb->bond.members[k].perm_addr;
	return !dpb_mac_eq(mac, host);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Sends @frame on client's member @k: its own MAC, else through the bond as the mode picks. */
static bool send_for_member(struct dpb_ctl *c, struct ctl_bond *cb, int k, uint8_t *frame,
			    size_t len, const struct dpb_mac *host)
{
	struct dpb_mac mac;

	if (k >= 0 && member_mac(cb, k, host, &mac)) {
		memcpy(frame + 6, mac.b, DPB_MAC_LEN);       /* Ethernet source */
		memcpy(frame + 22, mac.b, DPB_MAC_LEN);      /* ARP sender */
		return ctl_member_send(cb, (unsigned int)k, frame, len);
	}
	return ctl_inject(c, true, (uint16_t)(cb - c->bonds), frame, len);
}

void ctl_rlb_frame(struct dpb_ctl *c, const struct rte_mbuf *m)
{
	uint8_t f[ARP_LEN];
	const uint8_t *d;
	int host = -1, bridge, out;
	struct ctl_bridge *br;
	struct dpb_mac host_mac, client;

	for (unsigned int i = 0; i < c->n_ifs && host < 0; i++)
		if (c->ifs[i].port >= 0 && c->ports[c->ifs[i].port].port_id == m->port)
			host = (int)i;
	if (host < 0 || (bridge = c->ifs[host].bridge) < 0 ||
	    (d = rte_pktmbuf_read(m, 0, ARP_LEN, f)) == NULL) {
		c->rlb_forward_lost++;   /* not a host port's ARP reply after all */
		return;
	}
	if (d != f)
		memcpy(f, d, ARP_LEN);
	br = &c->bridges[bridge];
	memcpy(host_mac.b, f + 6, DPB_MAC_LEN);
	memcpy(client.b, f, DPB_MAC_LEN);
	out = dpb_fdb_lookup(br->fdb, 0, client.b, NULL);
	if (out >= 0 && out < (int)br->n_ports) {
		int b = c->ifs[br->ports[out]].bond;

		if (b >= 0 && c->bonds[b].rlb) {
			struct ctl_bond *cb = &c->bonds[b];
			int k;

			cb->rlb_host_mac = host_mac;
			k = dpb_rlb_choose(cb->rlb, &cb->bond, get32(f + 38), &client,
					       get32(f + 28));

			if (send_for_member(c, cb, k, f, ARP_LEN, &host_mac))
				cb->rlb_replies++;
			else
				cb->rlb_lost++;
			return;
		}
		if (!to_brport(c, br->ports[out], f, ARP_LEN))
			c->rlb_forward_lost++;
		return;
	}
	/* Not learned yet: every port but the host's, as the bridge would flood. */
	for (unsigned int k = 0; k < br->n_ports; k++)
		if (!to_brport(c, br->ports[k], f, ARP_LEN))
			c->rlb_forward_lost++;
}

/*
 * One update to each client whose member changed: an ARP reply from the
 * host's address with its new member's MAC. Linux sends its three at once;
 * a client ignores a new MAC within a second of the last one (the kernel's
 * neighbour locktime), so dpbond spaces them a second apart.
 */
static void send_updates(struct dpb_ctl *c, struct ctl_bond *cb)
{
	uint8_t frame[DPB_ANNOUNCE_FRAME_LEN];

	for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++) {
		struct dpb_rlb_client *cl = &cb->rlb->clients[k];
		size_t len;

		if (!cl->used || cl->ntt == 0)
			continue;
		cl->ntt--;
		len = dpb_announce_arp_reply(frame, &cb->rlb_host_mac, cl->server_ip, &cl->mac,
					     cl->ip, 0);
		if (send_for_member(c, cb, cl->member, frame, len, &cb->rlb_host_mac))
			cb->rlb_updates++;
		else
			cb->rlb_lost++;
	}
}

void ctl_rlb_changes(struct dpb_ctl *c)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];

		if (cb->rlb == NULL || dpb_rlb_members_changed(cb->rlb, &cb->bond) == 0)
			continue;
		send_updates(c, cb);
		cb->rlb_next_update_ms = dpb_ctl_now_ms(c) + RLB_UPDATE_GAP_MS;
	}
}

/*
 * The host sent an ARP request: broadcast, it taught every client the host's
 * MAC again (Linux's rlb_req_update_subnet_clients). Each client is told its
 * member's MAC again, in the spaced rounds of an update.
 */
static void host_requested(struct dpb_ctl *c, uint64_t now)
{
	uint64_t n = 0;

	for (unsigned int w = 0; w < c->n_pollers; w++)
		n += atomic_load_explicit(&c->workers[w]->rlb_host_requests, memory_order_relaxed);
	if (n == c->rlb_requests_seen)
		return;
	c->rlb_requests_seen = n;
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];

		if (cb->rlb == NULL)
			continue;
		for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++)
			if (cb->rlb->clients[k].used && cb->rlb->clients[k].member >= 0)
				cb->rlb->clients[k].ntt = DPB_RLB_UPDATE_RETRY;
		/* After the request has reached them. */
		cb->rlb_next_update_ms = now + RLB_AFTER_REQUEST_MS;
	}
}

void ctl_rlb_tick(struct dpb_ctl *c, uint64_t now)
{
	host_requested(c, now);
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		struct ctl_bond *cb = &c->bonds[i];

		if (cb->rlb == NULL || cb->rlb_next_update_ms == 0 || now < cb->rlb_next_update_ms)
			continue;
		send_updates(c, cb);
		cb->rlb_next_update_ms = now + RLB_UPDATE_GAP_MS;
	}
}

void ctl_rlb_init(struct dpb_ctl *c, struct ctl_bond *cb)
{
	const struct ctl_iface *f = &c->ifs[cb->iface];
	const struct ctl_iface *br = f->master >= 0 ? &c->ifs[f->master] : NULL;

	/* Only under a bridge whose own host port sends untagged over the bond. */
	if (cb->bond.mode != DPB_BOND_MODE_BALANCE_ALB || br == NULL ||
	    br->kind != DPB_IFACE_BRIDGE || !br->host_port ||
	    c->file.ifaces[f->master].bridge.vlan_aware)
		return;
	cb->rlb = calloc(1, sizeof(*cb->rlb));
	if (cb->rlb == NULL) {
		DPB_LOG(WARNING, BOND, "%s: no memory for receive load balancing; alb works as tlb",
			f->name);
		return;
	}
	dpb_rlb_init(cb->rlb);
}

void ctl_rlb_snapshot(const struct dpb_ctl *c, struct dpb_fwd_snapshot *s)
{
	for (unsigned int i = 0; i < c->n_bonds; i++) {
		const struct ctl_bond *cb = &c->bonds[i];
		int bridge = c->ifs[cb->iface].master;
		struct rte_ether_addr host;

		if (cb->rlb == NULL || c->ifs[bridge].port < 0)
			continue;
		rte_eth_macaddr_get(c->ports[c->ifs[bridge].port].port_id, &host);
		s->in[c->ports[c->ifs[bridge].port].port_id].rlb_punt = true;
		for (unsigned int k = 0; k < cb->bond.n_members; k++) {
			struct dpb_fwd_in *in = &s->in[c->ports[cb->member_port[k]].port_id];
			const struct dpb_mac *own = &cb->bond.members[k].perm_addr;

			if (memcmp(own->b, host.addr_bytes, DPB_MAC_LEN) == 0)
				continue;
			in->rlb_rx = true;
			memcpy(in->rlb_mac, own->b, DPB_MAC_LEN);
			memcpy(in->rlb_host_mac, host.addr_bytes, DPB_MAC_LEN);
		}
	}
}

void ctl_rlb_show(const struct ctl_bond *cb, struct dpb_strbuf *out)
{
	unsigned int n = 0;

	if (cb->rlb == NULL)
		return;
	for (unsigned int k = 0; k < DPB_RLB_CLIENTS; k++)
		n += cb->rlb->clients[k].used;
	dpb_strbuf_printf(out, "Receive load balancing: %u clients, %lu assigned, %lu moved, %lu replies, %lu updates, %lu lost\n",
			  n, (unsigned long)cb->rlb->assigned, (unsigned long)cb->rlb->moved,
			  (unsigned long)cb->rlb_replies, (unsigned long)cb->rlb_updates,
			  (unsigned long)(cb->rlb_lost + cb->ctl->rlb_forward_lost));
}
