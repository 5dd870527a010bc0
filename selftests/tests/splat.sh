#!/bin/bash
# lane: extended (make check-extended)
# The harness's splat scan (splat_lines of selftests/vm/splat.sh, which
# guest-init.sh runs on the kernel log after every test) must flag every
# class of kernel failure, and nothing of a clean run (issue 20):
#   1. One line per class, in the kernel's own wording, goes through the
#      kernel log (/dev/kmsg): the scan flags exactly those lines, and none
#      of the ordinary lines written with them.
#   2. A clean run (l4lb loaded, a DR service, connections, unloaded): its
#      kernel log is not empty and the scan flags nothing.
#   3. Real events, provoked by the test-only module selftests/splat/
#      l4lb_splat.ko (built by make): a hung task, a soft lockup with an RCU
#      CPU stall, a refcount_t warning. The scan flags the kernel's lines.
# The kernel log is cleared at the end: these splats are this test's
# oracle, not a failure of it.
. "$(dirname "$0")/../lib.sh"
. "$L4LB_DIR/selftests/vm/splat.sh"

SPLAT_KO=$L4LB_DIR/selftests/splat/l4lb_splat.ko

# Kernel settings this test changes, restored at exit.
declare -A saved=()
set_knob() { # FILE VALUE
	[ -n "${saved[$1]+x}" ] || saved[$1]=$(cat "$1")
	echo "$2" >"$1"
}
restore() {
	local f
	grep -q '^l4lb_splat ' /proc/modules && rmmod l4lb_splat
	for f in "${!saved[@]}"; do echo "${saved[$f]}" >"$f"; done
	dmesg -C
}
trap 'rc=$?; restore; (exit $rc); cleanup' EXIT

# /dev/kmsg takes 10 lines in 5 s from a process by default.
set_knob /proc/sys/kernel/printk_devkmsg on

# 1. Each class, as the kernel words it.
splats=(
	"BUG: kernel NULL pointer dereference, address: 0000000000000008"
	"kernel BUG at kmod/conn.c:123!"
	"BUG kmalloc-64 (Tainted: G           O      ): Poison overwritten"
	"WARNING: CPU: 1 PID: 42 at kmod/conn.c:100 l4lb_conn_put+0x10/0x20 [l4lb]"
	"Oops: 0000 [#1] PREEMPT SMP NOPTI"
	"general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI"
	"Kernel panic - not syncing: Fatal exception in interrupt"
	"KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]"
	"UBSAN: shift-out-of-bounds in kmod/sched_wrr.c:42:15"
	"KFENCE: use-after-free read in l4lb_conn_put+0x10/0x20 [l4lb]"
	"kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"
	"WARNING: suspicious RCU usage"
	"kmod/conn.c:55 suspicious rcu_dereference_check() usage!"
	"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
	"rcu: INFO: rcu_preempt self-detected stall on CPU"
	"INFO: rcu_tasks detected stalls on tasks:"
	"INFO: task l4lbd:123 blocked for more than 120 seconds."
	"watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [ksoftirqd/0:15]"
	"Watchdog detected hard LOCKUP on cpu 1"
	"refcount_t: underflow; use-after-free."
	"refcount_t: addition on 0; use-after-free."
	"refcount_t: saturated; leaking memory."
	"list_add corruption. next->prev should be prev (ffff888003a1b2c8), but was 0000000000000000. (next=ffff888003a1b2c8)."
	"list_del corruption, ffff888003a1b2c8->next is LIST_POISON1 (dead000000000100)"
	"ODEBUG: free active (active state 0) object: 00000000a1b2c3d4 object type: timer_list hint: l4lb_gc+0x0/0x10 [l4lb]"
	"unregister_netdevice: waiting for eth0 to become free. Usage count = 2"
	"irq 11: nobody cared (try booting with the \"irqpoll\" option)"
	"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: l4lb_xmit+0x1/0x2"
	"traps: PANIC: double fault, error_code: 0x0"
)
# Ordinary lines of a test run: none is a splat.
ordinary=(
	"l4lb: loaded"
	"br0: port 1(v-c) entered forwarding state"
	"IPVS: Registered protocols (TCP, UDP, SCTP, AH, ESP)"
	"FAULT_INJECTION: forcing a failure."
	"Call Trace:"
	"nf_conntrack: default automatic helper assignment has been turned off for security reasons"
	"l4lb_splat: loading out-of-tree module taints kernel."
)
# Each through the scan directly (it prints a flagged line as it is), then
# all through the kernel log.
scanned() { splat_lines <<<"$1" || true; }
flagged() { [ "$(scanned "$1")" = "$1" ]; }
passed() { [ -z "$(scanned "$1")" ]; }
for l in "${splats[@]}"; do expect_true "scan flags: $l" flagged "$l"; done
for l in "${ordinary[@]}"; do expect_true "scan passes: $l" passed "$l"; done
dmesg -C
for l in "${ordinary[@]}" "${splats[@]}" "${ordinary[@]}"; do
	echo "<5>$l" >/dev/kmsg
done
flagged=$(dmesg | splat_lines | sed -E 's/^\[ *[0-9.]+\] //' || true)
expect_true "the kernel log's splat lines are exactly the ${#splats[@]} written" \
	[ "$flagged" = "$(printf '%s\n' "${splats[@]}")" ]

# 2. A clean run.
dmesg -C
topo_dr lo
name_server rs1 tcp 80 rs1
adm lb -A -t "$VIP:80" -s rr
adm lb -a -t "$VIP:80" -r "$(rip 1)"
expect_eq "connections through l4lb" "$(tcp_names c "$VIP" 80 3 | tr '\n' ' ')" "rs1 rs1 rs1 "
adm lb -C
module_unload
expect_true "the clean run wrote to the kernel log ($(dmesg | wc -l) lines)" [ "$(dmesg | wc -l)" -gt 0 ]
expect_eq "splat lines in a clean run's kernel log" "$(dmesg | splat_lines || true)" ""

# 3. Real events.
# kernel_log: dmesg without the time stamps.
kernel_log() { dmesg | sed -E 's/^\[ *[0-9.]+\] //'; }
# kernel_line ERE: the first kernel log line matching ERE.
kernel_line() { kernel_log | grep -m 1 -E -- "$1"; }
has_line() { kernel_line "$1" >/dev/null; }
scan_flags() { kernel_log | splat_lines | grep -qxF -- "$1"; }
# flags EVENT ERE: the kernel prints a line matching ERE (polled for), and
# the scan flags that very line.
flags() {
	local line
	wait_for 120 has_line "$2"
	line=$(kernel_line "$2")
	expect_true "scan flags the real $1: $line" scan_flags "$line"
}
if [ ! -f "$SPLAT_KO" ]; then
	fail "$SPLAT_KO missing: run make on the host"
elif [ "$(modinfo -F vermagic "$SPLAT_KO" | awk '{ print $1 }')" != "$(uname -r)" ]; then
	case_skip "real splats" "l4lb_splat.ko is not built for $(uname -r)"
else
	dmesg -C
	set_knob /proc/sys/kernel/hung_task_timeout_secs 1
	insmod "$SPLAT_KO" event=hung
	flags "hung task" '^INFO: task l4lb_splat_hung:[0-9]+ blocked for more than [0-9]+ seconds\.$'
	echo "${saved[/proc/sys/kernel/hung_task_timeout_secs]}" >/proc/sys/kernel/hung_task_timeout_secs
	rmmod l4lb_splat

	dmesg -C
	set_knob /proc/sys/kernel/watchdog_thresh 1
	set_knob /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 3
	insmod "$SPLAT_KO" event=stall
	flags "soft lockup" 'BUG: soft lockup - CPU#[0-9]+ stuck for [0-9]+s! \[l4lb_splat_spin:[0-9]+\]$'
	flags "RCU CPU stall" '^rcu: INFO: rcu_[a-z]+ (self-detected stall on CPU|detected stalls on CPUs/tasks:)'
	rmmod l4lb_splat
	echo "${saved[/proc/sys/kernel/watchdog_thresh]}" >/proc/sys/kernel/watchdog_thresh

	dmesg -C
	set_knob /proc/sys/kernel/panic_on_warn 0
	insmod "$SPLAT_KO" event=refcount
	flags "refcount_t warning" '^refcount_t: decrement hit 0; leaking memory\.$'
	flags "WARNING of the refcount_t warning" '^WARNING: CPU: [0-9]+ PID: [0-9]+ at lib/refcount\.c'
	rmmod l4lb_splat
	echo "${saved[/proc/sys/kernel/panic_on_warn]}" >/proc/sys/kernel/panic_on_warn
fi
