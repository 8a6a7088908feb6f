#!/bin/sh
# mkimage.sh: build a bootable vnode disk image (or only its root directory) from the
# Debian packages on this machine: busybox-static, vinit as /sbin/init, the rc scripts of rc/.
#
#   images/mkimage.sh [--gpt|--mbr] [--size MiB] [--data MiB] [--hostname H] [--seed S]
#                     [--net IFACE:CIDR[:GATEWAY]]... [--service NAME]... [--no-service] OUT.raw
#   images/mkimage.sh --dir [--hostname H] [--net ...] [--service NAME]... OUTDIR
#
# The image: partition 1 = ext4 root (--size, default 32 MiB), partition 2 = empty ext4 data
# (--data, default 8 MiB, 0 for none; fstab mounts it at /data from /dev/vdb2, nofail), made
# with sfdisk on a plain file and mkfs.ext4 -d at each partition's offset: nothing is mounted,
# no loop device is used. Boot it with DISKS=(vda:1:OUT.raw vdb:2:OUT.raw).
# Services are images/services/NN-NAME (default: httpd). --net writes /etc/network/ifaces.
#
# Reproducible: the same arguments and inputs give a byte-identical image. Times are
# SOURCE_DATE_EPOCH (default 2024-01-01), UUIDs, the disk id and the ext4 hash seed are
# derived from --seed (default: the hostname).
# Environment: VINIT (default build/vinit), BUSYBOX (default /bin/busybox), SOURCE_DATE_EPOCH.
# Exit status: 0 built, 1 a step failed, 2 usage error or missing input.
set -eu
umask 022
LC_ALL=C
export LC_ALL
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
VINIT=${VINIT:-$TOP/build/vinit}
BUSYBOX=${BUSYBOX:-/bin/busybox}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
PATH=$PATH:/sbin:/usr/sbin

label=gpt root_mib=32 data_mib=8 host=vnode seed="" dir_only=0
nets="" services="" default_services=httpd out=""

usage() {
	sed -n '4,6p' "$0" | sed 's/^# *//' >&2
	exit 2
}
die() { echo "mkimage: $*" >&2; exit 1; }
bad() { echo "mkimage: $*" >&2; exit 2; }

is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; esac; }

while [ $# -gt 0 ]; do
	case "$1" in
	--gpt) label=gpt ;;
	--mbr) label=dos ;;
	--dir) dir_only=1 ;;
	--size) root_mib=${2-}; shift ;;
	--data) data_mib=${2-}; shift ;;
	--hostname) host=${2-}; shift ;;
	--seed) seed=${2-}; shift ;;
	--net) nets="$nets ${2-}"; shift ;;
	--service) services="$services ${2-}"; default_services=""; shift ;;
	--no-service) default_services="" ;;
	-h | --help) usage ;;
	-*) bad "unknown option $1" ;;
	*) [ -z "$out" ] || usage; out=$1 ;;
	esac
	shift || usage
done
[ -n "$out" ] || usage
is_uint "$root_mib" && [ "$root_mib" -ge 8 ] || bad "--size: want MiB >= 8, got '$root_mib'"
is_uint "$data_mib" || bad "--data: want MiB (0 for none), got '$data_mib'"
is_uint "$SOURCE_DATE_EPOCH" || bad "SOURCE_DATE_EPOCH: not a number: '$SOURCE_DATE_EPOCH'"
case "$host" in '' | *[!A-Za-z0-9.-]*) bad "--hostname: not a host name: '$host'" ;; esac
services="$services $default_services"
seed=${seed:-$host}
[ -x "$VINIT" ] || bad "vinit: $VINIT is missing (make build/vinit, or set VINIT=)"
[ -x "$BUSYBOX" ] || bad "busybox: $BUSYBOX is missing (apt-get install busybox-static)"

# uuid NAME: a UUID (version 4 layout) that depends only on the seed and NAME.
uuid() {
	printf 'vnode-image:%s:%s' "$seed" "$1" | sha256sum |
		sed 's/^\(.\{8\}\)\(.\{4\}\).\(.\{3\}\).\(.\{3\}\)\(.\{12\}\).*/\1-\2-4\3-8\4-\5/'
}

# ifaces_lines: /etc/network/ifaces lines from the --net arguments IFACE:CIDR[:GATEWAY].
ifaces_lines() {
	for n in $nets; do
		IFS=: read -r ifc cidr gw <<EOF
$n
EOF
		case "$ifc:$cidr" in *[!A-Za-z0-9._/:-]* | :* | *:) bad "--net: want IFACE:CIDR[:GATEWAY], got '$n'" ;; esac
		echo "iface $ifc addr $cidr${gw:+ gw $gw}"
	done
}

# stage_root DIR: fill DIR with the root filesystem.
stage_root() {
	r=$1
	mkdir -p "$r"
	for d in bin sbin etc/rc.d etc/network etc/default usr/bin usr/sbin var/www var/log \
		proc sys dev run tmp root mnt data; do
		mkdir -p "$r/$d"
	done
	chmod 1777 "$r/tmp"
	chmod 700 "$r/root"
	cp "$BUSYBOX" "$r/bin/busybox"
	# a link per applet, in one process where perl is (Debian's perl-base is essential):
	# an ln for each is 400 execs, minutes under emulation
	if command -v perl >/dev/null 2>&1; then
		perl -e '$d = shift; -e "$d/$_" or symlink("busybox", "$d/$_") or die "$d/$_: $!\n" for @ARGV' \
			"$r/bin" $("$BUSYBOX" --list) || return 1
	else
		for a in $("$BUSYBOX" --list); do
			[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
		done
	fi
	for a in halt poweroff reboot; do ln -sf ../bin/busybox "$r/sbin/$a"; done
	cp "$VINIT" "$r/sbin/vinit"
	chmod 755 "$r/sbin/vinit"
	ln -sf vinit "$r/sbin/init"
	install -m 755 "$TOP/rc/rc" "$r/etc/rc"
	install -m 755 "$TOP/rc/rc.shutdown" "$r/etc/rc.shutdown"
	for s in $services; do
		f=$(ls "$HERE/services/"[0-9]*-"$s" 2>/dev/null | head -n 1)
		[ -n "$f" ] || bad "--service: no images/services/NN-$s"
		install -m 755 "$f" "$r/etc/rc.d/${f##*/}"
	done
	echo "$host" >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$host" >"$r/etc/hosts"
	{
		echo "# iface NAME [addr CIDR]... [gw ADDRESS] [mtu N]  (see /etc/rc)"
		ifaces_lines
	} >"$r/etc/network/ifaces"
	{
		echo "# device  dir    type   options                  dump pass"
		echo "/dev/vda1 /      ext4   defaults                 0 1"
		echo "proc      /proc  proc   nosuid,nodev,noexec      0 0"
		echo "tmpfs     /tmp   tmpfs  nosuid,nodev,mode=1777   0 0"
		[ "$data_mib" = 0 ] || echo "/dev/vdb2 /data  ext4   defaults,nofail          0 2"
	} >"$r/etc/fstab"
	echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
	echo "www-data:x:33:33:www-data:/var/www:/bin/false" >>"$r/etc/passwd"
	printf 'root:x:0:\nwww-data:x:33:\n' >"$r/etc/group"
	printf 'root:*:19723:0:99999:7:::\n' >"$r/etc/shadow"
	chmod 600 "$r/etc/shadow"
	printf 'NAME="vnode busybox"\nID=vnode\nPRETTY_NAME="vnode busybox image"\n' >"$r/etc/os-release"
	printf '<html><body><h1>%s</h1><p>served by busybox httpd in a vnode</p></body></html>\n' \
		"$host" >"$r/var/www/index.html"
	# Clamp every time, so that the image depends on the inputs and not on when it was made.
	find "$r" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

if [ "$dir_only" = 1 ]; then
	[ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || bad "--dir: $out exists and is not empty"
	stage_root "$out"
	exit 0
fi

# ---- the image -----------------------------------------------------------------------
# Partitions start on 1 MiB boundaries; GPT keeps its backup header in a last spare MiB.
MIB=1048576
SECT=512
root_start=2048
root_sects=$((root_mib * 2048))
data_start=$((root_start + root_sects))
data_sects=$((data_mib * 2048))
tail_mib=0
[ "$label" = gpt ] && tail_mib=1
total_mib=$((1 + root_mib + data_mib + tail_mib))

# e2fsprogs 1.47 takes superblock and inode times from E2FSPROGS_FAKE_TIME, but copies
# ctime from the staged files, which no tool can set; debugfs resets it afterwards.
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
export E2FSPROGS_FAKE_TIME

work=$(mktemp -d "${TMPDIR:-/tmp}/mkimage.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
stage_root "$work/root"
tmp_img="$out.tmp.$$"
trap 'rm -rf "$work" "$tmp_img"' EXIT

# sfdisk_script: the partition table, with a fixed disk id and partition UUIDs.
sfdisk_script() {
	echo "label: $label"
	if [ "$label" = gpt ]; then
		echo "label-id: $(uuid disk)"
		echo "first-lba: 2048"
		t=0FC63DAF-8483-4772-8E79-3D69D8477DE4
		echo "start=$root_start, size=$root_sects, type=$t, uuid=$(uuid part-root), name=root"
		[ "$data_mib" = 0 ] ||
			echo "start=$data_start, size=$data_sects, type=$t, uuid=$(uuid part-data), name=data"
	else
		echo "label-id: 0x$(uuid disk | cut -c1-8)"
		echo "start=$root_start, size=$root_sects, type=83"
		[ "$data_mib" = 0 ] || echo "start=$data_start, size=$data_sects, type=83"
	fi
}

# fs_times_script STAGEDIR: debugfs commands setting every inode's times to SOURCE_DATE_EPOCH.
fs_times_script() {
	(cd "$1" && find . && echo ./lost+found) | sed 's|^\.||; s|^$|/|' | while IFS= read -r p; do
		for f in atime mtime ctime crtime; do
			echo "sif \"$p\" $f @$SOURCE_DATE_EPOCH"
		done
		# A builder that is not root staged files it owns; the image's files are root's.
		if [ "$(id -u)" != 0 ]; then
			echo "sif \"$p\" uid 0"
			echo "sif \"$p\" gid 0"
		fi
	done
}

# mkfs_at START SECTS LABEL STAGEDIR|-: an ext4 filesystem inside the image at START.
mkfs_at() {
	off=$(($1 * SECT))
	set -- "$@" "$(uuid "fs-$3")" "$(uuid "hash-$3")"
	populate=""
	[ "$4" = - ] || populate="-d $4"
	# shellcheck disable=SC2086 # populate is empty or two words
	mke2fs -q -F -t ext4 -I 256 -L "$3" -U "$5" $populate \
		-E "offset=$off,hash_seed=$6,root_owner=0:0,nodiscard" "$tmp_img" "$(($2 / 2))k" ||
		die "$3: mke2fs at offset $off failed"
	if [ "$4" = - ]; then
		mkdir "$work/empty"
		fs_times_script "$work/empty" >"$work/times"
		rmdir "$work/empty"
	else
		fs_times_script "$4" >"$work/times"
	fi
	debugfs -w -f "$work/times" "$tmp_img?offset=$off" >"$work/debugfs.log" 2>&1 ||
		die "$3: debugfs (setting times) failed: $(tail -n 3 "$work/debugfs.log")"
	! grep -q -e '^sif:' -e 'not found' "$work/debugfs.log" ||
		die "$3: debugfs: $(grep -m 1 -e '^sif:' -e 'not found' "$work/debugfs.log")"
}

rm -f "$tmp_img"
truncate -s "$((total_mib * MIB))" "$tmp_img"
sfdisk_script | sfdisk -q --no-reread --no-tell-kernel "$tmp_img" >"$work/sfdisk.log" 2>&1 ||
	die "sfdisk failed: $(cat "$work/sfdisk.log")"
mkfs_at "$root_start" "$root_sects" root "$work/root"
[ "$data_mib" = 0 ] || mkfs_at "$data_start" "$data_sects" data -
mv -f "$tmp_img" "$out"
