// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - Prometheus metrics: the text exposition format rendered
 * from the configuration (health state, checks) and what the module
 * reports (counters, rates, connections, table, drops), served on
 * GET /metrics by libmicrohttpd driven from l4lbd's own epoll loop
 * (MHD_USE_EPOLL: its epoll fd is one watch, its timeout one timer; no
 * thread, so the handler reads the configuration without locking).
 *
 * Names follow node_exporter's ipvs collector where the meaning is the
 * same (connections_total, incoming_packets_total, backend_weight,
 * backend_connections_active/inactive; labels local_address, local_port,
 * proto, remote_address, remote_port), with prefixes l4lb_ (the module)
 * and l4lbd_ (the daemon).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/epoll.h>
#include <microhttpd.h>

#include "l4lbd.h"

const char *const fail_reason_names[FAIL_NREASONS] = {
	"timeout", "refused", "status", "digest", "exit", "error",
};

/* The failure class of a probe's reason text (see checks.c). */
enum fail_reason fail_reason_of(const char *why)
{
	if (!why)
		return FAIL_ERROR;
	if (strstr(why, "timeout") || strstr(why, "timed out"))
		return FAIL_TIMEOUT;
	if (strstr(why, "refused") || strstr(why, "unreachable") ||
	    strstr(why, "connect to server"))
		return FAIL_REFUSED;
	if (strstr(why, ": status "))
		return FAIL_STATUS;
	if (strstr(why, ": digest "))
		return FAIL_DIGEST;
	if (strstr(why, "exit status") || strstr(why, "killed by signal"))
		return FAIL_EXIT;
	return FAIL_ERROR;
}

/* --- rendering ------------------------------------------------------------ */

/* A label value: \, " and newline escaped. */
static void put_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void family_head(FILE *f, const char *name, const char *type,
			const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_UDP ? "UDP" : "TCP";
}

/* A fwmark service: node_exporter's local_mark, no address or port. */
static void svc_labels(FILE *f, uint32_t fwmark, uint8_t proto,
		       uint16_t family, const union l4lb_inaddr *a,
		       uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	if (fwmark) {
		fprintf(f, "local_address=\"\",local_port=\"0\",proto=\"FWM\",local_mark=\"%u\",family=\"%s\"",
			fwmark, l4lb_family(family) == AF_INET6 ? "IPv6" : "IPv4");
		return;
	}
	inet_ntop(l4lb_family(family), a, s, sizeof(s));
	fprintf(f, "local_address=\"%s\",local_port=\"%u\",proto=\"%s\"", s,
		port, proto_name(proto));
}

static void dest_labels(FILE *f, const struct l4lb_service *s,
			const struct l4lb_dest *d)
{
	char a[INET6_ADDRSTRLEN];

	svc_labels(f, s->fwmark, s->protocol, s->family, &s->addr, s->port);
	inet_ntop(l4lb_family(d->family), &d->addr, a, sizeof(a));
	fprintf(f, ",remote_address=\"%s\",remote_port=\"%u\"", a, d->port);
}

static void rs_labels(FILE *f, const struct rs *r)
{
	char a[INET6_ADDRSTRLEN];

	svc_labels(f, r->vs->fwmark, r->vs->protocol, r->vs->addr.family,
		   &r->vs->addr.u, r->vs->port);
	inet_ntop(r->addr.family, &r->addr.u, a, sizeof(a));
	fprintf(f, ",remote_address=\"%s\",remote_port=\"%u\"", a, r->port);
}

static void check_labels(FILE *f, const struct rs *r, size_t i)
{
	const struct check *c = r->checks[i];

	rs_labels(f, r);
	fprintf(f, ",check=\"%s\",check_index=\"%zu\"", check_type_name(c->type),
		i);
	if (c->path) {
		fputs(",path=\"", f);
		put_value(f, c->path);
		fputc('"', f);
	}
}

/* A counter or gauge from the module's stats, per service and per dest. */
struct stat_metric {
	const char *name, *type, *help;
	size_t off;			/* in struct l4lb_stats */
};

#define STAT(n, t, h, field) { n, t, h, offsetof(struct l4lb_stats, field) }
static const struct stat_metric stat_metrics[] = {
	STAT("connections_total", "counter", "Connections scheduled.", conns),
	STAT("incoming_packets_total", "counter", "Packets from clients.", pkts_in),
	STAT("outgoing_packets_total", "counter", "Packets to clients (NAT only).", pkts_out),
	STAT("incoming_bytes_total", "counter", "Bytes from clients.", bytes_in),
	STAT("outgoing_bytes_total", "counter", "Bytes to clients (NAT only).", bytes_out),
	STAT("connections_per_second", "gauge", "Connections per second over the module's rate window.", conn_rate),
	STAT("incoming_packets_per_second", "gauge", "Packets from clients per second.", pkts_in_rate),
	STAT("outgoing_packets_per_second", "gauge", "Packets to clients per second.", pkts_out_rate),
	STAT("incoming_bytes_per_second", "gauge", "Bytes from clients per second.", bytes_in_rate),
	STAT("outgoing_bytes_per_second", "gauge", "Bytes to clients per second.", bytes_out_rate),
};

static unsigned long long stat_of(const struct l4lb_stats *s, size_t off)
{
	return *(const uint64_t *)((const char *)s + off);
}

/* A gauge of a real server, from the module's dest. */
struct dest_gauge {
	const char *name, *help;
	unsigned long long (*get)(const struct l4lb_dest *d);
};

static unsigned long long dest_active(const struct l4lb_dest *d)
{
	return d->active_conns;
}

static unsigned long long dest_inactive(const struct l4lb_dest *d)
{
	return d->inactive_conns;
}

static unsigned long long dest_weight(const struct l4lb_dest *d)
{
	return d->weight;
}

static unsigned long long dest_down(const struct l4lb_dest *d)
{
	return !!(d->flags & L4LB_DEST_F_DOWN);
}

static const struct dest_gauge dest_gauges[] = {
	{ "l4lb_backend_connections_active",
	  "Connections of a real server in the established state.", dest_active },
	{ "l4lb_backend_connections_inactive",
	  "Connections of a real server in other states.", dest_inactive },
	{ "l4lb_backend_weight", "Weight of a real server in the module.",
	  dest_weight },
	{ "l4lb_backend_down",
	  "1 if the real server is marked down by a health check (its flows move).",
	  dest_down },
};

/* A module-wide value from GET_INFO. */
struct info_metric {
	const char *name, *type, *help;
	unsigned long long (*get)(const struct l4lb_info *info);
};

static unsigned long long info_entries(const struct l4lb_info *info)
{
	return info->conn_count;
}

static unsigned long long info_max(const struct l4lb_info *info)
{
	return info->conn_max;
}

static unsigned long long info_limit(const struct l4lb_info *info)
{
	return info->conn_limit;
}

static unsigned long long info_evicted(const struct l4lb_info *info)
{
	return info->conn_evicted;
}

static const struct info_metric info_metrics[] = {
	{ "l4lb_connection_table_entries", "gauge",
	  "Entries in the connection table (all namespaces).", info_entries },
	{ "l4lb_connection_table_max_entries", "gauge",
	  "Size of the connection table, in entries.", info_max },
	{ "l4lb_connection_table_namespace_limit_entries", "gauge",
	  "This namespace's share of the connection table.", info_limit },
	{ "l4lb_connection_evictions_total", "counter",
	  "Connection entries evicted to make room.", info_evicted },
};

static void render_kernel(FILE *f, const struct l4lb_service_list *l,
			  const struct l4lb_info *info)
{
	size_t m, i, j;
	char name[96];

	for (m = 0; m < sizeof(stat_metrics) / sizeof(stat_metrics[0]); m++) {
		const struct stat_metric *sm = &stat_metrics[m];

		snprintf(name, sizeof(name), "l4lb_service_%s", sm->name);
		family_head(f, name, sm->type, sm->help);
		for (i = 0; i < l->n; i++) {
			const struct l4lb_service *s = &l->svcs[i];

			fprintf(f, "%s{", name);
			svc_labels(f, s->fwmark, s->protocol, s->family, &s->addr, s->port);
			fprintf(f, "} %llu\n", stat_of(&s->stats, sm->off));
		}
		snprintf(name, sizeof(name), "l4lb_backend_%s", sm->name);
		family_head(f, name, sm->type, sm->help);
		for (i = 0; i < l->n; i++)
			for (j = 0; j < l->svcs[i].ndests; j++) {
				const struct l4lb_dest *d = &l->svcs[i].dests[j];

				fprintf(f, "%s{", name);
				dest_labels(f, &l->svcs[i], d);
				fprintf(f, "} %llu\n", stat_of(&d->stats, sm->off));
			}
	}
	for (m = 0; m < sizeof(dest_gauges) / sizeof(dest_gauges[0]); m++) {
		const struct dest_gauge *g = &dest_gauges[m];

		family_head(f, g->name, "gauge", g->help);
		for (i = 0; i < l->n; i++)
			for (j = 0; j < l->svcs[i].ndests; j++) {
				const struct l4lb_dest *d = &l->svcs[i].dests[j];

				fprintf(f, "%s{", g->name);
				dest_labels(f, &l->svcs[i], d);
				fprintf(f, "} %llu\n", g->get(d));
			}
	}
	if (!info)
		return;
	for (m = 0; m < sizeof(info_metrics) / sizeof(info_metrics[0]); m++) {
		const struct info_metric *im = &info_metrics[m];

		family_head(f, im->name, im->type, im->help);
		fprintf(f, "%s %llu\n", im->name, im->get(info));
	}
	family_head(f, "l4lb_drops_total", "counter",
		    "Packets dropped by the module, by reason.");
	fprintf(f, "l4lb_drops_total{reason=\"no_dest\"} %llu\n"
		"l4lb_drops_total{reason=\"table_full\"} %llu\n"
		"l4lb_drops_total{reason=\"malformed\"} %llu\n"
		"l4lb_drops_total{reason=\"mtu\"} %llu\n"
		"l4lb_drops_total{reason=\"no_route\"} %llu\n",
		(unsigned long long)info->drop_no_dest,
		(unsigned long long)info->drop_table_full,
		(unsigned long long)info->drop_malformed,
		(unsigned long long)info->drop_mtu,
		(unsigned long long)info->drop_no_route);
}

static void render_daemon(FILE *f, const struct config *c,
			  const struct metrics_daemon *d)
{
	size_t i, j, k, r;

	family_head(f, "l4lbd_backend_up", "gauge",
		    "1 if the real server passes its health checks.");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++) {
			fputs("l4lbd_backend_up{", f);
			rs_labels(f, c->vs[i]->rs[j]);
			fprintf(f, "} %d\n", c->vs[i]->rs[j]->up);
		}
	family_head(f, "l4lbd_backend_weight", "gauge",
		    "Configured weight of the real server.");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++) {
			fputs("l4lbd_backend_weight{", f);
			rs_labels(f, c->vs[i]->rs[j]);
			fprintf(f, "} %u\n", c->vs[i]->rs[j]->weight);
		}
	family_head(f, "l4lbd_check_up", "gauge",
		    "1 if the check is UP (its rise/retry state).");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++)
			for (k = 0; k < c->vs[i]->rs[j]->nchecks; k++) {
				fputs("l4lbd_check_up{", f);
				check_labels(f, c->vs[i]->rs[j], k);
				fprintf(f, "} %d\n", c->vs[i]->rs[j]->checks[k]->st.up);
			}
	family_head(f, "l4lbd_check_last_success", "gauge",
		    "1 if the last probe succeeded (absent before the first probe).");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++)
			for (k = 0; k < c->vs[i]->rs[j]->nchecks; k++) {
				const struct check *ck = c->vs[i]->rs[j]->checks[k];

				if (ck->last_ok < 0)
					continue;
				fputs("l4lbd_check_last_success{", f);
				check_labels(f, c->vs[i]->rs[j], k);
				fprintf(f, "} %d\n", ck->last_ok);
			}
	family_head(f, "l4lbd_check_last_duration_seconds", "gauge",
		    "How long the last probe took.");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++)
			for (k = 0; k < c->vs[i]->rs[j]->nchecks; k++) {
				const struct check *ck = c->vs[i]->rs[j]->checks[k];

				if (ck->last_ok < 0)
					continue;
				fputs("l4lbd_check_last_duration_seconds{", f);
				check_labels(f, c->vs[i]->rs[j], k);
				fprintf(f, "} %.3f\n", (double)ck->last_ms / 1000);
			}
	family_head(f, "l4lbd_check_probes_total", "counter",
		    "Probes made by the check.");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++)
			for (k = 0; k < c->vs[i]->rs[j]->nchecks; k++) {
				fputs("l4lbd_check_probes_total{", f);
				check_labels(f, c->vs[i]->rs[j], k);
				fprintf(f, "} %llu\n", c->vs[i]->rs[j]->checks[k]->probes);
			}
	family_head(f, "l4lbd_check_failures_total", "counter",
		    "Failed probes of the check, by reason.");
	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++)
			for (k = 0; k < c->vs[i]->rs[j]->nchecks; k++)
				for (r = 0; r < FAIL_NREASONS; r++) {
					fputs("l4lbd_check_failures_total{", f);
					check_labels(f, c->vs[i]->rs[j], k);
					fprintf(f, ",reason=\"%s\"} %llu\n",
						fail_reason_names[r],
						c->vs[i]->rs[j]->checks[k]->failures[r]);
				}
	family_head(f, "l4lbd_virtual_server_quorum_up", "gauge",
		    "1 if the live weight reaches the quorum (else the sorry server, if any, serves).");
	for (i = 0; i < c->nvs; i++) {
		fputs("l4lbd_virtual_server_quorum_up{", f);
		svc_labels(f, c->vs[i]->fwmark, c->vs[i]->protocol,
			   c->vs[i]->addr.family, &c->vs[i]->addr.u,
			   c->vs[i]->port);
		fprintf(f, "} %d\n", c->vs[i]->quorum_ok);
	}
	if (!d)
		return;
	family_head(f, "l4lbd_config_last_reload_successful", "gauge",
		    "1 if the last reload was applied, 0 if it was refused.");
	fprintf(f, "l4lbd_config_last_reload_successful %d\n", d->last_reload_ok);
	family_head(f, "l4lbd_config_reloads_total", "counter",
		    "Reloads, by result.");
	fprintf(f, "l4lbd_config_reloads_total{result=\"applied\"} %llu\n"
		"l4lbd_config_reloads_total{result=\"refused\"} %llu\n",
		d->reloads_ok, d->reloads_refused);
	family_head(f, "l4lbd_kernel_reachable", "gauge",
		    "1 if the l4lb module answered this scrape.");
	fprintf(f, "l4lbd_kernel_reachable %d\n", d->kernel_ok);
}

char *metrics_render(const struct config *c, const struct l4lb_service_list *l,
		     const struct l4lb_info *info,
		     const struct metrics_daemon *d, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	if (!f)
		return NULL;
	if (l)
		render_kernel(f, l, info);
	if (c)
		render_daemon(f, c, d);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

/* --- the HTTP server -------------------------------------------------------- */

static struct MHD_Daemon *mhd;
static struct watch mhd_watch;
static struct timer mhd_timer;
static metrics_collect_fn collect;

static void mhd_reschedule(void)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (mhd && MHD_get_timeout(mhd, &ms) == MHD_YES)
		timer_arm(&mhd_timer, now_ms() + ms);
	else
		timer_cancel(&mhd_timer);
}

static void mhd_event(struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
	if (mhd)
		MHD_run(mhd);
	mhd_reschedule();
}

static void mhd_tick(struct timer *t)
{
	(void)t;
	if (mhd)
		MHD_run(mhd);
	mhd_reschedule();
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code,
			     char *body, size_t len, bool must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body,
					    must_free ? MHD_RESPMEM_MUST_FREE
						      : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				code == MHD_HTTP_OK ?
				"text/plain; version=0.0.4; charset=utf-8" :
				"text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn,
			       const char *url, const char *method,
			       const char *version, const char *upload_data,
			       size_t *upload_data_size, void **req_cls)
{
	static char not_found[] = "not found: try /metrics\n";
	static char not_allowed[] = "only GET\n";
	size_t len = 0;
	char *body;

	(void)cls;
	(void)version;
	(void)upload_data;
	(void)req_cls;
	if (*upload_data_size)
		return MHD_NO;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
			     sizeof(not_allowed) - 1, false);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found,
			     sizeof(not_found) - 1, false);
	body = collect ? collect(&len) : NULL;
	if (!body)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, not_allowed,
			     0, false);
	return reply(conn, MHD_HTTP_OK, body, len, true);
}

int metrics_start(const struct ipaddr *a, uint16_t port, metrics_collect_fn fn)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port) };
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_EPOLL;
	struct sockaddr *sa;

	if (a->family == AF_INET6) {
		sin6.sin6_addr = a->u.in6;
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		sin.sin_addr = a->u.in;
		sa = (struct sockaddr *)&sin;
	}
	collect = fn;
	mhd = MHD_start_daemon(flags, port, NULL, NULL, handler, NULL,
			       MHD_OPTION_SOCK_ADDR, sa,
			       MHD_OPTION_CONNECTION_LIMIT, 32u,
			       MHD_OPTION_CONNECTION_TIMEOUT, 10u,
			       MHD_OPTION_END);
	if (!mhd)
		return -1;
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		MHD_stop_daemon(mhd);
		mhd = NULL;
		return -1;
	}
	mhd_watch.fd = info->epoll_fd;
	mhd_watch.fn = mhd_event;
	if (watch_add(&mhd_watch, EPOLLIN) < 0) {
		MHD_stop_daemon(mhd);
		mhd = NULL;
		return -1;
	}
	timer_init(&mhd_timer, mhd_tick);
	mhd_reschedule();
	return 0;
}

void metrics_stop(void)
{
	if (!mhd)
		return;
	watch_del(&mhd_watch);
	timer_cancel(&mhd_timer);
	MHD_stop_daemon(mhd);
	mhd = NULL;
}

bool metrics_running(void)
{
	return mhd != NULL;
}
