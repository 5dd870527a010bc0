// SPDX-License-Identifier: GPL-2.0
/*
 * The locality table of lblc and lblcr (see sched_loc.h), and the choices
 * both make: weighted least connections over the usable dests, and the
 * overload test (more active connections than its weight while another
 * dest has fewer than half its weight).
 */
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/jiffies.h>
#include "l4lb.h"
#include "sched_loc.h"

struct l4lb_sched_state *l4lb_loc_new(const struct l4lb_sched_ops *ops,
				      struct l4lb_dest *const *dests,
				      unsigned int n)
{
	struct l4lb_loc_state *st;
	unsigned int i;

	st = kzalloc(size_add(struct_size(st, dests, n),
			      array_size(n, sizeof(*st->weight))),
		     GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = ops;
	spin_lock_init(&st->lock);
	for (i = 0; i < L4LB_LOC_TAB_SIZE; i++)
		INIT_HLIST_HEAD(&st->tab[i]);
	st->n = n;
	st->weight = (u32 *)&st->dests[n];
	for (i = 0; i < n; i++) {
		st->dests[i] = dests[i];
		st->weight[i] = dests[i]->weight;
	}
	return &st->hdr;
}

/* A grace period after the state was unpublished: no reader is left. */
static void l4lb_loc_free_rcu(struct rcu_head *head)
{
	struct l4lb_loc_state *st = container_of(head, struct l4lb_loc_state,
						 hdr.rcu);
	struct l4lb_loc_entry *en;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < L4LB_LOC_TAB_SIZE; i++)
		hlist_for_each_entry_safe(en, tmp, &st->tab[i], node)
			kfree(en);
	kfree(st);
}

void l4lb_loc_destroy(struct l4lb_sched_state *hdr)
{
	call_rcu(&hdr->rcu, l4lb_loc_free_rcu);
}

static u32 l4lb_loc_hash(const struct l4lb_flow *flow)
{
	return l4lb_addr_hash(flow->family, &flow->daddr, 0) &
	       (L4LB_LOC_TAB_SIZE - 1);
}

static bool l4lb_loc_idle(const struct l4lb_loc_entry *en,
			  unsigned long idle)
{
	return time_after(jiffies, READ_ONCE(en->lastuse) + idle);
}

/* RCU read side or the lock. An expired entry counts as absent. */
struct l4lb_loc_entry *l4lb_loc_lookup(struct l4lb_loc_state *st,
				       const struct l4lb_flow *flow)
{
	struct l4lb_loc_entry *en;

	hlist_for_each_entry_rcu(en, &st->tab[l4lb_loc_hash(flow)], node,
				 lockdep_is_held(&st->lock))
		if (en->family == flow->family &&
		    l4lb_addr_eq(&en->daddr, &flow->daddr))
			return l4lb_loc_idle(en, L4LB_LOC_EXPIRE) ? NULL : en;
	return NULL;
}

/* Table full: drop the entries idle for a while. Under the lock. */
static void l4lb_loc_make_room(struct l4lb_loc_state *st)
{
	struct l4lb_loc_entry *en;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < L4LB_LOC_TAB_SIZE; i++)
		hlist_for_each_entry_safe(en, tmp, &st->tab[i], node) {
			if (!l4lb_loc_idle(en, L4LB_LOC_IDLE_FULL))
				continue;
			hlist_del_rcu(&en->node);
			kfree_rcu(en, rcu);
			st->count--;
		}
}

/*
 * Make dest @d the only one of the flow's destination address (a new
 * entry, or an expired one reused). Packet path; without memory or room
 * the flow still goes to @d, unremembered.
 */
void l4lb_loc_insert(struct l4lb_loc_state *st, const struct l4lb_flow *flow,
		     unsigned int d)
{
	struct l4lb_loc_entry *en;
	u32 h = l4lb_loc_hash(flow);

	spin_lock_bh(&st->lock);
	hlist_for_each_entry(en, &st->tab[h], node)
		if (en->family == flow->family &&
		    l4lb_addr_eq(&en->daddr, &flow->daddr))
			goto set;
	if (st->count >= L4LB_LOC_MAX)
		l4lb_loc_make_room(st);
	if (st->count >= L4LB_LOC_MAX)
		goto out;
	en = kzalloc(sizeof(*en), GFP_ATOMIC);
	if (!en)
		goto out;
	en->daddr = flow->daddr;
	en->family = flow->family;
	hlist_add_head_rcu(&en->node, &st->tab[h]);
	st->count++;
set:
	/* Readers may see the old set or the new one: both are valid. */
	bitmap_zero(en->set, L4LB_DEST_MAX_PER_SVC);
	set_bit(d, en->set);
	WRITE_ONCE(en->lastmod, jiffies);
	WRITE_ONCE(en->lastuse, jiffies);
out:
	spin_unlock_bh(&st->lock);
}

/*
 * Weighted least connections (wlc's) over the usable dests not
 * overloaded; -1: none.
 */
int l4lb_loc_wlc(const struct l4lb_loc_state *st)
{
	unsigned int i;
	u64 loh = 0, doh;
	int least = -1;

	for (i = 0; i < st->n; i++) {
		if (l4lb_dest_unusable(st->dests[i]) ||
		    l4lb_dest_overloaded(st->dests[i]))
			continue;
		doh = l4lb_dest_overhead(st->dests[i]);
		if (least < 0 || doh * st->weight[least] < loh * st->weight[i]) {
			least = i;
			loh = doh;
		}
	}
	return least;
}

bool l4lb_loc_overloaded(const struct l4lb_loc_state *st, unsigned int d)
{
	unsigned int i;

	if ((u32)atomic_read(&st->dests[d]->active_conns) <= st->weight[d])
		return false;
	for (i = 0; i < st->n; i++)
		if ((u64)(u32)atomic_read(&st->dests[i]->active_conns) * 2 <
		    st->weight[i])
			return true;
	return false;
}

/*
 * The usable member of @en's set with the lowest overhead / weight (the
 * first on a tie) that is not overloaded, or with @most the highest of
 * all; -1: none.
 */
int l4lb_loc_set_least(const struct l4lb_loc_state *st,
		       const struct l4lb_loc_entry *en, bool most)
{
	u64 best = 0, doh;
	unsigned int i;
	int pick = -1;

	for_each_set_bit(i, en->set, st->n) {
		if (l4lb_dest_unusable(st->dests[i]) ||
		    (!most && l4lb_dest_overloaded(st->dests[i])))
			continue;
		doh = l4lb_dest_overhead(st->dests[i]);
		if (pick < 0 ||
		    (most ? doh * st->weight[pick] > best * st->weight[i] :
			    doh * st->weight[pick] < best * st->weight[i])) {
			pick = i;
			best = doh;
		}
	}
	return pick;
}
