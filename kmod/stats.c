// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU 64-bit counters: the packet path increments its own CPU's slot,
 * readers sum all slots. No shared cache line is written per packet.
 */
#include "l4lb.h"

int l4lb_stats_init(struct l4lb_stats *s)
{
	int cpu;

	memset(s->base, 0, sizeof(s->base));
	s->pcpu = alloc_percpu(struct l4lb_pcpu_ctrs);
	if (!s->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->pcpu, cpu)->syncp);
	return 0;
}

void l4lb_stats_free(struct l4lb_stats *s)
{
	free_percpu(s->pcpu);
	s->pcpu = NULL;
}

/* Two counters in one update section: packets and bytes go together. */
void l4lb_stats_add2(struct l4lb_stats *s, unsigned int i, u64 a,
		     unsigned int j, u64 b)
{
	struct l4lb_pcpu_ctrs *c = get_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&c->v[i], a);
	u64_stats_add(&c->v[j], b);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->pcpu);
}

void l4lb_stats_inc(struct l4lb_stats *s, unsigned int i)
{
	struct l4lb_pcpu_ctrs *c = get_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->v[i]);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->pcpu);
}

static void l4lb_stats_sum(const struct l4lb_stats *s, u64 out[L4LB_NR_CTRS])
{
	u64 v[L4LB_NR_CTRS];
	unsigned int start, i;
	int cpu;

	memset(out, 0, sizeof(u64) * L4LB_NR_CTRS);
	for_each_possible_cpu(cpu) {
		const struct l4lb_pcpu_ctrs *c = per_cpu_ptr(s->pcpu, cpu);

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < L4LB_NR_CTRS; i++)
				v[i] = u64_stats_read(&c->v[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (i = 0; i < L4LB_NR_CTRS; i++)
			out[i] += v[i];
	}
}

/* Callers serialise read and zero with the netns mutex (base is shared). */
void l4lb_stats_read(const struct l4lb_stats *s, u64 out[L4LB_NR_CTRS])
{
	unsigned int i;

	l4lb_stats_sum(s, out);
	for (i = 0; i < L4LB_NR_CTRS; i++)
		out[i] -= s->base[i];
}

void l4lb_stats_zero(struct l4lb_stats *s)
{
	l4lb_stats_sum(s, s->base);
}
