/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: real servers (dest.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_DEST_H
#define _L4LB_DEST_H

/* Bit numbers in dest->flags. */
enum {
	L4LB_DEST_DEAD_BIT,	/* removed from its service */
	L4LB_DEST_DOWN_BIT,	/* L4LB_DEST_F_DOWN: failed its health checks */
	/*
	 * Its connections reached the upper threshold: schedulers give it
	 * no new flow until they fall below the lower one (IPVS's
	 * IP_VS_DEST_F_OVERLOAD). Its flows carry on.
	 */
	L4LB_DEST_OVERLOAD_BIT,
};

struct l4lb_service;

/* How a tunnel dest encapsulates (L4LB_FWD_TUN only; zero otherwise). */
struct l4lb_tun {
	u8	type;		/* enum l4lb_tun_type */
	__be16	port;		/* GUE: the real server's UDP port */
	u32	flags;		/* L4LB_TUN_F_* */
};

struct l4lb_dest {
	struct list_head	list;	/* in svc->dests, under ln->lock */
	/* NULL once deleted; the service itself is freed after RCU. */
	struct l4lb_service __rcu *svc;
	struct l4lb_net		*ln;
	union l4lb_addr		addr;
	__be16			port;
	u8			fwd;	/* immutable: conns depend on it */
	struct l4lb_tun		tun;	/* immutable too */
	/*
	 * Of addr: the service's, but for a tunnel, which may carry the
	 * service's family in the other (tunnel.c).
	 */
	u8			family;
	u32			weight;	/* under ln->lock */
	/* L4LB_DEST_A_U_THRESH, _L_THRESH; 0: none. WRITE_ONCE, lock */
	u32			u_thresh;
	u32			l_thresh;
	unsigned long		flags;
	/* One for the service list, one per connection. */
	refcount_t		refcnt;
	atomic_t		active_conns;
	atomic_t		inactive_conns;
	struct l4lb_stats	stats;
	/*
	 * The route to the real server (xmit.c); revalidated on every use,
	 * dropped when its device goes down or away (main.c's notifier).
	 */
	struct l4lb_route __rcu	*route;		/* replaced with xchg() */
	struct rcu_head		rcu;
};

struct l4lb_dest_cfg {
	union l4lb_addr	addr;
	__be16	port;
	u8	fwd;
	u8	family;
	struct l4lb_tun	tun;
	u32	weight;
	u32	u_thresh;
	u32	l_thresh;
	bool	down;
};

struct l4lb_dest *l4lb_dest_alloc(struct l4lb_net *ln,
				  const struct l4lb_dest_cfg *cfg);
void l4lb_dest_put(struct l4lb_dest *dest);
void l4lb_dest_set_thresh(struct l4lb_dest *dest, u32 u_thresh, u32 l_thresh);
void l4lb_dest_conn_added(struct l4lb_dest *dest);
void l4lb_dest_conn_removed(struct l4lb_dest *dest);
void l4lb_route_free(struct l4lb_dest *dest);

static inline bool l4lb_dest_is_down(const struct l4lb_dest *dest)
{
	return test_bit(L4LB_DEST_DOWN_BIT, &dest->flags);
}

/*
 * Deleted or down: takes no new flow, and the flows on it move to another
 * dest on their next packet.
 */
static inline bool l4lb_dest_unusable(const struct l4lb_dest *dest)
{
	return READ_ONCE(dest->flags) &
	       (BIT(L4LB_DEST_DEAD_BIT) | BIT(L4LB_DEST_DOWN_BIT));
}

/* Over its upper threshold: schedulers pass it by for new flows. */
static inline bool l4lb_dest_overloaded(const struct l4lb_dest *dest)
{
	return test_bit(L4LB_DEST_OVERLOAD_BIT, &dest->flags);
}

static inline bool l4lb_dest_hold(struct l4lb_dest *dest)
{
	return refcount_inc_not_zero(&dest->refcnt);
}

#endif /* _L4LB_DEST_H */
