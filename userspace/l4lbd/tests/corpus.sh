#!/bin/bash
# Cross-check l4lbd's parser against keepalived's on the configurations in
# tests/corpus: `keepalived -t -f F` and `l4lbd -t -f F` must both accept
# or both reject each one. keepalived -t fails on any complaint, a warning
# about a default included, so l4lbd "accepts" when it exits 0 with no
# warning (notices about skipped keepalived-only settings are fine).
# A file whose first line is "# differ: WHY" is a deliberate exception:
# the two must disagree there, for the reason given.
# Last line: "N passed, N failed, N skipped" (make test adds it up).
#   tests/corpus.sh [-v] [L4LBD [KEEPALIVED]]
cd "$(dirname "$0")" || exit 1
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
l4lbd=$(realpath "${1:-../l4lbd}")
keepalived=${2:-$(command -v keepalived || echo /usr/sbin/keepalived)}
# The example configuration is one for both daemons too.
files=(corpus/*.conf ../example.conf)
if [ ! -x "$keepalived" ]; then
	echo "SKIP corpus: keepalived is not installed (apt-get install keepalived; selftests/deps.sh test installs it)"
	echo "0 passed, 0 failed, ${#files[@]} skipped"
	exit 0
fi
pass=0 fail=0 agree=0 differ=0
for f in "${files[@]}"; do
	# From the file's directory: includes are relative to it.
	kout=$(cd "$(dirname "$f")" && timeout 20 "$keepalived" -t -f "$(basename "$f")" 2>&1)
	krc=$?
	lout=$(cd "$(dirname "$f")" && "$l4lbd" -t -f "$(basename "$f")" 2>&1)
	lrc=$?
	k=reject l=reject
	[ $krc -eq 0 ] && k=accept
	[ $lrc -eq 0 ] && ! grep -q '^warning:' <<<"$lout" && l=accept
	why=$(sed -n '1s/^# differ: //p' "$f")
	if [ -n "$why" ]; then
		if [ $k != $l ]; then
			pass=$((pass + 1)) differ=$((differ + 1))
			[ $verbose = 1 ] && echo "ok $f: keepalived ${k}s, l4lbd ${l}s, deliberately: $why"
			continue
		fi
		echo "FAIL $f: both ${k}, but a difference is expected: $why"
	elif [ $k = $l ]; then
		pass=$((pass + 1)) agree=$((agree + 1))
		[ $verbose = 1 ] && echo "ok $f: both ${k}"
		continue
	else
		echo "FAIL $f: keepalived ${k}s (exit $krc), l4lbd ${l}s (exit $lrc)"
	fi
	fail=$((fail + 1))
	sed 's/^/    keepalived: /' <<<"$kout"
	sed 's/^/    l4lbd: /' <<<"$lout"
done
echo "corpus: ${#files[@]} configurations, $agree agree, $differ deliberate differences, $fail failures"
echo "$pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
