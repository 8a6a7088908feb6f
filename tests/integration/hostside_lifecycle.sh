#!/bin/sh
# The life of one vnode through the launcher: boot (with its HOOK's "booting" and "up"),
# status, list (text and JSON), no fd of the booting shell in the monitor, exec (hostname, pid namespace, exit status, no way out to
# the host's root), the console log, a second boot refused while it runs, halt (with its
# HOOK's "halting" and "down": runtime files removed, writable state kept), a boot again,
# poweroff from inside, and kill (writable state removed, config kept). Vnode: lc-a.
. "$(dirname "$0")/lib.sh"
vnode_setup
vnode_hooks

new_vnode lc-a "HOOK=$T/hook
HOSTNAME=alpha"
touch "$T/inherited"
vnode_bg "$V" boot lc-a >"$T/out" 2>&1 7<"$T/inherited"
bootpid=$!
check hook_booting [ "$(next_event)" = "lc-a booting" ]
check hook_up [ "$(next_event)" = "lc-a up" ]
wait $bootpid
check boot_returns_0_when_up [ $? = 0 ]
check boot_says_up grep -q "lc-a: up" "$T/out"
# holds_no FILE PID: none of PID's fds is FILE.
holds_no() { ! ls -l "/proc/$2/fd" | grep -q -- "$1"; }
check monitor_holds_no_fd_of_the_booting_shell holds_no "$T/inherited" "$(monitor_of lc-a)"
check status_shows_up sh -c '"$1" status lc-a | grep -q "state: *up"' - "$V"
check list_shows_up sh -c '"$1" list | grep -q "^lc-a  *up"' - "$V"
# json_says FILTER CMD...: CMD's output is JSON, and jq's FILTER is true of it.
json_says() { _f=$1; shift; "$@" | jq -e "$_f" >/dev/null; }
check list_json json_says '.version == 1 and ([.vnodes[] | select(.name == "lc-a")][0].state == "up")' "$V" list --json
check status_json json_says '.version == 1 and .vnode.name == "lc-a" and .vnode.state == "up" and .vnode.init > 0 and .vnode.network == "none" and (.vnode.interfaces | length) == 0' "$V" status --json lc-a
check exec_sees_hostname [ "$("$V" exec lc-a hostname)" = alpha ]
# PID 1 inside is vinit. (Its comm is "init": the kernel names a process after the path it
# was exec'd by, and the vnode's INIT is /sbin/init, a link to vinit; its exe is vinit.)
# pid_ns_of_vinit VNODE: exec's shell has a pid there, and PID 1 there is vinit.
pid_ns_of_vinit() {
	[ -n "$("$V" exec "$1" sh -c 'echo $$')" ] || return 1
	[ "$("$V" exec "$1" readlink /proc/1/exe)" = /sbin/vinit ]
}
check exec_is_pid_ns pid_ns_of_vinit lc-a
check exec_returns_status sh -c '"$1" exec lc-a sh -c "exit 5"; [ $? = 5 ]' - "$V"
check exec_host_root_unreachable sh -c '! "$1" exec lc-a test -e "$2/hook"' - "$V" "$T"
"$V" exec lc-a sh -c 'echo kept >/kept'
check log_has_console sh -c '"$1" log lc-a | grep -q "rc: alpha up"' - "$V"

"$V" boot lc-a >"$T/out2" 2>&1
check second_boot_is_already_running_exit_1 [ $? = 1 ]
check second_boot_says_so grep -q "already running" "$T/out2"

vnode_bg "$V" halt lc-a >/dev/null
haltpid=$!
check hook_halting [ "$(next_event)" = "lc-a halting" ]
check hook_down [ "$(next_event)" = "lc-a down" ]
wait $haltpid
check halt_returns_0 [ $? = 0 ]
check halt_removes_runtime_files none_exist /run/vnode/lc-a.pid /run/vnode/lc-a.state
check halt_keeps_state [ "$(cat "$VNODE_HOME/lc-a/root/kept")" = kept ]

sed -i '/^HOOK=/d' "$VNODE_HOME/lc-a/config"
"$V" boot lc-a >/dev/null
check boot_again_after_halt [ $? = 0 ]
"$V" exec lc-a poweroff
"$V" wait lc-a
check poweroff_from_inside_stops_it [ ! -e /run/vnode/lc-a.pid ]
"$V" boot lc-a >/dev/null
"$V" kill lc-a >/dev/null
check kill_returns_0 [ $? = 0 ]
check kill_removes_writable_state [ ! -e "$VNODE_HOME/lc-a/root/kept" ]
check kill_keeps_config [ -f "$VNODE_HOME/lc-a/config" ]
finish
