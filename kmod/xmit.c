// SPDX-License-Identifier: GPL-2.0
/*
 * Transmitters. Direct routing (DR) keeps the IP header as it is (the
 * destination stays the VIP) and sends the frame to the real server's L2
 * address: the real server owns the VIP on a non-ARPing interface and
 * answers the client directly.
 *
 * NAT rewrites the destination to the real server's address and port; the
 * real server's replies route back through the balancer, where the reply
 * hook finds their entry and rewrites the source back to the VIP and port
 * (l4lb_nat_reply()) before the kernel forwards them on.
 *
 * Either way the packets are untracked, so conntrack and an iptables
 * MASQUERADE/SNAT rule on the balancer never translate them a second time.
 */
#include <linux/ip.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/netfilter/nf_conntrack.h>
#include "l4lb.h"

/* Same rules as the forwarding path (ip_exceeds_mtu() is not exported). */
static bool l4lb_too_big(const struct sk_buff *skb, unsigned int mtu)
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

/*
 * The route to a dest, shared by every CPU and flow: the route depends on
 * the dest only, not on the packet. Packets take it without a reference
 * (skb_dst_set_noref(), as IPVS does), so the packet path writes nothing
 * shared: no refcount bouncing between CPUs. The cached route holds its own
 * reference, dropped an RCU grace period after it is replaced, which a
 * noref skb dst may rely on (anything that queues the skb takes a
 * reference first: skb_dst_force()).
 */
struct l4lb_route {
	struct dst_entry	*dst;
	struct rcu_head		rcu;
};

static void l4lb_route_release(struct l4lb_route *r)
{
	dst_release(r->dst);
	kfree(r);
}

static void l4lb_route_free_rcu(struct rcu_head *head)
{
	l4lb_route_release(container_of(head, struct l4lb_route, rcu));
}

/* The dest is being freed: no reader is left. */
void l4lb_route_free(struct l4lb_dest *dest)
{
	struct l4lb_route *r = rcu_dereference_protected(dest->route, true);

	if (r)
		l4lb_route_release(r);
}

/*
 * @dev is going down or away: forget @dest's route if it leaves by @dev.
 * dst_check() alone cannot be trusted with that: the stack moves a route
 * of a device being unregistered to the blackhole device (rt_flush_dev())
 * without necessarily marking it obsolete, and packets sent on it would
 * vanish while counted as forwarded. The next packet looks the route up
 * again. Config lock (the netdevice notifier, main.c); the packet path
 * may replace the route at the same time, hence the cmpxchg().
 */
void l4lb_route_forget_dev(struct l4lb_dest *dest,
			   const struct net_device *dev)
{
	struct l4lb_route *r;

	lockdep_assert_held(&dest->ln->lock);
	rcu_read_lock();
	r = rcu_dereference(dest->route);
	if (!r || r->dst->dev != dev ||
	    cmpxchg(&dest->route, RCU_INITIALIZER(r), NULL) !=
	    RCU_INITIALIZER(r))
		r = NULL;
	rcu_read_unlock();
	if (r)
		call_rcu(&r->rcu, l4lb_route_free_rcu);
}

/* Look the route up in the FIB; a held route or NULL (drop counted). */
static struct rtable *l4lb_route_lookup(struct l4lb_net *ln,
					struct l4lb_dest *dest)
{
	struct flowi4 fl4 = {};
	struct rtable *rt;

	fl4.daddr = dest->addr.ip;
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
	return rt;
}

/*
 * The route to @dest: the cached one while still valid (dst_check() sees
 * a changed FIB or a device gone), else a new lookup, which then replaces
 * the cached one. NULL if there is none (drop counted) or no memory to
 * cache it (the packet is dropped, as on any failed atomic allocation in
 * the receive path). The caller holds no reference. Runs under RCU (a
 * netfilter hook); CPUs that relook the route at once each publish
 * theirs, and each retires what it replaced.
 */
static struct dst_entry *l4lb_route_get(struct l4lb_net *ln,
					struct l4lb_dest *dest)
{
	struct l4lb_route *r, *old;
	struct rtable *rt;

	r = rcu_dereference(dest->route);
	if (likely(r && dst_check(r->dst, 0)))
		return r->dst;

	rt = l4lb_route_lookup(ln, dest);
	if (!rt)
		return NULL;
	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r) {
		ip_rt_put(rt);
		return NULL;
	}
	r->dst = &rt->dst;
	old = unrcu_pointer(xchg(&dest->route, RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, l4lb_route_free_rcu);
	return r->dst;
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
static void l4lb_nat_rewrite(struct sk_buff *skb, unsigned int l4off,
			     u8 protocol, bool dst, __be32 addr, __be16 port)
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
 * nf_ct_set() is inline, so this adds no dependency on the conntrack
 * module. An unconfirmed entry made for the packet is simply dropped.
 */
void l4lb_untrack(struct sk_buff *skb)
{
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
}

static unsigned int l4lb_l4_hdr_len(u8 protocol)
{
	return protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
					 sizeof(struct udphdr);
}

/*
 * What ip_forward() does to a packet it sends on, for one whose headers
 * are writable and whose TTL is above 1; @dst is used without a reference
 * (see struct l4lb_route).
 */
static void l4lb_xmit_finish(struct net *net, struct sk_buff *skb,
			     struct dst_entry *dst)
{
	/* Early demux may have attached a local socket; it is not ours. */
	skb_orphan(skb);
	ip_decrease_ttl(ip_hdr(skb));
	skb_forward_csum(skb);
	/* An rx timestamp would be read as a departure time by fq/EDT. */
	skb_clear_tstamp(skb);
	l4lb_untrack(skb);

	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	IPCB(skb)->flags |= IPSKB_FORWARDED;

	/* ip_output(): POSTROUTING, fragmentation of non-DF packets, L2. */
	dst_output(net, NULL, skb);
}

/*
 * Send @skb (still addressed as it arrived) to @dest; with @dnat, rewrite
 * its destination to the dest's address and port first. ICMP errors (TTL,
 * path MTU) are sent before any rewrite, so they quote the packet as the
 * client sent it, from the VIP. They need the input route, which an
 * @early packet (PREROUTING) does not have yet: for those, NF_ACCEPT
 * hands the packet back unchanged, for LOCAL_IN to send the error.
 */
static unsigned int l4lb_xmit_to(struct l4lb_net *ln, struct sk_buff *skb,
				 struct l4lb_dest *dest, bool dnat, bool early)
{
	unsigned int hdrs = ip_hdrlen(skb);
	struct dst_entry *dst;
	unsigned int mtu;

	if (dnat)
		hdrs += l4lb_l4_hdr_len(ip_hdr(skb)->protocol);
	if (skb_ensure_writable(skb, hdrs))
		return NF_DROP;

	/* The PREROUTING hook leaves TTL 1 to LOCAL_IN: never @early. */
	if (ip_hdr(skb)->ttl <= 1) {
		/* Still attached to the input route: ICMP comes from the VIP. */
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return NF_DROP;
	}

	dst = l4lb_route_get(ln, dest);
	if (!dst)
		return NF_DROP;

	mtu = dst_mtu(dst);
	if (l4lb_too_big(skb, mtu)) {
		if (early)
			return NF_ACCEPT;
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		l4lb_count_drop(ln, L4LB_DROP_MTU);
		return NF_DROP;
	}

	if (dnat)
		l4lb_nat_rewrite(skb, ip_hdrlen(skb), ip_hdr(skb)->protocol,
				 true, dest->addr.ip, dest->port);
	l4lb_xmit_finish(ln->net, skb, dst);
	return NF_STOLEN;
}

/* A client's TCP or UDP packet, to the dest its flow is scheduled to. */
unsigned int l4lb_xmit(struct l4lb_net *ln, struct sk_buff *skb,
		       const struct l4lb_decision *d, bool early)
{
	return l4lb_xmit_to(ln, skb, d->dest, d->fwd == L4LB_FWD_NAT, early);
}

/* An ICMP error about a flow, already translated for @dest if NAT. */
unsigned int l4lb_xmit_icmp(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_dest *dest)
{
	return l4lb_xmit_to(ln, skb, dest, false, false);
}

/*
 * FORWARD hook, NAT: a real server's packet of entry @c, on its way to the
 * client. Make it come from the VIP and port, then let the kernel go on
 * forwarding it (its TTL and MTU checks already ran in ip_forward()).
 */
unsigned int l4lb_nat_reply(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *c)
{
	unsigned int ihl = ip_hdrlen(skb);

	/* The hook checked the headers are there: this is only -ENOMEM. */
	if (skb_ensure_writable(skb, ihl + l4lb_l4_hdr_len(c->protocol)))
		return NF_DROP;
	l4lb_nat_rewrite(skb, ihl, c->protocol, false, c->a.v4.vaddr, c->vport);
	l4lb_untrack(skb);
	return NF_ACCEPT;
}

/*
 * The reply route cache. Every reply of a flow would take the same input
 * route: its addresses are the flow's, and the caller (hooks.c) only
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
	if (l4lb_too_big(skb, ip_dst_mtu_maybe_forward(dst, true)))
		return NULL;
	return dst;
}

/*
 * With a reverse-path filter, the input route takes a real server's
 * packet only if the route back to the server leaves by the device it
 * came in on (strict mode), or exists (loose). The dest's route is that
 * lookup, made for TOS 0 (and no policy rules: hooks.c sees to that), so
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
	l4lb_nat_rewrite(skb, ip_hdrlen(skb), c->protocol, false, c->a.v4.vaddr,
			 c->vport);
	if (READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority))
		skb->priority = rt_tos2priority(ip_hdr(skb)->tos);
	__IP_INC_STATS(net, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP_ADD_STATS(net, IPSTATS_MIB_OUTOCTETS, skb->len);
	l4lb_xmit_finish(net, skb, dst);
	return NF_STOLEN;
}
