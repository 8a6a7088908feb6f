#!/bin/sh
# Runs every benchmark script bench/*.sh (but this one); each prints its own table.
set -u
cd "$(dirname "$0")/.."
rc=0
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	echo "== $b"
	sh "$b" || { echo "bench: $b failed"; rc=1; }
done
exit $rc
