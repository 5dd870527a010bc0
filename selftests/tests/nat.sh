#!/bin/bash
# NAT end to end: the client only ever sees the VIP; real servers see the
# client's own address and answer through the LB. Topology (topo_nat in
# lib.sh):
# families: 4 6
#
#   c 198.51.100.1, rsd 198.51.100.21 (DR) -- out -- lb -- in -- rs1..rs3 10.0.0.11..13
#   VIP 198.51.100.100 on lb                               +- r -- rs9 10.0.2.9 (MTU 1000 at r)
#
#   IPv6: c 2001:db8:100::1, rsd 2001:db8:100::21, VIP 2001:db8:100::100;
#   rs1..rs3 2001:db8::11..13, rs9 2001:db8:2::9 (MTU 1280 at r)
#
# The same cases for both families (IPv6: Packet Too Big for frag-needed,
# ICMPv6 port unreachable, ip6tables, net.ipv6.conf.all.forwarding).
# With L4LB_NAT_CONNTRACK=1 (nat_conntrack.sh) the LB also runs conntrack
# and masquerades everything it forwards; every check must still pass.
. "$(dirname "$0")/../lib.sh"

topo_nat 3
VIP=$NAT_VIP
client=$(wan 1) rsd=$(wan 21) rs9=$(far 9)
if [ "${L4LB_NAT_CONNTRACK:-0}" = 1 ]; then
	ipt lb -t nat -A POSTROUTING -j MASQUERADE
	ipt lb -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
	ipt lb -A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
	module_present nf_conntrack || fail "nf_conntrack did not load"
	log "LB runs conntrack with MASQUERADE on every interface"
fi
# Counts what reaches the client from the servers' own addresses (10.0.0.0/8;
# IPv6 2001:db8::/46, both networks inside): must stay 0.
if [ "$FAMILY" = 6 ]; then servers_net=2001:db8::/46; else servers_net=10.0.0.0/8; fi
ipt c -A INPUT -s "$servers_net" -j ACCEPT
rule_pkts() { ipt c -L INPUT "$1" -v -x -n | awk '{ print $1 }'; }
# l4lbadm's ADDR:PORT.
sa() { svc_addr "$@"; }
leaked() { rule_pkts 1; }

# Aggregates through the LB: GRO on its receive side, TSO at the ends.
for dev in eth0 eth1; do nsx lb ethtool -K "$dev" gro on 2>/dev/null || true; done

# Port mapping VIP:80 -> RIP:8080; rr gives exactly 20 each, in turn.
for i in 1 2 3; do name_server "rs$i" tcp 8080 "rs$i"; done
adm lb -A -t "$(sa "$VIP" 80)" -s rr
for i in 1 2 3; do adm lb -a -t "$(sa "$VIP" 80)" -r "$(sa "$(rip "$i")" 8080)" -m; done
names=$(tcp_names c "$VIP" 80 60)
for i in 1 2 3; do
	expect_eq "rr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" 20
done
expect_eq "rr: the same server twice in a row" "$(echo "$names" | uniq -d | wc -l)" 0
# The fast path (kmod/hooks.c) takes the clients' packets here, unless an
# INPUT chain runs before l4lb (nat_conntrack's filter rule): then every
# packet goes by LOCAL_IN, where the rule sees it. Replies too
# (nat_reply.sh has the cases), unless a FORWARD chain runs: each
# connection's first reply takes FORWARD, the later ones need not.
# fast_count KEY WHAT CHAIN: one or more per connection (60), or none
# with conntrack's filter rules.
# IPv6 replies always take FORWARD (kmod/hooks6.c): none fast.
fast_count() {
	local n
	n=$(adm lb -L --info --json | jq ".info.$1")
	if [ "$FAMILY" = 6 ] && [ "$1" = fast_path_reply_pkts ]; then
		expect_eq "$2 (IPv6: always by FORWARD)" "$n" 0
	elif [ "${L4LB_NAT_CONNTRACK:-0}" = 1 ]; then
		expect_eq "$2 with a filter chain at $3" "$n" 0
	else
		[ "$n" -ge 60 ] || fail "$2: $n, want one or more per connection (60)"
		log "$2: $n"
	fi
}
fast_count fast_path_pkts "fast-path packets" INPUT
fast_count fast_path_reply_pkts "fast-path replies" FORWARD

# wrr 1:2:3: exactly 10/20/30.
adm lb -E -t "$(sa "$VIP" 80)" -s wrr
for i in 1 2 3; do adm lb -e -t "$(sa "$VIP" 80)" -r "$(sa "$(rip "$i")" 8080)" -m -w "$i"; done
names=$(tcp_names c "$VIP" 80 60)
for i in 1 2 3; do
	expect_eq "wrr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" $((i * 10))
done
adm lb -L -n

# The real server sees the client's own address (no SNAT on the way in,
# even with MASQUERADE on the LB), and the client sees only the VIP.
bg rs1 socat -t 30 "$(tcp_listen)":8090,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR'
wait_listen rs1 tcp 8090
adm lb -A -t "$(sa "$VIP" 90)"
adm lb -a -t "$(sa "$VIP" 90)" -r "$(sa "$(rip 1)" 8090)" -m
# socat writes an IPv6 peer in brackets and in full:
# [2001:0db8:0100:0000:0000:0000:0000:0001].
peer_form() {
	local l r g out=()
	[ "$FAMILY" = 6 ] || { echo "$1"; return; }
	l=${1%%::*} r=
	[ "$l" = "$1" ] || r=${1#*::}
	IFS=: read -ra l <<<"$l"
	IFS=: read -ra r <<<"$r"
	out=("${l[@]}")
	for ((g = ${#l[@]} + ${#r[@]}; g < 8; g++)); do out+=(0); done
	out+=("${r[@]+"${r[@]}"}")
	# shellcheck disable=SC2046
	printf '[%04x:%04x:%04x:%04x:%04x:%04x:%04x:%04x]\n' $(printf '0x%s ' "${out[@]}")
}
expect_eq "client address seen by the real server" \
	"$(nsx c socat -t 30 - "$(tcp_to "$VIP" 90)" </dev/null)" "$(peer_form "$client")"

# HTTP (nginx) through the VIP, port-mapped.
adm lb -A -t "$(sa "$VIP" 81)" -s rr
for i in 1 2 3; do
	http_server "rs$i" 8081 "web$i"
	adm lb -a -t "$(sa "$VIP" 81)" -r "$(sa "$(rip "$i")" 8081)" -m
done
bodies=$(for i in 1 2 3; do nsx c curl -g -sS --max-time 10 "http://$(sa "$VIP" 81)/"; done | sort | tr '\n' ' ')
expect_eq "HTTP bodies through the VIP" "$bodies" "web1 web2 web3 "

# 4 MB both ways (thousands of GRO/TSO aggregates), compared by sha256:
# down through the reply path (rs1's nginx), up through the forward path.
head -c 4M /dev/urandom >/tmp/payload
want=$(sha256sum </tmp/payload)
for i in 1 2 3; do cp /tmp/payload "/tmp/big-rs$i"; done
nsx c curl -g -sS --max-time 120 -o /tmp/download "http://$(sa "$VIP" 81)/big"
expect_eq "sha256 of 4 MB downloaded through the VIP" "$(sha256sum </tmp/download)" "$want"
rm -f /tmp/download
bg rs2 socat -u "$(tcp_listen)":9000,reuseaddr OPEN:/tmp/up-rs2,creat,trunc
wait_listen rs2 tcp 9000
adm lb -A -t "$(sa "$VIP" 9000)"
adm lb -a -t "$(sa "$VIP" 9000)" -r "$(sa "$(rip 2)" 9000)" -m
nsx c socat -u FILE:/tmp/payload "$(tcp_to "$VIP" 9000)"
upload_done() { [ "$(stat -c %s /tmp/up-rs2 2>/dev/null)" = "$(stat -c %s /tmp/payload)" ]; }
wait_for 30 upload_done
expect_eq "sha256 of 4 MB uploaded through the VIP" "$(sha256sum </tmp/up-rs2)" "$want"
rm -f /tmp/up-rs2

# Path MTU: rs9 sits behind router r, whose route to it has MTU 1000
# (IPv6: 1280). The client's full-size DF segments draw a frag-needed
# (IPv6: Packet Too Big) from r, addressed to the client and quoting
# client -> rs9; the LB must translate it (from the VIP, quoting client ->
# VIP) for the client to lower its path MTU.
head -c 2M /dev/urandom >/tmp/small
bg rs9 socat -u "$(tcp_listen)":9000,reuseaddr OPEN:/tmp/up-rs9,creat,trunc
wait_listen rs9 tcp 9000
adm lb -A -t "$(sa "$VIP" 9009)"
adm lb -a -t "$(sa "$VIP" 9009)" -r "$(sa "$rs9" 9000)" -m
nsx c socat -u FILE:/tmp/small "$(tcp_to "$VIP" 9009)"
upload9_done() { cmp -s /tmp/small /tmp/up-rs9; }
wait_for 30 upload9_done
nsx c ip route get "$VIP" | grep -q "mtu $SMALL_MTU" ||
	fail "client did not learn MTU $SMALL_MTU: $(nsx c ip route get "$VIP")"
log "DF upload behind an MTU-$SMALL_MTU hop arrived; the client learned mtu $SMALL_MTU from the VIP"

# ICMP port unreachable from a real server (nothing listens on UDP 5000)
# reaches the client from the VIP, and the client's socket sees it.
adm lb -A -u "$(sa "$VIP" 5000)"
adm lb -a -u "$(sa "$VIP" 5000)" -r "$(sa "$(rip 3)" 5000)" -m
# shellcheck disable=SC2046
ipt c -A INPUT $(icmp_match port-unreachable) -s "$VIP" -j ACCEPT
err=$(echo x | nsx c socat -t 3 - "$(udp_to "$VIP" 5000)" 2>&1 >/dev/null || true)
case $err in *"Connection refused"*) ;; *) fail "UDP client got no port unreachable: $err" ;; esac
[ "$(rule_pkts 2)" -ge 1 ] || fail "no port unreachable from the VIP"
log "port unreachable reached the client from $VIP"

# A UDP datagram bigger than the MTU, fragmented both ways, arrives whole
# and comes back whole (the real server echoes it).
bg rs1 socat -t 10 "$(udp_listen)":7000,fork SYSTEM:cat
wait_listen rs1 udp 7000
adm lb -A -u "$(sa "$VIP" 7)"
adm lb -a -u "$(sa "$VIP" 7)" -r "$(sa "$(rip 1)" 7000)" -m
head -c 4000 /dev/urandom >/tmp/dgram
nsx c socat -t 5 - "$(udp_to "$VIP" 7)" </tmp/dgram >/tmp/dgram.back
cmp /tmp/dgram /tmp/dgram.back || fail "4000-byte datagram did not come back whole ($(stat -c %s /tmp/dgram.back) bytes)"
log "4000-byte datagram through the VIP and back intact"

# One DR and one NAT destination behind the same VIP both serve.
name_server rsd tcp 82 rsd
name_server rs1 tcp 8082 rs1
adm lb -A -t "$(sa "$VIP" 82)" -s rr
adm lb -a -t "$(sa "$VIP" 82)" -r "$(sa "$rsd" 82)" -g
adm lb -a -t "$(sa "$VIP" 82)" -r "$(sa "$(rip 1)" 8082)" -m
names=$(tcp_names c "$VIP" 82 10)
expect_eq "mixed service: DR rsd, NAT rs1" "$(echo "$names" | count_of rsd) $(echo "$names" | count_of rs1)" "5 5"

# -e changes the forwarding method in place (DR -> NAT -> DR here; the
# listing shows it, and after switching back both serve again). A DR
# method with a mapped port is refused with a message naming the port.
adm lb -e -t "$(sa "$VIP" 82)" -r "$(sa "$(rip 1)" 8082)" -g 2>/tmp/err && fail "DR with port 8082 on a port-82 service was accepted"
grep -q "port" /tmp/err || fail "no clear message: $(cat /tmp/err)"
adm lb -e -t "$(sa "$VIP" 82)" -r "$(sa "$rsd" 82)" -m
adm lb -L -n -t "$(sa "$VIP" 82)" | grep -qF "$(sa "$rsd" 82) " ||
	fail "-L -n -t does not list $(sa "$rsd" 82): $(adm lb -L -n -t "$(sa "$VIP" 82)")"
adm lb -L -n -t "$(sa "$VIP" 82)" | grep -q "$(re "$(sa "$rsd" 82)") *Masq" || fail "-e -m did not switch: $(adm lb -L -n -t "$(sa "$VIP" 82)")"
adm lb -e -t "$(sa "$VIP" 82)" -r "$(sa "$rsd" 82)" -g -w 1
adm lb -L -n -t "$(sa "$VIP" 82)" | grep -q "$(re "$(sa "$rsd" 82)") *Route" || fail "-e -g did not switch back: $(adm lb -L -n -t "$(sa "$VIP" 82)")"
names=$(tcp_names c "$VIP" 82 10)
expect_eq "mixed service after switching back" "$(echo "$names" | count_of rsd) $(echo "$names" | count_of rs1)" "5 5"

# -L -c: a live connection shows with its state and expiry, and the
# kernel-side filters (service, real server, client) select it or not.
chat_server rs2 8083 rs2
adm lb -A -t "$(sa "$VIP" 83)"
adm lb -a -t "$(sa "$VIP" 83)" -r "$(sa "$(rip 2)" 8083)" -m
conn_open 5 c "$VIP" 83
expect_eq "chat through NAT" "$(conn_say 5 hello)" rs2
adm lb -L -c -n
line=$(adm lb -L -c -n -t "$(sa "$VIP" 83)" | tail -n +3)
echo "$line" | grep -Eq "^TCP 1[45]:[0-9]{2}  ESTABLISHED $(re "$(sa "$client")"):[0-9]+ +$(re "$(sa "$VIP" 83)") +$(re "$(sa "$(rip 2)" 8083)")\$" ||
	fail "-L -c -t: unexpected entry: $line"
expect_eq "entries for client $client on VIP:83" "$(adm lb -L -c -n --client "$client" -t "$(sa "$VIP" 83)" | tail -n +3 | wc -l)" 1
expect_eq "entries for rs1 on VIP:83" "$(adm lb -L -c -n -r "$(sa "$(rip 1)")" -t "$(sa "$VIP" 83)" | tail -n +3 | wc -l)" 0
expect_eq "JSON entries for rs2:8083" \
	"$(adm lb -L -c --json -r "$(sa "$(rip 2)" 8083)" | jq -r '.connections[] | "\(.state) \(.destination.port) \(.forward)"')" "ESTABLISHED 8083 masq"
# Counters of a NAT service count the replies too.
outpkts=$(adm lb -L --json -t "$(sa "$VIP" 83)" | jq '.services[0].stats.pkts_out')
[ "$outpkts" -ge 1 ] || fail "no reply packets counted on VIP:83: $outpkts"
log "reply packets counted on VIP:83: $outpkts"

# With forwarding off, a NAT destination is still added (forwarding may
# come next), with a warning that says why its replies would be lost
# (IPv6: naming net.ipv6.conf.all.forwarding).
if [ "$FAMILY" = 6 ]; then fwd_knob=forwarding; else fwd_knob=ip_forward; fi
ip_forward lb 0
adm lb -a -t "$(sa "$VIP" 83)" -r "$(sa "$(rip 3)" 8083)" -m 2>/tmp/warn || fail "NAT dest refused with $fwd_knob=0: $(cat /tmp/warn)"
grep -q "^l4lbadm: warning: .*$fwd_knob is 0" /tmp/warn || fail "no $fwd_knob warning: $(cat /tmp/warn)"
log "with $fwd_knob=0: $(cat /tmp/warn)"
adm lb -a -t "$(sa "$VIP" 83)" -r "$(sa "$rsd")" -g 2>/tmp/warn || fail "DR dest refused: $(cat /tmp/warn)"
[ ! -s /tmp/warn ] || fail "a DR dest drew a message with $fwd_knob=0: $(cat /tmp/warn)"
ip_forward lb 1

# Nothing reached the client from a real server's own address.
expect_eq "packets at the client from the servers' network" "$(leaked)" 0
