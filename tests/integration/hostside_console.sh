#!/bin/sh
# The console, driven through tmux as an operator would: every vnode's /dev/console is a
# pty its monitor holds (not c 5:1, the host's); `vnode console` shows the screen so far
# (the rc's output, a getty's login prompt), takes typed commands, the window size and ^C
# inside, detaches on Ctrl-] three times and attaches again, stays attached across a
# reboot and says how the vnode ended; a second attach is refused,
# --force takes over; an attached operator who stops reading never blocks the vnode.
# `vnode boot -f` is that console from the start: Ctrl-] detaches and the vnode runs on, a
# stop signal halts it, TIOCSTI inside stays inside. `vnode exec` on a terminal: ^C and
# ^Z reach the command. Vnodes: co-a, co-b, co-c, co-d.
. "$(dirname "$0")/lib.sh"
vnode_setup
vnode_hooks
H=$B/tests/escape
TM="tmux -L vnode-console-$$"
at_exit "$TM kill-server 2>/dev/null"

# A vnode whose rc prints a line and keeps a getty on the console (autologin: the login
# name typed is all it asks). In the foreground of the rc: a command the rc put in the
# background would have ^C ignored.
console_vnode() { # NAME [CONFIG-LINE]
	new_vnode "$1" "BINDS=( $H:/t:ro )
${2:-}"
	mkdir -p "$VNODE_HOME/$1/root/etc" "$VNODE_HOME/$1/root/bin"
	printf '#!/bin/sh\nexec /bin/sh -l\n' >"$VNODE_HOME/$1/root/bin/autologin"
	chmod +x "$VNODE_HOME/$1/root/bin/autologin"
	printf '%s\n' 'echo "rc: $(hostname) says hello"' \
		'while :; do getty -l /bin/autologin 38400 console; done' >"$VNODE_HOME/$1/root/etc/rc"
}
# on_tty SESSION CMD: CMD in a new tmux session of 100x30; the pane stays after it ends.
on_tty() {
	$TM new-session -d -s "$1" -x 100 -y 30 "$2; echo EXITED \$?; exec sleep 600"
}
# screen_has SESSION PATTERN: the session's screen shows PATTERN, within 5 s. tmux tells
# no event for new output, so its screen is read every 20 ms; file_has likewise.
screen() { $TM capture-pane -p -t "$1" 2>/dev/null; }
file_out() { cat "$1" 2>/dev/null; }
within_5s() {
	_i=0
	until "$1" "$2" | grep -q -- "$3"; do
		_i=$((_i + 1))
		[ $_i -gt 250 ] && return 1
		sleep 0.02
	done
}
screen_has() { within_5s screen "$1" "$2"; }
file_has() { within_5s file_out "$1" "$2"; }
type_in() { _s=$1; shift; $TM send-keys -t "$_s" "$@"; }
# sleep_runs_in NAME: a sleep runs inside NAME (so that a ^C now is for it), 5 s at most.
sleep_found() { "$V" exec "$1" pidof sleep; }
sleep_runs_in() { within_5s sleep_found "$1" .; }
detach() { $TM send-keys -t "$1" C-] C-] C-]; }
is_up() { "$V" status "$1" | grep -q "state: *up"; }
# 136 (0x88): a Unix98 pty; the host's console is 5:1
pty_major() {
	_m=$("$V" exec "$1" stat -c %t /dev/console 2>&1)
	[ "$_m" = 88 ] || { echo "# /dev/console: $_m"; return 1; }
}

console_vnode co-a
"$V" boot co-a >/dev/null
check console_is_a_pty_not_the_hosts pty_major co-a
on_tty s1 "\"$V\" console co-a"
check console_shows_the_rc_output screen_has s1 "rc: co-a says hello"
check console_shows_a_login_prompt screen_has s1 "co-a login:"
type_in s1 root Enter
check console_gives_a_shell screen_has s1 "^/ #"
type_in s1 'echo co-$((6*7))-ok' Enter
check console_runs_what_is_typed screen_has s1 "^co-42-ok"
type_in s1 'stty size' Enter
check console_has_the_window_size screen_has s1 "^30 100"
type_in s1 'sleep 100' Enter
sleep_runs_in co-a
type_in s1 C-c
type_in s1 'echo after-$((1+1))' Enter
check console_ctrl_c_reaches_inside screen_has s1 "^after-2"

expect console_second_attach_refused 1 "its console is attached (by pid" "$V" console co-a </dev/null
on_tty s2 "\"$V\" console --force co-a"
check console_force_takes_over screen_has s1 "console taken over by pid"
check console_force_shows_the_screen screen_has s2 "^after-2"
detach s2
check console_detach_says_so screen_has s2 "co-a: detached; it keeps running"
check console_detach_exits_0 screen_has s2 "EXITED 0"
check console_detach_leaves_it_up is_up co-a
on_tty s3 "\"$V\" console co-a"
type_in s3 'echo again-$((2+2))' Enter
check console_attach_again screen_has s3 "^again-4"
detach s3

# An attached operator that stops reading: the vnode's output goes on, into the log.
screen_has s3 "EXITED"
"$V" console co-a </dev/null >/dev/null 2>"$T/stalled" &
cp=$!
file_has "$T/stalled" "attached" && kill -STOP $cp
"$V" exec co-a sh -c 'head -c 4194304 /dev/zero | tr "\000" y >/dev/console; echo END-OF-FLOOD >/dev/console' &
ep=$!
# ended_within MS PID: PID ended within MS, with status 0 (else it is killed).
ended_within() {
	if "$B/tests/helpers/hostside_waitgone" "$1" "$2"; then wait "$2"; return; fi
	kill "$2"
	return 1
}
check stalled_operator_never_blocks_the_vnode ended_within 20000 $ep
kill -CONT $cp
kill -TERM $cp  # a signal detaches `vnode console`
check stalled_operator_detaches_on_a_signal wait $cp
check console_log_has_it_all file_has /var/log/vnode/co-a.log END-OF-FLOOD
# A reboot keeps the console, and the operator on it.
on_tty s4 "\"$V\" console co-a"
screen_has s4 "END-OF-FLOOD"
"$V" reboot co-a >/dev/null
check console_stays_attached_across_a_reboot screen_has s4 "rc: co-a says hello"
screen_has s4 "co-a login:" && type_in s4 root Enter  # (getty flushes what came before)
screen_has s4 "^/ #" && type_in s4 'echo rebooted-$((4+4))' Enter
check console_takes_input_after_a_reboot screen_has s4 "^rebooted-8"
"$V" halt co-a >/dev/null
check console_says_the_end screen_has s4 "co-a: powered off"

# boot -f: the console from the start.
console_vnode co-b
on_tty f1 "\"$V\" boot -f co-b; $H/tiocsti --pending >$T/pending"
check boot_f_shows_the_login_prompt screen_has f1 "co-b login:"
type_in f1 root Enter
check boot_f_gives_a_shell screen_has f1 "^/ #"
type_in f1 "/t/tiocsti 'echo landed-inside-\$((5*5))'" Enter
check boot_f_tiocsti_lands_inside screen_has f1 "^landed-inside-25"
detach f1
check boot_f_detach_exits_0 screen_has f1 "EXITED 0"
check boot_f_detach_leaves_it_up is_up co-b
# what waits in the operator's terminal once boot -f is gone: nothing pushed from inside
check boot_f_tiocsti_pushed_nothing_here file_has "$T/pending" "^0$"
"$V" halt co-b >/dev/null
on_tty f2 "\"$V\" boot -f co-b"
screen_has f2 "co-b login:" && type_in f2 root Enter
screen_has f2 "^/ #" && type_in f2 poweroff Enter
check boot_f_ends_with_the_vnode screen_has f2 "EXITED 0"
expect console_of_a_stopped_vnode 1 "co-b: not running" "$V" console co-b

# The attack without a login: the rc itself pushes a line into its stdin, then powers off.
# Before the console was a pty (c4d8863), that stdin was the operator's terminal, and a
# privileged vnode (CAP_SYS_ADMIN: TIOCSTI on a terminal not its own) got the line there.
new_vnode co-d "BINDS=( $H:/t:ro )
PRIVILEGED=yes"
mkdir -p "$VNODE_HOME/co-d/root/etc"
printf '%s\n' "/t/tiocsti 'touch $T/pwned'" poweroff >"$VNODE_HOME/co-d/root/etc/rc"
on_tty f4 "\"$V\" boot -f co-d; $H/tiocsti --pending >$T/pending4"
check boot_f_rc_tiocsti_pushed_nothing_here file_has "$T/pending4" "^0$"

# boot -f without a terminal: a stop signal to it halts the vnode.
console_vnode co-c "HOOK=$T/hook"
"$V" boot -f co-c </dev/null >"$T/fc" 2>&1 &
fp=$!
next_events_are "co-c booting" "co-c up"
kill -TERM $fp
check boot_f_signal_halts_the_vnode next_events_are "co-c halting" "co-c down"
wait $fp
r=$?
check boot_f_signal_ends_it ended_ok "$r" /run/vnode/co-c.pid /run/vnode/co-c.console
check boot_f_says_how_it_ended grep -q "co-c: powered off" "$T/fc"

# vnode exec on a terminal: ^C and ^Z reach the command inside.
"$V" boot co-a >/dev/null
on_tty e1 "\"$V\" exec co-a sh"
screen_has e1 "^/ #"
type_in e1 'sleep 100' Enter
sleep_runs_in co-a
type_in e1 C-c
type_in e1 'echo exec-$((3+3))' Enter
check exec_ctrl_c_reaches_inside screen_has e1 "^exec-6"
type_in e1 'sleep 100' Enter
sleep_runs_in co-a
type_in e1 C-z
check exec_ctrl_z_reaches_inside screen_has e1 "Stopped"
type_in e1 'kill -9 %1' Enter 'exit' Enter 'exit' Enter
check exec_ends_with_its_shell screen_has e1 "EXITED"
"$V" halt co-a >/dev/null
check nothing_left nothing_left_of co-a co-b co-c co-d
finish
