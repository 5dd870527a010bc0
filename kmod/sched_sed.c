// SPDX-License-Identifier: GPL-2.0
/*
 * Shortest expected delay: the dest with the lowest (active + 1) / weight,
 * the delay a new connection would expect there if every connection is
 * served at a rate proportional to the weight. Only active (ESTABLISHED)
 * connections count, as with IPVS; the first in list order on a tie.
 */
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_sed_update(const struct l4lb_sched_cfg *cfg,
		struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_list_new(&l4lb_sched_sed, dests, n);
}

static struct l4lb_dest *l4lb_sed_pick(struct l4lb_sched_state *hdr,
				       const struct l4lb_flow *flow)
{
	struct l4lb_sched_list *st = l4lb_sched_list_of(hdr);

	return l4lb_sched_sed_least(st);
}

struct l4lb_sched_ops l4lb_sched_sed = {
	.name		= "sed",
	.update		= l4lb_sed_update,
	.pick		= l4lb_sed_pick,
	.destroy	= l4lb_sched_list_destroy,
};
