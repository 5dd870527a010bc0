// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink API; the contract is include/uapi/linux/l4lb.h.
 *
 * Every command needs CAP_NET_ADMIN (GENL_ADMIN_PERM), reads included.
 * Attributes are validated strictly by the policies below, then by the
 * handlers, before anything is changed: a rejected command changes nothing.
 * The family is not parallel_ops, so genl_mutex serialises requests; the
 * handlers still take the per-netns mutex, which is what protects the
 * configuration against netns teardown and documents the locking rule.
 */
#include <linux/in.h>
#include <net/genetlink.h>
#include <linux/inetdevice.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/addrconf.h>
#include <linux/udp.h>
#include <asm/unaligned.h>
#include "l4lb.h"
#include "mh_table.h"

/*
 * Plain NLA_POLICY_MAX holds an s16 only; these bounds are larger. (6.1
 * wants a non-const pointer here.)
 */
static struct netlink_range_validation l4lb_weight_range __ro_after_init = {
	.max = L4LB_WEIGHT_MAX,
};

static struct netlink_range_validation l4lb_timeout_range __ro_after_init = {
	.max = L4LB_TIMEOUT_MAX,
};

static struct netlink_range_validation l4lb_conn_limit_range __ro_after_init = {
	.max = L4LB_CONN_LIMIT_MAX,
};

static struct netlink_range_validation l4lb_mh_size_range __ro_after_init = {
	.min = L4LB_MH_TABLE_SIZE_MIN,
	.max = L4LB_MH_TABLE_SIZE_MAX,
};

static const struct nla_policy l4lb_config_policy[L4LB_CONFIG_A_MAX + 1] = {
	[L4LB_CONFIG_A_CONN_LIMIT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_conn_limit_range),
	[L4LB_CONFIG_A_TCP_PICKUP] = NLA_POLICY_MAX(NLA_U8, 1),
	[L4LB_CONFIG_A_EXPIRE_QUIESCENT] = NLA_POLICY_MAX(NLA_U8, 1),
	[L4LB_CONFIG_A_TUN_SOURCE] = { .type = NLA_BE32 },
	[L4LB_CONFIG_A_TUN_SOURCE6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy l4lb_svc_policy[L4LB_SVC_A_MAX + 1] = {
	[L4LB_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[L4LB_SVC_A_ADDR]	= { .type = NLA_BE32 },
	[L4LB_SVC_A_PORT]	= { .type = NLA_BE16 },
	[L4LB_SVC_A_SCHED]	= { .type = NLA_NUL_STRING,
				    .len = L4LB_SCHED_NAME_MAX - 1 },
	[L4LB_SVC_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, L4LB_SVC_F_ALL),
	[L4LB_SVC_A_STATS]	= { .type = NLA_REJECT,
				    .reject_message = "output-only attribute" },
	[L4LB_SVC_A_DESTS]	= { .type = NLA_REJECT,
				    .reject_message = "output-only attribute" },
	[L4LB_SVC_A_FAMILY]	= { .type = NLA_U16 },
	[L4LB_SVC_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[L4LB_SVC_A_SCHED_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						   L4LB_SVC_SCHED_F_ALL),
	[L4LB_SVC_A_MH_TABLE_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &l4lb_mh_size_range),
	[L4LB_SVC_A_MH_KEY]	= NLA_POLICY_EXACT_LEN(L4LB_MH_KEY_LEN),
	[L4LB_SVC_A_PERSIST_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
	/* At most 32 for AF_INET: l4lb_parse_persist(). */
	[L4LB_SVC_A_PERSIST_PREFIX] = NLA_POLICY_MAX(NLA_U8, 128),
	[L4LB_SVC_A_FWMARK]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy l4lb_dest_policy[L4LB_DEST_A_MAX + 1] = {
	[L4LB_DEST_A_ADDR]	= { .type = NLA_BE32 },
	[L4LB_DEST_A_PORT]	= { .type = NLA_BE16 },
	[L4LB_DEST_A_FWD]	= NLA_POLICY_RANGE(NLA_U8, L4LB_FWD_DR,
						   L4LB_FWD_MAX),
	[L4LB_DEST_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&l4lb_weight_range),
	[L4LB_DEST_A_ACTIVE_CONNS] = { .type = NLA_REJECT,
				       .reject_message = "output-only attribute" },
	[L4LB_DEST_A_INACTIVE_CONNS] = { .type = NLA_REJECT,
					 .reject_message = "output-only attribute" },
	[L4LB_DEST_A_STATS]	= { .type = NLA_REJECT,
				    .reject_message = "output-only attribute" },
	[L4LB_DEST_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, L4LB_DEST_F_ALL),
	[L4LB_DEST_A_FAMILY]	= { .type = NLA_U16 },
	[L4LB_DEST_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[L4LB_DEST_A_TUN_TYPE]	= NLA_POLICY_MAX(NLA_U8, L4LB_TUN_MAX),
	[L4LB_DEST_A_TUN_PORT]	= NLA_POLICY_MIN(NLA_BE16, 1),
	[L4LB_DEST_A_TUN_FLAGS]	= NLA_POLICY_MASK(NLA_U32, L4LB_TUN_F_ALL),
	[L4LB_DEST_A_U_THRESH]	= { .type = NLA_U32 },
	[L4LB_DEST_A_L_THRESH]	= { .type = NLA_U32 },
};

static const struct nla_policy l4lb_timeout_policy[L4LB_TIMEOUT_A_MAX + 1] = {
	[L4LB_TIMEOUT_A_TCP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
	[L4LB_TIMEOUT_A_TCP_FIN] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
	[L4LB_TIMEOUT_A_UDP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &l4lb_timeout_range),
};

/* Only what a connection dump can filter on. */
static const struct nla_policy l4lb_conn_policy[L4LB_CONN_A_MAX + 1] = {
	[L4LB_CONN_A_CADDR]	= { .type = NLA_BE32 },
	[L4LB_CONN_A_CPORT]	= { .type = NLA_BE16 },
	[L4LB_CONN_A_FAMILY]	= { .type = NLA_U16 },
	[L4LB_CONN_A_CADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy l4lb_daemon_policy[L4LB_DAEMON_A_MAX + 1] = {
	[L4LB_DAEMON_A_STATE]	= NLA_POLICY_RANGE(NLA_U32, L4LB_DAEMON_MASTER,
						   L4LB_DAEMON_BACKUP),
	[L4LB_DAEMON_A_MCAST_IFN] = { .type = NLA_NUL_STRING,
				      .len = IFNAMSIZ - 1 },
	[L4LB_DAEMON_A_SYNC_ID]	= NLA_POLICY_MAX(NLA_U32,
						 L4LB_SYNC_SYNCID_MAX),
	/* At most the interface's MTU allows: l4lb_nl_new_daemon(). */
	[L4LB_DAEMON_A_SYNC_MAXLEN] = NLA_POLICY_MIN(NLA_U16,
						     L4LB_SYNC_MAXLEN_MIN),
	[L4LB_DAEMON_A_MCAST_GROUP] = { .type = NLA_BE32 },
	[L4LB_DAEMON_A_MCAST_GROUP6] =
		NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[L4LB_DAEMON_A_MCAST_PORT] = NLA_POLICY_MIN(NLA_BE16, 1),
	[L4LB_DAEMON_A_MCAST_TTL] = NLA_POLICY_MIN(NLA_U8, 1),
	[L4LB_DAEMON_A_KEY]	= NLA_POLICY_EXACT_LEN(L4LB_SYNC_KEY_LEN),
	[L4LB_DAEMON_A_KEYED ... L4LB_DAEMON_A_TABLE_FULL] = {
		.type = NLA_REJECT, .reject_message = "output-only attribute" },
};

static const struct nla_policy l4lb_policy[L4LB_A_MAX + 1] = {
	[L4LB_A_INFO]		= { .type = NLA_REJECT,
				    .reject_message = "output-only attribute" },
	[L4LB_A_SERVICE]	= NLA_POLICY_NESTED(l4lb_svc_policy),
	[L4LB_A_DEST]		= NLA_POLICY_NESTED(l4lb_dest_policy),
	[L4LB_A_TIMEOUTS]	= NLA_POLICY_NESTED(l4lb_timeout_policy),
	[L4LB_A_WITH_DESTS]	= { .type = NLA_FLAG },
	[L4LB_A_CONN]		= NLA_POLICY_NESTED(l4lb_conn_policy),
	[L4LB_A_CONFIG]		= NLA_POLICY_NESTED(l4lb_config_policy),
	[L4LB_A_DAEMON]		= NLA_POLICY_NESTED(l4lb_daemon_policy),
};

static struct genl_family l4lb_genl_family;

/* Missing required attribute: name it (and its nest) in the extack. */
#define L4LB_MISSING(extack, nest, type, msg) ({		\
	NL_SET_ERR_ATTR_MISS(extack, nest, type);		\
	NL_SET_ERR_MSG_MOD(extack, msg);			\
	-EINVAL;						\
})

/* Rough upper bounds for reply sizes. */
#define L4LB_SVC_MSG_SIZE	512
#define L4LB_DEST_MSG_SIZE	320

/* ---------------------------------------------------------------- */
/* Request parsing                                                   */

static bool l4lb_bad_unicast(u8 family, const union l4lb_addr *addr)
{
	if (family == AF_INET6)
		return ipv6_addr_type(&addr->in6) &
		       (IPV6_ADDR_ANY | IPV6_ADDR_MULTICAST |
			IPV6_ADDR_MAPPED);
	return ipv4_is_zeronet(addr->ip) || ipv4_is_multicast(addr->ip) ||
	       ipv4_is_lbcast(addr->ip);
}

/* Where a nest keeps an address: its family, IPv4 and IPv6 attributes. */
struct l4lb_addr_attrs {
	int	family;
	int	addr;
	int	addr6;
};

/*
 * An address and its family from @tb (a parsed @nest): the family
 * attribute or @dflt, and that family's address attribute, which must be
 * there; the other family's must not.
 */
static int l4lb_parse_addr(struct nlattr **tb, const struct nlattr *nest,
			   const struct l4lb_addr_attrs *at, u8 dflt,
			   u8 *family, union l4lb_addr *addr,
			   struct netlink_ext_ack *extack)
{
	*family = tb[at->family] ? nla_get_u16(tb[at->family]) : dflt;
	switch (*family) {
	case AF_INET:
		if (tb[at->addr6]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[at->addr6],
					    "an IPv6 address (ADDR6) in an AF_INET request");
			return -EINVAL;
		}
		if (!tb[at->addr])
			return L4LB_MISSING(extack, nest, at->addr,
					    "Missing address");
		l4lb_addr_set4(addr, nla_get_in_addr(tb[at->addr]));
		return 0;
	case AF_INET6:
		if (tb[at->addr]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[at->addr],
					    "an IPv4 address (ADDR) in an AF_INET6 request");
			return -EINVAL;
		}
		if (!tb[at->addr6])
			return L4LB_MISSING(extack, nest, at->addr6,
					    "Missing IPv6 address (ADDR6)");
		l4lb_addr_set6(addr, nla_data(tb[at->addr6]));
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, tb[at->family],
			    "address family must be AF_INET or AF_INET6");
	return -EAFNOSUPPORT;
}

static const struct l4lb_addr_attrs l4lb_svc_addr_attrs = {
	L4LB_SVC_A_FAMILY, L4LB_SVC_A_ADDR, L4LB_SVC_A_ADDR6,
};

static const struct l4lb_addr_attrs l4lb_dest_addr_attrs = {
	L4LB_DEST_A_FAMILY, L4LB_DEST_A_ADDR, L4LB_DEST_A_ADDR6,
};

static const struct l4lb_addr_attrs l4lb_conn_addr_attrs = {
	L4LB_CONN_A_FAMILY, L4LB_CONN_A_CADDR, L4LB_CONN_A_CADDR6,
};

/* The address attribute of @family in @tb, for an extack. */
static struct nlattr *l4lb_addr_attr(struct nlattr **tb,
				     const struct l4lb_addr_attrs *at,
				     u8 family)
{
	return tb[family == AF_INET6 ? at->addr6 : at->addr];
}

static int l4lb_put_addr(struct sk_buff *skb,
			 const struct l4lb_addr_attrs *at, u8 family,
			 const union l4lb_addr *addr)
{
	if (nla_put_u16(skb, at->family, family))
		return -EMSGSIZE;
	if (family == AF_INET6)
		return nla_put_in6_addr(skb, at->addr6, &addr->in6);
	return nla_put_in_addr(skb, at->addr, addr->ip);
}

static int l4lb_parse_svc(struct nlattr **attrs, struct nlattr **tb,
			  struct netlink_ext_ack *extack)
{
	if (!attrs[L4LB_A_SERVICE])
		return L4LB_MISSING(extack, NULL, L4LB_A_SERVICE,
				    "Missing service (L4LB_A_SERVICE)");
	return nla_parse_nested(tb, L4LB_SVC_A_MAX, attrs[L4LB_A_SERVICE],
				l4lb_svc_policy, extack);
}

/* A firewall-mark service's key: FWMARK and FAMILY, nothing else. */
static int l4lb_parse_fwmark_key(struct nlattr **tb, struct l4lb_svc_key *key,
				 struct netlink_ext_ack *extack)
{
	static const int others[] = {
		L4LB_SVC_A_PROTOCOL, L4LB_SVC_A_ADDR, L4LB_SVC_A_ADDR6,
		L4LB_SVC_A_PORT,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(others); i++) {
		if (tb[others[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[others[i]],
					    "a firewall-mark service (FWMARK) has no address, port or protocol");
			return -EINVAL;
		}
	}
	memset(key, 0, sizeof(*key));
	key->family = tb[L4LB_SVC_A_FAMILY] ?
		      nla_get_u16(tb[L4LB_SVC_A_FAMILY]) : AF_INET;
	if (key->family != AF_INET && key->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_FAMILY],
				    "address family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	key->fwmark = nla_get_u32(tb[L4LB_SVC_A_FWMARK]);
	return 0;
}

static int l4lb_parse_svc_key(struct nlattr **attrs, struct nlattr **tb,
			      struct l4lb_svc_key *key,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *nest = attrs[L4LB_A_SERVICE];
	int err;

	err = l4lb_parse_svc(attrs, tb, extack);
	if (err)
		return err;
	if (tb[L4LB_SVC_A_FWMARK])
		return l4lb_parse_fwmark_key(tb, key, extack);
	key->fwmark = 0;
	if (!tb[L4LB_SVC_A_PROTOCOL])
		return L4LB_MISSING(extack, nest, L4LB_SVC_A_PROTOCOL,
				    "Missing service protocol");
	err = l4lb_parse_addr(tb, nest, &l4lb_svc_addr_attrs, AF_INET,
			      &key->family, &key->addr, extack);
	if (err)
		return err;
	if (!tb[L4LB_SVC_A_PORT])
		return L4LB_MISSING(extack, nest, L4LB_SVC_A_PORT,
				    "Missing service port");

	key->protocol = nla_get_u8(tb[L4LB_SVC_A_PROTOCOL]);
	key->port = nla_get_be16(tb[L4LB_SVC_A_PORT]);
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_PROTOCOL],
				    "service protocol must be TCP or UDP");
		return -EINVAL;
	}
	if (l4lb_bad_unicast(key->family, &key->addr)) {
		NL_SET_ERR_MSG_ATTR(extack,
				    l4lb_addr_attr(tb, &l4lb_svc_addr_attrs,
						   key->family),
				    "service address must be a unicast address");
		return -EINVAL;
	}
	if (!key->port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_PORT],
				    "service port must not be 0");
		return -EINVAL;
	}
	return 0;
}

static const struct l4lb_sched_ops *
l4lb_parse_sched(struct nlattr *attr, struct netlink_ext_ack *extack)
{
	const struct l4lb_sched_ops *sched;

	sched = l4lb_sched_find(attr ? nla_data(attr) : L4LB_DEFAULT_SCHED);
	if (!sched)
		NL_SET_ERR_MSG_ATTR(extack, attr, "unknown scheduler");
	return sched;
}

/* ipvsadm's defaults, or those of @cur, changed as @tb asks. */
static int l4lb_parse_sched_cfg(struct nlattr **tb,
				const struct l4lb_sched_cfg *cur,
				struct l4lb_sched_cfg *cfg,
				struct netlink_ext_ack *extack)
{
	if (cur) {
		*cfg = *cur;
	} else {
		memset(cfg, 0, sizeof(*cfg));
		cfg->mh_size = L4LB_MH_TABLE_SIZE_DEFAULT;
		BUILD_BUG_ON(sizeof(L4LB_MH_KEY_DEFAULT) !=
			     L4LB_MH_KEY_LEN + 1);
		memcpy(cfg->mh_key, L4LB_MH_KEY_DEFAULT, L4LB_MH_KEY_LEN);
	}
	if (tb[L4LB_SVC_A_SCHED_FLAGS])
		cfg->flags = nla_get_u32(tb[L4LB_SVC_A_SCHED_FLAGS]);
	if (tb[L4LB_SVC_A_MH_TABLE_SIZE]) {
		cfg->mh_size = nla_get_u32(tb[L4LB_SVC_A_MH_TABLE_SIZE]);
		if (!l4lb_mh_is_prime(cfg->mh_size)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_MH_TABLE_SIZE],
					    "mh table size must be a prime");
			return -EINVAL;
		}
	}
	if (tb[L4LB_SVC_A_MH_KEY])
		nla_memcpy(cfg->mh_key, tb[L4LB_SVC_A_MH_KEY],
			   sizeof(cfg->mh_key));
	return 0;
}

/* -p and -M: those of @cur (or the defaults), changed as @tb asks. */
static int l4lb_parse_persist(struct nlattr **tb, u8 family,
			      const struct l4lb_persist_cfg *cur,
			      struct l4lb_persist_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	u8 max = family == AF_INET6 ? 128 : 32;

	if (cur) {
		*cfg = *cur;
	} else {
		cfg->timeout = 0;
		cfg->prefix = max;
	}
	if (tb[L4LB_SVC_A_PERSIST_TIMEOUT])
		cfg->timeout = nla_get_u32(tb[L4LB_SVC_A_PERSIST_TIMEOUT]);
	if (tb[L4LB_SVC_A_PERSIST_PREFIX]) {
		cfg->prefix = nla_get_u8(tb[L4LB_SVC_A_PERSIST_PREFIX]);
		if (cfg->prefix > max) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[L4LB_SVC_A_PERSIST_PREFIX],
					    "persistence prefix longer than the address");
			return -EINVAL;
		}
	}
	return 0;
}

static int l4lb_parse_dest(struct genl_info *info, struct nlattr **tb)
{
	if (!info->attrs[L4LB_A_DEST])
		return L4LB_MISSING(info->extack, NULL, L4LB_A_DEST,
				    "Missing destination (L4LB_A_DEST)");
	return nla_parse_nested(tb, L4LB_DEST_A_MAX, info->attrs[L4LB_A_DEST],
				l4lb_dest_policy, info->extack);
}

/*
 * The dest's identity: address, its family (default: the service's) and
 * port (default: the service port).
 */
static int l4lb_parse_dest_key(struct genl_info *info, struct nlattr **tb,
			       const struct l4lb_service *svc, u8 *family,
			       union l4lb_addr *addr, __be16 *port)
{
	int err;

	err = l4lb_parse_addr(tb, info->attrs[L4LB_A_DEST],
			      &l4lb_dest_addr_attrs, svc->key.family, family,
			      addr, info->extack);
	if (err)
		return err;
	*port = tb[L4LB_DEST_A_PORT] ? nla_get_be16(tb[L4LB_DEST_A_PORT]) :
				       svc->key.port;
	return 0;
}

/*
 * Checks that depend on the forwarding method. Only a tunnel carries a
 * packet to a real server of the other family (as IPVS allows): direct
 * routing and NAT stay within the service's.
 */
static int l4lb_check_fwd(struct genl_info *info, struct nlattr **tb,
			  const struct l4lb_service *svc, u8 fwd, u8 family,
			  __be16 port)
{
	if (family != svc->key.family && fwd != L4LB_FWD_TUN) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[L4LB_DEST_A_FWD] ?: tb[L4LB_DEST_A_FAMILY],
				    "real server of another family than the service: only tunnelling (L4LB_FWD_TUN) can carry it");
		return -EINVAL;
	}
	if (fwd != L4LB_FWD_NAT && port != svc->key.port) {
		if (svc->key.fwmark)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_PORT],
					    "real server port must be 0 for direct routing and tunnelling of a firewall-mark service");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_PORT],
					    "real server port must equal the service port for direct routing and tunnelling");
		return -EINVAL;
	}
	if (fwd == L4LB_FWD_NAT && (svc->flags & L4LB_SVC_F_ONEPACKET)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_FWD],
				    "NAT destination on a one-packet service: its replies could not be translated without connection entries");
		return -EINVAL;
	}
	return 0;
}

/*
 * Service flags @flags for a service of @protocol; @svc, if it exists
 * already, with its destinations. Under ln->lock when @svc is given.
 */
static int l4lb_check_svc_flags(struct nlattr **tb, u8 protocol, u32 flags,
				const struct l4lb_service *svc,
				struct netlink_ext_ack *extack)
{
	const struct l4lb_dest *dest;

	if (!(flags & L4LB_SVC_F_ONEPACKET))
		return 0;
	if (protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_FLAGS],
				    "one-packet scheduling is for UDP services only");
		return -EINVAL;
	}
	if (!svc)
		return 0;
	lockdep_assert_held(&svc->ln->lock);
	list_for_each_entry(dest, &svc->dests, list)
		if (dest->fwd == L4LB_FWD_NAT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[L4LB_SVC_A_FLAGS],
					    "one-packet scheduling on a service with a NAT destination: its replies could not be translated without connection entries");
			return -EINVAL;
		}
	return 0;
}

/* The thresholds of @dtb, else @u and @l; ERANGE if lower > upper. */
static int l4lb_parse_thresh(struct genl_info *info, struct nlattr **dtb,
			     u32 *u, u32 *l)
{
	if (dtb[L4LB_DEST_A_U_THRESH])
		*u = nla_get_u32(dtb[L4LB_DEST_A_U_THRESH]);
	if (dtb[L4LB_DEST_A_L_THRESH])
		*l = nla_get_u32(dtb[L4LB_DEST_A_L_THRESH]);
	if (*l > *u) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    dtb[L4LB_DEST_A_L_THRESH] ?:
				    dtb[L4LB_DEST_A_U_THRESH],
				    "lower threshold is higher than the upper threshold");
		return -ERANGE;
	}
	return 0;
}

/*
 * The tunnel settings of a dest forwarding by @fwd: from the TUN_*
 * attributes over @cur (the dest's, on SET_DEST while it stays a tunnel
 * dest; else zero, the defaults).
 */
static int l4lb_parse_tun(struct genl_info *info, struct nlattr **tb, u8 fwd,
			  const struct l4lb_tun *cur, struct l4lb_tun *tun)
{
	static const int attrs[] = {
		L4LB_DEST_A_TUN_TYPE, L4LB_DEST_A_TUN_PORT,
		L4LB_DEST_A_TUN_FLAGS,
	};
	unsigned int i;

	memset(tun, 0, sizeof(*tun));
	if (fwd != L4LB_FWD_TUN) {
		for (i = 0; i < ARRAY_SIZE(attrs); i++) {
			if (tb[attrs[i]]) {
				NL_SET_ERR_MSG_ATTR(info->extack, tb[attrs[i]],
						    "tunnel attribute for a destination that does not tunnel");
				return -EINVAL;
			}
		}
		return 0;
	}
	*tun = *cur;
	if (tb[L4LB_DEST_A_TUN_TYPE]) {
		u8 type = nla_get_u8(tb[L4LB_DEST_A_TUN_TYPE]);

		if (type != tun->type) {
			/* The port and flags are the type's. */
			memset(tun, 0, sizeof(*tun));
			tun->type = type;
		}
	}
	if (tun->type == L4LB_TUN_IPIP) {
		if (tb[L4LB_DEST_A_TUN_PORT] || tb[L4LB_DEST_A_TUN_FLAGS]) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[L4LB_DEST_A_TUN_PORT] ?:
					    tb[L4LB_DEST_A_TUN_FLAGS],
					    "tunnel port and flags are not for IPIP");
			return -EINVAL;
		}
		return 0;
	}
	if (tun->type == L4LB_TUN_GRE && tb[L4LB_DEST_A_TUN_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_TUN_PORT],
				    "tunnel port is for GUE only");
		return -EINVAL;
	}
	if (tb[L4LB_DEST_A_TUN_PORT])
		tun->port = nla_get_be16(tb[L4LB_DEST_A_TUN_PORT]);
	if (tun->type == L4LB_TUN_GUE && !tun->port)
		return L4LB_MISSING(info->extack, info->attrs[L4LB_A_DEST],
				    L4LB_DEST_A_TUN_PORT,
				    "GUE needs a tunnel port (L4LB_DEST_A_TUN_PORT)");
	if (tb[L4LB_DEST_A_TUN_FLAGS])
		tun->flags = nla_get_u32(tb[L4LB_DEST_A_TUN_FLAGS]);
	if ((tun->flags & (L4LB_TUN_F_NOCSUM | L4LB_TUN_F_CSUM)) ==
	    (L4LB_TUN_F_NOCSUM | L4LB_TUN_F_CSUM)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_TUN_FLAGS],
				    "tunnel flags NOCSUM and CSUM exclude each other");
		return -EINVAL;
	}
	if ((tun->flags & L4LB_TUN_F_REMCSUM) && tun->type == L4LB_TUN_GRE) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_TUN_FLAGS],
				    "remote checksum offload (REMCSUM) is for GUE only");
		return -EINVAL;
	}
	if ((tun->flags & L4LB_TUN_F_REMCSUM) &&
	    (tun->flags & L4LB_TUN_F_CSUM)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DEST_A_TUN_FLAGS],
				    "tunnel flags REMCSUM and CSUM exclude each other");
		return -EINVAL;
	}
	return 0;
}

/* The configured outer sources of tunnels, if any. Config lock. */
static int l4lb_put_tun_src(struct sk_buff *msg, struct l4lb_net *ln)
{
	const struct l4lb_tun_src *src;

	src = rcu_dereference_protected(ln->tun_src,
					lockdep_is_held(&ln->lock));
	if (!src)
		return 0;
	if (src->addr4 &&
	    nla_put_in_addr(msg, L4LB_INFO_A_TUN_SOURCE, src->addr4))
		return -EMSGSIZE;
	if (!ipv6_addr_any(&src->addr6) &&
	    nla_put_in6_addr(msg, L4LB_INFO_A_TUN_SOURCE6, &src->addr6))
		return -EMSGSIZE;
	return 0;
}

static int l4lb_put_tun(struct sk_buff *skb, const struct l4lb_dest *dest)
{
	if (dest->fwd != L4LB_FWD_TUN)
		return 0;
	if (nla_put_u8(skb, L4LB_DEST_A_TUN_TYPE, dest->tun.type))
		return -EMSGSIZE;
	if (dest->tun.type == L4LB_TUN_IPIP)
		return 0;
	if (dest->tun.type == L4LB_TUN_GUE &&
	    nla_put_be16(skb, L4LB_DEST_A_TUN_PORT, dest->tun.port))
		return -EMSGSIZE;
	if (nla_put_u32(skb, L4LB_DEST_A_TUN_FLAGS, dest->tun.flags))
		return -EMSGSIZE;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Reply building                                                    */

/* Counters and rates; reading may take a rate sample, so not const. */
static int l4lb_put_stats(struct sk_buff *skb, int attr, struct l4lb_stats *s)
{
	static const int map[L4LB_NR_CTRS] = {
		[L4LB_CTR_CONNS]	= L4LB_STATS_A_CONNS,
		[L4LB_CTR_PKTS_IN]	= L4LB_STATS_A_PKTS_IN,
		[L4LB_CTR_BYTES_IN]	= L4LB_STATS_A_BYTES_IN,
		[L4LB_CTR_PKTS_OUT]	= L4LB_STATS_A_PKTS_OUT,
		[L4LB_CTR_BYTES_OUT]	= L4LB_STATS_A_BYTES_OUT,
	};
	static const int rate_map[L4LB_NR_CTRS] = {
		[L4LB_CTR_CONNS]	= L4LB_STATS_A_CONN_RATE,
		[L4LB_CTR_PKTS_IN]	= L4LB_STATS_A_PKTS_IN_RATE,
		[L4LB_CTR_BYTES_IN]	= L4LB_STATS_A_BYTES_IN_RATE,
		[L4LB_CTR_PKTS_OUT]	= L4LB_STATS_A_PKTS_OUT_RATE,
		[L4LB_CTR_BYTES_OUT]	= L4LB_STATS_A_BYTES_OUT_RATE,
	};
	struct l4lb_rates rates;
	u64 v[L4LB_NR_CTRS];
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	l4lb_stats_read_rates(s, v, &rates);
	for (i = 0; i < L4LB_NR_CTRS; i++) {
		if (nla_put_u64_64bit(skb, map[i], v[i], L4LB_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, rate_map[i], rates.per_sec[i],
				      L4LB_STATS_A_PAD))
			goto err_cancel;
	}
	if (nla_put_u64_64bit(skb, L4LB_STATS_A_RATE_WINDOW_MS,
			      rates.window_ms, L4LB_STATS_A_PAD))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int l4lb_put_drops(struct sk_buff *skb, struct l4lb_net *ln)
{
	static const int map[L4LB_NR_DROPS] = {
		[L4LB_DROP_NO_DEST]	= L4LB_DROP_A_NO_DEST,
		[L4LB_DROP_TABLE_FULL]	= L4LB_DROP_A_TABLE_FULL,
		[L4LB_DROP_MALFORMED]	= L4LB_DROP_A_MALFORMED,
		[L4LB_DROP_MTU]		= L4LB_DROP_A_MTU,
		[L4LB_DROP_NO_ROUTE]	= L4LB_DROP_A_NO_ROUTE,
	};
	u64 v[L4LB_NR_CTRS];
	struct nlattr *nest;
	unsigned int i;

	BUILD_BUG_ON((int)L4LB_NR_DROPS > (int)L4LB_NR_CTRS);
	nest = nla_nest_start(skb, L4LB_INFO_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	l4lb_stats_read(&ln->drops, v);
	for (i = 0; i < L4LB_NR_DROPS; i++) {
		if (nla_put_u64_64bit(skb, map[i], v[i], L4LB_DROP_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_put_dest(struct sk_buff *skb, struct l4lb_dest *dest)
{
	struct nlattr *nest;

	/* Reading stats may take a rate sample: serialised by the mutex. */
	lockdep_assert_held(&dest->ln->lock);

	nest = nla_nest_start(skb, L4LB_A_DEST);
	if (!nest)
		return -EMSGSIZE;
	if (l4lb_put_addr(skb, &l4lb_dest_addr_attrs, dest->family,
			  &dest->addr) ||
	    nla_put_be16(skb, L4LB_DEST_A_PORT, dest->port) ||
	    nla_put_u8(skb, L4LB_DEST_A_FWD, dest->fwd) ||
	    l4lb_put_tun(skb, dest) ||
	    nla_put_u32(skb, L4LB_DEST_A_WEIGHT, dest->weight) ||
	    nla_put_u32(skb, L4LB_DEST_A_FLAGS,
			l4lb_dest_is_down(dest) ? L4LB_DEST_F_DOWN : 0) ||
	    nla_put_u32(skb, L4LB_DEST_A_U_THRESH, dest->u_thresh) ||
	    nla_put_u32(skb, L4LB_DEST_A_L_THRESH, dest->l_thresh) ||
	    nla_put_u32(skb, L4LB_DEST_A_ACTIVE_CONNS,
			atomic_read(&dest->active_conns)) ||
	    nla_put_u32(skb, L4LB_DEST_A_INACTIVE_CONNS,
			atomic_read(&dest->inactive_conns)) ||
	    l4lb_put_stats(skb, L4LB_DEST_A_STATS, &dest->stats)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* FAMILY and FWMARK, or PROTOCOL, FAMILY, ADDR or ADDR6, PORT. */
static int l4lb_put_svc_key(struct sk_buff *skb, const struct l4lb_svc_key *k)
{
	if (k->fwmark)
		return nla_put_u16(skb, L4LB_SVC_A_FAMILY, k->family) ||
		       nla_put_u32(skb, L4LB_SVC_A_FWMARK, k->fwmark) ?
		       -EMSGSIZE : 0;
	return nla_put_u8(skb, L4LB_SVC_A_PROTOCOL, k->protocol) ||
	       l4lb_put_addr(skb, &l4lb_svc_addr_attrs, k->family, &k->addr) ||
	       nla_put_be16(skb, L4LB_SVC_A_PORT, k->port) ? -EMSGSIZE : 0;
}

/*
 * The service, and with @with_dests its destinations from index *@dest_pos
 * on. Returns 0 when complete, 1 when the message is full after at least
 * one destination (*@dest_pos is then the next one, for a continuation
 * message), -EMSGSIZE when nothing useful fitted (nothing is left in @skb).
 */
static int l4lb_put_svc(struct sk_buff *skb, struct l4lb_service *svc,
			bool with_dests, unsigned long *dest_pos)
{
	unsigned long idx = 0, first = *dest_pos;
	struct nlattr *nest, *dests;
	struct l4lb_dest *dest;
	int ret = 0;

	lockdep_assert_held(&svc->ln->lock);
	nest = nla_nest_start(skb, L4LB_A_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (l4lb_put_svc_key(skb, &svc->key) ||
	    nla_put_string(skb, L4LB_SVC_A_SCHED, svc->sched->name) ||
	    nla_put_u32(skb, L4LB_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u32(skb, L4LB_SVC_A_SCHED_FLAGS, svc->sched_cfg.flags) ||
	    nla_put_u32(skb, L4LB_SVC_A_MH_TABLE_SIZE,
			svc->sched_cfg.mh_size) ||
	    nla_put(skb, L4LB_SVC_A_MH_KEY, sizeof(svc->sched_cfg.mh_key),
		    svc->sched_cfg.mh_key) ||
	    nla_put_u32(skb, L4LB_SVC_A_PERSIST_TIMEOUT, svc->persist.timeout) ||
	    nla_put_u8(skb, L4LB_SVC_A_PERSIST_PREFIX, svc->persist.prefix) ||
	    l4lb_put_stats(skb, L4LB_SVC_A_STATS, &svc->stats))
		goto err_cancel;
	if (with_dests) {
		dests = nla_nest_start(skb, L4LB_SVC_A_DESTS);
		if (!dests)
			goto err_cancel;
		list_for_each_entry(dest, &svc->dests, list) {
			if (idx++ < first)
				continue;
			if (l4lb_put_dest(skb, dest)) {
				if (idx - 1 == first)
					goto err_cancel;
				*dest_pos = idx - 1;
				ret = 1;
				break;
			}
		}
		nla_nest_end(skb, dests);
	}
	nla_nest_end(skb, nest);
	return ret;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static size_t l4lb_svc_msg_size(const struct l4lb_service *svc,
				bool with_dests)
{
	return L4LB_SVC_MSG_SIZE +
	       (with_dests ? svc->dest_count * L4LB_DEST_MSG_SIZE : 0);
}

/* ---------------------------------------------------------------- */
/* Commands                                                          */

/* A reply to @info of command @cmd with room for @size bytes, or NULL. */
static struct sk_buff *l4lb_reply_new(struct genl_info *info, size_t size,
				      u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &l4lb_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int l4lb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = l4lb_reply_new(info, NLMSG_GOODSIZE, L4LB_CMD_GET_INFO, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ln->lock);
	nest = nla_nest_start(msg, L4LB_A_INFO);
	if (!nest ||
	    nla_put_string(msg, L4LB_INFO_A_VERSION, L4LB_MOD_VERSION) ||
	    nla_put_u32(msg, L4LB_INFO_A_CONN_MAX, READ_ONCE(l4lb_conn_max)) ||
	    nla_put_u32(msg, L4LB_INFO_A_CONN_BUCKETS, l4lb_conn_buckets()) ||
	    nla_put_u32(msg, L4LB_INFO_A_CONN_COUNT,
			atomic_read(&ln->conn_count)) ||
	    nla_put_u32(msg, L4LB_INFO_A_CONN_ENTRY_SIZE,
			l4lb_conn_entry_size(AF_INET)) ||
	    nla_put_u32(msg, L4LB_INFO_A_CONN_ENTRY_SIZE6,
			l4lb_conn_entry_size(AF_INET6)) ||
	    nla_put_u32(msg, L4LB_INFO_A_SERVICES, ln->svc_count) ||
	    nla_put_u32(msg, L4LB_INFO_A_DESTS,
			atomic_read(&ln->dest_count)) ||
	    l4lb_put_drops(msg, ln) ||
	    nla_put_u64_64bit(msg, L4LB_INFO_A_FAST_PKTS,
			      l4lb_stats_read_one(&ln->ctrs, L4LB_FAST_CLIENT),
			      L4LB_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, L4LB_INFO_A_FAST_REPLY_PKTS,
			      l4lb_stats_read_one(&ln->ctrs, L4LB_FAST_REPLY),
			      L4LB_INFO_A_PAD) ||
	    nla_put_u32(msg, L4LB_INFO_A_CONN_LIMIT,
			ln->conn_limit ? ln->conn_limit :
					 READ_ONCE(l4lb_conn_max)) ||
	    nla_put_u8(msg, L4LB_INFO_A_TCP_PICKUP,
		       !!(ln->flags & L4LB_NET_F_TCP_PICKUP)) ||
	    nla_put_u64_64bit(msg, L4LB_INFO_A_CONN_EVICTED,
			      l4lb_stats_read_one(&ln->ctrs, L4LB_CTR_EVICTED),
			      L4LB_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, L4LB_INFO_A_NOT_SYN_PKTS,
			      l4lb_stats_read_one(&ln->ctrs, L4LB_CTR_NOT_SYN),
			      L4LB_INFO_A_PAD) ||
	    nla_put_u32(msg, L4LB_INFO_A_TEMPLATE_COUNT,
			atomic_read(&ln->persist.count)) ||
	    nla_put_u32(msg, L4LB_INFO_A_TEMPLATE_LIMIT,
			READ_ONCE(l4lb_persist_max)) ||
	    nla_put_u8(msg, L4LB_INFO_A_EXPIRE_QUIESCENT,
		       !(ln->flags & L4LB_NET_F_KEEP_QUIESCENT)) ||
	    l4lb_put_tun_src(msg, ln)) {
		mutex_unlock(&ln->lock);
		goto err_free;
	}
	mutex_unlock(&ln->lock);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int l4lb_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	const struct l4lb_sched_ops *sched;
	struct l4lb_persist_cfg pcfg;
	struct l4lb_sched_cfg cfg;
	struct l4lb_svc_key key;
	u32 flags = 0;
	int err;

	err = l4lb_parse_svc_key(info->attrs, tb, &key, info->extack);
	if (err)
		return err;
	err = l4lb_parse_persist(tb, key.family, NULL, &pcfg, info->extack);
	if (err)
		return err;
	sched = l4lb_parse_sched(tb[L4LB_SVC_A_SCHED], info->extack);
	if (!sched)
		return -ENOENT;
	if (tb[L4LB_SVC_A_FLAGS])
		flags = nla_get_u32(tb[L4LB_SVC_A_FLAGS]);
	else if (!strcmp(sched->name, "mh"))
		flags = L4LB_SVC_F_PICKUP;	/* see the UAPI header */
	err = l4lb_check_svc_flags(tb, key.protocol, flags, NULL,
				   info->extack);
	if (err)
		return err;
	err = l4lb_parse_sched_cfg(tb, NULL, &cfg, info->extack);
	if (err)
		return err;

	mutex_lock(&ln->lock);
	err = l4lb_svc_add(ln, &key, sched, flags, &cfg);
	if (!err)
		l4lb_svc_set_persist(l4lb_svc_find(ln, &key), &pcfg);
	mutex_unlock(&ln->lock);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L4LB_A_SERVICE],
				    "Service already exists");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG_MOD(info->extack, "Service limit reached");
	return err;
}

/* Lock held on success; the service is looked up in the caller's netns. */
static struct l4lb_service *l4lb_nl_lock_svc(struct genl_info *info,
					     struct nlattr **tb, int *err)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct l4lb_service *svc;
	struct l4lb_svc_key key;

	*err = l4lb_parse_svc_key(info->attrs, tb, &key, info->extack);
	if (*err)
		return NULL;
	mutex_lock(&ln->lock);
	svc = l4lb_svc_find(ln, &key);
	if (!svc) {
		mutex_unlock(&ln->lock);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L4LB_A_SERVICE],
				    "No such service");
		*err = -ENOENT;
	}
	return svc;
}

static int l4lb_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	const struct l4lb_sched_ops *sched;
	struct l4lb_persist_cfg pcfg;
	struct l4lb_sched_cfg cfg;
	struct l4lb_service *svc;
	u32 flags;
	int err;

	svc = l4lb_nl_lock_svc(info, tb, &err);
	if (!svc)
		return err;
	sched = svc->sched;
	if (tb[L4LB_SVC_A_SCHED]) {
		sched = l4lb_parse_sched(tb[L4LB_SVC_A_SCHED], info->extack);
		if (!sched) {
			err = -ENOENT;
			goto out_unlock;
		}
	}
	flags = tb[L4LB_SVC_A_FLAGS] ? nla_get_u32(tb[L4LB_SVC_A_FLAGS]) :
				       svc->flags;
	err = l4lb_check_svc_flags(tb, svc->key.protocol, flags, svc,
				   info->extack);
	if (err)
		goto out_unlock;
	err = l4lb_parse_sched_cfg(tb, &svc->sched_cfg, &cfg, info->extack);
	if (err)
		goto out_unlock;
	err = l4lb_parse_persist(tb, svc->key.family, &svc->persist, &pcfg,
				 info->extack);
	if (err)
		goto out_unlock;
	err = l4lb_svc_edit(svc, sched, flags, &cfg);
	if (!err)
		l4lb_svc_set_persist(svc, &pcfg);
out_unlock:
	mutex_unlock(&svc->ln->lock);
	return err;
}

static int l4lb_nl_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_net *ln;
	int err;

	svc = l4lb_nl_lock_svc(info, tb, &err);
	if (!svc)
		return err;
	ln = svc->ln;
	l4lb_svc_del(svc);
	mutex_unlock(&ln->lock);
	return 0;
}

static int l4lb_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	bool with_dests = nla_get_flag(info->attrs[L4LB_A_WITH_DESTS]);
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_service *svc;
	unsigned long dest_pos = 0;
	struct sk_buff *msg;
	void *hdr;
	int err;

	svc = l4lb_nl_lock_svc(info, tb, &err);
	if (!svc)
		return err;
	err = -ENOMEM;
	msg = l4lb_reply_new(info, l4lb_svc_msg_size(svc, with_dests),
			     L4LB_CMD_GET_SERVICE, &hdr);
	if (!msg)
		goto out_unlock;
	/* Sized for every destination: a partial answer is an error here. */
	err = -EMSGSIZE;
	if (l4lb_put_svc(msg, svc, with_dests, &dest_pos)) {
		nlmsg_free(msg);
		goto out_unlock;
	}
	mutex_unlock(&svc->ln->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_unlock:
	mutex_unlock(&svc->ln->lock);
	return err;
}

/*
 * One service per message, or several for a service whose destinations do
 * not fit in one. Resumable at (bucket, index in bucket, index of the next
 * destination of that service).
 */
static int l4lb_nl_dump_services(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	bool with_dests = nla_get_flag(info->attrs[L4LB_A_WITH_DESTS]);
	unsigned long bucket = cb->args[0], skip = cb->args[1], idx = 0;
	unsigned long dest_pos = cb->args[2];
	struct l4lb_service *svc;
	int err = 0, ret;

	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	for (; bucket < L4LB_SVC_TAB_SIZE; bucket++, skip = 0) {
		idx = 0;
		hlist_for_each_entry_rcu(svc, &ln->svc_tab[bucket], node,
					 lockdep_is_held(&ln->lock)) {
			void *hdr;

			if (idx < skip) {
				idx++;
				continue;
			}
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq,
					  &l4lb_genl_family, NLM_F_MULTI,
					  L4LB_CMD_GET_SERVICE);
			if (!hdr) {
				err = -EMSGSIZE;
				goto out;
			}
			genl_dump_check_consistent(cb, hdr);
			ret = l4lb_put_svc(skb, svc, with_dests, &dest_pos);
			if (ret < 0) {
				genlmsg_cancel(skb, hdr);
				err = ret;
				goto out;
			}
			genlmsg_end(skb, hdr);
			if (ret > 0) {
				/* Full: continue this service next time. */
				err = -EMSGSIZE;
				goto out;
			}
			dest_pos = 0;
			idx++;
		}
	}
out:
	mutex_unlock(&ln->lock);
	cb->args[0] = bucket;
	cb->args[1] = idx;
	cb->args[2] = dest_pos;
	/* Nothing fitted in an empty buffer: report it, do not end quietly. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/*
 * A NAT dest's replies come back through this host's forwarding path: with
 * forwarding off they are dropped, and the service looks dead without any
 * error anywhere. The dest is valid (forwarding may be turned on next), so
 * it is added, with a message that the caller shows as a warning.
 */
static void l4lb_warn_no_forwarding(struct genl_info *info, u8 fwd,
				    u8 family)
{
	struct net *net = genl_info_net(info);

	if (fwd != L4LB_FWD_NAT)
		return;
	if (family == AF_INET && !IPV4_DEVCONF_ALL(net, FORWARDING))
		NL_SET_ERR_MSG(info->extack,
			       "net.ipv4.ip_forward is 0 here: the replies of NAT destinations will be dropped until it is 1");
#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6 && !READ_ONCE(net->ipv6.devconf_all->forwarding))
		NL_SET_ERR_MSG(info->extack,
			       "net.ipv6.conf.all.forwarding is 0 here: the replies of NAT destinations will be dropped until it is 1");
#endif
}

/* L4LB_DEST_F_DOWN from the request, else @dflt. */
static bool l4lb_dest_down_attr(struct nlattr **dtb, bool dflt)
{
	if (!dtb[L4LB_DEST_A_FLAGS])
		return dflt;
	return nla_get_u32(dtb[L4LB_DEST_A_FLAGS]) & L4LB_DEST_F_DOWN;
}

static int l4lb_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dtb[L4LB_DEST_A_MAX + 1];
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_dest_cfg cfg = {};
	int err;

	err = l4lb_parse_dest(info, dtb);
	if (err)
		return err;
	svc = l4lb_nl_lock_svc(info, tb, &err);
	if (!svc)
		return err;
	err = l4lb_parse_dest_key(info, dtb, svc, &cfg.family, &cfg.addr,
				  &cfg.port);
	if (err)
		goto out_unlock;
	if (l4lb_bad_unicast(cfg.family, &cfg.addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    l4lb_addr_attr(dtb, &l4lb_dest_addr_attrs,
						   cfg.family),
				    "destination address must be a unicast address");
		err = -EINVAL;
		goto out_unlock;
	}
	cfg.fwd = dtb[L4LB_DEST_A_FWD] ? nla_get_u8(dtb[L4LB_DEST_A_FWD]) :
					 L4LB_FWD_DR;
	cfg.weight = dtb[L4LB_DEST_A_WEIGHT] ?
		     nla_get_u32(dtb[L4LB_DEST_A_WEIGHT]) : 1;
	cfg.down = l4lb_dest_down_attr(dtb, false);
	cfg.u_thresh = 0;
	cfg.l_thresh = 0;
	err = l4lb_parse_thresh(info, dtb, &cfg.u_thresh, &cfg.l_thresh);
	if (err)
		goto out_unlock;
	err = l4lb_check_fwd(info, dtb, svc, cfg.fwd, cfg.family, cfg.port);
	if (err)
		goto out_unlock;
	err = l4lb_parse_tun(info, dtb, cfg.fwd, &cfg.tun, &cfg.tun);
	if (err)
		goto out_unlock;

	err = l4lb_svc_add_dest(svc, &cfg);
	if (!err)
		l4lb_warn_no_forwarding(info, cfg.fwd, cfg.family);
	else if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L4LB_A_DEST],
				    "Destination already exists");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Destination limit of the service reached");
out_unlock:
	mutex_unlock(&svc->ln->lock);
	return err;
}

/* Lock held and dest found on success. */
static struct l4lb_dest *l4lb_nl_lock_dest(struct genl_info *info,
					   struct nlattr **dtb,
					   struct l4lb_service **svcp,
					   int *err)
{
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	union l4lb_addr addr;
	__be16 port;
	u8 family;

	*err = l4lb_parse_dest(info, dtb);
	if (*err)
		return NULL;
	svc = l4lb_nl_lock_svc(info, tb, err);
	if (!svc)
		return NULL;
	*err = l4lb_parse_dest_key(info, dtb, svc, &family, &addr, &port);
	if (*err)
		goto err_unlock;
	dest = l4lb_svc_find_dest(svc, family, &addr, port);
	if (!dest) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L4LB_A_DEST],
				    "No such destination");
		*err = -ENOENT;
		goto err_unlock;
	}
	*svcp = svc;
	return dest;

err_unlock:
	mutex_unlock(&svc->ln->lock);
	return NULL;
}

static int l4lb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dtb[L4LB_DEST_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	struct l4lb_tun tun;
	u32 weight, u, l;
	bool down;
	u8 fwd;
	int err;

	dest = l4lb_nl_lock_dest(info, dtb, &svc, &err);
	if (!dest)
		return err;
	weight = dtb[L4LB_DEST_A_WEIGHT] ?
		 nla_get_u32(dtb[L4LB_DEST_A_WEIGHT]) : dest->weight;
	down = l4lb_dest_down_attr(dtb, l4lb_dest_is_down(dest));
	u = dest->u_thresh;
	l = dest->l_thresh;
	err = l4lb_parse_thresh(info, dtb, &u, &l);
	if (err)
		goto out_unlock;
	fwd = dtb[L4LB_DEST_A_FWD] ? nla_get_u8(dtb[L4LB_DEST_A_FWD]) :
				     dest->fwd;
	err = l4lb_parse_tun(info, dtb, fwd, &dest->tun, &tun);
	if (err)
		goto out_unlock;
	if (fwd != dest->fwd || tun.type != dest->tun.type ||
	    tun.port != dest->tun.port || tun.flags != dest->tun.flags) {
		struct l4lb_dest_cfg cfg = {
			.addr	= dest->addr,
			.family	= dest->family,
			.port	= dest->port,
			.fwd	= fwd,
			.tun	= tun,
			.weight	= weight,
			.u_thresh = u,
			.l_thresh = l,
			.down	= down,
		};

		err = l4lb_check_fwd(info, dtb, svc, cfg.fwd, cfg.family,
				     cfg.port);
		if (!err)
			err = l4lb_svc_replace_dest(svc, dest, &cfg);
		if (!err)
			l4lb_warn_no_forwarding(info, cfg.fwd, cfg.family);
	} else {
		if (weight != dest->weight || down != l4lb_dest_is_down(dest))
			err = l4lb_svc_edit_dest(svc, dest, weight, down);
		/* Last: it cannot fail, and a refused edit changes nothing. */
		if (!err && (u != dest->u_thresh || l != dest->l_thresh))
			l4lb_dest_set_thresh(dest, u, l);
	}
out_unlock:
	mutex_unlock(&svc->ln->lock);
	return err;
}

static int l4lb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dtb[L4LB_DEST_A_MAX + 1];
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	int err;

	dest = l4lb_nl_lock_dest(info, dtb, &svc, &err);
	if (!dest)
		return err;
	err = l4lb_svc_del_dest(svc, dest);
	mutex_unlock(&svc->ln->lock);
	return err;
}

/*
 * One dest per message; resumable at the index in the service's list.
 *
 * The key is checked here, not in a .start callback: in 6.1 a .start
 * callback runs without cb->extack, so its refusals would reach the caller
 * without a message. A refusal on the first call comes back in NLMSG_DONE,
 * with the extack message.
 */
static int l4lb_nl_dump_dests(struct sk_buff *skb,
			      struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct l4lb_net *ln = l4lb_pernet(sock_net(skb->sk));
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	unsigned long idx = 0, skip = cb->args[0];
	bool started = cb->args[1];
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	struct l4lb_svc_key key;
	int err;

	err = l4lb_parse_svc_key(info->attrs, tb, &key, cb->extack);
	if (err)
		return err;
	cb->args[1] = 1;
	mutex_lock(&ln->lock);
	cb->seq = ln->gen;
	svc = l4lb_svc_find(ln, &key);
	if (!svc && !started) {
		NL_SET_ERR_MSG_ATTR(cb->extack, info->attrs[L4LB_A_SERVICE],
				    "No such service");
		err = -ENOENT;
		goto out;
	}
	if (!svc) {
		/* Deleted mid-dump: the generation check flags the change. */
		err = skb->len;
		goto out;
	}
	err = 0;
	list_for_each_entry(dest, &svc->dests, list) {
		void *hdr;

		if (idx++ < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &l4lb_genl_family,
				  NLM_F_MULTI, L4LB_CMD_GET_DEST);
		if (!hdr) {
			idx--;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (l4lb_put_dest(skb, dest)) {
			genlmsg_cancel(skb, hdr);
			idx--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = idx;
	err = skb->len;
out:
	mutex_unlock(&ln->lock);
	return err;
}

/* What a connection dump selects; kept in cb->args[2..] between calls. */
/* What a connection dump selects; allocated on its first call. */
struct l4lb_conn_filter {
	struct l4lb_svc_key	svc;
	union l4lb_addr		daddr;
	union l4lb_addr		caddr;
	__be16			dport;
	__be16			cport;
	u8			dfamily;
	u8			cfamily;
	u8			has_svc:1, has_daddr:1, has_dport:1,
				has_caddr:1, has_cport:1;
};

struct l4lb_conn_dump {
	const struct l4lb_conn_filter	*filter;
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
};

/* cb->args[2] is the filter (l4lb_nl_dump_conns()). */
static struct l4lb_conn_filter *l4lb_conn_filter(struct netlink_callback *cb)
{
	return (struct l4lb_conn_filter *)cb->args[2];
}

static int l4lb_nl_dump_conns_done(struct netlink_callback *cb)
{
	kfree(l4lb_conn_filter(cb));
	return 0;
}

/*
 * On the first dumpit call, not in .start: in 6.1 cb->extack is not set
 * yet when .start runs, so its messages would be lost. A refusal here
 * comes back in NLMSG_DONE with its message.
 */
static int l4lb_conn_filter_parse(struct netlink_callback *cb,
				  struct l4lb_conn_filter *f)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct nlattr *dtb[L4LB_DEST_A_MAX + 1];
	struct nlattr *ctb[L4LB_CONN_A_MAX + 1];
	int err;

	if (info->attrs[L4LB_A_SERVICE]) {
		err = l4lb_parse_svc_key(info->attrs, tb, &f->svc, cb->extack);
		if (err)
			return err;
		f->has_svc = 1;
	}
	if (info->attrs[L4LB_A_DEST]) {
		err = nla_parse_nested(dtb, L4LB_DEST_A_MAX,
				       info->attrs[L4LB_A_DEST],
				       l4lb_dest_policy, cb->extack);
		if (err)
			return err;
		err = l4lb_parse_addr(dtb, info->attrs[L4LB_A_DEST],
				      &l4lb_dest_addr_attrs, AF_INET,
				      &f->dfamily, &f->daddr, cb->extack);
		if (err)
			return err;
		f->has_daddr = 1;
		if (dtb[L4LB_DEST_A_PORT]) {
			f->dport = nla_get_be16(dtb[L4LB_DEST_A_PORT]);
			f->has_dport = 1;
		}
	}
	if (info->attrs[L4LB_A_CONN]) {
		err = nla_parse_nested(ctb, L4LB_CONN_A_MAX,
				       info->attrs[L4LB_A_CONN],
				       l4lb_conn_policy, cb->extack);
		if (err)
			return err;
		err = l4lb_parse_addr(ctb, info->attrs[L4LB_A_CONN],
				      &l4lb_conn_addr_attrs, AF_INET,
				      &f->cfamily, &f->caddr, cb->extack);
		if (err)
			return err;
		f->has_caddr = 1;
		if (ctb[L4LB_CONN_A_CPORT]) {
			f->cport = nla_get_be16(ctb[L4LB_CONN_A_CPORT]);
			f->has_cport = 1;
		}
	}
	return 0;
}

/* An entry's client and VIP as union addresses, unused words zero. */
static u8 l4lb_conn_addrs(const struct l4lb_conn *c, union l4lb_addr *caddr,
			  union l4lb_addr *vaddr)
{
	if (c->flags & L4LB_CONN_F_INET6) {
		l4lb_addr_set6(caddr, &c->a.v6.caddr);
		l4lb_addr_set6(vaddr, &c->a.v6.vaddr);
		return AF_INET6;
	}
	l4lb_addr_set4(caddr, c->a.v4.caddr);
	l4lb_addr_set4(vaddr, c->a.v4.vaddr);
	return AF_INET;
}

/* RCU: whether @c is of firewall-mark service @key. */
static bool l4lb_conn_of_fwmark(const struct l4lb_conn *c,
				const struct l4lb_svc_key *key)
{
	const struct l4lb_service *svc = rcu_dereference(c->dest->svc);

	return svc && svc->key.fwmark == key->fwmark &&
	       svc->key.family == key->family;
}

static bool l4lb_conn_selected(const struct l4lb_conn_filter *f,
			       const struct l4lb_conn *c)
{
	union l4lb_addr caddr, vaddr;
	u8 family = l4lb_conn_addrs(c, &caddr, &vaddr);

	if (f->has_svc && f->svc.fwmark && !l4lb_conn_of_fwmark(c, &f->svc))
		return false;
	return (!f->has_svc || f->svc.fwmark ||
		(c->protocol == f->svc.protocol &&
		 family == f->svc.family &&
		 l4lb_addr_eq(&vaddr, &f->svc.addr) &&
		 c->vport == f->svc.port)) &&
	       (!f->has_daddr || (c->dest->family == f->dfamily &&
				  l4lb_addr_eq(&c->dest->addr, &f->daddr))) &&
	       (!f->has_dport || l4lb_conn_rport(c) == f->dport) &&
	       (!f->has_caddr || (family == f->cfamily &&
				  l4lb_addr_eq(&caddr, &f->caddr))) &&
	       (!f->has_cport || c->cport == f->cport);
}

static int l4lb_put_conn(struct sk_buff *skb, const struct l4lb_conn *c)
{
	long left = (long)(READ_ONCE(c->expires) - jiffies);
	union l4lb_addr caddr, vaddr;
	u8 family = l4lb_conn_addrs(c, &caddr, &vaddr);
	bool inet6 = family == AF_INET6;
	struct nlattr *nest;

	nest = nla_nest_start(skb, L4LB_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, L4LB_CONN_A_PROTOCOL, c->protocol) ||
	    nla_put_u16(skb, L4LB_CONN_A_FAMILY, family) ||
	    nla_put_u16(skb, L4LB_CONN_A_DFAMILY, c->dest->family) ||
	    (inet6 ? nla_put_in6_addr(skb, L4LB_CONN_A_CADDR6, &caddr.in6) ||
		     nla_put_in6_addr(skb, L4LB_CONN_A_VADDR6, &vaddr.in6) :
		     nla_put_in_addr(skb, L4LB_CONN_A_CADDR, caddr.ip) ||
		     nla_put_in_addr(skb, L4LB_CONN_A_VADDR, vaddr.ip)) ||
	    (c->dest->family == AF_INET6 ?
	     nla_put_in6_addr(skb, L4LB_CONN_A_DADDR6, &c->dest->addr.in6) :
	     nla_put_in_addr(skb, L4LB_CONN_A_DADDR, c->dest->addr.ip)) ||
	    nla_put_be16(skb, L4LB_CONN_A_CPORT, c->cport) ||
	    nla_put_be16(skb, L4LB_CONN_A_VPORT, c->vport) ||
	    nla_put_be16(skb, L4LB_CONN_A_DPORT, l4lb_conn_rport(c)) ||
	    nla_put_u8(skb, L4LB_CONN_A_FWD, c->dest->fwd) ||
	    nla_put_u8(skb, L4LB_CONN_A_STATE, READ_ONCE(c->state)) ||
	    nla_put_u32(skb, L4LB_CONN_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One CONN message of @obj, written by @put, in @d's dump; nonzero when
 * the message is full.
 */
static int l4lb_dump_one(struct l4lb_conn_dump *d,
			 int (*put)(struct sk_buff *skb, const void *obj),
			 const void *obj)
{
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &l4lb_genl_family,
			  NLM_F_MULTI, L4LB_CMD_GET_CONN);
	if (!hdr)
		return -EMSGSIZE;
	if (put(d->skb, obj)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int l4lb_put_conn_obj(struct sk_buff *skb, const void *obj)
{
	return l4lb_put_conn(skb, obj);
}

/* l4lb_conn_walk() callback: one entry per message; nonzero when full. */
static int l4lb_dump_conn(const struct l4lb_conn *c, void *arg)
{
	struct l4lb_conn_dump *d = arg;

	if (!l4lb_conn_selected(d->filter, c))
		return 0;
	return l4lb_dump_one(d, l4lb_put_conn_obj, c);
}

static bool l4lb_tmpl_selected(const struct l4lb_conn_filter *f,
			       const struct l4lb_tmpl *t)
{
	const struct l4lb_svc_key *k = &t->svc->key;

	return (!f->has_svc || (k->protocol == f->svc.protocol &&
				k->family == f->svc.family &&
				k->fwmark == f->svc.fwmark &&
				l4lb_addr_eq(&k->addr, &f->svc.addr) &&
				k->port == f->svc.port)) &&
	       (!f->has_daddr || (t->dest->family == f->dfamily &&
				  l4lb_addr_eq(&t->dest->addr, &f->daddr))) &&
	       (!f->has_dport || t->dest->port == f->dport) &&
	       (!f->has_caddr || (k->family == f->cfamily &&
				  l4lb_addr_eq(&t->caddr, &f->caddr))) &&
	       (!f->has_cport || !f->cport);
}

static int l4lb_put_tmpl(struct sk_buff *skb, const struct l4lb_tmpl *t)
{
	long left = (long)(READ_ONCE(t->expires) - jiffies);
	const struct l4lb_svc_key *k = &t->svc->key;
	const struct l4lb_dest *dest = t->dest;
	union l4lb_addr vaddr = k->addr;
	struct nlattr *nest;

	/* A firewall-mark service's: its mark as the address, as IPVS. */
	if (k->fwmark)
		vaddr.ip = htonl(k->fwmark);

	nest = nla_nest_start(skb, L4LB_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_flag(skb, L4LB_CONN_A_TEMPLATE) ||
	    nla_put_u8(skb, L4LB_CONN_A_PROTOCOL, IPPROTO_IP) ||
	    nla_put_u16(skb, L4LB_CONN_A_FAMILY, k->family) ||
	    nla_put_u16(skb, L4LB_CONN_A_DFAMILY, dest->family) ||
	    (k->family == AF_INET6 ?
	     nla_put_in6_addr(skb, L4LB_CONN_A_CADDR6, &t->caddr.in6) ||
	     nla_put_in6_addr(skb, L4LB_CONN_A_VADDR6, &vaddr.in6) :
	     nla_put_in_addr(skb, L4LB_CONN_A_CADDR, t->caddr.ip) ||
	     nla_put_in_addr(skb, L4LB_CONN_A_VADDR, vaddr.ip)) ||
	    (dest->family == AF_INET6 ?
	     nla_put_in6_addr(skb, L4LB_CONN_A_DADDR6, &dest->addr.in6) :
	     nla_put_in_addr(skb, L4LB_CONN_A_DADDR, dest->addr.ip)) ||
	    nla_put_be16(skb, L4LB_CONN_A_CPORT, 0) ||
	    nla_put_be16(skb, L4LB_CONN_A_VPORT, k->port) ||
	    nla_put_be16(skb, L4LB_CONN_A_DPORT, dest->port) ||
	    nla_put_u8(skb, L4LB_CONN_A_FWD, dest->fwd) ||
	    nla_put_u8(skb, L4LB_CONN_A_STATE, L4LB_CONN_S_NONE) ||
	    nla_put_u32(skb, L4LB_CONN_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int l4lb_put_tmpl_obj(struct sk_buff *skb, const void *obj)
{
	return l4lb_put_tmpl(skb, obj);
}

/* l4lb_persist_walk() callback, as l4lb_dump_conn(). */
static int l4lb_dump_tmpl(const struct l4lb_tmpl *t, void *arg)
{
	struct l4lb_conn_dump *d = arg;

	if (!l4lb_tmpl_selected(d->filter, t))
		return 0;
	return l4lb_dump_one(d, l4lb_put_tmpl_obj, t);
}

/*
 * cb->args[0..1]: the connection walk's position; [2]: the filter;
 * [3..4]: the template walk's, once the connections are done.
 */
static int l4lb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct l4lb_conn_dump d = {
		.filter	= l4lb_conn_filter(cb),
		.skb	= skb,
		.cb	= cb,
	};
	struct l4lb_conn_filter *f;
	int err;

	if (!d.filter) {
		f = kzalloc(sizeof(*f), GFP_KERNEL);
		if (!f)
			return -ENOMEM;
		err = l4lb_conn_filter_parse(cb, f);
		if (err) {
			kfree(f);
			return err;
		}
		cb->args[2] = (long)f;
		d.filter = f;
	}
	err = l4lb_conn_walk(sock_net(skb->sk), &cb->args[0], &cb->args[1],
			     l4lb_dump_conn, &d);
	if (!err)
		err = l4lb_persist_walk(l4lb_pernet(sock_net(skb->sk)),
					&cb->args[3], &cb->args[4],
					l4lb_dump_tmpl, &d);
	/* Not even one entry fitted in an empty buffer: say so. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int l4lb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));

	mutex_lock(&ln->lock);
	l4lb_svc_flush(ln);
	mutex_unlock(&ln->lock);
	return 0;
}

static int l4lb_nl_get_timeouts(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = l4lb_reply_new(info, NLMSG_GOODSIZE, L4LB_CMD_GET_TIMEOUTS, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&ln->lock);
	nest = nla_nest_start(msg, L4LB_A_TIMEOUTS);
	if (!nest ||
	    nla_put_u32(msg, L4LB_TIMEOUT_A_TCP, ln->timeout_tcp) ||
	    nla_put_u32(msg, L4LB_TIMEOUT_A_TCP_FIN, ln->timeout_tcp_fin) ||
	    nla_put_u32(msg, L4LB_TIMEOUT_A_UDP, ln->timeout_udp)) {
		mutex_unlock(&ln->lock);
		goto err_free;
	}
	mutex_unlock(&ln->lock);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* 0 or absent leaves a value alone (as ipvsadm --set does). */
static void l4lb_set_timeout(u32 *val, struct nlattr *attr)
{
	u32 secs = attr ? nla_get_u32(attr) : 0;

	if (secs)
		WRITE_ONCE(*val, secs);
}

static int l4lb_nl_set_timeouts(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *tb[L4LB_TIMEOUT_A_MAX + 1];
	int err;

	if (!info->attrs[L4LB_A_TIMEOUTS])
		return L4LB_MISSING(info->extack, NULL, L4LB_A_TIMEOUTS,
				    "Missing timeouts (L4LB_A_TIMEOUTS)");
	err = nla_parse_nested(tb, L4LB_TIMEOUT_A_MAX,
			       info->attrs[L4LB_A_TIMEOUTS],
			       l4lb_timeout_policy, info->extack);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	l4lb_set_timeout(&ln->timeout_tcp, tb[L4LB_TIMEOUT_A_TCP]);
	l4lb_set_timeout(&ln->timeout_tcp_fin, tb[L4LB_TIMEOUT_A_TCP_FIN]);
	l4lb_set_timeout(&ln->timeout_udp, tb[L4LB_TIMEOUT_A_UDP]);
	mutex_unlock(&ln->lock);
	return 0;
}

/*
 * The outer sources of L4LB_CONFIG_A_TUN_SOURCE*, into @a4 and @a6 (NULL
 * if absent): unspecified, or an address of this netns.
 */
static int l4lb_parse_tun_src(struct genl_info *info, struct nlattr **tb,
			      __be32 *a4, struct in6_addr *a6)
{
	struct net *net = genl_info_net(info);

	if (tb[L4LB_CONFIG_A_TUN_SOURCE]) {
		*a4 = nla_get_in_addr(tb[L4LB_CONFIG_A_TUN_SOURCE]);
		if (*a4 && inet_addr_type(net, *a4) != RTN_LOCAL) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[L4LB_CONFIG_A_TUN_SOURCE],
					    "tunnel source is not an address of this network namespace");
			return -EADDRNOTAVAIL;
		}
	}
	if (tb[L4LB_CONFIG_A_TUN_SOURCE6]) {
		*a6 = nla_get_in6_addr(tb[L4LB_CONFIG_A_TUN_SOURCE6]);
		if (!ipv6_addr_any(a6) && !ipv6_chk_addr(net, a6, NULL, 0)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[L4LB_CONFIG_A_TUN_SOURCE6],
					    "tunnel source is not an address of this network namespace");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static int l4lb_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *tb[L4LB_CONFIG_A_MAX + 1];
	struct in6_addr a6 = {};
	__be32 a4 = 0;
	int err;

	if (!info->attrs[L4LB_A_CONFIG])
		return L4LB_MISSING(info->extack, NULL, L4LB_A_CONFIG,
				    "Missing settings (L4LB_A_CONFIG)");
	err = nla_parse_nested(tb, L4LB_CONFIG_A_MAX,
			       info->attrs[L4LB_A_CONFIG],
			       l4lb_config_policy, info->extack);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	err = l4lb_parse_tun_src(info, tb, &a4, &a6);
	/* First: the one that may fail, which then changes nothing. */
	if (!err && (tb[L4LB_CONFIG_A_TUN_SOURCE] ||
		     tb[L4LB_CONFIG_A_TUN_SOURCE6]))
		err = l4lb_tun_src_set(ln,
				       tb[L4LB_CONFIG_A_TUN_SOURCE] ? &a4 : NULL,
				       tb[L4LB_CONFIG_A_TUN_SOURCE6] ? &a6 : NULL);
	if (err)
		goto out_unlock;
	if (tb[L4LB_CONFIG_A_CONN_LIMIT])
		WRITE_ONCE(ln->conn_limit,
			   nla_get_u32(tb[L4LB_CONFIG_A_CONN_LIMIT]));
	if (tb[L4LB_CONFIG_A_TCP_PICKUP]) {
		u32 flags = ln->flags & ~L4LB_NET_F_TCP_PICKUP;

		if (nla_get_u8(tb[L4LB_CONFIG_A_TCP_PICKUP]))
			flags |= L4LB_NET_F_TCP_PICKUP;
		WRITE_ONCE(ln->flags, flags);
	}
	if (tb[L4LB_CONFIG_A_EXPIRE_QUIESCENT]) {
		u32 flags = ln->flags & ~L4LB_NET_F_KEEP_QUIESCENT;

		if (!nla_get_u8(tb[L4LB_CONFIG_A_EXPIRE_QUIESCENT]))
			flags |= L4LB_NET_F_KEEP_QUIESCENT;
		WRITE_ONCE(ln->flags, flags);
	}
out_unlock:
	mutex_unlock(&ln->lock);
	return err;
}

static int l4lb_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *tb[L4LB_SVC_A_MAX + 1];
	struct l4lb_service *svc;
	unsigned int i;
	int err;

	if (info->attrs[L4LB_A_SERVICE]) {
		svc = l4lb_nl_lock_svc(info, tb, &err);
		if (!svc)
			return err;
		l4lb_svc_zero(svc);
		mutex_unlock(&ln->lock);
		return 0;
	}
	mutex_lock(&ln->lock);
	for (i = 0; i < L4LB_SVC_TAB_SIZE; i++)
		hlist_for_each_entry_rcu(svc, &ln->svc_tab[i], node,
					 lockdep_is_held(&ln->lock))
			l4lb_svc_zero(svc);
	l4lb_stats_zero(&ln->drops);
	l4lb_stats_zero(&ln->ctrs);
	mutex_unlock(&ln->lock);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Connection sync                                                   */

static int l4lb_parse_daemon(struct genl_info *info, struct nlattr **tb)
{
	int err;

	if (!info->attrs[L4LB_A_DAEMON])
		return L4LB_MISSING(info->extack, NULL, L4LB_A_DAEMON,
				    "Missing sync daemon (L4LB_A_DAEMON)");
	err = nla_parse_nested(tb, L4LB_DAEMON_A_MAX,
			       info->attrs[L4LB_A_DAEMON],
			       l4lb_daemon_policy, info->extack);
	if (err)
		return err;
	if (!tb[L4LB_DAEMON_A_STATE])
		return L4LB_MISSING(info->extack, info->attrs[L4LB_A_DAEMON],
				    L4LB_DAEMON_A_STATE,
				    "Missing sync daemon state (STATE)");
	return 0;
}

/* The group: IPVS's default, or an IPv4 or IPv6 multicast address. */
static int l4lb_parse_group(struct genl_info *info, struct nlattr **tb,
			    struct l4lb_sync_cfg *cfg)
{
	struct nlattr *g4 = tb[L4LB_DAEMON_A_MCAST_GROUP];
	struct nlattr *g6 = tb[L4LB_DAEMON_A_MCAST_GROUP6];

	if (g4 && g6) {
		NL_SET_ERR_MSG_ATTR(info->extack, g6,
				    "MCAST_GROUP and MCAST_GROUP6 together");
		return -EINVAL;
	}
	if (g6) {
		cfg->family = AF_INET6;
		l4lb_addr_set6(&cfg->group, nla_data(g6));
		if (!ipv6_addr_is_multicast(&cfg->group.in6)) {
			NL_SET_ERR_MSG_ATTR(info->extack, g6,
					    "not a multicast group");
			return -EINVAL;
		}
		return 0;
	}
	cfg->family = AF_INET;
	l4lb_addr_set4(&cfg->group, g4 ? nla_get_in_addr(g4) :
				    htonl(L4LB_SYNC_GROUP_DEFAULT));
	if (!ipv4_is_multicast(cfg->group.ip)) {
		NL_SET_ERR_MSG_ATTR(info->extack, g4, "not a multicast group");
		return -EINVAL;
	}
	return 0;
}

static int l4lb_nl_new_daemon(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *tb[L4LB_DAEMON_A_MAX + 1];
	struct l4lb_sync_cfg cfg = {};
	struct net_device *dev;
	unsigned int maxlen;
	int err;

	err = l4lb_parse_daemon(info, tb);
	if (err)
		return err;
	if (!tb[L4LB_DAEMON_A_MCAST_IFN])
		return L4LB_MISSING(info->extack, info->attrs[L4LB_A_DAEMON],
				    L4LB_DAEMON_A_MCAST_IFN,
				    "Missing interface (MCAST_IFN)");
	err = l4lb_parse_group(info, tb, &cfg);
	if (err)
		return err;
	nla_strscpy(cfg.ifname, tb[L4LB_DAEMON_A_MCAST_IFN],
		    sizeof(cfg.ifname));
	dev = dev_get_by_name(genl_info_net(info), cfg.ifname);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DAEMON_A_MCAST_IFN],
				    "no such interface");
		return -ENODEV;
	}
	cfg.ifindex = dev->ifindex;
	maxlen = min_t(int, READ_ONCE(dev->mtu), IP_MAX_MTU) -
		 (cfg.family == AF_INET6 ? sizeof(struct ipv6hdr) :
					   sizeof(struct iphdr)) -
		 sizeof(struct udphdr);
	dev_put(dev);
	if (maxlen < L4LB_SYNC_MAXLEN_MIN) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DAEMON_A_MCAST_IFN],
				    "the interface's MTU is too small");
		return -EINVAL;
	}
	if (tb[L4LB_DAEMON_A_SYNC_MAXLEN]) {
		cfg.maxlen = nla_get_u16(tb[L4LB_DAEMON_A_SYNC_MAXLEN]);
		if (cfg.maxlen > maxlen) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[L4LB_DAEMON_A_SYNC_MAXLEN],
					    "larger than the interface's MTU allows");
			return -EINVAL;
		}
	} else {
		cfg.maxlen = maxlen;
	}
	cfg.syncid = tb[L4LB_DAEMON_A_SYNC_ID] ?
		     nla_get_u32(tb[L4LB_DAEMON_A_SYNC_ID]) : 0;
	cfg.port = tb[L4LB_DAEMON_A_MCAST_PORT] ?
		   nla_get_be16(tb[L4LB_DAEMON_A_MCAST_PORT]) :
		   htons(L4LB_SYNC_PORT_DEFAULT);
	cfg.ttl = tb[L4LB_DAEMON_A_MCAST_TTL] ?
		  nla_get_u8(tb[L4LB_DAEMON_A_MCAST_TTL]) :
		  L4LB_SYNC_TTL_DEFAULT;
	if (tb[L4LB_DAEMON_A_KEY]) {
		const u8 *key = nla_data(tb[L4LB_DAEMON_A_KEY]);

		cfg.keyed = true;
		cfg.key.key[0] = get_unaligned_le64(key);
		cfg.key.key[1] = get_unaligned_le64(key + 8);
	}
	err = l4lb_sync_start(ln, nla_get_u32(tb[L4LB_DAEMON_A_STATE]), &cfg);
	memzero_explicit(&cfg.key, sizeof(cfg.key));
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DAEMON_A_STATE],
				    "this sync daemon runs already");
	return err;
}

static int l4lb_nl_del_daemon(struct sk_buff *skb, struct genl_info *info)
{
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	struct nlattr *tb[L4LB_DAEMON_A_MAX + 1];
	int err, i;

	err = l4lb_parse_daemon(info, tb);
	if (err)
		return err;
	for (i = L4LB_DAEMON_A_STATE + 1; i <= L4LB_DAEMON_A_MAX; i++)
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "only STATE stops a sync daemon");
			return -EINVAL;
		}
	err = l4lb_sync_stop(ln, nla_get_u32(tb[L4LB_DAEMON_A_STATE]));
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[L4LB_DAEMON_A_STATE],
				    "this sync daemon does not run");
	return err;
}

static int l4lb_put_sync_ctr(struct sk_buff *msg, struct l4lb_net *ln,
			     int attr, enum l4lb_sync_ctr ctr)
{
	return nla_put_u64_64bit(msg, attr, atomic64_read(&ln->sync.ctrs[ctr]),
				 L4LB_DAEMON_A_PAD);
}

static int l4lb_put_daemon(struct sk_buff *msg, struct l4lb_net *ln,
			   u32 state, const struct l4lb_sync_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(msg, L4LB_A_DAEMON);
	bool master = state == L4LB_DAEMON_MASTER;

	if (!nest ||
	    nla_put_u32(msg, L4LB_DAEMON_A_STATE, state) ||
	    nla_put_string(msg, L4LB_DAEMON_A_MCAST_IFN, cfg->ifname) ||
	    nla_put_u32(msg, L4LB_DAEMON_A_SYNC_ID, cfg->syncid) ||
	    nla_put_u16(msg, L4LB_DAEMON_A_SYNC_MAXLEN, cfg->maxlen) ||
	    (cfg->family == AF_INET6 ?
	     nla_put_in6_addr(msg, L4LB_DAEMON_A_MCAST_GROUP6,
			      &cfg->group.in6) :
	     nla_put_in_addr(msg, L4LB_DAEMON_A_MCAST_GROUP, cfg->group.ip)) ||
	    nla_put_be16(msg, L4LB_DAEMON_A_MCAST_PORT, cfg->port) ||
	    nla_put_u8(msg, L4LB_DAEMON_A_MCAST_TTL, cfg->ttl) ||
	    (cfg->keyed && nla_put_flag(msg, L4LB_DAEMON_A_KEYED)))
		return -EMSGSIZE;
	if (master ?
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_DATAGRAMS,
			      L4LB_SYNC_TX_DATAGRAMS) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_RECORDS,
			      L4LB_SYNC_TX_RECORDS) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_DROPPED,
			      L4LB_SYNC_TX_DROPPED) :
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_DATAGRAMS,
			      L4LB_SYNC_RX_DATAGRAMS) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_RECORDS,
			      L4LB_SYNC_RX_RECORDS) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_DROPPED,
			      L4LB_SYNC_RX_DROPPED) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_MALFORMED,
			      L4LB_SYNC_RX_MALFORMED) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_BAD_AUTH,
			      L4LB_SYNC_RX_BAD_AUTH) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_OTHER_SYNCID,
			      L4LB_SYNC_RX_OTHER_SYNCID) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_NO_SERVICE,
			      L4LB_SYNC_RX_NO_SERVICE) ||
	    l4lb_put_sync_ctr(msg, ln, L4LB_DAEMON_A_TABLE_FULL,
			      L4LB_SYNC_RX_TABLE_FULL))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int l4lb_nl_get_daemon(struct sk_buff *skb, struct genl_info *info)
{
	static const u32 states[] = { L4LB_DAEMON_MASTER, L4LB_DAEMON_BACKUP };
	struct l4lb_net *ln = l4lb_pernet(genl_info_net(info));
	const struct l4lb_sync_cfg *cfg;
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = l4lb_reply_new(info, NLMSG_GOODSIZE, L4LB_CMD_GET_DAEMON, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&ln->lock);
	for (i = 0; i < ARRAY_SIZE(states); i++) {
		cfg = l4lb_sync_cfg_of(ln, states[i]);
		if (cfg && l4lb_put_daemon(msg, ln, states[i], cfg)) {
			mutex_unlock(&ln->lock);
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
	}
	mutex_unlock(&ln->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops l4lb_genl_ops[] = {
	{
		.cmd	= L4LB_CMD_GET_INFO,
		.doit	= l4lb_nl_get_info,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_NEW_SERVICE,
		.doit	= l4lb_nl_new_service,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_SERVICE,
		.doit	= l4lb_nl_set_service,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_SERVICE,
		.doit	= l4lb_nl_del_service,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_SERVICE,
		.doit	= l4lb_nl_get_service,
		.dumpit	= l4lb_nl_dump_services,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_NEW_DEST,
		.doit	= l4lb_nl_new_dest,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_DEST,
		.doit	= l4lb_nl_set_dest,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_DEST,
		.doit	= l4lb_nl_del_dest,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_DEST,
		.dumpit	= l4lb_nl_dump_dests,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_FLUSH,
		.doit	= l4lb_nl_flush,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_TIMEOUTS,
		.doit	= l4lb_nl_get_timeouts,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_TIMEOUTS,
		.doit	= l4lb_nl_set_timeouts,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_ZERO,
		.doit	= l4lb_nl_zero,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_CONN,
		.dumpit	= l4lb_nl_dump_conns,
		.done	= l4lb_nl_dump_conns_done,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_SET_CONFIG,
		.doit	= l4lb_nl_set_config,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_NEW_DAEMON,
		.doit	= l4lb_nl_new_daemon,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_DEL_DAEMON,
		.doit	= l4lb_nl_del_daemon,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= L4LB_CMD_GET_DAEMON,
		.doit	= l4lb_nl_get_daemon,
		.flags	= GENL_ADMIN_PERM,
	},
};

static struct genl_family l4lb_genl_family __ro_after_init = {
	.name		= L4LB_GENL_NAME,
	.version	= L4LB_GENL_VERSION,
	.maxattr	= L4LB_A_MAX,
	.policy		= l4lb_policy,
	.netnsok	= true,
	.parallel_ops	= false,
	.module		= THIS_MODULE,
	.ops		= l4lb_genl_ops,
	.n_ops		= ARRAY_SIZE(l4lb_genl_ops),
	/*
	 * resv_start_op stays 0, as for every new family: all ops get strict
	 * attribute validation and must have zero reserved header fields.
	 */
};

int l4lb_genl_register(void)
{
	return genl_register_family(&l4lb_genl_family);
}

void l4lb_genl_unregister(void)
{
	genl_unregister_family(&l4lb_genl_family);
}
