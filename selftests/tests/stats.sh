#!/bin/bash
# Counters and rates, against traffic of known size and rate:
#  - 1000 UDP packets of 46 bytes (IP) in 10 flows through an rr service of
#    two real servers: exactly 10 conns / 1000 packets / 46000 bytes on the
#    service and 5 / 500 / 23000 on each destination;
#  - packets to a service with no destination: exactly that many drops;
#  - -Z zeroes service, destination and drop counters;
#  - --rate under a steady 1000 pps stream (less on a guest too slow for
#    it) reads that rate (and 46 B a packet) within 10%;
#  - the --stats and --rate title lines are ipvsadm's, byte for byte.
. "$(dirname "$0")/../lib.sh"

topo_dr lo lo
flood=$L4LB_DIR/selftests/bench/udpflood
if [ ! -x "$flood" ]; then
	gcc -O2 -o /tmp/udpflood "$L4LB_DIR/selftests/bench/udpflood.c"
	flood=/tmp/udpflood
fi
lbmac=$(nsx lb cat /sys/class/net/eth0/address)
# send PORT ARGS...: 46-byte IP packets from c to the VIP.
send() { local port=$1; shift; nsx c "$flood" -i eth0 -m "$lbmac" -s 10.0.0.1 -d "$VIP" -p "$port" "$@"; }
js() { adm lb -L --json | jq -r "$1"; }
svc_field() { js ".services[] | select(.port == $1) | .$2"; }
pkts_in_is() { [ "$(svc_field "$1" stats.pkts_in)" = "$2" ]; }
pkts_in_over() { [ "$(svc_field "$1" stats.pkts_in)" -gt "$2" ]; }
drops_is() { [ "$(adm lb -L --info --json | jq .info.drops.no_dest)" = "$1" ]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
ms_since() { [ $(($(now_ms) - $1)) -ge "$2" ]; }

adm lb -A -u "$VIP:9" -s rr
adm lb -a -u "$VIP:9" -r "$(rip 1)" -g
adm lb -a -u "$VIP:9" -r "$(rip 2)" -g
burst=$(send 9 -n 10 -c 1000 -b 10)
echo "$burst"
# Counted in softirq as the frames arrive: poll for the last one.
wait_for 20 pkts_in_is 9 1000
expect_eq "service conns" "$(svc_field 9 stats.conns)" 10
expect_eq "service pkts_in" "$(svc_field 9 stats.pkts_in)" 1000
expect_eq "service bytes_in" "$(svc_field 9 stats.bytes_in)" 46000
expect_eq "service pkts_out (DR: not seen)" "$(svc_field 9 stats.pkts_out)" 0
for i in 1 2; do
	d=".services[] | select(.port == 9) | .destinations[] | select(.address == \"$(rip "$i")\") | .stats"
	expect_eq "rs$i conns pkts_in bytes_in" "$(js "$d | \"\(.conns) \(.pkts_in) \(.bytes_in)\"")" "5 500 23000"
done
adm lb -L -n --stats
adm lb -L -n --stats | grep -q "^UDP  $VIP:9 *10 *1000 *0 *46000 *0\$" || fail "--stats line of the service"

# No destination: every packet of the new flow is dropped and counted.
adm lb -A -u "$VIP:10"
send 10 -n 1 -c 100 -b 10
wait_for 20 drops_is 100
log "no_dest drops: 100"

adm lb -Z
expect_eq "after -Z: service counters" "$(js '[.services[].stats[]] | add')" 0
expect_eq "after -Z: destination counters" "$(js '[.services[].destinations[].stats[]] | add')" 0
expect_eq "after -Z: drop counters" "$(adm lb -L --info --json | jq '[.info.drops[]] | add')" 0
# Counting goes on from zero.
send 9 -n 10 -c 100 -b 10
wait_for 20 pkts_in_is 9 100
expect_eq "after -Z, 100 more packets" "$(svc_field 9 stats.bytes_in)" 4600
# -Z of one service leaves the others alone.
send 10 -n 1 -c 7 -b 7
wait_for 20 drops_is 7
adm lb -Z -u "$VIP:9"
expect_eq "-Z -u: that service zeroed" "$(svc_field 9 stats.pkts_in)" 0
expect_eq "-Z -u: drops kept" "$(adm lb -L --info --json | jq .info.drops.no_dest)" 7

# Rates: a steady 1000 pps (paced in batches of 5 packets), for as long as
# the reads take (each takes seconds under TCG). Once 2 s into the stream,
# three reads 2.1 s apart: the last two are rate samples, so the last
# read's window lies inside the stream. A guest that cannot keep up with
# 1000 pps (the debug lane's KASAN kernel forwards a few hundred) gets a
# quarter of what it forwarded in the first 1000-packet burst ("sent N pps
# P", at full speed), so that the stream is steady and the reads get CPU.
capacity=$(burst_pps "$burst")
rate=$(guest_rate "$capacity" 1000)
send 9 -n 10 -r "$rate" -t 120 -b 5 >/tmp/flood.out &
bg_pids+=("$!")
wait_for 30 pkts_in_over 9 $((2 * rate))
for i in 1 2; do
	svc_field 9 rates >/dev/null
	t0=$(now_ms)
	wait_for 5 ms_since "$t0" 2100
done
r=$(js ".services[] | select(.port == 9) | .rates | \"\(.pkts_in) \(.bytes_in) \(.window_ms)\"")
read -r pps bps window <<<"$r"
log "rate: $pps pps, $bps B/s over ${window} ms (sent at $rate pps)"
[ "$window" -ge 2000 ] || fail "rate window ${window} ms shorter than 2 s"
[ $((pps * 100)) -ge $((rate * 90)) ] && [ $((pps * 100)) -le $((rate * 110)) ] ||
	fail "pkts_in rate $pps not within 10% of $rate"
[ $((bps * 100)) -ge $((rate * 46 * 90)) ] && [ $((bps * 100)) -le $((rate * 46 * 110)) ] ||
	fail "bytes_in rate $bps not within 10% of $((rate * 46))"
adm lb -L -n --rate
# The same window (no new sample within 2 s): the text shows the rate too.
adm lb -L -n --rate -u "$VIP:9" | awk -v r="$rate" 'NR == 3 && $4 >= r * 0.9 && $4 <= r * 1.1 { ok = 1 } END { exit !ok }' ||
	fail "--rate line does not show the rate"
# The sender runs in c: stop everything there (as the cleanup would).
ip netns pids "$prefix-c" | xargs -r kill

# Title lines as ipvsadm's, byte for byte.
modprobe ip_vs
for opt in "" --stats --rate; do
	want=$(nsx lb ipvsadm -L -n $opt | sed -n 2,3p)
	got=$(adm lb -L -n $opt | sed -n 2,3p)
	expect_eq "title of -L -n $opt" "$got" "$want"
done
# (Not if built in, as on the debug lane's kernel.)
! grep -q '^ip_vs ' /proc/modules || modprobe -r ip_vs
