#!/bin/sh
# DISKS end to end through the launcher: each disk node reaches exactly its partition
# for the vnode's whole life (also after the next vnode's boot, and with the monitor
# SIGKILLed), the image's fstab mounts /data and what is written there survives a
# reboot, a blank extra partition can be formatted inside, hostile images are refused
# with one line, and nothing is left attached or mounted afterwards.
. "$(dirname "$0")/lib.sh"
export VNODE_HOME=$T/home PATH="/usr/sbin:/sbin:$PATH"
V=$B/vnode
mkdir -p "$VNODE_HOME"
at_exit 'for d in "$VNODE_HOME"/*/; do "$V" kill "$(basename "$d")" >/dev/null 2>&1; done'

# A wait (2 s at most) until only N loop devices of this test (our_loops, lib.sh)
# are left: autoclear releases a device just after its namespace dies, with no event.
released() {
	i=0
	while [ "$(our_loops | wc -l)" != "${1:-0}" ] || grep -q " $T/" /proc/self/mountinfo; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.01
	done
}
at_exit 'for l in $(our_loops); do losetup -d /dev/${l##*/} 2>/dev/null; done'

# The ext4 UUID as hex, read from a block node inside (offset 1024 + 104 of the fs) or
# from an image at a byte offset on the host.
UUID_IN='dd if="$1" bs=1 skip=1128 count=16 2>/dev/null | od -An -tx1 | tr -d " \n"'
uuid_inside() { "$V" exec "$1" sh -c "$UUID_IN" - "$2"; }
uuid_at() { dd if="$1" bs=1 skip=$(($2 + 1128)) count=16 2>/dev/null | od -An -tx1 | tr -d ' \n'; }
# (none_exist, from lib.sh: /run/netns/NAME is a symlink, so a dangling one counts too.)
off() { sfdisk -d "$1" | sed -n "s|^$1$2 : start= *\([0-9]*\),.*|\1|p"; }

mkimg() { sh "$TOP/images/mkimage.sh" --no-service --hostname "$1" "$T/$1.raw" >/dev/null; }
mkimg one && mkimg two || { fail images_built "mkimage failed"; finish; }
new_vnode() { # NAME DISKS...
	n=$1; shift
	mkdir -p "$VNODE_HOME/$n"
	printf 'DISKS=( %s )\nNETWORK=none\n' "$*" >"$VNODE_HOME/$n/config"
}
new_vnode one "vda:1:$T/one.raw" "vdb:2:$T/one.raw"
new_vnode two "vda:1:$T/two.raw" "vdb:2:$T/two.raw"
ONE_ROOT=$(uuid_at "$T/one.raw" $(($(off "$T/one.raw" 1) * 512)))
ONE_DATA=$(uuid_at "$T/one.raw" $(($(off "$T/one.raw" 2) * 512)))
TWO_ROOT=$(uuid_at "$T/two.raw" $(($(off "$T/two.raw" 1) * 512)))
TWO_DATA=$(uuid_at "$T/two.raw" $(($(off "$T/two.raw" 2) * 512)))
printf '%s\n' "$ONE_ROOT" "$ONE_DATA" "$TWO_ROOT" "$TWO_DATA" | grep '^[0-9a-f]\{32\}$' | sort -u >"$T/all"
check images_have_four_distinct_uuids [ "$(wc -l <"$T/all")" = 4 ]

# --- /data from the image's own fstab, and kept across halt and boot -----------------------
"$V" boot one >/dev/null
check data_disk_boots [ $? = 0 ]
check data_mounted_from_fstab "$V" exec one sh -c 'grep -q "^/dev/loop[0-9]* /data ext4 rw,nodev,.*errors=remount-ro" /proc/mounts'
check data_mount_is_read_write "$V" exec one sh -c 'echo first-boot >/data/marker'
check both_disks_stay_attached_while_running [ "$(our_loops | wc -l)" = 2 ]
# vinit holds it on fd 4, close-on-exec (O_CLOEXEC is octal 02000000 in fdinfo's flags).
init=$(sed -n 's/^init=//p' /run/vnode/one.state)
check init_holds_the_data_disk_on_fd_4 [ -b "/proc/$init/fd/4" ]
cloexec_digit=$(sed -n 's/^flags:[^0-9]*[0-7]*\([0-7]\)[0-7]\{6\}$/\1/p' "/proc/$init/fdinfo/4")
check init_keeps_it_from_its_children [ $((${cloexec_digit:-0} & 2)) = 2 ]
"$V" halt one >/dev/null
check data_disk_released_after_halt released
"$V" boot one >/dev/null
check data_survives_halt_and_boot [ "$("$V" exec one cat /data/marker)" = first-boot ]

# --- a node never reaches the next vnode's disk --------------------------------------------
"$V" boot two >/dev/null
check second_vnode_boots [ $? = 0 ]
for n in one two; do
	for node in $("$V" exec "$n" sh -c 'for f in /dev/*; do [ -b "$f" ] && echo "$f"; done'); do
		echo "$n $node $(uuid_inside "$n" "$node")"
	done
done >"$T/uuids"
sed 's/^/#   /' "$T/uuids"
check every_block_node_was_read [ "$(wc -l <"$T/uuids")" = 4 ]
check one_vda1_is_ones_root grep -q "^one /dev/vda1 $ONE_ROOT\$" "$T/uuids"
check one_vdb2_is_ones_data grep -q "^one /dev/vdb2 $ONE_DATA\$" "$T/uuids"
check one_reaches_nothing_of_two sh -c '! grep "^one " "$1" | grep -q -e "$2" -e "$3"' - "$T/uuids" "$TWO_ROOT" "$TWO_DATA"
check two_vdb2_is_twos_data grep -q "^two /dev/vdb2 $TWO_DATA\$" "$T/uuids"

# --- the monitor SIGKILLed: the init still holds the data disk ------------------------------
mon=$(cat /run/vnode/one.pid)
init=$(sed -n 's/^init=//p' /run/vnode/one.state)
kill -9 "$mon"
gone "$mon"
check data_disk_held_without_monitor [ "$(our_loops | wc -l)" = 4 ]
check data_node_still_ones_after_monitor_killed [ "$(uuid_inside one /dev/vdb2)" = "$ONE_DATA" ]
kill -9 "$init"
gone "$init"
"$V" kill two >/dev/null
check everything_sigkilled_releases_all_disks released
# Once the orphaned init is reaped (by the machine's init: no event reaches us, so poll,
# 2 s at most), halt finds nothing running and must still reclaim the netns name.
i=0
while [ -e "/proc/$init" ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.01; done
"$V" halt one >/dev/null
check halt_after_sigkill_reclaims_the_netns_name none_exist /run/netns/one /run/vnode/one.state

# --- the file checked is the file attached: a HOOK swaps the image path after the check --------
cp "$T/two.raw" "$T/swap.raw" && cp "$T/one.raw" "$T/swapped-in.raw"
new_vnode swap "vda:1:$T/swap.raw" "vdb:2:$T/swap.raw"
printf '#!/bin/sh\n[ "$2" = booting ] && mv "%s" "%s"\nexit 0\n' "$T/swapped-in.raw" "$T/swap.raw" >"$T/swaphook"
chmod +x "$T/swaphook" && echo "HOOK=$T/swaphook" >>"$VNODE_HOME/swap/config"
"$V" boot swap >/dev/null
check hook_swapped_the_path [ ! -e "$T/swapped-in.raw" ]
check checked_root_is_attached_not_the_swapped_path [ "$(uuid_inside swap /dev/vda1)" = "$TWO_ROOT" ]
check checked_data_is_attached_not_the_swapped_path [ "$(uuid_inside swap /dev/vdb2)" = "$TWO_DATA" ]
"$V" kill swap >/dev/null
check swap_released released

# --- a blank extra partition: a node, formatted inside; mounted inside only when privileged ---
# (root in a user namespace may not mount a disk filesystem: the image's fstab is how)
truncate -s 12M "$T/blank.raw" && printf 'label: gpt\n,8M\n' | sfdisk -q "$T/blank.raw"
new_vnode blank "vda:1:$T/one.raw" "vdb:2:$T/one.raw" "vdc:1:$T/blank.raw"
"$V" boot blank >"$T/out" 2>&1
check blank_partition_accepted [ $? = 0 ]
check blank_partition_is_a_node "$V" exec blank test -b /dev/vdc1
check blank_partition_formatted_inside "$V" exec blank mke2fs -q /dev/vdc1
MOUNT='mkdir -p /mnt/c && mount /dev/vdc1 /mnt/c && echo x >/mnt/c/f && umount /mnt/c'
check blank_partition_not_mountable_unprivileged sh -c '! "$1" exec blank sh -c "$2" 2>/dev/null' - "$V" "$MOUNT"
"$V" halt blank >/dev/null
echo PRIVILEGED=yes >>"$VNODE_HOME/blank/config"
"$V" boot blank >/dev/null
check blank_partition_mounted_inside_privileged "$V" exec blank sh -c "$MOUNT"
"$V" halt blank >/dev/null
check blank_partition_has_a_filesystem_afterwards sh -c 'blkid -p -O $((2048 * 512)) "$1" | grep -q ext2' - "$T/blank.raw"
check blank_released released

# --- hostile images: one line naming the image and the entry, exit 2, nothing left --------
bad() { # NAME EXPECTED VNODE
	"$V" boot "$3" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc != 2 ]; then fail "bad_$1" "exit $rc, want 2: $(cat "$T/err")"
	elif [ "$(wc -l <"$T/err")" != 1 ]; then fail "bad_$1" "not one line: $(cat "$T/err")"
	elif ! grep -qF -- "$2" "$T/err"; then fail "bad_$1" "want '$2' in: $(cat "$T/err")"
	elif ! released; then fail "bad_$1" "left attached: $(our_loops)"
	elif [ -e "/run/vnode/$3.pid" ] || [ -e "/run/vnode/$3.state" ]; then fail "bad_$1" "runtime files left"
	else pass "bad_$1"; echo "#   $(cat "$T/err")"; fi
}
# MBR, two entries; the image then cut short, so entry 2 runs past its end.
truncate -s 16M "$T/short.raw" && printf 'label: dos\nstart=2048,size=8192\nstart=10240,size=8192\n' | sfdisk -q "$T/short.raw"
mkfs.ext4 -q -F -E offset=$((2048 * 512)) "$T/short.raw" 4M
truncate -s 8M "$T/short.raw"
new_vnode short "vda:1:$T/short.raw"
bad entry_beyond_end "short.raw: partition table: entry 2 (bytes 5242880..9437184) ends beyond the image (8388608 bytes)" short
# Entry 2 moved to start inside entry 1 (sfdisk will not write that: patch the MBR).
cp "$T/short.raw" "$T/overlap.raw" && truncate -s 16M "$T/overlap.raw"
printf '\000\020\000\000' | dd of="$T/overlap.raw" bs=1 seek=470 conv=notrunc 2>/dev/null
new_vnode overlap "vda:1:$T/overlap.raw"
bad overlapping_entries "overlap.raw: partition table: entry 2 (bytes 2097152..6291456) overlaps entry 1" overlap
# NAME.img whose root/ is a symlink to the host's /: refused, and vnode kill clears nothing
# through it (here it points at a decoy instead, which must keep its file).
mkdir -p "$T/evil/work" "$T/decoy" "$VNODE_HOME/evil" && ln -s / "$T/evil/root" && echo keep >"$T/decoy/file"
truncate -s 8M "$VNODE_HOME/evil/evil.img" && mkfs.ext4 -q -F -d "$T/evil" "$VNODE_HOME/evil/evil.img"
echo "NETWORK=none" >"$VNODE_HOME/evil/config"
bad img_root_symlink_out "evil.img: root/: a symlink out of the image" evil
rm "$T/evil/root" && ln -s "$T/decoy" "$T/evil/root"
mkfs.ext4 -q -F -d "$T/evil" "$VNODE_HOME/evil/evil.img"
"$V" kill evil >/dev/null 2>&1
check img_kill_does_not_follow_root_symlink [ "$(cat "$T/decoy/file")" = keep ]
# The image's fstab asks for errors=panic on its data disk.
cp "$T/one.raw" "$T/panic.raw"
ROOT_OFF=$(($(off "$T/panic.raw" 1) * 512))
printf '/dev/vdb2 /data ext4 errors=panic 0 2\n' >"$T/fstab"
debugfs -w -R "write $T/fstab /etc/fstab.new" "$T/panic.raw?offset=$ROOT_OFF" >/dev/null 2>&1
debugfs -w -f - "$T/panic.raw?offset=$ROOT_OFF" >/dev/null 2>&1 <<'EOF2'
rm /etc/fstab
ln /etc/fstab.new /etc/fstab
unlink /etc/fstab.new
EOF2
new_vnode panic "vda:1:$T/panic.raw" "vdb:2:$T/panic.raw"
bad fstab_errors_panic "the image's /etc/fstab: line 1: option errors=panic would let this disk panic the host" panic
finish
