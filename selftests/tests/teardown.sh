#!/bin/bash
# Teardown under traffic (issue 7), on the DR topology of topo_dr with two
# real servers, while a client floods the VIP with 64-byte UDP datagrams
# from thousands of source ports (selftests/bench/udpflood). One of two
# parts, each its own test so that they can run in parallel VMs:
#   rmmod (this file): rmmod with a service, its dests and live
#      connections, 8 times (IPv6: 6), DR and NAT in turn (insmod and configure
#      again in between): the unload completes, the module and its slab
#      cache are gone (module_unload checks);
#   netns (teardown_netns.sh): deleting an LB netns holding a service and
#      live connections, 8 times (IPv6: 6), DR and NAT in turn (a fresh LB netns
#      each time, same addresses and MAC): then every connection entry is
#      freed (the l4lb_conn slab back to 0 objects while the module stays
#      loaded).
# No splat anywhere (the harness scans dmesg; panic_on_warn is set, and
# l4lb_net_exit_batch() WARNs on counts not back to 0).
# families: 4 6
#
#   c 10.0.0.1 (flood) --+-- br0 (sw) --+-- rs1 10.0.0.11, rs2 10.0.0.12 (VIP on lo)
#   lb 10.0.0.2, VIP 10.0.0.100 --+          (route to c via lb, for NAT)
#   (IPv6: c 2001:db8::1, lb 2001:db8::2, VIP 2001:db8::100, rsN 2001:db8::1N)
. "$(dirname "$0")/../lib.sh"

PART=${L4LB_TEARDOWN:-rmmod}
# Rounds alternate DR and NAT; ROUNDS=20 in the environment for a longer run.
if [ "$FAMILY" = 6 ]; then ROUNDS=${ROUNDS:-6}; else ROUNDS=${ROUNDS:-8}; fi
PORT=9
# Forwarding methods exercised, as l4lbadm options: DR, then NAT.
FWD_METHODS=(-g -m)
# Fixed, so that one flood serves every LB netns of the netns part.
LBMAC=02:00:00:00:00:02

# No static key flips under the flood: see hold_nf_hooks.
hold_nf_hooks
topo_dr lo lo
ip -n "$prefix-lb" link set eth0 address "$LBMAC"
# NAT: nothing listens on port 9, so the real servers answer every
# datagram with a port unreachable; routed back through the LB, those
# take NAT's reply path (the FORWARD hook's ICMP translation) under the
# unload too.
for i in 1 2; do ip -n "$prefix-rs$i" route add "$(lan 1)/$HLEN" via "$(lan 2)"; done
lb_forwards() { ip_forward "$1" 1; }
lb_forwards lb

# configure NS ROUND: the UDP service on the VIP, both real servers, by
# the round's method; one l4lbadm (a batch) rather than three.
configure() {
	local fwd=${FWD_METHODS[$(($2 % ${#FWD_METHODS[@]}))]}
	local svc
	svc=$(svc_addr "$VIP" "$PORT")
	printf -- '-A -u %s -s rr\n-a -u %s -r %s %s\n-a -u %s -r %s %s\n' \
		"$svc" "$svc" "$(svc_addr "$(rip 1)")" "$fwd" "$svc" "$(svc_addr "$(rip 2)")" "$fwd" |
		adm "$1" -R >&2
	echo "$fwd"
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
log "flooding $VIP:$PORT from 4096 source ports at $flood_pps packets/s"

rmmod_rounds() {
	local i fwd n
	for ((i = 1; i <= ROUNDS; i++)); do
		fwd=$(configure lb "$i")
		wait_for 20 has_conns lb
		n=$(conns_in lb)
		module_unload
		module_load
		log "rmmod $i ($fwd): unloaded with $n connections under traffic"
	done
}

# A fresh LB netns per round, deleted while it holds live connections.
netns_rounds() {
	local i lb fwd n
	ip netns del "$prefix-lb"
	for ((i = 1; i <= ROUNDS; i++)); do
		lb=lb-$i
		ns_add "$lb"
		ip link add "v-$lb" netns "$prefix-sw" type veth peer name eth0 netns "$prefix-$lb"
		ip -n "$prefix-sw" link set "v-$lb" master br0 up
		# (nodad: IPv6's; it does nothing to an IPv4 address.)
		ip -n "$prefix-$lb" -b - <<-BATCH
			link set eth0 address $LBMAC
			addr add $(lan 2)/$PLEN dev eth0 $([ "$FAMILY" = 4 ] || echo nodad)
			addr add $VIP/$PLEN dev eth0 $([ "$FAMILY" = 4 ] || echo nodad)
			link set eth0 up
		BATCH
		lb_forwards "$lb"
		# The bridge still sends LBMAC to the dying netns's port until
		# the new LB sends a frame of its own (the ARP for the client)
		# and so moves it.
		wait_for 20 neighbour_known "$lb" "$(lan 1)"
		fwd=$(configure "$lb" "$i")
		wait_for 20 has_conns "$lb"
		n=$(conns_in "$lb")
		ip netns del "$prefix-$lb"
		log "netns $i ($fwd) deleted with $n connections under traffic"
	done
	[ "$(conn_objects)" != none ] || fail "no l4lb_conn slab cache while loaded (merged?)"
	wait_for 60 no_conn_objects
	log "after $ROUNDS netns deletions: l4lb_conn objects $(conn_objects)"
}

case $PART in
rmmod) rmmod_rounds ;;
netns) netns_rounds ;;
*) fail "L4LB_TEARDOWN: no part $PART" ;;
esac
