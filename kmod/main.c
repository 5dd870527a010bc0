// SPDX-License-Identifier: GPL-2.0
/*
 * l4lb: a layer-4 load balancer (IPVS-like), module init/exit, module
 * parameters and per-netns setup/teardown.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "l4lb.h"

module_param_named(conn_tab_bits, l4lb_conn_tab_bits, uint, 0444);
MODULE_PARM_DESC(conn_tab_bits,
		 "log2 of connection hash buckets (8..24, default 16)");
#define L4LB_CONN_TAB_BITS_MIN	8
#define L4LB_CONN_TAB_BITS_MAX	24

/*
 * conn_max and persist_max may change at run time: new flows see the new
 * limit at once (read with READ_ONCE). Lowering one below the entries
 * held removes none; new ones evict or are dropped until enough expire.
 */
static int l4lb_limit_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (!n || n > L4LB_CONN_LIMIT_MAX)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, n);
	return 0;
}

static const struct kernel_param_ops l4lb_limit_ops = {
	.set	= l4lb_limit_set,
	.get	= param_get_uint,
};

module_param_cb(conn_max, &l4lb_limit_ops, &l4lb_conn_max, 0644);
MODULE_PARM_DESC(conn_max,
		 "maximum connection entries, all netns together, 1..67108864 (default 262144; writable at run time)");

module_param_named(fast_path, l4lb_fast_path, bool, 0644);
MODULE_PARM_DESC(fast_path,
		 "send service packets on from PREROUTING where that changes nothing (default Y; see hooks4.c)");

module_param_cb(persist_max, &l4lb_limit_ops, &l4lb_persist_max, 0644);
MODULE_PARM_DESC(persist_max,
		 "maximum persistence templates per netns, 1..67108864 (default 65536; writable at run time)");

unsigned int l4lb_net_id __read_mostly;

/*
 * NAT replies are matched by their ports, which only the first fragment
 * carries, so the netns reassembles before we look (as IPVS does). Only
 * once a NAT dest exists: DR needs no reassembly outside LOCAL_IN, and a
 * netns that merely routes should not start reassembling because the
 * module is loaded. It stays on until the netns goes.
 */
static int l4lb_nat_enable(struct l4lb_net *ln)
{
	int err;

	if (ln->defrag & L4LB_DEFRAG_INET)
		return 0;
	err = nf_defrag_ipv4_enable(ln->net);
	if (!err)
		ln->defrag |= L4LB_DEFRAG_INET;
	return err;
}

/*
 * The first IPv6 service: reassembly at PREROUTING (L4LB_NEED_INET6),
 * then the IPv6 hooks. Reassembly stays on until the netns goes, as for
 * IPv4 NAT.
 */
static int l4lb_inet6_enable(struct l4lb_net *ln)
{
	int err;

	if (!(ln->defrag & L4LB_DEFRAG_INET6)) {
		err = nf_defrag_ipv6_enable(ln->net);
		if (err)
			return err;
		ln->defrag |= L4LB_DEFRAG_INET6;
	}
	return l4lb_hooks_ensure(ln, AF_INET6);
}

/*
 * Configuration is about to need @need of the netns (what it adds cannot
 * work without it): set it up if it is not yet. Config calls down here
 * rather than into the packet entry or lifecycle code itself.
 */
int l4lb_net_need(struct l4lb_net *ln, enum l4lb_net_need need)
{
	lockdep_assert_held(&ln->lock);
	switch (need) {
	case L4LB_NEED_HOOKS:
		return l4lb_hooks_ensure(ln, AF_INET);
	case L4LB_NEED_NAT:
		return l4lb_nat_enable(ln);
	case L4LB_NEED_INET6:
		return l4lb_inet6_enable(ln);
	}
	return -EINVAL;
}

static int __net_init l4lb_net_init(struct net *net)
{
	struct l4lb_net *ln = l4lb_pernet(net);
	int err;

	ln->net = net;
	mutex_init(&ln->lock);
	l4lb_svc_table_init(ln);
	atomic_set(&ln->dest_count, 0);
	atomic_set(&ln->conn_count, 0);
	ln->conn_limit = 0;
	ln->flags = 0;
	atomic_set(&ln->nat_dest_count, 0);
	ln->gen = 1;
	ln->timeout_tcp = L4LB_DEF_TIMEOUT_TCP;
	ln->timeout_tcp_fin = L4LB_DEF_TIMEOUT_TCP_FIN;
	ln->timeout_udp = L4LB_DEF_TIMEOUT_UDP;
	l4lb_persist_init(&ln->persist);
	l4lb_sync_net_init(ln);
	err = l4lb_stats_init(&ln->drops);
	if (err)
		return err;
	err = l4lb_stats_init(&ln->ctrs);
	if (err)
		goto err_free_drops;
	return 0;

err_free_drops:
	l4lb_stats_free(&ln->drops);
	return err;
}

/*
 * Unhooking does not wait for hooks still running on other CPUs; the
 * netns core waits a grace period after every .pre_exit, so by .exit no
 * packet of ours is in flight that could insert a connection behind the
 * flush.
 */
static void __net_exit l4lb_net_pre_exit(struct net *net)
{
	struct l4lb_net *ln = l4lb_pernet(net);

	/*
	 * The sync roles first (they take the lock themselves): after the
	 * grace period no backup installs an entry behind the flush either.
	 */
	l4lb_sync_net_stop(ln);
	mutex_lock(&ln->lock);
	l4lb_hooks_unregister(ln);
	mutex_unlock(&ln->lock);
}

/* Configuration first, then the connections left behind. */
static void __net_exit l4lb_net_exit(struct net *net)
{
	struct l4lb_net *ln = l4lb_pernet(net);

	mutex_lock(&ln->lock);
	l4lb_svc_flush(ln);
	/* None left by the services; nothing can add one now. */
	l4lb_persist_flush(ln, NULL, false);
	mutex_unlock(&ln->lock);
	l4lb_conn_flush_net(ln);
	/* No hook runs any more (.pre_exit, then a grace period). */
	kfree(rcu_dereference_protected(ln->tun_src, true));
	if (ln->defrag & L4LB_DEFRAG_INET6)
		nf_defrag_ipv6_disable(net);
	if (ln->defrag & L4LB_DEFRAG_INET)
		nf_defrag_ipv4_disable(net);
}

/*
 * One rcu_barrier() for the batch: conn RCU callbacks drop dest references
 * and touch l4lb_net counters, so they must finish before the per-netns
 * memory goes away.
 */
static void __net_exit l4lb_net_exit_batch(struct list_head *net_list)
{
	struct net *net;

	rcu_barrier();
	list_for_each_entry(net, net_list, exit_list) {
		struct l4lb_net *ln = l4lb_pernet(net);

		WARN_ON(atomic_read(&ln->conn_count));
		WARN_ON(atomic_read(&ln->persist.count));
		WARN_ON(atomic_read(&ln->dest_count));
		WARN_ON(ln->svc_count);
		l4lb_stats_free(&ln->ctrs);
		l4lb_stats_free(&ln->drops);
	}
}

static struct pernet_operations l4lb_net_ops = {
	.init		= l4lb_net_init,
	.pre_exit	= l4lb_net_pre_exit,
	.exit		= l4lb_net_exit,
	.exit_batch	= l4lb_net_exit_batch,
	.id		= &l4lb_net_id,
	.size		= sizeof(struct l4lb_net),
};

/*
 * A device going down or away takes the dests' routes by it along (see
 * l4lb_route_forget_dev()). Flows' reply routes need nothing: they are
 * input routes cached by the FIB, which marks them obsolete and lets go of
 * the device (dst_dev_put()) when it drops them, so dst_check() refuses
 * them and they pin nothing.
 */
static int l4lb_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct l4lb_net *ln;

	if (event != NETDEV_DOWN && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	ln = l4lb_pernet(dev_net(dev));
	mutex_lock(&ln->lock);
	if (READ_ONCE(ln->svc_count))
		l4lb_svc_forget_dev_routes(ln, dev);
	mutex_unlock(&ln->lock);
	return NOTIFY_DONE;
}

static struct notifier_block l4lb_netdev_notifier = {
	.notifier_call	= l4lb_netdev_event,
};

static int __init l4lb_init(void)
{
	int err;

	if (l4lb_conn_tab_bits < L4LB_CONN_TAB_BITS_MIN ||
	    l4lb_conn_tab_bits > L4LB_CONN_TAB_BITS_MAX) {
		pr_err("l4lb: conn_tab_bits must be %u..%u\n",
		       L4LB_CONN_TAB_BITS_MIN, L4LB_CONN_TAB_BITS_MAX);
		return -EINVAL;
	}

	err = l4lb_conn_cache_create();
	if (err)
		return err;
	err = l4lb_conn_table_init();
	if (err)
		goto err_destroy_cache;
	err = l4lb_sched_init();
	if (err)
		goto err_free_table;
	err = register_pernet_subsys(&l4lb_net_ops);
	if (err)
		goto err_sched_exit;
	/* After the pernet state it reads, which must outlive it. */
	err = register_netdevice_notifier(&l4lb_netdev_notifier);
	if (err)
		goto err_unregister_pernet;
	/* Last: the user-facing API only appears once everything works. */
	err = l4lb_genl_register();
	if (err)
		goto err_unregister_notifier;

	pr_info("l4lb: version %s, %u conn buckets, conn_max %u, entry %u bytes (IPv6 %u)\n",
		L4LB_MOD_VERSION, l4lb_conn_buckets(), l4lb_conn_max,
		l4lb_conn_entry_size(AF_INET), l4lb_conn_entry_size(AF_INET6));
	return 0;

err_unregister_notifier:
	unregister_netdevice_notifier(&l4lb_netdev_notifier);
err_unregister_pernet:
	unregister_pernet_subsys(&l4lb_net_ops);
err_sched_exit:
	l4lb_sched_exit();
err_free_table:
	l4lb_conn_table_free();
err_destroy_cache:
	rcu_barrier();
	l4lb_conn_cache_destroy();
	return err;
}

static void __exit l4lb_exit(void)
{
	l4lb_genl_unregister();
	unregister_netdevice_notifier(&l4lb_netdev_notifier);
	unregister_pernet_subsys(&l4lb_net_ops);
	l4lb_sched_exit();
	/*
	 * Wait for every RCU callback of ours (dest, service and conn frees,
	 * some queued by other callbacks during the pernet barrier) before
	 * their code and the conn cache disappear.
	 */
	rcu_barrier();
	l4lb_conn_table_free();
	l4lb_conn_cache_destroy();
}

module_init(l4lb_init);
module_exit(l4lb_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(L4LB_MOD_VERSION);
MODULE_DESCRIPTION("l4lb: layer-4 load balancer (direct routing and NAT)");
MODULE_ALIAS_GENL_FAMILY(L4LB_GENL_NAME);
