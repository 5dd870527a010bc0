// SPDX-License-Identifier: GPL-2.0
/*
 * Least connections: the dest with the lowest overhead (an active
 * connection counts 256, an inactive one 1, as IPVS), weights aside; the
 * first in list order on a tie. The counts are the dests' own atomics,
 * read at pick time without a lock: two CPUs picking at the same moment
 * may both choose the same dest, as with IPVS.
 */
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_lc_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_list_new(&l4lb_sched_lc, dests, n);
}

static struct l4lb_dest *l4lb_lc_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	struct l4lb_sched_list *st = l4lb_sched_list_of(hdr);
	struct l4lb_dest *least = NULL;
	u64 loh = 0, doh;
	unsigned int i;

	for (i = 0; i < st->n; i++) {
		if (l4lb_dest_overloaded(st->dests[i]))
			continue;
		doh = l4lb_dest_overhead(st->dests[i]);
		if (!least || doh < loh) {
			least = st->dests[i];
			loh = doh;
		}
	}
	return least;
}

struct l4lb_sched_ops l4lb_sched_lc = {
	.name		= "lc",
	.update		= l4lb_lc_update,
	.pick		= l4lb_lc_pick,
	.destroy	= l4lb_sched_list_destroy,
};
