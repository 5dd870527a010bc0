// SPDX-License-Identifier: GPL-2.0
/*
 * l4lbd - health-check daemon for l4lb.
 *
 * Reads a keepalived-style configuration, applies it to the l4lb module
 * over generic netlink, probes every real server on one epoll loop and
 * sets a failed server's weight to 0 (inhibit_on_failure) or removes it,
 * restoring it once it recovers. SIGHUP reloads, keeping the state of
 * what did not change; a periodic resync re-applies the configuration,
 * which also covers the module being unloaded and loaded again.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "l4lbd.h"

bool verbose;
static bool stamp;	/* timestamps on stderr: not when the journal adds them */
static bool bench_mode;	/* -B: no per-server logging */
static unsigned long long bench_failed;
static bool use_syslog, dry_run, cleanup_on_exit;
static const char *conf_path = "/etc/l4lbd.conf";
static const char *pid_file;
static struct config *cfg;
static struct nl_ctx nl;
static bool nl_ok, nl_warned;
static struct timer resync_timer;
static struct watch sig_watch;
static volatile bool stopping;
static struct metrics_daemon mstate = { .last_reload_ok = 1, .kernel_ok = 0 };

void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	if ((prio >= LOG_DEBUG && !verbose) || bench_mode)
		return;
	if (stamp) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "[%lld.%03ld] ", (long long)ts.tv_sec,
			ts.tv_nsec / 1000000);
	}
	va_start(ap, fmt);
	fprintf(stderr, "l4lbd: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (use_syslog) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
	}
}

/* --- netlink ------------------------------------------------------------ */

static int nl_ensure(void)
{
	int ret;

	if (nl_ok)
		return 0;
	ret = l4lb_open(&nl);
	if (ret < 0) {
		if (!nl_warned)
			logmsg(LOG_WARNING, "cannot reach the l4lb module (%s); retrying",
			       ret == -ENOENT ? "generic netlink family not found, module not loaded?"
					      : strerror(-ret));
		nl_warned = true;
		return ret;
	}
	nl_ok = true;
	if (nl_warned)
		logmsg(LOG_NOTICE, "l4lb module found; applying the configuration");
	nl_warned = false;
	return 0;
}

static void nl_reset(void)
{
	if (nl_ok)
		nl_close(&nl);
	nl_ok = false;
}

static void resync_soon(void)
{
	if (!stopping)
		timer_arm(&resync_timer, now_ms() + 200);
}

static void fill_key(const struct vs *v, struct l4lb_service *s)
{
	memset(s, 0, sizeof(*s));
	s->fwmark = v->fwmark;
	s->protocol = v->protocol;
	s->family = v->addr.family;
	if (!v->fwmark) {
		s->addr = v->addr.u;
		s->port = v->port;
	}
	strcpy(s->sched, v->sched);
	s->sched_flags = v->sched_flags;
	s->persist_timeout = v->persist_timeout;
	s->persist_prefix = v->persist_prefix;
	s->set = L4LB_HAS_SCHED | L4LB_HAS_SCHED_FLAGS | L4LB_HAS_PERSIST;
}

/*
 * The service flags to send, if any, for @v, whose kernel service is @ks
 * (NULL: to be created): l4lbd sets ops (ONEPACKET) and leaves the other
 * flags (pickup) to the module's defaults and the operator. False if
 * there is nothing to change.
 */
static bool svc_flags_to_set(const struct vs *v, const struct l4lb_service *ks,
			     struct l4lb_service *key)
{
	uint32_t ops = v->svc_flags & L4LB_SVC_F_ONEPACKET;

	if (!ks) {
		if (!ops)
			return false;
		/* What the module gives a service created without FLAGS. */
		key->flags = ops | (!strcmp(v->sched, "mh") ? L4LB_SVC_F_PICKUP : 0);
	} else {
		if ((ks->flags & L4LB_SVC_F_ONEPACKET) == ops)
			return false;
		key->flags = (ks->flags & ~L4LB_SVC_F_ONEPACKET) | ops;
	}
	key->set |= L4LB_HAS_FLAGS;
	return true;
}

/* The kernel's service @ks has other persistence settings than @key. */
static bool persist_changed(const struct l4lb_service *ks,
			    const struct l4lb_service *key)
{
	return ks->persist_timeout != key->persist_timeout ||
	       (key->persist_timeout &&
		ks->persist_prefix != key->persist_prefix);
}

/*
 * The destination @r should be in the kernel, or false if it should not.
 * While a virtual server with a sorry_server has lost its quorum, the
 * sorry server replaces its real servers (keepalived's rule).
 */
static bool rs_desired(const struct rs *r, struct l4lb_dest *d)
{
	const struct vs *v = r->vs;
	bool up = r->up;

	if (r->sorry)
		up = !v->quorum_ok;
	else if (v->sorry && !v->quorum_ok)
		up = false;
	memset(d, 0, sizeof(*d));
	d->family = r->addr.family;
	d->addr = r->addr.u;
	d->port = r->port;
	d->fwd = r->fwd ? r->fwd : r->vs->fwd;
	d->u_thresh = r->u_thresh;
	d->l_thresh = r->l_thresh;
	d->set = L4LB_HAS_PORT | L4LB_HAS_FWD | L4LB_HAS_WEIGHT | L4LB_HAS_FLAGS |
		 L4LB_HAS_THRESH;
	if (d->fwd == L4LB_FWD_TUN) {
		const struct tun_cfg *t = r->fwd ? &r->tun : &r->vs->tun;

		d->tun_type = t->type;
		d->tun_port = t->port;
		d->tun_flags = t->flags;
		d->set |= L4LB_HAS_TUN;
	}
	if (up) {
		d->weight = r->weight;
	} else if (r->inhibit) {
		/* Weight 0 as keepalived does; DOWN moves its flows too. */
		d->weight = 0;
		d->flags = L4LB_DEST_F_DOWN;
	} else {
		return false;
	}
	return true;
}

static const char *cmd_name(uint8_t cmd)
{
	switch (cmd) {
	case L4LB_CMD_NEW_SERVICE: return "add service";
	case L4LB_CMD_SET_SERVICE: return "edit service";
	case L4LB_CMD_DEL_SERVICE: return "delete service";
	case L4LB_CMD_NEW_DEST: return "add real server";
	case L4LB_CMD_SET_DEST: return "edit real server";
	case L4LB_CMD_DEL_DEST: return "delete real server";
	}
	return "?";
}

static int dest_cmd(uint8_t cmd, const struct rs *r, const struct l4lb_dest *d,
		    bool quiet_enoent)
{
	struct l4lb_service key;
	char a[NAME_LEN], b[NAME_LEN];
	int ret;

	fill_key(r->vs, &key);
	ret = l4lb_dest_cmd(&nl, cmd, &key, d);
	if (ret < 0 && !(quiet_enoent && ret == -ENOENT))
		logmsg(LOG_ERR, "[%s] %s %s: %s%s%s", vs_name(r->vs, a, sizeof(a)),
		       cmd_name(cmd), rs_name(r, b, sizeof(b)), strerror(-ret),
		       nl.extack[0] ? ": " : "", nl.extack);
	else if (ret == 0)
		logmsg(LOG_INFO, "[%s] %s %s weight %u",
		       vs_name(r->vs, a, sizeof(a)), cmd_name(cmd),
		       rs_name(r, b, sizeof(b)), d->weight);
	return ret;
}

/* Apply the state of one real server (after it changed). */
static void apply_rs(struct rs *r)
{
	struct l4lb_service key;
	struct l4lb_dest d;
	int ret;

	if (dry_run || nl_ensure() < 0)
		return;
	if (rs_desired(r, &d)) {
		fill_key(r->vs, &key);
		ret = l4lb_dest_cmd(&nl, L4LB_CMD_SET_DEST, &key, &d);
		if (ret == -ENOENT)
			ret = dest_cmd(L4LB_CMD_NEW_DEST, r, &d, false);
		else if (ret < 0)
			ret = dest_cmd(L4LB_CMD_SET_DEST, r, &d, false);
		else {
			char a[NAME_LEN], b[NAME_LEN];

			logmsg(LOG_INFO, "[%s] %s %s weight %u",
			       vs_name(r->vs, a, sizeof(a)), cmd_name(L4LB_CMD_SET_DEST),
			       rs_name(r, b, sizeof(b)), d.weight);
		}
	} else {
		ret = dest_cmd(L4LB_CMD_DEL_DEST, r, &d, true);
		if (ret == -ENOENT)
			ret = 0;
	}
	if (ret < 0)
		resync_soon();
}

/* A kernel address (family 0: AF_INET) is @a. */
static bool kaddr_is(uint16_t family, const union l4lb_inaddr *addr,
		     const struct ipaddr *a)
{
	struct ipaddr k = { .family = family ? family : AF_INET, .u = *addr };

	return ipaddr_equal(&k, a);
}

static struct l4lb_dest *find_kdest(struct l4lb_service *s, const struct rs *r)
{
	size_t i;

	for (i = 0; s && i < s->ndests; i++)
		if (kaddr_is(s->dests[i].family, &s->dests[i].addr, &r->addr) &&
		    s->dests[i].port == r->port)
			return &s->dests[i];
	return NULL;
}

static struct l4lb_service *find_ksvc(struct l4lb_service_list *l,
				      const struct vs *v)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct l4lb_service *s = &l->svcs[i];

		if (v->fwmark ? s->fwmark == v->fwmark &&
				l4lb_family(s->family) == v->addr.family :
				!s->fwmark && s->protocol == v->protocol &&
				kaddr_is(s->family, &s->addr, &v->addr) &&
				s->port == v->port)
			return &l->svcs[i];
	}
	return NULL;
}

/* --- connection sync (global_defs lvs_sync_daemon) ----------------------- */

static const uint32_t sync_states[2] = { L4LB_DAEMON_MASTER, L4LB_DAEMON_BACKUP };
static const char *const sync_names[2] = { "master", "backup" };
/* The roles this l4lbd started, and with what. */
static bool sync_owned[2];
static struct l4lb_daemon sync_applied;

static bool daemon_equal(const struct l4lb_daemon *a, const struct l4lb_daemon *b)
{
	return !strcmp(a->ifname, b->ifname) && a->set == b->set &&
	       a->syncid == b->syncid && a->maxlen == b->maxlen &&
	       a->group_family == b->group_family &&
	       !memcmp(&a->group, &b->group, sizeof(a->group)) &&
	       a->port == b->port && a->ttl == b->ttl;
}

/* Stop the roles this l4lbd started. */
static void sync_roles_stop(void)
{
	struct l4lb_daemon d = { 0 };
	int i, ret;

	for (i = 0; i < 2; i++) {
		if (!sync_owned[i])
			continue;
		d.state = sync_states[i];
		ret = l4lb_daemon_cmd(&nl, L4LB_CMD_DEL_DAEMON, &d);
		if (ret < 0 && ret != -ENOENT)
			logmsg(LOG_WARNING, "lvs_sync_daemon: stopping the %s sync daemon: %s",
			       sync_names[i], strerror(-ret));
		else
			logmsg(LOG_NOTICE, "lvs_sync_daemon: %s sync daemon stopped",
			       sync_names[i]);
		sync_owned[i] = false;
	}
}

/*
 * Both roles run while the configuration has lvs_sync_daemon, so that a
 * VRRP transition needs nothing (the sync follows the VIP): started if
 * not running (also after the module was loaded again), restarted by a
 * reload that changes the settings, stopped without the keyword. A role
 * another program started is left alone.
 */
static void sync_roles(void)
{
	const struct sync_conf *sc = &cfg->sync;
	struct l4lb_daemon run[2], d;
	size_t n = 0, k;
	int i, ret;

	if (!sc->on || !daemon_equal(&sc->d, &sync_applied))
		sync_roles_stop();
	if (!sc->on)
		return;
	sync_applied = sc->d;
	ret = l4lb_get_daemons(&nl, run, &n);
	if (ret < 0) {
		logmsg(LOG_WARNING, "lvs_sync_daemon: listing the sync daemons: %s",
		       strerror(-ret));
		return;
	}
	for (i = 0; i < 2; i++) {
		bool on = false;

		for (k = 0; k < n; k++)
			on |= run[k].state == sync_states[i];
		if (on)
			continue;
		d = sc->d;
		d.state = sync_states[i];
		ret = l4lb_daemon_cmd(&nl, L4LB_CMD_NEW_DAEMON, &d);
		if (ret < 0) {
			logmsg(LOG_ERR, "lvs_sync_daemon: starting the %s sync daemon on %s: %s%s%s",
			       sync_names[i], d.ifname, strerror(-ret),
			       nl.extack[0] ? ": " : "", nl.extack);
			continue;
		}
		sync_owned[i] = true;
		logmsg(LOG_NOTICE, "lvs_sync_daemon: %s sync daemon started on %s (syncid %u)",
		       sync_names[i], d.ifname, d.syncid);
	}
}

/*
 * Make the kernel match the configuration for everything the
 * configuration mentions. Returns 0, or -1 to be retried soon.
 */
static int sync_all(void)
{
	struct l4lb_service_list list;
	int ret, errors = 0;
	size_t i, j;

	if (dry_run || !cfg)
		return 0;
	if (nl_ensure() < 0)
		return -1;
	ret = l4lb_get_services(&nl, NULL, true, &list);
	if (ret < 0) {
		/* The family may have gone (module unloaded): resolve again. */
		logmsg(LOG_WARNING, "listing l4lb services: %s; resolving the l4lb family again",
		       strerror(-ret));
		nl_reset();
		if (nl_ensure() < 0)
			return -1;
		ret = l4lb_get_services(&nl, NULL, true, &list);
		if (ret < 0) {
			logmsg(LOG_ERR, "listing services: %s", strerror(-ret));
			nl_reset();
			return -1;
		}
	}
	sync_roles();
	for (i = 0; i < cfg->nvs; i++) {
		struct vs *v = cfg->vs[i];
		struct l4lb_service key, *ks = find_ksvc(&list, v);
		char a[NAME_LEN];
		bool flags_differ;

		fill_key(v, &key);
		flags_differ = ks && svc_flags_to_set(v, ks, &key);
		if (!ks) {
			svc_flags_to_set(v, NULL, &key);
			ret = l4lb_service_cmd(&nl, L4LB_CMD_NEW_SERVICE, &key);
			if (ret < 0) {
				logmsg(LOG_ERR, "[%s] add service: %s%s%s",
				       vs_name(v, a, sizeof(a)), strerror(-ret),
				       nl.extack[0] ? ": " : "", nl.extack);
				errors++;
				continue;
			}
			v->created = true;
			logmsg(LOG_INFO, "[%s] add service, scheduler %s",
			       vs_name(v, a, sizeof(a)), v->sched);
		} else if (flags_differ || strcmp(ks->sched, v->sched) ||
			   ks->sched_flags != v->sched_flags ||
			   persist_changed(ks, &key)) {
			ret = l4lb_service_cmd(&nl, L4LB_CMD_SET_SERVICE, &key);
			if (ret < 0) {
				logmsg(LOG_ERR, "[%s] edit service: %s%s%s",
				       vs_name(v, a, sizeof(a)), strerror(-ret),
				       nl.extack[0] ? ": " : "", nl.extack);
				errors++;
			} else {
				logmsg(LOG_INFO, "[%s] scheduler %s, flags 0x%x",
				       vs_name(v, a, sizeof(a)), v->sched,
				       v->sched_flags);
			}
		}
		for (j = 0; j < v->nrs + !!v->sorry; j++) {
			struct rs *r = j < v->nrs ? v->rs[j] : v->sorry;
			struct l4lb_dest d, *kd = find_kdest(ks, r);
			bool want = rs_desired(r, &d);

			if (want && !kd)
				ret = dest_cmd(L4LB_CMD_NEW_DEST, r, &d, false);
			else if (want && (kd->weight != d.weight ||
					  kd->fwd != d.fwd ||
					  kd->tun_type != d.tun_type ||
					  kd->tun_port != d.tun_port ||
					  kd->tun_flags != d.tun_flags ||
					  kd->flags != d.flags ||
					  kd->u_thresh != d.u_thresh ||
					  kd->l_thresh != d.l_thresh))
				ret = dest_cmd(L4LB_CMD_SET_DEST, r, &d, false);
			else if (!want && kd)
				ret = dest_cmd(L4LB_CMD_DEL_DEST, r, &d, true);
			else
				ret = 0;
			if (ret < 0 && ret != -ENOENT)
				errors++;
		}
	}
	l4lb_service_list_free(&list);
	return errors ? -1 : 0;
}

/* Remove from the kernel what @old configured and @new does not. */
static void remove_stale(struct config *old, struct config *new)
{
	size_t i, j;
	char a[NAME_LEN];

	for (i = 0; i < old->nvs; i++) {
		struct vs *ov = old->vs[i];
		struct vs *nv = new ? config_match_vs(new, ov) : NULL;

		if (nv)
			nv->created = ov->created;
		if (dry_run || nl_ensure() < 0)
			continue;
		if (!nv && ov->created) {
			struct l4lb_service key;
			int ret;

			fill_key(ov, &key);
			ret = l4lb_service_cmd(&nl, L4LB_CMD_DEL_SERVICE, &key);
			if (ret < 0 && ret != -ENOENT)
				logmsg(LOG_ERR, "[%s] delete service: %s",
				       vs_name(ov, a, sizeof(a)), strerror(-ret));
			else
				logmsg(LOG_INFO, "[%s] delete service",
				       vs_name(ov, a, sizeof(a)));
			continue;
		}
		for (j = 0; j < ov->nrs + !!ov->sorry; j++) {
			struct rs *r = j < ov->nrs ? ov->rs[j] : ov->sorry;
			struct l4lb_dest d;

			if (nv && (vs_find_rs(nv, &r->addr, r->port) ||
				   (nv->sorry && r->port == nv->sorry->port &&
				    ipaddr_equal(&r->addr, &nv->sorry->addr))))
				continue;
			rs_desired(r, &d);
			dest_cmd(L4LB_CMD_DEL_DEST, r, &d, true);
		}
	}
}

/* ha_suspend: is each such virtual server's VIP here (logged on change)? */
static void update_vip_local(struct config *c, bool quiet)
{
	char a[NAME_LEN];
	size_t i;

	for (i = 0; i < c->nvs; i++) {
		struct vs *v = c->vs[i];
		bool here;

		if (!v->ha_suspend)
			continue;
		here = ipaddr_is_local(&v->addr);
		if (here != v->vip_local && !quiet)
			logmsg(LOG_NOTICE, "[%s] the VIP is %s: checks %s (ha_suspend)",
			       vs_name(v, a, sizeof(a)),
			       here ? "here" : "not here",
			       here ? "resumed" : "suspended");
		v->vip_local = here;
	}
}

static void resync(struct timer *t)
{
	int ret;

	update_vip_local(cfg, false);
	ret = sync_all();

	timer_arm(t, now_ms() + (ret < 0 ? 1000 : cfg->resync_ms));
}

/* --- state -------------------------------------------------------------- */

static void script(const char *cmd, const char *what, const char *who)
{
	int ret;

	if (!cmd)
		return;
	logmsg(LOG_INFO, "%s %s: running %s", what, who, cmd);
	ret = run_script(cmd);
	if (ret < 0)
		logmsg(LOG_ERR, "%s %s: cannot run %s: %s", what, who, cmd,
		       strerror(-ret));
}

/* Re-evaluate @v's quorum; true if it changed (scripts run, logged). */
static bool update_quorum(struct vs *v)
{
	char a[NAME_LEN];
	bool q = vs_quorum_next(v);

	if (q == v->quorum_ok)
		return false;
	v->quorum_ok = q;
	vs_name(v, a, sizeof(a));
	logmsg(q ? LOG_NOTICE : LOG_WARNING,
	       "[%s] quorum %s: live weight %lu, quorum %u, hysteresis %u%s",
	       a, q ? "gained" : "lost", vs_live_weight(v), v->quorum,
	       v->hysteresis,
	       v->sorry ? (q ? "; sorry server out" : "; sorry server in") : "");
	script(q ? v->quorum_up : v->quorum_down,
	       q ? "quorum_up" : "quorum_down", a);
	return true;
}

/*
 * At exit, for the virtual servers with omega: notify_down of the real
 * servers that are UP, quorum_down if the quorum is held (keepalived's).
 */
static void omega_scripts(const struct config *c)
{
	char a[NAME_LEN], b[NAME_LEN];
	size_t i, j;

	for (i = 0; i < c->nvs; i++) {
		struct vs *v = c->vs[i];

		if (!v->omega)
			continue;
		for (j = 0; j < v->nrs; j++)
			if (v->rs[j]->up)
				script(v->rs[j]->notify_down, "notify_down",
				       rs_name(v->rs[j], b, sizeof(b)));
		if (v->quorum_ok)
			script(v->quorum_down, "quorum_down",
			       vs_name(v, a, sizeof(a)));
	}
}

/* Apply every destination of @v: the sorry server first, as keepalived. */
static void apply_vs(struct vs *v)
{
	size_t i;

	if (v->sorry)
		apply_rs(v->sorry);
	for (i = 0; i < v->nrs; i++)
		apply_rs(v->rs[i]);
}

void check_result(struct check *c, bool ok, const char *reason)
{
	struct rs *r = c->rs;
	bool up = true;
	char a[NAME_LEN], b[NAME_LEN];
	size_t i;

	if (!ok) {
		snprintf(c->reason, sizeof(c->reason), "%s", reason);
		bench_failed++;
	}
	if (verbose)
		logmsg(LOG_DEBUG, "[%s] real server %s %s %s%s%s",
		       vs_name(r->vs, a, sizeof(a)), rs_name(r, b, sizeof(b)),
		       check_type_name(c->type), ok ? "ok" : "failed",
		       ok ? "" : ": ", ok ? "" : reason);
	if (!hc_state_feed(&c->st, ok))
		return;
	for (i = 0; i < r->nchecks; i++)
		if (!r->checks[i]->st.up)
			up = false;
	if (up == r->up)
		return;
	r->up = up;
	if (up) {
		r->reason[0] = '\0';
		logmsg(LOG_NOTICE, "real server %s UP [%s]",
		       rs_name(r, b, sizeof(b)), vs_name(r->vs, a, sizeof(a)));
	} else {
		snprintf(r->reason, sizeof(r->reason), "%s", c->reason);
		logmsg(LOG_WARNING, "real server %s DOWN (%s) [%s]",
		       rs_name(r, b, sizeof(b)), r->reason,
		       vs_name(r->vs, a, sizeof(a)));
	}
	script(up ? r->notify_up : r->notify_down,
	       up ? "notify_up" : "notify_down", b);
	if (r->vs->sorry && vs_quorum_next(r->vs) != r->vs->quorum_ok) {
		/* The sorry server goes in or out with the quorum. */
		update_quorum(r->vs);
		apply_vs(r->vs);
		return;
	}
	/*
	 * The module first, then the quorum scripts: a quorum_up that
	 * announces the VIP runs once the real server that made the quorum
	 * is in the service.
	 */
	apply_rs(r);
	update_quorum(r->vs);
}

static void start_rs_checks(struct rs *r, bool fresh)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		struct check *c = r->checks[i];

		c->rs = r;
		hc_state_init_check(c, fresh ? r->up && !c->alpha : r->up);
		check_start(c, fresh ? c->warmup_ms : 0);
	}
}

static void config_counts(const struct config *c, size_t *nrs, size_t *nck)
{
	size_t i, j;

	*nrs = *nck = 0;
	for (i = 0; i < c->nvs; i++) {
		*nrs += c->vs[i]->nrs;
		for (j = 0; j < c->vs[i]->nrs; j++)
			*nck += c->vs[i]->rs[j]->nchecks;
	}
}

static void stop_all_checks(struct config *c)
{
	size_t i, j, k;

	for (i = 0; i < c->nvs; i++)
		for (j = 0; j < c->vs[i]->nrs; j++)
			for (k = 0; k < c->vs[i]->rs[j]->nchecks; k++)
				if (c->vs[i]->rs[j]->checks[k])
					check_stop(c->vs[i]->rs[j]->checks[k]);
}

static void free_config_cb(void *p)
{
	config_free(p);
}

/* --- metrics ------------------------------------------------------------ */

/* A scrape: the module's counters (one dump) and l4lbd's state. */
static char *collect_metrics(size_t *len)
{
	struct l4lb_service_list list = { 0 };
	struct l4lb_info info;
	bool have_list = false, have_info = false;
	char *out;

	if (!dry_run && nl_ensure() == 0) {
		have_list = l4lb_get_services(&nl, NULL, true, &list) == 0;
		have_info = l4lb_get_info(&nl, &info) == 0;
		if (!have_list)
			nl_reset();
	}
	mstate.kernel_ok = have_list;
	out = metrics_render(cfg, have_list ? &list : NULL,
			     have_info ? &info : NULL, &mstate, len);
	if (have_list)
		l4lb_service_list_free(&list);
	return out;
}

/* Serve metrics as @c says: start, stop or move the listener. */
static int metrics_apply(const struct config *old, const struct config *c)
{
	char a[NAME_LEN];

	if (old && ipaddr_equal(&old->metrics_addr, &c->metrics_addr) &&
	    old->metrics_port == c->metrics_port && metrics_running() ==
	    !!c->metrics_addr.family)
		return 0;
	metrics_stop();
	if (!c->metrics_addr.family)
		return 0;
	addr_port_str(&c->metrics_addr, c->metrics_port, a, sizeof(a));
	if (metrics_start(&c->metrics_addr, c->metrics_port,
			  collect_metrics) < 0) {
		logmsg(LOG_ERR, "metrics: cannot listen on %s: %s", a,
		       strerror(errno));
		return -1;
	}
	logmsg(LOG_NOTICE, "metrics on http://%s/metrics", a);
	return 0;
}

static void log_notes(const struct config_errors *e)
{
	size_t i;

	for (i = 0; i < e->nwarn; i++)
		logmsg(LOG_WARNING, "warning: %s", e->warn[i]);
	for (i = 0; i < e->nnote; i++)
		logmsg(LOG_NOTICE, "notice: %s", e->note[i]);
}

static void reload(void)
{
	struct config_errors errs;
	struct config *n = config_parse_file(conf_path, &errs), *old = cfg;
	size_t i, j, k, m, nrs, nck;

	if (!n) {
		logmsg(LOG_ERR, "reload of %s rejected; the previous configuration stays in force:",
		       conf_path);
		for (i = 0; i < errs.n; i++)
			logmsg(LOG_ERR, "  %s", errs.msg[i]);
		if (errs.truncated)
			logmsg(LOG_ERR, "  (more errors not shown)");
		mstate.last_reload_ok = 0;
		mstate.reloads_refused++;
		return;
	}
	mstate.last_reload_ok = 1;
	mstate.reloads_ok++;
	log_notes(&errs);
	for (i = 0; i < n->nvs; i++) {
		struct vs *nv = n->vs[i];
		struct vs *ov = config_match_vs(old, nv);

		for (j = 0; j < nv->nrs; j++) {
			struct rs *nr = nv->rs[j];
			struct rs *or = ov ? vs_find_rs(ov, &nr->addr, nr->port)
					   : NULL;

			nr->vs = nv;
			if (!or) {
				nr->up = !nr->alpha || !nr->nchecks;
				start_rs_checks(nr, true);
				continue;
			}
			nr->up = or->up;
			memcpy(nr->reason, or->reason, sizeof(nr->reason));
			for (k = 0; k < nr->nchecks; k++) {
				struct check *nc = nr->checks[k];

				for (m = 0; m < or->nchecks; m++) {
					struct check *oc = or->checks[m];

					if (oc && check_conf_equal(oc, nc)) {
						/* Keep the running check and its state. */
						nr->checks[k] = oc;
						or->checks[m] = NULL;
						oc->rs = nr;
						check_free(nc);
						nc = NULL;
						break;
					}
				}
				if (nc) {
					nc->rs = nr;
					hc_state_init_check(nc, nr->up);
					check_start(nc, 0);
				}
			}
			/* Checks removed from a DOWN server may bring it UP. */
			if (!nr->up && nr->nchecks) {
				bool up = true;

				for (k = 0; k < nr->nchecks; k++)
					up = up && nr->checks[k]->st.up;
				nr->up = up;
			} else if (!nr->nchecks) {
				nr->up = true;
			}
		}
	}
	for (i = 0; i < n->nvs; i++) {
		struct vs *nv = n->vs[i];
		struct vs *ov = config_match_vs(old, nv);

		if (nv->sorry)
			nv->sorry->up = true;
		if (ov)
			nv->vip_local = ov->vip_local;
		if (ov) {
			nv->quorum_ok = ov->quorum_ok;
			update_quorum(nv);
		} else {
			nv->quorum_ok = vs_live_weight(nv) >= nv->quorum;
		}
	}
	stop_all_checks(old);
	remove_stale(old, n);
	cfg = n;
	update_vip_local(cfg, false);
	metrics_apply(old, n);
	loop_defer_free(free_config_cb, old);
	config_counts(n, &nrs, &nck);
	logmsg(LOG_NOTICE, "reloaded %s: %zu virtual servers, %zu real servers, %zu checks",
	       conf_path, n->nvs, nrs, nck);
	sync_all();
	timer_arm(&resync_timer, now_ms() + cfg->resync_ms);
}

static void dump_state(void)
{
	size_t i, j;
	char a[NAME_LEN], b[NAME_LEN];

	for (i = 0; i < cfg->nvs; i++)
		for (j = 0; j < cfg->vs[i]->nrs; j++) {
			struct rs *r = cfg->vs[i]->rs[j];

			logmsg(LOG_INFO, "[%s] real server %s %s%s%s%s weight %u",
			       vs_name(cfg->vs[i], a, sizeof(a)),
			       rs_name(r, b, sizeof(b)), r->up ? "UP" : "DOWN",
			       r->up ? "" : " (", r->up ? "" : r->reason,
			       r->up ? "" : ")", r->weight);
		}
}

/* --- signals ------------------------------------------------------------ */

static void sig_event(struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			logmsg(LOG_NOTICE, "SIGHUP: reloading %s", conf_path);
			reload();
			break;
		case SIGUSR1:
			dump_state();
			break;
		case SIGTERM:
		case SIGINT:
			stopping = true;
			break;
		}
	}
}

static int setup_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	sig_watch.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	sig_watch.fn = sig_event;
	if (sig_watch.fd < 0)
		return -1;
	return watch_add(&sig_watch, EPOLLIN);
}

/* --- benchmark ---------------------------------------------------------- */

#define BENCH_PORTS 16
#define BENCH_BASE_PORT 40100

/* Child: accept and close on BENCH_PORTS listeners until killed. */
static void bench_acceptor(int *lfd)
{
	int ep = epoll_create1(0), i;
	struct epoll_event ev[64];

	for (i = 0; i < BENCH_PORTS; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.fd = lfd[i] };

		epoll_ctl(ep, EPOLL_CTL_ADD, lfd[i], &e);
	}
	for (;;) {
		int n = epoll_wait(ep, ev, 64, -1), fd;

		for (i = 0; i < n; i++)
			while ((fd = accept4(ev[i].data.fd, NULL, NULL,
					     SOCK_NONBLOCK)) >= 0)
				close(fd);
	}
}

static int bench(unsigned int nchecks, unsigned int seconds)
{
	struct config *c = calloc(1, sizeof(*c));
	struct vs *v = calloc(1, sizeof(*v));
	int lfd[BENCH_PORTS], i, one = 1;
	struct rusage ru0, ru1;
	unsigned long long p0;
	uint64_t t0, t1;
	double cpu;
	pid_t child;

	for (i = 0; i < BENCH_PORTS; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
			.sin_port = htons(BENCH_BASE_PORT + i),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		lfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		setsockopt(lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd[i], (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(lfd[i], 4096) < 0) {
			perror("bench: listen");
			return 1;
		}
	}
	child = fork();
	if (child == 0)
		bench_acceptor(lfd);
	for (i = 0; i < BENCH_PORTS; i++)
		close(lfd[i]);

	c->resync_ms = 1000000;
	c->vs = (struct vs **)calloc(1, sizeof(*c->vs));
	c->vs[0] = v;
	c->nvs = 1;
	v->protocol = IPPROTO_TCP;
	v->port = 80;
	v->delay_loop_ms = 1;
	v->rs = calloc(nchecks, sizeof(*v->rs));
	for (i = 0; i < (int)nchecks; i++) {
		struct rs *r = calloc(1, sizeof(*r));
		struct check *k = calloc(1, sizeof(*k));

		r->addr.family = AF_INET;
		r->addr.u.in.s_addr = htonl(INADDR_LOOPBACK);
		r->port = (uint16_t)(BENCH_BASE_PORT + i % BENCH_PORTS);
		r->vs = v;
		r->up = true;
		r->weight = 1;
		r->checks = calloc(1, sizeof(*r->checks));
		r->checks[0] = k;
		r->nchecks = 1;
		k->type = CHECK_TCP;
		k->connect_timeout_ms = 1000;
		k->retry = k->rise = 1;
		k->delay_before_retry_ms = 1;
		k->delay_loop_ms = 1;
		timer_init(&k->timer, NULL);
		v->rs[v->nrs++] = r;
	}
	cfg = c;
	dry_run = true;
	bench_mode = true;
	for (i = 0; i < (int)nchecks; i++)
		start_rs_checks(v->rs[i], true);
	/* Warm up for a second, then measure. */
	t0 = now_ms();
	while (now_ms() - t0 < 1000)
		loop_once(100);
	p0 = probes_done;
	bench_failed = 0;
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_ms();
	while ((t1 = now_ms()) - t0 < seconds * 1000ULL)
		loop_once(100);
	getrusage(RUSAGE_SELF, &ru1);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
		       ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	      (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
		       ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	printf("bench: %u concurrent TCP checks against 127.0.0.1, %.1f s: %llu probes, %.0f probes/s wall, %.2f CPU s, %.0f probes per CPU-second, %llu failed\n",
	       nchecks, (double)(t1 - t0) / 1000, probes_done - p0,
	       (double)(probes_done - p0) * 1000 / (double)(t1 - t0), cpu,
	       cpu > 0 ? (double)(probes_done - p0) / cpu : 0, bench_failed);
	return 0;
}

/* --- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: l4lbd [-f CONFIG] [-p PIDFILE] [-S] [-v] [-n] [-c]\n"
		"       l4lbd -t [-f CONFIG]\n"
		"       l4lbd -B CHECKS[:SECONDS]\n"
		"  -f CONFIG  configuration file (default /etc/l4lbd.conf)\n"
		"  -t         check the configuration and exit (0 ok, 2 errors)\n"
		"  -S         log to syslog too\n"
		"  -v         verbose: log every probe\n"
		"  -n         dry run: probe and log, do not touch the kernel\n"
		"  -c         on exit, remove what l4lbd configured\n"
		"  -p FILE    write the process id to FILE\n"
		"  -B N[:S]   benchmark N concurrent TCP checks on loopback for S s\n"
		"  -V         print the version\n"
		"  -h         print this help\n"
		"Long forms: --help, --version.\n");
}

int main(int argc, char **argv)
{
	struct config_errors errs;
	bool test_only = false;
	unsigned int bench_n = 0, bench_s = 5;
	size_t i, j, nrs, nck;
	int opt;
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "f:tSvncp:B:Vh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'f': conf_path = optarg; break;
		case 't': test_only = true; break;
		case 'S': use_syslog = true; break;
		case 'v': verbose = true; break;
		case 'n': dry_run = true; break;
		case 'c': cleanup_on_exit = true; break;
		case 'p': pid_file = optarg; break;
		case 'B':
			if (sscanf(optarg, "%u:%u", &bench_n, &bench_s) < 1 ||
			    !bench_n || !bench_s) {
				usage(stderr);
				return 2;
			}
			break;
		case 'V': printf("l4lbd %s\n", L4LBD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	srandom((unsigned int)(time(NULL) ^ getpid()));
	if (bench_n) {
		if (loop_init() < 0 || checks_init() < 0)
			return 1;
		return bench(bench_n, bench_s);
	}
	cfg = config_parse_file(conf_path, &errs);
	if (!cfg) {
		config_errors_print(&errs, stderr);
		if (test_only)
			config_notes_print(&errs, stderr);
		fprintf(stderr, "l4lbd: %s: %zu error%s%s\n", conf_path, errs.n,
			errs.n == 1 ? "" : "s",
			test_only ? "" : "; not starting");
		return 2;
	}
	config_counts(cfg, &nrs, &nck);
	if (test_only) {
		config_notes_print(&errs, stderr);
		printf("%s: OK: %zu virtual servers, %zu real servers, %zu checks",
		       conf_path, cfg->nvs, nrs, nck);
		if (errs.nwarn || errs.nnote)
			printf(" (%zu warnings, %zu notices)", errs.nwarn,
			       errs.nnote);
		printf("\n");
		config_free(cfg);
		return 0;
	}
	if (use_syslog)
		openlog("l4lbd", LOG_PID, LOG_DAEMON);
	stamp = !getenv("JOURNAL_STREAM");
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (loop_init() < 0 || setup_signals() < 0 || checks_init() < 0) {
		logmsg(LOG_ERR, "initialisation failed: %s", strerror(errno));
		return 1;
	}
	logmsg(LOG_NOTICE, "l4lbd %s starting: %s: %zu virtual servers, %zu real servers, %zu checks%s",
	       L4LBD_VERSION, conf_path, cfg->nvs, nrs, nck,
	       dry_run ? " (dry run)" : "");
	log_notes(&errs);
	update_vip_local(cfg, true);
	for (i = 0; i < cfg->nvs; i++) {
		struct vs *v = cfg->vs[i];

		for (j = 0; j < v->nrs; j++) {
			struct rs *r = v->rs[j];

			r->up = !r->alpha || !r->nchecks;
			start_rs_checks(r, true);
		}
		if (v->sorry)
			v->sorry->up = true;
		v->quorum_ok = vs_live_weight(v) >= v->quorum;
	}
	if (metrics_apply(NULL, cfg) < 0)
		return 1;
	if (pid_file) {
		FILE *f = fopen(pid_file, "w");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
			logmsg(LOG_ERR, "%s: %s", pid_file, strerror(errno));
			return 1;
		}
	}
	timer_init(&resync_timer, resync);
	sync_all();
	timer_arm(&resync_timer, now_ms() + cfg->resync_ms);
	while (!stopping)
		if (loop_once(-1) < 0 && errno != EINTR) {
			logmsg(LOG_ERR, "epoll: %s", strerror(errno));
			break;
		}
	logmsg(LOG_NOTICE, "stopping");
	metrics_stop();
	stop_all_checks(cfg);
	omega_scripts(cfg);
	if (cleanup_on_exit) {
		struct config empty = { 0 };

		remove_stale(cfg, &empty);
	}
	if (!dry_run && nl_ok)
		sync_roles_stop();
	config_free(cfg);
	checks_cleanup();
	nl_reset();
	if (pid_file)
		unlink(pid_file);
	return 0;
}
