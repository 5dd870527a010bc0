/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.h - the command handlers named in main.c's table, and the mapping
 * of kernel errors to ipvsadm's messages.
 */
#ifndef L4LBADM_CMD_H
#define L4LBADM_CMD_H

#include "parse.h"

#define L4LBADM_NOT_LOADED \
	"l4lb kernel module is not loaded (generic netlink family \"" \
	L4LB_GENL_NAME "\" not found)"

/*
 * Message for a failed command: ipvsadm's wording for the errno in the
 * context of @cmd, then the kernel's extack message if there is one.
 * @err is a positive errno.
 */
void l4lbadm_errmsg(enum l4lbadm_cmd cmd, int err, const char *extack,
		    char *buf, size_t len);

/* Open the l4lb family; prints why not. 0 or a negative errno. */
int l4lbadm_open_nl(struct nl_ctx *nl);
/* Print a failed request's message (ret < 0); returns the exit code. */
int l4lbadm_report(enum l4lbadm_cmd cmd, struct nl_ctx *nl, int ret);

int l4lbadm_run_service(const struct l4lbadm_cmdline *cl);	/* -A -E -D */
int l4lbadm_run_server(const struct l4lbadm_cmdline *cl);	/* -a -e -d */
int l4lbadm_run_clear(const struct l4lbadm_cmdline *cl);	/* -C */
int l4lbadm_run_list(const struct l4lbadm_cmdline *cl);		/* -L */
int l4lbadm_run_zero(const struct l4lbadm_cmdline *cl);		/* -Z */
int l4lbadm_run_set(const struct l4lbadm_cmdline *cl);		/* --set */
int l4lbadm_run_config(const struct l4lbadm_cmdline *cl);	/* --config */
int l4lbadm_run_daemon(const struct l4lbadm_cmdline *cl);	/* --*-daemon */
int l4lbadm_run_version(const struct l4lbadm_cmdline *cl);	/* --version */
int l4lbadm_run_help(const struct l4lbadm_cmdline *cl);		/* -h */

#endif
