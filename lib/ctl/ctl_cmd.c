/* SPDX-License-Identifier: BSD-3-Clause */
/* Console actions that change state: cables, primary, forwarding. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_priv.h"

int dpb_ctl_set_link(struct dpb_ctl *c, const char *port, bool up, struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, port);
	struct dpb_port *p;
	int rc;

	if (iface < 0 || c->ifs[iface].port < 0) {
		dpb_strbuf_printf(out, "no port named '%s'\n", port);
		return -ENOENT;
	}
	p = &c->ports[c->ifs[iface].port];
	rc = dpb_port_set_cable(p, up);
	if (rc < 0) {
		dpb_strbuf_printf(out, "%s: link %s failed: %s\n", p->name, up ? "up" : "down",
				  strerror(-rc));
		return rc;
	}
	/* A bridge port that loses its link loses its FDB entries (Linux). */
	if (!up) {
		int br, k = ctl_bridge_position(c, iface, &br);

		if (k >= 0 && c->ifs[iface].bridge < 0)
			dpb_fdb_flush_port(c->bridges[br].fdb, (uint32_t)k);
	}
	/* The datapath learns of the cable now; bonds at their next miimon tick. */
	ctl_publish(c);
	return 0;
}

int dpb_ctl_set_primary(struct dpb_ctl *c, const char *member, const char *bond,
			struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, bond), m, rc;
	struct ctl_bond *cb;

	if (iface < 0 || c->ifs[iface].bond < 0) {
		dpb_strbuf_printf(out, "no bond named '%s'\n", bond);
		return -ENOENT;
	}
	cb = &c->bonds[c->ifs[iface].bond];
	if (!cb->bond.ops->uses_primary) {
		dpb_strbuf_printf(out, "%s: mode %s has no primary\n", bond,
				  dpb_bond_mode_name(cb->bond.mode));
		return -EINVAL;
	}
	m = ctl_find_iface(c, member);
	m = m < 0 ? -1 : dpb_bond_find_member(&cb->bond, c->ifs[m].name);
	if (m < 0) {
		dpb_strbuf_printf(out, "%s is not a slave of %s\n", member, bond);
		return -ENOENT;
	}
	rc = dpb_bond_set_primary(&cb->bond, m, dpb_ctl_now_ms(c));
	if (rc < 0)
		return rc;
	ctl_log_bond_events(cb);
	ctl_publish(c);
	return 0;
}

int dpb_ctl_set_mode(struct dpb_ctl *c, const char *mode, const char *bond,
		     struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, bond), rc;
	enum dpb_bond_mode m;
	struct ctl_bond *cb;

	if (iface < 0 || c->ifs[iface].bond < 0) {
		dpb_strbuf_printf(out, "no bond named '%s'\n", bond);
		return -ENOENT;
	}
	if (dpb_bond_mode_parse(mode, &m) < 0) {
		dpb_strbuf_printf(out, "unknown mode '%s'\n", mode);
		return -EINVAL;
	}
	cb = &c->bonds[c->ifs[iface].bond];
	if ((m == DPB_BOND_MODE_8023AD) != (cb->lacp != NULL)) {
		/* LACP's state lives with the bond from its start. */
		dpb_strbuf_printf(out, "%s: changing to or from 802.3ad needs a restart\n", bond);
		return -ENOTSUP;
	}
	rc = dpb_bond_set_mode(&cb->bond, m, dpb_ctl_now_ms(c));
	if (rc < 0) {
		dpb_strbuf_printf(out, "%s: mode %s cannot be set\n", bond, dpb_bond_mode_name(m));
		return rc;
	}
	ctl_log_bond_events(cb);
	/* balance-alb's receive load balancing comes and goes with the mode. */
	if (m != DPB_BOND_MODE_BALANCE_ALB) {
		free(cb->rlb);
		cb->rlb = NULL;
	} else if (cb->rlb == NULL) {
		ctl_rlb_init(c, cb);
	}
	/* Workers switch at their next pass; frames in flight finish as they were. */
	ctl_publish(c);
	dpb_strbuf_printf(out, "%s: mode %s\n", bond, dpb_bond_mode_name(m));
	return 0;
}

int dpb_ctl_set_hash_policy(struct dpb_ctl *c, const char *policy, const char *bond,
			    struct dpb_strbuf *out)
{
	int iface = ctl_find_iface(c, bond), p;

	if (iface < 0 || c->ifs[iface].bond < 0) {
		dpb_strbuf_printf(out, "no bond named '%s'\n", bond);
		return -ENOENT;
	}
	p = dpb_xmit_hash_policy_parse(policy);
	if (p < 0) {
		dpb_strbuf_printf(out, "unknown xmit_hash_policy '%s'\n", policy);
		return -EINVAL;
	}
	c->bonds[c->ifs[iface].bond].bond.xmit_hash_policy = (enum dpb_xmit_hash_policy)p;
	ctl_publish(c);
	dpb_strbuf_printf(out, "%s: xmit_hash_policy %s\n", bond,
			  dpb_xmit_hash_policy_name((enum dpb_xmit_hash_policy)p));
	return 0;
}

int dpb_ctl_set_forwarding(struct dpb_ctl *c, bool on, struct dpb_strbuf *out)
{
	c->forwarding = on;
	ctl_publish(c);
	dpb_strbuf_printf(out, "forwarding %s\n", on ? "started" : "stopped");
	return 0;
}
