/* SPDX-License-Identifier: GPL-2.0 */
/*
 * saverestore.h - "l4lbadm -S" (rules out) and "l4lbadm -R" (rules in).
 *
 * A restore is parsed whole before anything is sent; a bad line is
 * reported with its number and nothing is applied. The commands then go
 * to the kernel in batches (many requests per sendmsg). If the kernel
 * refuses one, the restore stops after that batch and is undone: the
 * table before the restore was saved with one dump, and the difference
 * between the table now and that one is applied, again in batches. So a
 * restore is all-or-nothing, except that counters and connections of a
 * service the restore deleted and the undo recreated start afresh.
 */
#ifndef L4LBADM_SAVERESTORE_H
#define L4LBADM_SAVERESTORE_H

#include <stdio.h>

#include "api.h"
#include "parse.h"

/* One configuration request, compact (a restore may hold 100k of them). */
struct l4lbadm_rule {
	uint8_t cmd;			/* L4LB_CMD_* */
	uint8_t protocol;
	uint8_t fwd;
	uint16_t vport, rport;		/* host order */
	uint16_t vfamily, rfamily;	/* AF_INET or AF_INET6 */
	union l4lb_inaddr vaddr, raddr;
	uint32_t weight;
	unsigned int set;		/* L4LB_HAS_* of svc and dest */
	char sched[L4LB_SCHED_NAME_MAX];
	uint32_t sched_flags;
	uint32_t flags;			/* L4LB_SVC_F_* */
	uint32_t mh_size;		/* 0: not given */
	uint8_t mh_key[L4LB_MH_KEY_LEN];
	size_t line;			/* input line, 0 for generated ones */
};

struct l4lbadm_rules {
	size_t n, cap;
	struct l4lbadm_rule *r;
};

void l4lbadm_rules_free(struct l4lbadm_rules *rs);

/* "-A ..." and "-a ..." lines for @l (sorted by the caller). */
void l4lbadm_print_save(FILE *f, const struct l4lb_service_list *l,
			bool numeric);

/*
 * Parse restore input: ipvsadm command lines (-A -E -D -a -e -d -C),
 * blank lines and # comments. Returns 0, or L4LBADM_EXIT_USAGE with
 * "line N: ..." in @err.
 */
int l4lbadm_parse_restore(FILE *in, struct l4lbadm_rules *out, char *err,
			  size_t errlen);

/*
 * The requests that turn table @from into table @to (both sorted):
 * deletions first (limits), then edits and additions.
 */
int l4lbadm_diff(const struct l4lb_service_list *from,
		 const struct l4lb_service_list *to,
		 struct l4lbadm_rules *out);

int l4lbadm_run_save(const struct l4lbadm_cmdline *cl);		/* -S */
int l4lbadm_run_restore(const struct l4lbadm_cmdline *cl);	/* -R */

#endif
