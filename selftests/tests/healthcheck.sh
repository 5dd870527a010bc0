#!/bin/bash
# l4lbd, the health-check daemon, end to end over direct routing.
#
#   c 10.0.0.1 --+
#   lb 10.0.0.2, VIP 10.0.0.100, runs l4lbd --+-- br0 (sw)
#   rs1..rs3 10.0.0.11..13, nginx on :80 answering "webN" --+
#
# Cases: a killed server goes to weight 0 (inhibit_on_failure) within
# delay_loop x retry + 1 s and no request reaches it, then comes back; a
# reload keeps the state of what did not change and applies a new weight;
# without inhibit_on_failure the server is removed and re-added; a server
# that accepts but never answers is DOWN by HTTP_GET and UP by TCP_CHECK;
# MISC_CHECK follows a flag file; a broken config is rejected on SIGHUP and
# the old one stays in force; a service l4lbd does not mention is left
# alone; the module is unloaded and loaded again under the daemon; a
# server whose link goes down with a flow on it is marked down, and the
# flow is reset by a live server at its next packet instead of hanging.
# IPv6: a real server of the other family than its virtual server is a
# configuration error; an IPv6 service's real servers are checked over
# IPv6 (HTTP_GET, TCP_CHECK with bindto), go to weight 0 and come back.
# keepalived's semantics: retry N is DOWN at the (N + 1)th failed probe;
# below its quorum a service's sorry_server replaces its real servers and
# quorum_down / quorum_up / notify_down run; an empty file or a directory
# is refused on SIGHUP, the running configuration kept. l4lbadm -L
# --health says Down for a server down by health check, Drain for -w 0.
# Metrics: /metrics scraped with curl, counters checked against traffic.
# omega: the down scripts run when l4lbd stops. keepalived's fwmark
# virtual_server (ip_family), mh-port, mh-fallback, sh-port, ops,
# uthreshold and lthreshold reach the module, and a reload without them
# takes them back.
. "$(dirname "$0")/../lib.sh"

L4LBD=$L4LB_DIR/userspace/l4lbd/l4lbd
[ -x "$L4LBD" ] || fail "no $L4LBD (make -C userspace/l4lbd)"
conf=/tmp/l4lbd.conf
dlog=/tmp/l4lbd.log
pidf=/tmp/l4lbd.pid
DELAY=1 RETRY=1
# DOWN after RETRY + 1 failed probes, delay_before_retry DELAY apart.
DOWN_S=$((DELAY * (RETRY + 1) + 5))
: >"$dlog"

# On failure, show what the daemon said.
fail() {
	echo "FAIL: $*" >&2
	sed 's/^/# l4lbd: /' "$dlog" >&2
	exit 1
}

# weights [PORT]: "W1 W2 W3" of rs1..rs3 in VIP:PORT, "-" when absent.
weights() {
	adm lb -L -n -t "$VIP:${1:-80}" 2>/dev/null | awk -v p="${1:-80}" \
		-v r1="$(rip 1)" -v r2="$(rip 2)" -v r3="$(rip 3)" '
		{ w[$2] = $4 }
		END {
			if (!NR) { print "no service"; exit }
			n = split(r1 " " r2 " " r3, r, " ")
			for (i = 1; i <= n; i++) {
				k = r[i] ":" p
				printf "%s%s", (k in w ? w[k] : "-"), (i < n ? " " : "\n")
			}
		}'
}
weights_are() { [ "$(weights "${2:-80}")" == "$1" ]; }
expect_weights() { # WANT TIMEOUT WHAT [PORT]
	wait_for "$2" weights_are "$1" "${4:-80}"
	log "$3: weights $(weights "${4:-80}")"
}
not_listening() { ! listening "$@"; }
daemon_pid() { cat "$pidf"; }
hup() {
	local before
	before=$(grep -c 'SIGHUP' "$dlog" || true)
	kill -HUP "$(daemon_pid)"
	wait_for 10 bash -c "[ \$(grep -c SIGHUP $dlog) -gt $before ]"
}
kill_nginx() { # N
	kill "$(cat "/tmp/nginx-rs$1-80.pid")"
	wait_for 10 not_listening "rs$1" tcp 80
}
# requests_avoid_rs1 WHAT: 100 new HTTP requests through the VIP, every
# one answered, by web2 or web3.
requests_avoid_rs1() {
	local bodies ok
	bodies=$(http_names c "$VIP" 80 100) || fail "$1: requests through the VIP failed"
	ok=$(echo "$bodies" | grep -cx -e web2 -e web3 || true)
	expect_eq "$1: of 100 requests, answered by web2/web3" "$ok" 100
}
service_gone() { ! adm lb -L -n -t "$VIP:$1" >/dev/null 2>&1; }

# write_conf W2 INHIBIT1 CHECK3 [EXTRA]: the configuration.
write_conf() {
	local w2=$1 inh1=$2 check3=$3 extra=${4:-}
	local http="HTTP_GET { url { path / status_code 200 } connect_timeout 1 }"
	local c3=$http
	[ "$check3" = tcp ] && c3="TCP_CHECK { connect_timeout 1 }"
	cat >"$conf" <<CONF
# written by selftests/tests/healthcheck.sh
global_defs { resync_interval 1 l4lbd_metrics 127.0.0.1 9110 }
virtual_server $VIP 80 {
	protocol TCP
	lb_algo rr
	lb_kind DR
	delay_loop $DELAY
	retry $RETRY
	delay_before_retry $DELAY
	real_server $(rip 1) 80 {
		weight 1
		$inh1
		$http
	}
	real_server $(rip 2) 80 {
		weight $w2
		inhibit_on_failure
		$http
	}
	real_server $(rip 3) 80 {
		weight 1
		inhibit_on_failure
		$c3
	}
}
$extra
CONF
}

topo_dr redirect redirect redirect
for i in 1 2 3; do http_server "rs$i" 80 "web$i"; done

# A service l4lbd does not mention: it must be left alone throughout.
adm lb -A -t "$VIP:9999" -s rr
adm lb -a -t "$VIP:9999" -r "$(rip 1):9999" -w 7

"$L4LBD" -t -f "$conf" >/dev/null 2>&1 && fail "l4lbd -t accepted a missing file"
write_conf 1 inhibit_on_failure http
"$L4LBD" -t -f "$conf" || fail "l4lbd -t rejected the test configuration"

bg lb bash -c "exec $L4LBD -f $conf -p $pidf 2>>$dlog"
wait_for 10 test -s "$pidf"
expect_weights "1 1 1" 10 "l4lbd applied the configuration"

# --- 1. inhibit_on_failure: killed server -> weight 0 ----------------------
t0=$(date +%s.%N)
kill_nginx 1
expect_weights "0 1 1" $DOWN_S "rs1 killed (inhibit_on_failure)"
# The daemon's own latency, from its timestamped log line (polling with
# l4lbadm under an emulated CPU is slower than the daemon).
t1=$(sed -nE "s/^\[([0-9.]+)\] l4lbd: real server $(rip 1):80 DOWN \(HTTP_GET.*/\1/p" "$dlog" | tail -n 1)
[ -n "$t1" ] || fail "no DOWN log line for rs1"
awk -v a="$t0" -v b="$t1" -v lim=$DOWN_S 'BEGIN { exit !(b - a <= lim) }' ||
	fail "rs1 went DOWN $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s after the kill, limit $DOWN_S s"
log "rs1 DOWN $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s after the kill (limit $DOWN_S s)"
requests_avoid_rs1 "rs1 DOWN"
# Visible without --json: Down (health check), not a drain.
out=$(adm lb -L -n --health -t "$VIP:80")
echo "$out" | sed 's/^/# /'
expect_true "-L --health: rs1 Down" grep -Eq "^  -> $(rip 1):80 +Route +0 +[0-9]+ +[0-9]+ +Down$" <<<"$out"
expect_true "-L --health: rs2 Up" grep -Eq "^  -> $(rip 2):80 +Route +1 +[0-9]+ +[0-9]+ +Up$" <<<"$out"
if adm lb -L -n -t "$VIP:80" | grep -q -e Down -e State; then
	case_fail "-L without --health: ipvsadm's columns"
else
	case_pass "-L without --health: ipvsadm's columns"
fi

# --- 2. reload with a changed weight: rs1 stays DOWN (state kept) ----------
write_conf 3 inhibit_on_failure http
hup
expect_weights "0 3 1" 10 "SIGHUP, rs2 weight 3"
grep -q "reloaded $conf" "$dlog" || fail "no reload log line"
expect_eq "rs1 still DOWN right after the reload" "$(weights | cut -d' ' -f1)" 0

# --- 3. recovery --------------------------------------------------------------
http_server rs1 80 web1
expect_weights "1 3 1" $((DELAY * 2 + 5)) "rs1 restarted"
grep -q "real server $(rip 1):80 UP" "$dlog" || fail "no UP log line for rs1"

# --- 4. without inhibit_on_failure: removed, then re-added ---------------------
write_conf 1 "" http
hup
expect_weights "1 1 1" 10 "SIGHUP, rs1 without inhibit_on_failure"
kill_nginx 1
expect_weights "- 1 1" $DOWN_S "rs1 killed (no inhibit): removed"
requests_avoid_rs1 "rs1 removed"
http_server rs1 80 web1
expect_weights "1 1 1" $((DELAY * 2 + 5)) "rs1 restarted: re-added"

# --- 5. accepts but never answers: DOWN by HTTP_GET, UP by TCP_CHECK ----------
# rs3's port 80 is switched, with no refused window, to a server that
# accepts and never answers: new connections to 10.0.0.13:80 go to socat.
bg rs3 socat TCP-LISTEN:8081,fork,reuseaddr EXEC:"sleep 1000"
wait_listen rs3 tcp 8081
nsx rs3 iptables -t nat -I PREROUTING -d "$(rip 3)" -p tcp --dport 80 -j REDIRECT --to-ports 8081
expect_weights "1 1 0" $((DOWN_S + (RETRY + 1) * 1)) "rs3 hangs: HTTP_GET DOWN"
grep -q "real server $(rip 3):80 DOWN (HTTP_GET timeout" "$dlog" || fail "no HTTP timeout log line for rs3"
write_conf 1 "" tcp
hup
expect_weights "1 1 1" $((DELAY * 2 + 5)) "rs3 hangs: TCP_CHECK UP"

# --- 6. MISC_CHECK on a second service, following a flag file ---------------
touch /tmp/misc-flag
# Its quorum is rs2's weight: below it the sorry server rs3 replaces rs2.
rm -f /tmp/hc-scripts
misc="virtual_server $VIP 8080 {
	protocol TCP
	lb_algo rr
	lb_kind DR
	delay_loop $DELAY
	retry $RETRY
	delay_before_retry $DELAY
	quorum 5
	quorum_up \"echo quorum_up >>/tmp/hc-scripts\"
	quorum_down \"echo quorum_down >>/tmp/hc-scripts\"
	sorry_server $(rip 3) 8080
	real_server $(rip 2) 8080 {
		weight 5
		inhibit_on_failure
		notify_down \"echo notify_down rs2 >>/tmp/hc-scripts\"
		MISC_CHECK {
			misc_path \"test -e /tmp/misc-flag\"
			misc_timeout 20
		}
	}
}"
write_conf 1 "" tcp "$misc"
hup
expect_weights "- 5 -" 10 "MISC_CHECK service added" 8080
rm /tmp/misc-flag
expect_weights "- 0 1" $DOWN_S "MISC_CHECK flag removed: quorum lost, sorry server in" 8080
grep -q "real server $(rip 2):8080 DOWN (MISC_CHECK exit status 1)" "$dlog" || fail "no MISC DOWN log line"
grep -q "\[TCP $VIP:8080\] quorum lost: live weight 0, quorum 5" "$dlog" || fail "no quorum lost log line"
wait_for 5 grep -qx "quorum_down" /tmp/hc-scripts
wait_for 5 grep -qx "notify_down rs2" /tmp/hc-scripts
log "quorum_down and notify_down ran"
touch /tmp/misc-flag
expect_weights "- 5 -" $((DELAY * 2 + 5)) "MISC_CHECK flag back: quorum gained, sorry server out" 8080
wait_for 5 grep -qx "quorum_up" /tmp/hc-scripts

# --- 7. a broken configuration is rejected; the old one stays -----------------
cp "$conf" /tmp/l4lbd.good
printf 'virtual_server %s 80 {\n\tlb_algo twos\n' "$VIP" >"$conf"
hup
wait_for 10 grep -q "reload of $conf rejected" "$dlog"
grep -q "$conf:2: not supported by l4lbd yet: lb_algo twos" "$dlog" || fail "the rejection does not name file:line"
kill -0 "$(daemon_pid)" || fail "l4lbd died on a broken configuration"
expect_eq "weights after the rejected reload" "$(weights)" "1 1 1"
expect_eq "MISC service after the rejected reload" "$(weights 8080)" "- 5 -"
# The old configuration still runs its checks.
rm /tmp/misc-flag
expect_weights "- 0 1" $DOWN_S "old configuration still checking" 8080
touch /tmp/misc-flag
expect_weights "- 5 -" $((DELAY * 2 + 5)) "old configuration still checking" 8080
# An empty file, or a directory, would remove every service: refused.
rejected() { [ "$(grep -c "reload of $conf rejected" "$dlog")" -gt "$1" ]; }
n=$(grep -c "reload of $conf rejected" "$dlog")
: >"$conf"
hup
wait_for 10 rejected "$n"
grep -q "$conf: no virtual_server: refusing" "$dlog" || fail "an empty file was not refused as such"
"$L4LBD" -t -f "$conf" 2>/dev/null && fail "l4lbd -t accepted an empty file"
rm "$conf"
mkdir "$conf"
hup
wait_for 10 rejected "$((n + 1))"
grep -q "$conf: is a directory" "$dlog" || fail "a directory was not refused as such"
"$L4LBD" -t -f "$conf" 2>/dev/null && fail "l4lbd -t accepted a directory"
rmdir "$conf"
expect_eq "weights after the refused reloads" "$(weights)" "1 1 1"
expect_eq "MISC service after the refused reloads" "$(weights 8080)" "- 5 -"
log "empty file and directory refused on SIGHUP, services kept"

# --- 8. a service removed from the configuration goes -------------------------
cp /tmp/l4lbd.good "$conf"
write_conf 1 "" tcp
hup
wait_for 10 service_gone 8080
log "service 8080 deleted after its removal from the file"
expect_weights "1 1 1" 10 "service 80 untouched by the removal of 8080"

# The service the file never mentioned was left alone by all of the above.
out=$(adm lb -L -n -t "$VIP:9999")
echo "$out" | grep -Eq "$(rip 1):9999 +Route +7 " || fail "service 9999 changed: $out"
log "service 9999 (not in the file) untouched"

# --- 9. the module goes away and comes back -----------------------------------
# The health checks' packets keep passing the hook points: no static key
# may flip under them (hold_nf_hooks).
hold_nf_hooks
rmmod l4lb
module_load
expect_weights "1 1 1" 15 "module reloaded: configuration re-applied"
kill -0 "$(daemon_pid)" || fail "l4lbd died with the module"
grep -Eq "l4lb module found|resolving the l4lb family again" "$dlog" || fail "no log line about the module going away"

# A real server killed after the module reload is still handled.
kill_nginx 2
expect_weights "1 0 1" $DOWN_S "rs2 killed after module reload"

# --- 10. a server dies with a flow on it: the flow does not hang ---------------
# inhibit_on_failure sets weight 0 and marks the server down. With IPVS
# the flow would go on being sent to the dead server until it timed out;
# here its next packet goes to a live server, which resets it at once.
for i in 1 3; do chat_server "rs$i" 7000 "rs$i"; done
chat_rs() { echo "real_server $(rip "$1") 7000 { weight 1 inhibit_on_failure TCP_CHECK { connect_timeout 1 } }"; }
write_conf 1 "" tcp "virtual_server $VIP 7000 {
	protocol TCP
	lb_algo rr
	lb_kind DR
	delay_loop $DELAY
	retry $RETRY
	delay_before_retry $DELAY
	$(chat_rs 1)
	$(chat_rs 3)
}"
hup
expect_weights "1 - 1" 10 "chat service added" 7000
conn_open 7 c "$VIP" 7000
flow_pid=${bg_pids[-1]}
on=$(conn_say 7 hello)
dead=${on#rs}
down_flag() { adm lb -L --json -t "$VIP:7000" | jq -r ".services[0].destinations[] | select(.address == \"$(rip "$1")\") | .down"; }
expect_eq "rs$dead down before its failure" "$(down_flag "$dead")" false
ip -n "$prefix-sw" link set "v-rs$dead" down
if [ "$dead" = 1 ]; then want="0 - 1"; else want="1 - 0"; fi
expect_weights "$want" $DOWN_S "rs$dead's link down, with a flow on it" 7000
expect_eq "rs$dead down in --json" "$(down_flag "$dead")" true
echo again >&7
flow_gone() { ! kill -0 "$flow_pid" 2>/dev/null; }
wait_for 20 flow_gone
log "the flow on the dead rs$dead was reset by a live server at its next packet"
ip -n "$prefix-sw" link set "v-rs$dead" up
expect_weights "1 - 1" $((DELAY * 2 + 5)) "rs$dead's link up again" 7000
expect_eq "rs$dead down after its recovery" "$(down_flag "$dead")" false

# --- 11. IPv6 ----------------------------------------------------------------
mixed=/tmp/l4lbd-mixed.conf
printf 'virtual_server %s 80 {\n\tlb_kind DR\n\treal_server 2001:db8::11 80 {\n\t}\n}\n' "$VIP" >"$mixed"
out=$("$L4LBD" -t -f "$mixed" 2>&1) && fail "l4lbd -t accepted an IPv6 real server behind an IPv4 virtual server"
expect_true "mixed families rejected, naming the line: $out" \
	grep -q "^$mixed:3: real_server 2001:db8::11 is IPv6 but the virtual_server $VIP is IPv4" <<<"$out"

VIP6=2001:db8::100 LB6=2001:db8::2
rip6() { echo "2001:db8::$((10 + $1))"; }
# http6_server NS PORT NAME: nginx on [::]:PORT answering "NAME\n".
http6_server() {
	cat >"/tmp/nginx6-$1.conf" <<CONF
daemon off;
worker_processes 1;
pid /tmp/nginx6-$1.pid;
error_log stderr error;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path /tmp; proxy_temp_path /tmp; fastcgi_temp_path /tmp;
	uwsgi_temp_path /tmp; scgi_temp_path /tmp;
	server {
		listen [::]:$2 ipv6only=on;
		keepalive_timeout 0;
		location / { return 200 "$3\n"; }
	}
}
CONF
	bg "$1" nginx -c "/tmp/nginx6-$1.conf"
	wait_listen "$1" tcp "$2"
}
ip -n "$prefix-lb" addr add "$LB6/64" dev eth0 nodad
ip -n "$prefix-lb" addr add "$VIP6/64" dev eth0 nodad
for i in 1 2; do
	ip -n "$prefix-rs$i" addr add "$(rip6 "$i")/64" dev eth0 nodad
	http6_server "rs$i" 8000 "web$i"
done
# weights6: "W1 W2" of rs1, rs2 in [VIP6]:8000, "-" when absent.
weights6() {
	adm lb -L -n -t "[$VIP6]:8000" 2>/dev/null | awk \
		-v k1="[$(rip6 1)]:8000" -v k2="[$(rip6 2)]:8000" '
		{ w[$2] = $4 }
		END {
			if (!NR) { print "no service"; exit }
			printf "%s %s\n", (k1 in w ? w[k1] : "-"), (k2 in w ? w[k2] : "-")
		}'
}
weights6_are() { [ "$(weights6)" == "$1" ]; }
expect_weights6() { # WANT TIMEOUT WHAT
	wait_for "$2" weights6_are "$1"
	log "$3: weights $(weights6)"
}
v6vs="virtual_server $VIP6 8000 {
	protocol TCP
	lb_algo rr
	lb_kind DR
	delay_loop $DELAY
	retry $RETRY
	delay_before_retry $DELAY
	omega
	quorum_down \"echo omega quorum_down >>/tmp/hc-scripts\"
	real_server $(rip6 1) 8000 {
		weight 2
		inhibit_on_failure
		notify_down \"echo omega notify_down rs1 >>/tmp/hc-scripts\"
		HTTP_GET { url { path / status_code 200 } connect_timeout 1 }
	}
	real_server $(rip6 2) 8000 {
		weight 3
		inhibit_on_failure
		TCP_CHECK { connect_timeout 1 bindto $LB6 }
	}
}"
write_conf 1 "" tcp "$v6vs"
hup
wait_for 10 grep -q "\[TCP \[$VIP6\]:8000\] add service, scheduler" "$dlog"
expect_weights6 "2 3" 10 "IPv6 service added"
kill "$(cat /tmp/nginx6-rs1.pid)"
wait_for 10 not_listening rs1 tcp 8000
expect_weights6 "0 3" $DOWN_S "rs1's IPv6 server killed (inhibit_on_failure)"
grep -q "real server \[$(rip6 1)\]:8000 DOWN (HTTP_GET" "$dlog" || fail "no DOWN log line for [$(rip6 1)]:8000"
http6_server rs1 8000 web1
expect_weights6 "2 3" $((DELAY * 2 + 5)) "rs1's IPv6 server back"
grep -q "real server \[$(rip6 1)\]:8000 UP" "$dlog" || fail "no UP log line for [$(rip6 1)]:8000"
kill "$(cat /tmp/nginx6-rs2.pid)"
wait_for 10 not_listening rs2 tcp 8000
expect_weights6 "2 0" $DOWN_S "rs2's IPv6 server killed: TCP_CHECK from $LB6"
grep -q "real server \[$(rip6 2)\]:8000 DOWN (TCP connect: Connection refused)" "$dlog" ||
	fail "no DOWN log line for [$(rip6 2)]:8000"
expect_weights "1 0 1" 10 "the IPv4 service untouched by the IPv6 one (rs2 killed in 9.)"

# --- 12. metrics: scraped, checked against the traffic sent --------------------
scrape() { nsx lb curl -sf "http://127.0.0.1:9110/metrics"; }
# metric TEXT NAME LABELS: the value of the sample NAME{LABELS}.
metric() {
	local k=$2
	[ -z "$3" ] || k="$2{$3}"
	awk -v k="$k" '$1 == k { print $2 }' <<<"$1"
}
svc="local_address=\"$VIP\",local_port=\"80\",proto=\"TCP\""
be() { echo "$svc,remote_address=\"$(rip "$1")\",remote_port=\"80\""; }
m0=$(scrape) || fail "no answer on http://127.0.0.1:9110/metrics"
http_names c "$VIP" 80 50 >/dev/null || fail "requests through the VIP failed"
# The counters of the last packets are summed on read: poll.
conns_grew() { [ "$(metric "$(scrape)" l4lb_service_connections_total "$svc")" -ge $(($(metric "$m0" l4lb_service_connections_total "$svc") + 50)) ]; }
wait_for 10 conns_grew || true
m1=$(scrape)
d() { echo $(($(metric "$m1" "$1" "$2") - $(metric "$m0" "$1" "$2"))); }
expect_eq "metrics: l4lb_service_connections_total grew by the requests sent" "$(d l4lb_service_connections_total "$svc")" 50
expect_eq "metrics: backends' connections add up" \
	"$(($(d l4lb_backend_connections_total "$(be 1)") + $(d l4lb_backend_connections_total "$(be 3)")))" 50
expect_eq "metrics: none to rs2 (DOWN)" "$(d l4lb_backend_connections_total "$(be 2)")" 0
expect_true "metrics: at least 4 packets in per connection" [ "$(d l4lb_service_incoming_packets_total "$svc")" -ge 200 ]
expect_true "metrics: bytes in counted" [ "$(d l4lb_service_incoming_bytes_total "$svc")" -ge 200 ]
expect_eq "metrics: no bytes out in DR" "$(d l4lb_service_outgoing_bytes_total "$svc")" 0
expect_true "metrics: a connection rate" [ -n "$(metric "$m1" l4lb_service_connections_per_second "$svc")" ]
expect_eq "metrics: rs2 weight 0" "$(metric "$m1" l4lb_backend_weight "$(be 2)")" 0
expect_eq "metrics: rs2 down in the module" "$(metric "$m1" l4lb_backend_down "$(be 2)")" 1
expect_eq "metrics: rs2 down by l4lbd" "$(metric "$m1" l4lbd_backend_up "$(be 2)")" 0
expect_eq "metrics: rs1 up" "$(metric "$m1" l4lbd_backend_up "$(be 1)")" 1
expect_eq "metrics: rs2's last probe failed" \
	"$(metric "$m1" l4lbd_check_last_success "$(be 2),check=\"HTTP_GET\",check_index=\"0\",path=\"/\"")" 0
expect_true "metrics: rs2's failures counted as refused" \
	[ "$(metric "$m1" l4lbd_check_failures_total "$(be 2),check=\"HTTP_GET\",check_index=\"0\",path=\"/\",reason=\"refused\"")" -ge 2 ]
expect_true "metrics: a last check latency" \
	[ -n "$(metric "$m1" l4lbd_check_last_duration_seconds "$(be 1),check=\"HTTP_GET\",check_index=\"0\",path=\"/\"")" ]
expect_true "metrics: the connection table" [ "$(metric "$m1" l4lb_connection_table_entries "")" -ge 1 ]
expect_true "metrics: drop counters" grep -q '^l4lb_drops_total{reason="no_dest"} ' <<<"$m1"
expect_eq "metrics: the refused reloads counted" "$(metric "$m1" l4lbd_config_reloads_total 'result="refused"')" 3
expect_eq "metrics: the module reachable" "$(metric "$m1" l4lbd_kernel_reachable "")" 1

# --- 13. keepalived's fwmark, ip_family, flags, ops and thresholds ------------
# l4lbd applies them (l4lbadm -S shows the module's view); a reload
# without them takes them back.
fwm_conf() { # MH_PORT OPS THRESH1 THRESH3
	write_conf 1 "" tcp "$v6vs
virtual_server fwmark 7 {
	ip_family inet
	lb_algo mh
	$1
	mh-fallback
	lb_kind DR
	real_server $(rip 1) {
		$3
		TCP_CHECK { connect_port 80 connect_timeout 1 }
	}
}
virtual_server $VIP 5353 {
	protocol UDP
	lb_algo sh
	sh-port
	$2
	lb_kind DR
	real_server $(rip 3) 5353 { $4 }
}"
}
# saved_has LINE...: l4lbadm -S has each LINE.
saved_has() {
	local saved l
	saved=$(adm lb -S -n)
	for l in "$@"; do
		grep -qxF -- "$l" <<<"$saved" || return 1
	done
}
fwm_conf mh-port ops "uthreshold 100 lthreshold 50" "uthreshold 10"
"$L4LBD" -t -f "$conf" || fail "l4lbd -t rejected the fwmark configuration"
hup
on=("-A -f 7 -s mh -b mh-fallback,mh-port" "-a -f 7 -r $(rip 1):0 -g -w 1 -x 100 -y 50"
	"-A -u $VIP:5353 -s sh -b sh-port -o" "-a -u $VIP:5353 -r $(rip 3):5353 -g -w 1 -x 10 -y 0")
wait_for 10 saved_has "${on[@]}"
case_pass "fwmark 7, mh-port, mh-fallback, sh-port, ops, uthreshold and lthreshold applied"
fwm_conf "" "" "" ""
hup
off=("-A -f 7 -s mh -b mh-fallback" "-a -f 7 -r $(rip 1):0 -g -w 1"
	"-A -u $VIP:5353 -s sh -b sh-port" "-a -u $VIP:5353 -r $(rip 3):5353 -g -w 1")
wait_for 10 saved_has "${off[@]}"
case_pass "reload without mh-port, ops and the thresholds: taken back"

adm lb -L -n
pid=$(daemon_pid)
# rs1's notify_down ran once, when its IPv6 server was killed.
expect_eq "notify_down of rs1 before the exit" "$(grep -cx "omega notify_down rs1" /tmp/hc-scripts)" 1
expect_eq "no quorum_down before the exit" "$(grep -cx "omega quorum_down" /tmp/hc-scripts || true)" 0
kill -TERM "$pid"
wait_for 10 bash -c "! kill -0 $pid 2>/dev/null"
log "l4lbd stopped on SIGTERM"
# omega: at exit, the down scripts of what was up (rs1, the quorum).
notified_twice() { [ "$(grep -cx "omega notify_down rs1" /tmp/hc-scripts)" = 2 ]; }
wait_for 5 grep -qx "omega quorum_down" /tmp/hc-scripts
wait_for 5 notified_twice
log "omega: quorum_down and notify_down ran at exit"
