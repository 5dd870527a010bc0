#!/bin/bash
# Install every Debian package that building and testing l4lb needs.
# Idempotent: when everything is present it returns at once.
set -e

packages=(
	build-essential make gcc pkg-config
	linux-headers-amd64 linux-image-amd64 kmod
	qemu-system-x86 busybox-static cpio
	libmnl-dev libcurl4-openssl-dev
	iproute2 iptables socat curl nginx-light iperf3 ipvsadm
	jq procps ethtool util-linux binutils valgrind gnuplot-nox
	dkms man-db groff-base bash-completion
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
