/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: connection sync, master and backup roles (sync.c).
 * Included by l4lb.h only, after the headers it builds on.
 */
#ifndef _L4LB_SYNC_H
#define _L4LB_SYNC_H

#include <linux/siphash.h>

/* A role's settings (NEW_DAEMON), fixed while it runs. */
struct l4lb_sync_cfg {
	char		ifname[IFNAMSIZ];
	int		ifindex;
	u32		syncid;
	u16		maxlen;
	u8		family;		/* of the group */
	u8		ttl;
	union l4lb_addr	group;
	__be16		port;
	bool		keyed;
	siphash_key_t	key;
};

/*
 * With a master running, an entry's timer fires about halfway to its
 * expiry, to send a refresh while the flow lasts (sync.c).
 */
#define L4LB_SYNC_GRACE		msecs_to_jiffies(L4LB_SYNC_GRACE_MS)

void l4lb_sync_net_init(struct l4lb_net *ln);
void l4lb_sync_net_stop(struct l4lb_net *ln);
int l4lb_sync_start(struct l4lb_net *ln, u32 state,
		    const struct l4lb_sync_cfg *cfg);
int l4lb_sync_stop(struct l4lb_net *ln, u32 state);
const struct l4lb_sync_cfg *l4lb_sync_cfg_of(struct l4lb_net *ln, u32 state);
void __l4lb_sync_conn(struct l4lb_net *ln, const struct l4lb_conn *c);
void __l4lb_sync_tmpl(struct l4lb_net *ln, const struct l4lb_tmpl *t);

static inline bool l4lb_sync_master_on(const struct l4lb_net *ln)
{
	return READ_ONCE(ln->flags) & L4LB_NET_F_SYNC_MASTER;
}

/* Packet path, RCU: entry @c was made or changed; a flag test if no master. */
static inline void l4lb_sync_conn(struct l4lb_net *ln,
				  const struct l4lb_conn *c)
{
	if (unlikely(l4lb_sync_master_on(ln)))
		__l4lb_sync_conn(ln, c);
}

static inline void l4lb_sync_tmpl(struct l4lb_net *ln,
				  const struct l4lb_tmpl *t)
{
	if (unlikely(l4lb_sync_master_on(ln)))
		__l4lb_sync_tmpl(ln, t);
}

/*
 * When the timer of an entry expiring at @expires should fire: then,
 * or with a master running about halfway there, so that a flow still
 * in use is refreshed on the backup before its copy expires.
 */
static inline unsigned long l4lb_sync_timer_at(const struct l4lb_net *ln,
					       unsigned long expires)
{
	long left = (long)(expires - jiffies);

	if (likely(!l4lb_sync_master_on(ln)) ||
	    left < 2 * (long)L4LB_SYNC_GRACE)
		return expires;
	return jiffies + left / 2;
}

#endif /* _L4LB_SYNC_H */
