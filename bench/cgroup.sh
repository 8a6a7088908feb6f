#!/bin/sh
# The cost of a vnode's cgroup (vnode(8), CGROUPS), in one run:
# 1. Boot to exit, timed by tests/helpers/hostside_bench, in R rounds (default 6) of N runs
#    (default 10; one untimed warm-up) of each kind in turn, so that a drift of the machine
#    falls on all alike; the figure is the median of the rounds' medians, with the smallest
#    and largest run: `vnode boot -f` of a directory root with NETWORK=none
#    (the smallest boot, so the least noise around the difference), its rc `poweroff`,
#      with the cgroup      as vnode boots by default (made, the init born into it through
#                           a helper, its cgroup2 mounted inside, removed at the end)
#      with limits          the same with MEMORY_MAX, PIDS_MAX and CPU_MAX written, where the
#                           host's cgroup v2 has those controllers
#      without              the same in a mount namespace where the cgroup v2 mount is gone,
#                           so that vnode finds none (as on a host without cgroup v2)
#    Target: with minus without <= 0.3 ms.
# 2. Starting a process in a cgroup: clone3(CLONE_INTO_CGROUP), as vnode does, against fork
#    and a write of its pid to cgroup.procs (tests/helpers/hostside_cgspawn, medians of 300).
# Where this host's cgroup v2 lacks the memory, pids or cpu controller (they are on cgroup v1
# here), it also runs itself in the VM lane (tests/vm/run.sh: Debian's kernel, cgroup v2
# alone), where the limits apply; under emulation every figure is some 25 times larger.
# Needs root. Exits 0 whether the target is met or not.
set -u
N=${N:-10}
R=${R:-6}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
H=$PWD/$B/tests/helpers/hostside_bench
S=$PWD/$B/tests/helpers/hostside_cgspawn
VNODE=$PWD/$B/vnode
[ "$(id -u)" = 0 ] || { echo "cgroup bench: n/a (needs root)"; exit 0; }
CG=$(findmnt -rn -t cgroup2 -o TARGET | head -n 1)
[ -n "$CG" ] || { echo "cgroup bench: n/a (no cgroup v2 mount)"; exit 0; }
W=$(mktemp -d /tmp/vnode-cgbench.XXXXXX)
TAG=cb$$
export VNODE_HOME=$W/home
cleanup() {
	for n in "${TAG}c" "${TAG}l"; do
		"$VNODE" kill "$n" >/dev/null 2>&1
		rm -f "/var/log/vnode/$n.log" "/var/log/vnode/$n.log.1"
	done
	[ -d "$CG/vnode/$TAG" ] && rmdir "$CG/vnode/$TAG"
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

limits=yes
for c in memory pids cpu; do grep -qw "$c" "$CG/cgroup.controllers" || limits=no; done
mkdir -p "$VNODE_HOME/${TAG}c" "$VNODE_HOME/${TAG}l"
sh images/mkimage.sh --dir --no-service "$VNODE_HOME/${TAG}c/root" >"$W/mkimage.log" 2>&1 ||
	{ echo "cgroup bench: images/mkimage.sh failed: $(tail -1 "$W/mkimage.log")"; exit 1; }
printf '#!/bin/sh\npoweroff\n' >"$VNODE_HOME/${TAG}c/root/etc/rc"
rm -f "$VNODE_HOME/${TAG}c/root/etc/rc.shutdown"
cp -a "$VNODE_HOME/${TAG}c/root" "$VNODE_HOME/${TAG}l/root"
echo 'NETWORK=none' >"$VNODE_HOME/${TAG}c/config"
printf 'NETWORK=none\nMEMORY_MAX=256M\nPIDS_MAX=512\nCPU_MAX=100%%\n' >"$VNODE_HOME/${TAG}l/config"

# time_it KEY CMD...: one round's "median min max" ms appended to $W/KEY.rounds, or the
# reason in $W/KEY.na; summed up: "median-of-medians min max" in $W/KEY
time_it() {
	k=$1
	shift
	[ -f "$W/$k.na" ] && return
	"$@" >>"$W/$k.rounds" 2>"$W/$k.err" || tail -1 "$W/$k.err" >"$W/$k.na"
}
sum_up() {
	[ -f "$W/$1.na" ] && return
	sort -n "$W/$1.rounds" | awk '{ m[NR] = $1; if (NR == 1 || $2 < lo) lo = $2; if ($3 > hi) hi = $3 }
		END { printf "%.2f %.2f %.2f\n", NR % 2 ? m[(NR + 1) / 2] : (m[NR / 2] + m[NR / 2 + 1]) / 2, lo, hi }' >"$W/$1"
}
[ "$limits" = yes ] || echo "this host's cgroup v2 has no memory, pids or cpu controller" >"$W/limits.na"
for _ in $(seq "$R"); do
	time_it with "$H" -n "$N" "$VNODE" boot -f "${TAG}c"
	[ "$limits" = yes ] && time_it limits "$H" -n "$N" "$VNODE" boot -f "${TAG}l"
	time_it without unshare -m --propagation private sh -c \
		'umount -l "$1" && shift && exec "$@"' - "$CG" "$H" -n "$N" "$VNODE" boot -f "${TAG}c"
done
for k in with limits without; do sum_up $k; done
mkdir -p "$CG/vnode/$TAG"
"$S" -n 300 "$CG/vnode/$TAG" >"$W/spawn" 2>"$W/spawn.err" || { tail -1 "$W/spawn.err" >"$W/spawn.na"; rm -f "$W/spawn"; }

echo "cgroup bench: $(uname -r), cgroup v2 at $CG (controllers: $(cat "$CG/cgroup.controllers")), $R rounds of $N"
printf '%-44s %10s %10s %10s\n' "boot to exit (vnode boot -f, ms)" median min max
for k in with limits without; do
	case $k in
	with) what="with its cgroup" ;;
	limits) what="with its cgroup and limits" ;;
	without) what="without (no cgroup v2 found)" ;;
	esac
	if [ -f "$W/$k" ]; then
		# shellcheck disable=SC2046 # three numbers
		printf '%-44s %10s %10s %10s\n' "  $what" $(cat "$W/$k")
	else
		printf '%-44s %s\n' "  $what" "n/a ($(cat "$W/$k.na"))"
	fi
done
if [ -f "$W/with" ] && [ -f "$W/without" ]; then
	d=$(awk -v a="$(cut -d' ' -f1 "$W/with")" -v b="$(cut -d' ' -f1 "$W/without")" \
		'BEGIN { printf "%.2f", a - b }')
	echo "  the cgroup's cost: $d ms of median boot (target <= 0.3 ms)"
fi
printf '%-44s %10s %10s %10s\n' "a process into a cgroup (us)" median min max
if [ -f "$W/spawn" ]; then
	# shellcheck disable=SC2046 # three numbers each
	printf '%-44s %10s %10s %10s\n' "  clone3(CLONE_INTO_CGROUP)" $(sed -n 's/^clone3 //p' "$W/spawn")
	# shellcheck disable=SC2046
	printf '%-44s %10s %10s %10s\n' "  fork + write to cgroup.procs" $(sed -n 's/^procs //p' "$W/spawn")
	awk '{ m[$1] = $2 } END { if (m["clone3"] > 0) printf "  ratio procs/clone3: %.2f\n", m["procs"] / m["clone3"] }' "$W/spawn"
else
	echo "  n/a ($(cat "$W/spawn.na"))"
fi
if [ "$limits" = no ]; then
	echo "== the same in the VM lane (cgroup v2 alone, limits applied; under emulation)"
	sh tests/vm/run.sh bench/cgroup.sh 2>&1 | grep -v '^\[' || echo "cgroup bench: the VM lane failed"
fi
exit 0
