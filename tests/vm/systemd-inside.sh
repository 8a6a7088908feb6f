#!/bin/sh
# In the --systemd VM: a vnode whose init is systemd (the VM's own Debian root as its BASE,
# under an overlay), to show that its delegated cgroup is one a systemd inside can run in:
# it boots, makes its own cgroups below the vnode's, keeps within the vnode's limits, and
# powers off cleanly. Vnodes: sd-in.
. "$(dirname "$0")/../integration/lib.sh"
vnode_setup
CG=$(cgroup2_mount)
# a bind of the root file system: an idmapped clone of / itself is refused here (EINVAL)
mkdir "$T/lower" && mount --bind / "$T/lower" && mount --make-private "$T/lower"
at_exit "umount '$T/lower'"
new_vnode sd-in "BASE=$T/lower"
cat >>"$VNODE_HOME/sd-in/config" <<'EOC'
INIT=/lib/systemd/systemd
PIDS_MAX=400
STOP_TIMEOUT=20
EOC
"$V" boot sd-in >/dev/null
check a_vnode_boots_systemd_as_its_init [ $? = 0 ]
state() { "$V" exec sd-in systemctl is-system-running 2>/dev/null; }
# systemctl is-system-running --wait would block on a unit that never settles: 60 s at most
for _ in $(seq 120); do case $(state) in running | degraded) break ;; esac; sleep 0.5; done
echo "# systemd inside: $(state); failed units: $("$V" exec sd-in systemctl --failed --no-legend --plain 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')"
for u in $("$V" exec sd-in systemctl --failed --no-legend --plain 2>/dev/null | cut -d' ' -f1); do
	echo "# $u: $("$V" exec sd-in journalctl -b -u "$u" -n 8 --no-pager -o cat 2>/dev/null | tr '\n' ' ')"
done
check systemd_inside_reaches_running_or_degraded sh -c 'case $1 in running | degraded) ;; *) exit 1 ;; esac' - "$(state)"
check systemd_inside_makes_its_own_cgroups_below [ -d "$CG/vnode/sd-in/init.scope" ]
check and_runs_its_units_in_them [ -d "$CG/vnode/sd-in/system.slice" ]
check the_vnodes_limit_still_holds grep -qx 400 "$CG/vnode/sd-in/pids.max"
"$V" exec sd-in systemctl poweroff >/dev/null 2>&1
"$V" wait sd-in
check systemctl_poweroff_inside_ends_the_vnode nothing_left_of sd-in
finish
