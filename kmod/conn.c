// SPDX-License-Identifier: GPL-2.0
/*
 * Connection table: one global hash table for all netns, sized at module
 * load, holding at most conn_max entries. Lookups run under RCU; inserts,
 * removals, state changes and dest changes take the bucket's lock.
 *
 * Expiry: each entry has a timer and a separate "expires" field. Packets
 * only store a new expiry time; the timer handler, when it fires, re-arms
 * for the remainder if the entry was refreshed, and otherwise unlinks it.
 * The timer thus fires at most about once per timeout period, and garbage
 * collection costs O(expired entries), never a table walk.
 *
 * Entry lifetime: a hashed entry is owned by the table. Whoever unlinks it
 * (expiry handler or netns flush), under the bucket lock, owns its release.
 * The handler only acts on hashed entries, and only re-arms while holding
 * the lock with the entry hashed, so after an unlink the timer can be shut
 * down with del_timer_sync() without racing a re-arm or a double free.
 */
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/timer.h>
#include <linux/in.h>
#include <net/netns/hash.h>
#include <linux/netfilter.h>
#include "l4lb.h"
#include "compat.h"

enum l4lb_conn_state {
	L4LB_CS_NONE,
	L4LB_CS_SYN_RECV,
	L4LB_CS_ESTABLISHED,
	L4LB_CS_FIN_WAIT,
	L4LB_CS_TIME_WAIT,
	L4LB_CS_CLOSE,
	L4LB_CS_UDP,
};

/*
 * Kept small on purpose (no HWCACHE alignment, 8-byte packing): with
 * conn_max entries this is most of the module's memory.
 */
struct l4lb_conn {
	struct hlist_node		node;		/* bucket chain, RCU */
	possible_net_t			net;
	struct l4lb_dest __rcu		*dest;		/* holds a reference */
	struct timer_list		timer;
	unsigned long			expires;	/* jiffies, lockless */
	__be32				caddr;
	__be32				vaddr;
	__be16				cport;
	__be16				vport;
	u32				hash;
	u8				protocol;
	u8				state;		/* bucket lock */
	u8				hashed;		/* bucket lock */
	struct rcu_head			rcu;
};

unsigned int l4lb_conn_tab_bits = 16;
unsigned int l4lb_conn_max = 262144;

/* At most this many locks; each bucket maps to exactly one. */
#define L4LB_CONN_LOCKS_MAX	1024

static struct kmem_cache *l4lb_conn_cache;
static struct hlist_head *l4lb_conn_tab;
static spinlock_t *l4lb_conn_locks;
static unsigned int l4lb_conn_nlocks;
static u32 l4lb_conn_seed;
static atomic_t l4lb_conn_total = ATOMIC_INIT(0);

int l4lb_conn_cache_create(void)
{
	/*
	 * Checked at build time so a field added later cannot go unnoticed;
	 * not under lockdep, whose timer_list carries a lockdep_map.
	 */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_LOCKDEP) &&
		     sizeof(struct l4lb_conn) > 128);
	l4lb_conn_cache = kmem_cache_create("l4lb_conn",
					    sizeof(struct l4lb_conn), 0, 0,
					    NULL);
	return l4lb_conn_cache ? 0 : -ENOMEM;
}

void l4lb_conn_cache_destroy(void)
{
	kmem_cache_destroy(l4lb_conn_cache);
}

unsigned int l4lb_conn_entry_size(void)
{
	return kmem_cache_size(l4lb_conn_cache);
}

unsigned int l4lb_conn_buckets(void)
{
	return 1U << l4lb_conn_tab_bits;
}

int l4lb_conn_table_init(void)
{
	unsigned int i, buckets = l4lb_conn_buckets();

	l4lb_conn_tab = kvmalloc_array(buckets, sizeof(*l4lb_conn_tab),
				       GFP_KERNEL);
	if (!l4lb_conn_tab)
		return -ENOMEM;
	for (i = 0; i < buckets; i++)
		INIT_HLIST_HEAD(&l4lb_conn_tab[i]);

	l4lb_conn_nlocks = min(buckets, L4LB_CONN_LOCKS_MAX);
	l4lb_conn_locks = kvmalloc_array(l4lb_conn_nlocks,
					 sizeof(*l4lb_conn_locks), GFP_KERNEL);
	if (!l4lb_conn_locks) {
		kvfree(l4lb_conn_tab);
		return -ENOMEM;
	}
	for (i = 0; i < l4lb_conn_nlocks; i++)
		spin_lock_init(&l4lb_conn_locks[i]);
	l4lb_conn_seed = get_random_u32();
	return 0;
}

void l4lb_conn_table_free(void)
{
	WARN_ON(atomic_read(&l4lb_conn_total));
	kvfree(l4lb_conn_locks);
	kvfree(l4lb_conn_tab);
}

static u32 l4lb_conn_hash(const struct net *net, const struct l4lb_pkt *p)
{
	return jhash_3words((__force u32)p->caddr, (__force u32)p->vaddr,
			    ((__force u32)p->cport << 16 |
			     (__force u32)p->vport) ^ p->protocol,
			    l4lb_conn_seed ^ net_hash_mix(net));
}

static struct hlist_head *l4lb_conn_bucket(u32 hash)
{
	return &l4lb_conn_tab[hash & (l4lb_conn_buckets() - 1)];
}

static spinlock_t *l4lb_conn_lock(u32 hash)
{
	return &l4lb_conn_locks[hash & (l4lb_conn_nlocks - 1)];
}

static bool l4lb_conn_match(const struct l4lb_conn *c, const struct net *net,
			    const struct l4lb_pkt *p)
{
	return c->caddr == p->caddr && c->vaddr == p->vaddr &&
	       c->cport == p->cport && c->vport == p->vport &&
	       c->protocol == p->protocol && net_eq(read_pnet(&c->net), net);
}

/* RCU readers, or the bucket lock holder. */
static struct l4lb_conn *l4lb_conn_lookup(const struct net *net,
					  const struct l4lb_pkt *p, u32 hash)
{
	struct l4lb_conn *c;

	hlist_for_each_entry_rcu(c, l4lb_conn_bucket(hash), node,
				 lockdep_is_held(l4lb_conn_lock(hash)))
		if (l4lb_conn_match(c, net, p))
			return c;
	return NULL;
}

static unsigned long l4lb_state_timeout(const struct l4lb_net *ln, u8 state)
{
	u32 secs;

	switch (state) {
	case L4LB_CS_SYN_RECV:
		secs = L4LB_TIMEOUT_SYN_RECV;
		break;
	case L4LB_CS_ESTABLISHED:
		secs = READ_ONCE(ln->timeout_tcp);
		break;
	case L4LB_CS_FIN_WAIT:
	case L4LB_CS_TIME_WAIT:
		secs = READ_ONCE(ln->timeout_tcp_fin);
		break;
	case L4LB_CS_UDP:
		secs = READ_ONCE(ln->timeout_udp);
		break;
	default:
		secs = L4LB_TIMEOUT_CLOSE;
		break;
	}
	return (unsigned long)secs * HZ;
}

/* Active = ESTABLISHED, inactive = any other live state. */
static atomic_t *l4lb_conn_counter(struct l4lb_dest *dest, u8 state)
{
	return state == L4LB_CS_ESTABLISHED ? &dest->active_conns :
					      &dest->inactive_conns;
}

/*
 * TCP state from the client's packets only (DR never sees the replies).
 * Returns the next state; a SYN on a closing entry is handled by the
 * caller as a new connection.
 */
static u8 l4lb_tcp_next_state(u8 state, u8 flags)
{
	if (flags & L4LB_TCP_RST)
		return L4LB_CS_CLOSE;
	if (flags & L4LB_TCP_SYN)
		return state == L4LB_CS_NONE ? L4LB_CS_SYN_RECV : state;
	if (flags & L4LB_TCP_FIN)
		return state == L4LB_CS_TIME_WAIT || state == L4LB_CS_CLOSE ?
		       state : L4LB_CS_FIN_WAIT;
	if (flags & L4LB_TCP_ACK) {
		switch (state) {
		case L4LB_CS_NONE:
		case L4LB_CS_SYN_RECV:
			return L4LB_CS_ESTABLISHED;
		case L4LB_CS_FIN_WAIT:
			return L4LB_CS_TIME_WAIT;
		default:
			return state;
		}
	}
	return state == L4LB_CS_NONE ? L4LB_CS_ESTABLISHED : state;
}

static u8 l4lb_first_state(const struct l4lb_pkt *p)
{
	if (p->protocol == IPPROTO_UDP)
		return L4LB_CS_UDP;
	return l4lb_tcp_next_state(L4LB_CS_NONE, p->tcp_flags);
}

/* A SYN (without ACK) on a closing entry starts a new connection now. */
static bool l4lb_conn_is_restart(const struct l4lb_pkt *p, u8 state)
{
	return p->protocol == IPPROTO_TCP &&
	       (p->tcp_flags & (L4LB_TCP_SYN | L4LB_TCP_ACK | L4LB_TCP_RST)) ==
	       L4LB_TCP_SYN &&
	       (state == L4LB_CS_FIN_WAIT || state == L4LB_CS_TIME_WAIT ||
		state == L4LB_CS_CLOSE);
}

static void l4lb_conn_free_rcu(struct rcu_head *head)
{
	struct l4lb_conn *c = container_of(head, struct l4lb_conn, rcu);

	l4lb_dest_put(rcu_dereference_protected(c->dest, 1));
	kmem_cache_free(l4lb_conn_cache, c);
}

/* Bucket lock held; the caller then owns @c and must release it. */
static void l4lb_conn_unlink(struct l4lb_conn *c)
{
	struct l4lb_dest *dest;

	lockdep_assert_held(l4lb_conn_lock(c->hash));
	dest = rcu_dereference_protected(c->dest,
					 lockdep_is_held(l4lb_conn_lock(c->hash)));
	hlist_del_rcu(&c->node);
	c->hashed = 0;
	atomic_dec(l4lb_conn_counter(dest, c->state));
	atomic_dec(&dest->ln->conn_count);
	atomic_dec(&l4lb_conn_total);
}

/* Timer is dead (or is the caller); readers may still hold @c. */
static void l4lb_conn_release(struct l4lb_conn *c)
{
	call_rcu(&c->rcu, l4lb_conn_free_rcu);
}

static void l4lb_conn_expire(struct timer_list *t)
{
	struct l4lb_conn *c = from_timer(c, t, timer);
	spinlock_t *lock = l4lb_conn_lock(c->hash);
	unsigned long expires;

	spin_lock_bh(lock);
	if (!c->hashed) {
		/* A flush unlinked it and owns it now. */
		spin_unlock_bh(lock);
		return;
	}
	expires = READ_ONCE(c->expires);
	if (time_after(expires, jiffies)) {
		/* Refreshed by traffic since armed: sleep for the rest. */
		mod_timer(&c->timer, expires);
		spin_unlock_bh(lock);
		return;
	}
	l4lb_conn_unlink(c);
	spin_unlock_bh(lock);
	l4lb_conn_release(c);
}

/*
 * Set a new expiry under the bucket lock. The timer only ever fires late
 * relative to "expires" when the timeout shrinks (e.g. ESTABLISHED to
 * CLOSE), so pull it in then.
 */
static void l4lb_conn_set_expiry_locked(struct l4lb_conn *c,
					unsigned long expires)
{
	WRITE_ONCE(c->expires, expires);
	timer_reduce(&c->timer, expires);
}

static void l4lb_conn_count_new(struct l4lb_service *svc,
				struct l4lb_dest *dest)
{
	l4lb_stats_inc(&svc->stats, L4LB_CTR_CONNS);
	l4lb_stats_inc(&dest->stats, L4LB_CTR_CONNS);
}

/*
 * Schedule a new flow and insert it. Returns the dest to send to (valid
 * under RCU), or NULL with the drop already counted. If another CPU
 * inserted the same flow first, *raced is set and the caller retries.
 */
static struct l4lb_dest *l4lb_conn_create(struct l4lb_net *ln,
					  struct l4lb_service *svc,
					  const struct l4lb_pkt *p, u32 hash,
					  bool *raced)
{
	spinlock_t *lock = l4lb_conn_lock(hash);
	struct l4lb_dest *dest;
	struct l4lb_conn *c;

	dest = l4lb_svc_pick_dest(svc);
	if (!dest) {
		l4lb_count_drop(ln, L4LB_DROP_NO_DEST);
		return NULL;
	}
	if (atomic_inc_return(&l4lb_conn_total) > READ_ONCE(l4lb_conn_max)) {
		l4lb_count_drop(ln, L4LB_DROP_TABLE_FULL);
		goto err_uncount;
	}
	c = kmem_cache_alloc(l4lb_conn_cache, GFP_ATOMIC);
	if (!c)
		goto err_uncount;

	write_pnet(&c->net, ln->net);
	RCU_INIT_POINTER(c->dest, dest);
	c->caddr = p->caddr;
	c->vaddr = p->vaddr;
	c->cport = p->cport;
	c->vport = p->vport;
	c->protocol = p->protocol;
	c->hash = hash;
	c->state = l4lb_first_state(p);
	c->expires = jiffies + l4lb_state_timeout(ln, c->state);
	timer_setup(&c->timer, l4lb_conn_expire, 0);

	spin_lock_bh(lock);
	if (l4lb_conn_lookup(ln->net, p, hash)) {
		spin_unlock_bh(lock);
		kmem_cache_free(l4lb_conn_cache, c);
		*raced = true;
		goto err_uncount;
	}
	c->hashed = 1;
	hlist_add_head_rcu(&c->node, l4lb_conn_bucket(hash));
	atomic_inc(l4lb_conn_counter(dest, c->state));
	atomic_inc(&ln->conn_count);
	c->timer.expires = c->expires;
	add_timer(&c->timer);
	spin_unlock_bh(lock);

	l4lb_conn_count_new(svc, dest);
	return dest;

err_uncount:
	atomic_dec(&l4lb_conn_total);
	l4lb_dest_put(dest);
	return NULL;
}

/*
 * Existing flow whose state changes, whose dest was deleted ("no
 * blackholes": move it to a live dest of the same service), or which is
 * restarted by a new SYN ("no stalls": schedule afresh, never wait for the
 * old entry to expire). Returns the dest to use, NULL to drop (counted),
 * or ERR_PTR(-EAGAIN) if the entry vanished meanwhile.
 */
static struct l4lb_dest *l4lb_conn_change(struct l4lb_net *ln,
					  struct l4lb_service *svc,
					  struct l4lb_conn *c,
					  const struct l4lb_pkt *p,
					  bool need_dest)
{
	spinlock_t *lock = l4lb_conn_lock(c->hash);
	struct l4lb_dest *old, *fresh = NULL, *put = NULL, *use;
	bool restart;
	u8 state;

	if (need_dest) {
		fresh = l4lb_svc_pick_dest(svc);
		if (!fresh) {
			l4lb_count_drop(ln, L4LB_DROP_NO_DEST);
			return NULL;
		}
	}

	spin_lock_bh(lock);
	if (!c->hashed) {
		spin_unlock_bh(lock);
		if (fresh)
			l4lb_dest_put(fresh);
		return ERR_PTR(-EAGAIN);
	}
	old = rcu_dereference_protected(c->dest, lockdep_is_held(lock));
	/* Re-decide under the lock: another CPU may have done it already. */
	restart = l4lb_conn_is_restart(p, c->state);
	if (p->protocol == IPPROTO_UDP)
		state = L4LB_CS_UDP;
	else if (restart)
		state = L4LB_CS_SYN_RECV;
	else
		state = l4lb_tcp_next_state(c->state, p->tcp_flags);

	atomic_dec(l4lb_conn_counter(old, c->state));
	use = old;
	if (fresh && (restart || l4lb_dest_is_dead(old))) {
		rcu_assign_pointer(c->dest, fresh);
		use = fresh;
		put = old;
		fresh = NULL;
	}
	c->state = state;
	atomic_inc(l4lb_conn_counter(use, state));
	l4lb_conn_set_expiry_locked(c, jiffies + l4lb_state_timeout(ln, state));
	spin_unlock_bh(lock);

	if (restart)
		l4lb_conn_count_new(svc, use);
	else if (put)
		l4lb_stats_inc(&use->stats, L4LB_CTR_CONNS);
	/* Freed after a grace period, so concurrent readers stay safe. */
	if (put)
		l4lb_dest_put(put);
	if (fresh)
		l4lb_dest_put(fresh);
	return use;
}

/*
 * Packet path entry: find or create the flow's connection, update it, and
 * hand the packet to the transmitter. Returns a netfilter verdict.
 */
unsigned int l4lb_conn_in(struct l4lb_net *ln, struct l4lb_service *svc,
			  struct sk_buff *skb, const struct l4lb_pkt *p)
{
	u32 hash = l4lb_conn_hash(ln->net, p);
	struct l4lb_dest *dest = NULL;
	struct l4lb_conn *c;
	unsigned int segs;
	int tries;

	for (tries = 0; tries < 3 && !dest; tries++) {
		bool raced = false;
		unsigned long expires;
		u8 state, next;

		c = l4lb_conn_lookup(ln->net, p, hash);
		if (!c) {
			dest = l4lb_conn_create(ln, svc, p, hash, &raced);
			if (!dest && !raced)
				return NF_DROP;
			continue;
		}

		dest = rcu_dereference(c->dest);
		state = READ_ONCE(c->state);
		if (p->protocol == IPPROTO_UDP)
			next = L4LB_CS_UDP;
		else
			next = l4lb_tcp_next_state(state, p->tcp_flags);
		if (l4lb_conn_is_restart(p, state) ||
		    l4lb_dest_is_dead(dest) || next != state) {
			dest = l4lb_conn_change(ln, svc, c, p,
						l4lb_conn_is_restart(p, state) ||
						l4lb_dest_is_dead(dest));
			if (!dest)
				return NF_DROP;
			if (IS_ERR(dest))
				dest = NULL;	/* expired meanwhile: retry */
			continue;
		}
		/* Hot path: same state, just push the expiry out. */
		expires = jiffies + l4lb_state_timeout(ln, state);
		if (READ_ONCE(c->expires) != expires)
			WRITE_ONCE(c->expires, expires);
	}
	if (!dest)
		return NF_DROP;

	/* A GRO packet counts as the packets it was built from. */
	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	l4lb_stats_add2(&svc->stats, L4LB_CTR_PKTS_IN, segs,
			L4LB_CTR_BYTES_IN, skb->len);
	l4lb_stats_add2(&dest->stats, L4LB_CTR_PKTS_IN, segs,
			L4LB_CTR_BYTES_IN, skb->len);
	return l4lb_xmit(ln, skb, dest);
}

/*
 * Netns teardown: remove every entry of @net. The hooks are already
 * unregistered, so no new entries appear. A full walk is fine here.
 */
void l4lb_conn_flush_net(struct net *net)
{
	unsigned int i, buckets = l4lb_conn_buckets();

	for (i = 0; i < buckets; i++) {
		spinlock_t *lock = &l4lb_conn_locks[i & (l4lb_conn_nlocks - 1)];

		for (;;) {
			struct l4lb_conn *c, *found = NULL;

			spin_lock_bh(lock);
			hlist_for_each_entry_rcu(c, &l4lb_conn_tab[i], node,
						 lockdep_is_held(lock)) {
				if (net_eq(read_pnet(&c->net), net)) {
					found = c;
					break;
				}
			}
			if (found)
				l4lb_conn_unlink(found);
			spin_unlock_bh(lock);
			if (!found)
				break;
			/* Waits out a running handler; it sees !hashed. */
			l4lb_timer_shutdown_sync(&found->timer);
			l4lb_conn_release(found);
		}
		if (!(i & 1023))
			cond_resched();
	}
}
