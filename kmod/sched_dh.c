// SPDX-License-Identifier: GPL-2.0
/*
 * Destination hashing: the flow's destination address names one of 256
 * buckets (hash_32(address, 8), host order, IPv6 folded as sh's), each
 * holding a dest: meant for caches, where one destination's traffic
 * should always reach the same server. A service has a single VIP, so
 * all its flows go to one dest: the one of the VIP's bucket. The table
 * holds every dest, quiescent and down ones too (see sh); a flow whose
 * bucket holds one is dropped.
 */
#include <linux/hash.h>
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_dh_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_buckets_new(&l4lb_sched_dh, cfg, dests, n);
}

static struct l4lb_dest *l4lb_dh_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	u32 key = l4lb_addr_fold(flow->family, &flow->daddr);

	return l4lb_sched_buckets_get(hdr, hash_32(key, L4LB_SCHED_BUCKETS_BITS),
				      false);
}

struct l4lb_sched_ops l4lb_sched_dh = {
	.name		= "dh",
	.all_dests	= true,
	.update		= l4lb_dh_update,
	.pick		= l4lb_dh_pick,
	.destroy	= l4lb_sched_buckets_destroy,
};
