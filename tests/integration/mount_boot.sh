#!/bin/sh
# mount/: boot each root mode from real images (sfdisk + mkfs.ext4 -d, nothing
# mounted to fill them), check files and device nodes from inside, that the host
# root is unreachable, that nothing stays attached or mounted after the vnode
# dies (also after SIGKILL), and that each bad input gets its one-line error.
. "$(dirname "$0")/lib.sh"
BOOT=$B/tests/helpers/mount_boot
MiB=1048576
export PATH="/usr/sbin:/sbin:$PATH"
[ -x "$BOOT" ] || { fail mount_boot_helper "missing $BOOT (make helpers)"; finish; }

# ---- what "nothing left" means ---------------------------------------------
# Mounts under $T in the host namespace, but the test's own overlay at $T/ov.
our_mounts() { grep " $T/" /proc/self/mountinfo | grep -v " $T/ov "; }
# The kernel releases an autoclear loop device asynchronously after the last
# mount of the dead namespace goes; there is no event to wait on, so poll with a
# deadline (2 s) rather than sleep a fixed time.
released() { # [N]: until only N of our loop devices are left (default 0)
	i=0
	while [ "$(our_loops | wc -l)" != "${1:-0}" ] || our_mounts | grep -q .; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.01
	done
	return 0
}
check_released() {
	if released; then pass "$1"; else fail "$1" "left: $(our_loops) $(our_mounts)"; fi
}
# Belt and braces for a failing run: detach what a broken build might leave.
at_exit 'for l in $(our_loops); do losetup -d /dev/${l##*/} 2>/dev/null; done'

# ---- images -----------------------------------------------------------------
R=$T/rootfs
make_busybox_root "$R" >/dev/null 2>&1
echo "host-only" >"$T/hostmark"
# Checks that run inside the vnode: one "ok NAME"/"FAIL NAME" line each.
cat >"$R/checks.sh" <<'EOF'
p=$1; shift; n=0
c() { name=$1; shift; if "$@" >/dev/null 2>&1; then echo "ok $p.$name"; else echo "FAIL $p.$name: $*"; n=$((n + 1)); fi; }
c pid1 [ $$ = 1 ]
for d in null zero full random urandom tty net/tun; do c "dev_$d" [ -c /dev/$d ]; done
c dev_console_is_not_the_hosts [ -L /dev/console ]
c dev_null_works sh -c 'echo x >/dev/null && [ ! -s /dev/null ]'
c dev_ptmx_private [ -c /dev/pts/ptmx -a -L /dev/ptmx ]
c dev_fd_links [ -L /dev/fd -a -L /dev/stdin -a -L /dev/stdout -a -L /dev/stderr ]
c dev_shm_tmpfs grep -q ' /dev/shm tmpfs ' /proc/mounts
c dev_nothing_else [ "$(ls /dev | tr '\n' ' ')" = "$DEVLIST" ]
c proc_is_ours [ "$(cat /proc/1/comm)" = sh ]
c host_root_unreachable [ ! -e "$HOSTMARK" ]
# (the masks over /proc/sys and /proc's kernel files apart: what of them a kernel has varies)
c no_stray_mounts [ "$(awk '$5 !~ /^\/proc\// { n++ } END { print n }' /proc/self/mountinfo)" = "$NMOUNTS" ]
c proc_sys_read_only awk '$5 == "/proc/sys" && $6 ~ /^ro/ { f = 1 } END { exit !f }' /proc/self/mountinfo
c marker [ "$(cat /etc/marker)" = "$MARKER" ]
for t in "$@"; do c "${t%%:*}" sh -c "${t#*:}"; done
exit $n
EOF
# The DISKS nodes beyond the fixed ones, sorted like ls does.
devlist() { printf '%s\n' console fd full net null ptmx pts random shm stderr stdin stdout \
	tty urandom zero "$@" | sort | tr '\n' ' '; }

mkdir -p "$T/data" "$T/share" && echo data2 >"$T/data/data" && echo shared >"$T/share/file"
# GPT: p1 root (16M), p2 data (8M), p3 left empty. MBR: p1 empty, p2 root, logical p5 data.
G=$T/gpt.raw M=$T/mbr.raw BARE=$T/bare.img
truncate -s 34M "$G" && printf 'label: gpt\n,16M\n,8M\n,4M\n' | sfdisk -q "$G"
truncate -s 40M "$M" && printf 'label: dos\n,4M\n,16M\n,,E\n,8M\n' | sfdisk -q "$M"
off() { sfdisk -d "$1" | sed -n "s|^$1$2 : start= *\([0-9]*\),.*|\1|p"; }
echo gpt-root >"$R/etc/marker"
mkfs.ext4 -q -F -E offset=$(($(off "$G" 1) * 512)) -d "$R" "$G" 16M
mkfs.ext4 -q -F -E offset=$(($(off "$G" 2) * 512)) -d "$T/data" "$G" 8M
echo mbr-root >"$R/etc/marker"
mkfs.ext4 -q -F -E offset=$(($(off "$M" 2) * 512)) -d "$R" "$M" 16M
mkfs.ext4 -q -F -E offset=$(($(off "$M" 5) * 512)) -d "$T/data" "$M" 8M
truncate -s 4M "$BARE" && mkfs.ext4 -q -F -d "$T/data" "$BARE"
echo base-root >"$R/etc/marker"
export HOSTMARK=$T/hostmark

boot() { "$BOOT" "$@"; }
# NMOUNTS: /, /dev, /dev/pts, /dev/shm, /proc, /sys and /run (mount/plan.c), and the disks'.
inside() { # inside PREFIX NMOUNTS MARKER DEVLIST -- boot args ... -- extra checks
	p=$1 NMOUNTS=$2 MARKER=$3 DEVLIST=$4; shift 4
	export NMOUNTS MARKER DEVLIST
	boot "$@"
}

# ---- (a) root from DISKS[0] ---------------------------------------------------
mkdir -p "$T/va"
inside gpt 8 gpt-root "$(devlist vda1 vdb2 vdc)" --check --dir "$T/va" --name va \
	--disk "vda:1:$G" --disk "vdb:2:$G" --disk "vdc:0:$BARE" --bind "$T/share:/mnt/share:ro" \
	-- /bin/sh /checks.sh gpt \
	'disk_nodes:[ -b /dev/vda1 -a -b /dev/vdb2 -a -b /dev/vdc ]' \
	'mount_vdb2:mkdir -p /m && mount /dev/vdb2 /m && [ "$(cat /m/data)" = data2 ] && umount /m' \
	'mount_vdc_bare:mkdir -p /m && mount -o ro /dev/vdc /m && [ "$(cat /m/data)" = data2 ] && umount /m' \
	'bind_ro:[ "$(cat /mnt/share/file)" = shared ] && ! touch /mnt/share/new' \
	'root_is_ext4:grep -q " / ext4 " /proc/mounts'
check gpt_boot_status [ $? = 0 ]
check_released gpt_released_after_exit

inside mbr 7 mbr-root "$(devlist vda2 vdb5)" --check --dir "$T/va" --name va \
	--disk "vda:2:$M:ro" --disk "vdb:5:$M" -- /bin/sh /checks.sh mbr \
	'root_ro:! touch /rofile' 'mount_logical_vdb5:mkdir /dev/shm/m && mount /dev/vdb5 /dev/shm/m && [ -f /dev/shm/m/data ]'
check mbr_boot_status [ $? = 0 ]
check_released mbr_released_after_exit

# ---- (b) root/ bind-mounted -------------------------------------------------------
mkdir -p "$T/vb" && cp -a "$R" "$T/vb/root" && echo bind-root >"$T/vb/root/etc/marker"
inside bind 7 bind-root "$(devlist)" --check --dir "$T/vb" --name vb -- /bin/sh /checks.sh bind \
	'write:echo new >/written'
check bind_boot_status [ $? = 0 ]
check bind_writes_land_in_root [ "$(cat "$T/vb/root/written" 2>/dev/null)" = new ]
check_released bind_released_after_exit

# ---- (c) overlay: root/ over a shared read-only BASE --------------------------------
mkdir -p "$T/vc"
inside ovl 7 base-root "$(devlist)" --check --dir "$T/vc" --name vc --base "$R" \
	-- /bin/sh /checks.sh ovl 'write:echo new >/written' 'delete_lower:rm /etc/passwd'
check ovl_boot_status [ $? = 0 ]
check ovl_writes_land_in_upper [ "$(cat "$T/vc/root/written" 2>/dev/null)" = new ]
check ovl_base_untouched [ -f "$R/etc/passwd" -a ! -e "$R/written" ]
mkdir -p "$T/vc2"
inside ovl2 7 base-root "$(devlist)" --dir "$T/vc2" --name vc2 --base "$R" \
	-- /bin/sh /checks.sh ovl2 'upper_private:[ ! -e /written ]'
check ovl_base_shared_by_two_vnodes [ $? = 0 ]
check_released ovl_released_after_exit
"$BOOT" --remove-state --dir "$T/vc" --name vc --base "$R"
check ovl_remove_state_empties_upper [ -d "$T/vc/root" -a -z "$(ls -A "$T/vc/root")" -a -z "$(ls -A "$T/vc/work")" ]
check ovl_remove_state_keeps_base [ -f "$R/etc/passwd" ]

# ---- (d) NAME.img on mnt/, mnt/root over BASE ---------------------------------------
mkdir -p "$T/vd" "$T/imgtree/root" "$T/imgtree/work"
truncate -s 8M "$T/vd/vd.img" && mkfs.ext4 -q -F -d "$T/imgtree" "$T/vd/vd.img"
inside img 7 base-root "$(devlist)" --check --dir "$T/vd" --name vd --base "$R" \
	-- /bin/sh /checks.sh img 'write:echo new >/written'
check img_boot_status [ $? = 0 ]
check_released img_released_after_exit
check img_writes_land_in_image sh -c "debugfs -R 'ls -l /root' '$T/vd/vd.img' 2>/dev/null | grep -qw written"
"$BOOT" --remove-state --dir "$T/vd" --name vd --base "$R"
check img_remove_state_empties_mnt_root sh -c "! debugfs -R 'ls -l /root' '$T/vd/vd.img' 2>/dev/null | grep -qw written"
check_released img_released_after_remove_state

# ---- SIGKILL of every process involved ------------------------------------------------
mkfifo "$T/ready"
"$BOOT" --dir "$T/va" --name va --pidfile "$T/pid" --disk "vda:1:$G" --disk "vdb:2:$G" \
	-- /bin/sh -c 'echo ready; exec sleep 600' >"$T/ready" &
bootpid=$!
at_exit "kill -9 $bootpid \$(cat '$T/pid') 2>/dev/null"
read -r line <"$T/ready"
check sigkill_vnode_was_up [ "$line" = ready ]
check sigkill_loops_attached [ "$(our_loops | wc -l)" = 2 ]
kill -9 "$bootpid" "$(cat "$T/pid")"
wait "$bootpid" 2>/dev/null
check_released sigkill_nothing_left

# ---- bad input: one line naming the object, exit 2, nothing left -----------------
bad() { # bad NAME EXPECTED-TEXT boot-args...
	name=$1 want=$2; shift 2
	left=${LEFT:-0}
	${PRE:-} "$BOOT" "$@" -- /bin/true >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc != 2 ]; then fail "bad_$name" "exit $rc, want 2: $(cat "$T/err")"
	elif [ "$(wc -l <"$T/err")" != 1 ]; then fail "bad_$name" "not one line: $(cat "$T/err")"
	elif ! grep -qF -- "$want" "$T/err"; then fail "bad_$name" "want '$want' in: $(cat "$T/err")"
	elif ! released "$left"; then fail "bad_$name" "left attached: $(our_loops)"
	else pass "bad_$name"; echo "#   $(cat "$T/err")"; fi
}
mkdir -p "$T/vx"
X="--dir $T/vx --name vx"
bad missing_image "DISKS[0] vda:1:$T/nope.raw: image: No such file" --check $X --disk "vda:1:$T/nope.raw"
# root passes permission checks; without CAP_DAC_* in its bounding set it does not
if setpriv --bounding-set=-dac_override,-dac_read_search true 2>/dev/null; then
	cp "$G" "$T/locked.raw" && chmod 000 "$T/locked.raw"
	PRE="setpriv --bounding-set=-dac_override,-dac_read_search" bad unreadable_image \
		"DISKS[0] vda:1:$T/locked.raw: image not readable and writable: Permission denied" \
		--check $X --disk "vda:1:$T/locked.raw"
	rm -f "$T/locked.raw"
else
	skip bad_unreadable_image "setpriv cannot drop capabilities here"
fi
bad image_is_directory "image is not a file" --check $X --disk "vda:0:$T/data"
bad partition_beyond_table "DISKS[0] vda:4:$G: partition 4 does not exist (the table has 3)" \
	--check $X --disk "vda:4:$G"
bad partition_on_bare_fs "DISKS[1] vdb:1:$BARE: partition 1 requested, but the image has no partition table" \
	--check $X --disk "vda:1:$G" --disk "vdb:1:$BARE"
bad unknown_filesystem "DISKS[0] vda:3:$G: no known filesystem at offset" --check $X --disk "vda:3:$G"
# A damaged ext4: blkid still sees it, the kernel refuses it, in the child.
cp "$BARE" "$T/broken.img" && dd if=/dev/zero of="$T/broken.img" bs=1024 seek=2 count=30 conv=notrunc 2>/dev/null
bad unmountable_filesystem "DISKS[0] vda: mount ext4 /dev/loop" --check $X --disk "vda:0:$T/broken.img"
bad node_not_plain_word "DISKS entry \"../x:1:$G\": node name \"../x\" is not a plain word" \
	--check $X --disk "../x:1:$G"
bad missing_base "BASE $T/nobase: No such file" --check $X --base "$T/nobase"
bad missing_bind_source "BINDS[0] $T/nosrc:/x: source: No such file" --check $X \
	--disk "vda:1:$G" --bind "$T/nosrc:/x"
# Without --check the in-child build meets it after the root is mounted, and undoes.
bad missing_bind_source_in_child "BINDS[0] open_tree $T/nosrc: No such file" \
	$X --disk "vda:1:$G" --bind "$T/nosrc:/x"
# overlayfs cannot be an overlay's upper layer.
mkdir -p "$T/ol" "$T/ou" "$T/ow" "$T/ov"
if mount -t overlay overlay -o "lowerdir=$T/ol,upperdir=$T/ou,workdir=$T/ow" "$T/ov"; then
	at_exit "umount '$T/ov' 2>/dev/null"
	mkdir -p "$T/ov/vn/root"
	bad upper_on_overlayfs "overlay upper $T/ov/vn/root: on overlayfs" \
		--check --dir "$T/ov/vn" --name vn --base "$R"
	umount "$T/ov"
else
	fail upper_on_overlayfs "cannot mount the test overlay"
fi
# An image attached read-write by a running vnode.
mkfifo "$T/ready2"
"$BOOT" --dir "$T/va" --name va --pidfile "$T/pid2" --disk "vda:1:$G" \
	-- /bin/sh -c 'echo ready; exec sleep 600' >"$T/ready2" &
bootpid=$!
at_exit "kill -9 $bootpid \$(cat '$T/pid2') 2>/dev/null"
read -r line <"$T/ready2"
LEFT=1 bad image_in_use "DISKS[0] vda:1:$G: already attached read-write as /dev/loop" \
	--check $X --disk "vda:1:$G"
kill -9 "$(cat "$T/pid2")"
wait "$bootpid" 2>/dev/null
check_released image_in_use_released_after_kill
finish
