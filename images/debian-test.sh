#!/bin/sh
# debian-test.sh [ROOT]: boot the Debian root of images/debian.sh (default build/debian-root)
# with vinit as PID 1 (images/nsboot.sh, over an overlay so ROOT stays clean) and check that
# Debian's own boot runs (rcS, then rc 2) and that Debian's own poweroff, halt and
# `shutdown -r now` end it through /run/initctl. One line per case, "ok NAME" or "FAIL NAME: why".
# Exit status: the number of failures; 2 usage or no ROOT.
set -u
IMAGES=$(cd "$(dirname "$0")" && pwd)
ROOT=${1:-$(dirname "$IMAGES")/build/debian-root}
[ -x "$ROOT/sbin/vinit" ] || { echo "debian-test.sh: $ROOT is not built (make image-debian)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "debian-test.sh: needs root" >&2; exit 2; }
. "$IMAGES/boot-lib.sh"
T=$(mktemp -d /tmp/vnode-debian.XXXXXX)
BOOT_PID=""
# unshare ignores TERM while it waits for its child; KILL it, and --kill-child takes the vnode.
trap '[ -z "$BOOT_PID" ] || kill -KILL "$BOOT_PID" 2>/dev/null; wait; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
nfail=0
pass() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; nfail=$((nfail + 1)); }
check() { _c=$1; shift; if "$@"; then pass "$_c"; else fail "$_c" "$*"; fi; }

# rc.local is the last thing `rc 2` runs: in the overlay only, it says that the boot is over.
booted() { [ -e "/proc/$VPID/root/run/vnode-booted" ]; }

# debian_case NAME STOP-COMMAND EXPECTED-STATUS LOG-PATTERN
debian_case() {
	c=$1 stop=$2 want=$3 pat=$4
	mkdir -p "$T/ov-$c/upper/etc"
	printf '#!/bin/sh\n: >/run/vnode-booted\n' >"$T/ov-$c/upper/etc/rc.local"
	chmod 755 "$T/ov-$c/upper/etc/rc.local"
	boot_start "$ROOT" "$T/ov-$c" "$T/$c.log" || { fail "debian_${c}_starts" "$(cat "$T/$c.log")"; return; }
	# A cold Debian boot takes a second or two here; allow 30 s.
	if wait_for 3000 booted; then pass "debian_${c}_boots_through_rcS_and_rc_2"; else
		fail "debian_${c}_boots_through_rcS_and_rc_2" "no /run/vnode-booted; log: $(tail -n 5 "$T/$c.log")"
	fi
	check "debian_${c}_vinit_is_pid_1" [ "$(in_vnode cat /proc/1/comm)" = vinit ]
	check "debian_${c}_rcS_set_hostname" [ "$(in_vnode hostname)" = debian-vnode ]
	check "debian_${c}_ran_runlevel_2" grep -q 'runlevel 2' "$T/$c.log"
	eval "$stop" >>"$T/$c.stop.log" 2>&1
	boot_end
	BOOT_PID=""
	check "debian_${c}_exits_$want" [ "$BOOT_STATUS" = "$want" ]
	check "debian_${c}_log_says_$(echo "$pat" | tr ' ' _)" grep -q "$pat" "$T/$c.log"
	[ "$BOOT_STATUS" = "$want" ] || sed 's/^/    /' "$T/$c.log" "$T/$c.stop.log"
}

debian_case poweroff 'in_vnode poweroff' 130 'runlevel 0'
debian_case halt 'in_vnode halt' 130 'initctl runlevel 0'
debian_case shutdown_reboot 'in_vnode shutdown -r now' 129 'runlevel 6'
debian_case halt_from_outside 'kill -TERM "$VPID"' 130 'poweroff done'

# The same root through the launcher, as a default (unprivileged) vnode over ROOT as BASE:
# Debian's boot runs, root inside is not root on the host, and Debian's own poweroff and
# `shutdown -r now` end and reboot it.
V=$(dirname "$IMAGES")/build/vnode
if [ -x "$V" ]; then
	export VNODE_HOME=$T/home
	N=debvn
	trap '"$V" kill "$N" >/dev/null 2>&1; [ -z "$BOOT_PID" ] || kill -KILL "$BOOT_PID" 2>/dev/null; wait; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
	mkdir -p "$VNODE_HOME/$N/root/etc"
	printf 'BASE=%s\nNETWORK=none\nHOSTNAME=debian-vnode\n' "$ROOT" >"$VNODE_HOME/$N/config"
	printf '#!/bin/sh\n: >/run/vnode-booted\n' >"$VNODE_HOME/$N/root/etc/rc.local"
	chmod 755 "$VNODE_HOME/$N/root/etc/rc.local"
	vbooted() { "$V" exec "$N" test -e /run/vnode-booted 2>/dev/null; }
	vinit_uid() { sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$(sed -n 's/^init=//p' /run/vnode/$N.state)/status"; }
	"$V" boot "$N" >"$T/vn.log" 2>&1
	check debian_vnode_boots [ $? = 0 ]
	check debian_vnode_runs_rc_2 wait_for 3000 vbooted
	check debian_vnode_root_is_not_host_root sh -c '[ "$1" -gt 0 ]' - "$(vinit_uid)"
	"$V" exec "$N" shutdown -r now >>"$T/vn.log" 2>&1
	vboot2() { "$V" status "$N" | grep -q "boot 2"; }
	check debian_vnode_shutdown_r_reboots wait_for 3000 vboot2
	check debian_vnode_runs_rc_2_again wait_for 3000 vbooted
	"$V" exec "$N" poweroff >>"$T/vn.log" 2>&1
	"$V" wait "$N"
	check debian_vnode_poweroff_ends_it sh -c '"$1" status "$2" | grep -q "state: *stopped"' - "$V" "$N"
fi
exit "$nfail"
