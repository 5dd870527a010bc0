/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb internal definitions shared by every subsystem of the module.
 *
 * Locking rules (checked with lockdep where possible):
 *  - configuration (services, dests, timeouts) changes under the per-netns
 *    mutex l4lb_net.lock; netlink handlers take it;
 *  - the packet path (netfilter hook, conn expiry timers) never sleeps and
 *    only reads configuration under RCU;
 *  - connection entries are linked/unlinked, change state and change dest
 *    under their conn-table bucket lock;
 *  - every object reachable by RCU readers is freed after a grace period.
 */
#ifndef _L4LB_H
#define _L4LB_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/in6.h>
#include <net/route.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/l4lb.h>

#define L4LB_MOD_VERSION	"0.1.0"

/* Per-netns service hash table: 8 KB, chains of 16 at the limit. */
#define L4LB_SVC_TAB_BITS	10
#define L4LB_SVC_TAB_SIZE	(1U << L4LB_SVC_TAB_BITS)

/* Bounds so that configuration memory cannot grow without limit. */
#define L4LB_SVC_MAX_PER_NET	16384
#define L4LB_DEST_MAX_PER_SVC	256

/* Default timeouts, seconds (same as IPVS). */
#define L4LB_DEF_TIMEOUT_TCP		900
#define L4LB_DEF_TIMEOUT_TCP_FIN	120
#define L4LB_DEF_TIMEOUT_UDP		300
/*
 * Fixed timeouts, seconds. An unconfirmed entry (TCP in SYN_RECV, UDP
 * until its flow proves itself: conn.c) is short-lived, so that spoofed
 * packets cannot hold the table: the client's ACK follows its SYN within
 * a round trip, and its SYN retransmissions refresh the entry.
 */
#define L4LB_TIMEOUT_SYN_RECV		30
#define L4LB_TIMEOUT_UDP_UNCONFIRMED	30
#define L4LB_TIMEOUT_CLOSE		10

/* ---- stats.c: per-CPU 64-bit counters, summed on read ---- */

/* Counter slots; services and dests use the traffic ones, the netns the
 * drop ones. Both sets have five members so one layout serves both.
 */
enum {
	L4LB_CTR_CONNS,
	L4LB_CTR_PKTS_IN,
	L4LB_CTR_BYTES_IN,
	L4LB_CTR_PKTS_OUT,
	L4LB_CTR_BYTES_OUT,
	L4LB_NR_CTRS
};

enum {
	L4LB_DROP_NO_DEST,
	L4LB_DROP_TABLE_FULL,
	L4LB_DROP_MALFORMED,
	L4LB_DROP_MTU,
	L4LB_DROP_NO_ROUTE,
	L4LB_NR_DROPS
};

struct l4lb_pcpu_ctrs {
	u64_stats_t		v[L4LB_NR_CTRS];
	struct u64_stats_sync	syncp;
};

/* Raw counter sums at one instant, for rates computed on read. */
struct l4lb_rate_sample {
	u64	t_ns;			/* ktime_get_ns() */
	u64	v[L4LB_NR_CTRS];
};

/*
 * Writers only touch their own CPU's slot. "Zeroing" records the current
 * sums as a base (under the netns mutex) instead of writing other CPUs'
 * slots, which would race with the packet path. The two rate samples are
 * only touched by readers, under the netns mutex (see stats.c).
 */
struct l4lb_stats {
	struct l4lb_pcpu_ctrs __percpu	*pcpu;
	u64				base[L4LB_NR_CTRS];
	struct l4lb_rate_sample		rate_old, rate_new;
};

/* Per-second rates over the last sampling window (see stats.c). */
struct l4lb_rates {
	u64	per_sec[L4LB_NR_CTRS];
	u64	window_ms;
};

int l4lb_stats_init(struct l4lb_stats *s);
void l4lb_stats_free(struct l4lb_stats *s);

/*
 * Inline: the packet path calls these two or three times per packet.
 * add2 updates two counters in one section: packets and bytes go together.
 */
static inline void l4lb_stats_add2(struct l4lb_stats *s, unsigned int i,
				   u64 a, unsigned int j, u64 b)
{
	struct l4lb_pcpu_ctrs *c = get_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&c->v[i], a);
	u64_stats_add(&c->v[j], b);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->pcpu);
}

static inline void l4lb_stats_inc(struct l4lb_stats *s, unsigned int i)
{
	struct l4lb_pcpu_ctrs *c = get_cpu_ptr(s->pcpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->v[i]);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->pcpu);
}

/* A GRO packet counts as the packets it was built from. */
static inline unsigned int l4lb_skb_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
}

/* @pkts_ctr: L4LB_CTR_PKTS_IN or _OUT; the bytes follow it. */
static inline void l4lb_count(struct l4lb_stats *stats, unsigned int pkts_ctr,
			      unsigned int segs, unsigned int len)
{
	BUILD_BUG_ON(L4LB_CTR_BYTES_IN - L4LB_CTR_PKTS_IN != 1 ||
		     L4LB_CTR_BYTES_OUT - L4LB_CTR_PKTS_OUT != 1);
	l4lb_stats_add2(stats, pkts_ctr, segs, pkts_ctr + 1, len);
}

void l4lb_stats_read(const struct l4lb_stats *s, u64 out[L4LB_NR_CTRS]);
u64 l4lb_stats_read_one(const struct l4lb_stats *s, unsigned int i);
void l4lb_stats_read_rates(struct l4lb_stats *s, u64 out[L4LB_NR_CTRS],
			   struct l4lb_rates *rates);
void l4lb_stats_zero(struct l4lb_stats *s);

/* ---- per network namespace state ---- */

struct l4lb_net {
	struct net		*net;
	/* Serialises configuration; see the locking rules above. */
	struct mutex		lock;
	struct hlist_head	svc_tab[L4LB_SVC_TAB_SIZE];
	/* Read locklessly by the hook as a fast "nothing to do" test. */
	unsigned int		svc_count;
	/* Dests alive, including deleted ones still held by conns. */
	atomic_t		dest_count;
	/* Entries of this netns, and those being made (conn.c). */
	atomic_t		conn_count;
	/* Its most entries, 0 for conn_max (config lock; READ_ONCE). */
	u32			conn_limit;
	/* enum l4lb_net_flags (config lock; READ_ONCE). */
	u32			flags;
	/* Bumped on every change; dumps use it to detect interference. */
	u32			gen;
	/* Seconds; written under lock, read with READ_ONCE by packets. */
	u32			timeout_tcp;
	u32			timeout_tcp_fin;
	u32			timeout_udp;
	struct l4lb_stats	drops;
	/* enum l4lb_net_ctr. */
	struct l4lb_stats	ctrs;
	/*
	 * NAT dests alive, including deleted ones still held by conns: the
	 * reply hook does nothing while this is 0.
	 */
	atomic_t		nat_dest_count;
	/* nf_defrag_ipv4 enabled for NAT replies (config lock). */
	bool			defrag_enabled;
	/* The netfilter hooks are registered (config lock): hooks.c. */
	bool			hooked;
};

extern unsigned int l4lb_net_id;

enum l4lb_net_ctr {
	/* Sent on from PREROUTING (hooks.c): */
	L4LB_FAST_CLIENT,	/* clients' packets to a service */
	L4LB_FAST_REPLY,	/* NAT: real servers' packets to a client */
	/* Connection table (conn.c): */
	L4LB_CTR_EVICTED,	/* entries evicted for a new flow */
	L4LB_CTR_NOT_SYN,	/* TCP of no flow, not a SYN: not ours */
};

enum l4lb_net_flags {
	/* TCP packets of unknown flows other than a SYN start a flow. */
	L4LB_NET_F_TCP_PICKUP	= BIT(0),
};

/* What configuration needs set up in a netns (main.c). */
enum l4lb_net_need {
	L4LB_NEED_HOOKS,	/* a service: the netfilter hooks */
	L4LB_NEED_NAT,		/* a NAT dest: reassembly before FORWARD */
};

int l4lb_net_need(struct l4lb_net *ln, enum l4lb_net_need need);

static inline struct l4lb_net *l4lb_pernet(const struct net *net)
{
	return net_generic(net, l4lb_net_id);
}

static inline void l4lb_count_drop(struct l4lb_net *ln, unsigned int what)
{
	l4lb_stats_inc(&ln->drops, what);
}

/* ---- dest.c ---- */

/* Bit numbers in dest->flags. */
enum {
	L4LB_DEST_DEAD_BIT,	/* removed from its service */
	L4LB_DEST_DOWN_BIT,	/* L4LB_DEST_F_DOWN: failed its health checks */
};

struct l4lb_service;

struct l4lb_dest {
	struct list_head	list;	/* in svc->dests, under ln->lock */
	/* NULL once deleted; the service itself is freed after RCU. */
	struct l4lb_service __rcu *svc;
	struct l4lb_net		*ln;
	__be32			addr;
	__be16			port;
	u8			fwd;	/* immutable: conns depend on it */
	u32			weight;	/* under ln->lock */
	unsigned long		flags;
	/* One for the service list, one per connection. */
	refcount_t		refcnt;
	atomic_t		active_conns;
	atomic_t		inactive_conns;
	struct l4lb_stats	stats;
	/*
	 * The route to the real server (xmit.c); revalidated on every use,
	 * dropped when its device goes down or away (main.c's notifier).
	 */
	struct l4lb_route __rcu	*route;		/* replaced with xchg() */
	struct rcu_head		rcu;
};

struct l4lb_dest_cfg {
	__be32	addr;
	__be16	port;
	u8	fwd;
	u32	weight;
	bool	down;
};

struct l4lb_dest *l4lb_dest_alloc(struct l4lb_net *ln,
				  const struct l4lb_dest_cfg *cfg);
void l4lb_dest_put(struct l4lb_dest *dest);
void l4lb_route_free(struct l4lb_dest *dest);

static inline bool l4lb_dest_is_down(const struct l4lb_dest *dest)
{
	return test_bit(L4LB_DEST_DOWN_BIT, &dest->flags);
}

/*
 * Deleted or down: takes no new flow, and the flows on it move to another
 * dest on their next packet.
 */
static inline bool l4lb_dest_unusable(const struct l4lb_dest *dest)
{
	return READ_ONCE(dest->flags) &
	       (BIT(L4LB_DEST_DEAD_BIT) | BIT(L4LB_DEST_DOWN_BIT));
}

static inline bool l4lb_dest_hold(struct l4lb_dest *dest)
{
	return refcount_inc_not_zero(&dest->refcnt);
}

/* ---- sched.c: scheduler interface ---- */

/* An address of either family, IPv4 in its first word (as nf_inet_addr). */
union l4lb_addr {
	__be32		ip;
	struct in6_addr	in6;
	__be32		all[4];
};

/*
 * A flow as a scheduler sees it: a client's packet to a service, source
 * (client) to destination (VIP). Unused address words are zero.
 */
struct l4lb_flow {
	union l4lb_addr	saddr;
	union l4lb_addr	daddr;
	__be16		sport;
	__be16		dport;
	u8		protocol;
	u8		family;		/* AF_INET or AF_INET6 */
};

struct l4lb_sched_ops;

/*
 * Immutable-membership scheduler state for one service, rebuilt under
 * ln->lock whenever the usable dests change and published with RCU.
 * Each scheduler embeds this header first in its own state.
 */
struct l4lb_sched_state {
	const struct l4lb_sched_ops	*ops;
	struct rcu_head			rcu;
};

struct l4lb_sched_ops {
	const char		*name;
	struct list_head	list;
	/*
	 * update: build a new state for @n usable dests (weight > 0, not
	 * dead), under ln->lock; may sleep. The caller publishes it.
	 */
	struct l4lb_sched_state *(*update)(struct l4lb_dest *const *dests,
					   unsigned int n);
	/*
	 * pick: a dest for the new @flow; packet path, RCU read side,
	 * softirq; no ref taken. Schedulers that hash the flow use @flow.
	 */
	struct l4lb_dest *(*pick)(struct l4lb_sched_state *st,
				  const struct l4lb_flow *flow);
	/* destroy: free @st after an RCU grace period. */
	void (*destroy)(struct l4lb_sched_state *st);
};

int l4lb_sched_register(struct l4lb_sched_ops *ops);
void l4lb_sched_unregister(struct l4lb_sched_ops *ops);
const struct l4lb_sched_ops *l4lb_sched_find(const char *name);
int l4lb_sched_init(void);
void l4lb_sched_exit(void);
int l4lb_sched_rr_register(void);
void l4lb_sched_rr_unregister(void);
int l4lb_sched_wrr_register(void);
void l4lb_sched_wrr_unregister(void);

#define L4LB_DEFAULT_SCHED	"wrr"

/* ---- service.c ---- */

struct l4lb_svc_key {
	__be32	addr;
	__be16	port;
	u8	protocol;
};

struct l4lb_service {
	struct hlist_node		node;	/* ln->svc_tab, RCU */
	struct l4lb_net			*ln;
	struct l4lb_svc_key		key;
	u32				flags;
	const struct l4lb_sched_ops	*sched;		/* under ln->lock */
	struct l4lb_sched_state __rcu	*sched_state;	/* NULL: no dest */
	struct list_head		dests;		/* under ln->lock */
	unsigned int			dest_count;
	struct l4lb_stats		stats;
	struct rcu_head			rcu;
};

struct l4lb_service *l4lb_svc_lookup_rcu(struct l4lb_net *ln, u8 protocol,
					 __be32 addr, __be16 port);
struct l4lb_service *l4lb_svc_find(struct l4lb_net *ln,
				   const struct l4lb_svc_key *key);
int l4lb_svc_add(struct l4lb_net *ln, const struct l4lb_svc_key *key,
		 const struct l4lb_sched_ops *sched, u32 flags);
int l4lb_svc_edit(struct l4lb_service *svc,
		  const struct l4lb_sched_ops *sched, u32 flags);
void l4lb_svc_del(struct l4lb_service *svc);
void l4lb_svc_flush(struct l4lb_net *ln);
int l4lb_svc_rebuild_sched(struct l4lb_service *svc);
struct l4lb_dest *l4lb_svc_find_dest(struct l4lb_service *svc, __be32 addr,
				     __be16 port);
int l4lb_svc_add_dest(struct l4lb_service *svc,
		      const struct l4lb_dest_cfg *cfg);
int l4lb_svc_edit_dest(struct l4lb_service *svc, struct l4lb_dest *dest,
		       u32 weight, bool down);
int l4lb_svc_replace_dest(struct l4lb_service *svc, struct l4lb_dest *old,
			  const struct l4lb_dest_cfg *cfg);
int l4lb_svc_del_dest(struct l4lb_service *svc, struct l4lb_dest *dest);
void l4lb_svc_forget_dev_routes(struct l4lb_net *ln,
				const struct net_device *dev);
void l4lb_svc_zero(struct l4lb_service *svc);
struct l4lb_dest *l4lb_svc_pick_dest(struct l4lb_service *svc,
				     const struct l4lb_flow *flow);
void l4lb_svc_table_init(struct l4lb_net *ln);

static inline void l4lb_config_changed(struct l4lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	/* Never 0: netlink treats a 0 dump sequence as "unset". */
	if (++ln->gen == 0)
		ln->gen = 1;
}

/* ---- conn.c ---- */

/*
 * The flow step's input: what the hook extracted from one packet, client
 * to VIP. No skb: connection sync or an XDP path can fill one too.
 */
struct l4lb_flow_in {
	union l4lb_addr	caddr;	/* unused words zero */
	union l4lb_addr	vaddr;
	__be16	cport;
	__be16	vport;
	u8	family;		/* AF_INET (AF_INET6: no hook fills one yet) */
	u8	protocol;
	u8	tcp_flags;	/* L4LB_TCP_* below */
	u8	addrs;		/* enum l4lb_addrs */
	u8	rpf;		/* the device's rp_filter: 0, 1 strict, 2 loose */
	int	iif;		/* the device it came in on */
	int	route_genid;	/* L4LB_ADDRS_ROUTED: of the input route */
	/* The routing generation, read before any check (rt_genid_ipv4()). */
	int	genid;
	/*
	 * L4LB_ADDRS_CHECK: whether the input route would accept the flow's
	 * addresses (hooks.c); called only when the flow's stamp is stale.
	 */
	bool	(*addrs_check)(struct net *net, const struct l4lb_flow_in *in);
};

/* What the flow step decided for a packet (l4lb_flow_step()). */
enum l4lb_flow_verdict {
	/* Send it to the decision's dest. */
	L4LB_FLOW_XMIT,
	/* A TCP packet of no flow that may not start one: not ours. */
	L4LB_FLOW_NOT_OURS,
	/* Its addresses need the input route's checks: LOCAL_IN's to take. */
	L4LB_FLOW_INPUT_ROUTE,
	/* Dropped; the drop is counted. */
	L4LB_FLOW_DROP,
};

/* With L4LB_FLOW_XMIT: what the transmitter needs. */
struct l4lb_decision {
	struct l4lb_dest	*dest;	/* valid under RCU, held by the flow */
	u8			fwd;	/* enum l4lb_fwd_method, the dest's */
};

/*
 * How much of the input route's checks of a client's packet (its VIP
 * local, its source not, and the reverse-path filter where on) is known
 * where the packet meets l4lb_flow_step(). A flow keeps the last answer,
 * stamped with the routing generation (struct l4lb_conn, addrs_stamp).
 */
enum l4lb_addrs {
	/* PREROUTING, no reverse-path filter: the addrs_check() tells. */
	L4LB_ADDRS_CHECK,
	/*
	 * PREROUTING, a reverse-path filter: only the input route can tell,
	 * and only for the device the packet came in on. Its flow's stamp
	 * says whether it did in this generation; if not, the packet goes
	 * on to LOCAL_IN.
	 */
	L4LB_ADDRS_RPF,
	/*
	 * Nothing to check or stamp: PREROUTING with accept_local (the hook
	 * found the VIP local itself), or LOCAL_IN on a route that cannot
	 * stamp the flow (l4lb_pkt_routed()).
	 */
	L4LB_ADDRS_CHECKED,
	/* LOCAL_IN: the input route accepted them; the flow is stamped. */
	L4LB_ADDRS_ROUTED,
};

/* A stamp keeps the device's index in 30 bits, its rp_filter in 2. */
#define L4LB_STAMP_IIF_MAX	((1 << 30) - 1)

/* The same for a packet from a real server back to a client (NAT). */
struct l4lb_reply_pkt {
	__be32	raddr;
	__be32	caddr;
	__be16	rport;
	__be16	cport;
	u8	protocol;
	u8	tcp_flags;
};

#define L4LB_TCP_SYN	BIT(0)
#define L4LB_TCP_ACK	BIT(1)
#define L4LB_TCP_FIN	BIT(2)
#define L4LB_TCP_RST	BIT(3)

/*
 * One flow. Its keys and its dest never change after insertion: moving a
 * flow to another dest replaces the entry. Kept small on purpose (no
 * HWCACHE alignment, 8-byte packing): with conn_max entries this is most
 * of the module's memory. The fields touched only when the entry is
 * armed, freed or (NAT) its replies pass come first; then, contiguous,
 * what a chain walk compares and the packet path reads and writes (keys,
 * state, dest, expiry), and last the addresses, whose size depends on
 * the family: an entry is allocated only as long as its family needs
 * (conn.c's layout decision), so @a is valid only for that family.
 */
struct l4lb_conn {
	struct timer_list	timer;
	struct rcu_head		rcu;
	struct hlist_node	rnode;	/* server-side chain, NAT only, RCU */
	/*
	 * NAT: the input route the flow's replies took to the client, held
	 * (xmit.c); replaced with xchg(), dropped with the entry.
	 */
	struct dst_entry __rcu	*reply_dst;
	struct hlist_node	node;	/* client-side chain, RCU */
	__be16			cport;
	__be16			vport;
	u8			protocol;
	u8			state;		/* bucket lock; READ_ONCE */
	u8			flags;		/* enum l4lb_conn_flags, likewise */
	u8			reply_tos;	/* of reply_dst's lookup */
	/*
	 * When the flow's addresses last passed the input route's checks
	 * (enum l4lb_addrs): l4lb_addrs_stamp() of rt_genid_ipv4() then, of
	 * the device the input route accepted them from and its rp_filter
	 * then, or of 0 when the hook's addrs_check() found them good, for
	 * any device without a reverse-path filter. Checked again once
	 * routes or addresses change. One word, so no reader sees half of
	 * one; lockless.
	 */
	atomic64_t		addrs_stamp;
	struct l4lb_dest	*dest;	/* holds a reference */
	unsigned long		expires;	/* jiffies, lockless */
	/* Client and VIP: v4 without L4LB_CONN_F_INET6, else v6. */
	union {
		struct {
			__be32		caddr;
			__be32		vaddr;
		} v4;
		struct {
			struct in6_addr	caddr;
			struct in6_addr	vaddr;
		} v6;
	} a;
};

/* struct l4lb_conn's flags. */
enum l4lb_conn_flags {
	L4LB_CONN_F_HASHED	= BIT(0),	/* in the table */
	/* UDP: the flow proved itself (conn.c); full timeout, kept */
	L4LB_CONN_F_CONFIRMED	= BIT(1),
	/* An IPv6 flow: its addresses are a.v6; set once, at creation */
	L4LB_CONN_F_INET6	= BIT(2),
};

extern bool l4lb_fast_path;
extern unsigned int l4lb_conn_tab_bits;
extern unsigned int l4lb_conn_max;

int l4lb_conn_cache_create(void);
void l4lb_conn_cache_destroy(void);
unsigned int l4lb_conn_entry_size(u8 family);
int l4lb_conn_table_init(void);
void l4lb_conn_table_free(void);
unsigned int l4lb_conn_buckets(void);
enum l4lb_flow_verdict l4lb_flow_step(struct l4lb_net *ln,
				      struct l4lb_service *svc,
				      const struct l4lb_flow_in *in,
				      struct l4lb_decision *d);
struct l4lb_conn *l4lb_conn_find(const struct net *net,
				 const struct l4lb_flow_in *p);
struct l4lb_conn *l4lb_conn_find_reply(const struct net *net,
				       const struct l4lb_reply_pkt *p);
void l4lb_conn_reply_seen(struct l4lb_net *ln, struct l4lb_conn *c,
			  const struct l4lb_reply_pkt *p, unsigned int segs,
			  unsigned int len);
int l4lb_conn_walk(const struct net *net, unsigned long *bucket,
		   unsigned long *skip,
		   int (*fn)(const struct l4lb_conn *c, void *arg), void *arg);
void l4lb_conn_flush_net(struct l4lb_net *ln);

/*
 * A TOS the FIB looks at: routes may be chosen by it, so under a
 * reverse-path filter the check of a packet with one may differ from
 * that of one without.
 */
static inline bool l4lb_tos_routed(const struct iphdr *iph)
{
	return iph->tos & IPTOS_RT_MASK;
}

/* ---- xmit.c ---- */

unsigned int l4lb_xmit(struct l4lb_net *ln, struct sk_buff *skb,
		       const struct l4lb_decision *d, bool early);
unsigned int l4lb_xmit_icmp(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_dest *dest);
unsigned int l4lb_nat_reply(struct l4lb_net *ln, struct sk_buff *skb,
			    struct l4lb_conn *c);
void l4lb_route_forget_dev(struct l4lb_dest *dest,
			   const struct net_device *dev);
void l4lb_reply_route_save(struct l4lb_conn *c, struct sk_buff *skb);
struct dst_entry *l4lb_reply_route(struct l4lb_conn *c,
				   const struct sk_buff *skb);
bool l4lb_reply_rpf_ok(struct l4lb_conn *c, const struct sk_buff *skb);
unsigned int l4lb_nat_reply_xmit(struct l4lb_net *ln, struct sk_buff *skb,
				 struct l4lb_conn *c, struct dst_entry *dst);
void l4lb_untrack(struct sk_buff *skb);

/* ---- icmp.c: errors about a balanced flow, both directions ---- */

unsigned int l4lb_icmp_in(struct l4lb_net *ln, struct sk_buff *skb);
unsigned int l4lb_icmp_reply(struct l4lb_net *ln, struct sk_buff *skb);

/* ---- hooks.c ---- */

int l4lb_hooks_ensure(struct l4lb_net *ln);
void l4lb_hooks_unregister(struct l4lb_net *ln);

/* ---- netlink.c ---- */

int l4lb_genl_register(void);
void l4lb_genl_unregister(void);

#endif /* _L4LB_H */
