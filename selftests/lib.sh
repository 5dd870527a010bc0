# shellcheck shell=bash
# Shared helpers for l4lb selftests. Source it first thing:
#   . "$(dirname "$0")/../lib.sh"
# It sets -e, loads nothing by itself, and on exit kills what the test
# started, deletes its namespaces and unloads the module.
#
# Hosts are network namespaces named $prefix-NAME; `nsx NAME cmd` runs cmd in
# one. Waits poll (wait_for), they never sleep for a fixed time.
#
# Results are KTAP cases, one line each ("ok N - what", "not ok N - what"),
# printed indented as a subtest block and kept in $L4LB_KTAP, from which
# guest-init.sh reports them under the test's own line. expect_eq,
# expect_true and case_fail record a failed case and go on: the test runs
# to its end and then fails. fail records one and stops the test (for
# setup, and where nothing after it could mean anything). A test exits 0
# (pass), 4 (skip(): its last line says why) or 1 (fail).

set -eu
set -o pipefail

L4LB_DIR=${L4LB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
L4LB_KO=${L4LB_MODULE:-$L4LB_DIR/kmod/l4lb.ko}
L4LBADM=$L4LB_DIR/userspace/l4lbadm
L4LBD=$L4LB_DIR/userspace/l4lbd/l4lbd
prefix=l4t
bg_pids=()
namespaces=()

# The cases of this test; guest-init.sh names the file, nested tests
# (a script of lib.sh's run by a test) add to their parent's. Run alone,
# the test keeps them in a file of its own until it exits.
ktap_own=
if [ -z "${L4LB_KTAP:-}" ]; then
	L4LB_KTAP=/tmp/l4lb-ktap-$$
	ktap_own=$L4LB_KTAP
	: >"$L4LB_KTAP"
fi
export L4LB_KTAP

log() { echo "# [${SECONDS}s] $*"; }

# case_result ok|"not ok" WHAT [DIRECTIVE]: record one case (WHAT's first
# line, without '#', which starts a KTAP directive such as "SKIP why") and
# print it.
case_result() {
	local n line what=${2%%$'\n'*} lines=()
	what=${what//#/}
	# (Counted by mapfile, not grep -c: no process per case.)
	mapfile -t lines 2>/dev/null <"$L4LB_KTAP" || true
	n=$((${#lines[@]} + 1))
	line="$1 $n - $what${3:+ # $3}"
	echo "$line" >>"$L4LB_KTAP"
	if [ "$1" = ok ]; then echo "    $line"; else echo "    $line" >&2; fi
}
case_pass() { case_result ok "$1"; }
# case_skip WHAT WHY: a case that cannot run here.
case_skip() { case_result ok "$1" "SKIP ${2//#/}"; }
# case_fail WHAT: a failed case; the test goes on (and fails at its end).
case_fail() { echo "FAIL: $1" >&2; case_result "not ok" "$1"; }
cases_failed() { grep -c '^not ok' "$L4LB_KTAP" 2>/dev/null || true; }

fail() { echo "FAIL: $*" >&2; case_result "not ok" "$*"; exit 1; }
skip() { echo "SKIP: $*"; exit 4; }

cleanup() {
	local rc=$? failed
	set +e
	for pid in "${bg_pids[@]+"${bg_pids[@]}"}"; do kill "$pid" 2>/dev/null; done
	failed=$(cases_failed)
	if [ "$rc" -eq 0 ] && [ "${failed:-0}" -gt 0 ]; then
		echo "FAIL: $failed failed cases" >&2
		rc=1
	fi
	# Leak check (defined at the end): only after a passing test.
	# In a subshell: whatever goes wrong there, the cleanup goes on.
	if [ "$rc" -eq 0 ]; then
		if (leak_check_all); then
			case_pass "leak check: no l4lb object left"
		else
			case_result "not ok" "leak check: l4lb objects left"
			rc=1
		fi
	fi
	for ns in "${namespaces[@]+"${namespaces[@]}"}"; do
		ip netns pids "$prefix-$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	# One ip deletes them all (-force: on past one that fails).
	for ns in "${namespaces[@]+"${namespaces[@]}"}"; do echo "netns del $prefix-$ns"; done |
		ip -force -batch - 2>/dev/null
	wait 2>/dev/null
	module_unload || rc=1
	[ -z "$ktap_own" ] || rm -f "$ktap_own"
	exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# wait_for TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds, for
# at most TIMEOUT_S seconds of wall time (CMD itself may be slow), times
# L4LB_WAIT_SCALE if set: the debug lane's guest (guest-setup.sh) starts a
# process or a connection many times slower. A timeout only bounds how
# long a test waits before failing, so scaling it changes no verdict.
wait_for() {
	local limit=$(($1 * ${L4LB_WAIT_SCALE:-1})) end
	end=$((SECONDS + limit))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || fail "timed out after ${limit}s waiting for: $*"
		nap
	done
}

# nap: 50 ms, without a process (a sleep per poll costs more than 50 ms
# under TCG): read's timeout on a fifo nobody writes, opened once on fd
# 250 (far above the numbers tests use) and unlinked.
nap() {
	if ! { true <&250; } 2>/dev/null; then
		rm -f "/tmp/l4lb-nap-$BASHPID"
		mkfifo "/tmp/l4lb-nap-$BASHPID"
		exec 250<>"/tmp/l4lb-nap-$BASHPID"
		rm -f "/tmp/l4lb-nap-$BASHPID"
	fi
	read -r -t 0.05 -u 250 _ || true
}

# expect_eq WHAT GOT WANT: a case, passed if GOT is WANT. A failed one
# does not stop the test.
expect_eq() {
	if [ "$2" == "$3" ]; then
		case_pass "$1: $2"
	else
		case_fail "$1: got '$2', want '$3'"
	fi
}

# expect_true WHAT CMD...: a case, passed if CMD succeeds (its output is
# shown). A failed one does not stop the test.
expect_true() {
	local what=$1
	shift
	if "$@"; then case_pass "$what"; else case_fail "$what"; fi
}

module_loaded() { [ -d /sys/module/l4lb ]; }

# module_present NAME: kernel module NAME is loaded, or built into the
# kernel (the debug lane's kernel has netfilter, IPVS, ... built in).
module_present() {
	grep -q "^$1 " /proc/modules ||
		grep -q "/$1\.ko\$" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null
}

# The module is loaded from a copy without debug info: the same code, but
# a 90 KB file instead of 3.6 MB to read over 9p and parse at every load.
module_load() {
	local dep
	module_loaded && return 0
	[ -s /tmp/l4lb.ko ] || objcopy --strip-debug "$L4LB_KO" /tmp/l4lb.ko
	# insmod does not load dependencies (nf_defrag_ipv4); modprobe does.
	# Their list is kept with the copy, and no modprobe runs for one
	# loaded already (by an earlier test in this VM).
	[ -s /tmp/l4lb.deps ] || modinfo -F depends /tmp/l4lb.ko | tr ',' '\n' >/tmp/l4lb.deps
	while read -r dep; do
		[ -z "$dep" ] || [ -d "/sys/module/$dep" ] || modprobe "$dep"
	done </tmp/l4lb.deps
	insmod /tmp/l4lb.ko "$@"
}

# Unload and check that nothing of the module stays behind.
module_unload() {
	module_loaded || return 0
	rmmod l4lb
	! module_loaded || fail "l4lb still loaded after rmmod"
	! grep -q '^l4lb_' /proc/slabinfo || fail "l4lb slab caches remain after unload"
}

# hold_nf_hooks: a hook on each IPv4 and IPv6 netfilter hook point (mangle
# chains in a namespace of their own, which sees no packet) until the test
# ends.
# The stack reaches each hook point through a static key, and the first
# hook registered, or the last one gone, anywhere, patches the kernel's
# running text (int3 first, then IPIs). qemu 7.2's multi-threaded TCG can
# then keep executing a stale int3 on the other vCPU: the kernel's handler
# sees the new byte there, backs up over the int3, and that vCPU traps
# again, forever (an RCU stall in ip_local_deliver, rmmod blocked). A
# real CPU serialises on the trap and cannot loop. l4lb's insmod and rmmod
# are such a first and last hook while nothing else has one: tests that
# load or unload it under traffic call this, so no key changes under them.
hold_nf_hooks() {
	ns_add hooks
	local t
	for t in iptables-restore ip6tables-restore; do
		printf '*mangle\n-A PREROUTING\n-A INPUT\n-A FORWARD\n-A OUTPUT\n-A POSTROUTING\nCOMMIT\n' |
			nsx hooks $t
	done
}

# ns_add NAME...: new namespaces with lo up. With IPv6 among the
# topology's families (topo_families), IPv6 is on and without duplicate
# address detection for the interfaces to come: an address is usable at
# once, no test waits for DAD (addr_add also says nodad).
ns_add() {
	local ns
	# One ip for all of them (a process costs more than its work here).
	namespaces+=("$@")
	for ns in "$@"; do echo "netns add $prefix-$ns"; done | ip -batch -
	for ns in "$@"; do
		ip -n "$prefix-$ns" link set lo up
		if has_family 6; then
			nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
				net.ipv6.conf.default.disable_ipv6=0 \
				net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		fi
	done
}

nsx() { local ns=$1; shift; ip netns exec "$prefix-$ns" "$@"; }
adm() { local ns=$1; shift; nsx "$ns" "$L4LBADM" "$@"; }

# bg NS CMD...: start CMD in NS in the background; killed at exit.
bg() { local ns=$1; shift; nsx "$ns" "$@" & bg_pids+=($!); }

# switch_add NAME: a namespace holding bridge br0, the segment's switch.
# With IPv6, without multicast snooping: neighbour solicitations are
# multicast, and a switch that missed a host's MLD report must not keep
# them from it.
switch_add() {
	ns_add "$1"
	if has_family 6; then
		ip -n "$prefix-$1" link add br0 type bridge mcast_snooping 0
	else
		ip -n "$prefix-$1" link add br0 type bridge
	fi
	ip -n "$prefix-$1" link set br0 up
}

# addr_add NS DEV ADDR/LEN: an address of either family (IPv6: nodad).
addr_add() {
	case $3 in
	*:*) ip -n "$prefix-$1" addr add "$3" dev "$2" nodad ;;
	*) ip -n "$prefix-$1" addr add "$3" dev "$2" ;;
	esac
}

# plug SWITCH HOST ADDR/LEN [IFACE]: a veth from HOST's IFACE (eth0) to
# SWITCH's bridge; ADDR/LEN may be empty (no address).
plug() {
	local sw=$1 host=$2 addr=$3 dev=${4:-eth0}
	ip link add "v-$host" netns "$prefix-$sw" type veth peer name "$dev" netns "$prefix-$host"
	ip -n "$prefix-$sw" link set "v-$host" master br0 up
	[ -z "$addr" ] || addr_add "$host" "$dev" "$addr"
	ip -n "$prefix-$host" link set "$dev" up
}

# link_pair A IFA ADDRA B IFB ADDRB: a point-to-point veth between two hosts.
link_pair() {
	ip link add "$2" netns "$prefix-$1" type veth peer name "$5" netns "$prefix-$4"
	[ -z "$3" ] || addr_add "$1" "$2" "$3"
	[ -z "$6" ] || addr_add "$4" "$5" "$6"
	ip -n "$prefix-$1" link set "$2" up
	ip -n "$prefix-$4" link set "$5" up
}

# listening NS PROTO PORT: a socket listens on PORT in NS (as ss -tln or
# -uln "sport = :PORT" lists them: TCP in LISTEN, UDP unconnected), read
# from the namespace's /proc/net tables by awk, a far lighter process
# than ss for a poll.
listening() {
	local table=/proc/net/tcp state=0A
	[ "$2" = udp ] && table=/proc/net/udp state=07
	nsx "$1" awk -v port="$(printf ':%04X' "$3")" -v state="$state" '
		FNR > 1 && substr($2, length($2) - 4) == port && $4 == state { found = 1; exit }
		END { exit !found }' "$table" "${table}6"
}

wait_listen() { wait_for 10 listening "$@"; }

# name_server NS PROTO PORT NAME [BIND]: answers every TCP connection or UDP
# datagram with "NAME\n" (TCP: then closes, so the server is the active
# closer). A UDP server behind a VIP on lo must bind the VIP, or it would
# answer from its own address.
name_server() {
	local ns=$1 proto=$2 port=$3 name=$4 bind=${5:+,bind=$(svc_addr "$5")}
	if [ "$proto" = tcp ]; then
		# A file, not a command: a fork per connection but no exec.
		echo "$name" >"/tmp/name-$ns-$port"
		bg "$ns" socat -U "$(tcp_listen)":"$port",fork,reuseaddr$bind OPEN:"/tmp/name-$ns-$port",rdonly
	else
		# -t: socat's 0.5 s default wait for the answer is too short
		# for sh to start on a loaded host.
		bg "$ns" socat -t 10 "$(udp_listen)":"$port",fork$bind SYSTEM:"echo $name"
	fi
	wait_listen "$ns" "$proto" "$port"
}

# chat_server NS PORT NAME [OPTS]: a TCP server for long connections: answers
# "NAME LINE" to every LINE until the client closes. OPTS: more socat
# options for its socket (ip-tos=0x10).
chat_server() {
	bg "$1" socat -T 600 "$(tcp_listen)":"$2",fork,reuseaddr${4:+,$4} \
		SYSTEM:"while read -r l; do echo $3 \$l; done"
	wait_listen "$1" tcp "$2"
}

# http_server NS PORT NAME: nginx answering "NAME\n" to every request.
http_server() {
	local ns=$1 port=$2 name=$3 conf=/tmp/nginx-$1-$2.conf
	cat >"$conf" <<CONF
daemon off;
worker_processes 1;
pid /tmp/nginx-$ns-$port.pid;
error_log stderr error;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path /tmp; proxy_temp_path /tmp; fastcgi_temp_path /tmp;
	uwsgi_temp_path /tmp; scgi_temp_path /tmp;
	server {
		listen $port reuseport;
		listen [::]:$port reuseport ipv6only=on;
		keepalive_timeout 0;
		location / { return 200 "$name\n"; }
		location /big { alias /tmp/big-$ns; }
	}
}
CONF
	bg "$ns" nginx -c "$conf"
	wait_listen "$ns" tcp "$port"
}

# tcp_names NS ADDR PORT COUNT [GREETING]: open COUNT fresh TCP connections,
# send GREETING if given, print the first word each answered. Bash's
# /dev/tcp: no process per connection.
tcp_names() {
	nsx "$1" bash -c '
		for ((i = 0; i < $3; i++)); do
			exec 3<>"/dev/tcp/$1/$2" || exit 1
			[ -z "$4" ] || echo "$4" >&3
			read -r -t 10 name rest <&3 || exit 1
			echo "$name"
			exec 3<&- 3>&-
		done' tcp_names "$2" "$3" "$4" "${5:-}"
}

# udp_names NS ADDR PORT COUNT [same]: COUNT datagrams, each from a new
# source port (a new flow), or with "same" all from one port (one flow);
# print the first word of each answer. Bash's /dev/udp connects a socket
# for us (the earlier ones stay open, so every port is a new one); dd reads
# one whole datagram per read() (bash's read would take one byte per recv
# and lose the rest), and returns as soon as it has it.
udp_names() {
	nsx "$1" bash -c '
		for ((i = 0; i < $3; i++)); do
			if [ "$i" = 0 ] || [ "$4" != same ]; then
				exec {fd}<>"/dev/udp/$1/$2" || exit 1
			fi
			echo x >&$fd
			answer=$(timeout 10 dd bs=2048 count=1 status=none <&$fd) || exit 1
			echo "${answer%%[[:space:]]*}"
		done' udp_names "$2" "$3" "$4" "${5:-}"
}

# conn_open FD NS ADDR PORT: a long-lived TCP connection to a chat_server,
# driven through fifo FD; conn_say FD WORD sends WORD and prints which
# server answered it.
conn_open() {
	local fd=$1 ns=$2
	rm -f "/tmp/conn-$fd.in"
	mkfifo "/tmp/conn-$fd.in"
	: >"/tmp/conn-$fd.out"
	eval "exec $fd<>/tmp/conn-$fd.in"
	# Not through bg(): without job control an asynchronous command in a
	# function gets /dev/null as stdin unless it redirects stdin itself.
	# -t 1: once the server's side ends (a reset), socat exits within a
	# second rather than waiting on the fifo (tests watch for that).
	nsx "$ns" socat -t 1 - "$(tcp_to "$3" "$4")" <"/tmp/conn-$fd.in" >"/tmp/conn-$fd.out" &
	bg_pids+=($!)
}

conn_say() {
	echo "$2" >&"$1"
	wait_for 10 grep -q " $2\$" "/tmp/conn-$1.out"
	awk -v w="$2" '$2 == w { print $1 }' "/tmp/conn-$1.out"
}

# http_names NS ADDR PORT COUNT: COUNT HTTP/1.0 GETs, print each body.
http_names() {
	nsx "$1" bash -c '
		for ((i = 0; i < $3; i++)); do
			exec 3<>"/dev/tcp/$1/$2" || exit 1
			printf "GET / HTTP/1.0\r\nHost: x\r\n\r\n" >&3
			body=
			while IFS= read -r -t 10 line <&3; do body=$line; done
			echo "$body"
			exec 3<&- 3>&-
		done' http_names "$2" "$3" "$4"
}

# count_of WORD: how many input lines are exactly WORD.
count_of() { grep -cx -- "$1" || true; }

# accept_vip_redirect RS VIP: the real server takes the VIP via iptables
# (ip6tables for an IPv6 VIP).
accept_vip_redirect() {
	case $2 in
	*:*) nsx "$1" ip6tables -t nat -A PREROUTING -d "$2" -j REDIRECT ;;
	*) nsx "$1" iptables -t nat -A PREROUTING -d "$2" -j REDIRECT ;;
	esac
}

# accept_vip_lo RS VIP: the real server holds the VIP on lo, hidden from ARP.
# IPv6 needs no such setting: the kernel answers a neighbour solicitation
# only for an address of the interface it came in on (ndisc_recv_ns(),
# ipv6_get_ifaddr(..., strict)), never for one on lo, and its own
# solicitations take their source from the outgoing interface when the
# packet's source (the VIP) is not on it (ndisc_solicit()): the analogues
# of arp_ignore=1 and arp_announce=2. dr_basic checks the first (only the
# LB answers for the VIP).
accept_vip_lo() {
	case $2 in
	*:*) ip -n "$prefix-$1" addr add "$2/128" dev lo nodad; return ;;
	esac
	nsx "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
	ip -n "$prefix-$1" addr add "$2/32" dev lo
}

# topo_dr [MODE...]: the direct-routing topology, all hosts on one segment.
#
#   c (10.0.0.1) ---+
#   lb (10.0.0.2, VIP 10.0.0.100) ---+--- br0 (in sw)
#   rs1..rsN (10.0.0.11..) ---+
#
# (IPv6: c 2001:db8::1, lb 2001:db8::2, VIP 2001:db8::100, rsN 2001:db8::1N;
# both with topo_families "4 6".) One real server per MODE: "redirect"
# (iptables REDIRECT of the VIP) or "lo" (VIP on lo, arp_ignore/
# arp_announce). Loads the module.
topo_dr() {
	local i h mode f fam=$FAMILY hosts=(c lb)
	module_load
	for ((i = 1; i <= $#; i++)); do hosts+=("rs$i"); done
	ns_add sw "${hosts[@]}"
	# What switch_add, plug and addr_add would do, one ip per namespace.
	ipq_switch sw
	for h in "${hosts[@]}"; do ipq_plug sw "$h"; done
	for f in $TOPO_FAMILIES; do
		family "$f"
		ipq_addr c eth0 "$(lan 1)/$PLEN"
		ipq_addr lb eth0 "$(lan 2)/$PLEN"
		ipq_addr lb eth0 "$VIP/$PLEN"
		for ((i = 1; i <= $#; i++)); do ipq_addr "rs$i" eth0 "$(rip "$i")/$PLEN"; done
	done
	ipq_run
	for f in $TOPO_FAMILIES; do
		family "$f"
		i=0
		for mode in "$@"; do
			i=$((i + 1))
			case $mode in
			redirect) accept_vip_redirect "rs$i" "$VIP" ;;
			lo) accept_vip_lo "rs$i" "$VIP" ;;
			*) fail "topo_dr: unknown mode $mode" ;;
			esac
		done
	done
	family "$fam"
}

# The topologies' ip commands, queued and then run by one ip -batch per
# namespace (under TCG starting ip costs far more than what it does):
#   ipq NS ARGS...        ip -n NS ARGS, queued (NS - : the initial netns)
#   ipq_switch SW         switch_add's bridge in SW (SW from ns_add)
#   ipq_plug SW HOST [IFACE], ipq_pair A IFA B IFB: plug and link_pair
#                         without addresses
#   ipq_addr NS DEV ADDR/LEN: addr_add
#   ipq_run               the initial netns's queue first (it makes the
#                         veths), then each other's in the order queued
declare -A ipq_cmds=()
ipq_order=()
ipq() {
	local ns=$1
	shift
	[ -n "${ipq_cmds[$ns]+set}" ] || ipq_order+=("$ns")
	ipq_cmds[$ns]+="$*"$'\n'
}
ipq_switch() {
	if has_family 6; then
		ipq - link add br0 netns "$prefix-$1" type bridge mcast_snooping 0
	else
		ipq - link add br0 netns "$prefix-$1" type bridge
	fi
	ipq "$1" link set br0 up
}
ipq_plug() {
	local dev=${3:-eth0}
	ipq - link add "v-$2" netns "$prefix-$1" type veth peer name "$dev" netns "$prefix-$2"
	ipq "$1" link set "v-$2" master br0 up
	ipq "$2" link set "$dev" up
}
ipq_pair() {
	ipq - link add "$2" netns "$prefix-$1" type veth peer name "$4" netns "$prefix-$3"
	ipq "$1" link set "$2" up
	ipq "$3" link set "$4" up
}
ipq_addr() {
	case $3 in
	*:*) ipq "$1" addr add "$3" dev "$2" nodad ;;
	*) ipq "$1" addr add "$3" dev "$2" ;;
	esac
}
ipq_run() {
	local ns
	[ -z "${ipq_cmds[-]+set}" ] || printf %s "${ipq_cmds[-]}" | ip -batch -
	for ns in "${ipq_order[@]}"; do
		[ "$ns" = - ] || printf %s "${ipq_cmds[$ns]}" | ip -n "$prefix-$ns" -batch -
	done
	ipq_cmds=()
	ipq_order=()
}

# topo_clear: end the test's background processes and delete its
# namespaces, for a test that builds a second topology (the module stays
# loaded; what the LB's netns held goes with it).
topo_clear() {
	local pid ns
	for pid in "${bg_pids[@]+"${bg_pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
	for ns in "${namespaces[@]+"${namespaces[@]}"}"; do
		ip netns pids "$prefix-$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	done
	for ns in "${namespaces[@]+"${namespaces[@]}"}"; do echo "netns del $prefix-$ns"; done |
		ip -batch -
	wait 2>/dev/null || true
	bg_pids=()
	namespaces=()
}

# rip N: the address of real server N (10.0.0.1N, 2001:db8::1N).
rip() { lan $((10 + $1)); }

# name_servers PROTO PORT N: "rsI" name servers on every rsI, I = 1..N.
name_servers() {
	local i
	for ((i = 1; i <= $3; i++)); do name_server "rs$i" "$1" "$2" "rs$i"; done
}

# topo_nat N: the NAT topology. The LB sits between the client's segment
# and the real servers' one, which it routes for (their default gateway):
#
#   c 198.51.100.1 --+                            +-- rs1..rsN 10.0.0.11..
#   rsd 198.51.100.21 (DR: takes the VIP by REDIRECT) |
#        out (bridge) --+-- eth0 lb eth1 --+-- in (bridge)
#   198.51.100.2, VIP 198.51.100.100       10.0.0.1
#                                          +-- r 10.0.0.254 -- rs9 10.0.2.9
#                                              (a router; its route to rs9
#                                               has MTU 1000)
#
# IPv6 (wan N, lan N, far N): c 2001:db8:100::1, rsd 2001:db8:100::21, lb
# 2001:db8:100::2 and VIP 2001:db8:100::100 outside, 2001:db8::1 inside;
# rsN 2001:db8::1N, r 2001:db8::254 -- rs9 2001:db8:2::9, MTU 1280 (the
# least IPv6 allows) on r's route to rs9. Both with topo_families "4 6".
# Loads the module.
topo_nat() {
	local i h f fam=$FAMILY rs=()
	module_load
	for ((i = 1; i <= $1; i++)); do rs+=("rs$i"); done
	ns_add out in c lb rsd r rs9 "${rs[@]}"
	# What switch_add, plug, link_pair, addr_add and ip route would do,
	# one ip per namespace.
	ipq_switch out
	ipq_switch in
	ipq_plug out c
	ipq_plug out rsd
	ipq_plug out lb eth0
	ipq_plug in lb eth1
	for h in "${rs[@]}"; do ipq_plug in "$h"; done
	ipq_plug in r
	ipq_pair r eth1 rs9 eth0
	for f in $TOPO_FAMILIES; do
		family "$f"
		ipq_addr c eth0 "$(wan 1)/$PLEN"
		ipq_addr rsd eth0 "$(wan 21)/$PLEN"
		ipq_addr lb eth0 "$(wan 2)/$PLEN"
		ipq_addr lb eth1 "$(lan 1)/$PLEN"
		ipq_addr lb eth0 "$NAT_VIP/$PLEN"
		for ((i = 1; i <= $1; i++)); do
			ipq_addr "rs$i" eth0 "$(rip "$i")/$PLEN"
			ipq "rs$i" route add default via "$(lan 1)"
		done
		ipq_addr r eth0 "$(lan 254)/$PLEN"
		ipq_addr r eth1 "$(far 1)/$PLEN"
		ipq_addr rs9 eth0 "$(far 9)/$PLEN"
		ipq r route add default via "$(lan 1)"
		ipq r route add "$(far 9)/$HLEN" dev eth1 mtu "$SMALL_MTU"
		ipq rs9 route add default via "$(far 1)"
		ipq lb route add "$(far 0)/$PLEN" via "$(lan 254)"
	done
	ipq_run
	for f in $TOPO_FAMILIES; do
		family "$f"
		ip_forward lb 1
		accept_vip_redirect rsd "$NAT_VIP"
		ip_forward r 1
	done
	family "$fam"
}

# ---- robustness helpers (issue 7) ------------------------------------------
# Leak check run by cleanup() after every passing test, GET_INFO readers,
# and traffic generators for the teardown/churn/table-full tests.

L4LBINFO=$L4LB_DIR/selftests/fuzz/l4lbinfo
UDPFLOOD=$L4LB_DIR/selftests/bench/udpflood

# info_of NS KEY: one GET_INFO value (l4lbinfo's key=value names:
# services, dests, conn_count, conn_max, drop_table_full, ...) of netns NS,
# or of the initial netns if NS is "-".
info_of() {
	if [ "$1" = - ]; then
		"$L4LBINFO"
	else
		nsx "$1" "$L4LBINFO"
	fi | awk -F= -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }'
}

# objects_left NS: "services dests conns" of NS.
objects_left() {
	local out
	if [ "$1" = - ]; then out=$("$L4LBINFO"); else out=$(nsx "$1" "$L4LBINFO"); fi ||
		{ echo "l4lbinfo failed"; return 1; }
	# (Read here, not by awk: this runs for every namespace at every exit.)
	local k v s=0 d=0 c=0
	while IFS='=' read -r k v; do
		case $k in
		services) s=$((v + 0)) ;;
		dests) d=$((v + 0)) ;;
		conn_count) c=$((v + 0)) ;;
		esac
	done <<<"$out"
	echo "$s $d $c"
}

empty_state() { [ "$(objects_left "$1")" = "0 0 0" ]; }

# leak_check_ns NS: `l4lbadm -C` in NS (- = the initial netns), then the
# module's own counts must come down: 0 services, and destinations only as
# far as connections hold them. Connections are not flushed by -C (as with
# IPVS they expire by their timeouts); those still left are flushed when
# the netns is deleted, where l4lb_net_exit_batch() WARNs on any count not
# back to 0 (a splat, which fails the test), and unload checks that the
# conn slab cache is gone. -C is repeated while services reappear (a
# daemon just killed may still be adding). Returns 1 with a message.
leak_check_ns() {
	local ns=$1 i s d c
	for ((i = 0; i < 100; i++)); do
		# (Not < <(...): the VM has no /dev/fd for process substitution.)
		read -r s d c <<<"$(objects_left "$ns")"
		if [ "$s" != 0 ]; then
			if [ "$ns" = - ]; then "$L4LBADM" -C; else adm "$ns" -C; fi ||
				{ echo "leak check: l4lbadm -C failed in netns $ns" >&2; return 1; }
			continue
		fi
		if [ "$d" = 0 ] && [ "$c" = 0 ]; then
			log "leak check $ns: nothing left"
			return 0
		fi
		# (Dests whose last conn just went are freed a moment later.)
		if [ "$d" -le "$c" ]; then
			log "leak check $ns: $c connections still to expire hold $d deleted destinations"
			return 0
		fi
		nap
	done
	echo "leak check: netns $ns after -C: services dests conns = $(objects_left "$ns")" >&2
	return 1
}

# leak_check_all: leak_check_ns for the initial netns and every test netns
# that holds any l4lb object.
leak_check_all() {
	local ns
	module_loaded || return 0
	[ -x "$L4LBINFO" ] || { echo "leak check: $L4LBINFO missing (make)" >&2; return 1; }
	for ns in - "${namespaces[@]+"${namespaces[@]}"}"; do
		[ "$ns" = - ] || [ -e "/run/netns/$prefix-$ns" ] || continue
		empty_state "$ns" 2>/dev/null && continue
		leak_check_ns "$ns" || return 1
	done
}

# neighbour_known NS ADDR: NS has a link-layer address for ADDR (sends it
# an empty UDP datagram to port 9 to make it so: there is no ping here).
neighbour_known() {
	nsx "$1" bash -c "echo >/dev/udp/$2/9" 2>/dev/null || true
	ip -n "$prefix-$1" neigh show "$2" dev eth0 | grep -q lladdr
}

# bg_exec NS CMD...: like bg, but $! is CMD itself (ip execs it), not a
# subshell, so killing it at exit really stops it before the leak check.
bg_exec() {
	local ns=$1
	shift
	ip netns exec "$prefix-$ns" "$@" &
	bg_pids+=($!)
}

# flood NS DST PORT [-r PPS] [ARGS...]: udpflood from NS's eth0 towards
# DST:PORT (64-byte UDP frames, many source ports) until killed at exit.
# The frames go to the MAC of the next hop for DST, resolved first.
#
# -r PPS is scaled to the guest: a flood at a fixed rate that a slow guest
# (the debug lane's KASAN kernel forwards a few hundred frames a second
# under TCG, Debian's 20,000 and more) cannot process starves everything
# else the test does. So a burst of 1,000 frames at full speed first
# measures what the guest forwards (flood_capacity), and the flood runs at
# PPS or at a quarter of that capacity, whichever is lower; flood_pps is
# the rate used.
flood() {
	local ns=$1 dst=$2 port=$3 mac src rate='' args=()
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		-r) rate=$2; shift 2 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	[ -x "$UDPFLOOD" ] || fail "$UDPFLOOD missing: run make on the host"
	wait_for 20 neighbour_known "$ns" "$dst"
	mac=$(nsx "$ns" ip neigh show "$dst" dev eth0 | awk '$2 == "lladdr" { print $3; exit }')
	src=$(nsx "$ns" ip "-$(family_of "$dst")" -o addr show dev eth0 scope global |
		awk '{ split($4, a, "/"); print a[1]; exit }')
	flood_pps=
	if [ -n "$rate" ]; then
		flood_capacity "$ns" -i eth0 -m "$mac" -s "$src" -d "$dst" -p "$port" "${args[@]}"
		flood_pps=$(guest_rate "$flood_capacity" "$rate")
		log "flood: $rate packets/s asked, the guest forwards $flood_capacity a second: flooding at $flood_pps"
	fi
	# Not through bg/nsx: $! must be udpflood itself (ip execs it), not a
	# subshell, so that flood_stop can end it.
	ip netns exec "$prefix-$ns" "$UDPFLOOD" -i eth0 -m "$mac" -s "$src" \
		-d "$dst" -p "$port" -t 100000 ${flood_pps:+-r "$flood_pps"} "${args[@]}" >/dev/null &
	flood_pid=$!
	bg_pids+=("$flood_pid")
}

# flood_capacity NS UDPFLOOD-ARGS...: sets flood_capacity to the frames a
# second NS sent in a burst of 1,000 at full speed. Each frame's whole path
# (veth, bridge, the LB, the real server) runs in the sender's softirq, so
# that is what the guest forwards, not just what udpflood writes.
flood_capacity() {
	local ns=$1 out
	shift
	out=$(nsx "$ns" "$UDPFLOOD" "$@" -c 1000) || fail "udpflood burst: $out"
	flood_capacity=$(burst_pps "$out")
}

# burst_pps OUTPUT: the frames a second of udpflood's "sent N pps P" line.
burst_pps() {
	local pps
	pps=$(awk '$1 == "sent" { printf "%d", $4 }' <<<"$1")
	[ "${pps:-0}" -gt 0 ] || fail "no rate in udpflood's output: $1"
	echo "$pps"
}

# guest_rate CAPACITY PPS: PPS, or a quarter of what the guest forwards
# flat out if that is lower (at least 1), so that a steady stream leaves
# the guest CPU for the rest of the test.
guest_rate() {
	local quarter=$(($1 / 4))
	[ "$quarter" -ge 1 ] || quarter=1
	echo $(($2 < quarter ? $2 : quarter))
}

# flood_stop: end the last flood.
flood_stop() {
	kill "$flood_pid" 2>/dev/null
	wait "$flood_pid" 2>/dev/null || true
}

# ---- load helpers (make bench, make profile) -------------------------------

# rps NS DEV CPUMASK: receive packet steering of DEV's queue to CPUMASK.
rps() { nsx "$1" sh -c "echo $3 >/sys/class/net/$2/queues/rx-0/rps_cpus"; }

# sink_udp NS PORT, sink_tcp NS PORT: NS counts and drops UDP or TCP to
# PORT (of the test's family) at eth0's ingress; sunk NS... sums what those
# filters dropped. u32
# rather than flower: the debug lane's kernel has only u32 (its dport match
# assumes no IP options, as the generators' packets have none).
sink_l4() { # NS PROTOCOL-NUMBER PORT
	nsx "$1" tc qdisc show dev eth0 | grep -q clsact ||
		nsx "$1" tc qdisc add dev eth0 clsact
	if [ "$FAMILY" = 6 ]; then
		# (No extension headers either.)
		nsx "$1" tc filter add dev eth0 ingress protocol ipv6 u32 \
			match ip6 protocol "$2" 0xff match ip6 dport "$3" 0xffff action drop
	else
		nsx "$1" tc filter add dev eth0 ingress protocol ip u32 \
			match ip protocol "$2" 0xff match ip dport "$3" 0xffff action drop
	fi
}
sink_udp() { sink_l4 "$1" 17 "$2"; }
sink_tcp() { sink_l4 "$1" 6 "$2"; }
sunk() {
	local ns n=0
	for ns; do
		n=$((n + $(tc -n "$prefix-$ns" -s filter show dev eth0 ingress | awk '/Sent/ { n += $4 } END { print n + 0 }')))
	done
	echo $n
}

# mib NS GROUP FIELD: a counter of the stack's in NS, by its group and name
# in /proc/net/snmp or /proc/net/netstat (Icmp OutTimeExcds, TcpExt
# IPReversePathFilter, ...), or for an IPv6 group (Ip6, Icmp6, Udp6) in
# /proc/net/snmp6 ($ICMP and $IPMIB are the test's family's: mib lb
# "$ICMP" OutTimeExcds).
mib() {
	case $2 in
	*6)
		nsx "$1" awk -v k="$2$3" '$1 == k { print $2; found = 1; exit } END { exit !found }' /proc/net/snmp6
		return
		;;
	esac
	nsx "$1" awk -v p="$2:" -v f="$3" '$1 == p {
		if (!(f in col)) { for (i = 2; i <= NF; i++) col[$i] = i; next }
		print $(col[f]); exit }' /proc/net/snmp /proc/net/netstat
}

# ---- address families ------------------------------------------------------
# L4LB_FAMILY=4 (the default) or 6: the family of a test's addresses.
# guest-init.sh sets it for each run of a test whose header has a line
#   # families: 4 6
# (run.sh runs such a test once per family, as NAME[4] and NAME[6], each
# its own result; `run.sh NAME[6]` runs one). Within a test `family F`
# switches (dual_stack.sh), and TOPO_FAMILIES (default: the test's family)
# lists the families topo_dr and topo_nat give every host an address of.
# What follows the family:
#
#   lan N   10.0.0.N      2001:db8::N       DR segment, NAT's inside
#   wan N   198.51.100.N  2001:db8:100::N   NAT's client side
#   far N   10.0.2.N      2001:db8:2::N     behind NAT's router r
#   (N is written the same in both: rs1 is 10.0.0.11 and 2001:db8::11)
#   $VIP = lan 100, $NAT_VIP = wan 100, rip N = lan 1N
#   $PLEN, $HLEN       24 and 32, or 64 and 128 (a segment, a host)
#   $IPT               iptables or ip6tables (ipt NS ARGS... runs it)
#   $ICMP, $IPMIB      Icmp and Ip, or Icmp6 and Ip6 (mib's groups)
#   $SMALL_MTU         1000, or 1280 (IPv6's least) for path MTU cases
#   tcp_listen, udp_listen, tcp_to ADDR PORT, udp_to ADDR PORT: socat
#   addresses; svc_addr ADDR [PORT]: l4lbadm's (and curl's) ADDR:PORT,
#   [ADDR]:PORT for IPv6; ip_forward NS 0|1; icmp_match TYPE.
family() {
	case $1 in
	4)
		FAMILY=4 PLEN=24 HLEN=32 IPT=iptables ICMP=Icmp IPMIB=Ip SMALL_MTU=1000
		;;
	6)
		FAMILY=6 PLEN=64 HLEN=128 IPT=ip6tables ICMP=Icmp6 IPMIB=Ip6 SMALL_MTU=1280
		;;
	*) fail "family: no family '$1' (4 or 6)" ;;
	esac
	VIP=$(lan 100)
	NAT_VIP=$(wan 100)
}
lan() { if [ "$FAMILY" = 6 ]; then echo "2001:db8::$1"; else echo "10.0.0.$1"; fi; }
wan() { if [ "$FAMILY" = 6 ]; then echo "2001:db8:100::$1"; else echo "198.51.100.$1"; fi; }
far() { if [ "$FAMILY" = 6 ]; then echo "2001:db8:2::$1"; else echo "10.0.2.$1"; fi; }

# has_family F: F is among the topology's families.
has_family() { [[ " $TOPO_FAMILIES " == *" $1 "* ]]; }

# family_of ADDR: 4 or 6.
family_of() { case $1 in *:*) echo 6 ;; *) echo 4 ;; esac; }

# svc_addr ADDR [PORT]: ADDR[:PORT], or [ADDR][:PORT] for IPv6, as
# l4lbadm, ipvsadm's listings, socat's bind= and URLs write them.
svc_addr() {
	case $1 in
	*:*) echo "[$1]${2:+:$2}" ;;
	*) echo "$1${2:+:$2}" ;;
	esac
}

# tcp_to ADDR PORT, udp_to ADDR PORT: socat's client address (by ADDR's
# family). tcp_listen, udp_listen: its listening one, without the port,
# for the test's family; an IPv6 one also takes IPv4 (IPV6_V6ONLY is off),
# so dual_stack's servers serve both.
tcp_to() { if [ "$(family_of "$1")" = 6 ]; then echo "TCP6:[$1]:$2"; else echo "TCP4:$1:$2"; fi; }
udp_to() { if [ "$(family_of "$1")" = 6 ]; then echo "UDP6:[$1]:$2"; else echo "UDP4:$1:$2"; fi; }
tcp_listen() { if [ "$FAMILY" = 6 ]; then echo TCP6-LISTEN; else echo TCP-LISTEN; fi; }
udp_listen() { if [ "$FAMILY" = 6 ]; then echo UDP6-RECVFROM; else echo UDP-RECVFROM; fi; }

ipt() { local ns=$1; shift; nsx "$ns" "$IPT" "$@"; }

# re STRING: STRING as a regular expression (basic or extended) matching
# it literally: svc_addr's brackets and the dots of an address.
re() { printf '%s' "$1" | sed 's/[][\\.*^$]/\\&/g'; }

# ip_forward NS 0|1: forwarding of the test's family.
ip_forward() {
	if [ "$FAMILY" = 6 ]; then
		nsx "$1" sysctl -qw net.ipv6.conf.all.forwarding="$2"
	else
		nsx "$1" sysctl -qw net.ipv4.ip_forward="$2"
	fi
}

# icmp_match TYPE: iptables' match of an ICMP or ICMPv6 TYPE (a name both
# know: port-unreachable, time-exceeded, ...).
icmp_match() {
	if [ "$FAMILY" = 6 ]; then echo "-p ipv6-icmp --icmpv6-type $1"; else echo "-p icmp --icmp-type $1"; fi
}

family "${L4LB_FAMILY:-4}"
TOPO_FAMILIES=${TOPO_FAMILIES:-$FAMILY}
