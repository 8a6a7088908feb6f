#!/bin/sh
# make soak: 1000 boot/halt cycles (SOAK_CYCLES) of an image vnode with a root, a data
# partition and a veth on a bridge of its own. Every cycle checks that /data holds
# the marker the first cycle wrote; the monitor's open fds, RSS and child processes at the
# first and the last cycle must be equal; afterwards nothing may be left.
# Each cycle's monitor is a new process, and with address randomization its stack
# (argv and environment) straddles one more page or one fewer from boot to boot (RssAnon
# 32 or 36 kB): without it (setarch -R, inherited by every monitor) the comparison of the
# first and the last cycle measures growth, not luck.
if [ -z "${SOAK_NO_ASLR:-}" ] && command -v setarch >/dev/null; then
	SOAK_NO_ASLR=1 exec setarch "$(uname -m)" -R sh "$0" "$@"
fi
. "$(dirname "$0")/../integration/lib.sh"
export VNODE_HOME=$T/home PATH="/usr/sbin:/sbin:$PATH"
V=$B/vnode
N=${SOAK_CYCLES:-1000}
BR=$(printf '%.15s' "vnsoak$$")
mkdir -p "$VNODE_HOME/soak"
at_exit '"$V" kill soak >/dev/null 2>&1'
sh "$TOP/images/mkimage.sh" --no-service --hostname soak "$T/soak.raw" >/dev/null ||
	{ fail soak_image "mkimage failed"; finish; }
ip link add "$BR" type bridge && at_exit "ip link del $BR 2>/dev/null"
printf 'DISKS=( vda:1:%s vdb:2:%s )\nBRIDGES=( %s: )\n' "$T/soak.raw" "$T/soak.raw" "$BR" \
	>"$VNODE_HOME/soak/config"

# fds, VmRSS (kB) and child processes (the init, and no more) of the running monitor
monitor_usage() {
	m=$(cat /run/vnode/soak.pid)
	echo "$(ls /proc/"$m"/fd | wc -l) $(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/"$m"/status)" \
		"$(cat /proc/"$m"/task/*/children | wc -w)"
}
bad=0 first="" last="" done=0 t0=$(date +%s)
i=1
while [ $i -le "$N" ]; do
	if ! "$V" boot soak >"$T/out" 2>&1; then
		fail "cycle_$i" "boot: $(cat "$T/out")"; bad=$((bad + 1)); break
	fi
	[ $i = 1 ] && "$V" exec soak sh -c 'echo soak-marker >/data/marker'
	if [ "$("$V" exec soak cat /data/marker 2>&1)" != soak-marker ]; then
		fail "cycle_$i" "/data lost its marker"; bad=$((bad + 1))
	fi
	u=$(monitor_usage)
	[ $i = 1 ] && first=$u
	last=$u done=$i
	if ! "$V" halt soak >"$T/out" 2>&1; then
		fail "cycle_$i" "halt: $(cat "$T/out")"; bad=$((bad + 1)); break
	fi
	[ $((i % 100)) = 0 ] && echo "# cycle $i: monitor fds, VmRSS kB, children: $u ($(($(date +%s) - t0)) s)"
	i=$((i + 1))
done
echo "# $done cycles in $(($(date +%s) - t0)) s; monitor at cycle 1: $first; at cycle $done: $last (fds, VmRSS kB, children)"
check soak_all_cycles_ran [ "$done" = "$N" ]
"$V" kill soak >/dev/null 2>&1  # after a failed cycle; nothing to do otherwise
check soak_every_cycle_booted_and_kept_data [ "$bad" = 0 ]
check soak_monitor_fds_rss_and_children_flat [ "${first:-unmeasured}" = "${last:-not measured}" ]
# The kernel frees the last loop device and veth just after the namespace dies.
left() {
	echo "$(losetup -a | grep -c "$T") $(ip -o link show master "$BR" 2>/dev/null | grep -c .) $(grep -c " $T/" /proc/self/mountinfo) $(ls /run/netns 2>/dev/null | grep -c '^soak$') $(ls /run/vnode 2>/dev/null | grep -c '^soak\.')"
}
k=0
while [ "$(left)" != "0 0 0 0 0" ] && [ $k -lt 200 ]; do k=$((k + 1)); sleep 0.01; done
echo "# left (loops, veths on the bridge, mounts, netns, runtime files): $(left)"
check soak_nothing_left [ "$(left)" = "0 0 0 0 0" ]
finish
