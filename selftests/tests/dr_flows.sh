#!/bin/bash
# lane: extended (make check-extended)
# Flows in direct routing: stickiness (TCP and UDP), graceful drain with
# weight 0, no blackhole when a destination goes, no stall when a client
# reuses its port. Topology as in dr_basic.sh:
#
#   c 10.0.0.1, lb 10.0.0.2 (VIP 10.0.0.100), rs1..rs3 10.0.0.11..13
#   on one bridge; rs1, rs2 take the VIP by REDIRECT, rs3 on lo.
. "$(dirname "$0")/../lib.sh"

topo_dr redirect redirect lo
name_servers tcp 80 3
for i in 1 2 3; do chat_server "rs$i" 81 "rs$i"; done
for port in 80 81; do
	adm lb -A -t "$VIP:$port" -s rr
	for i in 1 2 3; do adm lb -a -t "$VIP:$port" -r "$(rip "$i"):$port"; done
done

# A long TCP connection stays on its server while 100 others rotate.
conn_open 5 c "$VIP" 81
home=$(conn_say 5 first)
names=$(tcp_names c "$VIP" 81 100 hello)
for i in 1 2 3; do
	n=$(echo "$names" | count_of "rs$i")
	[ "$n" -ge 33 ] && [ "$n" -le 34 ] || fail "100 new connections: rs$i got $n"
done
expect_eq "long connection's server after 100 others" "$(conn_say 5 second)" "$home"

# UDP: one flow sticks to its server; new flows rotate.
for i in 1 2; do name_server "rs$i" udp 53 "rs$i"; done
name_server rs3 udp 53 rs3 "$VIP"
adm lb -A -u "$VIP:53" -s rr
for i in 1 2 3; do adm lb -a -u "$VIP:53" -r "$(rip "$i"):53"; done
expect_eq "servers seen by one UDP flow of 6 datagrams" \
	"$(udp_names c "$VIP" 53 6 same | sort -u | wc -l)" 1
expect_eq "servers seen by 6 new UDP flows" \
	"$(udp_names c "$VIP" 53 6 | sort | uniq -c | awk '{ print $1 }' | tr '\n' ' ')" "2 2 2 "

# Weight 0 drains: the open connection goes on, no new one arrives.
drained=$(( ${home#rs} ))
adm lb -e -t "$VIP:81" -r "$(rip "$drained"):81" -w 0
names=$(tcp_names c "$VIP" 81 30 hello)
expect_eq "new connections to the drained $home" "$(echo "$names" | count_of "$home")" 0
expect_eq "the drained server still serves its connection" "$(conn_say 5 third)" "$home"
adm lb -e -t "$VIP:81" -r "$(rip "$drained"):81" -w 1

# Deleting a destination: its connection's next packet goes to a live
# server (which resets it: no socket there), never to the deleted one, and
# no new connection reaches it.
victim=$(( ${home#rs} ))
nsx "rs$victim" iptables -I INPUT -p tcp --dport 81 -j ACCEPT
adm lb -d -t "$VIP:81" -r "$(rip "$victim"):81"
echo after-delete >&5
client_conns() { nsx c ss -Htn state established "( dport = :81 )" | wc -l; }
no_client_conns() { [ "$(client_conns)" = 0 ]; }
wait_for 10 no_client_conns
log "the deleted server's connection was reset by a live server"
names=$(tcp_names c "$VIP" 81 30 hello)
expect_eq "new connections to the deleted rs$victim" "$(echo "$names" | count_of "rs$victim")" 0
packets=$(nsx "rs$victim" iptables -L INPUT -v -x -n | awk '/dpt:81/ { print $1; exit }')
expect_eq "packets reaching rs$victim after its deletion" "$packets" 0

# No stall: the server closes first, the client reuses its port at once.
# The LB's entry is past FIN; the new SYN is scheduled afresh, not dropped.
# Counted, not timed: a SYN the LB dropped or misrouted would be sent
# again by the client (after 1 s), so exactly one SYN per connection.
# Port 30000 lies below the ephemeral range (32768-60999), where no
# earlier connection of this test can still hold it.
nsx c iptables -A OUTPUT -p tcp --sport 30000 --syn -j ACCEPT
first=$(nsx c socat -u TCP:"$VIP":80,sourceport=30000,reuseaddr -)
second=$(nsx c socat -u TCP:"$VIP":80,sourceport=30000,reuseaddr,connect-timeout=5 -)
syns=$(nsx c iptables -L OUTPUT 1 -v -x -n | awk '{ print $1 }')
log "port 30000 again: $first then $second"
[ -n "$second" ] || fail "reconnect from the same port got no answer"
expect_eq "SYNs sent from port 30000 for two connections" "$syns" 2
