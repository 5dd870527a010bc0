#!/bin/bash
# Build (once) the debug kernel of `make check-debug` from Debian's
# linux-source-6.1: x86_64_defconfig + kernel/configs/debug.config +
# selftests/debug/kernel.config, everything the tests need built in.
#
# The result is cached outside the project, keyed by a hash of the source
# version, the config inputs and the compiler:
#   $L4LB_DEBUG_CACHE/<hash>/bzImage       the kernel
#   $L4LB_DEBUG_CACHE/<hash>/build/        the O= tree to build modules against
# A second run finds it and prints the same directory at once.
# The last line on stdout is that directory. The build runs at nice 19.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${L4LB_DEBUG_CACHE:-/var/cache/l4lb-debug-kernel}
jobs=${L4LB_DEBUG_JOBS:-$(nproc)}

packages=(linux-source-6.1 build-essential bc bison flex libelf-dev libssl-dev
	dwarves cpio kmod rsync xz-utils python3)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "debug-kernel: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9

src=$cache/linux-source-$version
if [ ! -f "$src/.l4lb-unpacked" ]; then
	echo "debug-kernel: unpacking linux-source-6.1 $version" >&2
	rm -rf "$src" "$cache/linux-source-6.1"
	nice -n 19 tar -C "$cache" -xJf /usr/src/linux-source-6.1.tar.xz
	mv "$cache/linux-source-6.1" "$src"
	touch "$src/.l4lb-unpacked"
fi

hash=$({
	echo "$version"
	gcc --version | head -n 1
	cat "$src/arch/x86/configs/x86_64_defconfig" "$src/kernel/configs/debug.config" \
		"$here/kernel.config"
} | sha256sum | cut -c1-16)
out=$cache/$hash
if [ -f "$out/.complete" ]; then
	echo "debug-kernel: cached in $out" >&2
	echo "$out"
	exit 0
fi

mkdir -p "$out"
# A changed config fragment need not cost a full build: start from the
# newest complete build of the same source, and Kbuild rebuilds only what
# the changed options reach.
if [ ! -d "$out/build" ]; then
	prev=$(ls -1td "$cache"/*/.complete 2>/dev/null | head -n 1 || true)
	if [ -n "$prev" ] && [ -d "${prev%/.complete}/build" ]; then
		echo "debug-kernel: starting from ${prev%/.complete}" >&2
		cp -a "${prev%/.complete}/build" "$out/build.tmp"
		mv "$out/build.tmp" "$out/build"
	fi
fi
echo "debug-kernel: building in $out (log: $out/build.log; ~40+ min on 2 cores from scratch)" >&2
mkdir -p "$out/build"
kmake() { nice -n 19 ionice -c 3 make -C "$src" O="$out/build" -j"$jobs" "$@"; }
{
	kmake x86_64_defconfig
	(cd "$src" && KCONFIG_CONFIG="$out/build/.config" nice -n 19 \
		scripts/kconfig/merge_config.sh -m -O "$out/build" "$out/build/.config" \
		kernel/configs/debug.config "$here/kernel.config")
	kmake olddefconfig
} >"$out/build.log" 2>&1

# Every =y the fragment asks for must have survived olddefconfig (a missing
# dependency silently drops a symbol).
bad=0
while IFS= read -r line; do
	grep -qxF "$line" "$out/build/.config" || { echo "debug-kernel: .config lacks $line" >&2; bad=1; }
done < <(grep -E '^CONFIG_[A-Z0-9_]+=y$' "$here/kernel.config")
[ $bad -eq 0 ] || exit 1

if ! kmake all >>"$out/build.log" 2>&1; then
	echo "debug-kernel: build failed; the log's tail:" >&2
	tail -n 30 "$out/build.log" >&2
	exit 1
fi
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage"
make -s -C "$src" O="$out/build" kernelrelease >"$out/release"
touch "$out/.complete"
echo "debug-kernel: built $(cat "$out/release") in $out" >&2
echo "$out"
