#!/bin/sh
# In the --systemd VM, run by tests/vm/run.sh with VM_REBOOT=1, so that it runs twice:
# before the VM reboots and after. Three vnodes of the Debian package's vnode@.service are
# enabled, the VM reboots, and after its boot all three are up: booted by vnode.target, as
# many at a time as the VM has CPUs (their HOOK sleeps while booting, and logs), and
# halted, each, by the shutdown. Vnodes (in /opt/sub): rb-1, rb-2, rb-3.
. "$(dirname "$0")/../integration/lib.sh"
export VNODE_HOME=/opt/sub
LOG=/var/lib/rb-hook.log  # on the VM's root, which the reboot keeps
NAMES="rb-1 rb-2 rb-3"
# most_booting: how many vnodes were booting at once at most, from the hook's log since
# line $1.
most_booting() {
	tail -n "+$1" "$LOG" | sort -n | awk '$3 == "booting" { n++; if (n > m) m = n }
		$3 == "up" || $3 == "failed" { n-- } END { print m + 0 }'
}

if [ ! -e /vm/rebooted ]; then
	deb=$(ls "$B"/deb/vnode_*.deb 2>/dev/null | head -n 1)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$T/apt.log" 2>&1
	check apt_installs_the_deb [ $? = 0 ]
	make_busybox_root /opt/rb-base
	printf '#!/bin/sh\necho "$(date +%%s.%%N) $1 $2" >>%s\n[ "$2" = booting ] && sleep 3\nexit 0\n' \
		"$LOG" >/opt/rb-hook
	chmod +x /opt/rb-hook
	for v in $NAMES; do
		mkdir -p "/opt/sub/$v/root" "/opt/sub/$v/work"
		printf 'BASE=/opt/rb-base\nNETWORK=none\nHOOK=/opt/rb-hook\n' >"/opt/sub/$v/config"
	done
	systemctl enable vnode@rb-1 vnode@rb-2 vnode@rb-3 2>/dev/null
	check three_are_enabled systemctl -q is-enabled vnode@rb-1 vnode@rb-2 vnode@rb-3
	systemctl start vnode.target
	for v in $NAMES; do
		check "$v"_is_up_before_the_reboot [ "$(systemctl is-active "vnode@$v")" = active ]
	done
	check started_two_at_a_time [ "$(most_booting 1)" = "$(nproc)" ]
	wc -l <"$LOG" >/var/lib/rb-lines
	echo "$nfail" >/vm/rebooted  # what the run after the reboot adds to its own
	echo "# the VM reboots"
	systemctl reboot
	exec sleep 600  # until the shutdown ends this unit, without its cleanups
fi

nfail=$(cat /vm/rebooted)
at_exit 'systemctl disable --now vnode@rb-1 vnode@rb-2 vnode@rb-3 2>/dev/null'
before=$(cat /var/lib/rb-lines)
echo "# the hook's log: $(tr '\n' ';' <"$LOG")"
for v in $NAMES; do
	check "$v"_was_halted_by_the_shutdown sh -c 'tail -n "+$2" "$3" | sed -n "/ $1 halting$/,\$p" | grep -q " $1 down$"' - "$v" "$((before + 1))" "$LOG"
	check "$v"_is_up_after_the_boot [ "$(systemctl is-active "vnode@$v")" = active ]
	check "$v"_reports_up sh -c 'vnode status "$1" | grep -q "^state: *up$"' - "$v"
done
boots=$(awk -v b="$before" 'NR > b && $3 == "booting"' "$LOG" | wc -l)
check each_booted_once_after_the_reboot [ "$boots" = 3 ]
check as_many_at_a_time_as_cpus [ "$(most_booting "$((before + 1))")" = "$(nproc)" ]
check machinectl_lists_them sh -c '[ "$(machinectl list --no-legend | grep -c "^rb-[123]  *container  *vnode")" = 3 ]'
systemctl disable --now vnode@rb-1 vnode@rb-2 vnode@rb-3 2>/dev/null
check nothing_is_left nothing_left_of rb-1 rb-2 rb-3
finish
