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

/*
 * "10.0.0.1:80" or "[2001:db8::1]:80", or "host:service" and
 * "[host]:service" unless numeric (ipvsadm's addrport_to_anyname()).
 */
void l4lbadm_addrport(char *buf, size_t len, uint16_t family,
		      const union l4lb_inaddr *addr, uint16_t port,
		      uint8_t proto, bool numeric);
/*
 * Listings (-L, -L -c) show at most ipvsadm's 59 columns of an
 * address:port (its 60-byte buffer; only names get that long, and IPv4
 * ones are cut at 33/28 columns anyway). -S prints names whole, so that
 * -R reads them back: L4LBADM_ADDRPORT_MAX holds any.
 */
#define L4LBADM_ADDRPORT_COLS	59
#define L4LBADM_ADDRPORT_MAX	(1025 + 48)	/* NI_MAXHOST, [], :service */
/* "inet" or "inet6" (JSON). */
const char *l4lbadm_family_name(uint16_t family);
const char *l4lbadm_fwd_name(uint8_t fwd);	/* "Route", "Masq" */

/* Listing formats (-L flags). */
#define L4LBADM_FMT_NUMERIC	(1u << 0)	/* -n */
#define L4LBADM_FMT_STATS	(1u << 1)	/* --stats */
#define L4LBADM_FMT_RATE	(1u << 2)	/* --rate */
#define L4LBADM_FMT_EXACT	(1u << 3)	/* --exact */
#define L4LBADM_FMT_HEALTH	(1u << 4)	/* --health: State column */
#define L4LBADM_FMT_THRESHOLDS	(1u << 5)	/* --thresholds */

/* "l4lb version X (size=N)" */
void l4lbadm_print_header(FILE *f, const struct l4lb_info *info);
void l4lbadm_print_title(FILE *f, unsigned int fmt);
/*
 * ipvsadm's persistence words of @svc, if persistent: @persistent and
 * the timeout, then unless the whole address counts @mask and the
 * netmask (IPv4, dotted) or prefix length (IPv6).
 */
void l4lbadm_print_persist(FILE *f, const struct l4lb_service *svc,
			   const char *persistent, const char *mask);
void l4lbadm_print_service(FILE *f, const struct l4lb_service *svc,
			   unsigned int fmt);
/* info NULL: no version header (as ipvsadm -L -t). fmt: L4LBADM_FMT_*. */
void l4lbadm_print_list(FILE *f, const struct l4lb_info *info,
			const struct l4lb_service_list *l, unsigned int fmt);
void l4lbadm_print_timeouts(FILE *f, const struct l4lb_timeouts *t);
/* -L --info: module, connection table, drop counters. */
void l4lbadm_print_info(FILE *f, const struct l4lb_info *info);

/* The --json documents; see README.md for the schema. */
void l4lbadm_print_json(FILE *f, const struct l4lb_info *info,
			const struct l4lb_service_list *l);
void l4lbadm_print_json_timeouts(FILE *f, const struct l4lb_timeouts *t);
void l4lbadm_print_json_info(FILE *f, const struct l4lb_info *info);

#endif
