#!/bin/bash
# Build the tiny busybox initramfs that boots the test VM: it loads the
# virtio and 9p modules, mounts this host's root read-only over 9p and
# switch_roots into it (switch_root, not chroot, so that the kernel's
# request_module finds modprobe at the real root).
# Usage: mkinitramfs.sh KVER OUTPUT
set -e
kver=$1 out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,newroot,modules}
cp /bin/busybox "$work/bin/busybox"
for applet in sh mount insmod switch_root mkdir echo poweroff cat; do
	ln -s busybox "$work/bin/$applet"
done

# Copy the module files in dependency order and remember that order.
: >"$work/modules/order"
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	cp "$ko" "$work/modules/"
	basename "$ko" >>"$work/modules/order"
done

# The guest init path is passed as l4lb.init=PATH on the kernel command line;
# the busybox init reads it from /proc before unmounting.
cat >"$work/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod /modules/$m; done
init=
for arg in $(cat /proc/cmdline); do
	case $arg in l4lb.init=*) init=${arg#l4lb.init=} ;; esac
done
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /newroot; then
	echo "l4lb-vm: cannot mount the host root over 9p"
	poweroff -f
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash "$init"
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
