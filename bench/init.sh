#!/bin/sh
# init/ benchmark: vinit beside Debian's tini (dynamic and tini-static), dumb-init,
# catatonit and busybox-static's init, each as PID 1 of a fresh pid+mount namespace
# over a busybox-static root, timed by tests/helpers/init_bench (CLOCK_MONOTONIC,
# waitpid on the init; no shell between the clock and the kernel). Medians of N runs
# (default 7) and NS runs for the slow cases (default 3), in one table:
#   size    stripped size of the binary (`strip -o`), and static/dynamic
#   rss     VmRSS and RssAnon of the init, idle with one child
#   storm   10,000 orphans exit at once; until the init has reaped the last one
#   stop    SIGTERM from outside until the init's parent sees it end, when every
#           process obeys TERM, and when the main one ignores it
# vinit runs its rc (`--rc`, as in a vnode), and as vinit-cmd its command mode, as
# the peers do (`INIT -- /bin/sh /bench.sh`); busybox init an inittab `::once:` entry.
# Needs root; exits 0 whether the targets are met or not (it is a benchmark).
set -u
N=${N:-7}
NS=${NS:-3}
STORM=${STORM:-10000}
WAIT_MS=5000
cd "$(dirname "$0")/.."
B=${B:-build}
H=$B/tests/helpers/init_bench
[ "$(id -u)" = 0 ] || { echo "init bench: n/a (needs root)"; exit 0; }
[ -x "$H" ] && [ -x "$B/vinit" ] || { echo "init bench: missing $H or $B/vinit (make)"; exit 1; }
W=$(mktemp -d /tmp/vinit-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
trap 'exit 1' INT TERM HUP

missing=""
for p in tini dumb-init catatonit; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
		>"$W/apt.log" 2>&1 || echo "init bench: apt-get install$missing failed: $(tail -1 "$W/apt.log")"
fi

# The root: busybox-static, vinit, the peers, and the shared libraries of the
# dynamic ones (with their paths, so the loader finds them).
R=$W/root
mkdir -p "$R/bin" "$R/sbin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
cp "$B/vinit" "$R/sbin/vinit"
for f in /usr/bin/tini /usr/bin/tini-static /usr/bin/dumb-init /usr/bin/catatonit; do
	[ -x "$f" ] || continue
	cp "$f" "$R/sbin/"
	for lib in $(ldd "$f" 2>/dev/null | sed -n 's|.*[ \t]\(/[^ ]*\) (0x.*|\1|p'); do
		mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib"
	done
done
echo '::once:/bin/sh /bench.sh' >"$R/etc/inittab"

# A pids cgroup makes the storm's end an O(1) read (zombies count until reaped).
CG=""
for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do
	[ -f "$d/cgroup.procs" ] && { [ -f "$d/pids.max" ] || [ "$d" = /sys/fs/cgroup/pids ]; } && { CG=$d; break; }
done
if [ -z "$CG" ] && grep -qw pids /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then CG=/sys/fs/cgroup; fi

# Every job script writes to /bench.fifo once it runs: that is "ready".
job_idle='echo x >/bench.fifo; exec sleep 100000'
job_obey='sleep 100000 & echo x >/bench.fifo; exec sleep 100000'
job_ignore='sleep 100000 & trap "" TERM; echo x >/bench.fifo; exec sleep 100000'

INITS="vinit vinit-cmd tini-static tini dumb-init catatonit busybox"
bin_of() { case $1 in vinit|vinit-cmd) echo "$B/vinit";; busybox) echo /bin/busybox;;
	tini-static) echo /usr/bin/tini-static;; *) echo "/usr/bin/$1";; esac; }
# argv of each init in the root; vinit's grace is 1 s so the ignoring case shows it.
argv_of() { case $1 in
	vinit) echo "/sbin/vinit -q --grace 1 --rc";;
	vinit-cmd) echo "/sbin/vinit -q --grace 1 --";;
	tini|tini-static|catatonit) echo "/sbin/$1 --";;
	dumb-init) echo "/sbin/dumb-init";;
	busybox) echo "/bin/init";; esac; }

# bench INIT MODE RUNS JOB -> the helper's "key value" lines in $W/INIT.MODE
bench() {
	printf '%s\n' "$4" >"$R/bench.sh"
	set -- "$1" "$2" "$3" $(argv_of "$1")
	init=$1 mode=$2 runs=$3; shift 3
	out=$W/$init.${mode%%:*}${SUFFIX:-}
	cg=""; [ -n "$CG" ] && cg="-c $CG"
	case $init in
	vinit) "$H" -r "$R" -n "$runs" -t $WAIT_MS -l "$W/log" $cg "$mode" -- "$@" '/bin/sh /bench.sh' ;;
	busybox) "$H" -r "$R" -n "$runs" -t $WAIT_MS -l "$W/log" $cg "$mode" -- "$@" ;;
	*) "$H" -r "$R" -n "$runs" -t $WAIT_MS -l "$W/log" $cg "$mode" -- "$@" /bin/sh /bench.sh ;;
	esac >"$out" 2>"$out.err" || echo "failed: $(tail -1 "$out.err")" >"$out"
}
get() { sed -n "s/^$2 //p" "$W/$1" 2>/dev/null | head -1; }
ms() { awk -v u="$1" 'BEGIN { if (u == "") print "n/a"; else printf "%.2f", u / 1000 }'; }
# A stop cell: milliseconds, or what happened instead.
stop_cell() {
	f=$W/$1
	if grep -q '^timeout' "$f"; then echo "none in $((WAIT_MS / 1000)) s"
	elif grep -q '^failed' "$f"; then echo "failed"
	else echo "$(ms "$(get "$1" stop_us)")"; fi
}
end_of() { get "$1" end | sed 's/signal /sig /'; }

AVAIL=""
for i in $INITS; do [ -x "$(bin_of "$i")" ] && AVAIL="$AVAIL $i"; done
for i in $AVAIL; do
	strip -o "$W/$i.stripped" "$(bin_of "$i")" 2>/dev/null || cp "$(bin_of "$i")" "$W/$i.stripped"
	bench "$i" rss "$N" "$job_idle"
	bench "$i" "storm:$STORM" "$NS" "$job_idle"
	SUFFIX=.obey bench "$i" stop "$N" "$job_obey"
	# busybox init always takes ~2 s; no need for N of them
	runs=$NS; [ "$i" = busybox ] && runs=1
	SUFFIX=.ignore bench "$i" stop "$runs" "$job_ignore"
done

printf 'init bench: medians of %s runs (%s for the storm and the TERM-ignoring stop), ' "$N" "$NS"
printf 'each init PID 1 of a new pid+mount namespace\n'
fmt='  %-12s %-8s %9s %7s %8s %11s %16s %18s\n'
printf "$fmt" init linkage "size_KiB" "VmRSS" "RssAnon" "reap_${STORM}" "stop_all_obey" "stop_one_ignores"
printf "$fmt" "" "" stripped kB kB ms "ms (ends as)" "ms (ends as)"
for i in $AVAIL; do
	f=$(bin_of "$i")
	link=static; file -L "$f" 2>/dev/null | grep -q 'dynamically linked' && link=dynamic
	size=$(($(stat -c %s "$W/$i.stripped") / 1024))
	ob="$(stop_cell "$i.stop.obey")"; [ -n "$(end_of "$i.stop.obey")" ] && ob="$ob ($(end_of "$i.stop.obey"))"
	ig="$(stop_cell "$i.stop.ignore")"; [ -n "$(end_of "$i.stop.ignore")" ] && ig="$ig ($(end_of "$i.stop.ignore"))"
	printf "$fmt" "$i" "$link" "$size" "$(get "$i.rss" vmrss_kb)" "$(get "$i.rss" rssanon_kb)" \
		"$(ms "$(get "$i.storm" storm_us)")" "$ob" "$ig"
done
echo "  busybox: size is all of busybox (init is one applet); it runs an inittab ::once: entry."
echo "  tini, dumb-init, catatonit forward TERM to their child and never escalate to KILL;"
echo "  vinit (--grace 1 --rc) sends TERM+CONT to all, KILLs the rest after 1 s, then reboot(2): sig 2;"
echo "  vinit-cmd (--grace 1 -- CMD) forwards TERM to CMD like tini, and waits for it like tini."
[ -n "$CG" ] && echo "  storm end read from $CG pids.current; includes the kernel's own exit work for $STORM processes."
[ -z "$CG" ] && echo "  storm end read from /proc/PID/task/PID/children (no pids cgroup found): slower, upper bound."

# Ratios to vinit (peer / vinit; > 1 means vinit is smaller or faster).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.1fx", b / a; else print "-" }'; }
printf '  %-12s %9s %7s %8s %11s %16s\n' "peer/vinit" size VmRSS RssAnon reap stop_all_obey
for i in $AVAIL; do
	[ "$i" = vinit ] && continue
	printf '  %-12s %9s %7s %8s %11s %16s\n' "$i" \
		"$(ratio "$(stat -c %s "$W/vinit.stripped")" "$(stat -c %s "$W/$i.stripped")")" \
		"$(ratio "$(get vinit.rss vmrss_kb)" "$(get "$i.rss" vmrss_kb)")" \
		"$(ratio "$(get vinit.rss rssanon_kb)" "$(get "$i.rss" rssanon_kb)")" \
		"$(ratio "$(get vinit.storm storm_us)" "$(get "$i.storm" storm_us)")" \
		"$(ratio "$(get vinit.stop.obey stop_us)" "$(get "$i.stop.obey" stop_us)")"
done

# Targets, one verdict each.
verdict() { if [ "$2" = yes ]; then echo "  target: $1: met"; else echo "  target: $1: not met"; fi; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "" && a + 0 <= b + 0) ? "yes" : "no" }'; }
vsize=$(stat -c %s "$W/vinit.stripped")
verdict "vinit stripped size <= 40 KiB (is $((vsize / 1024)) KiB)" "$(le "$vsize" 40960)"
v=$(get vinit.rss vmrss_kb)
verdict "vinit VmRSS <= 64 kB (is ${v:-n/a} kB)" "$(le "$v" 64)"
v=$(get vinit.stop.obey stop_us)
verdict "vinit stop within 2 ms when all obey TERM (is $(ms "$v") ms)" "$(le "$v" 2000)"
v=$(get vinit.stop.ignore stop_us)
verdict "vinit stop within grace + 2 ms when one ignores TERM (is $(ms "$v") ms, grace 1000)" "$(le "$v" 1002000)"
exit 0
