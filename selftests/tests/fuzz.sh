#!/bin/bash
# Netlink fuzzing (issue 7): selftests/fuzz/l4lbfuzz sends 100,000 generated
# and damaged messages to the l4lb family, then fills and dumps the table
# and abandons dumps midway; it checks every answer itself (see fuzz.c).
# Here: it runs in a netns of its own; afterwards the module still answers
# GET_INFO there and elsewhere, `l4lbadm -C` leaves nothing, and unload
# leaves no slab cache (the harness scans dmesg for splats).
#
# Replay a failure on the host's build: FUZZ_SEED=0x... FUZZ_COUNT=... in
# the environment of this script, or l4lbfuzz -s SEED -x INDEX for one
# message.
. "$(dirname "$0")/../lib.sh"

FUZZ=$L4LB_DIR/selftests/fuzz/l4lbfuzz
[ -x "$FUZZ" ] || fail "$FUZZ missing: run make on the host"
seed=${FUZZ_SEED:-0x4c344c42}
count=${FUZZ_COUNT:-100000}

module_load
ns_add fz other
# A bystander netns whose configuration must survive the fuzzing untouched.
adm other -A -t 10.9.9.9:80 -s rr
adm other -a -t 10.9.9.9:80 -r 10.9.9.10 -w 3
before=$(adm other -L -n)

start=$SECONDS
nsx fz "$FUZZ" -s "$seed" -n "$count" | tee /tmp/fuzz.out
log "fuzzing took $((SECONDS - start)) s"
grep -q '^l4lbfuzz: PASS$' /tmp/fuzz.out || fail "l4lbfuzz failed (seed $seed)"

adm fz --version >/dev/null || fail "the module stopped answering in the fuzzed netns"
expect_eq "the other netns's table" "$(adm other -L -n)" "$before"
adm fz -C
leak_check_ns fz
