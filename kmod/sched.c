// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler registry. Schedulers are looked up by name when a service is
 * configured. They are all built into this module, so the registry needs
 * no module reference counting: it outlives every service.
 */
#include <linux/string.h>
#include "l4lb.h"

static LIST_HEAD(l4lb_sched_list);
static DEFINE_MUTEX(l4lb_sched_mutex);

int l4lb_sched_register(struct l4lb_sched_ops *ops)
{
	mutex_lock(&l4lb_sched_mutex);
	if (l4lb_sched_find(ops->name)) {
		mutex_unlock(&l4lb_sched_mutex);
		return -EEXIST;
	}
	list_add_tail(&ops->list, &l4lb_sched_list);
	mutex_unlock(&l4lb_sched_mutex);
	return 0;
}

void l4lb_sched_unregister(struct l4lb_sched_ops *ops)
{
	mutex_lock(&l4lb_sched_mutex);
	list_del(&ops->list);
	mutex_unlock(&l4lb_sched_mutex);
}

/*
 * Registration only happens at module init/exit, when no netlink request
 * can run, so readers need not take the mutex.
 */
const struct l4lb_sched_ops *l4lb_sched_find(const char *name)
{
	const struct l4lb_sched_ops *ops;

	list_for_each_entry(ops, &l4lb_sched_list, list)
		if (!strcmp(ops->name, name))
			return ops;
	return NULL;
}

int l4lb_sched_init(void)
{
	int err;

	err = l4lb_sched_rr_register();
	if (err)
		return err;
	err = l4lb_sched_wrr_register();
	if (err)
		goto err_unregister_rr;
	return 0;

err_unregister_rr:
	l4lb_sched_rr_unregister();
	return err;
}

void l4lb_sched_exit(void)
{
	l4lb_sched_wrr_unregister();
	l4lb_sched_rr_unregister();
}
