// SPDX-License-Identifier: GPL-2.0
/*
 * list.c - ipvsadm-compatible "-L" output: same header, title and column
 * widths as ipvsadm's print_title()/print_service_entry().
 */
#include <netdb.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "output.h"
#include "parse.h"

const char *l4lbadm_fwd_name(uint8_t fwd)
{
	switch (fwd) {
	case L4LB_FWD_DR:
		return "Route";
	case L4LB_FWD_NAT:
		return "Masq";
	case L4LB_FWD_TUN:
		return "Tunnel";
	default:
		return "?";
	}
}

const char *l4lbadm_family_name(uint16_t family)
{
	return l4lb_family(family) == AF_INET6 ? "inet6" : "inet";
}

void l4lbadm_addrport(char *buf, size_t len, uint16_t family,
		      const union l4lb_inaddr *addr, uint16_t port,
		      uint8_t proto, bool numeric)
{
	char host[NI_MAXHOST], serv[32];
	bool v6 = l4lb_family(family) == AF_INET6;

	inet_ntop(v6 ? AF_INET6 : AF_INET, addr, host, sizeof(host));
	snprintf(serv, sizeof(serv), "%u", port);
	if (!numeric) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr = addr->in };
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
					     .sin6_addr = addr->in6 };
		struct servent *se;

		/* Keep the number when there is no name, as ipvsadm. */
		if (v6)
			getnameinfo((struct sockaddr *)&sin6, sizeof(sin6),
				    host, sizeof(host), NULL, 0, 0);
		else
			getnameinfo((struct sockaddr *)&sin, sizeof(sin), host,
				    sizeof(host), NULL, 0, 0);
		se = getservbyport(htons(port),
				   proto == IPPROTO_UDP ? "udp" : "tcp");
		if (se)
			snprintf(serv, sizeof(serv), "%s", se->s_name);
	}
	snprintf(buf, len, v6 ? "[%s]:%s" : "%s:%s", host, serv);
}

void l4lbadm_print_header(FILE *f, const struct l4lb_info *info)
{
	fprintf(f, "l4lb version %s (size=%u)\n",
		info->version[0] ? info->version : "?", info->conn_buckets);
}

void l4lbadm_print_title(FILE *f, unsigned int fmt)
{
	if (fmt & (L4LBADM_FMT_STATS | L4LBADM_FMT_RATE)) {
		bool st = fmt & L4LBADM_FMT_STATS;

		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n"
			"  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
			st ? "Conns" : "CPS", st ? "InPkts" : "InPPS",
			st ? "OutPkts" : "OutPPS", st ? "InBytes" : "InBPS",
			st ? "OutBytes" : "OutBPS");
		return;
	}
	if (fmt & L4LBADM_FMT_THRESHOLDS) {
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n"
			"  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
			"Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
		return;
	}
	fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn "
		"InActConn%s\n", fmt & L4LBADM_FMT_HEALTH ? " State" : "");
}

/* ipvsadm's print_largenum(): 9 columns, K/M/G/T unless --exact. */
static void print_num(FILE *f, unsigned long long v, unsigned int fmt)
{
	static const char unit[] = "KMGT";
	unsigned long long div = 1000;
	int len;

	if (fmt & L4LBADM_FMT_EXACT) {
		len = snprintf(NULL, 0, "%llu", v);
		fprintf(f, "%*llu", len <= 8 ? 9 : len + 1, v);
		return;
	}
	if (v < 100000000ULL) {
		fprintf(f, "%9llu", v);
		return;
	}
	/* < 1e9: K, < 1e11: M, < 1e14: G, else T (ipvsadm's thresholds) */
	if (v >= 1000000000ULL)
		div = 1000000ULL;
	if (v >= 100000000000ULL)
		div = 1000000000ULL;
	if (v >= 100000000000000ULL)
		div = 1000000000000ULL;
	fprintf(f, "%8llu%c", v / div,
		unit[div == 1000 ? 0 : div == 1000000ULL ? 1 :
		     div == 1000000000ULL ? 2 : 3]);
}

static void print_counters(FILE *f, const struct l4lb_stats *s,
			   unsigned int fmt)
{
	const unsigned long long *v, st[5] = {
		s->conns, s->pkts_in, s->pkts_out, s->bytes_in, s->bytes_out
	}, rt[5] = {
		s->conn_rate, s->pkts_in_rate, s->pkts_out_rate,
		s->bytes_in_rate, s->bytes_out_rate
	};

	v = fmt & L4LBADM_FMT_STATS ? st : rt;
	for (int i = 0; i < 5; i++)
		print_num(f, v[i], fmt);
	fputc('\n', f);
}

void l4lbadm_print_persist(FILE *f, const struct l4lb_service *svc,
			   const char *persistent, const char *mask)
{
	bool v6 = l4lb_family(svc->family) == AF_INET6;

	if (!(svc->set & L4LB_HAS_PERSIST) || !svc->persist_timeout)
		return;
	fprintf(f, "%s%u", persistent, svc->persist_timeout);
	if (svc->persist_prefix == (v6 ? 128 : 32))
		return;
	if (v6) {
		fprintf(f, "%s%u", mask, svc->persist_prefix);
	} else {
		uint32_t m = svc->persist_prefix ?
			     ~0u << (32 - svc->persist_prefix) : 0;

		fprintf(f, "%s%u.%u.%u.%u", mask, m >> 24, (m >> 16) & 255,
			(m >> 8) & 255, m & 255);
	}
}

void l4lbadm_print_service(FILE *f, const struct l4lb_service *svc,
			   unsigned int fmt)
{
	bool numeric = fmt & L4LBADM_FMT_NUMERIC;
	bool counters = fmt & (L4LBADM_FMT_STATS | L4LBADM_FMT_RATE);
	bool v6 = l4lb_family(svc->family) == AF_INET6;
	char name[L4LBADM_ADDRPORT_COLS + 1], svc_name[80];

	l4lbadm_addrport(name, sizeof(name), svc->family, &svc->addr,
			 svc->port, svc->protocol, numeric);
	snprintf(svc_name, sizeof(svc_name), "%s  %s",
		 svc->protocol == IPPROTO_UDP ? "UDP" : "TCP", name);
	/* ipvsadm truncates IPv4 names here, IPv6 ones not at all */
	if (!v6)
		svc_name[33] = '\0';
	if (svc->fwmark)
		snprintf(svc_name, sizeof(svc_name), "FWM  %u%s", svc->fwmark,
			 v6 ? " IPv6" : "");
	if (counters) {
		fprintf(f, "%-33s", svc_name);
		print_counters(f, &svc->stats, fmt);
	} else {
		fprintf(f, "%s %s", svc_name, svc->sched);
		if (svc->sched_flags) {
			char names[128];

			l4lbadm_sched_flags_str(names, sizeof(names),
						svc->sched, svc->sched_flags);
			fprintf(f, " (%s)", names);
		}
		l4lbadm_print_persist(f, svc, " persistent ", " mask ");
		if (svc->flags & L4LB_SVC_F_ONEPACKET)
			fprintf(f, " ops");
		/* Not ipvsadm's: only when not the scheduler's default. */
		if (!(svc->flags & L4LB_SVC_F_PICKUP) != !!strcmp(svc->sched, "mh"))
			fputs(svc->flags & L4LB_SVC_F_PICKUP ? " pickup" :
			      " nopickup", f);
		if (svc->flags & ~(L4LB_SVC_F_ONEPACKET | L4LB_SVC_F_PICKUP))
			fprintf(f, " flags 0x%x", svc->flags &
				~(L4LB_SVC_F_ONEPACKET | L4LB_SVC_F_PICKUP));
		fputc('\n', f);
	}

	for (size_t i = 0; i < svc->ndests; i++) {
		const struct l4lb_dest *d = &svc->dests[i];
		char dname[L4LBADM_ADDRPORT_COLS + 1];

		l4lbadm_addrport(dname, sizeof(dname), d->family, &d->addr,
				 d->port, svc->protocol, numeric);
		if (l4lb_family(d->family) != AF_INET6)
			dname[28] = '\0';
		if (counters) {
			fprintf(f, "  -> %-28s", dname);
			print_counters(f, &d->stats, fmt);
			continue;
		}
		if (fmt & L4LBADM_FMT_THRESHOLDS) {
			fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n",
				dname, d->u_thresh, d->l_thresh,
				d->active_conns, d->inactive_conns);
			continue;
		}
		fprintf(f, "  -> %-28s %-7s %-6u %-10u %-10u", dname,
			l4lbadm_fwd_name(d->fwd), d->weight, d->active_conns,
			d->inactive_conns);
		/* --health: down by a health check (l4lbd), or drained. */
		if (fmt & L4LBADM_FMT_HEALTH)
			fprintf(f, "%s", d->flags & L4LB_DEST_F_DOWN ? "Down" :
				!d->weight ? "Drain" : "Up");
		fputc('\n', f);
	}
}

void l4lbadm_print_list(FILE *f, const struct l4lb_info *info,
			const struct l4lb_service_list *l, unsigned int fmt)
{
	if (info)
		l4lbadm_print_header(f, info);
	l4lbadm_print_title(f, fmt);
	for (size_t i = 0; i < l->n; i++)
		l4lbadm_print_service(f, &l->svcs[i], fmt);
}

void l4lbadm_print_info(FILE *f, const struct l4lb_info *i)
{
	fprintf(f, "l4lb version %s\n"
		"Connections: %u of %u (%u hash buckets, %u bytes each, "
		"IPv6 %u)\n"
		"Connection limit of this namespace: %u, TCP pickup: %s\n"
		"Services: %u, destinations: %u\n"
		"Drops: no_dest %llu, table_full %llu, malformed %llu, "
		"mtu %llu, no_route %llu\n"
		"Evicted entries: %llu, TCP packets of no flow and not a SYN: "
		"%llu\n"
		"Fast path (from PREROUTING): %llu packets, "
		"%llu NAT replies\n"
		"Persistence templates: %u of %u, expire quiescent: %s\n",
		i->version[0] ? i->version : "?", i->conn_count, i->conn_max,
		i->conn_buckets, i->conn_entry_size, i->conn_entry_size6,
		i->conn_limit,
		i->tcp_pickup ? "on" : "off", i->services, i->dests,
		(unsigned long long)i->drop_no_dest,
		(unsigned long long)i->drop_table_full,
		(unsigned long long)i->drop_malformed,
		(unsigned long long)i->drop_mtu,
		(unsigned long long)i->drop_no_route,
		(unsigned long long)i->conn_evicted,
		(unsigned long long)i->not_syn_pkts,
		(unsigned long long)i->fast_pkts,
		(unsigned long long)i->fast_reply_pkts,
		i->template_count, i->template_limit,
		i->expire_quiescent ? "on" : "off");
	if (i->has_tun_source || i->has_tun_source6) {
		char a4[INET_ADDRSTRLEN] = "", a6[INET6_ADDRSTRLEN] = "";

		if (i->has_tun_source)
			inet_ntop(AF_INET, &i->tun_source, a4, sizeof(a4));
		if (i->has_tun_source6)
			inet_ntop(AF_INET6, &i->tun_source6, a6, sizeof(a6));
		fprintf(f, "Tunnel source: %s%s%s\n", a4, a4[0] && a6[0] ?
			" " : "", a6);
	}
}

void l4lbadm_print_timeouts(FILE *f, const struct l4lb_timeouts *t)
{
	fprintf(f, "Timeout (tcp tcpfin udp): %u %u %u\n", t->tcp,
		t->tcp_fin, t->udp);
}
