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
	return l4lb_svc_lookup_rcu(ln, ip_hdr(skb)->protocol,
				   ip_hdr(skb)->daddr, ports[1]);
}

/* A client's packet to @svc, from its source and destination ports on. */
static unsigned int l4lb_client_pkt(struct l4lb_net *ln,
				    struct l4lb_service *svc,
				    struct sk_buff *skb, const __be16 *ports,
				    int flags, bool early, bool addrs_checked)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_pkt pkt = {
		.protocol	= iph->protocol,
		.caddr		= iph->saddr,
		.vaddr		= iph->daddr,
		.cport		= ports[0],
		.vport		= ports[1],
		.tcp_flags	= flags,
		.addrs_checked	= addrs_checked,
	};

	return l4lb_conn_in(ln, svc, skb, &pkt, early);
}

/*
 * Whether the input route would find @daddr local and accept @saddr as
 * not local without a FIB lookup of it: what fib_validate_source() checks
 * when there is no reverse-path filter, no routing realms and no policy
 * rules. The answer only changes with the routes and addresses, so
 * l4lb_conn_in() keeps it per flow, stamped with rt_genid_ipv4().
 */
bool l4lb_local_addrs_ok(struct net *net, __be32 saddr, __be32 daddr)
{
	return __ip_dev_find(net, daddr, false) &&
	       !__ip_dev_find(net, saddr, false);
}

/*
 * Whether a packet to a service may leave from PREROUTING with the same
 * outcome as through LOCAL_IN. That holds when the input route would
 * accept it as local without more than l4lb_local_addrs_ok()'s checks
 * (which l4lb_conn_in() makes, unless *@addrs_checked says they were made
 * here), and no LOCAL_IN hook runs before ours: iptables' or nftables'
 * INPUT filter, mangle or security chains must see the packet as they do
 * with IPVS. The hooks are sorted by priority, so only the first needs a
 * look. A packet with skb extensions goes the usual way too: br_netfilter
 * runs the IPv4 PREROUTING hooks on frames still inside the bridge (its
 * state rides along in one), and IPsec's decapsulated packets carry their
 * security path in one.
 */
static bool l4lb_fast_path_ok(struct net *net, struct sk_buff *skb,
			      const struct iphdr *iph, bool *addrs_checked)
{
	const struct nf_hook_entries *e;
	struct in_device *in_dev;
	__be32 saddr = iph->saddr;

	e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_LOCAL_IN]);
	if (!e || !e->num_hook_entries ||
	    nf_hook_entries_get_hook_ops(e)[0]->priority < L4LB_PRI_LOCAL_IN)
		return false;

	if (skb->pkt_type != PACKET_HOST || skb_has_extensions(skb) ||
	    ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	    ipv4_is_zeronet(saddr) || ipv4_is_loopback(saddr))
		return false;
	in_dev = __in_dev_get_rcu(skb->dev);
	if (!in_dev || IN_DEV_RPFILTER(in_dev) ||
	    fib_num_tclassid_users(net) ||
	    net->ipv4.fib_has_custom_local_routes ||
	    fib4_has_custom_rules(net))
		return false;
	/* Rare: a local source is allowed, and the flows' stamps assume not. */
	*addrs_checked = IN_DEV_ACCEPT_LOCAL(in_dev);
	return !*addrs_checked || __ip_dev_find(net, iph->daddr, false);
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
 * as it does with IPVS), the input route's lookup and source check
 * depend on nothing a packet of the flow can change (policy rules and
 * realms look at marks and more; the reverse-path filter, at the device),
 * the device forwards, and no IPsec policy applies to forwarding.
 * Options and TTL 1 need ip_forward() itself.
 */
static bool l4lb_reply_fast_ok(struct net *net, struct sk_buff *skb,
			       const struct iphdr *iph)
{
	const struct nf_hook_entries *e;
	struct in_device *in_dev;

	e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_FORWARD]);
	if (!e || e->num_hook_entries != 1)
		return false;
	if (skb->pkt_type != PACKET_HOST || skb_has_extensions(skb) ||
	    iph->ihl != 5 || l4lb_xfrm_forward_policies(net))
		return false;
	in_dev = __in_dev_get_rcu(skb->dev);
	return in_dev && IN_DEV_FORWARD(in_dev) && !IN_DEV_RPFILTER(in_dev) &&
	       !fib_num_tclassid_users(net) && !fib4_has_custom_rules(net);
}

static void l4lb_reply_pkt_fill(struct l4lb_reply_pkt *rp,
				const struct iphdr *iph, const __be16 *ports)
{
	rp->protocol = iph->protocol;
	rp->raddr = iph->saddr;
	rp->rport = ports[0];
	rp->caddr = iph->daddr;
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
	struct dst_entry *dst;
	struct l4lb_conn *c;
	int flags;

	if (!atomic_read(&ln->nat_dest_count) ||
	    !l4lb_reply_fast_ok(ln->net, skb, iph))
		return NF_ACCEPT;
	l4lb_reply_pkt_fill(&rp, iph, ports);
	c = l4lb_conn_find_reply(ln->net, &rp);
	if (!c)
		return NF_ACCEPT;
	dst = l4lb_reply_route(c, skb);
	/* A redirect back out of the interface it came in: ip_forward(). */
	if (!dst || (dst->dev == skb->dev &&
		     IN_DEV_TX_REDIRECTS(__in_dev_get_rcu(skb->dev))))
		return NF_ACCEPT;
	/* FORWARD counts and drops what is malformed. */
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (flags < 0)
		return NF_ACCEPT;
	rp.tcp_flags = flags;
	l4lb_conn_reply_seen(ln, c, &rp, skb);
	l4lb_stats_inc(&ln->fast, L4LB_FAST_REPLY);
	return l4lb_nat_reply_xmit(ln, skb, c, dst);
}

static unsigned int l4lb_prerouting(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct l4lb_service *svc;
	bool addrs_checked;
	__be16 ports[2];
	int flags;

	if (!READ_ONCE(ln->svc_count) || !READ_ONCE(l4lb_fast_path))
		return NF_ACCEPT;
	/* Fragments are reassembled later; TTL 1 needs an ICMP. */
	if (ip_is_fragment(iph) || iph->ttl <= 1 || !l4lb_copy_ports(skb, ports))
		return NF_ACCEPT;
	svc = l4lb_svc_lookup_rcu(ln, iph->protocol, iph->daddr, ports[1]);
	if (!svc)
		return l4lb_reply_early(ln, skb, ports);
	if (!l4lb_fast_path_ok(state->net, skb, iph, &addrs_checked))
		return NF_ACCEPT;
	/* LOCAL_IN counts and drops what is malformed. */
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (flags < 0)
		return NF_ACCEPT;
	return l4lb_client_pkt(ln, svc, skb, ports, flags, true, addrs_checked);
}

static unsigned int l4lb_local_in(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
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

	return l4lb_client_pkt(ln, svc, skb, ports, flags, false, true);
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

	/* Defragmentation ran at PREROUTING: see l4lb_nat_enable(). */
	flags = l4lb_l4_flags(skb, ip_hdrlen(skb), iph->protocol);
	if (ip_is_fragment(iph) || flags < 0) {
		l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
		return NF_DROP;
	}
	rp.tcp_flags = flags;
	l4lb_conn_reply_seen(ln, c, &rp, skb);
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
