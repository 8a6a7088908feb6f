#!/bin/sh
# Prints the median, min and max ms of N (default 10) `vnode boot -f` of a busybox root
# whose rc powers off (unprivileged, NETWORK=none): where it runs, host or VM.
. "$(dirname "$0")/../integration/lib.sh"
vnode_setup
mkdir -p "$VNODE_HOME/vmfig"
make_busybox_root "$VNODE_HOME/vmfig/root"
echo poweroff >"$VNODE_HOME/vmfig/root/etc/rc"
echo NETWORK=none >"$VNODE_HOME/vmfig/config"
"$B/tests/helpers/hostside_bench" -n "${N:-10}" -o "$T/log" "$V" boot -f vmfig </dev/null
