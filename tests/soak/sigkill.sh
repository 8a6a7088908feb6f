#!/bin/sh
# make soak: SIGKILL at random points, SIGKILL_ROUNDS rounds (default 500), each a
# boot, reboot or halt of a bridged vnode with, after a random 0 to 40 ms, a SIGKILL of
# the command, its monitor, the init, or the command and the monitor together. After each
# round a fresh `vnode kill` must succeed and leave nothing: no runtime file, no netns name,
# no veth, no cgroup, no process of the vnode (no pid namespace more than before).
# Vnode: sr-a; bridge sr-br<pid>.
# make test runs 50 (tests/integration/hostside_sigkill_rounds.sh).
. "$(dirname "$0")/../integration/lib.sh"
vnode_setup
N=$(rounds "${SIGKILL_ROUNDS:-500}")
BR=$(printf '%.15s' "sr-br$$")
ip link add "$BR" type bridge && ip link set "$BR" up
at_exit 'ip link del "$BR" 2>/dev/null'
new_vnode sr-a "BRIDGES=( $BR: )"
sed -i '/^NETWORK=none$/d' "$VNODE_HOME/sr-a/config"
# pidns_count: the pid namespaces of live processes. A zombie is none: an init whose
# monitor died is reparented to the host's PID 1, which reaps it when it will.
pidns_count() {
	for _p in /proc/[0-9]*; do
		grep -q '^State:.*Z' "$_p/status" 2>/dev/null || readlink "$_p/ns/pid" 2>/dev/null
	done | sort -u | wc -l
}
rand() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
base=$(pidns_count)
bad=0 verbs="boot reboot halt" victims="command monitor init both"
# clean: whether a fresh kill brings sr-a back to stopped with nothing left
clean() {
	"$V" kill sr-a >"$T/kill.out" 2>&1 || return 1
	"$B/tests/helpers/netns_waitgone" 5000 sr-a0 >/dev/null 2>&1  # it goes with the netns
	nothing_left_of sr-a || { echo "left: $(ls -d /run/vnode/sr-a.* /run/netns/sr-a \
		"$(cgroup2_mount)/vnode/sr-a" 2>/dev/null | tr '\n' ' ')$(ip -o link show sr-a0 2>/dev/null |
		cut -d' ' -f2)" >>"$T/kill.out"; return 1; }
	[ "$(pidns_count)" = "$base" ] || { echo "left: a pid namespace ($(pidns_count) for $base)" >>"$T/kill.out"; return 1; }
}
i=0
while [ "$i" -lt "$N" ]; do
	i=$((i + 1))
	verb=$(echo $verbs | cut -d' ' -f$(($(rand 3) + 1)))
	victim=$(echo $victims | cut -d' ' -f$(($(rand 4) + 1)))
	ms=$(rand 41)
	[ "$verb" = boot ] || "$V" boot sr-a >/dev/null 2>&1 || { bad=$((bad + 1)); echo "# round $i: the boot before $verb failed"; clean; continue; }
	"$V" "$verb" sr-a >/dev/null 2>&1 &
	cmd=$!
	sleep "$(printf '0.%03d' "$ms")"  # the random point, not a wait for an event
	case $victim in
	command) kill -9 "$cmd" 2>/dev/null ;;
	monitor) m=$(monitor_of sr-a) && [ -n "$m" ] && kill -9 "$m" 2>/dev/null ;;
	init) p=$(init_of sr-a) && [ -n "$p" ] && kill -9 "$p" 2>/dev/null ;;
	both) m=$(monitor_of sr-a); kill -9 "$cmd" ${m:+"$m"} 2>/dev/null ;;
	esac
	wait "$cmd"
	if ! clean; then
		bad=$((bad + 1))
		echo "# round $i ($verb, SIGKILL of the $victim after $ms ms): not clean after a kill: $(tr '\n' ' ' <"$T/kill.out")"
		"$V" kill sr-a >/dev/null 2>&1
	fi
done
echo "# $N rounds of boot, reboot and halt with a SIGKILL at a random point: $bad not clean"
check every_round_ends_clean_after_a_fresh_kill [ "$bad" = 0 ]
finish
