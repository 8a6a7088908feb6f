#!/bin/sh
# Timeouts: a HOOK that hangs is killed after HOOK_TIMEOUT and the boot goes on; one that
# hangs at halting holds the halt no longer than STOP_TIMEOUT; a boot whose init never
# reports up is stopped after BOOT_TIMEOUT (one line, exit 1, nothing left); and `vnode
# kill` ends a vnode whatever its boot is stuck in (a hook, an init that never says up),
# the hook and the init with it, and a vnode whose state file is gone. Bad values exit 2.
# Vnodes: to-a, to-b, to-c, to-d, to-e, to-f.
. "$(dirname "$0")/lib.sh"
vnode_setup
# $T/hang: a HOOK that writes its pid to $T/hook.EVENT and hangs at the event $HANG_AT
printf '#!/bin/sh\necho $$ >"%s/hook.$2"\n[ "$2" = "$(cat %s/hang-at)" ] && exec sleep 1000\nexit 0\n' \
	"$T" "$T" >"$T/hang"
chmod +x "$T/hang"
hang_at() { echo "$1" >"$T/hang-at"; rm -f "$T"/hook.*; }
# the pid in a hook.EVENT file, once the hook has written it (5 s at most)
hook_pid() { for _ in $(seq 50); do [ -s "$T/hook.$1" ] && break; sleep 0.1; done; cat "$T/hook.$1"; }

hang_at booting
new_vnode to-a "HOOK=$T/hang
HOOK_TIMEOUT=1"
timeout 30 "$V" boot to-a >"$T/a.out" 2>&1
check a_hung_hook_is_killed_and_the_boot_goes_on [ "$("$V" status to-a | sed -n 's/^state: *//p')" = up ]
check it_says_so grep -q "to-a: hook $T/hang booting: still running after 1 s: killed" "$T/a.out" "/var/log/vnode/to-a.log"
check and_the_hook_is_gone gone "$(cat "$T/hook.booting")"
hang_at halting
printf 'STOP_TIMEOUT=1\nHOOK_TIMEOUT=0\n' >>"$VNODE_HOME/to-a/config"
timeout 30 "$V" reboot to-a >/dev/null  # with the config as it is now
timeout 30 "$V" halt to-a >/dev/null 2>&1
check a_hook_hung_at_halting_holds_the_halt_no_longer_than_stop_timeout [ $? = 0 ]
check and_is_killed gone "$(cat "$T/hook.halting")"
check the_halt_leaves_nothing nothing_left_of to-a

# a "vinit" that never reports up (a wrapper that sleeps before its exec)
mkdir -p "$T/slow/sbin"
printf '#!/bin/sh\necho $$ >/tmp/init.pid\nexec sleep 1000\n' >"$T/slow/sbin/vinit"
chmod +x "$T/slow/sbin/vinit"
new_vnode to-b "BINDS=( $T/slow/sbin/vinit:/sbin/slow/vinit:ro )
INIT=/sbin/slow/vinit
BOOT_TIMEOUT=2"
expect a_boot_never_up_is_stopped_after_boot_timeout 1 "to-b: not up BOOT_TIMEOUT=2 s after its boot began (its init never said so): stopped" timeout 30 "$V" boot to-b
check and_leaves_nothing nothing_left_of to-b

hang_at booting
new_vnode to-c "HOOK=$T/hang
HOOK_TIMEOUT=0"
vnode_bg "$V" boot to-c >"$T/c.out" 2>&1
bootpid=$!
hookpid=$(hook_pid booting)
expect kill_ends_a_boot_stuck_in_its_hook 0 "to-c: killed" timeout 30 "$V" kill to-c
check the_boot_ends gone "$bootpid"
kill -9 "$bootpid" 2>/dev/null  # only if it has not (a test gone red)
wait "$bootpid"
check the_boot_fails_saying_so status_and_grep $? 1 "to-c: its monitor was killed by signal 9 during the boot" "$T/c.out"
check the_stuck_hook_is_gone gone "$hookpid"
check the_kill_leaves_nothing nothing_left_of to-c

new_vnode to-d "BINDS=( $T/slow/sbin/vinit:/sbin/slow/vinit:ro )
INIT=/sbin/slow/vinit
BOOT_TIMEOUT=0"
vnode_bg "$V" boot to-d >/dev/null 2>&1
for _ in $(seq 50); do [ -n "$(init_of to-d)" ] && break; sleep 0.1; done
initpid=$(init_of to-d)
expect kill_ends_a_boot_whose_init_never_says_up 0 "to-d: killed" timeout 30 "$V" kill to-d
check its_init_is_gone gone "$initpid"
check and_nothing_is_left nothing_left_of to-d

# a vnode whose state file is gone (its launcher killed before writing it, say): kill still
# ends its init, through the cgroup it was born into
if [ -n "$(cgroup2_mount)" ]; then
	new_vnode to-f
	"$V" boot to-f >/dev/null
	initpid=$(init_of to-f)
	rm /run/vnode/to-f.state
	expect kill_ends_a_vnode_whose_state_is_lost 0 "to-f: killed" timeout 30 "$V" kill to-f
	check through_its_cgroup gone "$initpid"
	check leaving_nothing nothing_left_of to-f
else
	skip kill_ends_a_vnode_whose_state_is_lost "no cgroup v2 hierarchy here"
fi

new_vnode to-e 'BOOT_TIMEOUT=soon'
expect bad_boot_timeout 2 "to-e/config:3:.*BOOT_TIMEOUT" "$V" boot to-e
new_vnode to-e 'HOOK_TIMEOUT=-1'
expect bad_hook_timeout 2 "to-e/config:3:.*HOOK_TIMEOUT" "$V" boot to-e
finish
