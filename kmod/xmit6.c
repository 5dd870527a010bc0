// SPDX-License-Identifier: GPL-2.0
/*
 * Transmitters, IPv6 (the core: xmit.c): routes, ICMPv6 errors, header
 * rewrites and what ip6_forward() does to a packet it sends on.
 *
 * The routes to the dests are the FIB's, checked with their cookie (the
 * fib6 serial number they were found with) on every use, as sockets
 * check theirs.
 */
#include <linux/ipv6.h>
#include <linux/icmpv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/ip6_fib.h>
#include <net/ip6_checksum.h>
#include <net/dst.h>
#include <net/udp.h>
#include <net/addrconf.h>
#include "l4lb.h"

/*
 * Look the route up in the FIB; a held route and its cookie, or NULL
 * (drop counted).
 */
struct dst_entry *l4lb_route_lookup6(struct l4lb_net *ln,
				     const struct l4lb_dest *dest,
				     u32 *cookie, union l4lb_addr *saddr)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct rt6_info *rt;

	fl6.daddr = dest->addr.in6;
	if (dest->fwd == L4LB_FWD_TUN)
		l4lb_tun_src6(ln, &fl6.saddr);
	/*
	 * DR: the packet keeps daddr = VIP, but the next hop must be the
	 * real server: KNOWN_NH gives an uncached clone whose destination
	 * (rt6_nexthop()) is the RIP even on a link route (otherwise the
	 * neighbour lookup would solicit the VIP, our own address). NAT
	 * packets carry the RIP as their destination.
	 */
	if (dest->fwd == L4LB_FWD_DR)
		fl6.flowi6_flags = FLOWI_FLAG_KNOWN_NH;
	dst = ip6_route_output(ln->net, NULL, &fl6);
	if (dst->error)
		goto err_release;
	rt = container_of(dst, struct rt6_info, dst);
	/* A real server address that is local would loop straight back. */
	if ((rt->rt6i_flags & RTF_LOCAL) ||
	    ipv6_addr_is_multicast(&dest->addr.in6))
		goto err_release;
	/*
	 * The outer source of a tunnel, configured (still ours: the lookup
	 * took it as its source) or the route's; the others need none.
	 */
	if (dest->fwd == L4LB_FWD_TUN && !ipv6_addr_any(&fl6.saddr)) {
		if (!ipv6_chk_addr(ln->net, &fl6.saddr, NULL, 0))
			goto err_release;
		saddr->in6 = fl6.saddr;
	} else if (dest->fwd == L4LB_FWD_TUN &&
		   ipv6_dev_get_saddr(ln->net, ip6_dst_idev(dst)->dev,
				      &dest->addr.in6, 0, &saddr->in6)) {
		goto err_release;
	}
	*cookie = rt6_get_cookie(rt);
	return dst;

err_release:
	dst_release(dst);
	l4lb_count_drop(ln, L4LB_DROP_NO_ROUTE);
	return NULL;
}

/*
 * Sends the ICMPv6 error for a hop limit that runs out here (as
 * ip6_forward() does); true if it does.
 */
bool l4lb_hop_expired6(struct sk_buff *skb)
{
	if (ipv6_hdr(skb)->hop_limit > 1)
		return false;
	icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
	return true;
}

/*
 * The MTU a packet sent on @dst must fit: the route's, as ip6_output()
 * will take it (ip6_skb_dst_mtu()) and as xmit4.c does for IPv4; not
 * ip6_forward()'s, which ignores a route's MTU unless it is locked.
 */
unsigned int l4lb_mtu6(const struct dst_entry *dst)
{
	return max_t(unsigned int, dst_mtu(dst), IPV6_MIN_MTU);
}

/*
 * Same rules as the forwarding path (ip6_pkt_too_big() is not exported):
 * routers never fragment IPv6, but a packet nf_defrag_ipv6 reassembled is
 * sent as the fragments it came in (ip6_fragment()), which must fit.
 */
bool l4lb_too_big6(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	if (IP6CB(skb)->frag_max_size && IP6CB(skb)->frag_max_size > mtu)
		return true;
	if (skb->ignore_df)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return true;
}

void l4lb_send_too_big6(struct sk_buff *skb, unsigned int mtu)
{
	icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
}

/*
 * Rewrite one end (@dst: the destination, else the source) of the TCP or
 * UDP packet whose L4 header is at @l4off, fixing the L4 checksum (IPv6
 * has no header checksum; the pseudo-header is in the L4 one) for
 * whatever checksum state the stack gave the skb, as xmit4.c does. The
 * caller made the headers writable.
 */
void l4lb_nat_rewrite6(struct sk_buff *skb, unsigned int l4off, u8 protocol,
		       bool dst, const struct in6_addr *addr, __be16 port)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct in6_addr *addrp = dst ? &ip6h->daddr : &ip6h->saddr;
	__sum16 *check;
	__be16 *portp;

	if (protocol == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)(skb->data + l4off);

		portp = dst ? &th->dest : &th->source;
		check = &th->check;
	} else {
		struct udphdr *uh = (struct udphdr *)(skb->data + l4off);

		portp = dst ? &uh->dest : &uh->source;
		check = &uh->check;
		if (!uh->check && skb->ip_summed != CHECKSUM_PARTIAL)
			check = NULL;
	}
	if (check) {
		inet_proto_csum_replace16(check, skb, addrp->s6_addr32,
					  addr->s6_addr32, true);
		inet_proto_csum_replace2(check, skb, *portp, port, false);
		if (protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*portp = port;
	*addrp = *addr;
}

/*
 * What ip6_forward() does to a packet it sends on, for one whose IPv6
 * header is writable and whose hop limit is above 1; @dst is used without
 * a reference (see struct l4lb_route).
 */
void l4lb_xmit_forward6(struct sk_buff *skb)
{
	/* Early demux may have attached a local socket; it is not ours. */
	skb_orphan(skb);
	ipv6_hdr(skb)->hop_limit--;
	skb_forward_csum(skb);
	/* An rx timestamp would be read as a departure time by fq/EDT. */
	skb_clear_tstamp(skb);
	l4lb_untrack(skb);
}

void l4lb_xmit_finish6(struct net *net, struct sk_buff *skb,
		       struct dst_entry *dst)
{
	l4lb_xmit_forward6(skb);
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	IP6CB(skb)->flags |= IP6SKB_FORWARDED;

	/* ip6_output(): POSTROUTING, refragmenting what was reassembled, L2. */
	dst_output(net, NULL, skb);
}

/*
 * Tunnelling (tunnel.c): send @skb, its tunnel headers pushed, inside an
 * IPv6 header from @r's source to @dest, as @h says. An outer packet
 * bigger than the route's MTU (the inner one fitted the minimum MTU of
 * its family) is fragmented, as RFC 2473 asks.
 */
void l4lb_tun_push6(struct net *net, struct sk_buff *skb,
		    const struct l4lb_route *r, const struct l4lb_dest *dest,
		    const struct l4lb_tun_hdr *h)
{
	struct dst_entry *dst = r->dst;
	struct ipv6hdr *ip6h;

	if (h->proto == IPPROTO_UDP)
		udp6_set_csum(!(dest->tun.flags & L4LB_TUN_F_CSUM), skb,
			      &r->saddr.in6, &dest->addr.in6, skb->len);

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, h->tos, h->label);
	/* ip6_local_out() sets the payload length. */
	ip6h->nexthdr = h->proto;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = r->saddr.in6;
	ip6h->daddr = dest->addr.in6;
	skb->protocol = htons(ETH_P_IPV6);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	skb->ignore_df = 1;

	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	/* LOCAL_OUT, POSTROUTING, fragmentation, L2. */
	ip6_local_out(net, NULL, skb);
}
