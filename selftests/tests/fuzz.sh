#!/bin/bash
# Netlink fuzzing (issue 7): selftests/fuzz/l4lbfuzz sends 100,000 generated
# and damaged messages to the l4lb family, then fills and dumps the table
# and abandons dumps midway; it checks every answer itself (see fuzz.c).
# Two runs: the fixed regression seed (the same messages every time) and a
# seed drawn anew each run (new messages every time; printed).
# Here: it runs in a netns of its own; afterwards the module still answers
# GET_INFO there and elsewhere, `l4lbadm -C` leaves nothing, and unload
# leaves no slab cache (the harness scans dmesg for splats).
#
# Replay a failure: FUZZ_SEED=0x... (then only that seed runs) and
# FUZZ_COUNT=... in the environment of this script, or l4lbfuzz -s SEED -x
# INDEX on the host for one message.
. "$(dirname "$0")/../lib.sh"

FUZZ=$L4LB_DIR/selftests/fuzz/l4lbfuzz
[ -x "$FUZZ" ] || fail "$FUZZ missing: run make on the host"
count=${FUZZ_COUNT:-50000}
if [ -n "${FUZZ_SEED:-}" ]; then
	seeds=("$FUZZ_SEED")
else
	# The regression seed, then a fresh one.
	seeds=(0x4c344c42 "0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')")
fi
log "seeds: ${seeds[*]} (replay one: FUZZ_SEED=SEED FUZZ_COUNT=$count)"

module_load
ns_add fz other
# A bystander netns whose configuration must survive the fuzzing untouched.
adm other -A -t 10.9.9.9:80 -s rr
adm other -a -t 10.9.9.9:80 -r 10.9.9.10 -w 3
before=$(adm other -L -n)

for seed in "${seeds[@]}"; do
	start=$SECONDS
	nsx fz "$FUZZ" -s "$seed" -n "$count" | tee /tmp/fuzz.out || true
	log "fuzzing took $((SECONDS - start)) s"
	expect_true "l4lbfuzz -s $seed -n $count" grep -q '^l4lbfuzz: PASS$' /tmp/fuzz.out
done

adm fz --version >/dev/null || fail "the module stopped answering in the fuzzed netns"
expect_eq "the other netns's table" "$(adm other -L -n)" "$before"
adm fz -C
leak_check_ns fz
