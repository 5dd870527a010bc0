#!/bin/bash
# Every scheduler's exact choices on a known sequence, counted per real
# server, on a direct-routing service VIP:80 of three real servers (rs1,
# rs2, rs3, added in that order, so ties go to rs1 first). Each case starts
# from a fresh service, whose destinations count connections from zero.
#
# The counting schedulers (wlc, lc, sed, nq, ovf) are driven by held
# connections (established: active) and short ones (closed at once:
# inactive, in FIN_WAIT/TIME_WAIT for the rest of the case). The hashing
# ones (sh, dh, mh) are checked client by client, from 12 source
# addresses of the client, against what a client's server must be:
# computed here (sh, dh: hash_32 over a table of 256) or by mh_lookup, the
# module's own Maglev code built for the host.
. "$(dirname "$0")/../lib.sh"

MH_LOOKUP=$L4LB_DIR/selftests/unit/mh_lookup
[ -x "$MH_LOOKUP" ] || fail "$MH_LOOKUP missing: run make on the host"
TCPFROM=$L4LB_DIR/selftests/tools/tcpfrom
[ -x "$TCPFROM" ] || fail "$TCPFROM missing: run make on the host"

# say_server NS NAME: on port 80, says NAME to each connection and keeps
# it open until the client closes, then closes within 0.1 s (socat alone:
# no process is started per connection but socat's fork).
say_server() {
	echo "$2" >"/tmp/say-$1"
	bg "$1" socat -t 0.1 TCP-LISTEN:80,fork,reuseaddr \
		"OPEN:/tmp/say-$1,rdonly,ignoreeof!!OPEN:/dev/null,wronly"
	wait_listen "$1" tcp 80
}

topo_dr redirect redirect lo
for i in 1 2 3; do say_server "rs$i" "rs$i"; done
clients=()
for i in $(seq 31 42); do
	ip -n "$prefix-c" addr add "10.0.0.$i/24" dev eth0
	clients+=("10.0.0.$i")
done

# svc SCHED|- W1 W2 W3: a fresh service (- : no -s, the default) with rs1,
# rs2, rs3 of these weights (one l4lbadm -R for the four commands).
svc() {
	local sched=$1 i
	shift
	adm lb -D -t "$VIP:80" 2>/dev/null || true
	{
		if [ "$sched" = - ]; then
			echo "-A -t $VIP:80"
		else
			echo "-A -t $VIP:80 -s $sched"
		fi
		for i in 1 2 3; do
			echo "-a -t $VIP:80 -r $(rip "$i"):80 -g -w ${!i}"
		done
	} | adm lb -R
}

# hold N: N more long connections, one after the other; held_names is
# where they went. One bash in c opens them (bash's /dev/tcp), one per
# line written to its fifo, prints the name each server says first, and
# keeps them all open until the test ends; the next case's fresh service
# does not count them.
rm -f /tmp/hold.in
mkfifo /tmp/hold.in
exec 8<>/tmp/hold.in
nsx c bash -c 'while read -r _; do
		if exec {fd}<>"/dev/tcp/$1/80" && read -r -t 30 name <&"$fd"; then
			echo "$name"
		else
			echo none
		fi
	done' hold "$VIP" <&8 >/tmp/hold.out &
bg_pids+=($!)
held=0
# held_at_least N: hold.out has N lines (no process per poll).
held_at_least() {
	local n=0
	while read -r _; do n=$((n + 1)); done </tmp/hold.out
	[ "$n" -ge "$1" ]
}
hold() {
	local k line
	held_names=
	for ((k = 0; k < $1; k++)); do
		echo >&8
		held=$((held + 1))
		wait_for 30 held_at_least "$held"
		mapfile -t -s $((held - 1)) -n 1 line </tmp/hold.out
		held_names+="${line[0]} "
	done
	held_names=${held_names% }
}

# shorts N: where N short connections went, in order.
shorts() { tcp_names c "$VIP" 80 "$1" | tr '\n' ' ' | sed 's/ $//'; }

# from ADDR[:PORT]...: one connection from each client address (and
# port): its server, or "none" if it was not answered within 4 s (dropped:
# no destination). All at once (tcpfrom -p): the hashing schedulers'
# choices do not depend on the order, and the 4 s of those dropped run
# together.
from() { nsx c "$TCPFROM" -p "$VIP" 80 "$@" | tr '\n' ' ' | sed 's/ $//'; }

no_dest_drops() { adm lb -L --info --json | jq .info.drops.no_dest; }

# ---- wlc, the default ------------------------------------------------
svc - 1 2 3
expect_eq "default scheduler" "$(adm lb -L -n | awk '$1 == "TCP" { print $3 }')" wlc
# Overheads active*256 + inactive over the weights 1:2:3.
hold 6
expect_eq "wlc: held connections" "$held_names" "rs1 rs2 rs3 rs3 rs2 rs3"
expect_eq "wlc: then short ones" "$(shorts 4)" "rs1 rs2 rs3 rs3"

# ---- lc: weights play no part ----------------------------------------
svc lc 3 2 1
hold 1
expect_eq "lc: first held" "$held_names" "rs1"
expect_eq "lc: short ones avoid the active one" "$(shorts 4)" "rs2 rs3 rs2 rs3"
hold 1
expect_eq "lc: second held, on a tie the first" "$held_names" "rs2"
expect_eq "lc: then only the idle one" "$(shorts 2)" "rs3 rs3"

# ---- sed: (active + 1) / weight; inactive ones do not count -----------
svc sed 1 2 3
hold 6
expect_eq "sed: held connections" "$held_names" "rs3 rs2 rs3 rs1 rs2 rs3"
expect_eq "sed: short ones" "$(shorts 2)" "rs3 rs3"

# ---- nq: an idle server first, whatever its weight ---------------------
svc nq 1 2 3
hold 5
expect_eq "nq: held connections" "$held_names" "rs1 rs2 rs3 rs3 rs2"
expect_eq "nq: short ones (sed)" "$(shorts 2)" "rs3 rs3"

# ---- fo: the highest weight takes all --------------------------------
svc fo 1 3 2
expect_eq "fo: highest weight" "$(shorts 3)" "rs2 rs2 rs2"
adm lb -e -t "$VIP:80" -r "$(rip 2):80" -g -w 1
expect_eq "fo: after its weight drops" "$(shorts 2)" "rs3 rs3"

# ---- ovf: highest weight until its weight's worth of active ones -------
svc ovf 2 1 3
expect_eq "ovf: short ones (never active long)" "$(shorts 2)" "rs3 rs3"
hold 6
expect_eq "ovf: held connections overflow" "$held_names" "rs3 rs3 rs3 rs1 rs1 rs2"
before=$(no_dest_drops)
expect_eq "ovf: all full: refused" "$(from "${clients[0]}")" none
after=$(no_dest_drops)
expect_true "ovf: counted as no destination ($before -> $after)" [ "$after" -gt "$before" ]

# ---- lblc: the destination address (the VIP) keeps its server ----------
# ... until it is overloaded: more active connections than its weight
# while another has fewer than half its weight; then wlc picks anew.
svc lblc 1 1 1
expect_eq "lblc: short ones stay" "$(shorts 3)" "rs1 rs1 rs1"
hold 3
expect_eq "lblc: held ones until overloaded" "$held_names" "rs1 rs1 rs2"
expect_eq "lblc: then the new one stays" "$(shorts 2)" "rs2 rs2"

# ---- lblcr: a set of servers per destination address ----------------------
svc lblcr 1 1 1
expect_eq "lblcr: short ones" "$(shorts 2)" "rs1 rs1"
hold 3
expect_eq "lblcr: overloaded: rs2 joins the set" "$held_names" "rs1 rs1 rs2"
expect_eq "lblcr: the least loaded of the set" "$(shorts 2)" "rs2 rs2"
hold 2
expect_eq "lblcr: overloaded again: rs3 joins" "$held_names" "rs2 rs3"
expect_eq "lblcr: the least loaded of three" "$(shorts 1)" "rs3"

# ---- sh: the client's address picks one of 256 buckets ------------------
# bucket = hash_32(address) (host order): the top 8 bits of address *
# 0x61C88647; the dests fill the buckets in turn, weight buckets each.
ip2int() { local IFS=.; set -- $1; echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4)); }
hash8() { echo $(((($1 * 0x61C88647) & 0xffffffff) >> 24)); }
sh_table() { # W1 W2 W3: sets tab[bucket] = server number
	local w=("$@") d=0 taken=0 b
	tab=()
	for ((b = 0; b < 256; b++)); do
		tab[b]=$((d + 1))
		taken=$((taken + 1))
		if [ "$taken" -ge "${w[d]}" ]; then d=$(((d + 1) % 3)); taken=0; fi
	done
}
# sh_expect CLIENT[:PORT]...: each one's server, with sh_port set the
# port counted, quiescent= the server of weight 0: "none" for its clients,
# or with fallback set the next bucket's server.
sh_expect() {
	local a ip port h i s out=
	for a; do
		ip=${a%%:*}
		port=0
		[ -z "${sh_port:-}" ] || [ "$a" = "$ip" ] || port=${a#*:}
		h=$(hash8 $((($(ip2int "$ip") + port) & 0xffffffff)))
		s=${tab[h]}
		if [ "$s" = "${quiescent:-}" ]; then
			if [ -n "${fallback:-}" ]; then
				for ((i = 1; i < 256; i++)); do
					s=${tab[(h + i) & 255]}
					[ "$s" = "$quiescent" ] || break
				done
			else
				s=none
			fi
		fi
		if [ "$s" = none ]; then out+="none "; else out+="rs$s "; fi
	done
	echo "${out% }"
}
svc sh 1 2 1
sh_table 1 2 1
want=$(sh_expect "${clients[@]}")
log "sh: expected $want"
expect_eq "sh: each client's server" "$(from "${clients[@]}")" "$want"
expect_eq "sh: the same again (6)" "$(from "${clients[@]:0:6}")" "$(sh_expect "${clients[@]:0:6}")"
spread=$(echo "$want" | tr ' ' '\n' | sort -u | wc -l)
expect_eq "sh: spread over the servers" "$spread" 3
# rs3 quiescent: its clients are refused (no sh-fallback), nobody moves.
adm lb -e -t "$VIP:80" -r "$(rip 3):80" -g -w 0
quiescent=3
want=$(sh_expect "${clients[@]:0:8}")
expect_eq "sh: rs3 quiescent: its clients refused, the others stay" "$(from "${clients[@]:0:8}")" "$want"
# With sh-fallback they go to the next bucket's server; nobody else moves.
adm lb -E -t "$VIP:80" -s sh -b sh-fallback
fallback=1
want=$(sh_expect "${clients[@]:0:8}")
expect_eq "sh-fallback: rs3's clients to the next bucket's server" "$(from "${clients[@]:0:8}")" "$want"
fallback=
quiescent=
# sh-port: one client address, its ports spread.
svc sh 1 1 1
adm lb -E -t "$VIP:80" -s sh -b sh-port
expect_eq "-L -n shows the flags as ipvsadm" "$(adm lb -L -n | awk '$1 == "TCP" { print $3, $4 }')" "sh (sh-port)"
sh_table 1 1 1
sh_port=1
ports=(10.0.0.1:40001 10.0.0.1:40002 10.0.0.1:40003 10.0.0.1:40004 10.0.0.1:40005 10.0.0.1:40006)
want=$(sh_expect "${ports[@]}")
log "sh-port: expected $want"
expect_eq "sh-port: each client port's server" "$(from "${ports[@]}")" "$want"
sh_port=

# ---- dh: the destination (the VIP) picks the bucket ----------------------
svc dh 1 1 1
sh_table 1 1 1
want=rs${tab[$(hash8 "$(ip2int "$VIP")")]}
expect_eq "dh: every flow to the VIP's server" "$(shorts 3)" "$want $want $want"

# ---- mh: Maglev, as computed by the module's code on the host ------------
# Dests added in another order than mh_lookup is given them: the table
# depends on the set only.
adm lb -D -t "$VIP:80"
adm lb -A -t "$VIP:80" -s mh
for i in 3 1 2; do adm lb -a -t "$VIP:80" -r "$(rip "$i"):80" -g; done
mh_expect() { "$MH_LOOKUP" "$@" -- "${clients[@]}" | sed 's/^10\.0\.0\.1/rs/' | tr '\n' ' ' | sed 's/ $//'; }
want=$(mh_expect "$(rip 1):80" "$(rip 2):80" "$(rip 3):80")
log "mh: expected $want"
got=$(from "${clients[@]}")
expect_eq "mh: each client's server" "$got" "$want"
spread=$(echo "$want" | tr ' ' '\n' | sort -u | wc -l)
expect_eq "mh: spread over the servers" "$spread" 3
adm lb -d -t "$VIP:80" -r "$(rip 2):80"
want2=$(mh_expect "$(rip 1):80" "$(rip 3):80")
got2=$(from "${clients[@]}")
expect_eq "mh: rs2 removed" "$got2" "$want2"
read -ra g1 <<<"$got"
read -ra g2 <<<"$got2"
moved=0
kept=0
for i in "${!g1[@]}"; do
	if [ "${g1[i]}" != rs2 ]; then
		[ "${g1[i]}" = "${g2[i]}" ] && kept=$((kept + 1)) || moved=$((moved + 1))
	fi
done
expect_eq "mh: rs2 removed: clients of rs1 and rs3 that moved" "$moved" 0
adm lb -a -t "$VIP:80" -r "$(rip 2):80" -g
expect_eq "mh: rs2 back: every client back" "$(from "${clients[@]}")" "$want"
# mh-port: one client address, its ports spread, as mh_lookup -p says.
adm lb -E -t "$VIP:80" -s mh -b mh-port
ports=(10.0.0.1:41001 10.0.0.1:41002 10.0.0.1:41003 10.0.0.1:41004 10.0.0.1:41005 10.0.0.1:41006)
want=$("$MH_LOOKUP" -p "$(rip 1):80" "$(rip 2):80" "$(rip 3):80" -- "${ports[@]}" | sed 's/^10\.0\.0\.1/rs/' | tr '\n' ' ' | sed 's/ $//')
log "mh-port: expected $want"
expect_eq "mh-port: each client port's server" "$(from "${ports[@]}")" "$want"
# The table size and the key are the service's: mh_lookup given the same
# ones agrees. A size that is not a prime is refused by the kernel.
key=fleet-key-000001
adm lb -E -t "$VIP:80" -s mh -b mh-port --mh-table-size 251 --mh-key "$(printf %s "$key" | od -An -tx1 | tr -d ' \n')"
ports=(10.0.0.1:42001 10.0.0.1:42002 10.0.0.1:42003 10.0.0.1:42004 10.0.0.1:42005 10.0.0.1:42006)
want=$("$MH_LOOKUP" -p -m 251 -k "$key" "$(rip 1):80" "$(rip 2):80" "$(rip 3):80" -- "${ports[@]}" | sed 's/^10\.0\.0\.1/rs/' | tr '\n' ' ' | sed 's/ $//')
log "mh, size 251, key $key: expected $want"
expect_eq "mh: table size 251 and the fleet's key" "$(from "${ports[@]}")" "$want"
if out=$(adm lb -E -t "$VIP:80" -s mh --mh-table-size 65536 2>&1); then
	case_fail "mh: table size 65536 accepted"
else
	expect_true "mh: table size 65536 refused: $out" grep -q "prime" <<<"$out"
fi

adm lb -L -n
