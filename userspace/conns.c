// SPDX-License-Identifier: GPL-2.0
/*
 * conns.c - "l4lbadm -L -c [-n] [--json]": the connection table.
 *
 * Human output is ipvsadm -Lc's layout:
 *   pro expire state       source             virtual            destination
 *   TCP 14:59  ESTABLISHED 10.0.0.1:40000     10.0.0.100:80      10.0.0.11:80
 * Filters (-t|-u service, -r server[:port], --client addr[:port]) are sent
 * to the kernel, which does the selecting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "conns.h"
#include "output.h"

static int conn_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, L4LB_CONN_A_MAX) > 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int top_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **conn = data;

	if (mnl_attr_get_type(a) == L4LB_A_CONN)
		*conn = a;
	return MNL_CB_OK;
}

int l4lb_parse_conn_msg(const struct nlmsghdr *nlh, struct l4lb_conn_entry *e)
{
	const struct nlattr *tb[L4LB_CONN_A_MAX + 1] = { NULL };
	const struct nlattr *conn = NULL;
	static const int need[] = {
		L4LB_CONN_A_PROTOCOL, L4LB_CONN_A_CADDR, L4LB_CONN_A_CPORT,
		L4LB_CONN_A_VADDR, L4LB_CONN_A_VPORT, L4LB_CONN_A_DADDR,
		L4LB_CONN_A_DPORT, L4LB_CONN_A_FWD, L4LB_CONN_A_STATE,
		L4LB_CONN_A_EXPIRES,
	};

	mnl_attr_parse(nlh, GENL_HDRLEN, top_attr_cb, &conn);
	if (!conn || mnl_attr_parse_nested(conn, conn_attr_cb, tb) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!tb[need[i]])
			return -EBADMSG;
	e->protocol = mnl_attr_get_u8(tb[L4LB_CONN_A_PROTOCOL]);
	e->caddr.s_addr = mnl_attr_get_u32(tb[L4LB_CONN_A_CADDR]);
	e->cport = ntohs(mnl_attr_get_u16(tb[L4LB_CONN_A_CPORT]));
	e->vaddr.s_addr = mnl_attr_get_u32(tb[L4LB_CONN_A_VADDR]);
	e->vport = ntohs(mnl_attr_get_u16(tb[L4LB_CONN_A_VPORT]));
	e->daddr.s_addr = mnl_attr_get_u32(tb[L4LB_CONN_A_DADDR]);
	e->dport = ntohs(mnl_attr_get_u16(tb[L4LB_CONN_A_DPORT]));
	e->fwd = mnl_attr_get_u8(tb[L4LB_CONN_A_FWD]);
	e->state = mnl_attr_get_u8(tb[L4LB_CONN_A_STATE]);
	e->expires_ms = mnl_attr_get_u32(tb[L4LB_CONN_A_EXPIRES]);
	return 0;
}

struct conn_walk {
	void (*fn)(const struct l4lb_conn_entry *e, void *data);
	void *data;
};

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	struct conn_walk *w = data;
	struct l4lb_conn_entry e;
	int ret = l4lb_parse_conn_msg(nlh, &e);

	if (ret) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	w->fn(&e, w->data);
	return MNL_CB_OK;
}

int l4lb_get_conns(struct nl_ctx *nl, const struct l4lb_conn_filter *filter,
		   void (*fn)(const struct l4lb_conn_entry *e, void *data),
		   void *data)
{
	struct conn_walk w = { .fn = fn, .data = data };
	char buf[NL_TX_BUFSIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_genl_start(buf, nl->family, L4LB_CMD_GET_CONN,
			    L4LB_GENL_VERSION, NLM_F_DUMP);
	if (filter->svc) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
		mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, filter->svc->protocol);
		mnl_attr_put_u32(nlh, L4LB_SVC_A_ADDR, filter->svc->addr.s_addr);
		mnl_attr_put_u16(nlh, L4LB_SVC_A_PORT, htons(filter->svc->port));
		mnl_attr_nest_end(nlh, nest);
	}
	if (filter->has_dest) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_DEST);
		mnl_attr_put_u32(nlh, L4LB_DEST_A_ADDR, filter->daddr.s_addr);
		if (filter->has_dport)
			mnl_attr_put_u16(nlh, L4LB_DEST_A_PORT,
					 htons(filter->dport));
		mnl_attr_nest_end(nlh, nest);
	}
	if (filter->has_client) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_CONN);
		mnl_attr_put_u32(nlh, L4LB_CONN_A_CADDR, filter->caddr.s_addr);
		if (filter->has_cport)
			mnl_attr_put_u16(nlh, L4LB_CONN_A_CPORT,
					 htons(filter->cport));
		mnl_attr_nest_end(nlh, nest);
	}
	return nl_talk(nl, nlh, conn_cb, &w);
}

const char *l4lbadm_conn_state_name(uint8_t state)
{
	static const char *const names[] = {
		[L4LB_CONN_S_NONE] = "NONE",
		[L4LB_CONN_S_SYN_RECV] = "SYN_RECV",
		[L4LB_CONN_S_ESTABLISHED] = "ESTABLISHED",
		[L4LB_CONN_S_FIN_WAIT] = "FIN_WAIT",
		[L4LB_CONN_S_TIME_WAIT] = "TIME_WAIT",
		[L4LB_CONN_S_CLOSE] = "CLOSE",
		[L4LB_CONN_S_UDP] = "UDP",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

void l4lbadm_print_conn(FILE *f, const struct l4lb_conn_entry *e,
			bool numeric)
{
	char c[80], v[80], d[80];
	unsigned int secs = e->expires_ms / 1000;

	l4lbadm_addrport(c, sizeof(c), e->caddr, e->cport, e->protocol,
			 numeric);
	l4lbadm_addrport(v, sizeof(v), e->vaddr, e->vport, e->protocol,
			 numeric);
	l4lbadm_addrport(d, sizeof(d), e->daddr, e->dport, e->protocol,
			 numeric);
	fprintf(f, "%-3s %02u:%02u  %-11s %-18s %-18s %s\n",
		e->protocol == IPPROTO_UDP ? "UDP" : "TCP", secs / 60,
		secs % 60, l4lbadm_conn_state_name(e->state), c, v, d);
}

static void json_endpoint(FILE *f, const char *key, struct in_addr a,
			  uint16_t port)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	fprintf(f, "\"%s\":{\"address\":\"%s\",\"port\":%u}", key, buf, port);
}

void l4lbadm_print_conn_json(FILE *f, const struct l4lb_conn_entry *e,
			     bool first)
{
	fprintf(f, "%s{\"protocol\":\"%s\",", first ? "" : ",",
		e->protocol == IPPROTO_UDP ? "udp" : "tcp");
	json_endpoint(f, "client", e->caddr, e->cport);
	fputc(',', f);
	json_endpoint(f, "virtual", e->vaddr, e->vport);
	fputc(',', f);
	json_endpoint(f, "destination", e->daddr, e->dport);
	fprintf(f, ",\"forward\":\"%s\",\"state\":\"%s\",\"expires_ms\":%u}",
		e->fwd == L4LB_FWD_NAT ? "masq" : "route",
		l4lbadm_conn_state_name(e->state), e->expires_ms);
}

struct conn_out {
	const struct l4lbadm_cmdline *cl;
	size_t n;
};

static void print_one(const struct l4lb_conn_entry *e, void *data)
{
	struct conn_out *o = data;

	if (o->cl->json)
		l4lbadm_print_conn_json(stdout, e, o->n == 0);
	else
		l4lbadm_print_conn(stdout, e, o->cl->numeric);
	o->n++;
}

int l4lbadm_list_conns(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	struct l4lb_conn_filter filter = {
		.svc = cl->opts & OPT_SERVICE ? &cl->svc : NULL,
		.has_dest = cl->opts & OPT_SERVER,
		.daddr = cl->dest.addr,
		.has_dport = cl->server_has_port,
		.dport = cl->dest.port,
		.has_client = cl->opts & OPT_CLIENT,
		.caddr = cl->client_addr,
		.has_cport = cl->client_has_port,
		.cport = cl->client_port,
	};
	struct conn_out o = { .cl = cl };
	int ret;

	if (cl->json)
		fputs("{\"connections\":[", stdout);
	else
		printf("l4lb connection entries\n"
		       "pro expire state       source             virtual  "
		       "          destination\n");
	ret = l4lb_get_conns(nl, &filter, print_one, &o);
	if (cl->json)
		fputs("]}\n", stdout);
	return ret;
}
