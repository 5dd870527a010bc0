#!/bin/bash
# Teardown under traffic (issue 7), on the DR topology of topo_dr with two
# real servers, while a client floods the VIP with 64-byte UDP datagrams
# from thousands of source ports (selftests/bench/udpflood):
#   1. rmmod with a service, its dests and live connections, 20 times,
#      DR and NAT in turn (insmod and configure again in between): the
#      unload completes, the module and its slab cache are gone
#      (module_unload checks);
#   2. deleting an LB netns holding a service and live connections,
#      20 times, DR and NAT in turn (a fresh LB netns each time, same
#      addresses and MAC): then every connection entry is freed (the
#      l4lb_conn slab back to 0 objects, while the module stays loaded).
# No splat anywhere (the harness scans dmesg; panic_on_warn is set, and
# l4lb_net_exit_batch() WARNs on counts not back to 0).
. "$(dirname "$0")/../lib.sh"

ROUNDS=${ROUNDS:-20}
PORT=9
# Forwarding methods exercised, as l4lbadm options: DR, then NAT.
FWD_METHODS=(-g -m)
# Fixed, so that one flood serves every LB netns of part 2.
LBMAC=02:00:00:00:00:02

topo_dr lo lo
ip -n "$prefix-lb" link set eth0 address "$LBMAC"
# NAT: nothing listens on port 9, so the real servers answer every
# datagram with a port unreachable; routed back through the LB, those
# take NAT's reply path (the FORWARD hook's ICMP translation) under the
# unload too.
for i in 1 2; do ip -n "$prefix-rs$i" route add 10.0.0.1/32 via 10.0.0.2; done
lb_forwards() { nsx "$1" sysctl -qw net.ipv4.ip_forward=1; }
lb_forwards lb

# configure NS FWD: the UDP service on the VIP, both real servers.
configure() {
	adm "$1" -A -u "$VIP:$PORT" -s rr
	adm "$1" -a -u "$VIP:$PORT" -r "$(rip 1)" "$2"
	adm "$1" -a -u "$VIP:$PORT" -r "$(rip 2)" "$2"
}
conns_in() { info_of "$1" conn_count; }
has_conns() { [ "$(conns_in "$1")" -gt 100 ]; }

# Live l4lb_conn objects in the slab (the cache is the module's own).
# SLUB counts the objects of per-CPU slabs as in use: shrink first.
conn_objects() {
	echo 1 >/sys/kernel/slab/l4lb_conn/shrink 2>/dev/null
	awk '$1 == "l4lb_conn" { print $2; found = 1 } END { if (!found) print "none" }' /proc/slabinfo; }
no_conn_objects() { [ "$(conn_objects)" = 0 ]; }

flood c "$VIP" "$PORT" -n 4096 -r 5000
log "flooding $VIP:$PORT from 4096 source ports at 5000 packets/s"

for ((i = 1; i <= ROUNDS; i++)); do
	fwd=${FWD_METHODS[$((i % ${#FWD_METHODS[@]}))]}
	configure lb "$fwd"
	wait_for 20 has_conns lb
	n=$(conns_in lb)
	module_unload
	module_load
	log "rmmod $i ($fwd): unloaded with $n connections under traffic"
done
log "rmmod under traffic: $ROUNDS rounds, DR and NAT in turn"

# 2. A fresh LB netns per round, deleted while it holds live connections.
ip netns del "$prefix-lb"
for ((i = 1; i <= ROUNDS; i++)); do
	lb=lb-$i
	ns_add "$lb"
	plug sw "$lb" 10.0.0.2/24
	ip -n "$prefix-$lb" link set eth0 address "$LBMAC"
	ip -n "$prefix-$lb" addr add "$VIP/24" dev eth0
	lb_forwards "$lb"
	# The bridge still sends LBMAC to the dying netns's port until the new
	# LB sends a frame of its own (the ARP for the client) and so moves it.
	wait_for 20 neighbour_known "$lb" 10.0.0.1
	configure "$lb" "${FWD_METHODS[$((i % ${#FWD_METHODS[@]}))]}"
	wait_for 20 has_conns "$lb"
	n=$(conns_in "$lb")
	ip netns del "$prefix-$lb"
	log "netns $i deleted with $n connections under traffic"
done
[ "$(conn_objects)" != none ] || fail "no l4lb_conn slab cache while loaded (merged?)"
wait_for 60 no_conn_objects
log "after $ROUNDS netns deletions: l4lb_conn objects $(conn_objects)"
