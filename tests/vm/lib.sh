# Sourced by tests/vm/run.sh: the packages, the kernel, the initramfs and qemu.

# need_packages PKG...: installed, or installed now (apt-get; one update if needed).
need_packages() {
	_missing=""
	for _p; do
		dpkg-query -W -f='${Status}\n' "$_p" 2>/dev/null | grep -q '^install ok installed' ||
			_missing="$_missing $_p"
	done
	[ -z "$_missing" ] && return 0
	echo "vm: installing$_missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends $_missing >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
		  apt-get install -y -q --no-install-recommends $_missing >/dev/null 2>&1; }
}

# quote WORD: WORD in single quotes, for sh.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# kernel_package: the package linux-image-amd64 depends on (Debian's stock kernel).
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1
}

# kernel_fetch: KVER and KDIR set; KDIR/vmlinuz and KDIR/lib/modules/KVER (with its
# modules.dep) there, fetched once with apt-get download, under a lock.
kernel_fetch() {
	_pkg=$(kernel_package)
	[ -n "$_pkg" ] || { apt-get update -q >/dev/null 2>&1; _pkg=$(kernel_package); }
	[ -n "$_pkg" ] || { echo "vm: apt-cache depends linux-image-amd64 names no kernel" >&2; return 1; }
	KVER=${_pkg#linux-image-}
	KDIR=$CACHE/$KVER
	[ -f "$KDIR/ready" ] && return 0
	mkdir -p "$CACHE" || return 1
	(
		flock 9
		[ -f "$KDIR/ready" ] && exit 0
		t=$(mktemp -d "$CACHE/fetch.XXXXXX") || exit 1
		trap 'rm -rf "$t"' EXIT
		chown _apt "$t" 2>/dev/null  # apt-get download drops to _apt where it can
		(cd "$t" && apt-get download "$_pkg") >"$t/log" 2>&1 ||
			{ echo "vm: apt-get download $_pkg failed: $(tail -1 "$t/log")" >&2; exit 1; }
		dpkg-deb -x "$t"/*.deb "$t/k" && depmod -b "$t/k" "$KVER" &&
			mv "$t/k/boot/vmlinuz-$KVER" "$t/k/vmlinuz" ||
			{ echo "vm: cannot unpack $_pkg" >&2; exit 1; }
		rm -rf "$KDIR" && mv "$t/k" "$KDIR" && touch "$KDIR/ready"
	) 9>"$CACHE/lock"
}

# initramfs_modules DIR MODULE...: the modules the initramfs loads, with what they need,
# copied into DIR, their names in DIR/order, dependencies first.
initramfs_modules() {
	_d=$1
	shift
	: >"$_d/order"
	for _m; do
		modprobe -d "$KDIR" -S "$KVER" --show-depends "$_m" || return 1
	done | sed -n 's/^insmod \([^ ]*\).*/\1/p' | while read -r _ko; do
		_b=${_ko##*/}
		grep -qx "$_b" "$_d/order" && continue
		cp "$_ko" "$_d/$_b" && echo "$_b" >>"$_d/order"
	done
}

# The initramfs's /init, default mode: this machine's root (9p, read-only) under a tmpfs
# overlay, the run directory on /vm, then vinit running /vm/stage2.
init_default() {
	cat <<INIT
o=trans=virtio,version=9p2000.L,msize=262144
\$bb mount -t 9p -o \$o,ro,cache=loose hostroot /lower || fail "the 9p root"
\$bb mount -t tmpfs -o mode=755 upper /upper && \$bb mkdir /upper/u /upper/w
\$bb mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w root /newroot ||
	fail "the overlay root"
\$bb mkdir -p /newroot/vm && \$bb mount -t 9p -o \$o vmrun /newroot/vm || fail "the 9p run dir"
\$bb umount /proc
\$bb mount --move /dev /newroot/dev
exec \$bb switch_root /newroot $TOP/build/vinit -- /bin/sh /vm/stage2
INIT
}

# --systemd: the image's disk as the root, then its systemd.
init_systemd() {
	cat <<'INIT'
$bb mount -t ext4 /dev/vda /newroot || fail "the root disk"
$bb umount /proc
$bb mount --move /dev /newroot/dev
exec $bb switch_root /newroot /sbin/init
INIT
}

# make_initramfs FILE [systemd]: busybox, the modules the root needs and /init.
make_initramfs() {
	_r=$W/initramfs
	mkdir -p "$_r/bin" "$_r/mod" && cp /bin/busybox "$_r/bin/busybox" || return 1
	if [ "${2:-}" = systemd ]; then
		initramfs_modules "$_r/mod" virtio_pci virtio_blk ext4 || return 1
	else
		initramfs_modules "$_r/mod" virtio_pci 9pnet_virtio 9p overlay || return 1
	fi
	{
		cat <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
fail() { echo "vm initramfs: $*"; $bb poweroff -f; }
$bb mkdir -p /proc /dev /lower /upper /newroot
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
for m in $($bb cat /mod/order); do $bb insmod /mod/$m || fail "insmod $m"; done
INIT
		"init_${2:-default}"
	} >"$_r/init"
	chmod +x "$_r/init"
	(cd "$_r" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$1"
}

# make_disk: $W/disk.img, sparse, ext4, holding tmp/ (the VM's /tmp) and top/ (a copy of
# this checkout but .git, for the VM's $TOP): the tests idmap what they make there, and
# neither tmpfs (before 6.3) nor the 9p root can be idmapped.
make_disk() {
	mkdir -p "$W/disk/tmp" "$W/disk/top" &&
		tar -C "$TOP" --exclude=./.git --exclude=./build/debian-root --exclude=./build/asan -cf - . |
		tar -C "$W/disk/top" -xf - &&
		truncate -s "${VM_DISK_SIZE:-16G}" "$W/disk.img" &&
		mkfs.ext4 -q -F -d "$W/disk" "$W/disk.img" && rm -rf "$W/disk"
}

# qemu_run INITRD KERNEL-ARGS [QEMU-ARG...]: the VM, its console (ttyS0) on stdout, until
# it powers off (or reboots, unless VM_REBOOT=1: then it boots again, its disks as they
# were, a snapshot's too) or VM_TIMEOUT passes; run dir $W shared as "vmrun", this machine's root as
# "hostroot", $W/disk.img its disk (after those the arguments give). No network device.
qemu_run() {
	_initrd=$1 _append=$2
	shift 2
	(
		exec timeout -k 10 "${VM_TIMEOUT:-1800}" qemu-system-x86_64 \
			-accel tcg,thread=multi -cpu "${VM_CPU:-max}" -smp "${VM_CPUS:-2}" -m "${VM_MEM:-4096}" \
			-nodefaults $([ "${VM_REBOOT:-}" = 1 ] || echo -no-reboot) -display none -serial stdio -nic none \
			-pidfile "$W/qemu.pid" -kernel "$KDIR/vmlinuz" -initrd "$_initrd" \
			-append "console=ttyS0 quiet loglevel=3 panic=-1 cgroup_no_v1=all $_append" \
			"$@" \
			-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
			-virtfs local,path="$W",mount_tag=vmrun,security_model=passthrough,multidevs=remap \
			-drive file="$W/disk.img",if=virtio,format=raw,cache=unsafe \
			</dev/null
	) 2>"$W/qemu.err" | sed -u 's/\r$//' &
	QEMU_WAIT=$!
	wait "$QEMU_WAIT"
	[ -s "$W/qemu.err" ] && grep -v "^qemu-system-x86_64: warning" "$W/qemu.err" | sed 's/^/vm: /' >&2
	QEMU_PID=$(cat "$W/qemu.pid" 2>/dev/null)
	return 0
}
