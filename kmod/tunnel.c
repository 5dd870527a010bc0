// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnelling, the family-neutral part (the outer IP headers: xmit4.c,
 * xmit6.c). The client's packet, as the forwarding path would send it on,
 * goes to the real server inside an outer IP header, of the service's
 * family or of the other one: directly (IP-in-IP), in GUE (a UDP header
 * to the dest's tunnel port and a 4-byte GUE header, version 0, no
 * optional fields, naming the inner protocol, as the kernel's fou module
 * receives it: "ip fou add port P gue"), or in GRE (RFC 2784, with the
 * checksum if asked, no key or sequence number, as the fallback gre0 and
 * ip6gre0 devices receive it).
 *
 * With remote checksum offload (L4LB_TUN_F_REMCSUM), a packet whose
 * transport checksum is still to be summed (CHECKSUM_PARTIAL: a local
 * sender's, kept so by veth and GRO) goes as it is, with GUE's private
 * flags and the remote checksum option naming where the sum starts and
 * where it goes: the real server's fou sums it (or its NIC does), not the
 * balancer. A GSO packet's segments carry the option too
 * (SKB_GSO_TUNNEL_REMCSUM).
 *
 * The UDP source port comes from the flow's hash (udp_flow_src_port()),
 * so every packet of a flow takes the same one and a real server spreads
 * flows over its receive queues. GSO packets stay GSO: the outer headers
 * are marked as a tunnel's (iptunnel_handle_offloads()), and segmentation,
 * in the device or in software just before it, repeats them.
 */
#include <linux/udp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/gue.h>
#include <net/gre.h>
#include <net/dsfield.h>
#include <net/addrconf.h>
#include "l4lb.h"
#include "compat.h"

/* GUE's private flags and its remote checksum option. */
#define L4LB_GUE_REMCSUM_LEN	(GUE_LEN_PRIV + GUE_PLEN_REMCSUM)

/* The GRE header: 4 bytes, and 4 more for the checksum. */
static unsigned int l4lb_tun_gre_len(const struct l4lb_dest *dest)
{
	return dest->tun.flags & L4LB_TUN_F_CSUM ? 8 : 4;
}

/* The bytes a dest's tunnel adds to each packet. */
unsigned int l4lb_tun_overhead(const struct l4lb_dest *dest)
{
	unsigned int len = dest->family == AF_INET6 ? sizeof(struct ipv6hdr) :
						       sizeof(struct iphdr);

	switch (dest->tun.type) {
	case L4LB_TUN_GUE:
		len += sizeof(struct udphdr) + sizeof(struct guehdr);
		if (dest->tun.flags & L4LB_TUN_F_REMCSUM)
			len += L4LB_GUE_REMCSUM_LEN;
		break;
	case L4LB_TUN_GRE:
		len += l4lb_tun_gre_len(dest);
		break;
	}
	return len;
}

static int l4lb_tun_gso_type(const struct l4lb_dest *dest)
{
	bool csum = dest->tun.flags & L4LB_TUN_F_CSUM;

	switch (dest->tun.type) {
	case L4LB_TUN_GUE:
		return csum ? SKB_GSO_UDP_TUNNEL_CSUM : SKB_GSO_UDP_TUNNEL;
	case L4LB_TUN_GRE:
		return csum ? SKB_GSO_GRE_CSUM : SKB_GSO_GRE;
	}
	return dest->family == AF_INET6 ? SKB_GSO_IPXIP6 : SKB_GSO_IPXIP4;
}

/* Whether @skb goes to @dest with GUE's remote checksum option. */
static bool l4lb_tun_remcsum(const struct sk_buff *skb,
			     const struct l4lb_dest *dest)
{
	return dest->tun.type == L4LB_TUN_GUE &&
	       (dest->tun.flags & L4LB_TUN_F_REMCSUM) &&
	       skb->ip_summed == CHECKSUM_PARTIAL;
}

/*
 * GUE's private flags and remote checksum option, in front of the inner
 * packet: where its transport checksum starts and where it goes, from
 * the inner packet's start. The packet is no longer ours to sum.
 */
static void l4lb_tun_push_remcsum(struct sk_buff *skb)
{
	u16 start = skb_checksum_start_offset(skb);
	__be32 *pflags;
	__be16 *pd;

	pd = skb_push(skb, GUE_PLEN_REMCSUM);
	pd[0] = htons(start);
	pd[1] = htons(start + skb->csum_offset);
	pflags = skb_push(skb, GUE_LEN_PRIV);
	*pflags = GUE_PFLAG_REMCSUM;
	if (!skb_is_gso(skb)) {
		skb->ip_summed = CHECKSUM_NONE;
		skb->encapsulation = 0;
	}
}

/*
 * GUE: the UDP and GUE headers, the GUE options with @remcsum (the UDP
 * checksum waits for the outer addresses).
 */
static void l4lb_tun_push_gue(struct sk_buff *skb,
			      const struct l4lb_dest *dest, __be16 sport,
			      bool remcsum, struct l4lb_tun_hdr *h)
{
	struct guehdr *gh;
	struct udphdr *uh;

	if (remcsum)
		l4lb_tun_push_remcsum(skb);
	gh = skb_push(skb, sizeof(*gh));
	memset(gh, 0, sizeof(*gh));
	gh->proto_ctype = h->proto;
	if (remcsum) {
		gh->hlen = L4LB_GUE_REMCSUM_LEN >> 2;
		gh->flags = GUE_FLAG_PRIV;
	}
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = dest->tun.port;
	uh->len = htons(skb->len);
	uh->check = 0;
	h->proto = IPPROTO_UDP;
}

/*
 * Make room for the outer headers (@hroom: what the device needs in
 * front of them), mark @skb as a tunnel's and push the headers between
 * the outer IP header and the inner packet: GUE's UDP and GUE headers,
 * or GRE's (its checksum, if any, over the GRE header and the inner
 * packet, is summed here or left to the device, as the stack's GRE
 * tunnels do; GSO segments get theirs when segmented). h->proto: in, the
 * inner protocol (IPPROTO_IPIP, IPPROTO_IPV6); out, the outer IP
 * header's.
 */
static int l4lb_tun_encap(struct net *net, struct sk_buff *skb,
			  const struct l4lb_dest *dest, unsigned int hroom,
			  struct l4lb_tun_hdr *h)
{
	bool remcsum = l4lb_tun_remcsum(skb, dest);
	int gso_type = l4lb_tun_gso_type(dest);
	__be16 sport = 0;
	int err;

	/* The flow's hash, from the inner headers: before they are inner. */
	if (dest->tun.type == L4LB_TUN_GUE)
		sport = udp_flow_src_port(net, skb, 0, 0, false);
	err = skb_cow_head(skb, hroom + l4lb_tun_overhead(dest));
	if (err)
		return err;
	if (remcsum)
		gso_type |= SKB_GSO_TUNNEL_REMCSUM;
	err = iptunnel_handle_offloads(skb, gso_type);
	if (err)
		return err;
	skb_set_inner_ipproto(skb, h->proto);

	switch (dest->tun.type) {
	case L4LB_TUN_GUE:
		l4lb_tun_push_gue(skb, dest, sport, remcsum, h);
		break;
	case L4LB_TUN_GRE:
		l4lb_gre_build_header(skb, l4lb_tun_gre_len(dest),
				      dest->tun.flags & L4LB_TUN_F_CSUM,
				      htons(h->proto == IPPROTO_IPV6 ?
					    ETH_P_IPV6 : ETH_P_IP));
		h->proto = IPPROTO_GRE;
		break;
	}
	return 0;
}

/*
 * Send @skb, a client's packet of @family forwarded as the forwarding
 * path would send it on, inside the outer headers of @dest's tunnel from
 * @r's source. The outer IP header may be of the other family (an IPv4
 * service's real server may have only an IPv6 address, and back): the
 * inner header is then IPPROTO_IPIP in IPv6, IPPROTO_IPV6 in IPv4. The
 * outer header takes the inner one's DSCP and ECN bits; an IPv4 one also
 * the inner IPv4 DF flag (a packet that may be fragmented still may,
 * outside), and for an inner IPv6 packet, which no router fragments,
 * DF, unless the path cannot carry IPv6's minimum MTU inside (RFC 4213,
 * 3.2). An outer IPv6 header takes a flow label from the flow's hash. 0,
 * or -ENOMEM (@skb is then the caller's to drop).
 */
int l4lb_tun_xmit(struct net *net, struct sk_buff *skb, u8 family,
		  const struct l4lb_route *r, const struct l4lb_dest *dest)
{
	struct dst_entry *dst = r->dst;
	struct l4lb_tun_hdr h = {};
	int err;

	if (family == AF_INET6) {
		l4lb_xmit_forward6(skb);
		h.proto = IPPROTO_IPV6;
		h.tos = ipv6_get_dsfield(ipv6_hdr(skb));
		if (dst_mtu(dst) >= IPV6_MIN_MTU + l4lb_tun_overhead(dest))
			h.df = htons(IP_DF);
	} else {
		l4lb_xmit_forward4(skb);
		h.proto = IPPROTO_IPIP;
		h.tos = ip_hdr(skb)->tos;
		h.df = ip_hdr(skb)->frag_off & htons(IP_DF);
	}
	if (dest->family == AF_INET6)
		h.label = htonl(skb_get_hash(skb)) & IPV6_FLOWLABEL_MASK;
	err = l4lb_tun_encap(net, skb, dest, LL_RESERVED_SPACE(dst->dev), &h);
	if (err)
		return err;
	if (dest->family == AF_INET6)
		l4lb_tun_push6(net, skb, r, dest, &h);
	else
		l4lb_tun_push4(net, skb, r, dest, &h);
	return 0;
}

/* The configured outer IPv4 source, or 0: the route's choice. RCU. */
__be32 l4lb_tun_src4(struct l4lb_net *ln)
{
	const struct l4lb_tun_src *src = rcu_dereference(ln->tun_src);

	return src ? src->addr4 : 0;
}

/* The configured outer IPv6 source into @addr, if any. RCU. */
void l4lb_tun_src6(struct l4lb_net *ln, struct in6_addr *addr)
{
	const struct l4lb_tun_src *src = rcu_dereference(ln->tun_src);

	if (src)
		*addr = src->addr6;
}

/*
 * Configure the outer sources: @addr4 and @addr6 where given (the other
 * stays), an unspecified address handing the choice back to the routes.
 * The routes of tunnel dests are looked up again, with it, on their next
 * packet. Config lock; 0, or -ENOMEM with nothing changed.
 */
int l4lb_tun_src_set(struct l4lb_net *ln, const __be32 *addr4,
		     const struct in6_addr *addr6)
{
	struct l4lb_tun_src *old, *src, cur = {};

	old = rcu_dereference_protected(ln->tun_src,
					lockdep_is_held(&ln->lock));
	if (old) {
		cur.addr4 = old->addr4;
		cur.addr6 = old->addr6;
	}
	if (addr4)
		cur.addr4 = *addr4;
	if (addr6)
		cur.addr6 = *addr6;
	src = NULL;
	if (cur.addr4 || !ipv6_addr_any(&cur.addr6)) {
		src = kmemdup(&cur, sizeof(cur), GFP_KERNEL);
		if (!src)
			return -ENOMEM;
	}
	rcu_assign_pointer(ln->tun_src, src);
	/* After the pointer: pairs with l4lb_route_get()'s acquire. */
	smp_store_release(&ln->tun_src_gen, ln->tun_src_gen + 1);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
