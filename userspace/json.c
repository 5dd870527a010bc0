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

/* "family":"inet"|"inet6","address":"..." */
static void json_addr(FILE *f, uint16_t family, const union l4lb_inaddr *a)
{
	char buf[INET6_ADDRSTRLEN];

	family = l4lb_family(family);
	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, buf,
		  sizeof(buf));
	fprintf(f, "\"family\":\"%s\",\"address\":",
		l4lbadm_family_name(family));
	json_str(f, buf);
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_UDP ? "udp" : p == IPPROTO_TCP ? "tcp" :
	       p == 0 ? "fwmark" : "?";
}

static const char *fwd_name(uint8_t fwd)
{
	return fwd == L4LB_FWD_DR ? "route" : fwd == L4LB_FWD_NAT ? "masq" :
	       fwd == L4LB_FWD_TUN ? "tunnel" : "?";
}

static void json_stats(FILE *f, const struct l4lb_stats *s)
{
	fprintf(f, ",\"stats\":{\"conns\":%llu,\"pkts_in\":%llu,"
		"\"pkts_out\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu}",
		(unsigned long long)s->conns, (unsigned long long)s->pkts_in,
		(unsigned long long)s->pkts_out,
		(unsigned long long)s->bytes_in,
		(unsigned long long)s->bytes_out);
	fprintf(f, ",\"rates\":{\"conns\":%llu,\"pkts_in\":%llu,"
		"\"pkts_out\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,"
		"\"window_ms\":%llu}",
		(unsigned long long)s->conn_rate,
		(unsigned long long)s->pkts_in_rate,
		(unsigned long long)s->pkts_out_rate,
		(unsigned long long)s->bytes_in_rate,
		(unsigned long long)s->bytes_out_rate,
		(unsigned long long)s->rate_window_ms);
}

static void json_info(FILE *f, const struct l4lb_info *i)
{
	fputs("\"info\":{\"version\":", f);
	json_str(f, i->version);
	fprintf(f, ",\"conn_max\":%u,\"conn_buckets\":%u,\"conn_count\":%u,"
		"\"conn_entry_size\":%u,\"services\":%u,\"dests\":%u,"
		"\"drops\":{\"no_dest\":%llu,\"table_full\":%llu,"
		"\"malformed\":%llu,\"mtu\":%llu,\"no_route\":%llu},"
		"\"fast_path_pkts\":%llu,\"fast_path_reply_pkts\":%llu,"
		"\"conn_limit\":%u,\"tcp_pickup\":%s,\"conn_evicted\":%llu,"
		"\"not_syn_pkts\":%llu,\"conn_entry_size6\":%u,"
		"\"template_count\":%u,\"template_limit\":%u,"
		"\"expire_quiescent\":%s",
		i->conn_max, i->conn_buckets, i->conn_count,
		i->conn_entry_size, i->services, i->dests,
		(unsigned long long)i->drop_no_dest,
		(unsigned long long)i->drop_table_full,
		(unsigned long long)i->drop_malformed,
		(unsigned long long)i->drop_mtu,
		(unsigned long long)i->drop_no_route,
		(unsigned long long)i->fast_pkts,
		(unsigned long long)i->fast_reply_pkts, i->conn_limit,
		i->tcp_pickup ? "true" : "false",
		(unsigned long long)i->conn_evicted,
		(unsigned long long)i->not_syn_pkts, i->conn_entry_size6,
		i->template_count, i->template_limit,
		i->expire_quiescent ? "true" : "false");
	if (i->has_tun_source) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &i->tun_source, a, sizeof(a));
		fprintf(f, ",\"tun_source\":\"%s\"", a);
	}
	if (i->has_tun_source6) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &i->tun_source6, a, sizeof(a));
		fprintf(f, ",\"tun_source6\":\"%s\"", a);
	}
	fputc('}', f);
}

void l4lbadm_print_json(FILE *f, const struct l4lb_info *info,
			const struct l4lb_service_list *l)
{
	fputc('{', f);
	json_info(f, info);
	fputs(",\"services\":[", f);
	for (size_t i = 0; i < l->n; i++) {
		const struct l4lb_service *s = &l->svcs[i];

		fprintf(f, "%s{\"protocol\":", i ? "," : "");
		json_str(f, proto_name(s->protocol));
		fputc(',', f);
		json_addr(f, s->family, &s->addr);
		fprintf(f, ",\"port\":%u,", s->port);
		/* A firewall-mark service: protocol "fwmark", address 0, port 0. */
		if (s->fwmark)
			fprintf(f, "\"fwmark\":%u,", s->fwmark);
		fputs("\"scheduler\":", f);
		json_str(f, s->sched);
		fprintf(f, ",\"flags\":%u,\"ops\":%s,\"sched_flags\":%u",
			s->flags,
			s->flags & L4LB_SVC_F_ONEPACKET ? "true" : "false",
			s->sched_flags);
		if (s->set & L4LB_HAS_PERSIST)
			fprintf(f, ",\"persistent\":%u,\"persist_prefix\":%u",
				s->persist_timeout, s->persist_prefix);
		json_stats(f, &s->stats);
		fputs(",\"destinations\":[", f);
		for (size_t j = 0; j < s->ndests; j++) {
			const struct l4lb_dest *d = &s->dests[j];

			fprintf(f, "%s{", j ? "," : "");
			json_addr(f, d->family, &d->addr);
			fprintf(f, ",\"port\":%u,\"forward\":", d->port);
			json_str(f, fwd_name(d->fwd));
			if (d->fwd == L4LB_FWD_TUN) {
				fprintf(f, ",\"tun_type\":\"%s\"",
					d->tun_type == L4LB_TUN_GUE ? "gue" :
					d->tun_type == L4LB_TUN_GRE ? "gre" :
								      "ipip");
				if (d->tun_type == L4LB_TUN_GUE)
					fprintf(f, ",\"tun_port\":%u,"
						"\"tun_remcsum\":%s",
						d->tun_port,
						d->tun_flags &
						L4LB_TUN_F_REMCSUM ?
						"true" : "false");
				if (d->tun_type != L4LB_TUN_IPIP)
					fprintf(f, ",\"tun_csum\":%s",
						d->tun_flags & L4LB_TUN_F_CSUM ?
						"true" : "false");
			}
			fprintf(f, ",\"weight\":%u,\"down\":%s,"
				"\"u_threshold\":%u,\"l_threshold\":%u,"
				"\"active_conns\":%u,\"inactive_conns\":%u",
				d->weight,
				d->flags & L4LB_DEST_F_DOWN ? "true" : "false",
				d->u_thresh, d->l_thresh,
				d->active_conns, d->inactive_conns);
			json_stats(f, &d->stats);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
}

void l4lbadm_print_json_timeouts(FILE *f, const struct l4lb_timeouts *t)
{
	fprintf(f, "{\"timeouts\":{\"tcp\":%u,\"tcp_fin\":%u,\"udp\":%u}}\n",
		t->tcp, t->tcp_fin, t->udp);
}

void l4lbadm_print_json_info(FILE *f, const struct l4lb_info *info)
{
	fputc('{', f);
	json_info(f, info);
	fputs("}\n", f);
}
