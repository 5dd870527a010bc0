#!/bin/bash
# lane: extended (make check-extended)
# Dual stack: an IPv4 and an IPv6 service on the same real servers at the
# same time, by direct routing, then by NAT. Every host has an address of
# each family (topo_families "4 6"); each real server runs one name
# server, an IPv6 socket that takes IPv4 too.
#
# DR (topo_dr redirect redirect lo):
#   c 10.0.0.1, 2001:db8::1 --+
#   lb 10.0.0.2, 2001:db8::2 --+-- br0 (sw)
#      VIPs 10.0.0.100, 2001:db8::100
#   rs1, rs2 (REDIRECT: iptables and ip6tables), rs3 (both VIPs on lo):
#      10.0.0.1N, 2001:db8::1N --+
# NAT (topo_nat 3, once the DR hosts are gone):
#   c 198.51.100.1, 2001:db8:100::1 -- out -- lb -- in -- rs1..rs3
#   VIPs 198.51.100.100, 2001:db8:100::100     10.0.0.1N, 2001:db8::1N
#   (the LB is the real servers' default gateway in both families)
#
# Each part: TCP services VIP:80 of both families, rr over the three real
# servers (NAT: port 8080); 90 connections to each VIP, the two clients
# running at once: exactly 30 per server and family, never the same
# server twice in a row; `l4lbadm -L -n` lists both services with their
# three destinations and forwarding method, and nothing else.
. "$(dirname "$0")/../lib.sh"

TOPO_FAMILIES="4 6"
# vip: the VIP of the part in hand ($VIP, then $NAT_VIP), of the family
# in hand.
vip_name=VIP
vip() { echo "${!vip_name}"; }

# both_families PART: the two clients at once, then the checks.
both_families() {
	local part=$1 f pids=() names i
	for f in 4 6; do
		family "$f"
		tcp_names c "$(vip)" 80 90 >"/tmp/dual-$f" &
		pids+=($!)
	done
	wait "${pids[0]}" || fail "$part: the IPv4 client failed"
	wait "${pids[1]}" || fail "$part: the IPv6 client failed"
	for f in 4 6; do
		family "$f"
		names=$(cat "/tmp/dual-$f")
		for i in 1 2 3; do
			expect_eq "$part, IPv$f: connections to rs$i" "$(echo "$names" | count_of "rs$i")" 30
		done
		expect_eq "$part, IPv$f: the same server twice in a row" "$(echo "$names" | uniq -d | wc -l)" 0
	done
}

# listed: "SERVICE DEST METHOD" for each destination of -L -n, one line.
listed() {
	adm lb -L -n | awk '$1 == "TCP" || $1 == "UDP" { svc = $2; next }
		$1 == "->" && svc != "" { print svc, $2, $3 }' | sort | tr '\n' ' '
}

# configure PORT METHOD(-g|-m): both services, rr, rs1..rs3 on PORT.
# want_listing PORT NAME(Route|Masq): what listed must print.
configure() {
	local f i
	for f in 4 6; do
		family "$f"
		adm lb -A -t "$(svc_addr "$(vip)" 80)" -s rr
		for i in 1 2 3; do
			adm lb -a -t "$(svc_addr "$(vip)" 80)" -r "$(svc_addr "$(rip "$i")" "$1")" "$2"
		done
	done
}
want_listing() {
	local f i
	for f in 4 6; do
		family "$f"
		for i in 1 2 3; do
			echo "$(svc_addr "$(vip)" 80) $(svc_addr "$(rip "$i")" "$1") $2"
		done
	done | sort | tr '\n' ' '
}

# DR.
topo_dr redirect redirect lo
family 6
name_servers tcp 80 3
configure 80 -g
adm lb -L -n
expect_eq "DR: -L -n lists both services" "$(listed)" "$(want_listing 80 Route)"
both_families DR

# NAT, on a new topology.
adm lb -C
topo_clear
topo_nat 3
family 6
for i in 1 2 3; do name_server "rs$i" tcp 8080 "rs$i"; done
vip_name=NAT_VIP
configure 8080 -m
adm lb -L -n
expect_eq "NAT: -L -n lists both services" "$(listed)" "$(want_listing 8080 Masq)"
both_families NAT
