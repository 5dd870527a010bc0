// SPDX-License-Identifier: GPL-2.0
/*
 * schedbench: the module's smooth weighted round robin (kmod/swrr.h, the
 * very source the kernel builds) run in userspace, for
 * `valgrind --tool=callgrind --toggle-collect=pick_many` to count the
 * instructions of one scheduling decision.
 *
 *   schedbench NDESTS PICKS
 *
 * Weights are 1..7 in turn (a mixed pool). As in the kernel
 * (kmod/sched_wrr.c), the period of picks is computed up front when it is at
 * most L4LB_SWRR_SEQ_MAX long and a pick is an atomic increment and a table
 * lookup; otherwise every pick runs the algorithm. Prints how often each of
 * the first three destinations was picked (a check that the loop ran).
 */
#include <stdio.h>
#include <stdlib.h>
#include "swrr.h"

static unsigned long hits[3];
static unsigned short *seq;
static unsigned int period, cursor;

__attribute__((noinline)) static void pick_many(struct l4lb_swrr_entry *e,
						unsigned int n, int total,
						unsigned long picks)
{
	unsigned long i;

	for (i = 0; i < picks; i++) {
		int k;

		if (seq)
			k = seq[__atomic_fetch_add(&cursor, 1, __ATOMIC_RELAXED) %
				period];
		else
			k = l4lb_swrr_next(e, n, total);
		if (k >= 0 && k < 3)
			hits[k]++;
	}
}

int main(int argc, char **argv)
{
	struct l4lb_swrr_entry *e;
	unsigned int n, i, gcd = 0;
	unsigned long picks;
	int total = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: schedbench NDESTS PICKS\n");
		return 2;
	}
	n = (unsigned int)strtoul(argv[1], NULL, 0);
	picks = strtoul(argv[2], NULL, 0);
	e = calloc(n ? n : 1, sizeof(*e));
	if (!e)
		return 1;
	for (i = 0; i < n; i++) {
		e[i].weight = (int)(i % 7) + 1;
		total += e[i].weight;
		gcd = l4lb_swrr_gcd(gcd, (unsigned int)e[i].weight);
	}
	if (gcd && (unsigned int)total / gcd <= L4LB_SWRR_SEQ_MAX) {
		period = (unsigned int)total / gcd;
		seq = calloc(period, sizeof(*seq));
		if (!seq)
			return 1;
		l4lb_swrr_fill(e, n, total, seq, period);
	}
	pick_many(e, n, total, picks);
	printf("n %u picks %lu first3 %lu %lu %lu\n", n, picks, hits[0], hits[1], hits[2]);
	return 0;
}
