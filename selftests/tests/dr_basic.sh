#!/bin/bash
# Direct routing end to end, with real servers taking the VIP both ways
# the seed's operators use (iptables REDIRECT, VIP on lo).
#
#   c 10.0.0.1 --+
#   lb 10.0.0.2, VIP 10.0.0.100 --+-- br0 (sw)
#   rs1 10.0.0.11 (REDIRECT), rs2 10.0.0.12 (REDIRECT), rs3 10.0.0.13 (lo) --+
#
# Requests pass c -> lb -> rsN; replies go rsN -> c directly.
. "$(dirname "$0")/../lib.sh"

topo_dr redirect redirect lo
name_servers tcp 80 3

# rr: 3 servers, 300 fresh connections, exactly 100 each, in turn.
adm lb -A -t "$VIP:80" -s rr
for i in 1 2 3; do adm lb -a -t "$VIP:80" -r "$(rip "$i"):80" -g; done
names=$(tcp_names c "$VIP" 80 300)
for i in 1 2 3; do
	expect_eq "rr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" 100
done
repeats=$(echo "$names" | uniq -d | wc -l)
expect_eq "rr: the same server twice in a row" "$repeats" 0

# wrr: weights 1:2:3, 600 connections, exactly 100/200/300, and no server
# gets more connections in a row than its weight (smooth, not bursts).
adm lb -E -t "$VIP:80" -s wrr
for i in 1 2 3; do adm lb -e -t "$VIP:80" -r "$(rip "$i"):80" -w "$i"; done
names=$(tcp_names c "$VIP" 80 600)
for i in 1 2 3; do
	expect_eq "wrr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" $((i * 100))
	longest=$(echo "$names" | awk -v n="rs$i" '$0 == n { r++; if (r > m) m = r; next } { r = 0 } END { print m + 0 }')
	[ "$longest" -le "$i" ] || fail "wrr: rs$i got $longest in a row (weight $i)"
done
adm lb -L -n

# HTTP through the VIP (nginx on every real server).
adm lb -A -t "$VIP:8080" -s rr
for i in 1 2 3; do
	http_server "rs$i" 8080 "web$i"
	adm lb -a -t "$VIP:8080" -r "$(rip "$i"):8080"
done
bodies=$(for i in 1 2 3; do nsx c curl -sS --max-time 10 "http://$VIP:8080/"; done | sort | tr '\n' ' ')
expect_eq "HTTP bodies through the VIP" "$bodies" "web1 web2 web3 "

# Bytes through the VIP arrive intact both ways: 20 MB up (through the LB)
# and down (the reply path, with the client's ACKs through the LB).
head -c 20M /dev/urandom >/tmp/payload
for i in 1 2 3; do
	cp /tmp/payload "/tmp/big-rs$i"
	bg "rs$i" socat -u TCP-LISTEN:9000,reuseaddr OPEN:"/tmp/up-rs$i",creat,trunc
	wait_listen "rs$i" tcp 9000
done
adm lb -A -t "$VIP:9000" -s rr
for i in 1 2 3; do adm lb -a -t "$VIP:9000" -r "$(rip "$i"):9000"; done
intact_uploads() {
	local f n=0
	for f in /tmp/up-rs*; do cmp -s /tmp/payload "$f" && n=$((n + 1)); done
	echo $n
}
more_intact_than() { [ "$(intact_uploads)" -gt "$1" ]; }
upload() { # each upload lands, by rr, on a real server not used yet
	local before
	before=$(intact_uploads)
	nsx c socat -u FILE:/tmp/payload TCP:"$VIP":9000
	wait_for 20 more_intact_than "$before"
	log "upload $((before + 1)) arrived intact"
}
upload
nsx c curl -sS --max-time 60 -o /tmp/download "http://$VIP:8080/big"
cmp /tmp/payload /tmp/download || fail "download through the VIP differs"
log "download intact"

# Path MTU: the LB's route to the real servers has MTU 1000. Full-size DF
# segments from the client must come back as ICMP frag-needed (mtu 1000),
# so the client lowers its path MTU and the transfer completes.
for i in 1 2 3; do
	ip -n "$prefix-lb" route add "$(rip "$i")/32" dev eth0 mtu 1000
done
upload
nsx c ip route get "$VIP" | grep -q "mtu 1000" || fail "client did not learn MTU 1000: $(nsx c ip route get "$VIP")"
log "client learned path MTU 1000 from the LB"
for i in 1 2 3; do ip -n "$prefix-lb" route del "$(rip "$i")/32"; done

# With nf_conntrack and an iptables MASQUERADE rule on the LB, DR still
# works: forwarded packets must not be tracked or source-NATed.
nsx lb iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
nsx lb iptables -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
module_present nf_conntrack || fail "nf_conntrack did not load"
adm lb -E -t "$VIP:80" -s rr
names=$(tcp_names c "$VIP" 80 30)
for i in 1 2 3; do
	expect_eq "rr with conntrack+MASQUERADE: rs$i" "$(echo "$names" | count_of "rs$i")" 10
done
upload
