// SPDX-License-Identifier: GPL-2.0
/*
 * ICMPv6 errors about balanced flows (the core: icmp.c): parsing the
 * quote and rewriting it. Only the error types are looked at (Destination
 * Unreachable, Packet Too Big, Time Exceeded, Parameter Problem);
 * informational messages, neighbour discovery and router advertisements
 * among them, are never touched.
 */
#include <linux/ipv6.h>
#include <linux/icmpv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <net/ipv6.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include "l4lb.h"

static bool l4lb_icmp6_is_error(u8 type)
{
	return type == ICMPV6_DEST_UNREACH || type == ICMPV6_PKT_TOOBIG ||
	       type == ICMPV6_TIME_EXCEED || type == ICMPV6_PARAMPROB;
}

/*
 * The ICMPv6 message at @icmpoff. 1: an error quoting a TCP or UDP
 * packet, described in @q; 0: something else, not for us; -EINVAL: an
 * error too short to hold what it quotes.
 */
static int l4lb_icmp6_parse(const struct sk_buff *skb, unsigned int icmpoff,
			    struct l4lb_icmp_quote *q)
{
	const struct icmp6hdr *ih;
	const struct ipv6hdr *qh;
	struct icmp6hdr _ih;
	struct ipv6hdr _qh;
	__be16 frag_off;
	u8 nexthdr;
	int off;

	ih = skb_header_pointer(skb, icmpoff, sizeof(_ih), &_ih);
	if (!ih)
		return -EINVAL;
	if (!l4lb_icmp6_is_error(ih->icmp6_type))
		return 0;

	q->l3off = icmpoff + sizeof(_ih);
	qh = skb_header_pointer(skb, q->l3off, sizeof(_qh), &_qh);
	if (!qh || qh->version != 6)
		return -EINVAL;
	nexthdr = qh->nexthdr;
	off = ipv6_skip_exthdr(skb, q->l3off + sizeof(_qh), &nexthdr,
			       &frag_off);
	if (off < 0)
		return -EINVAL;
	if (nexthdr != IPPROTO_TCP && nexthdr != IPPROTO_UDP)
		return 0;
	/* A quoted later fragment carries no ports to match. */
	if (frag_off & htons(IP6_OFFSET))
		return 0;
	q->l4off = off;
	q->saddr.in6 = qh->saddr;
	q->daddr.in6 = qh->daddr;
	q->protocol = nexthdr;
	return l4lb_icmp_quote_ports(skb, q);
}

/* csum_replace4() for an IPv6 address, in a checksum without skb state. */
static void l4lb_csum_replace16(__sum16 *sum, const struct in6_addr *from,
				const struct in6_addr *to)
{
	__be32 diff[] = {
		~from->s6_addr32[0], ~from->s6_addr32[1],
		~from->s6_addr32[2], ~from->s6_addr32[3],
		to->s6_addr32[0], to->s6_addr32[1],
		to->s6_addr32[2], to->s6_addr32[3],
	};

	*sum = csum_fold(csum_partial(diff, sizeof(diff), ~csum_unfold(*sum)));
}

/*
 * Rewrite one end of the quoted packet (@quote_src: its source, else its
 * destination) to @addr:@port, and the outer header's destination
 * (@outer_dst) or source to @outer. The quoted L4 checksum is fixed when
 * the quote includes it, then the ICMPv6 checksum, which covers the outer
 * addresses (a pseudo-header), is computed afresh over the whole message.
 */
int l4lb_icmp_translate6(struct sk_buff *skb, const struct l4lb_icmp_quote *q,
			 bool quote_src, const union l4lb_addr *addr,
			 __be16 port, bool outer_dst,
			 const union l4lb_addr *outer)
{
	unsigned int check_off = q->l4off +
		(q->protocol == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
					      offsetof(struct udphdr, check));
	bool has_check = skb->len >= check_off + sizeof(__sum16);
	unsigned int icmpoff = q->l3off - sizeof(struct icmp6hdr);
	unsigned int len = skb->len - icmpoff;
	struct in6_addr *addrp, *outerp;
	struct ipv6hdr *ip6h, *qh;
	struct icmp6hdr *ih;
	__be16 *portp;

	if (skb_ensure_writable(skb, has_check ? check_off + sizeof(__sum16) :
					       q->l4off + 2 * sizeof(__be16)))
		return -ENOMEM;

	qh = (struct ipv6hdr *)(skb->data + q->l3off);
	addrp = quote_src ? &qh->saddr : &qh->daddr;
	portp = (__be16 *)(skb->data + q->l4off) + (quote_src ? 0 : 1);
	if (has_check) {
		__sum16 *check = (__sum16 *)(skb->data + check_off);

		/* As in icmp4.c: a quoted UDP checksum of 0 stays 0. */
		if (q->protocol == IPPROTO_TCP || *check) {
			l4lb_csum_replace16(check, addrp, &addr->in6);
			csum_replace2(check, *portp, port);
			if (q->protocol == IPPROTO_UDP && !*check)
				*check = CSUM_MANGLED_0;
		}
	}
	*portp = port;
	*addrp = addr->in6;

	ip6h = ipv6_hdr(skb);
	outerp = outer_dst ? &ip6h->daddr : &ip6h->saddr;
	*outerp = outer->in6;

	ih = (struct icmp6hdr *)(skb->data + icmpoff);
	ih->icmp6_cksum = 0;
	ih->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					  IPPROTO_ICMPV6,
					  skb_checksum(skb, icmpoff, len, 0));
	/* Whatever the driver summed no longer matches; we summed it all. */
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/*
 * Packet Too Big about a packet this host sent in IPv6-in-IPv6, IPv4 in
 * IPv6, UDP or GRE (a tunnel's outer packet, tunnel.c): the route to the real server learns
 * the MTU, as icmp4.c's l4lb_icmp_outer4() does for IPv4.
 */
static void l4lb_icmp6_outer(struct net *net, struct sk_buff *skb,
			     unsigned int icmpoff)
{
	unsigned int off = icmpoff + sizeof(struct icmp6hdr);
	const struct icmp6hdr *ih;
	const struct ipv6hdr *qh;
	struct icmp6hdr _ih;
	__be32 mtu;

	ih = skb_header_pointer(skb, icmpoff, sizeof(_ih), &_ih);
	if (!ih || ih->icmp6_type != ICMPV6_PKT_TOOBIG)
		return;
	mtu = ih->icmp6_mtu;
	if (!pskb_may_pull(skb, off + sizeof(*qh)))
		return;
	qh = (const struct ipv6hdr *)(skb->data + off);
	if (qh->version != 6 ||
	    (qh->nexthdr != IPPROTO_IPV6 && qh->nexthdr != IPPROTO_IPIP &&
	     qh->nexthdr != IPPROTO_UDP && qh->nexthdr != IPPROTO_GRE) ||
	    !ipv6_addr_equal(&qh->saddr, &ipv6_hdr(skb)->daddr))
		return;
	/* ip6_update_pmtu() reads the quoted header at skb->data. */
	__skb_pull(skb, off);
	ip6_update_pmtu(skb, net, mtu, 0, 0, sock_net_uid(net, NULL));
	__skb_push(skb, off);
}

/*
 * LOCAL_IN: an ICMPv6 message, at @icmpoff, to a local address of a netns
 * with services.
 */
unsigned int l4lb_icmp6_in(struct l4lb_net *ln, struct sk_buff *skb,
			   unsigned int icmpoff)
{
	struct l4lb_icmp_quote q;

	l4lb_icmp6_outer(ln->net, skb, icmpoff);

	/*
	 * A quote that cannot be parsed names no flow: the error is not
	 * ours, whatever the stack makes of it. An error goes to the source
	 * of the packet it quotes.
	 */
	if (l4lb_icmp6_parse(skb, icmpoff, &q) <= 0 ||
	    !ipv6_addr_equal(&q.saddr.in6, &ipv6_hdr(skb)->daddr))
		return NF_ACCEPT;
	return l4lb_icmp_client(ln, skb, AF_INET6, &q);
}

/* FORWARD: an ICMPv6 message passing through a netns with NAT dests. */
unsigned int l4lb_icmp6_reply(struct l4lb_net *ln, struct sk_buff *skb,
			      unsigned int icmpoff)
{
	struct l4lb_icmp_quote q;

	/* A truncated error in transit may not be ours: leave it alone. */
	if (l4lb_icmp6_parse(skb, icmpoff, &q) <= 0 ||
	    !ipv6_addr_equal(&q.saddr.in6, &ipv6_hdr(skb)->daddr))
		return NF_ACCEPT;
	return l4lb_icmp_server(ln, skb, AF_INET6, &q);
}
