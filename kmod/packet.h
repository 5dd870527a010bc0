/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: packet entry (hooks*.c, icmp*.c) and transmit (xmit*.c).
 * Included by l4lb.h only, after the headers it builds on.
 *
 * Each of the three comes as a family-neutral core (hooks.c, xmit.c,
 * icmp.c) and a small part per family (hooks4.c, hooks6.c, ...). The
 * family's hook parses a packet into a struct l4lb_pkt; from there on the
 * core takes it through the same steps for both families, calling the
 * family's part only for what differs (header layout, routes, ICMP).
 */
#ifndef _L4LB_PACKET_H
#define _L4LB_PACKET_H

#include <linux/netfilter.h>

/* A TCP or UDP packet as its family's hook parsed it. */
struct l4lb_pkt {
	union l4lb_addr	saddr;	/* unused words zero */
	union l4lb_addr	daddr;
	__be16		sport;
	__be16		dport;
	u8		family;		/* AF_INET or AF_INET6 */
	u8		protocol;	/* IPPROTO_TCP or IPPROTO_UDP */
	/*
	 * Its TCP or UDP header: after the IP header and its options or
	 * extension headers.
	 */
	unsigned int	l4off;
};

/* ---- hooks.c: the core of the hooks ---- */

int l4lb_l4_flags(const struct sk_buff *skb, unsigned int l4off, u8 protocol);
bool l4lb_local_in_first(const struct nf_hook_entries *e, int prio);
unsigned int l4lb_client_pkt(struct l4lb_net *ln, struct l4lb_service *svc,
			     struct sk_buff *skb, const struct l4lb_pkt *pkt,
			     int flags, bool early, struct l4lb_flow_in *in);
unsigned int l4lb_server_pkt(struct l4lb_net *ln, struct sk_buff *skb,
			     const struct l4lb_pkt *pkt, bool fragment,
			     struct l4lb_conn **cp);
void l4lb_reply_pkt_fill(struct l4lb_reply_pkt *rp,
			 const struct l4lb_pkt *pkt);
int l4lb_hooks_ensure(struct l4lb_net *ln, u8 family);
void l4lb_hooks_unregister(struct l4lb_net *ln);

/* hooks4.c, hooks6.c: the families' hooks */
extern const struct nf_hook_ops l4lb_nf_ops4[];
extern const unsigned int l4lb_nf_ops4_count;
extern const struct nf_hook_ops l4lb_nf_ops6[];
extern const unsigned int l4lb_nf_ops6_count;

/* ---- xmit.c: the core of the transmitters ---- */

/*
 * The route to a dest, shared by every CPU and flow: the route depends on
 * the dest only, not on the packet. Packets take it without a reference
 * (skb_dst_set_noref(), as IPVS does), so the packet path writes nothing
 * shared: no refcount bouncing between CPUs. The cached route holds its own
 * reference, dropped an RCU grace period after it is replaced, which a
 * noref skb dst may rely on (anything that queues the skb takes a
 * reference first: skb_dst_force()). IPv6 routes are checked against the
 * FIB's serial number they were found with (@cookie, rt6_get_cookie());
 * IPv4's need none (0).
 */
struct l4lb_route {
	struct dst_entry	*dst;
	u32			cookie;
	/* The route's source address: a tunnel's outer source. */
	union l4lb_addr		saddr;
	/* ln->tun_src_gen when it was looked up (tunnels only). */
	u32			src_gen;
	struct rcu_head		rcu;
};

unsigned int l4lb_xmit(struct l4lb_net *ln, struct sk_buff *skb,
		       const struct l4lb_pkt *pkt,
		       const struct l4lb_decision *d, bool early);
unsigned int l4lb_xmit_icmp(struct l4lb_net *ln, struct sk_buff *skb,
			    u8 family, struct l4lb_dest *dest);
unsigned int l4lb_nat_reply(struct l4lb_net *ln, struct sk_buff *skb,
			    const struct l4lb_pkt *pkt, struct l4lb_conn *c);
void l4lb_route_drop(struct l4lb_dest *dest);
void l4lb_route_forget_dev(struct l4lb_dest *dest,
			   const struct net_device *dev);
void l4lb_untrack(struct sk_buff *skb);
unsigned int l4lb_l4_hdr_len(u8 protocol);

/* xmit4.c */
bool l4lb_too_big4(const struct sk_buff *skb, unsigned int mtu);
struct dst_entry *l4lb_route_lookup4(struct l4lb_net *ln,
				     const struct l4lb_dest *dest,
				     union l4lb_addr *saddr);
bool l4lb_hop_expired4(struct sk_buff *skb);
void l4lb_send_too_big4(struct sk_buff *skb, unsigned int mtu);
void l4lb_nat_rewrite4(struct sk_buff *skb, unsigned int l4off, u8 protocol,
		       bool dst, __be32 addr, __be16 port);
void l4lb_xmit_finish4(struct net *net, struct sk_buff *skb,
		       struct dst_entry *dst);
void l4lb_xmit_forward4(struct sk_buff *skb);
struct l4lb_tun_hdr;
void l4lb_tun_push4(struct net *net, struct sk_buff *skb,
		    const struct l4lb_route *r, const struct l4lb_dest *dest,
		    const struct l4lb_tun_hdr *h);
void l4lb_reply_route_save(struct l4lb_conn *c, struct sk_buff *skb);
struct dst_entry *l4lb_reply_route(struct l4lb_conn *c,
				   const struct sk_buff *skb);
bool l4lb_reply_rpf_ok(struct l4lb_conn *c, const struct sk_buff *skb);
unsigned int l4lb_nat_reply_xmit(struct l4lb_net *ln, struct sk_buff *skb,
				 struct l4lb_conn *c, struct dst_entry *dst);

/* xmit6.c */
struct dst_entry *l4lb_route_lookup6(struct l4lb_net *ln,
				     const struct l4lb_dest *dest,
				     u32 *cookie, union l4lb_addr *saddr);
bool l4lb_hop_expired6(struct sk_buff *skb);
unsigned int l4lb_mtu6(const struct dst_entry *dst);
bool l4lb_too_big6(const struct sk_buff *skb, unsigned int mtu);
void l4lb_send_too_big6(struct sk_buff *skb, unsigned int mtu);
void l4lb_nat_rewrite6(struct sk_buff *skb, unsigned int l4off, u8 protocol,
		       bool dst, const struct in6_addr *addr, __be16 port);
void l4lb_xmit_finish6(struct net *net, struct sk_buff *skb,
		       struct dst_entry *dst);
void l4lb_xmit_forward6(struct sk_buff *skb);
void l4lb_tun_push6(struct net *net, struct sk_buff *skb,
		    const struct l4lb_route *r, const struct l4lb_dest *dest,
		    const struct l4lb_tun_hdr *h);

/* tunnel.c */

/* The outer IP header of a tunnel's packet, as l4lb_tun_xmit() makes it. */
struct l4lb_tun_hdr {
	u8	proto;	/* IPPROTO_IPIP, _IPV6, _UDP (GUE) or _GRE */
	u8	tos;	/* the inner packet's DSCP and ECN */
	__be16	df;	/* IPv4: IP_DF or 0 */
	__be32	label;	/* IPv6: the flow label */
};

unsigned int l4lb_tun_overhead(const struct l4lb_dest *dest);
int l4lb_tun_xmit(struct net *net, struct sk_buff *skb, u8 family,
		  const struct l4lb_route *r, const struct l4lb_dest *dest);
__be32 l4lb_tun_src4(struct l4lb_net *ln);
void l4lb_tun_src6(struct l4lb_net *ln, struct in6_addr *addr);
int l4lb_tun_src_set(struct l4lb_net *ln, const __be32 *addr4,
		     const struct in6_addr *addr6);

/* ---- icmp.c: errors about a balanced flow, both directions ---- */

/* Where the quoted packet is in an ICMP error, and its addresses. */
struct l4lb_icmp_quote {
	unsigned int	l3off;	/* the quoted IP header */
	unsigned int	l4off;	/* its TCP/UDP header */
	union l4lb_addr	saddr;
	union l4lb_addr	daddr;
	__be16		sport;
	__be16		dport;
	u8		protocol;
};

unsigned int l4lb_icmp_client(struct l4lb_net *ln, struct sk_buff *skb,
			      u8 family, const struct l4lb_icmp_quote *q);
unsigned int l4lb_icmp_server(struct l4lb_net *ln, struct sk_buff *skb,
			      u8 family, const struct l4lb_icmp_quote *q);
int l4lb_icmp_quote_ports(const struct sk_buff *skb,
			  struct l4lb_icmp_quote *q);

/* icmp4.c, icmp6.c: parse and translate; the hooks' entry points */
int l4lb_icmp_translate4(struct sk_buff *skb, const struct l4lb_icmp_quote *q,
			 bool quote_src, const union l4lb_addr *addr,
			 __be16 port, bool outer_dst,
			 const union l4lb_addr *outer);
int l4lb_icmp_translate6(struct sk_buff *skb, const struct l4lb_icmp_quote *q,
			 bool quote_src, const union l4lb_addr *addr,
			 __be16 port, bool outer_dst,
			 const union l4lb_addr *outer);
unsigned int l4lb_icmp_in(struct l4lb_net *ln, struct sk_buff *skb);
unsigned int l4lb_icmp_reply(struct l4lb_net *ln, struct sk_buff *skb);
unsigned int l4lb_icmp6_in(struct l4lb_net *ln, struct sk_buff *skb,
			   unsigned int icmpoff);
unsigned int l4lb_icmp6_reply(struct l4lb_net *ln, struct sk_buff *skb,
			      unsigned int icmpoff);

#endif /* _L4LB_PACKET_H */
