// SPDX-License-Identifier: GPL-2.0
/*
 * Transmitters. Direct routing (DR) keeps the IP header as it is (the
 * destination stays the VIP) and sends the frame to the real server's L2
 * address: the real server owns the VIP on a non-ARPing interface and
 * answers the client directly.
 *
 * NAT is part of the API but not implemented yet; configuration rejects NAT
 * dests, so l4lb_xmit() only ever sees DR ones. A NAT transmitter slots in
 * beside l4lb_xmit_dr().
 */
#include <linux/ip.h>
#include <linux/icmp.h>
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
 * Route to the real server, from the dest's per-CPU cache when still valid
 * (dst_cache checks the route's generation), else from the FIB. Returns a
 * held route or NULL (drop counted). The route depends on the dest only,
 * not on the packet, so one cache per dest serves every flow.
 */
static struct rtable *l4lb_route_dest(struct l4lb_net *ln,
				      struct l4lb_dest *dest)
{
	struct flowi4 fl4 = {};
	struct rtable *rt;
	__be32 saddr;

	rt = dst_cache_get_ip4(&dest->dst_cache, &saddr);
	if (rt)
		return rt;

	fl4.daddr = dest->addr;
	/*
	 * The packet keeps daddr = VIP, but the next hop must be the real
	 * server: KNOWN_NH gives an uncached route whose gateway is the RIP
	 * even on a link route (otherwise the neighbour lookup would ARP
	 * for the VIP, which is our own address).
	 */
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
	dst_cache_set_ip4(&dest->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

static unsigned int l4lb_xmit_dr(struct l4lb_net *ln, struct sk_buff *skb,
				 struct l4lb_dest *dest)
{
	struct net *net = ln->net;
	struct rtable *rt;
	unsigned int mtu;

	if (skb_ensure_writable(skb, sizeof(struct iphdr)))
		return NF_DROP;

	if (ip_hdr(skb)->ttl <= 1) {
		/* Still attached to the input route: ICMP comes from the VIP. */
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return NF_DROP;
	}

	rt = l4lb_route_dest(ln, dest);
	if (!rt)
		return NF_DROP;

	mtu = dst_mtu(&rt->dst);
	if (l4lb_too_big(skb, mtu)) {
		ip_rt_put(rt);
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		l4lb_count_drop(ln, L4LB_DROP_MTU);
		return NF_DROP;
	}

	/* Early demux may have attached a local socket; it is not ours. */
	skb_orphan(skb);
	ip_decrease_ttl(ip_hdr(skb));
	skb_forward_csum(skb);
	/* An rx timestamp would be read as a departure time by fq/EDT. */
	skb_clear_tstamp(skb);

	/*
	 * Untrack: otherwise a MASQUERADE/SNAT rule on the balancer could
	 * rewrite the client address of DR traffic. nf_ct_set() is inline,
	 * so this adds no dependency on the conntrack module.
	 */
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);

	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	IPCB(skb)->flags |= IPSKB_FORWARDED;

	/* ip_output(): POSTROUTING, fragmentation of non-DF packets, L2. */
	dst_output(net, NULL, skb);
	return NF_STOLEN;
}

unsigned int l4lb_xmit(struct l4lb_net *ln, struct sk_buff *skb,
		       struct l4lb_dest *dest)
{
	switch (dest->fwd) {
	case L4LB_FWD_DR:
		return l4lb_xmit_dr(ln, skb, dest);
	default:
		/* Unreachable: other methods are refused at configuration. */
		return NF_DROP;
	}
}
