# shellcheck shell=bash
# The kernel log lines that fail a selftest: a "splat". Sourced by
# guest-init.sh (which scans dmesg after every test) and by
# tests/splat.sh (which proves that each class below is caught).
#
# One extended regular expression per class, each matching the kernel's
# own wording (6.1). The log is scanned line by line; the prefix the
# kernel may put before a message ("watchdog: ", "rcu: ", "[  1.23] ")
# does not matter, as no pattern is anchored.
splat_patterns=(
	'BUG:'				# BUG: kernel NULL pointer dereference, BUG: KASAN, BUG: soft lockup ...
	'kernel BUG at'			# BUG_ON()
	'BUG [^ ]+ \((Not t|T)ainted'	# SLUB: BUG kmalloc-64 (Tainted: G    B): Poison overwritten
	'WARNING:'			# WARN*(), lockdep
	'Oops'
	'general protection'
	'Kernel panic'
	'KASAN'
	'UBSAN:'
	'KFENCE:'
	'kmemleak'
	'suspicious RCU'		# lockdep RCU: suspicious RCU usage
	'suspicious rcu_dereference'	# kmod/conn.c:55 suspicious rcu_dereference_check() usage!
	'rcu: INFO:'			# rcu: INFO: rcu_preempt detected stalls on CPUs/tasks
	'self-detected stall'		# rcu: INFO: rcu_sched self-detected stall on CPU
	'detected stalls? on'		# rcu_tasks, expedited stalls
	'blocked for more than'		# INFO: task x:1 blocked for more than 120 seconds.
	'soft lockup'			# watchdog: BUG: soft lockup - CPU#0 stuck for 22s!
	'hard LOCKUP'			# Watchdog detected hard LOCKUP on cpu 1
	'refcount_t:'			# refcount_t: underflow; use-after-free.
	'list_(add|del) corruption'	# list_add corruption. next->prev should be ...
	'hlist_(add|del) corruption'
	'ODEBUG:'			# debugobjects
	'unregister_netdevice: waiting'	# a netdev reference leaked
	'nobody cared'			# irq N: nobody cared
	'stack-protector'
	'double fault'
)

splat_regex() {
	local IFS='|'
	echo "${splat_patterns[*]}"
}

# splat_lines: the lines of the kernel log on stdin that show a splat
# (none: exit status 1, as grep).
splat_lines() {
	grep -E -- "$(splat_regex)"
}
