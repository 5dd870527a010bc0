// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks, IPv4 (the core: hooks.c).
 *
 * PREROUTING, last: the fast path for clients' TCP and UDP packets of a
 * service. It skips the input route lookup and local delivery that bring
 * such packets to LOCAL_IN, but only where skipping them changes nothing
 * (l4lb_fast_path_ok()). Everything else, and whatever the transmitter
 * hands back because it needs an ICMP error sent from the input route,
 * goes on to LOCAL_IN, where the same code handles it. PREROUTING's own
 * chains (raw, conntrack, mangle, DNAT) still run first. Real servers'
 * NAT packets likewise, on their flow's cached route (l4lb_reply_early()).
 *
 * LOCAL_IN and FORWARD: as the core describes; reassembly for LOCAL_IN
 * is the stack's (ip_local_deliver()), for FORWARD nf_defrag_ipv4's.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/inetdevice.h>
#include <linux/xfrm.h>
#include <linux/hash.h>
#include <net/ip.h>
#include <net/ip_fib.h>
#include "l4lb.h"

#define L4LB_PRI_LOCAL_IN	(NF_IP_PRI_NAT_SRC - 2)

/*
 * Parses an IPv4 TCP or UDP packet that is not a later fragment (which
 * carries no ports: we cannot tell if it is ours) into @pkt; false if it
 * is none.
 */
static bool l4lb_pkt_parse4(const struct sk_buff *skb, struct l4lb_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);
	const __be16 *ports;
	__be16 buf[2];

	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return false;
	if (iph->frag_off & htons(IP_OFFSET))
		return false;
	pkt->l4off = ip_hdrlen(skb);
	ports = skb_header_pointer(skb, pkt->l4off, sizeof(buf), buf);
	if (!ports)
		return false;
	pkt->family = AF_INET;
	pkt->protocol = iph->protocol;
	l4lb_addr_set4(&pkt->saddr, iph->saddr);
	l4lb_addr_set4(&pkt->daddr, iph->daddr);
	pkt->sport = ports[0];
	pkt->dport = ports[1];
	return true;
}

/* The service @pkt (of @skb) is for, by its mark or address, or NULL. */
static struct l4lb_service *l4lb_pkt_service4(struct l4lb_net *ln,
					      const struct sk_buff *skb,
					      const struct l4lb_pkt *pkt)
{
	return l4lb_svc_lookup_pkt(ln, AF_INET, pkt->protocol, &pkt->daddr,
				   pkt->dport, skb->mark);
}

/*
 * The reverse-path filter's mode as fib_validate_source() applies it:
 * 1 is strict, any other value but 0 loose (the sysctl takes any int).
 */
static u8 l4lb_rpf_mode(struct in_device *in_dev)
{
	int rpf = IN_DEV_RPFILTER(in_dev);

	return rpf == 1 ? 1 : rpf ? 2 : 0;
}

/*
 * LOCAL_IN: the input route accepted @skb, so its flow may be stamped
 * (L4LB_ADDRS_ROUTED) with the route's generation, the device and its
 * reverse-path filter. Not when the balancer sent it itself (over
 * loopback: no input route), when the filter's lookup took its TOS into
 * account, or when the device's index does not fit a stamp.
 */
static void l4lb_pkt_routed(struct l4lb_flow_in *in, struct sk_buff *skb)
{
	const struct rtable *rt = skb_rtable(skb);
	struct in_device *in_dev = __in_dev_get_rcu(skb->dev);

	in->addrs = L4LB_ADDRS_CHECKED;
	if (!rt || !rt_is_input_route(rt) || !in_dev ||
	    l4lb_tos_routed(ip_hdr(skb)) ||
	    skb->dev->ifindex > L4LB_STAMP_IIF_MAX)
		return;
	in->addrs = L4LB_ADDRS_ROUTED;
	in->route_genid = rt->rt_genid;
	in->rpf = l4lb_rpf_mode(in_dev);
}

/*
 * Client addresses found not local, per CPU. A new flow's check of its
 * source misses the address hash and falls back to a FIB lookup of the
 * local table (about 300 instructions, most of a new flow's extra cost
 * over plain forwarding), and most new flows come from a client seen
 * just before. Keyed by the namespace's cookie (never reused, unlike its
 * address) and stamped with the routing generation, which any address
 * change bumps. Softirq only: the CPU's own entries, unshared.
 */
struct l4lb_remote_src {
	u64	net_cookie;
	__be32	addr;
	int	genid;
};

#define L4LB_REMOTE_SRC_BITS	6
static DEFINE_PER_CPU(struct l4lb_remote_src[1 << L4LB_REMOTE_SRC_BITS],
		      l4lb_remote_srcs);

static bool l4lb_remote_src(struct net *net, __be32 addr, int genid)
{
	struct l4lb_remote_src *s;

	s = this_cpu_ptr(&l4lb_remote_srcs[hash_32((__force u32)addr,
						   L4LB_REMOTE_SRC_BITS)]);
	if (s->addr == addr && s->genid == genid &&
	    s->net_cookie == net->net_cookie)
		return true;
	if (__ip_dev_find(net, addr, false))
		return false;
	s->net_cookie = net->net_cookie;
	s->addr = addr;
	s->genid = genid;
	return true;
}

/*
 * Whether the input route would find the flow's VIP local and accept its
 * client's address as not local without a FIB lookup of it: what
 * fib_validate_source() checks when there is no reverse-path filter, no
 * routing realms and no policy rules. The answer only changes with the
 * routes and addresses, so the flow step keeps it per flow, stamped with
 * rt_genid_ipv4(). With a reverse-path filter, only the input route can
 * tell, by the device: the flow's first packet from a device takes it,
 * and LOCAL_IN stamps the flow with the device and the route's
 * generation, as a TCP socket keeps its input route for packets from one
 * device (early demux).
 */
static bool l4lb_flow_addrs_check(struct net *net,
				  const struct l4lb_flow_in *in)
{
	return __ip_dev_find(net, in->vaddr.ip, false) &&
	       l4lb_remote_src(net, in->caddr.ip, in->genid);
}

/*
 * A client's packet @pkt to @svc; @in comes with what is known of its
 * addresses (enum l4lb_addrs). On to the core (hooks.c).
 */
static unsigned int l4lb_client_pkt4(struct l4lb_net *ln,
				     struct l4lb_service *svc,
				     struct sk_buff *skb,
				     const struct l4lb_pkt *pkt, int flags,
				     bool early, struct l4lb_flow_in *in)
{
	/* Read before checking: a change meanwhile leaves the stamp stale. */
	in->genid = rt_genid_ipv4(ln->net);
	in->addrs_check = l4lb_flow_addrs_check;
	return l4lb_client_pkt(ln, svc, skb, pkt, flags, early, in);
}

/*
 * What both fast paths ask of a packet's input route: that a flow's
 * packets from one device all get the same answer from it. That rules
 * out policy rules and realms (they look at marks, TOS and more), and a
 * reverse-path filter that takes marks into account. A packet with skb
 * extensions goes the usual way too: br_netfilter runs the IPv4
 * PREROUTING hooks on frames still inside the bridge (its state rides
 * along in one), and IPsec's decapsulated packets carry their security
 * path in one. Returns the device's in_device, or NULL.
 */
static struct in_device *l4lb_input_route_steady(struct net *net,
						 struct sk_buff *skb)
{
	struct in_device *in_dev;

	if (skb->pkt_type != PACKET_HOST || skb_has_extensions(skb) ||
	    fib_num_tclassid_users(net) || fib4_has_custom_rules(net))
		return NULL;
	in_dev = __in_dev_get_rcu(skb->dev);
	if (in_dev && IN_DEV_RPFILTER(in_dev) && IN_DEV_SRC_VMARK(in_dev))
		return NULL;
	return in_dev;
}

/*
 * Whether a packet to a service may leave from PREROUTING with the same
 * outcome as through LOCAL_IN. That holds when the input route would
 * accept it as local, which the flow step works out as @in->addrs says,
 * and no LOCAL_IN hook runs before ours: iptables' or nftables' INPUT
 * filter, mangle or security chains must see the packet as they do with
 * IPVS. The hooks are sorted by priority, so only the first needs a look.
 */
static bool l4lb_fast_path_ok(struct net *net, struct sk_buff *skb,
			      const struct iphdr *iph, struct l4lb_flow_in *in)
{
	const enum nf_inet_hooks in_hook = NF_INET_LOCAL_IN;
	struct in_device *in_dev;
	__be32 saddr = iph->saddr;

	if (!l4lb_local_in_first(rcu_dereference(net->nf.hooks_ipv4[in_hook]),
				 L4LB_PRI_LOCAL_IN))
		return false;

	if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	    ipv4_is_zeronet(saddr) || ipv4_is_loopback(saddr))
		return false;
	in_dev = l4lb_input_route_steady(net, skb);
	if (!in_dev || net->ipv4.fib_has_custom_local_routes ||
	    skb->dev->ifindex > L4LB_STAMP_IIF_MAX)
		return false;
	in->rpf = l4lb_rpf_mode(in_dev);
	if (in->rpf) {
		in->addrs = L4LB_ADDRS_RPF;
		return !l4lb_tos_routed(iph);
	}
	if (!IN_DEV_ACCEPT_LOCAL(in_dev)) {
		in->addrs = L4LB_ADDRS_CHECK;
		return true;
	}
	/* Rare: a local source is allowed, and the flows' stamps assume not. */
	in->addrs = L4LB_ADDRS_CHECKED;
	return __ip_dev_find(net, iph->daddr, false);
}

/* IPsec policies that ip_forward() would apply to a forwarded packet. */
static bool l4lb_xfrm_forward_policies(const struct net *net)
{
#ifdef CONFIG_XFRM
	return READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_FWD]) ||
	       READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_OUT]);
#else
	return false;
#endif
}

/*
 * Whether a real server's packet to a client may leave from PREROUTING
 * on its flow's cached route (l4lb_reply_route()) with the same outcome
 * as through the input route, ip_forward() and FORWARD. That holds when
 * no FORWARD hook but ours would see it (the FORWARD filter must see it
 * as it does with IPVS), the input route would answer as it did for the
 * flow (l4lb_input_route_steady(); a reverse-path filter is the caller's
 * to check), the device forwards, and no IPsec policy applies to
 * forwarding. Options and TTL 1 need ip_forward() itself. Returns the
 * device's in_device, or NULL.
 */
static struct in_device *l4lb_reply_fast_ok(struct net *net,
					    struct sk_buff *skb,
					    const struct iphdr *iph)
{
	const struct nf_hook_entries *e;
	struct in_device *in_dev;

	e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_FORWARD]);
	if (!e || e->num_hook_entries != 1)
		return NULL;
	if (iph->ihl != 5 || l4lb_xfrm_forward_policies(net))
		return NULL;
	in_dev = l4lb_input_route_steady(net, skb);
	return in_dev && IN_DEV_FORWARD(in_dev) ? in_dev : NULL;
}

/*
 * PREROUTING, NAT: a real server's packet to a client, on the route its
 * flow's earlier replies took. The first reply of a flow, and any that
 * cannot be sent this way, go on to FORWARD (l4lb_forward4()), which
 * caches the route.
 */
static unsigned int l4lb_reply_early(struct l4lb_net *ln,
				     struct sk_buff *skb,
				     const struct l4lb_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_reply_pkt rp;
	struct in_device *in_dev;
	struct dst_entry *dst;
	struct l4lb_conn *c;
	int flags;

	if (!atomic_read(&ln->nat_dest_count))
		return NF_ACCEPT;
	in_dev = l4lb_reply_fast_ok(ln->net, skb, iph);
	if (!in_dev)
		return NF_ACCEPT;
	l4lb_reply_pkt_fill(&rp, pkt);
	c = l4lb_conn_find_reply(ln->net, &rp);
	if (!c)
		return NF_ACCEPT;
	if (IN_DEV_RPFILTER(in_dev) && !l4lb_reply_rpf_ok(c, skb))
		return NF_ACCEPT;
	dst = l4lb_reply_route(c, skb);
	/* A redirect back out of the interface it came in: ip_forward(). */
	if (!dst || (dst->dev == skb->dev && IN_DEV_TX_REDIRECTS(in_dev)))
		return NF_ACCEPT;
	/* FORWARD counts and drops what is malformed. */
	flags = l4lb_l4_flags(skb, pkt->l4off, pkt->protocol);
	if (flags < 0)
		return NF_ACCEPT;
	rp.tcp_flags = flags;
	l4lb_conn_reply_seen(ln, c, &rp, l4lb_skb_segs(skb), skb->len);
	l4lb_stats_inc(&ln->ctrs, L4LB_FAST_REPLY);
	return l4lb_nat_reply_xmit(ln, skb, c, dst);
}

static unsigned int l4lb_prerouting4(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_flow_in in = {};
	struct l4lb_service *svc;
	struct l4lb_pkt pkt;
	int flags;

	if (!READ_ONCE(ln->svc_count) || !READ_ONCE(l4lb_fast_path))
		return NF_ACCEPT;
	/*
	 * Fragments are reassembled later; TTL 1 needs an ICMP. IP options
	 * need the input route's checks (ip_rcv_options(): source routes
	 * the device refuses, malformed options): a client's packet with
	 * any takes LOCAL_IN, as a real server's does ip_forward().
	 */
	if (iph->ihl != 5 || ip_is_fragment(iph) || iph->ttl <= 1 ||
	    !l4lb_pkt_parse4(skb, &pkt))
		return NF_ACCEPT;
	svc = l4lb_pkt_service4(ln, skb, &pkt);
	if (!svc)
		return l4lb_reply_early(ln, skb, &pkt);
	if (!l4lb_fast_path_ok(state->net, skb, iph, &in))
		return NF_ACCEPT;
	/* LOCAL_IN counts and drops what is malformed. */
	flags = l4lb_l4_flags(skb, pkt.l4off, pkt.protocol);
	if (flags < 0)
		return NF_ACCEPT;
	return l4lb_client_pkt4(ln, svc, skb, &pkt, flags, true, &in);
}

static unsigned int l4lb_local_in4(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_flow_in in = {};
	struct l4lb_service *svc;
	struct l4lb_pkt pkt;
	int flags;

	if (!READ_ONCE(ln->svc_count))
		return NF_ACCEPT;
	if (iph->protocol == IPPROTO_ICMP)
		return l4lb_icmp_in(ln, skb);
	if (!l4lb_pkt_parse4(skb, &pkt))
		return NF_ACCEPT;
	svc = l4lb_pkt_service4(ln, skb, &pkt);
	if (!svc)
		return NF_ACCEPT;

	/*
	 * Ours from here on. LOCAL_IN sees reassembled packets, so a
	 * fragment here is anomalous; so is a truncated L4 header.
	 */
	flags = l4lb_l4_flags(skb, pkt.l4off, pkt.protocol);
	if (ip_is_fragment(iph) || flags < 0) {
		l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
		return NF_DROP;
	}

	l4lb_pkt_routed(&in, skb);
	return l4lb_client_pkt4(ln, svc, skb, &pkt, flags, false, &in);
}

static unsigned int l4lb_forward4(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_pkt pkt;
	struct l4lb_conn *c;
	unsigned int verdict;

	if (!atomic_read(&ln->nat_dest_count))
		return NF_ACCEPT;
	if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
		return l4lb_icmp_reply(ln, skb);
	if (!l4lb_pkt_parse4(skb, &pkt))
		return NF_ACCEPT;
	verdict = l4lb_server_pkt(ln, skb, &pkt, ip_is_fragment(ip_hdr(skb)),
				  &c);
	if (c && verdict == NF_ACCEPT)
		l4lb_reply_route_save(c, skb);
	return verdict;
}

const struct nf_hook_ops l4lb_nf_ops4[] = {
	{
		.hook		= l4lb_prerouting4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_LAST,
	},
	{
		.hook		= l4lb_local_in4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= L4LB_PRI_LOCAL_IN,
	},
	{
		.hook		= l4lb_forward4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
};

const unsigned int l4lb_nf_ops4_count = ARRAY_SIZE(l4lb_nf_ops4);
