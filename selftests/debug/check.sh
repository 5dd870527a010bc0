#!/bin/bash
# make check-debug: the selftests on a debug kernel (KASAN, kmemleak,
# lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, failslab/fail-nth) built from
# Debian's linux-source-6.1, then a kmemleak scan of the whole run.
#
#   check.sh [NAME...]    selftests/tests/NAME.sh (default: all)
#   check.sh --shell CMD  one command in a VM on that kernel (run.sh --shell;
#                         for debugging, no kmemleak verdict)
#
# The kernel is built once (~40+ min on 2 cores, at nice 19) and cached in
# /var/cache/l4lb-debug-kernel (build-kernel.sh). l4lb.ko is built against
# it in build/debug/, apart from the normal build. The console goes to
# build/debug/check.log. Exit 0 when every test passed and kmemleak found
# nothing of the module's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/debug

kernel=$("$here/build-kernel.sh" | tail -n 1)
release=$(cat "$kernel/release")

# modules.builtin and depmod's index for the guest's /lib/modules.
if [ ! -f "$kernel/modroot/lib/modules/$release/modules.builtin" ]; then
	rm -rf "$kernel/modroot"
	make -s -C "$kernel/build" INSTALL_MOD_PATH="$kernel/modroot" modules_install >/dev/null
	rm -f "$kernel/modroot/lib/modules/$release/"{build,source}
fi

# The guest mounts a tmpfs over /var, so it reads them from the project.
rm -rf "$out/modules"
mkdir -p "$out/modules"
cp -a "$kernel/modroot/lib/modules/$release" "$out/modules/"

# The module, from a copy of its sources (Kbuild has no separate output
# directory for external modules in 6.1).
mkdir -p "$out/src"
# Only sources: the normal build's outputs (l4lb.mod lists its objects by
# absolute path) must not leak in.
rsync -a --delete --include='*/' --include='*.[ch]' --include='Kbuild' \
	--include='Makefile' --exclude='*' "$top/Kbuild" "$top/kmod" "$top/include" "$out/src/"
make -s -C "$kernel/build" M="$out/src" modules
make -s -C "$here"

# Boot options for speed under TCG (L4LB_DEBUG_BOOT replaces them):
# slub_debug=-: debug.config turns on SLUB_DEBUG_ON (red zones, poisoning,
# a stack trace per allocation and free, no per-CPU fast path), which KASAN
# covers at the access itself rather than at free. slab_nomerge keeps the
# l4lb_* caches under their own names in /proc/slabinfo, as the debug flags
# did, for the tests' leak checks.
boot_opts=${L4LB_DEBUG_BOOT-slub_debug=- slab_nomerge}

# 40 minutes a test: failslab took 1121 s and fuzz 1907 s on a busy 2-CPU
# host.
echo "# debug kernel $release: $kernel/bzImage"
export L4LB_KERNEL=$kernel/bzImage
export L4LB_MODULE=$out/src/kmod/l4lb.ko
export L4LB_VM_MEM=${L4LB_VM_MEM:-4G}
export L4LB_TEST_TIMEOUT=${L4LB_TEST_TIMEOUT:-2400}
# selinux=0: defconfig makes SELinux the active LSM, Debian's kernel
# AppArmor; SELinux's FORWARD hook (labelled networking) would keep every
# NAT reply off l4lb's reply fast path, as it must, and nat_reply would
# test nothing of it.
export L4LB_APPEND="l4lb.setup=$here/guest-setup.sh l4lb.modules=$out/modules watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120 selinux=0 $boot_opts"
# (run.sh --shell gives the command L4LB_TEST_TIMEOUT too.)
[ "${1:-}" != --shell ] || exec "$top/selftests/run.sh" "$@"
set +e
"$top/selftests/run.sh" "$@" | tee "$out/check.log"
rc=${PIPESTATUS[0]}
set -e

if grep -q '^# debug-lane kmemleak: clean$' "$out/check.log"; then
	echo "debug lane: kmemleak found no leak of l4lb"
elif grep -q '^# debug-lane kmemleak: LEAKS$' "$out/check.log"; then
	echo "debug lane: kmemleak found leaks of l4lb (above)"
	rc=1
else
	echo "debug lane: the final kmemleak scan did not run"
	rc=1
fi
exit "$rc"
