#!/bin/sh
# mount/ benchmark, medians over N runs (default 20), one table, side by side:
#   vnode  : libblkid probe + LOOP_CONFIGURE + ext4 mount of a GPT partition, the
#            whole vm_build_root (root, /dev, /proc, /sys, pivot_root) with and
#            without the host-side vm_resolve, and teardown (last exit -> loop freed)
#   losetup: `losetup -f --show -o OFF --sizelimit N` + `mount`, then umount + losetup -d
#   lxc    : lxc-execute of /bin/true with rootfs loop:IMG minus the same with a dir:
#            rootfs (LXC attaches with LOOP_SET_FD + LOOP_SET_STATUS64)
# Needs root. All mounts are made in private mount namespaces.
set -u
N=${N:-20}
cd "$(dirname "$0")/.."
B=${B:-build}
BENCH=$B/tests/helpers/mount_bench
export PATH="/usr/sbin:/sbin:$PATH"
[ "$(id -u)" = 0 ] || { echo "mount bench: n/a (needs root)"; exit 0; }
[ -x "$BENCH" ] || { echo "mount bench: missing $BENCH (make helpers)"; exit 1; }
W=$(mktemp -d /tmp/vnode-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

# A GPT disk image, root filesystem in partition 2 (written with mkfs -d, no mount).
mkdir -p "$W/rootfs/bin" "$W/rootfs/etc" "$W/rootfs/dev" "$W/rootfs/proc" "$W/rootfs/sys" "$W/vn"
cp /bin/busybox "$W/rootfs/bin/" && ln -s busybox "$W/rootfs/bin/sh" && ln -s busybox "$W/rootfs/bin/true"
truncate -s 80M "$W/disk.raw"
printf 'label: gpt\n,8M\n,64M\n' | sfdisk -q "$W/disk.raw"
start=$(sfdisk -d "$W/disk.raw" | sed -n "s|^$W/disk.raw2 : start= *\([0-9]*\),.*|\1|p")
mkfs.ext4 -q -F -E offset=$((start * 512)) -d "$W/rootfs" "$W/disk.raw" 64M

"$BENCH" "$N" "$W/disk.raw" 2 "$W/vn" >"$W/plain" || exit 1
BENCH_RESOLVE=1 "$BENCH" "$N" "$W/disk.raw" 2 "$W/vn" >"$W/resolved" || exit 1
get() { sed -n "s/^ *$2 //p" "$W/$1"; }

# LXC, if it can be installed from Debian.
lxc_loop=n/a lxc_dir=n/a lxc_note=""
if ! command -v lxc-execute >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends lxc \
		>"$W/apt.log" 2>&1 || lxc_note="apt-get install lxc failed: $(tail -1 "$W/apt.log")"
fi
now_us() { echo $(($(date +%s%N) / 1000)); }
median() { sort -n | awk '{v[NR]=$1} END {print NR ? v[int((NR+1)/2)] : "n/a"}'; }
lxc_time() { # config-file -> median us of lxc-execute /bin/true
	i=0
	while [ $i -lt "$N" ]; do
		t0=$(now_us)
		lxc-execute -P "$W" -n vbench -f "$1" -- /bin/true >/dev/null 2>&1 || { echo fail; return; }
		echo $(($(now_us) - t0))
		i=$((i + 1))
	done | median
}
if [ -z "$lxc_note" ] && command -v lxc-execute >/dev/null 2>&1; then
	truncate -s 64M "$W/lxc.img" && mkfs.ext4 -q -F -d "$W/rootfs" "$W/lxc.img"
	for kind in loop dir; do
		src=$W/lxc.img; [ $kind = dir ] && src=$W/rootfs
		cat >"$W/lxc-$kind.conf" <<EOC
lxc.uts.name = vbench
lxc.rootfs.path = $kind:$src
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.mount.auto = proc:rw sys:ro
EOC
	done
	lxc_loop=$(lxc_time "$W/lxc-loop.conf")
	lxc_dir=$(lxc_time "$W/lxc-dir.conf")
	[ "$lxc_loop" = fail ] || [ "$lxc_dir" = fail ] && { lxc_note="lxc-execute failed"; lxc_loop=n/a lxc_dir=n/a; }
else
	[ -n "$lxc_note" ] || lxc_note="lxc-execute not available"
fi

ours=$(awk -v a="$(get resolved loop_configure)" -v b="$(get resolved mount_ext4)" 'BEGIN {printf "%.1f", a + b}')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.1fx", b / a; else print "-" }'; }
printf 'mount bench: medians of %s runs, microseconds (GPT partition 2, ext4 64M)\n' "$N"
printf '  %-52s %10s %8s\n' "what" "median_us" "vs ours"
row() { printf '  %-52s %10s %8s\n' "$1" "$2" "$(ratio "$ours" "$2")"; }
row "vnode: probe+attach+mount (libblkid in child)" "$(get plain probe_attach_mount)"
row "  libblkid probe" "$(get plain probe)"
row "  LOOP_CONFIGURE (get free, open, configure)" "$(get plain loop_configure)"
row "  ext4 mount" "$(get plain mount_ext4)"
row "vnode: vm_build_root, child probes" "$(get plain build_root)"
row "vnode: vm_build_root after vm_resolve (ours)" "$(get resolved build_root)"
row "vnode: teardown (last exit -> loop released)" "$(get resolved teardown)"
row "losetup -f -o + mount (2 execs)" "$(get plain losetup_mount)"
row "umount + losetup -d (2 execs)" "$(get plain losetup_teardown)"
row "lxc-execute /bin/true, rootfs loop:" "$lxc_loop"
row "lxc-execute /bin/true, rootfs dir:" "$lxc_dir"
if [ "$lxc_loop" != n/a ]; then
	row "lxc loop: cost (loop: minus dir:)" "$((lxc_loop - lxc_dir))"
else
	echo "  lxc: n/a ($lxc_note)"
fi
echo "  'ours' (the ratio base) = attach + mount of the root after vm_resolve: $ours us (target < 1000)"
