// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about balanced flows, so that path-MTU discovery and
 * connection errors reach the right end; the family-neutral core (the
 * families' parts, which parse and rewrite: icmp4.c, icmp6.c).
 *
 * Client side (LOCAL_IN): an error sent to the VIP quotes a packet that a
 * flow's server sent to the client with the VIP as source (DR: the real
 * server itself; NAT: the balancer, after rewriting). It belongs to the
 * real server: DR passes it on unchanged, NAT rewrites its destination and
 * the quoted source to the real server's address and port.
 *
 * Server side (FORWARD, NAT only): an error on its way to a client quotes a
 * packet the balancer sent to a real server (client to RIP:port), from the
 * real server or a router on the way. The client must see it come from
 * the VIP, about its packet to VIP:port.
 *
 * Everything is read through skb_header_pointer(), so a truncated error is
 * never read past its end.
 */
#include <linux/netfilter.h>
#include "l4lb.h"

/*
 * The ports of the quoted packet @q describes, whose TCP or UDP header is
 * at @q->l4off: 1, or -EINVAL if the quote is too short to hold them.
 */
int l4lb_icmp_quote_ports(const struct sk_buff *skb, struct l4lb_icmp_quote *q)
{
	const __be16 *ports;
	__be16 _ports[2];

	ports = skb_header_pointer(skb, q->l4off, sizeof(_ports), _ports);
	if (!ports)
		return -EINVAL;
	q->sport = ports[0];
	q->dport = ports[1];
	return 1;
}

static int l4lb_icmp_translate(struct sk_buff *skb, u8 family,
			       const struct l4lb_icmp_quote *q, bool quote_src,
			       const union l4lb_addr *addr, __be16 port,
			       bool outer_dst, const union l4lb_addr *outer)
{
	if (family == AF_INET6)
		return l4lb_icmp_translate6(skb, q, quote_src, addr, port,
					    outer_dst, outer);
	return l4lb_icmp_translate4(skb, q, quote_src, addr, port, outer_dst,
				    outer);
}

/*
 * LOCAL_IN: an error to the VIP, quoting @q, a packet from the VIP to a
 * client.
 */
unsigned int l4lb_icmp_client(struct l4lb_net *ln, struct sk_buff *skb,
			      u8 family, const struct l4lb_icmp_quote *q)
{
	struct l4lb_flow_in p = { .family = family };
	struct l4lb_dest *dest;
	struct l4lb_conn *c;

	p.caddr = q->daddr;
	p.cport = q->dport;
	p.vaddr = q->saddr;
	p.vport = q->sport;
	p.protocol = q->protocol;
	c = l4lb_conn_find(ln->net, &p);
	if (!c)
		return NF_ACCEPT;

	dest = c->dest;
	if (dest->fwd == L4LB_FWD_NAT &&
	    l4lb_icmp_translate(skb, family, q, true, &dest->addr,
				l4lb_conn_rport(c), true, &dest->addr))
		return NF_DROP;
	return l4lb_xmit_icmp(ln, skb, family, dest);
}

/*
 * FORWARD: an error on its way to a client, quoting @q, a packet from
 * the client to a real server.
 */
unsigned int l4lb_icmp_server(struct l4lb_net *ln, struct sk_buff *skb,
			      u8 family, const struct l4lb_icmp_quote *q)
{
	union l4lb_addr vaddr = {};
	struct l4lb_reply_pkt rp;
	struct l4lb_conn *c;

	rp.family = family;
	rp.caddr = q->saddr;
	rp.cport = q->sport;
	rp.raddr = q->daddr;
	rp.rport = q->dport;
	rp.protocol = q->protocol;
	c = l4lb_conn_find_reply(ln->net, &rp);
	if (!c)
		return NF_ACCEPT;

	if (family == AF_INET6)
		vaddr.in6 = c->a.v6.vaddr;
	else
		vaddr.ip = c->a.v4.vaddr;
	if (l4lb_icmp_translate(skb, family, q, false, &vaddr, c->vport, false,
				&vaddr))
		return NF_DROP;
	l4lb_untrack(skb);
	return NF_ACCEPT;
}
