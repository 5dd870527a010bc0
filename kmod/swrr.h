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
 */
#ifndef _L4LB_SWRR_H
#define _L4LB_SWRR_H

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

#endif /* _L4LB_SWRR_H */
