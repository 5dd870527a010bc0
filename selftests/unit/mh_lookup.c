// SPDX-License-Identifier: GPL-2.0
/*
 * Which real server an mh service of the module gives each client, with
 * the module's own table code (kmod/mh_table.c), IPv4:
 *
 *   mh_lookup [-p] [-m SIZE] [-k KEY16] RIP:PORT[:WEIGHT]... -- CLIENT[:PORT]...
 *
 * -p: hash the client's port too (MH_PORT); -m: table size (65537); -k:
 * the 16-byte key as text (the default key). Prints one RIP per client.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "mh_table.h"

#define L4LB_MH_KEY_DEFAULT_TEXT	"l4lb-maglev-key0"

static int parse(const char *arg, struct in_addr *a, unsigned int *port,
		 unsigned int *extra)
{
	char buf[64], *c;

	snprintf(buf, sizeof(buf), "%s", arg);
	*port = 0;
	if (extra)
		*extra = 1;
	c = strchr(buf, ':');
	if (c) {
		*c++ = 0;
		*port = (unsigned int)strtoul(c, &c, 10);
		if (*c == ':' && extra)
			*extra = (unsigned int)strtoul(c + 1, NULL, 10);
	}
	return inet_pton(AF_INET, buf, a) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	u8 key[L4LB_MH_KEY_BYTES];
	struct l4lb_mh_backend b[256];
	struct in_addr addrs[256];
	unsigned int m = 65537, n = 0, port, w;
	int with_port = 0, i;
	void *scratch;
	u16 *table;

	memcpy(key, L4LB_MH_KEY_DEFAULT_TEXT, sizeof(key));
	for (i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-p"))
			with_port = 1;
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			m = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-k") && i + 1 < argc &&
			 strlen(argv[i + 1]) == sizeof(key))
			memcpy(key, argv[++i], sizeof(key));
		else
			goto usage;
	}
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (n == 256 || parse(argv[i], &addrs[n], &port, &w))
			goto usage;
		memset(&b[n], 0, sizeof(b[n]));
		b[n].id[0] = AF_INET;
		memcpy(&b[n].id[1], &addrs[n], 4);
		b[n].id[17] = (u8)(port >> 8);
		b[n].id[18] = (u8)port;
		b[n].weight = w;
		n++;
	}
	if (i == argc || !n || !l4lb_mh_is_prime(m))
		goto usage;
	table = malloc(m * sizeof(*table));
	scratch = malloc(l4lb_mh_scratch_size(n));
	if (!table || !scratch || l4lb_mh_build(table, m, b, n, key, scratch))
		return 1;
	for (i++; i < argc; i++) {
		u8 buf[6];
		struct in_addr c;
		size_t len = 4;

		if (parse(argv[i], &c, &port, NULL))
			goto usage;
		memcpy(buf, &c, 4);
		if (with_port) {
			buf[4] = (u8)(port >> 8);
			buf[5] = (u8)port;
			len = 6;
		}
		printf("%s\n", inet_ntoa(addrs[table[l4lb_mh_slot(
			l4lb_mh_siphash(key, buf, len), m)]]));
	}
	return 0;
usage:
	fprintf(stderr, "usage: mh_lookup [-p] [-m SIZE] [-k KEY16] RIP:PORT[:WEIGHT]... -- CLIENT[:PORT]...\n");
	return 2;
}
