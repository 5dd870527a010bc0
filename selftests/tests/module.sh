#!/bin/bash
# The module loads, registers the "l4lb" generic netlink family, answers
# l4lbadm --version, survives 5 load/unload cycles without leaking, and
# keeps per-netns state apart when namespaces come and go, and hooks only
# the namespaces that have a service.
. "$(dirname "$0")/../lib.sh"

# Without the module, the CLI says so and exits 1.
module_unload
rc=0
out=$("$L4LBADM" --version 2>&1) || rc=$?
expect_eq "exit code of --version without module" "$rc" 1
echo "$out" | grep -q "not loaded" || fail "no clear message without module: $out"

module_load
genl ctrl get name l4lb | grep -q "Name: l4lb" || fail "family l4lb does not resolve"
out=$("$L4LBADM" --version)
log "$out"
echo "$out" | grep -q "l4lbadm v" || fail "--version lacks the CLI version"
modver=$(cat /sys/module/l4lb/version)
echo "$out" | grep -qF "$modver" || fail "--version lacks the module version $modver"
[ "$(cat /sys/module/l4lb/refcnt)" = 0 ] || fail "refcount not 0 while idle"
module_unload

# Each cycle waits out several RCU grace periods, seconds under TCG;
# teardown.sh unloads 8 more times under traffic.
CYCLES=${CYCLES:-5}
for ((i = 0; i < CYCLES; i++)); do
	module_load
	"$L4LBADM" --version >/dev/null
	module_unload
done
log "$CYCLES load/unload cycles"

# State is per netns: a service in one namespace is invisible in another,
# and deleting a namespace that holds services is clean.
module_load
ns_add a b
# A netns is hooked from its first service on: one without runs none of
# l4lb's code per packet. Counted by a kprobe on the PREROUTING hook (this
# kernel has no nfnetlink_hook for nft list hooks) while one netns sends
# 3 datagrams to its lo (each passes PREROUTING; an ICMP error back may
# too); no other netns has a service, so no other calls it.
tr=/sys/kernel/tracing
[ -d $tr/events ] || mount -t tracefs tracefs $tr
echo 'p:l4lbtest/pre l4lb_prerouting4' >>$tr/kprobe_events
pre_calls() { awk '$1 == "pre" { print $2 }' $tr/kprobe_profile; }
pre_calls_during_send() { # NS: calls of the hook while NS sends to its lo
	local h0
	h0=$(pre_calls)
	nsx "$1" bash -c 'for i in 1 2 3; do echo x >/dev/udp/127.0.0.1/9; done'
	echo $(($(pre_calls) - h0))
}
echo 1 >$tr/events/l4lbtest/pre/enable
expect_eq "hook calls in a netns without a service" "$(pre_calls_during_send a)" 0
adm a -A -t 10.9.0.1:80 -s rr
calls=$(pre_calls_during_send a)
[ "$calls" -ge 3 ] || fail "hook calls once it has a service: $calls, want 3 or more"
log "hook calls once it has a service: $calls"
expect_eq "hook calls in the other netns, still without" "$(pre_calls_during_send b)" 0
echo 0 >$tr/events/l4lbtest/pre/enable
echo '-:l4lbtest/pre' >>$tr/kprobe_events
adm a -a -t 10.9.0.1:80 -r 10.9.0.2:80 -w 3
adm b -A -u 10.9.0.1:53 -s wrr
expect_eq "services in a" "$(adm a -L -n | grep -c '^TCP')" 1
expect_eq "udp services in a" "$(adm a -L -n | grep -c '^UDP')" 0
expect_eq "services in b" "$(adm b -L -n | grep -c '^UDP')" 1
ip netns del "$prefix-a"
namespaces=(b)
expect_eq "services in b after a is gone" "$(adm b -L -n | grep -c '^UDP')" 1
ip netns del "$prefix-b"
namespaces=()
module_unload
