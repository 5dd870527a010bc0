// SPDX-License-Identifier: GPL-2.0
/*
 * ipsend: one crafted IPv4 packet, for the selftests (tests/hostile_pkts.sh),
 * inside network namespaces only.
 *
 *   ipsend udp [-L HOP] [-s SPORT] DST PORT PAYLOAD
 *       a UDP datagram to DST:PORT; with -L, loose-source-routed through
 *       HOP (the IP_OPTIONS socket option: the packet goes to HOP, DST is
 *       the route's last address in the option)
 *   ipsend icmp DST HEX
 *       an ICMP message to DST: HEX is the whole message, its checksum
 *       field (bytes 2-3) filled in here
 *
 * Exit 0 once sent, 1 if sending failed, 2 on a usage error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MSG 1024

static void usage(const char *why)
{
	fprintf(stderr, "ipsend: %s\n"
		"usage: ipsend udp [-L HOP] [-s SPORT] DST PORT PAYLOAD\n"
		"       ipsend icmp DST HEX\n", why);
	exit(2);
}

static struct in_addr addr_arg(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "ipsend: bad address '%s'\n", s);
		exit(2);
	}
	return a;
}

static uint16_t port_arg(const char *s)
{
	char *end;
	unsigned long p = strtoul(s, &end, 10);

	if (!*s || *end || p > 65535) {
		fprintf(stderr, "ipsend: bad port '%s'\n", s);
		exit(2);
	}
	return p;
}

static int send_udp(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sockaddr_in from = { .sin_family = AF_INET };
	unsigned char opt[8];
	const char *hop = NULL;
	int fd, c;

	while ((c = getopt(argc, argv, "L:s:")) != -1) {
		switch (c) {
		case 'L':
			hop = optarg;
			break;
		case 's':
			from.sin_port = htons(port_arg(optarg));
			break;
		default:
			usage("bad option");
		}
	}
	if (argc - optind != 3)
		usage("udp takes DST PORT PAYLOAD");
	to.sin_addr = addr_arg(argv[optind]);
	to.sin_port = htons(port_arg(argv[optind + 1]));

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("ipsend: socket");
		return 1;
	}
	if (from.sin_port && bind(fd, (struct sockaddr *)&from, sizeof(from))) {
		perror("ipsend: bind");
		return 1;
	}
	if (hop) {
		struct in_addr h = addr_arg(hop);

		/* LSRR, length 7, pointer 4, one address; then end of list. */
		opt[0] = 0x83;
		opt[1] = 7;
		opt[2] = 4;
		memcpy(&opt[3], &h, 4);
		opt[7] = 0;
		if (setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opt, sizeof(opt))) {
			perror("ipsend: IP_OPTIONS");
			return 1;
		}
	}
	if (sendto(fd, argv[optind + 2], strlen(argv[optind + 2]), 0,
		   (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("ipsend: sendto");
		return 1;
	}
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int send_icmp(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned char msg[MAX_MSG];
	const char *hex;
	size_t len, i;
	uint32_t sum = 0;
	int fd;

	if (argc != 3)
		usage("icmp takes DST HEX");
	to.sin_addr = addr_arg(argv[1]);
	hex = argv[2];
	len = strlen(hex);
	if (len % 2 || len / 2 < 4 || len / 2 > MAX_MSG)
		usage("HEX: an even number of digits, 4 to 1024 bytes");
	len /= 2;
	for (i = 0; i < len; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			usage("HEX: not a hex digit");
		msg[i] = hi << 4 | lo;
	}
	msg[2] = msg[3] = 0;
	for (i = 0; i < len; i += 2)
		sum += msg[i] << 8 | (i + 1 < len ? msg[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	msg[2] = sum >> 8;
	msg[3] = sum & 0xff;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0) {
		perror("ipsend: socket");
		return 1;
	}
	if (sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("ipsend: sendto");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage("no command");
	if (!strcmp(argv[1], "udp"))
		return send_udp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "icmp"))
		return send_icmp(argc - 1, argv + 1);
	usage("unknown command");
	return 2;
}
