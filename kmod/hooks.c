// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks.
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
 * The hooks are registered in every netns for the whole life of the netns
 * rather than only while it has services: registration is then never
 * needed on the configuration path (no error handling for it there, no
 * ordering issue with packets already in flight), and a netns without
 * services pays one predictable branch per packet.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/ip.h>
#include "l4lb.h"

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

static unsigned int l4lb_local_in(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_service *svc;
	const struct iphdr *iph;
	struct l4lb_pkt pkt;
	__be16 _ports[2];
	const __be16 *ports;
	int flags;

	if (!READ_ONCE(ln->svc_count))
		return NF_ACCEPT;

	iph = ip_hdr(skb);
	if (iph->protocol == IPPROTO_ICMP)
		return l4lb_icmp_in(ln, skb);
	ports = l4lb_ports(skb, _ports);
	if (!ports)
		return NF_ACCEPT;

	svc = l4lb_svc_lookup_rcu(ln, iph->protocol, iph->daddr, ports[1]);
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

	pkt.protocol = iph->protocol;
	pkt.caddr = iph->saddr;
	pkt.vaddr = iph->daddr;
	pkt.cport = ports[0];
	pkt.vport = ports[1];
	pkt.tcp_flags = flags;
	return l4lb_conn_in(ln, svc, skb, &pkt);
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
	int flags;

	if (!atomic_read(&ln->nat_dest_count))
		return NF_ACCEPT;

	iph = ip_hdr(skb);
	if (iph->protocol == IPPROTO_ICMP)
		return l4lb_icmp_reply(ln, skb);
	ports = l4lb_ports(skb, _ports);
	if (!ports)
		return NF_ACCEPT;

	rp.protocol = iph->protocol;
	rp.raddr = iph->saddr;
	rp.rport = ports[0];
	rp.caddr = iph->daddr;
	rp.cport = ports[1];
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
	return l4lb_nat_reply(ln, skb, c);
}

static const struct nf_hook_ops l4lb_nf_ops[] = {
	{
		.hook		= l4lb_local_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 2,
	},
	{
		.hook		= l4lb_forward,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
};

int l4lb_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, l4lb_nf_ops,
				     ARRAY_SIZE(l4lb_nf_ops));
}

void l4lb_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, l4lb_nf_ops, ARRAY_SIZE(l4lb_nf_ops));
}
