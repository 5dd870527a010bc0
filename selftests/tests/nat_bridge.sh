#!/bin/bash
# NAT hairpin through a bridge with br_netfilter (Docker's and kube-proxy's
# IPVS setups): the client and the real server hang off the same bridge
# of the LB, whose address is their gateway, so the real server's replies
# to the client are bridged, not routed, and reach l4lb's FORWARD hook
# through br_netfilter (bridge-nf-call-iptables=1) with the bridge's fake
# route attached. l4lb must not keep that route for the flow's later
# replies (kmod/xmit.c, l4lb_reply_route_save()):
#
#        x 10.9.0.2 (also holds 10.0.0.11: it spoofs rs1's replies)
#          |
#   eth9 10.9.0.1
#   lb: br0 10.0.0.1, VIP 10.0.1.100 --+-- c 10.0.0.2
#                                      +-- rs1 10.0.0.11
#
#   - one UDP flow from c to the VIP, answered by rs1; the answer was
#     bridged (the LB's IP forwarding counter does not move);
#   - a reply of that flow routed in by eth9 (from x): the reply fast path
#     would send it on the flow's cached route, and with the bridge's fake
#     route (no output function) the kernel crashed. It reaches c;
#   - br0 is deleted with the flow alive, and goes away (ip link del
#     returns only once the device's last reference is gone: the route
#     the flow keeps now, the one x's reply took out by br0, must not pin
#     it); x keeps sending;
#     br0 is made again: the flow's next word is answered, and x's next
#     reply reaches c. No splat (guest-init checks the kernel log; the
#     debug lane's KASAN sees a use of the freed bridge).
. "$(dirname "$0")/../lib.sh"

modprobe br_netfilter 2>/dev/null || skip "no br_netfilter module"
module_load
ns_add lb c rs1 x
VIP=10.0.1.100
client=10.0.0.2

# The same MAC each time: c and rs1 keep their neighbour entry for it.
bridge_up() {
	ip -n "$prefix-lb" link add br0 address 02:00:00:00:00:01 type bridge
	ip -n "$prefix-lb" addr add 10.0.0.1/24 dev br0
	ip -n "$prefix-lb" addr add "$VIP/32" dev br0
	ip -n "$prefix-lb" link set br0 up
}
bridge_up
plug lb c "$client/24"
plug lb rs1 10.0.0.11/24
ip -n "$prefix-c" route add default via 10.0.0.1
ip -n "$prefix-rs1" route add default via 10.0.0.1
link_pair lb eth9 10.9.0.1/24 x eth0 10.9.0.2/24
ip -n "$prefix-x" addr add 10.0.0.11/32 dev lo
ip -n "$prefix-x" route add 10.0.0.0/24 via 10.9.0.1
nsx lb sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.eth9.rp_filter=0 net.bridge.bridge-nf-call-iptables=1

# A UDP chat server: answers "rs1 WORD" to each datagram WORD.
bg rs1 socat UDP-RECVFROM:5353,fork SYSTEM:'read -r l; echo rs1 $l'
wait_listen rs1 udp 5353
adm lb -A -u "$VIP:53" -s rr
adm lb -a -u "$VIP:53" -r 10.0.0.11:5353 -m

# One UDP flow from c (source port 40000) driven through fifo 5, as
# conn_open does for TCP; conn_say 5 WORD prints who answered WORD.
rm -f /tmp/conn-5.in
mkfifo /tmp/conn-5.in
: >/tmp/conn-5.out
exec 5<>/tmp/conn-5.in
nsx c socat - UDP:"$VIP":53,sourceport=40000 </tmp/conn-5.in >/tmp/conn-5.out &
bg_pids+=($!)

f0=$(mib lb Ip ForwDatagrams)
expect_eq "first word answered by" "$(conn_say 5 w1)" rs1
expect_eq "the answer was bridged: LB's forwarded datagrams" \
	$(($(mib lb Ip ForwDatagrams) - f0)) 0

# spoof WORD: x sends WORD as rs1's reply to c's flow.
spoof() {
	nsx x socat -u - UDP-SENDTO:"$client":40000,bind=10.0.0.11:5353 <<<"$1"
}
arrived() { grep -qx "$1" /tmp/conn-5.out; }

spoof routed1
wait_for 20 arrived routed1
log "a reply routed in by eth9 reached c"

ip -n "$prefix-lb" link del br0
bridge_gone() { ! ip -n "$prefix-lb" link show br0; }
wait_for 30 bridge_gone
log "br0 deleted with the flow alive"
# No route to c now: the LB's input route drops it (counted), once the
# reply path has looked at it.
n0=$(mib lb IpExt InNoRoutes)
spoof routed2
wait_for 20 eval '[ "$(mib lb IpExt InNoRoutes)" -gt "$n0" ]'

bridge_up
ip -n "$prefix-lb" link set v-c master br0
ip -n "$prefix-lb" link set v-rs1 master br0
expect_eq "br0 back, the flow's next word answered by" "$(conn_say 5 w2)" rs1
spoof routed3
wait_for 20 arrived routed3
log "br0 back: a reply routed in by eth9 reached c"
expect_eq "the flow's answers and x's replies that reached c" \
	"$(tr '\n' ' ' </tmp/conn-5.out)" "rs1 w1 routed1 rs1 w2 routed3 "
! dmesg | grep -q 'unregister_netdevice: waiting' ||
	fail "a device is kept from unregistering: $(dmesg | grep 'unregister_netdevice: waiting' | head -n 1)"
