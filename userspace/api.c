// SPDX-License-Identifier: GPL-2.0
/*
 * api.c - l4lb generic netlink requests (see include/uapi/linux/l4lb.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "api.h"

/* --- building ----------------------------------------------------------- */

/* FAMILY, then ADDR (4 bytes) or ADDR6 (16 bytes) by the family. */
static void put_addr(struct nlmsghdr *nlh, uint16_t family_type,
		     uint16_t addr_type, uint16_t addr6_type, uint16_t family,
		     const union l4lb_inaddr *addr)
{
	family = l4lb_family(family);
	mnl_attr_put_u16(nlh, family_type, family);
	if (family == AF_INET6)
		mnl_attr_put(nlh, addr6_type, sizeof(addr->in6), &addr->in6);
	else
		mnl_attr_put(nlh, addr_type, sizeof(addr->in), &addr->in);
}

static void put_service_key(struct nlmsghdr *nlh,
			    const struct l4lb_service *svc)
{
	if (svc->fwmark) {
		mnl_attr_put_u16(nlh, L4LB_SVC_A_FAMILY,
				 l4lb_family(svc->family));
		mnl_attr_put_u32(nlh, L4LB_SVC_A_FWMARK, svc->fwmark);
		return;
	}
	mnl_attr_put_u8(nlh, L4LB_SVC_A_PROTOCOL, svc->protocol);
	put_addr(nlh, L4LB_SVC_A_FAMILY, L4LB_SVC_A_ADDR, L4LB_SVC_A_ADDR6,
		 svc->family, &svc->addr);
	mnl_attr_put_u16(nlh, L4LB_SVC_A_PORT, htons(svc->port));
}

struct nlmsghdr *l4lb_build_service(void *buf, uint16_t family, uint8_t cmd,
				    uint16_t flags,
				    const struct l4lb_service *svc,
				    bool key_only)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_genl_start(buf, family, cmd, L4LB_GENL_VERSION, flags);
	if (!svc)
		return nlh;
	nest = mnl_attr_nest_start(nlh, L4LB_A_SERVICE);
	put_service_key(nlh, svc);
	if (!key_only) {
		if (svc->set & L4LB_HAS_SCHED)
			mnl_attr_put_strz(nlh, L4LB_SVC_A_SCHED, svc->sched);
		if (svc->set & L4LB_HAS_FLAGS)
			mnl_attr_put_u32(nlh, L4LB_SVC_A_FLAGS, svc->flags);
		if (svc->set & L4LB_HAS_SCHED_FLAGS)
			mnl_attr_put_u32(nlh, L4LB_SVC_A_SCHED_FLAGS,
					 svc->sched_flags);
		if (svc->set & L4LB_HAS_MH_SIZE)
			mnl_attr_put_u32(nlh, L4LB_SVC_A_MH_TABLE_SIZE,
					 svc->mh_size);
		if (svc->set & L4LB_HAS_MH_KEY)
			mnl_attr_put(nlh, L4LB_SVC_A_MH_KEY,
				     sizeof(svc->mh_key), svc->mh_key);
		if (svc->set & L4LB_HAS_PERSIST) {
			mnl_attr_put_u32(nlh, L4LB_SVC_A_PERSIST_TIMEOUT,
					 svc->persist_timeout);
			mnl_attr_put_u8(nlh, L4LB_SVC_A_PERSIST_PREFIX,
					svc->persist_prefix);
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *l4lb_build_dest(void *buf, uint16_t family, uint8_t cmd,
				 const struct l4lb_service *svc,
				 const struct l4lb_dest *d)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = l4lb_build_service(buf, family, cmd, 0, svc, true);
	nest = mnl_attr_nest_start(nlh, L4LB_A_DEST);
	put_addr(nlh, L4LB_DEST_A_FAMILY, L4LB_DEST_A_ADDR, L4LB_DEST_A_ADDR6,
		 d->family, &d->addr);
	if (d->set & L4LB_HAS_PORT)
		mnl_attr_put_u16(nlh, L4LB_DEST_A_PORT, htons(d->port));
	if (cmd != L4LB_CMD_DEL_DEST) {
		if (d->set & L4LB_HAS_FWD)
			mnl_attr_put_u8(nlh, L4LB_DEST_A_FWD, d->fwd);
		if (d->set & L4LB_HAS_TUN) {
			mnl_attr_put_u8(nlh, L4LB_DEST_A_TUN_TYPE,
					d->tun_type);
			if (d->tun_port)
				mnl_attr_put_u16(nlh, L4LB_DEST_A_TUN_PORT,
						 htons(d->tun_port));
			if (d->tun_type != L4LB_TUN_IPIP)
				mnl_attr_put_u32(nlh, L4LB_DEST_A_TUN_FLAGS,
						 d->tun_flags);
		}
		if (d->set & L4LB_HAS_WEIGHT)
			mnl_attr_put_u32(nlh, L4LB_DEST_A_WEIGHT, d->weight);
		if (d->set & L4LB_HAS_FLAGS)
			mnl_attr_put_u32(nlh, L4LB_DEST_A_FLAGS, d->flags);
		if (d->set & L4LB_HAS_THRESH) {
			mnl_attr_put_u32(nlh, L4LB_DEST_A_U_THRESH,
					 d->u_thresh);
			mnl_attr_put_u32(nlh, L4LB_DEST_A_L_THRESH,
					 d->l_thresh);
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *l4lb_build_timeouts(void *buf, uint16_t family,
				     const struct l4lb_timeouts *t)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_genl_start(buf, family, L4LB_CMD_SET_TIMEOUTS,
			    L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_TIMEOUTS);
	/* 0 means "leave alone", as with ipvsadm --set: omit it. */
	if (t->tcp)
		mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_TCP, t->tcp);
	if (t->tcp_fin)
		mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_TCP_FIN, t->tcp_fin);
	if (t->udp)
		mnl_attr_put_u32(nlh, L4LB_TIMEOUT_A_UDP, t->udp);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *l4lb_build_config(void *buf, uint16_t family,
				   const struct l4lb_config *c)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_genl_start(buf, family, L4LB_CMD_SET_CONFIG,
			    L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_CONFIG);
	if (c->set & L4LB_HAS_CONN_LIMIT)
		mnl_attr_put_u32(nlh, L4LB_CONFIG_A_CONN_LIMIT, c->conn_limit);
	if (c->set & L4LB_HAS_TCP_PICKUP)
		mnl_attr_put_u8(nlh, L4LB_CONFIG_A_TCP_PICKUP, c->tcp_pickup);
	if (c->set & L4LB_HAS_EXPIRE_QUIESCENT)
		mnl_attr_put_u8(nlh, L4LB_CONFIG_A_EXPIRE_QUIESCENT,
				c->expire_quiescent);
	if (c->set & L4LB_HAS_TUN_SOURCE)
		mnl_attr_put(nlh, L4LB_CONFIG_A_TUN_SOURCE,
			     sizeof(c->tun_source), &c->tun_source);
	if (c->set & L4LB_HAS_TUN_SOURCE6)
		mnl_attr_put(nlh, L4LB_CONFIG_A_TUN_SOURCE6,
			     sizeof(c->tun_source6), &c->tun_source6);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *l4lb_build_daemon(void *buf, uint16_t family, uint8_t cmd,
				   const struct l4lb_daemon *d)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_genl_start(buf, family, cmd, L4LB_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, L4LB_A_DAEMON);
	mnl_attr_put_u32(nlh, L4LB_DAEMON_A_STATE, d->state);
	if (cmd == L4LB_CMD_NEW_DAEMON) {
		mnl_attr_put_strz(nlh, L4LB_DAEMON_A_MCAST_IFN, d->ifname);
		if (d->set & L4LB_HAS_SYNCID)
			mnl_attr_put_u32(nlh, L4LB_DAEMON_A_SYNC_ID, d->syncid);
		if (d->set & L4LB_HAS_MAXLEN)
			mnl_attr_put_u16(nlh, L4LB_DAEMON_A_SYNC_MAXLEN,
					 d->maxlen);
		if ((d->set & L4LB_HAS_GROUP) && d->group_family == AF_INET6)
			mnl_attr_put(nlh, L4LB_DAEMON_A_MCAST_GROUP6,
				     sizeof(d->group.in6), &d->group.in6);
		else if (d->set & L4LB_HAS_GROUP)
			mnl_attr_put(nlh, L4LB_DAEMON_A_MCAST_GROUP,
				     sizeof(d->group.in), &d->group.in);
		if (d->set & L4LB_HAS_MCAST_PORT)
			mnl_attr_put_u16(nlh, L4LB_DAEMON_A_MCAST_PORT,
					 htons(d->port));
		if (d->set & L4LB_HAS_TTL)
			mnl_attr_put_u8(nlh, L4LB_DAEMON_A_MCAST_TTL, d->ttl);
		if (d->set & L4LB_HAS_KEY)
			mnl_attr_put(nlh, L4LB_DAEMON_A_KEY, sizeof(d->key),
				     d->key);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* --- parsing ------------------------------------------------------------ */

#define TB_MAX 32

struct tb {
	const struct nlattr *a[TB_MAX + 1];
};

static int tb_cb(const struct nlattr *attr, void *data)
{
	struct tb *tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= TB_MAX)
		tb->a[type] = attr;
	return MNL_CB_OK;
}

static int tb_nested(const struct nlattr *nest, struct tb *tb)
{
	memset(tb, 0, sizeof(*tb));
	return mnl_attr_parse_nested(nest, tb_cb, tb) < 0 ? -EBADMSG : 0;
}

static int tb_msg(const struct nlmsghdr *nlh, struct tb *tb)
{
	memset(tb, 0, sizeof(*tb));
	return mnl_attr_parse(nlh, NL_GENL_HDRLEN, tb_cb, tb) < 0 ?
	       -EBADMSG : 0;
}

static bool ok(const struct nlattr *a, enum mnl_attr_data_type t)
{
	return a && mnl_attr_validate(a, t) >= 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return ok(a, MNL_TYPE_U32) ? mnl_attr_get_u32(a) : 0;
}

static uint64_t get_u64(const struct nlattr *a)
{
	return ok(a, MNL_TYPE_U64) ? mnl_attr_get_u64(a) : 0;
}

/*
 * FAMILY (absent: AF_INET) and the family's address attribute, which must
 * have exactly the family's length; the other family's must be absent.
 */
static int get_addr(const struct nlattr *fam, const struct nlattr *a4,
		    const struct nlattr *a6, uint16_t *family,
		    union l4lb_inaddr *out)
{
	const struct nlattr *a;

	*family = AF_INET;
	if (fam) {
		if (mnl_attr_get_payload_len(fam) != sizeof(uint16_t))
			return -EBADMSG;
		*family = mnl_attr_get_u16(fam);
	}
	if (*family != AF_INET && *family != AF_INET6)
		return -EAFNOSUPPORT;
	a = *family == AF_INET6 ? a6 : a4;
	if (!a || (*family == AF_INET6 ? a4 : a6) ||
	    mnl_attr_get_payload_len(a) != l4lb_addr_len(*family))
		return -EBADMSG;
	memcpy(out, mnl_attr_get_payload(a), l4lb_addr_len(*family));
	return 0;
}

static int get_be16(const struct nlattr *a, uint16_t *out)
{
	if (!ok(a, MNL_TYPE_U16))
		return -EBADMSG;
	*out = ntohs(mnl_attr_get_u16(a));
	return 0;
}

static void parse_stats(const struct nlattr *nest, struct l4lb_stats *s)
{
	struct tb tb;

	if (!nest || tb_nested(nest, &tb))
		return;
	s->conns = get_u64(tb.a[L4LB_STATS_A_CONNS]);
	s->pkts_in = get_u64(tb.a[L4LB_STATS_A_PKTS_IN]);
	s->pkts_out = get_u64(tb.a[L4LB_STATS_A_PKTS_OUT]);
	s->bytes_in = get_u64(tb.a[L4LB_STATS_A_BYTES_IN]);
	s->bytes_out = get_u64(tb.a[L4LB_STATS_A_BYTES_OUT]);
	s->conn_rate = get_u64(tb.a[L4LB_STATS_A_CONN_RATE]);
	s->pkts_in_rate = get_u64(tb.a[L4LB_STATS_A_PKTS_IN_RATE]);
	s->pkts_out_rate = get_u64(tb.a[L4LB_STATS_A_PKTS_OUT_RATE]);
	s->bytes_in_rate = get_u64(tb.a[L4LB_STATS_A_BYTES_IN_RATE]);
	s->bytes_out_rate = get_u64(tb.a[L4LB_STATS_A_BYTES_OUT_RATE]);
	s->rate_window_ms = get_u64(tb.a[L4LB_STATS_A_RATE_WINDOW_MS]);
}

int l4lb_parse_dest_nest(const struct nlattr *nest, struct l4lb_dest *d)
{
	struct tb tb;
	int ret;

	memset(d, 0, sizeof(*d));
	if (tb_nested(nest, &tb))
		return -EBADMSG;
	ret = get_addr(tb.a[L4LB_DEST_A_FAMILY], tb.a[L4LB_DEST_A_ADDR],
		       tb.a[L4LB_DEST_A_ADDR6], &d->family, &d->addr);
	if (ret)
		return ret;
	if (get_be16(tb.a[L4LB_DEST_A_PORT], &d->port) == 0)
		d->set |= L4LB_HAS_PORT;
	if (ok(tb.a[L4LB_DEST_A_FWD], MNL_TYPE_U8)) {
		d->fwd = mnl_attr_get_u8(tb.a[L4LB_DEST_A_FWD]);
		d->set |= L4LB_HAS_FWD;
	}
	if (ok(tb.a[L4LB_DEST_A_TUN_TYPE], MNL_TYPE_U8)) {
		d->tun_type = mnl_attr_get_u8(tb.a[L4LB_DEST_A_TUN_TYPE]);
		d->set |= L4LB_HAS_TUN;
		get_be16(tb.a[L4LB_DEST_A_TUN_PORT], &d->tun_port);
		d->tun_flags = get_u32(tb.a[L4LB_DEST_A_TUN_FLAGS]);
	}
	if (ok(tb.a[L4LB_DEST_A_WEIGHT], MNL_TYPE_U32)) {
		d->weight = mnl_attr_get_u32(tb.a[L4LB_DEST_A_WEIGHT]);
		d->set |= L4LB_HAS_WEIGHT;
	}
	if (ok(tb.a[L4LB_DEST_A_FLAGS], MNL_TYPE_U32)) {
		d->flags = mnl_attr_get_u32(tb.a[L4LB_DEST_A_FLAGS]);
		d->set |= L4LB_HAS_FLAGS;
	}
	if (ok(tb.a[L4LB_DEST_A_U_THRESH], MNL_TYPE_U32) &&
	    ok(tb.a[L4LB_DEST_A_L_THRESH], MNL_TYPE_U32)) {
		d->u_thresh = mnl_attr_get_u32(tb.a[L4LB_DEST_A_U_THRESH]);
		d->l_thresh = mnl_attr_get_u32(tb.a[L4LB_DEST_A_L_THRESH]);
		d->set |= L4LB_HAS_THRESH;
	}
	d->active_conns = get_u32(tb.a[L4LB_DEST_A_ACTIVE_CONNS]);
	d->inactive_conns = get_u32(tb.a[L4LB_DEST_A_INACTIVE_CONNS]);
	parse_stats(tb.a[L4LB_DEST_A_STATS], &d->stats);
	return 0;
}

static int add_dest(struct l4lb_service *svc, const struct l4lb_dest *d)
{
	struct l4lb_dest *n;

	n = realloc(svc->dests, (svc->ndests + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	svc->dests = n;
	svc->dests[svc->ndests++] = *d;
	return 0;
}

int l4lb_parse_service_nest(const struct nlattr *nest,
			    struct l4lb_service *svc)
{
	const struct nlattr *a;
	struct tb tb;
	int ret;

	memset(svc, 0, sizeof(*svc));
	if (tb_nested(nest, &tb))
		return -EBADMSG;
	if (tb.a[L4LB_SVC_A_FWMARK]) {
		if (!ok(tb.a[L4LB_SVC_A_FWMARK], MNL_TYPE_U32) ||
		    !ok(tb.a[L4LB_SVC_A_FAMILY], MNL_TYPE_U16))
			return -EBADMSG;
		svc->fwmark = mnl_attr_get_u32(tb.a[L4LB_SVC_A_FWMARK]);
		svc->family = mnl_attr_get_u16(tb.a[L4LB_SVC_A_FAMILY]);
		if (svc->family != AF_INET && svc->family != AF_INET6)
			return -EAFNOSUPPORT;
	} else {
		if (!ok(tb.a[L4LB_SVC_A_PROTOCOL], MNL_TYPE_U8) ||
		    get_be16(tb.a[L4LB_SVC_A_PORT], &svc->port))
			return -EBADMSG;
		ret = get_addr(tb.a[L4LB_SVC_A_FAMILY], tb.a[L4LB_SVC_A_ADDR],
			       tb.a[L4LB_SVC_A_ADDR6], &svc->family,
			       &svc->addr);
		if (ret)
			return ret;
		svc->protocol = mnl_attr_get_u8(tb.a[L4LB_SVC_A_PROTOCOL]);
	}
	if (ok(tb.a[L4LB_SVC_A_SCHED], MNL_TYPE_NUL_STRING)) {
		strncpy(svc->sched, mnl_attr_get_str(tb.a[L4LB_SVC_A_SCHED]),
			sizeof(svc->sched) - 1);
		svc->set |= L4LB_HAS_SCHED;
	}
	if (ok(tb.a[L4LB_SVC_A_FLAGS], MNL_TYPE_U32)) {
		svc->flags = mnl_attr_get_u32(tb.a[L4LB_SVC_A_FLAGS]);
		svc->set |= L4LB_HAS_FLAGS;
	}
	if (ok(tb.a[L4LB_SVC_A_SCHED_FLAGS], MNL_TYPE_U32)) {
		svc->sched_flags = mnl_attr_get_u32(tb.a[L4LB_SVC_A_SCHED_FLAGS]);
		svc->set |= L4LB_HAS_SCHED_FLAGS;
	}
	if (ok(tb.a[L4LB_SVC_A_MH_TABLE_SIZE], MNL_TYPE_U32)) {
		svc->mh_size = mnl_attr_get_u32(tb.a[L4LB_SVC_A_MH_TABLE_SIZE]);
		svc->set |= L4LB_HAS_MH_SIZE;
	}
	if (tb.a[L4LB_SVC_A_MH_KEY] &&
	    mnl_attr_get_payload_len(tb.a[L4LB_SVC_A_MH_KEY]) ==
	    sizeof(svc->mh_key)) {
		memcpy(svc->mh_key, mnl_attr_get_payload(tb.a[L4LB_SVC_A_MH_KEY]),
		       sizeof(svc->mh_key));
		svc->set |= L4LB_HAS_MH_KEY;
	}
	if (ok(tb.a[L4LB_SVC_A_PERSIST_TIMEOUT], MNL_TYPE_U32) &&
	    ok(tb.a[L4LB_SVC_A_PERSIST_PREFIX], MNL_TYPE_U8)) {
		svc->persist_timeout =
			mnl_attr_get_u32(tb.a[L4LB_SVC_A_PERSIST_TIMEOUT]);
		svc->persist_prefix =
			mnl_attr_get_u8(tb.a[L4LB_SVC_A_PERSIST_PREFIX]);
		svc->set |= L4LB_HAS_PERSIST;
	}
	parse_stats(tb.a[L4LB_SVC_A_STATS], &svc->stats);
	if (tb.a[L4LB_SVC_A_DESTS]) {
		svc->set |= L4LB_HAS_DESTS;
		mnl_attr_for_each_nested(a, tb.a[L4LB_SVC_A_DESTS]) {
			struct l4lb_dest d;

			if (mnl_attr_get_type(a) != L4LB_A_DEST)
				continue;
			ret = l4lb_parse_dest_nest(a, &d);
			if (!ret)
				ret = add_dest(svc, &d);
			if (ret) {
				l4lb_service_free(svc);
				return ret;
			}
		}
	}
	return 0;
}

int l4lb_parse_service_msg(const struct nlmsghdr *nlh,
			   struct l4lb_service *svc)
{
	struct tb tb;

	if (tb_msg(nlh, &tb) || !tb.a[L4LB_A_SERVICE])
		return -EBADMSG;
	return l4lb_parse_service_nest(tb.a[L4LB_A_SERVICE], svc);
}

int l4lb_parse_info_msg(const struct nlmsghdr *nlh, struct l4lb_info *info)
{
	struct tb tb, in, dr;

	memset(info, 0, sizeof(*info));
	if (tb_msg(nlh, &tb) || !tb.a[L4LB_A_INFO] ||
	    tb_nested(tb.a[L4LB_A_INFO], &in))
		return -EBADMSG;
	if (ok(in.a[L4LB_INFO_A_VERSION], MNL_TYPE_NUL_STRING))
		strncpy(info->version,
			mnl_attr_get_str(in.a[L4LB_INFO_A_VERSION]),
			sizeof(info->version) - 1);
	info->conn_max = get_u32(in.a[L4LB_INFO_A_CONN_MAX]);
	info->conn_buckets = get_u32(in.a[L4LB_INFO_A_CONN_BUCKETS]);
	info->conn_count = get_u32(in.a[L4LB_INFO_A_CONN_COUNT]);
	info->conn_entry_size = get_u32(in.a[L4LB_INFO_A_CONN_ENTRY_SIZE]);
	info->conn_entry_size6 = get_u32(in.a[L4LB_INFO_A_CONN_ENTRY_SIZE6]);
	info->services = get_u32(in.a[L4LB_INFO_A_SERVICES]);
	info->dests = get_u32(in.a[L4LB_INFO_A_DESTS]);
	info->fast_pkts = get_u64(in.a[L4LB_INFO_A_FAST_PKTS]);
	info->fast_reply_pkts = get_u64(in.a[L4LB_INFO_A_FAST_REPLY_PKTS]);
	info->conn_limit = get_u32(in.a[L4LB_INFO_A_CONN_LIMIT]);
	info->tcp_pickup = ok(in.a[L4LB_INFO_A_TCP_PICKUP], MNL_TYPE_U8) &&
			   mnl_attr_get_u8(in.a[L4LB_INFO_A_TCP_PICKUP]);
	info->conn_evicted = get_u64(in.a[L4LB_INFO_A_CONN_EVICTED]);
	info->not_syn_pkts = get_u64(in.a[L4LB_INFO_A_NOT_SYN_PKTS]);
	if (ok(in.a[L4LB_INFO_A_TEMPLATE_COUNT], MNL_TYPE_U32))
		info->template_count =
			mnl_attr_get_u32(in.a[L4LB_INFO_A_TEMPLATE_COUNT]);
	if (ok(in.a[L4LB_INFO_A_TEMPLATE_LIMIT], MNL_TYPE_U32))
		info->template_limit =
			mnl_attr_get_u32(in.a[L4LB_INFO_A_TEMPLATE_LIMIT]);
	info->expire_quiescent =
		ok(in.a[L4LB_INFO_A_EXPIRE_QUIESCENT], MNL_TYPE_U8) &&
		mnl_attr_get_u8(in.a[L4LB_INFO_A_EXPIRE_QUIESCENT]);
	if (in.a[L4LB_INFO_A_TUN_SOURCE] &&
	    mnl_attr_get_payload_len(in.a[L4LB_INFO_A_TUN_SOURCE]) ==
	    sizeof(info->tun_source)) {
		memcpy(&info->tun_source,
		       mnl_attr_get_payload(in.a[L4LB_INFO_A_TUN_SOURCE]),
		       sizeof(info->tun_source));
		info->has_tun_source = true;
	}
	if (in.a[L4LB_INFO_A_TUN_SOURCE6] &&
	    mnl_attr_get_payload_len(in.a[L4LB_INFO_A_TUN_SOURCE6]) ==
	    sizeof(info->tun_source6)) {
		memcpy(&info->tun_source6,
		       mnl_attr_get_payload(in.a[L4LB_INFO_A_TUN_SOURCE6]),
		       sizeof(info->tun_source6));
		info->has_tun_source6 = true;
	}
	if (in.a[L4LB_INFO_A_DROPS] && !tb_nested(in.a[L4LB_INFO_A_DROPS], &dr)) {
		info->drop_no_dest = get_u64(dr.a[L4LB_DROP_A_NO_DEST]);
		info->drop_table_full = get_u64(dr.a[L4LB_DROP_A_TABLE_FULL]);
		info->drop_malformed = get_u64(dr.a[L4LB_DROP_A_MALFORMED]);
		info->drop_mtu = get_u64(dr.a[L4LB_DROP_A_MTU]);
		info->drop_no_route = get_u64(dr.a[L4LB_DROP_A_NO_ROUTE]);
	}
	return 0;
}

int l4lb_parse_timeouts_msg(const struct nlmsghdr *nlh,
			    struct l4lb_timeouts *t)
{
	struct tb tb, to;

	memset(t, 0, sizeof(*t));
	if (tb_msg(nlh, &tb) || !tb.a[L4LB_A_TIMEOUTS] ||
	    tb_nested(tb.a[L4LB_A_TIMEOUTS], &to))
		return -EBADMSG;
	t->tcp = get_u32(to.a[L4LB_TIMEOUT_A_TCP]);
	t->tcp_fin = get_u32(to.a[L4LB_TIMEOUT_A_TCP_FIN]);
	t->udp = get_u32(to.a[L4LB_TIMEOUT_A_UDP]);
	return 0;
}

void l4lb_service_free(struct l4lb_service *svc)
{
	free(svc->dests);
	svc->dests = NULL;
	svc->ndests = 0;
}

void l4lb_service_list_free(struct l4lb_service_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		l4lb_service_free(&l->svcs[i]);
	free(l->svcs);
	l->svcs = NULL;
	l->n = 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int l4lb_addr_cmp(uint16_t fa, const union l4lb_inaddr *a,
		  uint16_t fb, const union l4lb_inaddr *b)
{
	int r;

	fa = l4lb_family(fa);
	fb = l4lb_family(fb);
	r = cmp_u32(fa, fb);	/* AF_INET (2) before AF_INET6 (10) */
	if (r)
		return r;
	/* Network byte order: memcmp is numeric order, as ntohl() for IPv4. */
	r = memcmp(a, b, l4lb_addr_len(fa));
	return r < 0 ? -1 : r > 0;
}

/*
 * ipvsadm (libipvs ipvs_cmp_services) compares the family before the
 * protocol: every IPv4 service comes before every IPv6 one.
 */
int l4lb_service_key_cmp(const struct l4lb_service *a,
			 const struct l4lb_service *b)
{
	int r = cmp_u32(a->fwmark, b->fwmark);

	if (!r)
		r = cmp_u32(l4lb_family(a->family), l4lb_family(b->family));
	if (!r)
		r = cmp_u32(a->protocol, b->protocol);
	if (!r)
		r = l4lb_addr_cmp(a->family, &a->addr, b->family, &b->addr);
	return r ? r : cmp_u32(a->port, b->port);
}

int l4lb_dest_key_cmp(const struct l4lb_dest *a, const struct l4lb_dest *b)
{
	int r = l4lb_addr_cmp(a->family, &a->addr, b->family, &b->addr);

	return r ? r : cmp_u32(a->port, b->port);
}

static int cmp_dest(const void *pa, const void *pb)
{
	return l4lb_dest_key_cmp(pa, pb);
}

static int cmp_service(const void *pa, const void *pb)
{
	return l4lb_service_key_cmp(pa, pb);
}

void l4lb_service_list_sort(struct l4lb_service_list *l)
{
	if (l->n > 1)
		qsort(l->svcs, l->n, sizeof(*l->svcs), cmp_service);
	for (size_t i = 0; i < l->n; i++)
		if (l->svcs[i].ndests > 1)
			qsort(l->svcs[i].dests, l->svcs[i].ndests,
			      sizeof(struct l4lb_dest), cmp_dest);
}

/* --- requests ----------------------------------------------------------- */

int l4lb_open(struct nl_ctx *nl)
{
	return nl_open(nl, L4LB_GENL_NAME);
}

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	if (l4lb_parse_info_msg(nlh, data)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int l4lb_parse_daemon_nest(const struct nlattr *nest, struct l4lb_daemon *d)
{
	const struct nlattr *g4, *g6;
	struct tb in;

	memset(d, 0, sizeof(*d));
	if (tb_nested(nest, &in) || !ok(in.a[L4LB_DAEMON_A_STATE], MNL_TYPE_U32) ||
	    !ok(in.a[L4LB_DAEMON_A_MCAST_IFN], MNL_TYPE_NUL_STRING))
		return -EBADMSG;
	d->state = mnl_attr_get_u32(in.a[L4LB_DAEMON_A_STATE]);
	snprintf(d->ifname, sizeof(d->ifname), "%s",
		 mnl_attr_get_str(in.a[L4LB_DAEMON_A_MCAST_IFN]));
	d->syncid = get_u32(in.a[L4LB_DAEMON_A_SYNC_ID]);
	if (ok(in.a[L4LB_DAEMON_A_SYNC_MAXLEN], MNL_TYPE_U16))
		d->maxlen = mnl_attr_get_u16(in.a[L4LB_DAEMON_A_SYNC_MAXLEN]);
	g4 = in.a[L4LB_DAEMON_A_MCAST_GROUP];
	g6 = in.a[L4LB_DAEMON_A_MCAST_GROUP6];
	if (g6 && mnl_attr_get_payload_len(g6) == sizeof(d->group.in6)) {
		d->group_family = AF_INET6;
		memcpy(&d->group.in6, mnl_attr_get_payload(g6),
		       sizeof(d->group.in6));
	} else if (g4 && mnl_attr_get_payload_len(g4) == sizeof(d->group.in)) {
		d->group_family = AF_INET;
		memcpy(&d->group.in, mnl_attr_get_payload(g4),
		       sizeof(d->group.in));
	}
	if (ok(in.a[L4LB_DAEMON_A_MCAST_PORT], MNL_TYPE_U16))
		d->port = ntohs(mnl_attr_get_u16(in.a[L4LB_DAEMON_A_MCAST_PORT]));
	if (ok(in.a[L4LB_DAEMON_A_MCAST_TTL], MNL_TYPE_U8))
		d->ttl = mnl_attr_get_u8(in.a[L4LB_DAEMON_A_MCAST_TTL]);
	d->keyed = in.a[L4LB_DAEMON_A_KEYED] != NULL;
	d->datagrams = get_u64(in.a[L4LB_DAEMON_A_DATAGRAMS]);
	d->records = get_u64(in.a[L4LB_DAEMON_A_RECORDS]);
	d->dropped = get_u64(in.a[L4LB_DAEMON_A_DROPPED]);
	d->malformed = get_u64(in.a[L4LB_DAEMON_A_MALFORMED]);
	d->bad_auth = get_u64(in.a[L4LB_DAEMON_A_BAD_AUTH]);
	d->other_syncid = get_u64(in.a[L4LB_DAEMON_A_OTHER_SYNCID]);
	d->no_service = get_u64(in.a[L4LB_DAEMON_A_NO_SERVICE]);
	d->table_full = get_u64(in.a[L4LB_DAEMON_A_TABLE_FULL]);
	return 0;
}

struct daemons {
	struct l4lb_daemon *out;
	size_t n;
};

static int daemons_cb(const struct nlmsghdr *nlh, void *data)
{
	struct daemons *ds = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, NL_GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != L4LB_A_DAEMON || ds->n >= 2)
			continue;
		if (l4lb_parse_daemon_nest(a, &ds->out[ds->n])) {
			errno = EBADMSG;
			return MNL_CB_ERROR;
		}
		ds->n++;
	}
	return MNL_CB_OK;
}

int l4lb_get_daemons(struct nl_ctx *nl, struct l4lb_daemon out[2], size_t *n)
{
	struct daemons ds = { .out = out };
	char buf[NL_TX_BUFSIZE];
	int ret;

	ret = nl_talk(nl, nl_genl_start(buf, nl->family, L4LB_CMD_GET_DAEMON,
					L4LB_GENL_VERSION, 0),
		      daemons_cb, &ds);
	*n = ds.n;
	return ret;
}

int l4lb_daemon_cmd(struct nl_ctx *nl, uint8_t cmd,
		    const struct l4lb_daemon *d)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_daemon(buf, nl->family, cmd, d),
		       NULL, NULL);
}

int l4lb_get_info(struct nl_ctx *nl, struct l4lb_info *info)
{
	char buf[NL_TX_BUFSIZE];

	memset(info, 0, sizeof(*info));
	return nl_talk(nl, nl_genl_start(buf, nl->family, L4LB_CMD_GET_INFO,
					 L4LB_GENL_VERSION, 0),
		       info_cb, info);
}

int l4lb_service_cmd(struct nl_ctx *nl, uint8_t cmd,
		     const struct l4lb_service *svc)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_service(buf, nl->family, cmd, 0, svc,
					      cmd == L4LB_CMD_DEL_SERVICE),
		       NULL, NULL);
}

int l4lb_dest_cmd(struct nl_ctx *nl, uint8_t cmd,
		  const struct l4lb_service *svc, const struct l4lb_dest *d)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_dest(buf, nl->family, cmd, svc, d),
		       NULL, NULL);
}

int l4lb_flush(struct nl_ctx *nl)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, nl_genl_start(buf, nl->family, L4LB_CMD_FLUSH,
					 L4LB_GENL_VERSION, 0), NULL, NULL);
}

int l4lb_zero(struct nl_ctx *nl, const struct l4lb_service *key)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_service(buf, nl->family, L4LB_CMD_ZERO,
					      0, key, true), NULL, NULL);
}

static int timeouts_cb(const struct nlmsghdr *nlh, void *data)
{
	if (l4lb_parse_timeouts_msg(nlh, data)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int l4lb_get_timeouts(struct nl_ctx *nl, struct l4lb_timeouts *t)
{
	char buf[NL_TX_BUFSIZE];

	memset(t, 0, sizeof(*t));
	return nl_talk(nl, nl_genl_start(buf, nl->family,
					 L4LB_CMD_GET_TIMEOUTS,
					 L4LB_GENL_VERSION, 0),
		       timeouts_cb, t);
}

int l4lb_set_timeouts(struct nl_ctx *nl, const struct l4lb_timeouts *t)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_timeouts(buf, nl->family, t),
		       NULL, NULL);
}

int l4lb_set_config(struct nl_ctx *nl, const struct l4lb_config *c)
{
	char buf[NL_TX_BUFSIZE];

	return nl_talk(nl, l4lb_build_config(buf, nl->family, c), NULL, NULL);
}

static bool same_service(const struct l4lb_service *a,
			 const struct l4lb_service *b)
{
	return l4lb_service_key_cmp(a, b) == 0;
}

/* A continuation message: more destinations of the last service. */
static int merge_dests(struct l4lb_service *last, struct l4lb_service *more)
{
	struct l4lb_dest *n;

	n = realloc(last->dests, (last->ndests + more->ndests) * sizeof(*n));
	if (!n && last->ndests + more->ndests)
		return -ENOMEM;
	last->dests = n;
	memcpy(last->dests + last->ndests, more->dests,
	       more->ndests * sizeof(*n));
	last->ndests += more->ndests;
	l4lb_service_free(more);
	return 0;
}

static int service_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct l4lb_service_list *l = data;
	struct l4lb_service svc, *n;
	int ret = l4lb_parse_service_msg(nlh, &svc);

	if (ret) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	/* See "Service dumps with L4LB_A_WITH_DESTS" in the UAPI header. */
	if (l->n && (svc.set & L4LB_HAS_DESTS) &&
	    same_service(&l->svcs[l->n - 1], &svc)) {
		ret = merge_dests(&l->svcs[l->n - 1], &svc);
		if (ret) {
			l4lb_service_free(&svc);
			errno = -ret;
			return MNL_CB_ERROR;
		}
		return MNL_CB_OK;
	}
	n = realloc(l->svcs, (l->n + 1) * sizeof(*n));
	if (!n) {
		l4lb_service_free(&svc);
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	l->svcs = n;
	l->svcs[l->n++] = svc;
	return MNL_CB_OK;
}

#define DUMP_RETRIES 5

int l4lb_get_services(struct nl_ctx *nl, const struct l4lb_service *key,
		      bool with_dests, struct l4lb_service_list *out)
{
	char buf[NL_TX_BUFSIZE];
	struct nlmsghdr *nlh;
	int ret, tries = 0;

	do {
		memset(out, 0, sizeof(*out));
		nlh = l4lb_build_service(buf, nl->family,
					 L4LB_CMD_GET_SERVICE,
					 key ? 0 : NLM_F_DUMP, key, true);
		if (with_dests)
			mnl_attr_put(nlh, L4LB_A_WITH_DESTS, 0, NULL);
		ret = nl_talk(nl, nlh, service_list_cb, out);
		if (ret == 0 && nl->dump_intr && ++tries < DUMP_RETRIES) {
			l4lb_service_list_free(out);
			continue;
		}
		break;
	} while (1);
	if (ret)
		l4lb_service_list_free(out);
	return ret;
}

static int dest_cb(const struct nlmsghdr *nlh, void *data)
{
	struct l4lb_service *svc = data;
	struct l4lb_dest d;
	struct tb tb;
	int ret;

	if (tb_msg(nlh, &tb) || !tb.a[L4LB_A_DEST]) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	ret = l4lb_parse_dest_nest(tb.a[L4LB_A_DEST], &d);
	if (!ret)
		ret = add_dest(svc, &d);
	if (ret) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int l4lb_get_dests(struct nl_ctx *nl, struct l4lb_service *svc)
{
	char buf[NL_TX_BUFSIZE];
	int ret, tries = 0;

	do {
		l4lb_service_free(svc);
		ret = nl_talk(nl, l4lb_build_service(buf, nl->family,
						     L4LB_CMD_GET_DEST,
						     NLM_F_DUMP, svc, true),
			      dest_cb, svc);
	} while (ret == 0 && nl->dump_intr && ++tries < DUMP_RETRIES);
	return ret;
}

/* --- batches ------------------------------------------------------------ */

/*
 * 64 KiB per sendmsg: ~700 destination requests. Far below the socket's
 * send buffer (the kernel refuses a message larger than it), and the
 * kernel runs a whole batch under one genl_mutex acquisition.
 */
#define BATCH_BYTES	(64 * 1024)
/* Error answers of a batch full of failures must not overrun the socket. */
#define BATCH_RCVBUF	(8 * 1024 * 1024)

int l4lb_batch_init(struct l4lb_batch *bt)
{
	memset(bt, 0, sizeof(*bt));
	/* One request may start at the limit: room for it past the end. */
	bt->buf = malloc(BATCH_BYTES + NL_TX_BUFSIZE);
	if (!bt->buf)
		return -ENOMEM;
	bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_BYTES + NL_TX_BUFSIZE);
	if (!bt->b) {
		free(bt->buf);
		return -ENOMEM;
	}
	return 0;
}

void l4lb_batch_free(struct l4lb_batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	memset(bt, 0, sizeof(*bt));
}

void *l4lb_batch_slot(struct l4lb_batch *bt)
{
	return mnl_nlmsg_batch_current(bt->b);
}

bool l4lb_batch_add(struct l4lb_batch *bt, size_t index)
{
	if (!bt->count)
		bt->first_index = index;
	bt->count++;
	mnl_nlmsg_batch_next(bt->b);
	return mnl_nlmsg_batch_size(bt->b) + NL_TX_BUFSIZE > BATCH_BYTES;
}

static void batch_grow_rcvbuf(struct nl_ctx *nl)
{
	int fd = mnl_socket_get_fd(nl->sock), size = BATCH_RCVBUF;

	/* FORCE needs CAP_NET_ADMIN, which every l4lb request needs anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

int l4lb_batch_flush(struct nl_ctx *nl, struct l4lb_batch *bt,
		     l4lb_batch_err_cb cb, void *data)
{
	char *head = mnl_nlmsg_batch_head(bt->b);
	size_t len = mnl_nlmsg_batch_size(bt->b), i;
	unsigned int first = nl->seq + 1, last;
	struct nlmsghdr *nlh;
	int failed = 0;

	if (!bt->count)
		return 0;
	batch_grow_rcvbuf(nl);
	/* Number the requests; only the last one asks for an ACK. */
	nlh = (struct nlmsghdr *)head;
	for (i = 0; i < bt->count; i++) {
		nlh->nlmsg_seq = first + (unsigned int)i;
		if (i + 1 < bt->count)
			nlh->nlmsg_flags &= ~NLM_F_ACK;
		nlh = (struct nlmsghdr *)((char *)nlh +
					  NLMSG_ALIGN(nlh->nlmsg_len));
	}
	last = first + (unsigned int)bt->count - 1;
	nl->seq = last;
	bt->count = 0;
	mnl_nlmsg_batch_reset(bt->b);

	if (mnl_socket_sendto(nl->sock, head, len) < 0)
		return -errno;
	/* sendmsg ran every request; their answers are queued already. */
	for (;;) {
		const struct nlmsghdr *m;
		ssize_t n;
		int rest;

		n = mnl_socket_recvfrom(nl->sock, nl->rxbuf, NL_RX_BUFSIZE);
		if (n < 0)
			return -errno;
		m = (const struct nlmsghdr *)nl->rxbuf;
		rest = (int)n;
		for (; mnl_nlmsg_ok(m, rest); m = mnl_nlmsg_next(m, &rest)) {
			int err;

			if (m->nlmsg_type != NLMSG_ERROR ||
			    m->nlmsg_seq < first || m->nlmsg_seq > last ||
			    !mnl_nlmsg_portid_ok(m, nl->portid))
				continue;
			err = nl_error_of(nl, m);
			if (err < 0)
				return err;
			if (err) {
				failed++;
				cb(bt->first_index + (m->nlmsg_seq - first),
				   err, nl->extack, data);
			}
			if (m->nlmsg_seq == last)
				return failed;
		}
	}
}
