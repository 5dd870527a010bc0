// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks, the family-neutral core. Each family hooks the same
 * points (hooks4.c, hooks6.c), parses a packet into a struct l4lb_pkt,
 * and hands it here:
 *
 * LOCAL_IN: traffic to a VIP (a local address of the balancer), after
 * reassembly and after the INPUT filter, and before SNAT at LOCAL_IN and
 * conntrack confirmation. Clients' packets of a service
 * (l4lb_client_pkt()), and ICMP errors about packets a service's flows
 * sent to their clients (icmp.c).
 *
 * FORWARD (NAT): real servers' packets on their way back to the client
 * (l4lb_server_pkt()), and ICMP errors about what the balancer sent to a
 * real server, after the forwarding path's hop limit and MTU checks and
 * the FORWARD filter (as with IPVS, the filter sees the real server's
 * address), before POSTROUTING's SNAT.
 *
 * PREROUTING: a fast path that sends packets on before the input route
 * where that changes nothing (hooks4.c, hooks6.c; real servers' NAT
 * packets: IPv4 only).
 *
 * A netns is hooked for a family from its first service of that family
 * on, until it goes away (as IPVS does): a netns that never has one (a
 * container, the clients and servers of a test) runs none of this per
 * packet, where hooks in every netns cost each a hook call at three hook
 * points per packet. Not unhooked when its last service goes: NAT flows
 * of deleted services still need their replies translated until they
 * expire, and hooking on and off with the configuration would flip
 * netfilter's static keys under traffic.
 */
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include "l4lb.h"

bool l4lb_fast_path = true;

/*
 * Whether our hook of priority @prio is the first of a LOCAL_IN chain @e
 * (no iptables or nftables INPUT chain runs before it). The chain is
 * sorted by priority, so only its first entry needs a look.
 */
bool l4lb_local_in_first(const struct nf_hook_entries *e, int prio)
{
	return e && e->num_hook_entries &&
	       nf_hook_entries_get_hook_ops(e)[0]->priority >= prio;
}

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
int l4lb_l4_flags(const struct sk_buff *skb, unsigned int l4off, u8 protocol)
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

/*
 * A client's packet @pkt to @svc; @in comes with what its family's hook
 * knows of its addresses (enum l4lb_addrs, the routing generation and
 * the check). The flow step decides, the transmitter sends.
 *
 * An @early packet (PREROUTING) that the flow step leaves to the input
 * route, or that the transmitter hands back (NF_ACCEPT: it needs an ICMP
 * error), is not counted here: LOCAL_IN sees it again, finds the entry
 * the flow step made or refreshed, and counts it then. A TCP packet that
 * is not ours is counted at LOCAL_IN, which sees it last; the local stack
 * resets it.
 */
unsigned int l4lb_client_pkt(struct l4lb_net *ln, struct l4lb_service *svc,
			     struct sk_buff *skb, const struct l4lb_pkt *pkt,
			     int flags, bool early, struct l4lb_flow_in *in)
{
	unsigned int segs, len, verdict;
	struct l4lb_decision d;

	in->family = pkt->family;
	in->protocol = pkt->protocol;
	in->caddr = pkt->saddr;
	in->vaddr = pkt->daddr;
	in->cport = pkt->sport;
	in->vport = pkt->dport;
	in->tcp_flags = flags;
	in->iif = skb->dev->ifindex;

	switch (l4lb_flow_step(ln, svc, in, &d)) {
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
	verdict = l4lb_xmit(ln, skb, pkt, &d, early);
	if (verdict == NF_ACCEPT) {
		/* Handed back: LOCAL_IN sees this very packet again. */
		if (early)
			l4lb_flow_handed_back(ln, in);
		return verdict;
	}
	l4lb_count(&svc->stats, L4LB_CTR_PKTS_IN, segs, len);
	l4lb_count(&d.dest->stats, L4LB_CTR_PKTS_IN, segs, len);
	if (early)
		l4lb_stats_inc(&ln->ctrs, L4LB_FAST_CLIENT);
	return verdict;
}

/* A real server's packet @pkt as the connection table looks it up. */
void l4lb_reply_pkt_fill(struct l4lb_reply_pkt *rp, const struct l4lb_pkt *pkt)
{
	rp->family = pkt->family;
	rp->protocol = pkt->protocol;
	rp->raddr = pkt->saddr;
	rp->rport = pkt->sport;
	rp->caddr = pkt->daddr;
	rp->cport = pkt->dport;
}

/*
 * FORWARD, NAT: a real server's packet @pkt, on its way to a client.
 * If it is a flow's, make it come from the VIP and port (*@cp: the
 * flow); else NF_ACCEPT with *@cp NULL. A @fragment here is anomalous:
 * reassembly ran at PREROUTING (main.c, L4LB_NEED_NAT).
 */
unsigned int l4lb_server_pkt(struct l4lb_net *ln, struct sk_buff *skb,
			     const struct l4lb_pkt *pkt, bool fragment,
			     struct l4lb_conn **cp)
{
	struct l4lb_reply_pkt rp;
	struct l4lb_conn *c;
	int flags;

	*cp = NULL;
	l4lb_reply_pkt_fill(&rp, pkt);
	c = l4lb_conn_find_reply(ln->net, &rp);
	if (!c)
		return NF_ACCEPT;

	flags = l4lb_l4_flags(skb, pkt->l4off, pkt->protocol);
	if (fragment || flags < 0) {
		l4lb_count_drop(ln, L4LB_DROP_MALFORMED);
		return NF_DROP;
	}
	rp.tcp_flags = flags;
	l4lb_conn_reply_seen(ln, c, &rp, l4lb_skb_segs(skb), skb->len);
	*cp = c;
	return l4lb_nat_reply(ln, skb, pkt, c);
}

/*
 * A service of @family is being added: hook the netns for that family if
 * it is not yet.
 */
int l4lb_hooks_ensure(struct l4lb_net *ln, u8 family)
{
	unsigned int bit = family == AF_INET6 ? L4LB_HOOKED_INET6 :
						L4LB_HOOKED_INET;
	int err;

	lockdep_assert_held(&ln->lock);
	if (ln->hooked & bit)
		return 0;
	if (family == AF_INET6)
		err = nf_register_net_hooks(ln->net, l4lb_nf_ops6,
					    l4lb_nf_ops6_count);
	else
		err = nf_register_net_hooks(ln->net, l4lb_nf_ops4,
					    l4lb_nf_ops4_count);
	if (!err)
		ln->hooked |= bit;
	return err;
}

void l4lb_hooks_unregister(struct l4lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	if (ln->hooked & L4LB_HOOKED_INET6)
		nf_unregister_net_hooks(ln->net, l4lb_nf_ops6,
					l4lb_nf_ops6_count);
	if (ln->hooked & L4LB_HOOKED_INET)
		nf_unregister_net_hooks(ln->net, l4lb_nf_ops4,
					l4lb_nf_ops4_count);
	ln->hooked = 0;
}
