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

# ipvsadm's semantics for what a command leaves out: -E and -e reset it.
adm lb -A -t 10.0.0.100:80 -s rr
adm lb -a -t 10.0.0.100:80 -r 10.0.0.11:80 -w 3 -x 10 -y 5
adm lb -E -t 10.0.0.100:80
expect_eq "-E without -s: wlc" "$(table | awk '$1 == "TCP" { print $3 }')" wlc
adm lb -e -t 10.0.0.100:80 -r 10.0.0.11:80
expect_eq "-e without -w, -x, -y: weight 1, no thresholds" \
	"$(table | awk '$2 == "10.0.0.11:80" { print $4 }') $(adm lb -L -n --thresholds | awk '$2 == "10.0.0.11:80" { print $3, $4 }')" "1 0 0"
# No arguments: ipvsadm lists; --sort is accepted (its order is the default).
expect_eq "no arguments lists as -L" "$(adm lb)" "$(adm lb -L)"
expect_eq "-L --sort" "$(adm lb -L -n --sort)" "$(table)"
# -R takes ipvsadm's lines, which may start with "ipvsadm".
adm lb -C
printf 'ipvsadm -A -u 10.0.0.100:53 -s rr -o\nipvsadm -a -u 10.0.0.100:53 -r 10.0.0.12 -w 2 -x 4 -y 3\n' | adm lb -R
expect_eq "-R of lines starting with ipvsadm" "$(adm lb -S -n | tr '\n' ' ')" \
	"-A -u 10.0.0.100:53 -s rr -o -a -u 10.0.0.100:53 -r 10.0.0.12:53 -g -w 2 -x 4 -y 3 "
# What l4lb does not implement says so; exit 2 and nothing changed.
before=$(table)
expect_error 'No such interface' --start-daemon master --mcast-interface eth0
expect_error 'illegal start-daemon state "primary"' --start-daemon primary --mcast-interface lo
expect_error 'Sync daemon not running' --stop-daemon master
expect_eq "no sync daemon after the refused commands" "$(adm lb -L --daemon)" ""
expect_error 'not supported by l4lb: "--pe"' -E -u 10.0.0.100:53 --pe sip
expect_error 'One-Packet Scheduling (-o) is only for UDP' -A -t 10.0.0.100:81 -o
expect_error '"2147483648"' -e -u 10.0.0.100:53 -r 10.0.0.12 -x 2147483648
expect_error 'l_threshold 6 is higher than u_threshold 5' -e -u 10.0.0.100:53 -r 10.0.0.12 -x 5 -y 6
expect_eq "table after the refused commands" "$(table)" "$before"
adm lb -C
