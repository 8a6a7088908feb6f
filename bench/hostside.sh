#!/bin/sh
# hostside/ benchmark: the launcher, side by side with its peers in one run, on one image.
#
# 1. Boot to exit, medians of N runs (default 20; one untimed warm-up each), timed by
#    tests/helpers/hostside_bench (CLOCK_MONOTONIC from fork to waitpid, no shell around it):
#      vnode boot -f      DISKS=( vda:0:IMG ), BRIDGES=( one bench bridge )   <- the ratio base
#      vnode boot -f      the same with PRIVILEGED=yes: no user namespace, no idmap; the
#                         difference is what the user namespace, the idmapped mounts and
#                         the seccomp filter cost together
#      vnode boot -f      the same root as a directory, one bridged veth (no disk)
#      vnode boot -f      the same root as a directory, NETWORK=none (no disk, no network)
#      systemd-nspawn -U  --private-users-ownership=map, the same otherwise (nspawn's own
#                         unprivileged mode)
#      systemd-nspawn     --boot --network-bridge, -D on the image loop-mounted here once
#                         (nspawn --image needs udev, which this host has not; so nspawn does
#                         not pay for the loop device and the mount, vnode and LXC do)
#      lxc-start -F       rootfs loop:IMG, one veth on the bench bridge
#      unshare + chroot   --fork --pid --mount-proc, the staged directory, no disk, no network
#    Each bridged one twice: back to back, and "settled": each run starts once the bridge has
#    no ports left (hostside_bench -q, untimed), i.e. after the kernel's asynchronous teardown
#    of the previous run's network namespace, which otherwise overlaps the next run.
#    Then where those boots wait: bench/lib/offcpu.sh sums the time each process of the boot
#    spends blocked (state D) by kernel call path, from the sched_switch tracepoint.
#    IMG is a bare ext4 file system (partition 0) made with mkfs.ext4 -d from a root staged by
#    images/mkimage.sh --dir --no-service, whose /etc/rc is just `poweroff` and which has no
#    /etc/rc.shutdown; every launcher starts the same /sbin/vinit from it.
# (Many vnodes at once, 100 and 1000, are bench/density.sh's.)
# Installs systemd-container and lxc with apt-get if missing; a peer that cannot run is
# "n/a (reason)". Needs root. Exits 0 whether the targets are met or not.
set -u
N=${N:-20}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
H=$B/tests/helpers/hostside_bench
VNODE=$PWD/$B/vnode
export PATH="/usr/sbin:/sbin:$PATH"
[ "$(id -u)" = 0 ] || { echo "hostside bench: n/a (needs root)"; exit 0; }
[ -x "$H" ] && [ -x "$VNODE" ] && [ -x "$B/vinit" ] ||
	{ echo "hostside bench: missing $H, $VNODE or $B/vinit (make; make helpers)"; exit 1; }

W=$(mktemp -d /tmp/vnode-hbench.XXXXXX)
TAG=hb$$
BR=$(printf '%.15s' "${TAG}br")
ONE=${TAG}a      # the vnode of the boot table
ONEP=${TAG}p     # the same, PRIVILEGED=yes
DIRV=${TAG}d     # the same root as a directory, no network
DIRB=${TAG}b     # the same root as a directory, one bridged veth
IMG=$W/img.ext4
export VNODE_HOME=$W/home

cleanup() {
	trap '' INT TERM HUP
	for n in "$ONE" "$ONEP" "$DIRV" "$DIRB"; do "$VNODE" kill "$n" >/dev/null 2>&1; done
	command -v lxc-stop >/dev/null 2>&1 && lxc-stop -P "$W/lxcpath" -n "$TAG" -k >/dev/null 2>&1
	mountpoint -q "$W/mnt" 2>/dev/null && umount "$W/mnt"
	for l in $(losetup -j "$IMG" -O NAME -n 2>/dev/null); do losetup -d "$l"; done
	ip link show "$BR" >/dev/null 2>&1 && ip link del "$BR"
	for n in "$ONE" "$ONEP" "$DIRV" "$DIRB"; do
		rm -f "/var/log/vnode/$n.log" "/var/log/vnode/$n.log.old"
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
die() { echo "hostside bench: $*"; exit 1; }

# ---- peers ---------------------------------------------------------------------------
missing=""
for p in systemd-container lxc; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
apt_note=""
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive timeout 120 apt-get install -y -q --no-install-recommends $missing \
		>"$W/apt.log" 2>&1 || apt_note="apt-get install$missing failed: $(tail -1 "$W/apt.log")"
fi

# ---- the image and the bridge --------------------------------------------------------
stage() { # DIR RC: a busybox + vinit root whose /etc/rc is RC and that has no rc.shutdown
	sh images/mkimage.sh --dir --no-service "$1" >"$W/mkimage.log" 2>&1 ||
		die "images/mkimage.sh --dir failed: $(tail -1 "$W/mkimage.log")"
	printf '#!/bin/sh\n%s\n' "$2" >"$1/etc/rc"
	rm -f "$1/etc/rc.shutdown"
}
stage "$W/stage" poweroff
truncate -s 32M "$IMG" && mkfs.ext4 -q -F -d "$W/stage" "$IMG" || die "mkfs.ext4 -d failed"
ip link add "$BR" type bridge && ip link set "$BR" up || die "cannot make bridge $BR"

mkdir -p "$VNODE_HOME/$ONE" "$VNODE_HOME/$ONEP" "$VNODE_HOME/$DIRV" "$VNODE_HOME/$DIRB"
printf 'DISKS=( vda:0:%s )\nBRIDGES=( %s: )\n' "$IMG" "$BR" >"$VNODE_HOME/$ONE/config"
printf 'DISKS=( vda:0:%s )\nBRIDGES=( %s: )\nPRIVILEGED=yes\n' "$IMG" "$BR" >"$VNODE_HOME/$ONEP/config"
printf 'NETWORK=none\n' >"$VNODE_HOME/$DIRV/config"
printf 'BRIDGES=( %s: )\n' "$BR" >"$VNODE_HOME/$DIRB/config"
cp -a "$W/stage" "$VNODE_HOME/$DIRV/root"
cp -a "$W/stage" "$VNODE_HOME/$DIRB/root"

# ---- boot to exit --------------------------------------------------------------------
# time_it KEY [-q] CMD...: "median min max" ms in $W/KEY, or the reason in $W/KEY.na;
# -q: settled runs (each starts once the bench bridge has no ports left)
time_it() {
	k=$1
	shift
	settle=""
	[ "$1" = -q ] && { settle="-q $BR"; shift; }
	# shellcheck disable=SC2086 # settle is empty or two words
	"$H" -n "$N" $settle -o "$W/$k.log" "$@" >"$W/$k" 2>"$W/$k.err" ||
		{ echo "$(tail -1 "$W/$k.err"); $(tail -1 "$W/$k.log")" >"$W/$k.na"; rm -f "$W/$k"; }
}
time_it vnode "$VNODE" boot -f "$ONE"
time_it vnode_q -q "$VNODE" boot -f "$ONE"
time_it vnodep "$VNODE" boot -f "$ONEP"
time_it vnodedirb -q "$VNODE" boot -f "$DIRB"
time_it vnodedir "$VNODE" boot -f "$DIRV"

if [ -n "$apt_note" ] && ! command -v systemd-nspawn >/dev/null 2>&1; then
	echo "$apt_note" | tee "$W/nspawn-q.na" "$W/nspawnu.na" >"$W/nspawn.na"
elif ! command -v systemd-nspawn >/dev/null 2>&1; then
	echo "systemd-nspawn not installed" | tee "$W/nspawn-q.na" "$W/nspawnu.na" >"$W/nspawn.na"
else
	mkdir -p "$W/mnt"
	if mount -o loop "$IMG" "$W/mnt" 2>"$W/mnt.err"; then
		for m in "" -q; do
			time_it "nspawn$m" $m systemd-nspawn --register=no --keep-unit -q -M "$TAG" \
				-D "$W/mnt" --boot --network-bridge="$BR"
		done
		time_it nspawnu systemd-nspawn --register=no --keep-unit -q -M "$TAG" -U \
			--private-users-ownership=map -D "$W/mnt" --boot --network-bridge="$BR"
		umount "$W/mnt"
	else
		echo "loop mount of the image failed: $(cat "$W/mnt.err")" |
			tee "$W/nspawn-q.na" "$W/nspawnu.na" >"$W/nspawn.na"
	fi
fi

if ! command -v lxc-start >/dev/null 2>&1; then
	echo "${apt_note:-lxc-start not installed}" | tee "$W/lxc-q.na" >"$W/lxc.na"
else
	mkdir -p "$W/lxcpath"
	cat >"$W/lxc.conf" <<EOC
lxc.uts.name = $TAG
lxc.rootfs.path = loop:$IMG
lxc.init.cmd = /sbin/vinit
lxc.net.0.type = veth
lxc.net.0.link = $BR
lxc.net.0.flags = up
lxc.apparmor.profile = unconfined
lxc.mount.auto = proc:rw sys:ro
lxc.console.path = none
lxc.tty.max = 0
EOC
	for m in "" -q; do
		time_it "lxc$m" $m lxc-start -F -P "$W/lxcpath" -n "$TAG" -f "$W/lxc.conf"
	done
fi

# The kernel's word for "the init of a pid namespace powered off" is SIGINT (see -i).
"$H" -i -n "$N" -o "$W/unshare.log" unshare --fork --pid --mount-proc chroot "$W/stage" \
	/sbin/vinit --rc poweroff >"$W/unshare" 2>"$W/unshare.err" ||
	{ tail -1 "$W/unshare.err" >"$W/unshare.na"; rm -f "$W/unshare"; }

base=$(awk '{print $1}' "$W/vnode" 2>/dev/null)
printf '\nhostside bench: boot to exit of one image (rc: poweroff), %s runs, milliseconds\n' "$N"
printf '  %-56s %8s %8s %8s %8s\n' launcher median min max "x vnode"
row() { # LABEL KEY
	if [ -f "$W/$2" ]; then
		read -r med min max <"$W/$2"
		printf '  %-56s %8s %8s %8s %8s\n' "$1" "$med" "$min" "$max" \
			"$(awk -v a="$med" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
	else
		printf '  %-56s n/a (%s)\n' "$1" "$(cat "$W/$2.na" 2>/dev/null)"
	fi
}
row "vnode boot -f, disk image, 1 bridged veth (base)" vnode
row "  the same, settled" vnode_q
row "  the same, PRIVILEGED=yes" vnodep
row "vnode boot -f, root dir, 1 bridged veth, settled" vnodedirb
row "vnode boot -f, root dir, NETWORK=none" vnodedir
row "systemd-nspawn -U --private-users-ownership=map, the same" nspawnu
row "systemd-nspawn --boot --network-bridge (loop-mounted dir)" nspawn
row "  the same, settled" nspawn-q
row "lxc-start -F, rootfs loop:IMG, veth + bridge" lxc
row "  the same, settled" lxc-q
row "unshare --fork --pid --mount-proc chroot DIR vinit" unshare
if [ -f "$W/vnode" ] && [ -f "$W/vnodep" ]; then
	read -r dm _ <"$W/vnode"
	read -r pm _ <"$W/vnodep"
	awk -v d="$dm" -v p="$pm" 'BEGIN { printf "  %-56s %8.2f ms (default minus PRIVILEGED=yes, medians)\n", "user namespace + idmapped mounts + seccomp", d - p }'
fi
printf '\nhostside bench: where vnode boot -f of the image waits, off CPU in the kernel, %s runs\n' "$N"
sh bench/lib/offcpu.sh "$N" 8 "$VNODE" boot -f "$ONE"

# ---- verdicts --------------------------------------------------------------------------
verdict() { # WHAT VALUE LIMIT UNIT
	if [ -z "$2" ] || [ "$2" = n/a ]; then
		echo "target: $1 < $3 $4: not met (no figure)"
	elif awk -v a="$2" -v b="$3" 'BEGIN { exit !(a < b) }'; then
		echo "target: $1 < $3 $4: met ($2 $4)"
	else
		echo "target: $1 < $3 $4: not met ($2 $4)"
	fi
}
echo
verdict "vnode boot -f median, image with a bridged veth, back to back" "$base" 10 ms
verdict "vnode boot -f median, image with a bridged veth, settled" "$(awk '{print $1}' "$W/vnode_q" 2>/dev/null)" 10 ms
verdict "the default (user namespace) vnode, image + bridged veth, median, at most" "$base" 12.01 ms
nsu=$(awk '{print $1}' "$W/nspawnu" 2>/dev/null)
verdict "nspawn -U's median over vnode's, at least 5: 1 over it" \
	"$(awk -v a="$base" -v b="${nsu:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')" 0.2001 "(ratio)"
exit 0
