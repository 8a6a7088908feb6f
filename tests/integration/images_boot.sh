#!/bin/sh
# The busybox root of `images/mkimage.sh --dir` booted with vinit as PID 1 (images/nsboot.sh:
# new namespaces, chroot, an overlay so the root stays clean): /etc/rc runs, httpd serves the
# page, and the vnode stops by its own poweroff and reboot, and by a signal from outside,
# running /etc/rc.shutdown each time. Skipped without build/vinit.
. "$(dirname "$0")/lib.sh"
IMAGES=$TOP/images
. "$IMAGES/boot-lib.sh"
VINIT=${VINIT:-$B/vinit}
if [ ! -x "$VINIT" ]; then
	skip images_boot "no $VINIT (make build/vinit)"
	finish
fi
export VINIT
R=$T/root
sh "$IMAGES/mkimage.sh" --dir --hostname boot1 "$R" >"$T/mk.log" 2>&1 ||
	{ fail images_boot_root_built "$(cat "$T/mk.log")"; finish; }
# unshare ignores TERM while it waits for its child; KILL it, and --kill-child takes the vnode.
at_exit '[ -z "${BOOT_PID:-}" ] || kill -KILL "$BOOT_PID" 2>/dev/null; wait 2>/dev/null'

served() { in_vnode /bin/wget -q -O - http://127.0.0.1/ 2>/dev/null | grep -q '<h1>boot1</h1>'; }

# boot_case NAME STOP-COMMAND EXPECTED-STATUS: boot, check it serves, stop it, check the end.
boot_case() {
	c=$1 stop=$2 want=$3
	boot_start "$R" "$T/ov-$c" "$T/$c.log" || { fail "images_boot_${c}_starts" "$(cat "$T/$c.log")"; return; }
	if wait_for 500 served; then
		pass "images_boot_${c}_serves_the_page"
	else
		fail "images_boot_${c}_serves_the_page" "$(cat "$T/$c.log")"
	fi
	check "images_boot_${c}_hostname" [ "$(in_vnode /bin/hostname)" = boot1 ]
	check "images_boot_${c}_vinit_is_pid_1" [ "$(in_vnode /bin/cat /proc/1/comm)" = init ]
	eval "$stop"
	boot_end
	BOOT_PID=""
	check "images_boot_${c}_exits_$want" [ "$BOOT_STATUS" = "$want" ]
	check "images_boot_${c}_ran_rc_shutdown" grep -q 'rc.shutdown: stopping 50-httpd' "$T/$c.log"
	[ "$BOOT_STATUS" = "$want" ] || sed 's/^/    /' "$T/$c.log"
}

boot_case poweroff_inside 'in_vnode /sbin/poweroff' 130
boot_case reboot_inside 'in_vnode /sbin/reboot' 129
boot_case term_outside 'kill -TERM "$VPID"' 130
finish
