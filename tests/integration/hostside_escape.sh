#!/bin/sh
# The escape suite: tests/escape/escape, run as root inside default vnodes (an overlay root
# over BASE, and a DISKS image root), tries the ways out the peers' CVEs taught; every one
# must be blocked, each its own check. The same program run in a PRIVILEGED=yes vnode
# records what that mode lets through (figures, and checks that it does let the mknod,
# fresh-proc and /sys ones through), and run on the host itself, in a private mount
# namespace, shows each kernel-level attack working where nothing protects against it.
# Nothing it does changes the host (see escape.c). Vnodes: es-o, es-i, es-p.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/sbin:/sbin:$PATH"
vnode_setup
ESC=$B/tests/escape/escape
# A host disk none of the vnodes has: a loop device of this test's (this machine refuses
# even its root an open of its own root disk).
truncate -s 1M "$T/hostdisk.img"
LOOP=$(losetup -f --show "$T/hostdisk.img") || { fail host_disk_attached "losetup"; finish; }
at_exit "losetup -d $LOOP"
MAJ=$(($(stat -c '0x%t' "$LOOP"))) MIN=$(($(stat -c '0x%T' "$LOOP")))
ATTACKS="core_pattern_sysctl core_pattern_fresh_proc mknod_host_disk kexec_load init_module
bpf_tracing perf_system_wide open_by_handle_at remount_sys_rw cgroup_v1_mount remount_ro_bind_rw
sysrq_trigger"

# escape_in VNODE: the suite's lines from inside VNODE, into $T/VNODE.out.
escape_in() { "$V" exec "$1" /escape /tmp "$MAJ" "$MIN" >"$T/$1.out" 2>&1; }
said() { grep -q "^$2 $3:" "$T/$1.out"; }

new_vnode es-o "BINDS=( $ESC:/escape:ro )"
make_busybox_root "$T/iroot"
truncate -s 24M "$T/i.img" && mkfs.ext4 -q -F -d "$T/iroot" "$T/i.img"
mkdir -p "$VNODE_HOME/es-i"
printf 'DISKS=( vda:0:%s )\nNETWORK=none\nBINDS=( %s:/escape:ro )\n' "$T/i.img" "$ESC" >"$VNODE_HOME/es-i/config"
new_vnode es-p "PRIVILEGED=yes
BINDS=( $ESC:/escape:ro )"

for n in es-o es-i es-p; do
	"$V" boot "$n" >/dev/null
	escape_in "$n"
	"$V" halt "$n" >/dev/null
done
for a in $ATTACKS; do
	check "escape_overlay_$a" said es-o "$a" blocked
	check "escape_image_$a" said es-i "$a" blocked
done
sed 's/^/# privileged: /' "$T/es-p.out"
for a in mknod_host_disk core_pattern_fresh_proc remount_sys_rw; do
	check "privileged_lets_through_$a" said es-p "$a" ESCAPED
done

# Where nothing protects: the host itself, in a private mount namespace of this test.
mkdir -p "$T/host"
unshare -m --propagation private "$ESC" "$T/host" "$MAJ" "$MIN" >"$T/host.out" 2>&1
sed 's/^/# host: /' "$T/host.out"
for a in mknod_host_disk kexec_load init_module bpf_tracing perf_system_wide open_by_handle_at; do
	check "unprotected_host_lets_through_$a" said host "$a" ESCAPED
done
if [ -e /proc/sysrq-trigger ]; then
	check unprotected_host_lets_through_sysrq_trigger said host sysrq_trigger ESCAPED
else
	skip unprotected_host_lets_through_sysrq_trigger "this kernel has no /proc/sysrq-trigger"
fi
finish
