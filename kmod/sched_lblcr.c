// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least connections with replication: a flow's destination
 * address keeps a set of dests (sched_loc.h's table) and a flow goes to
 * the least loaded (overhead / weight) of them. When that one is
 * overloaded (see lblc) or none is usable, weighted least connections
 * chooses among all and the choice joins the set. A set of more than one
 * that has not changed for L4LB_LOC_EXPIRE loses its most loaded member.
 */
#include "l4lb.h"
#include "sched_loc.h"

static struct l4lb_sched_state *
l4lb_lblcr_update(const struct l4lb_sched_cfg *cfg,
		  struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_loc_new(&l4lb_sched_lblcr, dests, n);
}

/* Drop the most loaded member of a set that has not changed for long. */
static void l4lb_lblcr_shrink(struct l4lb_loc_state *st,
			      struct l4lb_loc_entry *en)
{
	int m;

	if (bitmap_weight(en->set, st->n) <= 1 ||
	    !time_after(jiffies, READ_ONCE(en->lastmod) + L4LB_LOC_EXPIRE))
		return;
	spin_lock_bh(&st->lock);
	if (bitmap_weight(en->set, st->n) > 1) {
		m = l4lb_loc_set_least(st, en, true);
		if (m >= 0) {
			clear_bit(m, en->set);
			WRITE_ONCE(en->lastmod, jiffies);
		}
	}
	spin_unlock_bh(&st->lock);
}

static struct l4lb_dest *l4lb_lblcr_pick(struct l4lb_sched_state *hdr,
					 const struct l4lb_flow *flow)
{
	struct l4lb_loc_state *st = l4lb_loc_of(hdr);
	struct l4lb_loc_entry *en;
	int d;

	en = l4lb_loc_lookup(st, flow);
	if (!en) {
		d = l4lb_loc_wlc(st);
		if (d < 0)
			return NULL;
		l4lb_loc_insert(st, flow, d);
		return st->dests[d];
	}
	WRITE_ONCE(en->lastuse, jiffies);
	d = l4lb_loc_set_least(st, en, false);
	l4lb_lblcr_shrink(st, en);
	if (d >= 0 && !l4lb_loc_overloaded(st, d))
		return st->dests[d];
	d = l4lb_loc_wlc(st);
	if (d < 0)
		return NULL;
	spin_lock_bh(&st->lock);
	set_bit(d, en->set);
	WRITE_ONCE(en->lastmod, jiffies);
	spin_unlock_bh(&st->lock);
	return st->dests[d];
}

struct l4lb_sched_ops l4lb_sched_lblcr = {
	.name		= "lblcr",
	.update		= l4lb_lblcr_update,
	.pick		= l4lb_lblcr_pick,
	.destroy	= l4lb_loc_destroy,
};
