#!/bin/bash
# Tunnel forwarding (-i): IPIP, GUE and GRE to real servers two routers
# away, in the service's family and in the other one, TCP and UDP, bytes
# intact, exact rr counts; path MTU through the tunnel.
# L4LB_TUNNEL_IPVS=1 (tunnel_ipvs.sh, make check-extended): the same
# cases against IPVS's -i (ipvs, beside lb) as the control, and its -S
# lines compared with l4lbadm's.
# families: 4 6
#
#   c (wan 1) --------+
#   lb (wan 2; VIP wan 100 on lo) --+-- out (bridge)
#   ipvs (wan 3; VIP wan 100 on lo) -+
#   r1 (wan 254) -----+
#   r1 eth1 (lan 1) ----- r2 eth0 (lan 2)
#   r2 eth1 (far 1) --+-- in (bridge) --+-- rs1..rs3 (far 11..13)
#
# The LB reaches the real servers through r1 and r2 only (no shared
# link); the real servers answer the client directly through r2 and r1.
# Each real server decapsulates as README.md tells operators: the ipip,
# sit, ip6tnl, gre and ip6gre fallback devices up, fou receiving GUE on
# port 6080, the VIP on lo, rp_filter off. The client's route to the VIP picks the
# balancer under test: lb (l4lb) or ipvs (IPVS, the control).
. "$(dirname "$0")/../lib.sh"

GUE_PORT=6080
for m in ipip fou ip6_tunnel fou6 sit ip_gre ip6_gre; do
	modprobe -q "$m" || skip "no $m module"
done
modprobe -q ip_vs || skip "no ip_vs module"
# Both families' addresses on every host: the mixed cases tunnel the
# test's family in the other one ($OTHER).
TOPO_FAMILIES="4 6"
if [ "$FAMILY" = 6 ]; then OTHER=4; else OTHER=6; fi

# tun_rip N: real server N (10.0.2.1N, 2001:db8:2::1N), of the current
# family; other_rip N: its address of the other family.
tun_rip() { far $((10 + $1)); }
other_rip() {
	local fam=$FAMILY a
	family "$OTHER"
	a=$(tun_rip "$1")
	family "$fam"
	echo "$a"
}
net_of() { if [ "$FAMILY" = 6 ]; then echo "$1/64"; else echo "${1%.*}.0/24"; fi; }

module_load
switch_add out
switch_add in
ns_add c lb ipvs r1 r2 rs1 rs2 rs3
for h in c lb ipvs r1; do plug out "$h" ""; done
link_pair r1 eth1 "" r2 eth0 ""
plug in r2 "" eth1
for i in 1 2 3; do plug in "rs$i" ""; done
fam=$FAMILY
for f in 4 6; do
	family "$f"
	addr_add c eth0 "$(wan 1)/$PLEN"
	addr_add lb eth0 "$(wan 2)/$PLEN"
	addr_add ipvs eth0 "$(wan 3)/$PLEN"
	addr_add r1 eth0 "$(wan 254)/$PLEN"
	addr_add r1 eth1 "$(lan 1)/$PLEN"
	addr_add r2 eth0 "$(lan 2)/$PLEN"
	addr_add r2 eth1 "$(far 1)/$PLEN"
	ip_forward r1 1
	ip_forward r2 1
	ip -n "$prefix-lb" route add "$(net_of "$(far 0)")" via "$(wan 254)"
	ip -n "$prefix-ipvs" route add "$(net_of "$(far 0)")" via "$(wan 254)"
	ip -n "$prefix-r1" route add "$(net_of "$(far 0)")" via "$(lan 2)"
	ip -n "$prefix-r2" route add default via "$(lan 1)"
	for i in 1 2 3; do
		addr_add "rs$i" eth0 "$(tun_rip "$i")/$PLEN"
		ip -n "$prefix-rs$i" route add default via "$(far 1)"
	done
done
family "$fam"
nsx r1 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0
# The VIP on the LB's lo: the outer source is the LB's address on its
# route to the real servers (wan 2), never the VIP, which each real
# server holds too (an IPv6 tunnel drops packets from a local source).
VIP_T=$(wan 100)
addr_add lb lo "$VIP_T/$HLEN"
addr_add ipvs lo "$VIP_T/$HLEN"
# The real servers: every fallback tunnel device up (ip6tnl0 taking
# IPv4 in IPv6 too: mode any), fou on the GUE port in both families.
for i in 1 2 3; do
	accept_vip_lo "rs$i" "$VIP_T"
	for d in tunl0 sit0 ip6tnl0 gre0 ip6gre0; do ip -n "$prefix-rs$i" link set "$d" up; done
	ip -n "$prefix-rs$i" -6 tunnel change ip6tnl0 mode any
	nsx "rs$i" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0 \
		net.ipv4.conf.ip6tnl0.rp_filter=0 net.ipv4.conf.gre0.rp_filter=0 \
		net.ipv4.conf.ip6gre0.rp_filter=0
	nsx "rs$i" ip fou add port "$GUE_PORT" gue
	nsx "rs$i" ip fou add port "$GUE_PORT" gue -6
	name_server "rs$i" tcp 80 "rs$i"
	name_server "rs$i" udp 53 "rs$i" "$VIP_T"
done

# gre_csum add|del: on each real server, a GRE device that takes GRE
# with the checksum (icsum; the catch-all gre0 and ip6gre0 drop it, as
# any GRE device drops what does not match its checksum setting), for
# the test's family.
gre_csum() {
	local i t=gre
	[ "$FAMILY" = 4 ] || t=ip6gre
	for i in 1 2 3; do
		if [ "$1" = del ]; then
			ip -n "$prefix-rs$i" link del grec
			continue
		fi
		ip -n "$prefix-rs$i" link add grec type "$t" local "$(tun_rip "$i")" icsum
		ip -n "$prefix-rs$i" link set grec up
		nsx "rs$i" sysctl -qw net.ipv4.conf.grec.rp_filter=0
	done
}

# ctl lb|ipvs ARGS...: l4lbadm in lb, or ipvsadm in ipvs.
ctl() {
	local b=$1
	shift
	if [ "$b" = ipvs ]; then nsx ipvs ipvsadm "$@"; else adm lb "$@"; fi
}
# use lb|ipvs: the client's packets to the VIP go to that balancer, with
# nothing learnt about the path before (its path MTU exceptions flushed).
use() {
	local via
	if [ "$1" = ipvs ]; then via=$(wan 3); else via=$(wan 2); fi
	ip -n "$prefix-c" route replace "$VIP_T/$HLEN" via "$via"
	ip -n "$prefix-c" "-$FAMILY" route flush cache
	B=$1
}

TSVC=$(svc_addr "$VIP_T" 80)
USVC=$(svc_addr "$VIP_T" 53)
BSVC=$(svc_addr "$VIP_T" 9000)
head -c 1M /dev/urandom >/tmp/payload

# upload WHAT: 1 MB from the client through the VIP to rs1, intact.
upload() {
	rm -f /tmp/up-rs1
	bg rs1 socat -u "$(tcp_listen)":9000,reuseaddr OPEN:/tmp/up-rs1,creat,trunc
	wait_listen rs1 tcp 9000
	nsx c timeout 60 socat -u FILE:/tmp/payload "$(tcp_to "$VIP_T" 9000)" ||
		case_fail "$1: the client's upload failed"
	wait_for 30 cmp -s /tmp/payload /tmp/up-rs1 || true
	expect_true "$1: 1 MB arrived intact" cmp /tmp/payload /tmp/up-rs1
}

# tunnel_case NAME OPTS...: rr over the three real servers tunnelled with
# OPTS (ipvsadm's syntax) by balancer $B to their addresses of $RIPF
# (tun_rip: the service's family; other_rip: the other one), TCP and UDP,
# then a 1 MB upload.
RIPF=tun_rip
tunnel_case() {
	local name=$1 i names
	shift
	log "$name: rr over three tunnelled real servers"
	ctl "$B" -A -t "$TSVC" -s rr
	ctl "$B" -A -u "$USVC" -s rr
	ctl "$B" -A -t "$BSVC" -s rr
	for i in 1 2 3; do
		ctl "$B" -a -t "$TSVC" -r "$(svc_addr "$($RIPF "$i")" 80)" -i "$@"
		ctl "$B" -a -u "$USVC" -r "$(svc_addr "$($RIPF "$i")" 53)" -i "$@"
	done
	ctl "$B" -a -t "$BSVC" -r "$(svc_addr "$($RIPF 1)" 9000)" -i "$@"
	ctl "$B" -L -n
	names=$(tcp_names c "$VIP_T" 80 15)
	for i in 1 2 3; do
		expect_eq "$name: TCP connections to rs$i" "$(echo "$names" | count_of "rs$i")" 5
	done
	names=$(udp_names c "$VIP_T" 53 9)
	for i in 1 2 3; do
		expect_eq "$name: UDP flows to rs$i" "$(echo "$names" | count_of "rs$i")" 3
	done
	upload "$name"
}

# remcsum_count -A|-D: add or delete rs1's rules counting GUE packets
# by their header length (hlen: 0, no options; 2, the remote checksum
# option); remcsum_count HLEN: the packets counted of that length.
remcsum_count() {
	local at h
	if [ "$FAMILY" = 6 ]; then at=48; else at='0>>22&0x3C@8'; fi
	case $1 in
	-A|-D)
		for h in 0 2; do
			ipt rs1 "$1" INPUT -p udp --dport "$GUE_PORT" \
				-m u32 --u32 "$at>>24&0x1F=$h" -m comment --comment "gue-hlen-$h"
		done
		;;
	*)
		ipt rs1 -L INPUT -v -n -x | awk -v c="gue-hlen-$1" 'index($0, c) { print $1 }'
		;;
	esac
}

# cases lb|ipvs: every case, through l4lb or through IPVS.
cases() {
	local p=
	use "$1"
	[ "$B" = lb ] || p="ipvs "
	tunnel_case "${p}ipip"
	if [ "$B" = lb ]; then
		expect_eq "ipip: -L -n forward column" \
			"$(adm lb -L -n -t "$TSVC" | awk '$1 == "->" && $3 != "Forward" { print $3 }' | sort -u)" Tunnel
		expect_eq "ipip: -S line" "$(adm lb -S -n | grep -- "-a -t $(re "$BSVC")")" \
			"-a -t $BSVC -r $(svc_addr "$(tun_rip 1)" 9000) -i -w 1 --tun-type ipip"
	fi
	ctl "$B" -C

	tunnel_case "${p}gue nocsum" --tun-type gue --tun-port "$GUE_PORT"
	[ "$B" != lb ] ||
		expect_eq "gue: -S line" "$(adm lb -S -n | grep -- "-a -t $(re "$BSVC")")" \
			"-a -t $BSVC -r $(svc_addr "$(tun_rip 1)" 9000) -i -w 1 --tun-type gue --tun-port $GUE_PORT --tun-nocsum"
	ctl "$B" -C
	# With UDP checksums: the bytes (the scheduling is the same as above).
	ctl "$B" -A -t "$BSVC" -s rr
	ctl "$B" -a -t "$BSVC" -r "$(svc_addr "$(tun_rip 1)" 9000)" -i --tun-type gue --tun-port "$GUE_PORT" --tun-csum
	upload "${p}gue csum"
	ctl "$B" -C
	# Remote checksum offload: the client's packets whose checksums are
	# still to be summed (through veth, most of them) reach rs1 in GUE
	# with the private flags and the remote checksum option (GUE hlen 2,
	# 8 bytes), and rs1's fou sums them: the bytes arrive intact.
	remcsum_count -A
	tunnel_case "${p}gue remcsum" --tun-type gue --tun-port "$GUE_PORT" --tun-remcsum
	[ "$B" != lb ] ||
		expect_eq "gue remcsum: -S line" "$(adm lb -S -n | grep -- "-a -t $(re "$BSVC")")" \
			"-a -t $BSVC -r $(svc_addr "$(tun_rip 1)" 9000) -i -w 1 --tun-type gue --tun-port $GUE_PORT --tun-remcsum"
	log "${p}gue remcsum: GUE packets at rs1 with the option $(remcsum_count 2), without $(remcsum_count 0)"
	expect_true "${p}gue remcsum: GUE packets at rs1 with the option" [ "$(remcsum_count 2)" -gt 0 ]
	remcsum_count -D
	ctl "$B" -C

	# Mixed: the service's family inside the other one's outer header.
	RIPF=other_rip
	tunnel_case "${p}mixed ipip (IPv$FAMILY in IPv$OTHER)"
	ctl "$B" -S -n >"/tmp/mixed-$B.save"
	if [ "$B" = lb ]; then
		expect_eq "mixed: -S line" "$(grep -- "-a -t $(re "$BSVC")" /tmp/mixed-lb.save)" \
			"-a -t $BSVC -r $(svc_addr "$(other_rip 1)" 9000) -i -w 1 --tun-type ipip"
		expect_eq "mixed: --json, the real servers' family" \
			"$(adm lb -L -n --json | grep -o "\"family\":\"inet${OTHER#4}\",\"address\":\"$(other_rip 1)\"" | wc -l)" 3
	else
		expect_eq "mixed: l4lbadm -S -n and ipvsadm -S -n, lines that differ" \
			"$(diff /tmp/mixed-lb.save /tmp/mixed-ipvs.save | grep -c '^[<>]')" 0
	fi
	ctl "$B" -C
	tunnel_case "${p}mixed gue (IPv$FAMILY in UDP in IPv$OTHER)" --tun-type gue --tun-port "$GUE_PORT"
	ctl "$B" -C
	tunnel_case "${p}mixed gre (IPv$FAMILY in GRE in IPv$OTHER)" --tun-type gre
	ctl "$B" -C
	RIPF=tun_rip

	# GRE with its checksum, then without, in the service's family.
	gre_csum add
	tunnel_case "${p}gre csum" --tun-type gre --tun-csum
	ctl "$B" -S -n >"/tmp/gre-$B.save"
	if [ "$B" = lb ]; then
		expect_eq "gre: -S line" "$(grep -- "-a -t $(re "$BSVC")" /tmp/gre-lb.save)" \
			"-a -t $BSVC -r $(svc_addr "$(tun_rip 1)" 9000) -i -w 1 --tun-type gre --tun-csum"
	else
		expect_eq "gre: l4lbadm -S -n and ipvsadm -S -n, lines that differ" \
			"$(diff /tmp/gre-lb.save /tmp/gre-ipvs.save | grep -c '^[<>]')" 0
	fi
	ctl "$B" -C
	gre_csum del
	ctl "$B" -A -t "$BSVC" -s rr
	ctl "$B" -a -t "$BSVC" -r "$(svc_addr "$(tun_rip 1)" 9000)" -i --tun-type gre --tun-nocsum
	upload "${p}gre nocsum"
	ctl "$B" -C
}
IPVS=${L4LB_TUNNEL_IPVS:-}
cases lb
[ -z "$IPVS" ] || cases ipvs

# The outer source, configured: a second address of the LB's (on lo)
# instead of the route's choice (wan 2). rs1 counts the outer packets
# (IPIP: IPv4 protocol 4, IPv6 next header 41) by their source.
log "tunnel source"
use lb
TSRC=$(wan 4)
addr_add lb lo "$TSRC/$HLEN"
if [ "$FAMILY" = 6 ]; then OPROTO=41; else OPROTO=4; fi
for a in "$(wan 2)" "$TSRC"; do ipt rs1 -A INPUT -s "$a" -p "$OPROTO"; done
# outer_from ADDR: the outer packets rs1 received from ADDR.
outer_from() {
	ipt rs1 -L INPUT -v -n -x |
		awk -v a="$1" '{ for (i = 2; i <= NF; i++) if ($i == a) { print $1; exit } }'
}
src_case() { # NAME WANT-FROM-WAN2 WANT-FROM-TSRC
	ipt rs1 -Z INPUT
	ctl lb -A -u "$USVC" -s rr
	ctl lb -a -u "$USVC" -r "$(svc_addr "$(tun_rip 1)" 53)" -i
	expect_eq "$1: UDP flows answered by rs1" "$(udp_names c "$VIP_T" 53 4 | count_of rs1)" 4
	expect_eq "$1: outer packets from $(wan 2)" "$(outer_from "$(wan 2)")" "$2"
	expect_eq "$1: outer packets from $TSRC" "$(outer_from "$TSRC")" "$3"
	ctl lb -C
}
src_case "route's source" 4 0
adm lb --config tun-source "$TSRC"
expect_eq "-L --info: the tunnel source" "$(adm lb -L --info | grep '^Tunnel source')" \
	"Tunnel source: $TSRC"
src_case "tun-source $TSRC" 0 4
if out=$(adm lb --config tun-source "$(far 99)" 2>&1); then
	case_fail "tun-source of another host: accepted"
else
	expect_eq "tun-source of another host: refused" "$out" \
		"l4lbadm: Cannot assign requested address: tunnel source is not an address of this network namespace"
fi
src_case "tun-source after a refused one" 0 4
adm lb --config tun-source "$(if [ "$FAMILY" = 6 ]; then echo ::; else echo 0.0.0.0; fi)"
src_case "tun-source reset" 4 0

# Path MTU: r1's route to the real servers gets a smaller MTU (locked:
# IPv6 forwarding takes no other route MTU), in each family. r1 answers
# the balancer's outer packets with ICMP frag-needed (IPv6: Packet Too
# Big); its route to the real server learns the MTU, and the client's
# full-size DF segments come back as ICMP with that MTU less the
# encapsulation: the client learns it and the upload completes. IPIP
# first, then GUE (12 bytes more): each lowers what the client learnt.
rmtu_of() { if [ "$1" = 6 ]; then echo 1400; else echo 1000; fi; }
outer_of() { if [ "$1" = 6 ]; then echo 40; else echo 20; fi; }
for f in 4 6; do
	family "$f"
	ip -n "$prefix-r1" route change "$(net_of "$(far 0)")" via "$(lan 2)" mtu lock "$(rmtu_of "$f")"
done
family "$fam"
RMTU=$(rmtu_of "$FAMILY") OUTER=$(outer_of "$FAMILY")
mtu_case() { # NAME INNER-MTU OPTS...
	local name=$1 mtu=$2
	shift 2
	log "$name: path MTU"
	ctl "$B" -A -t "$BSVC" -s rr
	ctl "$B" -a -t "$BSVC" -r "$(svc_addr "$($RIPF 1)" 9000)" -i "$@"
	upload "$name through a path of MTU $(rmtu_of "$(family_of "$($RIPF 1)")")"
	expect_true "$name: the client learnt path MTU $mtu" \
		sh -c "ip -n '$prefix-c' route get '$VIP_T' | grep -w 'mtu $mtu'"
	ctl "$B" -C
}
use lb
mtu_case ipip $((RMTU - OUTER))
mtu_case gue $((RMTU - OUTER - 12)) --tun-type gue --tun-port "$GUE_PORT"
mtu_case "gue remcsum" $((RMTU - OUTER - 20)) --tun-type gue --tun-port "$GUE_PORT" --tun-remcsum
# GRE with its checksum: 8 bytes, less than GUE's 12: the client starts
# afresh.
use lb
gre_csum add
mtu_case "gre csum" $((RMTU - OUTER - 8)) --tun-type gre --tun-csum
gre_csum del
# Mixed: the outer family's path, its header. IPv6 inside IPv4 gets
# IPv6's minimum, 1280, the outer packets then fragmented on the way.
use lb
RIPF=other_rip
if [ "$FAMILY" = 4 ]; then
	mtu_case "mixed ipip" $(($(rmtu_of 6) - 40))
	mtu_case "mixed gue" $(($(rmtu_of 6) - 40 - 12)) --tun-type gue --tun-port "$GUE_PORT"
	use lb
	mtu_case "mixed gre" $(($(rmtu_of 6) - 40 - 4)) --tun-type gre
else
	mtu_case "mixed ipip" 1280
fi
RIPF=tun_rip
# IPVS (6.1) learns nothing from a Packet Too Big about its IPv6 tunnel
# packets: the client is never told, and its upload stalls.
if [ -z "$IPVS" ]; then
	:
elif [ "$FAMILY" = 6 ]; then
	case_skip "ipvs: path MTU" "IPVS does not take Packet Too Big for its IPv6 tunnels"
else
	use ipvs
	mtu_case "ipvs ipip" $((RMTU - OUTER))
	mtu_case "ipvs gue" $((RMTU - OUTER - 12)) --tun-type gue --tun-port "$GUE_PORT"
fi

# IPVS goes with its netns; its modules then, as ipvsadm_compat leaves it.
ip netns del "$prefix-ipvs"
keep=()
for ns in "${namespaces[@]}"; do [ "$ns" = ipvs ] || keep+=("$ns"); done
namespaces=("${keep[@]}")
for m in $(awk '$1 ~ /^ip_vs_/ { print $1 }' /proc/modules) ip_vs; do
	modprobe -r "$m" 2>/dev/null || true
done
