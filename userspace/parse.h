/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - ipvsadm-style command line parsing for l4lbadm.
 *
 * Pure: no netlink, no exit(), no printing. Errors come back as an exit
 * code (L4LBADM_EXIT_USAGE) and a message in cl->err. Names are resolved
 * with getaddrinfo()/getservbyname() only when the word is not numeric.
 */
#ifndef L4LBADM_PARSE_H
#define L4LBADM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "api.h"

#define L4LBADM_VERSION		"v0.1.0"

/* Exit codes; see README.md "Errors and exit status". */
#define L4LBADM_EXIT_OK		0
#define L4LBADM_EXIT_NOKERNEL	1	/* module not loaded, no netlink */
#define L4LBADM_EXIT_USAGE	2	/* bad command line (as ipvsadm) */
#define L4LBADM_EXIT_FAIL	2	/* the kernel refused the command */

enum l4lbadm_cmd {
	CMD_NONE,
	CMD_ADD_SERVICE,
	CMD_EDIT_SERVICE,
	CMD_DEL_SERVICE,
	CMD_CLEAR,
	CMD_ADD_SERVER,
	CMD_EDIT_SERVER,
	CMD_DEL_SERVER,
	CMD_LIST,
	CMD_ZERO,
	CMD_SET,
	CMD_VERSION,
	CMD_HELP,
	CMD_SAVE,
	CMD_RESTORE,
	CMD_CONFIG,
	CMD_START_DAEMON,
	CMD_STOP_DAEMON,
};

/* Option bits (struct l4lbadm_opt.id for options, cl->opts). */
enum {
	OPT_SERVICE	= 1u << 0,	/* -t / -u */
	OPT_SCHED	= 1u << 1,	/* -s */
	OPT_SERVER	= 1u << 2,	/* -r */
	OPT_FORWARD	= 1u << 3,	/* -g / -m */
	OPT_WEIGHT	= 1u << 4,	/* -w */
	OPT_NUMERIC	= 1u << 5,	/* -n */
	OPT_JSON	= 1u << 6,	/* --json */
	OPT_TIMEOUT	= 1u << 7,	/* --timeout (with -L) */
	OPT_STATS	= 1u << 8,	/* --stats */
	OPT_RATE	= 1u << 9,	/* --rate */
	OPT_EXACT	= 1u << 10,	/* --exact */
	OPT_INFO	= 1u << 11,	/* --info (with -L) */
	OPT_CONN	= 1u << 12,	/* -c / --connection (with -L) */
	OPT_CLIENT	= 1u << 13,	/* --client (with -L -c) */
	OPT_SCHED_FLAGS	= 1u << 14,	/* -b */
	OPT_MH_SIZE	= 1u << 15,	/* --mh-table-size */
	OPT_MH_KEY	= 1u << 16,	/* --mh-key */
	OPT_HEALTH	= 1u << 17,	/* --health (with -L) */
	OPT_PERSIST	= 1u << 18,	/* -p [timeout] */
	OPT_NETMASK	= 1u << 19,	/* -M netmask */
	OPT_IPV6	= 1u << 20,	/* -6 (with -f) */
	OPT_TUN_TYPE	= 1u << 21,	/* --tun-type (with -i) */
	OPT_TUN_PORT	= 1u << 22,	/* --tun-port (with -i gue) */
	OPT_TUN_CSUM	= 1u << 23,	/* --tun-nocsum / --tun-csum / ... */
	OPT_U_THRESH	= 1u << 24,	/* -x */
	OPT_L_THRESH	= 1u << 25,	/* -y */
	OPT_ONEPACKET	= 1u << 26,	/* -o */
	OPT_THRESHOLDS	= 1u << 27,	/* --thresholds (with -L) */
	OPT_SORT	= 1u << 28,	/* --sort: the default, as ipvsadm */
	OPT_NOSORT	= 1u << 29,	/* --nosort */
	OPT_PICKUP	= 1u << 30,	/* --pickup */
	/*
	 * The sync daemon's options (--mcast-interface, ..., and -L's
	 * --daemon), told apart by their value (enum l4lbadm_sync_opt).
	 */
	OPT_SYNC	= 1u << 31,
};

/* struct l4lbadm_opt.value of the OPT_SYNC options; cl->sync_opts. */
enum l4lbadm_sync_opt {
	SYNC_IFN	= 1 << 0,	/* --mcast-interface */
	SYNC_ID		= 1 << 1,	/* --syncid */
	SYNC_MAXLEN	= 1 << 2,	/* --sync-maxlen */
	SYNC_GROUP	= 1 << 3,	/* --mcast-group */
	SYNC_PORT	= 1 << 4,	/* --mcast-port */
	SYNC_TTL	= 1 << 5,	/* --mcast-ttl */
	SYNC_KEY_FILE	= 1 << 6,	/* --sync-key-file */
	SYNC_DAEMON	= 1 << 7,	/* -L --daemon */
};

/* ipvsadm's range of -x and -y. */
#define L4LBADM_THRESH_MAX	2147483647u

struct l4lbadm_cmdline;

/*
 * One row of THE table (main.c): a command (-A, --list, ...) or an
 * option (-t, --weight, ...). getopt strings, help text, validation of
 * option/command combinations and dispatch all come from it.
 */
struct l4lbadm_opt {
	const char *long_name;
	int short_name;		/* 0: long only */
	int alias;		/* second short name (-l for -L), or 0 */
	bool is_cmd;
	bool has_arg;
	bool opt_arg;		/* the argument is optional (-p) */
	unsigned int id;	/* enum l4lbadm_cmd, or an OPT_* bit */
	int value;		/* options sharing a bit: -t/-u, -g/-m */
	const char *argname;	/* for help */
	const char *help;
	/* commands only */
	unsigned int allowed;	/* OPT_* accepted */
	unsigned int required;	/* OPT_* compulsory */
	const char *usage;	/* synopsis after the program name */
	int (*run)(const struct l4lbadm_cmdline *cl);
};

extern const struct l4lbadm_opt l4lbadm_table[];
extern const size_t l4lbadm_table_len;

/* Long name of an option bit, e.g. "weight" (for messages). */
const char *l4lbadm_opt_name(unsigned int bit);

struct l4lbadm_cmdline {
	const struct l4lbadm_opt *cmd;	/* the command's row */
	unsigned int opts;		/* OPT_* seen */
	struct l4lb_service svc;	/* -t/-u, -s */
	struct l4lb_dest dest;		/* -r, -g/-m, -w */
	struct l4lb_timeouts timeouts;	/* --set */
	struct l4lb_config config;	/* --config */
	bool numeric;
	bool json;
	bool fwd_given;
	bool server_has_port;		/* -r gave a port */
	uint16_t client_family;		/* --client */
	union l4lb_inaddr client_addr;
	uint16_t client_port;
	bool client_has_port;
	struct l4lb_daemon daemon;	/* --start-daemon, --stop-daemon */
	unsigned int sync_opts;		/* enum l4lbadm_sync_opt seen */
	const char *sync_opt_name;	/* the first of them */
	const char *key_file;		/* --sync-key-file */
	bool hint;			/* error: also suggest -h */
	char err[512];
};

/*
 * Parse argv. Returns 0 (cl->cmd set) or L4LBADM_EXIT_USAGE with cl->err.
 * Resets getopt state, so it may be called repeatedly (tests).
 */
int l4lbadm_parse(int argc, char **argv, struct l4lbadm_cmdline *cl);

/*
 * A restore line's words: ipvsadm's -R takes lines that start with the
 * program's name ("ipvsadm -A ..."); "ipvsadm" or "l4lbadm" at
 * @argv[1] is dropped. Returns the new argc.
 */
int l4lbadm_drop_prog_name(int argc, char **argv);

/*
 * "host[:port]" or "[host6][:port]" -> family, address and port, as
 * ipvsadm's parse_service(): a word that is an IPv6 address as a whole is
 * one, without a port; brackets are needed for an IPv6 address with a
 * port. A bracketed name resolves to IPv6, any other one to IPv4. proto
 * selects the services database. port_required: error if missing.
 * Returns 0 or -1 with err filled; *has_port tells whether a port was
 * given.
 */
int l4lbadm_parse_addrport(const char *word, int proto, bool port_required,
			   uint16_t *family, union l4lb_inaddr *addr,
			   uint16_t *port, bool *has_port, char *err,
			   size_t errlen);

/*
 * --sync-key-file: the key, 32 hex digits (whitespace around them
 * ignored), into @key. Returns 0, or -1 with @err filled.
 */
int l4lbadm_read_key_file(const char *path, uint8_t *key, char *err,
			  size_t errlen);

/* Usage/help text (generated from the table). */
void l4lbadm_usage(FILE *f, const char *prog);

/*
 * ipvsadm's names of the scheduler flags @flags of scheduler @sched,
 * comma-separated ("sh-fallback,sh-port"), into @buf; "" for none.
 */
void l4lbadm_sched_flags_str(char *buf, size_t len, const char *sched,
			     uint32_t flags);

/* --mh-key: 32 hex digits into L4LB_MH_KEY_LEN bytes; -1 if not. */
int l4lbadm_parse_mh_key(const char *s, uint8_t *key);
/* @key as 32 hex digits and a NUL into @buf (33 bytes). */
void l4lbadm_mh_key_str(char *buf, const uint8_t *key);

#endif
