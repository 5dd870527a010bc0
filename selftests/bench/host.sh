#!/bin/bash
# make bench, the host side: build the helpers, boot the VM for
# selftests/bench.sh, run the scheduler micro-benchmark under callgrind here,
# then write bench/results.md and bench/pps-vs-table.png and print the table.
#
#   selftests/bench/host.sh            everything (about 20 minutes)
#   selftests/bench/host.sh --report   only rebuild the report from build/bench.raw
#
# Quick check: put overrides in build/bench.env (bench.sh sources it in the
# VM), e.g.  RUNS=1 T_UDP=2 SCALE=20000 CP_SVCS=100
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
raw=$top/build/bench.raw
mkdir -p "$top/build" "$top/bench"
rc=0

results() { # the raw lines of the last VM run
	sed -n '/^=== RESULTS-BEGIN ===$/,/^=== RESULTS-END ===$/p' "$top/build/bench.log" |
		grep -E '^[RNM] ' || true
}

if [ "${1:-}" != --report ]; then
	make -s -C "$here"
	"$top/selftests/run.sh" --bench || rc=$?
	results >"$raw"
	# A second boot counts instructions (bench/insncount.c). Not in the
	# first: the plugin slows every guest instruction but not the guest's
	# memory, so under it time would understate what a big table costs.
	if [ "${BENCH_INSNS:-1}" = 1 ]; then
		L4LB_INSNCOUNT=$top/build/insn "$top/selftests/run.sh" --bench || rc=$?
		results | awk '($1 == "R" && $5 ~ /^lb_insns_/) || ($1 == "M" && ($2 == "time_total" || $2 == "runs")) {
			if ($1 == "M") $2 = "insns_" $2; print }' >>"$raw"
	fi
	echo "M host_cpu $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) CPUs" >>"$raw"

	# 6. instructions per smooth-WRR decision, kmod/swrr.h built for userspace.
	if command -v valgrind >/dev/null; then
		for n in 10 100 1000; do
			picks=100000
			[ "$n" -ge 1000 ] && picks=10000
			ir=$(valgrind --tool=callgrind --toggle-collect=pick_many \
				--callgrind-out-file=/dev/null "$here/schedbench" "$n" "$picks" 2>&1 |
				awk '/Collected :/ { print $4 }')
			echo "R sched l4lb 1 ir_$n $(awk -v i="${ir:-0}" -v p="$picks" 'BEGIN { printf "%.0f", i / p }')" >>"$raw"
		done
		echo "N sched ipvs IPVS's schedulers are not built for userspace" >>"$raw"
	else
		echo "N sched l4lb valgrind not installed" >>"$raw"
	fi
fi

[ -s "$raw" ] || { echo "bench: no results in $top/build/bench.log" >&2; exit 1; }
dat=$top/build/bench-scale.dat
rm -f "$dat"
awk -v dat="$dat" -f "$here/report.awk" "$raw" >"$top/bench/results.md"
if command -v gnuplot >/dev/null && [ -s "$dat" ]; then
	gnuplot <<GP || echo "bench: gnuplot failed" >&2
set terminal pngcairo size 900,560 noenhanced
set output "$top/bench/pps-vs-table.png"
set title "DR UDP packet rate vs connection-table size (qemu TCG; ratios matter, not absolutes)"
set logscale x
set xlabel "entries in the table (hot flows + idle flows)"
set ylabel "LB capacity, kpps per CPU (1 / LB CPU per packet)"
set y2label "delivered pps"
set ytics nomirror
set y2tics
set key outside bottom center horizontal
set grid
plot "$dat" using 1:7 with linespoints lw 2 title "l4lb capacity", \
     "$dat" using 1:6 with linespoints lw 2 title "IPVS capacity", \
     "$dat" using 1:5 with linespoints lw 2 title "plain capacity", \
     "$dat" using 1:4 axes x1y2 with linespoints dt 2 title "l4lb delivered", \
     "$dat" using 1:3 axes x1y2 with linespoints dt 2 title "IPVS delivered", \
     "$dat" using 1:2 axes x1y2 with linespoints dt 2 title "plain delivered"
GP
	echo "![pps vs table size](pps-vs-table.png)" >>"$top/bench/results.md"
fi
cat "$top/bench/results.md"
exit $rc
