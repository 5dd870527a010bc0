#!/bin/bash
# The LB's link to its real servers is deleted and made again under
# traffic (kmod/main.c's netdevice notifier, l4lb_route_forget_dev()):
# the dests' cached routes must not outlive the device, and no packet may
# vanish on a dead route while l4lb thinks it sent it. Topology: topo_nat 2
# (lib.sh); the LB's eth1 is its link to the "in" segment:
#
#   c 198.51.100.1 -- out -- lb (VIP 198.51.100.100) eth1 -- in -- rs1, rs2
#
# Services: UDP VIP:53 -> rs1:5353 (NAT) for a flood, which rs1 receives
# on no socket (counted: Udp NoPorts); UDP VIP:55 -> rs1:5355 (NAT, a
# cached route) and VIP:54 -> rs2:54 (DR, an uncached route of its own)
# for bursts of 100 packets, which rs1 and rs2 count and drop at their
# ingress (sink_udp).
#   - the flood reaches rs1; eth1 is deleted under it: the LB counts the
#     flood's packets dropped for want of a route;
#   - with eth1 gone, a burst to each of VIP:55 and VIP:54: l4lb takes all
#     200 (the dests' incoming packets), counts them dropped for want of a
#     route, and none reaches a real server;
#   - eth1 made again (a new device, the same addresses) under the flood:
#     the flood reaches rs1 again;
#   - then a burst to each: each real server gets exactly the 100 packets
#     l4lb took for it, and none is counted dropped.
. "$(dirname "$0")/../lib.sh"

[ -x "$UDPFLOOD" ] || fail "$UDPFLOOD missing: run make on the host"
topo_nat 2
VIP=$NAT_VIP
adm lb -A -u "$VIP:53" -s rr
adm lb -a -u "$VIP:53" -r "$(rip 1):5353" -m
adm lb -A -u "$VIP:55" -s rr
adm lb -a -u "$VIP:55" -r "$(rip 1):5355" -m
adm lb -A -u "$VIP:54" -s rr
adm lb -a -u "$VIP:54" -r "$(rip 2):54" -g
sink_udp rs1 5355
sink_udp rs2 54

no_route() { adm lb -L --info --json | jq .info.drops.no_route; }
flood_at_rs1() { mib rs1 Udp NoPorts; }
# taken PORT: the packets l4lb took for the dest of service VIP:PORT.
taken() {
	adm lb -L --json |
		jq ".services[] | select(.port == $1) | .destinations[0].stats.pkts_in"
}
# burst PORT: 100 packets from c to VIP:PORT, 10 flows.
wait_for 20 neighbour_known c "$VIP"
lbmac=$(nsx lb cat /sys/class/net/eth0/address)
burst() {
	nsx c "$UDPFLOOD" -i eth0 -m "$lbmac" -s 198.51.100.1 -d "$VIP" \
		-p "$1" -n 10 -c 100 -b 10 >/dev/null
}
grown() { [ "$($1)" -gt "$2" ]; }
# sent COUNT: both bursts' packets, COUNT each, taken by l4lb.
sent() { [ "$(taken 55)" -ge "$(($1 + t55))" ] && [ "$(taken 54)" -ge "$(($1 + t54))" ]; }
reached() { [ "$(sunk rs1)" -ge "$(($1 + s1))" ] && [ "$(sunk rs2)" -ge "$(($1 + s2))" ]; }
# burst_pair: a burst to VIP:55 and to VIP:54; the counters before them
# in n0 (no route), t55, t54 (taken), s1 s2 (sunk).
burst_pair() {
	n0=$(no_route) t55=$(taken 55) t54=$(taken 54)
	s1=$(sunk rs1) s2=$(sunk rs2)
	burst 55
	burst 54
}

flood c "$VIP" 53 -r 300
wait_for 30 grown flood_at_rs1 0
log "flood: rs1 got $(flood_at_rs1) packets"
n0=$(no_route)
ip -n "$prefix-lb" link del eth1
wait_for 30 grown no_route "$n0"
log "eth1 deleted: $(($(no_route) - n0)) packets of the flood counted dropped (no route)"
flood_stop

burst_pair
wait_for 30 sent 100
expect_eq "eth1 gone: packets l4lb took" "$(($(taken 55) - t55)) $(($(taken 54) - t54))" "100 100"
[ $(($(no_route) - n0)) -ge 200 ] ||
	fail "eth1 gone: only $(($(no_route) - n0)) packets counted dropped for want of a route, want 200 and more"
expect_eq "eth1 gone: packets that reached rs1 and rs2" \
	"$(($(sunk rs1) - s1)) $(($(sunk rs2) - s2))" "0 0"

plug in lb 10.0.0.1/24 eth1
ip -n "$prefix-lb" route add 10.0.2.0/24 via 10.0.0.254
f0=$(flood_at_rs1)
flood c "$VIP" 53 -r 300
wait_for 30 grown flood_at_rs1 "$f0"
log "eth1 made again: the flood reaches rs1 ($(($(flood_at_rs1) - f0)) packets)"
flood_stop

burst_pair
wait_for 30 sent 100
wait_for 30 reached 100
expect_eq "new eth1: packets l4lb took" "$(($(taken 55) - t55)) $(($(taken 54) - t54))" "100 100"
expect_eq "new eth1: packets that reached rs1 and rs2" \
	"$(($(sunk rs1) - s1)) $(($(sunk rs2) - s2))" "100 100"
expect_eq "new eth1: packets counted dropped for want of a route" \
	$(($(no_route) - n0)) 0
