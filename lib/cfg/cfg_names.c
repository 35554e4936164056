/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the Linux bonding enumerations, from the X-macro tables. */
#include <errno.h>
#include <string.h>

#include "cfg_priv.h"

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

int dpb_bond_mode_parse(const char *s, enum dpb_bond_mode *mode)
{
	unsigned int n;

	for (unsigned int i = 0; i < DPB_BOND_MODE_COUNT; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*mode = (enum dpb_bond_mode)i;
			return 0;
		}
	}
	if (cfg_parse_uint(s, 0, DPB_BOND_MODE_COUNT - 1, &n) == 0) {
		*mode = (enum dpb_bond_mode)n;
		return 0;
	}
	return -EINVAL;
}

const char *dpb_xmit_hash_policy_name(enum dpb_xmit_hash_policy p)
{
	return (unsigned int)p < DPB_XMIT_HASH_COUNT ? hash_names[p] : "unknown";
}

const char *dpb_primary_reselect_name(enum dpb_primary_reselect p)
{
	return (unsigned int)p < DPB_PRIMARY_RESELECT_COUNT ? reselect_names[p] : "unknown";
}
