// SPDX-License-Identifier: GPL-2.0
/*
 * Connection table: one global hash table for all netns, sized at module
 * load, holding at most conn_max entries, keyed by the client side of a flow
 * (family, client address and port, VIP and port, protocol). NAT entries are also
 * chained in a second table keyed by the server side (real server address
 * and port, client address and port), which is how replies are recognised.
 * Lookups run under RCU; inserts, removals and state changes take the
 * client-side bucket's lock, then (NAT) the server-side bucket's lock.
 *
 * An entry's keys and dest never change. A flow that must move to another
 * dest (its dest was deleted, or a new SYN reuses a closing entry) gets a
 * new entry, so the server-side chain never needs rehashing.
 *
 * Expiry: each entry has a timer and a separate "expires" field. Packets
 * only store a new expiry time; the timer handler, when it fires, re-arms
 * for the remainder if the entry was refreshed, and otherwise unlinks it.
 * The timer thus fires at most about once per timeout period, and garbage
 * collection costs O(expired entries), never a table walk.
 *
 * Admission: a TCP flow starts with a SYN (without ACK, RST or FIN), as
 * with IPVS; another packet of no flow is not ours (the local stack
 * resets it), unless the netns or the service turned mid-flow pickup on.
 * An entry whose flow has not proved itself yet (TCP in SYN_RECV, also
 * when picked up mid-flow, UDP until a second client datagram in DR or
 * a reply in NAT) is unconfirmed and short-lived.
 * The table holds at most conn_max entries, a netns at most its
 * conn_limit: a new flow past either takes the place of an unconfirmed or
 * closing entry near its bucket (l4lb_conn_evict(), conntrack's early
 * drop), or is dropped if there is none. Spoofed packets thus neither
 * hold entries for long nor keep real clients out.
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
#include <net/dst.h>
#include <net/ipv6.h>
#include "l4lb.h"
#include "compat.h"


unsigned int l4lb_conn_tab_bits = 16;
unsigned int l4lb_conn_max = 262144;

/* At most this many locks; each bucket maps to exactly one. */
#define L4LB_CONN_LOCKS_MAX	1024

/*
 * Entry layout: one table for both families, the family being part of a
 * flow's key, and one slab cache per family. An entry's addresses come
 * last (struct l4lb_conn), and an IPv4 entry is allocated without the
 * room an IPv6 one's need: 136 bytes, as before IPv6, against 160 (one
 * table serving both with the address union in every entry would take
 * 160 for each). Caches by family: L4LB_CONN_V4, L4LB_CONN_V6.
 */
enum {
	L4LB_CONN_V4,
	L4LB_CONN_V6,
	L4LB_CONN_NR_FAMILIES
};

#define L4LB_CONN_SIZE_V4	offsetofend(struct l4lb_conn, a.v4)
#define L4LB_CONN_SIZE_V6	offsetofend(struct l4lb_conn, a.v6)

static struct kmem_cache *l4lb_conn_caches[L4LB_CONN_NR_FAMILIES];
static struct hlist_head *l4lb_conn_tab;
static struct hlist_head *l4lb_conn_rtab;	/* server-side keys */
static spinlock_t *l4lb_conn_locks;
static spinlock_t *l4lb_conn_rlocks;
static unsigned int l4lb_conn_nlocks;
/*
 * An rlock is taken with a client-side lock held, never the other way
 * round: two lockdep classes, or lockdep sees recursive locking.
 */
static struct lock_class_key l4lb_conn_lock_key;
static struct lock_class_key l4lb_conn_rlock_key;
static u32 l4lb_conn_seed;
/* Entries, and those being made (l4lb_conn_reserve()). */
static atomic_t l4lb_conn_total = ATOMIC_INIT(0);

/*
 * Eviction looks for up to this many candidates (evictable entries of
 * the right netns) from the new flow's bucket on, in as many buckets as
 * hold twice that many at the limit's density (limit / buckets), but
 * never more than this many buckets or entries: bounded work per new
 * flow. A limit that is a small share of the buckets (below a sixteenth)
 * offers fewer.
 */
#define L4LB_EVICT_CANDIDATES	16
#define L4LB_EVICT_BUCKETS_MAX	1024
#define L4LB_EVICT_ENTRIES	128

int l4lb_conn_cache_create(void)
{
	/*
	 * Checked at build time so a field added later cannot go unnoticed;
	 * not under lockdep, whose timer_list carries a lockdep_map.
	 */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_LOCKDEP) &&
		     (L4LB_CONN_SIZE_V4 > 144 || L4LB_CONN_SIZE_V6 > 192));
	l4lb_conn_caches[L4LB_CONN_V4] =
		l4lb_cache_create_unmerged("l4lb_conn", L4LB_CONN_SIZE_V4);
	if (!l4lb_conn_caches[L4LB_CONN_V4])
		return -ENOMEM;
	l4lb_conn_caches[L4LB_CONN_V6] =
		l4lb_cache_create_unmerged("l4lb_conn6", L4LB_CONN_SIZE_V6);
	if (!l4lb_conn_caches[L4LB_CONN_V6])
		goto err_destroy_v4;
	return 0;

err_destroy_v4:
	kmem_cache_destroy(l4lb_conn_caches[L4LB_CONN_V4]);
	return -ENOMEM;
}

void l4lb_conn_cache_destroy(void)
{
	kmem_cache_destroy(l4lb_conn_caches[L4LB_CONN_V6]);
	kmem_cache_destroy(l4lb_conn_caches[L4LB_CONN_V4]);
}

/* Bytes per entry of @family (AF_INET or AF_INET6): its slab object. */
unsigned int l4lb_conn_entry_size(u8 family)
{
	return kmem_cache_size(l4lb_conn_caches[family == AF_INET6 ?
						L4LB_CONN_V6 : L4LB_CONN_V4]);
}

static bool l4lb_conn_is_inet6(const struct l4lb_conn *c)
{
	return READ_ONCE(c->flags) & L4LB_CONN_F_INET6;
}

static struct kmem_cache *l4lb_conn_cache_of(const struct l4lb_conn *c)
{
	return l4lb_conn_caches[l4lb_conn_is_inet6(c) ? L4LB_CONN_V6 :
							L4LB_CONN_V4];
}

unsigned int l4lb_conn_buckets(void)
{
	return 1U << l4lb_conn_tab_bits;
}

static struct hlist_head *l4lb_conn_buckets_alloc(void)
{
	unsigned int i, buckets = l4lb_conn_buckets();
	struct hlist_head *tab;

	tab = kvmalloc_array(buckets, sizeof(*tab), GFP_KERNEL);
	if (tab)
		for (i = 0; i < buckets; i++)
			INIT_HLIST_HEAD(&tab[i]);
	return tab;
}

static spinlock_t *l4lb_conn_locks_alloc(struct lock_class_key *key)
{
	spinlock_t *locks;
	unsigned int i;

	locks = kvmalloc_array(l4lb_conn_nlocks, sizeof(*locks), GFP_KERNEL);
	if (locks)
		for (i = 0; i < l4lb_conn_nlocks; i++) {
			spin_lock_init(&locks[i]);
			lockdep_set_class(&locks[i], key);
		}
	return locks;
}

int l4lb_conn_table_init(void)
{
	l4lb_conn_nlocks = min(l4lb_conn_buckets(), L4LB_CONN_LOCKS_MAX);
	l4lb_conn_tab = l4lb_conn_buckets_alloc();
	if (!l4lb_conn_tab)
		return -ENOMEM;
	l4lb_conn_rtab = l4lb_conn_buckets_alloc();
	if (!l4lb_conn_rtab)
		goto err_free_tab;
	l4lb_conn_locks = l4lb_conn_locks_alloc(&l4lb_conn_lock_key);
	if (!l4lb_conn_locks)
		goto err_free_rtab;
	l4lb_conn_rlocks = l4lb_conn_locks_alloc(&l4lb_conn_rlock_key);
	if (!l4lb_conn_rlocks)
		goto err_free_locks;
	l4lb_conn_seed = get_random_u32();
	return 0;

err_free_locks:
	kvfree(l4lb_conn_locks);
err_free_rtab:
	kvfree(l4lb_conn_rtab);
err_free_tab:
	kvfree(l4lb_conn_tab);
	return -ENOMEM;
}

void l4lb_conn_table_free(void)
{
	WARN_ON(atomic_read(&l4lb_conn_total));
	kvfree(l4lb_conn_rlocks);
	kvfree(l4lb_conn_locks);
	kvfree(l4lb_conn_rtab);
	kvfree(l4lb_conn_tab);
}

/*
 * Client-side key: @n address words each (1 for IPv4, 4 for IPv6), the
 * ports and the protocol, hashed with jhash2(); IPv4 costs what
 * jhash_3words() did (inlined, so @n is a constant).
 */
static __always_inline u32
l4lb_conn_key_hash(const struct net *net, unsigned int n, const __be32 *caddr,
		   const __be32 *vaddr, __be16 cport, __be16 vport, u8 protocol)
{
	u32 k[2 * 4 + 1];
	unsigned int i;

	for (i = 0; i < n; i++) {
		k[i] = (__force u32)caddr[i];
		k[n + i] = (__force u32)vaddr[i];
	}
	k[2 * n] = ((__force u32)cport << 16 | (__force u32)vport) ^ protocol;
	return jhash2(k, 2 * n + 1, l4lb_conn_seed ^ net_hash_mix(net));
}

static u32 l4lb_conn_hash(const struct net *net, const struct l4lb_flow_in *p)
{
	if (p->family == AF_INET6)
		return l4lb_conn_key_hash(net, 4, p->caddr.all, p->vaddr.all,
					  p->cport, p->vport, p->protocol);
	return l4lb_conn_key_hash(net, 1, &p->caddr.ip, &p->vaddr.ip,
				  p->cport, p->vport, p->protocol);
}

/* Recomputed rather than stored: only the slow paths need it. */
static u32 l4lb_conn_hash_of(const struct l4lb_conn *c)
{
	const struct net *net = c->dest->ln->net;

	if (l4lb_conn_is_inet6(c))
		return l4lb_conn_key_hash(net, 4, c->a.v6.caddr.s6_addr32,
					  c->a.v6.vaddr.s6_addr32, c->cport,
					  c->vport, c->protocol);
	return l4lb_conn_key_hash(net, 1, &c->a.v4.caddr, &c->a.v4.vaddr,
				  c->cport, c->vport, c->protocol);
}

/*
 * Server-side key: the real server's address and port, the client's; the
 * seed differs so both tables never collide alike. The real server is of
 * the client's family (NAT stays within one).
 */
static u32 l4lb_conn_rhash(const struct net *net, u8 protocol,
			   const __be32 *raddr, __be16 rport,
			   const __be32 *caddr, __be16 cport, unsigned int n)
{
	u32 k[2 * 4 + 1];
	unsigned int i;

	for (i = 0; i < n; i++) {
		k[i] = (__force u32)raddr[i];
		k[n + i] = (__force u32)caddr[i];
	}
	k[2 * n] = ((__force u32)rport << 16 | (__force u32)cport) ^ protocol;
	return jhash2(k, 2 * n + 1, ~l4lb_conn_seed ^ net_hash_mix(net));
}

static u32 l4lb_conn_rhash_of(const struct l4lb_conn *c)
{
	const struct net *net = c->dest->ln->net;

	if (l4lb_conn_is_inet6(c))
		return l4lb_conn_rhash(net, c->protocol, c->dest->addr.all,
				       l4lb_conn_rport(c),
				       c->a.v6.caddr.s6_addr32,
				       c->cport, 4);
	return l4lb_conn_rhash(net, c->protocol, &c->dest->addr.ip,
			       l4lb_conn_rport(c), &c->a.v4.caddr, c->cport,
			       1);
}

static struct hlist_head *l4lb_conn_bucket(u32 hash)
{
	return &l4lb_conn_tab[hash & (l4lb_conn_buckets() - 1)];
}

static struct hlist_head *l4lb_conn_rbucket(u32 rhash)
{
	return &l4lb_conn_rtab[rhash & (l4lb_conn_buckets() - 1)];
}

static spinlock_t *l4lb_conn_lock(u32 hash)
{
	return &l4lb_conn_locks[hash & (l4lb_conn_nlocks - 1)];
}

static bool l4lb_conn_is_nat(const struct l4lb_conn *c)
{
	return c->dest->fwd == L4LB_FWD_NAT;
}

/* The netns comes last: the dest is one more cache line. */
static bool l4lb_conn_match(const struct l4lb_conn *c, const struct net *net,
			    const struct l4lb_flow_in *p)
{
	if (c->cport != p->cport || c->vport != p->vport ||
	    c->protocol != p->protocol)
		return false;
	if (p->family == AF_INET6) {
		if (!l4lb_conn_is_inet6(c) ||
		    !ipv6_addr_equal(&c->a.v6.caddr, &p->caddr.in6) ||
		    !ipv6_addr_equal(&c->a.v6.vaddr, &p->vaddr.in6))
			return false;
	} else if (l4lb_conn_is_inet6(c) || c->a.v4.caddr != p->caddr.ip ||
		   c->a.v4.vaddr != p->vaddr.ip) {
		return false;
	}
	return net_eq(c->dest->ln->net, net);
}

/*
 * RCU readers, or the bucket lock holder: the entry for @p, or NULL. With
 * @last (the lock holder inserting), *@last is the chain's last entry
 * when there is no match (left as the caller set it, NULL, if the chain
 * is empty).
 */
static __always_inline struct l4lb_conn *
l4lb_conn_lookup_tail(const struct net *net, const struct l4lb_flow_in *p,
		      u32 hash, struct l4lb_conn **last)
{
	struct l4lb_conn *c;

	hlist_for_each_entry_rcu(c, l4lb_conn_bucket(hash), node,
				 lockdep_is_held(l4lb_conn_lock(hash))) {
		if (l4lb_conn_match(c, net, p))
			return c;
		if (last)
			*last = c;
	}
	return NULL;
}

static struct l4lb_conn *l4lb_conn_lookup(const struct net *net,
					  const struct l4lb_flow_in *p, u32 hash)
{
	return l4lb_conn_lookup_tail(net, p, hash, NULL);
}

struct l4lb_conn *l4lb_conn_find(const struct net *net,
				 const struct l4lb_flow_in *p)
{
	return l4lb_conn_lookup(net, p, l4lb_conn_hash(net, p));
}

/* Packet path, RCU: the NAT entry a server's packet belongs to. */
struct l4lb_conn *l4lb_conn_find_reply(const struct net *net,
				       const struct l4lb_reply_pkt *p)
{
	bool inet6 = p->family == AF_INET6;
	u32 rhash = l4lb_conn_rhash(net, p->protocol, p->raddr.all, p->rport,
				    p->caddr.all, p->cport, inet6 ? 4 : 1);
	struct l4lb_conn *c;

	hlist_for_each_entry_rcu(c, l4lb_conn_rbucket(rhash), rnode) {
		if (c->cport != p->cport || c->protocol != p->protocol ||
		    l4lb_conn_rport(c) != p->rport ||
		    l4lb_conn_is_inet6(c) != inet6 ||
		    !l4lb_addr_eq(&c->dest->addr, &p->raddr) ||
		    !net_eq(c->dest->ln->net, net))
			continue;
		if (inet6 ? ipv6_addr_equal(&c->a.v6.caddr, &p->caddr.in6) :
			    c->a.v4.caddr == p->caddr.ip)
			return c;
	}
	return NULL;
}

/* Client-side bucket lock held: add or remove the server-side link. */
static void l4lb_conn_rlink(struct l4lb_conn *c, bool add)
{
	u32 rhash = l4lb_conn_rhash_of(c);
	spinlock_t *rlock = &l4lb_conn_rlocks[rhash & (l4lb_conn_nlocks - 1)];

	lockdep_assert_held(l4lb_conn_lock(l4lb_conn_hash_of(c)));
	spin_lock(rlock);
	if (add)
		hlist_add_head_rcu(&c->rnode, l4lb_conn_rbucket(rhash));
	else
		hlist_del_rcu(&c->rnode);
	spin_unlock(rlock);
}

/* @flags: the entry's (L4LB_CONN_F_CONFIRMED). */
static unsigned long l4lb_state_timeout(const struct l4lb_net *ln, u8 state,
					u8 flags)
{
	u32 secs;

	switch (state) {
	case L4LB_CONN_S_SYN_RECV:
		secs = L4LB_TIMEOUT_SYN_RECV;
		break;
	case L4LB_CONN_S_ESTABLISHED:
		secs = READ_ONCE(ln->timeout_tcp);
		break;
	case L4LB_CONN_S_FIN_WAIT:
	case L4LB_CONN_S_TIME_WAIT:
		secs = READ_ONCE(ln->timeout_tcp_fin);
		break;
	case L4LB_CONN_S_UDP:
		secs = READ_ONCE(ln->timeout_udp);
		if (!(flags & L4LB_CONN_F_CONFIRMED))
			secs = min_t(u32, secs, L4LB_TIMEOUT_UDP_UNCONFIRMED);
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
	return state == L4LB_CONN_S_ESTABLISHED ? &dest->active_conns :
					      &dest->inactive_conns;
}

/*
 * TCP state from either side's flags (DR only sees the client's). A SYN
 * on a closing entry is handled by the caller as a new connection.
 */
static u8 l4lb_tcp_next_state(u8 state, u8 flags)
{
	if (flags & L4LB_TCP_RST)
		return L4LB_CONN_S_CLOSE;
	if (flags & L4LB_TCP_SYN)
		return state == L4LB_CONN_S_NONE ? L4LB_CONN_S_SYN_RECV : state;
	if (flags & L4LB_TCP_FIN)
		return state == L4LB_CONN_S_TIME_WAIT || state == L4LB_CONN_S_CLOSE ?
		       state : L4LB_CONN_S_FIN_WAIT;
	if (flags & L4LB_TCP_ACK) {
		switch (state) {
		case L4LB_CONN_S_NONE:
		case L4LB_CONN_S_SYN_RECV:
			return L4LB_CONN_S_ESTABLISHED;
		case L4LB_CONN_S_FIN_WAIT:
			return L4LB_CONN_S_TIME_WAIT;
		default:
			return state;
		}
	}
	return state == L4LB_CONN_S_NONE ? L4LB_CONN_S_ESTABLISHED : state;
}

static u8 l4lb_next_state(u8 protocol, u8 state, u8 tcp_flags)
{
	if (protocol == IPPROTO_UDP)
		return L4LB_CONN_S_UDP;
	return l4lb_tcp_next_state(state, tcp_flags);
}

/* A SYN without ACK, RST or FIN: what opens a TCP connection. */
static bool l4lb_tcp_is_open(u8 tcp_flags)
{
	return (tcp_flags & (L4LB_TCP_SYN | L4LB_TCP_ACK | L4LB_TCP_RST |
			     L4LB_TCP_FIN)) == L4LB_TCP_SYN;
}

/*
 * Whether packet @p of no known flow may start one: any UDP datagram; a
 * TCP SYN, or with mid-flow pickup (the netns's or @svc's) any TCP
 * packet but a reset.
 */
static bool l4lb_conn_may_start(const struct l4lb_net *ln,
				const struct l4lb_service *svc,
				const struct l4lb_flow_in *p)
{
	if (p->protocol != IPPROTO_TCP || l4lb_tcp_is_open(p->tcp_flags))
		return true;
	return ((READ_ONCE(ln->flags) & L4LB_NET_F_TCP_PICKUP) ||
		(READ_ONCE(svc->flags) & L4LB_SVC_F_PICKUP)) &&
	       !(p->tcp_flags & L4LB_TCP_RST);
}

/*
 * The state of a new entry for @p. A TCP flow picked up mid-way starts
 * unconfirmed, in SYN_RECV rather than ESTABLISHED: a bare ACK holds an
 * entry no longer, and no harder to evict, than a SYN does, and the
 * flow's next packet from the client confirms it as the ACK after a SYN
 * does. A flow @moved to another dest is no new one: it keeps its state.
 */
static u8 l4lb_conn_first_state(const struct l4lb_flow_in *p, bool moved)
{
	u8 state = l4lb_next_state(p->protocol, L4LB_CONN_S_NONE,
				   p->tcp_flags);

	if (!moved && state == L4LB_CONN_S_ESTABLISHED)
		return L4LB_CONN_S_SYN_RECV;
	return state;
}

/* A SYN (without ACK) on a closing entry starts a new connection now. */
static bool l4lb_conn_is_restart(const struct l4lb_flow_in *p, u8 state)
{
	return p->protocol == IPPROTO_TCP &&
	       (p->tcp_flags & (L4LB_TCP_SYN | L4LB_TCP_ACK | L4LB_TCP_RST)) ==
	       L4LB_TCP_SYN &&
	       (state == L4LB_CONN_S_FIN_WAIT || state == L4LB_CONN_S_TIME_WAIT ||
		state == L4LB_CONN_S_CLOSE);
}

static void l4lb_conn_free_rcu(struct rcu_head *head)
{
	struct l4lb_conn *c = container_of(head, struct l4lb_conn, rcu);

	/* Unlinked a grace period ago: no reader or writer is left. */
	dst_release(rcu_dereference_protected(c->reply_dst,
					      !(c->flags & L4LB_CONN_F_HASHED)));
	l4lb_dest_put(c->dest);
	kmem_cache_free(l4lb_conn_cache_of(c), c);
}

/* Bucket lock held; the caller then owns @c and must release it. */
static void l4lb_conn_unlink(struct l4lb_conn *c)
{
	lockdep_assert_held(l4lb_conn_lock(l4lb_conn_hash_of(c)));
	hlist_del_rcu(&c->node);
	if (l4lb_conn_is_nat(c))
		l4lb_conn_rlink(c, false);
	WRITE_ONCE(c->flags, c->flags & ~L4LB_CONN_F_HASHED);
	atomic_dec(l4lb_conn_counter(c->dest, c->state));
	l4lb_dest_conn_removed(c->dest);
	atomic_dec(&c->dest->ln->conn_count);
	atomic_dec(&l4lb_conn_total);
}

/*
 * The timer is dead, or is the caller, or is a handler that will find the
 * entry unhashed and leave it alone: it runs in softirq context, which the
 * grace period waits for. Readers may still hold @c.
 */
static void l4lb_conn_release(struct l4lb_conn *c)
{
	call_rcu(&c->rcu, l4lb_conn_free_rcu);
}

static void l4lb_conn_expire(struct timer_list *t)
{
	struct l4lb_conn *c = from_timer(c, t, timer);
	spinlock_t *lock = l4lb_conn_lock(l4lb_conn_hash_of(c));
	unsigned long expires;

	spin_lock_bh(lock);
	if (!(c->flags & L4LB_CONN_F_HASHED)) {
		/* Someone else unlinked it and owns it now. */
		spin_unlock_bh(lock);
		return;
	}
	expires = READ_ONCE(c->expires);
	if (time_after(expires, jiffies)) {
		struct l4lb_net *ln = c->dest->ln;

		/*
		 * Refreshed by traffic since armed: sleep for the rest, or
		 * with a sync master half of it, refreshing the backup's copy.
		 */
		l4lb_sync_conn(ln, c);
		mod_timer(&c->timer, l4lb_sync_timer_at(ln, expires));
		spin_unlock_bh(lock);
		return;
	}
	l4lb_conn_unlink(c);
	spin_unlock_bh(lock);
	l4lb_conn_release(c);
}

/*
 * Whether an entry may make room for a new flow: its flow has not proved
 * itself yet, is closing, or has to move anyway (its dest is gone or
 * down). Lockless, or under the bucket lock to be sure.
 */
static bool l4lb_conn_evictable(const struct l4lb_conn *c)
{
	switch (READ_ONCE(c->state)) {
	case L4LB_CONN_S_ESTABLISHED:
		break;
	case L4LB_CONN_S_UDP:
		if (READ_ONCE(c->flags) & L4LB_CONN_F_CONFIRMED)
			break;
		return true;
	default:	/* NONE, SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE */
		return true;
	}
	return l4lb_dest_unusable(c->dest);
}

/*
 * Packet path: remove an entry so that the flow's next lookup schedules it
 * afresh, or with @evict, only if it is still evictable (counted then).
 * del_timer() rather than the _sync variant (softirq context); see
 * l4lb_conn_release() for why that is enough. True if it was removed.
 */
static bool l4lb_conn_kill(struct l4lb_conn *c, bool evict)
{
	spinlock_t *lock = l4lb_conn_lock(l4lb_conn_hash_of(c));
	bool mine = false;

	spin_lock_bh(lock);
	if ((c->flags & L4LB_CONN_F_HASHED) &&
	    (!evict || l4lb_conn_evictable(c))) {
		/* Its netns cannot go while it is in the table. */
		if (evict)
			l4lb_stats_inc(&c->dest->ln->ctrs, L4LB_CTR_EVICTED);
		l4lb_conn_unlink(c);
		mine = true;
	}
	spin_unlock_bh(lock);
	if (mine) {
		del_timer(&c->timer);
		l4lb_conn_release(c);
	}
	return mine;
}

/*
 * Packet path, RCU: the table, or with @own @ln's share of it, is full.
 * Evict the evictable entry (of @ln with @own) that expires first among
 * those of the buckets from @hash's on, within the bounds above, as
 * conntrack's early drop does. The entries there are as random as the
 * hash, so a flood cannot aim at anyone's, and the oldest of the
 * unconfirmed ones goes first: a real client's entry, which its next
 * packet confirms, outlives the spoofed ones made before it. @limit is
 * the limit reached. False if there was none to evict.
 */
static bool l4lb_conn_evict(struct l4lb_net *ln, u32 hash, bool own,
			    unsigned int limit)
{
	unsigned int i, seen = 0, candidates = 0, span;
	unsigned int buckets = l4lb_conn_buckets(), mask = buckets - 1;
	struct l4lb_conn *c, *victim = NULL;
	unsigned long victim_expires = 0;

	span = min_t(u64, (u64)buckets * 2 * L4LB_EVICT_CANDIDATES /
			  max(limit, 1U),
		     min(buckets, L4LB_EVICT_BUCKETS_MAX));
	span = max(span, min(buckets, L4LB_EVICT_CANDIDATES));
	for (i = 0; i < span; i++) {
		hlist_for_each_entry_rcu(c, &l4lb_conn_tab[(hash + i) & mask],
					 node) {
			unsigned long expires;

			if (++seen > L4LB_EVICT_ENTRIES)
				goto done;
			if ((own && c->dest->ln != ln) ||
			    !l4lb_conn_evictable(c))
				continue;
			expires = READ_ONCE(c->expires);
			if (!victim || time_before(expires, victim_expires)) {
				victim = c;
				victim_expires = expires;
			}
			if (++candidates >= L4LB_EVICT_CANDIDATES)
				goto done;
		}
	}
done:
	if (!victim)
		return false;
	/* Gone already (its timer, another CPU's eviction): room anyway. */
	l4lb_conn_kill(victim, true);
	return true;
}

/* Increments @v if it is below @limit, exactly: readers never see more. */
static bool l4lb_atomic_inc_below(atomic_t *v, unsigned int limit)
{
	int n = atomic_read(v);

	do {
		if (n >= (int)limit)
			return false;
	} while (!atomic_try_cmpxchg(v, &n, n + 1));
	return true;
}

static unsigned int l4lb_net_conn_limit(const struct l4lb_net *ln)
{
	u32 limit = READ_ONCE(ln->conn_limit);

	return limit ? limit : READ_ONCE(l4lb_conn_max);
}

enum l4lb_room {
	L4LB_ROOM,		/* reserved: counted in both totals */
	L4LB_ROOM_NET_FULL,	/* the netns's share is full */
	L4LB_ROOM_FULL,		/* the table is full */
};

/* Count a new entry of @ln in, if there is room for it. */
static enum l4lb_room l4lb_conn_reserve(struct l4lb_net *ln)
{
	if (!l4lb_atomic_inc_below(&ln->conn_count, l4lb_net_conn_limit(ln)))
		return L4LB_ROOM_NET_FULL;
	if (!l4lb_atomic_inc_below(&l4lb_conn_total,
				   READ_ONCE(l4lb_conn_max))) {
		atomic_dec(&ln->conn_count);
		return L4LB_ROOM_FULL;
	}
	return L4LB_ROOM;
}

static void l4lb_conn_unreserve(struct l4lb_net *ln)
{
	atomic_dec(&l4lb_conn_total);
	atomic_dec(&ln->conn_count);
}

/*
 * Room for a new entry of @ln in bucket @hash: reserved at once, or after
 * evicting one (of @ln if it is its share that is full); a few times, in
 * case another CPU's new flow took the room made, or the entry chosen
 * was no longer evictable. False: the drop is counted.
 */
static bool l4lb_conn_make_room(struct l4lb_net *ln, u32 hash)
{
	enum l4lb_room room = l4lb_conn_reserve(ln);
	int tries;

	for (tries = 0; tries < 3 && room != L4LB_ROOM; tries++) {
		bool own = room == L4LB_ROOM_NET_FULL;

		if (!l4lb_conn_evict(ln, hash, own,
				     own ? l4lb_net_conn_limit(ln) :
					   READ_ONCE(l4lb_conn_max)))
			break;
		room = l4lb_conn_reserve(ln);
	}
	if (room == L4LB_ROOM)
		return true;
	l4lb_count_drop(ln, L4LB_DROP_TABLE_FULL);
	return false;
}

static void l4lb_conn_count_new(struct l4lb_service *svc,
				struct l4lb_dest *dest)
{
	l4lb_stats_inc(&svc->stats, L4LB_CTR_CONNS);
	l4lb_stats_inc(&dest->stats, L4LB_CTR_CONNS);
}

/* @iif is at most L4LB_STAMP_IIF_MAX, @rpf at most 2 (hooks4.c). */
static u64 l4lb_addrs_stamp(int genid, int iif, u8 rpf)
{
	u32 dev = (u32)iif | (u32)rpf << 30;

	return (u64)dev << 32 | (u32)genid;
}

/*
 * Whether client packet @p's addresses pass the input route's checks, as
 * far as its hook can tell (enum l4lb_addrs), from its flow's @stamp.
 * *@stamp becomes what the flow's stamp should be. False: the packet
 * must take the input route, which drops it, or stamps its flow.
 */
static bool l4lb_addrs_ok(struct net *net, const struct l4lb_flow_in *p,
			  int genid, u64 *stamp)
{
	switch (p->addrs) {
	case L4LB_ADDRS_CHECKED:
		return true;
	case L4LB_ADDRS_ROUTED:
		*stamp = l4lb_addrs_stamp(p->route_genid, p->iif, p->rpf);
		return true;
	case L4LB_ADDRS_RPF:
		/* As the input route filtered it, in this mode, on this device. */
		return *stamp == l4lb_addrs_stamp(genid, p->iif, p->rpf);
	}
	/* What the input route accepted from this device also holds. */
	if (*stamp == l4lb_addrs_stamp(genid, 0, 0) ||
	    *stamp == l4lb_addrs_stamp(genid, p->iif, 0))
		return true;
	if (!p->addrs_check(net, p))
		return false;
	*stamp = l4lb_addrs_stamp(genid, 0, 0);
	return true;
}

/* Client packet @p as its scheduler sees it. */
static void l4lb_flow_of(struct l4lb_flow *flow, const struct l4lb_flow_in *p)
{
	flow->saddr = p->caddr;
	flow->daddr = p->vaddr;
	flow->sport = p->cport;
	flow->dport = p->vport;
	flow->protocol = p->protocol;
	flow->family = p->family;
}

/*
 * A new entry for @p on @dest (whose reference it takes), in @state with
 * entry flags @flags, expiring in @ttl jiffies; not in the table yet.
 */
static struct l4lb_conn *l4lb_conn_new(struct l4lb_net *ln,
				       struct l4lb_dest *dest,
				       const struct l4lb_flow_in *p,
				       u64 addrs_stamp, u8 state, u8 flags,
				       unsigned long ttl)
{
	struct l4lb_conn *c;

	c = kmem_cache_alloc(l4lb_conn_caches[p->family == AF_INET6 ?
					      L4LB_CONN_V6 : L4LB_CONN_V4],
			     GFP_ATOMIC);
	if (!c)
		return NULL;
	c->dest = dest;
	if (p->family == AF_INET6) {
		c->a.v6.caddr = p->caddr.in6;
		c->a.v6.vaddr = p->vaddr.in6;
	} else {
		c->a.v4.caddr = p->caddr.ip;
		c->a.v4.vaddr = p->vaddr.ip;
	}
	c->cport = p->cport;
	c->vport = p->vport;
	c->protocol = p->protocol;
	atomic64_set(&c->addrs_stamp, addrs_stamp);
	RCU_INIT_POINTER(c->reply_dst, NULL);
	c->reply_tos = 0;
	c->state = state;
	c->flags = flags | (p->family == AF_INET6 ? L4LB_CONN_F_INET6 : 0);
	c->expires = jiffies + ttl;
	timer_setup(&c->timer, l4lb_conn_expire, 0);
	return c;
}

/*
 * Put new entry @c (for @p, bucket @hash) in the table, reserved already.
 * False if another CPU inserted the same flow first: @c is still the
 * caller's.
 */
static bool l4lb_conn_insert(struct l4lb_net *ln, struct l4lb_conn *c,
			     const struct l4lb_flow_in *p, u32 hash,
			     unsigned long fire_at)
{
	spinlock_t *lock = l4lb_conn_lock(hash);
	struct l4lb_conn *last = NULL;

	spin_lock_bh(lock);
	if (l4lb_conn_lookup_tail(ln->net, p, hash, &last)) {
		spin_unlock_bh(lock);
		return false;
	}
	c->flags |= L4LB_CONN_F_HASHED;
	if (l4lb_conn_is_nat(c))
		l4lb_conn_rlink(c, true);
	/*
	 * Oldest first: a flow that lasts (the bulk transfer, the replica's
	 * pooled connection) keeps being found before the short ones that
	 * came after it, so a table full of idle or brief flows costs it no
	 * extra entry to look at per packet. The race check above walked
	 * the chain already: the tail comes for free.
	 */
	if (last)
		hlist_add_behind_rcu(&c->node, &last->node);
	else
		hlist_add_head_rcu(&c->node, l4lb_conn_bucket(hash));
	atomic_inc(l4lb_conn_counter(c->dest, c->state));
	l4lb_dest_conn_added(c->dest);
	c->timer.expires = fire_at;
	add_timer(&c->timer);
	spin_unlock_bh(lock);
	return true;
}

/*
 * Schedule a new flow and insert it. Returns the dest to send to (valid
 * under RCU), or NULL with the drop already counted. If another CPU
 * inserted the same flow first, *raced is set and the caller retries.
 */
static struct l4lb_dest *l4lb_conn_create(struct l4lb_net *ln,
					  struct l4lb_service *svc,
					  const struct l4lb_flow_in *p, u32 hash,
					  u64 addrs_stamp, bool moved,
					  bool *raced)
{
	struct l4lb_dest *dest;
	struct l4lb_flow flow;
	struct l4lb_conn *c;
	u8 state;

	l4lb_flow_of(&flow, p);
	dest = l4lb_persist_pick(svc, &flow);
	if (!dest) {
		l4lb_count_drop(ln, L4LB_DROP_NO_DEST);
		return NULL;
	}
	if (!l4lb_conn_make_room(ln, hash))
		goto err_put;
	state = l4lb_conn_first_state(p, moved);
	c = l4lb_conn_new(ln, dest, p, addrs_stamp, state, 0,
			  l4lb_state_timeout(ln, state, 0));
	if (!c)
		goto err_uncount;
	if (!l4lb_conn_insert(ln, c, p, hash,
			      l4lb_sync_timer_at(ln, c->expires))) {
		kmem_cache_free(l4lb_conn_cache_of(c), c);
		*raced = true;
		goto err_uncount;
	}
	l4lb_conn_count_new(svc, dest);
	l4lb_sync_conn(ln, c);
	return dest;

err_uncount:
	l4lb_conn_unreserve(ln);
err_put:
	l4lb_dest_put(dest);
	return NULL;
}

/*
 * Move the entry to the state a packet with @tcp_flags leads to, and push
 * its expiry out. @proves: the packet confirms a UDP flow (a second
 * datagram from a DR client, a reply from a NAT server). The common case
 * (no change) takes no lock.
 */
static void l4lb_conn_track(struct l4lb_net *ln, struct l4lb_conn *c,
			    u8 tcp_flags, bool proves)
{
	unsigned long expires;
	u8 state = READ_ONCE(c->state), flags = READ_ONCE(c->flags), next;
	spinlock_t *lock;

	next = l4lb_next_state(c->protocol, state, tcp_flags);
	if (next == state && (!proves || (flags & L4LB_CONN_F_CONFIRMED))) {
		expires = jiffies + l4lb_state_timeout(ln, state, flags);
		if (READ_ONCE(c->expires) != expires)
			WRITE_ONCE(c->expires, expires);
		return;
	}

	lock = l4lb_conn_lock(l4lb_conn_hash_of(c));
	spin_lock_bh(lock);
	if (c->flags & L4LB_CONN_F_HASHED) {
		/* Re-decide under the lock: another CPU may have moved it. */
		next = l4lb_next_state(c->protocol, c->state, tcp_flags);
		if (c->protocol == IPPROTO_TCP &&
		    (c->flags & L4LB_CONN_F_REPEAT)) {
			/* The packet that picked it up, again: no proof. */
			WRITE_ONCE(c->flags, c->flags & ~L4LB_CONN_F_REPEAT);
			next = c->state;
		} else if (proves && (c->flags & L4LB_CONN_F_REPEAT))
			WRITE_ONCE(c->flags, c->flags & ~L4LB_CONN_F_REPEAT);
		else if (proves)
			WRITE_ONCE(c->flags, c->flags | L4LB_CONN_F_CONFIRMED);
		atomic_dec(l4lb_conn_counter(c->dest, c->state));
		WRITE_ONCE(c->state, next);
		atomic_inc(l4lb_conn_counter(c->dest, next));
		/*
		 * The timer only ever fires late relative to "expires" when
		 * the timeout shrinks (e.g. ESTABLISHED to CLOSE): pull it in.
		 */
		expires = jiffies + l4lb_state_timeout(ln, next, c->flags);
		WRITE_ONCE(c->expires, expires);
		timer_reduce(&c->timer, expires);
		l4lb_sync_conn(ln, c);
	}
	spin_unlock_bh(lock);
}

/*
 * One-packet scheduling (L4LB_SVC_F_ONEPACKET, UDP): datagram @p is a
 * flow of its own, scheduled and sent without an entry. Its addresses
 * are checked as a new flow's: there is no entry to keep a stamp in.
 */
static enum l4lb_flow_verdict
l4lb_flow_one_packet(struct l4lb_net *ln, struct l4lb_service *svc,
		     const struct l4lb_flow_in *p, struct l4lb_decision *d)
{
	u64 stamp = l4lb_addrs_stamp(p->genid - 1, 0, 0);
	struct l4lb_dest *dest;
	struct l4lb_flow flow;

	if (!l4lb_addrs_ok(ln->net, p, p->genid, &stamp))
		return L4LB_FLOW_INPUT_ROUTE;
	l4lb_flow_of(&flow, p);
	dest = l4lb_svc_pick_dest(svc, &flow);
	if (!dest) {
		l4lb_count_drop(ln, L4LB_DROP_NO_DEST);
		return L4LB_FLOW_DROP;
	}
	l4lb_conn_count_new(svc, dest);
	/* No entry holds it: the caller's RCU read side keeps it valid. */
	l4lb_dest_put(dest);
	d->dest = dest;
	d->fwd = dest->fwd;
	return L4LB_FLOW_XMIT;
}

/*
 * The flow step: find or create the flow's connection and update it, and
 * say what to do with the packet (enum l4lb_flow_verdict); with
 * L4LB_FLOW_XMIT, *@d gets the dest and how to send to it. No skb: the
 * caller sends and counts.
 *
 * "No blackholes": a flow whose dest was deleted gets a live one on its
 * next packet. "No stalls": a new SYN on a closing entry is scheduled
 * afresh instead of waiting for the old entry to expire. Both replace
 * the entry, whatever the packet (a moved flow is not an unknown one),
 * and the new entry keeps the old one's stamp.
 *
 * A TCP packet of no flow that may not start one (l4lb_conn_may_start())
 * is not ours: L4LB_FLOW_NOT_OURS. A packet whose addresses the input
 * route would not accept, or has to check itself (l4lb_addrs_ok()), is
 * L4LB_FLOW_INPUT_ROUTE. A packet seen twice (PREROUTING, then LOCAL_IN:
 * hooks4.c) moves the TCP state alike on both passes; a repeated move is
 * a no-op.
 */
enum l4lb_flow_verdict l4lb_flow_step(struct l4lb_net *ln,
				      struct l4lb_service *svc,
				      const struct l4lb_flow_in *p,
				      struct l4lb_decision *d)
{
	u32 hash = l4lb_conn_hash(ln->net, p);
	int genid = p->genid;
	struct l4lb_dest *dest = NULL;
	struct l4lb_conn *c;
	bool moved = false;
	u64 stamp, old;
	int tries;

	if (READ_ONCE(svc->flags) & L4LB_SVC_F_ONEPACKET)
		return l4lb_flow_one_packet(ln, svc, p, d);
	for (tries = 0; tries < 3 && !dest; tries++) {
		bool raced = false;

		c = l4lb_conn_lookup(ln->net, p, hash);
		if (!c) {
			if (!moved && !l4lb_conn_may_start(ln, svc, p))
				return L4LB_FLOW_NOT_OURS;
			/* A new flow has a stale stamp. */
			if (!moved)
				stamp = l4lb_addrs_stamp(genid - 1, 0, 0);
			/* LOCAL_IN takes it: the input route decides. */
			if (!l4lb_addrs_ok(ln->net, p, genid, &stamp))
				return L4LB_FLOW_INPUT_ROUTE;
			dest = l4lb_conn_create(ln, svc, p, hash, stamp,
						moved, &raced);
			if (!dest && !raced)
				return L4LB_FLOW_DROP;
			continue;
		}
		old = atomic64_read(&c->addrs_stamp);
		stamp = old;
		if (!l4lb_addrs_ok(ln->net, p, genid, &stamp))
			return L4LB_FLOW_INPUT_ROUTE;
		if (stamp != old)
			atomic64_set(&c->addrs_stamp, stamp);
		if (l4lb_dest_unusable(c->dest) ||
		    l4lb_conn_is_restart(p, READ_ONCE(c->state))) {
			l4lb_conn_kill(c, false);
			moved = true;
			continue;
		}
		l4lb_conn_track(ln, c, p->tcp_flags,
				p->protocol == IPPROTO_UDP && !l4lb_conn_is_nat(c));
		dest = c->dest;
	}
	if (!dest)
		return L4LB_FLOW_DROP;
	d->dest = dest;
	d->fwd = dest->fwd;
	return L4LB_FLOW_XMIT;
}

/*
 * Connection sync, backup (sync.c; process context): install the entry of
 * @p on @dest, whose reference the caller holds and gives to the entry
 * (dropped if none is made), in @state with @flags (L4LB_CONN_F_CONFIRMED
 * or 0), expiring in @ttl jiffies; or update the entry of the same flow
 * on @dest. An entry of the flow on another dest is replaced. The table's
 * limits hold as for a new flow. The entry's addresses are checked by its
 * first packet, as a new flow's (a stamp that matches nothing).
 *
 * Its timer fires at the expiry the record gives, not halfway as a local
 * entry's does with a master running: if the expiry has moved on by then,
 * packets moved it here, and this balancer refreshes its peers; if not,
 * the entry goes. So an entry is only sent back to where it came from
 * when it carries traffic here, and two balancers running both roles do
 * not keep each other's idle entries alive.
 */
enum l4lb_sync_in l4lb_conn_sync_in(struct l4lb_net *ln,
				    struct l4lb_dest *dest,
				    const struct l4lb_flow_in *p, u8 state,
				    u8 flags, unsigned long ttl)
{
	u32 hash = l4lb_conn_hash(ln->net, p);
	enum l4lb_sync_in ret = L4LB_SYNC_IN_DONE;
	struct l4lb_conn *c;
	spinlock_t *lock;

	rcu_read_lock();
	c = l4lb_conn_lookup(ln->net, p, hash);
	if (c && c->dest == dest) {
		lock = l4lb_conn_lock(hash);
		spin_lock_bh(lock);
		if (c->flags & L4LB_CONN_F_HASHED) {
			unsigned long expires = jiffies + ttl;

			atomic_dec(l4lb_conn_counter(dest, c->state));
			WRITE_ONCE(c->state, state);
			atomic_inc(l4lb_conn_counter(dest, state));
			WRITE_ONCE(c->flags, c->flags | flags);
			WRITE_ONCE(c->expires, expires);
			mod_timer(&c->timer, expires);
		}
		spin_unlock_bh(lock);
		goto out_put;
	}
	if (c)
		l4lb_conn_kill(c, false);
	if (!l4lb_conn_make_room(ln, hash)) {
		ret = L4LB_SYNC_IN_FULL;
		goto out_put;
	}
	c = l4lb_conn_new(ln, dest, p, U64_MAX, state, flags, ttl);
	if (!c) {
		l4lb_conn_unreserve(ln);
		ret = L4LB_SYNC_IN_NOMEM;
		goto out_put;
	}
	if (!l4lb_conn_insert(ln, c, p, hash, c->expires)) {
		/* A packet made it meanwhile: the flow has its entry. */
		kmem_cache_free(l4lb_conn_cache_of(c), c);
		l4lb_conn_unreserve(ln);
		goto out_put;
	}
	rcu_read_unlock();
	return L4LB_SYNC_IN_DONE;

out_put:
	rcu_read_unlock();
	l4lb_dest_put(dest);
	return ret;
}

/*
 * Whether entry @c waits for its flow to prove itself: UDP unconfirmed,
 * TCP in SYN_RECV. Lockless, or under the bucket lock to be sure.
 */
static bool l4lb_conn_unproven(const struct l4lb_conn *c)
{
	if (c->protocol == IPPROTO_UDP)
		return !(READ_ONCE(c->flags) & L4LB_CONN_F_CONFIRMED);
	return READ_ONCE(c->state) == L4LB_CONN_S_SYN_RECV;
}

/*
 * The packet of @p that just passed l4lb_flow_step() is handed back to the
 * stack and comes to it again, from LOCAL_IN: a datagram that has not
 * confirmed its UDP flow yet must not confirm it on its second pass (a
 * single oversized datagram would hold the table for the full timeout),
 * nor may the TCP segment that picked a flow up mid-way (still SYN_RECV,
 * the segment no SYN) confirm the entry it made.
 */
void l4lb_flow_handed_back(struct l4lb_net *ln, const struct l4lb_flow_in *p)
{
	struct l4lb_conn *c;
	spinlock_t *lock;
	u32 hash;

	if (p->protocol == IPPROTO_TCP && (p->tcp_flags & L4LB_TCP_SYN))
		return;
	hash = l4lb_conn_hash(ln->net, p);
	c = l4lb_conn_lookup(ln->net, p, hash);
	if (!c || !l4lb_conn_unproven(c))
		return;
	lock = l4lb_conn_lock(hash);
	spin_lock_bh(lock);
	if ((c->flags & L4LB_CONN_F_HASHED) && l4lb_conn_unproven(c))
		WRITE_ONCE(c->flags, c->flags | L4LB_CONN_F_REPEAT);
	spin_unlock_bh(lock);
}

/*
 * Packet path: a real server's packet of NAT entry @c passes the LB, as
 * @segs packets of @len bytes (l4lb_skb_segs()).
 */
void l4lb_conn_reply_seen(struct l4lb_net *ln, struct l4lb_conn *c,
			  const struct l4lb_reply_pkt *p, unsigned int segs,
			  unsigned int len)
{
	struct l4lb_service *svc;

	l4lb_conn_track(ln, c, p->tcp_flags, c->protocol == IPPROTO_UDP);
	svc = rcu_dereference(c->dest->svc);
	if (svc)
		l4lb_count(&svc->stats, L4LB_CTR_PKTS_OUT, segs, len);
	l4lb_count(&c->dest->stats, L4LB_CTR_PKTS_OUT, segs, len);
}

/*
 * Dump support: call @fn on the entries of @net from bucket *@bucket on,
 * skipping the first *@skip of that bucket, until @fn returns nonzero (the
 * message is full); the cursor is left where the next call resumes. RCU is
 * held per bucket and the walk yields every 1024 buckets, so even a table
 * of millions never holds up the packet path or other tasks for long.
 */
int l4lb_conn_walk(const struct net *net, unsigned long *bucket,
		   unsigned long *skip,
		   int (*fn)(const struct l4lb_conn *c, void *arg), void *arg)
{
	unsigned long b, buckets = l4lb_conn_buckets();
	const struct l4lb_conn *c;
	int err = 0;

	for (b = *bucket; b < buckets && !err; b++) {
		unsigned long idx = 0;

		rcu_read_lock();
		hlist_for_each_entry_rcu(c, &l4lb_conn_tab[b], node) {
			if (!net_eq(c->dest->ln->net, net) || idx++ < *skip)
				continue;
			err = fn(c, arg);
			if (err) {
				*skip = idx - 1;
				break;
			}
		}
		rcu_read_unlock();
		if (err)
			break;
		*skip = 0;
		if (!(b & 1023))
			cond_resched();
	}
	*bucket = b;
	return err;
}

/*
 * Netns teardown: remove every entry of @ln. The hooks went in .pre_exit,
 * a grace period ago, so no packet can add one behind the walk, and none
 * is being made. A full walk is fine here, and none at all for a netns
 * without entries (most of them: containers, which never had a service).
 */
void l4lb_conn_flush_net(struct l4lb_net *ln)
{
	unsigned int i, buckets = l4lb_conn_buckets();
	struct net *net = ln->net;

	if (!atomic_read(&ln->conn_count))
		return;

	for (i = 0; i < buckets; i++) {
		spinlock_t *lock = &l4lb_conn_locks[i & (l4lb_conn_nlocks - 1)];

		for (;;) {
			struct l4lb_conn *c, *found = NULL;

			spin_lock_bh(lock);
			hlist_for_each_entry_rcu(c, &l4lb_conn_tab[i], node,
						 lockdep_is_held(lock)) {
				if (net_eq(c->dest->ln->net, net)) {
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
