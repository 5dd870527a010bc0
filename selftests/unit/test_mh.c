// SPDX-License-Identifier: GPL-2.0
/*
 * The module's Maglev table (kmod/mh_table.c, the same file) against the
 * properties of the Maglev paper: preference lists are permutations, the
 * table is full and balanced (weighted: each backend within one round's
 * turns of its share), the same backends in any order give the same table,
 * removing one backend of N moves about 1/N of the slots. Prints the
 * disruption measured and the build time for 1000 backends.
 *
 * ./test_mh [-q]: -q skips the timings (for slow machines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mh_table.h"

static int failed, passed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static const u8 key0[L4LB_MH_KEY_BYTES] = "l4lb-maglev-key0";

/* Backend i: 10.x.y.z:80, IPv4 as the module lays it out. */
static void backend(struct l4lb_mh_backend *b, u32 i, u32 weight)
{
	memset(b, 0, sizeof(*b));
	b->id[0] = 2;	/* AF_INET */
	b->id[1] = 10;
	b->id[2] = (u8)(i >> 16);
	b->id[3] = (u8)(i >> 8);
	b->id[4] = (u8)i;
	b->id[17] = 0;
	b->id[18] = 80;
	b->weight = weight;
}

static u16 *build(u32 m, const struct l4lb_mh_backend *b, u32 n,
		  const u8 *key)
{
	u16 *t = malloc(m * sizeof(*t));
	void *scratch = malloc(l4lb_mh_scratch_size(n) + 1);

	if (!t || !scratch)
		abort();
	if (l4lb_mh_build(t, m, b, n, key, scratch))
		memset(t, 0xff, m * sizeof(*t));
	free(scratch);
	return t;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_siphash(void)
{
	/* The reference vectors of the SipHash paper (appendix A). */
	u8 key[16], msg[64];
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (u8)i;
	for (i = 0; i < 64; i++)
		msg[i] = (u8)i;
	CHECK(l4lb_mh_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL,
	      "siphash-2-4 reference vector (15 bytes)");
	CHECK(l4lb_mh_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL,
	      "siphash-2-4 reference vector (empty)");
	CHECK(l4lb_mh_siphash(key, msg, 8) == 0x93f5f5799a932462ULL,
	      "siphash-2-4 reference vector (8 bytes)");
}

static void test_primes(void)
{
	CHECK(l4lb_mh_is_prime(65537) && l4lb_mh_is_prime(17) &&
	      l4lb_mh_is_prime(1048573) && l4lb_mh_is_prime(2),
	      "primes are prime");
	CHECK(!l4lb_mh_is_prime(65536) && !l4lb_mh_is_prime(1) &&
	      !l4lb_mh_is_prime(0) && !l4lb_mh_is_prime(65535) &&
	      !l4lb_mh_is_prime(1048575) && !l4lb_mh_is_prime(289),
	      "non-primes are not");
}

/* Every backend's preference list visits every slot exactly once. */
static void test_permutation(u32 m)
{
	u8 *seen = malloc(m);
	struct l4lb_mh_backend b;
	u32 i, j, off, skip, pos, bad = 0;

	for (i = 0; i < 20; i++) {
		backend(&b, i, 1);
		l4lb_mh_perm_of(b.id, key0, m, &off, &skip);
		CHECK(off < m && skip >= 1 && skip < m,
		      "offset %u skip %u within M %u", off, skip, m);
		memset(seen, 0, m);
		for (j = 0, pos = off; j < m; j++) {
			bad += seen[pos]++;
			pos = (pos + skip) % m;
		}
	}
	CHECK(!bad, "preference lists are permutations of %u slots", m);
	free(seen);
}

/* Full table; slot counts; max deviation from the weighted share. */
static void test_balance(u32 m, u32 n, const u32 *weights, const char *what)
{
	struct l4lb_mh_backend *b = calloc(n, sizeof(*b));
	u32 *count = calloc(n, sizeof(*count));
	u32 i, empty = 0, maxw = 0, minc = ~0u, maxc = 0;
	double total = 0, worst = 0;
	u16 *t;

	for (i = 0; i < n; i++) {
		backend(&b[i], i, weights ? weights[i] : 1);
		total += b[i].weight;
		if (b[i].weight > maxw)
			maxw = b[i].weight;
	}
	t = build(m, b, n, key0);
	for (i = 0; i < m; i++) {
		if (t[i] >= n)
			empty++;
		else
			count[t[i]]++;
	}
	CHECK(!empty, "%s: table full (%u empty slots)", what, empty);
	for (i = 0; i < n; i++) {
		double share = m * b[i].weight / total;
		double dev = count[i] - share;

		if (dev < 0)
			dev = -dev;
		/* Within one round's turns (the weight, here) of the share. */
		CHECK(dev <= b[i].weight + 1,
		      "%s: backend %u has %u slots, share %.1f (weight %u)",
		      what, i, count[i], share, b[i].weight);
		if (dev / b[i].weight > worst)
			worst = dev / b[i].weight;
		if (count[i] / b[i].weight < minc)
			minc = count[i] / b[i].weight;
		if (count[i] / b[i].weight > maxc)
			maxc = count[i] / b[i].weight;
	}
	printf("# %s: M %u, N %u: slots per weight unit %u..%u, worst deviation %.2f slots per weight unit\n",
	       what, m, n, minc, maxc, worst);
	free(t);
	free(count);
	free(b);
}

/* The same backends in any order (and different weights' scaling) build
 * the same table, as mapped to identities; another key another table. */
static void test_determinism(u32 m, u32 n)
{
	struct l4lb_mh_backend *a = calloc(n, sizeof(*a));
	struct l4lb_mh_backend *s = calloc(n, sizeof(*s));
	u32 *perm = calloc(n, sizeof(*perm));
	u8 key1[L4LB_MH_KEY_BYTES];
	u32 i, j, diff = 0, round;
	u16 *ta, *ts, *tk;

	for (i = 0; i < n; i++) {
		backend(&a[i], i, 1 + i % 3);
		perm[i] = i;
	}
	ta = build(m, a, n, key0);
	srand(1);
	for (round = 0; round < 5; round++) {
		for (i = n - 1; i > 0; i--) {
			j = (u32)rand() % (i + 1);
			u32 x = perm[i];

			perm[i] = perm[j];
			perm[j] = x;
		}
		for (i = 0; i < n; i++)
			s[i] = a[perm[i]];
		ts = build(m, s, n, key0);
		for (i = 0, diff = 0; i < m; i++)
			diff += perm[ts[i]] != ta[i];
		CHECK(!diff, "shuffled insertion order %u: %u slots differ",
		      round, diff);
		free(ts);
	}
	memcpy(key1, key0, sizeof(key1));
	key1[15] ^= 1;
	tk = build(m, a, n, key1);
	for (i = 0, diff = 0; i < m; i++)
		diff += tk[i] != ta[i];
	CHECK(diff > m / 2, "another key: %u of %u slots differ", diff, m);
	free(tk);
	free(ta);
	free(perm);
	free(s);
	free(a);
}

/*
 * Remove backend @gone of @n and add it back: the share of slots (flows)
 * that change owner each time, and of those not the removed one's own.
 */
static double test_disruption(u32 m, u32 n, u32 gone, int verbose)
{
	struct l4lb_mh_backend *a = calloc(n, sizeof(*a));
	struct l4lb_mh_backend *r = calloc(n, sizeof(*r));
	u32 i, k = 0, moved = 0, own = 0, back = 0;
	u16 *ta, *tr, *tb;

	for (i = 0; i < n; i++)
		backend(&a[i], i, 1);
	for (i = 0; i < n; i++)
		if (i != gone)
			r[k++] = a[i];
	ta = build(m, a, n, key0);
	tr = build(m, r, k, key0);
	for (i = 0; i < m; i++) {
		u32 before = ta[i], after = tr[i] + (tr[i] >= gone);

		if (before == gone)
			own++;
		if (before != after)
			moved++;
	}
	tb = build(m, a, n, key0);
	for (i = 0; i < m; i++)
		back += tb[i] != ta[i];
	CHECK(moved >= own, "removal moves the removed one's slots");
	CHECK(!back, "adding it back restores the table (%u differ)", back);
	if (verbose)
		printf("# disruption, M %u, N %u, remove backend %u: %.4f of flows move (its own %.4f, others %.4f; ideal 1/N = %.4f); adding it back moves the same %.4f\n",
		       m, n, gone, (double)moved / m, (double)own / m,
		       (double)(moved - own) / m, 1.0 / n, (double)moved / m);
	/* Up to 100 backends, the others move less than 1/N. */
	CHECK(n > 100 || moved - own < m / n,
	      "others' slots moved %u: fewer than the removed one's share",
	      moved - own);
	free(tb);
	free(tr);
	free(ta);
	free(r);
	free(a);
	return (double)moved / m;
}

/*
 * Backends 0, step, 2 step... of @n removed in turn (and added back):
 * mean and worst share of flows moved.
 */
static void test_disruption_each(u32 m, u32 n, u32 step)
{
	double sum = 0, worst = 0, d;
	u32 i, k = 0;

	for (i = 0; i < n; i += step, k++) {
		d = test_disruption(m, n, i, 0);
		sum += d;
		if (d > worst)
			worst = d;
	}
	printf("# disruption, M %u, N %u, %u backends removed in turn: mean %.4f, worst %.4f of flows move (ideal 1/N = %.4f); adding it back moves as many\n",
	       m, n, k, sum / k, worst, 1.0 / n);
}

/* Flows rather than slots: 1M random source addresses through both tables. */
static void test_flow_disruption(u32 m, u32 n)
{
	struct l4lb_mh_backend *a = calloc(n, sizeof(*a));
	struct l4lb_mh_backend *r = calloc(n, sizeof(*r));
	u32 i, flows = 1000000, moved = 0;
	u16 *ta, *tr;

	for (i = 0; i < n; i++)
		backend(&a[i], i, 1);
	memcpy(r, a + 1, (n - 1) * sizeof(*r));
	ta = build(m, a, n, key0);
	tr = build(m, r, n - 1, key0);
	srand(2);
	for (i = 0; i < flows; i++) {
		u32 addr = (u32)rand() ^ (u32)rand() << 16;
		u32 slot = l4lb_mh_slot(l4lb_mh_siphash(key0, &addr, 4), m);

		moved += ta[slot] != (u32)tr[slot] + 1;
	}
	printf("# disruption in flows, M %u, N %u, remove one: %.4f of %u random clients move\n",
	       m, n, (double)moved / flows, flows);
	free(tr);
	free(ta);
	free(r);
	free(a);
}

static void time_build(u32 m, u32 n)
{
	struct l4lb_mh_backend *a = calloc(n, sizeof(*a));
	void *scratch = malloc(l4lb_mh_scratch_size(n));
	u16 *t = malloc(m * sizeof(*t));
	double t0, best = 1e9;
	int round;

	for (u32 i = 0; i < n; i++)
		backend(&a[i], i, 1);
	for (round = 0; round < 10; round++) {
		t0 = now();
		l4lb_mh_build(t, m, a, n, key0, scratch);
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
	}
	printf("# build time, M %u, N %u: %.2f ms (best of 10)\n", m, n,
	       best * 1e3);
	free(t);
	free(scratch);
	free(a);
}

int main(int argc, char **argv)
{
	static const u32 w5[] = { 1, 2, 3, 4, 5 };
	static const u32 wbig[] = { 65535, 65534, 1, 300 };
	int quick = argc > 1 && !strcmp(argv[1], "-q");

	test_siphash();
	test_primes();
	test_permutation(65537);
	test_permutation(17);
	test_balance(65537, 10, NULL, "10 equal");
	test_balance(65537, 1000, NULL, "1000 equal");
	test_balance(65537, 5, w5, "weights 1..5");
	test_balance(65537, 256, NULL, "256 equal");
	test_balance(17, 3, NULL, "small table");
	{
		/* Big coprime weights are scaled: ratios hold to a round. */
		struct l4lb_mh_backend b[4];
		u32 c[4] = { 0 }, i;
		u16 *t;

		for (i = 0; i < 4; i++)
			backend(&b[i], i, wbig[i]);
		t = build(65537, b, 4, key0);
		for (i = 0; i < 65537; i++)
			c[t[i]]++;
		CHECK(c[0] > 32000 && c[1] > 32000 && c[2] >= 1 && c[3] >= 100,
		      "weights 65535:65534:1:300 give %u:%u:%u:%u slots",
		      c[0], c[1], c[2], c[3]);
		free(t);
	}
	{
		/* Weight 0: no slot. */
		struct l4lb_mh_backend b[3];
		u32 c[3] = { 0 }, i;
		u16 *t;

		for (i = 0; i < 3; i++)
			backend(&b[i], i, i == 1 ? 0 : 1);
		t = build(65537, b, 3, key0);
		for (i = 0; i < 65537; i++)
			c[t[i]]++;
		CHECK(!c[1] && c[0] + c[2] == 65537, "weight 0 takes no slot");
		free(t);
	}
	test_determinism(65537, 10);
	test_determinism(65537, 257);
	test_disruption(65537, 10, 3, 1);
	test_disruption_each(65537, 10, 1);
	test_disruption_each(65537, 100, 1);
	test_disruption_each(65537, 1000, 10);
	if (!quick)
		test_disruption_each(1048573, 1000, 100);
	test_flow_disruption(65537, 10);
	if (!quick) {
		time_build(65537, 10);
		time_build(65537, 256);
		time_build(65537, 1000);
		time_build(1048573, 1000);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
