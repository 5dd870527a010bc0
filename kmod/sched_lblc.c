// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least connections: a flow's destination address keeps
 * the dest it was given first (sched_loc.h's table), unless that dest is
 * overloaded (more active connections than its weight while another has
 * fewer than half its weight) or out of use; then weighted least
 * connections chooses, and the address keeps that one. Meant for caches
 * in front of many destination addresses; a service here has one VIP, so
 * all its flows share one entry.
 */
#include "l4lb.h"
#include "sched_loc.h"

static struct l4lb_sched_state *
l4lb_lblc_update(const struct l4lb_sched_cfg *cfg,
		 struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_loc_new(&l4lb_sched_lblc, dests, n);
}

static struct l4lb_dest *l4lb_lblc_pick(struct l4lb_sched_state *hdr,
					const struct l4lb_flow *flow)
{
	struct l4lb_loc_state *st = l4lb_loc_of(hdr);
	struct l4lb_loc_entry *en;
	int d;

	en = l4lb_loc_lookup(st, flow);
	if (en) {
		WRITE_ONCE(en->lastuse, jiffies);
		d = l4lb_loc_set_least(st, en, false);
		if (d >= 0 && !l4lb_loc_overloaded(st, d))
			return st->dests[d];
	}
	d = l4lb_loc_wlc(st);
	if (d < 0)
		return NULL;
	l4lb_loc_insert(st, flow, d);
	return st->dests[d];
}

struct l4lb_sched_ops l4lb_sched_lblc = {
	.name		= "lblc",
	.update		= l4lb_lblc_update,
	.pick		= l4lb_lblc_pick,
	.destroy	= l4lb_loc_destroy,
};
