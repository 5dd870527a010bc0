#!/bin/bash
# Direct routing end to end, with real servers taking the VIP both ways
# the seed's operators use (iptables REDIRECT, VIP on lo).
# families: 4 6
#
#   c 10.0.0.1 --+                          (IPv6: 2001:db8::1)
#   lb 10.0.0.2, VIP 10.0.0.100 --+-- br0 (sw)    (2001:db8::2, ::100)
#   rs1 10.0.0.11 (REDIRECT), rs2 10.0.0.12 (REDIRECT), rs3 10.0.0.13 (lo) --+
#                                           (2001:db8::11, ::12, ::13)
#
# Requests pass c -> lb -> rsN; replies go rsN -> c directly. The same
# cases for both families (IPv6: ip6tables REDIRECT, the VIP on rs3's lo
# hidden from neighbour discovery without any setting, path MTU 1280).
. "$(dirname "$0")/../lib.sh"

topo_dr redirect redirect lo
name_servers tcp 80 3

# rr: 3 servers, 60 fresh connections, exactly 20 each, in turn.
adm lb -A -t "$(svc_addr "$VIP" 80)" -s rr
for i in 1 2 3; do adm lb -a -t "$(svc_addr "$VIP" 80)" -r "$(svc_addr "$(rip "$i")" 80)" -g; done
names=$(tcp_names c "$VIP" 80 60)
for i in 1 2 3; do
	expect_eq "rr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" 20
done
repeats=$(echo "$names" | uniq -d | wc -l)
expect_eq "rr: the same server twice in a row" "$repeats" 0
# Only the LB answered the client's ARP or neighbour solicitation for the
# VIP: rs3 holds it on lo (rs1 and rs2 do not hold it at all).
expect_eq "the client's link-layer address for the VIP" \
	"$(nsx c ip neigh show "$VIP" dev eth0 | awk '$2 == "lladdr" { print $3 }')" \
	"$(nsx lb cat /sys/class/net/eth0/address)"

# wrr: weights 1:2:3, 120 connections, exactly 20/40/60, and no server
# gets more connections in a row than its weight (smooth, not bursts).
adm lb -E -t "$(svc_addr "$VIP" 80)" -s wrr
for i in 1 2 3; do adm lb -e -t "$(svc_addr "$VIP" 80)" -r "$(svc_addr "$(rip "$i")" 80)" -w "$i"; done
names=$(tcp_names c "$VIP" 80 120)
for i in 1 2 3; do
	expect_eq "wrr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" $((i * 20))
	longest=$(echo "$names" | awk -v n="rs$i" '$0 == n { r++; if (r > m) m = r; next } { r = 0 } END { print m + 0 }')
	[ "$longest" -le "$i" ] || fail "wrr: rs$i got $longest in a row (weight $i)"
done
adm lb -L -n

# HTTP through the VIP (nginx on every real server).
adm lb -A -t "$(svc_addr "$VIP" 8080)" -s rr
for i in 1 2 3; do
	http_server "rs$i" 8080 "web$i"
	adm lb -a -t "$(svc_addr "$VIP" 8080)" -r "$(svc_addr "$(rip "$i")" 8080)"
done
bodies=$(for i in 1 2 3; do nsx c curl -g -sS --max-time 10 "http://$(svc_addr "$VIP" 8080)/"; done | sort | tr '\n' ' ')
expect_eq "HTTP bodies through the VIP" "$bodies" "web1 web2 web3 "

# Bytes through the VIP arrive intact both ways: 5 MB up (through the LB)
# and down (the reply path, with the client's ACKs through the LB).
head -c 5M /dev/urandom >/tmp/payload
for i in 1 2 3; do
	cp /tmp/payload "/tmp/big-rs$i"
	bg "rs$i" socat -u "$(tcp_listen)":9000,reuseaddr OPEN:"/tmp/up-rs$i",creat,trunc
	wait_listen "rs$i" tcp 9000
done
adm lb -A -t "$(svc_addr "$VIP" 9000)" -s rr
for i in 1 2 3; do adm lb -a -t "$(svc_addr "$VIP" 9000)" -r "$(svc_addr "$(rip "$i")" 9000)"; done
intact_uploads() {
	local f n=0
	for f in /tmp/up-rs*; do cmp -s /tmp/payload "$f" && n=$((n + 1)); done
	echo $n
}
more_intact_than() { [ "$(intact_uploads)" -gt "$1" ]; }
upload() { # each upload lands, by rr, on a real server not used yet
	local before
	before=$(intact_uploads)
	nsx c socat -u FILE:/tmp/payload "$(tcp_to "$VIP" 9000)"
	wait_for 20 more_intact_than "$before"
	log "upload $((before + 1)) arrived intact"
}
upload
nsx c curl -g -sS --max-time 60 -o /tmp/download "http://$(svc_addr "$VIP" 8080)/big"
cmp /tmp/payload /tmp/download || fail "download through the VIP differs"
log "download intact"

# Path MTU: the LB's route to the real servers has MTU 1000 (IPv6: 1280).
# Full-size DF segments from the client must come back as ICMP
# frag-needed (IPv6: Packet Too Big) with that MTU, so the client lowers
# its path MTU and the transfer completes.
for i in 1 2 3; do
	ip -n "$prefix-lb" route add "$(rip "$i")/$HLEN" dev eth0 mtu "$SMALL_MTU"
done
upload
nsx c ip route get "$VIP" | grep -q "mtu $SMALL_MTU" || fail "client did not learn MTU $SMALL_MTU: $(nsx c ip route get "$VIP")"
log "client learned path MTU $SMALL_MTU from the LB"
for i in 1 2 3; do ip -n "$prefix-lb" route del "$(rip "$i")/$HLEN"; done

# With nf_conntrack and an iptables MASQUERADE rule on the LB, DR still
# works: forwarded packets must not be tracked or source-NATed.
ipt lb -t nat -A POSTROUTING -o eth0 -j MASQUERADE
ipt lb -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
module_present nf_conntrack || fail "nf_conntrack did not load"
adm lb -E -t "$(svc_addr "$VIP" 80)" -s rr
names=$(tcp_names c "$VIP" 80 30)
for i in 1 2 3; do
	expect_eq "rr with conntrack+MASQUERADE: rs$i" "$(echo "$names" | count_of "rs$i")" 10
done
upload
