#!/bin/bash
# Table full (issues 7 and 20): the module loaded with conn_max=200 (256
# hash buckets), a DR
# VIP with a TCP and a UDP service.
#   - A UDP flood of one-datagram flows (60,000 of them, many more than
#     entries): the table fills and never passes conn_max; each new flow
#     past it evicts an unconfirmed entry (CONN_EVICTED), so a new TCP
#     connection still gets through and nothing is refused; a TCP
#     connection established before the flood keeps working.
#   - A table of entries that may not be evicted (the established flow
#     and 199 confirmed UDP flows, two datagrams each): one SYN of a new
#     flow is refused and counted (TABLE_FULL + 1 exactly), nothing is
#     evicted, and a real client cannot connect.
#   - conn_max raised at run time: new connections are accepted again.
#   - A DF datagram too big for the path to the real servers, seen twice
#     (PREROUTING hands it back to LOCAL_IN): its entry stays unconfirmed.
# GET_INFO is read with selftests/fuzz/l4lbinfo.
. "$(dirname "$0")/../lib.sh"

MAX=200
# 256 buckets: a table sized for its entries (eviction looks near the new
# flow's bucket, so it needs them to be there).
module_load conn_max=$MAX conn_tab_bits=8
topo_dr lo lo
expect_eq "conn_max" "$(info_of lb conn_max)" $MAX
for i in 1 2; do chat_server "rs$i" 7000 "rs$i"; done
adm lb --set 900 2 2
for port in 7000 9; do
	proto=-t
	[ $port = 9 ] && proto=-u
	adm lb -A $proto "$VIP:$port" -s rr
	for i in 1 2; do adm lb -a $proto "$VIP:$port" -r "$(rip "$i")"; done
done

# The long-lived flow, before the flood.
conn_open 5 c "$VIP" 7000
first=$(conn_say 5 before)
log "established flow on $first"

# new_tcp_ok [S]: a fresh TCP connection through the VIP gets an answer
# in S seconds (3; times wait_for's L4LB_WAIT_SCALE).
new_tcp_ok() {
	local t=$((${1:-3} * ${L4LB_WAIT_SCALE:-1}))
	nsx c timeout "$t" bash -c "exec 3<>/dev/tcp/$VIP/7000 && echo new >&3 && read -r -t $((t - 1)) a b <&3 && [ \"\$b\" = new ]"
}

full_drops() { info_of lb drop_table_full; }
evicted() { info_of lb conn_evicted; }
table_full() { [ "$(info_of lb conn_count)" -eq $MAX ] && [ "$(evicted)" -gt 1000 ]; }

# 1. One-datagram flows (60,000, each sent again only after all the
# others): each new one evicts the unconfirmed entry that expires first
# near its own. Their timeout (the UDP timeout) is short, so that they
# drain quickly afterwards, but long enough for the flood to fill the
# table three times over in it, whatever rate this guest takes (flood).
flood c "$VIP" 9 -n 60000 -r 1000
udp_timeout=$(((3 * MAX + flood_pps - 1) / flood_pps))
[ "$udp_timeout" -ge 2 ] || udp_timeout=2
adm lb --set 900 2 "$udp_timeout"
log "UDP timeout ${udp_timeout}s"
# (1000 evictions take 1000 / flood_pps seconds.)
wait_for $((60 + 1000 / flood_pps)) table_full
peak=0
for ((i = 0; i < 10; i++)); do
	n=$(info_of lb conn_count)
	[ "$n" -le $MAX ] || fail "connection count $n past conn_max $MAX"
	[ "$n" -le "$peak" ] || peak=$n
	sleep 0.2
done
expect_eq "connections under the flood (highest of 10 samples)" "$peak" $MAX
# (A flooded guest may take a while to start bash and connect.)
new_tcp_ok 10 || fail "a new TCP connection was kept out by unconfirmed entries (TABLE_FULL $(full_drops)): $(adm lb -L -c -n | grep TCP)"
log "new connection served; evicted $(evicted)"
expect_eq "refused under the flood (TABLE_FULL)" "$(full_drops)" 0
expect_eq "established flow during the flood" "$(conn_say 5 during)" "$first"
flood_stop
only_established_left() { [ "$(info_of lb conn_count)" -eq 1 ]; }
wait_for $((60 + udp_timeout)) only_established_left
log "flood over: the established flow is the only entry left"

# 2. Entries that may not go: 199 confirmed UDP flows (UDP timeout 900 s)
# beside the established flow.
wait_for 20 neighbour_known c "$VIP"
mac=$(nsx c ip neigh show "$VIP" dev eth0 | awk '$2 == "lladdr" { print $3; exit }')
udp=$((MAX - 1))
udp_pkts() { adm lb -L -n --json | jq '.services[] | select(.protocol == "udp") | .stats.pkts_in'; }
# The flood's last datagrams may still be on their way: wait until the
# LB has seen none for a second.
quiet() {
	local a b
	a=$(udp_pkts)
	sleep 1
	b=$(udp_pkts)
	[ "$a" = "$b" ]
}
wait_for 30 quiet
# Any entry they made lives the 2 s UDP timeout: none may be there to
# take a slot the fill needs (it would evict one of the fill's flows
# between its datagrams).
wait_for 30 only_established_left
adm lb --set 900 2 900
pkts0=$(udp_pkts)
# Three datagrams a flow, paced: the second confirms it, the third is
# there should a busy guest's backlog lose one.
nsx c "$UDPFLOOD" -i eth0 -m "$mac" -s 10.0.0.1 -d "$VIP" -p 9 -n $udp -c $((3 * udp)) -r 1000 >/dev/null
# (Their way through the LB may end after udpflood does.)
all_in() { [ "$(udp_pkts)" -ge $((pkts0 + 3 * udp)) ]; }
wait_for 30 all_in
expect_eq "entries" "$(info_of lb conn_count)" $MAX
# Confirmed: the UDP timeout (900 s) rather than the unconfirmed 30 s.
confirmed() {
	adm lb -L -c -n --json |
		jq '[.. | objects | select(has("expires_ms") and .state == "UDP" and .expires_ms > 30000)] | length'
}
expect_eq "confirmed UDP entries" "$(confirmed)" $udp
evicted0=$(evicted) drops0=$(full_drops)
# Exactly one SYN of a new flow (from c's port 1024: no socket of c's).
nsx c "$UDPFLOOD" -i eth0 -m "$mac" -s 10.0.0.1 -d "$VIP" -p 7000 -S -c 1 >/dev/null
# (Its way through the LB may end after udpflood does.)
# Polled without failing: the counts below tell what became of it.
for ((i = 0; i < 200; i++)); do
	[ "$(full_drops)" -eq "$drops0" ] && [ "$(evicted)" -eq "$evicted0" ] || break
	sleep 0.05
done
expect_eq "refused SYNs (TABLE_FULL)" "$(($(full_drops) - drops0))" 1
expect_eq "evicted" "$(($(evicted) - evicted0))" 0
expect_eq "entries" "$(info_of lb conn_count)" $MAX
if new_tcp_ok; then fail "a new TCP connection got through a table of confirmed entries"; fi
[ "$(full_drops)" -gt $((drops0 + 1)) ] || fail "TABLE_FULL did not count the real client's SYN"
log "new flows refused: TABLE_FULL $(($(full_drops) - drops0))"
expect_eq "established flow, table full" "$(conn_say 5 full)" "$first"

# 3. Room at run time.
echo $((2 * MAX)) >/sys/module/l4lb/parameters/conn_max
expect_eq "conn_max raised" "$(info_of lb conn_max)" $((2 * MAX))
new_tcp_ok || fail "no new connection after conn_max was raised"
log "new connections accepted again"
expect_eq "established flow after" "$(conn_say 5 after)" "$first"

# 4. One datagram too big for the path to the real servers, with DF: the
# PREROUTING fast path hands it back to the stack for LOCAL_IN to send the
# ICMP error, so the flow step sees it twice. The second pass is the same
# datagram and proves nothing: its entry stays unconfirmed (30 s), or a
# lone oversized datagram would hold a slot for the whole UDP timeout.
for i in 1 2; do ip -n "$prefix-lb" route add "$(rip "$i")/32" dev eth0 mtu 1000; done
nsx c python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER, IP_PMTUDISC_DO
s.bind(("", 40404))
s.sendto(b"x" * 1200, (sys.argv[1], 9))' "$VIP"
learned() { nsx c ip route get "$VIP" | grep -q "mtu 1000"; }
wait_for 20 learned
log "client learned path MTU 1000 from the LB"
big_entry() {
	adm lb -L -c -n --json |
		jq '[.. | objects | select(has("expires_ms") and .client.port == 40404)][0].expires_ms // empty'
}
ms=$(big_entry)
[ -n "$ms" ] || fail "no entry for the oversized datagram's flow"
expect_true "oversized datagram's entry unconfirmed (expires in ${ms} ms, at most 30000)" \
	[ "$ms" -le 30000 ]
