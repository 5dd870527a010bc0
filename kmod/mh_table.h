/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maglev lookup tables (Eisenbud et al., "Maglev: A Fast and Reliable
 * Software Network Load Balancer", NSDI 2016, section 3.4), weighted.
 * Plain C with no kernel dependency: the module builds it (sched_mh.c) and
 * so does the host unit test (selftests/unit/test_mh.c).
 *
 * A table has M slots, M prime. Each backend has a preference list, the
 * permutation offset, offset + skip, offset + 2 skip, ... (mod M), offset
 * and skip from a keyed hash of its identity; skip is 1..M-1, coprime with
 * the prime M, so every list visits every slot once. Backends take turns,
 * in the order of their identities (so that the table does not depend on
 * the order they were configured in), each taking its next preferred slot
 * still empty, until the table is full. A backend of weight w takes w
 * turns a round (weights divided by their gcd, and halved while a round
 * would take more than a quarter of the table, so rounds stay fair).
 *
 * Lookups hash a flow's bytes with the same key to a slot: O(1). Removing
 * one backend of N moves its own slots and a few others (about 1/N of the
 * table in all); anyone who knows the key, the backends and M computes the
 * same table.
 */
#ifndef _L4LB_MH_TABLE_H
#define _L4LB_MH_TABLE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define L4LB_MH_KEY_BYTES	16
/* A backend's identity: family, 16 address bytes, port (network order). */
#define L4LB_MH_ID_BYTES	19
#define L4LB_MH_BACKENDS_MAX	65535	/* u16 slots; 0xffff is empty */
#define L4LB_MH_EMPTY		0xffff

struct l4lb_mh_backend {
	u8	id[L4LB_MH_ID_BYTES];
	u32	weight;		/* 0: no slot */
};

/* Per-backend build state. */
struct l4lb_mh_perm {
	u32	pos;		/* next preferred slot */
	u32	skip;
	u32	turns;		/* slots a round */
	u16	index;		/* in the caller's array */
};

/* Bytes of scratch space l4lb_mh_build() needs for @n backends. */
static inline size_t l4lb_mh_scratch_size(u32 n)
{
	return (size_t)n * sizeof(struct l4lb_mh_perm);
}

u64 l4lb_mh_siphash(const u8 key[L4LB_MH_KEY_BYTES], const void *data,
		    size_t len);
int l4lb_mh_is_prime(u32 m);
/* A backend's preference list: offset, offset + skip, ... (mod m). */
void l4lb_mh_perm_of(const u8 id[L4LB_MH_ID_BYTES],
		     const u8 key[L4LB_MH_KEY_BYTES], u32 m, u32 *offset,
		     u32 *skip);
/*
 * Fill table[0..m) with indices into @b (n <= L4LB_MH_BACKENDS_MAX, ids
 * distinct); @scratch holds l4lb_mh_scratch_size(n) bytes. Returns 0, or
 * -1 if no backend has a weight or m < 2 (the table is then all
 * L4LB_MH_EMPTY).
 */
int l4lb_mh_build(u16 *table, u32 m, const struct l4lb_mh_backend *b, u32 n,
		  const u8 key[L4LB_MH_KEY_BYTES], void *scratch);

/* A flow's slot from its keyed hash. */
static inline u32 l4lb_mh_slot(u64 hash, u32 m)
{
	return ((u32)hash ^ (u32)(hash >> 32)) % m;
}

#endif /* _L4LB_MH_TABLE_H */
