/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conns.h - "l4lbadm -L -c": the connection table, filtered in the kernel
 * (L4LB_CMD_GET_CONN), printed as ipvsadm -Lc does or as JSON, one entry
 * at a time as the dump arrives (a table of millions is never held).
 */
#ifndef L4LBADM_CONNS_H
#define L4LBADM_CONNS_H

#include <stdbool.h>
#include <stdio.h>

#include "parse.h"

struct l4lb_conn_entry {
	uint8_t protocol, fwd, state;
	uint16_t family;		/* of client and service */
	uint16_t dfamily;		/* of the real server */
	union l4lb_inaddr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;	/* host byte order */
	uint32_t expires_ms;
	bool template;			/* a persistence template */
};

/* Which entries the kernel returns; every part is optional. */
struct l4lb_conn_filter {
	const struct l4lb_service *svc;	/* key only */
	bool has_dest, has_dport, has_client, has_cport;
	uint16_t dfamily, cfamily;	/* 0: AF_INET */
	union l4lb_inaddr daddr, caddr;
	uint16_t dport, cport;
};

/*
 * FAMILY absent: AF_INET; DFAMILY absent: FAMILY. The address attributes
 * must be the families' (exact lengths), else -EBADMSG.
 */
int l4lb_parse_conn_msg(const struct nlmsghdr *nlh, struct l4lb_conn_entry *e);
/* The GET_CONN dump request with @filter's nests (pure). */
struct nlmsghdr *l4lb_build_conn_dump(void *buf, uint16_t family,
				      const struct l4lb_conn_filter *filter);
/* Calls @fn for every entry; returns 0 or a negative errno. */
int l4lb_get_conns(struct nl_ctx *nl, const struct l4lb_conn_filter *filter,
		   void (*fn)(const struct l4lb_conn_entry *e, void *data),
		   void *data);

const char *l4lbadm_conn_state_name(uint8_t state);
void l4lbadm_print_conn(FILE *f, const struct l4lb_conn_entry *e,
			bool numeric);
void l4lbadm_print_conn_json(FILE *f, const struct l4lb_conn_entry *e,
			     bool first);

/* The -L -c command (cmd.c dispatches here). */
int l4lbadm_list_conns(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl);

#endif
