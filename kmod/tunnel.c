// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnelling, the family-neutral part (the outer IP headers: xmit4.c,
 * xmit6.c). The client's packet, as the forwarding path would send it on,
 * goes to the real server inside an outer IP header, directly (IP-in-IP)
 * or in GUE: a UDP header to the dest's tunnel port and a 4-byte GUE
 * header (version 0, no optional fields) naming the inner protocol, as
 * the kernel's fou module receives it ("ip fou add port P gue").
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
#include "l4lb.h"

static unsigned int l4lb_tun_udp_len(const struct l4lb_dest *dest)
{
	return dest->tun.type == L4LB_TUN_GUE ?
	       sizeof(struct udphdr) + sizeof(struct guehdr) : 0;
}

/* The bytes a dest's tunnel adds to each packet. */
unsigned int l4lb_tun_overhead(const struct l4lb_dest *dest)
{
	unsigned int ip = dest->family == AF_INET6 ? sizeof(struct ipv6hdr) :
						      sizeof(struct iphdr);

	return ip + l4lb_tun_udp_len(dest);
}

/*
 * Make room for the outer headers (@hroom: what the device needs in
 * front of them) and mark @skb as a tunnel's; for GUE push the UDP and
 * GUE headers (the UDP checksum waits for the outer addresses: the
 * caller's). *@proto: in, the inner protocol (IPPROTO_IPIP,
 * IPPROTO_IPV6); out, the outer IP header's.
 */
int l4lb_tun_encap_udp(struct net *net, struct sk_buff *skb,
		       const struct l4lb_dest *dest, unsigned int hroom,
		       u8 *proto)
{
	bool gue = dest->tun.type == L4LB_TUN_GUE;
	struct guehdr *gh;
	struct udphdr *uh;
	__be16 sport = 0;
	int gso_type;
	int err;

	/* The flow's hash, from the inner headers: before they are inner. */
	if (gue)
		sport = udp_flow_src_port(net, skb, 0, 0, false);
	err = skb_cow_head(skb, hroom + l4lb_tun_overhead(dest));
	if (err)
		return err;
	if (gue)
		gso_type = dest->tun.flags & L4LB_TUN_F_CSUM ?
			   SKB_GSO_UDP_TUNNEL_CSUM : SKB_GSO_UDP_TUNNEL;
	else
		gso_type = dest->family == AF_INET6 ? SKB_GSO_IPXIP6 :
						       SKB_GSO_IPXIP4;
	err = iptunnel_handle_offloads(skb, gso_type);
	if (err)
		return err;
	skb_set_inner_ipproto(skb, *proto);
	if (!gue)
		return 0;

	gh = skb_push(skb, sizeof(*gh));
	memset(gh, 0, sizeof(*gh));
	gh->proto_ctype = *proto;
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = dest->tun.port;
	uh->len = htons(skb->len);
	uh->check = 0;
	*proto = IPPROTO_UDP;
	return 0;
}
