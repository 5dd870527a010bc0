/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Message generator of the l4lb netlink fuzzer: every message comes from
 * its own PRNG stream seeded by (seed, index), so any one of them can be
 * rebuilt alone (l4lbfuzz -x INDEX).
 */
#ifndef L4LB_FUZZ_GEN_H
#define L4LB_FUZZ_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>

struct rng {
	uint64_t s;
};

void rng_seed(struct rng *r, uint64_t seed, uint64_t index);
uint64_t rng_next(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);	/* 0..n-1 */
bool rng_chance(struct rng *r, unsigned int percent);

/* Room for the largest message the generator builds. */
#define GEN_BUF_SIZE	(16 * 1024)

struct gen_msg {
	struct nlmsghdr *nlh;
	uint8_t cmd;
	bool dump;
	/*
	 * Refused by the netlink/genl core before l4lb's policies run
	 * (unknown command, wrong dump flag, short or odd header), where
	 * no extack message is promised.
	 */
	bool core_reject;
	char kind[48];		/* what was done to it, for the report */
};

/* The services and destinations the generator aims at (few, so they meet). */
#define GEN_VIPS	8
#define GEN_PORTS	4
#define GEN_RIPS	16

void gen_message(struct rng *r, uint16_t family, void *buf,
		 struct gen_msg *m);

#endif
