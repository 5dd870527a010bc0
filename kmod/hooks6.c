// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks, IPv6 (the core: hooks.c).
 *
 * PREROUTING, last: the fast path for clients' TCP and UDP packets of a
 * service, by hooks4.c's rule: it skips the input route and local
 * delivery only where skipping them changes nothing
 * (l4lb_fast_path_ok6()), and leaves everything else, and what the
 * transmitter hands back to send an ICMPv6 error from the input route, to
 * LOCAL_IN. nf_defrag_ipv6 reassembles before it (main.c,
 * L4LB_NEED_INET6): IPv6 reassembles a local packet only after LOCAL_IN,
 * and a forwarded one never.
 *
 * LOCAL_IN and FORWARD: as the core describes. Real servers' NAT packets
 * always take FORWARD (no reply route cache for IPv6 yet).
 */
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/ip6_fib.h>
#include "l4lb.h"

#define L4LB_PRI_LOCAL_IN6	(NF_IP6_PRI_NAT_SRC - 2)

/*
 * Whether @skb carries a routing header with segments left: the stack
 * forwards it on to the next one, it is not for this host to answer.
 */
static bool l4lb_routed_on6(const struct sk_buff *skb)
{
	const struct ipv6_rt_hdr *rh;
	struct ipv6_rt_hdr _rh;
	unsigned int off = 0;

	if (ipv6_find_hdr(skb, &off, NEXTHDR_ROUTING, NULL, NULL) < 0)
		return false;
	rh = skb_header_pointer(skb, off, sizeof(_rh), &_rh);
	return !rh || rh->segments_left;
}

/*
 * The upper-layer header of @skb, past any extension headers: its offset
 * and *@protocol, or -1 if there is none to look at. *@frag_off: the
 * fragment header's offset field and flags, 0 if there is none.
 */
static int l4lb_l4_find6(const struct sk_buff *skb, u8 *protocol,
			 __be16 *frag_off)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int off = skb_network_offset(skb) + sizeof(struct ipv6hdr);

	*frag_off = 0;
	if (ipv6_ext_hdr(nexthdr)) {
		off = ipv6_skip_exthdr(skb, off, &nexthdr, frag_off);
		if (off < 0 || l4lb_routed_on6(skb))
			return -1;
	}
	*protocol = nexthdr;
	return off;
}

/*
 * Parses the TCP or UDP packet whose header is at @l4off into @pkt; false
 * if it is none, or a later fragment (which carries no ports: we cannot
 * tell if it is ours).
 */
static bool l4lb_pkt_parse6(const struct sk_buff *skb, unsigned int l4off,
			    u8 protocol, __be16 frag_off,
			    struct l4lb_pkt *pkt)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const __be16 *ports;
	__be16 buf[2];

	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return false;
	if (frag_off & htons(IP6_OFFSET))
		return false;
	ports = skb_header_pointer(skb, l4off, sizeof(buf), buf);
	if (!ports)
		return false;
	pkt->family = AF_INET6;
	pkt->protocol = protocol;
	pkt->l4off = l4off;
	l4lb_addr_set6(&pkt->saddr, &ip6h->saddr);
	l4lb_addr_set6(&pkt->daddr, &ip6h->daddr);
	pkt->sport = ports[0];
	pkt->dport = ports[1];
	return true;
}

/* The service @pkt (of @skb) is for, by its mark or address, or NULL. */
static struct l4lb_service *l4lb_pkt_service6(struct l4lb_net *ln,
					      const struct sk_buff *skb,
					      const struct l4lb_pkt *pkt)
{
	return l4lb_svc_lookup_pkt(ln, AF_INET6, pkt->protocol, &pkt->daddr,
				   pkt->dport, skb->mark);
}

/*
 * Whether the input route would find the flow's VIP local: per flow, when
 * its stamp of the fib6 serial number (which every route or address
 * change bumps) is stale. IPv6's input route has no martian-source or
 * reverse-path check to keep: ip6_rcv_core() drops multicast and
 * loopback sources before PREROUTING, and the rpfilter match lives in
 * PREROUTING's own chains, which have run.
 */
static bool l4lb_flow_addrs_check6(struct net *net,
				   const struct l4lb_flow_in *in)
{
	return ipv6_chk_addr(net, &in->vaddr.in6, NULL, 0);
}

/*
 * Whether a client's packet may leave from PREROUTING with the same
 * outcome as through the input route and LOCAL_IN: no LOCAL_IN hook runs
 * before ours (iptables' or nftables' INPUT filter, mangle or security
 * chains must see it as they do with IPVS; the hooks are sorted by
 * priority, so only the first needs a look), and the input route gives
 * every packet of a flow the same answer: a frame for this host, no
 * policy rules (they look at marks, sources and more; a VRF adds one),
 * no skb extensions (br_netfilter's frames still inside a bridge, IPsec's
 * decapsulated packets).
 */
static bool l4lb_fast_path_ok6(struct net *net, struct sk_buff *skb)
{
	const enum nf_inet_hooks in_hook = NF_INET_LOCAL_IN;

	return l4lb_local_in_first(rcu_dereference(net->nf.hooks_ipv6[in_hook]),
				   L4LB_PRI_LOCAL_IN6) &&
	       skb->pkt_type == PACKET_HOST && !skb_has_extensions(skb) &&
	       !fib6_has_custom_rules(net) &&
	       skb->dev->ifindex <= L4LB_STAMP_IIF_MAX;
}

static unsigned int l4lb_prerouting6(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct l4lb_flow_in in = {};
	struct l4lb_service *svc;
	struct l4lb_pkt pkt;
	int flags;

	if (!READ_ONCE(ln->svc_count) || !READ_ONCE(l4lb_fast_path))
		return NF_ACCEPT;
	/*
	 * Only TCP or UDP right after the IPv6 header: extension headers
	 * need the stack's walk (a routing header sends the packet on), hop
	 * limit 1 an ICMPv6 error from the input route.
	 */
	if (ip6h->hop_limit <= 1 ||
	    !l4lb_pkt_parse6(skb, skb_network_offset(skb) + sizeof(*ip6h),
			     ip6h->nexthdr, 0, &pkt))
		return NF_ACCEPT;
	svc = l4lb_pkt_service6(ln, skb, &pkt);
	if (!svc || !l4lb_fast_path_ok6(state->net, skb))
		return NF_ACCEPT;
	/* LOCAL_IN counts and drops what is malformed. */
	flags = l4lb_l4_flags(skb, pkt.l4off, pkt.protocol);
	if (flags < 0)
		return NF_ACCEPT;
	/* Read before checking: a change meanwhile leaves the stamp stale. */
	in.genid = rt_genid_ipv6(state->net);
	in.addrs = L4LB_ADDRS_CHECK;
	in.addrs_check = l4lb_flow_addrs_check6;
	return l4lb_client_pkt(ln, svc, skb, &pkt, flags, true, &in);
}

static unsigned int l4lb_local_in6(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_flow_in in = {};
	struct l4lb_service *svc;
	struct l4lb_pkt pkt;
	__be16 frag_off;
	u8 protocol;
	int off, flags;

	if (!READ_ONCE(ln->svc_count))
		return NF_ACCEPT;
	off = l4lb_l4_find6(skb, &protocol, &frag_off);
	if (off < 0)
		return NF_ACCEPT;
	if (protocol == IPPROTO_ICMPV6)
		return frag_off ? NF_ACCEPT : l4lb_icmp6_in(ln, skb, off);
	if (!l4lb_pkt_parse6(skb, off, protocol, frag_off, &pkt))
		return NF_ACCEPT;
	svc = l4lb_pkt_service6(ln, skb, &pkt);
	if (!svc)
		return NF_ACCEPT;

	/*
	 * Ours from here on. nf_defrag_ipv6 reassembled at PREROUTING, so
	 * a fragment here is anomalous; so is a truncated L4 header.
	 */
	flags = l4lb_l4_flags(skb, pkt.l4off, pkt.protocol);
	if (frag_off != 0 || flags < 0) {
		l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
		return NF_DROP;
	}

	/*
	 * The input route accepted it. No stamp: the fast path checks the
	 * VIP itself once per flow and generation.
	 */
	in.addrs = L4LB_ADDRS_CHECKED;
	return l4lb_client_pkt(ln, svc, skb, &pkt, flags, false, &in);
}

static unsigned int l4lb_forward6(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_pkt pkt;
	struct l4lb_conn *c;
	__be16 frag_off;
	u8 protocol;
	int off;

	if (!atomic_read(&ln->nat_dest_count))
		return NF_ACCEPT;
	off = l4lb_l4_find6(skb, &protocol, &frag_off);
	if (off < 0)
		return NF_ACCEPT;
	if (protocol == IPPROTO_ICMPV6)
		return frag_off ? NF_ACCEPT : l4lb_icmp6_reply(ln, skb, off);
	if (!l4lb_pkt_parse6(skb, off, protocol, frag_off, &pkt))
		return NF_ACCEPT;
	return l4lb_server_pkt(ln, skb, &pkt, frag_off != 0, &c);
}

const struct nf_hook_ops l4lb_nf_ops6[] = {
	{
		.hook		= l4lb_prerouting6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_LAST,
	},
	{
		.hook		= l4lb_local_in6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= L4LB_PRI_LOCAL_IN6,
	},
	{
		.hook		= l4lb_forward6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP6_PRI_NAT_SRC - 1,
	},
};

const unsigned int l4lb_nf_ops6_count = ARRAY_SIZE(l4lb_nf_ops6);
