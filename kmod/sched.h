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

/*
 * Immutable-membership scheduler state for one service, rebuilt under
 * ln->lock whenever the usable dests change and published with RCU.
 * Each scheduler embeds this header first in its own state.
 */
struct l4lb_sched_state {
	const struct l4lb_sched_ops	*ops;
	struct rcu_head			rcu;
};

struct l4lb_sched_ops {
	const char		*name;
	struct list_head	list;
	/*
	 * update: build a new state for @n usable dests (weight > 0, not
	 * dead), under ln->lock; may sleep. The caller publishes it.
	 */
	struct l4lb_sched_state *(*update)(struct l4lb_dest *const *dests,
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
int l4lb_sched_rr_register(void);
void l4lb_sched_rr_unregister(void);
int l4lb_sched_wrr_register(void);
void l4lb_sched_wrr_unregister(void);

#define L4LB_DEFAULT_SCHED	"wrr"

#endif /* _L4LB_SCHED_H */
