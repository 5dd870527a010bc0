// SPDX-License-Identifier: GPL-2.0
/*
 * test_metrics.c - the Prometheus text rendered from a configuration and
 * a module dump, the failure classes, and /metrics served by
 * libmicrohttpd from the event loop to a client in another process.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "l4lbd.h"
#include "test.h"

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

#define HAS(text, line) CHECK(has_line(text, line), "no line '%s'", line)

static struct config *sample(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("m.conf",
		"virtual_server 10.0.0.100 80 {\n"
		"protocol TCP\nlb_algo rr\nlb_kind DR\nquorum 2\n"
		"real_server 10.0.0.11 80 {\nweight 2\n"
		"TCP_CHECK {\n}\n"
		"HTTP_GET {\nurl {\npath \"/he\\\"alth\"\n}\n}\n"
		"}\n"
		"real_server 10.0.0.12 80 {\n}\n"
		"}\n", &errs);

	CHECK(c != NULL, "sample: %s", errs.n ? errs.msg[0] : "");
	return c;
}

static void test_render(void)
{
	struct config *c = sample();
	struct l4lb_service svc = { .protocol = IPPROTO_TCP, .family = AF_INET,
				    .port = 80 };
	struct l4lb_dest d[2] = {
		{ .family = AF_INET, .port = 80, .weight = 0,
		  .flags = L4LB_DEST_F_DOWN, .active_conns = 3,
		  .inactive_conns = 4 },
		{ .family = AF_INET, .port = 80, .weight = 1 },
	};
	struct l4lb_service_list l = { .n = 1, .svcs = &svc };
	struct l4lb_info info = { .conn_count = 7, .conn_max = 1024,
				  .conn_limit = 512, .conn_evicted = 9,
				  .drop_no_dest = 5, .drop_table_full = 6 };
	struct metrics_daemon md = { .last_reload_ok = 0, .reloads_ok = 2,
				     .reloads_refused = 1, .kernel_ok = 1 };
	struct check *k;
	size_t len;
	char *out;

	if (!c)
		return;
	inet_pton(AF_INET, "10.0.0.100", &svc.addr);
	inet_pton(AF_INET, "10.0.0.11", &d[0].addr);
	inet_pton(AF_INET, "10.0.0.12", &d[1].addr);
	svc.dests = d;
	svc.ndests = 2;
	svc.stats = (struct l4lb_stats){ .conns = 100, .pkts_in = 1000,
		.bytes_in = 46000, .conn_rate = 5 };
	d[0].stats.conns = 40;
	c->vs[0]->rs[0]->up = false;
	c->vs[0]->rs[1]->up = true;
	c->vs[0]->quorum_ok = false;
	c->vs[0]->rs[0]->checks[1]->st.up = true;
	k = c->vs[0]->rs[0]->checks[0];
	k->st.up = false;
	k->last_ok = 0;
	k->last_ms = 1500;
	k->probes = 12;
	k->failures[FAIL_TIMEOUT] = 2;
	k->failures[FAIL_REFUSED] = 1;

	out = metrics_render(c, &l, &info, &md, &len);
	CHECK(out && strlen(out) == len, "rendered");
	if (!out) {
		config_free(c);
		return;
	}
	HAS(out, "# TYPE l4lb_service_connections_total counter");
	HAS(out, "l4lb_service_connections_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\"} 100");
	HAS(out, "l4lb_service_incoming_packets_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\"} 1000");
	HAS(out, "l4lb_service_incoming_bytes_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\"} 46000");
	HAS(out, "# TYPE l4lb_service_connections_per_second gauge");
	HAS(out, "l4lb_service_connections_per_second{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\"} 5");
	HAS(out, "l4lb_backend_connections_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 40");
	HAS(out, "l4lb_backend_connections_active{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 3");
	HAS(out, "l4lb_backend_connections_inactive{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 4");
	HAS(out, "l4lb_backend_weight{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 0");
	HAS(out, "l4lb_backend_down{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 1");
	HAS(out, "l4lb_backend_down{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.12\",remote_port=\"80\"} 0");
	HAS(out, "l4lb_connection_table_entries 7");
	HAS(out, "l4lb_connection_table_max_entries 1024");
	HAS(out, "l4lb_connection_evictions_total 9");
	HAS(out, "l4lb_drops_total{reason=\"no_dest\"} 5");
	HAS(out, "l4lb_drops_total{reason=\"table_full\"} 6");
	HAS(out, "l4lbd_backend_up{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 0");
	HAS(out, "l4lbd_backend_up{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.12\",remote_port=\"80\"} 1");
	HAS(out, "l4lbd_backend_weight{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\"} 2");
	HAS(out, "l4lbd_check_up{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"TCP_CHECK\",check_index=\"0\"} 0");
	HAS(out, "l4lbd_check_last_success{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"TCP_CHECK\",check_index=\"0\"} 0");
	HAS(out, "l4lbd_check_last_duration_seconds{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"TCP_CHECK\",check_index=\"0\"} 1.500");
	HAS(out, "l4lbd_check_probes_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"TCP_CHECK\",check_index=\"0\"} 12");
	HAS(out, "l4lbd_check_failures_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"TCP_CHECK\",check_index=\"0\",reason=\"timeout\"} 2");
	HAS(out, "l4lbd_check_failures_total{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"TCP_CHECK\",check_index=\"0\",reason=\"refused\"} 1");
	/* A label value is escaped; no last probe: no last_* sample. */
	HAS(out, "l4lbd_check_up{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"HTTP_GET\",check_index=\"1\",path=\"/he\\\"alth\"} 1");
	CHECK(!strstr(out, "l4lbd_check_last_success{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.11\",remote_port=\"80\",check=\"HTTP_GET\""),
	      "no last_success before the first probe");
	HAS(out, "l4lbd_virtual_server_quorum_up{local_address=\"10.0.0.100\",local_port=\"80\",proto=\"TCP\"} 0");
	HAS(out, "l4lbd_config_last_reload_successful 0");
	HAS(out, "l4lbd_config_reloads_total{result=\"applied\"} 2");
	HAS(out, "l4lbd_config_reloads_total{result=\"refused\"} 1");
	HAS(out, "l4lbd_kernel_reachable 1");
	/* Every sample's family has its HELP and TYPE before it. */
	{
		char *copy = strdup(out), *line, *save = NULL, fam[128] = "";
		bool ok = true;

		for (line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "# TYPE ", 7)) {
				sscanf(line + 7, "%127s", fam);
			} else if (line[0] != '#') {
				size_t n = strlen(fam);

				if (!n || strncmp(line, fam, n) ||
				    (line[n] != '{' && line[n] != ' ')) {
					ok = false;
					printf("sample outside its family %s: %s\n", fam, line);
					break;
				}
			}
		}
		CHECK(ok, "samples grouped under their TYPE");
		free(copy);
	}
	free(out);

	/* Without the module: l4lbd's part only. */
	out = metrics_render(c, NULL, NULL, NULL, &len);
	CHECK(out && !strstr(out, "l4lb_service_") &&
	      strstr(out, "l4lbd_backend_up{"), "no module: daemon metrics only");
	free(out);
	config_free(c);
}

/* A fwmark service: node_exporter's local_mark, no address or port. */
static void test_fwmark(void)
{
	struct config_errors errs;
	struct config *c = config_parse_string("f.conf",
		"virtual_server fwmark 7 {\nlb_algo rr\nlb_kind DR\n"
		"real_server 10.0.0.11 {\n}\n}\n", &errs);
	struct l4lb_dest d = { .family = AF_INET, .weight = 1 };
	struct l4lb_service svc = { .fwmark = 7, .family = AF_INET6,
				    .ndests = 1, .dests = &d };
	struct l4lb_service_list l = { .n = 1, .svcs = &svc };
	size_t len;
	char *out;

	CHECK(c != NULL, "fwmark: %s", errs.n ? errs.msg[0] : "");
	if (!c)
		return;
	inet_pton(AF_INET, "10.0.0.11", &d.addr);
	out = metrics_render(c, &l, NULL, NULL, &len);
	CHECK(out != NULL, "rendered");
	if (out) {
		HAS(out, "l4lbd_backend_weight{local_address=\"\",local_port=\"0\",proto=\"FWM\",local_mark=\"7\",family=\"IPv4\",remote_address=\"10.0.0.11\",remote_port=\"0\"} 1");
		HAS(out, "l4lb_backend_weight{local_address=\"\",local_port=\"0\",proto=\"FWM\",local_mark=\"7\",family=\"IPv6\",remote_address=\"10.0.0.11\",remote_port=\"0\"} 1");
	}
	free(out);
	config_free(c);
}

static void test_reasons(void)
{
	CHECK(fail_reason_of("TCP connect timeout") == FAIL_TIMEOUT, "timeout");
	CHECK(fail_reason_of("HTTP_GET timeout after 1000 ms") == FAIL_TIMEOUT, "http timeout");
	CHECK(fail_reason_of("TCP connect: Connection refused") == FAIL_REFUSED, "refused");
	CHECK(fail_reason_of("HTTP_GET: Couldn't connect to server") == FAIL_REFUSED, "curl refused");
	CHECK(fail_reason_of("HTTP_GET: Could not connect to server") == FAIL_REFUSED, "curl refused, newer text");
	CHECK(fail_reason_of("HTTP_GET /health: status 503") == FAIL_STATUS, "status");
	CHECK(fail_reason_of("HTTP_GET /: digest 0123, want 4567") == FAIL_DIGEST, "digest");
	CHECK(fail_reason_of("MISC_CHECK exit status 1") == FAIL_EXIT, "exit");
	CHECK(fail_reason_of("MISC_CHECK killed by signal 9") == FAIL_EXIT, "signal");
	CHECK(fail_reason_of("TCP bind 2001:db8::1: Cannot assign requested address") == FAIL_ERROR, "error");
}

static struct config *served;

static char *collect(size_t *len)
{
	return metrics_render(served, NULL, NULL, NULL, len);
}

/* GET @path from 127.0.0.1:@port in a child; the status line and body. */
static pid_t client(uint16_t port, const char *req, int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons(port) };
		char buf[4096];
		ssize_t n;
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		close(p[0]);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    write(fd, req, strlen(req)) < 0)
			_exit(1);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write(p[1], buf, (size_t)n) < 0)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static char *fetch(uint16_t port, const char *req)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;
	int fd, st;
	pid_t pid = client(port, req, &fd);
	uint64_t t0 = now_ms();

	if (pid < 0)
		return NULL;
	while (waitpid(pid, &st, WNOHANG) == 0 && now_ms() - t0 < 5000)
		loop_once(20);
	if (now_ms() - t0 >= 5000)
		kill(pid, SIGKILL);
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static void test_server(void)
{
	struct ipaddr lo = { .family = AF_INET };
	uint16_t port = (uint16_t)(20000 + getpid() % 20000);
	char *r;

	served = sample();
	lo.u.in.s_addr = htonl(INADDR_LOOPBACK);
	if (loop_init() < 0 || metrics_start(&lo, port, collect) < 0) {
		SKIP("cannot listen on 127.0.0.1:%u", port);
		config_free(served);
		return;
	}
	CHECK(metrics_running(), "running");
	r = fetch(port, "GET /metrics HTTP/1.0\r\n\r\n");
	CHECK(r && !strncmp(r, "HTTP/1.", 7) && !strncmp(r + 8, " 200", 4) &&
	      strstr(r, "Content-Type: text/plain; version=0.0.4") &&
	      strstr(r, "\nl4lbd_backend_up{local_address=\"10.0.0.100\""),
	      "GET /metrics: %.60s", r ? r : "");
	r = fetch(port, "GET /other HTTP/1.0\r\n\r\n");
	CHECK(r && strstr(r, " 404 "), "GET /other: 404: %.40s", r ? r : "");
	r = fetch(port, "DELETE /metrics HTTP/1.0\r\n\r\n");
	CHECK(r && strstr(r, " 405 "), "DELETE: 405: %.40s", r ? r : "");
	metrics_stop();
	CHECK(!metrics_running(), "stopped");
	config_free(served);
}

int main(void)
{
	test_render();
	test_fwmark();
	test_reasons();
	test_server();
	TEST_DONE();
}
