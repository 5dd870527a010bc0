// SPDX-License-Identifier: GPL-2.0
/*
 * l4lbadm - administer the l4lb layer-4 load balancer, in ipvsadm syntax.
 *
 * THE table below lists every command and option once: the parser builds
 * its getopt strings from it, checks which options each command accepts,
 * prints --help from it, and main() dispatches through its run pointer.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "cmd.h"
#include "parse.h"
#include "saverestore.h"

#define SVC_OPTS	(OPT_SERVICE | OPT_IPV6)
#define SRV_OPTS	(OPT_SERVICE | OPT_IPV6 | OPT_SERVER | OPT_FORWARD | \
			 OPT_WEIGHT | OPT_TUN_TYPE | OPT_TUN_PORT | OPT_TUN_CSUM | \
			 OPT_U_THRESH | OPT_L_THRESH)
#define LIST_OPTS	(OPT_SERVICE | OPT_IPV6 | OPT_NUMERIC | OPT_JSON | OPT_TIMEOUT | \
			 OPT_STATS | OPT_RATE | OPT_EXACT | OPT_INFO | \
			 OPT_CONN | OPT_SERVER | OPT_CLIENT | OPT_HEALTH | \
			 OPT_THRESHOLDS | OPT_SORT | OPT_NOSORT | OPT_SYNC)

const struct l4lbadm_opt l4lbadm_table[] = {
	/* commands */
	{ .long_name = "add-service", .short_name = 'A', .is_cmd = true,
	  .id = CMD_ADD_SERVICE, .help = "add virtual service with options",
	  .allowed = SVC_OPTS | OPT_SCHED | OPT_SCHED_FLAGS | OPT_MH_SIZE |
		     OPT_MH_KEY | OPT_PERSIST | OPT_NETMASK | OPT_ONEPACKET |
		     OPT_PICKUP,
	  .required = OPT_SERVICE,
	  .usage = "-A|E -t|u service-address|-f fwmark [-6] [-s scheduler] "
		   "[-b sched-flags]\n"
		   "  l4lbadm -A|E ... [-p [timeout]] [-M netmask] [-o]",
	  .run = l4lbadm_run_service },
	{ .long_name = "edit-service", .short_name = 'E', .is_cmd = true,
	  .id = CMD_EDIT_SERVICE, .help = "edit virtual service with options",
	  .allowed = SVC_OPTS | OPT_SCHED | OPT_SCHED_FLAGS | OPT_MH_SIZE |
		     OPT_MH_KEY | OPT_PERSIST | OPT_NETMASK | OPT_ONEPACKET |
		     OPT_PICKUP,
	  .required = OPT_SERVICE,
	  .run = l4lbadm_run_service },
	{ .long_name = "delete-service", .short_name = 'D', .is_cmd = true,
	  .id = CMD_DEL_SERVICE, .help = "delete virtual service",
	  .allowed = SVC_OPTS, .required = OPT_SERVICE,
	  .usage = "-D -t|u service-address",
	  .run = l4lbadm_run_service },
	{ .long_name = "clear", .short_name = 'C', .is_cmd = true,
	  .id = CMD_CLEAR, .help = "clear the whole table",
	  .usage = "-C", .run = l4lbadm_run_clear },
	{ .long_name = "add-server", .short_name = 'a', .is_cmd = true,
	  .id = CMD_ADD_SERVER, .help = "add real server with options",
	  .allowed = SRV_OPTS, .required = OPT_SERVICE | OPT_SERVER,
	  .usage = "-a|e -t|u service-address -r server-address [-g|-i|-m] "
		   "[-w weight]\n"
		   "        [-x upper-threshold] [-y lower-threshold]\n"
		   "        [--tun-type ipip|gue|gre [--tun-port port] "
		   "[--tun-nocsum|--tun-csum]]",
	  .run = l4lbadm_run_server },
	{ .long_name = "edit-server", .short_name = 'e', .is_cmd = true,
	  .id = CMD_EDIT_SERVER, .help = "edit real server with options",
	  .allowed = SRV_OPTS, .required = OPT_SERVICE | OPT_SERVER,
	  .run = l4lbadm_run_server },
	{ .long_name = "delete-server", .short_name = 'd', .is_cmd = true,
	  .id = CMD_DEL_SERVER, .help = "delete real server",
	  .allowed = OPT_SERVICE | OPT_IPV6 | OPT_SERVER,
	  .required = OPT_SERVICE | OPT_SERVER,
	  .usage = "-d -t|u service-address -r server-address",
	  .run = l4lbadm_run_server },
	{ .long_name = "list", .short_name = 'L', .alias = 'l', .is_cmd = true,
	  .id = CMD_LIST, .help = "list the table",
	  .allowed = LIST_OPTS,
	  .usage = "-L|l [-n] [--stats|--rate [--exact]|--health|--thresholds] "
		   "[--json] [--sort|--nosort] [-t|u service-address]\n"
		   "  l4lbadm -L --timeout|--info [--json]\n"
		   "  l4lbadm -L -c [-n] [--json] [-t|u service-address] "
		   "[-r server-address] [--client address[:port]]\n"
		   "  l4lbadm -L --daemon [--stats]",
	  .run = l4lbadm_run_list },
	{ .long_name = "save", .short_name = 'S', .is_cmd = true,
	  .id = CMD_SAVE, .help = "save rules to stdout",
	  .allowed = OPT_NUMERIC | OPT_SORT | OPT_NOSORT,
	  .usage = "-S [-n] [--sort|--nosort]",
	  .run = l4lbadm_run_save },
	{ .long_name = "restore", .short_name = 'R', .is_cmd = true,
	  .id = CMD_RESTORE,
	  .help = "restore rules from stdin (all or nothing)",
	  .usage = "-R", .run = l4lbadm_run_restore },
	{ .long_name = "zero", .short_name = 'Z', .is_cmd = true,
	  .id = CMD_ZERO, .help = "zero counters in a service or all services",
	  .allowed = OPT_SERVICE | OPT_IPV6,
	  .usage = "-Z [-t|u service-address | -f fwmark [-6]]",
	  .run = l4lbadm_run_zero },
	{ .long_name = "set", .is_cmd = true, .id = CMD_SET,
	  .argname = "tcp tcpfin udp",
	  .help = "set connection timeout values (seconds, 0 = unchanged)",
	  .usage = "--set tcp tcpfin udp", .run = l4lbadm_run_set },
	{ .long_name = "config", .is_cmd = true, .id = CMD_CONFIG,
	  .argname = "setting value...",
	  .help = "set this namespace's conn-limit N (0 = conn_max) or "
		  "tcp-pickup on|off",
	  .usage = "--config conn-limit N | tcp-pickup on|off | "
		   "tun-source ADDRESS ...",
	  .run = l4lbadm_run_config },
	{ .long_name = "start-daemon", .is_cmd = true, .has_arg = true,
	  .id = CMD_START_DAEMON, .argname = "state",
	  .help = "start connection synchronization (master or backup)",
	  .allowed = OPT_SYNC,
	  .usage = "--start-daemon {master|backup} --mcast-interface "
		   "interface [--syncid sid]\n"
		   "        [--sync-maxlen length] [--mcast-group address] "
		   "[--mcast-port port]\n"
		   "        [--mcast-ttl ttl] [--sync-key-file file]",
	  .run = l4lbadm_run_daemon },
	{ .long_name = "stop-daemon", .is_cmd = true, .has_arg = true,
	  .id = CMD_STOP_DAEMON, .argname = "state",
	  .help = "stop connection synchronization (master or backup)",
	  .usage = "--stop-daemon {master|backup}",
	  .run = l4lbadm_run_daemon },
	{ .long_name = "version", .short_name = 'v', .is_cmd = true,
	  .id = CMD_VERSION, .help = "show l4lbadm and kernel module versions",
	  .usage = "--version", .run = l4lbadm_run_version },
	{ .long_name = "help", .short_name = 'h', .is_cmd = true,
	  .id = CMD_HELP, .help = "display this help message",
	  .usage = "-h", .run = l4lbadm_run_help },

	/* options */
	{ .long_name = "tcp-service", .short_name = 't', .has_arg = true,
	  .id = OPT_SERVICE, .value = IPPROTO_TCP, .argname = "service-address",
	  .help = "service-address is host:port or [IPv6]:port" },
	{ .long_name = "udp-service", .short_name = 'u', .has_arg = true,
	  .id = OPT_SERVICE, .value = IPPROTO_UDP, .argname = "service-address",
	  .help = "service-address is host:port or [IPv6]:port" },
	{ .long_name = "fwmark-service", .short_name = 'f', .has_arg = true,
	  .id = OPT_SERVICE, .value = 0, .argname = "fwmark",
	  .help = "fwmark is an integer greater than zero (the packet mark)" },
	{ .long_name = "ipv6", .short_name = '6', .id = OPT_IPV6,
	  .help = "with -f: an IPv6 firewall-mark service" },
	{ .long_name = "scheduler", .short_name = 's', .has_arg = true,
	  .id = OPT_SCHED, .argname = "scheduler",
	  .help = "one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh, "
		  "the default scheduler is wlc" },
	{ .long_name = "sched-flags", .short_name = 'b', .has_arg = true,
	  .id = OPT_SCHED_FLAGS, .argname = "sched-flags",
	  .help = "comma-separated: sh-fallback, sh-port, mh-fallback, "
		  "mh-port, flag-1..3" },
	{ .long_name = "mh-table-size", .has_arg = true, .id = OPT_MH_SIZE,
	  .argname = "prime",
	  .help = "mh: slots of the Maglev table (prime, default 65537)" },
	{ .long_name = "mh-key", .has_arg = true, .id = OPT_MH_KEY,
	  .argname = "hex",
	  .help = "mh: hash key, 32 hex digits (the same on every balancer)" },
	{ .long_name = "persistent", .short_name = 'p', .opt_arg = true,
	  .id = OPT_PERSIST, .argname = "timeout",
	  .help = "persistent service, timeout in seconds (default 300)" },
	{ .long_name = "netmask", .short_name = 'M', .has_arg = true,
	  .id = OPT_NETMASK, .argname = "netmask",
	  .help = "persistence granularity: IPv4 netmask or prefix length, "
		  "IPv6 prefix length" },
	{ .long_name = "pickup", .has_arg = true, .id = OPT_PICKUP,
	  .argname = "on|off",
	  .help = "schedule TCP flows met mid-way (default on for mh, "
		  "off for the others)" },
	{ .long_name = "real-server", .short_name = 'r', .has_arg = true,
	  .id = OPT_SERVER, .argname = "server-address",
	  .help = "server-address is host (and port), IPv6 in []" },
	{ .long_name = "gatewaying", .short_name = 'g', .id = OPT_FORWARD,
	  .value = L4LB_FWD_DR,
	  .help = "gatewaying (direct routing) (default)" },
	{ .long_name = "ipip", .short_name = 'i', .id = OPT_FORWARD,
	  .value = L4LB_FWD_TUN, .help = "ipip encapsulation (tunneling)" },
	{ .long_name = "masquerading", .short_name = 'm', .id = OPT_FORWARD,
	  .value = L4LB_FWD_NAT, .help = "masquerading (NAT)" },
	{ .long_name = "tun-type", .has_arg = true, .id = OPT_TUN_TYPE,
	  .argname = "type",
	  .help = "one of ipip|gue|gre, the default tunnel type is ipip" },
	{ .long_name = "tun-port", .has_arg = true, .id = OPT_TUN_PORT,
	  .argname = "port", .help = "tunnel destination port (gue)" },
	{ .long_name = "tun-nocsum", .id = OPT_TUN_CSUM, .value = 0,
	  .help = "tunnel encapsulation without checksum (default)" },
	{ .long_name = "tun-csum", .id = OPT_TUN_CSUM,
	  .value = L4LB_TUN_F_CSUM,
	  .help = "tunnel encapsulation with checksum" },
	{ .long_name = "tun-remcsum", .id = OPT_TUN_CSUM,
	  .value = L4LB_TUN_F_REMCSUM,
	  .help = "tunnel encapsulation with remote checksum (refused: "
		  "not supported by l4lb)" },
	{ .long_name = "weight", .short_name = 'w', .has_arg = true,
	  .id = OPT_WEIGHT, .argname = "weight",
	  .help = "capacity of real server (0..65535, default 1)" },
	{ .long_name = "u-threshold", .short_name = 'x', .has_arg = true,
	  .id = OPT_U_THRESH, .argname = "uthreshold",
	  .help = "upper connection threshold: at this many connections the "
		  "server gets no new ones (0: none, default)" },
	{ .long_name = "l-threshold", .short_name = 'y', .has_arg = true,
	  .id = OPT_L_THRESH, .argname = "lthreshold",
	  .help = "lower connection threshold: an overloaded server gets new "
		  "connections again below it (default 0: 3/4 of upper)" },
	{ .long_name = "ops", .short_name = 'o', .id = OPT_ONEPACKET,
	  .help = "one-packet scheduling: each UDP datagram scheduled on its "
		  "own, no connection entry (direct routing only)" },
	{ .long_name = "numeric", .short_name = 'n', .id = OPT_NUMERIC,
	  .help = "numeric output of addresses and ports" },
	{ .long_name = "json", .id = OPT_JSON,
	  .help = "list as one JSON document (see README.md)" },
	{ .long_name = "timeout", .id = OPT_TIMEOUT,
	  .help = "list the timeouts (tcp tcpfin udp)" },
	{ .long_name = "stats", .id = OPT_STATS,
	  .help = "output of statistics information" },
	{ .long_name = "rate", .id = OPT_RATE,
	  .help = "output of rate information" },
	{ .long_name = "exact", .id = OPT_EXACT,
	  .help = "expand numbers (display exact values)" },
	{ .long_name = "thresholds", .id = OPT_THRESHOLDS,
	  .help = "with -L: the servers' thresholds (Uthreshold, Lthreshold)" },
	{ .long_name = "sort", .id = OPT_SORT,
	  .help = "sort services and servers (the default, as ipvsadm)" },
	{ .long_name = "nosort", .id = OPT_NOSORT,
	  .help = "list in the kernel's order, unsorted" },
	{ .long_name = "health", .id = OPT_HEALTH,
	  .help = "with -L: a State column, Up, Down (by health check) or "
		  "Drain (weight 0)" },
	{ .long_name = "connection", .short_name = 'c', .id = OPT_CONN,
	  .help = "output of current connection entries (with -L)" },
	{ .long_name = "client", .has_arg = true, .id = OPT_CLIENT,
	  .argname = "address[:port]",
	  .help = "with -L -c: only this client's connections" },
	{ .long_name = "info", .id = OPT_INFO,
	  .help = "list module, connection table and drop counters" },
	{ .long_name = "daemon", .id = OPT_SYNC, .value = SYNC_DAEMON,
	  .help = "with -L: the sync daemons (with --stats, their counters)" },
	{ .long_name = "mcast-interface", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_IFN, .argname = "interface",
	  .help = "multicast interface for connection sync" },
	{ .long_name = "syncid", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_ID, .argname = "sid",
	  .help = "syncid for connection sync (0..255, default 0)" },
	{ .long_name = "sync-maxlen", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_MAXLEN, .argname = "length",
	  .help = "max sync message length (default from the MTU)" },
	{ .long_name = "mcast-group", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_GROUP, .argname = "address",
	  .help = "IPv4/IPv6 group (default 224.0.0.81)" },
	{ .long_name = "mcast-port", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_PORT, .argname = "port",
	  .help = "UDP port (default 8848)" },
	{ .long_name = "mcast-ttl", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_TTL, .argname = "ttl",
	  .help = "multicast TTL (default 1)" },
	{ .long_name = "sync-key-file", .has_arg = true, .id = OPT_SYNC,
	  .value = SYNC_KEY_FILE, .argname = "file",
	  .help = "shared key, 32 hex digits: sync messages carry a MAC" },
};

const size_t l4lbadm_table_len = sizeof(l4lbadm_table) /
				 sizeof(l4lbadm_table[0]);

static const struct l4lbadm_opt *opt_of_long(const char *name, size_t len)
{
	for (size_t i = 0; i < l4lbadm_table_len; i++) {
		const char *l = l4lbadm_table[i].long_name;

		if (l && strlen(l) == len && !strncmp(l, name, len))
			return &l4lbadm_table[i];
	}
	return NULL;
}

static const struct l4lbadm_opt *opt_of_short(int c)
{
	for (size_t i = 0; i < l4lbadm_table_len; i++)
		if (l4lbadm_table[i].short_name == c ||
		    (l4lbadm_table[i].alias && l4lbadm_table[i].alias == c))
			return &l4lbadm_table[i];
	return NULL;
}

/*
 * -h or --help anywhere on the command line, as users add it to the
 * command they want help with ("l4lbadm -A --help"): the usage, exit 0,
 * whatever else the line holds. An option's argument ("-s -h") and what
 * follows "--" do not count.
 */
static bool help_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct l4lbadm_opt *o;

		if (!strcmp(a, "--"))
			return false;
		if (a[0] != '-' || !a[1])
			continue;
		if (a[1] == '-') {
			size_t len = strcspn(a + 2, "=");

			o = opt_of_long(a + 2, len);
			if (o && o->id == CMD_HELP)
				return true;
			if (o && o->has_arg && !a[2 + len])
				i++;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			o = opt_of_short(*c);
			if (o && o->id == CMD_HELP)
				return true;
			if (o && o->has_arg) {
				if (!c[1])
					i++;
				break;
			}
		}
	}
	return false;
}

/* Parse, then dispatch through the table. Returns the exit status. */
int l4lbadm_main(int argc, char **argv)
{
	static char *list_argv[] = { "l4lbadm", "-L", NULL };
	struct l4lbadm_cmdline cl;
	int ret;

	/* No arguments: list, as ipvsadm does. */
	if (argc < 2) {
		argc = 2;
		argv = list_argv;
	}
	if (help_requested(argc, argv)) {
		l4lbadm_usage(stdout, "l4lbadm");
		return L4LBADM_EXIT_OK;
	}
	ret = l4lbadm_parse(argc, argv, &cl);
	if (ret) {
		fprintf(stderr, "l4lbadm: %s\n", cl.err);
		if (cl.hint)
			fprintf(stderr, "Try `l4lbadm -h' or 'l4lbadm --help' "
				"for more information.\n");
		return ret;
	}
	return cl.cmd->run(&cl);
}

#ifndef L4LBADM_NO_MAIN
int main(int argc, char **argv)
{
	return l4lbadm_main(argc, argv);
}
#endif
