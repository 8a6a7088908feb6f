#!/bin/sh
# netns/: two vnodes on a test bridge ping each other; names, MACs, addresses and routes are
# checked from inside; `ip netns exec NAME` works while a vnode runs; long names get the
# short host-side form; NETWORK=none gives loopback only; NETWORK=host shares the stack.
. "$(dirname "$0")/lib.sh"
RUN=$B/tests/helpers/netns_run
GONE=$B/tests/helpers/netns_waitgone
BR=vnt$$br
A=vnt$$a
L=vnt$$-a-rather-long-vnode-name
MACA=02:54:00:00:00:0a

ip link add "$BR" type bridge || { fail setup "cannot create bridge $BR"; finish; }
at_exit "ip link del $BR 2>/dev/null"
ip link set "$BR" up
at_exit "rm -f /run/netns/$A /run/netns/$L"

# Vnode A stays up until the test writes to its stop fifo.
mkfifo "$T/readyA" "$T/stopA"
"$RUN" -n "$A" -b "$BR:$MACA" -b ":" -a eth0:10.254.7.1/24 -g 10.254.7.254 -p "$T/pidA" -- \
	sh -c "ip -o link >$T/linkA; ip -o addr >$T/addrA; ip route >$T/routeA;
	       echo ready >$T/readyA; read x <$T/stopA" 2>"$T/errA" &
runA=$!
at_exit "kill $runA 2>/dev/null; [ -s $T/pidA ] && kill \$(cat $T/pidA) 2>/dev/null"
read x <"$T/readyA"

check a_eth0_has_the_given_mac grep -q "eth0.*link/ether $MACA " "$T/linkA"
check a_has_eth1 grep -q ": eth1@" "$T/linkA"
check a_lo_is_up grep -q "^1: lo: <LOOPBACK,UP" "$T/linkA"
check a_eth0_is_up grep -q "eth0@[^ ]* <[^>]*,UP" "$T/linkA"
check a_eth0_has_its_address grep -q "eth0 *inet 10.254.7.1/24" "$T/addrA"
check a_default_route grep -q "^default via 10.254.7.254 dev eth0" "$T/routeA"
check host_side_named_NAME0_on_bridge sh -c "ip -o link show master $BR | grep -q ' ${A}0@'"
check host_side_of_unattached_cable_has_no_master sh -c "ip -o link show ${A}1 | grep -vq master"
check ip_netns_exec_works sh -c "ip netns exec $A ip -o link show eth0 | grep -q $MACA"

# Vnode L (long name, derived MAC) pings A twice over the bridge; boot it twice to see the
# derived MAC is the same on every boot.
for n in 1 2; do
	"$RUN" -n "$L" -b "$BR:" -a eth0:10.254.7.2/24 -- \
		sh -c "ip -o link show eth0 >$T/linkL$n; ip -o link show master $BR >/dev/null 2>&1;
		       busybox ping -c 1 -W 2 10.254.7.1 >$T/pingL$n" 2>"$T/errL$n"
	echo $? >"$T/rcL$n"
done
check long_named_vnode_pings_a [ "$(cat "$T/rcL1")" = 0 ]
check long_named_vnode_pings_a_again [ "$(cat "$T/rcL2")" = 0 ]
macL=$(sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p' "$T/linkL1")
check derived_mac_is_stable_across_boots sh -c "[ -n '$macL' ] && grep -q 'link/ether $macL ' $T/linkL2"
first=$(printf %d "0x${macL%%:*}")
check derived_mac_is_local_unicast [ $((first & 3)) = 2 ]

# A pings L while L runs: both directions.
mkfifo "$T/readyL" "$T/stopL"
"$RUN" -n "$L" -b "$BR:" -a eth0:10.254.7.2/24 -- \
	sh -c "echo ready >$T/readyL; read x <$T/stopL" 2>"$T/errL3" &
runL=$!
at_exit "kill $runL 2>/dev/null"
read x <"$T/readyL"
hostL=$(ip -o link show master "$BR" | sed -n 's/^[0-9]*: \([^@:]*\)@.*/\1/p' | grep -v "^${A}0$")
# fits_ifnamsiz NAME: there is a name, and it fits IFNAMSIZ (15 characters and the NUL).
fits_ifnamsiz() { [ -n "$1" ] || return 1; [ ${#1} -le 15 ]; }
check long_name_host_side_fits_ifnamsiz fits_ifnamsiz "$hostL"
trunc=$(printf %.15s "$L")
check long_name_host_side_is_not_truncated_name sh -c "! ip -o link | grep -q ' $trunc[@:]'"
check a_pings_long_named_vnode sh -c "ip netns exec $A busybox ping -c 1 -W 2 10.254.7.2 >/dev/null"
echo stop >"$T/stopL"
wait $runL
check long_named_vnode_halts_cleanly [ $? = 0 ]
echo stop >"$T/stopA"
wait $runA
check a_halts_cleanly [ $? = 0 ]
check netns_names_removed_at_halt none_exist "/run/netns/$A" "/run/netns/$L"
check veths_gone_once_kernel_finished "$GONE" 5000 "${A}0" "${A}1" "$hostL"

# NETWORK=none: loopback only, up.
"$RUN" -n "$A" -N none -- ip -o link >"$T/linkN" 2>&1
check none_mode_has_only_lo sh -c "[ \$(wc -l <$T/linkN) = 1 ] && grep -q '^1: lo: <LOOPBACK,UP' $T/linkN"
# NETWORK=host: the host's stack, where the test bridge is visible.
"$RUN" -n "$A" -N host -- ip -o link show "$BR" >/dev/null 2>&1
check host_mode_shares_the_host_stack [ $? = 0 ]
finish
