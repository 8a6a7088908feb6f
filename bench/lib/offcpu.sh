#!/bin/sh
# offcpu.sh RUNS TOP CMD...: runs CMD RUNS times under the kernel's sched_switch tracepoint and
# prints where the processes of a vnode boot (vnode, vnode-monitor, init, sh, poweroff) were
# blocked (state D): milliseconds per run, summed by kernel call path, TOP paths, longest
# first. Time spent runnable or asleep by choice (poll, wait4) is not counted.
# Needs root and tracefs; prints "n/a (reason)" and exits 0 without them.
set -u
RUNS=$1 TOP=$2
shift 2
T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs nodev "$T" 2>/dev/null
[ -w "$T/events/sched/sched_switch/filter" ] || { echo "  n/a (no tracefs at $T)"; exit 0; }
EV=$T/events/sched/sched_switch
COMMS="vnode vnode-monitor init sh poweroff"
any() { # FIELD: FIELD == c1 || FIELD == c2 ...
	for c in $COMMS; do printf '%s%s == "%s"' "${sep:-}" "$1" "$c"; sep=' || '; done
	sep=''
}
OUT="($(any prev_comm)) || ($(any next_comm))"
TRIG="stacktrace if ($(any prev_comm)) && prev_state == 2"
LOG=$(mktemp /tmp/vnode-offcpu.XXXXXX)
restore() {
	echo 0 >"$T/tracing_on"
	echo 0 >"$EV/enable"
	echo "!$TRIG" >"$EV/trigger" 2>/dev/null
	echo 0 >"$EV/filter"
	rm -f "$LOG"
}
trap restore EXIT
trap 'exit 1' INT TERM HUP
echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo "$OUT" >"$EV/filter" && echo "$TRIG" >"$EV/trigger" && echo 1 >"$EV/enable" ||
	{ echo "  n/a (tracefs refused the filter)"; exit 0; }
echo 1 >"$T/tracing_on"
i=0
while [ $i -lt "$RUNS" ]; do
	"$@" >/dev/null 2>&1
	i=$((i + 1))
done
echo 0 >"$T/tracing_on"
cat "$T/trace" >"$LOG"
# A switch out in state D of one of COMMS opens a wait for that pid, keyed by the first three
# frames of its stack below the scheduler's own; the pid's next switch in closes it. The
# stack is its own event, so with several CPUs other lines may come between. This shell,
# an sh too, waiting in vfork for CMD to start, is not counted.
awk -v runs="$RUNS" -v top="$TOP" -v comms=" $COMMS " -v self=$$ '
/ sched_switch: / {
	t = $0; sub(/: sched_switch:.*/, "", t); sub(/.* /, "", t)
	np = $0; sub(/.* next_pid=/, "", np); sub(/ .*/, "", np)
	if (np in since) { total[key[np]] += t - since[np]; count[key[np]]++; delete since[np] }
	pc = $0; sub(/.* prev_comm=/, "", pc); sub(/ prev_pid=.*/, "", pc)
	if ($0 ~ /prev_state=D / && index(comms, " " pc " ")) {
		pp = $0; sub(/.* prev_pid=/, "", pp); sub(/ .*/, "", pp)
		if (pp != self) { since[pp] = t; key[pp] = "?"; stacked[pp] = 0 }
	}
	taking = ""
	next
}
/<stack trace>/ {
	p = $1; sub(/.*-/, "", p)
	taking = (p in since && !stacked[p]) ? p : ""
	if (taking != "") { stacked[p] = 1; key[p] = ""; depth = 0 }
	next
}
taking != "" && /^ => / {
	f = $2
	if (f ~ /^(trace_event_|__traceiter_|__schedule|schedule|io_schedule|__wait_for_common|wait_for_completion|__mutex_lock|mutex_lock|rwsem_down|down_read|down_write|__wait_on_bit|out_of_line_wait_on_bit|bit_wait|folio_wait_bit|exp_funnel_lock)/)
		next
	if (depth < 3) { key[taking] = key[taking] (depth ? " < " : "") f; depth++ }
	next
}
END { for (k in total) printf "%10.2f %6.1f  %s\n", total[k] * 1000 / runs, count[k] / runs, k }' "$LOG" | sort -rn | head -n "$TOP" |
	awk 'BEGIN { printf "  %10s %6s  %s\n", "ms/run", "n/run", "blocked in (innermost first)" } { print }'
