#!/bin/bash
# make demo: an LB in front of three nginx real servers by direct routing,
# weights 1:2:3; 60 requests; who answered; then the LB's table.
#
#   client 10.0.0.1 --+
#   lb 10.0.0.2, VIP 10.0.0.100 --+-- br0
#   rs1..rs3 10.0.0.11..13 (nginx, VIP by REDIRECT) --+
. "$(dirname "$0")/lib.sh"

topo_dr redirect redirect redirect
echo "== l4lbadm --version"
adm lb --version
adm lb -A -t "$VIP:80" -s wrr
for i in 1 2 3; do
	http_server "rs$i" 80 "rs$i ($(rip "$i"))"
	adm lb -a -t "$VIP:80" -r "$(rip "$i"):80" -g -w "$i"
done
echo "== 60 HTTP requests from the client to http://$VIP/"
http_names c "$VIP" 80 60 >/tmp/answers
echo "== who answered (weights 1:2:3, smooth wrr)"
printf '%-24s %s\n' "real server" "requests"
sort /tmp/answers | uniq -c | awk '{ n = $1; $1 = ""; printf "%-24s %d\n", substr($0, 2), n }'
echo "== order of the first 12 answers"
head -n 12 /tmp/answers | awk '{ printf "%s ", $1 } END { print "" }'
echo "== l4lbadm -L -n on the LB"
adm lb -L -n
