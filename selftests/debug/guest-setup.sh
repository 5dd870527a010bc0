# shellcheck shell=bash
# Sourced by selftests/vm/guest-init.sh (l4lb.setup=) when the VM runs the
# debug kernel of `make check-debug`, before the first test.

# modprobe must find the built-in modules (nf_conntrack, ip_vs, ...) in
# modules.builtin; the host's /lib/modules (read-only) has nothing for this
# kernel, so a tmpfs over it gets the copy the lane prepared
# (l4lb.modules=DIR holding <release>/).
for arg in $(cat /proc/cmdline); do
	case $arg in l4lb.modules=*) debug_modules=${arg#*=} ;; esac
done
if [ -d "${debug_modules:-}/$(uname -r)" ]; then
	mount -t tmpfs tmpfs /lib/modules
	cp -a "$debug_modules/$(uname -r)" /lib/modules/
else
	echo "# debug-lane: no modules.builtin for $(uname -r) (l4lb.modules=)"
fi

# kmemleak scans on demand only: its automatic scan would print a report in
# the middle of whichever test runs, blaming that test. (No scan at boot to
# set the kernel's own boot leaks aside: under KASAN and TCG it takes many
# minutes; suite_end judges only the module's leaks anyway.)
debug_kmemleak=/sys/kernel/debug/kmemleak
[ ! -w $debug_kmemleak ] || echo scan=off >$debug_kmemleak

# After the whole suite: scan for leaks and judge those of the module. Its
# frames read "l4lb_...+0x../0x.. [l4lb]" while loaded and as bare
# addresses ("] 0xffffffffc0...") once unloaded; it is the only module this
# kernel ever loads, so an unresolved frame is the module's.
suite_end() {
	local report ours
	[ -w $debug_kmemleak ] || { echo "# debug-lane kmemleak: unavailable"; return; }
	echo scan >$debug_kmemleak
	echo scan >$debug_kmemleak
	report=$(cat $debug_kmemleak)
	ours=$(awk -v RS='unreferenced object' 'NR > 1 && (/l4lb/ || /\] 0x[0-9a-f]+(\n|$)/) { n++ } END { print n + 0 }' <<<"$report")
	echo "# debug-lane kmemleak: $(grep -c '^unreferenced object' <<<"$report") suspected leaks, $ours in l4lb"
	[ -z "$report" ] || head -n 200 <<<"$report" | sed 's/^/# | /'
	if [ "$ours" -eq 0 ]; then
		echo "# debug-lane kmemleak: clean"
	else
		echo "# debug-lane kmemleak: LEAKS"
	fi
}

# lib.sh's wait_for: every timeout 10 times longer. Processes and
# connections start 5-10 times slower than on Debian's kernel (churn's new
# connection took over 10 s to answer its first line under a flood);
# the timeouts only bound how long a test waits before it fails.
export L4LB_WAIT_SCALE=10

# How long the kernel took to get here (the lane's boot time).
echo "# debug-lane: booted, uptime $(cut -d' ' -f1 /proc/uptime)s"
