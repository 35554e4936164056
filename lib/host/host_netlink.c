/* SPDX-License-Identifier: BSD-3-Clause */
/* rtnetlink requests for the host port: one message, one acknowledgement. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "dpb_host.h"

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	};
	char attrs[128];
};

static void add_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Sends @p r and waits for the kernel's answer. @return 0 or -errno. */
static int talk(struct nl_req *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int rc = -EIO;
	ssize_t n;

	if (fd < 0)
		return -errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		rc = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)n);
	     h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			rc = e->error;
			break;
		}
	}
out:
	close(fd);
	return rc;
}

static int index_of(const char *ifname, char *why, size_t why_len)
{
	unsigned int idx = if_nametoindex(ifname);

	if (idx == 0)
		snprintf(why, why_len, "no interface named %s: %s", ifname, strerror(errno));
	return idx ? (int)idx : -ENODEV;
}

int dpb_host_add_addr(const char *ifname, uint32_t addr, unsigned int prefix_len,
		      char *why, size_t why_len)
{
	struct nl_req r;
	uint32_t a = htonl(addr);
	uint32_t mask = prefix_len ? ~0u << (32 - prefix_len) : 0;
	uint32_t brd = htonl(addr | ~mask);
	int idx = index_of(ifname, why, why_len), rc;

	if (idx < 0)
		return idx;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifa));
	r.nh.nlmsg_type = RTM_NEWADDR;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = (unsigned char)prefix_len;
	r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.ifa.ifa_index = (unsigned int)idx;
	add_attr(&r, IFA_LOCAL, &a, sizeof(a));
	add_attr(&r, IFA_ADDRESS, &a, sizeof(a));
	if (prefix_len < 31)
		add_attr(&r, IFA_BROADCAST, &brd, sizeof(brd));
	rc = talk(&r);
	if (rc < 0)
		snprintf(why, why_len, "adding the address: %s", strerror(-rc));
	return rc;
}

int dpb_host_add_default_route(const char *ifname, uint32_t gateway, char *why, size_t why_len)
{
	struct nl_req r;
	uint32_t gw = htonl(gateway);
	int idx = index_of(ifname, why, why_len), rc;
	uint32_t oif;

	if (idx < 0)
		return idx;
	oif = (uint32_t)idx;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.rt));
	r.nh.nlmsg_type = RTM_NEWROUTE;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.rt.rtm_family = AF_INET;
	r.rt.rtm_table = RT_TABLE_MAIN;
	r.rt.rtm_protocol = RTPROT_BOOT;
	r.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	r.rt.rtm_type = RTN_UNICAST;
	add_attr(&r, RTA_GATEWAY, &gw, sizeof(gw));
	add_attr(&r, RTA_OIF, &oif, sizeof(oif));
	rc = talk(&r);
	if (rc == -EEXIST)
		snprintf(why, why_len, "a default route exists already; it is left as it is");
	else if (rc < 0)
		snprintf(why, why_len, "adding the default route: %s", strerror(-rc));
	return rc;
}
