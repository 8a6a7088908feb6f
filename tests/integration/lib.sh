# Shared helpers for integration scripts: source it, then call pass/fail per case.
# Every script makes its own temporary directory and cleans it on any exit.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$TOP/build}
T=$(mktemp -d /tmp/vnode-test.XXXXXX)
CLEANUPS=""
nfail=0

# rounds N: how many times a loop of N rounds runs: N, or VNODE_TEST_ROUNDS percent of it
# (tests/vm/suite.sh: under emulation a boot or an exec is some 50 times slower).
rounds() { echo $(( ($1 * ${VNODE_TEST_ROUNDS:-100} + 99) / 100 )); }

# at_exit CMD: run CMD (in reverse order of registration) when the script ends.
at_exit() { CLEANUPS="$1
$CLEANUPS"; }
run_cleanups() {
	printf '%s\n' "$CLEANUPS" | while IFS= read -r c; do [ -n "$c" ] && eval "$c"; done
	rm -rf "$T"
}
trap 'run_cleanups' EXIT
trap 'exit 1' INT TERM HUP

pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; nfail=$((nfail + 1)); }
skip() { echo "skip $1: $2"; }
# check NAME CONDITION-COMMAND...: pass or fail on the command's status.
check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "$*"; fi; }
finish() { exit "$nfail"; }

# make_busybox_root DIR: a minimal root with busybox-static and vinit as /sbin/init: a copy
# of one made once per build (an ln per applet is 400 execs, a minute under emulation).
fill_busybox_root() {
	d=$1
	mkdir -p "$d/bin" "$d/sbin" "$d/etc" "$d/proc" "$d/sys" "$d/dev" "$d/run" "$d/tmp" "$d/root"
	cp /bin/busybox "$d/bin/busybox"
	for a in $("$d/bin/busybox" --list); do
		[ -e "$d/bin/$a" ] || ln -s busybox "$d/bin/$a"
	done
	for a in halt poweroff reboot init; do ln -sf ../bin/busybox "$d/sbin/$a"; done
	cp "$B/vinit" "$d/sbin/vinit"
	ln -sf vinit "$d/sbin/init"
	echo "root:x:0:0:root:/root:/bin/sh" >"$d/etc/passwd"
	echo "root:x:0:" >"$d/etc/group"
}
make_busybox_root() {
	_tpl=$B/tests/busybox-root
	if [ ! -f "$_tpl.made" ] || [ "$B/vinit" -nt "$_tpl.made" ] || [ /bin/busybox -nt "$_tpl.made" ]; then
		rm -rf "$_tpl" && fill_busybox_root "$_tpl" && touch "$_tpl.made"
	fi
	mkdir -p "$1" && cp -a "$_tpl/." "$1/"
}

# gone PID...: every PID has exited (absent, or a zombie nobody reaped yet), waiting
# at most 5 s: SIGKILL is asynchronous, and a pid namespace's init dies last.
gone() { "$B/tests/helpers/hostside_waitgone" 5000 "$@"; }
# retired_since INDEX: the leftover veths a boot renamed vnoldINDEX out of the way, among the
# interfaces made after INDEX (the caller's own bridge, say): this test's, not another's.
retired_since() {
	for f in /sys/class/net/vnold*; do
		idx=$(cat "$f/ifindex" 2>/dev/null) && [ "$idx" -gt "$1" ] && echo "${f##*/}"
	done
}
# none_exist PATH...: none of them exists, not even as a dangling symlink.
none_exist() { for _f; do if [ -e "$_f" ] || [ -L "$_f" ]; then return 1; fi; done; }
# ended_ok STATUS PATH...: a command's captured status was 0 and none of PATH is left.
ended_ok() { _s=$1; shift; [ "$_s" = 0 ] || return 1; none_exist "$@"; }
# status_and_grep STATUS WANTED PATTERN FILE: a command's captured status was WANTED and
# its output (in FILE) has PATTERN: both, so that one check asserts both.
status_and_grep() { [ "$1" = "$2" ] && grep -q -- "$3" "$4"; }

# --- the vnode launcher (hostside_*.sh) ---------------------------------------------------
# vnode_setup: V, a VNODE_HOME of this script's own under $T, a BASE root (busybox, vinit,
# an rc that says "rc: HOSTNAME up"), and, at exit, vnode_stop_all.
vnode_setup() {
	export VNODE_HOME=$T/home
	V=$B/vnode
	VNODE_BG=""
	mkdir -p "$VNODE_HOME"
	BASE=$T/base
	make_busybox_root "$BASE"
	echo 'echo "rc: $(hostname) up"' >"$BASE/etc/rc"
	at_exit vnode_stop_all
}
# vnode_bg CMD...: CMD in the background ($! is its pid), a boot, reboot or halt that the
# cleanup at exit lets end before it stops the vnodes (a kill during a boot stops nothing).
vnode_bg() { "$@" & VNODE_BG="$VNODE_BG $!"; }
# vnode_stop_all: once the background commands have ended (5 s at most), every vnode under
# VNODE_HOME stopped (kill; halt if the kill cannot read its config), its writable state
# removed. Runs after the cleanups registered later (the hook FIFOs opened, so that no
# hook blocks a boot).
vnode_stop_all() {
	[ -z "$VNODE_BG" ] || gone $VNODE_BG
	for _d in "$VNODE_HOME"/*/; do
		_n=$(basename "$_d")
		timeout 60 "$V" kill "$_n" >/dev/null 2>&1 || timeout 60 "$V" halt "$_n" >/dev/null 2>&1
	done
}
# new_vnode NAME [CONFIG-LINES]: an overlay vnode over the shared BASE, loopback only. Its
# log (appended to at every boot) starts empty, so that what a check finds there is this run's.
new_vnode() {
	rm -f "/var/log/vnode/$1.log"
	mkdir -p "$VNODE_HOME/$1/root" "$VNODE_HOME/$1/work"
	printf 'BASE=%s\nNETWORK=none\n%s\n' "$BASE" "${2:-}" >"$VNODE_HOME/$1/config"
}
# vnode_hooks: $T/hook, a HOOK that sends "NAME EVENT" through the FIFO $T/events, where
# next_event waits for one (10 s at most). At exit the FIFO is opened read-write, so that a
# hook still blocked on it (a test that failed before reading its events) can end.
vnode_hooks() {
	mkfifo "$T/events"
	printf '#!/bin/sh\necho "$1 $2" >%s\n' "$T/events" >"$T/hook"
	chmod +x "$T/hook"
	at_exit 'exec 9<>"$T/events"'
}
next_event() { timeout 10 sh -c 'read l <"$1" && echo "$l"' - "$T/events"; }
# next_events_are EVENT...: the next events are these, in this order. Reads one event per
# argument even after a mismatch, so that the events after them stay in step.
next_events_are() {
	_ok=0
	for _want; do
		_got=$(next_event)
		[ "$_got" = "$_want" ] || { echo "# event: got '$_got', wanted '$_want'"; _ok=1; }
	done
	return $_ok
}
init_of() { sed -n 's/^init=//p' "/run/vnode/$1.state" 2>/dev/null; }
monitor_of() { cat "/run/vnode/$1.pid" 2>/dev/null; }
# our_loops: the loop devices attached to a file of this test's ($T), by the backing file's
# device and inode: the path the kernel shows is cut short when the attach was made in
# another mount namespace and $T is on a bind mount (tests/vm).
our_loops() {
	_dev=$(stat -c '%Hd:%Ld' "$T") _inos=" $(find "$T" -xdev -type f -printf '%i ') "
	losetup -l -n -O NAME,BACK-MAJ:MIN,BACK-INO 2>/dev/null | while read -r _n _d _i; do
		if [ "$_d" = "$_dev" ]; then case "$_inos" in *" $_i "*) echo "$_n" ;; esac; fi
	done
}
# cgroup2_mount: where the host's cgroup v2 hierarchy is mounted, or nothing.
cgroup2_mount() { findmnt -rn -t cgroup2 -o TARGET | head -n 1; }
# nothing_left_of NAME...: no runtime file (pid, state, console socket), no /run/netns name,
# no cgroup, no host veth NAME0 (NAME-0 for a NAME that ends in a digit) left, for each NAME.
nothing_left_of() {
	_cg=$(cgroup2_mount)
	for _v; do
		none_exist "/run/vnode/$_v.pid" "/run/vnode/$_v.state" "/run/vnode/$_v.console" \
			"/run/netns/$_v" ${_cg:+"$_cg/vnode/$_v"} || return 1
		if ip -o link show | grep -q " $_v-\?0[@:]"; then return 1; fi
	done
}
# expect NAME STATUS PATTERN CMD...: CMD exits with STATUS and says PATTERN in one line.
expect() {
	_n=$1 _st=$2 _pat=$3
	shift 3
	"$@" >"$T/expect.out" 2>&1
	_r=$?
	if [ "$_r" = "$_st" ] && grep -q -- "$_pat" "$T/expect.out" && [ "$(wc -l <"$T/expect.out")" = 1 ]; then
		pass "$_n"
	else
		fail "$_n" "exit $_r, wanted $_st; output: $(cat "$T/expect.out")"
	fi
}
