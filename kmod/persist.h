/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: persistence templates (persist.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_PERSIST_H
#define _L4LB_PERSIST_H

#include <linux/timer.h>

/* Per-netns template hash table: 8 KB, chains of 64 at the default limit. */
#define L4LB_PERSIST_TAB_BITS	10
#define L4LB_PERSIST_TAB_SIZE	(1U << L4LB_PERSIST_TAB_BITS)
#define L4LB_PERSIST_MAX_DEFAULT	65536

/*
 * A client (address masked to the service's prefix) bound to a dest of a
 * persistent service. Its keys and dest never change: a template that
 * must point elsewhere is replaced.
 */
struct l4lb_tmpl {
	struct hlist_node	node;	/* pt->tab, RCU; under pt->lock */
	struct list_head	list;	/* pt->all, oldest first; under pt->lock */
	/* The key; valid while hashed: a service drops its own first. */
	struct l4lb_service	*svc;
	struct l4lb_dest	*dest;	/* held */
	union l4lb_addr		caddr;	/* masked; unused words zero */
	unsigned long		expires;	/* refreshed locklessly */
	struct timer_list	timer;
	bool			hashed;	/* under pt->lock */
	struct rcu_head		rcu;
};

/* Service settings (ipvsadm's -p, -M); config lock, READ_ONCE by packets. */
struct l4lb_persist_cfg {
	u32	timeout;	/* seconds; 0: not persistent */
	u8	prefix;		/* bits of the client address kept */
};

struct l4lb_persist {
	spinlock_t		lock;
	struct hlist_head	tab[L4LB_PERSIST_TAB_SIZE];
	struct list_head	all;
	atomic_t		count;
};

extern unsigned int l4lb_persist_max;

struct l4lb_net;
struct l4lb_service;
struct l4lb_flow;

void l4lb_persist_init(struct l4lb_persist *pt);
struct l4lb_dest *l4lb_persist_pick(struct l4lb_service *svc,
				    const struct l4lb_flow *flow);
void l4lb_persist_flush(struct l4lb_net *ln, struct l4lb_service *svc,
			bool closing);
bool l4lb_persist_sync_in(struct l4lb_service *svc, struct l4lb_dest *dest,
			  const union l4lb_addr *caddr, unsigned long ttl);
int l4lb_persist_walk(struct l4lb_net *ln, unsigned long *bucket,
		      unsigned long *skip,
		      int (*fn)(const struct l4lb_tmpl *t, void *arg),
		      void *arg);

#endif /* _L4LB_PERSIST_H */
