// SPDX-License-Identifier: GPL-2.0
/* test_config.c - the configuration parser: a good file, every error. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "l4lbd.h"
#include "test.h"

static struct ipaddr ipaddr(const char *s)
{
	struct ipaddr a = { .family = strchr(s, ':') ? AF_INET6 : AF_INET };

	inet_pton(a.family, s, &a.u);
	return a;
}

/* A pointer to the parsed address, for the lookup functions. */
#define ip(s) ((const struct ipaddr[]){ ipaddr(s) })

static void test_example(void)
{
	struct config_errors errs;
	struct config *c = config_parse_file("example.conf", &errs);
	struct vs *v;
	struct rs *r;
	struct check *k;

	CHECK(c != NULL, "example.conf: %s", errs.n ? errs.msg[0] : "");
	if (!c)
		return;
	CHECK(c->nvs == 5, "nvs %zu", c->nvs);
	CHECK(c->resync_ms == 2000, "resync %u", c->resync_ms);

	v = config_find_vs(c, IPPROTO_TCP, ip("10.0.0.100"), 80);
	CHECK(v != NULL, "vs :80");
	if (!v)
		goto out;
	CHECK(!strcmp(v->sched, "wrr"), "sched %s", v->sched);
	CHECK(v->fwd == L4LB_FWD_DR, "fwd %u", v->fwd);
	CHECK(v->delay_loop_ms == 2000, "delay_loop %u", v->delay_loop_ms);
	CHECK(v->nrs == 3, "nrs %zu", v->nrs);

	r = vs_find_rs(v, ip("10.0.0.11"), 80);
	CHECK(r && r->weight == 2 && r->inhibit && r->nchecks == 1, "rs1");
	if (r && r->nchecks == 1) {
		k = r->checks[0];
		CHECK(k->type == CHECK_HTTP, "type %d", k->type);
		CHECK(k->path && !strcmp(k->path, "/health"), "path");
		CHECK(k->nstatus == 1 && k->status[0].lo == 200 &&
		      k->status[0].hi == 200, "status");
		CHECK(status_ok(k, 200) && !status_ok(k, 204), "status_ok");
		CHECK(k->connect_timeout_ms == 1000, "ct %u", k->connect_timeout_ms);
		/* Inherited from the virtual server; rise keepalived's 1. */
		CHECK(k->retry == 2 && k->rise == 1, "retry %u rise %u",
		      k->retry, k->rise);
		CHECK(k->delay_loop_ms == 2000 && k->warmup_ms == 2000,
		      "delay_loop %u warmup %u", k->delay_loop_ms, k->warmup_ms);
		CHECK(k->delay_before_retry_ms == 1000, "dbr %u",
		      k->delay_before_retry_ms);
		CHECK(k->rs == r, "back pointer");
	}
	r = vs_find_rs(v, ip("10.0.0.12"), 80);
	CHECK(r && !r->inhibit && r->weight == 1 && r->nchecks == 1, "rs2");
	if (r && r->nchecks == 1) {
		k = r->checks[0];
		CHECK(!strcmp(k->digest, "9e107d9d372bb6826bd81d3542a419d6"), "digest");
		CHECK(k->virtualhost && !strcmp(k->virtualhost, "www.example.com"), "vhost");
		CHECK(status_ok(k, 204) && status_ok(k, 304) &&
		      !status_ok(k, 301), "list: 2xx range and 304");
		CHECK(k->delay_before_retry_ms == 1000, "dbr %u",
		      k->delay_before_retry_ms);
	}
	r = vs_find_rs(v, ip("10.0.0.13"), 80);
	CHECK(r && r->nchecks == 1 && r->checks[0]->type == CHECK_TCP, "rs3");
	CHECK(r && r->notify_down && strstr(r->notify_down, "logger") &&
	      !r->notify_up, "notify_down");

	v = config_find_vs(c, IPPROTO_TCP, ip("10.0.0.100"), 443);
	CHECK(v && !strcmp(v->sched, "rr") && v->nrs == 1 &&
	      v->rs[0]->nchecks == 1 && v->rs[0]->checks[0]->type == CHECK_SSL,
	      "vs :443");
	if (v && v->nrs == 1) {
		/* Defaults: keepalived's. */
		CHECK(v->delay_loop_ms == 60000, "default delay_loop");
		CHECK(v->rs[0]->weight == 1, "default weight");
		CHECK(v->rs[0]->port == 443, "port-less real_server");
		k = v->rs[0]->checks[0];
		CHECK(k->retry == 1 && k->rise == 1 &&
		      k->delay_before_retry_ms == 3000 &&
		      k->connect_timeout_ms == 2000, "SSL_GET defaults");
		CHECK(v->quorum == 1 && v->hysteresis == 0 && !v->sorry,
		      "quorum defaults");
	}

	v = config_find_vs(c, IPPROTO_UDP, ip("10.0.0.100"), 53);
	CHECK(v && v->nrs == 2, "vs udp:53");
	if (v && v->nrs == 2) {
		k = v->rs[0]->checks[0];
		CHECK(k->type == CHECK_MISC && k->misc_path &&
		      !strcmp(k->misc_path, "/usr/local/bin/check_dns 10.0.0.21 example.com"),
		      "misc_path '%s'", k->misc_path ? k->misc_path : "");
		CHECK(k->misc_timeout_ms == 3000, "misc_timeout");
		CHECK(!v->rs[0]->alpha && v->rs[1]->alpha, "alpha");
	}

	v = config_find_vs(c, IPPROTO_TCP, ip("10.0.0.100"), 8080);
	CHECK(v && v->fwd == L4LB_FWD_NAT && v->nrs == 1 &&
	      v->rs[0]->port == 80 && v->rs[0]->nchecks == 2, "vs :8080");
	CHECK(v && v->quorum == 2 && v->quorum_down && !v->quorum_up &&
	      v->sorry && v->sorry->sorry && v->sorry->port == 80 &&
	      ipaddr_equal(&v->sorry->addr, ip("192.168.1.99")) &&
	      v->sorry->vs == v, "quorum, sorry_server");
	if (v && v->nrs == 1 && v->rs[0]->nchecks == 2)
		CHECK(v->rs[0]->checks[1]->connect_port == 9100, "connect_port");

	v = config_find_vs(c, IPPROTO_TCP, ip("2001:db8::10"), 80);
	CHECK(v && v->fwd == L4LB_FWD_DR && v->nrs == 2, "vs [2001:db8::10]:80");
	if (v && v->nrs == 2) {
		r = vs_find_rs(v, ip("2001:db8::11"), 80);
		CHECK(r && r->nchecks == 1 && r->checks[0]->type == CHECK_HTTP &&
		      !strcmp(r->checks[0]->virtualhost, "www.example.com"),
		      "rs [2001:db8::11]:80");
		r = vs_find_rs(v, ip("2001:db8::12"), 80);
		CHECK(r && r->nchecks == 1 && r->checks[0]->type == CHECK_TCP &&
		      ipaddr_equal(&r->checks[0]->bindto, ip("2001:db8::2")),
		      "rs [2001:db8::12]:80 bindto");
	}
out:
	config_free(c);
}

static void test_oneliner(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("one.conf",
		"virtual_server 10.0.0.100 80 { protocol TCP  lb_algo wrr  real_server 10.0.0.11 80 { weight 2  inhibit_on_failure  TCP_CHECK { connect_timeout 1 } } }",
		&errs);

	CHECK(c && c->nvs == 1 && c->vs[0]->nrs == 1 &&
	      c->vs[0]->rs[0]->weight == 2 && c->vs[0]->rs[0]->inhibit &&
	      c->vs[0]->rs[0]->nchecks == 1 &&
	      c->vs[0]->rs[0]->checks[0]->connect_timeout_ms == 1000,
	      "one-line config: %s", errs.n ? errs.msg[0] : "");
	config_free(c);

	/* Two urls: two checks; quoted strings with escapes; comments. */
	c = config_parse_string("two.conf",
		"! comment\n"
		"virtual_server 1.2.3.4 80 { # comment\n"
		"  delay_loop 0.5\n"
		"  real_server 5.6.7.8 80 {\n"
		"    retry 5 rise 4\n"
		"    HTTP_GET { url { path /a } url { path /b status_code 301 } retry 2 }\n"
		"    MISC_CHECK { misc_path \"/bin/x \\\"a b\\\"\" }\n"
		"  }\n"
		"}\n", &errs);
	CHECK(c && c->vs[0]->rs[0]->nchecks == 3, "urls: %s",
	      errs.n ? errs.msg[0] : "");
	if (c && c->vs[0]->rs[0]->nchecks == 3) {
		struct rs *r = c->vs[0]->rs[0];

		CHECK(c->vs[0]->delay_loop_ms == 500, "decimal delay_loop");
		CHECK(!strcmp(r->checks[0]->path, "/a") &&
		      !strcmp(r->checks[1]->path, "/b"), "paths");
		CHECK(r->checks[0]->retry == 2 && r->checks[0]->rise == 4,
		      "check overrides rs: %u %u", r->checks[0]->retry,
		      r->checks[0]->rise);
		CHECK(r->checks[2]->retry == 5, "rs retry inherited");
		CHECK(status_ok(r->checks[1], 301) && !status_ok(r->checks[1], 200),
		      "status 301");
		CHECK(!strcmp(r->checks[2]->misc_path, "/bin/x \"a b\""),
		      "quoted: %s", r->checks[2]->misc_path);
		CHECK(r->checks[2]->misc_timeout_ms == 500, "misc_timeout default");
		CHECK(check_conf_equal(r->checks[0], r->checks[0]) &&
		      !check_conf_equal(r->checks[0], r->checks[1]), "equal");
	}
	config_free(c);
}

static void test_persistence(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("p.conf",
		"virtual_server 10.0.0.100 80 {\n"
		"  protocol TCP\n"
		"  persistence_timeout 600\n"
		"  persistence_granularity 255.255.255.0\n"
		"  real_server 10.0.0.11 80 { }\n"
		"}\n"
		"virtual_server 2001:db8::10 80 {\n"
		"  protocol TCP\n"
		"  persistence_timeout 60\n"
		"  persistence_granularity 64\n"
		"  real_server 2001:db8::11 80 { }\n"
		"}\n"
		"virtual_server 10.0.0.100 443 {\n"
		"  protocol TCP\n"
		"  real_server 10.0.0.11 443 { }\n"
		"}\n", &errs);

	CHECK(c && c->nvs == 3, "persistence: parsed %s", errs.n ? errs.msg[0] : "");
	if (!c)
		return;
	CHECK(c->vs[0]->persist_timeout == 600 &&
	      c->vs[0]->persist_prefix == 24, "persistence_timeout 600, granularity /24");
	CHECK(c->vs[1]->persist_timeout == 60 &&
	      c->vs[1]->persist_prefix == 64, "IPv6 granularity 64");
	CHECK(c->vs[2]->persist_timeout == 0 &&
	      c->vs[2]->persist_prefix == 32, "no persistence: /32, timeout 0");
	config_free(c);
}

static void test_ipv6(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("six.conf",
		"virtual_server 2001:db8::10 80 {\n"
		"  protocol TCP\n"
		"  lb_kind NAT\n"
		"  real_server 2001:db8::11 8080 {\n"
		"    TCP_CHECK { connect_ip 2001:db8::99 connect_port 9000 bindto 2001:db8::1 }\n"
		"  }\n"
		"  real_server 2001:DB8:0::0:12 8080 {\n"
		"    HTTP_GET { url { path / } connect_ip ::1 }\n"
		"  }\n"
		"}\n"
		"virtual_server 2001:db8::10 80 { protocol UDP real_server 2001:db8::11 80 { } }\n"
		"virtual_server 10.0.0.100 80 {\n"
		"  protocol TCP\n"
		"  real_server 10.0.0.11 80 { TCP_CHECK { connect_ip 2001:db8::11 bindto ::1 } }\n"
		"}\n", &errs);
	struct vs *v;
	struct rs *r;
	char b[NAME_LEN];

	CHECK(c && c->nvs == 3, "IPv6 config: %s", errs.n ? errs.msg[0] : "");
	if (!c)
		return;
	v = config_find_vs(c, IPPROTO_TCP, ip("2001:db8::10"), 80);
	CHECK(v && v->addr.family == AF_INET6 && v->fwd == L4LB_FWD_NAT &&
	      v->nrs == 2, "vs [2001:db8::10]:80");
	CHECK(v && !strcmp(vs_name(v, b, sizeof(b)), "TCP [2001:db8::10]:80"),
	      "vs_name %s", v ? b : "");
	if (v && v->nrs == 2) {
		struct check *k;

		r = vs_find_rs(v, ip("2001:db8::11"), 8080);
		CHECK(r && r->addr.family == AF_INET6 && r->nchecks == 1,
		      "rs [2001:db8::11]:8080");
		CHECK(r && !strcmp(rs_name(r, b, sizeof(b)), "[2001:db8::11]:8080"),
		      "rs_name %s", r ? b : "");
		if (r && r->nchecks == 1) {
			k = r->checks[0];
			CHECK(ipaddr_equal(&k->connect_ip, ip("2001:db8::99")) &&
			      k->connect_port == 9000, "connect_ip v6");
			CHECK(ipaddr_equal(&k->bindto, ip("2001:db8::1")),
			      "bindto v6");
		}
		/* Written differently, the same address. */
		r = vs_find_rs(v, ip("2001:db8::12"), 8080);
		CHECK(r && r->nchecks == 1 && r->checks[0]->type == CHECK_HTTP &&
		      ipaddr_equal(&r->checks[0]->connect_ip, ip("::1")) &&
		      r->checks[0]->bindto.family == 0,
		      "rs [2001:db8::12]:8080, url check inherits connect_ip");
		CHECK(!vs_find_rs(v, ip("2001:db8::13"), 8080), "no such rs");
	}
	v = config_find_vs(c, IPPROTO_UDP, ip("2001:db8::10"), 80);
	CHECK(v && v->nrs == 1 && v->fwd == L4LB_FWD_NAT, "vs udp [2001:db8::10]:80");
	CHECK(!config_find_vs(c, IPPROTO_TCP, ip("2001:db8::10"), 81), "port");
	CHECK(!config_find_vs(c, IPPROTO_TCP, ip("::10.0.0.100"), 80) &&
	      !config_find_vs(c, IPPROTO_TCP, ip("::ffff:10.0.0.100"), 80),
	      "an IPv6 address is not the IPv4 one");
	/* An IPv4 real server may be checked at an IPv6 address. */
	v = config_find_vs(c, IPPROTO_TCP, ip("10.0.0.100"), 80);
	CHECK(v && v->nrs == 1 && v->rs[0]->nchecks == 1 &&
	      ipaddr_equal(&v->rs[0]->checks[0]->connect_ip, ip("2001:db8::11")) &&
	      ipaddr_equal(&v->rs[0]->checks[0]->bindto, ip("::1")),
	      "IPv4 real server, IPv6 connect_ip");
	CHECK(v && !strcmp(vs_name(v, b, sizeof(b)), "TCP 10.0.0.100:80"),
	      "IPv4 vs_name unchanged: %s", v ? b : "");
	config_free(c);

	/* Reload equality sees the addresses. */
	c = config_parse_string("eq.conf",
		"virtual_server 2001:db8::10 80 { real_server 2001:db8::11 80 {\n"
		"  TCP_CHECK { connect_ip 2001:db8::99 }\n"
		"  TCP_CHECK { connect_ip 2001:db8::98 }\n"
		"  TCP_CHECK { connect_ip 2001:db8::99 bindto 2001:db8::1 }\n"
		"  TCP_CHECK { connect_ip 2001:db8::99 bindto 2001:db8::1 }\n"
		"} }\n", &errs);
	CHECK(c && c->vs[0]->rs[0]->nchecks == 4, "eq.conf: %s",
	      errs.n ? errs.msg[0] : "");
	if (c && c->vs[0]->rs[0]->nchecks == 4) {
		struct check **k = c->vs[0]->rs[0]->checks;

		CHECK(!check_conf_equal(k[0], k[1]), "connect_ip differs");
		CHECK(!check_conf_equal(k[0], k[2]), "bindto differs");
		CHECK(check_conf_equal(k[2], k[3]), "same");
	}
	config_free(c);
}

/* @text must fail with an error containing @want (e.g. "t.conf:3: ..."). */
static void expect_error(const char *text, const char *want)
{
	struct config_errors errs;
	struct config *c = config_parse_string("t.conf", text, &errs);
	size_t i;
	bool found = false;

	for (i = 0; i < errs.n; i++)
		if (strstr(errs.msg[i], want))
			found = true;
	CHECK(!c && found, "want error '%s', got %zu errors, first '%s'", want,
	      errs.n, errs.n ? errs.msg[0] : "(none)");
	config_free(c);
}

#define VS "virtual_server 10.0.0.100 80 {\n"
/* A virtual server with a real server: not ignored. */
#define VSR(proto) "virtual_server 10.0.0.100 80 {\nprotocol " proto "\nreal_server 10.0.0.11 80 {\n}\n}\n"
#define RS "real_server 10.0.0.11 80 {\n"
#define RS_GUE "real_server 10.0.0.12 80 {\n"

/* lb_kind TUN, and keepalived 2's options after lvs_method TUN. */
static void test_tun(void)
{
	struct config_errors errs;
	struct config *c;

	c = config_parse_string("t.conf", VS "protocol TCP\nlb_kind TUN\n"
				RS "}\n"
				RS_GUE "lvs_method TUN type gue port 6080 csum\n}\n"
				"real_server 10.0.0.13 80 {\n"
				"lvs_method TUN type gue port 6080 remcsum\n}\n"
				"}\n", &errs);
	CHECK(c && c->nvs == 1 && c->vs[0]->nrs == 3, "TUN: %s",
	      errs.n ? errs.msg[0] : "");
	if (c && c->nvs == 1 && c->vs[0]->nrs == 3) {
		const struct vs *v = c->vs[0];

		CHECK(v->fwd == L4LB_FWD_TUN && v->tun.type == L4LB_TUN_IPIP &&
		      !v->tun.port, "lb_kind TUN: ipip");
		CHECK(!v->rs[0]->fwd, "the first real server: the vs's method");
		CHECK(v->rs[1]->fwd == L4LB_FWD_TUN &&
		      v->rs[1]->tun.type == L4LB_TUN_GUE &&
		      v->rs[1]->tun.port == 6080 &&
		      v->rs[1]->tun.flags == L4LB_TUN_F_CSUM,
		      "lvs_method TUN type gue port 6080 csum");
		CHECK(v->rs[2]->tun.type == L4LB_TUN_GUE &&
		      v->rs[2]->tun.flags == L4LB_TUN_F_REMCSUM,
		      "lvs_method TUN type gue port 6080 remcsum");
	}
	config_free(c);

	/* GRE with its checksum; an IPv6 real server of an IPv4 service. */
	c = config_parse_string("t.conf", VS "protocol TCP\n"
				"lvs_method TUN type gre csum\n"
				"real_server 2001:db8::11 80 {\n}\n"
				"}\n", &errs);
	CHECK(c && c->nvs == 1 && c->vs[0]->nrs == 1, "TUN gre, mixed: %s",
	      errs.n ? errs.msg[0] : "");
	if (c && c->nvs == 1 && c->vs[0]->nrs == 1) {
		const struct vs *v = c->vs[0];

		CHECK(v->fwd == L4LB_FWD_TUN && v->tun.type == L4LB_TUN_GRE &&
		      v->tun.flags == L4LB_TUN_F_CSUM, "lvs_method TUN type gre csum");
		CHECK(v->addr.family == AF_INET &&
		      v->rs[0]->addr.family == AF_INET6,
		      "TUN: an IPv6 real server of an IPv4 virtual_server");
	}
	config_free(c);
	expect_error(VS "lb_kind DR\nreal_server 2001:db8::11 80 {\n}\n}\n",
		     "t.conf:3: real_server 2001:db8::11 is IPv6 but the virtual_server 10.0.0.100 is IPv4: lb_kind DR forwards within one address family");
}

/* @text parses with exactly one warning, containing @want. */
static struct config *expect_warning(const char *text, const char *want)
{
	struct config_errors errs;
	struct config *c = config_parse_string("t.conf", text, &errs);

	CHECK(c && errs.nwarn == 1 && strstr(errs.warn[0], want),
	      "want warning '%s', got %zu errors (%s), %zu warnings, first '%s'",
	      want, errs.n, errs.n ? errs.msg[0] : "", errs.nwarn,
	      errs.nwarn ? errs.warn[0] : "(none)");
	return c;
}

/* @text parses with no error and no warning. */
static struct config *expect_clean(const char *text)
{
	struct config_errors errs;
	struct config *c = config_parse_string("t.conf", text, &errs);

	CHECK(c && !errs.nwarn, "want no error, no warning: %s",
	      errs.n ? errs.msg[0] : errs.nwarn ? errs.warn[0] : "");
	return c;
}

#define VSP(proto, sched) VS "protocol " proto "\nlb_kind DR\nlb_algo " sched "\n"
#define FWM(n) "virtual_server fwmark " n " {\nlb_kind DR\nlb_algo rr\n"
#define RS_END "}\n}\n"

/*
 * What l4lb has that keepalived configures: scheduler flags, ops,
 * connection thresholds, fwmark virtual servers (ip_family).
 */
static void test_l4lb_features(void)
{
	struct config *c;
	char b[NAME_LEN];

	c = expect_clean(VSP("TCP", "mh") "mh-port\nmh-fallback\n" RS RS_END);
	CHECK(c && c->vs[0]->sched_flags == (L4LB_SVC_SCHED_F_MH_PORT |
					     L4LB_SVC_SCHED_F_MH_FALLBACK),
	      "mh-port mh-fallback: 0x%x", c ? c->vs[0]->sched_flags : 0);
	config_free(c);
	c = expect_clean(VSP("TCP", "sh") "sh-port\n" RS RS_END);
	CHECK(c && c->vs[0]->sched_flags == L4LB_SVC_SCHED_F_SH_PORT,
	      "sh-port: 0x%x", c ? c->vs[0]->sched_flags : 0);
	config_free(c);
	/* keepalived: the same bits, so mh-fallback with sh is flag-1. */
	c = expect_clean(VSP("TCP", "sh") "mh-fallback\n" RS RS_END);
	CHECK(c && c->vs[0]->sched_flags == L4LB_SVC_SCHED_F_SH_FALLBACK,
	      "mh-fallback with sh: 0x%x", c ? c->vs[0]->sched_flags : 0);
	config_free(c);
	c = expect_clean(VSP("TCP", "rr") "flag-3\nflag-1\n" RS RS_END);
	CHECK(c && c->vs[0]->sched_flags == (L4LB_SVC_SCHED_F_FLAG1 |
					     L4LB_SVC_SCHED_F_FLAG3),
	      "flag-1 flag-3: 0x%x", c ? c->vs[0]->sched_flags : 0);
	config_free(c);
	c = expect_warning(VSP("TCP", "rr") "mh-port\n" RS RS_END,
			   "t.conf:5: mh-port is for lb_algo sh or mh, given before it: ignored, as keepalived does");
	CHECK(c && !c->vs[0]->sched_flags, "mh-port with rr: ignored");
	config_free(c);
	c = expect_warning(VS "protocol TCP\nlb_kind DR\nsh-port\nlb_algo sh\n" RS RS_END,
			   "t.conf:4: sh-port is for lb_algo sh or mh, given before it");
	CHECK(c && !c->vs[0]->sched_flags, "sh-port before lb_algo: ignored");
	config_free(c);

	c = expect_clean(VSP("UDP", "rr") "ops\n" RS RS_END);
	CHECK(c && c->vs[0]->svc_flags == L4LB_SVC_F_ONEPACKET, "ops");
	config_free(c);
	c = expect_warning(VSP("TCP", "rr") "ops\n" RS RS_END,
			   "t.conf:1: virtual_server TCP 10.0.0.100:80: ops (one-packet scheduling) needs protocol UDP: reset, as keepalived does");
	CHECK(c && !c->vs[0]->svc_flags, "ops with TCP: reset");
	config_free(c);
	expect_error(VSP("UDP", "rr") "ops\n" RS "lb_kind NAT\n" RS_END,
		     "t.conf:6: not supported by l4lbd: real_server 10.0.0.11 with lb_kind NAT and ops");

	c = expect_clean(VSP("TCP", "rr") RS "uthreshold 100\nlthreshold 20\n" RS_END);
	CHECK(c && c->vs[0]->rs[0]->u_thresh == 100 &&
	      c->vs[0]->rs[0]->l_thresh == 20, "uthreshold, lthreshold");
	config_free(c);
	c = expect_clean(VSP("TCP", "rr") RS "uthreshold 4294967295\n" RS_END);
	CHECK(c && c->vs[0]->rs[0]->u_thresh == 4294967295u &&
	      !c->vs[0]->rs[0]->l_thresh, "uthreshold alone, the largest");
	config_free(c);
	expect_error(VSP("TCP", "rr") RS "uthreshold 10\nlthreshold 20\n" RS_END,
		     "t.conf:5: real_server: lthreshold 20 is above uthreshold 10");
	expect_error(VSP("TCP", "rr") RS "lthreshold 5\n" RS_END,
		     "t.conf:5: real_server: lthreshold 5 is above uthreshold 0 (0: no upper threshold)");
	expect_error(VSP("TCP", "rr") RS "uthreshold -1\n" RS_END,
		     "t.conf:6: uthreshold: '-1' is not an integer in 0..4294967295");

	/* fwmark: no port, no protocol, the real servers' family. */
	c = expect_clean(FWM("5") "real_server 10.0.0.11 {\nTCP_CHECK {\nconnect_port 80\n}\n" RS_END);
	if (c && c->nvs == 1 && c->vs[0]->nrs == 1) {
		const struct vs *v = c->vs[0];

		CHECK(v->fwmark == 5 && !v->protocol && !v->port &&
		      v->addr.family == AF_INET && v->persist_prefix == 32,
		      "fwmark 5: proto %u port %u family %u", v->protocol,
		      v->port, v->addr.family);
		CHECK(!strcmp(vs_name(v, b, sizeof(b)), "FWM 5"), "name %s", b);
		CHECK(!v->rs[0]->port && v->rs[0]->checks[0]->connect_port == 80,
		      "real server port 0, check port 80");
		CHECK(config_match_vs(c, v) == v &&
		      !config_find_vs(c, 0, ip("0.0.0.0"), 0), "lookups");
	} else {
		CHECK(0, "fwmark 5 parsed");
	}
	config_free(c);
	c = expect_clean(FWM("4294967295") "ip_family inet6\npersistence_timeout 60\n"
			 "persistence_granularity 64\nreal_server 2001:db8::11 {\n" RS_END);
	CHECK(c && c->vs[0]->fwmark == 4294967295u &&
	      c->vs[0]->addr.family == AF_INET6 &&
	      c->vs[0]->persist_prefix == 64 &&
	      !strcmp(vs_name(c->vs[0], b, sizeof(b)), "FWM 4294967295 IPv6"),
	      "fwmark IPv6: %s", c ? b : "");
	config_free(c);
	/* Without ip_family: its real servers' family. */
	c = expect_clean(FWM("6") "real_server 2001:db8::11 {\n" RS_END);
	CHECK(c && c->vs[0]->addr.family == AF_INET6 &&
	      c->vs[0]->persist_prefix == 128, "fwmark: IPv6 real servers");
	config_free(c);
	/* The same mark in both families: two services. */
	c = expect_clean(FWM("7") "real_server 10.0.0.11 {\n" RS_END
			 FWM("7") "real_server 2001:db8::11 {\n" RS_END);
	CHECK(c && c->nvs == 2, "fwmark 7 IPv4 and IPv6");
	config_free(c);
	/* NAT keeps the real server's port. */
	c = expect_clean("virtual_server fwmark 8 {\nlb_kind NAT\nlb_algo rr\n"
			 "real_server 10.0.0.11 8080 {\nTCP_CHECK {\n}\n" RS_END);
	CHECK(c && c->vs[0]->rs[0]->port == 8080, "fwmark NAT: port 8080");
	config_free(c);
	c = expect_warning(FWM("9") "real_server 10.0.0.11 80 {\n" RS_END,
			   "t.conf:4: virtual_server FWM 9: real_server 10.0.0.11 has port 80, which lb_kind DR of a fwmark service does not use: cleared, as keepalived does");
	CHECK(c && !c->vs[0]->rs[0]->port, "fwmark DR: port cleared");
	config_free(c);
	c = expect_warning(FWM("10") "protocol TCP\nreal_server 10.0.0.11 {\n" RS_END,
			   "t.conf:1: virtual_server FWM 10: protocol is for address services: ignored, as keepalived does");
	CHECK(c && !c->vs[0]->protocol, "fwmark: protocol ignored");
	config_free(c);
	expect_error(FWM("11") "real_server 10.0.0.11 {\nTCP_CHECK {\n}\n" RS_END,
		     "t.conf:5: TCP_CHECK of real_server 10.0.0.11: no port to probe");
	expect_error(FWM("12") "ip_family inet6\nreal_server 10.0.0.11 {\n" RS_END,
		     "t.conf:5: real_server 10.0.0.11 is IPv4 but the virtual_server FWM 12 IPv6 is IPv6");
	expect_error(FWM("13") "ip_family ipx\n" RS RS_END,
		     "t.conf:4: ip_family: 'ipx' is not inet or inet6");
	expect_error(FWM("14") "persistence_granularity 64\nreal_server 10.0.0.11 {\n" RS_END,
		     "t.conf:4: persistence_granularity: a prefix length for an IPv6 service, but the virtual_server FWM 14 is IPv4");
	expect_error(FWM("15") "real_server 10.0.0.11 {\n" RS_END
		     FWM("15") "real_server 10.0.0.12 {\n" RS_END,
		     "t.conf:7: duplicate virtual_server FWM 15 (first at line 1)");
	expect_error(VSP("TCP", "rr") "ip_family inet6\n" RS RS_END,
		     "t.conf:5: ip_family inet6: the virtual_server's address is IPv4");
	/* ops needs UDP, which a fwmark service does not have. */
	c = expect_warning(FWM("16") "ops\nreal_server 10.0.0.11 {\n" RS_END,
			   "t.conf:1: virtual_server FWM 16: ops (one-packet scheduling) needs protocol UDP");
	config_free(c);
}

static void test_errors(void)
{
	expect_error("virtual_serve 1.2.3.4 80 {}\n",
		     "t.conf:1: unknown keyword 'virtual_serve' in the top level");
	expect_error("\n\nvirtual_server 1.2.3 80 { }\n",
		     "t.conf:3: virtual_server: '1.2.3' is not an IPv4 address");
	expect_error("virtual_server 1.2.3.4 0 { }\n",
		     "t.conf:1: virtual_server: '0' is not an integer in 1..65535");
	expect_error("virtual_server 1.2.3.4 80 protocol TCP }\n",
		     "t.conf:1: expected '{' after virtual_server, got protocol");
	expect_error(VS "protocol SCTP\n}\n",
		     "t.conf:2: not supported by l4lbd: protocol SCTP (l4lb has TCP and UDP)");
	expect_error(VS "protocol ICMP\n}\n",
		     "t.conf:2: protocol: 'ICMP' is not TCP or UDP");
	expect_error(VS "lb_algo twos\n}\n",
		     "t.conf:2: not supported by l4lbd yet: lb_algo twos (the l4lb module has no such scheduler)");
	expect_error(VS "lvs_sched twos\n}\n",
		     "t.conf:2: not supported by l4lbd yet: lvs_sched twos (the l4lb module has no such scheduler)");
	expect_error(VS "lb_algo fastest\n}\n",
		     "t.conf:2: lb_algo: 'fastest' is not a scheduler");
	expect_error(VS "lvs_method TUN type gre port 6080\n}\n",
		     "t.conf:2: lvs_method TUN: port is for type gue");
	expect_error(VS "lvs_method TUN type ipip csum\n}\n",
		     "t.conf:2: lvs_method TUN: checksum options are for types gue and gre");
	expect_error(VS "lvs_method TUN type sit\n}\n",
		     "t.conf:2: lvs_method TUN: type 'sit' is not ipip, gue or gre");
	expect_error(VS "lvs_method TUN type gue\n}\n",
		     "t.conf:2: lvs_method TUN type gue needs a port");
	expect_error(VS "lvs_method TUN type gre remcsum\n}\n",
		     "t.conf:2: lvs_method TUN: remcsum is for type gue");
	expect_error(VS "lvs_method TUN port 6080\n}\n",
		     "t.conf:2: lvs_method TUN: port is for type gue");
	expect_error(VS "lb_kind LOCAL\n}\n",
		     "t.conf:2: lb_kind: 'LOCAL' is not DR, NAT or TUN");
	expect_error(VS "delay_loop 0\n}\n",
		     "t.conf:2: delay_loop: '0' is not a duration");
	expect_error(VS "delay_loop\n}\n",
		     "t.conf:2: 'delay_loop' needs an argument");
	expect_error(VS "retry 101\n}\n",
		     "t.conf:2: retry: '101' is not an integer in 0..100");
	expect_error(VS "rise many\n}\n",
		     "t.conf:2: rise: 'many' is not an integer");
	expect_error(VS "quorum 0\n}\n",
		     "t.conf:2: quorum: '0' is not an integer");
	expect_error(VS "persistence_granularity 255.0.255.0\n}\n",
		     "t.conf:2: persistence_granularity: '255.0.255.0' is not a netmask of contiguous ones");
	expect_error(VS "persistence_timeout 0\n}\n",
		     "t.conf:2: persistence_timeout: '0' is not an integer in 1..2678400");
	expect_error("virtual_server fwmark 0 {\n}\n",
		     "t.conf:1: virtual_server: '0' is not an integer in 1..4294967295");
	expect_error("virtual_server group G {\n}\n",
		     "t.conf:1: not supported by l4lbd yet: virtual_server group");
	expect_error("virtual_server_group G {\n10.0.0.1 80\n}\n",
		     "t.conf:1: not supported by l4lbd yet: virtual_server_group");
	expect_error("SSL {\nca /etc/ca.pem\n}\n",
		     "t.conf:1: not supported by l4lbd: SSL");
	expect_error("virtual_server 10.0.0.100 {\n}\n",
		     "t.conf:1: virtual_server needs a port");
	expect_error(VS RS "DNS_CHECK {\ntype A\n}\n}\n}\n",
		     "t.conf:3: not supported by l4lbd: DNS_CHECK (use MISC_CHECK with a DNS client)");
	expect_error(VS "persistence_engine sip\n" RS "}\n}\n",
		     "t.conf:2: not supported by l4lbd: persistence_engine (l4lb has no persistence engines)");
	expect_error(VS RS "TCP_CHECK {\nbind_if eth0\n}\n}\n}\n",
		     "t.conf:4: not supported by l4lbd: bind_if");
	expect_error(VS RS "HTTP_GET {\nurl {\npath /\nregex ok\n}\n}\n}\n}\n",
		     "t.conf:6: not supported by l4lbd: regex");
	expect_error(VS RS "MISC_CHECK {\nmisc_path /bin/true\nmisc_dynamic\n}\n}\n}\n",
		     "t.conf:5: not supported by l4lbd: misc_dynamic");
	expect_error(VS RS "notify_up /bin/true nobody\n}\n}\n",
		     "t.conf:3: not supported by l4lbd: notify_up with a user");
	expect_error(VS "sorry_server_inhibit\n" RS "}\n}\n",
		     "t.conf:2: sorry_server_inhibit before sorry_server");
	expect_error(VS "sorry_server 10.0.0.11 80\n" RS "}\n}\n",
		     "t.conf:2: sorry_server is also a real_server");
	expect_error(VS "lb_kind DR\nsorry_server 10.0.0.99 8080\n" RS "}\n}\n",
		     "t.conf:3: sorry_server port 8080 differs from the virtual_server port 80");
	expect_error("@main router_id x\n",
		     "t.conf:1: not supported by l4lbd: conditional configuration");
	expect_error(VS RS "weight 65536\n}\n}\n",
		     "t.conf:3: weight: '65536' is not an integer in 0..65535");
	expect_error(VS RS "}\nreal_server 10.0.0.11 {\n}\n}\n",
		     "t.conf:4: duplicate real_server 10.0.0.11:80 (first at line 2)");
	expect_error(VSR("TCP") VSR("TCP"),
		     "t.conf:6: duplicate virtual_server TCP 10.0.0.100:80 (first at line 1)");
	expect_error(VS "lb_kind DR\nreal_server 10.0.0.11 8080 {\n}\n}\n",
		     "t.conf:3: real_server port 8080 differs from the virtual_server port 80");
	expect_error(VS RS "HTTP_GET { connect_timeout 1 }\n}\n}\n",
		     "t.conf:3: HTTP_GET: a 'url { path ... }' block is required");
	expect_error(VS RS "HTTP_GET {\nurl { status_code 200 }\n}\n}\n}\n",
		     "t.conf:4: url: 'path' is required");
	expect_error(VS RS "HTTP_GET {\nurl { path x }\n}\n}\n}\n",
		     "t.conf:4: path: 'x' must start with '/'");
	expect_error(VS RS "HTTP_GET {\nurl { path /\nstatus_code 700 }\n}\n}\n}\n",
		     "t.conf:5: status_code: '700' is not an HTTP status");
	expect_error(VS RS "HTTP_GET {\nurl { path /\ndigest abc }\n}\n}\n}\n",
		     "t.conf:5: digest: 'abc' is not an MD5 sum");
	expect_error(VS RS "MISC_CHECK {\nmisc_timeout 2\n}\n}\n}\n",
		     "t.conf:3: MISC_CHECK: 'misc_path' is required");
	expect_error(VS RS "TCP_CHECK {\nmisc_path /bin/true\n}\n}\n}\n",
		     "t.conf:4: unknown keyword 'misc_path' in TCP_CHECK");
	expect_error(VS RS "TCP_CHECK {\nconnect_port 70000\n}\n}\n}\n",
		     "t.conf:4: connect_port: '70000' is not an integer in 1..65535");
	expect_error(VS RS "TCP_CHECK {\nconnect_ip 10.0.0\n}\n}\n}\n",
		     "t.conf:4: connect_ip: '10.0.0' is not an IPv4 address");
	expect_error(VS RS "MISC_CHECK { misc_path \"/bin/true\n}\n}\n}\n",
		     "t.conf:3: unterminated quoted string");
	expect_error(VS RS "TCP_CHECK {\n",
		     "t.conf:3: unexpected end of file: 'TCP_CHECK' block opened at line 3 is not closed");
	expect_error(VS "}\n}\n", "t.conf:3: unbalanced '}'");
	/* IPv6. */
	expect_error("virtual_server 2001:db8::zz 80 { }\n",
		     "t.conf:1: virtual_server: '2001:db8::zz' is not an IPv6 address");
	expect_error("virtual_server [2001:db8::10] 80 { }\n",
		     "t.conf:1: virtual_server: '[2001:db8::10]' is not an IPv6 address (write it without brackets)");
	expect_error(VS "real_server 2001:db8:::11 80 {\n}\n}\n",
		     "t.conf:2: real_server: '2001:db8:::11' is not an IPv6 address");
	expect_error(VS "lb_kind DR\nreal_server 2001:db8::11 80 {\n}\n}\n",
		     "t.conf:3: real_server 2001:db8::11 is IPv6 but the virtual_server 10.0.0.100 is IPv4: lb_kind DR forwards within one address family");
	expect_error("virtual_server 2001:db8::10 80 {\nlb_kind NAT\n" RS "}\n}\n",
		     "t.conf:3: real_server 10.0.0.11 is IPv4 but the virtual_server 2001:db8::10 is IPv6: lb_kind NAT forwards within one address family");
	expect_error("virtual_server 2001:db8::10 80 {\nreal_server 10.0.0.11 80 {\nlb_kind NAT\n}\n}\n",
		     "t.conf:2: real_server 10.0.0.11 is IPv4 but the virtual_server 2001:db8::10 is IPv6: lb_kind NAT forwards");
	expect_error("virtual_server 2001:db8::10 80 {\nreal_server 2001:db8::11 80 {\n}\nreal_server 2001:db8:0::11 80 {\n}\n}\n",
		     "t.conf:4: duplicate real_server [2001:db8::11]:80 (first at line 2)");
	expect_error("virtual_server 2001:db8::10 80 {\nreal_server 2001:db8::11 80 {\n}\n}\nvirtual_server 2001:DB8::10 80 {\n}\n",
		     "t.conf:5: duplicate virtual_server UDP [2001:db8::10]:80 (first at line 1)");
	expect_error(VS RS "TCP_CHECK {\nconnect_ip 2001:db8::1::2\n}\n}\n}\n",
		     "t.conf:4: connect_ip: '2001:db8::1::2' is not an IPv6 address");
	expect_error(VS RS "TCP_CHECK {\nbindto 10.0.0\n}\n}\n}\n",
		     "t.conf:4: bindto: '10.0.0' is not an IPv4 address");
	expect_error(VS RS "TCP_CHECK {\nbindto 2001:db8::1\n}\n}\n}\n",
		     "t.conf:4: bindto 2001:db8::1 is IPv6 but TCP_CHECK connects to 10.0.0.11 (IPv4)");
	expect_error(VS RS "HTTP_GET {\nurl { path / }\nbindto 10.0.0.1\nconnect_ip 2001:db8::11\n}\n}\n}\n",
		     "t.conf:5: bindto 10.0.0.1 is IPv4 but HTTP_GET connects to 2001:db8::11 (IPv6)");
	expect_error(VS RS "MISC_CHECK {\nmisc_path /bin/true\nbindto 10.0.0.1\n}\n}\n}\n",
		     "t.conf:5: unknown keyword 'bindto' in MISC_CHECK");
	expect_error("global_defs {\nresync_intervall 2\n}\n" VSR("TCP"),
		     "t.conf:2: unknown keyword 'resync_intervall' in global_defs");
	expect_error("global_defs {\nl4lbd_allow_emtpy\n}\n",
		     "t.conf:2: unknown keyword 'l4lbd_allow_emtpy' in global_defs");
	/* Several errors in one file: each is reported with its line. */
	{
		struct config_errors errs;
		struct config *c = config_parse_string("m.conf",
			VS "protocol X\n" RS "weight -1 bogus 1 TCP_CHECK { connect_timeout x }\n}\n}\n",
			&errs);

		CHECK(!c && errs.n == 4, "multiple errors: %zu", errs.n);
		if (errs.n == 4) {
			CHECK(strstr(errs.msg[0], "m.conf:2: protocol"), "%s", errs.msg[0]);
			CHECK(strstr(errs.msg[1], "m.conf:4: weight"), "%s", errs.msg[1]);
			CHECK(strstr(errs.msg[2], "m.conf:4: unknown keyword 'bogus'"), "%s", errs.msg[2]);
			CHECK(strstr(errs.msg[3], "m.conf:4: connect_timeout"), "%s", errs.msg[3]);
		}
		config_free(c);
	}
	{
		struct config_errors errs;
		struct config *c = config_parse_file("/nonexistent/l4lbd.conf", &errs);

		CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "No such file"),
		      "missing file");
	}
}


static bool has_msg(char (*arr)[CONFIG_MSG_LEN], size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(arr[i], want))
			return true;
	return false;
}

/* keepalived's defaults, aliases and forms, with its warnings. */
static void test_keepalived(void)
{
	struct config_errors errs;
	struct config *c;
	struct vs *v;
	struct check *k;

	c = config_parse_string("k.conf",
		"virtual_server 10.0.0.100 80 {\n"
		"real_server 10.0.0.11 8080 {\n"
		"TCP_CHECK {\n}\n"
		"HTTP_GET {\nurl {\npath /\n}\n}\n"
		"MISC_CHECK {\nmisc_path /bin/true\n}\n"
		"}\n}\n", &errs);
	CHECK(c && c->nvs == 1, "defaults: %s", errs.n ? errs.msg[0] : "");
	if (c && c->nvs == 1 && c->vs[0]->nrs == 1 &&
	    c->vs[0]->rs[0]->nchecks == 3) {
		v = c->vs[0];
		CHECK(v->protocol == IPPROTO_UDP, "protocol default UDP");
		CHECK(v->fwd == L4LB_FWD_NAT, "lb_kind default NAT");
		CHECK(!strcmp(v->sched, "wlc"), "lb_algo default wlc: %s", v->sched);
		CHECK(v->delay_loop_ms == 60000, "delay_loop 60 s");
		k = v->rs[0]->checks[0];
		CHECK(k->retry == 1 && k->rise == 1 &&
		      k->connect_timeout_ms == 5000 &&
		      k->delay_before_retry_ms == 1000 &&
		      k->delay_loop_ms == 60000 && k->warmup_ms == 60000 &&
		      !k->alpha, "TCP_CHECK defaults: retry %u dbr %u",
		      k->retry, k->delay_before_retry_ms);
		k = v->rs[0]->checks[1];
		CHECK(k->retry == 1 && k->delay_before_retry_ms == 3000,
		      "HTTP_GET defaults: retry %u dbr %u", k->retry,
		      k->delay_before_retry_ms);
		k = v->rs[0]->checks[2];
		CHECK(k->retry == 0 && k->delay_before_retry_ms == 1000 &&
		      k->misc_timeout_ms == 60000,
		      "MISC_CHECK defaults: retry %u", k->retry);
		CHECK(!v->rs[0]->inhibit && !v->rs[0]->alpha, "rs defaults");
	}
	CHECK(errs.nwarn == 3 &&
	      has_msg(errs.warn, errs.nwarn, "k.conf:1: virtual_server UDP 10.0.0.100:80: no protocol, using UDP (keepalived's default)") &&
	      has_msg(errs.warn, errs.nwarn, "no lb_kind, using NAT (keepalived's default)") &&
	      has_msg(errs.warn, errs.nwarn, "no lb_algo, using wlc (keepalived's default)"),
	      "warnings: %zu, first '%s'", errs.nwarn,
	      errs.nwarn ? errs.warn[0] : "");
	config_free(c);

	/* Aliases (keepalived 2.x), inheritance, optional booleans. */
	c = config_parse_string("a.conf",
		"virtual_server 10.0.0.100 80 {\n"
		"protocol TCP\n"
		"lvs_sched rr\n"
		"lvs_method DR\n"
		"nb_get_retry 4\n"
		"delay_loop 3\n"
		"delay_before_retry 0\n"
		"warmup 0\n"
		"alpha\n"
		"inhibit_on_failure\n"
		"virtualhost vs.example\n"
		"real_server 10.0.0.11 {\n"
		"inhibit_on_failure false\n"
		"virtualhost rs.example\n"
		"HTTP_GET {\nurl {\npath /\nstatus_code 200-204 301 503\n}\n"
		"url {\npath /x\nvirtualhost url.example\n}\n}\n"
		"}\n"
		"real_server 10.0.0.12 {\n"
		"alpha off\n"
		"delay_loop 1\n"
		"TCP_CHECK {\nretry 0\n}\n"
		"HTTP_GET {\nurl {\npath /\n}\n}\n"
		"}\n"
		"real_server 10.0.0.13 {\n}\n"
		"}\n", &errs);
	CHECK(c && c->nvs == 1 && c->vs[0]->nrs == 3, "aliases: %s",
	      errs.n ? errs.msg[0] : "");
	/* keepalived warns of the 1.x name too. */
	CHECK(errs.nwarn == 1 && strstr(errs.warn[0], "a.conf:5: nb_get_retry is deprecated"),
	      "nb_get_retry: %s", errs.nwarn ? errs.warn[0] : "");
	if (c && c->nvs == 1 && c->vs[0]->nrs == 3) {
		struct rs **r = c->vs[0]->rs;

		v = c->vs[0];
		CHECK(!strcmp(v->sched, "rr") && v->fwd == L4LB_FWD_DR &&
		      v->protocol == IPPROTO_TCP, "lvs_sched, lvs_method");
		CHECK(r[0]->port == 80 && !r[0]->inhibit && r[0]->alpha &&
		      r[1]->inhibit && !r[1]->alpha, "inherited flags");
		CHECK(!r[2]->alpha && !r[2]->nchecks, "no checks: never alpha");
		if (r[0]->nchecks == 2) {
			k = r[0]->checks[0];
			CHECK(k->retry == 4 && k->delay_before_retry_ms == 0 &&
			      k->warmup_ms == 0 && k->delay_loop_ms == 3000 &&
			      k->alpha, "vs tunables inherited: retry %u", k->retry);
			CHECK(status_ok(k, 202) && status_ok(k, 301) &&
			      status_ok(k, 503) && !status_ok(k, 205) &&
			      !status_ok(k, 500), "status_code list");
			CHECK(!strcmp(k->virtualhost, "rs.example") &&
			      !strcmp(r[0]->checks[1]->virtualhost, "url.example"),
			      "virtualhost: real server's, url's");
		}
		if (r[1]->nchecks == 2) {
			CHECK(r[1]->checks[0]->retry == 0 &&
			      r[1]->checks[0]->delay_loop_ms == 1000 &&
			      !r[1]->checks[0]->alpha, "rs delay_loop, alpha off");
			CHECK(!strcmp(r[1]->checks[1]->virtualhost, "vs.example"),
			      "virtualhost: virtual server's");
		}
	}
	config_free(c);

	/* A virtual server without real servers is ignored, as keepalived. */
	c = config_parse_string("e.conf",
		"virtual_server 10.0.0.100 80 {\nprotocol TCP\nlb_kind NAT\nlb_algo rr\n}\n"
		"virtual_server 10.0.0.100 81 {\nprotocol TCP\nlb_kind NAT\nlb_algo rr\nreal_server 10.0.0.11 81 {\n}\n}\n",
		&errs);
	CHECK(c && c->nvs == 1 && c->vs[0]->port == 81 && errs.nwarn == 1 &&
	      strstr(errs.warn[0], "e.conf:1: virtual_server TCP 10.0.0.100:80 has no real servers: ignored"),
	      "empty vs: %s", errs.nwarn ? errs.warn[0] : "");
	config_free(c);

	/* quorum and hysteresis: keepalived's corrections. */
	c = config_parse_string("q.conf",
		"virtual_server 10.0.0.100 80 {\nprotocol TCP\nlb_kind NAT\nlb_algo rr\n"
		"quorum 9\nhysteresis 5\nquorum_up \"/bin/echo up\"\nquorum_down /bin/false\nomega\nha_suspend\n"
		"sorry_server 10.0.0.99\nsorry_server_inhibit\nsorry_server_lvs_method NAT\n"
		"real_server 10.0.0.11 80 {\nweight 2\nnotify_up /bin/true\n}\n"
		"real_server 10.0.0.12 80 {\nweight 3\n}\n}\n", &errs);
	CHECK(c && c->nvs == 1, "quorum: %s", errs.n ? errs.msg[0] : "");
	if (c && c->nvs == 1) {
		v = c->vs[0];
		CHECK(v->quorum == 5 && v->hysteresis == 0, "quorum %u hysteresis %u",
		      v->quorum, v->hysteresis);
		CHECK(v->omega && v->ha_suspend, "omega, ha_suspend");
		CHECK(!strcmp(v->quorum_up, "/bin/echo up") &&
		      !strcmp(v->quorum_down, "/bin/false"), "quorum scripts");
		CHECK(v->sorry && v->sorry->port == 80 && v->sorry->inhibit &&
		      v->sorry->fwd == L4LB_FWD_NAT, "sorry_server");
		CHECK(!strcmp(v->rs[0]->notify_up, "/bin/true"), "notify_up");
		CHECK(errs.nwarn == 2 &&
		      has_msg(errs.warn, errs.nwarn, "quorum 9 exceeds the total weight of its real servers 5; using 5") &&
		      has_msg(errs.warn, errs.nwarn, "hysteresis 5 >= quorum 5; using 0"),
		      "quorum warnings %zu", errs.nwarn);
		/* Gained at quorum + hysteresis, lost below quorum - hysteresis. */
		v->quorum = 3;
		v->hysteresis = 1;
		v->rs[0]->up = v->rs[1]->up = true;
		v->quorum_ok = false;
		CHECK(vs_live_weight(v) == 5 && vs_quorum_next(v), "5 >= 3 + 1");
		v->rs[0]->up = false;
		CHECK(!vs_quorum_next(v), "3 < 3 + 1: still lost");
		v->quorum_ok = true;
		CHECK(vs_quorum_next(v), "3 >= 3 - 1: still gained");
		v->rs[1]->up = false;
		v->rs[0]->up = true;
		CHECK(vs_quorum_next(v), "2 >= 3 - 1: still gained");
		v->rs[0]->up = false;
		CHECK(!vs_quorum_next(v), "0 < 2: lost");
	}
	config_free(c);
}

/* UDP_CHECK's hex strings, PING_CHECK. */
static void test_udp_ping(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("u.conf",
		"virtual_server 10.0.0.100 53 {\nprotocol UDP\nlb_algo rr\nlb_kind DR\n"
		"real_server 10.0.0.11 53 {\n"
		"UDP_CHECK {\npayload Ab12f 3 456 546443123\nrequire_reply 12 xX 0f\nmin_reply_length 3\n}\n"
		"UDP_CHECK {\nrequire_reply\nconnect_timeout 4\n}\n"
		"UDP_CHECK {\n}\n"
		"PING_CHECK {\nretry 2\n}\n"
		"}\n}\n", &errs);
	static const unsigned char want[] = {
		0xab, 0x12, 0x0f, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03
	};

	CHECK(c && c->vs[0]->rs[0]->nchecks == 4, "udp: %s",
	      errs.n ? errs.msg[0] : "");
	if (c && c->vs[0]->rs[0]->nchecks == 4) {
		struct check **k = c->vs[0]->rs[0]->checks;

		CHECK(k[0]->type == CHECK_UDP && k[0]->payload_len == sizeof(want) &&
		      !memcmp(k[0]->payload, want, sizeof(want)),
		      "payload: keepalived's example, %zu bytes", k[0]->payload_len);
		CHECK(k[0]->require_reply && k[0]->reply_len == 3 &&
		      k[0]->reply[0] == 0x12 && k[0]->reply_mask[0] == 0xff &&
		      k[0]->reply_mask[1] == 0 && k[0]->reply[2] == 0x0f &&
		      k[0]->min_reply == 3 && k[0]->max_reply == 255,
		      "require_reply with wildcards");
		CHECK(k[1]->require_reply && !k[1]->reply_len &&
		      k[1]->connect_timeout_ms == 4000, "require_reply alone");
		CHECK(!k[2]->require_reply && !k[2]->payload_len &&
		      k[2]->retry == 1 && k[2]->delay_before_retry_ms == 1000,
		      "UDP_CHECK defaults");
		CHECK(k[3]->type == CHECK_PING && k[3]->retry == 2, "PING_CHECK");
		CHECK(!check_conf_equal(k[0], k[2]) && check_conf_equal(k[2], k[2]),
		      "payloads compared on reload");
	}
	config_free(c);
	expect_error(VS RS "UDP_CHECK {\npayload 12 zz\n}\n}\n}\n",
		     "t.conf:4: payload: 'zz' is not hexadecimal");
	expect_error(VS RS "UDP_CHECK {\nmin_reply_length 9\nmax_reply_length 3\n}\n}\n}\n",
		     "t.conf:3: UDP_CHECK: min_reply_length 9 > max_reply_length 3");
	expect_error(VS RS "PING_CHECK {\npayload 12\n}\n}\n}\n",
		     "t.conf:4: unknown keyword 'payload' in PING_CHECK");
}

/* One file for keepalived and l4lbd: its blocks skipped, one notice each. */
static void test_skip(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("s.conf",
		"global_defs {\n"
		"  notification_email {\n    ops@example.com\n  }\n"
		"  router_id LB1\n"
		"  resync_interval 3\n"
		"  router_id LB2\n"
		"}\n"
		"vrrp_script chk {\n  script \"/bin/true\"\n}\n"
		"vrrp_instance VI_1 {\n  state MASTER\n  virtual_ipaddress {\n    10.0.0.100\n  }\n  track_script {\n    chk\n  }\n}\n"
		"vrrp_instance VI_2 {\n  state BACKUP\n}\n"
		"static_ipaddress {\n  10.0.0.1/24 dev eth0\n}\n"
		"virtual_server 10.0.0.100 80 {\n  protocol TCP\n  lb_kind DR\n  lb_algo rr\n"
		"  smtp_alert\n"
		"  real_server 10.0.0.11 80 {\n    smtp_alert true\n  }\n}\n",
		&errs);

	CHECK(c && c->nvs == 1 && c->resync_ms == 3000 && !errs.nwarn,
	      "skip: %s", errs.n ? errs.msg[0] : "");
	CHECK(errs.nnote == 6, "notices: %zu", errs.nnote);
	CHECK(has_msg(errs.note, errs.nnote, "s.conf:2: skipping global_defs notification_email (keepalived's; l4lbd does not use it)") &&
	      has_msg(errs.note, errs.nnote, "s.conf:5: skipping global_defs router_id") &&
	      has_msg(errs.note, errs.nnote, "s.conf:9: skipping vrrp_script") &&
	      has_msg(errs.note, errs.nnote, "s.conf:12: skipping vrrp_instance") &&
	      has_msg(errs.note, errs.nnote, "s.conf:24: skipping static_ipaddress") &&
	      has_msg(errs.note, errs.nnote, "s.conf:31: skipping smtp_alert (keepalived's, nothing for l4lbd to do)"),
	      "notice texts: %s", errs.nnote ? errs.note[0] : "");
	config_free(c);
}

/* global_defs lvs_sync_daemon: keepalived's syntax, read for both roles. */
static void test_sync_daemon(void)
{
	struct config_errors errs;
	struct config *c;
	const struct l4lb_daemon *d;

	c = config_parse_string("sd.conf",
		"global_defs {\n"
		"  lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 9000 ttl 2 group ff02::81\n"
		"  router_id LB1\n"
		"}\n" VSR("TCP"), &errs);
	CHECK(c && !errs.n, "lvs_sync_daemon: %s", errs.n ? errs.msg[0] : "");
	if (c) {
		d = &c->sync.d;
		CHECK(c->sync.on && !strcmp(d->ifname, "eth1") &&
		      !strcmp(c->sync.instance, "VI_1") && d->syncid == 7 &&
		      d->maxlen == 1400 && d->port == 9000 && d->ttl == 2 &&
		      d->group_family == AF_INET6 &&
		      d->set == (L4LB_HAS_SYNCID | L4LB_HAS_MAXLEN |
				 L4LB_HAS_MCAST_PORT | L4LB_HAS_TTL |
				 L4LB_HAS_GROUP),
		      "lvs_sync_daemon fields: %s set %#x", d->ifname, d->set);
		CHECK(errs.nnote == 1, "only router_id skipped: %zu notices",
		      errs.nnote);
	}
	config_free(c);
	c = config_parse_string("sd.conf",
		"global_defs {\n  lvs_sync_daemon eth0 VI_1\n}\n" VSR("TCP"),
		&errs);
	CHECK(c && c->sync.on && !c->sync.d.set &&
	      !strcmp(c->sync.d.ifname, "eth0"), "lvs_sync_daemon, defaults");
	config_free(c);
	c = config_parse_string("sd.conf", VSR("TCP"), &errs);
	CHECK(c && !c->sync.on, "no lvs_sync_daemon: no sync");
	config_free(c);
	expect_error("global_defs {\n  lvs_sync_daemon eth0 VI_1 id 256\n}\n" VSR("TCP"),
		     "t.conf:2: id: '256' is not an integer in 0..255");
	expect_error("global_defs {\n  lvs_sync_daemon eth0 VI_1 group 10.0.0.1\n}\n" VSR("TCP"),
		     "t.conf:2: lvs_sync_daemon: group '10.0.0.1' is not a multicast address");
	expect_error("global_defs {\n  lvs_sync_daemon eth0 VI_1 speed 3\n}\n" VSR("TCP"),
		     "t.conf:2: lvs_sync_daemon: unknown option 'speed'");
	expect_error("global_defs {\n  lvs_sync_daemon\n}\n" VSR("TCP"),
		     "t.conf:2: 'lvs_sync_daemon' needs an interface");
	expect_error("global_defs {\n  lvs_sync_daemon eth0 VI_1 ttl\n}\n" VSR("TCP"),
		     "t.conf:2: lvs_sync_daemon: 'ttl' needs a value");
	expect_error("global_defs {\n  lvs_sync_daemon eth0 VI_1\n  lvs_sync_daemon eth1 VI_1\n}\n" VSR("TCP"),
		     "t.conf:3: lvs_sync_daemon given twice (first at line 2)");
}

static char tmpdir[64];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct config *parse_tmp(const char *name, struct config_errors *errs)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return config_parse_file(path, errs);
}

#define VS_TCP(port) "virtual_server 10.0.0.100 " port " {\nprotocol TCP\nlb_kind NAT\nlb_algo rr\nreal_server 10.0.0.11 80 {\n}\n}\n"

/* include with a glob, relative to the including file; loops; safety. */
static void test_files(void)
{
	struct config_errors errs;
	struct config *c;
	char path[256];

	strcpy(tmpdir, "/tmp/l4lbd-test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		SKIP("mkdtemp: no temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	mkdir(path, 0700);
	put("main.conf", "include conf.d/*.conf\n" VS_TCP("80"));
	put("conf.d/a.conf", VS_TCP("81"));
	put("conf.d/b.conf", "include ../more.conf\n" VS_TCP("82"));
	put("more.conf", VS_TCP("83"));
	c = parse_tmp("main.conf", &errs);
	CHECK(c && c->nvs == 4, "include glob: %s", errs.n ? errs.msg[0] : "");
	config_free(c);

	put("loop.conf", "include loop2.conf\n" VS_TCP("80"));
	put("loop2.conf", "\ninclude loop.conf\n");
	c = parse_tmp("loop.conf", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "loop2.conf:2: include loop: ") &&
	      strstr(errs.msg[0], "loop.conf is already being read"),
	      "include loop: %s", errs.n ? errs.msg[0] : "");
	config_free(c);

	put("missing.conf", VS_TCP("80") "include nothere.conf\ninclude none*.conf\n");
	c = parse_tmp("missing.conf", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "missing.conf:8: include ") &&
	      strstr(errs.msg[0], "nothere.conf: No such file or directory") &&
	      errs.nnote == 1 && strstr(errs.note[0], "matches no file"),
	      "include missing: %s", errs.n ? errs.msg[0] : "");
	config_free(c);

	put("bad.conf", "include conf.d/*.conf\nvirtual_server 10.0.0.100 80 {\nprotocol X\n}\n");
	put("conf.d/c.conf", "\n\nvirtual_server 1.2.3 80 {\n}\n");
	c = parse_tmp("bad.conf", &errs);
	CHECK(!c && errs.n == 2 && strstr(errs.msg[0], "conf.d/c.conf:3: virtual_server: '1.2.3' is not an IPv4 address") &&
	      strstr(errs.msg[1], "bad.conf:3: protocol: 'X'"),
	      "errors name the included file: %s", errs.n ? errs.msg[0] : "");
	config_free(c);

	/* Refused: nothing to run, which would remove every service. */
	put("empty.conf", "");
	c = parse_tmp("empty.conf", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "empty.conf: no virtual_server: refusing"),
	      "empty: %s", errs.n ? errs.msg[0] : "");
	put("comments.conf", "# nothing\n! here\nvrrp_instance VI {\n}\n");
	c = parse_tmp("comments.conf", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "no virtual_server"),
	      "comments only: %s", errs.n ? errs.msg[0] : "");
	c = parse_tmp("conf.d", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "conf.d: is a directory, not a configuration file"),
	      "directory: %s", errs.n ? errs.msg[0] : "");
	put("dirinc.conf", VS_TCP("80") "include conf.d\n");
	c = parse_tmp("dirinc.conf", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "dirinc.conf:8: ") &&
	      strstr(errs.msg[0], "conf.d: is a directory"),
	      "include of a directory: %s", errs.n ? errs.msg[0] : "");
	put("allow.conf", "global_defs {\nl4lbd_allow_empty\n}\n");
	c = parse_tmp("allow.conf", &errs);
	CHECK(c && c->nvs == 0 && c->allow_empty, "l4lbd_allow_empty: %s",
	      errs.n ? errs.msg[0] : "");
	config_free(c);
	put("noallow.conf", "global_defs {\nl4lbd_allow_empty false\n}\n");
	c = parse_tmp("noallow.conf", &errs);
	CHECK(!c, "l4lbd_allow_empty false");
	config_free(c);
	put("nul.conf", VS_TCP("80"));
	snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
	{
		FILE *f = fopen(path, "a");

		if (f) {
			fputc('\0', f);
			fclose(f);
		}
	}
	c = parse_tmp("nul.conf", &errs);
	CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "contains a NUL byte"),
	      "NUL: %s", errs.n ? errs.msg[0] : "");
	if (geteuid() == 0) {
		SKIP("unreadable file: running as root");
	} else {
		put("secret.conf", VS_TCP("80"));
		snprintf(path, sizeof(path), "%s/secret.conf", tmpdir);
		chmod(path, 0);
		c = parse_tmp("secret.conf", &errs);
		CHECK(!c && errs.n == 1 && strstr(errs.msg[0], "Permission denied"),
		      "unreadable: %s", errs.n ? errs.msg[0] : "");
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
	if (system(path) != 0)
		printf("could not remove %s\n", tmpdir);
}

int main(void)
{
	test_example();
	test_keepalived();
	test_skip();
	test_files();
	test_udp_ping();
	test_oneliner();
	test_ipv6();
	test_persistence();
	test_errors();
	test_tun();
	test_l4lb_features();
	test_sync_daemon();
	TEST_DONE();
}
