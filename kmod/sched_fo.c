// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted failover: every new flow goes to the usable dest of highest
 * weight, the first in list order among equals. Lowering its weight, or
 * marking it down, fails over to the next. No per-pick state: the choice
 * is made once per rebuild.
 */
#include <linux/slab.h>
#include "l4lb.h"

struct l4lb_fo_state {
	struct l4lb_sched_state	hdr;
	struct l4lb_dest	*dest;	/* NULL: no usable dest */
};

static struct l4lb_sched_state *
l4lb_fo_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	struct l4lb_fo_state *st;
	unsigned int i;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = &l4lb_sched_fo;
	for (i = 0; i < n; i++)
		if (!st->dest || dests[i]->weight > st->dest->weight)
			st->dest = dests[i];
	return &st->hdr;
}

static struct l4lb_dest *l4lb_fo_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	return container_of(hdr, struct l4lb_fo_state, hdr)->dest;
}

static void l4lb_fo_destroy(struct l4lb_sched_state *hdr)
{
	kfree_rcu(container_of(hdr, struct l4lb_fo_state, hdr), hdr.rcu);
}

struct l4lb_sched_ops l4lb_sched_fo = {
	.name		= "fo",
	.update		= l4lb_fo_update,
	.pick		= l4lb_fo_pick,
	.destroy	= l4lb_fo_destroy,
};
