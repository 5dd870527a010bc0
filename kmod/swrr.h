/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smooth weighted round robin (the nginx algorithm), pure integer math with
 * no kernel dependency so it can be built in userspace for tests and
 * benchmarks.
 *
 * Each pick adds every entry's weight to its running "cur", chooses the
 * entry with the largest cur, and subtracts the total weight from it. Over
 * any run of total-weight picks each entry is chosen exactly weight times,
 * and the choices are interleaved (5:1:1 gives a a b a c a a, not a a a a a
 * b c).
 *
 * Bounds: weights are 1..65535 and at most L4LB_DEST_MAX_PER_SVC entries, so
 * total and every cur stay within +/- 2^24 and fit an int.
 *
 * The picks repeat with a period of total / gcd(weights): after that many
 * picks every cur is back to 0. When the period is short, the sequence is
 * computed once per configuration change and a pick is a table lookup, O(1)
 * and lockless, with exactly the same choices.
 */
#ifndef _L4LB_SWRR_H
#define _L4LB_SWRR_H

/* Longest period kept as a table (8 KB per service); see below. */
#define L4LB_SWRR_SEQ_MAX	4096

struct l4lb_swrr_entry {
	int weight;
	int cur;
};

/* Returns the chosen index, or -1 if n is 0. total = sum of weights. */
static inline int l4lb_swrr_next(struct l4lb_swrr_entry *e, unsigned int n,
				 int total)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		e[i].cur += e[i].weight;
		if (best < 0 || e[i].cur > e[best].cur)
			best = (int)i;
	}
	if (best >= 0)
		e[best].cur -= total;
	return best;
}

static inline unsigned int l4lb_swrr_gcd(unsigned int a, unsigned int b)
{
	while (b) {
		unsigned int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Fill seq[0..period) with the picks from the all-zero state (the state
 * every fresh configuration starts in); leaves e[] in that state again.
 */
static inline void l4lb_swrr_fill(struct l4lb_swrr_entry *e, unsigned int n,
				  int total, unsigned short *seq,
				  unsigned int period)
{
	unsigned int k;

	for (k = 0; k < period; k++)
		seq[k] = (unsigned short)l4lb_swrr_next(e, n, total);
}

#endif /* _L4LB_SWRR_H */
