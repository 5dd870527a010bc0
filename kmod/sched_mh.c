// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev hashing: a client's address (and with L4LB_SVC_SCHED_F_MH_PORT
 * its port) hashed with the service's key names a slot of a prime-sized
 * table (mh_table.c), which names the dest. The table is built when the
 * usable dests or the settings change, under the config mutex, from the
 * dests sorted by (family, address, port) and with the service's key: two
 * balancers with the same dests, in whatever order added, the same key and
 * table size, build the same table and send a flow to the same server.
 * Removing one dest of N moves about 1/N of the flows, its own.
 *
 * Down and quiescent (weight 0) dests are left out of the table, which
 * moves only their slots. A pick that meets a dest deleted or marked down
 * an instant ago, before the new table is published, is refused (the
 * caller asks once more); with L4LB_SVC_SCHED_F_MH_FALLBACK it takes the
 * next slot's dest instead.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include "l4lb.h"
#include "mh_table.h"

/* Slots tried by the fallback before giving up. */
#define L4LB_MH_FALLBACK_TRIES	512

struct l4lb_mh_state {
	struct l4lb_sched_state	hdr;
	u32			flags;		/* L4LB_SVC_SCHED_F_* */
	u32			size;		/* prime, slots */
	u8			key[L4LB_MH_KEY_BYTES];
	u16			*table;		/* NULL: no dest */
	unsigned int		n;
	struct l4lb_dest	*dests[];
};

static void l4lb_mh_id(struct l4lb_mh_backend *b, const struct l4lb_dest *d)
{
	memset(b->id, 0, sizeof(b->id));
	b->id[0] = d->family;
	memcpy(&b->id[1], d->addr.all, sizeof(d->addr.all));
	memcpy(&b->id[17], &d->port, sizeof(d->port));
	b->weight = d->weight;
}

static struct l4lb_sched_state *
l4lb_mh_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	struct l4lb_mh_backend *b = NULL;
	struct l4lb_mh_state *st;
	void *scratch = NULL;
	unsigned int i;

	BUILD_BUG_ON(sizeof(((struct l4lb_mh_state *)0)->key) !=
		     L4LB_MH_KEY_LEN);
	BUILD_BUG_ON(L4LB_DEST_MAX_PER_SVC > L4LB_MH_BACKENDS_MAX);
	st = kzalloc(struct_size(st, dests, n), GFP_KERNEL);
	if (!st)
		return NULL;
	st->hdr.ops = &l4lb_sched_mh;
	st->flags = cfg->flags;
	st->size = cfg->mh_size;
	memcpy(st->key, cfg->mh_key, sizeof(st->key));
	st->n = n;
	memcpy(st->dests, dests, n * sizeof(*dests));
	if (!n)
		return &st->hdr;

	st->table = kvmalloc_array(st->size, sizeof(*st->table), GFP_KERNEL);
	b = kmalloc_array(n, sizeof(*b), GFP_KERNEL);
	scratch = kmalloc(l4lb_mh_scratch_size(n), GFP_KERNEL);
	if (!st->table || !b || !scratch)
		goto err_free;
	for (i = 0; i < n; i++)
		l4lb_mh_id(&b[i], dests[i]);
	/* Usable dests all have a weight: the table is full. */
	if (l4lb_mh_build(st->table, st->size, b, n, st->key, scratch))
		goto err_free;
	kfree(scratch);
	kfree(b);
	return &st->hdr;

err_free:
	kfree(scratch);
	kfree(b);
	kvfree(st->table);
	kfree(st);
	return NULL;
}

static struct l4lb_dest *l4lb_mh_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	struct l4lb_mh_state *st = container_of(hdr, struct l4lb_mh_state,
						hdr);
	unsigned int words = l4lb_addr_words(flow->family);
	u8 buf[sizeof(flow->saddr) + sizeof(flow->sport)];
	struct l4lb_dest *dest;
	size_t len = words * 4;
	u32 slot, i;

	if (!st->table)
		return NULL;
	memcpy(buf, flow->saddr.all, len);
	if (st->flags & L4LB_SVC_SCHED_F_MH_PORT) {
		memcpy(&buf[len], &flow->sport, sizeof(flow->sport));
		len += sizeof(flow->sport);
	}
	slot = l4lb_mh_slot(l4lb_mh_siphash(st->key, buf, len), st->size);
	dest = st->dests[st->table[slot]];
	if (!l4lb_dest_overloaded(dest) &&
	    (!(st->flags & L4LB_SVC_SCHED_F_MH_FALLBACK) ||
	     !l4lb_dest_unusable(dest)))
		return dest;
	if (!(st->flags & L4LB_SVC_SCHED_F_MH_FALLBACK))
		return NULL;
	for (i = 0; i < L4LB_MH_FALLBACK_TRIES; i++) {
		slot = slot + 1 < st->size ? slot + 1 : 0;
		dest = st->dests[st->table[slot]];
		if (!l4lb_dest_unusable(dest) && !l4lb_dest_overloaded(dest))
			return dest;
	}
	return NULL;
}

static void l4lb_mh_free_rcu(struct rcu_head *head)
{
	struct l4lb_mh_state *st = container_of(head, struct l4lb_mh_state,
						hdr.rcu);

	kvfree(st->table);
	kfree(st);
}

static void l4lb_mh_destroy(struct l4lb_sched_state *hdr)
{
	call_rcu(&hdr->rcu, l4lb_mh_free_rcu);
}

struct l4lb_sched_ops l4lb_sched_mh = {
	.name		= "mh",
	.update		= l4lb_mh_update,
	.pick		= l4lb_mh_pick,
	.destroy	= l4lb_mh_destroy,
};
