#!/bin/sh
# The vnode launcher end to end: boot, status, exec, halt, kill, reboot from both
# sides, 100 back-to-back boots of an image, concurrent boots, a SIGKILLed monitor,
# boot-all/halt-all of 20, bad input.
. "$(dirname "$0")/lib.sh"
export VNODE_HOME=$T/home
V=$B/vnode
mkdir -p "$VNODE_HOME"
BASE=$T/base
make_busybox_root "$BASE"
echo 'echo "rc: $(hostname) up"' >"$BASE/etc/rc"
at_exit 'for d in "$VNODE_HOME"/*/; do n=$(basename "$d"); "$V" kill "$n" >/dev/null 2>&1; done'

# new_vnode NAME [CONFIG-LINES]: an overlay vnode over the shared BASE, loopback only.
new_vnode() {
	mkdir -p "$VNODE_HOME/$1/root" "$VNODE_HOME/$1/work"
	printf 'BASE=%s\nNETWORK=none\n%s\n' "$BASE" "${2:-}" >"$VNODE_HOME/$1/config"
}
# Events from HOOK arrive through a FIFO, in order; next_event waits for one.
mkfifo "$T/events"
printf '#!/bin/sh\necho "$1 $2" >%s\n' "$T/events" >"$T/hook"
chmod +x "$T/hook"
next_event() { timeout 10 sh -c 'read l <"$1" && echo "$l"' - "$T/events"; }
init_of() { sed -n 's/^init=//p' "/run/vnode/$1.state" 2>/dev/null; }
monitor_of() { cat "/run/vnode/$1.pid" 2>/dev/null; }

# --- the life of one vnode -----------------------------------------------------------
new_vnode a "HOOK=$T/hook
HOSTNAME=alpha"
"$V" boot a >"$T/out" 2>&1 &
bootpid=$!
check hook_booting [ "$(next_event)" = "a booting" ]
check hook_up [ "$(next_event)" = "a up" ]
wait $bootpid
check boot_returns_0_when_up [ $? = 0 ]
check boot_says_up grep -q "a: up" "$T/out"
check status_shows_up sh -c '"$1" status a | grep -q "state: *up"' - "$V"
check list_shows_up sh -c '"$1" list | grep -q "^a  *up"' - "$V"
check list_json sh -c '"$1" list --json | grep -q "\"name\":\"a\",\"state\":\"up\""' - "$V"
check exec_sees_hostname [ "$("$V" exec a hostname)" = alpha ]
check exec_is_pid_ns [ "$("$V" exec a sh -c 'echo $$')" != "" ] && [ "$("$V" exec a cat /proc/1/comm)" = vinit ]
check exec_returns_status sh -c '"$1" exec a sh -c "exit 5"; [ $? = 5 ]' - "$V"
check exec_host_root_unreachable sh -c '! "$1" exec a test -e "$2/hook"' - "$V" "$T"
"$V" exec a sh -c 'echo kept >/kept'
check log_has_console sh -c '"$1" log a | grep -q "rc: alpha up"' - "$V"

"$V" boot a >"$T/out2" 2>&1
check second_boot_is_already_running_exit_1 [ $? = 1 ]
check second_boot_says_so grep -q "already running" "$T/out2"

"$V" reboot a >"$T/out3" 2>&1 &
rebootpid=$!
check reboot_from_outside_boots_again [ "$(next_event)" = "a booting" ] && [ "$(next_event)" = "a up" ]
wait $rebootpid
check reboot_returns_0_once_up_again [ $? = 0 ] && grep -q "a: rebooted" "$T/out3"
check reboot_counts_boots sh -c '"$1" status a | grep -q "boot 2"' - "$V"
mon=$(monitor_of a)
check monitor_is_the_static_watcher [ "$(cat /proc/"$mon"/comm)" = vnode-monitor ] &&
	[ "$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/"$mon"/status)" -lt 512 ]
"$V" exec a reboot
check reboot_from_inside_boots_again [ "$(next_event)" = "a booting" ] && [ "$(next_event)" = "a up" ]
check reboot_leaks_no_monitor_fd_into_vnode sh -c '! "$1" exec a ls -l /proc/1/fd /proc/self/fd | grep -q -e "a\.pid" -e "anon_inode:\[pidfd\]"' - "$V"

"$V" halt a >/dev/null &
haltpid=$!
check hook_halting [ "$(next_event)" = "a halting" ]
check hook_down [ "$(next_event)" = "a down" ]
wait $haltpid
check halt_returns_0 [ $? = 0 ]
check halt_removes_runtime_files [ ! -e /run/vnode/a.pid ] && [ ! -e /run/vnode/a.state ]
check halt_keeps_state [ "$(cat "$VNODE_HOME/a/root/kept")" = kept ]

sed -i '/^HOOK=/d' "$VNODE_HOME/a/config"
"$V" boot a >/dev/null
check boot_again_after_halt [ $? = 0 ]
"$V" exec a poweroff
"$V" wait a
check poweroff_from_inside_stops_it [ ! -e /run/vnode/a.pid ]
"$V" boot a >/dev/null
"$V" kill a >/dev/null
check kill_returns_0 [ $? = 0 ]
check kill_removes_writable_state [ ! -e "$VNODE_HOME/a/root/kept" ]
check kill_keeps_config [ -f "$VNODE_HOME/a/config" ]

# A reboot re-reads the config; a broken one ends the vnode cleanly, reported.
"$V" boot a >/dev/null
cp "$VNODE_HOME/a/config" "$T/a.config"
echo 'NETWORK=bogus' >>"$VNODE_HOME/a/config"
"$V" reboot a >"$T/out4" 2>&1
check reboot_into_bad_config_fails [ $? = 1 ] && grep -q "a: did not come back up" "$T/out4"
check reboot_into_bad_config_logged grep -q "NETWORK" /var/log/vnode/a.log
check reboot_into_bad_config_nothing_left [ ! -e /run/vnode/a.pid ] && [ ! -e /run/vnode/a.state ] &&
	[ ! -e /run/netns/a ] && [ -z "$(ip -o link show | grep ' a0[@:]')" ]
cp "$T/a.config" "$VNODE_HOME/a/config"
"$V" boot a >/dev/null
"$V" exec a touch /kept2
echo 'NETWORK=bogus' >>"$VNODE_HOME/a/config"
"$V" kill a >"$T/out5" 2>&1
check kill_with_bad_config_says_state_kept [ $? = 1 ] && grep -q "a: stopped, but its writable state was kept" "$T/out5"
check kill_with_bad_config_stopped_it [ ! -e /run/vnode/a.pid ] && [ -e "$VNODE_HOME/a/root/kept2" ]
cp "$T/a.config" "$VNODE_HOME/a/config"
"$V" boot a >/dev/null
rm "$VNODE_HOME/a/config"
"$V" halt a >/dev/null
check halt_needs_no_config_while_running [ $? = 0 ] && [ ! -e /run/vnode/a.pid ]
cp "$T/a.config" "$VNODE_HOME/a/config"

# An init that ignores SIGINT: the reboot request escalates to SIGKILL after STOP_TIMEOUT.
new_vnode e 'INIT=/sbin/stubborn
STOP_TIMEOUT=1'
mkdir -p "$VNODE_HOME/e/root/sbin"
printf '#!/bin/sh\ntrap "" INT\nexec sleep 100000\n' >"$VNODE_HOME/e/root/sbin/stubborn"
chmod +x "$VNODE_HOME/e/root/sbin/stubborn"
"$V" boot e >/dev/null
"$V" reboot e >"$T/out6" 2>&1
check reboot_of_stubborn_init_comes_back [ $? = 0 ] && sh -c '"$1" status e | grep -q "boot 2"' - "$V"
check reboot_of_stubborn_init_logged grep -q "still running 1 s after the reboot request" /var/log/vnode/e.log
"$V" kill e >/dev/null
rm -rf "$VNODE_HOME/e"

# --- crash safety ------------------------------------------------------------------------
"$V" boot a >/dev/null
"$V" reboot a >/dev/null  # and the monitor that dies is one that has been through a reboot
mon=$(monitor_of a) init=$(init_of a)
kill -9 "$mon" && gone "$mon"
check sigkill_monitor_status_says_orphaned sh -c '"$1" status a | grep -q "state: *orphaned"' - "$V"
"$V" boot a >/dev/null 2>&1
check sigkill_monitor_boot_refuses_running_orphan [ $? = 1 ]
"$V" halt a >/dev/null
check sigkill_monitor_halt_stops_orphan sh -c '"$1" status a | grep -q "state: *stopped"' - "$V"
"$V" boot a >/dev/null
check sigkill_monitor_boot_works_after [ $? = 0 ]
mon=$(monitor_of a) init=$(init_of a)
kill -9 "$mon" "$init" && gone "$mon" "$init"
"$V" wait a
"$V" boot a >/dev/null
check sigkill_everything_then_boot_works [ $? = 0 ]
"$V" halt a >/dev/null

mkfifo "$T/gate"
printf '#!/bin/sh\necho "$1 $2" >%s; read x <%s\n' "$T/events" "$T/gate" >"$T/hook2"
chmod +x "$T/hook2"
new_vnode b "HOOK=$T/hook2"
"$V" boot b >/dev/null 2>&1 &
bootpid=$!
next_event >/dev/null  # the monitor now waits in its "booting" hook
kill -9 "$(monitor_of b)"
echo go >"$T/gate"  # lets the orphaned hook end
wait $bootpid
check sigkill_monitor_during_boot_fails_boot [ $? != 0 ]
sed -i '/^HOOK=/d' "$VNODE_HOME/b/config"
"$V" boot b >/dev/null
check sigkill_monitor_during_boot_then_boot_works [ $? = 0 ]
"$V" halt b >/dev/null

# --- two boots at once: exactly one wins -----------------------------------------------
"$V" boot a >"$T/o1" 2>&1 & p1=$!
"$V" boot a >"$T/o2" 2>&1 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check concurrent_boots_one_wins [ "$(echo $r1 $r2 | tr ' ' '\n' | sort | tr '\n' ' ')" = "0 1 " ]
"$V" halt a >/dev/null

# --- many at once -----------------------------------------------------------------------
i=1
while [ $i -le 20 ]; do new_vnode "m$i"; i=$((i + 1)); done
"$V" boot-all -j 4 >"$T/all" 2>&1 || cat "$T/all" >&2
check boot_all_20_returns_0 [ $? = 0 ]
check boot_all_20_all_up [ "$("$V" list | grep -c ' up ')" = 22 ] || [ "$("$V" list | grep -c ' up ')" = 20 ]
"$V" halt-all -j 8 >/dev/null 2>&1
check halt_all_returns_0 [ $? = 0 ]
check halt_all_none_running [ "$("$V" list | grep -c ' up ')" = 0 ]
check halt_all_no_runtime_files [ -z "$(ls /run/vnode 2>/dev/null | grep -E '^(m[0-9]+|a|b)\.')" ]

# --- foreground and the compatibility names ---------------------------------------------
mkdir -p "$T/bin" "$VNODE_HOME/p"
for n in pretend-boot vnodesetup bootvnodes; do ln -s "$V" "$T/bin/$n"; done
make_busybox_root "$VNODE_HOME/p/root"
echo 'echo "rc: p says hello"; poweroff' >"$VNODE_HOME/p/root/etc/rc"
echo 'NETWORK=none' >"$VNODE_HOME/p/config"
"$V" boot -f p >"$T/fg" 2>&1
check boot_foreground_returns_when_vnode_ends [ $? = 0 ] && [ ! -e /run/vnode/p.pid ]
check boot_foreground_console_on_terminal grep -q "rc: p says hello" "$T/fg"
check boot_foreground_console_in_log sh -c '"$1" log p | grep -q "rc: p says hello"' - "$V"
# --- back to back, as a script or a reboot loop runs it ----------------------------------
# Each boot finds the last run's host veth q0 still dying in the kernel and reclaims it; now
# and then the kernel deletes it meanwhile (4 boots in 200 in the bench's set-up).
BR=vnt$$hb
ip link add "$BR" type bridge && ip link set "$BR" up
at_exit "ip link del $BR 2>/dev/null"
base=$(cat /sys/class/net/"$BR"/ifindex)
mkdir -p "$VNODE_HOME/q"
make_busybox_root "$T/qroot"
echo poweroff >"$T/qroot/etc/rc"
truncate -s 16M "$T/q.img" && mkfs.ext4 -q -F -d "$T/qroot" "$T/q.img"
printf 'DISKS=( vda:0:%s )\nBRIDGES=( %s: )\n' "$T/q.img" "$BR" >"$VNODE_HOME/q/config"
ok=0
for i in $(seq 100); do "$V" boot -f q >/dev/null 2>>"$T/b2b" && ok=$((ok + 1)); done
check back_to_back_100_boots_all_succeed [ "$ok" = 100 ]
[ -s "$T/b2b" ] && sed 's/^/  stderr: /' "$T/b2b" | sort | uniq -c | head -3
# shellcheck disable=SC2046 # one word per interface name
check back_to_back_leaves_no_veth "$B/tests/helpers/netns_waitgone" 5000 q0 $(retired_since "$base")
"$T/bin/pretend-boot" p >"$T/pb" 2>&1
check pretend_boot_is_boot_f [ $? = 0 ] && grep -q "poweroff done" "$T/pb"
"$T/bin/vnodesetup" -j -b m1 >/dev/null
check vnodesetup_b_boots sh -c '"$1" status m1 | grep -q "state: *up"' - "$V"
"$T/bin/vnodesetup" -j -h m1 >/dev/null
check vnodesetup_h_halts sh -c '"$1" status m1 | grep -q "state: *stopped"' - "$V"
rm -rf "$VNODE_HOME/p"
"$T/bin/bootvnodes" -b >/dev/null 2>&1
check bootvnodes_b_boots_all [ "$("$V" list | grep -c ' up ')" -ge 20 ]
"$T/bin/bootvnodes" -h >/dev/null 2>&1
check bootvnodes_h_halts_all [ "$("$V" list | grep -c ' up ')" = 0 ]

# --- installed layout: vnode finds vnode-monitor in PREFIX/libexec/vnode ----------------
make -s -C "$TOP" install DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
"$T/inst/usr/sbin/vnode" boot m2 >/dev/null 2>&1
check installed_vnode_boots [ $? = 0 ] &&
	[ "$(readlink /proc/"$(monitor_of m2)"/exe)" = "$T/inst/usr/libexec/vnode/vnode-monitor" ]
"$T/inst/usr/sbin/vnode" reboot m2 >/dev/null 2>&1
check installed_monitor_resumes_installed_vnode [ $? = 0 ]
"$T/inst/usr/sbin/vnode" halt m2 >/dev/null 2>&1
mkdir -p "$T/lone" && cp "$V" "$T/lone/vnode"
"$T/lone/vnode" boot m2 >"$T/lone.out" 2>&1
check missing_monitor_fails_boot [ $? = 1 ] && grep -q "no vnode-monitor next to $T/lone/vnode" "$T/lone.out"
check missing_monitor_leaves_nothing [ ! -e /run/vnode/m2.pid ] && [ ! -e /run/vnode/m2.state ] &&
	[ ! -e /run/netns/m2 ]

# --- bad input ---------------------------------------------------------------------------
expect() {  # NAME STATUS PATTERN CMD...: exit status and a one-line message
	n=$1 st=$2 pat=$3; shift 3
	"$@" >"$T/bad" 2>&1
	r=$?
	if [ "$r" = "$st" ] && grep -q -- "$pat" "$T/bad" && [ "$(wc -l <"$T/bad")" = 1 ]; then pass "$n"
	else fail "$n" "exit $r, wanted $st; output: $(cat "$T/bad")"; fi
}
expect bad_no_such_vnode 2 "nosuch: no such vnode" "$V" boot nosuch
expect bad_name 2 "bad vnode name" "$V" boot "a_b"
expect bad_name_too_long 2 "bad vnode name" "$V" boot "$(printf 'x%.0s' $(seq 60))"
new_vnode c 'DISKS=( $(evil) )'
expect bad_config_syntax_names_line_col 2 "c/config:3:" "$V" boot c
new_vnode c 'BRIDGE=( x )'
expect bad_unknown_key_did_you_mean 2 "did you mean BRIDGES" "$V" boot c
new_vnode c 'STOP_TIMEOUT=soon'
expect bad_stop_timeout 2 "STOP_TIMEOUT" "$V" boot c
printf 'BASE=%s/nonexistent\nNETWORK=none\n' "$T" >"$VNODE_HOME/c/config"
expect bad_missing_base 2 "BASE" "$V" boot c
mkdir -p "$VNODE_HOME/d" && echo 'NETWORK=none' >"$VNODE_HOME/d/config"
expect bad_no_root_source 2 "d/config: no root: set DISKS or BASE" "$V" boot d
rm -rf "$VNODE_HOME/d"
expect bad_monitor_by_hand 2 "vnode-monitor: bad monitor argument" "$B/vnode-monitor" --frob=1
expect bad_not_root 2 "must be run as root" setpriv --reuid 65534 --regid 65534 --clear-groups "$V" boot a
expect bad_boot_f_two_names 2 "boot -f takes one NAME" "$V" boot -f a b
expect bad_unknown_command 2 "unknown command" "$V" frobnicate
check bad_input_left_no_runtime_files [ ! -e /run/vnode/c.pid ] && [ ! -e /run/vnode/c.state ]
finish
