// SPDX-License-Identifier: GPL-2.0
/*
 * cmd.c - l4lbadm command handlers: cmdline -> l4lb requests -> output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "cmd.h"
#include "conns.h"
#include "output.h"

static bool is_server_cmd(enum l4lbadm_cmd cmd)
{
	return cmd == CMD_ADD_SERVER || cmd == CMD_EDIT_SERVER ||
	       cmd == CMD_DEL_SERVER;
}

static const char *base_msg(enum l4lbadm_cmd cmd, int err,
			    const char *extack)
{
	switch (err) {
	case EPERM:
		return "Permission denied (you must be root)";
	case ENOMEM:
		return "Memory allocation problem";
	case EEXIST:
		if (cmd == CMD_START_DAEMON)
			return "Sync daemon already running";
		return is_server_cmd(cmd) ? "Destination already exists"
					  : "Service already exists";
	case ENOSPC:
		return is_server_cmd(cmd) ? "Destination limit reached"
					  : "Service limit reached";
	case ENODEV:
		if (cmd == CMD_START_DAEMON)
			return "No such interface";
		return strerror(err);
	case ENOENT:
		switch (cmd) {
		case CMD_STOP_DAEMON:
			return "Sync daemon not running";
		case CMD_ADD_SERVICE:
			return "Scheduler not found";
		case CMD_EDIT_SERVICE:
			return extack && strcasestr(extack, "sched") ?
			       "Scheduler not found" : "No such service";
		case CMD_ADD_SERVER:
			return "No such service";
		case CMD_EDIT_SERVER:
		case CMD_DEL_SERVER:
			/* ENOENT names either; the extack says which. */
			return extack && strcasestr(extack, "service") &&
			       !strcasestr(extack, "dest") ?
			       "No such service" : "No such destination";
		default:
			return "No such service";
		}
	default:
		return strerror(err);
	}
}

void l4lbadm_errmsg(enum l4lbadm_cmd cmd, int err, const char *extack,
		    char *buf, size_t len)
{
	const char *m = base_msg(cmd, err, extack);
	const char *e = extack;

	/* The module often says the same words; don't say them twice. */
	if (e && !strncmp(e, L4LB_GENL_NAME ": ", strlen(L4LB_GENL_NAME) + 2))
		e += strlen(L4LB_GENL_NAME) + 2;
	if (e && !strcasecmp(e, m))
		extack = NULL;

	if (extack && *extack)
		snprintf(buf, len, "%s: %s", m, extack);
	else
		snprintf(buf, len, "%s", m);
}

int l4lbadm_report(enum l4lbadm_cmd cmd, struct nl_ctx *nl, int ret)
{
	char msg[512];

	if (ret == 0) {
		/* A message with success is a warning (as iproute2 shows). */
		if (nl->extack[0])
			fprintf(stderr, "l4lbadm: warning: %s\n", nl->extack);
		return L4LBADM_EXIT_OK;
	}
	l4lbadm_errmsg(cmd, -ret, nl->extack, msg, sizeof(msg));
	fprintf(stderr, "l4lbadm: %s\n", msg);
	return L4LBADM_EXIT_FAIL;
}

static int report(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl,
		  int ret)
{
	return l4lbadm_report(cl->cmd->id, nl, ret);
}

int l4lbadm_open_nl(struct nl_ctx *nl)
{
	int ret = l4lb_open(nl);

	if (ret == -ENOENT)
		fprintf(stderr, "l4lbadm: " L4LBADM_NOT_LOADED "\n");
	else if (ret)
		fprintf(stderr, "l4lbadm: cannot talk to the kernel over "
			"generic netlink: %s\n", strerror(-ret));
	return ret;
}

/* Open the family, run @fn, report its error; returns the exit code. */
static int with_nl(const struct l4lbadm_cmdline *cl,
		   int (*fn)(const struct l4lbadm_cmdline *, struct nl_ctx *))
{
	struct nl_ctx nl;
	int rc;

	if (l4lbadm_open_nl(&nl))
		return L4LBADM_EXIT_NOKERNEL;
	rc = report(cl, &nl, fn(cl, &nl));
	nl_close(&nl);
	return rc;
}

static int do_service(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	uint8_t cmd = cl->cmd->id == CMD_ADD_SERVICE ? L4LB_CMD_NEW_SERVICE :
		      cl->cmd->id == CMD_EDIT_SERVICE ? L4LB_CMD_SET_SERVICE :
		      L4LB_CMD_DEL_SERVICE;

	return l4lb_service_cmd(nl, cmd, &cl->svc);
}

static int do_server(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	uint8_t cmd = cl->cmd->id == CMD_ADD_SERVER ? L4LB_CMD_NEW_DEST :
		      cl->cmd->id == CMD_EDIT_SERVER ? L4LB_CMD_SET_DEST :
		      L4LB_CMD_DEL_DEST;

	return l4lb_dest_cmd(nl, cmd, &cl->svc, &cl->dest);
}

static int do_clear(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	(void)cl;
	return l4lb_flush(nl);
}

static int do_zero(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	return l4lb_zero(nl, cl->opts & OPT_SERVICE ? &cl->svc : NULL);
}

static int do_set(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	return l4lb_set_timeouts(nl, &cl->timeouts);
}

static int do_config(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	return l4lb_set_config(nl, &cl->config);
}

int l4lbadm_run_config(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_config);
}

int l4lbadm_run_service(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_service);
}

int l4lbadm_run_server(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_server);
}

int l4lbadm_run_clear(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_clear);
}

int l4lbadm_run_zero(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_zero);
}

int l4lbadm_run_set(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_set);
}

static int list_timeouts(const struct l4lbadm_cmdline *cl,
			 struct nl_ctx *nl)
{
	struct l4lb_timeouts t;
	int ret = l4lb_get_timeouts(nl, &t);

	if (ret)
		return ret;
	if (cl->json)
		l4lbadm_print_json_timeouts(stdout, &t);
	else
		l4lbadm_print_timeouts(stdout, &t);
	return 0;
}

static int list_info(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	struct l4lb_info info;
	int ret = l4lb_get_info(nl, &info);

	if (ret)
		return ret;
	if (cl->json)
		l4lbadm_print_json_info(stdout, &info);
	else
		l4lbadm_print_info(stdout, &info);
	return 0;
}

static unsigned int list_format(const struct l4lbadm_cmdline *cl)
{
	return (cl->opts & OPT_STATS ? L4LBADM_FMT_STATS : 0) |
	       (cl->opts & OPT_RATE ? L4LBADM_FMT_RATE : 0) |
	       (cl->opts & OPT_EXACT ? L4LBADM_FMT_EXACT : 0) |
	       (cl->opts & OPT_HEALTH ? L4LBADM_FMT_HEALTH : 0) |
	       (cl->opts & OPT_THRESHOLDS ? L4LBADM_FMT_THRESHOLDS : 0) |
	       (cl->numeric ? L4LBADM_FMT_NUMERIC : 0);
}

/* -L --daemon: ipvsadm's lines; with --stats, l4lb's counters too. */
static int list_daemons(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	struct l4lb_daemon d[2];
	char group[INET6_ADDRSTRLEN];
	size_t n, i;
	int ret;

	ret = l4lb_get_daemons(nl, d, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		bool master = d[i].state == L4LB_DAEMON_MASTER;

		if (!inet_ntop(d[i].group_family, &d[i].group, group,
			       sizeof(group)))
			strcpy(group, "?");
		printf("%s sync daemon (mcast=%s, syncid=%u, maxlen=%u, "
		       "group=%s, port=%u, ttl=%u)\n",
		       master ? "master" : "backup", d[i].ifname, d[i].syncid,
		       d[i].maxlen, group, d[i].port, d[i].ttl);
		if (!(cl->opts & OPT_STATS))
			continue;
		if (master)
			printf("  key=%s datagrams=%llu records=%llu "
			       "dropped=%llu\n", d[i].keyed ? "yes" : "no",
			       (unsigned long long)d[i].datagrams,
			       (unsigned long long)d[i].records,
			       (unsigned long long)d[i].dropped);
		else
			printf("  key=%s datagrams=%llu records=%llu "
			       "dropped=%llu malformed=%llu bad_auth=%llu "
			       "other_syncid=%llu no_service=%llu "
			       "table_full=%llu\n", d[i].keyed ? "yes" : "no",
			       (unsigned long long)d[i].datagrams,
			       (unsigned long long)d[i].records,
			       (unsigned long long)d[i].dropped,
			       (unsigned long long)d[i].malformed,
			       (unsigned long long)d[i].bad_auth,
			       (unsigned long long)d[i].other_syncid,
			       (unsigned long long)d[i].no_service,
			       (unsigned long long)d[i].table_full);
	}
	return 0;
}

static int do_daemon(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	return l4lb_daemon_cmd(nl, cl->cmd->id == CMD_START_DAEMON ?
				   L4LB_CMD_NEW_DAEMON : L4LB_CMD_DEL_DAEMON,
			       &cl->daemon);
}

int l4lbadm_run_daemon(const struct l4lbadm_cmdline *cl)
{
	struct l4lbadm_cmdline c = *cl;
	char err[512];
	int rc;

	if (c.key_file) {
		if (l4lbadm_read_key_file(c.key_file, c.daemon.key, err,
					  sizeof(err))) {
			fprintf(stderr, "l4lbadm: %s\n", err);
			return L4LBADM_EXIT_USAGE;
		}
		c.daemon.set |= L4LB_HAS_KEY;
	}
	rc = with_nl(&c, do_daemon);
	memset(c.daemon.key, 0, sizeof(c.daemon.key));
	return rc;
}

static int do_list(const struct l4lbadm_cmdline *cl, struct nl_ctx *nl)
{
	const struct l4lb_service *key = cl->opts & OPT_SERVICE ? &cl->svc
								: NULL;
	struct l4lb_service_list l;
	struct l4lb_info info;
	int ret;

	if (cl->sync_opts & SYNC_DAEMON)
		return list_daemons(cl, nl);
	if (cl->opts & OPT_TIMEOUT)
		return list_timeouts(cl, nl);
	if (cl->opts & OPT_INFO)
		return list_info(cl, nl);
	if (cl->opts & OPT_CONN)
		return l4lbadm_list_conns(cl, nl);
	/*
	 * ipvsadm prints the version header only when listing everything;
	 * the JSON document always carries "info".
	 */
	if (!key || cl->json) {
		ret = l4lb_get_info(nl, &info);
		if (ret)
			return ret;
	}
	ret = l4lb_get_services(nl, key, true, &l);
	if (ret)
		return ret;
	/* A kernel that ignores L4LB_A_WITH_DESTS: ask per service. */
	for (size_t i = 0; i < l.n && !ret; i++)
		if (!(l.svcs[i].set & L4LB_HAS_DESTS))
			ret = l4lb_get_dests(nl, &l.svcs[i]);
	if (!ret) {
		if (!(cl->opts & OPT_NOSORT))
			l4lb_service_list_sort(&l);
		if (cl->json)
			l4lbadm_print_json(stdout, &info, &l);
		else
			l4lbadm_print_list(stdout, key ? NULL : &info, &l,
					   list_format(cl));
	}
	l4lb_service_list_free(&l);
	return ret;
}

int l4lbadm_run_list(const struct l4lbadm_cmdline *cl)
{
	return with_nl(cl, do_list);
}

int l4lbadm_run_version(const struct l4lbadm_cmdline *cl)
{
	struct l4lb_info info;
	struct nl_ctx nl;
	int ret;

	printf("l4lbadm " L4LBADM_VERSION "\n");
	fflush(stdout);
	if (l4lbadm_open_nl(&nl))
		return L4LBADM_EXIT_NOKERNEL;
	ret = l4lb_get_info(&nl, &info);
	if (!ret)
		printf("l4lb kernel module %s (generic netlink family \"%s\" "
		       "version %u)\n", info.version[0] ? info.version : "?",
		       L4LB_GENL_NAME, nl.family_version);
	ret = report(cl, &nl, ret);
	nl_close(&nl);
	return ret;
}

int l4lbadm_run_help(const struct l4lbadm_cmdline *cl)
{
	(void)cl;
	l4lbadm_usage(stdout, "l4lbadm");
	return L4LBADM_EXIT_OK;
}
