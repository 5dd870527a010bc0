// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - host unit tests for l4lbadm: argument parsing, error
 * messages and exit codes, the option table, netlink message building and
 * reply parsing, and the -L / --json output. No kernel module needed.
 *
 * Output: one "ok N - name" / "not ok N - name" / "ok N - name # SKIP"
 * line per check, then exactly "N passed, N failed, N skipped" (a skipped
 * check is not a pass). Exit status 0 iff nothing failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <linux/genetlink.h>

#include "cmd.h"
#include "conns.h"
#include "output.h"
#include "parse.h"
#include "saverestore.h"

int l4lbadm_main(int argc, char **argv);

static int n_pass, n_fail, n_skip, n_test;

static void check(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (cond)
		n_pass++;
	else
		n_fail++;
}

static void skip(const char *what)
{
	printf("ok %d - %s # SKIP\n", ++n_test, what);
	n_skip++;
}

/* Split a command line on spaces (no quoting needed in these tests). */
#define MAXARGS 32
struct argv_buf {
	char buf[512];
	char *argv[MAXARGS];
	int argc;
};

static void split(struct argv_buf *a, const char *line)
{
	char *tok, *save = NULL;

	snprintf(a->buf, sizeof(a->buf), "l4lbadm %s", line);
	a->argc = 0;
	for (tok = strtok_r(a->buf, " ", &save); tok && a->argc < MAXARGS - 1;
	     tok = strtok_r(NULL, " ", &save))
		a->argv[a->argc++] = tok;
	a->argv[a->argc] = NULL;
}

static int parse(const char *line, struct l4lbadm_cmdline *cl)
{
	struct argv_buf a;

	split(&a, line);
	return l4lbadm_parse(a.argc, a.argv, cl);
}

/* An IPv4 address (a union's .in, or a struct in_addr) is @dotted. */
#define addr_is(a, dotted) addr_is4(&(a), dotted)

static bool addr_is4(const void *a, const char *dotted)
{
	struct in_addr b;

	return inet_pton(AF_INET, dotted, &b) == 1 && !memcmp(a, &b, 4);
}

/* @family is AF_INET6 and @a is @text. */
static bool addr6_is(uint16_t family, const union l4lb_inaddr *a,
		     const char *text)
{
	struct in6_addr b;

	return family == AF_INET6 && inet_pton(AF_INET6, text, &b) == 1 &&
	       !memcmp(&a->in6, &b, sizeof(b));
}

/* --- parsing: accepted command lines ------------------------------------ */

static void expect_err(const char *line, const char *msg);

static void test_parse_ok(void)
{
	struct l4lbadm_cmdline cl;
	int r;

	r = parse("-A -t 10.0.0.1:80 -s wrr", &cl);
	check(r == 0 && cl.cmd->id == CMD_ADD_SERVICE &&
	      cl.svc.protocol == IPPROTO_TCP && addr_is(cl.svc.addr, "10.0.0.1") &&
	      cl.svc.port == 80 && !strcmp(cl.svc.sched, "wrr") &&
	      (cl.svc.set & L4LB_HAS_SCHED), "-A -t VIP:PORT -s wrr");

	r = parse("-A -u 10.0.0.1:53", &cl);
	check(r == 0 && cl.svc.protocol == IPPROTO_UDP && cl.svc.port == 53 &&
	      (cl.svc.set & L4LB_HAS_SCHED) && !strcmp(cl.svc.sched, "wlc"),
	      "-A -u without -s: wlc, ipvsadm's default");

	r = parse("--add-service --tcp-service 10.0.0.1:80 --scheduler rr", &cl);
	check(r == 0 && cl.cmd->id == CMD_ADD_SERVICE &&
	      !strcmp(cl.svc.sched, "rr"), "long options for -A");

	r = parse("-At 10.0.0.1:80", &cl);
	check(r == 0 && cl.cmd->id == CMD_ADD_SERVICE && cl.svc.port == 80,
	      "clustered short options -At");

	r = parse("-E -t 10.0.0.1:80 -s rr", &cl);
	check(r == 0 && cl.cmd->id == CMD_EDIT_SERVICE, "-E");
	r = parse("--edit-service -t 10.0.0.1:80", &cl);
	check(r == 0 && cl.cmd->id == CMD_EDIT_SERVICE &&
	      (cl.svc.set & L4LB_HAS_SCHED) && !strcmp(cl.svc.sched, "wlc"),
	      "--edit-service without -s sets wlc (ipvsadm resets it)");
	check(r == 0 && (cl.svc.set & L4LB_HAS_FLAGS) && !cl.svc.flags &&
	      (cl.svc.set & L4LB_HAS_SCHED_FLAGS) && !cl.svc.sched_flags &&
	      (cl.svc.set & L4LB_HAS_MH_SIZE) &&
	      cl.svc.mh_size == L4LB_MH_TABLE_SIZE_DEFAULT &&
	      (cl.svc.set & L4LB_HAS_MH_KEY) &&
	      !memcmp(cl.svc.mh_key, L4LB_MH_KEY_DEFAULT, L4LB_MH_KEY_LEN),
	      "-E without -o, -b, --mh-*: every one reset to its default");
	r = parse("-D -t 10.0.0.1:80", &cl);
	check(r == 0 && cl.cmd->id == CMD_DEL_SERVICE, "-D");
	r = parse("--delete-service -u 10.0.0.1:53", &cl);
	check(r == 0 && cl.cmd->id == CMD_DEL_SERVICE, "--delete-service");
	r = parse("-C", &cl);
	check(r == 0 && cl.cmd->id == CMD_CLEAR, "-C");
	r = parse("--clear", &cl);
	check(r == 0 && cl.cmd->id == CMD_CLEAR, "--clear");

	r = parse("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 5", &cl);
	check(r == 0 && cl.cmd->id == CMD_ADD_SERVER &&
	      addr_is(cl.dest.addr, "10.0.0.2") && cl.dest.port == 80 &&
	      cl.dest.fwd == L4LB_FWD_DR && (cl.dest.set & L4LB_HAS_FWD) &&
	      cl.dest.weight == 5 && (cl.dest.set & L4LB_HAS_WEIGHT),
	      "-a: port defaults to the service port, DR is the default");
	r = parse("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g", &cl);
	check(r == 0 && cl.dest.fwd == L4LB_FWD_DR, "-a -g with equal port");
	r = parse("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m", &cl);
	check(r == 0 && cl.dest.fwd == L4LB_FWD_NAT && cl.dest.port == 8080,
	      "-a -m may change the port");
	r = parse("--add-server --tcp-service 10.0.0.1:80 --real-server "
		  "10.0.0.2:8080 --masquerading --weight 3", &cl);
	check(r == 0 && cl.cmd->id == CMD_ADD_SERVER &&
	      cl.dest.fwd == L4LB_FWD_NAT && cl.dest.weight == 3,
	      "long options for -a");
	r = parse("-a -t 10.0.0.1:80 -r 10.0.0.2 --gatewaying", &cl);
	check(r == 0 && cl.dest.fwd == L4LB_FWD_DR, "--gatewaying");
	r = parse("-a -t 10.0.0.1:80 -r 10.0.0.2", &cl);
	check(r == 0 && (cl.dest.set & L4LB_HAS_WEIGHT) && cl.dest.weight == 1 &&
	      (cl.dest.set & L4LB_HAS_THRESH) && !cl.dest.u_thresh &&
	      !cl.dest.l_thresh,
	      "-a without -w, -x, -y: weight 1, no thresholds");

	r = parse("-e -t 10.0.0.1:80 -r 10.0.0.2 -w 0", &cl);
	check(r == 0 && cl.cmd->id == CMD_EDIT_SERVER && cl.dest.weight == 0 &&
	      (cl.dest.set & L4LB_HAS_WEIGHT) && (cl.dest.set & L4LB_HAS_FWD) &&
	      cl.dest.fwd == L4LB_FWD_DR && (cl.dest.set & L4LB_HAS_THRESH) &&
	      !cl.dest.u_thresh,
	      "-e -w 0: direct routing and no thresholds, as ipvsadm resets them");
	r = parse("-e -t 10.0.0.1:80 -r 10.0.0.2", &cl);
	check(r == 0 && (cl.dest.set & L4LB_HAS_WEIGHT) && cl.dest.weight == 1,
	      "-e without -w sets weight 1 (ipvsadm's default)");
	r = parse("-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m", &cl);
	check(r == 0 && cl.dest.fwd == L4LB_FWD_NAT && cl.dest.port == 8080,
	      "-e -m keeps NAT");
	r = parse("--edit-server -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 65535",
		  &cl);
	check(r == 0 && cl.dest.weight == 65535 && cl.dest.port == 8080,
	      "--edit-server, weight 65535");
	expect_err("-e -t 10.0.0.1:80 -r 10.0.0.2:8080",
		   "real server port 8080 in \"10.0.0.2:8080\" differs from "
		   "service port 80: direct routing (-g) cannot change the "
		   "port; use -m");

	r = parse("-a -t 10.0.0.1:80 -r 10.0.0.2 -x 100 -y 50", &cl);
	check(r == 0 && cl.dest.u_thresh == 100 && cl.dest.l_thresh == 50 &&
	      (cl.dest.set & L4LB_HAS_THRESH), "-a -x 100 -y 50");
	r = parse("-e -t 10.0.0.1:80 -r 10.0.0.2 --u-threshold 2147483647", &cl);
	check(r == 0 && cl.dest.u_thresh == 2147483647 && !cl.dest.l_thresh,
	      "--u-threshold 2147483647 (ipvsadm's maximum), -y 0");
	r = parse("-A -u 10.0.0.1:53 -s rr -o", &cl);
	check(r == 0 && cl.svc.flags == L4LB_SVC_F_ONEPACKET &&
	      (cl.svc.set & L4LB_HAS_FLAGS), "-A -u -o: one-packet");
	r = parse("-E -u 10.0.0.1:53 --ops", &cl);
	check(r == 0 && cl.svc.flags == L4LB_SVC_F_ONEPACKET &&
	      !strcmp(cl.svc.sched, "wlc"), "-E --ops");
	r = parse("-E -u 10.0.0.1:53 -s rr", &cl);
	check(r == 0 && !cl.svc.flags && (cl.svc.set & L4LB_HAS_FLAGS),
	      "-E without -o turns one-packet off");
	r = parse("-L -n --thresholds", &cl);
	check(r == 0 && (cl.opts & OPT_THRESHOLDS), "-L -n --thresholds");
	r = parse("-L -n --sort", &cl);
	check(r == 0 && (cl.opts & OPT_SORT), "-L --sort (ipvsadm's no-op)");
	r = parse("-L --nosort", &cl);
	check(r == 0 && (cl.opts & OPT_NOSORT), "-L --nosort");
	r = parse("-S -n --sort", &cl);
	check(r == 0 && cl.cmd->id == CMD_SAVE, "-S --sort");
	r = parse("-d -t 10.0.0.1:80 -r 10.0.0.2", &cl);
	check(r == 0 && cl.cmd->id == CMD_DEL_SERVER && cl.dest.port == 80,
	      "-d");
	r = parse("--delete-server -t 10.0.0.1:80 -r 10.0.0.2:8080", &cl);
	check(r == 0 && cl.cmd->id == CMD_DEL_SERVER && cl.dest.port == 8080,
	      "--delete-server of a NAT destination");

	r = parse("-L", &cl);
	check(r == 0 && cl.cmd->id == CMD_LIST && !cl.numeric && !cl.json,
	      "-L");
	r = parse("-l", &cl);
	check(r == 0 && cl.cmd->id == CMD_LIST, "-l");
	r = parse("-Ln", &cl);
	check(r == 0 && cl.cmd->id == CMD_LIST && cl.numeric, "-Ln");
	r = parse("--list --numeric -t 10.0.0.1:80", &cl);
	check(r == 0 && cl.numeric && (cl.opts & OPT_SERVICE) &&
	      cl.svc.port == 80, "--list --numeric -t");
	r = parse("-L --json", &cl);
	check(r == 0 && cl.json, "-L --json");
	r = parse("--start-daemon backup --mcast-interface eth1 --syncid 7 "
		  "--sync-maxlen 1400 --mcast-group ff02::81 --mcast-port 9000 "
		  "--mcast-ttl 2", &cl);
	check(r == 0 && cl.cmd->id == CMD_START_DAEMON &&
	      cl.daemon.state == L4LB_DAEMON_BACKUP &&
	      !strcmp(cl.daemon.ifname, "eth1") && cl.daemon.syncid == 7 &&
	      cl.daemon.maxlen == 1400 && cl.daemon.group_family == AF_INET6 &&
	      cl.daemon.port == 9000 && cl.daemon.ttl == 2 &&
	      cl.daemon.set == (L4LB_HAS_SYNCID | L4LB_HAS_MAXLEN |
				L4LB_HAS_GROUP | L4LB_HAS_MCAST_PORT |
				L4LB_HAS_TTL),
	      "--start-daemon backup with every option");
	r = parse("--start-daemon=master --mcast-interface eth0", &cl);
	check(r == 0 && cl.daemon.state == L4LB_DAEMON_MASTER &&
	      !cl.daemon.set, "--start-daemon=master, defaults left to the kernel");
	r = parse("--stop-daemon backup", &cl);
	check(r == 0 && cl.cmd->id == CMD_STOP_DAEMON &&
	      cl.daemon.state == L4LB_DAEMON_BACKUP, "--stop-daemon backup");
	r = parse("-L --daemon --stats", &cl);
	check(r == 0 && (cl.sync_opts & SYNC_DAEMON), "-L --daemon --stats");

	r = parse("-L --timeout", &cl);
	check(r == 0 && (cl.opts & OPT_TIMEOUT), "-L --timeout");

	r = parse("-Z", &cl);
	check(r == 0 && cl.cmd->id == CMD_ZERO && !(cl.opts & OPT_SERVICE),
	      "-Z");
	r = parse("--zero -u 10.0.0.1:53", &cl);
	check(r == 0 && cl.cmd->id == CMD_ZERO && (cl.opts & OPT_SERVICE),
	      "--zero -u");

	r = parse("--set 900 120 300", &cl);
	check(r == 0 && cl.cmd->id == CMD_SET && cl.timeouts.tcp == 900 &&
	      cl.timeouts.tcp_fin == 120 && cl.timeouts.udp == 300, "--set");
	r = parse("--set 0 0 10", &cl);
	check(r == 0 && cl.timeouts.tcp == 0 && cl.timeouts.udp == 10,
	      "--set with 0 = unchanged");
	r = parse("--set 2678400 1 1", &cl);
	check(r == 0 && cl.timeouts.tcp == L4LB_TIMEOUT_MAX,
	      "--set maximum timeout");

	r = parse("--config conn-limit 1000 tcp-pickup on", &cl);
	check(r == 0 && cl.cmd->id == CMD_CONFIG &&
	      cl.config.conn_limit == 1000 && cl.config.tcp_pickup &&
	      cl.config.set == (L4LB_HAS_CONN_LIMIT | L4LB_HAS_TCP_PICKUP),
	      "--config conn-limit tcp-pickup");
	r = parse("--config tcp-pickup off", &cl);
	check(r == 0 && !cl.config.tcp_pickup &&
	      cl.config.set == L4LB_HAS_TCP_PICKUP, "--config tcp-pickup off");
	r = parse("--config conn-limit 67108865", &cl);
	check(r == L4LBADM_EXIT_USAGE && strstr(cl.err, "\"67108865\""),
	      "--config conn-limit past the maximum");
	r = parse("--config tcp-pickup yes", &cl);
	check(r == L4LBADM_EXIT_USAGE && strstr(cl.err, "\"yes\""),
	      "--config tcp-pickup yes");
	r = parse("--config conn-limit", &cl);
	check(r == L4LBADM_EXIT_USAGE, "--config without a value");
	r = parse("--config tun-source 198.51.100.2 tun-source 2001:db8::2",
		  &cl);
	check(r == 0 && cl.config.set ==
	      (L4LB_HAS_TUN_SOURCE | L4LB_HAS_TUN_SOURCE6) &&
	      cl.config.tun_source.s_addr == htonl(0xc6336402) &&
	      cl.config.tun_source6.s6_addr[15] == 2,
	      "--config tun-source, both families");
	expect_err("--config tun-source 198.51.100.2 tun-source 10.0.0.1",
		   "\"tun-source\" given twice for IPv4");
	expect_err("--config tun-source lb1",
		   "invalid tun-source \"lb1\" (an address of this host; "
		   "0.0.0.0 or :: for the route's choice)");
	r = parse("--config limit 5", &cl);
	check(r == L4LBADM_EXIT_USAGE && strstr(cl.err, "\"limit\""),
	      "--config unknown setting");
	r = parse("--config conn-limit 1 conn-limit 2", &cl);
	check(r == L4LBADM_EXIT_USAGE, "--config setting twice");
	r = parse("--config conn-limit 5 -t 10.0.0.1:80", &cl);
	check(r == L4LBADM_EXIT_USAGE, "--config with -t");

	r = parse("--version", &cl);
	check(r == 0 && cl.cmd->id == CMD_VERSION, "--version");
	r = parse("-h", &cl);
	check(r == 0 && cl.cmd->id == CMD_HELP, "-h");
	r = parse("--help", &cl);
	check(r == 0 && cl.cmd->id == CMD_HELP, "--help");

	/* name resolution: /etc/services and /etc/hosts */
	r = parse("-A -t 10.0.0.1:http", &cl);
	check(r == 0 && cl.svc.port == 80, "service name http -> 80");
	r = parse("-A -u 10.0.0.1:domain", &cl);
	check(r == 0 && cl.svc.port == 53, "udp service name domain -> 53");
	r = parse("-A -t localhost:80", &cl);
	if (r == 0)
		check(addr_is(cl.svc.addr, "127.0.0.1"), "host name localhost");
	else
		skip("host name localhost (no resolver)");
}

/* --- parsing: rejected command lines ------------------------------------ */

static void expect_err(const char *line, const char *msg)
{
	struct l4lbadm_cmdline cl;
	int r = parse(line, &cl);

	check(r == L4LBADM_EXIT_USAGE && !strcmp(cl.err, msg),
	      "\"%s\" -> exit %d \"%s\"%s%s", line, r, cl.err,
	      strcmp(cl.err, msg) ? " expected: " : "",
	      strcmp(cl.err, msg) ? msg : "");
}

static void test_parse_errors(void)
{
	expect_err("-A -t 10.0.0.1:8o", "invalid port \"8o\" in \"10.0.0.1:8o\"");
	expect_err("-A -t 10.0.0.1:", "invalid port \"\" in \"10.0.0.1:\"");
	expect_err("-A -t 10.0.0.1:65536",
		   "invalid port \"65536\" in \"10.0.0.1:65536\"");
	expect_err("-A -t 10.0.0.1:-1", "invalid port \"-1\" in \"10.0.0.1:-1\"");
	expect_err("-A -t 10.0.0.1:0",
		   "invalid port \"0\" in \"10.0.0.1:0\" (must be 1..65535)");
	expect_err("-A -t 10.0.0.1", "missing port in \"10.0.0.1\"");
	expect_err("-A -t 10.0.0.1:nosuchsvc",
		   "unknown service \"nosuchsvc\" in \"10.0.0.1:nosuchsvc\"");
	expect_err("-A -t 10.0.0.300:80",
		   "invalid address \"10.0.0.300\" in \"10.0.0.300:80\"");
	expect_err("-A -t :80", "missing address in \":80\"");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2:8o",
		   "invalid port \"8o\" in \"10.0.0.2:8o\"");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.256",
		   "invalid address \"10.0.0.256\"");

	expect_err("-A -t 10.0.0.1:80 -s foo", "unknown scheduler \"foo\"");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 70000",
		   "illegal weight \"70000\" (must be 0..65535)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -w -1",
		   "illegal weight \"-1\" (must be 0..65535)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -w abc",
		   "illegal weight \"abc\" (must be 0..65535)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 99999999999",
		   "illegal weight \"99999999999\" (must be 0..65535)");

	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2:8080",
		   "real server port 8080 in \"10.0.0.2:8080\" differs from "
		   "service port 80: direct routing (-g) cannot change the "
		   "port; use -m");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g",
		   "real server port 8080 in \"10.0.0.2:8080\" differs from "
		   "service port 80: direct routing (-g) cannot change the "
		   "port; use -m");
	expect_err("-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -g",
		   "real server port 8080 in \"10.0.0.2:8080\" differs from "
		   "service port 80: direct routing (-g) cannot change the "
		   "port; use -m");

	expect_err("-A -t 10.0.0.1:80 -w 5",
		   "Illegal 'weight' option with the 'add-service' command");
	expect_err("-D -t 10.0.0.1:80 -s rr",
		   "Illegal 'scheduler' option with the 'delete-service' "
		   "command");
	expect_err("-d -t 10.0.0.1:80 -r 10.0.0.2 -w 1",
		   "Illegal 'weight' option with the 'delete-server' command");
	expect_err("-C -t 10.0.0.1:80",
		   "Illegal 'service-address' option with the 'clear' command");
	expect_err("-L -s rr",
		   "Illegal 'scheduler' option with the 'list' command");
	expect_err("-A -t 10.0.0.1:80 -n",
		   "Illegal 'numeric' option with the 'add-service' command");
	expect_err("-A --json -t 10.0.0.1:80",
		   "Illegal 'json' option with the 'add-service' command");
	expect_err("-A", "You need to supply the 'service-address' option for "
		   "the 'add-service' command");
	expect_err("-a -t 10.0.0.1:80", "You need to supply the 'real-server' "
		   "option for the 'add-server' command");
	expect_err("-d -r 10.0.0.2", "You need to supply the 'service-address' "
		   "option for the 'delete-server' command");

	expect_err("-A -D -t 10.0.0.1:80", "multiple commands specified");
	expect_err("-L -l", "multiple commands specified");
	expect_err("-A -t 10.0.0.1:80 -u 10.0.0.1:80",
		   "multiple 'service-address' options specified");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -g -m",
		   "multiple 'forwarding-method' options specified");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1 -w 2",
		   "multiple 'weight' options specified");

	expect_err("-z", "invalid option \"-z\"");
	expect_err("-Lz", "invalid option \"-z\"");
	expect_err("-A -f 0", "illegal fwmark \"0\" (must be 1..4294967295)");
	expect_err("-A -f x", "illegal fwmark \"x\" (must be 1..4294967295)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -x 1x",
		   "illegal u_threshold \"1x\" (must be 0..2147483647)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -x 2147483648",
		   "illegal u_threshold \"2147483648\" (must be 0..2147483647)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -y -1",
		   "illegal l_threshold \"-1\" (must be 0..2147483647)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -x 10 -y 11",
		   "l_threshold 11 is higher than u_threshold 10");
	expect_err("-e -t 10.0.0.1:80 -r 10.0.0.2 -y 5",
		   "l_threshold 5 is higher than u_threshold 0");
	expect_err("-A -t 10.0.0.1:80 -o",
		   "One-Packet Scheduling (-o) is only for UDP virtual "
		   "services, not \"10.0.0.1:80\"");
	expect_err("-a -u 10.0.0.1:53 -r 10.0.0.2 -o",
		   "Illegal 'ops' option with the 'add-server' command");
	expect_err("-A -u 10.0.0.1:53 -x 5",
		   "Illegal 'u-threshold' option with the 'add-service' command");
	expect_err("-L --thresholds --stats",
		   "The option 'thresholds' conflicts with the 'stats' option "
		   "in the 'list' command");
	expect_err("-L --sort --nosort",
		   "The option 'sort' conflicts with the 'nosort' option in "
		   "the 'list' command");
	expect_err("-A -u 10.0.0.1:53 --pe sip",
		   "not supported by l4lb: \"--pe\"");
	expect_err("--start-daemon master",
		   "You need to supply the 'mcast-interface' option for the "
		   "'start-daemon' command");
	expect_err("--start-daemon primary --mcast-interface eth0",
		   "illegal start-daemon state \"primary\" (master or backup)");
	expect_err("--stop-daemon master --syncid 1",
		   "Illegal 'syncid' option with the 'stop-daemon' command");
	expect_err("--start-daemon master --mcast-interface eth0 --syncid 256",
		   "illegal syncid \"256\" (must be 0..255)");
	expect_err("--start-daemon master --mcast-interface eth0 "
		   "--mcast-group 10.0.0.1",
		   "illegal mcast-group \"10.0.0.1\" (an IPv4 or IPv6 "
		   "multicast address)");
	expect_err("--start-daemon master --mcast-interface eth0 "
		   "--mcast-ttl 0", "illegal mcast-ttl \"0\" (must be 1..255)");
	expect_err("--start-daemon master --mcast-interface eth0 "
		   "--mcast-port 0",
		   "illegal mcast-port \"0\" (must be 1..65535)");
	expect_err("--start-daemon master --mcast-interface eth0 "
		   "--sync-maxlen 50",
		   "illegal sync-maxlen \"50\" (must be 92..65535, and fit "
		   "the interface's MTU)");
	expect_err("--start-daemon master --mcast-interface eth0 --daemon",
		   "Illegal 'daemon' option with the 'start-daemon' command");
	expect_err("-L --daemon --mcast-interface eth0",
		   "Illegal 'mcast-interface' option with the 'list' command");
	expect_err("-L --daemon -c",
		   "The option 'daemon' conflicts with the 'connection' option "
		   "in the 'list' command");
	expect_err("-A -t 10.0.0.1:80 --syncid 1",
		   "Illegal 'syncid' option with the 'add-service' command");
	expect_err("-A -t 10.0.0.1:80 -s twos",
		   "not supported by l4lb: scheduler \"twos\"");
	expect_err("--persistentx", "invalid option \"--persistentx\"");
	expect_err("--bogus", "invalid option \"--bogus\"");
	expect_err("-A -t", "option \"-t\" requires an argument");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 --weight",
		   "option \"--weight\" requires an argument");
	expect_err("-n", "no command specified");
	expect_err("-C extra", "unexpected argument \"extra\"");
	expect_err("-L -n 10.0.0.1:80", "unexpected argument \"10.0.0.1:80\"");

	expect_err("--set 1 2",
		   "--set option requires 3 timeout values (tcp tcpfin udp)");
	expect_err("--set 1 2 3 4",
		   "--set option requires 3 timeout values (tcp tcpfin udp)");
	expect_err("--set 1 2 x",
		   "invalid timeout value \"x\" (must be 0..2678400 seconds)");
	expect_err("--set 2678401 1 1", "invalid timeout value \"2678401\" "
		   "(must be 0..2678400 seconds)");
	expect_err("-L --timeout -t 10.0.0.1:80", "The option 'timeout' "
		   "conflicts with the 'service-address' option in the 'list' "
		   "command");
	expect_err("-L --stats --rate", "The option 'stats' conflicts with "
		   "the 'rate' option in the 'list' command");
	expect_err("-L --info --stats", "The option 'info' conflicts with "
		   "the 'stats' option in the 'list' command");
	expect_err("-L --health --stats", "The option 'health' conflicts with "
		   "the 'stats' option in the 'list' command");
	expect_err("-S --json", "Illegal 'json' option with the 'save' "
		   "command");
	expect_err("-R -n", "Illegal 'numeric' option with the 'restore' "
		   "command");
	expect_err("-Z --stats", "Illegal 'stats' option with the 'zero' "
		   "command");

	/* hints to run -h come with getopt-level errors only */
	struct l4lbadm_cmdline cl;

	parse("-x", &cl);
	check(cl.hint, "invalid option suggests -h");
	parse("-A -t 10.0.0.1:8o", &cl);
	check(!cl.hint, "bad value does not suggest -h");
}

/* --- the table ---------------------------------------------------------- */

static void test_table(void)
{
	bool ok_run = true, uniq = true, opt_ok = true;
	static const char *longs[] = {
		"add-service", "edit-service", "delete-service", "clear",
		"add-server", "edit-server", "delete-server", "list",
		"numeric", "tcp-service", "udp-service", "scheduler",
		"real-server", "gatewaying", "masquerading", "weight", "zero",
		"set", "version", "help", "json",
	};

	for (size_t i = 0; i < l4lbadm_table_len; i++) {
		const struct l4lbadm_opt *a = &l4lbadm_table[i];

		if (a->is_cmd && !a->run)
			ok_run = false;
		if (!a->is_cmd && (a->run || !a->id || (a->id & (a->id - 1))))
			opt_ok = false;
		for (size_t j = i + 1; j < l4lbadm_table_len; j++) {
			const struct l4lbadm_opt *b = &l4lbadm_table[j];
			int sa[2] = { a->short_name, a->alias };
			int sb[2] = { b->short_name, b->alias };

			if (!strcmp(a->long_name, b->long_name))
				uniq = false;
			for (int x = 0; x < 2; x++)
				for (int y = 0; y < 2; y++)
					if (sa[x] && sa[x] == sb[y])
						uniq = false;
		}
	}
	check(ok_run, "every command row has a handler");
	check(opt_ok, "every option row is one OPT_* bit, no handler");
	check(uniq, "short and long names are unique");
	for (size_t k = 0; k < sizeof(longs) / sizeof(longs[0]); k++) {
		bool found = false;

		for (size_t i = 0; i < l4lbadm_table_len; i++)
			found |= !strcmp(l4lbadm_table[i].long_name, longs[k]);
		check(found, "long option --%s exists", longs[k]);
	}
}

/* --- kernel error messages ---------------------------------------------- */

static void expect_msg(enum l4lbadm_cmd cmd, int err, const char *extack,
		       const char *want)
{
	char buf[512];

	l4lbadm_errmsg(cmd, err, extack, buf, sizeof(buf));
	check(!strcmp(buf, want), "errno %d cmd %d -> \"%s\"", err, cmd, buf);
}

static void test_errmsg(void)
{
	expect_msg(CMD_ADD_SERVICE, EEXIST, NULL, "Service already exists");
	expect_msg(CMD_DEL_SERVICE, ENOENT, NULL, "No such service");
	expect_msg(CMD_EDIT_SERVICE, ENOENT, "", "No such service");
	expect_msg(CMD_ZERO, ENOENT, NULL, "No such service");
	expect_msg(CMD_LIST, ENOENT, NULL, "No such service");
	expect_msg(CMD_ADD_SERVER, ENOENT, NULL, "No such service");
	expect_msg(CMD_ADD_SERVER, EEXIST, NULL, "Destination already exists");
	expect_msg(CMD_DEL_SERVER, ENOENT, NULL, "No such destination");
	expect_msg(CMD_EDIT_SERVER, ENOENT, NULL, "No such destination");
	expect_msg(CMD_DEL_SERVER, ENOENT, "service 10.0.0.1:80 not found",
		   "No such service: service 10.0.0.1:80 not found");
	expect_msg(CMD_ADD_SERVICE, ENOENT, NULL, "Scheduler not found");
	expect_msg(CMD_ADD_SERVICE, ENOMEM, NULL, "Memory allocation problem");
	expect_msg(CMD_CLEAR, EPERM, NULL,
		   "Permission denied (you must be root)");
	expect_msg(CMD_ADD_SERVICE, EINVAL, "L4LB_SVC_A_PORT: port 0",
		   "Invalid argument: L4LB_SVC_A_PORT: port 0");
	/* the module's extack often repeats ipvsadm's words */
	expect_msg(CMD_ADD_SERVICE, EEXIST, "Service already exists",
		   "Service already exists");
	expect_msg(CMD_EDIT_SERVER, ENOENT, "No such destination",
		   "No such destination");
	expect_msg(CMD_DEL_SERVER, ENOENT, "No such service",
		   "No such service");
	expect_msg(CMD_ADD_SERVICE, ENOSPC, "l4lb: Service limit reached",
		   "Service limit reached");
	expect_msg(CMD_ADD_SERVER, ENOSPC,
		   "l4lb: Destination limit of the service reached",
		   "Destination limit reached: l4lb: Destination limit of "
		   "the service reached");
	check(L4LBADM_EXIT_USAGE == 2 && L4LBADM_EXIT_FAIL == 2 &&
	      L4LBADM_EXIT_NOKERNEL == 1, "exit codes: usage 2, refused 2, "
	      "no module 1");
	check(!strcmp(L4LBADM_NOT_LOADED, "l4lb kernel module is not loaded "
		      "(generic netlink family \"l4lb\" not found)"),
	      "module-not-loaded message");
}

/* --- netlink messages (built and parsed without a kernel) --------------- */

struct tb {
	const struct nlattr *a[32];
};

static int tb_cb(const struct nlattr *attr, void *data)
{
	struct tb *tb = data;

	if (mnl_attr_get_type(attr) < 32)
		tb->a[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static void test_build(void)
{
	char buf[NL_TX_BUFSIZE];
	struct l4lbadm_cmdline cl;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct tb top = { 0 }, svc = { 0 }, dst = { 0 }, to = { 0 };

	parse("-A -t 10.0.0.1:80 -s rr", &cl);
	nlh = l4lb_build_service(buf, 42, L4LB_CMD_NEW_SERVICE, 0, &cl.svc,
				 false);
	g = mnl_nlmsg_get_payload(nlh);
	check(nlh->nlmsg_type == 42 && g->cmd == L4LB_CMD_NEW_SERVICE &&
	      g->version == L4LB_GENL_VERSION &&
	      nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK),
	      "NEW_SERVICE header: family, cmd, version, REQUEST|ACK");
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	check(top.a[L4LB_A_SERVICE] != NULL, "L4LB_A_SERVICE nest present");
	mnl_attr_parse_nested(top.a[L4LB_A_SERVICE], tb_cb, &svc);
	check(svc.a[L4LB_SVC_A_PROTOCOL] &&
	      mnl_attr_get_payload_len(svc.a[L4LB_SVC_A_PROTOCOL]) == 1 &&
	      mnl_attr_get_u8(svc.a[L4LB_SVC_A_PROTOCOL]) == IPPROTO_TCP,
	      "PROTOCOL is a u8 6");
	check(svc.a[L4LB_SVC_A_ADDR] &&
	      mnl_attr_get_payload_len(svc.a[L4LB_SVC_A_ADDR]) == 4 &&
	      !memcmp(mnl_attr_get_payload(svc.a[L4LB_SVC_A_ADDR]),
		      "\x0a\x00\x00\x01", 4), "ADDR is be32 10.0.0.1");
	check(svc.a[L4LB_SVC_A_PORT] &&
	      mnl_attr_get_payload_len(svc.a[L4LB_SVC_A_PORT]) == 2 &&
	      !memcmp(mnl_attr_get_payload(svc.a[L4LB_SVC_A_PORT]),
		      "\x00\x50", 2), "PORT is be16 80");
	check(svc.a[L4LB_SVC_A_SCHED] &&
	      !strcmp(mnl_attr_get_str(svc.a[L4LB_SVC_A_SCHED]), "rr") &&
	      mnl_attr_get_payload_len(svc.a[L4LB_SVC_A_SCHED]) == 3,
	      "SCHED is a NUL-terminated \"rr\"");
	check(svc.a[L4LB_SVC_A_FLAGS] &&
	      mnl_attr_get_u32(svc.a[L4LB_SVC_A_FLAGS]) == 0,
	      "FLAGS sent, 0 (-A without -o)");

	parse("-D -t 10.0.0.1:80", &cl);
	memset(&top, 0, sizeof(top));
	memset(&svc, 0, sizeof(svc));
	nlh = l4lb_build_service(buf, 42, L4LB_CMD_DEL_SERVICE, 0, &cl.svc,
				 true);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_SERVICE], tb_cb, &svc);
	check(svc.a[L4LB_SVC_A_PORT] && !svc.a[L4LB_SVC_A_SCHED],
	      "DEL_SERVICE carries the key only");

	parse("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 7", &cl);
	memset(&top, 0, sizeof(top));
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_NEW_DEST, &cl.svc, &cl.dest);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	check(top.a[L4LB_A_SERVICE] && top.a[L4LB_A_DEST],
	      "NEW_DEST has service key and dest nests");
	mnl_attr_parse_nested(top.a[L4LB_A_DEST], tb_cb, &dst);
	check(dst.a[L4LB_DEST_A_ADDR] &&
	      !memcmp(mnl_attr_get_payload(dst.a[L4LB_DEST_A_ADDR]),
		      "\x0a\x00\x00\x02", 4) &&
	      dst.a[L4LB_DEST_A_PORT] &&
	      !memcmp(mnl_attr_get_payload(dst.a[L4LB_DEST_A_PORT]),
		      "\x1f\x90", 2), "DEST ADDR be32, PORT be16 8080");
	check(dst.a[L4LB_DEST_A_FWD] &&
	      mnl_attr_get_payload_len(dst.a[L4LB_DEST_A_FWD]) == 1 &&
	      mnl_attr_get_u8(dst.a[L4LB_DEST_A_FWD]) == L4LB_FWD_NAT &&
	      dst.a[L4LB_DEST_A_WEIGHT] &&
	      mnl_attr_get_payload_len(dst.a[L4LB_DEST_A_WEIGHT]) == 4 &&
	      mnl_attr_get_u32(dst.a[L4LB_DEST_A_WEIGHT]) == 7,
	      "DEST FWD u8 NAT, WEIGHT u32 7");

	parse("-d -t 10.0.0.1:80 -r 10.0.0.2", &cl);
	memset(&top, 0, sizeof(top));
	memset(&dst, 0, sizeof(dst));
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_DEL_DEST, &cl.svc, &cl.dest);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_DEST], tb_cb, &dst);
	check(dst.a[L4LB_DEST_A_ADDR] && dst.a[L4LB_DEST_A_PORT] &&
	      !dst.a[L4LB_DEST_A_FWD] && !dst.a[L4LB_DEST_A_WEIGHT],
	      "DEL_DEST carries address and port only");

	parse("--set 0 60 0", &cl);
	memset(&top, 0, sizeof(top));
	nlh = l4lb_build_timeouts(buf, 42, &cl.timeouts);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_TIMEOUTS], tb_cb, &to);
	check(!to.a[L4LB_TIMEOUT_A_TCP] && !to.a[L4LB_TIMEOUT_A_UDP] &&
	      to.a[L4LB_TIMEOUT_A_TCP_FIN] &&
	      mnl_attr_get_u32(to.a[L4LB_TIMEOUT_A_TCP_FIN]) == 60,
	      "SET_TIMEOUTS omits zero values");

	nlh = l4lb_build_service(buf, 42, L4LB_CMD_GET_SERVICE, NLM_F_DUMP,
				 NULL, true);
	check((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
	      nlh->nlmsg_len == NLMSG_HDRLEN + NL_GENL_HDRLEN,
	      "dump request without key has no attributes");
}

static void put_stats(struct nlmsghdr *nlh, int type, uint64_t conns)
{
	struct nlattr *st = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, L4LB_STATS_A_CONNS, conns);
	mnl_attr_nest_end(nlh, st);
}

static void put_dest(struct nlmsghdr *nlh, const char *ip, uint16_t port,
		     uint8_t fwd, uint32_t w, uint32_t act, uint32_t inact)
{
	struct nlattr *d = mnl_attr_nest_start(nlh, L4LB_A_DEST);
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	mnl_attr_put(nlh, L4LB_DEST_A_ADDR, 4, &a.s_addr);
	mnl_attr_put_u16(nlh, L4LB_DEST_A_PORT, htons(port));
	mnl_attr_put_u8(nlh, L4LB_DEST_A_FWD, fwd);
	mnl_attr_put_u32(nlh, L4LB_DEST_A_WEIGHT, w);
	mnl_attr_put_u32(nlh, L4LB_DEST_A_ACTIVE_CONNS, act);
	mnl_attr_put_u32(nlh, L4LB_DEST_A_INACTIVE_CONNS, inact);
	put_stats(nlh, L4LB_DEST_A_STATS, 5);
	mnl_attr_nest_end(nlh, d);
}

static void test_parse_replies(void)
{
	char buf[NL_TX_BUFSIZE];
	struct nlmsghdr *nlh;
	struct nlattr *n, *ds;
	struct l4lb_service svc;
	struct l4lb_info info;
	struct l4lb_timeouts t;
	struct in_addr a;

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_SERVICE, 1, 0);
	n = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
	mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, IPPROTO_UDP);
	inet_pton(AF_INET, "192.0.2.1", &a);
	mnl_attr_put(nlh, L4LB_SVC_A_ADDR, 4, &a.s_addr);
	mnl_attr_put_u16(nlh, L4LB_SVC_A_PORT, htons(53));
	mnl_attr_put_strz(nlh, L4LB_SVC_A_SCHED, "rr");
	mnl_attr_put_u32(nlh, L4LB_SVC_A_FLAGS, 0);
	put_stats(nlh, L4LB_SVC_A_STATS, 11);
	ds = mnl_attr_nest_start(nlh, L4LB_SVC_A_DESTS);
	put_dest(nlh, "192.0.2.20", 5353, L4LB_FWD_NAT, 2, 3, 4);
	put_dest(nlh, "192.0.2.10", 53, L4LB_FWD_DR, 1, 0, 9);
	mnl_attr_nest_end(nlh, ds);
	mnl_attr_put_u32(nlh, 99, 1);	/* unknown attribute: ignored */
	mnl_attr_nest_end(nlh, n);

	check(l4lb_parse_service_msg(nlh, &svc) == 0, "service reply parses");
	check(svc.protocol == IPPROTO_UDP && addr_is(svc.addr, "192.0.2.1") &&
	      svc.port == 53 && !strcmp(svc.sched, "rr") &&
	      svc.stats.conns == 11 && (svc.set & L4LB_HAS_DESTS),
	      "service fields");
	check(svc.ndests == 2 && addr_is(svc.dests[0].addr, "192.0.2.20") &&
	      svc.dests[0].port == 5353 && svc.dests[0].fwd == L4LB_FWD_NAT &&
	      svc.dests[0].weight == 2 && svc.dests[0].active_conns == 3 &&
	      svc.dests[0].inactive_conns == 4 &&
	      svc.dests[0].stats.conns == 5, "nested destinations");
	l4lb_service_free(&svc);

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_SERVICE, 1, 0);
	n = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
	mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, IPPROTO_TCP);
	mnl_attr_nest_end(nlh, n);
	check(l4lb_parse_service_msg(nlh, &svc) == -EBADMSG,
	      "service reply without address is rejected");

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_INFO, 1, 0);
	n = mnl_attr_nest_start(nlh, L4LB_A_INFO);
	mnl_attr_put_strz(nlh, L4LB_INFO_A_VERSION, "0.1.0");
	mnl_attr_put_u32(nlh, L4LB_INFO_A_CONN_MAX, 1 << 20);
	mnl_attr_put_u32(nlh, L4LB_INFO_A_CONN_BUCKETS, 4096);
	ds = mnl_attr_nest_start(nlh, L4LB_INFO_A_DROPS);
	mnl_attr_put_u64(nlh, L4LB_DROP_A_MTU, 7);
	mnl_attr_nest_end(nlh, ds);
	mnl_attr_nest_end(nlh, n);
	check(l4lb_parse_info_msg(nlh, &info) == 0 &&
	      !strcmp(info.version, "0.1.0") && info.conn_max == 1 << 20 &&
	      info.conn_buckets == 4096 && info.drop_mtu == 7,
	      "info reply parses");

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_TIMEOUTS, 1, 0);
	n = mnl_attr_nest_start(nlh, L4LB_A_TIMEOUTS);
	mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_TCP, 900);
	mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_TCP_FIN, 120);
	mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_UDP, 300);
	mnl_attr_nest_end(nlh, n);
	check(l4lb_parse_timeouts_msg(nlh, &t) == 0 && t.tcp == 900 &&
	      t.tcp_fin == 120 && t.udp == 300, "timeouts reply parses");
}

/* --- output ------------------------------------------------------------- */

static struct l4lb_service mksvc(uint8_t proto, const char *ip, uint16_t port,
				 const char *sched)
{
	struct l4lb_service s = { .protocol = proto, .port = port };

	s.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(s.family, ip, &s.addr);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static void adddest(struct l4lb_service *s, const char *ip, uint16_t port,
		    uint8_t fwd, uint32_t w, uint32_t act, uint32_t inact)
{
	struct l4lb_dest *d;

	s->dests = realloc(s->dests, (s->ndests + 1) * sizeof(*d));
	d = &s->dests[s->ndests++];
	memset(d, 0, sizeof(*d));
	d->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(d->family, ip, &d->addr);
	d->port = port;
	d->fwd = fwd;
	d->weight = w;
	d->active_conns = act;
	d->inactive_conns = inact;
}

static char *capture_list(const struct l4lb_info *info,
			  const struct l4lb_service_list *l, bool json)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	static const struct l4lb_info none;

	if (json)
		l4lbadm_print_json(f, info ? info : &none, l);
	else
		l4lbadm_print_list(f, info, l, L4LBADM_FMT_NUMERIC);
	fclose(f);
	return out;
}

static void test_output(void)
{
	struct l4lb_info info = { .version = "0.1.0", .conn_buckets = 4096 };
	struct l4lb_service svcs[3];
	struct l4lb_service_list l = { .n = 3, .svcs = svcs };
	char *out;
	const char *want =
		"l4lb version 0.1.0 (size=4096)\n"
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"TCP  10.0.0.1:80 wrr\n"
		"  -> 10.0.0.2:80                  Route   1      0          0         \n"
		"  -> 10.0.0.3:80                  Route   100    12345      7         \n"
		"TCP  10.0.0.1:443 rr\n"
		"UDP  10.0.0.1:53 wrr\n"
		"  -> 192.168.100.200:5353         Masq    0      0          65535     \n";
#define ZS ",\"stats\":{\"conns\":0,\"pkts_in\":0,\"pkts_out\":0," \
	   "\"bytes_in\":0,\"bytes_out\":0},\"rates\":{\"conns\":0," \
	   "\"pkts_in\":0,\"pkts_out\":0,\"bytes_in\":0,\"bytes_out\":0," \
	   "\"window_ms\":0}"
#define NOINFO "\"info\":{\"version\":\"\",\"conn_max\":0," \
	"\"conn_buckets\":0,\"conn_count\":0,\"conn_entry_size\":0," \
	"\"services\":0,\"dests\":0,\"drops\":{\"no_dest\":0," \
	"\"table_full\":0,\"malformed\":0,\"mtu\":0,\"no_route\":0}," \
	"\"fast_path_pkts\":0,\"fast_path_reply_pkts\":0," \
	"\"conn_limit\":0,\"tcp_pickup\":false,\"conn_evicted\":0," \
	"\"not_syn_pkts\":0,\"conn_entry_size6\":0," \
	"\"template_count\":0,\"template_limit\":0," \
	"\"expire_quiescent\":false}"
	const char *want_json =
		"{" NOINFO ",\"services\":["
		"{\"protocol\":\"tcp\",\"family\":\"inet\",\"address\":\"10.0.0.1\",\"port\":80,"
		"\"scheduler\":\"wrr\",\"flags\":0,\"ops\":false,\"sched_flags\":0" ZS ",\"destinations\":["
		"{\"family\":\"inet\",\"address\":\"10.0.0.2\",\"port\":80,\"forward\":\"route\","
		"\"weight\":1,\"down\":false,\"u_threshold\":0,\"l_threshold\":0,\"active_conns\":0,"
		"\"inactive_conns\":0" ZS "},"
		"{\"family\":\"inet\",\"address\":\"10.0.0.3\",\"port\":80,\"forward\":\"route\","
		"\"weight\":100,\"down\":false,\"u_threshold\":0,\"l_threshold\":0,\"active_conns\":12345,"
		"\"inactive_conns\":7"
		ZS "}]},"
		"{\"protocol\":\"tcp\",\"family\":\"inet\",\"address\":\"10.0.0.1\",\"port\":443,"
		"\"scheduler\":\"rr\",\"flags\":0,\"ops\":false,\"sched_flags\":0" ZS ",\"destinations\":[]},"
		"{\"protocol\":\"udp\",\"family\":\"inet\",\"address\":\"10.0.0.1\",\"port\":53,"
		"\"scheduler\":\"wrr\",\"flags\":0,\"ops\":false,\"sched_flags\":0" ZS ",\"destinations\":["
		"{\"family\":\"inet\",\"address\":\"192.168.100.200\",\"port\":5353,"
		"\"forward\":\"masq\",\"weight\":0,\"down\":true,\"u_threshold\":0,\"l_threshold\":0,"
		"\"active_conns\":0,"
		"\"inactive_conns\":65535" ZS "}]}]}\n";

	/* deliberately unsorted: the list is sorted as ipvsadm does */
	svcs[0] = mksvc(IPPROTO_UDP, "10.0.0.1", 53, "wrr");
	adddest(&svcs[0], "192.168.100.200", 5353, L4LB_FWD_NAT, 0, 0, 65535);
	/* Down shows in JSON only: -L keeps ipvsadm's layout. */
	svcs[0].dests[0].flags = L4LB_DEST_F_DOWN;
	svcs[1] = mksvc(IPPROTO_TCP, "10.0.0.1", 443, "rr");
	svcs[2] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "wrr");
	adddest(&svcs[2], "10.0.0.3", 80, L4LB_FWD_DR, 100, 12345, 7);
	adddest(&svcs[2], "10.0.0.2", 80, L4LB_FWD_DR, 1, 0, 0);
	l4lb_service_list_sort(&l);

	out = capture_list(&info, &l, false);
	check(!strcmp(out, want), "-L -n output matches ipvsadm's layout");
	if (strcmp(out, want))
		printf("# got:\n%s# want:\n%s", out, want);
	free(out);

	out = capture_list(NULL, &l, false);
	check(!strncmp(out, "Prot LocalAddress:Port", 22),
	      "-L -t output has no version header (as ipvsadm)");
	free(out);

	out = capture_list(NULL, &l, true);
	check(!strcmp(out, want_json), "--json document");
	if (strcmp(out, want_json))
		printf("# got:  %s# want: %s", out, want_json);
	free(out);

	struct l4lb_service_list empty = { 0 };

	out = capture_list(NULL, &empty, true);
	check(!strcmp(out, "{" NOINFO ",\"services\":[]}\n"),
	      "--json with no services");
	free(out);

	/* a long name is cut at ipvsadm's 33/28 columns */
	struct l4lb_service s = mksvc(IPPROTO_TCP, "255.255.255.255", 65535,
				      "wrr");
	char line[128];
	FILE *f = fmemopen(line, sizeof(line), "w");

	l4lbadm_print_service(f, &s, L4LBADM_FMT_NUMERIC);
	fclose(f);
	check(!strcmp(line, "TCP  255.255.255.255:65535 wrr\n"),
	      "widest IPv4 service line");

	char ap[64];

	l4lbadm_addrport(ap, sizeof(ap), s.family, &s.addr, 80, IPPROTO_TCP,
			 true);
	check(!strcmp(ap, "255.255.255.255:80"), "numeric addr:port");
	inet_pton(AF_INET, "127.0.0.1", &s.addr);
	l4lbadm_addrport(ap, sizeof(ap), s.family, &s.addr, 80, IPPROTO_TCP,
			 false);
	check(!strcmp(ap, "localhost:http"),
	      "reverse-resolved addr:port \"%s\"", ap);
	l4lbadm_addrport(ap, sizeof(ap), s.family, &s.addr, 61999,
			 IPPROTO_UDP, false);
	check(!strncmp(ap + strlen(ap) - 6, ":61999", 6),
	      "unknown port stays numeric \"%s\"", ap);

	check(!strcmp(l4lbadm_fwd_name(L4LB_FWD_DR), "Route") &&
	      !strcmp(l4lbadm_fwd_name(L4LB_FWD_NAT), "Masq"),
	      "forward names Route/Masq");

	for (int i = 0; i < 3; i++)
		l4lb_service_free(&svcs[i]);
}

/* --- nl.c against a real genl family: the kernel's own "nlctrl" ------- */

static int family_name_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
	    !strcmp(mnl_attr_get_str(attr), "nlctrl"))
		*(bool *)data = true;
	return MNL_CB_OK;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct { int n; bool nlctrl; } *c = data;

	c->n++;
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, family_name_cb, &c->nlctrl);
	return MNL_CB_OK;
}

static int fail_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

static void test_nl_layer(void)
{
	struct { int n; bool nlctrl; } c = { 0 };
	char buf[NL_TX_BUFSIZE];
	struct nlmsghdr *nlh;
	struct nl_ctx nl;
	int r;

	r = nl_open(&nl, "nlctrl");
	if (r) {
		skip("nl layer: no generic netlink socket here");
		return;
	}
	check(nl.family == GENL_ID_CTRL, "nl_open resolves nlctrl to %u",
	      nl.family);

	nlh = nl_genl_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			    NLM_F_DUMP);
	r = nl_talk(&nl, nlh, count_cb, &c);
	check(r == 0 && c.n > 0 && c.nlctrl,
	      "dump runs to NLMSG_DONE (%d families, nlctrl among them)", c.n);

	nlh = nl_genl_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
			  "a-family-name-longer-than-GENL_NAMSIZ");
	r = nl_talk(&nl, nlh, NULL, NULL);
	check(r == -EINVAL && nl.extack[0],
	      "request error: -EINVAL with extack \"%s\"", nl.extack);

	nlh = nl_genl_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	c.n = 0;
	r = nl_talk(&nl, nlh, count_cb, &c);
	check(r == 0 && c.n == 1 && !nl.extack[0],
	      "request: one reply, then the ACK; extack cleared");

	int calls = 0;

	nlh = nl_genl_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			    NLM_F_DUMP);
	r = nl_talk(&nl, nlh, fail_cb, &calls);
	check(r == -ENOMEM && calls == 1,
	      "a failing dump callback stops the callbacks, returns its errno");
	nlh = nl_genl_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	c.n = 0;
	r = nl_talk(&nl, nlh, count_cb, &c);
	check(r == 0 && c.n == 1, "the socket is clean for the next request");
	nl_close(&nl);

	check(nl_open(&nl, "no-such-family") == -ENOENT,
	      "nl_open of a missing family is -ENOENT");
}

/* --- the program: exit codes and streams -------------------------------- */

struct run_result {
	int status;
	char out[8192], err[8192];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void run(const char *line, struct run_result *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	struct argv_buf a;
	pid_t pid;
	int st;

	split(&a, line);
	if (!*line)
		a.argc = 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		int rc = l4lbadm_main(a.argc, a.argv);

		fflush(NULL);
		_exit(rc);
	}
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static void test_program(void)
{
	static struct run_result r;
	struct nl_ctx nl;
	bool loaded;

	/* Without the module: listing fails as -L does (exit 1). */
	run("", &r);
	loaded = nl_open(&nl, L4LB_GENL_NAME) == 0;
	if (loaded)
		nl_close(&nl);
	check(!strstr(r.err, "Usage:") &&
	      (loaded ? r.status == 0 && strstr(r.out, "Prot LocalAddress") :
			r.status == 1 && strstr(r.err, L4LBADM_NOT_LOADED)),
	      "no arguments: lists, as -L (ipvsadm)");
	run("-h", &r);
	check(r.status == 0 && strstr(r.out, "Usage:") &&
	      strstr(r.out, "--add-service") && strstr(r.out, "--masquerading")
	      && !r.err[0], "-h: usage on stdout, exit 0");
	run("-A -t 10.0.0.1:8o", &r);
	check(r.status == 2 && !strcmp(r.err,
	      "l4lbadm: invalid port \"8o\" in \"10.0.0.1:8o\"\n"),
	      "bad port: message and exit 2");
	run("-A -t 10.0.0.1:80 -s foo", &r);
	check(r.status == 2 &&
	      !strcmp(r.err, "l4lbadm: unknown scheduler \"foo\"\n"),
	      "bad scheduler: message and exit 2");
	run("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 70000", &r);
	check(r.status == 2 && !strcmp(r.err,
	      "l4lbadm: illegal weight \"70000\" (must be 0..65535)\n"),
	      "bad weight: message and exit 2");
	run("--frobnicate", &r);
	check(r.status == 2 && strstr(r.err, "invalid option \"--frobnicate\"")
	      && strstr(r.err, "--help"), "unknown option: hint, exit 2");

	loaded = l4lb_open(&nl) == 0;
	if (loaded)
		nl_close(&nl);
	if (loaded) {
		skip("--version without the module (module is loaded)");
		skip("-L without the module (module is loaded)");
		return;
	}
	run("--version", &r);
	check(r.status == 1 && !strcmp(r.out, "l4lbadm v0.1.0\n") &&
	      !strcmp(r.err, "l4lbadm: " L4LBADM_NOT_LOADED "\n"),
	      "--version without the module: CLI version, message, exit 1");
	run("-L -n", &r);
	check(r.status == 1 && strstr(r.err, "not loaded"),
	      "-L without the module: exit 1");
}


/* --- stats/rate layout, save, restore parsing, diff, dump merging ------ */

static char *capture(void (*fn)(FILE *, const void *, unsigned int),
		     const void *arg, unsigned int fmt)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	fn(f, arg, fmt);
	fclose(f);
	return out;
}

static void list_fn(FILE *f, const void *l, unsigned int fmt)
{
	l4lbadm_print_list(f, NULL, l, fmt);
}

static void save_fn(FILE *f, const void *l, unsigned int fmt)
{
	l4lbadm_print_save(f, l, fmt);
}

static int restore_str(const char *in, struct l4lbadm_rules *rs, char *err)
{
	FILE *f = fmemopen((void *)in, strlen(in), "r");
	int ret = l4lbadm_parse_restore(f, rs, err, 600);

	fclose(f);
	return ret;
}

static void test_ops_output(void)
{
	struct l4lb_service svcs[1];
	struct l4lb_service_list l = { .n = 1, .svcs = svcs };
	char *out;

	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.100", 80, "wrr");
	svcs[0].stats = (struct l4lb_stats){ .conns = 10, .pkts_in = 1000,
		.bytes_in = 46000, .pkts_out = 123456789ULL,
		.bytes_out = 12345678901234ULL, .conn_rate = 5,
		.pkts_in_rate = 2000, .bytes_in_rate = 92000 };
	adddest(&svcs[0], "10.0.0.11", 80, L4LB_FWD_DR, 1, 0, 0);
	svcs[0].dests[0].stats.pkts_in = 500;

	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_STATS);
	check(!strcmp(out,
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.100:80                      10     1000  123456K    46000   12345G\n"
		"  -> 10.0.0.11:80                        0      500        0        0        0\n"),
	      "--stats layout and K/G units as ipvsadm");
	if (!strstr(out, "123456K"))
		free(out);
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_STATS |
				   L4LBADM_FMT_EXACT);
	check(strstr(out, " 123456789    46000 12345678901234\n") != NULL,
	      "--exact prints whole numbers");
	free(out);
	/* --health: a State column; the default stays ipvsadm's. */
	adddest(&svcs[0], "10.0.0.12", 80, L4LB_FWD_DR, 0, 0, 0);
	adddest(&svcs[0], "10.0.0.13", 80, L4LB_FWD_DR, 0, 0, 0);
	svcs[0].dests[2].flags = L4LB_DEST_F_DOWN;
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_HEALTH);
	check(!strcmp(out,
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn State\n"
		"TCP  10.0.0.100:80 wrr\n"
		"  -> 10.0.0.11:80                 Route   1      0          0         Up\n"
		"  -> 10.0.0.12:80                 Route   0      0          0         Drain\n"
		"  -> 10.0.0.13:80                 Route   0      0          0         Down\n"),
	      "--health: Up, Drain (weight 0), Down (health check)");
	free(out);
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC);
	check(!strcmp(out,
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"TCP  10.0.0.100:80 wrr\n"
		"  -> 10.0.0.11:80                 Route   1      0          0         \n"
		"  -> 10.0.0.12:80                 Route   0      0          0         \n"
		"  -> 10.0.0.13:80                 Route   0      0          0         \n"),
	      "without --health: ipvsadm's columns, down or not");
	free(out);
	svcs[0].ndests = 1;
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_RATE);
	check(!strcmp(out,
		"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.100:80                       5     2000        0    92000        0\n"
		"  -> 10.0.0.11:80                        0        0        0        0        0\n"),
	      "--rate layout as ipvsadm");
	free(out);

	out = capture(save_fn, &l, true);
	check(!strcmp(out, "-A -t 10.0.0.100:80 -s wrr\n"
		      "-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1\n"),
	      "-S -n prints ipvsadm -S lines");
	free(out);
	l4lb_service_free(&svcs[0]);
}

static void test_restore_parse(void)
{
	struct l4lbadm_rules rs;
	char err[600];

	check(restore_str("# saved\n\n-A -t 10.0.0.1:80 -s rr\n"
			  "  -a -t 10.0.0.1:80 -r 10.0.0.2 -g -w 3\n"
			  "-d -t 10.0.0.1:80 -r 10.0.0.2\n-C\n", &rs, err) == 0 &&
	      rs.n == 4, "restore input parses (comments, blanks, indent)");
	check(rs.n == 4 && rs.r[0].cmd == L4LB_CMD_NEW_SERVICE &&
	      rs.r[0].line == 3 && !strcmp(rs.r[0].sched, "rr") &&
	      rs.r[1].cmd == L4LB_CMD_NEW_DEST && rs.r[1].weight == 3 &&
	      rs.r[1].rport == 80 && rs.r[1].line == 4 &&
	      rs.r[2].cmd == L4LB_CMD_DEL_DEST &&
	      rs.r[3].cmd == L4LB_CMD_FLUSH, "restore rules and line numbers");
	l4lbadm_rules_free(&rs);

	check(restore_str("-A -t 10.0.0.1:80\n-A -t 10.0.0.1:8o\n", &rs,
			  err) == L4LBADM_EXIT_USAGE &&
	      !strcmp(err, "line 2: invalid port \"8o\" in \"10.0.0.1:8o\"") &&
	      rs.n == 0, "bad line: its number and the bad word (\"%s\")", err);
	check(restore_str("-A -t 10.0.0.1:80\n-L -n\n", &rs, err) ==
	      L4LBADM_EXIT_USAGE && !strncmp(err, "line 2: command 'list'", 22),
	      "listing in a restore is refused (\"%s\")", err);
}

static void test_diff(void)
{
	struct l4lb_service a[2], b[2];
	struct l4lb_service_list from = { .n = 2, .svcs = a },
				 to = { .n = 2, .svcs = b };
	struct l4lbadm_rules ops;

	/* from: S1 {d1 w1, d2 w1}, S2 {d1};  to: S1 rr {d2 w5, d3}, S3 {d1} */
	a[0] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "wrr");
	adddest(&a[0], "10.0.0.11", 80, L4LB_FWD_DR, 1, 0, 0);
	adddest(&a[0], "10.0.0.12", 80, L4LB_FWD_DR, 1, 0, 0);
	a[1] = mksvc(IPPROTO_TCP, "10.0.0.2", 80, "wrr");
	adddest(&a[1], "10.0.0.11", 80, L4LB_FWD_DR, 1, 0, 0);
	b[0] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "rr");
	adddest(&b[0], "10.0.0.12", 80, L4LB_FWD_DR, 5, 0, 0);
	adddest(&b[0], "10.0.0.13", 80, L4LB_FWD_DR, 1, 0, 0);
	b[1] = mksvc(IPPROTO_UDP, "10.0.0.3", 53, "wrr");
	adddest(&b[1], "10.0.0.11", 53, L4LB_FWD_DR, 2, 0, 0);

	check(l4lbadm_diff(&from, &to, &ops) == 0 && ops.n == 7,
	      "diff: 7 requests (got %zu)", ops.n);
	check(ops.n == 7 &&
	      ops.r[0].cmd == L4LB_CMD_DEL_DEST && addr_is(ops.r[0].raddr, "10.0.0.11") &&
	      ops.r[1].cmd == L4LB_CMD_DEL_SERVICE && addr_is(ops.r[1].vaddr, "10.0.0.2") &&
	      ops.r[2].cmd == L4LB_CMD_SET_SERVICE && !strcmp(ops.r[2].sched, "rr") &&
	      ops.r[3].cmd == L4LB_CMD_SET_DEST && ops.r[3].weight == 5 &&
	      ops.r[4].cmd == L4LB_CMD_NEW_DEST && addr_is(ops.r[4].raddr, "10.0.0.13") &&
	      ops.r[5].cmd == L4LB_CMD_NEW_SERVICE && ops.r[5].protocol == IPPROTO_UDP &&
	      ops.r[6].cmd == L4LB_CMD_NEW_DEST && ops.r[6].weight == 2 &&
	      ops.r[6].rport == 53,
	      "diff: deletions first, then edits and additions");
	l4lbadm_rules_free(&ops);
	check(l4lbadm_diff(&to, &to, &ops) == 0 && ops.n == 0,
	      "diff of a table with itself is empty");
	l4lbadm_rules_free(&ops);
	for (int i = 0; i < 2; i++) {
		l4lb_service_free(&a[i]);
		l4lb_service_free(&b[i]);
	}
}

/* -b: ipvsadm's scheduler flag names, -L and -S showing them. */
static void test_persist(void)
{
	struct l4lb_service svcs[2];
	struct l4lb_service_list l = { .n = 2, .svcs = svcs };
	struct l4lbadm_cmdline cl;
	char *out;
	int r;

	r = parse("-A -t 10.0.0.1:80 -s rr -p", &cl);
	check(r == 0 && (cl.svc.set & L4LB_HAS_PERSIST) &&
	      cl.svc.persist_timeout == 300 && cl.svc.persist_prefix == 32,
	      "-p alone: 300 s, /32");
	r = parse("-A -t 10.0.0.1:80 -p 600 -M 255.255.255.0", &cl);
	check(r == 0 && cl.svc.persist_timeout == 600 &&
	      cl.svc.persist_prefix == 24, "-p 600 -M 255.255.255.0");
	r = parse("-A -t 10.0.0.1:80 -p600 -M 16", &cl);
	check(r == 0 && cl.svc.persist_timeout == 600 &&
	      cl.svc.persist_prefix == 16, "-p600 -M 16");
	r = parse("-A -t 10.0.0.1:80 --persistent=60 --netmask 0.0.0.0", &cl);
	check(r == 0 && cl.svc.persist_timeout == 60 &&
	      cl.svc.persist_prefix == 0, "--persistent=60 --netmask 0.0.0.0");
	r = parse("-A -t [2001:db8::1]:80 -p -M 64", &cl);
	check(r == 0 && cl.svc.persist_timeout == 300 &&
	      cl.svc.persist_prefix == 64, "IPv6 -p -M 64");
	r = parse("-E -t 10.0.0.1:80 -s rr", &cl);
	check(r == 0 && (cl.svc.set & L4LB_HAS_PERSIST) &&
	      cl.svc.persist_timeout == 0,
	      "-E without -p: not persistent (as ipvsadm)");
	expect_err("-A -t 10.0.0.1:80 -p 0",
		   "illegal persistence timeout \"0\" (must be 1..2678400 "
		   "seconds)");
	expect_err("-A -t 10.0.0.1:80 -p -M 255.0.255.0",
		   "illegal netmask \"255.0.255.0\" (its ones must be "
		   "contiguous)");
	expect_err("-A -t 10.0.0.1:80 -p -M 33",
		   "illegal netmask \"33\" (a netmask such as 255.255.255.0, "
		   "or a prefix length 0..32)");
	expect_err("-A -t [2001:db8::1]:80 -p -M ffff::",
		   "illegal netmask \"ffff::\" (an IPv6 service takes a "
		   "prefix length 0..128)");
	expect_err("-A -t 10.0.0.1:80 -M 24",
		   "netmask \"24\" needs the 'persistent' option (-p)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -p",
		   "Illegal 'persistent' option with the 'add-server' command");

	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "rr");
	svcs[0].set |= L4LB_HAS_PERSIST;
	svcs[0].persist_timeout = 300;
	svcs[0].persist_prefix = 24;
	svcs[1] = mksvc(IPPROTO_TCP, "10.0.0.1", 443, "wlc");
	svcs[1].set |= L4LB_HAS_PERSIST;
	svcs[1].persist_timeout = 60;
	svcs[1].persist_prefix = 32;
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC);
	check(out && strstr(out, "TCP  10.0.0.1:80 rr persistent 300 mask "
				 "255.255.255.0\n") &&
	      strstr(out, "TCP  10.0.0.1:443 wlc persistent 60\n"),
	      "-L -n: persistent N [mask M] as ipvsadm");
	free(out);
	out = capture(save_fn, &l, 1);
	check(out && strstr(out, "-A -t 10.0.0.1:80 -s rr -p 300 -M "
				 "255.255.255.0\n") &&
	      strstr(out, "-A -t 10.0.0.1:443 -s wlc -p 60\n"),
	      "-S -n: -p N [-M mask] as ipvsadm");
	free(out);
	svcs[0].family = AF_INET6;
	svcs[0].persist_prefix = 64;
	out = capture(save_fn, &l, 1);
	check(out && strstr(out, " -p 300 -M 64\n"), "-S: IPv6 -M 64");
	free(out);
	l4lb_service_free(&svcs[0]);
	l4lb_service_free(&svcs[1]);
}

static void test_fwmark(void)
{
	struct l4lb_service svcs[3];
	struct l4lb_service_list l = { .n = 3, .svcs = svcs };
	struct l4lbadm_cmdline cl;
	char *out;
	int r;

	r = parse("-A -f 1 -s wlc", &cl);
	check(r == 0 && cl.svc.fwmark == 1 && cl.svc.family == AF_INET &&
	      cl.svc.protocol == 0, "-A -f 1");
	r = parse("-A -f 7 -6 -p", &cl);
	check(r == 0 && cl.svc.fwmark == 7 && cl.svc.family == AF_INET6 &&
	      cl.svc.persist_prefix == 128, "-A -f 7 -6 -p");
	r = parse("-a -f 1 -r 10.0.0.2 -m", &cl);
	check(r == 0 && cl.dest.port == 0 && cl.dest.fwd == L4LB_FWD_NAT,
	      "-a -f 1 -r ADDR -m: port 0 (keep the packet's)");
	r = parse("-a -f 1 -6 -r [2001:db8::2]", &cl);
	check(r == 0 && cl.dest.port == 0 && cl.dest.family == AF_INET6,
	      "-a -f 1 -6 -r [ADDR]");
	expect_err("-a -f 1 -r [2001:db8::2]",
		   "real server \"[2001:db8::2]\" is IPv6 but service \"1\" "
		   "is IPv4: direct routing (-g) and masquerading (-m) forward "
		   "within one address family; tunneling (-i) carries one in "
		   "the other");

	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "rr");
	svcs[1] = mksvc(0, "0.0.0.0", 0, "wlc");
	svcs[1].fwmark = 2;
	adddest(&svcs[1], "10.0.0.3", 0, L4LB_FWD_NAT, 1, 0, 0);
	svcs[2] = mksvc(0, "0.0.0.0", 0, "rr");
	svcs[2].fwmark = 1;
	svcs[2].family = AF_INET6;
	l4lb_service_list_sort(&l);
	check(svcs[0].fwmark == 0 && svcs[1].fwmark == 1 &&
	      svcs[2].fwmark == 2, "sort: -t first, then by fwmark");
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC);
	check(out && strstr(out, "\nFWM  1 IPv6 rr\nFWM  2 wlc\n  -> 10.0.0.3:0"),
	      "-L -n: FWM lines as ipvsadm");
	free(out);
	out = capture(save_fn, &l, 1);
	check(out && strstr(out, "-A -f 1 -6 -s rr\n-A -f 2 -s wlc\n"
				 "-a -f 2 -r 10.0.0.3:0 -m -w 1\n"),
	      "-S: -f lines as ipvsadm");
	free(out);
	for (int i = 0; i < 3; i++)
		l4lb_service_free(&svcs[i]);

	{
		struct l4lbadm_rules rs;
		char err[600];

		check(restore_str("-A -f 1 -6 -s rr -p 300 -M 64\n"
				  "-a -f 1 -6 -r [2001:db8::2]:0 -m -w 1\n",
				  &rs, err) == 0 && rs.n == 2 &&
		      rs.r[0].fwmark == 1 && rs.r[0].vfamily == AF_INET6 &&
		      rs.r[0].persist_timeout == 300 &&
		      rs.r[0].persist_prefix == 64 &&
		      rs.r[1].fwmark == 1 && rs.r[1].rport == 0,
		      "-R: -f lines as -S prints them");
		l4lbadm_rules_free(&rs);
	}
}

static void test_sched_flags(void)
{
	struct l4lb_service svcs[1];
	struct l4lb_service_list l = { .n = 1, .svcs = svcs };
	struct l4lbadm_cmdline cl;
	struct l4lbadm_rules rs;
	char names[64], err[600];
	char *out;
	int r;

	r = parse("-A -t 10.0.0.1:80 -s sh -b sh-fallback,sh-port", &cl);
	check(r == 0 && (cl.svc.set & L4LB_HAS_SCHED_FLAGS) &&
	      cl.svc.sched_flags == (L4LB_SVC_SCHED_F_SH_FALLBACK |
				     L4LB_SVC_SCHED_F_SH_PORT),
	      "-b sh-fallback,sh-port");
	r = parse("-A -t 10.0.0.1:80 -s mh --sched-flags mh-port", &cl);
	check(r == 0 && cl.svc.sched_flags == L4LB_SVC_SCHED_F_MH_PORT &&
	      L4LB_SVC_SCHED_F_MH_PORT == L4LB_SVC_SCHED_F_FLAG2,
	      "--sched-flags mh-port is flag-2");
	r = parse("-E -t 10.0.0.1:80 -b flag-1,flag-3", &cl);
	check(r == 0 && cl.svc.sched_flags == (L4LB_SVC_SCHED_F_FLAG1 |
					       L4LB_SVC_SCHED_F_FLAG3) &&
	      !strcmp(cl.svc.sched, "wlc"), "-E -b flag-1,flag-3 without -s");
	r = parse("-E -t 10.0.0.1:80 -s wlc", &cl);
	check(r == 0 && (cl.svc.set & L4LB_HAS_SCHED_FLAGS) &&
	      !cl.svc.sched_flags, "-E without -b: SCHED_FLAGS 0 (ipvsadm)");
	r = parse("-A -t 10.0.0.1:80 -s lblcr", &cl);
	check(r == 0 && !strcmp(cl.svc.sched, "lblcr"), "-s lblcr");
	expect_err("-A -t 10.0.0.1:80 -s sh -b sh-port,bogus",
		   "invalid scheduler flag \"bogus\"");
	expect_err("-A -t 10.0.0.1:80 -s rr -b sh-port",
		   "scheduler flag \"sh-port\" is for the sh scheduler, not rr");
	expect_err("-A -t 10.0.0.1:80 -s sh -b mh-fallback",
		   "scheduler flag \"mh-fallback\" is for the mh scheduler, not sh");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 -b sh-port",
		   "Illegal 'sched-flags' option with the 'add-server' command");

	l4lbadm_sched_flags_str(names, sizeof(names), "sh", 3);
	check(!strcmp(names, "sh-fallback,sh-port"), "names of sh's flags");
	l4lbadm_sched_flags_str(names, sizeof(names), "mh", 1);
	check(!strcmp(names, "mh-fallback"), "names of mh's flags");
	l4lbadm_sched_flags_str(names, sizeof(names), "wlc", 7);
	check(!strcmp(names, "flag-1,flag-2,flag-3"), "names of other flags");

	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.100", 80, "sh");
	svcs[0].sched_flags = L4LB_SVC_SCHED_F_SH_FALLBACK |
			      L4LB_SVC_SCHED_F_SH_PORT;
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC);
	check(strstr(out, "\nTCP  10.0.0.100:80 sh (sh-fallback,sh-port)\n") !=
	      NULL, "-L -n: the flags after the scheduler, as ipvsadm");
	free(out);
	out = capture(save_fn, &l, true);
	check(!strcmp(out, "-A -t 10.0.0.100:80 -s sh -b sh-fallback,sh-port\n"),
	      "-S: -b with the flags");
	free(out);
	check(restore_str("-A -t 10.0.0.1:80 -s mh -b mh-port\n", &rs, err) == 0 &&
	      rs.n == 1 && rs.r[0].sched_flags == L4LB_SVC_SCHED_F_MH_PORT &&
	      (rs.r[0].set & L4LB_HAS_SCHED_FLAGS), "-R keeps -b");
	l4lbadm_rules_free(&rs);
	{
		struct l4lb_service b[1] = { mksvc(IPPROTO_TCP, "10.0.0.100",
						   80, "sh") };
		struct l4lb_service_list to = { .n = 1, .svcs = b };

		check(l4lbadm_diff(&l, &to, &rs) == 0 && rs.n == 1 &&
		      rs.r[0].cmd == L4LB_CMD_SET_SERVICE &&
		      rs.r[0].sched_flags == 0 &&
		      (rs.r[0].set & L4LB_HAS_SCHED_FLAGS),
		      "diff: a change of flags alone sets the service");
		l4lbadm_rules_free(&rs);
		l4lb_service_free(&b[0]);
	}
	l4lb_service_free(&svcs[0]);

	/* mh's table size and key. */
	r = parse("-A -t 10.0.0.1:80 -s mh --mh-table-size 251 "
		  "--mh-key 000102030405060708090a0b0c0d0e0f", &cl);
	check(r == 0 && cl.svc.mh_size == 251 &&
	      (cl.svc.set & (L4LB_HAS_MH_SIZE | L4LB_HAS_MH_KEY)) ==
	      (L4LB_HAS_MH_SIZE | L4LB_HAS_MH_KEY) &&
	      cl.svc.mh_key[0] == 0 && cl.svc.mh_key[10] == 0x0a &&
	      cl.svc.mh_key[15] == 0x0f, "--mh-table-size, --mh-key");
	{
		char buf[NL_TX_BUFSIZE];
		struct nlmsghdr *nlh;
		struct tb top = { 0 }, sv = { 0 };

		nlh = l4lb_build_service(buf, 42, L4LB_CMD_NEW_SERVICE, 0,
					 &cl.svc, false);
		mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
		mnl_attr_parse_nested(top.a[L4LB_A_SERVICE], tb_cb, &sv);
		check(sv.a[L4LB_SVC_A_MH_TABLE_SIZE] &&
		      mnl_attr_get_u32(sv.a[L4LB_SVC_A_MH_TABLE_SIZE]) == 251 &&
		      sv.a[L4LB_SVC_A_MH_KEY] &&
		      mnl_attr_get_payload_len(sv.a[L4LB_SVC_A_MH_KEY]) == 16 &&
		      sv.a[L4LB_SVC_A_SCHED_FLAGS] &&
		      !mnl_attr_get_u32(sv.a[L4LB_SVC_A_SCHED_FLAGS]),
		      "NEW_SERVICE carries MH_TABLE_SIZE (u32) and MH_KEY (16 bytes)");
	}
	r = parse("-A -t 10.0.0.1:80 -s mh --pickup off", &cl);
	check(r == 0 && cl.svc.flags == 0 && (cl.svc.set & L4LB_HAS_FLAGS),
	      "--pickup off");
	r = parse("-E -t 10.0.0.1:80 --pickup on", &cl);
	check(r == 0 && cl.svc.flags == L4LB_SVC_F_PICKUP &&
	      (cl.svc.set & L4LB_HAS_FLAGS), "-E --pickup on");
	r = parse("-A -t 10.0.0.1:80 -s mh", &cl);
	check(r == 0 && cl.svc.flags == L4LB_SVC_F_PICKUP &&
	      (cl.svc.set & L4LB_HAS_FLAGS), "no --pickup: on for mh");
	r = parse("-E -t 10.0.0.1:80 -s rr", &cl);
	check(r == 0 && cl.svc.flags == 0 && (cl.svc.set & L4LB_HAS_FLAGS),
	      "no --pickup: off for rr");
	expect_err("-A -t 10.0.0.1:80 -s mh --pickup yes",
		   "invalid pickup \"yes\" (on or off)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.0.2 --pickup on",
		   "Illegal 'pickup' option with the 'add-server' command");
	r = parse("-A -t 10.0.0.1:80 -s mh --mh-table-size 65536", &cl);
	check(r == 0 && cl.svc.mh_size == 65536,
	      "--mh-table-size 65536 goes to the kernel (which refuses it)");
	expect_err("-A -t 10.0.0.1:80 -s mh --mh-table-size 1x",
		   "illegal mh table size \"1x\" (a prime in 17..1048573)");
	expect_err("-A -t 10.0.0.1:80 -s mh --mh-key 0011",
		   "illegal mh key \"0011\" (32 hex digits)");
	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.100", 80, "mh");
	svcs[0].set |= L4LB_HAS_MH_SIZE | L4LB_HAS_MH_KEY;
	svcs[0].mh_size = L4LB_MH_TABLE_SIZE_DEFAULT;
	memcpy(svcs[0].mh_key, L4LB_MH_KEY_DEFAULT, L4LB_MH_KEY_LEN);
	svcs[0].flags = L4LB_SVC_F_PICKUP;	/* the kernel's default for mh */
	out = capture(save_fn, &l, true);
	check(!strcmp(out, "-A -t 10.0.0.100:80 -s mh\n"),
	      "-S: the default mh settings are not saved");
	free(out);
	svcs[0].flags = 0;
	out = capture(save_fn, &l, true);
	check(!strcmp(out, "-A -t 10.0.0.100:80 -s mh --pickup off\n"),
	      "-S: mh without pickup (\"%s\")", out);
	free(out);
	svcs[0].flags = L4LB_SVC_F_PICKUP;
	svcs[0].mh_size = 251;
	svcs[0].mh_key[15] = 0xff;
	out = capture(save_fn, &l, true);
	check(!strcmp(out, "-A -t 10.0.0.100:80 -s mh --mh-table-size 251 "
		      "--mh-key 6c346c622d6d61676c65762d6b6579ff\n"),
	      "-S: other mh settings are (\"%s\")", out);
	free(out);
	{
		struct l4lb_service b[1] = { mksvc(IPPROTO_TCP, "10.0.0.100",
						   80, "mh") };
		struct l4lb_service_list to = { .n = 1, .svcs = b };

		check(l4lbadm_diff(&to, &l, &rs) == 0 && rs.n == 1 &&
		      rs.r[0].cmd == L4LB_CMD_SET_SERVICE &&
		      rs.r[0].mh_size == 251 &&
		      (rs.r[0].set & L4LB_HAS_MH_SIZE),
		      "diff: a change of mh settings sets the service");
		l4lbadm_rules_free(&rs);
		l4lb_service_free(&b[0]);
	}
	l4lb_service_free(&svcs[0]);
}

/* -L -c: its options, a GET_CONN reply, and ipvsadm's -Lc line. */
static void test_conns(void)
{
	static char buf[NL_TX_BUFSIZE];
	struct l4lbadm_cmdline cl;
	struct l4lb_conn_entry e;
	char *out = NULL;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	size_t len = 0;
	FILE *f;
	int r;

	r = parse("-L -c -n -t 10.0.0.100:80 -r 10.0.0.11 --client 10.0.0.1:4000",
		  &cl);
	check(r == 0 && (cl.opts & OPT_CONN) && (cl.opts & OPT_SERVER) &&
	      !cl.server_has_port && addr_is(cl.dest.addr, "10.0.0.11") &&
	      cl.client_has_port && cl.client_port == 4000 &&
	      addr_is(cl.client_addr, "10.0.0.1"),
	      "-L -c with service, server and client filters");
	r = parse("-L -c -r 10.0.0.11:8080", &cl);
	check(r == 0 && cl.server_has_port && cl.dest.port == 8080,
	      "-L -c -r with a port");
	r = parse("-L -r 10.0.0.11", &cl);
	check(r == 2 && strstr(cl.err, "'real-server' needs the 'connection'"),
	      "-L -r without -c is refused: %s", cl.err);
	r = parse("-L -c --client nohost.invalid.", &cl);
	check(r == 2 && strstr(cl.err, "nohost.invalid."),
	      "a bad --client is quoted: %s", cl.err);

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_CONN, L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_CONN);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_PROTOCOL, IPPROTO_TCP);
	mnl_attr_put_u32(nlh, L4LB_CONN_A_CADDR, inet_addr("10.0.0.1"));
	mnl_attr_put_u16(nlh, L4LB_CONN_A_CPORT, htons(40000));
	mnl_attr_put_u32(nlh, L4LB_CONN_A_VADDR, inet_addr("10.0.0.100"));
	mnl_attr_put_u16(nlh, L4LB_CONN_A_VPORT, htons(80));
	mnl_attr_put_u32(nlh, L4LB_CONN_A_DADDR, inet_addr("10.0.0.11"));
	mnl_attr_put_u16(nlh, L4LB_CONN_A_DPORT, htons(8080));
	mnl_attr_put_u8(nlh, L4LB_CONN_A_FWD, L4LB_FWD_NAT);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_STATE, L4LB_CONN_S_ESTABLISHED);
	mnl_attr_put_u32(nlh, L4LB_CONN_A_EXPIRES, 899500);
	mnl_attr_nest_end(nlh, nest);
	r = l4lb_parse_conn_msg(nlh, &e);
	check(r == 0 && e.cport == 40000 && e.dport == 8080 &&
	      e.fwd == L4LB_FWD_NAT && e.state == L4LB_CONN_S_ESTABLISHED &&
	      e.expires_ms == 899500, "GET_CONN reply parsed");

	f = open_memstream(&out, &len);
	l4lbadm_print_conn(f, &e, true);
	l4lbadm_print_conn_json(f, &e, true);
	fclose(f);
	check(out && !strcmp(out,
		"TCP 14:59  ESTABLISHED 10.0.0.1:40000     10.0.0.100:80      10.0.0.11:8080\n"
		"{\"protocol\":\"tcp\",\"family\":\"inet\","
		"\"client\":{\"address\":\"10.0.0.1\",\"port\":40000},"
		"\"virtual\":{\"address\":\"10.0.0.100\",\"port\":80},"
		"\"destination\":{\"family\":\"inet\",\"address\":\"10.0.0.11\","
		"\"port\":8080},"
		"\"forward\":\"masq\",\"state\":\"ESTABLISHED\",\"expires_ms\":899500}"),
	      "-Lc line and JSON entry: %s", out ? out : "(null)");
	free(out);

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_CONN, L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_CONN);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_PROTOCOL, IPPROTO_TCP);
	mnl_attr_nest_end(nlh, nest);
	check(l4lb_parse_conn_msg(nlh, &e) == -EBADMSG,
	      "a GET_CONN reply missing attributes is refused");
}

/* --- IPv6 --------------------------------------------------------------- */

/* --- ipvsadm parity: thresholds, one-packet scheduling, -R lines -------- */

static void test_parity(void)
{
	struct l4lb_service svcs[2];
	struct l4lb_service_list l = { .n = 2, .svcs = svcs };
	struct l4lbadm_rules rs;
	struct l4lbadm_cmdline cl;
	char err[600], buf[NL_TX_BUFSIZE];
	struct tb top = { 0 }, dn = { 0 };
	struct nlmsghdr *nlh;
	char *out;

	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.100", 80, "wlc");
	adddest(&svcs[0], "10.0.0.11", 80, L4LB_FWD_DR, 1, 3, 4);
	adddest(&svcs[0], "10.0.0.12", 80, L4LB_FWD_DR, 2, 0, 1);
	svcs[0].dests[0].u_thresh = 100;
	svcs[0].dests[0].l_thresh = 50;
	svcs[1] = mksvc(IPPROTO_UDP, "10.0.0.100", 53, "rr");
	svcs[1].flags = L4LB_SVC_F_ONEPACKET;
	adddest(&svcs[1], "10.0.0.13", 53, L4LB_FWD_DR, 1, 0, 0);

	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC |
		      L4LBADM_FMT_THRESHOLDS);
	check(!strcmp(out,
		      "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
		      "  -> RemoteAddress:Port\n"
		      "TCP  10.0.0.100:80 wlc\n"
		      "  -> 10.0.0.11:80                 100        50         3          4         \n"
		      "  -> 10.0.0.12:80                 0          0          0          1         \n"
		      "UDP  10.0.0.100:53 rr ops\n"
		      "  -> 10.0.0.13:53                 0          0          0          0         \n"),
	      "-L -n --thresholds: ipvsadm's columns; ops after the scheduler");
	if (!strstr(out, "-> 10.0.0.11:80                 100        50 "))
		printf("# got:\n%s", out);
	free(out);

	out = capture(save_fn, &l, true);
	check(!strcmp(out,
		      "-A -t 10.0.0.100:80 -s wlc\n"
		      "-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1 -x 100 -y 50\n"
		      "-a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 2\n"
		      "-A -u 10.0.0.100:53 -s rr -o\n"
		      "-a -u 10.0.0.100:53 -r 10.0.0.13:53 -g -w 1\n"),
	      "-S: -x/-y when set, -o");
	check(restore_str(out, &rs, err) == 0 && rs.n == 5 &&
	      rs.r[1].u_thresh == 100 && rs.r[1].l_thresh == 50 &&
	      (rs.r[1].set & L4LB_HAS_THRESH) && !rs.r[2].u_thresh &&
	      rs.r[3].flags == L4LB_SVC_F_ONEPACKET &&
	      (rs.r[3].set & L4LB_HAS_FLAGS) && !rs.r[0].flags,
	      "-R of -S output keeps -x, -y and -o");
	l4lbadm_rules_free(&rs);
	free(out);

	check(restore_str("ipvsadm -A -u 10.0.0.1:53 -s rr -o\n"
			  "  ipvsadm -a -u 10.0.0.1:53 -r 10.0.0.2 -x 5 -y 2\n"
			  "l4lbadm -E -u 10.0.0.1:53\n", &rs, err) == 0 &&
	      rs.n == 3 && rs.r[0].cmd == L4LB_CMD_NEW_SERVICE &&
	      rs.r[0].flags == L4LB_SVC_F_ONEPACKET &&
	      rs.r[1].cmd == L4LB_CMD_NEW_DEST && rs.r[1].u_thresh == 5 &&
	      rs.r[1].l_thresh == 2 && rs.r[2].cmd == L4LB_CMD_SET_SERVICE &&
	      !strcmp(rs.r[2].sched, "wlc") && !rs.r[2].flags,
	      "-R: lines starting with ipvsadm (or l4lbadm)");
	l4lbadm_rules_free(&rs);
	check(restore_str("ipvsadm\n", &rs, err) == L4LBADM_EXIT_USAGE &&
	      strstr(err, "line 1: no command specified"),
	      "-R: a bare \"ipvsadm\" is no command");
	check(restore_str("-A -u 10.0.0.1:53 ipvsadm\n", &rs, err) ==
	      L4LBADM_EXIT_USAGE && strstr(err, "unexpected argument "
					   "\"ipvsadm\""),
	      "-R: ipvsadm only as the first word");

	/* diff: thresholds and -o are part of what a restore compares */
	{
		struct l4lb_service b[2] = { svcs[0], svcs[1] };
		struct l4lb_dest bd[2] = { svcs[0].dests[0],
					   svcs[0].dests[1] };
		struct l4lb_service_list to = { .n = 2, .svcs = b };

		b[0].dests = bd;
		bd[1].u_thresh = 7;
		b[1].flags = 0;
		check(l4lbadm_diff(&l, &to, &rs) == 0 && rs.n == 2 &&
		      rs.r[0].cmd == L4LB_CMD_SET_DEST &&
		      rs.r[0].u_thresh == 7 &&
		      rs.r[1].cmd == L4LB_CMD_SET_SERVICE && !rs.r[1].flags,
		      "diff: a threshold or -o alone edits");
		l4lbadm_rules_free(&rs);
	}

	/* requests: thresholds and flags as attributes */
	parse("-a -u 10.0.0.1:53 -r 10.0.0.2 -x 5 -y 2", &cl);
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_NEW_DEST, &cl.svc, &cl.dest);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_DEST], tb_cb, &dn);
	check(dn.a[L4LB_DEST_A_U_THRESH] && dn.a[L4LB_DEST_A_L_THRESH] &&
	      mnl_attr_get_payload_len(dn.a[L4LB_DEST_A_U_THRESH]) == 4 &&
	      mnl_attr_get_u32(dn.a[L4LB_DEST_A_U_THRESH]) == 5 &&
	      mnl_attr_get_u32(dn.a[L4LB_DEST_A_L_THRESH]) == 2,
	      "NEW_DEST carries U_THRESH and L_THRESH (u32)");
	parse("-d -u 10.0.0.1:53 -r 10.0.0.2", &cl);
	memset(&top, 0, sizeof(top));
	memset(&dn, 0, sizeof(dn));
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_DEL_DEST, &cl.svc, &cl.dest);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_DEST], tb_cb, &dn);
	check(!dn.a[L4LB_DEST_A_U_THRESH] && !dn.a[L4LB_DEST_A_WEIGHT],
	      "DEL_DEST carries no thresholds");
	parse("-E -u 10.0.0.1:53 -o", &cl);
	memset(&top, 0, sizeof(top));
	memset(&dn, 0, sizeof(dn));
	nlh = l4lb_build_service(buf, 42, L4LB_CMD_SET_SERVICE, 0, &cl.svc,
				 false);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_SERVICE], tb_cb, &dn);
	check(dn.a[L4LB_SVC_A_FLAGS] &&
	      mnl_attr_get_u32(dn.a[L4LB_SVC_A_FLAGS]) == L4LB_SVC_F_ONEPACKET &&
	      dn.a[L4LB_SVC_A_SCHED] &&
	      !strcmp(mnl_attr_get_str(dn.a[L4LB_SVC_A_SCHED]), "wlc"),
	      "SET_SERVICE -o: FLAGS ONEPACKET, SCHED wlc");
	free(svcs[0].dests);
	free(svcs[1].dests);
}

static void test_ipv6_parse(void)
{
	struct l4lbadm_cmdline cl;
	int r;

	r = parse("-A -t [2001:db8::10]:80 -s rr", &cl);
	check(r == 0 && cl.svc.protocol == IPPROTO_TCP &&
	      addr6_is(cl.svc.family, &cl.svc.addr, "2001:db8::10") &&
	      cl.svc.port == 80 && !strcmp(cl.svc.sched, "rr"),
	      "-A -t [2001:db8::10]:80");
	r = parse("-A -u [2001:DB8::10]:domain", &cl);
	check(r == 0 && cl.svc.protocol == IPPROTO_UDP && cl.svc.port == 53 &&
	      addr6_is(cl.svc.family, &cl.svc.addr, "2001:db8::10"),
	      "-A -u [2001:DB8::10]:domain (upper case, service name)");
	r = parse("-a -t [2001:db8::10]:80 -r [2001:db8::11]:8080 -m -w 3",
		  &cl);
	check(r == 0 && addr6_is(cl.dest.family, &cl.dest.addr,
				 "2001:db8::11") &&
	      cl.dest.port == 8080 && cl.server_has_port &&
	      cl.dest.fwd == L4LB_FWD_NAT && cl.dest.weight == 3,
	      "-a -r [2001:db8::11]:8080 -m");
	r = parse("-a -t [2001:db8::10]:80 -r [2001:db8::11]", &cl);
	check(r == 0 && addr6_is(cl.dest.family, &cl.dest.addr,
				 "2001:db8::11") &&
	      cl.dest.port == 80 && !cl.server_has_port &&
	      cl.dest.fwd == L4LB_FWD_DR,
	      "-r [2001:db8::11]: the service port, direct routing");
	r = parse("-a -t [2001:db8::10]:80 -r 2001:db8::11", &cl);
	check(r == 0 && addr6_is(cl.dest.family, &cl.dest.addr,
				 "2001:db8::11") && cl.dest.port == 80,
	      "-r 2001:db8::11 without brackets (as ipvsadm)");
	/* ipvsadm's parse_service(): a word that is an IPv6 address is one */
	r = parse("-a -t [2001:db8::10]:80 -r 2001:db8::11:8080", &cl);
	check(r == 0 && addr6_is(cl.dest.family, &cl.dest.addr,
				 "2001:db8::11:8080") &&
	      cl.dest.port == 80 && !cl.server_has_port,
	      "-r 2001:db8::11:8080 is the address 2001:db8::11:8080, "
	      "as ipvsadm reads it");
	r = parse("-e -t [2001:db8::10]:80 -r [2001:db8::11]:80 -w 0", &cl);
	check(r == 0 && cl.cmd->id == CMD_EDIT_SERVER && cl.dest.weight == 0,
	      "-e of an IPv6 real server");
	r = parse("-d -t [2001:db8::10]:80 -r [2001:db8::11]", &cl);
	check(r == 0 && cl.cmd->id == CMD_DEL_SERVER && cl.dest.port == 80,
	      "-d of an IPv6 real server");
	r = parse("-D -t [::1]:443", &cl);
	check(r == 0 && addr6_is(cl.svc.family, &cl.svc.addr, "::1") &&
	      cl.svc.port == 443, "-D -t [::1]:443");
	r = parse("-L -n -t [2001:db8::10]:80", &cl);
	check(r == 0 && cl.svc.family == AF_INET6, "-L -t [IPv6]:port");
	r = parse("-Z -u [2001:db8::10]:53", &cl);
	check(r == 0 && cl.svc.family == AF_INET6, "-Z -u [IPv6]:port");
	r = parse("-L -c -t [2001:db8::10]:80 -r [2001:db8::11] "
		  "--client [2001:db8::1]:4000", &cl);
	check(r == 0 && addr6_is(cl.client_family, &cl.client_addr,
				 "2001:db8::1") &&
	      cl.client_has_port && cl.client_port == 4000 &&
	      addr6_is(cl.dest.family, &cl.dest.addr, "2001:db8::11") &&
	      !cl.server_has_port, "-L -c filters in IPv6");
	r = parse("-L -c --client 2001:db8::1", &cl);
	check(r == 0 && addr6_is(cl.client_family, &cl.client_addr,
				 "2001:db8::1") && !cl.client_has_port,
	      "--client 2001:db8::1 without brackets");
	r = parse("-A -t 10.0.0.1:80", &cl);
	check(r == 0 && cl.svc.family == AF_INET, "IPv4 stays AF_INET");

	r = parse("-A -t [localhost]:80", &cl);
	if (r == 0)
		check(addr6_is(cl.svc.family, &cl.svc.addr, "::1"),
		      "[localhost] resolves to IPv6 ::1");
	else
		skip("[localhost] (no IPv6 localhost in the resolver)");

	expect_err("-A -t [2001:db8::10:80",
		   "missing \"]\" in \"[2001:db8::10:80\"");
	expect_err("-A -t [2001:db8::10]80",
		   "unexpected \"80\" after \"]\" in \"[2001:db8::10]80\" "
		   "(an IPv6 address with a port is written [address]:port)");
	expect_err("-A -t 2001:db8::10]:80",
		   "invalid address \"2001:db8::10]\" in \"2001:db8::10]:80\" "
		   "(an IPv6 address with a port is written [address]:port)");
	expect_err("-A -t [2001:db8::10]",
		   "missing port in \"[2001:db8::10]\"");
	expect_err("-A -t [2001:db8::10]:0", "invalid port \"0\" in "
		   "\"[2001:db8::10]:0\" (must be 1..65535)");
	expect_err("-A -t [2001:db8::10]:",
		   "invalid port \"\" in \"[2001:db8::10]:\"");
	expect_err("-A -t [2001:db8::10]:65536",
		   "invalid port \"65536\" in \"[2001:db8::10]:65536\"");
	expect_err("-A -t [2001:db8::10]:nosuchsvc", "unknown service "
		   "\"nosuchsvc\" in \"[2001:db8::10]:nosuchsvc\"");
	expect_err("-A -t []:80", "missing address in \"[]:80\"");
	expect_err("-A -t [2001:db8::zz]:80", "invalid IPv6 address "
		   "\"2001:db8::zz\" in \"[2001:db8::zz]:80\"");
	expect_err("-A -t [10.0.0.1]:80",
		   "invalid IPv6 address \"10.0.0.1\" in \"[10.0.0.1]:80\"");
	/* bare IPv6 with a port: the whole word is the address (ipvsadm) */
	expect_err("-A -t 2001:db8::10:80",
		   "missing port in \"2001:db8::10:80\" (an IPv6 address with "
		   "a port is written [address]:port)");
	expect_err("-A -t 2001:db8::10:http",
		   "invalid address \"2001:db8::10\" in \"2001:db8::10:http\" "
		   "(an IPv6 address with a port is written [address]:port)");
	expect_err("-a -t [2001:db8::10]:80 -r 10.0.0.2",
		   "real server \"10.0.0.2\" is IPv4 but service "
		   "\"[2001:db8::10]:80\" is IPv6: direct routing (-g) and "
		   "masquerading (-m) forward within one address family; "
		   "tunneling (-i) carries one in the other");
	expect_err("-a -t 10.0.0.1:80 -r [2001:db8::11]:8080 -m",
		   "real server \"[2001:db8::11]:8080\" is IPv6 but service "
		   "\"10.0.0.1:80\" is IPv4: direct routing (-g) and "
		   "masquerading (-m) forward within one address family; "
		   "tunneling (-i) carries one in the other");
	expect_err("-e -t 10.0.0.1:80 -r 2001:db8::11 -w 2",
		   "real server \"2001:db8::11\" is IPv6 but service "
		   "\"10.0.0.1:80\" is IPv4: direct routing (-g) and "
		   "masquerading (-m) forward within one address family; "
		   "tunneling (-i) carries one in the other");
	r = parse("-d -u [2001:db8::10]:53 -r 10.0.0.2", &cl);
	check(r == 0 && cl.dest.family == AF_INET && cl.svc.family == AF_INET6,
	      "-d of a real server of the other family");
	r = parse("-a -t 10.0.0.1:80 -r [2001:db8::11] -i", &cl);
	check(r == 0 && cl.dest.family == AF_INET6 &&
	      cl.dest.fwd == L4LB_FWD_TUN && cl.dest.port == 80,
	      "-a -i: an IPv6 real server for an IPv4 service");
	r = parse("-a -u [2001:db8::10]:53 -r 10.0.0.2 -i --tun-type gue "
		  "--tun-port 6080", &cl);
	check(r == 0 && cl.dest.family == AF_INET &&
	      cl.dest.tun_type == L4LB_TUN_GUE,
	      "-a -i gue: an IPv4 real server for an IPv6 service");
	expect_err("-a -t [2001:db8::10]:80 -r [2001:db8::11]:8080",
		   "real server port 8080 in \"[2001:db8::11]:8080\" differs "
		   "from service port 80: direct routing (-g) cannot change "
		   "the port; use -m");
#define NOT_F "option \"-6\" (--ipv6) goes with \"-f\" (a firewall-mark " \
	      "service); an IPv6 address makes a -t or -u service IPv6"
	expect_err("-A -t [2001:db8::10]:80 -6", NOT_F);
	expect_err("-A -t [2001:db8::10]:80 --ipv6", NOT_F);
}

static void test_ipv6_program(void)
{
	static struct run_result r;

	run("-a -t [2001:db8::10]:80 -r 10.0.0.2 -m", &r);
	check(r.status == 2 && !r.out[0] && !strcmp(r.err,
	      "l4lbadm: real server \"10.0.0.2\" is IPv4 but service "
	      "\"[2001:db8::10]:80\" is IPv6: direct routing (-g) and "
	      "masquerading (-m) forward within one address family; "
	      "tunneling (-i) carries one in the other\n"),
	      "mixed families: message, exit 2, before any netlink");
	run("-A -t [2001:db8::10:80", &r);
	check(r.status == 2 && !strcmp(r.err, "l4lbadm: missing \"]\" in "
	      "\"[2001:db8::10:80\"\n"), "missing ]: message, exit 2");
	run("-A -t [2001:db8::10]:80 -6", &r);
	check(r.status == 2 && strstr(r.err, NOT_F),
	      "-6 without -f: refused, exit 2");
}

/* The nest of @type at the top of @nlh, parsed into @out. */
static void nest_of(const struct nlmsghdr *nlh, int type, struct tb *out)
{
	struct tb top = { 0 };

	memset(out, 0, sizeof(*out));
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	if (top.a[type])
		mnl_attr_parse_nested(top.a[type], tb_cb, out);
}

static bool attr_bytes(const struct nlattr *a, const void *want, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len &&
	       !memcmp(mnl_attr_get_payload(a), want, len);
}

static void test_ipv6_build(void)
{
	static const uint8_t a10[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t a11[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 };
	const uint16_t af6 = AF_INET6, af4 = AF_INET;
	char buf[NL_TX_BUFSIZE];
	struct l4lbadm_cmdline cl;
	struct nlmsghdr *nlh;
	struct tb svc, dst;

	parse("-A -t [2001:db8::10]:80 -s rr", &cl);
	nlh = l4lb_build_service(buf, 42, L4LB_CMD_NEW_SERVICE, 0, &cl.svc,
				 false);
	nest_of(nlh, L4LB_A_SERVICE, &svc);
	check(attr_bytes(svc.a[L4LB_SVC_A_FAMILY], &af6, 2) &&
	      attr_bytes(svc.a[L4LB_SVC_A_ADDR6], a10, 16) &&
	      !svc.a[L4LB_SVC_A_ADDR] &&
	      attr_bytes(svc.a[L4LB_SVC_A_PORT], "\x00\x50", 2) &&
	      mnl_attr_get_u8(svc.a[L4LB_SVC_A_PROTOCOL]) == IPPROTO_TCP,
	      "NEW_SERVICE IPv6: FAMILY u16 AF_INET6, ADDR6 16 bytes, no ADDR");

	parse("-A -t 10.0.0.1:80", &cl);
	nlh = l4lb_build_service(buf, 42, L4LB_CMD_NEW_SERVICE, 0, &cl.svc,
				 false);
	nest_of(nlh, L4LB_A_SERVICE, &svc);
	check(attr_bytes(svc.a[L4LB_SVC_A_FAMILY], &af4, 2) &&
	      attr_bytes(svc.a[L4LB_SVC_A_ADDR], "\x0a\x00\x00\x01", 4) &&
	      !svc.a[L4LB_SVC_A_ADDR6],
	      "NEW_SERVICE IPv4: FAMILY AF_INET always sent, ADDR, no ADDR6");

	struct l4lb_service zero = { .protocol = IPPROTO_UDP, .port = 53 };

	zero.addr.in.s_addr = htonl(0x0a000001);
	nlh = l4lb_build_service(buf, 42, L4LB_CMD_DEL_SERVICE, 0, &zero,
				 true);
	nest_of(nlh, L4LB_A_SERVICE, &svc);
	check(attr_bytes(svc.a[L4LB_SVC_A_FAMILY], &af4, 2) &&
	      attr_bytes(svc.a[L4LB_SVC_A_ADDR], "\x0a\x00\x00\x01", 4),
	      "family 0 is sent as AF_INET");

	parse("-a -t [2001:db8::10]:80 -r [2001:db8::11]:8080 -m -w 7", &cl);
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_NEW_DEST, &cl.svc, &cl.dest);
	nest_of(nlh, L4LB_A_SERVICE, &svc);
	nest_of(nlh, L4LB_A_DEST, &dst);
	check(attr_bytes(svc.a[L4LB_SVC_A_ADDR6], a10, 16) &&
	      attr_bytes(dst.a[L4LB_DEST_A_FAMILY], &af6, 2) &&
	      attr_bytes(dst.a[L4LB_DEST_A_ADDR6], a11, 16) &&
	      !dst.a[L4LB_DEST_A_ADDR] &&
	      attr_bytes(dst.a[L4LB_DEST_A_PORT], "\x1f\x90", 2) &&
	      mnl_attr_get_u8(dst.a[L4LB_DEST_A_FWD]) == L4LB_FWD_NAT,
	      "NEW_DEST IPv6: service key and dest with FAMILY and ADDR6");

	parse("-d -t 10.0.0.1:80 -r 10.0.0.2", &cl);
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_DEL_DEST, &cl.svc, &cl.dest);
	nest_of(nlh, L4LB_A_DEST, &dst);
	check(attr_bytes(dst.a[L4LB_DEST_A_FAMILY], &af4, 2) &&
	      attr_bytes(dst.a[L4LB_DEST_A_ADDR], "\x0a\x00\x00\x02", 4) &&
	      !dst.a[L4LB_DEST_A_ADDR6], "DEL_DEST IPv4: FAMILY and ADDR");

	/* -L -c filters: service key, real server and client in IPv6 */
	static const uint8_t a1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	struct tb conn;

	parse("-L -c -t [2001:db8::10]:80 -r [2001:db8::11]:8080 "
	      "--client [2001:db8::1]:4000", &cl);
	struct l4lb_conn_filter f = {
		.svc = &cl.svc, .has_dest = true, .dfamily = cl.dest.family,
		.daddr = cl.dest.addr, .has_dport = cl.server_has_port,
		.dport = cl.dest.port, .has_client = true,
		.cfamily = cl.client_family, .caddr = cl.client_addr,
		.has_cport = cl.client_has_port, .cport = cl.client_port,
	};

	nlh = l4lb_build_conn_dump(buf, 42, &f);
	nest_of(nlh, L4LB_A_SERVICE, &svc);
	nest_of(nlh, L4LB_A_DEST, &dst);
	nest_of(nlh, L4LB_A_CONN, &conn);
	check(attr_bytes(svc.a[L4LB_SVC_A_FAMILY], &af6, 2) &&
	      attr_bytes(svc.a[L4LB_SVC_A_ADDR6], a10, 16) &&
	      !svc.a[L4LB_SVC_A_ADDR] &&
	      attr_bytes(dst.a[L4LB_DEST_A_FAMILY], &af6, 2) &&
	      attr_bytes(dst.a[L4LB_DEST_A_ADDR6], a11, 16) &&
	      !dst.a[L4LB_DEST_A_ADDR] &&
	      attr_bytes(dst.a[L4LB_DEST_A_PORT], "\x1f\x90", 2) &&
	      attr_bytes(conn.a[L4LB_CONN_A_FAMILY], &af6, 2) &&
	      attr_bytes(conn.a[L4LB_CONN_A_CADDR6], a1, 16) &&
	      !conn.a[L4LB_CONN_A_CADDR] &&
	      attr_bytes(conn.a[L4LB_CONN_A_CPORT], "\x0f\xa0", 2),
	      "GET_CONN filters in IPv6: FAMILY and *ADDR6 in each nest");
	parse("-L -c -r 10.0.0.11 --client 10.0.0.1", &cl);
	f = (struct l4lb_conn_filter){
		.has_dest = true, .dfamily = cl.dest.family,
		.daddr = cl.dest.addr, .has_client = true,
		.cfamily = cl.client_family, .caddr = cl.client_addr,
	};
	nlh = l4lb_build_conn_dump(buf, 42, &f);
	nest_of(nlh, L4LB_A_DEST, &dst);
	nest_of(nlh, L4LB_A_CONN, &conn);
	check(attr_bytes(dst.a[L4LB_DEST_A_FAMILY], &af4, 2) &&
	      attr_bytes(dst.a[L4LB_DEST_A_ADDR], "\x0a\x00\x00\x0b", 4) &&
	      !dst.a[L4LB_DEST_A_PORT] &&
	      attr_bytes(conn.a[L4LB_CONN_A_FAMILY], &af4, 2) &&
	      attr_bytes(conn.a[L4LB_CONN_A_CADDR], "\x0a\x00\x00\x01", 4) &&
	      !conn.a[L4LB_CONN_A_CPORT] && !conn.a[L4LB_CONN_A_CADDR6],
	      "GET_CONN filters in IPv4: FAMILY and *ADDR");
}

/* A GET_SERVICE reply: family @fam (0: no FAMILY), @n4/@n6 address bytes. */
static struct nlmsghdr *svc_reply(char *buf, int fam, int n4, int n6,
				  int dfam, int dn4, int dn6)
{
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 };
	struct nlmsghdr *nlh;
	struct nlattr *n, *ds, *dn;

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_SERVICE, 1, 0);
	n = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
	mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, IPPROTO_TCP);
	if (fam)
		mnl_attr_put_u16(nlh, L4LB_SVC_A_FAMILY, (uint16_t)fam);
	if (n4)
		mnl_attr_put(nlh, L4LB_SVC_A_ADDR, (size_t)n4, a);
	if (n6)
		mnl_attr_put(nlh, L4LB_SVC_A_ADDR6, (size_t)n6, a);
	mnl_attr_put_u16(nlh, L4LB_SVC_A_PORT, htons(80));
	mnl_attr_put_strz(nlh, L4LB_SVC_A_SCHED, "wrr");
	ds = mnl_attr_nest_start(nlh, L4LB_SVC_A_DESTS);
	dn = mnl_attr_nest_start(nlh, L4LB_A_DEST);
	if (dfam)
		mnl_attr_put_u16(nlh, L4LB_DEST_A_FAMILY, (uint16_t)dfam);
	if (dn4)
		mnl_attr_put(nlh, L4LB_DEST_A_ADDR, (size_t)dn4, d);
	if (dn6)
		mnl_attr_put(nlh, L4LB_DEST_A_ADDR6, (size_t)dn6, d);
	mnl_attr_put_u16(nlh, L4LB_DEST_A_PORT, htons(8080));
	mnl_attr_put_u8(nlh, L4LB_DEST_A_FWD, L4LB_FWD_NAT);
	mnl_attr_put_u32(nlh, L4LB_DEST_A_WEIGHT, 2);
	mnl_attr_nest_end(nlh, dn);
	mnl_attr_nest_end(nlh, ds);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

static void test_ipv6_replies(void)
{
	char buf[NL_TX_BUFSIZE];
	struct l4lb_service svc;
	int r;

	r = l4lb_parse_service_msg(svc_reply(buf, AF_INET6, 0, 16,
					     AF_INET6, 0, 16), &svc);
	check(r == 0 && svc.protocol == IPPROTO_TCP &&
	      addr6_is(svc.family, &svc.addr, "2001:db8::10") &&
	      svc.port == 80 && svc.ndests == 1 &&
	      addr6_is(svc.dests[0].family, &svc.dests[0].addr,
		       "2001:db8::11") && svc.dests[0].port == 8080 &&
	      svc.dests[0].weight == 2, "IPv6 service reply with ADDR6 parses");
	if (r == 0)
		l4lb_service_free(&svc);
	r = l4lb_parse_service_msg(svc_reply(buf, AF_INET, 4, 0,
					     AF_INET, 4, 0), &svc);
	check(r == 0 && svc.family == AF_INET && svc.dests[0].family == AF_INET
	      && addr_is(svc.addr, "32.1.13.184"),
	      "IPv4 reply with FAMILY AF_INET parses");
	if (r == 0)
		l4lb_service_free(&svc);
	r = l4lb_parse_service_msg(svc_reply(buf, 0, 4, 0, 0, 4, 0), &svc);
	check(r == 0 && svc.family == AF_INET && svc.dests[0].family == AF_INET,
	      "no FAMILY: AF_INET");
	if (r == 0)
		l4lb_service_free(&svc);

	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET6, 4, 0,
					       AF_INET6, 0, 16), &svc) ==
	      -EBADMSG, "FAMILY AF_INET6 with ADDR is refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET, 0, 16,
					       AF_INET, 4, 0), &svc) ==
	      -EBADMSG, "FAMILY AF_INET with ADDR6 only is refused");
	check(l4lb_parse_service_msg(svc_reply(buf, 0, 0, 16,
					       0, 4, 0), &svc) ==
	      -EBADMSG, "no FAMILY (AF_INET) with ADDR6 is refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET6, 0, 15,
					       AF_INET6, 0, 16), &svc) ==
	      -EBADMSG, "ADDR6 of 15 bytes is refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET, 8, 0,
					       AF_INET, 4, 0), &svc) ==
	      -EBADMSG, "ADDR of 8 bytes is refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET6, 4, 16,
					       AF_INET6, 0, 16), &svc) ==
	      -EBADMSG, "both ADDR and ADDR6 are refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET6, 0, 16,
					       AF_INET6, 4, 0), &svc) ==
	      -EBADMSG, "a destination with FAMILY AF_INET6 and ADDR is "
	      "refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_INET6, 0, 16,
					       AF_INET6, 0, 4), &svc) ==
	      -EBADMSG, "a destination ADDR6 of 4 bytes is refused");
	check(l4lb_parse_service_msg(svc_reply(buf, AF_UNIX, 4, 0,
					       AF_INET, 4, 0), &svc) ==
	      -EAFNOSUPPORT, "an unknown family is refused");
}

static void test_ipv6_sort(void)
{
	struct l4lb_service svcs[6];
	struct l4lb_service_list l = { .n = 6, .svcs = svcs };
	char *out;

	svcs[0] = mksvc(IPPROTO_UDP, "2001:db8::10", 53, "wrr");
	svcs[1] = mksvc(IPPROTO_TCP, "2001:db8::10", 443, "wrr");
	svcs[2] = mksvc(IPPROTO_UDP, "10.0.0.1", 53, "wrr");
	svcs[3] = mksvc(IPPROTO_TCP, "2001:db8::9", 80, "wrr");
	svcs[4] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "wrr");
	svcs[5] = mksvc(IPPROTO_TCP, "2001:db8::10", 80, "wrr");
	adddest(&svcs[5], "2001:db8::12", 80, L4LB_FWD_DR, 1, 0, 0);
	adddest(&svcs[5], "2001:db8::11", 81, L4LB_FWD_NAT, 1, 0, 0);
	adddest(&svcs[5], "2001:db8::11", 80, L4LB_FWD_DR, 1, 0, 0);
	adddest(&svcs[5], "2001:db8::1:0", 80, L4LB_FWD_DR, 1, 0, 0);
	l4lb_service_list_sort(&l);
	out = capture(save_fn, &l, true);
	check(!strcmp(out,
		"-A -t 10.0.0.1:80 -s wrr\n"
		"-A -u 10.0.0.1:53 -s wrr\n"
		"-A -t [2001:db8::9]:80 -s wrr\n"
		"-A -t [2001:db8::10]:80 -s wrr\n"
		"-a -t [2001:db8::10]:80 -r [2001:db8::11]:80 -g -w 1\n"
		"-a -t [2001:db8::10]:80 -r [2001:db8::11]:81 -m -w 1\n"
		"-a -t [2001:db8::10]:80 -r [2001:db8::12]:80 -g -w 1\n"
		"-a -t [2001:db8::10]:80 -r [2001:db8::1:0]:80 -g -w 1\n"
		"-A -t [2001:db8::10]:443 -s wrr\n"
		"-A -u [2001:db8::10]:53 -s wrr\n"),
	      "sort: IPv4 services first, then IPv6 ones by protocol, "
	      "address bytes, port; destinations by address bytes, port");
	free(out);
	for (int i = 0; i < 6; i++)
		l4lb_service_free(&svcs[i]);
}

static void test_ipv6_output(void)
{
	struct l4lb_service svcs[3];
	struct l4lb_service_list l = { .n = 3, .svcs = svcs };
	struct l4lbadm_rules rs;
	char *out, err[600];

	svcs[0] = mksvc(IPPROTO_TCP, "10.0.0.1", 80, "wrr");
	adddest(&svcs[0], "10.0.0.2", 80, L4LB_FWD_DR, 1, 0, 0);
	svcs[1] = mksvc(IPPROTO_TCP, "2001:db8::10", 80, "rr");
	adddest(&svcs[1], "2001:db8::11", 8080, L4LB_FWD_NAT, 5, 3, 12);
	adddest(&svcs[1], "2001:db8:1234:5678:9abc:def0:1234:5678", 80,
		L4LB_FWD_DR, 1, 0, 0);
	svcs[2] = mksvc(IPPROTO_UDP, "2001:db8:1234:5678:9abc:def0:1234:5678",
			65535, "wrr");
	svcs[1].stats = (struct l4lb_stats){ .conns = 10, .pkts_in = 1000,
		.bytes_in = 123456789ULL, .conn_rate = 5, .pkts_in_rate = 2000 };
	svcs[1].dests[0].stats.pkts_in = 500;
	l4lb_service_list_sort(&l);

	/*
	 * ipvsadm: service "%s %s" (IPv6 names not cut at 33 columns),
	 * destination "  -> %-28s %-7s %-6d %-10u %-10u" (not cut at 28).
	 */
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC);
	check(!strcmp(out,
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"TCP  10.0.0.1:80 wrr\n"
		"  -> 10.0.0.2:80                  Route   1      0          0         \n"
		"TCP  [2001:db8::10]:80 rr\n"
		"  -> [2001:db8::11]:8080          Masq    5      3          12        \n"
		"  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:80 Route   1      0          0         \n"
		"UDP  [2001:db8:1234:5678:9abc:def0:1234:5678]:65535 wrr\n"),
	      "-L -n with IPv6 as ipvsadm");
	free(out);

	/* ipvsadm: "%-33s" then 9-column numbers; "  -> %-28s" */
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_STATS);
	check(!strcmp(out,
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.1:80                         0        0        0        0        0\n"
		"  -> 10.0.0.2:80                         0        0        0        0        0\n"
		"TCP  [2001:db8::10]:80                  10     1000        0  123456K        0\n"
		"  -> [2001:db8::11]:8080                 0      500        0        0        0\n"
		"  -> [2001:db8:1234:5678:9abc:def0:1234:5678]:80        0        0        0        0        0\n"
		"UDP  [2001:db8:1234:5678:9abc:def0:1234:5678]:65535        0        0        0        0        0\n"),
	      "--stats with IPv6 as ipvsadm");
	free(out);
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_STATS |
				   L4LBADM_FMT_EXACT);
	check(strstr(out, "TCP  [2001:db8::10]:80                  10     1000"
		     "        0 123456789        0\n") != NULL,
	      "--stats --exact with IPv6");
	free(out);
	out = capture(list_fn, &l, L4LBADM_FMT_NUMERIC | L4LBADM_FMT_RATE);
	check(strstr(out, "\nTCP  [2001:db8::10]:80                   5     2000"
		     "        0        0        0\n") != NULL,
	      "--rate with IPv6");
	free(out);

	out = capture(save_fn, &l, true);
	check(!strcmp(out,
		"-A -t 10.0.0.1:80 -s wrr\n"
		"-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1\n"
		"-A -t [2001:db8::10]:80 -s rr\n"
		"-a -t [2001:db8::10]:80 -r [2001:db8::11]:8080 -m -w 5\n"
		"-a -t [2001:db8::10]:80 -r [2001:db8:1234:5678:9abc:def0:1234:5678]:80 -g -w 1\n"
		"-A -u [2001:db8:1234:5678:9abc:def0:1234:5678]:65535 -s wrr\n"),
	      "-S -n with IPv4 and IPv6 as ipvsadm");

	/* -R reads back what -S printed: the same table */
	check(restore_str(out, &rs, err) == 0 && rs.n == 6,
	      "-R parses the -S output (\"%s\")", rs.n ? "" : err);
	if (rs.n == 6) {
		check(rs.r[2].cmd == L4LB_CMD_NEW_SERVICE &&
		      addr6_is(rs.r[2].vfamily, &rs.r[2].vaddr,
			       "2001:db8::10") && rs.r[2].vport == 80 &&
		      !strcmp(rs.r[2].sched, "rr") &&
		      rs.r[3].cmd == L4LB_CMD_NEW_DEST &&
		      addr6_is(rs.r[3].rfamily, &rs.r[3].raddr,
			       "2001:db8::11") && rs.r[3].rport == 8080 &&
		      rs.r[3].fwd == L4LB_FWD_NAT && rs.r[3].weight == 5 &&
		      rs.r[1].vfamily == AF_INET && rs.r[1].rfamily == AF_INET &&
		      rs.r[5].protocol == IPPROTO_UDP &&
		      rs.r[5].vport == 65535, "-R rules of IPv4 and IPv6 lines");

		/* the rules applied to an empty table make the same table */
		struct l4lb_service_list none = { 0 };
		struct l4lbadm_rules ops;

		check(l4lbadm_diff(&none, &l, &ops) == 0 && ops.n == rs.n,
		      "diff from empty: as many requests as -S lines");
		bool same = ops.n == rs.n;

		for (size_t i = 0; same && i < ops.n; i++)
			same = ops.r[i].cmd == rs.r[i].cmd &&
			       ops.r[i].vfamily == rs.r[i].vfamily &&
			       !memcmp(&ops.r[i].vaddr, &rs.r[i].vaddr,
				       sizeof(rs.r[i].vaddr)) &&
			       ops.r[i].vport == rs.r[i].vport &&
			       (ops.r[i].cmd != L4LB_CMD_NEW_DEST ||
				(ops.r[i].rfamily == rs.r[i].rfamily &&
				 !memcmp(&ops.r[i].raddr, &rs.r[i].raddr,
					 sizeof(rs.r[i].raddr)) &&
				 ops.r[i].rport == rs.r[i].rport &&
				 ops.r[i].fwd == rs.r[i].fwd &&
				 ops.r[i].weight == rs.r[i].weight));
		check(same, "-S then -R round-trips IPv4 and IPv6 (the "
		      "restore's requests are the table's)");
		l4lbadm_rules_free(&ops);
		check(l4lbadm_diff(&l, &l, &ops) == 0 && ops.n == 0,
		      "diff of a mixed table with itself is empty");
		l4lbadm_rules_free(&ops);
	}
	l4lbadm_rules_free(&rs);
	free(out);

	out = capture_list(NULL, &(struct l4lb_service_list){ .n = 1,
			   .svcs = &svcs[1] }, true);
	check(strstr(out, "{\"protocol\":\"tcp\",\"family\":\"inet6\","
		     "\"address\":\"2001:db8::10\",\"port\":80,") &&
	      strstr(out, "\"destinations\":[{\"family\":\"inet6\","
		     "\"address\":\"2001:db8::11\",\"port\":8080,"),
	      "--json: family inet6 and IPv6 addresses");
	free(out);

	char ap[L4LBADM_ADDRPORT_MAX];
	union l4lb_inaddr lo = { .in6 = IN6ADDR_LOOPBACK_INIT };

	l4lbadm_addrport(ap, sizeof(ap), AF_INET6, &lo, 80, IPPROTO_TCP, true);
	check(!strcmp(ap, "[::1]:80"), "numeric IPv6 addr:port \"%s\"", ap);
	l4lbadm_addrport(ap, sizeof(ap), AF_INET6, &lo, 80, IPPROTO_TCP, false);
	check(ap[0] == '[' && !strcmp(ap + strlen(ap) - 6, "]:http"),
	      "IPv6 with names: [host]:service \"%s\"", ap);
	for (int i = 0; i < 3; i++)
		l4lb_service_free(&svcs[i]);
}

static void test_ipv6_conns(void)
{
	static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 };
	static char buf[NL_TX_BUFSIZE];
	struct l4lb_conn_entry e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_CONN, L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_CONN);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_PROTOCOL, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_FAMILY, AF_INET6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_DFAMILY, AF_INET6);
	mnl_attr_put(nlh, L4LB_CONN_A_CADDR6, 16, c6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_CPORT, htons(40000));
	mnl_attr_put(nlh, L4LB_CONN_A_VADDR6, 16, v6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_VPORT, htons(80));
	mnl_attr_put(nlh, L4LB_CONN_A_DADDR6, 16, d6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_DPORT, htons(8080));
	mnl_attr_put_u8(nlh, L4LB_CONN_A_FWD, L4LB_FWD_NAT);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_STATE, L4LB_CONN_S_ESTABLISHED);
	mnl_attr_put_u32(nlh, L4LB_CONN_A_EXPIRES, 899500);
	mnl_attr_nest_end(nlh, nest);
	r = l4lb_parse_conn_msg(nlh, &e);
	check(r == 0 && addr6_is(e.family, &e.caddr, "2001:db8::1") &&
	      addr6_is(e.family, &e.vaddr, "2001:db8::10") &&
	      addr6_is(e.dfamily, &e.daddr, "2001:db8::11") &&
	      e.cport == 40000 && e.vport == 80 && e.dport == 8080,
	      "GET_CONN reply with FAMILY, DFAMILY and *ADDR6 parsed");

	f = open_memstream(&out, &len);
	l4lbadm_print_conn(f, &e, true);
	l4lbadm_print_conn_json(f, &e, true);
	e.protocol = IPPROTO_UDP;
	e.state = L4LB_CONN_S_UDP;
	e.expires_ms = 6000000;		/* 100 minutes: "%-6s" is full */
	l4lbadm_print_conn(f, &e, true);
	fclose(f);
	/* ipvsadm's print_conn(): "%-3s %-6s %-11s %-18s %-18s %s\n" */
	check(out && !strcmp(out,
		"TCP 14:59  ESTABLISHED [2001:db8::1]:40000 [2001:db8::10]:80  [2001:db8::11]:8080\n"
		"{\"protocol\":\"tcp\",\"family\":\"inet6\","
		"\"client\":{\"address\":\"2001:db8::1\",\"port\":40000},"
		"\"virtual\":{\"address\":\"2001:db8::10\",\"port\":80},"
		"\"destination\":{\"family\":\"inet6\",\"address\":\"2001:db8::11\","
		"\"port\":8080},"
		"\"forward\":\"masq\",\"state\":\"ESTABLISHED\",\"expires_ms\":899500}"
		"UDP 100:00 UDP         [2001:db8::1]:40000 [2001:db8::10]:80  [2001:db8::11]:8080\n"),
	      "-Lc IPv6 lines and JSON entry: %s", out ? out : "(null)");
	free(out);

	nlh = nl_genl_start(buf, 42, L4LB_CMD_GET_CONN, L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_CONN);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_PROTOCOL, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_FAMILY, AF_INET6);
	mnl_attr_put(nlh, L4LB_CONN_A_CADDR, 4, c6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_CPORT, htons(40000));
	mnl_attr_put(nlh, L4LB_CONN_A_VADDR6, 16, v6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_VPORT, htons(80));
	mnl_attr_put(nlh, L4LB_CONN_A_DADDR6, 16, d6);
	mnl_attr_put_u16(nlh, L4LB_CONN_A_DPORT, htons(8080));
	mnl_attr_put_u8(nlh, L4LB_CONN_A_FWD, L4LB_FWD_NAT);
	mnl_attr_put_u8(nlh, L4LB_CONN_A_STATE, L4LB_CONN_S_ESTABLISHED);
	mnl_attr_put_u32(nlh, L4LB_CONN_A_EXPIRES, 1000);
	mnl_attr_nest_end(nlh, nest);
	check(l4lb_parse_conn_msg(nlh, &e) == -EBADMSG,
	      "GET_CONN: FAMILY AF_INET6 with CADDR is refused");
}

/* -i and the --tun-* options: parsing, the request, -S and -R. */
static void test_tunnel(void)
{
	char buf[NL_TX_BUFSIZE], err[600];
	struct l4lb_service svc = { 0 };
	struct l4lb_service_list l;
	struct tb top = { 0 }, dst = { 0 };
	struct l4lbadm_cmdline cl;
	struct l4lbadm_rules rs;
	struct nlmsghdr *nlh;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	r = parse("-a -t 10.0.0.1:80 -r 10.0.2.11 -i", &cl);
	check(r == 0 && cl.dest.fwd == L4LB_FWD_TUN &&
	      (cl.dest.set & L4LB_HAS_TUN) && cl.dest.tun_type == L4LB_TUN_IPIP,
	      "-i: ipip by default");
	r = parse("-a -t 10.0.0.1:80 -r 10.0.2.11 --ipip --tun-type gue "
		  "--tun-port 6080 --tun-csum", &cl);
	check(r == 0 && cl.dest.tun_type == L4LB_TUN_GUE &&
	      cl.dest.tun_port == 6080 && cl.dest.tun_flags == L4LB_TUN_F_CSUM,
	      "-i --tun-type gue --tun-port 6080 --tun-csum");
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_NEW_DEST, &cl.svc, &cl.dest);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	mnl_attr_parse_nested(top.a[L4LB_A_DEST], tb_cb, &dst);
	check(dst.a[L4LB_DEST_A_FWD] &&
	      mnl_attr_get_u8(dst.a[L4LB_DEST_A_FWD]) == L4LB_FWD_TUN &&
	      dst.a[L4LB_DEST_A_TUN_TYPE] &&
	      mnl_attr_get_u8(dst.a[L4LB_DEST_A_TUN_TYPE]) == L4LB_TUN_GUE &&
	      dst.a[L4LB_DEST_A_TUN_PORT] &&
	      !memcmp(mnl_attr_get_payload(dst.a[L4LB_DEST_A_TUN_PORT]),
		      "\x17\xc0", 2) &&
	      dst.a[L4LB_DEST_A_TUN_FLAGS] &&
	      mnl_attr_get_u32(dst.a[L4LB_DEST_A_TUN_FLAGS]) == L4LB_TUN_F_CSUM,
	      "NEW_DEST: FWD TUN, TUN_TYPE gue, TUN_PORT be16 6080, TUN_FLAGS csum");

	r = parse("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gre "
		  "--tun-csum", &cl);
	check(r == 0 && cl.dest.tun_type == L4LB_TUN_GRE &&
	      !cl.dest.tun_port && cl.dest.tun_flags == L4LB_TUN_F_CSUM,
	      "-i --tun-type gre --tun-csum");
	nlh = l4lb_build_dest(buf, 42, L4LB_CMD_NEW_DEST, &cl.svc, &cl.dest);
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, &top);
	memset(&dst, 0, sizeof(dst));
	mnl_attr_parse_nested(top.a[L4LB_A_DEST], tb_cb, &dst);
	check(dst.a[L4LB_DEST_A_TUN_TYPE] &&
	      mnl_attr_get_u8(dst.a[L4LB_DEST_A_TUN_TYPE]) == L4LB_TUN_GRE &&
	      !dst.a[L4LB_DEST_A_TUN_PORT] && dst.a[L4LB_DEST_A_TUN_FLAGS] &&
	      mnl_attr_get_u32(dst.a[L4LB_DEST_A_TUN_FLAGS]) == L4LB_TUN_F_CSUM,
	      "NEW_DEST: TUN_TYPE gre, no TUN_PORT, TUN_FLAGS csum");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gre "
		   "--tun-port 6080",
		   "Illegal 'tun-port' option with the 'gre' tunnel type");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gre "
		   "--tun-remcsum",
		   "Illegal 'tun-remcsum' option with the 'gre' tunnel type");
	r = parse("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gue "
		  "--tun-port 6080 --tun-remcsum", &cl);
	check(r == 0 && cl.dest.tun_type == L4LB_TUN_GUE &&
	      cl.dest.tun_flags == L4LB_TUN_F_REMCSUM,
	      "-i --tun-type gue --tun-remcsum");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gue "
		   "--tun-port 6080 --tun-remcsum --tun-csum",
		   "multiple 'tun-nocsum' options specified");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type vxlan",
		   "illegal tunnel type \"vxlan\" (one of ipip|gue|gre)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gue",
		   "You need to supply the 'tun-port' option for the 'gue' "
		   "tunnel type");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-type gue "
		   "--tun-port 0", "illegal tunnel port \"0\" (must be 1..65535)");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -i --tun-port 6080",
		   "Illegal 'tun-port' option with the 'ipip' tunnel type");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11 -m --tun-type gue",
		   "Tunnel options conflict with forward method");
	expect_err("-a -t 10.0.0.1:80 -r 10.0.2.11:8080 -i",
		   "real server port 8080 in \"10.0.2.11:8080\" differs from "
		   "service port 80: tunneling (-i) cannot change the port; "
		   "use -m");

	/* -S prints what ipvsadm -S prints; -R reads it back. */
	struct l4lb_dest d[3] = {
		{ .port = 80, .fwd = L4LB_FWD_TUN, .weight = 1,
		  .tun_type = L4LB_TUN_IPIP },
		{ .port = 80, .fwd = L4LB_FWD_TUN, .weight = 2,
		  .tun_type = L4LB_TUN_GUE, .tun_port = 6080 },
		{ .port = 80, .fwd = L4LB_FWD_TUN, .weight = 3,
		  .tun_type = L4LB_TUN_GRE, .tun_flags = L4LB_TUN_F_CSUM,
		  .family = AF_INET6 },
	};

	inet_pton(AF_INET, "10.0.2.11", &d[0].addr);
	inet_pton(AF_INET, "10.0.2.12", &d[1].addr);
	inet_pton(AF_INET6, "2001:db8:2::13", &d[2].addr);
	svc.protocol = IPPROTO_TCP;
	inet_pton(AF_INET, "10.0.0.1", &svc.addr);
	svc.port = 80;
	strcpy(svc.sched, "rr");
	svc.set = L4LB_HAS_SCHED;
	svc.ndests = 3;
	svc.dests = d;
	d[1].tun_flags = L4LB_TUN_F_REMCSUM;
	l.n = 1;
	l.svcs = &svc;
	f = open_memstream(&out, &len);
	l4lbadm_print_save(f, &l, true);
	fclose(f);
	check(out && strstr(out, "-a -t 10.0.0.1:80 -r 10.0.2.11:80 -i -w 1 "
			    "--tun-type ipip\n") &&
	      strstr(out, "-a -t 10.0.0.1:80 -r 10.0.2.12:80 -i -w 2 "
		     "--tun-type gue --tun-port 6080 --tun-remcsum\n") &&
	      strstr(out, "-a -t 10.0.0.1:80 -r [2001:db8:2::13]:80 -i -w 3 "
		     "--tun-type gre --tun-csum\n"),
	      "-S prints -i with ipvsadm's --tun-* options, gre, mixed");
	check(out && restore_str(out, &rs, err) == 0 && rs.n == 4 &&
	      rs.r[3].tun_type == L4LB_TUN_GRE &&
	      rs.r[3].tun_flags == L4LB_TUN_F_CSUM &&
	      rs.r[3].rfamily == AF_INET6 && rs.r[3].vfamily == AF_INET &&
	      rs.r[1].fwd == L4LB_FWD_TUN && (rs.r[1].set & L4LB_HAS_TUN) &&
	      rs.r[1].tun_type == L4LB_TUN_IPIP &&
	      rs.r[2].tun_type == L4LB_TUN_GUE && rs.r[2].tun_port == 6080 &&
	      rs.r[2].tun_flags == L4LB_TUN_F_REMCSUM,
	      "-R reads -S's tunnel lines back");
	if (rs.n)
		l4lbadm_rules_free(&rs);
	free(out);
}

int main(void)
{
	test_conns();
	test_parse_ok();
	test_parse_errors();
	test_table();
	test_errmsg();
	test_build();
	test_parse_replies();
	test_output();
	test_nl_layer();
	test_program();
	test_ops_output();
	test_restore_parse();
	test_diff();
	test_sched_flags();
	test_persist();
	test_fwmark();
	test_parity();
	test_ipv6_parse();
	test_ipv6_program();
	test_ipv6_build();
	test_ipv6_replies();
	test_ipv6_sort();
	test_ipv6_output();
	test_ipv6_conns();
	test_tunnel();
	printf("1..%d\n", n_test);
	printf("%d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
	return n_fail ? 1 : 0;
}
