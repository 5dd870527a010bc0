#!/bin/bash
# lane: extended (make check-extended)
# One keepalived.conf for two daemons: keepalived --vrrp holds the VIP,
# l4lbd runs the virtual server, on two directors from the same file.
#
#   c 10.0.0.1 --+
#   lb1 10.0.0.2 (keepalived --vrrp, l4lbd) --+-- br0 (sw)
#   lb2 10.0.0.3 (keepalived --vrrp, l4lbd) --+
#   rs1, rs2 10.0.0.11, .12 (REDIRECT of the VIP), nginx "webN" on :80 --+
#
# Both keepalived instances are BACKUP with the same priority (one file):
# the first whose timer runs out becomes MASTER and takes VIP 10.0.0.100,
# the other stays BACKUP on hearing it. Both
# l4lbds read the same file (skipping its global_defs and vrrp_instance
# with notices) and program their own namespace's l4lb. Requests from c
# go through the master; when its keepalived stops, the VIP moves to the
# other director, whose l4lb then carries the requests. ha_suspend: only
# the director holding the VIP probes the real servers.
. "$(dirname "$0")/../lib.sh"

KEEPALIVED=$(command -v keepalived || true)
[ -n "$KEEPALIVED" ] || skip "keepalived is not installed (selftests/deps.sh test installs it)"
L4LBD=$L4LB_DIR/userspace/l4lbd/l4lbd
[ -x "$L4LBD" ] || fail "no $L4LBD (make -C userspace/l4lbd)"
conf=/tmp/keepalived-l4lbd.conf

module_load
switch_add sw
ns_add c lb1 lb2
plug sw c 10.0.0.1/24
plug sw lb1 10.0.0.2/24
plug sw lb2 10.0.0.3/24
for i in 1 2; do
	ns_add "rs$i"
	plug sw "rs$i" "$(rip "$i")/24"
	accept_vip_redirect "rs$i" "$VIP"
done
for i in 1 2; do http_server "rs$i" 80 "web$i"; done

cat >"$conf" <<CONF
! One file for keepalived --vrrp and l4lbd (selftests/tests/keepalived_vrrp.sh)
global_defs {
    router_id director
    vrrp_garp_master_repeat 3
}

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}

virtual_server $VIP 80 {
    protocol TCP
    lb_algo rr
    lb_kind DR
    delay_loop 1
    ha_suspend
    real_server $(rip 1) 80 {
        weight 1
        HTTP_GET {
            url {
                path /
            }
            connect_timeout 1
        }
    }
    real_server $(rip 2) 80 {
        weight 1
        HTTP_GET {
            url {
                path /
            }
            connect_timeout 1
        }
    }
}
CONF

# Both daemons accept the file: keepalived -t, l4lbd -t with notices.
expect_true "keepalived -t accepts the shared file" nsx lb1 "$KEEPALIVED" -t -f "$conf"
out=$("$L4LBD" -t -f "$conf" 2>&1) || fail "l4lbd -t rejected the shared file: $out"
echo "$out" | sed 's/^/# /'
expect_true "l4lbd -t skips vrrp_instance with a notice" \
	grep -q "^notice: $conf:7: skipping vrrp_instance" <<<"$out"
expect_true "l4lbd -t skips global_defs router_id with a notice" \
	grep -q "^notice: $conf:3: skipping global_defs router_id" <<<"$out"
if grep -q '^warning:' <<<"$out"; then case_fail "l4lbd -t: no warning"; else case_pass "l4lbd -t: no warning"; fi

for lb in lb1 lb2; do
	# Its own pid files: two instances on one host.
	bg "$lb" bash -c "exec $KEEPALIVED --vrrp --dont-fork --log-console --no-syslog -f $conf \
		-p /tmp/ka-$lb.pid -r /tmp/ka-$lb-vrrp.pid -c /tmp/ka-$lb-checkers.pid >>/tmp/ka-$lb.log 2>&1"
	bg "$lb" bash -c "exec $L4LBD -v -f $conf -p /tmp/l4lbd-$lb.pid 2>>/tmp/l4lbd-$lb.log"
done

has_vip() { ip -n "$prefix-$1" -4 addr show dev eth0 | grep -q " $VIP/"; }
other() { if [ "$1" = lb1 ]; then echo lb2; else echo lb1; fi; }
vip_on() { has_vip "$1" && ! has_vip "$(other "$1")"; } # NS: there, only there
one_master() { vip_on lb1 || vip_on lb2; }
# weights NS: "W1 W2" of rs1, rs2 in NS's l4lb.
weights() {
	adm "$1" -L -n -t "$VIP:80" 2>/dev/null | awk -v r1="$(rip 1):80" -v r2="$(rip 2):80" '
		{ w[$2] = $4 } END { printf "%s %s\n", (r1 in w ? w[r1] : "-"), (r2 in w ? w[r2] : "-") }'
}
weights_are() { [ "$(weights "$1")" = "$2" ]; }
conns() { adm "$1" -L --json -t "$VIP:80" | jq -r '.services[0].stats.conns'; }
# requests N: N HTTP requests from c to the VIP, every one answered by web1/web2.
requests() {
	local names
	names=$(http_names c "$VIP" 80 "$1") || return 1
	[ "$(echo "$names" | grep -cx -e web1 -e web2)" = "$1" ]
}
show_logs() {
	for f in /tmp/ka-lb1.log /tmp/ka-lb2.log /tmp/l4lbd-lb1.log /tmp/l4lbd-lb2.log; do
		[ -r "$f" ] && sed "s|^|# ${f#/tmp/}: |" "$f"
	done
	return 0
}
# On failure, the daemons' logs too.
fail() {
	show_logs >&2
	echo "FAIL: $*" >&2
	case_result "not ok" "$*"
	exit 1
}
for lb in lb1 lb2; do
	wait_for 15 weights_are "$lb" "1 1"
	log "$lb: l4lbd programmed $VIP:80, weights $(weights "$lb")"
done
# One MASTER; then it must stay the only one (the other heard it).
wait_for 30 one_master
if vip_on lb1; then master=lb1; else master=lb2; fi
backup=$(other "$master")
log "keepalived --vrrp: $master is MASTER"
expect_true "keepalived --vrrp: one MASTER ($master) holds the VIP, $backup BACKUP" vip_on "$master"
expect_true "the l4lbds logged the skipped vrrp_instance" \
	grep -q "notice: $conf:7: skipping vrrp_instance" "/tmp/l4lbd-$master.log"

# ha_suspend: the master's l4lbd probes, the backup's waits.
probes() { grep -c "probe HTTP_GET" "/tmp/l4lbd-$1.log" || true; }
probes_over() { [ "$(probes "$1")" -ge "$2" ]; }
wait_for 20 grep -q "the VIP is here: checks resumed (ha_suspend)" "/tmp/l4lbd-$master.log"
b0=$(probes "$backup")
wait_for 20 probes_over "$master" $(($(probes "$master") + 4))
expect_eq "ha_suspend: no probe from $backup's l4lbd while $master probes" "$(probes "$backup")" "$b0"

# Through the master.
wait_for 15 requests 1
c1=$(conns "$master") c2=$(conns "$backup")
requests 20 || case_fail "20 requests through $master"
expect_eq "connections through $master's l4lb" "$(($(conns "$master") - c1))" 20
expect_eq "connections through $backup's l4lb (backup)" "$(($(conns "$backup") - c2))" 0

# The master's keepalived stops: the VIP moves, and so do the requests.
kill -TERM "$(cat "/tmp/ka-$master.pid")"
wait_for 20 vip_on "$backup"
case_pass "keepalived stopped on $master: the VIP moved to $backup"
wait_for 20 grep -q "the VIP is here: checks resumed (ha_suspend)" "/tmp/l4lbd-$backup.log"
wait_for 20 grep -q "the VIP is not here: checks suspended (ha_suspend)" "/tmp/l4lbd-$master.log"
wait_for 20 probes_over "$backup" $(($(probes "$backup") + 4))
log "ha_suspend: $backup's l4lbd probes now, $master's waits"
wait_for 15 requests 1
c1=$(conns "$backup") c2=$(conns "$master")
requests 20 || case_fail "20 requests through $backup"
expect_eq "connections through $backup's l4lb" "$(($(conns "$backup") - c1))" 20
expect_eq "connections through $master's l4lb (VIP gone)" "$(($(conns "$master") - c2))" 0

# Neither l4lbd noticed: still running, the service as configured.
for lb in lb1 lb2; do
	expect_true "l4lbd in $lb still running" kill -0 "$(cat "/tmp/l4lbd-$lb.pid")"
	expect_eq "$lb: weights" "$(weights "$lb")" "1 1"
done
adm lb1 -L -n
