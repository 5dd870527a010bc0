// SPDX-License-Identifier: GPL-2.0
/*
 * Never queue: the first dest (in list order) with no active connection,
 * whatever its weight; when every dest has some, the shortest expected
 * delay (sed).
 */
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_nq_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_list_new(&l4lb_sched_nq, dests, n);
}

static struct l4lb_dest *l4lb_nq_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	struct l4lb_sched_list *st = l4lb_sched_list_of(hdr);
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (!atomic_read(&st->dests[i]->active_conns) &&
		    !l4lb_dest_overloaded(st->dests[i]))
			return st->dests[i];
	return l4lb_sched_sed_least(st);
}

struct l4lb_sched_ops l4lb_sched_nq = {
	.name		= "nq",
	.update		= l4lb_nq_update,
	.pick		= l4lb_nq_pick,
	.destroy	= l4lb_sched_list_destroy,
};
