#!/bin/sh
# vnode exec, the way in that must not be a way out. Its exit status, pipes, -e and -w;
# no fd above 2 inside; the host-side process runs from a sealed memfd, and a racer inside
# that reopens every foreign /proc/PID/exe for writing during 300 execs never gets one
# (runc's CVE-2019-5736); with a terminal the command gets a pty of the vnode's, so TIOCSTI
# inside pushes nothing into the operator's terminal (bubblewrap's CVE-2017-5226), also
# not through /dev/tty without one, while the same push on the host does; the window size
# reaches it and the terminal is as it was after. Vnode: ex-a.
. "$(dirname "$0")/lib.sh"
vnode_setup
H=$B/tests/escape
new_vnode ex-a "BINDS=( $H:/t:ro )"
"$V" boot ex-a >/dev/null

check exec_exit_status sh -c '"$1" exec ex-a sh -c "exit 7"; [ $? = 7 ]' - "$V"
check exec_killed_is_128_plus_signal sh -c '"$1" exec ex-a sh -c "kill -9 \$\$"; [ $? = 137 ]' - "$V"
check exec_pipes_pass_through [ "$(echo hello | "$V" exec ex-a cat)" = hello ]
check exec_env_and_workdir [ "$("$V" exec -e FOO=bar -w /tmp ex-a sh -c 'echo $FOO $PWD')" = "bar /tmp" ]
# (test is a shell builtin: the shell's own fds, with nothing opened to look)
check exec_holds_no_fd_above_2 "$V" exec ex-a sh -c 'test -e /proc/$$/fd/2 || exit 1
	for i in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 63 255; do test -e /proc/$$/fd/$i && exit 1; done; exit 0'
expect exec_bad_env 2 "-e wants KEY=VALUE" "$V" exec -e FOO ex-a true

# The host-side process while it runs: its executable is a sealed memfd.
mkfifo "$T/hold" "$T/ready"
"$V" exec ex-a sh -c 'echo ready; read x' <"$T/hold" >"$T/ready" &
p=$!
exec 7>"$T/hold"
read -r _ <"$T/ready"  # inside: the host side is past its re-exec
check exec_runs_from_a_sealed_memfd sh -c 'readlink "/proc/$1/exe" | grep -q "^/memfd:vnode"' - "$p"
echo >&7
exec 7>&-
wait $p

# The exec race: a racer inside, on its own (no exec of ours waits for it, so that between
# two execs nothing on the host runs the binary), 300 execs, nothing written, the binary as
# it was.
sum=$(sha256sum <"$V")
"$V" exec ex-a sh -c '/t/execrace /tmp/stop-race >/tmp/race 2>&1 </dev/null &'
i=0
n=$(rounds 300)
while [ $i -lt "$n" ]; do "$V" exec ex-a true; i=$((i + 1)); done
"$V" exec ex-a touch /tmp/stop-race
race_done() { "$V" exec ex-a grep -q "foreign exes seen" /tmp/race; }
i=0
until race_done || [ $i -ge 500 ]; do i=$((i + 1)); done  # each try is an exec: ~ms
"$V" exec ex-a cat /tmp/race >"$T/race"
sed 's/^/# race: /' "$T/race" | tail -1
check exec_race_met_the_execs sh -c '! grep -q "seen 0, denied 0," "$1" && grep -q "denied" "$1"' - "$T/race"
check exec_race_wrote_nothing grep -q "writable 0$" "$T/race"
check exec_race_host_binary_unchanged [ "$(sha256sum <"$V")" = "$sum" ]

# TIOCSTI, under script(1), which gives the commands a terminal of their own.
under_tty() { script -qec "$1" /dev/null >/dev/null 2>&1; }
under_tty "$H/tiocsti 'touch $T/mark0'; $H/tiocsti --pending >$T/pending0"
check tiocsti_on_the_host_lands_in_the_terminal sh -c '[ "$(cat "$1")" -gt 0 ]' - "$T/pending0"
under_tty "\"$V\" exec ex-a /t/tiocsti 'touch $T/mark'; $H/tiocsti --pending >$T/pending"
check tiocsti_inside_does_not_reach_the_operator [ "$(cat "$T/pending" 2>/dev/null)" = 0 ]
under_tty "echo | \"$V\" exec ex-a /t/tiocsti --tty 'touch $T/mark'; $H/tiocsti --pending >$T/pending2"
check tiocsti_via_dev_tty_does_not_reach_the_operator [ "$(cat "$T/pending2" 2>/dev/null)" = 0 ]
check tiocsti_ran_nothing none_exist "$T/mark"
under_tty "stty rows 41 cols 97; \"$V\" exec ex-a stty size >$T/size"
# (what script(1) itself types into the pty, a NUL, may be echoed before it: ^@)
check exec_pty_has_the_window_size grep -q "41 97" "$T/size"
under_tty "stty -g >$T/before; \"$V\" exec ex-a true; stty -g >$T/after"
check exec_restores_the_terminal [ "$(cat "$T/before")" = "$(cat "$T/after")" ]
"$V" halt ex-a >/dev/null
finish
