#!/bin/bash
# lane: extended (make check-extended)
# What l4lb.service runs at boot and shutdown (its ExecStart/ExecStop
# lines, the l4lb-rules script as make install substitutes it; /etc is
# /tmp/etc here, the VM's root is read-only; modprobe l4lb loads this
# tree's module, the VM has it nowhere under /lib/modules):
#  - start without a rules file loads the module, nothing else;
#  - start restores /etc/l4lb/rules exactly and the service forwards
#    (DR, rr: 50/50);
#  - a bad rules file fails the start and changes nothing;
#  - stop clears the table and, by default, leaves the file alone;
#  - stop with SAVE_ON_STOP=yes in /etc/default/l4lb saves exactly the
#    table first; without the module it saves nothing (the file stays);
#  - l4lb-rules save writes the table on demand.
# systemd-analyze verify of the units runs on the host (install-check).
. "$(dirname "$0")/../lib.sh"

etc=/tmp/etc
mkdir -p "$etc/l4lb" /tmp/libexec /tmp/bin
sed -e "s|@SBINDIR@|$L4LB_DIR/userspace|g" -e "s|/etc/|$etc/|g" \
	"$L4LB_DIR/userspace/l4lb-rules" >/tmp/libexec/l4lb-rules
chmod +x /tmp/libexec/l4lb-rules
unit=$L4LB_DIR/userspace/l4lb.service
start=$(sed -n 's|^ExecStart=@LIBEXECDIR@/|/tmp/libexec/|p' "$unit")
stop=$(sed -n 's|^ExecStop=@LIBEXECDIR@/|/tmp/libexec/|p' "$unit")
expect_eq "ExecStart" "$start" "/tmp/libexec/l4lb-rules start"
expect_eq "ExecStop" "$stop" "/tmp/libexec/l4lb-rules stop"

# modprobe l4lb: this tree's module (as module_load); others: modprobe.
cat >/tmp/bin/modprobe <<STUB
#!/bin/bash
echo "\$*" >>/tmp/modprobe.log
[ "\$*" = l4lb ] || exec /sbin/modprobe "\$@"
[ -d /sys/module/l4lb ] && exit 0
[ -s /tmp/l4lb.ko ] || objcopy --strip-debug "$L4LB_KO" /tmp/l4lb.ko
modinfo -F depends /tmp/l4lb.ko | tr ',' '\n' | xargs -r -n 1 /sbin/modprobe
exec insmod /tmp/l4lb.ko
STUB
chmod +x /tmp/bin/modprobe
: >/tmp/modprobe.log
# run NS START|STOP: the unit's command, in netns NS (- = the initial one).
run() {
	local cmd
	[ "$2" = start ] && cmd=$start || cmd=$stop
	# shellcheck disable=SC2086
	if [ "$1" = - ]; then PATH=/tmp/bin:$PATH $cmd; else PATH=/tmp/bin:$PATH nsx "$1" $cmd; fi
}

module_loaded && fail "l4lb loaded before the start"
run - start
module_loaded || fail "start did not load the module"
expect_eq "modprobe calls" "$(cat /tmp/modprobe.log)" "l4lb"
expect_eq "services after a start without rules" "$(info_of - services)" 0

topo_dr redirect redirect redirect
name_servers tcp 80 3
cat >"$etc/l4lb/rules" <<RULES
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r $(rip 1):80 -g -w 1
-a -t $VIP:80 -r $(rip 2):80 -g -w 1
RULES
cp "$etc/l4lb/rules" /tmp/rules.want
run lb start
adm lb -S -n | cmp - /tmp/rules.want || fail "restored table: $(adm lb -S -n)"
names=$(tcp_names c "$VIP" 80 100)
for i in 1 2; do
	expect_eq "connections to rs$i" "$(echo "$names" | count_of "rs$i")" 50
done

# A bad file: the start fails, the table stays as it was.
printf -- '-A -t %s:82\n-a -t %s:82 -r %s -w 70000\n' "$VIP" "$VIP" "$(rip 3)" >"$etc/l4lb/rules"
rc=0
run lb start 2>/tmp/start.err || rc=$?
[ "$rc" != 0 ] || fail "start with a bad rules file succeeded"
grep -q 'line 2: illegal weight "70000"' /tmp/start.err || fail "start: $(cat /tmp/start.err)"
adm lb -S -n | cmp - /tmp/rules.want || fail "a failed start changed the table: $(adm lb -S -n)"
log "bad rules file: exit $rc, $(cat /tmp/start.err)"

# Stop, by default: the table is cleared, the file stays.
cp /tmp/rules.want "$etc/l4lb/rules"
adm lb -a -t "$VIP:80" -r "$(rip 3):80" -g -w 3
run lb stop
expect_eq "services after stop" "$(info_of lb services)" 0
cmp "$etc/l4lb/rules" /tmp/rules.want || fail "stop without SAVE_ON_STOP wrote the rules"

# SAVE_ON_STOP=yes: the table as it was at the stop, exactly.
mkdir -p "$etc/default"
echo SAVE_ON_STOP=yes >"$etc/default/l4lb"
run lb start
adm lb -E -t "$VIP:80" -s wrr
adm lb -a -t "$VIP:80" -r "$(rip 3):80" -g -w 3
adm lb -A -u "$VIP:53" -s wrr
adm lb -S -n >/tmp/rules.saved
run lb stop
cmp "$etc/l4lb/rules" /tmp/rules.saved || fail "saved rules: $(cat "$etc/l4lb/rules")"
expect_eq "services after stop" "$(info_of lb services)" 0
expect_eq "rules saved" "$(wc -l <"$etc/l4lb/rules")" 5
[ ! -e "$etc/l4lb/rules.new" ] || fail "rules.new left behind"

# The next start restores what the stop saved; traffic reaches rs3 too.
run lb start
adm lb -S -n | cmp - /tmp/rules.saved || fail "restore of the saved rules: $(adm lb -S -n)"
names=$(tcp_names c "$VIP" 80 50)
expect_eq "connections to rs3 (weight 3 of 5)" "$(echo "$names" | count_of rs3)" 30

# l4lb-rules save on demand.
adm lb -D -u "$VIP:53"
nsx lb /tmp/libexec/l4lb-rules save
adm lb -S -n | cmp - "$etc/l4lb/rules" || fail "save: $(cat "$etc/l4lb/rules")"

# Without the module a stop saves nothing over the file.
cp "$etc/l4lb/rules" /tmp/rules.before
leak_check_all
module_unload
run lb stop
cmp "$etc/l4lb/rules" /tmp/rules.before || fail "stop without the module wrote the rules"
log "stop without the module: rules file unchanged"
