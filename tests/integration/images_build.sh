#!/bin/sh
# images/mkimage.sh: the partition table (sfdisk -d), the filesystems (e2fsck, dumpe2fs,
# debugfs on the image at each partition's offset), the contents, reproducibility (cmp of two
# builds), --dir, and the usage errors. Nothing is mounted; no vinit is needed (a placeholder
# stands in when build/vinit is not built).
. "$(dirname "$0")/lib.sh"
MK="$TOP/images/mkimage.sh"
VINIT=${VINIT:-$B/vinit}
if [ ! -x "$VINIT" ]; then
	printf '#!/bin/sh\necho placeholder vinit\n' >"$T/vinit" && chmod 755 "$T/vinit"
	VINIT=$T/vinit
fi
export VINIT
ROOT_OFF=$((2048 * 512))
DATA_OFF=$(((2048 + 32 * 2048) * 512))

# dbg IMG OFFSET CMD: run one debugfs command on the filesystem at OFFSET.
dbg() { debugfs -R "$3" "$1?offset=$2" 2>/dev/null; }
# dgrep IMG OFFSET CMD PATTERN: whether the output of a debugfs command matches PATTERN.
dgrep() { dbg "$1" "$2" "$3" | grep -q -e "$4"; }
not() { ! "$@"; }
fs_clean() { e2fsck -fn "$1?offset=$2" >/dev/null 2>&1; }
# part N IMG: partition N's line of sfdisk -d.
part() { sfdisk -d "$2" 2>/dev/null | grep "^$2$1 :"; }

t0=$(date +%s%N)
sh "$MK" --gpt --hostname alpha --net eth0:10.1.0.2/24:10.1.0.1 "$T/a.raw" >"$T/a.log" 2>&1
rc=$?
t1=$(date +%s%N)
check images_gpt_build_exits_0 [ "$rc" = 0 ]
[ "$rc" = 0 ] || { sed 's/^/    /' "$T/a.log"; finish; }
echo "# gpt image built in $(((t1 - t0) / 1000000)) ms, $(du -k "$T/a.raw" | cut -f1) KiB used of $(($(stat -c %s "$T/a.raw") / 1024)) KiB"
A=$T/a.raw

# -- partition table
L=$(sfdisk -d "$A" 2>/dev/null)
check images_gpt_label_is_gpt sh -c "echo '$L' | grep -q '^label: gpt'"
part 1 "$A" | grep -q 'start= *2048, size= *65536, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4,.*name="root"' &&
	pass images_gpt_root_is_partition_1_at_1MiB || fail images_gpt_root_is_partition_1_at_1MiB "$(part 1 "$A")"
part 2 "$A" | grep -q 'start= *67584, size= *16384, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4,.*name="data"' &&
	pass images_gpt_data_is_partition_2_8MiB || fail images_gpt_data_is_partition_2_8MiB "$(part 2 "$A")"
check images_gpt_has_two_partitions [ "$(echo "$L" | grep -c '^/.* : start=')" = 2 ]
check images_gpt_image_size_is_parts_plus_2MiB [ "$(stat -c %s "$A")" = $(((1 + 32 + 8 + 1) * 1048576)) ]

# -- root filesystem
check images_root_fs_is_clean fs_clean "$A" "$ROOT_OFF"
check images_root_fs_label_is_root sh -c "dumpe2fs -h '$A?offset=$ROOT_OFF' 2>/dev/null | grep -q 'volume name: *root$'"
check images_root_fs_is_ext4_with_extents sh -c "dumpe2fs -h '$A?offset=$ROOT_OFF' 2>/dev/null | grep -q 'features:.*extent'"
dbg "$A" "$ROOT_OFF" "dump /sbin/vinit $T/vinit.out" >/dev/null
check images_root_has_vinit_as_sbin_vinit cmp -s "$T/vinit.out" "$VINIT"
check images_root_sbin_init_links_to_vinit [ "$(dbg "$A" "$ROOT_OFF" 'stat /sbin/init' | sed -n 's/^Fast link dest: "\(.*\)"/\1/p')" = vinit ]
dbg "$A" "$ROOT_OFF" "dump /bin/busybox $T/busybox.out" >/dev/null
check images_root_has_busybox_static cmp -s "$T/busybox.out" /bin/busybox
check images_root_has_busybox_applet_links [ "$(dbg "$A" "$ROOT_OFF" 'ls /bin' | tr -s ' ' '\n' | grep -c .)" -gt 300 ]
check images_root_bin_sh_is_busybox [ "$(dbg "$A" "$ROOT_OFF" 'stat /bin/sh' | sed -n 's/^Fast link dest: "\(.*\)"/\1/p')" = busybox ]
dbg "$A" "$ROOT_OFF" 'cat /etc/rc' >"$T/rc.out"
check images_root_etc_rc_is_rc_rc cmp -s "$T/rc.out" "$TOP/rc/rc"
dbg "$A" "$ROOT_OFF" 'cat /etc/rc.shutdown' >"$T/rcs.out"
check images_root_etc_rc_shutdown_is_rc_rc_shutdown cmp -s "$T/rcs.out" "$TOP/rc/rc.shutdown"
dgrep "$A" "$ROOT_OFF" 'ls -l /etc' '100755 .* rc$' && dgrep "$A" "$ROOT_OFF" 'ls -l /etc' '100755 .* rc.shutdown$' &&
	pass images_root_rc_scripts_are_executable || fail images_root_rc_scripts_are_executable "not mode 755"
check images_root_hostname_is_set [ "$(dbg "$A" "$ROOT_OFF" 'cat /etc/hostname')" = alpha ]
check images_root_ifaces_from_net_option dgrep "$A" "$ROOT_OFF" 'cat /etc/network/ifaces' 'iface eth0 addr 10.1.0.2/24 gw 10.1.0.1'
check images_root_fstab_mounts_data_from_vdb2 dgrep "$A" "$ROOT_OFF" 'cat /etc/fstab' '^/dev/vdb2 */data  *ext4  *defaults,nofail'
check images_root_has_httpd_service dgrep "$A" "$ROOT_OFF" 'ls -l /etc/rc.d' '100755 .* 50-httpd$'
check images_root_has_web_page dgrep "$A" "$ROOT_OFF" 'cat /var/www/index.html' '<h1>alpha</h1>'
check images_root_passwd_has_root dgrep "$A" "$ROOT_OFF" 'cat /etc/passwd' '^root:x:0:0:'
check images_root_tmp_is_sticky dgrep "$A" "$ROOT_OFF" 'ls -l /' '41777 .* tmp$'
check images_root_files_owned_by_root [ -z "$(dbg "$A" "$ROOT_OFF" 'ls -l /etc' | awk 'NF > 5 && ($4 != 0 || $5 != 0)')" ]
dgrep "$A" "$ROOT_OFF" 'stat /etc/rc' '^ ctime: 0x65920080:' && dgrep "$A" "$ROOT_OFF" 'stat /lost+found' '^crtime: 0x65920080:' &&
	pass images_root_times_are_source_date_epoch || fail images_root_times_are_source_date_epoch "$(dbg "$A" "$ROOT_OFF" 'stat /etc/rc' | grep time)"

# -- data filesystem
check images_data_fs_is_clean fs_clean "$A" "$DATA_OFF"
check images_data_fs_label_is_data sh -c "dumpe2fs -h '$A?offset=$DATA_OFF' 2>/dev/null | grep -q 'volume name: *data$'"
check images_data_fs_holds_only_lost_found [ "$(dbg "$A" "$DATA_OFF" 'ls' | tr -s ' ' '\n' | grep -v '^[0-9(]' | grep -c .)" = 3 ]

# -- reproducibility
sh "$MK" --gpt --hostname alpha --net eth0:10.1.0.2/24:10.1.0.1 "$T/b.raw" >/dev/null 2>&1
check images_two_gpt_builds_are_identical cmp -s "$A" "$T/b.raw"
SOURCE_DATE_EPOCH=1704067201 sh "$MK" --gpt --hostname alpha --net eth0:10.1.0.2/24:10.1.0.1 "$T/c.raw" >/dev/null 2>&1
check images_source_date_epoch_changes_the_image sh -c "! cmp -s '$A' '$T/c.raw'"
sh "$MK" --gpt --hostname beta "$T/d.raw" >/dev/null 2>&1
check images_other_hostname_gives_other_uuids [ "$(sfdisk -d "$A" | grep label-id)" != "$(sfdisk -d "$T/d.raw" | grep label-id)" ]
# Without root the staged files are the builder's, yet the image must be the same.
mkdir -p "$T/nobody" && chmod 711 "$T" && chmod 777 "$T/nobody"
setpriv --reuid=65534 --regid=65534 --clear-groups env TMPDIR="$T/nobody" \
	sh "$MK" --gpt --hostname alpha --net eth0:10.1.0.2/24:10.1.0.1 "$T/nobody/n.raw" >/dev/null 2>&1
check images_build_without_root_is_identical cmp -s "$A" "$T/nobody/n.raw"
rm -rf "$T/b.raw" "$T/c.raw" "$T/d.raw" "$T/nobody"

# -- MBR variant, without a data partition
sh "$MK" --mbr --data 0 --size 16 "$T/m.raw" >"$T/m.log" 2>&1
check images_mbr_build_exits_0 [ $? = 0 ]
M=$T/m.raw
check images_mbr_label_is_dos sh -c "sfdisk -d '$M' | grep -q '^label: dos'"
part 1 "$M" | grep -q 'start= *2048, size= *32768, type=83' &&
	pass images_mbr_root_is_partition_1_type_83 || fail images_mbr_root_is_partition_1_type_83 "$(part 1 "$M")"
check images_mbr_data_0_gives_one_partition [ "$(sfdisk -d "$M" | grep -c ' : start=')" = 1 ]
check images_mbr_image_size_is_part_plus_1MiB [ "$(stat -c %s "$M")" = $((17 * 1048576)) ]
check images_mbr_root_fs_is_clean fs_clean "$M" "$ROOT_OFF"
check images_mbr_fstab_has_no_vdb not dgrep "$M" "$ROOT_OFF" 'cat /etc/fstab' 'vdb'
sh "$MK" --mbr --data 0 --size 16 "$T/m2.raw" >/dev/null 2>&1
check images_two_mbr_builds_are_identical cmp -s "$M" "$T/m2.raw"
rm -f "$M" "$T/m2.raw"

# -- --dir: the root as a directory, for a read-only BASE under overlays
sh "$MK" --dir --hostname base "$T/dir" >/dev/null 2>&1
check images_dir_build_exits_0 [ $? = 0 ]
check images_dir_sbin_init_links_to_vinit [ "$(readlink "$T/dir/sbin/init")" = vinit ]
check images_dir_has_rc_scripts test -x "$T/dir/etc/rc" -a -x "$T/dir/etc/rc.shutdown"
check images_dir_times_are_source_date_epoch [ "$(stat -c %Y "$T/dir/etc/rc")" = 1704067200 ]
check images_dir_refuses_a_non_empty_dir sh -c "sh '$MK' --dir '$T/dir' 2>/dev/null; [ \$? = 2 ]"

# -- usage errors: exit 2, no output left behind
sh "$MK" --bogus "$T/u.raw" 2>/dev/null
check images_unknown_option_exits_2 [ $? = 2 ]
sh "$MK" --size 2 "$T/u.raw" 2>/dev/null
check images_too_small_size_exits_2 [ $? = 2 ]
VINIT=$T/nonexistent sh "$MK" "$T/u.raw" 2>"$T/u.err"
check images_missing_vinit_exits_2_and_says_so sh -c "[ $? = 2 ] && grep -q 'make build/vinit' '$T/u.err'"
sh "$MK" --service nosuch "$T/u.raw" 2>/dev/null
check images_unknown_service_exits_2 [ $? = 2 ]
sh "$MK" --net eth0 "$T/u.raw" 2>/dev/null
check images_bad_net_exits_2 [ $? = 2 ]
check images_failed_builds_leave_no_output sh -c "! ls '$T' | grep -q '^u.raw'"
finish
