/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpb-pcap: test traffic for dpbond, through libpcap.
 *
 *   dpb-pcap gen FILE --count N --src MAC --dst MAC [--alt-dst MAC] [--tag TAG] [--vlan ID]
 *                [--size BYTES] [--arp-ip A.B.C.D | --na6 IPV6] [--src-count K] [--append]
 *   dpb-pcap send IFACE --count N --src MAC --dst MAC [--tag TAG] [--size BYTES] [--gap-us US]
 *   dpb-pcap count FILE [--tag TAG] [--src MAC] [--vlan ID (0: untagged)]
 *   dpb-pcap list FILE
 *   dpb-pcap digest FILE
 *
 * Frames are Ethernet with ethertype 0x88b5 (local experimental) and the
 * payload "dpbond-test TAG SEQ", padded to 60 bytes; with --alt-dst, odd
 * sequence numbers go to that destination instead. With --size, frames are
 * BYTES long (without a tag) and the payload says "dpbond-test TAG SEQ +",
 * then a pattern of SEQ and each byte's place in the payload, so that a frame
 * cut, joined wrongly or overwritten anywhere is seen. `count` prints how
 * many intact frames of FILE match; `list` prints "src dst ethertype tag seq
 * vlan len intact" per frame (vlan 0: untagged; intact: 1, 0 when the
 * pattern is broken, - without one). `digest` prints "len hash" per frame
 * (FNV-1a of all its bytes), to compare frames of any kind across files.
 * --append adds to FILE instead of replacing it. With --src-count K, frame
 * SEQ comes from --src plus SEQ % K in its last three bytes (K hosts).
 * With --arp-ip, gen writes ARP requests instead (sender MAC --src, sender
 * address A.B.C.D, asking for A.B.C.1), to --dst; with --na6, unsolicited
 * IPv6 Neighbor Advertisements for IPV6 from --src, to all nodes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define ETHERTYPE_TEST 0x88b5
#define MAGIC "dpbond-test "
#define MAX_FRAME 16384

struct opts {
	unsigned long count;
	unsigned char src[6], dst[6], alt_dst[6];
	int has_alt;
	int has_src;
	const char *tag;
	int vlan;
	unsigned long gap_us;
	unsigned char arp_ip[4];
	int has_arp_ip;
	int append;
	unsigned char na6[16];
	int has_na6;
	size_t size;
	unsigned long src_count;
};

/* The pattern byte at @k in the payload of frame @seq. */
static unsigned char pattern(unsigned long seq, size_t k)
{
	return (unsigned char)(k * 31 + seq);
}

/* An unsolicited NA for o->na6 from o->src, checksummed (RFC 4443 2.3). */
static size_t build_na6(const struct opts *o, unsigned char *f)
{
	static const unsigned char head[] = { 0x33, 0x33, 0, 0, 0, 1 };
	unsigned char *ip = f + 14, *icmp = f + 54;
	unsigned long sum = 32 + 58;

	memcpy(f, head, 6);
	memcpy(f + 6, o->src, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 32;
	ip[6] = 58;
	ip[7] = 255;
	memcpy(ip + 8, o->na6, 16);
	ip[24] = 0xff;
	ip[25] = 0x02;
	ip[39] = 1;
	icmp[0] = 136;
	icmp[4] = 0x20;
	memcpy(icmp + 8, o->na6, 16);
	icmp[24] = 2;
	icmp[25] = 1;
	memcpy(icmp + 26, o->src, 6);
	/* The addresses and the ICMPv6 message lie end to end: one run of 64 bytes. */
	for (int i = 8; i < 40 + 32; i += 2)
		sum += (unsigned long)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	icmp[2] = (unsigned char)(~sum >> 8);
	icmp[3] = (unsigned char)~sum;
	return 86;
}

static int parse_mac(const char *s, unsigned char *m)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (unsigned char)b[i];
	return 0;
}

static size_t build(const struct opts *o, unsigned long seq, unsigned char *f)
{
	size_t off = 12;
	int n;

	memset(f, 0, MAX_FRAME);
	if (o->has_na6)
		return build_na6(o, f);
	memcpy(f, o->has_alt && (seq & 1) ? o->alt_dst : o->dst, 6);
	memcpy(f + 6, o->src, 6);
	if (o->src_count > 1) {
		unsigned long low = ((unsigned long)f[9] << 16 | (unsigned long)f[10] << 8 | f[11]) +
				    seq % o->src_count;

		f[9] = (unsigned char)(low >> 16);
		f[10] = (unsigned char)(low >> 8);
		f[11] = (unsigned char)low;
	}
	if (o->vlan >= 0) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		f[off++] = (unsigned char)(o->vlan >> 8);
		f[off++] = (unsigned char)o->vlan;
	}
	if (o->has_arp_ip) {
		static const unsigned char hdr[] = { 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 };

		memcpy(f + off, hdr, sizeof(hdr));
		off += sizeof(hdr);
		memcpy(f + off, o->src, 6);
		memcpy(f + off + 6, o->arp_ip, 4);
		memcpy(f + off + 16, o->arp_ip, 3);
		f[off + 19] = 1;
		return 60;
	}
	f[off++] = ETHERTYPE_TEST >> 8;
	f[off++] = ETHERTYPE_TEST & 0xff;
	n = snprintf((char *)f + off, 128 - off, MAGIC "%s %lu%s", o->tag, seq, o->size ? " +" : "");
	if (o->size) {
		size_t end = o->size + off - 14;   /* BYTES without the tag */

		for (size_t k = (size_t)n + 1; off + k < end; k++)
			f[off + k] = pattern(seq, k);
		return end;
	}
	off += (size_t)n + 1;
	return off < 60 ? 60 : off;
}

/* Finds the test payload of a frame; fills tag and seq. @return 0 or -1. */
static int decode(const unsigned char *f, size_t len, char *tag, size_t tagsz,
		  unsigned long *seq, unsigned int *etype, int *intact)
{
	size_t off = 12, text;
	char buf[96];
	char plus = 0;

	if (len < 14)
		return -1;
	*etype = (unsigned int)f[off] << 8 | f[off + 1];
	if (*etype == 0x8100 && len >= 18) {
		off += 4;
		*etype = (unsigned int)f[off] << 8 | f[off + 1];
	}
	off += 2;
	if (*etype != ETHERTYPE_TEST || len - off < sizeof(MAGIC))
		return -1;
	snprintf(buf, sizeof(buf), "%.*s", (int)(len - off), (const char *)f + off);
	if (strncmp(buf, MAGIC, strlen(MAGIC)) != 0)
		return -1;
	char fmt[32];

	snprintf(fmt, sizeof(fmt), "%%%zus %%lu %%c", tagsz - 1);
	if (sscanf(buf + strlen(MAGIC), fmt, tag, seq, &plus) < 2)
		return -1;
	*intact = -1;
	if (plus != '+')
		return 0;
	text = strnlen((const char *)f + off, len - off) + 1;
	*intact = 1;
	for (size_t k = text; off + k < len; k++)
		if (f[off + k] != pattern(*seq, k))
			*intact = 0;
	return 0;
}

static int cmd_gen(const char *file, const struct opts *o)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = o->append ? pcap_dump_open_append(p, file) : pcap_dump_open(p, file);
	static unsigned char f[MAX_FRAME];

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", file, pcap_geterr(p));
		return 1;
	}
	for (unsigned long i = 0; i < o->count; i++) {
		struct pcap_pkthdr h = { .caplen = 0 };

		h.caplen = h.len = (bpf_u_int32)build(o, i, f);
		h.ts.tv_usec = (suseconds_t)(i % 1000000);
		pcap_dump((unsigned char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

/*
 * Sends on IFACE through a plain AF_PACKET socket that receives nothing
 * (protocol 0) and has no ring: libpcap's live capture sets up a packet ring,
 * whose setsockopt waits for an RCU grace period, and a machine whose every
 * CPU polls (DPDK lcores, a VM's) was seen to keep such a sender in the
 * kernel for minutes.
 */
static int cmd_send(const char *iface, const struct opts *o)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	static unsigned char f[MAX_FRAME];
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (fd < 0 || sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "%s: %s\n", iface, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	for (unsigned long i = 0; i < o->count; i++) {
		size_t n = build(o, i, f);

		if (send(fd, f, n, 0) != (ssize_t)n) {
			fprintf(stderr, "%s: send: %s\n", iface, strerror(errno));
			close(fd);
			return 1;
		}
		if (o->gap_us)
			usleep((useconds_t)o->gap_us);
	}
	/* Said before the close, which on a busy machine can wait long on an
	 * RCU grace period (packet_release): the frames are out already. */
	printf("sent %lu\n", o->count);
	fflush(stdout);
	close(fd);
	return 0;
}

static int cmd_read(const char *file, const struct opts *o, int list)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const unsigned char *f;
	unsigned long n = 0;
	int rc;

	if (p == NULL) {
		/* A tx_pcap that nothing was written to yet holds no header. */
		struct stat st;

		if (!list && stat(file, &st) == 0 && st.st_size == 0) {
			printf("0\n");
			return 0;
		}
		fprintf(stderr, "%s: %s\n", file, err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &f)) == 1) {
		char tag[64] = "-";
		unsigned long seq = 0;
		unsigned int etype = 0;
		int intact = -1;
		int is_test = decode(f, h->caplen, tag, sizeof(tag), &seq, &etype, &intact) == 0;
		int vlan = h->caplen >= 16 && f[12] == 0x81 && f[13] == 0 ? (f[14] & 0xf) << 8 | f[15] : 0;

		if (list) {
			char ok[4] = "-";

			if (intact >= 0 || h->caplen < h->len)
				snprintf(ok, sizeof(ok), "%d", intact == 1 && h->caplen == h->len);
			printf("%02x:%02x:%02x:%02x:%02x:%02x %02x:%02x:%02x:%02x:%02x:%02x 0x%04x %s %lu %d %u %s\n",
			       f[6], f[7], f[8], f[9], f[10], f[11], f[0], f[1], f[2], f[3], f[4],
			       f[5], etype, tag, seq, vlan, h->len, ok);
			continue;
		}
		if (o->vlan >= 0 && vlan != o->vlan)
			continue;
		if (o->tag && (!is_test || strcmp(tag, o->tag) != 0))
			continue;
		if (intact == 0 || h->caplen < h->len)
			continue;
		if (o->has_src && memcmp(f + 6, o->src, 6) != 0)
			continue;
		n++;
	}
	/* A file still being written may end in a partial record: not an error. */
	pcap_close(p);
	if (!list)
		printf("%lu\n", n);
	return 0;
}

static int cmd_digest(const char *file)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const unsigned char *f;

	if (p == NULL) {
		fprintf(stderr, "%s: %s\n", file, err);
		return 1;
	}
	while (pcap_next_ex(p, &h, &f) == 1) {
		unsigned long long hash = 0xcbf29ce484222325ull;

		for (bpf_u_int32 i = 0; i < h->caplen; i++)
			hash = (hash ^ f[i]) * 0x100000001b3ull;
		printf("%u %016llx%s\n", h->len, hash, h->caplen < h->len ? " cut" : "");
	}
	pcap_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "tag", required_argument, NULL, 't' },
		{ "vlan", required_argument, NULL, 'v' },
		{ "gap-us", required_argument, NULL, 'g' },
		{ "alt-dst", required_argument, NULL, 'a' },
		{ "arp-ip", required_argument, NULL, 'i' },
		{ "append", no_argument, NULL, 'A' },
		{ "na6", required_argument, NULL, '6' },
		{ "size", required_argument, NULL, 'S' },
		{ "src-count", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .count = 1, .tag = NULL, .vlan = -1 };
	const char *cmd, *target;
	int opt;

	parse_mac("02:00:00:00:00:01", o.src);
	parse_mac("ff:ff:ff:ff:ff:ff", o.dst);
	if (argc < 3) {
		fprintf(stderr, "usage: dpb-pcap gen|send|count|list|digest FILE|IFACE [options]\n");
		return 2;
	}
	cmd = argv[1];
	target = argv[2];
	optind = 3;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n': o.count = strtoul(optarg, NULL, 10); break;
		case 's':
			if (parse_mac(optarg, o.src) < 0)
				return 2;
			o.has_src = 1;
			break;
		case 'd':
			if (parse_mac(optarg, o.dst) < 0)
				return 2;
			break;
		case 't': o.tag = optarg; break;
		case 'a':
			if (parse_mac(optarg, o.alt_dst) < 0)
				return 2;
			o.has_alt = 1;
			break;
		case 'v': o.vlan = atoi(optarg); break;
		case 'g': o.gap_us = strtoul(optarg, NULL, 10); break;
		case 'A': o.append = 1; break;
		case 'K': o.src_count = strtoul(optarg, NULL, 10); break;
		case 'S':
			o.size = strtoul(optarg, NULL, 10);
			if (o.size < 60 || o.size > MAX_FRAME - 4) {
				fprintf(stderr, "bad --size '%s' (60 to %d)\n", optarg, MAX_FRAME - 4);
				return 2;
			}
			break;
		case '6':
			if (inet_pton(AF_INET6, optarg, o.na6) != 1) {
				fprintf(stderr, "bad --na6 '%s'\n", optarg);
				return 2;
			}
			o.has_na6 = 1;
			break;
		case 'i': {
			unsigned int b[4];

			if (sscanf(optarg, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) != 4 ||
			    b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255) {
				fprintf(stderr, "bad --arp-ip '%s'\n", optarg);
				return 2;
			}
			for (int k = 0; k < 4; k++)
				o.arp_ip[k] = (unsigned char)b[k];
			o.has_arp_ip = 1;
			break;
		}
		default: return 2;
		}
	}
	if (strcmp(cmd, "gen") == 0 || strcmp(cmd, "send") == 0) {
		if (o.tag == NULL)
			o.tag = "t";
		return cmd[0] == 'g' ? cmd_gen(target, &o) : cmd_send(target, &o);
	}
	if (strcmp(cmd, "count") == 0)
		return cmd_read(target, &o, 0);
	if (strcmp(cmd, "list") == 0)
		return cmd_read(target, &o, 1);
	if (strcmp(cmd, "digest") == 0)
		return cmd_digest(target);
	fprintf(stderr, "unknown command '%s'\n", cmd);
	return 2;
}
