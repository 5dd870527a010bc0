/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test.h - minimal unit-test helpers; last line
 * "N passed, N failed, N skipped" (a skipped check is not a pass).
 */
#ifndef L4LBD_TEST_H
#define L4LBD_TEST_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail, t_skip;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);	\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

/* SKIP(why...): a check that cannot run here, counted apart. */
#define SKIP(...) do {							\
	t_skip++;							\
	printf("SKIP %s:%d: ", __FILE__, __LINE__);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

#define TEST_DONE() do {						\
	printf("%d passed, %d failed, %d skipped\n",			\
	       t_pass, t_fail, t_skip);					\
	return t_fail ? 1 : 0;						\
} while (0)

#endif
