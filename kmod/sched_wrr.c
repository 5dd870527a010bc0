// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin, smooth variant (see swrr.h): exact ratios per round
 * and interleaved picks. The running "cur" values are shared by all CPUs, so
 * a pick takes the state's spinlock; a pick is O(number of dests), which is
 * bounded by L4LB_DEST_MAX_PER_SVC and paid once per new flow only.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/overflow.h>
#include "l4lb.h"
#include "swrr.h"

struct l4lb_wrr_state {
	struct l4lb_sched_state	hdr;
	spinlock_t		lock;	/* protects ent[].cur */
	int			total;
	unsigned int		n;
	struct l4lb_dest	**dests;	/* points after ent[] */
	struct l4lb_swrr_entry	ent[];
};

static struct l4lb_sched_ops l4lb_wrr_ops;

static struct l4lb_sched_state *
l4lb_wrr_update(struct l4lb_dest *const *dests, unsigned int n)
{
	struct l4lb_wrr_state *st;
	unsigned int i;
	size_t size;

	size = size_add(struct_size(st, ent, n),
			array_size(n, sizeof(*dests)));
	st = kzalloc(size, GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = &l4lb_wrr_ops;
	spin_lock_init(&st->lock);
	st->n = n;
	st->dests = (struct l4lb_dest **)&st->ent[n];
	for (i = 0; i < n; i++) {
		st->dests[i] = dests[i];
		st->ent[i].weight = dests[i]->weight;
		st->ent[i].cur = 0;
		st->total += dests[i]->weight;
	}
	return &st->hdr;
}

static struct l4lb_dest *l4lb_wrr_pick(struct l4lb_sched_state *hdr)
{
	struct l4lb_wrr_state *st = container_of(hdr, struct l4lb_wrr_state,
						 hdr);
	int i;

	if (!st->n)
		return NULL;
	spin_lock_bh(&st->lock);
	i = l4lb_swrr_next(st->ent, st->n, st->total);
	spin_unlock_bh(&st->lock);
	return i < 0 ? NULL : st->dests[i];
}

static void l4lb_wrr_destroy(struct l4lb_sched_state *hdr)
{
	struct l4lb_wrr_state *st = container_of(hdr, struct l4lb_wrr_state,
						 hdr);

	kfree_rcu(st, hdr.rcu);
}

static struct l4lb_sched_ops l4lb_wrr_ops = {
	.name		= "wrr",
	.update		= l4lb_wrr_update,
	.pick		= l4lb_wrr_pick,
	.destroy	= l4lb_wrr_destroy,
};

int l4lb_sched_wrr_register(void)
{
	return l4lb_sched_register(&l4lb_wrr_ops);
}

void l4lb_sched_wrr_unregister(void)
{
	l4lb_sched_unregister(&l4lb_wrr_ops);
}
