#!/bin/bash
# Configuration churn under traffic, and a real server failing (issue 7).
#
# DR topology, three real servers. TCP service VIP:7000 (chat servers),
# UDP service VIP:9 flooded from 4,096 source ports, and a reader listing
# the table as JSON in a loop (no connection dump exists yet).
#   1. Churn: for CHURN_S seconds (25, IPv6 10; 5 rounds at least), add/edit/delete rs3 on the TCP service,
#      edit the weights of rs1 and rs2, delete and re-create the UDP service
#      with changing dests and scheduler, add and delete extra services.
#      No splat; the two long TCP flows (on rs1 and rs2, which stay) keep
#      their server throughout; the reader completes a listing in every
#      round and every listing succeeds and is whole JSON; the table ends
#      with exactly the services and destinations the rounds left.
#   2. Real server failure: rs3's link goes down with a flow on it. The
#      flows on rs1/rs2 are undisturbed. What l4lbd would do next, in turn:
#      weight 0 (inhibit_on_failure): new flows avoid rs3, while its flow
#      is still sent there (quiescent, as the UAPI says: rs3's packet
#      counter counts its next packet, which nobody answers); delete rs3: the
#      flow's next packet moves to a live server, which resets it (no
#      blackhole). Nothing leaks (the harness's leak check at exit).
# families: 4 6
#
#   c 10.0.0.1 --+-- br0 (sw) --+-- rs1 10.0.0.11 (REDIRECT), rs2 10.0.0.12,
#   lb 10.0.0.2, VIP 10.0.0.100 -+  rs3 10.0.0.13 (VIP on lo)
#   (IPv6: c 2001:db8::1, lb 2001:db8::2, VIP 2001:db8::100, rsN 2001:db8::1N)
. "$(dirname "$0")/../lib.sh"

# IPv6's run churns 10 s (5 rounds at least), for make check's time.
if [ "$FAMILY" = 6 ]; then CHURN_S=${CHURN_S:-10}; else CHURN_S=${CHURN_S:-25}; fi
topo_dr redirect lo lo
for i in 1 2 3; do chat_server "rs$i" 7000 "rs$i"; done
T="-t $(svc_addr "$VIP" 7000)"
U="-u $(svc_addr "$VIP" 9)"
# r N: real server N as l4lbadm's -r takes it.
r() { svc_addr "$(rip "$1")"; }
adm lb -A $T -s rr
adm lb -a $T -r "$(r 1)"
adm lb -a $T -r "$(r 2)"
adm lb -A $U -s rr
for i in 1 2 3; do adm lb -a $U -r "$(r "$i")"; done

# Two long flows, one on rs1 and one on rs2 (rr, two dests).
conn_open 5 c "$VIP" 7000
conn_open 6 c "$VIP" 7000
on5=$(conn_say 5 hello5)
on6=$(conn_say 6 hello6)
[ "$(printf '%s\n' "$on5" "$on6" | sort | tr '\n' ' ')" = "rs1 rs2 " ] ||
	fail "the two flows landed on $on5 and $on6"
log "long flows on $on5 and $on6"

flood c "$VIP" 9 -n 4096 -r 2000
# The concurrent reader: every listing must succeed and be whole JSON.
# One line in churn-reader.fail per failed listing; churn-reader.n counts
# the listings done.
: >/tmp/churn-reader.fail
echo 0 >/tmp/churn-reader.n
bg_exec lb bash -c "n=0; while :; do n=\$((n + 1));
	\"$L4LBADM\" -L -n --json >/tmp/churn-list.json 2>/tmp/churn-list.err
	rc=\$?
	if [ \$rc -ne 0 ]; then
		echo \"listing \$n: exit \$rc: \$(tr '\\n' ' ' </tmp/churn-list.err)\" >>/tmp/churn-reader.fail
	elif ! jq -e '.services | type == \"array\"' /tmp/churn-list.json >/dev/null 2>&1; then
		echo \"listing \$n: not whole JSON\" >>/tmp/churn-reader.fail
	fi
	echo \$n >/tmp/churn-reader.new; mv /tmp/churn-reader.new /tmp/churn-reader.n; done"
listings() { cat /tmp/churn-reader.n; }
listed_since() { [ "$(listings)" -ge $(($1 + 2)) ]; }

end=$((SECONDS + CHURN_S))
rounds=0
# At least 5 rounds however slow the VM, else CHURN_S seconds of them.
while [ $SECONDS -lt $end ] || [ $rounds -lt 5 ]; do
	rounds=$((rounds + 1))
	# A listing that starts after this round started ends in or after it.
	round_start=$(listings)
	w=$((rounds % 4 + 1))
	adm lb -a $T -r "$(r 3)" -w "$w"
	adm lb -e $T -r "$(r 1)" -w "$w"
	adm lb -e $T -r "$(r 2)" -w $((5 - w))
	adm lb -e $T -r "$(r 3)" -w 0
	adm lb -d $T -r "$(r 3)"
	adm lb -D $U
	adm lb -A $U -s "$([ $((rounds % 2)) = 0 ] && echo rr || echo wrr)"
	for i in 1 2 3; do
		[ "$i" = $((rounds % 3 + 1)) ] || adm lb -a $U -r "$(r "$i")" -w "$i"
	done
	adm lb -E $U -s rr
	adm lb -A -t "$(svc_addr "$VIP" $((8000 + rounds)))"
	adm lb -a -t "$(svc_addr "$VIP" $((8000 + rounds)))" -r "$(r $((rounds % 3 + 1)))"
	[ $((rounds % 3)) != 0 ] || adm lb -D -t "$(svc_addr "$VIP" $((8000 + rounds)))"
	if [ $((rounds % 5)) = 0 ]; then
		[ "$(conn_say 5 "r$rounds")" = "$on5" ] || fail "flow 5 left $on5 in round $rounds"
		[ "$(conn_say 6 "r$rounds")" = "$on6" ] || fail "flow 6 left $on6 in round $rounds"
	fi
	wait_for 60 listed_since "$round_start"
done
expect_eq "flow 5 after $rounds churn rounds" "$(conn_say 5 end5)" "$on5"
expect_eq "flow 6 after $rounds churn rounds" "$(conn_say 6 end6)" "$on6"
n=$(listings)
expect_true "the reader's $n listings overlap all $rounds rounds" [ "$n" -ge $((2 * rounds)) ]
expect_eq "failed listings of $n by the concurrent reader" "$(cat /tmp/churn-reader.fail)" ""
# Left: the TCP and UDP services with 2 dests each, and each extra
# service of a round not divisible by 3 with its one dest.
kept=$((rounds - rounds / 3))
expect_eq "services after $rounds rounds (GET_INFO)" "$(info_of lb services)" $((2 + kept))
expect_eq "services and destinations after $rounds rounds (listing)" \
	"$(adm lb -L -n --json | jq -r '"\(.services | length) \([.services[].destinations | length] | add)"')" \
	"$((2 + kept)) $((4 + kept))"
log "connections in the table: $(info_of lb conn_count)"

# 2. rs3 fails with a flow on it. Weights 0 elsewhere steer the flow there.
adm lb -a $T -r "$(r 3)"
adm lb -e $T -r "$(r 1)" -w 0
adm lb -e $T -r "$(r 2)" -w 0
conn_open 7 c "$VIP" 7000
flow7_pid=${bg_pids[-1]}
expect_eq "third flow" "$(conn_say 7 hello7)" rs3
adm lb -e $T -r "$(r 1)" -w 1
adm lb -e $T -r "$(r 2)" -w 1
ip -n "$prefix-sw" link set v-rs3 down
log "rs3's link is down"
expect_eq "flow 5 with rs3 down" "$(conn_say 5 down5)" "$on5"
expect_eq "flow 6 with rs3 down" "$(conn_say 6 down6)" "$on6"

# What l4lbd does on failure, step one: inhibit (weight 0).
adm lb -e $T -r "$(r 3)" -w 0
names=$(tcp_names c "$VIP" 7000 6 hi | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
expect_eq "6 new connections with rs3 at weight 0" "$names" "rs1=3 rs2=3 "
# The quiescent flow still goes to rs3: rs3's packet counter takes its
# next packet (nothing else is sent to rs3 now). rs3 is cut off, so no
# answer can come; a live server would have reset the flow.
rs3_pkts() {
	adm lb -L -n --json | jq -r --arg a "$(rip 3)" \
		'.services[] | select(.port == 7000) | .destinations[] | select(.address == $a) | .stats.pkts_in'
}
rs3_pkts_over() { [ "$(rs3_pkts)" -gt "$1" ]; }
before=$(rs3_pkts)
echo quiet >&7
wait_for 30 rs3_pkts_over "$before"
case_pass "flow 7's next packet went to rs3 ($before packets before, $(rs3_pkts) now)"
expect_true "flow 7 not reset with rs3 down" kill -0 "$flow7_pid"
expect_eq "answers to flow 7 with rs3 down" "$(grep -c ' quiet$' /tmp/conn-7.out || true)" 0

# Step two: removal. The flow's next packet goes to a live server, which
# knows nothing of it and resets it: the client's socat ends. That next
# packet is the client's retransmission of "quiet", on TCP's backoff.
adm lb -d $T -r "$(r 3)"
echo again >&7
gone() { ! kill -0 "$flow7_pid" 2>/dev/null; }
wait_for 30 gone
log "flow 7 was reset once rs3 was removed (no blackhole)"
expect_eq "flow 5 at the end" "$(conn_say 5 last5)" "$on5"
expect_eq "flow 6 at the end" "$(conn_say 6 last6)" "$on6"
ip -n "$prefix-sw" link set v-rs3 up
