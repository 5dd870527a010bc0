#!/bin/bash
# The Debian packages l4lb needs, by purpose:
#   deps.sh build [KVER]  building: compiler, libraries, the headers of KVER
#                         (default: the running kernel's when none is
#                         installed; KVER empty: any installed headers do)
#   deps.sh deb           building the .debs (debhelper, dh-dkms)
#   deps.sh test          everything the test targets need: the above, the
#                         VM (qemu, Debian's kernel and its headers), the
#                         servers and tools the selftests run (keepalived:
#                         l4lbd's parser cross-check and the vrrp test; bird2:
#                         the BGP of ecmp_bird), lintian, systemd-analyze
# As root it installs what is missing (apt-get, no recommends); otherwise
# it names what is missing and fails. Idempotent: when everything is
# present it returns at once.
set -e

build=(build-essential make gcc pkg-config kmod libmnl-dev libcurl4-openssl-dev libssl-dev libmicrohttpd-dev)
deb=(dpkg-dev debhelper dh-dkms dkms fakeroot)
test=(
	linux-headers-amd64 linux-image-amd64
	qemu-system-x86 busybox-static cpio
	iproute2 iptables socat curl nginx-light iperf3 ipvsadm
	jq procps ethtool util-linux binutils valgrind gnuplot-nox keepalived bird2
	man-db groff-base bash-completion lintian systemd
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

# The headers to build for, if none that fit are there yet.
headers() { # KVER
	local kver=$1
	if [ -z "$kver" ]; then
		# Any installed headers will do: the running kernel's if none.
		ls -d /lib/modules/*/build >/dev/null 2>&1 && return
		kver=$(uname -r)
	fi
	[ -d "/lib/modules/$kver/build" ] && return
	if apt-cache show "linux-headers-$kver" >/dev/null 2>&1; then
		echo "linux-headers-$kver"
	else
		echo "deps: no package linux-headers-$kver (an older kernel than the" \
		     "archive's? upgrade and reboot, or pass KDIR=)" >&2
	fi
}

case ${1:-} in
build) packages=("${build[@]}") extra=$(headers "${2:-}") ;;
deb) packages=("${build[@]}" "${deb[@]}") extra= ;;
test) packages=("${build[@]}" "${deb[@]}" "${test[@]}") extra= ;;
*) echo "usage: deps.sh build [KVER] | deb | test" >&2; exit 2 ;;
esac
[ -z "$extra" ] || packages+=("$extra")

if ! command -v dpkg-query >/dev/null; then
	echo "deps: not Debian; make sure these are installed: ${packages[*]}" >&2
	exit 0
fi
missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
