#!/bin/sh
# The vnode boundary, the user namespace: a default vnode's init is not uid 0 on the
# host but the first of a 65536-id range of its own, disjoint from every other running
# vnode's (two boots racing included) and freed at its end. Its files look as they do on
# disk in every root mode (overlay over BASE, root/ alone, a DISKS image, NAME.img), on a
# data disk of its fstab and in BINDS: root's files are root's inside, and what root
# writes inside is root's on disk. PRIVILEGED=yes runs as host root, as before.
# NETWORK=host drops NET_ADMIN and NET_RAW. Vnodes: us-c, us-b, us-a, us-d, us-p, us-h,
# us-r1, us-r2, us-t. A root on tmpfs before Linux 6.3 is refused, saying why.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/sbin:/sbin:$PATH"
vnode_setup
touch "$BASE/etc/owned1000" && chown 1000:1000 "$BASE/etc/owned1000"

init_uid() { sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$(init_of "$1")/status"; }
status_uid() { "$V" status "$1" | sed -n 's/^mode: *unprivileged: root is uid \([0-9]*\) .*/\1/p'; }
owner_inside() { "$V" exec "$1" stat -c %u "$2"; }
# disk_owner IMAGE PATH: the owner debugfs reads on an ext4 image, on the host.
disk_owner() { debugfs -R "stat $2" "$1" 2>/dev/null | sed -n 's/^User: *\([0-9]*\).*/\1/p'; }
held_ids() { for l in /run/vnode/ids/*; do [ "$(readlink "$l" 2>/dev/null)" = "$1" ] && echo "$l"; done; }
# owners_are VNODE PATH WANT...: each PATH shows its WANT owner inside.
owners_are() {
	_v=$1; shift
	while [ $# -ge 2 ]; do [ "$(owner_inside "$_v" "$1")" = "$2" ] || return 1; shift 2; done
}

# --- overlay over BASE ----------------------------------------------------------------
new_vnode us-c
"$V" boot us-c >/dev/null
uid=$(init_uid us-c)
not_root_uid() { [ -n "$1" ] || return 1; [ "$1" != 0 ]; }
check userns_init_is_not_host_root not_root_uid "$uid"
check userns_status_names_the_range [ "$(status_uid us-c)" = "$uid" ]
check userns_list_json_says_unprivileged sh -c '"$1" list --json | grep -q "\"name\":\"us-c\",[^}]*\"privileged\":false,\"uid\":$2"' - "$V" "$uid"
check userns_range_is_held [ -n "$(held_ids us-c)" ]
check overlay_files_show_disk_owners owners_are us-c /etc/passwd 0 /etc/owned1000 1000 /bin/busybox 0
"$V" exec us-c sh -c 'echo x >/written && mkdir -p /home/u && chown 1000:1000 /home/u'
check overlay_write_is_root_on_disk [ "$(stat -c %u "$VNODE_HOME/us-c/root/written")" = 0 ]
check overlay_chown_inside_is_that_uid_on_disk [ "$(stat -c %u "$VNODE_HOME/us-c/root/home/u")" = 1000 ]
check base_untouched none_exist "$BASE/written"
"$V" halt us-c >/dev/null
check userns_range_freed_at_halt [ -z "$(held_ids us-c)" ]

# --- BINDS, read-write and read-only ----------------------------------------------------
mkdir -p "$T/share" "$T/share-ro" && echo f >"$T/share/f" && echo f >"$T/share-ro/f"
chown -R 1000:1000 "$T/share" && chmod 0777 "$T/share"
printf 'BINDS=( %s:/share %s:/share-ro:ro )\n' "$T/share" "$T/share-ro" >>"$VNODE_HOME/us-c/config"
"$V" boot us-c >/dev/null
check binds_show_disk_owners owners_are us-c /share/f 1000 /share-ro/f 0
"$V" exec us-c sh -c 'echo x >/share/new'
check binds_write_is_root_on_disk [ "$(stat -c %u "$T/share/new")" = 0 ]
check binds_ro_is_read_only sh -c '! "$1" exec us-c sh -c "echo x >/share-ro/f" 2>/dev/null' - "$V"
check binds_ro_cannot_be_remounted_rw sh -c '! "$1" exec us-c mount -o remount,rw /share-ro 2>/dev/null' - "$V"
"$V" halt us-c >/dev/null

# --- root/ alone ------------------------------------------------------------------------
make_busybox_root "$VNODE_HOME/us-b/root"
echo 'NETWORK=none' >"$VNODE_HOME/us-b/config"
"$V" boot us-b >/dev/null
check bind_root_files_show_disk_owners owners_are us-b /etc/passwd 0 /sbin/vinit 0
"$V" exec us-b sh -c 'echo x >/written'
check bind_root_write_is_root_on_disk [ "$(stat -c %u "$VNODE_HOME/us-b/root/written")" = 0 ]
"$V" halt us-b >/dev/null

# --- a DISKS image, with a data disk its fstab mounts ---------------------------------
make_busybox_root "$T/aroot"
echo '/dev/vdb /data ext4 defaults 0 2' >"$T/aroot/etc/fstab"
mkdir -p "$T/aroot/data" "$T/adata/d" && chown 1000:1000 "$T/adata/d"
truncate -s 24M "$T/a.img" && mkfs.ext4 -q -F -d "$T/aroot" "$T/a.img"
truncate -s 8M "$T/data.img" && mkfs.ext4 -q -F -d "$T/adata" "$T/data.img"
mkdir -p "$VNODE_HOME/us-a"
printf 'DISKS=( vda:0:%s vdb:0:%s )\nNETWORK=none\n' "$T/a.img" "$T/data.img" >"$VNODE_HOME/us-a/config"
"$V" boot us-a >/dev/null
check disk_root_files_show_disk_owners owners_are us-a /etc/passwd 0 /data/d 1000
"$V" exec us-a sh -c 'echo x >/written && echo x >/data/written'
"$V" halt us-a >/dev/null
check disk_root_write_is_root_on_disk [ "$(disk_owner "$T/a.img" /written)" = 0 ]
check data_disk_write_is_root_on_disk [ "$(disk_owner "$T/data.img" /written)" = 0 ]

# --- NAME.img (its root/ and work/) over BASE ------------------------------------------
mkdir -p "$T/dimg/root" "$T/dimg/work" "$VNODE_HOME/us-d"
truncate -s 8M "$VNODE_HOME/us-d/us-d.img" && mkfs.ext4 -q -F -d "$T/dimg" "$VNODE_HOME/us-d/us-d.img"
printf 'BASE=%s\nNETWORK=none\n' "$BASE" >"$VNODE_HOME/us-d/config"
"$V" boot us-d >/dev/null
check img_files_show_disk_owners owners_are us-d /etc/passwd 0 /etc/owned1000 1000
"$V" exec us-d sh -c 'echo x >/written'
"$V" halt us-d >/dev/null
check img_write_is_root_on_disk [ "$(disk_owner "$VNODE_HOME/us-d/us-d.img" /root/written)" = 0 ]

# --- PRIVILEGED=yes: host root, as before --------------------------------------------------
new_vnode us-p 'PRIVILEGED=yes'
"$V" boot us-p >/dev/null
check privileged_init_is_host_root [ "$(init_uid us-p)" = 0 ]
check privileged_status_says_so sh -c '"$1" status us-p | grep -q "^mode: *privileged$"' - "$V"
check privileged_holds_no_range [ -z "$(held_ids us-p)" ]
"$V" halt us-p >/dev/null

# --- NETWORK=host: no NET_ADMIN, no NET_RAW (bits 12 and 13 of the bounding set) ----------
capbnd() { "$V" exec "$1" sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status; }
has_cap() { [ $((0x$1 >> $2 & 1)) = 1 ]; }
new_vnode us-h
sed -i 's/^NETWORK=none$/NETWORK=host/' "$VNODE_HOME/us-h/config"
"$V" boot us-h >/dev/null
"$V" boot us-c >/dev/null
check private_network_keeps_net_admin has_cap "$(capbnd us-c)" 12
check host_network_drops_net_admin sh -c '! [ $((0x$1 >> 12 & 1)) = 1 ]' - "$(capbnd us-h)"
check host_network_drops_net_raw sh -c '! [ $((0x$1 >> 13 & 1)) = 1 ]' - "$(capbnd us-h)"
"$V" halt us-h us-c >/dev/null

# --- two vnodes never share a range, racing boots included -----------------------------
new_vnode us-r1
new_vnode us-r2
disjoint() { [ -n "$1" ] && [ -n "$2" ] && [ $(($1 > $2 ? $1 - $2 : $2 - $1)) -ge 65536 ]; }
ok=0
for i in 1 2 3 4 5; do
	vnode_bg "$V" boot us-r1 >/dev/null
	p1=$!
	vnode_bg "$V" boot us-r2 >/dev/null
	p2=$!
	wait $p1 $p2
	disjoint "$(init_uid us-r1)" "$(init_uid us-r2)" && ok=$((ok + 1))
	"$V" kill us-r1 us-r2 >/dev/null
done
check racing_boots_get_disjoint_ranges [ "$ok" = 5 ]
# A root on tmpfs: tmpfs is idmapped since Linux 6.3; on an older kernel (Debian 12's 6.1,
# make test-vm) the boot is refused in one line that says so, and leaves nothing.
mkdir -p "$VNODE_HOME/us-t"
mount -t tmpfs tmpfs "$VNODE_HOME/us-t" && at_exit "umount $VNODE_HOME/us-t"
make_busybox_root "$VNODE_HOME/us-t/root"
echo NETWORK=none >"$VNODE_HOME/us-t/config"
kernel_before() { # MAJOR MINOR: the running kernel is older
	_k=$(uname -r)
	[ "${_k%%.*}" -lt "$1" ] || { [ "${_k%%.*}" = "$1" ] && _m=${_k#*.} && [ "${_m%%[!0-9]*}" -lt "$2" ]; }
}
if kernel_before 6 3; then
	expect tmpfs_root_refused_before_6_3 2 "its tmpfs cannot be idmapped by this kernel ($(uname -r); tmpfs needs Linux 6.3)" "$V" boot us-t
	check tmpfs_root_refused_leaves_nothing nothing_left_of us-t
else
	"$V" boot us-t >/dev/null
	check tmpfs_root_idmapped_since_6_3 [ "$(owner_inside us-t /etc/passwd)" = 0 ]
	"$V" halt us-t >/dev/null
fi
check ranges_freed_after_kill sh -c '[ -z "$(ls /run/vnode/ids 2>/dev/null | while read l; do readlink "/run/vnode/ids/$l"; done | grep -x "us-r[12]")" ]'
finish
