# Sourced by tests/vm/run.sh --systemd: a Debian root debootstrapped with systemd as PID 1
# and what the tests use, cached in CACHE as an ext4 image per kernel; booted from its
# disk (the busybox initramfs mounts it and hands over to systemd), with this checkout
# on a second disk. vnode-vm.service runs the stage once multi-user.target is reached.

SD_PKGS=systemd,systemd-sysv,systemd-container,dbus,kmod,iproute2,e2fsprogs,fdisk,util-linux,procps,busybox-static,libmnl0,libcap2,tmux
# then with apt in the new root (debootstrap cannot resolve these dependencies)
SD_APT="ansible-core python3-apt"

# systemd_customise ROOT: the kernel's modules, fstab, the unit that runs the stage, no
# getty on the serial console (it is the stage's output).
systemd_customise() {
	mkdir -p "$1/lib/modules" "$1/etc/systemd/system/multi-user.target.wants" "$1/vm" &&
		cp -a "$KDIR/lib/modules/$KVER" "$1/lib/modules/" || return 1
	echo vnode-vm >"$1/etc/hostname"
	printf '/dev/vda / ext4 rw 0 1\n' >"$1/etc/fstab"
	printf '%s\n' '#!/bin/sh' \
		'mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmrun /vm || exit 1' \
		'exec /bin/sh /vm/stage2' >"$1/usr/local/sbin/vnode-vm"
	chmod 755 "$1/usr/local/sbin/vnode-vm"
	printf '%s\n' '[Unit]' 'Description=tests/vm/run.sh: the stage, then poweroff' \
		'After=multi-user.target' '[Service]' 'Type=oneshot' \
		'ExecStart=/usr/local/sbin/vnode-vm' 'StandardOutput=tty' 'StandardError=tty' \
		'TTYPath=/dev/ttyS0' '[Install]' 'WantedBy=multi-user.target' \
		>"$1/etc/systemd/system/vnode-vm.service"
	ln -sf ../vnode-vm.service "$1/etc/systemd/system/multi-user.target.wants/vnode-vm.service"
	ln -sf /dev/null "$1/etc/systemd/system/serial-getty@ttyS0.service"
}

# systemd_image: SD_IMG set, and built once (debootstrap: minutes, needs the mirror).
systemd_image() {
	# named for its package list too, so that a changed list makes a new image
	SD_IMG=$CACHE/debian-systemd-$(echo "$SD_PKGS $SD_APT" | cksum | cut -d' ' -f1)-$KVER.img
	[ -f "$SD_IMG" ] && return 0
	need_packages debootstrap || { echo "vm: cannot install debootstrap" >&2; return 1; }
	. "$TOP/images/apt-source.sh"
	[ -n "$SUITE" ] && [ -n "$MIRROR" ] || { echo "vm: no apt suite or mirror (set SUITE= MIRROR=)" >&2; return 1; }
	(
		flock 9
		[ -f "$SD_IMG" ] && exit 0
		d=$(mktemp -d "$CACHE/systemd.XXXXXX") || exit 1
		trap 'rm -rf "$d"' EXIT
		echo "vm: debootstrap $SUITE with systemd from $MIRROR, once, into $SD_IMG" >&2
		debootstrap --variant=minbase --include="$SD_PKGS" "$SUITE" "$d/root" "$MIRROR" \
			>"$d/log" 2>&1 || { echo "vm: debootstrap failed: $(tail -1 "$d/log")" >&2; exit 1; }
		# shellcheck disable=SC2086 # one word per package
		DEBIAN_FRONTEND=noninteractive chroot "$d/root" apt-get install -y -q \
			--no-install-recommends $SD_APT >"$d/log" 2>&1 &&
			chroot "$d/root" apt-get clean ||
			{ echo "vm: apt-get install $SD_APT failed: $(tail -1 "$d/log")" >&2; exit 1; }
		systemd_customise "$d/root" || { echo "vm: cannot customise the systemd root" >&2; exit 1; }
		truncate -s 4G "$d/img" && mkfs.ext4 -q -F -d "$d/root" "$d/img" && mv "$d/img" "$SD_IMG"
	) 9>"$CACHE/lock"
}

# systemd_boot: the VM from the cached image (never written: qemu's snapshot), the
# checkout's disk second.
systemd_boot() {
	systemd_image || return 1
	make_initramfs "$W/initrd.gz" systemd || { echo "vm: cannot make the initramfs" >&2; return 1; }
	make_disk || { echo "vm: cannot make the VM's disk" >&2; return 1; }
	qemu_run "$W/initrd.gz" "rdinit=/init systemd.show_status=0" \
		-drive file="$SD_IMG",if=virtio,format=raw,snapshot=on
}
