// SPDX-License-Identifier: GPL-2.0
/*
 * Transmitters, IPv4 (the core: xmit.c): routes, ICMP errors, header
 * rewrites and what ip_forward() does to a packet it sends on; the NAT
 * reply route cache of the PREROUTING fast path.
 */
#include <linux/ip.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/udp.h>
#include <net/netfilter/nf_conntrack.h>
#include "l4lb.h"

/* Same rules as the forwarding path (ip_exceeds_mtu() is not exported). */
bool l4lb_too_big4(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;	/* ip_output() fragments it */
	/* Reassembled from fragments bigger than the MTU: refuse too. */
	if (IPCB(skb)->frag_max_size > mtu)
		return true;
	if (skb->ignore_df)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return true;
}

/* Look the route up in the FIB; a held route or NULL (drop counted). */
struct dst_entry *l4lb_route_lookup4(struct l4lb_net *ln,
				     const struct l4lb_dest *dest,
				     union l4lb_addr *saddr)
{
	struct flowi4 fl4 = {};
	struct rtable *rt;

	fl4.daddr = dest->addr.ip;
	/* A tunnel's configured outer source, which must still be ours. */
	if (dest->fwd == L4LB_FWD_TUN)
		fl4.saddr = l4lb_tun_src4(ln);
	/*
	 * DR: the packet keeps daddr = VIP, but the next hop must be the
	 * real server: KNOWN_NH gives an uncached route whose gateway is the
	 * RIP even on a link route (otherwise the neighbour lookup would ARP
	 * for the VIP, which is our own address). NAT packets carry the RIP
	 * as their destination, so an ordinary route does.
	 */
	if (dest->fwd == L4LB_FWD_DR)
		fl4.flowi4_flags = FLOWI_FLAG_KNOWN_NH;
	rt = ip_route_output_key(ln->net, &fl4);
	if (IS_ERR(rt)) {
		l4lb_count_drop(ln, L4LB_DROP_NO_ROUTE);
		return NULL;
	}
	/* A real server address that is local would loop straight back. */
	if (rt->rt_flags & (RTCF_LOCAL | RTCF_BROADCAST | RTCF_MULTICAST)) {
		ip_rt_put(rt);
		l4lb_count_drop(ln, L4LB_DROP_NO_ROUTE);
		return NULL;
	}
	saddr->ip = fl4.saddr;
	return &rt->dst;
}

/* Sends the ICMP error for a TTL that runs out here; true if it does. */
bool l4lb_hop_expired4(struct sk_buff *skb)
{
	if (ip_hdr(skb)->ttl > 1)
		return false;
	icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
	return true;
}

void l4lb_send_too_big4(struct sk_buff *skb, unsigned int mtu)
{
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
}

/*
 * Rewrite one end (@dst: the destination, else the source) of the TCP or
 * UDP packet whose L4 header is at @l4off, fixing the IP and L4
 * checksums for whatever checksum state the stack gave the skb: with
 * CHECKSUM_PARTIAL (offload, GSO, GRO) the L4 field holds the pseudo-header
 * sum, and with CHECKSUM_COMPLETE skb->csum must follow the pseudo-header
 * change; inet_proto_csum_replace*() handle both. A UDP checksum of 0 means
 * "none" and stays 0. The caller made the headers writable.
 */
void l4lb_nat_rewrite4(struct sk_buff *skb, unsigned int l4off, u8 protocol,
		       bool dst, __be32 addr, __be16 port)
{
	struct iphdr *iph = ip_hdr(skb);
	__be32 *addrp = dst ? &iph->daddr : &iph->saddr;
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
		inet_proto_csum_replace4(check, skb, *addrp, addr, true);
		inet_proto_csum_replace2(check, skb, *portp, port, false);
		if (protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*portp = port;
	csum_replace4(&iph->check, *addrp, addr);
	*addrp = addr;
}

/*
 * What ip_forward() does to a packet it sends on, for one whose headers
 * are writable and whose TTL is above 1; @dst is used without a reference
 * (see struct l4lb_route).
 */
void l4lb_xmit_forward4(struct sk_buff *skb)
{
	/* Early demux may have attached a local socket; it is not ours. */
	skb_orphan(skb);
	ip_decrease_ttl(ip_hdr(skb));
	skb_forward_csum(skb);
	/* An rx timestamp would be read as a departure time by fq/EDT. */
	skb_clear_tstamp(skb);
	l4lb_untrack(skb);
}

void l4lb_xmit_finish4(struct net *net, struct sk_buff *skb,
		       struct dst_entry *dst)
{
	l4lb_xmit_forward4(skb);
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	IPCB(skb)->flags |= IPSKB_FORWARDED;

	/* ip_output(): POSTROUTING, fragmentation of non-DF packets, L2. */
	dst_output(net, NULL, skb);
}

/*
 * Tunnelling (tunnel.c): send @skb, its tunnel headers pushed, inside an
 * IPv4 header from @r's source to @dest, as @h says.
 */
void l4lb_tun_push4(struct net *net, struct sk_buff *skb,
		    const struct l4lb_route *r, const struct l4lb_dest *dest,
		    const struct l4lb_tun_hdr *h)
{
	struct dst_entry *dst = r->dst;
	struct iphdr *iph;

	if (h->proto == IPPROTO_UDP)
		udp_set_csum(!(dest->tun.flags & L4LB_TUN_F_CSUM), skb,
			     r->saddr.ip, dest->addr.ip, skb->len);

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = h->tos;
	iph->frag_off = h->df;
	iph->ttl = ip4_dst_hoplimit(dst);
	iph->protocol = h->proto;
	iph->saddr = r->saddr.ip;
	iph->daddr = dest->addr.ip;
	/* ip_local_out() sets the length and checksum. */
	ip_select_ident(net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));

	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	/* LOCAL_OUT, POSTROUTING, fragmentation of non-DF packets, L2. */
	ip_local_out(net, NULL, skb);
}

/*
 * The reply route cache. Every reply of a flow would take the same input
 * route: its addresses are the flow's, and the caller (hooks4.c) only
 * takes a cached route for a packet whose lookup could not differ: no
 * policy rules or realms, a reverse-path filter only as
 * l4lb_reply_rpf_ok() allows, the TOS the route was found for. The
 * FIB's generation (dst_check()) covers route and address
 * changes. Caching it in the entry saves each reply the FIB lookups of
 * the input route and ip_forward()'s path to the FORWARD hook.
 *
 * The entry holds a reference, as a socket holds its route: taken once
 * per flow, when its first reply passes FORWARD. A device going away
 * does not wait for the entry: the route is moved to the blackhole
 * device, and dst_check() fails from then on.
 */

/*
 * Whether @skb's route at FORWARD is one a later reply may take from
 * PREROUTING: an input route of the FIB's own. Not the fake route
 * br_netfilter gives a frame it bridges (it lives inside the bridge
 * device, which does not wait for our reference to go away, and has no
 * output function), nor an IPsec bundle (xfrm4_route_forward()), nor the
 * route of a packet with skb extensions (bridged, or decapsulated by
 * IPsec), which the fast path never takes anyway.
 */
static bool l4lb_reply_route_cacheable(struct sk_buff *skb,
				       const struct dst_entry *dst)
{
	if (!dst || skb_has_extensions(skb) ||
	    (dst->flags & (DST_FAKE_RTABLE | DST_METADATA)) || dst_xfrm(dst))
		return false;
	/* A redirect is sent per packet; ip_forward() has to see them all. */
	if (IPCB(skb)->flags & IPSKB_DOREDIRECT)
		return false;
	return rt_is_input_route(container_of(dst, struct rtable, dst));
}

/* FORWARD, after l4lb_nat_reply(): keep the route @skb took for @c. */
void l4lb_reply_route_save(struct l4lb_conn *c, struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb), *old;
	u8 tos = ip_hdr(skb)->tos;

	if (rcu_access_pointer(c->reply_dst) == dst &&
	    READ_ONCE(c->reply_tos) == tos)
		return;
	if (!l4lb_reply_route_cacheable(skb, dst) || !dst_hold_safe(dst))
		return;
	WRITE_ONCE(c->reply_tos, tos);
	old = unrcu_pointer(xchg(&c->reply_dst, RCU_INITIALIZER(dst)));
	/* Freed a grace period after the last reference goes. */
	dst_release(old);
}

/*
 * PREROUTING: the route @c's replies took, if it is still valid for @skb
 * and @skb fits it; else NULL, and the packet goes the usual way (the
 * stack sends the ICMP error if it is too big).
 */
struct dst_entry *l4lb_reply_route(struct l4lb_conn *c,
				   const struct sk_buff *skb)
{
	struct dst_entry *dst = rcu_dereference(c->reply_dst);

	if (!dst || READ_ONCE(c->reply_tos) != ip_hdr(skb)->tos ||
	    !dst_check(dst, 0))
		return NULL;
	if (l4lb_too_big4(skb, ip_dst_mtu_maybe_forward(dst, true)))
		return NULL;
	return dst;
}

/*
 * With a reverse-path filter, the input route takes a real server's
 * packet only if the route back to the server leaves by the device it
 * came in on (strict mode), or exists (loose). The dest's route is that
 * lookup, made for TOS 0 (and no policy rules: hooks4.c sees to that), so
 * while it is current and leaves by that device, both modes pass. Else
 * the packet takes the input route, which may drop it.
 */
bool l4lb_reply_rpf_ok(struct l4lb_conn *c, const struct sk_buff *skb)
{
	struct l4lb_route *r;

	if (l4lb_tos_routed(ip_hdr(skb)))
		return false;
	r = rcu_dereference(c->dest->route);
	return r && r->dst->dev == skb->dev && dst_check(r->dst, 0);
}

/*
 * PREROUTING: a real server's packet of @c, on the route
 * l4lb_reply_route() gave: what FORWARD's l4lb_nat_reply() and the stack's
 * forwarding would do to it, without the input route and ip_forward().
 */
unsigned int l4lb_nat_reply_xmit(struct l4lb_net *ln, struct sk_buff *skb,
				 struct l4lb_conn *c, struct dst_entry *dst)
{
	struct net *net = ln->net;

	if (skb_ensure_writable(skb, ip_hdrlen(skb) +
				l4lb_l4_hdr_len(c->protocol)))
		return NF_DROP;
	l4lb_nat_rewrite4(skb, ip_hdrlen(skb), c->protocol, false,
			  c->a.v4.vaddr, c->vport);
	if (READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority))
		skb->priority = rt_tos2priority(ip_hdr(skb)->tos);
	__IP_INC_STATS(net, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP_ADD_STATS(net, IPSTATS_MIB_OUTOCTETS, skb->len);
	l4lb_xmit_finish4(net, skb, dst);
	return NF_STOLEN;
}
