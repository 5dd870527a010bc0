#!/bin/bash
# Host-side packaging checks (no VM, no module loading), run by make check:
#  - make install DESTDIR=... PREFIX=/usr installs exactly the expected
#    files, the systemd unit points at the installed l4lbd;
#  - the man pages render without a single warning;
#  - bash completion offers options and the service/server addresses that
#    `l4lbadm -L -n` prints (a stub l4lbadm prints a known listing);
#  - make uninstall removes every file it installed;
#  - make dkms-src + dkms add/build against the installed headers builds
#    l4lb.ko (in a private dkms tree, unless make deb-root's DKMS build of
#    the same sources is there and current; L4LB_SKIP_DKMS=1 skips it);
#  - l4lbadm/l4lbd --help: the usage on stdout, exit 0;
#  - systemd-analyze verify accepts the installed units, l4lbd.service
#    requires and follows l4lb.service;
#  - the Makefile resolves KDIR after deps (a fresh machine's headers),
#    version-sorted, the running kernel's first;
#  - deps.sh: `build` asks for the build packages only, and as non-root
#    names what is missing instead of installing it;
#  - lintian (-I --pedantic) on build/deb's packages: no tag but the
#    overridden (explained) ones;
#  - dpkg --purge of both packages, as `make deb-root` installed them in an
#    overlay of this host's root, leaves nothing behind: no packaged file,
#    no /etc/l4lb, no DKMS tree or module (the deb selftest boots the
#    installation itself in the VM).
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
/lib/systemd/system/l4lb.service
/lib/systemd/system/l4lbd.service
/usr/include/linux/l4lb.h
/usr/libexec/l4lb/l4lb-rules
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
check "l4lb.service runs the installed l4lb-rules" \
	grep -qx 'ExecStart=/usr/libexec/l4lb/l4lb-rules start' "$dest/lib/systemd/system/l4lb.service"
check "l4lb-rules runs the installed l4lbadm" \
	grep -qx 'L4LBADM=/usr/sbin/l4lbadm' "$dest/usr/libexec/l4lb/l4lb-rules"

usage_ok() { # WANT CMD...: exit 0, WANT at stdout's start, no stderr
	local want=$1 out err
	shift
	out=$("$@" 2>"$tmp/err") || { echo "exit $?"; return 1; }
	err=$(cat "$tmp/err")
	[ -z "$err" ] || { echo "stderr: $err"; return 1; }
	[[ $(echo "$out" | head -n 1) == "$want"* ]] || { echo "stdout: $out"; return 1; }
}
check "l4lbadm --help: usage, exit 0" usage_ok "l4lbadm v" "$dest/usr/sbin/l4lbadm" --help
check "l4lbadm -h: usage, exit 0" usage_ok "l4lbadm v" "$dest/usr/sbin/l4lbadm" -h
check "l4lbadm -A --help: usage, exit 0" usage_ok "l4lbadm v" "$dest/usr/sbin/l4lbadm" -A --help
check "l4lbd --help: usage, exit 0" usage_ok "Usage: l4lbd" "$dest/usr/sbin/l4lbd" --help
check "l4lbd -h: usage, exit 0" usage_ok "Usage: l4lbd" "$dest/usr/sbin/l4lbd" -h
check "l4lbd --version: exit 0" usage_ok "l4lbd " "$dest/usr/sbin/l4lbd" --version

# systemd-analyze verify (no systemd as PID 1 needed): the installed
# units, their /usr commands pointed at the DESTDIR copies (which must
# exist and be executable); any message fails.
units_verify() {
	local u=$dest/lib/systemd/system out f
	command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; return 1; }
	mkdir -p "$tmp/units"
	for f in l4lb.service l4lbd.service; do
		sed -E "s#^(Exec[A-Za-z]*=-?)/usr/#\\1$dest/usr/#" "$u/$f" >"$tmp/units/$f"
	done
	out=$(systemd-analyze verify --man=no "$tmp/units/l4lb.service" "$tmp/units/l4lbd.service" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
	grep -qx 'Requires=l4lb.service' "$u/l4lbd.service" &&
	grep -Eqx 'After=(.* )?l4lb.service( .*)?' "$u/l4lbd.service" &&
	grep -Eqx 'Before=(.* )?l4lbd.service( .*)?' "$u/l4lb.service"
}
check "systemd-analyze verify: l4lb.service, l4lbd.service" units_verify

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
# The module's schedulers: one kmod/sched_NAME.c each (sched_loc.c is lblc's
# and lblcr's shared table).
scheds=$(cd "$top/kmod" && ls sched_*.c | sed 's/^sched_//; s/\.c$//' | grep -vx loc | sort | tr '\n' ' ')
check "completion offers schedulers" offers "$scheds" l4lbadm -A -t 10.0.0.1:80 -s ""

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
	# make check runs make deb-root first, whose l4lb-dkms postinst did
	# this very dkms add + build (of make dkms-src's tree, for KVER):
	# its module, if newer than every file dkms-src installs, is checked
	# instead of building the same again (a minute of the host's time).
	deb_root_ko() { # VER: deb-root's DKMS build of the current sources
		local ko=$top/build/deb/root/var/lib/dkms/l4lb/$1/$KVER/x86_64/module/l4lb.ko f
		[ -f "$ko" ] || return 1
		for f in "$top/dkms.conf" "$top/Kbuild" "$top/include/uapi/linux/l4lb.h" \
			"$top"/kmod/Kbuild "$top"/kmod/*.[ch]; do
			[ "$ko" -nt "$f" ] || return 1
		done
		echo "$ko"
	}
	dkms_build() {
		local ver ko
		ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
		if ko=$(deb_root_ko "$ver"); then
			echo "make deb-root's DKMS build: $ko"
			modinfo -F vermagic "$ko" | grep -q "^$KVER "
			return
		fi
		mkdir -p "$tmp/dkms" &&
		make -s -C "$top" dkms-src DKMS_SRC="$tmp/src/l4lb-$ver" &&
		dkms add -m l4lb -v "$ver" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" &&
		dkms build -m l4lb -v "$ver" -k "$KVER" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" &&
		modinfo -F vermagic "$tmp/dkms/l4lb/$ver/$KVER/x86_64/module/l4lb.ko" | grep -q "^$KVER "
	}
	check "dkms add + build against $KVER headers" dkms_build
fi

# A fresh machine: no headers when make starts; deps brings two (a stub
# here, in a scratch MODULES_ROOT). KDIR must be resolved after it, in
# version order; the running kernel's headers win when present.
# Run as a user would: not with the KDIR, KVER or make flags of the make
# check that runs this.
fresh_make() { env -u KDIR -u KVER -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }
kdir_of() { # DEPS-COMMAND: what `make kdir` resolves
	fresh_make -s -C "$top" kdir MODULES_ROOT="$tmp/mods" DEPS="$1; true"
}
fresh_kdir() {
	local m=$tmp/mods got want
	rm -rf "$m"
	mkdir -p "$m"
	got=$(kdir_of "mkdir -p $m/6.1.0-9-amd64/build $m/6.1.0-10-amd64/build")
	want="KDIR=$m/6.1.0-10-amd64/build KVER=6.1.0-10-amd64 TEST_KDIR=$m/6.1.0-10-amd64/build"
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
	got=$(kdir_of "mkdir -p $m/$(uname -r)/build $m/99.0.0-1-amd64/build")
	want="KDIR=$m/$(uname -r)/build KVER=$(uname -r) TEST_KDIR=$m/99.0.0-1-amd64/build"
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
	got=$(fresh_make -s -C "$top" kdir MODULES_ROOT="$m" DEPS=true KVER=6.1.0-9-amd64)
	want="KDIR=$m/6.1.0-9-amd64/build KVER=6.1.0-9-amd64 TEST_KDIR=$m/6.1.0-9-amd64/build"
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
}
check "KDIR resolved after deps, version-sorted, running kernel first" fresh_kdir

# deps.sh against stubs: dpkg-query says every package is missing,
# apt-get records its calls, id says who runs it.
mkdir -p "$tmp/stub"
printf '#!/bin/sh\nexit 1\n' >"$tmp/stub/dpkg-query"
printf '#!/bin/sh\nexit 1\n' >"$tmp/stub/apt-cache"
printf '#!/bin/sh\necho "apt-get $*" >>"%s"\n' "$tmp/apt.log" >"$tmp/stub/apt-get"
deps_as() { # UID MODE: run deps.sh MODE as if UID ran it
	printf '#!/bin/sh\necho %s\n' "$1" >"$tmp/stub/id"
	chmod +x "$tmp/stub/"*
	: >"$tmp/apt.log"
	PATH=$tmp/stub:$PATH "$top/selftests/deps.sh" "$2" "$(uname -r)" 2>"$tmp/deps.err"
}
build_pkgs="build-essential make gcc pkg-config kmod libmnl-dev libcurl4-openssl-dev libssl-dev libmicrohttpd-dev"
deps_build_root() {
	deps_as 0 build || { cat "$tmp/deps.err"; return 1; }
	grep -qx "apt-get install -y -qq --no-install-recommends $build_pkgs" "$tmp/apt.log" ||
		{ cat "$tmp/apt.log"; return 1; }
}
deps_build_user() {
	local rc=0
	deps_as 1000 build || rc=$?
	[ "$rc" = 1 ] || { echo "exit $rc"; return 1; }
	[ ! -s "$tmp/apt.log" ] || { echo "ran: $(cat "$tmp/apt.log")"; return 1; }
	grep -qx "deps: missing packages: $build_pkgs" "$tmp/deps.err" ||
		{ cat "$tmp/deps.err"; return 1; }
}
check "deps.sh build as root installs exactly the build packages" deps_build_root
check "deps.sh build as a user names them, installs nothing, fails" deps_build_user

# lintian: nothing but the tags debian/*.lintian-overrides explain.
lintian_clean() {
	local debs out
	debs=$(ls "$top"/build/deb/l4lb*_*.deb 2>/dev/null)
	[ -n "$debs" ] || { echo "no packages in build/deb (make deb)"; return 1; }
	command -v lintian >/dev/null || { echo "no lintian"; return 1; }
	# shellcheck disable=SC2086
	out=$(lintian -I --pedantic $debs 2>&1 | grep -v 'running with root privileges')
	[ -z "$out" ] || { echo "$out"; return 1; }
}
check "lintian -I --pedantic: l4lb, l4lb-dkms clean" lintian_clean

# Purge in a private mount namespace, on an overlay of the host's root
# whose upper layer is a copy of deb-root's installation.
purge_clean() {
	local root=$top/build/deb/root p=$tmp/purge
	[ -d "$root/var/lib/dkms/l4lb" ] || { echo "no installation in $root (make deb-root)"; return 1; }
	mkdir -p "$p/work" "$p/mnt"
	cp -a "$root" "$p/upper"
	unshare -m bash -eu -s "$p" <<'SH'
p=$1 mnt=$1/mnt
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=/,upperdir=$p/upper,workdir=$p/work" "$mnt"
mount --rbind /proc "$mnt/proc"
mount --rbind /sys "$mnt/sys"
mount --rbind /dev "$mnt/dev"
mount -t tmpfs tmpfs "$mnt/tmp"
mount -t tmpfs tmpfs "$mnt/run"
in_root() { chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
in_root dpkg -L l4lb l4lb-dkms | sort -u >"$p/listed"
[ -s "$p/listed" ] || { echo "dpkg -L lists nothing"; exit 1; }
in_root dpkg --purge l4lb l4lb-dkms >"$p/purge.log" 2>&1 || { cat "$p/purge.log"; exit 1; }
for pkg in l4lb l4lb-dkms; do
	st=$(in_root dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ -z "$st" ] || { echo "$pkg after purge: $st"; exit 1; }
done
# Paths the host has too (such as /lib) were there before.
left=$(while read -r f; do
	if [ -e "$f" ] || [ -L "$f" ]; then continue; fi
	if [ -e "$mnt$f" ] || [ -L "$mnt$f" ]; then echo "$f"; fi
done <"$p/listed")
[ -z "$left" ] || { echo "packaged files left after purge: $left"; exit 1; }
# What the upper layer holds now is dpkg's bookkeeping, a directory the
# host has too, or a file as the host has it (depmod's index).
left=$(find "$p/upper" -mindepth 1 | sed "s|^$p/upper||" | sort |
	grep -Ev '^/var/(lib/dpkg|lib/man-db|log|cache/(man|debconf|ldconfig))(/|$)' |
	while read -r f; do
		if [ -d "$p/upper$f" ]; then
			[ -d "$f" ] || echo "$f"
		elif ! cmp -s "$p/upper$f" "$f"; then
			echo "$f"
		fi
	done || true)
[ -z "$left" ] || { echo "left after purge: $left"; exit 1; }
for f in /etc/l4lb /var/lib/dkms/l4lb /usr/src/l4lb-0.1.0; do
	[ ! -e "$mnt$f" ] || { echo "$f left after purge"; exit 1; }
done
! in_root modprobe -n l4lb 2>/dev/null || { echo "modprobe still finds l4lb after purge"; exit 1; }
SH
}
check "dpkg --purge l4lb l4lb-dkms leaves nothing behind" purge_clean

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
