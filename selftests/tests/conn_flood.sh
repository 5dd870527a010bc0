#!/bin/bash
# Spoofed packets against the connection table (issue 20): the module
# with a small table (conn_max 256, written at run time), a DR TCP
# service, and raw TCP from c with source addresses nobody owns
# (udpflood -T/-S, one source address per flow, 172.16.0.0/12, which the
# LB routes back to c, where such packets die):
#   - 4 x conn_max bare ACKs of unknown flows make no entry: each goes on
#     to the LB's own stack (NOT_SYN_PKTS counts them, as many as its TCP
#     received and as were sent);
#   - 3 x conn_max SYNs of new flows fill the table, and each SYN past
#     it evicts one (CONN_EVICTED = SYNs - conn_max, no refusal);
#   - under a SYN flood and an ACK flood, every one of 20 new real
#     connections is served, and no spoofed ACK is ever ESTABLISHED;
#   - with mid-flow pickup on and a limit of 128 in a second LB netns,
#     an ACK flood makes that netns exactly 128 entries, none ESTABLISHED
#     (a picked-up flow is unconfirmed, SYN_RECV, until its next packet):
#     each ACK past the limit evicts one (or is refused), and the first
#     netns still takes new flows.
. "$(dirname "$0")/../lib.sh"

TCPFROM=$L4LB_DIR/selftests/tools/tcpfrom
[ -x "$TCPFROM" ] || fail "$TCPFROM missing: run make on the host"
MAX=256
LIMIT2=128
param=/sys/module/l4lb/parameters/conn_max

module_load conn_max=1000 conn_tab_bits=8
expect_eq "conn_max at load" "$(cat $param)" 1000
for bad in 0 67108865 x; do
	if echo "$bad" >"$param" 2>/dev/null; then fail "conn_max=$bad was taken"; fi
done
expect_eq "conn_max after bad writes" "$(cat $param)" 1000
echo $MAX >"$param"
topo_dr lo lo
expect_eq "conn_max (GET_INFO)" "$(info_of lb conn_max)" $MAX
expect_eq "netns limit by default" "$(info_of lb conn_limit)" $MAX
expect_eq "TCP pickup by default" "$(info_of lb tcp_pickup)" 0
for i in 1 2; do chat_server "rs$i" 7000 "rs$i"; done
adm lb -A -t "$VIP:7000" -s rr
for i in 1 2; do adm lb -a -t "$VIP:7000" -r "$(rip "$i")"; done
# The LB's answers to spoofed sources go to c, which drops them.
ip -n "$prefix-lb" route add 172.16.0.0/12 via 10.0.0.1

wait_for 20 neighbour_known c "$VIP"
mac=$(nsx c ip neigh show "$VIP" dev eth0 | awk '$2 == "lladdr" { print $3; exit }')

# raw DST SRC COUNT UDPFLOOD-ARGS...: COUNT TCP segments to DST:7000, each
# from its own source address from SRC on; prints how many were sent.
raw() {
	local dst=$1 src=$2 n=$3 out
	shift 3
	out=$(nsx c "$UDPFLOOD" -i eth0 -m "$mac" -s "$src" -d "$dst" -p 7000 \
		-P 1 -n "$n" -c "$n" "$@") || fail "udpflood: $out"
	awk '$1 == "sent" { print $2 }' <<<"$out"
}

# served ADDR N: how many of N fresh connections to ADDR:7000, one after
# the other, got their line back within 5 s each (one tcpfrom for all).
served() {
	local t=$((5 * ${L4LB_WAIT_SCALE:-1})) i from=()
	for ((i = 0; i < $2; i++)); do from+=("$(lan 1)"); done
	nsx c "$TCPFROM" -t "$t" -w "$t" -s new "$1" 7000 "${from[@]}" |
		awk '$2 == "new" { n++ } END { print n + 0 }'
}

# spoofed_established NS: entries ESTABLISHED for a client other than c.
spoofed_established() {
	adm "$1" -L -c -n | awk '$3 == "ESTABLISHED" && $4 !~ /^10\.0\.0\.1:/ { n++ } END { print n + 0 }'
}
in_state() { adm "$1" -L -c -n | awk -v s="$2" '$3 == s { n++ } END { print n + 0 }'; }
svc_conns() { adm "$1" -L -n --json | jq ".services[0].stats.conns"; }

# 1. Bare ACKs of unknown flows: not a flow, so not ours.
acks=$((4 * MAX))
segs0=$(mib lb Tcp InSegs)
sent=$(raw "$VIP" 172.16.0.1 $acks -T 0x10)
expect_eq "ACKs sent" "$sent" $acks
# (Their way through the LB may end after udpflood does.)
at_least() { [ "$("${@:2}")" -ge "$1" ]; }
wait_for 10 at_least $acks info_of lb not_syn_pkts
expect_eq "entries after $acks spoofed ACKs" "$(info_of lb conn_count)" 0
expect_eq "connections scheduled" "$(svc_conns lb)" 0
expect_eq "ACKs passed to the local stack (NOT_SYN_PKTS)" "$(info_of lb not_syn_pkts)" $acks
expect_eq "TCP segments the LB's stack received" "$(($(mib lb Tcp InSegs) - segs0))" $acks
expect_eq "entries listed" "$(adm lb -L -c -n | awk '$1 == "TCP" { n++ } END { print n + 0 }')" 0

# 2. SYNs of new flows: the table fills, then each evicts an unconfirmed
# entry; none is refused (64 buckets of a full table always hold one).
syns=$((3 * MAX))
sent=$(raw "$VIP" 172.20.0.1 $syns -S)
expect_eq "SYNs sent" "$sent" $syns
wait_for 10 at_least $syns svc_conns lb
expect_eq "connections scheduled" "$(svc_conns lb)" $syns
expect_eq "entries after $syns spoofed SYNs" "$(info_of lb conn_count)" $MAX
expect_eq "SYN_RECV entries" "$(in_state lb SYN_RECV)" $MAX
expect_eq "evicted (CONN_EVICTED)" "$(info_of lb conn_evicted)" $((syns - MAX))
expect_eq "refused (TABLE_FULL)" "$(info_of lb drop_table_full)" 0

# 3. Real clients under both floods at once.
flood c "$VIP" 7000 -S -s 172.24.0.1 -P 1 -n 65536 -r 1000
syn_pps=$flood_pps syn_pid=$flood_pid
flood c "$VIP" 7000 -T 0x10 -s 172.28.0.1 -P 1 -n 65536 -r 1000
evicted0=$(info_of lb conn_evicted)
tries=20
ok=0
for ((round = 0; round < 4; round++)); do
	ok=$((ok + $(served "$VIP" $((tries / 4)))))
	n=$(info_of lb conn_count)
	[ "$n" -le $MAX ] || fail "$n entries, past conn_max $MAX"
	expect_eq "spoofed ESTABLISHED entries (round $round)" "$(spoofed_established lb)" 0
done
flood_stop
flood_pid=$syn_pid
flood_stop
evicted=$(($(info_of lb conn_evicted) - evicted0))
log "under a ${syn_pps} pps SYN flood and an ACK flood: $ok of $tries connections served, $(info_of lb conn_count) entries, $evicted evicted meanwhile, $(info_of lb drop_table_full) refused, $(info_of lb not_syn_pkts) ACKs passed"
expect_eq "connections served under the floods" "$ok" $tries
[ "$evicted" -gt 0 ] || fail "the SYN flood evicted nothing"

# 4. One netns at its limit does not keep another's new flows out. lb2
# (VIP2) picks up flows mid-way and holds at most LIMIT2 entries; the
# spoofed ACKs make it LIMIT2 unconfirmed ones, which the next evict.
no_syn_recv() { [ "$(in_state lb SYN_RECV)" = 0 ]; }
wait_for 90 no_syn_recv
left=$(info_of lb conn_count)
log "the flood's entries expired; $left closing entries of real clients left"
VIP2=10.0.0.101
ns_add lb2
plug sw lb2 10.0.0.3/24
ip -n "$prefix-lb2" addr add "$VIP2/24" dev eth0
ip -n "$prefix-lb2" route add 172.16.0.0/12 via 10.0.0.1
accept_vip_lo rs1 "$VIP2"
adm lb2 -A -t "$VIP2:7000"
adm lb2 -a -t "$VIP2:7000" -r "$(rip 1)"
adm lb2 --config conn-limit $LIMIT2 tcp-pickup on
expect_eq "lb2 limit" "$(info_of lb2 conn_limit)" $LIMIT2
expect_eq "lb2 TCP pickup" "$(info_of lb2 tcp_pickup)" 1
expect_eq "lb limit" "$(info_of lb conn_limit)" $MAX
expect_eq "lb TCP pickup" "$(info_of lb tcp_pickup)" 0
wait_for 20 neighbour_known c "$VIP2"
mac=$(nsx c ip neigh show "$VIP2" dev eth0 | awk '$2 == "lladdr" { print $3; exit }')
sent=$(raw "$VIP2" 172.16.0.1 $acks -T 0x10)
expect_eq "ACKs sent to lb2" "$sent" $acks
past_limit() { echo $(($(info_of lb2 drop_table_full) + $(info_of lb2 conn_evicted))); }
wait_for 10 at_least $((acks - LIMIT2)) past_limit
expect_eq "lb2 entries" "$(info_of lb2 conn_count)" $LIMIT2
expect_eq "lb2 SYN_RECV entries" "$(in_state lb2 SYN_RECV)" $LIMIT2
expect_eq "lb2 ESTABLISHED entries" "$(in_state lb2 ESTABLISHED)" 0
expect_eq "lb2 ACKs past the limit: evicted + refused" "$(past_limit)" $((acks - LIMIT2))
log "lb2: $(info_of lb2 conn_evicted) evicted, $(info_of lb2 drop_table_full) refused"
# lb's new flows: neither refused nor making room (the table has some).
burst=64
conns0=$(svc_conns lb) refused0=$(info_of lb drop_table_full)
evicted0=$(info_of lb conn_evicted)
mac=$(nsx c ip neigh show "$VIP" dev eth0 | awk '$2 == "lladdr" { print $3; exit }')
sent=$(raw "$VIP" 172.20.0.1 $burst -S)
expect_eq "SYNs sent to lb" "$sent" $burst
wait_for 10 at_least $((conns0 + burst)) svc_conns lb
expect_eq "lb connections scheduled" "$(($(svc_conns lb) - conns0))" $burst
expect_eq "lb refused" "$(($(info_of lb drop_table_full) - refused0))" 0
expect_eq "lb evicted" "$(($(info_of lb conn_evicted) - evicted0))" 0
expect_eq "lb connections served" "$(served "$VIP" 3)" 3
# lb2's entries go with its netns (a count left behind WARNs: a splat).
ip netns del "$prefix-lb2"
log "lb2 deleted with its $LIMIT2 entries"
