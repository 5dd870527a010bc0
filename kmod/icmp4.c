// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about balanced flows, IPv4 (the core: icmp.c): parsing the
 * quote and rewriting it.
 */
#include <linux/ip.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/checksum.h>
#include <net/route.h>
#include "l4lb.h"

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

	if (ip_is_fragment(ip_hdr(skb)))
		return 0;
	ih = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ih), &_ih);
	if (!ih)
		return -EINVAL;
	if (!l4lb_icmp_is_error(ih->type))
		return 0;

	q->l3off = ip_hdrlen(skb) + sizeof(_ih);
	qiph = skb_header_pointer(skb, q->l3off, sizeof(_qiph), &_qiph);
	if (!qiph || qiph->version != 4 || qiph->ihl < 5)
		return -EINVAL;
	if (qiph->protocol != IPPROTO_TCP && qiph->protocol != IPPROTO_UDP)
		return 0;
	/* A quoted later fragment carries no ports to match. */
	if (qiph->frag_off & htons(IP_OFFSET))
		return 0;
	q->l4off = q->l3off + qiph->ihl * 4;
	l4lb_addr_set4(&q->saddr, qiph->saddr);
	l4lb_addr_set4(&q->daddr, qiph->daddr);
	q->protocol = qiph->protocol;
	return l4lb_icmp_quote_ports(skb, q);
}

/*
 * Rewrite one end of the quoted packet (@quote_src: its source, else its
 * destination) to @addr:@port, and the outer header's destination
 * (@outer_dst) or source to @outer. The quoted L4 checksum is fixed when
 * the quote includes it (RFC 792 only guarantees 8 bytes), then the ICMP
 * checksum is computed afresh over the whole message.
 */
int l4lb_icmp_translate4(struct sk_buff *skb, const struct l4lb_icmp_quote *q,
			 bool quote_src, const union l4lb_addr *addr,
			 __be16 port, bool outer_dst,
			 const union l4lb_addr *outer)
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

	qiph = (struct iphdr *)(skb->data + q->l3off);
	addrp = quote_src ? &qiph->saddr : &qiph->daddr;
	portp = (__be16 *)(skb->data + q->l4off) + (quote_src ? 0 : 1);
	if (has_check) {
		__sum16 *check = (__sum16 *)(skb->data + check_off);

		/* A quoted UDP checksum of 0 means "none". */
		if (q->protocol == IPPROTO_TCP || *check) {
			csum_replace4(check, *addrp, addr->ip);
			csum_replace2(check, *portp, port);
			if (q->protocol == IPPROTO_UDP && !*check)
				*check = CSUM_MANGLED_0;
		}
	}
	*portp = port;
	csum_replace4(&qiph->check, *addrp, addr->ip);
	*addrp = addr->ip;

	outerp = outer_dst ? &ip_hdr(skb)->daddr : &ip_hdr(skb)->saddr;
	csum_replace4(&ip_hdr(skb)->check, *outerp, outer->ip);
	*outerp = outer->ip;

	ih = (struct icmphdr *)(skb->data + ihl);
	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, ihl, skb->len - ihl, 0));
	/* Whatever the driver summed no longer matches; we summed it all. */
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/*
 * "Fragmentation needed" about a packet this host sent in IPIP, IPv6 in
 * IPv4, UDP or GRE (a tunnel's outer packet, tunnel.c), from a router on the way to a real
 * server: the route to the real server learns the MTU, as the stack's
 * own tunnels and sockets do (and within the same bounds,
 * ipv4_update_pmtu()). The next client packet too big for it then gets
 * its error from the balancer, with the MTU less the encapsulation
 * (xmit.c). Nothing else is done with the error.
 */
static void l4lb_icmp_outer4(struct net *net, struct sk_buff *skb)
{
	unsigned int off = ip_hdrlen(skb) + sizeof(struct icmphdr);
	const struct icmphdr *ih;
	const struct iphdr *qiph;
	struct icmphdr _ih;
	u32 mtu;

	ih = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ih), &_ih);
	if (!ih || ih->type != ICMP_DEST_UNREACH ||
	    ih->code != ICMP_FRAG_NEEDED ||
	    READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc))
		return;
	mtu = ntohs(ih->un.frag.mtu);
	if (!pskb_may_pull(skb, off + sizeof(*qiph)))
		return;
	qiph = (const struct iphdr *)(skb->data + off);
	if (qiph->version != 4 || qiph->ihl < 5 ||
	    (qiph->protocol != IPPROTO_IPIP &&
	     qiph->protocol != IPPROTO_IPV6 &&
	     qiph->protocol != IPPROTO_UDP &&
	     qiph->protocol != IPPROTO_GRE) ||
	    qiph->saddr != ip_hdr(skb)->daddr)
		return;
	/* ipv4_update_pmtu() reads the quoted header at skb->data. */
	__skb_pull(skb, off);
	ipv4_update_pmtu(skb, net, mtu, 0, qiph->protocol);
	__skb_push(skb, off);
}

/* LOCAL_IN: an ICMP message to a local address of a netns with services. */
unsigned int l4lb_icmp_in(struct l4lb_net *ln, struct sk_buff *skb)
{
	struct l4lb_icmp_quote q;
	int ret;

	l4lb_icmp_outer4(ln->net, skb);

	/*
	 * A quote that cannot be parsed names no flow: the error is not
	 * ours, whatever the stack makes of it. An error goes to the source
	 * of the packet it quotes.
	 */
	ret = l4lb_icmp_parse(skb, &q);
	if (ret <= 0 || q.saddr.ip != ip_hdr(skb)->daddr)
		return NF_ACCEPT;
	return l4lb_icmp_client(ln, skb, AF_INET, &q);
}

/* FORWARD: an ICMP message passing through a netns with NAT dests. */
unsigned int l4lb_icmp_reply(struct l4lb_net *ln, struct sk_buff *skb)
{
	struct l4lb_icmp_quote q;

	/* A truncated error in transit may not be ours: leave it alone. */
	if (l4lb_icmp_parse(skb, &q) <= 0 || q.saddr.ip != ip_hdr(skb)->daddr)
		return NF_ACCEPT;
	return l4lb_icmp_server(ln, skb, AF_INET, &q);
}
