/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: the locality table of lblc and lblcr (sched_loc.c): per service,
 * a flow's destination address to a set of dests (one for lblc), looked
 * up under RCU, changed under the state's spinlock. Bounded: at most
 * L4LB_LOC_MAX entries; an entry not used for L4LB_LOC_EXPIRE counts as
 * absent, and when the table is full entries idle for L4LB_LOC_IDLE_FULL
 * make room (IPVS's 24 hours and 6 minutes). It lives in the scheduler
 * state, so it starts empty when the service's dests change.
 */
#ifndef _L4LB_SCHED_LOC_H
#define _L4LB_SCHED_LOC_H

#include <linux/bitmap.h>
#include <linux/spinlock.h>

#define L4LB_LOC_TAB_BITS	6
#define L4LB_LOC_TAB_SIZE	(1U << L4LB_LOC_TAB_BITS)
#define L4LB_LOC_MAX		1024
#define L4LB_LOC_EXPIRE		(24 * 60 * 60 * HZ)
#define L4LB_LOC_IDLE_FULL	(6 * 60 * HZ)

struct l4lb_loc_entry {
	struct hlist_node	node;
	union l4lb_addr		daddr;
	u8			family;
	unsigned long		lastuse;	/* jiffies, written racily */
	unsigned long		lastmod;	/* of set, under the lock */
	DECLARE_BITMAP(set, L4LB_DEST_MAX_PER_SVC);	/* dest indices */
	struct rcu_head		rcu;
};

struct l4lb_loc_state {
	struct l4lb_sched_state	hdr;
	spinlock_t		lock;		/* entries' changes */
	unsigned int		count;		/* entries, under lock */
	struct hlist_head	tab[L4LB_LOC_TAB_SIZE];
	unsigned int		n;
	u32			*weight;	/* after dests[] */
	struct l4lb_dest	*dests[];
};

struct l4lb_sched_state *l4lb_loc_new(const struct l4lb_sched_ops *ops,
				      struct l4lb_dest *const *dests,
				      unsigned int n);
void l4lb_loc_destroy(struct l4lb_sched_state *hdr);
struct l4lb_loc_entry *l4lb_loc_lookup(struct l4lb_loc_state *st,
				       const struct l4lb_flow *flow);
void l4lb_loc_insert(struct l4lb_loc_state *st, const struct l4lb_flow *flow,
		     unsigned int d);
int l4lb_loc_wlc(const struct l4lb_loc_state *st);
bool l4lb_loc_overloaded(const struct l4lb_loc_state *st, unsigned int d);
int l4lb_loc_set_least(const struct l4lb_loc_state *st,
		       const struct l4lb_loc_entry *en, bool most);

static inline struct l4lb_loc_state *l4lb_loc_of(struct l4lb_sched_state *hdr)
{
	return container_of(hdr, struct l4lb_loc_state, hdr);
}

#endif /* _L4LB_SCHED_LOC_H */
