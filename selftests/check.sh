#!/bin/bash
# make check: the userland unit tests on the host, then every selftest in
# the VM. Ends with one line "N passed, N failed, N skipped" over all of
# them (a skip is not a pass; a part that prints no such line fails once).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
passed=0 failed=0 skipped=0

count() { # LOG: add its last "N passed, N failed[, N skipped]" line
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	[ -n "$line" ] || { failed=$((failed + 1)); return; }
	set -- $line
	passed=$((passed + $1)) failed=$((failed + $3))
	[ $# -ge 6 ] && skipped=$((skipped + $5))
	return 0
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -z "${1:-}" ]; then
	for dir in userspace userspace/l4lbd; do
		echo "== unit tests: $dir (host)"
		make -s -C "$top/$dir" test 2>&1 | tee "$log"
		count "$log"
	done
	echo "== install, man pages, completion, dkms (host)"
	"$here/install-check.sh" 2>&1 | tee "$log"
	count "$log"
fi
echo "== selftests (VM)"
"$here/run.sh" "$@" 2>&1 | tee "$log"
count "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
