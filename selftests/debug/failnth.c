// SPDX-License-Identifier: GPL-2.0
/*
 * failnth - send one l4lb config request with the Nth slab allocation of
 * its syscall failed, for the fail-nth sweep of selftests/tests/failslab.sh.
 *
 *   failnth N COMMAND ARGS...      (N = 0: no fault injected)
 *
 *   svc-add  tcp|udp VIP PORT SCHED      svc-edit tcp|udp VIP PORT SCHED
 *   svc-del  tcp|udp VIP PORT
 *   dest-add tcp|udp VIP PORT RIP RPORT WEIGHT   (direct routing)
 *   dest-edit tcp|udp VIP PORT RIP RPORT WEIGHT
 *   dest-down tcp|udp VIP PORT RIP RPORT   (marked down, as l4lbd does)
 *   dest-del tcp|udp VIP PORT RIP RPORT
 *   flush    zero     timeouts TCP TCP_FIN UDP
 *
 * /proc/thread-self/fail-nth counts every fault-injection point the task
 * passes after the write, so the socket is opened and the family resolved
 * first; only the request's sendmsg (which runs the genl handler and builds
 * the ACK) and the recvmsg of the ACK run armed. One line on stdout:
 *
 *   OUTCOME ERRNO injected=y|n
 *
 * OUTCOME is "ok" (ACK with error 0), "send-failed" (sendmsg failed: the
 * request never reached the handler), "nack" (the kernel answered with an
 * error) or "ack-lost" (the handler ran but its ACK could not be allocated:
 * recvmsg reports ENOBUFS, and the change may or may not have been made).
 * "injected" says whether the Nth fault point was reached. Exit 0, or 2 on
 * a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "api.h"

static void usage(const char *why)
{
	fprintf(stderr, "failnth: %s\nusage: failnth N COMMAND ARGS... (see failnth.c)\n",
		why);
	exit(2);
}

static unsigned long number(const char *word)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(word, &end, 10);
	if (errno || *end || end == word)
		usage(word);
	return v;
}

static void parse_addr(const char *word, struct in_addr *a)
{
	if (inet_pton(AF_INET, word, a) != 1)
		usage(word);
}

/* tcp|udp VIP PORT at argv[0..2]. */
static void parse_key(char **argv, struct l4lb_service *svc)
{
	if (!strcmp(argv[0], "tcp"))
		svc->protocol = IPPROTO_TCP;
	else if (!strcmp(argv[0], "udp"))
		svc->protocol = IPPROTO_UDP;
	else
		usage(argv[0]);
	parse_addr(argv[1], &svc->addr);
	svc->port = number(argv[2]);
}

/* RIP RPORT [WEIGHT] at argv[0..]. */
static void parse_dest(char **argv, bool weight, struct l4lb_dest *d)
{
	parse_addr(argv[0], &d->addr);
	d->port = number(argv[1]);
	d->set = L4LB_HAS_PORT;
	if (weight) {
		d->fwd = L4LB_FWD_DR;
		d->weight = number(argv[2]);
		d->set |= L4LB_HAS_FWD | L4LB_HAS_WEIGHT;
	}
}

static struct nlmsghdr *build(void *buf, uint16_t family, int argc,
			      char **argv)
{
	struct l4lb_service svc = { 0 };
	struct l4lb_dest d = { 0 };
	const char *cmd = argv[0];

	if (!strcmp(cmd, "flush") && argc == 1)
		return nl_genl_start(buf, family, L4LB_CMD_FLUSH,
				     L4LB_GENL_VERSION, 0);
	if (!strcmp(cmd, "zero") && argc == 1)
		return l4lb_build_service(buf, family, L4LB_CMD_ZERO, 0,
					  NULL, true);
	if (!strcmp(cmd, "timeouts") && argc == 4) {
		struct l4lb_timeouts t = {
			number(argv[1]), number(argv[2]), number(argv[3])
		};

		return l4lb_build_timeouts(buf, family, &t);
	}
	if (argc < 4)
		usage("missing arguments");
	parse_key(argv + 1, &svc);
	if ((!strcmp(cmd, "svc-add") || !strcmp(cmd, "svc-edit")) &&
	    argc == 5) {
		snprintf(svc.sched, sizeof(svc.sched), "%s", argv[4]);
		svc.set = L4LB_HAS_SCHED;
		return l4lb_build_service(buf, family, !strcmp(cmd, "svc-add") ?
					  L4LB_CMD_NEW_SERVICE :
					  L4LB_CMD_SET_SERVICE, 0, &svc, false);
	}
	if (!strcmp(cmd, "svc-del") && argc == 4)
		return l4lb_build_service(buf, family, L4LB_CMD_DEL_SERVICE, 0,
					  &svc, true);
	if ((!strcmp(cmd, "dest-add") || !strcmp(cmd, "dest-edit")) &&
	    argc == 7) {
		parse_dest(argv + 4, true, &d);
		return l4lb_build_dest(buf, family, !strcmp(cmd, "dest-add") ?
				       L4LB_CMD_NEW_DEST : L4LB_CMD_SET_DEST,
				       &svc, &d);
	}
	if (!strcmp(cmd, "dest-down") && argc == 6) {
		parse_dest(argv + 4, false, &d);
		d.flags = L4LB_DEST_F_DOWN;
		d.set |= L4LB_HAS_FLAGS;
		return l4lb_build_dest(buf, family, L4LB_CMD_SET_DEST, &svc,
				       &d);
	}
	if (!strcmp(cmd, "dest-del") && argc == 6) {
		parse_dest(argv + 4, false, &d);
		return l4lb_build_dest(buf, family, L4LB_CMD_DEL_DEST, &svc,
				       &d);
	}
	usage(cmd);
	return NULL;
}

/* Arm fail-nth; the caller reads it back with disarm(). */
static void arm(int fd, unsigned long n)
{
	char word[32];
	int len = snprintf(word, sizeof(word), "%lu", n);

	if (n && pwrite(fd, word, len, 0) != len) {
		perror("failnth: write fail-nth");
		exit(2);
	}
}

/* True when the armed fault was injected (fail-nth reads back 0). */
static bool disarm(int fd, unsigned long n)
{
	char word[32] = "";
	bool injected;

	if (!n)
		return false;
	if (pread(fd, word, sizeof(word) - 1, 0) < 0) {
		perror("failnth: read fail-nth");
		exit(2);
	}
	injected = atoi(word) == 0;
	if (pwrite(fd, "0", 1, 0) != 1) {
		perror("failnth: clear fail-nth");
		exit(2);
	}
	return injected;
}

int main(int argc, char **argv)
{
	char tx[NL_TX_BUFSIZE], rx[MNL_SOCKET_BUFFER_SIZE];
	const char *outcome = "ok";
	struct nlmsghdr *nlh;
	struct nl_ctx nl;
	unsigned long n;
	int fd, err = 0, ret;
	bool injected;
	ssize_t len;

	if (argc < 3)
		usage("missing arguments");
	n = number(argv[1]);
	ret = nl_open(&nl, L4LB_GENL_NAME);
	if (ret) {
		fprintf(stderr, "failnth: l4lb family: %s\n", strerror(-ret));
		return 2;
	}
	nlh = build(tx, nl.family, argc - 2, argv + 2);
	nlh->nlmsg_seq = ++nl.seq;
	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0 && n) {
		perror("failnth: /proc/thread-self/fail-nth");
		return 2;
	}

	arm(fd, n);
	if (mnl_socket_sendto(nl.sock, nlh, nlh->nlmsg_len) < 0) {
		err = errno;
		outcome = "send-failed";
		goto out;
	}
	do {
		len = mnl_socket_recvfrom(nl.sock, rx, sizeof(rx));
		if (len < 0) {
			err = errno;
			outcome = "ack-lost";
			goto out;
		}
		ret = mnl_cb_run(rx, len, nlh->nlmsg_seq, nl.portid, NULL,
				 NULL);
	} while (ret == MNL_CB_OK);
	if (ret < 0) {
		err = errno;
		outcome = "nack";
	}
out:
	injected = disarm(fd, n);
	printf("%s %s injected=%c\n", outcome, err ? strerrorname_np(err) : "0",
	       injected ? 'y' : 'n');
	nl_close(&nl);
	return 0;
}
