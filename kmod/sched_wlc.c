// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted least connections, the default scheduler (as ipvsadm's): the
 * dest with the lowest overhead / weight (overhead as lc's), compared as
 * cross products so that no division rounds; the first in list order on
 * a tie. Counts are read from the dests' atomics without a lock.
 */
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_wlc_update(const struct l4lb_sched_cfg *cfg,
		struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_list_new(&l4lb_sched_wlc, dests, n);
}

static struct l4lb_dest *l4lb_wlc_pick(struct l4lb_sched_state *hdr,
				       const struct l4lb_flow *flow)
{
	struct l4lb_sched_list *st = l4lb_sched_list_of(hdr);
	unsigned int i, least = st->n;
	u64 loh = 0, doh;

	for (i = 0; i < st->n; i++) {
		if (l4lb_dest_overloaded(st->dests[i]))
			continue;
		doh = l4lb_dest_overhead(st->dests[i]);
		/* doh / w[i] < loh / w[least] */
		if (least == st->n ||
		    doh * st->weight[least] < loh * st->weight[i]) {
			least = i;
			loh = doh;
		}
	}
	return least < st->n ? st->dests[least] : NULL;
}

struct l4lb_sched_ops l4lb_sched_wlc = {
	.name		= "wlc",
	.update		= l4lb_wlc_update,
	.pick		= l4lb_wlc_pick,
	.destroy	= l4lb_sched_list_destroy,
};
