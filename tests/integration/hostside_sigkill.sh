#!/bin/sh
# Crash safety of the launcher: a SIGKILLed monitor (one that has been through a reboot)
# leaves an orphaned vnode that status reports, boot refuses and halt stops; after a
# SIGKILL of the monitor and init together a boot works; a monitor SIGKILLed while its
# "booting" hook runs fails that boot and the next boot works; of two boots of one vnode at
# once exactly one wins; an orphan's halt runs its HOOK's down. Vnodes: sk-a .. sk-d.
. "$(dirname "$0")/lib.sh"
vnode_setup
vnode_hooks

new_vnode sk-a
"$V" boot sk-a >/dev/null
"$V" reboot sk-a >/dev/null  # and the monitor that dies is one that has been through a reboot
mon=$(monitor_of sk-a)
kill -9 "$mon" && gone "$mon"
check sigkill_monitor_status_says_orphaned sh -c '"$1" status sk-a | grep -q "state: *orphaned"' - "$V"
"$V" boot sk-a >/dev/null 2>&1
check sigkill_monitor_boot_refuses_running_orphan [ $? = 1 ]
"$V" halt sk-a >/dev/null
check sigkill_monitor_halt_stops_orphan sh -c '"$1" status sk-a | grep -q "state: *stopped"' - "$V"
"$V" boot sk-a >/dev/null
check sigkill_monitor_boot_works_after [ $? = 0 ]
mon=$(monitor_of sk-a) init=$(init_of sk-a)
kill -9 "$mon" "$init" && gone "$mon" "$init"
"$V" wait sk-a
"$V" boot sk-a >/dev/null
check sigkill_everything_then_boot_works [ $? = 0 ]
"$V" halt sk-a >/dev/null

# An orphan's end is told like any other: the halt that stops it runs its HOOK's down.
new_vnode sk-d "HOOK=$T/hook"
vnode_bg "$V" boot sk-d >/dev/null
bootpid=$!
check sigkill_hooked_vnode_boots next_events_are "sk-d booting" "sk-d up"
wait $bootpid
mon=$(monitor_of sk-d)
kill -9 "$mon" && gone "$mon"
vnode_bg "$V" halt sk-d >/dev/null
haltpid=$!
check sigkill_monitor_halt_runs_hook_down next_events_are "sk-d down"
wait $haltpid
check sigkill_monitor_halt_of_hooked_orphan_returns_0 [ $? = 0 ]

# The monitor dies while its "booting" hook waits at the gate.
mkfifo "$T/gate"
at_exit 'exec 8<>"$T/gate"; echo go >&8'  # a hook still at the gate goes on
printf '#!/bin/sh\necho "$1 $2" >%s; read x <%s\n' "$T/events" "$T/gate" >"$T/hook2"
chmod +x "$T/hook2"
new_vnode sk-b "HOOK=$T/hook2"
vnode_bg "$V" boot sk-b >/dev/null 2>&1
bootpid=$!
check sigkill_monitor_during_boot_hook_runs [ "$(next_event)" = "sk-b booting" ]
kill -9 "$(monitor_of sk-b)"
timeout 10 sh -c 'echo go >"$1"' - "$T/gate"  # lets the orphaned hook end
wait $bootpid
check sigkill_monitor_during_boot_fails_boot [ $? != 0 ]
sed -i '/^HOOK=/d' "$VNODE_HOME/sk-b/config"
"$V" boot sk-b >/dev/null
check sigkill_monitor_during_boot_then_boot_works [ $? = 0 ]
"$V" halt sk-b >/dev/null

# Two boots at once: exactly one wins.
new_vnode sk-c
vnode_bg "$V" boot sk-c >"$T/o1" 2>&1
p1=$!
vnode_bg "$V" boot sk-c >"$T/o2" 2>&1
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check concurrent_boots_one_wins [ "$(echo $r1 $r2 | tr ' ' '\n' | sort | tr '\n' ' ')" = "0 1 " ]
"$V" halt sk-c >/dev/null
finish
