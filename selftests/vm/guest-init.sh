#!/bin/bash
# PID 1 of the test VM, after switch_root into the host's root (read-only
# over 9p). Makes the few writable places the tests need, runs the selftests
# named on the kernel command line one after another and reports each in TAP,
# failing any test after which the kernel log shows a splat. Then powers off.
#
# Kernel command line: l4lb.dir=PROJECT l4lb.tests=a,b,c l4lb.timeout=SECONDS
# Optional: l4lb.module=KO (the l4lb.ko the tests load, as L4LB_MODULE) and
# l4lb.setup=SCRIPT, sourced before the tests (the debug lane prepares its
# kernel there); a suite_end function it defines runs after the last test;
# l4lb.insncount=DIR (the insncount qemu plugin's readings, as L4LB_INSNCOUNT).
# A test script exits 0 (pass), 4 (skip; its last output line says why) or
# anything else (fail).

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mkdir -p /var/log/nginx /var/lib/nginx /var/tmp /var/lock /var/cache /run/lock
ln -s /run /var/run
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb
ip link set lo up
hostname l4lb-vm

dir= tests= timeout=300 mode=test
for arg in $(cat /proc/cmdline); do
	case $arg in
	l4lb.dir=*) dir=${arg#*=} ;;
	l4lb.tests=*) tests=${arg#*=} ;;
	l4lb.timeout=*) timeout=${arg#*=} ;;
	l4lb.mode=*) mode=${arg#*=} ;;
	l4lb.module=*) export L4LB_MODULE=${arg#*=} ;;
	l4lb.insncount=*) export L4LB_INSNCOUNT=${arg#*=} ;;
	l4lb.setup=*) setup=${arg#*=} ;;
	esac
done
export L4LB_DIR=$dir
cd "$dir" || { echo "l4lb-vm: no project at $dir"; poweroff -f; }
[ -z "${setup:-}" ] || . "$setup"

splat='BUG:|WARNING:|Oops|KASAN|suspicious RCU|general protection|kmemleak|UBSAN'

run_one() {
	local n=$1 name=$2 rc out start=$SECONDS
	# A test killed at its timeout may leave namespaces or the module.
	ip -all netns delete 2>/dev/null
	rmmod l4lb 2>/dev/null
	dmesg -C
	echo "# BEGIN $name"
	out=/tmp/${name//\//-}.out
	timeout -k 5 "$timeout" bash "selftests/tests/$name.sh" 2>&1 | tee "$out" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	if dmesg | grep -Eq "$splat"; then
		echo "# kernel log after $name shows a splat:"
		dmesg | sed 's/^/# | /'
		echo "not ok $n - $name (kernel splat)"
	elif [ $rc -eq 0 ]; then
		echo "ok $n - $name"
	elif [ $rc -eq 4 ] && tail -n 1 "$out" | grep -q '^SKIP: '; then
		echo "ok $n - $name # SKIP $(tail -n 1 "$out")"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "not ok $n - $name (timed out after ${timeout}s)"
	else
		echo "not ok $n - $name (exit $rc)"
	fi
	echo "# END $name $((SECONDS - start))s"
}

case $mode in
test)
	n=0
	for name in ${tests//,/ }; do
		n=$((n + 1))
		run_one "$n" "$name"
	done
	! declare -F suite_end >/dev/null || suite_end
	;;
shell)
	bash build/shell/cmd.sh 2>&1
	echo "# exit $?"
	;;
*)
	# demo/bench: run one script with the console as its output.
	bash "selftests/$mode.sh"
	echo "# exit $?"
	;;
esac
echo "# DONE"
sync
poweroff -f
