/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lbd.h - the l4lb health-check daemon: configuration model, rise/fall
 * state machine, checks and the event loop.
 *
 * The configuration objects (struct vs, struct rs, struct check) carry
 * their runtime state too, so a reload can hand a running check over to
 * the new configuration simply by moving the object.
 */
#ifndef L4LBD_H
#define L4LBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "../api.h"

#define L4LBD_VERSION	"0.1.0"

/*
 * Defaults, keepalived's (see l4lbd.8). Durations are milliseconds.
 * retry counts the probes after the first failure: a server goes DOWN
 * after retry + 1 failed probes in a row.
 */
#define DEF_DELAY_LOOP_MS	60000
#define DEF_CONNECT_TIMEOUT_MS	5000
#define DEF_RETRY		1
#define DEF_RETRY_MISC		0
#define DEF_RISE		1
#define DEF_DBR_MS		1000
#define DEF_DBR_HTTP_MS		3000
#define DEF_QUORUM		1
#define DEF_RESYNC_MS		2000
#define MAX_DURATION_MS		(86400u * 1000u)
#define MAX_COUNT		100
/* A tunable not given at this level (inherited from the one above). */
#define UNSET			(~0u)
/* The schedulers of the l4lb module; keepalived's default is wlc. */
#define L4LB_SCHEDS		"rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", \
				"fo", "ovf", "lblc", "lblcr"

/* --- rise/fall state machine (state.c) ---------------------------------- */

struct hc_state {
	bool up;
	unsigned int rise;	/* consecutive successes to go UP */
	unsigned int fall;	/* consecutive failures to go DOWN ("retry") */
	unsigned int ok_run;	/* current run of successes while DOWN */
	unsigned int fail_run;	/* current run of failures while UP */
};

void hc_state_init(struct hc_state *s, bool up, unsigned int rise,
		   unsigned int fall);
struct check;
/* @c's state machine: rise, and retry + 1 failures to go DOWN. */
void hc_state_init_check(struct check *c, bool up);
/* Feed one probe result; returns true if s->up changed. */
bool hc_state_feed(struct hc_state *s, bool ok);

/* --- timers and event loop (loop.c) ------------------------------------- */

struct timer {
	uint64_t when;		/* CLOCK_MONOTONIC ms; valid while armed */
	int idx;		/* heap index, -1 when not armed */
	void (*fn)(struct timer *t);
};

struct watch {
	int fd;
	void (*fn)(struct watch *w, uint32_t events);
};

uint64_t now_ms(void);
int loop_init(void);
void timer_init(struct timer *t, void (*fn)(struct timer *));
void timer_arm(struct timer *t, uint64_t when);
void timer_cancel(struct timer *t);
static inline bool timer_armed(const struct timer *t) { return t->idx >= 0; }
int watch_add(struct watch *w, uint32_t events);
int watch_mod(struct watch *w, uint32_t events);
void watch_del(struct watch *w);
/* Run expired timers, wait for events at most until the next timer. */
int loop_once(int max_wait_ms);
size_t timers_armed(void);
/* Free @p with @fn once the current batch of events is handled. */
void loop_defer_free(void (*fn)(void *), void *p);

/* --- configuration (config.c) ------------------------------------------- */

/* An IPv4 or IPv6 address; family 0 where an address is optional and unset. */
struct ipaddr {
	uint16_t family;		/* AF_INET, AF_INET6 or 0 */
	union l4lb_inaddr u;
};

/* Room for "UDP [IPv6 address]:65535" and shorter names. */
#define NAME_LEN		64

enum check_type {
	CHECK_TCP, CHECK_HTTP, CHECK_SSL, CHECK_MISC, CHECK_UDP, CHECK_PING
};

#define UDP_MAX_PAYLOAD		1024

struct status_range { uint16_t lo, hi; };

/* Why a probe failed, for the metrics (metrics.c). */
enum fail_reason {
	FAIL_TIMEOUT, FAIL_REFUSED, FAIL_STATUS, FAIL_DIGEST, FAIL_EXIT,
	FAIL_ERROR, FAIL_NREASONS
};
extern const char *const fail_reason_names[FAIL_NREASONS];
enum fail_reason fail_reason_of(const char *why);

struct check {
	/* configuration */
	enum check_type type;
	int line;
	struct ipaddr connect_ip;	/* family 0: the real server's */
	struct ipaddr bindto;		/* family 0: no bind */
	uint16_t connect_port;		/* 0: the real server's port */
	unsigned int connect_timeout_ms;
	unsigned int retry, rise;	/* UNSET until inherited */
	unsigned int delay_before_retry_ms;
	unsigned int delay_loop_ms, warmup_ms;
	int alpha;			/* -1 until inherited */
	char *path;			/* HTTP_GET / SSL_GET url path */
	char *virtualhost;
	size_t nstatus;
	struct status_range status[8];
	char digest[33];		/* lowercase MD5 hex, or "" */
	char *misc_path;
	unsigned int misc_timeout_ms;
	/* UDP_CHECK: payload (empty: 8 random bytes), expected reply */
	unsigned char *payload, *reply, *reply_mask;
	size_t payload_len, reply_len;
	bool require_reply;
	unsigned int min_reply, max_reply;

	/* runtime */
	struct rs *rs;
	struct hc_state st;
	struct timer timer;
	struct watch watch;		/* TCP socket, MISC pidfd */
	bool running;
	uint64_t started;
	void *easy;			/* CURL * while an HTTP probe runs */
	void *hdrs;			/* struct curl_slist * (Host:) */
	struct md5 *md5;		/* during an HTTP probe with a digest */
	size_t body_len;
	pid_t pid;
	bool killed;			/* MISC timed out and was killed */
	uint16_t ping_id, ping_seq;	/* PING_CHECK over a raw socket */
	char reason[160];		/* why the last probe failed */
	int last_ok;			/* last probe: 1 ok, 0 failed, -1 none */
	uint64_t last_ms;		/* how long it took */
	unsigned long long probes;
	unsigned long long failures[FAIL_NREASONS];
};

/* lb_kind TUN's encapsulation ("TUN type gue port 6080 csum"). */
struct tun_cfg {
	uint8_t type;			/* L4LB_TUN_* */
	uint16_t port;			/* gue */
	uint32_t flags;			/* L4LB_TUN_F_* */
};

struct rs {
	/* configuration */
	struct ipaddr addr;
	uint16_t port;
	uint32_t weight;
	uint32_t u_thresh, l_thresh;	/* uthreshold, lthreshold; 0: none */
	bool inhibit;
	uint8_t fwd;			/* 0: the virtual server's lb_kind */
	struct tun_cfg tun;		/* with fwd L4LB_FWD_TUN */
	bool alpha;			/* start DOWN (any check alpha) */
	int alpha_conf, inhibit_conf;	/* -1 unset: the virtual server's */
	unsigned int retry, rise, delay_before_retry_ms, connect_timeout_ms;
	unsigned int delay_loop_ms, warmup_ms;
	char *virtualhost;
	char *notify_up, *notify_down;
	bool sorry;			/* the virtual server's sorry_server */
	int line;
	size_t nchecks;
	struct check **checks;

	/* runtime */
	struct vs *vs;
	bool up;
	char reason[160];
};

struct vs {
	/* configuration */
	uint32_t fwmark;		/* virtual_server fwmark N; 0: ADDRESS PORT */
	uint8_t protocol;		/* 0 for a fwmark service */
	struct ipaddr addr;		/* a fwmark service: its family only */
	uint16_t port;
	char sched[L4LB_SCHED_NAME_MAX];
	uint32_t sched_flags;		/* L4LB_SVC_SCHED_F_*: flag-N, sh-*, mh-* */
	uint32_t svc_flags;		/* L4LB_SVC_F_ONEPACKET (ops) */
	uint8_t fwd;
	unsigned int persist_timeout;	/* persistence_timeout; 0: none */
	uint8_t persist_prefix;		/* persistence_granularity, bits */
	struct tun_cfg tun;
	unsigned int delay_loop_ms, warmup_ms;
	unsigned int retry, rise, delay_before_retry_ms, connect_timeout_ms;
	int alpha_conf, inhibit_conf;	/* -1: not given */
	char *virtualhost;
	unsigned int quorum, hysteresis;
	char *quorum_up, *quorum_down;
	struct rs *sorry;		/* sorry_server, or NULL */
	bool omega;			/* run the down scripts at exit */
	bool ha_suspend;		/* no probes while the VIP is not local */
	int line;
	size_t nrs;
	struct rs **rs;

	/* runtime */
	bool created;		/* l4lbd created the service in the kernel */
	bool quorum_ok;		/* live weight reached the quorum */
	bool vip_local;		/* the VIP is an address of this host */
};

/*
 * keepalived's lvs_sync_daemon (global_defs): l4lbd runs both connection
 * sync roles (l4lbadm --start-daemon master and backup) while it runs.
 */
struct sync_conf {
	bool on;
	int line;
	struct l4lb_daemon d;		/* state unset; .set: what was given */
	char instance[64];		/* the VRRP instance named, unused */
};

struct config {
	char *file;
	struct sync_conf sync;
	unsigned int resync_ms;
	bool allow_empty;		/* global_defs l4lbd_allow_empty */
	struct ipaddr metrics_addr;	/* l4lbd_metrics; family 0: off */
	uint16_t metrics_port;
	size_t nvs;
	struct vs **vs;
};

#define CONFIG_MAX_ERRORS	20
#define CONFIG_MSG_LEN		320

/*
 * What parsing found: errors (the configuration is refused), warnings
 * (accepted, but keepalived -t would complain too: a default applied)
 * and notices (keepalived-only settings skipped, one per keyword).
 */
struct config_errors {
	size_t n, nwarn, nnote;
	char msg[CONFIG_MAX_ERRORS][CONFIG_MSG_LEN];
	char warn[CONFIG_MAX_ERRORS][CONFIG_MSG_LEN];
	char note[CONFIG_MAX_ERRORS][CONFIG_MSG_LEN];
	bool truncated;
};

/* Parse @text (named @name in messages). NULL on errors (in @errs). */
struct config *config_parse_string(const char *name, const char *text,
				   struct config_errors *errs);
struct config *config_parse_file(const char *path,
				 struct config_errors *errs);
void config_errors_print(const struct config_errors *errs, FILE *f);
/* The warnings and notices, one per line, prefixed "warning: "/"notice: ". */
void config_notes_print(const struct config_errors *errs, FILE *f);
void config_free(struct config *c);
void check_free(struct check *c);
void rs_free(struct rs *r);
bool check_conf_equal(const struct check *a, const struct check *b);
struct vs *config_find_vs(const struct config *c, uint8_t proto,
			  const struct ipaddr *addr, uint16_t port);
/* The virtual server of @c with @v's key (address and port, or fwmark). */
struct vs *config_match_vs(const struct config *c, const struct vs *v);
struct rs *vs_find_rs(const struct vs *v, const struct ipaddr *addr,
		      uint16_t port);
const char *check_type_name(enum check_type t);
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);
/* @a is an address of an interface here (getifaddrs); false on error. */
bool ipaddr_is_local(const struct ipaddr *a);
/* "10.0.0.11", "2001:db8::11" */
const char *ipaddr_str(const struct ipaddr *a, char *buf, size_t len);
/* "10.0.0.11:80", "[2001:db8::11]:80" (IPv6 bracketed as keepalived does) */
const char *addr_port_str(const struct ipaddr *a, uint16_t port, char *buf,
			  size_t len);
/* "TCP 10.0.0.100:80", "TCP [2001:db8::10]:80", "FWM 1", "FWM 1 IPv6" */
const char *vs_name(const struct vs *v, char *buf, size_t len);
/* "10.0.0.11:80", "[2001:db8::11]:80" */
const char *rs_name(const struct rs *r, char *buf, size_t len);
bool status_ok(const struct check *c, long code);
/* Sum of the weights of the real servers that are UP. */
unsigned long vs_live_weight(const struct vs *v);
/* Quorum state of @v after its real servers changed (keepalived's rule). */
bool vs_quorum_next(const struct vs *v);

/* --- checks (checks.c) -------------------------------------------------- */

int checks_init(void);
void checks_cleanup(void);
/* Schedule the first probe of @c in [now, now + spread_ms). */
void check_start(struct check *c, uint64_t spread_ms);
/* Stop @c: cancel its timer and any probe in flight. */
void check_stop(struct check *c);
extern unsigned long long probes_done;
/* Run "/bin/sh -c @cmd" in the background (notify scripts); reaped later. */
int run_script(const char *cmd);

/* --- Prometheus metrics (metrics.c) ------------------------------------ */

struct metrics_daemon {
	int last_reload_ok;
	unsigned long long reloads_ok, reloads_refused;
	int kernel_ok;
};

/*
 * The exposition text (malloc'ed, *len bytes): the module's view from @l
 * and @info (either may be NULL), l4lbd's from @c; NULL if out of memory.
 */
char *metrics_render(const struct config *c, const struct l4lb_service_list *l,
		     const struct l4lb_info *info,
		     const struct metrics_daemon *d, size_t *len);
typedef char *(*metrics_collect_fn)(size_t *len);
/* Serve GET /metrics on @a:@port from the event loop; -1 on failure. */
int metrics_start(const struct ipaddr *a, uint16_t port, metrics_collect_fn fn);
void metrics_stop(void);
bool metrics_running(void);

/* --- daemon (main.c) ---------------------------------------------------- */

void logmsg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
extern bool verbose;
/* A check finished a probe: feed the state machine, act on changes. */
void check_result(struct check *c, bool ok, const char *reason);

/* --- MD5 (digest.c, OpenSSL's EVP) ------------------------------------- */

struct md5;
/* A new MD5 computation, or NULL (out of memory, MD5 not available). */
struct md5 *md5_new(void);
bool md5_update(struct md5 *m, const void *data, size_t len);
/* The lowercase hex digest ("" and false on failure); once. */
bool md5_final_hex(struct md5 *m, char out[33]);
void md5_free(struct md5 *m);

#endif
