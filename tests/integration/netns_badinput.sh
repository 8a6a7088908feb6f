#!/bin/sh
# netns/: each bad input gets a one-line error, the documented exit status (2 configuration,
# 1 host state) and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
RUN=$B/tests/helpers/netns_run
BR=vnt$$br
DUMMY=vnt$$d
N=vnt$$x

ip link add "$BR" type bridge || { fail setup "cannot create bridge $BR"; finish; }
at_exit "ip link del $BR 2>/dev/null"
ip link add "$DUMMY" type veth peer name "vnt$$e"
at_exit "ip link del $DUMMY 2>/dev/null"
at_exit "rm -f /run/netns/$N; ip link del ${N}0 2>/dev/null"

# bad CASE WANT-STATUS WANT-TEXT RUN-ARGS...: boots N with RUN-ARGS and `true`.
bad() {
	name=$1 want=$2 text=$3
	shift 3
	"$RUN" -n "$N" "$@" -- true 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit status $rc, want $want: $(cat "$T/err")"
	elif [ "$lines" != 1 ]; then
		fail "$name" "$lines lines of error, want 1: $(cat "$T/err")"
	elif ! grep -q -- "$text" "$T/err"; then
		fail "$name" "error lacks \"$text\": $(cat "$T/err")"
	elif ip link show "${N}0" >/dev/null 2>&1 && [ "${name#host_name_collision}" = "$name" ]; then
		fail "$name" "${N}0 was left behind"
	elif [ -L "/run/netns/$N" ] || [ -e "/run/netns/$N" ]; then
		fail "$name" "/run/netns/$N was left behind"
	else
		pass "$name"
	fi
}

bad missing_bridge 1 "ip link add vnt$$nobr type bridge" -b "vnt$$nobr:"
bad not_a_bridge 1 "\"$DUMMY\" is not a bridge" -b "$DUMMY:"
bad malformed_mac 2 "malformed MAC" -b "$BR:02:00:00:00:01"
bad multicast_mac 2 "multicast" -b "$BR:01:00:5e:00:00:01"
bad same_mac_twice 2 "same MAC" -b "$BR:02:00:00:00:00:01" -b ":02:00:00:00:00:01"
set --
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do set -- "$@" -b ":"; done
bad more_entries_than_the_limit 2 "limit is 16" "$@"
bad malformed_addrs_entry 2 "malformed ADDRS entry" -b "$BR:" -a "eth0:10.254.10.1"
bad addrs_on_missing_interface 2 "no interface eth3" -b "$BR:" -a "eth3:10.254.10.1/24"
bad malformed_gateway 2 "malformed GATEWAY" -b "$BR:" -g "10.254.10"
bad unknown_network_mode 2 "NETWORK must be private, host or none, not 'bridged'" -N bridged
bad invalid_vnode_name_chars 2 "invalid vnode name" -n "a/b"

# NAME0 taken by an interface that is not a leftover of this vnode: another kind of link,
# or a veth whose MAC is not the one this vnode marks its host side with.
ip link add "${N}0" type bridge
bad host_name_collision_with_a_bridge 1 "${N}0 (BRIDGES entry 0) is taken" -b "$BR:"
check collision_left_the_bridge_alone ip link show "${N}0" type bridge >/dev/null
ip link del "${N}0"
ip link add "${N}0" type veth peer name "vnt$$p"
bad host_name_collision_with_a_veth 1 "${N}0 (BRIDGES entry 0) is taken" -b "$BR:"
check collision_left_the_veth_alone ip link show "${N}0" type veth >/dev/null
ip link del "${N}0"
check good_config_still_boots "$RUN" -n "$N" -b "$BR:" -- true
finish
