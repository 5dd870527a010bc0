/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: per network namespace state (main.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_PERNET_H
#define _L4LB_PERNET_H

/* Connection sync's per-netns counters (GET_DAEMON; sync.c). */
enum l4lb_sync_ctr {
	L4LB_SYNC_TX_DATAGRAMS,
	L4LB_SYNC_TX_RECORDS,
	L4LB_SYNC_TX_DROPPED,
	L4LB_SYNC_RX_DATAGRAMS,
	L4LB_SYNC_RX_RECORDS,
	L4LB_SYNC_RX_DROPPED,
	L4LB_SYNC_RX_MALFORMED,
	L4LB_SYNC_RX_BAD_AUTH,
	L4LB_SYNC_RX_OTHER_SYNCID,
	L4LB_SYNC_RX_NO_SERVICE,
	L4LB_SYNC_RX_TABLE_FULL,
	L4LB_SYNC_NR_CTRS
};

struct l4lb_sync_master;
struct l4lb_sync_backup;

struct l4lb_sync_net {
	/* Set and cleared under the config lock; packets read it by RCU. */
	struct l4lb_sync_master __rcu	*master;
	struct l4lb_sync_backup		*backup;	/* config lock */
	atomic64_t			ctrs[L4LB_SYNC_NR_CTRS];
};

/* What the backup's install of a record came to (conn.c, persist.c). */
enum l4lb_sync_in {
	L4LB_SYNC_IN_DONE,	/* installed or updated */
	L4LB_SYNC_IN_FULL,	/* the table or the netns's share is full */
	L4LB_SYNC_IN_NOMEM,
};

struct l4lb_net {
	struct net		*net;
	/* Serialises configuration; see the locking rules above. */
	struct mutex		lock;
	struct hlist_head	svc_tab[L4LB_SVC_TAB_SIZE];
	/* Read locklessly by the hook as a fast "nothing to do" test. */
	unsigned int		svc_count;
	/* Firewall-mark services among them (the same). */
	unsigned int		fwm_count;
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
	/*
	 * Reassembly enabled: nf_defrag_ipv4 for NAT replies, nf_defrag_ipv6
	 * for IPv6 services (enum l4lb_net_defrag; config lock).
	 */
	unsigned int		defrag;
	/*
	 * The families whose netfilter hooks are registered (enum
	 * l4lb_net_hooked; config lock): hooks.c.
	 */
	unsigned int		hooked;
	/* Persistence templates (persist.c). */
	struct l4lb_persist	persist;
	/* Connection sync roles (sync.c). */
	struct l4lb_sync_net	sync;
	/*
	 * The outer source of tunnels (L4LB_CONFIG_A_TUN_SOURCE*; tunnel.c),
	 * NULL while the routes choose it. Replaced under the config lock,
	 * then tun_src_gen is bumped (release), so a route looked up before
	 * is looked up again.
	 */
	struct l4lb_tun_src __rcu *tun_src;
	u32			tun_src_gen;
};

/* Configured outer sources of tunnels; any address: the route's choice. */
struct l4lb_tun_src {
	__be32		addr4;
	struct in6_addr	addr6;
	struct rcu_head	rcu;
};

enum l4lb_net_defrag {
	L4LB_DEFRAG_INET	= BIT(0),
	L4LB_DEFRAG_INET6	= BIT(1),
};

enum l4lb_net_hooked {
	L4LB_HOOKED_INET	= BIT(0),
	L4LB_HOOKED_INET6	= BIT(1),
};

extern unsigned int l4lb_net_id;

enum l4lb_net_ctr {
	/* Sent on from PREROUTING (hooks4.c): */
	L4LB_FAST_CLIENT,	/* clients' packets to a service */
	L4LB_FAST_REPLY,	/* NAT: real servers' packets to a client */
	/* Connection table (conn.c): */
	L4LB_CTR_EVICTED,	/* entries evicted for a new flow */
	L4LB_CTR_NOT_SYN,	/* TCP of no flow, not a SYN: not ours */
};

enum l4lb_net_flags {
	/* TCP packets of unknown flows other than a SYN start a flow. */
	L4LB_NET_F_TCP_PICKUP	= BIT(0),
	/*
	 * A template whose dest has weight 0 still directs new flows (IPVS's
	 * expire_quiescent_template off; persist.c).
	 */
	L4LB_NET_F_KEEP_QUIESCENT	= BIT(1),
	/* A sync master runs: entries' changes are queued (sync.c). */
	L4LB_NET_F_SYNC_MASTER		= BIT(2),
};

/* What configuration needs set up in a netns (main.c). */
enum l4lb_net_need {
	L4LB_NEED_HOOKS,	/* an IPv4 service: the IPv4 hooks */
	L4LB_NEED_NAT,		/* an IPv4 NAT dest: reassembly before FORWARD */
	/*
	 * An IPv6 service: the IPv6 hooks, and reassembly at PREROUTING.
	 * IPv6 reassembles a local packet only after LOCAL_IN (the
	 * fragment header is an upper layer there), and a forwarded one
	 * never, so both directions need nf_defrag_ipv6 for their ports.
	 */
	L4LB_NEED_INET6,
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

#endif /* _L4LB_PERNET_H */
