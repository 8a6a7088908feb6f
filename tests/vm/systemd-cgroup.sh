#!/bin/sh
# In the --systemd VM (systemd as PID 1, its cgroup2 with nsdelegate): a vnode booted by a
# service outlives the service, since its monitor is out of the service's cgroup; and
# systemd, realising its own units' cgroups and limits, leaves the vnode's alone: its limits,
# its controllers, its processes. Vnodes: sc-a.
. "$(dirname "$0")/../integration/lib.sh"
vnode_setup
CG=$(cgroup2_mount)
new_vnode sc-a 'MEMORY_MAX=64M
PIDS_MAX=50'
systemd-run --wait --quiet --unit vnode-boots-sc-a -E VNODE_HOME="$VNODE_HOME" "$V" boot sc-a
check boot_from_a_service_succeeds [ $? = 0 ]
up() { "$V" status "$1" | grep -q '^state: *up$'; }
check the_vnode_outlives_the_service_that_booted_it up sc-a
check its_monitor_is_out_of_the_services_cgroup grep -qx "0::/vnode/_monitors" "/proc/$(monitor_of sc-a)/cgroup"
# systemd at work on its own: a reload, and a unit with limits of its own
systemctl daemon-reload
systemd-run --wait --quiet -p MemoryMax=20M -p TasksMax=10 -p CPUQuota=10% true
check systemd_leaves_its_memory_max grep -qx 67108864 "$CG/vnode/sc-a/memory.max"
check systemd_leaves_its_pids_max grep -qx 50 "$CG/vnode/sc-a/pids.max"
check systemd_leaves_the_controllers_on grep -qw memory "$CG/vnode/cgroup.subtree_control"
check and_the_init_where_it_was grep -qx "0::/vnode/sc-a" "/proc/$(init_of sc-a)/cgroup"
check the_vnode_is_still_up up sc-a
"$V" halt sc-a >/dev/null
check halt_leaves_nothing nothing_left_of sc-a
finish
