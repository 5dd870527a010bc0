# Turns bench.sh's raw lines into bench/results.md (Markdown on stdout) and
# the plot's data (to the file named by -v dat=FILE).
#   R SCENARIO BACKEND RUN KEY VALUE / N SCENARIO BACKEND TEXT / M KEY VALUE
# Cells are "median (min-max)" over the runs; ratios are of medians.
# Plain POSIX awk (mawk).

function add(k, v) { vals[k] = (k in vals) ? vals[k] " " v : v }
function med(k,    n, a, i, j, t) {
	if (!(k in vals)) return ""
	n = split(vals[k], a, " ")
	for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	cnt[k] = n; lo[k] = a[1]; hi[k] = a[n]
	if (n % 2) return a[(n + 1) / 2] + 0
	return (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmt(x,    ax) {
	if (x == "") return ""
	ax = x < 0 ? -x : x
	if (ax >= 100 || x == int(x)) return sprintf("%.0f", x)
	if (ax >= 10) return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}
function cell(sc, be, key,    k, m) {
	k = sc SUBSEP be SUBSEP key
	m = med(k)
	if (m == "") {
		if ((sc SUBSEP be) in why) return "n/a"
		return "–"
	}
	M[sc, be, key] = m
	if (cnt[k] > 1) return fmt(m) " (" fmt(lo[k]) "–" fmt(hi[k]) ")"
	return fmt(m)
}
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : a / b }
function rfmt(r) { return r == "" ? "–" : sprintf("%.2f", r) }
function goal(ok) { return ok ? "**met**" : "**not met**" }

# row SC KEY LABEL [GOALTEXT]: one table row; the goal is judged by caller.
function row(sc, key, label, gtext,    p, i, l, rI, rP) {
	p = cell(sc, "plain", key); i = cell(sc, "ipvs", key); l = cell(sc, "l4lb", key)
	rI = ratio(M[sc, "l4lb", key], M[sc, "ipvs", key])
	rP = ratio(M[sc, "l4lb", key], M[sc, "plain", key])
	RI = rI; RP = rP
	printf "| %s | %s | %s | %s | %s | %s | %s |\n", label, p, i, l, rfmt(rI), rfmt(rP), gtext
}
function has(sc, be, key) { return (sc SUBSEP be SUBSEP key) in vals }

# rate_goal NAME BASIS RI RP: the packet-rate goal line, l4lb's capacity
# being RI times IPVS's and RP times plain forwarding's.
function rate_goal(nm, basis, rI, rP,    g) {
	if (rI == "") g = "n/a"
	else g = sprintf("≥1.3× IPVS: %s (%.2f); within 15%% of plain: %s (%.2f)", goal(rI >= 1.3), rI, goal(rP >= 0.85), rP)
	printf "| ↳ goal, %s packet rate (on capacity from %s) | | | | | | %s |\n", nm, basis, g
}

# ratio_goal LABEL R: a "≥1.3× IPVS" goal line, l4lb's capacity being R
# times IPVS's.
function ratio_goal(label, r) {
	printf "| ↳ goal, %s | | | | | | %s |\n", label,
		r == "" ? "n/a" : sprintf("≥1.3× IPVS: %s (%.2f)", goal(r >= 1.3), r)
}

# over SC KEY: KEY_over, each balancer's KEY minus plain forwarding's in the
# same run (interleaved runs pair up, so slow drift of the host cancels):
# what the balancer itself adds to the forwarding the kernel does anyway.
function over(sc, key,    b, be, r) {
	for (b = 1; b <= 2; b++) {
		be = (b == 1) ? "ipvs" : "l4lb"
		for (r = 1; r <= maxrun; r++)
			if (((sc, be, key, r) in byrun) && ((sc, "plain", key, r) in byrun))
				add(sc SUBSEP be SUBSEP key "_over", byrun[sc, be, key, r] - byrun[sc, "plain", key, r])
	}
}

$1 == "M" { k = $2; $1 = ""; $2 = ""; sub(/^  */, ""); meta[k] = $0; next }
$1 == "N" { ran[$2] = 1; k = $2 SUBSEP $3; $1 = ""; $2 = ""; $3 = ""; sub(/^  */, ""); why[k] = $0; next }
$1 == "R" {
	ran[$2] = 1
	add($2 SUBSEP $3 SUBSEP $5, $6)
	byrun[$2, $3, $5, $4] = $6
	if ($4 + 0 > maxrun) maxrun = $4 + 0
	if ($5 == "lb_ns_per_pkt" && $6 > 0) add($2 SUBSEP $3 SUBSEP "lb_kpps", 1e6 / $6)
	if ($5 == "lb_ns_per_conn" && $6 > 0) add($2 SUBSEP $3 SUBSEP "lb_kcps", 1e6 / $6)
	next
}

END {
	print "# l4lb benchmark: plain routing vs IPVS vs l4lb"
	print ""
	printf "- date: %s\n", meta["date"]
	printf "- kernel (VM): %s; %s vCPUs, %s\n", meta["kernel"], meta["vcpus"], meta["vcpu_model"]
	printf "- host CPU: %s\n", meta["host_cpu"]
	printf "- runs per measurement: %s, back ends interleaved (plain, IPVS, l4lb, plain, ...; the packet-rate scenarios add l4lb with fast_path=0); cells are median (min–max)\n", meta["runs"]
	if (meta["rp_filter"] != "" && meta["rp_filter"] != 0)
		printf "- the LB's rp_filter: %s (1 strict, 2 loose; only on the LB's interfaces)\n", meta["rp_filter"]
	printf "- VM time: %s s; written by `make bench` (selftests/bench/host.sh)\n", meta["time_total"]
	if (meta["insns_time_total"] != "")
		printf "- instruction rows: a second boot with the insncount plugin, %s runs, %s s\n", meta["insns_runs"], meta["insns_time_total"]
	print ""
	print "Everything runs under qemu TCG: absolute numbers mean little, ratios do. The host may"
	print "also be busy with other work, which widens the spread. \"LB CPU\" is the LB's CPU 0"
	print "(RPS puts only the LB's packet path there): its busy time, the wall time less its idle"
	print "time from /proc/stat, which nohz keeps exact (busy time there is sampled at ticks and"
	print "misses a CPU that wakes for a batch and sleeps again between two), and"
	print "\"LB capacity\" is 1/(LB CPU per packet): the rate one LB CPU would sustain, which does"
	print "not depend on how fast the generator is. Delivered pps is capped by the generator and the"
	print "real servers, which share CPU 1. \"Instructions\" rows count what CPU 0 executed"
	print "(selftests/bench/insncount.c, a qemu plugin): unlike CPU time under TCG they do not"
	print "depend on the host's load, but they miss what memory costs (cache misses), so the"
	print "table-size goal is judged on time; the packet-rate goals are shown on both."
	print ""
	print "| measurement | plain | IPVS | l4lb | l4lb/IPVS | l4lb/plain | goal |"
	print "| --- | --- | --- | --- | --- | --- | --- |"

	# 1. packet rate, IPv4 then IPv6 (the scenarios that ran)
	split("dr_udp nat_udp tun_udp dr6_udp nat6_udp", S, " ")
	for (s = 1; s <= 5; s++) {
		sc = S[s]
		if (!(sc in ran)) continue
		nm = (sc ~ /^dr/) ? "DR" : (sc ~ /^tun/) ? "Tunnel (IPIP)" : "NAT"
		if (sc ~ /6_udp$/) nm = "IPv6 " nm
		row(sc, "pps", nm " UDP " (sc ~ /6_udp$/ ? "66" : "64") " B: delivered pps", "")
		row(sc, "lb_ns_per_pkt", nm " UDP: LB CPU ns/packet (lower is better)", "")
		over(sc, "lb_ns_per_pkt")
		row(sc, "lb_ns_per_pkt_over", nm " UDP: LB CPU ns/packet above plain forwarding, paired by run", "")
		row(sc, "lb_kpps", nm " UDP: LB capacity kpps/CPU", "")
		# Capacity extrapolates from a partly busy CPU: the further from
		# 100 %, the more fixed per-batch costs (IPIs, polls) weigh alike
		# on every back end and pull the ratios towards 1.
		row(sc, "lb_cpu_pct", nm " UDP: LB CPU busy % during the flood (100 = saturated)", "")
		# (The goals are DR's and NAT's; a tunnel has none of its own.)
		if (sc !~ /^tun/)
			rate_goal(nm, "CPU time", ratio(M[sc, "l4lb", "lb_kpps"], M[sc, "ipvs", "lb_kpps"]),
				  ratio(M[sc, "l4lb", "lb_kpps"], M[sc, "plain", "lb_kpps"]))
		if (has(sc, "l4lb", "lb_insns_per_pkt")) {
			row(sc, "lb_insns_per_pkt", nm " UDP: LB CPU instructions/packet (qemu plugin count; lower is better)", "")
			# Capacity is inversely proportional to the cost per packet.
			if (sc !~ /^tun/)
				rate_goal(nm, "instructions", ratio(M[sc, "ipvs", "lb_insns_per_pkt"], M[sc, "l4lb", "lb_insns_per_pkt"]),
					  ratio(M[sc, "plain", "lb_insns_per_pkt"], M[sc, "l4lb", "lb_insns_per_pkt"]))
			if (has(sc, "l4lb_li", "lb_insns_per_pkt")) {
				c = cell(sc, "l4lb_li", "lb_insns_per_pkt"); li = M[sc, "l4lb_li", "lb_insns_per_pkt"]
				printf "| %s UDP: LB CPU instructions/packet, l4lb with fast_path=0 | | | %s | %s | %s | fast path gain: %s× |\n", nm,
					c, rfmt(ratio(li, M[sc, "ipvs", "lb_insns_per_pkt"])),
					rfmt(ratio(li, M[sc, "plain", "lb_insns_per_pkt"])), rfmt(ratio(li, M[sc, "l4lb", "lb_insns_per_pkt"]))
			}
		}
		if (has(sc, "l4lb_li", "lb_kpps")) {
			c = cell(sc, "l4lb_li", "lb_kpps"); li = M[sc, "l4lb_li", "lb_kpps"]
			printf "| %s UDP: LB capacity, l4lb with fast_path=0 (LOCAL_IN only) | | | %s | %s | %s | fast path gain: %s× |\n", nm,
				c, rfmt(ratio(li, M[sc, "ipvs", "lb_kpps"])),
				rfmt(ratio(li, M[sc, "plain", "lb_kpps"])), rfmt(ratio(M[sc, "l4lb", "lb_kpps"], li))
		}
		if (has(sc, "l4lb", "fast_pct"))
			printf "| %s UDP: l4lb packets that took the fast path, %% | | | %s | | | |\n", nm, cell(sc, "l4lb", "fast_pct")
		row(sc, "backlog_drops", nm " UDP: packets dropped at full backlogs", "")
	}
	# 2. connection rate
	# 32 connections in flight keep CPU 1 (the client and the servers, which
	# need about three times the LB's instructions per connection) busy:
	# it, not the LB, sets this rate, and the rate goal is judged on the
	# LB's capacity below. Saturated, latency is in flight / rate (Little's
	# law); one connection at a time it is the path's, where the p99 goal is.
	row("nat_cps", "cps", "NAT TCP, 32 in flight: connections/s (CPU 1 sets the rate)", "")
	row("nat_cps", "lb_cpu_pct", "NAT TCP, 32 in flight: LB CPU busy % (100 = the LB sets the rate)", "")
	row("nat_cps", "cpu1_pct", "NAT TCP, 32 in flight: CPU 1 (client, servers) busy % (100: CPU 1 sets the rate)", "")
	row("nat_cps", "connect_p50_us", "NAT TCP, 32 in flight: connect latency p50, µs", "")
	row("nat_cps", "connect_p99_us", "NAT TCP, 32 in flight: connect latency p99, µs", "")
	row("nat_cps", "txn_p99_us", "NAT TCP, 32 in flight: whole transaction p99, µs", "")
	if (has("nat_cps", "l4lb", "serial_connect_p99_us")) {
		row("nat_cps", "serial_cps", "NAT TCP, 1 in flight: connections/s", "")
		row("nat_cps", "serial_connect_p50_us", "NAT TCP, 1 in flight: connect latency p50, µs", "")
		row("nat_cps", "serial_connect_p99_us", "NAT TCP, 1 in flight: connect latency p99, µs", "")
		g = (RI == "") ? "n/a" : sprintf("p99 ≤ IPVS: %s (%.2f)", goal(RI <= 1), RI)
		printf "| ↳ goal, NAT connect p99 (1 in flight: the path's latency, not CPU 1's queue) | | | | | | %s |\n", g
		row("nat_cps", "serial_txn_p99_us", "NAT TCP, 1 in flight: whole transaction p99, µs", "")
		if (has("nat_cps", "l4lb", "serial_syn_retrans")) {
			row("nat_cps", "serial_connect_max_us", "NAT TCP, 1 in flight: slowest connect, µs (a lost SYN or SYN-ACK costs a second)", "")
			row("nat_cps", "serial_syn_retrans", "NAT TCP, 1 in flight: SYNs and SYN-ACKs sent again", "")
		}
	}
	row("nat_cps", "lb_us_per_conn", "NAT TCP: LB CPU µs/connection", "")
	# Most of that time is the LB's CPU waking for a few packets: per
	# connection it is woken ~5 times (RPS's IPIs) and runs NET_RX ~10
	# times, and how many follows the batching of the moment (plain, with
	# no balancer, is woken most), not the back end's code.
	row("nat_cps", "cpu0_irq_CAL", "NAT TCP: LB CPU wakeups (function-call IPIs) per connection", "")
	row("nat_cps", "cpu0_si_NET_RX", "NAT TCP: LB CPU NET_RX softirq runs per connection", "")
	over("nat_cps", "lb_us_per_conn")
	row("nat_cps", "lb_us_per_conn_over", "NAT TCP: LB CPU µs/connection above plain forwarding, paired by run", "")
	# The client and the servers, not the LB, set the rate here. On the
	# LB's CPU cost, a balancer that added nothing to plain forwarding
	# would reach IPVS/plain: the most any balancer can show.
	pI = M["nat_cps", "ipvs", "lb_us_per_conn"]; pP = M["nat_cps", "plain", "lb_us_per_conn"]
	pL = M["nat_cps", "l4lb", "lb_us_per_conn"]
	if (pI != "" && pP != "" && pL != "")
		printf "| ↳ goal, NAT connection rate on LB capacity from CPU time (1/CPU per connection) | | | | %.2f | %.2f | ≥1.3× IPVS: %s (%.2f); a balancer costing what plain forwarding does: %.2f× IPVS |\n", pI / pL, pP / pL, goal(pI / pL >= 1.3), pI / pL, pI / pP
	if (has("nat_cps", "l4lb", "lb_insns_per_conn")) {
		row("nat_cps", "lb_insns_per_conn", "NAT TCP: LB CPU instructions/connection (qemu plugin count)", "")
		pI = M["nat_cps", "ipvs", "lb_insns_per_conn"]; pP = M["nat_cps", "plain", "lb_insns_per_conn"]
		pL = M["nat_cps", "l4lb", "lb_insns_per_conn"]
		if (pI != "" && pP != "" && pL != "")
			printf "| ↳ goal, NAT connection rate on LB capacity from instructions | | | | %.2f | %.2f | ≥1.3× IPVS: %s (%.2f); a balancer costing what plain forwarding does: %.2f× IPVS |\n", pI / pL, pP / pL, goal(pI / pL >= 1.3), pI / pL, pI / pP
	}
	row("nat_cps", "errors", "NAT TCP: failed connections", "")
	if (has("nat_cps", "l4lb", "reply_fast_pct"))
		printf "| NAT TCP: l4lb replies that took the fast path, %% (not the first of each connection) | | | %s | | | |\n", cell("nat_cps", "l4lb", "reply_fast_pct")
	# 2b. new connections with the LB, not CPU 1, setting the rate
	if (has("nat_syn", "l4lb", "cps")) {
		row("nat_syn", "cps", "NAT TCP SYNs of new flows: delivered/s (the LB sets the rate when saturated)", "")
		row("nat_syn", "lb_cpu_pct", "NAT TCP SYNs: LB CPU busy % (100 = saturated)", "")
		row("nat_syn", "lb_ns_per_conn", "NAT TCP SYNs: LB CPU ns/new connection (lower is better)", "")
		row("nat_syn", "lb_kcps", "NAT TCP SYNs: LB capacity, k new connections/s per CPU", "")
		ratio_goal("NAT connection rate (new connections, the LB saturated; on CPU time)",
			   ratio(M["nat_syn", "l4lb", "lb_kcps"], M["nat_syn", "ipvs", "lb_kcps"]))
		if (has("nat_syn", "l4lb", "lb_insns_per_conn")) {
			row("nat_syn", "lb_insns_per_conn", "NAT TCP SYNs: LB CPU instructions/new connection (qemu plugin count)", "")
			ratio_goal("NAT connection rate (new connections; on instructions)",
				   ratio(M["nat_syn", "ipvs", "lb_insns_per_conn"], M["nat_syn", "l4lb", "lb_insns_per_conn"]))
		}
		row("nat_syn", "entries", "NAT TCP SYNs: table entries after the run", "")
		row("nat_syn", "backlog_drops", "NAT TCP SYNs: packets dropped at full backlogs", "")
	}
	# 2c. a new connection per scheduler family
	for (k = 1; k <= 4; k++) {
		sn = k == 1 ? "rr" : k == 2 ? "wlc" : k == 3 ? "sh" : "mh"
		sc = "sched_syn_" sn
		if (!has(sc, "l4lb", "cps"))
			continue
		row(sc, "lb_ns_per_conn", "NAT TCP SYNs, -s " sn ": LB CPU ns/new connection", "")
		if (has(sc, "l4lb", "lb_insns_per_conn"))
			row(sc, "lb_insns_per_conn", "NAT TCP SYNs, -s " sn ": LB CPU instructions/new connection", "")
	}
	# 3. bulk
	row("nat_bulk", "mbit_s", "NAT TCP bulk (iperf3): Mbit/s", "")
	row("nat_bulk", "lb_cpu_pct", "NAT TCP bulk: LB CPU busy %", "")
	# 4. scale
	nsz = split("0 " meta["scale_sizes"], Z, " ")
	for (z = 1; z <= nsz; z++) {
		sc = "scale_" Z[z]
		lab = Z[z] == 0 ? "empty table (only the hot flows)" : sprintf("%d idle entries", Z[z])
		row(sc, "pps", "DR UDP, " lab ": delivered pps", "")
		row(sc, "lb_kpps", "DR UDP, " lab ": LB capacity kpps/CPU", "")
		if (has(sc, "l4lb", "lb_insns_per_pkt"))
			row(sc, "lb_insns_per_pkt", "DR UDP, " lab ": LB CPU instructions/packet", "")
		row(sc, "entries", "DR UDP, " lab ": table entries", "")
	}
	last = "scale_" Z[nsz]
	for (b = 1; b <= 3; b++) {
		be = (b == 1) ? "plain" : (b == 2) ? "ipvs" : "l4lb"
		full[be] = ratio(M[last, be, "lb_kpps"], M["scale_0", be, "lb_kpps"])
	}
	g = (full["l4lb"] == "") ? "n/a" : sprintf("within 10%% of empty: %s", goal(full["l4lb"] >= 0.9))
	printf "| capacity with %s entries / empty | %s | %s | %s | | | %s |\n", Z[nsz], rfmt(full["plain"]), rfmt(full["ipvs"]), rfmt(full["l4lb"]), g
	row("mem", "slab_size", "bytes per connection entry (slab object)", "")
	g = (RI == "") ? "n/a" : sprintf("≤ half of ip_vs_conn: %s (%.2f)", goal(RI <= 0.5), RI)
	printf "| ↳ goal, memory per entry | | | | | | %s |\n", g
	row("mem", "slab_bytes_per_entry", "slab growth per entry, bytes (incl. hash, per-entry extras)", "")
	# Per family (the packet-rate scenarios): IPVS's ip_vs_conn serves
	# both; l4lb has a cache per family, and GET_INFO reports each.
	for (f = 4; f <= 6; f += 2) {
		if (!has("entry", "ipvs", "slab" f) && !has("entry", "l4lb", "slab" f)) continue
		row("entry", "slab" f, "IPv" f " connection entry, bytes: slab object (/proc/slabinfo objsize)", "")
		g = (RI == "") ? "n/a" : sprintf("≤ half of ip_vs_conn: %s (%.2f)", goal(RI <= 0.5), RI)
		printf "| ↳ goal, memory per IPv%d entry | | | | | | %s |\n", f, g
		row("entry", "obj" f, "IPv" f " connection entry, bytes: the object alone (IPVS: sysfs object_size; l4lb: GET_INFO conn_entry_size" (f == 6 ? "6" : "") ")", "")
	}
	# 5. control plane
	cpn = meta["control_rules"]
	row("control", "restore_s", "restore " meta["control_desc"] " (" cpn " lines), s", "")
	g = (RI == "") ? "n/a" : sprintf("≥5× faster than ipvsadm -R: %s (%.1f×)", goal(RI > 0 && 1 / RI >= 5), (RI > 0 ? 1 / RI : 0))
	printf "| ↳ goal, restore | | | | | | %s |\n", g
	row("control", "list_s", "list them (-L -n), s", "")
	row("control", "clear_s", "clear (-C), s", "")
	# 6. scheduler
	for (z = 1; z <= 3; z++) {
		n = (z == 1) ? 10 : (z == 2) ? 100 : 1000
		row("sched", "ir_" n, "smooth WRR pick, " n " dests: instructions (callgrind)", "")
	}
	print ""
	print "The control plane at 10,000 services × 10 destinations, too slow for every run"
	print "(ipvsadm -R alone takes about 5 minutes under TCG): bench/restore.md, made by"
	print "selftests/bench/restore.sh."
	print ""
	print "Not available:"
	print ""
	for (k in why) { split(k, a, SUBSEP); printf "- %s, %s: %s\n", a[1], a[2], why[k] }
	print ""
	t = ""
	for (k in meta) if (k ~ /^time_/ && k != "time_total") t = t " " substr(k, 6) "=" meta[k]
	print "Time per scenario in the VM (s):" t
	if (dat != "") {
		for (z = 1; z <= nsz; z++) {
			sc = "scale_" Z[z]
			x = Z[z] == 0 ? meta["flows"] : Z[z]
			printf "%s %s %s %s %s %s %s\n", x, M[sc, "plain", "pps"] + 0, M[sc, "ipvs", "pps"] + 0, M[sc, "l4lb", "pps"] + 0,
				M[sc, "plain", "lb_kpps"] + 0, M[sc, "ipvs", "lb_kpps"] + 0, M[sc, "l4lb", "lb_kpps"] + 0 > dat
		}
	}
}
