#!/bin/bash
# IPv6 end to end: direct routing and NAT (port-mapped), TCP and UDP,
# through the same hooks as IPv4; hop limit, Packet Too Big and a real
# server's ICMPv6 error; neighbour discovery untouched.
#
#   c fd00:1::1 --------+                          +-- rs1 fd00:2::11 (NAT)
#   rsd1 fd00:1::21 (DR) +                          +-- rs2 fd00:2::12 (NAT)
#   rsd2 fd00:1::22 (DR) +-- out -- eth0 lb eth1 -- in
#                    fd00:1::2, VIP fd00:1::100    fd00:2::1 (the NAT
#                                                  servers' gateway)
#
# The DR servers hold the VIP on lo (a /128 there is never advertised by
# neighbour discovery) and answer the client directly; the NAT servers
# answer through the LB. Addresses are added without duplicate address
# detection, so they work at once.
. "$(dirname "$0")/../lib.sh"

VIP6=fd00:1::100
PROBE=$L4LB_DIR/selftests/tools/udp6probe.py

# plug6 SWITCH HOST ADDR/LEN [IFACE]: plug, for IPv6.
plug6() {
	local sw=$1 host=$2 dev=${4:-eth0}
	ip link add "v-$host" netns "$prefix-$sw" type veth peer name "$dev" netns "$prefix-$host"
	ip -n "$prefix-$sw" link set "v-$host" master br0 up
	ip -n "$prefix-$host" addr add "$3" dev "$dev" nodad
	ip -n "$prefix-$host" link set "$dev" up
}

module_load
switch_add out
switch_add in
ns_add c lb rsd1 rsd2 rs1 rs2
plug6 out c fd00:1::1/64
plug6 out lb fd00:1::2/64 eth0
plug6 in lb fd00:2::1/64 eth1
ip -n "$prefix-lb" addr add "$VIP6/64" dev eth0 nodad
nsx lb sysctl -qw net.ipv6.conf.all.forwarding=1
for i in 1 2; do
	plug6 out "rsd$i" "fd00:1::2$i/64"
	ip -n "$prefix-rsd$i" addr add "$VIP6/128" dev lo
	plug6 in "rs$i" "fd00:2::1$i/64"
	ip -n "$prefix-rs$i" -6 route add default via fd00:2::1
done

# svc6 PROTO PORT, dest6 PROTO PORT RIP RPORT dr|nat: a service on the
# VIP (rr), a real server of it.
svc6() { adm lb -A "-${1:0:1}" "[$VIP6]:$2" -s rr; }
dest6() {
	local fwd=-g
	[ "$5" = nat ] && fwd=-m
	adm lb -a "-${1:0:1}" "[$VIP6]:$2" -r "[$3]:$4" $fwd
}
probe() { nsx c "$PROBE" "$@"; }

# name6 NS PROTO PORT NAME [BIND]: name_server, listening on IPv6.
name6() {
	local ns=$1 port=$3 name=$4 bind=${5:+,bind=[$5]}
	if [ "$2" = tcp ]; then
		echo "$name" >"/tmp/name-$ns-$port"
		bg "$ns" socat -U TCP6-LISTEN:"$port",fork,reuseaddr OPEN:"/tmp/name-$ns-$port",rdonly
	else
		bg "$ns" socat -t 10 UDP6-RECVFROM:"$port",fork$bind SYSTEM:"echo $name"
	fi
	wait_listen "$ns" "$2" "$port"
}

drops_mtu() { adm lb -L --info --json | jq '.info.drops.mtu'; }

# ---- DR, TCP and UDP: rr over rsd1 and rsd2, exactly half each.
for i in 1 2; do
	name6 "rsd$i" tcp 80 "rsd$i"
	name6 "rsd$i" udp 53 "rsd$i" "$VIP6"
done
svc6 tcp 80
svc6 udp 53
for i in 1 2; do
	dest6 tcp 80 "fd00:1::2$i" 80 dr
	dest6 udp 53 "fd00:1::2$i" 53 dr
done
names=$(tcp_names c "$VIP6" 80 20)
for i in 1 2; do
	expect_eq "DR TCP rr: connections to rsd$i" "$(echo "$names" | count_of "rsd$i")" 10
done
expect_eq "DR TCP rr: the same server twice in a row" "$(echo "$names" | uniq -d | wc -l)" 0
names=$(udp_names c "$VIP6" 53 10)
for i in 1 2; do
	expect_eq "DR UDP rr: datagrams answered by rsd$i" "$(echo "$names" | count_of "rsd$i")" 5
done

# ---- NAT, port-mapped VIP:81 -> RIP:8080, TCP and UDP (:54 -> :5353).
for i in 1 2; do
	name6 "rs$i" tcp 8080 "rs$i"
	name6 "rs$i" udp 5353 "rs$i"
done
svc6 tcp 81
svc6 udp 54
for i in 1 2; do
	dest6 tcp 81 "fd00:2::1$i" 8080 nat
	dest6 udp 54 "fd00:2::1$i" 5353 nat
done
names=$(tcp_names c "$VIP6" 81 20)
for i in 1 2; do
	expect_eq "NAT TCP rr: connections to rs$i" "$(echo "$names" | count_of "rs$i")" 10
done
names=$(udp_names c "$VIP6" 54 10)
for i in 1 2; do
	expect_eq "NAT UDP rr: datagrams answered by rs$i" "$(echo "$names" | count_of "rs$i")" 5
done

# The real server sees the client's own address; the client only the VIP.
bg rs1 socat -t 30 TCP6-LISTEN:8090,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR'
wait_listen rs1 tcp 8090
svc6 tcp 90
dest6 tcp 90 fd00:2::11 8090 nat
expect_eq "client address seen by the NAT real server" \
	"$(nsx c socat -t 30 - TCP6:"[$VIP6]":90 </dev/null)" "[fd00:0001:0000:0000:0000:0000:0000:0001]"

log "bytes"
# ---- Bytes intact: 2 MB up through DR, and up and down through NAT.
head -c 2M /dev/urandom >/tmp/payload
want=$(sha256sum </tmp/payload)
bg rsd1 socat -u TCP6-LISTEN:9000,reuseaddr OPEN:/tmp/up-rsd1,creat,trunc
wait_listen rsd1 tcp 9000
bg rs2 socat -u TCP6-LISTEN:9001,reuseaddr OPEN:/tmp/up-rs2,creat,trunc
wait_listen rs2 tcp 9001
bg rs1 socat -u OPEN:/tmp/payload,rdonly TCP6-LISTEN:9002,reuseaddr
wait_listen rs1 tcp 9002
svc6 tcp 9000
dest6 tcp 9000 fd00:1::21 9000 dr
svc6 tcp 9001
dest6 tcp 9001 fd00:2::12 9001 nat
svc6 tcp 9002
dest6 tcp 9002 fd00:2::11 9002 nat
nsx c socat -u FILE:/tmp/payload TCP6:"[$VIP6]":9000
nsx c socat -u FILE:/tmp/payload TCP6:"[$VIP6]":9001
uploaded() { [ "$(stat -c %s "$1" 2>/dev/null)" = "$(stat -c %s /tmp/payload)" ]; }
wait_for 30 uploaded /tmp/up-rsd1
wait_for 30 uploaded /tmp/up-rs2
expect_eq "sha256 of 2 MB uploaded through DR" "$(sha256sum </tmp/up-rsd1)" "$want"
expect_eq "sha256 of 2 MB uploaded through NAT" "$(sha256sum </tmp/up-rs2)" "$want"
nsx c socat -u TCP6:"[$VIP6]":9002 OPEN:/tmp/download,creat,trunc
expect_eq "sha256 of 2 MB downloaded through NAT" "$(sha256sum </tmp/download)" "$want"
rm -f /tmp/up-rsd1 /tmp/up-rs2 /tmp/download

# A 4000-byte datagram, fragmented by its sender both ways (nf_defrag_ipv6
# on the LB), through NAT to an echo server and back whole.
bg rs1 socat -t 10 UDP6-RECVFROM:7000,fork SYSTEM:cat
wait_listen rs1 udp 7000
svc6 udp 7
dest6 udp 7 fd00:2::11 7000 nat
head -c 4000 /dev/urandom >/tmp/dgram
nsx c socat -t 5 - UDP6:"[$VIP6]":7 </tmp/dgram >/tmp/dgram.back
expect_eq "4000-byte datagram through NAT and back" "$(cmp -s /tmp/dgram /tmp/dgram.back && echo whole || stat -c %s /tmp/dgram.back)" whole

log "hop limit"
# ---- Hop limit 1: Time Exceeded (hop limit, code 0) from the VIP, as a
# router sends; the real server never sees it.
expect_eq "hop limit 1 through DR" "$(probe -H 1 -t 3 "$VIP6" 53)" "icmp6 type 3 code 0 info 0 from $VIP6"
expect_eq "hop limit 1 through NAT" "$(probe -H 1 -t 3 "$VIP6" 54)" "icmp6 type 3 code 0 info 0 from $VIP6"
expect_eq "hop limit 2 through DR" "$(probe -H 2 -t 10 "$VIP6" 53 | sed 's/rsd[12]/rsd/')" "reply rsd"
# The fast path takes a plain datagram; one with an extension header
# (destination options) is left to the input route and LOCAL_IN.
fast() { adm lb -L --info --json | jq .info.fast_path_pkts; }
f0=$(fast)
expect_eq "plain datagram through DR" "$(probe -t 10 "$VIP6" 53 | sed 's/rsd[12]/rsd/')" "reply rsd"
expect_eq "plain datagram: fast path" $(($(fast) - f0)) 1
f0=$(fast)
expect_eq "destination options through DR" "$(probe -D -t 10 "$VIP6" 53 | sed 's/rsd[12]/rsd/')" "reply rsd"
expect_eq "destination options: fast path" $(($(fast) - f0)) 0

log "packet too big"
# ---- Packet Too Big: the LB's routes to rsd1 and rs1 have MTU 1280.
# A TCP upload completes, its client having learned the path MTU from
# the VIP; then 1400-byte datagrams (sent whatever the path MTU: -s) draw
# PTB 1280 from the VIP, a drop counted each.
ip -n "$prefix-lb" -6 route add fd00:1::21/128 dev eth0 mtu 1280
ip -n "$prefix-lb" -6 route add fd00:2::11/128 dev eth1 mtu 1280
bg rsd1 socat -u TCP6-LISTEN:9000,reuseaddr OPEN:/tmp/up-rsd1,creat,trunc
wait_listen rsd1 tcp 9000
nsx c socat -u FILE:/tmp/payload TCP6:"[$VIP6]":9000
wait_for 30 uploaded /tmp/up-rsd1
expect_eq "sha256 of 2 MB uploaded through DR at MTU 1280" "$(sha256sum </tmp/up-rsd1)" "$want"
expect_true "client learned path MTU 1280 for the VIP" \
	bash -c "ip netns exec $prefix-c ip -6 route get $VIP6 | grep -q 'mtu 1280'"
name6 rsd1 udp 55 rsd1 "$VIP6"
svc6 udp 55
dest6 udp 55 fd00:1::21 55 dr
svc6 udp 56
dest6 udp 56 fd00:2::11 5353 nat
mtu_drops=$(drops_mtu)
expect_eq "1400 bytes through DR, route MTU 1280" "$(probe -s 1400 -t 3 "$VIP6" 55)" "icmp6 type 2 code 0 info 1280 from $VIP6"
expect_eq "1400 bytes through NAT, route MTU 1280" "$(probe -s 1400 -t 3 "$VIP6" 56)" "icmp6 type 2 code 0 info 1280 from $VIP6"
expect_eq "drops counted as mtu" "$(($(drops_mtu) - mtu_drops))" 2
expect_eq "1200 bytes through DR, route MTU 1280" "$(probe -s 1200 -t 10 "$VIP6" 55)" "reply rsd1"

log "ICMPv6 errors from real servers"
# ---- A NAT real server's ICMPv6 error (port unreachable: nothing on UDP
# 5000) reaches the client from the VIP, quoting its datagram to the VIP.
svc6 udp 5000
dest6 udp 5000 fd00:2::12 5000 nat
expect_eq "NAT real server's port unreachable" "$(probe -t 3 "$VIP6" 5000)" "icmp6 type 1 code 4 info 0 from $VIP6"

log "neighbour discovery"
# ---- Neighbour discovery with the module loaded: the client resolves
# the LB's own address and the VIP, the LB its real servers (the solicited
# NAs are the stack's: nothing of ours answered them).
nsx c bash -c "echo >/dev/udp/fd00:1::2/9" 2>/dev/null || true
neigh_ok() { nsx "$1" ip -6 neigh show "$2" dev "$3" | grep -Eq "lladdr .*(REACHABLE|STALE|DELAY|PROBE)"; }
wait_for 10 neigh_ok c fd00:1::2 eth0
expect_true "client: neighbour entry for the LB" neigh_ok c fd00:1::2 eth0
expect_true "client: neighbour entry for the VIP" neigh_ok c "$VIP6" eth0
expect_true "LB: neighbour entry for rs1" neigh_ok lb fd00:2::11 eth1
expect_true "LB: neighbour entry for rsd1" neigh_ok lb fd00:1::21 eth0
expect_eq "client: the VIP's link-layer address is the LB's" \
	"$(nsx c ip -6 neigh show "$VIP6" dev eth0 | awk '{ print $3 }')" \
	"$(nsx lb cat /sys/class/net/eth0/address)"
