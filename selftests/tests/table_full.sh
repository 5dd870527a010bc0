#!/bin/bash
# Table full (issue 7): the module loaded with conn_max=200, a UDP flood
# from 4,096 source ports (many more flows than entries) at a DR VIP:
#   - the connection count reaches the limit and never passes it;
#   - new flows are dropped and counted (TABLE_FULL in GET_INFO): a new
#     TCP connection cannot get through;
#   - a TCP connection established before the flood keeps working;
#   - when the flood stops, its entries expire (UDP timeout set to 2 s, or
#     longer for a guest too slow to fill the table in 2 s) and
#     new connections are accepted again.
# l4lbadm shows neither the connection count nor the drop counters, so
# GET_INFO is read with selftests/fuzz/l4lbinfo.
. "$(dirname "$0")/../lib.sh"

MAX=200
module_load conn_max=$MAX
topo_dr lo lo
expect_eq "conn_max" "$(info_of lb conn_max)" $MAX
for i in 1 2; do chat_server "rs$i" 7000 "rs$i"; done
adm lb --set 900 120 2
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

# new_tcp_ok: a fresh TCP connection through the VIP gets an answer in 3 s
# (times wait_for's L4LB_WAIT_SCALE).
new_tcp_ok() {
	local t=$((3 * ${L4LB_WAIT_SCALE:-1}))
	nsx c timeout "$t" bash -c "exec 3<>/dev/tcp/$VIP/7000 && echo new >&3 && read -r -t $((t - 1)) a b <&3 && [ \"\$b\" = new ]"
}

full_drops() { info_of lb drop_table_full; }
table_full() { [ "$(info_of lb conn_count)" -eq $MAX ] && [ "$(full_drops)" -gt 1000 ]; }

flood c "$VIP" 9 -n 4096 -r 3000
# The table stays full while new flows come much faster than entries
# expire (MAX entries a UDP timeout): at 3000 pps and 2 s, 30 new flows
# for each slot that frees, so a slot is free about 1/30 of the time and
# a new TCP connection has little chance to slip in. A guest too slow for
# 3000 pps (see flood) gets a UDP timeout long enough to keep that ratio.
udp_timeout=$(((30 * MAX + flood_pps - 1) / flood_pps))
[ "$udp_timeout" -ge 2 ] || udp_timeout=2
adm lb --set 900 120 "$udp_timeout"
log "UDP timeout ${udp_timeout}s"
# (1000 drops take 1000 / flood_pps seconds.)
wait_for $((60 + 1000 / flood_pps)) table_full
peak=0
for ((i = 0; i < 10; i++)); do
	n=$(info_of lb conn_count)
	[ "$n" -le $MAX ] || fail "connection count $n past conn_max $MAX"
	[ "$n" -le "$peak" ] || peak=$n
	sleep 0.2
done
expect_eq "connections under the flood (highest of 10 samples)" "$peak" $MAX
drops=$(full_drops)
if new_tcp_ok; then fail "a new TCP connection got through a full table"; fi
[ "$(full_drops)" -gt "$drops" ] || fail "TABLE_FULL did not count the refused flow"
log "new flows dropped: TABLE_FULL $(full_drops)"
expect_eq "established flow during the flood" "$(conn_say 5 during)" "$first"

flood_stop
only_tcp_left() { [ "$(info_of lb conn_count)" -le 1 ]; }
wait_for $((30 + udp_timeout)) only_tcp_left
log "flood over: $(info_of lb conn_count) connection(s) left"
new_tcp_ok || fail "no new connection after the table emptied"
log "new connections accepted again"
expect_eq "established flow after the flood" "$(conn_say 5 after)" "$first"
