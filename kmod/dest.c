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
	dest->u_thresh = cfg->u_thresh;
	dest->l_thresh = cfg->l_thresh;
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

/* Live connections of @dest, active and inactive (IPVS's totalconns). */
static u32 l4lb_dest_total_conns(const struct l4lb_dest *dest)
{
	return (u32)atomic_read(&dest->active_conns) +
	       (u32)atomic_read(&dest->inactive_conns);
}

/*
 * Whether @dest's connections are few enough to end its overload: below
 * the lower threshold, or without one below 3/4 of the upper one, as
 * IPVS decides (ip_vs_unbind_dest()).
 */
static bool l4lb_dest_below_lower(const struct l4lb_dest *dest)
{
	u32 u = READ_ONCE(dest->u_thresh), l = READ_ONCE(dest->l_thresh);
	u64 total = l4lb_dest_total_conns(dest);

	if (l)
		return total < l;
	if (u)
		return total * 4 < (u64)u * 3;
	return true;
}

/*
 * Config path, ln->lock: new thresholds. As IPVS, an overload ends at
 * once when the upper threshold goes or rises; otherwise the next
 * connection's end decides.
 */
void l4lb_dest_set_thresh(struct l4lb_dest *dest, u32 u_thresh, u32 l_thresh)
{
	lockdep_assert_held(&dest->ln->lock);
	if (!u_thresh || u_thresh > dest->u_thresh)
		clear_bit(L4LB_DEST_OVERLOAD_BIT, &dest->flags);
	WRITE_ONCE(dest->u_thresh, u_thresh);
	WRITE_ONCE(dest->l_thresh, l_thresh);
}

/*
 * Packet path: a connection entry was counted on @dest. Lockless: the
 * test-and-set orders the second look at the counts after the flag, so
 * a connection's end racing with this one cannot leave the flag set on
 * a dest that has fallen below its lower threshold.
 */
void l4lb_dest_conn_added(struct l4lb_dest *dest)
{
	u32 u = READ_ONCE(dest->u_thresh);

	if (!u || l4lb_dest_total_conns(dest) < u)
		return;
	if (!test_and_set_bit(L4LB_DEST_OVERLOAD_BIT, &dest->flags) &&
	    l4lb_dest_below_lower(dest))
		clear_bit(L4LB_DEST_OVERLOAD_BIT, &dest->flags);
}

/*
 * Packet path or timer: a connection entry of @dest was uncounted. The
 * barrier orders that before the look at the flag (see above).
 */
void l4lb_dest_conn_removed(struct l4lb_dest *dest)
{
	if (!READ_ONCE(dest->u_thresh))
		return;
	/* The count's decrement before the look at the flag. */
	smp_mb__after_atomic();
	if (l4lb_dest_overloaded(dest) && l4lb_dest_below_lower(dest))
		clear_bit(L4LB_DEST_OVERLOAD_BIT, &dest->flags);
}
