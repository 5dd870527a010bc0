// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks.
 *
 * PREROUTING, last: the fast path for clients' TCP and UDP packets of a
 * service. It skips the input route lookup and local delivery that bring
 * such packets to LOCAL_IN, but only where skipping them changes nothing
 * (l4lb_fast_path_ok()). Everything else, and whatever the transmitter
 * hands back because it needs an ICMP error sent from the input route,
 * goes on to LOCAL_IN, where the same code handles it. PREROUTING's own
 * chains (raw, conntrack, mangle, DNAT) still run first.
 *
 * LOCAL_IN: traffic to a VIP (a local address of the balancer), after
 * reassembly and after iptables' INPUT filter, and before SNAT at LOCAL_IN
 * and conntrack confirmation. Clients' packets of a service, and ICMP
 * errors about packets a service's flows sent to their clients.
 *
 * FORWARD (NAT): real servers' packets on their way back to the client,
 * and ICMP errors about what the balancer sent to a real server, after
 * ip_forward()'s TTL and MTU checks and the FORWARD filter (as with IPVS,
 * the filter sees the real server's address), before POSTROUTING's SNAT.
 *
 * A netns is hooked from its first service on, until it goes away (as
 * IPVS does): a netns that never has one (a container, the clients and
 * servers of a test) runs none of this per packet, where hooks in every
 * netns cost each a hook call at three hook points per packet.
 * Not unhooked when its last service goes: NAT flows of deleted services
 * still need their replies translated until they expire, and hooking on
 * and off with the configuration would flip netfilter's static keys
 * under traffic.
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

bool l4lb_fast_path = true;

static u8 l4lb_tcp_flags(const struct tcphdr *th)
{
	u8 flags = 0;

	if (th->syn)
		flags |= L4LB_TCP_SYN;
	if (th->ack)
		flags |= L4LB_TCP_ACK;
	if (th->fin)
		flags |= L4LB_TCP_FIN;
	if (th->rst)
		flags |= L4LB_TCP_RST;
	return flags;
}

/*
 * The TCP flags of the TCP or UDP packet whose header is at @l4off, or
 * -EINVAL if the header is truncated or inconsistent.
 */
static int l4lb_l4_flags(const struct sk_buff *skb, unsigned int l4off,
			 u8 protocol)
{
	if (protocol == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, l4off, sizeof(_th), &_th);
		if (!th || th->doff < sizeof(_th) / 4 ||
		    skb->len < l4off + th->doff * 4)
			return -EINVAL;
		return l4lb_tcp_flags(th);
	}
	if (skb->len < l4off + sizeof(struct udphdr))
		return -EINVAL;
	return 0;
}

/* The ports of an unfragmented TCP or UDP packet, or NULL. */
static const __be16 *l4lb_ports(const struct sk_buff *skb, __be16 *buf)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return NULL;
	/* Not-first fragments carry no ports: we cannot tell if it's ours. */
	if (iph->frag_off & htons(IP_OFFSET))
		return NULL;
	return skb_header_pointer(skb, ip_hdrlen(skb), 2 * sizeof(*buf), buf);
}

/* Copies the ports of an unfragmented TCP or UDP packet; false if none. */
static bool l4lb_copy_ports(const struct sk_buff *skb, __be16 ports[2])
{
	__be16 buf[2];
	const __be16 *p = l4lb_ports(skb, buf);

	if (!p)
		return false;
	ports[0] = p[0];
	ports[1] = p[1];
	return true;
}

/* The service of an IPv4 packet to @daddr:@dport, or NULL. */
static struct l4lb_service *l4lb_svc_lookup4(struct l4lb_net *ln,
					     u8 protocol, __be32 daddr,
					     __be16 dport)
{
	struct l4lb_svc_key key = {
		.port		= dport,
		.protocol	= protocol,
		.family		= AF_INET,
	};

	l4lb_addr_set4(&key.addr, daddr);
	return l4lb_svc_lookup_rcu(ln, &key);
}

/*
 * The service a client's TCP or UDP packet is addressed to, or NULL;
 * @ports gets the packet's source and destination ports.
 */
static struct l4lb_service *l4lb_pkt_service(struct l4lb_net *ln,
					     const struct sk_buff *skb,
					     __be16 ports[2])
{
	if (!l4lb_copy_ports(skb, ports))
		return NULL;
	return l4lb_svc_lookup4(ln, ip_hdr(skb)->protocol, ip_hdr(skb)->daddr,
				ports[1]);
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
static void l4lb_pkt_routed(struct l4lb_flow_in *pkt, struct sk_buff *skb)
{
	const struct rtable *rt = skb_rtable(skb);
	struct in_device *in_dev = __in_dev_get_rcu(skb->dev);

	pkt->addrs = L4LB_ADDRS_CHECKED;
	if (!rt || !rt_is_input_route(rt) || !in_dev ||
	    l4lb_tos_routed(ip_hdr(skb)) ||
	    skb->dev->ifindex > L4LB_STAMP_IIF_MAX)
		return;
	pkt->addrs = L4LB_ADDRS_ROUTED;
	pkt->route_genid = rt->rt_genid;
	pkt->rpf = l4lb_rpf_mode(in_dev);
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
 * A client's packet to @svc, from its source and destination ports on;
 * @pkt comes with what is known of its addresses (enum l4lb_addrs). The
 * flow step decides, the transmitter sends.
 *
 * An @early packet (PREROUTING) that the flow step leaves to the input
 * route, or that the transmitter hands back (NF_ACCEPT: it needs an ICMP
 * error), is not counted here: LOCAL_IN sees it again, finds the entry
 * the flow step made or refreshed, and counts it then. A TCP packet that
 * is not ours is counted at LOCAL_IN, which sees it last; the local stack
 * resets it.
 */
static unsigned int l4lb_client_pkt(struct l4lb_net *ln,
				    struct l4lb_service *svc,
				    struct sk_buff *skb, const __be16 *ports,
				    int flags, bool early,
				    struct l4lb_flow_in *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int segs, len, verdict;
	struct l4lb_decision d;

	pkt->family = AF_INET;
	pkt->protocol = iph->protocol;
	pkt->caddr.ip = iph->saddr;
	pkt->vaddr.ip = iph->daddr;
	pkt->cport = ports[0];
	pkt->vport = ports[1];
	pkt->tcp_flags = flags;
	pkt->iif = skb->dev->ifindex;
	/* Read before checking: a change meanwhile leaves the stamp stale. */
	pkt->genid = rt_genid_ipv4(ln->net);
	pkt->addrs_check = l4lb_flow_addrs_check;

	switch (l4lb_flow_step(ln, svc, pkt, &d)) {
	case L4LB_FLOW_XMIT:
		break;
	case L4LB_FLOW_NOT_OURS:
		if (!early)
			l4lb_stats_inc(&ln->ctrs, L4LB_CTR_NOT_SYN);
		return NF_ACCEPT;
	case L4LB_FLOW_INPUT_ROUTE:
		return NF_ACCEPT;
	default:
		return NF_DROP;
	}

	/* The skb may be gone after: its size is read before. */
	segs = l4lb_skb_segs(skb);
	len = skb->len;
	verdict = l4lb_xmit(ln, skb, &d, early);
	if (verdict == NF_ACCEPT) {
		/* Handed back: LOCAL_IN sees this very packet again. */
		if (early)
			l4lb_flow_handed_back(ln, pkt);
		return verdict;
	}
	l4lb_count(&svc->stats, L4LB_CTR_PKTS_IN, segs, len);
	l4lb_count(&d.dest->stats, L4LB_CTR_PKTS_IN, segs, len);
	if (early)
		l4lb_stats_inc(&ln->ctrs, L4LB_FAST_CLIENT);
	return verdict;
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
 * accept it as local, which the flow step works out as @pkt->addrs says,
 * and no LOCAL_IN hook runs before ours: iptables' or nftables' INPUT
 * filter, mangle or security chains must see the packet as they do with
 * IPVS. The hooks are sorted by priority, so only the first needs a look.
 */
static bool l4lb_fast_path_ok(struct net *net, struct sk_buff *skb,
			      const struct iphdr *iph, struct l4lb_flow_in *pkt)
{
	const struct nf_hook_entries *e;
	struct in_device *in_dev;
	__be32 saddr = iph->saddr;

	e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_LOCAL_IN]);
	if (!e || !e->num_hook_entries ||
	    nf_hook_entries_get_hook_ops(e)[0]->priority < L4LB_PRI_LOCAL_IN)
		return false;

	if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	    ipv4_is_zeronet(saddr) || ipv4_is_loopback(saddr))
		return false;
	in_dev = l4lb_input_route_steady(net, skb);
	if (!in_dev || net->ipv4.fib_has_custom_local_routes ||
	    skb->dev->ifindex > L4LB_STAMP_IIF_MAX)
		return false;
	pkt->rpf = l4lb_rpf_mode(in_dev);
	if (pkt->rpf) {
		pkt->addrs = L4LB_ADDRS_RPF;
		return !l4lb_tos_routed(iph);
	}
	if (!IN_DEV_ACCEPT_LOCAL(in_dev)) {
		pkt->addrs = L4LB_ADDRS_CHECK;
		return true;
	}
	/* Rare: a local source is allowed, and the flows' stamps assume not. */
	pkt->addrs = L4LB_ADDRS_CHECKED;
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

static void l4lb_reply_pkt_fill(struct l4lb_reply_pkt *rp,
				const struct iphdr *iph, const __be16 *ports)
{
	rp->family = AF_INET;
	rp->protocol = iph->protocol;
	l4lb_addr_set4(&rp->raddr, iph->saddr);
	rp->rport = ports[0];
	l4lb_addr_set4(&rp->caddr, iph->daddr);
	rp->cport = ports[1];
}

/*
 * PREROUTING, NAT: a real server's packet to a client, on the route its
 * flow's earlier replies took. The first reply of a flow, and any that
 * cannot be sent this way, go on to FORWARD (l4lb_forward()), which
 * caches the route.
 */
static unsigned int l4lb_reply_early(struct l4lb_net *ln,
				     struct sk_buff *skb, const __be16 *ports)
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
	l4lb_reply_pkt_fill(&rp, iph, ports);
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
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (flags < 0)
		return NF_ACCEPT;
	rp.tcp_flags = flags;
	l4lb_conn_reply_seen(ln, c, &rp, l4lb_skb_segs(skb), skb->len);
	l4lb_stats_inc(&ln->ctrs, L4LB_FAST_REPLY);
	return l4lb_nat_reply_xmit(ln, skb, c, dst);
}

static unsigned int l4lb_prerouting(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_flow_in pkt = {};
	struct l4lb_service *svc;
	__be16 ports[2];
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
	    !l4lb_copy_ports(skb, ports))
		return NF_ACCEPT;
	svc = l4lb_svc_lookup4(ln, iph->protocol, iph->daddr, ports[1]);
	if (!svc)
		return l4lb_reply_early(ln, skb, ports);
	if (!l4lb_fast_path_ok(state->net, skb, iph, &pkt))
		return NF_ACCEPT;
	/* LOCAL_IN counts and drops what is malformed. */
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (flags < 0)
		return NF_ACCEPT;
	return l4lb_client_pkt(ln, svc, skb, ports, flags, true, &pkt);
}

static unsigned int l4lb_local_in(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_flow_in pkt = {};
	struct l4lb_service *svc;
	__be16 ports[2];
	int flags;

	if (!READ_ONCE(ln->svc_count))
		return NF_ACCEPT;
	if (iph->protocol == IPPROTO_ICMP)
		return l4lb_icmp_in(ln, skb);
	svc = l4lb_pkt_service(ln, skb, ports);
	if (!svc)
		return NF_ACCEPT;

	/*
	 * Ours from here on. LOCAL_IN sees reassembled packets, so a
	 * fragment here is anomalous; so is a truncated L4 header.
	 */
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (ip_is_fragment(iph) || flags < 0) {
		l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
		return NF_DROP;
	}

	l4lb_pkt_routed(&pkt, skb);
	return l4lb_client_pkt(ln, svc, skb, ports, flags, false, &pkt);
}

static unsigned int l4lb_forward(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph;
	struct l4lb_reply_pkt rp;
	struct l4lb_conn *c;
	__be16 _ports[2];
	const __be16 *ports;
	unsigned int verdict;
	int flags;

	if (!atomic_read(&ln->nat_dest_count))
		return NF_ACCEPT;

	iph = ip_hdr(skb);
	if (iph->protocol == IPPROTO_ICMP)
		return l4lb_icmp_reply(ln, skb);
	ports = l4lb_ports(skb, _ports);
	if (!ports)
		return NF_ACCEPT;

	l4lb_reply_pkt_fill(&rp, iph, ports);
	c = l4lb_conn_find_reply(state->net, &rp);
	if (!c)
		return NF_ACCEPT;

	/* Defragmentation ran at PREROUTING: see main.c, L4LB_NEED_NAT. */
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (ip_is_fragment(iph) || flags < 0) {
		l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
		return NF_DROP;
	}
	rp.tcp_flags = flags;
	l4lb_conn_reply_seen(ln, c, &rp, l4lb_skb_segs(skb), skb->len);
	verdict = l4lb_nat_reply(ln, skb, c);
	if (verdict == NF_ACCEPT)
		l4lb_reply_route_save(c, skb);
	return verdict;
}

static const struct nf_hook_ops l4lb_nf_ops[] = {
	{
		.hook		= l4lb_prerouting,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_LAST,
	},
	{
		.hook		= l4lb_local_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= L4LB_PRI_LOCAL_IN,
	},
	{
		.hook		= l4lb_forward,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
};

/* A service is being added: hook the netns if it is not yet. */
int l4lb_hooks_ensure(struct l4lb_net *ln)
{
	int err;

	lockdep_assert_held(&ln->lock);
	if (ln->hooked)
		return 0;
	err = nf_register_net_hooks(ln->net, l4lb_nf_ops,
				    ARRAY_SIZE(l4lb_nf_ops));
	if (!err)
		ln->hooked = true;
	return err;
}

void l4lb_hooks_unregister(struct l4lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	if (!ln->hooked)
		return;
	nf_unregister_net_hooks(ln->net, l4lb_nf_ops, ARRAY_SIZE(l4lb_nf_ops));
	ln->hooked = false;
}
