/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: flows as schedulers see them, scheduler interface (sched*.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_SCHED_H
#define _L4LB_SCHED_H

/*
 * A flow as a scheduler sees it: a client's packet to a service, source
 * (client) to destination (VIP). Unused address words are zero.
 */
struct l4lb_flow {
	union l4lb_addr	saddr;
	union l4lb_addr	daddr;
	__be16		sport;
	__be16		dport;
	u8		protocol;
	u8		family;		/* AF_INET or AF_INET6 */
};

struct l4lb_sched_ops;

/* A service's scheduler settings, under ln->lock (L4LB_SVC_A_SCHED_*). */
struct l4lb_sched_cfg {
	u32	flags;				/* L4LB_SVC_SCHED_F_* */
	u32	mh_size;			/* prime */
	u8	mh_key[L4LB_MH_KEY_LEN];
};

/*
 * Immutable-membership scheduler state for one service, rebuilt under
 * ln->lock whenever the usable dests or the service's scheduler settings
 * change, and published with RCU. Each scheduler embeds this header first
 * in its own state.
 */
struct l4lb_sched_state {
	const struct l4lb_sched_ops	*ops;
	struct rcu_head			rcu;
};

struct l4lb_sched_ops {
	const char		*name;
	struct list_head	list;
	/*
	 * Which dests update() gets: false, the usable ones (weight > 0,
	 * not down); true, every dest on the service's list, in its order,
	 * and pick() skips the unusable ones itself (sh, dh: their tables
	 * keep a quiescent or down server's buckets, so that no other
	 * client moves).
	 */
	bool			all_dests;
	/*
	 * update: build a new state for @n dests, under ln->lock; may
	 * sleep. The caller publishes it. NULL: no memory.
	 */
	struct l4lb_sched_state *(*update)(const struct l4lb_sched_cfg *cfg,
					   struct l4lb_dest *const *dests,
					   unsigned int n);
	/*
	 * pick: a dest for the new @flow; packet path, RCU read side,
	 * softirq; no ref taken. Schedulers that hash the flow use @flow.
	 */
	struct l4lb_dest *(*pick)(struct l4lb_sched_state *st,
				  const struct l4lb_flow *flow);
	/* destroy: free @st after an RCU grace period. */
	void (*destroy)(struct l4lb_sched_state *st);
};

int l4lb_sched_register(struct l4lb_sched_ops *ops);
void l4lb_sched_unregister(struct l4lb_sched_ops *ops);
const struct l4lb_sched_ops *l4lb_sched_find(const char *name);
int l4lb_sched_init(void);
void l4lb_sched_exit(void);

/* One file each (sched_NAME.c). */
extern struct l4lb_sched_ops l4lb_sched_rr, l4lb_sched_wrr, l4lb_sched_lc,
	l4lb_sched_wlc, l4lb_sched_sed, l4lb_sched_nq, l4lb_sched_sh,
	l4lb_sched_dh, l4lb_sched_mh, l4lb_sched_fo, l4lb_sched_ovf,
	l4lb_sched_lblc, l4lb_sched_lblcr;

/*
 * A state that is the dests and their weights, for schedulers that look
 * at every dest on each pick (lc, wlc, sed, nq, fo, ovf). The weights are
 * the ones the state was built with: a change of weight rebuilds it.
 */
struct l4lb_sched_list {
	struct l4lb_sched_state	hdr;
	unsigned int		n;
	u32			*weight;	/* after dests[] */
	struct l4lb_dest	*dests[];
};

struct l4lb_sched_state *l4lb_sched_list_new(const struct l4lb_sched_ops *ops,
					     struct l4lb_dest *const *dests,
					     unsigned int n);
void l4lb_sched_list_destroy(struct l4lb_sched_state *hdr);

static inline struct l4lb_sched_list *
l4lb_sched_list_of(struct l4lb_sched_state *hdr)
{
	return container_of(hdr, struct l4lb_sched_list, hdr);
}

/*
 * IPVS's connection overhead: an active (ESTABLISHED) connection weighs
 * 256 inactive ones. Read from the dest's atomics, without a lock.
 */
static inline u64 l4lb_dest_overhead(const struct l4lb_dest *dest)
{
	return ((u64)(u32)atomic_read(&dest->active_conns) << 8) +
	       (u32)atomic_read(&dest->inactive_conns);
}

struct l4lb_dest *l4lb_sched_sed_least(const struct l4lb_sched_list *st);

/*
 * A state that is a table of 256 buckets over the dests, each dest taking
 * as many consecutive buckets as its weight (one if its weight is 0), in
 * list order, round and round (sh, dh: IPVS's table). A flow's hash names
 * its bucket.
 */
#define L4LB_SCHED_BUCKETS_BITS	8
#define L4LB_SCHED_BUCKETS	(1U << L4LB_SCHED_BUCKETS_BITS)

struct l4lb_sched_buckets {
	struct l4lb_sched_state	hdr;
	u32			flags;		/* L4LB_SVC_SCHED_F_* */
	unsigned int		n;
	u32			*weight;	/* after dests[] */
	u8			bucket[L4LB_SCHED_BUCKETS];
	struct l4lb_dest	*dests[];
};

struct l4lb_sched_state *
l4lb_sched_buckets_new(const struct l4lb_sched_ops *ops,
		       const struct l4lb_sched_cfg *cfg,
		       struct l4lb_dest *const *dests, unsigned int n);
struct l4lb_dest *l4lb_sched_buckets_get(struct l4lb_sched_state *hdr,
					 u32 hash, bool fallback);
void l4lb_sched_buckets_destroy(struct l4lb_sched_state *hdr);

/* An address folded to 32 bits, host order: IPv6 XORs its four words. */
static inline u32 l4lb_addr_fold(u8 family, const union l4lb_addr *a)
{
	if (family == AF_INET6)
		return ntohl(a->all[0] ^ a->all[1] ^ a->all[2] ^ a->all[3]);
	return ntohl(a->ip);
}

/* ipvsadm's default when -s is absent. */
#define L4LB_DEFAULT_SCHED	"wlc"

#endif /* _L4LB_SCHED_H */
