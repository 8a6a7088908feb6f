#!/bin/sh
# tests/fuzz/run.sh BUILD (--execs N | --seconds S): runs every libFuzzer target built in
# BUILD/tests/fuzz (make fuzz-build) from its committed seed corpus, tests/fuzz/corpus/NAME,
# copied (what the fuzzer adds stays out of the checkout): N executions in all, shared by
# the weights below, or S seconds each (make check). Prints each target's executions and
# coverage (cov: edges reached, of the PCs instrumented in what it links; ft: features)
# and the total; exits 1 on any finding (a crash, a
# sanitizer report, a leak, a timeout), whose input is kept in BUILD/fuzz-findings.
set -u
cd "$(dirname "$0")/../.." || exit 2
[ $# = 3 ] || { echo "usage: tests/fuzz/run.sh BUILD --execs N | --seconds S" >&2; exit 2; }
BUILD=$1 MODE=$2 AMOUNT=$3
W=$(mktemp -d /tmp/vnode-fuzz.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT
trap 'exit 2' INT TERM HUP PIPE  # so that EXIT's cleanup runs then too
FINDINGS=$BUILD/fuzz-findings

# target, its share of the executions in percent, and its libFuzzer options: the partition
# probe forks (each input in a child process, coverage merged) and is some 50 times slower
TARGETS="config 30 -
initctl 20 -
mount_args 15 -
net_args 15 -
nlcheck 10 -
handoff 9 -
partition 1 -fork=1"

total=0 failed=0
while read -r name share opts; do
	bin=$BUILD/tests/fuzz/fuzz_$name
	[ -x "$bin" ] || { echo "FAIL fuzz $name: no $bin (make fuzz-build)"; failed=1; continue; }
	mkdir -p "$W/$name" "$W/art-$name" && cp tests/fuzz/corpus/"$name"/* "$W/$name"/
	case $MODE in
	--execs) limit="-runs=$((AMOUNT * share / 100))" ;;
	*) limit="-max_total_time=$AMOUNT" ;;
	esac
	[ "$opts" = - ] && opts=""
	start=$(date +%s)
	# shellcheck disable=SC2086 # options are words
	"$bin" $opts $limit -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$W/art-$name/" "$W/$name" >"$W/$name.log" 2>&1
	r=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/$name.log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\):* .*/\1/p' "$W/$name.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$W/$name.log" | tail -n 1)
	pcs=$(sed -n 's/.*PC tables* (\([0-9]*\) PCs).*/\1/p' "$W/$name.log" | head -n 1)
	echo "fuzz $name: ${execs:-0} executions, ${cov:-cov: ?} (of ${pcs:-?} instrumented PCs)," \
		"corpus $(ls "$W/$name" | wc -l) inputs ($(($(date +%s) - start)) s)"
	total=$((total + ${execs:-0}))
	if [ "$r" != 0 ] || [ -n "$(ls "$W/art-$name")" ]; then
		failed=1
		mkdir -p "$FINDINGS" && cp "$W/art-$name"/* "$FINDINGS"/ 2>/dev/null
		echo "FAIL fuzz $name: exit $r; the fuzzer's report:"
		grep -E "ERROR|SUMMARY|==[0-9]+==|Test unit written" "$W/$name.log" | head -n 20
	fi
done <<EOF
$TARGETS
EOF
echo "fuzz: $total executions in all"
if [ "$MODE" = --execs ] && [ "$total" -lt "$AMOUNT" ]; then
	echo "FAIL fuzz: fewer than the $AMOUNT executions asked for"
	failed=1
fi
exit "$failed"
