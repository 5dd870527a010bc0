// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about balanced flows, so that path-MTU discovery and
 * connection errors reach the right end.
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
#include <linux/ip.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/checksum.h>
#include "l4lb.h"

/* Where the quoted packet is in an ICMP error, and its addresses. */
struct l4lb_icmp_quote {
	unsigned int	off;	/* quoted IP header */
	unsigned int	l4off;	/* quoted TCP/UDP header */
	__be32		saddr;
	__be32		daddr;
	__be16		sport;
	__be16		dport;
	u8		protocol;
};

static bool l4lb_icmp_is_error(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_SOURCE_QUENCH || type == ICMP_PARAMETERPROB;
}

/*
 * 1: an error quoting a TCP or UDP packet, described in @q; 0: something
 * else, not for us; -EINVAL: an error too short to hold what it quotes.
 */
static int l4lb_icmp_parse(const struct sk_buff *skb,
			   struct l4lb_icmp_quote *q)
{
	const struct icmphdr *ih;
	const struct iphdr *qiph;
	struct icmphdr _ih;
	struct iphdr _qiph;
	__be16 _ports[2];
	const __be16 *ports;

	if (ip_is_fragment(ip_hdr(skb)))
		return 0;
	ih = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ih), &_ih);
	if (!ih)
		return -EINVAL;
	if (!l4lb_icmp_is_error(ih->type))
		return 0;

	q->off = ip_hdrlen(skb) + sizeof(_ih);
	qiph = skb_header_pointer(skb, q->off, sizeof(_qiph), &_qiph);
	if (!qiph || qiph->version != 4 || qiph->ihl < 5)
		return -EINVAL;
	if (qiph->protocol != IPPROTO_TCP && qiph->protocol != IPPROTO_UDP)
		return 0;
	/* A quoted later fragment carries no ports to match. */
	if (qiph->frag_off & htons(IP_OFFSET))
		return 0;
	q->l4off = q->off + qiph->ihl * 4;
	ports = skb_header_pointer(skb, q->l4off, sizeof(_ports), _ports);
	if (!ports)
		return -EINVAL;
	q->saddr = qiph->saddr;
	q->daddr = qiph->daddr;
	q->protocol = qiph->protocol;
	q->sport = ports[0];
	q->dport = ports[1];
	return 1;
}

/*
 * Rewrite one end of the quoted packet (@quote_src: its source, else its
 * destination) to @addr:@port, and the outer header's destination
 * (@outer_dst) or source to @outer. The quoted L4 checksum is fixed when
 * the quote includes it (RFC 792 only guarantees 8 bytes), then the ICMP
 * checksum is computed afresh over the whole message.
 */
static int l4lb_icmp_translate(struct sk_buff *skb,
			       const struct l4lb_icmp_quote *q, bool quote_src,
			       __be32 addr, __be16 port, bool outer_dst,
			       __be32 outer)
{
	unsigned int check_off = q->l4off +
		(q->protocol == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
					      offsetof(struct udphdr, check));
	bool has_check = skb->len >= check_off + sizeof(__sum16);
	unsigned int ihl = ip_hdrlen(skb);
	__be32 *addrp, *outerp;
	struct icmphdr *ih;
	struct iphdr *qiph;
	__be16 *portp;

	if (skb_ensure_writable(skb, has_check ? check_off + sizeof(__sum16) :
					       q->l4off + 2 * sizeof(__be16)))
		return -ENOMEM;

	qiph = (struct iphdr *)(skb->data + q->off);
	addrp = quote_src ? &qiph->saddr : &qiph->daddr;
	portp = (__be16 *)(skb->data + q->l4off) + (quote_src ? 0 : 1);
	if (has_check) {
		__sum16 *check = (__sum16 *)(skb->data + check_off);

		/* A quoted UDP checksum of 0 means "none". */
		if (q->protocol == IPPROTO_TCP || *check) {
			csum_replace4(check, *addrp, addr);
			csum_replace2(check, *portp, port);
			if (q->protocol == IPPROTO_UDP && !*check)
				*check = CSUM_MANGLED_0;
		}
	}
	*portp = port;
	csum_replace4(&qiph->check, *addrp, addr);
	*addrp = addr;

	outerp = outer_dst ? &ip_hdr(skb)->daddr : &ip_hdr(skb)->saddr;
	csum_replace4(&ip_hdr(skb)->check, *outerp, outer);
	*outerp = outer;

	ih = (struct icmphdr *)(skb->data + ihl);
	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, ihl, skb->len - ihl, 0));
	/* Whatever the driver summed no longer matches; we summed it all. */
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* LOCAL_IN: an ICMP message to a local address of a netns with services. */
unsigned int l4lb_icmp_in(struct l4lb_net *ln, struct sk_buff *skb)
{
	struct l4lb_icmp_quote q;
	struct l4lb_dest *dest;
	struct l4lb_conn *c;
	struct l4lb_flow_in p = { .family = AF_INET };
	int ret;

	/*
	 * A quote that cannot be parsed names no flow: the error is not
	 * ours, whatever the stack makes of it. An error goes to the source
	 * of the packet it quotes.
	 */
	ret = l4lb_icmp_parse(skb, &q);
	if (ret <= 0 || q.saddr != ip_hdr(skb)->daddr)
		return NF_ACCEPT;

	/* The quote went from the VIP to the client. */
	p.caddr.ip = q.daddr;
	p.cport = q.dport;
	p.vaddr.ip = q.saddr;
	p.vport = q.sport;
	p.protocol = q.protocol;
	c = l4lb_conn_find(ln->net, &p);
	if (!c)
		return NF_ACCEPT;

	dest = c->dest;
	if (dest->fwd == L4LB_FWD_NAT &&
	    l4lb_icmp_translate(skb, &q, true, dest->addr.ip, dest->port, true,
				dest->addr.ip))
		return NF_DROP;
	return l4lb_xmit_icmp(ln, skb, dest);
}

/* FORWARD: an ICMP message passing through a netns with NAT dests. */
unsigned int l4lb_icmp_reply(struct l4lb_net *ln, struct sk_buff *skb)
{
	struct l4lb_icmp_quote q;
	struct l4lb_reply_pkt rp;
	struct l4lb_conn *c;

	/* A truncated error in transit may not be ours: leave it alone. */
	if (l4lb_icmp_parse(skb, &q) <= 0 || q.saddr != ip_hdr(skb)->daddr)
		return NF_ACCEPT;

	/* The quote went from the client to a real server. */
	rp.family = AF_INET;
	l4lb_addr_set4(&rp.caddr, q.saddr);
	rp.cport = q.sport;
	l4lb_addr_set4(&rp.raddr, q.daddr);
	rp.rport = q.dport;
	rp.protocol = q.protocol;
	c = l4lb_conn_find_reply(ln->net, &rp);
	if (!c)
		return NF_ACCEPT;

	if (l4lb_icmp_translate(skb, &q, false, c->a.v4.vaddr, c->vport, false,
				c->a.v4.vaddr))
		return NF_DROP;
	l4lb_untrack(skb);
	return NF_ACCEPT;
}
