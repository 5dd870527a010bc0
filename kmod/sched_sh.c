// SPDX-License-Identifier: GPL-2.0
/*
 * Source hashing: a client's address (and with L4LB_SVC_SCHED_F_SH_PORT
 * its port) names one of 256 buckets, each holding a dest, so a client
 * keeps its server for as long as the dest set stays. The table holds
 * every dest of the service, quiescent (weight 0) and down ones too, so
 * that one server going out of use moves no other client: a flow whose
 * bucket holds one is dropped, or with L4LB_SVC_SCHED_F_SH_FALLBACK goes
 * to the next bucket's usable dest.
 *
 * The bucket is hash_32(port + address, 8), address and port in host
 * order, port 0 without SH_PORT, an IPv6 address folded by XOR of its
 * four words (as IPVS), so anyone can compute a client's server.
 */
#include <linux/hash.h>
#include "l4lb.h"

static struct l4lb_sched_state *
l4lb_sh_update(const struct l4lb_sched_cfg *cfg,
	       struct l4lb_dest *const *dests, unsigned int n)
{
	return l4lb_sched_buckets_new(&l4lb_sched_sh, cfg, dests, n);
}

static struct l4lb_dest *l4lb_sh_pick(struct l4lb_sched_state *hdr,
				      const struct l4lb_flow *flow)
{
	u32 flags = container_of(hdr, struct l4lb_sched_buckets, hdr)->flags;
	u32 key = l4lb_addr_fold(flow->family, &flow->saddr);

	if (flags & L4LB_SVC_SCHED_F_SH_PORT)
		key += ntohs(flow->sport);
	return l4lb_sched_buckets_get(hdr, hash_32(key, L4LB_SCHED_BUCKETS_BITS),
				      flags & L4LB_SVC_SCHED_F_SH_FALLBACK);
}

struct l4lb_sched_ops l4lb_sched_sh = {
	.name		= "sh",
	.all_dests	= true,
	.update		= l4lb_sh_update,
	.pick		= l4lb_sh_pick,
	.destroy	= l4lb_sched_buckets_destroy,
};
