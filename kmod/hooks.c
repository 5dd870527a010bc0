// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook: traffic to a VIP arrives at LOCAL_IN (the VIP is a local
 * address of the balancer), after reassembly and after iptables' INPUT
 * filter, and before SNAT at LOCAL_IN and conntrack confirmation.
 *
 * The hook is registered in every netns for the whole life of the netns
 * rather than only while it has services: registration is then never
 * needed on the configuration path (no error handling for it there, no
 * ordering issue with packets already in flight), and a netns without
 * services pays one predictable branch per local packet.
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

static unsigned int l4lb_local_in(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct l4lb_net *ln = l4lb_pernet(state->net);
	struct l4lb_service *svc;
	const struct iphdr *iph;
	struct l4lb_pkt pkt;
	unsigned int ihl;
	__be16 _ports[2];
	const __be16 *ports;

	if (!READ_ONCE(ln->svc_count))
		return NF_ACCEPT;

	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	/* Not-first fragments carry no ports: we cannot tell if it's ours. */
	if (iph->frag_off & htons(IP_OFFSET))
		return NF_ACCEPT;
	ihl = iph->ihl * 4;
	ports = skb_header_pointer(skb, ihl, sizeof(_ports), _ports);
	if (!ports)
		return NF_ACCEPT;

	svc = l4lb_svc_lookup_rcu(ln, iph->protocol, iph->daddr, ports[1]);
	if (!svc)
		return NF_ACCEPT;

	/*
	 * Ours from here on. LOCAL_IN sees reassembled packets, so a
	 * fragment here is anomalous; so is a truncated L4 header.
	 */
	if (ip_is_fragment(iph))
		goto malformed;

	pkt.protocol = iph->protocol;
	pkt.caddr = iph->saddr;
	pkt.vaddr = iph->daddr;
	pkt.cport = ports[0];
	pkt.vport = ports[1];
	pkt.tcp_flags = 0;

	if (pkt.protocol == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, ihl, sizeof(_th), &_th);
		if (!th || th->doff < sizeof(_th) / 4 ||
		    skb->len < ihl + th->doff * 4)
			goto malformed;
		pkt.tcp_flags = l4lb_tcp_flags(th);
	} else {
		struct udphdr _uh;
		const struct udphdr *uh;

		uh = skb_header_pointer(skb, ihl, sizeof(_uh), &_uh);
		if (!uh)
			goto malformed;
	}

	return l4lb_conn_in(ln, svc, skb, &pkt);

malformed:
	l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
	return NF_DROP;
}

static const struct nf_hook_ops l4lb_nf_ops[] = {
	{
		.hook		= l4lb_local_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 2,
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
