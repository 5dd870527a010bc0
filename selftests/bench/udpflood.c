// SPDX-License-Identifier: GPL-2.0
/*
 * udpflood: minimum-size UDP frames (60 bytes + FCS = 64 on the wire) from
 * an AF_PACKET socket with sendmmsg, cycling over many flows (source
 * address x source port), so the kernel's UDP stack costs the sender
 * nothing. With -S, TCP SYNs instead: each flow's first packet, what a
 * balancer must make a connection entry for; with -T FLAGS, TCP segments
 * with those flags (0x10: a bare ACK). For benchmarks and tests inside
 * network namespaces only.
 *
 * IPv6 when the addresses are IPv6 ones (all of the same family): the
 * smallest frames again, 62 bytes (+ FCS = 66: the 40-byte header leaves
 * no room for 64), a UDP datagram without payload; its checksum, which
 * IPv6 requires, is computed (IPv4's is left 0).
 *
 *   udpflood -i IF -m DSTMAC -s SRC -d DST[,DST...] -p DPORT [-S | -T FLAGS]
 *            [-n FLOWS] [-P PORTS_PER_SRC] [-t SECONDS | -c COUNT]
 *            [-r PPS] [-b BATCH]
 *
 * Flow k (0 <= k < FLOWS) is source SRC + k / PORTS_PER_SRC (added to the
 * address's last 32 bits for IPv6), port 1024 + k % PORTS_PER_SRC,
 * destination DST[k % NDST]; flows are sent in turn, so one pass of FLOWS
 * packets touches every flow once.
 * Prints "sent N pps P" at the end.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME 60		/* IPv4: 14 + 20 + 8, padded to Ethernet's 60 */
#define FRAME6_UDP 62		/* IPv6: 14 + 40 + 8 */
#define FRAME6_TCP 74		/* IPv6: 14 + 40 + 20 */
#define FRAME_MAX 80
#define MAXB 256
#define MAXD 16

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The ones' complement sum of @len bytes (even) at @p, added to @sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, int len)
{
	int i;

	for (i = 0; i < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	return sum;
}

static void put_csum(uint8_t *at, uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	at[0] = sum >> 8;
	at[1] = sum & 0xff;
}

/* The IPv4 header's checksum and, for a SYN, the TCP one. */
static void set_csums(uint8_t *f, int syn)
{
	uint8_t *ip = f + 14, *l4 = f + 34;

	ip[10] = ip[11] = 0;
	put_csum(ip + 10, csum_add(0, ip, 20));
	if (syn) {	/* pseudo-header: addresses, protocol, TCP length 20 */
		l4[16] = l4[17] = 0;
		put_csum(l4 + 16, csum_add(csum_add(IPPROTO_TCP + 20, ip + 12, 8), l4, 20));
	}
}

/*
 * IPv6: the UDP or TCP checksum over the pseudo-header (addresses, upper-
 * layer length, next header) and the @l4len bytes of the transport header.
 */
static void set_csum6(uint8_t *f, int tcp, int l4len)
{
	uint8_t *ip = f + 14, *l4 = f + 54;
	uint8_t *at = l4 + (tcp ? 16 : 6);

	at[0] = at[1] = 0;
	put_csum(at, csum_add(csum_add((uint32_t)(tcp ? IPPROTO_TCP : IPPROTO_UDP) + l4len,
				      ip + 8, 32), l4, l4len));
	if (!tcp && !at[0] && !at[1])
		at[0] = at[1] = 0xff;	/* UDP sends a computed 0 as 0xffff */
}

static void usage(void)
{
	fprintf(stderr, "usage: udpflood -i IF -m DSTMAC -s SRC -d DST[,DST...] -p DPORT [-S | -T FLAGS] "
		"[-n FLOWS] [-P PORTS_PER_SRC] [-t SECONDS | -c COUNT] [-r PPS] [-b BATCH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *mac = NULL;
	uint32_t src = 0, dst[MAXD];
	struct in6_addr src6, dst6[MAXD];
	int family = 0, flen = FRAME, l4off;
	unsigned int ndst = 0, nflows = 1, pps_src = 60000, batch = 64;
	unsigned long long count = 0, sent = 0, flow = 0;
	double seconds = 0, rate = 0, t0, t;
	uint8_t frames[MAXB][FRAME_MAX], smac[6], dmac[6];
	struct mmsghdr msgs[MAXB];
	struct iovec iov[MAXB];
	struct sockaddr_ll sll;
	uint16_t dport = 0;
	int opt, fd, i, syn = 0, tcp_flags = 0x02;

	while ((opt = getopt(argc, argv, "i:m:s:d:p:ST:n:P:t:c:r:b:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'm': mac = optarg; break;
		case 's':
			if (strchr(optarg, ':')) {
				if (inet_pton(AF_INET6, optarg, &src6) != 1)
					usage();
				src = 1;
				family = family && family != AF_INET6 ? -1 : AF_INET6;
			} else {
				src = ntohl(inet_addr(optarg));
				family = family && family != AF_INET ? -1 : AF_INET;
			}
			break;
		case 'd': {
			char *s = strdup(optarg), *tok, *save = NULL;

			for (tok = strtok_r(s, ",", &save); tok && ndst < MAXD;
			     tok = strtok_r(NULL, ",", &save)) {
				int f = strchr(tok, ':') ? AF_INET6 : AF_INET;

				if (f == AF_INET6 && inet_pton(AF_INET6, tok, &dst6[ndst]) != 1)
					usage();
				if (f == AF_INET)
					dst[ndst] = inet_addr(tok);
				ndst++;
				family = family && family != f ? -1 : f;
			}
			break;
		}
		case 'p': dport = (uint16_t)atoi(optarg); break;
		case 'S': syn = 1; break;
		case 'T': syn = 1; tcp_flags = (int)strtol(optarg, NULL, 0); break;
		case 'n': nflows = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'P': pps_src = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 't': seconds = atof(optarg); break;
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 'r': rate = atof(optarg); break;
		case 'b': batch = (unsigned int)atoi(optarg); break;
		default: usage();
		}
	}
	if (!ifname || !mac || !src || !ndst || !dport || !nflows || !pps_src ||
	    pps_src > 64000 || !batch || batch > MAXB || (!seconds && !count) ||
	    family < 0)
		usage();
	if (family == AF_INET6)
		flen = syn ? FRAME6_TCP : FRAME6_UDP;
	l4off = family == AF_INET6 ? 54 : 34;
	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dmac[0], &dmac[1],
		   &dmac[2], &dmac[3], &dmac[4], &dmac[5]) != 6)
		usage();

	fd = socket(AF_PACKET, SOCK_RAW, htons(family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP));
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dmac, 6);
	if (!sll.sll_ifindex) {
		perror(ifname);
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("bind");
		return 1;
	}
	{	/* our own MAC, for the Ethernet source */
		char path[128];
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &smac[0], &smac[1],
				 &smac[2], &smac[3], &smac[4], &smac[5]) != 6) {
			fprintf(stderr, "cannot read %s\n", path);
			return 1;
		}
		fclose(f);
	}

	memset(frames, 0, sizeof(frames));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < MAXB; i++) {
		uint8_t *f = frames[i];

		memcpy(f, dmac, 6);
		memcpy(f + 6, smac, 6);
		iov[i].iov_base = f;
		iov[i].iov_len = (size_t)flen;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (family == AF_INET6) {
			uint8_t *l4 = f + l4off;

			f[12] = 0x86; f[13] = 0xdd;
			f[14] = 0x60;		/* version 6 */
			f[19] = (uint8_t)(flen - 54);	/* payload length */
			f[20] = syn ? IPPROTO_TCP : IPPROTO_UDP;
			f[21] = 64;		/* hop limit */
			l4[2] = dport >> 8; l4[3] = dport & 0xff;
			if (syn) {
				l4[7] = 1;	/* sequence number */
				l4[12] = 5 << 4;	/* data offset */
				l4[13] = (uint8_t)tcp_flags;
				l4[14] = 0xff; l4[15] = 0xff;	/* window */
			} else {
				l4[5] = 8;	/* UDP length: the header alone */
			}
			continue;
		}
		f[12] = 0x08; f[13] = 0x00;
		f[14] = 0x45;			/* IPv4, 20-byte header */
		f[20] = 0x40;			/* DF */
		f[22] = 64;			/* TTL */
		f[36] = dport >> 8; f[37] = dport & 0xff;
		if (syn) {	/* 20-byte TCP header; the frame's tail is padding */
			f[17] = 40;		/* total length */
			f[23] = IPPROTO_TCP;
			f[41] = 1;		/* sequence number */
			f[46] = 5 << 4;		/* data offset */
			f[47] = (uint8_t)tcp_flags;	/* SYN, or -T */
			f[48] = 0xff; f[49] = 0xff;	/* window */
		} else {
			f[17] = FRAME - 14;	/* total length 46 */
			f[23] = IPPROTO_UDP;
			f[38] = 0; f[39] = FRAME - 34;	/* UDP length 26, checksum 0 */
		}
	}

	t0 = now();
	for (;;) {
		unsigned int n = batch, off = 0;
		int r;

		t = now() - t0;
		if (seconds && t >= seconds)
			break;
		if (count) {
			if (sent >= count)
				break;
			if (count - sent < n)
				n = (unsigned int)(count - sent);
		}
		if (rate > 0 && sent > rate * t) {
			usleep(200);
			continue;
		}
		for (i = 0; i < (int)n; i++) {
			uint8_t *f = frames[i];
			uint32_t s = src + (uint32_t)(flow / pps_src);
			uint16_t sport = (uint16_t)(1024 + flow % pps_src);
			uint32_t d = dst[flow % ndst];

			if (family == AF_INET6) {
				/* source: src6 with flow / pps_src added to its last 32 bits */
				uint32_t lo = ((uint32_t)src6.s6_addr[12] << 24 | src6.s6_addr[13] << 16 |
					       src6.s6_addr[14] << 8 | src6.s6_addr[15]) +
					      (uint32_t)(flow / pps_src);

				memcpy(f + 22, &src6, 12);
				f[34] = lo >> 24; f[35] = lo >> 16; f[36] = lo >> 8; f[37] = lo;
				memcpy(f + 38, &dst6[flow % ndst], 16);
				f[54] = sport >> 8; f[55] = sport & 0xff;
				set_csum6(f, syn, flen - 54);
				if (++flow == nflows)
					flow = 0;
				continue;
			}
			f[26] = s >> 24; f[27] = s >> 16; f[28] = s >> 8; f[29] = s;
			memcpy(f + 30, &d, 4);
			f[34] = sport >> 8; f[35] = sport & 0xff;
			set_csums(f, syn);
			if (++flow == nflows)
				flow = 0;
		}
		while (off < n) {
			r = sendmmsg(fd, msgs + off, n - off, 0);
			if (r < 0) {
				if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
					continue;
				perror("sendmmsg");
				return 1;
			}
			off += (unsigned int)r;
		}
		sent += n;
	}
	t = now() - t0;
	printf("sent %llu pps %.0f\n", sent, sent / t);
	return 0;
}
