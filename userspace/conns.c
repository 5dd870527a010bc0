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

/* The address of @type (IPv4) or @type6 (IPv6), exactly its length. */
static int conn_addr(const struct nlattr **tb, int type, int type6,
		     uint16_t family, union l4lb_inaddr *out)
{
	const struct nlattr *a = tb[family == AF_INET6 ? type6 : type];

	if (!a || tb[family == AF_INET6 ? type : type6] ||
	    mnl_attr_get_payload_len(a) != l4lb_addr_len(family))
		return -EBADMSG;
	memcpy(out, mnl_attr_get_payload(a), l4lb_addr_len(family));
	return 0;
}

static int conn_family(const struct nlattr *a, uint16_t dflt, uint16_t *out)
{
	*out = dflt;
	if (a) {
		if (mnl_attr_get_payload_len(a) != sizeof(uint16_t))
			return -EBADMSG;
		*out = mnl_attr_get_u16(a);
	}
	return *out == AF_INET || *out == AF_INET6 ? 0 : -EBADMSG;
}

int l4lb_parse_conn_msg(const struct nlmsghdr *nlh, struct l4lb_conn_entry *e)
{
	const struct nlattr *tb[L4LB_CONN_A_MAX + 1] = { NULL };
	const struct nlattr *conn = NULL;
	static const int need[] = {
		L4LB_CONN_A_PROTOCOL, L4LB_CONN_A_CPORT, L4LB_CONN_A_VPORT,
		L4LB_CONN_A_DPORT, L4LB_CONN_A_FWD, L4LB_CONN_A_STATE,
		L4LB_CONN_A_EXPIRES,
	};

	memset(e, 0, sizeof(*e));
	mnl_attr_parse(nlh, GENL_HDRLEN, top_attr_cb, &conn);
	if (!conn || mnl_attr_parse_nested(conn, conn_attr_cb, tb) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!tb[need[i]])
			return -EBADMSG;
	if (conn_family(tb[L4LB_CONN_A_FAMILY], AF_INET, &e->family) ||
	    conn_family(tb[L4LB_CONN_A_DFAMILY], e->family, &e->dfamily) ||
	    conn_addr(tb, L4LB_CONN_A_CADDR, L4LB_CONN_A_CADDR6, e->family,
		      &e->caddr) ||
	    conn_addr(tb, L4LB_CONN_A_VADDR, L4LB_CONN_A_VADDR6, e->family,
		      &e->vaddr) ||
	    conn_addr(tb, L4LB_CONN_A_DADDR, L4LB_CONN_A_DADDR6, e->dfamily,
		      &e->daddr))
		return -EBADMSG;
	e->protocol = mnl_attr_get_u8(tb[L4LB_CONN_A_PROTOCOL]);
	e->cport = ntohs(mnl_attr_get_u16(tb[L4LB_CONN_A_CPORT]));
	e->vport = ntohs(mnl_attr_get_u16(tb[L4LB_CONN_A_VPORT]));
	e->dport = ntohs(mnl_attr_get_u16(tb[L4LB_CONN_A_DPORT]));
	e->fwd = mnl_attr_get_u8(tb[L4LB_CONN_A_FWD]);
	e->state = mnl_attr_get_u8(tb[L4LB_CONN_A_STATE]);
	e->expires_ms = mnl_attr_get_u32(tb[L4LB_CONN_A_EXPIRES]);
	e->template = tb[L4LB_CONN_A_TEMPLATE] != NULL;
	return 0;
}

/* FAMILY (0 sent as AF_INET), then the family's address attribute. */
static void put_addr(struct nlmsghdr *nlh, uint16_t family_type,
		     uint16_t addr_type, uint16_t addr6_type, uint16_t family,
		     const union l4lb_inaddr *addr)
{
	family = l4lb_family(family);
	mnl_attr_put_u16(nlh, family_type, family);
	mnl_attr_put(nlh, family == AF_INET6 ? addr6_type : addr_type,
		     l4lb_addr_len(family), addr);
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

struct nlmsghdr *l4lb_build_conn_dump(void *buf, uint16_t family,
				      const struct l4lb_conn_filter *filter)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_genl_start(buf, family, L4LB_CMD_GET_CONN,
			    L4LB_GENL_VERSION, NLM_F_DUMP);
	if (filter->svc && filter->svc->fwmark) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
		mnl_attr_put_u16(nlh, L4LB_SVC_A_FAMILY,
				 l4lb_family(filter->svc->family));
		mnl_attr_put_u32(nlh, L4LB_SVC_A_FWMARK, filter->svc->fwmark);
		mnl_attr_nest_end(nlh, nest);
	} else if (filter->svc) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
		mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, filter->svc->protocol);
		put_addr(nlh, L4LB_SVC_A_FAMILY, L4LB_SVC_A_ADDR,
			 L4LB_SVC_A_ADDR6, filter->svc->family,
			 &filter->svc->addr);
		mnl_attr_put_u16(nlh, L4LB_SVC_A_PORT, htons(filter->svc->port));
		mnl_attr_nest_end(nlh, nest);
	}
	if (filter->has_dest) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_DEST);
		put_addr(nlh, L4LB_DEST_A_FAMILY, L4LB_DEST_A_ADDR,
			 L4LB_DEST_A_ADDR6, filter->dfamily, &filter->daddr);
		if (filter->has_dport)
			mnl_attr_put_u16(nlh, L4LB_DEST_A_PORT,
					 htons(filter->dport));
		mnl_attr_nest_end(nlh, nest);
	}
	if (filter->has_client) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_CONN);
		put_addr(nlh, L4LB_CONN_A_FAMILY, L4LB_CONN_A_CADDR,
			 L4LB_CONN_A_CADDR6, filter->cfamily, &filter->caddr);
		if (filter->has_cport)
			mnl_attr_put_u16(nlh, L4LB_CONN_A_CPORT,
					 htons(filter->cport));
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

int l4lb_get_conns(struct nl_ctx *nl, const struct l4lb_conn_filter *filter,
		   void (*fn)(const struct l4lb_conn_entry *e, void *data),
		   void *data)
{
	struct conn_walk w = { .fn = fn, .data = data };
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_conn_dump(buf, nl->family, filter),
		       conn_cb, &w);
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

/* ipvsadm's print_conn(): IPv6 in brackets, fields past 18 columns not cut. */
void l4lbadm_print_conn(FILE *f, const struct l4lb_conn_entry *e,
			bool numeric)
{
	char c[L4LBADM_ADDRPORT_COLS + 1], v[L4LBADM_ADDRPORT_COLS + 1];
	char d[L4LBADM_ADDRPORT_COLS + 1], expire[16];
	unsigned int secs = e->expires_ms / 1000;

	l4lbadm_addrport(c, sizeof(c), e->family, &e->caddr, e->cport,
			 e->protocol, numeric);
	l4lbadm_addrport(v, sizeof(v), e->family, &e->vaddr, e->vport,
			 e->protocol, numeric);
	l4lbadm_addrport(d, sizeof(d), e->dfamily, &e->daddr, e->dport,
			 e->protocol, numeric);
	snprintf(expire, sizeof(expire), "%02u:%02u", secs / 60, secs % 60);
	fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n",
		e->template ? "IP" :
		e->protocol == IPPROTO_UDP ? "UDP" : "TCP", expire,
		l4lbadm_conn_state_name(e->state), c, v, d);
}

static void json_endpoint(FILE *f, const char *key, uint16_t family,
			  const union l4lb_inaddr *a, uint16_t port,
			  bool with_family)
{
	char buf[INET6_ADDRSTRLEN];

	family = l4lb_family(family);
	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, buf,
		  sizeof(buf));
	fprintf(f, "\"%s\":{", key);
	if (with_family)
		fprintf(f, "\"family\":\"%s\",", l4lbadm_family_name(family));
	fprintf(f, "\"address\":\"%s\",\"port\":%u}", buf, port);
}

void l4lbadm_print_conn_json(FILE *f, const struct l4lb_conn_entry *e,
			     bool first)
{
	fprintf(f, "%s{\"protocol\":\"%s\",\"family\":\"%s\",",
		first ? "" : ",", e->template ? "ip" :
		e->protocol == IPPROTO_UDP ? "udp" : "tcp",
		l4lbadm_family_name(e->family));
	if (e->template)
		fputs("\"template\":true,", f);
	json_endpoint(f, "client", e->family, &e->caddr, e->cport, false);
	fputc(',', f);
	json_endpoint(f, "virtual", e->family, &e->vaddr, e->vport, false);
	fputc(',', f);
	/* The real server's family may differ (DFAMILY). */
	json_endpoint(f, "destination", e->dfamily, &e->daddr, e->dport,
		      true);
	fprintf(f, ",\"forward\":\"%s\",\"state\":\"%s\",\"expires_ms\":%u}",
		e->fwd == L4LB_FWD_NAT ? "masq" :
		e->fwd == L4LB_FWD_TUN ? "tunnel" : "route",
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
		.dfamily = cl->dest.family,
		.daddr = cl->dest.addr,
		.has_dport = cl->server_has_port,
		.dport = cl->dest.port,
		.has_client = cl->opts & OPT_CLIENT,
		.cfamily = cl->client_family,
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
