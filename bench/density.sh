#!/bin/sh
# make bench: density. M overlay vnodes over one BASE directory whose rc returns at once
# (vinit stays up), each a default (unprivileged) vnode with one bridged veth, spread over
# bridges of PER_BRIDGE ports (a Linux bridge takes at most 1024): for M = 100 and 1000
# (env SIZES), side by side,
#   boot-all -j J: total, and per vnode;
#   memory per vnode: VmRSS, RssAnon and Pss (smaps_rollup: shared pages split) of the
#     monitor (vnode-monitor, once up) and vinit, median and max;
#   host memory used: MemAvailable before boot-all less after, in all and per vnode;
#   halt-all -j J: total;
#   what is left afterwards: runtime files, /run/netns names, veths, cgroups, live
#     processes in other pid namespaces (0 0 0 0 0).
# Then the targets. Needs root; exits 0 whether they are met or not.
set -u
SIZES=${SIZES:-100 1000}
J=${J:-2}
PER_BRIDGE=${PER_BRIDGE:-500}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
H=$B/tests/helpers/hostside_bench
VNODE=$PWD/$B/vnode
export PATH="/usr/sbin:/sbin:$PATH"
[ "$(id -u)" = 0 ] || { echo "density bench: n/a (needs root)"; exit 0; }
[ -x "$H" ] && [ -x "$VNODE" ] ||
	{ echo "density bench: missing $H or $VNODE (make; make helpers)"; exit 1; }

W=$(mktemp -d /tmp/vnode-density.XXXXXX)
TAG=dn$$
export VNODE_HOME=$W/home
cleanup() {
	trap '' INT TERM HUP
	"$VNODE" kill-all -j "$J" >/dev/null 2>&1
	for br in $(cat "$W/bridges" 2>/dev/null); do ip link del "$br" 2>/dev/null; done
	for d in "$VNODE_HOME"/*/; do rm -f "/var/log/vnode/$(basename "$d").log"; done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

sh images/mkimage.sh --dir --no-service "$W/base" >"$W/mkimage.log" 2>&1 ||
	{ echo "density bench: images/mkimage.sh --dir failed: $(tail -1 "$W/mkimage.log")"; exit 1; }
printf '#!/bin/sh\n:\n' >"$W/base/etc/rc"
rm -f "$W/base/etc/rc.shutdown"

kb() { sed -n "s/^$1:[^0-9]*\\([0-9]*\\).*/\\1/p" "$2" 2>/dev/null; }
pidns_live() { # pid namespaces of live processes but ours
	self=$(readlink /proc/self/ns/pid)
	for p in /proc/[0-9]*; do
		grep -q '^State:.*Z' "$p/status" 2>/dev/null || readlink "$p/ns/pid" 2>/dev/null
	done | sort -u | grep -Fvxc "$self"
}
# left: runtime files, netns names, veths (TAG's), cgroups, other pid namespaces
left() {
	cg=$(findmnt -rn -t cgroup2 -o TARGET | head -n 1)
	echo "$(ls /run/vnode | grep -c "^$TAG") $(ls /run/netns 2>/dev/null | grep -c "^$TAG")" \
		"$(ip -o link show | grep -c " ${TAG}v[^:]*[@:]")" \
		"$(ls -d ${cg:+"$cg"/vnode/"$TAG"*} 2>/dev/null | wc -l) $(pidns_live)"
}

# run M: makes M vnodes, boots, measures and halts them; one line of figures in $W/fig.M
run() {
	m=$1 nbr=$(( ($1 + PER_BRIDGE - 1) / PER_BRIDGE ))
	rm -rf "$VNODE_HOME" && mkdir -p "$VNODE_HOME"
	k=1
	while [ $k -le "$nbr" ]; do
		br=$TAG-$m-$k
		ip link add "$br" type bridge && ip link set "$br" up && echo "$br" >>"$W/bridges" || return 1
		k=$((k + 1))
	done
	i=1
	while [ $i -le "$m" ]; do
		d=$VNODE_HOME/${TAG}v$i
		mkdir -p "$d/root" "$d/work"
		printf 'BASE=%s\nBRIDGES=( %s: )\n' "$W/base" "$TAG-$m-$(( (i - 1) / PER_BRIDGE + 1 ))" >"$d/config"
		i=$((i + 1))
	done
	before=$(kb MemAvailable /proc/meminfo)
	boot_ms=$("$H" -n 1 -w 0 -o "$W/bootall.log" "$VNODE" boot-all -j "$J" 2>"$W/bootall.err" |
		awk '{print $1}')
	used=$((before - $(kb MemAvailable /proc/meminfo)))
	up=0
	: >"$W/rss"
	for d in "$VNODE_HOME"/*/; do
		n=$(basename "$d")
		mon=$(cat "/run/vnode/$n.pid" 2>/dev/null) ini=$(sed -n 's/^init=//p' "/run/vnode/$n.state" 2>/dev/null)
		[ -n "$mon" ] && [ -n "$ini" ] || continue
		echo "$(( $(kb VmRSS "/proc/$mon/status") + $(kb VmRSS "/proc/$ini/status") ))" \
			"$(( $(kb RssAnon "/proc/$mon/status") + $(kb RssAnon "/proc/$ini/status") ))" \
			"$(( $(kb Pss "/proc/$mon/smaps_rollup") + $(kb Pss "/proc/$ini/smaps_rollup") ))" >>"$W/rss"
		up=$((up + 1))
	done
	halt_ms=$("$H" -n 1 -w 0 -o "$W/haltall.log" "$VNODE" halt-all -j "$J" 2>"$W/haltall.err" |
		awk '{print $1}')
	# the kernel ends the namespaces and their veths just after the halt: 5 s at most
	k=0
	while [ "$(left)" != "0 0 0 0 0" ] && [ $k -lt 100 ]; do k=$((k + 1)); sleep 0.05; done
	med() { awk -v c="$1" '{print $c}' "$W/rss" | sort -n | awk '{v[NR]=$1} END { if (NR) printf "%s/%s", v[int((NR+1)/2)], v[NR]; else print "n/a" }'; }
	echo "${boot_ms:-failed} $(awk -v t="${boot_ms:-0}" -v m="$m" 'BEGIN { printf "%.2f", t / m }')" \
		"$up $(med 1) $(med 2) $(med 3) $((used / 1024)) $((used / m)) ${halt_ms:-failed}" \
		"$(left | tr ' ' ',')" >"$W/fig.$m"
}
for m in $SIZES; do run "$m" || echo "density bench: $m vnodes: cannot make their bridges"; done

printf '\ndensity bench: overlay vnodes over one BASE, 1 bridged veth each (%s per bridge), -j %s\n' \
	"$PER_BRIDGE" "$J"
row() { # LABEL FIELD
	printf '  %-52s' "$1"
	for m in $SIZES; do printf ' %14s' "$(cut -d' ' -f"$2" "$W/fig.$m" 2>/dev/null)"; done
	echo
}
printf '  %-52s' vnodes; for m in $SIZES; do printf ' %14s' "$m"; done; echo
row "boot-all, ms" 1
row "boot-all per vnode, ms" 2
row "up after boot-all" 3
row "monitor + vinit VmRSS, KiB (median/max)" 4
row "monitor + vinit RssAnon, KiB (median/max)" 5
row "monitor + vinit Pss, KiB (median/max)" 6
row "host memory used (MemAvailable drop), MiB" 7
row "host memory used per vnode, KiB" 8
row "halt-all, ms" 9
row "left: files,netns,veths,cgroups,pidns" 10

set -- $SIZES
small=$1 large=$2
verdict() { # WHAT VALUE LIMIT UNIT
	if awk -v a="$2" -v b="$3" 'BEGIN { exit !(a != "" && a + 0 == a && a <= b) }'; then
		echo "target: $1 <= $3 $4: met ($2 $4)"
	else
		echo "target: $1 <= $3 $4: not met (${2:-no figure} $4)"
	fi
}
f() { cut -d' ' -f"$2" "$W/fig.$1" 2>/dev/null; }
echo
verdict "boot-all of $large, -j $J" "$(awk -v t="$(f "$large" 1)" 'BEGIN { printf "%.2f", t / 1000 }')" 3 s
verdict "per-vnode boot cost at $large over that at $small" \
	"$(awk -v a="$(f "$large" 2)" -v b="$(f "$small" 2)" 'BEGIN { if (b > 0) printf "%.2f", a / b }')" 1.25 "(ratio)"
verdict "monitor + vinit VmRSS per vnode at $large, max" "$(f "$large" 4 | cut -d/ -f2)" 200 KiB
verdict "halt-all of $large" "$(awk -v t="$(f "$large" 9)" 'BEGIN { printf "%.2f", t / 1000 }')" 2 s
verdict "what is left after $large (all five counts)" "$(f "$large" 10 | tr ',' '\n' | awk '{ s += $1 } END { print s }')" 0 ""
exit 0
