# shellcheck shell=bash
# Shared helpers for l4lb selftests. Source it first thing:
#   . "$(dirname "$0")/../lib.sh"
# It sets -e, loads nothing by itself, and on exit kills what the test
# started, deletes its namespaces and unloads the module.
#
# Hosts are network namespaces named $prefix-NAME; `nsx NAME cmd` runs cmd in
# one. Waits poll (wait_for), they never sleep for a fixed time.

set -eu
set -o pipefail

L4LB_DIR=${L4LB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
L4LB_KO=$L4LB_DIR/kmod/l4lb.ko
L4LBADM=$L4LB_DIR/userspace/l4lbadm
L4LBD=$L4LB_DIR/userspace/l4lbd
prefix=l4t
bg_pids=()
namespaces=()

log() { echo "# $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 4; }

cleanup() {
	local rc=$?
	set +e
	for pid in "${bg_pids[@]+"${bg_pids[@]}"}"; do kill "$pid" 2>/dev/null; done
	for ns in "${namespaces[@]+"${namespaces[@]}"}"; do
		ip netns pids "$prefix-$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$prefix-$ns" 2>/dev/null
	done
	wait 2>/dev/null
	module_unload 2>/dev/null
	exit $rc
}
trap cleanup EXIT

# wait_for TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "timed out after ${limit}s waiting for: $*"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" == "$3" ] || fail "$1: got '$2', want '$3'"
	log "$1: $2"
}

module_loaded() { [ -d /sys/module/l4lb ]; }

module_load() {
	module_loaded || insmod "$L4LB_KO" "$@"
}

# Unload and check that nothing of the module stays behind.
module_unload() {
	module_loaded || return 0
	rmmod l4lb
	! module_loaded || fail "l4lb still loaded after rmmod"
	! grep -q '^l4lb_' /proc/slabinfo || fail "l4lb slab caches remain after unload"
}

# ns_add NAME...: new namespaces with lo up.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$prefix-$ns"
		namespaces+=("$ns")
		ip -n "$prefix-$ns" link set lo up
	done
}

nsx() { local ns=$1; shift; ip netns exec "$prefix-$ns" "$@"; }
adm() { local ns=$1; shift; nsx "$ns" "$L4LBADM" "$@"; }

# bg NS CMD...: start CMD in NS in the background; killed at exit.
bg() { local ns=$1; shift; nsx "$ns" "$@" & bg_pids+=($!); }

# switch_add NAME: a namespace holding bridge br0, the segment's switch.
switch_add() {
	ns_add "$1"
	ip -n "$prefix-$1" link add br0 type bridge
	ip -n "$prefix-$1" link set br0 up
}

# plug SWITCH HOST ADDR/LEN: a veth from HOST's eth0 to SWITCH's bridge.
plug() {
	local sw=$1 host=$2 addr=$3
	ip link add "v-$host" netns "$prefix-$sw" type veth peer name eth0 netns "$prefix-$host"
	ip -n "$prefix-$sw" link set "v-$host" master br0 up
	ip -n "$prefix-$host" addr add "$addr" dev eth0
	ip -n "$prefix-$host" link set eth0 up
}

# link_pair A IFA ADDRA B IFB ADDRB: a point-to-point veth between two hosts.
link_pair() {
	ip link add "$2" netns "$prefix-$1" type veth peer name "$5" netns "$prefix-$4"
	ip -n "$prefix-$1" addr add "$3" dev "$2"
	ip -n "$prefix-$4" addr add "$6" dev "$5"
	ip -n "$prefix-$1" link set "$2" up
	ip -n "$prefix-$4" link set "$5" up
}

listening() { # NS PROTO PORT
	local flag=-tln
	[ "$2" = udp ] && flag=-uln
	nsx "$1" ss -H $flag "sport = :$3" | grep -q .
}

wait_listen() { wait_for 10 listening "$@"; }

# name_server NS PROTO PORT NAME: answers every TCP connection or UDP datagram
# with "NAME\n" (TCP: then closes, so the server is the active closer).
name_server() {
	local ns=$1 proto=$2 port=$3 name=$4
	if [ "$proto" = tcp ]; then
		bg "$ns" socat -T 30 TCP-LISTEN:"$port",fork,reuseaddr SYSTEM:"echo $name; cat >/dev/null"
	else
		bg "$ns" socat UDP-RECVFROM:"$port",fork SYSTEM:"echo $name"
	fi
	wait_listen "$ns" "$proto" "$port"
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
		keepalive_timeout 0;
		location / { return 200 "$name\n"; }
		location /big { alias /tmp/big-$ns; }
	}
}
CONF
	bg "$ns" nginx -c "$conf"
	wait_listen "$ns" tcp "$port"
}

# tcp_names NS ADDR PORT COUNT: open COUNT fresh TCP connections, print the
# first line each answered. Bash's /dev/tcp: no process per connection.
tcp_names() {
	nsx "$1" bash -c '
		for ((i = 0; i < $3; i++)); do
			exec 3<>"/dev/tcp/$1/$2" || exit 1
			IFS= read -r -t 10 name <&3 || exit 1
			echo "$name"
			exec 3<&- 3>&-
		done' tcp_names "$2" "$3" "$4"
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

# accept_vip_redirect RS VIP: the real server takes the VIP via iptables.
accept_vip_redirect() {
	nsx "$1" iptables -t nat -A PREROUTING -d "$2" -j REDIRECT
}

# accept_vip_lo RS VIP: the real server holds the VIP on lo, hidden from ARP.
accept_vip_lo() {
	nsx "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
	ip -n "$prefix-$1" addr add "$2/32" dev lo
}
