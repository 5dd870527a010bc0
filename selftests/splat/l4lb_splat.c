// SPDX-License-Identifier: GPL-2.0
/*
 * l4lb_splat: a test-only module that makes the kernel print one real
 * splat of the class named by its parameter, for tests/splat.sh, which
 * checks that the selftest harness's scan (selftests/vm/splat.sh) catches
 * it. Never load it outside that test.
 *
 *   event=hung      a kthread waits uninterruptibly until the module is
 *                   unloaded: "INFO: task ... blocked for more than N
 *                   seconds" once kernel.hung_task_timeout_secs passes.
 *   event=stall     a kthread spins with preemption disabled until the
 *                   module is unloaded (at most spin_max_s seconds), while
 *                   a grace period is pending: a soft lockup once twice
 *                   kernel.watchdog_thresh passes, and an RCU CPU stall
 *                   once rcupdate.rcu_cpu_stall_timeout does.
 *   event=refcount  a refcount_t decremented to 0: "refcount_t: decrement
 *                   hit 0; leaking memory." and a WARNING (the test turns
 *                   panic_on_warn off first).
 */
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/string.h>

static char *event = "";
module_param(event, charp, 0444);
MODULE_PARM_DESC(event, "hung, stall or refcount");

static unsigned int spin_max_s = 120;
module_param(spin_max_s, uint, 0444);
MODULE_PARM_DESC(spin_max_s, "event=stall: the longest spin, in seconds");

enum splat_event {
	SPLAT_HUNG,
	SPLAT_STALL,
	SPLAT_REFCOUNT,
};

static struct task_struct *splat_thread;
static DECLARE_COMPLETION(splat_release);
static bool splat_stop;
static struct rcu_head splat_rcu;

static void splat_rcu_cb(struct rcu_head *head)
{
}

/* Sleep until kthread_stop(). */
static void splat_wait_stop(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int splat_hung_fn(void *data)
{
	wait_for_completion(&splat_release);
	splat_wait_stop();
	return 0;
}

static int splat_stall_fn(void *data)
{
	unsigned long end = jiffies + spin_max_s * HZ;

	preempt_disable();
	while (!READ_ONCE(splat_stop) && time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
	splat_wait_stop();
	return 0;
}

static int __init splat_init(void)
{
	static const char * const names[] = {
		[SPLAT_HUNG] = "hung",
		[SPLAT_STALL] = "stall",
		[SPLAT_REFCOUNT] = "refcount",
	};
	refcount_t ref = REFCOUNT_INIT(1);
	int ev;

	ev = match_string(names, ARRAY_SIZE(names), event);
	switch (ev) {
	case SPLAT_HUNG:
		splat_thread = kthread_run(splat_hung_fn, NULL, "l4lb_splat_hung");
		break;
	case SPLAT_STALL:
		splat_thread = kthread_run(splat_stall_fn, NULL, "l4lb_splat_spin");
		/* A grace period to wait for: the spinning CPU stalls it. */
		if (!IS_ERR(splat_thread))
			call_rcu(&splat_rcu, splat_rcu_cb);
		break;
	case SPLAT_REFCOUNT:
		refcount_dec(&ref);
		return 0;
	default:
		pr_err("l4lb_splat: event=%s: not hung, stall or refcount\n", event);
		return -EINVAL;
	}
	if (IS_ERR(splat_thread))
		return PTR_ERR(splat_thread);
	return 0;
}

static void __exit splat_exit(void)
{
	if (splat_thread) {
		WRITE_ONCE(splat_stop, true);
		complete(&splat_release);
		kthread_stop(splat_thread);
	}
	rcu_barrier();
}

module_init(splat_init);
module_exit(splat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("l4lb selftests: provokes kernel splats (test only)");
