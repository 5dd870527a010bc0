// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - "l4lbadm -L --json": one JSON document on stdout.
 * The schema is documented in README.md; addresses are always numeric.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "output.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_addr(FILE *f, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	json_str(f, buf);
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_UDP ? "udp" : p == IPPROTO_TCP ? "tcp" : "?";
}

static const char *fwd_name(uint8_t fwd)
{
	return fwd == L4LB_FWD_DR ? "route" : fwd == L4LB_FWD_NAT ? "masq"
								  : "?";
}

void l4lbadm_print_json(FILE *f, const struct l4lb_service_list *l)
{
	fputs("{\"services\":[", f);
	for (size_t i = 0; i < l->n; i++) {
		const struct l4lb_service *s = &l->svcs[i];

		fprintf(f, "%s{\"protocol\":", i ? "," : "");
		json_str(f, proto_name(s->protocol));
		fputs(",\"address\":", f);
		json_addr(f, s->addr);
		fprintf(f, ",\"port\":%u,\"scheduler\":", s->port);
		json_str(f, s->sched);
		fprintf(f, ",\"flags\":%u,\"destinations\":[", s->flags);
		for (size_t j = 0; j < s->ndests; j++) {
			const struct l4lb_dest *d = &s->dests[j];

			fprintf(f, "%s{\"address\":", j ? "," : "");
			json_addr(f, d->addr);
			fprintf(f, ",\"port\":%u,\"forward\":", d->port);
			json_str(f, fwd_name(d->fwd));
			fprintf(f, ",\"weight\":%u,\"active_conns\":%u,"
				"\"inactive_conns\":%u}", d->weight,
				d->active_conns, d->inactive_conns);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
}
