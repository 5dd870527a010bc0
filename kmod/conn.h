/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: the flow step and the connection table (conn.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_CONN_H
#define _L4LB_CONN_H

/*
 * The flow step's input: what the hook extracted from one packet, client
 * to VIP. No skb: connection sync or an XDP path can fill one too.
 */
struct l4lb_flow_in {
	union l4lb_addr	caddr;	/* unused words zero */
	union l4lb_addr	vaddr;
	__be16	cport;
	__be16	vport;
	u8	family;		/* AF_INET or AF_INET6 */
	u8	protocol;
	u8	tcp_flags;	/* L4LB_TCP_* below */
	u8	addrs;		/* enum l4lb_addrs */
	u8	rpf;		/* the device's rp_filter: 0, 1 strict, 2 loose */
	int	iif;		/* the device it came in on */
	int	route_genid;	/* L4LB_ADDRS_ROUTED: of the input route */
	/* The routing generation, read before any check (rt_genid_ipv4()). */
	int	genid;
	/*
	 * L4LB_ADDRS_CHECK: whether the input route would accept the flow's
	 * addresses (hooks4.c); called only when the flow's stamp is stale.
	 */
	bool	(*addrs_check)(struct net *net, const struct l4lb_flow_in *in);
};

/* What the flow step decided for a packet (l4lb_flow_step()). */
enum l4lb_flow_verdict {
	/* Send it to the decision's dest. */
	L4LB_FLOW_XMIT,
	/* A TCP packet of no flow that may not start one: not ours. */
	L4LB_FLOW_NOT_OURS,
	/* Its addresses need the input route's checks: LOCAL_IN's to take. */
	L4LB_FLOW_INPUT_ROUTE,
	/* Dropped; the drop is counted. */
	L4LB_FLOW_DROP,
};

/* With L4LB_FLOW_XMIT: what the transmitter needs. */
struct l4lb_decision {
	struct l4lb_dest	*dest;	/* valid under RCU; held by the entry */
	u8			fwd;	/* enum l4lb_fwd_method, the dest's */
};

/*
 * How much of the input route's checks of a client's packet (its VIP
 * local, its source not, and the reverse-path filter where on) is known
 * where the packet meets l4lb_flow_step(). A flow keeps the last answer,
 * stamped with the routing generation (struct l4lb_conn, addrs_stamp).
 */
enum l4lb_addrs {
	/* PREROUTING, no reverse-path filter: the addrs_check() tells. */
	L4LB_ADDRS_CHECK,
	/*
	 * PREROUTING, a reverse-path filter: only the input route can tell,
	 * and only for the device the packet came in on. Its flow's stamp
	 * says whether it did in this generation; if not, the packet goes
	 * on to LOCAL_IN.
	 */
	L4LB_ADDRS_RPF,
	/*
	 * Nothing to check or stamp: PREROUTING with accept_local (the hook
	 * found the VIP local itself), or LOCAL_IN on a route that cannot
	 * stamp the flow (l4lb_pkt_routed()).
	 */
	L4LB_ADDRS_CHECKED,
	/* LOCAL_IN: the input route accepted them; the flow is stamped. */
	L4LB_ADDRS_ROUTED,
};

/* A stamp keeps the device's index in 30 bits, its rp_filter in 2. */
#define L4LB_STAMP_IIF_MAX	((1 << 30) - 1)

/* The same for a packet from a real server back to a client (NAT). */
struct l4lb_reply_pkt {
	union l4lb_addr	raddr;	/* unused words zero */
	union l4lb_addr	caddr;
	__be16	rport;
	__be16	cport;
	u8	family;
	u8	protocol;
	u8	tcp_flags;
};

#define L4LB_TCP_SYN	BIT(0)
#define L4LB_TCP_ACK	BIT(1)
#define L4LB_TCP_FIN	BIT(2)
#define L4LB_TCP_RST	BIT(3)

/*
 * One flow. Its keys and its dest never change after insertion: moving a
 * flow to another dest replaces the entry. Kept small on purpose (no
 * HWCACHE alignment, 8-byte packing): with conn_max entries this is most
 * of the module's memory. The fields touched only when the entry is
 * armed, freed or (NAT) its replies pass come first; then, contiguous,
 * what a chain walk compares and the packet path reads and writes (keys,
 * state, dest, expiry), and last the addresses, whose size depends on
 * the family: an entry is allocated only as long as its family needs
 * (conn.c's layout decision), so @a is valid only for that family.
 */
struct l4lb_conn {
	struct timer_list	timer;
	struct rcu_head		rcu;
	struct hlist_node	rnode;	/* server-side chain, NAT only, RCU */
	/*
	 * NAT: the input route the flow's replies took to the client, held
	 * (xmit4.c); replaced with xchg(), dropped with the entry.
	 */
	struct dst_entry __rcu	*reply_dst;
	struct hlist_node	node;	/* client-side chain, RCU */
	__be16			cport;
	__be16			vport;
	u8			protocol;
	u8			state;		/* bucket lock; READ_ONCE */
	u8			flags;		/* enum l4lb_conn_flags, likewise */
	u8			reply_tos;	/* of reply_dst's lookup */
	/*
	 * When the flow's addresses last passed the input route's checks
	 * (enum l4lb_addrs): l4lb_addrs_stamp() of rt_genid_ipv4() then, of
	 * the device the input route accepted them from and its rp_filter
	 * then, or of 0 when the hook's addrs_check() found them good, for
	 * any device without a reverse-path filter. Checked again once
	 * routes or addresses change. One word, so no reader sees half of
	 * one; lockless.
	 */
	atomic64_t		addrs_stamp;
	struct l4lb_dest	*dest;	/* holds a reference */
	unsigned long		expires;	/* jiffies, lockless */
	/* Client and VIP: v4 without L4LB_CONN_F_INET6, else v6. */
	union {
		struct {
			__be32		caddr;
			__be32		vaddr;
		} v4;
		struct {
			struct in6_addr	caddr;
			struct in6_addr	vaddr;
		} v6;
	} a;
};

/* struct l4lb_conn's flags. */
enum l4lb_conn_flags {
	L4LB_CONN_F_HASHED	= BIT(0),	/* in the table */
	/* UDP: the flow proved itself (conn.c); full timeout, kept */
	L4LB_CONN_F_CONFIRMED	= BIT(1),
	/* An IPv6 flow: its addresses are a.v6; set once, at creation */
	L4LB_CONN_F_INET6	= BIT(2),
	/*
	 * UDP unconfirmed, or TCP picked up mid-flow and still SYN_RECV:
	 * the packet that last passed comes again (the hook handed it back
	 * to the stack at PREROUTING): that pass proves nothing
	 * (l4lb_flow_handed_back())
	 */
	L4LB_CONN_F_REPEAT	= BIT(3),
};

/*
 * The real server's port of @c: its dest's, or with a dest of port 0 (a
 * firewall-mark service's) the port the client asked for.
 */
static inline __be16 l4lb_conn_rport(const struct l4lb_conn *c)
{
	return c->dest->port ?: c->vport;
}

extern bool l4lb_fast_path;
extern unsigned int l4lb_conn_tab_bits;
extern unsigned int l4lb_conn_max;

int l4lb_conn_cache_create(void);
void l4lb_conn_cache_destroy(void);
unsigned int l4lb_conn_entry_size(u8 family);
int l4lb_conn_table_init(void);
void l4lb_conn_table_free(void);
unsigned int l4lb_conn_buckets(void);
enum l4lb_flow_verdict l4lb_flow_step(struct l4lb_net *ln,
				      struct l4lb_service *svc,
				      const struct l4lb_flow_in *in,
				      struct l4lb_decision *d);
void l4lb_flow_handed_back(struct l4lb_net *ln, const struct l4lb_flow_in *p);
struct l4lb_conn *l4lb_conn_find(const struct net *net,
				 const struct l4lb_flow_in *p);
struct l4lb_conn *l4lb_conn_find_reply(const struct net *net,
				       const struct l4lb_reply_pkt *p);
void l4lb_conn_reply_seen(struct l4lb_net *ln, struct l4lb_conn *c,
			  const struct l4lb_reply_pkt *p, unsigned int segs,
			  unsigned int len);
int l4lb_conn_walk(const struct net *net, unsigned long *bucket,
		   unsigned long *skip,
		   int (*fn)(const struct l4lb_conn *c, void *arg), void *arg);
void l4lb_conn_flush_net(struct l4lb_net *ln);
enum l4lb_sync_in l4lb_conn_sync_in(struct l4lb_net *ln,
				    struct l4lb_dest *dest,
				    const struct l4lb_flow_in *p, u8 state,
				    u8 flags, unsigned long ttl);

/*
 * A TOS the FIB looks at: routes may be chosen by it, so under a
 * reverse-path filter the check of a packet with one may differ from
 * that of one without.
 */
static inline bool l4lb_tos_routed(const struct iphdr *iph)
{
	return iph->tos & IPTOS_RT_MASK;
}

#endif /* _L4LB_CONN_H */
