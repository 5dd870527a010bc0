#!/bin/bash
# Allocation failure in every config command (debug kernel only: needs
# FAILSLAB and fail-nth, see selftests/debug/). For each command, from a
# fixed starting configuration, fail the 1st, 2nd, ... slab allocation of
# the one netlink request until it goes through unfaulted. Each faulted
# attempt must either succeed (the failure was tolerated) or fail with
# ENOMEM/ENOBUFS and leave the configuration exactly as it was. At the end
# nothing the module allocated may leak: kmemleak finds nothing of l4lb's,
# the l4lb_* slabs are empty after a flush and gone after unload.
. "$(dirname "$0")/../lib.sh"

failslab=/sys/kernel/debug/failslab
if [ ! -e /proc/thread-self/fail-nth ] || [ ! -d $failslab ]; then
	skip "this kernel has no fail-nth/failslab (make check-debug runs this test)"
fi
failnth=$L4LB_DIR/selftests/debug/failnth
[ -x "$failnth" ] || fail "$failnth not built (make -C selftests/debug)"

# Slab allocations that may sleep are the module's GFP_KERNEL config
# allocations: by default failslab skips them.
saved_gfp_wait=$(cat $failslab/ignore-gfp-wait)
saved_verbose=$(cat $failslab/verbose)
restore_failslab() {
	echo "$saved_gfp_wait" >$failslab/ignore-gfp-wait
	echo "$saved_verbose" >$failslab/verbose
}
# shellcheck disable=SC2154 # rc is set inside the trap
trap 'rc=$?; restore_failslab; (exit $rc); cleanup' EXIT
echo N >$failslab/ignore-gfp-wait
echo 0 >$failslab/verbose

module_load
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear >$kmemleak

lbadm() { "$L4LBADM" "$@"; }
vip=10.0.0.1

# The configuration and the counts of -L --json, minus the rate window: it
# is the age of the counters' samples, so it differs between any two reads.
state() {
	lbadm -L -n --json | sed -E 's/"window_ms":[0-9]+//g'
	lbadm -L --timeout
}

# The starting configurations, as -R lines.
setup_none() { :; }
setup_svc() { echo "-A -t $vip:80 -s rr"; }
setup_dest() {
	setup_svc
	echo "-a -t $vip:80 -r 10.0.1.1:80 -g -w 1"
}
setup_two() {
	setup_dest
	echo "-a -t $vip:80 -r 10.0.1.2:80 -g -w 2"
	echo "-A -u $vip:53 -s wrr"
	echo "-a -u $vip:53 -r 10.0.1.3:53 -g -w 4"
}

# reset SETUP: a known configuration, built without faults. One -R for the
# table, and the timeouts only where the sweep changes them: every exec
# costs about a second on the debug kernel under TCG, and the sweeps reset
# a few hundred times. (A fault that changed the timeouts anyway shows in
# the state comparisons, then in reset's own check.)
reset() {
	{ echo -C; "setup_$1"; } | lbadm -R
	[ "$2" != set-timeouts ] || lbadm --set 901 121 301
}

# sweep NAME SETUP FAILNTH-ARGS...
sweep() {
	local name=$1 setup=$2 ref_before ref_after n out outcome err injected now
	shift 2
	reset "$setup" "$name"
	ref_before=$(state)
	out=$("$failnth" 0 "$@")
	[ "$out" = "ok 0 injected=n" ] || fail "$name without faults: $out"
	ref_after=$(state)
	[ "$ref_after" != "$ref_before" ] || [ "$name" = zero ] ||
		fail "$name changed nothing even without faults"

	for ((n = 1; n <= 500; n++)); do
		reset "$setup" "$name"
		[ "$(state)" = "$ref_before" ] || fail "$name: reset did not restore the setup"
		out=$("$failnth" "$n" "$@")
		read -r outcome err injected <<<"$out"
		now=$(state) || fail "$name, fault $n ($out): the module stopped answering"
		case $outcome/$injected in
		ok/injected=n)
			[ "$now" = "$ref_after" ] || fail "$name: unfaulted run differs from the reference:
$(diff <(echo "$ref_after") <(echo "$now"))"
			log "$name: $((n - 1)) allocation points, each failed once: clean"
			return 0
			;;
		ok/injected=y)
			# The failed allocation was optional (or retried).
			[ "$now" = "$ref_after" ] ||
				fail "$name, fault $n: success reported, configuration not as expected:
$(diff <(echo "$ref_after") <(echo "$now"))"
			;;
		send-failed/injected=y | nack/injected=y)
			case $err in ENOMEM | ENOBUFS) ;; *)
				fail "$name, fault $n: $err, want ENOMEM (or ENOBUFS from netlink)" ;;
			esac
			[ "$now" = "$ref_before" ] ||
				fail "$name, fault $n failed with $err but changed the configuration:
$(diff <(echo "$ref_before") <(echo "$now"))"
			;;
		ack-lost/injected=y)
			# The handler ran; only netlink's ACK could not be
			# allocated. Either state is legitimate, a mix is not.
			[ "$now" = "$ref_before" ] || [ "$now" = "$ref_after" ] ||
				fail "$name, fault $n: ACK lost and the configuration is half changed"
			;;
		*)
			fail "$name, fault $n: unexpected result '$out'"
			;;
		esac
	done
	fail "$name: still failing after $((n - 1)) injected faults"
}

sweep add-service none svc-add tcp $vip 80 wrr
sweep edit-service svc svc-edit tcp $vip 80 wrr
sweep add-dest dest dest-add tcp $vip 80 10.0.1.2 80 3
sweep edit-dest dest dest-edit tcp $vip 80 10.0.1.1 80 5
# Marking a dest down builds the new scheduler state before the dest's
# flows see it down: a failed build leaves it up.
sweep dest-down two dest-down tcp $vip 80 10.0.1.1 80
sweep delete-dest two dest-del tcp $vip 80 10.0.1.1 80
sweep delete-service two svc-del tcp $vip 80
sweep flush two flush
sweep set-timeouts svc timeouts 900 120 300
sweep zero two zero

# Nothing left behind: slabs empty after the flush (RCU frees may lag),
# no leak of the module's (kmemleak reports objects older than 5 s only,
# hence the wait), caches gone after unload.
lbadm -C
slab_objects() { awk '/^l4lb_/ { n += $2 } END { print n + 0 }' /proc/slabinfo; }
slabs_empty() { [ "$(slab_objects)" = 0 ]; }
wait_for 60 slabs_empty
log "l4lb_* slab objects after flush: $(slab_objects)"
if [ -w $kmemleak ]; then
	start=$SECONDS
	old_enough() { [ $((SECONDS - start)) -ge 6 ]; }
	wait_for 10 old_enough
	echo scan >$kmemleak
	echo scan >$kmemleak
	leaks=$(awk -v RS='unreferenced object' 'NR > 1 && /l4lb|failnth/' $kmemleak)
	[ -z "$leaks" ] || fail "kmemleak: l4lb objects leaked:
$leaks"
	log "kmemleak: no l4lb leak"
fi
module_unload
