#!/bin/sh
# Reboots through the launcher: from outside (vnode reboot) and from inside (reboot in the
# vnode), each seen through the HOOK's events and counted in the status; the monitor that
# watches a rebooted vnode is the small static vnode-monitor and leaks no fd into the vnode;
# a reboot into a broken config ends the vnode cleanly and says so; an init that ignores
# the reboot request is KILLed after STOP_TIMEOUT and comes back; kill with a broken config
# and halt with a missing one still stop the vnode. An init that fails fails boot -f. Vnodes: rb-a, rb-e, rb-f.
. "$(dirname "$0")/lib.sh"
vnode_setup
vnode_hooks
# is_static_watcher PID: the process is vnode-monitor, resident in under 512 kB.
is_static_watcher() {
	[ "$(cat /proc/"$1"/comm)" = vnode-monitor ] &&
		[ "$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/"$1"/status)" -lt 512 ]
}

new_vnode rb-a "HOOK=$T/hook"
vnode_bg "$V" boot rb-a >/dev/null 2>&1
bootpid=$!
check hooked_boot_is_up next_events_are "rb-a booting" "rb-a up"
wait $bootpid
check hooked_boot_returns_0 [ $? = 0 ]

vnode_bg "$V" reboot rb-a >"$T/out3" 2>&1
rebootpid=$!
check reboot_from_outside_boots_again next_events_are "rb-a booting" "rb-a up"
wait $rebootpid
r=$?
check reboot_returns_0_once_up_again status_and_grep "$r" 0 "rb-a: rebooted" "$T/out3"
check reboot_counts_boots sh -c '"$1" status rb-a | grep -q "boot 2"' - "$V"
check monitor_is_the_static_watcher is_static_watcher "$(monitor_of rb-a)"
"$V" exec rb-a reboot
check reboot_from_inside_boots_again next_events_are "rb-a booting" "rb-a up"
check reboot_from_inside_counts_boots sh -c '"$1" status rb-a | grep -q "boot 3"' - "$V"
check reboot_leaks_no_monitor_fd_into_vnode sh -c '! "$1" exec rb-a ls -l /proc/1/fd /proc/self/fd 2>/dev/null | grep -q -e "rb-a\.pid" -e "anon_inode:\[pidfd\]"' - "$V"
vnode_bg "$V" halt rb-a >/dev/null
haltpid=$!
check halt_after_reboots_runs_hooks next_events_are "rb-a halting" "rb-a down"
wait $haltpid
sed -i '/^HOOK=/d' "$VNODE_HOME/rb-a/config"

# A reboot re-reads the config; a broken one ends the vnode cleanly, reported.
"$V" boot rb-a >/dev/null
cp "$VNODE_HOME/rb-a/config" "$T/rb-a.config"
echo 'NETWORK=bogus' >>"$VNODE_HOME/rb-a/config"
"$V" reboot rb-a >"$T/out4" 2>&1
r=$?
check reboot_into_bad_config_fails status_and_grep "$r" 1 "rb-a: did not come back up" "$T/out4"
check reboot_into_bad_config_logged grep -q "NETWORK" /var/log/vnode/rb-a.log
check reboot_into_bad_config_nothing_left nothing_left_of rb-a

# kill needs the config to find the writable state; halt needs none while it runs.
cp "$T/rb-a.config" "$VNODE_HOME/rb-a/config"
"$V" boot rb-a >/dev/null
"$V" exec rb-a touch /kept2
echo 'NETWORK=bogus' >>"$VNODE_HOME/rb-a/config"
"$V" kill rb-a >"$T/out5" 2>&1
r=$?
check kill_with_bad_config_says_state_kept status_and_grep "$r" 1 "rb-a: stopped, but its writable state was kept" "$T/out5"
# gone_but_kept GONE KEPT: GONE is not there, KEPT is.
gone_but_kept() { none_exist "$1" || return 1; [ -e "$2" ]; }
check kill_with_bad_config_stopped_it gone_but_kept /run/vnode/rb-a.pid "$VNODE_HOME/rb-a/root/kept2"
cp "$T/rb-a.config" "$VNODE_HOME/rb-a/config"
"$V" boot rb-a >/dev/null
rm "$VNODE_HOME/rb-a/config"
"$V" halt rb-a >/dev/null
r=$?
check halt_needs_no_config_while_running ended_ok "$r" /run/vnode/rb-a.pid
cp "$T/rb-a.config" "$VNODE_HOME/rb-a/config"

# An init that ignores SIGINT: the reboot request escalates to SIGKILL after STOP_TIMEOUT.
new_vnode rb-e 'INIT=/sbin/stubborn
STOP_TIMEOUT=1'
mkdir -p "$VNODE_HOME/rb-e/root/sbin"
printf '#!/bin/sh\ntrap "" INT\nexec sleep 100000\n' >"$VNODE_HOME/rb-e/root/sbin/stubborn"
chmod +x "$VNODE_HOME/rb-e/root/sbin/stubborn"
"$V" boot rb-e >/dev/null
"$V" reboot rb-e >"$T/out6" 2>&1
r=$?
check reboot_of_stubborn_init_comes_back sh -c '[ "$1" = 0 ] && "$2" status rb-e | grep -q "boot 2"' - "$r" "$V"
check reboot_of_stubborn_init_logged grep -q "still running 1 s after the reboot request" /var/log/vnode/rb-e.log
"$V" kill rb-e >/dev/null

# An init that ends by itself with status 3: a failure, not a poweroff. boot -f (and so a
# service) ends with 1, the log says how, and nothing is left.
new_vnode rb-f 'INIT=/sbin/fails'
mkdir -p "$VNODE_HOME/rb-f/root/sbin"
printf '#!/bin/sh\nexit 3\n' >"$VNODE_HOME/rb-f/root/sbin/fails"
chmod +x "$VNODE_HOME/rb-f/root/sbin/fails"
"$V" boot -f rb-f </dev/null >/dev/null 2>&1
r=$?
check an_init_that_fails_ends_boot_f_with_1 status_and_grep "$r" 1 "rb-f: init exited with status 3" /var/log/vnode/rb-f.log
check and_leaves_nothing nothing_left_of rb-f
finish
