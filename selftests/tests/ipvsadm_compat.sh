#!/bin/bash
# An IPVS operator's table carries over, both ways, byte for byte: a rich
# configuration built with ipvsadm on IPVS (every scheduler and its -b
# flags, persistence with masks, fwmark services of both families,
# thresholds, UDP with -o, weight 0, IPv4 and IPv6, DR, NAT and both
# tunnel types), saved with `ipvsadm -S -n`, restored with `l4lbadm -R`:
# `l4lbadm -S -n` prints exactly ipvsadm's lines, in ipvsadm's order. Then
# back: l4lb's save restored into a fresh IPVS saves the same lines again.
# IPVS runs in its own netns, l4lb in another; no traffic.
. "$(dirname "$0")/../lib.sh"

module_load
ns_add ipvs lb ipvs2
modprobe ip_vs
# Not if built in, as on the debug lane's kernel; the schedulers' modules
# go with the netns.
unload_ipvs() {
	local m
	for m in $(awk '$1 ~ /^ip_vs_/ { print $1 }' /proc/modules); do
		modprobe -r "$m" 2>/dev/null || true
	done
	! grep -q '^ip_vs ' /proc/modules || modprobe -r ip_vs 2>/dev/null || true
}

# In ipvsadm's own -R syntax, not in the order ipvsadm saves them.
cat >/tmp/ipvs.rules <<'EOF'
-A -t 10.1.0.9:80 -s wlc
-a -t 10.1.0.9:80 -r 10.2.0.2:80 -g -w 1
-a -t 10.1.0.9:80 -r 10.2.0.1:80 -g -w 0
-A -t 10.1.0.1:80 -s rr
-a -t 10.1.0.1:80 -r 10.2.0.1:8080 -m -w 3
-a -t 10.1.0.1:80 -r 10.2.0.2:8081 -m -w 1
-A -t 10.1.0.2:80 -s wrr
-A -t 10.1.0.3:80 -s lc
-A -t 10.1.0.4:80 -s sed
-A -t 10.1.0.5:80 -s nq
-A -t 10.1.0.6:80 -s fo
-A -t 10.1.0.7:80 -s ovf
-A -t 10.1.0.8:80 -s lblc
-A -t 10.1.0.10:80 -s lblcr
-A -t 10.1.0.11:80 -s dh
-A -t 10.1.0.12:80 -s sh -b sh-fallback,sh-port
-a -t 10.1.0.12:80 -r 10.2.0.3:80 -g -w 2
-A -t 10.1.0.13:80 -s mh -b mh-port
-a -t 10.1.0.13:80 -r 10.2.0.4:80 -g -w 1
-A -t 10.1.0.20:443 -s wlc -p 600 -M 255.255.255.0
-a -t 10.1.0.20:443 -r 10.2.0.5:443 -g -w 1 -x 100 -y 50
-A -t 10.1.0.21:80 -s rr -p
-A -u 10.1.0.21:53 -s rr -o
-a -u 10.1.0.21:53 -r 10.2.0.6:53 -g -w 2
-A -u 10.1.0.22:53 -s sh -p 60
-a -u 10.1.0.22:53 -r 10.2.0.7:5353 -m -w 1 -x 10 -y 0
-A -f 7 -s wlc -p 300
-a -f 7 -r 10.2.0.8:0 -g -w 1
-a -f 7 -r 10.2.0.9:0 -m -w 1
-A -f 8 -6 -s rr
-a -f 8 -6 -r [2001:db8:2::8]:0 -g -w 1
-A -t [2001:db8:1::1]:80 -s wlc -p 120 -M 64
-a -t [2001:db8:1::1]:80 -r [2001:db8:2::1]:80 -g -w 1
-a -t [2001:db8:1::1]:80 -r [2001:db8:2::2]:8080 -m -w 5
-A -u [2001:db8:1::2]:53 -s mh
-a -u [2001:db8:1::2]:53 -r [2001:db8:2::3]:53 -i -w 1
-A -t 10.1.0.30:80 -s rr
-a -t 10.1.0.30:80 -r 10.3.0.1:80 -i -w 1
-a -t 10.1.0.30:80 -r 10.3.0.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum
-a -t 10.1.0.30:80 -r 10.3.0.3:80 -i -w 1 --tun-type gue --tun-port 6081 --tun-csum
EOF

nsx ipvs ipvsadm -R </tmp/ipvs.rules || fail "ipvsadm -R refused the rules"
nsx ipvs ipvsadm -S -n >/tmp/ipvs.save
log "ipvsadm -S -n: $(wc -l </tmp/ipvs.save) lines"
adm lb -R </tmp/ipvs.save || fail "l4lbadm -R refused ipvsadm's save: $(cat /tmp/ipvs.save)"
adm lb -S -n >/tmp/l4lb.save
if diff -u /tmp/ipvs.save /tmp/l4lb.save >/tmp/compat.diff; then
	case_pass "l4lbadm -S -n after -R of ipvsadm -S -n: the same $(wc -l </tmp/l4lb.save) lines"
else
	sed 's/^/# /' /tmp/compat.diff
	case_fail "l4lbadm -S -n differs from ipvsadm -S -n"
fi

# Back: what l4lb saved, restored into a fresh IPVS.
nsx ipvs2 ipvsadm -R </tmp/l4lb.save || fail "ipvsadm -R refused l4lb's save"
nsx ipvs2 ipvsadm -S -n >/tmp/ipvs2.save
expect_eq "ipvsadm -S -n after -R of l4lbadm's save: lines that differ" \
	"$(diff /tmp/ipvs.save /tmp/ipvs2.save | grep -c '^[<>]')" 0

# The listings agree too: -L -n, line for line but the title's version.
nsx ipvs ipvsadm -L -n | tail -n +2 >/tmp/ipvs.list
adm lb -L -n | tail -n +2 >/tmp/l4lb.list
if diff -u /tmp/ipvs.list /tmp/l4lb.list >/tmp/list.diff; then
	case_pass "-L -n: the same $(wc -l </tmp/l4lb.list) lines as ipvsadm"
else
	sed 's/^/# /' /tmp/list.diff
	case_fail "-L -n differs from ipvsadm -L -n"
fi

ip netns del "$prefix-ipvs"
ip netns del "$prefix-ipvs2"
namespaces=(lb)
unload_ipvs
