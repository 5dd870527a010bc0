#!/bin/bash
# Host-side packaging checks (no VM, no module loading), run by make check:
#  - make install DESTDIR=... PREFIX=/usr installs exactly the expected
#    files, the systemd unit points at the installed l4lbd;
#  - the man pages render without a single warning;
#  - bash completion offers options and the service/server addresses that
#    `l4lbadm -L -n` prints (a stub l4lbadm prints a known listing);
#  - make uninstall removes every file it installed;
#  - make dkms-src + dkms add/build against the installed headers builds
#    l4lb.ko (in a private dkms tree; L4LB_SKIP_DKMS=1 skips it).
# Output: "ok/not ok" lines, then "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
KDIR=${KDIR:-$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)}
KVER=${KVER:-$(basename "$(dirname "$KDIR")")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0

check() { # NAME CMD...
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/out" | head -n 20
		fail=$((fail + 1))
	fi
}

dest=$tmp/root
make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; }
(cd "$dest" 2>/dev/null && find . -type f | sed 's|^\.||' | sort) >"$tmp/files"
cat >"$tmp/want" <<EOF
/lib/modules/$KVER/updates/l4lb.ko
/lib/systemd/system/l4lbd.service
/usr/include/linux/l4lb.h
/usr/sbin/l4lbadm
/usr/sbin/l4lbd
/usr/share/bash-completion/completions/l4lbadm
/usr/share/doc/l4lbd/example.conf
/usr/share/man/man8/l4lbadm.8
/usr/share/man/man8/l4lbd.8
EOF
check "make install DESTDIR installs exactly the expected files" diff -u "$tmp/want" "$tmp/files"
check "the systemd unit runs the installed l4lbd" \
	grep -q '^ExecStart=/usr/sbin/l4lbd' "$dest/lib/systemd/system/l4lbd.service"
check "the installed l4lbadm runs" "$dest/usr/sbin/l4lbadm" --help

for page in l4lbadm l4lbd; do
	renders_cleanly() {
		local f=$dest/usr/share/man/man8/$1.8 warnings
		warnings=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		[ -z "$warnings" ] || { echo "$warnings"; return 1; }
		MANWIDTH=80 man -l "$f" 2>/dev/null | grep -q "^NAME"
	}
	check "man page $page.8 renders without warnings" renders_cleanly "$page"
done

# Completion against a stub l4lbadm: --help from the real one, a known -L -n.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/l4lbadm" <<EOF
#!/bin/sh
case "\$*" in
"-L -n") printf '%s\n' 'l4lb version 0.1.0 (size=4096)' \\
	'Prot LocalAddress:Port Scheduler Flags' \\
	'  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn' \\
	'TCP  10.0.0.100:80 wrr' \\
	'  -> 10.0.0.11:80                  Route   1      0          0' \\
	'UDP  10.0.0.100:53 rr' \\
	'  -> 10.0.0.12:53                  Route   1      0          0' ;;
*) exec "$dest/usr/sbin/l4lbadm" "\$@" ;;
esac
EOF
chmod +x "$tmp/bin/l4lbadm"
complete_words() { # WORDS...: what completing the last word offers
	PATH=$tmp/bin:$PATH bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_l4lbadm
		printf "%s\n" "${COMPREPLY[@]}"' complete \
		"$dest/usr/share/bash-completion/completions/l4lbadm" "$@"
}
offers() { # WANT WORDS...: completion of WORDS offers exactly WANT
	local want=$1 got
	shift
	got=$(complete_words "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "offered '$got', want '$want'"; return 1; }
}
offers_option() { complete_words l4lbadm "$1" | grep -qx -- "$2"; }
check "completion offers long options" offers_option --a --add-service
check "completion offers short options" offers_option -Z -Z
check "completion offers --restore" offers_option --re --restore
check "completion offers --stats" offers_option --st --stats
check "completion offers TCP services from -L -n" offers "10.0.0.100:80 " l4lbadm -L -t ""
check "completion offers UDP services from -L -n" offers "10.0.0.100:53 " l4lbadm -d -u 1
check "completion offers real servers from -L -n" offers "10.0.0.11:80 10.0.0.12:53 " l4lbadm -d -t 10.0.0.100:80 -r ""
check "completion offers schedulers" offers "rr wrr " l4lbadm -A -t 10.0.0.1:80 -s ""

make -s -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr >"$tmp/uninstall.log" 2>&1
no_files_left() {
	local left
	left=$(find "$dest" -type f -o -type l)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}
check "make uninstall removes every installed file" no_files_left

if [ "${L4LB_SKIP_DKMS:-0}" = 1 ]; then
	n=$((n + 1)); pass=$((pass + 1))
	echo "ok $n - dkms build # SKIP L4LB_SKIP_DKMS=1"
elif ! command -v dkms >/dev/null; then
	n=$((n + 1)); fail=$((fail + 1))
	echo "not ok $n - dkms build: dkms missing (selftests/deps.sh installs it)"
else
	dkms_build() {
		local ver
		ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
		mkdir -p "$tmp/dkms" &&
		make -s -C "$top" dkms-src DKMS_SRC="$tmp/src/l4lb-$ver" &&
		dkms add -m l4lb -v "$ver" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" &&
		dkms build -m l4lb -v "$ver" -k "$KVER" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" &&
		modinfo -F vermagic "$tmp/dkms/l4lb/$ver/$KVER/x86_64/module/l4lb.ko" | grep -q "^$KVER "
	}
	check "dkms add + build against $KVER headers" dkms_build
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
