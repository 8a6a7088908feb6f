#!/bin/sh
# Hostile input (the image's and the operator's): each is refused with one line naming the
# object and exit 2 (1 for a name already taken on the host), and leaves nothing behind: a
# corrupted root file system, DISKS that are a directory, a FIFO or a socket, a BINDS source
# that is a FIFO, a BINDS target in the image that is a FIFO or reached through a symbolic
# link, a root/ that is a symbolic link, a config of 1 MiB and a byte, invalid UTF-8 in a
# value, and a /run/netns/NAME that `ip netns add` made (refused, and not deleted by kill).
# Derived host interface names never meet: hx-1's cable 10 is not hx-11's cable 0; a name
# taken by an interface of the host's is refused, and that interface left alone.
# Vnodes: hx-a, hx-b, hx-c, hx-d, hx-e, hx-1, hx-11, hx-f; bridge hx-br.
. "$(dirname "$0")/lib.sh"
vnode_setup
# refused NAME STATUS PATTERN VNODE: `vnode boot VNODE` exits STATUS with one line saying
# PATTERN (10 s at most: a boot that hangs fails), and nothing of VNODE is left.
refused() {
	expect "$1" "$2" "$3" timeout 10 "$V" boot "$4"
	check "$1"_leaves_nothing nothing_left_of "$4"
}
disk_vnode() { printf 'DISKS=( vda:0:%s )\nNETWORK=none\n' "$2" >"$VNODE_HOME/$1/config"; }

mkdir -p "$VNODE_HOME/hx-a"
truncate -s 16M "$T/c.img" && mkfs.ext4 -q -F -d "$BASE" "$T/c.img"
# the superblock's block and inode counts zeroed, its magic (at 1024 + 56) kept
dd if=/dev/zero of="$T/c.img" bs=1 seek=1024 count=8 conv=notrunc 2>/dev/null
disk_vnode hx-a "$T/c.img"
refused corrupt_superblock 2 "hx-a: DISKS\[0\] vda: mount ext4 /dev/loop[0-9]*: Bad message" hx-a
check corrupt_superblock_leaves_no_loop_device [ -z "$(our_loops)" ]
dd if=/dev/zero of="$T/c.img" bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null
refused no_superblock 2 "hx-a: DISKS\[0\] .*c.img: no known filesystem" hx-a
mkfifo "$T/fifo"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/sock"
disk_vnode hx-a "$T"
refused disk_is_a_directory 2 "image is not a file (a directory)" hx-a
disk_vnode hx-a "$T/fifo"
refused disk_is_a_fifo 2 "image is not a file (a FIFO)" hx-a
disk_vnode hx-a "$T/sock"
refused disk_is_a_socket 2 "image is not a file (a socket)" hx-a

new_vnode hx-b "BINDS=( $T/fifo:/mnt/f )"
refused bind_source_is_a_fifo 2 "hx-b: BINDS\[0\] $T/fifo:/mnt/f: source is a FIFO" hx-b
mkdir -p "$T/src"
new_vnode hx-b "BINDS=( $T/src:/ff )"
mkfifo "$VNODE_HOME/hx-b/root/ff"
refused bind_target_is_a_fifo 2 "hx-b: BINDS\[0\] target /ff in the vnode: a FIFO, not a directory" hx-b
rm "$VNODE_HOME/hx-b/root/ff"
ln -s /etc "$VNODE_HOME/hx-b/root/out"
new_vnode hx-b "BINDS=( $T/src:/out/x )"
refused bind_target_through_a_symlink 2 "BINDS\[0\] target /out/x in the vnode: a path through a symbolic link" hx-b
check the_hosts_etc_is_untouched [ ! -e /etc/x ]
ln -s /etc/hostname "$VNODE_HOME/hx-b/root/lnk"
echo hi >"$T/file"
new_vnode hx-b "BINDS=( $T/file:/lnk )"
refused bind_target_is_a_symlink 2 "BINDS\[0\] target /lnk in the vnode: a path through a symbolic link" hx-b
rm "$VNODE_HOME/hx-b/root/out" "$VNODE_HOME/hx-b/root/lnk"
new_vnode hx-b "BINDS=( $T/src:/mnt/d )"
"$V" boot hx-b >/dev/null
check a_plain_bind_still_boots [ "$("$V" exec hx-b sh -c 'test -d /mnt/d && echo yes')" = yes ]
"$V" halt hx-b >/dev/null

new_vnode hx-c
rmdir "$VNODE_HOME/hx-c/root" && mkdir "$T/elsewhere" && ln -s "$T/elsewhere" "$VNODE_HOME/hx-c/root"
refused root_is_a_symlink 2 "hx-c: root/ ($VNODE_HOME/hx-c/root): a symbolic link" hx-c
check and_nothing_is_written_through_it [ -z "$(ls -A "$T/elsewhere")" ]

new_vnode hx-d
{ cat "$VNODE_HOME/hx-d/config"; head -c 1048576 /dev/zero | tr '\0' '#'; } | head -c 1048577 >"$T/big"
mv "$T/big" "$VNODE_HOME/hx-d/config"
refused config_too_large 2 "hx-d/config: 1048577 bytes, more than a config may have (1048576)" hx-d
truncate -s 1048576 "$VNODE_HOME/hx-d/config"
check a_config_of_1_mib_is_read sh -c '"$1" status hx-d >/dev/null' - "$V"
new_vnode hx-d "$(printf 'HOSTNAME=a\377b')"
refused invalid_utf8 2 "hx-d/config:3:11: byte 0xff is not UTF-8" hx-d
new_vnode hx-d "$(printf 'HOSTNAME=caf\303\251')"
check valid_utf8_is_fine sh -c '"$1" status hx-d >/dev/null' - "$V"
new_vnode hx-d "$(printf 'HOSTNAME=a\300\257')"  # an overlong '/'
refused overlong_utf8 2 "hx-d/config:3:11: byte 0xc0 is not UTF-8" hx-d

ip netns add hx-e
at_exit 'ip netns del hx-e 2>/dev/null'
new_vnode hx-e
sed -i 's/^NETWORK=none$/NETWORK=private/' "$VNODE_HOME/hx-e/config"
expect netns_of_someone_else 1 "hx-e: /run/netns/hx-e exists and is not a vnode's" "$V" boot hx-e
check is_not_replaced [ -f /run/netns/hx-e ]
check by_a_vnodes_link [ ! -L /run/netns/hx-e ]
"$V" kill hx-e >/dev/null 2>&1
check nor_deleted_by_kill ip netns exec hx-e true
ip netns del hx-e
"$V" boot hx-e >/dev/null
check once_it_is_gone_the_vnode_boots [ -L /run/netns/hx-e ]
"$V" halt hx-e >/dev/null
check and_its_own_goes_with_it nothing_left_of hx-e

ip link add hx-br type bridge
at_exit 'ip link del hx-br 2>/dev/null'
new_vnode hx-1 "BRIDGES=( $(printf 'hx-br: %.0s' $(seq 11)) )"
new_vnode hx-11 'BRIDGES=( hx-br: )'
sed -i '/^NETWORK=none$/d' "$VNODE_HOME/hx-1/config" "$VNODE_HOME/hx-11/config"
"$V" boot hx-1 hx-11 >/dev/null
check two_vnodes_whose_names_met_boot sh -c '"$1" status hx-1 | grep -q "^state: *up$" && "$1" status hx-11 | grep -q "^state: *up$"' - "$V"
check their_cables_are_apart sh -c 'ip -o link show master hx-br | grep -c " hx-1-10@\| hx-11-0@" | grep -qx 2'
"$V" halt hx-1 hx-11 >/dev/null
# their veths go with their namespaces, which the kernel destroys after the halt returns
check their_veths_go "$B/tests/helpers/netns_waitgone" 5000 $(seq -f hx-1-%g 0 10) hx-11-0
check and_halt_leaves_nothing_of_them nothing_left_of hx-1 hx-11
ip link add hx-f0 type veth peer name hx-fp
at_exit 'ip link del hx-f0 2>/dev/null'
new_vnode hx-f 'BRIDGES=( hx-br: )'
sed -i '/^NETWORK=none$/d' "$VNODE_HOME/hx-f/config"
expect a_taken_interface_name_is_refused 2 "hx-f0" "$V" boot hx-f
check and_that_interface_is_left_alone ip link show hx-f0 >/dev/null
check nor_any_runtime_file none_exist /run/vnode/hx-f.pid /run/vnode/hx-f.state /run/netns/hx-f
finish
