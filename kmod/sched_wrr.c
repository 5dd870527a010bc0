// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin, smooth variant (see swrr.h): exact ratios per round
 * and interleaved picks.
 *
 * Usually the whole period of picks is computed when the dests change, and
 * a pick is one atomic increment and a table lookup, with no lock shared by
 * the CPUs. A period longer than L4LB_SWRR_SEQ_MAX (large, coprime weights)
 * falls back to running the algorithm per pick under the state's spinlock,
 * O(number of dests).
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/overflow.h>
#include "l4lb.h"
#include "swrr.h"

struct l4lb_wrr_state {
	struct l4lb_sched_state	hdr;
	atomic_t		cursor;	/* picks so far, with seq */
	unsigned int		period;	/* of seq; 0: no seq */
	u16			*seq;	/* after dests[], or NULL */
	spinlock_t		lock;	/* protects ent[].cur, without seq */
	int			total;
	unsigned int		n;
	struct l4lb_dest	**dests;	/* points after ent[] */
	struct l4lb_swrr_entry	ent[];
};

static struct l4lb_sched_state *
l4lb_wrr_update(const struct l4lb_sched_cfg *cfg,
		struct l4lb_dest *const *dests, unsigned int n)
{
	unsigned int i, period, gcd = 0;
	struct l4lb_wrr_state *st;
	size_t size;
	int total = 0;

	/* The weights first, to size the sequence (see swrr.h). */
	for (i = 0; i < n; i++) {
		total += dests[i]->weight;
		gcd = l4lb_swrr_gcd(gcd, dests[i]->weight);
	}
	period = gcd ? total / gcd : 0;
	if (period > L4LB_SWRR_SEQ_MAX)
		period = 0;

	size = size_add(size_add(struct_size(st, ent, n),
				 array_size(n, sizeof(*dests))),
			array_size(period, sizeof(*st->seq)));
	st = kzalloc(size, GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = &l4lb_sched_wrr;
	spin_lock_init(&st->lock);
	st->n = n;
	st->total = total;
	st->dests = (struct l4lb_dest **)&st->ent[n];
	for (i = 0; i < n; i++) {
		st->dests[i] = dests[i];
		st->ent[i].weight = dests[i]->weight;
	}
	if (period) {
		st->period = period;
		st->seq = (u16 *)&st->dests[n];
		l4lb_swrr_fill(st->ent, n, total, st->seq, period);
	}
	return &st->hdr;
}

static struct l4lb_dest *l4lb_wrr_pick(struct l4lb_sched_state *hdr,
				       const struct l4lb_flow *flow)
{
	struct l4lb_wrr_state *st = container_of(hdr, struct l4lb_wrr_state,
						 hdr);
	struct l4lb_dest *dest;
	unsigned int k;
	int i;

	if (!st->n)
		return NULL;
	/*
	 * An overloaded dest's turn passes to the next in the sequence;
	 * one period (or n picks without a table) without any other: none.
	 */
	if (st->seq) {
		for (k = 0; k < st->period; k++) {
			i = st->seq[(u32)(atomic_inc_return(&st->cursor) - 1) %
				    st->period];
			dest = st->dests[i];
			if (!l4lb_dest_overloaded(dest))
				return dest;
		}
		return NULL;
	}
	for (k = 0; k < st->n; k++) {
		spin_lock_bh(&st->lock);
		i = l4lb_swrr_next(st->ent, st->n, st->total);
		spin_unlock_bh(&st->lock);
		if (i < 0)
			return NULL;
		if (!l4lb_dest_overloaded(st->dests[i]))
			return st->dests[i];
	}
	return NULL;
}

static void l4lb_wrr_destroy(struct l4lb_sched_state *hdr)
{
	struct l4lb_wrr_state *st = container_of(hdr, struct l4lb_wrr_state,
						 hdr);

	kfree_rcu(st, hdr.rcu);
}

struct l4lb_sched_ops l4lb_sched_wrr = {
	.name		= "wrr",
	.update		= l4lb_wrr_update,
	.pick		= l4lb_wrr_pick,
	.destroy	= l4lb_wrr_destroy,
};
