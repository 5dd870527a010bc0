// SPDX-License-Identifier: GPL-2.0
/*
 * l4lbfuzz: throw generated and damaged generic netlink messages at the
 * l4lb family, then drive dumps of a full table and abandon them midway.
 *
 *   l4lbfuzz [-s SEED] [-n COUNT] [-v] [-x INDEX]
 *   l4lbfuzz -P
 *
 * -s  seed (default fixed, printed either way); -n  generated messages
 * (default 100000; the dump phase adds ~5,000 more); -v  one line per
 * message; -x  print message INDEX of SEED as hex and exit (replay aid).
 * -P  privilege probe: one well-formed request per command (and per dump),
 * each must be refused with EPERM (tests/privileges.sh runs it as users
 * without CAP_NET_ADMIN over the netns).
 * Run it as root in a netns of its own: it flushes that netns's table.
 *
 * Checks, any failing means exit 1:
 *  - every message gets an answer: an ack or NLMSG_DONE within 5 s;
 *  - every refusal carries an errno and, unless the netlink core refused
 *    it before l4lb's policies ran (unknown command, wrong dump flag,
 *    header too short or reserved bits), an extack message;
 *  - every reply's attributes are well formed;
 *  - every 2,000 messages, GET_INFO answers and its counts of services
 *    and destinations match a full dump (and no connection exists);
 *  - the dump phase: 4,096 services (the limit, then ENOSPC), 256
 *    destinations on one (the limit, then ENOSPC), a complete dump from a
 *    fresh socket lists them all exactly once, dumps abandoned after 0..3
 *    reads, a dump that sees a change sets NLM_F_DUMP_INTR, a second dump
 *    on a busy socket is refused, and the final flush empties the netns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/l4lb.h>
#include "gen.h"
#include "genl.h"

#define DEFAULT_SEED	0x4c344c42u	/* "L4LB" */
#define CHECK_EVERY	2000
#define MAX_REPORTED	20
#define SVC_LIMIT	16384	/* L4LB_SVC_MAX_PER_NET */
#define DEST_LIMIT	256

static unsigned long long sent, accepted, rejected, with_extack,
	core_no_extack, problems;
static unsigned long errno_count[256];
static unsigned long no_extack_by_cmd[256][2];	/* [cmd][dump] */
static int verbose;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void problem(const char *fmt, ...)
{
	va_list ap;

	if (problems++ < MAX_REPORTED) {
		va_start(ap, fmt);
		printf("FAIL: ");
		vprintf(fmt, ap);
		printf("\n");
		va_end(ap);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Book-keeping shared by every exchange. */
static void account(const struct gnl_result *res)
{
	sent++;
	if (res->error == 0) {
		accepted++;
		return;
	}
	rejected++;
	if (-res->error > 0 && -res->error < 256)
		errno_count[-res->error]++;
	if (res->has_extack)
		with_extack++;
}

/* ---- GET_INFO and full dumps, for the consistency checks ---- */

struct info {
	uint32_t services, dests, conns;
	bool seen;
};

static void info_cb(const struct nlmsghdr *nlh, void *data)
{
	struct info *info = data;
	const struct nlattr *top, *a;

	mnl_attr_for_each(top, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(top) != L4LB_A_INFO)
			continue;
		info->seen = true;
		mnl_attr_for_each_nested(a, top) {
			if (mnl_attr_get_payload_len(a) != 4)
				continue;
			switch (mnl_attr_get_type(a)) {
			case L4LB_INFO_A_SERVICES:
				info->services = mnl_attr_get_u32(a);
				break;
			case L4LB_INFO_A_DESTS:
				info->dests = mnl_attr_get_u32(a);
				break;
			case L4LB_INFO_A_CONN_COUNT:
				info->conns = mnl_attr_get_u32(a);
				break;
			}
		}
	}
}

static int get_info(struct gnl *g, struct info *info)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct gnl_result res;
	int err;

	memset(info, 0, sizeof(*info));
	err = gnl_talk(g, gnl_put_header(g, buf, L4LB_CMD_GET_INFO,
					 NLM_F_REQUEST | NLM_F_ACK),
		       &res, info_cb, info);
	account(&res);
	if (err || res.error || !info->seen) {
		problem("GET_INFO: %s", strerror(err ? -err :
						 res.error ? -res.error : EBADMSG));
		return -1;
	}
	return 0;
}

struct listing {
	unsigned long services, dests, without_dests;
	/* A service too big for one message continues in the next. */
	uint8_t last_key[12];
	size_t last_len;
};

/* The service's key attributes, concatenated; true if as the last one. */
static bool same_service(struct listing *l, const struct nlattr *top)
{
	uint8_t key[12];
	size_t len = 0;
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, top) {
		uint16_t t = mnl_attr_get_type(a);
		uint16_t n = mnl_attr_get_payload_len(a);

		if ((t == L4LB_SVC_A_PROTOCOL || t == L4LB_SVC_A_ADDR ||
		     t == L4LB_SVC_A_PORT) && len + n <= sizeof(key)) {
			memcpy(key + len, mnl_attr_get_payload(a), n);
			len += n;
		}
	}
	if (len == l->last_len && !memcmp(key, l->last_key, len))
		return true;
	memcpy(l->last_key, key, len);
	l->last_len = len;
	return false;
}

static void listing_cb(const struct nlmsghdr *nlh, void *data)
{
	struct listing *l = data;
	const struct nlattr *top, *a, *d;

	mnl_attr_for_each(top, nlh, sizeof(struct genlmsghdr)) {
		bool has_dests = false;

		if (mnl_attr_get_type(top) != L4LB_A_SERVICE)
			continue;
		if (!same_service(l, top))
			l->services++;
		mnl_attr_for_each_nested(a, top) {
			if (mnl_attr_get_type(a) != L4LB_SVC_A_DESTS)
				continue;
			has_dests = true;
			mnl_attr_for_each_nested(d, a)
				l->dests++;
		}
		if (!has_dests)
			l->without_dests++;
	}
}

static struct nlmsghdr *dump_request(struct gnl *g, void *buf)
{
	struct nlmsghdr *nlh = gnl_put_header(g, buf, L4LB_CMD_GET_SERVICE,
					      NLM_F_REQUEST | NLM_F_ACK |
					      NLM_F_DUMP);

	mnl_attr_put(nlh, L4LB_A_WITH_DESTS, 0, NULL);
	return nlh;
}

static int list_all(struct gnl *g, struct listing *l, struct gnl_result *res)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	memset(l, 0, sizeof(*l));
	err = gnl_talk(g, dump_request(g, buf), res, listing_cb, l);
	account(res);
	if (err || res->error) {
		problem("service dump: %s%s%s",
			strerror(err ? -err : -res->error),
			res->has_extack ? ": " : "", res->extack);
		return -1;
	}
	return 0;
}

/* GET_INFO agrees with a dump; no connections (no traffic here). */
static void check_consistent(struct gnl *g, const char *when)
{
	struct gnl_result res;
	struct listing l;
	struct info info;

	if (get_info(g, &info) || list_all(g, &l, &res))
		return;
	if (res.dump_intr)
		return;	/* nothing else changes the table: cannot happen */
	if (info.services != l.services || info.dests != l.dests ||
	    info.conns != 0 || l.without_dests)
		problem("%s: GET_INFO says %u services, %u dests, %u conns; the dump has %lu, %lu (%lu without dests)",
			when, info.services, info.dests, info.conns,
			l.services, l.dests, l.without_dests);
}

/* ---- phase 1: generated messages ---- */

static void hexdump(const struct nlmsghdr *nlh)
{
	const unsigned char *p = (const void *)nlh;
	uint32_t i;

	for (i = 0; i < nlh->nlmsg_len; i++)
		printf("%02x%s", p[i], (i % 16 == 15) ? "\n" : " ");
	printf("\n");
}

static void fuzz_one(struct gnl *g, uint64_t seed, uint64_t index)
{
	static char buf[GEN_BUF_SIZE];
	struct gnl_result res;
	struct gen_msg m;
	struct rng r;
	int err;

	rng_seed(&r, seed, index);
	gen_message(&r, g->family, buf, &m);
	err = gnl_talk(g, m.nlh, &res, NULL, NULL);
	if (err) {
		sent++;
		problem("message %" PRIu64 " (cmd %u, %s): no answer: %s",
			index, m.cmd, m.kind, strerror(-err));
		return;
	}
	account(&res);
	if (verbose)
		printf("%" PRIu64 " cmd %u%s %s: %d%s%s\n", index, m.cmd,
		       m.dump ? " dump" : "", m.kind, res.error,
		       res.has_extack ? " " : "", res.extack);
	if (res.error > 0)
		problem("message %" PRIu64 ": positive error %d", index,
			res.error);
	if (res.malformed)
		problem("message %" PRIu64 " (cmd %u, %s): malformed reply",
			index, m.cmd, m.kind);
	if (res.error < 0 && !res.has_extack) {
		if (m.core_reject)
			core_no_extack++;
		else if (no_extack_by_cmd[m.cmd][m.dump]++ < 3)
			problem("message %" PRIu64 " (cmd %u%s, %s): %s without an extack message",
				index, m.cmd, m.dump ? " dump" : "", m.kind,
				strerror(-res.error));
	}
}

/* ---- phase 2: a full table, its dumps, abandoned dumps ---- */

static int expect(struct gnl *g, struct nlmsghdr *nlh, int want,
		  const char *what)
{
	struct gnl_result res;
	int err = gnl_talk(g, nlh, &res, NULL, NULL);

	account(&res);
	if (err) {
		problem("%s: no answer: %s", what, strerror(-err));
		return -1;
	}
	if (res.error != want) {
		problem("%s: got %s, want %s", what,
			res.error ? strerror(-res.error) : "success",
			want ? strerror(-want) : "success");
		return -1;
	}
	if (want && !res.has_extack) {
		problem("%s: %s without an extack message", what,
			strerror(-want));
		return -1;
	}
	return 0;
}

static struct nlmsghdr *svc_msg(struct gnl *g, void *buf, uint8_t cmd,
				uint32_t n)
{
	struct nlmsghdr *nlh = gnl_put_header(g, buf, cmd,
					      NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *nest = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);

	mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, IPPROTO_TCP);
	mnl_attr_put_u32(nlh, L4LB_SVC_A_ADDR, htonl(0x0a020000 + n));
	mnl_attr_put_u16(nlh, L4LB_SVC_A_PORT, htons(80));
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static struct nlmsghdr *dest_msg(struct gnl *g, void *buf, uint32_t n)
{
	struct nlmsghdr *nlh = svc_msg(g, buf, L4LB_CMD_NEW_DEST, 1);
	struct nlattr *nest = mnl_attr_nest_start(nlh, L4LB_A_DEST);

	mnl_attr_put_u32(nlh, L4LB_DEST_A_ADDR, htonl(0x0a030001 + n));
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* Dests of service @n by GET_DEST, if the service dump left them out. */
static unsigned long dest_dump_count(struct gnl *g, uint32_t n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct gnl_result res;
	struct nlmsghdr *nlh;

	nlh = svc_msg(g, buf, L4LB_CMD_GET_DEST, n);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (gnl_talk(g, nlh, &res, NULL, NULL) || res.error) {
		problem("GET_DEST dump of service %u: %d", n, res.error);
		return 0;
	}
	account(&res);
	return res.replies;
}

static void flush(struct gnl *g)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	expect(g, gnl_put_header(g, buf, L4LB_CMD_FLUSH,
				 NLM_F_REQUEST | NLM_F_ACK), 0, "FLUSH");
}

/* Start a dump on a fresh socket and leave after @reads reads. */
static void abandon_dump(struct gnl *g, unsigned int reads, bool dests)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct gnl d;
	unsigned int i;

	if (gnl_open(&d, 5, g->family)) {
		problem("abandoned dump: no socket");
		return;
	}
	nlh = gnl_put_header(&d, buf, L4LB_CMD_GET_SERVICE,
			     NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
	if (dests)
		mnl_attr_put(nlh, L4LB_A_WITH_DESTS, 0, NULL);
	if (gnl_send(&d, nlh))
		problem("abandoned dump: send: %s", strerror(errno));
	sent++;
	for (i = 0; i < reads; i++)
		if (mnl_socket_recvfrom(d.sock, d.rx, GNL_RX_SIZE) < 0)
			problem("abandoned dump: read %u: %s", i, strerror(errno));
	gnl_close(&d);
}

static void dump_phase(struct gnl *g)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct gnl_result res;
	struct listing l;
	struct info info;
	struct gnl d;
	uint32_t n;
	unsigned int i;

	flush(g);
	expect(g, svc_msg(g, buf, L4LB_CMD_NEW_SERVICE, 1), 0,
	       "the service for many dests");
	for (n = 0; n < DEST_LIMIT; n++)
		if (expect(g, dest_msg(g, buf, n), 0, "filling a service's dests"))
			return;
	expect(g, dest_msg(g, buf, DEST_LIMIT), -ENOSPC,
	       "destination beyond the limit");
	/*
	 * From a socket that has never received, the kernel sizes the first
	 * dump buffer at NLMSG_GOODSIZE: smaller than this service with its
	 * 256 dests. It must come anyway, with its dests or without the
	 * L4LB_SVC_A_DESTS nest (then GET_DEST lists them).
	 */
	if (gnl_open(&d, 5, g->family) == 0) {
		if (list_all(&d, &l, &res) == 0 &&
		    (l.services != 1 || l.dests + (l.without_dests ? dest_dump_count(&d, 1) : 0) != DEST_LIMIT))
			problem("dump of a service with %u dests (fresh socket): %lu services, %lu dests nested",
				DEST_LIMIT, l.services, l.dests);
		gnl_close(&d);
	}
	for (n = 2; n <= SVC_LIMIT; n++)
		if (expect(g, svc_msg(g, buf, L4LB_CMD_NEW_SERVICE, n), 0,
			   "filling the service table"))
			return;
	expect(g, svc_msg(g, buf, L4LB_CMD_NEW_SERVICE, SVC_LIMIT + 1),
	       -ENOSPC, "service beyond the limit");
	if (list_all(g, &l, &res) == 0 &&
	    (l.services != SVC_LIMIT ||
	     l.dests + (l.without_dests ? dest_dump_count(g, 1) : 0) != DEST_LIMIT))
		problem("full dump: %lu services, %lu dests; want %u, %u",
			l.services, l.dests, SVC_LIMIT, DEST_LIMIT);

	for (i = 0; i < 60; i++)
		abandon_dump(g, i % 4, i % 2);
	if (get_info(g, &info) == 0 && info.services != SVC_LIMIT)
		problem("after abandoned dumps: %u services", info.services);

	/* A change between two reads of a dump must be flagged. */
	if (gnl_open(&d, 5, g->family) == 0) {
		gnl_send(&d, dump_request(&d, buf));
		if (mnl_socket_recvfrom(d.sock, d.rx, GNL_RX_SIZE) < 0)
			problem("interrupted dump: first read: %s", strerror(errno));
		expect(g, svc_msg(g, buf, L4LB_CMD_DEL_SERVICE, SVC_LIMIT), 0,
		       "delete during a dump");
		expect(g, svc_msg(g, buf, L4LB_CMD_NEW_SERVICE, SVC_LIMIT), 0,
		       "add during a dump");
		if (gnl_recv(&d, &res, NULL, NULL) || res.error)
			problem("interrupted dump: did not finish cleanly");
		else if (!res.dump_intr)
			problem("dump across a change: no NLM_F_DUMP_INTR");
		account(&res);
		/* A second dump on a socket whose dump is running: EBUSY. */
		gnl_send(&d, dump_request(&d, buf));
		if (mnl_socket_recvfrom(d.sock, d.rx, GNL_RX_SIZE) < 0)
			problem("busy dump: first read: %s", strerror(errno));
		if (gnl_talk(&d, dump_request(&d, buf), &res, NULL, NULL) ||
		    res.error != -EBUSY)
			problem("second dump on a busy socket: %d, want EBUSY",
				res.error);
		account(&res);
		gnl_close(&d);
	}
	flush(g);
	if (get_info(g, &info) == 0 &&
	    (info.services || info.dests || info.conns))
		problem("after FLUSH: %u services, %u dests, %u conns",
			info.services, info.dests, info.conns);
}

static int probe_one(struct gnl *g, uint8_t cmd, bool dump)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct gnl_result res;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int err;

	nlh = svc_msg(g, buf, cmd, 1);
	if (dump)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (cmd == L4LB_CMD_NEW_DEST || cmd == L4LB_CMD_SET_DEST ||
	    cmd == L4LB_CMD_DEL_DEST) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_DEST);
		mnl_attr_put_u32(nlh, L4LB_DEST_A_ADDR, htonl(0x0a030001));
		mnl_attr_nest_end(nlh, nest);
	} else if (cmd == L4LB_CMD_SET_TIMEOUTS) {
		nest = mnl_attr_nest_start(nlh, L4LB_A_TIMEOUTS);
		mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_TCP, 5);
		mnl_attr_nest_end(nlh, nest);
	}
	err = gnl_talk(g, nlh, &res, NULL, NULL);
	if (!err)
		err = res.error;
	printf("l4lbfuzz: command %u%s: %s%s\n", cmd, dump ? " (dump)" : "",
	       err ? strerrorname_np(-err) : "accepted",
	       res.replies ? ", with a reply" : "");
	return err == -EPERM && !res.replies ? 0 : 1;
}

/* Every command, doit and dump, must be refused with EPERM. */
static int probe_privileges(void)
{
	unsigned int bad = 0;
	struct gnl g;
	uint8_t cmd;
	int err;

	err = gnl_open(&g, 5, 0);
	if (err) {
		printf("FAIL: family \"%s\": %s\n", L4LB_GENL_NAME, strerror(-err));
		return 1;
	}
	for (cmd = L4LB_CMD_GET_INFO; cmd <= L4LB_CMD_MAX; cmd++) {
		if (cmd != L4LB_CMD_GET_DEST && cmd != L4LB_CMD_GET_CONN)
			bad += probe_one(&g, cmd, false);
		if (cmd == L4LB_CMD_GET_SERVICE || cmd == L4LB_CMD_GET_DEST ||
		    cmd == L4LB_CMD_GET_CONN)
			bad += probe_one(&g, cmd, true);
	}
	gnl_close(&g);
	printf("l4lbfuzz: %s: %u requests not refused with EPERM\n",
	       bad ? "FAIL" : "PASS", bad);
	return bad ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: l4lbfuzz [-s SEED] [-n COUNT] [-v] [-x INDEX] | -P\n");
	exit(2);
}

static void print_errnos(void)
{
	int e;

	printf("l4lbfuzz: errnos:");
	for (e = 1; e < 256; e++)
		if (errno_count[e])
			printf(" %s %lu", strerrorname_np(e) ? strerrorname_np(e) : "?",
			       errno_count[e]);
	printf("\n");
}

int main(int argc, char **argv)
{
	uint64_t seed = DEFAULT_SEED, count = 100000, i, show = UINT64_MAX;
	unsigned long long generated;
	double t0, t1;
	struct gnl g;
	bool probe = false;
	int opt, err;

	while ((opt = getopt(argc, argv, "s:n:vx:P")) != -1) {
		char *end;

		switch (opt) {
		case 's':
			seed = strtoull(optarg, &end, 0);
			break;
		case 'n':
			count = strtoull(optarg, &end, 0);
			break;
		case 'x':
			show = strtoull(optarg, &end, 0);
			break;
		case 'v':
			verbose = 1;
			continue;
		case 'P':
			probe = true;
			continue;
		default:
			usage();
		}
		if (*end || !*optarg)
			usage();
	}
	if (optind != argc)
		usage();
	if (probe)
		return probe_privileges();

	if (show != UINT64_MAX) {
		static char buf[GEN_BUF_SIZE];
		struct gen_msg m;
		struct rng r;

		rng_seed(&r, seed, show);
		gen_message(&r, 0, buf, &m);
		printf("message %" PRIu64 " of seed %#" PRIx64 ": cmd %u%s, %s\n",
		       show, seed, m.cmd, m.dump ? " dump" : "", m.kind);
		hexdump(m.nlh);
		return 0;
	}

	printf("l4lbfuzz: seed %#" PRIx64 ", %" PRIu64 " messages (replay: l4lbfuzz -s %#" PRIx64 " -n %" PRIu64 ")\n",
	       seed, count, seed, count);
	fflush(stdout);
	err = gnl_open(&g, 5, 0);
	if (err) {
		printf("FAIL: family \"%s\": %s\n", L4LB_GENL_NAME, strerror(-err));
		return 1;
	}
	flush(&g);
	t0 = now();
	for (i = 0; i < count; i++) {
		fuzz_one(&g, seed, i);
		if ((i + 1) % CHECK_EVERY == 0) {
			char when[48];

			snprintf(when, sizeof(when), "after message %" PRIu64, i);
			check_consistent(&g, when);
		}
	}
	t1 = now();
	generated = sent;
	printf("l4lbfuzz: %llu generated messages in %.1f s (%.0f/s)\n",
	       generated, t1 - t0, generated / (t1 - t0));
	check_consistent(&g, "after the generated messages");
	dump_phase(&g);
	check_consistent(&g, "at the end");
	gnl_close(&g);

	printf("l4lbfuzz: %llu messages in all in %.1f s; accepted %llu, rejected %llu (with an extack message %llu, by the netlink core without one %llu)\n",
	       sent, now() - t0, accepted, rejected, with_extack, core_no_extack);
	print_errnos();
	for (i = 0; i < 256; i++)
		for (int d = 0; d < 2; d++)
			if (no_extack_by_cmd[i][d]) {
				problems++;
				printf("FAIL: command %" PRIu64 "%s: %lu refusals without an extack message\n",
				       i, d ? " (dump)" : "", no_extack_by_cmd[i][d]);
			}
	if (problems) {
		printf("l4lbfuzz: FAIL: %llu problems (seed %#" PRIx64 ")\n",
		       problems, seed);
		return 1;
	}
	printf("l4lbfuzz: PASS\n");
	return 0;
}
