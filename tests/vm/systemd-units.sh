#!/bin/sh
# In the --systemd VM: the Debian package (make deb) installed with apt, then its
# vnode@.service and vnode.target. start is active once the vnode is up, with the monitor as the unit's main
# process and the vnode's cgroup in the unit's delegated one; restart boots it again; stop
# halts it and leaves nothing; an init that fails fails the unit, with why; an enabled vnode
# starts with vnode.target; machinectl lists, shows and powers off a running one. Vnodes (in /opt/sub, the unit's VNODE_HOME): su-a, su-b, su-c.
. "$(dirname "$0")/../integration/lib.sh"
export VNODE_HOME=/opt/sub
CG=$(cgroup2_mount)
# the package (make deb, made on the host by lane.sh), installed as an operator would
deb=$(ls "$B"/deb/vnode_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	fail deb_is_there "no $B/deb/vnode_*.deb: make deb first"
	finish
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$T/apt.log" 2>&1
check apt_installs_the_deb [ $? = 0 ]
check the_package_enables_vnode_target systemctl -q is-enabled vnode.target
V=/usr/sbin/vnode
check its_vnode_runs [ -x "$V" ]
at_exit 'systemctl stop vnode@su-a vnode@su-b vnode@su-c vnode.target 2>/dev/null; systemctl reset-failed vnode@su-b 2>/dev/null'
mkdir -p /opt/sub
make_busybox_root /opt/sub-base
unit_vnode() { # NAME CONFIG-LINES
	mkdir -p "/opt/sub/$1/root" "/opt/sub/$1/work"
	printf 'BASE=/opt/sub-base\nNETWORK=none\n%s\n' "$2" >"/opt/sub/$1/config"
}
prop() { systemctl show -p "$2" --value "vnode@$1"; }

unit_vnode su-a 'PIDS_MAX=100'
systemctl start vnode@su-a
check start_returns_once_up [ "$(systemctl is-active vnode@su-a)" = active ]
check the_vnode_is_up sh -c '"$1" status su-a | grep -q "^state: *up$"' - "$V"
check its_monitor_is_the_units_main_process [ "$(prop su-a MainPID)" = "$(monitor_of su-a)" ]
check the_unit_says_up [ "$(prop su-a StatusText)" = up ]
U=$(prop su-a ControlGroup)
echo "# vnode@su-a: cgroup $U; init in $(cut -d: -f3 "/proc/$(init_of su-a)/cgroup")"
check the_init_is_in_the_units_delegated_cgroup grep -qx "0::$U/su-a" "/proc/$(init_of su-a)/cgroup"
check the_monitor_beside_it grep -qx "0::$U/_monitors" "/proc/$(monitor_of su-a)/cgroup"
check with_its_limits grep -qx 100 "$CG$U/su-a/pids.max"
check machinectl_lists_it sh -c 'machinectl list --no-legend | grep -q "^su-a  *container  *vnode"'
check machinectl_status_has_its_leader sh -c 'machinectl status su-a | grep -q "Leader: $1 "' - "$(init_of su-a)"
first=$(init_of su-a)
systemctl restart vnode@su-a
second=$(init_of su-a)
check restart_leaves_it_active [ "$(systemctl is-active vnode@su-a)" = active ]
check with_a_new_init_booted [ -n "$second" -a "$second" != "$first" ]
echo "# after the restart: $(machinectl status su-a 2>&1 | grep Leader); $(journalctl -u vnode@su-a -n 20 -o cat | grep machined | tail -1)"
check machinectl_has_the_new_leader sh -c 'machinectl status su-a | grep -q "Leader: $1 "' - "$second"
machinectl poweroff su-a
# machined signals the init (SIGRTMIN+4, as to nspawn's) and returns: 30 s at most
for _ in $(seq 150); do [ "$(systemctl is-active vnode@su-a)" = inactive ] && break; sleep 0.2; done
check machinectl_poweroff_ends_it [ "$(systemctl is-active vnode@su-a)" = inactive ]
systemctl start vnode@su-a
systemctl stop vnode@su-a
check stop_halts_it [ "$(systemctl is-active vnode@su-a)" = inactive ]
check and_leaves_nothing nothing_left_of su-a
check nor_the_units_cgroup [ ! -e "$CG$U" ]

unit_vnode su-b 'INIT=/sbin/fails'
mkdir -p /opt/sub/su-b/root/sbin
printf '#!/bin/sh\nexit 3\n' >/opt/sub/su-b/root/sbin/fails
chmod +x /opt/sub/su-b/root/sbin/fails
systemctl start vnode@su-b
# no event to wait on from here: 30 s at most
for _ in $(seq 150); do [ "$(systemctl is-failed vnode@su-b)" = failed ] && break; sleep 0.2; done
check an_init_that_fails_fails_the_unit [ "$(systemctl is-failed vnode@su-b)" = failed ]
check with_why_in_its_status sh -c 'systemctl status vnode@su-b | grep -q "init exited with status 3"'
check and_leaves_nothing_of_it nothing_left_of su-b

unit_vnode su-c ''
systemctl enable vnode@su-c vnode.target 2>/dev/null
systemctl start vnode.target  # what the host's boot does
check an_enabled_vnode_starts_with_vnode_target [ "$(systemctl is-active vnode@su-c)" = active ]
systemctl stop vnode.target
check and_stops_with_it [ "$(systemctl is-active vnode@su-c)" = inactive ]
systemctl disable vnode@su-c vnode.target 2>/dev/null
check nothing_is_left nothing_left_of su-a su-b su-c
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vnode >"$T/apt.log" 2>&1
check apt_purges_it [ $? = 0 ]
check and_its_units_with_it [ ! -e /lib/systemd/system/vnode@.service ]
finish
