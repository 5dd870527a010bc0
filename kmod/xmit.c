// SPDX-License-Identifier: GPL-2.0
/*
 * Transmitters, the family-neutral core (the families' parts: xmit4.c,
 * xmit6.c). Direct routing (DR) keeps the IP header as it is (the
 * destination stays the VIP) and sends the frame to the real server's L2
 * address: the real server owns the VIP on a non-ARPing (IPv6: not
 * neighbour-advertising) interface and answers the client directly.
 *
 * NAT rewrites the destination to the real server's address and port; the
 * real server's replies route back through the balancer, where the reply
 * hook finds their entry and rewrites the source back to the VIP and port
 * (l4lb_nat_reply()) before the kernel forwards them on.
 *
 * Tunnelling (tunnel.c) sends the packet as DR would, but inside an outer
 * header to the real server's address: the real server may be routers
 * away, and answers the client directly as with DR.
 *
 * Either way the packets are untracked, so conntrack and an iptables
 * MASQUERADE/SNAT rule on the balancer never translate them a second time.
 */
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/dst.h>
#include <net/netfilter/nf_conntrack.h>
#include "l4lb.h"

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
 * @dest is dead: nothing is sent to it again, so its route goes now, not
 * with the last flow holding the dest. A held route pins its device (an
 * IPv6 one through the FIB entry it came from), whose unregistration
 * would wait for those flows to expire.
 */
void l4lb_route_drop(struct l4lb_dest *dest)
{
	struct l4lb_route *r = unrcu_pointer(xchg(&dest->route, NULL));

	if (r)
		call_rcu(&r->rcu, l4lb_route_free_rcu);
}

/*
 * @dev is going down or away: forget @dest's route if it leaves by @dev.
 * dst_check() alone cannot be trusted with that: the stack moves a route
 * of a device being unregistered to the blackhole device (rt_flush_dev())
 * without necessarily marking it obsolete, and packets sent on it would
 * vanish while counted as forwarded. A route that is obsolete goes too:
 * IPv6 may have moved it to the blackhole device already
 * (rt6_uncached_list_flush_dev(), before this notifier), and a DR route,
 * an uncached clone, still holds the FIB entry it came from and through
 * it @dev, whose unregistration would wait for us. The next packet looks
 * the route up again. Config lock (the netdevice notifier, main.c); the
 * packet path may replace the route at the same time, hence the
 * cmpxchg().
 */
void l4lb_route_forget_dev(struct l4lb_dest *dest,
			   const struct net_device *dev)
{
	struct l4lb_route *r;

	lockdep_assert_held(&dest->ln->lock);
	rcu_read_lock();
	r = rcu_dereference(dest->route);
	if (!r || (r->dst->dev != dev && dst_check(r->dst, r->cookie)) ||
	    cmpxchg(&dest->route, RCU_INITIALIZER(r), NULL) !=
	    RCU_INITIALIZER(r))
		r = NULL;
	rcu_read_unlock();
	if (r)
		call_rcu(&r->rcu, l4lb_route_free_rcu);
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
static struct l4lb_route *l4lb_route_get(struct l4lb_net *ln,
					 struct l4lb_dest *dest)
{
	union l4lb_addr saddr = {};
	struct l4lb_route *r, *old;
	struct dst_entry *dst;
	u32 cookie = 0;
	u32 src_gen;

	/* Before the lookup reads ln->tun_src: pairs with l4lb_tun_src_set(). */
	src_gen = smp_load_acquire(&ln->tun_src_gen);
	r = rcu_dereference(dest->route);
	if (likely(r && dst_check(r->dst, r->cookie) &&
		   (dest->fwd != L4LB_FWD_TUN || r->src_gen == src_gen)))
		return r;

	if (dest->family == AF_INET6)
		dst = l4lb_route_lookup6(ln, dest, &cookie, &saddr);
	else
		dst = l4lb_route_lookup4(ln, dest, &saddr);
	if (!dst)
		return NULL;
	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r) {
		dst_release(dst);
		return NULL;
	}
	r->src_gen = src_gen;
	r->dst = dst;
	r->cookie = cookie;
	r->saddr = saddr;
	old = unrcu_pointer(xchg(&dest->route, RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, l4lb_route_free_rcu);
	/*
	 * Killed meanwhile: it keeps no route (l4lb_dest_kill(); the xchg()
	 * above orders this read after the publication). The packet still
	 * goes out on it: it is freed after a grace period.
	 */
	if (unlikely(test_bit(L4LB_DEST_DEAD_BIT, &dest->flags)))
		l4lb_route_drop(dest);
	return r;
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

unsigned int l4lb_l4_hdr_len(u8 protocol)
{
	return protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
					 sizeof(struct udphdr);
}

static void l4lb_nat_rewrite(struct sk_buff *skb, u8 family,
			     unsigned int l4off, u8 protocol, bool dst,
			     const union l4lb_addr *addr, __be16 port)
{
	if (family == AF_INET6)
		l4lb_nat_rewrite6(skb, l4off, protocol, dst, &addr->in6, port);
	else
		l4lb_nat_rewrite4(skb, l4off, protocol, dst, addr->ip, port);
}

/*
 * The MTU @skb, of @family, must fit to go to @dest on @dst: a tunnel's
 * inner packets get the route's MTU less the outer headers, but never
 * less than their family's minimum.
 */
static unsigned int l4lb_xmit_mtu(const struct l4lb_dest *dest, u8 family,
				  const struct dst_entry *dst)
{
	unsigned int mtu = dest->family == AF_INET6 ? l4lb_mtu6(dst) :
						      dst_mtu(dst);
	unsigned int least = family == AF_INET6 ? IPV6_MIN_MTU : IPV4_MIN_MTU;

	if (dest->fwd != L4LB_FWD_TUN)
		return mtu;
	mtu -= min(mtu, l4lb_tun_overhead(dest));
	return max(mtu, least);
}

/*
 * Send @skb (still addressed as it arrived) to @dest; with @dnat, rewrite
 * its destination to the dest's address and port first (its TCP or UDP
 * header at @l4off; a dest of port 0 keeps @dport, the packet's). @hdrs: the headers the sending writes. ICMP errors
 * (hop limit, path MTU) are sent before any rewrite, so they quote the
 * packet as the client sent it, from the VIP. They need the input route,
 * which an @early packet (PREROUTING) does not have yet: for those,
 * NF_ACCEPT hands the packet back unchanged, for LOCAL_IN to send the
 * error.
 */
static unsigned int l4lb_xmit_to(struct l4lb_net *ln, struct sk_buff *skb,
				 u8 family, struct l4lb_dest *dest,
				 unsigned int hdrs, unsigned int l4off,
				 u8 protocol, bool dnat, __be16 dport,
				 bool early)
{
	struct l4lb_route *r;
	struct dst_entry *dst;
	unsigned int mtu;
	bool too_big;

	if (skb_ensure_writable(skb, hdrs))
		return NF_DROP;

	/*
	 * What the forwarding path does when the hop limit runs out. The
	 * PREROUTING hook leaves that to LOCAL_IN: never @early. Still
	 * attached to the input route: the error comes from the VIP.
	 */
	if (family == AF_INET6 ? l4lb_hop_expired6(skb) :
				 l4lb_hop_expired4(skb))
		return NF_DROP;

	r = l4lb_route_get(ln, dest);
	if (!r)
		return NF_DROP;
	dst = r->dst;

	mtu = l4lb_xmit_mtu(dest, family, dst);
	too_big = family == AF_INET6 ? l4lb_too_big6(skb, mtu) :
				       l4lb_too_big4(skb, mtu);
	if (too_big) {
		if (early)
			return NF_ACCEPT;
		if (family == AF_INET6)
			l4lb_send_too_big6(skb, mtu);
		else
			l4lb_send_too_big4(skb, mtu);
		l4lb_count_drop(ln, L4LB_DROP_MTU);
		return NF_DROP;
	}

	/* Only -ENOMEM: the packet is dropped, as elsewhere. */
	if (dest->fwd == L4LB_FWD_TUN)
		return l4lb_tun_xmit(ln->net, skb, family, r, dest) ?
		       NF_DROP : NF_STOLEN;
	if (dnat)
		l4lb_nat_rewrite(skb, family, l4off, protocol, true,
				 &dest->addr, dest->port ?: dport);
	if (family == AF_INET6)
		l4lb_xmit_finish6(ln->net, skb, dst);
	else
		l4lb_xmit_finish4(ln->net, skb, dst);
	return NF_STOLEN;
}

/* A client's TCP or UDP packet, to the dest its flow is scheduled to. */
unsigned int l4lb_xmit(struct l4lb_net *ln, struct sk_buff *skb,
		       const struct l4lb_pkt *pkt,
		       const struct l4lb_decision *d, bool early)
{
	bool dnat = d->fwd == L4LB_FWD_NAT;
	unsigned int hdrs = pkt->l4off;

	if (dnat)
		hdrs += l4lb_l4_hdr_len(pkt->protocol);
	return l4lb_xmit_to(ln, skb, pkt->family, d->dest, hdrs, pkt->l4off,
			    pkt->protocol, dnat, pkt->dport, early);
}

/*
 * An ICMP error about a flow, already translated for @dest if NAT: only
 * its outer IP header changes.
 */
unsigned int l4lb_xmit_icmp(struct l4lb_net *ln, struct sk_buff *skb,
			    u8 family, struct l4lb_dest *dest)
{
	unsigned int hdrs = family == AF_INET6 ? sizeof(struct ipv6hdr) :
						 ip_hdrlen(skb);

	return l4lb_xmit_to(ln, skb, family, dest, hdrs, 0, 0, false, 0,
			    false);
}

/*
 * FORWARD hook, NAT: a real server's packet @pkt of entry @c, on its way
 * to the client. Make it come from the VIP and port, then let the kernel
 * go on forwarding it (its hop limit and MTU checks already ran).
 */
unsigned int l4lb_nat_reply(struct l4lb_net *ln, struct sk_buff *skb,
			    const struct l4lb_pkt *pkt, struct l4lb_conn *c)
{
	union l4lb_addr vaddr = {};

	/* The hook checked the headers are there: this is only -ENOMEM. */
	if (skb_ensure_writable(skb, pkt->l4off + l4lb_l4_hdr_len(c->protocol)))
		return NF_DROP;
	if (pkt->family == AF_INET6)
		vaddr.in6 = c->a.v6.vaddr;
	else
		vaddr.ip = c->a.v4.vaddr;
	l4lb_nat_rewrite(skb, pkt->family, pkt->l4off, c->protocol, false,
			 &vaddr, c->vport);
	l4lb_untrack(skb);
	return NF_ACCEPT;
}
