/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: services (service.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_SERVICE_H
#define _L4LB_SERVICE_H

/*
 * Unused address words zero: keys compare and hash whole. A firewall-mark
 * service has @fwmark (not 0) and @family only, the rest zero.
 */
struct l4lb_svc_key {
	union l4lb_addr	addr;
	__be16	port;
	u8	protocol;
	u8	family;		/* AF_INET or AF_INET6 */
	u32	fwmark;
};

struct l4lb_service {
	struct hlist_node		node;	/* ln->svc_tab, RCU */
	struct l4lb_net			*ln;
	struct l4lb_svc_key		key;
	u32				flags;	/* L4LB_SVC_F_*; READ_ONCE */
	const struct l4lb_sched_ops	*sched;		/* under ln->lock */
	struct l4lb_sched_state __rcu	*sched_state;	/* NULL: no dest */
	struct l4lb_sched_cfg		sched_cfg;	/* under ln->lock */
	struct list_head		dests;		/* under ln->lock */
	unsigned int			dest_count;
	/* -p, -M: under ln->lock, READ_ONCE by packets (persist.c). */
	struct l4lb_persist_cfg		persist;
	/* Deleted: takes no new template (under ln->persist.lock). */
	bool				tmpl_closed;
	struct l4lb_stats		stats;
	struct rcu_head			rcu;
};

struct l4lb_service *l4lb_svc_lookup_rcu(struct l4lb_net *ln,
					 const struct l4lb_svc_key *key);
struct l4lb_service *l4lb_svc_lookup_pkt(struct l4lb_net *ln, u8 family,
					 u8 protocol,
					 const union l4lb_addr *daddr,
					 __be16 dport, u32 mark);
struct l4lb_service *l4lb_svc_find(struct l4lb_net *ln,
				   const struct l4lb_svc_key *key);
int l4lb_svc_add(struct l4lb_net *ln, const struct l4lb_svc_key *key,
		 const struct l4lb_sched_ops *sched, u32 flags,
		 const struct l4lb_sched_cfg *cfg);
int l4lb_svc_edit(struct l4lb_service *svc,
		  const struct l4lb_sched_ops *sched, u32 flags,
		  const struct l4lb_sched_cfg *cfg);
void l4lb_svc_set_persist(struct l4lb_service *svc,
			  const struct l4lb_persist_cfg *cfg);
void l4lb_svc_del(struct l4lb_service *svc);
void l4lb_svc_flush(struct l4lb_net *ln);
int l4lb_svc_rebuild_sched(struct l4lb_service *svc);
struct l4lb_dest *l4lb_svc_find_dest(struct l4lb_service *svc, u8 family,
				     const union l4lb_addr *addr, __be16 port);
int l4lb_svc_add_dest(struct l4lb_service *svc,
		      const struct l4lb_dest_cfg *cfg);
int l4lb_svc_edit_dest(struct l4lb_service *svc, struct l4lb_dest *dest,
		       u32 weight, bool down);
int l4lb_svc_replace_dest(struct l4lb_service *svc, struct l4lb_dest *old,
			  const struct l4lb_dest_cfg *cfg);
int l4lb_svc_del_dest(struct l4lb_service *svc, struct l4lb_dest *dest);
void l4lb_svc_forget_dev_routes(struct l4lb_net *ln,
				const struct net_device *dev);
void l4lb_svc_zero(struct l4lb_service *svc);
struct l4lb_dest *l4lb_svc_pick_dest(struct l4lb_service *svc,
				     const struct l4lb_flow *flow);
void l4lb_svc_table_init(struct l4lb_net *ln);

static inline void l4lb_config_changed(struct l4lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	/* Never 0: netlink treats a 0 dump sequence as "unset". */
	if (++ln->gen == 0)
		ln->gen = 1;
}

#endif /* _L4LB_SERVICE_H */
