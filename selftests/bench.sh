#!/bin/bash
# make bench, the VM side: plain routing vs IPVS vs l4lb on one topology.
# Run by `selftests/run.sh --bench` (PID 1 of the VM runs it); the host side
# (selftests/bench/host.sh) builds the helpers first and turns the raw lines
# printed between "=== RESULTS-BEGIN ===" and "=== RESULTS-END ===" into
# bench/results.md and bench/pps-vs-table.png.
#
#   c 10.1.0.1/16 (eth0) ---- veth ---- (eth1 10.1.255.254/16) lb (eth0 10.0.0.2/24)
#                                                                 |
#                                  rs1..rs3 10.0.0.11..13 ------ br0 (sw)
#
# VIP 10.9.0.100 (on the LB's lo for IPVS and l4lb). tun_udp tunnels the
# same flows in IPIP (-i) to the same real servers. The real servers' default
# route is the LB. IPv6 (dr6_udp, nat6_udp) mirrors it on the same links:
#
#   c 2001:db8:1::1/64 ---- (2001:db8:1::fffe/64) lb (2001:db8::2/64) ---- br0
#   rs1..rs3 2001:db8::11..13/64, VIP 2001:db8:9::100
#
# every address without DAD (nodad, accept_dad=0), so nothing waits.
# Back ends, set up and torn down around every run, in turn (plain, ipvs,
# l4lb, plain, ipvs, l4lb, ...):
#   plain  the LB only routes: the client addresses the real servers
#          themselves (the floor; what any LB costs on top of forwarding)
#   ipvs   Debian's ip_vs + ipvsadm, scheduler rr
#   l4lb   $L4LB_DIR/kmod/l4lb.ko + l4lbadm, the same commands
#   l4lb_li  (packet-rate scenarios only) l4lb with fast_path=0: every
#          packet through the input route and LOCAL_IN, as IPVS takes them,
#          to show what the PREROUTING fast path gains
#
# CPUs: this script and everything it starts (generator, clients, servers)
# run on CPU 1. RPS steers the LB's receive (eth0, eth1) to CPU 0 and the
# real servers' and the client's receive back to CPU 1, so CPU 0 runs the
# LB's packet path only (and the bridge hop towards the servers, the same
# for every back end). "LB CPU" below is CPU 0's system+irq+softirq time from
# /proc/stat, per packet or per connection.
#
# Raw output lines (parsed by selftests/bench/report.awk):
#   R SCENARIO BACKEND RUN KEY VALUE     one measurement
#   N SCENARIO BACKEND TEXT...           why a back end is n/a
#   M KEY VALUE...                       metadata
. "$(dirname "$0")/lib.sh"
set +o pipefail

prefix=bn
B=$L4LB_DIR/selftests/bench
RUNS=5		# repetitions per measurement, back ends interleaved
T_UDP=5		# seconds per UDP flood measurement (2 s left the LB's CPU time, counted in ticks, too noisy)
T_TCP=2		# seconds per connection-rate measurement
T_LAT=10	# seconds per one-at-a-time latency measurement (0: none): ~4000 connects, so its p99 is not the few slowest
T_BULK=2	# seconds per iperf3 run
FLOWS=4096	# UDP flows of the packet-rate scenario
SCALE="100000 1000000"	# table sizes of the scale scenario
SCALE_RUNS=3	# measurements per table size (the fill is not repeated)
IPVS_SCALE_PARAMS="conn_tab_bits=20"	# 1M buckets, as one would tune IPVS for 1M flows
L4LB_SCALE_PARAMS="conn_tab_bits=20 conn_max=2000000"	# the same tuning for l4lb
CP_SVCS=1000 CP_DESTS=10 CP_RUNS=3	# control plane (10000 x 10 takes ~8 min for ipvsadm -R under TCG)
SCENARIOS="dr_udp nat_udp tun_udp dr6_udp nat6_udp nat_cps nat_syn sched_syn nat_bulk scale control"
RP_FILTER=0	# the LB's reverse-path filter: 1 strict, 2 loose (RHEL, Ubuntu)
BACKENDS="plain ipvs l4lb"
# build/bench.env (written by the host side, optional) may override these,
# e.g. RUNS=1 SCALE=100000 for a quick check.
# shellcheck disable=SC1091
[ -r "$L4LB_DIR/build/bench.env" ] && . "$L4LB_DIR/build/bench.env"
# make profile: one run of the packet-rate scenarios, each flood recorded.
if [ -n "${PROFILE:-}" ]; then
	RUNS=1 T_UDP=${PROFILE_SECS:-6} SCENARIOS=${PROFILE_SCENARIOS:-"dr_udp nat_udp"}
elif [ -n "${L4LB_INSNCOUNT:-}" ]; then
	# host.sh's second boot, for instruction counts only: they vary by a
	# few percent between runs, not by the host's load, so fewer runs do.
	RUNS=${INSN_RUNS:-3} SCALE_RUNS=${INSN_SCALE_RUNS:-2}
	SCENARIOS=${INSN_SCENARIOS:-"dr_udp nat_udp tun_udp dr6_udp nat6_udp nat_cps nat_syn sched_syn scale"}
fi

VIP=10.9.0.100
SYN_PORT=81	# nat_syn's service; the real servers drop what reaches it
RIPS="10.0.0.11 10.0.0.12 10.0.0.13"
RIPS_C=${RIPS// /,}
# IPv6: the client's /64, the servers' /64 (the LB's eth0), the VIP.
C6=2001:db8:1::1 LB6_C=2001:db8:1::fffe LB6_S=2001:db8::2
VIP6=2001:db8:9::100
RIPS6="2001:db8::11 2001:db8::12 2001:db8::13"
RIPS6_C=${RIPS6// /,}
FAM=4	# the family of the scenario running: pkt_rate sets it
PKT_BACKENDS=${PKT_BACKENDS:-"$BACKENDS l4lb_li"}
out=/tmp/bench.raw
: >"$out"

raw() { echo "$*" | tee -a "$out"; }
say() { echo "# $*" >&2; }

for p in udpflood tcpcr tcpsrv; do
	[ -x "$B/$p" ] || { echo "bench: $B/$p missing: run make -C selftests/bench on the host" >&2; exit 1; }
done

taskset -pc 1 $$ >/dev/null
# What l4lb.ko needs (nf_defrag_ipv4/6, udp_tunnel...): insmod does not load it.
modinfo -F depends "$L4LB_KO" | tr ',' '\n' | xargs -r -n 1 modprobe
echo "=== RESULTS-BEGIN ==="
raw M date "$(date -u '+%Y-%m-%d %H:%M UTC')"
raw M kernel "$(uname -r)"
raw M vcpus "$(nproc --all)"
raw M vcpu_model "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
raw M runs "$RUNS"
raw M flows "$FLOWS"
raw M scale_sizes "$SCALE"
raw M rp_filter "$RP_FILTER"
raw M control_desc "$CP_SVCS services × $CP_DESTS destinations"

# ---- topology -------------------------------------------------------------
# nodad NS...: no duplicate address detection on NS's interfaces to come
# (their link-local addresses too: neighbour discovery waits for them).
nodad() {
	local ns
	for ns; do
		nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
}
# sink_udp6 NS PORT: sink_udp for IPv6 (u32: no extension headers, as the
# generator's packets have none).
sink_udp6() {
	nsx "$1" tc qdisc show dev eth0 | grep -q clsact ||
		nsx "$1" tc qdisc add dev eth0 clsact
	nsx "$1" tc filter add dev eth0 ingress protocol ipv6 u32 \
		match ip6 protocol 17 0xff match ip6 dport "$2" 0xffff action drop
}
switch_add sw
ns_add c lb
nodad c lb
link_pair c eth0 10.1.0.1/16 lb eth1 10.1.255.254/16
plug sw lb 10.0.0.2/24
ip -n "$prefix-c" addr add "$C6/64" dev eth0 nodad
ip -n "$prefix-lb" addr add "$LB6_C/64" dev eth1 nodad
ip -n "$prefix-lb" addr add "$LB6_S/64" dev eth0 nodad
ip -n "$prefix-c" -6 route add default via "$LB6_C"
i=0
for r in $RIPS; do
	i=$((i + 1))
	ns_add "rs$i"
	nodad "rs$i"
	plug sw "rs$i" "$r/24"
	ip -n "$prefix-rs$i" addr add "2001:db8::1$i/64" dev eth0 nodad
	ip -n "$prefix-rs$i" -6 route add default via "$LB6_S"
	sink_udp6 "rs$i" 9
	ip -n "$prefix-rs$i" addr add "$VIP6/128" dev lo nodad
	ip -n "$prefix-rs$i" route add default via 10.0.0.2
	# The flood's packets are counted and dropped where they arrive;
	# tun_udp's in their outer IPIP header.
	sink_udp "rs$i" 9
	nsx "rs$i" tc filter add dev eth0 ingress protocol ip u32 \
		match ip protocol 4 0xff action drop
	sink_tcp "rs$i" "$SYN_PORT"
	rps "rs$i" eth0 2
	# DR: the real server takes the VIP (TCP is never DR here, so lo is enough).
	accept_vip_lo "rs$i" "$VIP"
done
# l4lb_sync's backup (a back end of its own, not in the default set).
if [[ " $BACKENDS " == *" l4lb_sync "* ]]; then
	ns_add lb2
	nodad lb2
	plug sw lb2 10.0.0.3/24
	rps lb2 eth0 2
fi
ip -n "$prefix-c" route add default via 10.1.255.254
# Plain routing's client connects to the real servers from an address of
# its own. Sharing one, NAT's 1-in-flight runs stalled 2 s at a time on
# retransmitted SYNs: they met the servers' TIME_WAITs of plain's
# connections (the servers close first), whose TCP timestamps have another
# offset (it is per address pair, and the client's names the VIP), and
# PAWS rejected them (TcpExtPAWSEstab counted ~100 per 15 s run; 0 now).
ip -n "$prefix-c" addr add 10.1.0.2/16 dev eth0
ip -n "$prefix-c" route add 10.0.0.0/24 via 10.1.255.254 src 10.1.0.2
nsx c sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
rps c eth0 2
nsx lb sysctl -qw net.ipv6.conf.all.forwarding=1
nsx lb sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=$RP_FILTER \
	net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
	net.ipv4.conf.eth1.rp_filter=0
rps lb eth0 1
rps lb eth1 1
for i in 1 2 3; do bg "rs$i" "$B/tcpsrv" -p 80; done
for i in 1 2 3; do wait_listen "rs$i" tcp 80; done
LBMAC=$(ip -n "$prefix-lb" -br link show eth1 | awk '{ print $3 }')
# Neighbours and the bridge's FDB learned before any measurement.
nsx lb sh -c "for r in $RIPS; do bash -c \"exec 3<>/dev/tcp/\$r/80\" 2>/dev/null; done"
# (IPv6: a datagram each, which the servers' sinks drop.)
nsx lb bash -c "for r in $RIPS6; do echo >/dev/udp/\$r/9; done" 2>/dev/null || true
nsx c bash -c "exec 3<>/dev/tcp/10.0.0.11/80" || true
# From here on a failed step costs its measurement, not the whole run.
set +e

# ---- back ends ------------------------------------------------------------
HAVE_L4LB=1 L4LB_WHY=
if [ ! -f "$L4LB_KO" ]; then
	HAVE_L4LB=0 L4LB_WHY="kmod/l4lb.ko not built"
elif [ ! -x "$L4LBADM" ]; then
	HAVE_L4LB=0 L4LB_WHY="userspace/l4lbadm not built"
elif ! insmod "$L4LB_KO" 2>/tmp/insmod.err; then
	HAVE_L4LB=0 L4LB_WHY="insmod failed: $(head -c 200 /tmp/insmod.err)"
else
	rmmod l4lb
fi
l4lb_params=

# ADM BACKEND ARGS...: ipvsadm or l4lbadm in the LB.
lbadm() {
	local be=$1
	shift
	case $be in
	ipvs) nsx lb ipvsadm "$@" ;;
	# l4lb with a sync master, and lb2 its backup with the same services.
	l4lb_sync) nsx lb "$L4LBADM" "$@" && nsx lb2 "$L4LBADM" "$@" ;;
	l4lb*) nsx lb "$L4LBADM" "$@" ;;
	esac
}

# vip_addr add|del: the VIP of the scenario's family on the LB's lo.
vip_addr() {
	if [ "$FAM" = 6 ]; then
		ip -n "$prefix-lb" addr "$1" "$VIP6/128" dev lo nodad
	else
		ip -n "$prefix-lb" addr "$1" "$VIP/32" dev lo
	fi
}

# be_up BACKEND: load what the back end needs and give the LB the VIP.
be_up() {
	case $1 in
	plain) ;;
	ipvs)
		modprobe ip_vs ${IPVS_PARAMS:-}
		vip_addr add
		nsx lb ipvsadm --set 900 120 900
		;;
	l4lb*)
		local params=$l4lb_params
		[ "$1" != l4lb_li ] || params+=" fast_path=0"
		# shellcheck disable=SC2086
		insmod "$L4LB_KO" $params
		vip_addr add
		nsx lb "$L4LBADM" --set 900 120 900 || true
		if [ "$1" = l4lb_sync ]; then
			nsx lb "$L4LBADM" --start-daemon master --mcast-interface eth0
			nsx lb2 "$L4LBADM" --start-daemon backup --mcast-interface eth0
		fi
		;;
	esac
}

# be_down BACKEND: remove the service, the VIP and the module.
be_down() {
	case $1 in
	plain) ;;
	ipvs)
		nsx lb ipvsadm -C
		vip_addr del
		# shellcheck disable=SC2046
		rmmod $(awk '$1 ~ /^ip_vs_/ { print $1 }' /proc/modules) ip_vs 2>/dev/null ||
			say "ip_vs stays loaded"
		;;
	l4lb*)
		nsx lb "$L4LBADM" -C || true
		[ "$1" != l4lb_sync ] || nsx lb2 "$L4LBADM" -C || true
		vip_addr del
		rmmod l4lb || say "l4lb did not unload"
		;;
	esac
}

# service BACKEND -t|-u PORT -g|-m [RIPS]: one service on VIP:PORT, rr or
# $SCHED
# (IPv6: [VIP6]:PORT and the servers' IPv6 addresses, ipvsadm's syntax,
# which l4lbadm shares).
service() {
	local be=$1 proto=$2 port=$3 fwd=$4 rips=${5:-$(rips)} r
	[ "$be" = plain ] && return 0
	lbadm "$be" -A "$proto" "$(hostport "$(vip)" "$port")" -s "${SCHED:-rr}" || return 1
	for r in $rips; do
		lbadm "$be" -a "$proto" "$(hostport "$(vip)" "$port")" -r "$(hostport "$r" "$port")" "$fwd" -w 1 || return 1
	done
}

# The scenario family's VIP, real servers and the client's flood source.
vip() { if [ "$FAM" = 6 ]; then echo "$VIP6"; else echo "$VIP"; fi; }
rips() { if [ "$FAM" = 6 ]; then echo "$RIPS6"; else echo "$RIPS"; fi; }
client() { if [ "$FAM" = 6 ]; then echo "$C6"; else echo 10.1.0.1; fi; }
hostport() { case $1 in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }

# Targets of the client: the VIP, or for plain the real servers themselves.
targets() {
	if [ "$1" != plain ]; then vip
	elif [ "$FAM" = 6 ]; then echo "$RIPS6_C"
	else echo "$RIPS_C"; fi
}

# ---- counters -------------------------------------------------------------
rs_pkts() { sunk rs1 rs2 rs3; }
# cpu_at N: CPU N's "WALL_NS IDLE_NS". Its busy time is the wall time less its idle
# time: the kernel keeps idle time exact (nohz) but samples busy time at
# ticks, and a CPU that wakes for a batch of packets and sleeps again
# between two ticks is never sampled busy at all, so the cheaper a packet,
# the more of its cost the tick-sampled counters missed.
cpu0() { cpu_at 0; }
cpu_at() { awk -v c="cpu$1" -v t="$(now)" -v hz="$hz" '$1 == c { printf "%.0f %.0f\n", t * 1e9, ($5 + $6) / hz * 1e9 }' /proc/stat; }
# cpu_busy A B: "BUSY_NS BUSY_PCT" of a CPU between two of its readings.
cpu_busy() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
		w = y[1] - x[1]; bu = w - (y[2] - x[2]); if (bu < 0) bu = 0
		printf "%.0f %.1f\n", bu, 100 * bu / (w + 1e-9) }'
}
hz=$(getconf CLK_TCK)
# cpu0_events: CPU 0's count of each interrupt and softirq, "NAME N" lines.
cpu0_events() {
	awk 'NR > 1 && $1 ~ /:$/ { sub(":", "", $1); print "irq_" $1, $2 }' /proc/interrupts
	awk 'NR > 1 { sub(":", "", $1); print "si_" $1, $2 }' /proc/softirqs
}
# events_per N A B: the events that moved between readings A and B, per N.
events_per() {
	printf '%s\n--\n%s\n' "$2" "$3" | awk -v n="$1" '$1 == "--" { b = 1; next }
		!b { a[$1] = $2; next }
		$2 != a[$1] && n > 0 { printf "%s %.3f\n", $1, ($2 - a[$1]) / n }'
}
now() { date +%s.%N; }
# Packets dropped by full backlogs (all CPUs), a sign of saturation.
softnet_drops() {
	local s=0 _a d _r
	while read -r _a d _r; do s=$((s + 0x$d)); done </proc/net/softnet_stat
	echo $s
}

# flood BACKEND SECONDS FLOWS [SRC PORT UDPFLOOD-ARGS...]: hot traffic to
# the service (or the RIPs), UDP to port 9 unless told otherwise; prints
# "pps ns_per_pkt cpu_busy_pct gen_pps backlog_drops insns_per_pkt" (the
# last "-" without the insncount plugin).
flood() {
	local be=$1 secs=$2 flows=$3 src=${4:-$(client)} port=${5:-9} p0 p1 c0 c1 t0 t1 gen
	local d0 d1 i0 i1
	shift $(($# < 5 ? $# : 5))
	p0=$(rs_pkts); c0=$(cpu0); d0=$(softnet_drops); i0=$(insn_cpu0); t0=$(now)
	gen=$(nsx c "$B/udpflood" -i eth0 -m "$LBMAC" -s "$src" -d "$(targets "$be")" \
		-p "$port" -n "$flows" -P 60000 -t "$secs" "$@" | awk '{ print $4 }')
	t1=$(now); sleep 0.2; p1=$(rs_pkts); c1=$(cpu0); d1=$(softnet_drops); i1=$(insn_cpu0)
	[ -z "${PROFILE:-}" ] || profile_report "$be" "$((p1 - p0))"
	awk -v p="$((p1 - p0))" -v t="$t0" -v u="$t1" -v busy="$(cpu_busy "$c0" "$c1")" -v g="$gen" -v d="$((d1 - d0))" \
		-v i0="$i0" -v i1="$i1" '
		BEGIN { split(busy, b, " ")
			printf "%.0f %.0f %.1f %s %d %s\n", p / (u - t), (p ? b[1] / p : 0), b[2], g, d,
				(i0 != "" && i1 != "" && p ? sprintf("%.0f", (i1 - i0) / p) : "-") }'
}

# flood_raw SCENARIO BACKEND RUN RATE UNIT FLOOD-OUTPUT...: flood's fields
# as raw lines, its rate named RATE and its costs per UNIT.
flood_raw() {
	local sc=$1 be=$2 run=$3 rate=$4 unit=$5
	shift 5
	raw R "$sc" "$be" "$run" "$rate" "$1"
	raw R "$sc" "$be" "$run" "lb_ns_per_$unit" "$2"
	raw R "$sc" "$be" "$run" lb_cpu_pct "$3"
	raw R "$sc" "$be" "$run" offered_pps "$4"
	raw R "$sc" "$be" "$run" backlog_drops "$5"
	[ "$6" = - ] || raw R "$sc" "$be" "$run" "lb_insns_per_$unit" "$6"
}

# Instructions CPU 0 ran, from the insncount qemu plugin when host.sh
# loaded it (L4LB_INSNCOUNT: its readings' directory): a cost per packet
# that, unlike CPU time under TCG, does not depend on the host. Each
# reading is a numbered mark; the count lives in a file because readings
# are taken in subshells. Prints nothing without the plugin.
insn_cpu0() {
	local n
	[ -n "${L4LB_INSNCOUNT:-}" ] || return 0
	n=$(($(cat /tmp/insn.marks 2>/dev/null || echo 0) + 1))
	echo "$n" >/tmp/insn.marks
	"$B/insnmark" "$L4LB_INSNCOUNT" "$n" | awk '{ print $1 }'
}

# make profile (PROFILE=1, the plugin with prof=on): where CPU 0's (or
# CPU 1's) instructions went between the last two readings, by kernel
# function, per delivered packet or per connection, so back ends compare
# by cost, not by share. nat_cps reports both CPUs: its rate is set by
# CPU 1's client and servers.
profile_report() { # BACKEND PACKETS [CPU]
	local prof cpu=${3:-0}
	prof=$L4LB_INSNCOUNT/prof${cpu#0}.$(cat /tmp/insn.marks)
	[ -r "$prof" ] || { say "profile: no $prof (is the plugin loaded with prof=on?)"; return 0; }
	{ awk '$2 ~ /^[tT]$/ { print $1, "S", $3 $4 }' /proc/kallsyms
	  awk '{ print $1, "P", $2, $3 }' "$prof"; } | sort -k1,1 -k2,2r |
		awk -v be="$1" -v n="$2" -v cpu="$cpu" -v top="${TOP:-45}" '
		$2 == "S" { sym = $3; next }
		{ cost[sym == "" ? "[user]" : sym] += $3; total += $3; blocks += $4 }
		END {
			printf "=== profile %s: %d delivered; CPU %d instructions per packet or connection: %.0f in %.0f blocks\n", be, n, cpu, total / (n ? n : 1), blocks / (n ? n : 1)
			fflush()
			cmd = "sort -k1,1nr | head -n " top
			for (s in cost) printf "%10.1f %5.1f%% %s\n", cost[s] / (n ? n : 1), 100 * cost[s] / total, s | cmd
			close(cmd)
		}' >&2
}

# fill BACKEND N: one packet for each of N idle flows (sources from
# 10.1.16.0 up), at most 3 passes until the table holds them.
# Live entries: ipvsadm's ActiveConn + InActConn (ip_vs_conn shares a merged
# slab cache with others), the l4lb_conn cache's active objects.
table_count() {
	case $1 in
	ipvs) nsx lb ipvsadm -L -n | awk '$1 == "->" && $5 ~ /^[0-9]+$/ { n += $5 + $6 } END { print n + 0 }' ;;
	l4lb) awk '$1 == "l4lb_conn" { n = $2 } END { print n + 0 }' /proc/slabinfo ;;
	l4lb_sync) info_of lb conn_count ;;
	*) echo 0 ;;
	esac
}
fill() {
	local be=$1 n=$2 pass
	for pass in 1 2 3; do
		nsx c "$B/udpflood" -i eth0 -m "$LBMAC" -s 10.1.16.0 -d "$(targets "$be")" \
			-p 9 -n "$n" -P 60000 -c "$n" -r "${FILL_PPS:-0}" >/dev/null
		[ "$be" = plain ] && return 0
		[ "$(table_count "$be")" -ge $((n * 98 / 100)) ] && return 0
		say "fill $be $n: pass $pass left $(table_count "$be") entries"
	done
}

available() { # BACKEND SCENARIO: 0 if the back end can run
	[ "${1#l4lb}" = "$1" ] && return 0
	[ "$HAVE_L4LB" = 1 ] && return 0
	raw N "$2" l4lb "$L4LB_WHY"
	return 1
}

# ---- 1. DR and NAT, UDP packet rate --------------------------------------
# entry_sizes BACKEND: bytes per connection entry, IPv4 and IPv6, once per
# back end: the slab object (/proc/slabinfo's objsize: object, metadata,
# alignment) of IPVS's ip_vs_conn, one struct for both families, and of
# l4lb's l4lb_conn and l4lb_conn6; and the object alone (what the
# struct asks for, before SLUB's alignment and free pointer): IPVS's
# object_size from sysfs, l4lb's own figures, GET_INFO's conn_entry_size
# and conn_entry_size6.
declare -A sized=()
slab_objsize() {
	awk -v n="$1" '$1 == n { print $4; f = 1 } END { exit !f }' /proc/slabinfo ||
		slab_size "$1"	# a cache merged into another one: sysfs has its alias
}
entry_sizes() {
	local be=$1 info
	[ -z "${sized[$be]:-}" ] || return 0
	case $be in
	ipvs)
		raw R entry ipvs 1 slab4 "$(slab_objsize ip_vs_conn)"
		raw R entry ipvs 1 slab6 "$(slab_objsize ip_vs_conn)"
		raw R entry ipvs 1 obj4 "$(cat /sys/kernel/slab/ip_vs_conn/object_size)"
		raw R entry ipvs 1 obj6 "$(cat /sys/kernel/slab/ip_vs_conn/object_size)"
		;;
	l4lb)
		raw R entry l4lb 1 slab4 "$(slab_objsize l4lb_conn)"
		raw R entry l4lb 1 slab6 "$(slab_objsize l4lb_conn6)"
		info=$(nsx lb "$L4LBADM" -L --info --json)
		raw R entry l4lb 1 obj4 "$(echo "$info" | jq '.info.conn_entry_size')"
		raw R entry l4lb 1 obj6 "$(echo "$info" | jq '.info.conn_entry_size6')"
		;;
	*) return 0 ;;
	esac
	sized[$be]=1
}

fast_pct() { # SCENARIO RUN
	local pct
	pct=$(nsx lb "$L4LBADM" -L -n --stats --json |
		jq '([.services[].stats.pkts_in] | add) as $n | if $n > 0 then .info.fast_path_pkts * 100 / $n | floor else empty end')
	[ -z "$pct" ] || raw R "$1" l4lb "$2" fast_pct "$pct"
}

pkt_rate() { # SCENARIO -g|-m [4|6]
	local sc=$1 fwd=$2 run be frame=64
	FAM=${3:-4}
	[ "$FAM" = 4 ] || frame=66
	declare -A dead=()
	say "== $sc: $FLOWS UDP flows over IPv$FAM, $frame-byte frames, ${T_UDP}s x $RUNS runs"
	for ((run = 1; run <= RUNS; run++)); do
		for be in $PKT_BACKENDS; do
			[ -z "${dead[$be]:-}" ] || continue
			available "$be" "$sc" || { dead[$be]=1; continue; }
			be_up "$be"
			if ! service "$be" -u 9 "$fwd"; then
				raw N "$sc" "$be" "service with $fwd rejected (NAT not available?)"
				dead[$be]=1
				be_down "$be"
				continue
			fi
			nsx c "$B/udpflood" -i eth0 -m "$LBMAC" -s "$(client)" -d "$(targets "$be")" \
				-p 9 -n "$FLOWS" -P 60000 -c $((FLOWS * 2)) -r 20000 >/dev/null
			# shellcheck disable=SC2046
			flood_raw "$sc" "$be" "$run" pps pkt $(flood "$be" "$T_UDP" "$FLOWS")
			entry_sizes "$be"
			# Share of the LB's packets that took the fast path (none
			# counted when nothing reached the service).
			[ "$be" != l4lb ] || fast_pct "$sc" "$run"
			be_down "$be"
		done
	done
	FAM=4
}

# ---- 2. NAT, TCP connection rate -----------------------------------------
# SYNs and SYN-ACKs the client and the real servers sent again: a lost
# handshake packet, which costs its connection a second or more.
syn_retrans() {
	local ns n=0
	for ns in c rs1 rs2 rs3; do
		n=$((n + $(nsx "$ns" nstat -az TcpExtTCPSynRetrans | awk '$1 == "TcpExtTCPSynRetrans" { print $2 }')))
	done
	echo $n
}

nat_cps() {
	local sc=nat_cps run be res c0 c1 d0 d1 conns i0 i1 busy e0 e1 r0
	declare -A dead=()
	say "== $sc: connect, 100-byte request, 100-byte answer, close; 32 in flight ${T_TCP}s, 1 in flight ${T_LAT}s, x $RUNS runs"
	for ((run = 1; run <= RUNS; run++)); do
		for be in $BACKENDS; do
			[ -z "${dead[$be]:-}" ] || continue
			available "$be" "$sc" || { dead[$be]=1; continue; }
			be_up "$be"
			if ! service "$be" -t 80 -m; then
				raw N "$sc" "$be" "n/a (NAT not available: l4lbadm -a ... -m failed)"
				dead[$be]=1
				be_down "$be"
				continue
			fi
			nsx c "$B/tcpcr" -d "$(targets "$be")" -p 80 -c 8 -t 0.5 >/dev/null
			e0=$(cpu0_events); c0=$(cpu0); d0=$(cpu_at 1); i0=$(insn_cpu0)
			res=$(nsx c "$B/tcpcr" -d "$(targets "$be")" -p 80 -c 32 -t "$T_TCP")
			c1=$(cpu0); d1=$(cpu_at 1); i1=$(insn_cpu0); e1=$(cpu0_events)
			say "$be: $res"
			set -- $res
			conns=$2
			if [ -n "${PROFILE:-}" ]; then
				profile_report "$be" "$conns" 0
				profile_report "$be" "$conns" 1
			fi
			raw R "$sc" "$be" "$run" cps "$6"
			raw R "$sc" "$be" "$run" errors "$4"
			events_per "$conns" "$e0" "$e1" | while read -r k v; do
				raw R "$sc" "$be" "$run" "cpu0_$k" "$v"
			done
			raw R "$sc" "$be" "$run" connect_p50_us "$8"
			raw R "$sc" "$be" "$run" connect_p99_us "${10}"
			raw R "$sc" "$be" "$run" txn_p50_us "${12}"
			raw R "$sc" "$be" "$run" txn_p99_us "${14}"
			busy=$(cpu_busy "$c0" "$c1")
			raw R "$sc" "$be" "$run" lb_us_per_conn "$(echo "$busy" |
				awk -v n="$conns" '{ printf "%.1f", n ? $1 / 1e3 / n : 0 }')"
			raw R "$sc" "$be" "$run" lb_cpu_pct "${busy#* }"
			raw R "$sc" "$be" "$run" cpu1_pct "$(cpu_busy "$d0" "$d1" | awk '{ print $2 }')"
			[ -z "$i0" ] || [ "$conns" = 0 ] ||
				raw R "$sc" "$be" "$run" lb_insns_per_conn "$(((i1 - i0) / conns))"
			# Saturated, latency is the queue at CPU 1: in flight / rate
			# (Little's law). One connection at a time, it is the path's.
			if [ -z "$i0" ] && [ "$T_LAT" != 0 ]; then
				r0=$(syn_retrans)
				set -- $(nsx c "$B/tcpcr" -d "$(targets "$be")" -p 80 -c 1 -t "$T_LAT")
				raw R "$sc" "$be" "$run" serial_syn_retrans "$(($(syn_retrans) - r0))"
				raw R "$sc" "$be" "$run" serial_cps "$6"
				raw R "$sc" "$be" "$run" serial_connect_p50_us "$8"
				raw R "$sc" "$be" "$run" serial_connect_p99_us "${10}"
				raw R "$sc" "$be" "$run" serial_txn_p99_us "${14}"
				raw R "$sc" "$be" "$run" serial_connect_max_us "${16}"
				raw R "$sc" "$be" "$run" serial_oldest_unfinished_us "${18}"
			fi
			# Share of the replies sent on from PREROUTING (kmod/hooks.c).
			[ "$be" != l4lb ] || raw R "$sc" "$be" "$run" reply_fast_pct "$(nsx lb "$L4LBADM" -L -n --stats --json |
				jq '.info.fast_path_reply_pkts * 100 / ([.services[].stats.pkts_out] | add) | floor')"
			be_down "$be"
		done
	done
}

# ---- 2b. NAT, new connections with the LB saturated -----------------------
# Every packet a TCP SYN of a new flow (no flow repeats within a run), which
# each balancer must schedule and make a NAT entry for; the real servers
# drop them at ingress, so CPU 1 runs only the generator and the LB's CPU,
# not the client's and servers' TCP, sets the rate. The entries stay
# (SYN_RECV times out after a minute), hence the tables sized as for scale.
nat_syn() {
	local sc=${SYN_SC:-nat_syn} run be
	declare -A dead=()
	say "== $sc: TCP SYNs of new flows to NAT services, ${T_UDP}s x $RUNS runs"
	l4lb_params=$L4LB_SCALE_PARAMS IPVS_PARAMS=$IPVS_SCALE_PARAMS
	for ((run = 1; run <= RUNS; run++)); do
		for be in $BACKENDS; do
			[ -z "${dead[$be]:-}" ] || continue
			available "$be" "$sc" || { dead[$be]=1; continue; }
			be_up "$be"
			if ! service "$be" -t "$SYN_PORT" -m; then
				raw N "$sc" "$be" "n/a (NAT not available: l4lbadm -a ... -m failed)"
				dead[$be]=1
				be_down "$be"
				continue
			fi
			# 64 sources x 60000 ports: more flows than a run sends.
			# shellcheck disable=SC2046
			flood_raw "$sc" "$be" "$run" cps conn $(flood "$be" "$T_UDP" 3840000 10.1.32.0 "$SYN_PORT" -S)
			raw R "$sc" "$be" "$run" entries "$(table_count "$be")"
			[ "$be" != l4lb_sync ] || sync_raw "$sc" "$run"
			be_down "$be"
		done
	done
	l4lb_params= IPVS_PARAMS=
}

# sync_raw SCENARIO RUN: what lb2, the backup of l4lb_sync, made of the
# master's records (its entries once the queue drained, and counters).
sync_raw() {
	local n=-1 m
	while m=$(info_of lb2 conn_count) && [ "$m" != "$n" ]; do
		n=$m
		sleep 0.5
	done
	raw R "$1" l4lb_sync "$2" backup_entries "$n"
	nsx lb "$L4LBADM" -L --daemon --stats | awk -v p="R $1 l4lb_sync $2 master_" '
		NR == 2 { for (i = 2; i <= NF; i++) { split($i, kv, "="); print p kv[1], kv[2] } }' | tee -a "$out"
	nsx lb2 "$L4LBADM" -L --daemon --stats | awk -v p="R $1 l4lb_sync $2 backup_" '
		NR == 2 { for (i = 2; i <= NF; i++) { split($i, kv, "="); print p kv[1], kv[2] } }' | tee -a "$out"
}

# ---- 2c. a new connection's cost, per scheduler family ---------------------
# nat_syn's flood with one of ipvsadm's schedulers of each kind on both
# balancers: rr (a turn), wlc (counts), sh and mh (hashes).
SCHEDS=${SCHEDS:-"rr wlc sh mh"}
sched_syn() {
	local s
	for s in $SCHEDS; do
		SCHED=$s SYN_SC=sched_syn_$s nat_syn
	done
}

# ---- 3. NAT, bulk TCP -----------------------------------------------------
nat_bulk() {
	local sc=nat_bulk run be bps c0 c1 t0 t1 target
	declare -A dead=()
	say "== $sc: iperf3 through the VIP to rs1, ${T_BULK}s x $RUNS runs"
	for ((run = 1; run <= RUNS; run++)); do
		for be in $BACKENDS; do
			[ -z "${dead[$be]:-}" ] || continue
			available "$be" "$sc" || { dead[$be]=1; continue; }
			be_up "$be"
			if ! service "$be" -t 5201 -m 10.0.0.11; then
				raw N "$sc" "$be" "n/a (NAT not available: l4lbadm -a ... -m failed)"
				dead[$be]=1
				be_down "$be"
				continue
			fi
			target=$VIP
			[ "$be" = plain ] && target=10.0.0.11
			nsx rs1 pkill -x iperf3 2>/dev/null
			bg rs1 iperf3 -s -p 5201 -1
			wait_listen rs1 tcp 5201
			c0=$(cpu0); t0=$(now)
			bps=$(nsx c iperf3 -c "$target" -p 5201 -t "$T_BULK" -J 2>/dev/null |
				jq -r '.end.sum_received.bits_per_second // 0')
			t1=$(now); c1=$(cpu0)
			raw R "$sc" "$be" "$run" mbit_s "$(awk -v b="${bps:-0}" 'BEGIN { printf "%.0f", b / 1e6 }')"
			raw R "$sc" "$be" "$run" lb_cpu_pct "$(cpu_busy "$c0" "$c1" | awk '{ print $2 }')"
			be_down "$be"
		done
	done
}

# ---- 4. connection-table scale -------------------------------------------
# Bytes one object takes in its slab (object, metadata, alignment).
slab_size() { cat "/sys/kernel/slab/$1/slab_size" 2>/dev/null || echo 0; }
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
scale() {
	local sc=scale be size run res cache prev kb0 kb1 n0 n1
	say "== $sc: hot traffic on $FLOWS flows with 0 / $SCALE idle flows in the table"
	for be in $BACKENDS; do
		available "$be" "$sc" || continue
		l4lb_params=$L4LB_SCALE_PARAMS IPVS_PARAMS=$IPVS_SCALE_PARAMS
		be_up "$be"
		l4lb_params= IPVS_PARAMS=
		service "$be" -u 9 -g || { raw N "$sc" "$be" "service rejected"; be_down "$be"; continue; }
		case $be in ipvs) cache=ip_vs_conn ;; l4lb) cache=l4lb_conn ;; *) cache= ;; esac
		nsx c "$B/udpflood" -i eth0 -m "$LBMAC" -s 10.1.0.1 -d "$(targets "$be")" \
			-p 9 -n "$FLOWS" -P 60000 -c $((FLOWS * 2)) -r 20000 >/dev/null
		prev=0
		kb0=$(slab_kb); n0=$(table_count "$be")
		for size in 0 $SCALE; do
			if [ "$size" != 0 ]; then
				local t0
				t0=$(now)
				fill "$be" "$size"
				say "$be: table filled to $(table_count "$be") entries in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')s"
			fi
			for ((run = 1; run <= SCALE_RUNS; run++)); do
				res=$(flood "$be" "$T_UDP" "$FLOWS")
				set -- $res
				raw R "scale_$size" "$be" "$run" pps "$1"
				raw R "scale_$size" "$be" "$run" lb_ns_per_pkt "$2"
				[ "$6" = - ] || raw R "scale_$size" "$be" "$run" lb_insns_per_pkt "$6"
			done
			if [ -n "$cache" ]; then
				raw R "scale_$size" "$be" 1 entries "$(table_count "$be")"
			fi
		done
		if [ -n "$cache" ]; then
			kb1=$(slab_kb); n1=$(table_count "$be")
			raw R mem "$be" 1 slab_size "$(slab_size "$cache")"
			raw R mem "$be" 1 slab_bytes_per_entry "$(awk -v a="$kb0" -v b="$kb1" -v m="$n0" -v n="$n1" \
				'BEGIN { printf "%.0f", (n > m ? (b - a) * 1024 / (n - m) : 0) }')"
		fi
		be_down "$be"
	done
}

# ---- 5. control plane -----------------------------------------------------
control() {
	local sc=control be run t0 t1 rules=/tmp/rules.txt n
	say "== $sc: $CP_SVCS services x $CP_DESTS destinations, restore / list / clear, $CP_RUNS runs"
	ns_add cp
	awk -v s="$CP_SVCS" -v d="$CP_DESTS" 'BEGIN {
		for (i = 0; i < s; i++) {
			vip = sprintf("10.%d.%d.%d:80", 100 + int(i / 65536), int(i / 256) % 256, i % 256)
			printf "-A -t %s -s rr\n", vip
			for (j = 0; j < d; j++)
				printf "-a -t %s -r 10.200.%d.%d:80 -m -w 1\n", vip, j, 1 + i % 250
		}
	}' >"$rules"
	raw M control_rules "$(wc -l <"$rules")"
	local l4lb_restore=1
	if [ "$HAVE_L4LB" = 1 ]; then
		insmod "$L4LB_KO"
		if ! nsx cp "$L4LBADM" -R </dev/null 2>/tmp/r.err; then
			l4lb_restore=0
			raw N "$sc" l4lb "n/a (l4lbadm -R: $(head -c 120 /tmp/r.err | tr '\n' ' '))"
		fi
		rmmod l4lb
	fi
	for ((run = 1; run <= CP_RUNS; run++)); do
		for be in ipvs l4lb; do
			[ "$be" = ipvs ] || { [ "$HAVE_L4LB" = 1 ] && [ "$l4lb_restore" = 1 ]; } || continue
			case $be in
			ipvs) modprobe ip_vs; adm_bin=ipvsadm ;;
			l4lb) insmod "$L4LB_KO"; adm_bin=$L4LBADM ;;
			esac
			t0=$(now)
			nsx cp "$adm_bin" -R <"$rules" || say "$be: restore failed"
			t1=$(now)
			raw R "$sc" "$be" "$run" restore_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
			t0=$(now)
			n=$(nsx cp "$adm_bin" -L -n | wc -l)
			t1=$(now)
			raw R "$sc" "$be" "$run" list_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
			raw R "$sc" "$be" "$run" list_lines "$n"
			t0=$(now)
			nsx cp "$adm_bin" -C
			t1=$(now)
			raw R "$sc" "$be" "$run" clear_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
			case $be in
			ipvs) rmmod ip_vs_rr ip_vs 2>/dev/null || true ;;
			l4lb) rmmod l4lb || true ;;
			esac
		done
	done
}

start=$(now)
for sc in $SCENARIOS; do
	s0=$(now)
	case $sc in
	dr_udp) pkt_rate dr_udp -g ;;
	nat_udp) pkt_rate nat_udp -m ;;
	tun_udp) pkt_rate tun_udp -i ;;
	dr6_udp) pkt_rate dr6_udp -g 6 ;;
	nat6_udp) pkt_rate nat6_udp -m 6 ;;
	nat_cps) nat_cps ;;
	nat_syn) nat_syn ;;
	sched_syn) sched_syn ;;
	nat_bulk) nat_bulk ;;
	scale) scale ;;
	control) control ;;
	esac
	raw M "time_$sc" "$(awk -v a="$s0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')"
done
raw M time_total "$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')"
echo "=== RESULTS-END ==="
