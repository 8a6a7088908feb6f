# boot-lib.sh: sourced by the image tests to boot a root directory with images/nsboot.sh
# and act on it from the host. Needs IMAGES (this folder).
#   boot_start ROOT OVERLAYDIR LOG [VINIT-ARG...]  sets BOOT_PID (nsboot) and VPID (PID 1)
#   in_vnode CMD...      run CMD inside the vnode: its namespaces, its root, its cwd /
#   wait_for N CMD...    until CMD succeeds, at most N tries 10 ms apart; status of the last
#   boot_end             wait for nsboot to end; BOOT_STATUS is its exit status

# There is no event a shell on the host can wait for inside another pid namespace, so the
# waits below poll, bounded.
wait_for() {
	_n=$1
	shift
	until "$@"; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.01
	done
}

# _vpid_ready: whether nsboot's child has exec'd the image's init (not nsboot's sh or chroot).
_vpid_ready() {
	VPID=$(tr -d ' \n' <"/proc/$BOOT_PID/task/$BOOT_PID/children" 2>/dev/null) || return 1
	case "$(cat "/proc/$VPID/comm" 2>/dev/null)" in init | vinit) return 0 ;; esac
	return 1
}

boot_start() {
	_root=$1 _ov=$2 _log=$3
	shift 3
	sh "$IMAGES/nsboot.sh" --overlay "$_ov" "$_root" "$@" >"$_log" 2>&1 &
	BOOT_PID=$!
	VPID=""
	wait_for 500 _vpid_ready
}

in_vnode() { nsenter -t "$VPID" -a -r -w "$@"; }

boot_end() {
	BOOT_STATUS=0
	# The braces take the shell's own "Hangup" note (a vnode rebooted) off stderr.
	{ wait "$BOOT_PID" || BOOT_STATUS=$?; } 2>/dev/null
}
