#!/bin/bash
# The NAT reply fast path (kmod/hooks.c, l4lb_reply_early()): a real
# server's packet to a client leaves from PREROUTING on the route its
# flow's earlier replies took, and goes the stack's way (input route,
# ip_forward(), FORWARD) whenever that way would do something else.
# Topology (topo_nat in lib.sh):
# families: 4 6
#
#   c 198.51.100.1 -- out -- lb (VIP 198.51.100.100) -- in -- rs1 10.0.0.11
#   (IPv6: c 2001:db8:100::1, VIP 2001:db8:100::100, rs1 2001:db8::11)
#
# IPv6 has no reply fast path yet (kmod/hooks6.c): its run checks the same
# cases with none fast, every reply by FORWARD.
#
# One long-lived connection (conn_open) to a chat server on rs1; each word
# said draws an answer from rs1, a reply through the LB. Cases:
#   - plain: answered, and the fast-path reply counter of GET_INFO grows;
#   - fast_path=0: answered, no reply fast;
#   - the route to the client made unreachable on the LB: the answer does
#     not pass (the LB sends host unreachable to rs1; the cached route
#     went stale with the FIB), none fast; once the route is back, rs1's
#     retransmission arrives, and the next word's answer is fast again;
#   - rs1 sends with TTL 1 (IPv6: hop limit 1): the LB sends time
#     exceeded, nothing passes, none fast; with TTL 64 again the
#     retransmission arrives;
#   - IPv4 only (IPv6 has no reverse-path filter sysctl, nor routes by
#     TOS): rp_filter=1 on the LB: answered, replies fast (the route back to
#     rs1 leaves by the device they came in on), and the client's packets
#     too once the input route has stamped their flow;
#   - rp_filter=1, a second connection to a chat server on rs1 that
#     answers with TOS 0x10: answered, none fast (the filter's lookup would
#     take the TOS into account, and the dest's route was not looked up
#     for it); once the LB routes rs1 for that TOS by the client's side,
#     the filter drops the answers (counted), none fast; with that route
#     gone, the retransmission arrives; on the first connection, the
#     answer after the next is fast;
#   - a route to the client with MTU 1000 (IPv6: 1280) on the LB: a 100 kB
#     download of full-size segments draws frag-needed (IPv6: Packet Too
#     Big) from the LB (the fast path leaves those to ip_forward()), and
#     arrives whole once rs1 lowers its path MTU, partly by the fast path;
#   - an iptables FORWARD rule: it counts the answers, none fast. Last,
#     because the filter table stays in the namespace once made.
. "$(dirname "$0")/../lib.sh"

topo_nat 1
VIP=$NAT_VIP
client=$(wan 1)
chat_server rs1 8083 rs1
adm lb -A -t "$(svc_addr "$VIP" 83)" -s rr
adm lb -a -t "$(svc_addr "$VIP" 83)" -r "$(svc_addr "$(rip 1)" 8083)" -m
param=/sys/module/l4lb/parameters/fast_path

fast_replies() { adm lb -L --info --json | jq .info.fast_path_reply_pkts; }
fast_clients() { adm lb -L --info --json | jq .info.fast_path_pkts; }
# On connection $fd (5 unless set).
answered() { grep -q "^rs1 $1\$" "/tmp/conn-${fd:-5}.out"; }

conn_open 5 c "$VIP" 83
expect_eq "first answer" "$(conn_say 5 hello)" rs1

# answered_case NAME WORD FAST: WORD is answered; with FAST=yes at least
# one reply took the fast path, with FAST=no none did.
# IPv6 has no fast path yet (kmod/hooks6.c: every real server's packet
# takes FORWARD, which is always right): there every case wants none fast,
# and the route-change cases check that the answers pass or not as the
# stack decides.
answered_case() {
	local f0
	f0=$(fast_replies)
	expect_eq "$1: answered by" "$(conn_say "${fd:-5}" "$2")" rs1
	if [ "$3" = yes ] && [ "$FAMILY" = 4 ]; then
		[ "$(fast_replies)" -gt "$f0" ] || fail "$1: no reply took the fast path"
		log "$1: fast replies $f0 -> $(fast_replies)"
	else
		expect_eq "$1: fast replies" $(($(fast_replies) - f0)) 0
	fi
}

answered_case plain w1 yes
answered_case "plain again" w2 yes

echo 0 >$param
answered_case "fast_path=0" w3 no
echo 1 >$param
answered_case "fast_path=1 again" w4 yes

# blocked_case NAME WORD PROTO FIELD: WORD is said; the LB counts the
# answer's refusal in its PROTO FIELD counter, the client does not get
# it, and it was not fast. The caller then lifts the block.
blocked_case() {
	local f0 c0
	f0=$(fast_replies) c0=$(mib lb "$3" "$4")
	echo "$2" >&"${fd:-5}"
	wait_for 20 eval "[ \"\$(mib lb $3 $4)\" -gt $c0 ]"
	answered "$2" && fail "$1: the answer passed the LB"
	expect_eq "$1: fast replies" $(($(fast_replies) - f0)) 0
}

ip -n "$prefix-lb" route add unreachable "$client/$HLEN"
blocked_case "route to the client unreachable" w5 "$ICMP" OutDestUnreachs
ip -n "$prefix-lb" route del unreachable "$client/$HLEN"
wait_for 20 answered w5
log "route back: rs1's retransmission arrived"
answered_case "route back, next word" w6 yes

# default_ttl NS TTL: the hop limit NS's sockets send with.
default_ttl() {
	if [ "$FAMILY" = 6 ]; then
		nsx "$1" sysctl -qw net.ipv6.conf.all.hop_limit="$2" net.ipv6.conf.eth0.hop_limit="$2"
	else
		nsx "$1" sysctl -qw net.ipv4.ip_default_ttl="$2"
	fi
}
default_ttl rs1 1
blocked_case "TTL 1 from rs1" w7 "$ICMP" OutTimeExcds
default_ttl rs1 64
wait_for 20 answered w7
answered_case "TTL 64 again, next word" w8 yes

# IPv4 only, up to the MTU case: IPv6 has no rp_filter (its reverse-path
# check is the netfilter rpfilter match, a rule l4lb's fast path already
# leaves alone like any other) and no routes by TOS.
if [ "$FAMILY" = 4 ]; then
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=1
answered_case "rp_filter=1" rpf1 yes
f0=$(fast_clients)
answered_case "rp_filter=1, next word" rpf2 yes
[ "$(fast_clients)" -gt "$f0" ] ||
	fail "rp_filter=1: no client packet took the fast path"
chat_server rs1 8084 rs1 ip-tos=0x10
adm lb -A -t "$(svc_addr "$VIP" 84)" -s rr
adm lb -a -t "$(svc_addr "$VIP" 84)" -r "$(svc_addr "$(rip 1)" 8084)" -m
conn_open 6 c "$VIP" 84
fd=6 answered_case "rp_filter=1, TOS 0x10" rpf3 no
ip -n "$prefix-lb" route add "$(rip 1)/32" tos 0x10 dev eth0
fd=6 blocked_case "rp_filter=1, TOS 0x10 routed by eth0" rpf4 TcpExt IPReversePathFilter
ip -n "$prefix-lb" route del "$(rip 1)/32" tos 0x10 dev eth0
fd=6 wait_for 20 answered rpf4
log "TOS 0x10 route gone: rs1's retransmission arrived"
# The first answer after the route changes takes FORWARD, which caches
# the route again.
expect_eq "rp_filter=1, the first connection: answered by" "$(conn_say 5 rpf5)" rs1
answered_case "rp_filter=1, the first connection, next word" rpf6 yes
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=0
fi

# Path MTU towards the client: the LB's route to it drops to 1000 (1280).
# IPv4 counts frag-needed as a destination unreachable, IPv6 its Packet
# Too Big apart.
if [ "$FAMILY" = 6 ]; then ptb=OutPktTooBigs; else ptb=OutDestUnreachs; fi
head -c 100000 /dev/urandom >/tmp/big-rs1
want=$(sha256sum </tmp/big-rs1)
http_server rs1 8081 web1
adm lb -A -t "$(svc_addr "$VIP" 81)"
adm lb -a -t "$(svc_addr "$VIP" 81)" -r "$(svc_addr "$(rip 1)" 8081)" -m
ip -n "$prefix-lb" route add "$client/$HLEN" dev eth0 mtu "$SMALL_MTU"
f0=$(fast_replies) u0=$(mib lb "$ICMP" "$ptb")
nsx c curl -g -sS --max-time 60 -o /tmp/download "http://$(svc_addr "$VIP" 81)/big"
expect_eq "MTU $SMALL_MTU: sha256 of 100 kB downloaded" "$(sha256sum </tmp/download)" "$want"
[ "$(mib lb "$ICMP" "$ptb")" -gt "$u0" ] ||
	fail "MTU $SMALL_MTU: the LB sent no frag-needed to rs1"
# Counted per packet as received: a GSO aggregate of rs1 counts once.
if [ "$FAMILY" = 6 ]; then
	expect_eq "MTU $SMALL_MTU: fast replies (IPv6: no fast path yet)" $(($(fast_replies) - f0)) 0
else
	[ "$(fast_replies)" -gt "$f0" ] || fail "MTU $SMALL_MTU: no reply took the fast path"
fi
log "MTU $SMALL_MTU: frag-needed sent, $(($(fast_replies) - f0)) replies fast"
ip -n "$prefix-lb" route del "$client/$HLEN" dev eth0
rm -f /tmp/download

ipt lb -A FORWARD -s "$(rip 1)" -p tcp --sport 8083
rule_hits() { ipt lb -L FORWARD -v -x -n | awk 'NR == 3 { print $1 }'; }
h0=$(rule_hits)
answered_case "FORWARD rule" w9 no
[ "$(rule_hits)" -gt "$h0" ] || fail "FORWARD rule: it saw no answer"
log "FORWARD rule: saw $(($(rule_hits) - h0)) replies"
