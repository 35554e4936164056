/* SPDX-License-Identifier: BSD-3-Clause */
#include "dpb_mac.h"

#include <errno.h>
#include <stdio.h>

char *dpb_mac_format(const struct dpb_mac *mac, char buf[DPB_MAC_STR_LEN])
{
	snprintf(buf, DPB_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac->b[0], mac->b[1], mac->b[2], mac->b[3], mac->b[4], mac->b[5]);
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int dpb_mac_parse(const char *s, struct dpb_mac *mac)
{
	for (int i = 0; i < DPB_MAC_LEN; i++) {
		int hi = hexval(s[0]), lo = hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		mac->b[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < DPB_MAC_LEN - 1 && *s++ != ':')
			return -EINVAL;
	}
	return *s == '\0' ? 0 : -EINVAL;
}
