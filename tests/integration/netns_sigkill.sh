#!/bin/sh
# netns/: after a SIGKILL of every process involved nothing remains once the kernel has
# finished: no veth, no live namespace (the /run/netns name never pins it). A crash of the
# monitor alone leaves stale veths, which the next boot of the same vnode reclaims.
. "$(dirname "$0")/lib.sh"
RUN=$B/tests/helpers/netns_run
GONE=$B/tests/helpers/netns_waitgone
BR=vnt$$br
N=vnt$$k

ip link add "$BR" type bridge || { fail setup "cannot create bridge $BR"; finish; }
at_exit "ip link del $BR 2>/dev/null"
ip link set "$BR" up
at_exit "rm -f /run/netns/$N; ip link del ${N}0 2>/dev/null; ip link del ${N}1 2>/dev/null"

# boot_bg TAG: boot vnode N in the background, running until killed; sets run_pid, child_pid.
boot_bg() {
	mkfifo "$T/ready$1"
	"$RUN" -n "$N" -b "$BR:" -b ":" -a eth0:10.254.9.1/24 -p "$T/pid$1" -- \
		sh -c "echo ready >$T/ready$1; exec sleep 1000" 2>"$T/err$1" &
	run_pid=$!
	at_exit "kill -9 $run_pid 2>/dev/null"
	read x <"$T/ready$1"
	child_pid=$(cat "$T/pid$1")
	at_exit "kill -9 $child_pid 2>/dev/null"
}

boot_bg 1
check running_vnode_has_its_veths ip link show "${N}1" >/dev/null
kill -9 "$run_pid" "$child_pid"
wait "$run_pid" 2>/dev/null
check no_process_remains gone "$child_pid" "$run_pid"
check no_veth_remains_once_kernel_finished "$GONE" 5000 "${N}0" "${N}1"
# The name is a symbolic link into /proc: dangling now, it holds no namespace.
check netns_name_holds_no_namespace [ ! -e "/run/netns/$N" ]
check ip_netns_exec_refuses_the_dead_name sh -c "! ip netns exec $N true 2>/dev/null"
check next_boot_reclaims_the_dead_name "$RUN" -n "$N" -b "$BR:" -- true
check nothing_remains_after_that_boot sh -c "[ ! -L /run/netns/$N ] && $GONE 5000 ${N}0 ${N}1"

# Only the monitor dies: the vnode lives on, its veths are stale, not dying.
boot_bg 2
kill -9 "$run_pid"
wait "$run_pid" 2>/dev/null
check stale_veth_still_there ip link show "${N}0" >/dev/null
old0=vnold$(cat "/sys/class/net/${N}0/ifindex") old1=vnold$(cat "/sys/class/net/${N}1/ifindex")
at_exit "ip link del $old0 2>/dev/null; ip link del $old1 2>/dev/null"
check reboot_after_monitor_crash_reclaims_stale_veths "$RUN" -n "$N" -b "$BR:" -b ":" -- sh -c "ip -o link show eth1 >/dev/null"
# The stale ones were renamed out of the way, down and off the bridge; the namespace that
# holds their peers is alive, so they live on until it dies.
check stale_veth_renamed_down_and_off_the_bridge sh -c "ip -o link show $old0 | grep -v 'master\\|UP' >/dev/null && ip -o link show $old1 >/dev/null"
kill -9 "$child_pid"
check nothing_remains_at_the_end sh -c "[ ! -L /run/netns/$N ] && $GONE 5000 ${N}0 ${N}1 $old0 $old1"
finish
