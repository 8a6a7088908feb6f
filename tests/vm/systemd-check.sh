#!/bin/sh
# In the --systemd VM: PID 1 is systemd, multi-user.target is reached, cgroup2 is the
# only hierarchy. Prints what it saw; exits 0 only if all three hold.
echo "pid 1: $(cat /proc/1/comm); multi-user.target: $(systemctl is-active multi-user.target); /sys/fs/cgroup: $(stat -f -c %T /sys/fs/cgroup)"
[ "$(cat /proc/1/comm)" = systemd ] || exit 1
[ "$(systemctl is-active multi-user.target)" = active ] || exit 1
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
