/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: per-CPU counters (stats.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_STATS_H
#define _L4LB_STATS_H

/* Counter slots; services and dests use the traffic ones, the netns the
 * drop ones. Both sets have five members so one layout serves both.
 */
enum {
	L4LB_CTR_CONNS,
	L4LB_CTR_PKTS_IN,
	L4LB_CTR_BYTES_IN,
	L4LB_CTR_PKTS_OUT,
	L4LB_CTR_BYTES_OUT,
	L4LB_NR_CTRS
};

enum {
	L4LB_DROP_NO_DEST,
	L4LB_DROP_TABLE_FULL,
	L4LB_DROP_MALFORMED,
	L4LB_DROP_MTU,
	L4LB_DROP_NO_ROUTE,
	L4LB_NR_DROPS
};

struct l4lb_pcpu_ctrs {
	u64_stats_t		v[L4LB_NR_CTRS];
	struct u64_stats_sync	syncp;
};

/* Raw counter sums at one instant, for rates computed on read. */
struct l4lb_rate_sample {
	u64	t_ns;			/* ktime_get_ns() */
	u64	v[L4LB_NR_CTRS];
};

/*
 * Writers only touch their own CPU's slot. "Zeroing" records the current
 * sums as a base (under the netns mutex) instead of writing other CPUs'
 * slots, which would race with the packet path. The two rate samples are
 * only touched by readers, under the netns mutex (see stats.c).
 */
struct l4lb_stats {
	struct l4lb_pcpu_ctrs __percpu	*pcpu;
	u64				base[L4LB_NR_CTRS];
	struct l4lb_rate_sample		rate_old, rate_new;
};

/* Per-second rates over the last sampling window (see stats.c). */
struct l4lb_rates {
	u64	per_sec[L4LB_NR_CTRS];
	u64	window_ms;
};

int l4lb_stats_init(struct l4lb_stats *s);
void l4lb_stats_free(struct l4lb_stats *s);

/*
 * Inline: the packet path calls these two or three times per packet.
 * add2 updates two counters in one section: packets and bytes go together.
 */
static inline void l4lb_stats_add2(struct l4lb_stats *s, unsigned int i,
				   u64 a, unsigned int j, u64 b)
{
	struct l4lb_pcpu_ctrs *c = get_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&c->v[i], a);
	u64_stats_add(&c->v[j], b);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->pcpu);
}

static inline void l4lb_stats_inc(struct l4lb_stats *s, unsigned int i)
{
	struct l4lb_pcpu_ctrs *c = get_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->v[i]);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->pcpu);
}

/* A GRO packet counts as the packets it was built from. */
static inline unsigned int l4lb_skb_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
}

/* @pkts_ctr: L4LB_CTR_PKTS_IN or _OUT; the bytes follow it. */
static inline void l4lb_count(struct l4lb_stats *stats, unsigned int pkts_ctr,
			      unsigned int segs, unsigned int len)
{
	BUILD_BUG_ON(L4LB_CTR_BYTES_IN - L4LB_CTR_PKTS_IN != 1 ||
		     L4LB_CTR_BYTES_OUT - L4LB_CTR_PKTS_OUT != 1);
	l4lb_stats_add2(stats, pkts_ctr, segs, pkts_ctr + 1, len);
}

void l4lb_stats_read(const struct l4lb_stats *s, u64 out[L4LB_NR_CTRS]);
u64 l4lb_stats_read_one(const struct l4lb_stats *s, unsigned int i);
void l4lb_stats_read_rates(struct l4lb_stats *s, u64 out[L4LB_NR_CTRS],
			   struct l4lb_rates *rates);
void l4lb_stats_zero(struct l4lb_stats *s);

#endif /* _L4LB_STATS_H */
