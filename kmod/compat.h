/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims. The module targets Debian bookworm's 6.1; this file
 * is the one place to bridge API drift so the rest of the code can use
 * today's names.
 */
#ifndef _L4LB_COMPAT_H
#define _L4LB_COMPAT_H

#include <linux/timer.h>

/*
 * timer_shutdown_sync() (6.2+) also forbids re-arming; 6.1 only has
 * del_timer_sync(). The conn expiry handler never re-arms an unhashed
 * entry, so del_timer_sync() gives the same guarantee here. On 6.2+ this
 * becomes timer_shutdown_sync().
 */
#define l4lb_timer_shutdown_sync(t)	del_timer_sync(t)

#endif /* _L4LB_COMPAT_H */
