#!/bin/bash
# l4lbadm -S / -R and the JSON listings, against the module:
#  - -S | -R round trip gives the identical table, through several batches;
#  - a bad line is reported with its number and nothing is applied;
#  - a line the kernel refuses midway (the 257th destination of a service)
#    is reported with its number and everything the restore did, including
#    edits and deletions of existing rules, is undone;
#  - a service with 256 destinations lists completely (one dump, the
#    service continued over several messages);
#  - every --json listing has exactly the documented keys and types.
. "$(dirname "$0")/../lib.sh"

module_load
ns_add lb
save() { adm lb -S -n; }

# A table of 300 services x 10 destinations (3300 lines: several batches).
gen_table() {
	local s d
	for ((s = 0; s < 300; s++)); do
		echo "-A -t 10.1.$((s / 250)).$((s % 250 + 1)):80 -s $([ $((s % 2)) = 0 ] && echo wrr || echo rr)"
		for ((d = 1; d <= 10; d++)); do
			echo "-a -t 10.1.$((s / 250)).$((s % 250 + 1)):80 -r 10.$((2 + s / 250)).$((s % 250)).$d:80 -g -w $((d % 4))"
		done
	done
	echo "-A -u 10.0.0.100:53 -o"
	echo "ipvsadm -a -u 10.0.0.100:53 -r 10.0.0.11 -w 0 -x 10 -y 5"
}
gen_table >/tmp/table.in
adm lb -R </tmp/table.in
save >/tmp/save1
expect_eq "lines saved" "$(wc -l </tmp/save1)" 3302
expect_eq "services after restore" "$(adm lb -L --info --json | jq .info.services)" 301
# The saved rules are the input, in ipvsadm's order, with defaults spelled out.
grep -c -- '-s wrr$' /tmp/save1 | { read -r n; expect_eq "wrr services" "$n" 150; }
grep -cx -- '-A -u 10.0.0.100:53 -s wlc -o' /tmp/save1 | { read -r n; expect_eq "wlc services (the default, as ipvsadm's), with -o" "$n" 1; }
grep -qx -- '-a -u 10.0.0.100:53 -r 10.0.0.11:53 -g -w 0 -x 10 -y 5' /tmp/save1 ||
	fail "default port and forwarding not spelled out in -S, or thresholds lost"

adm lb -C
adm lb -R </tmp/save1
save >/tmp/save2
cmp /tmp/save1 /tmp/save2 || fail "-S | -R | -S differs"
log "round trip identical (3302 rules)"

# A bad line: its number, the bad word, exit 2, and nothing applied.
printf -- '-A -t 10.9.0.1:80\n-a -t 10.9.0.1:80 -r 10.9.0.2\n-a -t 10.9.0.1:80 -r 10.9.0.3 -w 70000\n' >/tmp/bad.in
rc=0
adm lb -R </tmp/bad.in 2>/tmp/bad.err || rc=$?
expect_eq "bad line: exit status" "$rc" 2
grep -q '^l4lbadm: line 3: illegal weight "70000"' /tmp/bad.err || fail "bad line: $(cat /tmp/bad.err)"
save | cmp - /tmp/save1 || fail "a rejected restore changed the table"
log "bad line: $(head -n 1 /tmp/bad.err)"

# The kernel refuses line 264 (257th destination of a new service), after
# edits, deletions and additions on the existing table: all undone.
{
	echo "-E -t 10.1.0.1:80 -s rr"
	echo "-e -t 10.1.0.1:80 -r 10.2.0.1:80 -w 9"
	echo "-d -t 10.1.0.1:80 -r 10.2.0.2:80"
	echo "-D -t 10.1.0.2:80"
	echo "-D -u 10.0.0.100:53"
	echo "-A -t 10.8.0.1:80"
	for ((d = 1; d <= 257; d++)); do
		echo "-a -t 10.8.0.1:80 -r 10.8.$((d / 200)).$((d % 200 + 1)):80"
	done
	echo "-A -t 10.8.0.2:80"
} >/tmp/refused.in
rc=0
adm lb -R </tmp/refused.in 2>/tmp/refused.err || rc=$?
cat /tmp/refused.err
expect_eq "refused line: exit status" "$rc" 2
grep -q '^l4lbadm: line 263: Destination limit reached' /tmp/refused.err ||
	fail "refused line not reported with its number"
grep -q 'the table is as it was before the restore' /tmp/refused.err ||
	fail "undo not reported"
save | cmp - /tmp/save1 || fail "the table differs from before the refused restore"
log "refused midway: undone, table identical"

# 256 destinations in one service: -L lists every one (continued messages).
adm lb -C
{
	echo "-A -t 10.7.0.1:80"
	for ((d = 0; d < 256; d++)); do echo "-a -t 10.7.0.1:80 -r 10.7.$((d / 250)).$((d % 250 + 1)):80"; done
} | adm lb -R
expect_eq "-L -n lists 256 destinations" "$(adm lb -L -n | grep -c -- '->.*Route')" 256
expect_eq "--json lists 256 destinations" "$(adm lb -L --json | jq '.services[0].destinations | length')" 256

# JSON: exactly the documented keys, with the documented types.
adm lb -C
adm lb -R </tmp/table.in
stats_ok='(keys == ["bytes_in","bytes_out","conns","pkts_in","pkts_out"]) and all(.[]; type == "number")'
rates_ok='(keys == ["bytes_in","bytes_out","conns","pkts_in","pkts_out","window_ms"]) and all(.[]; type == "number")'
info_ok='(keys == ["conn_buckets","conn_count","conn_entry_size","conn_entry_size6","conn_evicted","conn_limit","conn_max","dests","drops","expire_quiescent","fast_path_pkts","fast_path_reply_pkts","not_syn_pkts","services","tcp_pickup","template_count","template_limit","version"])
	and (.version | type == "string")
	and ([.conn_buckets, .conn_count, .conn_entry_size, .conn_entry_size6, .conn_evicted, .conn_limit, .conn_max, .dests, .fast_path_pkts, .fast_path_reply_pkts, .not_syn_pkts, .services, .template_count, .template_limit] | all(type == "number"))
	and (.tcp_pickup | type == "boolean") and (.expire_quiescent | type == "boolean")
	and (.drops | keys == ["malformed","mtu","no_dest","no_route","table_full"])
	and (.drops | all(.[]; type == "number"))'
addr_ok='(if .family == "inet" then (.address | test("^[0-9]+(\\.[0-9]+){3}$")) else (.family == "inet6" and (.address | test(":"))) end)'
dest_ok='(keys == ["active_conns","address","down","family","forward","inactive_conns","l_threshold","port","rates","stats","u_threshold","weight"])
	and '"$addr_ok"' and (.port | type == "number")
	and (.forward | IN("route","masq")) and (.down | type == "boolean") and ([.weight, .u_threshold, .l_threshold, .active_conns, .inactive_conns] | all(type == "number"))
	and (.stats | '"$stats_ok"') and (.rates | '"$rates_ok"')'
svc_ok='(keys == ["address","destinations","family","flags","ops","persist_prefix","persistent","port","protocol","rates","sched_flags","scheduler","stats"])
	and (.protocol | IN("tcp","udp")) and '"$addr_ok"'
	and (.port | type == "number") and (.scheduler | type == "string") and (.flags | type == "number")
	and (.ops | type == "boolean") and ([.sched_flags, .persistent, .persist_prefix] | all(type == "number"))
	and (.stats | '"$stats_ok"') and (.rates | '"$rates_ok"')
	and (.destinations | type == "array") and all(.destinations[]; '"$dest_ok"')'
list_ok='(keys == ["info","services"]) and (.info | '"$info_ok"') and (.services | type == "array") and all(.services[]; '"$svc_ok"')'
adm lb -L --json | jq -e "$list_ok" >/dev/null || fail "-L --json does not match the schema"
expect_eq "-L --json services" "$(adm lb -L --json | jq '.services | length')" 301
adm lb -L --stats --json | jq -e "$list_ok" >/dev/null || fail "-L --stats --json does not match the schema"
adm lb -L -t 10.1.0.1:80 --json | jq -e "$list_ok and (.services | length == 1) and (.services[0].destinations | length == 10)" >/dev/null ||
	fail "-L -t --json does not match the schema"
adm lb -L --timeout --json | jq -e '(keys == ["timeouts"]) and (.timeouts | keys == ["tcp","tcp_fin","udp"]) and (.timeouts | all(.[]; type == "number")) and .timeouts.tcp == 900' >/dev/null ||
	fail "-L --timeout --json does not match the schema"
adm lb -L --info --json | jq -e '(keys == ["info"]) and (.info | '"$info_ok"') and .info.services == 301' >/dev/null ||
	fail "-L --info --json does not match the schema"
log "JSON: every listing matches the schema"

# -S without -n: names where they exist, and -R reads them back.
adm lb -C
printf -- '-A -t 127.0.0.1:80\n-a -t 127.0.0.1:80 -r 127.0.0.1\n' | adm lb -R
adm lb -S >/tmp/named
grep -qx -- '-A -t localhost:http -s wlc' /tmp/named || fail "-S without -n: $(cat /tmp/named)"
adm lb -C
adm lb -R </tmp/named
expect_eq "-S (names) round trip" "$(adm lb -S -n | tr '\n' ' ')" "-A -t 127.0.0.1:80 -s wlc -a -t 127.0.0.1:80 -r 127.0.0.1:80 -g -w 1 "
