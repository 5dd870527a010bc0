// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services: a per-netns hash table keyed by (protocol, VIP, port).
 * The packet path looks services up under RCU; everything else runs under
 * the netns mutex. Every change to a service's usable dests rebuilds its
 * scheduler state and publishes it with RCU, so the packet path always
 * sees one consistent set.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include "l4lb.h"

static u32 l4lb_svc_hash(const struct l4lb_svc_key *key)
{
	/*
	 * No secret seed: only an administrator can add services, so nobody
	 * can aim collisions at this table.
	 */
	return l4lb_addr_hash(key->family, &key->addr,
			      ((__force u32)key->port << 8 | key->protocol) ^
			      key->fwmark) &
	       (L4LB_SVC_TAB_SIZE - 1);
}

static bool l4lb_svc_key_eq(const struct l4lb_svc_key *a,
			    const struct l4lb_svc_key *b)
{
	return a->port == b->port && a->protocol == b->protocol &&
	       a->family == b->family && a->fwmark == b->fwmark &&
	       l4lb_addr_eq(&a->addr, &b->addr);
}

/*
 * @dest leaves its service: it takes no new flow, its flows move on their
 * next packet, and its route goes (l4lb_route_drop()). A packet being
 * sent to it meanwhile sees it dead after publishing a route, and drops
 * that one itself (l4lb_route_get()).
 */
static void l4lb_dest_kill(struct l4lb_dest *dest)
{
	set_bit(L4LB_DEST_DEAD_BIT, &dest->flags);
	/* DEAD before the route goes; pairs with l4lb_route_get()'s xchg(). */
	smp_mb__after_atomic();
	l4lb_route_drop(dest);
}

void l4lb_svc_table_init(struct l4lb_net *ln)
{
	unsigned int i;

	for (i = 0; i < L4LB_SVC_TAB_SIZE; i++)
		INIT_HLIST_HEAD(&ln->svc_tab[i]);
}

/* Packet path: caller holds rcu_read_lock (netfilter hooks do). */
struct l4lb_service *l4lb_svc_lookup_rcu(struct l4lb_net *ln,
					 const struct l4lb_svc_key *key)
{
	struct l4lb_service *svc;
	u32 h = l4lb_svc_hash(key);

	hlist_for_each_entry_rcu(svc, &ln->svc_tab[h], node)
		if (l4lb_svc_key_eq(&svc->key, key))
			return svc;
	return NULL;
}

/*
 * Packet path, RCU: the service of a @family packet with @mark to @daddr
 * port @dport: a firewall-mark service first, as IPVS, then by address.
 */
struct l4lb_service *l4lb_svc_lookup_pkt(struct l4lb_net *ln, u8 family,
					 u8 protocol,
					 const union l4lb_addr *daddr,
					 __be16 dport, u32 mark)
{
	struct l4lb_svc_key key = { .family = family };
	struct l4lb_service *svc;

	if (mark && READ_ONCE(ln->fwm_count)) {
		key.fwmark = mark;
		svc = l4lb_svc_lookup_rcu(ln, &key);
		if (svc)
			return svc;
		key.fwmark = 0;
	}
	key.addr = *daddr;
	key.port = dport;
	key.protocol = protocol;
	return l4lb_svc_lookup_rcu(ln, &key);
}

struct l4lb_service *l4lb_svc_find(struct l4lb_net *ln,
				   const struct l4lb_svc_key *key)
{
	struct l4lb_service *svc;
	u32 h = l4lb_svc_hash(key);

	lockdep_assert_held(&ln->lock);
	hlist_for_each_entry_rcu(svc, &ln->svc_tab[h], node,
				 lockdep_is_held(&ln->lock))
		if (l4lb_svc_key_eq(&svc->key, key))
			return svc;
	return NULL;
}

/*
 * Build (but do not publish) scheduler state with settings @cfg for the
 * service's usable dests: those with weight > 0 still on the list and not
 * down, where @edited (if not NULL) counts as down or not as @edited_down
 * says, not as its flags do; or for every dest on the list if the
 * scheduler wants them all. Nothing changes if this fails, so callers can
 * reject a command cleanly.
 */
static int l4lb_svc_build_state_with(struct l4lb_service *svc,
				     const struct l4lb_sched_ops *sched,
				     const struct l4lb_sched_cfg *cfg,
				     const struct l4lb_dest *edited,
				     bool edited_down,
				     struct l4lb_sched_state **out)
{
	struct l4lb_dest **usable;
	struct l4lb_dest *dest;
	unsigned int n = 0;

	lockdep_assert_held(&svc->ln->lock);
	usable = kmalloc_array(max(svc->dest_count, 1U), sizeof(*usable),
			       GFP_KERNEL);
	if (!usable)
		return -ENOMEM;
	list_for_each_entry(dest, &svc->dests, list) {
		bool out_of_use = dest == edited ? edited_down :
						   l4lb_dest_unusable(dest);

		if (sched->all_dests || (dest->weight > 0 && !out_of_use))
			usable[n++] = dest;
	}
	*out = sched->update(cfg, usable, n);
	kfree(usable);
	return *out ? 0 : -ENOMEM;
}

static int l4lb_svc_build_state(struct l4lb_service *svc,
				const struct l4lb_sched_ops *sched,
				struct l4lb_sched_state **out)
{
	return l4lb_svc_build_state_with(svc, sched, &svc->sched_cfg, NULL,
					 false, out);
}

/* Cannot fail: swap in the new scheduler and state, retire the old one. */
static void l4lb_svc_publish_state(struct l4lb_service *svc,
				   const struct l4lb_sched_ops *sched,
				   struct l4lb_sched_state *st)
{
	struct l4lb_sched_state *old;

	lockdep_assert_held(&svc->ln->lock);
	svc->sched = sched;
	old = rcu_replace_pointer(svc->sched_state, st,
				  lockdep_is_held(&svc->ln->lock));
	if (old)
		old->ops->destroy(old);
	l4lb_config_changed(svc->ln);
}

int l4lb_svc_rebuild_sched(struct l4lb_service *svc)
{
	struct l4lb_sched_state *st;
	int err;

	err = l4lb_svc_build_state(svc, svc->sched, &st);
	if (err)
		return err;
	l4lb_svc_publish_state(svc, svc->sched, st);
	return 0;
}

int l4lb_svc_add(struct l4lb_net *ln, const struct l4lb_svc_key *key,
		 const struct l4lb_sched_ops *sched, u32 flags,
		 const struct l4lb_sched_cfg *cfg)
{
	struct l4lb_sched_state *st;
	struct l4lb_service *svc;
	int err;

	lockdep_assert_held(&ln->lock);
	if (l4lb_svc_find(ln, key))
		return -EEXIST;
	if (ln->svc_count >= L4LB_SVC_MAX_PER_NET)
		return -ENOSPC;
	err = l4lb_net_need(ln, key->family == AF_INET6 ? L4LB_NEED_INET6 :
							 L4LB_NEED_HOOKS);
	if (err)
		return err;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc)
		return -ENOMEM;
	err = l4lb_stats_init(&svc->stats);
	if (err)
		goto err_free_svc;
	svc->ln = ln;
	svc->key = *key;
	svc->flags = flags;
	svc->sched_cfg = *cfg;
	INIT_LIST_HEAD(&svc->dests);
	err = l4lb_svc_build_state(svc, sched, &st);
	if (err)
		goto err_free_stats;
	l4lb_svc_publish_state(svc, sched, st);

	hlist_add_head_rcu(&svc->node,
			   &ln->svc_tab[l4lb_svc_hash(key)]);
	WRITE_ONCE(ln->svc_count, ln->svc_count + 1);
	if (key->fwmark)
		WRITE_ONCE(ln->fwm_count, ln->fwm_count + 1);
	return 0;

err_free_stats:
	l4lb_stats_free(&svc->stats);
err_free_svc:
	kfree(svc);
	return err;
}

int l4lb_svc_edit(struct l4lb_service *svc,
		  const struct l4lb_sched_ops *sched, u32 flags,
		  const struct l4lb_sched_cfg *cfg)
{
	struct l4lb_sched_state *st;
	int err;

	lockdep_assert_held(&svc->ln->lock);
	if (sched != svc->sched ||
	    memcmp(cfg, &svc->sched_cfg, sizeof(*cfg))) {
		err = l4lb_svc_build_state_with(svc, sched, cfg, NULL, false,
						&st);
		if (err)
			return err;
		svc->sched_cfg = *cfg;
		l4lb_svc_publish_state(svc, sched, st);
	}
	if (flags != svc->flags) {
		/* Read on the packet path (one-packet scheduling, pickup). */
		WRITE_ONCE(svc->flags, flags);
		l4lb_config_changed(svc->ln);
	}
	return 0;
}

/* New persistence settings; the templates made with the old ones go. */
void l4lb_svc_set_persist(struct l4lb_service *svc,
			  const struct l4lb_persist_cfg *cfg)
{
	lockdep_assert_held(&svc->ln->lock);
	if (svc->persist.timeout == cfg->timeout &&
	    svc->persist.prefix == cfg->prefix)
		return;
	WRITE_ONCE(svc->persist.timeout, cfg->timeout);
	WRITE_ONCE(svc->persist.prefix, cfg->prefix);
	l4lb_persist_flush(svc->ln, svc, false);
	l4lb_config_changed(svc->ln);
}

static void l4lb_svc_free_rcu(struct rcu_head *head)
{
	struct l4lb_service *svc = container_of(head, struct l4lb_service, rcu);

	l4lb_stats_free(&svc->stats);
	kfree(svc);
}

/*
 * Unlink the service and kill its dests. Connections keep their (now dead)
 * dests until they expire; see l4lb_flow_step() for how they are treated.
 */
void l4lb_svc_del(struct l4lb_service *svc)
{
	struct l4lb_net *ln = svc->ln;
	struct l4lb_sched_state *old;
	struct l4lb_dest *dest, *tmp;

	lockdep_assert_held(&ln->lock);
	hlist_del_rcu(&svc->node);
	WRITE_ONCE(ln->svc_count, ln->svc_count - 1);
	if (svc->key.fwmark)
		WRITE_ONCE(ln->fwm_count, ln->fwm_count - 1);
	/* Before the free: readers that found a template use its service. */
	l4lb_persist_flush(ln, svc, true);

	old = rcu_replace_pointer(svc->sched_state, NULL,
				  lockdep_is_held(&ln->lock));
	if (old)
		old->ops->destroy(old);

	list_for_each_entry_safe(dest, tmp, &svc->dests, list) {
		l4lb_dest_kill(dest);
		list_del(&dest->list);
		RCU_INIT_POINTER(dest->svc, NULL);
		svc->dest_count--;
		l4lb_dest_put(dest);
	}
	l4lb_config_changed(ln);
	call_rcu(&svc->rcu, l4lb_svc_free_rcu);
}

void l4lb_svc_flush(struct l4lb_net *ln)
{
	struct l4lb_service *svc;
	struct hlist_node *tmp;
	unsigned int i;

	lockdep_assert_held(&ln->lock);
	for (i = 0; i < L4LB_SVC_TAB_SIZE; i++)
		hlist_for_each_entry_safe(svc, tmp, &ln->svc_tab[i], node)
			l4lb_svc_del(svc);
}

struct l4lb_dest *l4lb_svc_find_dest(struct l4lb_service *svc, u8 family,
				     const union l4lb_addr *addr, __be16 port)
{
	struct l4lb_dest *dest;

	lockdep_assert_held(&svc->ln->lock);
	list_for_each_entry(dest, &svc->dests, list)
		if (dest->family == family && l4lb_addr_eq(&dest->addr, addr) &&
		    dest->port == port)
			return dest;
	return NULL;
}

/* A dest for @svc, not linked yet; NAT needs reassembly in the netns. */
static struct l4lb_dest *l4lb_svc_new_dest(struct l4lb_service *svc,
					   const struct l4lb_dest_cfg *cfg)
{
	struct l4lb_dest *dest;
	int err;

	/* IPv6 reassembles from its first service on (L4LB_NEED_INET6). */
	if (cfg->fwd == L4LB_FWD_NAT && cfg->family == AF_INET) {
		err = l4lb_net_need(svc->ln, L4LB_NEED_NAT);
		if (err)
			return ERR_PTR(err);
	}
	/*
	 * A tunnel to a real server of the other family: the ICMP errors
	 * about its outer packets come in that family's hooks.
	 */
	if (cfg->family != svc->key.family) {
		err = l4lb_net_need(svc->ln, cfg->family == AF_INET6 ?
					     L4LB_NEED_INET6 : L4LB_NEED_HOOKS);
		if (err)
			return ERR_PTR(err);
	}
	dest = l4lb_dest_alloc(svc->ln, cfg);
	return dest ?: ERR_PTR(-ENOMEM);
}

int l4lb_svc_add_dest(struct l4lb_service *svc,
		      const struct l4lb_dest_cfg *cfg)
{
	struct l4lb_dest *dest;
	int err;

	lockdep_assert_held(&svc->ln->lock);
	if (l4lb_svc_find_dest(svc, cfg->family, &cfg->addr, cfg->port))
		return -EEXIST;
	if (svc->dest_count >= L4LB_DEST_MAX_PER_SVC)
		return -ENOSPC;

	dest = l4lb_svc_new_dest(svc, cfg);
	if (IS_ERR(dest))
		return PTR_ERR(dest);
	rcu_assign_pointer(dest->svc, svc);
	list_add_tail(&dest->list, &svc->dests);
	svc->dest_count++;
	err = l4lb_svc_rebuild_sched(svc);
	if (err) {
		list_del(&dest->list);
		svc->dest_count--;
		l4lb_dest_put(dest);
		return err;
	}
	return 0;
}

/*
 * The new scheduler state is built first, with the dest's new weight (read
 * only under the config lock) and its new state, while the packet path
 * still sees its old state: a failure changes nothing. Then marking a dest
 * down takes effect on the packet path (its flows move), a moment before
 * the new scheduler state leaves it out; until then a pick that lands on
 * it is refused (l4lb_svc_pick_dest()).
 */
int l4lb_svc_edit_dest(struct l4lb_service *svc, struct l4lb_dest *dest,
		       u32 weight, bool down)
{
	struct l4lb_sched_state *st;
	u32 old = dest->weight;
	int err;

	lockdep_assert_held(&svc->ln->lock);
	/* Read locklessly by persist.c's templates. */
	WRITE_ONCE(dest->weight, weight);
	err = l4lb_svc_build_state_with(svc, svc->sched, &svc->sched_cfg, dest,
					down, &st);
	if (err) {
		WRITE_ONCE(dest->weight, old);
		return err;
	}
	assign_bit(L4LB_DEST_DOWN_BIT, &dest->flags, down);
	l4lb_svc_publish_state(svc, svc->sched, st);
	return 0;
}

/*
 * A dest's forwarding method is fixed for its life (its connections'
 * reply matching depends on it), so changing it replaces the dest by a new
 * one in the same place; flows on the old one move on their next packet,
 * as after a delete. Counters start from zero.
 */
int l4lb_svc_replace_dest(struct l4lb_service *svc, struct l4lb_dest *old,
			  const struct l4lb_dest_cfg *cfg)
{
	struct l4lb_sched_state *st;
	struct l4lb_dest *dest;
	int err;

	lockdep_assert_held(&svc->ln->lock);
	dest = l4lb_svc_new_dest(svc, cfg);
	if (IS_ERR(dest))
		return PTR_ERR(dest);
	list_replace(&old->list, &dest->list);
	err = l4lb_svc_build_state(svc, svc->sched, &st);
	if (err) {
		list_replace(&dest->list, &old->list);
		l4lb_dest_put(dest);
		return err;
	}
	rcu_assign_pointer(dest->svc, svc);
	l4lb_dest_kill(old);
	RCU_INIT_POINTER(old->svc, NULL);
	l4lb_svc_publish_state(svc, svc->sched, st);
	l4lb_dest_put(old);
	return 0;
}

int l4lb_svc_del_dest(struct l4lb_service *svc, struct l4lb_dest *dest)
{
	struct list_head *prev = dest->list.prev;
	struct l4lb_sched_state *st;
	int err;

	lockdep_assert_held(&svc->ln->lock);
	/* Build the state without the dest first: failure changes nothing. */
	list_del(&dest->list);
	err = l4lb_svc_build_state(svc, svc->sched, &st);
	if (err) {
		list_add(&dest->list, prev);
		return err;
	}
	svc->dest_count--;
	/* DEAD before publishing: flows on it move on their next packet. */
	l4lb_dest_kill(dest);
	RCU_INIT_POINTER(dest->svc, NULL);
	l4lb_svc_publish_state(svc, svc->sched, st);
	l4lb_dest_put(dest);
	return 0;
}

/* @dev is going down or away: no dest of @ln may keep a route by it. */
void l4lb_svc_forget_dev_routes(struct l4lb_net *ln,
				const struct net_device *dev)
{
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	unsigned int i;

	lockdep_assert_held(&ln->lock);
	for (i = 0; i < L4LB_SVC_TAB_SIZE; i++)
		hlist_for_each_entry_rcu(svc, &ln->svc_tab[i], node,
					 lockdep_is_held(&ln->lock))
			list_for_each_entry(dest, &svc->dests, list)
				l4lb_route_forget_dev(dest, dev);
}

void l4lb_svc_zero(struct l4lb_service *svc)
{
	struct l4lb_dest *dest;

	lockdep_assert_held(&svc->ln->lock);
	l4lb_stats_zero(&svc->stats);
	list_for_each_entry(dest, &svc->dests, list)
		l4lb_stats_zero(&dest->stats);
}

/*
 * Packet path: choose a dest for new (or moved) @flow and take a
 * reference for the connection. A reader may still see a state that
 * includes a dest deleted a moment ago; skip it and ask once more.
 */
struct l4lb_dest *l4lb_svc_pick_dest(struct l4lb_service *svc,
				     const struct l4lb_flow *flow)
{
	struct l4lb_sched_state *st;
	struct l4lb_dest *dest;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		st = rcu_dereference(svc->sched_state);
		if (!st)
			return NULL;
		dest = st->ops->pick(st, flow);
		if (!dest)
			return NULL;
		if (!l4lb_dest_unusable(dest) && l4lb_dest_hold(dest))
			return dest;
	}
	return NULL;
}
