// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev table building (see mh_table.h); no kernel dependency.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif
#include "mh_table.h"

/* SipHash-2-4 (Aumasson, Bernstein), 64-bit output. */
static inline u64 l4lb_mh_rotl(u64 x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline u64 l4lb_mh_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define L4LB_SIPROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = l4lb_mh_rotl(v1, 13); v1 ^= v0;			\
	v0 = l4lb_mh_rotl(v0, 32);					\
	v2 += v3; v3 = l4lb_mh_rotl(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = l4lb_mh_rotl(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = l4lb_mh_rotl(v1, 17); v1 ^= v2;			\
	v2 = l4lb_mh_rotl(v2, 32);					\
} while (0)

u64 l4lb_mh_siphash(const u8 key[L4LB_MH_KEY_BYTES], const void *data,
		    size_t len)
{
	u64 k0 = l4lb_mh_le64(key), k1 = l4lb_mh_le64(key + 8);
	u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	u64 v3 = k1 ^ 0x7465646279746573ULL;
	const u8 *p = data;
	size_t left = len;
	u64 m;
	int i;

	for (; left >= 8; p += 8, left -= 8) {
		m = l4lb_mh_le64(p);
		v3 ^= m;
		L4LB_SIPROUND(v0, v1, v2, v3);
		L4LB_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = (u64)len << 56;
	for (i = (int)left - 1; i >= 0; i--)
		m |= (u64)p[i] << (8 * i);
	v3 ^= m;
	L4LB_SIPROUND(v0, v1, v2, v3);
	L4LB_SIPROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		L4LB_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

int l4lb_mh_is_prime(u32 m)
{
	u32 d;

	if (m < 2)
		return 0;
	for (d = 2; d <= m / d; d++)
		if (m % d == 0)
			return 0;
	return 1;
}

void l4lb_mh_perm_of(const u8 id[L4LB_MH_ID_BYTES],
		     const u8 key[L4LB_MH_KEY_BYTES], u32 m, u32 *offset,
		     u32 *skip)
{
	u64 h = l4lb_mh_siphash(key, id, L4LB_MH_ID_BYTES);

	*offset = (u32)h % m;
	*skip = (u32)(h >> 32) % (m - 1) + 1;
}

static u32 l4lb_mh_gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The backends of weight > 0 in @p, sorted by identity (insertion sort:
 * a few hundred backends in the kernel, rebuilt off the packet path);
 * returns how many.
 */
static u32 l4lb_mh_order(struct l4lb_mh_perm *p,
			 const struct l4lb_mh_backend *b, u32 n)
{
	u32 i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (!b[i].weight)
			continue;
		for (j = k; j > 0 && memcmp(b[p[j - 1].index].id, b[i].id,
					    L4LB_MH_ID_BYTES) > 0; j--)
			p[j] = p[j - 1];
		p[j].index = (u16)i;
		k++;
	}
	return k;
}

int l4lb_mh_build(u16 *table, u32 m, const struct l4lb_mh_backend *b, u32 n,
		  const u8 key[L4LB_MH_KEY_BYTES], void *scratch)
{
	struct l4lb_mh_perm *p = scratch;
	u32 i, t, k, g = 0, shift = 0, filled = 0;
	u64 round;

	for (i = 0; i < m; i++)
		table[i] = L4LB_MH_EMPTY;
	k = l4lb_mh_order(p, b, n);
	if (!k || m < 2)
		return -1;
	for (i = 0; i < k; i++)
		g = l4lb_mh_gcd(g, b[p[i].index].weight);
	/* Halve the turns while one round would take over a quarter. */
	for (;;) {
		round = 0;
		for (i = 0; i < k; i++) {
			t = (b[p[i].index].weight / g) >> shift;
			round += t ? t : 1;
		}
		if (round <= m / 4 || round <= k)
			break;
		shift++;
	}
	for (i = 0; i < k; i++) {
		t = (b[p[i].index].weight / g) >> shift;
		p[i].turns = t ? t : 1;
		l4lb_mh_perm_of(b[p[i].index].id, key, m, &p[i].pos,
				&p[i].skip);
	}
	for (;;) {
		for (i = 0; i < k; i++) {
			for (t = 0; t < p[i].turns; t++) {
				while (table[p[i].pos] != L4LB_MH_EMPTY) {
					p[i].pos += p[i].skip;
					if (p[i].pos >= m)
						p[i].pos -= m;
				}
				table[p[i].pos] = p[i].index;
				if (++filled == m)
					return 0;
			}
		}
	}
}
