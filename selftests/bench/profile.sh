#!/bin/bash
# Where the LB's CPU goes, per back end: `make profile` runs this in the VM.
# The DR topology of the selftests (topo_dr in lib.sh: c, lb, rs1..rs3 on
# one bridge), udpflood from c to VIP:9 over FLOWS flows, and
# `perf record` (cpu-clock: TCG has no PMU) on the CPU that RPS gives the
# LB's receive path. Prints the top kernel symbols of that CPU for IPVS
# and for l4lb, in the same run. Not a benchmark (make bench is): a guide
# to what to optimise.
. "$(dirname "$0")/../lib.sh"
set +o pipefail

SECS=${SECS:-8}
FLOWS=${FLOWS:-4096}
TOP=${TOP:-40}
prefix=pf

topo_dr lo lo lo
module_unload
# The LB receives on CPU 0; everything else (generator, servers) on CPU 1.
rps lb eth0 1
for i in 1 2 3; do
	rps "rs$i" eth0 2
	sink_udp "rs$i" 9
done
rps c eth0 2
taskset -pc 1 $$ >/dev/null
for i in 1 2 3; do wait_for 20 neighbour_known lb "$(rip "$i")"; done

delivered() { sunk rs1 rs2 rs3; }

profile() { # NAME: flood, record CPU 0, report
	local before after
	flood c "$VIP" 9 -n "$FLOWS"
	# Let the table fill (every flow seen once) before recording.
	wait_for 60 test "$(delivered)" -gt $((FLOWS * 2))
	before=$(delivered)
	perf record -q -C 0 -e cpu-clock -F 2000 -g -o "/tmp/perf-$1.data" -- sleep "$SECS" 2>/dev/null
	after=$(delivered)
	flood_stop
	echo "=== $1: $(( (after - before) / SECS )) packets/s delivered while recording"
	perf report -q -i "/tmp/perf-$1.data" --no-children --sort sym -g none \
		--percent-limit 0.5 2>/dev/null | head -n "$TOP"
}

modprobe ip_vs
nsx lb ipvsadm -A -u "$VIP:9" -s rr
for i in 1 2 3; do nsx lb ipvsadm -a -u "$VIP:9" -r "$(rip "$i"):9" -g; done
profile ipvs
nsx lb ipvsadm -C
rmmod ip_vs_rr ip_vs

module_load
adm lb -A -u "$VIP:9" -s rr
for i in 1 2 3; do adm lb -a -u "$VIP:9" -r "$(rip "$i")" -g; done
profile l4lb
