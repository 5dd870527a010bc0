#!/bin/bash
# ECMP scale-out (issue 26): three balancers announce one VIP to a router
# that spreads flows over them by an L4 hash (a multipath route, hashing
# the five-tuple); each has the same mh service (the same key,
# mh-port) sending DR to the same real servers.
#
#   c 10.1.0.x --- r (router) 10.0.0.254 ---+--- br0 (sw)
#                  VIP via lb1, lb2, lb3    |
#   lb1..lb3 10.0.0.2..4 (VIP on lo) -------+
#   rs1..rs4 10.0.0.11..14 (VIP on lo, default route via r) ---+
#
# 30 long-lived TCP connections (fixed source addresses and ports) echo
# through it. When the router rehashes (a balancer leaves the group, later
# rejoins), flows arrive at a balancer that never saw their SYN:
#   - control, VIP2 with --pickup off: the balancer leaves them to its own
#     stack, which resets them (counted: every flow that moved);
#   - VIP, mh's default (pickup on): the new balancer schedules
#     them mid-flow by the hash, to the same real server; all 30 echo after
#     the leave, the rejoin and a fourth real server added on every
#     balancer (exact: 30 of 30, each from the server mh_lookup, the
#     module's hash code on the host, gave it). The share of the 30 flows,
#     and of 3000 others, that the hash moves when rs4 comes is reported
#     (ideal 1/4); the 30 keep their server through their entries.
# A picked-up entry starts SYN_RECV and is ESTABLISHED after the flow's
# next packet (none is left SYN_RECV after two exchanges).
#
# L4LB_ECMP_BIRD=1 (ecmp_bird.sh): the README's bird2 and l4lbd files
# instead of ip route and l4lbadm. The router runs bird2 and learns the
# VIP over BGP from a bird2 on each balancer, whose l4lbd (lb_algo mh,
# mh-port, the module's default key) announces it with quorum_up (birdc
# enable) once its three real servers pass their checks, and withdraws it
# with quorum_down when none does. A balancer leaves the group when its
# health checks to the real servers are refused (its DR traffic is not),
# and rejoins when they pass again: the router's route loses that next
# hop, then has it again (polled). No control service (--pickup off):
# ecmp.sh has it.
. "$(dirname "$0")/../lib.sh"

MH_LOOKUP=$L4LB_DIR/selftests/unit/mh_lookup
[ -x "$MH_LOOKUP" ] || fail "no $MH_LOOKUP (make -C selftests/unit)"
N=30
KEY=ecmp-fleet-key01
BIRD=${L4LB_ECMP_BIRD:-}
if [ -n "$BIRD" ]; then
	command -v bird >/dev/null && command -v birdc >/dev/null ||
		fail "no bird2 (selftests/deps.sh test installs it)"
	[ -x "$L4LBD" ] || fail "no $L4LBD (make -C userspace/l4lbd)"
	# l4lbd sets no key: the module's default (L4LB_MH_KEY_DEFAULT).
	KEY=l4lb-maglev-key0
fi
KEYHEX=$(printf %s "$KEY" | od -An -tx1 | tr -d ' \n')
LBS=(1 2 3)

module_load
VIP2=10.0.0.101
switch_add sw
ns_add r c
plug sw r 10.0.0.254/24
link_pair r eth1 10.1.0.254/24 c eth0 10.1.0.1/24
for i in 1 2 3 4 5; do ip -n "$prefix-c" addr add "10.1.0.1$i/24" dev eth0; done
ip -n "$prefix-c" route add default via 10.1.0.254
# The five-tuple hash of a real router. Not policy 1 (L4): a veth hands
# the router the sending socket's hash, which policy 1 takes in place of
# the five-tuple and which TCP draws anew on a retransmission (a flow
# would change balancers in mid-handshake). Policy 3 with these fields
# (addresses, protocol, ports) hashes every packet's headers.
nsx r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=3 \
	net.ipv4.fib_multipath_hash_fields=0x0037
for i in "${LBS[@]}"; do
	ns_add "lb$i"
	plug sw "lb$i" "10.0.0.$((i + 1))/24"
	ip -n "$prefix-lb$i" addr add "$VIP/32" dev lo
	ip -n "$prefix-lb$i" addr add "$VIP2/32" dev lo
	ip -n "$prefix-lb$i" route add default via 10.0.0.254
done
for i in 1 2 3 4; do
	ns_add "rs$i"
	plug sw "rs$i" "$(rip "$i")/24"
	accept_vip_lo "rs$i" "$VIP"
	ip -n "$prefix-rs$i" addr add "$VIP2/32" dev lo
	ip -n "$prefix-rs$i" route add default via 10.0.0.254
	# All of a set's connections come at once: room for them.
	chat_server "rs$i" 7000 "rs$i" backlog=64
done

# hops: the balancers the router's route to the VIP goes through ("1 3").
hops() {
	ip -n "$prefix-r" route show "$VIP/32" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "via") print substr($(i + 1), 8) - 1 }' |
		sort -n | tr '\n' ' ' | sed 's/ $//'
}
hops_are() { [ "$(hops)" = "$*" ]; }
# partition LB on|off: the balancer's health checks to the real servers
# are refused, or no longer (its DR traffic, from the clients' addresses,
# is not touched).
partitioned=" "
partition() {
	local s op
	case $2 in
	on) [[ $partitioned != *" $1 "* ]] || return 0; op=-I; partitioned+="$1 " ;;
	off) [[ $partitioned == *" $1 "* ]] || return 0; op=-D; partitioned=${partitioned/ $1 / } ;;
	esac
	for s in 1 2 3 4; do
		nsx "rs$s" iptables "$op" INPUT -s "10.0.0.$(($1 + 1))" -p tcp --dport 7000 \
			-j REJECT --reject-with tcp-reset
	done
}
# group LB...: the balancers the router sends the VIPs' flows to. With
# bird: the others lose their real servers and withdraw, these have them
# and announce; until the router's route says so.
group() {
	local hops=() i v
	if [ -n "$BIRD" ]; then
		for i in "${LBS[@]}"; do
			if [[ " $* " == *" $i "* ]]; then partition "$i" off; else partition "$i" on; fi
		done
		wait_for 60 hops_are "$@"
		log "the router's route: $(ip -n "$prefix-r" route show "$VIP/32" | tr -s ' \n\t' ' ')"
		case_pass "bird: the router's route to $VIP goes through balancers $*"
		return
	fi
	for i in "$@"; do hops+=(nexthop via "10.0.0.$((i + 1))" dev eth0); done
	for v in "$VIP" "$VIP2"; do ip -n "$prefix-r" route replace "$v/32" "${hops[@]}"; done
}

# readme_block FIRST-LINE: README.md's code block that starts with it.
readme_block() {
	awk -v h="$1" '/^```/ { if (inb) exit; open = !open; first = open; next }
		first { first = 0; if ($0 == h) inb = 1 }
		inb { print }' "$L4LB_DIR/README.md"
}
# The README's ECMP files, its addresses the test's (the router
# 10.0.0.254, balancers 10.0.0.2.., real servers 10.0.0.11..13) but for
# the VIP (192.0.2.10), the port (80) and the balancers' own address in
# their bird.conf; birdc gets the balancer's control socket. Each bird
# and l4lbd runs in its balancer's namespace, its files in $dir.
dir=/tmp/ecmp-bird
bird_up() {
	local i lbconf rconf l4
	rm -rf "$dir"
	mkdir -p "$dir"
	lbconf=$(readme_block "# /etc/bird/bird.conf")
	rconf=$(readme_block "# /etc/bird/bird.conf on the router")
	l4=$(readme_block "# /etc/l4lbd.conf on each balancer")
	[ -n "$lbconf" ] && [ -n "$rconf" ] && [ -n "$l4" ] ||
		fail "README.md: no bird2 or l4lbd file in the ECMP section"
	printf '%s\n' "$rconf" >"$dir/r.conf"
	bg r bird -f -c "$dir/r.conf" -s "$dir/r.ctl"
	wait_for 10 listening r tcp 179
	for i in "${LBS[@]}"; do
		sed -e "s/192\.0\.2\.10/$VIP/" -e "s/10\.0\.0\.2\([; ]\)/10.0.0.$((i + 1))\1/g" \
			<<<"$lbconf" >"$dir/lb$i.conf"
		sed -e "s/192\.0\.2\.10/$VIP/" -e "s/ 80 / 7000 /g" \
			-e "s|\"/usr/sbin/birdc |\"/usr/sbin/birdc -s $dir/lb$i.ctl |" \
			<<<"$l4" >"$dir/l4lbd-lb$i.conf"
		"$L4LBD" -t -f "$dir/l4lbd-lb$i.conf" >/dev/null || fail "l4lbd -t: the README's l4lbd file"
		bg "lb$i" bird -f -c "$dir/lb$i.conf" -s "$dir/lb$i.ctl"
		# l4lbd's first quorum_up needs bird answering.
		wait_for 10 birdc -s "$dir/lb$i.ctl" show status
		bg "lb$i" bash -c "exec $L4LBD -f $dir/l4lbd-lb$i.conf 2>>$dir/l4lbd-lb$i.log"
	done
	sed 's/^/# /' "$dir/lb2.conf" "$dir/l4lbd-lb2.conf"
	wait_for 60 hops_are "${LBS[@]}"
	log "the router's route: $(ip -n "$prefix-r" route show "$VIP/32" | tr -s ' \n\t' ' ')"
	case_pass "bird: every balancer announces $VIP once its real servers pass their checks"
}
if [ -n "$BIRD" ]; then
	# On failure, what bird and l4lbd said.
	fail() {
		local i
		echo "FAIL: $*" >&2
		ip -n "$prefix-r" route show "$VIP/32" | sed 's/^/# r: /' >&2
		for i in r lb1 lb2 lb3; do
			birdc -s "$dir/$i.ctl" show protocols 2>&1 | sed "s/^/# $i: /" >&2
		done
		tail -n 20 "$dir"/l4lbd-lb*.log | sed 's/^/# /' >&2
		for i in "${LBS[@]}"; do
			adm "lb$i" -L -n --stats 2>&1 | sed "s/^/# lb$i: /" >&2
			adm "lb$i" -L --info 2>&1 | sed "s/^/# lb$i: /" >&2
			adm "lb$i" -L -c -n 2>&1 | head -n 5 | sed "s/^/# lb$i: /" >&2
		done
		head -n 2 /tmp/ecmp-*.out 2>/dev/null | head -n 40 | sed 's/^/# /' >&2
		ps ax | grep -c '[s]ocat' | sed 's/^/# socat processes: /' >&2
		case_result "not ok" "$*"
		exit 1
	}
	bird_up
	for i in "${LBS[@]}"; do
		expect_true "lb$i: l4lbd's lb_algo mh, mh-port: mh (mh-port), pickup by default" \
			grep -q "^TCP  $(re "$VIP:7000") mh (mh-port)\$" <<<"$(adm "lb$i" -L -n)"
	done
else
	group "${LBS[@]}"
	# One restore per balancer (a process costs much in the guest).
	rules="-A -t $VIP:7000 -s mh -b mh-port --mh-key $KEYHEX
-A -t $VIP2:7000 -s mh -b mh-port --mh-key $KEYHEX --pickup off"
	for s in 1 2 3; do
		for v in "$VIP" "$VIP2"; do rules+=$'\n'"-a -t $v:7000 -r $(rip "$s") -g"; done
	done
	for i in "${LBS[@]}"; do adm "lb$i" -R <<<"$rules"; done
	listed=$(adm lb1 -L -n)
	expect_true "mh service: pickup by default (not listed, as ipvsadm lists it)" grep -q "^TCP  $(re "$VIP:7000") mh (mh-port)\$" <<<"$listed"
	expect_true "--pickup off: listed" grep -q "^TCP  $(re "$VIP2:7000") mh (mh-port) nopickup\$" <<<"$listed"
	expect_eq "JSON flags of VIP, VIP2" "$(adm lb1 -L -n --json | jq -c '[.services[] | .flags]')" "[256,0]"
	saved=$(adm lb1 -S -n)
	expect_true "-S: mh's default pickup not saved" \
		grep -qx -- "-A -t $(re "$VIP:7000") -s mh -b mh-port --mh-key $KEYHEX" <<<"$saved"
	expect_true "-S: VIP2's --pickup off saved" grep -q -- "^-A -t $(re "$VIP2:7000") .* --pickup off" <<<"$saved"
fi

# Connection I of a set: from 10.1.0.1(1 + I % 5), port BASE + I, to
# ADDR:7000, driven through fifo fd 10 + I. Builtins where they can do:
# a process costs much in the guest.
pid=()
tuple() { echo "10.1.0.1$((1 + $2 % 5)):$(($1 + $2))"; }
open_all() {
	local base=$1 addr=$2 i
	local fifos=()
	for ((i = 0; i < N; i++)); do fifos+=("/tmp/ecmp-$i.in"); done
	rm -f "${fifos[@]}"
	mkfifo "${fifos[@]}"
	for ((i = 0; i < N; i++)); do
		: >"/tmp/ecmp-$i.out"
		eval "exec $((10 + i))<>/tmp/ecmp-$i.in"
		# ip netns exec, not nsx: $! is then socat's pid (ip execs it).
		ip netns exec "$prefix-c" socat -t 1 - \
			"TCP4:$addr:7000,bind=10.1.0.1$((1 + i % 5)):$((base + i))" \
			<"/tmp/ecmp-$i.in" >"/tmp/ecmp-$i.out" &
		pid[i]=$!
		bg_pids+=($!)
	done
}
close_all() {
	local i
	for ((i = 0; i < N; i++)); do
		kill "${pid[i]}" 2>/dev/null || true
		wait "${pid[i]}" 2>/dev/null || true
		eval "exec $((10 + i))>&-"
	done
}
# answer_of WORD I: the server that answered connection I's WORD, or "-".
answer_of() {
	local l lines
	mapfile -t lines <"/tmp/ecmp-$2.out"
	answer=-
	for l in "${lines[@]+"${lines[@]}"}"; do
		if [[ $l == *" $1-$2" ]]; then answer=${l%% *}; fi
	done
}
# settled WORD: each connection answered WORD or is gone (reset).
settled() {
	local i
	for ((i = 0; i < N; i++)); do
		kill -0 "${pid[i]}" 2>/dev/null || continue
		answer_of "$1" "$i"
		[ "$answer" != - ] || return 1
	done
}
# round WORD: every live connection says WORD-I; $got: per connection,
# the server that answered, or "-" (the connection is gone).
round() {
	local i
	for ((i = 0; i < N; i++)); do
		if kill -0 "${pid[i]}" 2>/dev/null; then echo "$1-$i" >&$((10 + i)); fi
	done
	wait_for 60 settled "$1"
	got=
	for ((i = 0; i < N; i++)); do
		answer_of "$1" "$i"
		got+="${got:+ }$answer"
	done
}
answered() { tr ' ' '\n' <<<"$1" | grep -c '^rs' || true; }
# entries ADDR [STATE]: the balancers' entries of ADDR:7000, all of them
# (in STATE).
entries() {
	local i
	for i in "${LBS[@]}"; do adm "lb$i" -L -c -n; done |
		awk -v v="$1:7000" -v s="${2:-}" '$1 == "TCP" && $5 == v && (s == "" || $3 == s) { n++ } END { print n + 0 }'
}
no_syn_recv() { [ "$(entries "$1" SYN_RECV)" = 0 ]; }
# expected BASE DEST...: each connection's server, as mh_lookup computes.
expected() {
	local base=$1 i tuples=()
	shift
	for ((i = 0; i < N; i++)); do tuples+=("$(tuple "$base" "$i")"); done
	"$MH_LOOKUP" -p -k "$KEY" "$@" -- "${tuples[@]}" | sed 's/^10\.0\.0\.1/rs/' | tr '\n' ' ' | sed 's/ $//'
}
not_syn() {
	local i n=0
	for i in "${LBS[@]}"; do n=$((n + $(info_of "lb$i" not_syn_pkts))); done
	echo $n
}
three=("$(rip 1):7000" "$(rip 2):7000" "$(rip 3):7000")
want3=$(expected 30000 "${three[@]}")
log "set up"

# ---- control: pickup off, one balancer leaves ---------------------------
if [ -z "$BIRD" ]; then
	open_all 20000 "$VIP2"
	round a
	expect_eq "pickup off: connections echoing before the change" "$(answered "$got")" $N
	expect_eq "pickup off: entries, one per flow" "$(entries "$VIP2" ESTABLISHED)" $N
	on_lb3=$(adm lb3 -L -c -n | awk -v v="$VIP2:7000" '$5 == v { n++ } END { print n + 0 }')
	group 1 2
	not_syn0=$(not_syn)
	round b
	alive=$(answered "$got")
	reset=$((N - alive))
	log "pickup off: lb3 left: $alive of $N connections echo, $reset reset ($on_lb3 were on lb3)"
	expect_true "pickup off: connections moved to another balancer reset ($reset)" [ "$reset" -ge "$on_lb3" ] && [ "$on_lb3" -ge 1 ]
	expect_eq "pickup off: segments of unknown flows, one per reset connection" $(($(not_syn) - not_syn0)) "$reset"
	close_all
	group "${LBS[@]}"
fi

# ---- pickup on (mh's default) -------------------------------------------
open_all 30000 "$VIP"
round a
expect_eq "each connection's server, as mh_lookup says" "$got" "$want3"
expect_eq "entries, one per flow, ESTABLISHED" "$(entries "$VIP" ESTABLISHED)" $N

group 1 3
log "lb2 left the group"
round b
expect_eq "lb2 gone: connections echoing, each from its server" "$got" "$want3"
wait_for 20 no_syn_recv "$VIP"
picked=$(($(entries "$VIP") - N))
log "lb2 gone: $picked flows picked up mid-way by lb1 or lb3"
expect_true "flows picked up ($picked)" [ "$picked" -ge 1 ]
expect_eq "entries ESTABLISHED (the picked-up ones confirmed)" "$(entries "$VIP" ESTABLISHED)" $((N + picked))

group "${LBS[@]}"
log "lb2 rejoined"
round c
expect_eq "lb2 back: connections echoing, each from its server" "$got" "$want3"
wait_for 20 no_syn_recv "$VIP"
log "lb2 back: $(($(entries "$VIP") - N - picked)) more flows picked up"

for i in "${LBS[@]}"; do adm "lb$i" -a -t "$VIP:7000" -r "$(rip 4)" -g; done
log "rs4 added on every balancer"
want4=$(expected 30000 "${three[@]}" "$(rip 4):7000")
read -ra w3 <<<"$want3"
read -ra w4 <<<"$want4"
moved=0
for i in "${!w3[@]}"; do [ "${w3[i]}" = "${w4[i]}" ] || moved=$((moved + 1)); done
round d
expect_eq "rs4 added: connections echoing, each from its first server" "$got" "$want3"
expect_eq "connections echoing at the end" "$(answered "$got")" $N

# The hash's share moved by rs4, over 3000 more flows (mh_lookup).
sample=()
for ((i = 0; i < 3000; i++)); do sample+=("10.1.$((i / 250)).$((i % 250 + 1)):$((1024 + i * 7 % 60000))"); done
"$MH_LOOKUP" -p -k "$KEY" "${three[@]}" -- "${sample[@]}" >/tmp/ecmp-mh3
"$MH_LOOKUP" -p -k "$KEY" "${three[@]}" "$(rip 4):7000" -- "${sample[@]}" >/tmp/ecmp-mh4
counts=$(paste /tmp/ecmp-mh3 /tmp/ecmp-mh4 | awk -v r4="$(rip 4)" '$1 != $2 { n++; if ($2 == r4) m++ } END { print n + 0, m + 0 }')
read -r big to4 <<<"$counts"
log "rs4 added (N=4, ideal 1/4 = 25%): the hash moved $moved of the $N live flows ($((100 * moved / N))%) and $big of 3000 others ($((big / 30))%, $to4 of them to rs4); $(answered "$got") of the $N live flows echo from their first server"
close_all
