#!/bin/sh
# The quick form of `make demo`: two vnodes from two disk images on a bridge of
# their own ping each other, serve a page, halt from inside and outside, and
# leave nothing behind. The demo script itself checks each step.
. "$(dirname "$0")/lib.sh"
sh "$TOP/images/demo.sh" >"$T/demo.out" 2>&1
rc=$?
check demo_exits_0 [ "$rc" = 0 ]
check demo_both_up grep -q "demo2: up" "$T/demo.out"
check demo_ping_answered grep -q "2 packets received" "$T/demo.out"
check demo_page_fetched grep -q "<h1>demo2</h1>" "$T/demo.out"
check demo_sees_both_disks grep -q "disks: vda1 vdb2" "$T/demo.out"
check demo_data_mounted_in_both [ "$(grep -c "^/dev/loop[0-9]* /data ext4 rw,nodev" "$T/demo.out")" = 2 ]
check demo_nothing_left grep -q "loop devices: 0, veths: 0, mounts: 0, /run/netns entries: 0" "$T/demo.out"
[ "$nfail" = 0 ] || sed 's/^/    demo: /' "$T/demo.out"
finish
