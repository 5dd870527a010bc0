// SPDX-License-Identifier: GPL-2.0
/*
 * Destinations (real servers). A dest is owned by its service's list (one
 * reference) and by every connection scheduled to it (one reference each).
 * Deleting it only marks it DEAD and drops the list's reference; it lives on
 * until its last connection is gone, and is freed after an RCU grace period
 * because the packet path reads it without taking references.
 */
#include <linux/slab.h>
#include "l4lb.h"

struct l4lb_dest *l4lb_dest_alloc(struct l4lb_net *ln,
				  const struct l4lb_dest_cfg *cfg)
{
	struct l4lb_dest *dest;

	dest = kzalloc(sizeof(*dest), GFP_KERNEL);
	if (!dest)
		return NULL;
	if (l4lb_stats_init(&dest->stats))
		goto err_free_dest;
	INIT_LIST_HEAD(&dest->list);
	dest->ln = ln;
	dest->addr = cfg->addr;
	dest->family = cfg->family;
	dest->port = cfg->port;
	dest->fwd = cfg->fwd;
	dest->tun = cfg->tun;
	dest->weight = cfg->weight;
	if (cfg->down)
		set_bit(L4LB_DEST_DOWN_BIT, &dest->flags);
	refcount_set(&dest->refcnt, 1);
	atomic_set(&dest->active_conns, 0);
	atomic_set(&dest->inactive_conns, 0);
	atomic_inc(&ln->dest_count);
	if (dest->fwd == L4LB_FWD_NAT)
		atomic_inc(&ln->nat_dest_count);
	return dest;

err_free_dest:
	kfree(dest);
	return NULL;
}

static void l4lb_dest_free_rcu(struct rcu_head *head)
{
	struct l4lb_dest *dest = container_of(head, struct l4lb_dest, rcu);

	l4lb_route_free(dest);
	l4lb_stats_free(&dest->stats);
	kfree(dest);
}

/*
 * May run in softirq context (conn expiry). The netns is still alive here:
 * its exit path flushes conns and waits for their RCU callbacks first.
 */
void l4lb_dest_put(struct l4lb_dest *dest)
{
	if (refcount_dec_and_test(&dest->refcnt)) {
		atomic_dec(&dest->ln->dest_count);
		if (dest->fwd == L4LB_FWD_NAT)
			atomic_dec(&dest->ln->nat_dest_count);
		call_rcu(&dest->rcu, l4lb_dest_free_rcu);
	}
}
