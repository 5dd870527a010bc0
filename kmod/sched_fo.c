// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted failover: every new flow goes to the usable dest of highest
 * weight that is not overloaded, the first in list order among equals.
 * Lowering its weight, marking it down, or its reaching its upper
 * threshold fails over to the next. The dests are sorted by weight once
 * per rebuild: a pick takes the first one not overloaded.
 */
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_fo_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	struct l4lb_sched_state *hdr;
	struct l4lb_sched_list *st;
	struct l4lb_dest *d;
	unsigned int i, j;
	u32 w;

	hdr = l4lb_sched_list_new(&l4lb_sched_fo, dests, n);
	if (!hdr)
		return NULL;
	st = l4lb_sched_list_of(hdr);
	/* Insertion sort, stable: highest weight first, list order within. */
	for (i = 1; i < st->n; i++) {
		d = st->dests[i];
		w = st->weight[i];
		for (j = i; j > 0 && st->weight[j - 1] < w; j--) {
			st->dests[j] = st->dests[j - 1];
			st->weight[j] = st->weight[j - 1];
		}
		st->dests[j] = d;
		st->weight[j] = w;
	}
	return hdr;
}

static struct l4lb_dest *l4lb_fo_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	struct l4lb_sched_list *st = l4lb_sched_list_of(hdr);
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (!l4lb_dest_overloaded(st->dests[i]))
			return st->dests[i];
	return NULL;
}

struct l4lb_sched_ops l4lb_sched_fo = {
	.name		= "fo",
	.update		= l4lb_fo_update,
	.pick		= l4lb_fo_pick,
	.destroy	= l4lb_sched_list_destroy,
};
