#!/bin/bash
# PID 1 of the test VM, after switch_root into the host's root (read-only
# over 9p). Makes the few writable places the tests need, runs the selftests
# named on the kernel command line one after another and reports each in
# KTAP (its cases as a subtest block, then its own line), failing any test
# with a failed case, or after which the kernel log shows a splat (splat.sh) or
# l4lb cannot be unloaded (the tests after it then do not run). Then powers
# off.
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

. selftests/vm/splat.sh
# Set to the test after which l4lb could not be unloaded: no later test
# runs on that stale module.
stuck=

# run_one N NAME: test NAME in KTAP (NAME[F]: selftests/tests/NAME.sh with
# L4LB_FAMILY=F, lib.sh's address family): its cases (lib.sh writes them to
# $L4LB_KTAP) and the harness's two (a clean kernel log, the module
# unloaded) as a subtest block, then "ok N - NAME" or "not ok N - NAME".
# A failed test shows the kernel log's tail (all of it after a splat).
run_one() {
	local n=$1 name=$2 rc out start=$SECONDS cases splat unload= m verdict
	local script=${2%%[*} family=
	[ "$script" = "$name" ] || family=${name#"$script["} family=${family%]}
	echo "# BEGIN $name"
	if [ -n "$stuck" ]; then
		echo "not ok $n - $name (not run: l4lb stuck loaded since $stuck)"
		echo "# END $name 0s"
		return
	fi
	# A test killed at its timeout may leave namespaces behind.
	ip -all netns delete 2>/dev/null
	dmesg -C
	out=/tmp/${name//\//-}.out
	cases=/tmp/${name//\//-}.ktap
	: >"$cases"
	L4LB_KTAP=$cases L4LB_FAMILY=${family:-4} timeout -k 5 "$timeout" bash "selftests/tests/$script.sh" 2>&1 |
		tee "$out" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	# The next test must start without l4lb: unload what is left (a test
	# killed at its timeout, a leaked reference) or stop the run here.
	if [ -d /sys/module/l4lb ]; then
		ip -all netns delete 2>/dev/null
		if ! m=$(rmmod l4lb 2>&1) || [ -d /sys/module/l4lb ]; then
			unload="l4lb did not unload: ${m:-still loaded}"
			stuck=$name
		fi
	fi
	splat=$(dmesg | splat_lines)
	m=$(grep -cE '^(not )?ok [0-9]+ ' "$cases")
	if [ -n "$splat" ]; then
		echo "not ok $((m += 1)) - kernel log: no splat" >>"$cases"
	else
		echo "ok $((m += 1)) - kernel log: no splat" >>"$cases"
	fi
	if [ -n "$unload" ]; then
		echo "not ok $((m += 1)) - $unload" >>"$cases"
	else
		echo "ok $((m += 1)) - l4lb unloaded" >>"$cases"
	fi
	# KTAP: the cases as a subtest block, then the test's own line.
	echo "    KTAP version 1"
	echo "    # Subtest: $name"
	echo "    1..$m"
	grep -E '^(not )?ok [0-9]+ ' "$cases" | sed 's/^/    /'
	if [ -n "$splat" ]; then
		echo "# kernel log after $name shows a splat:"
		sed 's/^/# ! /' <<<"$splat"
		echo "# the whole kernel log:"
		dmesg | sed 's/^/# | /'
		echo "not ok $n - $name (kernel splat)"
		echo "# END $name $((SECONDS - start))s"
		return
	fi
	if [ -n "$unload" ]; then
		verdict="not ok $n - $name ($unload)"
	elif [ $rc -eq 0 ] && ! grep -q '^not ok' "$cases"; then
		verdict="ok $n - $name"
	elif [ $rc -eq 4 ] && tail -n 1 "$out" | grep -q '^SKIP: '; then
		verdict="ok $n - $name # SKIP $(tail -n 1 "$out")"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		verdict="not ok $n - $name (timed out after ${timeout}s)"
	elif [ $rc -eq 0 ]; then
		verdict="not ok $n - $name (a case failed)"
	else
		verdict="not ok $n - $name (exit $rc)"
	fi
	if [ "${verdict#not ok}" != "$verdict" ]; then
		echo "# the kernel log's last lines after $name:"
		dmesg | tail -n 40 | sed 's/^/# | /'
	fi
	echo "$verdict"
	echo "# END $name $((SECONDS - start))s"
}

case $mode in
test)
	n=0
	# (Not split by the shell: NAME[6] would be a glob.)
	IFS=, read -ra names <<<"$tests"
	for name in "${names[@]}"; do
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
