// SPDX-License-Identifier: GPL-2.0
/* test_config.c - the configuration parser: a good file, every error. */
#include <arpa/inet.h>

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
	expect_error(VS "lb_algo lc\n}\n",
		     "t.conf:2: not supported by l4lbd yet: lb_algo lc (the l4lb module has rr, wrr)");
	expect_error(VS "lvs_sched wlc\n}\n",
		     "t.conf:2: not supported by l4lbd yet: lvs_sched wlc (the l4lb module has rr, wrr)");
	expect_error(VS "lb_algo fastest\n}\n",
		     "t.conf:2: lb_algo: 'fastest' is not a scheduler");
	expect_error(VS "lb_kind TUN\n}\n",
		     "t.conf:2: not supported by l4lbd: lb_kind TUN (l4lb forwards by DR or NAT)");
	expect_error(VS "lvs_method TUN type gue port 6080\n}\n",
		     "t.conf:2: not supported by l4lbd: lvs_method TUN");
	expect_error(VS "lb_kind LOCAL\n}\n",
		     "t.conf:2: lb_kind: 'LOCAL' is not DR or NAT");
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
	expect_error(VS "persistence_timeout 300\n}\n",
		     "t.conf:2: not supported by l4lbd yet: persistence_timeout (l4lb has no persistence yet)");
	expect_error(VS "persistence_granularity 255.255.255.0\n}\n",
		     "t.conf:2: not supported by l4lbd yet: persistence_granularity");
	expect_error("virtual_server fwmark 1 {\n}\n",
		     "t.conf:1: not supported by l4lbd yet: virtual_server fwmark (l4lb has no fwmark services yet)");
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
	expect_error(VS RS "uthreshold 100\n}\n}\n",
		     "t.conf:3: not supported by l4lbd: uthreshold");
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

int main(void)
{
	test_example();
	test_oneliner();
	test_ipv6();
	test_errors();
	TEST_DONE();
}
