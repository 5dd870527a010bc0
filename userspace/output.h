/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - human (list.c) and machine (json.c) output of l4lbadm -L.
 * Both print to a FILE* from plain structs, so they are unit tested
 * without the module.
 */
#ifndef L4LBADM_OUTPUT_H
#define L4LBADM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "api.h"

/* "10.0.0.1:80", or "host:service" unless numeric (ipvsadm style). */
void l4lbadm_addrport(char *buf, size_t len, struct in_addr addr,
		      uint16_t port, uint8_t proto, bool numeric);
const char *l4lbadm_fwd_name(uint8_t fwd);	/* "Route", "Masq" */

/* "l4lb version X (size=N)" */
void l4lbadm_print_header(FILE *f, const struct l4lb_info *info);
void l4lbadm_print_title(FILE *f);
void l4lbadm_print_service(FILE *f, const struct l4lb_service *svc,
			   bool numeric);
/* info NULL: no version header (as ipvsadm -L -t). */
void l4lbadm_print_list(FILE *f, const struct l4lb_info *info,
			const struct l4lb_service_list *l, bool numeric);
void l4lbadm_print_timeouts(FILE *f, const struct l4lb_timeouts *t);

/* The --json document; see README.md for the schema. */
void l4lbadm_print_json(FILE *f, const struct l4lb_service_list *l);

#endif
