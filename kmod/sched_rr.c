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
	int old, next;

	if (!st->n)
		return NULL;
	/* Wrap explicitly (not "counter % n") so the rotation stays exact. */
	old = atomic_read(&st->cursor);
	do {
		next = old + 1;
		if (next >= st->n)
			next = 0;
	} while (!atomic_try_cmpxchg(&st->cursor, &old, next));
	return st->dests[old];
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
