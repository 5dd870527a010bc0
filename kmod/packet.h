/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: packet entry (hooks.c, icmp.c) and transmit (xmit.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_PACKET_H
#define _L4LB_PACKET_H

unsigned int l4lb_xmit(struct l4lb_net *ln, struct sk_buff *skb,
		       const struct l4lb_decision *d, bool early);
unsigned int l4lb_xmit_icmp(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_dest *dest);
unsigned int l4lb_nat_reply(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *c);
void l4lb_route_forget_dev(struct l4lb_dest *dest,
			   const struct net_device *dev);
void l4lb_reply_route_save(struct l4lb_conn *c, struct sk_buff *skb);
struct dst_entry *l4lb_reply_route(struct l4lb_conn *c,
				   const struct sk_buff *skb);
bool l4lb_reply_rpf_ok(struct l4lb_conn *c, const struct sk_buff *skb);
unsigned int l4lb_nat_reply_xmit(struct l4lb_net *ln, struct sk_buff *skb,
				 struct l4lb_conn *c, struct dst_entry *dst);
void l4lb_untrack(struct sk_buff *skb);

/* ---- icmp.c: errors about a balanced flow, both directions ---- */

unsigned int l4lb_icmp_in(struct l4lb_net *ln, struct sk_buff *skb);
unsigned int l4lb_icmp_reply(struct l4lb_net *ln, struct sk_buff *skb);

/* ---- hooks.c ---- */

int l4lb_hooks_ensure(struct l4lb_net *ln);
void l4lb_hooks_unregister(struct l4lb_net *ln);

#endif /* _L4LB_PACKET_H */
