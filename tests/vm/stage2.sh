# The VM's side (tests/vm/run.sh puts TOP, KVER, KDIR, STARTED, VMDISK and SCRIPT's words
# before this), once the root is there: run by vinit as PID 1, or by systemd's
# vnode-vm.service (--systemd).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
VMDISK=${VMDISK:-/dev/vda}
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
# the kernel's modules: in the --systemd image; else the cached ones, over the 9p root
[ -d "/lib/modules/$KVER/kernel" ] ||
	{ mkdir -p "/lib/modules/$KVER" && mount --bind "$KDIR/lib/modules/$KVER" "/lib/modules/$KVER"; }
# /tmp and the checkout: ext4, on the run's own disk (tests/vm/lib.sh, make_disk)
mkdir -p /vmdisk && modprobe virtio_blk && mount "$VMDISK" /vmdisk && chmod 1777 /vmdisk/tmp &&
	mount --bind /vmdisk/tmp /tmp && mkdir -p "$TOP" && mount --bind /vmdisk/top "$TOP" ||
	{ echo "vm: cannot mount its disk"; busybox poweroff -f; }
for m in loop veth bridge overlay ext4 tun; do modprobe "$m" || echo "vm: modprobe $m failed"; done
hostname vnode-vm
cd "$TOP" || exit 1
echo "vm: $(uname -r), SCRIPT starts $(( ($(date +%s%N) - STARTED) / 1000000 )) ms after tests/vm/run.sh did"
sh "$@" </dev/null  # as in CI: no terminal
echo $? >/vm/status
busybox poweroff -f
