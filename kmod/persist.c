// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence templates, as IPVS's: a persistent service binds each
 * client (its address masked to the service's prefix) to the dest its
 * first new connection was scheduled to, and sends the client's further
 * new connections there, for the service's timeout after the last one.
 *
 * One table per netns, apart from the connection table (a connection
 * entry has no room for this, and a template is per client, not per
 * flow). Lookups run under RCU on the packet path, for new connections
 * only; inserts and removals take the netns's template lock. At most
 * persist_max templates per netns: a new one past that replaces the
 * oldest. Expiry as in conn.c: a timer per template that re-arms for the
 * remainder when the template was used meanwhile, so a template costs
 * about one timer run per timeout, and no walk of the table is needed.
 *
 * Lifetime: a hashed template is owned by the table; whoever unhashes it
 * under the lock (its timer, eviction, replacement, a flush) releases it
 * after a grace period, which drops its dest. A service's templates are
 * flushed before the service is freed, so a reader that found a template
 * may use its service.
 */
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/timer.h>
#include <linux/hash.h>
#include <net/ipv6.h>
#include "l4lb.h"
#include "compat.h"

unsigned int l4lb_persist_max = L4LB_PERSIST_MAX_DEFAULT;

void l4lb_persist_init(struct l4lb_persist *pt)
{
	unsigned int i;

	spin_lock_init(&pt->lock);
	for (i = 0; i < L4LB_PERSIST_TAB_SIZE; i++)
		INIT_HLIST_HEAD(&pt->tab[i]);
	INIT_LIST_HEAD(&pt->all);
	atomic_set(&pt->count, 0);
}

/* @flow's client address, its first @prefix bits kept. */
static void l4lb_persist_mask(union l4lb_addr *out, const struct l4lb_flow *flow,
			      u8 prefix)
{
	if (flow->family == AF_INET6) {
		ipv6_addr_prefix(&out->in6, &flow->saddr.in6, prefix);
		return;
	}
	l4lb_addr_set4(out, prefix ? flow->saddr.ip &
				     htonl(~0U << (32 - prefix)) : 0);
}

static u32 l4lb_persist_hash(const struct l4lb_service *svc,
			     const union l4lb_addr *caddr)
{
	/* Only administrators add services; clients cannot aim at a chain. */
	return l4lb_addr_hash(svc->key.family, caddr,
			      hash_ptr(svc, 32)) & (L4LB_PERSIST_TAB_SIZE - 1);
}

static struct l4lb_tmpl *l4lb_persist_lookup(struct l4lb_persist *pt,
					     const struct l4lb_service *svc,
					     const union l4lb_addr *caddr,
					     u32 hash)
{
	struct l4lb_tmpl *t;

	hlist_for_each_entry_rcu(t, &pt->tab[hash], node,
				 lockdep_is_held(&pt->lock))
		if (t->svc == svc && l4lb_addr_eq(&t->caddr, caddr))
			return t;
	return NULL;
}

static void l4lb_tmpl_free_rcu(struct rcu_head *head)
{
	struct l4lb_tmpl *t = container_of(head, struct l4lb_tmpl, rcu);

	l4lb_dest_put(t->dest);
	kfree(t);
}

/* Template lock held; the caller then owns @t and must release it. */
static void l4lb_tmpl_unlink(struct l4lb_persist *pt, struct l4lb_tmpl *t)
{
	lockdep_assert_held(&pt->lock);
	hlist_del_rcu(&t->node);
	list_del(&t->list);
	t->hashed = false;
	atomic_dec(&pt->count);
}

/* As l4lb_conn_release(): the timer is dead, the caller, or harmless. */
static void l4lb_tmpl_release(struct l4lb_tmpl *t)
{
	call_rcu(&t->rcu, l4lb_tmpl_free_rcu);
}

static void l4lb_tmpl_expire(struct timer_list *timer)
{
	struct l4lb_tmpl *t = from_timer(t, timer, timer);
	struct l4lb_persist *pt = &t->dest->ln->persist;
	unsigned long expires;

	spin_lock_bh(&pt->lock);
	if (!t->hashed) {
		spin_unlock_bh(&pt->lock);
		return;
	}
	expires = READ_ONCE(t->expires);
	if (time_after(expires, jiffies)) {
		struct l4lb_net *ln = t->dest->ln;

		/* As a conn's: a sync master refreshes the backup's copy. */
		l4lb_sync_tmpl(ln, t);
		mod_timer(&t->timer, l4lb_sync_timer_at(ln, expires));
		spin_unlock_bh(&pt->lock);
		return;
	}
	l4lb_tmpl_unlink(pt, t);
	spin_unlock_bh(&pt->lock);
	l4lb_tmpl_release(t);
}

/* Packet path: unhash @t if it still is; del_timer() as conn.c's kill. */
static void l4lb_tmpl_kill(struct l4lb_persist *pt, struct l4lb_tmpl *t)
{
	bool mine = false;

	spin_lock_bh(&pt->lock);
	if (t->hashed) {
		l4lb_tmpl_unlink(pt, t);
		mine = true;
	}
	spin_unlock_bh(&pt->lock);
	if (mine) {
		del_timer(&t->timer);
		l4lb_tmpl_release(t);
	}
}

/*
 * Whether @t may direct a new connection: alive, its dest neither
 * deleted nor down, nor (unless the netns keeps quiescent templates)
 * of weight 0.
 */
static bool l4lb_tmpl_usable(const struct l4lb_net *ln,
			     const struct l4lb_tmpl *t)
{
	if (!time_before(jiffies, READ_ONCE(t->expires)) ||
	    l4lb_dest_unusable(t->dest))
		return false;
	return READ_ONCE(t->dest->weight) ||
	       (READ_ONCE(ln->flags) & L4LB_NET_F_KEEP_QUIESCENT);
}

/*
 * Bind @caddr to @dest (held by the caller, who keeps its reference)
 * for @ttl jiffies: a new template, replacing any other of the same key
 * (stale, or made by another CPU meanwhile), and past the limit the
 * oldest. Without memory nothing is bound: the connection still goes to
 * @dest. @sync: a sync master hears of it (not a backup's install).
 * False if nothing was bound.
 */
static bool l4lb_tmpl_new(struct l4lb_service *svc, struct l4lb_dest *dest,
			  const union l4lb_addr *caddr, u32 hash,
			  unsigned long ttl, bool sync)
{
	struct l4lb_persist *pt = &svc->ln->persist;
	struct l4lb_tmpl *t, *old, *victim = NULL;

	t = kmalloc(sizeof(*t), GFP_ATOMIC);
	if (!t)
		return false;
	refcount_inc(&dest->refcnt);
	t->svc = svc;
	t->dest = dest;
	t->caddr = *caddr;
	t->expires = jiffies + ttl;
	timer_setup(&t->timer, l4lb_tmpl_expire, 0);

	spin_lock_bh(&pt->lock);
	if (svc->tmpl_closed) {
		spin_unlock_bh(&pt->lock);
		refcount_dec(&dest->refcnt);
		kfree(t);
		return false;
	}
	old = l4lb_persist_lookup(pt, svc, caddr, hash);
	if (old)
		l4lb_tmpl_unlink(pt, old);
	else if (atomic_read(&pt->count) >= READ_ONCE(l4lb_persist_max) &&
		 !list_empty(&pt->all))
		victim = list_first_entry(&pt->all, struct l4lb_tmpl, list);
	if (victim)
		l4lb_tmpl_unlink(pt, victim);
	hlist_add_head_rcu(&t->node, &pt->tab[hash]);
	list_add_tail(&t->list, &pt->all);
	t->hashed = true;
	atomic_inc(&pt->count);
	/* A backup's copy fires at its expiry: as conn.c's, l4lb_conn_sync_in() */
	t->timer.expires = sync ? l4lb_sync_timer_at(svc->ln, t->expires) :
				  t->expires;
	add_timer(&t->timer);
	if (sync)
		l4lb_sync_tmpl(svc->ln, t);
	spin_unlock_bh(&pt->lock);

	old = old ?: victim;
	if (old) {
		del_timer(&old->timer);
		l4lb_tmpl_release(old);
	}
	return true;
}

/*
 * Packet path, RCU: a dest for a new connection of @flow to @svc, with a
 * reference for the connection, or NULL. A persistent service asks its
 * client's template first, and schedules (and binds) only without a
 * usable one.
 */
struct l4lb_dest *l4lb_persist_pick(struct l4lb_service *svc,
				    const struct l4lb_flow *flow)
{
	u32 timeout = READ_ONCE(svc->persist.timeout);
	struct l4lb_persist *pt = &svc->ln->persist;
	union l4lb_addr caddr;
	struct l4lb_dest *dest;
	struct l4lb_tmpl *t;
	unsigned long expires;
	u32 hash;

	if (!timeout)
		return l4lb_svc_pick_dest(svc, flow);
	l4lb_persist_mask(&caddr, flow, READ_ONCE(svc->persist.prefix));
	hash = l4lb_persist_hash(svc, &caddr);
	t = l4lb_persist_lookup(pt, svc, &caddr, hash);
	if (t && l4lb_tmpl_usable(svc->ln, t) && l4lb_dest_hold(t->dest)) {
		expires = jiffies + timeout * HZ;
		if (READ_ONCE(t->expires) != expires)
			WRITE_ONCE(t->expires, expires);
		return t->dest;
	}
	if (t)
		l4lb_tmpl_kill(pt, t);
	dest = l4lb_svc_pick_dest(svc, flow);
	if (dest)
		l4lb_tmpl_new(svc, dest, &caddr, hash,
			      (unsigned long)timeout * HZ, true);
	return dest;
}

/*
 * Connection sync, backup (config lock held): the template of @svc for
 * client @caddr (masked already) on @dest, one of @svc's, expiring in
 * @ttl jiffies, replacing any of the same key. False without memory.
 */
bool l4lb_persist_sync_in(struct l4lb_service *svc, struct l4lb_dest *dest,
			  const union l4lb_addr *caddr, unsigned long ttl)
{
	lockdep_assert_held(&svc->ln->lock);
	return l4lb_tmpl_new(svc, dest, caddr, l4lb_persist_hash(svc, caddr),
			     ttl, false);
}

/*
 * Config or netns teardown: drop the templates of @svc, or with NULL all
 * of the netns; @closing: @svc is being deleted and takes no new one.
 * Process context: the timers are shut down for good.
 */
void l4lb_persist_flush(struct l4lb_net *ln, struct l4lb_service *svc,
			bool closing)
{
	struct l4lb_persist *pt = &ln->persist;
	struct l4lb_tmpl *t, *tmp;
	LIST_HEAD(dead);

	lockdep_assert_held(&ln->lock);
	spin_lock_bh(&pt->lock);
	/* A packet that found @svc before it went cannot bind after this. */
	if (closing)
		svc->tmpl_closed = true;
	list_for_each_entry_safe(t, tmp, &pt->all, list) {
		if (svc && t->svc != svc)
			continue;
		l4lb_tmpl_unlink(pt, t);
		list_add_tail(&t->list, &dead);
	}
	spin_unlock_bh(&pt->lock);
	list_for_each_entry_safe(t, tmp, &dead, list) {
		l4lb_timer_shutdown_sync(&t->timer);
		l4lb_tmpl_release(t);
	}
}

/*
 * Dump support, as l4lb_conn_walk(): @fn on each template from bucket
 * *@bucket on, skipping the first *@skip of it, until @fn returns nonzero.
 */
int l4lb_persist_walk(struct l4lb_net *ln, unsigned long *bucket,
		      unsigned long *skip,
		      int (*fn)(const struct l4lb_tmpl *t, void *arg),
		      void *arg)
{
	struct l4lb_persist *pt = &ln->persist;
	const struct l4lb_tmpl *t;
	unsigned long b;
	int err = 0;

	for (b = *bucket; b < L4LB_PERSIST_TAB_SIZE && !err; b++) {
		unsigned long idx = 0;

		rcu_read_lock();
		hlist_for_each_entry_rcu(t, &pt->tab[b], node) {
			if (idx++ < *skip)
				continue;
			err = fn(t, arg);
			if (err) {
				*skip = idx - 1;
				break;
			}
		}
		rcu_read_unlock();
		if (err)
			break;
		*skip = 0;
	}
	*bucket = b;
	return err;
}
