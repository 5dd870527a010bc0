#!/bin/bash
# The fast path (kmod/hooks.c): a client's packet to a service leaves from
# PREROUTING when nothing that runs on the way to LOCAL_IN would act on it,
# and takes the LOCAL_IN path otherwise, with the outcome IPVS users know.
# families: 4 6
#
#   c 10.0.0.1 --+
#   lb 10.0.0.2 -+- br0 -- rs1 10.0.0.11, rs2 10.0.0.12 (VIP on lo)
#   VIP 10.0.0.100 on lb; DR UDP service VIP:9, rr over rs1 and rs2
#   c eth1 10.9.0.1 -- lb eth1 10.9.0.2 (a second way in, no route to c)
#   (IPv6: c 2001:db8::1, lb 2001:db8::2, VIP 2001:db8::100, rsN
#   2001:db8::1N; no eth1: it serves only the IPv4 reverse-path cases)
#
# Each case sends N packets (udpflood, to the LB's MAC) and checks where
# they went and the fast-path counter of GET_INFO:
#   - plain: all N delivered, all N fast; then -Z zeroes the counter;
#   - fast_path=0 (module parameter, at run time): delivered, none fast;
#   - IPv4 only (IPv6 has no rp_filter): the reverse-path filter
#     (rp_filter) on the LB, which only the input
#     route can apply: it sees each flow's first packet from a device in
#     a filter mode (the flow is stamped with both and the routes'
#     generation), the rest are fast:
#       - rp_filter=1: delivered, all but each flow's first packet fast
#         (the flows went through the input route without a filter, with
#         fast_path=0 above); sent again: all fast;
#       - with src_valid_mark=1 (the filter's lookup takes each packet's
#         mark): delivered, none fast;
#       - one flow of datagrams with TOS 0x10 (routes may be chosen by
#         it): delivered, none fast;
#       - the same flows sent in by eth1, where strict filtering drops them
#         (the stamp is for eth0): none delivered or fast, all counted by
#         the filter;
#       - rp_filter=2 (loose), by eth1: delivered, each flow's first packet
#         not fast; by eth0 again, the same; rp_filter=1 again, the same;
#       - rp_filter=1 and a route to c by eth1 (the stamps of eth0 went
#         stale with the routes): none delivered or fast, all dropped by
#         the filter; the route gone: delivered, each first packet slow;
#       - rp_filter=256 (loose, as any value but 0 and 1) and a source
#         the LB has no route to: none delivered or fast, all dropped by
#         the filter;
#   - TTL 1 (IPv6: hop limit 1): none delivered, none fast; the LB sends
#     ICMP time exceeded (it needs the input route: the fast path hands it
#     to LOCAL_IN);
#   - the VIP not a local address (the client still sends to the LB's
#     MAC): none delivered, none fast; the stack drops them as it always
#     did (ip_forward is 0; IPv6: forwarding 0, counted the same);
#   - IPv4 only (IPv6's input route has no martian source check to keep):
#     the client's address made local on the LB: none delivered, none
#     fast, the input route drops them as martians: both for the flows
#     that exist (their stamp of the routes' generation went stale, so
#     the fast path checks their addresses again) and for new ones; after
#     the address goes, delivered and fast again;
#   - a policy routing rule: delivered, none fast;
#   - an iptables INPUT rule dropping the client: none delivered, none fast,
#     all N counted by the rule: the firewall still applies. Last, because
#     the filter table stays in the namespace once made.
# A case that expects nothing delivered first waits for the packets to be
# seen elsewhere (a counter of the stack or the rule), so the check cannot
# pass before they arrive.
. "$(dirname "$0")/../lib.sh"

N=200
src=$(lan 1)	# send's source
topo_dr lo lo
[ "$FAMILY" = 6 ] || link_pair c eth1 10.9.0.1/24 lb eth1 10.9.0.2/24
ip_forward lb 0
for i in 1 2; do sink_udp "rs$i" 9; done
adm lb -A -u "$(svc_addr "$VIP" 9)" -s rr
for i in 1 2; do adm lb -a -u "$(svc_addr "$VIP" 9)" -r "$(svc_addr "$(rip "$i")")" -g; done
wait_for 20 neighbour_known c "$(lan 2)"
lbmac=$(nsx c ip neigh show "$(lan 2)" dev eth0 | awk '$2 == "lladdr" { print $3; exit }')
[ "$FAMILY" = 6 ] || lbmac1=$(nsx lb cat /sys/class/net/eth1/address)
param=/sys/module/l4lb/parameters/fast_path

fast() { adm lb -L --info --json | jq .info.fast_path_pkts; }
delivered() { sunk rs1 rs2; }
at_least() { [ "$("$1")" -ge "$2" ]; }
FLOWS=16
send() { # [SRC]: N packets to VIP:9 from FLOWS flows, in by $via (eth0)
	local mac=$lbmac
	[ "${via:-eth0}" = eth0 ] || mac=$lbmac1
	nsx c "$UDPFLOOD" -i "${via:-eth0}" -m "$mac" -s "${1:-$src}" -d "$VIP" \
		-p 9 -n "$FLOWS" -c "$N" >/dev/null
}

# delivered_case NAME WANT_FAST: N sent, N delivered, fast grows by
# WANT_FAST.
delivered_case() {
	local d0 f0 want=$2
	d0=$(delivered) f0=$(fast)
	send
	wait_for 20 at_least delivered $((d0 + N))
	expect_eq "$1: delivered" $(($(delivered) - d0)) "$N"
	expect_eq "$1: fast path" $(($(fast) - f0)) "$want"
}

# blocked_case NAME COUNTER...: N sent, seen by COUNTER (a command printing
# a number), none delivered, none fast.
blocked_case() {
	local name=$1 d0 f0 c0
	shift
	d0=$(delivered) f0=$(fast) c0=$("$@")
	send
	wait_for 20 eval "[ \"\$($*)\" -ge $((c0 + N)) ]"
	expect_eq "$name: delivered" $(($(delivered) - d0)) 0
	expect_eq "$name: fast path" $(($(fast) - f0)) 0
}

expect_eq "fast_path parameter" "$(cat $param)" Y
delivered_case plain "$N"
# -Z zeroes it with the other counters (it was N, not 0, just before).
adm lb -Z
expect_eq "fast path after -Z" "$(fast)" 0

echo 0 >$param
delivered_case "fast_path=0" 0
echo 1 >$param
delivered_case "fast_path=1 again" "$N"

# stamping_case NAME: N sent, N delivered; each flow's first packet takes
# the input route, which checks it and stamps the flow; the others are fast.
stamping_case() {
	local d0 f0 got
	d0=$(delivered) f0=$(fast)
	send
	wait_for 20 at_least delivered $((d0 + N))
	expect_eq "$1: delivered" $(($(delivered) - d0)) "$N"
	got=$(($(fast) - f0))
	# Two CPUs may each take a flow's first packets slow.
	[ "$got" -lt "$N" ] && [ "$got" -ge $((N - 2 * FLOWS)) ] ||
		fail "$1: $got of $N fast, want all but each flow's first"
	log "$1: $got of $N fast"
}
rpf_drops() { mib lb TcpExt IPReversePathFilter; }

# IPv4 only, up to TTL 1: IPv6 has no rp_filter (its reverse-path check is
# the netfilter rpfilter match, which takes any packet off the fast path as
# every rule does: the INPUT rule case below covers that) and no routes by
# TOS.
if [ "$FAMILY" = 4 ]; then
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=1
stamping_case "rp_filter=1"
delivered_case "rp_filter=1, flows stamped" "$N"
nsx lb sysctl -qw net.ipv4.conf.all.src_valid_mark=1
delivered_case "rp_filter=1, src_valid_mark=1" 0
nsx lb sysctl -qw net.ipv4.conf.all.src_valid_mark=0
d0=$(delivered) f0=$(fast)
for i in 1 2 3; do
	nsx c socat -u - "UDP-SENDTO:$VIP:9,sourceport=40000,ip-tos=0x10" <<<tos
done
wait_for 20 at_least delivered $((d0 + 3))
expect_eq "rp_filter=1, TOS 0x10: fast path" $(($(fast) - f0)) 0
via=eth1 blocked_case "rp_filter=1, in by eth1" rpf_drops
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=2
via=eth1 stamping_case "rp_filter=2, in by eth1"
stamping_case "rp_filter=2, by eth0 again"
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=1
stamping_case "rp_filter=1 after 2"
ip -n "$prefix-lb" route add 10.0.0.1/32 dev eth1
blocked_case "rp_filter=1, the route to c by eth1" rpf_drops
ip -n "$prefix-lb" route del 10.0.0.1/32 dev eth1
stamping_case "rp_filter=1, the route back"
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=256
src=192.0.2.1 blocked_case "rp_filter=256, a source with no route" rpf_drops
nsx lb sysctl -qw net.ipv4.conf.all.rp_filter=0
delivered_case "rp_filter=0" "$N"
fi

# TTL 1: one datagram from socat; the LB answers with time exceeded.
if [ "$FAMILY" = 6 ]; then
	to="UDP6-SENDTO:[$VIP]:9,ipv6-unicast-hops=1"
else
	to="UDP-SENDTO:$VIP:9,ttl=1"
fi
d0=$(delivered) f0=$(fast) t0=$(mib lb "$ICMP" OutTimeExcds)
nsx c socat -u - "$to" <<<ttl
wait_for 20 eval '[ "$(mib lb "$ICMP" OutTimeExcds)" -gt "$t0" ]'
expect_eq "TTL 1: delivered" $(($(delivered) - d0)) 0
expect_eq "TTL 1: fast path" $(($(fast) - f0)) 0
log "TTL 1: ICMP time exceeded sent by the LB"

ip -n "$prefix-lb" addr del "$VIP/$PLEN" dev eth0
blocked_case "VIP not local" mib lb "$IPMIB" InAddrErrors
addr_add lb eth0 "$VIP/$PLEN"
delivered_case "VIP local again" "$N"

# Counted where they arrive: an iptables rule in raw PREROUTING, which runs
# before l4lb's hook and does not keep packets off the fast path.
ipt lb -t raw -A PREROUTING -d "$VIP" -p udp --dport 9
arrived() { ipt lb -t raw -L PREROUTING -v -x -n | awk 'NR == 3 { print $1 }'; }
if [ "$FAMILY" = 4 ]; then
ip -n "$prefix-lb" addr add 10.0.0.1/32 dev lo
blocked_case "client address local, existing flows" arrived
ip -n "$prefix-lb" addr add 10.0.0.4/32 dev lo
src=10.0.0.4 blocked_case "client address local, new flows" arrived
ip -n "$prefix-lb" addr del 10.0.0.4/32 dev lo
ip -n "$prefix-lb" addr del 10.0.0.1/32 dev lo
delivered_case "client address not local again" "$N"
fi

# A policy rule (here one that changes no answer): the input route may
# answer by marks, sources and more. The kernel counts custom rules for the
# namespace's life, so this comes after every case that wants fast packets.
ip -n "$prefix-lb" -"$FAMILY" rule add from "$(lan 1)" lookup 100 pref 100
delivered_case "policy rule" 0

ipt lb -A INPUT -s "$(lan 1)" -p udp --dport 9 -j DROP
rule_hits() { ipt lb -L INPUT -v -x -n | awk '$3 == "DROP" { print $1; exit }'; }
blocked_case "INPUT DROP rule" rule_hits
# Another source: the rule lets it through, by the LOCAL_IN path.
d0=$(delivered) f0=$(fast)
send "$(lan 3)"
wait_for 20 at_least delivered $((d0 + N))
expect_eq "INPUT filter present, other source: fast path" $(($(fast) - f0)) 0
