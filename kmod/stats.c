// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU 64-bit counters: the packet path increments its own CPU's slot,
 * readers sum all slots. No shared cache line is written per packet.
 *
 * Rates (conn/s, packets/s, bytes/s) are computed on read, from two
 * timestamped samples of the raw sums kept in each object. IPVS instead
 * runs an estimator that walks every service and destination from a timer
 * every 2 s whether or not anyone looks: O(objects) of CPU forever, which
 * became a real cost at 50k services. Here an idle or unobserved table
 * costs nothing, the packet path pays nothing beyond its counters, and a
 * read pays O(1) per object it reports anyway. A per-CPU scheme updated
 * by the packet path was the alternative; it gives "recent" rates without
 * readers, but adds a clock read and a branch per packet per object and
 * needs a consistency protocol between each CPU's window fields.
 *
 * A read at time t with raw sums S (all under the netns mutex, which
 * serialises the sample updates; the packet path never touches them):
 *   - when the newer sample is at least L4LB_RATE_WINDOW_NS old, it becomes
 *     the older one and (t, S) becomes the newer one;
 *   - rate = (S - older.v) / (t - older.t).
 * So once the first window has passed, the window is at least 2 s (IPVS's
 * tick). Readers polling at least every 2 s (watch, a metrics scraper) get
 * the rate over the last 2..4 s; after a pause in reading, the first read
 * reports the average since the read before last. The window length goes
 * out with the rates (L4LB_STATS_A_RATE_WINDOW_MS) so a reader knows what
 * the numbers cover. Zeroing counters does not reset rates.
 */
#include "l4lb.h"
#include <linux/math64.h>
#include <linux/ktime.h>

#define L4LB_RATE_WINDOW_NS	(2 * NSEC_PER_SEC)

int l4lb_stats_init(struct l4lb_stats *s)
{
	int cpu;

	memset(s->base, 0, sizeof(s->base));
	/* Both samples at creation with zero sums: first rates since then. */
	memset(&s->rate_old, 0, sizeof(s->rate_old));
	s->rate_old.t_ns = ktime_get_ns();
	s->rate_new = s->rate_old;
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

u64 l4lb_stats_read_one(const struct l4lb_stats *s, unsigned int i)
{
	u64 v[L4LB_NR_CTRS];

	l4lb_stats_read(s, v);
	return v[i];
}

/* Counters as l4lb_stats_read(), plus rates; see the top of the file. */
void l4lb_stats_read_rates(struct l4lb_stats *s, u64 out[L4LB_NR_CTRS],
			   struct l4lb_rates *rates)
{
	u64 now = ktime_get_ns(), dt;
	unsigned int i;

	l4lb_stats_sum(s, out);
	if (now - s->rate_new.t_ns >= L4LB_RATE_WINDOW_NS) {
		s->rate_old = s->rate_new;
		s->rate_new.t_ns = now;
		memcpy(s->rate_new.v, out, sizeof(s->rate_new.v));
	}
	dt = now - s->rate_old.t_ns;
	rates->window_ms = div_u64(dt, NSEC_PER_MSEC);
	for (i = 0; i < L4LB_NR_CTRS; i++) {
		/* Under 1 ms the quotient could overflow (x86 divq traps). */
		rates->per_sec[i] = dt < NSEC_PER_MSEC ? 0 :
			mul_u64_u64_div_u64(out[i] - s->rate_old.v[i],
					    NSEC_PER_SEC, dt);
		out[i] -= s->base[i];
	}
}

void l4lb_stats_zero(struct l4lb_stats *s)
{
	l4lb_stats_sum(s, s->base);
}
