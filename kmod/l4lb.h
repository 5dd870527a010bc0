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

/* Per subsystem, each after those it builds on. */
#include "addr.h"
#include "stats.h"
#include "persist.h"
#include "pernet.h"
#include "dest.h"
#include "sched.h"
#include "service.h"
#include "conn.h"
#include "sync.h"
#include "packet.h"

/* ---- netlink.c ---- */

int l4lb_genl_register(void);
void l4lb_genl_unregister(void);

#endif /* _L4LB_H */
