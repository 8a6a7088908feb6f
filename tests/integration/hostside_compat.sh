#!/bin/sh
# The launcher in the foreground and under its compatibility names: boot -f returns when
# the vnode ends, its console on the terminal and in the log; pretend-boot is boot -f;
# vnodesetup -j -b/-h boots and halts one vnode, bootvnodes -b/-h all of them; the
# installed layout (vnode finds vnode-monitor in PREFIX/libexec/vnode, and the monitor
# resumes the installed vnode on a reboot); a vnode binary with no vnode-monitor next to it
# fails the boot and leaves nothing. The seeds' commands as their documents show them:
# pretend-boot from the environment alone (no config: none is written); bootvnodes -b
# returns at once, the boots going on (vnode wait-all waits for them), -b -f waits, -h,
# -k and no action (a cold boot: all); vnodesetup -j -b, -k, and -h that waits 30 s for a
# vnode that does not stop and exits 0. Vnodes: cp-p, cp-v, cp-i, cp-e, cp-g1, cp-w
# (in $T/bv); bridge cp-br<pid>.
. "$(dirname "$0")/lib.sh"
vnode_setup
vnode_hooks

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
"$V" wait-all
check bootvnodes_b_boots_all [ "$("$V" list | grep -c ' up ')" = 2 ]
"$T/bin/bootvnodes" -h >/dev/null 2>&1
"$V" wait-all
check bootvnodes_h_halts_all [ "$("$V" list | grep -c ' up ')" = 0 ]

# --- the seeds' own commands, as their documents show them ------------------------------
# pretend-boot from the environment alone: no config, and none is written
BR=$(printf '%.15s' "cp-br$$")
ip link add "$BR" type bridge && ip link set "$BR" up
at_exit 'ip link del "$BR" 2>/dev/null'
make_busybox_root "$T/pbroot"
printf 'echo "rc: eth0 $(cat /sys/class/net/eth0/address)"; poweroff\n' >"$T/pbroot/etc/rc"
truncate -s 16M "$T/pb.img" && mkfs.ext4 -q -F -d "$T/pbroot" "$T/pb.img"
DISKS="vda:0:$T/pb.img" BRIDGES="$BR:06:a7:dd:b4:02:f2" "$T/bin/pretend-boot" cp-e >"$T/pe" 2>&1
r=$?
check pretend_boot_from_the_environment_alone status_and_grep "$r" 0 "rc: eth0 06:a7:dd:b4:02:f2" "$T/pe"
check writes_no_config [ ! -e "$VNODE_HOME/cp-e/config" ]
"$B/tests/helpers/netns_waitgone" 5000 cp-e0 >/dev/null
check and_leaves_nothing_of_it nothing_left_of cp-e
expect without_the_environment_there_is_no_such_vnode 2 "cp-e: no such vnode" "$T/bin/pretend-boot" cp-e

# bootvnodes, in a VNODE_HOME of its own: a HOOK holds each boot at a gate (a FIFO), so
# that returning at once is told from waiting
export VNODE_HOME=$T/bv
at_exit 'VNODE_HOME=$T/bv "$V" kill-all >/dev/null 2>&1'
exec 6<>"$T/events"  # held open: no hook blocks on writing its event, and none is lost
# got N: the next N events (10 s at most for each), sorted, each ended by ';'
got() {
	_i=0
	while [ $_i -lt "$1" ]; do
		timeout 10 sh -c 'read -r l <&6 && echo "$l"' || break
		_i=$((_i + 1))
	done | sort | tr '\n' ';'
}
mkfifo "$T/gate"
at_exit 'exec 7<>"$T/gate"'  # a hook still at the gate goes on
printf '#!/bin/sh\necho "$1 $2" >%s\n[ "$2" = booting ] && read x <%s\nexit 0\n' "$T/events" "$T/gate" >"$T/gatehook"
chmod +x "$T/gatehook"
new_vnode cp-g1 "HOOK=$T/gatehook"  # one: a boot-all takes a CPU's worth at once
open_gate() { timeout 10 sh -c 'echo go >"$1"' - "$T/gate"; }
ups() { "$V" list | grep -c ' up '; }
timeout 20 "$T/bin/bootvnodes" -b >"$T/bv.out" 2>&1
r=$?
check bootvnodes_b_returns_at_once status_and_grep "$r" 0 "in the background" "$T/bv.out"
check while_the_boot_goes_on [ "$(got 1)" = "cp-g1 booting;" ]
check none_up_yet [ "$(ups)" = 0 ]
open_gate
"$V" wait-all
check wait_all_returns_once_they_are_up [ "$(ups)" = 1 ]
got 1 >/dev/null
"$T/bin/bootvnodes" -h -f >/dev/null 2>&1
check bootvnodes_h_f_halts_all [ "$(ups)" = 0 ]
got 2 >/dev/null
"$T/bin/bootvnodes" -b -f >/dev/null 2>&1 &
fg=$!
got 1 >/dev/null
check bootvnodes_b_f_waits kill -0 "$fg"
open_gate
wait "$fg"
check until_all_are_up [ $? = 0 ]
check all_up [ "$(ups)" = 1 ]
got 1 >/dev/null
"$V" exec cp-g1 touch /marker
timeout 20 "$T/bin/bootvnodes" -k >/dev/null 2>&1
"$V" wait-all
check bootvnodes_k_kills_all_in_the_background [ "$(ups)" = 0 ]
check and_removes_their_writable_state [ ! -e "$VNODE_HOME/cp-g1/root/marker" ]
got 1 >/dev/null
timeout 20 "$T/bin/bootvnodes" >/dev/null 2>&1  # no action: a cold boot, of every vnode
got 1 >/dev/null
open_gate
"$V" wait-all
check bootvnodes_alone_boots_all [ "$(ups)" = 1 ]
got 1 >/dev/null
"$T/bin/bootvnodes" -h >/dev/null 2>&1
"$V" wait-all
check bootvnodes_h_halts_all_in_the_background [ "$(ups)" = 0 ]
check its_output_is_in_the_log grep -q "bootvnodes: halt of every vnode done" /var/log/vnode/bootvnodes.log

# vnodesetup -j -k; and -h that waits 30 s for a vnode that does not stop, then exits 0
"$T/bin/vnodesetup" -j -b cp-g1 >/dev/null 2>&1 &
got 1 >/dev/null
open_gate
wait $!
check vnodesetup_b_boots_it [ "$(ups)" = 1 ]
"$T/bin/vnodesetup" -j -k cp-g1 >/dev/null
check vnodesetup_k_kills_it [ "$(ups)" = 0 ]
got 2 >/dev/null
sed 's/= booting/= halting/' "$T/gatehook" >"$T/halthook" && chmod +x "$T/halthook"
new_vnode cp-w "HOOK=$T/halthook
STOP_TIMEOUT=300
HOOK_TIMEOUT=0"
"$V" boot cp-w >/dev/null
got 2 >/dev/null
timeout 60 "$T/bin/vnodesetup" -j -h cp-w >"$T/vs.out" 2>&1
r=$?
check vnodesetup_h_exits_0_after_30_s_unstopped status_and_grep "$r" 0 "not stopped after 30 s" "$T/vs.out"
check and_the_vnode_is_still_halting sh -c '"$1" status cp-w | grep -q "^state: *halting"' - "$V"
got 1 >/dev/null
open_gate
"$V" wait cp-w
check then_it_halts nothing_left_of cp-w
export VNODE_HOME=$T/home

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
