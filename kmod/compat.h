/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims. The module targets Debian bookworm's 6.1; this file
 * is the one place to bridge API drift so the rest of the code can use
 * today's names.
 */
#ifndef _L4LB_COMPAT_H
#define _L4LB_COMPAT_H

#include <linux/timer.h>
#include <linux/slab.h>
#include <net/gre.h>

/*
 * timer_shutdown_sync() (6.2+) also forbids re-arming; 6.1 only has
 * del_timer_sync(). The conn expiry handler never re-arms an unhashed
 * entry, so del_timer_sync() gives the same guarantee here. On 6.2+ this
 * becomes timer_shutdown_sync().
 */
#define l4lb_timer_shutdown_sync(t)	del_timer_sync(t)

/*
 * A cache of its own, never merged with another of the same object size:
 * /proc/slabinfo then shows the module's own objects (the selftests' leak
 * checks and the bench read it), and a stray write into an entry cannot
 * land in another subsystem's object. 6.5+ says so with SLAB_NO_MERGE. On
 * older kernels a cache created with a usercopy region is never merged
 * either (kmem_cache_create_usercopy() skips the alias search); unlike a
 * constructor, that keeps SLUB's free pointer inside the freed object, so
 * the slab object stays the entry's size. The region is the entry's first
 * byte; nothing copies an entry to or from user space.
 */
static inline struct kmem_cache *l4lb_cache_create_unmerged(const char *name,
							     unsigned int size)
{
#ifdef SLAB_NO_MERGE
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
#else
	return kmem_cache_create_usercopy(name, size, 0, 0, 0, 1, NULL);
#endif
}

/*
 * A GRE header of @hlen bytes (4, or 8 with the checksum: @csum) in
 * front of @skb's data, for inner protocol @proto (an ethertype). 6.10
 * turned the tunnel flags into a bitmap (IP_TUNNEL_DECLARE_FLAGS).
 */
static inline void l4lb_gre_build_header(struct sk_buff *skb, int hlen,
					 bool csum, __be16 proto)
{
#ifdef IP_TUNNEL_DECLARE_FLAGS
	IP_TUNNEL_DECLARE_FLAGS(flags) = { };

	if (csum)
		__set_bit(IP_TUNNEL_CSUM_BIT, flags);
	gre_build_header(skb, hlen, flags, proto, 0, 0);
#else
	gre_build_header(skb, hlen, csum ? TUNNEL_CSUM : 0, proto, 0, 0);
#endif
}

#endif /* _L4LB_COMPAT_H */
