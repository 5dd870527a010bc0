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

/*
 * timer_shutdown_sync() (6.2+) also forbids re-arming; 6.1 only has
 * del_timer_sync(). The conn expiry handler never re-arms an unhashed
 * entry, so del_timer_sync() gives the same guarantee here. On 6.2+ this
 * becomes timer_shutdown_sync().
 */
#define l4lb_timer_shutdown_sync(t)	del_timer_sync(t)

/*
 * SLAB_NO_MERGE (6.5+) keeps a cache apart from other caches of the same
 * object size: /proc/slabinfo then shows the module's own objects (the
 * selftests' leak checks and the bench read it), and a stray write into an
 * entry cannot land in another subsystem's object. 6.1 lacks the flag; a
 * cache with a constructor is never merged, so an empty one does the same.
 */
#ifdef SLAB_NO_MERGE
#define L4LB_SLAB_NO_MERGE	SLAB_NO_MERGE
#define l4lb_slab_no_merge_ctor	NULL
#else
#define L4LB_SLAB_NO_MERGE	0
static inline void l4lb_slab_no_merge_ctor(void *obj)
{
}
#endif

#endif /* _L4LB_COMPAT_H */
