// SPDX-License-Identifier: GPL-2.0
/* test_state.c - the rise/fall state machine. */
#include "l4lbd.h"
#include "test.h"

/* Feed a string of results ('+' ok, '-' fail); return the up/down trace. */
static void run(struct hc_state *s, const char *in, char *trace)
{
	for (; *in; in++) {
		bool changed = hc_state_feed(s, *in == '+');

		*trace++ = changed ? (s->up ? 'U' : 'D') : '.';
	}
	*trace = '\0';
}

static void expect(bool up, unsigned int rise, unsigned int fall,
		   const char *in, const char *want)
{
	struct hc_state s;
	char got[128];

	hc_state_init(&s, up, rise, fall);
	run(&s, in, got);
	CHECK(!strcmp(got, want), "start %s rise %u fall %u input %s: got %s want %s",
	      up ? "UP" : "DOWN", rise, fall, in, got, want);
}

int main(void)
{
	/* fall 3: two failures do nothing, the third goes DOWN. */
	expect(true, 2, 3, "--", "..");
	expect(true, 2, 3, "---", "..D");
	/* One lost probe between good ones never flaps. */
	expect(true, 2, 3, "+-+-+--+-", ".........");
	/* The run must be consecutive. */
	expect(true, 2, 3, "--+---", ".....D");
	/* rise 2: DOWN needs two successes in a row. */
	expect(false, 2, 3, "+-+-", "....");
	expect(false, 2, 3, "++", ".U");
	/* Full cycle: down, up, down again. */
	expect(true, 2, 3, "---++---", "..D.U..D");
	/* More failures while DOWN change nothing. */
	expect(true, 1, 1, "----", "D...");
	/* rise 1 / fall 1: every change flips. */
	expect(true, 1, 1, "-+-+", "DUDU");
	/* Zero counts are treated as 1. */
	expect(true, 0, 0, "-+", "DU");
	/* After coming UP the failure count starts over. */
	expect(false, 1, 2, "+-+-", "U...");
	{
		struct hc_state s;

		hc_state_init(&s, true, 2, 3);
		hc_state_feed(&s, false);
		hc_state_feed(&s, false);
		CHECK(s.up && s.fail_run == 2, "fail_run %u", s.fail_run);
		hc_state_feed(&s, true);
		CHECK(s.up && s.fail_run == 0, "fail_run after ok %u", s.fail_run);
	}
	/* keepalived's retry N: DOWN at the (N + 1)th failure in a row. */
	{
		static const struct { unsigned int retry; const char *want; } t[] = {
			{ 0, "D..." }, { 1, ".D.." }, { 3, "...D" },
		};
		struct check c;
		char got[16];
		size_t i;

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			memset(&c, 0, sizeof(c));
			c.retry = t[i].retry;
			c.rise = 1;
			hc_state_init_check(&c, true);
			run(&c.st, "----", got);
			CHECK(!strcmp(got, t[i].want), "retry %u: got %s want %s",
			      t[i].retry, got, t[i].want);
		}
		/* DOWN: the first good probe brings it back (rise 1). */
		run(&c.st, "+", got);
		CHECK(!strcmp(got, "U"), "rise 1: %s", got);
	}
	TEST_DONE();
}
