/* SPDX-License-Identifier: GPL-2.0 */
/* test.h - minimal unit-test helpers; last line "N passed, N failed". */
#ifndef L4LBD_TEST_H
#define L4LBD_TEST_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

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

#define TEST_DONE() do {						\
	printf("%d passed, %d failed\n", t_pass, t_fail);		\
	return t_fail ? 1 : 0;						\
} while (0)

#endif
