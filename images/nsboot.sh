#!/bin/sh
# nsboot.sh [--overlay WORKDIR] ROOT [VINIT-ARG...]: boot the root directory ROOT with its
# /sbin/init as PID 1 in new pid, mount, uts, ipc and net namespaces, by chroot. A stand-in
# for the vnode launcher, for the image tests: no disks, no bridges, no pivot_root.
# With --overlay, ROOT stays untouched: writes go to WORKDIR/upper.
# It runs in the foreground; its child is the vnode's PID 1 (/proc/$!/task/$!/children).
# Exit status: PID 1's, or 128+N when it was killed by signal N (vinit's poweroff and halt
# end with SIGINT, 130; reboot with SIGHUP, 129); 2 usage.
set -eu
ov=""
if [ "${1-}" = --overlay ]; then
	ov=${2-}
	shift 2 || { echo "usage: $0 [--overlay WORKDIR] ROOT [ARG...]" >&2; exit 2; }
fi
[ $# -ge 1 ] && [ -x "$1/sbin/init" ] || { echo "usage: $0 [--overlay WORKDIR] ROOT [ARG...] (ROOT/sbin/init)" >&2; exit 2; }
root=$(cd "$1" && pwd)
shift
[ -z "$ov" ] || { mkdir -p "$ov/upper" "$ov/work" "$ov/live" && ov=$(cd "$ov" && pwd); }

# --kill-child: if unshare is killed, the vnode goes with it. unshare ignores INT and TERM
# while it waits, so stop a vnode with a signal to its PID 1, or KILL this process.
exec unshare --pid --mount --uts --ipc --net --fork --kill-child sh -c '
set -e
r=$1 ov=$2
shift 2
if [ -n "$ov" ]; then
	mount -t overlay vnode -o "lowerdir=$r,upperdir=$ov/upper,workdir=$ov/work" "$ov/live"
	r=$ov/live
fi
# A small /dev of its own: the device nodes a vnode gets, and nothing of the host.
mount -t tmpfs -o mode=755,nosuid,size=64k vnode-dev "$r/dev"
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r name ma mi <<EOF
$n
EOF
	mknod -m 666 "$r/dev/$name" c "$ma" "$mi"
done
mkdir -p "$r/dev/pts" "$r/dev/shm"
ln -s /proc/self/fd "$r/dev/fd"
cd "$r"
exec chroot . /sbin/init "$@"
' nsboot "$root" "$ov" "$@"
