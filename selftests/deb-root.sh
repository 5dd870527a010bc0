#!/bin/bash
# Install the packages of `make deb` the way an operator would (dpkg -i,
# DKMS building the module in l4lb-dkms's postinst), but into an overlay
# of this host's root in a private mount namespace: the overlay's upper
# layer, DEBDIR/root, is all that changes. The deb selftest boots the VM
# with it as a layer of its own root (the VM cannot compile in time).
# Fails unless DKMS built the module for KVER (the kernel the VM boots).
# Usage: deb-root.sh DEBDIR KVER
set -eu
debdir=$(cd "$1" && pwd) kver=$2
ver=$(dpkg-deb -f "$debdir"/l4lb-dkms_*_all.deb Version)
rm -rf "$debdir/root" "$debdir/work" "$debdir/mnt"
mkdir -p "$debdir/root" "$debdir/work" "$debdir/mnt"
unshare -m bash -eu -s "$debdir" "$kver" "$ver" <<'SH'
debdir=$1 kver=$2 ver=$3 mnt=$1/mnt
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=/,upperdir=$debdir/root,workdir=$debdir/work" "$mnt"
mount --rbind /proc "$mnt/proc"
mount --rbind /sys "$mnt/sys"
mount --rbind /dev "$mnt/dev"
mount -t tmpfs tmpfs "$mnt/tmp"
mount -t tmpfs tmpfs "$mnt/run"
cp "$debdir"/l4lb-dkms_"$ver"_all.deb "$debdir"/l4lb_"$ver"_*.deb "$mnt/tmp/"
chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	sh -c 'dpkg -i /tmp/*.deb'
chroot "$mnt" modinfo -k "$kver" -F filename l4lb | grep -qx "/lib/modules/$kver/updates/dkms/l4lb.ko" || {
	echo "deb-root: DKMS did not install l4lb.ko for $kver" >&2
	exit 1
}
SH
rm -rf "$debdir/work" "$debdir/mnt"
