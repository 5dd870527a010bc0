#!/bin/bash
# Run selftests in a VM: Debian's kernel under qemu (TCG), this host's root
# shared read-only over 9p, the project at its own path.
#
#   run.sh [NAME...]    selftests/tests/NAME.sh (default: all), KTAP output
#                       (each test's cases as a subtest block before its
#                       line), last line "N passed, N failed, N skipped".
#                       A test whose header has a line "# families: 4 6"
#                       runs once per address family, as NAME[4] and
#                       NAME[6] (L4LB_FAMILY in the test, lib.sh), each
#                       its own result; NAME[6] names one of them.
#   run.sh --demo       selftests/demo.sh, its output on the console
#   run.sh --bench      selftests/bench.sh
#   run.sh --shell CMD  run one command in the VM (for debugging; the VM
#                       lives L4LB_TEST_TIMEOUT seconds, 600 at least)
#
# Another kernel (the debug lane, selftests/debug/check.sh): L4LB_KERNEL is a
# bzImage with virtio-pci and 9p built in, booted without an initramfs
# (L4LB_INITRD if it needs one); L4LB_MODULE the l4lb.ko built for it;
# L4LB_VM_MEM the guest memory (3G); L4LB_APPEND more kernel parameters.
#
# L4LB_INSNCOUNT=DIR loads the insncount plugin (selftests/bench/insncount.c),
# which counts the guest's instructions per vCPU and writes its readings
# to DIR; L4LB_INSNCOUNT_ARGS adds arguments (prof=on).
#
# If the VM dies during a test (a panic: the command line has
# panic_on_warn=1), that test fails with the console's tail and the VM is
# booted again for the tests that had not run yet.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
KDIR=${KDIR:-$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)}
KVER=${KVER:-$(basename "$(dirname "$KDIR")")}
kernel=${L4LB_KERNEL:-/boot/vmlinuz-$KVER}
# The per-test timeout: L4LB_TEST_TIMEOUT, else selftests/settings's
# timeout= (as kselftest's settings file).
settings_timeout=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$here/settings" 2>/dev/null | tail -n 1)
per_test_timeout=${L4LB_TEST_TIMEOUT:-${settings_timeout:-600}}
build=$top/build
mkdir -p "$build"

[ -r "$kernel" ] || { echo "run.sh: no kernel $kernel (run make deps)" >&2; exit 1; }
if [ -n "${L4LB_KERNEL:-}" ]; then
	initrd=${L4LB_INITRD:-}
else
	initrd=$build/initrd-$KVER.gz
	if [ ! -s "$initrd" ] || [ "$here/vm/mkinitramfs.sh" -nt "$initrd" ]; then
		"$here/vm/mkinitramfs.sh" "$KVER" "$initrd"
	fi
fi
boot=(-kernel "$kernel")
root=
if [ -n "$initrd" ]; then
	boot+=(-initrd "$initrd")
else
	# The kernel mounts the 9p share itself and runs guest-init as PID 1.
	root="root=hostroot rootfstype=9p ro init=$here/vm/guest-init.sh"
	root+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
fi

plugin=()
if [ -n "${L4LB_INSNCOUNT:-}" ]; then
	rm -rf "$L4LB_INSNCOUNT"
	mkdir -p "$L4LB_INSNCOUNT"
	plugin=(-plugin "$here/bench/insncount.so,dir=$L4LB_INSNCOUNT${L4LB_INSNCOUNT_ARGS:+,$L4LB_INSNCOUNT_ARGS}")
fi

# boot_vm MODE TESTS TIMEOUT LOG: one VM run, console to LOG and stdout.
boot_vm() {
	local mode=$1 tests=$2 limit=$3 log=$4
	# watchdog_thresh=60: a soft lockup needs 120 s of a stuck CPU, not 20;
	# under TCG on a busy host a vCPU may simply not run for that long.
	local append="console=ttyS0 quiet mitigations=off panic=-1 panic_on_warn=1 oops=panic watchdog_thresh=60"
	append+=" l4lb.init=$here/vm/guest-init.sh l4lb.dir=$top"
	append+=" l4lb.mode=$mode l4lb.tests=$tests l4lb.timeout=$per_test_timeout"
	append+=" $root ${L4LB_MODULE:+l4lb.module=$L4LB_MODULE} ${L4LB_APPEND:-}"
	[ -z "${L4LB_INSNCOUNT:-}" ] || append+=" l4lb.insncount=$L4LB_INSNCOUNT"
	timeout -k 10 "$limit" qemu-system-x86_64 \
		-accel tcg -cpu max -smp 2 -m "${L4LB_VM_MEM:-3G}" "${plugin[@]}" \
		"${boot[@]}" -append "$append" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-display none -serial stdio -monitor none -nic none -no-reboot \
		</dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" || true
}

case ${1:-} in
--demo|--bench)
	mode=${1#--}
	log=$build/$mode.log
	boot_vm "$mode" none 3600 "$log" | grep -v '^# DONE'
	grep -q '^# exit 0$' "$log"
	exit
	;;
--shell)
	shift
	mkdir -p "$build/shell"
	printf '%s\n' "$*" >"$build/shell/cmd.sh"
	# As long as a test may take (at least 10 minutes).
	boot_vm shell none $((per_test_timeout > 600 ? per_test_timeout : 600)) "$build/shell.log" |
		grep -v '^# DONE'
	grep -q '^# exit 0$' "$build/shell.log"
	exit
	;;
esac

if [ $# -gt 0 ]; then
	names=("$@")
else
	# make check runs the tests of lane "check" (no "# lane:" line in the
	# header); make check-extended (L4LB_LANE=extended) those of lane
	# "extended": variants and soak runs of what make check covers.
	names=()
	for t in "$here"/tests/*.sh; do
		lane=$(sed -n '/^[^#]/q; s/^# lane: *\([a-z]*\).*$/\1/p' "$t")
		[ "${lane:-check}" = "${L4LB_LANE:-check}" ] || continue
		names+=("$(basename "$t" .sh)")
	done
fi
# A test with a "# families:" line in its header (its first lines of
# comments) becomes one run per family: NAME[4] NAME[6].
tests=()
for t in "${names[@]}"; do
	script=${t%%[*}
	[ -f "$here/tests/$script.sh" ] || { echo "run.sh: no test selftests/tests/$script.sh" >&2; exit 2; }
	fams=$(sed -n '/^[^#]/q; s/^# families: *\([0-9 ]*\)$/\1/p' "$here/tests/$script.sh")
	if [ "$t" != "$script" ]; then
		case " $fams " in
		*" $(echo "$t" | sed -n 's/^[^[]*\[\([0-9]\)\]$/\1/p') "*) tests+=("$t") ;;
		*) echo "run.sh: $t: selftests/tests/$script.sh runs for families: ${fams:-none}" >&2; exit 2 ;;
		esac
	elif [ -n "$fams" ]; then
		for f in $fams; do tests+=("$t[$f]"); done
	else
		tests+=("$t")
	fi
done

# run_group G TEST...: the tests one after another in a VM, booting a new
# one if a VM dies. Console lines (test output, minus the KTAP lines) go to
# $out_G, one result per test ("ok - NAME", "not ok - NAME (why)") to
# $res_G, each test's subtest block to $ktap/NAME, and each test's run time
# ("NAME SECONDS") to $dur_G.
run_group() {
	local g=$1 log=$build/vm-$$-$1.log out res dur t result list rest boots=0
	shift
	local tests=("$@")
	out=$(group_file out "$g") res=$(group_file res "$g") dur=$(group_file dur "$g")
	# fd 4: the console lines. The script's own stdout, not a new open of
	# /dev/stdout: that would write a file from its start again.
	if [ "$out" = /dev/stdout ]; then exec 4>&1; else exec 4>>"$out"; fi
	: >"$res"
	: >"$dur"
	while [ ${#tests[@]} -gt 0 ]; do
		list=$(IFS=,; echo "${tests[*]}")
		boot_vm test "$list" $(( (per_test_timeout + 30) * ${#tests[@]} + 60 )) "$log" |
			grep --line-buffered -Ev '^(ok|not ok) [0-9]+ - |^    |^# (BEGIN|END|DONE)' >&4 || true
		sed -nE 's/^# END ([^ ]+) ([0-9]+)s$/\1 \2/p' "$log" >>"$dur"
		rest=()
		for t in "${tests[@]}"; do
			# (NAME[6]: a regex's brackets.)
			re=$(printf '%s' "$t" | sed 's/[].[]/\\&/g')
			result=$(grep -E "^(ok|not ok) [0-9]+ - $re( |\$)" "$log" | head -n 1 || true)
			if [ -n "$result" ]; then
				echo "$result" | sed -E 's/^(ok|not ok) [0-9]+ - /\1 - /' >>"$res"
				awk -v t="# BEGIN $t" '$0 == t { on = 1; next }
					on && /^    / { print } on && /^(ok|not ok) [0-9]+ - / { exit }' \
					"$log" >"$ktap/$t"
			elif grep -qxF "# BEGIN $t" "$log"; then
				{ echo "# the VM died during $t; the console's last lines:"
				  tail -n 40 "$log" | sed 's/^/# | /'; } >&4
				echo "not ok - $t (VM died)" >>"$res"
			else
				rest+=("$t")
			fi
		done
		if [ ${#rest[@]} -eq ${#tests[@]} ]; then
			{ echo "# the VM did not start any test; console:"
			  sed 's/^/# | /' "$log" | tail -n 40; } >&4
			# Once more: the debug kernel sometimes dies in early boot
			# under TCG (KASAN in cpu_detect), before any of our code.
			if [ $((boots += 1)) -lt 2 ]; then
				echo "# booting again" >&4
			else
				for t in "${rest[@]}"; do echo "not ok - $t (VM did not boot)" >>"$res"; done
				rest=()
			fi
		fi
		tests=("${rest[@]+"${rest[@]}"}")
	done
	rm -f "$log"
}

# One VM shows its console live; with several, each one's is printed when
# all are done.
group_file() {
	if [ "$1" = out ] && [ "$jobs" -eq 1 ]; then echo /dev/stdout; else echo "$build/group-$$-$2.$1"; fi
}

# Split the tests over L4LB_VM_JOBS VMs (default 2; the tests mostly wait
# on timers and sockets, so two VMs overlap well even on 2 CPUs), longest
# first onto the least loaded VM, by the run times of the last run
# (build/durations), else by selftests/durations (seconds on an idle
# 2-CPU host), else 120 s.
jobs=${L4LB_VM_JOBS:-2}
[ "$jobs" -le ${#tests[@]} ] || jobs=${#tests[@]}
declare -A secs=()
for f in "$here/durations" "$build/durations"; do
	[ -r "$f" ] || continue
	while read -r t d; do secs[$t]=$d; done <"$f"
done
mapfile -t sorted < <(for t in "${tests[@]}"; do echo "${secs[$t]:-120} $t"; done | sort -rn | awk '{ print $2 }')
groups=() loads=()
for ((g = 0; g < jobs; g++)); do groups[g]= loads[g]=0; done
for t in "${sorted[@]}"; do
	best=0
	for ((g = 1; g < jobs; g++)); do [ "${loads[g]}" -lt "${loads[best]}" ] && best=$g; done
	groups[best]+=" $t"
	loads[best]=$(( loads[best] + ${secs[$t]:-120} ))
done

ktap=$build/ktap-$$
mkdir -p "$ktap"
echo "KTAP version 1"
echo "1..${#tests[@]}"
pids=()
for ((g = 0; g < jobs; g++)); do
	# shellcheck disable=SC2086
	run_group "$g" ${groups[g]} &
	pids+=($!)
done
wait "${pids[@]}" || true

passed=0 failed=0 skipped=0 n=0
for ((g = 0; g < jobs; g++)); do
	if [ "$jobs" -gt 1 ]; then
		echo "# ---- VM $((g + 1)):${groups[g]}"
		cat "$(group_file out "$g")"
	fi
	while read -r result; do
		n=$((n + 1))
		case $result in
		ok*SKIP*) skipped=$((skipped + 1)) ;;
		ok*) passed=$((passed + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
		t=$(echo "$result" | sed -E 's/^(ok|not ok) - ([^ ]+).*/\2/')
		[ ! -s "$ktap/$t" ] || cat "$ktap/$t"
		echo "$result" | sed -E "s/^(ok|not ok) - /\\1 $n - /"
	done <"$(group_file res "$g")"
done
# Remember this run's times for the next split.
for ((g = 0; g < jobs; g++)); do cat "$(group_file dur "$g")"; done |
	awk '{ t[$1] = $2 } END { for (k in t) print k, t[k] }' >"$build/durations.new"
if [ -r "$build/durations" ]; then
	awk 'NR == FNR { seen[$1] = 1; print; next } !($1 in seen)' "$build/durations.new" "$build/durations" >"$build/durations.tmp"
	mv "$build/durations.tmp" "$build/durations"
	rm -f "$build/durations.new"
else
	mv "$build/durations.new" "$build/durations"
fi
for ((g = 0; g < jobs; g++)); do rm -f "$(group_file res "$g")" "$(group_file dur "$g")"; [ "$jobs" -eq 1 ] || rm -f "$(group_file out "$g")"; done
rm -rf "$ktap"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
