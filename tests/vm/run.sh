#!/bin/sh
# tests/vm/run.sh [--systemd] SCRIPT [ARG...]: boots a VM on Debian's stock amd64 kernel
# (software emulation: TCG) and runs SCRIPT as root inside, in this checkout, which is at
# the same path there. Prints what SCRIPT prints and exits with its status; 125 with one
# line when the VM cannot be made or cannot run it.
#
# Default: the VM's root is this machine's own, read-only over 9p, under a tmpfs overlay
# (so the tests find the tools they use here), with the kernel's own modules at
# /lib/modules, the cgroup v2 hierarchy alone, and vinit as its PID 1. The initramfs that
# gets there is busybox-static and the few modules 9p and overlayfs need.
# --systemd: a debootstrapped Debian 12 with systemd as PID 1, booted to multi-user, this
# checkout shared over 9p; cached in $VNODE_VM_CACHE (tests/vm/systemd.sh).
#
# The VM has no network device. Nothing stays on the host: qemu is ended by its pid, and
# the run's directory goes. The kernel is cached in VNODE_VM_CACHE (default
# /var/cache/vnode-vm). VM_TIMEOUT (seconds, default 1800) bounds the whole run. With
# VM_REBOOT=1 a reboot inside boots the VM again, and SCRIPT runs again after it.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${VNODE_VM_CACHE:-/var/cache/vnode-vm}
MODE=default
[ "${1:-}" = --systemd ] && { MODE=systemd; shift; }
[ $# -ge 1 ] || { echo "usage: tests/vm/run.sh [--systemd] SCRIPT [ARG...]" >&2; exit 125; }
die() { echo "vm: $*" >&2; exit 125; }
[ "$(id -u)" = 0 ] || die "needs root (qemu's 9p passthrough, debootstrap)"
SCRIPT=$(cd "$(dirname "$1")" 2>/dev/null && pwd)/$(basename "$1")
[ -f "$SCRIPT" ] || die "$1: no such script"
shift
. "$TOP/tests/vm/lib.sh"

need_packages qemu-system-x86 busybox-static kmod || die "cannot install qemu-system-x86, busybox-static, kmod"
kernel_fetch || exit 125   # sets KVER, KDIR

STARTED=$(date +%s%N)
W=$(mktemp -d /tmp/vnode-vm.XXXXXX) || die "mktemp failed"
QEMU_PID=""
cleanup() {
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 125' INT TERM HUP

# What runs inside, after the root is there: in the checkout, SCRIPT, its status to the
# shared run directory, then the VM powers off. A SCRIPT outside the checkout, in a
# directory the VM mounts anew (/tmp, /run), is copied into the run directory, /vm inside.
case "$SCRIPT" in
"$TOP"/*) ;;  # in the checkout, which is there at the same path
/tmp/* | /run/*)
	cp "$SCRIPT" "$W/script" || die "cannot copy $SCRIPT"
	SCRIPT=/vm/script ;;
esac
{
	printf 'TOP=%s\nKVER=%s\nKDIR=%s\nSTARTED=%s\n' "$TOP" "$KVER" "$KDIR" "$STARTED"
	[ "$MODE" = systemd ] && echo VMDISK=/dev/vdb  # the root's is vda
	printf 'set -- %s' "$(quote "$SCRIPT")"
	for a; do printf ' %s' "$(quote "$a")"; done
	printf '\n'
	cat "$TOP/tests/vm/stage2.sh"
} >"$W/stage2"

if [ "$MODE" = systemd ]; then
	. "$TOP/tests/vm/systemd.sh"
	systemd_boot || exit 125
else
	make_initramfs "$W/initrd.gz" || die "cannot make the initramfs"
	make_disk || die "cannot make the VM's disk"
	qemu_run "$W/initrd.gz" "rdinit=/init"
fi
[ -s "$W/status" ] || die "the VM ended without SCRIPT's status (its console is above)"
exit "$(cat "$W/status")"
