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
#include <netinet/in.h>

#include "l4lbd.h"

struct tok {
	char *s;
	int line;
	bool quoted;
};

struct parser {
	const char *name;
	struct tok *t;
	size_t n, i;
	struct config_errors *errs;
	bool fatal;
};

static void perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, int line, const char *fmt, ...)
{
	struct config_errors *e = p->errs;
	va_list ap;
	int off;

	if (e->n >= CONFIG_MAX_ERRORS) {
		e->truncated = true;
		return;
	}
	off = snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s:%d: ", p->name,
		       line);
	va_start(ap, fmt);
	vsnprintf(e->msg[e->n] + off, sizeof(e->msg[0]) - (size_t)off, fmt,
		  ap);
	va_end(ap);
	e->n++;
}

void config_errors_print(const struct config_errors *errs, FILE *f)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(f, "%s\n", errs->msg[i]);
	if (errs->truncated)
		fprintf(f, "(more errors not shown)\n");
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

static int tokenize(struct parser *p, const char *s)
{
	int line = 1;

	while (*s) {
		if (*s == '\n') {
			line++;
			s++;
		} else if (isspace((unsigned char)*s)) {
			s++;
		} else if (*s == '#' || *s == '!') {
			while (*s && *s != '\n')
				s++;
		} else if (*s == '{' || *s == '}') {
			add_tok(p, s, 1, line, false);
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
				perr(p, start, "unterminated quoted string");
				free(buf);
				return -1;
			}
			s++;
			add_tok(p, buf, len, start, true);
			free(buf);
		} else {
			const char *b = s;

			while (*s && !isspace((unsigned char)*s) && *s != '{' &&
			       *s != '}' && *s != '"')
				s++;
			add_tok(p, b, (size_t)(s - b), line, false);
		}
	}
	return 0;
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
	"protocol", "lb_algo", "lb_kind", "delay_loop", "real_server", "retry",
	"nb_get_retry", "rise", "delay_before_retry", "connect_timeout", NULL
};
static const char *const rs_kws[] = {
	"weight", "inhibit_on_failure", "alpha", "lb_kind", "TCP_CHECK",
	"HTTP_GET", "SSL_GET", "MISC_CHECK", "retry", "nb_get_retry", "rise",
	"delay_before_retry", "connect_timeout", NULL
};
static const char *const check_kws[] = {
	"connect_port", "connect_ip", "bindto", "url", "virtualhost", "misc_path",
	"misc_timeout", "retry", "nb_get_retry", "rise", "delay_before_retry",
	"connect_timeout", NULL
};
static const char *const url_kws[] = { "path", "status_code", "digest", NULL };
static const char *const top_kws[] = { "virtual_server", "global_defs", NULL };
static const char *const global_kws[] = { "resync_interval", NULL };

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

/* Seconds, decimals allowed ("1", "0.5"), into milliseconds; > 0. */
static bool parse_duration(struct parser *p, const struct tok *kw,
			   const char *s, unsigned int *ms)
{
	char *end;
	double v;

	if (!s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (!isdigit((unsigned char)*s) || *end || errno || v < 0.001 ||
	    v > MAX_DURATION_MS / 1000) {
		perr(p, kw->line, "%s: '%s' is not a duration in seconds (0.001..%u)",
		     kw->s, s, MAX_DURATION_MS / 1000);
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

static bool parse_fwd(struct parser *p, const struct tok *kw, const char *s,
		      uint8_t *fwd)
{
	if (!s)
		return false;
	if (!strcasecmp(s, "DR"))
		*fwd = L4LB_FWD_DR;
	else if (!strcasecmp(s, "NAT"))
		*fwd = L4LB_FWD_NAT;
	else {
		perr(p, kw->line, "lb_kind: '%s' is not DR or NAT", s);
		return false;
	}
	return true;
}

struct tuning {
	unsigned int *retry, *rise, *dbr, *ct;
};

/* retry/rise/delay_before_retry/connect_timeout; true if @kw was one. */
static bool parse_tuning(struct parser *p, const struct tok *kw,
			 const struct tuning *tu)
{
	if (!strcmp(kw->s, "retry") || !strcmp(kw->s, "nb_get_retry"))
		parse_uint(p, kw, arg(p, kw), 1, MAX_COUNT, tu->retry);
	else if (!strcmp(kw->s, "rise"))
		parse_uint(p, kw, arg(p, kw), 1, MAX_COUNT, tu->rise);
	else if (!strcmp(kw->s, "delay_before_retry"))
		parse_duration(p, kw, arg(p, kw), tu->dbr);
	else if (!strcmp(kw->s, "connect_timeout"))
		parse_duration(p, kw, arg(p, kw), tu->ct);
	else
		return false;
	return true;
}

static void unknown(struct parser *p, const struct tok *kw, const char *where,
		    const char *const *kws)
{
	perr(p, kw->line, "unknown keyword '%s' in %s", kw->s, where);
	skip_unknown(p, kw, kws);
}

/* --- checks ------------------------------------------------------------- */

const char *check_type_name(enum check_type t)
{
	switch (t) {
	case CHECK_TCP: return "TCP_CHECK";
	case CHECK_HTTP: return "HTTP_GET";
	case CHECK_SSL: return "SSL_GET";
	case CHECK_MISC: return "MISC_CHECK";
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
	free(c);
}

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
				free(u->path);
				u->path = xstrdup(s);
			}
		} else if (!strcmp(k->s, "status_code")) {
			parse_status(p, k, arg(p, k), u);
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
		} else {
			unknown(p, k, "url", url_kws);
		}
	}
	if (!u->path)
		perr(p, kw->line, "url: 'path' is required");
}

static void parse_check(struct parser *p, const struct tok *kw,
			enum check_type type, struct rs *r)
{
	struct check *c = check_new(type, kw->line), **urls = NULL;
	struct tuning tu = { &c->retry, &c->rise, &c->delay_before_retry_ms,
			     &c->connect_timeout_ms };
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
			const char *s = arg(p, k);

			if (s) {
				free(c->virtualhost);
				c->virtualhost = xstrdup(s);
			}
		} else if (!strcmp(k->s, "misc_path") && type == CHECK_MISC) {
			const char *s = arg(p, k);

			if (s) {
				free(c->misc_path);
				c->misc_path = xstrdup(s);
			}
		} else if (!strcmp(k->s, "misc_timeout") && type == CHECK_MISC) {
			parse_duration(p, k, arg(p, k), &c->misc_timeout_ms);
		} else {
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
		if (c->virtualhost)
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
	free(r);
}

static void vs_free(struct vs *v)
{
	size_t i;

	for (i = 0; i < v->nrs; i++)
		rs_free(v->rs[i]);
	free(v->rs);
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
		if (c->vs[i]->protocol == proto &&
		    ipaddr_equal(&c->vs[i]->addr, addr) &&
		    c->vs[i]->port == port)
			return c->vs[i];
	return NULL;
}

static void parse_rs(struct parser *p, const struct tok *kw, struct vs *v)
{
	struct rs *r = xcalloc(1, sizeof(*r));
	struct tuning tu = { &r->retry, &r->rise, &r->delay_before_retry_ms,
			     &r->connect_timeout_ms };
	bool ok;
	struct tok *k;

	r->line = kw->line;
	r->weight = 1;
	ok = parse_ip(p, kw, arg(p, kw), &r->addr);
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
			r->inhibit = true;
		else if (!strcmp(k->s, "alpha"))
			r->alpha = true;
		else if (!strcmp(k->s, "lb_kind"))
			parse_fwd(p, k, arg(p, k), &r->fwd);
		else if (!strcmp(k->s, "TCP_CHECK"))
			parse_check(p, k, CHECK_TCP, r);
		else if (!strcmp(k->s, "HTTP_GET"))
			parse_check(p, k, CHECK_HTTP, r);
		else if (!strcmp(k->s, "SSL_GET"))
			parse_check(p, k, CHECK_SSL, r);
		else if (!strcmp(k->s, "MISC_CHECK"))
			parse_check(p, k, CHECK_MISC, r);
		else
			unknown(p, k, "real_server", rs_kws);
	}
	if (ok) {
		struct rs *old = vs_find_rs(v, &r->addr, r->port);

		if (old) {
			char b[NAME_LEN];

			perr(p, kw->line, "duplicate real_server %s (first at line %d)",
			     rs_name(r, b, sizeof(b)), old->line);
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
	return a ? a : b ? b : c ? c : def;
}

/* Inherit tunables down vs -> rs -> check, check cross-field rules. */
static void finish_vs(struct parser *p, struct vs *v)
{
	size_t i, j;

	if (!v->fwd)
		v->fwd = L4LB_FWD_DR;
	if (!v->delay_loop_ms)
		v->delay_loop_ms = DEF_DELAY_LOOP_MS;
	for (i = 0; i < v->nrs; i++) {
		struct rs *r = v->rs[i];
		uint8_t fwd = r->fwd ? r->fwd : v->fwd;

		/* keepalived allows mixed families only for TUN. */
		if (r->addr.family != v->addr.family) {
			char a[NAME_LEN], b[NAME_LEN];

			perr(p, r->line, "real_server %s is %s but the virtual_server %s is %s: lb_kind %s forwards within one address family",
			     ipaddr_str(&r->addr, a, sizeof(a)),
			     family_name(r->addr.family),
			     ipaddr_str(&v->addr, b, sizeof(b)),
			     family_name(v->addr.family),
			     fwd == L4LB_FWD_NAT ? "NAT" : "DR");
		}
		if (fwd == L4LB_FWD_DR && r->port != v->port)
			perr(p, r->line, "real_server port %u differs from the virtual_server port %u; lb_kind DR needs them equal",
			     r->port, v->port);
		for (j = 0; j < r->nchecks; j++) {
			struct check *c = r->checks[j];

			c->retry = pick(c->retry, r->retry, v->retry,
					DEF_RETRY);
			c->rise = pick(c->rise, r->rise, v->rise, DEF_RISE);
			c->connect_timeout_ms = pick(c->connect_timeout_ms,
						     r->connect_timeout_ms,
						     v->connect_timeout_ms,
						     DEF_CONNECT_TIMEOUT_MS);
			c->delay_before_retry_ms =
				pick(c->delay_before_retry_ms,
				     r->delay_before_retry_ms,
				     v->delay_before_retry_ms,
				     v->delay_loop_ms);
			if (!c->misc_timeout_ms)
				c->misc_timeout_ms = v->delay_loop_ms;
			c->rs = r;
		}
	}
}

/* The module's schedulers (include/uapi/linux/l4lb.h), keepalived's names. */
#define SCHED_NAMES "rr, wrr, lc, wlc, sed, nq, fo, ovf, sh, dh, mh, lblc, lblcr"

static bool sched_known(const char *s)
{
	static const char *const names[] = {
		"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh",
		"mh", "lblc", "lblcr",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return true;
	return false;
}

static void parse_vs(struct parser *p, const struct tok *kw,
		     struct config *cfg)
{
	struct vs *v = xcalloc(1, sizeof(*v));
	struct tuning tu = { &v->retry, &v->rise, &v->delay_before_retry_ms,
			     &v->connect_timeout_ms };
	bool ok;
	struct tok *k;

	v->line = kw->line;
	v->protocol = IPPROTO_TCP;
	strcpy(v->sched, "wrr");
	ok = parse_ip(p, kw, arg(p, kw), &v->addr);
	ok = parse_port(p, kw, arg(p, kw), &v->port) && ok;
	if (!open_block(p, kw)) {
		vs_free(v);
		return;
	}
	while ((k = next_kw(p, kw))) {
		const char *s;

		if (parse_tuning(p, k, &tu))
			continue;
		if (!strcmp(k->s, "protocol")) {
			if (!(s = arg(p, k)))
				continue;
			if (!strcasecmp(s, "TCP"))
				v->protocol = IPPROTO_TCP;
			else if (!strcasecmp(s, "UDP"))
				v->protocol = IPPROTO_UDP;
			else
				perr(p, k->line, "protocol: '%s' is not TCP or UDP", s);
		} else if (!strcmp(k->s, "lb_algo")) {
			if (!(s = arg(p, k)))
				continue;
			if (!sched_known(s))
				perr(p, k->line, "lb_algo: '%s' is not a scheduler of l4lb (%s)",
				     s, SCHED_NAMES);
			else
				strcpy(v->sched, s);
		} else if (!strcmp(k->s, "lb_kind")) {
			parse_fwd(p, k, arg(p, k), &v->fwd);
		} else if (!strcmp(k->s, "delay_loop")) {
			parse_duration(p, k, arg(p, k), &v->delay_loop_ms);
		} else if (!strcmp(k->s, "real_server")) {
			parse_rs(p, k, v);
		} else {
			unknown(p, k, "virtual_server", vs_kws);
		}
	}
	if (ok) {
		struct vs *old = config_find_vs(cfg, v->protocol, &v->addr,
						v->port);

		if (old) {
			char b[NAME_LEN];

			perr(p, kw->line, "duplicate virtual_server %s (first at line %d)",
			     vs_name(v, b, sizeof(b)), old->line);
			ok = false;
		}
	}
	if (!ok) {
		vs_free(v);
		return;
	}
	finish_vs(p, v);
	push_ptr((void ***)&cfg->vs, &cfg->nvs, v);
}

static void parse_global(struct parser *p, const struct tok *kw,
			 struct config *cfg)
{
	struct tok *k;

	if (!open_block(p, kw))
		return;
	while ((k = next_kw(p, kw))) {
		if (!strcmp(k->s, "resync_interval"))
			parse_duration(p, k, arg(p, k), &cfg->resync_ms);
		else
			unknown(p, k, "global_defs", global_kws);
	}
}

struct config *config_parse_string(const char *name, const char *text,
				   struct config_errors *errs)
{
	struct parser p = { .name = name, .errs = errs };
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct tok *k;
	size_t i;

	memset(errs, 0, sizeof(*errs));
	cfg->file = xstrdup(name);
	cfg->resync_ms = DEF_RESYNC_MS;
	if (tokenize(&p, text) == 0) {
		while (!p.fatal && (k = peek(&p))) {
			p.i++;
			if (!strcmp(k->s, "virtual_server") && !k->quoted)
				parse_vs(&p, k, cfg);
			else if (!strcmp(k->s, "global_defs") && !k->quoted)
				parse_global(&p, k, cfg);
			else if (is_brace(k, '}'))
				perr(&p, k->line, "unbalanced '}'");
			else
				unknown(&p, k, "the top level (expected virtual_server or global_defs)", top_kws);
		}
	}
	for (i = 0; i < p.n; i++)
		free(p.t[i].s);
	free(p.t);
	if (errs->n) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct config *config_parse_file(const char *path,
				 struct config_errors *errs)
{
	FILE *f = fopen(path, "r");
	struct config *cfg;
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	memset(errs, 0, sizeof(*errs));
	if (!f) {
		snprintf(errs->msg[0], sizeof(errs->msg[0]), "%s: %s", path,
			 strerror(errno));
		errs->n = 1;
		return NULL;
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
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		snprintf(errs->msg[0], sizeof(errs->msg[0]),
			 "%s: contains a NUL byte", path);
		errs->n = 1;
		return NULL;
	}
	cfg = config_parse_string(path, text, errs);
	free(text);
	return cfg;
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
	       streq(a->path, b->path) &&
	       streq(a->virtualhost, b->virtualhost) &&
	       a->nstatus == b->nstatus &&
	       !memcmp(a->status, b->status,
		       a->nstatus * sizeof(a->status[0])) &&
	       !strcmp(a->digest, b->digest) &&
	       streq(a->misc_path, b->misc_path) &&
	       a->misc_timeout_ms == b->misc_timeout_ms;
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

	snprintf(buf, len, "%s %s", v->protocol == IPPROTO_UDP ? "UDP" : "TCP",
		 addr_port_str(&v->addr, v->port, a, sizeof(a)));
	return buf;
}

const char *rs_name(const struct rs *r, char *buf, size_t len)
{
	return addr_port_str(&r->addr, r->port, buf, len);
}
