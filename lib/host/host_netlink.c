/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtnetlink requests for the host ports, built and checked with libmnl:
 * one request, its acknowledgement (sequence and port id checked, the
 * kernel's error returned).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "dpb_host.h"
#include "host_priv.h"

int host_talk(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	unsigned int seq = (unsigned int)time(NULL), portid;
	int rc;

	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	rc = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (rc < 0) {
		rc = -errno;
		goto out;
	}
	rc = mnl_cb_run(buf, (size_t)rc, seq, portid, NULL, NULL) < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return rc;
}

static int index_of(const char *ifname, char *why, size_t why_len)
{
	unsigned int idx = if_nametoindex(ifname);

	if (idx == 0)
		snprintf(why, why_len, "no interface named %s: %s", ifname, strerror(errno));
	return idx ? (int)idx : -ENODEV;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* An RTM_NEWADDR or RTM_DELADDR for @addr/@prefix_len on interface @idx, in @buf. */
static struct nlmsghdr *addr_msg(char *buf, uint16_t type, int idx, int family,
				 const uint8_t *addr, unsigned int prefix_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)idx;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(family), addr);
	return nlh;
}

int dpb_host_add_addr(const char *ifname, int family, const uint8_t *addr,
		      unsigned int prefix_len, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int idx = index_of(ifname, why, why_len), rc;

	if (idx < 0)
		return idx;
	nlh = addr_msg(buf, RTM_NEWADDR, idx, family, addr, prefix_len);
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(family), addr);
	if (family == AF_INET && prefix_len < 31) {
		/* `brd +`: the subnet's last address. */
		uint32_t a, mask = prefix_len ? ~0u << (32 - prefix_len) : 0;

		memcpy(&a, addr, 4);
		a = htonl(ntohl(a) | ~mask);
		mnl_attr_put_u32(nlh, IFA_BROADCAST, a);
	}
	rc = host_talk(nlh);
	if (rc < 0)
		snprintf(why, why_len, "adding the address: %s", strerror(-rc));
	return rc;
}

int dpb_host_del_addr(const char *ifname, int family, const uint8_t *addr,
		      unsigned int prefix_len, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int idx = index_of(ifname, why, why_len), rc;

	if (idx < 0)
		return idx;
	rc = host_talk(addr_msg(buf, RTM_DELADDR, idx, family, addr, prefix_len));
	if (rc == -EADDRNOTAVAIL)   /* not there: what was asked */
		rc = 0;
	if (rc < 0)
		snprintf(why, why_len, "removing the address: %s", strerror(-rc));
	return rc;
}

int dpb_host_add_default_route(const char *ifname, int family, const uint8_t *gateway,
			       char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;
	int idx = index_of(ifname, why, why_len), rc;

	if (idx < 0)
		return idx;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = (unsigned char)family;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, addr_len(family), gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)idx);
	rc = host_talk(nlh);
	if (rc == -EEXIST)
		snprintf(why, why_len, "a default route exists already; it is left as it is");
	else if (rc < 0)
		snprintf(why, why_len, "adding the default route: %s", strerror(-rc));
	return rc;
}

int dpb_host_set_mtu(const char *ifname, unsigned int mtu, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	int idx = index_of(ifname, why, why_len), rc;

	if (idx < 0)
		return idx;
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	rc = host_talk(nlh);
	if (rc < 0)
		snprintf(why, why_len, "setting MTU %u: %s", mtu, strerror(-rc));
	return rc;
}

int dpb_host_set_ipv6_conf(const char *ifname, const char *key, const char *value,
			   char *why, size_t why_len)
{
	char path[128];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		snprintf(why, why_len, "setting %s: %s", path, strerror(-rc));
	return rc;
}
