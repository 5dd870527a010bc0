#!/bin/bash
# Control-plane scale, in the VM: restore N services x D destinations with
# `l4lbadm -R` and with `ipvsadm -R` (IPVS), then time a full `-L -n` and a
# `-S -n` of each, and the clear. Wall time and the process's system time
# (the genl handlers run in the sender's sendmsg, so "sys" is the module's
# work plus netlink's).
#
#   ./selftests/run.sh --shell "bash selftests/bench/restore.sh [KO] [N] [D]"
#
# KO defaults to kmod/l4lb.ko. The module allows 4096 services per netns:
# for N > 4096 pass a module built with a larger L4LB_SVC_MAX_PER_NET.
# ONLY=l4lb or ONLY=ipvs runs one side (the VM shell has a 10 min limit,
# and ipvsadm -R of 10k x 10 takes ~5 min under TCG).
set -eu
dir=$(cd "$(dirname "$0")/../.." && pwd)
ko=${1:-$dir/kmod/l4lb.ko}
n=${2:-4000}
d=${3:-10}
adm=$dir/userspace/l4lbadm
rules=/tmp/rules

for ((s = 0; s < n; s++)); do
	vip="10.$((100 + s / 62500)).$((s / 250 % 250)).$((s % 250 + 1))"
	echo "-A -t $vip:80 -s wrr"
	for ((r = 1; r <= d; r++)); do
		echo "-a -t $vip:80 -r 172.16.$((s % 250)).$r:80 -g -w $r"
	done
done >"$rules"
echo "# $n services x $d destinations: $(wc -l <"$rules") rules"

# timed LABEL CMD...: wall and system seconds of CMD (stdout discarded).
timed() {
	local label=$1 t
	shift
	t=$( { TIMEFORMAT='%R %S'; time "$@" >/dev/null; } 2>&1 | tail -n 1)
	printf '# %-28s wall %6.3f s  sys %6.3f s\n' "$label" ${t% *} ${t#* }
}

only=${ONLY:-}
if [ "$only" != ipvs ]; then
objcopy --strip-debug "$ko" /tmp/l4lb.ko
insmod /tmp/l4lb.ko
timed "l4lbadm -R" "$adm" -R <"$rules"
[ "$("$adm" -L --info --json | jq .info.services)" = "$n" ] || { echo "# l4lb: wrong count"; exit 1; }
timed "l4lbadm -L -n" "$adm" -L -n
timed "l4lbadm -L -n --stats" "$adm" -L -n --stats
timed "l4lbadm -S -n" "$adm" -S -n
timed "l4lbadm -L --json" "$adm" -L --json
"$adm" -S -n | sort >/tmp/l4lb.saved
timed "l4lbadm -C" "$adm" -C
rmmod l4lb
fi
[ "$only" != l4lb ] || exit 0

modprobe ip_vs
modprobe ip_vs_wrr
timed "ipvsadm -R" ipvsadm -R <"$rules"
[ "$(ipvsadm -L -n | grep -c '^TCP')" = "$n" ] || { echo "# ipvs: wrong count"; exit 1; }
timed "ipvsadm -L -n" ipvsadm -L -n
timed "ipvsadm -L -n --stats" ipvsadm -L -n --stats
timed "ipvsadm -S -n" ipvsadm -S -n
ipvsadm -S -n | sort >/tmp/ipvs.saved
timed "ipvsadm -C" ipvsadm -C
modprobe -r ip_vs_wrr ip_vs
# Both tools saved the same rules (ipvsadm's -S is the reference format).
[ -s /tmp/l4lb.saved ] || exit 0
cmp -s /tmp/l4lb.saved /tmp/ipvs.saved && echo "# -S output identical to ipvsadm's" ||
	{ echo "# -S output differs from ipvsadm's:"; diff /tmp/l4lb.saved /tmp/ipvs.saved | head -5; }
