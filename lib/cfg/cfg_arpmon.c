/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options of a bond's ARP (and IPv6 NS) link monitor and of
 * fail_over_mac, read as Linux's bonding takes them: the same values, words
 * or numbers, and the same refusals (no ARP monitor in 802.3ad, balance-tlb
 * or balance-alb; miimon and the ARP monitor exclude each other).
 */
#include <arpa/inet.h>
#include <string.h>

#include "cfg_priv.h"

static struct dpb_cfg_bond *bond(struct cfg_parser *p, int i)
{
	return &p->cfg->ifaces[i].bond;
}

void cfg_opt_arp_interval(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	if (cfg_get_uint(p, loc, opt, val, 0, INT32_MAX, &bond(p, i)->arp_interval_ms))
		bond(p, i)->arp_loc = *loc;
}

void cfg_opt_arp_missed_max(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			    const char *opt, const char *val)
{
	cfg_get_uint(p, loc, opt, val, 1, 255, &bond(p, i)->arp_missed_max);
}

void cfg_opt_arp_validate(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			  const char *opt, const char *val)
{
	int k = dpb_arp_validate_parse(val);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: unknown value '%s' (none, active, backup, all, filter, filter_active, filter_backup, or 0-6)",
			 opt, val);
	else
		bond(p, i)->arp_validate = (enum dpb_arp_validate)k;
}

void cfg_opt_arp_all_targets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			     const char *opt, const char *val)
{
	static const char *const words[] = { "any", "all" };
	int k = cfg_word_index(val, words, 2);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: unknown value '%s' (any, all, 0 or 1)",
			 opt, val);
	else
		bond(p, i)->arp_all_targets = k == 1;
}

void cfg_opt_fail_over_mac(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			   const char *opt, const char *val)
{
	int k = dpb_fail_over_mac_parse(val);

	if (k < 0)
		cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
			 "%s: unknown policy '%s' (none, active, follow, or 0-2)", opt, val);
	else
		bond(p, i)->fail_over_mac = (enum dpb_fail_over_mac)k;
}

/*
 * Reads a list of targets (spaces or commas between them) of one family into
 * @p out, @p len bytes each, after the @p *n already there; Linux's
 * refusals: no zero, broadcast, multicast or loopback address, at most 16.
 */
static void targets(struct cfg_parser *p, const struct dpb_cfg_loc *loc, const char *opt,
		    const char *val, int family, uint8_t *out, size_t len, unsigned int *n)
{
	char list[CFG_RAW_LEN];
	char *save = NULL;

	snprintf(list, sizeof(list), "%s", val);
	for (char *w = strtok_r(list, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		uint8_t a[16] = { 0 };
		bool bad;

		if (inet_pton(family, w, a) != 1) {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: '%s' is not an %s address", opt, w,
				 family == AF_INET ? "IPv4" : "IPv6");
			return;
		}
		if (family == AF_INET)
			bad = (a[0] | a[1] | a[2] | a[3]) == 0 || a[0] >= 224 || a[0] == 127;
		else
			bad = a[0] == 0xff || memcmp(a, (uint8_t[16]){ 0 }, 15) == 0 ||
			      (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);  /* link-local, as Linux */
		if (bad) {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc,
				 "%s: %s cannot be a target (zero, loopback, link-local, broadcast or multicast)",
				 opt, w);
			return;
		}
		for (unsigned int k = 0; k < *n; k++) {
			if (memcmp(out + k * len, a, len) == 0) {
				cfg_diag(p->cfg, DPB_DIAG_WARNING, loc, "%s: %s is listed twice", opt, w);
				goto next;
			}
		}
		if (*n == DPB_CFG_MAX_ARP_TARGETS) {
			cfg_diag(p->cfg, DPB_DIAG_ERROR, loc, "%s: more than %d targets", opt,
				 DPB_CFG_MAX_ARP_TARGETS);
			return;
		}
		memcpy(out + (*n)++ * len, a, len);
next:;
	}
}

void cfg_opt_arp_targets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			 const char *opt, const char *val)
{
	struct dpb_cfg_bond *b = bond(p, i);

	targets(p, loc, opt, val, AF_INET, &b->arp_targets[0][0], 4, &b->n_arp_targets);
}

void cfg_opt_ns_targets(struct cfg_parser *p, int i, const struct dpb_cfg_loc *loc,
			const char *opt, const char *val)
{
	struct dpb_cfg_bond *b = bond(p, i);

	targets(p, loc, opt, val, AF_INET6, &b->ns_targets[0][0], 16, &b->n_ns_targets);
}

void cfg_check_arpmon(struct cfg_parser *p, int i)
{
	struct dpb_cfg_iface *f = &p->cfg->ifaces[i];
	struct dpb_cfg_bond *b = &f->bond;
	bool has_targets = b->n_arp_targets || b->n_ns_targets;

	if (b->fail_over_mac != DPB_FAIL_OVER_MAC_NONE && b->mode != DPB_BOND_MODE_ACTIVE_BACKUP)
		cfg_diag(p->cfg, DPB_DIAG_WARNING, &f->loc,
			 "%s: fail_over_mac %s has no effect in mode %s (active-backup only)",
			 f->name, dpb_fail_over_mac_name(b->fail_over_mac),
			 dpb_bond_mode_name(b->mode));
	if (b->arp_interval_ms == 0) {
		if (has_targets)
			cfg_diag(p->cfg, DPB_DIAG_WARNING, &f->loc,
				 "%s: ARP/NS targets have no effect without bond-arp-interval",
				 f->name);
		return;
	}
	if (b->mode == DPB_BOND_MODE_8023AD || b->mode == DPB_BOND_MODE_BALANCE_TLB ||
	    b->mode == DPB_BOND_MODE_BALANCE_ALB) {
		cfg_diag(p->cfg, DPB_DIAG_ERROR, &b->arp_loc,
			 "%s: ARP monitoring is not possible in mode %s (Linux refuses it too); use bond-miimon",
			 f->name, dpb_bond_mode_name(b->mode));
		return;
	}
	if (b->miimon_ms) {
		/* ifupdown2 sets both in one message; Linux applies arp_interval last. */
		cfg_diag(p->cfg, DPB_DIAG_WARNING, &b->arp_loc,
			 "%s: miimon and the ARP monitor exclude each other; the ARP monitor runs and miimon is 0, as in Linux",
			 f->name);
		b->miimon_ms = 0;
	}
	if (!has_targets)
		cfg_diag(p->cfg, DPB_DIAG_WARNING, &b->arp_loc,
			 "%s: ARP monitoring without bond-arp-ip-target or bond-ns-ip6-target sends no probes: every slave will go down",
			 f->name);
}
