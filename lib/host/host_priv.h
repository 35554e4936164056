/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_HOST_PRIV_H
#define DPB_HOST_PRIV_H

#include <linux/netlink.h>

/* Sends rtnetlink request @nlh and waits for its acknowledgement. @return 0 or -errno. */
int host_talk(struct nlmsghdr *nlh);

#endif
