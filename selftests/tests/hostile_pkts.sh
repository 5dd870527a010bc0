#!/bin/bash
# Crafted packets from the network that are not l4lb's to take (sent with
# selftests/tools/ipsend; IPv6's with socat). Topology: topo_nat 1 (lib.sh):
# families: 4 6
#
#   c 198.51.100.1 -- out -- lb (VIP 198.51.100.100) -- in -- rs1 10.0.0.11
#   (IPv6: c 2001:db8:100::1, VIP 2001:db8:100::100, rs1 2001:db8::11)
#
# A UDP service VIP:53 -> rs1:5353 (NAT); rs1 counts (and drops) at its
# ingress the UDP packets from c.
#   - IPv4 only: IP options: a loose-source-routed datagram to the service, which the
#     LB's stack refuses (accept_source_route=0), followed by a plain one.
#     Only the plain one reaches rs1: the PREROUTING fast path, which skips
#     the input route's option checks, must leave the first to the stack.
#     Both are sent from CPU 0, so they reach rs1's counter in order:
#     once the plain one is counted, the other has been dealt with.
#   - ICMP errors to the VIP whose quote l4lb cannot read (a truncated
#     quoted header, a quoted header that is not IPv4; IPv6: ICMPv6 port
#     unreachables, the quote cut inside the IPv6 header, or a whole quote
#     whose header says version 4): not l4lb's. The LB's stack receives
#     both (its Icmp InDestUnreachs, Icmp6InDestUnreachs, counts them),
#     and l4lb counts no malformed packet.
#   - IPv6 only: neighbour discovery for the VIP, which is ICMPv6 to the
#     address of a service, is the LB's stack's: a solicitation from c is
#     answered by the LB (c learns its MAC) and l4lb counts nothing.
. "$(dirname "$0")/../lib.sh"

IPSEND=$L4LB_DIR/selftests/tools/ipsend
[ -x "$IPSEND" ] || fail "$IPSEND missing: run make on the host"

topo_nat 1
VIP=$NAT_VIP
adm lb -A -u "$(svc_addr "$VIP" 53)" -s rr
adm lb -a -u "$(svc_addr "$VIP" 53)" -r "$(svc_addr "$(rip 1)" 5353)" -m
fast_clients() { adm lb -L --info --json | jq .info.fast_path_pkts; }

if [ "$FAMILY" = 6 ]; then
	# ICMPv6 destination unreachable (type 1), port unreachable (code 4),
	# sent from a raw socket (the kernel fills in an ICMPv6 checksum).
	send6() { printf '%s' "$2" | xxd -r -p | nsx c socat -u - "IP6-SENDTO:[$1]:58"; }
	wait_for 20 neighbour_known c "$VIP"
	icmp=0104000000000000
	# The quote cut inside the IPv6 header (8 of its 40 bytes).
	truncated=${icmp}6000000000081140
	# A whole quote, c -> VIP, UDP 40001 -> 53, whose header says version 4.
	c6=20010db8010000000000000000000001 vip6=20010db8010000000000000000000100
	v4=${icmp}4000000000081140${c6}${vip6}9c41003500080000
	m0=$(info_of lb drop_malformed) u0=$(mib lb Icmp6 InDestUnreachs)
	send6 "$VIP" "$truncated"
	send6 "$VIP" "$v4"
	seen6() {
		[ $(($(info_of lb drop_malformed) - m0 + $(mib lb Icmp6 InDestUnreachs) - u0)) -ge 2 ]
	}
	wait_for 20 seen6
	expect_eq "ICMPv6 errors with unreadable quotes received by the LB's stack" \
		$(($(mib lb Icmp6 InDestUnreachs) - u0)) 2
	expect_eq "malformed drops counted by l4lb" $(($(info_of lb drop_malformed) - m0)) 0

	# Neighbour discovery for the VIP: c forgets the LB's MAC and asks again.
	ns0=$(mib lb Icmp6 InNeighborSolicits) na0=$(mib lb Icmp6 OutNeighborAdvertisements)
	m0=$(info_of lb drop_malformed)
	nsx c ip neigh flush dev eth0
	wait_for 20 neighbour_known c "$VIP"
	expect_eq "c's link-layer address for the VIP" \
		"$(nsx c ip neigh show "$VIP" dev eth0 | awk '$2 == "lladdr" { print $3 }')" \
		"$(nsx lb cat /sys/class/net/eth0/address)"
	solicited() {
		[ "$(mib lb Icmp6 InNeighborSolicits)" -gt "$ns0" ] &&
			[ "$(mib lb Icmp6 OutNeighborAdvertisements)" -gt "$na0" ]
	}
	expect_true "the LB's stack took a solicitation and advertised" solicited
	expect_eq "malformed drops counted by l4lb after NDP" $(($(info_of lb drop_malformed) - m0)) 0
	exit 0
fi

nsx lb sysctl -qw net.ipv4.conf.all.accept_source_route=0 \
	net.ipv4.conf.eth0.accept_source_route=0
nsx rs1 tc qdisc add dev eth0 clsact
nsx rs1 tc filter add dev eth0 ingress protocol ip u32 \
	match ip protocol 17 0xff match ip src 198.51.100.1/32 action drop
send() { nsx c taskset -c 0 "$IPSEND" "$@"; }

# IP options.
wait_for 20 neighbour_known c "$VIP"
n0=$(sunk rs1) fast0=$(fast_clients)
send udp -s 40001 -L "$VIP" "$VIP" 53 lsrr
send udp -s 40002 "$VIP" 53 plain
wait_for 20 eval '[ "$(sunk rs1)" -gt "$n0" ]'
expect_eq "UDP packets from c at rs1 (one source-routed, one plain sent)" \
	$(($(sunk rs1) - n0)) 1
log "client packets sent on from PREROUTING: $fast0 -> $(fast_clients)"

# ICMP port unreachable, its quote cut inside the IP header (8 bytes).
truncated=0303000000000000450000230000
# The same with a whole quote whose header says version 6.
v6=0303000000000000650000230000400040110000c6336401c6336464a4b10035000fd000
m0=$(info_of lb drop_malformed) u0=$(mib lb Icmp InDestUnreachs)
send icmp "$VIP" "$truncated"
send icmp "$VIP" "$v6"
seen() {
	[ $(($(info_of lb drop_malformed) - m0 + $(mib lb Icmp InDestUnreachs) - u0)) -ge 2 ]
}
wait_for 20 seen
expect_eq "ICMP errors with unreadable quotes received by the LB's stack" \
	$(($(mib lb Icmp InDestUnreachs) - u0)) 2
expect_eq "malformed drops counted by l4lb" $(($(info_of lb drop_malformed) - m0)) 0
