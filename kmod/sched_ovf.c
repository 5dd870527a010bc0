// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted overflow: the dest of highest weight (the first in list order
 * among equals) until it holds as many active connections as its weight,
 * then the next highest, and so on; when every dest is full, none (the
 * new flow is dropped, as with IPVS).
 */
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_ovf_update(const struct l4lb_sched_cfg *cfg,
		struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_list_new(&l4lb_sched_ovf, dests, n);
}

static struct l4lb_dest *l4lb_ovf_pick(struct l4lb_sched_state *hdr,
				       const struct l4lb_flow *flow)
{
	struct l4lb_sched_list *st = l4lb_sched_list_of(hdr);
	unsigned int i, best = st->n;

	for (i = 0; i < st->n; i++) {
		if ((u32)atomic_read(&st->dests[i]->active_conns) >=
		    st->weight[i] || l4lb_dest_overloaded(st->dests[i]))
			continue;
		if (best == st->n || st->weight[i] > st->weight[best])
			best = i;
	}
	return best < st->n ? st->dests[best] : NULL;
}

struct l4lb_sched_ops l4lb_sched_ovf = {
	.name		= "ovf",
	.update		= l4lb_ovf_update,
	.pick		= l4lb_ovf_pick,
	.destroy	= l4lb_sched_list_destroy,
};
