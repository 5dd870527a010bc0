// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - parser for l4lbd's keepalived-style configuration.
 *
 * Words are separated by blanks; '{' and '}' are words of their own even
 * when glued to others; '#' or '!' at the start of a word comments out the
 * rest of the line; "double quotes" make one word of several (with \" and
 * \\ escapes). Keywords take a fixed number of arguments, so several may
 * share a line. Every error carries FILE:LINE; parsing goes on after an
 * error where it safely can, so one run reports most mistakes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <glob.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "l4lbd.h"

/* A token's line carries its file too: file index * LINE_MUL + line. */
#define LINE_MUL	1000000
#define MAX_INCLUDE_DEPTH	8

struct tok {
	char *s;
	int line;
	bool quoted;
};

struct parser {
	struct tok *t;
	size_t n, i;
	struct config_errors *errs;
	bool fatal;
	char **files;		/* names of the files read, for messages */
	size_t nfiles;
	char **stack;		/* real paths of the files being read */
	size_t depth;
	char **noted;		/* keywords a notice was given for */
	size_t nnoted;
	bool allow_empty;
};

static void vmsg(struct parser *p, char (*arr)[CONFIG_MSG_LEN], size_t *n,
		 int line, const char *fmt, va_list ap)
{
	size_t f = (size_t)line / LINE_MUL;
	int off;

	if (*n >= CONFIG_MAX_ERRORS) {
		p->errs->truncated = true;
		return;
	}
	if (line < 0)
		off = snprintf(arr[*n], CONFIG_MSG_LEN, "%s: ", p->files[0]);
	else
		off = snprintf(arr[*n], CONFIG_MSG_LEN, "%s:%d: ",
			       f < p->nfiles ? p->files[f] : "?",
			       line % LINE_MUL);
	if (off < 0 || off >= CONFIG_MSG_LEN)
		off = 0;
	vsnprintf(arr[*n] + off, CONFIG_MSG_LEN - (size_t)off, fmt, ap);
	(*n)++;
}

static void perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pwarn(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pnote(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error: the configuration is refused. Line -1: the file itself. */
static void perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(p, p->errs->msg, &p->errs->n, line, fmt, ap);
	va_end(ap);
}

static void pwarn(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(p, p->errs->warn, &p->errs->nwarn, line, fmt, ap);
	va_end(ap);
}

static void pnote(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(p, p->errs->note, &p->errs->nnote, line, fmt, ap);
	va_end(ap);
}

void config_errors_print(const struct config_errors *errs, FILE *f)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(f, "%s\n", errs->msg[i]);
	if (errs->truncated)
		fprintf(f, "(more messages not shown)\n");
}

void config_notes_print(const struct config_errors *errs, FILE *f)
{
	size_t i;

	for (i = 0; i < errs->nwarn; i++)
		fprintf(f, "warning: %s\n", errs->warn[i]);
	for (i = 0; i < errs->nnote; i++)
		fprintf(f, "notice: %s\n", errs->note[i]);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		fprintf(stderr, "l4lbd: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "l4lbd: out of memory\n");
		exit(1);
	}
	return d;
}

static void push_ptr(void ***arr, size_t *n, void *p)
{
	void **a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a) {
		fprintf(stderr, "l4lbd: out of memory\n");
		exit(1);
	}
	a[(*n)++] = p;
	*arr = a;
}

/* --- tokenizer ---------------------------------------------------------- */

static void add_tok(struct parser *p, const char *s, size_t len, int line,
		    bool quoted)
{
	struct tok *t = realloc(p->t, (p->n + 1) * sizeof(*t));

	if (!t) {
		fprintf(stderr, "l4lbd: out of memory\n");
		exit(1);
	}
	p->t = t;
	t[p->n].s = xcalloc(1, len + 1);
	memcpy(t[p->n].s, s, len);
	t[p->n].line = line;
	t[p->n].quoted = quoted;
	p->n++;
}

static void read_file(struct parser *p, const char *path, int from_line);

/* include PATTERN: every file the glob matches, relative to @dir. */
static void do_include(struct parser *p, const char *pat, const char *dir,
		       int line)
{
	char *full = NULL;
	glob_t g;
	size_t i;
	int ret;

	if (pat[0] != '/' && dir) {
		if (asprintf(&full, "%s/%s", dir, pat) < 0) {
			fprintf(stderr, "l4lbd: out of memory\n");
			exit(1);
		}
		pat = full;
	}
	ret = glob(pat, GLOB_ERR, NULL, &g);
	if (ret == GLOB_NOMATCH) {
		if (strpbrk(pat, "*?["))
			pnote(p, line, "include %s matches no file", pat);
		else
			perr(p, line, "include %s: %s", pat, strerror(ENOENT));
	} else if (ret) {
		perr(p, line, "include %s: %s", pat,
		     ret == GLOB_NOSPACE ? "out of memory" : "read error");
	} else {
		for (i = 0; i < g.gl_pathc; i++)
			read_file(p, g.gl_pathv[i], line);
	}
	if (ret != GLOB_NOMATCH)
		globfree(&g);
	free(full);
}

static int tokenize(struct parser *p, size_t file, const char *s,
		    const char *dir)
{
	int base = (int)(file * LINE_MUL), line = 1;
	bool bol = true;	/* no word yet on this line */

	while (*s) {
		if (*s == '\n') {
			line++;
			bol = true;
			s++;
		} else if (isspace((unsigned char)*s)) {
			s++;
		} else if (*s == '#' || *s == '!') {
			while (*s && *s != '\n')
				s++;
		} else if (bol && (*s == '@' || *s == '$')) {
			perr(p, base + line, "not supported by l4lbd: %s",
			     *s == '@' ? "conditional configuration (@id lines)"
				       : "parameters ($NAME=value)");
			while (*s && *s != '\n')
				s++;
		} else if (*s == '{' || *s == '}') {
			add_tok(p, s, 1, base + line, false);
			bol = false;
			s++;
		} else if (*s == '"') {
			int start = line;
			char *buf = xcalloc(1, strlen(s) + 1);
			size_t len = 0;

			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				if (*s == '\n')
					line++;
				buf[len++] = *s;
			}
			if (!*s) {
				perr(p, base + start, "unterminated quoted string");
				free(buf);
				return -1;
			}
			s++;
			add_tok(p, buf, len, base + start, true);
			bol = false;
			free(buf);
		} else {
			const char *b = s;

			while (*s && !isspace((unsigned char)*s) && *s != '{' &&
			       *s != '}' && *s != '"')
				s++;
			if (bol && (size_t)(s - b) == 7 && !strncmp(b, "include", 7)) {
				const char *a;
				char *pat;

				while (*s == ' ' || *s == '\t')
					s++;
				a = s;
				while (*s && !isspace((unsigned char)*s))
					s++;
				if (s == a) {
					perr(p, base + line, "'include' needs an argument");
					continue;
				}
				pat = strndup(a, (size_t)(s - a));
				if (!pat)
					exit(1);
				do_include(p, pat, dir, base + line);
				free(pat);
				bol = false;
				continue;
			}
			add_tok(p, b, (size_t)(s - b), base + line, false);
			bol = false;
		}
	}
	return 0;
}

/*
 * Read and tokenize @path: a regular file (a directory, an unreadable file
 * or one with a NUL byte is an error); @from_line: the include, or -1.
 */
static void read_file(struct parser *p, const char *path, int from_line)
{
	char *text = NULL, *real, *dir, *slash;
	size_t len = 0, cap = 0, n, i;
	struct stat st;
	FILE *f;

	if (p->depth >= MAX_INCLUDE_DEPTH) {
		perr(p, from_line, "include %s: nested more than %d deep",
		     path, MAX_INCLUDE_DEPTH);
		return;
	}
	f = fopen(path, "r");
	if (!f || fstat(fileno(f), &st) < 0) {
		if (from_line >= 0)
			perr(p, from_line, "include %s: %s", path,
			     strerror(errno));
		else
			perr(p, from_line, "%s", strerror(errno));
		if (f)
			fclose(f);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		perr(p, from_line, "%s%sis a directory, not a configuration file",
		     from_line >= 0 ? path : "", from_line >= 0 ? ": " : "");
		fclose(f);
		return;
	}
	real = realpath(path, NULL);
	if (!real)
		real = xstrdup(path);
	for (i = 0; i < p->depth; i++)
		if (!strcmp(p->stack[i], real)) {
			perr(p, from_line, "include loop: %s is already being read",
			     path);
			free(real);
			fclose(f);
			return;
		}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			text = realloc(text, cap + 1);
			if (!text) {
				fprintf(stderr, "l4lbd: out of memory\n");
				exit(1);
			}
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		perr(p, from_line, "%s%sread error: %s",
		     from_line >= 0 ? path : "", from_line >= 0 ? ": " : "",
		     strerror(errno));
		fclose(f);
		free(text);
		free(real);
		return;
	}
	fclose(f);
	text[len] = '\0';
	if (from_line >= 0)
		push_ptr((void ***)&p->files, &p->nfiles, xstrdup(path));
	if (strlen(text) != len) {
		perr(p, from_line >= 0 ? (int)((p->nfiles - 1) * LINE_MUL) + 1
				       : -1, "contains a NUL byte");
	} else {
		dir = xstrdup(path);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		push_ptr((void ***)&p->stack, &p->depth, real);
		tokenize(p, from_line >= 0 ? p->nfiles - 1 : 0, text,
			 slash ? (slash == dir ? "/" : dir) : NULL);
		p->depth--;
		free(dir);
		real = NULL;
		free(p->stack[p->depth]);
	}
	free(real);
	free(text);
}

/* --- helpers ------------------------------------------------------------ */

static struct tok *peek(struct parser *p)
{
	return p->i < p->n ? &p->t[p->i] : NULL;
}

static bool is_brace(const struct tok *t, char c)
{
	return t && !t->quoted && t->s[0] == c && t->s[1] == '\0';
}

static int last_line(struct parser *p)
{
	return p->n ? p->t[p->n - 1].line : 1;
}

/* The argument of keyword @kw, or NULL (error reported). */
static const char *arg(struct parser *p, const struct tok *kw)
{
	struct tok *t = peek(p);

	if (!t || (!t->quoted && (is_brace(t, '{') || is_brace(t, '}')))) {
		perr(p, kw->line, "'%s' needs an argument", kw->s);
		return NULL;
	}
	p->i++;
	return t->s;
}

static void skip_block(struct parser *p)
{
	int depth = 0;
	struct tok *t;

	while ((t = peek(p))) {
		p->i++;
		if (is_brace(t, '{'))
			depth++;
		else if (is_brace(t, '}') && --depth <= 0)
			return;
	}
}

static const char *const vs_kws[] = {
	"protocol", "lb_algo", "lvs_sched", "lb_kind", "lvs_method",
	"delay_loop", "real_server", "retry", "nb_get_retry", "rise",
	"delay_before_retry", "connect_timeout", "warmup", "alpha",
	"inhibit_on_failure", "virtualhost", "quorum", "hysteresis",
	"quorum_up", "quorum_down", "sorry_server", "sorry_server_inhibit",
	"sorry_server_lvs_method", "omega", "ha_suspend", "ops", "flag-1",
	"flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback",
	"ip_family", NULL
};
static const char *const rs_kws[] = {
	"weight", "inhibit_on_failure", "alpha", "lb_kind", "lvs_method",
	"TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "UDP_CHECK",
	"PING_CHECK", "retry",
	"nb_get_retry", "rise", "delay_before_retry", "connect_timeout",
	"warmup", "delay_loop", "virtualhost", "notify_up", "notify_down",
	"uthreshold", "lthreshold", NULL
};
static const char *const check_kws[] = {
	"connect_port", "connect_ip", "bindto", "url", "virtualhost", "misc_path",
	"misc_timeout", "retry", "nb_get_retry", "rise", "delay_before_retry",
	"connect_timeout", "warmup", "delay_loop", "alpha", "log_all_failures",
	"fast_recovery", "payload", "require_reply", "min_reply_length",
	"max_reply_length", NULL
};
static const char *const url_kws[] = {
	"path", "status_code", "digest", "virtualhost", NULL
};
static const char *const top_kws[] = {
	"virtual_server", "global_defs", NULL
};
static const char *const global_kws[] = {
	"resync_interval", "l4lbd_allow_empty", "l4lbd_metrics",
	"lvs_sync_daemon", NULL
};

/*
 * keepalived settings l4lbd does not have, with why; an error names them
 * ("not supported by l4lbd: ..."), so nothing behaves differently unseen.
 */
struct unsupported {
	const char *kw, *why;
};

static const struct unsupported vs_unsupported[] = {
	{ "persistence_engine", "(l4lb has no persistence engines)" },
	{ NULL, NULL }
};
static const struct unsupported rs_unsupported[] = {
	{ "SMTP_CHECK", "(use MISC_CHECK or TCP_CHECK)" },
	{ "DNS_CHECK", "(use MISC_CHECK with a DNS client)" },
	{ "BFD_CHECK", "(no BFD)" },
	{ "FILE_CHECK", "(use MISC_CHECK testing the file)" },
	{ NULL, NULL }
};
static const struct unsupported check_unsupported[] = {
	{ "bind_if", "(no IPv6 link-local sources)" },
	{ "bind_port", "(the source port is the kernel's choice)" },
	{ "fwmark", "(probes carry no firewall mark)" },
	{ "http_protocol", "(libcurl's HTTP/1.1 is used)" },
	{ "enable_sni", "(no SNI is sent)" },
	{ "misc_dynamic", "(the exit status does not set the weight)" },
	{ "user", "(scripts run as l4lbd's user)" },
	{ "helo_name", "(no SMTP_CHECK)" },
	{ NULL, NULL }
};
static const struct unsupported url_unsupported[] = {
	{ "regex", "(status_code and digest only)" },
	{ "regex_no_match", "(status_code and digest only)" },
	{ "regex_options", "(status_code and digest only)" },
	{ "regex_stack", "(status_code and digest only)" },
	{ "regex_min_offset", "(status_code and digest only)" },
	{ "regex_max_offset", "(status_code and digest only)" },
	{ NULL, NULL }
};
/* Harmless: accepted and ignored, with one notice. */
static const char *const ignored_kws[] = {
	"smtp_alert", "snmp_name", NULL
};
/* keepalived-only top-level blocks and keywords, besides vrrp_*. */
static const char *const keepalived_top[] = {
	"static_ipaddress", "static_routes", "static_rules",
	"linkbeat_interfaces", "garp_group", "bfd_instance", "track_file",
	"track_process", "net_namespace", "net_namespace_ipvs",
	"namespace_with_ipsets", "use_pid_dir", "instance", "child_wait_time",
	NULL
};

static bool known_kw(const struct tok *t, const char *const *kws)
{
	for (; kws && *kws; kws++)
		if (!t->quoted && !strcmp(t->s, *kws))
			return true;
	return false;
}

/*
 * After an unknown keyword: skip its arguments, i.e. the rest of its line
 * up to a keyword known here (@kws), or its block.
 */
static void skip_unknown(struct parser *p, const struct tok *kw,
			 const char *const *kws)
{
	struct tok *t;

	while ((t = peek(p)) && t->line == kw->line && !is_brace(t, '}') &&
	       !known_kw(t, kws)) {
		if (is_brace(t, '{')) {
			skip_block(p);
			return;
		}
		p->i++;
	}
	if ((t = peek(p)) && is_brace(t, '{'))
		skip_block(p);
}

static bool open_block(struct parser *p, const struct tok *kw)
{
	struct tok *t = peek(p);

	if (!is_brace(t, '{')) {
		perr(p, t ? t->line : kw->line, "expected '{' after %s%s%s",
		     kw->s, t ? ", got " : "", t ? t->s : "");
		p->fatal = true;
		return false;
	}
	p->i++;
	return true;
}

/*
 * Next keyword of a block opened by @kw, or NULL at its '}' (consumed) or
 * on a fatal error.
 */
static struct tok *next_kw(struct parser *p, const struct tok *kw)
{
	struct tok *t;

	if (p->fatal)
		return NULL;
	t = peek(p);
	if (!t) {
		perr(p, last_line(p), "unexpected end of file: '%s' block opened at line %d is not closed",
		     kw->s, kw->line);
		p->fatal = true;
		return NULL;
	}
	p->i++;
	if (is_brace(t, '}'))
		return NULL;
	if (is_brace(t, '{')) {
		perr(p, t->line, "unexpected '{' in %s", kw->s);
		p->i--;
		skip_block(p);
		return next_kw(p, kw);
	}
	return t;
}

static bool parse_uint(struct parser *p, const struct tok *kw, const char *s,
		       unsigned long min, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno || v < min ||
	    v > max) {
		perr(p, kw->line, "%s: '%s' is not an integer in %lu..%lu",
		     kw->s, s, min, max);
		return false;
	}
	*out = (unsigned int)v;
	return true;
}

/* Seconds, decimals allowed ("1", "0.5"), into milliseconds; > 0 unless @zero_ok. */
static bool parse_duration(struct parser *p, const struct tok *kw,
			   const char *s, bool zero_ok, unsigned int *ms)
{
	char *end;
	double v;

	if (!s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (!isdigit((unsigned char)*s) || *end || errno ||
	    (v < 0.001 && !(zero_ok && v == 0)) ||
	    v > MAX_DURATION_MS / 1000) {
		perr(p, kw->line, "%s: '%s' is not a duration in seconds (%s..%u)",
		     kw->s, s, zero_ok ? "0" : "0.001", MAX_DURATION_MS / 1000);
		return false;
	}
	*ms = (unsigned int)(v * 1000 + 0.5);
	return true;
}

static const char *family_name(uint16_t family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/*
 * A numeric address, as keepalived reads it: IPv6 if it has a ':', written
 * bare (2001:db8::1, no brackets), else IPv4.
 */
static bool parse_ip(struct parser *p, const struct tok *kw, const char *s,
		     struct ipaddr *a)
{
	uint16_t family;

	if (!s)
		return false;
	family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, s, &a->u) != 1) {
		perr(p, kw->line, "%s: '%s' is not an %s address%s", kw->s, s,
		     family_name(family),
		     s[0] == '[' ? " (write it without brackets)" : "");
		return false;
	}
	a->family = family;
	return true;
}

static bool parse_port(struct parser *p, const struct tok *kw, const char *s,
		       uint16_t *port)
{
	unsigned int v;

	if (!parse_uint(p, kw, s, 1, 65535, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

/*
 * persistence_granularity, as keepalived: an IPv4 netmask (contiguous
 * ones) for an IPv4 service, a prefix length for an IPv6 one.
 */
static bool parse_granularity(struct parser *p, const struct tok *kw,
			      const char *s, uint16_t family, uint8_t *prefix)
{
	struct in_addr m;
	unsigned int v;
	uint32_t h;
	uint8_t n = 0;

	if (!s)
		return false;
	if (family == AF_INET6) {
		if (!parse_uint(p, kw, s, 0, 128, &v))
			return false;
		*prefix = (uint8_t)v;
		return true;
	}
	if (inet_pton(AF_INET, s, &m) != 1) {
		perr(p, kw->line, "%s: '%s' is not an IPv4 netmask", kw->s, s);
		return false;
	}
	h = ntohl(m.s_addr);
	while (n < 32 && (h & (0x80000000u >> n)))
		n++;
	if (n < 32 && (h << n)) {
		perr(p, kw->line, "%s: '%s' is not a netmask of contiguous ones",
		     kw->s, s);
		return false;
	}
	*prefix = n;
	return true;
}

static const char *opt_arg(struct parser *p, const struct tok *kw);

/*
 * keepalived's "TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]",
 * the rest of @kw's line: a port for gue only, checksums for gue and gre,
 * remcsum for gue only.
 */
static bool parse_tun(struct parser *p, const struct tok *kw,
		      struct tun_cfg *tun)
{
	bool ok = true, port = false;
	const char *s;

	memset(tun, 0, sizeof(*tun));
	while ((s = opt_arg(p, kw))) {
		p->i++;
		if (!strcmp(s, "type")) {
			if (!(s = arg(p, kw)))
				return false;
			if (!strcmp(s, "gue")) {
				tun->type = L4LB_TUN_GUE;
			} else if (!strcmp(s, "gre")) {
				tun->type = L4LB_TUN_GRE;
			} else if (strcmp(s, "ipip")) {
				perr(p, kw->line, "%s TUN: type '%s' is not ipip, gue or gre",
				     kw->s, s);
				ok = false;
			}
		} else if (!strcmp(s, "port")) {
			port = true;
			ok = parse_port(p, kw, arg(p, kw), &tun->port) && ok;
		} else if (!strcmp(s, "nocsum")) {
			tun->flags = 0;
		} else if (!strcmp(s, "csum")) {
			tun->flags = L4LB_TUN_F_CSUM;
		} else if (!strcmp(s, "remcsum")) {
			tun->flags = L4LB_TUN_F_REMCSUM;
		} else {
			perr(p, kw->line, "%s TUN: unknown option '%s'", kw->s, s);
			ok = false;
		}
	}
	if (ok && tun->type == L4LB_TUN_GUE && !port) {
		perr(p, kw->line, "%s TUN type gue needs a port", kw->s);
		ok = false;
	}
	if (ok && tun->type != L4LB_TUN_GUE && port) {
		perr(p, kw->line, "%s TUN: port is for type gue", kw->s);
		ok = false;
	}
	if (ok && tun->type == L4LB_TUN_GRE &&
	    (tun->flags & L4LB_TUN_F_REMCSUM)) {
		perr(p, kw->line, "%s TUN: remcsum is for type gue", kw->s);
		ok = false;
	}
	if (ok && tun->type == L4LB_TUN_IPIP && tun->flags) {
		perr(p, kw->line, "%s TUN: checksum options are for types gue and gre",
		     kw->s);
		ok = false;
	}
	return ok;
}

static bool parse_fwd(struct parser *p, const struct tok *kw, const char *s,
		      uint8_t *fwd, struct tun_cfg *tun)
{
	if (!s)
		return false;
	if (!strcmp(s, "DR")) {
		*fwd = L4LB_FWD_DR;
	} else if (!strcmp(s, "NAT")) {
		*fwd = L4LB_FWD_NAT;
	} else if (!strcmp(s, "TUN")) {
		if (!parse_tun(p, kw, tun))
			return false;
		*fwd = L4LB_FWD_TUN;
	} else {
		perr(p, kw->line, "%s: '%s' is not DR, NAT or TUN", kw->s, s);
		return false;
	}
	return true;
}

/* The next word if it is on @kw's line and not a brace, else NULL. */
static const char *opt_arg(struct parser *p, const struct tok *kw)
{
	struct tok *t = peek(p);

	if (!t || t->line != kw->line || is_brace(t, '{') || is_brace(t, '}'))
		return NULL;
	return t->s;
}

/* keepalived's optional boolean after a flag keyword; true when absent. */
static int opt_bool(struct parser *p, const struct tok *kw)
{
	static const char *const yes[] = { "true", "on", "yes", NULL };
	static const char *const no[] = { "false", "off", "no", NULL };
	const char *s = opt_arg(p, kw);
	size_t i;

	if (!s)
		return 1;
	for (i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i])) {
			p->i++;
			return 1;
		}
	for (i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i])) {
			p->i++;
			return 0;
		}
	return 1;
}

struct tuning {
	unsigned int *retry, *rise, *dbr, *ct, *delay_loop, *warmup;
	int *alpha;
};

/*
 * The tunables every level has (virtual server, real server, check);
 * true if @kw was one.
 */
static bool parse_tuning(struct parser *p, const struct tok *kw,
			 const struct tuning *tu)
{
	if (!strcmp(kw->s, "retry") || !strcmp(kw->s, "nb_get_retry")) {
		if (kw->s[0] == 'n')
			pwarn(p, kw->line, "nb_get_retry is deprecated (keepalived 1.x's name); write retry");
		parse_uint(p, kw, arg(p, kw), 0, MAX_COUNT, tu->retry);
	}
	else if (!strcmp(kw->s, "rise"))
		parse_uint(p, kw, arg(p, kw), 1, MAX_COUNT, tu->rise);
	else if (!strcmp(kw->s, "delay_before_retry"))
		parse_duration(p, kw, arg(p, kw), true, tu->dbr);
	else if (!strcmp(kw->s, "connect_timeout"))
		parse_duration(p, kw, arg(p, kw), false, tu->ct);
	else if (!strcmp(kw->s, "delay_loop") && tu->delay_loop)
		parse_duration(p, kw, arg(p, kw), false, tu->delay_loop);
	else if (!strcmp(kw->s, "warmup"))
		parse_duration(p, kw, arg(p, kw), true, tu->warmup);
	else if (!strcmp(kw->s, "alpha"))
		*tu->alpha = opt_bool(p, kw);
	else
		return false;
	return true;
}

/* Skip what follows an unknown or unsupported keyword. */
static void unknown(struct parser *p, const struct tok *kw, const char *where,
		    const char *const *kws)
{
	perr(p, kw->line, "unknown keyword '%s' in %s", kw->s, where);
	skip_unknown(p, kw, kws);
}

/* A keyword keepalived has and l4lbd has not: true if @kw is one. */
static bool unsupported(struct parser *p, const struct tok *kw,
			const struct unsupported *u, const char *const *kws)
{
	for (; u->kw; u++)
		if (!strcmp(kw->s, u->kw)) {
			/* "yet (...)": the l4lb module lacks it for now. */
			bool yet = !strncmp(u->why, "yet ", 4);

			perr(p, kw->line, "not supported by l4lbd%s: %s %s",
			     yet ? " yet" : "", kw->s, yet ? u->why + 4 : u->why);
			skip_unknown(p, kw, kws);
			return true;
		}
	return false;
}

/* One notice per keyword l4lbd skips. */
static void note_once(struct parser *p, const struct tok *kw,
		      const char *what, const char *why)
{
	size_t i;
	char *key;

	if (asprintf(&key, "%s %s", what, kw->s) < 0)
		exit(1);
	for (i = 0; i < p->nnoted; i++)
		if (!strcmp(p->noted[i], key)) {
			free(key);
			return;
		}
	push_ptr((void ***)&p->noted, &p->nnoted, key);
	pnote(p, kw->line, "skipping %s%s%s (%s)", what, *what ? " " : "",
	      kw->s, why);
}

/* Ignored with a notice: true if @kw is one. */
static bool ignored(struct parser *p, const struct tok *kw,
		    const char *const *kws)
{
	const char *const *k;

	for (k = ignored_kws; *k; k++)
		if (!strcmp(kw->s, *k)) {
			note_once(p, kw, "", "keepalived's, nothing for l4lbd to do");
			skip_unknown(p, kw, kws);
			return true;
		}
	return false;
}

/* --- checks ------------------------------------------------------------- */

const char *check_type_name(enum check_type t)
{
	switch (t) {
	case CHECK_TCP: return "TCP_CHECK";
	case CHECK_HTTP: return "HTTP_GET";
	case CHECK_SSL: return "SSL_GET";
	case CHECK_MISC: return "MISC_CHECK";
	case CHECK_UDP: return "UDP_CHECK";
	case CHECK_PING: return "PING_CHECK";
	}
	return "?";
}

static struct check *check_new(enum check_type type, int line)
{
	struct check *c = xcalloc(1, sizeof(*c));

	c->type = type;
	c->line = line;
	c->watch.fd = -1;
	c->pid = -1;
	c->retry = c->rise = c->delay_before_retry_ms = UNSET;
	c->connect_timeout_ms = c->delay_loop_ms = c->warmup_ms = UNSET;
	c->alpha = -1;
	c->last_ok = -1;
	c->max_reply = UNSET;
	timer_init(&c->timer, NULL);
	return c;
}

void check_free(struct check *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->virtualhost);
	free(c->misc_path);
	free(c->payload);
	free(c->reply);
	free(c->reply_mask);
	free(c);
}

/* "200", "200-299": one code or range into @c. */
static bool parse_status(struct parser *p, const struct tok *kw,
			 const char *s, struct check *c)
{
	unsigned int lo, hi;
	char *end;

	if (!s)
		return false;
	lo = (unsigned int)strtoul(s, &end, 10);
	hi = lo;
	if (*end == '-')
		hi = (unsigned int)strtoul(end + 1, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || lo < 100 || hi > 599 ||
	    lo > hi) {
		perr(p, kw->line, "status_code: '%s' is not an HTTP status (100..599) or range (200-299)",
		     s);
		return false;
	}
	if (c->nstatus >= sizeof(c->status) / sizeof(c->status[0])) {
		perr(p, kw->line, "status_code: too many codes (at most %zu)",
		     sizeof(c->status) / sizeof(c->status[0]));
		return false;
	}
	c->status[c->nstatus].lo = (uint16_t)lo;
	c->status[c->nstatus++].hi = (uint16_t)hi;
	return true;
}

static void set_str(char **dst, const char *s)
{
	if (!s)
		return;
	free(*dst);
	*dst = xstrdup(s);
}

static void parse_url(struct parser *p, const struct tok *kw, struct check *u)
{
	struct tok *k;

	if (!open_block(p, kw))
		return;
	while ((k = next_kw(p, kw))) {
		const char *s;

		if (!strcmp(k->s, "path")) {
			if ((s = arg(p, k))) {
				if (s[0] != '/')
					perr(p, k->line, "path: '%s' must start with '/'", s);
				set_str(&u->path, s);
			}
		} else if (!strcmp(k->s, "status_code")) {
			/* keepalived's list: status_code 200-299 301 503 */
			if (parse_status(p, k, arg(p, k), u))
				while ((s = opt_arg(p, k)) &&
				       isdigit((unsigned char)s[0])) {
					p->i++;
					parse_status(p, k, s, u);
				}
		} else if (!strcmp(k->s, "digest")) {
			size_t i;

			if (!(s = arg(p, k)))
				continue;
			for (i = 0; s[i] && isxdigit((unsigned char)s[i]); i++)
				;
			if (i != 32 || s[i]) {
				perr(p, k->line, "digest: '%s' is not an MD5 sum (32 hex digits)", s);
				continue;
			}
			for (i = 0; i < 32; i++)
				u->digest[i] = (char)tolower((unsigned char)s[i]);
			u->digest[32] = '\0';
		} else if (!strcmp(k->s, "virtualhost")) {
			set_str(&u->virtualhost, arg(p, k));
		} else if (!unsupported(p, k, url_unsupported, url_kws)) {
			unknown(p, k, "url", url_kws);
		}
	}
	if (!u->path)
		perr(p, kw->line, "url: 'path' is required");
}

/*
 * keepalived's HEX_STR: the words up to the end of the line, each a run
 * of hex digits read in pairs, an odd last digit a byte of its own
 * ("Ab12f 3" is AB 12 0F 03); with @mask, x or X matches any nibble.
 */
static void parse_hex(struct parser *p, const struct tok *kw, bool mask,
		      unsigned char **out, unsigned char **outmask,
		      size_t *len)
{
	unsigned char *b = xcalloc(UDP_MAX_PAYLOAD, 1);
	unsigned char *m = xcalloc(UDP_MAX_PAYLOAD, 1);
	const char *s;
	size_t n = 0, i;

	while ((s = opt_arg(p, kw))) {
		size_t wl = strlen(s);

		if (known_kw(peek(p), check_kws))
			break;
		p->i++;
		for (i = 0; i < wl; i += 2) {
			const char *d = s + i;
			unsigned int v = 0, mk = 0, j, nd = wl - i >= 2 ? 2 : 1;

			for (j = 0; j < nd; j++) {
				char ch = d[j];

				v <<= 4;
				mk <<= 4;
				if (mask && (ch == 'x' || ch == 'X'))
					continue;
				if (!isxdigit((unsigned char)ch)) {
					perr(p, kw->line, "%s: '%s' is not hexadecimal",
					     kw->s, s);
					goto out;
				}
				v |= (unsigned int)(isdigit((unsigned char)ch) ? ch - '0'
						    : tolower((unsigned char)ch) - 'a' + 10);
				mk |= 0xf;
			}
			if (n >= UDP_MAX_PAYLOAD) {
				perr(p, kw->line, "%s: more than %d bytes", kw->s,
				     UDP_MAX_PAYLOAD);
				goto out;
			}
			m[n] = (unsigned char)mk;
			b[n++] = (unsigned char)v;
		}
	}
out:
	free(*out);
	*out = b;
	*len = n;
	if (outmask) {
		free(*outmask);
		*outmask = m;
	} else {
		free(m);
	}
}

static void parse_check(struct parser *p, const struct tok *kw,
			enum check_type type, struct rs *r)
{
	struct check *c = check_new(type, kw->line), **urls = NULL;
	struct tuning tu = { &c->retry, &c->rise, &c->delay_before_retry_ms,
			     &c->connect_timeout_ms, &c->delay_loop_ms,
			     &c->warmup_ms, &c->alpha };
	bool http = type == CHECK_HTTP || type == CHECK_SSL;
	size_t nurls = 0, i;
	int bindto_line = 0;
	struct tok *k;

	if (!open_block(p, kw)) {
		check_free(c);
		return;
	}
	while ((k = next_kw(p, kw))) {
		if (parse_tuning(p, k, &tu))
			continue;
		if (!strcmp(k->s, "connect_port") && type != CHECK_MISC) {
			parse_port(p, k, arg(p, k), &c->connect_port);
		} else if (!strcmp(k->s, "connect_ip") && type != CHECK_MISC) {
			parse_ip(p, k, arg(p, k), &c->connect_ip);
		} else if (!strcmp(k->s, "bindto") && type != CHECK_MISC) {
			if (parse_ip(p, k, arg(p, k), &c->bindto))
				bindto_line = k->line;
		} else if (!strcmp(k->s, "url") && http) {
			struct check *u = check_new(type, k->line);

			parse_url(p, k, u);
			push_ptr((void ***)&urls, &nurls, u);
		} else if (!strcmp(k->s, "virtualhost") && http) {
			set_str(&c->virtualhost, arg(p, k));
		} else if (!strcmp(k->s, "fast_recovery") && http) {
			/* Every url is its own check already: nothing to do. */
			opt_bool(p, k);
		} else if (!strcmp(k->s, "log_all_failures")) {
			/* l4lbd -v logs every probe. */
			opt_bool(p, k);
		} else if (!strcmp(k->s, "misc_path") && type == CHECK_MISC) {
			set_str(&c->misc_path, arg(p, k));
		} else if (!strcmp(k->s, "misc_timeout") && type == CHECK_MISC) {
			parse_duration(p, k, arg(p, k), false, &c->misc_timeout_ms);
		} else if (!strcmp(k->s, "payload") && type == CHECK_UDP) {
			parse_hex(p, k, false, &c->payload, NULL, &c->payload_len);
		} else if (!strcmp(k->s, "require_reply") && type == CHECK_UDP) {
			c->require_reply = true;
			parse_hex(p, k, true, &c->reply, &c->reply_mask,
				  &c->reply_len);
		} else if (!strcmp(k->s, "min_reply_length") && type == CHECK_UDP) {
			parse_uint(p, k, arg(p, k), 0, UDP_MAX_PAYLOAD, &c->min_reply);
		} else if (!strcmp(k->s, "max_reply_length") && type == CHECK_UDP) {
			parse_uint(p, k, arg(p, k), 0, UDP_MAX_PAYLOAD, &c->max_reply);
		} else if (!unsupported(p, k, check_unsupported, check_kws)) {
			unknown(p, k, kw->s, check_kws);
		}
	}
	if (bindto_line) {
		const struct ipaddr *to = c->connect_ip.family ? &c->connect_ip
							       : &r->addr;
		char a[NAME_LEN], b[NAME_LEN];

		if (to->family && to->family != c->bindto.family)
			perr(p, bindto_line, "bindto %s is %s but %s connects to %s (%s)",
			     ipaddr_str(&c->bindto, a, sizeof(a)),
			     family_name(c->bindto.family), kw->s,
			     ipaddr_str(to, b, sizeof(b)),
			     family_name(to->family));
	}
	if (type == CHECK_UDP && c->max_reply == UNSET)
		c->max_reply = 255;
	if (type == CHECK_UDP && c->min_reply > c->max_reply)
		perr(p, kw->line, "UDP_CHECK: min_reply_length %u > max_reply_length %u",
		     c->min_reply, c->max_reply);
	if (type == CHECK_MISC) {
		if (!c->misc_path)
			perr(p, kw->line, "MISC_CHECK: 'misc_path' is required");
		push_ptr((void ***)&r->checks, &r->nchecks, c);
		return;
	}
	if (!http) {
		push_ptr((void ***)&r->checks, &r->nchecks, c);
		return;
	}
	if (!nurls)
		perr(p, kw->line, "%s: a 'url { path ... }' block is required",
		     kw->s);
	/* One check per url: the server is UP when every url answers. */
	for (i = 0; i < nurls; i++) {
		struct check *u = urls[i];

		u->connect_ip = c->connect_ip;
		u->bindto = c->bindto;
		u->connect_port = c->connect_port;
		u->retry = c->retry;
		u->rise = c->rise;
		u->delay_before_retry_ms = c->delay_before_retry_ms;
		u->connect_timeout_ms = c->connect_timeout_ms;
		u->delay_loop_ms = c->delay_loop_ms;
		u->warmup_ms = c->warmup_ms;
		u->alpha = c->alpha;
		if (!u->virtualhost && c->virtualhost)
			u->virtualhost = xstrdup(c->virtualhost);
		if (!u->nstatus) {
			u->status[0].lo = 200;
			u->status[0].hi = 299;
			u->nstatus = 1;
		}
		push_ptr((void ***)&r->checks, &r->nchecks, u);
	}
	free(urls);
	check_free(c);
}

/* --- real and virtual servers ------------------------------------------- */

void rs_free(struct rs *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nchecks; i++)
		check_free(r->checks[i]);
	free(r->checks);
	free(r->virtualhost);
	free(r->notify_up);
	free(r->notify_down);
	free(r);
}

static void vs_free(struct vs *v)
{
	size_t i;

	for (i = 0; i < v->nrs; i++)
		rs_free(v->rs[i]);
	free(v->rs);
	rs_free(v->sorry);
	free(v->virtualhost);
	free(v->quorum_up);
	free(v->quorum_down);
	free(v);
}

void config_free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nvs; i++)
		vs_free(c->vs[i]);
	free(c->vs);
	free(c->file);
	free(c);
}

struct rs *vs_find_rs(const struct vs *v, const struct ipaddr *addr,
		      uint16_t port)
{
	size_t i;

	for (i = 0; i < v->nrs; i++)
		if (ipaddr_equal(&v->rs[i]->addr, addr) &&
		    v->rs[i]->port == port)
			return v->rs[i];
	return NULL;
}

struct vs *config_find_vs(const struct config *c, uint8_t proto,
			  const struct ipaddr *addr, uint16_t port)
{
	size_t i;

	for (i = 0; i < c->nvs; i++)
		if (!c->vs[i]->fwmark && c->vs[i]->protocol == proto &&
		    ipaddr_equal(&c->vs[i]->addr, addr) &&
		    c->vs[i]->port == port)
			return c->vs[i];
	return NULL;
}

struct vs *config_match_vs(const struct config *c, const struct vs *v)
{
	size_t i;

	if (!v->fwmark)
		return config_find_vs(c, v->protocol, &v->addr, v->port);
	for (i = 0; i < c->nvs; i++)
		if (c->vs[i]->fwmark == v->fwmark &&
		    c->vs[i]->addr.family == v->addr.family)
			return c->vs[i];
	return NULL;
}

static struct rs *rs_new(int line, uint16_t port)
{
	struct rs *r = xcalloc(1, sizeof(*r));

	r->line = line;
	r->weight = 1;
	r->port = port;
	r->retry = r->rise = r->delay_before_retry_ms = UNSET;
	r->connect_timeout_ms = r->delay_loop_ms = r->warmup_ms = UNSET;
	r->alpha_conf = r->inhibit_conf = -1;
	return r;
}

/* "line 5", or "other.conf:5" when in another file than @line. */
static const char *where(struct parser *p, int first, int line, char *buf,
			 size_t len)
{
	if (first / LINE_MUL == line / LINE_MUL)
		snprintf(buf, len, "line %d", first % LINE_MUL);
	else
		snprintf(buf, len, "%s:%d", p->files[first / LINE_MUL],
			 first % LINE_MUL);
	return buf;
}

/* A script: the command and, as keepalived allows, no user/group. */
static void parse_script(struct parser *p, const struct tok *kw, char **dst)
{
	const char *s = arg(p, kw);

	if (!s)
		return;
	set_str(dst, s);
	if (opt_arg(p, kw) && !known_kw(peek(p), rs_kws) &&
	    !known_kw(peek(p), vs_kws)) {
		perr(p, kw->line, "not supported by l4lbd: %s with a user (scripts run as l4lbd's user)",
		     kw->s);
		while (opt_arg(p, kw))
			p->i++;
	}
}

static void parse_rs(struct parser *p, const struct tok *kw, struct vs *v)
{
	struct rs *r = rs_new(kw->line, v->port);
	struct tuning tu = { &r->retry, &r->rise, &r->delay_before_retry_ms,
			     &r->connect_timeout_ms, &r->delay_loop_ms,
			     &r->warmup_ms, &r->alpha_conf };
	bool ok;
	struct tok *k;

	ok = parse_ip(p, kw, arg(p, kw), &r->addr);
	/* keepalived allows "real_server IP {": the virtual server's port. */
	if (opt_arg(p, kw))
		ok = parse_port(p, kw, arg(p, kw), &r->port) && ok;
	if (!open_block(p, kw)) {
		rs_free(r);
		return;
	}
	while ((k = next_kw(p, kw))) {
		if (parse_tuning(p, k, &tu))
			continue;
		if (!strcmp(k->s, "weight"))
			parse_uint(p, k, arg(p, k), 0, L4LB_WEIGHT_MAX,
				   &r->weight);
		else if (!strcmp(k->s, "inhibit_on_failure"))
			r->inhibit_conf = opt_bool(p, k);
		else if (!strcmp(k->s, "lb_kind") || !strcmp(k->s, "lvs_method"))
			parse_fwd(p, k, arg(p, k), &r->fwd, &r->tun);
		else if (!strcmp(k->s, "virtualhost"))
			set_str(&r->virtualhost, arg(p, k));
		else if (!strcmp(k->s, "uthreshold"))
			parse_uint(p, k, arg(p, k), 0, UINT32_MAX, &r->u_thresh);
		else if (!strcmp(k->s, "lthreshold"))
			parse_uint(p, k, arg(p, k), 0, UINT32_MAX, &r->l_thresh);
		else if (!strcmp(k->s, "notify_up"))
			parse_script(p, k, &r->notify_up);
		else if (!strcmp(k->s, "notify_down"))
			parse_script(p, k, &r->notify_down);
		else if (!strcmp(k->s, "TCP_CHECK"))
			parse_check(p, k, CHECK_TCP, r);
		else if (!strcmp(k->s, "HTTP_GET"))
			parse_check(p, k, CHECK_HTTP, r);
		else if (!strcmp(k->s, "SSL_GET"))
			parse_check(p, k, CHECK_SSL, r);
		else if (!strcmp(k->s, "MISC_CHECK"))
			parse_check(p, k, CHECK_MISC, r);
		else if (!strcmp(k->s, "UDP_CHECK"))
			parse_check(p, k, CHECK_UDP, r);
		else if (!strcmp(k->s, "PING_CHECK"))
			parse_check(p, k, CHECK_PING, r);
		else if (!ignored(p, k, rs_kws) &&
			 !unsupported(p, k, rs_unsupported, rs_kws))
			unknown(p, k, "real_server", rs_kws);
	}
	if (r->l_thresh > r->u_thresh) {
		/* keepalived takes it; the module refuses it (ERANGE), as IPVS. */
		perr(p, kw->line, "real_server: lthreshold %u is above uthreshold %u%s",
		     r->l_thresh, r->u_thresh,
		     r->u_thresh ? "" : " (0: no upper threshold)");
		ok = false;
	}
	if (ok) {
		struct rs *old = vs_find_rs(v, &r->addr, r->port);

		if (old) {
			char b[NAME_LEN], w[NAME_LEN + 16];

			perr(p, kw->line, "duplicate real_server %s (first at %s)",
			     rs_name(r, b, sizeof(b)),
			     where(p, old->line, kw->line, w, sizeof(w)));
			ok = false;
		}
	}
	if (!ok) {
		rs_free(r);
		return;
	}
	r->vs = v;
	push_ptr((void ***)&v->rs, &v->nrs, r);
}

static unsigned int pick(unsigned int a, unsigned int b, unsigned int c,
			 unsigned int def)
{
	return a != UNSET ? a : b != UNSET ? b : c != UNSET ? c : def;
}

static int pick_bool(int a, int b, int c)
{
	return a >= 0 ? a : b >= 0 ? b : c > 0;
}

/*
 * Real server @r in @v's address family, port rule of its lb_kind; a
 * fwmark service's DR or TUN real server loses its port, as keepalived's.
 */
static void check_rs_fwd(struct parser *p, const struct vs *v, struct rs *r,
			 const char *what)
{
	uint8_t fwd = r->fwd ? r->fwd : v->fwd;
	char a[NAME_LEN], b[NAME_LEN];

	if (v->fwmark && r->port && fwd != L4LB_FWD_NAT) {
		pwarn(p, r->line, "virtual_server %s: %s %s has port %u, which lb_kind %s of a fwmark service does not use: cleared, as keepalived does",
		      vs_name(v, a, sizeof(a)), what,
		      ipaddr_str(&r->addr, b, sizeof(b)), r->port,
		      fwd == L4LB_FWD_TUN ? "TUN" : "DR");
		r->port = 0;
	}
	if (fwd == L4LB_FWD_NAT && (v->svc_flags & L4LB_SVC_F_ONEPACKET))
		perr(p, r->line, "not supported by l4lbd: %s %s with lb_kind NAT and ops (one-packet scheduling makes no connection entry, which NAT's replies need)",
		     what, ipaddr_str(&r->addr, b, sizeof(b)));

	/* Mixed families: TUN only, as keepalived and IPVS. */
	if (r->addr.family != v->addr.family && fwd != L4LB_FWD_TUN) {
		perr(p, r->line, "%s %s is %s but the virtual_server %s is %s: lb_kind %s forwards within one address family",
		     what, ipaddr_str(&r->addr, a, sizeof(a)),
		     family_name(r->addr.family),
		     v->fwmark ? vs_name(v, b, sizeof(b)) :
				 ipaddr_str(&v->addr, b, sizeof(b)),
		     family_name(v->addr.family),
		     fwd == L4LB_FWD_NAT ? "NAT" : "DR");
	}
	if (fwd != L4LB_FWD_NAT && r->port != v->port)
		perr(p, r->line, "%s port %u differs from the virtual_server port %u; lb_kind %s needs them equal",
		     what, r->port, v->port,
		     fwd == L4LB_FWD_TUN ? "TUN" : "DR");
}

/* What parse_vs saw, for finish_vs. */
struct vs_seen {
	bool fwd, sched, proto;
	uint16_t ip_family;		/* ip_family; 0: not given */
	uint16_t gran_family;		/* of persistence_granularity's form */
	int gran_line;
};

/*
 * Inherit tunables down vs -> rs -> check with keepalived's defaults,
 * check cross-field rules. False if the virtual server is to be ignored.
 */
static bool finish_vs(struct parser *p, struct vs *v,
		      const struct vs_seen *seen)
{
	char n[NAME_LEN];
	unsigned long total = 0;
	size_t i, j;

	vs_name(v, n, sizeof(n));
	if (v->fwmark && seen->gran_family &&
	    seen->gran_family != v->addr.family)
		perr(p, seen->gran_line, "persistence_granularity: %s for an %s service, but the virtual_server %s is %s",
		     seen->gran_family == AF_INET ? "a netmask" : "a prefix length",
		     family_name(seen->gran_family), n,
		     family_name(v->addr.family));
	else if (v->fwmark && !seen->gran_family)
		v->persist_prefix = v->addr.family == AF_INET6 ? 128 : 32;
	if ((v->svc_flags & L4LB_SVC_F_ONEPACKET) &&
	    v->protocol != IPPROTO_UDP) {
		pwarn(p, v->line, "virtual_server %s: ops (one-packet scheduling) needs protocol UDP: reset, as keepalived does",
		      n);
		v->svc_flags &= ~L4LB_SVC_F_ONEPACKET;
	}
	if (!seen->sched) {
		static const char *const have[] = { L4LB_SCHEDS, NULL };
		const char *const *h;

		strcpy(v->sched, "wrr");
		for (h = have; *h; h++)
			if (!strcmp(*h, "wlc"))
				strcpy(v->sched, "wlc");
		if (!strcmp(v->sched, "wlc"))
			pwarn(p, v->line, "virtual_server %s: no lb_algo, using wlc (keepalived's default)", n);
		else
			pwarn(p, v->line, "virtual_server %s: no lb_algo; keepalived's default wlc is not in l4lb yet, using wrr", n);
	}
	if (!seen->fwd) {
		v->fwd = L4LB_FWD_NAT;
		pwarn(p, v->line, "virtual_server %s: no lb_kind, using NAT (keepalived's default)", n);
	}
	if (v->delay_loop_ms == UNSET)
		v->delay_loop_ms = DEF_DELAY_LOOP_MS;
	if (v->sorry) {
		v->sorry->vs = v;
		check_rs_fwd(p, v, v->sorry, "sorry_server");
		if (vs_find_rs(v, &v->sorry->addr, v->sorry->port))
			perr(p, v->sorry->line, "sorry_server is also a real_server");
	}
	if (!v->nrs) {
		pwarn(p, v->line, "virtual_server %s has no real servers: ignored, as keepalived does", n);
		return false;
	}
	for (i = 0; i < v->nrs; i++) {
		struct rs *r = v->rs[i];

		check_rs_fwd(p, v, r, "real_server");
		r->inhibit = pick_bool(r->inhibit_conf, v->inhibit_conf, 0);
		r->alpha = false;
		total += r->weight;
		for (j = 0; j < r->nchecks; j++) {
			struct check *c = r->checks[j];
			bool http = c->type == CHECK_HTTP || c->type == CHECK_SSL;

			c->retry = pick(c->retry, r->retry, v->retry,
					c->type == CHECK_MISC ? DEF_RETRY_MISC
							      : DEF_RETRY);
			c->rise = pick(c->rise, r->rise, v->rise, DEF_RISE);
			c->connect_timeout_ms = pick(c->connect_timeout_ms,
						     r->connect_timeout_ms,
						     v->connect_timeout_ms,
						     DEF_CONNECT_TIMEOUT_MS);
			c->delay_loop_ms = pick(c->delay_loop_ms,
						r->delay_loop_ms,
						v->delay_loop_ms,
						DEF_DELAY_LOOP_MS);
			c->delay_before_retry_ms =
				pick(c->delay_before_retry_ms,
				     r->delay_before_retry_ms,
				     v->delay_before_retry_ms,
				     http ? DEF_DBR_HTTP_MS : DEF_DBR_MS);
			c->warmup_ms = pick(c->warmup_ms, r->warmup_ms,
					    v->warmup_ms, c->delay_loop_ms);
			c->alpha = pick_bool(c->alpha, r->alpha_conf,
					     v->alpha_conf);
			if (c->alpha)
				r->alpha = true;
			if (http && !c->virtualhost) {
				const char *vh = r->virtualhost ? r->virtualhost
								: v->virtualhost;

				if (vh)
					c->virtualhost = xstrdup(vh);
			}
			if (!c->misc_timeout_ms)
				c->misc_timeout_ms = c->delay_loop_ms;
			if (!c->connect_port && !r->port &&
			    c->type != CHECK_MISC && c->type != CHECK_PING) {
				char b[NAME_LEN];

				perr(p, c->line, "%s of real_server %s: no port to probe (a real server of lb_kind DR or TUN in a fwmark virtual_server has none): give connect_port",
				     check_type_name(c->type),
				     ipaddr_str(&r->addr, b, sizeof(b)));
			}
			c->rs = r;
		}
		if (!r->nchecks && pick_bool(r->alpha_conf, v->alpha_conf, 0))
			r->alpha = false;	/* no check to pass: always UP */
	}
	/* keepalived's corrections, with its warnings. */
	if (v->quorum == UNSET)
		v->quorum = DEF_QUORUM;
	else if (v->quorum > total) {
		pwarn(p, v->line, "virtual_server %s: quorum %u exceeds the total weight of its real servers %lu; using %lu, as keepalived does",
		      n, v->quorum, total, total);
		v->quorum = (unsigned int)total;
	}
	if (v->hysteresis == UNSET)
		v->hysteresis = 0;
	else if (v->hysteresis && v->hysteresis >= v->quorum) {
		pwarn(p, v->line, "virtual_server %s: hysteresis %u >= quorum %u; using 0, as keepalived does",
		      n, v->hysteresis, v->quorum);
		v->hysteresis = 0;
	}
	return true;
}

static bool is_sched(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* keepalived's scheduler flag keywords: ipvsadm's -b. */
static const struct {
	const char *kw;
	uint32_t flag;
	bool hashing;		/* for sh and mh only */
} sched_flag_kws[] = {
	{ "flag-1", L4LB_SVC_SCHED_F_FLAG1, false },
	{ "flag-2", L4LB_SVC_SCHED_F_FLAG2, false },
	{ "flag-3", L4LB_SVC_SCHED_F_FLAG3, false },
	{ "sh-fallback", L4LB_SVC_SCHED_F_SH_FALLBACK, true },
	{ "sh-port", L4LB_SVC_SCHED_F_SH_PORT, true },
	{ "mh-fallback", L4LB_SVC_SCHED_F_MH_FALLBACK, true },
	{ "mh-port", L4LB_SVC_SCHED_F_MH_PORT, true },
};

/*
 * A scheduler flag keyword: true if @k is one. As keepalived, sh-* and
 * mh-* (the same bits) need lb_algo sh or mh before them, else they are
 * ignored with a warning.
 */
static bool parse_sched_flag(struct parser *p, const struct tok *k,
			     struct vs *v)
{
	size_t i;

	for (i = 0; i < sizeof(sched_flag_kws) / sizeof(sched_flag_kws[0]); i++) {
		if (strcmp(k->s, sched_flag_kws[i].kw))
			continue;
		if (sched_flag_kws[i].hashing && strcmp(v->sched, "sh") &&
		    strcmp(v->sched, "mh"))
			pwarn(p, k->line, "%s is for lb_algo sh or mh, given before it: ignored, as keepalived does",
			      k->s);
		else
			v->sched_flags |= sched_flag_kws[i].flag;
		return true;
	}
	return false;
}

static void parse_vs(struct parser *p, const struct tok *kw,
		     struct config *cfg)
{
	static const char *const kernel[] = { L4LB_SCHEDS, NULL };
	static const char *const keepalived[] = {
		"rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf",
		"lblcr", "sed", "nq", "twos", NULL
	};
	struct vs *v = xcalloc(1, sizeof(*v));
	struct tuning tu = { &v->retry, &v->rise, &v->delay_before_retry_ms,
			     &v->connect_timeout_ms, &v->delay_loop_ms,
			     &v->warmup_ms, &v->alpha_conf };
	struct vs_seen seen = { 0 };
	bool ok;
	const char *s;
	struct tok *k;

	v->line = kw->line;
	v->retry = v->rise = v->delay_before_retry_ms = UNSET;
	v->connect_timeout_ms = v->delay_loop_ms = v->warmup_ms = UNSET;
	v->quorum = v->hysteresis = UNSET;
	v->alpha_conf = v->inhibit_conf = -1;
	v->protocol = IPPROTO_UDP;
	s = opt_arg(p, kw);
	if (s && !strcmp(s, "group")) {
		perr(p, kw->line, "not supported by l4lbd yet: virtual_server group (l4lb has no virtual_server_group services yet)");
		skip_unknown(p, kw, NULL);
		free(v);
		return;
	}
	if (s && !strcmp(s, "fwmark")) {
		/* Its family: ip_family, else its real servers' (finish_vs). */
		p->i++;
		ok = parse_uint(p, kw, arg(p, kw), 1, UINT32_MAX, &v->fwmark);
		v->protocol = 0;
	} else {
		ok = parse_ip(p, kw, arg(p, kw), &v->addr);
		if (!opt_arg(p, kw)) {
			perr(p, kw->line, "virtual_server needs a port (keepalived allows none only with persistence, for all ports: l4lb has no port-0 services)");
			ok = false;
		} else {
			ok = parse_port(p, kw, arg(p, kw), &v->port) && ok;
		}
	}
	v->persist_prefix = v->addr.family == AF_INET6 ? 128 : 32;
	if (!open_block(p, kw)) {
		vs_free(v);
		return;
	}
	while ((k = next_kw(p, kw))) {
		if (parse_tuning(p, k, &tu))
			continue;
		if (!strcmp(k->s, "protocol")) {
			if (!(s = arg(p, k)))
				continue;
			seen.proto = true;
			if (!strcmp(s, "TCP"))
				v->protocol = IPPROTO_TCP;
			else if (!strcmp(s, "UDP"))
				v->protocol = IPPROTO_UDP;
			else if (!strcmp(s, "SCTP"))
				perr(p, k->line, "not supported by l4lbd: protocol SCTP (l4lb has TCP and UDP)");
			else
				perr(p, k->line, "protocol: '%s' is not TCP or UDP", s);
		} else if (!strcmp(k->s, "lb_algo") || !strcmp(k->s, "lvs_sched")) {
			if (!(s = arg(p, k)))
				continue;
			seen.sched = true;
			if (is_sched(s, kernel))
				snprintf(v->sched, sizeof(v->sched), "%s", s);
			else if (is_sched(s, keepalived))
				perr(p, k->line, "not supported by l4lbd yet: %s %s (the l4lb module has no such scheduler)",
				     k->s, s);
			else
				perr(p, k->line, "%s: '%s' is not a scheduler", k->s, s);
		} else if (!strcmp(k->s, "lb_kind") || !strcmp(k->s, "lvs_method")) {
			seen.fwd = true;
			parse_fwd(p, k, arg(p, k), &v->fwd, &v->tun);
		} else if (!strcmp(k->s, "persistence_timeout")) {
			parse_uint(p, k, arg(p, k), 1, L4LB_TIMEOUT_MAX,
				   &v->persist_timeout);
		} else if (!strcmp(k->s, "persistence_granularity")) {
			uint16_t fam = v->addr.family;

			s = arg(p, k);
			/* A fwmark service's family may come later: the form says. */
			if (v->fwmark)
				fam = seen.ip_family ? seen.ip_family :
				      s && strchr(s, '.') ? AF_INET : AF_INET6;
			if (parse_granularity(p, k, s, fam, &v->persist_prefix) &&
			    v->fwmark) {
				seen.gran_family = fam;
				seen.gran_line = k->line;
			}
		} else if (!strcmp(k->s, "ip_family")) {
			if (!(s = arg(p, k)))
				continue;
			if (!strcmp(s, "inet"))
				seen.ip_family = AF_INET;
			else if (!strcmp(s, "inet6"))
				seen.ip_family = AF_INET6;
			else
				perr(p, k->line, "ip_family: '%s' is not inet or inet6", s);
			if (!v->fwmark && seen.ip_family &&
			    seen.ip_family != v->addr.family)
				perr(p, k->line, "ip_family %s: the virtual_server's address is %s",
				     s, family_name(v->addr.family));
		} else if (!strcmp(k->s, "ops")) {
			v->svc_flags |= L4LB_SVC_F_ONEPACKET;
		} else if (parse_sched_flag(p, k, v)) {
			continue;
		} else if (!strcmp(k->s, "inhibit_on_failure")) {
			v->inhibit_conf = opt_bool(p, k);
		} else if (!strcmp(k->s, "omega")) {
			v->omega = opt_bool(p, k);
		} else if (!strcmp(k->s, "ha_suspend")) {
			v->ha_suspend = opt_bool(p, k);
		} else if (!strcmp(k->s, "virtualhost")) {
			set_str(&v->virtualhost, arg(p, k));
		} else if (!strcmp(k->s, "quorum")) {
			parse_uint(p, k, arg(p, k), 1, UINT_MAX - 1, &v->quorum);
		} else if (!strcmp(k->s, "hysteresis")) {
			parse_uint(p, k, arg(p, k), 0, UINT_MAX - 1, &v->hysteresis);
		} else if (!strcmp(k->s, "quorum_up")) {
			parse_script(p, k, &v->quorum_up);
		} else if (!strcmp(k->s, "quorum_down")) {
			parse_script(p, k, &v->quorum_down);
		} else if (!strcmp(k->s, "sorry_server")) {
			struct rs *r = rs_new(k->line, v->port);
			bool good = parse_ip(p, k, arg(p, k), &r->addr);

			if (opt_arg(p, k))
				good = parse_port(p, k, arg(p, k), &r->port) && good;
			r->sorry = true;
			r->inhibit = v->sorry && v->sorry->inhibit;
			r->fwd = v->sorry ? v->sorry->fwd : 0;
			if (v->sorry)
				r->tun = v->sorry->tun;
			rs_free(v->sorry);
			v->sorry = good ? r : NULL;
			if (!good)
				rs_free(r);
		} else if (!strcmp(k->s, "sorry_server_inhibit")) {
			if (!v->sorry)
				perr(p, k->line, "sorry_server_inhibit before sorry_server");
			else
				v->sorry->inhibit = opt_bool(p, k);
		} else if (!strcmp(k->s, "sorry_server_lvs_method")) {
			struct tun_cfg tun = { 0 };
			uint8_t fwd = 0;

			parse_fwd(p, k, arg(p, k), &fwd, &tun);
			if (!v->sorry) {
				perr(p, k->line, "%s before sorry_server", k->s);
			} else {
				v->sorry->fwd = fwd;
				v->sorry->tun = tun;
			}
		} else if (!strcmp(k->s, "real_server")) {
			parse_rs(p, k, v);
		} else if (!ignored(p, k, vs_kws) &&
			   !unsupported(p, k, vs_unsupported, vs_kws)) {
			unknown(p, k, "virtual_server", vs_kws);
		}
	}
	if (v->fwmark) {
		/* ip_family, else its real servers', else IPv4 (keepalived's). */
		v->addr.family = seen.ip_family ? seen.ip_family :
				 v->nrs ? v->rs[0]->addr.family :
				 v->sorry ? v->sorry->addr.family : AF_INET;
		if (seen.proto) {
			char b[NAME_LEN];

			pwarn(p, v->line, "virtual_server %s: protocol is for address services: ignored, as keepalived does",
			      vs_name(v, b, sizeof(b)));
		}
		v->protocol = 0;
	} else if (!seen.proto) {
		char b[NAME_LEN];

		pwarn(p, v->line, "virtual_server %s: no protocol, using UDP (keepalived's default)",
		      vs_name(v, b, sizeof(b)));
	}
	if (ok) {
		struct vs *old = config_match_vs(cfg, v);

		if (old) {
			char b[NAME_LEN], w[NAME_LEN + 16];

			perr(p, kw->line, "duplicate virtual_server %s (first at %s)",
			     vs_name(v, b, sizeof(b)),
			     where(p, old->line, kw->line, w, sizeof(w)));
			ok = false;
		}
	}
	if (!ok || !finish_vs(p, v, &seen)) {
		vs_free(v);
		return;
	}
	push_ptr((void ***)&cfg->vs, &cfg->nvs, v);
}

/* The tokens left on @kw's line, up to a brace. */
static struct tok *same_line(struct parser *p, const struct tok *kw)
{
	struct tok *t = peek(p);

	if (!t || t->line != kw->line || is_brace(t, '{') || is_brace(t, '}'))
		return NULL;
	p->i++;
	return t;
}

/*
 * lvs_sync_daemon INTERFACE [VRRP_INSTANCE] [id N] [maxlen N] [port N]
 * [ttl N] [group ADDRESS], keepalived's syntax and ranges.
 */
static void parse_sync_daemon(struct parser *p, const struct tok *kw,
			      struct config *cfg)
{
	struct sync_conf *sc = &cfg->sync;
	struct l4lb_daemon *d = &sc->d;
	struct tok *t, *v;
	unsigned int n;

	if (sc->on) {
		perr(p, kw->line, "lvs_sync_daemon given twice (first at line %d)",
		     sc->line);
		skip_unknown(p, kw, global_kws);
		return;
	}
	t = same_line(p, kw);
	if (!t) {
		perr(p, kw->line, "'lvs_sync_daemon' needs an interface");
		return;
	}
	if (strlen(t->s) >= sizeof(d->ifname)) {
		perr(p, kw->line, "lvs_sync_daemon: interface name '%s' is too long",
		     t->s);
		skip_unknown(p, kw, global_kws);
		return;
	}
	memset(sc, 0, sizeof(*sc));
	sc->on = true;
	sc->line = kw->line;
	strcpy(d->ifname, t->s);
	while ((t = same_line(p, kw))) {
		const char *w = t->s;

		if (!strcmp(w, "id") || !strcmp(w, "maxlen") ||
		    !strcmp(w, "port") || !strcmp(w, "ttl") ||
		    !strcmp(w, "group")) {
			v = same_line(p, kw);
			if (!v) {
				perr(p, kw->line, "lvs_sync_daemon: '%s' needs a value", w);
				sc->on = false;
				return;
			}
		} else if (!sc->instance[0] && d->set == 0) {
			snprintf(sc->instance, sizeof(sc->instance), "%s", w);
			continue;
		} else {
			perr(p, kw->line, "lvs_sync_daemon: unknown option '%s' (id, maxlen, port, ttl, group)",
			     w);
			sc->on = false;
			skip_unknown(p, kw, global_kws);
			return;
		}
		if (!strcmp(w, "id") &&
		    parse_uint(p, t, v->s, 0, L4LB_SYNC_SYNCID_MAX, &n)) {
			d->syncid = n;
			d->set |= L4LB_HAS_SYNCID;
		} else if (!strcmp(w, "maxlen") &&
			   parse_uint(p, t, v->s, L4LB_SYNC_MAXLEN_MIN, 65507, &n)) {
			d->maxlen = (uint16_t)n;
			d->set |= L4LB_HAS_MAXLEN;
		} else if (!strcmp(w, "port") && parse_port(p, t, v->s, &d->port)) {
			d->set |= L4LB_HAS_MCAST_PORT;
		} else if (!strcmp(w, "ttl") &&
			   parse_uint(p, t, v->s, 1, 255, &n)) {
			d->ttl = (uint8_t)n;
			d->set |= L4LB_HAS_TTL;
		} else if (!strcmp(w, "group")) {
			struct ipaddr a = { 0 };

			if (!parse_ip(p, t, v->s, &a))
				continue;
			if (a.family == AF_INET ?
			    !IN_MULTICAST(ntohl(a.u.in.s_addr)) :
			    !IN6_IS_ADDR_MULTICAST(&a.u.in6)) {
				perr(p, kw->line, "lvs_sync_daemon: group '%s' is not a multicast address",
				     v->s);
				continue;
			}
			d->group_family = a.family;
			d->group = a.u;
			d->set |= L4LB_HAS_GROUP;
		}
	}
}

static void parse_global(struct parser *p, const struct tok *kw,
			 struct config *cfg)
{
	struct tok *k;

	if (!open_block(p, kw))
		return;
	while ((k = next_kw(p, kw))) {
		if (!strcmp(k->s, "resync_interval")) {
			parse_duration(p, k, arg(p, k), false, &cfg->resync_ms);
		} else if (!strcmp(k->s, "l4lbd_allow_empty")) {
			cfg->allow_empty = opt_bool(p, k);
		} else if (!strcmp(k->s, "l4lbd_metrics")) {
			struct ipaddr a = { 0 };

			if (parse_ip(p, k, arg(p, k), &a) &&
			    parse_port(p, k, arg(p, k), &cfg->metrics_port))
				cfg->metrics_addr = a;
		} else if (!strcmp(k->s, "lvs_sync_daemon")) {
			parse_sync_daemon(p, k, cfg);
		} else if (!strncmp(k->s, "l4lbd_", 6) ||
			   !strncmp(k->s, "resync", 6)) {
			unknown(p, k, "global_defs", global_kws);
		} else {
			/* keepalived's: notification_email { }, router_id ... */
			note_once(p, k, "global_defs", "keepalived's; l4lbd does not use it");
			skip_unknown(p, k, global_kws);
		}
	}
}

static bool keepalived_only(const struct tok *k)
{
	const char *const *t;

	if (k->quoted)
		return false;
	if (!strncmp(k->s, "vrrp_", 5))
		return true;
	for (t = keepalived_top; *t; t++)
		if (!strcmp(k->s, *t))
			return true;
	return false;
}

static struct config *parse_tokens(struct parser *p, const char *name)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct tok *k;

	cfg->file = xstrdup(name);
	cfg->resync_ms = DEF_RESYNC_MS;
	while (!p->fatal && (k = peek(p))) {
		p->i++;
		if (!strcmp(k->s, "virtual_server") && !k->quoted)
			parse_vs(p, k, cfg);
		else if (!strcmp(k->s, "global_defs") && !k->quoted)
			parse_global(p, k, cfg);
		else if (is_brace(k, '}'))
			perr(p, k->line, "unbalanced '}'");
		else if (keepalived_only(k)) {
			note_once(p, k, "", "keepalived's; l4lbd does not use it");
			skip_unknown(p, k, top_kws);
		} else if (!strcmp(k->s, "virtual_server_group") && !k->quoted) {
			perr(p, k->line, "not supported by l4lbd yet: virtual_server_group (l4lbd has no groups yet)");
			skip_unknown(p, k, top_kws);
		} else if (!strcmp(k->s, "SSL") && !k->quoted) {
			perr(p, k->line, "not supported by l4lbd: SSL (SSL_GET uses no client certificate and verifies none)");
			skip_unknown(p, k, top_kws);
		} else
			unknown(p, k, "the top level (expected virtual_server or global_defs)", top_kws);
	}
	if (!p->errs->n && !cfg->nvs && !cfg->allow_empty)
		perr(p, -1, "no virtual_server: refusing a configuration that would remove every service l4lbd manages (to mean it, put l4lbd_allow_empty in global_defs)");
	return cfg;
}

static void parser_free(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->t[i].s);
	free(p->t);
	for (i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	for (i = 0; i < p->nnoted; i++)
		free(p->noted[i]);
	free(p->noted);
	free(p->stack);
}

static struct config *parse_finish(struct parser *p, struct config *cfg)
{
	if (p->errs->n) {
		config_free(cfg);
		cfg = NULL;
	}
	parser_free(p);
	return cfg;
}

struct config *config_parse_string(const char *name, const char *text,
				   struct config_errors *errs)
{
	struct parser p = { .errs = errs };
	struct config *cfg = NULL;

	memset(errs, 0, sizeof(*errs));
	push_ptr((void ***)&p.files, &p.nfiles, xstrdup(name));
	if (tokenize(&p, 0, text, NULL) == 0)
		cfg = parse_tokens(&p, name);
	return parse_finish(&p, cfg);
}

struct config *config_parse_file(const char *path,
				 struct config_errors *errs)
{
	struct parser p = { .errs = errs };
	struct config *cfg = NULL;

	memset(errs, 0, sizeof(*errs));
	push_ptr((void ***)&p.files, &p.nfiles, xstrdup(path));
	read_file(&p, path, -1);
	if (!errs->n)
		cfg = parse_tokens(&p, path);
	return parse_finish(&p, cfg);
}

/* --- misc --------------------------------------------------------------- */

static bool streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool check_conf_equal(const struct check *a, const struct check *b)
{
	return a->type == b->type &&
	       ipaddr_equal(&a->connect_ip, &b->connect_ip) &&
	       ipaddr_equal(&a->bindto, &b->bindto) &&
	       a->connect_port == b->connect_port &&
	       a->connect_timeout_ms == b->connect_timeout_ms &&
	       a->retry == b->retry && a->rise == b->rise &&
	       a->delay_before_retry_ms == b->delay_before_retry_ms &&
	       a->delay_loop_ms == b->delay_loop_ms &&
	       streq(a->path, b->path) &&
	       streq(a->virtualhost, b->virtualhost) &&
	       a->nstatus == b->nstatus &&
	       !memcmp(a->status, b->status,
		       a->nstatus * sizeof(a->status[0])) &&
	       !strcmp(a->digest, b->digest) &&
	       streq(a->misc_path, b->misc_path) &&
	       a->misc_timeout_ms == b->misc_timeout_ms &&
	       a->payload_len == b->payload_len &&
	       (!a->payload_len || !memcmp(a->payload, b->payload, a->payload_len)) &&
	       a->require_reply == b->require_reply &&
	       a->reply_len == b->reply_len &&
	       (!a->reply_len || (!memcmp(a->reply, b->reply, a->reply_len) &&
				  !memcmp(a->reply_mask, b->reply_mask, a->reply_len))) &&
	       a->min_reply == b->min_reply && a->max_reply == b->max_reply;
}

unsigned long vs_live_weight(const struct vs *v)
{
	unsigned long w = 0;
	size_t i;

	for (i = 0; i < v->nrs; i++)
		if (v->rs[i]->up)
			w += v->rs[i]->weight;
	return w;
}

/*
 * keepalived's rule: quorum is gained when the live weight reaches
 * quorum + hysteresis, lost when it falls below quorum - hysteresis.
 */
bool vs_quorum_next(const struct vs *v)
{
	unsigned long w = vs_live_weight(v);

	if (v->quorum_ok)
		return !((unsigned long long)w + v->hysteresis < v->quorum);
	return w >= (unsigned long long)v->quorum + v->hysteresis;
}

bool status_ok(const struct check *c, long code)
{
	size_t i;

	for (i = 0; i < c->nstatus; i++)
		if (code >= c->status[i].lo && code <= c->status[i].hi)
			return true;
	return false;
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET6)
		return IN6_ARE_ADDR_EQUAL(&a->u.in6, &b->u.in6);
	return a->family != AF_INET || a->u.in.s_addr == b->u.in.s_addr;
}

bool ipaddr_is_local(const struct ipaddr *a)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		struct ipaddr x = { 0 };

		if (!i->ifa_addr || i->ifa_addr->sa_family != a->family)
			continue;
		x.family = a->family;
		if (a->family == AF_INET6)
			x.u.in6 = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		else
			x.u.in = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		found = ipaddr_equal(&x, a);
	}
	freeifaddrs(ifa);
	return found;
}

const char *ipaddr_str(const struct ipaddr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, &a->u, buf, (socklen_t)len))
		snprintf(buf, len, "(none)");
	return buf;
}

const char *addr_port_str(const struct ipaddr *a, uint16_t port, char *buf,
			  size_t len)
{
	char s[INET6_ADDRSTRLEN];

	ipaddr_str(a, s, sizeof(s));
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
	return buf;
}

const char *vs_name(const struct vs *v, char *buf, size_t len)
{
	char a[NAME_LEN];

	if (v->fwmark) {
		snprintf(buf, len, "FWM %u%s", v->fwmark,
			 v->addr.family == AF_INET6 ? " IPv6" : "");
		return buf;
	}
	snprintf(buf, len, "%s %s", v->protocol == IPPROTO_UDP ? "UDP" : "TCP",
		 addr_port_str(&v->addr, v->port, a, sizeof(a)));
	return buf;
}

const char *rs_name(const struct rs *r, char *buf, size_t len)
{
	return addr_port_str(&r->addr, r->port, buf, len);
}
