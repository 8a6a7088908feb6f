#!/bin/sh
# netns/: 100 back-to-back halt and boot cycles of the same vnode all succeed. Each boot
# starts while the previous run's veths are still dying in the kernel, so it must reclaim
# them and never fail with "File exists". Afterwards nothing remains.
. "$(dirname "$0")/lib.sh"
RUN=$B/tests/helpers/netns_run
GONE=$B/tests/helpers/netns_waitgone
BR=vnt$$br
N=vnt$$c
CYCLES=100

ip link add "$BR" type bridge || { fail setup "cannot create bridge $BR"; finish; }
at_exit "ip link del $BR 2>/dev/null"
ip link set "$BR" up
at_exit "rm -f /run/netns/$N; ip link del ${N}0 2>/dev/null; ip link del ${N}1 2>/dev/null"

base=$(cat /sys/class/net/"$BR"/ifindex)

# Separate launcher processes, as `vnode` would be run.
ok=0 i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	if "$RUN" -n "$N" -b "$BR:" -a eth0:10.254.8.1/24 -- true 2>>"$T/err"; then
		ok=$((ok + 1))
	fi
done
check all_${CYCLES}_process_cycles_succeed [ "$ok" = "$CYCLES" ]
check no_file_exists_error sh -c "! grep -q 'File exists' $T/err"

# Back to back inside one process, the tightest halt-to-boot gap there is, with two cables
# to reclaim each time.
check all_25_in_process_two_cable_cycles_succeed "$RUN" -n "$N" -r 25 -b "$BR:" -b ":" -- true
check netns_name_removed [ ! -L "/run/netns/$N" ]
# shellcheck disable=SC2046 # one word per interface name
check nothing_remains_once_kernel_finished "$GONE" 5000 "${N}0" "${N}1" $(retired_since "$base")
[ -s "$T/err" ] && sed 's/^/  stderr: /' "$T/err" | head -5
finish
