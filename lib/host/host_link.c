/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A host port's kernel interface across dpbond's lifetimes: what a TAP left
 * by the previous dpbond (a handover) is, and its removal at a real stop.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "dpb_host.h"
#include "host_priv.h"

int dpb_host_link_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
		rc = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		rc = -EPROTOTYPE;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return rc == -ENODEV || rc == -ENXIO ? -ENODEV : rc;
}

int dpb_host_del_link(const char *ifname, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned int idx = if_nametoindex(ifname);
	int rc;

	if (idx == 0)
		return 0;   /* gone already: what was asked */
	nlh->nlmsg_type = RTM_DELLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)idx;
	rc = host_talk(nlh);
	if (rc == -ENODEV)
		rc = 0;
	if (rc < 0)
		snprintf(why, why_len, "removing interface %s: %s", ifname, strerror(-rc));
	return rc;
}
