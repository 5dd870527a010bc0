#!/bin/bash
# lane: extended (make check-extended)
# The Debian packages as an operator gets them. `make deb-root` (a step of
# make check) installed l4lb-dkms and l4lb with dpkg -i into an overlay of
# the host's root, DKMS building the module in the package's postinst
# (the VM is too slow to compile); this test boots that installation:
#  - modprobe l4lb loads the DKMS-built module (updates/dkms);
#  - the packaged l4lb.service command (l4lb-rules start) restores
#    /etc/l4lb/rules and the service forwards traffic (DR, rr: 50/50);
#  - l4lb-rules stop with SAVE_ON_STOP=yes saves exactly the table and
#    clears it.
# The purge is checked on the host (install-check.sh): DKMS's depmod over
# 9p under TCG takes minutes.
. "$(dirname "$0")/../lib.sh"

root=$L4LB_DIR/build/deb/root
[ -x "$root/usr/sbin/l4lbadm" ] || fail "no installed packages in $root (make deb-root)"
kver=$(uname -r)
# The module comes and goes with no other netfilter hook (lib.sh).
hold_nf_hooks

# The host's root read-only below, the installation above it (a copy on
# tmpfs, the upper layer must be writable), chrooted into.
ovl=/tmp/deb
mnt=$ovl/root
mkdir -p "$ovl"
mount -t tmpfs tmpfs "$ovl"
mkdir "$ovl/work" "$mnt"
cp -a "$root" "$ovl/upper"
modprobe overlay
mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$mnt"
for d in proc sys; do mount --rbind "/$d" "$mnt/$d"; done
# A /dev of its own with /dev/fd (dkms reads from process substitutions;
# the VM's /dev has no fd link).
mount -t tmpfs -o mode=755 tmpfs "$mnt/dev"
for n in null zero full random urandom tty; do
	touch "$mnt/dev/$n"
	mount --bind "/dev/$n" "$mnt/dev/$n"
done
ln -s /proc/self/fd "$mnt/dev/fd"
mount -t tmpfs tmpfs "$mnt/tmp"
mount -t tmpfs tmpfs "$mnt/run"
# man-db's trigger would index every manual page, minutes under TCG.
rm -f "$mnt/var/lib/man-db/auto-update"
deb_cleanup() {
	local rc=$?
	set +e
	log "cleanup: unmounting the overlay"
	umount -R -l "$mnt"
	L4LBADM=$L4LB_DIR/userspace/l4lbadm
	log "cleanup: namespaces, servers"
	for pid in "${bg_pids[@]+"${bg_pids[@]}"}"; do kill "$pid" 2>/dev/null; done
	bg_pids=()
	log "cleanup: lib.sh's"
	(exit "$rc")
	cleanup
}
trap deb_cleanup EXIT
in_root() { chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
in_root_ns() { local ns=$1; shift; nsx "$ns" chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
L4LBADM=$mnt/usr/sbin/l4lbadm

for p in l4lb l4lb-dkms; do
	expect_eq "package $p" "$(in_root dpkg-query -W -f='${Status}' "$p")" "install ok installed"
done
expect_eq "modprobe's l4lb" "$(in_root modprobe -n -v l4lb | awk '$1 == "insmod" && /l4lb/ { print $2 }')" \
	"/lib/modules/$kver/updates/dkms/l4lb.ko"
module_loaded && fail "l4lb loaded before modprobe"
in_root modprobe l4lb
module_loaded || fail "modprobe l4lb did not load it"
expect_eq "loaded module's source" "$(cat /sys/module/l4lb/srcversion)" \
	"$(in_root modinfo -F srcversion "/lib/modules/$kver/updates/dkms/l4lb.ko")"

topo_dr redirect redirect
name_servers tcp 80 2
mkdir -p "$mnt/etc/l4lb"
cat >"$mnt/etc/l4lb/rules" <<RULES
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r $(rip 1):80 -g -w 1
-a -t $VIP:80 -r $(rip 2):80 -g -w 1
RULES
sed -i 's/^SAVE_ON_STOP=.*/SAVE_ON_STOP=yes/' "$mnt/etc/default/l4lb"
cp "$mnt/etc/l4lb/rules" /tmp/rules.want

# What l4lb.service runs, in the balancer's namespace.
start=$(sed -n 's/^ExecStart=//p' "$mnt/lib/systemd/system/l4lb.service")
stop=$(sed -n 's/^ExecStop=//p' "$mnt/lib/systemd/system/l4lb.service")
expect_eq "ExecStart" "$start" "/usr/libexec/l4lb/l4lb-rules start"
# shellcheck disable=SC2086
in_root_ns lb $start
adm lb -S -n | cmp - /tmp/rules.want || fail "restored table differs: $(adm lb -S -n)"
names=$(tcp_names c "$VIP" 80 100)
for i in 1 2; do
	expect_eq "connections to rs$i" "$(echo "$names" | count_of "rs$i")" 50
done

# The table changes, the stop saves it and clears it.
adm lb -a -t "$VIP:80" -r "$(rip 3):80" -g -w 3
adm lb -S -n >/tmp/rules.want
: >"$mnt/etc/l4lb/rules"
# shellcheck disable=SC2086
in_root_ns lb $stop
cmp "$mnt/etc/l4lb/rules" /tmp/rules.want || fail "saved rules differ: $(cat "$mnt/etc/l4lb/rules")"
expect_eq "services after stop" "$(info_of lb services)" 0
