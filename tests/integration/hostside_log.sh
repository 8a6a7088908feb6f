#!/bin/sh
# The console log: what the vnode writes to its console (its init's output, /dev/console)
# reaches /var/log/vnode/NAME.log through its monitor, bounded by LOG_MAX with one rotated
# NAME.log.1, the newest output always in NAME.log; `vnode log` shows control sequences
# as text (a console's \r\n as \n), --raw gives the bytes, -f follows, across a rotation
# too. (hostside_console.sh: /dev/console is a pty, not the host's console.) Vnode: lg-a.
. "$(dirname "$0")/lib.sh"
vnode_setup
L=/var/log/vnode/lg-a.log
at_exit "rm -f $L.1"
new_vnode lg-a 'LOG_MAX=64K'
rm -f "$L.1"
"$V" boot lg-a >/dev/null
# in_log FILE PATTERN: FILE gets PATTERN, 5 s at most (the monitor copies as it reads).
in_log() {
	_i=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 500 ] && return 1
		sleep 0.01
	done
}
size_at_most() { [ "$(stat -c %s "$1")" -le "$2" ]; }

"$V" log -f lg-a >"$T/follow" 2>&1 &
fp=$!
at_exit "kill $fp 2>/dev/null"
"$V" exec lg-a sh -c 'head -c 10485760 /dev/zero | tr "\000" x >/dev/console; echo; echo LAST-LINE >/dev/console'
check log_has_the_last_line in_log "$L" LAST-LINE
check log_bounded_by_log_max size_at_most "$L" 65536
check log_rotated_once size_at_most "$L.1" 65536
check log_keeps_one_rotated_file none_exist "$L.2"
check log_follow_crosses_rotations in_log "$T/follow" LAST-LINE

"$V" exec lg-a sh -c 'printf "A\033[31mB\033]0;title\007C\n" >/dev/console'
in_log "$L" title
check log_shows_escapes_as_text sh -c '"$1" log lg-a | grep -q "A^\[\[31mB^\[\]0;title^GC"' - "$V"
check log_shows_no_escape_byte sh -c '! "$1" log lg-a | grep -q "$(printf "\033")"' - "$V"
check log_raw_gives_the_bytes sh -c '"$1" log --raw lg-a | grep -q "$(printf "A\033\\[31mB")"' - "$V"
check log_follow_sees_new_output in_log "$T/follow" 'A^\[\[31mB'
# The console is a pty: its lines end in \r\n, shown as lines; a lone \r is shown.
"$V" exec lg-a sh -c 'printf "bar\rbaz\n" >/dev/console'
in_log "$L" baz
check log_shows_console_lines_as_lines sh -c '! "$1" log lg-a | grep -q "$(printf "\r")"' - "$V"
check log_shows_a_lone_cr sh -c '"$1" log lg-a | grep -q "bar^Mbaz"' - "$V"
check log_raw_keeps_the_crs sh -c '"$1" log --raw lg-a | grep -q "$(printf "baz\r")"' - "$V"
kill "$fp"
"$V" halt lg-a >/dev/null
finish
