// SPDX-License-Identifier: GPL-2.0
/*
 * Round robin: an exact rotation over the usable dests, driven by one
 * atomic cursor. The cursor lives in the state, so it restarts from the
 * first dest when the dest set changes.
 */
#include <linux/slab.h>
#include <linux/overflow.h>
#include "l4lb.h"

struct l4lb_rr_state {
	struct l4lb_sched_state	hdr;
	atomic_t		cursor;	/* next index, always < n */
	unsigned int		n;
	struct l4lb_dest	*dests[];
};

static struct l4lb_sched_state *
l4lb_rr_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	struct l4lb_rr_state *st;

	st = kzalloc(struct_size(st, dests, n), GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = &l4lb_sched_rr;
	st->n = n;
	atomic_set(&st->cursor, 0);
	memcpy(st->dests, dests, n * sizeof(*dests));
	return &st->hdr;
}

static struct l4lb_dest *l4lb_rr_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	struct l4lb_rr_state *st = container_of(hdr, struct l4lb_rr_state, hdr);
	unsigned int i;
	int old, d, next;

	if (!st->n)
		return NULL;
	/*
	 * The first dest from the cursor on that is not overloaded; the
	 * cursor goes past it. Wrap explicitly (not "counter % n") so the
	 * rotation stays exact.
	 */
	old = atomic_read(&st->cursor);
	do {
		d = old;
		for (i = 0; l4lb_dest_overloaded(st->dests[d]); i++) {
			if (i + 1 >= st->n)
				return NULL;
			d = d + 1 < st->n ? d + 1 : 0;
		}
		next = d + 1 < st->n ? d + 1 : 0;
	} while (!atomic_try_cmpxchg(&st->cursor, &old, next));
	return st->dests[d];
}

static void l4lb_rr_destroy(struct l4lb_sched_state *hdr)
{
	struct l4lb_rr_state *st = container_of(hdr, struct l4lb_rr_state, hdr);

	kfree_rcu(st, hdr.rcu);
}

struct l4lb_sched_ops l4lb_sched_rr = {
	.name		= "rr",
	.update		= l4lb_rr_update,
	.pick		= l4lb_rr_pick,
	.destroy	= l4lb_rr_destroy,
};
