// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler registry. Schedulers are looked up by name when a service is
 * configured. They are all built into this module, so the registry needs
 * no module reference counting: it outlives every service.
 */
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include "l4lb.h"

static LIST_HEAD(l4lb_sched_list);
static DEFINE_MUTEX(l4lb_sched_mutex);

int l4lb_sched_register(struct l4lb_sched_ops *ops)
{
	mutex_lock(&l4lb_sched_mutex);
	if (l4lb_sched_find(ops->name)) {
		mutex_unlock(&l4lb_sched_mutex);
		return -EEXIST;
	}
	list_add_tail(&ops->list, &l4lb_sched_list);
	mutex_unlock(&l4lb_sched_mutex);
	return 0;
}

void l4lb_sched_unregister(struct l4lb_sched_ops *ops)
{
	mutex_lock(&l4lb_sched_mutex);
	list_del(&ops->list);
	mutex_unlock(&l4lb_sched_mutex);
}

/*
 * Registration only happens at module init/exit, when no netlink request
 * can run, so readers need not take the mutex.
 */
const struct l4lb_sched_ops *l4lb_sched_find(const char *name)
{
	const struct l4lb_sched_ops *ops;

	list_for_each_entry(ops, &l4lb_sched_list, list)
		if (!strcmp(ops->name, name))
			return ops;
	return NULL;
}

static struct l4lb_sched_ops *const l4lb_scheds[] = {
	&l4lb_sched_rr, &l4lb_sched_wrr, &l4lb_sched_lc, &l4lb_sched_wlc,
	&l4lb_sched_sed, &l4lb_sched_nq, &l4lb_sched_sh, &l4lb_sched_dh,
	&l4lb_sched_mh, &l4lb_sched_fo, &l4lb_sched_ovf, &l4lb_sched_lblc,
	&l4lb_sched_lblcr,
};

int l4lb_sched_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(l4lb_scheds); i++) {
		err = l4lb_sched_register(l4lb_scheds[i]);
		if (err)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (i--)
		l4lb_sched_unregister(l4lb_scheds[i]);
	return err;
}

void l4lb_sched_exit(void)
{
	unsigned int i = ARRAY_SIZE(l4lb_scheds);

	while (i--)
		l4lb_sched_unregister(l4lb_scheds[i]);
}

struct l4lb_sched_state *l4lb_sched_list_new(const struct l4lb_sched_ops *ops,
					     struct l4lb_dest *const *dests,
					     unsigned int n)
{
	struct l4lb_sched_list *st;
	unsigned int i;

	st = kzalloc(size_add(struct_size(st, dests, n),
			      array_size(n, sizeof(*st->weight))),
		     GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = ops;
	st->n = n;
	st->weight = (u32 *)&st->dests[n];
	for (i = 0; i < n; i++) {
		st->dests[i] = dests[i];
		st->weight[i] = dests[i]->weight;
	}
	return &st->hdr;
}

void l4lb_sched_list_destroy(struct l4lb_sched_state *hdr)
{
	kfree_rcu(l4lb_sched_list_of(hdr), hdr.rcu);
}

/*
 * Shortest expected delay (sed, and nq when no dest is idle): the lowest
 * (active + 1) / weight, as cross products, of the dests not overloaded;
 * the first on a tie.
 */
struct l4lb_dest *l4lb_sched_sed_least(const struct l4lb_sched_list *st)
{
	unsigned int i, least = st->n;
	u64 loh = 0, doh;

	for (i = 0; i < st->n; i++) {
		if (l4lb_dest_overloaded(st->dests[i]))
			continue;
		doh = (u32)atomic_read(&st->dests[i]->active_conns) + 1ULL;
		if (least == st->n ||
		    doh * st->weight[least] < loh * st->weight[i]) {
			least = i;
			loh = doh;
		}
	}
	return least < st->n ? st->dests[least] : NULL;
}

struct l4lb_sched_state *
l4lb_sched_buckets_new(const struct l4lb_sched_ops *ops,
		       const struct l4lb_sched_cfg *cfg,
		       struct l4lb_dest *const *dests, unsigned int n)
{
	struct l4lb_sched_buckets *st;
	unsigned int i, d = 0;
	u32 taken = 0;

	BUILD_BUG_ON(L4LB_DEST_MAX_PER_SVC > 256);	/* u8 bucket[] */
	st = kzalloc(size_add(struct_size(st, dests, n),
			      array_size(n, sizeof(*st->weight))),
		     GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = ops;
	st->flags = cfg->flags;
	st->n = n;
	st->weight = (u32 *)&st->dests[n];
	for (i = 0; i < n; i++) {
		st->dests[i] = dests[i];
		st->weight[i] = dests[i]->weight;
	}
	if (!n)
		return &st->hdr;
	for (i = 0; i < L4LB_SCHED_BUCKETS; i++) {
		st->bucket[i] = d;
		if (++taken >= st->weight[d]) {
			d = d + 1 < n ? d + 1 : 0;
			taken = 0;
		}
	}
	return &st->hdr;
}

static bool l4lb_sched_buckets_usable(const struct l4lb_sched_buckets *st,
				      unsigned int d)
{
	return st->weight[d] && !l4lb_dest_unusable(st->dests[d]) &&
	       !l4lb_dest_overloaded(st->dests[d]);
}

/*
 * The dest of bucket @hash if it is usable (weight > 0, not down,
 * deleted or overloaded); else, with @fallback, the next bucket's that is, else NULL.
 */
struct l4lb_dest *l4lb_sched_buckets_get(struct l4lb_sched_state *hdr,
					 u32 hash, bool fallback)
{
	struct l4lb_sched_buckets *st =
		container_of(hdr, struct l4lb_sched_buckets, hdr);
	unsigned int i, d;

	if (!st->n)
		return NULL;
	for (i = 0; i < L4LB_SCHED_BUCKETS; i++) {
		d = st->bucket[(hash + i) & (L4LB_SCHED_BUCKETS - 1)];
		if (l4lb_sched_buckets_usable(st, d))
			return st->dests[d];
		if (!fallback)
			break;
	}
	return NULL;
}

void l4lb_sched_buckets_destroy(struct l4lb_sched_state *hdr)
{
	kfree_rcu(container_of(hdr, struct l4lb_sched_buckets, hdr), hdr.rcu);
}
