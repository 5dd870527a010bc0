#!/bin/bash
# Every documented l4lbadm error path against the real module: ipvsadm's
# wording, the bad word quoted, exit code 2, and nothing changed.
. "$(dirname "$0")/../lib.sh"

module_load
ns_add lb

# expect_error WANT-SUBSTRING ARGS...: l4lbadm ARGS fails with exit 2 and
# says WANT-SUBSTRING on stderr.
expect_error() {
	local want=$1 rc=0 err
	shift
	err=$(adm lb "$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 2 ] || fail "l4lbadm $*: exit $rc, want 2 ($err)"
	[[ $err == *"$want"* ]] || fail "l4lbadm $*: said '$err', want '$want'"
	log "l4lbadm $*: $err"
}

table() { adm lb -L -n; }

adm lb -A -t 10.0.0.100:80 -s rr
adm lb -a -t 10.0.0.100:80 -r 10.0.0.11:80 -w 2
before=$(table)

expect_error "Service already exists" -A -t 10.0.0.100:80
expect_error "No such service" -E -t 10.0.0.100:81 -s wrr
expect_error "No such service" -D -t 10.0.0.100:81
expect_error "No such service" -a -t 10.0.0.100:81 -r 10.0.0.11:81
expect_error "Destination already exists" -a -t 10.0.0.100:80 -r 10.0.0.11:80
expect_error "No such destination" -e -t 10.0.0.100:80 -r 10.0.0.12:80 -w 1
expect_error "No such destination" -d -t 10.0.0.100:80 -r 10.0.0.12:80
expect_error '"foo"' -A -t 10.0.0.100:82 -s foo
expect_error '"8o"' -A -t 10.0.0.100:8o
expect_error '"70000"' -a -t 10.0.0.100:80 -r 10.0.0.13:80 -w 70000
expect_error '"10.0.0.300"' -A -t 10.0.0.300:80
expect_error "port" -a -t 10.0.0.100:80 -r 10.0.0.13:8080 -g
expect_error "" -A
expect_error "" --no-such-option
expect_eq "table after rejected commands" "$(table)" "$before"

# Without CAP_NET_ADMIN: refused, nothing changed.
rc=0
err=$(nsx lb setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$L4LBADM" -A -t 10.0.0.100:83 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "unprivileged -A: exit $rc ($err)"
[[ $err == *"Permission denied (you must be root)"* ]] || fail "unprivileged -A said: $err"
log "unprivileged: $err"
expect_eq "table after the unprivileged attempt" "$(table)" "$before"

adm lb -C
expect_eq "services after -C" "$(table | grep -c '^TCP')" 0
