#!/bin/bash
# Configuration churn under traffic, and a real server failing (issue 7).
#
# DR topology, three real servers. TCP service VIP:7000 (chat servers),
# UDP service VIP:9 flooded from 4,096 source ports, and a reader listing
# the table as JSON in a loop (no connection dump exists yet).
#   1. Churn: for CHURN_S seconds (5 rounds at least), add/edit/delete rs3 on the TCP service,
#      edit the weights of rs1 and rs2, delete and re-create the UDP service
#      with changing dests and scheduler, add and delete extra services.
#      No splat; the two long TCP flows (on rs1 and rs2, which stay) keep
#      their server throughout; every listing succeeds.
#   2. Real server failure: rs3's link goes down with a flow on it. The
#      flows on rs1/rs2 are undisturbed. What l4lbd would do next, in turn:
#      weight 0 (inhibit_on_failure): new flows avoid rs3, while its flow
#      is still sent there (quiescent, as the UAPI says); delete rs3: the
#      flow's next packet moves to a live server, which resets it (no
#      blackhole). Nothing leaks (the harness's leak check at exit).
. "$(dirname "$0")/../lib.sh"

CHURN_S=${CHURN_S:-25}
topo_dr redirect lo lo
for i in 1 2 3; do chat_server "rs$i" 7000 "rs$i"; done
T="-t $VIP:7000"
U="-u $VIP:9"
adm lb -A $T -s rr
adm lb -a $T -r "$(rip 1)"
adm lb -a $T -r "$(rip 2)"
adm lb -A $U -s rr
for i in 1 2 3; do adm lb -a $U -r "$(rip "$i")"; done

# Two long flows, one on rs1 and one on rs2 (rr, two dests).
conn_open 5 c "$VIP" 7000
conn_open 6 c "$VIP" 7000
on5=$(conn_say 5 hello5)
on6=$(conn_say 6 hello6)
[ "$(printf '%s\n' "$on5" "$on6" | sort | tr '\n' ' ')" = "rs1 rs2 " ] ||
	fail "the two flows landed on $on5 and $on6"
log "long flows on $on5 and $on6"

flood c "$VIP" 9 -n 4096 -r 2000
# The concurrent reader: every listing must succeed.
: >/tmp/churn-reader.fail
bg_exec lb bash -c "n=0; while :; do \"$L4LBADM\" -L -n --json >/tmp/churn-list.json 2>/tmp/churn-list.err ||
	cat /tmp/churn-list.err >>/tmp/churn-reader.fail; n=\$((n + 1)); echo \$n >/tmp/churn-reader.n; done"

end=$((SECONDS + CHURN_S))
rounds=0
# At least 5 rounds however slow the VM, else CHURN_S seconds of them.
while [ $SECONDS -lt $end ] || [ $rounds -lt 5 ]; do
	rounds=$((rounds + 1))
	w=$((rounds % 4 + 1))
	adm lb -a $T -r "$(rip 3)" -w "$w"
	adm lb -e $T -r "$(rip 1)" -w "$w"
	adm lb -e $T -r "$(rip 2)" -w $((5 - w))
	adm lb -e $T -r "$(rip 3)" -w 0
	adm lb -d $T -r "$(rip 3)"
	adm lb -D $U
	adm lb -A $U -s "$([ $((rounds % 2)) = 0 ] && echo rr || echo wrr)"
	for i in 1 2 3; do
		[ "$i" = $((rounds % 3 + 1)) ] || adm lb -a $U -r "$(rip "$i")" -w "$i"
	done
	adm lb -E $U -s rr
	adm lb -A -t "$VIP:$((8000 + rounds))"
	adm lb -a -t "$VIP:$((8000 + rounds))" -r "$(rip $((rounds % 3 + 1)))"
	[ $((rounds % 3)) != 0 ] || adm lb -D -t "$VIP:$((8000 + rounds))"
	if [ $((rounds % 5)) = 0 ]; then
		[ "$(conn_say 5 "r$rounds")" = "$on5" ] || fail "flow 5 left $on5 in round $rounds"
		[ "$(conn_say 6 "r$rounds")" = "$on6" ] || fail "flow 6 left $on6 in round $rounds"
	fi
done
expect_eq "flow 5 after $rounds churn rounds" "$(conn_say 5 end5)" "$on5"
expect_eq "flow 6 after $rounds churn rounds" "$(conn_say 6 end6)" "$on6"
expect_eq "failed listings of $(cat /tmp/churn-reader.n) by the concurrent reader" \
	"$(wc -l </tmp/churn-reader.fail)" 0
log "connections in the table: $(info_of lb conn_count), services: $(info_of lb services)"

# 2. rs3 fails with a flow on it. Weights 0 elsewhere steer the flow there.
adm lb -a $T -r "$(rip 3)"
adm lb -e $T -r "$(rip 1)" -w 0
adm lb -e $T -r "$(rip 2)" -w 0
conn_open 7 c "$VIP" 7000
flow7_pid=${bg_pids[-1]}
expect_eq "third flow" "$(conn_say 7 hello7)" rs3
adm lb -e $T -r "$(rip 1)" -w 1
adm lb -e $T -r "$(rip 2)" -w 1
ip -n "$prefix-sw" link set v-rs3 down
log "rs3's link is down"
expect_eq "flow 5 with rs3 down" "$(conn_say 5 down5)" "$on5"
expect_eq "flow 6 with rs3 down" "$(conn_say 6 down6)" "$on6"

# What l4lbd does on failure, step one: inhibit (weight 0).
adm lb -e $T -r "$(rip 3)" -w 0
names=$(tcp_names c "$VIP" 7000 6 hi | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
expect_eq "6 new connections with rs3 at weight 0" "$names" "rs1=3 rs2=3 "
# The quiescent flow still goes to rs3, where nobody answers. (A negative
# check: a second is ample under TCG for an answer that would come.)
echo quiet >&7
sleep 1
[ -z "$(grep ' quiet$' /tmp/conn-7.out || true)" ] || fail "flow 7 answered with rs3 down"

# Step two: removal. The flow's next packet goes to a live server, which
# knows nothing of it and resets it: the client's socat ends. That next
# packet is the client's retransmission of "quiet", on TCP's backoff.
adm lb -d $T -r "$(rip 3)"
echo again >&7
gone() { ! kill -0 "$flow7_pid" 2>/dev/null; }
wait_for 30 gone
log "flow 7 was reset once rs3 was removed (no blackhole)"
expect_eq "flow 5 at the end" "$(conn_say 5 last5)" "$on5"
expect_eq "flow 6 at the end" "$(conn_say 6 last6)" "$on6"
ip -n "$prefix-sw" link set v-rs3 up
