#!/bin/sh
# A full /run and a full /var/log (ENOSPC), each a tiny tmpfs over /run/vnode or
# /var/log/vnode in a mount namespace of the test's own: a boot either fails with one line
# and leaves nothing (no runtime file, no process of the vnode), or boots and stays
# manageable (status, halt). The first write of the state file, which names the init for a
# halt, is fatal. Vnodes: ns-a.
. "$(dirname "$0")/lib.sh"
vnode_setup
new_vnode ns-a
export V
# pidns_count: how many pid namespaces the host's processes are in (a vnode left running
# would add its own)
pidns_count() { readlink /proc/[0-9]*/ns/pid 2>/dev/null | sort -u | wc -l; }
# in_full DIR PAGES SCRIPT: SCRIPT (sh, which kills what it boots: nothing else could
# reach it once the namespace is gone) in a mount namespace of its own where DIR is a
# tmpfs with PAGES pages of 4 KiB free (for /run/vnode, its uid pool copied in first); its
# output in $T/out.
in_full() {
	unshare -m --propagation private sh -c '
		d=$1 pages=$2
		keep=$(mktemp -d) && cp -a "$d"/ids "$d"/ids.lock "$keep"/ 2>/dev/null
		mount -t tmpfs -o size=$(((pages + 8) * 4))k full "$d" || exit 99
		cp -a "$keep"/. "$d"/ && rm -rf "$keep" || exit 99
		avail=$(df -k --output=avail "$d" | tail -n 1)
		dd if=/dev/zero of="$d/.fill" bs=4k count=$((avail / 4 - pages)) 2>/dev/null
		eval "$3"' - "$1" "$2" "$3" >"$T/out" 2>&1
}
before=$(pidns_count)

# /run/vnode with no page free: the pid file's line cannot be written
in_full /run/vnode 0 '"$V" boot ns-a; echo "boot=$?"; ls /run/vnode; "$V" kill ns-a >/dev/null 2>&1'
check no_room_for_the_pid_file_fails_the_boot grep -qx "boot=1" "$T/out"
check saying_so_in_one_line sh -c '[ "$(grep -c "ns-a" "$1")" = 1 ] && grep -q "ns-a: .*ns-a.pid: No space left on device" "$1"' - "$T/out"
check and_leaves_no_runtime_file sh -c '! grep -q "^ns-a\." "$1"' - "$T/out"
check nor_a_process_of_the_vnode [ "$(pidns_count)" = "$before" ]

# one page free: the pid file takes it, so the first state write fails
in_full /run/vnode 1 '"$V" boot ns-a; echo "boot=$?"; ls /run/vnode; "$V" kill ns-a >/dev/null 2>&1'
check no_room_for_the_state_file_fails_the_boot grep -qx "boot=1" "$T/out"
check saying_so grep -q "ns-a: writing /run/vnode/ns-a.state: No space left on device" "$T/out"
check and_leaves_no_state sh -c '! grep -q "^ns-a\." "$1"' - "$T/out"
check nor_its_init [ "$(pidns_count)" = "$before" ]

# /var/log/vnode full: the boot goes on, the log says nothing, the vnode is manageable
in_full /var/log/vnode 0 '"$V" boot ns-a; echo "boot=$?"; "$V" status ns-a | sed -n "s/^state: */state=/p"; "$V" exec ns-a echo inside; "$V" halt ns-a; echo "halt=$?"'
cat "$T/out" | sed 's/^/# full log: /'
check a_full_log_still_boots grep -qx "boot=0" "$T/out"
check and_is_up grep -qx "state=up" "$T/out"
check and_runs_commands grep -qx "inside" "$T/out"
check and_halts grep -qx "halt=0" "$T/out"
check and_leaves_nothing nothing_left_of ns-a
check nor_any_process [ "$(pidns_count)" = "$before" ]
finish
