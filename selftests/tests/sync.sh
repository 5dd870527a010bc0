#!/bin/bash
# Active/backup with connection sync (issue 26): two balancers, the VIP
# and the real servers' gateway held by one of them at a time, both
# running both sync roles (as keepalived's lvs_sync_daemon has IPVS do).
#
#   c 198.51.100.1 --+                               +-- rs1, rs2 10.0.0.11, .12
#   rsd1, rsd2 198.51.100.21, .22 (VIP on lo) --+   |   (NAT, default via GW)
#        out (bridge) --+-- eth0 lb1 eth1 --+-- in (bridge)
#                       +-- eth0 lb2 eth1 --+
#   lb1 198.51.100.2 / 10.0.0.2, lb2 198.51.100.3 / 10.0.0.3;
#   the active one also VIP 198.51.100.100 and GW 10.0.0.1.
#
# VIP:7000 rr, direct routing to rsd1, rsd2; VIP:7001 rr, NAT to rs1, rs2;
# VIP:7002 rr -p, NAT to rs1, rs2; VIP:7003 rr, IPIP tunnel to rsd1, rsd2.
# Sync over eth1 (224.0.0.81:8848, syncid 1, a shared key). 30 long-lived
# connections (15 to each of 7000 and 7001) echo through lb1; the backup
# holds exactly their 30 entries, on the same real servers, and also c's
# template of 7002 and the entry of a long connection to 7003; the
# addresses move to lb2 (a plain `ip addr` move, and the neighbours'
# caches flushed as a gratuitous ARP would): all 30 keep echoing, each
# from its server, so does the tunnel's, and c's new connections to 7002
# go to its template's server (rr would take both); then back to lb1, the
# 30 the same. With the daemons stopped, 30 new connections and the same
# move: none survives (lb2's stack resets them), which proves the test.
# Last, hostile datagrams to lb2's backup, crafted here: a bad MAC, an
# unknown service, a malformed one install nothing and are counted,
# exactly; a well-formed one (which shows the crafting is right) installs
# its entry; so does one of an IPv6 connection, over IPv6, to a backup of
# an IPv6 group; then lb1's master sends to that group the entry of c's
# IPv6 UDP flow through lb1, which lb2 installs. Last, l4lbd with
# keepalived's lvs_sync_daemon runs both roles, and stops them at its
# exit.
. "$(dirname "$0")/../lib.sh"

N=30
SVIP=$NAT_VIP
GW=$(lan 1)
KEY=/tmp/sync.key
echo 000102030405060708090a0b0c0d0e0f >"$KEY"

modprobe -q ipip || skip "no ipip module"
module_load
switch_add out
switch_add in
ns_add c lb1 lb2 rsd1 rsd2 rs1 rs2
plug out c "$(wan 1)/24"
for i in 1 2; do
	plug out "lb$i" "$(wan $((i + 1)))/24" eth0
	plug in "lb$i" "$(lan $((i + 1)))/24" eth1
	ip_forward "lb$i" 1
	plug out "rsd$i" "$(wan $((20 + i)))/24"
	accept_vip_lo "rsd$i" "$SVIP"
	chat_server "rsd$i" 7000 "rsd$i" backlog=64
	chat_server "rsd$i" 7003 "rsd$i"
	ip -n "$prefix-rsd$i" link set tunl0 up
	nsx "rsd$i" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
	plug in "rs$i" "$(rip "$i")/24"
	ip -n "$prefix-rs$i" route add default via "$GW"
	chat_server "rs$i" 7001 "rs$i" backlog=64
done

rules="-A -t $SVIP:7000 -s rr
-a -t $SVIP:7000 -r $(wan 21) -g
-a -t $SVIP:7000 -r $(wan 22) -g
-A -t $SVIP:7001 -s rr
-a -t $SVIP:7001 -r $(rip 1):7001 -m
-a -t $SVIP:7001 -r $(rip 2):7001 -m
-A -t $SVIP:7002 -s rr -p 300
-a -t $SVIP:7002 -r $(rip 1):7001 -m
-a -t $SVIP:7002 -r $(rip 2):7001 -m
-A -t $SVIP:7003 -s rr
-a -t $SVIP:7003 -r $(wan 21):7003 -i
-a -t $SVIP:7003 -r $(wan 22):7003 -i"
# Closing entries last 8 s (above twice the backup's 3 s of grace, so
# the master refreshes them once halfway), for the check that they
# expire on both balancers.
for i in 1 2; do adm "lb$i" -R <<<"$rules"; adm "lb$i" --set 0 8 0; done

# hold LB: LB takes the VIP and the gateway, the other lets them go.
hold() {
	local other=$((3 - $1)) h
	ip -n "$prefix-lb$other" addr del "$SVIP/32" dev eth0 2>/dev/null || true
	ip -n "$prefix-lb$other" addr del "$GW/32" dev eth1 2>/dev/null || true
	ip -n "$prefix-lb$1" addr add "$SVIP/32" dev eth0
	ip -n "$prefix-lb$1" addr add "$GW/32" dev eth1
	for h in c rs1 rs2; do ip -n "$prefix-$h" neigh flush dev eth0; done
}
hold 1

daemons() {
	local i r
	for i in 1 2; do
		for r in master backup; do
			adm "lb$i" --start-daemon "$r" --mcast-interface eth1 \
				--syncid 1 --sync-key-file "$KEY"
		done
	done
}
daemons
expect_eq "-L --daemon, as ipvsadm prints it" "$(adm lb1 -L --daemon)" \
"master sync daemon (mcast=eth1, syncid=1, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)
backup sync daemon (mcast=eth1, syncid=1, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)"
out=$(adm lb1 --start-daemon master --mcast-interface eth1 2>&1) && rc=0 || rc=$?
expect_eq "a second master: refused, exit 2" "$rc: $out" \
	"2: l4lbadm: Sync daemon already running: this sync daemon runs already"
out=$(adm lb1 --start-daemon backup --mcast-interface nosuch0 2>&1) && rc=0 || rc=$?
expect_eq "no such interface: ENODEV, exit 2" "$rc: $out" \
	"2: l4lbadm: No such interface"

# One bash in c drives the N connections of a set (a process per
# connection costs much in the guest): connection I goes to VIP:7000
# (I < N/2, DR) or VIP:7001 (NAT); "round WORD" on its control fifo has
# each live connection say WORD-I and read the answer, and writes the
# servers that answered, or "-" for a connection gone (reset), to
# /tmp/sync-WORD.
driver() {
	local ctl=/tmp/sync-ctl
	rm -f "$ctl"
	mkfifo "$ctl"
	exec 9<>"$ctl"
	# shellcheck disable=SC2016
	nsx c bash -c '
		trap "" PIPE
		n=$1 vip=$2
		for ((i = 0; i < n; i++)); do
			exec {fd}<>"/dev/tcp/$vip/$((i < n / 2 ? 7000 : 7001))" && c[i]=$fd
		done
		while read -r cmd word <&9; do
			[ "$cmd" = round ] || break
			out=
			for ((i = 0; i < n; i++)); do
				a=-
				if [ -n "${c[i]:-}" ] && echo "$word-$i" >&"${c[i]}" 2>/dev/null &&
					read -r -t 10 name rest <&"${c[i]}" && [ "$rest" = "$word-$i" ]; then
					a=$name
				else
					c[i]=
				fi
				out+="${out:+ }$a"
			done
			echo "$out" >"/tmp/sync-$word.tmp"
			mv "/tmp/sync-$word.tmp" "/tmp/sync-$word"
		done' driver "$N" "$SVIP" 9<&9 &
	drv=$!
	bg_pids+=("$drv")
}
# round WORD: $got, the server each connection's WORD came back from.
round() {
	rm -f "/tmp/sync-$1"
	echo "round $1" >&9
	wait_for 60 test -s "/tmp/sync-$1"
	got=$(cat "/tmp/sync-$1")
}
# close_all: the driver exits, closing its connections.
close_all() {
	echo "end" >&9
	wait "$drv" 2>/dev/null || true
	exec 9>&-
}
answered() { tr ' ' '\n' <<<"$1" | grep -c '^rs' || true; }
# flows LB: LB's ESTABLISHED entries of c to VIP:7000 and VIP:7001,
# "client vip dest" sorted.
flows() {
	adm "lb$1" -L -c -n | awk -v c="$(wan 1)" -v v="$SVIP" '
		$1 == "TCP" && $3 == "ESTABLISHED" && index($4, c ":") == 1 &&
		($5 == v ":7000" || $5 == v ":7001") { print $4, $5, $6 }' | sort
}
established() { flows "$1" | grep -c . || true; }
# has LB N: LB holds N ESTABLISHED entries of c.
has() { [ "$(established "$1")" = "$2" ]; }
# poll LIMIT CMD...: wait_for's polling, but a timeout returns 1 (the
# case after it says what was missing) rather than stopping the test.
poll() {
	local end=$((SECONDS + $1 * ${L4LB_WAIT_SCALE:-1}))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		nap
	done
}

# ---- sync on ------------------------------------------------------------
log "set up"
driver
round a
log "$N connections open"
first=$got
expect_eq "connections echoing through lb1" "$(answered "$got")" $N
dr=$(tr ' ' '\n' <<<"$got" | head -n $((N / 2)) | sort | uniq -c | awk '{ printf "%s%s:%s", s, $2, $1; s = " " }')
nat=$(tr ' ' '\n' <<<"$got" | tail -n $((N / 2)) | sort | uniq -c | awk '{ printf "%s%s:%s", s, $2, $1; s = " " }')
expect_true "rr: DR connections on rsd1 and rsd2, 8 and 7 ($dr)" \
	grep -Eqx 'rsd1:(7 rsd2:8|8 rsd2:7)' <<<"$dr"
expect_true "rr: NAT connections on rs1 and rs2, 8 and 7 ($nat)" \
	grep -Eqx 'rs1:(7 rs2:8|8 rs2:7)' <<<"$nat"
expect_eq "lb1: entries ESTABLISHED" "$(established 1)" $N
wait_for 20 has 2 $N
expect_eq "lb2 (backup): the same entries, on the same real servers" \
	"$(flows 2)" "$(flows 1)"
log "lb2 holds the $N entries"

# A persistent service (VIP:7002 -p, NAT to rs1, rs2): a connection of c
# through lb1 makes its template, which the backup gets; after the move,
# c's new connections follow it. Another client (a second address of c)
# comes first, so that c's server is rs2, where lb2's rr, without the
# template, would send c's first new connection to rs1.
addr_add c eth0 "$(wan 4)/24"
expect_eq "-p: another client's connection through lb1" \
	"$(nsx c socat -t 10 - "TCP4:$SVIP:7002,bind=$(wan 4)" <<<o | awk '{ print $1 }')" rs1
sticky=$(tcp_names c "$SVIP" 7002 1 p)
expect_eq "-p: c's connection through lb1" "$sticky" rs2
# tmpl LB: LB's template of c for VIP:7002, "IP NONE client vip dest".
tmpl() {
	adm "lb$1" -L -c -n | awk -v c="$(wan 1):0" -v v="$SVIP:7002" '
		$1 == "IP" && $4 == c && $5 == v { print $1, $3, $4, $5, $6 }'
}
tmpl_on_lb2() { [ -n "$(tmpl 2)" ]; }
poll 20 tmpl_on_lb2 || true
expect_eq "-p: lb2 (backup) holds lb1's template of c" "$(tmpl 2)" \
	"IP NONE $(wan 1):0 $SVIP:7002 $(rip "${sticky#rs}"):7001"

# A tunnel service (VIP:7003 -i, IPIP to rsd1, rsd2): a long connection
# through lb1, its entry on lb2, and after the move it still echoes, from
# its server (lb2 encapsulating).
conn_open 3 c "$SVIP" 7003
tun_first=$(conn_say 3 t1)
# tun LB: LB's ESTABLISHED entries of c for VIP:7003, "vip dest".
tun() {
	adm "lb$1" -L -c -n | awk -v c="$(wan 1):" -v v="$SVIP:7003" '
		$1 == "TCP" && $3 == "ESTABLISHED" && index($4, c) == 1 && $5 == v { print $5, $6 }'
}
tun_on_lb2() { [ -n "$(tun 2)" ]; }
poll 20 tun_on_lb2 || true
expect_eq "-i: lb2 (backup) holds the tunnel connection's entry" "$(tun 2)" \
	"$SVIP:7003 $(wan "2${tun_first#rsd}"):7003"
# tun_say WORD: the server that answered WORD on the tunnel connection,
# or nothing.
tun_say() {
	echo "$1" >&3
	poll 10 grep -q " $1\$" /tmp/conn-3.out || true
	awk -v w="$1" '$2 == w { print $1 }' /tmp/conn-3.out
}
log "moving the VIP and the gateway to lb2"

in0=$(adm lb2 -L -n --stats | awk -v v="$SVIP:7000" '$2 == v { print $4 }')
hold 2
round b
expect_eq "after the move to lb2: connections echoing, each from its server" "$got" "$first"
in1=$(adm lb2 -L -n --stats | awk -v v="$SVIP:7000" '$2 == v { print $4 }')
expect_true "lb2 carried the DR service's packets ($in0 -> $in1)" [ "$in1" -gt "$in0" ]
expect_eq "-p, after the move to lb2: c's new connections on its server" \
	"$(tcp_names c "$SVIP" 7002 2 q | tr '\n' ' ')" "$sticky $sticky "
expect_eq "-i, after the move to lb2: the tunnel connection echoes, from its server" \
	"$(tun_say t2)" "$tun_first"

hold 1
round c
expect_eq "after the failback to lb1: connections echoing, each from its server" "$got" "$first"
# The tunnel connection's client ends (its own socat holds the fifo's
# writing end too, so closing ours is no EOF).
pid=$(nsx c ss -Htnp "dport = :7003" | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1)
[ -z "$pid" ] || kill "$pid"
exec 3>&-
close_all
# The clients' FINs moved lb1's entries on; the backup follows.
wait_for 20 has 1 0
wait_for 20 has 2 0
log "failback done, connections closed on lb1 and lb2"
# entries LB: LB's connection entries of c, in any state (not its
# template, which lasts -p's 300 s).
entries() {
	adm "lb$1" -L -c -n | awk -v c="$(wan 1)" '$1 != "IP" && index($4, c ":") == 1' | grep -c . || true
}
gone() { [ "$(entries 1)" = 0 ] && [ "$(entries 2)" = 0 ]; }
# Both balancers run both roles: neither may send the other's copies
# back to it, which would keep them alive on both for ever.
poll 40 gone || adm lb1 -L -c -n
expect_eq "closed: the entries expire on lb1 and on lb2" "$(entries 1) $(entries 2)" "0 0"

# ---- sync off: the same move loses every connection ---------------------
for i in 1 2; do
	for r in master backup; do adm "lb$i" --stop-daemon "$r"; done
done
expect_eq "-L --daemon with none running" "$(adm lb1 -L --daemon)" ""
out=$(adm lb1 --stop-daemon master 2>&1) && rc=0 || rc=$?
expect_eq "stopping a stopped daemon: ENOENT, exit 2" "$rc: $out" \
	"2: l4lbadm: Sync daemon not running: this sync daemon does not run"
driver
round d
expect_eq "without sync: connections echoing through lb1" "$(answered "$got")" $N
expect_eq "without sync: lb1's entries ESTABLISHED" "$(established 1)" $N
expect_eq "without sync: lb2 has none of them" "$(established 2)" 0
hold 2
round e
expect_eq "without sync, after the move to lb2: connections echoing" "$(answered "$got")" 0
close_all
hold 1
log "without sync done"

# ---- hostile datagrams to lb2's backup ----------------------------------
# stat NAME: a counter of lb2's backup (-L --daemon --stats).
stat() {
	adm lb2 -L --daemon --stats | awk -v k="$1" '
		/^backup/ { b = 1; next } /^master/ { b = 0 }
		b { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'
}
got_datagrams() { [ "$(stat datagrams)" = "$1" ]; }
# send HEX: one datagram to lb2's sync port, from rs1.
send() {
	local n
	n=$(stat datagrams)
	printf '%s' "$1" | xxd -r -p | nsx rs1 socat -u - "UDP4-SENDTO:$(lan 3):8848"
	wait_for 10 got_datagrams $((n + 1))
}
hex4() { local o; IFS=. read -ra o <<<"$1"; printf '%02x' "${o[@]}"; }
# record CPORT VPORT: an ESTABLISHED DR connection from c's CPORT to
# VIP:VPORT on rsd1, 600 s left.
record() {
	printf '01020601020000%02x%04x%04x%04x0000%08x%08x%s%s%s' 36 "$1" "$2" "$2" 0 600000 \
		"$(hex4 "$(wan 1)")" "$(hex4 "$SVIP")" "$(hex4 "$(wan 21)")"
}
# header COUNT LEN FLAGS
header() { printf '4c34534e0101%02x%02x%04x0000' "$1" "$3" "$2"; }

adm lb2 --start-daemon backup --mcast-interface eth1 --syncid 1 --sync-key-file "$KEY"
send "$(header 1 56 1)$(record 42000 7000)0000000000000000"
expect_eq "keyed backup: a datagram with a wrong MAC is counted" "$(stat bad_auth)" 1
send "$(header 1 48 0)$(record 42000 7000)"
expect_eq "keyed backup: a datagram without a MAC is counted" "$(stat bad_auth)" 2
expect_eq "keyed backup: nothing installed" "$(established 2)" 0
adm lb2 --stop-daemon backup
adm lb2 --start-daemon backup --mcast-interface eth1 --syncid 1
send "$(header 1 48 0)$(record 42001 7007)"
expect_eq "a record for a service lb2 lacks: counted" "$(stat no_service)" 1
send "$(header 2 48 0)$(record 42002 7000)"
expect_eq "a datagram with fewer records than its count: counted" "$(stat malformed)" 1
send "$(header 1 48 0)$(record 42003 7000)"
expect_eq "the same well formed: installed, alone" "$(flows 2)" \
	"$(wan 1):42003 $SVIP:7000 $(wan 21):7000"
adm lb2 --stop-daemon backup

# An IPv6 group, and a record of an IPv6 connection (lb2 has the service).
for h in lb2:eth1:3 rs1:eth0:11; do
	IFS=: read -r ns dev n <<<"$h"
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		"net.ipv6.conf.$dev.disable_ipv6=0" "net.ipv6.conf.$dev.accept_dad=0"
	ip -n "$prefix-$ns" addr add "2001:db8::$n/64" dev "$dev" nodad
done
adm lb2 -R <<<"-A -t [2001:db8:100::100]:7000 -s rr
-a -t [2001:db8:100::100]:7000 -r [2001:db8:100::21]:7000 -g"
adm lb2 --start-daemon backup --mcast-interface eth1 --syncid 1 --mcast-group ff02::81
expect_eq "-L --daemon: an IPv6 group, maxlen for IPv6" "$(adm lb2 -L --daemon)" \
	"backup sync daemon (mcast=eth1, syncid=1, maxlen=1452, group=ff02::81, port=8848, ttl=1)"
n=$(stat datagrams)
# 2001:db8:100::1 port 42004 to [2001:db8:100::100]:7000 on ::21.
printf '%s010a0601020000%02x%04x%04x%04x0000%08x%08x%s%s%s' "$(header 1 84 0)" \
	72 42004 7000 7000 0 600000 20010db8010000000000000000000001 \
	20010db8010000000000000000000100 20010db8010000000000000000000021 |
	xxd -r -p | nsx rs1 socat -u - "UDP6-SENDTO:[2001:db8::3]:8848"
wait_for 10 got_datagrams $((n + 1))
expect_eq "an IPv6 record over IPv6: installed" \
	"$(adm lb2 -L -c -n | awk '$4 == "[2001:db8:100::1]:42004" { print $3, $5, $6 }')" \
	"ESTABLISHED [2001:db8:100::100]:7000 [2001:db8:100::21]:7000"

# The master's IPv6 path: lb1 sends to the IPv6 group; a datagram of c
# to lb1's IPv6 UDP service makes an entry that lb2's backup installs.
for h in lb1:eth1:2001:db8::2 lb1:eth0:2001:db8:100::2 c:eth0:2001:db8:100::1 \
	rsd1:eth0:2001:db8:100::21; do
	IFS=: read -r ns dev a <<<"$h"
	nsx "$ns" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0" \
		net.ipv6.conf.all.disable_ipv6=0 "net.ipv6.conf.$dev.disable_ipv6=0"
	ip -n "$prefix-$ns" addr add "$a/64" dev "$dev" nodad
done
ip -n "$prefix-lb1" addr add 2001:db8:100::100/64 dev eth0 nodad
for i in 1 2; do
	adm "lb$i" -R <<<"-A -u [2001:db8:100::100]:7000 -s rr
-a -u [2001:db8:100::100]:7000 -r [2001:db8:100::21]:7000 -g"
done
adm lb1 --start-daemon master --mcast-interface eth1 --syncid 1 --mcast-group ff02::81
# udp6 LB: LB's entries of c's IPv6 UDP flows, "vip dest".
udp6() {
	adm "lb$1" -L -c -n | awk '$1 == "UDP" && index($4, "[2001:db8:100::1]:") == 1 { print $5, $6 }'
}
udp6_on() { [ -n "$(udp6 "$1")" ]; }
nsx c bash -c 'echo x >/dev/udp/2001:db8:100::100/7000'
poll 20 udp6_on 1 || true
expect_eq "lb1: c's IPv6 UDP flow" "$(udp6 1)" "[2001:db8:100::100]:7000 [2001:db8:100::21]:7000"
poll 20 udp6_on 2 || true
expect_eq "IPv6 master to an IPv6 group: lb2's backup installed c's flow" "$(udp6 2)" \
	"[2001:db8:100::100]:7000 [2001:db8:100::21]:7000"
adm lb1 --stop-daemon master
adm lb2 --stop-daemon backup

# l4lbd with keepalived's lvs_sync_daemon: both roles while it runs.
conf=/tmp/sync-l4lbd.conf
printf 'global_defs {\n  lvs_sync_daemon eth1 VI_1 id 3\n  l4lbd_allow_empty\n}\n' >"$conf"
roles() { adm lb1 -L --daemon | awk '{ print $1 }' | tr '\n' ' '; }
roles_are() { [ "$(roles)" = "$1" ]; }
pidf=/tmp/sync-l4lbd.pid
rm -f "$pidf"
bg lb1 bash -c "exec $L4LBD -f $conf -p $pidf 2>/tmp/sync-l4lbd.log"
wait_for 20 roles_are "master backup "
expect_eq "l4lbd's lvs_sync_daemon: both roles" "$(adm lb1 -L --daemon | sed -n 1p)" \
	"master sync daemon (mcast=eth1, syncid=3, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)"
kill "$(cat "$pidf")"
wait_for 20 roles_are ""
case_pass "l4lbd stopped: its sync roles too"
