#!/bin/bash
# Connection thresholds (-x/-y) and one-packet scheduling (-o), with exact
# counts, in direct routing:
#
#   c 10.0.0.1, lb 10.0.0.2 (VIP 10.0.0.100), rs1, rs2 10.0.0.11, .12
#   on one bridge; both take the VIP by REDIRECT.
#
# Thresholds: rr over rs1 (-x 2 -y 1) and rs2 (none), long connections
# held open. rs1 takes the 1st and 3rd; at 2 it is overloaded, so every
# later one goes to rs2, also when one of rs1's ends (1 left: not below
# -y 1); once both have ended (0 left) rs1 is back in the rotation. A
# connection that ends is in the table until its FIN timeout, set to 1 s.
# Then a higher -x ends the overload at once, and wlc passes an
# overloaded server by too.
#
# One-packet: a UDP service with -o; datagrams from one client socket
# (one flow) are each scheduled, rr: exactly alternating, and no entry is
# made (conn_count 0). NAT is refused on such a service.
. "$(dirname "$0")/../lib.sh"

topo_dr redirect redirect
for i in 1 2; do chat_server "rs$i" 80 "rs$i"; done
for i in 1 2; do name_server "rs$i" udp 53 "rs$i"; done

# conns N: "active inactive" of real server N on VIP:80 (-L --thresholds).
conns() {
	adm lb -L -n --thresholds -t "$VIP:80" |
		awk -v r="$(rip "$1"):80" '$1 == "->" && $2 == r { print $5, $6 }'
}
# total_is N COUNT: real server N has COUNT live connection entries.
total_is() { conns "$1" | awk -v n="$2" '{ exit !($1 + $2 == n) }'; }

# open_conn: one more long connection, in this shell (its fifo must stay
# open); $name is the server that answered, names collects them. Its
# socat's pid goes to conn_pid[FD].
next_fd=10
names=
declare -A conn_pid
open_conn() {
	local fd=$next_fd
	next_fd=$((next_fd + 1))
	conn_open "$fd" c "$VIP" 80
	conn_pid[$fd]=${bg_pids[-1]}
	name=$(conn_say "$fd" "hello$fd")
	names+="$name "
}
# take: $got is the names since the last take.
take() { got=${names% }; names=; }
# close_conn FD: the client ends connection FD: its socat goes (the
# child of the background job's pid, unless the job is socat itself).
close_conn() {
	local pid=${conn_pid[$1]} p
	for p in $(pgrep -P "$pid"); do kill "$p"; done
	kill "$pid" 2>/dev/null || true
}

adm lb --set 900 1 300
adm lb -A -t "$VIP:80" -s rr
adm lb -a -t "$VIP:80" -r "$(rip 1):80" -g -x 2 -y 1
adm lb -a -t "$VIP:80" -r "$(rip 2):80" -g
thresholds_of() {
	adm lb -L -n --thresholds | awk -v r="$(rip "$1"):80" '$2 == r { print $3, $4 }'
}
expect_eq "-L --thresholds: rs1's thresholds" "$(thresholds_of 1)" "2 1"

for k in 1 2 3 4 5; do open_conn; done
take
expect_eq "5 connections, rs1 overloaded at 2" "$got" "rs1 rs2 rs1 rs2 rs2"
expect_eq "rs1 active, inactive" "$(conns 1)" "2 0"
expect_eq "rs2 active, inactive" "$(conns 2)" "3 0"

# rs1's first connection ends: 1 left, not below -y 1: still overloaded.
close_conn 10
wait_for 30 total_is 1 1
open_conn
take
expect_eq "rs1 at 1 (not below -y 1): the next to rs2" "$got" rs2
# Its second ends: 0 left, below -y 1: rs1 takes new connections again.
close_conn 12
wait_for 30 total_is 1 0
open_conn
open_conn
take
expect_eq "rs1 at 0: back in the rotation" "$got" "rs1 rs2"
expect_eq "rs1 active, inactive at the end" "$(conns 1)" "1 0"
expect_eq "rs2 active, inactive at the end" "$(conns 2)" "5 0"

# Raising the upper threshold ends an overload at once (as IPVS).
for k in 1 2 3; do open_conn; done
take
expect_eq "rs1 at 2 again: overloaded, its turn passes" "$got" "rs1 rs2 rs2"
adm lb -e -t "$VIP:80" -r "$(rip 1):80" -x 3 -y 1
open_conn
take
expect_eq "-x 3: rs1 takes new connections at once" "$got" rs1
# -e without -x or -y resets them (ipvsadm): no thresholds.
adm lb -e -t "$VIP:80" -r "$(rip 1):80"
expect_eq "-e without -x/-y: thresholds 0" "$(thresholds_of 1)" "0 0"
# wlc (the schedulers that weigh every server) passes one by as well: rs1
# has 3 connections, rs2 7; at 4 rs1 is overloaded.
adm lb -E -t "$VIP:80" -s wlc
adm lb -e -t "$VIP:80" -r "$(rip 1):80" -x 4
expect_eq "before wlc: rs1, rs2 active" "$(conns 1 | cut -d' ' -f1) $(conns 2 | cut -d' ' -f1)" "3 7"
open_conn
open_conn
take
expect_eq "wlc: rs1 (fewest) until overloaded at 4, then rs2" "$got" "rs1 rs2"

# ---- one-packet scheduling -----------------------------------------------
adm lb -A -u "$VIP:53" -s rr -o
for i in 1 2; do adm lb -a -u "$VIP:53" -r "$(rip "$i"):53"; done
expect_eq "-L -n shows ops" "$(adm lb -L -n | awk '$1 == "UDP" { print $3, $4 }')" "rr ops"
before=$(info_of lb conn_count)
expect_eq "6 datagrams of one flow, each scheduled" \
	"$(udp_names c "$VIP" 53 6 same | tr '\n' ' ')" "rs1 rs2 rs1 rs2 rs1 rs2 "
expect_eq "entries made by one-packet datagrams" "$(info_of lb conn_count)" "$before"
expect_eq "service's connections counted (one per datagram)" \
	"$(adm lb -L -n --stats --exact | awk -v v="$VIP:53" '$1 == "UDP" && $2 == v { print $3 }')" 6
expect_eq "-S saves -o" "$(adm lb -S -n | grep -- '^-A -u')" "-A -u $VIP:53 -s rr -o"

# NAT cannot be combined with it; refused, nothing changed.
table=$(adm lb -S -n)
out=$(adm lb -a -u "$VIP:53" -r "$(rip 3):5353" -m 2>&1) && fail "NAT dest on an -o service accepted"
expect_true "NAT dest on an -o service refused: $out" grep -q "one-packet" <<<"$out"
adm lb -A -u "$VIP:54" -s rr
adm lb -a -u "$VIP:54" -r "$(rip 1):5454" -m
out=$(adm lb -E -u "$VIP:54" -s rr -o 2>&1) && fail "-o on a service with a NAT dest accepted"
expect_true "-o on a service with a NAT dest refused: $out" grep -q "one-packet" <<<"$out"
adm lb -D -u "$VIP:54"
expect_eq "table after the refusals" "$(adm lb -S -n)" "$table"

# -E without -o turns it off: one flow sticks to one server again.
adm lb -E -u "$VIP:53" -s rr
expect_eq "without -o: one flow, one server" \
	"$(udp_names c "$VIP" 53 3 same | sort -u | wc -l)" 1
expect_eq "without -o: the flow's entry" "$(info_of lb conn_count)" "$((before + 1))"
