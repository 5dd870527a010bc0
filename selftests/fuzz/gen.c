// SPDX-License-Identifier: GPL-2.0
/*
 * Message generator of the l4lb netlink fuzzer. A message is built like a
 * real request for a random command, aimed at a small pool of services and
 * destinations so that creates, edits and deletes meet each other, and
 * then damaged on the way: values out of range, attributes missing,
 * duplicated, of the wrong length or type, strings unterminated or too
 * long, nests full of garbage, unknown attribute types and flag bits,
 * flipped bytes, truncation, wrong commands and header fields.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/l4lb.h>
#include "gen.h"

/* splitmix64: one independent stream per (seed, index). */
void rng_seed(struct rng *r, uint64_t seed, uint64_t index)
{
	r->s = seed ^ (index * 0x9e3779b97f4a7c15ULL);
	rng_next(r);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

bool rng_chance(struct rng *r, unsigned int percent)
{
	return rng_below(r, 100) < percent;
}

struct gctx {
	struct rng *r;
	struct nlmsghdr *nlh;
	struct gen_msg *m;
	unsigned int mut;	/* percent chance of damage per attribute */
	uint16_t svc_port;	/* the service port chosen, for dest ports */
};

static void note(struct gctx *c, const char *what)
{
	size_t used = strlen(c->m->kind);

	if (used + strlen(what) + 2 < sizeof(c->m->kind))
		snprintf(c->m->kind + used, sizeof(c->m->kind) - used, "%s%s",
			 used ? "," : "", what);
}

static void random_bytes(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len--)
		*p++ = (unsigned char)rng_next(r);
}

/* Random attributes, nested to a random depth: nested garbage. */
static void put_garbage(struct gctx *c, unsigned int depth)
{
	unsigned int i, n = 1 + rng_below(c->r, 4);
	unsigned char junk[64];

	for (i = 0; i < n; i++) {
		/* Bounded: half the buffer, whatever the dice say. */
		if (c->nlh->nlmsg_len > GEN_BUF_SIZE / 2)
			return;
		uint16_t type = (uint16_t)rng_below(c->r, 12);

		if (depth < 8 && rng_chance(c->r, 40)) {
			struct nlattr *nest = mnl_attr_nest_start(c->nlh, type);

			put_garbage(c, depth + 1);
			mnl_attr_nest_end(c->nlh, nest);
		} else {
			size_t len = rng_below(c->r, sizeof(junk));

			random_bytes(c->r, junk, len);
			mnl_attr_put(c->nlh, type, len, junk);
		}
	}
}

/* One scalar attribute, maybe damaged. */
static void put_attr(struct gctx *c, uint16_t type, const void *data,
		     uint16_t len)
{
	unsigned char junk[16];

	if (rng_chance(c->r, c->mut)) {
		switch (rng_below(c->r, 6)) {
		case 0:
			note(c, "missing");
			return;
		case 1:
			note(c, "duplicate");
			mnl_attr_put(c->nlh, type, len, data);
			random_bytes(c->r, junk, len);
			mnl_attr_put(c->nlh, type, len, junk);
			return;
		case 2:
			note(c, "length");
			len = (uint16_t)rng_below(c->r, 10);
			random_bytes(c->r, junk, len);
			mnl_attr_put(c->nlh, type, len, junk);
			return;
		case 3:
			note(c, "type");
			type = (uint16_t)rng_below(c->r, 16);
			break;
		case 4:
			note(c, "nla-flags");
			type |= rng_chance(c->r, 50) ? NLA_F_NESTED :
						       NLA_F_NET_BYTEORDER;
			break;
		default:
			note(c, "nested-garbage");
			{
				struct nlattr *nest;

				nest = mnl_attr_nest_start(c->nlh, type);
				put_garbage(c, 0);
				mnl_attr_nest_end(c->nlh, nest);
			}
			return;
		}
	}
	mnl_attr_put(c->nlh, type, len, data);
}

static void put_u8(struct gctx *c, uint16_t type, uint8_t v)
{
	put_attr(c, type, &v, sizeof(v));
}

static void put_u16(struct gctx *c, uint16_t type, uint16_t v)
{
	put_attr(c, type, &v, sizeof(v));
}

static void put_u32(struct gctx *c, uint16_t type, uint32_t v)
{
	put_attr(c, type, &v, sizeof(v));
}

/*
 * Start a nest, or put a damaged one in its place and return NULL (then
 * the caller adds nothing to it).
 */
static struct nlattr *nest_start(struct gctx *c, uint16_t type)
{
	struct nlattr *nest;

	if (rng_chance(c->r, c->mut / 3)) {
		switch (rng_below(c->r, 3)) {
		case 0:
			note(c, "nest-garbage");
			nest = mnl_attr_nest_start(c->nlh, type);
			put_garbage(c, 0);
			mnl_attr_nest_end(c->nlh, nest);
			return NULL;
		case 1:
			note(c, "nest-scalar");
			mnl_attr_put_u32(c->nlh, type, (uint32_t)rng_next(c->r));
			return NULL;
		default:
			note(c, "nest-empty");
			nest = mnl_attr_nest_start(c->nlh, type);
			mnl_attr_nest_end(c->nlh, nest);
			return NULL;
		}
	}
	nest = mnl_attr_nest_start(c->nlh, type);
	if (rng_chance(c->r, c->mut / 4)) {
		note(c, "no-NLA_F_NESTED");
		nest->nla_type &= ~NLA_F_NESTED;
	}
	return nest;
}

/* Mostly values from the pool; sometimes boundaries and nonsense. */
static uint8_t pick_proto(struct gctx *c)
{
	static const uint8_t odd[] = { 0, 1, 58, 132, 255 };

	if (rng_chance(c->r, 90))
		return rng_chance(c->r, 50) ? IPPROTO_TCP : IPPROTO_UDP;
	note(c, "protocol");
	return odd[rng_below(c->r, sizeof(odd))];
}

static uint32_t pick_addr(struct gctx *c, unsigned int net, unsigned int n)
{
	static const uint32_t odd[] = { 0, 0xe0000001, 0xffffffff, 0x7f000001,
					0x0a0000ff, 0xefffffff };

	if (rng_chance(c->r, 92))
		return htonl(0x0a000000 | net << 8 | (1 + rng_below(c->r, n)));
	note(c, "address");
	if (rng_chance(c->r, 20))
		return (uint32_t)rng_next(c->r);
	return htonl(odd[rng_below(c->r, sizeof(odd) / sizeof(odd[0]))]);
}

static uint16_t pick_port(struct gctx *c)
{
	if (rng_chance(c->r, 92))
		return htons((uint16_t)(80 + rng_below(c->r, GEN_PORTS)));
	note(c, "port");
	switch (rng_below(c->r, 3)) {
	case 0:
		return 0;
	case 1:
		return 0xffff;
	default:
		return (uint16_t)rng_next(c->r);
	}
}

static uint32_t pick_weight(struct gctx *c)
{
	static const uint32_t odd[] = { L4LB_WEIGHT_MAX, L4LB_WEIGHT_MAX + 1,
					0x7fffffff, 0x80000000, 0xffffffff };

	if (rng_chance(c->r, 85))
		return rng_below(c->r, 4);
	note(c, "weight");
	if (rng_chance(c->r, 20))
		return (uint32_t)rng_next(c->r);
	return odd[rng_below(c->r, sizeof(odd) / sizeof(odd[0]))];
}

static uint8_t pick_fwd(struct gctx *c)
{
	static const uint8_t odd[] = { 0, L4LB_FWD_NAT, L4LB_FWD_MAX + 1, 255 };

	if (rng_chance(c->r, 85))
		return L4LB_FWD_DR;
	note(c, "fwd");
	return odd[rng_below(c->r, sizeof(odd))];
}

static uint32_t pick_flags(struct gctx *c)
{
	if (rng_chance(c->r, 85))
		return 0;
	note(c, "flag-bits");
	switch (rng_below(c->r, 3)) {
	case 0:
		return 1;
	case 1:
		return 0x80000000;
	default:
		return (uint32_t)rng_next(c->r);
	}
}

static uint32_t pick_timeout(struct gctx *c)
{
	static const uint32_t odd[] = { 0, 1, L4LB_TIMEOUT_MAX,
					L4LB_TIMEOUT_MAX + 1, 0x80000000,
					0xffffffff };

	if (rng_chance(c->r, 60))
		return 30 + rng_below(c->r, 900);
	note(c, "timeout");
	return odd[rng_below(c->r, sizeof(odd) / sizeof(odd[0]))];
}

/* The mh table size (primes, non-primes, bounds) and key (lengths). */
static void put_mh(struct gctx *c)
{
	static const uint32_t sizes[] = {
		L4LB_MH_TABLE_SIZE_DEFAULT, L4LB_MH_TABLE_SIZE_MIN,
		L4LB_MH_TABLE_SIZE_MAX, 251, 65536, 0, 1, 2,
		L4LB_MH_TABLE_SIZE_MIN - 1, L4LB_MH_TABLE_SIZE_MAX + 1,
		0xffffffff, 1000003,
	};
	uint8_t key[L4LB_MH_KEY_LEN + 2];

	if (rng_chance(c->r, 70)) {
		note(c, "mh-size");
		put_u32(c, L4LB_SVC_A_MH_TABLE_SIZE,
			sizes[rng_below(c->r, sizeof(sizes) / sizeof(sizes[0]))]);
	}
	if (rng_chance(c->r, 50)) {
		note(c, "mh-key");
		random_bytes(c->r, key, sizeof(key));
		mnl_attr_put(c->nlh, L4LB_SVC_A_MH_KEY,
			     rng_chance(c->r, 80) ? L4LB_MH_KEY_LEN :
			     rng_below(c->r, sizeof(key) + 1), key);
	}
}

static void put_sched(struct gctx *c)
{
	static const char *const names[] = {
		"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh",
		"mh", "lblc", "lblcr",
	};
	char s[4100];
	uint16_t len;

	if (rng_chance(c->r, 80)) {
		strcpy(s, names[rng_below(c->r, sizeof(names) / sizeof(names[0]))]);
		put_attr(c, L4LB_SVC_A_SCHED, s, (uint16_t)(strlen(s) + 1));
		return;
	}
	switch (rng_below(c->r, 7)) {
	case 0:
		note(c, "string-unterminated");
		mnl_attr_put(c->nlh, L4LB_SVC_A_SCHED, 3, "wrr");
		return;
	case 1:
		note(c, "string-empty");
		mnl_attr_put(c->nlh, L4LB_SVC_A_SCHED, 0, "");
		return;
	case 2:	/* around L4LB_SCHED_NAME_MAX */
		note(c, "string-edge");
		len = (uint16_t)(L4LB_SCHED_NAME_MAX - 2 + rng_below(c->r, 4));
		memset(s, 'w', len);
		s[len] = '\0';
		mnl_attr_put(c->nlh, L4LB_SVC_A_SCHED, len + 1u, s);
		return;
	case 3:
		note(c, "string-oversized");
		len = (uint16_t)(100 + rng_below(c->r, 4000));
		memset(s, 'r', len);
		s[len] = '\0';
		mnl_attr_put(c->nlh, L4LB_SVC_A_SCHED, len + 1u, s);
		return;
	case 4:
		note(c, "string-embedded-nul");
		mnl_attr_put(c->nlh, L4LB_SVC_A_SCHED, 7, "rr\0wrr");
		return;
	case 5:
		note(c, "string-unknown");
		mnl_attr_put_strz(c->nlh, L4LB_SVC_A_SCHED,
				  rng_chance(c->r, 50) ? "twos" : "RR");
		return;
	default:
		note(c, "string-random");
		len = (uint16_t)rng_below(c->r, 40);
		random_bytes(c->r, s, len);
		mnl_attr_put(c->nlh, L4LB_SVC_A_SCHED, len, s);
		return;
	}
}

/* Output-only or unknown attribute types inside a nest. */
static void put_stray(struct gctx *c, uint16_t max, const uint16_t *out_only,
		      unsigned int n_out)
{
	if (rng_chance(c->r, 3) && n_out) {
		note(c, "output-only");
		mnl_attr_put_u32(c->nlh, out_only[rng_below(c->r, n_out)], 0);
	}
	if (rng_chance(c->r, 3)) {
		note(c, "unknown-attr");
		mnl_attr_put_u32(c->nlh, (uint16_t)(max + 1 + rng_below(c->r, 8)),
				 (uint32_t)rng_next(c->r));
	}
}

static void put_service(struct gctx *c, bool full)
{
	static const uint16_t out_only[] = { L4LB_SVC_A_STATS,
					     L4LB_SVC_A_DESTS };
	struct nlattr *nest = nest_start(c, L4LB_A_SERVICE);

	c->svc_port = pick_port(c);
	if (!nest)
		return;
	put_u8(c, L4LB_SVC_A_PROTOCOL, pick_proto(c));
	put_u32(c, L4LB_SVC_A_ADDR, pick_addr(c, 0, GEN_VIPS));
	put_u16(c, L4LB_SVC_A_PORT, c->svc_port);
	if (full && rng_chance(c->r, 60))
		put_sched(c);
	if (full && rng_chance(c->r, 30))
		put_u32(c, L4LB_SVC_A_FLAGS, pick_flags(c));
	if (full && rng_chance(c->r, 20))
		put_u32(c, L4LB_SVC_A_SCHED_FLAGS,
			rng_chance(c->r, 80) ?
			rng_below(c->r, L4LB_SVC_SCHED_F_ALL + 1) :
			pick_flags(c));
	if (full && rng_chance(c->r, 10))
		put_mh(c);
	put_stray(c, L4LB_SVC_A_MAX, out_only, 2);
	mnl_attr_nest_end(c->nlh, nest);
}

static void put_dest(struct gctx *c, bool full)
{
	static const uint16_t out_only[] = { L4LB_DEST_A_ACTIVE_CONNS,
					     L4LB_DEST_A_INACTIVE_CONNS,
					     L4LB_DEST_A_STATS };
	struct nlattr *nest = nest_start(c, L4LB_A_DEST);

	if (!nest)
		return;
	put_u32(c, L4LB_DEST_A_ADDR, pick_addr(c, 1, GEN_RIPS));
	if (rng_chance(c->r, 30))
		put_u16(c, L4LB_DEST_A_PORT,
			rng_chance(c->r, 70) ? c->svc_port : pick_port(c));
	if (full && rng_chance(c->r, 40))
		put_u8(c, L4LB_DEST_A_FWD, pick_fwd(c));
	if (full && rng_chance(c->r, 70))
		put_u32(c, L4LB_DEST_A_WEIGHT, pick_weight(c));
	/* DOWN half the time, else pick_flags()'s usual and bad bits. */
	if (full && rng_chance(c->r, 20))
		put_u32(c, L4LB_DEST_A_FLAGS, rng_chance(c->r, 50) ?
			L4LB_DEST_F_DOWN : pick_flags(c));
	put_stray(c, L4LB_DEST_A_MAX, out_only, 3);
	mnl_attr_nest_end(c->nlh, nest);
}

static void put_timeouts(struct gctx *c)
{
	struct nlattr *nest = nest_start(c, L4LB_A_TIMEOUTS);
	uint16_t t;

	if (!nest)
		return;
	for (t = L4LB_TIMEOUT_A_TCP; t <= L4LB_TIMEOUT_A_MAX; t++)
		if (rng_chance(c->r, 60))
			put_u32(c, t, pick_timeout(c));
	put_stray(c, L4LB_TIMEOUT_A_MAX, NULL, 0);
	mnl_attr_nest_end(c->nlh, nest);
}

/* Relative frequencies of the commands (index = command). */
static const unsigned int cmd_weight[L4LB_CMD_MAX + 1] = {
	[L4LB_CMD_GET_INFO]	= 4,
	[L4LB_CMD_NEW_SERVICE]	= 14,
	[L4LB_CMD_SET_SERVICE]	= 8,
	[L4LB_CMD_DEL_SERVICE]	= 5,
	[L4LB_CMD_GET_SERVICE]	= 8,
	[L4LB_CMD_NEW_DEST]	= 16,
	[L4LB_CMD_SET_DEST]	= 10,
	[L4LB_CMD_DEL_DEST]	= 7,
	[L4LB_CMD_GET_DEST]	= 8,
	[L4LB_CMD_FLUSH]	= 1,
	[L4LB_CMD_GET_TIMEOUTS]	= 3,
	[L4LB_CMD_SET_TIMEOUTS]	= 6,
	[L4LB_CMD_ZERO]		= 4,
	[L4LB_CMD_GET_CONN]	= 6,
};

static uint8_t pick_cmd(struct gctx *c)
{
	static const uint8_t odd[] = { L4LB_CMD_UNSPEC, L4LB_CMD_MAX + 1,
				       L4LB_CMD_MAX + 2, 0x7f, 0xff };
	unsigned int total = 0, x, i;

	if (rng_chance(c->r, 3)) {
		note(c, "command");
		return rng_chance(c->r, 70) ? odd[rng_below(c->r, sizeof(odd))] :
					     (uint8_t)rng_next(c->r);
	}
	for (i = 0; i <= L4LB_CMD_MAX; i++)
		total += cmd_weight[i];
	x = rng_below(c->r, total);
	for (i = 0; i <= L4LB_CMD_MAX; i++) {
		if (x < cmd_weight[i])
			return (uint8_t)i;
		x -= cmd_weight[i];
	}
	return L4LB_CMD_GET_INFO;
}

static bool cmd_has_doit(uint8_t cmd)
{
	return cmd >= L4LB_CMD_GET_INFO && cmd <= L4LB_CMD_MAX &&
	       cmd != L4LB_CMD_GET_DEST && cmd != L4LB_CMD_GET_CONN;
}

static bool cmd_has_dumpit(uint8_t cmd)
{
	return cmd == L4LB_CMD_GET_SERVICE || cmd == L4LB_CMD_GET_DEST ||
	       cmd == L4LB_CMD_GET_CONN;
}

static void put_body(struct gctx *c)
{
	switch (c->m->cmd) {
	case L4LB_CMD_NEW_SERVICE:
	case L4LB_CMD_SET_SERVICE:
		put_service(c, true);
		break;
	case L4LB_CMD_DEL_SERVICE:
		put_service(c, false);
		break;
	case L4LB_CMD_GET_SERVICE:
		if (!c->m->dump || rng_chance(c->r, 10))
			put_service(c, false);
		if (rng_chance(c->r, 50))
			mnl_attr_put(c->nlh, L4LB_A_WITH_DESTS, 0, NULL);
		break;
	case L4LB_CMD_NEW_DEST:
	case L4LB_CMD_SET_DEST:
		put_service(c, false);
		put_dest(c, true);
		break;
	case L4LB_CMD_DEL_DEST:
		put_service(c, false);
		put_dest(c, false);
		break;
	case L4LB_CMD_GET_DEST:
		put_service(c, false);
		break;
	case L4LB_CMD_GET_CONN:	/* filters, all optional */
		if (rng_chance(c->r, 50))
			put_service(c, false);
		if (rng_chance(c->r, 30))
			put_dest(c, false);
		break;
	case L4LB_CMD_GET_TIMEOUTS:
		break;
	case L4LB_CMD_SET_TIMEOUTS:
		put_timeouts(c);
		break;
	case L4LB_CMD_ZERO:
		if (rng_chance(c->r, 50))
			put_service(c, false);
		break;
	default:	/* GET_INFO, FLUSH, unknown commands: nothing needed */
		if (rng_chance(c->r, 20))
			put_service(c, true);
		break;
	}
	/* A stray top-level attribute: known but unexpected, or unknown. */
	if (rng_chance(c->r, 5)) {
		uint16_t type = (uint16_t)rng_below(c->r, L4LB_A_MAX + 4);
		unsigned char junk[24];
		size_t len = rng_below(c->r, sizeof(junk));

		note(c, "top-level-stray");
		if (rng_chance(c->r, 50)) {
			struct nlattr *nest = mnl_attr_nest_start(c->nlh, type);

			put_garbage(c, 0);
			mnl_attr_nest_end(c->nlh, nest);
		} else {
			random_bytes(c->r, junk, len);
			mnl_attr_put(c->nlh, type, len, junk);
		}
	}
}

/* Damage the finished message as bytes: flips, truncation. */
static void damage_bytes(struct gctx *c)
{
	uint32_t start = NLMSG_HDRLEN + GENL_HDRLEN, len = c->nlh->nlmsg_len;
	unsigned int i, n;

	if (len > start && rng_chance(c->r, 4)) {
		note(c, "byte-flips");
		n = 1 + rng_below(c->r, 4);
		for (i = 0; i < n; i++)
			((unsigned char *)c->nlh)[start + rng_below(c->r, len - start)] ^=
				(unsigned char)(1 + rng_below(c->r, 255));
	}
	if (rng_chance(c->r, 2)) {
		note(c, "truncated");
		c->nlh->nlmsg_len = NLMSG_HDRLEN + rng_below(c->r, len - NLMSG_HDRLEN);
		if (c->nlh->nlmsg_len < start)
			c->m->core_reject = true;
	}
}

void gen_message(struct rng *r, uint16_t family, void *buf,
		 struct gen_msg *m)
{
	struct gctx c = { .r = r, .m = m };
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct genlmsghdr *gh;

	memset(m, 0, sizeof(*m));
	memset(buf, 0, GEN_BUF_SIZE);
	/* 40% of the messages are well formed (values may still be odd). */
	c.mut = rng_chance(r, 40) ? 0 : 4 + rng_below(r, 20);
	m->cmd = pick_cmd(&c);
	if (m->cmd == L4LB_CMD_GET_DEST || m->cmd == L4LB_CMD_GET_CONN)
		m->dump = rng_chance(r, 92);
	else if (m->cmd == L4LB_CMD_GET_SERVICE)
		m->dump = rng_chance(r, 50);
	else
		m->dump = rng_chance(r, 3);
	if (m->dump)
		flags |= NLM_F_DUMP;
	if ((m->dump && !cmd_has_dumpit(m->cmd)) ||
	    (!m->dump && !cmd_has_doit(m->cmd))) {
		note(&c, m->dump ? "dump-flag" : "no-dump-flag");
		m->core_reject = true;
	}
	if (m->cmd > L4LB_CMD_MAX || m->cmd == L4LB_CMD_UNSPEC)
		m->core_reject = true;

	c.nlh = mnl_nlmsg_put_header(buf);
	c.nlh->nlmsg_type = family;
	c.nlh->nlmsg_flags = flags;
	gh = mnl_nlmsg_put_extra_header(c.nlh, sizeof(*gh));
	gh->cmd = m->cmd;
	gh->version = L4LB_GENL_VERSION;
	if (rng_chance(r, 2)) {
		note(&c, "genl-version");
		gh->version = (uint8_t)rng_next(r);
	}
	if (rng_chance(r, 2)) {
		note(&c, "genl-reserved");
		gh->reserved = (uint16_t)(1 + rng_below(r, 0xfffe));
		m->core_reject = true;
	}
	put_body(&c);
	if (c.mut)
		damage_bytes(&c);
	m->nlh = c.nlh;
	if (!m->kind[0])
		note(&c, "clean");
}
