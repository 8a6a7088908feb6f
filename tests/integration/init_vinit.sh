#!/bin/sh
# vinit as PID 1 of real pid and mount namespaces over a busybox-static root.
. "$(dirname "$0")/lib.sh"
NSRUN=$B/tests/helpers/init_nsrun
CTL=$B/tests/helpers/init_ctlwrite
ROOT=$T/root
STARTED=""
at_exit 'for p in $STARTED; do kill -9 $p 2>/dev/null; done; wait'
make_busybox_root "$ROOT"

# boot [VINIT-ARGS...]: vinit starts in the background; returns once it is up, with $pid set.
boot() {
	rm -f "$T/ready" "$T/out"
	mkfifo "$T/ready"
	"$NSRUN" -r "$ROOT" -R "$T/ready" -- /sbin/init --ready-fd 3 "$@" >"$T/out" 2>&1 &
	nspid=$!
	STARTED="$STARTED $nspid"
	pid=$(timeout 10 sh -c 'read p <"$1" && echo $p' - "$T/ready")
}
# ended: waits for vinit's end; $END is how its parent saw it: "exit N" or "signal N".
ended() { wait "$nspid"; END=$(tail -n 1 "$T/out"); }
set_rc() { rm -f "$ROOT/etc/rc" "$ROOT/rc.log"; printf '%s\n' "$1" >"$ROOT/etc/rc"; }
logged() { grep -q "$1" "$T/out"; }
ended_is() { ended; [ "$END" = "$1" ]; }
# ended_before_the_grace: vinit logged the end of its shutdown, and no KILL for a grace over.
ended_before_the_grace() { logged "done in [0-9]* ms" && ! logged "grace of [0-9]* ms over"; }

# --- rc --------------------------------------------------------------------
set_rc 'echo "rc $1" >/rc.log; poweroff'
boot
check rc_etc_rc_runs_then_poweroff ended_is "signal 2"
check rc_etc_rc_got_autoboot [ "$(cat "$ROOT/rc.log")" = "rc autoboot" ]

# In a pid namespace reboot(2) ends only the namespace: no sync(2) of the whole host.
set_rc 'poweroff'
# (busybox's poweroff syncs by itself: only vinit's own calls count.)
strace -f -qq -e trace=sync,execve -o "$T/strace" "$NSRUN" -r "$ROOT" -- /sbin/init >"$T/out" 2>&1
vpid=$(sed -n 's|^\([0-9]*\) *execve("/sbin/init".*= 0$|\1|p' "$T/strace")
check shutdown_in_pid_ns_ends_by_signal [ "$(tail -n 1 "$T/out")" = "signal 2" ]
check shutdown_strace_saw_vinit sh -c '[ -n "$1" ] && grep -q "^$1 .*killed by SIGINT" "$2"' - "$vpid" "$T/strace"
check shutdown_in_pid_ns_does_not_sync sh -c '! grep -q "^$1 *sync()" "$2"' - "$vpid" "$T/strace"

rm -f "$ROOT/etc/rc" "$ROOT/rc.log"
mkdir -p "$ROOT/etc/init.d"
echo 'echo "rcS $RUNLEVEL" >>/rc.log' >"$ROOT/etc/init.d/rcS"
echo 'echo "rc $1 $RUNLEVEL $PREVLEVEL" >>/rc.log; [ "$1" = 2 ] && poweroff; true' >"$ROOT/etc/init.d/rc"
boot
check rc_sysv_style_runs_rcS_rc2_then_rc0 ended_is "signal 2"
check rc_sysv_order_and_runlevels [ "$(cat "$ROOT/rc.log" | tr '\n' ,)" = "rcS S,rc 2 2 N,rc 0 0 2," ]
rm -rf "$ROOT/etc/init.d" "$ROOT/rc.log"

set_rc 'exit 3'
boot
# the rc has exited when vinit logs it; vinit must still be there
timeout 10 sh -c 'until grep -q "failed with status 3" "$1"; do sleep 0.01; done' - "$T/out"
check rc_failure_is_logged_and_vnode_stays_up kill -0 "$pid"
kill -TERM "$pid"
check rc_failure_then_stop_from_outside ended_is "signal 2"

# --- boot mounts and /run/initctl ----------------------------------------------
set_rc ':'
boot
mi=$(cat /proc/$pid/mountinfo)
for m in " /proc " " /sys " " /dev/pts " " /dev/shm " " /run "; do
	n=$(echo "$mi" | grep -c "$m")
	check "boot_mounts_${m# /}once" [ "$n" = 1 ]
done
check initctl_is_a_fifo_mode_0600 [ "$(stat -c %A "/proc/$pid/root/run/initctl")" = prw------- ]
kill -TERM "$pid"; ended

# --- reaping -------------------------------------------------------------------
z=$(rounds 1000)
set_rc 'i=0; while [ $i -lt '"$z"' ]; do (true &); i=$((i + 1)); done
n=0; while [ $n -lt 500 ]; do
	z=$(grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l)
	[ "$z" = 0 ] && break; n=$((n + 1)); usleep 10000; done
echo "$i $z" >/rc.log; poweroff'
boot
ended
check reaping_1000_orphaned_zombies_all_reaped [ "$(cat "$ROOT/rc.log")" = "$z 0" ]

# --- /run/initctl requests --------------------------------------------------------
ctl_case() {  # NAME EXPECTED CTL-ARGS...
	name=$1 want=$2; shift 2
	set_rc ':'
	boot
	"$CTL" "/proc/$pid/root/run/initctl" "$@"
	check "$name" ended_is "$want"
}
ctl_case initctl_runlevel_0_powers_off "signal 2" runlevel 0
ctl_case initctl_runlevel_6_reboots "signal 1" runlevel 6
ctl_case initctl_split_request_reboots "signal 1" split 6
ctl_case initctl_two_requests_in_one_write "signal 1" double 3 6
ctl_case initctl_bad_magic_powers_off "signal 2" badmagic 6

set_rc ':'
boot
"$CTL" "/proc/$pid/root/run/initctl" setenv INIT_HALT=HALT
"$CTL" "/proc/$pid/root/run/initctl" runlevel 0
check initctl_init_halt_then_runlevel_0_halts ended_is "signal 2"
check initctl_halt_is_logged logged "runlevel 0: halt"

boot
echo hello >"/proc/$pid/root/run/initctl"
check initctl_plain_write_powers_off ended_is "signal 2"

# --- signals from outside ---------------------------------------------------------
for case in TERM:2 PWR:2 37:2 38:2 USR1:2 INT:1 39:1; do
	sig=${case%:*} want="signal ${case#*:}"
	boot
	kill -s "$sig" "$pid" 2>/dev/null || kill "-$sig" "$pid"
	check "outside_signal_${sig}_ends_with_${want#signal }" ended_is "$want"
done

# --- busybox's own tools inside ----------------------------------------------------
for case in poweroff:2:SIGUSR2 halt:2:SIGUSR1 reboot:1:SIGTERM; do
	tool=${case%%:*} rest=${case#*:}
	set_rc "$tool"
	boot
	check "busybox_${tool}_inside" ended_is "signal ${rest%%:*}"
	check "busybox_${tool}_seen_from_inside" logged "${rest#*:} from pid"
done

# --- grace and escalation --------------------------------------------------------------
# rc_started: waits until the rc says (through a FIFO in the root) that its children run.
rc_started() { timeout 10 cat "$ROOT/rc.fifo" >/dev/null; }
rm -f "$ROOT/rc.fifo"; mkfifo "$ROOT/rc.fifo"
set_rc 'sh -c "trap \"\" TERM; echo started >/rc.fifo; exec sleep 1000" &'
boot --grace 0.3
rc_started
kill -TERM "$pid"
check grace_term_ignorer_is_killed ended_is "signal 2"
check grace_one_killed_after_grace logged "1 killed after the 300 ms grace"
ms=$(sed -n 's/.*done in \([0-9]*\) ms.*/\1/p' "$T/out")
check grace_waited_the_grace [ "${ms:-0}" -ge 300 ]

set_rc 'i=0; while [ $i -lt 20 ]; do sleep 1000 & i=$((i + 1)); done; echo started >/rc.fifo'
boot
rc_started
kill -TERM "$pid"
ended
# Once all 20 have obeyed the TERM, vinit ends at once: its grace (5 s) never runs out, so
# it never logs "grace of ... over: sending KILL". (How long it took is a figure, not a check.)
echo "# shutdown when all obey: $(sed -n 's/.*done in \([0-9]*\) ms.*/\1/p' "$T/out") ms"
check shutdown_when_all_obey_ends_before_the_grace ended_before_the_grace
check shutdown_when_all_obey_kills_nobody logged "(0 killed"

# --- command mode ---------------------------------------------------------------------
rm -f "$T/ready"; mkfifo "$T/ready"
out=$("$NSRUN" -r "$ROOT" -- /sbin/init -- /bin/sh -c 'exit 7' 2>/dev/null)
check command_mode_returns_child_status [ "$out" = "exit 7" ]
out=$("$NSRUN" -r "$ROOT" -- /sbin/init -- /bin/sh -c 'kill -9 $$' 2>/dev/null)
check command_mode_killed_child_is_128_plus_signal [ "$out" = "exit 137" ]
out=$("$NSRUN" -r "$ROOT" -- /sbin/init -- /bin/sh -c 'sleep 1000 & exit 5' 2>/dev/null)
check command_mode_stragglers_stopped [ "$out" = "exit 5" ]
out=$("$NSRUN" -r "$ROOT" -- /sbin/init -- /no/such/cmd 2>/dev/null)
check command_mode_missing_command_is_127 [ "$out" = "exit 127" ]

# Not PID 1: a subreaper that stops only its own descendants, never the host.
"$B/vinit" -q -- /bin/sh -c "sh -c 'sleep 1000 & echo \$! >$T/sp'; exit 4"
rc=$?
check command_mode_not_pid1_returns_status [ "$rc" = 4 ]
sp=$(cat "$T/sp")
check command_mode_not_pid1_orphan_stopped sh -c "[ -n '$sp' ] && ! kill -0 '$sp' 2>/dev/null"

finish
