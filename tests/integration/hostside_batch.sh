#!/bin/sh
# Many vnodes through the launcher: boot-all and halt-all of 20 vnodes in parallel (all up,
# then none, no runtime file left), and 100 back-to-back foreground boots of one image
# vnode with a veth on a bridge, each reclaiming the last run's dying host veth, with no
# veth left at the end. Vnodes: ba1..ba20, ba-q.
. "$(dirname "$0")/lib.sh"
vnode_setup

i=1
while [ $i -le 20 ]; do new_vnode "ba$i"; i=$((i + 1)); done
"$V" boot-all -j 4 >"$T/all" 2>&1
r=$?
[ "$r" = 0 ] || cat "$T/all" >&2
check boot_all_20_returns_0 [ "$r" = 0 ]
check boot_all_20_all_up [ "$("$V" list | grep -c ' up ')" = 20 ]
"$V" halt-all -j 8 >/dev/null 2>&1
check halt_all_returns_0 [ $? = 0 ]
check halt_all_none_running [ "$("$V" list | grep -c ' up ')" = 0 ]
check halt_all_no_runtime_files [ -z "$(ls /run/vnode 2>/dev/null | grep -E '^ba[0-9]+\.')" ]

# --- back to back, as a script or a reboot loop runs it ----------------------------------
# Each boot finds the last run's host veth ba-q0 still dying in the kernel and reclaims it;
# now and then the kernel deletes it meanwhile (4 boots in 200 in the bench's set-up).
BR=vnt$$ba
ip link add "$BR" type bridge && ip link set "$BR" up
at_exit "ip link del $BR 2>/dev/null"
base=$(cat /sys/class/net/"$BR"/ifindex)
mkdir -p "$VNODE_HOME/ba-q"
rm -f /var/log/vnode/ba-q.log
make_busybox_root "$T/qroot"
echo poweroff >"$T/qroot/etc/rc"
truncate -s 16M "$T/q.img" && mkfs.ext4 -q -F -d "$T/qroot" "$T/q.img"
printf 'DISKS=( vda:0:%s )\nBRIDGES=( %s: )\n' "$T/q.img" "$BR" >"$VNODE_HOME/ba-q/config"
ok=0 n=$(rounds 100)
for i in $(seq "$n"); do "$V" boot -f ba-q >/dev/null 2>>"$T/b2b" && ok=$((ok + 1)); done
check back_to_back_100_boots_all_succeed [ "$ok" = "$n" ]
[ -s "$T/b2b" ] && sed 's/^/  stderr: /' "$T/b2b" | sort | uniq -c | head -3
# shellcheck disable=SC2046 # one word per interface name
check back_to_back_leaves_no_veth "$B/tests/helpers/netns_waitgone" 5000 ba-q0 $(retired_since "$base")
finish
