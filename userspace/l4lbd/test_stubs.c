// SPDX-License-Identifier: GPL-2.0
/* test_stubs.c - what main.c provides to the daemon, for unit tests. */
#include <stdarg.h>

#include "l4lbd.h"

bool verbose;

void logmsg(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

void check_result(struct check *c, bool ok, const char *reason)
{
	if (!ok)
		snprintf(c->reason, sizeof(c->reason), "%s", reason);
	hc_state_feed(&c->st, ok);
}
