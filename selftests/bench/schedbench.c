// SPDX-License-Identifier: GPL-2.0
/*
 * schedbench: the module's smooth weighted round robin (kmod/swrr.h, the
 * very source the kernel builds) run in userspace, for
 * `valgrind --tool=callgrind --toggle-collect=pick_many` to count the
 * instructions of one scheduling decision.
 *
 *   schedbench NDESTS PICKS
 *
 * Weights are 1..7 in turn (a mixed pool). Prints how often each of the
 * first three destinations was picked (a check that the loop ran).
 */
#include <stdio.h>
#include <stdlib.h>
#include "swrr.h"

static unsigned long hits[3];

__attribute__((noinline)) static void pick_many(struct l4lb_swrr_entry *e,
						unsigned int n, int total,
						unsigned long picks)
{
	unsigned long i;

	for (i = 0; i < picks; i++) {
		int k = l4lb_swrr_next(e, n, total);

		if (k >= 0 && k < 3)
			hits[k]++;
	}
}

int main(int argc, char **argv)
{
	struct l4lb_swrr_entry *e;
	unsigned int n, i;
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
	}
	pick_many(e, n, total, picks);
	printf("n %u picks %lu first3 %lu %lu %lu\n", n, picks, hits[0], hits[1], hits[2]);
	return 0;
}
