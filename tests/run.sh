#!/bin/sh
# Test runner: cmocka unit tests (build/tests/unit/*) and integration scripts
# (tests/integration/*.sh, root). An integration script prints one line per case,
# "ok NAME", "FAIL NAME: why" or "skip NAME: why", and exits non-zero on failure. The
# integration and all modes first run tests/lint.sh (and its self-test) over the scripts.
# Usage: tests/run.sh unit|integration|soak|all [PATTERN]
set -u
B=${B:-build}
what=${1:-all}
pattern=${2:-}
passed=0 failed=0 skipped=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_unit() {
	for t in "$B"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *"$pattern"*) ;; *) continue ;; esac
		"$t" >"$log" 2>&1
		rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log")
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log")
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ "$rc" != 0 ]; then
			[ -n "$f" ] || failed=$((failed + 1))
			failures="$failures $(basename "$t")"
			cat "$log"
		fi
		echo "unit $(basename "$t"): ${p:-0} passed, ${f:-0} failed"
	done
}

# The lint of the integration and soak scripts (no check or expect that asserts only the
# first of several commands), after its self-test shows it can fail: one case each.
run_lint() {
	[ "${LINT:-1}" = 0 ] && return  # tests/vm/suite.sh: the host lane linted these already
	for a in --self-test ""; do
		# shellcheck disable=SC2086 # no argument when $a is empty
		if sh tests/lint.sh $a >"$log" 2>&1; then
			passed=$((passed + 1)) r=ok
		else
			failed=$((failed + 1)) r=FAIL
			failures="$failures lint${a:+-self-test}"
			sed 's/^/    /' "$log"
		fi
		echo "lint tests/lint.sh${a:+ $a}: $r"
	done
}

run_integration() { # [DIR]: tests/integration, or tests/soak
	dir=${1:-tests/integration}
	if [ "$(id -u)" != 0 ]; then
		echo "${dir##*/}: skipped, needs root"
		skipped=$((skipped + 1))
		return
	fi
	for t in "$dir"/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		case "$t" in *"$pattern"*) ;; *) continue ;; esac
		start=$(date +%s)
		sh "$t" >"$log" 2>&1
		rc=$?
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^FAIL ' "$log")
		s=$(grep -c '^skip ' "$log")
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		if [ "$rc" != 0 ] || [ "$f" != 0 ]; then
			[ "$f" != 0 ] || failed=$((failed + 1))
			failures="$failures $(basename "$t")"
			sed 's/^/    /' "$log"
		elif [ "$dir" = tests/soak ]; then
			grep -e '^skip ' -e '^# ' "$log" | sed 's/^/    /'  # a soak's figures
		else
			grep '^skip ' "$log" | sed 's/^/    /'
		fi
		echo "${dir##*/} $(basename "$t"): $p passed, $f failed, $s skipped ($(($(date +%s) - start)) s)"
	done
}

case "$what" in
unit) run_unit ;;
integration) run_lint; run_integration ;;
soak) run_integration tests/soak ;;
all) run_unit; run_lint; run_integration ;;
*) echo "usage: $0 unit|integration|soak|all [PATTERN]" >&2; exit 2 ;;
esac
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
