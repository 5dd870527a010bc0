/* SPDX-License-Identifier: GPL-2.0 */
/*
 * api.h - typed l4lb requests and reply parsing over nl.h.
 *
 * Message building (l4lb_build_*) and reply parsing (l4lb_parse_*) are
 * separate from the socket so both can be unit tested on a host without
 * the module. Shared by l4lbadm and l4lbd.
 */
#ifndef L4LB_API_H
#define L4LB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/l4lb.h>

#include "nl.h"

/* Presence bits for optional fields (struct l4lb_service/dest .set). */
#define L4LB_HAS_SCHED		(1u << 0)
#define L4LB_HAS_FLAGS		(1u << 1)
#define L4LB_HAS_PORT		(1u << 2)	/* dest port */
#define L4LB_HAS_FWD		(1u << 3)
#define L4LB_HAS_WEIGHT		(1u << 4)
#define L4LB_HAS_DESTS		(1u << 5)	/* reply carried SVC_A_DESTS */
#define L4LB_HAS_SCHED_FLAGS	(1u << 6)
#define L4LB_HAS_MH_SIZE	(1u << 7)
#define L4LB_HAS_MH_KEY		(1u << 8)
#define L4LB_HAS_PERSIST	(1u << 9)	/* persist_timeout and _prefix */
#define L4LB_HAS_TUN		(1u << 10)	/* dest tun_* */
#define L4LB_HAS_THRESH		(1u << 11)	/* u_thresh and l_thresh */

struct l4lb_stats {
	uint64_t conns, pkts_in, pkts_out, bytes_in, bytes_out;
	/* Per second over the last rate_window_ms (see the UAPI header). */
	uint64_t conn_rate, pkts_in_rate, pkts_out_rate, bytes_in_rate,
		 bytes_out_rate, rate_window_ms;
};

/* An address of either family; the struct's family says which member. */
union l4lb_inaddr {
	struct in_addr in;
	struct in6_addr in6;
};

struct l4lb_dest {
	uint16_t family;		/* AF_INET or AF_INET6; 0 means AF_INET */
	union l4lb_inaddr addr;
	uint16_t port;			/* host byte order */
	uint8_t fwd;			/* enum l4lb_fwd_method */
	uint8_t tun_type;		/* -i: enum l4lb_tun_type */
	uint16_t tun_port;		/* -i gue: host byte order */
	uint32_t tun_flags;		/* -i gue: L4LB_TUN_F_* */
	uint32_t weight;
	uint32_t flags;			/* L4LB_DEST_F_* */
	uint32_t u_thresh, l_thresh;	/* -x, -y; 0: none */
	uint32_t active_conns;
	uint32_t inactive_conns;
	struct l4lb_stats stats;
	unsigned int set;		/* L4LB_HAS_* */
};

struct l4lb_service {
	/*
	 * A firewall-mark service (-f) has fwmark (not 0) and family; its
	 * protocol, address and port are 0.
	 */
	uint32_t fwmark;
	uint8_t protocol;		/* IPPROTO_TCP / IPPROTO_UDP */
	uint16_t family;		/* AF_INET or AF_INET6; 0 means AF_INET */
	union l4lb_inaddr addr;
	uint16_t port;			/* host byte order */
	char sched[L4LB_SCHED_NAME_MAX];
	uint32_t flags;			/* L4LB_SVC_F_* (-o) */
	uint32_t sched_flags;		/* L4LB_SVC_SCHED_F_* (-b) */
	uint32_t mh_size;		/* --mh-table-size */
	uint8_t mh_key[L4LB_MH_KEY_LEN];	/* --mh-key */
	uint32_t persist_timeout;	/* -p seconds; 0: not persistent */
	uint8_t persist_prefix;		/* -M as a prefix length */
	struct l4lb_stats stats;
	unsigned int set;		/* L4LB_HAS_* */
	size_t ndests;
	struct l4lb_dest *dests;	/* malloc'ed by the parsers */
};

struct l4lb_service_list {
	size_t n;
	struct l4lb_service *svcs;
};

struct l4lb_info {
	char version[64];
	uint32_t conn_max, conn_buckets, conn_count, conn_entry_size;
	uint32_t conn_entry_size6;	/* an IPv6 entry, bytes */
	uint32_t services, dests;
	uint64_t drop_no_dest, drop_table_full, drop_malformed, drop_mtu,
		 drop_no_route;
	uint64_t fast_pkts;
	uint64_t fast_reply_pkts;
	uint32_t conn_limit;		/* this netns's share of conn_max */
	bool tcp_pickup;
	uint64_t conn_evicted, not_syn_pkts;
	uint32_t template_count, template_limit;	/* persistence */
	bool expire_quiescent;
	/* The configured outer sources of tunnels; has_*: set. */
	bool has_tun_source, has_tun_source6;
	struct in_addr tun_source;
	struct in6_addr tun_source6;
};

struct l4lb_timeouts {
	uint32_t tcp, tcp_fin, udp;	/* seconds; 0 = unset/unchanged */
};

/* Per-netns settings (L4LB_CMD_SET_CONFIG); .set says which are given. */
#define L4LB_HAS_CONN_LIMIT	(1u << 0)
#define L4LB_HAS_TCP_PICKUP	(1u << 1)
#define L4LB_HAS_EXPIRE_QUIESCENT	(1u << 2)
#define L4LB_HAS_TUN_SOURCE	(1u << 3)
#define L4LB_HAS_TUN_SOURCE6	(1u << 4)

struct l4lb_config {
	uint32_t conn_limit;		/* 0: conn_max */
	bool tcp_pickup;
	bool expire_quiescent;
	struct in_addr tun_source;	/* 0.0.0.0: the route's choice */
	struct in6_addr tun_source6;	/* :: likewise */
	unsigned int set;		/* L4LB_HAS_CONN_LIMIT, ... */
};

/* A connection sync role (L4LB_CMD_*_DAEMON); .set says what is given. */
#define L4LB_HAS_SYNCID		(1u << 0)
#define L4LB_HAS_MAXLEN		(1u << 1)
#define L4LB_HAS_GROUP		(1u << 2)
#define L4LB_HAS_MCAST_PORT	(1u << 3)
#define L4LB_HAS_TTL		(1u << 4)
#define L4LB_HAS_KEY		(1u << 5)

struct l4lb_daemon {
	uint32_t state;			/* enum l4lb_daemon_state */
	char ifname[16];		/* IFNAMSIZ */
	uint32_t syncid;
	uint16_t maxlen;
	uint16_t group_family;		/* AF_INET or AF_INET6 */
	union l4lb_inaddr group;
	uint16_t port;			/* host byte order */
	uint8_t ttl;
	uint8_t key[L4LB_SYNC_KEY_LEN];
	bool keyed;			/* replies: a key is set */
	/* Replies: counters (see the UAPI header). */
	uint64_t datagrams, records, dropped, malformed, bad_auth,
		 other_syncid, no_service, table_full;
	unsigned int set;		/* L4LB_HAS_SYNCID, ... */
};

/* --- addresses ---------------------------------------------------------- */

/* The family a struct means: AF_INET for 0. */
static inline uint16_t l4lb_family(uint16_t family)
{
	return family ? family : AF_INET;
}

/* Bytes of an address of @family: 16 for AF_INET6, else 4. */
static inline size_t l4lb_addr_len(uint16_t family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr)
				  : sizeof(struct in_addr);
}

/*
 * Order of addresses: AF_INET before AF_INET6 (ipvsadm compares the
 * family first), then the address bytes in network order. <0, 0, >0.
 */
int l4lb_addr_cmp(uint16_t fa, const union l4lb_inaddr *a,
		  uint16_t fb, const union l4lb_inaddr *b);
/*
 * Sort order of services, as ipvsadm's: the firewall mark (0, none,
 * first), then protocol, address, port within a family.
 */
int l4lb_service_key_cmp(const struct l4lb_service *a,
			 const struct l4lb_service *b);
/* Sort order of destinations (address, port within a family). */
int l4lb_dest_key_cmp(const struct l4lb_dest *a, const struct l4lb_dest *b);

/* --- building (pure) ---------------------------------------------------- */

/*
 * Service keys and destinations always carry *_FAMILY (0 is sent as
 * AF_INET) and the family's address attribute: *_ADDR (4 bytes) for
 * AF_INET, *_ADDR6 (16 bytes) for AF_INET6.
 */

struct nlmsghdr *l4lb_build_service(void *buf, uint16_t family, uint8_t cmd,
				    uint16_t flags,
				    const struct l4lb_service *svc,
				    bool key_only);
struct nlmsghdr *l4lb_build_dest(void *buf, uint16_t family, uint8_t cmd,
				 const struct l4lb_service *svc,
				 const struct l4lb_dest *dest);
struct nlmsghdr *l4lb_build_timeouts(void *buf, uint16_t family,
				     const struct l4lb_timeouts *t);
struct nlmsghdr *l4lb_build_config(void *buf, uint16_t family,
				   const struct l4lb_config *c);

/* L4LB_CMD_NEW_DAEMON (all given) or L4LB_CMD_DEL_DAEMON (state only). */
struct nlmsghdr *l4lb_build_daemon(void *buf, uint16_t family, uint8_t cmd,
				   const struct l4lb_daemon *d);

/* --- parsing (pure) ----------------------------------------------------- */

/*
 * Replies: *_FAMILY absent means AF_INET. The address attribute must be
 * the family's, of exactly its length, and the other one absent; else
 * -EBADMSG (-EAFNOSUPPORT for a family other than AF_INET/AF_INET6).
 */

/* Parse an L4LB_A_SERVICE nest; allocates svc->dests. 0 or -errno. */
int l4lb_parse_service_nest(const struct nlattr *nest,
			    struct l4lb_service *svc);
int l4lb_parse_dest_nest(const struct nlattr *nest, struct l4lb_dest *dest);
/* Parse a whole genl reply message. */
int l4lb_parse_service_msg(const struct nlmsghdr *nlh,
			   struct l4lb_service *svc);
int l4lb_parse_info_msg(const struct nlmsghdr *nlh, struct l4lb_info *info);
int l4lb_parse_timeouts_msg(const struct nlmsghdr *nlh,
			    struct l4lb_timeouts *t);

void l4lb_service_free(struct l4lb_service *svc);
void l4lb_service_list_free(struct l4lb_service_list *l);
/*
 * ipvsadm's order: IPv4 services first, then IPv6 ones; within a family
 * by protocol, address (network byte order), port. Destinations: IPv4
 * before IPv6, then address, port.
 */
void l4lb_service_list_sort(struct l4lb_service_list *l);

/* --- requests (need the module) ----------------------------------------- */

int l4lb_open(struct nl_ctx *nl);	/* nl_open(L4LB_GENL_NAME) */
int l4lb_get_info(struct nl_ctx *nl, struct l4lb_info *info);
/* cmd: L4LB_CMD_NEW_SERVICE, _SET_SERVICE or _DEL_SERVICE. */
int l4lb_service_cmd(struct nl_ctx *nl, uint8_t cmd,
		     const struct l4lb_service *svc);
/* cmd: L4LB_CMD_NEW_DEST, _SET_DEST or _DEL_DEST. */
int l4lb_dest_cmd(struct nl_ctx *nl, uint8_t cmd,
		  const struct l4lb_service *svc, const struct l4lb_dest *d);
int l4lb_flush(struct nl_ctx *nl);
int l4lb_zero(struct nl_ctx *nl, const struct l4lb_service *key_or_null);
int l4lb_get_timeouts(struct nl_ctx *nl, struct l4lb_timeouts *t);
int l4lb_set_timeouts(struct nl_ctx *nl, const struct l4lb_timeouts *t);
int l4lb_set_config(struct nl_ctx *nl, const struct l4lb_config *c);
/* key NULL: every service (dump, retried on NLM_F_DUMP_INTR); else one. */
int l4lb_get_services(struct nl_ctx *nl, const struct l4lb_service *key,
		      bool with_dests, struct l4lb_service_list *out);
/* Destinations of one service through L4LB_CMD_GET_DEST (dump). */
int l4lb_get_dests(struct nl_ctx *nl, struct l4lb_service *svc);

/* cmd: L4LB_CMD_NEW_DAEMON or L4LB_CMD_DEL_DAEMON. */
int l4lb_daemon_cmd(struct nl_ctx *nl, uint8_t cmd,
		    const struct l4lb_daemon *d);
/* The running roles, master first, into @out[0..1]; *@n of them. */
int l4lb_get_daemons(struct nl_ctx *nl, struct l4lb_daemon out[2],
		     size_t *n);
/* Parse one L4LB_A_DAEMON nest. 0 or -EBADMSG. */
int l4lb_parse_daemon_nest(const struct nlattr *nest, struct l4lb_daemon *d);

/* --- batches: many requests per sendmsg --------------------------------- */

/*
 * A batch of requests built in place, sent with one sendmsg. Only the last
 * request of a batch asks for an ACK; the kernel answers every failing
 * request with an error whatever its flags, so after one round trip the
 * caller knows exactly which requests failed (by index). The kernel goes
 * on with the next request after a failure: a batch is not atomic.
 */
struct l4lb_batch {
	struct mnl_nlmsg_batch *b;
	char *buf;
	size_t count;			/* requests in the current batch */
	unsigned int first_seq;		/* seq of the batch's first request */
	size_t first_index;		/* caller's index of that request */
};

/*
 * Called for every failed request with the caller's index, a positive
 * errno and the kernel's extack message ("" if none). Return 0 to go on.
 */
typedef void (*l4lb_batch_err_cb)(size_t index, int err, const char *extack,
				  void *data);

int l4lb_batch_init(struct l4lb_batch *bt);
void l4lb_batch_free(struct l4lb_batch *bt);
/* Room for the next request (NL_TX_BUFSIZE bytes, for l4lb_build_*). */
void *l4lb_batch_slot(struct l4lb_batch *bt);
/*
 * Account the request just built in the slot, as the caller's request
 * @index (indexes are consecutive within a batch). Returns true when the
 * batch is full and must be flushed before the next request is built.
 */
bool l4lb_batch_add(struct l4lb_batch *bt, size_t index);
/*
 * Send the batch and read the answers: @cb for each failed request.
 * Returns the number of failed requests, or a negative errno when the
 * exchange itself failed (then which requests ran is unknown).
 */
int l4lb_batch_flush(struct nl_ctx *nl, struct l4lb_batch *bt,
		     l4lb_batch_err_cb cb, void *data);

#endif
