// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - l4lbadm argument parsing (ipvsadm syntax) into a cmdline.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "parse.h"

/* -L's options that --daemon does not go with. */
#define LIST_DAEMON_CONFLICTS	(OPT_SERVICE | OPT_TIMEOUT | OPT_RATE | \
				 OPT_EXACT | OPT_INFO | OPT_CONN | \
				 OPT_SERVER | OPT_CLIENT | OPT_HEALTH | \
				 OPT_THRESHOLDS | OPT_JSON | OPT_SORT | \
				 OPT_NOSORT)

static const struct {
	unsigned int bit;
	const char *name;
} opt_names[] = {
	/* ipvsadm's names for the same options, used in its messages */
	{ OPT_SERVICE, "service-address" },
	{ OPT_SCHED, "scheduler" },
	{ OPT_SERVER, "real-server" },
	{ OPT_FORWARD, "forwarding-method" },
	{ OPT_WEIGHT, "weight" },
	{ OPT_NUMERIC, "numeric" },
	{ OPT_JSON, "json" },
	{ OPT_TIMEOUT, "timeout" },
	{ OPT_STATS, "stats" },
	{ OPT_RATE, "rate" },
	{ OPT_EXACT, "exact" },
	{ OPT_HEALTH, "health" },
	{ OPT_INFO, "info" },
	{ OPT_CONN, "connection" },
	{ OPT_CLIENT, "client" },
	{ OPT_SCHED_FLAGS, "sched-flags" },
	{ OPT_MH_SIZE, "mh-table-size" },
	{ OPT_MH_KEY, "mh-key" },
	{ OPT_PERSIST, "persistent" },
	{ OPT_NETMASK, "netmask" },
	{ OPT_IPV6, "ipv6" },
	{ OPT_TUN_TYPE, "tun-type" },
	{ OPT_TUN_PORT, "tun-port" },
	{ OPT_TUN_CSUM, "tun-nocsum" },
	{ OPT_U_THRESH, "u-threshold" },
	{ OPT_L_THRESH, "l-threshold" },
	{ OPT_ONEPACKET, "ops" },
	{ OPT_THRESHOLDS, "thresholds" },
	{ OPT_SORT, "sort" },
	{ OPT_NOSORT, "nosort" },
	{ OPT_PICKUP, "pickup" },
};

const char *l4lbadm_opt_name(unsigned int bit)
{
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if (opt_names[i].bit == bit)
			return opt_names[i].name;
	return "?";
}

static int fail(struct l4lbadm_cmdline *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct l4lbadm_cmdline *cl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cl->err, sizeof(cl->err), fmt, ap);
	va_end(ap);
	return L4LBADM_EXIT_USAGE;
}

static void set_err(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Decimal 0..max, digits only (no sign, no spaces, no hex). */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!all_digits(s) || strlen(s) > 10)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool numeric_host(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
	return true;
}

#define IPV6_PORT_HINT "an IPv6 address with a port is written [address]:port"

/* The host part of an address word: IPv4 (dotted quad or name). */
static int host4(const char *host, const char *word, bool has_colon,
		 union l4lb_inaddr *addr, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res;
	int r;

	if (numeric_host(host)) {
		/* Looks like a dotted quad: never ask the resolver. */
		if (inet_pton(AF_INET, host, &addr->in) == 1)
			return 0;
		if (has_colon)
			set_err(err, errlen, "invalid address \"%s\" in \"%s\"",
				host, word);
		else
			set_err(err, errlen, "invalid address \"%s\"", host);
		return -1;
	}
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r) {
		set_err(err, errlen, "cannot resolve host \"%s\": %s", host,
			gai_strerror(r));
		return -1;
	}
	addr->in = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* The host part of a bracketed word: an IPv6 address or a name. */
static int host6(const char *host, const char *word, union l4lb_inaddr *addr,
		 char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_INET6 }, *res;
	int r;

	if (inet_pton(AF_INET6, host, &addr->in6) == 1)
		return 0;
	if (strchr(host, ':') || numeric_host(host)) {
		set_err(err, errlen, "invalid IPv6 address \"%s\" in \"%s\"",
			host, word);
		return -1;
	}
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r) {
		set_err(err, errlen, "cannot resolve host \"%s\" to an IPv6 "
			"address: %s", host, gai_strerror(r));
		return -1;
	}
	addr->in6 = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	return 0;
}

static int parse_port(const char *p, const char *word, int proto,
		      uint16_t *port, char *err, size_t errlen)
{
	if (isalpha((unsigned char)*p)) {
		struct servent *se;

		se = getservbyname(p, proto == IPPROTO_UDP ? "udp" : "tcp");
		if (!se) {
			set_err(err, errlen, "unknown service \"%s\" in \"%s\"",
				p, word);
			return -1;
		}
		*port = ntohs((uint16_t)se->s_port);
	} else {
		unsigned long v;

		if (!parse_uint(p, 65535, &v)) {
			set_err(err, errlen, "invalid port \"%s\" in \"%s\"",
				p, word);
			return -1;
		}
		*port = (uint16_t)v;
	}
	if (*port == 0) {
		set_err(err, errlen,
			"invalid port \"%s\" in \"%s\" (must be 1..65535)",
			p, word);
		return -1;
	}
	return 0;
}

/*
 * As ipvsadm's parse_service(): "[host]:port" is IPv6; otherwise a word
 * that is an IPv6 address as a whole is one, without a port (so
 * "2001:db8::1:80" is the address 2001:db8::1:80); otherwise the port is
 * after the last colon and the host is IPv4. Unlike ipvsadm, "[host]"
 * without a port is accepted (ipvsadm wants "[host]:port").
 */
int l4lbadm_parse_addrport(const char *word, int proto, bool port_required,
			   uint16_t *family, union l4lb_inaddr *addr,
			   uint16_t *port, bool *has_port, char *err,
			   size_t errlen)
{
	const char *h = word, *p = NULL;
	bool bracketed = word[0] == '[';
	char host[256];
	size_t hlen;

	*has_port = false;
	*port = 0;
	*family = AF_INET;
	memset(addr, 0, sizeof(*addr));
	if (bracketed) {
		const char *close = strchr(word, ']');

		if (!close) {
			set_err(err, errlen, "missing \"]\" in \"%s\"", word);
			return -1;
		}
		if (close[1] && close[1] != ':') {
			set_err(err, errlen, "unexpected \"%s\" after \"]\" in "
				"\"%s\" (" IPV6_PORT_HINT ")", close + 1, word);
			return -1;
		}
		h = word + 1;
		hlen = (size_t)(close - h);
		if (close[1] == ':')
			p = close + 2;
	} else if (inet_pton(AF_INET6, word, &addr->in6) == 1) {
		*family = AF_INET6;
		if (port_required) {
			set_err(err, errlen, "missing port in \"%s\" ("
				IPV6_PORT_HINT ")", word);
			return -1;
		}
		return 0;
	} else {
		const char *colon = strrchr(word, ':');

		hlen = colon ? (size_t)(colon - word) : strlen(word);
		if (colon)
			p = colon + 1;
		if (memchr(word, ':', hlen)) {
			set_err(err, errlen, "invalid address \"%.*s\" in \"%s\" "
				"(" IPV6_PORT_HINT ")", (int)hlen, word, word);
			return -1;
		}
	}
	if (hlen >= sizeof(host)) {
		set_err(err, errlen, "invalid address in \"%s\"", word);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (!host[0]) {
		set_err(err, errlen, "missing address in \"%s\"", word);
		return -1;
	}
	if (bracketed) {
		if (host6(host, word, addr, err, errlen))
			return -1;
		*family = AF_INET6;
	} else if (host4(host, word, p != NULL, addr, err, errlen)) {
		return -1;
	}

	if (!p) {
		if (port_required) {
			set_err(err, errlen, "missing port in \"%s\"", word);
			return -1;
		}
		return 0;
	}
	if (parse_port(p, word, proto, port, err, errlen))
		return -1;
	*has_port = true;
	return 0;
}

static const struct l4lbadm_opt *find_short(int c)
{
	for (size_t i = 0; i < l4lbadm_table_len; i++)
		if (c && (l4lbadm_table[i].short_name == c ||
			  l4lbadm_table[i].alias == c))
			return &l4lbadm_table[i];
	return NULL;
}

#define LONG_BASE 256
#define UNSUPPORTED_BASE 1024

/*
 * ipvsadm's options and schedulers that l4lb does not have yet: refused
 * as such, not as typos, so that a migrated rule says what it needs.
 */
static const struct {
	const char *long_name;
	int short_name;
} unsupported_opts[] = {
	{ "pe", 0 }, { "sctp-service", 0 }, { "persistent-conn", 0 },
};

static const char *const unsupported_scheds[] = {
	"twos",
};

static const char *const supported_scheds[] = {
	"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh", "mh",
	"lblc", "lblcr",
};

static bool sched_supported(const char *name)
{
	for (size_t i = 0; i < sizeof(supported_scheds) /
			       sizeof(supported_scheds[0]); i++)
		if (!strcmp(name, supported_scheds[i]))
			return true;
	return false;
}

/*
 * Refuse the word getopt did not know: "not supported by l4lb" for an
 * ipvsadm option l4lb lacks, "invalid option" for anything else.
 */
static int fail_unknown(struct l4lbadm_cmdline *cl, int shortopt,
			const char *word)
{
	size_t n = word ? strcspn(word, "=") : 0;

	for (size_t i = 0; i < sizeof(unsupported_opts) /
				sizeof(unsupported_opts[0]); i++) {
		const char *ln = unsupported_opts[i].long_name;

		if (shortopt && unsupported_opts[i].short_name == shortopt)
			return fail(cl, "not supported by l4lb: \"-%c\" "
				    "(--%s)", shortopt, ln);
		if (!shortopt && !strncmp(word, "--", 2) &&
		    strlen(ln) == n - 2 && !strncmp(word + 2, ln, n - 2))
			return fail(cl, "not supported by l4lb: \"--%s\"",
				    ln);
	}
	if (shortopt)
		return fail(cl, "invalid option \"-%c\"", shortopt);
	return fail(cl, "invalid option \"%s\"", word);
}

/* ipvsadm's -b names; sh- and mh- ones only with their scheduler. */
static const struct {
	const char *name;
	const char *sched;	/* NULL: any */
	uint32_t flag;
} sched_flag_names[] = {
	{ "sh-fallback", "sh", L4LB_SVC_SCHED_F_SH_FALLBACK },
	{ "sh-port", "sh", L4LB_SVC_SCHED_F_SH_PORT },
	{ "mh-fallback", "mh", L4LB_SVC_SCHED_F_MH_FALLBACK },
	{ "mh-port", "mh", L4LB_SVC_SCHED_F_MH_PORT },
	{ "flag-1", NULL, L4LB_SVC_SCHED_F_FLAG1 },
	{ "flag-2", NULL, L4LB_SVC_SCHED_F_FLAG2 },
	{ "flag-3", NULL, L4LB_SVC_SCHED_F_FLAG3 },
};

void l4lbadm_sched_flags_str(char *buf, size_t len, const char *sched,
			     uint32_t flags)
{
	size_t used = 0;

	buf[0] = '\0';
	for (uint32_t bit = 1; bit & L4LB_SVC_SCHED_F_ALL; bit <<= 1) {
		const char *name = NULL;

		if (!(flags & bit))
			continue;
		for (size_t i = 0; i < sizeof(sched_flag_names) /
				       sizeof(sched_flag_names[0]); i++) {
			const char *s = sched_flag_names[i].sched;

			if (sched_flag_names[i].flag == bit &&
			    (!s || !strcmp(s, sched))) {
				name = sched_flag_names[i].name;
				break;
			}
		}
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", used ? "," : "", name);
	}
}

int l4lbadm_parse_mh_key(const char *s, uint8_t *key)
{
	if (strlen(s) != 2 * L4LB_MH_KEY_LEN)
		return -1;
	for (size_t i = 0; i < L4LB_MH_KEY_LEN; i++) {
		char hex[3] = { s[2 * i], s[2 * i + 1], 0 };

		if (!isxdigit((unsigned char)hex[0]) ||
		    !isxdigit((unsigned char)hex[1]))
			return -1;
		key[i] = (uint8_t)strtoul(hex, NULL, 16);
	}
	return 0;
}

void l4lbadm_mh_key_str(char *buf, const uint8_t *key)
{
	for (size_t i = 0; i < L4LB_MH_KEY_LEN; i++)
		sprintf(buf + 2 * i, "%02x", key[i]);
}

/* -b LIST: comma-separated names, checked against -s if given. */
static int parse_sched_flags(struct l4lbadm_cmdline *cl, const char *sched,
			     const char *list)
{
	char buf[256], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", list);
	cl->svc.sched_flags = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i, n = sizeof(sched_flag_names) /
			      sizeof(sched_flag_names[0]);

		for (i = 0; i < n; i++)
			if (!strcmp(w, sched_flag_names[i].name))
				break;
		if (i == n)
			return fail(cl, "invalid scheduler flag \"%s\"", w);
		if (sched && sched_flag_names[i].sched &&
		    strcmp(sched, sched_flag_names[i].sched))
			return fail(cl, "scheduler flag \"%s\" is for the %s "
				    "scheduler, not %s", w,
				    sched_flag_names[i].sched, sched);
		cl->svc.sched_flags |= sched_flag_names[i].flag;
	}
	cl->svc.set |= L4LB_HAS_SCHED_FLAGS;
	return 0;
}

struct raw_args {
	const char *cmd_arg;	/* --start-daemon's, --stop-daemon's */
	const char *sync[8];	/* by bit of enum l4lbadm_sync_opt */
	const char *service;
	const char *sched;
	const char *sched_flags;
	const char *mh_size;
	const char *mh_key;
	const char *pickup;
	const char *server;
	const char *weight;
	const char *u_thresh;
	const char *l_thresh;
	const char *client;
	const char *persist;	/* -p's timeout, NULL for the default */
	bool fwmark;		/* service is -f's mark */
	const char *netmask;
	const char *tun_type;
	const char *tun_port;
	const char *tun_csum;		/* the option as written */
	uint32_t tun_csum_flag;
};

static int check_combination(struct l4lbadm_cmdline *cl)
{
	const struct l4lbadm_opt *c = cl->cmd;

	for (unsigned int bit = 1; bit; bit <<= 1) {
		if ((cl->opts & bit) && !(c->allowed & bit))
			return fail(cl, "Illegal '%s' option with the '%s' "
				    "command", bit == OPT_SYNC ?
				    cl->sync_opt_name : l4lbadm_opt_name(bit),
				    c->long_name);
		if (!(cl->opts & bit) && (c->required & bit))
			return fail(cl, "You need to supply the '%s' option "
				    "for the '%s' command",
				    l4lbadm_opt_name(bit), c->long_name);
	}
	return 0;
}

/* Listing options that cannot go together (as ipvsadm's conflict table). */
static int check_conflicts(struct l4lbadm_cmdline *cl)
{
	static const struct {
		unsigned int opt, with;
	} conflicts[] = {
		{ OPT_TIMEOUT, OPT_SERVICE | OPT_STATS | OPT_RATE | OPT_EXACT |
			       OPT_INFO },
		{ OPT_INFO, OPT_SERVICE | OPT_STATS | OPT_RATE | OPT_EXACT },
		{ OPT_STATS, OPT_RATE },
		{ OPT_THRESHOLDS, OPT_STATS | OPT_RATE | OPT_TIMEOUT |
				  OPT_INFO | OPT_CONN | OPT_HEALTH },
		{ OPT_SORT, OPT_NOSORT },
		{ OPT_HEALTH, OPT_STATS | OPT_RATE | OPT_TIMEOUT | OPT_INFO |
			      OPT_CONN },
		{ OPT_CONN, OPT_TIMEOUT | OPT_INFO | OPT_STATS | OPT_RATE |
			    OPT_EXACT },
	};

	for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
		unsigned int both = cl->opts & conflicts[i].with;

		if (!(cl->opts & conflicts[i].opt) || !both)
			continue;
		return fail(cl, "The option '%s' conflicts with the '%s' "
			    "option in the '%s' command",
			    l4lbadm_opt_name(conflicts[i].opt),
			    l4lbadm_opt_name(both & -both),
			    cl->cmd->long_name);
	}
	return 0;
}

static int parse_timeouts(struct l4lbadm_cmdline *cl, char **words, int n)
{
	uint32_t *dst[3] = { &cl->timeouts.tcp, &cl->timeouts.tcp_fin,
			     &cl->timeouts.udp };
	unsigned long v;

	if (n != 3)
		return fail(cl, "--set option requires 3 timeout values "
			    "(tcp tcpfin udp)");
	for (int i = 0; i < 3; i++) {
		if (!parse_uint(words[i], L4LB_TIMEOUT_MAX, &v))
			return fail(cl, "invalid timeout value \"%s\" "
				    "(must be 0..%u seconds)", words[i],
				    L4LB_TIMEOUT_MAX);
		*dst[i] = (uint32_t)v;
	}
	return 0;
}

/*
 * --config KEY VALUE...: conn-limit 0..L4LB_CONN_LIMIT_MAX, tcp-pickup
 * on|off, expire-quiescent on|off, tun-source ADDR (once per family).
 */
static int parse_config(struct l4lbadm_cmdline *cl, char **words, int n)
{
	struct l4lb_config *c = &cl->config;
	unsigned long v;

	if (n == 0 || n % 2)
		return fail(cl, "--config needs KEY VALUE pairs "
			    "(conn-limit N, tcp-pickup on|off, "
			    "expire-quiescent on|off, tun-source ADDRESS)");
	for (int i = 0; i < n; i += 2) {
		const char *key = words[i], *val = words[i + 1];

		if (!strcmp(key, "conn-limit")) {
			if (c->set & L4LB_HAS_CONN_LIMIT)
				return fail(cl, "\"%s\" given twice", key);
			if (!parse_uint(val, L4LB_CONN_LIMIT_MAX, &v))
				return fail(cl, "invalid conn-limit \"%s\" "
					    "(must be 0..%u, 0 = conn_max)",
					    val, L4LB_CONN_LIMIT_MAX);
			c->conn_limit = (uint32_t)v;
			c->set |= L4LB_HAS_CONN_LIMIT;
		} else if (!strcmp(key, "tcp-pickup")) {
			if (c->set & L4LB_HAS_TCP_PICKUP)
				return fail(cl, "\"%s\" given twice", key);
			if (strcmp(val, "on") && strcmp(val, "off"))
				return fail(cl, "invalid tcp-pickup \"%s\" "
					    "(must be on or off)", val);
			c->tcp_pickup = !strcmp(val, "on");
			c->set |= L4LB_HAS_TCP_PICKUP;
		} else if (!strcmp(key, "expire-quiescent")) {
			if (c->set & L4LB_HAS_EXPIRE_QUIESCENT)
				return fail(cl, "\"%s\" given twice", key);
			if (strcmp(val, "on") && strcmp(val, "off"))
				return fail(cl, "invalid expire-quiescent \"%s\" "
					    "(must be on or off)", val);
			c->expire_quiescent = !strcmp(val, "on");
			c->set |= L4LB_HAS_EXPIRE_QUIESCENT;
		} else if (!strcmp(key, "tun-source")) {
			if (inet_pton(AF_INET, val, &c->tun_source) == 1) {
				if (c->set & L4LB_HAS_TUN_SOURCE)
					return fail(cl, "\"%s\" given twice for "
						    "IPv4", key);
				c->set |= L4LB_HAS_TUN_SOURCE;
			} else if (inet_pton(AF_INET6, val,
					     &c->tun_source6) == 1) {
				if (c->set & L4LB_HAS_TUN_SOURCE6)
					return fail(cl, "\"%s\" given twice for "
						    "IPv6", key);
				c->set |= L4LB_HAS_TUN_SOURCE6;
			} else {
				return fail(cl, "invalid tun-source \"%s\" (an "
					    "address of this host; 0.0.0.0 or "
					    ":: for the route's choice)", val);
			}
		} else {
			return fail(cl, "unknown --config setting \"%s\" "
				    "(conn-limit, tcp-pickup, expire-quiescent, "
				    "tun-source)", key);
		}
	}
	return 0;
}

/*
 * -M: for an IPv4 service a netmask, dotted (contiguous ones) or as a
 * prefix length 0..32; for an IPv6 one a prefix length 0..128, as
 * ipvsadm's "-M 64".
 */
static int parse_netmask(struct l4lbadm_cmdline *cl, const char *word)
{
	bool v6 = l4lb_family(cl->svc.family) == AF_INET6;
	struct in_addr mask;
	unsigned long v;

	if (parse_uint(word, v6 ? 128 : 32, &v)) {
		cl->svc.persist_prefix = (uint8_t)v;
		return 0;
	}
	if (!v6 && inet_pton(AF_INET, word, &mask) == 1) {
		uint32_t m = ntohl(mask.s_addr);
		uint8_t n = 0;

		while (n < 32 && (m & (0x80000000u >> n)))
			n++;
		if (n == 32 || !(m << n)) {
			cl->svc.persist_prefix = n;
			return 0;
		}
		return fail(cl, "illegal netmask \"%s\" (its ones must be "
			    "contiguous)", word);
	}
	if (v6)
		return fail(cl, "illegal netmask \"%s\" (an IPv6 service "
			    "takes a prefix length 0..128)", word);
	return fail(cl, "illegal netmask \"%s\" (a netmask such as "
		    "255.255.255.0, or a prefix length 0..32)", word);
}

/*
 * -i and its options, checked as ipvsadm checks them: the tunnel options
 * only with -i; --tun-port required for gue, refused for ipip and gre;
 * one of the checksum options, gue and gre only (--tun-remcsum gue only).
 */
static int parse_tunnel(struct l4lbadm_cmdline *cl, const struct raw_args *r)
{
	const unsigned int tun_opts = OPT_TUN_TYPE | OPT_TUN_PORT |
				      OPT_TUN_CSUM;
	bool tun = (cl->dest.set & L4LB_HAS_FWD) &&
		   cl->dest.fwd == L4LB_FWD_TUN;
	unsigned long v;

	if ((cl->opts & tun_opts) && !tun)
		return fail(cl, "Tunnel options conflict with forward method");
	if (!tun)
		return 0;
	cl->dest.tun_type = L4LB_TUN_IPIP;
	if (r->tun_type) {
		if (!strcmp(r->tun_type, "gue"))
			cl->dest.tun_type = L4LB_TUN_GUE;
		else if (!strcmp(r->tun_type, "gre"))
			cl->dest.tun_type = L4LB_TUN_GRE;
		else if (strcmp(r->tun_type, "ipip"))
			return fail(cl, "illegal tunnel type \"%s\" (one of "
				    "ipip|gue|gre)", r->tun_type);
	}
	switch (cl->dest.tun_type) {
	case L4LB_TUN_IPIP:
		if (r->tun_port || r->tun_csum)
			return fail(cl, "Illegal '%s' option with the 'ipip' "
				    "tunnel type",
				    r->tun_port ? "tun-port" : r->tun_csum);
		break;
	case L4LB_TUN_GRE:
		if (r->tun_port ||
		    (r->tun_csum_flag & L4LB_TUN_F_REMCSUM))
			return fail(cl, "Illegal '%s' option with the 'gre' "
				    "tunnel type",
				    r->tun_port ? "tun-port" : r->tun_csum);
		cl->dest.tun_flags = r->tun_csum_flag;
		break;
	default:
		if (!r->tun_port)
			return fail(cl, "You need to supply the 'tun-port' "
				    "option for the 'gue' tunnel type");
		if (!parse_uint(r->tun_port, 65535, &v) || !v)
			return fail(cl, "illegal tunnel port \"%s\" (must be "
				    "1..65535)", r->tun_port);
		cl->dest.tun_port = (uint16_t)v;
		cl->dest.tun_flags = r->tun_csum_flag;
	}
	cl->dest.set |= L4LB_HAS_TUN;
	return 0;
}

/* The long name of sync option @bit (enum l4lbadm_sync_opt). */
static const char *sync_opt_name(unsigned int bit)
{
	for (size_t i = 0; i < l4lbadm_table_len; i++)
		if (l4lbadm_table[i].id == OPT_SYNC &&
		    (unsigned int)l4lbadm_table[i].value == bit)
			return l4lbadm_table[i].long_name;
	return "?";
}

/* The raw argument of sync option @bit. */
static const char *sync_arg(const struct raw_args *r, unsigned int bit)
{
	return r->sync[__builtin_ctz(bit)];
}

int l4lbadm_read_key_file(const char *path, uint8_t *key, char *err,
			  size_t errlen)
{
	char buf[128], *p, *end;
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		set_err(err, errlen, "cannot read key file \"%s\": %s", path,
			strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (p = buf; isspace((unsigned char)*p); p++)
		;
	for (end = p + strlen(p); end > p && isspace((unsigned char)end[-1]);
	     end--)
		;
	*end = '\0';
	if (n == sizeof(buf) - 1 || l4lbadm_parse_mh_key(p, key)) {
		set_err(err, errlen, "key file \"%s\": not %u hex digits",
			path, 2 * L4LB_SYNC_KEY_LEN);
		return -1;
	}
	return 0;
}

/* --start-daemon, --stop-daemon and -L --daemon. */
static int parse_sync(struct l4lbadm_cmdline *cl, const struct raw_args *r)
{
	enum l4lbadm_cmd cmd = cl->cmd->id;
	struct l4lb_daemon *d = &cl->daemon;
	const char *w;
	unsigned long v;

	if (cmd == CMD_LIST) {
		const unsigned int others = LIST_DAEMON_CONFLICTS;
		unsigned int both = cl->opts & others;

		if (cl->sync_opts & ~SYNC_DAEMON) {
			unsigned int bad = cl->sync_opts & ~SYNC_DAEMON;

			return fail(cl, "Illegal '%s' option with the 'list' "
				    "command", sync_opt_name(bad & -bad));
		}
		if ((cl->sync_opts & SYNC_DAEMON) && both)
			return fail(cl, "The option 'daemon' conflicts with "
				    "the '%s' option in the 'list' command",
				    l4lbadm_opt_name(both & -both));
		return 0;
	}
	if (cmd != CMD_START_DAEMON && cmd != CMD_STOP_DAEMON)
		return 0;
	if (!strcmp(r->cmd_arg, "master"))
		d->state = L4LB_DAEMON_MASTER;
	else if (!strcmp(r->cmd_arg, "backup"))
		d->state = L4LB_DAEMON_BACKUP;
	else
		return fail(cl, "illegal %s state \"%s\" (master or backup)",
			    cl->cmd->long_name, r->cmd_arg);
	if (cmd == CMD_STOP_DAEMON)
		return 0;
	if (cl->sync_opts & SYNC_DAEMON)
		return fail(cl, "Illegal 'daemon' option with the "
			    "'start-daemon' command");
	if (!(cl->sync_opts & SYNC_IFN))
		return fail(cl, "You need to supply the 'mcast-interface' "
			    "option for the 'start-daemon' command");
	w = sync_arg(r, SYNC_IFN);
	if (!*w || strlen(w) >= sizeof(d->ifname))
		return fail(cl, "illegal mcast-interface \"%s\" (an interface "
			    "name, 1..%zu characters)", w,
			    sizeof(d->ifname) - 1);
	strcpy(d->ifname, w);
	w = sync_arg(r, SYNC_ID);
	if (w) {
		if (!parse_uint(w, L4LB_SYNC_SYNCID_MAX, &v))
			return fail(cl, "illegal syncid \"%s\" (must be 0..%u)",
				    w, L4LB_SYNC_SYNCID_MAX);
		d->syncid = (uint32_t)v;
		d->set |= L4LB_HAS_SYNCID;
	}
	w = sync_arg(r, SYNC_MAXLEN);
	if (w) {
		if (!parse_uint(w, 65535, &v) || v < L4LB_SYNC_MAXLEN_MIN)
			return fail(cl, "illegal sync-maxlen \"%s\" (must be "
				    "%zu..65535, and fit the interface's MTU)",
				    w, L4LB_SYNC_MAXLEN_MIN);
		d->maxlen = (uint16_t)v;
		d->set |= L4LB_HAS_MAXLEN;
	}
	w = sync_arg(r, SYNC_GROUP);
	if (w) {
		if (inet_pton(AF_INET, w, &d->group.in) == 1 &&
		    IN_MULTICAST(ntohl(d->group.in.s_addr)))
			d->group_family = AF_INET;
		else if (inet_pton(AF_INET6, w, &d->group.in6) == 1 &&
			 IN6_IS_ADDR_MULTICAST(&d->group.in6))
			d->group_family = AF_INET6;
		else
			return fail(cl, "illegal mcast-group \"%s\" (an IPv4 or "
				    "IPv6 multicast address)", w);
		d->set |= L4LB_HAS_GROUP;
	}
	w = sync_arg(r, SYNC_PORT);
	if (w) {
		if (!parse_uint(w, 65535, &v) || !v)
			return fail(cl, "illegal mcast-port \"%s\" (must be "
				    "1..65535)", w);
		d->port = (uint16_t)v;
		d->set |= L4LB_HAS_MCAST_PORT;
	}
	w = sync_arg(r, SYNC_TTL);
	if (w) {
		if (!parse_uint(w, 255, &v) || !v)
			return fail(cl, "illegal mcast-ttl \"%s\" (must be "
				    "1..255)", w);
		d->ttl = (uint8_t)v;
		d->set |= L4LB_HAS_TTL;
	}
	/* Read when the command runs (parsing stays pure). */
	cl->key_file = sync_arg(r, SYNC_KEY_FILE);
	return 0;
}

static int parse_values(struct l4lbadm_cmdline *cl, const struct raw_args *r)
{
	enum l4lbadm_cmd cmd = cl->cmd->id;
	bool has_port;
	unsigned long v;

	if (r->fwmark) {
		if (!parse_uint(r->service, UINT32_MAX, &v) || !v)
			return fail(cl, "illegal fwmark \"%s\" (must be "
				    "1..%u)", r->service, UINT32_MAX);
		cl->svc.fwmark = (uint32_t)v;
		cl->svc.family = cl->opts & OPT_IPV6 ? AF_INET6 : AF_INET;
	} else if (cl->opts & OPT_IPV6) {
		return fail(cl, "option \"-6\" (--ipv6) goes with \"-f\" "
			    "(a firewall-mark service); an IPv6 address makes "
			    "a -t or -u service IPv6");
	} else if (r->service &&
		   l4lbadm_parse_addrport(r->service, cl->svc.protocol, true,
					  &cl->svc.family, &cl->svc.addr,
					  &cl->svc.port, &has_port, cl->err,
					  sizeof(cl->err))) {
		return L4LBADM_EXIT_USAGE;
	}

	if (r->sched) {
		if (!sched_supported(r->sched)) {
			for (size_t i = 0; i < sizeof(unsupported_scheds) /
				     sizeof(unsupported_scheds[0]); i++)
				if (!strcmp(r->sched, unsupported_scheds[i]))
					return fail(cl, "not supported by "
						    "l4lb: scheduler \"%s\"",
						    r->sched);
			return fail(cl, "unknown scheduler \"%s\"", r->sched);
		}
		strcpy(cl->svc.sched, r->sched);
		cl->svc.set |= L4LB_HAS_SCHED;
	}
	if (r->sched_flags && parse_sched_flags(cl, r->sched, r->sched_flags))
		return L4LBADM_EXIT_USAGE;
	/* A number here; the kernel says whether it is a prime in range. */
	if (r->mh_size) {
		if (!parse_uint(r->mh_size, UINT32_MAX, &v))
			return fail(cl, "illegal mh table size \"%s\" (a prime in "
				    "%u..%u)", r->mh_size,
				    L4LB_MH_TABLE_SIZE_MIN,
				    L4LB_MH_TABLE_SIZE_MAX);
		cl->svc.mh_size = (uint32_t)v;
		cl->svc.set |= L4LB_HAS_MH_SIZE;
	}
	if (r->mh_key) {
		if (l4lbadm_parse_mh_key(r->mh_key, cl->svc.mh_key))
			return fail(cl, "illegal mh key \"%s\" (%u hex digits)",
				    r->mh_key, 2 * L4LB_MH_KEY_LEN);
		cl->svc.set |= L4LB_HAS_MH_KEY;
	}
	if (r->pickup) {
		if (strcmp(r->pickup, "on") && strcmp(r->pickup, "off"))
			return fail(cl, "invalid pickup \"%s\" (on or off)",
				    r->pickup);
		if (!strcmp(r->pickup, "on"))
			cl->svc.flags |= L4LB_SVC_F_PICKUP;
		cl->svc.set |= L4LB_HAS_FLAGS;
	}

	/* ipvsadm's -A and -E set both, persistent or not. */
	if (cmd == CMD_ADD_SERVICE || cmd == CMD_EDIT_SERVICE) {
		cl->svc.persist_timeout = 0;
		cl->svc.persist_prefix =
			l4lb_family(cl->svc.family) == AF_INET6 ? 128 : 32;
		cl->svc.set |= L4LB_HAS_PERSIST;
	}
	if (cl->opts & OPT_PERSIST) {
		v = L4LB_PERSIST_TIMEOUT_DEFAULT;
		if (r->persist && (!parse_uint(r->persist, L4LB_TIMEOUT_MAX,
					       &v) || !v))
			return fail(cl, "illegal persistence timeout \"%s\" "
				    "(must be 1..%u seconds)", r->persist,
				    L4LB_TIMEOUT_MAX);
		cl->svc.persist_timeout = (uint32_t)v;
	}
	if (r->netmask) {
		if (!(cl->opts & OPT_PERSIST))
			return fail(cl, "netmask \"%s\" needs the "
				    "'persistent' option (-p)", r->netmask);
		if (parse_netmask(cl, r->netmask))
			return L4LBADM_EXIT_USAGE;
	}
	/*
	 * ipvsadm's -A and -E send every setting of a service, the ones not
	 * given at their defaults: -E without -s sets wlc, without -o turns
	 * one-packet scheduling off, and so on.
	 */
	if (cmd == CMD_ADD_SERVICE || cmd == CMD_EDIT_SERVICE) {
		if (!r->sched)
			strcpy(cl->svc.sched, "wlc");
		/* Pickup is on by default for mh (see the UAPI header). */
		if (!r->pickup && !strcmp(cl->svc.sched, "mh"))
			cl->svc.flags |= L4LB_SVC_F_PICKUP;
		if (!r->mh_size)
			cl->svc.mh_size = L4LB_MH_TABLE_SIZE_DEFAULT;
		if (!r->mh_key)
			memcpy(cl->svc.mh_key, L4LB_MH_KEY_DEFAULT,
			       L4LB_MH_KEY_LEN);
		cl->svc.set |= L4LB_HAS_SCHED | L4LB_HAS_SCHED_FLAGS |
			       L4LB_HAS_FLAGS | L4LB_HAS_MH_SIZE |
			       L4LB_HAS_MH_KEY;
		if ((cl->opts & OPT_ONEPACKET) &&
		    cl->svc.protocol != IPPROTO_UDP)
			return fail(cl, "One-Packet Scheduling (-o) is only for "
				    "UDP virtual services, not \"%s\"",
				    r->service);
	}

	if (r->weight) {
		if (!parse_uint(r->weight, L4LB_WEIGHT_MAX, &v))
			return fail(cl, "illegal weight \"%s\" (must be 0..%u)",
				    r->weight, L4LB_WEIGHT_MAX);
		cl->dest.weight = (uint32_t)v;
	}
	if (r->u_thresh) {
		if (!parse_uint(r->u_thresh, L4LBADM_THRESH_MAX, &v))
			return fail(cl, "illegal u_threshold \"%s\" (must be "
				    "0..%u)", r->u_thresh, L4LBADM_THRESH_MAX);
		cl->dest.u_thresh = (uint32_t)v;
	}
	if (r->l_thresh) {
		if (!parse_uint(r->l_thresh, L4LBADM_THRESH_MAX, &v))
			return fail(cl, "illegal l_threshold \"%s\" (must be "
				    "0..%u)", r->l_thresh, L4LBADM_THRESH_MAX);
		cl->dest.l_thresh = (uint32_t)v;
	}
	/*
	 * -a and -e send every setting of a real server likewise: weight 1,
	 * direct routing and no thresholds unless given (ipvsadm -e without
	 * -m makes a NAT server a direct routing one).
	 */
	if (cmd == CMD_ADD_SERVER || cmd == CMD_EDIT_SERVER) {
		if (cl->dest.l_thresh > cl->dest.u_thresh)
			return fail(cl, "l_threshold %u is higher than "
				    "u_threshold %u", cl->dest.l_thresh,
				    cl->dest.u_thresh);
		cl->dest.set |= L4LB_HAS_WEIGHT | L4LB_HAS_THRESH;
	} else if (r->weight) {
		cl->dest.set |= L4LB_HAS_WEIGHT;
	}

	if (r->server) {
		const char *srv = r->server;
		char buf[300];
		size_t n = strlen(srv);

		/*
		 * A firewall-mark service's real server may have port 0 (keep
		 * the packet's), which ipvsadm -S writes "ADDR:0": the same as
		 * no port.
		 */
		if (r->fwmark && n > 2 && n < sizeof(buf) &&
		    !strcmp(srv + n - 2, ":0") &&
		    (srv[0] == '[' ? srv[n - 3] == ']' :
				     !memchr(srv, ':', n - 2))) {
			memcpy(buf, srv, n - 2);
			buf[n - 2] = '\0';
			srv = buf;
		}
		if (l4lbadm_parse_addrport(srv, cl->svc.protocol, false,
					   &cl->dest.family, &cl->dest.addr,
					   &cl->dest.port, &has_port, cl->err,
					   sizeof(cl->err)))
			return L4LBADM_EXIT_USAGE;
		cl->server_has_port = has_port;
		/* As ipvsadm: no port means the service port. */
		if (!has_port)
			cl->dest.port = cl->svc.port;
		cl->dest.set |= L4LB_HAS_PORT;

		/* -a and -e default to direct routing, as ipvsadm. */
		if ((cmd == CMD_ADD_SERVER || cmd == CMD_EDIT_SERVER) &&
		    !cl->fwd_given) {
			cl->dest.fwd = L4LB_FWD_DR;
			cl->dest.set |= L4LB_HAS_FWD;
		}
		/*
		 * Only a tunnel carries one family in the other, as with
		 * IPVS; -d names a dest of either.
		 */
		if (cmd != CMD_LIST && cmd != CMD_DEL_SERVER && r->service &&
		    cl->dest.family != cl->svc.family &&
		    cl->dest.fwd != L4LB_FWD_TUN)
			return fail(cl, "real server \"%s\" is %s but service "
				    "\"%s\" is %s: direct routing (-g) and "
				    "masquerading (-m) forward within one "
				    "address family; tunneling (-i) carries "
				    "one in the other", r->server,
				    cl->dest.family == AF_INET6 ? "IPv6"
								: "IPv4",
				    r->service,
				    cl->svc.family == AF_INET6 ? "IPv6"
							       : "IPv4");
		if (cmd != CMD_DEL_SERVER && (cl->dest.set & L4LB_HAS_FWD) &&
		    cl->dest.fwd != L4LB_FWD_NAT &&
		    cl->dest.port != cl->svc.port)
			return fail(cl, "real server port %u in \"%s\" differs "
				    "from service port %u: %s cannot change "
				    "the port; use -m",
				    cl->dest.port, r->server, cl->svc.port,
				    cl->dest.fwd == L4LB_FWD_TUN ?
				    "tunneling (-i)" : "direct routing (-g)");
	}

	if (parse_tunnel(cl, r))
		return L4LBADM_EXIT_USAGE;
	if (parse_sync(cl, r))
		return L4LBADM_EXIT_USAGE;

	if (r->client &&
	    l4lbadm_parse_addrport(r->client, cl->svc.protocol, false,
				   &cl->client_family, &cl->client_addr,
				   &cl->client_port, &cl->client_has_port,
				   cl->err, sizeof(cl->err)))
		return L4LBADM_EXIT_USAGE;
	/* With -L, a server or client only makes sense as a -c filter. */
	if (cmd == CMD_LIST && (cl->opts & (OPT_SERVER | OPT_CLIENT)) &&
	    !(cl->opts & OPT_CONN))
		return fail(cl, "The option '%s' needs the 'connection' option "
			    "in the 'list' command",
			    l4lbadm_opt_name(cl->opts & OPT_SERVER ? OPT_SERVER
								    : OPT_CLIENT));
	return 0;
}

int l4lbadm_parse(int argc, char **argv, struct l4lbadm_cmdline *cl)
{
	struct option longopts[96];
	char optstring[128];
	struct raw_args raw = { 0 };
	size_t nl = 0, ns = 0;
	int c, ret;

	memset(cl, 0, sizeof(*cl));
	cl->dest.weight = 1;

	/*
	 * ':' first: a missing argument is reported as ':'. GNU permutation
	 * stays on, so "--set 900 120 300" leaves the numbers in argv[optind..].
	 */
	optstring[ns++] = ':';
	for (size_t i = 0; i < l4lbadm_table_len; i++) {
		const struct l4lbadm_opt *o = &l4lbadm_table[i];
		int sn[2] = { o->short_name, o->alias };

		for (int k = 0; k < 2; k++) {
			if (!sn[k])
				continue;
			optstring[ns++] = (char)sn[k];
			if (o->has_arg || o->opt_arg)
				optstring[ns++] = ':';
			if (o->opt_arg)
				optstring[ns++] = ':';
		}
		if (o->long_name && nl < sizeof(longopts) / sizeof(longopts[0]) - 1)
			longopts[nl++] = (struct option){
				o->long_name,
				o->opt_arg ? optional_argument :
				o->has_arg ? required_argument : no_argument,
				NULL, LONG_BASE + (int)i };
	}
	/*
	 * ipvsadm's long options that l4lb lacks, known by name so that
	 * getopt does not take one for an abbreviation of another ("--pe"
	 * of "--persistent").
	 */
	for (size_t i = 0; i < sizeof(unsupported_opts) /
			       sizeof(unsupported_opts[0]) &&
			   nl < sizeof(longopts) / sizeof(longopts[0]) - 1; i++)
		longopts[nl++] = (struct option){
			unsupported_opts[i].long_name, optional_argument,
			NULL, UNSUPPORTED_BASE + (int)i };
	optstring[ns] = '\0';
	longopts[nl] = (struct option){ 0 };

	optind = 0;	/* full reinitialisation (glibc) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		const struct l4lbadm_opt *o;

		if (c == '?' || c == ':')
			cl->hint = true;
		if (c == '?') {
			if (optopt && optopt < LONG_BASE)
				return fail_unknown(cl, optopt, NULL);
			return fail_unknown(cl, 0, argv[optind - 1]);
		}
		if (c == ':') {
			if (optopt && optopt < LONG_BASE)
				return fail(cl, "option \"-%c\" requires an "
					    "argument", optopt);
			return fail(cl, "option \"%s\" requires an argument",
				    argv[optind - 1]);
		}
		if (c >= UNSUPPORTED_BASE)
			return fail(cl, "not supported by l4lb: \"--%s\"",
				    unsupported_opts[c - UNSUPPORTED_BASE].long_name);
		o = c >= LONG_BASE ? &l4lbadm_table[c - LONG_BASE]
				   : find_short(c);
		if (!o)
			return fail(cl, "invalid option \"-%c\"", c);

		if (o->is_cmd) {
			if (cl->cmd)
				return fail(cl, "multiple commands specified");
			cl->cmd = o;
			raw.cmd_arg = optarg;
			continue;
		}
		if (o->id == OPT_SYNC) {
			unsigned int bit = (unsigned int)o->value;

			if (cl->sync_opts & bit)
				return fail(cl, "multiple '%s' options "
					    "specified", o->long_name);
			if (!cl->sync_opts)
				cl->sync_opt_name = o->long_name;
			cl->sync_opts |= bit;
			cl->opts |= OPT_SYNC;
			raw.sync[__builtin_ctz(bit)] = optarg;
			continue;
		}
		if (cl->opts & o->id)
			return fail(cl, "multiple '%s' options specified",
				    l4lbadm_opt_name(o->id));
		cl->opts |= o->id;
		switch (o->id) {
		case OPT_SERVICE:
			cl->svc.protocol = (uint8_t)o->value;
			raw.service = optarg;
			raw.fwmark = o->value == 0;
			break;
		case OPT_SCHED:
			raw.sched = optarg;
			break;
		case OPT_SCHED_FLAGS:
			raw.sched_flags = optarg;
			break;
		case OPT_MH_SIZE:
			raw.mh_size = optarg;
			break;
		case OPT_MH_KEY:
			raw.mh_key = optarg;
			break;
		case OPT_TUN_TYPE:
			raw.tun_type = optarg;
			break;
		case OPT_TUN_PORT:
			raw.tun_port = optarg;
			break;
		case OPT_TUN_CSUM:
			raw.tun_csum = o->long_name;
			raw.tun_csum_flag = (uint32_t)o->value;
			break;
		case OPT_PICKUP:
			raw.pickup = optarg;
			break;
		case OPT_SERVER:
			raw.server = optarg;
			break;
		case OPT_CLIENT:
			raw.client = optarg;
			break;
		case OPT_PERSIST:
			/*
			 * An optional argument, as ipvsadm's: "-p 600" as
			 * well as "-p600"; a word after -p that is a number
			 * is its timeout.
			 */
			raw.persist = optarg;
			if (!optarg && optind < argc &&
			    all_digits(argv[optind]))
				raw.persist = argv[optind++];
			break;
		case OPT_NETMASK:
			raw.netmask = optarg;
			break;
		case OPT_FORWARD:
			cl->fwd_given = true;
			cl->dest.fwd = (uint8_t)o->value;
			cl->dest.set |= L4LB_HAS_FWD;
			break;
		case OPT_WEIGHT:
			raw.weight = optarg;
			break;
		case OPT_U_THRESH:
			raw.u_thresh = optarg;
			break;
		case OPT_L_THRESH:
			raw.l_thresh = optarg;
			break;
		case OPT_ONEPACKET:
			cl->svc.flags |= L4LB_SVC_F_ONEPACKET;
			break;
		case OPT_NUMERIC:
			cl->numeric = true;
			break;
		case OPT_IPV6:
			break;
		case OPT_JSON:
			cl->json = true;
			break;
		case OPT_TIMEOUT:
		case OPT_STATS:
		case OPT_RATE:
		case OPT_EXACT:
		case OPT_HEALTH:
		case OPT_INFO:
		case OPT_CONN:
		case OPT_THRESHOLDS:
		case OPT_SORT:
		case OPT_NOSORT:
		case OPT_SYNC:
			break;
		}
	}

	if (!cl->cmd) {
		cl->hint = true;
		return fail(cl, "no command specified");
	}

	if (cl->cmd->id == CMD_SET) {
		ret = parse_timeouts(cl, argv + optind, argc - optind);
		if (ret)
			return ret;
	} else if (cl->cmd->id == CMD_CONFIG) {
		ret = parse_config(cl, argv + optind, argc - optind);
		if (ret)
			return ret;
	} else if (optind < argc) {
		return fail(cl, "unexpected argument \"%s\"", argv[optind]);
	}

	ret = check_combination(cl);
	if (ret)
		return ret;
	ret = check_conflicts(cl);
	if (ret)
		return ret;
	return parse_values(cl, &raw);
}

int l4lbadm_drop_prog_name(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "ipvsadm") &&
			 strcmp(argv[1], "l4lbadm")))
		return argc;
	memmove(&argv[1], &argv[2], (size_t)(argc - 2) * sizeof(*argv));
	argv[argc - 1] = NULL;
	return argc - 1;
}

void l4lbadm_usage(FILE *f, const char *prog)
{
	fprintf(f, "l4lbadm " L4LBADM_VERSION "\nUsage:\n");
	for (size_t i = 0; i < l4lbadm_table_len; i++)
		if (l4lbadm_table[i].usage)
			fprintf(f, "  %s %s\n", prog, l4lbadm_table[i].usage);

	fprintf(f, "\nCommands:\nEither long or short options are allowed.\n");
	for (size_t i = 0; i < l4lbadm_table_len; i++) {
		const struct l4lbadm_opt *o = &l4lbadm_table[i];
		char longn[32], shortn[16] = "";

		if (!o->is_cmd)
			continue;
		snprintf(longn, sizeof(longn), "--%s%s%s", o->long_name,
			 o->argname ? " " : "", o->argname ? o->argname : "");
		if (o->short_name && o->alias)
			snprintf(shortn, sizeof(shortn), "-%c|-%c",
				 o->short_name, o->alias);
		else if (o->short_name)
			snprintf(shortn, sizeof(shortn), "-%c", o->short_name);
		fprintf(f, "  %-22s %-8s %s\n", longn, shortn, o->help);
	}

	fprintf(f, "\nOptions:\n");
	for (size_t i = 0; i < l4lbadm_table_len; i++) {
		const struct l4lbadm_opt *o = &l4lbadm_table[i];
		char longn[32], shortn[40] = "";

		if (o->is_cmd)
			continue;
		snprintf(longn, sizeof(longn), "--%s", o->long_name);
		if (o->short_name && o->opt_arg)
			snprintf(shortn, sizeof(shortn), "-%c [%s]",
				 o->short_name, o->argname);
		else if (o->short_name)
			snprintf(shortn, sizeof(shortn), "-%c%s%s",
				 o->short_name, o->has_arg ? " " : "",
				 o->has_arg ? o->argname : "");
		else if (o->has_arg)
			snprintf(shortn, sizeof(shortn), "%s", o->argname);
		fprintf(f, "  %-16s %-20s %s\n", longn, shortn, o->help);
	}
}
