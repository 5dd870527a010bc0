#!/bin/bash
# Persistence (-p, -M): a client's new connections follow its template,
# counted connection by connection, on a direct-routing rr service of
# three real servers (rs1, rs2, rs3 in that order: a fresh rr service
# picks rs1 first), so every oracle below differs from plain rr's. Then
# firewall-mark services (-f): ports 80 and 443 marked by a mangle rule
# share one persistent DR service (a client's connections to both land
# on one server), and NAT to real servers of port 0 keeps each port.
# families: 4 6
. "$(dirname "$0")/../lib.sh"

TCPFROM=$L4LB_DIR/selftests/tools/tcpfrom
[ -x "$TCPFROM" ] || fail "$TCPFROM missing: run make on the host"

topo_dr redirect redirect lo
name_servers tcp 80 3
SVC=$(svc_addr "$VIP" 80)

# Clients in three groups of three. IPv4: 10.0.0.(8g+k), g = 4, 5, 6, in
# three /29s; IPv6: 2001:db8::g:k, in three /112s. The -M of a group.
if [ "$FAMILY" = 6 ]; then
	MASK=112 MASK_SHOWN=112
	client() { echo "[2001:db8::$1:$2]"; }
	bare() { echo "${1//[][]/}"; }
else
	MASK=255.255.255.248 MASK_SHOWN=255.255.255.248
	client() { echo "10.0.0.$((8 * $1 + $2))"; }
	bare() { echo "$1"; }
fi
for g in 4 5 6; do
	for k in 1 2 3; do addr_add c eth0 "$(bare "$(client "$g" "$k")")/$PLEN"; done
done

# svc ARGS...: a fresh rr service (rs1 first) with ARGS (-p, -M).
svc() {
	adm lb -D -t "$SVC" 2>/dev/null || true
	adm lb -A -t "$SVC" -s rr "$@"
	for i in 1 2 3; do adm lb -a -t "$SVC" -r "$(svc_addr "$(rip "$i")" 80)" -g; done
}

# from [PORT] ADDR...: one connection from each ADDR (repeated for more),
# in turn, to the VIP's PORT (80): their servers ("none": not answered).
from() {
	local port=80
	case $1 in *.* | *:*) ;; *) port=$1; shift ;; esac
	nsx c "$TCPFROM" "$VIP" "$port" "$@" | tr '\n' ' ' | sed 's/ $//'
}

# times N WORD: WORD N times.
times() { local i; for ((i = 0; i < $1; i++)); do echo "$2"; done; }

templates() { adm lb -L --info --json | jq .info.template_count; }

# ---- -p: one client, one server; the next clients as rr ----------------
svc -p
expect_eq "-L -n: persistent 300 (ipvsadm's default)" \
	"$(adm lb -L -n | grep '^TCP')" "TCP  $SVC rr persistent 300"
# shellcheck disable=SC2046 # one word per connection
expect_eq "-p: 4 connections of one client" \
	"$(from $(times 4 "$(client 4 1)"))" "rs1 rs1 rs1 rs1"
expect_eq "-p: two more clients, in turn" \
	"$(from "$(client 4 2)" "$(client 4 2)" "$(client 4 3)" "$(client 4 3)" "$(client 4 1)")" \
	"rs2 rs2 rs3 rs3 rs1"
expect_eq "-p: templates" "$(templates)" 3
C42=$(svc_addr "$(bare "$(client 4 2)")" 0)
expect_eq "-L -c: the template of $C42" \
	"$(adm lb -L -c -n | awk -v c="$C42" '$1 == "IP" && $4 == c { print $1, $3, $4, $5, $6 }')" \
	"IP NONE $C42 $SVC $(svc_addr "$(rip 2)" 80)"
expect_eq "-L -c: IP entries" "$(adm lb -L -c -n | grep -c '^IP ')" 3

# ---- -M: a client's group shares its server --------------------------
svc -p 600 -M "$MASK"
expect_eq "-L -n: persistent 600 mask" \
	"$(adm lb -L -n | grep '^TCP')" "TCP  $SVC rr persistent 600 mask $MASK_SHOWN"
expect_eq "-S -n: -p 600 -M" "$(adm lb -S -n | grep '^-A')" \
	"-A -t $SVC -s rr -p 600 -M $MASK_SHOWN"
# shellcheck disable=SC2046
expect_eq "-M: three groups of three clients" \
	"$(from $(for g in 4 5 6; do for k in 1 2 3; do client "$g" "$k"; done; done))" \
	"rs1 rs1 rs1 rs2 rs2 rs2 rs3 rs3 rs3"
expect_eq "-M: one template per group" "$(templates)" 3

# -S then -R gives back the same rules.
saved=$(adm lb -S -n)
adm lb -C
echo "$saved" | adm lb -R
expect_eq "-S, -C, -R: the same rules" "$(adm lb -S -n)" "$saved"
expect_eq "-C dropped the templates" "$(templates)" 0

# ---- a quiescent server's template attracts no new connection ------------
svc -p
expect_eq "expire-quiescent on by default" \
	"$(adm lb -L --info --json | jq .info.expire_quiescent)" true
C51=$(client 5 1)
expect_eq "before: one client on rs1" "$(from "$C51" "$C51")" "rs1 rs1"
adm lb -e -t "$SVC" -r "$(svc_addr "$(rip 1)" 80)" -g -w 0
expect_eq "rs1 at weight 0: the client moves, once" \
	"$(from "$C51" "$C51")" "rs2 rs2"
adm lb --config expire-quiescent off
adm lb -e -t "$SVC" -r "$(svc_addr "$(rip 2)" 80)" -g -w 0
expect_eq "expire-quiescent off: rs2 at weight 0 keeps its client" \
	"$(from "$C51" "$C51")" "rs2 rs2"
adm lb --config expire-quiescent on
expect_eq "expire-quiescent on again: the client moves" \
	"$(from "$C51" "$C51")" "rs3 rs3"
adm lb -d -t "$SVC" -r "$(svc_addr "$(rip 3)" 80)"
adm lb -e -t "$SVC" -r "$(svc_addr "$(rip 1)" 80)" -g -w 1
expect_eq "rs3 deleted: the client moves" "$(from "$C51" "$C51")" "rs1 rs1"
expect_eq "templates: one" "$(templates)" 1

# Deleting the service drops its templates.
adm lb -D -t "$SVC"
expect_eq "-D dropped the templates" "$(templates)" 0

# ---- a firewall-mark service: HTTP and HTTPS of one client together -------
name_servers tcp 443 3
ipt lb -t mangle -A PREROUTING -d "$VIP" -p tcp -m multiport --dports 80,443 \
	-j MARK --set-mark 1
if [ "$FAMILY" = 6 ]; then F="-f 1 -6" FWM="FWM  1 IPv6"; else F="-f 1" FWM="FWM  1"; fi
# shellcheck disable=SC2086 # $F is two words
{
	adm lb -A $F -s rr -p
	for i in 1 2 3; do adm lb -a $F -r "$(svc_addr "$(rip "$i")")" -g; done
}
expect_eq "-L -n: FWM line" "$(adm lb -L -n | grep '^FWM')" "$FWM rr persistent 300"
expect_eq "-S -n: -f lines" "$(adm lb -S -n | head -n 2)" \
	"-A $F -s rr -p 300
-a $F -r $(svc_addr "$(rip 1)" 0) -g -w 1"
C61=$(client 6 1) C62=$(client 6 2)
expect_eq "fwmark -p: one client's 80, 443, 443" \
	"$(from "$C61") $(from 443 "$C61" "$C61")" "rs1 rs1 rs1"
expect_eq "fwmark -p: the next client's 443, 80" \
	"$(from 443 "$C62") $(from "$C62")" "rs2 rs2"
expect_eq "fwmark -p: one template per client" "$(templates)" 2
saved=$(adm lb -S -n)
adm lb -C
echo "$saved" | adm lb -R
expect_eq "fwmark: -S, -C, -R: the same rules" "$(adm lb -S -n)" "$saved"
# shellcheck disable=SC2086
adm lb -D $F
ipt lb -t mangle -F PREROUTING

# ---- a firewall-mark NAT service: real servers of port 0 keep the port ----
topo_clear
topo_nat 2
for i in 1 2; do
	for p in 80 443; do name_server "rs$i" tcp "$p" "rs${i}p$p"; done
done
ipt lb -t mangle -A PREROUTING -d "$NAT_VIP" -p tcp -m multiport --dports 80,443 \
	-j MARK --set-mark 2
if [ "$FAMILY" = 6 ]; then F="-f 2 -6"; else F="-f 2"; fi
# shellcheck disable=SC2086
{
	adm lb -A $F -s rr
	for i in 1 2; do adm lb -a $F -r "$(svc_addr "$(rip "$i")")" -m; done
}
expect_eq "fwmark NAT: port 80, in turn" \
	"$(tcp_names c "$NAT_VIP" 80 2 | tr '\n' ' ')" "rs1p80 rs2p80 "
expect_eq "fwmark NAT: port 443, in turn" \
	"$(tcp_names c "$NAT_VIP" 443 2 | tr '\n' ' ')" "rs1p443 rs2p443 "
expect_eq "fwmark NAT: -L -c's real server ports" \
	"$(adm lb -L -c -n | awk '$1 == "TCP" { sub(/.*:/, "", $6); print $6 }' | sort | tr '\n' ' ')" \
	"443 443 80 80 "
