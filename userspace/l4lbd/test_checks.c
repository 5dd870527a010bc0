// SPDX-License-Identifier: GPL-2.0
/*
 * test_checks.c - TCP_CHECK and HTTP_GET probes on the event loop against
 * local listeners, over IPv6 (::1) and IPv4 (127.0.0.1): one probe each,
 * with an exact UP or DOWN result and reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "l4lbd.h"
#include "test.h"

/* A listening socket on @host, port chosen by the kernel; -1 if none. */
static int listener(const char *host, bool do_listen, uint16_t *port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	socklen_t len;
	int fd, family = strchr(host, ':') ? AF_INET6 : AF_INET;

	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, host, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, host, &s4->sin_addr);
		len = sizeof(*s4);
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (do_listen && listen(fd, 16) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? s6->sin6_port : s4->sin_port);
	return fd;
}

/* --- a minimal HTTP server on the loop ---------------------------------- */

static struct http_server {
	struct watch lw, cw;
	int status;		/* the answer's status code */
	char req[4096];		/* the last request's head */
	size_t reqlen;
	char peer[INET6_ADDRSTRLEN];
} srv;

static void srv_client(struct watch *w, uint32_t events)
{
	char resp[128];
	ssize_t n;
	int len;

	(void)events;
	n = read(w->fd, srv.req + srv.reqlen, sizeof(srv.req) - 1 - srv.reqlen);
	if (n > 0) {
		srv.reqlen += (size_t)n;
		srv.req[srv.reqlen] = '\0';
		if (!strstr(srv.req, "\r\n\r\n") &&
		    srv.reqlen < sizeof(srv.req) - 1)
			return;
		len = snprintf(resp, sizeof(resp),
			       "HTTP/1.0 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
			       srv.status);
		if (write(w->fd, resp, (size_t)len) != len)
			printf("# short write\n");
	} else if (n < 0 && errno == EAGAIN) {
		return;
	}
	watch_del(w);
	close(w->fd);
	w->fd = -1;
}

static void srv_accept(struct watch *w, uint32_t events)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	(void)events;
	fd = accept4(w->fd, (struct sockaddr *)&ss, &len,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (srv.cw.fd >= 0) {
		watch_del(&srv.cw);
		close(srv.cw.fd);
	}
	srv.reqlen = 0;
	srv.req[0] = '\0';
	inet_ntop(ss.ss_family, ss.ss_family == AF_INET6 ?
		  (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
		  (void *)&((struct sockaddr_in *)&ss)->sin_addr,
		  srv.peer, sizeof(srv.peer));
	srv.cw.fd = fd;
	srv.cw.fn = srv_client;
	watch_add(&srv.cw, EPOLLIN);
}

static bool srv_start(const char *host, uint16_t *port)
{
	srv.lw.fd = listener(host, true, port);
	srv.lw.fn = srv_accept;
	srv.cw.fd = -1;
	srv.status = 200;
	return srv.lw.fd >= 0 && watch_add(&srv.lw, EPOLLIN) == 0;
}

static void srv_stop(void)
{
	if (srv.cw.fd >= 0) {
		watch_del(&srv.cw);
		close(srv.cw.fd);
		srv.cw.fd = -1;
	}
	watch_del(&srv.lw);
	close(srv.lw.fd);
	srv.lw.fd = -1;
}

/* --- probes -------------------------------------------------------------- */

/*
 * Parse @conf (one virtual server, one real server, one check with rise 1
 * and retry 1), run one probe of the check, starting in the state opposite
 * to @want_up; check the state it ends in and the reason of a failure.
 */
static void probe(const char *what, const char *conf, bool want_up,
		  const char *want_reason)
{
	struct config_errors errs;
	struct config *c = config_parse_string(what, conf, &errs);
	unsigned long long before = probes_done;
	struct check *k;
	uint64_t deadline;

	CHECK(c && c->nvs == 1 && c->vs[0]->nrs == 1 &&
	      c->vs[0]->rs[0]->nchecks == 1, "%s: config: %s", what,
	      errs.n ? errs.msg[0] : "");
	if (!c || c->nvs != 1 || c->vs[0]->nrs != 1 ||
	    c->vs[0]->rs[0]->nchecks != 1) {
		config_free(c);
		return;
	}
	k = c->vs[0]->rs[0]->checks[0];
	srv.reqlen = 0;
	srv.req[0] = '\0';
	hc_state_init(&k->st, !want_up, 1, 1);
	check_start(k, 0);
	deadline = now_ms() + 5000;
	while (probes_done == before && now_ms() < deadline)
		loop_once(100);
	check_stop(k);
	CHECK(probes_done == before + 1, "%s: %llu probes", what,
	      probes_done - before);
	CHECK(k->st.up == want_up, "%s: %s, want %s (%s)", what,
	      k->st.up ? "UP" : "DOWN", want_up ? "UP" : "DOWN", k->reason);
	if (want_reason)
		CHECK(!strcmp(k->reason, want_reason), "%s: reason '%s', want '%s'",
		      what, k->reason, want_reason);
	config_free(c);
	/* Let curl close what it still holds. */
	loop_once(0);
}

/* Arguments: virtual address and port, real address and port, then the check's. */
#define CONF(check)							\
	"virtual_server %s %u {\n"					\
	"  real_server %s %u {\n"					\
	"    " check "\n"						\
	"  }\n"								\
	"}\n"

static char conf[1024];

#define FMT(...) (snprintf(conf, sizeof(conf), __VA_ARGS__), conf)

static void test_tcp(const char *lo, const char *vip)
{
	uint16_t port, closed;
	int lfd = listener(lo, true, &port);
	int cfd = listener(lo, false, &closed);	/* bound, not listening */
	bool v6 = strchr(lo, ':');
	char tmp[256], want[256];

	CHECK(lfd >= 0 && cfd >= 0, "listeners on %s", lo);
	if (lfd < 0 || cfd < 0)
		goto out;

	snprintf(tmp, sizeof(tmp), "TCP_CHECK %s up", lo);
	probe(tmp, FMT(CONF("TCP_CHECK { connect_timeout 2 retry 1 rise 1 }"),
		       vip, port, lo, port), true, NULL);

	snprintf(tmp, sizeof(tmp), "TCP_CHECK %s refused", lo);
	probe(tmp, FMT(CONF("TCP_CHECK { connect_timeout 2 retry 1 rise 1 }"),
		       vip, closed, lo, closed), false,
	      "TCP connect: Connection refused");

	/* connect_ip and connect_port: the real server is never contacted. */
	snprintf(tmp, sizeof(tmp), "TCP_CHECK %s connect_ip", lo);
	probe(tmp, FMT(CONF("TCP_CHECK { connect_ip %s connect_port %u retry 1 rise 1 }"),
		       vip, closed, v6 ? "2001:db8::11" : "192.0.2.11", closed,
		       lo, port), true, NULL);

	snprintf(tmp, sizeof(tmp), "TCP_CHECK %s bindto", lo);
	probe(tmp, FMT(CONF("TCP_CHECK { bindto %s retry 1 rise 1 }"),
		       vip, port, lo, port, lo), true, NULL);

	/* bindto an address that is not local: the bind fails. */
	snprintf(tmp, sizeof(tmp), "TCP_CHECK %s bindto not local", lo);
	snprintf(want, sizeof(want), "TCP bind %s: Cannot assign requested address",
		 v6 ? "2001:db8::99" : "192.0.2.99");
	probe(tmp, FMT(CONF("TCP_CHECK { bindto %s retry 1 rise 1 }"),
		       vip, port, lo, port, v6 ? "2001:db8::99" : "192.0.2.99"),
	      false, want);
out:
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
}

static void test_http(const char *lo, const char *vip)
{
	bool v6 = strchr(lo, ':');
	char tmp[256], want[256];
	uint16_t port;

	CHECK(srv_start(lo, &port), "HTTP server on %s", lo);
	if (srv.lw.fd < 0)
		return;

	snprintf(tmp, sizeof(tmp), "HTTP_GET %s 200", lo);
	probe(tmp, FMT(CONF("HTTP_GET { url { path /health status_code 200 } connect_timeout 2 retry 1 rise 1 }"),
		       vip, port, lo, port), true, NULL);
	CHECK(!strncmp(srv.req, "GET /health HTTP/1.1\r\n", 22),
	      "%s: request '%.40s'", tmp, srv.req);
	/* curl writes the Host of an IPv6 literal in brackets, as keepalived. */
	snprintf(want, sizeof(want), v6 ? "\r\nHost: [%s]:%u\r\n" : "\r\nHost: %s:%u\r\n",
		 lo, port);
	CHECK(strstr(srv.req, want) != NULL, "%s: want '%s' in '%s'", tmp,
	      want + 2, srv.req);

	srv.status = 503;
	snprintf(tmp, sizeof(tmp), "HTTP_GET %s 503", lo);
	probe(tmp, FMT(CONF("HTTP_GET { url { path /health } connect_timeout 2 retry 1 rise 1 }"),
		       vip, port, lo, port), false, "HTTP_GET /health: status 503");
	srv.status = 200;

	snprintf(tmp, sizeof(tmp), "HTTP_GET %s virtualhost", lo);
	probe(tmp, FMT(CONF("HTTP_GET { url { path / } virtualhost www.example.com retry 1 rise 1 }"),
		       vip, port, lo, port), true, NULL);
	CHECK(strstr(srv.req, "\r\nHost: www.example.com\r\n") != NULL,
	      "%s: Host in '%s'", tmp, srv.req);

	/* connect_ip/connect_port and bindto: from and to the loopback. */
	snprintf(tmp, sizeof(tmp), "HTTP_GET %s connect_ip bindto", lo);
	srv.peer[0] = '\0';
	probe(tmp, FMT(CONF("HTTP_GET { url { path / } connect_ip %s connect_port %u bindto %s retry 1 rise 1 }"),
		       vip, 80, v6 ? "2001:db8::11" : "192.0.2.11", 80, lo, port,
		       lo), true, NULL);
	CHECK(!strcmp(srv.peer, lo), "%s: peer %s", tmp, srv.peer);

	snprintf(tmp, sizeof(tmp), "HTTP_GET %s bindto not local", lo);
	probe(tmp, FMT(CONF("HTTP_GET { url { path / } bindto %s retry 1 rise 1 }"),
		       vip, port, lo, port, v6 ? "2001:db8::99" : "192.0.2.99"),
	      false, "HTTP_GET: Failed binding local connection end");
	srv_stop();
}


/* --- UDP_CHECK and PING_CHECK ------------------------------------------- */

static struct watch echo_w;

/* The UDP echo server: every datagram back to its sender. */
static void echo_event(struct watch *w, uint32_t events)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[2048];
	ssize_t n;

	(void)events;
	while ((n = recvfrom(w->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&ss, &len)) >= 0) {
		if (sendto(w->fd, buf, (size_t)n, 0, (struct sockaddr *)&ss, len) < 0)
			printf("# echo: %s\n", strerror(errno));
		len = sizeof(ss);
	}
}

/* A UDP socket on @host, port chosen by the kernel; -1 if none. */
static int udp_socket(const char *host, uint16_t *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	bool v6 = strchr(host, ':');
	socklen_t len = v6 ? sizeof(*s6) : sizeof(*s4);
	int fd = socket(v6 ? AF_INET6 : AF_INET,
			SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = v6 ? AF_INET6 : AF_INET;
	if (v6)
		inet_pton(AF_INET6, host, &s6->sin6_addr);
	else
		inet_pton(AF_INET, host, &s4->sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(v6 ? s6->sin6_port : s4->sin_port);
	return fd;
}

static void test_udp(const char *lo, const char *vip)
{
	uint16_t echo, silent, closed;
	int efd = udp_socket(lo, &echo), sfd = udp_socket(lo, &silent);
	int cfd = udp_socket(lo, &closed);
	char tmp[256];

	CHECK(efd >= 0 && sfd >= 0 && cfd >= 0, "UDP sockets on %s", lo);
	if (efd < 0 || sfd < 0 || cfd < 0)
		return;
	close(cfd);	/* its port is closed now: ICMP port unreachable */
	echo_w.fd = efd;
	echo_w.fn = echo_event;
	watch_add(&echo_w, EPOLLIN);

	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s reply", lo);
	probe(tmp, FMT(CONF("UDP_CHECK { connect_timeout 2 }"), vip, echo, lo,
		       echo), true, NULL);
	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s port unreachable", lo);
	probe(tmp, FMT(CONF("UDP_CHECK { connect_timeout 2 }"), vip, closed,
		       lo, closed), false, "UDP_CHECK: Connection refused");
	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s silent, no reply required", lo);
	probe(tmp, FMT(CONF("UDP_CHECK { connect_timeout 0.3 }"), vip, silent,
		       lo, silent), true, NULL);
	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s silent, reply required", lo);
	probe(tmp, FMT(CONF("UDP_CHECK {\nconnect_timeout 0.3\nrequire_reply\n}"),
		       vip, silent, lo, silent), false,
	      "UDP_CHECK timeout: no reply");
	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s reply matches", lo);
	probe(tmp, FMT(CONF("UDP_CHECK {\npayload 68 69 7\nrequire_reply 6x 69 07\n}"),
		       vip, echo, lo, echo), true, NULL);
	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s reply differs", lo);
	probe(tmp, FMT(CONF("UDP_CHECK {\npayload 6869\nrequire_reply 68 70\n}"),
		       vip, echo, lo, echo), false,
	      "UDP_CHECK reply differs at byte 1");
	snprintf(tmp, sizeof(tmp), "UDP_CHECK %s reply too short", lo);
	probe(tmp, FMT(CONF("UDP_CHECK {\npayload 6869\nrequire_reply\nmin_reply_length 10\n}"),
		       vip, echo, lo, echo), false,
	      "UDP_CHECK reply of 2 bytes, want 10..255");
	watch_del(&echo_w);
	close(efd);
	close(sfd);
}

static void test_ping(const char *lo, const char *vip, const char *nowhere)
{
	char tmp[256];

	snprintf(tmp, sizeof(tmp), "PING_CHECK %s", lo);
	probe(tmp, FMT(CONF("PING_CHECK { connect_timeout 2 }"), vip, 80, lo,
		       80), true, NULL);
	snprintf(tmp, sizeof(tmp), "PING_CHECK %s bindto", lo);
	probe(tmp, FMT(CONF("PING_CHECK {\nbindto %s\n}"), vip, 80, lo, 80, lo),
	      true, NULL);
	/* No answer from a documentation address (or no route to it). */
	snprintf(tmp, sizeof(tmp), "PING_CHECK %s", nowhere);
	probe(tmp, FMT(CONF("PING_CHECK { connect_timeout 0.3 }"), vip, 80,
		       nowhere, 80), false, NULL);
}

/* ha_suspend: no probe while the VIP is not local; then probes again. */
static void test_ha_suspend(void)
{
	struct config_errors errs;
	struct ipaddr here = { .family = AF_INET }, there = { .family = AF_INET };
	unsigned long long before;
	struct config *c;
	struct check *k;
	uint16_t port;
	uint64_t t;
	int lfd = listener("127.0.0.1", true, &port);

	inet_pton(AF_INET, "127.0.0.1", &here.u);
	inet_pton(AF_INET, "198.51.100.77", &there.u);
	CHECK(ipaddr_is_local(&here) && !ipaddr_is_local(&there),
	      "ipaddr_is_local: 127.0.0.1 here, 198.51.100.77 not");
	c = config_parse_string("ha.conf",
		FMT("virtual_server 10.0.0.100 %u {\nha_suspend\nreal_server 127.0.0.1 %u {\n"
		    "TCP_CHECK {\nconnect_timeout 1\ndelay_loop 0.1\n}\n}\n}\n", port, port),
		&errs);
	CHECK(c && c->vs[0]->ha_suspend, "ha_suspend: %s", errs.n ? errs.msg[0] : "");
	if (!c || lfd < 0) {
		config_free(c);
		if (lfd >= 0)
			close(lfd);
		return;
	}
	k = c->vs[0]->rs[0]->checks[0];
	hc_state_init_check(k, true);
	c->vs[0]->vip_local = false;
	before = probes_done;
	check_start(k, 0);
	for (t = now_ms(); now_ms() - t < 400;)
		loop_once(50);
	CHECK(probes_done == before && k->st.up, "suspended: %llu probes",
	      probes_done - before);
	c->vs[0]->vip_local = true;
	for (t = now_ms(); probes_done == before && now_ms() - t < 3000;)
		loop_once(50);
	CHECK(probes_done > before, "resumed: %llu probes", probes_done - before);
	check_stop(k);
	config_free(c);
	close(lfd);
}

int main(void)
{
	uint16_t port;
	int fd;

	if (loop_init() < 0 || checks_init() < 0) {
		CHECK(false, "loop_init/checks_init");
		TEST_DONE();
	}
	test_tcp("127.0.0.1", "10.0.0.100");
	test_http("127.0.0.1", "10.0.0.100");
	test_udp("127.0.0.1", "10.0.0.100");
	test_ping("127.0.0.1", "10.0.0.100", "198.51.100.77");
	test_ha_suspend();
	fd = listener("::1", true, &port);
	if (fd < 0) {
		SKIP("IPv6 probes: no ::1 here (%s)", strerror(errno));
	} else {
		close(fd);
		test_tcp("::1", "2001:db8::10");
		test_http("::1", "2001:db8::10");
		test_udp("::1", "2001:db8::10");
		test_ping("::1", "2001:db8::10", "2001:db8::99");
	}
	checks_cleanup();
	TEST_DONE();
}
