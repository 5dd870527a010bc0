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

const char *l4lbadm_fwd_name(uint8_t fwd)
{
	switch (fwd) {
	case L4LB_FWD_DR:
		return "Route";
	case L4LB_FWD_NAT:
		return "Masq";
	default:
		return "?";
	}
}

void l4lbadm_addrport(char *buf, size_t len, struct in_addr addr,
		      uint16_t port, uint8_t proto, bool numeric)
{
	char host[NI_MAXHOST], serv[32];

	inet_ntop(AF_INET, &addr, host, sizeof(host));
	snprintf(serv, sizeof(serv), "%u", port);
	if (!numeric) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr = addr };
		struct servent *se;

		/* Keep the number when there is no name, as ipvsadm. */
		getnameinfo((struct sockaddr *)&sin, sizeof(sin), host,
			    sizeof(host), NULL, 0, 0);
		se = getservbyport(htons(port),
				   proto == IPPROTO_UDP ? "udp" : "tcp");
		if (se)
			snprintf(serv, sizeof(serv), "%s", se->s_name);
	}
	snprintf(buf, len, "%s:%s", host, serv);
}

void l4lbadm_print_header(FILE *f, const struct l4lb_info *info)
{
	fprintf(f, "l4lb version %s (size=%u)\n",
		info->version[0] ? info->version : "?", info->conn_buckets);
}

void l4lbadm_print_title(FILE *f)
{
	fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn "
		"InActConn\n");
}

void l4lbadm_print_service(FILE *f, const struct l4lb_service *svc,
			   bool numeric)
{
	char name[64], svc_name[80];

	l4lbadm_addrport(name, sizeof(name), svc->addr, svc->port,
			 svc->protocol, numeric);
	snprintf(svc_name, sizeof(svc_name), "%s  %s",
		 svc->protocol == IPPROTO_UDP ? "UDP" : "TCP", name);
	svc_name[33] = '\0';	/* ipvsadm truncates IPv4 names here */
	fprintf(f, "%s %s", svc_name, svc->sched);
	if (svc->flags)
		fprintf(f, " flags 0x%x", svc->flags);
	fputc('\n', f);

	for (size_t i = 0; i < svc->ndests; i++) {
		const struct l4lb_dest *d = &svc->dests[i];
		char dname[64];

		l4lbadm_addrport(dname, sizeof(dname), d->addr, d->port,
				 svc->protocol, numeric);
		dname[28] = '\0';
		fprintf(f, "  -> %-28s %-7s %-6u %-10u %-10u\n", dname,
			l4lbadm_fwd_name(d->fwd), d->weight, d->active_conns,
			d->inactive_conns);
	}
}

void l4lbadm_print_list(FILE *f, const struct l4lb_info *info,
			const struct l4lb_service_list *l, bool numeric)
{
	if (info)
		l4lbadm_print_header(f, info);
	l4lbadm_print_title(f);
	for (size_t i = 0; i < l->n; i++)
		l4lbadm_print_service(f, &l->svcs[i], numeric);
}

void l4lbadm_print_timeouts(FILE *f, const struct l4lb_timeouts *t)
{
	fprintf(f, "Timeout (tcp tcpfin udp): %u %u %u\n", t->tcp,
		t->tcp_fin, t->udp);
}
