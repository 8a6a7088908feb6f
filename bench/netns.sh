#!/bin/sh
# netns/: one cable made by the library vs the same made with ip(8) commands; deletion on its
# own line (the kernel's RCU cost, not ours to remove). Root; a bridge of its own.
#   sh bench/netns.sh [RUNS]      (default 50)
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
RUNS=${1:-50}
if [ "$(id -u)" != 0 ]; then
	echo "netns bench: skipped, needs root"
	exit 0
fi
BR=vnb$$br
ip link add "$BR" type bridge || exit 1
trap 'ip link del "$BR" 2>/dev/null' EXIT
trap 'exit 1' INT TERM HUP
ip link set "$BR" up || exit 1
"$B/tests/helpers/netns_bench" "$BR" "$RUNS"
