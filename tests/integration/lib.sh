# Shared helpers for integration scripts: source it, then call pass/fail per case.
# Every script makes its own temporary directory and cleans it on any exit.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$TOP/build}
T=$(mktemp -d /tmp/vnode-test.XXXXXX)
CLEANUPS=""
nfail=0

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

# make_busybox_root DIR: a minimal root with busybox-static and vinit as /sbin/init.
make_busybox_root() {
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
