// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - the rise/fall state machine of one check.
 *
 * UP goes DOWN after `fall` (the config's "retry") consecutive failures;
 * DOWN goes UP after `rise` consecutive successes. A success while UP, or a
 * failure while DOWN, resets the opposite run, so one lost probe in a row
 * of good ones never flaps the server.
 */
#include "l4lbd.h"

void hc_state_init(struct hc_state *s, bool up, unsigned int rise,
		   unsigned int fall)
{
	s->up = up;
	s->rise = rise ? rise : 1;
	s->fall = fall ? fall : 1;
	s->ok_run = 0;
	s->fail_run = 0;
}

bool hc_state_feed(struct hc_state *s, bool ok)
{
	if (s->up) {
		if (ok) {
			s->fail_run = 0;
			return false;
		}
		if (++s->fail_run < s->fall)
			return false;
		s->up = false;
		s->fail_run = 0;
		s->ok_run = 0;
		return true;
	}
	if (!ok) {
		s->ok_run = 0;
		return false;
	}
	if (++s->ok_run < s->rise)
		return false;
	s->up = true;
	s->ok_run = 0;
	s->fail_run = 0;
	return true;
}

void hc_state_init_check(struct check *c, bool up)
{
	/* keepalived's retry N: N more probes after the first failure. */
	hc_state_init(&c->st, up, c->rise, c->retry + 1);
}
