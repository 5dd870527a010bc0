#!/bin/bash
# The module loads, registers the "l4lb" generic netlink family, answers
# l4lbadm --version, survives 10 load/unload cycles without leaking, and
# keeps per-netns state apart when namespaces come and go.
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
# teardown.sh unloads 20 more times under traffic.
CYCLES=${CYCLES:-10}
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
adm a -A -t 10.9.0.1:80 -s rr
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
