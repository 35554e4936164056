/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bond's vocabulary: the names and numbers of Linux's bonding
 * enumerations, from the X-macro tables of dpb_bond_vocab.h.
 */
#include <errno.h>
#include <string.h>

#include "dpb_bond_vocab.h"

static const char *const mode_names[] = {
#define X(id, num, name, desc) [num] = name,
	DPB_BOND_MODES(X)
#undef X
};

static const char *const mode_descs[] = {
#define X(id, num, name, desc) [num] = desc,
	DPB_BOND_MODES(X)
#undef X
};

static const char *const hash_names[] = {
#define X(id, num, name) [num] = name,
	DPB_XMIT_HASH_POLICIES(X)
#undef X
};

static const char *const reselect_names[] = {
#define X(id, num, name) [num] = name,
	DPB_PRIMARY_RESELECTS(X)
#undef X
};

const char *dpb_bond_mode_name(enum dpb_bond_mode mode)
{
	return (unsigned int)mode < DPB_BOND_MODE_COUNT ? mode_names[mode] : "unknown";
}

const char *dpb_bond_mode_desc(enum dpb_bond_mode mode)
{
	return (unsigned int)mode < DPB_BOND_MODE_COUNT ? mode_descs[mode] : "unknown";
}

int dpb_bond_word_index(const char *s, const char *const *words, unsigned int n)
{
	unsigned long v = 0;

	for (unsigned int k = 0; k < n; k++)
		if (strcmp(s, words[k]) == 0)
			return (int)k;
	/* A number: digits only, below n. */
	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	return v < n ? (int)v : -1;
}

int dpb_bond_mode_parse(const char *s, enum dpb_bond_mode *mode)
{
	int k = dpb_bond_word_index(s, mode_names, DPB_BOND_MODE_COUNT);

	if (k < 0)
		return -EINVAL;
	*mode = (enum dpb_bond_mode)k;
	return 0;
}

int dpb_xmit_hash_policy_parse(const char *s)
{
	return dpb_bond_word_index(s, hash_names, DPB_XMIT_HASH_COUNT);
}

int dpb_primary_reselect_parse(const char *s)
{
	return dpb_bond_word_index(s, reselect_names, DPB_PRIMARY_RESELECT_COUNT);
}

const char *dpb_xmit_hash_policy_name(enum dpb_xmit_hash_policy p)
{
	return (unsigned int)p < DPB_XMIT_HASH_COUNT ? hash_names[p] : "unknown";
}

const char *dpb_primary_reselect_name(enum dpb_primary_reselect p)
{
	return (unsigned int)p < DPB_PRIMARY_RESELECT_COUNT ? reselect_names[p] : "unknown";
}

static const char *const validate_names[] = {
#define X(id, num, name) [num] = name,
	DPB_ARP_VALIDATES(X)
#undef X
};

static const char *const fom_names[] = {
#define X(id, num, name) [num] = name,
	DPB_FAIL_OVER_MACS(X)
#undef X
};

const char *dpb_arp_validate_name(enum dpb_arp_validate v)
{
	return (unsigned int)v < DPB_ARP_VALIDATE_COUNT ? validate_names[v] : "unknown";
}

const char *dpb_fail_over_mac_name(enum dpb_fail_over_mac f)
{
	return (unsigned int)f < DPB_FAIL_OVER_MAC_COUNT ? fom_names[f] : "unknown";
}

int dpb_arp_validate_parse(const char *s)
{
	return dpb_bond_word_index(s, validate_names, DPB_ARP_VALIDATE_COUNT);
}

int dpb_fail_over_mac_parse(const char *s)
{
	return dpb_bond_word_index(s, fom_names, DPB_FAIL_OVER_MAC_COUNT);
}
