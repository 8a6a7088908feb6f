#!/bin/sh
# The launcher in the foreground and under its compatibility names: boot -f returns when
# the vnode ends, its console on the terminal and in the log; pretend-boot is boot -f;
# vnodesetup -j -b/-h boots and halts one vnode, bootvnodes -b/-h all of them; the
# installed layout (vnode finds vnode-monitor in PREFIX/libexec/vnode, and the monitor
# resumes the installed vnode on a reboot); a vnode binary with no vnode-monitor next to it
# fails the boot and leaves nothing. Vnodes: cp-p, cp-v, cp-i.
. "$(dirname "$0")/lib.sh"
vnode_setup

mkdir -p "$T/bin" "$VNODE_HOME/cp-p"
for n in pretend-boot vnodesetup bootvnodes; do ln -s "$V" "$T/bin/$n"; done
make_busybox_root "$VNODE_HOME/cp-p/root"
echo 'echo "rc: cp-p says hello"; poweroff' >"$VNODE_HOME/cp-p/root/etc/rc"
echo 'NETWORK=none' >"$VNODE_HOME/cp-p/config"
rm -f /var/log/vnode/cp-p.log
"$V" boot -f cp-p >"$T/fg" 2>&1
r=$?
check boot_foreground_returns_when_vnode_ends ended_ok "$r" /run/vnode/cp-p.pid
check boot_foreground_console_on_terminal grep -q "rc: cp-p says hello" "$T/fg"
check boot_foreground_console_in_log sh -c '"$1" log cp-p | grep -q "rc: cp-p says hello"' - "$V"
"$T/bin/pretend-boot" cp-p >"$T/pb" 2>&1
r=$?
check pretend_boot_is_boot_f status_and_grep "$r" 0 "poweroff done" "$T/pb"
rm -rf "$VNODE_HOME/cp-p"  # it powers itself off: bootvnodes -b would race with it

new_vnode cp-v
new_vnode cp-i
"$T/bin/vnodesetup" -j -b cp-v >/dev/null
check vnodesetup_b_boots sh -c '"$1" status cp-v | grep -q "state: *up"' - "$V"
"$T/bin/vnodesetup" -j -h cp-v >/dev/null
check vnodesetup_h_halts sh -c '"$1" status cp-v | grep -q "state: *stopped"' - "$V"
"$T/bin/bootvnodes" -b >/dev/null 2>&1
check bootvnodes_b_boots_all [ "$("$V" list | grep -c ' up ')" = 2 ]
"$T/bin/bootvnodes" -h >/dev/null 2>&1
check bootvnodes_h_halts_all [ "$("$V" list | grep -c ' up ')" = 0 ]

# --- installed layout: vnode finds vnode-monitor in PREFIX/libexec/vnode ----------------
make -s -C "$TOP" install DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
"$T/inst/usr/sbin/vnode" boot cp-i >/dev/null 2>&1
r=$?
# booted_from STATUS PID EXE: the boot's status was 0 and its monitor runs EXE.
booted_from() { [ "$1" = 0 ] || return 1; [ "$(readlink /proc/"$2"/exe)" = "$3" ]; }
check installed_vnode_boots booted_from "$r" "$(monitor_of cp-i)" "$T/inst/usr/libexec/vnode/vnode-monitor"
"$T/inst/usr/sbin/vnode" reboot cp-i >/dev/null 2>&1
check installed_monitor_resumes_installed_vnode [ $? = 0 ]
"$T/inst/usr/sbin/vnode" halt cp-i >/dev/null 2>&1
mkdir -p "$T/lone" && cp "$V" "$T/lone/vnode"
"$T/lone/vnode" boot cp-i >"$T/lone.out" 2>&1
r=$?
check missing_monitor_fails_boot status_and_grep "$r" 1 "no vnode-monitor next to $T/lone/vnode" "$T/lone.out"
check missing_monitor_leaves_nothing nothing_left_of cp-i
finish
